#!/bin/sh
# dieutra report: the census indicators, checked against counts made by hand
# (tests/census/indicators.expected) over the households it names.
. "$SRC/tests/lib.sh"

expected=$SRC/tests/census/indicators.expected
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/schemas/child-census.yaml" ws >/dev/null
cd ws
files=$(sed -n 's/^# files: //p' "$expected")
for f in $files; do
	dieutra add "$SRC/tests/census/$f" >/dev/null 2>&1 || echo "# could not add $f"
done

expect_success 'every household counted by hand was accepted' '
	dieutra list --status complete >list &&
	test "$(wc -l <list)" = "$(echo $files | wc -w)"
'

expect_success 'report --format csv gives the hand-counted numerator and denominator' '
	dieutra report --format csv >report.csv &&
	grep -v "^#" "$expected" | grep . >want &&
	test -s want &&
	while IFS="	" read -r name num den; do
		grep "^04630,$name," report.csv >line ||
			{ echo "no line for $name"; exit 1; }
		got=$(awk -F, "{ print \$(NF-4) \" \" \$(NF-3) }" line)
		test "$got" = "$num $den" ||
			{ echo "$name: got $got, counted $num $den"; exit 1; }
	done <want
'

expect_success 'the text report marks what is below target' '
	dieutra report --lang en >report.txt &&
	contains report.txt "Commune 04630 Xã Tú Lệ: 13 complete" &&
	grep "Children in special circumstances supported" report.txt >line &&
	contains line "90.0%" &&
	contains line "BELOW TARGET"
'

expect_success 'report counts only complete records' '
	dieutra add "$SRC/tests/census/09-draft-interrupted.yaml" >/dev/null &&
	dieutra report --format csv >again.csv &&
	cmp report.csv again.csv
'

expect_success 'the markdown report is a table' '
	dieutra report --format md --lang en >report.md &&
	contains report.md "| indicator | numerator |"
'

expect_success 'a bad format is a usage error (2)' '
	expect_code 2 dieutra report --format pdf 2>err &&
	contains err "use text, csv or md"
'

done_testing
