/*
 * app_record.c - the record being edited in the app, apart from drawing:
 * where each answer lives in the tree, which fields are relevant, the pages
 * they make, and saving through workspace_save() (the one way answers are
 * stored, validated as `dieutra add` validates them).
 *
 * Fields inside one level of repeat are edited; a repeat nested in a
 * repeat item is not shown.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "form.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "validate.h"
#include "workspace.h"

#define MAX_CHAIN (FORM_MAX_DEPTH + 2)

/* Fills anc with f's ancestors from the top down to f; returns how many. */
static size_t chain(const struct form_field *f, const struct form_field **anc)
{
	const struct form_field *p;
	size_t n = 0, i;

	for (p = f; p && n < MAX_CHAIN; p = p->parent)
		n++;
	i = n;
	for (p = f; p && i > 0; p = p->parent)
		anc[--i] = p;
	return n;
}

/* The map that holds s's answer in data (made when create), or NULL. */
static struct record_node *map_of(struct record_node *data, struct tui_slot s, bool create)
{
	const struct form_field *anc[MAX_CHAIN];
	struct record_node *map = data, *node;
	size_t n = chain(s.f, anc), i;

	for (i = 0; i + 1 < n && map; i++) {
		node = record_node_get(map, anc[i]->name);
		if (anc[i]->type == FORM_REPEAT) {
			if (anc[i] != s.f->repeat || !node || node->kind != RECORD_LIST ||
			    s.item >= node->nkids || node->kids[s.item]->kind != RECORD_MAP)
				return NULL;
			map = node->kids[s.item];
			continue;
		}
		if (!node && create) {
			node = record_node_new(RECORD_MAP, anc[i]->name, NULL);
			record_node_add(map, node);
		}
		map = node && node->kind == RECORD_MAP ? node : NULL;
	}
	return map;
}

const char *tui_slot_value(const struct record *r, struct tui_slot s)
{
	const struct record_node *n = record_node_get(map_of(r->data, s, false), s.f->name);

	return n && n->kind == RECORD_SCALAR && !n->sealed ? n->value : NULL;
}

bool tui_slot_sealed(const struct record *r, struct tui_slot s)
{
	const struct record_node *n = record_node_get(map_of(r->data, s, false), s.f->name);

	return n && n->sealed;
}

void tui_slot_set(struct tui_edit *e, struct tui_slot s, const char *value)
{
	struct record_node *map = map_of(e->rec.data, s, value != NULL);
	size_t i;

	if (!map)
		return;
	if (value) {
		record_node_set(map, s.f->name, value);
		return;
	}
	for (i = 0; i < map->nkids; i++)
		if (map->kids[i]->key && !strcmp(map->kids[i]->key, s.f->name))
			record_node_remove(map, i--);
}

char *tui_slot_path(struct tui_slot s)
{
	const struct form_field *anc[MAX_CHAIN];
	struct sbuf sb = SBUF_INIT;
	size_t n = chain(s.f, anc), i;

	for (i = 0; i < n; i++) {
		if (i)
			sbuf_addc(&sb, '.');
		sbuf_adds(&sb, anc[i]->name);
		if (anc[i]->type == FORM_REPEAT && i + 1 < n)
			sbuf_addf(&sb, "[%zu]", s.item + 1);
	}
	return sbuf_detach(&sb);
}

/* The message of the first problem at path in err, or NULL. */
static const char *error_of(const struct error *err, const char *path)
{
	size_t len = strlen(path), i;

	for (i = 0; i < err->n; i++) {
		const char *m = err->items[i].msg;

		if (!strncmp(m, path, len) && m[len] == ':' && m[len + 1] == ' ')
			return m + len + 2;
	}
	return NULL;
}

const char *tui_slot_error(const struct tui_edit *e, struct tui_slot s)
{
	char *path = tui_slot_path(s);
	const char *m = error_of(&e->errors, path);

	free(path);
	return m;
}

bool tui_slot_touched(const struct tui_edit *e, struct tui_slot s)
{
	char *path = tui_slot_path(s);
	size_t i;
	bool found = false;

	for (i = 0; i < e->ntouched && !found; i++)
		found = !strcmp(e->touched[i], path);
	free(path);
	return found;
}

