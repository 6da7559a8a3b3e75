/*
 * text.h - UTF-8 text as the census needs it (utf8proc underneath):
 * normalisation, accent-free folding for search, display width.
 */
#ifndef DIEUTRA_TEXT_H
#define DIEUTRA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 with no NUL byte. */
bool text_valid(const char *s, size_t len);

/* NFC form of s, newly allocated (caller frees); NULL when s is not valid UTF-8. */
char *text_nfc(const char *s);

/*
 * The search key of s, newly allocated: NFC, lower case, Vietnamese
 * diacritics removed, đ/Đ -> d, runs of white space folded to one space.
 * "Nguyễn Văn Đường" -> "nguyen van duong"; hoà and hòa fold alike.
 * Invalid UTF-8 bytes are dropped.
 */
char *text_fold(const char *s);

/* Columns s occupies on a terminal (wide characters count 2, combining marks 0). */
int text_width(const char *s);

/*
 * Bytes of s (a prefix ending on a character boundary) that fit in `width`
 * columns.
 */
size_t text_fit(const char *s, int width);

/* Number of characters (code points) in s. */
size_t text_length(const char *s);

#endif
