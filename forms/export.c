/*
 * export.c - the records flattened into tables: which columns a form
 * gives (export.h says why these), and the rows of one record.  The files
 * themselves are written by export_write.c.
 */
#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export_priv.h"
#include "expr.h"
#include "form.h"
#include "record.h"
#include "seal.h"
#include "store.h"

struct export_run {
	const struct form *f;
	const struct seal_keyring *ring;
	size_t lang;
	struct export_out *out;
	struct export_table *tables; /* households, then one per repeat, then the codebook */
	size_t ntables;
	struct export_row row;  /* an item's row, or the codebook's */
	struct export_row hrow; /* the record's row in households */
	size_t row_cols;
	struct export_result *res;
	struct error *err;
	int ret;
};

static const char *const meta_names[] = {
	[META_ID] = "id", [META_STATUS] = "status", [META_CREATED] = "created",
	[META_MODIFIED] = "modified", [META_ENUMERATOR] = "enumerator", [META_DEVICE] = "device",
};

static const char *const meta_labels[][2] = {
	[META_ID] = { "Mã phiếu", "Record id" },
	[META_STATUS] = { "Trạng thái", "Status" },
	[META_CREATED] = { "Tạo lúc", "Created" },
	[META_MODIFIED] = { "Sửa lúc", "Modified" },
	[META_ENUMERATOR] = { "Cộng tác viên", "Collaborator" },
	[META_DEVICE] = { "Máy", "Device" },
};

static struct export_col *add_col(struct export_table *t, const char *name,
				  enum export_col_kind kind)
{
	struct export_col *c;

	ALLOC_GROW(t->cols, t->ncols + 1, t->alloc);
	c = &t->cols[t->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(name);
	c->kind = kind;
	return c;
}

static void add_field(struct export_table *t, const struct form_field *fld, bool household)
{
	struct export_col *c = add_col(t, fld->name, COL_VALUE);

	c->field = fld;
	c->household = household;
	if (fld->type == FORM_SELECT_ONE || fld->type == FORM_SELECT_MULTIPLE) {
		char *name = xasprintf("%s_label", fld->name);

		c = add_col(t, name, COL_LABEL);
		c->field = fld;
		c->household = household;
		free(name);
	}
}

static bool has_answer(const struct form_field *fld, const struct export_opts *o)
{
	return fld->type != FORM_GROUP && fld->type != FORM_REPEAT && fld->type != FORM_NOTE &&
	       (!fld->sealed || o->sensitive);
}

struct names {
	const char **v;
	size_t n, alloc;
};

static void add_ref(void *data, const char *name, int col, bool bare)
{
	struct names *names = data;

	(void)col;
	if (bare)
		return;
	ALLOC_GROW(names->v, names->n + 1, names->alloc);
	names->v[names->n++] = name;
}

/* The household fields an item's row repeats: its place, and what names it. */
static bool is_key(const struct form_field *fld, const struct names *title)
{
	size_t i;

	if (fld->repeat || fld->type == FORM_REPEAT)
		return false;
	if (fld->type == FORM_SELECT_ONE && fld->list && fld->list->file)
		return true;
	for (i = 0; i < title->n; i++)
		if (!strcmp(title->v[i], fld->name))
			return true;
	return false;
}

static void build_item_table(const struct form *f, const struct export_opts *o,
			     const struct form_field *rep, const struct names *title,
			     struct export_table *t)
{
	size_t i;

	t->name = xstrdup(rep->name);
	t->repeat = rep;
	add_col(t, "id", COL_META)->meta = META_ID;
	add_col(t, "status", COL_META)->meta = META_STATUS;
	for (i = 0; i < f->nfields; i++)
		if (has_answer(f->fields[i], o) && is_key(f->fields[i], title))
			add_field(t, f->fields[i], true);
	add_col(t, "_id", COL_ITEM);
	if (rep->repeat)
		add_col(t, "_parent", COL_PARENT);
	for (i = 0; i < f->nfields; i++)
		if (f->fields[i]->repeat == rep && f->fields[i] != rep && has_answer(f->fields[i], o))
			add_field(t, f->fields[i], false);
}

/* Two columns of one name would make an ambiguous CSV and an SQLite error. */
static int check_names(const struct form *f, const struct export_table *t, struct error *err)
{
	size_t i, j;
	int ret = 0;

	for (i = 0; i < t->ncols; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(t->cols[i].name, t->cols[j].name)) {
				const struct form_field *fld = t->cols[i].field ? t->cols[i].field
										: t->cols[j].field;

				ret = error_at(err, ERR_DATA, f->file, fld ? fld->line : 0,
					       fld ? fld->col : 0,
					       "field '%s': the %s table of the export already has a "
					       "column of that name; rename the field",
					       t->cols[i].name, t->name);
				break;
			}
	return ret;
}

/* Where each answer goes in t, and where t's household columns come from. */
static void index_columns(const struct form *f, const struct export_table *h,
			  struct export_table *t)
{
	size_t i, j;

