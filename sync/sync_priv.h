/*
 * sync_priv.h - what the files of sync/ share: libgit2 errors as messages,
 * the workspace's repository and its remote.  Not for other modules.
 */
#ifndef DIEUTRA_SYNC_PRIV_H
#define DIEUTRA_SYNC_PRIV_H

#include <git2.h>

#include "sync.h"
#include "util.h"

struct error;
struct form;

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

/*
 * The remote "district" of repo, with url when given (remembered), else the
 * one remembered.  A URL holding a password is refused (ERR_USAGE): it
 * would be kept in the repository's config and shown.
 */
int sync_remote(git_repository *repo, const char *url, git_remote **remote, struct error *err);

/*
 * One connection to the district repository (remote.c): the callbacks
 * that give credentials and check the server, and what they learnt.
 * Credentials come from DIEUTRA_USERNAME and DIEUTRA_PASSWORD (http(s); the
 * user may also be in the URL) or else from `git credential fill`; ssh
 * keys from DIEUTRA_SSH_KEY (with DIEUTRA_SSH_PASSPHRASE), else ssh-agent
 * and ~/.ssh/id_ed25519, id_ecdsa, id_rsa.  An ssh host key must match
 * ~/.ssh/known_hosts, an https certificate the CA store (GIT_SSL_CAINFO).
 */
enum sync_cred_source { SYNC_CRED_NONE, SYNC_CRED_ENV, SYNC_CRED_HELPER };

struct sync_link {
	char *url;                    /* the remote's URL */
	void *data;                   /* the caller's: the callbacks' payload is the link */
	enum sync_cred_source source; /* of the last user name and password given */
	unsigned asked;               /* credentials asked for so far */
	unsigned ssh_step;            /* the next ssh key to offer */
	char *user;                   /* the user name last given */
	char *helper;                 /* git credential fill's answer, to approve or reject */
	struct sbuf tried;            /* the ssh keys offered, for the message */
	char *why;                    /* why the server or the login was refused (no secret) */
};

void sync_link_init(struct sync_link *link, const char *url, void *data);

/* Sets cb's credentials and certificate_check callbacks and its payload (link). */
void sync_link_callbacks(struct sync_link *link, git_remote_callbacks *cb);

/*
 * Appends "what URL: why" to err, URL without its password, why the
 * link's own reason (refused login or server) or else libgit2's message.
 * Returns code.
 */
int sync_link_error(struct sync_link *link, struct error *err, int code, const char *what);

/*
 * Ends the connection: when it worked with credentials from git's
 * credential helper, tells the helper to keep them.  Frees the link's
 * strings, the password wiped.
 */
void sync_link_end(struct sync_link *link, bool worked);

/*
 * A fetch or push that failed with rc is worth trying again: the network
 * dropped or refused the connection (reset, broken pipe, timeout, refused,
 * the stream ended early), not the server nor the login.  A rural link or
 * a busy district server often recovers within seconds.
 */
#define SYNC_NET_TRIES 3
bool sync_link_transient(const struct sync_link *link, int rc);

/* Waits before try number `tried` + 1: a second, then two. */
void sync_link_pause(int tried);

bool sync_url_has_password(const char *url);

/* url without "user:password@", for messages; the caller frees it. */
char *sync_url_shown(const char *url);

/*
 * Points libgit2's TLS at the CA file in GIT_SSL_CAINFO (else
 * SSL_CERT_FILE) when set, after git_libgit2_init(); sync_fetch() does it.
 * Returns 0 or ERR_ENV.
 */
int sync_tls_setup(struct error *err);

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
 * The local main follows the district's (refs/remotes/district/main, as
 * fetched from url): created or fast-forwarded; kept when it is ahead (a
 * merge not pushed yet).  Returns 0, ERR_DATA (no main), ERR_CONFLICT (both
 * moved) or ERR_ENV.
 */
int sync_district_advance(git_repository *repo, const char *url, struct error *err);

/*
 * Loads into ws's store the records of communes/ that changed between the
 * commit of main it last loaded (its config key "main") and the local main,
 * then remembers the latter.  *loaded counts them (may be NULL).  Returns
 * 0, ERR_DATA (a record file that cannot be read, named; the others are
 * loaded) or ERR_ENV.
 */
int sync_district_load(struct workspace *ws, git_repository *repo, size_t *loaded,
		       struct error *err);

/* Whether s is a commune code: exactly five digits (a GSO code, e.g. 04630). */
bool sync_is_commune_code(const char *s);

/*
 * Checks the commits of commune code's branch up to tip that main (may be
 * NULL: every commit) lacks: each changes only communes/CODE/ (no path
 * with an empty, ".", ".." or ".git" component, whatever git allows), and each
 * file it writes there is a regular file (no symbolic link, no submodule)
 * of at most SYNC_MAX_FILE_SIZE bytes, filed as
 * communes/CODE/DEVICE/CODE-DEVICE-NNNN.yaml, that parses as a record
 * (record_parse: valid UTF-8, no YAML aliases...) whose id is its file's
 * (so ids are unique across the district), for form's id and version,
 * complete (validated completely), void or rejected, with every answer
 * that must be sealed (seal.h) sealed; a commit changes at
 * most SYNC_MAX_FILES files and tip's folder holds at most that many.
 * Every problem is appended to err, "file: message" or naming the commit.
 * Returns 0, ERR_DATA (problems) or ERR_ENV.
 */
int sync_check_commune(git_repository *repo, const struct form *form, const char *code,
		       const git_oid *main, const git_oid *tip, struct error *err);

/*
 * Writes the schema/ folder of commit tip into dest (made if missing) and
 * sets *form_path to the form's file there (caller frees): schema/ must
 * hold exactly one .yaml file.  Returns 0, ERR_DATA or ERR_ENV.
 */
int sync_schema_write(git_repository *repo, git_commit *tip, const char *dest, char **form_path,
		      struct error *err);

/*
 * Pushes commit tip of repo to refname of the district repository at url
 * when url is a local path or file:// URL of a bare repository: writes the
 * objects it lacks into it (commits back to known, what the fetch saw on
 * refname, NULL when it had none), then moves refname from known to tip
 * (creates it when known is NULL).  *done when it did (else, for another
 * URL, a repository it cannot open, or a push too large to send unpacked:
 * use git_remote_push); *stale when refname moved since the fetch (nothing
 * changed but objects).  Returns 0 or ERR_ENV.
 */
int sync_push_local(git_repository *repo, const char *url, const git_oid *tip,
		    const char *refname, const git_oid *known, bool *done, bool *stale,
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

/*
 * Takes the form of the district's main, as last fetched, when main's
 * schema/ changed since the last look and holds another version of the
 * workspace's form (workspace_take_form; *taken then).  Returns 0, ERR_DATA
 * (main's form is refused: nothing changed, and the next sync tries again)
 * or ERR_ENV.
 */
struct workspace;
int sync_take_form(struct workspace *ws, git_repository *repo, bool *taken,
		   struct error *err);

#endif
