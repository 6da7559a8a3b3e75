#!/bin/sh
# Choice lists read from files (the admin units) are read when first needed:
# commands that need no choices work without them, and a choice file broken
# after the workspace was made is reported, file:line:col, by the commands
# that need it and by check-schema alike.
. "$SRC/tests/lib.sh"

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/schemas/child-census.yaml" ws >/dev/null
cd ws

expect_success 'a household is added while the admin units are whole' '
	dieutra add --lang en "$SRC/tests/census/01-lo-van-pang.yaml" >id 2>err &&
	grep -qx "04630-A-0001" id
'

# Row 40 of the workspace's copy of the admin units loses its commune code.
awk -F'\t' 'BEGIN { OFS = FS } NR == 40 { $5 = "bad code" } { print }' \
	schema/admin-units.tsv >units && mv units schema/admin-units.tsv

bad="schema/admin-units.tsv:40:1: bad value 'bad code' in column 'commune_code'"

expect_success 'commands that need no choices still work' '
	dieutra list >out 2>err &&
	contains out 04630-A-0001 &&
	dieutra show 04630-A-0001 >shown &&
	contains shown "id: 04630-A-0001"
'

expect_success 'add names the broken row, file:line:col, and stores nothing' '
	expect_code 1 dieutra add --lang en "$SRC/tests/census/02-ha-thi-xuan.yaml" >out 2>err &&
	test ! -s out &&
	contains err "$bad" &&
	dieutra list >listed &&
	contains listed 04630-A-0001 &&
	lacks listed 04630-A-0002
'

expect_success 'check-schema reports the same row' '
	expect_code 1 dieutra check-schema schema/child-census.yaml >out 2>err &&
	contains err "$bad"
'

expect_success 'the export refuses rather than write codes for labels' '
	expect_code 1 dieutra export --out csv >out 2>err &&
	contains err "admin-units.tsv:40:1: bad value"
'

done_testing
