/*
 * workspace_resolve.c - settling the answers a sync found changed two
 * ways: each pick goes back into the record at its path, then the record
 * is saved as any other.
 */
#include "workspace.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"
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

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

int workspace_set_path(struct record *r, const char *path, const char *value,
		       struct error *err)
{
	struct record_node *map = r->data;
	char *copy = xstrdup(path), *seg = copy, *dot;
	int ret = 0;

	if (!strcmp(path, "status") || !strcmp(path, "version")) {
		set_str(!strcmp(path, "status") ? &r->status : &r->version, value);
		goto out;
	}
	for (; (dot = strchr(seg, '.')); seg = dot + 1) {
		char *item = strstr(seg, "[_id=");
		struct record_node *kid;

		*dot = '\0';
		if (item) {
			*item = '\0';
			item += strlen("[_id=");
			item[strcspn(item, "]")] = '\0';
		}
		kid = record_node_get(map, seg);
		if (item)
			kid = find_item(kid, item);
		if (!kid || kid->kind != RECORD_MAP) {
			ret = error_add(err, ERR_NOTFOUND, "%s: %s is not in the record any more",
					path, seg);
			goto out;
		}
		map = kid;
	}
	if (value) {
		record_node_set(map, seg, value);
	} else {
		size_t i;

		for (i = 0; i < map->nkids; i++)
			if (map->kids[i]->key && !strcmp(map->kids[i]->key, seg))
				break;
		record_node_remove(map, i);
	}
out:
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
	for (i = 0; !ret && i < n; i++)
		if (!c[i].tree)
			ret = workspace_set_path(r, c[i].path, c[i].pick, err);
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
