/*
 * validate.c - a form's rules applied to a record (validate.h).
 *
 * The record is walked four times: structure and types (also giving
 * repeat items their ids and creating the map of every group so that a
 * calculation always has a place to go), relevance and calculations in
 * the form's dependency order, the checks of required answers,
 * constraints, choice filters and repeat counts, and last the canonical
 * shape (form order, no empty groups or lists).
 *
 * Expressions see the record through lookup(): a name is resolved by
 * walking from the innermost repeat item of the current context that
 * encloses the field, so the cost of a reference does not grow with the
 * number of items unless the reference itself spans them (count, sum).
 */
#include "validate.h"

#include "expr.h"
#include "form.h"
#include "record.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Ancestors of a field, itself included: bounded by the loader's nesting limit. */
#define MAX_CHAIN (FORM_MAX_DEPTH + 2)
#define ID_MAX 16
#define NEW_ID_LEN 4

enum msg {
	M_OK,
	M_REQUIRED,
	M_CONSTRAINT,
	M_UNKNOWN,
	M_GROUP,
	M_REPEAT,
	M_ITEM,
	M_SCALAR,
	M_NOTE,
	M_INTEGER,
	M_BIG,
	M_DECIMAL,
	M_DATE,
	M_CHOICE,
	M_TWICE,
	M_FILTER,
	M_ID,
	M_DUPID,
	M_COUNT,
	M_EXPR,
};

/* Each message in Vietnamese (the default) and English; %s are filled in order. */
static const struct {
	const char *vi, *en;
} messages[] = {
	[M_REQUIRED] = { "Câu hỏi này bắt buộc phải trả lời", "This answer is required" },
	[M_CONSTRAINT] = { "Giá trị không hợp lệ", "This answer is not allowed" },
	[M_UNKNOWN] = { "trường '%s' không có trong biểu mẫu", "unknown field '%s'" },
	[M_GROUP] = { "là nhóm câu hỏi: các câu trả lời phải nằm bên trong nhóm",
		      "is a group: its answers go in a nested map" },
	[M_REPEAT] = { "là phần lặp: cần một danh sách các mục",
		       "is a repeat: expected a list of items" },
	[M_ITEM] = { "mỗi mục của phần lặp phải là một nhóm câu trả lời",
		     "a repeat item must be a map of answers" },
	[M_SCALAR] = { "cần một câu trả lời, không phải danh sách hay nhóm",
		       "expected a single answer, not a list or a map" },
	[M_NOTE] = { "là ghi chú: không nhận câu trả lời", "is a note: it takes no answer" },
	[M_INTEGER] = { "'%s' không phải số nguyên", "'%s' is not a whole number" },
	[M_BIG] = { "'%s' là số quá lớn", "'%s' is too large a number" },
	[M_DECIMAL] = { "'%s' không phải số", "'%s' is not a number" },
	[M_DATE] = { "'%s': ngày không hợp lệ (định dạng YYYY-MM-DD)",
		     "'%s' is not a valid date (YYYY-MM-DD)" },
	[M_CHOICE] = { "'%s' không có trong danh sách", "'%s' is not one of the choices" },
	[M_TWICE] = { "'%s' được chọn hai lần", "'%s' is chosen twice" },
	[M_FILTER] = { "'%s' không được phép chọn ở đây", "'%s' is not a choice allowed here" },
	[M_ID] = { "mã mục '%s' không hợp lệ (1 đến 16 chữ thường a-z hoặc số)",
		   "'%s' is not a valid item id (1 to 16 of a-z, 0-9)" },
	[M_DUPID] = { "mã mục '%s' bị trùng trong danh sách",
		      "item id '%s' is used twice in the list" },
	[M_COUNT] = { "có %s mục nhưng cần %s", "has %s items but %s are expected" },
	[M_EXPR] = { "lỗi trong biểu thức %s: %s", "error in the %s expression: %s" },
};

