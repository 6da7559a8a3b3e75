/*
 * screen_home.c - the first screen: the commune's records with their
 * counts, searched as you type (case and diacritics ignored, as
 * `dieutra list --search`) and filtered by status; new, open, void.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "record.h"
#include "store.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

static const enum tui_str status_names[TUI_NSTATUS] = {
	S_DRAFT, S_COMPLETE, S_VOID, S_REJECTED, S_CONFLICT,
};

static const char *status_name(bool en, const char *status)
{
	size_t i;

	for (i = 0; i < TUI_NSTATUS; i++)
		if (!strcmp(status, tui_statuses[i]))
			return tui_str(en, status_names[i]);
	return status;
}

static int add_row(void *data, const struct store_row *row)
{
	tui_home_add(data, row);
	return 0;
}

static int put_row(void *data, const struct store_row *row)
{
	tui_home_put(data, row);
	return 0;
}

void tui_home_load(struct tui_app *app, bool first)
{
	struct tui_home *h = &app->home;
	struct error err = ERROR_INIT;
	long counts[4];
	int i;

	tui_home_clear(h);
	/* The first screen needs only its own rows: the counts come from the store's index. */
	h->partial = first;
	if (store_list_keys(app->ws->store, NULL, first ? LINES : 0, add_row, h, &err) < 0 ||
	    (first && store_count(app->ws->store, counts, &err) < 0))
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	tui_home_filter(h);
	if (first && !err.n) {
		memset(h->counts, 0, sizeof(h->counts));
		for (i = 0; i < 4; i++)
			h->counts[i] = counts[i];
	}
	error_release(&err);
}

void tui_home_reload(struct tui_app *app, const char *id)
{
	struct tui_home *h = &app->home;
	struct error err = ERROR_INIT;
	/* id may be a row's own, which the row read again replaces. */
	char *copy = xstrdup(id);

	if (h->partial)
		tui_home_load(app, false);
	else if (store_list_keys(app->ws->store, copy, 0, put_row, h, &err) < 0)
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	tui_home_filter(h);
	error_release(&err);
	free(copy);
}

/* The form's first top-level repeat (the children of a household), or NULL. */
static const struct form_field *main_repeat(const struct form *f)
{
	size_t i;

	for (i = 0; i < f->ntop; i++)
		if (f->top[i]->type == FORM_REPEAT)
			return f->top[i];
	return NULL;
}

/*
 * Counts the items of the record's main repeat, once, and only for rows
 * drawn: reading every record's body would slow the first screen of a
 * commune of thousands of households.
 */
static void count_items(struct tui_app *app, struct tui_home_row *hr)
{
	const struct form_field *rep = main_repeat(&app->ws->form);
	struct record r;
	struct record_node *list;

	hr->counted = true;
	if (!rep)
		return;
	record_init(&r);
	if (!workspace_load(app->ws, hr->id, &r, NULL)) {
		list = tui_edit_items(&r, rep);
		hr->items = list ? (long)list->nkids : 0;
	}
	record_release(&r);
}

/* Whether the district has the version of r this laptop has; looked up once, for rows drawn. */
static bool row_sent(struct tui_app *app, struct tui_home_row *r)
{
	long long rev, synced;

	if (r->sent < 0)
		r->sent = !store_sync_state(app->ws->store, r->id, &rev, &synced, NULL) &&
			  rev >= 0 && rev == synced;
	return r->sent;
}

/*
 * The district's message on a rejected record, its meta.review (DESIGN
 * decision 3), or NULL; the caller frees it.  Read from the stored text
 * itself: only the record under the cursor needs it.
 */
static char *row_review(struct tui_app *app, const struct tui_home_row *r)
{
	struct store_row row = { 0 };
	struct record_node *tree = NULL;
	const char *v;
	char *review = NULL;

	if (!store_get(app->ws->store, r->id, &row, NULL) &&
	    !record_tree_parse(row.body, strlen(row.body), r->id, RECORD_TREE_SEALED, &tree,
			       NULL)) {
		v = record_node_value(record_node_get(tree, "meta"), "review");
		review = v ? xstrdup(v) : NULL;
	}
	record_node_free(tree);
	store_row_release(&row);
	return review;
}

