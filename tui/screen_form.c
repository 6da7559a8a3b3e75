/*
 * screen_form.c - one record, page by page: the fields of a group or of a
 * repeat item, each drawn by its type, a roster per repeat, and the review
 * page.  An answer is saved (as a draft, through workspace_save) the moment
 * the cursor leaves its field, so a crash loses at most the field being
 * typed.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

static struct tui_page *page(struct tui_app *app)
{
	return &app->edit.pages[app->edit.page];
}

/* The field under the cursor, if the page is one of fields and has any. */
static bool current(struct tui_app *app, struct tui_slot *s)
{
	struct tui_page *p = page(app);

	if (p->kind != TUI_PAGE_FIELDS || app->edit.cur >= p->nslots)
		return false;
	*s = p->slots[app->edit.cur];
	return true;
}

bool tui_long_list(const struct form_field *f)
{
	return f->type == FORM_SELECT_ONE && !f->read_only && f->list &&
	       !form_list_ready(f->list, NULL) && f->list->n > TUI_SHORT_LIST;
}

/* Fields whose keys go to the line editor: typed answers, and the search of a long list. */
static bool typed_field(const struct form_field *f)
{
	return tui_long_list(f) ||
	       (!f->read_only && (f->type == FORM_TEXT || f->type == FORM_INTEGER ||
				  f->type == FORM_DECIMAL || f->type == FORM_DATE));
}

void tui_form_enter(struct tui_app *app)
{
	struct tui_edit *e = &app->edit;
	struct tui_slot s;
	const char *v;
	char date[11];

	free(e->note);
	e->note = NULL;
	e->line_dirty = false;
	e->choice = 0;
	tui_line_clear(&e->line);
	tui_line_set_mode(&e->line, app->input);
	if (!current(app, &s) || !typed_field(s.f) || tui_long_list(s.f))
		return;
	v = tui_slot_value(&e->rec, s);
	if (v && s.f->type == FORM_DATE) {
		tui_date_show(v, date);
		v = date;
	}
	if (v)
		tui_line_set_text(&e->line, v, NULL);
}

/* The message of a refused answer, without the path validation puts first. */
static void refuse(struct tui_edit *e, const struct error *err)
{
	const char *m = err->n ? err->items[0].msg : "";
	const char *colon = strstr(m, ": ");

	free(e->note);
	e->note = xstrdup(colon ? colon + 2 : m);
}

/*
 * Stores what was typed in the current field before the cursor leaves it.
 * False when it is refused (not a date, not a number): the cursor stays.
 */
static bool leave_field(struct tui_app *app)
{
	struct tui_edit *e = &app->edit;
	struct error err = ERROR_INIT;
	struct tui_slot s;
	const char *typed = tui_line_str(&e->line);
	char *old, date[11];
	int ret;

	if (!current(app, &s))
		return true;
	/* A sealed answer is replaced by what is typed, never by nothing. */
	if (!e->line_dirty || !typed_field(s.f) || tui_long_list(s.f) ||
	    (!*typed && tui_slot_sealed(&e->rec, s))) {
		tui_slot_touch(e, s);
		return true;
	}
	if (*typed && s.f->type == FORM_DATE) {
		if (tui_date_parse(typed, date)) {
			free(e->note);
			e->note = xstrdup(tui_str(app->en, S_BAD_DATE));
			return false;
		}
		typed = date;
	}
	old = tui_slot_value(&e->rec, s) ? xstrdup(tui_slot_value(&e->rec, s)) : NULL;
	tui_slot_set(e, s, *typed ? typed : NULL);
	ret = tui_edit_save(app, &err);
	if (ret) {
		tui_slot_set(e, s, old);
		refuse(e, &err);
	} else {
		tui_slot_touch(e, s);
		e->line_dirty = false;
	}
	free(old);
	error_release(&err);
	return ret == 0;
}

