/*
 * screen_district.c - the app in a district workspace: its communes with
 * their figures, last sync, enumerators and what the last merge said of
 * them; Enter lists a commune's records (the home list, read only), where
 * a record is rejected with a message typed here, or accepted; `m` runs
 * `district merge`.  Conflicts never show here: they are a commune
 * laptop's own state (decision 1) and never reach the district.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

void tui_district_release(struct tui_district *d)
{
	sync_district_status_free(d->communes, d->n);
	d->communes = NULL;
	d->n = 0;
	free(d->title);
	d->title = NULL;
	tui_line_release(&d->prompt);
}

void tui_district_load(struct tui_app *app)
{
	struct tui_district *d = &app->district;
	struct error err = ERROR_INIT;

	sync_district_status_free(d->communes, d->n);
	d->communes = NULL;
	d->n = 0;
	if (sync_district_status(app->ws, util_now(), &d->communes, &d->n, &err))
		tui_message(app, "%s", err.n ? err.items[0].msg : "");
	if (d->cur >= d->n)
		d->cur = d->n ? d->n - 1 : 0;
	error_release(&err);
}

/* Appends s to sb, cut or padded to width columns, then a space. */
static void add_column(struct sbuf *sb, const char *s, int width)
{
	size_t n = text_fit(s, width);
	int w;

	sbuf_add(sb, s, n);
	for (w = text_width(s) > width ? width : text_width(s); w < width; w++)
		sbuf_addc(sb, ' ');
	sbuf_addc(sb, ' ');
}

static void add_number(struct sbuf *sb, long v, int width)
{
	sbuf_addf(sb, "%*ld ", width, v);
}

/* A commit time as dd/mm HH:MM, local time; "-" for none. */
static void when(long long t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm))
		snprintf(out, 16, "-");
	else
		strftime(out, 16, "%d/%m %H:%M", &tm);
}

static void add_names(struct sbuf *sb, const struct sync_commune_status *c)
{
	size_t i;

	/* Names only: the e-mail addresses are in `dieutra district status`. */
	for (i = 0; i < c->nenumerators; i++)
		sbuf_addf(sb, "%s%.*s", i ? ", " : "", (int)strcspn(c->enumerators[i], "<") - 1,
			  c->enumerators[i]);
}

static void draw_commune(struct tui_app *app, int y, const struct sync_commune_status *c,
			 bool selected)
{
	struct sbuf sb = SBUF_INIT;
	char t[16];

	sbuf_addc(&sb, ' ');
	add_column(&sb, c->title, 19);
	add_number(&sb, c->households, 4);
	add_number(&sb, c->children, 4);
	add_number(&sb, c->complete, 4);
	add_number(&sb, c->draft, 5);
	add_number(&sb, c->rejected, 4);
	when(c->last_sync, t);
	add_column(&sb, t, 11);
	add_column(&sb, c->refused ? tui_str(app->en, S_REFUSED) :
			c->merged ? tui_str(app->en, S_MERGED) : "-", 7);
	add_names(&sb, c);
	if (selected)
		attron(A_REVERSE);
	tui_put(y, 0, sbuf_str(&sb), COLS);
	attroff(A_REVERSE);
	sbuf_release(&sb);
}

static void draw_header(struct tui_app *app, int y)
{
	static const struct { enum tui_str s; int w; } cols[] = {
		{ S_COL_COMMUNE, 19 }, { S_COL_HOUSEHOLDS, 4 }, { S_COL_CHILDREN, 4 },
		{ S_COL_DONE, 4 }, { S_COL_DRAFT, 5 }, { S_COL_REJECTED, 4 },
		{ S_COL_LAST_SYNC, 11 }, { S_COL_MERGE, 7 }, { S_COL_ENUMERATORS, 20 },
	};
	struct sbuf sb = SBUF_INIT;
	size_t i;

	sbuf_addc(&sb, ' ');
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		add_column(&sb, tui_str(app->en, cols[i].s), cols[i].w);
	attron(A_BOLD);
	tui_put(y, 0, sbuf_str(&sb), COLS);
	attroff(A_BOLD);
	sbuf_release(&sb);
}

/* The reasons the last merge gave for refusing c, each wrapped, from row y0 to end. */
static void draw_reasons(struct tui_app *app, const struct sync_commune_status *c, int y0,
			 int end)
{
	const char *p = c->reasons;
	char *line = xasprintf(" %s %s:", tui_str(app->en, S_REFUSED_WHY), c->code);
	int y = y0;

	attron(tui_attr_error(app));
	tui_put(y++, 0, line, COLS);
	free(line);
	while (p && *p && y <= end) {
		size_t len = strcspn(p, "\n"), fit, k;

		line = xstrndup(p, len);
		fit = text_fit(line, COLS - 2);
		/* A long reason goes on over the next lines, cut between words. */
		for (k = fit; fit < len && k > 1 && line[k - 1] != ' '; k--)
			;
		if (fit < len && k > 1)
			fit = k;
		line[fit ? fit : len] = '\0';
		tui_put(y++, 2, line, COLS - 2);
		free(line);
		p += fit && fit < len ? fit : len + (p[len] == '\n');
	}
	attroff(tui_attr_error(app));
}

