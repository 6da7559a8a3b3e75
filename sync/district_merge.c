/*
 * district_merge.c - `dieutra district merge`: each commune's branch with
 * new commits is checked (check.c) and merged into main with one merge
 * commit, or left out with its reasons; then main is pushed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form.h"
#include "record.h"
#include "store.h"
#include "sync_commit.h"
#include "util.h"
#include "workspace.h"

#define COMMUNE_REFS SYNC_TRACKING SYNC_COMMUNES "/"
#define MAIN_REF "refs/heads/" SYNC_MAIN
#define REFUSED_KEY "refused/"

struct merge {
	struct workspace *ws;
	git_repository *repo;
	git_remote *remote;
	git_signature *officer;
	struct sync_merge_result *res;
	struct error *err;
	char **branches;    /* refs/remotes/district/communes/..., sorted */
	size_t nbranches, alloc;
	char *refused;      /* the district's reason for refusing the push */
	struct sbuf server; /* what its hooks said */
};

void sync_merge_result_release(struct sync_merge_result *res)
{
	size_t i;

	for (i = 0; i < res->n; i++)
		free(res->communes[i].title);
	free(res->communes);
	memset(res, 0, sizeof(*res));
}

static int collect_branch(const char *name, void *payload)
{
	struct merge *m = payload;

	ALLOC_GROW(m->branches, m->nbranches + 1, m->alloc);
	m->branches[m->nbranches++] = xstrdup(name);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The form's first top-level repeat: what a household's count of children counts. */
static const struct form_field *first_repeat(const struct form *f)
{
	size_t i;

	for (i = 0; i < f->ntop; i++)
		if (f->top[i]->type == FORM_REPEAT)
			return f->top[i];
	return NULL;
}

/* What one record file adds to a commune's counts: nothing when void or unreadable. */
static void contribution(struct merge *m, const git_oid *blob, long *households, long *children)
{
	const struct form_field *rep = first_repeat(&m->ws->form);
	const struct record_node *items;
	struct record r;
	git_blob *b = NULL;

	*households = *children = 0;
	record_init(&r);
	if (git_blob_lookup(&b, m->repo, blob) ||
	    record_parse(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), NULL, &r, NULL) ||
	    !r.status || !strcmp(r.status, "void"))
		goto out;
	*households = 1;
	items = rep ? record_node_get(r.data, rep->name) : NULL;
	if (items && items->kind == RECORD_LIST)
		*children = (long)items->nkids;
out:
	record_release(&r);
	git_blob_free(b);
}

/* The counts the last merge of code into main wrote in its trailers (0, 0 when none). */
static int last_counts(struct merge *m, git_commit *main, const char *code, long *households,
		       long *children)
{
	git_commit *c = NULL, *next = NULL;
	bool found = false;
	size_t i;
	int ret = 0;

	*households = *children = 0;
	if (git_commit_dup(&c, main))
		return sync_git_error(m->err, ERR_ENV, "cannot read main");
	while (c && !found) {
		git_message_trailer_array t = { NULL, 0, NULL };
		const char *commune = NULL, *h = NULL, *k = NULL;

		if (git_commit_parentcount(c) == 2 && !git_message_trailers(&t, git_commit_message(c))) {
			for (i = 0; i < t.count; i++) {
				if (!strcmp(t.trailers[i].key, "Commune"))
					commune = t.trailers[i].value;
				else if (!strcmp(t.trailers[i].key, "Households"))
					h = t.trailers[i].value;
				else if (!strcmp(t.trailers[i].key, "Children"))
					k = t.trailers[i].value;
			}
			if (commune && !strcmp(commune, code) && h && k) {
				*households = strtol(h, NULL, 10);
				*children = strtol(k, NULL, 10);
				found = true;
			}
		}
		git_message_trailer_array_free(&t);
		next = NULL;
		if (!found && git_commit_parentcount(c) && git_commit_parent(&next, c, 0))
			ret = sync_git_error(m->err, ERR_ENV, "cannot read main's history");
		git_commit_free(c);
		c = ret ? NULL : next;
	}
	git_commit_free(c);
	return ret;
}

