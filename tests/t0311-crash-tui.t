#!/bin/sh
# The app's autosave killed (SIGKILL) at its crash points (DIEUTRA_CRASH_AT,
# forms/util.h), in tmux as in t0200: every answer saved before the kill is
# kept, none after it, the database stays sound and the app opens it again.
. "$SRC/tests/lib.sh"

form=$SRC/tests/forms/demo/household.yaml

. "$SRC/tests/lib-tui.sh"

answers='village: Bản Na
head_name: Lò Văn Tam
members: 4'

# Answer k (1..3) of the household is left, then saved: the first save
# also takes the record's number, so the kth answer's save is commit k + 1.
for point in store-commit store-committed; do
	for k in 1 2 3; do
		expect_success "the app killed at the save of answer $k ($point): the answers before it are kept" '
			ws=ws-$point-$k &&
			dieutra init --commune 04630 --enumerator "Lò Thị Hoa <hoa@example.vn>" \
				--device A --schema "$form" $ws >/dev/null &&
			WS=$ws app "DIEUTRA_CRASH_AT=$point:$((k + 1))" && see "TELEX" &&
			tm send-keys n && see "Hộ gia đình" &&
			tm send-keys -l "Banr Na" && tm send-keys Enter &&
			if [ $k -gt 1 ]; then
				see "04630-A-0001" &&
				tm send-keys -l "Lof Vawn Tam" && tm send-keys Enter
			fi &&
			if [ $k -gt 2 ]; then
				see "Số nhân khẩu" && tm send-keys -l 4 && tm send-keys Enter
			fi &&
			closed &&
			test "$(sqlite3 $ws/dieutra.db "PRAGMA integrity_check")" = ok &&
			kept=$((k - 1)) &&
			if [ $point = store-committed ]; then kept=$k; fi &&
			echo "$answers" | head -n $kept >want &&
			{ dieutra -C $ws show 04630-A-0001 2>/dev/null || true; } |
				sed -n "s/^    \(village\|head_name\|members\):/\1:/p" >got &&
			cmp want got &&
			WS=$ws app && see "TELEX" &&
			if [ $kept -gt 0 ]; then see "04630-A-0001"; fi
		'
	done
done

expect_success 'the app said nothing on stderr (no sanitizer report, no leak)' '
	tm kill-server 2>/dev/null || true &&
	! test -s app.err
'

done_testing