/* Appends s to sb, padded with spaces to width columns. */
static void add_column(struct sbuf *sb, const char *s, int width)
{
	int w;

	sbuf_adds(sb, s);
	for (w = text_width(s); w < width; w++)
		sbuf_addc(sb, ' ');
}

/* The records from row y0 down to row end, under a line of column names. */
static void draw_rows(struct tui_app *app, int y0, int end)
{
	struct tui_home *h = &app->home;
	struct sbuf sb = SBUF_INIT;
	int rows = end - y0, y;
	size_t k;

	sbuf_addc(&sb, ' ');
	add_column(&sb, tui_str(app->en, S_COL_ID), 15);
	add_column(&sb, tui_str(app->en, S_COL_STATUS), 12);
	add_column(&sb, tui_str(app->en, S_COL_ITEMS), 5);
	/* The district's own store holds what it has: nothing to send. */
	if (!h->prefix[0])
		add_column(&sb, tui_str(app->en, S_COL_SENT), 10);
	sbuf_adds(&sb, tui_str(app->en, S_COL_TITLE));
	attron(A_BOLD);
	tui_put(y0, 0, sbuf_str(&sb), COLS);
	attroff(A_BOLD);
	if (!h->n)
		tui_put(y0 + 1, 1, tui_str(app->en, S_NONE), COLS - 1);
	if (h->cur < h->top)
		h->top = h->cur;
	if (rows > 0 && h->cur >= h->top + (size_t)rows)
		h->top = h->cur - (size_t)rows + 1;
	for (k = h->top, y = y0 + 1; k < h->n && y <= end; k++, y++) {
		struct tui_home_row *r = &h->rows[h->shown[k]];
		char items[24] = "";

		if (!r->counted)
			count_items(app, r);
		if (r->items >= 0)
			snprintf(items, sizeof(items), "%3ld", r->items);
		sbuf_reset(&sb);
		sbuf_addc(&sb, ' ');
		add_column(&sb, r->id, 15);
		add_column(&sb, status_name(app->en, r->status), 12);
		add_column(&sb, items, 5);
		if (!h->prefix[0])
			add_column(&sb, tui_str(app->en, row_sent(app, r) ? S_SENT : S_UNSENT), 10);
		sbuf_adds(&sb, r->title);
		if (k == h->cur)
			attron(A_REVERSE);
		tui_put(y, 0, sbuf_str(&sb), COLS);
		attroff(A_REVERSE);
	}
	sbuf_release(&sb);
}

void tui_home_draw(struct tui_app *app)
{
	struct tui_home *h = &app->home;
	struct workspace *ws = app->ws;
	struct sbuf sb = SBUF_INIT;
	struct tui_line_view v;
	char *part, *review = NULL;
	long total = 0;
	int i, label;

	if (h->prefix[0]) {
		sbuf_addf(&sb, " %s · %s · %s", tui_str(app->en, S_APP), app->district.title,
			  ws->enumerator);
	} else {
		sbuf_addf(&sb, " %s · %s · %s", tui_str(app->en, S_APP),
			  ws->commune ? ws->commune : ws->role, ws->enumerator);
	}
	tui_bars(app, sbuf_str(&sb), h->prefix[0] ? S_HINT_DISTRICT_RECORDS : S_HINT_HOME);
	sbuf_reset(&sb);
	for (i = 0; i < TUI_NSTATUS; i++)
		total += h->counts[i];
	sbuf_addf(&sb, " %ld %s:", total, tui_str(app->en, S_RECORDS));
	for (i = 0; i < TUI_NSTATUS; i++)
		sbuf_addf(&sb, "%s %s %ld", i ? " ·" : "", tui_str(app->en, status_names[i]),
			  h->counts[i]);
	tui_put(1, 0, sbuf_str(&sb), COLS);

	sbuf_reset(&sb);
	sbuf_addf(&sb, " %s: %s   %s: ", tui_str(app->en, S_FILTER),
		  tui_str(app->en, h->filter < 0 ? S_ALL : status_names[h->filter]),
		  tui_str(app->en, S_SEARCH));
	label = text_width(sbuf_str(&sb));
	tui_put(2, 0, sbuf_str(&sb), label);
	tui_line_view(&h->search, COLS - label - 1, &v);
	part = xstrndup(tui_line_str(&h->search) + v.start, v.end - v.start);
	if (h->searching)
		attron(A_UNDERLINE);
	tui_put(2, label, part, COLS - label - 1);
	attroff(A_UNDERLINE);
	free(part);
	if (h->searching) {
		app->cy = 2;
		app->cx = label + v.col;
	}

	if (tui_home_row_at(h) && !strcmp(tui_home_row_at(h)->status, "rejected"))
		review = row_review(app, tui_home_row_at(h));
	draw_rows(app, 3, LINES - (review ? 3 : 2));
	if (review) {
		char *line = xasprintf(" %s: %s", tui_str(app->en, S_DISTRICT_SAYS), review);

		attron(tui_attr_error(app));
		tui_put(LINES - 2, 0, line, COLS);
		attroff(tui_attr_error(app));
		free(line);
	}
	free(review);
	sbuf_release(&sb);
}

