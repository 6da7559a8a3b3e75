#!/bin/sh
# Sealed answers on the district's side (issue #9): laptops of two communes
# sync sealed answers through the pre-receive hook, `district merge` takes
# them into main as they are, the district workspace keeps them sealed and
# opens them only with the key (show, report, export, history); two
# different sealed values for one answer are a conflict that keeps both; a
# clear sensitive answer pushed by hand is refused; a sealed value changed
# in the repository is named, not dropped; a rotated key.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
officer="Nông Văn Sơn <son@example.vn>"
pass="mật khẩu của phòng lao động"
# Distinctive answers the scans look for: as record files write them, and bare.
clear_lines='(hiv_status|law_conflict|drug_use|violence|exploitation|sexual_abuse|trafficking): [^!]|in_special: yes'
clear_words='hiv_status: living_with_hiv|trafficking: abroad|sexual_abuse: "yes"'
# The stores' search keys hold answers without their names; the form, in the
# repositories, names every choice.
bare_words='living_with_hiv|abroad'

# Laptop A's second household: a child sexually abused and trafficked abroad.
sed -e '0,/sexual_abuse: "no"/s//sexual_abuse: "yes"/' \
    -e '0,/trafficking: "no"/s//trafficking: abroad/' "$census/02-ha-thi-xuan.yaml" >abused.yaml
sed 's/^    commune: "04630"$/    commune: "04633"/' "$census/06-ban-van-hung.yaml" >nb.yaml

# scan_repo REPO OUT: every commit's patch and every object, inflated.
scan_repo() {
	git -C "$1" log -p --all >"$2" &&
	git -C "$1" cat-file --batch-all-objects --batch >>"$2"
}

# with_key COMMAND...: COMMAND with the district's passphrase at hand.
with_key() {
	DIEUTRA_PASSPHRASE="$pass" "$DIEUTRA" "$@"
}

dieutra district init --schema "$form" district.git >/dev/null
with_key district keygen --key district.key district.git >/dev/null
dieutra hook install district.git >/dev/null
start_git_daemon --enable=receive-pack || exit 1
url=git://127.0.0.1:$port/district.git

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device A \
	--remote "$url" a >/dev/null
dieutra init --commune 04630 --enumerator "Hà Văn Nam <nam@example.vn>" --device B \
	--remote "$url" b >/dev/null
dieutra init --commune 04633 --enumerator "Vi Thị Mai <mai@example.vn>" --device A \
	--remote "$url" nb >/dev/null
# The same households of 04630, never synced, in clear: what the reports must come to.
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" --device C \
	--schema "$form" clear >/dev/null

expect_success 'laptops of two communes send sealed answers through the hook' '
	dieutra -C a add "$census/06-ban-van-hung.yaml" abused.yaml >/dev/null &&
	dieutra -C b add "$census/03-giang-a-sinh.yaml" >/dev/null &&
	dieutra -C nb add nb.yaml >/dev/null &&
	for f in "$census/06-ban-van-hung.yaml" abused.yaml "$census/03-giang-a-sinh.yaml"; do
		dieutra -C clear add "$f" >/dev/null || exit 1
	done &&
	dieutra -C a sync >out && contains out "sent 2 new" &&
	dieutra -C b sync >out && contains out "sent 1 new" &&
	dieutra -C nb sync >out && contains out "sent 1 new" &&
	dieutra -C a sync >/dev/null &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0001.yaml >rec &&
	contains rec "hiv_status: !sealed A" &&
	contains rec "in_special: !sealed A"
'

expect_success 'district merge takes the sealed answers into main as they are' '
	dieutra district clone --enumerator "$officer" "$url" office >/dev/null &&
	dieutra -C office district merge >out &&
	contains out "merged commune 04630 Xã Tú Lệ: 3 households" &&
	contains out "merged commune 04633 Xã Nậm Búng: 1 households" &&
	for c in 04630 04633; do
		git -C district.git diff --quiet "communes/$c" main -- "communes/$c/" || exit 1
	done &&
	git -C district.git show main:communes/04633/A/04633-A-0001.yaml >rec &&
	contains rec "hiv_status: !sealed A" &&
	dieutra -C office list >list &&
	test "$(wc -l <list)" = 4
'