/* A repeat item the evaluation is inside. */
struct frame {
	const struct form_field *repeat;
	const struct record_node *item;
	size_t index; /* 0-based position in the list */
};

struct vstate {
	const struct form *f;
	const struct record_node *data;
	const char *file;
	size_t lang;
	bool en;
	long long now;
	struct error *err;
	size_t nerrors;
	struct frame frames[MAX_CHAIN];
	size_t nframes;
	/* The choice a choice_filter is being tested on. */
	const struct form_list *list;
	const struct form_choice *choice;
};

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

static void fill(struct sbuf *sb, const char *tmpl, const char *a1, const char *a2)
{
	const char *args[2] = { a1, a2 }, *p;
	size_t i = 0;

	while ((p = strstr(tmpl, "%s"))) {
		sbuf_add(sb, tmpl, (size_t)(p - tmpl));
		sbuf_adds(sb, i < 2 && args[i] ? args[i] : "");
		i++;
		tmpl = p + 2;
	}
	sbuf_adds(sb, tmpl);
}

/* Appends "path: message" at node `at` (NULL: no position). */
static void report_text(struct vstate *st, const char *path, const struct record_node *at,
			const char *text)
{
	st->nerrors++;
	error_at(st->err, ERR_DATA, st->file, at ? at->line : 0, at ? at->col : 0, "%s: %s",
		 path, text);
}

static void report(struct vstate *st, const char *path, const struct record_node *at,
		   enum msg m, const char *a1, const char *a2)
{
	struct sbuf sb = SBUF_INIT;

	fill(&sb, st->en ? messages[m].en : messages[m].vi, a1, a2);
	report_text(st, path, at, sbuf_str(&sb));
	sbuf_release(&sb);
}

/* The ancestors of fld from the top down to fld itself; returns how many. */
static size_t ancestors(const struct form_field *fld, const struct form_field **anc)
{
	const struct form_field *p;
	size_t n = 0, i;

	for (p = fld; p; p = p->parent)
		n++;
	if (n > MAX_CHAIN)
		die("form nesting deeper than %d", FORM_MAX_DEPTH);
	for (p = fld, i = n; p; p = p->parent)
		anc[--i] = p;
	return n;
}

/* "children[2].school.level": fld's path inside the current repeat items. */
static void field_path(const struct vstate *st, const struct form_field *fld, struct sbuf *sb)
{
	const struct form_field *anc[MAX_CHAIN];
	size_t n = ancestors(fld, anc), k, j;

	for (k = 0; k < n; k++) {
		if (k)
			sbuf_addc(sb, '.');
		sbuf_adds(sb, anc[k]->name);
		if (anc[k]->type != FORM_REPEAT || k == n - 1)
			continue;
		for (j = 0; j < st->nframes; j++)
			if (st->frames[j].repeat == anc[k])
				sbuf_addf(sb, "[%zu]", st->frames[j].index + 1);
	}
}

static void report_field(struct vstate *st, const struct form_field *fld,
			 const struct record_node *at, enum msg m, const char *a1, const char *a2)
{
	struct sbuf path = SBUF_INIT;

	field_path(st, fld, &path);
	report(st, sbuf_str(&path), at, m, a1, a2);
	sbuf_release(&path);
}

/* A message of the form (required_message, constraint_message) or the default. */
static void report_form_text(struct vstate *st, const struct form_field *fld,
			     const struct record_node *at, const struct form_text *t, enum msg m)
{
	const char *s = form_text(st->f, t, st->lang);
	struct sbuf path = SBUF_INIT;

	if (!s) {
		report_field(st, fld, at, m, NULL, NULL);
		return;
	}
	field_path(st, fld, &path);
	report_text(st, sbuf_str(&path), at, s);
	sbuf_release(&path);
}

static struct record_node *find_kid(const struct record_node *map, const char *key, size_t *idx)
{
	size_t i;

