/*
 * store_priv.h - what the files of the store module share: the store
 * itself, its prepared statements and the SQLite helpers.  Not for other
 * modules.
 */
#ifndef DIEUTRA_STORE_PRIV_H
#define DIEUTRA_STORE_PRIV_H

#include <sqlite3.h>

#include "store.h"

/* The statements of the hot paths, prepared once by store_open(). */
enum {
	Q_CONFIG_GET,
	Q_CONFIG_SET,
	Q_NEXT_SEQ,
	Q_NEXT_REV,
	Q_GET,
	Q_CREATED,
	Q_PUT,
	Q_SET_SYNCED,
	Q_FIND_SAME,
	Q_COUNT,
	Q_CONFLICT_CLEAR,
	Q_CONFLICT_KEEP,
	NQUERIES
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *q[NQUERIES];
	bool batch; /* inside store_batch_begin(): each change is a savepoint */
};

/*
 * Appends SQLite's own account of the last failure on s->db (rc is what the
 * failed call returned), with the path; returns ERR_ENV.
 */
int store_db_error(const struct store *s, int rc, const char *what, struct error *err);
/* Readies st for its next use; the error of its last step was already reported. */
void store_stmt_done(sqlite3_stmt *st);
/* Binds v, or NULL when v is NULL; the string must outlive the step. */
int store_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Column i as a new string the caller frees, or NULL. */
char *store_column_dup(sqlite3_stmt *st, int i);
/*
 * Points row at the current result of a statement selecting id, status,
 * title, created, modified, body (in that order); valid until the next step.
 */
void store_row_view(sqlite3_stmt *st, struct store_row *row, bool with_body);
/*
 * Runs prepared statement q with key bound to ?1; *value is a copy of the
 * first column of its row (caller frees), NULL when there is no row.  `what`
 * names the operation in an error message.
 */
int store_text_by_key(struct store *s, int q, const char *key, char **value,
		      const char *what, struct error *err);
/*
 * Records that revision rev of record id was sent, unless a later one was
 * already; inside the caller's transaction, if any.
 */
int store_set_synced(struct store *s, const char *id, long long rev, struct error *err);
/* BEGIN IMMEDIATE: takes the write lock now, so that a busy database fails here. */
int store_begin(struct store *s, struct error *err);
int store_commit(struct store *s, struct error *err);
/* Undoes the open transaction, if any, after a failure already reported. */
void store_rollback(struct store *s);

#endif
