#!/bin/sh
# Two laptops of one commune syncing the same households: merged record by
# record and answer by answer; an answer changed two ways keeps both.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
	--remote district.git b >/dev/null

# edit LAPTOP TIME SED-SCRIPT: changes record 04630-A-0001 on that laptop.
edit() {
	dieutra -C "$1" show 04630-A-0001 | sed "$3" |
		DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'both laptops start from the same household' '
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >/dev/null &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1"
'

expect_success 'different fields of one household merge cleanly' '
	edit a 2026-11-23T10:00:00Z "s/village: .*/village: Bản Mường/" &&
	edit b 2026-11-23T11:00:00Z "s/phone: .*/phone: \"0987654321\"/" &&
	dieutra -C a sync >/dev/null &&
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 1" &&
	dieutra -C b show 04630-A-0001 >rec &&
	contains rec "village: Bản Mường" &&
	contains rec "phone: \"0987654321\"" &&
	contains rec "modified: 2026-11-23T11:00:00Z" &&
	dieutra -C a sync >/dev/null &&
	dieutra -C a show 04630-A-0001 >reca &&
	cmp rec reca &&
	git -C district.git log -1 --format="%an|%s|%P" communes/04630 >log &&
	contains log "Hà Văn Nam|04630 Xã Tú Lệ: merge" &&
	test "$(cut -d"|" -f3 log | wc -w)" = 2 &&
	git -C district.git fsck --strict
'

expect_success 'repeat items match by _id: each laptop changed another child' '
	edit a 2026-11-23T12:00:00Z "s/full_name: Lò Thị Mai/full_name: Lò Thị Mây/" &&
	edit b 2026-11-23T12:30:00Z "s/full_name: Lò Văn Tùng/full_name: Lò Văn Tủng/" &&
	dieutra -C b sync >/dev/null &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 1" &&
	dieutra -C a show 04630-A-0001 >rec &&
	contains rec "full_name: Lò Thị Mây" &&
	contains rec "full_name: Lò Văn Tủng" &&
	test "$(grep -c "^    - _id:" rec)" = 2
'

expect_success 'a new household beside an edited look-alike stays its own file' '
	dieutra -C b sync >/dev/null &&
	edit a 2026-11-23T13:00:00Z "s/village: .*/village: Nà Lóng/" &&
	dieutra -C b show 04630-A-0001 |
		sed "/^id:/d; s/head_name: .*/head_name: Lò Văn Pành/" >twin.yaml &&
	dieutra -C b add twin.yaml >twin 2>/dev/null &&
	test "$(cat twin)" = 04630-B-0001 &&
	dieutra -C b sync >/dev/null &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 1" &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0001.yaml >x &&
	contains x "village: Nà Lóng" &&
	contains x "head_name: Lò Văn Pâng" &&
	git -C district.git show communes/04630:communes/04630/B/04630-B-0001.yaml >y &&
	contains y "head_name: Lò Văn Pành" &&
	lacks y "village: Nà Lóng"
'

expect_success 'the same answer changed two ways: a conflict that keeps both values' '
	dieutra -C b sync >/dev/null &&
	edit a 2026-11-23T14:00:00Z "s/village: .*/village: Khau Phạ/" &&
	edit b 2026-11-23T14:30:00Z "s/village: .*/village: Kho Vàng/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0; 1 conflict" &&
	contains err "04630-A-0001: household.village was changed two ways" &&
	contains err "\"Kho Vàng\" was kept" &&
	contains err "wrote \"Khau Phạ\"" &&
	git -C district.git log -1 --format=%B communes/04630 >msg &&
	contains msg "Changed two ways: 04630-A-0001 household.village" &&
	git -C district.git log -p --full-history communes/04630 \
		-- communes/04630/A/04630-A-0001.yaml >hist &&
	contains hist "+    village: Khau Phạ" &&
	contains hist "+    village: Kho Vàng" &&
	dieutra -C a sync >/dev/null &&
	dieutra -C a show 04630-A-0001 >rec &&
	contains rec "village: Kho Vàng" &&
	git -C district.git fsck --strict
'

expect_success 'a draft on this laptop is not overwritten by what came in' '
	dieutra -C b sync >/dev/null &&
	edit a 2026-11-23T15:00:00Z "s/^status: .*/status: draft/; s/members: .*/members: 6/" &&
	edit b 2026-11-23T15:30:00Z "s/village: .*/village: Nậm Búng/" &&
	dieutra -C b sync >/dev/null &&
	expect_code 1 dieutra -C a sync >out 2>err &&
	contains err "04630-A-0001: the whole record was changed two ways" &&
	dieutra -C a show 04630-A-0001 >rec &&
	contains rec "status: draft" &&
	contains rec "members: 6" &&
	git -C a/repo.git show communes/04630:communes/04630/A/04630-A-0001.yaml >tip &&
	contains tip "village: Nậm Búng"
'

done_testing
