/*
 * record_diff.c - the answers that differ between two versions of a
 * record: what `dieutra history` shows for each commit.  Repeat items are
 * matched by their `_id`, as the merge matches them, so that removing the
 * first child does not read as every other child changing.
 */
#include "record.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

struct diff {
	struct record_change *v;
	size_t n, alloc;
};

static struct record_change *add(struct diff *d, const char *path, const char *old,
				  const char *new)
{
	struct record_change *c;

	ALLOC_GROW(d->v, d->n + 1, d->alloc);
	c = &d->v[d->n++];
	c->path = xstrdup(path);
	c->old = old ? xstrdup(old) : NULL;
	c->new = new ? xstrdup(new) : NULL;
	c->old_sealed = c->new_sealed = false;
	return c;
}

static char *join(const char *base, const char *key)
{
	return *base ? xasprintf("%s.%s", base, key) : xstrdup(key);
}

/* Every answer under n, as added (side 1) or removed (side 0). */
static void all(struct diff *d, const char *path, const struct record_node *n, int side)
{
	struct record_change *c;
	size_t i;

	if (n->kind == RECORD_SCALAR) {
		c = add(d, path, side ? NULL : n->value, side ? n->value : NULL);
		if (side)
			c->new_sealed = n->sealed;
		else
			c->old_sealed = n->sealed;
		return;
	}
	for (i = 0; i < n->nkids; i++) {
		const struct record_node *k = n->kids[i];
		char *p;

		if (n->kind == RECORD_MAP && !strcmp(k->key, "_id"))
			continue;
		p = n->kind == RECORD_MAP ? join(path, k->key) : xasprintf("%s[%zu]", path, i + 1);
		all(d, p, k, side);
		free(p);
	}
}

static void diff_node(struct diff *d, const char *path, const struct record_node *a,
		      const struct record_node *b);

/* The item of list a that b (an item) is the next version of, or NULL. */
static const struct record_node *match(const struct record_node *a, const struct record_node *b,
				       size_t pos, bool *used)
{
	const char *id = b->kind == RECORD_MAP ? record_node_value(b, "_id") : NULL;
	size_t i;

	if (!id) {
		if (pos >= a->nkids || used[pos])
			return NULL;
		used[pos] = true;
		return a->kids[pos];
	}
	for (i = 0; i < a->nkids; i++) {
		const char *other = record_node_value(a->kids[i], "_id");

		if (!used[i] && other && !strcmp(other, id)) {
			used[i] = true;
			return a->kids[i];
		}
	}
	return NULL;
}

static void diff_list(struct diff *d, const char *path, const struct record_node *a,
		      const struct record_node *b)
{
	bool *used = xcalloc(a->nkids + 1, sizeof(*used));
	size_t i;

	for (i = 0; i < b->nkids; i++) {
		const struct record_node *old = match(a, b->kids[i], i, used);
		char *p = xasprintf("%s[%zu]", path, i + 1);

		if (old)
			diff_node(d, p, old, b->kids[i]);
		else
			all(d, p, b->kids[i], 1);
		free(p);
	}
	for (i = 0; i < a->nkids; i++) {
		char *p;

		if (used[i])
			continue;
		p = xasprintf("%s[%zu]", path, i + 1);
		all(d, p, a->kids[i], 0);
		free(p);
	}
	free(used);
}

static void diff_map(struct diff *d, const char *path, const struct record_node *a,
		     const struct record_node *b)
{
	size_t i;

	for (i = 0; i < b->nkids; i++) {
		const struct record_node *k = b->kids[i];
		const struct record_node *old = record_node_get(a, k->key);
		char *p;

		if (!strcmp(k->key, "_id"))
			continue;
		p = join(path, k->key);
		if (old)
			diff_node(d, p, old, k);
		else
			all(d, p, k, 1);
		free(p);
	}
	for (i = 0; i < a->nkids; i++) {
		const struct record_node *k = a->kids[i];
		char *p;

		if (!strcmp(k->key, "_id") || record_node_get(b, k->key))
			continue;
		p = join(path, k->key);
		all(d, p, k, 0);
		free(p);
	}
}

static void diff_node(struct diff *d, const char *path, const struct record_node *a,
		      const struct record_node *b)
{
	if (a->kind != b->kind) {
		all(d, path, a, 0);
		all(d, path, b, 1);
	} else if (a->kind == RECORD_SCALAR) {
		if (a->sealed != b->sealed || strcmp(a->value, b->value)) {
			struct record_change *c = add(d, path, a->value, b->value);

			c->old_sealed = a->sealed;
			c->new_sealed = b->sealed;
		}
	} else if (a->kind == RECORD_LIST) {
		diff_list(d, path, a, b);
	} else {
		diff_map(d, path, a, b);
	}
}

static void header(struct diff *d, const char *name, const char *a, const char *b)
{
	if (a == b || (a && b && !strcmp(a, b)))
		return;
	add(d, name, a, b);
}

void record_diff(const struct record *a, const struct record *b, struct record_change **out,
		 size_t *n)
{
	struct diff d = { NULL, 0, 0 };

	header(&d, "status", a ? a->status : NULL, b ? b->status : NULL);
	header(&d, "version", a ? a->version : NULL, b ? b->version : NULL);
	if (a && b)
		diff_node(&d, "", a->data, b->data);
	else if (a || b)
		all(&d, "", a ? a->data : b->data, b ? 1 : 0);
	*out = d.v;
	*n = d.n;
}

void record_changes_free(struct record_change *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].path);
		free(c[i].old);
		free(c[i].new);
	}
	free(c);
}
