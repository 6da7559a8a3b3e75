/*
 * cmd_district.c - commands of the district office: district init.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sync.h"

static int district_init(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "schema", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *schema = NULL;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 's')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		schema = optarg;
	}
	if (!schema)
		return cli_usage_error(cli, "--schema FILE is required: the form of the census");
	if (optind + 1 != argc)
		return cli_usage_error(cli, "give one path for the repository, e.g. district.git");
	ret = sync_district_init(argv[optind], schema, &cli->err);
	if (ret)
		return ret;
	printf("Created the district repository %s: communes sync to it with\n"
	       "  dieutra init --remote %s ...\n", argv[optind], argv[optind]);
	return 0;
}

int cmd_district(int argc, char **argv, struct cli *cli)
{
	if (argc < 2)
		return cli_usage_error(cli, "name a district command: init");
	if (!strcmp(argv[1], "init"))
		return district_init(argc - 1, argv + 1, cli);
	return cli_usage_error(cli, "'%s' is not a district command; try init", argv[1]);
}
