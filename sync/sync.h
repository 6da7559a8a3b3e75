/*
 * sync.h - the district repository and a commune workspace's exchange with
 * it over git (DESIGN.md §3), through libgit2.
 *
 * The district repository is bare: `main` holds schema/ (the form in force
 * and its choice lists) and README.md; each commune's laptops push to
 * `communes/CODE`, whose tree is main's plus communes/CODE/DEVICE/ID.yaml,
 * one canonical record file (record_write) per household.
 *
 * A commune workspace keeps its own bare repository in DIR/repo.git: its
 * branch communes/CODE is the outbox (a commit made but not yet pushed is
 * pushed by the next sync), the remote "district" names the district
 * repository, and refs/remotes/district/ holds what was last fetched.
 *
 * Nothing here prints: progress goes through a callback, results through
 * struct sync_result, problems into struct error.
 */
#ifndef DIEUTRA_SYNC_H
#define DIEUTRA_SYNC_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct record_change;
struct seal_keyring;
struct workspace;

#define SYNC_REPO_DIR "repo.git"   /* in the workspace directory */
#define SYNC_REMOTE "district"     /* the remote's name in that repository */
#define SYNC_MAIN "main"           /* the district's branch with the form */
#define SYNC_SCHEMA_DIR "schema"   /* the form's folder in main */

/*
 * Creates the district's bare repository at path (refused when path exists
 * and is not an empty directory) with main holding schema/ (the form at
 * schema_path, checked first, and the choice files it names) and
 * README.md.  Returns 0, ERR_DATA (a bad form), ERR_USAGE (path in use) or
 * ERR_ENV.
 */
int sync_district_init(const char *path, const char *schema_path, struct error *err);

/*
 * Commits pub_text as SYNC_SCHEMA_DIR/district.pub on main of the
 * district's bare repository at path (replacing an older key: data sealed
 * to it stays readable with its private key).  key_id names it in the
 * commit message.  Returns 0 or ERR_ENV (ERR_NOTFOUND: no repository or
 * no main there).
 */
int sync_district_set_key(const char *path, const char *pub_text, const char *key_id,
			  struct error *err);

/*
 * Creates (or opens again) the repository of the workspace in dir,
 * DIR/repo.git.  With url, remembers it as the remote and fetches the
 * district's main, which must hold a form in schema/.  Returns 0 or ERR_ENV
 * (ERR_DATA when main has no form).
 */
int sync_repo_init(const char *dir, const char *url, struct error *err);

/*
 * Writes the schema/ folder of the district's main, as last fetched into
 * dir's repository, into dest (made if missing) and sets *form_path to the
 * form's file in dest (caller frees): schema/ must hold exactly one .yaml
 * file.  Returns 0, ERR_DATA or ERR_ENV.
 */
int sync_schema_checkout(const char *dir, const char *dest, char **form_path,
			 struct error *err);

/* What a sync is doing, for a progress display. */
enum sync_stage {
	SYNC_COMMITTING,
	SYNC_FETCHING,
	SYNC_PUSHING,
};

struct sync_progress {
	enum sync_stage stage;
	size_t done, total; /* objects (records while committing) */
	size_t bytes;       /* received or sent so far */
};

struct sync_opts {
	/* The district repository (path, file://...): remembered for next time; NULL: the one remembered. */
	const char *remote;
	/* Called now and then during long steps; may be NULL. */
	void (*progress)(void *data, const struct sync_progress *p);
	void *data;
};

struct sync_result {
	size_t sent_new, sent_updated; /* record files the district did not have, or had older */
	size_t received;               /* record files that came from the district */
	size_t conflicts;              /* answers changed two ways (this laptop's kept) */
	size_t sealed;                 /* sensitive answers sealed to the district's key */
	size_t withheld;               /* records kept back: sensitive answers, no key */
	size_t scrubbed;               /* records whose clear sensitive answers left the store */
	bool committed;                /* a new commit was made */
	bool pushed;                   /* communes/CODE was updated in the district */
	bool form_taken;               /* main's newer form is now the workspace's */
	char commit[41];               /* the branch's commit after the sync, hex, "" when none */
};

