/*
 * sync.c - one sync of a commune workspace with the district repository:
 * commit what changed, fetch, fast-forward, push, then mark sent and store
 * what came in.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "record.h"
#include "seal.h"
#include "store.h"
#include "sync_commit.h"
#include "sync_merge.h"
#include "util.h"
#include "validate.h"
#include "workspace.h"

/*
 * Pushes that lost a race (rejected as non-fast-forward, or the district
 * updated the branch for another laptop meanwhile) are retried this often,
 * fetching and merging first.
 */
#define PUSH_TRIES 5

struct run {
	struct workspace *ws;
	const struct sync_opts *opts;
	struct sync_result *res;
	git_repository *repo;
	git_remote *remote;
	char *branch;   /* communes/CODE */
	char *local;    /* refs/heads/communes/CODE */
	char *tracking; /* refs/remotes/district/communes/CODE */
	char *prefix;   /* communes/CODE/ */
	struct error *err;
	char *refused;  /* the district's reason for refusing a push */
	struct sync_outbox *outbox; /* what this sync committed */
	struct sbuf server;         /* the server's messages during the push */
	struct sync_conflicts conflicts;
};

static int fetch(struct run *r)
{
	const char *branches[] = { SYNC_MAIN, r->branch };
	int ret;

	ret = sync_fetch(r->remote, branches, 2, r->opts->progress, r->opts->data, r->err);
	util_crash_point("sync-fetched");
	return ret;
}

static git_tree *tree_of(git_commit *c)
{
	git_tree *t = NULL;

	if (c && git_commit_tree(&t, c))
		return NULL;
	return t;
}

/*
 * Calls fn for each record file under r->prefix that is new or changed
 * from commit a to commit b (a may be NULL).  Rename detection stays off:
 * a file is a household, never another one's new name.
 */
static int changed_files(struct run *r, git_commit *a, git_commit *b,
			 int (*fn)(struct run *r, const git_diff_delta *d), struct error *err)
{
	git_diff_options o;
	git_tree *ta = tree_of(a), *tb = tree_of(b);
	git_diff *diff = NULL;
	char *spec = r->prefix;
	size_t i, n;
	int ret = 0;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.pathspec.strings = &spec;
	o.pathspec.count = 1;
	if ((a && !ta) || !tb || git_diff_tree_to_tree(&diff, r->repo, ta, tb, &o)) {
		ret = sync_git_error(err, ERR_ENV, "cannot compare the commune's branches");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n && !ret; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_MODIFIED)
			ret = fn(r, d);
	}
out:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	return ret;
}

static int count_sent(struct run *r, const git_diff_delta *d)
{
	if (d->status == GIT_DELTA_ADDED)
		r->res->sent_new++;
	else
		r->res->sent_updated++;
	return 0;
}

/* The revision of id this sync committed, or -1. */
static long long sent_rev(const struct sync_outbox *o, const char *id)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->sent[i].id, id))
			return o->sent[i].rev;
	return -1;
}

/*
 * A record that came in while this laptop holds changes to it that no
 * commit has (a draft, or an edit made during the sync): the local answers
 * stay, and the person is told, since the incoming ones are only in the
 * history.
 */
static void keep_local(struct run *r, const struct record *in)
{
	struct sync_conflict *c;

	ALLOC_GROW(r->conflicts.items, r->conflicts.n + 1, r->conflicts.alloc);
	c = &r->conflicts.items[r->conflicts.n++];
	memset(c, 0, sizeof(*c));
	c->whole = true;
	c->id = xstrdup(in->id);
	c->field = xstrdup("the whole record");
	c->ours = xstrdup("unsent changes");
	c->theirs = xasprintf("a version of %s by %s", in->modified ? in->modified : "?",
			      in->enumerator ? in->enumerator : "?");
}

/*
 * Stores a record file that came from the district as it is, already
 * sent, unless this laptop has changes of its own to it not yet committed.
 */
static int import(struct run *r, const git_diff_delta *d)
{
	struct record rec;
	git_blob *blob = NULL;
	long long rev = -1, synced = -1;
	char *title = NULL;
	int ret = ERR_ENV;

	record_init(&rec);
	if (git_blob_lookup(&blob, r->repo, &d->new_file.id)) {
		sync_git_error(r->err, ret, d->new_file.path);
		goto out;
	}
	ret = record_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			   d->new_file.path, &rec, r->err);
	if (!ret && rec.id)
		ret = store_sync_state(r->ws->store, rec.id, &rev, &synced, r->err);
	if (ret)
		goto out;
	if (rev > synced && rev != sent_rev(r->outbox, rec.id)) {
		keep_local(r, &rec);
		goto out;
	}
	title = validate_title(&r->ws->form, &rec, util_now());
	ret = store_put_synced(r->ws->store, &rec, title, r->err);
	if (!ret)
		r->res->received++;
