#!/bin/sh
# The child census form (schemas/child-census.yaml) and the follow-up card
# against realistic households: tests/census/expect.tsv says, file by file,
# whether `dieutra add` accepts or refuses it and what it must say.
. "$SRC/tests/lib.sh"

census=$SRC/schemas/child-census.yaml
followup=$SRC/schemas/special-circumstances-followup.yaml
data=$SRC/tests/census
tab=$(printf '\t')

# The " ; "-separated fragments of $1, one per line, into file frags.
split_fragments() {
	printf '%s\n' "$1" | sed 's/ ; /\n/g' >frags
}

# census_accepted FILE FRAGMENTS: stored with a new id; each fragment is a
# line of `show` (a fragment ending in ':' a key), "!fragment" is not.
census_accepted() {
	dieutra add --lang en "$data/$1" >id 2>err </dev/null || { cat err; return 1; }
	grep -qx '04630-A-[0-9]\{4\}' id || { echo "no id printed:"; cat id; return 1; }
	dieutra show "$(cat id)" >raw || return 1
	sed 's/^ *//; s/^- //' raw >shown
	split_fragments "$2"
	while IFS= read -r frag; do
		want=yes
		case $frag in
		!*) want=no frag=${frag#!} ;;
		esac
		got=no
		awk -v f="$frag" '(f ~ /:$/ ? index($0, f) == 1 : $0 == f) { found = 1 }
			END { exit !found }' shown && got=yes
		if [ "$got" != "$want" ]; then
			echo "$1: line '$frag' in show: expected $want, got $got"
			cat shown
			return 1
		fi
	done <frags
}

# census_refused FILE FRAGMENTS: refused (1), nothing stored, each fragment
# on a problem line of its own and no other problem.
census_refused() {
	expect_code 1 dieutra add --lang en "$data/$1" >out 2>err </dev/null || return 1
	test ! -s out || { echo "an id was printed:"; cat out; return 1; }
	split_fragments "$2"
	while IFS= read -r frag; do
		grep -F -- "$data/$1:" err | grep -qF -- "$frag" ||
			{ echo "$1: missing: $frag"; cat err; return 1; }
	done <frags
	test "$(grep -cF -- "$data/$1:" err)" = "$(wc -l <frags)" ||
		{ echo "$1: other problems than expected:"; cat err; return 1; }
}

expect_success 'the census form and the follow-up card are clean (0)' '
	dieutra check-schema "$census" "$followup" >out 2>err &&
	test ! -s err
'

expect_success 'exactly the questions the domain names are sensitive' '
	awk "/^ *- name: / { name = \$3 } /^ *sensitive: yes/ { print name }" "$census" >got &&
	printf "%s\n" hiv_status law_conflict drug_use violence exploitation \
		sexual_abuse trafficking >want &&
	diff -u want got
'

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$census" ws >/dev/null
cd ws || exit 1

expect_success 'the table has at least 30 households, accepted and refused' '
	grep -v "^#" "$data/expect.tsv" >rows &&
	test "$(wc -l <rows)" -ge 30 &&
	grep -q "${tab}accepted${tab}" rows &&
	grep -q "${tab}refused${tab}" rows &&
	for f in "$data"/[0-9]*.yaml; do
		grep -q "^${f##*/}${tab}" rows || { echo "not in expect.tsv: $f"; exit 1; }
	done
'

while IFS="$tab" read -r file outcome fragments; do
	case $file in
	'#'* | '') continue ;;
	esac
	expect_success "$file is $outcome as expected" \
		'census_$outcome "$file" "$fragments"'
done <"$data/expect.tsv"

expect_success 'every accepted household is listed once, the draft as a draft' '
	grep -c "${tab}accepted${tab}" "$data/expect.tsv" >want &&
	dieutra list >list &&
	test "$(wc -l <list)" = "$(cat want)" &&
	dieutra list --status draft >drafts &&
	test "$(wc -l <drafts)" = 1 &&
	contains drafts "Thào A Dế"
'

expect_success 'the messages are in Vietnamese by default' '
	expect_code 1 dieutra add "$data/22-child-sixteen.yaml" 2>err &&
	contains err "children[2].age: Trẻ đã đủ 16 tuổi vào ngày phỏng vấn" &&
	expect_code 1 dieutra add "$data/27-orphan-mother-alive.yaml" 2>err &&
	contains err "children[1].mother_alive: Trẻ được chọn nhóm a) mồ côi cả cha và mẹ"
'

expect_success 'indicators.expected counts accepted households and known indicators' '
	sed -n "s/^# files: //p" "$data/indicators.expected" | tr " " "\n" | grep . >files &&
	test "$(wc -l <files)" -ge 5 &&
	while read -r f; do
		grep -q "^$f${tab}accepted${tab}" "$data/expect.tsv" ||
			{ echo "not an accepted household: $f"; exit 1; }
	done <files &&
	grep -v "^#" "$data/indicators.expected" | grep . >counts &&
	test "$(wc -l <counts)" = 10 &&
	while IFS="$tab" read -r name num den; do
		grep -q "^  - name: $name\$" "$census" || { echo "no indicator $name"; exit 1; }
		test "$num" -le "$den"
	done <counts
'

cd .. || exit 1
dieutra init --commune 04630 --enumerator "Đinh Thị Lý <ly@example.vn>" \
	--device B --schema "$followup" cards >/dev/null

expect_success 'the follow-up card takes three children'"'"'s cards' '
	dieutra -C cards add --lang en "$data"/followup/0[123]-*.yaml >ids 2>err &&
	test "$(wc -l <ids)" = 3 &&
	dieutra -C cards list >list &&
	contains list "Bàn Thị Dung - 04630-A-0005"
'

expect_success 'the follow-up card refuses a card without a group and a review before its plan' '
	expect_code 1 dieutra -C cards add --lang en "$data/followup/04-refused.yaml" 2>err &&
	contains err "protected_groups: Choose at least one group" &&
	contains err "plan.review_date: The review comes after the plan is made"
'

done_testing
