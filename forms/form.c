/*
 * form.c - loading a form definition: the top-level keys, texts in several
 * languages, and the lookups other modules use.  Fields, choice lists and
 * the whole-form checks are in form_fields.c, form_choices.c and
 * form_check.c.
 */
#include "form_priv.h"

#include "expr.h"
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const top_keys[] = {
	"form", "version", "title", "languages", "instance_name", "level", "choices", "fields",
	"indicators",
};
#define TOP_KEYS "form, version, title, languages, instance_name, level, choices, fields, " \
	"indicators"
enum { T_FORM, T_VERSION, T_TITLE, T_LANGUAGES, T_INSTANCE_NAME, T_LEVEL, T_CHOICES, T_FIELDS,
       T_INDICATORS, T_COUNT };

static int form_verr(struct form_ctx *c, const char *file, int line, int col,
		     const char *fmt, va_list ap)
{
	struct sbuf sb = SBUF_INIT;

	if (c->nerrors < FORM_MAX_ERRORS) {
		sbuf_vaddf(&sb, fmt, ap);
		error_at(c->err, ERR_DATA, file, line, col, "%s", sbuf_str(&sb));
		sbuf_release(&sb);
	} else if (c->nerrors == FORM_MAX_ERRORS) {
		error_at(c->err, ERR_DATA, c->file, 0, 0,
			 "too many problems: only the first %d are shown", FORM_MAX_ERRORS);
	}
	c->nerrors++;
	return ERR_DATA;
}

int form_err(struct form_ctx *c, const struct record_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	form_verr(c, c->file, n ? n->line : 0, n ? n->col : 0, fmt, ap);
	va_end(ap);
	return ERR_DATA;
}

int form_err_at(struct form_ctx *c, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	form_verr(c, file, line, col, fmt, ap);
	va_end(ap);
	return ERR_DATA;
}

bool form_empty(const struct record_node *n)
{
	return n->kind == RECORD_SCALAR && !*n->value;
}

const struct record_node *form_get(const struct record_node *n, const char *key)
{
	const struct record_node *k = n->kind == RECORD_MAP ? record_node_get(n, key) : NULL;

	return k && !form_empty(k) ? k : NULL;
}

const char *form_scalar(struct form_ctx *c, const struct record_node *n, const char *what)
{
	if (n->kind == RECORD_SCALAR)
		return n->value;
	form_err(c, n, "%s must be a string, not a %s", what,
		 n->kind == RECORD_MAP ? "map" : "list");
	return NULL;
}

static void add_languages(struct sbuf *sb, const struct form *f)
{
	size_t i;

	for (i = 0; i < f->nlanguages; i++)
		sbuf_addf(sb, "%s%s", i ? ", " : "", f->languages[i]);
}

static size_t lang_index(const struct form *f, const char *lang)
{
	size_t i;

	for (i = 0; i < f->nlanguages; i++)
		if (!strcmp(f->languages[i], lang))
			return i;
	return SIZE_MAX;
}

int form_parse_text(struct form_ctx *c, const struct record_node *n, struct form_text *t,
		    const char *what)
{
	struct form *f = c->f;
	struct sbuf langs = SBUF_INIT;
	int ret = 0;
	size_t i, l;

	if (n->kind == RECORD_LIST)
		return form_err(c, n, "%s must be a string or a map of language to string", what);
	t->s = xcalloc(f->nlanguages, sizeof(*t->s));
	if (n->kind == RECORD_SCALAR) {
		t->s[0] = xstrdup(n->value);
		return 0;
	}
	add_languages(&langs, f);
	for (i = 0; i < n->nkids; i++) {
		const struct record_node *k = n->kids[i];

		l = lang_index(f, k->key);
		if (l == SIZE_MAX && k->kind == RECORD_SCALAR && !*k->value && i > 0) {
			/* {vi: Thôn, bản} reads as two keys: the text was cut at its comma. */
			ret = form_err(c, k, "%s: '%s' follows a comma inside {...}, which cut the "
				       "text before it: put a text with a comma in quotes "
				       "(vi: \"Thôn, bản\")", what, k->key);
		} else if (l == SIZE_MAX) {
			ret = form_err(c, k, "%s: language '%s' is not declared in 'languages' (%s)",
				       what, k->key, sbuf_str(&langs));
		} else if (form_empty(k)) {
			continue;
		} else if (k->kind != RECORD_SCALAR) {
			ret = form_err(c, k, "%s: the text in '%s' must be a string", what, k->key);
		} else if (t->s[l]) {
			ret = form_err(c, k, "%s: the text in '%s' is given twice", what, k->key);
		} else {
			t->s[l] = xstrdup(k->value);
		}
	}
	if (!t->s[0] && !ret)
		ret = form_err(c, n, "%s has no text in '%s', the default language", what,
			       f->languages[0]);
	sbuf_release(&langs);
	return ret;
}