expect_success 'no clear sensitive answer in the district, the office or the laptops' '
	for repo in district.git office/repo.git a/repo.git b/repo.git nb/repo.git; do
		scan_repo $repo all || exit 1
		! grep -aEq "$clear_lines|$clear_words" all || exit 1
	done &&
	! grep -raEq "$clear_words" district.git office/repo.git &&
	for db in office a b nb; do
		! grep -aEq "$bare_words|$clear_lines" $db/dieutra.db* || exit 1
	done
'

expect_success 'without the key the office counts what it can and keeps the rest sealed' '
	dieutra -C office show 04630-A-0001 >shown &&
	contains shown "hiv_status: !sealed A" &&
	dieutra -C office report --lang en >report &&
	contains report "NEEDS THE KEY" &&
	dieutra -C office report --lang en --by commune --format csv >report.csv &&
	grep "^04630,hiv_served," report.csv >line &&
	contains line "NEEDS THE KEY: " &&
	grep "^04630,ecd_reached," report.csv >line &&
	lacks line "NEEDS THE KEY" &&
	dieutra -C office export --sensitive --out sealed >/dev/null &&
	grep -q ",!sealed A" sealed/children.csv &&
	! grep -aEq "$bare_words" sealed/children.csv &&
	dieutra -C office export --out plain >/dev/null &&
	head -n 1 plain/children.csv >cols &&
	lacks cols hiv_status
'

expect_success 'with the key the office reads them: show, export, and the report of the clear data' '
	with_key -C office show --key district.key 04630-A-0001 >shown &&
	contains shown "hiv_status: living_with_hiv" &&
	with_key -C office show --key district.key 04630-A-0002 >shown &&
	contains shown "trafficking: abroad" &&
	with_key -C office report --lang en --by commune --format csv --key district.key \
		>with.csv &&
	lacks with.csv "NEEDS THE KEY" &&
	grep "^04630," with.csv >with.04630 &&
	dieutra -C clear report --lang en --format csv >clear.csv &&
	grep "^04630," clear.csv >clear.04630 &&
	test "$(wc -l <clear.04630)" -gt 5 &&
	cmp with.04630 clear.04630 &&
	with_key -C office export --sensitive --key district.key --out open >/dev/null &&
	contains open/children.csv living_with_hiv &&
	lacks open/children.csv "!sealed"
'

expect_success 'history shows sealed answers as sealed, and opens them with the key' '
	for ws in office a; do
		dieutra -C $ws history 04630-A-0001 >hist || exit 1
		contains hist "hiv_status: (sealed)" || exit 1
		! grep -aEq "$bare_words|!sealed|: A[A-Za-z0-9_-]{40}" hist || exit 1
	done &&
	with_key -C office history --key district.key 04630-A-0001 >hist &&
	contains hist "hiv_status: living_with_hiv" &&
	lacks hist "(sealed)"
'

expect_success 'a wrong passphrase in the office is a clear error, exit 1' '
	expect_code 1 env DIEUTRA_PASSPHRASE=wrong "$DIEUTRA" -C office report \
		--key district.key >out 2>err &&
	contains err "wrong passphrase" &&
	test ! -s out &&
	expect_code 1 env DIEUTRA_PASSPHRASE=wrong "$DIEUTRA" -C office history \
		--key district.key 04630-A-0001 >out 2>err &&
	contains err "wrong passphrase"
'

# change WS SED-SCRIPT: changes household 04630-A-0001 on that laptop.
change() {
	dieutra -C "$1" show 04630-A-0001 | sed "$2" | dieutra -C "$1" add - >/dev/null 2>&1
}

