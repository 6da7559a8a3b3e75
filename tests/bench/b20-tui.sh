#!/bin/sh
# The app's speed (issue #3): a commune of 10,000 households, one of them
# with 100 children, entered through `dieutra add`; then bench_tui drives
# the real app on a terminal of its own and prints its TSV lines
# (first screen, CPU per key on the home search and in that household).
set -e
SRC=${SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
DIEUTRA=${DIEUTRA:-$SRC/dieutra}
BENCH_TUI=${BENCH_TUI:-$SRC/.build/cc/tests/bench/bench_tui}
RECORDS=10000

make -s -C "$SRC" dieutra .build/cc/tests/bench/bench_tui >&2
# The store on tmpfs when there is one: entering 10,000 records is one fsync each.
tmp=$(mktemp -d "$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/dieutra-bench.XXXXXX")
trap '[ -n "$BENCH_KEEP" ] || rm -rf "$tmp"' EXIT

"$DIEUTRA" init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/tests/forms/demo/household.yaml" "$tmp/ws" >/dev/null
mkdir "$tmp/gen"
# Households of varied names and villages, so that a search narrows the list
# as it would in a real commune; every tenth one is left a draft.
awk -v n=$RECORDS -v dir="$tmp/gen" 'BEGIN {
	split("Nguyễn Lò Hà Giàng Sùng Vàng Trần Lê Phạm Hoàng", fam, " ")
	split("Văn Thị Đức Minh Thu", mid, " ")
	split("An Bình Pâng Mai Hoa Sinh Tùng Xuân Hải Lan Vang Hùng", given, " ")
	split("Bản_Lướt Bản_Na Khánh_Yên Tú_Lệ Nậm_Có Lao_Chải", vil, " ")
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/r%05d.yaml", dir, i)
		print "form: household-demo" > f
		if (i % 10 == 0)
			print "status: draft" > f
		print "data:\n  household:" > f
		v = vil[i % 6 + 1]; gsub("_", " ", v)
		printf "    village: %s, tổ %d\n", v, i > f
		printf "    head_name: %s %s %s\n", fam[i % 10 + 1], mid[i % 5 + 1], \
			given[i % 12 + 1] > f
		printf "    members: %d\n    visit_date: 2026-11-%02d\n", 2 + i % 6, 1 + i % 20 > f
		print "  children:" > f
		for (k = 0; k < i % 4; k++) {
			printf "    - full_name: %s Thị %s\n", fam[(i + k) % 10 + 1], \
				given[(i + k) % 12 + 1] > f
			printf "      dob: 20%02d-0%d-1%d\n", 11 + k, 1 + k, k > f
			printf "      sex: %s\n", k % 2 ? "male" : "female" > f
			if (k < 2)
				print "      in_school: \"yes\"" > f
		}
		close(f)
	}
	# The big household, a draft (more children than the form allows members).
	f = dir "/big.yaml"
	print "form: household-demo\nstatus: draft\ndata:\n  household:" > f
	print "    village: Bản Lớn\n    head_name: Vàng Seo Lớn\n    members: 30" > f
	print "    visit_date: 2026-11-20\n  children:" > f
	for (k = 1; k <= 100; k++) {
		printf "    - full_name: Vàng Thị Con %d\n", k > f
		printf "      dob: 20%02d-%02d-15\n", 11 + k % 15, 1 + k % 12 > f
		printf "      sex: %s\n", k % 2 ? "male" : "female" > f
	}
	close(f)
}'
ls "$tmp"/gen/r*.yaml | xargs "$DIEUTRA" -C "$tmp/ws" add >/dev/null 2>"$tmp/add.err"
big=$("$DIEUTRA" -C "$tmp/ws" add "$tmp/gen/big.yaml" 2>/dev/null)
test "$("$DIEUTRA" -C "$tmp/ws" list | wc -l)" -gt $RECORDS
"$BENCH_TUI" "$tmp/ws" "$big"