bool tui_form_leave(struct tui_app *app)
{
	return leave_field(app);
}

/* How many places the cursor has on the current page. */
static size_t places(struct tui_app *app)
{
	struct tui_page *p = page(app);
	struct record_node *list;

	switch (p->kind) {
	case TUI_PAGE_FIELDS:
		return p->nslots;
	case TUI_PAGE_ROSTER:
		list = tui_edit_items(&app->edit.view, p->f);
		return list ? list->nkids : 0;
	default:
		return app->edit.errors.n;
	}
}

static int go(struct tui_app *app, size_t pg, size_t cur)
{
	struct tui_edit *e = &app->edit;

	if (pg >= e->npages)
		pg = e->npages - 1;
	if (pg != e->page)
		e->top = 0;
	e->page = pg;
	e->cur = cur < places(app) ? cur : (places(app) ? places(app) - 1 : 0);
	tui_form_enter(app);
	return TUI_REDRAW;
}

static bool editable(const struct form_field *f)
{
	return !f->read_only && f->type != FORM_NOTE && f->type != FORM_CALCULATE;
}

/*
 * The next place on the page from cur in direction dir (+1 / -1), stepping
 * over fields nobody types into; false at the page's end.
 */
static bool step(struct tui_app *app, size_t cur, int dir, size_t *to)
{
	struct tui_page *p = page(app);
	size_t n = places(app);

	while (dir > 0 ? cur + 1 < n : cur > 0) {
		cur = dir > 0 ? cur + 1 : cur - 1;
		if (p->kind != TUI_PAGE_FIELDS || editable(p->slots[cur].f)) {
			*to = cur;
			return true;
		}
	}
	return false;
}

/* The first (or, dir < 0, last) editable place of page pg. */
static int go_into(struct tui_app *app, size_t pg, int dir)
{
	size_t to;

	go(app, pg, dir > 0 ? 0 : SIZE_MAX / 2);
	if (page(app)->kind != TUI_PAGE_FIELDS || !page(app)->nslots)
		return TUI_REDRAW;
	if (dir < 0)
		app->edit.cur = page(app)->nslots - 1;
	if (!editable(page(app)->slots[app->edit.cur].f) && step(app, app->edit.cur, dir, &to))
		app->edit.cur = to;
	tui_form_enter(app);
	return TUI_REDRAW;
}

static int up(struct tui_app *app, int key)
{
	size_t to;

	(void)key;
	if (!leave_field(app))
		return TUI_REDRAW;
	if (step(app, app->edit.cur, -1, &to))
		return go(app, app->edit.page, to);
	if (app->edit.page > 0)
		return go_into(app, app->edit.page - 1, -1);
	return TUI_REDRAW;
}

static int down(struct tui_app *app, int key)
{
	size_t to;

	(void)key;
	if (!leave_field(app))
		return TUI_REDRAW;
	if (step(app, app->edit.cur, 1, &to))
		return go(app, app->edit.page, to);
	if (app->edit.page + 1 < app->edit.npages)
		return go_into(app, app->edit.page + 1, 1);
	return TUI_REDRAW;
}

static int next_page(struct tui_app *app, int key)
{
	(void)key;
	if (!leave_field(app))
		return TUI_REDRAW;
	return go_into(app, app->edit.page + 1, 1);
}

static int prev_page(struct tui_app *app, int key)
{
	(void)key;
	if (!leave_field(app))
		return TUI_REDRAW;
	return go_into(app, app->edit.page ? app->edit.page - 1 : 0, 1);
}

static int close_form(struct tui_app *app)
{
	/* Only this record changed: the list reads it again, not every record. */
	char *id = app->edit.rec.id ? xstrdup(app->edit.rec.id) : NULL;

	tui_edit_close(&app->edit);
	app->screen = &tui_home_screen;
	if (id)
		tui_home_reload(app, id);
	free(id);
	return TUI_REDRAW;
}

