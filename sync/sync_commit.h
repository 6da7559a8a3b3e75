/*
 * sync_commit.h - between sync.c and commit.c: the records a sync sends.
 * Not for other modules.
 */
#ifndef DIEUTRA_SYNC_COMMIT_H
#define DIEUTRA_SYNC_COMMIT_H

#include "store.h"
#include "sync_priv.h"

struct form;
struct seal_key;
struct workspace;

/*
 * The district's public key, SYNC_SCHEMA_DIR/district.pub in main as last
 * fetched into repo: 0 and *found, or 0 and !*found when main (or the file)
 * is not there; ERR_DATA when the file is damaged, ERR_ENV.
 */
int sync_district_key(git_repository *repo, struct seal_key *k, bool *found,
		      struct error *err);

/*
 * The record revisions a sync put in the branch, to mark sent after the
 * push.  sealed[i] is the text committed for sent[i] when sealing changed
 * it (NULL otherwise): what the store keeps once the district has it.
 */
struct sync_outbox {
	struct store_sent *sent; /* ids owned */
	char **sealed;           /* owned, n of them */
	size_t n, alloc;
	size_t nsealed;          /* answers sealed */
	size_t withheld;         /* records kept back: clear sensitive answers, no key */
};
void sync_outbox_release(struct sync_outbox *o);

/* "04630 Xã Tú Lệ", or just the code when f has no list of communes (caller frees). */
char *sync_commune_title(const struct form *f, const char *code);

/* communes/CODE/DEVICE/ID.yaml, DEVICE being the one in the id (caller frees). */
char *sync_record_path(const char *commune, const char *id);

/*
 * A commit message: "CODE NAME: what", then body (may be NULL) as a
 * paragraph, then the trailers Commune, Device, Form-Version.  Caller frees.
 */
char *sync_message(const struct workspace *ws, const char *what, const char *body);

/*
 * Writes every unsent record of ws's store over base's tree (base may be
 * NULL) and, if any file changed, commits on ref with base as parent
 * (*committed true).  Every unsent revision goes into out, changed or not.
 * The answers of sealed fields (form.h) are sealed to the district's key,
 * main's schema/district.pub as last fetched; without one, a record that
 * holds such answers is not written (out->withheld counts them): no
 * commit ever holds them in clear.
 */
int sync_commit(struct workspace *ws, git_repository *repo, const char *ref,
		git_commit *base, const struct sync_opts *opts, struct sync_outbox *out,
		bool *committed, struct error *err);

#endif