static int quit(struct tui_app *app, int key)
{
	(void)app;
	(void)key;
	return TUI_QUIT;
}

static int up(struct tui_app *app, int key)
{
	struct tui_home *h = &app->home;
	size_t step = key == TUI_FKEY(KEY_PPAGE) ? (size_t)(LINES - 5) : 1;

	h->cur = h->cur > step ? h->cur - step : 0;
	return TUI_REDRAW;
}

static int down(struct tui_app *app, int key)
{
	struct tui_home *h = &app->home;
	size_t step = key == TUI_FKEY(KEY_NPAGE) ? (size_t)(LINES - 5) : 1;

	if (h->n)
		h->cur = h->cur + step < h->n ? h->cur + step : h->n - 1;
	return TUI_REDRAW;
}

static int enter_form(struct tui_app *app, const char *id)
{
	if (tui_edit_open(app, id))
		return TUI_REDRAW;
	app->home.searching = false;
	app->screen = &tui_form_screen;
	tui_form_enter(app);
	return TUI_REDRAW;
}

static int open_record(struct tui_app *app, int key)
{
	struct tui_home_row *row = tui_home_row_at(&app->home);

	(void)key;
	if (!row)
		return 0;
	/* A record two laptops changed two ways is settled before it is edited. */
	if (!strcmp(row->status, "conflict")) {
		tui_conflict_open(app, row->id);
		return TUI_REDRAW;
	}
	return enter_form(app, row->id);
}

static int new_record(struct tui_app *app, int key)
{
	(void)key;
	return enter_form(app, NULL);
}

static int void_now(struct tui_app *app)
{
	struct tui_home_row *hr = tui_home_row_at(&app->home);
	struct error err = ERROR_INIT;
	struct record r;
	enum workspace_saved saved;
	int ret;

	if (!hr)
		return TUI_REDRAW;
	record_init(&r);
	ret = workspace_load(app->ws, hr->id, &r, &err);
	if (!ret) {
		free(r.status);
		r.status = xstrdup("void");
		ret = workspace_save(app->ws, &r, app->ws->form.languages[app->lang], &saved, &err);
	}
	if (ret)
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	else
		tui_message(app, "%s: %s", tui_str(app->en, S_VOIDED), r.id);
	tui_home_reload(app, hr->id);
	record_release(&r);
	error_release(&err);
	return TUI_REDRAW;
}

static int void_record(struct tui_app *app, int key)
{
	struct tui_home_row *hr = tui_home_row_at(&app->home);

	(void)key;
	if (hr && strcmp(hr->status, "void"))
		tui_ask(app, S_Q_VOID, void_now);
	return TUI_REDRAW;
}

static int search(struct tui_app *app, int key)
{
	(void)key;
	app->home.searching = true;
	return TUI_REDRAW;
}

/* Tab: the next status (after the last, every status again); Shift-Tab: the one before. */
static int filter_status(struct tui_app *app, int key)
{
	struct tui_home *h = &app->home;

	if (key == TUI_FKEY(KEY_BTAB))
		h->filter = h->filter < 0 ? TUI_NSTATUS - 1 : h->filter - 1;
	else
		h->filter = h->filter + 1 >= TUI_NSTATUS ? -1 : h->filter + 1;
	h->cur = 0;
	tui_home_filter(h);
	return TUI_REDRAW;
}

static bool typing(struct tui_app *app)
{
	return app->home.searching;
}

