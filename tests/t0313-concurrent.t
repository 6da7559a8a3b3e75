#!/bin/sh
# 30 communes x 2 laptops syncing all at once with one `git daemon` on
# 127.0.0.1: every household ends in the district exactly once, the
# repository sound (checked with the git CLI, not with dieutra).
. "$SRC/tests/lib.sh"

uses_libgit2

census=$SRC/tests/census
dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git

start_git_daemon --enable=receive-pack --max-connections=0 || exit 1
url=git://127.0.0.1:$port/district.git

# 30 communes of Yên Bái, whose households the census files can hold once
# the address is left to the workspace.
awk -F'\t' 'NR > 1 && $1 == "15" { print $5 }' "$SRC/schemas/admin-units.tsv" |
	head -30 >communes

# household COMMUNE DEVICE N: a household of the commune, without an address.
household() {
	sed -e '/^    \(province\|district\|commune\):/d' \
		-e "s/household_no: .*/household_no: \"$3$2$1\"/" "$census/01-lo-van-pang.yaml"
}

# all CMD: runs "CMD CODE DEVICE" for every laptop at once; fails if any did.
# It waits for its own jobs only: the git daemon is one too.
all() {
	rm -f failed
	jobs=
	for c in $(cat communes); do
		for d in A B; do
			{ $1 "$c" "$d" >"out.$c.$d" 2>&1 || echo "$c $d: $(cat "out.$c.$d")" >>failed; } &
			jobs="$jobs $!"
		done
	done
	wait $jobs
	if [ -s failed ]; then
		cat failed >&2
		return 1
	fi
}

laptop() {
	"$DIEUTRA" init --commune "$1" --enumerator "Người $2 <$1.$2@example.vn>" --device "$2" \
		--remote "$url" "ws.$1.$2" &&
	household "$1" "$2" 1 >"h1.$1.$2.yaml" && household "$1" "$2" 2 >"h2.$1.$2.yaml" &&
	"$DIEUTRA" -C "ws.$1.$2" add "h1.$1.$2.yaml" "h2.$1.$2.yaml"
}

sync_laptop() {
	"$DIEUTRA" -C "ws.$1.$2" sync
}

expect_success '60 laptops of 30 communes start and enter two households each' '
	test "$(wc -l <communes)" = 30 &&
	all laptop
'

expect_success 'all 60 sync at once, then again: each commune has its 4 households, once' '
	all sync_laptop && all sync_laptop &&
	for c in $(cat communes); do
		git -C district.git ls-tree -r --name-only "communes/$c" -- "communes/$c" >files &&
		test "$(wc -l <files)" = 4 &&
		test "$(sed "s|.*/||" files | sort -u | wc -l)" = 4 &&
		for f in $(cat files); do
			git -C district.git show "communes/$c:$f" | sed -n "s/^    household_no: //p"
		done | tr -d "\"" | sort >numbers &&
		printf "1A$c\n1B$c\n2A$c\n2B$c\n" | sort | cmp - numbers || exit 1
	done &&
	test "$(git -C district.git for-each-ref refs/heads/communes | wc -l)" = 30 &&
	git -C district.git fsck --strict
'

expect_success 'both laptops of every commune hold all 4 households' '
	all sync_laptop &&
	for c in $(cat communes); do
		for d in A B; do
			test "$(dieutra -C "ws.$c.$d" list --status complete | wc -l)" = 4 || exit 1
		done
	done
'

done_testing