	for (i = 0; i < map->nkids; i++) {
		if (map->kids[i]->key && !strcmp(map->kids[i]->key, key)) {
			if (idx)
				*idx = i;
			return map->kids[i];
		}
	}
	return NULL;
}

/* Name resolution (see the comment at the top of the file). */
static void collect(const struct form_field **anc, size_t k, size_t n,
		    const struct record_node *map, bool set, struct expr_value *out)
{
	const struct form_field *a = anc[k];
	const struct record_node *node = map ? find_kid(map, a->name, NULL) : NULL;
	size_t i;

	if (k == n - 1) {
		const char *v = node && node->kind == RECORD_SCALAR ? node->value : "";

		if (a->type == FORM_REPEAT) {
			for (i = 0; node && node->kind == RECORD_LIST && i < node->nkids; i++)
				expr_nodeset_add(out, "");
		} else if (set) {
			expr_nodeset_add(out, v);
		} else {
			expr_set_string(out, v);
		}
		return;
	}
	if (a->type == FORM_GROUP) {
		collect(anc, k + 1, n, node && node->kind == RECORD_MAP ? node : NULL, set, out);
		return;
	}
	for (i = 0; node && node->kind == RECORD_LIST && i < node->nkids; i++) {
		const struct record_node *item = node->kids[i];

		collect(anc, k + 1, n, item->kind == RECORD_MAP ? item : NULL, set, out);
	}
}

static int lookup(void *data, const char *name, struct expr_value *out)
{
	struct vstate *st = data;
	const struct form_field *t = form_field(st->f, name), *anc[MAX_CHAIN];
	const struct record_node *map = st->data;
	struct expr_value empty = EXPR_VALUE_INIT;
	size_t n, k, start = 0, j;
	bool set;

	if (!t)
		return ERR_NOTFOUND;
	expr_value_release(out);
	*out = empty;
	if (t->type == FORM_GROUP)
		return 0;
	n = ancestors(t, anc);
	/* Start from the innermost current item that encloses t. */
	for (j = st->nframes; j-- > 0 && !start;) {
		for (k = 0; k + 1 < n; k++) {
			if (anc[k] == st->frames[j].repeat) {
				start = k + 1;
				map = st->frames[j].item;
				break;
			}
		}
	}
	set = t->type == FORM_REPEAT;
	for (k = start; k + 1 < n; k++)
		set = set || anc[k]->type == FORM_REPEAT;
	if (set)
		out->type = EXPR_NODESET;
	collect(anc, start, n, map, set, out);
	return 0;
}

