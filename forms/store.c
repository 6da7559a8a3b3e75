/*
 * store.c - the workspace's SQLite store: opening and migrating, settings,
 * record numbers, and the records with their search key and fingerprint.
 */
#include "store.h"

#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record.h"
#include "text.h"
#include "util.h"

#define HASH_BYTES 32 /* BLAKE2b-256 */

/*
 * The schema, one script per version: user_version is the number of
 * scripts applied.  Append a script to change the schema; never edit one
 * that has shipped, since databases out there have already run it.
 */
static const char *const migrations[] = {
	/* 1: settings, record numbers and records */
	"CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE records("
	" id TEXT PRIMARY KEY,"
	" form TEXT NOT NULL,"
	" version TEXT NOT NULL,"
	" status TEXT NOT NULL CHECK(status IN ('draft','complete','void','rejected')),"
	" title TEXT,"
	" created TEXT,"
	" modified TEXT,"
	" body TEXT NOT NULL,"
	" search TEXT NOT NULL,"
	" answers_hash BLOB NOT NULL);"
	"CREATE INDEX records_answers_hash ON records(answers_hash);"
	"CREATE INDEX records_status ON records(status);",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(*migrations)))

static const char *const statuses[4] = { "draft", "complete", "void", "rejected" };

/* The statements of the hot paths, prepared once by store_open(). */
enum {
	Q_CONFIG_GET,
	Q_CONFIG_SET,
	Q_NEXT_SEQ,
	Q_GET,
	Q_CREATED,
	Q_PUT,
	Q_FIND_SAME,
	Q_COUNT,
	NQUERIES
};

static const char *const queries[NQUERIES] = {
	[Q_CONFIG_GET] = "SELECT value FROM config WHERE key = ?1",
	[Q_CONFIG_SET] = "INSERT INTO config(key, value) VALUES(?1, ?2)"
			 " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_NEXT_SEQ] = "INSERT INTO counters(name, value) VALUES('record', 1)"
		       " ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
	[Q_GET] = "SELECT id, status, title, created, modified, body FROM records WHERE id = ?1",
	[Q_CREATED] = "SELECT created FROM records WHERE id = ?1",
	[Q_PUT] = "INSERT INTO records(id, form, version, status, title, created, modified,"
		  " body, search, answers_hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		  " ON CONFLICT(id) DO UPDATE SET form = excluded.form,"
		  " version = excluded.version, status = excluded.status,"
		  " title = excluded.title, created = excluded.created,"
		  " modified = excluded.modified, body = excluded.body,"
		  " search = excluded.search, answers_hash = excluded.answers_hash",
	[Q_FIND_SAME] = "SELECT id FROM records WHERE answers_hash = ?1 ORDER BY id LIMIT 1",
	[Q_COUNT] = "SELECT status, count(*) FROM records GROUP BY status",
};

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *q[NQUERIES];
};

/* Appends SQLite's own account of the last failure on s->db, with the path. */
static int db_error(const struct store *s, int rc, const char *what, struct error *err)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return error_at(err, ERR_ENV, s->path, 0, 0,
				"%s: %s (another dieutra is using this workspace: "
				"close it and try again)", what, sqlite3_errmsg(s->db));
	return error_at(err, ERR_ENV, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

/* Readies st for its next use; the error of its last step was already reported. */
static void stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Binds v, or NULL when v is NULL; the string must outlive the step. */
static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static char *column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

static int exec(struct store *s, const char *sql, const char *what, struct error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_error(s, rc, what, err);
}

/* Takes the write lock now, so that a busy database fails here and not at COMMIT. */
static int begin(struct store *s, struct error *err)
{
	return exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
}

static int commit(struct store *s, struct error *err)
{
	return exec(s, "COMMIT", "cannot commit", err);
}

/*
 * Undoes the open transaction after a failure.  SQLite may already have
 * rolled it back by itself (after SQLITE_FULL, SQLITE_IOERR, ...), which is
 * what the autocommit check is for; the failure that led here is the one
 * worth reporting, so this one adds nothing to err.
 */
static void rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Reads PRAGMA user_version into *version. */
static int user_version(struct store *s, int *version, struct error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = ERR_ENV;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = db_error(s, rc, "cannot read the schema version", err);
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

static int too_new(struct store *s, int version, struct error *err)
{
	return error_at(err, ERR_ENV, s->path, 0, 0,
			"made by a newer dieutra (schema %d; this one knows up to %d): "
			"upgrade dieutra", version, NMIGRATIONS);
}

/*
 * Applies the scripts the database has not run, each in its own
 * transaction together with the new user_version, so that an interrupted
 * upgrade resumes where it stopped.  The version is read again under the
 * write lock: another process may have upgraded the file meanwhile.
 */
static int migrate(struct store *s, struct error *err)
{
	char *sql = NULL;
	int version, ret;

	ret = user_version(s, &version, err);
	if (ret)
		return ret;
	if (version > NMIGRATIONS)
		return too_new(s, version, err);
	while (version < NMIGRATIONS) {
		ret = begin(s, err);
		if (ret)
			break;
		ret = user_version(s, &version, err);
		if (!ret && version > NMIGRATIONS)
			ret = too_new(s, version, err);
		if (!ret && version < NMIGRATIONS) {
			sql = xasprintf("%s; PRAGMA user_version = %d;",
					migrations[version], version + 1);
			ret = exec(s, sql, "cannot upgrade the database", err);
			free(sql);
			version++;
		}
		if (!ret)
			ret = commit(s, err);
		if (ret) {
			rollback(s);
			break;
		}
	}
	return ret;
}

/* What a workspace database needs of every connection. */
static int configure(struct store *s, struct error *err)
{
	sqlite3_stmt *st = NULL;
	const char *mode;
	int rc, ret = ERR_ENV;

	rc = sqlite3_busy_timeout(s->db, 5000);
	if (rc != SQLITE_OK) {
		ret = db_error(s, rc, "cannot set the busy timeout", err);
		goto out;
	}
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = db_error(s, rc, "cannot open the database", err);
		goto out;
	}
	/* SQLite answers with the mode in force: the old one when WAL is impossible. */
	mode = (const char *)sqlite3_column_text(st, 0);
	if (!mode || strcmp(mode, "wal")) {
		ret = error_at(err, ERR_ENV, s->path, 0, 0,
			       "cannot use write-ahead logging (journal mode stays '%s'): "
			       "keep the workspace on a local disk", mode ? mode : "");
		goto out;
	}
	ret = exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
		   "cannot configure the database", err);
out:
	sqlite3_finalize(st);
	return ret;
}

