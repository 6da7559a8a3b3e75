/*
 * form_fields.c - the `fields` of a form: names, types, the keys each type
 * accepts, texts, expressions and literal defaults, groups and repeats.
 */
#include "form_priv.h"

#include "expr.h"
#include "record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
	K_NAME, K_TYPE, K_LABEL, K_HINT, K_REQUIRED, K_REQUIRED_MESSAGE, K_RELEVANT,
	K_CONSTRAINT, K_CONSTRAINT_MESSAGE, K_CALCULATION, K_DEFAULT, K_READ_ONLY,
	K_CHOICE_FILTER, K_REPEAT_COUNT, K_APPEARANCE, K_SENSITIVE, K_FIELDS, K_COUNT
};

static const char *const field_keys[K_COUNT] = {
	"name", "type", "label", "hint", "required", "required_message", "relevant",
	"constraint", "constraint_message", "calculation", "default", "read_only",
	"choice_filter", "repeat_count", "appearance", "sensitive", "fields",
};
#define FIELD_KEYS "name, type, label, hint, required, required_message, relevant, " \
	"constraint, constraint_message, calculation, default, read_only, choice_filter, " \
	"repeat_count, appearance, sensitive, fields"
#define TYPES "text, integer, decimal, date, select_one LIST, select_multiple LIST, note, " \
	"calculate, group, repeat"

#define BIT(k) (1u << (k))
#define SHOWN (BIT(K_NAME) | BIT(K_TYPE) | BIT(K_LABEL) | BIT(K_HINT) | BIT(K_RELEVANT) | \
	       BIT(K_APPEARANCE))
#define ANSWERED (SHOWN | BIT(K_REQUIRED) | BIT(K_REQUIRED_MESSAGE) | BIT(K_CONSTRAINT) | \
		  BIT(K_CONSTRAINT_MESSAGE) | BIT(K_CALCULATION) | BIT(K_DEFAULT) | \
		  BIT(K_READ_ONLY) | BIT(K_SENSITIVE))

/* The keys that mean something for each type. */
static const unsigned type_keys[] = {
	[FORM_TEXT] = ANSWERED,
	[FORM_INTEGER] = ANSWERED,
	[FORM_DECIMAL] = ANSWERED,
	[FORM_DATE] = ANSWERED,
	[FORM_SELECT_ONE] = ANSWERED | BIT(K_CHOICE_FILTER),
	[FORM_SELECT_MULTIPLE] = ANSWERED | BIT(K_CHOICE_FILTER),
	[FORM_NOTE] = SHOWN,
	[FORM_CALCULATE] = BIT(K_NAME) | BIT(K_TYPE) | BIT(K_LABEL) | BIT(K_RELEVANT) |
			   BIT(K_CALCULATION) | BIT(K_CONSTRAINT) | BIT(K_CONSTRAINT_MESSAGE) |
			   BIT(K_SENSITIVE),
	[FORM_GROUP] = SHOWN | BIT(K_FIELDS),
	/* A required repeat needs at least one item. */
	[FORM_REPEAT] = SHOWN | BIT(K_FIELDS) | BIT(K_REPEAT_COUNT) | BIT(K_REQUIRED) |
			BIT(K_REQUIRED_MESSAGE),
};

static void load_list(struct form_ctx *c, const struct record_node *n,
		      struct form_field *parent, int depth,
		      struct form_field ***kids, size_t *nkids);

/* "label of 'age'", in sb. */
static const char *what(struct sbuf *sb, const char *key, const struct form_field *fld)
{
	sbuf_reset(sb);
	sbuf_addf(sb, "%s of '%s'", key, form_name(fld));
	return sbuf_str(sb);
}

static bool is_select(enum form_type t)
{
	return t == FORM_SELECT_ONE || t == FORM_SELECT_MULTIPLE;
}

static void unknown_type(struct form_ctx *c, const struct record_node *n, const char *word)
{
	size_t best = SIZE_MAX, d;
	int t, hint = -1;

	for (t = FORM_TEXT; t <= FORM_REPEAT; t++) {
		d = form_distance(word, form_type_name((enum form_type)t), 2);
		if (d < best) {
			best = d;
			hint = t;
		}
	}
	if (hint >= 0)
		form_err(c, n, "unknown type '%s' (did you mean '%s'?)", n->value,
			 form_type_name((enum form_type)hint));
	else
		form_err(c, n, "unknown type '%s' (types: " TYPES ")", n->value);
}

