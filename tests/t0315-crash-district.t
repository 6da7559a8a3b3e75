#!/bin/sh
# Fault injection on the district side: `district merge` and `review`
# killed (SIGKILL) at their crash points (DIEUTRA_CRASH_AT, forms/util.h)
# while three communes keep syncing.  After each kill the district's main
# is the old commit or one holding every commune's branch (main only moves
# by one push), both repositories pass `git fsck --strict`, the district
# store passes `PRAGMA integrity_check`, and the next run finishes the job:
# each record of main in the store exactly once, as main has it.
# CRASH_ROUNDS rounds (`make soak` sets 500, with random points; CRASH_SEED
# repeats a soak's choice).
. "$SRC/tests/lib.sh"

uses_libgit2

rounds=${CRASH_ROUNDS:-20}
seed=${CRASH_SEED:-0}
census=$SRC/tests/census
communes="04630 04633 04636"
echo "# $rounds rounds, seed $seed"

dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
for c in $communes; do
	dieutra init --commune $c --enumerator "Người $c <$c@example.vn>" --device A \
		--remote district.git w$c >/dev/null
	sed "s/commune: \"04630\"/commune: \"$c\"/" "$census"/01-*.yaml |
		dieutra -C w$c add - >/dev/null 2>&1
	dieutra -C w$c sync >/dev/null
done
dieutra district clone --enumerator "Đặng Văn Bình <binh@example.vn>" district.git dist \
	>/dev/null

# The named points of a merge round, then every point in turn ("*:N"): a
# merge of two communes with two new records each reaches some 20 points.
named="district-fetched:1 district-merged:1 district-merged:2 district-pushed:1
district-loaded:1 district-loaded:3 store-commit:1 store-committed:2"

# point ROUND: the crash point of a round; with a seed, "*:N" with N random.
point() {
	awk -v r="$1" -v s="$seed" -v named="$named" 'BEGIN {
		k = split(named, p, /[ \n]+/)
		if (s) { srand(s * 100003 + r); print "*:" int(rand() * 24) + 1 }
		else if (r <= k) print p[r]
		else print "*:" (r - k - 1) % 24 + 1 }'
}

# household N CODE: a complete household of the census, number N, of commune CODE.
household() {
	set -- "$1" "$2" "$census"/0[1-7]-*.yaml "$census"/1[0-4]-*.yaml
	n=$1 code=$2
	shift $((n % 12 + 2))
	sed -e "s/household_no: .*/household_no: \"$n\"/" \
		-e "s/commune: \"04630\"/commune: \"$code\"/" "$1"
}

killed() {
	set +e
	"$@" >/dev/null 2>&1
	rc=$?
	set -e
	echo "$rc" >>kills
	[ "$rc" = 137 ] || [ "$rc" = 0 ] || {
		echo "exit status $rc from $*" >&2
		return 1
	}
}

# consistent OLD: main is OLD or holds every commune branch; the
# repositories and the store are sound.
consistent() {
	main=$(git -C district.git rev-parse main) &&
	if [ "$main" != "$1" ]; then
		for c in $communes; do
			git -C district.git merge-base --is-ancestor communes/$c main || {
				echo "main $main is neither the old one nor the full merge" >&2
				return 1
			}
		done
	fi &&
	git -C district.git fsck --strict 2>fsck.err &&
	git -C dist/repo.git fsck --strict 2>>fsck.err &&
	test "$(sqlite3 dist/dieutra.db "PRAGMA integrity_check")" = ok
}

# complete: main holds every commune's branch and the store every record
# of main exactly once.
complete() {
	for c in $communes; do
		git -C district.git merge-base --is-ancestor communes/$c main || return 1
	done &&
	git -C district.git ls-tree -r --name-only main -- communes |
		sed "s|.*/\(.*\)\.yaml$|\1|" | sort >files &&
	dieutra -C dist list | cut -d" " -f1 | sort >ids &&
	cmp files ids &&
	sqlite3 dist/dieutra.db "SELECT count(*), count(DISTINCT id) FROM records" >n &&
	test "$(cat n)" = "$(wc -l <files)|$(wc -l <files)"
}

expect_success 'district merge killed at each crash point: the next merge finishes it' '
	i=0 &&
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1)) &&
		j=0 &&
		for c in $communes; do
			j=$((j + 1)) &&
			[ $(((i + j) % 3)) != 0 ] || continue
			household $((i * 2)) $c | dieutra -C w$c add - >/dev/null 2>&1 &&
			household $((i * 2 + 1)) $c | dieutra -C w$c add - >/dev/null 2>&1 &&
			dieutra -C w$c sync >/dev/null || exit 1
		done &&
		old=$(git -C district.git rev-parse main) &&
		killed env DIEUTRA_CRASH_AT="$(point $i)" "$DIEUTRA" -C dist district merge &&
		consistent "$old" &&
		dieutra -C dist district merge >/dev/null &&
		complete || { echo "round $i, $(point $i)" >&2; exit 1; }
	done &&
	for id in $(cat ids); do
		git -C district.git show "main:communes/${id%%-*}/A/$id.yaml" >file &&
		dieutra -C dist show "$id" | cmp - file || exit 1
	done &&
	dieutra -C dist district merge >out &&
	contains out "nothing new to merge" &&
	test "$(grep -c 137 kills)" -ge $((rounds * 2 / 3))
'

expect_success 'review killed after its commit or its push: the next review finishes it' '
	dieutra -C dist list | cut -d" " -f1 | grep "^04630-" >ids &&
	: >kills && i=0 &&
	for p in review-committed:1 review-pushed:1 store-commit:1 "*:1" "*:2" "*:3"; do
		i=$((i + 1)) &&
		id=$(sed -n "${i}p" ids) &&
		killed env DIEUTRA_CRASH_AT="$p" "$DIEUTRA" -C dist review "$id" --reject "Sai $i" &&
		git -C district.git fsck --strict 2>fsck.err &&
		test "$(sqlite3 dist/dieutra.db "PRAGMA integrity_check")" = ok &&
		dieutra -C dist review "$id" --reject "Sai $i" >/dev/null &&
		dieutra -C dist list --status rejected >list &&
		contains list "$id" &&
		git -C district.git show "communes/04630:communes/04630/A/$id.yaml" >file &&
		contains file "  review: Sai $i" &&
		test "$(git -C district.git log --format=%s main..communes/04630 |
			grep -c "$id rejected")" = 1 || { echo "review killed at $p" >&2; exit 1; }
	done &&
	test "$(grep -c 137 kills)" = 6
'

done_testing
