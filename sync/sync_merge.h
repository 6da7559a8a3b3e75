/*
 * sync_merge.h - between sync.c and merge.c: merging two laptops' versions
 * of one record file.  Not for other modules.
 */
#ifndef DIEUTRA_SYNC_MERGE_H
#define DIEUTRA_SYNC_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "sync_priv.h"

struct error;
struct sbuf;
struct workspace;

/* An answer changed two ways: this laptop's value was kept. */
struct sync_conflict {
	char *id;        /* the record's id */
	char *field;     /* e.g. household.village, children[_id=k3f9].dob */
	char *ours, *theirs; /* as shown to a person: "(no answer)" when none */
	bool no_ours, no_theirs; /* that side has no answer */
	bool tree;       /* a group or repeat item, shown as one line */
	/* tree: each side's node whole, as store_conflict's ours_text, theirs_text */
	char *ours_text, *theirs_text;
	bool whole;      /* not an answer: the record has unsent changes here */
};

struct sync_conflicts {
	struct sync_conflict *items;
	size_t n, alloc;
};
void sync_conflicts_release(struct sync_conflicts *c);

/*
 * Merges the texts ours and theirs of one record file against base (NULL
 * when both added it) into out, answer by answer: a change on one side is
 * taken, repeat items match by _id, an answer changed two ways keeps ours
 * and is appended to conflicts.  The meta comes from the later modified.
 * Returns 0 or ERR_DATA (a text that does not parse).
 */
int sync_merge_record(const char *path, const char *base, size_t nbase, const char *ours,
		      size_t nours, const char *theirs, size_t ntheirs, struct sbuf *out,
		      struct sync_conflicts *conflicts, struct error *err);

/*
 * Writes the merge of local and remote as a commit, *merged (the caller
 * frees it), moving no branch: the caller stores the records that came in
 * first, so that a sync killed in between merges them again.  Files
 * changed on one side are taken, files changed on both (all under prefix,
 * else ERR_CONFLICT) merged by sync_merge_record(); rename detection off.
 * The message lists each answer changed two ways, appended to conflicts.
 * Returns 0, ERR_CONFLICT, ERR_DATA or ERR_ENV.
 */
int sync_merge_branches(struct workspace *ws, git_repository *repo, const char *prefix,
			git_commit *local, git_commit *remote, git_commit **merged,
			struct sync_conflicts *conflicts, struct error *err);

#endif