/* In a choice_filter: `value` is the choice's value, other names its columns. */
static int column(void *data, const char *name, struct expr_value *out)
{
	struct vstate *st = data;
	size_t i;

	if (!st->choice) {
		expr_set_string(out, "");
		return 0;
	}
	if (!strcmp(name, "value")) {
		expr_set_string(out, st->choice->value);
		return 0;
	}
	for (i = 0; i < st->list->ncolumns; i++) {
		if (!strcmp(st->list->columns[i], name)) {
			const char *v = st->choice->columns ? st->choice->columns[i] : NULL;

			expr_set_string(out, v ? v : "");
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

static const char *choice_label(void *data, const char *field, const char *value)
{
	struct vstate *st = data;
	const struct form_field *fld = form_field(st->f, field);
	const struct form_choice *ch;

	if (!fld || !fld->list || !(ch = form_choice(fld->list, value)))
		return NULL;
	return form_text(st->f, &ch->label, st->lang);
}

static struct expr_ctx make_ctx(struct vstate *st, const char *current)
{
	struct expr_ctx ctx = {
		.lookup = lookup,
		.column = column,
		.choice_label = choice_label,
		.data = st,
		.current = current,
		.position = st->nframes ? (int)st->frames[st->nframes - 1].index + 1 : 0,
		.now = st->now,
	};

	return ctx;
}

/*
 * Evaluates e for fld in the current context; a runtime error is reported
 * on fld (at node `at`) as a problem of the record, never fatal.
 */
static int eval(struct vstate *st, const struct form_field *fld, const char *what,
		const struct expr *e, const char *current, const struct record_node *at,
		struct expr_value *out)
{
	struct expr_ctx ctx = make_ctx(st, current);
	struct error e2 = ERROR_INIT;
	int ret = expr_eval(e, &ctx, out, &e2);

	if (ret < 0)
		report_field(st, fld, at, M_EXPR, what, e2.n ? e2.items[0].msg : "?");
	error_release(&e2);
	return ret;
}

/* *b = the truth of e; returns < 0 (reported) when it could not be evaluated. */
static int eval_bool(struct vstate *st, const struct form_field *fld, const char *what,
		     const struct expr *e, const char *current, const struct record_node *at,
		     bool *b)
{
	struct expr_value v = EXPR_VALUE_INIT;
	int ret = eval(st, fld, what, e, current, at, &v);

	if (!ret)
		*b = expr_to_bool(&v);
	expr_value_release(&v);
	return ret;
}

static void push(struct vstate *st, const struct form_field *repeat,
		 const struct record_node *item, size_t index)
{
	if (st->nframes == MAX_CHAIN)
		die("form nesting deeper than %d", FORM_MAX_DEPTH);
	st->frames[st->nframes++] = (struct frame){ repeat, item, index };
}

static void pop(struct vstate *st)
{
	st->nframes--;
}

/* The next space-separated value of a select_multiple answer, or NULL. */
static const char *next_token(const char *s, size_t *len)
{
	s += strspn(s, " \t\r\n");
	*len = strcspn(s, " \t\r\n");
	return *len ? s : NULL;
}

static bool digits(const char *s, size_t n)
{
	return n && strspn(s, "0123456789") >= n;
}

static enum msg check_integer(const char *v)
{
	const char *p = v + (*v == '-');

	if (!digits(p, strlen(p)))
		return M_INTEGER;
	errno = 0;
	strtoll(v, NULL, 10);
	return errno == ERANGE ? M_BIG : M_OK;
}

/* -?[0-9]+(\.[0-9]+)? or -?\.[0-9]+ */
static enum msg check_decimal(const char *v)
{
	const char *p = v + (*v == '-');
	size_t n = strspn(p, "0123456789");

	if (p[n] == '.') {
		p += n + 1;
		n = strspn(p, "0123456789");
		if (!n)
			return M_DECIMAL;
	} else if (!n) {
		return M_DECIMAL;
	}
	return p[n] ? M_DECIMAL : M_OK;
}

static enum msg check_date(const char *v)
{
	long long days;

	if (strlen(v) != 10 || v[4] != '-' || v[7] != '-' || !digits(v, 4) ||
	    !digits(v + 5, 2) || !digits(v + 8, 2) || !expr_parse_date(v, &days))
		return M_DATE;
	return M_OK;
}

/* Every value in the list, none twice; the offending value goes to bad. */
static enum msg check_multiple(const struct form_list *list, const char *v, struct sbuf *bad)
{
	const char *t, *u;
	size_t len, ulen;
	char *tok;
	bool known;

	for (t = next_token(v, &len); t; t = next_token(t + len, &len)) {
		tok = xstrndup(t, len);
		known = form_choice(list, tok) != NULL;
		if (bad)
			sbuf_adds(bad, tok);
		free(tok);
		if (!known)
			return M_CHOICE;
		for (u = next_token(v, &ulen); u != t; u = next_token(u + ulen, &ulen))
			if (ulen == len && !memcmp(u, t, len))
				return M_TWICE;
		if (bad)
			sbuf_reset(bad);
	}
	return M_OK;
}

/* Whether answer v suits fld's type; bad (may be NULL) receives what is wrong. */
static enum msg check_value(const struct form_field *fld, const char *v, struct sbuf *bad)
{
	enum msg m = M_OK;

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
			m = M_CHOICE;
		break;
	case FORM_SELECT_MULTIPLE:
		return check_multiple(fld->list, v, bad);
	default:
		break;
	}
	if (m != M_OK && bad)
		sbuf_adds(bad, v);
	return m;
}

/* "a  b\tc" -> "a b c", as ODK stores a select_multiple answer. */
static void normalise_multiple(struct record_node *node)
{
	struct sbuf sb = SBUF_INIT;
	const char *t;
	size_t len;

	for (t = next_token(node->value, &len); t; t = next_token(t + len, &len)) {
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

static void check_map(struct vstate *st, const struct form_field *c, struct record_node *map,
		      struct sbuf *path, bool is_item);

/* Gives every item without an `_id` a new one, unique in the list. */
static void assign_ids(struct record_node *list, struct idset *ids)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char id[NEW_ID_LEN + 1];
	struct record_node *item;
	const char **slot;
	size_t i, k;

	for (i = 0; i < list->nkids; i++) {
		item = list->kids[i];
		if (item->kind != RECORD_MAP || find_kid(item, "_id", NULL))
			continue;
		do {
			for (k = 0; k < NEW_ID_LEN; k++)
				id[k] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
			id[NEW_ID_LEN] = '\0';
			slot = idset_slot(ids, id);
		} while (*slot);
		record_node_set(item, "_id", id);
		*slot = find_kid(item, "_id", NULL)->value;
	}
}

static void check_items(struct vstate *st, const struct form_field *rep, struct record_node *list,
			struct sbuf *path)
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
			report(st, sbuf_str(path), item, M_ITEM, NULL, NULL);
			continue;
		}
		id = find_kid(item, "_id", NULL);
		if (id && id->kind == RECORD_SCALAR && id_valid(id->value) &&
		    !idset_add(&ids, id->value)) {
			sbuf_adds(path, "._id");
			report(st, sbuf_str(path), id, M_DUPID, id->value, NULL);
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
static bool check_answer(struct vstate *st, const struct form_field *fld, struct record_node *map,
			 size_t i, struct sbuf *path)
{
	struct record_node *kid = map->kids[i];
	struct sbuf bad = SBUF_INIT;
	enum msg m;

	switch (fld->type) {
	case FORM_GROUP:
		if (kid->kind == RECORD_MAP)
			check_map(st, fld, kid, path, false);
		else
			report(st, sbuf_str(path), kid, M_GROUP, NULL, NULL);
		return true;
	case FORM_REPEAT:
		if (kid->kind == RECORD_LIST)
			check_items(st, fld, kid, path);
		else
			report(st, sbuf_str(path), kid, M_REPEAT, NULL, NULL);
		return true;
	case FORM_NOTE:
		report(st, sbuf_str(path), kid, M_NOTE, NULL, NULL);
		return true;
	default:
		break;
	}
	if (kid->kind != RECORD_SCALAR) {
		report(st, sbuf_str(path), kid, M_SCALAR, NULL, NULL);
		return true;
	}
	if (fld->type == FORM_SELECT_MULTIPLE)
		normalise_multiple(kid);
	if (!*kid->value) {
		record_node_remove(map, i);
		return false;
	}
	m = check_value(fld, kid->value, &bad);
	if (m != M_OK)
		report(st, sbuf_str(path), kid, m, sbuf_str(&bad), NULL);
	sbuf_release(&bad);
	return true;
}

/*
 * Step 1 on one map (data, a group or a repeat item; c is its field, NULL
 * for data).  Also creates the map of every group of c that has none, so
 * that calculations inside it have a place; empty ones go in normalise().
 */
static void check_map(struct vstate *st, const struct form_field *c, struct record_node *map,
		      struct sbuf *path, bool is_item)
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
				report(st, sbuf_str(path), kid, M_SCALAR, NULL, NULL);
			else if (!id_valid(kid->value))
				report(st, sbuf_str(path), kid, M_ID, kid->value, NULL);
			i++;
			continue;
		}
		fld = form_field(st->f, key);
		if (!fld || fld->parent != c) {
			report(st, sbuf_str(path), kid, M_UNKNOWN, key, NULL);
			i++;
			continue;
		}
		if (check_answer(st, fld, map, i, path))
			i++;
	}
	truncate_path(path, base);
	for (i = 0; i < nkids; i++)
		if (kids[i]->type == FORM_GROUP && !find_kid(map, kids[i]->name, NULL))
			record_node_add(map, record_node_new(RECORD_MAP, kids[i]->name, NULL));
}