static int prepare_all(struct store *s, struct error *err)
{
	int i, rc;

	for (i = 0; i < NQUERIES; i++) {
		rc = sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT,
					&s->q[i], NULL);
		if (rc != SQLITE_OK)
			return db_error(s, rc, "cannot prepare a query", err);
	}
	return 0;
}

int store_open(const char *path, bool create, struct store **out, struct error *err)
{
	struct store *s = xcalloc(1, sizeof(*s));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat st;
	int rc, ret = ERR_ENV;

	*out = NULL;
	s->path = xstrdup(path);
	if (sodium_init() < 0) {
		ret = error_add(err, ERR_ENV, "cannot initialise libsodium");
		goto out;
	}
	if (create) {
		flags |= SQLITE_OPEN_CREATE;
	} else if (stat(path, &st)) {
		if (errno == ENOENT)
			ret = error_add(err, ERR_NOTFOUND,
					"no workspace here (no %s): run `dieutra init` first",
					STORE_FILE);
		else
			ret = error_at(err, ERR_ENV, path, 0, 0, "cannot open: %s",
				       strerror(errno));
		goto out;
	}
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		if (s->db)
			ret = db_error(s, rc, "cannot open the database", err);
		else
			ret = error_at(err, ERR_ENV, path, 0, 0, "cannot open the database: %s",
				       sqlite3_errstr(rc));
		goto out;
	}
	ret = configure(s, err);
	if (!ret)
		ret = migrate(s, err);
	if (!ret)
		ret = prepare_all(s, err);
	if (ret)
		goto out;
	*out = s;
	s = NULL;
out:
	if (s)
		store_close(s);
	return ret;
}

void store_close(struct store *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < NQUERIES; i++)
		sqlite3_finalize(s->q[i]);
	/* sqlite3_close() refuses only while statements remain, and none do now. */
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int store_schema_version(void)
{
	return NMIGRATIONS;
}

int store_pragma(struct store *s, const char *name, char **value, struct error *err)
{
	sqlite3_stmt *st = NULL;
	char *sql = NULL;
	int rc, ret = ERR_ENV;

	*value = NULL;
	/* The name goes into the SQL text (a PRAGMA takes no parameters): letters only. */
	if (!*name || name[strspn(name, "abcdefghijklmnopqrstuvwxyz_")])
		return error_add(err, ERR_USAGE, "'%s' is not a PRAGMA name", name);
	sql = xasprintf("PRAGMA %s", name);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot read a database setting", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	return ret;
}

int store_config_get(struct store *s, const char *key, char **value, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_CONFIG_GET];
	int rc, ret = ERR_ENV;

	*value = NULL;
	rc = bind_text(st, 1, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot read the settings", err);
		goto out;
	}
	ret = 0;
out:
	stmt_done(st);
	return ret;
}