/*
 * Syncs the workspace ws: commits every complete or void record changed
 * since the last sync as communes/CODE/DEVICE/ID.yaml (author the
 * workspace's enumerator; subject "CODE NAME: N new, M updated households";
 * trailers Commune, Device, Form-Version), fetches communes/CODE and main,
 * fast-forwards to what another laptop pushed or, when both moved, merges
 * record by record (a record one side changed is taken; one both changed
 * is merged answer by answer, repeat items matched by _id; an answer
 * changed two ways keeps this laptop's value in the file, while the store
 * keeps both values and marks the record `conflict` (store_conflict_put)
 * as soon as the merge is committed), pushes (fetching and
 * merging again when the district moved meanwhile), and only then marks
 * the records sent.  Records that came in are stored in the workspace.
 * Then, when main holds another version of the form, it becomes the
 * workspace's (sync_take_form in sync_priv.h; res->form_taken; records
 * keep theirs); a form that does not load is refused with ERR_DATA, the
 * records being sent all the same.  An
 * interrupted sync leaves its commits in DIR/repo.git; the next sync
 * pushes them.
 *
 * Sensitive answers (the sealed fields of form.h) are committed only
 * sealed to main's schema/district.pub (forms/seal.h); when main has no
 * key, the records holding them stay on the laptop, unsent.  Once the
 * district has a record, its clear sensitive answers are replaced in the
 * store by the sealed ones that were sent (unless it changed meanwhile),
 * with SQLite's secure_delete and a WAL checkpoint, so that the clear
 * bytes leave the database file, its WAL and its free pages.
 *
 * Fills *res.  Returns 0; ERR_CONFLICT once everything was sent when
 * answers were changed two ways (one message each, naming the record and
 * the answer, with both values); ERR_DATA once everything else was sent
 * when records were kept back for want of a key (one message), or when the
 * push was refused; ERR_USAGE (no remote known, a district workspace); or
 * ERR_ENV (I/O, network, missing repository).
 */
int sync_run(struct workspace *ws, const struct sync_opts *opts, struct sync_result *res,
	     struct error *err);

/*
 * The district workspace (`dieutra district clone`): DIR/repo.git is a bare
 * clone of the district repository (remote "district", fetching main and
 * communes/CODE branch), DIR/schema/ holds main's schema/ and DIR/dieutra.db is a
 * store with role "district" holding every record of main.  Its local
 * branch main is the district's main as last fetched, plus any district
 * merge not yet pushed; the store's config key "main" names the commit
 * whose records the store holds.
 */
#define SYNC_COMMUNES "communes"   /* the communes' branches and folders */

/*
 * What the district accepts from a commune's branch (`district merge` and
 * the pre-receive hook check the same): a record file of at most
 * SYNC_MAX_FILE_SIZE bytes, and at most SYNC_MAX_FILES files in a commune's
 * folder or in one commit.
 */
#define SYNC_MAX_FILE_SIZE (1 << 20)
#define SYNC_MAX_FILES 20000

/*
 * The person in git's config (user.name, user.email) as "Name <email>", a
 * new string the caller frees, or NULL when either is unset.
 */
char *sync_git_person(void);

/*
 * Makes the district workspace dir (missing or empty) from the district
 * repository at url, for the officer ("Name <email>"): fetches, takes the
 * form from main, and loads main's records into the store.  Returns 0,
 * ERR_USAGE (dir in use, bad officer), ERR_DATA (url is not a district
 * repository) or ERR_ENV.
 */
int sync_district_clone(const char *url, const char *dir, const char *officer,
			struct error *err);

/*
 * In a district workspace: fetches main and every communes/CODE branch,
 * fast-forwards the local main to the district's (a local main ahead of it,
 * holding merges not yet pushed, is kept) and loads the records that changed
 * into the store.  *loaded counts them (may be NULL).  Returns 0,
 * ERR_CONFLICT (the district's main and the local one both moved), ERR_USAGE
 * (not a district workspace) or ERR_ENV.
 */
