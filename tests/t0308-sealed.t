#!/bin/sh
# Sensitive answers sealed (issue #9): district keygen, two laptops enter
# children with HIV, abuse and trafficking answers, sync; then no such
# answer is in clear anywhere in the district repository (history, every
# object, inflated) nor in the laptops' databases, logs and free pages; the
# reports with the key are those of the clear data; wrong passphrases and
# changed sealed values are refused, named.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"
pass="chìa khóa của huyện"
# The clear answers the test looks for: as record files write them, and bare.
clear_lines='(hiv_status|law_conflict|drug_use|violence|exploitation|sexual_abuse|trafficking): [^!]|in_special: yes'
clear_words='hiv_status: living_with_hiv|trafficking: abroad|sexual_abuse: "yes"'
# The store's search key holds answers without their names (the form, which
# names every choice, is not in the store).
bare_words='living_with_hiv|abroad'

# Laptop B's household: a child sexually abused and trafficked abroad.
sed -e '0,/sexual_abuse: "no"/s//sexual_abuse: "yes"/' \
    -e '0,/trafficking: "no"/s//trafficking: abroad/' "$census/02-ha-thi-xuan.yaml" >abused.yaml

# scan_repo REPO: every commit's patch and every object, inflated, into $2.
scan_repo() {
	git -C "$1" log -p --all >"$2"
	git -C "$1" cat-file --batch-all-objects --batch >>"$2"
}

dieutra district init --schema "$form" district.git >/dev/null
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "$nam" --device B --remote district.git b >/dev/null
# The same households, never synced: what the reports must come to.
dieutra init --commune 04630 --enumerator "$hoa" --device C --schema "$form" c >/dev/null

expect_success 'without a district key, records with sensitive answers stay on the laptop' '
	dieutra -C a add "$census/06-ban-van-hung.yaml" "$census/04-consent-refused.yaml" >ids &&
	expect_code 1 dieutra -C a sync >out 2>err &&
	contains out "sent 1 new, 0 updated; received 0; 1 record kept back" &&
	contains err "dieutra district keygen" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files "$(tail -n 1 ids)" &&
	lacks files "$(head -n 1 ids)" &&
	scan_repo district.git all &&
	! grep -aEq "$clear_lines" all
'

expect_success 'keygen: the private key to a 0600 file, the public key into main' '
	DIEUTRA_PASSPHRASE="$pass" dieutra district keygen --key district.key district.git >out &&
	contains out "district.key" &&
	test "$(stat -c %a district.key)" = 600 &&
	git -C district.git show main:schema/district.pub >pub &&
	contains pub "dieutra-district-key 1" &&
	id=$(sed -n "s/^id //p" pub) &&
	contains district.key "id $id" &&
	git -C district.git log -1 --format=%s main >subject &&
	contains subject "District key $id" &&
	scan_repo district.git all &&
	! grep -aqF "$(sed -n "s/^secret //p" district.key)" all
'

expect_success 'keygen refuses to replace a key file, and asks no passphrase off a terminal' '
	expect_code 2 env DIEUTRA_PASSPHRASE="$pass" "$DIEUTRA" district keygen \
		--key district.key district.git 2>err &&
	contains err "already exists" &&
	expect_code 2 setsid -w "$DIEUTRA" district keygen --key other.key district.git \
		</dev/null 2>err &&
	contains err "DIEUTRA_PASSPHRASE" &&
	test ! -e other.key &&
	expect_code 2 env DIEUTRA_PASSPHRASE=short "$DIEUTRA" district keygen \
		--key other.key district.git 2>err &&
	contains err "at least"
'

expect_success 'the laptops seal and send; the clear answers leave their stores' '
	grep -aEq "$bare_words" a/dieutra.db a/dieutra.db-wal &&
	dieutra -C a sync >out &&
	contains out "sent 1 new, 0 updated; received 0" &&
	dieutra -C b add abused.yaml "$census/03-giang-a-sinh.yaml" >/dev/null &&
	dieutra -C b sync >out &&
	contains out "sent 2 new, 0 updated; received 2" &&
	dieutra -C a sync >out &&
	contains out "received 2" &&
	for f in "$census/06-ban-van-hung.yaml" "$census/04-consent-refused.yaml" abused.yaml \
		 "$census/03-giang-a-sinh.yaml"; do
		dieutra -C c add "$f" >/dev/null || exit 1
	done
'

expect_success 'no sensitive answer in clear in the district repository' '
	scan_repo district.git all &&
	grep -aq "hiv_status: !sealed A" all &&
	grep -aq "in_special: !sealed A" all &&
	! grep -aEq "$clear_lines" all &&
	! grep -aEq "$clear_words" all &&
	! grep -raEq "$clear_words" district.git &&
	git -C district.git fsck --strict
'

expect_success 'nor in the laptops: database, log, free pages, their repositories' '
	for ws in a b; do
		! grep -aEq "$bare_words|$clear_words|$clear_lines" $ws/dieutra.db* || exit 1
		scan_repo $ws/repo.git all &&
		! grep -aEq "$clear_words|$clear_lines" all || exit 1
	done
'

