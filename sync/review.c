/*
 * review.c - `dieutra review`: the district's decision on one record,
 * committed by the officer on the commune's branch, so that the commune's
 * laptops receive it with their next sync (decision 3).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "store.h"
#include "sync_commit.h"
#include "util.h"
#include "validate.h"
#include "workspace.h"

/* The district's commune branch moved while reviewing: fetched again this often. */
#define REVIEW_TRIES 3

struct review {
	struct workspace *ws;
	git_repository *repo;
	git_remote *remote;
	const char *id, *message;
	char code[6];
	char *tracking, *local, *path;
	char *refused;
	struct sbuf server;
	struct error *err;
};

/* Reads the record from the commune's branch tip into r. */
static int read_record(struct review *v, git_commit *tip, struct record *r)
{
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int ret;

	if (git_commit_tree(&tree, tip)) {
		ret = sync_git_error(v->err, ERR_ENV, v->tracking);
		goto out;
	}
	if (git_tree_entry_bypath(&e, tree, v->path)) {
		ret = error_add(v->err, ERR_NOTFOUND, "%s: no such record on the district's branch "
				SYNC_COMMUNES "/%s (%s): see `dieutra list`", v->id, v->code, v->path);
		goto out;
	}
	if (git_blob_lookup(&blob, v->repo, git_tree_entry_id(e))) {
		ret = sync_git_error(v->err, ERR_ENV, v->path);
		goto out;
	}
	ret = record_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), v->path, r,
			   v->err);
out:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return ret;
}

