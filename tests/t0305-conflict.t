#!/bin/sh
# The same answers changed on two laptops: the record is marked conflict on
# the laptop that merged, both values are kept, a person picks per answer
# (here with `dieutra resolve`), and the settled record flows out.
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

# edit LAPTOP TIME SED-SCRIPT: changes the household on that laptop.
edit() {
	dieutra -C "$1" show $id | sed "$3" | DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'two laptops change the same three answers two ways' '
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >/dev/null &&
	dieutra -C b sync >/dev/null &&
	edit a 2026-11-23T10:00:00Z "s/village: .*/village: Khau Phạ/; s/members: .*/members: 6/;
		s/dob: 2014-05-02/dob: 2014-05-03/" &&
	edit b 2026-11-23T10:30:00Z "s/village: .*/village: Kho Vàng/; s/members: .*/members: 7/;
		s/dob: 2014-05-02/dob: 2014-06-02/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0; 3 conflicts" &&
	test "$(grep -c "was changed two ways" err)" = 3 &&
	contains err "$id: household.village was changed two ways: this laptop'"'"'s \"Kho Vàng\" was kept, another laptop wrote \"Khau Phạ\"" &&
	contains err "$id: household.members was changed two ways" &&
	contains err "$id: children[_id=" &&
	contains err "].dob was changed two ways" &&
	contains err "dieutra resolve $id household.village --ours|--theirs"
'

expect_success 'the record is in conflict on that laptop only, with both values' '
	dieutra -C b list --status conflict >list &&
	grep -q "^$id  *conflict " list &&
	test "$(wc -l <list)" = 1 &&
	dieutra -C a list >lista &&
	grep -q "^$id  *complete " lista &&
	dieutra -C b show $id >rec 2>conf &&
	contains rec "village: Kho Vàng" &&
	contains rec "status: complete" &&
	contains conf "$id: conflict: household.village: this laptop \"Kho Vàng\", the other \"Khau Phạ\"" &&
	contains conf "$id: conflict: household.members: this laptop \"7\", the other \"6\"" &&
	contains conf "this laptop \"2014-06-02\", the other \"2014-05-03\"" &&
	git -C district.git show communes/04630:communes/04630/A/$id.yaml >tip &&
	contains tip "village: Kho Vàng" &&
	lacks tip conflict
'

expect_success 'a record in conflict is not sent again until it is settled' '
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0" &&
	dieutra -C b list --status conflict >list &&
	grep -q "^$id  *conflict " list
'

expect_success 'resolve refuses what it cannot do, and changes nothing' '
	expect_code 2 dieutra -C b resolve $id household.phone --ours 2>err &&
	contains err "has no conflict at '"'"'household.phone'"'"'; its conflicts:" &&
	contains err "household.village" &&
	expect_code 2 dieutra -C b resolve $id household.village 2>err &&
	contains err "--ours, --theirs or --value V" &&
	expect_code 2 dieutra -C b resolve $id --value x 2>err &&
	expect_code 1 dieutra -C b resolve 04630-A-0099 --ours 2>err &&
	contains err "04630-A-0099 has no conflict" &&
	dieutra -C b list --status conflict >list &&
	grep -q "^$id  *conflict " list
'

expect_success 'picks are kept one by one until the last' '
	dieutra -C b resolve $id household.village --theirs 2>err &&
	contains err "household.village picked; still to pick:" &&
	contains err "household.members" &&
	dieutra -C b resolve $id household.members --value 31 2>err &&
	contains err "household.members picked; still to pick: children[_id=" &&
	dieutra -C b show $id >/dev/null 2>conf &&
	contains conf "household.village: this laptop \"Kho Vàng\", the other \"Khau Phạ\"; picked \"Khau Phạ\"" &&
	contains conf "household.members: this laptop \"7\", the other \"6\"; picked \"31\""
'

expect_success 'the last pick settles the record once it validates: complete, conflicts gone' '
	expect_code 1 dieutra -C b resolve $id --ours 2>err &&
	contains err "household.members" &&
	contains err "is not settled" &&
	dieutra -C b list --status conflict >list &&
	grep -q "^$id  *conflict " list &&
	dieutra -C b resolve $id household.members --theirs 2>err &&
	contains err "$id: settled, status complete" &&
	dieutra -C b list >list &&
	grep -q "^$id  *complete " list &&
	dieutra -C b show $id >rec 2>conf &&
	test ! -s conf &&
	contains rec "village: Khau Phạ" &&
	contains rec "members: 6" &&
	contains rec "dob: 2014-06-02"
'

expect_success 'the settled record flows out on the next sync and reaches the other laptop' '
	dieutra -C b sync >out &&
	test "$(cat out)" = "sent 0 new, 1 updated; received 0" &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 1" &&
	dieutra -C a show $id >rec &&
	contains rec "village: Khau Phạ" &&
	contains rec "members: 6" &&
	contains rec "dob: 2014-06-02" &&
	git -C district.git log --format="%an|%s" communes/04630 -- communes/04630/A/$id.yaml >log &&
	test "$(head -1 log)" = "Hà Văn Nam|04630 Xã Tú Lệ: 1 updated household" &&
	contains log "Lò Thị Hoa|04630 Xã Tú Lệ: 1 new household" &&
	git -C district.git fsck --strict
'

# kid LAPTOP N: the _id of the household's Nth child on that laptop.
kid() {
	dieutra -C "$1" show $id | sed -n "s/^    - _id: //p" | sed -n "$2p"
}

# drop LAPTOP TIME KID: removes that child from the household on that laptop.
drop() {
	dieutra -C "$1" show $id | awk -v k="$3" '
		$0 == "    - _id: " k { skip = 1; next }
		skip && /^      / { next }
		{ skip = 0; print }' | DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

# twin LAPTOP TIME: adds a second child on that laptop, a copy of the
# first under another name and id number.
twin() {
	dieutra -C "$1" show $id | awk '
		/^    - _id: / { n++; print; next }
		n == 1 && /^      / {
			print
			sub(/full_name: .*/, "full_name: Lò Văn Khánh")
			sub(/child_id: .*/, "child_id: \"015314001199\"")
			sub(/^      /, kids == "" ? "    - " : "      ")
			kids = kids $0 "\n"
			next
		}
		n == 1 && !done { printf "%s", kids; done = 1 }
		{ print }' | DIEUTRA_NOW=$2 dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'a child removed on one laptop and edited on the other: a whole-item conflict' '
	k2=$(kid a 2) && test -n "$k2" && test "$(kid b 2)" = "$k2" && echo "$k2" >k2 &&
	drop a 2026-11-23T11:00:00Z "$k2" &&
	edit b 2026-11-23T11:30:00Z "s/dob: 2021-09-10/dob: 2021-09-11/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	contains out "1 conflict" &&
	contains err "$id: children[_id=$k2] was changed two ways" &&
	dieutra -C b show $id >rec 2>conf &&
	contains rec "dob: 2021-09-11" &&
	contains conf "children[_id=$k2]: this laptop \"_id: $k2, full_name: Lò Văn Tùng"
'

expect_success 'resolve --theirs takes the other laptop'"'"'s removal of the child' '
	k2=$(cat k2) &&
	dieutra -C b resolve $id "children[_id=$k2]" --theirs 2>err &&
	contains err "$id: settled, status complete" &&
	dieutra -C b show $id >rec &&
	lacks rec "_id: $k2" &&
	lacks rec "Lò Văn Tùng" &&
	contains rec "_id: $(kid a 1)" &&
	dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null &&
	dieutra -C a show $id | cmp - rec
'

expect_success 'the only child edited on one laptop, removed on the other: --theirs restores the repeat' '
	k1=$(kid a 1) &&
	edit a 2026-11-23T12:00:00Z "s/full_name: Lò Thị Mai/full_name: Lò Thị Mây/;
		s/dob: 2014-06-02/dob: 2014-06-12/" &&
	drop b 2026-11-23T12:30:00Z "$k1" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	contains err "$id: children was changed two ways" &&
	dieutra -C b show $id >rec 2>conf &&
	lacks rec "_id: $k1" &&
	contains conf "children: this laptop \"(no answer)\"" &&
	expect_code 1 dieutra -C b resolve $id children --value x 2>err &&
	contains err "is a whole group or item" &&
	dieutra -C b resolve $id children --theirs 2>err &&
	contains err "$id: settled, status complete" &&
	dieutra -C b show $id >rec &&
	contains rec "_id: $k1" &&
	contains rec "full_name: Lò Thị Mây" &&
	contains rec "dob: 2014-06-12" &&
	contains rec "child_id: \"015314001122\"" &&
	dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null &&
	dieutra -C a show $id | cmp - rec
'

expect_success 'one of two children edited on one laptop, removed on the other: --theirs restores it' '
	twin a 2026-11-23T13:00:00Z &&
	test -n "$(kid a 2)" &&
	dieutra -C a sync >/dev/null && dieutra -C b sync >/dev/null &&
	k1=$(kid a 1) &&
	edit a 2026-11-23T13:10:00Z "s/dob: 2014-06-12/dob: 2014-06-22/" &&
	drop b 2026-11-23T13:20:00Z "$k1" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	contains err "$id: children[_id=$k1] was changed two ways" &&
	dieutra -C b resolve $id "children[_id=$k1]" --theirs 2>err &&
	contains err "$id: settled, status complete" &&
	dieutra -C b show $id >rec &&
	contains rec "_id: $k1" &&
	contains rec "dob: 2014-06-22" &&
	contains rec "full_name: Lò Văn Khánh" &&
	dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null &&
	dieutra -C a show $id | cmp - rec &&
	git -C district.git fsck --strict
'

done_testing