/* Rows the bottom gives the reasons of c: a heading and a few lines, when refused. */
static int reason_lines(const struct sync_commune_status *c)
{
	return c && c->refused ? 6 : 0;
}

static void draw_district(struct tui_app *app)
{
	struct tui_district *d = &app->district;
	const struct sync_commune_status *sel = d->cur < d->n ? &d->communes[d->cur] : NULL;
	long h = 0, k = 0, rej = 0;
	size_t i, refused = 0;
	int bottom = LINES - 2 - reason_lines(sel), y;
	char *line;

	line = xasprintf(" %s · %s · %s", tui_str(app->en, S_APP), tui_str(app->en, S_DISTRICT),
			 app->ws->enumerator);
	tui_bars(app, line, S_HINT_DISTRICT);
	free(line);
	for (i = 0; i < d->n; i++) {
		h += d->communes[i].households;
		k += d->communes[i].children;
		rej += d->communes[i].rejected;
		refused += d->communes[i].refused;
	}
	line = xasprintf(" %zu %s · %ld %s · %ld %s · %ld %s · %zu %s", d->n,
			 tui_str(app->en, S_COMMUNES), h, tui_str(app->en, S_HOUSEHOLDS), k,
			 tui_str(app->en, S_CHILDREN), rej, tui_str(app->en, S_REJECTED), refused,
			 tui_str(app->en, S_REFUSED));
	tui_put(1, 0, line, COLS);
	free(line);
	draw_header(app, 2);
	if (!d->n)
		tui_put(3, 1, tui_str(app->en, S_NO_COMMUNES), COLS - 1);
	if (d->cur < d->top)
		d->top = d->cur;
	if (bottom >= 3 && d->cur > d->top + (size_t)(bottom - 3))
		d->top = d->cur - (size_t)(bottom - 3);
	for (i = d->top, y = 3; i < d->n && y <= bottom; i++, y++)
		draw_commune(app, y, &d->communes[i], i == d->cur);
	if (reason_lines(sel))
		draw_reasons(app, sel, bottom + 1, LINES - 2);
}

static int quit(struct tui_app *app, int key)
{
	(void)app;
	(void)key;
	return TUI_QUIT;
}

static int up(struct tui_app *app, int key)
{
	(void)key;
	if (app->district.cur)
		app->district.cur--;
	return TUI_REDRAW;
}

static int down(struct tui_app *app, int key)
{
	(void)key;
	if (app->district.cur + 1 < app->district.n)
		app->district.cur++;
	return TUI_REDRAW;
}

/* Enter: the commune's records, read from the store the first time. */
static int open_commune(struct tui_app *app, int key)
{
	struct tui_district *d = &app->district;
	struct tui_home *h = &app->home;

	(void)key;
	if (d->cur >= d->n)
		return 0;
	if (!d->loaded) {
		tui_home_load(app, false);
		d->loaded = true;
	}
	snprintf(h->prefix, sizeof(h->prefix), "%s-", d->communes[d->cur].code);
	/* Kept apart from the list, which a merge reads again while the records are shown. */
	free(d->title);
	d->title = xstrdup(d->communes[d->cur].title);
	h->cur = h->top = 0;
	h->filter = -1;
	tui_line_clear(&h->search);
	/* Another commune's rows: the filter starts again from all of them. */
	free(h->query);
	h->query = NULL;
	tui_home_filter(h);
	app->screen = &tui_district_records_screen;
	return TUI_REDRAW;
}

int tui_district_back(struct tui_app *app, int key)
{
	(void)key;
	app->home.searching = false;
	app->screen = &tui_district_screen;
	tui_district_load(app);
	return TUI_REDRAW;
}

