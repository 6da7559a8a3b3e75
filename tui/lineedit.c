/*
 * lineedit.c - the one-line UTF-8 editor: grapheme-cluster steps, NFC on
 * every change, Telex/VNI composition of the word before the cursor, and a
 * sideways-scrolling view cut by display width.
 *
 * Positions are byte offsets inside this file and character indexes in
 * struct tui_line, so that an edit that renormalises the text before a
 * position cannot leave it inside a character.  Lines are short: helpers
 * scan from the start of the text rather than keep tables.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "lineedit.h"
#include "text.h"

static const char *str(const struct tui_line *l)
{
	return l->buf ? l->buf : "";
}

/* The code point at s, its length in *n; s is valid UTF-8 (the editor's invariant). */
static utf8proc_int32_t cp_at(const char *s, utf8proc_ssize_t *n)
{
	utf8proc_int32_t cp;

	*n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
	return cp;
}

static size_t byte_at(const char *s, size_t index)
{
	size_t off = 0;
	utf8proc_ssize_t n;

	for (; index && s[off]; index--) {
		cp_at(s + off, &n);
		off += (size_t)n;
	}
	return off;
}

static size_t index_at(const char *s, size_t off)
{
	size_t i, count = 0;

	for (i = 0; i < off; i++)
		count += ((unsigned char)s[i] & 0xc0) != 0x80;
	return count;
}

/* The end of the grapheme cluster that starts at off (< strlen(s)). */
static size_t next_cluster(const char *s, size_t off)
{
	utf8proc_int32_t prev, cp, state = 0;
	utf8proc_ssize_t n;

	prev = cp_at(s + off, &n);
	for (off += (size_t)n; s[off]; off += (size_t)n, prev = cp) {
		cp = cp_at(s + off, &n);
		if (utf8proc_grapheme_break_stateful(prev, cp, &state))
			break;
	}
	return off;
}

/* The start of the cluster that ends at off (> 0). */
static size_t prev_cluster(const char *s, size_t off)
{
	size_t at = 0, next;

	while ((next = next_cluster(s, at)) < off)
		at = next;
	return at;
}

/* The last cluster boundary at or before off. */
static size_t snap(const char *s, size_t off)
{
	size_t at = 0;

	while (s[at] && next_cluster(s, at) <= off)
		at = next_cluster(s, at);
	return at;
}

/* A letter, a digit or a mark: what words and composed words are made of. */
static bool is_word_char(utf8proc_int32_t cp, bool digits)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
		return true;
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return digits;
	default:
		return false;
	}
}

/* What a line may hold: no control characters, no line breaks. */
static bool is_allowed(utf8proc_int32_t cp)
{
	if (!utf8proc_codepoint_valid(cp))
		return false;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_CC: case UTF8PROC_CATEGORY_CS:
	case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		return false;
	default:
		return true;
	}
}

/* Columns of s[from, to). */
static int span_width(const char *s, size_t from, size_t to)
{
	utf8proc_ssize_t n;
	int w = 0;

	for (; from < to; from += (size_t)n)
		w += utf8proc_charwidth(cp_at(s + from, &n));
	return w;
}

static char *nfc(const char *s)
{
	char *r = text_nfc(s);

	if (!r)
		die("lineedit: text that is not UTF-8 reached the editor");
	return r;
}

static void set_buf(struct tui_line *l, char *s)
{
	free(l->buf);
	l->buf = s;
	l->len = strlen(s);
	l->alloc = l->len + 1;
}

/*
 * Replaces bytes [from, to) with ins and puts the cursor after ins, the
 * whole text renormalised.  Refuses (ERR_DATA) a change that makes the
 * text longer than the limit.
 */
