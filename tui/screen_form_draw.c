/*
 * screen_form_draw.c - drawing the form screen from the state alone: the
 * page's fields (each by its type), a roster, or the review page.
 */
#include <curses.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

#define INDENT 4

const char *tui_label(const struct tui_app *app, const struct form_field *f)
{
	const char *l = form_text(&app->ws->form, &f->label, app->lang);

	return l ? l : f->name;
}

/* The problem shown under s: a refused entry, or a rule broken once the cursor left it. */
static const char *shown_error(const struct tui_app *app, struct tui_slot s, bool cur)
{
	const struct tui_edit *e = &app->edit;

	if (cur && e->note)
		return e->note;
	return tui_slot_touched(e, s) ? tui_slot_error(e, s) : NULL;
}

/* The hint of f, shown under the label of the current field; NULL when none. */
static const char *hint(const struct tui_app *app, const struct form_field *f)
{
	return form_text(&app->ws->form, &f->hint, app->lang);
}

/* The matches a long list shows under its search box. */
#define MATCHES 8

/* The choices drawn for s: all those offered, or a long list's matches (cur only). */
static size_t shown_choices(struct tui_app *app, struct tui_slot s, bool cur, size_t **idx)
{
	size_t n;

	*idx = NULL;
	if (!tui_long_list(s.f))
		return tui_slot_choices(app, s, NULL, idx);
	if (!cur)
		return 0;
	n = tui_slot_choices(app, s, tui_line_str(&app->edit.line), idx);
	return n < MATCHES ? n : MATCHES;
}

static int value_rows(struct tui_app *app, struct tui_slot s, bool cur)
{
	size_t *idx, n;

	switch (s.f->type) {
	case FORM_NOTE:
		return 0;
	case FORM_SELECT_ONE:
	case FORM_SELECT_MULTIPLE:
		if (!s.f->list)
			return 0;
		n = shown_choices(app, s, cur, &idx);
		free(idx);
		return (int)n + (tui_long_list(s.f) ? 1 + cur : 0);
	default:
		return 1;
	}
}

static int block_rows(struct tui_app *app, size_t i)
{
	struct tui_slot s = app->edit.pages[app->edit.page].slots[i];
	bool cur = i == app->edit.cur;

	return 1 + (cur && hint(app, s.f)) + value_rows(app, s, cur) +
	       (shown_error(app, s, cur) != NULL);
}

/* The answer box of a typed field; the line editor's view when it is the current one. */
static void draw_box(struct tui_app *app, int y, struct tui_slot s, bool cur)
{
	int w = COLS - INDENT - 2;
	const char *v = tui_slot_value(&app->edit.view, s);
	char date[11];

	if (!v && !cur && tui_slot_sealed(&app->edit.view, s)) {
		attron(A_DIM);
		tui_put(y, INDENT, tui_str(app->en, S_PROTECTED), w);
		attroff(A_DIM);
		return;
	}
	if (s.f->type == FORM_CALCULATE || (s.f->read_only && !tui_long_list(s.f))) {
		char *line = xasprintf("= %s", v ? v : "");

		tui_put(y, INDENT, line, w);
		free(line);
		return;
	}
	if (cur) {
		struct tui_line_view lv;
		char *part;

		tui_line_view(&app->edit.line, w, &lv);
		part = xstrndup(tui_line_str(&app->edit.line) + lv.start, lv.end - lv.start);
		attron(A_UNDERLINE);
		tui_put(y, INDENT, part, w);
		attroff(A_UNDERLINE);
		free(part);
		app->cy = y;
		app->cx = INDENT + lv.col;
		return;
	}
	if (v && s.f->type == FORM_DATE) {
		tui_date_show(v, date);
		v = date;
	}
	attron(A_UNDERLINE);
	tui_put(y, INDENT, v ? v : "", w);
	attroff(A_UNDERLINE);
}

