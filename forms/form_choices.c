/*
 * form_choices.c - choice lists: inline `{value, label, COLUMN...}` items,
 * or a TSV file next to the form (the admin units: 10,047 communes), each
 * with a hash index so that form_choice() costs the same for any size.
 */
#include "form_priv.h"

#include "record.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static const char value_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "0123456789_.-";

static bool value_valid(const char *s)
{
	return *s && strspn(s, value_chars) == strlen(s);
}

/* A letter, then what a value may hold. */
static bool list_name_valid(const char *s)
{
	return ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')) && value_valid(s);
}

/* False (after one message) once the lists hold FORM_MAX_CHOICES items. */
static bool room_for_choice(struct form_ctx *c, const char *file, int line, int col)
{
	if (c->nchoices < FORM_MAX_CHOICES)
		return true;
	if (!c->too_many_choices)
		form_err_at(c, file, line, col, "more than %d choices in all lists",
			    FORM_MAX_CHOICES);
	c->too_many_choices = true;
	return false;
}

static const struct record_node *get(const struct record_node *map, const char *key)
{
	return map->kind == RECORD_MAP ? record_node_get(map, key) : NULL;
}

/* The extra keys of the items, in the order they first appear. */
static void inline_columns(struct form_ctx *c, const struct record_node *n, struct form_list *l)
{
	size_t i, j, k;

	l->columns = xcalloc(FORM_MAX_COLUMNS, sizeof(*l->columns));
	for (i = 0; i < n->nkids; i++) {
		const struct record_node *item = n->kids[i];

		for (j = 0; item->kind == RECORD_MAP && j < item->nkids; j++) {
			const struct record_node *kid = item->kids[j];

			if (!strcmp(kid->key, "value") || !strcmp(kid->key, "label"))
				continue;
			for (k = 0; k < l->ncolumns && strcmp(l->columns[k], kid->key); k++)
				;
			if (k < l->ncolumns)
				continue;
			if (!form_name_valid(kid->key))
				form_err(c, kid, "bad column name '%s' in list '%s': start with a "
					 "letter, then letters, digits or '_'", kid->key, l->name);
			else if (l->ncolumns == FORM_MAX_COLUMNS)
				form_err(c, kid, "more than %d columns in list '%s'",
					 FORM_MAX_COLUMNS, l->name);
			else
				l->columns[l->ncolumns++] = xstrdup(kid->key);
		}
	}
}

static void inline_item(struct form_ctx *c, const struct record_node *item,
			struct form_list *l, const struct record_node **vnodes)
{
	const struct record_node *v = form_get(item, "value"), *label = form_get(item, "label");
	struct form_choice *ch = &l->items[l->n];
	struct sbuf sb = SBUF_INIT;
	const char *s;
	size_t first, j;

	if (item->kind != RECORD_MAP) {
		form_err(c, item, "a choice must be a map with a value and a label");
		return;
	}
	if (!v) {
		form_err(c, item, "choice in list '%s' has no value", l->name);
		return;
	}
	if (!(s = form_scalar(c, v, "a choice value")))
		return;
	if (!value_valid(s))
		form_err(c, v, "bad value '%s' in list '%s': use letters, digits, '_', '.' or '-' "
			 "(no spaces)", s, l->name);
	ch->value = xstrdup(s);
	first = form_index_add(l->index, ch->value, l->n);
	if (first != l->n) {
		form_err(c, v, "duplicate value '%s' in list '%s' (first at line %d)", s, l->name,
			 vnodes[first]->line);
		free(ch->value);
		ch->value = NULL;
		return;
	}
	vnodes[l->n] = v;
	sbuf_addf(&sb, "label of choice '%s' in list '%s'", s, l->name);
	if (label)
		form_parse_text(c, label, &ch->label, sbuf_str(&sb));
	else
		form_err(c, item, "choice '%s' in list '%s' has no label", s, l->name);
	ch->columns = xcalloc(l->ncolumns ? l->ncolumns : 1, sizeof(*ch->columns));
	for (j = 0; j < l->ncolumns; j++) {
		const struct record_node *col = get(item, l->columns[j]);

		sbuf_reset(&sb);
		sbuf_addf(&sb, "column '%s'", l->columns[j]);
		s = col ? form_scalar(c, col, sbuf_str(&sb)) : NULL;
		ch->columns[j] = xstrdup(s ? s : "");
	}
	l->n++;
	c->nchoices++;
	sbuf_release(&sb);
}

