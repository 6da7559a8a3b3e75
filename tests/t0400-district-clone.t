#!/bin/sh
# dieutra district clone and pull: a district workspace holding every
# record of the district's main, where list, show and report work and
# records cannot be entered.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
binh="Đặng Văn Bình <binh@example.vn>"

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
for f in 01 02 03; do dieutra -C a add "$census/$f"-*.yaml >/dev/null 2>&1; done
dieutra -C a sync >/dev/null

expect_success 'district clone makes a district workspace with the form and every branch' '
	dieutra district clone --enumerator "$binh" district.git dist >out &&
	contains out "into dist" &&
	cmp dist/schema/child-census.yaml "$form" &&
	cmp dist/schema/admin-units.tsv "$SRC/schemas/admin-units.tsv" &&
	test "$(git -C dist/repo.git rev-parse --is-bare-repository)" = true &&
	git -C dist/repo.git rev-parse main refs/remotes/district/main \
		refs/remotes/district/communes/04630 >refs &&
	test "$(git -C district.git rev-parse main)" = "$(sed -n 1p refs)" &&
	test "$(git -C district.git rev-parse communes/04630)" = "$(sed -n 3p refs)" &&
	sqlite3 dist/dieutra.db "select value from config where key = '"'"'role'"'"'" >role &&
	test "$(cat role)" = district &&
	sqlite3 dist/dieutra.db "select value from config where key = '"'"'enumerator'"'"'" >who &&
	test "$(cat who)" = "$binh"
'

expect_success 'records not merged into main are not in the district workspace' '
	dieutra -C dist list >list &&
	test ! -s list &&
	dieutra -C dist report --lang en >report &&
	contains report "District: 0 complete"
'

expect_success 'pull loads the records main gained; list, show and report read them' '
	git -C district.git update-ref refs/heads/main refs/heads/communes/04630 &&
	dieutra -C dist district pull >out &&
	test "$(cat out)" = "3 records updated from the district'"'"'s main" &&
	dieutra -C dist list >list &&
	test "$(wc -l <list)" -eq 3 &&
	contains list 04630-A-0002 &&
	dieutra -C dist show 04630-A-0001 >shown &&
	git -C district.git show main:communes/04630/A/04630-A-0001.yaml | cmp - shown &&
	dieutra -C dist report --lang en >report &&
	contains report "District: 3 complete" &&
	dieutra -C dist district pull >out &&
	test "$(cat out)" = "0 records updated from the district'"'"'s main"
'

expect_success 'a changed record on main replaces the stored one' '
	dieutra -C a show 04630-A-0002 | sed "s/^status: complete/status: void/" >void.yaml &&
	dieutra -C a add void.yaml >/dev/null &&
	dieutra -C a sync >/dev/null &&
	git -C district.git update-ref refs/heads/main refs/heads/communes/04630 &&
	dieutra -C dist district pull >out &&
	test "$(cat out)" = "1 record updated from the district'"'"'s main" &&
	dieutra -C dist list --status void >list &&
	contains list 04630-A-0002
'

expect_success 'the officer comes from git config when --enumerator is not given' '
	HOME=$TEST_DIR/home && export HOME && mkdir -p "$HOME" &&
	expect_code 2 dieutra district clone district.git d2 2>err &&
	contains err "--enumerator" &&
	git config --global user.name "Đặng Văn Bình" &&
	git config --global user.email binh@example.vn &&
	dieutra district clone district.git d2 >out &&
	contains out "officer $binh" &&
	dieutra -C d2 list >list &&
	test "$(wc -l <list)" -eq 3
'

expect_success 'clone refuses a workspace, a bad officer and a repository that is not a district' '
	expect_code 2 dieutra district clone --enumerator "$binh" district.git dist 2>err &&
	contains err "already a dieutra workspace" &&
	expect_code 2 dieutra district clone --enumerator "Bình" district.git d3 2>err &&
	contains err "Full Name <email>" &&
	git init -q --bare empty.git &&
	expect_code 1 dieutra district clone --enumerator "$binh" empty.git d4 2>err &&
	contains err "no branch main" &&
	expect_code 2 dieutra district clone district.git 2>err &&
	contains err "a new directory"
'

expect_success 'a district workspace enters no records and does not sync; pull wants one' '
	expect_code 2 dieutra -C dist add "$census/04-consent-refused.yaml" 2>err &&
	contains err "district workspace only reads records" &&
	expect_code 2 dieutra -C dist sync 2>err &&
	contains err "does not sync" &&
	expect_code 2 dieutra -C a district pull 2>err &&
	contains err "not a district workspace" &&
	dieutra -C a list >list &&
	test "$(wc -l <list)" -eq 3
'

done_testing
