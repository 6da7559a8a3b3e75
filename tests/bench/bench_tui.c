/*
 * bench_tui.c - the app's speed (issue #3): how long the first screen takes
 * on a commune of thousands of records, and how much CPU each key costs on
 * the home search and in a household of a hundred children.
 *
 *   bench_tui WORKSPACE HOUSEHOLD-ID
 *
 * The real app (tui/ and forms/ objects) runs on a terminal of its own, a
 * curses screen writing to /dev/null (80x24), driven key by key through
 * tui_dispatch() and tui_draw() as tui_run() would.  The household is
 * first given children through the app's own keys until it has 100.
 * Prints one line per figure, its name and its value in ms, tab-separated
 * (b20-tui.sh sets the targets).  With BENCH_TUI_TRACE set, each key
 * costing more than 0.3 ms is named on stderr, to see which one to profile.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui.h"
#include "util.h"
#include "workspace.h"

#define FIRST_SCREEN_RUNS 5
#define CHILDREN 100

static double now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void report(const char *measure, double value)
{
	printf("%s\t%.2f\n", measure, value);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* CPU time of each key, and the slowest. */
struct keys_cost {
	double total, max;
	size_t n;
};

/* Feeds key to the app and draws, as one turn of tui_run's loop; adds its CPU time to c. */
static int press(struct tui_app *app, int key, struct keys_cost *c)
{
	double t0 = now_ms(CLOCK_PROCESS_CPUTIME_ID), t;
	int flags = tui_dispatch(app, key);

	tui_draw(app);
	t = now_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
	if (getenv("BENCH_TUI_TRACE") && t > 0.3)
		fprintf(stderr, "key %#x: %.2f ms\n", key, t);
	if (c) {
		c->total += t;
		c->n++;
		if (t > c->max)
			c->max = t;
	}
	return flags;
}

static void press_text(struct tui_app *app, const char *s, struct keys_cost *c)
{
	for (; *s; s++)
		press(app, (unsigned char)*s, c);
}

/*
 * The first screen: opening the workspace, reading the home list's first
 * rows and drawing them, as `dieutra` does (wall clock); then reading the
 * whole list, as it does before it reads the first key (CPU time: it is
 * reading memory, and the wall clock of a shared machine is mostly others').  The median of a few runs, the
 * terminal cleared before each so that everything is drawn.
 */
static int first_screen(const char *dir)
{
	double first[FIRST_SCREEN_RUNS], open[FIRST_SCREEN_RUNS], whole[FIRST_SCREEN_RUNS];
	int i;

	for (i = 0; i < FIRST_SCREEN_RUNS; i++) {
		struct workspace ws = WORKSPACE_INIT;
		struct error err = ERROR_INIT;
		struct tui_app app;
		double t0;

		clearok(curscr, TRUE);
		t0 = now_ms(CLOCK_MONOTONIC);
		if (workspace_open(dir, &ws, &err)) {
			fprintf(stderr, "bench_tui: %s\n", err.n ? err.items[0].msg : dir);
			error_release(&err);
			return -1;
		}
		open[i] = now_ms(CLOCK_MONOTONIC) - t0;
		tui_app_init(&app, &ws);
		tui_draw(&app);
		first[i] = now_ms(CLOCK_MONOTONIC) - t0;
		t0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		tui_home_load(&app, false);
		whole[i] = now_ms(CLOCK_PROCESS_CPUTIME_ID) - t0;
		tui_app_release(&app);
		workspace_close(&ws);
	}
	qsort(first, FIRST_SCREEN_RUNS, sizeof(first[0]), cmp_double);
	qsort(whole, FIRST_SCREEN_RUNS, sizeof(whole[0]), cmp_double);
	qsort(open, FIRST_SCREEN_RUNS, sizeof(open[0]), cmp_double);
	report("first_screen", first[FIRST_SCREEN_RUNS / 2]);
	report("workspace_open", open[FIRST_SCREEN_RUNS / 2]);
	report("whole_list_cpu", whole[FIRST_SCREEN_RUNS / 2]);
	return 0;
}

/* Typing a search on the home screen, then erasing it, a key at a time. */
static void home_search(struct tui_app *app)
{
	struct keys_cost c = { 0, 0, 0 };
	const char *words = "nguyen van 12";
	size_t i;

	press(app, '/', NULL);
	press_text(app, words, &c);
	for (i = 0; i < strlen(words); i++)
		press(app, 127, &c);
	press(app, 27, NULL);
	report("search_key_mean", c.total / (double)c.n);
	report("search_key_max", c.max);
}

