/*
 * district_status.c - the communes as the district office sees them
 * (`dieutra district status` and the app's district mode): what main holds
 * of each, when it last synced, who entered its records, and whether the
 * last district merge refused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "store.h"
#include "sync_commit.h"
#include "sync_priv.h"
#include "workspace.h"

#define REFUSED_KEY "refused/"

struct status {
	struct workspace *ws;
	git_repository *repo;
	struct sync_commune_status *v;
	size_t n, alloc;
	struct error *err;
};

/* The row of commune code, added (empty) when missing. */
static struct sync_commune_status *row(struct status *st, const char *code)
{
	struct sync_commune_status *c;
	size_t i;

	for (i = 0; i < st->n; i++)
		if (!strcmp(st->v[i].code, code))
			return &st->v[i];
	ALLOC_GROW(st->v, st->n + 1, st->alloc);
	c = &st->v[st->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->code, sizeof(c->code), "%s", code);
	return c;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_code(const void *a, const void *b)
{
	return strcmp(((const struct sync_commune_status *)a)->code,
		      ((const struct sync_commune_status *)b)->code);
}

/* Whether commit message msg carries a Device trailer: a laptop's sync, not the office's. */
static bool from_laptop(const char *msg)
{
	git_message_trailer_array t = { NULL, 0, NULL };
	bool found = false;
	size_t i;

	if (git_message_trailers(&t, msg))
		return false;
	for (i = 0; i < t.count && !found; i++)
		found = !strcmp(t.trailers[i].key, "Device");
	git_message_trailer_array_free(&t);
	return found;
}

static void add_person(struct sync_commune_status *c, const git_signature *sig)
{
	char *who = xasprintf("%s <%s>", sig->name, sig->email);
	size_t i;

	for (i = 0; i < c->nenumerators; i++)
		if (!strcmp(c->enumerators[i], who))
			break;
	if (i < c->nenumerators) {
		free(who);
		return;
	}
	c->enumerators = xrealloc(c->enumerators, (c->nenumerators + 1) * sizeof(char *));
	c->enumerators[c->nenumerators++] = who;
}

/* When the branch of c last moved and who entered its records (laptops' commits' authors). */
static int walk_branch(struct status *st, struct sync_commune_status *c, const git_oid *tip)
{
	git_revwalk *w = NULL;
	git_commit *commit;
	git_oid id;
	int rc, ret = 0;

	if (git_revwalk_new(&w, st->repo) || git_revwalk_push(w, tip)) {
		ret = sync_git_error(st->err, ERR_ENV, "cannot walk a commune's branch");
		goto out;
	}
	while (!(rc = git_revwalk_next(&id, w))) {
		if (git_commit_lookup(&commit, st->repo, &id)) {
			ret = sync_git_error(st->err, ERR_ENV, "cannot read a commune's commit");
			goto out;
		}
		if ((long long)git_commit_time(commit) > c->last_sync)
			c->last_sync = (long long)git_commit_time(commit);
		if (git_commit_parentcount(commit) < 2 && from_laptop(git_commit_message(commit)))
			add_person(c, git_commit_author(commit));
		git_commit_free(commit);
	}
	if (rc != GIT_ITEROVER)
		ret = sync_git_error(st->err, ERR_ENV, "cannot walk a commune's branch");
	if (c->nenumerators)
		qsort(c->enumerators, c->nenumerators, sizeof(char *), by_string);
out:
	git_revwalk_free(w);
	return ret;
}

static int branches(struct status *st)
{
	static const char glob[] = SYNC_TRACKING SYNC_COMMUNES "/*";
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int rc, ret = 0;

	if (git_reference_iterator_glob_new(&it, st->repo, glob))
		return sync_git_error(st->err, ERR_ENV, glob);
	while (!ret && !(rc = git_reference_next(&ref, it))) {
		const char *code = git_reference_name(ref) + sizeof(glob) - 2;

		if (sync_is_commune_code(code) && git_reference_type(ref) == GIT_REFERENCE_DIRECT)
			ret = walk_branch(st, row(st, code), git_reference_target(ref));
		git_reference_free(ref);
	}
	if (!ret && rc != GIT_ITEROVER)
		ret = sync_git_error(st->err, ERR_ENV, glob);
	git_reference_iterator_free(it);
	return ret;
}

/* What the last district merge that checked c said: "" merged, else the refused commit and why. */
static int last_merge(struct status *st, struct sync_commune_status *c)
{
	char *key = xasprintf(REFUSED_KEY "%s", c->code), *v = NULL, *nl;
	int ret = store_config_get(st->ws->store, key, &v, st->err);

	c->merged = v && !*v;
	if (!ret && v && *v) {
		c->refused = true;
		nl = strchr(v, '\n');
		c->reasons = xstrdup(nl ? nl + 1 : "");
	}
	free(v);
	free(key);
	return ret;
}

int sync_district_status(struct workspace *ws, long long now, struct sync_commune_status **out,
			 size_t *n, struct error *err)
{
	struct status st = { ws, NULL, NULL, 0, 0, err };
	struct report rep = REPORT_INIT;
	struct error quiet = ERROR_INIT;
	size_t i;
	int ret;

	*out = NULL;
	*n = 0;
	if (!workspace_is_district(ws))
		return error_at(err, ERR_USAGE, ws->dir, 0, 0,
				"not a district workspace: make one with `dieutra district clone URL DIR`");
	/* An indicator that fails to compute does not change the counts shown here. */
	ret = report_build(ws->store, &ws->form, now, &rep, &quiet);
	if (ret == ERR_DATA)
		ret = 0;
	else if (ret)
		error_move(err, &quiet);
	for (i = 0; !ret && i < rep.ncommunes; i++) {
		const struct report_group *g = &rep.communes[i];
		struct sync_commune_status *c;

		if (!sync_is_commune_code(g->key))
			continue;
		c = row(&st, g->key);
		c->complete = g->status[REPORT_COMPLETE];
		c->draft = g->status[REPORT_DRAFT];
		c->rejected = g->status[REPORT_REJECTED];
		c->households = c->complete + c->draft + c->rejected + g->status[REPORT_CONFLICT];
		c->children = g->items;
	}
	if (!ret)
		ret = sync_repo_open(ws->dir, &st.repo, err);
	if (!ret)
		ret = branches(&st);
	for (i = 0; !ret && i < st.n; i++) {
		st.v[i].title = sync_commune_title(&ws->form, st.v[i].code);
		ret = last_merge(&st, &st.v[i]);
	}
	if (st.n)
		qsort(st.v, st.n, sizeof(*st.v), by_code);
	if (ret) {
		sync_district_status_free(st.v, st.n);
	} else {
		*out = st.v;
		*n = st.n;
	}
	sync_repo_close(st.repo);
	report_release(&rep);
	error_release(&quiet);
	return ret;
}

void sync_district_status_free(struct sync_commune_status *v, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		free(v[i].title);
		for (k = 0; k < v[i].nenumerators; k++)
			free(v[i].enumerators[k]);
		free(v[i].enumerators);
		free(v[i].reasons);
	}
	free(v);
}