static int splice(struct tui_line *l, size_t from, size_t to, const char *ins)
{
	struct sbuf sb = SBUF_INIT;
	char *before, *all;
	size_t n, cursor;
	int ret = ERR_DATA;

	sbuf_add(&sb, str(l), from);
	sbuf_adds(&sb, ins);
	before = nfc(sbuf_str(&sb));
	sbuf_adds(&sb, str(l) + to);
	all = nfc(sbuf_str(&sb));
	n = text_length(all);
	if (l->max && n > l->max && n > tui_line_length(l)) {
		free(all);
		goto out;
	}
	cursor = text_length(before);
	set_buf(l, all);
	l->cursor = index_at(l->buf, snap(l->buf, byte_at(l->buf, cursor)));
	ret = 0;
out:
	free(before);
	sbuf_release(&sb);
	return ret;
}

void tui_line_init(struct tui_line *l)
{
	*l = (struct tui_line)TUI_LINE_INIT;
}

void tui_line_release(struct tui_line *l)
{
	free(l->buf);
	sbuf_release(&l->raw);
	tui_line_init(l);
}

int tui_line_set_text(struct tui_line *l, const char *s, struct error *err)
{
	size_t off, len = strlen(s);
	utf8proc_ssize_t n;

	if (!text_valid(s, len))
		return error_add(err, ERR_DATA, "the text is not valid UTF-8 (byte %zu)",
				 text_valid_prefix(s, len) + 1);
	for (off = 0; off < len; off += (size_t)n)
		if (!is_allowed(cp_at(s + off, &n)))
			return error_add(err, ERR_DATA, "character %zu is a control character or "
					 "a line break; a text box holds one line",
					 index_at(s, off) + 1);
	set_buf(l, nfc(s));
	l->cursor = tui_line_length(l);
	l->scroll = 0;
	sbuf_reset(&l->raw);
	return 0;
}

void tui_line_clear(struct tui_line *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = l->alloc = 0;
	l->cursor = l->scroll = 0;
	sbuf_reset(&l->raw);
}

const char *tui_line_str(const struct tui_line *l)
{
	return str(l);
}

char *tui_line_text(const struct tui_line *l)
{
	return nfc(str(l));
}

size_t tui_line_length(const struct tui_line *l)
{
	return index_at(str(l), l->len);
}

/*
 * A word key in TELEX or VNI: the word before the cursor is rendered again
 * from its keys.  With no keys kept, the letters before the cursor are
 * taken up when some keys type them, else the word starts at the cursor.
 */
static int compose(struct tui_line *l, char key)
{
	const char *s = str(l);
	size_t cur = byte_at(s, l->cursor), start = cur;
	utf8proc_ssize_t n;
	char *word, *keys;
	int ret;

	if (!l->raw.len) {
		while (start > 0) {
			size_t p = start - 1;

			while (p > 0 && ((unsigned char)s[p] & 0xc0) == 0x80)
				p--;
			if (!is_word_char(cp_at(s + p, &n), false))
				break;
			start = p;
		}
		word = xstrndup(s + start, cur - start);
		keys = tui_input_unrender(l->mode, word);
		if (keys)
			sbuf_adds(&l->raw, keys);
		else
			start = cur;
		l->word = index_at(s, start);
		free(keys);
		free(word);
	}
	sbuf_addc(&l->raw, key);
	word = tui_input_render(l->mode, sbuf_str(&l->raw));
	ret = splice(l, byte_at(s, l->word), cur, word);
	if (ret)
		l->raw.buf[--l->raw.len] = '\0';
	free(word);
	return ret;
}

int tui_line_insert(struct tui_line *l, uint32_t cp)
{
	char buf[5] = "";

	if (cp > 0x10ffff || !is_allowed((utf8proc_int32_t)cp))
		return ERR_DATA;
	if (tui_input_is_key(l->mode, cp))
		return compose(l, (char)cp);
	sbuf_reset(&l->raw);
	utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)buf);
	return splice(l, byte_at(str(l), l->cursor), byte_at(str(l), l->cursor), buf);
}

bool tui_line_backspace(struct tui_line *l)
{
	size_t cur = byte_at(str(l), l->cursor);

	sbuf_reset(&l->raw);
	if (!cur)
		return false;
	return !splice(l, prev_cluster(str(l), cur), cur, "");
}

