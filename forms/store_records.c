/*
 * store_records.c - the records of the store: each with its canonical
 * text, its accent-blind search key and the fingerprint of its answers.
 */
#include "store.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store_priv.h"
#include "text.h"
#include "util.h"

#define HASH_BYTES 32 /* BLAKE2b-256 */

static const char *const statuses[4] = { "draft", "complete", "void", "rejected" };

void store_row_release(struct store_row *row)
{
	free(row->id);
	free(row->status);
	free(row->title);
	free(row->created);
	free(row->modified);
	free(row->body);
	free(row->search);
	memset(row, 0, sizeof(*row));
}

/* Appends every answer under n to sb, each after a space. */
static void add_answers(struct sbuf *sb, const struct record_node *n)
{
	size_t i;

	/* A sealed answer's text is noise to a search. */
	if (n->kind == RECORD_SCALAR && n->sealed)
		return;
	if (n->kind == RECORD_SCALAR) {
		sbuf_addc(sb, ' ');
		sbuf_adds(sb, n->value);
		return;
	}
	for (i = 0; i < n->nkids; i++)
		add_answers(sb, n->kids[i]);
}

static char *search_key(const struct record *r, const char *title)
{
	struct sbuf sb = SBUF_INIT;
	char *key;

	sbuf_adds(&sb, r->id);
	if (title) {
		sbuf_addc(&sb, ' ');
		sbuf_adds(&sb, title);
	}
	add_answers(&sb, r->data);
	key = text_fold(sbuf_str(&sb));
	sbuf_release(&sb);
	return key;
}

/*
 * The fingerprint of r's answers.  A 256-bit BLAKE2b hash: two different
 * sets of answers colliding is not a practical concern, so the hash alone
 * decides store_find_same().
 */
static void answers_hash(const struct record *r, unsigned char hash[HASH_BYTES])
{
	struct sbuf sb = SBUF_INIT;

	record_write_answers(r, &sb);
	crypto_generichash(hash, HASH_BYTES, (const unsigned char *)sbuf_str(&sb), sb.len,
			   NULL, 0);
	sbuf_release(&sb);
}

static int check_storable(const struct record *r, struct error *err)
{
	if (!r->id)
		return error_add(err, ERR_DATA, "a record needs an id to be stored");
	if (!r->form || !r->version)
		return error_add(err, ERR_DATA, "record %s: the form and its version are missing",
				 r->id);
	if (!r->status || !record_status_valid(r->status))
		return error_add(err, ERR_DATA,
				 "record %s: status '%s' is not draft, complete, void or rejected",
				 r->id, r->status ? r->status : "");
	return 0;
}

/* Takes the next revision inside the open transaction. */
static int next_rev(struct store *s, long long *rev, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_NEXT_REV];
	int rc, ret = ERR_ENV;

	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rev = (long long)sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot number a change", err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

int store_set_synced(struct store *s, const char *id, long long rev, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_SET_SYNCED];
	int rc, ret = ERR_ENV;

	rc = store_bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, rev);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot mark a record as sent", err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

/* Runs prepared statement q, which changes rows, with id bound to ?1. */
static int step_id(struct store *s, int q, const char *id, const char *what, struct error *err)
{
	sqlite3_stmt *st = s->q[q];
	int rc, ret = 0;

	rc = store_bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		ret = store_db_error(s, rc, what, err);
	store_stmt_done(st);
	return ret;
}

/* The current revision of id inside the open transaction, -1 when there is none. */
static int current_rev(struct store *s, const char *id, long long *rev, struct error *err)
{
	long long synced;

	return store_sync_state(s, id, rev, &synced, err);
}

/*
 * store_put(), and when synced the new revision counts as already sent.
 * A person's save settles the record's conflicts; a version that came in
 * leaves them to the person, and the record in conflict.  With expect >= 0,
 * only when the stored record is at revision expect (*replaced says whether
 * it was).
 */
