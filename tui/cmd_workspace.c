/*
 * cmd_workspace.c - commands about workspaces and forms: init, check-schema.
 */
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "form.h"
#include "sync.h"

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The workspace, with the form of the district's main (fetched into a scratch folder). */
static int init_from_district(const char *dir, const struct workspace_identity *id,
			      const char *url, struct error *err)
{
	const char *tmp = getenv("TMPDIR");
	char *scratch = xasprintf("%s/dieutra-form.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *form = NULL;
	int ret;

	ret = workspace_check_identity(id, err);
	if (!ret)
		ret = sync_repo_init(dir, url, err);
	if (ret)
		goto out;
	if (!mkdtemp(scratch)) {
		ret = error_at(err, ERR_ENV, scratch, 0, 0, "cannot make a scratch folder");
		goto out;
	}
	ret = sync_schema_checkout(dir, scratch, &form, err);
	if (!ret)
		ret = workspace_create(dir, id, form, err);
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
out:
	free(form);
	free(scratch);
	return ret;
}

int cmd_init(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "commune", required_argument, NULL, 'c' },
		{ "enumerator", required_argument, NULL, 'e' },
		{ "device", required_argument, NULL, 'd' },
		{ "schema", required_argument, NULL, 's' },
		{ "remote", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct workspace_identity id = { NULL, NULL, NULL };
	const char *schema = NULL, *remote = NULL, *dir = cli->dir;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			id.commune = optarg;
			break;
		case 'e':
			id.enumerator = optarg;
			break;
		case 'd':
			id.device = optarg;
			break;
		case 's':
			schema = optarg;
			break;
		case 'r':
			remote = optarg;
			break;
		default:
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cli, "one directory at most, got '%s' too", argv[optind]);
	if (!schema && !remote)
		return cli_usage_error(cli, "--schema FILE is required, or --remote URL (the "
				       "district repository): the form this commune will use");
	if (schema && remote)
		return cli_usage_error(cli, "give --schema FILE or --remote URL, not both: with "
				       "--remote the form comes from the district");
	if (!id.commune || !id.enumerator || !id.device)
		return cli_usage_error(cli, "--commune, --enumerator and --device are all required");
	if (remote) {
		ret = init_from_district(dir, &id, remote, &cli->err);
	} else {
		ret = workspace_create(dir, &id, schema, &cli->err);
		if (!ret)
			ret = sync_repo_init(dir, NULL, &cli->err);
	}
	if (ret)
		return ret;
	printf("Created the workspace of commune %s in %s (device %s, %s).\n",
	       id.commune, dir, id.device, id.enumerator);
	return 0;
}

int cmd_check_schema(int argc, char **argv, struct cli *cli)
{
	int i, ret = 0;

	if (argc < 2)
		return cli_usage_error(cli, "name at least one form file");
	for (i = 1; i < argc; i++) {
		struct form f = FORM_INIT;
		struct error one = ERROR_INIT;
		int rc = form_load(argv[i], &f, &one);

		error_sort(&one);
		error_move(&cli->err, &one);
		if (rc && (ret == 0 || rc == ERR_DATA))
			ret = rc;
		form_release(&f);
	}
	return ret;
}
