/*
 * repo.c - the workspace's repository (DIR/repo.git), its remote, fetching
 * from the district, and the form that comes from the district's main.
 */
#include <stdlib.h>
#include <string.h>

#include "sync_priv.h"
#include "util.h"

int sync_git_error(struct error *err, int code, const char *what)
{
	const git_error *e = git_error_last();

	return error_add(err, code, "%s: %s", what, e && e->message ? e->message : "unknown error");
}

int sync_repo_open(const char *dir, git_repository **repo, struct error *err)
{
	char *path = xasprintf("%s/%s", dir, SYNC_REPO_DIR);
	int rc, ret = ERR_ENV;

	*repo = NULL;
	git_libgit2_init();
	/*
	 * Trees over 4 KB are not cached by default, and a commune's folder of
	 * 10,000 households is about 500 KB: a sync would inflate and parse it
	 * again at each step (commit, push, diff).
	 */
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)4 << 20);
	rc = git_repository_open_bare(repo, path);
	if (rc == GIT_ENOTFOUND) {
		git_repository_init_options o;

		git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
		o.initial_head = SYNC_MAIN;
		rc = git_repository_init_ext(repo, path, &o);
	}
	if (rc) {
		ret = sync_git_error(err, ERR_ENV, path);
		goto out;
	}
	ret = 0;
out:
	if (ret)
		git_libgit2_shutdown();
	free(path);
	return ret;
}

void sync_repo_close(git_repository *repo)
{
	if (!repo)
		return;
	git_repository_free(repo);
	git_libgit2_shutdown();
}

/*
 * A local path is remembered absolute, since the next sync may run from
 * another directory; URLs (file://, ssh://, host:path) stay as given.
 */
static char *remote_url(const char *url)
{
	char *abs;

	if (strstr(url, "://") || !(abs = realpath(url, NULL)))
		return xstrdup(url);
	return abs;
}

int sync_remote(git_repository *repo, const char *given, git_remote **remote,
		struct error *err)
{
	char *url = given ? remote_url(given) : NULL;
	int rc, ret = 0;

	*remote = NULL;
	if (url && sync_url_has_password(url)) {
		ret = error_add(err, ERR_USAGE,
				"put no password in the district repository's URL (it would be kept "
				"and shown): give it in DIEUTRA_PASSWORD or through git's "
				"credential helper");
		goto out;
	}
	rc = git_remote_lookup(remote, repo, SYNC_REMOTE);
	if (rc == GIT_ENOTFOUND && !url) {
		ret = error_add(err, ERR_USAGE,
				"no district repository known yet: give it with --remote URL "
				"(a path, e.g. /media/usb/district.git, or a URL)");
		goto out;
	}
	if (!rc && !url && sync_url_has_password(git_remote_url(*remote))) {
		ret = error_add(err, ERR_USAGE,
				"the district repository's URL kept in %s holds a password: give "
				"the URL again without it (--remote URL) and the password in "
				"DIEUTRA_PASSWORD or through git's credential helper",
				git_repository_path(repo));
		goto out;
	}
	if (rc == GIT_ENOTFOUND) {
		rc = git_remote_create(remote, repo, SYNC_REMOTE, url);
	} else if (!rc && url && strcmp(git_remote_url(*remote), url)) {
		git_remote_free(*remote);
		*remote = NULL;
		rc = git_remote_set_url(repo, SYNC_REMOTE, url);
		if (!rc)
			rc = git_remote_lookup(remote, repo, SYNC_REMOTE);
	}
	if (rc)
		ret = sync_git_error(err, ERR_ENV, "cannot set up the district repository's remote");
out:
	free(url);
	return ret;
}

struct fetch_state {
	void (*progress)(void *data, const struct sync_progress *p);
	void *data;
};

