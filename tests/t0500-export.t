#!/bin/sh
# dieutra export: the census households as CSV and SQLite tables, read back
# with sqlite3's own CSV reader and checked against counts made here over
# the answer files themselves.
. "$SRC/tests/lib.sh"

data=$SRC/tests/census
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/schemas/child-census.yaml" ws >/dev/null
cd ws

# Every household tests/census/expect.tsv says is accepted (one is a draft).
files=$(awk -F'\t' '$2 == "accepted" { print $1 }' "$data/expect.tsv")
for f in $files; do
	dieutra add "$data/$f" >/dev/null 2>&1 || echo "# could not add $f"
done

# A household whose village and head's name hold commas and quotes, with a
# grandchild (whose Vietnamese relation label has a comma too).
household() {
	cat <<EOF
data:
  household:
    province: "15"
    district: "140"
    commune: "04630"
    village: Bản Mới, "Làng Trên"
    household_no: "$1"
    head_name: $2
    visit_date: 2026-11-16
    collaborator: Lò Thị Hoa
    consent: "yes"
    poverty: neither
    members: 3
  children:
    - full_name: Đặng Thị Ánh
      sex: female
      dob_known: "yes"
      dob: 2021-03-01
      ethnicity: "01"
      relation: grandchild
      birth_registered: "yes"
      health_insurance: "yes"
      living_with: relatives
      father_alive: "yes"
      mother_alive: "yes"
      schooling: kindergarten
      ecd_services: "yes"
      has_disability: "no"
      any_special: "no"
      at_risk: none
EOF
}
household 98 'Đặng Văn "Tư", con ông Bảy' >quoted.yaml
household 99 'Vi Văn Bỏ' >voided.yaml
quoted=$(dieutra add quoted.yaml 2>/dev/null)
voided=$(dieutra add voided.yaml 2>/dev/null)
dieutra show "$voided" | sed 's/^status: complete$/status: void/' | dieutra add - >/dev/null 2>&1

# Counted here: records kept (the census files and quoted.yaml), and their
# children: the items of the households that consented.
nhouse=$(($(echo $files | wc -w) + 1))
nchild=$(for f in $files; do
	grep -q '^    consent: "yes"' "$data/$f" && grep -c '^    - ' "$data/$f"
done | awk '{ n += $1 } END { print n + 1 }')
members=$(for f in $files; do
	grep -q '^    consent: "yes"' "$data/$f" && sed -n 's/^    members: //p' "$data/$f"
done | awk '{ n += $1 } END { print n + 3 }')

# csvq FILE SQL: runs SQL over FILE imported by sqlite3's CSV reader as table t.
csvq() {
	sqlite3 -batch :memory: ".import --csv $1 t" "$2"
}

expect_success 'export writes households.csv, children.csv and codebook.csv' '
	dieutra export --format csv --out out --lang en >msg &&
	test -s out/households.csv && test -s out/children.csv && test -s out/codebook.csv &&
	contains msg "$nhouse households, $nchild children" &&
	contains msg "1 void record left out"
'

expect_success 'read back, the CSV files have one row per household and per child' '
	test "$(csvq out/households.csv "select count(*) from t")" = "$nhouse" &&
	test "$(csvq out/children.csv "select count(*) from t")" = "$nchild" &&
	test "$(csvq out/households.csv "select sum(cast(members as integer)) from t")" = "$members"
'

expect_success 'names with diacritics, commas and quotes survive the round trip' '
	csvq out/households.csv "select head_name || \"|\" || village from t
		where id = \"$quoted\"" >got &&
	printf "%s\n" "Đặng Văn \"Tư\", con ông Bảy|Bản Mới, \"Làng Trên\"" >want &&
	cmp want got &&
	csvq out/children.csv "select full_name, village from t where id = \"$quoted\"" >got &&
	printf "%s\n" "Đặng Thị Ánh|Bản Mới, \"Làng Trên\"" >want &&
	cmp want got
'

expect_success 'the CSV is RFC 4180: CRLF line ends, quoted fields with doubled quotes' '
	head -1 out/households.csv | od -c | grep -q "\\\\r  \\\\n" &&
	contains out/households.csv "\"Đặng Văn \"\"Tư\"\", con ông Bảy\"" &&
	test "$(head -c 3 out/households.csv)" = "id,"
'

expect_success 'void records are left out, drafts are in with their status' '
	lacks out/households.csv "$voided" &&
	draft=$(sed -n "s/^    head_name: //p" "$data/09-draft-interrupted.yaml") &&
	test -n "$draft" &&
	test "$(csvq out/households.csv "select status from t
		where head_name = \"$draft\"")" = draft &&
	test "$(csvq out/households.csv "select count(*) from t where status = \"draft\"")" = 1
'

expect_success 'choices: the code, and the label in the chosen language' '
	csvq out/children.csv "select sex, sex_label from t where full_name = \"Đặng Thị Ánh\"" >got &&
	test "$(cat got)" = "female|Female" &&
	dieutra export --out vi --lang vi >/dev/null &&
	csvq vi/children.csv "select sex_label, relation_label from t
		where full_name = \"Đặng Thị Ánh\"" >got &&
	test "$(cat got)" = "Nữ|Cháu nội, cháu ngoại"
'

expect_success 'a select_multiple gives its codes and its labels joined' '
	csvq out/children.csv "select support, support_label from t where support like \"% %\"
		limit 1" >got &&
	support=$(cut -d"|" -f1 got) && labels=$(cut -d"|" -f2 got) &&
	test "$(echo "$support" | wc -w)" -ge 2 &&
	test "$(echo "$labels" | awk -F"; " "{ print NF }")" = "$(echo "$support" | wc -w)"
