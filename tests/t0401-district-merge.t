#!/bin/sh
# dieutra district merge: a district of five communes with two laptops
# each, built through the real commands, merged into main with one merge
# commit per commune; then communes whose branches were tampered with by
# hand (git CLI) are refused, each for its reason, and none of it reaches
# main, while the good ones are merged in the same run.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
binh="Đặng Văn Bình <binh@example.vn>"

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git

# laptop CODE DEVICE FILE...: a laptop of commune CODE that enters the
# census households FILE... (moved to its commune) and syncs.
laptop() {
	code=$1 dev=$2
	shift 2
	dieutra init --commune "$code" --enumerator "Người $dev <$code$dev@example.vn>" \
		--device "$dev" --remote district.git "w$code$dev" >/dev/null || return 1
	for f in "$@"; do
		sed "s/commune: \"04630\"/commune: \"$code\"/" "$census/$f"-*.yaml |
			dieutra -C "w$code$dev" add - >/dev/null 2>&1 || return 1
	done
	dieutra -C "w$code$dev" sync >/dev/null
}

# tamper CODE MESSAGE COMMANDS: COMMANDS run in a git CLI checkout of
# communes/CODE, whose result is committed and pushed by hand.
tamper() {
	rm -rf t && git clone -q -b "communes/$1" district.git t &&
	(cd t && eval "$3" && git -c advice.addEmbeddedRepo=false add -A && git -c user.name=Mallory \
		-c user.email=m@example.vn commit -q -m "$2" && git push -q origin HEAD)
}

# counts CODE: "H households, C children" in communes/CODE, counted by
# reading the branch's files, not by dieutra.
counts() {
	git -C district.git ls-tree -r --name-only "communes/$1" -- "communes/$1/" >files &&
	h=$(wc -l <files) &&
	k=$(for f in $(cat files); do git -C district.git show "communes/$1:$f"; done |
		grep -c "^    - _id:") &&
	echo "$h households, $k children"
}

communes="04630 04633 04636 04639 04642"
expect_success 'five communes with two laptops each sync to the district' '
	laptop 04630 A 01 02 && laptop 04630 B 03 &&
	laptop 04633 A 06 07 && laptop 04633 B 10 &&
	laptop 04636 A 11 && laptop 04636 B 12 13 &&
	laptop 04639 A 14 && laptop 04639 B 15 16 &&
	laptop 04642 A 17 18 && laptop 04642 B 19 &&
	for c in $communes; do git -C district.git rev-parse -q --verify "communes/$c"; done
'

expect_success 'a clean merge: one merge commit per commune, by the officer, pushed' '
	dieutra district clone --enumerator "$binh" district.git dist >/dev/null &&
	dieutra -C dist district merge >out &&
	contains out "merged commune 04630 Xã Tú Lệ: $(counts 04630)" &&
	contains out "merged commune 04633 Xã Nậm Búng: $(counts 04633)" &&
	contains out "merged commune 04642 Xã Nậm Mười: $(counts 04642)" &&
	contains out "pushed main" &&
	git -C district.git log --first-parent --format="%an|%s|%p" main >log &&
	test "$(grep -c "^Đặng Văn Bình|Merge commune" log)" -eq 5 &&
	grep "Merge commune 04636" log | cut -d"|" -f3 >parents &&
	test "$(wc -w <parents)" -eq 2 &&
	git -C district.git log -1 --format="%(trailers:key=Commune-Commit,valueonly)" \
		--grep="Merge commune 04639" main >merged &&
	test "$(cat merged)" = "$(git -C district.git rev-parse communes/04639)" &&
	for c in $communes; do
		git -C district.git diff --quiet "communes/$c" main -- "communes/$c/" || exit 1
	done &&
	git -C district.git diff --quiet main~5 main -- schema README.md &&
	git -C district.git fsck --strict
'

expect_success 'the district workspace holds every merged record' '
	dieutra -C dist list >list &&
	git -C district.git ls-tree -r --name-only main -- communes >files &&
	test "$(wc -l <list)" -eq "$(wc -l <files)" &&
	contains list 04642-B-0001 &&
	dieutra -C dist show 04633-A-0002 >shown &&
	git -C district.git show main:communes/04633/A/04633-A-0002.yaml | cmp - shown
'

expect_success 'a re-merge with nothing new does nothing' '
	before=$(git -C district.git rev-parse main) &&
	dieutra -C dist district merge >out &&
	test "$(cat out)" = "nothing new to merge: main holds every commune'"'"'s branch" &&
	test "$(git -C district.git rev-parse main)" = "$before"
'

