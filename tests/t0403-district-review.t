#!/bin/sh
# dieutra review: a rejection travels from the district workspace to the
# commune's laptops through their sync, keeps its message while the record
# is corrected, goes when the record is finished, and the corrected record
# comes back through the next district merge.
. "$SRC/tests/lib.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"
binh="Đặng Văn Bình <binh@example.vn>"
why="Kiểm tra lại ngày sinh của cháu thứ 2"

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "$nam" --device B --remote district.git b >/dev/null
for f in 01 02 03; do dieutra -C a add "$census/$f"-*.yaml >/dev/null 2>&1; done
dieutra -C a sync >/dev/null
dieutra -C b sync >/dev/null
dieutra district clone --enumerator "$binh" district.git dist >/dev/null
dieutra -C dist district merge >/dev/null

expect_success 'review --reject commits the decision on the commune branch, by the officer' '
	dieutra -C dist review 04630-A-0002 --reject "$why" >out &&
	contains out "04630-A-0002 rejected" &&
	git -C district.git log -1 --format="%an|%s" communes/04630 >log &&
	test "$(cat log)" = "Đặng Văn Bình|04630 Xã Tú Lệ: 04630-A-0002 rejected" &&
	git -C district.git log -1 --format="%(trailers:key=Review,valueonly)" \
		communes/04630 >trailer &&
	test "$(cat trailer)" = rejected &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0002.yaml >file &&
	contains file "status: rejected" &&
	contains file "  review: $why" &&
	git -C district.git diff --stat communes/04630~1 communes/04630 >stat &&
	test "$(grep -c "|" stat)" -eq 1 &&
	dieutra -C dist list --status rejected >list &&
	contains list 04630-A-0002
'

expect_success 'the same decision again sends nothing' '
	before=$(git -C district.git rev-parse communes/04630) &&
	dieutra -C dist review --reject "$why" 04630-A-0002 >out &&
	contains out "already rejected" &&
	test "$(git -C district.git rev-parse communes/04630)" = "$before"
'

expect_success 'both laptops receive the rejection with its message' '
	for w in a b; do
		dieutra -C $w sync >out &&
		contains out "received 1" &&
		dieutra -C $w list --status rejected >list &&
		contains list 04630-A-0002 &&
		dieutra -C $w show 04630-A-0002 >shown &&
		contains shown "status: rejected" &&
		contains shown "  review: $why" || exit 1
	done
'

expect_success 'add cannot set rejected; a draft of the correction keeps the message' '
	dieutra -C a show 04630-A-0002 >rec.yaml &&
	expect_code 1 dieutra -C a add rec.yaml 2>err &&
	contains err "set by the district" &&
	sed "s/^status: rejected/status: draft/" rec.yaml >draft.yaml &&
	dieutra -C a add draft.yaml >/dev/null 2>&1 &&
	dieutra -C a show 04630-A-0002 >shown &&
	contains shown "status: draft" &&
	contains shown "  review: $why"
'

expect_success 'finishing the corrected record drops the message; it flows back' '
	sed -e "s/^status: rejected/status: complete/" -e "s/^    village: .*/    village: Bản Lướt/" \
		rec.yaml >fixed.yaml &&
	dieutra -C a add fixed.yaml >/dev/null 2>&1 &&
	dieutra -C a show 04630-A-0002 >shown &&
	contains shown "status: complete" &&
	lacks shown "review:" &&
	dieutra -C a sync >out &&
	contains out "sent 0 new, 1 updated" &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0002.yaml >file &&
	contains file "status: complete" &&
	lacks file "review:" &&
	dieutra -C b sync >/dev/null &&
	dieutra -C b show 04630-A-0002 >shown &&
	contains shown "status: complete" &&
	lacks shown "review:"
'

expect_success 'the next district merge takes the corrected record into main' '
	dieutra -C dist district merge >out &&
	contains out "merged commune 04630 Xã Tú Lệ" &&
	git -C district.git show main:communes/04630/A/04630-A-0002.yaml >file &&
	contains file "status: complete" &&
	contains file "village: Bản Lướt" &&
	dieutra -C dist list --status rejected >list &&
	test ! -s list
'

expect_success 'review --accept makes a rejected record complete again' '
	dieutra -C dist review 04630-A-0003 --reject "Thiếu số điện thoại" >/dev/null &&
	dieutra -C dist review 04630-A-0003 --accept >out &&
	contains out "04630-A-0003 accepted" &&
	git -C district.git log -1 --format=%s communes/04630 >log &&
	test "$(cat log)" = "04630 Xã Tú Lệ: 04630-A-0003 accepted" &&
	git -C district.git show communes/04630:communes/04630/A/04630-A-0003.yaml >file &&
	contains file "status: complete" &&
	lacks file "review:" &&
	dieutra -C dist district merge >/dev/null &&
	git -C district.git fsck --strict
'

expect_success 'review wants a district workspace, a known record and one decision' '
	expect_code 2 dieutra -C a review 04630-A-0001 --accept 2>err &&
	contains err "district workspace" &&
	expect_code 1 dieutra -C dist review 04630-A-0099 --accept 2>err &&
	contains err "no such record" &&
	expect_code 2 dieutra -C dist review 04630-A-0001 2>err &&
	contains err "--accept or --reject" &&
	expect_code 2 dieutra -C dist review 04630-A-0001 --accept --reject x 2>err &&
	expect_code 2 dieutra -C dist review ../etc --accept 2>err &&
	contains err "not a record id"
'

done_testing