/* The commune's counts once tree is main: main's, plus what the changed files add. */
static int count(struct merge *m, git_commit *main, git_tree *tree, const char *code,
		 struct sync_merged *out)
{
	char *spec = xasprintf(SYNC_COMMUNES "/%s/", code);
	git_tree *main_tree = NULL;
	git_diff *diff = NULL;
	git_diff_options o;
	long h, k, dh, dk;
	size_t i, n;
	int ret;

	ret = last_counts(m, main, code, &h, &k);
	if (ret)
		goto out;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = &spec;
	o.pathspec.count = 1;
	if (git_commit_tree(&main_tree, main) ||
	    git_diff_tree_to_tree(&diff, m->repo, main_tree, tree, &o)) {
		ret = sync_git_error(m->err, ERR_ENV, "cannot compare the merge with main");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status != GIT_DELTA_ADDED) {
			contribution(m, &d->old_file.id, &dh, &dk);
			h -= dh;
			k -= dk;
		}
		if (d->status != GIT_DELTA_DELETED) {
			contribution(m, &d->new_file.id, &dh, &dk);
			h += dh;
			k += dk;
		}
	}
	out->households = h > 0 ? (size_t)h : 0;
	out->children = k > 0 ? (size_t)k : 0;
out:
	git_diff_free(diff);
	git_tree_free(main_tree);
	free(spec);
	return ret;
}

/* Merges tip into the local main with one commit; ERR_DATA, in reasons, when they conflict. */
static int merge_one(struct merge *m, const char *code, git_commit *tip, struct sync_merged *out,
		     struct error *reasons)
{
	git_merge_options mo;
	git_commit *main = NULL;
	git_index *index = NULL;
	git_tree *tree = NULL;
	const git_commit *parents[2];
	git_oid tree_id, id;
	char hex[GIT_OID_HEXSZ + 1], *msg = NULL;
	int ret;

	ret = sync_ref_commit(m->repo, MAIN_REF, &main, m->err);
	if (ret)
		goto out;
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	/* A household's file is never another one's new name. */
	mo.flags &= ~(unsigned)GIT_MERGE_FIND_RENAMES;
	ret = ERR_ENV;
	if (git_merge_commits(&index, m->repo, main, tip, &mo)) {
		sync_git_error(m->err, ret, "cannot merge the commune's branch");
		goto out;
	}
	if (git_index_has_conflicts(index)) {
		ret = error_add(reasons, ERR_DATA,
				"%s/%s/ conflicts with what main holds of it: was main changed by "
				"hand?", SYNC_COMMUNES, code);
		goto out;
	}
	if (git_index_write_tree_to(&tree_id, index, m->repo) ||
	    git_tree_lookup(&tree, m->repo, &tree_id)) {
		sync_git_error(m->err, ret, "cannot write the merged tree");
		goto out;
	}
	ret = count(m, main, tree, code, out);
	if (ret)
		goto out;
	git_oid_tostr(hex, sizeof(hex), git_commit_id(tip));
	msg = xasprintf("Merge commune %s: %zu households, %zu children\n\n"
			"Commune: %s\nCommune-Commit: %s\nHouseholds: %zu\nChildren: %zu\n"
			"Form-Version: %s\n", out->title, out->households, out->children, code, hex,
			out->households, out->children, m->ws->form.version);
	parents[0] = main;
	parents[1] = tip;
	ret = ERR_ENV;
	if (git_commit_create(&id, m->repo, MAIN_REF, m->officer, m->officer, NULL, msg, tree,
			      2, parents)) {
		sync_git_error(m->err, ret, "cannot commit the merge");
		goto out;
	}
	util_crash_point("district-merged");
	ret = 0;
out:
	free(msg);
	git_tree_free(tree);
	git_index_free(index);
	git_commit_free(main);
	return ret;
}

/* The reasons, one a line, after the refused commit: what the store keeps. */
static void remember_refusal(struct merge *m, const char *code, const git_oid *tip,
			     const struct error *reasons)
{
	struct sbuf sb = SBUF_INIT;
	char hex[GIT_OID_HEXSZ + 1], *key = xasprintf(REFUSED_KEY "%s", code);
	size_t i;

	sbuf_addf(&sb, "%s\n", git_oid_tostr(hex, sizeof(hex), tip));
	for (i = 0; i < reasons->n; i++) {
		const struct error_item *it = &reasons->items[i];

		if (it->file && it->line > 0)
			sbuf_addf(&sb, "%s:%d:%d: ", it->file, it->line, it->col > 0 ? it->col : 1);
		else if (it->file)
			sbuf_addf(&sb, "%s: ", it->file);
		sbuf_addf(&sb, "%s\n", it->msg);
	}
	/* Only a reminder: the merge's outcome does not depend on it being kept. */
	store_config_set(m->ws->store, key, sbuf_str(&sb), NULL);
	sbuf_release(&sb);
	free(key);
}