static void load_inline(struct form_ctx *c, const struct record_node *n, struct form_list *l)
{
	const struct record_node **vnodes;
	size_t i;

	if (!n->nkids) {
		form_err(c, n, "choice list '%s' is empty", l->name);
		return;
	}
	inline_columns(c, n, l);
	l->items = xcalloc(n->nkids, sizeof(*l->items));
	vnodes = xcalloc(n->nkids, sizeof(*vnodes));
	for (i = 0; i < n->nkids; i++) {
		if (!room_for_choice(c, c->file, n->kids[i]->line, n->kids[i]->col))
			break;
		inline_item(c, n->kids[i], l, vnodes);
	}
	free(vnodes);
}

/*
 * A TSV list: form_load() reads its header (the columns, checked against
 * `value` and `label`) and, unless lazy, its rows; a lazy load leaves the
 * rows until something asks for a choice (form_list_ready()).
 */
struct form_list_tsv {
	char *path;        /* the file as opened, for messages */
	char *header;      /* the header line; l->columns point into it */
	size_t value;      /* column of the values */
	size_t *label;     /* label[lang]: its column, or SIZE_MAX */
	size_t nlanguages;
	int state;         /* 0: rows not read; 1: read; ERR_*: cannot be used */
	struct error err;  /* why it cannot be used */
};

static size_t tsv_column(struct form_ctx *c, struct form_list *l, const struct record_node *n)
{
	struct sbuf cols = SBUF_INIT;
	const char *s = form_scalar(c, n, "a column name");
	size_t i;

	if (!s)
		return SIZE_MAX;
	for (i = 0; i < l->ncolumns; i++)
		if (!strcmp(l->columns[i], s))
			return i;
	for (i = 0; i < l->ncolumns; i++)
		sbuf_addf(&cols, "%s%s", i ? ", " : "", l->columns[i]);
	form_err(c, n, "column '%s' is not in the header of '%s' (columns: %s)", s, l->file,
		 sbuf_str(&cols));
	sbuf_release(&cols);
	return SIZE_MAX;
}

/* Finds the value and label columns; false when one is missing. */
static bool tsv_columns(struct form_ctx *c, struct form_list *l, const struct record_node *value,
			const struct record_node *label)
{
	struct form_list_tsv *t = l->tsv;
	struct form *f = c->f;
	bool ok;
	size_t i, k;

	t->value = tsv_column(c, l, value);
	ok = t->value != SIZE_MAX;
	for (k = 0; k < f->nlanguages; k++)
		t->label[k] = SIZE_MAX;
	if (label->kind == RECORD_SCALAR) {
		t->label[0] = tsv_column(c, l, label);
		return ok && t->label[0] != SIZE_MAX;
	}
	if (label->kind == RECORD_LIST) {
		form_err(c, label, "'label' must be a column or a map of language to column");
		return false;
	}
	for (i = 0; i < label->nkids; i++) {
		const struct record_node *kid = label->kids[i];

		for (k = 0; k < f->nlanguages && strcmp(f->languages[k], kid->key); k++)
			;
		if (k == f->nlanguages) {
			form_err(c, kid, "language '%s' is not declared in 'languages'", kid->key);
			ok = false;
		} else if ((t->label[k] = tsv_column(c, l, kid)) == SIZE_MAX) {
			ok = false;
		}
	}
	if (ok && t->label[0] == SIZE_MAX) {
		form_err(c, label, "'label' has no column for '%s', the default language",
			 f->languages[0]);
		ok = false;
	}
	return ok;
}

