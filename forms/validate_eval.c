/*
 * validate_eval.c - the engine's messages, and the record as expressions
 * see it.
 *
 * A ${name} is resolved by walking from the innermost current repeat item
 * that encloses the field, so the cost of a reference does not grow with
 * the number of items unless the reference itself spans them (count, sum):
 * the items of the repeats the context is not inside are all taken, giving
 * a nodeset with one answer per instance ("" when unanswered).
 */
#include "validate_priv.h"

#include <stdlib.h>
#include <string.h>

/* Each message in Vietnamese (the default) and English; %s are filled in order. */
static const struct {
	const char *vi, *en;
} messages[] = {
	[VM_REQUIRED] = { "Câu hỏi này bắt buộc phải trả lời", "This answer is required" },
	[VM_CONSTRAINT] = { "Giá trị không hợp lệ", "This answer is not allowed" },
	[VM_UNKNOWN] = { "trường '%s' không có trong biểu mẫu", "unknown field '%s'" },
	[VM_GROUP] = { "là nhóm câu hỏi: các câu trả lời phải nằm bên trong nhóm",
		       "is a group: its answers go in a nested map" },
	[VM_REPEAT] = { "là phần lặp: cần một danh sách các mục",
			"is a repeat: expected a list of items" },
	[VM_ITEM] = { "mỗi mục của phần lặp phải là một nhóm câu trả lời",
		      "a repeat item must be a map of answers" },
	[VM_SCALAR] = { "cần một câu trả lời, không phải danh sách hay nhóm",
			"expected a single answer, not a list or a map" },
	[VM_NOTE] = { "là ghi chú: không nhận câu trả lời", "is a note: it takes no answer" },
	[VM_INTEGER] = { "'%s' không phải số nguyên", "'%s' is not a whole number" },
	[VM_BIG] = { "'%s' là số quá lớn", "'%s' is too large a number" },
	[VM_DECIMAL] = { "'%s' không phải số", "'%s' is not a number" },
	[VM_DATE] = { "'%s': ngày không hợp lệ (định dạng YYYY-MM-DD)",
		      "'%s' is not a valid date (YYYY-MM-DD)" },
	[VM_CHOICE] = { "'%s' không có trong danh sách", "'%s' is not one of the choices" },
	[VM_TWICE] = { "'%s' được chọn hai lần", "'%s' is chosen twice" },
	[VM_FILTER] = { "'%s' không được phép chọn ở đây", "'%s' is not a choice allowed here" },
	[VM_ID] = { "mã mục '%s' không hợp lệ (1 đến 16 chữ thường a-z hoặc số)",
		    "'%s' is not a valid item id (1 to 16 of a-z, 0-9)" },
	[VM_DUPID] = { "mã mục '%s' bị trùng trong danh sách",
		       "item id '%s' is used twice in the list" },
	[VM_COUNT] = { "có %s mục nhưng cần %s", "has %s items but %s are expected" },
	[VM_EXPR] = { "lỗi trong biểu thức %s: %s", "error in the %s expression: %s" },
};

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

/*
 * Appends "path: message" at node `at` (NULL: no position).  A node built in
 * memory, such as a calculation's answer, has none of its own: the nearest
 * enclosing map that has one stands for it.
 */
static void add_problem(struct validate_state *st, const char *path, const struct record_node *at,
			const char *text)
{
	if (at && !at->line)
		at = st->where;
	st->nerrors++;
	error_at(st->err, ERR_DATA, st->file, at ? at->line : 0, at ? at->col : 0, "%s: %s",
		 path, text);
}

void validate_report(struct validate_state *st, const char *path, const struct record_node *at,
		     enum validate_msg m, const char *a1, const char *a2)
{
	struct sbuf sb = SBUF_INIT;

	fill(&sb, st->en ? messages[m].en : messages[m].vi, a1, a2);
	add_problem(st, path, at, sbuf_str(&sb));
	sbuf_release(&sb);
}

/* The ancestors of fld from the top down to fld itself; returns how many. */
size_t validate_ancestors(const struct form_field *fld, const struct form_field **anc)
{
	const struct form_field *p;
	size_t n = 0, i;

	for (p = fld; p; p = p->parent)
		n++;
	if (n > VALIDATE_MAX_CHAIN)
		die("form nesting deeper than %d", FORM_MAX_DEPTH);
	for (p = fld, i = n; p; p = p->parent)
		anc[--i] = p;
	return n;
}

/* "children[2].school.level": fld's path inside the current repeat items. */
static void field_path(const struct validate_state *st, const struct form_field *fld,
		       struct sbuf *sb)
{
	const struct form_field *anc[VALIDATE_MAX_CHAIN];
	size_t n = validate_ancestors(fld, anc), k, j;

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

void validate_report_field(struct validate_state *st, const struct form_field *fld,
			   const struct record_node *at, enum validate_msg m, const char *a1,
			   const char *a2)
{
	struct sbuf path = SBUF_INIT;

	field_path(st, fld, &path);
	validate_report(st, sbuf_str(&path), at, m, a1, a2);
	sbuf_release(&path);
}

/* A message of the form (required_message, constraint_message) or the default. */
void validate_report_text(struct validate_state *st, const struct form_field *fld,
			  const struct record_node *at, const struct form_text *t,
			  enum validate_msg m)
{
	const char *s = form_text(st->f, t, st->lang);
	struct sbuf path = SBUF_INIT;