int form_parse_expr(struct form_ctx *c, const struct record_node *n, struct expr **out,
		    const char *what)
{
	struct error e = ERROR_INIT;
	const char *src = form_scalar(c, n, what);
	size_t i;

	if (!src)
		return ERR_DATA;
	if (!expr_parse(src, out, &e))
		return 0;
	for (i = 0; i < e.n; i++)
		form_err_at(c, c->file, n->line, n->col + (e.items[i].col > 0 ? e.items[i].col - 1 : 0),
			    "in %s: %s", what, e.items[i].msg);
	if (!e.n)
		form_err(c, n, "in %s: not a valid expression", what);
	error_release(&e);
	*out = NULL;
	return ERR_DATA;
}

bool form_parse_bool(const char *s, bool *b)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true"))
		*b = true;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false"))
		*b = false;
	else
		return false;
	return true;
}

static bool is_alpha(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

bool form_name_valid(const char *s)
{
	if (!is_alpha(*s))
		return false;
	for (s++; *s; s++)
		if (!is_alpha(*s) && !is_digit(*s) && *s != '_')
			return false;
	return true;
}

const char *form_name(const struct form_field *fld)
{
	return fld->name ? fld->name : "(no name)";
}

size_t form_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best, *row;
	size_t ret = SIZE_MAX;

	/* Only short words are compared, so that a hostile key costs nothing. */
	if (la > 64 || lb > 64 || (la > lb ? la - lb : lb - la) > max)
		return SIZE_MAX;
	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			goto out;
	}
	if (row[lb] <= max)
		ret = row[lb];
out:
	free(row);
	return ret;
}

struct form_slot {
	const char *key;
	size_t i;
};

struct form_index {
	struct form_slot *slots;
	size_t cap, n; /* cap is 0 or a power of two */
};

static size_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

struct form_index *form_index_new(void)
{
	return xcalloc(1, sizeof(struct form_index));
}

static struct form_slot *index_find(const struct form_index *ix, const char *key)
{
	size_t h = hash_str(key) & (ix->cap - 1);

	while (ix->slots[h].key && strcmp(ix->slots[h].key, key))
		h = (h + 1) & (ix->cap - 1);
	return &ix->slots[h];
}

size_t form_index_add(struct form_index *ix, const char *key, size_t i)
{
	struct form_slot *s;

	if ((ix->n + 1) * 2 > ix->cap) {
		struct form_slot *old = ix->slots;
		size_t j, oldcap = ix->cap;

		ix->cap = oldcap ? oldcap * 2 : 16;
		ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
		for (j = 0; j < oldcap; j++)
			if (old[j].key)
				*index_find(ix, old[j].key) = old[j];
		free(old);
	}
	s = index_find(ix, key);
	if (s->key)
		return s->i;
	s->key = key;
	s->i = i;
	ix->n++;
	return i;
}

size_t form_index_get(const struct form_index *ix, const char *key)
{
	const struct form_slot *s;

	if (!ix || !ix->cap)
		return SIZE_MAX;
	s = index_find(ix, key);
	return s->key ? s->i : SIZE_MAX;
}