/* Step 3 for fld in one instance of its container map. */
static void compute(struct vstate *st, const struct form_field *fld, struct record_node *map)
{
	struct expr_value v = EXPR_VALUE_INIT;
	size_t idx = 0;
	struct record_node *node = find_kid(map, fld->name, &idx);
	const char *cur = node && node->kind == RECORD_SCALAR ? node->value : NULL;
	bool relevant = true;
	char *s;

	/* A relevance that cannot be evaluated keeps the answers: nothing is lost. */
	if (fld->relevant &&
	    eval_bool(st, fld, "relevant", fld->relevant, cur, node ? node : map, &relevant) < 0)
		relevant = true;
	if (!relevant) {
		if (node)
			record_node_remove(map, idx);
		return;
	}
	if (!fld->calculation || fld->type == FORM_GROUP || fld->type == FORM_REPEAT)
		return;
	if (eval(st, fld, "calculation", fld->calculation, cur, node ? node : map, &v) < 0)
		goto out;
	s = expr_to_string(&v);
	if (node && (node->kind != RECORD_SCALAR || !*s))
		record_node_remove(map, idx);
	if (*s)
		record_node_set(map, fld->name, s);
	free(s);
out:
	expr_value_release(&v);
}

/* Calls compute() for fld in every instance of its container, anc[k..n-2]. */
static void compute_all(struct vstate *st, const struct form_field *fld,
			const struct form_field **anc, size_t k, size_t n, struct record_node *map)
{
	struct record_node *node;
	size_t i;

	if (k == n - 1) {
		compute(st, fld, map);
		return;
	}
	node = find_kid(map, anc[k]->name, NULL);
	if (!node)
		return;
	if (anc[k]->type == FORM_GROUP) {
		if (node->kind == RECORD_MAP)
			compute_all(st, fld, anc, k + 1, n, node);
		return;
	}
	for (i = 0; node->kind == RECORD_LIST && i < node->nkids; i++) {
		if (node->kids[i]->kind != RECORD_MAP)
			continue;
		push(st, anc[k], node->kids[i], i);
		compute_all(st, fld, anc, k + 1, n, node->kids[i]);
		pop(st);
	}
}

