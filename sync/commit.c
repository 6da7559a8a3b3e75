/*
 * commit.c - the records a sync sends: every complete or void record
 * changed since it was last sent, written as its canonical file into a
 * commit on the commune's branch.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "record.h"
#include "seal.h"
#include "store.h"
#include "sync_commit.h"
#include "util.h"
#include "workspace.h"

void sync_outbox_release(struct sync_outbox *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free((char *)o->sent[i].id);
		free(o->sealed[i]);
	}
	free(o->sent);
	free(o->sealed);
	memset(o, 0, sizeof(*o));
}

char *sync_record_path(const char *commune, const char *id)
{
	const char *dev = strchr(id, '-'), *end = dev ? strchr(dev + 1, '-') : NULL;

	/* The device that created the record, so that its file never moves. */
	if (!end)
		return xasprintf("communes/%s/%s.yaml", commune, id);
	return xasprintf("communes/%s/%.*s/%s.yaml", commune, (int)(end - dev - 1), dev + 1, id);
}

struct collect {
	struct workspace *ws;
	git_repository *repo;
	git_tree *base;
	/*
	 * The base's folder of the last record, looked up once for all the
	 * records of its device: a commune's folder holds thousands of files,
	 * and libgit2 neither caches a tree that large nor keeps the trees
	 * git_tree_entry_bypath() walks, so a lookup per record would read and
	 * parse the whole folder again each time.
	 */
	char *dir;
	git_tree *dir_tree;
	struct sync_outbox *out;
	git_tree_update *updates;
	size_t nupdates, alloc_updates;
	char **paths;
	size_t new, updated;
	const struct sync_opts *opts;
	struct seal_key key;
	bool has_key;
	struct error *err;
};

/* The entry of path in the base, or NULL; owned by c->dir_tree. */
static const git_tree_entry *base_entry(struct collect *c, const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	size_t len = (size_t)(name - path - 1);
	git_tree_entry *dir = NULL;

	if (!c->base)
		return NULL;
	if (!c->dir || strlen(c->dir) != len || strncmp(c->dir, path, len)) {
		free(c->dir);
		c->dir = xstrndup(path, len);
		git_tree_free(c->dir_tree);
		c->dir_tree = NULL;
		if (!git_tree_entry_bypath(&dir, c->base, c->dir) &&
		    git_tree_entry_type(dir) == GIT_OBJECT_TREE &&
		    git_tree_lookup(&c->dir_tree, c->repo, git_tree_entry_id(dir)))
			c->dir_tree = NULL;
		git_tree_entry_free(dir);
	}
	return c->dir_tree ? git_tree_entry_byname(c->dir_tree, name) : NULL;
}

int sync_district_key(git_repository *repo, struct seal_key *k, bool *found,
		      struct error *err)
{
	git_commit *main = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	int ret;

	*found = false;
	ret = sync_ref_commit(repo, SYNC_TRACKING SYNC_MAIN, &main, err);
	if (ret || !main)
		goto out;
	ret = ERR_ENV;
	if (git_commit_tree(&tree, main)) {
		sync_git_error(err, ret, "cannot read the district's main");
		goto out;
	}
	ret = 0;
	if (git_tree_entry_bypath(&entry, tree, SYNC_SCHEMA_DIR "/" SEAL_PUB_FILE))
		goto out;
	ret = ERR_ENV;
	if (git_blob_lookup(&blob, repo, git_tree_entry_id(entry))) {
		sync_git_error(err, ret, SYNC_SCHEMA_DIR "/" SEAL_PUB_FILE);
		goto out;
	}
	ret = seal_public_parse(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob),
			       "main:" SYNC_SCHEMA_DIR "/" SEAL_PUB_FILE, k, err);
	*found = !ret;
out:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(main);
	return ret;
}

/*
 * The text to commit for row: its body, with the answers of sealed fields
 * sealed (*sealed: that text, NULL when nothing changed), or NULL when it
 * holds such answers and there is no key to seal them to.
 */
static const char *committed_text(struct collect *c, const struct store_row *row,
				  char **sealed)
{
	struct record r;
	struct sbuf sb = SBUF_INIT;
	size_t n;

	*sealed = NULL;
	record_init(&r);
	/* A stored text always parses; one that did not could hide anything. */
	if (record_parse(row->body, strlen(row->body), row->id, &r, NULL)) {
		record_release(&r);
		return NULL;
	}
	if (!seal_record_count_clear(&c->ws->form, &r, NULL)) {
		record_release(&r);
		return row->body;
	}
	if (!c->has_key) {
		record_release(&r);
		return NULL;
	}
	n = seal_record(&c->ws->form, &c->key, &r);
	c->out->nsealed += n;
	record_write(&r, &sb);
	record_release(&r);
	*sealed = sbuf_detach(&sb);
	return *sealed;
}

