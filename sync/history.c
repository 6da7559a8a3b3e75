/*
 * history.c - what git remembers of the past, read from the workspace's
 * repository: each commit that changed a record's file, with the answers
 * it changed (`dieutra history`), and each commune branch's last commit
 * (the last sync that `dieutra report` shows).
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "seal.h"
#include "sync_commit.h"
#include "sync_priv.h"
#include "util.h"
#include "workspace.h"

/*
 * Opens DIR/repo.git without creating it: reading the past must not
 * leave a repository behind.  *repo is NULL when there is none.
 */
static int open_repo(const char *dir, git_repository **repo, struct error *err)
{
	char *path = xasprintf("%s/%s", dir, SYNC_REPO_DIR);
	int rc, ret = 0;

	git_libgit2_init();
	rc = git_repository_open_bare(repo, path);
	if (rc == GIT_ENOTFOUND) {
		*repo = NULL;
	} else if (rc) {
		*repo = NULL;
		ret = sync_git_error(err, ERR_ENV, path);
	}
	if (!*repo)
		git_libgit2_shutdown();
	free(path);
	return ret;
}

static char *person(const git_signature *sig)
{
	return xasprintf("%s <%s>", sig->name, sig->email);
}

int sync_commune_tips(const char *dir, struct sync_commune_tip **out, size_t *n,
		      struct error *err)
{
	static const char glob[] = SYNC_TRACKING SYNC_COMMUNES "/*";
	git_reference_iterator *it = NULL;
	git_repository *repo = NULL;
	git_reference *ref;
	size_t alloc = 0;
	int rc, ret;

	*out = NULL;
	*n = 0;
	ret = open_repo(dir, &repo, err);
	if (ret || !repo)
		return ret;
	if (git_reference_iterator_glob_new(&it, repo, glob)) {
		ret = sync_git_error(err, ERR_ENV, glob);
		goto out;
	}
	while (!(rc = git_reference_next(&ref, it))) {
		const char *code = git_reference_name(ref) + sizeof(glob) - 2;
		git_commit *c = NULL;

		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    !git_commit_lookup(&c, repo, git_reference_target(ref))) {
			struct sync_commune_tip *t;

			ALLOC_GROW(*out, *n + 1, alloc);
			t = &(*out)[(*n)++];
			t->commune = xstrdup(code);
			t->time = (long long)git_commit_time(c);
			t->author = person(git_commit_author(c));
			git_commit_free(c);
		}
		git_reference_free(ref);
	}
	if (rc != GIT_ITEROVER)
		ret = sync_git_error(err, ERR_ENV, glob);
out:
	git_reference_iterator_free(it);
	sync_repo_close(repo);
	return ret;
}

void sync_commune_tips_free(struct sync_commune_tip *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].commune);
		free(v[i].author);
	}
	free(v);
}

/* The blob id of path in commit c; false when c has no such file. */
static bool blob_at(git_commit *c, const char *path, git_oid *id)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	bool found = false;

	if (!git_commit_tree(&tree, c) && !git_tree_entry_bypath(&e, tree, path) &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
		git_oid_cpy(id, git_tree_entry_id(e));
		found = true;
	}
	git_tree_entry_free(e);
	git_tree_free(tree);
	return found;
}

/* The record in blob id (r record_init()ed); a file that does not parse is an error. */
static int load(git_repository *repo, const git_oid *id, const char *where, struct record *r,
		struct error *err)
{
	git_blob *blob = NULL;
	int ret;

	if (git_blob_lookup(&blob, repo, id))
		return sync_git_error(err, ERR_ENV, where);
	ret = record_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), where, r,
			   err);
	git_blob_free(blob);
	return ret;
}

struct walk {
	git_repository *repo;
	const struct seal_keyring *ring; /* NULL: sealed answers stay sealed */
	char *path;
	struct sync_change *v;
	size_t n, alloc;
	struct error *err;
	bool damaged;                    /* a sealed answer the ring should open did not open */
};

/*
 * Opens the sealed answers of a and b with w's keys.  Every version of the
 * file is some commit's new one (b), so a damaged value is reported there
 * only, once, and not again each time it is the version before (a).
 */
static void open_versions(struct walk *w, struct record *a, struct record *b)
{
	struct error quiet = ERROR_INIT;

	if (!w->ring || !w->ring->n)
		return;
	seal_record_open(w->ring, a, NULL, &quiet);
	error_release(&quiet);
	if (seal_record_open(w->ring, b, NULL, w->err))
		w->damaged = true;
}

