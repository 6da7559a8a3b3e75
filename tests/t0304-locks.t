#!/bin/sh
# A sync killed while git held a lock leaves the lock file behind; the next
# sync clears it.  Two syncs of one workspace never run at once.
. "$SRC/tests/lib.sh"

uses_libgit2

dieutra district init --schema "$SRC/tests/forms/demo/household.yaml" district.git >/dev/null
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git ws >/dev/null
dieutra -C ws add "$SRC/tests/forms/demo/records/01-lo-van-pang.yaml" >/dev/null 2>&1
dieutra -C ws sync --quiet

expect_success 'a ref lock left by a killed sync does not block the next one' '
	dieutra -C ws add "$SRC/tests/forms/demo/records/02-nguyen-van-an.yaml" >/dev/null 2>&1 &&
	: >ws/repo.git/refs/heads/communes/04630.lock &&
	: >ws/repo.git/packed-refs.lock &&
	dieutra -C ws sync >out &&
	contains out "sent 1 new" &&
	test ! -e ws/repo.git/refs/heads/communes/04630.lock &&
	git -C district.git log --format=%s communes/04630 >log &&
	contains log "1 new household"
'

expect_success 'a second sync of the same workspace waits its turn (3)' '
	flock ws/repo.git/dieutra-sync-lock sleep 3 &
	sleep 0.5 &&
	expect_code 3 dieutra -C ws sync 2>err &&
	contains err "another sync of this workspace is running" &&
	wait
'

done_testing
