/*
 * merge_branch.c - when another laptop of the commune pushed while this
 * one had commits of its own: a merge commit whose tree takes each
 * household file from whichever side changed it, and merges answer by
 * answer (merge.c) the files both changed.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_commit.h"
#include "sync_merge.h"
#include "util.h"
#include "workspace.h"

/* One file both sides changed: its path and the three versions (NULL: absent). */
struct both {
	char *path;
	git_oid ids[3];
	bool has[3];
};

static int blob_text(git_repository *repo, const git_oid *id, git_blob **blob,
		     struct error *err)
{
	if (git_blob_lookup(blob, repo, id))
		return sync_git_error(err, ERR_ENV, "cannot read a record file");
	return 0;
}

static int resolve(git_repository *repo, git_index *idx, const struct both *f,
		   struct sync_conflicts *conflicts, struct error *err)
{
	git_blob *blob[3] = { NULL, NULL, NULL };
	struct sbuf out = SBUF_INIT;
	git_index_entry e;
	git_oid merged;
	int i, ret = 0;

	for (i = 0; i < 3 && !ret; i++)
		if (f->has[i])
			ret = blob_text(repo, &f->ids[i], &blob[i], err);
	if (ret)
		goto out;
	if (!blob[1] || !blob[2]) {
		/* Records are voided, never deleted: keep the side that has the file. */
		merged = blob[1] ? f->ids[1] : f->ids[2];
	} else {
		ret = sync_merge_record(f->path,
					blob[0] ? git_blob_rawcontent(blob[0]) : NULL,
					blob[0] ? (size_t)git_blob_rawsize(blob[0]) : 0,
					git_blob_rawcontent(blob[1]), (size_t)git_blob_rawsize(blob[1]),
					git_blob_rawcontent(blob[2]), (size_t)git_blob_rawsize(blob[2]),
					&out, conflicts, err);
		if (ret)
			goto out;
		if (git_blob_create_from_buffer(&merged, repo, out.buf, out.len)) {
			ret = sync_git_error(err, ERR_ENV, f->path);
			goto out;
		}
	}
	memset(&e, 0, sizeof(e));
	e.mode = GIT_FILEMODE_BLOB;
	e.path = f->path;
	e.id = merged;
	if (git_index_conflict_remove(idx, f->path) || git_index_add(idx, &e))
		ret = sync_git_error(err, ERR_ENV, f->path);
out:
	for (i = 0; i < 3; i++)
		git_blob_free(blob[i]);
	sbuf_release(&out);
	return ret;
}

/* The files both sides changed, copied out before the index is touched. */
static int conflicted(git_index *idx, const char *prefix, struct both **files, size_t *n,
		      struct error *err)
{
	const git_index_entry *e[3];
	git_index_conflict_iterator *it = NULL;
	size_t alloc = 0;
	int i, rc, ret = 0;

	*files = NULL;
	*n = 0;
	if (git_index_conflict_iterator_new(&it, idx))
		return sync_git_error(err, ERR_ENV, "cannot read the merge");
	while (!ret && !(rc = git_index_conflict_next(&e[0], &e[1], &e[2], it))) {
		const char *path = e[1] ? e[1]->path : e[2] ? e[2]->path : e[0]->path;
		struct both *f;

		if (strncmp(path, prefix, strlen(prefix))) {
			ret = error_add(err, ERR_CONFLICT,
					"%s changed two ways outside the commune's records: ask the "
					"district office", path);
			break;
		}
		ALLOC_GROW(*files, *n + 1, alloc);
		f = &(*files)[(*n)++];
		f->path = xstrdup(path);
		for (i = 0; i < 3; i++) {
			f->has[i] = e[i] != NULL;
			if (e[i])
				f->ids[i] = e[i]->id;
		}
	}
	if (!ret && rc != GIT_ITEROVER)
		ret = sync_git_error(err, ERR_ENV, "cannot read the merge");
	git_index_conflict_iterator_free(it);
	return ret;
}

static char *conflicts_text(const struct sync_conflicts *c, size_t from)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	if (from == c->n)
		return NULL;
	for (i = from; i < c->n; i++)
		sbuf_addf(&sb, "Changed two ways: %s %s: kept \"%s\", the district had \"%s\"\n",
			  c->items[i].id, c->items[i].field, c->items[i].ours, c->items[i].theirs);
	return sbuf_detach(&sb);
}

int sync_merge_branches(struct workspace *ws, git_repository *repo, const char *prefix,
			git_commit *local, git_commit *remote, git_commit **merged,
			struct sync_conflicts *conflicts, struct error *err)
{
	const git_commit *parents[2] = { local, remote };
	git_tree *trees[3] = { NULL, NULL, NULL }, *tree = NULL;
	git_commit *base = NULL;
	git_signature *sig = NULL;
	git_index *idx = NULL;
	git_merge_options o;
	struct both *files = NULL;
	size_t i, nfiles = 0, before = conflicts->n;
	git_oid base_id, tree_id, id;
	char *body = NULL, *msg = NULL;
	int ret = ERR_ENV;

	*merged = NULL;
	git_merge_options_init(&o, GIT_MERGE_OPTIONS_VERSION);
	/* A household's file is never another's new name (LIBGIT2.md). */
	o.flags &= ~(unsigned)GIT_MERGE_FIND_RENAMES;
	if (git_merge_base(&base_id, repo, git_commit_id(local), git_commit_id(remote)) ||
	    git_commit_lookup(&base, repo, &base_id) || git_commit_tree(&trees[0], base) ||
	    git_commit_tree(&trees[1], local) || git_commit_tree(&trees[2], remote) ||
	    git_merge_trees(&idx, repo, trees[0], trees[1], trees[2], &o)) {
		sync_git_error(err, ret, "cannot merge with the district's branch");
		goto out;
	}
	ret = conflicted(idx, prefix, &files, &nfiles, err);
	for (i = 0; !ret && i < nfiles; i++)
		ret = resolve(repo, idx, &files[i], conflicts, err);
	if (!ret)
		ret = sync_signature(ws->enumerator, &sig, err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	if (git_index_write_tree_to(&tree_id, idx, repo) || git_tree_lookup(&tree, repo, &tree_id)) {
		sync_git_error(err, ret, "cannot write the merged records");
		goto out;
	}
	body = conflicts_text(conflicts, before);
	msg = sync_message(ws, "merge with the other laptops' households", body);
	if (git_commit_create(&id, repo, NULL, sig, sig, NULL, msg, tree, 2, parents) ||
	    git_commit_lookup(merged, repo, &id)) {
		sync_git_error(err, ret, "cannot commit the merge");
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < nfiles; i++)
		free(files[i].path);
	free(files);
	free(body);
	free(msg);
	git_tree_free(tree);
	for (i = 0; i < 3; i++)
		git_tree_free(trees[i]);
	git_index_free(idx);
	git_signature_free(sig);
	git_commit_free(base);
	return ret;
}