/* The page of a repeat's roster, or of one of its items. */
static size_t find_page(struct tui_app *app, enum tui_page_kind kind,
			const struct form_field *f, size_t item)
{
	size_t i;

	for (i = 0; i < app->edit.npages; i++)
		if (app->edit.pages[i].kind == kind && app->edit.pages[i].f == f &&
		    app->edit.pages[i].item == item)
			return i;
	return app->edit.page;
}

static int back(struct tui_app *app, int key)
{
	struct tui_page *p = page(app);

	(void)key;
	/* Esc gives up a refused entry rather than keeping the user in it. */
	if (!leave_field(app))
		app->edit.line_dirty = false;
	if (p->kind == TUI_PAGE_FIELDS && p->item != SIZE_MAX)
		return go(app, find_page(app, TUI_PAGE_ROSTER, p->f, SIZE_MAX), p->item);
	return close_form(app);
}

static int finalize(struct tui_app *app)
{
	int ret;

	if (tui_edit_void(&app->edit)) {
		tui_message(app, "%s", tui_str(app->en, S_IS_VOID));
		return TUI_REDRAW;
	}
	ret = tui_edit_finalize(app);
	if (!ret) {
		char *msg = xasprintf("%s: %s", tui_str(app->en, S_FINALIZED), app->edit.rec.id);

		close_form(app);
		tui_message(app, "%s", msg);
		free(msg);
		return TUI_REDRAW;
	}
	if (ret == ERR_DATA)
		tui_message(app, "%s", tui_str(app->en, S_NOT_VALID));
	return go(app, app->edit.npages - 1, 0);
}

static int review(struct tui_app *app, int key)
{
	(void)key;
	if (!leave_field(app))
		return TUI_REDRAW;
	if (page(app)->kind == TUI_PAGE_REVIEW)
		return finalize(app);
	return go(app, app->edit.npages - 1, 0);
}

static int restore_now(struct tui_app *app)
{
	struct error err = ERROR_INIT;

	if (tui_edit_restore(app, &err))
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	else
		tui_message(app, "%s: %s", tui_str(app->en, S_RESTORED), app->edit.rec.id);
	error_release(&err);
	tui_form_enter(app);
	return TUI_REDRAW;
}

/* F4: a void record back to a draft, after a question; nothing else restores it. */
static int restore(struct tui_app *app, int key)
{
	(void)key;
	if (!tui_edit_void(&app->edit) || !leave_field(app))
		return TUI_REDRAW;
	tui_ask(app, S_Q_RESTORE, restore_now);
	return TUI_REDRAW;
}

/* Enter in a long list: the first choice matching what was typed is the answer. */
static void take_first(struct tui_app *app, struct tui_slot s)
{
	struct tui_edit *e = &app->edit;
	struct error err = ERROR_INIT;
	size_t *idx = NULL;

	if (tui_slot_choices(app, s, tui_line_str(&e->line), &idx)) {
		tui_slot_set(e, s, s.f->list->items[idx[0]].value);
		if (tui_edit_save(app, &err))
			refuse(e, &err);
	}
	tui_line_clear(&e->line);
	free(idx);
	error_release(&err);
}

static int enter(struct tui_app *app, int key)
{
	struct tui_edit *e = &app->edit;
	struct tui_page *p = page(app);
	size_t pg, slot;

	switch (p->kind) {
	case TUI_PAGE_FIELDS:
		if (p->nslots && tui_long_list(p->slots[e->cur].f) && *tui_line_str(&e->line))
			take_first(app, p->slots[e->cur]);
		return down(app, key);
	case TUI_PAGE_ROSTER:
		if (e->cur < places(app))
			return go_into(app, find_page(app, TUI_PAGE_FIELDS, p->f, e->cur), 1);
		return 0;
	default:
		if (e->cur < e->errors.n) {
			const char *m = e->errors.items[e->cur].msg;
			char *path = xstrndup(m, strcspn(m, ":"));
			bool found = tui_edit_find(e, path, &pg, &slot);

			free(path);
			if (found)
				return go(app, pg, slot);
		}
		return 0;
	}
}

