/*
 * text.h - UTF-8 text as the census needs it (utf8proc underneath):
 * normalisation, accent-free folding for search, display width.
 */
#ifndef DIEUTRA_TEXT_H
#define DIEUTRA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when s[0..len) is well-formed UTF-8 with no NUL byte (no overlong
 * forms, no surrogates, nothing past U+10FFFF).
 */
bool text_valid(const char *s, size_t len);

/*
 * Length of the longest prefix of s[0..len) that text_valid() accepts:
 * len when all of it is valid, else the offset of the first bad byte.
 */
size_t text_valid_prefix(const char *s, size_t len);

/* NFC form of s, newly allocated (caller frees with free()); NULL when s is not valid UTF-8. */
char *text_nfc(const char *s);
/* True when s (valid UTF-8) is NFC already: text_nfc() would return it unchanged. */
bool text_is_nfc(const char *s);

/*
 * The search key of s, newly allocated: NFC, lower case, Vietnamese
 * diacritics removed, đ/Đ -> d, runs of white space folded to one space.
 * "Nguyễn Văn Đường" -> "nguyen van duong"; hoà and hòa fold alike.
 * Invalid UTF-8 bytes and control characters are dropped, leading and
 * trailing white space trimmed.  Caller frees with free().
 */
char *text_fold(const char *s);

/*
 * Columns s occupies on a terminal (wide characters count 2, combining marks
 * and control characters 0, a byte that is not valid UTF-8 1).
 */
int text_width(const char *s);

/*
 * Bytes of s (a prefix ending on a character boundary) that fit in `width`
 * columns.  A wide character that would overflow is left out; zero-width
 * characters right after the last one that fits (its accents) are kept.
 */
size_t text_fit(const char *s, int width);

/* Number of characters (code points) in s; a byte that is not valid UTF-8 counts as one. */
size_t text_length(const char *s);

#endif
