/*
 * workspace_resolve.c - settling the answers a sync found changed two
 * ways: each pick goes back into the record at its path, then the record
 * is saved as any other.
 */
#include "workspace.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "seal.h"
#include "store.h"
#include "util.h"

/* The item of list whose _id is id, or NULL. */
static struct record_node *find_item(const struct record_node *list, const char *id)
{
	size_t i;

	for (i = 0; list && list->kind == RECORD_LIST && i < list->nkids; i++) {
		const char *x = record_node_value(list->kids[i], "_id");

		if (x && !strcmp(x, id))
			return list->kids[i];
	}
	return NULL;
}

static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

/*
 * Cuts segment "key[_id=X]" of a path (in place) into key and, returned,
 * X (NULL for a plain "key").
 */
static char *cut_item(char *seg)
{
	char *item = strstr(seg, "[_id=");

	if (!item)
		return NULL;
	*item = '\0';
	item += strlen("[_id=");
	item[strcspn(item, "]")] = '\0';
	return item;
}

/*
 * The map of r holding the last segment of path (copy, a copy of path cut
 * in place), in *map, and that segment in *last.  Returns 0 or
 * ERR_NOTFOUND when a group or item on the way is not in r.
 */
static int walk(struct record *r, const char *path, char *copy, struct record_node **map,
		char **last, struct error *err)
{
	char *seg = copy, *dot;

	*map = r->data;
	for (; (dot = strchr(seg, '.')); seg = dot + 1) {
		char *item;
		struct record_node *kid;

		*dot = '\0';
		item = cut_item(seg);
		kid = record_node_get(*map, seg);
		if (item)
			kid = find_item(kid, item);
		if (!kid || kid->kind != RECORD_MAP)
			return error_add(err, ERR_NOTFOUND, "%s: %s is not in the record any more",
					 path, seg);
		*map = kid;
	}
	*last = seg;
	return 0;
}

/* The index of parent's kid that is key (or, in a list, has _id item), or nkids. */
static size_t kid_index(const struct record_node *parent, const char *key, const char *item)
{
	size_t i;

	for (i = 0; i < parent->nkids; i++) {
		const struct record_node *k = parent->kids[i];
		const char *x = item ? record_node_value(k, "_id") : NULL;

		if (item ? x && !strcmp(x, item) : k->key && !strcmp(k->key, key))
			break;
	}
	return i;
}

int workspace_set_path(struct record *r, const char *path, const char *value,
		       struct error *err)
{
	struct record_node *map;
	char *copy = xstrdup(path), *seg;
	int ret = 0;

	if (!strcmp(path, "status") || !strcmp(path, "version")) {
		set_str(!strcmp(path, "status") ? &r->status : &r->version, value);
		goto out;
	}
	ret = walk(r, path, copy, &map, &seg, err);
	if (ret)
		goto out;
	if (value && !strncmp(value, SEAL_CONFLICT_PREFIX, strlen(SEAL_CONFLICT_PREFIX))) {
		/* A sealed answer picked: it stays sealed (sync/merge.c names it so). */
		record_node_set(map, seg, value + strlen(SEAL_CONFLICT_PREFIX));
		record_node_get(map, seg)->sealed = true;
	} else if (value) {
		record_node_set(map, seg, value);
	} else {
		record_node_remove(map, kid_index(map, seg, NULL));
	}
out:
	free(copy);
	return ret;
}

/* Moves the node under key `node` out of the data of the record text text. */
static int parse_node(const char *path, const char *text, struct record_node **node,
		      struct error *err)
{
	struct record t;
	struct record_node *data;
	size_t i;
	int ret;

	*node = NULL;
	record_init(&t);
	ret = record_parse(text, strlen(text), path, &t, err);
	data = t.data;
	i = ret ? 0 : kid_index(data, "node", NULL);
	if (!ret && i == data->nkids)
		ret = error_add(err, ERR_DATA, "%s: the other laptop's version is not readable", path);
	if (!ret) {
		*node = data->kids[i];
		data->kids[i] = data->kids[--data->nkids];
	}
	record_release(&t);
	return ret;
}

int workspace_set_node(struct record *r, const char *path, const char *text,
		       struct error *err)
{
	struct record_node *map, *parent, *node = NULL;
	char *copy = xstrdup(path), *seg, *item;
	size_t i;
	int ret;

	ret = walk(r, path, copy, &map, &seg, err);
	if (!ret && text)
		ret = parse_node(path, text, &node, err);
	if (ret)
		goto out;
	item = cut_item(seg);
	parent = map;
	if (item) {
		parent = record_node_get(map, seg);
		if (parent && parent->kind != RECORD_LIST) {
			record_node_remove(map, kid_index(map, seg, NULL));
			parent = NULL;
		}
		if (!parent && !node)
			goto out;
		if (!parent) {
			parent = record_node_new(RECORD_LIST, seg, NULL);
			record_node_add(map, parent);
		}
	}
	i = kid_index(parent, seg, item);
	if (node) {
		free(node->key);
		node->key = item ? NULL : xstrdup(seg);
	}
	if (i == parent->nkids && node)
		record_node_add(parent, node);
	else if (node) {
		record_node_free(parent->kids[i]);
		parent->kids[i] = node;
	} else {
		record_node_remove(parent, i);
	}
	node = NULL;
out:
	record_node_free(node);
	free(copy);
	return ret;
}

int workspace_resolve(struct workspace *ws, const char *id, const char *lang,
		      struct record *r, struct error *err)
{
	struct store_conflict *c = NULL;
	struct store_row row = { 0 };
	struct sbuf left = SBUF_INIT;
	enum workspace_saved saved;
	size_t i, n = 0;
	int ret;

	ret = store_conflict_list(ws->store, id, &c, &n, err);
	if (!ret)
		ret = store_get(ws->store, id, &row, err);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		if (!c[i].picked)
			sbuf_addf(&left, "%s%s", left.len ? ", " : "", c[i].path);
	if (!n) {
		ret = error_add(err, ERR_USAGE, "%s has no conflict to settle", id);
		goto out;
	}
	if (left.len) {
		ret = error_add(err, ERR_USAGE, "%s: still to pick: %s", id, sbuf_str(&left));
		goto out;
	}
	ret = record_parse(row.body, strlen(row.body), id, r, err);
	for (i = 0; !ret && i < n; i++) {
		const char *ours;

		if (!c[i].tree)
			ret = workspace_set_path(r, c[i].path, c[i].pick, err);
		else if (store_conflict_side(&c[i], false, &ours) && !same(c[i].pick, ours))
			ret = workspace_set_node(r, c[i].path, c[i].pick, err);
	}
	if (!ret)
		ret = workspace_save(ws, r, lang, &saved, err);
out:
	for (i = 0; i < n; i++)
		store_conflict_release(&c[i]);
	free(c);
	sbuf_release(&left);
	store_row_release(&row);
	return ret;
}
