#!/bin/sh
# The app's sync key, against a district repository on this machine: the
# progress and summary on the status line, the list read again, each
# record's "sent" mark, and a clear word when no district is known.
. "$SRC/tests/lib.sh"
. "$SRC/tests/lib-tui.sh"

uses_libgit2

form=$SRC/tests/forms/demo/household.yaml
hoa="Lò Thị Hoa <hoa@example.vn>"
nam="Hà Văn Nam <nam@example.vn>"
dieutra district init --schema "$form" district.git >/dev/null
dieutra init --commune 04630 --enumerator "$hoa" --device A --remote district.git ws >/dev/null
dieutra -C ws add "$SRC"/tests/forms/demo/records/*.yaml >/dev/null 2>&1

expect_success 'the records are not sent yet; s is among the keys' '
	app && see "04630-A-0001   hoàn thành    2  chưa gửi  Lò Văn Pâng" &&
	see "s:đồng bộ" &&
	keys "?" && see "đồng bộ với huyện" && keys x && gone "đồng bộ với huyện"
'

expect_success 's syncs: the summary, then every finished record marked sent' '
	keys s && see "đã gửi 2 mới, 0 cập nhật; đã nhận 0" &&
	see "04630-A-0001   hoàn thành    2  đã gửi    Lò Văn Pâng" &&
	see "04630-A-0002   hoàn thành" &&
	see "04630-A-0003   nháp          0  chưa gửi  Hà Thị Thủy" &&
	git -C district.git ls-tree -r --name-only communes/04630 >files &&
	contains files communes/04630/A/04630-A-0001.yaml &&
	lacks files 04630-A-0003
'

expect_success 'what another laptop sent comes in, and the list shows it' '
	dieutra init --commune 04630 --enumerator "$nam" --device B \
		--remote district.git b >/dev/null &&
	sed "s/Lò Văn Pâng/Vàng Seo Phủ/" "$SRC/tests/forms/demo/records/01-lo-van-pang.yaml" \
		>phu.yaml &&
	dieutra -C b add phu.yaml >/dev/null &&
	dieutra -C b sync >/dev/null &&
	gone "04630-B-0001" &&
	keys s && see "đã gửi 0 mới, 0 cập nhật; đã nhận 1" &&
	see "04630-B-0001   hoàn thành    2  đã gửi    Vàng Seo Phủ" &&
	see "4 hồ sơ: nháp 1 · hoàn thành 3"
'

expect_success 'in English, the summary reads as `dieutra sync` prints it' '
	keys L && see "s:sync" &&
	keys s && see "sent 0 new, 0 updated; received 0" && keys q
'

expect_success 'a record changed after it was sent is not sent any more' '
	app && see "04630-A-0001   hoàn thành    2  đã gửi" &&
	keys Enter && see "Lò Văn Pâng" && keys Down BSpace && typed "g" && keys Enter &&
	keys Escape && see "04630-A-0001   nháp          2  chưa gửi" && keys q
'

expect_success 'with no district known, s says how to give one' '
	dieutra init --commune 04630 --enumerator "$hoa" --device C --schema "$form" alone \
		>/dev/null &&
	WS=alone app && see "0 hồ sơ" &&
	keys s && see "Chưa có kho của huyện: chạy \`dieutra sync --remote URL\` một lần" &&
	keys L && keys s && see "No district repository yet: run \`dieutra sync --remote URL\` once" &&
	keys q
'

expect_success 'the app said nothing on stderr (no sanitizer report, no leak)' '
	if [ -s "$TEST_DIR/app.err" ]; then cat "$TEST_DIR/app.err" >&2; false; fi
'

done_testing
