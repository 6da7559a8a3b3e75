/*
 * validate_check.c - step 1 of validation: the record's structure against
 * the form, the answers against their types, and the ids of repeat items.
 */
#include "validate_priv.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ID_MAX 16
#define NEW_ID_LEN 4

/* A set of strings (owned by the nodes) for the ids of one list. */
struct idset {
	const char **slot;
	size_t cap;
};

static size_t hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void idset_init(struct idset *set, size_t n)
{
	set->cap = 16;
	while (set->cap < 2 * n + 2)
		set->cap *= 2;
	set->slot = xcalloc(set->cap, sizeof(*set->slot));
}

/* Where s is in the set, or the empty slot where it would go. */
static const char **idset_slot(const struct idset *set, const char *s)
{
	size_t i = hash(s) & (set->cap - 1);

	while (set->slot[i] && strcmp(set->slot[i], s))
		i = (i + 1) & (set->cap - 1);
	return &set->slot[i];
}

/* Adds s unless it is there; returns false when it was. */
static bool idset_add(struct idset *set, const char *s)
{
	const char **slot = idset_slot(set, s);

	if (*slot)
		return false;
	*slot = s;
	return true;
}

/* The next space-separated value of a select_multiple answer, or NULL. */
const char *validate_token(const char *s, size_t *len)
{
	s += strspn(s, " \t\r\n");
	*len = strcspn(s, " \t\r\n");
	return *len ? s : NULL;
}

static bool digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") >= n;
}

static enum validate_msg check_integer(const char *v)
{
	const char *p = v + (*v == '-');

	if (!digits(p, strlen(p)))
		return VM_INTEGER;
	errno = 0;
	strtoll(v, NULL, 10);
	return errno == ERANGE ? VM_BIG : VM_OK;
}

/* -?[0-9]+(\.[0-9]+)? or -?\.[0-9]+ */
static enum validate_msg check_decimal(const char *v)
{
	const char *p = v + (*v == '-');
	size_t n = strspn(p, "0123456789");

	if (p[n] == '.') {
		p += n + 1;
		n = strspn(p, "0123456789");
		if (!n)
			return VM_DECIMAL;
	} else if (!n) {
		return VM_DECIMAL;
	}
	return p[n] ? VM_DECIMAL : VM_OK;
}

static enum validate_msg check_date(const char *v)
{
	long long days;

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || !digits(v, 4) ||
	    !digits(v + 5, 2) || !digits(v + 8, 2) || !expr_parse_date(v, &days))
		return VM_DATE;
	return VM_OK;
}

/* Every value in the list, none twice; the offending value goes to bad. */
static enum validate_msg check_multiple(const struct form_list *list, const char *v,
					struct sbuf *bad)
{
	const char *t, *u;
	size_t len, ulen;
	char *tok;
	bool known;

	for (t = validate_token(v, &len); t; t = validate_token(t + len, &len)) {
		tok = xstrndup(t, len);
		known = form_choice(list, tok) != NULL;
		if (bad)
			sbuf_adds(bad, tok);
		free(tok);
		if (!known)
			return VM_CHOICE;
		for (u = validate_token(v, &ulen); u != t; u = validate_token(u + ulen, &ulen))
			if (ulen == len && !memcmp(u, t, len))
				return VM_TWICE;
		if (bad)
			sbuf_reset(bad);
	}
	return VM_OK;
}

/* Whether answer v suits fld's type; bad (may be NULL) receives what is wrong. */
enum validate_msg validate_value(const struct form_field *fld, const char *v, struct sbuf *bad)
{
	enum validate_msg m = VM_OK;

	switch (fld->type) {
	case FORM_INTEGER:
		m = check_integer(v);
		break;
	case FORM_DECIMAL:
		m = check_decimal(v);
		break;
	case FORM_DATE:
		m = check_date(v);
		break;
	case FORM_SELECT_ONE:
		if (!form_choice(fld->list, v))
			m = VM_CHOICE;
		break;
	case FORM_SELECT_MULTIPLE:
		return check_multiple(fld->list, v, bad);
	default:
		break;
	}
	if (m != VM_OK && bad)
		sbuf_adds(bad, v);
	return m;
}

/* "a  b\tc" -> "a b c", as ODK stores a select_multiple answer. */
static void normalise_multiple(struct record_node *node)
{
	struct sbuf sb = SBUF_INIT;
	const char *t;
	size_t len;

	for (t = validate_token(node->value, &len); t; t = validate_token(t + len, &len)) {
		if (sb.len)
			sbuf_addc(&sb, ' ');
		sbuf_add(&sb, t, len);
	}
	free(node->value);
	node->value = sbuf_detach(&sb);
}

static bool id_valid(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789");

	return n && n <= ID_MAX && !s[n];
}

static void truncate_path(struct sbuf *path, size_t len)
{
	path->len = len;
	if (path->buf)
		path->buf[len] = '\0';
}

static void check_map(struct validate_state *st, const struct form_field *c,
		      struct record_node *map, struct sbuf *path, bool is_item);

/*
 * Gives every item without an `_id` a new one, unique in the list. A new id
 * is a letter, a digit, then two of either (`k3f9`): it can never read as a
 * YAML number or keyword (`0318`, `true`), so record files never quote it.
 */