static int put(struct store *s, const struct record *r, const char *title, bool synced,
	       long long expect, bool *replaced, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_PUT];
	struct record rec = *r; /* a shallow copy, to fill in the stored created stamp */
	struct sbuf body = SBUF_INIT;
	unsigned char hash[HASH_BYTES];
	char *search = NULL, *created = NULL;
	long long rev = 0;
	int rc, ret;

	ret = check_storable(r, err);
	if (ret)
		return ret;
	ret = store_begin(s, err);
	if (ret)
		return ret;
	if (expect >= 0) {
		ret = current_rev(s, r->id, &rev, err);
		if (ret)
			goto out;
		*replaced = rev == expect;
		if (!*replaced) {
			ret = store_commit(s, err);
			goto out;
		}
	}
	ret = next_rev(s, &rev, err);
	if (ret)
		goto out;
	if (!r->created) {
		ret = store_text_by_key(s, Q_CREATED, r->id, &created, "cannot read a record", err);
		if (ret)
			goto out;
		rec.created = created;
	}
	record_write(&rec, &body);
	search = search_key(&rec, title);
	answers_hash(&rec, hash);
	rc = store_bind_text(st, 1, rec.id);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 2, rec.form);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 3, rec.version);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 4, rec.status);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 5, title);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 6, rec.created);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 7, rec.modified);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 8, sbuf_str(&body));
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 9, search);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 10, hash, HASH_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 11, rev);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot store a record", err);
		goto out;
	}
	if (synced)
		ret = store_set_synced(s, rec.id, rev, err);
	if (!ret)
		ret = step_id(s, synced ? Q_CONFLICT_KEEP : Q_CONFLICT_CLEAR, rec.id,
			      "cannot store a record's conflicts", err);
	if (!ret)
		ret = store_commit(s, err);
out:
	store_stmt_done(st);
	if (ret)
		store_rollback(s);
	sbuf_release(&body);
	free(search);
	free(created);
	return ret;
}

int store_put(struct store *s, const struct record *r, const char *title, struct error *err)
{
	return put(s, r, title, false, -1, NULL, err);
}

int store_put_synced(struct store *s, const struct record *r, const char *title,
		     struct error *err)
{
	return put(s, r, title, true, -1, NULL, err);
}

int store_put_sealed(struct store *s, const struct record *r, const char *title,
		     long long rev, bool *replaced, struct error *err)
{
	*replaced = false;
	return put(s, r, title, true, rev, replaced, err);
}

int store_get(struct store *s, const char *id, struct store_row *row, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_GET];
	int rc, ret = ERR_ENV;

	memset(row, 0, sizeof(*row));
	rc = store_bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = error_add(err, ERR_NOTFOUND, "no record %s in this workspace", id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = store_db_error(s, rc, "cannot read a record", err);
		goto out;
	}
	row->id = store_column_dup(st, 0);
	row->status = store_column_dup(st, 1);
	row->title = store_column_dup(st, 2);
	row->created = store_column_dup(st, 3);
	row->modified = store_column_dup(st, 4);
	row->body = store_column_dup(st, 5);
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