/* The repeat the current page belongs to (its roster or one of its items), or NULL. */
static const struct form_field *page_repeat(struct tui_app *app)
{
	struct tui_page *p = page(app);

	if (p->kind == TUI_PAGE_ROSTER || (p->kind == TUI_PAGE_FIELDS && p->item != SIZE_MAX))
		return p->f;
	return NULL;
}

static int add_item(struct tui_app *app, int key)
{
	const struct form_field *rep = page_repeat(app);
	struct record_node *list;
	struct error err = ERROR_INIT;

	long want;

	(void)key;
	if (!rep || !leave_field(app))
		return TUI_REDRAW;
	want = tui_edit_repeat_count(app, rep);
	list = tui_edit_items(&app->edit.view, rep);
	if (want >= 0 && (list ? (long)list->nkids : 0) >= want) {
		tui_message(app, "%s: %ld", tui_str(app->en, S_ALL_ITEMS), want);
		return TUI_REDRAW;
	}
	tui_edit_add_item(&app->edit, rep);
	if (tui_edit_save(app, &err))
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	error_release(&err);
	list = tui_edit_items(&app->edit.view, rep);
	if (!list)
		return TUI_REDRAW;
	return go_into(app, find_page(app, TUI_PAGE_FIELDS, rep, list->nkids - 1), 1);
}

static int remove_now(struct tui_app *app)
{
	const struct form_field *rep = page_repeat(app);
	struct error err = ERROR_INIT;

	if (!rep)
		return TUI_REDRAW;
	tui_edit_remove_item(&app->edit, rep, app->edit.cur);
	if (tui_edit_save(app, &err))
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	error_release(&err);
	if (app->edit.cur > 0 && app->edit.cur >= places(app))
		app->edit.cur--;
	return TUI_REDRAW;
}

static int remove_item(struct tui_app *app, int key)
{
	(void)key;
	if (page(app)->kind == TUI_PAGE_ROSTER && app->edit.cur < places(app))
		tui_ask(app, S_Q_REMOVE, remove_now);
	return TUI_REDRAW;
}

/* Chooses the n-th choice shown of a select_one, ticks or unticks it in a select_multiple. */
static int choose_shown(struct tui_app *app, size_t n)
{
	struct tui_edit *e = &app->edit;
	struct error err = ERROR_INIT;
	struct tui_slot s;
	const char *v;
	struct sbuf sb = SBUF_INIT;
	size_t i, *shown = NULL, nshown;

	if (!current(app, &s) || !s.f->list || s.f->read_only || tui_long_list(s.f))
		return 0;
	nshown = tui_slot_choices(app, s, NULL, &shown);
	if (n >= nshown) {
		free(shown);
		return 0;
	}
	e->choice = n;
	n = shown[n];
	free(shown);
	v = tui_slot_value(&e->rec, s);
	if (s.f->type == FORM_SELECT_ONE) {
		sbuf_adds(&sb, s.f->list->items[n].value);
	} else {
		/* select_multiple: space-separated values, kept in list order. */
		for (i = 0; i < s.f->list->n; i++) {
			const char *c = s.f->list->items[i].value;
			bool on = v && tui_selected(v, c);

			if (i == n)
				on = !on;
			if (on)
				sbuf_addf(&sb, "%s%s", sb.len ? " " : "", c);
		}
	}
	tui_slot_set(e, s, sb.len ? sbuf_str(&sb) : NULL);
	if (tui_edit_save(app, &err))
		refuse(e, &err);
	tui_slot_touch(e, s);
	sbuf_release(&sb);
	error_release(&err);
	return TUI_REDRAW;
}

