/*
 * check.c - what the district accepts from a commune's branch, checked by
 * `district merge` before merging and by the pre-receive hook on each push:
 * every new commit changes only communes/CODE/, and every file it writes
 * there is a regular, bounded, valid record filed under its own id, whose
 * sensitive answers are sealed.
 */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "form.h"
#include "record.h"
#include "seal.h"
#include "sync_commit.h"
#include "util.h"
#include "validate.h"

struct check {
	git_repository *repo;
	git_odb *odb;
	const struct form *form;
	const char *code;
	char *prefix;          /* communes/CODE/ */
	git_tree *main_tree;   /* the district's main, for ids filed elsewhere */
	regex_t path_re;
	struct error *err;
	size_t problems;
};

static void problem(struct check *c, const char *file, const char *fmt, ...) ATTR_PRINTF(3, 4);

static void problem(struct check *c, const char *file, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	c->problems++;
	error_at(c->err, ERR_DATA, file, 0, 0, "%s", sbuf_str(&sb));
	sbuf_release(&sb);
}

static const char *short_id(const git_oid *id, char buf[GIT_OID_HEXSZ + 1])
{
	git_oid_tostr(buf, 8, id);
	return buf;
}

/* The id and place a record at path must have: communes/CODE/DEVICE/CODE-DEVICE-N.yaml. */
static void check_id(struct check *c, const char *path, const struct record *r)
{
	git_tree_entry *e = NULL;
	char *want = NULL, code[6];

	if (!r->id) {
		problem(c, path, "the record has no id");
		return;
	}
	if (strncmp(r->id, c->code, 5) || r->id[5] != '-') {
		snprintf(code, sizeof(code), "%.5s", r->id);
		want = sync_record_path(code, r->id);
		if (c->main_tree && !git_tree_entry_bypath(&e, c->main_tree, want))
			problem(c, path, "id %s is already the district's record %s: ids are unique "
				"across the district", r->id, want);
		else
			problem(c, path, "id %s is not one of commune %s: a record is filed under "
				"its own commune's branch and folder", r->id, c->code);
		goto out;
	}
	want = sync_record_path(c->code, r->id);
	if (strcmp(want, path))
		problem(c, path, "the record's id %s does not match its file name: it should be "
			"filed as %s", r->id, want);
out:
	git_tree_entry_free(e);
	free(want);
}

/* One record file: the blob at path, with mode, as a commit wrote it. */
static int check_file(struct check *c, const char *path, const git_oid *blob, uint16_t mode)
{
	struct validate_opts opts = { NULL, 0, false };
	struct error perr = ERROR_INIT;
	struct record r;
	git_object_t type;
	git_blob *b = NULL;
	size_t len;
	int ret = 0;

	record_init(&r);
	if (mode == GIT_FILEMODE_LINK) {
		problem(c, path, "is a symbolic link: only record files are accepted");
		goto out;
	}
	if (mode == GIT_FILEMODE_COMMIT) {
		problem(c, path, "is a submodule: only record files are accepted");
		goto out;
	}
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		problem(c, path, "is not a regular file: only record files are accepted");
		goto out;
	}
	if (regexec(&c->path_re, path, 0, NULL, 0)) {
		problem(c, path, "is not a record file: records are filed as "
			"%sDEVICE/%s-DEVICE-NNNN.yaml", c->prefix, c->code);
		goto out;
	}
	/* The header only: a huge blob is refused without being read. */
	if (git_odb_read_header(&len, &type, c->odb, blob)) {
		ret = sync_git_error(c->err, ERR_ENV, path);
		goto out;
	}
	if (len > SYNC_MAX_FILE_SIZE) {
		problem(c, path, "is %zu bytes, more than the limit of %d bytes for a record", len,
			SYNC_MAX_FILE_SIZE);
		goto out;
	}
	if (git_blob_lookup(&b, c->repo, blob)) {
		ret = sync_git_error(c->err, ERR_ENV, path);
		goto out;
	}
	if (record_parse(git_blob_rawcontent(b), len, path, &r, &perr)) {
		c->problems++;
		error_move(c->err, &perr);
		goto out;
	}
	check_id(c, path, &r);
	if (r.form && strcmp(r.form, c->form->id)) {
		problem(c, path, "the record is for form '%s', not the district's '%s'", r.form,
			c->form->id);
		goto out;
	}
	if (!r.version || strcmp(r.version, c->form->version)) {
		problem(c, path, "form version %s is unknown to the district, which has version %s: "
			"the commune should take the district's form", r.version ? r.version : "(none)",
			c->form->version);
		goto out;
	}
	if (!r.status || !record_status_valid(r.status) || !strcmp(r.status, "draft")) {
		problem(c, path, "status '%s' cannot be sent to the district (complete, void or "
			"rejected)", r.status ? r.status : "");
		goto out;
	}
	/* Sealed on the laptop or never sent: one in clear would stay in git's history. */
	c->problems += seal_record_count_clear(c->form, &r, c->err);
	/* A void or rejected record is kept as it is, answers possibly unfinished. */
	opts.draft = strcmp(r.status, "complete") != 0;
	if (validate_record(c->form, &r, &opts, &perr)) {
		c->problems++;
		error_move(c->err, &perr);
	}
