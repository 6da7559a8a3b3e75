/*
 * hook.c - the district repository's pre-receive hook: every push to a
 * commune's branch passes the checks of `district merge` (check.c), and
 * main takes only district merges.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form.h"
#include "sync_priv.h"
#include "util.h"

#define HOOK_MARK "dieutra pre-receive hook"
#define MAIN_REF "refs/heads/" SYNC_MAIN
#define COMMUNE_REF "refs/heads/" SYNC_COMMUNES "/"
/* Merges one push may add to main: far more than a district has communes. */
#define MAX_MERGES 10000

struct hook {
	git_repository *repo;
	struct form form;
	bool have_form;
	struct error *err;
};

static const char *short_id(const git_oid *id, char buf[GIT_OID_HEXSZ + 1])
{
	return git_oid_tostr(buf, 8, id);
}

int sync_hook_install(const char *path, const char *exe, struct error *err)
{
	git_repository *repo = NULL;
	struct sbuf old = SBUF_INIT;
	char *hook = NULL, *text = NULL;
	struct error read_err = ERROR_INIT;
	int ret;

	if (strchr(exe, '\''))
		return error_add(err, ERR_ENV, "%s: a program path with a quote cannot go in a hook",
				 exe);
	git_libgit2_init();
	ret = ERR_USAGE;
	if (git_repository_open_bare(&repo, path)) {
		sync_git_error(err, ret, path);
		error_add(err, ret, "give the district's bare repository (made by `dieutra district "
			  "init`), e.g. /srv/git/district.git");
		goto out;
	}
	hook = xasprintf("%s/hooks/pre-receive", git_repository_path(repo));
	ret = read_file(hook, &old, &read_err);
	if (!ret && !strstr(sbuf_str(&old), HOOK_MARK)) {
		ret = error_at(err, ERR_USAGE, hook, 0, 0,
			       "a pre-receive hook is there already: move it away (or call it from "
			       "another hook), then install again");
		goto out;
	}
	text = xasprintf("#!/bin/sh\n"
			 "# %s, installed by `dieutra hook install`: the district's checks on\n"
			 "# every push (see `dieutra hook --help`).\n"
			 "exec '%s' hook run\n", HOOK_MARK, exe);
	ret = make_dirs(git_repository_path(repo), err);
	if (!ret) {
		char *dir = xasprintf("%s/hooks", git_repository_path(repo));

		ret = make_dirs(dir, err);
		free(dir);
	}
	if (!ret)
		ret = write_file_atomic(hook, text, strlen(text), err);
	if (!ret && chmod(hook, 0755))
		ret = error_at(err, ERR_ENV, hook, 0, 0, "cannot make executable: %s",
			       strerror(errno));
out:
	error_release(&read_err);
	sbuf_release(&old);
	free(text);
	free(hook);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The form of the repository's main, loaded once from a scratch copy. */
static int load_form(struct hook *h)
{
	const char *tmp = getenv("TMPDIR");
	char *scratch = xasprintf("%s/dieutra-hook.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *form_path = NULL;
	git_commit *main = NULL;
	int ret;

	if (h->have_form) {
		free(scratch);
		return 0;
	}
	ret = sync_ref_commit(h->repo, MAIN_REF, &main, h->err);
	if (!ret && !main)
		ret = error_add(h->err, ERR_DATA, "the repository has no %s: make it with `dieutra "
				"district init`", SYNC_MAIN);
	if (ret)
		goto out;
	if (!mkdtemp(scratch)) {
		ret = error_at(h->err, ERR_ENV, scratch, 0, 0, "cannot make a scratch folder: %s",
			       strerror(errno));
		goto out;
	}
	ret = sync_schema_write(h->repo, main, scratch, &form_path, h->err);
	if (!ret)
		ret = form_load(form_path, &h->form, h->err);
	h->have_form = !ret;
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
out:
	free(form_path);
	free(scratch);
	git_commit_free(main);
	return ret;
}

/* The trailer key of commit c, or NULL; *value is a new string (caller frees). */
static char *trailer(git_commit *c, const char *key)
{
	git_message_trailer_array t = { NULL, 0, NULL };
	char *v = NULL;
	size_t i;

	if (git_message_trailers(&t, git_commit_message(c)))
		return NULL;
	for (i = 0; i < t.count && !v; i++)
		if (!strcmp(t.trailers[i].key, key))
			v = xstrdup(t.trailers[i].value);
	git_message_trailer_array_free(&t);
	return v;
}

/* Whether the entries at path of two trees are the same (both missing counts as the same). */
static bool same_entry(git_tree *a, git_tree *b, const char *path)
{
	git_tree_entry *ea = NULL, *eb = NULL;
	bool same;

	git_tree_entry_bypath(&ea, a, path);
	git_tree_entry_bypath(&eb, b, path);
	same = (!ea && !eb) || (ea && eb && git_oid_equal(git_tree_entry_id(ea),
							  git_tree_entry_id(eb)));
	git_tree_entry_free(ea);
	git_tree_entry_free(eb);
	return same;
}

/*
 * A district merge, as `district merge` writes it: two parents, trailers
 * Commune (a code) and Commune-Commit (the second parent), a tree that is
 * the first parent's with communes/CODE/ taken from the second, and the
 * commune's commits passing the checks.
 */
static int check_merge(struct hook *h, git_commit *c)
{
	char hex[GIT_OID_HEXSZ + 1], *code = trailer(c, "Commune");
	char *merged = trailer(c, "Commune-Commit"), *folder = NULL;
	const char *subject = git_commit_summary(c);
	git_commit *p1 = NULL, *p2 = NULL;
	git_tree *t = NULL, *t1 = NULL, *t2 = NULL;
	git_diff *diff = NULL;
	git_oid merged_id;
	size_t i, n;
	int ret = ERR_DATA;

	short_id(git_commit_id(c), hex);
	if (git_commit_parentcount(c) != 2 || !code || !sync_is_commune_code(code) || !merged ||
	    git_oid_fromstr(&merged_id, merged) ||
	    !git_oid_equal(&merged_id, git_commit_parent_id(c, 1))) {
		error_add(h->err, ret, "commit %s (%s) on %s is not a district merge: %s takes only "
			  "the merges of `dieutra district merge`", hex, subject ? subject : "",
			  SYNC_MAIN, SYNC_MAIN);
		goto out;
	}
	if (git_commit_parent(&p1, c, 0) || git_commit_parent(&p2, c, 1) ||
	    git_commit_tree(&t, c) || git_commit_tree(&t1, p1) || git_commit_tree(&t2, p2) ||
	    git_diff_tree_to_tree(&diff, h->repo, t1, t, NULL)) {
		ret = sync_git_error(h->err, ERR_ENV, "cannot read a merge");
		goto out;
	}
	folder = xasprintf(SYNC_COMMUNES "/%s/", code);
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;

		if (strncmp(path, folder, strlen(folder))) {
			error_add(h->err, ret, "merge %s (%s) changes %s, outside %s", hex,
				  subject ? subject : "", path, folder);
			goto out;
		}
	}
	folder[strlen(folder) - 1] = '\0';
	if (!same_entry(t, t2, folder)) {
		error_add(h->err, ret, "merge %s (%s): its %s/ is not the commune's", hex,
			  subject ? subject : "", folder);
		goto out;
	}
	ret = sync_check_commune(h->repo, &h->form, code, git_commit_id(p1), git_commit_id(p2),
				 h->err);
out:
	git_diff_free(diff);
	git_tree_free(t);
	git_tree_free(t1);
	git_tree_free(t2);
	git_commit_free(p1);
	git_commit_free(p2);
	free(folder);
	free(merged);
	free(code);
	return ret;
}

/* main moves from old to new only through district merges, old as their first parents. */
static int check_main(struct hook *h, const git_oid *old, const git_oid *new)
{
	git_commit *c = NULL, *next = NULL;
	size_t n = 0;
	int ret = 0;

	if (git_oid_is_zero(old) || git_oid_is_zero(new))
		return error_add(h->err, ERR_DATA, "%s is made by `dieutra district init` and never "
				 "deleted", SYNC_MAIN);
	if (git_commit_lookup(&c, h->repo, new))
		return sync_git_error(h->err, ERR_ENV, "cannot read the pushed main");
	while (!ret && !git_oid_equal(git_commit_id(c), old)) {
		if (++n > MAX_MERGES || !git_commit_parentcount(c)) {
			ret = error_add(h->err, ERR_DATA, "the pushed %s does not build on the "
					"district's: only `dieutra district merge` updates it",
					SYNC_MAIN);
			break;
		}
		ret = check_merge(h, c);
		if (!ret && git_commit_parent(&next, c, 0))
			ret = sync_git_error(h->err, ERR_ENV, "cannot read main's history");
		git_commit_free(c);
		c = next;
		next = NULL;
	}
	git_commit_free(c);
	return ret;
}

static int check_update(struct hook *h, const git_oid *old, const git_oid *new,
			const char *ref)
{
	git_oid main;
	const char *code = ref + strlen(COMMUNE_REF);
	int ret;

	if (!strcmp(ref, MAIN_REF)) {
		ret = load_form(h);
		return ret ? ret : check_main(h, old, new);
	}
	if (strncmp(ref, COMMUNE_REF, strlen(COMMUNE_REF)) || !sync_is_commune_code(code))
		return error_add(h->err, ERR_DATA, "%s: the district repository holds only %s and "
				 "%s/CODE (a commune's 5-digit code)", ref, SYNC_MAIN, SYNC_COMMUNES);
	if (git_oid_is_zero(new))
		return error_add(h->err, ERR_DATA, "%s: a commune's branch is never deleted", ref);
	ret = load_form(h);
	if (!ret && git_reference_name_to_id(&main, h->repo, MAIN_REF))
		ret = sync_git_error(h->err, ERR_ENV, MAIN_REF);
	if (!ret)
		ret = sync_check_commune(h->repo, &h->form, code, &main, new, h->err);
	return ret;
}

int sync_hook_run(const char *updates, struct error *err)
{
	struct hook h = { NULL, FORM_INIT, false, err };
	const char *line = updates, *end;
	int rc, ret = 0;

	git_libgit2_init();
	/* GIT_DIR and git's quarantine of the pushed objects, as git sets them for hooks. */
	if (git_repository_open_ext(&h.repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL)) {
		ret = sync_git_error(err, ERR_ENV, "cannot open the repository being pushed to");
		goto out;
	}
	for (; *line; line = *end ? end + 1 : end) {
		char old_hex[GIT_OID_HEXSZ + 1], new_hex[GIT_OID_HEXSZ + 1], ref[1024];
		git_oid old, new;

		end = line + strcspn(line, "\n");
		if (end == line)
			continue;
		if (sscanf(line, "%40s %40s %1023s", old_hex, new_hex, ref) != 3 ||
		    git_oid_fromstr(&old, old_hex) || git_oid_fromstr(&new, new_hex)) {
			ret = error_add(err, ERR_USAGE, "not a ref update (OLD NEW REFNAME): %.*s",
					(int)(end - line), line);
			goto out;
		}
		rc = check_update(&h, &old, &new, ref);
		if (rc == ERR_ENV) {
			ret = rc;
			goto out;
		}
		if (rc)
			ret = rc;
	}
out:
	form_release(&h.form);
	git_repository_free(h.repo);
	git_libgit2_shutdown();
	return ret;
}
