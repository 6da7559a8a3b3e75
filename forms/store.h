/*
 * store.h - the workspace's local store of answers (DIR/dieutra.db).
 *
 * SQLite in WAL mode with synchronous=FULL: once a store_* call that changes
 * something has returned 0, the change survives a crash or a power cut.
 * secure_delete is on: what a change removes is overwritten with zeros in
 * the database's pages, not left in free space.
 * Each change is one transaction.  The schema is versioned (PRAGMA
 * user_version) and upgraded in place by store_open().
 */
#ifndef DIEUTRA_STORE_H
#define DIEUTRA_STORE_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct record;

#define STORE_FILE "dieutra.db"

struct store; /* opaque */

/*
 * Opens the store at path (a database file), creating it when create is
 * true and it does not exist, and migrating an older schema.  Returns 0 and
 * *out (close with store_close), ERR_NOTFOUND when it does not exist and
 * create is false, or ERR_ENV (unreadable, locked, corrupt, a newer schema).
 */
int store_open(const char *path, bool create, struct store **out, struct error *err);
void store_close(struct store *s);

/* The schema version this build writes. */
int store_schema_version(void);

/*
 * The value of PRAGMA name (lower-case letters and _) on s's connection, as
 * text: how `journal_mode` and `synchronous` can be checked.  *value is a
 * new string the caller frees, NULL when SQLite gives no value (an unknown
 * name).  Returns 0, ERR_USAGE (not a PRAGMA name) or ERR_ENV.
 */
int store_pragma(struct store *s, const char *name, char **value, struct error *err);

/*
 * Workspace settings (commune, enumerator, device, form, ...).
 * store_config_get() sets *value to a new string the caller frees, or NULL
 * when key is unset.  store_config_set() needs a non-NULL value.
 */
int store_config_get(struct store *s, const char *key, char **value, struct error *err);
int store_config_set(struct store *s, const char *key, const char *value, struct error *err);

/* Takes the next record number of this workspace (1, 2, ...), durably: never handed out twice. */
int store_next_seq(struct store *s, long *seq, struct error *err);

/*
 * A stored record.  Filled by store_get(): strings owned by the store_row,
 * freed by store_row_release().  Passed to a store_list() callback: strings
 * owned by the store and valid only during that call (copy what you keep).
 * title, created and modified may be NULL.
 */
struct store_row {
	char *id, *status, *title, *created, *modified;
	char *body; /* the canonical text (record_write); NULL in listings */
	char *search; /* the folded search key: only from store_list_keys() */
};
void store_row_release(struct store_row *row);

/*
 * Inserts or replaces record r (its id must be set), with its display title
 * (may be NULL).  The body, the search key (ids, title and every answer,
 * folded by text_fold) and the answers' fingerprint are derived from r.
 * When r->created is NULL, the created stamp of the stored record of the
 * same id is kept (in the column and in the body).  The record's conflicts
 * (below) are cleared: this is the person's save that settles them.  Returns 0, ERR_DATA
 * when r lacks an id, form, version or a valid status, or ERR_ENV.
 */
int store_put(struct store *s, const struct record *r, const char *title, struct error *err);

/* Fills row (with body) for id.  Returns 0, ERR_NOTFOUND (with a message) or ERR_ENV. */
int store_get(struct store *s, const char *id, struct store_row *row, struct error *err);

/*
 * The id of a stored record whose answers (record_write_answers) are
 * exactly those of r, or NULL: how `add` of a file without an id knows it
 * has seen it before.  *id is a new string the caller frees.
 */
int store_find_same(struct store *s, const struct record *r, char **id, struct error *err);

/* Words of a search beyond this many are ignored. */
#define STORE_SEARCH_WORDS 8

struct store_query {
	const char *status; /* only this status; NULL: all */
	/*
	 * Every word (folded by text_fold; % _ \ match themselves) must occur
	 * in the record's folded search key, as any part of it; NULL: all.
	 */
	const char *search;
	int limit;          /* 0: no limit */
	bool with_body;     /* fill row->body too */
};

/*
 * Calls fn for each matching record in id order (with its body if asked).  fn
 * returns 0 to go on, non-zero to stop (that value is returned).
 */
int store_list(struct store *s, const struct store_query *q,
	       int (*fn)(void *data, const struct store_row *row), void *data,
	       struct error *err);

/*
 * The list behind a screen of records: calls fn, as store_list() does, for
 * every record (only record id when id is not NULL) with its id, status,
 * title and folded search key (row->search: what store_query.search words
 * are looked for in), without its body.  With limit > 0, the first limit
 * records in id order; otherwise all in the order they are stored, which
 * reads a long list several times faster than id order: the caller sorts.
 */
int store_list_keys(struct store *s, const char *id, int limit,
		    int (*fn)(void *data, const struct store_row *row), void *data,
		    struct error *err);

/*
 * As store_put(), for a record that came from the district repository: the
 * version stored counts as already sent (store_list_unsynced skips it).
 * Its conflicts, if any, stay, and so does its status `conflict`.
 */
