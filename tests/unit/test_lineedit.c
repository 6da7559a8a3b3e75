/*
 * test_lineedit.c - the one-line editor: editing sequences as a table (keys
 * and moves, the text and cursor they leave), Telex/VNI typing inside the
 * editor, NFC, refused input, the length limit, and the view at several
 * widths over long Vietnamese text and wide characters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lineedit.h"
#include "text.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

/*
 * Editing commands inside a script, as control characters (which the
 * editor refuses as text).  Kept as separate literals: "\x02" "a", never
 * "\x02a".
 */
#define HOME "\x01"
#define LEFT "\x02"
#define DEL "\x04"
#define END "\x05"
#define RIGHT "\x06"
#define BS "\x08"
#define WLEFT "\x0f"
#define WRIGHT "\x10"
#define TOGGLE "\x14"

#define P TUI_INPUT_PLAIN
#define T TUI_INPUT_TELEX
#define V TUI_INPUT_VNI

static const struct edit_case {
	enum tui_input mode;
	const char *init; /* set before the script, cursor at its end; NULL: empty */
	size_t max;
	const char *script;
	const char *text;
	size_t cursor;
} edit_cases[] = {
	/* Plain editing. */
	{ P, NULL, 0, "abc", "abc", 3 },
	{ P, NULL, 0, "abc" HOME "X", "Xabc", 1 },
	{ P, NULL, 0, "abc" LEFT "X", "abXc", 3 },
	{ P, "abcd", 0, LEFT LEFT "XY", "abXYcd", 4 },
	{ P, NULL, 0, BS DEL LEFT RIGHT, "", 0 },
	{ P, "abc", 0, RIGHT RIGHT, "abc", 3 },
	{ P, "abc", 0, HOME LEFT BS, "abc", 0 },
	{ P, "abc", 0, HOME END, "abc", 3 },
	{ P, "abc", 0, HOME DEL DEL DEL DEL, "", 0 },
	{ P, "abc", 0, HOME RIGHT DEL, "ac", 1 },
	/* One step over a precomposed letter, a wide character, a cluster. */
	{ P, "Nguyễn", 0, LEFT BS, "Nguyn", 4 },
	{ P, "Nguyễn", 0, LEFT LEFT DEL, "Nguyn", 4 },
	{ P, "Nguyễn", 0, LEFT LEFT LEFT RIGHT RIGHT, "Nguyễn", 5 },
	{ P, "日本語", 0, BS, "日本", 2 },
	{ P, "日本語", 0, HOME DEL, "本語", 0 },
	{ P, "日本語", 0, LEFT "x", "日本x語", 3 },
	{ P, "x\xcc\x83y", 0, LEFT BS, "y", 0 },         /* x̃: no precomposed form */
	{ P, "\xf0\x9f\x87\xbb\xf0\x9f\x87\xb3!", 0, LEFT BS, "!", 0 }, /* a flag */
	{ P, NULL, 0, "e" "\xcc\x81", "é", 1 },            /* a combining mark joins */
	{ P, NULL, 0, "Tha" "\xcc\x81" "i", "Thái", 4 },
	{ P, "ab", 0, HOME RIGHT "\xcc\x81", "áb", 1 },
	/* Words. */
	{ P, "Lò Văn Pâng", 0, WLEFT, "Lò Văn Pâng", 7 },
	{ P, "Lò Văn Pâng", 0, WLEFT WLEFT WLEFT WLEFT, "Lò Văn Pâng", 0 },
	{ P, "Lò Văn Pâng", 0, HOME WRIGHT, "Lò Văn Pâng", 2 },
	{ P, "Lò Văn Pâng", 0, HOME WRIGHT WRIGHT WRIGHT WRIGHT, "Lò Văn Pâng", 11 },
	{ P, "a, b;c", 0, WLEFT WLEFT, "a, b;c", 3 },
	{ P, "a, b;c", 0, HOME RIGHT WRIGHT, "a, b;c", 4 },
	/* Telex and VNI in the editor. */
	{ T, NULL, 0, "Nguyeenx Thij Hoa", "Nguyễn Thị Hoa", 14 },
	{ V, NULL, 0, "Nguye6n4 Thi5 Hoa", "Nguyễn Thị Hoa", 14 },
	{ T, NULL, 0, "ddaays", "đấy", 3 },
	{ T, NULL, 0, "DDaau", "Đâu", 3 },
	{ T, NULL, 0, "aaa", "aa", 2 },
	{ T, NULL, 0, "www", "ww", 2 },
	{ T, NULL, 0, "as s", "á s", 3 },
	{ T, NULL, 0, "Vieetj-Nam", "Việt-Nam", 8 },
	{ T, NULL, 0, "2024 nawm", "2024 năm", 8 },
	{ V, NULL, 0, "2024 d9i", "2024 đi", 7 },
	{ T, NULL, 0, "Lof Vawn Paang", "Lò Văn Pâng", 11 },
	{ V, NULL, 0, "Lo2 Va8n Pa6ng", "Lò Văn Pâng", 11 },
	{ T, NULL, 0, "Banr Luwowts", "Bản Lướt", 8 },
	/* Taking up a word again after a backspace or a move. */
	{ T, NULL, 0, "Nguyeenx" BS "s", "Nguyế", 5 },
	{ T, NULL, 0, "Thuyr" BS "y", "Thủy", 4 },
	{ T, NULL, 0, "as" LEFT RIGHT "s", "as", 2 },
	{ T, "Hoa Mai", 0, WLEFT LEFT "f", "Hòa Mai", 3 },
	{ T, "Hoa", 0, HOME "as", "áHoa", 1 },
	{ T, NULL, 0, "ễ" "s", "ế", 1 },                  /* ễ from a system input method */
	{ T, "日", 0, "as", "日á", 2 },
	/* Switching mode in the middle of the text. */
	{ P, NULL, 0, "Hoa" TOGGLE "f", "Hòa", 3 },
	{ T, NULL, 0, "Thij " TOGGLE TOGGLE "Thij", "Thị Thij", 8 },
	{ T, NULL, 0, "Thij " TOGGLE "Thi5", "Thị Thị", 7 },
	{ T, NULL, 0, "Hoa" TOGGLE "2", "Hòa", 3 },
	/* The length limit. */
	{ P, NULL, 3, "abcd", "abc", 3 },
	{ P, NULL, 3, "abcd" HOME "x", "abc", 0 },
	{ T, NULL, 2, "ddaaa", "đâ", 2 },
	{ T, NULL, 3, "hoaf", "hòa", 3 },
	{ T, NULL, 3, "hoafn", "hòa", 3 },
	{ T, NULL, 3, "hoafns", "hóa", 3 },           /* the refused n is no key of the word */
	{ P, "abcd", 2, "x" BS, "abc", 3 },
	{ P, NULL, 1, "e" "\xcc\x81", "é", 1 },
};

