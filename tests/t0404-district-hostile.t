#!/bin/sh
# Hostile commune branches, made with git plumbing (git hash-object and
# git mktree, which accept what `git add` never writes), refused by BOTH
# `district merge` and the pre-receive hook with a clear message, none of
# it reaching main, each in bounded time and memory.  t0401 and t0402
# cover the other cases: a path outside the commune's folder, a symbolic
# link, a submodule, a 2 MB file, a record whose id does not match its
# path (both), invalid UTF-8 and a single alias (merge).  Here: `..` in a
# path, a 100 MB file, 100,000 files, invalid UTF-8 (hook) and a YAML
# alias bomb (both).
#
# Measured on 2 shared cores under heavy load (the test prints its own
# figures; /usr/bin/time's elapsed time and peak memory):
#   100 MB file: git push to the hook 10 s, 100 MB (git's own pack
#     handling; the hook reads the blob's header only); district merge 5 s,
#     111 MB, nearly all in the fetch (libgit2's local transport packs the
#     blob in memory), the check itself reading the header only.  SAN
#     build: 58 s / 100 MB and 45 s / 190 MB.
#   100,000 files: git push to the hook 2.3 s, 40 MB; district merge
#     1.4 s, 42 MB (one diff of the commit, refused from its count before
#     any file is read; the folder's walk stops at the limit).  SAN build:
#     11 s / 113 MB and 13 s / 170 MB.
#   The other cases: under 1.5 s and 25 MB (SAN: 6.5 s, 100 MB).
# The bounds asserted are generous, for the SAN build on a loaded machine.
# Not under valgrind (make valgrind): its memory and time are not these.
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
dieutra -C a add "$census"/01-*.yaml >/dev/null 2>&1
dieutra -C a sync >/dev/null
dieutra district clone --enumerator "Đặng Văn Bình <binh@example.vn>" district.git dist \
	>/dev/null
dieutra -C dist district merge >/dev/null
# The hooked copy of the district: git push to a local path runs its hooks.
git clone -q --bare district.git hooked.git
dieutra hook install hooked.git >/dev/null
git init -q w

