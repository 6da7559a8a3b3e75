/*
 * merge.c - three-way merge of one household's record file, answer by
 * answer: what one laptop changed and the other did not is taken; repeat
 * items are matched by their _id, not their place in the list; an answer
 * changed two ways keeps this laptop's value and is reported with the
 * other's, so that no answer is lost.
 */
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "seal.h"
#include "sync_merge.h"
#include "util.h"

void sync_conflicts_release(struct sync_conflicts *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->items[i].id);
		free(c->items[i].field);
		free(c->items[i].ours);
		free(c->items[i].theirs);
		free(c->items[i].ours_text);
		free(c->items[i].theirs_text);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

static struct record_node *copy_node(const struct record_node *n)
{
	struct record_node *c;
	size_t i;

	if (!n)
		return NULL;
	c = record_node_new(n->kind, n->key, n->value);
	c->sealed = n->sealed;
	for (i = 0; i < n->nkids; i++)
		record_node_add(c, copy_node(n->kids[i]));
	return c;
}

static bool same(const struct record_node *a, const struct record_node *b)
{
	if (!a || !b)
		return a == b;
	return record_node_equal(a, b);
}

/* A node's answers as one line, for a conflict message. */
static char *show(const struct record_node *n)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	if (!n)
		return xstrdup("(no answer)");
	if (n->sealed)
		return xasprintf(SEAL_CONFLICT_PREFIX "%s", n->value);
	if (n->kind == RECORD_SCALAR)
		return xstrdup(n->value);
	for (i = 0; i < n->nkids; i++) {
		char *kid = show(n->kids[i]);

		sbuf_addf(&sb, "%s%s%s%s", i ? ", " : "", n->kids[i]->key ? n->kids[i]->key : "",
			  n->kids[i]->key ? ": " : "", kid);
		free(kid);
	}
	return sbuf_detach(&sb);
}

/*
 * n whole, as the canonical text of a record whose data holds only n, under
 * the key `node` (store.h: a tree conflict's side), or NULL for no node.
 */
static char *node_text(const struct record_node *n)
{
	struct sbuf sb = SBUF_INIT;
	struct record r;
	struct record_node *copy;
	size_t i;

	if (!n)
		return NULL;
	record_init(&r);
	copy = record_node_new(n->kind, "node", n->value);
	for (i = 0; i < n->nkids; i++)
		record_node_add(copy, copy_node(n->kids[i]));
	record_node_add(r.data, copy);
	record_write(&r, &sb);
	record_release(&r);
	return sbuf_detach(&sb);
}

struct merge {
	const char *id; /* of the record, for the conflicts */
	struct sync_conflicts *out;
};

static struct record_node *merge_node(struct merge *m, const char *path,
				      const struct record_node *b, const struct record_node *o,
				      const struct record_node *t);

