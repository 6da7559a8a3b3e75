/*
 * district_clone.c - the district workspace: `dieutra district clone` and
 * `district pull`, which fetch the district repository and load main's
 * records into the workspace's store.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "record.h"
#include "store.h"
#include "sync_priv.h"
#include "util.h"
#include "validate.h"
#include "workspace.h"

/* The store's config key naming the commit of main whose records it holds. */
#define LOADED_KEY "main"

char *sync_git_person(void)
{
	git_config *cfg = NULL, *snap = NULL;
	const char *name = NULL, *email = NULL;
	char *who = NULL;

	git_libgit2_init();
	if (git_config_open_default(&cfg) || git_config_snapshot(&snap, cfg))
		goto out;
	if (git_config_get_string(&name, snap, "user.name") ||
	    git_config_get_string(&email, snap, "user.email") || !*name || !*email)
		goto out;
	who = xasprintf("%s <%s>", name, email);
out:
	git_config_free(snap);
	git_config_free(cfg);
	git_libgit2_shutdown();
	return who;
}

int sync_district_fetch(git_remote *remote, struct error *err)
{
	static const char *const branches[] = { SYNC_MAIN, SYNC_COMMUNES "/*" };

	return sync_fetch(remote, branches, 2, NULL, NULL, err);
}

int sync_district_advance(git_repository *repo, const char *url, struct error *err)
{
	git_commit *local = NULL, *remote = NULL;
	git_reference *ref = NULL;
	const git_oid *l, *t;
	int ret;

	ret = sync_ref_commit(repo, "refs/heads/" SYNC_MAIN, &local, err);
	if (!ret)
		ret = sync_ref_commit(repo, SYNC_TRACKING SYNC_MAIN, &remote, err);
	if (ret)
		goto out;
	if (!remote) {
		ret = error_add(err, ERR_DATA,
				"%s has no branch %s: is it a district repository? "
				"(made with `dieutra district init`)", url, SYNC_MAIN);
		goto out;
	}
	t = git_commit_id(remote);
	l = local ? git_commit_id(local) : NULL;
	if (l && (git_oid_equal(l, t) || git_graph_descendant_of(repo, l, t) == 1))
		goto out;
	if (l && git_graph_descendant_of(repo, t, l) != 1) {
		ret = error_add(err, ERR_CONFLICT,
				"the district's %s and this workspace's both have merges the other "
				"lacks: was `district merge` run from two workspaces? Clone the "
				"district again with `dieutra district clone`", SYNC_MAIN);
		goto out;
	}
	if (git_reference_create_matching(&ref, repo, "refs/heads/" SYNC_MAIN, t, 1, l,
					  "district pull: fast-forward"))
		ret = sync_git_error(err, ERR_ENV, "cannot move the local main");
out:
	git_reference_free(ref);
	git_commit_free(local);
	git_commit_free(remote);
	return ret;
}

static bool is_record_file(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && !strcmp(path + n - 5, ".yaml");
}

/* Stores one record file of main as it is, already sent. */
static int load_one(struct workspace *ws, git_repository *repo, const git_diff_delta *d,
		    struct error *err)
{
	struct record rec;
	git_blob *blob = NULL;
	char *title = NULL;
	int ret;

	record_init(&rec);
	if (git_blob_lookup(&blob, repo, &d->new_file.id)) {
		ret = sync_git_error(err, ERR_ENV, d->new_file.path);
		goto out;
	}
	ret = record_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			   d->new_file.path, &rec, err);
	if (!ret && !rec.id)
		ret = error_at(err, ERR_DATA, d->new_file.path, 0, 0, "the record has no id");
	if (ret)
		goto out;
	title = validate_title(&ws->form, &rec, 0);
	ret = store_put_synced(ws->store, &rec, title, err);
out:
	free(title);
	git_blob_free(blob);
	record_release(&rec);
	return ret;
}

/*
 * Loads into the store every record file of communes/ that changed between
 * the commit last loaded and the local main.  A file that cannot be read is
 * reported (ERR_DATA) and the others are still loaded.
 */