int store_put_synced(struct store *s, const struct record *r, const char *title,
		     struct error *err);

/*
 * After a sync sent revision rev of r's record with r's sensitive answers
 * sealed: stores r in place of the clear version, as already sent, unless
 * the record changed since (*replaced false: the later revision keeps its
 * clear answers until it is sent).  Returns 0, ERR_DATA as store_put(),
 * or ERR_ENV.
 */
int store_put_sealed(struct store *s, const struct record *r, const char *title,
		     long long rev, bool *replaced, struct error *err);

/*
 * Writes the WAL into the database and truncates it to nothing, so that
 * what secure_delete removed from the pages is gone from the log too.
 * *complete is false when another connection kept it from finishing (the
 * log is then truncated when the last connection closes).  Returns 0 or
 * ERR_ENV.
 */
int store_scrub(struct store *s, bool *complete, struct error *err);

/*
 * Many changes in one transaction (one write to disk instead of one each):
 * after store_batch_begin(), each change is a savepoint of it, undone alone
 * when it fails; store_batch_end() commits them all (keep) or none.  A
 * crash before the end keeps none.  Both return 0 or ERR_ENV.
 */
int store_batch_begin(struct store *s, struct error *err);
int store_batch_end(struct store *s, bool keep, struct error *err);

/*
 * Sync.  Every change store_put() makes to a record takes the next
 * revision (1, 2, ...); the store remembers the last revision of each
 * record that reached the district.  store_list_unsynced() calls fn, as
 * store_list() does (row with body, valid during the call only), for each
 * complete or void record whose current revision was not sent, in id
 * order, with that revision.
 */
int store_list_unsynced(struct store *s,
			int (*fn)(void *data, const struct store_row *row, long long rev),
			void *data, struct error *err);

/* A record revision the district has received. */
struct store_sent {
	const char *id;
	long long rev;
};

/*
 * Marks the n revisions sent, in one transaction.  A record changed again
 * since (a later revision) stays unsent.  Returns 0 or ERR_ENV.
 */
int store_mark_synced(struct store *s, const struct store_sent *sent, size_t n,
		      struct error *err);

/*
 * The current revision of record id and the last one sent (-1 for never);
 * both -1 when there is no such record.  Returns 0 or ERR_ENV.
 */
int store_sync_state(struct store *s, const char *id, long long *rev, long long *synced_rev,
		     struct error *err);

/*
 * Conflicts (DESIGN decision 1): an answer a sync found changed two ways.
 * The record's file and body keep this laptop's value; its status column
 * (in listings: row->status) is `conflict`, a status of this laptop only,
 * until a save (store_put) settles it.  path is as sync names the answer:
 * household.village, children[_id=k3f9].dob, or version / status for the
 * record's header.  ours and theirs are NULL for "no answer".  tree: the
 * values are a group or repeat item shown as one line of text, not an
 * answer that can be put back as it is; ours_text and theirs_text then
 * hold each side's node whole, as the canonical text of a record whose
 * data holds only that node under the key `node` (workspace_set_node),
 * NULL for a side without it (removed there).  A tree conflict kept
 * before they existed lacks them although its side has a value: see
 * store_conflict_side().  pick is the person's choice so far, when picked
 * (NULL: no answer; for a tree conflict, the picked side's text).
 */
struct store_conflict {
	char *record, *path, *ours, *theirs;
	bool tree;
	bool picked;
	char *pick;
	char *ours_text, *theirs_text;
};
/*
 * What picks a side of c (theirs or ours) for store_conflict_pick(): the
 * side's answer, or for a tree conflict its node's text, in *value (c's,
 * may be NULL: no answer).  Returns false when that side cannot be picked:
 * a tree conflict kept without the node's text (store schema before 5).
 */
bool store_conflict_side(const struct store_conflict *c, bool theirs, const char **value);
/* Frees the strings of c (not c itself). */
void store_conflict_release(struct store_conflict *c);

/*
 * Keeps conflict c of record c->record (replacing one of the same path,
 * and its pick) and marks the record `conflict`, in one transaction.
 * Returns 0, ERR_NOTFOUND (no such record) or ERR_ENV.
 */
int store_conflict_put(struct store *s, const struct store_conflict *c, struct error *err);

/*
 * The conflicts of record id, by path: *out is a new array of *n (NULL
 * when none) whose items the caller releases (store_conflict_release) and
 * then frees.  Returns 0 or ERR_ENV.
 */
int store_conflict_list(struct store *s, const char *id, struct store_conflict **out,
			size_t *n, struct error *err);

/*
 * Remembers the person's pick for the conflict of record id at path: value
 * (NULL: no answer).  Returns 0, ERR_NOTFOUND (no such conflict) or ERR_ENV.
 */
int store_conflict_pick(struct store *s, const char *id, const char *path, const char *value,
			struct error *err);

/* Counts records per status: n[0] draft, n[1] complete, n[2] void, n[3] rejected. */
int store_count(struct store *s, long n[4], struct error *err);

#endif
