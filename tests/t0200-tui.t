#!/bin/sh
# The full-screen app, driven in tmux as a person would: keys in, the
# screen read back with capture-pane (as tmux's own regress/ tests do).
. "$SRC/tests/lib.sh"
. "$SRC/tests/lib-tui.sh"

form=$SRC/tests/forms/demo/household.yaml
dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
	--device A --schema "$form" ws >/dev/null
dieutra -C ws add "$SRC"/tests/forms/demo/records/*.yaml >/dev/null 2>&1

expect_success 'dieutra alone opens the app: the records, their counts' '
	app &&
	see "04630-A-0003" &&
	see "3 hồ sơ: nháp 1 · hoàn thành 2 · đã hủy 0 · bị trả lại 0 · xung đột 0" &&
	see "Lò Văn Pâng - Bản Lướt" &&
	see "Mã hồ sơ       Trạng thái  Trẻ  Gửi huyện Hộ" &&
	see "04630-A-0001   hoàn thành    2  chưa gửi  Lò Văn Pâng" &&
	see "04630-A-0003   nháp          0  chưa gửi  Hà Thị Thủy" &&
	see "TELEX"
'

expect_success '? shows every key of the screen, any key closes them' '
	keys "?" && see "Phím của màn hình này" &&
	see "↑ k PgUp" && see "Shift-Tab" && see "đồng bộ với huyện" && see "F3 L" &&
	keys x && gone "Phím của màn hình này"
'

expect_success 'search as you type ignores case and diacritics' '
	keys / && typed "NGUYEN van" &&
	see "04630-A-0002" && gone "04630-A-0001" &&
	keys Escape && see "04630-A-0001"
'

expect_success 'Tab filters by status, through every status, and back to all' '
	keys Tab && see "Lọc: nháp" && gone "04630-A-0001" && see "04630-A-0003" &&
	keys Tab && see "Lọc: hoàn thành" && see "04630-A-0001" && gone "04630-A-0003" &&
	keys Tab && see "Lọc: đã hủy" && see "Không có hồ sơ nào" &&
	keys Tab && see "Lọc: bị trả lại" && keys Tab && see "Lọc: xung đột" &&
	keys Tab && see "Lọc: tất cả" && see "04630-A-0001" && see "04630-A-0003" &&
	keys BTab && see "Lọc: xung đột" && keys Tab && see "Lọc: tất cả"
'

expect_success 'a new household: Telex typing, answers saved as they are left' '
	keys n && see "Hộ gia đình" && see "hồ sơ mới" &&
	typed "Banr Luowst" && see "Bản Lướt" && keys Enter &&
	see "04630-A-0004" &&
	typed "Nguyeenx Vawn Hai" && see "Nguyễn Văn Hai" && keys Enter &&
	typed 40 && keys Enter
'

expect_success 'a constraint message shows under the field it left, and goes when corrected' '
	see "! Từ 1 đến 30 người" &&
	keys Up BSpace BSpace && typed 4 && keys Enter &&
	gone "Từ 1 đến 30 người" &&
	keys 1 && see "(•) Hộ nghèo" && keys Enter &&
	typed 20/11/2026 && keys Enter &&
	see "Chưa có mục nào"
'

expect_success 'a child: dates typed dd/mm/yyyy, the age computed, a skip rule live' '
	keys + && see "Trẻ em dưới 16 tuổi · Mục 1" &&
	typed "Nguyeenx Thij Mai" && keys Enter &&
	typed 02/05/2014 && keys Enter &&
	see "= 12" && keys 2 && see "(•) Nữ" &&
	see "Trẻ có đang đi học không?" &&
	keys Up BSpace BSpace BSpace BSpace && typed 2024 && keys Down &&
	see "= 2" && gone "Trẻ có đang đi học không?" &&
	keys Up BSpace BSpace BSpace BSpace && typed 2014 && keys Down &&
	see "Trẻ có đang đi học không?" &&
	keys Down 1 && see "(•) Có" && keys Down
'

expect_success 'a second child, from the roster key' '
	keys + && see "Mục 2" &&
	typed "Lof Vawn Binhf" && see "Lò Văn Bình" && keys Enter &&
	typed 01/01/2020 && keys Enter && keys 1 && see "(•) Nam" &&
	keys Escape && see "1. Nguyễn Thị Mai" && see "2. Lò Văn Bình"
'

expect_success 'the review page lists nothing left; F10 finalizes' '
	keys F10 && see "Không có lỗi" &&
	keys F10 && see "Đã hoàn thành hồ sơ: 04630-A-0004" &&
	keys q
'

expect_success 'the record is stored as entered' '
	dieutra -C ws show 04630-A-0004 >shown &&
	contains shown "status: complete" &&
	contains shown "village: Bản Lướt" &&
	contains shown "head_name: Nguyễn Văn Hai" &&
	contains shown "members: 4" &&
	contains shown "visit_date: 2026-11-20" &&
	contains shown "full_name: Nguyễn Thị Mai" &&
	contains shown "dob: 2014-05-02" &&
	contains shown "full_name: Lò Văn Bình" &&
	contains shown "n_children: 2"
'

expect_success 'reopened, the app finds it' '
	app && see "04630-A-0004" &&
	keys / && typed "nguyen van hai" && see "04630-A-0004" && gone "04630-A-0001" &&
	keys Enter Enter && see "Nguyễn Văn Hai" && see "Bản Lướt" &&
	keys Escape && see "04630-A-0004" && keys q
'

expect_success 'the review page lists what is left; Enter goes to the field' '
	app && see "04630-A-0003" &&
	keys / && typed "ha thi thuy" && see "04630-A-0003" && gone "04630-A-0001" &&
	keys Enter Enter && see "Hà Thị Thủy" &&
	keys F10 && see "household.members: " && see "household.visit_date: " &&
	keys Enter && see ">* Số nhân khẩu" &&
	typed 3 && keys Enter && keys F10 && see "household.visit_date: " &&
	gone "household.members: "
'

expect_success 'F3 switches the labels and the app to English, F2 the typing' '
	keys F3 && see "Review" && see "TELEX · EN" &&
	keys PageUp PageUp PageUp && see "Household members" &&
	keys F2 && see "VNI" && keys F2 F2 && see "TELEX" &&
	keys F3 && see "Số nhân khẩu"
'

expect_success 'a record is voided from the home screen, after a question' '
	keys Escape && see "04630-A-0003" &&
	keys v && see "Hủy hồ sơ này? (c/k)" && keys c &&
	see "Đã hủy hồ sơ: 04630-A-0003" && keys q &&
	dieutra -C ws list --status void >void &&
	contains void 04630-A-0003
'

expect_success 'kill -9 in the middle of a form keeps every answer already left' '
	app && see "04630-A-0001" &&
	keys n && see "Hộ gia đình" &&
	typed "Banr Na" && keys Enter && see "04630-A-0005" &&
	typed "Lof Vawn" && see "Lò Văn" &&
	kill -9 "$(tm display -p "#{pane_pid}")" &&
	dieutra -C ws list --status draft >drafts &&
	contains drafts 04630-A-0005 &&
	dieutra -C ws show 04630-A-0005 >draft &&
	contains draft "village: Bản Na" &&
	lacks draft head_name
'

expect_success 'a closed terminal keeps the field being typed, and the app ends' '
	app && see "04630-A-0005" &&
	keys / && typed "ban na" && see "04630-A-0005" && gone "04630-A-0001" &&
	keys Enter Enter &&
	see "Bản Na" && keys Down && typed "Lof Vawn Tam" && see "Lò Văn Tam" &&
	pid=$(tm display -p "#{pane_pid}") &&
	tm kill-server && ended "$pid" &&
	dieutra -C ws show 04630-A-0005 >draft &&
	contains draft "head_name: Lò Văn Tam"
'

expect_success 'Ctrl-C keeps the field being typed, and the app ends' '
	app && see "04630-A-0005" &&
	keys / && typed "ban na" && see "04630-A-0005" && gone "04630-A-0001" &&
	keys Enter Enter && see "Bản Na" && keys Down && see "Lò Văn Tam" &&
	keys End && typed " Tuaans" && see "Lò Văn Tam Tuấn" &&
	pid=$(tm display -p "#{pane_pid}") &&
	keys C-c && ended "$pid" &&
	dieutra -C ws show 04630-A-0005 >draft &&
	contains draft "head_name: Lò Văn Tam Tuấn"
'

expect_success 'SIGTERM keeps the field being typed, and the app ends' '
	app && see "04630-A-0005" &&
	keys / && typed "ban na" && see "04630-A-0005" && gone "04630-A-0001" &&
	keys Enter Enter && see "Bản Na" && keys Down && see "Lò Văn Tam Tuấn" &&
	keys End && typed " Anh" && see "Lò Văn Tam Tuấn Anh" &&
	pid=$(tm display -p "#{pane_pid}") &&
	kill -TERM "$pid" && ended "$pid" &&
	dieutra -C ws show 04630-A-0005 >draft &&
	contains draft "head_name: Lò Văn Tam Tuấn Anh"
'

expect_success 'a resize redraws the screen, at 80x24 and larger' '
	app && see "04630-A-0001" &&
	tm resize-window -x 100 -y 30 && see "04630-A-0005" &&
	tm resize-window -x 80 -y 24 && see "04630-A-0001" && keys q
'

expect_success 'the census form: a long list searched as typed, narrowed by choice_filter' '
	dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
		--device A --schema "$SRC/schemas/child-census.yaml" census >/dev/null &&
	WS=census app && see "0 hồ sơ" &&
	keys n && see ">* Tỉnh, thành phố" &&
	typed "lao cai" && see "→ Tỉnh Lào Cai" && keys Enter &&
	see "(•) Tỉnh Lào Cai" && see ">* Quận, huyện" &&
	typed "ba dinh" && see "ba dinh" && screen >shown &&
	lacks shown "Quận Ba Đình" &&
	keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace &&
	typed "van ban" && see "→ Huyện Văn Bàn" && keys Enter &&
	see "(•) Huyện Văn Bàn" &&
	typed "khanh yen" && keys Enter && see "(•) Thị trấn Khánh Yên" &&
	typed "Banr Na" && keys Enter && see "Theo danh sách hộ của thôn" &&
	keys Escape && see "04630-A-0001" && keys q &&
	dieutra -C census show 04630-A-0001 >rec &&
	contains rec "province: 10" && contains rec "district: \"089\""
'

expect_success 'the app said nothing on stderr (no sanitizer report, no leak)' '
	if [ -s "$TEST_DIR/app.err" ]; then cat "$TEST_DIR/app.err" >&2; false; fi
'

done_testing
