/*
 * record_priv.h - what the record's own files share: the two readers
 * behind record_parse() and the writer's quoting rule, which the fast
 * reader applies backwards.  Not a public contract: tests and fuzz
 * targets include it to compare the readers.
 */
#ifndef DIEUTRA_RECORD_PRIV_H
#define DIEUTRA_RECORD_PRIV_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct record;

/*
 * Reads buf when it is exactly the text record_write() gives a record
 * (record_canon.c): fills r, a record_init()ed record, as record_parse()
 * would, line and column of every node included, and returns 0.  At the
 * first byte that record_write() would not have written there (a comment,
 * another quoting style, a tab, CR, a duplicate key, a text not NFC, too
 * deep...) returns 1 with r left as after record_init(): the caller then
 * reads the text with record_parse_yaml(), which says what is wrong.
 * Never fails otherwise and reports nothing; r->file is not set.
 */
int record_canon_parse(const char *buf, size_t len, struct record *r);

/* record_parse() through libyaml only, with every check and message (record_parse.c). */
int record_parse_yaml(const char *buf, size_t len, const char *file, struct record *r,
		      struct error *err);

/*
 * True when record_write() writes s (valid UTF-8, NUL-terminated) between
 * double quotes; false when it writes it plain, as any YAML reader reads
 * it back unchanged (record.c).
 */
bool record_needs_quotes(const char *s);

#endif
