/*
 * telex.c - the Telex and VNI input engine: keystrokes to a Vietnamese
 * word, and a word back to keystrokes.
 *
 * A word is held as letters (an ASCII base, its case, one modifier: ^ ˘ ʼ
 * or the stroke of đ) and one tone for the whole syllable.  Where the tone
 * shows is decided only when the word is drawn, from the letters it has
 * then.  The placement follows the traditional ("old style") rules, the
 * ones Unikey applies when its "oà, uý" option is off and the ones the GSO
 * lists of names use (Hòa, Thủy, Khỏe), as set out in Wikipedia's
 * "Vietnamese alphabet", section "Tone marks":
 *   1. the u of "qu" and the i of "gi" before another vowel belong to the
 *      consonant (quà, già, giữ);
 *   2. a vowel with a diacritic (ă â ê ô ơ ư) takes the tone; of ươ, the ơ;
 *   3. otherwise a lone vowel takes it; with a final consonant, the last
 *      vowel (hoàn, toán, huỳnh); with none, the first of two (hòa, thủy,
 *      mái, múa) and the middle of three (khoái, khuỷu, ngoẹo).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "telex.h"
#include "text.h"
#include "util.h"

enum mark { MARK_NONE, MARK_CIRC, MARK_BREVE, MARK_HORN, MARK_STROKE };
enum tone { TONE_NONE, TONE_ACUTE, TONE_GRAVE, TONE_HOOK, TONE_TILDE, TONE_DOT };

/* Combining characters, indexed by enum mark and enum tone; đ has its own letter. */
static const uint32_t mark_cp[] = { 0, 0x302, 0x306, 0x31b, 0 };
static const uint32_t tone_cp[] = { 0, 0x301, 0x300, 0x309, 0x303, 0x323 };
static const char telex_tones[] = "zsfrxj"; /* indexed by enum tone */

struct letter {
	char key; /* lower-case ASCII letter or digit */
	bool upper;
	unsigned char mark;
	bool auto_horn; /* the u of "uo" hooked in one go: plain again if nothing follows the ơ */
	bool lone_w;    /* an ư typed as a lone w: undoing it gives the w back */
};

struct word {
	struct letter *v;
	size_t n, alloc;
	int tone;
	bool literal[128]; /* keys undone once, plain for the rest of the word */
	bool key_upper;    /* the case of the key being typed, for a letter it makes */
};

/* What a key did: nothing (it is appended as a letter) or its job. */
enum { KEY_LETTER, KEY_DONE };

const char *tui_input_name(enum tui_input mode)
{
	switch (mode) {
	case TUI_INPUT_TELEX:
		return "TELEX";
	case TUI_INPUT_VNI:
		return "VNI";
	case TUI_INPUT_PLAIN:
		break;
	}
	return "EN";
}

enum tui_input tui_input_next(enum tui_input mode)
{
	switch (mode) {
	case TUI_INPUT_PLAIN:
		return TUI_INPUT_TELEX;
	case TUI_INPUT_TELEX:
		return TUI_INPUT_VNI;
	case TUI_INPUT_VNI:
		break;
	}
	return TUI_INPUT_PLAIN;
}

bool tui_input_is_key(enum tui_input mode, uint32_t cp)
{
	if (mode == TUI_INPUT_PLAIN || cp >= 128)
		return false;
	return isalpha((int)cp) || (mode == TUI_INPUT_VNI && isdigit((int)cp));
}

static bool is_vowel(char key)
{
	return key && strchr("aeiouy", key);
}

/*
 * The vowels that carry marks and the tone: [*s, *e), the last run of
 * vowels less the u of qu and the i of gi (rule 1).  False when there is no
 * vowel.
 */
static bool find_nucleus(const struct word *w, size_t *s, size_t *e)
{
	size_t i = w->n;

	while (i > 0 && !is_vowel(w->v[i - 1].key))
		i--;
	if (!i)
		return false;
	*e = i;
	while (i > 0 && is_vowel(w->v[i - 1].key))
		i--;
	if (*e - i > 1 && i > 0 &&
	    ((w->v[i - 1].key == 'q' && w->v[i].key == 'u') ||
	     (w->v[i - 1].key == 'g' && w->v[i].key == 'i')))
		i++;
	*s = i;
	return true;
}

/*
 * True when the word is a syllable that marks may go on: a nucleus followed
 * by nothing or by a Vietnamese final consonant.  This is what keeps "ass"
 * at "as" after the undo, and "Anna" from becoming "Ânn".
 */