/* Sets fld->type (and list); false when the type is not known. */
static bool parse_type(struct form_ctx *c, const struct record_node *n, struct form_field *fld)
{
	const char *s = form_scalar(c, n, "'type'"), *list, *rest;
	size_t wlen, llen;
	char *word;
	int t;
	bool ok = false;

	if (!s)
		return false;
	s += strspn(s, " \t");
	wlen = strcspn(s, " \t");
	list = s + wlen + strspn(s + wlen, " \t");
	llen = strcspn(list, " \t");
	rest = list + llen + strspn(list + llen, " \t");
	word = xstrndup(s, wlen);
	for (t = FORM_TEXT; t <= FORM_REPEAT && strcmp(word, form_type_name((enum form_type)t)); t++)
		;
	if (t > FORM_REPEAT) {
		unknown_type(c, n, word);
		goto out;
	}
	if (!is_select((enum form_type)t) && *list) {
		form_err(c, n, "type '%s': only select_one and select_multiple take a list name",
			 n->value);
		goto out;
	}
	fld->type = (enum form_type)t;
	ok = true;
	if (!is_select(fld->type))
		goto out;
	if (!*list || *rest) {
		form_err(c, n, "type '%s' needs one choice list: %s LIST", n->value, word);
		goto out;
	}
	list = xstrndup(list, llen);
	fld->list = form_list(c->f, list);
	if (!fld->list)
		form_err(c, n, "no choice list '%s' for %s field '%s' (define it under 'choices')",
			 list, word, form_name(fld));
	free((char *)list);
out:
	free(word);
	return ok;
}

static void parse_name(struct form_ctx *c, const struct record_node *n, struct form_field *fld)
{
	const char *s = form_scalar(c, n, "'name'");
	size_t first;

	if (!s)
		return;
	fld->name = xstrdup(s);
	c->src[fld->index].name = n;
	if (*s == '_') {
		form_err(c, n, "name '%s' is reserved: names starting with '_' belong to the program",
			 s);
	} else if (!form_name_valid(s)) {
		form_err(c, n, "bad name '%s': start with a letter, then letters, digits or '_'", s);
	} else if (strlen(s) > RECORD_MAX_KEY) {
		/* A record's keys are the names: no record could hold this answer. */
		form_err(c, n, "name '%.20s...' is longer than %d characters", s, RECORD_MAX_KEY);
	} else {
		first = form_index_add(c->f->field_index, fld->name, fld->index);
		if (first != fld->index)
			form_err(c, n, "duplicate name '%s' (first defined at line %d)", s,
				 c->src[first].name->line);
	}
}

static bool is_integer(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	return strspn(s, "0123456789") == strlen(s);
}

static bool is_decimal(const char *s)
{
	char *end;
	double d;

	if (!*s || strspn(s, "+-.0123456789eE") != strlen(s))
		return false;
	d = strtod(s, &end);
	return !*end && isfinite(d);
}

/* Every space-separated value of s is in list (or s is one value, when one). */
static const char *missing_value(const struct form_list *list, const char *s, bool one,
				 struct sbuf *sb)
{
	size_t len;

	for (s += strspn(s, " "); *s; s += len, s += strspn(s, " ")) {
		len = strcspn(s, one ? "" : " ");
		sbuf_reset(sb);
		sbuf_add(sb, s, len);
		if (!form_choice(list, sbuf_str(sb)))
			return sbuf_str(sb);
	}
	return NULL;
}

static void parse_default(struct form_ctx *c, const struct record_node *n,
			  struct form_field *fld)
{
	struct sbuf sb = SBUF_INIT;
	const char *s = form_scalar(c, n, "'default'"), *bad;
	long long days;

	if (!s)
		return;
	fld->default_value = xstrdup(s);
	if (fld->type == FORM_INTEGER && !is_integer(s))
		form_err(c, n, "default '%s' of '%s' is not an integer", s, form_name(fld));
	else if (fld->type == FORM_DECIMAL && !is_decimal(s))
		form_err(c, n, "default '%s' of '%s' is not a number", s, form_name(fld));
	else if (fld->type == FORM_DATE && !expr_parse_date(s, &days))
		form_err(c, n, "default '%s' of '%s' is not a date (YYYY-MM-DD)", s, form_name(fld));
	else if (is_select(fld->type) && fld->list &&
		 (bad = missing_value(fld->list, s, fld->type == FORM_SELECT_ONE, &sb)))
		form_err(c, n, "default '%s' of '%s' is not a value of list '%s'", bad,
			 form_name(fld), fld->list->name);
	sbuf_release(&sb);
}

