#!/bin/sh
# dieutra add / show: records in, canonical text out, validated as the app does.
. "$SRC/tests/lib.sh"

form=$SRC/tests/forms/demo/household.yaml
recs=$SRC/tests/forms/demo/records
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$form" ws >/dev/null
cd ws

expect_success 'add stores a valid record and prints its new id' '
	dieutra add "$recs/01-lo-van-pang.yaml" >out 2>err &&
	test "$(cat out)" = 04630-A-0001 &&
	contains err "added"
'

expect_success 'show prints the canonical record: meta stamped, calculations stored' '
	dieutra show 04630-A-0001 >shown &&
	cat >expect <<-\EOF &&
	id: 04630-A-0001
	form: household-demo
	version: "2026.1"
	status: complete
	meta:
	  created: 2026-11-23T09:00:00Z
	  modified: 2026-11-23T09:00:00Z
	  enumerator: Lò Thị Hoa <hoa@example.vn>
	  device: A
	data:
	  household:
	    village: Bản Lướt
	    head_name: Lò Văn Pâng
	    members: 5
	    poverty: poor
	    visit_date: 2026-11-20
	EOF
	head -n 16 shown >head &&
	diff -u expect head &&
	contains shown "      age: 12" &&
	contains shown "      age: 5" &&
	contains shown "  n_children: 2" &&
	grep -c "_id: [a-z0-9]" shown >n && test "$(cat n)" = 2
'

expect_success 'show | add - is a no-op' '
	dieutra show 04630-A-0001 >before &&
	DIEUTRA_NOW=2026-11-24T10:00:00Z dieutra show 04630-A-0001 |
		DIEUTRA_NOW=2026-11-24T10:00:00Z dieutra add - >out 2>err &&
	test "$(cat out)" = 04630-A-0001 &&
	contains err "unchanged" &&
	dieutra show 04630-A-0001 >after &&
	cmp before after
'

expect_success 'adding the same file twice does not duplicate it' '
	dieutra add "$recs/01-lo-van-pang.yaml" >out 2>err &&
	test "$(cat out)" = 04630-A-0001 &&
	contains err "unchanged" &&
	dieutra list >list &&
	test "$(wc -l <list)" = 1
'

expect_success 'an edited record is updated: created kept, modified stamped' '
	dieutra show 04630-A-0001 | sed "s/members: 5/members: 6/" >edited.yaml &&
	DIEUTRA_NOW=2026-11-25T08:30:00Z dieutra add edited.yaml >out 2>err &&
	contains err "updated" &&
	dieutra show 04630-A-0001 >shown &&
	contains shown "members: 6" &&
	contains shown "created: 2026-11-23T09:00:00Z" &&
	contains shown "modified: 2026-11-25T08:30:00Z"
'

expect_success 'an answer of an irrelevant question is dropped' '
	sed "/dob: 2021-09-10/a\\
      in_school: \"no\"" "$recs/01-lo-van-pang.yaml" | sed "s/Lò Văn Pâng/Lò Văn Páo/" >irr.yaml &&
	dieutra add irr.yaml >id &&
	dieutra show "$(cat id)" >shown &&
	test "$(grep -c in_school shown)" = 1
'

expect_success 'an invalid record is refused with every error, file:line:col and path (1)' '
	cat >bad.yaml <<-\EOF &&
	data:
	  household:
	    village: Bản Lướt
	    members: 40
	    visit_date: 2026-11-20
	  children:
	    - full_name: Lò Thị Mai
	      dob: 2027-01-01
	      sex: female
	    - full_name: Lò Văn B
	      dob: 2020-02-30
	      sex: other
	EOF
	dieutra list >before &&
	expect_code 1 dieutra add bad.yaml >out 2>err &&
	test ! -s out &&
	contains err "household.head_name:" &&
	contains err "bad.yaml:4:14: household.members: Từ 1 đến 30 người" &&
	contains err "bad.yaml:8:12: children[1].dob: Ngày sinh phải trước ngày phỏng vấn" &&
	contains err "bad.yaml:11:12: children[2].dob:" &&
	contains err "bad.yaml:12:12: children[2].sex:" &&
	contains err "1 record refused" &&
	dieutra list >after &&
	cmp before after
'

expect_success 'messages come in the chosen language' '
	expect_code 1 dieutra add --lang en bad.yaml 2>err &&
	contains err "household.members: From 1 to 30 people"
'

expect_success 'an unknown field is refused where it stands' '
	printf "data:\n  household:\n    vilage: X\n" >typo.yaml &&
	expect_code 1 dieutra add --lang en typo.yaml 2>err &&
	contains err "typo.yaml:3:5:" &&
	contains err "vilage"
'

expect_success 'two drafts with the same first answers stay two households' '
	printf "status: draft\ndata:\n  household:\n    village: Bản Mới\n" >d1.yaml &&
	dieutra add d1.yaml >a &&
	dieutra add d1.yaml >b &&
	test "$(cat a)" != "$(cat b)"
'

expect_success 'a draft may leave required answers out' '
	dieutra add "$recs/03-draft.yaml" >id &&
	dieutra list --status draft >drafts &&
	contains drafts "$(cat id)" &&
	contains drafts "draft"
'

expect_success 'a record of another form, version or commune is refused' '
	printf "form: other\ndata: {}\n" >f1.yaml &&
	printf "version: \"1999\"\ndata: {}\n" >f2.yaml &&
	printf "id: 01234-A-0001\ndata: {}\n" >f3.yaml &&
	expect_code 1 dieutra add f1.yaml f2.yaml f3.yaml 2>err &&
	contains err "for form '\''other'\''" &&
	contains err "form version 1999" &&
	contains err "belongs to another commune" &&
	contains err "3 records refused"
'

expect_success 'a YAML syntax error is refused with its position' '
	printf "data:\n  household: [oops\n" >syn.yaml &&
	expect_code 1 dieutra add syn.yaml 2>err &&
	grep -q "^syn.yaml:[0-9]*:[0-9]*: " err
'

expect_success 'a missing answer file is refused input (1)' '
	expect_code 1 dieutra add nosuch.yaml 2>err &&
	contains err "nosuch.yaml: cannot open"
'

expect_success 'add in several files stores the good ones and refuses the bad' '
	dieutra add "$recs/02-nguyen-van-an.yaml" bad.yaml >out 2>err; test $? = 1 &&
	test "$(wc -l <out)" = 1 &&
	dieutra show "$(cat out)" >shown &&
	contains shown "head_name: Nguyễn Văn An"
'

expect_success 'show of an unknown id says so (1)' '
	expect_code 1 dieutra show 04630-A-9999 2>err &&
	contains err "no record '\''04630-A-9999'\''"
'

expect_success 'answers are stored NFC whatever the input' '
	printf "status: draft\ndata:\n  household:\n    head_name: Nguye\314\202\314\203n\n" >nfd.yaml &&
	dieutra add nfd.yaml >id &&
	dieutra show "$(cat id)" >shown &&
	contains shown "head_name: Nguyễn"
'

done_testing
