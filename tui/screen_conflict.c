/*
 * screen_conflict.c - a record whose answers two laptops changed two ways
 * (decision 1): each answer's two values side by side, in the form's
 * language, one picked per answer with ← and →, then saved as the record
 * (workspace_resolve), which settles it.  `dieutra resolve` does the same
 * from the command line.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "record.h"
#include "seal.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

enum { PICK_NONE, PICK_OURS, PICK_THEIRS };

void tui_conflict_close(struct tui_conflict *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		store_conflict_release(&c->items[i]);
	free(c->items);
	free(c->pick);
	free(c->id);
	memset(c, 0, sizeof(*c));
}

/* Two values, NULL being "no answer". */
static bool same(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

int tui_conflict_open(struct tui_app *app, const char *id)
{
	struct tui_conflict *c = &app->conflict;
	struct error err = ERROR_INIT;
	size_t i;
	int ret;

	tui_conflict_close(c);
	ret = store_conflict_list(app->ws->store, id, &c->items, &c->n, &err);
	if (ret || !c->n) {
		tui_message(app, "%s", err.n ? err.items[0].msg : id);
		tui_conflict_close(c);
		error_release(&err);
		return ret ? ret : ERR_NOTFOUND;
	}
	c->id = xstrdup(id);
	c->pick = xcalloc(c->n, sizeof(*c->pick));
	/* A pick made with `dieutra resolve` shows, when it is one of the two values. */
	for (i = 0; i < c->n; i++) {
		const char *ours = NULL, *theirs = NULL;

		if (!c->items[i].picked || !store_conflict_side(&c->items[i], false, &ours) ||
		    !store_conflict_side(&c->items[i], true, &theirs))
			continue;
		c->pick[i] = same(c->items[i].pick, ours) ? PICK_OURS :
			     same(c->items[i].pick, theirs) ? PICK_THEIRS : PICK_NONE;
	}
	app->home.searching = false;
	app->screen = &tui_conflict_screen;
	return 0;
}

/* The field a conflict's path ends at (household.village, children[_id=k3f9].dob), or NULL. */
static const struct form_field *field_of(const struct form *f, const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *name = dot ? dot + 1 : path;
	size_t i, n = strcspn(name, "[");

	for (i = 0; i < f->nfields; i++)
		if (strlen(f->fields[i]->name) == n && !strncmp(f->fields[i]->name, name, n))
			return f->fields[i];
	return NULL;
}

static const char *label_of(const struct tui_app *app, const struct store_conflict *c)
{
	const struct form_field *f;

	if (!strcmp(c->path, "status"))
		return tui_str(app->en, S_COL_STATUS);
	if (!strcmp(c->path, "version"))
		return tui_str(app->en, S_VERSION);
	f = field_of(&app->ws->form, c->path);
	return f ? tui_label(app, f) : c->path;
}

/* A value as the person entered it: choice labels, dates dd/mm/yyyy. */
static char *shown(const struct tui_app *app, const struct store_conflict *c, const char *value)
{
	const struct form_field *f = field_of(&app->ws->form, c->path);
	struct sbuf sb = SBUF_INIT;
	char *copy, *word, *save = NULL;

	if (!value)
		return xstrdup("—");
	/* Two sealings of one answer: which is which is for the district to read. */
	if (!strncmp(value, SEAL_CONFLICT_PREFIX, strlen(SEAL_CONFLICT_PREFIX)))
		return xstrdup(tui_str(app->en, S_PROTECTED));
	if (c->tree || !f || (f->type != FORM_SELECT_ONE && f->type != FORM_SELECT_MULTIPLE &&
			      f->type != FORM_DATE) || (f->type != FORM_DATE && !f->list))
		return xstrdup(value);
	if (f->type == FORM_DATE) {
		char out[11];

		tui_date_show(value, out);
		return xstrdup(out);
	}
	copy = xstrdup(value);
	for (word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		const struct form_choice *x = form_choice(f->list, word);
		const char *l = x ? form_text(&app->ws->form, &x->label, app->lang) : NULL;

		sbuf_addf(&sb, "%s%s", sb.len ? ", " : "", l ? l : word);
	}
	free(copy);
	return sbuf_detach(&sb);
}

/* One side of an answer in its column: [x] when picked. */
static void draw_side(int y, int x, int w, const char *text, bool picked)
{
	char *cell = xasprintf("%s %s", picked ? "[x]" : "[ ]", text);

	if (picked)
		attron(A_BOLD);
	tui_put(y, x, cell, w);
	attroff(A_BOLD);
	free(cell);
}

static void draw_conflict(struct tui_app *app)
{
	struct tui_conflict *c = &app->conflict;
	int lw = COLS / 3, vw = (COLS - lw - 1) / 2, y = 4;
	char *title = xasprintf(" %s · %s", c->id, tui_str(app->en, S_CONFLICTS));
	size_t i;

	tui_bars(app, title, S_HINT_CONFLICT);
	free(title);
	tui_put(1, 1, tui_str(app->en, S_CONFLICT_HELP), COLS - 1);
	attron(A_BOLD);
	tui_put(3, 1, tui_str(app->en, S_FIELD), lw - 1);
	tui_put(3, lw, tui_str(app->en, S_OURS), vw);
	tui_put(3, lw + vw + 1, tui_str(app->en, S_THEIRS), vw);
	attroff(A_BOLD);
	for (i = 0; i < c->n && y < LINES - 2; i++, y++) {
		const struct store_conflict *x = &c->items[i];
		char *ours = shown(app, x, x->ours), *theirs = shown(app, x, x->theirs);

		if (i == c->cur)
			attron(A_REVERSE);
		tui_put(y, 0, i == c->cur ? ">" : " ", 1);
		tui_put(y, 1, label_of(app, x), lw - 1);
		attroff(A_REVERSE);
		draw_side(y, lw, vw, ours, c->pick[i] == PICK_OURS);
		tui_put(y, lw + vw, "", 1);
		draw_side(y, lw + vw + 1, vw, theirs, c->pick[i] == PICK_THEIRS);
		free(ours);
		free(theirs);
	}
}

static int leave(struct tui_app *app, int key)
{
	(void)key;
	if (app->conflict.id)
		tui_home_reload(app, app->conflict.id);
	tui_conflict_close(&app->conflict);
	app->screen = &tui_home_screen;
	return TUI_REDRAW;
}

static int up(struct tui_app *app, int key)
{
	(void)key;
	if (app->conflict.cur)
		app->conflict.cur--;
	return TUI_REDRAW;
}

static int down(struct tui_app *app, int key)
{
	(void)key;
	if (app->conflict.cur + 1 < app->conflict.n)
		app->conflict.cur++;
	return TUI_REDRAW;
}

/* Picks a side for the current answer and moves to the next one. */
static int pick(struct tui_app *app, int side)
{
	struct tui_conflict *c = &app->conflict;
	const char *value;

	if (!store_conflict_side(&c->items[c->cur], side == PICK_THEIRS, &value)) {
		tui_message(app, "%s", tui_str(app->en, S_WHOLE));
		return TUI_REDRAW;
	}
	c->pick[c->cur] = side;
	return down(app, 0);
}

static int pick_ours(struct tui_app *app, int key)
{
	(void)key;
	return pick(app, PICK_OURS);
}

static int pick_theirs(struct tui_app *app, int key)
{
	(void)key;
	return pick(app, PICK_THEIRS);
}

/* Every answer picked: the picks are kept, then the record saved, which settles it. */
static int save(struct tui_app *app, int key)
{
	struct tui_conflict *c = &app->conflict;
	struct error err = ERROR_INIT;
	struct record r;
	size_t i;
	int ret = 0;

	(void)key;
	for (i = 0; i < c->n; i++)
		if (c->pick[i] == PICK_NONE) {
			c->cur = i;
			tui_message(app, "%s", tui_str(app->en, S_TO_PICK));
			return TUI_REDRAW;
		}
	record_init(&r);
	for (i = 0; i < c->n && !ret; i++) {
		const struct store_conflict *x = &c->items[i];
		const char *value = NULL;

		store_conflict_side(x, c->pick[i] == PICK_THEIRS, &value);
		ret = store_conflict_pick(app->ws->store, c->id, x->path, value, &err);
	}
	if (!ret)
		ret = workspace_resolve(app->ws, c->id, app->ws->form.languages[app->lang], &r,
					&err);
	if (ret) {
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	} else {
		char *id = xstrdup(c->id);

		leave(app, 0);
		tui_message(app, "%s: %s", id, tui_str(app->en, S_SETTLED));
		free(id);
	}
	record_release(&r);
	error_release(&err);
	return TUI_REDRAW;
}

static const struct tui_key conflict_keys[] = {
	{ '?', "?", S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_F(1)), "F1", S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_UP), "↑ k", S_K_UP, up },
	{ 'k', NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_DOWN), "↓ j", S_K_DOWN, down },
	{ 'j', NULL, S_K_DOWN, down },
	{ TUI_FKEY(KEY_LEFT), "← 1", S_K_OURS, pick_ours },
	{ '1', NULL, S_K_OURS, pick_ours },
	{ 'h', NULL, S_K_OURS, pick_ours },
	{ TUI_FKEY(KEY_RIGHT), "→ 2", S_K_THEIRS, pick_theirs },
	{ '2', NULL, S_K_THEIRS, pick_theirs },
	{ 'l', NULL, S_K_THEIRS, pick_theirs },
	{ 's', "s F10", S_K_SAVE, save },
	{ TUI_FKEY(KEY_F(10)), NULL, S_K_SAVE, save },
	{ TUI_FKEY(KEY_F(3)), "F3 L", S_K_LANG, tui_toggle_lang },
	{ 'L', NULL, S_K_LANG, tui_toggle_lang },
	{ 27, "Esc q", S_K_LEAVE, leave },
	{ 'q', NULL, S_K_LEAVE, leave },
};

const struct tui_screen tui_conflict_screen = {
	conflict_keys, sizeof(conflict_keys) / sizeof(conflict_keys[0]), draw_conflict, NULL, NULL,
};