/* Step 4: required answers. */
static void check_required(struct vstate *st, const struct form_field *fld,
			   const struct record_node *map)
{
	bool relevant = true, required = fld->required;

	if (!required && !fld->required_if)
		return;
	if (fld->relevant &&
	    (eval_bool(st, fld, "relevant", fld->relevant, NULL, map, &relevant) < 0 || !relevant))
		return;
	if (!required && eval_bool(st, fld, "required", fld->required_if, NULL, map, &required) < 0)
		return;
	if (required)
		report_form_text(st, fld, map, &fld->required_message, M_REQUIRED);
}

/* Step 4: the constraint and choice filter of an answer of a valid type. */
static void check_rules(struct vstate *st, const struct form_field *fld,
			const struct record_node *node)
{
	const char *v = node->value, *t;
	bool ok = true;
	size_t len;
	char *tok;
	int ret;

	if (check_value(fld, v, NULL) != M_OK)
		return;
	if (fld->constraint && !eval_bool(st, fld, "constraint", fld->constraint, v, node, &ok) &&
	    !ok)
		report_form_text(st, fld, node, &fld->constraint_message, M_CONSTRAINT);
	if (!fld->choice_filter || !fld->list)
		return;
	st->list = fld->list;
	for (t = next_token(v, &len); t; t = next_token(t + len, &len)) {
		tok = fld->type == FORM_SELECT_MULTIPLE ? xstrndup(t, len) : xstrdup(v);
		st->choice = form_choice(fld->list, tok);
		ret = eval_bool(st, fld, "choice_filter", fld->choice_filter, v, node, &ok);
		if (!ret && !ok)
			report_field(st, fld, node, M_FILTER, tok, NULL);
		free(tok);
		if (ret < 0 || fld->type != FORM_SELECT_MULTIPLE)
			break;
	}
	st->choice = NULL;
}