out:
	error_release(&perr);
	record_release(&r);
	git_blob_free(b);
	return ret;
}

/* The first component of path that git would never write ("", ".", "..", ".git"), or NULL. */
static const char *bad_component(const char *path, char buf[8])
{
	const char *p = path;
	size_t n;

	for (;; p += n + 1) {
		n = strcspn(p, "/");
		if (n <= 2 && !strncmp(p, "..", n))
			return n == 0 ? "an empty name" : n == 1 ? "." : "..";
		if (n == 4 && !strncasecmp(p, ".git", 4)) {
			snprintf(buf, 8, "%.4s", p);
			return buf;
		}
		if (!p[n])
			return NULL;
	}
}

static bool inside(const struct check *c, const char *path)
{
	return !strncmp(path, c->prefix, strlen(c->prefix));
}

/* The changes commit makes to its first parent (to nothing for a root commit). */
static int check_commit(struct check *c, git_commit *commit)
{
	git_diff_options o;
	git_commit *parent = NULL;
	git_tree *pt = NULL, *t = NULL;
	git_diff *diff = NULL;
	char hex[GIT_OID_HEXSZ + 1], dotgit[8];
	const char *subject = git_commit_summary(commit);
	size_t i, n, outside = 0;
	int ret = ERR_ENV;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if ((git_commit_parentcount(commit) && git_commit_parent(&parent, commit, 0)) ||
	    (parent && git_commit_tree(&pt, parent)) || git_commit_tree(&t, commit) ||
	    git_diff_tree_to_tree(&diff, c->repo, pt, t, &o)) {
		sync_git_error(c->err, ret, "cannot read the commune's commits");
		goto out;
	}
	ret = 0;
	n = git_diff_num_deltas(diff);
	if (n > SYNC_MAX_FILES) {
		c->problems++;
		error_add(c->err, ERR_DATA, "commit %s (%s) changes %zu files, more than the limit "
			  "of %d", short_id(git_commit_id(commit), hex), subject ? subject : "", n,
			  SYNC_MAX_FILES);
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		const char *path = d->new_file.path ? d->new_file.path : d->old_file.path;
		const char *bad = bad_component(path, dotgit);

		if (bad || (d->old_file.path && (bad = bad_component(d->old_file.path, dotgit)))) {
			problem(c, path, "has %s in its path: a commune's files stay inside %s "
				"under plain names", bad, c->prefix);
			continue;
		}
		if (!inside(c, path) || (d->old_file.path && !inside(c, d->old_file.path))) {
			/* One message per commit names the first path; the others follow it. */
			if (!outside++) {
				c->problems++;
				error_add(c->err, ERR_DATA, "commit %s (%s) changes %s, outside %s: a "
					  "commune's branch may only change its own folder",
					  short_id(git_commit_id(commit), hex), subject ? subject : "",
					  path, c->prefix);
			}
			continue;
		}
		if (d->status == GIT_DELTA_DELETED)
			continue;
		ret = check_file(c, path, &d->new_file.id, d->new_file.mode);
	}
out:
	git_diff_free(diff);
	git_tree_free(pt);
	git_tree_free(t);
	git_commit_free(parent);
	return ret;
}