	if (!s) {
		validate_report_field(st, fld, at, m, NULL, NULL);
		return;
	}
	field_path(st, fld, &path);
	add_problem(st, sbuf_str(&path), at, s);
	sbuf_release(&path);
}

struct record_node *validate_kid(const struct record_node *map, const char *key, size_t *idx)
{
	const char *k;
	size_t i;

	/* Every reference scans a map: the first byte settles most comparisons. */
	for (i = 0; i < map->nkids; i++) {
		k = map->kids[i]->key;
		if (k && *k == *key && !strcmp(k, key)) {
			if (idx)
				*idx = i;
			return map->kids[i];
		}
	}
	return NULL;
}

/* Name resolution (see the top of the file). */
static void collect(const struct form_field **anc, size_t k, size_t n,
		    const struct record_node *map, bool set, struct expr_value *out,
		    bool *sealed)
{
	const struct form_field *a = anc[k];
	const struct record_node *node = map ? validate_kid(map, a->name, NULL) : NULL;
	size_t i;

	if (k == n - 1) {
		const char *v = node && node->kind == RECORD_SCALAR ? node->value : "";

		if (node && node->sealed)
			*sealed = true;

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
		collect(anc, k + 1, n, node && node->kind == RECORD_MAP ? node : NULL, set, out,
			sealed);
		return;
	}
	for (i = 0; node && node->kind == RECORD_LIST && i < node->nkids; i++) {
		const struct record_node *item = node->kids[i];

		collect(anc, k + 1, n, item->kind == RECORD_MAP ? item : NULL, set, out, sealed);
	}
}

static int lookup(void *data, const char *name, struct expr_value *out)
{
	struct validate_state *st = data;
	const struct form_field *t = form_field(st->f, name), *anc[VALIDATE_MAX_CHAIN];
	const struct record_node *map = st->data;
	struct expr_value empty = EXPR_VALUE_INIT;
	size_t n, k, start = 0, j;
	bool set, sealed = false;

	if (!t)
		return ERR_NOTFOUND;
	expr_value_release(out);
	*out = empty;
	if (t->type == FORM_GROUP)
		return 0;
	n = validate_ancestors(t, anc);
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
	collect(anc, start, n, map, set, out, &sealed);
	if (sealed) {
		st->opaque = true;
		return VALIDATE_SEALED;
	}
	return 0;
}

/* In a choice_filter: `value` is the choice's value, other names its columns. */
static int column(void *data, const char *name, struct expr_value *out)
{
	struct validate_state *st = data;
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
	struct validate_state *st = data;
	const struct form_field *fld = form_field(st->f, field);
	const struct form_choice *ch;

	if (!fld || !fld->list || !(ch = form_choice(fld->list, value)))
		return NULL;
	return form_text(st->f, &ch->label, st->lang);
}

struct expr_ctx validate_ctx(struct validate_state *st, const char *current)
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
int validate_eval(struct validate_state *st, const struct form_field *fld, const char *what,
		  const struct expr *e, const char *current, const struct record_node *at,
		  struct expr_value *out)
{
	struct expr_ctx ctx = validate_ctx(st, current);
	struct error e2 = ERROR_INIT;
	int ret;

	st->opaque = false;
	ret = expr_eval(e, &ctx, out, &e2);
	if (ret < 0 && st->opaque)
		ret = VALIDATE_SEALED;
	else if (ret < 0 && !st->quiet)
		validate_report_field(st, fld, at, VM_EXPR, what, e2.n ? e2.items[0].msg : "?");
	error_release(&e2);
	return ret;
}

/* *b = the truth of e; returns < 0 (reported) when it could not be evaluated. */
int validate_eval_bool(struct validate_state *st, const struct form_field *fld, const char *what,
		       const struct expr *e, const char *current, const struct record_node *at,
		       bool *b)
{
	struct expr_value v = EXPR_VALUE_INIT;
	int ret = validate_eval(st, fld, what, e, current, at, &v);

	if (!ret)
		*b = expr_to_bool(&v);
	expr_value_release(&v);
	return ret;
}

void validate_push(struct validate_state *st, const struct form_field *repeat,
		   const struct record_node *item, size_t index)
{
	if (st->nframes == VALIDATE_MAX_CHAIN)
		die("form nesting deeper than %d", FORM_MAX_DEPTH);
	st->frames[st->nframes++] = (struct validate_frame){ repeat, item, index };
}

void validate_pop(struct validate_state *st)
{
	st->nframes--;
}