void form_index_free(struct form_index *ix)
{
	if (ix)
		free(ix->slots);
	free(ix);
}

int form_read_file(const char *path, size_t max, struct sbuf *out)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	struct stat st;
	size_t n;
	int ret;

	if (!fp)
		return errno;
	ret = EISDIR;
	if (fstat(fileno(fp), &st) || S_ISDIR(st.st_mode))
		goto out;
	ret = EFBIG;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (out->len + n > max)
			goto out;
		sbuf_add(out, chunk, n);
	}
	ret = ferror(fp) ? EIO : 0;
	if (!ret)
		sbuf_add(out, "", 0);
out:
	fclose(fp);
	return ret;
}

static void load_languages(struct form_ctx *c, const struct record_node *n)
{
	struct form *f = c->f;
	size_t i;

	if (n && n->kind != RECORD_LIST) {
		form_err(c, n, "'languages' must be a list of language codes, e.g. [vi, en]");
		n = NULL;
	} else if (n && !n->nkids) {
		form_err(c, n, "'languages' is empty: list at least one language, e.g. [vi, en]");
	}
	f->languages = xcalloc(n && n->nkids ? n->nkids : 1, sizeof(*f->languages));
	for (i = 0; n && i < n->nkids; i++) {
		const struct record_node *k = n->kids[i];
		const char *s = form_scalar(c, k, "a language code");
		const char *p;

		if (!s)
			continue;
		for (p = s; is_alpha(*p) || is_digit(*p) || *p == '-' || *p == '_'; p++)
			;
		if (!*s || *p || p - s > 16)
			form_err(c, k, "bad language code '%s': use a code such as vi or en", s);
		else if (lang_index(f, s) != SIZE_MAX)
			form_err(c, k, "language '%s' is listed twice", s);
		else if (f->nlanguages == FORM_MAX_LANGUAGES)
			form_err(c, k, "more than %d languages", FORM_MAX_LANGUAGES);
		else
			f->languages[f->nlanguages++] = xstrdup(s);
	}
	if (!f->nlanguages)
		f->languages[f->nlanguages++] = xstrdup("default");
}

static void load_id(struct form_ctx *c, const struct record_node *n)
{
	const char *s = form_scalar(c, n, "'form'"), *p;

	if (!s)
		return;
	for (p = s; (*p >= 'a' && *p <= 'z') || is_digit(*p) || *p == '_' || *p == '-'; p++)
		;
	if (!*s || *p)
		form_err(c, n, "bad form id '%s': use lower-case letters, digits, '_' and '-'", s);
	else
		c->f->id = xstrdup(s);
}

/*
 * The level that merges the communes: the district (huyện) until the 2025
 * reform, the province (tỉnh) where districts were abolished.
 */
static void load_level(struct form_ctx *c, const struct record_node *n)
{
	const char *s = n ? form_scalar(c, n, "'level'") : NULL;

	if (!s)
		return;
	if (!strcmp(s, "province"))
		c->f->level = FORM_LEVEL_PROVINCE;
	else if (strcmp(s, "district"))
		form_err(c, n, "unknown level '%s': the level above the communes is district "
			 "(huyện) or province (tỉnh)", s);
}

