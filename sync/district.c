/*
 * district.c - `dieutra district init`: the district's bare repository,
 * whose main holds the form in force and a README for whoever opens it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "seal.h"
#include "sync_priv.h"
#include "util.h"

#define DISTRICT_AUTHOR "dieutra <dieutra@localhost>"

static const char readme_fmt[] =
	"# District repository of the child census\n"
	"\n"
	"Written by dieutra (`dieutra sync` on each commune's laptops); any git can clone and\n"
	"audit it.\n"
	"\n"
	"- `main`: the merged, checked dataset, and `schema/`: the form in force (%s,\n"
	"  version %s) and its choice lists.\n"
	"- `communes/CODE`: one branch per commune, where its laptops push.  Each household\n"
	"  is one file, `communes/CODE/DEVICE/RECORD_ID.yaml`, its children inside it.\n"
	"- Each commit's author is the person who entered the data; its trailers name the\n"
	"  commune, the laptop and the form version.\n"
	"\n"
	"Who changed a household, when, and what:\n"
	"\n"
	"    git log -p --format='%%an %%ad %%s' communes/04630 -- communes/04630/A/04630-A-0007.yaml\n";

/* path must not exist, or be an empty directory. */
static int check_free(const char *path, struct error *err)
{
	struct dirent *e;
	DIR *d = opendir(path);
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : error_at(err, errno == ENOTDIR ? ERR_USAGE : ERR_ENV,
						      path, 0, 0, "cannot use: %s", strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	if (n)
		return error_at(err, ERR_USAGE, path, 0, 0,
				"is not empty: give a new directory for the district repository");
	return 0;
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

struct tree_files {
	git_tree_update *u;
	char **paths;
	size_t n, alloc;
};

static int add_blob(git_repository *repo, struct tree_files *t, char *path, const void *buf,
		    size_t len, struct error *err)
{
	git_tree_update *u;

	ALLOC_GROW(t->u, t->n + 1, t->alloc);
	t->paths = xrealloc(t->paths, t->alloc * sizeof(*t->paths));
	t->paths[t->n] = path;
	u = &t->u[t->n++];
	memset(u, 0, sizeof(*u));
	u->action = GIT_TREE_UPDATE_UPSERT;
	u->filemode = GIT_FILEMODE_BLOB;
	u->path = path;
	if (git_blob_create_from_buffer(&u->id, repo, buf, len))
		return sync_git_error(err, ERR_ENV, path);
	return 0;
}

/* Adds schema/name, read from src, unless it is there already (lists share a file). */
static int add_file(git_repository *repo, struct tree_files *t, const char *src,
		    const char *name, struct error *err)
{
	struct sbuf buf = SBUF_INIT;
	char *path = xasprintf("%s/%s", SYNC_SCHEMA_DIR, name);
	size_t i;
	int ret;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->paths[i], path)) {
			free(path);
			return 0;
		}
	}
	ret = read_file(src, &buf, err);
	if (!ret)
		ret = add_blob(repo, t, path, buf.buf, buf.len, err);
	else
		free(path);
	sbuf_release(&buf);
	return ret;
}

/* The form and the choice files it names, then the README. */
static int build_tree(git_repository *repo, const struct form *f, const char *schema_path,
		      git_oid *tree, struct error *err)
{
	struct tree_files t = { NULL, NULL, 0, 0 };
	const char *slash = strrchr(schema_path, '/');
	char *src_dir = slash ? xstrndup(schema_path, (size_t)(slash - schema_path + 1))
			      : xstrdup("");
	char *readme = xasprintf(readme_fmt, f->id, f->version), *src;
	size_t i;
	int ret;

	ret = add_file(repo, &t, schema_path, base_of(schema_path), err);
	for (i = 0; !ret && i < f->nlists; i++) {
		if (!f->lists[i]->file)
			continue;
		src = xasprintf("%s%s", src_dir, f->lists[i]->file);
		ret = add_file(repo, &t, src, f->lists[i]->file, err);
		free(src);
	}
	if (!ret)
		ret = add_blob(repo, &t, xstrdup("README.md"), readme, strlen(readme), err);
	if (!ret && git_tree_create_updated(tree, repo, NULL, t.n, t.u))
		ret = sync_git_error(err, ERR_ENV, "cannot write the district's first tree");
	for (i = 0; i < t.n; i++)
		free(t.paths[i]);
	free(t.paths);
	free(t.u);
	free(readme);
	free(src_dir);
	return ret;
}

