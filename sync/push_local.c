/*
 * push_local.c - a push to a district repository on this machine (a path
 * or file:// URL) without a pack: the objects the district lacks are
 * written straight into its object database, then its branch moves with a
 * compare-and-swap, objects first and the ref last, as a push does.
 *
 * libgit2's local transport builds a pack, and its indexer maps and unmaps
 * the pack once per object it writes: most of a small sync's time.  Large
 * pushes (a first sync) still go through it, so that the district gets one
 * pack rather than thousands of loose files.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_priv.h"

/* More objects than this go as a pack (git_remote_push). */
#define LOOSE_MAX 2000

struct copy {
	git_repository *src;
	git_odb *from, *to;
	git_oid *ids; /* objects to write, in order */
	size_t n, alloc;
	bool too_many;
};

static void want(struct copy *c, const git_oid *id)
{
	if (c->n == LOOSE_MAX) {
		c->too_many = true;
		return;
	}
	ALLOC_GROW(c->ids, c->n + 1, c->alloc);
	git_oid_cpy(&c->ids[c->n++], id);
}

/*
 * The objects of tree t that the district lacks: those that differ from
 * base (the parent's tree, which the district has; NULL: none) and that
 * it has not from elsewhere.  Returns 0 or a libgit2 error.
 */
static int want_tree(struct copy *c, const git_tree *t, const git_tree *base)
{
	size_t i, n = git_tree_entrycount(t);
	int rc = 0;

	for (i = 0; i < n && !rc && !c->too_many; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const git_tree_entry *b = base ? git_tree_entry_byname(base, git_tree_entry_name(e))
					       : NULL;
		const git_oid *id = git_tree_entry_id(e);
		git_tree *sub = NULL, *bsub = NULL;

		if ((b && git_oid_equal(id, git_tree_entry_id(b))) || git_odb_exists(c->to, id))
			continue;
		switch (git_tree_entry_type(e)) {
		case GIT_OBJECT_TREE:
			rc = git_tree_lookup(&sub, c->src, id);
			if (!rc && b && git_tree_entry_type(b) == GIT_OBJECT_TREE)
				rc = git_tree_lookup(&bsub, c->src, git_tree_entry_id(b));
			if (!rc)
				rc = want_tree(c, sub, bsub);
			want(c, id);
			break;
		case GIT_OBJECT_BLOB:
			want(c, id);
			break;
		default:
			break;
		}
		git_tree_free(sub);
		git_tree_free(bsub);
	}
	return rc;
}

/* The commits from tip back to what the district has, and what they hold. */
static int want_commits(struct copy *c, const git_oid *tip, const git_oid *known)
{
	git_revwalk *walk = NULL;
	git_commit *commit = NULL, *parent = NULL;
	git_tree *tree = NULL, *base = NULL;
	git_oid id;
	int rc;

	rc = git_revwalk_new(&walk, c->src);
	if (!rc)
		rc = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if (!rc)
		rc = git_revwalk_push(walk, tip);
	if (!rc && known)
		rc = git_revwalk_hide(walk, known);
	while (!rc && !c->too_many && !(rc = git_revwalk_next(&id, walk))) {
		if (git_odb_exists(c->to, &id))
			continue;
		rc = git_commit_lookup(&commit, c->src, &id);
		if (!rc)
			rc = git_commit_tree(&tree, commit);
		if (!rc && git_commit_parentcount(commit)) {
			rc = git_commit_parent(&parent, commit, 0);
			if (!rc)
				rc = git_commit_tree(&base, parent);
		}
		if (!rc && !git_odb_exists(c->to, git_tree_id(tree)))
			rc = want_tree(c, tree, base);
		if (!rc && !git_odb_exists(c->to, git_tree_id(tree)))
			want(c, git_tree_id(tree));
		want(c, &id);
		git_tree_free(base);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(commit);
		base = tree = NULL;
		parent = commit = NULL;
	}
	git_revwalk_free(walk);
	return rc == GIT_ITEROVER ? 0 : rc;
}

static int write_objects(struct copy *c)
{
	git_odb_object *o = NULL;
	git_oid written;
	size_t i;
	int rc = 0;

	for (i = 0; i < c->n && !rc; i++) {
		rc = git_odb_read(&o, c->from, &c->ids[i]);
		if (!rc)
			rc = git_odb_write(&written, c->to, git_odb_object_data(o),
					   git_odb_object_size(o), git_odb_object_type(o));
		git_odb_object_free(o);
		o = NULL;
	}
	return rc;
}

/* The directory of a local URL (a path, or file://PATH), or NULL for another kind. */
static const char *local_path(const char *url)
{
	if (!strncmp(url, "file://", 7))
		return url + 7;
	if (strstr(url, "://"))
		return NULL;
	/* host:path is ssh, unless a '/' comes first. */
	if (*url != '/' && *url != '.' && strcspn(url, ":") < strcspn(url, "/"))
		return NULL;
	return url;
}

int sync_push_local(git_repository *repo, const char *url, const git_oid *tip,
		    const char *refname, const git_oid *known, bool *done, bool *stale,
		    struct error *err)
{
	struct copy c = { repo, NULL, NULL, NULL, 0, 0, false };
	const char *path = local_path(url);
	git_repository *dst = NULL;
	git_reference *ref = NULL;
	int rc, ret = 0;

	*done = *stale = false;
	/* Anything unusual (not bare, not ours, not there) goes the usual way, for its error. */
	if (!path || git_repository_open_bare(&dst, path) || !git_repository_is_bare(dst))
		goto out;
	rc = git_repository_odb(&c.from, repo);
	if (!rc)
		rc = git_repository_odb(&c.to, dst);
	if (!rc)
		rc = want_commits(&c, tip, known);
	if (rc) {
		ret = sync_git_error(err, ERR_ENV, "cannot send to the district repository");
		goto out;
	}
	if (c.too_many)
		goto out;
	*done = true;
	if (write_objects(&c)) {
		ret = sync_git_error(err, ERR_ENV, "cannot write to the district repository");
		goto out;
	}
	/* The branch moves last, and only from the commit the fetch saw. */
	if (known)
		rc = git_reference_create_matching(&ref, dst, refname, tip, 1, known,
						   "push from dieutra");
	else
		rc = git_reference_create(&ref, dst, refname, tip, 0, "push from dieutra");
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		*stale = true;
	else if (rc)
		ret = sync_git_error(err, ERR_ENV, "cannot move the district's branch");
out:
	git_reference_free(ref);
	git_odb_free(c.from);
	git_odb_free(c.to);
	git_repository_free(dst);
	free(c.ids);
	return ret;
}
