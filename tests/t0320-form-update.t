#!/bin/sh
# The district puts a newer form version on main: a laptop's sync takes it
# whole, new records get it, earlier records keep and are checked against
# the version they were entered with; a form that does not load is refused.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
git clone -q district.git office
git -C office config user.name "Phòng Thống kê"
git -C office config user.email "office@example.vn"

# publish VERSION SED-SCRIPT: the district office commits the form, changed, on main.
publish() {
	sed "s/^version: .*/version: \"$1\"/; $2" "$SRC/schemas/child-census.yaml" \
		>office/schema/child-census.yaml &&
	git -C office commit -qam "form $1" &&
	git -C office push -q origin HEAD:main
}

expect_success 'a household entered with the form of the first version' '
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C a sync >/dev/null 2>err &&
	lacks err "now in use" &&
	dieutra -C a show 04630-A-0001 >rec &&
	contains rec "version: \"2026.1\""
'

expect_success 'a newer form on main reaches the laptop with its next sync' '
	publish 2026.2 "s/constraint: . >= 1 and . <= 30/constraint: . >= 1 and . <= 40/" &&
	dieutra -C a sync >out 2>err &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0" &&
	contains err "form version 2026.2 is now in use" &&
	test -f a/schema/versions/2026.2/child-census.yaml &&
	test -f a/schema/versions/2026.2/admin-units.tsv &&
	cmp office/schema/child-census.yaml a/schema/versions/2026.2/child-census.yaml &&
	test -z "$(ls -A a/schema/versions | grep -v "^2026.2$")" &&
	dieutra -C a sync >/dev/null 2>err &&
	lacks err "now in use"
'

expect_success 'new records take the new version; earlier ones keep theirs' '
	sed "s/members: 5/members: 35/; s/head_name: .*/head_name: Lò Văn Pành/" \
		"$census/01-lo-van-pang.yaml" >big.yaml &&
	dieutra -C a add big.yaml >id 2>/dev/null &&
	test "$(cat id)" = 04630-A-0002 &&
	dieutra -C a show 04630-A-0002 >new &&
	contains new "version: \"2026.2\"" &&
	contains new "members: 35" &&
	dieutra -C a show 04630-A-0001 >old &&
	contains old "version: \"2026.1\""
'

expect_success 'an earlier record is still checked against its own version' '
	sed "s/members: 5/members: 35/" old >old35.yaml &&
	expect_code 1 dieutra -C a add old35.yaml 2>err &&
	contains err "household.members" &&
	sed "s/members: 5/members: 6/" old >old6.yaml &&
	dieutra -C a add old6.yaml >/dev/null 2>&1 &&
	dieutra -C a show 04630-A-0001 >old &&
	contains old "version: \"2026.1\"" &&
	contains old "members: 6" &&
	sed "s/^version: .*/version: \"1999\"/; /^id:/d" old >odd.yaml &&
	expect_code 1 dieutra -C a add odd.yaml 2>err &&
	contains err "form version 1999, which this workspace never had"
'

expect_success 'a form on main that does not load is refused, and nothing changes' '
	publish 2026.3 "s/relevant: \${consent} = .yes./relevant: \${nowhere} = 1/" &&
	expect_code 1 dieutra -C a sync >out 2>err &&
	contains err "the district'"'"'s form does not load, so this laptop keeps form version 2026.2" &&
	test ! -e a/schema/versions/2026.3 &&
	test -z "$(ls -A a/schema/versions | grep -v "^2026.2$")" &&
	dieutra -C a add "$census/02-ha-thi-xuan.yaml" >id 2>/dev/null &&
	dieutra -C a show "$(cat id)" >rec &&
	contains rec "version: \"2026.2\"" &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0001.yaml >tip &&
	contains tip "members: 6"
'

expect_success 'once corrected on main, the next sync takes it' '
	publish 2026.3 "" &&
	dieutra -C a sync >out 2>err &&
	contains err "form version 2026.3 is now in use" &&
	dieutra -C a show 04630-A-0002 >rec &&
	contains rec "version: \"2026.2\"" &&
	sed "s/members: 35/members: 36/" rec >r36.yaml &&
	dieutra -C a add r36.yaml >/dev/null 2>&1 &&
	dieutra -C a show 04630-A-0002 >rec &&
	contains rec "members: 36" &&
	contains rec "version: \"2026.2\""
'

expect_success 'a laptop that joins later starts with the form in force' '
	dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
		--remote district.git b >/dev/null &&
	dieutra -C b sync >out 2>err &&
	lacks err "now in use" &&
	dieutra -C b show 04630-A-0001 >rec &&
	contains rec "version: \"2026.1\"" &&
	sed "s/members: 6/members: 7/" rec >b7.yaml &&
	dieutra -C b add b7.yaml >/dev/null 2>&1 &&
	dieutra -C b show 04630-A-0001 >rec &&
	contains rec "version: \"2026.3\"" &&
	contains rec "members: 7"
'

done_testing