out:
	free(title);
	git_blob_free(blob);
	record_release(&rec);
	return ret;
}

static int push_refused(const char *refname, const char *status, void *payload)
{
	struct run *r = ((struct sync_link *)payload)->data;

	if (status && !r->refused)
		r->refused = xasprintf("%s: %s", refname, status);
	return 0;
}

/* What the server's hooks say, kept to explain a refusal. */
static int server_text(const char *str, int len, void *payload)
{
	struct run *r = ((struct sync_link *)payload)->data;

	if (r->server.len < 4096)
		sbuf_add(&r->server, str, (size_t)len);
	return 0;
}

static int push_progress(unsigned int current, unsigned int total, size_t bytes, void *payload)
{
	struct run *r = ((struct sync_link *)payload)->data;
	struct sync_progress p = { SYNC_PUSHING, current, total, bytes };

	r->opts->progress(r->opts->data, &p);
	return 0;
}

/*
 * Whether the district refused an update only because another laptop's
 * push to the same branch came first, between our fetch and our push:
 * git's receive-pack then fails to lock the ref ("reference already
 * exists", "is at ... but expected ..."), where a hook says "declined".
 */
static bool lost_race(const char *status)
{
	return strstr(status, "failed to update ref") || strstr(status, "failed to lock") ||
	       strstr(status, "fetch first") || strstr(status, "non-fast-forward");
}

/*
 * Pushes the local branch; *stale when the district's moved on since the
 * fetch, when it was at `known` (NULL: it had no such branch).
 */
static int push(struct run *r, git_commit *known, bool *stale)
{
	git_push_options o;
	struct sync_link link;
	char *spec = xasprintf("%s:refs/heads/%s", r->local, r->branch);
	char *refname = spec + strlen(r->local) + 1;
	git_strarray specs = { &spec, 1 };
	git_commit *tip = NULL;
	bool done = false;
	int tried, rc, ret = 0;

	*stale = false;
	free(r->refused);
	r->refused = NULL;
	sbuf_reset(&r->server);
	ret = sync_ref_commit(r->repo, r->local, &tip, r->err);
	if (!ret)
		ret = sync_push_local(r->repo, git_remote_url(r->remote), git_commit_id(tip),
				      refname, known ? git_commit_id(known) : NULL, &done, stale,
				      r->err);
	git_commit_free(tip);
	if (ret || done) {
		util_crash_point("sync-pushed");
		free(spec);
		return ret;
	}
	git_push_options_init(&o, GIT_PUSH_OPTIONS_VERSION);
	for (tried = 1;; tried++) {
		sync_link_init(&link, git_remote_url(r->remote), r);
		sync_link_callbacks(&link, &o.callbacks);
		o.callbacks.push_update_reference = push_refused;
		o.callbacks.sideband_progress = server_text;
		if (r->opts->progress)
			o.callbacks.push_transfer_progress = push_progress;
		rc = git_remote_push(r->remote, &specs, &o);
		if (!rc || tried == SYNC_NET_TRIES || !sync_link_transient(&link, rc))
			break;
		/* Sent or not, the same push again is safe: the branch moves only forward. */
		sync_link_end(&link, false);
		free(r->refused);
		r->refused = NULL;
		sbuf_reset(&r->server);
		sync_link_pause(tried);
	}
	util_crash_point("sync-pushed");
	if (rc == GIT_ENONFASTFORWARD || (!rc && r->refused && lost_race(r->refused)))
		*stale = true;
	else if (rc)
		ret = sync_link_error(&link, r->err, ERR_ENV,
				      "cannot send to the district repository");
	else if (r->refused)
		ret = error_add(r->err, ERR_DATA,
				"the district repository refused the records (%s%s%.*s): nothing "
				"was lost; ask the district office, then run `dieutra sync` again",
				r->refused, r->server.len ? "; it said: " : "",
				(int)strcspn(sbuf_str(&r->server), "\n"), sbuf_str(&r->server));
	sync_link_end(&link, !rc);
	free(spec);
	return ret;
}

/*
 * The commune's branch before this laptop's first commit: what another
 * laptop of the commune pushed, else the district's main (so that the
 * branch shares main's history and schema/).
 */
