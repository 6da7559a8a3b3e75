#!/bin/sh
# A sync with a district repository on a local path or file:// writes the
# objects straight into it (no pack) and moves the branch last, from the
# commit its fetch saw: the result is what a push gives, checked with git.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"

dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote "$PWD/district.git" a \
	>/dev/null
dieutra init --commune 04630 --enumerator "$nam" --device B \
	--remote "file://$PWD/district.git" b >/dev/null

packs() {
	find district.git/objects/pack -name '*.pack' | wc -l
}

expect_success 'a sync over a path sends loose objects, and the district is whole' '
	before=$(packs) &&
	dieutra -C a add "$census/01-lo-van-pang.yaml" >/dev/null &&
	dieutra -C a sync >out 2>err &&
	test "$(packs)" = "$before" &&
	git -C district.git fsck --strict --no-dangling 2>fsck && test ! -s fsck &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0001.yaml >sent &&
	dieutra -C a show 04630-A-0001 | cmp - sent &&
	test "$(git -C district.git rev-parse communes/04630)" = \
		"$(git -C a/repo.git rev-parse refs/heads/communes/04630)"
'

expect_success 'a second laptop over file:// builds on the first one'"'"'s commit' '
	dieutra -C b add "$census/02-ha-thi-xuan.yaml" >/dev/null &&
	dieutra -C b sync >out 2>err &&
	git -C district.git fsck --strict --no-dangling 2>fsck && test ! -s fsck &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files communes/04630/A/04630-A-0001.yaml &&
	contains files communes/04630/B/04630-B-0001.yaml &&
	dieutra -C a sync >/dev/null 2>&1 &&
	dieutra -C a list >listed &&
	contains listed 04630-B-0001
'

expect_success 'each laptop builds on what the other sent: nothing is overwritten' '
	dieutra -C a add "$census/06-ban-van-hung.yaml" >/dev/null &&
	dieutra -C b add "$census/07-nguyen-van-minh.yaml" >/dev/null &&
	dieutra -C b sync >/dev/null 2>&1 &&
	dieutra -C a sync >out 2>err &&
	git -C district.git fsck --strict --no-dangling 2>fsck && test ! -s fsck &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	test "$(grep -c "yaml$" files)" -ge 4 &&
	contains files 04630-B-0002.yaml &&
	contains files 04630-A-0002.yaml
'

done_testing
