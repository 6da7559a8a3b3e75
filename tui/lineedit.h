/*
 * lineedit.h - a one-line editor of UTF-8 text, the model behind every text
 * box of the full-screen app (no drawing here: tui_line_view() says what to
 * draw).
 *
 * The text is NFC UTF-8 with no control characters.  The cursor is a
 * character index (code points) that always sits between two user-visible
 * characters: moves and deletes step over a whole grapheme cluster, so a
 * wide CJK character, ễ, or a letter with a combining mark that has no
 * precomposed form is one step.
 *
 * In TELEX or VNI mode the editor composes the word before the cursor: it
 * keeps the raw keys typed since the word began and renders them again on
 * each key (telex.h), so "Nguyeenx Thij Hoa" becomes "Nguyễn Thị Hoa".  Any
 * key that is not a word key ends the word.  After a move or a delete the
 * keys are forgotten; the next key takes up the letters before the cursor
 * again through tui_input_unrender(), so "Nguyễn", backspace, 's' gives
 * "Nguyế".
 */
#ifndef DIEUTRA_LINEEDIT_H
#define DIEUTRA_LINEEDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "telex.h"
#include "util.h"

struct tui_line {
	char *buf;           /* the text, NUL-terminated; NULL while empty */
	size_t len, alloc;   /* bytes of buf */
	size_t cursor;       /* character index, 0 to tui_line_length() */
	size_t max;          /* most characters typing may reach; 0: no limit */
	enum tui_input mode;
	struct sbuf raw;     /* the keys of the word being composed, empty if none */
	size_t word;         /* character index where that word starts */
	size_t scroll;       /* first character tui_line_view() shows */
};

#define TUI_LINE_INIT { NULL, 0, 0, 0, 0, TUI_INPUT_PLAIN, SBUF_INIT, 0, 0 }

/* Sets l to TUI_LINE_INIT: empty, PLAIN mode, no limit. */
void tui_line_init(struct tui_line *l);
/* Frees what l holds and leaves it as tui_line_init() does. */
void tui_line_release(struct tui_line *l);

/*
 * Replaces the text with s (any normalisation; stored NFC) and puts the
 * cursor at its end.  The length limit does not apply: it stops typing, it
 * never cuts a value.  Returns 0, or ERR_DATA with a message in err (which
 * may be NULL) when s is not valid UTF-8 or holds a control character or a
 * line break; l is unchanged then.  s stays the caller's.
 */
int tui_line_set_text(struct tui_line *l, const char *s, struct error *err);
/* Empties the text. */
void tui_line_clear(struct tui_line *l);
/* The text, NFC, owned by l and valid until its next change ("" when empty). */
const char *tui_line_str(const struct tui_line *l);
/* A copy of the text, NFC; the caller frees it. */
char *tui_line_text(const struct tui_line *l);
/* Characters (code points) in the text. */
size_t tui_line_length(const struct tui_line *l);

/*
 * Types one key at the cursor, through the input mode: a word key in TELEX
 * or VNI re-renders the word before the cursor, anything else is inserted
 * as it is (a combining mark joins the character before it).  Returns 0, or
 * ERR_DATA when the key is refused: a control character, a line break, not
 * a code point, or a text that would grow past the limit.
 */
int tui_line_insert(struct tui_line *l, uint32_t cp);
/* Delete the character before / under the cursor; false when there is none. */
bool tui_line_backspace(struct tui_line *l);
bool tui_line_delete(struct tui_line *l);

/*
 * Cursor moves; each returns false when the cursor did not move.  A word is
 * a run of letters, digits and marks: word_left goes to the start of the
 * word before the cursor, word_right to the end of the word after it.
 */
bool tui_line_left(struct tui_line *l);
bool tui_line_right(struct tui_line *l);
bool tui_line_home(struct tui_line *l);
bool tui_line_end(struct tui_line *l);
bool tui_line_word_left(struct tui_line *l);
bool tui_line_word_right(struct tui_line *l);

/* The input mode; setting or toggling it ends the word being composed. */
void tui_line_set_mode(struct tui_line *l, enum tui_input mode);
/* Switches to tui_input_next() of the current mode and returns it. */
enum tui_input tui_line_toggle_mode(struct tui_line *l);

/* Sets the most characters typing may reach (0: no limit); the text is kept as it is. */
void tui_line_set_max(struct tui_line *l, size_t max);

/* What to draw in a box `width` columns wide. */
struct tui_line_view {
	size_t start, end; /* bytes [start, end) of tui_line_str(), whole characters */
	int col;           /* the cursor's column in the box, 0 to width - 1 */
};

/*
 * Fills v for a box of width columns, scrolling sideways as little as needed
 * for the cursor (and a wide character under it) to show: the drawn part
 * never exceeds width columns (wide characters take 2) and never splits a
 * character.  Remembers the scroll in l, so that the text does not jump
 * while the cursor moves inside the box.  With width <= 0, an empty range.
 */
void tui_line_view(struct tui_line *l, int width, struct tui_line_view *v);

#endif
