/*
 * store_sync.c - what sync asks of the store: the records changed since
 * they were last sent, and marking them sent once the district has them.
 */
#include "store.h"

#include <stdlib.h>

#include "store_priv.h"
#include "util.h"

/* Named, as SQLite's planner would rather take records_status: every record of a commune. */
static const char unsynced_sql[] =
	"SELECT id, status, title, created, modified, body, rev FROM records"
	" INDEXED BY records_unsent"
	" WHERE status IN ('complete', 'void') AND rev > synced_rev ORDER BY id";

int store_list_unsynced(struct store *s,
			int (*fn)(void *data, const struct store_row *row, long long rev),
			void *data, struct error *err)
{
	struct store_row row = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, ret = ERR_ENV;

	/* Prepared per call, as store_list(): fn may use the store. */
	rc = sqlite3_prepare_v2(s->db, unsynced_sql, sizeof(unsynced_sql), &st, NULL);
	if (rc != SQLITE_OK) {
		ret = store_db_error(s, rc, "cannot list the records to send", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_row_view(st, &row, true);
		ret = fn(data, &row, (long long)sqlite3_column_int64(st, 6));
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot list the records to send", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_mark_synced(struct store *s, const struct store_sent *sent, size_t n,
		      struct error *err)
{
	size_t i;
	int ret;

	ret = store_begin(s, err);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret; i++)
		ret = store_set_synced(s, sent[i].id, sent[i].rev, err);
	if (!ret)
		ret = store_commit(s, err);
	if (ret)
		store_rollback(s);
	return ret;
}

int store_sync_state(struct store *s, const char *id, long long *rev, long long *synced_rev,
		     struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = ERR_ENV;

	*rev = *synced_rev = -1;
	rc = sqlite3_prepare_v2(s->db, "SELECT rev, synced_rev FROM records WHERE id = ?1", -1,
				&st, NULL);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rev = (long long)sqlite3_column_int64(st, 0);
		*synced_rev = (long long)sqlite3_column_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot read a record's sync state", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_scrub(struct store *s, bool *complete, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = ERR_ENV;

	*complete = false;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = store_db_error(s, rc, "cannot write the log into the database", err);
		goto out;
	}
	/* Busy: another connection reads; SQLite truncates the log when the last one closes. */
	*complete = sqlite3_column_int(st, 0) == 0;
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}
