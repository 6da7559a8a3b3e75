/*
 * cmd_resolve.c - `dieutra resolve`: settle, from the command line, the
 * answers a sync found changed two ways (the app's conflict screen does
 * the same with keys).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"
#include "store.h"

enum pick { PICK_NONE, PICK_OURS, PICK_THEIRS, PICK_VALUE };

static void release_all(struct store_conflict *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_conflict_release(&c[i]);
	free(c);
}

/* Remembers the pick for conflict c. */
static int pick_one(struct cli *cli, const struct store_conflict *c, enum pick how,
		    const char *value)
{
	if (how == PICK_VALUE && c->tree)
		return error_add(&cli->err, ERR_DATA,
				 "dieutra resolve: %s: %s is a whole group or item: pick --ours "
				 "or --theirs, then correct it in the app", c->record, c->path);
	if (how != PICK_VALUE && !store_conflict_side(c, how == PICK_THEIRS, &value))
		return error_add(&cli->err, ERR_DATA,
				 "dieutra resolve: %s: %s on the other laptop was a whole group or "
				 "item (%s), kept before this version of dieutra without all of it: "
				 "keep this laptop's with --ours, then enter the other's in the app",
				 c->record, c->path, c->theirs ? c->theirs : "(no answer)");
	return store_conflict_pick(cli->ws.store, c->record, c->path, value, &cli->err);
}

static int usage_paths(struct cli *cli, const char *id, const char *field,
		       const struct store_conflict *c, size_t n)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;
	int ret;

	for (i = 0; i < n; i++)
		sbuf_addf(&sb, "%s%s", i ? ", " : "", c[i].path);
	ret = cli_usage_error(cli, "%s has no conflict at '%s'; its conflicts: %s", id, field,
			      sbuf_str(&sb));
	sbuf_release(&sb);
	return ret;
}

int cmd_resolve(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "ours", no_argument, NULL, 'o' },
		{ "theirs", no_argument, NULL, 't' },
		{ "value", required_argument, NULL, 'v' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *id, *field = NULL, *value = NULL, *lang = NULL;
	struct store_conflict *c = NULL;
	struct sbuf left = SBUF_INIT;
	enum pick how = PICK_NONE;
	struct record r;
	size_t i, n = 0;
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'l') {
			lang = optarg;
			continue;
		}
		if (opt == '?')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		if (how != PICK_NONE)
			return cli_usage_error(cli, "give one of --ours, --theirs, --value V");
		how = opt == 'o' ? PICK_OURS : opt == 't' ? PICK_THEIRS : PICK_VALUE;
		value = opt == 'v' ? optarg : NULL;
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage_error(cli, "give a record id and, optionally, one field");
	id = argv[optind];
	if (argc - optind == 2)
		field = argv[optind + 1];
	if (how == PICK_NONE)
		return cli_usage_error(cli, "say which value to keep: --ours, --theirs or --value V");
	if (how == PICK_VALUE && !field)
		return cli_usage_error(cli, "--value V needs the field it is for");
	record_init(&r);
	ret = cli_workspace(cli);
	if (!ret)
		ret = store_conflict_list(cli->ws.store, id, &c, &n, &cli->err);
	if (ret)
		goto out;
	if (!n) {
		ret = error_add(&cli->err, ERR_DATA,
				"dieutra resolve: %s has no conflict (see `dieutra list --status "
				"conflict`)", id);
		goto out;
	}
	for (i = 0; i < n && field && strcmp(c[i].path, field); i++)
		;
	if (field && i == n) {
		ret = usage_paths(cli, id, field, c, n);
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		if (field ? !strcmp(c[i].path, field) : !c[i].picked)
			ret = pick_one(cli, &c[i], how, value);
		else if (!c[i].picked)
			sbuf_addf(&left, "%s%s", left.len ? ", " : "", c[i].path);
	}
	if (ret)
		goto out;
	if (left.len) {
		fprintf(stderr, "%s: %s picked; still to pick: %s\n", id, field, sbuf_str(&left));
		goto out;
	}
	ret = workspace_resolve(&cli->ws, id, lang, &r, &cli->err);
	if (!ret)
		fprintf(stderr, "%s: settled, status %s; the next `dieutra sync` sends it\n", id,
			r.status);
	else if (ret == ERR_DATA)
		error_add(&cli->err, ret, "dieutra resolve: %s is not settled: pick again so that "
			  "it validates (e.g. --value V)", id);
out:
	release_all(c, n);
	sbuf_release(&left);
	record_release(&r);
	return ret;
}