int store_config_set(struct store *s, const char *key, const char *value, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_CONFIG_SET];
	int rc, ret = ERR_ENV;

	rc = bind_text(st, 1, key);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, value);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot save the settings", err);
		goto out;
	}
	ret = 0;
out:
	stmt_done(st);
	return ret;
}

int store_next_seq(struct store *s, long *seq, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_NEXT_SEQ];
	int rc, ret;

	ret = begin(s, err);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = (long)sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot take a record number", err);
		goto out;
	}
	/* Only once COMMIT has returned is the number durably taken. */
	ret = commit(s, err);
out:
	stmt_done(st);
	if (ret)
		rollback(s);
	return ret;
}

void store_row_release(struct store_row *row)
{
	free(row->id);
	free(row->status);
	free(row->title);
	free(row->created);
	free(row->modified);
	free(row->body);
	memset(row, 0, sizeof(*row));
}

/* Appends every answer under n to sb, each after a space. */
static void add_answers(struct sbuf *sb, const struct record_node *n)
{
	size_t i;

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

/* The created stamp stored for id, or NULL (none, or no such record); caller frees. */
static int stored_created(struct store *s, const char *id, char **created, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_CREATED];
	int rc, ret = ERR_ENV;

	*created = NULL;
	rc = bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*created = column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot read a record", err);
		goto out;
	}
	ret = 0;
out:
	stmt_done(st);
	return ret;
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

int store_put(struct store *s, const struct record *r, const char *title, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_PUT];
	struct record rec = *r; /* a shallow copy, to fill in the stored created stamp */
	struct sbuf body = SBUF_INIT;
	unsigned char hash[HASH_BYTES];
	char *search = NULL, *created = NULL;
	int rc, ret;

	ret = check_storable(r, err);
	if (ret)
		return ret;
	ret = begin(s, err);
	if (ret)
		return ret;
	if (!r->created) {
		ret = stored_created(s, r->id, &created, err);
		if (ret)
			goto out;
		rec.created = created;
	}
	record_write(&rec, &body);
	search = search_key(&rec, title);
	answers_hash(&rec, hash);
	rc = bind_text(st, 1, rec.id);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 2, rec.form);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 3, rec.version);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 4, rec.status);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 5, title);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 6, rec.created);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 7, rec.modified);
	if (rc == SQLITE_OK)
		rc = bind_text(st, 8, sbuf_str(&body));
	if (rc == SQLITE_OK)
		rc = bind_text(st, 9, search);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob(st, 10, hash, HASH_BYTES, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot store a record", err);
		goto out;
	}
	ret = commit(s, err);
out:
	stmt_done(st);
	if (ret)
		rollback(s);
	sbuf_release(&body);
	free(search);
	free(created);
	return ret;
}

int store_get(struct store *s, const char *id, struct store_row *row, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_GET];
	int rc, ret = ERR_ENV;

	memset(row, 0, sizeof(*row));
	rc = bind_text(st, 1, id);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		ret = error_add(err, ERR_NOTFOUND, "no record %s in this workspace", id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		ret = db_error(s, rc, "cannot read a record", err);
		goto out;
	}
	row->id = column_dup(st, 0);
	row->status = column_dup(st, 1);
	row->title = column_dup(st, 2);
	row->created = column_dup(st, 3);
	row->modified = column_dup(st, 4);
	row->body = column_dup(st, 5);
	ret = 0;
out:
	stmt_done(st);
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
		*id = column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot look for an equal record", err);
		goto out;
	}
	ret = 0;
out:
	stmt_done(st);
	return ret;
}

/*
 * The words beyond STORE_SEARCH_WORDS are ignored.  Unused word slots are
 * NULL, which the IS NULL test turns into "true".
 */
static const char list_sql[] =
	"SELECT id, status, title, created, modified FROM records"
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
		rc = bind_text(st, 1, q->status);
	for (i = 0; i < npat && rc == SQLITE_OK; i++)
		rc = bind_text(st, LIST_WORD_PARAM + (int)i, pat[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, LIST_LIMIT_PARAM, q->limit > 0 ? q->limit : -1);
	if (rc != SQLITE_OK) {
		ret = db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Valid until the next step, which is all fn may rely on (store.h). */
		row.id = (char *)sqlite3_column_text(st, 0);
		row.status = (char *)sqlite3_column_text(st, 1);
		row.title = (char *)sqlite3_column_text(st, 2);
		row.created = (char *)sqlite3_column_text(st, 3);
		row.modified = (char *)sqlite3_column_text(st, 4);
		ret = fn(data, &row);
		if (ret)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		ret = db_error(s, rc, "cannot list the records", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	for (i = 0; i < npat; i++)
		free(pat[i]);
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
		ret = db_error(s, rc, "cannot count the records", err);
		goto out;
	}
	ret = 0;
out:
	stmt_done(st);
	return ret;
}