expect_success 'two different sealed values for one answer: a conflict that keeps both' '
	dieutra -C b sync >/dev/null &&
	DIEUTRA_NOW=2026-11-23T10:00:00Z change a "0,/hiv_status: .*/s//hiv_status: affected/" &&
	DIEUTRA_NOW=2026-11-23T10:30:00Z change b "0,/hiv_status: .*/s//hiv_status: none/" &&
	dieutra -C a sync >/dev/null &&
	expect_code 1 dieutra -C b sync >out 2>err &&
	contains err "04630-A-0001: children[_id=" &&
	contains err "].hiv_status was changed two ways" &&
	dieutra -C b list --status conflict >list &&
	grep -q "^04630-A-0001  *conflict " list &&
	dieutra -C b show 04630-A-0001 >/dev/null 2>conf &&
	grep "hiv_status: this laptop" conf >line &&
	test "$(grep -o "!sealed A" line | wc -l)" = 2 &&
	! grep -aEq "hiv_status: (affected|none)" b/dieutra.db* a/dieutra.db* &&
	dieutra -C b resolve 04630-A-0001 --theirs 2>err &&
	contains err "settled" &&
	dieutra -C b show 04630-A-0001 >rec &&
	contains rec "hiv_status: !sealed A" &&
	dieutra -C b sync >/dev/null &&
	dieutra -C office district merge >/dev/null &&
	with_key -C office show --key district.key 04630-A-0001 >shown &&
	sed -n "/^data:/,\$p" shown | grep -m 1 "hiv_status:" >first &&
	contains first "hiv_status: affected"
'

expect_success 'a clear sensitive answer pushed by hand is refused by the hook and by merge' '
	rm -rf t && git clone -q -b communes/04630 district.git t &&
	sed -i "0,/hiv_status: !sealed .*/s//hiv_status: living_with_hiv/" \
		t/communes/04630/B/04630-B-0001.yaml &&
	git -C t -c user.name=Mallory -c user.email=m@example.vn commit -qam clear &&
	expect_code 1 git -C t push origin HEAD >push.out 2>&1 &&
	contains push.out "hiv_status" &&
	contains push.out "sealed" &&
	scan_repo district.git all &&
	! grep -aEq "$clear_words" all &&
	rm -rf bare.git && git clone -q --bare district.git bare.git &&
	git -C t push -q "$PWD/bare.git" HEAD:communes/04630 2>/dev/null &&
	dieutra district clone --enumerator "$officer" bare.git office2 >/dev/null &&
	expect_code 1 dieutra -C office2 district merge >out 2>err &&
	contains out "refused commune 04630" &&
	contains err "04630-B-0001.yaml" &&
	contains err "must be sealed"
'

expect_success 'a sealed value changed in the repository reaches main, and is named, not dropped' '
	rm -rf t && git clone -q -b communes/04633 district.git t &&
	perl -pi -e "if (!\$d && s/(hiv_status: !sealed .{40})(.)/\$1.(\$2 eq q(x) ? q(y) : q(x))/e) { \$d = 1 }" \
		t/communes/04633/A/04633-A-0001.yaml &&
	git -C t -c user.name=Mallory -c user.email=m@example.vn commit -qam change &&
	git -C t push -q origin HEAD 2>/dev/null &&
	dieutra -C office district merge >out &&
	contains out "merged commune 04633" &&
	expect_code 1 with_key -C office report --key district.key --lang en >out 2>err &&
	contains err "04633-A-0001: children[_id=" &&
	contains err "].hiv_status: " &&
	expect_code 1 with_key -C office show --key district.key 04633-A-0001 >out 2>err &&
	contains err "04633-A-0001: children[_id=" &&
	expect_code 1 with_key -C office history --key district.key 04633-A-0001 >hist 2>err &&
	contains err "communes/04633/A/04633-A-0001.yaml:" &&
	contains err "].hiv_status: the sealed value does not open" &&
	contains hist "hiv_status: living_with_hiv → (sealed)" &&
	with_key -C office show --key district.key 04630-A-0002 >shown &&
	contains shown "trafficking: abroad"
'

expect_success 'a rotated key: new data to the new key, both keys read everything' '
	with_key district keygen --key new.key district.git >/dev/null &&
	dieutra -C nb sync >/dev/null &&
	sed "s/Bàn Văn Hùng/Bàn Văn Hưng/" nb.yaml | dieutra -C nb add - >nid 2>/dev/null &&
	dieutra -C nb sync >out &&
	contains out "sent 1 new" &&
	dieutra -C office district merge >/dev/null &&
	with_key -C office show --key new.key "$(cat nid)" >shown &&
	contains shown "hiv_status: living_with_hiv" &&
	with_key -C office show --key new.key 04630-A-0002 >shown &&
	contains shown "trafficking: !sealed A" &&
	with_key -C office show --key new.key --key district.key 04630-A-0002 >shown &&
	contains shown "trafficking: abroad"
'

done_testing