int sync_district_pull(struct workspace *ws, size_t *loaded, struct error *err);

/* A commune branch's last commit, as the workspace last fetched it. */
struct sync_commune_tip {
	char *commune;  /* the code, e.g. 04630 */
	long long time; /* the commit's time, seconds since the epoch */
	char *author;   /* "Name <email>" */
};

/*
 * The last commit of each communes/CODE branch fetched into dir's
 * repository (in a commune workspace its own; in a district workspace
 * every commune's), unordered: when each commune last synced.  *out is a
 * new array of *n (NULL and 0 when there is no repository), freed with
 * sync_commune_tips_free().  Returns 0 or ERR_ENV.
 */
int sync_commune_tips(const char *dir, struct sync_commune_tip **out, size_t *n,
		      struct error *err);
void sync_commune_tips_free(struct sync_commune_tip *v, size_t n);

/* One commit that changed a record's file. */
struct sync_change {
	char commit[41];    /* hex id */
	long long time;     /* the commit's time, seconds since the epoch */
	int offset;         /* its time zone, minutes east of UTC */
	char *author;       /* "Name <email>": who entered the data */
	char *subject;      /* the commit's first line */
	bool created;       /* the file appeared (the record's first version) */
	struct record_change *changes; /* from the version before (record_diff) */
	size_t nchanges;
};

/*
 * The history of record id from the workspace's repository (every branch
 * it holds: a commune's branch and what was fetched, or the district's
 * main and every communes/CODE), oldest first: each commit that changed the file
 * communes/CODE/DEVICE/ID.yaml, i.e. that differs from every parent (a
 * merge that took one side's version is not listed; the commit it took is).
 * Sealed answers stay sealed (record_change's flags), except those that a
 * key of ring (may be NULL) opens.  *out is a new array of *n, freed with
 * sync_history_free().  Returns 0, ERR_NOTFOUND (no repository, or the
 * record never reached it), ERR_DATA (a version that does not parse, named
 * by commit and path; or a sealed answer that a key of ring should open
 * but does not, named by commit, path, record and field in err: then *out
 * is still the history, that answer shown sealed) or ERR_ENV.
 */
int sync_history(const struct workspace *ws, const char *id, const struct seal_keyring *ring,
		 struct sync_change **out, size_t *n, struct error *err);
void sync_history_free(struct sync_change *v, size_t n);

/* What `district merge` did with one commune's branch. */
enum sync_outcome {
	SYNC_MERGED,        /* checked and merged into main */
	SYNC_REFUSED,       /* left out of main: err holds every reason */
	SYNC_STILL_REFUSED, /* refused before, with nothing new since: not checked again */
};

struct sync_merged {
	char code[6];
	char *title;              /* "04630 Xã Tú Lệ" */
	enum sync_outcome outcome;
	size_t households, children; /* in main after the merge (not void) */
	size_t problems;
};

struct sync_merge_result {
	struct sync_merged *communes; /* those with commits main lacks, in code order */
	size_t n, alloc;
	size_t merged, refused;
	bool pushed;                  /* main was pushed to the district */
};
void sync_merge_result_release(struct sync_merge_result *res);

/*
 * In a district workspace: fetches main and every communes/CODE branch
 * and, for each commune whose branch has commits main lacks, checks them
 * (every new commit changes only communes/CODE/; each file it writes is a
 * regular record file of at most SYNC_MAX_FILE_SIZE bytes, filed under its
 * own id, valid against the district's form, its sensitive answers
 * sealed; see sync_check_commune).  A
 * commune that passes is merged into main with one merge commit authored
 * by the officer, "Merge commune CODE NAME: H households, C children",
 * with the trailers Commune, Commune-Commit (the branch's commit merged),
 * Households, Children and Form-Version; rename detection is off.  A
 * commune refused is left out, with every reason in err (after a line
 * naming it) and in the store's config (key "refused/CODE": the refused
 * commit, then one reason a line), so that it is not checked again until
 * its branch moves.  Then main is pushed and the store loads its records.
 * Fills *res.  Returns 0 (also when there was nothing new), ERR_DATA once
 * the good ones were merged and pushed when a commune was refused or the
 * district refused the push, ERR_CONFLICT (main moved two ways), ERR_USAGE
 * (not a district workspace) or ERR_ENV.
 */
