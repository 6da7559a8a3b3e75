/*
 * cmd_sync.c - `dieutra sync`: exchange records with the district
 * repository, with progress on the terminal and a one-line summary.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"
#include "sync.h"

/* Redraws of the progress line are at least this far apart, but for a stage's first and last. */
#define PROGRESS_EVERY_MS 100

struct progress_line {
	long long last_ms; /* when it was drawn last */
	int stage;         /* the stage drawn last, -1 before any */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libgit2 reports each object: a terminal over a slow link is not drawn on that often. */
static void show_progress(void *data, const struct sync_progress *p)
{
	static const char *const what[] = { "Committing", "Receiving", "Sending" };
	struct progress_line *line = data;
	long long now = now_ms();

	if ((int)p->stage == line->stage && now - line->last_ms < PROGRESS_EVERY_MS &&
	    (!p->total || p->done < p->total))
		return;
	line->stage = (int)p->stage;
	line->last_ms = now;
	if (p->total)
		fprintf(stderr, "\r%s: %zu/%zu objects, %zu KiB\033[K", what[p->stage], p->done,
			p->total, p->bytes / 1024);
	else
		fprintf(stderr, "\r%s: %zu records\033[K", what[p->stage], p->done);
}

int cmd_sync(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "remote", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct progress_line line = { 0, -1 };
	struct sync_opts so = { NULL, NULL, &line };
	struct sync_result res;
	bool quiet = false, sent;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+q", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			so.remote = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	if (!quiet && isatty(STDERR_FILENO))
		so.progress = show_progress;
	ret = sync_run(&cli->ws, &so, &res, &cli->err);
	if (so.progress)
		fputs("\r\033[K", stderr);
	/* Records kept back for want of a key do not stop the others. */
	sent = !ret || ret == ERR_CONFLICT || (ret == ERR_DATA && res.withheld);
	if (sent) {
		char now[21];
		int rc;

		util_format_time(util_now(), now);
		rc = store_config_set(cli->ws.store, CLI_LAST_SYNC, now, &cli->err);
		if (rc)
			return rc;
	}
	if (!sent || quiet)
		return ret;
	printf("sent %zu new, %zu updated; received %zu", res.sent_new, res.sent_updated,
	       res.received);
	if (res.withheld)
		printf("; %zu record%s kept back", res.withheld, res.withheld == 1 ? "" : "s");
	if (res.conflicts)
		printf("; %zu conflict%s", res.conflicts, res.conflicts == 1 ? "" : "s");
	putchar('\n');
	if (res.form_taken)
		fprintf(stderr, "the district's form version %s is now in use here: new records "
			"take it, earlier ones keep the version they were entered with\n",
			cli->ws.form.version);
	return ret;
}
