#!/bin/sh
# A record in conflict, settled in the app as a person would: Enter on it
# in the home list, both values of each answer side by side in the form's
# language, one picked per answer with the arrows, saved; then synced clean.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
id=04630-A-0001
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
	--remote district.git b >/dev/null

. "$SRC/tests/lib-tui.sh"

# edit LAPTOP TIME SED-SCRIPT: changes the household on that laptop.
edit() {
	dieutra -C "$1" show $id | sed "$3" | DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'two answers changed two ways: a record in conflict on laptop B' '
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >/dev/null &&
	dieutra -C b sync >/dev/null &&
	edit a 2026-11-23T10:00:00Z "s/village: .*/village: Khau Phạ/; s/poverty: .*/poverty: near_poor/" &&
	edit b 2026-11-23T10:30:00Z "s/village: .*/village: Kho Vàng/; s/poverty: .*/poverty: neither/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0; 2 conflicts"
'

expect_success 'Enter on it shows both values of each answer, labels and choices in Vietnamese' '
	COLS=100 WS=b app &&
	see "xung đột" &&
	keys Enter &&
	see "Xung đột" &&
	see "Máy này" &&
	see "Máy khác" &&
	see "Phân loại hộ" &&
	see "[ ] Không thuộc diện nghèo" &&
	see "[ ] Hộ cận nghèo" &&
	see "[ ] Kho Vàng" &&
	see "[ ] Khau Phạ"
'

expect_success 'saving before every answer is picked is refused' '
	keys Right &&
	see "[x] Hộ cận nghèo" &&
	keys s &&
	see "Còn câu chưa chọn" &&
	dieutra -C b list --status conflict >list &&
	grep -q "^$id  *conflict " list
'

expect_success 'one value picked per answer, then saved: the record is settled' '
	keys Left &&
	see "[x] Kho Vàng" &&
	keys s &&
	see "Đã giải quyết xung đột" &&
	see "hoàn thành" &&
	keys q &&
	closed &&
	dieutra -C b show $id >rec 2>conf &&
	test ! -s conf &&
	contains rec "status: complete" &&
	contains rec "poverty: near_poor" &&
	contains rec "village: Kho Vàng"
'

expect_success 'then the two laptops sync clean and agree' '
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0" &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1" &&
	dieutra -C a show $id >reca &&
	cmp rec reca &&
	git -C district.git fsck --strict &&
	lacks app.err "Sanitizer" &&
	lacks app.err "runtime error"
'

# drop LAPTOP TIME KID: removes that child from the household on that laptop.
drop() {
	dieutra -C "$1" show $id | awk -v k="$3" '
		$0 == "    - _id: " k { skip = 1; next }
		skip && /^      / { next }
		{ skip = 0; print }' | DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'a child removed on A and edited on B: a whole-item conflict on B' '
	dieutra -C a show $id | sed -n "s/^    - _id: //p" | sed -n 2p >k2 &&
	test -s k2 &&
	drop a 2026-11-23T11:00:00Z "$(cat k2)" &&
	edit b 2026-11-23T11:30:00Z "s/dob: 2021-09-10/dob: 2021-09-11/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	contains err "children[_id=$(cat k2)] was changed two ways"
'

expect_success 'in the app, the other laptop'"'"'s side is picked: the child goes, as there' '
	COLS=100 WS=b app &&
	see "xung đột" &&
	keys Enter &&
	see "Xung đột" &&
	see "Trẻ em dưới 16 tuổi" &&
	see "full_name: Lò Văn" &&
	keys Right &&
	see "[x] —" &&
	keys s &&
	see "Đã giải quyết xung đột" &&
	keys q &&
	closed &&
	dieutra -C b show $id >rec 2>conf &&
	test ! -s conf &&
	lacks rec "_id: $(cat k2)" &&
	lacks rec "Lò Văn Tùng" &&
	dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null &&
	dieutra -C a show $id | cmp - rec &&
	lacks app.err "Sanitizer" &&
	lacks app.err "runtime error"
'

done_testing