static void parse_flag(struct form_ctx *c, const struct record_node *n, bool *b,
		       const char *key)
{
	const char *s = form_scalar(c, n, key);

	if (s && !form_parse_bool(s, b))
		form_err(c, n, "'%s' must be yes or no, not '%s'", key, s);
}

static void parse_required(struct form_ctx *c, const struct record_node *n,
			   struct form_field *fld, struct sbuf *sb)
{
	if (n->kind == RECORD_SCALAR && form_parse_bool(n->value, &fld->required))
		return;
	c->src[fld->index].expr[FX_REQUIRED] = n;
	form_parse_expr(c, n, &fld->required_if, what(sb, "required", fld));
}

static void parse_exprs(struct form_ctx *c, const struct record_node **k,
			struct form_field *fld, struct sbuf *sb)
{
	static const struct {
		int key, fx;
	} exprs[] = {
		{ K_RELEVANT, FX_RELEVANT },
		{ K_CONSTRAINT, FX_CONSTRAINT },
		{ K_CALCULATION, FX_CALCULATION },
		{ K_CHOICE_FILTER, FX_CHOICE_FILTER },
		{ K_REPEAT_COUNT, FX_REPEAT_COUNT },
	};
	struct expr **out[] = {
		[FX_RELEVANT] = &fld->relevant,
		[FX_CONSTRAINT] = &fld->constraint,
		[FX_CALCULATION] = &fld->calculation,
		[FX_CHOICE_FILTER] = &fld->choice_filter,
		[FX_REPEAT_COUNT] = &fld->repeat_count,
	};
	size_t i;

	for (i = 0; i < sizeof(exprs) / sizeof(*exprs); i++) {
		const struct record_node *n = k[exprs[i].key];

		if (!n)
			continue;
		c->src[fld->index].expr[exprs[i].fx] = n;
		form_parse_expr(c, n, out[exprs[i].fx], what(sb, field_keys[exprs[i].key], fld));
	}
}

/* Checks the keys against the type: false when the type is unknown. */
static bool check_keys(struct form_ctx *c, const struct record_node *n,
		       const struct record_node **k, struct form_field *fld)
{
	bool type_ok = false;
	int j;

	if (k[K_TYPE])
		type_ok = parse_type(c, k[K_TYPE], fld);
	else
		form_err(c, n, "field '%s' has no type", form_name(fld));
	if (!type_ok) {
		/* Still read the contents, so that their own problems are found. */
		fld->type = k[K_FIELDS] ? FORM_GROUP : FORM_TEXT;
		return false;
	}
	for (j = 0; j < K_COUNT; j++) {
		if (k[j] && !(type_keys[fld->type] & BIT(j))) {
			form_err(c, k[j], "'%s' does not apply to field '%s' of type %s",
				 field_keys[j], form_name(fld), form_type_name(fld->type));
			k[j] = NULL;
		}
	}
	if (fld->type == FORM_CALCULATE && !k[K_CALCULATION])
		form_err(c, n, "calculate field '%s' needs a calculation", form_name(fld));
	if (!k[K_LABEL] && fld->type != FORM_CALCULATE && fld->type != FORM_GROUP)
		form_err(c, n, "field '%s' has no label", form_name(fld));
	return true;
}

static struct form_field *new_field(struct form_ctx *c, const struct record_node *n,
				    struct form_field *parent)
{
	struct form *f = c->f;
	struct form_field *fld = xcalloc(1, sizeof(*fld));

	fld->line = n->line;
	fld->col = n->col;
	fld->parent = parent;
	if (parent)
		fld->repeat = parent->type == FORM_REPEAT ? parent : parent->repeat;
	fld->index = f->nfields;
	ALLOC_GROW(f->fields, f->nfields + 1, c->fields_alloc);
	f->fields[f->nfields++] = fld;
	ALLOC_GROW(c->src, f->nfields, c->src_alloc);
	memset(&c->src[fld->index], 0, sizeof(c->src[fld->index]));
	return fld;
}

static struct form_field *load_field(struct form_ctx *c, const struct record_node *n,
				     struct form_field *parent, int depth)
{
	const struct record_node *k[K_COUNT] = { NULL };
	struct sbuf sb = SBUF_INIT;
	struct form_field *fld;
	bool type_ok;
	size_t i;
	int j;