/* Splits line at tabs into cells[ncol]; false when it has another number of fields. */
static bool tsv_split(char *line, char **cells, size_t ncol, size_t *nfields)
{
	size_t n = 1;
	char *p;

	for (p = line; *p; p++)
		n += *p == '\t';
	*nfields = n;
	if (n != ncol)
		return false;
	for (n = 0, p = line; n < ncol; n++) {
		cells[n] = p;
		p += strcspn(p, "\t");
		if (*p)
			*p++ = '\0';
	}
	return true;
}

/* Cuts the next line off *p (NUL-terminated, without CR LF); NULL at the end. */
static char *next_line(char **p)
{
	char *line = *p, *end;

	if (!*line)
		return NULL;
	end = line + strcspn(line, "\n");
	*p = *end ? end + 1 : end;
	*end = '\0';
	if (end > line && end[-1] == '\r')
		end[-1] = '\0';
	return line;
}

static void tsv_row(struct form_ctx *c, struct form_list *l, char **cells, int line,
		    size_t *cells_alloc, size_t *items_alloc)
{
	struct form_list_tsv *t = l->tsv;
	size_t stride = l->ncolumns + t->nlanguages, j;
	char **row;

	if (!value_valid(cells[t->value])) {
		form_err_at(c, t->path, line, 1, "bad value '%s' in column '%s': use letters, "
			    "digits, '_', '.' or '-' (no spaces)", cells[t->value],
			    l->columns[t->value]);
		return;
	}
	if (form_index_get(l->index, cells[t->value]) != SIZE_MAX)
		return;
	if (!*cells[t->label[0]]) {
		form_err_at(c, t->path, line, 1, "no label in column '%s' for value '%s'",
			    l->columns[t->label[0]], cells[t->value]);
		return;
	}
	ALLOC_GROW(l->cells, (l->n + 1) * stride, *cells_alloc);
	ALLOC_GROW(l->items, l->n + 1, *items_alloc);
	row = l->cells + l->n * stride;
	for (j = 0; j < l->ncolumns; j++)
		row[j] = cells[j];
	for (j = 0; j < t->nlanguages; j++)
		row[l->ncolumns + j] = t->label[j] != SIZE_MAX && *cells[t->label[j]] ?
				       cells[t->label[j]] : NULL;
	memset(&l->items[l->n], 0, sizeof(l->items[l->n]));
	l->items[l->n].value = cells[t->value];
	form_index_add(l->index, cells[t->value], l->n);
	l->n++;
	c->nchoices++;
}

static void tsv_rows(struct form_ctx *c, struct form_list *l, char *p)
{
	size_t ncol = l->ncolumns, stride = ncol + l->tsv->nlanguages, cells_alloc = 0;
	size_t items_alloc = 0, i, n;
	char **cells = xcalloc(ncol, sizeof(*cells));
	char *line;
	int lineno;

	for (lineno = 2; (line = next_line(&p)); lineno++) {
		if (!*line)
			continue;
		if (!tsv_split(line, cells, ncol, &n)) {
			form_err_at(c, l->tsv->path, lineno, 1, "%zu fields, the header has %zu", n,
				    ncol);
			continue;
		}
		if (!room_for_choice(c, l->tsv->path, lineno, 1))
			break;
		tsv_row(c, l, cells, lineno, &cells_alloc, &items_alloc);
	}
	/* Only now that the arrays stopped moving can the items point into them. */
	for (i = 0; i < l->n; i++) {
		l->items[i].columns = l->cells + i * stride;
		l->items[i].label.s = l->cells + i * stride + ncol;
	}
	free(cells);
}

/* The line of the first byte of buf[0..len) that is not valid UTF-8. */
static int bad_utf8_line(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	int line = 1;

	for (; p < end; p = nl + 1, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (!text_valid(p, (size_t)(nl - p)))
			break;
	}
	return line;
}

/*
 * Reads file (NUL-terminated, NFC) into *out, a new string (caller frees);
 * *body points past the BOM, if any.  Header only: the first line alone.
 */
