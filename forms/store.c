/*
 * store.c - the workspace's SQLite store: opening and migrating the
 * database, its settings and record numbers (the records are in
 * store_records.c).
 */
#include "store.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store_priv.h"
#include "util.h"

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
	/*
	 * 2: every change of a record takes the next revision; sync remembers
	 * the revision it last sent, so that a record changed while a sync
	 * was running is sent again.  Records stored before are unsent.
	 */
	"ALTER TABLE records ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE records ADD COLUMN synced_rev INTEGER NOT NULL DEFAULT -1;",
	/*
	 * 3: a sync that found an answer changed two ways marks the record
	 * 'conflict' (a status of this laptop only, never in a file) and keeps
	 * both values until a person picks.  SQLite cannot change a CHECK, so
	 * the records table is copied into one that allows the new status.
	 */
	"CREATE TABLE records3("
	" id TEXT PRIMARY KEY,"
	" form TEXT NOT NULL,"
	" version TEXT NOT NULL,"
	" status TEXT NOT NULL"
	"  CHECK(status IN ('draft','complete','void','rejected','conflict')),"
	" title TEXT,"
	" created TEXT,"
	" modified TEXT,"
	" body TEXT NOT NULL,"
	" search TEXT NOT NULL,"
	" answers_hash BLOB NOT NULL,"
	" rev INTEGER NOT NULL DEFAULT 0,"
	" synced_rev INTEGER NOT NULL DEFAULT -1);"
	"INSERT INTO records3 SELECT id, form, version, status, title, created, modified,"
	" body, search, answers_hash, rev, synced_rev FROM records;"
	"DROP TABLE records;"
	"ALTER TABLE records3 RENAME TO records;"
	"CREATE INDEX records_answers_hash ON records(answers_hash);"
	"CREATE INDEX records_status ON records(status);"
	"CREATE TABLE conflicts("
	" record TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" ours TEXT,"
	" theirs TEXT,"
	" tree INTEGER NOT NULL DEFAULT 0,"
	" picked INTEGER NOT NULL DEFAULT 0,"
	" pick TEXT,"
	" PRIMARY KEY(record, path));",
	/*
	 * 4: the records a sync must send, found without reading the others:
	 * rev and synced_rev come after each record's body, so testing them
	 * on every row read the whole store (its overflow pages) at every
	 * sync.
	 */
	"CREATE INDEX records_unsent ON records(id) WHERE rev > synced_rev;",
	/*
	 * 5: a group or repeat item changed two ways keeps each side's node
	 * as record text, so that either side can be put back whole.
	 */
	"ALTER TABLE conflicts ADD COLUMN ours_text TEXT;"
	"ALTER TABLE conflicts ADD COLUMN theirs_text TEXT;",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(*migrations)))

static const char *const queries[NQUERIES] = {
	[Q_CONFIG_GET] = "SELECT value FROM config WHERE key = ?1",
	[Q_CONFIG_SET] = "INSERT INTO config(key, value) VALUES(?1, ?2)"
			 " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_NEXT_SEQ] = "INSERT INTO counters(name, value) VALUES('record', 1)"
		       " ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
	[Q_NEXT_REV] = "INSERT INTO counters(name, value) VALUES('rev', 1)"
		       " ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value",
	[Q_GET] = "SELECT id, status, title, created, modified, body FROM records WHERE id = ?1",
	[Q_CREATED] = "SELECT created FROM records WHERE id = ?1",
	[Q_PUT] = "INSERT INTO records(id, form, version, status, title, created, modified,"
		  " body, search, answers_hash, rev)"
		  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		  " ON CONFLICT(id) DO UPDATE SET form = excluded.form,"
		  " version = excluded.version, status = excluded.status,"
		  " title = excluded.title, created = excluded.created,"
		  " modified = excluded.modified, body = excluded.body,"
		  " search = excluded.search, answers_hash = excluded.answers_hash,"
		  " rev = excluded.rev",
	[Q_SET_SYNCED] = "UPDATE records SET synced_rev = ?2 WHERE id = ?1 AND synced_rev < ?2",
	[Q_FIND_SAME] = "SELECT id FROM records WHERE answers_hash = ?1 ORDER BY id LIMIT 1",
	[Q_COUNT] = "SELECT status, count(*) FROM records GROUP BY status",
	[Q_CONFLICT_CLEAR] = "DELETE FROM conflicts WHERE record = ?1",
	[Q_CONFLICT_KEEP] = "UPDATE records SET status = 'conflict' WHERE id = ?1"
			    " AND EXISTS(SELECT 1 FROM conflicts WHERE record = ?1)",
};