int tui_district_merge(struct tui_app *app, int key)
{
	struct sync_merge_result res;
	struct error err = ERROR_INIT;
	bool en = app->en;
	int ret;

	(void)key;
	tui_message(app, "%s", tui_str(en, S_MERGING));
	tui_draw(app);
	ret = sync_district_merge(app->ws, &res, &err);
	if (ret && ret != ERR_DATA)
		tui_message(app, "%s: %s", tui_str(en, S_MERGE_FAILED), err.n ? err.items[0].msg : "");
	else if (!res.merged && !res.refused)
		tui_message(app, "%s", tui_str(en, S_NOTHING_NEW));
	else
		tui_message(app, "%s %zu, %s %zu %s", tui_str(en, S_W_MERGED), res.merged,
			    tui_str(en, S_W_REFUSED), res.refused, tui_str(en, S_COMMUNES));
	sync_merge_result_release(&res);
	error_release(&err);
	tui_district_load(app);
	if (app->district.loaded) {
		tui_home_load(app, false);
		tui_home_filter(&app->home);
	}
	return TUI_REDRAW;
}

/* The district's decision on the record under the cursor: rejected with message, or accepted. */
static void decide(struct tui_app *app, const char *message)
{
	struct tui_home_row *r = tui_home_row_at(&app->home);
	struct error err = ERROR_INIT;
	char *id;
	bool changed = false;

	if (!r)
		return;
	id = xstrdup(r->id);
	if (sync_district_review(app->ws, id, message, &changed, &err))
		tui_message(app, "%s: %s", id, err.n ? err.items[0].msg : "");
	else if (!changed)
		tui_message(app, "%s: %s", id, tui_str(app->en, S_ALREADY));
	else
		tui_message(app, "%s: %s", id,
			    tui_str(app->en, message ? S_W_REJECTED : S_W_ACCEPTED));
	tui_home_reload(app, id);
	free(id);
	error_release(&err);
}

int tui_district_reject(struct tui_app *app, int key)
{
	(void)key;
	if (!tui_home_row_at(&app->home))
		return 0;
	app->home.searching = false;
	app->district.prompting = true;
	tui_line_clear(&app->district.prompt);
	tui_line_set_mode(&app->district.prompt, app->input);
	return TUI_REDRAW;
}

int tui_district_accept(struct tui_app *app, int key)
{
	(void)key;
	decide(app, NULL);
	return TUI_REDRAW;
}

int tui_district_type(struct tui_app *app, int key)
{
	struct tui_district *d = &app->district;
	bool changed;

	switch (key) {
	case 27:
		d->prompting = false;
		return TUI_REDRAW;
	case '\r':
	case '\n':
	case TUI_FKEY(KEY_ENTER):
		if (!tui_line_length(&d->prompt)) {
			tui_message(app, "%s", tui_str(app->en, S_NEED_WHY));
			return TUI_REDRAW;
		}
		d->prompting = false;
		decide(app, tui_line_str(&d->prompt));
		return TUI_REDRAW;
	default:
		return tui_type_key(&d->prompt, key, &changed);
	}
}

void tui_district_draw_records(struct tui_app *app)
{
	struct tui_district *d = &app->district;
	struct tui_line_view v;
	char *label, *part;
	int w;

	tui_home_draw(app);
	if (!d->prompting)
		return;
	label = xasprintf(" %s: ", tui_str(app->en, S_WHY_REJECT));
	w = text_width(label);
	attron(A_BOLD);
	tui_put(LINES - 2, 0, label, w);
	attroff(A_BOLD);
	tui_line_view(&d->prompt, COLS - w - 1, &v);
	part = xstrndup(tui_line_str(&d->prompt) + v.start, v.end - v.start);
	attron(A_UNDERLINE);
	tui_put(LINES - 2, w, part, COLS - w - 1);
	attroff(A_UNDERLINE);
	app->cy = LINES - 2;
	app->cx = w + v.col;
	free(part);
	free(label);
}

static const struct tui_key district_keys[] = {
	{ '?', "? F1", S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_F(1)), NULL, S_K_HELP, tui_show_help },
	{ TUI_FKEY(KEY_UP), "↑ k", S_K_UP, up },
	{ 'k', NULL, S_K_UP, up },
	{ TUI_FKEY(KEY_DOWN), "↓ j", S_K_DOWN, down },
	{ 'j', NULL, S_K_DOWN, down },
	{ '\r', "Enter", S_K_OPEN_COMMUNE, open_commune },
	{ '\n', NULL, S_K_OPEN_COMMUNE, open_commune },
	{ TUI_FKEY(KEY_ENTER), NULL, S_K_OPEN_COMMUNE, open_commune },
	{ 'm', "m", S_K_MERGE, tui_district_merge },
	{ TUI_FKEY(KEY_F(3)), "F3 L", S_K_LANG, tui_toggle_lang },
	{ 'L', NULL, S_K_LANG, tui_toggle_lang },
	{ 'q', "q", S_K_QUIT, quit },
};

const struct tui_screen tui_district_screen = {
	district_keys, sizeof(district_keys) / sizeof(district_keys[0]), draw_district, NULL,
	NULL,
};
