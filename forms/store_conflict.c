/*
 * store_conflict.c - answers a sync found changed two ways, kept with
 * both values until a person picks (store.h).
 */
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include "store_priv.h"
#include "util.h"

void store_conflict_release(struct store_conflict *c)
{
	free(c->record);
	free(c->path);
	free(c->ours);
	free(c->theirs);
	free(c->pick);
	free(c->ours_text);
	free(c->theirs_text);
	memset(c, 0, sizeof(*c));
}

bool store_conflict_side(const struct store_conflict *c, bool theirs, const char **value)
{
	const char *answer = theirs ? c->theirs : c->ours;
	const char *text = theirs ? c->theirs_text : c->ours_text;

	*value = c->tree ? text : answer;
	return !c->tree || !answer || text;
}

/*
 * Runs sql, a statement that changes rows, with the texts args bound to
 * ?1, ?2...  (NULL binds NULL); *changes is how many rows it changed.
 */
static int run(struct store *s, const char *sql, const char *const *args, int nargs,
	       int *changes, const char *what, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int i, rc, ret = 0;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	for (i = 0; i < nargs && rc == SQLITE_OK; i++)
		rc = store_bind_text(st, i + 1, args[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		ret = store_db_error(s, rc, what, err);
	else if (changes)
		*changes = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return ret;
}

int store_conflict_put(struct store *s, const struct store_conflict *c, struct error *err)
{
	const char *args[] = { c->record, c->path, c->ours, c->theirs, c->tree ? "1" : "0",
			       c->ours_text, c->theirs_text };
	const char *what = "cannot keep a conflict";
	int changes = 0, ret;

	ret = store_begin(s, err);
	if (ret)
		return ret;
	ret = run(s, "UPDATE records SET status = 'conflict' WHERE id = ?1", args, 1, &changes,
		  what, err);
	if (!ret && !changes)
		ret = error_add(err, ERR_NOTFOUND, "no record %s in this workspace", c->record);
	if (!ret)
		ret = run(s, "INSERT OR REPLACE INTO conflicts(record, path, ours, theirs, tree,"
			  " ours_text, theirs_text) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)", args, 7,
			  NULL, what, err);
	if (!ret)
		ret = store_commit(s, err);
	if (ret)
		store_rollback(s);
	return ret;
}

int store_conflict_list(struct store *s, const char *id, struct store_conflict **out,
			size_t *n, struct error *err)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc, ret = 0;

	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(s->db, "SELECT record, path, ours, theirs, tree, picked, pick,"
				" ours_text, theirs_text FROM conflicts WHERE record = ?1 ORDER BY path", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 1, id);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_conflict *c;

		ALLOC_GROW(*out, *n + 1, alloc);
		c = &(*out)[(*n)++];
		c->record = store_column_dup(st, 0);
		c->path = store_column_dup(st, 1);
		c->ours = store_column_dup(st, 2);
		c->theirs = store_column_dup(st, 3);
		c->tree = sqlite3_column_int(st, 4) != 0;
		c->picked = sqlite3_column_int(st, 5) != 0;
		c->pick = store_column_dup(st, 6);
		c->ours_text = store_column_dup(st, 7);
		c->theirs_text = store_column_dup(st, 8);
		rc = SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		ret = store_db_error(s, rc, "cannot read a record's conflicts", err);
	sqlite3_finalize(st);
	return ret;
}

int store_conflict_pick(struct store *s, const char *id, const char *path, const char *value,
			struct error *err)
{
	const char *args[] = { id, path, value };
	int changes = 0, ret;

	ret = run(s, "UPDATE conflicts SET picked = 1, pick = ?3 WHERE record = ?1 AND path = ?2",
		  args, 3, &changes, "cannot keep a pick", err);
	if (!ret && !changes)
		ret = error_add(err, ERR_NOTFOUND, "%s has no conflict at %s", id, path);
	return ret;
}