static int count_blob(const char *root, const git_tree_entry *e, void *payload)
{
	size_t *n = payload;

	(void)root;
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		(*n)++;
	return *n > SYNC_MAX_FILES ? -1 : 0;
}

/* The commune's folder in tip holds at most SYNC_MAX_FILES files. */
static int check_count(struct check *c, git_commit *tip)
{
	git_tree *t = NULL, *folder = NULL;
	git_tree_entry *e = NULL;
	size_t n = 0;
	int ret = 0;

	if (git_commit_tree(&t, tip))
		return sync_git_error(c->err, ERR_ENV, "cannot read the commune's branch");
	if (git_tree_entry_bypath(&e, t, c->prefix) || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		goto out;
	if (git_tree_lookup(&folder, c->repo, git_tree_entry_id(e))) {
		ret = sync_git_error(c->err, ERR_ENV, c->prefix);
		goto out;
	}
	git_tree_walk(folder, GIT_TREEWALK_PRE, count_blob, &n);
	if (n > SYNC_MAX_FILES) {
		c->problems++;
		error_add(c->err, ERR_DATA, "%s holds more than %d files, the limit for a commune",
			  c->prefix, SYNC_MAX_FILES);
	}
out:
	git_tree_free(folder);
	git_tree_entry_free(e);
	git_tree_free(t);
	return ret;
}

bool sync_is_commune_code(const char *s)
{
	size_t i;

	for (i = 0; i < 5; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[5] == '\0';
}

int sync_check_commune(git_repository *repo, const struct form *form, const char *code,
		       const git_oid *main, const git_oid *tip, struct error *err)
{
	struct check c = { repo, NULL, form, code, NULL, NULL, { 0 }, err, 0 };
	git_commit *main_commit = NULL, *tip_commit = NULL, *commit = NULL;
	git_revwalk *walk = NULL;
	char *pattern = NULL;
	git_oid id;
	int rc, ret = ERR_ENV;

	c.prefix = xasprintf(SYNC_COMMUNES "/%s/", code);
	/* Any commune's id in the name: check_id tells a record filed in the wrong place. */
	pattern = xasprintf("^" SYNC_COMMUNES "/%s/[A-Za-z0-9]{1,8}/[0-9]{5}-[A-Za-z0-9]{1,8}-"
			    "[0-9]{4,9}\\.yaml$", code);
	if (regcomp(&c.path_re, pattern, REG_EXTENDED | REG_NOSUB))
		die("bad built-in pattern %s", pattern);
	if (git_repository_odb(&c.odb, repo) ||
	    (main && (git_commit_lookup(&main_commit, repo, main) ||
		      git_commit_tree(&c.main_tree, main_commit))) ||
	    git_commit_lookup(&tip_commit, repo, tip) ||
	    git_revwalk_new(&walk, repo) || git_revwalk_push(walk, tip) ||
	    (main && git_revwalk_hide(walk, main))) {
		sync_git_error(err, ret, "cannot read the commune's branch");
		goto out;
	}
	ret = check_count(&c, tip_commit);
	while (!ret && !(rc = git_revwalk_next(&id, walk))) {
		git_commit_free(commit);
		commit = NULL;
		if (git_commit_lookup(&commit, repo, &id))
			ret = sync_git_error(err, ERR_ENV, "cannot read a commune's commit");
		else
			ret = check_commit(&c, commit);
	}
	if (!ret && c.problems)
		ret = ERR_DATA;
out:
	git_commit_free(commit);
	git_revwalk_free(walk);
	git_commit_free(tip_commit);
	git_tree_free(c.main_tree);
	git_commit_free(main_commit);
	git_odb_free(c.odb);
	regfree(&c.path_re);
	free(pattern);
	free(c.prefix);
	return ret;
}