static void assign_ids(struct record_node *list, struct idset *ids)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const unsigned span[NEW_ID_LEN] = { 26, 10, 36, 36 };
	static const unsigned from[NEW_ID_LEN] = { 0, 26, 0, 0 };
	char id[NEW_ID_LEN + 1];
	struct record_node *item;
	const char **slot;
	size_t i, k;

	for (i = 0; i < list->nkids; i++) {
		item = list->kids[i];
		if (item->kind != RECORD_MAP || validate_kid(item, "_id", NULL))
			continue;
		if (sodium_init() < 0)
			die("libsodium cannot be initialised");
		do {
			for (k = 0; k < NEW_ID_LEN; k++)
				id[k] = alphabet[from[k] + randombytes_uniform(span[k])];
			id[NEW_ID_LEN] = '\0';
			slot = idset_slot(ids, id);
		} while (*slot);
		record_node_set(item, "_id", id);
		*slot = validate_kid(item, "_id", NULL)->value;
	}
}

static void check_items(struct validate_state *st, const struct form_field *rep,
			struct record_node *list, struct sbuf *path)
{
	size_t base = path->len, i;
	struct record_node *item, *id;
	struct idset ids;

	idset_init(&ids, list->nkids);
	for (i = 0; i < list->nkids; i++) {
		item = list->kids[i];
		truncate_path(path, base);
		sbuf_addf(path, "[%zu]", i + 1);
		if (item->kind != RECORD_MAP) {
			validate_report(st, sbuf_str(path), item, VM_ITEM, NULL, NULL);
			continue;
		}
		id = validate_kid(item, "_id", NULL);
		if (id && id->kind == RECORD_SCALAR && id_valid(id->value) &&
		    !idset_add(&ids, id->value)) {
			sbuf_adds(path, "._id");
			validate_report(st, sbuf_str(path), id, VM_DUPID, id->value, NULL);
			truncate_path(path, base);
			sbuf_addf(path, "[%zu]", i + 1);
		}
		check_map(st, rep, item, path, true);
	}
	truncate_path(path, base);
	assign_ids(list, &ids);
	free(ids.slot);
}

/* Checks the answer map->kids[i] of fld; returns false when it was removed (empty). */
static bool check_answer(struct validate_state *st, const struct form_field *fld,
			 struct record_node *map, size_t i, struct sbuf *path)
{
	struct record_node *kid = map->kids[i];
	struct sbuf bad = SBUF_INIT;
	enum validate_msg m;

	switch (fld->type) {
	case FORM_GROUP:
		if (kid->kind == RECORD_MAP)
			check_map(st, fld, kid, path, false);
		else
			validate_report(st, sbuf_str(path), kid, VM_GROUP, NULL, NULL);
		return true;
	case FORM_REPEAT:
		if (kid->kind == RECORD_LIST)
			check_items(st, fld, kid, path);
		else
			validate_report(st, sbuf_str(path), kid, VM_REPEAT, NULL, NULL);
		return true;
	case FORM_NOTE:
		validate_report(st, sbuf_str(path), kid, VM_NOTE, NULL, NULL);
		return true;
	default:
		break;
	}
	if (kid->kind != RECORD_SCALAR) {
		validate_report(st, sbuf_str(path), kid, VM_SCALAR, NULL, NULL);
		return true;
	}
	/* Sealed: answered, its value unknown here (forms/seal.h). */
	if (kid->sealed)
		return true;
	if (fld->type == FORM_SELECT_MULTIPLE)
		normalise_multiple(kid);
	if (!*kid->value) {
		record_node_remove(map, i);
		return false;
	}
	/* A choice file that cannot be read is the form's problem, not the answer's. */
	if (fld->list && form_list_ready(fld->list, st->list_failed ? NULL : st->err)) {
		st->list_failed = true;
		st->nerrors++;
		return true;
	}
	m = validate_value(fld, kid->value, &bad);
	if (m != VM_OK)
		validate_report(st, sbuf_str(path), kid, m, sbuf_str(&bad), NULL);
	sbuf_release(&bad);
	return true;
}

/*
 * Step 1 on one map (data, a group or a repeat item; c is its field, NULL
 * for data).  Also creates the map of every group of c that has none, so
 * that calculations inside it have a place; empty ones go in normalise().
 */
static void check_map(struct validate_state *st, const struct form_field *c,
		      struct record_node *map, struct sbuf *path, bool is_item)
{
	struct form_field *const *kids = c ? c->kids : st->f->top;
	size_t nkids = c ? c->nkids : st->f->ntop, base = path->len, i = 0;
	const struct form_field *fld;
	struct record_node *kid;
	const char *key;

	while (i < map->nkids) {
		kid = map->kids[i];
		key = kid->key ? kid->key : "";
		truncate_path(path, base);
		if (base)
			sbuf_addc(path, '.');
		sbuf_adds(path, key);
		if (is_item && !strcmp(key, "_id")) {
			if (kid->kind != RECORD_SCALAR)
				validate_report(st, sbuf_str(path), kid, VM_SCALAR, NULL, NULL);
			else if (!id_valid(kid->value))
				validate_report(st, sbuf_str(path), kid, VM_ID, kid->value, NULL);
			i++;
			continue;
		}
		fld = form_field(st->f, key);
		if (!fld || fld->parent != c) {
			validate_report(st, sbuf_str(path), kid, VM_UNKNOWN, key, NULL);
			i++;
			continue;
		}
		if (check_answer(st, fld, map, i, path))
			i++;
	}
	truncate_path(path, base);
	for (i = 0; i < nkids; i++) {
		if (kids[i]->type != FORM_GROUP || validate_kid(map, kids[i]->name, NULL))
			continue;
		/* Messages about its answers then point at the enclosing map. */
		kid = record_node_new(RECORD_MAP, kids[i]->name, NULL);
		kid->line = map->line;
		kid->col = map->col;
		record_node_add(map, kid);
	}
}

void validate_structure(struct validate_state *st, struct record_node *data)
{
	struct sbuf path = SBUF_INIT;

	check_map(st, NULL, data, &path, false);
	sbuf_release(&path);
}