/*
 * In the household of a hundred children: its roster, moving down it,
 * opening the last child, typing a name (each field left is saved), and
 * back to the roster.
 */
static void household(struct tui_app *app, const char *id)
{
	struct keys_cost c = { 0, 0, 0 };
	struct record_node *list;
	size_t guard = 0;
	int i;

	press(app, '/', NULL);
	press_text(app, id, NULL);
	press(app, '\r', NULL);
	press(app, '\r', NULL);
	while (app->edit.open && app->edit.pages[app->edit.page].kind != TUI_PAGE_ROSTER &&
	       app->edit.page + 1 < app->edit.npages)
		press(app, TUI_FKEY(KEY_NPAGE), NULL);
	if (!app->edit.open || app->edit.pages[app->edit.page].kind != TUI_PAGE_ROSTER) {
		fprintf(stderr, "bench_tui: %s did not open on a roster\n", id);
		exit(1);
	}
	/* Children added as a person would: +, a name, back to the roster. */
	while ((list = tui_edit_items(&app->edit.view, app->edit.pages[app->edit.page].f),
		!list || list->nkids < CHILDREN) && guard++ < CHILDREN) {
		press(app, '+', NULL);
		press_text(app, "Vangf Thij Con", NULL);
		press(app, 27, NULL);
	}
	list = tui_edit_items(&app->edit.view, app->edit.pages[app->edit.page].f);
	if (!list || list->nkids < CHILDREN) {
		fprintf(stderr, "bench_tui: %s has %zu children, not %d\n", id,
			list ? list->nkids : 0, CHILDREN);
		exit(1);
	}
	/* From the page before the roster, as a person coming to it. */
	press(app, TUI_FKEY(KEY_PPAGE), NULL);
	press(app, TUI_FKEY(KEY_NPAGE), &c);
	for (i = 0; i < 99; i++)
		press(app, TUI_FKEY(KEY_DOWN), &c);
	press(app, '\r', &c);
	press(app, TUI_FKEY(KEY_END), &c);
	press_text(app, " Thij", &c);
	press(app, TUI_FKEY(KEY_DOWN), &c);
	press(app, TUI_FKEY(KEY_UP), &c);
	for (i = 0; i < 4; i++)
		press(app, 127, &c);
	press(app, TUI_FKEY(KEY_DOWN), &c);
	for (i = 0; i < 3; i++)
		press(app, TUI_FKEY(KEY_PPAGE), &c);
	press(app, 27, &c);
	for (i = 0; i < 50; i++)
		press(app, TUI_FKEY(KEY_UP), &c);
	press(app, '+', &c);
	press_text(app, "Vangf Thij Moiws", &c);
	press(app, TUI_FKEY(KEY_DOWN), &c);
	press(app, 27, &c);
	press(app, 27, &c);
	report("household_key_mean", c.total / (double)c.n);
	report("household_key_max", c.max);
}

int main(int argc, char **argv)
{
	struct workspace ws = WORKSPACE_INIT;
	struct error err = ERROR_INIT;
	struct tui_app app;
	FILE *out, *in;
	SCREEN *sc;
	int ret = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_tui WORKSPACE HOUSEHOLD-ID\n");
		return 2;
	}
	setenv("LINES", "24", 1);
	setenv("COLUMNS", "80", 1);
	if (!getenv("TERM") || !strcmp(getenv("TERM"), "dumb"))
		setenv("TERM", "xterm", 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	sc = out && in ? newterm(NULL, out, in) : NULL;
	if (!sc) {
		fprintf(stderr, "bench_tui: no terminal for curses\n");
		goto out;
	}
	keypad(stdscr, TRUE);
	if (first_screen(argv[1]))
		goto out;
	if (workspace_open(argv[1], &ws, &err)) {
		fprintf(stderr, "bench_tui: %s\n", err.n ? err.items[0].msg : argv[1]);
		goto out;
	}
	tui_app_init(&app, &ws);
	tui_draw(&app);
	tui_home_load(&app, false);
	home_search(&app);
	household(&app, argv[2]);
	tui_app_release(&app);
	workspace_close(&ws);
	ret = 0;
out:
	if (sc) {
		endwin();
		delscreen(sc);
	}
	if (out)
		fclose(out);
	if (in)
		fclose(in);
	error_release(&err);
	return ret;
}