static bool tsv_text(struct form_ctx *c, const struct record_node *where, struct form_list *l,
		     bool header_only, char **out, char **body)
{
	const char *path = l->tsv->path;
	struct sbuf buf = SBUF_INIT;
	bool ok = false;
	int e;

	*out = NULL;
	e = form_read_file(path, FORM_MAX_FILE_SIZE, &buf);
	if (e) {
		if (where)
			form_err(c, where, "cannot read choice file '%s': %s", l->file, strerror(e));
		else
			form_err_at(c, path, 0, 0, "cannot read choice file '%s': %s", l->file,
				    strerror(e));
		goto out;
	}
	if (header_only) {
		buf.len = strcspn(buf.buf, "\n");
		buf.buf[buf.len] = '\0';
	}
	if (!text_valid(buf.buf, buf.len) || !(*out = text_nfc(buf.buf))) {
		form_err_at(c, path, bad_utf8_line(buf.buf, buf.len), 1, "not valid UTF-8");
		goto out;
	}
	*body = *out + (strncmp(*out, "\xEF\xBB\xBF", 3) ? 0 : 3);
	ok = true;
out:
	sbuf_release(&buf);
	return ok;
}

/* Reads the header of l's file into l->columns, and the value and label columns. */
static bool read_header(struct form_ctx *c, const struct record_node *file,
			const struct record_node *value, const struct record_node *label,
			struct form_list *l)
{
	struct form_list_tsv *t = l->tsv;
	char *p, *header;
	size_t ncol;

	if (!tsv_text(c, file, l, true, &t->header, &p))
		return false;
	header = next_line(&p);
	if (!header || !*header) {
		form_err_at(c, t->path, 1, 1, "no header line: the first line names the columns");
		return false;
	}
	tsv_split(header, NULL, 0, &ncol);
	if (ncol > FORM_MAX_COLUMNS) {
		form_err_at(c, t->path, 1, 1, "more than %d columns", FORM_MAX_COLUMNS);
		return false;
	}
	l->columns = xcalloc(ncol, sizeof(*l->columns));
	tsv_split(header, l->columns, ncol, &l->ncolumns);
	return tsv_columns(c, l, value, label);
}

/* Reads the rows of l's file; the header must still be the one read_header() saw. */
static void read_rows(struct form_ctx *c, struct form_list *l)
{
	char **cells = xcalloc(l->ncolumns, sizeof(*cells));
	char *p, *header;
	size_t ncol, i = 0;

	if (!tsv_text(c, NULL, l, false, &l->pool, &p))
		goto out;
	header = next_line(&p);
	if (header && tsv_split(header, cells, l->ncolumns, &ncol))
		for (; i < ncol && !strcmp(cells[i], l->columns[i]); i++)
			;
	if (!header || i < l->ncolumns) {
		form_err_at(c, l->tsv->path, 1, 1, "the header changed while the form was in use: "
			    "run the command again");
		goto out;
	}
	tsv_rows(c, l, p);
out:
	free(cells);
}

int form_list_ready(const struct form_list *list, struct error *err)
{
	/* Lists are never const objects (form_load() allocates them): filling one is safe. */
	struct form_list *l = (struct form_list *)list;
	struct form_list_tsv *t = l->tsv;
	struct form_ctx c = { 0 };
	size_t i;

	if (!t || t->state == 1)
		return 0;
	if (!t->state) {
		c.err = &t->err;
		c.file = t->path;
		read_rows(&c, l);
		if (!c.nerrors && !l->n)
			form_err_at(&c, t->path, 1, 1, "choice list '%s' is empty: '%s' has no rows",
				    l->name, l->file);
		t->state = c.nerrors ? ERR_DATA : 1;
		if (c.nerrors) {
			/* A list that cannot be read has no choices, not some of them. */
			free(l->pool);
			free(l->cells);
			free(l->items);
			l->pool = NULL;
			l->cells = NULL;
			l->items = NULL;
			l->n = 0;
			form_index_free(l->index);
			l->index = form_index_new();
		}
	}
	for (i = 0; t->state != 1 && i < t->err.n; i++) {
		const struct error_item *it = &t->err.items[i];

		error_at(err, t->state, it->file, it->line, it->col, "%s", it->msg);
	}
	return t->state == 1 ? 0 : t->state;
}

