/*
 * app.c - the full-screen app's loop (`dieutra` or `dieutra tui`): curses
 * set up once, then read a key, hand it to the current screen's table, and
 * draw that screen from the state.  A resize only redraws: every screen
 * lays itself out from LINES and COLS each time.
 */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "form.h"
#include "text.h"
#include "tui.h"
#include "workspace.h"

enum { PAIR_BAR = 1, PAIR_ERROR };

int tui_attr_error(const struct tui_app *app)
{
	return app->color ? (int)(COLOR_PAIR(PAIR_ERROR) | A_BOLD) : A_BOLD;
}

int tui_attr_bar(const struct tui_app *app)
{
	return app->color ? (int)COLOR_PAIR(PAIR_BAR) : A_REVERSE;
}

void tui_put(int y, int x, const char *s, int width)
{
	size_t n;
	char *part;
	int w;

	if (width <= 0 || y < 0 || y >= LINES)
		return;
	n = text_fit(s, width);
	part = xstrndup(s, n);
	w = text_width(part);
	mvaddstr(y, x, part);
	free(part);
	for (; w < width; w++)
		addch(' ');
}

void tui_message(struct tui_app *app, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(app->message);
	app->message = sbuf_detach(&sb);
}

void tui_ask(struct tui_app *app, enum tui_str q, int (*on_yes)(struct tui_app *app))
{
	app->question = q;
	app->on_yes = on_yes;
}

int tui_toggle_lang(struct tui_app *app, int key)
{
	(void)key;
	app->en = !app->en;
	app->lang = form_lang(&app->ws->form, app->en ? "en" : "vi");
	if (app->edit.open)
		tui_edit_refresh(app);
	return TUI_REDRAW;
}

int tui_toggle_input(struct tui_app *app, int key)
{
	(void)key;
	app->input = tui_input_next(app->input);
	tui_line_set_mode(&app->home.search, app->input);
	tui_line_set_mode(&app->district.prompt, app->input);
	if (app->edit.open)
		tui_line_set_mode(&app->edit.line, app->input);
	return TUI_REDRAW;
}

int tui_type_key(struct tui_line *l, int key, bool *changed)
{
	*changed = false;
	switch (key) {
	case TUI_FKEY(KEY_BACKSPACE):
	case 127:
	case 8:
		*changed = tui_line_backspace(l);
		break;
	case TUI_FKEY(KEY_DC):
		*changed = tui_line_delete(l);
		break;
	case TUI_FKEY(KEY_LEFT):
		tui_line_left(l);
		break;
	case TUI_FKEY(KEY_RIGHT):
		tui_line_right(l);
		break;
	case TUI_FKEY(KEY_HOME):
		tui_line_home(l);
		break;
	case TUI_FKEY(KEY_END):
		tui_line_end(l);
		break;
	default:
		if (key >= TUI_FKEY(0) || key < ' ')
			return TUI_PASS;
		*changed = !tui_line_insert(l, (uint32_t)key);
	}
	return TUI_REDRAW;
}

int tui_show_help(struct tui_app *app, int key)
{
	(void)key;
	app->help = true;
	return TUI_REDRAW;
}

void tui_bars(struct tui_app *app, const char *title, enum tui_str hint)
{
	char *right = xasprintf("%s %s · %s ", tui_str(app->en, S_TYPING),
				tui_input_name(app->input), app->en ? "EN" : "VI");
	int rw = text_width(right);

	attron(tui_attr_bar(app));
	tui_put(0, 0, title, COLS - rw - 1);
	tui_put(0, COLS - rw - 1, "", 1);
	tui_put(0, COLS - rw, right, rw);
	attroff(tui_attr_bar(app));
	free(right);
	if (app->question != S_COUNT) {
		char *q = xasprintf("%s %s", tui_str(app->en, app->question),
				    tui_str(app->en, S_YESNO));

		attron(A_BOLD);
		tui_put(LINES - 1, 0, q, COLS);
		attroff(A_BOLD);
		free(q);
	} else if (app->message) {
		attron(A_BOLD);
		tui_put(LINES - 1, 0, app->message, COLS);
		attroff(A_BOLD);
	} else {
		tui_put(LINES - 1, 0, tui_str(app->en, hint), COLS);
	}
}

/* The keys of the current screen, in a box over it. */
static void draw_help(struct tui_app *app)
{
	const struct tui_screen *sc = app->screen;
	int w = COLS - 4 < 70 ? COLS - 4 : 70, x = (COLS - w) / 2, y = 1, n = 0;
	size_t i;

	for (i = 0; i < sc->nkeys; i++)
		n += sc->keys[i].name != NULL;
	if (n + 4 > LINES - 2)
		n = LINES - 6;
	attron(A_REVERSE);
	tui_put(y++, x, tui_str(app->en, S_KEYS), w);
	attroff(A_REVERSE);
	for (i = 0; i < sc->nkeys && y < n + 2; i++) {
		char *line;

		if (!sc->keys[i].name)
			continue;
		line = xasprintf("  %-10s %s", sc->keys[i].name,
				 tui_str(app->en, sc->keys[i].help));
		tui_put(y++, x, line, w);
		free(line);
	}
	tui_put(y++, x, "", w);
	attron(A_REVERSE);
	tui_put(y, x, tui_str(app->en, S_ANYKEY), w);
	attroff(A_REVERSE);
}