/* Whether the store remembers tip as refused. */
static bool refused_before(struct merge *m, const char *code, const git_oid *tip)
{
	char hex[GIT_OID_HEXSZ + 1], *key = xasprintf(REFUSED_KEY "%s", code), *v = NULL;
	bool same;

	git_oid_tostr(hex, sizeof(hex), tip);
	store_config_get(m->ws->store, key, &v, NULL);
	same = v && !strncmp(v, hex, GIT_OID_HEXSZ) && v[GIT_OID_HEXSZ] == '\n';
	free(v);
	free(key);
	return same;
}

static int commune(struct merge *m, const char *branch)
{
	const char *code = branch + strlen(COMMUNE_REFS);
	struct error reasons = ERROR_INIT;
	git_commit *tip = NULL, *main = NULL;
	struct sync_merged *out;
	char *key = NULL;
	int ret;

	ret = sync_ref_commit(m->repo, branch, &tip, m->err);
	if (!ret)
		ret = sync_ref_commit(m->repo, MAIN_REF, &main, m->err);
	if (ret || !tip)
		goto out;
	if (git_oid_equal(git_commit_id(tip), git_commit_id(main)) ||
	    git_graph_descendant_of(m->repo, git_commit_id(main), git_commit_id(tip)) == 1)
		goto out;
	ALLOC_GROW(m->res->communes, m->res->n + 1, m->res->alloc);
	out = &m->res->communes[m->res->n++];
	memset(out, 0, sizeof(*out));
	snprintf(out->code, sizeof(out->code), "%.5s", code);
	out->title = sync_commune_title(&m->ws->form, out->code);
	if (!sync_is_commune_code(code)) {
		free(out->title);
		out->title = xasprintf("%s/%s", SYNC_COMMUNES, code);
		out->outcome = SYNC_REFUSED;
		out->problems = 1;
		m->res->refused++;
		error_add(m->err, ERR_DATA, "branch %s/%s is not named after a commune's 5-digit "
			  "code: left out of main", SYNC_COMMUNES, code);
		goto out;
	}
	if (refused_before(m, code, git_commit_id(tip))) {
		out->outcome = SYNC_STILL_REFUSED;
		m->res->refused++;
		goto out;
	}
	ret = sync_check_commune(m->repo, &m->ws->form, code, git_commit_id(main),
				 git_commit_id(tip), &reasons);
	if (!ret)
		ret = merge_one(m, code, tip, out, &reasons);
	if (ret == ERR_DATA) {
		out->outcome = SYNC_REFUSED;
		out->problems = reasons.n;
		m->res->refused++;
		remember_refusal(m, code, git_commit_id(tip), &reasons);
		error_add(m->err, ERR_DATA, "commune %s refused, left out of main:", out->title);
		error_move(m->err, &reasons);
		ret = 0;
		goto out;
	}
	if (ret)
		goto out;
	out->outcome = SYNC_MERGED;
	m->res->merged++;
	key = xasprintf(REFUSED_KEY "%s", code);
	store_config_set(m->ws->store, key, "", NULL);
out:
	error_move(m->err, &reasons);
	error_release(&reasons);
	free(key);
	git_commit_free(main);
	git_commit_free(tip);
	return ret;
}

static int push_refused(const char *refname, const char *status, void *payload)
{
	struct merge *m = payload;

	if (status && !m->refused)
		m->refused = xasprintf("%s: %s", refname, status);
	return 0;
}

static int server_text(const char *str, int len, void *payload)
{
	struct merge *m = payload;

	if (m->server.len < 4096)
		sbuf_add(&m->server, str, (size_t)len);
	return 0;
}