bool tui_line_delete(struct tui_line *l)
{
	size_t cur = byte_at(str(l), l->cursor);

	sbuf_reset(&l->raw);
	if (cur == l->len)
		return false;
	return !splice(l, cur, next_cluster(str(l), cur), "");
}

/* Moves the cursor to byte offset off; true when it moved. */
static bool move_to(struct tui_line *l, size_t off)
{
	size_t index = index_at(str(l), off);
	bool moved = index != l->cursor;

	sbuf_reset(&l->raw);
	l->cursor = index;
	return moved;
}

bool tui_line_left(struct tui_line *l)
{
	size_t cur = byte_at(str(l), l->cursor);

	return move_to(l, cur ? prev_cluster(str(l), cur) : 0);
}

bool tui_line_right(struct tui_line *l)
{
	size_t cur = byte_at(str(l), l->cursor);

	return move_to(l, cur < l->len ? next_cluster(str(l), cur) : cur);
}

bool tui_line_home(struct tui_line *l)
{
	return move_to(l, 0);
}

bool tui_line_end(struct tui_line *l)
{
	return move_to(l, l->len);
}

static bool word_at(const char *s, size_t off)
{
	utf8proc_ssize_t n;

	return is_word_char(cp_at(s + off, &n), true);
}

bool tui_line_word_left(struct tui_line *l)
{
	const char *s = str(l);
	size_t cur = byte_at(s, l->cursor);

	while (cur && !word_at(s, prev_cluster(s, cur)))
		cur = prev_cluster(s, cur);
	while (cur && word_at(s, prev_cluster(s, cur)))
		cur = prev_cluster(s, cur);
	return move_to(l, cur);
}

bool tui_line_word_right(struct tui_line *l)
{
	const char *s = str(l);
	size_t cur = byte_at(s, l->cursor);

	while (cur < l->len && !word_at(s, cur))
		cur = next_cluster(s, cur);
	while (cur < l->len && word_at(s, cur))
		cur = next_cluster(s, cur);
	return move_to(l, cur);
}

void tui_line_set_mode(struct tui_line *l, enum tui_input mode)
{
	l->mode = mode;
	sbuf_reset(&l->raw);
}

enum tui_input tui_line_toggle_mode(struct tui_line *l)
{
	tui_line_set_mode(l, tui_input_next(l->mode));
	return l->mode;
}

void tui_line_set_max(struct tui_line *l, size_t max)
{
	l->max = max;
}

void tui_line_view(struct tui_line *l, int width, struct tui_line_view *v)
{
	const char *s = str(l);
	size_t cur = byte_at(s, l->cursor), start = snap(s, byte_at(s, l->scroll)), p;
	int cell = 1, w;

	if (start > cur)
		start = cur;
	if (width <= 0) {
		*v = (struct tui_line_view){ start, start, 0 };
		return;
	}
	/* The cursor's cell, and all of a wide character under it, must be in the box. */
	if (cur < l->len)
		cell = span_width(s, cur, next_cluster(s, cur));
	if (cell < 1)
		cell = 1;
	if (cell > width)
		cell = width;
	for (w = span_width(s, start, cur); start < cur && w + cell > width; start = p) {
		p = next_cluster(s, start);
		w -= span_width(s, start, p);
	}
	/*
	 * Scrolled too far after a deletion: show more of the start while the
	 * rest fits with the end-of-text cell, kept whether or not the cursor is
	 * there so that leaving the end does not shift the text.
	 */
	for (w = span_width(s, start, l->len); start > 0; start = p) {
		p = prev_cluster(s, start);
		w += span_width(s, p, start);
		if (w + 1 > width)
			break;
	}
	l->scroll = index_at(s, start);
	v->start = start;
	v->end = start + text_fit(s + start, width);
	v->col = span_width(s, start, cur);
}
