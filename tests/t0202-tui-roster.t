#!/bin/sh
# The app's rosters and choices: repeat_count respected, a select_multiple
# of more than nine choices reached with the marker and Space, and a void
# record that stays void until it is restored.
. "$SRC/tests/lib.sh"
. "$SRC/tests/lib-tui.sh"

dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$SRC/tests/forms/kids/kids.yaml" ws >/dev/null

expect_success 'the roster says how many items are expected' '
	app && see "0 hồ sơ" &&
	keys n && see ">* Chủ hộ" &&
	typed "Lof Vawn Ba" && keys Enter && see "04630-A-0001" &&
	typed 2 && keys Enter && see "Các trẻ" &&
	see "Số mục cần có: 2 (0/2)"
'

expect_success 'a choice past the ninth: the marker (← →) and Space' '
	keys + && see "Các trẻ · Mục 1" &&
	typed "Con Mootj" && keys Enter && see "Con Một" &&
	see "1  [ ] Hoạt động 1" && see "   [ ] Hoạt động 12" &&
	see "> 1  [ ] Hoạt động 1" &&
	keys Right Right Right Right Right Right Right Right Right Right &&
	see ">    [ ] Hoạt động 11" && keys Space && see ">    [x] Hoạt động 11" &&
	keys Right Space && see ">    [x] Hoạt động 12" && keys Space &&
	see ">    [ ] Hoạt động 12" && keys 2 && see "> 2  [x] Hoạt động 2" &&
	keys Right Right Right Right Right Right Right Right && see ">    [ ] Hoạt động 10" &&
	keys "?" && see "Space" && see "con trỏ lựa chọn" && keys x && gone "con trỏ lựa chọn"
'

expect_success 'no item beyond repeat_count' '
	keys Escape && see "Số mục cần có: 2 (1/2)" && see "1. Con Một" &&
	keys + && see "Các trẻ · Mục 2" && typed "Con Hai" && keys Escape &&
	see "Số mục cần có: 2 (2/2)" &&
	keys + && see "Đã đủ số mục cần có: 2" && see "2. Con Hai" &&
	screen >shown && lacks shown "3." &&
	keys Escape && see "04630-A-0001" && keys q &&
	dieutra -C ws show 04630-A-0001 >rec &&
	contains rec "acts: a02 a11" && contains rec "kid_name: Con Hai"
'

expect_success 'a void record opened and changed stays void' '
	app && see "04630-A-0001" &&
	keys v && see "(c/k)" && keys c && see "Đã hủy hồ sơ: 04630-A-0001" &&
	keys Enter && see "04630-A-0001 · đã hủy" && see "Hồ sơ đã hủy: F4 để khôi phục" &&
	keys End && typed " Tuw" && see "Lò Văn Ba Tư" && keys Down &&
	keys F10 F10 && see "Hồ sơ đã hủy: F4 để khôi phục" &&
	keys Escape && see "04630-A-0001   đã hủy" && keys q &&
	dieutra -C ws show 04630-A-0001 >rec &&
	contains rec "status: void" && contains rec "head: Lò Văn Ba Tư"
'

expect_success 'F4 restores it, after a question' '
	app && see "04630-A-0001" && keys Enter && see "04630-A-0001 · đã hủy" &&
	keys F4 && see "Khôi phục hồ sơ này (thành nháp)? (c/k)" && keys c &&
	see "Đã khôi phục hồ sơ: 04630-A-0001" && gone "· đã hủy" &&
	keys Escape && see "04630-A-0001   nháp" && keys q &&
	dieutra -C ws show 04630-A-0001 >rec &&
	contains rec "status: draft"
'

expect_success 'the app said nothing on stderr (no sanitizer report, no leak)' '
	if [ -s "$TEST_DIR/app.err" ]; then cat "$TEST_DIR/app.err" >&2; false; fi
'

done_testing