int store_db_error(const struct store *s, int rc, const char *what, struct error *err)
{
	int sys = sqlite3_system_errno(s->db);

	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return error_at(err, ERR_ENV, s->path, 0, 0,
				"%s: %s (another dieutra is using this workspace: "
				"close it and try again)", what, sqlite3_errmsg(s->db));
	/* SQLite calls a full disk a "disk I/O error" when it strikes in the journal. */
	if ((rc & 0xff) == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
		return error_at(err, ERR_ENV, s->path, 0, 0,
				"%s: the disk is full (%s): free some space, then run the "
				"command again; what was saved before is kept", what,
				sqlite3_errmsg(s->db));
	return error_at(err, ERR_ENV, s->path, 0, 0, "%s: %s", what, sqlite3_errmsg(s->db));
}

void store_stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

int store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

char *store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? xstrdup((const char *)v) : NULL;
}

static int exec(struct store *s, const char *sql, const char *what, struct error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : store_db_error(s, rc, what, err);
}

int store_begin(struct store *s, struct error *err)
{
	if (s->batch)
		return exec(s, "SAVEPOINT change", "cannot start a transaction", err);
	return exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err);
}

int store_commit(struct store *s, struct error *err)
{
	int ret;

	if (s->batch)
		return exec(s, "RELEASE change", "cannot commit", err);
	util_crash_point("store-commit");
	ret = exec(s, "COMMIT", "cannot commit", err);
	util_crash_point("store-committed");
	return ret;
}

/*
 * Undoes the open transaction after a failure.  SQLite may already have
 * rolled it back by itself (after SQLITE_FULL, SQLITE_IOERR, ...), which is
 * what the autocommit check is for; the failure that led here is the one
 * worth reporting, so this one adds nothing to err.
 */
void store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	if (s->batch)
		sqlite3_exec(s->db, "ROLLBACK TO change; RELEASE change", NULL, NULL, NULL);
	else
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_batch_begin(struct store *s, struct error *err)
{
	int ret = store_begin(s, err);

	s->batch = !ret;
	return ret;
}

int store_batch_end(struct store *s, bool keep, struct error *err)
{
	s->batch = false;
	if (sqlite3_get_autocommit(s->db))
		return keep ? error_add(err, ERR_ENV, "%s: the changes were lost", s->path) : 0;
	if (keep)
		return store_commit(s, err);
	store_rollback(s);
	return 0;
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
		ret = store_db_error(s, rc, "cannot read the schema version", err);
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
		ret = store_begin(s, err);
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
			ret = store_commit(s, err);
		if (ret) {
			store_rollback(s);
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
		ret = store_db_error(s, rc, "cannot set the busy timeout", err);
		goto out;
	}
	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		ret = store_db_error(s, rc, "cannot open the database", err);
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
	/* secure_delete: what a change removes is zeroed, not left in free space. */
	ret = exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
		   " PRAGMA secure_delete = ON",
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
			return store_db_error(s, rc, "cannot prepare a query", err);
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
	/* For the answers' fingerprints; later calls return at once. */
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
			ret = store_db_error(s, rc, "cannot open the database", err);
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
		*value = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot read a database setting", err);
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	free(sql);
	return ret;
}

int store_text_by_key(struct store *s, int q, const char *key, char **value,
		      const char *what, struct error *err)
{
	sqlite3_stmt *st = s->q[q];
	int rc, ret = ERR_ENV;

	*value = NULL;
	rc = store_bind_text(st, 1, key);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*value = store_column_dup(st, 0);
	else if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, what, err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

int store_config_get(struct store *s, const char *key, char **value, struct error *err)
{
	return store_text_by_key(s, Q_CONFIG_GET, key, value, "cannot read the settings", err);
}

int store_config_set(struct store *s, const char *key, const char *value, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_CONFIG_SET];
	int rc, ret = ERR_ENV;

	rc = store_bind_text(st, 1, key);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 2, value);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot save the settings", err);
		goto out;
	}
	ret = 0;
out:
	store_stmt_done(st);
	return ret;
}

int store_next_seq(struct store *s, long *seq, struct error *err)
{
	sqlite3_stmt *st = s->q[Q_NEXT_SEQ];
	int rc, ret;

	ret = store_begin(s, err);
	if (ret)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = (long)sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_DONE) {
		ret = store_db_error(s, rc, "cannot take a record number", err);
		goto out;
	}
	/* Only once COMMIT has returned is the number durably taken. */
	ret = store_commit(s, err);
out:
	store_stmt_done(st);
	if (ret)
		store_rollback(s);
	return ret;
}