'

expect_success 'each child row carries its household id, commune and village' '
	test "$(csvq out/children.csv "select count(*) from t where id = \"\" or commune = \"\"
		or village = \"\"")" = 0 &&
	test "$(csvq out/children.csv "select count(distinct id) from t")" = \
		"$(csvq out/households.csv "select count(*) from t where n_children > 0")"
'

expect_success 'columns follow the form, headers are field names, the codebook has labels' '
	head -1 out/households.csv | tr -d "\r" | tr , "\n" >cols &&
	test "$(sed -n 1p cols)" = id &&
	test "$(grep -n "^village$" cols | cut -d: -f1)" -lt \
		"$(grep -n "^members$" cols | cut -d: -f1)" &&
	csvq out/codebook.csv "select label from t where \"table\" = \"children\"
		and \"column\" = \"dob\"" >got &&
	test "$(cat got)" = "Date of birth"
'

expect_success 'sensitive fields are left out unless asked for' '
	lacks out/children.csv hiv_status &&
	dieutra export --out sens --sensitive >/dev/null &&
	head -1 sens/children.csv | grep -q ",hiv_status,"
'

expect_success '--bom starts each file with a UTF-8 byte order mark' '
	dieutra export --out bom --bom >/dev/null &&
	test "$(head -c 3 bom/children.csv | od -An -tx1 | tr -d " ")" = efbbbf &&
	test "$(head -c 3 out/children.csv | od -An -tx1 | tr -d " ")" != efbbbf
'

expect_success 'the SQLite export has the same tables, with typed columns' '
	dieutra export --format sqlite --out db >msg &&
	contains msg census.sqlite &&
	test "$(sqlite3 db/census.sqlite "select count(*) from households")" = "$nhouse" &&
	test "$(sqlite3 db/census.sqlite "select count(*) from children")" = "$nchild" &&
	test "$(sqlite3 db/census.sqlite "select sum(members) from households")" = "$members" &&
	test "$(sqlite3 db/census.sqlite "select distinct typeof(members) from households
		where members is not null")" = integer &&
	test "$(sqlite3 db/census.sqlite "select distinct typeof(age) from children
		where age is not null")" = integer &&
	test "$(sqlite3 db/census.sqlite "select count(*) from children c
		join households h using (id) where h.id = \"$quoted\"")" = 1 &&
	test "$(sqlite3 db/census.sqlite "select head_name from households
		where id = \"$quoted\"")" = "Đặng Văn \"Tư\", con ông Bảy"
'

expect_success 'codes stay text in SQLite: leading zeros are kept' '
	test "$(sqlite3 db/census.sqlite "select distinct commune || typeof(commune)
		from households")" = 04630text
'

expect_success 'an unanswered field is NULL in SQLite' '
	test "$(sqlite3 db/census.sqlite "select count(*) from households
		where head_id is null")" -gt 0 &&
	test "$(sqlite3 db/census.sqlite "select count(*) from households
		where head_id = \"\"")" = 0
'

expect_success 'exporting again replaces the files, leaving no temporary file' '
	dieutra export --format sqlite --out db >/dev/null &&
	dieutra export --out out >/dev/null &&
	test "$(ls db)" = census.sqlite &&
	test "$(ls out | wc -l)" = 3
'

expect_success 'a repeat inside a repeat is its own table, its rows keyed by _parent' '
	mkdir -p nested && cat >nested/visits.yaml <<-\EOF &&
	form: visits
	version: "1"
	title: Visits
	languages: [en]
	instance_name: ${family}
	fields:
	  - name: family
	    type: text
	    label: Family
	  - name: people
	    type: repeat
	    label: People
	    fields:
	      - name: person
	        type: text
	        label: Person
	      - name: visits
	        type: repeat
	        label: Visits
	        fields:
	          - name: day
	            type: date
	            label: Day
	EOF
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device A --schema nested/visits.yaml nested/ws >/dev/null &&
	printf "%s\n" "data:" "  family: Lò" "  people:" "    - person: Mai" \
		"      visits:" "        - day: 2026-01-02" "        - day: 2026-02-03" \
		"    - person: Tùng" "      visits:" "        - day: 2026-03-04" >nested/one.yaml &&
	dieutra -C nested/ws add nested/one.yaml >/dev/null &&
	dieutra -C nested/ws export --format sqlite --out nested/out >/dev/null &&
	db=nested/out/census.sqlite &&
	test "$(sqlite3 $db "select count(*) from people")" = 2 &&
	test "$(sqlite3 $db "select p.person, count(*) from visits v
		join people p on p._id = v._parent group by 1 order by 1" | tr "\n" " ")" = \
		"Mai|2 Tùng|1 " &&
	test "$(sqlite3 $db "select distinct family from visits")" = Lò
'

expect_success 'usage errors exit 2' '
	expect_code 2 dieutra export --format xls --out x 2>err &&
	contains err "use csv or sqlite" &&
	expect_code 2 dieutra export 2>err &&
	contains err "--out DIR is required" &&
	expect_code 2 dieutra export --out x --lang fr 2>err &&
	contains err "no such language"
'

expect_success 'a folder that cannot be written is an environment failure (3)' '
	echo file >taken &&
	expect_code 3 dieutra export --out taken 2>err &&
	contains err taken
'

done_testing