int sync_district_merge(struct workspace *ws, struct sync_merge_result *res,
			struct error *err);

/* One commune as the district office sees it (`district status`, the app's district mode). */
struct sync_commune_status {
	char code[6];
	char *title;           /* "04630 Xã Tú Lệ" (the code alone when the form lacks it) */
	long households;       /* records of main not void */
	long children;         /* their items of the form's first repeat */
	long complete, draft, rejected;
	long long last_sync;   /* time of the newest commit on communes/CODE; 0: none fetched */
	char **enumerators;    /* authors of communes/CODE's commits but the officer, sorted */
	size_t nenumerators;
	bool merged;           /* the last `district merge` that checked it merged it */
	bool refused;          /* the last `district merge` that checked it refused it */
	char *reasons;         /* then why, one reason a line; else NULL */
};

/*
 * In a district workspace: one row per commune present in the store
 * (main's records, counted as `dieutra report` counts them, now being
 * today's time for its indicators) or in a fetched communes/CODE branch,
 * in code order, with what the last `district merge` said of it (the
 * store's config key "refused/CODE").  *out is a new array of *n, freed
 * with sync_district_status_free().  Returns 0, ERR_USAGE (not a district
 * workspace) or ERR_ENV.
 */
int sync_district_status(struct workspace *ws, long long now, struct sync_commune_status **out,
			 size_t *n, struct error *err);
void sync_district_status_free(struct sync_commune_status *v, size_t n);

/*
 * Installs the district's pre-receive hook in the bare repository at path:
 * hooks/pre-receive runs `EXE hook run` (exe: this program, by absolute
 * path) on every push, which calls sync_hook_run().  A pre-receive hook
 * that is not dieutra's is left alone (ERR_USAGE).  Pushes over a local
 * path by libgit2 run no hooks; git's own transports (git push to a path,
 * git://, ssh, http) do.  Returns 0, ERR_USAGE (not a repository, another
 * hook) or ERR_ENV.
 */
int sync_hook_install(const char *path, const char *exe, struct error *err);

/*
 * The checks of a push, run as git's pre-receive hook inside the district
 * repository (GIT_DIR and the quarantined objects from the environment git
 * sets).  updates holds the hook's input, one "OLD NEW REFNAME" line per
 * ref.  Accepted: an update of refs/heads/communes/CODE whose commits main
 * lacks pass sync_check_commune() against the form of main; an update of
 * main that only adds district merges (as sync_district_merge() writes
 * them: two parents, trailers Commune: CODE and Commune-Commit: the second
 * parent, the old main as first parent, a tree that is the first parent's
 * with communes/CODE/ from the second, the commune's commits passing the
 * checks).  Refused: any other ref, deleting a branch, creating main.
 * Every reason goes to err.  Returns 0, ERR_DATA (refused), ERR_USAGE (bad
 * input) or ERR_ENV.
 */
int sync_hook_run(const char *updates, struct error *err);

/*
 * In a district workspace: the district's decision on record id (decision
 * 3), committed by the officer on communes/CODE, the record's commune, and
 * pushed to the district.  With message, a rejection: status rejected and
 * meta.review = message (subject "CODE NAME: ID rejected", the message as
 * body, trailers Commune, Review: rejected, Form-Version); with NULL, an
 * acceptance: status complete, meta.review gone ("ID accepted", Review:
 * accepted).  The record is read from the commune's branch as fetched now;
 * the store gets the decided version.  *changed is false when the record
 * already was so (nothing committed).  Returns 0, ERR_NOTFOUND (no such
 * record), ERR_USAGE (not a district workspace, not an id), ERR_DATA (the
 * district refused the push) or ERR_ENV.
 */
int sync_district_review(struct workspace *ws, const char *id, const char *message,
			 bool *changed, struct error *err);

#endif