static void check_kids(struct vstate *st, const struct form_field *c,
		       const struct record_node *map);

/* Step 4 for a repeat: its count, then each item. */
static void check_repeat(struct vstate *st, const struct form_field *rep,
			 const struct record_node *map, const struct record_node *list)
{
	const struct record_node *at = list ? list : map;
	struct expr_value v = EXPR_VALUE_INIT, num = EXPR_VALUE_INIT;
	size_t n = list ? list->nkids : 0, i;
	bool relevant = true;
	char *have, *want;
	double count;

	if (list && list->kind != RECORD_LIST)
		return;
	/* A list that survived step 3 is relevant; an absent one may be. */
	if (!list && (rep->repeat_count || rep->required) && rep->relevant &&
	    (eval_bool(st, rep, "relevant", rep->relevant, NULL, map, &relevant) < 0 || !relevant))
		return;
	if (rep->repeat_count && !eval(st, rep, "repeat_count", rep->repeat_count, NULL, at, &v)) {
		count = expr_to_number(&v);
		if (isfinite(count) && count != (double)n) {
			expr_set_number(&num, (double)n);
			have = expr_to_string(&num);
			expr_set_number(&num, count);
			want = expr_to_string(&num);
			report_field(st, rep, at, M_COUNT, have, want);
			free(have);
			free(want);
		}
	}
	expr_value_release(&v);
	expr_value_release(&num);
	if (rep->required && !n)
		report_form_text(st, rep, at, &rep->required_message, M_REQUIRED);
	for (i = 0; i < n; i++) {
		if (list->kids[i]->kind != RECORD_MAP)
			continue;
		push(st, rep, list->kids[i], i);
		check_kids(st, rep, list->kids[i]);
		pop(st);
	}
}

/* Step 4 on one map, in document order so that messages read top to bottom. */
static void check_kids(struct vstate *st, const struct form_field *c,
		       const struct record_node *map)
{
	struct form_field *const *kids = c ? c->kids : st->f->top;
	size_t nkids = c ? c->nkids : st->f->ntop, i;
	const struct record_node *node;

	for (i = 0; i < nkids; i++) {
		node = find_kid(map, kids[i]->name, NULL);
		switch (kids[i]->type) {
		case FORM_GROUP:
			/* Absent: irrelevant, or not a map (reported in step 1). */
			if (node && node->kind == RECORD_MAP)
				check_kids(st, kids[i], node);
			break;
		case FORM_REPEAT:
			check_repeat(st, kids[i], map, node);
			break;
		case FORM_NOTE:
			break;
		default:
			if (!node)
				check_required(st, kids[i], map);
			else if (node->kind == RECORD_SCALAR)
				check_rules(st, kids[i], node);
			break;
		}
	}
}

/* Where a kid goes in its map: `_id` first, then form order, unknown keys last. */
static size_t rank(const struct vstate *st, const struct form_field *c,
		   const struct record_node *kid, bool is_item)
{
	const struct form_field *fld;

	if (!kid->key)
		return SIZE_MAX;
	if (is_item && !strcmp(kid->key, "_id"))
		return 0;
	fld = form_field(st->f, kid->key);
	return fld && fld->parent == c ? fld->index + 1 : SIZE_MAX;
}