/* Number keys: choice N of the first nine. */
static int choose(struct tui_app *app, int key)
{
	return choose_shown(app, (size_t)(key - '1'));
}

/* Space: the choice under the marker, which ← → move (how a list past nine is reached). */
static int choose_marked(struct tui_app *app, int key)
{
	(void)key;
	return choose_shown(app, app->edit.choice);
}

static int move_marker(struct tui_app *app, int key)
{
	struct tui_edit *e = &app->edit;
	struct tui_slot s;
	size_t *shown = NULL, n;

	if (!current(app, &s) || !s.f->list || s.f->read_only || tui_long_list(s.f))
		return 0;
	n = tui_slot_choices(app, s, NULL, &shown);
	free(shown);
	if (key == TUI_FKEY(KEY_LEFT))
		e->choice = e->choice ? e->choice - 1 : 0;
	else if (e->choice + 1 < n)
		e->choice++;
	return TUI_REDRAW;
}

static bool typing(struct tui_app *app)
{
	struct tui_slot s;

	return current(app, &s) && typed_field(s.f);
}

/* Keys typed into the current field's line editor. */
static int type_field(struct tui_app *app, int key)
{
	bool changed;
	int ret = tui_type_key(&app->edit.line, key, &changed);

	if (changed)
		app->edit.line_dirty = true;
	return ret;
}

static const struct tui_key form_keys[] = {
	{ TUI_FKEY(KEY_F(1)), "F1 ?", S_K_HELP, tui_show_help },
	{ '?', NULL, S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_UP), "↑", S_K_UP, up },
	{ TUI_FKEY(KEY_BTAB), NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_DOWN), "↓ Tab", S_K_DOWN, down },
	{ '\t', NULL, S_K_DOWN, down },
	{ '\r', "Enter", S_K_NEXTFIELD, enter },
	{ '\n', NULL, S_K_NEXTFIELD, enter },
	{ TUI_FKEY(KEY_ENTER), NULL, S_K_NEXTFIELD, enter },
	{ TUI_FKEY(KEY_NPAGE), "PgDn", S_K_NEXTPAGE, next_page },
	{ TUI_FKEY(KEY_PPAGE), "PgUp", S_K_PREVPAGE, prev_page },
	{ '1', "1-9", S_K_CHOOSE, choose },
	{ '2', NULL, S_K_CHOOSE, choose },
	{ '3', NULL, S_K_CHOOSE, choose },
	{ '4', NULL, S_K_CHOOSE, choose },
	{ '5', NULL, S_K_CHOOSE, choose },
	{ '6', NULL, S_K_CHOOSE, choose },
	{ '7', NULL, S_K_CHOOSE, choose },
	{ '8', NULL, S_K_CHOOSE, choose },
	{ '9', NULL, S_K_CHOOSE, choose },
	{ ' ', "Space", S_K_TICK, choose_marked },
	{ TUI_FKEY(KEY_LEFT), "← →", S_K_CHOICE, move_marker },
	{ TUI_FKEY(KEY_RIGHT), NULL, S_K_CHOICE, move_marker },
	{ '+', "+", S_K_ADD, add_item },
	{ '-', "-", S_K_REMOVE, remove_item },
	{ TUI_FKEY(KEY_F(2)), "F2 Ctrl-T", S_K_INPUT, tui_toggle_input },
	{ TUI_CTRL('t'), NULL, S_K_INPUT, tui_toggle_input },
	{ TUI_FKEY(KEY_F(3)), "F3", S_K_LANG, tui_toggle_lang },
	{ TUI_FKEY(KEY_F(4)), "F4", S_K_RESTORE, restore },
	{ TUI_FKEY(KEY_F(10)), "F10", S_K_REVIEW, review },
	{ 27, "Esc", S_K_BACK, back },
};

const struct tui_screen tui_form_screen = {
	form_keys, sizeof(form_keys) / sizeof(form_keys[0]), tui_form_draw, typing, type_field,
};
