#!/bin/sh
# A new record starts where the workspace is: the census form's province >
# district > commune cascade is filled from the workspace's commune code,
# and literal defaults are given; answers in the file win.
. "$SRC/tests/lib.sh"

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/schemas/child-census.yaml" ws >/dev/null
cd ws
sed '/^    province:/d; /^    district:/d; /^    commune:/d' \
	"$SRC/tests/census/01-lo-van-pang.yaml" >noplace.yaml

expect_success 'a household without its place gets the workspace commune, district, province' '
	! grep -q "commune:" noplace.yaml &&
	dieutra add noplace.yaml >id &&
	dieutra show "$(cat id)" >shown &&
	contains shown "    province: 15" &&
	contains shown "    district: 140" &&
	contains shown "    commune: \"04630\""
'

expect_success 'an answer given in the file is kept' '
	sed "s/^    commune: \"04630\"/    commune: \"04627\"/; s/Lò Văn Pâng/Lò Văn Khiêm/" \
		"$SRC/tests/census/01-lo-van-pang.yaml" >other.yaml &&
	dieutra add other.yaml >id2 &&
	dieutra show "$(cat id2)" >shown2 &&
	contains shown2 "    commune: \"04627\""
'

expect_success 'the demo form: a literal default is given to a new record' '
	cd .. &&
	printf "form: d\nversion: \"1\"\nfields:\n  - name: village\n    type: text\n    label: V\n    default: Bản Lướt\n  - name: head\n    type: text\n    label: H\n" >d.yaml &&
	dieutra init --commune 04630 --enumerator "A <a@b.vn>" --device A --schema d.yaml wd >/dev/null &&
	printf "data:\n  head: X\n" >r.yaml &&
	dieutra -C wd add r.yaml >id &&
	dieutra -C wd show "$(cat id)" >shown &&
	contains shown "  village: Bản Lướt"
'

done_testing
