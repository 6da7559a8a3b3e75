#!/bin/sh
# The benchmarks' data generator (tests/bench/gen.c): its households pass
# the census form's validation, the same seed gives the same data, and
# they travel through sync like any other.
. "$SRC/tests/lib.sh"

uses_libgit2

: "${BENCH_BIN:?run the tests through make check (BENCH_BIN is not set)}"
gen() {
	"$BENCH_BIN/gen" "$@"
}

expect_success 'gen fill saves valid complete households through the workspace' '
	dieutra district init --schema "$SRC/schemas/child-census.yaml" district.git >/dev/null &&
	district_key district.git &&
	dieutra init --commune 15877 --enumerator "Lê Thị Hoa <hoa@example.vn>" --device A \
		--remote district.git a >/dev/null &&
	gen fill a 40 7 &&
	dieutra -C a list --status complete >list &&
	test "$(wc -l <list)" = 40 &&
	test "$(dieutra -C a list | wc -l)" = 40 &&
	dieutra -C a show 15877-A-0040 >last &&
	contains last "commune: 15877" &&
	contains last "household_no: 40"
'

expect_success 'the households have Vietnamese names, children and special cases' '
	for i in $(seq -w 1 40); do dieutra -C a show 15877-A-00$i; done >all &&
	grep -c "^    head_name: " all >heads &&
	test "$(cat heads)" = 40 &&
	grep -Eq "head_name: (Nguyễn|Trần|Lê|Phạm|Hoàng|Vũ|Đặng|Bùi|Đỗ) " all &&
	kids=$(grep -c "^    - _id: " all) &&
	test "$kids" -ge 40 && test "$kids" -le 120 &&
	contains all "any_special: \"yes\"" &&
	contains all "any_special: \"no\""
'

expect_success 'the same seed gives the same households' '
	dieutra init --commune 15877 --enumerator "Lê Thị Hoa <hoa@example.vn>" --device A \
		--remote district.git b >/dev/null &&
	gen fill b 40 7 &&
	for i in 01 20 40; do
		dieutra -C a show 15877-A-00$i >x &&
		dieutra -C b show 15877-A-00$i >y &&
		cmp x y || exit 1
	done &&
	dieutra init --commune 15877 --enumerator "Lê Thị Hoa <hoa@example.vn>" --device A \
		--remote district.git c >/dev/null &&
	gen fill c 5 8 &&
	dieutra -C c show 15877-A-0001 >z &&
	dieutra -C a show 15877-A-0001 >w &&
	! cmp -s z w
'

expect_success 'gen sync sends them; gen change writes the files the next sync commits' '
	gen sync a >out &&
	test "$(cat out)" = "sent 40 new, 0 updated; received 0" &&
	gen change a 5 1 changed >ids &&
	test "$(wc -l <ids)" = 5 &&
	test "$(sort -u ids | wc -l)" = 5 &&
	dieutra -C a sync >out &&
	test "$(cat out)" = "sent 0 new, 5 updated; received 0" &&
	for id in $(cat ids); do
		git -C district.git show communes/15877:communes/15877/A/$id.yaml |
			cmp - changed/$id.yaml || exit 1
	done
'

expect_success 'gen refuses bad usage and a missing workspace' '
	expect_code 2 gen fill a &&
	expect_code 1 gen fill nowhere 5 1 2>err &&
	test -s err &&
	expect_code 2 gen change a 1000 1 changed 2>err &&
	contains err "only"
'

done_testing