int form_lists_ready(const struct form *f, struct error *err)
{
	int ret = 0, rc;
	size_t i;

	for (i = 0; i < f->nlists; i++)
		if ((rc = form_list_ready(f->lists[i], err)) && !ret)
			ret = rc;
	return ret;
}

void form_list_tsv_free(struct form_list *l)
{
	struct form_list_tsv *t = l->tsv;

	free(l->pool);
	free(l->cells);
	free(l->columns);
	free(t->path);
	free(t->header);
	free(t->label);
	error_release(&t->err);
	free(t);
}

static void read_tsv(struct form_ctx *c, const struct record_node *file,
		     const struct record_node *value, const struct record_node *label,
		     struct form_list *l)
{
	struct form_list_tsv *t = xcalloc(1, sizeof(*t));

	l->tsv = t;
	t->path = c->dir ? xasprintf("%s/%s", c->dir, l->file) : xstrdup(l->file);
	t->nlanguages = c->f->nlanguages;
	t->label = xcalloc(t->nlanguages, sizeof(*t->label));
	t->state = ERR_DATA;
	if (!read_header(c, file, value, label, l))
		return;
	t->state = 0;
	if (c->lazy)
		return;
	read_rows(c, l);
	t->state = 1;
	if (!l->n)
		form_err(c, file, "choice list '%s' is empty: '%s' has no rows", l->name, l->file);
}

static void load_file(struct form_ctx *c, const struct record_node *n, struct form_list *l)
{
	const struct record_node *file = NULL, *value = NULL, *label = NULL;
	const char *s;
	size_t i;

	for (i = 0; i < n->nkids; i++) {
		const struct record_node *k = n->kids[i];

		if (!strcmp(k->key, "file"))
			file = form_get(n, "file");
		else if (!strcmp(k->key, "value"))
			value = form_get(n, "value");
		else if (!strcmp(k->key, "label"))
			label = form_get(n, "label");
		else
			form_err(c, k, "unknown key '%s' in choice list '%s' (allowed: file, value, "
				 "label)", k->key, l->name);
	}
	if (!file)
		form_err(c, n, "choice list '%s' needs 'file': the TSV file to read", l->name);
	if (!value)
		form_err(c, n, "choice list '%s' needs 'value': the column of the values", l->name);
	if (!label)
		form_err(c, n, "choice list '%s' needs 'label': the column of the labels", l->name);
	if (!file || !(s = form_scalar(c, file, "'file'")))
		return;
	if (*s == '/' || !strcmp(s, "..") || !strncmp(s, "../", 3) || strstr(s, "/../") ||
	    (strlen(s) >= 3 && !strcmp(s + strlen(s) - 3, "/.."))) {
		form_err(c, file, "choice file '%s' must be a relative path inside the form's "
			 "directory (no leading '/', no '..')", s);
		return;
	}
	l->file = xstrdup(s);
	if (value && label)
		read_tsv(c, file, value, label, l);
}

void form_load_choices(struct form_ctx *c, const struct record_node *choices)
{
	struct form *f = c->f;
	struct form_list *l;
	size_t i;

	f->list_index = form_index_new();
	if (choices->kind != RECORD_MAP) {
		form_err(c, choices, "'choices' must be a map of list name to choices");
		return;
	}
	f->lists = xcalloc(choices->nkids, sizeof(*f->lists));
	for (i = 0; i < choices->nkids; i++) {
		const struct record_node *n = choices->kids[i];

		if (!list_name_valid(n->key)) {
			form_err(c, n, "bad list name '%s': start with a letter, then letters, "
				 "digits, '_', '.' or '-'", n->key);
			continue;
		}
		l = xcalloc(1, sizeof(*l));
		l->name = xstrdup(n->key);
		l->line = n->line;
		l->col = n->col;
		l->index = form_index_new();
		form_index_add(f->list_index, l->name, f->nlists);
		f->lists[f->nlists++] = l;
		if (n->kind == RECORD_LIST || form_empty(n))
			load_inline(c, n, l);
		else if (n->kind == RECORD_MAP)
			load_file(c, n, l);
		else
			form_err(c, n, "choice list '%s' must be a list of {value, label} or a map "
				 "with 'file', 'value' and 'label'", l->name);
	}
}
