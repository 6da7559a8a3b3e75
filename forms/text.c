/*
 * text.c - UTF-8 helpers over utf8proc: validity, NFC, the accent-free
 * search key and terminal widths.
 */
#include "text.h"

#include "util.h"

#include <string.h>
#include <utf8proc.h>

/* One code point at s (at most len bytes): its byte length, or -1 when s is not valid there. */
static int next_char(const char *s, size_t len, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t n;

	if ((unsigned char)*s < 0x80) {
		*cp = (unsigned char)*s;
		return 1;
	}
	n = utf8proc_iterate((const utf8proc_uint8_t *)s, len < 4 ? (utf8proc_ssize_t)len : 4, cp);
	return n > 0 ? (int)n : -1;
}

size_t text_valid_prefix(const char *s, size_t len)
{
	size_t i = 0;
	utf8proc_int32_t cp;
	int n;

	while (i < len) {
		n = next_char(s + i, len - i, &cp);
		if (n < 0 || cp == 0)
			break;
		i += (size_t)n;
	}
	return i;
}

bool text_valid(const char *s, size_t len)
{
	return text_valid_prefix(s, len) == len;
}

/*
 * True when s is valid UTF-8 made only of code points that are NFC on their
 * own and never combine with a neighbour: everything below U+0300 (Latin-1,
 * Latin Extended-A and -B: ơ, ư, đ) and the precomposed letters of Latin
 * Extended Additional, U+1E00-U+1EFF (ễ, ộ, ự...).  Unicode gives all of
 * them NFC_Quick_Check=Yes and combining class 0, so such a string is
 * already NFC: Vietnamese text as typed almost always is, and skipping
 * utf8proc for it makes loading a 10,000-row list several times faster.
 */
static bool is_plain_nfc(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;

	while (*p) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8proc_iterate(p, -1, &cp);
		if (n < 0 || (cp >= 0x300 && (cp < 0x1E00 || cp > 0x1EFF)))
			return false;
		p += n;
	}
	return true;
}

/* Runs utf8proc; NULL for invalid input.  Running out of memory is fatal, as with xmalloc. */
static char *map(const char *s, utf8proc_option_t opts, utf8proc_custom_func fn)
{
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &out, UTF8PROC_NULLTERM | opts, fn,
				NULL);
	if (n == UTF8PROC_ERROR_NOMEM)
		die("out of memory (normalising %zu bytes of text)", strlen(s));
	if (n < 0) {
		free(out);
		return NULL;
	}
	return (char *)out;
}

char *text_nfc(const char *s)
{
	if (is_plain_nfc(s))
		return xstrdup(s);
	return map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE, NULL);
}

bool text_is_nfc(const char *s)
{
	char *nfc;
	bool same;

	if (is_plain_nfc(s))
		return true;
	nfc = map(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE, NULL);
	same = nfc && !strcmp(nfc, s);
	free(nfc);
	return same;
}

/* đ and Đ carry their stroke in the letter itself, so no decomposition removes it. */
static utf8proc_int32_t fold_dstroke(utf8proc_int32_t cp, void *data)
{
	(void)data;
	return cp == 0x0110 || cp == 0x0111 ? 'd' : cp;
}

static bool is_space(utf8proc_int32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0x85 || cp == 0x2028 ||
	       cp == 0x2029 || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

char *text_fold(const char *s)
{
	struct sbuf clean = SBUF_INIT, out = SBUF_INIT;
	size_t len = strlen(s), i = 0;
	bool space = false;
	utf8proc_int32_t cp;
	char *mapped;
	int n;

	/* Dropping the bad bytes first lets utf8proc see only what it can read. */
	while (i < len) {
		n = next_char(s + i, len - i, &cp);
		if (n > 0)
			sbuf_add(&clean, s + i, (size_t)n);
		i += n > 0 ? (size_t)n : 1;
	}
	mapped = map(sbuf_str(&clean), UTF8PROC_STABLE | UTF8PROC_COMPOSE |
			     UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
		     fold_dstroke);
	sbuf_release(&clean);
	len = mapped ? strlen(mapped) : 0;
	for (i = 0; i < len; i += (size_t)n) {
		n = next_char(mapped + i, len - i, &cp);
		if (n < 0) {
			n = 1;
		} else if (is_space(cp)) {
			space = true;
		} else if (utf8proc_category(cp) != UTF8PROC_CATEGORY_CC) {
			if (space && out.len)
				sbuf_addc(&out, ' ');
			space = false;
			sbuf_add(&out, mapped + i, (size_t)n);
		}
	}
	free(mapped);
	sbuf_add(&out, "", 0);
	return sbuf_detach(&out);
}

/*
 * Width of the character at s and its length in *n.  A byte that is not
 * valid UTF-8 counts as one column: terminals show it as one replacement
 * character.
 */
static int char_width(const char *s, size_t len, int *n)
{
	utf8proc_int32_t cp;

	*n = next_char(s, len, &cp);
	if (*n < 0) {
		*n = 1;
		return 1;
	}
	return utf8proc_charwidth(cp);
}

int text_width(const char *s)
{
	size_t len = strlen(s), i;
	int w = 0, n;

	for (i = 0; i < len; i += (size_t)n)
		w += char_width(s + i, len - i, &n);
	return w;
}

size_t text_fit(const char *s, int width)
{
	size_t len = strlen(s), i;
	int w = 0, cw, n;

	/* Zero-width characters after the last one that fits stay with it: accents, joiners. */
	for (i = 0; i < len; i += (size_t)n) {
		cw = char_width(s + i, len - i, &n);
		if (w + cw > width)
			break;
		w += cw;
	}
	return i;
}

size_t text_length(const char *s)
{
	size_t len = strlen(s), i, count = 0;
	utf8proc_int32_t cp;
	int n;

	for (i = 0; i < len; i += (size_t)n, count++) {
		n = next_char(s + i, len - i, &cp);
		if (n < 0)
			n = 1;
	}
	return count;
}