void tui_draw(struct tui_app *app)
{
	erase();
	app->cy = -1;
	if (LINES < 12 || COLS < 40)
		tui_put(0, 0, tui_str(app->en, S_TOO_SMALL), COLS);
	else
		app->screen->draw(app);
	if (app->help)
		draw_help(app);
	if (app->cy >= 0 && !app->help && app->question == S_COUNT) {
		curs_set(1);
		move(app->cy, app->cx);
	} else {
		curs_set(0);
	}
	refresh();
}

int tui_dispatch(struct tui_app *app, int key)
{
	const struct tui_screen *sc = app->screen;
	size_t i;
	int flags;

	if (app->help) {
		app->help = false;
		return TUI_REDRAW;
	}
	free(app->message);
	app->message = NULL;
	if (app->question != S_COUNT) {
		app->question = S_COUNT;
		if (key == 'y' || key == 'Y' || key == 'c' || key == 'C')
			return app->on_yes(app) | TUI_REDRAW;
		return TUI_REDRAW;
	}
	if (sc->typing && sc->typing(app)) {
		flags = sc->other(app, key);
		if (!(flags & TUI_PASS))
			return flags;
	}
	for (i = 0; i < sc->nkeys; i++)
		if (sc->keys[i].key == key)
			return sc->keys[i].action(app, key);
	if (sc->other && !(sc->typing && sc->typing(app)))
		return sc->other(app, key) & ~TUI_PASS;
	return 0;
}

static volatile sig_atomic_t ending;

/* SIGHUP, SIGTERM, SIGINT (Ctrl-C): end the app, but only after saving. */
static void on_end(int sig)
{
	(void)sig;
	ending = 1;
}

/* Starts curses on the terminal; returns whether colours are used. */
static bool start_curses(void)
{
	const char *no_color = getenv("NO_COLOR");
	struct sigaction sa;
	bool color;

	/* No SA_RESTART: the read of a key returns, and the loop sees the flag. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_end;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	color = has_colors() && !(no_color && *no_color);
	if (color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_BAR, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_ERROR, COLOR_RED, -1);
	}
	return color;
}

void tui_app_init(struct tui_app *app, struct workspace *ws)
{
	memset(app, 0, sizeof(*app));
	app->ws = ws;
	app->lang = form_lang(&ws->form, "vi");
	tui_str_province(ws->form.level == FORM_LEVEL_PROVINCE);
	app->input = TUI_INPUT_TELEX;
	app->question = S_COUNT;
	app->screen = &tui_home_screen;
	tui_line_init(&app->home.search);
	tui_line_set_mode(&app->home.search, app->input);
	app->home.filter = -1;
	tui_line_init(&app->district.prompt);
	if (workspace_is_district(ws)) {
		/* The district office works on communes, not on one commune's records. */
		app->screen = &tui_district_screen;
		tui_district_load(app);
		return;
	}
	tui_home_load(app, true);
}

void tui_app_release(struct tui_app *app)
{
	tui_edit_close(&app->edit);
	tui_conflict_close(&app->conflict);
	tui_home_release(&app->home);
	tui_district_release(&app->district);
	free(app->message);
	app->message = NULL;
}

int tui_run(struct workspace *ws, struct error *err)
{
	struct tui_app app;
	wint_t wc;
	int rc, key;
	bool color;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return error_add(err, ERR_USAGE,
				 "dieutra: the app needs a terminal; use the commands "
				 "(see `dieutra --help`) in scripts");
	color = start_curses();
	tui_app_init(&app, ws);
	app.color = color;
	for (;;) {
		tui_draw(&app);
		if (app.home.partial) {
			/* The first screen is up: the rest of the list is read while it is looked at. */
			tui_home_load(&app, false);
			continue;
		}
		errno = 0;
		rc = ending ? ERR : get_wch(&wc);
		if (ending || (rc == ERR && errno != EINTR)) {
			/*
			 * The terminal is gone (ssh dropped, window closed) or the
			 * app was told to end: keep what was being typed, as
			 * leaving the field would, and stop rather than read a
			 * dead terminal forever.
			 */
			if (app.edit.open)
				tui_form_leave(&app);
			break;
		}
		if (rc == ERR)
			continue;
		key = rc == KEY_CODE_YES ? TUI_FKEY((int)wc) : (int)wc;
		if (key == TUI_FKEY(KEY_RESIZE))
			continue;
		if (tui_dispatch(&app, key) & TUI_QUIT)
			break;
	}
	endwin();
	tui_app_release(&app);
	return 0;
}