/* Pushes the local main when the district's lacks it. */
static int push_main(struct merge *m)
{
	static char spec[] = MAIN_REF ":" MAIN_REF;
	char *specs_arr[] = { spec };
	git_strarray specs = { specs_arr, 1 };
	git_commit *local = NULL, *remote = NULL;
	git_reference *ref = NULL;
	git_push_options o;
	int rc, ret;

	ret = sync_ref_commit(m->repo, MAIN_REF, &local, m->err);
	if (!ret)
		ret = sync_ref_commit(m->repo, SYNC_TRACKING SYNC_MAIN, &remote, m->err);
	if (ret || !local || (remote && git_oid_equal(git_commit_id(local), git_commit_id(remote))))
		goto out;
	git_push_options_init(&o, GIT_PUSH_OPTIONS_VERSION);
	o.callbacks.push_update_reference = push_refused;
	o.callbacks.sideband_progress = server_text;
	o.callbacks.payload = m;
	rc = git_remote_push(m->remote, &specs, &o);
	util_crash_point("district-pushed");
	if (rc == GIT_ENONFASTFORWARD) {
		ret = error_add(m->err, ERR_CONFLICT,
				"the district's main moved during the merge: was another merge run "
				"at the same time? Clone the district again with `dieutra district "
				"clone`, then merge");
	} else if (rc) {
		ret = error_add(m->err, ERR_ENV, "cannot send main to the district repository %s: "
				"%s; the merges are kept and sent by the next `dieutra district merge`",
				git_remote_url(m->remote),
				git_error_last() ? git_error_last()->message : "unknown error");
	} else if (m->refused) {
		ret = error_add(m->err, ERR_DATA, "the district repository refused main (%s%s%.*s)",
				m->refused, m->server.len ? "; it said: " : "",
				(int)strcspn(sbuf_str(&m->server), "\n"), sbuf_str(&m->server));
	} else if (git_reference_create(&ref, m->repo, SYNC_TRACKING SYNC_MAIN,
					git_commit_id(local), 1, "district merge: pushed")) {
		ret = sync_git_error(m->err, ERR_ENV, "cannot remember what was pushed");
	} else {
		m->res->pushed = true;
	}
out:
	git_reference_free(ref);
	git_commit_free(local);
	git_commit_free(remote);
	return ret;
}

int sync_district_merge(struct workspace *ws, struct sync_merge_result *res,
			struct error *err)
{
	struct merge m = { ws, NULL, NULL, NULL, res, err, NULL, 0, 0, NULL, SBUF_INIT };
	size_t i;
	int ret, lock = -1;

	memset(res, 0, sizeof(*res));
	if (!workspace_is_district(ws))
		return error_at(err, ERR_USAGE, ws->dir, 0, 0,
				"not a district workspace: make one with `dieutra district clone URL DIR`");
	ret = sync_lock_workspace(ws->dir, &lock, err);
	if (!ret)
		ret = sync_repo_open(ws->dir, &m.repo, err);
	if (!ret)
		ret = sync_signature(ws->enumerator, &m.officer, err);
	if (!ret)
		ret = sync_remote(m.repo, NULL, &m.remote, err);
	if (!ret)
		ret = sync_district_fetch(m.remote, err);
	util_crash_point("district-fetched");
	if (!ret)
		ret = sync_district_advance(m.repo, git_remote_url(m.remote), err);
	if (!ret && git_reference_foreach_glob(m.repo, COMMUNE_REFS "*", collect_branch, &m))
		ret = sync_git_error(err, ERR_ENV, "cannot list the communes' branches");
	if (ret)
		goto out;
	qsort(m.branches, m.nbranches, sizeof(*m.branches), by_name);
	for (i = 0; i < m.nbranches && !ret; i++)
		ret = commune(&m, m.branches[i]);
	if (!ret)
		ret = push_main(&m);
	if (!ret)
		ret = sync_district_load(ws, m.repo, NULL, err);
	if (!ret && res->refused)
		ret = ERR_DATA;
out:
	for (i = 0; i < m.nbranches; i++)
		free(m.branches[i]);
	free(m.branches);
	free(m.refused);
	sbuf_release(&m.server);
	git_signature_free(m.officer);
	git_remote_free(m.remote);
	sync_repo_close(m.repo);
	if (lock >= 0)
		close(lock);
	return ret;
}