static bool prune(const struct form_field *fld, const struct record_node *kid)
{
	return fld && !kid->nkids && ((fld->type == FORM_GROUP && kid->kind == RECORD_MAP) ||
				      (fld->type == FORM_REPEAT && kid->kind == RECORD_LIST));
}

/* The canonical shape: form order, no empty group maps or repeat lists. */
static void normalise(const struct vstate *st, const struct form_field *c,
		      struct record_node *map, bool is_item)
{
	struct record_node *kid;
	const struct form_field *fld;
	size_t i = 0, j, r, *ranks;

	while (i < map->nkids) {
		kid = map->kids[i];
		fld = kid->key ? form_field(st->f, kid->key) : NULL;
		if (fld && fld->parent != c)
			fld = NULL;
		if (fld && fld->type == FORM_GROUP && kid->kind == RECORD_MAP)
			normalise(st, fld, kid, false);
		for (j = 0; fld && fld->type == FORM_REPEAT && kid->kind == RECORD_LIST &&
			    j < kid->nkids; j++)
			if (kid->kids[j]->kind == RECORD_MAP)
				normalise(st, fld, kid->kids[j], true);
		if (prune(fld, kid))
			record_node_remove(map, i);
		else
			i++;
	}
	/* Insertion sort: stable, and linear on the usual, already ordered map. */
	ranks = xmalloc(map->nkids * sizeof(*ranks));
	for (i = 0; i < map->nkids; i++) {
		kid = map->kids[i];
		r = rank(st, c, kid, is_item);
		for (j = i; j > 0 && ranks[j - 1] > r; j--) {
			ranks[j] = ranks[j - 1];
			map->kids[j] = map->kids[j - 1];
		}
		ranks[j] = r;
		map->kids[j] = kid;
	}
	free(ranks);
}

static void state_init(struct vstate *st, const struct form *f, const struct record *r,
		       long long now)
{
	memset(st, 0, sizeof(*st));
	st->f = f;
	st->data = r->data;
	st->file = r->file;
	st->now = now ? now : util_now();
}

int validate_record(const struct form *f, struct record *r, const struct validate_opts *opts,
		    struct error *err)
{
	static const struct validate_opts defaults;
	const struct form_field *anc[MAX_CHAIN];
	struct sbuf path = SBUF_INIT;
	struct vstate st;
	const char *lang;
	size_t i;

	if (!opts)
		opts = &defaults;
	if (sodium_init() < 0)
		die("libsodium cannot be initialised");
	state_init(&st, f, r, opts->now);
	st.err = err;
	st.lang = form_lang(f, opts->lang);
	lang = opts->lang ? opts->lang : f->nlanguages ? f->languages[0] : NULL;
	st.en = lang && !strcmp(lang, "en");

	check_map(&st, NULL, r->data, &path, false);
	sbuf_release(&path);
	for (i = 0; i < f->nfields; i++)
		compute_all(&st, f->order[i], anc, 0, ancestors(f->order[i], anc), r->data);
	if (!opts->draft)
		check_kids(&st, NULL, r->data);
	normalise(&st, NULL, r->data, false);

	free(r->form);
	r->form = xstrdup(f->id);
	free(r->version);
	r->version = xstrdup(f->version);
	return st.nerrors ? ERR_DATA : 0;
}

char *validate_title(const struct form *f, const struct record *r, long long now)
{
	struct error err = ERROR_INIT;
	struct expr_ctx ctx;
	struct vstate st;
	char *s;

	if (!f->instance_name)
		return NULL;
	state_init(&st, f, r, now);
	ctx = make_ctx(&st, NULL);
	s = expr_eval_string(f->instance_name, &ctx, &err);
	error_release(&err);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}
