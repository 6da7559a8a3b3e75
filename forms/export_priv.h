/*
 * export_priv.h - what the files of the export module share: the tables
 * and their columns (export.c builds them from the form and fills rows),
 * and the two writers (export_write.c).  Not for other modules.
 */
#ifndef DIEUTRA_EXPORT_PRIV_H
#define DIEUTRA_EXPORT_PRIV_H

#include <sqlite3.h>
#include <stdio.h>

#include "export.h"
#include "util.h"

struct form_field;

enum export_col_kind {
	COL_META,   /* a record's id, status, created... (meta says which) */
	COL_VALUE,  /* a field's answer as stored */
	COL_LABEL,  /* a select field's choice labels */
	COL_ITEM,   /* the repeat item's _id */
	COL_PARENT, /* the enclosing repeat item's _id */
};

enum export_meta { META_ID, META_STATUS, META_CREATED, META_MODIFIED, META_ENUMERATOR,
		   META_DEVICE };

struct export_col {
	char *name;
	enum export_col_kind kind;
	enum export_meta meta;
	const struct form_field *field; /* COL_VALUE, COL_LABEL */
	bool household; /* a field of the household repeated in an item's row */
	size_t hcol;    /* then: its column in the households table */
};

struct export_table {
	char *name;
	const struct form_field *repeat; /* NULL: the households */
	struct export_col *cols;
	size_t ncols, alloc;
	size_t *col_of; /* by form field index: its own answer's column, SIZE_MAX for none */
	long rows;

	/* The writer's state: a CSV file being written, or an INSERT. */
	FILE *csv;
	char *path, *tmp;
	sqlite3_stmt *insert;
};

/* One row being written: cell i for column i; null[i] when unanswered. */
struct export_row {
	struct sbuf *cells;
	bool *null;
};

/* The writer: one of CSV or SQLite, chosen by opts->format. */
struct export_out {
	const struct export_opts *opts;
	const char *dir;
	sqlite3 *db;
	char *db_path, *db_tmp;
};

/* The SQL column type of c ("INTEGER", "REAL", "TEXT", or "" for none). */
const char *export_col_type(const struct export_col *c);

/* Opens the files or the database, and each table's output.  Returns 0 or ERR_ENV. */
int export_open(struct export_out *out, struct export_table *t, size_t n, struct error *err);
/* Writes one row of table t. */
int export_write_row(struct export_out *out, struct export_table *t,
		     const struct export_row *row, struct error *err);
/* Finishes the output: every file renamed into place.  Returns 0 or ERR_ENV. */
int export_finish(struct export_out *out, struct export_table *t, size_t n, struct error *err);
/* Frees what out and the tables' outputs hold, removing the files of an unfinished export. */
void export_close(struct export_out *out, struct export_table *t, size_t n);

#endif
