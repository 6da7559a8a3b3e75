/*
 * cmd_export.c - dieutra export: the workspace's records as flat tables
 * (CSV or SQLite) for analysts; the flattening is forms/export.c's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "seal.h"

/* What the repeat tables' rows are: "children" in the census. */
static const char *repeat_name(const struct form *f)
{
	const char *name = NULL;
	size_t i;

	for (i = 0; i < f->nfields; i++) {
		if (f->fields[i]->type != FORM_REPEAT)
			continue;
		if (name)
			return "repeat items";
		name = f->fields[i]->name;
	}
	return name ? name : "repeat items";
}

int cmd_export(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "bom", no_argument, NULL, 'b' },
		{ "sensitive", no_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct export_opts o = { EXPORT_CSV, NULL, false, false, &ring };
	struct export_result res;
	const char *dir = NULL;
	char **keys = NULL;
	size_t nkeys = 0, alloc = 0;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !strcmp(optarg, "csv"))
			o.format = EXPORT_CSV;
		else if (c == 'f' && !strcmp(optarg, "sqlite"))
			o.format = EXPORT_SQLITE;
		else if (c == 'f')
			return cli_usage_error(cli, "--format '%s': use csv or sqlite", optarg);
		else if (c == 'o')
			dir = optarg;
		else if (c == 'l')
			o.lang = optarg;
		else if (c == 'b')
			o.bom = true;
		else if (c == 's')
			o.sensitive = true;
		else if (c == 'k') {
			ALLOC_GROW(keys, nkeys + 1, alloc);
			keys[nkeys++] = optarg;
		} else {
			ret = cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc)
		ret = cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	else if (!dir)
		ret = cli_usage_error(cli, "--out DIR is required: the folder to write the tables in");
	else if (o.bom && o.format != EXPORT_CSV)
		ret = cli_usage_error(cli, "--bom is for --format csv only");
	else if (nkeys && !o.sensitive)
		ret = cli_usage_error(cli, "--key opens sensitive answers: give --sensitive too");
	else
		ret = cli_workspace(cli);
	if (ret)
		goto out;
	if (o.lang && cli->ws.form.languages &&
	    strcmp(cli->ws.form.languages[form_lang(&cli->ws.form, o.lang)], o.lang)) {
		ret = cli_usage_error(cli, "--lang '%s': the form has no such language", o.lang);
		goto out;
	}
	ret = cli_keyring(cli, keys, nkeys, &ring);
	if (!ret)
		ret = export_run(cli->ws.store, &cli->ws.form, dir, &o, &res, &cli->err);
	if (ret)
		goto out;
	printf("%s: %ld households, %ld %s (%s)", dir, res.households, res.items,
	       repeat_name(&cli->ws.form),
	       o.format == EXPORT_CSV ? "a .csv file per table and codebook.csv"
				      : EXPORT_SQLITE_FILE);
	if (res.voided)
		printf("; %ld void record%s left out", res.voided, res.voided == 1 ? "" : "s");
	putchar('\n');
out:
	free(keys);
	seal_keyring_release(&ring);
	return ret;
}
