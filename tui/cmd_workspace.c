/*
 * cmd_workspace.c - commands about workspaces and forms: init, check-schema.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "form.h"

int cmd_init(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "commune", required_argument, NULL, 'c' },
		{ "enumerator", required_argument, NULL, 'e' },
		{ "device", required_argument, NULL, 'd' },
		{ "schema", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct workspace_identity id = { NULL, NULL, NULL };
	const char *schema = NULL, *dir = cli->dir;
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
		default:
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc)
		return cli_usage_error(cli, "one directory at most, got '%s' too", argv[optind]);
	if (!schema)
		return cli_usage_error(cli, "--schema FILE is required: the form this commune will use");
	if (!id.commune || !id.enumerator || !id.device)
		return cli_usage_error(cli, "--commune, --enumerator and --device are all required");
	ret = workspace_create(dir, &id, schema, &cli->err);
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
