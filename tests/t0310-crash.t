#!/bin/sh
# Fault injection: `add`, `sync` and the app's autosave killed (SIGKILL) at
# their crash points (DIEUTRA_CRASH_AT, forms/util.h), each time finished
# by the next run: nothing lost, nothing duplicated, the database and the
# repositories consistent.  CRASH_ROUNDS rounds of each (`make soak` sets
# 500, with random points; CRASH_SEED repeats a soak's choice).
. "$SRC/tests/lib.sh"

uses_libgit2

rounds=${CRASH_ROUNDS:-8}
seed=${CRASH_SEED:-0}
census=$SRC/tests/census
echo "# $rounds rounds of each, seed $seed"

dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
	--remote district.git b >/dev/null

# point ROUND: the crash point of a round, "*:N" for the Nth point reached;
# with a seed, N is random; without, the rounds walk through 1..14 in turn.
point() {
	awk -v r="$1" -v s="$seed" 'BEGIN {
		if (s) { srand(s * 100003 + r); n = int(rand() * 14) + 1 } else n = r % 14 + 1
		print "*:" n }'
}

# household N: a complete household of the census, number N, on stdout.
household() {
	set -- "$1" "$census"/0[1-7]-*.yaml "$census"/1[0-4]-*.yaml
	n=$1
	shift $((n % 12 + 1))
	sed "s/household_no: .*/household_no: \"$n\"/" "$1"
}

# killed CMD...: CMD ran under a crash point; it was killed or it finished.
killed() {
	set +e
	"$@" >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" = 137 ] || [ "$rc" = 0 ] || [ "$rc" = 1 ] || {
		echo "exit status $rc from $*" >&2
		return 1
	}
}

intact() {
	test "$(sqlite3 "$1/dieutra.db" "PRAGMA integrity_check")" = ok
}

expect_success 'add killed at each crash point: the next add stores it, once' '
	i=0 &&
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1)) &&
		household $((i + 1000)) >r.yaml &&
		killed env DIEUTRA_CRASH_AT="$(point $i)" "$DIEUTRA" -C a add r.yaml &&
		intact a &&
		dieutra -C a add r.yaml >/dev/null 2>&1 &&
		echo $((i + 1000)) >>added || exit 1
	done &&
	dieutra -C a list --status complete | cut -d" " -f1 >ids &&
	test "$(wc -l <ids)" = "$rounds" &&
	for id in $(cat ids); do
		dieutra -C a show "$id" | sed -n "s/.*household_no: \"*\([0-9]*\)\"*$/\1/p"
	done | sort >numbers &&
	sort added | cmp - numbers
'

expect_success 'sync killed at each crash point, while another laptop syncs: the next sync finishes' '
	i=0 &&
	while [ $i -lt "$rounds" ]; do
		i=$((i + 1)) &&
		household $((i + 2000)) | dieutra -C a add - >/dev/null 2>&1 &&
		household $((i + 3000)) | dieutra -C b add - >/dev/null 2>&1 &&
		if [ $((i % 3)) = 0 ]; then
			id=$(dieutra -C b list --status complete | head -1 | cut -d" " -f1) &&
			dieutra -C b show "$id" | sed "s/^\(    village:\).*/\1 Bản $i/" |
				dieutra -C b add - >/dev/null 2>&1
		fi &&
		dieutra -C b sync >/dev/null &&
		killed env DIEUTRA_CRASH_AT="$(point $i)" "$DIEUTRA" -C a sync &&
		intact a &&
		dieutra -C a sync >/dev/null || exit 1
	done &&
	dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null && dieutra -C b sync >/dev/null &&
	intact a && intact b &&
	dieutra -C a list --status complete | cut -d" " -f1 | sort >ids.a &&
	dieutra -C b list --status complete | cut -d" " -f1 | sort >ids.b &&
	git -C district.git ls-tree -r --name-only communes/04630 |
		sed -n "s|^communes/04630/[AB]/\(.*\)\.yaml$|\1|p" | sort >files &&
	test "$(wc -l <files)" = $((3 * rounds)) &&
	cmp ids.a files && cmp ids.b files &&
	for id in $(cat files); do
		dev=$(echo "$id" | cut -d- -f2) &&
		git -C district.git show "communes/04630:communes/04630/$dev/$id.yaml" >file &&
		dieutra -C a show "$id" | cmp - file &&
		dieutra -C b show "$id" | cmp - file || exit 1
	done &&
	git -C district.git fsck --strict &&
	git -C a/repo.git fsck --strict &&
	git -C b/repo.git fsck --strict &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 0 updated; received 0"
'

expect_success 'sync killed with objects staged in the district: none named, the next sync sends' '
	household 4001 | dieutra -C a add - >/dev/null 2>&1 &&
	id=$(dieutra -C a list --status complete | cut -d" " -f1 | grep -e -A- | sort | tail -1) &&
	before=$(git -C district.git rev-parse communes/04630) &&
	expect_code 137 env DIEUTRA_CRASH_AT=push-objects-staged:1 "$DIEUTRA" -C a sync &&
	test "$(git -C district.git rev-parse communes/04630)" = "$before" &&
	find district.git/objects -name "tmp_obj_dieutra_*" >staged &&
	test -s staged &&
	git -C district.git fsck --strict &&
	dieutra -C a sync >out &&
	contains out "sent 1 new" &&
	git -C district.git fsck --strict &&
	git -C district.git show "communes/04630:communes/04630/A/$id.yaml" >file &&
	dieutra -C a show "$id" | cmp - file
'

done_testing