static bool find_syllable(const struct word *w, size_t *s, size_t *e)
{
	static const char *const finals[] = { "c", "ch", "m", "n", "ng", "nh", "p", "t" };
	char fin[3] = "";
	size_t i, len;

	if (!find_nucleus(w, s, e))
		return false;
	len = w->n - *e;
	if (!len)
		return true;
	if (len > 2)
		return false;
	for (i = 0; i < len; i++) {
		if (w->v[*e + i].mark != MARK_NONE)
			return false;
		fin[i] = w->v[*e + i].key;
	}
	for (i = 0; i < sizeof(finals) / sizeof(*finals); i++)
		if (!strcmp(fin, finals[i]))
			return true;
	return false;
}

static void add_letter(struct word *w, char key, bool upper)
{
	ALLOC_GROW(w->v, w->n + 1, w->alloc);
	w->v[w->n++] = (struct letter){ .key = key, .upper = upper };
}

/* Undoing: key k is appended as a letter and stays plain from now on. */
static int undo(struct word *w, char k)
{
	w->literal[(unsigned char)k] = true;
	return KEY_LETTER;
}

static int tone_key(struct word *w, int tone, char k)
{
	size_t s, e;

	if (tone == TONE_NONE) {
		if (w->tone == TONE_NONE)
			return KEY_LETTER;
		w->tone = TONE_NONE;
		return KEY_DONE;
	}
	if (!find_syllable(w, &s, &e))
		return KEY_LETTER;
	if (w->tone == tone) {
		w->tone = TONE_NONE;
		return undo(w, k);
	}
	w->tone = tone;
	return KEY_DONE;
}

static void put_circ(struct word *w, size_t i)
{
	w->v[i].mark = MARK_CIRC;
	/* "ưô" is no Vietnamese: the ô of "uô" takes the hook off the u. */
	if (w->v[i].key == 'o' && i > 0 && w->v[i - 1].key == 'u' &&
	    w->v[i - 1].mark == MARK_HORN) {
		w->v[i - 1].mark = MARK_NONE;
		w->v[i - 1].auto_horn = false;
	}
}

/*
 * Telex aa ee oo: only right after the same vowel, so that names which
 * are not Vietnamese ("Hana", "Ama") keep their letters.
 */
static int telex_circ(struct word *w, char k)
{
	struct letter *l;

	if (!w->n || w->v[w->n - 1].key != k)
		return KEY_LETTER;
	l = &w->v[w->n - 1];
	if (l->mark == MARK_CIRC) {
		l->mark = MARK_NONE;
		return undo(w, k);
	}
	put_circ(w, w->n - 1);
	return KEY_DONE;
}

/* VNI 6: on the last a, e or o of the syllable, typed anywhere after it. */
static int vni_circ(struct word *w, char k)
{
	size_t s, e, i;

	if (!find_syllable(w, &s, &e))
		return KEY_LETTER;
	for (i = e; i > s; i--) {
		if (!strchr("aeo", w->v[i - 1].key))
			continue;
		if (w->v[i - 1].mark == MARK_CIRC) {
			w->v[i - 1].mark = MARK_NONE;
			return undo(w, k);
		}
		put_circ(w, i - 1);
		return KEY_DONE;
	}
	return KEY_LETTER;
}

/*
 * The letters a hook key changes in the nucleus [s, e): ươ for "uo"; ư for
 * "ua" with no final (mưa, but quăng); else ă, then ơ, then ư.  Returns
 * how many (0 to 2) it put in t.
 */
static size_t hook_targets(const struct word *w, size_t s, size_t e, bool horn, bool breve,
			   size_t t[2])
{
	static const char order[] = "aou";
	size_t i;
	const char *c;

	if (horn) {
		for (i = s; i + 1 < e; i++) {
			if (w->v[i].key == 'u' && w->v[i + 1].key == 'o') {
				t[0] = i;
				t[1] = i + 1;
				return 2;
			}
		}
		if (e - s == 2 && e == w->n && w->v[s].key == 'u' && w->v[s + 1].key == 'a') {
			t[0] = s;
			return 1;
		}
	}
	for (c = breve ? order : order + 1; *c && (horn || *c == 'a'); c++) {
		for (i = s; i < e; i++) {
			if (w->v[i].key == *c) {
				t[0] = i;
				return 1;
			}
		}
	}
	return 0;
}

/* Telex w (horn and breve), VNI 7 (horn) and 8 (breve). */
static int hook_key(struct word *w, char k, bool horn, bool breve)
{
	size_t s, e, t[2], n, i;
	bool all = true;

	if (!find_syllable(w, &s, &e)) {
		if (k != 'w' || find_nucleus(w, &s, &e))
			return KEY_LETTER;
		add_letter(w, 'u', w->key_upper);
		w->v[w->n - 1].mark = MARK_HORN;
		w->v[w->n - 1].lone_w = true;
		return KEY_DONE;
	}
	n = hook_targets(w, s, e, horn, breve, t);
	if (!n)
		return KEY_LETTER;
	for (i = 0; i < n; i++)
		if (w->v[t[i]].mark != (w->v[t[i]].key == 'a' ? MARK_BREVE : MARK_HORN))
			all = false;
	if (all) {
		if (n == 1 && w->v[t[0]].lone_w) {
			w->v[t[0]] = (struct letter){ .key = 'w', .upper = w->v[t[0]].upper };
			undo(w, k);
			return KEY_DONE;
		}
		for (i = 0; i < n; i++)
			w->v[t[i]].mark = MARK_NONE;
		return undo(w, k);
	}
	if (n == 2 && w->v[t[0]].mark != MARK_HORN)
		w->v[t[0]].auto_horn = true;
	for (i = 0; i < n; i++)
		w->v[t[i]].mark = w->v[t[i]].key == 'a' ? MARK_BREVE : MARK_HORN;
	return KEY_DONE;
}