static int fetch_progress(const git_indexer_progress *stats, void *payload)
{
	struct sync_link *link = payload;
	struct fetch_state *fs = link->data;
	struct sync_progress p = { SYNC_FETCHING, stats->received_objects,
				   stats->total_objects, stats->received_bytes };

	fs->progress(fs->data, &p);
	return 0;
}

int sync_fetch(git_remote *remote, const char *const *branches, size_t n,
	       void (*progress)(void *data, const struct sync_progress *p), void *data,
	       struct error *err)
{
	git_fetch_options o;
	struct fetch_state fs = { progress, data };
	struct sync_link link;
	git_strarray specs = { NULL, 0 };
	size_t i;
	int tried, rc, ret;

	/* Every connection starts with a fetch: TLS is set up for the push too. */
	ret = sync_tls_setup(err);
	if (ret)
		return ret;
	git_fetch_options_init(&o, GIT_FETCH_OPTIONS_VERSION);
	specs.strings = xcalloc(n, sizeof(*specs.strings));
	for (i = 0; i < n; i++)
		specs.strings[i] = xasprintf("+refs/heads/%s:" SYNC_TRACKING "%s",
					     branches[i], branches[i]);
	specs.count = n;
	for (tried = 1;; tried++) {
		sync_link_init(&link, git_remote_url(remote), &fs);
		sync_link_callbacks(&link, &o.callbacks);
		if (progress)
			o.callbacks.transfer_progress = fetch_progress;
		rc = git_remote_fetch(remote, &specs, &o, NULL);
		if (!rc || tried == SYNC_NET_TRIES || !sync_link_transient(&link, rc))
			break;
		sync_link_end(&link, false);
		sync_link_pause(tried);
	}
	if (rc)
		ret = sync_link_error(&link, err, ERR_ENV,
				      "cannot fetch from the district repository");
	sync_link_end(&link, !ret);
	for (i = 0; i < n; i++)
		free(specs.strings[i]);
	free(specs.strings);
	return ret;
}

int sync_ref_commit(git_repository *repo, const char *refname, git_commit **commit,
		    struct error *err)
{
	git_oid id;
	int rc;

	*commit = NULL;
	rc = git_reference_name_to_id(&id, repo, refname);
	if (rc == GIT_ENOTFOUND)
		return 0;
	if (!rc)
		rc = git_commit_lookup(commit, repo, &id);
	if (rc)
		return sync_git_error(err, ERR_ENV, refname);
	return 0;
}

int sync_signature(const char *who, git_signature **sig, struct error *err)
{
	const char *lt = strrchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	char *name = NULL, *email = NULL;
	size_t n;
	int ret = 0;

	*sig = NULL;
	if (!lt || !gt)
		return error_add(err, ERR_DATA, "'%s' is not \"Name <email>\"", who);
	for (n = (size_t)(lt - who); n && who[n - 1] == ' '; n--)
		;
	name = xstrndup(who, n);
	email = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	if (git_signature_new(sig, name, email, (git_time_t)util_now(), 0))
		ret = sync_git_error(err, ERR_DATA, who);
	free(name);
	free(email);
	return ret;
}

int sync_repo_init(const char *dir, const char *url, struct error *err)
{
	static const char *const branches[] = { SYNC_MAIN };
	git_repository *repo = NULL;
	git_remote *remote = NULL;
	git_commit *tip = NULL;
	char *shown;
	int ret;

	ret = make_dirs(dir, err);
	if (!ret)
		ret = sync_repo_open(dir, &repo, err);
	if (ret || !url)
		goto out;
	ret = sync_remote(repo, url, &remote, err);
	if (!ret)
		ret = sync_fetch(remote, branches, 1, NULL, NULL, err);
	if (!ret)
		ret = sync_ref_commit(repo, SYNC_TRACKING SYNC_MAIN, &tip, err);
	if (!ret && !tip) {
		shown = sync_url_shown(url);
		ret = error_add(err, ERR_DATA,
				"%s has no branch %s: is it a district repository? "
				"(made with `dieutra district init`)", shown, SYNC_MAIN);
		free(shown);
	}
out:
	git_commit_free(tip);
	git_remote_free(remote);
	sync_repo_close(repo);
	return ret;
}