int sync_district_load(struct workspace *ws, git_repository *repo, size_t *loaded,
		       struct error *err)
{
	char *spec = SYNC_COMMUNES "/", *done = NULL, hex[GIT_OID_HEXSZ + 1];
	git_commit *tip = NULL, *old = NULL;
	git_tree *tree = NULL, *old_tree = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	git_oid old_id;
	size_t i, n;
	int ret, rc, bad = 0;

	if (loaded)
		*loaded = 0;
	ret = sync_ref_commit(repo, "refs/heads/" SYNC_MAIN, &tip, err);
	if (!ret)
		ret = store_config_get(ws->store, LOADED_KEY, &done, err);
	if (ret || !tip)
		goto out;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(tip));
	if (done && !strcmp(done, hex))
		goto out;
	/* A commit no longer there (main rewritten) means loading everything again. */
	if (done && !git_oid_fromstr(&old_id, done) && !git_commit_lookup(&old, repo, &old_id) &&
	    git_commit_tree(&old_tree, old))
		old_tree = NULL;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = &spec;
	o.pathspec.count = 1;
	if (git_commit_tree(&tree, tip) ||
	    git_diff_tree_to_tree(&diff, repo, old_tree, tree, &o)) {
		ret = sync_git_error(err, ERR_ENV, "cannot compare the district's main");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	/* 90,000 households are one transaction, not 90,000 writes to disk. */
	ret = store_batch_begin(ws->store, err);
	if (ret)
		goto out;
	for (i = 0; i < n && !ret; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if ((d->status != GIT_DELTA_ADDED && d->status != GIT_DELTA_MODIFIED) ||
		    !is_record_file(d->new_file.path))
			continue;
		rc = load_one(ws, repo, d, err);
		if (rc == ERR_DATA) {
			bad = rc;
			continue;
		}
		if (rc) {
			ret = rc;
			continue;
		}
		util_crash_point("district-loaded");
		if (loaded)
			(*loaded)++;
	}
	if (!ret)
		ret = store_config_set(ws->store, LOADED_KEY, hex, err);
	rc = store_batch_end(ws->store, !ret, err);
	if (!ret)
		ret = rc ? rc : bad;
out:
	git_diff_free(diff);
	git_tree_free(old_tree);
	git_tree_free(tree);
	git_commit_free(old);
	git_commit_free(tip);
	free(done);
	return ret;
}

int sync_district_pull(struct workspace *ws, size_t *loaded, struct error *err)
{
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	int ret, lock = -1;

	if (!workspace_is_district(ws))
		return error_at(err, ERR_USAGE, ws->dir, 0, 0,
				"not a district workspace: make one with `dieutra district clone URL DIR`");
	ret = sync_lock_workspace(ws->dir, &lock, err);
	if (!ret)
		ret = sync_repo_open(ws->dir, &repo, err);
	if (!ret)
		ret = sync_remote(repo, NULL, &remote, err);
	if (!ret)
		ret = sync_district_fetch(remote, err);
	if (!ret)
		ret = sync_district_advance(repo, git_remote_url(remote), err);
	if (!ret)
		ret = sync_district_load(ws, repo, loaded, err);
	git_remote_free(remote);
	sync_repo_close(repo);
	if (lock >= 0)
		close(lock);
	return ret;
}

int sync_district_clone(const char *url, const char *dir, const char *officer,
			struct error *err)
{
	struct workspace ws = WORKSPACE_INIT;
	char *db = xasprintf("%s/%s", dir, STORE_FILE);
	char *schema = xasprintf("%s/%s", dir, WORKSPACE_SCHEMA_DIR), *form = NULL;
	struct stat sb;
	int ret;

	if (stat(db, &sb) == 0) {
		ret = error_at(err, ERR_USAGE, dir, 0, 0,
			       "already a dieutra workspace: give a new directory, or run "
			       "`dieutra -C %s district pull` to refresh it", dir);
		goto out;
	}
	ret = sync_repo_init(dir, url, err);
	/* The form is checked out in place: creating the workspace copies it onto itself. */
	if (!ret)
		ret = sync_schema_checkout(dir, schema, &form, err);
	if (!ret)
		ret = workspace_create_district(dir, officer, form, err);
	if (!ret)
		ret = workspace_open(dir, &ws, err);
	if (!ret)
		ret = sync_district_pull(&ws, NULL, err);
out:
	workspace_close(&ws);
	free(form);
	free(schema);
	free(db);
	return ret;
}