	if (n->kind != RECORD_MAP) {
		form_err(c, n, "a field must be a map of keys (name, type, label, ...)");
		return NULL;
	}
	if (c->f->nfields >= FORM_MAX_FIELDS) {
		if (!c->too_many_fields)
			form_err(c, n, "more than %d fields", FORM_MAX_FIELDS);
		c->too_many_fields = true;
		return NULL;
	}
	fld = new_field(c, n, parent);
	if (form_get(n, "name"))
		parse_name(c, form_get(n, "name"), fld);
	else
		form_err(c, n, "a field needs a name");
	for (i = 0; i < n->nkids; i++) {
		for (j = 0; j < K_COUNT && strcmp(n->kids[i]->key, field_keys[j]); j++)
			;
		if (j < K_COUNT)
			k[j] = form_empty(n->kids[i]) ? NULL : n->kids[i];
		else
			form_err(c, n->kids[i], "unknown key '%s' in field '%s' (allowed: " FIELD_KEYS ")",
				 n->kids[i]->key, form_name(fld));
	}
	type_ok = check_keys(c, n, k, fld);
	if (k[K_LABEL])
		form_parse_text(c, k[K_LABEL], &fld->label, what(&sb, "label", fld));
	if (k[K_HINT])
		form_parse_text(c, k[K_HINT], &fld->hint, what(&sb, "hint", fld));
	if (k[K_REQUIRED_MESSAGE])
		form_parse_text(c, k[K_REQUIRED_MESSAGE], &fld->required_message,
				what(&sb, "required_message", fld));
	if (k[K_CONSTRAINT_MESSAGE])
		form_parse_text(c, k[K_CONSTRAINT_MESSAGE], &fld->constraint_message,
				what(&sb, "constraint_message", fld));
	if (k[K_REQUIRED])
		parse_required(c, k[K_REQUIRED], fld, &sb);
	if (k[K_READ_ONLY])
		parse_flag(c, k[K_READ_ONLY], &fld->read_only, "read_only");
	if (k[K_SENSITIVE])
		parse_flag(c, k[K_SENSITIVE], &fld->sensitive, "sensitive");
	parse_exprs(c, k, fld, &sb);
	if (k[K_DEFAULT])
		parse_default(c, k[K_DEFAULT], fld);
	if (k[K_APPEARANCE] && form_scalar(c, k[K_APPEARANCE], "'appearance'"))
		fld->appearance = xstrdup(k[K_APPEARANCE]->value);
	if (type_ok && (fld->type == FORM_GROUP || fld->type == FORM_REPEAT) && !k[K_FIELDS])
		form_err(c, n, "%s '%s' needs 'fields': a list of at least one field",
			 form_type_name(fld->type), form_name(fld));
	else if (k[K_FIELDS] && depth >= FORM_MAX_DEPTH)
		form_err(c, k[K_FIELDS], "groups and repeats nested deeper than %d levels",
			 FORM_MAX_DEPTH);
	else if (k[K_FIELDS])
		load_list(c, k[K_FIELDS], fld, depth + 1, &fld->kids, &fld->nkids);
	sbuf_release(&sb);
	return fld;
}

static void load_list(struct form_ctx *c, const struct record_node *n,
		      struct form_field *parent, int depth,
		      struct form_field ***kids, size_t *nkids)
{
	struct sbuf sb = SBUF_INIT;
	struct form_field *fld;
	size_t i;

	if (parent)
		what(&sb, "'fields'", parent);
	else
		sbuf_adds(&sb, "'fields'");
	if (n->kind != RECORD_LIST) {
		form_err(c, n, "%s must be a list of fields", sbuf_str(&sb));
	} else if (!n->nkids) {
		form_err(c, n, "%s is empty: list at least one field", sbuf_str(&sb));
	} else {
		*kids = xcalloc(n->nkids, sizeof(**kids));
		for (i = 0; i < n->nkids; i++)
			if ((fld = load_field(c, n->kids[i], parent, depth)))
				(*kids)[(*nkids)++] = fld;
	}
	sbuf_release(&sb);
}

void form_load_fields(struct form_ctx *c, const struct record_node *fields)
{
	c->f->field_index = form_index_new();
	load_list(c, fields, NULL, 0, &c->f->top, &c->f->ntop);
}