/* Keys while the search line is open: it changes, and the list with it. */
static int type_search(struct tui_app *app, int key)
{
	struct tui_line *l = &app->home.search;
	bool changed = false;
	int ret = TUI_REDRAW;

	switch (key) {
	case 27:
	case '\r':
	case '\n':
	case TUI_FKEY(KEY_ENTER):
		app->home.searching = false;
		if (key == 27)
			changed = tui_line_length(l) > 0;
		if (changed)
			tui_line_clear(l);
		break;
	default:
		ret = tui_type_key(l, key, &changed);
	}
	if (changed) {
		app->home.cur = 0;
		tui_home_filter(&app->home);
	}
	return ret;
}

static const struct tui_key home_keys[] = {
	{ '?', "? F1", S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_F(1)), NULL, S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_UP), "↑ k PgUp", S_K_UP, up },
	{ 'k', NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_PPAGE), NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_DOWN), "↓ j PgDn", S_K_DOWN, down },
	{ 'j', NULL, S_K_DOWN, down },
	{ TUI_FKEY(KEY_NPAGE), NULL, S_K_DOWN, down },
	{ '\r', "Enter", S_K_OPEN, open_record },
	{ '\n', NULL, S_K_OPEN, open_record },
	{ TUI_FKEY(KEY_ENTER), NULL, S_K_OPEN, open_record },
	{ 'n', "n", S_K_NEW, new_record },
	{ 'v', "v", S_K_VOID, void_record },
	{ '/', "/", S_K_SEARCH, search },
	{ '\t', "Tab", S_K_FILTER, filter_status },
	{ TUI_FKEY(KEY_BTAB), "Shift-Tab", S_K_FILTER_BACK, filter_status },
	{ 's', "s", S_K_SYNC, tui_sync },
	{ TUI_FKEY(KEY_F(2)), "F2 Ctrl-T", S_K_INPUT, tui_toggle_input },
	{ TUI_CTRL('t'), NULL, S_K_INPUT, tui_toggle_input },
	{ TUI_FKEY(KEY_F(3)), "F3 L", S_K_LANG, tui_toggle_lang },
	{ 'L', NULL, S_K_LANG, tui_toggle_lang },
	{ 'q', "q", S_K_QUIT, quit },
};

const struct tui_screen tui_home_screen = {
	home_keys, sizeof(home_keys) / sizeof(home_keys[0]), tui_home_draw, typing, type_search,
};

static bool district_typing(struct tui_app *app)
{
	return app->home.searching || app->district.prompting;
}

static int district_type(struct tui_app *app, int key)
{
	return app->district.prompting ? tui_district_type(app, key) : type_search(app, key);
}

/* A commune's records in the district mode: read only, but for the district's decision. */
static const struct tui_key district_record_keys[] = {
	{ '?', "? F1", S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_F(1)), NULL, S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_UP), "↑ k PgUp", S_K_UP, up },
	{ 'k', NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_PPAGE), NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_DOWN), "↓ j PgDn", S_K_DOWN, down },
	{ 'j', NULL, S_K_DOWN, down },
	{ TUI_FKEY(KEY_NPAGE), NULL, S_K_DOWN, down },
	{ 'r', "r", S_K_REJECT, tui_district_reject },
	{ 'a', "a", S_K_ACCEPT, tui_district_accept },
	{ 'm', "m", S_K_MERGE, tui_district_merge },
	{ '/', "/", S_K_SEARCH, search },
	{ '\t', "Tab", S_K_FILTER, filter_status },
	{ TUI_FKEY(KEY_BTAB), "Shift-Tab", S_K_FILTER_BACK, filter_status },
	{ 27, "Esc", S_K_COMMUNES, tui_district_back },
	{ TUI_FKEY(KEY_F(2)), "F2 Ctrl-T", S_K_INPUT, tui_toggle_input },
	{ TUI_CTRL('t'), NULL, S_K_INPUT, tui_toggle_input },
	{ TUI_FKEY(KEY_F(3)), "F3 L", S_K_LANG, tui_toggle_lang },
	{ 'L', NULL, S_K_LANG, tui_toggle_lang },
	{ 'q', "q", S_K_QUIT, quit },
};

const struct tui_screen tui_district_records_screen = {
	district_record_keys, sizeof(district_record_keys) / sizeof(district_record_keys[0]),
	tui_district_draw_records, district_typing, district_type,
};
