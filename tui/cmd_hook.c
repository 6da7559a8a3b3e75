/*
 * cmd_hook.c - `dieutra hook install PATH.git` and the hook it installs,
 * `dieutra hook run`: the district's checks on every push.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sync.h"

static int hook_install(int argc, char **argv, struct cli *cli)
{
	char *exe;
	int ret;

	if (argc != 2)
		return cli_usage_error(cli, "give the district's bare repository, e.g. "
				       "hook install /srv/git/district.git");
	exe = realpath("/proc/self/exe", NULL);
	if (!exe)
		return error_add(&cli->err, ERR_ENV, "cannot tell where this program is "
				 "(/proc/self/exe): the hook must call it by its full path");
	ret = sync_hook_install(argv[1], exe, &cli->err);
	if (!ret)
		printf("Installed the pre-receive hook in %s: every push runs %s hook run\n",
		       argv[1], exe);
	free(exe);
	return ret;
}

/* Reads git's ref updates from stdin; the reasons of a refusal go to the pusher. */
static int hook_run(int argc, char **argv, struct cli *cli)
{
	struct sbuf in = SBUF_INIT;
	char buf[4096];
	size_t n;
	int ret;

	(void)argv;
	if (argc != 1)
		return cli_usage_error(cli, "run takes no arguments: git gives it the updates");
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		sbuf_add(&in, buf, n);
	ret = sync_hook_run(sbuf_str(&in), &cli->err);
	if (ret == ERR_DATA)
		error_add(&cli->err, ret, "the district refused this push: nothing was changed");
	sbuf_release(&in);
	return ret;
}

int cmd_hook(int argc, char **argv, struct cli *cli)
{
	if (argc < 2)
		return cli_usage_error(cli, "name a hook command: install");
	if (!strcmp(argv[1], "install"))
		return hook_install(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "run"))
		return hook_run(argc - 1, argv + 1, cli);
	return cli_usage_error(cli, "'%s' is not a hook command; try install", argv[1]);
}