/* A select's choices from row y (a long list: its answer, search box and matches). */
static int draw_choices(struct tui_app *app, struct tui_slot s, bool cur, int y, int end)
{
	const char *answer = tui_slot_value(&app->edit.view, s);
	bool one = s.f->type == FORM_SELECT_ONE, longl = tui_long_list(s.f);
	size_t *idx, n = shown_choices(app, s, cur, &idx), k;
	char *line;

	if (longl) {
		const struct form_choice *c = answer ? form_choice(s.f->list, answer) : NULL;
		const char *cl = c ? form_text(&app->ws->form, &c->label, app->lang) : NULL;

		line = xasprintf("(•) %s", cl ? cl : answer ? answer : "");
		tui_put(y++, INDENT, answer ? line : "", COLS - INDENT);
		free(line);
		if (cur && y <= end)
			draw_box(app, y++, s, cur);
	}
	for (k = 0; k < n && y <= end; k++) {
		const struct form_choice *c = &s.f->list->items[idx[k]];
		const char *cl = form_text(&app->ws->form, &c->label, app->lang);
		bool on = answer && (one ? !strcmp(answer, c->value) :
				     tui_selected(answer, c->value));
		char num[4] = "  ";

		if (longl)
			line = xasprintf("%s %s", k ? " " : "→", cl ? cl : c->value);
		else {
			if (k < TUI_SHORT_LIST)
				num[0] = (char)('1' + k);
			line = xasprintf("%s %s %s", num,
					 one ? (on ? "(•)" : "( )") : (on ? "[x]" : "[ ]"),
					 cl ? cl : c->value);
		}
		/* The marker Space acts on, left of the choice. */
		tui_put(y, INDENT - 2, cur && !longl && k == app->edit.choice ? ">" : "", 2);
		tui_put(y++, INDENT, line, COLS - INDENT);
		free(line);
	}
	free(idx);
	return y;
}

/* Draws the block of field i from row y; returns the row after it. */
static int draw_block(struct tui_app *app, size_t i, int y, int end)
{
	struct tui_slot s = app->edit.pages[app->edit.page].slots[i];
	bool cur = i == app->edit.cur, sealed = tui_slot_sealed(&app->edit.view, s);
	const char *err = shown_error(app, s, cur);
	char *line;

	line = xasprintf("%s%s %s%s%s%s", cur ? ">" : " ",
			 s.f->required || s.f->required_if ? "*" : " ", tui_label(app, s.f),
			 sealed ? " [" : "", sealed ? tui_str(app->en, S_PROTECTED) : "",
			 sealed ? "]" : "");
	if (cur)
		attron(A_BOLD);
	tui_put(y++, 0, line, COLS);
	attroff(A_BOLD);
	free(line);
	if (cur && hint(app, s.f) && y <= end) {
		attron(A_DIM);
		tui_put(y++, INDENT, hint(app, s.f), COLS - INDENT);
		attroff(A_DIM);
	}
	if (y > end)
		return y;
	if (s.f->type == FORM_SELECT_ONE || s.f->type == FORM_SELECT_MULTIPLE) {
		y = draw_choices(app, s, cur, y, end);
	} else if (s.f->type != FORM_NOTE) {
		draw_box(app, y++, s, cur);
	}
	if (err && y <= end) {
		line = xasprintf("! %s", err);
		attron(tui_attr_error(app));
		tui_put(y++, INDENT, line, COLS - INDENT);
		attroff(tui_attr_error(app));
		free(line);
	}
	return y;
}

static void draw_fields(struct tui_app *app, int y0, int end)
{
	struct tui_edit *e = &app->edit;
	struct tui_page *p = &e->pages[e->page];
	int h = end - y0 + 1, used;
	size_t i;

	if (e->cur >= p->nslots)
		e->cur = p->nslots ? p->nslots - 1 : 0;
	if (e->top > e->cur)
		e->top = e->cur;
	for (;;) {
		used = 0;
		for (i = e->top; i <= e->cur && i < p->nslots; i++)
			used += block_rows(app, i);
		if (used <= h || e->top >= e->cur)
			break;
		e->top++;
	}
	for (i = e->top; i < p->nslots && y0 <= end; i++)
		y0 = draw_block(app, i, y0, end);
}

/* A repeat item's name in the roster: its first text answer. */
static const char *item_title(const struct tui_app *app, const struct form_field *rep, size_t item)
{
	size_t i;

	for (i = 0; i < rep->nkids; i++) {
		struct tui_slot s = { rep->kids[i], item };

		if (rep->kids[i]->type == FORM_TEXT && tui_slot_value(&app->edit.view, s))
			return tui_slot_value(&app->edit.view, s);
	}
	return "";
}

static void draw_list_row(int y, const char *text, bool cur)
{
	if (cur)
		attron(A_REVERSE);
	tui_put(y, 0, text, COLS);
	attroff(A_REVERSE);
}