int store_find_same(struct store *s, const struct record *r, char **id, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_FIND_SAME];
	unsigned char hash[HASH_BYTES];
	int rc, ret = ERR_ENV;

	*id = NULL;
	answers_hash(r, hash);
	rc = sqlite3_bind_blob(st, 1, hash, HASH_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot look for an equal record", err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

/*
 * The words beyond STORE_SEARCH_WORDS are ignored.  Unused word slots are
 * NULL, which the IS NULL test turns into "true".
 */
static const char list_sql[] =
	"SELECT id, status, title, created, modified, body FROM records"
	" WHERE (?1 IS NULL OR status = ?1)"
	" AND (?2 IS NULL OR search LIKE ?2 ESCAPE '\\')"
	" AND (?3 IS NULL OR search LIKE ?3 ESCAPE '\\')"
	" AND (?4 IS NULL OR search LIKE ?4 ESCAPE '\\')"
	" AND (?5 IS NULL OR search LIKE ?5 ESCAPE '\\')"
	" AND (?6 IS NULL OR search LIKE ?6 ESCAPE '\\')"
	" AND (?7 IS NULL OR search LIKE ?7 ESCAPE '\\')"
	" AND (?8 IS NULL OR search LIKE ?8 ESCAPE '\\')"
	" AND (?9 IS NULL OR search LIKE ?9 ESCAPE '\\')"
	" ORDER BY id LIMIT ?10";
#define LIST_WORD_PARAM 2
#define LIST_LIMIT_PARAM 10
_Static_assert(LIST_LIMIT_PARAM - LIST_WORD_PARAM == STORE_SEARCH_WORDS,
	       "list_sql has one parameter per search word");

/*
 * Splits the folded query into at most STORE_SEARCH_WORDS LIKE patterns
 * (%word%, with % _ and \ escaped so that they match themselves).
 */
static size_t search_patterns(const char *search, char *pat[STORE_SEARCH_WORDS])
{
	char *folded = text_fold(search), *p = folded;
	struct sbuf sb = SBUF_INIT;
	size_t n = 0;

	while (n < STORE_SEARCH_WORDS) {
		p += strspn(p, " ");
		if (!*p)
			break;
		sbuf_addc(&sb, '%');
		for (; *p && *p != ' '; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				sbuf_addc(&sb, '\\');
			sbuf_addc(&sb, *p);
		}
		sbuf_addc(&sb, '%');
		pat[n++] = sbuf_detach(&sb);
	}
	free(folded);
	return n;
}

int store_list(struct store *s, const struct store_query *q,
	       int (*fn)(void *data, const struct store_row *row), void *data,
	       struct error *err)
{
	char *pat[STORE_SEARCH_WORDS];
	struct store_row row = { 0 };
	sqlite3_stmt *st = NULL;
	size_t i, npat = 0;
	int rc, ret = ERR_ENV;

	if (q->search)
		npat = search_patterns(q->search, pat);
	/*
	 * Prepared per call rather than once: fn may list again (a nested
	 * store_list would reset a shared statement under the outer loop).
	 */
	rc = sqlite3_prepare_v2(s->db, list_sql, sizeof(list_sql), &st, NULL);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 1, q->status);
	for (i = 0; i < npat && rc == SQLITE_OK; i++)
		rc = store_bind_text(st, LIST_WORD_PARAM + (int)i, pat[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, LIST_LIMIT_PARAM, q->limit > 0 ? q->limit : -1);
	if (rc != SQLITE_OK) {
		ret = store_db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Valid until the next step, which is all fn may rely on (store.h). */
		store_row_view(st, &row, q->with_body);
		ret = fn(data, &row);
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < npat; i++)
		free(pat[i]);
	return ret;
}

/*
 * Without a limit the table is read in its own order: in id order, every
 * row would be looked up through the id index, one seek each.
 */
static const char *const keys_sql[] = {
	"SELECT id, status, title, search FROM records",
	"SELECT id, status, title, search FROM records ORDER BY id LIMIT ?1",
	"SELECT id, status, title, search FROM records WHERE id = ?1",
};

int store_list_keys(struct store *s, const char *id, int limit,
		    int (*fn)(void *data, const struct store_row *row), void *data,
		    struct error *err)
{
	struct store_row row = { 0 };
	sqlite3_stmt *st = NULL;
	int rc, ret = ERR_ENV;

	rc = sqlite3_prepare_v2(s->db, keys_sql[id ? 2 : limit > 0], -1, &st, NULL);
	if (rc == SQLITE_OK && id)
		rc = store_bind_text(st, 1, id);
	else if (rc == SQLITE_OK && limit > 0)
		rc = sqlite3_bind_int(st, 1, limit);
	if (rc != SQLITE_OK) {
		ret = store_db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.id = (char *)sqlite3_column_text(st, 0);
		row.status = (char *)sqlite3_column_text(st, 1);
		row.title = (char *)sqlite3_column_text(st, 2);
		row.search = (char *)sqlite3_column_text(st, 3);
		ret = fn(data, &row);
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_count(struct store *s, long n[4], struct error *err)
{
	sqlite3_stmt *st = s->q[Q_COUNT];
	const char *status;
	int rc, i, ret = ERR_ENV;

	memset(n, 0, 4 * sizeof(*n));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < 4; i++)
			if (status && !strcmp(status, statuses[i]))
				n[i] = (long)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot count the records", err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

void store_row_view(sqlite3_stmt *st, struct store_row *row, bool with_body)
{
	row->id = (char *)sqlite3_column_text(st, 0);
	row->status = (char *)sqlite3_column_text(st, 1);
	row->title = (char *)sqlite3_column_text(st, 2);
	row->created = (char *)sqlite3_column_text(st, 3);
	row->modified = (char *)sqlite3_column_text(st, 4);
	row->body = with_body ? (char *)sqlite3_column_text(st, 5) : NULL;
}
