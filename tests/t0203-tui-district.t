#!/bin/sh
# The app in a district workspace: its communes with their figures, last
# sync, enumerators and the last merge's refusal with its reasons; a
# commune's records, searched, where a record is rejected with a message
# typed in the app, which the commune's laptop receives with its next sync.
# `dieutra district status` prints the same figures.
. "$SRC/tests/lib.sh"
. "$SRC/tests/lib-tui.sh"

uses_libgit2

form=$SRC/schemas/child-census.yaml
census=$SRC/tests/census
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"
sua="Vàng Thị Súa <sua@example.vn>"
binh="Đặng Văn Bình <binh@example.vn>"

dieutra district init --schema "$form" district.git >/dev/null
district_key district.git
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git a >/dev/null
dieutra init --commune 04630 --enumerator "$nam" --device B --remote district.git b >/dev/null
dieutra init --commune 04633 --enumerator "$sua" --device A --remote district.git c >/dev/null
for f in 01 02; do dieutra -C a add "$census/$f"-*.yaml >/dev/null 2>&1; done
dieutra -C b add "$census"/03-*.yaml >/dev/null 2>&1
sed 's/commune: "04630"/commune: "04633"/' "$census"/06-*.yaml | dieutra -C c add - >/dev/null 2>&1
for w in a b c; do dieutra -C $w sync >/dev/null; done
dieutra district clone --enumerator "$binh" district.git dist >/dev/null
# Commune 04633's branch gets a file outside its folder, by hand: the merge refuses it.
git clone -q -b communes/04633 district.git t &&
	(cd t && echo x >stray.txt && git add stray.txt &&
	 git -c user.name=Mallory -c user.email=m@example.vn commit -q -m stray &&
	 git push -q origin HEAD)
dieutra -C dist district merge >/dev/null 2>&1

# The figures the test expects, counted from the census files themselves.
kids() {
	cat "$@" | grep -c "^    - full_name:"
}

expect_success 'district status prints each commune, the refusal and its reasons' '
	dieutra -C dist district status >out &&
	grep "^04630 Xã Tú Lệ" out >row &&
	test "$(awk "{ print \$5, \$6, \$7, \$8, \$9 }" row)" = \
		"3 $(kids "$census"/01-*.yaml "$census"/02-*.yaml "$census"/03-*.yaml) 3 0 0" &&
	contains row "merged" && contains row "Hà Văn Nam, Lò Thị Hoa" &&
	grep "^04633 Xã Nậm Búng" out >row &&
	contains row REFUSED && contains row "Vàng Thị Súa" && lacks row Mallory &&
	contains out "changes stray.txt, outside communes/04633/"
'

expect_success 'the app opens on the communes, with figures and enumerators' '
	WS=dist app &&
	see "2 xã · 3 hộ · $(kids "$census"/0[123]-*.yaml) trẻ · 0 bị trả lại · 1 TỪ CHỐI" &&
	screen >s && grep "04630 Xã Tú Lệ" s >row &&
	contains row "   3    $(kids "$census"/0[123]-*.yaml)    3     0    0" &&
	contains row "đã gộp  Hà Văn Nam, L" &&
	grep "04633 Xã Nậm Búng" s >row &&
	contains row "TỪ CHỐI Vàng Thị Súa" &&
	lacks s "Lần gộp trước"
'

expect_success 'the refused commune shows the reasons when selected; ? lists the keys' '
	keys j && see "Lần gộp trước đã từ chối xã này 04633:" &&
	see "changes stray.txt, outside" &&
	keys "?" && see "kiểm tra và gộp các xã vào main" && keys x &&
	gone "kiểm tra và gộp" && keys k && gone "Lần gộp trước"
'

expect_success 'Enter lists the commune s records; the search narrows them' '
	keys Enter && see "Điều tra trẻ em · 04630 Xã Tú Lệ" &&
	see "04630-A-0001" && see "04630-B-0001" &&
	screen >s && lacks s 04633 &&
	keys / && typed "Xuan" && gone "04630-A-0001" && see "04630-A-0002" &&
	keys Enter
'

expect_success 'r rejects the record with a message typed in Telex' '
	keys r && see "Lý do trả lại:" && keys Enter && see "Cần ghi lý do" &&
	typed "Kieemr tra laij ngayf sinh" && see "Lý do trả lại: Kiểm tra lại ngày sinh" &&
	keys Enter && see "04630-A-0002: đã trả lại" &&
	see "04630-A-0002   bị trả lại" && see "Huyện trả lại: Kiểm tra lại ngày sinh" &&
	git -C district.git log -1 --format="%an|%s" communes/04630 >log &&
	test "$(cat log)" = "Đặng Văn Bình|04630 Xã Tú Lệ: 04630-A-0002 rejected"
'

expect_success 'Esc goes back to the communes, counting the rejection' '
	keys Escape && see "1 bị trả lại · 1 TỪ CHỐI" &&
	keys q && closed
'

expect_success 'the laptop syncs and sees the record rejected, with the message' '
	dieutra -C a sync >/dev/null &&
	dieutra -C a list --status rejected >list &&
	contains list 04630-A-0002 &&
	dieutra -C a show 04630-A-0002 >shown &&
	contains shown "  review: Kiểm tra lại ngày sinh" &&
	WS=a app && keys / && typed "Xuan" && keys Enter &&
	see "Huyện trả lại: Kiểm tra lại ngày sinh" && keys q && closed
'

expect_success 'm merges from the app: progress, then what it did' '
	WS=dist app && see "TỪ CHỐI" && keys m &&
	see "đã gộp 1, từ chối 1 xã" && keys q && closed
'

expect_success 'in English, at 80x24, without colours' '
	WS=dist app NO_COLOR=1 && see "2 xã" && keys F3 &&
	see "2 communes · 3 households" && see "Commune             HH   Kids Done" &&
	keys q && closed
'

expect_success 'the app said nothing on stderr (no sanitizer report, no leak)' '
	if [ -s "$TEST_DIR/app.err" ]; then cat "$TEST_DIR/app.err" >&2; false; fi
'

done_testing