	t->col_of = xmalloc((f->nfields ? f->nfields : 1) * sizeof(*t->col_of));
	for (i = 0; i < f->nfields; i++)
		t->col_of[i] = SIZE_MAX;
	for (j = 0; j < t->ncols; j++) {
		struct export_col *c = &t->cols[j];

		if (c->kind == COL_VALUE && !c->household)
			t->col_of[c->field->index] = j;
		if (!c->household)
			continue;
		for (i = 0; i < h->ncols; i++)
			if (h->cols[i].field == c->field && h->cols[i].kind == c->kind)
				c->hcol = i;
	}
}

static int build_tables(struct export_run *run, const struct export_opts *o)
{
	const struct form *f = run->f;
	struct names title = { NULL, 0, 0 };
	struct export_table *t;
	size_t i, n = 2;
	int ret = 0;

	for (i = 0; i < f->nfields; i++)
		if (f->fields[i]->type == FORM_REPEAT)
			n++;
	run->tables = xcalloc(n, sizeof(*run->tables));
	run->ntables = n;
	if (f->instance_name)
		expr_refs(f->instance_name, add_ref, &title);

	t = &run->tables[0];
	t->name = xstrdup(EXPORT_HOUSEHOLDS);
	for (i = META_ID; i <= META_DEVICE; i++)
		add_col(t, meta_names[i], COL_META)->meta = (enum export_meta)i;
	for (i = 0; i < f->nfields; i++)
		if (!f->fields[i]->repeat && has_answer(f->fields[i], o))
			add_field(t, f->fields[i], false);
	for (i = 0, n = 1; i < f->nfields; i++)
		if (f->fields[i]->type == FORM_REPEAT)
			build_item_table(f, o, f->fields[i], &title, &run->tables[n++]);

	t = &run->tables[n];
	t->name = xstrdup(EXPORT_CODEBOOK);
	add_col(t, "table", COL_META);
	add_col(t, "column", COL_META);
	add_col(t, "type", COL_META);
	add_col(t, "label", COL_META);

	for (i = 0; i < run->ntables; i++) {
		int rc = check_names(f, &run->tables[i], run->err);

		index_columns(f, &run->tables[0], &run->tables[i]);

		if (rc)
			ret = rc;
		if (run->tables[i].ncols > run->row_cols)
			run->row_cols = run->tables[i].ncols;
	}
	free(title.v);
	return ret;
}

/*
 * The node of fld under base, where base is an item of `stop` (the
 * field's innermost repeat) or the record's data when stop is NULL.
 */
static const struct record_node *node_at(const struct record_node *base,
					 const struct form_field *stop,
					 const struct form_field *fld)
{
	const struct record_node *map = base;

	if (fld->parent != stop) {
		map = node_at(base, stop, fld->parent);
		if (!map || map->kind != RECORD_MAP)
			return NULL;
	}
	return record_node_get(map, fld->name);
}

static void add_labels(const struct export_run *run, const struct form_field *fld,
		       const char *value, struct sbuf *out)
{
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, " ");
		char *code = xstrndup(p, len);
		const struct form_choice *c = fld->list ? form_choice(fld->list, code) : NULL;
		const char *label = c ? form_text(run->f, &c->label, run->lang) : NULL;

		if (len) {
			if (out->len)
				sbuf_adds(out, "; ");
			sbuf_adds(out, label ? label : code);
		}
		free(code);
		p += len;
		p += strspn(p, " ");
	}
}

static void set_cell(const struct export_run *run, const struct export_row *row, size_t i,
		     const char *v)
{
	row->null[i] = !v;
	if (v)
		sbuf_adds(&row->cells[i], v);
	(void)run;
}

/*
 * The answers of map (the record's data or a repeat item) into t's cells,
 * through the groups inside it; nested repeats are other tables.  One pass
 * over the answers, each column found by its field's index.
 */
