#!/bin/sh
# dieutra report: indicators and progress, in a commune workspace with two
# laptops and in a district workspace of two communes (report --by
# commune), each figure checked against counts made here with SQL over
# `dieutra export` and with git, not by the report's code.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
binh="Đặng Văn Bình <binh@example.vn>"
mai="Vi Thị Mai <mai@example.vn>"
officer="Nông Văn Sơn <son@example.vn>"
. "$census/indicators.sh"
files=$(awk -F'\t' '$2 == "accepted" { print $1 }' "$census/expect.tsv")

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "$binh" --device B --remote district.git b >/dev/null
dieutra init --commune 04633 --enumerator "$mai" --device C --remote district.git c >/dev/null
n=0
for f in $files; do
	n=$((n + 1))
	if [ $n -le 10 ]; then
		dieutra -C a add "$census/$f" >/dev/null 2>&1 || echo "# a: could not add $f"
	else
		dieutra -C b add "$census/$f" >/dev/null 2>&1 || echo "# b: could not add $f"
	fi
	# Commune 04633 (Xã Nậm Búng) gets the same households, a few of them.
	case $f in
	0[1-7]-*)
		sed 's/^    commune: "04630"$/    commune: "04633"/' "$census/$f" >"$f" &&
		dieutra -C c add "$f" >/dev/null 2>&1 || echo "# c: could not add $f"
	esac
done
# One household voided on laptop A before anyone syncs.
dieutra -C a show 04630-A-0002 | sed 's/^status: complete$/status: void/' |
	dieutra -C a add - >/dev/null 2>&1
dieutra -C a sync >/dev/null && dieutra -C b sync >/dev/null && dieutra -C a sync >/dev/null &&
	dieutra -C c sync >/dev/null

expect_success 'commune workspace: every indicator as counted over the export' '
	DIEUTRA_PASSPHRASE="$district_pass" dieutra -C b report --format csv \
		--key district.key >report.csv &&
	DIEUTRA_PASSPHRASE="$district_pass" dieutra -C b export --format sqlite --sensitive \
		--key district.key --out b-export >/dev/null &&
	indicators b-export/census.sqlite 1 >want &&
	test "$(wc -l <want)" = 10 &&
	reported report.csv 04630 >got &&
	cmp want got
'

expect_success 'commune workspace: progress by status, children and collaborator' '
	dieutra -C b report --lang en >report.txt &&
	db=b-export/census.sqlite &&
	for who in "$hoa" "$binh"; do
		counts=$(sqlite3 $db "select sum(status = \"complete\"), sum(status = \"draft\")
			from households where enumerator = \"$who\"" | tr "|" " ") &&
		children=$(sqlite3 $db "select count(*) from children c join households h
			using (id) where h.enumerator = \"$who\"") &&
		set -- $counts &&
		grep -F "  $who: $1 complete, $2 draft, 0 rejected, 0 conflict" report.txt >line &&
		contains line "; $children children" || exit 1
	done &&
	void=$(dieutra -C b list --status void | wc -l) &&
	test "$void" = 1 &&
	grep -F "  $hoa:" report.txt | grep -q " 1 void;" &&
	total=$(sqlite3 $db "select count(*) from households where status = \"complete\"") &&
	contains report.txt "Commune 04630 Xã Tú Lệ: $total complete"
'

expect_success 'commune workspace: the last sync is shown, and unknown before the first' '
	contains report.txt "04630 Xã Tú Lệ: " &&
	grep "^  04630 Xã Tú Lệ: " report.txt >line &&
	contains line "last sync 2026-11-23T09:00:00Z" &&
	dieutra init --commune 04630 --enumerator "$hoa" --device D \
		--schema "$form" fresh >/dev/null &&
	dieutra -C fresh add "$census/01-lo-van-pang.yaml" >/dev/null 2>&1 &&
	dieutra -C fresh report --lang en >fresh.txt &&
	contains fresh.txt "last sync never"
'

expect_success 'the text report wraps long labels instead of cutting them' '
	lacks report.txt "…" &&
	tr -d "\n" <report.txt | tr -s " " >flat &&
	contains flat "Orphaned, abandoned and unsupported children" &&
	grep -x "cared for" report.txt
'

# The district's main with both communes: merged with git itself (the
# officer's `district merge` does the same with checks).
git clone -q district.git merge-wc 2>/dev/null
git -C merge-wc -c user.name=Sơn -c user.email=son@example.vn merge -q --no-edit \
	origin/communes/04630 origin/communes/04633 >/dev/null 2>&1 &&
	git -C merge-wc push -q origin HEAD:main 2>/dev/null || echo "# could not merge main"
dieutra district clone --enumerator "$officer" district.git dist >/dev/null

expect_success 'district workspace: report --by commune, each commune and the district' '
	DIEUTRA_PASSPHRASE="$district_pass" dieutra -C dist report --by commune --format csv \
		--key district.key >dist.csv &&
	DIEUTRA_PASSPHRASE="$district_pass" dieutra -C dist export --format sqlite \
		--sensitive --key district.key --out dist-export >/dev/null &&
	db=dist-export/census.sqlite &&
	test "$(sqlite3 $db "select count(distinct commune) from households")" = 2 &&
	for code in 04630 04633; do
		indicators $db "c.commune = \"$code\"" >want &&
		reported dist.csv $code >got &&
		cmp want got || exit 1
	done &&
	indicators $db 1 >want &&
	reported dist.csv district >got &&
	cmp want got &&
	dieutra -C dist report --format csv >total.csv &&
	test "$(cut -d, -f1 total.csv | sort -u | tr "\n" " ")" = "commune district "
'

expect_success 'district workspace: progress per commune with its last commit on communes/CODE' '
	dieutra -C dist report --by commune --lang en >dist.txt &&
	db=dist-export/census.sqlite &&
	for code in 04630 04633; do
		complete=$(sqlite3 $db "select count(*) from households where commune = \"$code\"
			and status = \"complete\"") &&
		author=$(git -C district.git log -1 --format="%an <%ae>" communes/$code) &&
		when=$(git -C district.git log -1 --format=%cd --date=iso-strict communes/$code |
			sed "s/+00:00$/Z/") &&
		grep "^  $code " dist.txt >line &&
		contains line ": $complete complete" &&
		contains line "last sync $when $author" || exit 1
	done &&
	contains dist.txt "Commune 04633 Xã Nậm Búng:" &&
	contains dist.txt "District:" &&
	contains dist.txt "  $mai: "
'

expect_success 'the markdown report has a table per section' '
	dieutra -C dist report --by commune --format md --lang en >dist.md &&
	test "$(grep -c "^| indicator | numerator |" dist.md)" = 3
'

expect_success 'report --by anything but commune is a usage error' '
	expect_code 2 dieutra -C dist report --by village 2>err &&
	contains err "only --by commune"
'

done_testing