static void run_script(struct tui_line *l, const char *script)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)script;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;

	for (; *p; p += n) {
		n = utf8proc_iterate(p, -1, &cp);
		assert_true(n > 0);
		switch (cp) {
		case 0x01: tui_line_home(l); break;
		case 0x02: tui_line_left(l); break;
		case 0x04: tui_line_delete(l); break;
		case 0x05: tui_line_end(l); break;
		case 0x06: tui_line_right(l); break;
		case 0x08: tui_line_backspace(l); break;
		case 0x0f: tui_line_word_left(l); break;
		case 0x10: tui_line_word_right(l); break;
		case 0x14: tui_line_toggle_mode(l); break;
		default: tui_line_insert(l, (uint32_t)cp); break;
		}
	}
}

static void test_edit_table(void **state)
{
	size_t i, failed = 0;

	(void)state;
	assert_true(N(edit_cases) >= 40);
	for (i = 0; i < N(edit_cases); i++) {
		const struct edit_case *c = &edit_cases[i];
		struct tui_line l = TUI_LINE_INIT;
		char *text;

		tui_line_set_mode(&l, c->mode);
		if (c->init)
			assert_int_equal(tui_line_set_text(&l, c->init, NULL), 0);
		tui_line_set_max(&l, c->max);
		run_script(&l, c->script);
		text = tui_line_text(&l);
		if (strcmp(text, c->text) || strcmp(tui_line_str(&l), c->text) ||
		    l.cursor != c->cursor) {
			print_error("case %zu: \"%s\" cursor %zu, want \"%s\" cursor %zu\n", i,
				    text, l.cursor, c->text, c->cursor);
			failed++;
		}
		free(text);
		tui_line_release(&l);
	}
	assert_int_equal(failed, 0);
}

/* Moves report whether they moved; deletes whether they deleted. */
static void test_move_results(void **state)
{
	struct tui_line l = TUI_LINE_INIT;

	(void)state;
	assert_false(tui_line_backspace(&l));
	assert_false(tui_line_delete(&l));
	assert_false(tui_line_left(&l));
	assert_false(tui_line_word_right(&l));
	assert_int_equal(tui_line_set_text(&l, "Hòa", NULL), 0);
	assert_false(tui_line_right(&l));
	assert_false(tui_line_end(&l));
	assert_false(tui_line_delete(&l));
	assert_true(tui_line_word_left(&l));
	assert_false(tui_line_home(&l));
	assert_false(tui_line_backspace(&l));
	assert_true(tui_line_right(&l));
	assert_int_equal(l.cursor, 1);
	assert_true(tui_line_delete(&l));
	assert_string_equal(tui_line_str(&l), "Ha");
	tui_line_release(&l);
	assert_null(l.buf);
}