int sync_district_init(const char *path, const char *schema_path, struct error *err)
{
	git_repository_init_options o;
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	struct form f = FORM_INIT;
	git_oid tree_id, commit_id;
	char *msg = NULL;
	int ret;

	git_libgit2_init();
	ret = form_load(schema_path, &f, err);
	if (!ret)
		ret = check_free(path, err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH |
		  GIT_REPOSITORY_INIT_NO_REINIT;
	o.initial_head = SYNC_MAIN;
	if (git_repository_init_ext(&repo, path, &o)) {
		sync_git_error(err, ret, path);
		goto out;
	}
	ret = build_tree(repo, &f, schema_path, &tree_id, err);
	if (!ret)
		ret = sync_signature(DISTRICT_AUTHOR, &sig, err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	msg = xasprintf("Form %s version %s\n\nForm-Version: %s\n", f.id, f.version, f.version);
	if (git_tree_lookup(&tree, repo, &tree_id) ||
	    git_commit_create(&commit_id, repo, "refs/heads/" SYNC_MAIN, sig, sig, NULL, msg,
			      tree, 0, NULL)) {
		sync_git_error(err, ret, "cannot commit the form");
		goto out;
	}
	ret = 0;
out:
	free(msg);
	git_tree_free(tree);
	git_signature_free(sig);
	git_repository_free(repo);
	form_release(&f);
	git_libgit2_shutdown();
	return ret;
}

int sync_district_set_key(const char *path, const char *pub_text, const char *key_id,
			  struct error *err)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_commit *main = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update u;
	git_oid tree_id, commit_id;
	char *msg = NULL;
	int ret = ERR_ENV;

	git_libgit2_init();
	if (git_repository_open_bare(&repo, path)) {
		ret = error_at(err, ERR_NOTFOUND, path, 0, 0, "not a district repository (made "
			       "with `dieutra district init`): %s", git_error_last() ?
			       git_error_last()->message : "cannot open");
		goto out;
	}
	ret = sync_ref_commit(repo, "refs/heads/" SYNC_MAIN, &main, err);
	if (!ret && !main)
		ret = error_at(err, ERR_NOTFOUND, path, 0, 0, "has no branch %s: is it a district "
			       "repository?", SYNC_MAIN);
	if (!ret)
		ret = sync_signature(DISTRICT_AUTHOR, &sig, err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	memset(&u, 0, sizeof(u));
	u.action = GIT_TREE_UPDATE_UPSERT;
	u.filemode = GIT_FILEMODE_BLOB;
	u.path = SYNC_SCHEMA_DIR "/" SEAL_PUB_FILE;
	if (git_blob_create_from_buffer(&u.id, repo, pub_text, strlen(pub_text)) ||
	    git_commit_tree(&base, main) ||
	    git_tree_create_updated(&tree_id, repo, base, 1, &u) ||
	    git_tree_lookup(&tree, repo, &tree_id)) {
		sync_git_error(err, ret, "cannot write the district's key");
		goto out;
	}
	msg = xasprintf("District key %s for sensitive answers\n\nLaptops seal sensitive answers "
			"to it from their next sync.\n", key_id);
	/* Compare-and-swap on main: a concurrent change makes this fail, not vanish. */
	if (git_commit_create(&commit_id, repo, "refs/heads/" SYNC_MAIN, sig, sig, NULL, msg,
			      tree, 1, (const git_commit **)&main)) {
		sync_git_error(err, ret, "cannot commit the district's key");
		goto out;
	}
	ret = 0;
out:
	free(msg);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(main);
	git_signature_free(sig);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}