expect_success 'new records of one commune: only that commune is merged again' '
	sed "s/commune: \"04630\"/commune: \"04636\"/" "$census/20-trieu-thi-may.yaml" |
		dieutra -C w04636A add - >/dev/null 2>&1 &&
	dieutra -C w04636A sync >/dev/null &&
	dieutra -C dist district merge >out &&
	test "$(grep -c "^merged" out)" -eq 1 &&
	contains out "merged commune 04636 Xã Gia Hội: $(counts 04636)" &&
	dieutra -C dist list >list &&
	contains list 04636-A-0002
'

# One commune per hostile change, each with a laptop's good records first.
expect_success 'hostile branches are made by hand with the git CLI' '
	for c in 04645 04648 04651 04654 04657 04666 04669 04672 04687 04690; do
		laptop "$c" A 01 || exit 1
	done &&
	tamper 04645 "outside" "echo x >>schema/child-census.yaml" &&
	tamper 04648 "bad dob" "sed -i \"s/dob: 2014-05-02/dob: 2026-11-20/\" \
		communes/04648/A/04648-A-0001.yaml" &&
	tamper 04651 "copy" "git show origin/main:communes/04630/A/04630-A-0001.yaml \
		>communes/04651/A/04630-A-0001.yaml" &&
	tamper 04654 "link" "ln -s ../../../schema/child-census.yaml \
		communes/04654/A/04654-A-0002.yaml" &&
	tamper 04657 "big" "head -c 2000000 /dev/zero | tr \"\\\\0\" a \
		>communes/04657/A/04657-A-0002.yaml" &&
	tamper 04666 "id" "git mv communes/04666/A/04666-A-0001.yaml \
		communes/04666/A/04666-A-0002.yaml" &&
	tamper 04669 "bomb" "printf \"id: &a 04669-A-0002\\nform: *a\\n\" \
		>communes/04669/A/04669-A-0002.yaml" &&
	tamper 04672 "utf8" "printf \"id: 04672-A-0002\\nform: \\377\\n\" \
		>communes/04672/A/04672-A-0002.yaml" &&
	tamper 04687 "version" "sed -i \"s/^version: .*/version: \\\"1999.1\\\"/\" \
		communes/04687/A/04687-A-0001.yaml" &&
	tamper 04690 "submodule" "git init -q communes/04690/A/sub &&
		git -C communes/04690/A/sub -c user.name=M -c user.email=m@x commit -q \
		--allow-empty -m sub"
'

expect_success 'each hostile commune is refused with its reason; the good one is merged' '
	laptop 04693 A 21 &&
	expect_code 1 dieutra -C dist district merge >out 2>err &&
	contains out "merged commune 04693" &&
	test "$(grep -c "^refused commune" out)" -eq 10 &&
	contains err "commune 04645 Xã An Lương refused, left out of main:" &&
	contains err "changes schema/child-census.yaml, outside communes/04645/" &&
	contains err "communes/04648/A/04648-A-0001.yaml:" &&
	contains err "children[1].dob:" &&
	contains err "communes/04651/A/04630-A-0001.yaml: id 04630-A-0001 is already the district" &&
	contains err "communes/04654/A/04654-A-0002.yaml: is a symbolic link" &&
	contains err "communes/04657/A/04657-A-0002.yaml: is 2000000 bytes, more than the limit of 1048576" &&
	contains err "communes/04666/A/04666-A-0002.yaml: the record" &&
	contains err "should be filed as communes/04666/A/04666-A-0001.yaml" &&
	grep "communes/04669/A/04669-A-0002.yaml:1:" err | grep -qi "anchor\|alias" &&
	grep "communes/04672/A/04672-A-0002.yaml" err | grep -qi "utf-8" &&
	contains err "form version 1999.1 is unknown to the district" &&
	contains err "communes/04690/A/sub: is a submodule"
'

expect_success 'none of the refused communes reached main' '
	for c in 04645 04648 04651 04654 04657 04666 04669 04672 04687 04690; do
		test -z "$(git -C district.git ls-tree main "communes/$c")" || exit 1
	done &&
	git -C district.git diff --quiet main~1 main -- schema &&
	test -n "$(git -C district.git ls-tree main communes/04693)" &&
	dieutra -C dist list >list &&
	lacks list 04645- && contains list 04693-A-0001
'

expect_success 'a re-merge does not check the refused communes again, and exits 0' '
	before=$(git -C district.git rev-parse main) &&
	dieutra -C dist district merge >out 2>err &&
	contains out "commune 04648 Xã Nậm Lành: still refused" &&
	lacks out "merged" &&
	test "$(git -C district.git rev-parse main)" = "$before"
'

expect_success 'merge outside a district workspace is a usage error' '
	expect_code 2 dieutra -C w04630A district merge 2>err &&
	contains err "not a district workspace"
'

done_testing
