/*
 * sync_priv.h - what the files of sync/ share: libgit2 errors as messages,
 * the workspace's repository and its remote.  Not for other modules.
 */
#ifndef DIEUTRA_SYNC_PRIV_H
#define DIEUTRA_SYNC_PRIV_H

#include <git2.h>

#include "sync.h"

struct error;

/* The local ref that mirrors the district's branch: refs/remotes/district/NAME. */
#define SYNC_TRACKING "refs/remotes/" SYNC_REMOTE "/"

/*
 * Appends "what: libgit2's message" to err (code is the ERR_* to return)
 * and returns code.
 */
int sync_git_error(struct error *err, int code, const char *what);

/*
 * Opens dir's repository (DIR/repo.git), creating it when missing.  Also
 * starts libgit2; sync_repo_close() ends both.  Returns 0 or ERR_ENV.
 */
int sync_repo_open(const char *dir, git_repository **repo, struct error *err);
void sync_repo_close(git_repository *repo);

/* The remote "district" of repo, with url when given (remembered), else the one remembered. */
int sync_remote(git_repository *repo, const char *url, git_remote **remote, struct error *err);

/*
 * Fetches the district's branches named in branches (e.g. "main",
 * "communes/04630"; a branch the district lacks is skipped) into
 * refs/remotes/district/.  progress may be NULL.
 */
int sync_fetch(git_remote *remote, const char *const *branches, size_t n,
	       void (*progress)(void *data, const struct sync_progress *p), void *data,
	       struct error *err);

/* In a district workspace: fetches main and every communes/CODE branch. */
int sync_district_fetch(git_remote *remote, struct error *err);

/*
 * Loads into ws's store the records of communes/ that changed between the
 * commit of main it last loaded (its config key "main") and the local main,
 * then remembers the latter.  *loaded counts them (may be NULL).  Returns
 * 0, ERR_DATA (a record file that cannot be read, named; the others are
 * loaded) or ERR_ENV.
 */
int sync_district_load(struct workspace *ws, git_repository *repo, size_t *loaded,
		       struct error *err);

/* *commit is the commit refname points to, or NULL when there is no such ref. */
int sync_ref_commit(git_repository *repo, const char *refname, git_commit **commit,
		    struct error *err);

/*
 * Takes the workspace's sync lock into *fd (close it to release), so that
 * two syncs or merges of one workspace never run at once.  Returns 0 or
 * ERR_ENV (also when another one holds it).
 */
int sync_lock_workspace(const char *dir, int *fd, struct error *err);

/* Splits "Name <email>" into a signature at util_now(). */
int sync_signature(const char *who, git_signature **sig, struct error *err);

#endif