static int start_branch(struct run *r, git_commit **base)
{
	int ret;

	ret = sync_ref_commit(r->repo, r->tracking, base, r->err);
	if (!ret && !*base)
		ret = sync_ref_commit(r->repo, SYNC_TRACKING SYNC_MAIN, base, r->err);
	if (!ret && !*base)
		ret = error_add(r->err, ERR_ENV,
				"the district repository %s has no branch %s: is it a district "
				"repository? (made with `dieutra district init`)",
				git_remote_url(r->remote), SYNC_MAIN);
	return ret;
}

/*
 * Keeps in the store the answers changed two ways from conflicts[from] on,
 * with both values, and marks their records `conflict`, so that a person
 * picks (decision 1).  Done before the merge moves the branch: once it has
 * moved, the next sync would not find them again.
 */
static int keep_conflicts(struct run *r, size_t from)
{
	size_t i;
	int ret = 0;

	for (i = from; i < r->conflicts.n && !ret; i++) {
		const struct sync_conflict *c = &r->conflicts.items[i];
		struct store_conflict sc = { c->id, c->field, c->no_ours ? NULL : c->ours,
					     c->no_theirs ? NULL : c->theirs, c->tree, false,
					     NULL, c->ours_text, c->theirs_text };

		if (!c->whole)
			ret = store_conflict_put(r->ws->store, &sc, r->err);
	}
	return ret;
}

/*
 * Moves the local branch from old to new, once the records that came with
 * new are stored: a sync killed before the move stores them again.
 */
static int move_branch(struct run *r, const git_oid *new, const git_oid *old, const char *why)
{
	git_reference *ref = NULL;
	int ret = 0;

	if (git_reference_create_matching(&ref, r->repo, r->local, new, 1, old, why))
		ret = sync_git_error(r->err, ERR_ENV, "cannot move the commune's branch");
	git_reference_free(ref);
	return ret;
}

/*
 * Brings the local branch and the district's together: *push_needed when
 * the local one is ahead (or the district lacks it); a fast-forward when
 * the district's is ahead; a merge commit (then *push_needed) when both
 * moved.  The records that came in are stored before the branch moves.
 */
static int reconcile(struct run *r, bool *push_needed)
{
	git_commit *local = NULL, *remote = NULL, *merged = NULL;
	const git_oid *l, *t;
	int ret;

	*push_needed = false;
	ret = sync_ref_commit(r->repo, r->local, &local, r->err);
	if (!ret)
		ret = sync_ref_commit(r->repo, r->tracking, &remote, r->err);
	if (ret)
		goto out;
	if (!remote) {
		*push_needed = true;
		goto out;
	}
	l = git_commit_id(local);
	t = git_commit_id(remote);
	if (git_oid_equal(l, t))
		goto out;
	if (git_graph_descendant_of(r->repo, l, t) == 1) {
		*push_needed = true;
		goto out;
	}
	if (git_graph_descendant_of(r->repo, t, l) != 1) {
		size_t before = r->conflicts.n;

		ret = sync_merge_branches(r->ws, r->repo, r->prefix, local, remote, &merged,
					  &r->conflicts, r->err);
		util_crash_point("sync-merged");
		if (!ret)
			ret = changed_files(r, local, merged, import, r->err);
		if (!ret)
			ret = keep_conflicts(r, before);
		if (!ret)
			ret = move_branch(r, git_commit_id(merged), l,
					  "sync: merge with the district's");
		*push_needed = true;
		goto out;
	}
	ret = changed_files(r, local, remote, import, r->err);
	if (!ret)
		ret = move_branch(r, t, l, "sync: fast-forward to the district's");
out:
	git_commit_free(merged);
	git_commit_free(local);
	git_commit_free(remote);
	return ret;
}

static int send(struct run *r)
{
	git_commit *before = NULL, *after = NULL;
	git_reference *ref = NULL;
	bool push_needed, stale = true;
	int tries, ret = 0;

	for (tries = 0; stale && tries < PUSH_TRIES; tries++) {
		if (tries)
			ret = fetch(r);
		if (!ret)
			ret = reconcile(r, &push_needed);
		if (ret || !push_needed)
			goto out;
		git_commit_free(before);
		before = NULL;
		ret = sync_ref_commit(r->repo, r->tracking, &before, r->err);
		if (!ret)
			ret = push(r, before, &stale);
		if (ret)
			goto out;
	}
	if (stale) {
		ret = error_add(r->err, ERR_ENV,
				"the district's branch %s kept moving during %d tries: run "
				"`dieutra sync` again", r->branch, PUSH_TRIES);
		goto out;
	}
	r->res->pushed = true;
	/* The tracking ref becomes what was sent, whatever the transport updated. */
	ret = sync_ref_commit(r->repo, r->local, &after, r->err);
	if (!ret && git_reference_create(&ref, r->repo, r->tracking, git_commit_id(after), 1,
					 "sync: pushed"))
		ret = sync_git_error(r->err, ERR_ENV, r->tracking);
	if (!ret)
		ret = changed_files(r, before, after, count_sent, r->err);
out:
	git_reference_free(ref);
	git_commit_free(before);
	git_commit_free(after);
	return ret;
}