/* Telex dd only as the word's first two letters; VNI 9 on a leading d, typed anywhere. */
static int stroke_key(struct word *w, char k, bool adjacent)
{
	if (!w->n || w->v[0].key != 'd' || (adjacent && w->n != 1))
		return KEY_LETTER;
	if (w->v[0].mark == MARK_STROKE) {
		w->v[0].mark = MARK_NONE;
		return undo(w, k);
	}
	w->v[0].mark = MARK_STROKE;
	return KEY_DONE;
}

static int telex_key(struct word *w, char k)
{
	const char *tone = strchr(telex_tones, k);

	if (tone)
		return tone_key(w, (int)(tone - telex_tones), k);
	switch (k) {
	case 'a':
	case 'e':
	case 'o':
		return telex_circ(w, k);
	case 'w':
		return hook_key(w, k, true, true);
	case 'd':
		return stroke_key(w, k, true);
	}
	return KEY_LETTER;
}

static int vni_key(struct word *w, char k)
{
	switch (k) {
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
		return tone_key(w, k - '0', k);
	case '6':
		return vni_circ(w, k);
	case '7':
		return hook_key(w, k, true, false);
	case '8':
		return hook_key(w, k, false, true);
	case '9':
		return stroke_key(w, k, false);
	}
	return KEY_LETTER;
}

static void type_key(struct word *w, enum tui_input mode, char c)
{
	char k = (char)tolower((unsigned char)c);
	int r = KEY_LETTER;

	w->key_upper = isupper((unsigned char)c);
	if (!w->literal[(unsigned char)k])
		r = mode == TUI_INPUT_VNI ? vni_key(w, k) : telex_key(w, k);
	if (r == KEY_LETTER)
		add_letter(w, k, w->key_upper);
}

/* Where the tone shows: the rules 2 and 3 of the comment at the top. */
static size_t tone_place(const struct word *w, size_t s, size_t e)
{
	size_t i, at = e;

	for (i = s; i < e; i++)
		if (w->v[i].mark == MARK_CIRC || w->v[i].mark == MARK_BREVE ||
		    w->v[i].mark == MARK_HORN)
			at = i;
	if (at < e)
		return at;
	if (e - s == 1)
		return s;
	if (e < w->n)
		return e - 1;
	return e - s == 2 ? s : s + 1;
}

static void add_cp(struct sbuf *out, uint32_t cp)
{
	utf8proc_uint8_t buf[4];
	utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, buf);

	sbuf_add(out, buf, (size_t)n);
}

/* Appends the word, decomposed: each letter, its modifier, then the tone if it is here. */
static void word_draw(const struct word *w, struct sbuf *out)
{
	size_t s, e, at = SIZE_MAX, i;

	if (w->tone != TONE_NONE && find_nucleus(w, &s, &e))
		at = tone_place(w, s, e);
	for (i = 0; i < w->n; i++) {
		const struct letter *l = &w->v[i];
		int mark = l->mark;

		if (mark == MARK_STROKE)
			add_cp(out, l->upper ? 0x110 : 0x111);
		else
			add_cp(out, (uint32_t)(l->upper ? toupper((unsigned char)l->key) : l->key));
		/* ươ needs something after it: on its own it is the uơ of thuở, huơ. */
		if (l->auto_horn && i + 2 == w->n && w->v[i + 1].mark == MARK_HORN)
			mark = MARK_NONE;
		if (mark_cp[mark])
			add_cp(out, mark_cp[mark]);
		if (i == at)
			add_cp(out, tone_cp[w->tone]);
	}
}

static void word_reset(struct word *w)
{
	w->n = 0;
	w->tone = TONE_NONE;
	memset(w->literal, 0, sizeof(w->literal));
}

