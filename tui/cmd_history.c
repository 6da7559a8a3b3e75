/*
 * cmd_history.c - dieutra history ID: who changed which answer of a
 * record, when, from what to what, as git remembers it (sync/history.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "record.h"
#include "seal.h"
#include "sync.h"
#include "util.h"

/* "2026-11-23 16:05 +07:00": the time as the person who committed saw it. */
static void format_when(long long t, int offset, char buf[32])
{
	time_t local = (time_t)(t + (long long)offset * 60);
	struct tm tm;
	int off = offset < 0 ? -offset : offset;
	size_t n;

	gmtime_r(&local, &tm);
	n = strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
	snprintf(buf + n, 32 - n, " %c%02d:%02d", offset < 0 ? '-' : '+', off / 60, off % 60);
}

/* A sealed answer is never printed, not even sealed: its text means nothing to a reader. */
static const char *shown(const char *value, bool sealed)
{
	if (!value)
		return "(no answer)";
	return sealed ? "(sealed)" : value;
}

static void print_change(const struct sync_change *ch)
{
	char when[32];
	size_t i;

	format_when(ch->time, ch->offset, when);
	printf("%s  %s  %.10s\n    %s\n", when, ch->author, ch->commit, ch->subject);
	for (i = 0; i < ch->nchanges; i++) {
		const struct record_change *c = &ch->changes[i];

		if (ch->created)
			printf("  %s: %s\n", c->path, shown(c->new, c->new_sealed));
		else
			printf("  %s: %s → %s\n", c->path, shown(c->old, c->old_sealed),
			       shown(c->new, c->new_sealed));
	}
	if (!ch->nchanges)
		puts("  (no answer changed)");
}

int cmd_history(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct sync_change *v = NULL;
	char **keys = NULL;
	size_t i, n = 0, nkeys = 0, alloc = 0;
	int c, ret = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'k') {
			ret = cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
		ALLOC_GROW(keys, nkeys + 1, alloc);
		keys[nkeys++] = optarg;
	}
	if (optind + 1 != argc) {
		ret = cli_usage_error(cli, "give exactly one record id");
		goto out;
	}
	ret = cli_workspace(cli);
	if (!ret)
		ret = cli_keyring(cli, keys, nkeys, &ring);
	if (!ret)
		ret = sync_history(&cli->ws, argv[optind], &ring, &v, &n, &cli->err);
	/* A damaged sealed answer is named in the errors; the history is still shown. */
	for (i = 0; i < n; i++) {
		if (i)
			putchar('\n');
		print_change(&v[i]);
	}
	sync_history_free(v, n);
out:
	seal_keyring_release(&ring);
	free(keys);
	return ret;
}