/*
 * The district has the records of the outbox: those whose sensitive
 * answers were sealed are stored as sent, and the clear answers scrubbed
 * from the database, its log and its free pages.
 */
static int scrub(struct run *r)
{
	const struct sync_outbox *o = r->outbox;
	struct record rec;
	char *title;
	bool replaced, complete;
	size_t i;
	int ret = 0;

	for (i = 0; i < o->n && !ret; i++) {
		if (!o->sealed[i])
			continue;
		record_init(&rec);
		ret = record_parse(o->sealed[i], strlen(o->sealed[i]), o->sent[i].id, &rec, r->err);
		title = ret ? NULL : validate_title(&r->ws->form, &rec, util_now());
		if (!ret)
			ret = store_put_sealed(r->ws->store, &rec, title, o->sent[i].rev, &replaced,
					       r->err);
		if (!ret && replaced)
			r->res->scrubbed++;
		free(title);
		record_release(&rec);
	}
	if (!ret && r->res->scrubbed)
		ret = store_scrub(r->ws->store, &complete, r->err);
	return ret;
}

static bool has_sealed_fields(const struct form *f)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i]->sealed)
			return true;
	return false;
}

/* Each answer changed two ways, for the person who will pick. */
static int report_conflicts(struct run *r)
{
	size_t i;

	for (i = 0; i < r->conflicts.n; i++) {
		const struct sync_conflict *c = &r->conflicts.items[i];

		if (c->whole)
			error_add(r->err, ERR_CONFLICT,
				  "%s: %s was changed two ways: this laptop's %s were kept, "
				  "%s is in the history; correct the record if needed and sync "
				  "again", c->id, c->field, c->ours, c->theirs);
		else
			error_add(r->err, ERR_CONFLICT,
				  "%s: %s was changed two ways: this laptop's \"%s\" was kept, "
				  "another laptop wrote \"%s\"; the record is marked conflict "
				  "until a person picks: `dieutra resolve %s %s --ours|--theirs`, "
				  "or Enter on it in the app", c->id, c->field, c->ours, c->theirs,
				  c->id, c->field);
	}
	return ERR_CONFLICT;
}

static int remove_stale_lock(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)sb;
	(void)ftw;
	if (type == FTW_F && n > 5 && !strcmp(path + n - 5, ".lock"))
		unlink(path);
	return 0;
}

/* Removes git's lock files, only where git puts them: the objects are many and never locked. */
static void remove_stale_locks(const char *repo)
{
	static const char *const top[] = { "packed-refs.lock", "HEAD.lock", "config.lock" };
	char *refs = xasprintf("%s/refs", repo);
	size_t i;

	nftw(refs, remove_stale_lock, 16, FTW_PHYS);
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++) {
		char *p = xasprintf("%s/%s", repo, top[i]);

		unlink(p);
		free(p);
	}
	free(refs);
}

/*
 * Holding the lock, any git lock file left in the repository (a ref's
 * .lock, packed-refs.lock) can only come from a sync that was killed
 * half-way, and is removed: git would otherwise refuse every later update
 * of that ref.
 */
int sync_lock_workspace(const char *dir, int *fd, struct error *err)
{
	char *repo = xasprintf("%s/%s", dir, SYNC_REPO_DIR);
	/* Not named *.lock: those are git's, and removed below. */
	char *path = xasprintf("%s/dieutra-sync-lock", repo);
	int ret = 0;

	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (*fd < 0) {
		ret = error_at(err, ERR_ENV, path, 0, 0, "cannot open: %s", strerror(errno));
		goto out;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		ret = error_at(err, ERR_ENV, dir, 0, 0, errno == EWOULDBLOCK ?
			       "another sync of this workspace is running: let it finish" :
			       "cannot lock the workspace: %s", strerror(errno));
		close(*fd);
		*fd = -1;
		goto out;
	}
	remove_stale_locks(repo);
out:
	free(path);
	free(repo);
	return ret;
}

