/*
 * telex.h - Vietnamese typing without a system input method: the Telex and
 * VNI conventions, for a Linux console or an ssh session.
 *
 * A word is rendered from its raw keystrokes, all at once: the caller keeps
 * the keys typed since the word began and renders them again after each key.
 * Every rule then reads the whole word, so a tone typed early moves to the
 * right vowel when later letters change the syllable ("hoaf" is "hòa",
 * "hoafn" is "hoàn"), and a test is a table of (keys, word) pairs.
 *
 * TELEX: s f r x j give the tones sắc huyền hỏi ngã nặng, z removes the
 * tone; aa ee oo give â ê ô, aw ă, ow ơ, uw ư, a lone w ư, dd đ, and uow
 * ươ once a letter follows (đường) but uơ at the end of a word (thuở, huơ),
 * where uwow still gives ươ.  aa ee oo act right after the letter they
 * change, dd only at the start of a word; w and the tone keys anywhere
 * after the vowels, as long as only a final consonant (c ch m n ng nh p t)
 * stands between.
 * VNI: 1 2 3 4 5 give the tones, 0 removes it; 6 gives â ê ô, 7 ơ ư (ươ
 * over "uo"), 8 ă, 9 đ (on a leading d), with the same freedom as w.
 * In both, typing a key again undoes what it did and leaves the key itself
 * ("aaa" -> "aa", "ass" -> "as", "a66" -> "a6"), after which that key stays
 * literal for the rest of the word.  A key that cannot apply (a tone key
 * before any vowel) is a plain letter or digit.  Capitals keep their case:
 * "DDaau" -> "Đâu", "NGUYEENX" -> "NGUYỄN".
 */
#ifndef DIEUTRA_TELEX_H
#define DIEUTRA_TELEX_H

#include <stdbool.h>
#include <stdint.h>

enum tui_input {
	TUI_INPUT_PLAIN, /* keys are inserted as they are */
	TUI_INPUT_TELEX,
	TUI_INPUT_VNI,
};

/* A short name for the status line: "EN", "TELEX" or "VNI". */
const char *tui_input_name(enum tui_input mode);

/* The mode the toggle key switches to: PLAIN -> TELEX -> VNI -> PLAIN. */
enum tui_input tui_input_next(enum tui_input mode);

/*
 * True when the code point cp, typed in mode, belongs to the word being
 * composed: an ASCII letter in TELEX, an ASCII letter or digit in VNI,
 * nothing in PLAIN.  Any other key ends the word.
 */
bool tui_input_is_key(enum tui_input mode, uint32_t cp);

/*
 * The text that the keystrokes raw give in mode, NFC, newly allocated
 * (caller frees).  Each run of word keys (see tui_input_is_key) is one word;
 * everything else is copied as it is: "Nguyeenx Thij Hoa" -> "Nguyễn Thị
 * Hoa".  In PLAIN it is raw in NFC.  NULL when raw is not valid UTF-8.
 */
char *tui_input_render(enum tui_input mode, const char *raw);

/*
 * The keystrokes that type the word `word` in mode (TELEX or VNI), newly
 * allocated (caller frees): "Nguyễn" -> "Nguyeenx" (TELEX), "Nguye6n4"
 * (VNI).  Lets an editor go on composing a word it did not see typed, e.g.
 * after a backspace.  The keys always render back to exactly word; NULL
 * when no keys would: an empty word, anything but Latin letters with
 * Vietnamese marks (digits, spaces), two tones, a spelling the rules would
 * change, PLAIN mode.
 */
char *tui_input_unrender(enum tui_input mode, const char *word);

#endif