static void load_top(struct form_ctx *c, const struct record_node *root)
{
	const struct record_node *k[T_COUNT] = { NULL };
	struct form *f = c->f;
	const char *s;
	size_t i, j;

	if (!root) {
		form_err_at(c, c->file, 1, 1, "the file is empty: a form has at least the keys "
			    "form, version and fields");
		return;
	}
	if (root->kind != RECORD_MAP) {
		form_err(c, root, "a form definition is a map with the keys " TOP_KEYS);
		return;
	}
	for (i = 0; i < root->nkids; i++) {
		for (j = 0; j < T_COUNT && strcmp(root->kids[i]->key, top_keys[j]); j++)
			;
		if (j < T_COUNT)
			k[j] = form_empty(root->kids[i]) ? NULL : root->kids[i];
		else
			form_err(c, root->kids[i], "unknown key '%s' (allowed: " TOP_KEYS ")",
				 root->kids[i]->key);
	}
	if (k[T_FORM])
		load_id(c, k[T_FORM]);
	else
		form_err(c, root, "missing 'form': the form's id, e.g. form: child-census");
	if (!k[T_VERSION])
		form_err(c, root, "missing 'version', e.g. version: \"2026.1\"");
	else if ((s = form_scalar(c, k[T_VERSION], "'version'")))
		f->version = xstrdup(s);
	load_languages(c, k[T_LANGUAGES]);
	load_level(c, k[T_LEVEL]);
	if (k[T_TITLE])
		form_parse_text(c, k[T_TITLE], &f->title, "title");
	if (k[T_CHOICES])
		form_load_choices(c, k[T_CHOICES]);
	if (k[T_FIELDS])
		form_load_fields(c, k[T_FIELDS]);
	else
		form_err(c, root, "missing 'fields': the list of questions");
	if (k[T_INSTANCE_NAME]) {
		c->instance_name = k[T_INSTANCE_NAME];
		form_parse_expr(c, k[T_INSTANCE_NAME], &f->instance_name, "instance_name");
	}
	if (k[T_INDICATORS])
		form_load_indicators(c, k[T_INDICATORS]);
	form_check(c);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int load(const char *path, struct form *f, bool lazy, struct error *err)
{
	struct form_ctx c = { 0 };
	struct sbuf buf = SBUF_INIT;
	struct record_node *root = NULL;
	int ret, e;

	*f = (struct form)FORM_INIT;
	f->file = xstrdup(path);
	c.f = f;
	c.err = err;
	c.file = f->file;
	c.dir = dir_of(path);
	c.lazy = lazy;
	e = form_read_file(path, FORM_MAX_FILE_SIZE, &buf);
	if (e == EFBIG) {
		ret = error_at(err, ERR_DATA, path, 0, 0, "larger than %u MiB: not a form definition",
			       FORM_MAX_FILE_SIZE >> 20);
		goto out;
	} else if (e) {
		ret = error_at(err, e == ENOENT ? ERR_NOTFOUND : ERR_ENV, path, 0, 0,
			       "cannot %s: %s", e == EIO ? "read" : "open", strerror(e));
		goto out;
	}
	ret = record_tree_parse(sbuf_str(&buf), buf.len, path, RECORD_TREE_KEEP_EMPTY, &root, err);
	if (ret)
		goto out;
	load_top(&c, root);
	ret = c.nerrors ? ERR_DATA : 0;
out:
	record_node_free(root);
	sbuf_release(&buf);
	free(c.src);
	free(c.isrc);
	free(c.dir);
	if (ret)
		form_release(f);
	return ret;
}

int form_load(const char *path, struct form *f, struct error *err)
{
	return load(path, f, false, err);
}

int form_load_lazy(const char *path, struct form *f, struct error *err)
{
	return load(path, f, true, err);
}

static void text_release(struct form_text *t, size_t nlanguages)
{
	size_t i;

	if (!t->s)
		return;
	for (i = 0; i < nlanguages; i++)
		free(t->s[i]);
	free(t->s);
	t->s = NULL;
}

static void field_free(struct form_field *fld, size_t nl)
{
	text_release(&fld->label, nl);
	text_release(&fld->hint, nl);
	text_release(&fld->required_message, nl);
	text_release(&fld->constraint_message, nl);
	expr_free(fld->required_if);
	expr_free(fld->relevant);
	expr_free(fld->constraint);
	expr_free(fld->calculation);
	expr_free(fld->choice_filter);
	expr_free(fld->repeat_count);
	free(fld->name);
	free(fld->default_value);
	free(fld->appearance);
	free(fld->kids);
	free(fld);
}

void form_list_free(struct form_list *l, size_t nl)
{
	size_t i, j;

	if (!l)
		return;
	if (l->tsv) {
		/* A TSV list: every string is in the pool or the header, every array in cells. */
		form_list_tsv_free(l);
	} else {
		for (i = 0; i < l->n; i++) {
			free(l->items[i].value);
			text_release(&l->items[i].label, nl);
			for (j = 0; l->items[i].columns && j < l->ncolumns; j++)
				free(l->items[i].columns[j]);
			free(l->items[i].columns);
		}
		for (j = 0; j < l->ncolumns; j++)
			free(l->columns[j]);
		free(l->columns);
	}
	free(l->items);
	free(l->name);
	free(l->file);
	form_index_free(l->index);
	free(l);
}

void form_release(struct form *f)
{
	size_t i, nl = f->nlanguages;

	for (i = 0; i < f->nfields; i++)
		field_free(f->fields[i], nl);
	for (i = 0; i < f->nlists; i++)
		form_list_free(f->lists[i], nl);
	for (i = 0; i < f->nindicators; i++) {
		free(f->indicators[i].name);
		text_release(&f->indicators[i].label, nl);
		expr_free(f->indicators[i].denominator);
		expr_free(f->indicators[i].numerator);
	}
	text_release(&f->title, nl);
	for (i = 0; i < nl; i++)
		free(f->languages[i]);
	expr_free(f->instance_name);
	form_index_free(f->field_index);
	form_index_free(f->list_index);
	free(f->indicators);
	free(f->languages);
	free(f->lists);
	free(f->top);
	free(f->fields);
	free(f->order);
	free(f->file);
	free(f->id);
	free(f->version);
	*f = (struct form)FORM_INIT;
}

struct form_field *form_field(const struct form *f, const char *name)
{
	size_t i = form_index_get(f->field_index, name);

	if (i != SIZE_MAX)
		return f->fields[i];
	if (f->field_index)
		return NULL;
	for (i = 0; i < f->nfields; i++)
		if (f->fields[i]->name && !strcmp(f->fields[i]->name, name))
			return f->fields[i];
	return NULL;
}

struct form_list *form_list(const struct form *f, const char *name)
{
	size_t i = form_index_get(f->list_index, name);

	if (i != SIZE_MAX)
		return f->lists[i];
	if (f->list_index)
		return NULL;
	for (i = 0; i < f->nlists; i++)
		if (!strcmp(f->lists[i]->name, name))
			return f->lists[i];
	return NULL;
}

const struct form_choice *form_choice(const struct form_list *list, const char *value)
{
	size_t i;

	form_list_ready(list, NULL);
	i = form_index_get(list->index, value);
	if (i != SIZE_MAX)
		return &list->items[i];
	if (list->index)
		return NULL;
	for (i = 0; i < list->n; i++)
		if (!strcmp(list->items[i].value, value))
			return &list->items[i];
	return NULL;
}

size_t form_lang(const struct form *f, const char *lang)
{
	size_t i = lang ? lang_index(f, lang) : SIZE_MAX;

	return i == SIZE_MAX ? 0 : i;
}

const char *form_text(const struct form *f, const struct form_text *t, size_t lang)
{
	if (!t->s)
		return NULL;
	if (lang < f->nlanguages && t->s[lang])
		return t->s[lang];
	return t->s[0];
}

const char *form_type_name(enum form_type t)
{
	static const char *const names[] = {
		[FORM_TEXT] = "text",
		[FORM_INTEGER] = "integer",
		[FORM_DECIMAL] = "decimal",
		[FORM_DATE] = "date",
		[FORM_SELECT_ONE] = "select_one",
		[FORM_SELECT_MULTIPLE] = "select_multiple",
		[FORM_NOTE] = "note",
		[FORM_CALCULATE] = "calculate",
		[FORM_GROUP] = "group",
		[FORM_REPEAT] = "repeat",
	};

	return (unsigned)t < sizeof(names) / sizeof(*names) ? names[t] : "?";
}