int sync_run(struct workspace *ws, const struct sync_opts *opts, struct sync_result *res,
	     struct error *err)
{
	struct sync_outbox out = { 0 };
	struct run r = { ws, opts, res, NULL, NULL, NULL, NULL, NULL, NULL, err, NULL, &out,
			 SBUF_INIT, { NULL, 0, 0 } };
	git_commit *base = NULL, *tip = NULL;
	git_reference *ref = NULL;
	struct seal_key key;
	bool fresh, early, keyed = false;
	int ret, lock, form_ret = 0;

	memset(res, 0, sizeof(*res));
	if (workspace_is_district(ws))
		return error_at(err, ERR_USAGE, ws->dir, 0, 0,
				"a district workspace does not sync: `dieutra district pull` "
				"fetches the communes, `dieutra district merge` merges them");
	ret = sync_lock_workspace(ws->dir, &lock, err);
	if (ret)
		return ret;
	r.branch = xasprintf("communes/%s", ws->commune);
	r.local = xasprintf("refs/heads/%s", r.branch);
	r.tracking = xasprintf(SYNC_TRACKING "%s", r.branch);
	r.prefix = xasprintf("%s/", r.branch);
	ret = sync_repo_open(ws->dir, &r.repo, err);
	if (!ret)
		ret = sync_remote(r.repo, opts->remote, &r.remote, err);
	if (!ret)
		ret = sync_ref_commit(r.repo, r.local, &base, err);
	/*
	 * The commit comes before the network, so that the records are in the
	 * branch even when the district cannot be reached; only the branch's
	 * start needs the district's first.
	 */
	fresh = !base;
	/* A key the district made since the last fetch protects what would wait for it. */
	early = fresh;
	if (!ret && !fresh && has_sealed_fields(&ws->form))
		ret = sync_district_key(r.repo, &key, &keyed, err);
	if (!ret && !fresh && has_sealed_fields(&ws->form) && !keyed)
		early = true;
	if (!ret && early)
		ret = fetch(&r);
	if (!ret && fresh)
		ret = start_branch(&r, &base);
	/* A laptop joining the commune takes what the others sent before. */
	if (!ret && fresh)
		ret = changed_files(&r, NULL, base, import, err);
	if (!ret)
		ret = sync_commit(ws, r.repo, r.local, base, opts, &out, &res->committed, err);
	util_crash_point("sync-committed");
	if (!ret && fresh && !res->committed &&
	    git_reference_create(&ref, r.repo, r.local, git_commit_id(base), 0, "sync: start"))
		ret = sync_git_error(err, ERR_ENV, r.local);
	if (!ret && !early)
		ret = fetch(&r);
	if (!ret)
		ret = send(&r);
	/*
	 * Only now does the district hold every revision in out.  The sealed
	 * versions replace the clear ones (each marked sent with it) before the
	 * rest are marked: a sync killed in between leaves those records
	 * unsent, to be sealed and sent again, never sent with clear answers
	 * kept on the laptop.
	 */
	if (!ret)
		ret = scrub(&r);
	if (!ret)
		ret = store_mark_synced(ws->store, out.sent, out.n, err);
	/* A refused form leaves the sync done: its records were sent. */
	if (!ret)
		form_ret = sync_take_form(ws, r.repo, &res->form_taken, err);
	res->sealed = out.nsealed;
	res->withheld = out.withheld;
	if (!ret)
		ret = sync_ref_commit(r.repo, r.local, &tip, err);
	if (!ret && tip)
		git_oid_tostr(res->commit, sizeof(res->commit), git_commit_id(tip));
	res->conflicts = r.conflicts.n;
	if (!ret && r.conflicts.n)
		ret = report_conflicts(&r);
	if ((!ret || ret == ERR_CONFLICT) && out.withheld)
		ret = error_add(err, ERR_DATA, "%zu record%s with sensitive answers (HIV, abuse, "
				"...) stay%s on this laptop, unsent: the district has no key to "
				"protect them yet; ask the district office to run `dieutra district "
				"keygen`, then sync again", out.withheld, out.withheld == 1 ? "" : "s",
				out.withheld == 1 ? "s" : "");
	if (!ret)
		ret = form_ret;
	sync_conflicts_release(&r.conflicts);
	sync_outbox_release(&out);
	git_reference_free(ref);
	git_commit_free(tip);
	git_commit_free(base);
	git_remote_free(r.remote);
	sync_repo_close(r.repo);
	free(r.refused);
	sbuf_release(&r.server);
	free(r.branch);
	free(r.local);
	free(r.tracking);
	free(r.prefix);
	close(lock);
	return ret;
}
