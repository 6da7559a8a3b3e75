/*
 * form_update.c - a sync takes a newer form from the district's main:
 * checked out whole into a fresh folder beside the workspace's forms, then
 * installed in one rename (workspace_take_form), so that a sync killed
 * half-way never leaves a half-copied form.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "sync_priv.h"
#include "util.h"
#include "workspace.h"

/* Where a form is checked out before it is installed: under the versions folder. */
#define STAGING ".incoming-"

/* The config key remembering main's schema/ tree last looked at. */
#define SEEN_KEY "schema_tree"

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Removes what a sync killed while checking out a form left behind. */
static int remove_stale(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb;
	if (type == FTW_D && ftw->level == 1 && !strncmp(path + ftw->base, STAGING,
							   strlen(STAGING)))
		remove_tree(path);
	return 0;
}

/* main's schema/ tree, as hex, or "" when main or its schema/ is missing. */
static int schema_tree(git_repository *repo, char hex[GIT_OID_HEXSZ + 1], struct error *err)
{
	git_commit *tip = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	int ret;

	hex[0] = '\0';
	ret = sync_ref_commit(repo, SYNC_TRACKING SYNC_MAIN, &tip, err);
	if (ret || !tip)
		goto out;
	if (git_commit_tree(&tree, tip)) {
		ret = sync_git_error(err, ERR_ENV, "cannot read the district's main");
		goto out;
	}
	if (!git_tree_entry_bypath(&entry, tree, SYNC_SCHEMA_DIR))
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_tree_entry_id(entry));
out:
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(tip);
	return ret;
}

int sync_take_form(struct workspace *ws, git_repository *repo, bool *taken, struct error *err)
{
	char hex[GIT_OID_HEXSZ + 1], *seen = NULL, *form = NULL;
	char *versions = xasprintf("%s/%s", ws->dir, WORKSPACE_VERSIONS_DIR);
	char *staged = xasprintf("%s/" STAGING "XXXXXX", versions);
	bool made = false;
	int ret;

	*taken = false;
	ret = schema_tree(repo, hex, err);
	if (!ret)
		ret = store_config_get(ws->store, SEEN_KEY, &seen, err);
	if (ret || !*hex || (seen && !strcmp(seen, hex)))
		goto out;
	ret = make_dirs(versions, err);
	if (ret)
		goto out;
	nftw(versions, remove_stale, 16, FTW_PHYS);
	if (!mkdtemp(staged)) {
		ret = error_at(err, ERR_ENV, versions, 0, 0, "cannot make a folder for the form");
		goto out;
	}
	made = true;
	ret = sync_schema_checkout(ws->dir, staged, &form, err);
	if (!ret)
		ret = workspace_take_form(ws, staged, form, taken, err);
	if (!ret)
		ret = store_config_set(ws->store, SEEN_KEY, hex, err);
out:
	if (made && !*taken)
		remove_tree(staged);
	free(form);
	free(seen);
	free(staged);
	free(versions);
	return ret;
}