expect_success 'without the key, show keeps the answers sealed and reports say what they miss' '
	id=$(head -n 1 ids) &&
	dieutra -C a show "$id" >shown &&
	contains shown "hiv_status: !sealed A" &&
	dieutra -C a report --lang en >report &&
	contains report "NEEDS THE KEY" &&
	dieutra -C a report --lang en --format csv >report.csv &&
	grep "^04630,hiv_served," report.csv >line &&
	contains line "NEEDS THE KEY: " &&
	grep "^04630,ecd_reached," report.csv >line &&
	lacks line "NEEDS THE KEY"
'

expect_success 'with the key, show is the clear record and reports are those of the clear data' '
	id=$(head -n 1 ids) &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C a show --key district.key "$id" >shown &&
	contains shown "hiv_status: living_with_hiv" &&
	contains shown "hiv_status: affected" &&
	dieutra -C c show 04630-C-0001 >clear &&
	sed -n "/^data:/,\$p" shown | grep -v "_id:" >a.data &&
	sed -n "/^data:/,\$p" clear | grep -v "_id:" >c.data &&
	cmp a.data c.data &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C a report --lang en --format csv \
		--key district.key >with &&
	dieutra -C c report --lang en --format csv >clear &&
	lacks with "NEEDS THE KEY" &&
	cmp with clear
'

expect_success 'exports leave sealed columns sealed, or out; with the key they are clear' '
	dieutra -C a export --out plain >/dev/null &&
	head -n 1 plain/children.csv >cols &&
	lacks cols hiv_status &&
	lacks cols in_special &&
	dieutra -C a export --sensitive --out sealed >/dev/null &&
	grep -q ",!sealed A" sealed/children.csv &&
	! grep -aEq "$bare_words" sealed/children.csv &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C a export --sensitive --key district.key \
		--out open >/dev/null &&
	contains open/children.csv living_with_hiv &&
	lacks open/children.csv "!sealed"
'

expect_success 'a wrong passphrase is a clear error' '
	expect_code 1 env DIEUTRA_PASSPHRASE=wrong "$DIEUTRA" -C a report --key district.key \
		>out 2>err &&
	contains err "wrong passphrase" &&
	test ! -s out
'

expect_success 'a sealed answer changed in the repository is detected and named' '
	git clone -q -b communes/04630 district.git edit &&
	f=$(ls edit/communes/04630/A/*.yaml | head -n 1) &&
	id=$(basename "$f" .yaml) &&
	perl -pi -e "if (!\$d && s/(hiv_status: !sealed .{40})(.)/\$1.(\$2 eq q(x) ? q(y) : q(x))/e) { \$d = 1 }" \
		"$f" &&
	git -C edit diff --stat >stat &&
	contains stat "1 insertion" &&
	git -C edit -c user.name=Mallory -c user.email=m@x commit -qam "change" &&
	git -C edit push -q origin communes/04630 &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 env DIEUTRA_PASSPHRASE="$pass" "$DIEUTRA" -C a show --key district.key \
		"$id" >shown 2>err &&
	contains err "$id: children[_id=" &&
	contains err "].hiv_status: " &&
	expect_code 1 env DIEUTRA_PASSPHRASE="$pass" "$DIEUTRA" -C a report \
		--key district.key >/dev/null 2>err &&
	contains err "hiv_status"
'

expect_success 'a rotated key seals new data; the old key still opens the old' '
	DIEUTRA_PASSPHRASE="$pass" dieutra district keygen --key new.key district.git >/dev/null &&
	dieutra -C b sync >/dev/null &&
	sed -e "s/Hà Thị Xuân/Hà Thị Thu/" abused.yaml >next.yaml &&
	dieutra -C b add next.yaml >nid &&
	dieutra -C b sync >/dev/null &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C b report --key new.key --lang en >out &&
	contains out "NEEDS THE KEY" &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C b show --key new.key "$(cat nid)" >shown &&
	contains shown "trafficking: abroad" &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C b show --key new.key 04630-B-0001 >shown &&
	contains shown "trafficking: !sealed A" &&
	DIEUTRA_PASSPHRASE="$pass" dieutra -C b show --key new.key --key district.key \
		04630-B-0001 >shown &&
	contains shown "trafficking: abroad"
'

expect_success 'a sync killed after sending leaves no clear answer once the next one ends' '
	dieutra init --commune 04630 --enumerator "$hoa" --device D --remote district.git d \
		>/dev/null &&
	dieutra -C d sync >/dev/null &&
	i=0 &&
	for point in sync-pushed:1 store-commit:1 store-committed:1 store-commit:2 \
		     store-committed:2 store-commit:3; do
		i=$((i + 1)) &&
		sed "s/household_no: .*/household_no: \"$((i + 500))\"/" abused.yaml |
			dieutra -C d add - >/dev/null &&
		{ env DIEUTRA_CRASH_AT=$point "$DIEUTRA" -C d sync >/dev/null 2>&1 || true; } &&
		dieutra -C d sync >/dev/null || exit 1
	done &&
	! grep -aEq "$bare_words|$clear_words|$clear_lines" d/dieutra.db* &&
	dieutra -C d list | cut -d" " -f1 >ids &&
	test "$(grep -c -- -D- ids)" = 6 &&
	for id in $(cat ids); do
		dev=$(echo "$id" | cut -d- -f2) &&
		git -C district.git show "communes/04630:communes/04630/$dev/$id.yaml" >file &&
		dieutra -C d show "$id" | cmp - file || exit 1
	done
'

done_testing