/* One unsent record: its blob, and whether the base already holds it. */
static int collect_one(void *data, const struct store_row *row, long long rev)
{
	struct collect *c = data;
	struct sync_outbox *o = c->out;
	const git_tree_entry *entry;
	git_tree_update *u;
	git_oid blob;
	const char *text;
	char *path, *sealed;

	text = committed_text(c, row, &sealed);
	if (!text) {
		o->withheld++;
		return 0;
	}
	ALLOC_GROW(o->sent, o->n + 1, o->alloc);
	o->sealed = xrealloc(o->sealed, o->alloc * sizeof(*o->sealed));
	o->sealed[o->n] = sealed;
	o->sent[o->n].id = xstrdup(row->id);
	o->sent[o->n++].rev = rev;
	path = sync_record_path(c->ws->commune, row->id);
	if (git_blob_create_from_buffer(&blob, c->repo, text, strlen(text))) {
		free(path);
		return sync_git_error(c->err, ERR_ENV, row->id);
	}
	entry = base_entry(c, path);
	if (entry && git_oid_equal(git_tree_entry_id(entry), &blob)) {
		free(path);
		return 0;
	}
	if (!entry)
		c->new++;
	else
		c->updated++;
	ALLOC_GROW(c->updates, c->nupdates + 1, c->alloc_updates);
	c->paths = xrealloc(c->paths, c->alloc_updates * sizeof(*c->paths));
	c->paths[c->nupdates] = path;
	u = &c->updates[c->nupdates++];
	memset(u, 0, sizeof(*u));
	u->action = GIT_TREE_UPDATE_UPSERT;
	u->filemode = GIT_FILEMODE_BLOB;
	u->path = path;
	u->id = blob;
	if (c->opts->progress) {
		struct sync_progress p = { SYNC_COMMITTING, o->n, 0, 0 };

		c->opts->progress(c->opts->data, &p);
	}
	return 0;
}

char *sync_commune_title(const struct form *f, const char *code)
{
	const struct form_list *list = form_list(f, "communes");
	const struct form_choice *c = list ? form_choice(list, code) : NULL;
	const char *name = c ? form_text(f, &c->label, 0) : NULL;

	return name ? xasprintf("%s %s", code, name) : xstrdup(code);
}

char *sync_message(const struct workspace *ws, const char *what, const char *body)
{
	char *title = sync_commune_title(&ws->form, ws->commune);
	char *msg = xasprintf("%s: %s\n\n%s%sCommune: %s\nDevice: %s\nForm-Version: %s\n",
			      title, what, body ? body : "", body ? "\n" : "", ws->commune,
			      ws->device, ws->form.version);

	free(title);
	return msg;
}

static char *message(const struct workspace *ws, size_t new, size_t updated)
{
	struct sbuf sb = SBUF_INIT;
	char *msg;

	if (new)
		sbuf_addf(&sb, "%zu new", new);
	if (new && updated)
		sbuf_adds(&sb, ", ");
	if (updated)
		sbuf_addf(&sb, "%zu updated", updated);
	sbuf_addf(&sb, " household%s", new + updated == 1 ? "" : "s");
	msg = sync_message(ws, sbuf_str(&sb), NULL);
	sbuf_release(&sb);
	return msg;
}

int sync_commit(struct workspace *ws, git_repository *repo, const char *ref,
		git_commit *base, const struct sync_opts *opts, struct sync_outbox *out,
		bool *committed, struct error *err)
{
	struct collect c = { .ws = ws, .repo = repo, .out = out, .opts = opts, .err = err };
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_oid tree_id, id;
	char *msg = NULL;
	size_t i;
	int ret = ERR_ENV;

	*committed = false;
	if (base && git_commit_tree(&c.base, base)) {
		sync_git_error(err, ret, "cannot read the commune's branch");
		goto out;
	}
	ret = sync_district_key(repo, &c.key, &c.has_key, err);
	if (ret)
		goto out;
	ret = store_list_unsynced(ws->store, collect_one, &c, err);
	if (ret || !c.nupdates)
		goto out;
	ret = sync_signature(ws->enumerator, &sig, err);
	if (ret)
		goto out;
	ret = ERR_ENV;
	if (git_tree_create_updated(&tree_id, repo, c.base, c.nupdates, c.updates) ||
	    git_tree_lookup(&tree, repo, &tree_id)) {
		sync_git_error(err, ret, "cannot write the records' tree");
		goto out;
	}
	msg = message(ws, c.new, c.updated);
	/* Compare-and-swap on ref: fails rather than lose a commit made meanwhile. */
	if (git_commit_create(&id, repo, ref, sig, sig, NULL, msg, tree, base ? 1 : 0,
			      (const git_commit **)&base)) {
		sync_git_error(err, ret, "cannot commit the records");
		goto out;
	}
	*committed = true;
	ret = 0;
out:
	for (i = 0; i < c.nupdates; i++)
		free(c.paths[i]);
	free(c.paths);
	free(c.updates);
	free(msg);
	free(c.dir);
	git_tree_free(c.dir_tree);
	git_tree_free(tree);
	git_tree_free(c.base);
	git_signature_free(sig);
	return ret;
}