static void draw_roster(struct tui_app *app, int y0, int end)
{
	struct tui_edit *e = &app->edit;
	const struct form_field *rep = e->pages[e->page].f;
	struct record_node *list = tui_edit_items(&e->view, rep);
	size_t n = list ? list->nkids : 0, i;
	long want = tui_edit_repeat_count(app, rep);

	if (want >= 0) {
		char *line = xasprintf("%s: %ld (%zu/%ld)", tui_str(app->en, S_EXPECTED), want, n,
				       want);

		tui_put(y0++, 2, line, COLS - 2);
		free(line);
	}
	if (!n) {
		tui_put(y0, 2, tui_str(app->en, S_NO_ITEMS), COLS - 2);
		return;
	}
	if (e->cur >= n)
		e->cur = n - 1;
	if (e->top > e->cur)
		e->top = e->cur;
	if (e->cur >= e->top + (size_t)(end - y0 + 1))
		e->top = e->cur - (size_t)(end - y0);
	for (i = e->top; i < n && y0 <= end; i++) {
		char *path = xasprintf("%s[%zu].", rep->name, i + 1);
		size_t k, bad = 0;
		char *line;

		for (k = 0; k < e->errors.n; k++)
			bad += !strncmp(e->errors.items[k].msg, path, strlen(path));
		line = bad ? xasprintf("  %zu. %s   (%zu %s)", i + 1, item_title(app, rep, i), bad,
				       tui_str(app->en, S_ERRORS)) :
			     xasprintf("  %zu. %s", i + 1, item_title(app, rep, i));
		draw_list_row(y0++, line, i == e->cur);
		free(line);
		free(path);
	}
}

static void draw_review(struct tui_app *app, int y0, int end)
{
	struct tui_edit *e = &app->edit;
	size_t i;

	if (!e->errors.n) {
		tui_put(y0, 2, tui_str(app->en, S_NO_ERRORS), COLS - 2);
		return;
	}
	if (e->cur >= e->errors.n)
		e->cur = e->errors.n - 1;
	if (e->top > e->cur)
		e->top = e->cur;
	if (e->cur >= e->top + (size_t)(end - y0 + 1))
		e->top = e->cur - (size_t)(end - y0);
	for (i = e->top; i < e->errors.n && y0 <= end; i++) {
		char *line = xasprintf("  ! %s", e->errors.items[i].msg);

		draw_list_row(y0++, line, i == e->cur);
		free(line);
	}
}

void tui_form_draw(struct tui_app *app)
{
	struct tui_edit *e = &app->edit;
	struct tui_page *p = &e->pages[e->page];
	const struct form *f = &app->ws->form;
	const char *ft = form_text(f, &f->title, app->lang);
	char *title, *head, *where;
	enum tui_str hint = S_HINT_FORM;

	/* The id first: a long form title is what gets cut. */
	title = xasprintf(" %s%s%s · %s",
			  e->rec.id ? e->rec.id : tui_str(app->en, S_NEW_RECORD),
			  tui_edit_void(e) ? " · " : "", tui_edit_void(e) ? tui_str(app->en, S_VOID) : "",
			  ft ? ft : f->id);
	if (tui_edit_void(e))
		hint = S_IS_VOID;
	else if (p->kind == TUI_PAGE_ROSTER)
		hint = S_HINT_ROSTER;
	else if (p->kind == TUI_PAGE_REVIEW)
		hint = S_HINT_REVIEW;
	tui_bars(app, title, hint);

	if (p->kind == TUI_PAGE_REVIEW)
		head = xstrdup(tui_str(app->en, S_REVIEW));
	else if (p->item != SIZE_MAX)
		head = xasprintf("%s · %s %zu", tui_label(app, p->f), tui_str(app->en, S_ITEM),
				 p->item + 1);
	else
		head = xstrdup(p->f ? tui_label(app, p->f) : (ft ? ft : f->id));
	where = xasprintf("%s %zu/%zu · %s %zu/%zu ", tui_str(app->en, S_PAGE), e->page + 1,
			  e->npages, tui_str(app->en, S_PROGRESS), e->answered, e->relevant);
	attron(A_BOLD);
	tui_put(1, 0, head, COLS - text_width(where) - 1);
	attroff(A_BOLD);
	tui_put(1, COLS - text_width(where), where, text_width(where));

	if (p->kind == TUI_PAGE_FIELDS)
		draw_fields(app, 3, LINES - 2);
	else if (p->kind == TUI_PAGE_ROSTER)
		draw_roster(app, 3, LINES - 2);
	else
		draw_review(app, 3, LINES - 2);
	free(title);
	free(head);
	free(where);
}
