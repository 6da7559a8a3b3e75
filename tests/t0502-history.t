#!/bin/sh
# dieutra history: who changed which answers of a household, when, read
# from git after syncs of changes made on two laptops by two collaborators,
# in the commune workspaces and in a district workspace.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
hoa="Lò Thị Hoa <hoa@example.vn>"
binh="Đặng Văn Bình <binh@example.vn>"
id=04630-A-0001

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "$binh" --device B --remote district.git b >/dev/null

# Day 1: Hoa enters the household and syncs; Bình receives it.
dieutra -C a add "$SRC/tests/census/01-lo-van-pang.yaml" >/dev/null 2>&1
dieutra -C a sync >/dev/null
dieutra -C b sync >/dev/null

# Day 2: Bình corrects the members and removes the first child (Mai, who
# does not live there); the second child must not read as changed.
DIEUTRA_NOW=2026-11-24T10:30:00Z
dieutra -C b show $id | sed 's/^    members: 5$/    members: 6/' |
	awk '/^    - _id:/ { item++ } !(item == 1 && /^    [- ] /) { print }' >b.yaml
dieutra -C b add b.yaml >/dev/null 2>&1
dieutra -C b sync >/dev/null

# Day 3: Hoa receives it, then changes the village and syncs.
DIEUTRA_NOW=2026-11-25T08:00:00Z
dieutra -C a sync >/dev/null
dieutra -C a show $id | sed 's/^    village: Bản Lướt$/    village: Bản Mới/' >a.yaml
dieutra -C a add a.yaml >/dev/null 2>&1
dieutra -C a sync >/dev/null
export DIEUTRA_NOW

expect_success 'the setup changed what it meant to' '
	dieutra -C a show $id >now &&
	contains now "members: 6" && contains now "village: Bản Mới" &&
	lacks now "Lò Thị Mai" && contains now "Lò Văn Tùng"
'

expect_success 'history lists the three commits, oldest first, with date and author' '
	dieutra -C a history $id >h &&
	grep "^20" h >heads &&
	test "$(wc -l <heads)" = 3 &&
	sed -n 1p heads | grep -q "^2026-11-23 09:00 +00:00  $hoa  " &&
	sed -n 2p heads | grep -q "^2026-11-24 10:30 +00:00  $binh  " &&
	sed -n 3p heads | grep -q "^2026-11-25 08:00 +00:00  $hoa  "
'

expect_success 'the first commit shows the record as created, with its answers' '
	awk "/^20/ { n++ } n == 1" h >first &&
	contains first "04630 Xã Tú Lệ: 1 new household" &&
	contains first "  household.head_name: Lò Văn Pâng" &&
	contains first "  children[1].full_name: Lò Thị Mai" &&
	contains first "  status: complete"
'

expect_success 'Bình'"'"'s commit: members 5 → 6, the first child removed, nothing else' '
	awk "/^20/ { n++ } n == 2" h >second &&
	contains second "  household.members: 5 → 6" &&
	contains second "  children[1].full_name: Lò Thị Mai → (no answer)" &&
	contains second "  n_children: 2 → 1" &&
	lacks second "Lò Văn Tùng" &&
	lacks second "village"
'

expect_success 'Hoa'"'"'s commit: only the village' '
	awk "/^20/ { n++ } n == 3" h >third &&
	test "$(grep -c "→" third)" = 1 &&
	contains third "  household.village: Bản Lướt → Bản Mới"
'

expect_success 'the other laptop tells the same history' '
	dieutra -C b sync >/dev/null &&
	dieutra -C b history $id >hb &&
	cmp h hb
'

expect_success 'the history agrees with git log of the file' '
	git -C district.git log --reverse --format="%an <%ae>" communes/04630 -- \
		communes/04630/A/$id.yaml >authors &&
	awk -F"  " "/^20/ { print \$2 }" h >ours &&
	cmp authors ours
'

expect_success 'district workspace: the same history from main' '
	git -C district.git update-ref refs/heads/main refs/heads/communes/04630 &&
	dieutra district clone --enumerator "Nông Văn Sơn <son@example.vn>" district.git \
		dist >/dev/null &&
	dieutra -C dist history $id >hd &&
	cmp h hd
'

expect_success 'a record not synced yet, or unknown, is not found (1)' '
	dieutra -C a add "$SRC/tests/census/02-ha-thi-xuan.yaml" >/dev/null 2>&1 &&
	expect_code 1 dieutra -C a history 04630-A-0002 2>err &&
	contains err "04630-A-0002: not in the repository" &&
	expect_code 1 dieutra -C a history 04630-Z-0099 2>err &&
	contains err "04630-Z-0099"
'

expect_success 'usage: one id (2)' '
	expect_code 2 dieutra -C a history 2>err &&
	contains err "give exactly one record id"
'

done_testing
