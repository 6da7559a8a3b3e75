/*
 * workspace_form.c - the form versions of a workspace: the one in force,
 * and the earlier ones its older records were entered with (workspace.h).
 */
#include "workspace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "util.h"

static char *version_key(const char *version)
{
	return xasprintf("form:%s", version);
}

int workspace_form_of(struct workspace *ws, const char *version, const struct form **f,
		      struct error *err)
{
	struct form *older = NULL;
	char *key = NULL, *rel = NULL, *path = NULL;
	int ret = 0;

	*f = &ws->form;
	if (!version || !strcmp(version, ws->form.version))
		return 0;
	if (ws->older && !strcmp(ws->older->version, version)) {
		*f = ws->older;
		return 0;
	}
	key = version_key(version);
	ret = store_config_get(ws->store, key, &rel, err);
	if (ret)
		goto out;
	if (!rel) {
		ret = error_add(err, ERR_DATA, "this workspace never had form version %s (it has %s)",
				version, ws->form.version);
		goto out;
	}
	path = xasprintf("%s/%s", ws->dir, rel);
	older = xcalloc(1, sizeof(*older));
	ret = form_load_lazy(path, older, err);
	if (ret) {
		free(older);
		goto out;
	}
	if (ws->older)
		form_release(ws->older);
	free(ws->older);
	ws->older = older;
	*f = older;
out:
	free(path);
	free(rel);
	free(key);
	return ret;
}

/* A version names a folder: letters, digits, '.', '-', '_', not starting with '.'. */
static bool folder_name(const char *v)
{
	return *v && *v != '.' && strlen(v) <= 64 &&
	       !v[strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")];
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int workspace_take_form(struct workspace *ws, const char *staged, const char *form_path,
			bool *taken, struct error *err)
{
	struct form f = FORM_INIT;
	char *dest = NULL, *rel = NULL, *key = NULL, *cur_rel = NULL;
	struct stat sb;
	int ret;

	*taken = false;
	/* Most syncs bring the same version: its lists are read only for a new one. */
	ret = form_load_lazy(form_path, &f, err);
	if (ret) {
		error_add(err, ret, "the district's form does not load, so this laptop keeps form "
			  "version %s: ask the district office to correct it", ws->form.version);
		goto out;
	}
	if (strcmp(f.id, ws->form.id)) {
		ret = error_add(err, ERR_DATA, "the district's form is '%s', this workspace's '%s': "
				"this laptop keeps its form; ask the district office", f.id,
				ws->form.id);
		goto out;
	}
	if (!strcmp(f.version, ws->form.version))
		goto out;
	/* Read whole before its folder moves: its lists' paths point into staged. */
	ret = form_lists_ready(&f, err);
	if (ret) {
		error_add(err, ret, "the district's form does not load, so this laptop keeps form "
			  "version %s: ask the district office to correct it", ws->form.version);
		goto out;
	}
	if (!folder_name(f.version)) {
		ret = error_add(err, ERR_DATA, "the district's form version '%s' cannot name a "
				"folder (use letters, digits, '.', '-'): this laptop keeps version %s",
				f.version, ws->form.version);
		goto out;
	}
	/* The version in force is remembered before anything moves, for its records. */
	key = version_key(ws->form.version);
	ret = store_config_get(ws->store, "form", &cur_rel, err);
	if (!ret && cur_rel)
		ret = store_config_set(ws->store, key, cur_rel, err);
	if (ret)
		goto out;
	rel = xasprintf("%s/%s", WORKSPACE_VERSIONS_DIR, f.version);
	dest = xasprintf("%s/%s", ws->dir, rel);
	/* A folder already there was renamed whole by an earlier, interrupted take. */
	if (stat(dest, &sb) && rename(staged, dest)) {
		ret = error_at(err, ERR_ENV, dest, 0, 0, "cannot install the form: %s",
			       strerror(errno));
		goto out;
	}
	free(rel);
	rel = xasprintf("%s/%s/%s", WORKSPACE_VERSIONS_DIR, f.version, base_of(form_path));
	free(key);
	key = version_key(f.version);
	ret = store_config_set(ws->store, key, rel, err);
	if (!ret)
		ret = store_config_set(ws->store, "form", rel, err);
	if (ret)
		goto out;
	form_release(&ws->form);
	ws->form = f;
	f = (struct form)FORM_INIT;
	*taken = true;
out:
	form_release(&f);
	free(cur_rel);
	free(key);
	free(rel);
	free(dest);
	return ret;
}