static void test_set_text_nfc(void **state)
{
	struct tui_line l = TUI_LINE_INIT;
	char *text;

	(void)state;
	assert_int_equal(tui_line_set_text(&l, "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3", NULL), 0);
	assert_string_equal(tui_line_str(&l), "Nguyễn Thị");
	assert_int_equal(tui_line_length(&l), 10);
	assert_int_equal(l.cursor, 10);
	text = tui_line_text(&l);
	assert_string_equal(text, "Nguyễn Thị");
	assert_ptr_not_equal(text, tui_line_str(&l));
	free(text);
	tui_line_clear(&l);
	assert_string_equal(tui_line_str(&l), "");
	assert_int_equal(tui_line_length(&l), 0);
	assert_int_equal(l.cursor, 0);
	tui_line_release(&l);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"ab\xff", "\xc3", "\xed\xa0\x80", "a\nb", "tab\there", "del\x7f",
		"line\xe2\x80\xa8sep",
	};
	static const uint32_t bad_keys[] = { '\n', '\t', 0x7f, 0x85, 0xd800, 0x110000, 0x2029 };
	struct tui_line l = TUI_LINE_INIT;
	struct error err = ERROR_INIT;
	size_t i;

	(void)state;
	assert_int_equal(tui_line_set_text(&l, "Hòa", NULL), 0);
	for (i = 0; i < N(bad); i++) {
		assert_int_equal(tui_line_set_text(&l, bad[i], &err), ERR_DATA);
		assert_int_equal(err.n, i + 1);
		assert_string_equal(tui_line_str(&l), "Hòa");
	}
	assert_non_null(strstr(err.items[0].msg, "UTF-8"));
	assert_non_null(strstr(err.items[3].msg, "one line"));
	for (i = 0; i < N(bad_keys); i++)
		assert_int_equal(tui_line_insert(&l, bad_keys[i]), ERR_DATA);
	assert_string_equal(tui_line_str(&l), "Hòa");
	assert_int_equal(tui_line_insert(&l, 0x1f600), 0);
	assert_string_equal(tui_line_str(&l), "Hòa\xf0\x9f\x98\x80");
	error_release(&err);
	tui_line_release(&l);
}

/* A value longer than the limit is kept whole; typing stops, deleting works. */
static void test_limit_keeps_value(void **state)
{
	struct tui_line l = TUI_LINE_INIT;

	(void)state;
	tui_line_set_max(&l, 4);
	assert_int_equal(tui_line_set_text(&l, "Nguyễn Thị Hoa", NULL), 0);
	assert_string_equal(tui_line_str(&l), "Nguyễn Thị Hoa");
	assert_int_equal(tui_line_insert(&l, 'x'), ERR_DATA);
	tui_line_set_max(&l, 15);
	assert_int_equal(tui_line_insert(&l, 'x'), 0);
	assert_int_equal(tui_line_insert(&l, 'y'), ERR_DATA);
	assert_string_equal(tui_line_str(&l), "Nguyễn Thị Hoax");
	tui_line_release(&l);
}

static void test_modes(void **state)
{
	struct tui_line l = TUI_LINE_INIT;

	(void)state;
	assert_int_equal(l.mode, TUI_INPUT_PLAIN);
	assert_int_equal(tui_line_toggle_mode(&l), TUI_INPUT_TELEX);
	assert_int_equal(tui_line_toggle_mode(&l), TUI_INPUT_VNI);
	assert_int_equal(tui_line_toggle_mode(&l), TUI_INPUT_PLAIN);
	tui_line_set_mode(&l, TUI_INPUT_VNI);
	assert_int_equal(l.mode, TUI_INPUT_VNI);
	assert_int_equal(tui_line_insert(&l, 'a'), 0);
	assert_int_equal(tui_line_insert(&l, '6'), 0);
	assert_string_equal(tui_line_str(&l), "â");
	tui_line_release(&l);
}

static const char long_vi[] =
	"Nguyễn Thị Hoa, Lò Văn Pâng, Bản Lướt, xã Tú Lệ, huyện Văn Chấn, tỉnh Yên Bái: "
	"trẻ em mồ côi, khuyết tật, người dân tộc Khơ Mú và Hà Nhì";
static const char long_wide[] =
	"日本語テキスト Nguyễn 中文字符 Thị 한국어 Hoa 日本語テキスト ễ 中文 Đường 한국어";