static void fill_answers(const struct export_run *run, const struct export_table *t,
			 const struct export_row *row, const struct record_node *map)
{
	size_t i, c;

	for (i = 0; i < map->nkids; i++) {
		const struct record_node *n = map->kids[i];
		const struct form_field *fld;

		if (n->kind == RECORD_LIST)
			continue;
		fld = form_field(run->f, n->key);
		if (!fld)
			continue;
		if (n->kind == RECORD_MAP) {
			if (fld->type == FORM_GROUP)
				fill_answers(run, t, row, n);
			continue;
		}
		c = t->col_of[fld->index];
		if (c == SIZE_MAX)
			continue;
		/* Still sealed (no key opened it): marked as such, and no label. */
		if (n->sealed) {
			row->null[c] = false;
			sbuf_addf(&row->cells[c], SEAL_CONFLICT_PREFIX "%s", n->value);
			continue;
		}
		set_cell(run, row, c, n->value);
		if (c + 1 < t->ncols && t->cols[c + 1].kind == COL_LABEL &&
		    t->cols[c + 1].field == fld) {
			row->null[c + 1] = false;
			add_labels(run, fld, n->value, &row->cells[c + 1]);
		}
	}
}

/*
 * A row of t: the record's (households) or an item's, whose household
 * columns are copied from the record's row, written just before.
 */
static int emit(struct export_run *run, struct export_table *t, const struct record *r,
		const struct record_node *item, const struct record_node *parent)
{
	const char *const meta[] = { r->id, r->status, r->created, r->modified, r->enumerator,
				     r->device };
	const struct export_row *row = item ? &run->row : &run->hrow;
	size_t i;

	for (i = 0; i < t->ncols; i++) {
		const struct export_col *c = &t->cols[i];

		sbuf_reset(&row->cells[i]);
		row->null[i] = true;
		if (c->kind == COL_META)
			set_cell(run, row, i, meta[c->meta]);
		else if (c->kind == COL_ITEM)
			set_cell(run, row, i, record_node_value(item, "_id"));
		else if (c->kind == COL_PARENT)
			set_cell(run, row, i, record_node_value(parent, "_id"));
		else if (c->household && !run->hrow.null[c->hcol])
			set_cell(run, row, i, sbuf_str(&run->hrow.cells[c->hcol]));
	}
	fill_answers(run, t, row, item ? item : r->data);
	t->rows++;
	return export_write_row(run->out, t, row, run->err);
}

/* The rows of repeat table t: every item of chain[k], under base (an item of chain[k-1]). */
static int emit_items(struct export_run *run, struct export_table *t, const struct record *r,
		      const struct form_field **chain, size_t k, size_t n,
		      const struct record_node *base)
{
	const struct record_node *list = node_at(base, chain[k]->repeat, chain[k]);
	size_t i;
	int ret = 0;

	if (!list || list->kind != RECORD_LIST)
		return 0;
	for (i = 0; i < list->nkids && !ret; i++) {
		const struct record_node *item = list->kids[i];

		if (item->kind != RECORD_MAP)
			continue;
		if (k + 1 == n)
			ret = emit(run, t, r, item, k ? base : NULL);
		else
			ret = emit_items(run, t, r, chain, k + 1, n, item);
	}
	return ret;
}

static int export_record(struct export_run *run, const struct record *r)
{
	const struct form_field *chain[FORM_MAX_DEPTH + 1];
	size_t i, k, n;
	int ret;

	ret = emit(run, &run->tables[0], r, NULL, NULL);
	for (i = 1; i + 1 < run->ntables && !ret; i++) {
		const struct form_field *rep;
		long before = run->tables[i].rows;

		for (n = 0, rep = run->tables[i].repeat; rep; rep = rep->repeat)
			n++;
		for (k = n, rep = run->tables[i].repeat; rep; rep = rep->repeat)
			chain[--k] = rep;
		ret = emit_items(run, &run->tables[i], r, chain, 0, n, r->data);
		run->res->items += run->tables[i].rows - before;
	}
	return ret;
}

static int each_record(void *data, const struct store_row *row)
{
	struct export_run *run = data;
	struct record r;
	int ret;

	if (!strcmp(row->status, "void")) {
		run->res->voided++;
		return 0;
	}
	record_init(&r);
	ret = record_parse(row->body, strlen(row->body), row->id, &r, run->err);
	if (ret)
		ret = error_add(run->err, ERR_ENV, "%s: the stored record does not parse",
				row->id);
	else if (run->ring && run->ring->n)
		ret = seal_record_open(run->ring, &r, NULL, run->err);
	if (!ret) {
		ret = export_record(run, &r);
		run->res->households++;
	}
	record_release(&r);
	run->ret = ret;
	return ret;
}

