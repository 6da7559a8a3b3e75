#!/bin/sh
# make run's demo (tests/demo.sh), made without a terminal: a district
# repository and a synced commune workspace, built by the real commands.
. "$SRC/tests/lib.sh"

uses_libgit2

expect_success 'the demo builds a district and a synced workspace' '
	sh "$SRC/tests/demo.sh" "$DIEUTRA" "$TEST_DIR/demo" </dev/null >out 2>err &&
	contains out "04630-A-0001     complete  Lò Văn Pâng - Bản Lướt" &&
	contains out "04630-A-0003     draft" &&
	git -C demo/district.git log --format="%an|%s" communes/04630 >log &&
	contains log "Lò Thị Hoa|04630: 2 new households"
'

expect_success 'running it again reuses the demo' '
	sh "$SRC/tests/demo.sh" "$DIEUTRA" "$TEST_DIR/demo" </dev/null >out2 2>err2 &&
	lacks err2 "added" &&
	contains out2 "04630-A-0002"
'

done_testing