char *tui_input_render(enum tui_input mode, const char *raw)
{
	struct sbuf out = SBUF_INIT;
	struct word w = { 0 };
	const char *p;
	char *nfc;

	if (!text_valid(raw, strlen(raw)))
		return NULL;
	if (mode == TUI_INPUT_PLAIN)
		return text_nfc(raw);
	for (p = raw; *p; p++) {
		if (tui_input_is_key(mode, (unsigned char)*p)) {
			type_key(&w, mode, *p);
			continue;
		}
		word_draw(&w, &out);
		word_reset(&w);
		sbuf_addc(&out, *p);
	}
	word_draw(&w, &out);
	nfc = text_nfc(sbuf_str(&out));
	free(w.v);
	sbuf_release(&out);
	return nfc;
}

/* The keys that type one letter in mode: its base, then what gives its modifier. */
static void letter_keys(enum tui_input mode, const struct letter *l, struct sbuf *keys)
{
	static const char telex_mod[] = { 0, 0, 'w', 'w', 0 };
	char c = l->upper ? (char)toupper((unsigned char)l->key) : l->key;

	sbuf_addc(keys, c);
	if (l->mark == MARK_NONE)
		return;
	if (mode == TUI_INPUT_VNI)
		sbuf_addc(keys, "06879"[l->mark]);
	else
		sbuf_addc(keys, telex_mod[l->mark] ? telex_mod[l->mark] : c);
}

/*
 * Reads one letter with its marks from the NFD text at *p into l, and the
 * tone, if it carries one, into *tone.  False for anything that is not a
 * Vietnamese letter or for a second tone.
 */
static bool read_letter(const utf8proc_uint8_t **p, struct letter *l, int *tone)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate(*p, -1, &cp);
	int m;

	*l = (struct letter){ 0 };
	if (cp == 0x110 || cp == 0x111) {
		*l = (struct letter){ .key = 'd', .upper = cp == 0x110, .mark = MARK_STROKE };
	} else if (cp < 128 && isalpha(cp)) {
		l->key = (char)tolower(cp);
		l->upper = isupper(cp);
	} else {
		return false;
	}
	for (*p += n; **p; *p += n) {
		n = utf8proc_iterate(*p, -1, &cp);
		for (m = MARK_CIRC; m <= MARK_HORN && (utf8proc_int32_t)mark_cp[m] != cp; m++)
			;
		if (m <= MARK_HORN) {
			if (l->mark != MARK_NONE || !strchr(m == MARK_CIRC ? "aeo" :
							   m == MARK_BREVE ? "a" : "ou", l->key))
				return false;
			l->mark = (unsigned char)m;
			continue;
		}
		for (m = TONE_ACUTE; m <= TONE_DOT && (utf8proc_int32_t)tone_cp[m] != cp; m++)
			;
		if (m > TONE_DOT)
			break;
		if (*tone != TONE_NONE)
			return false;
		*tone = m;
	}
	return true;
}

/* True when raw renders to exactly the NFD text want. */
static bool renders_to(enum tui_input mode, const char *raw, const char *want)
{
	char *got = tui_input_render(mode, raw), *nfc = text_nfc(want);
	bool same = got && nfc && !strcmp(got, nfc);

	free(got);
	free(nfc);
	return same;
}

/*
 * Builds the keys letter by letter, checking the toneless word so far after
 * each one; a letter the rules would eat (the s of "Bus", the second a of
 * "aa") gets its last key once more, which undoes the rule and leaves the
 * letter.  The tone key goes last.
 */
char *tui_input_unrender(enum tui_input mode, const char *word)
{
	utf8proc_uint8_t *nfd = NULL;
	const utf8proc_uint8_t *p;
	struct sbuf raw = SBUF_INIT, plain = SBUF_INIT;
	struct letter l;
	int tone = TONE_NONE;
	char *ret = NULL;

	if (mode == TUI_INPUT_PLAIN || !*word || !text_valid(word, strlen(word)))
		return NULL;
	nfd = utf8proc_NFD((const utf8proc_uint8_t *)word);
	if (!nfd)
		return NULL;
	for (p = nfd; *p;) {
		if (!read_letter(&p, &l, &tone))
			goto out;
		letter_keys(mode, &l, &raw);
		add_cp(&plain, l.mark == MARK_STROKE ? (l.upper ? 0x110 : 0x111) :
			       (uint32_t)(l.upper ? toupper((unsigned char)l.key) : l.key));
		if (mark_cp[l.mark])
			add_cp(&plain, mark_cp[l.mark]);
		if (renders_to(mode, sbuf_str(&raw), sbuf_str(&plain)))
			continue;
		sbuf_addc(&raw, raw.buf[raw.len - 1]);
		if (!renders_to(mode, sbuf_str(&raw), sbuf_str(&plain)))
			goto out;
	}
	if (tone != TONE_NONE)
		sbuf_addc(&raw, mode == TUI_INPUT_VNI ? (char)('0' + tone) : telex_tones[tone]);
	if (renders_to(mode, sbuf_str(&raw), word))
		ret = sbuf_detach(&raw);
out:
	free(nfd);
	sbuf_release(&raw);
	sbuf_release(&plain);
	return ret;
}