static const char *col_type_name(const struct export_col *c)
{
	switch (c->kind) {
	case COL_META:
	case COL_ITEM:
	case COL_PARENT:
		return "text";
	case COL_LABEL:
		return "label";
	case COL_VALUE:
		break;
	}
	return form_type_name(c->field->type);
}

static const char *col_label(const struct export_run *run, const struct export_col *c)
{
	bool en = run->f->languages && !strcmp(run->f->languages[run->lang], "en");

	switch (c->kind) {
	case COL_META:
		return meta_labels[c->meta][en];
	case COL_ITEM:
		return en ? "Item id" : "Mã mục";
	case COL_PARENT:
		return en ? "Enclosing item id" : "Mã mục chứa";
	case COL_VALUE:
	case COL_LABEL:
		break;
	}
	return form_text(run->f, &c->field->label, run->lang);
}

static int write_codebook(struct export_run *run)
{
	struct export_table *cb = &run->tables[run->ntables - 1];
	size_t i, j;
	int ret = 0;

	for (i = 0; i + 1 < run->ntables && !ret; i++) {
		for (j = 0; j < run->tables[i].ncols && !ret; j++) {
			const struct export_col *c = &run->tables[i].cols[j];
			const char *label = col_label(run, c);
			size_t k;

			for (k = 0; k < 4; k++) {
				sbuf_reset(&run->row.cells[k]);
				run->row.null[k] = false;
			}
			sbuf_adds(&run->row.cells[0], run->tables[i].name);
			sbuf_adds(&run->row.cells[1], c->name);
			sbuf_adds(&run->row.cells[2], col_type_name(c));
			sbuf_adds(&run->row.cells[3], label ? label : "");
			cb->rows++;
			ret = export_write_row(run->out, cb, &run->row, run->err);
		}
	}
	return ret;
}

const char *export_col_type(const struct export_col *c)
{
	if (c->kind != COL_VALUE)
		return "TEXT";
	switch (c->field->type) {
	case FORM_INTEGER:
		return "INTEGER";
	case FORM_DECIMAL:
		return "REAL";
	case FORM_CALCULATE:
		return "";
	default:
		return "TEXT";
	}
}

static void free_tables(struct export_table *t, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < t[i].ncols; j++)
			free(t[i].cols[j].name);
		free(t[i].cols);
		free(t[i].col_of);
		free(t[i].name);
	}
	free(t);
}

int export_run(struct store *s, const struct form *f, const char *dir,
	       const struct export_opts *opts, struct export_result *res, struct error *err)
{
	struct store_query q = { NULL, NULL, 0, true };
	struct export_out out = { opts, dir, NULL, NULL, NULL };
	struct export_run run;
	size_t i;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&run, 0, sizeof(run));
	run.f = f;
	run.ring = opts->ring;
	run.lang = form_lang(f, opts->lang);
	run.out = &out;
	run.res = res;
	run.err = err;
	/* Labels come from the choice lists: codes in their place would be wrong quietly. */
	ret = form_lists_ready(f, err);
	if (ret)
		return ret;
	ret = build_tables(&run, opts);
	if (ret)
		goto out;
	run.row.cells = xcalloc(run.row_cols, sizeof(*run.row.cells));
	run.row.null = xcalloc(run.row_cols, sizeof(*run.row.null));
	run.hrow.cells = xcalloc(run.row_cols, sizeof(*run.hrow.cells));
	run.hrow.null = xcalloc(run.row_cols, sizeof(*run.hrow.null));
	ret = make_dirs(dir, err);
	if (!ret)
		ret = export_open(&out, run.tables, run.ntables, err);
	if (!ret)
		ret = store_list(s, &q, each_record, &run, err);
	if (!ret)
		ret = write_codebook(&run);
	if (!ret)
		ret = export_finish(&out, run.tables, run.ntables, err);
out:
	export_close(&out, run.tables, run.ntables);
	for (i = 0; i < run.row_cols; i++) {
		sbuf_release(&run.row.cells[i]);
		sbuf_release(&run.hrow.cells[i]);
	}
	free(run.row.cells);
	free(run.row.null);
	free(run.hrow.cells);
	free(run.hrow.null);
	free_tables(run.tables, run.ntables);
	return ret;
}