void tui_slot_touch(struct tui_edit *e, struct tui_slot s)
{
	if (tui_slot_touched(e, s))
		return;
	ALLOC_GROW(e->touched, e->ntouched + 1, e->atouched);
	e->touched[e->ntouched++] = tui_slot_path(s);
}

bool tui_selected(const char *answer, const char *value)
{
	size_t len = strlen(value);
	const char *p = answer;

	while (p && (p = strstr(p, value))) {
		if ((p == answer || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

struct record_node *tui_edit_items(const struct record *r, const struct form_field *rep)
{
	struct tui_slot s = { rep, SIZE_MAX };
	struct record_node *list = record_node_get(map_of(r->data, s, false), rep->name);

	return list && list->kind == RECORD_LIST ? list : NULL;
}

void tui_edit_add_item(struct tui_edit *e, const struct form_field *rep)
{
	struct tui_slot s = { rep, SIZE_MAX };
	struct record_node *map = map_of(e->rec.data, s, true);
	struct record_node *list;

	if (!map)
		return;
	list = record_node_get(map, rep->name);
	if (!list || list->kind != RECORD_LIST) {
		list = record_node_new(RECORD_LIST, rep->name, NULL);
		record_node_add(map, list);
	}
	record_node_add(list, record_node_new(RECORD_MAP, NULL, NULL));
}

void tui_edit_remove_item(struct tui_edit *e, const struct form_field *rep, size_t item)
{
	struct record_node *list = tui_edit_items(&e->rec, rep);

	if (list)
		record_node_remove(list, item);
}

/* What ${name} means while a field of repeat item `item` is evaluated. */
struct eval_ctx {
	const struct record *r;
	const struct form *f;
	const struct form_field *rep; /* the repeat we are inside, or NULL */
	size_t item;
	const struct form_list *list; /* a choice_filter's list and the choice tested */
	const struct form_choice *choice;
};

static int lookup(void *data, const char *name, struct expr_value *out)
{
	struct eval_ctx *c = data;
	const struct form_field *fld = form_field(c->f, name);
	struct record_node *list;
	size_t i;

	if (!fld)
		return ERR_NOTFOUND;
	if (fld->type == FORM_REPEAT || (fld->repeat && fld->repeat != c->rep)) {
		/* Seen from outside its items: one value per item. */
		const struct form_field *rep = fld->type == FORM_REPEAT ? fld : fld->repeat;

		expr_set_nodeset(out);
		list = tui_edit_items(c->r, rep);
		for (i = 0; list && i < list->nkids; i++) {
			struct tui_slot s = { fld, i };
			const char *v = fld == rep ? "" : tui_slot_value(c->r, s);

			/* A sealed answer's value is unknown: what needs it fails, as in validation. */
			if (fld != rep && tui_slot_sealed(c->r, s))
				return ERR_DATA;
			expr_nodeset_add(out, v ? v : "");
		}
		return 0;
	}
	{
		struct tui_slot s = { fld, fld->repeat ? c->item : SIZE_MAX };

		if (tui_slot_sealed(c->r, s))
			return ERR_DATA;
		expr_set_string(out, tui_slot_value(c->r, s));
	}
	return 0;
}

long tui_edit_repeat_count(const struct tui_app *app, const struct form_field *rep)
{
	const struct tui_edit *e = &app->edit;
	struct eval_ctx c = { &e->view, &app->ws->form, NULL, SIZE_MAX, NULL, NULL };
	struct expr_ctx ctx = { lookup, NULL, NULL, &c, NULL, 0, util_now() };
	struct expr_value v = EXPR_VALUE_INIT;
	double n = -1;

	if (rep->repeat_count && !expr_eval(rep->repeat_count, &ctx, &v, NULL))
		n = expr_to_number(&v);
	expr_value_release(&v);
	/* Not answered yet, or not a count: nothing limits the roster. */
	return isfinite(n) && n >= 0 && n <= (double)LONG_MAX ? (long)n : -1;
}

/* Whether s and every group or repeat around it (own: s alone) are relevant in view. */
static bool relevant(const struct tui_edit *e, const struct form *f, struct tui_slot s,
		     long long now, bool own)
{
	const struct form_field *anc[MAX_CHAIN];
	size_t n = chain(s.f, anc), i;

	for (i = own ? n - 1 : 0; i < n; i++) {
		struct eval_ctx c = { &e->view, f, NULL, SIZE_MAX, NULL, NULL };
		struct expr_ctx ctx = { lookup, NULL, NULL, &c, NULL, 0, now };
		struct expr_value v = EXPR_VALUE_INIT;
		struct error err = ERROR_INIT;
		struct tui_slot at = { anc[i], s.item };
		bool yes;

		if (!anc[i]->relevant)
			continue;
		if (anc[i]->type != FORM_REPEAT) {
			c.rep = s.f->repeat;
			c.item = s.item;
			ctx.position = (int)s.item + 1;
			ctx.current = anc[i]->type == FORM_GROUP ? NULL :
				      tui_slot_value(&e->view, at);
		}
		/* As the validator: a relevance that fails keeps the field shown. */
		yes = expr_eval(anc[i]->relevant, &ctx, &v, &err) < 0 || expr_to_bool(&v);
		expr_value_release(&v);
		error_release(&err);
		if (!yes)
			return false;
	}
	return true;
}

/* A bare name in a choice_filter: a column of the choice being tested. */
static int column(void *data, const char *name, struct expr_value *out)
{
	struct eval_ctx *c = data;
	size_t i;

	for (i = 0; i < c->list->ncolumns; i++) {
		if (!strcmp(c->list->columns[i], name)) {
			expr_set_string(out, c->choice->columns[i]);
			return 0;
		}
	}
	expr_set_string(out, strcmp(name, "value") ? "" : c->choice->value);
	return 0;
}

/* Fills e->kept with the choices of s that its choice_filter keeps. */
static void filter_choices(struct tui_app *app, struct tui_slot s)
{
	struct tui_edit *e = &app->edit;
	const struct form_list *list = s.f->list;
	struct eval_ctx c = { &e->view, &app->ws->form, s.f->repeat, s.item, list, NULL };
	struct expr_ctx ctx = { lookup, column, NULL, &c, NULL, (int)s.item + 1, util_now() };
	size_t i;

	if (e->filtered == s.f && e->filtered_item == s.item)
		return;
	free(e->kept);
	/* A choice file that cannot be read offers nothing (check-schema tells why). */
	form_list_ready(list, NULL);
	e->kept = xmalloc((list->n ? list->n : 1) * sizeof(*e->kept));
	e->nkept = 0;
	for (i = 0; i < list->n; i++) {
		struct expr_value v = EXPR_VALUE_INIT;
		bool keep = true;

		if (s.f->choice_filter) {
			c.choice = &list->items[i];
			keep = !expr_eval(s.f->choice_filter, &ctx, &v, NULL) &&
			       expr_to_bool(&v);
			expr_value_release(&v);
		}
		if (keep)
			e->kept[e->nkept++] = i;
	}
	e->filtered = s.f;
	e->filtered_item = s.item;
}

size_t tui_slot_choices(struct tui_app *app, struct tui_slot s, const char *search,
			size_t **out)
{
	struct tui_edit *e = &app->edit;
	const struct form *f = &app->ws->form;
	char *want = search && *search ? text_fold(search) : NULL;
	size_t i, n = 0;

	filter_choices(app, s);
	*out = xmalloc((e->nkept ? e->nkept : 1) * sizeof(**out));
	for (i = 0; i < e->nkept; i++) {
		const struct form_choice *ch = &s.f->list->items[e->kept[i]];
		bool keep = true;

		if (want) {
			const char *l = form_text(f, &ch->label, app->lang);
			char *folded = text_fold(l ? l : ch->value);

			keep = strstr(folded, want) != NULL;
			free(folded);
		}
		if (keep)
			(*out)[n++] = e->kept[i];
	}
	free(want);
	return n;
}

static struct tui_page *new_page(struct tui_edit *e, enum tui_page_kind kind,
				 const struct form_field *f, size_t item)
{
	struct tui_page *p;

	ALLOC_GROW(e->pages, e->npages + 1, e->alloc);
	p = &e->pages[e->npages++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->f = f;
	p->item = item;
	return p;
}

static void add_slot(struct tui_edit *e, struct tui_page *p, struct tui_slot s)
{
	ALLOC_GROW(p->slots, p->nslots + 1, p->alloc);
	p->slots[p->nslots++] = s;
	if (s.f->type == FORM_NOTE || s.f->type == FORM_CALCULATE || s.f->read_only)
		return;
	e->relevant++;
	if (tui_slot_value(&e->view, s) || tui_slot_sealed(&e->view, s))
		e->answered++;
}

/* Adds the relevant fields of group or repeat item g to page p (index pi). */
static void add_fields(struct tui_edit *e, const struct form *f, size_t pi,
		       const struct form_field *g, size_t item, long long now)
{
	size_t i;

	for (i = 0; i < g->nkids; i++) {
		const struct form_field *k = g->kids[i];
		struct tui_slot s = { k, item };

		/* g was found relevant: only k's own relevance is left to evaluate. */
		if (k->type == FORM_REPEAT || !relevant(e, f, s, now, true))
			continue;
		if (k->type == FORM_GROUP)
			add_fields(e, f, pi, k, item, now);
		else
			add_slot(e, &e->pages[pi], s);
	}
}

static void clear_pages(struct tui_edit *e)
{
	size_t i;

	for (i = 0; i < e->npages; i++)
		free(e->pages[i].slots);
	e->npages = 0;
}

static void build_pages(struct tui_edit *e, const struct form *f)
{
	long long now = util_now();
	bool loose = false; /* the last page holds top-level fields */
	size_t i, j;

	clear_pages(e);
	e->answered = e->relevant = 0;
	for (i = 0; i < f->ntop; i++) {
		const struct form_field *t = f->top[i];
		struct tui_slot s = { t, SIZE_MAX };
		struct record_node *list;

		if (t->type != FORM_GROUP && t->type != FORM_REPEAT) {
			if (!loose)
				new_page(e, TUI_PAGE_FIELDS, NULL, SIZE_MAX);
			loose = true;
			if (relevant(e, f, s, now, false))
				add_slot(e, &e->pages[e->npages - 1], s);
			continue;
		}
		loose = false;
		if (!relevant(e, f, s, now, false))
			continue;
		if (t->type == FORM_GROUP) {
			new_page(e, TUI_PAGE_FIELDS, t, SIZE_MAX);
			add_fields(e, f, e->npages - 1, t, SIZE_MAX, now);
			continue;
		}
		new_page(e, TUI_PAGE_ROSTER, t, SIZE_MAX);
		list = tui_edit_items(&e->view, t);
		for (j = 0; list && j < list->nkids; j++) {
			new_page(e, TUI_PAGE_FIELDS, t, j);
			add_fields(e, f, e->npages - 1, t, j, now);
		}
	}
	new_page(e, TUI_PAGE_REVIEW, NULL, SIZE_MAX);
}

/* The pages built again from view, the cursor kept where it was as near as they allow. */
static void rebuild(struct tui_app *app)
{
	struct tui_edit *e = &app->edit;
	const struct form *f = &app->ws->form;
	struct tui_page was = { TUI_PAGE_REVIEW, NULL, SIZE_MAX, NULL, 0, 0 };
	const struct form_field *at = NULL;
	bool had = e->page < e->npages;
	size_t i, j;

	if (had) {
		was = e->pages[e->page];
		if (was.kind == TUI_PAGE_FIELDS && e->cur < was.nslots)
			at = was.slots[e->cur].f;
	}
	e->filtered = NULL;
	build_pages(e, f);

	/* Stay where the user was, as near as the new pages allow. */
	for (i = 0; had && i < e->npages; i++) {
		struct tui_page *p = &e->pages[i];

		if (p->kind != was.kind || p->f != was.f || p->item != was.item)
			continue;
		e->page = i;
		for (j = 0; at && j < p->nslots; j++)
			if (p->slots[j].f == at)
				e->cur = j;
		break;
	}
	if (e->page >= e->npages)
		e->page = e->npages - 1;
}

void tui_edit_refresh(struct tui_app *app)
{
	struct tui_edit *e = &app->edit;
	const struct form *f = &app->ws->form;
	struct validate_opts opts = { f->languages[app->lang], 0, false };

	record_release(&e->view);
	record_copy(&e->view, &e->rec);
	error_release(&e->errors);
	validate_record(f, &e->view, &opts, &e->errors);
	rebuild(app);
}

int tui_edit_open(struct tui_app *app, const char *id)
{
	struct tui_edit *e = &app->edit;
	struct error err = ERROR_INIT;
	int ret = 0;

	tui_edit_close(e);
	record_init(&e->rec);
	record_init(&e->view);
	tui_line_init(&e->line);
	e->open = true;
	if (id) {
		ret = workspace_load(app->ws, id, &e->rec, &err);
	} else {
		workspace_prefill(app->ws, &e->rec);
	}
	if (ret) {
		tui_message(app, "%s", err.n ? err.items[0].msg : id);
		tui_edit_close(e);
		goto out;
	}
	tui_edit_refresh(app);
out:
	error_release(&err);
	return ret;
}

void tui_edit_close(struct tui_edit *e)
{
	size_t i;

	if (e->open) {
		record_release(&e->rec);
		record_release(&e->view);
		error_release(&e->errors);
		tui_line_release(&e->line);
	}
	clear_pages(e);
	free(e->pages);
	for (i = 0; i < e->ntouched; i++)
		free(e->touched[i]);
	free(e->touched);
	free(e->note);
	free(e->kept);
	memset(e, 0, sizeof(*e));
}

static int save_as(struct tui_app *app, const char *status, struct error *err)
{
	struct tui_edit *e = &app->edit;
	struct record copy, view;
	struct error errors = ERROR_INIT;
	enum workspace_saved saved;
	int ret;

	record_copy(&copy, &e->rec);
	free(copy.status);
	copy.status = xstrdup(status);
	/*
	 * A draft's one validation also gives the view, as complete: leaving a
	 * field in a household of a hundred children is not validated twice.
	 */
	record_init(&view);
	ret = workspace_save_draft(app->ws, &copy, app->ws->form.languages[app->lang], &saved,
				   &view, &errors, err);
	if (ret) {
		record_release(&copy);
		record_release(&view);
		error_release(&errors);
		return ret;
	}
	record_release(&e->rec);
	e->rec = copy;
	if (strcmp(status, "complete")) {
		record_release(&e->view);
		e->view = view;
		error_release(&e->errors);
		error_move(&e->errors, &errors);
		rebuild(app);
	} else {
		record_release(&view);
		tui_edit_refresh(app);
	}
	return 0;
}

bool tui_edit_void(const struct tui_edit *e)
{
	return e->rec.status && !strcmp(e->rec.status, "void");
}

int tui_edit_save(struct tui_app *app, struct error *err)
{
	/* A void record stays void until restored: an answer changed does not revive it. */
	return save_as(app, tui_edit_void(&app->edit) ? "void" : "draft", err);
}

int tui_edit_restore(struct tui_app *app, struct error *err)
{
	return save_as(app, "draft", err);
}

int tui_edit_finalize(struct tui_app *app)
{
	struct error err = ERROR_INIT;
	int ret = save_as(app, "complete", &err);

	if (ret == ERR_DATA) {
		error_release(&app->edit.errors);
		error_move(&app->edit.errors, &err);
	} else if (ret) {
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	}
	error_release(&err);
	return ret;
}

bool tui_edit_find(const struct tui_edit *e, const char *path, size_t *page, size_t *slot)
{
	size_t i, j;

	for (i = 0; i < e->npages; i++) {
		const struct tui_page *p = &e->pages[i];

		for (j = 0; j < p->nslots; j++) {
			char *sp = tui_slot_path(p->slots[j]);
			bool same = !strcmp(sp, path);

			free(sp);
			if (same) {
				*page = i;
				*slot = j;
				return true;
			}
		}
		if (p->kind == TUI_PAGE_ROSTER && !strcmp(p->f->name, path)) {
			*page = i;
			*slot = 0;
			return true;
		}
	}
	return false;
}
