#!/bin/sh
# dieutra list: filters and a search that ignores case and diacritics.
. "$SRC/tests/lib.sh"

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/tests/forms/demo/household.yaml" ws >/dev/null
cd ws
dieutra add "$SRC"/tests/forms/demo/records/*.yaml >/dev/null 2>&1

expect_success 'list shows one line per record: id, status, title' '
	dieutra list >out &&
	test "$(wc -l <out)" = 3 &&
	contains out "04630-A-0001     complete  Lò Văn Pâng - Bản Lướt" &&
	contains out "04630-A-0003     draft"
'

# query | ids expected (space-separated, empty for none)
while IFS="|" read -r query want; do
	expect_success "search '$query' finds: ${want:-nothing}" '
		dieutra list --search "$query" | cut -d" " -f1 | tr "\n" " " | sed "s/ $//" >got &&
		test "$(cat got)" = "$want"
	'
done <<'EOF'
nguyen van an|04630-A-0002
NGUYEN VAN AN|04630-A-0002
Nguyễn Văn An|04630-A-0002
duong|04630-A-0002
đường|04630-A-0002
ban luot|04630-A-0001 04630-A-0003
hoa|04630-A-0002
hòa|04630-A-0002
thuy|04630-A-0003
pang luot|04630-A-0001
04630-A-0002|04630-A-0002
mai|04630-A-0001
nobody|
EOF

expect_success 'list --status filters' '
	dieutra list --status complete >out &&
	test "$(wc -l <out)" = 2 &&
	lacks out draft
'

expect_success 'a bad status is a usage error (2)' '
	expect_code 2 dieutra list --status done 2>err &&
	contains err "use draft, complete, void, rejected or conflict"
'

done_testing
