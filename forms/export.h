/*
 * export.h - the workspace's records as flat tables for analysts
 * (`dieutra export`): CSV files or one SQLite database.
 *
 * Tables, columns in form order, headers the field names:
 *  - households: one row per record: id, status, created, modified,
 *    enumerator, device, then every field outside repeats;
 *  - one table per repeat, named after it (the census: children): one row
 *    per item, with the household's keys first (id, status, the select_one
 *    fields of the household whose list is read from a file, i.e. the
 *    administrative place, and the fields the form's instance_name names,
 *    e.g. village and head's name), then `_id` (the item's stable id),
 *    `_parent` (the enclosing item's `_id`, for a repeat inside a repeat
 *    only) and the item's fields;
 *  - a codebook: per column its table, type and label (what a second header
 *    line would say, without breaking CSV readers).
 * A select_one or select_multiple field gives two columns: NAME, the codes
 * as stored (language-independent; a select_multiple's space-separated),
 * and NAME_label, their labels in the chosen language (joined by "; ").
 * Groups and notes give no column.  Void records are left out; drafts,
 * rejected and conflicting records are in, with their status.  Fields
 * marked `sensitive`, and the calculations made from them (form.h: their
 * answers are sealed), are left out unless asked for.
 */
#ifndef DIEUTRA_EXPORT_H
#define DIEUTRA_EXPORT_H

#include <stdbool.h>

struct error;
struct form;
struct seal_keyring;
struct store;

#define EXPORT_HOUSEHOLDS "households"
#define EXPORT_CODEBOOK "codebook"
#define EXPORT_SQLITE_FILE "census.sqlite"

enum export_format {
	EXPORT_CSV,    /* DIR/households.csv, DIR/REPEAT.csv, DIR/codebook.csv */
	EXPORT_SQLITE, /* DIR/census.sqlite with the same tables, typed columns */
};

struct export_opts {
	enum export_format format;
	const char *lang; /* the labels' language; NULL: the form's first */
	bool bom;         /* CSV: start each file with a UTF-8 byte order mark (Excel) */
	bool sensitive;   /* also export the answers of sensitive (sealed, form.h) fields */
	/*
	 * Keys that open sealed answers (forms/seal.h) before they are written;
	 * NULL or empty: none.  A sealed answer no key opens is written as it
	 * is stored, `!sealed BASE64`, with an empty label.
	 */
	const struct seal_keyring *ring;
};

struct export_result {
	long households; /* rows of the households table */
	long items;      /* rows of the repeat tables together */
	long voided;     /* void records left out */
};

/*
 * Writes the tables of every record of store s (form f) into dir (made if
 * missing).  CSV files are RFC 4180 (CRLF line ends, fields with a comma,
 * quote or line break quoted, quotes doubled), UTF-8.  In SQLite, integer
 * fields are INTEGER columns, decimals REAL, calculations hold integers
 * where the stored text is one, everything else TEXT; an unanswered field
 * is NULL.  Each file is written beside its final name and renamed into
 * place, so a failed export leaves the previous one whole.  Fills *res.
 * Returns 0, ERR_DATA (a field's name clashes with a column of the
 * export, or a sealed answer that a key of opts->ring should open does not:
 * the record and field named) or ERR_ENV (I/O, a stored record that does
 * not parse).
 */
int export_run(struct store *s, const struct form *f, const char *dir,
	       const struct export_opts *opts, struct export_result *res, struct error *err);

#endif
