/*
 * cmd_tui.c - `dieutra` alone, or `dieutra tui`: the full-screen app
 * (app.c) on the workspace.
 */
#include "cli.h"
#include "tui.h"

int cmd_tui(int argc, char **argv, struct cli *cli)
{
	int ret;

	(void)argv;
	if (argc > 1)
		return cli_usage_error(cli, "the app takes no arguments");
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	return tui_run(&cli->ws, &cli->err);
}