struct checkout {
	git_repository *repo;
	const char *dest;
	char *form;     /* the one .yaml file at the top */
	size_t nforms;
	struct error *err;
	int ret;
};

static bool is_yaml(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && !strcmp(name + n - 5, ".yaml")) || (n > 4 && !strcmp(name + n - 4, ".yml"));
}

/* Writes each blob of schema/ below dest; root is the folder within schema/. */
static int checkout_entry(const char *root, const git_tree_entry *entry, void *payload)
{
	struct checkout *c = payload;
	const char *name = git_tree_entry_name(entry);
	git_blob *blob = NULL;
	char *path, *dir;

	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
		return 0;
	dir = xasprintf("%s/%s", c->dest, root);
	path = xasprintf("%s%s", dir, name);
	if (git_blob_lookup(&blob, c->repo, git_tree_entry_id(entry)))
		c->ret = sync_git_error(c->err, ERR_ENV, name);
	if (!c->ret)
		c->ret = make_dirs(dir, c->err);
	if (!c->ret)
		c->ret = write_file_atomic(path, git_blob_rawcontent(blob),
					   (size_t)git_blob_rawsize(blob), c->err);
	if (!c->ret && !*root && is_yaml(name)) {
		c->nforms++;
		free(c->form);
		c->form = xstrdup(path);
	}
	git_blob_free(blob);
	free(path);
	free(dir);
	return c->ret ? -1 : 0;
}

int sync_schema_write(git_repository *repo, git_commit *tip, const char *dest, char **form_path,
		      struct error *err)
{
	struct checkout c = { repo, dest, NULL, 0, err, 0 };
	git_tree_entry *entry = NULL;
	git_tree *tree = NULL, *schema = NULL;
	int ret = ERR_DATA;

	*form_path = NULL;
	if (git_commit_tree(&tree, tip) ||
	    git_tree_entry_bypath(&entry, tree, SYNC_SCHEMA_DIR) ||
	    git_tree_entry_type(entry) != GIT_OBJECT_TREE ||
	    git_tree_lookup(&schema, c.repo, git_tree_entry_id(entry))) {
		error_add(err, ret, "the district's %s has no %s/ folder with the form",
			  SYNC_MAIN, SYNC_SCHEMA_DIR);
		goto out;
	}
	ret = make_dirs(dest, err);
	if (ret)
		goto out;
	if (git_tree_walk(schema, GIT_TREEWALK_PRE, checkout_entry, &c)) {
		ret = c.ret ? c.ret : sync_git_error(err, ERR_ENV, "cannot read the form");
		goto out;
	}
	ret = ERR_DATA;
	if (c.nforms != 1) {
		error_add(err, ret, "the district's %s/ should hold one form (a .yaml file), not %zu",
			  SYNC_SCHEMA_DIR, c.nforms);
		goto out;
	}
	*form_path = c.form;
	c.form = NULL;
	ret = 0;
out:
	free(c.form);
	git_tree_free(schema);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	return ret;
}

int sync_schema_checkout(const char *dir, const char *dest, char **form_path,
			 struct error *err)
{
	git_repository *repo = NULL;
	git_commit *tip = NULL;
	int ret;

	*form_path = NULL;
	ret = sync_repo_open(dir, &repo, err);
	if (ret)
		return ret;
	ret = sync_ref_commit(repo, SYNC_TRACKING SYNC_MAIN, &tip, err);
	if (!ret && !tip)
		ret = error_add(err, ERR_DATA, "the district's %s has not been fetched", SYNC_MAIN);
	if (!ret)
		ret = sync_schema_write(repo, tip, dest, form_path, err);
	git_commit_free(tip);
	sync_repo_close(repo);
	return ret;
}