static void set(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

/* Commits the decided record over tip on the local branch; *id is the commit. */
static int commit(struct review *v, git_commit *tip, const struct record *r, git_oid *id)
{
	git_signature *officer = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_tree_update u;
	git_reference *ref = NULL;
	struct sbuf text = SBUF_INIT;
	char *title = sync_commune_title(&v->ws->form, v->code), *msg;
	const git_commit *parents[1] = { tip };
	git_oid tree_id;
	int ret;

	if (v->message)
		msg = xasprintf("%s: %s rejected\n\n%s\n\nCommune: %s\nReview: rejected\n"
				"Form-Version: %s\n", title, v->id, v->message, v->code,
				v->ws->form.version);
	else
		msg = xasprintf("%s: %s accepted\n\nCommune: %s\nReview: accepted\n"
				"Form-Version: %s\n", title, v->id, v->code, v->ws->form.version);
	ret = sync_signature(v->ws->enumerator, &officer, v->err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	record_write(r, &text);
	memset(&u, 0, sizeof(u));
	u.action = GIT_TREE_UPDATE_UPSERT;
	u.filemode = GIT_FILEMODE_BLOB;
	u.path = v->path;
	if (git_blob_create_from_buffer(&u.id, v->repo, text.buf, text.len) ||
	    git_commit_tree(&base, tip) ||
	    git_tree_create_updated(&tree_id, v->repo, base, 1, &u) ||
	    git_tree_lookup(&tree, v->repo, &tree_id) ||
	    git_commit_create(id, v->repo, NULL, officer, officer, NULL, msg, tree, 1, parents) ||
	    git_reference_create(&ref, v->repo, v->local, id, 1, "review")) {
		sync_git_error(v->err, ret, "cannot commit the review");
		goto out;
	}
	util_crash_point("review-committed");
	ret = 0;
out:
	git_reference_free(ref);
	git_tree_free(tree);
	git_tree_free(base);
	git_signature_free(officer);
	sbuf_release(&text);
	free(title);
	free(msg);
	return ret;
}

static int push_refused(const char *refname, const char *status, void *payload)
{
	struct review *v = payload;

	if (status && !v->refused)
		v->refused = xasprintf("%s: %s", refname, status);
	return 0;
}

static int server_text(const char *str, int len, void *payload)
{
	struct review *v = payload;

	if (v->server.len < 4096)
		sbuf_add(&v->server, str, (size_t)len);
	return 0;
}

static int push(struct review *v, bool *stale)
{
	char *spec = xasprintf("%s:refs/heads/" SYNC_COMMUNES "/%s", v->local, v->code);
	git_strarray specs = { &spec, 1 };
	git_push_options o;
	int rc, ret = 0;

	*stale = false;
	git_push_options_init(&o, GIT_PUSH_OPTIONS_VERSION);
	o.callbacks.push_update_reference = push_refused;
	o.callbacks.sideband_progress = server_text;
	o.callbacks.payload = v;
	rc = git_remote_push(v->remote, &specs, &o);
	util_crash_point("review-pushed");
	if (rc == GIT_ENONFASTFORWARD)
		*stale = true;
	else if (rc)
		ret = error_add(v->err, ERR_ENV, "cannot send the review to the district repository "
				"%s: %s", git_remote_url(v->remote),
				git_error_last() ? git_error_last()->message : "unknown error");
	else if (v->refused)
		ret = error_add(v->err, ERR_DATA, "the district repository refused the review "
				"(%s%s%.*s)", v->refused, v->server.len ? "; it said: " : "",
				(int)strcspn(sbuf_str(&v->server), "\n"), sbuf_str(&v->server));
	free(spec);
	return ret;
}

/* One try: read the branch as fetched, decide, commit, push; *stale when it moved. */
static int attempt(struct review *v, struct record *r, bool *changed, bool *stale)
{
	git_commit *tip = NULL;
	git_reference *ref = NULL;
	struct sbuf before = SBUF_INIT, after = SBUF_INIT;
	git_oid id;
	int ret;

	*stale = false;
	record_release(r);
	record_init(r);
	ret = sync_ref_commit(v->repo, v->tracking, &tip, v->err);
	if (!ret && !tip)
		ret = error_add(v->err, ERR_NOTFOUND, "%s: the district has no branch "
				SYNC_COMMUNES "/%s: is the id right? (see `dieutra list`)",
				v->id, v->code);
	if (!ret)
		ret = read_record(v, tip, r);
	if (ret)
		goto out;
	record_write(r, &before);
	set(&r->status, v->message ? "rejected" : "complete");
	set(&r->review, v->message);
	record_write(r, &after);
	*changed = strcmp(sbuf_str(&before), sbuf_str(&after)) != 0;
	if (!*changed)
		goto out;
	ret = commit(v, tip, r, &id);
	if (!ret)
		ret = push(v, stale);
	if (!ret && !*stale &&
	    git_reference_create(&ref, v->repo, v->tracking, &id, 1, "review: pushed"))
		ret = sync_git_error(v->err, ERR_ENV, v->tracking);
out:
	git_reference_free(ref);
	git_commit_free(tip);
	sbuf_release(&before);
	sbuf_release(&after);
	return ret;
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/*
 * Whether the store lacks the decision r carries: after a review pushed by
 * a run killed before it stored it, the branch already holds the decision
 * and only the store is behind.
 */
static bool store_behind(struct workspace *ws, const struct record *r)
{
	struct store_row row = { 0 };
	struct record old;
	bool behind = true;

	record_init(&old);
	if (!store_get(ws->store, r->id, &row, NULL) &&
	    !record_parse(row.body, strlen(row.body), r->id, &old, NULL))
		behind = !same_str(old.status, r->status) || !same_str(old.review, r->review);
	record_release(&old);
	store_row_release(&row);
	return behind;
}

int sync_district_review(struct workspace *ws, const char *id, const char *message,
			 bool *changed, struct error *err)
{
	struct review v = { ws, NULL, NULL, id, message, "", NULL, NULL, NULL, NULL, SBUF_INIT,
			    err };
	struct record r;
	char *title = NULL;
	bool stale = true;
	int tries, ret, lock = -1;

	*changed = false;
	if (!workspace_is_district(ws))
		return error_at(err, ERR_USAGE, ws->dir, 0, 0, "records are reviewed in a district "
				"workspace: make one with `dieutra district clone URL DIR`");
	if (strlen(id) < 7 || id[5] != '-' || strspn(id, "0123456789") != 5 || strchr(id, '/'))
		return error_add(err, ERR_USAGE, "'%s' is not a record id (CODE-DEVICE-NNNN, e.g. "
				 "04630-A-0007)", id);
	record_init(&r);
	snprintf(v.code, sizeof(v.code), "%.5s", id);
	v.tracking = xasprintf(SYNC_TRACKING SYNC_COMMUNES "/%s", v.code);
	v.local = xasprintf("refs/heads/" SYNC_COMMUNES "/%s", v.code);
	v.path = sync_record_path(v.code, id);
	ret = sync_lock_workspace(ws->dir, &lock, err);
	if (!ret)
		ret = sync_repo_open(ws->dir, &v.repo, err);
	if (!ret)
		ret = sync_remote(v.repo, NULL, &v.remote, err);
	for (tries = 0; !ret && stale && tries < REVIEW_TRIES; tries++) {
		ret = sync_district_fetch(v.remote, err);
		if (!ret)
			ret = attempt(&v, &r, changed, &stale);
	}
	if (!ret && stale)
		ret = error_add(err, ERR_ENV, "the commune's branch kept moving during %d tries: run "
				"`dieutra review` again", REVIEW_TRIES);
	if (ret || (!*changed && !store_behind(ws, &r)))
		goto out;
	title = validate_title(&ws->form, &r, 0);
	ret = store_put_synced(ws->store, &r, title, err);
out:
	free(title);
	record_release(&r);
	free(v.refused);
	sbuf_release(&v.server);
	free(v.tracking);
	free(v.local);
	free(v.path);
	git_remote_free(v.remote);
	sync_repo_close(v.repo);
	if (lock >= 0)
		close(lock);
	return ret;
}