# put TREE DIR LINE: TREE (empty: none) with LINE, a `git mktree` line,
# in its folder DIR (a/b/c, empty: TREE itself), the folders on the way
# written anew.
put() {
	(
	cd w &&
	name=$(printf '%s' "$3" | cut -f2) &&
	if [ -z "$2" ]; then
		{ [ -z "$1" ] || git ls-tree "$1" | awk -F'\t' -v n="$name" '$2 != n'
		  printf '%s\n' "$3"; } | git mktree
	else
		first=${2%%/*} &&
		rest=${2#"$first"} && rest=${rest#/} &&
		sub=$( [ -z "$1" ] || git ls-tree "$1" |
			awk -F'\t' -v n="$first" '$2 == n { split($1, a, " "); print a[3] }') &&
		new=$(cd .. && put "$sub" "$rest" "$3") &&
		cd .. && put "$1" "" "$(printf '040000 tree %s\t%s' "$new" "$first")"
	fi
	)
}

# hostile CODE SUBJECT DIR LINE [MB [S]]: a commit on main adding LINE in
# folder DIR, pushed as communes/CODE to the district (no hook) and to the
# hooked copy, which must refuse it (its output in push.out) in bounded
# time and memory (200 MB and 60 s unless told).
hostile() {
	git -C w fetch -q ../district.git main &&
	tree=$(put "$(git -C w rev-parse FETCH_HEAD^{tree})" "$3" "$4") &&
	commit=$(git -C w -c user.name=Mallory -c user.email=m@example.vn \
		commit-tree "$tree" -p FETCH_HEAD -m "$2") &&
	git -C w push -q ../district.git "$commit:refs/heads/communes/$1" &&
	if /usr/bin/time -f "%e %M" -o time.out git -C w push ../hooked.git \
		"$commit:refs/heads/communes/$1" >push.out 2>&1; then
		echo "the hook let $2 through" >&2
		return 1
	fi &&
	bounded "git push to the hook" "${5:-200}" "${6:-60}" &&
	contains push.out "pre-receive hook declined" &&
	test -z "$(git -C hooked.git for-each-ref "refs/heads/communes/$1")"
}

# bounded WHAT MB S: the command /usr/bin/time measured (time.out) took at
# most S seconds and MB megabytes: generous, for the SAN build on a
# loaded machine.
bounded() {
	tail -1 time.out | awk -v what="$1" '{ printf "%s: %.2f s, %d MB\n", what, $1, $2 / 1024 }' \
		>>"$TEST_DIR/figures" &&
	tail -1 time.out | awk -v mb="$2" -v s="$3" '{ exit !($1 < s && $2 < mb * 1024) }'
}

# merge_refuses CODE [MB [S]]: district merge refuses commune CODE in bounded
# time and memory (200 MB and 60 s unless told); its reasons in err.
merge_refuses() {
	main=$(git -C district.git rev-parse main) &&
	expect_code 1 /usr/bin/time -f "%e %M" -o time.out "$DIEUTRA" -C dist district merge \
		>out 2>err &&
	bounded "district merge" "${2:-200}" "${3:-60}" &&
	contains out "refused commune $1" &&
	contains err "commune $1 " &&
	test "$(git -C district.git rev-parse main)" = "$main" &&
	test -z "$(git -C district.git ls-tree main "communes/$1")"
}

blob() {
	git -C w hash-object -w --stdin
}

expect_success '.. as a file name in a commune folder is refused by both' '
	b=$(echo "id: 04633-A-0001" | blob) &&
	hostile 04633 "dotdot" communes/04633/A "$(printf "100644 blob %s\t.." "$b")" &&
	contains push.out "communes/04633/A/..: has .. in its path" &&
	merge_refuses 04633 &&
	contains err "communes/04633/A/..: has .. in its path"
'

expect_success 'a ../ path climbing out of the commune folder is refused by both' '
	b=$(git -C district.git show main:schema/child-census.yaml | sed 1d | blob) &&
	hostile 04636 "climb" communes/04636/../schema \
		"$(printf "100644 blob %s\tchild-census.yaml" "$b")" &&
	contains push.out "communes/04636/../schema/child-census.yaml: has .. in its path" &&
	merge_refuses 04636 &&
	contains err "communes/04636/../schema/child-census.yaml: has .. in its path" &&
	git -C district.git diff --quiet main~1 main -- schema
'

expect_success 'a 100 MB file is refused by both from its size alone' '
	b=$(head -c 100000000 /dev/zero | blob) &&
	echo "100 MB file:" >>figures &&
	hostile 04639 "big" communes/04639/A \
		"$(printf "100644 blob %s\t04639-A-0001.yaml" "$b")" 400 180 &&
	contains push.out "is 100000000 bytes, more than the limit of 1048576 bytes" &&
	merge_refuses 04639 400 180 &&
	contains err "communes/04639/A/04639-A-0001.yaml: is 100000000 bytes, more than the limit"
'

expect_success '100,000 files in one commit are refused by both, in bounded time' '
	b=$(sed "s/04630/04642/" "$census"/01-*.yaml | blob) &&
	awk -v b="$b" "BEGIN { for (i = 1; i <= 100000; i++)
		printf \"100644 blob %s\t04642-A-%06d.yaml\n\", b, i }" | git -C w mktree >tree.id &&
	echo "100,000 files:" >>figures &&
	hostile 04642 "many" communes/04642 "$(printf "040000 tree %s\tA" "$(cat tree.id)")" 400 &&
	contains push.out "changes 100000 files, more than the limit of 20000" &&
	merge_refuses 04642 400 &&
	contains err "changes 100000 files, more than the limit of 20000" &&
	contains err "communes/04642/ holds more than 20000 files"
'

expect_success 'invalid UTF-8 is refused by both' '
	b=$(printf "id: 04645-A-0001\nform: \\377\\n" | blob) &&
	hostile 04645 "utf8" communes/04645/A "$(printf "100644 blob %s\t04645-A-0001.yaml" "$b")" &&
	grep "communes/04645/A/04645-A-0001.yaml" push.out | grep -qi "utf-8" &&
	merge_refuses 04645 &&
	grep "communes/04645/A/04645-A-0001.yaml" err | grep -qi "utf-8"
'

expect_success 'a YAML alias bomb (a billion laughs) is refused by both, at its first anchor' '
	{
		echo "id: 04648-A-0001" &&
		echo "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]" &&
		for k in b c d e f g h i; do
			p=$(echo abcdefghi | sed "s/$k.*//" | tail -c 2) &&
			echo "$k: &$k [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]" || exit 1
		done
	} >bomb.yaml &&
	b=$(blob <bomb.yaml) &&
	hostile 04648 "bomb" communes/04648/A "$(printf "100644 blob %s\t04648-A-0001.yaml" "$b")" &&
	grep "communes/04648/A/04648-A-0001.yaml:2:" push.out | grep -qi "anchor\|alias" &&
	merge_refuses 04648 &&
	grep "communes/04648/A/04648-A-0001.yaml:2:" err | grep -qi "anchor\|alias"
'

expect_success 'none of it reached main; the repositories are sound' '
	git -C district.git ls-tree --name-only main communes/ >communes &&
	test "$(cat communes)" = communes/04630 &&
	git -C hooked.git for-each-ref --format="%(refname)" refs/heads/communes >refs &&
	test "$(cat refs)" = refs/heads/communes/04630 &&
	dieutra -C dist list >list &&
	test "$(wc -l <list)" = 1 &&
	dieutra -C dist district merge >out 2>&1 &&
	test "$(grep -c "still refused" out)" = 6
'

sed "s/^/# /" figures
done_testing