/*
 * Adds commit c when it changed the file: it differs from every parent
 * (a merge that took one side's file changed nothing of its own).
 */
static int visit(struct walk *w, git_commit *c)
{
	unsigned i, np = git_commit_parentcount(c);
	git_oid now, before, first;
	bool has = blob_at(c, w->path, &now), had = false;
	struct record a, b;
	struct sync_change *ch;
	char where[GIT_OID_HEXSZ + 1];
	char *label;
	int ret = 0;

	for (i = 0; i < np; i++) {
		git_commit *p = NULL;
		bool in;

		if (git_commit_parent(&p, c, i))
			return sync_git_error(w->err, ERR_ENV, "a parent commit");
		in = blob_at(p, w->path, &before);
		git_commit_free(p);
		if (in == has && (!in || git_oid_equal(&before, &now)))
			return 0;
		if (i == 0 && in) {
			had = true;
			git_oid_cpy(&first, &before);
		}
	}
	if (!has && !had)
		return 0;
	git_oid_tostr(where, sizeof(where), git_commit_id(c));
	label = xasprintf("%s:%s", where, w->path);
	record_init(&a);
	record_init(&b);
	if (had)
		ret = load(w->repo, &first, label, &a, w->err);
	if (!ret && has)
		ret = load(w->repo, &now, label, &b, w->err);
	if (!ret) {
		open_versions(w, &a, &b);
		ALLOC_GROW(w->v, w->n + 1, w->alloc);
		ch = &w->v[w->n++];
		memset(ch, 0, sizeof(*ch));
		memcpy(ch->commit, where, sizeof(ch->commit));
		ch->time = (long long)git_commit_time(c);
		ch->offset = git_commit_time_offset(c);
		ch->author = person(git_commit_author(c));
		ch->subject = xstrdup(git_commit_summary(c) ? git_commit_summary(c) : "");
		ch->created = !had;
		record_diff(had ? &a : NULL, has ? &b : NULL, &ch->changes, &ch->nchanges);
	}
	record_release(&a);
	record_release(&b);
	free(label);
	return ret;
}

int sync_history(const struct workspace *ws, const char *id, const struct seal_keyring *ring,
		 struct sync_change **out, size_t *n, struct error *err)
{
	struct walk w = { NULL, ring, NULL, NULL, 0, 0, err, false };
	git_revwalk *walk = NULL;
	char *commune = xstrndup(id, strcspn(id, "-"));
	git_oid oid;
	bool complete = false;
	int rc, ret;

	*out = NULL;
	*n = 0;
	w.path = sync_record_path(commune, id);
	ret = open_repo(ws->dir, &w.repo, err);
	if (ret)
		goto out;
	if (!w.repo) {
		ret = error_add(err, ERR_NOTFOUND, "%s: no repository, so no history yet "
				"(it starts with the first `dieutra sync`)", ws->dir);
		goto out;
	}
	/* Every branch: the commune's outbox, what was fetched, the district's main. */
	if (git_revwalk_new(&walk, w.repo) ||
	    git_revwalk_push_glob(walk, "refs/heads/*") ||
	    git_revwalk_push_glob(walk, "refs/remotes/*")) {
		ret = sync_git_error(err, ERR_ENV, "the repository's branches");
		goto out;
	}
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
	while (!ret && !(rc = git_revwalk_next(&oid, walk))) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, w.repo, &oid))
			ret = sync_git_error(err, ERR_ENV, "a commit");
		else
			ret = visit(&w, c);
		git_commit_free(c);
	}
	if (!ret && rc != GIT_ITEROVER)
		ret = sync_git_error(err, ERR_ENV, "the history");
	if (!ret && !w.n)
		ret = error_add(err, ERR_NOTFOUND, "%s: not in the repository (%s) yet: records "
				"reach it when complete and synced", id, w.path);
	complete = !ret;
	if (complete && w.damaged)
		ret = ERR_DATA;
out:
	if (!complete) {
		sync_history_free(w.v, w.n);
	} else {
		*out = w.v;
		*n = w.n;
	}
	git_revwalk_free(walk);
	if (w.repo)
		sync_repo_close(w.repo);
	free(w.path);
	free(commune);
	return ret;
}

void sync_history_free(struct sync_change *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].author);
		free(v[i].subject);
		record_changes_free(v[i].changes, v[i].nchanges);
	}
	free(v);
}