static size_t cursor_byte(const struct tui_line *l)
{
	const char *s = tui_line_str(l);
	size_t off = 0, i;
	utf8proc_int32_t cp;

	for (i = 0; i < l->cursor; i++)
		off += (size_t)utf8proc_iterate((const utf8proc_uint8_t *)s + off, -1, &cp);
	return off;
}

/* What tui_line_view promises, for the line as it is. */
static void check_view(struct tui_line *l, int width)
{
	struct tui_line_view v;
	const char *s = tui_line_str(l);
	size_t cur = cursor_byte(l), len = strlen(s);
	char *drawn, *before;

	tui_line_view(l, width, &v);
	assert_true(v.start <= cur && cur <= v.end && v.end <= len);
	assert_true(text_valid(s + v.start, v.end - v.start));
	drawn = strndup(s + v.start, v.end - v.start);
	before = strndup(s + v.start, cur - v.start);
	assert_true(text_width(drawn) <= width);
	assert_true(v.col >= 0 && v.col < width);
	assert_int_equal(v.col, text_width(before));
	/* The character under the cursor is drawn whole. */
	if (cur < len)
		assert_true(v.end > cur);
	/* Scrolled no further than needed: the box is full, or shows the start. */
	if (v.start > 0)
		assert_true(text_width(drawn) >= width - 2);
	free(drawn);
	free(before);
}

static void sweep(const char *text, int width)
{
	struct tui_line l = TUI_LINE_INIT;

	assert_int_equal(tui_line_set_text(&l, text, NULL), 0);
	check_view(&l, width);
	while (tui_line_left(&l))
		check_view(&l, width);
	while (tui_line_right(&l))
		check_view(&l, width);
	tui_line_home(&l);
	while (tui_line_word_right(&l))
		check_view(&l, width);
	while (tui_line_backspace(&l))
		check_view(&l, width);
	tui_line_release(&l);
}

static void test_view_widths(void **state)
{
	static const int widths[] = { 10, 20, 80, 2, 3 };
	size_t i;

	(void)state;
	for (i = 0; i < N(widths); i++) {
		sweep(long_vi, widths[i]);
		sweep(long_wide, widths[i]);
	}
}

static void test_view_scrolls(void **state)
{
	struct tui_line l = TUI_LINE_INIT;
	struct tui_line_view v, w;
	int i;

	(void)state;
	assert_int_equal(tui_line_set_text(&l, long_vi, NULL), 0);
	tui_line_view(&l, 20, &v);
	assert_true(v.start > 0);
	assert_int_equal(v.end, strlen(long_vi));
	assert_int_equal(v.col, 19);
	/* Moving inside the box does not scroll it. */
	for (i = 0; i < 5; i++)
		tui_line_left(&l);
	tui_line_view(&l, 20, &w);
	assert_int_equal(w.start, v.start);
	assert_int_equal(w.col, 14);
	tui_line_home(&l);
	tui_line_view(&l, 20, &w);
	assert_int_equal(w.start, 0);
	assert_int_equal(w.col, 0);
	/* A short text after a scroll shows from its start again. */
	tui_line_end(&l);
	tui_line_view(&l, 20, &v);
	assert_int_equal(tui_line_set_text(&l, "Hòa", NULL), 0);
	tui_line_view(&l, 20, &w);
	assert_int_equal(w.start, 0);
	assert_int_equal(w.end, strlen("Hòa"));
	assert_int_equal(w.col, 3);
	/* A box of no columns draws nothing. */
	tui_line_view(&l, 0, &w);
	assert_int_equal(w.start, w.end);
	tui_line_release(&l);
}

/* A wide character under the cursor at the box's edge scrolls in whole. */
static void test_view_wide_at_edge(void **state)
{
	struct tui_line l = TUI_LINE_INIT;
	struct tui_line_view v;

	(void)state;
	assert_int_equal(tui_line_set_text(&l, "abcd日本", NULL), 0);
	tui_line_home(&l);
	tui_line_view(&l, 5, &v);
	assert_int_equal(v.start, 0);
	assert_int_equal(v.end, 4);
	while (l.cursor < 4)
		tui_line_right(&l);
	tui_line_view(&l, 5, &v);
	assert_int_equal(v.col, 3);
	assert_int_equal(v.start, 1);
	assert_string_equal(tui_line_str(&l) + v.end, "本");
	tui_line_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_table),
		cmocka_unit_test(test_move_results),
		cmocka_unit_test(test_set_text_nfc),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_limit_keeps_value),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_view_widths),
		cmocka_unit_test(test_view_scrolls),
		cmocka_unit_test(test_view_wide_at_edge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
