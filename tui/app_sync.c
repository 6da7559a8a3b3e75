/*
 * app_sync.c - the home screen's sync key: sync_run() with its progress on
 * the status line, then a one-line summary (or why it failed) and the list
 * read again, since records may have come in.
 */
#include <stdlib.h>
#include <time.h>

#include "sync.h"
#include "tui.h"
#include "workspace.h"

/* Progress is drawn at most this often (ms): libgit2 reports every object. */
#define PROGRESS_EVERY 100

struct progress {
	struct tui_app *app;
	enum sync_stage stage;
	double last; /* ms, when drawn last; 0: never */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void show_progress(void *data, const struct sync_progress *p)
{
	static const enum tui_str stage[] = { S_SYNC_COMMITTING, S_SYNC_RECEIVING,
					      S_SYNC_SENDING };
	struct progress *pr = data;
	struct tui_app *app = pr->app;
	double t = now_ms();

	if (pr->last && p->stage == pr->stage && t - pr->last < PROGRESS_EVERY)
		return;
	pr->stage = p->stage;
	pr->last = t;
	if (p->total)
		tui_message(app, "%s: %zu/%zu %s, %zu KiB", tui_str(app->en, stage[p->stage]),
			    p->done, p->total, tui_str(app->en, S_OBJECTS), p->bytes / 1024);
	else
		tui_message(app, "%s: %zu %s", tui_str(app->en, stage[p->stage]), p->done,
			    tui_str(app->en, S_RECORDS));
	tui_draw(app);
}

int tui_sync(struct tui_app *app, int key)
{
	struct progress pr = { app, SYNC_COMMITTING, 0 };
	struct sync_opts opts = { NULL, show_progress, &pr };
	struct sync_result res;
	struct error err = ERROR_INIT;
	bool en = app->en;
	int ret;

	(void)key;
	tui_message(app, "%s", tui_str(en, S_SYNCING));
	tui_draw(app);
	ret = sync_run(app->ws, &opts, &res, &err);
	if (ret == ERR_USAGE) {
		tui_message(app, "%s", tui_str(en, S_SYNC_NO_REMOTE));
	} else if (ret && ret != ERR_CONFLICT) {
		tui_message(app, "%s: %s%s", tui_str(en, S_SYNC_FAILED),
			    err.n ? err.items[0].msg : "", err.n > 1 ? " (…)" : "");
	} else {
		struct sbuf sb = SBUF_INIT;

		sbuf_addf(&sb, "%s %zu %s, %zu %s; %s %zu", tui_str(en, S_W_SENT), res.sent_new,
			  tui_str(en, S_W_NEW), res.sent_updated, tui_str(en, S_W_UPDATED),
			  tui_str(en, S_W_RECEIVED), res.received);
		if (res.conflicts)
			sbuf_addf(&sb, "; %zu %s", res.conflicts,
				  tui_str(en, res.conflicts == 1 ? S_W_CONFLICT : S_W_CONFLICTS));
		tui_message(app, "%s", sbuf_str(&sb));
		sbuf_release(&sb);
	}
	error_release(&err);
	tui_home_load(app, false);
	return TUI_REDRAW;
}
