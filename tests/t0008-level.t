#!/bin/sh
# The level above the communes: a district (huyện) before the 2025 reform,
# a province (tỉnh) where it abolished the districts.  The census form is
# adapted for a province the way schemas/README.md says, and the app and
# the report then speak of the province.
. "$SRC/tests/lib.sh"
. "$SRC/tests/lib-tui.sh"

uses_libgit2

# The adaptation, step by step: the level, the post-reform list of
# communes, no district question, communes filtered by their province.
mkdir form
cp "$SRC/schemas/ethnic-groups.tsv" "$SRC/schemas/admin-units-2025-07.tsv" form/
sed -e 's/^languages: .*/&\nlevel: province/' \
	-e 's/file: admin-units\.tsv/file: admin-units-2025-07.tsv/' \
	-e '/^  districts: /d' \
	-e '/^      - name: district$/,/^        choice_filter: province_code/d' \
	-e 's/choice_filter: district_code = \${district}/choice_filter: province_code = ${province}/' \
	"$SRC/schemas/child-census.yaml" >form/census.yaml

expect_success 'the adapted census form loads' '
	grep -q "^level: province" form/census.yaml &&
	! grep -q "district_code\|name: district" form/census.yaml &&
	dieutra check-schema form/census.yaml
'

expect_success 'a level other than district or province is refused where it stands' '
	sed "s/^level: province/level: commune/" form/census.yaml >form/bad.yaml &&
	line=$(grep -n "^level:" form/bad.yaml | cut -d: -f1) &&
	expect_code 1 dieutra check-schema form/bad.yaml 2>err &&
	contains err "form/bad.yaml:$line:8: unknown level '\''commune'\''"
'

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema form/census.yaml ws >/dev/null

expect_success 'a household of the post-reform Xã Tú Lệ gets its province, with no district' '
	sed "/^    province:/d; /^    district:/d; /^    commune:/d" \
		"$SRC/tests/census/01-lo-van-pang.yaml" >h.yaml &&
	dieutra -C ws add h.yaml >id &&
	dieutra -C ws show "$(cat id)" >shown &&
	contains shown "    province: 15" &&
	contains shown "    commune: \"04630\"" &&
	lacks shown "district"
'

expect_success 'the province office merges it and its report is headed by the province' '
	dieutra district init --schema form/census.yaml province.git >/dev/null &&
	district_key province.git &&
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device B --remote province.git wb >/dev/null &&
	dieutra -C wb add h.yaml >/dev/null &&
	dieutra -C wb sync --quiet &&
	dieutra district clone --enumerator "Đặng Văn Bình <binh@example.vn>" \
		province.git office >/dev/null &&
	dieutra -C office district merge >/dev/null &&
	dieutra -C office report --lang en >r-en.txt &&
	contains r-en.txt "Province: 1 complete" &&
	dieutra -C office report >r-vi.txt &&
	contains r-vi.txt "Tỉnh: 1 hoàn thành"
'

expect_success 'the app speaks of the province, not the district' '
	app && see "Gửi tỉnh" &&
	keys "?" && see "đồng bộ với tỉnh" && keys x && gone "đồng bộ với tỉnh" &&
	keys s && see "Chưa có kho của tỉnh" &&
	keys q && closed
'

done_testing