/* Records a conflict; ours and theirs are given to it. */
static struct sync_conflict *conflict(struct merge *m, const char *path, char *ours,
				      char *theirs)
{
	struct sync_conflict *c;

	ALLOC_GROW(m->out->items, m->out->n + 1, m->out->alloc);
	c = &m->out->items[m->out->n++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(m->id);
	c->field = xstrdup(path);
	c->ours = ours;
	c->theirs = theirs;
	return c;
}

/* A conflict between two answers (either may be NULL: none). */
static void conflict_nodes(struct merge *m, const char *path, const struct record_node *o,
			   const struct record_node *t)
{
	struct sync_conflict *c = conflict(m, path, show(o), show(t));

	c->no_ours = !o;
	c->no_theirs = !t;
	c->tree = (o && o->kind != RECORD_SCALAR) || (t && t->kind != RECORD_SCALAR);
	if (c->tree) {
		c->ours_text = node_text(o);
		c->theirs_text = node_text(t);
	}
}

static const char *item_id(const struct record_node *item)
{
	return item && item->kind == RECORD_MAP ? record_node_value(item, "_id") : NULL;
}

/* The item of list with this _id, or NULL. */
static const struct record_node *find_item(const struct record_node *list, const char *id)
{
	size_t i;

	for (i = 0; list && i < list->nkids; i++) {
		const char *x = item_id(list->kids[i]);

		if (x && !strcmp(x, id))
			return list->kids[i];
	}
	return NULL;
}

static bool all_have_ids(const struct record_node *list)
{
	size_t i;

	for (i = 0; list && i < list->nkids; i++)
		if (!item_id(list->kids[i]))
			return false;
	return true;
}

static void merge_item(struct merge *m, struct record_node *out, const char *path,
		       const struct record_node *b, const struct record_node *o,
		       const struct record_node *t, const char *id)
{
	char *sub = xasprintf("%s[_id=%s]", path, id);
	struct record_node *kid = merge_node(m, sub, find_item(b, id), find_item(o, id),
					     find_item(t, id));

	if (kid)
		record_node_add(out, kid);
	free(sub);
}

/* Repeat items by _id: ours in our order, then theirs that we lack. */
static struct record_node *merge_list(struct merge *m, const char *path,
				      const struct record_node *b, const struct record_node *o,
				      const struct record_node *t)
{
	struct record_node *out = record_node_new(RECORD_LIST, o->key, NULL);
	size_t i;

	for (i = 0; i < o->nkids; i++)
		merge_item(m, out, path, b, o, t, item_id(o->kids[i]));
	for (i = 0; i < t->nkids; i++)
		if (!find_item(o, item_id(t->kids[i])))
			merge_item(m, out, path, b, o, t, item_id(t->kids[i]));
	return out;
}

static void merge_key(struct merge *m, struct record_node *out, const char *path,
		      const struct record_node *b, const struct record_node *o,
		      const struct record_node *t, const char *key)
{
	char *sub = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
	struct record_node *kid = merge_node(m, sub, record_node_get(b, key),
					     record_node_get(o, key), record_node_get(t, key));

	if (kid)
		record_node_add(out, kid);
	free(sub);
}

/* Keys in our order, then theirs that we lack. */
static struct record_node *merge_map(struct merge *m, const char *path,
				     const struct record_node *b, const struct record_node *o,
				     const struct record_node *t)
{
	struct record_node *out = record_node_new(RECORD_MAP, o->key, NULL);
	size_t i;

	if (b && b->kind != RECORD_MAP)
		b = NULL;
	for (i = 0; i < o->nkids; i++)
		merge_key(m, out, path, b, o, t, o->kids[i]->key);
	for (i = 0; i < t->nkids; i++)
		if (!record_node_get(o, t->kids[i]->key))
			merge_key(m, out, path, b, o, t, t->kids[i]->key);
	return out;
}

static struct record_node *merge_node(struct merge *m, const char *path,
				      const struct record_node *b, const struct record_node *o,
				      const struct record_node *t)
{
	if (same(o, t) || same(t, b))
		return copy_node(o);
	if (same(o, b))
		return copy_node(t);
	if (o && t && o->kind == RECORD_MAP && t->kind == RECORD_MAP)
		return merge_map(m, path, b, o, t);
	if (b && b->kind != RECORD_LIST)
		b = NULL;
	if (o && t && o->kind == RECORD_LIST && t->kind == RECORD_LIST &&
	    all_have_ids(o) && all_have_ids(t) && all_have_ids(b))
		return merge_list(m, path, b, o, t);
	conflict_nodes(m, path, o, t);
	return copy_node(o);
}

static void set(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

/* The same three-way rule for one header string; a conflict keeps ours. */
static void merge_str(struct merge *m, const char *name, char **out, const char *b,
		      const char *o, const char *t)
{
	bool ot = o && t ? !strcmp(o, t) : o == t;
	bool ob = o && b ? !strcmp(o, b) : o == b;
	bool tb = t && b ? !strcmp(t, b) : t == b;

	if (ot || tb)
		set(out, o);
	else if (ob)
		set(out, t);
	else {
		struct sync_conflict *c = conflict(m, name, xstrdup(o ? o : "(none)"),
						   xstrdup(t ? t : "(none)"));

		c->no_ours = !o;
		c->no_theirs = !t;
		set(out, o);
	}
}

int sync_merge_record(const char *path, const char *base, size_t nbase, const char *ours,
		      size_t nours, const char *theirs, size_t ntheirs, struct sbuf *out,
		      struct sync_conflicts *conflicts, struct error *err)
{
	struct record b, o, t, r;
	struct merge m = { NULL, conflicts };
	const struct record *later;
	int ret;

	record_init(&b);
	record_init(&o);
	record_init(&t);
	record_init(&r);
	ret = base ? record_parse(base, nbase, path, &b, err) : 0;
	if (!ret)
		ret = record_parse(ours, nours, path, &o, err);
	if (!ret)
		ret = record_parse(theirs, ntheirs, path, &t, err);
	if (ret)
		goto out;
	set(&r.id, o.id ? o.id : path);
	m.id = r.id;
	set(&r.form, o.form);
	merge_str(&m, "version", &r.version, b.version, o.version, t.version);
	merge_str(&m, "status", &r.status, b.status, o.status, t.status);
	/* Who touched it last, by the clock of the laptops: ISO 8601 compares as text. */
	later = t.modified && (!o.modified || strcmp(t.modified, o.modified) > 0) ? &t : &o;
	set(&r.created, o.created ? o.created : t.created);
	set(&r.modified, later->modified);
	set(&r.enumerator, later->enumerator);
	set(&r.device, later->device);
	merge_str(&m, "review", &r.review, b.review, o.review, t.review);
	record_node_free(r.data);
	r.data = merge_map(&m, "", b.data, o.data, t.data);
	record_write(&r, out);
out:
	record_release(&b);
	record_release(&o);
	record_release(&t);
	record_release(&r);
	return ret;
}
