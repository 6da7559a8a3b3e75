#!/bin/sh
# Sync scenarios of issue #4: a laptop offline while the other syncs three
# times; two communes syncing at once to one district; the district's
# repository audited with the plain git CLI; progress only on a terminal.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
	--remote district.git b >/dev/null
dieutra init --commune 04633 --enumerator "Sùng A Páo <pao@example.vn>" --device A \
	--remote district.git c >/dev/null

# edit LAPTOP ID TIME SED-SCRIPT: changes a household on that laptop.
edit() {
	dieutra -C "$1" show "$2" | sed "$4" | DIEUTRA_NOW=$3 dieutra -C "$1" add - >/dev/null 2>&1
}

# ids LAPTOP: the laptop's records, id and status, one a line.
ids() {
	dieutra -C "$1" list | awk "{ print \$1, \$2 }"
}

expect_success 'both laptops start from one household' '
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >/dev/null &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1"
'

expect_success 'B syncs three times while A works offline' '
	dieutra -C b add "$census/02-ha-thi-xuan.yaml" >/dev/null 2>&1 &&
	dieutra -C b sync >out1 &&
	edit b 04630-A-0001 2026-11-23T10:00:00Z "s/phone: .*/phone: \"0987654321\"/" &&
	dieutra -C b sync >out2 &&
	dieutra -C b add "$census/03-giang-a-sinh.yaml" >/dev/null 2>&1 &&
	edit b 04630-B-0001 2026-11-23T10:30:00Z "s/village: .*/village: Bản Mường/" &&
	dieutra -C b sync >out3 &&
	test "$(cat out1)" = "sent 1 new, 0 updated; received 0" &&
	test "$(cat out2)" = "sent 0 new, 1 updated; received 0" &&
	test "$(cat out3)" = "sent 1 new, 1 updated; received 0" &&
	dieutra -C a add "$census/06-ban-van-hung.yaml" >/dev/null 2>&1 &&
	edit a 04630-A-0001 2026-11-23T11:00:00Z "s/village: .*/village: Nà Lóng/" &&
	dieutra -C a add "$census/07-nguyen-van-minh.yaml" >/dev/null 2>&1
'

expect_success 'back online, A sends its work and receives all of B'"'"'s' '
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 2 new, 1 updated; received 3" &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 3" &&
	ids a >ida && ids b >idb &&
	test "$(wc -l <ida)" = 5 &&
	cmp ida idb &&
	for id in $(cut -d" " -f1 ida); do
		dieutra -C a show $id >x && dieutra -C b show $id >y && cmp x y || exit 1
	done &&
	dieutra -C a show 04630-A-0001 >rec &&
	contains rec "village: Nà Lóng" &&
	contains rec "phone: \"0987654321\"" &&
	test -z "$(dieutra -C a list --status conflict)"
'

expect_success 'two communes sync at once to one district' '
	sed "s/commune: \"04630\"/commune: \"04633\"/" "$census/10-sung-a-vang.yaml" >c1.yaml &&
	dieutra -C c add c1.yaml >/dev/null 2>&1 &&
	edit a 04630-A-0002 2026-11-23T12:00:00Z "s/members: .*/members: 9/" &&
	dieutra -C a add "$census/11-hoang-van-quy.yaml" >/dev/null 2>&1 &&
	{ dieutra -C a sync >outa 2>erra & pa=$!; } &&
	{ dieutra -C c sync >outc 2>errc & pc=$!; } &&
	wait $pa && wait $pc &&
	test "$(cat outa)" = "sent 1 new, 1 updated; received 0" &&
	test "$(cat outc)" = "sent 1 new, 0 updated; received 0" &&
	git -C district.git show communes/04633:communes/04633/A/04633-A-0001.yaml >x &&
	contains x "commune: \"04633\"" &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0004.yaml >y &&
	test -z "$(git -C district.git ls-tree -r --name-only communes/04633 -- communes/04630)" &&
	test -z "$(git -C district.git ls-tree -r --name-only communes/04630 -- communes/04633)"
'

expect_success 'the plain git CLI audits each household'"'"'s history' '
	git clone -q --mirror district.git audit.git &&
	git -C audit.git fsck --strict &&
	git -C audit.git log --format="%an|%s" communes/04630 \
		-- communes/04630/A/04630-A-0001.yaml >log &&
	contains log "Lò Thị Hoa|04630 Xã Tú Lệ: 1 new household" &&
	contains log "Hà Văn Nam|04630 Xã Tú Lệ: 1 updated household" &&
	contains log "Lò Thị Hoa|04630 Xã Tú Lệ: merge with the other laptops'"'"' households" &&
	git -C audit.git log -p --format=%an communes/04630 \
		-- communes/04630/A/04630-A-0001.yaml >diff &&
	contains diff "+    phone: \"0987654321\"" &&
	contains diff "+    village: Nà Lóng" &&
	git -C audit.git log --format="%an|%s" communes/04633 \
		-- communes/04633/A/04633-A-0001.yaml >logc &&
	test "$(cat logc)" = "Sùng A Páo|04633 Xã Nậm Búng: 1 new household"
'

expect_success 'progress goes to a terminal only, and --quiet says nothing' '
	dieutra -C b add "$census/12-tran-van-duc.yaml" >/dev/null 2>&1 &&
	dieutra -C b sync >out 2>err &&
	test "$(cat out)" = "sent 1 new, 0 updated; received 2" &&
	lacks err "Receiving" &&
	lacks err "Committing" &&
	dieutra -C a add "$census/13-luong-van-tuan.yaml" >/dev/null 2>&1 &&
	TERM=dumb script -qec "\"$DIEUTRA\" -C a sync" /dev/null >tty &&
	contains tty "Committing: " &&
	contains tty "Receiving: " &&
	contains tty "sent 1 new, 0 updated; received 1" &&
	dieutra -C b add "$census/14-ha-thi-nhung.yaml" >/dev/null 2>&1 &&
	dieutra -C b sync --quiet >out 2>err &&
	test ! -s out &&
	lacks err "Receiving" &&
	lacks err "sent" &&
	dieutra -C a list >ida && dieutra -C b list >idb &&
	test "$(wc -l <idb)" = "$(( $(wc -l <ida) + 1 ))"
'

done_testing
