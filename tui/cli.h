/*
 * cli.h - what the commands of tui/ share: the table's entry type, the
 * context main() hands each command, and small helpers for options.
 */
#ifndef DIEUTRA_CLI_H
#define DIEUTRA_CLI_H

#include <stdbool.h>

#include "util.h"
#include "workspace.h"

/* The store's config key where `dieutra sync` keeps when it last synced (ISO 8601 UTC). */
#define CLI_LAST_SYNC "last_sync"

struct cli {
	const char *dir;        /* -C DIR, default "." */
	struct workspace ws;    /* opened by cli_workspace(), closed by main() */
	struct error err;       /* messages for the user; main() prints them */
	const char *name;       /* the running command's name */
	const char *usage;      /* its usage text */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli *cli);
	const char *summary;
	const char *usage; /* printed by --help and after a usage error */
};

/*
 * Commands: argv[0] is the command's name; they return 0 or an ERR_* code
 * with messages in cli->err (main maps the code to the exit status).
 */
int cmd_init(int argc, char **argv, struct cli *cli);
int cmd_add(int argc, char **argv, struct cli *cli);
int cmd_list(int argc, char **argv, struct cli *cli);
int cmd_show(int argc, char **argv, struct cli *cli);
int cmd_resolve(int argc, char **argv, struct cli *cli);
int cmd_check_schema(int argc, char **argv, struct cli *cli);
int cmd_report(int argc, char **argv, struct cli *cli);
int cmd_export(int argc, char **argv, struct cli *cli);
int cmd_history(int argc, char **argv, struct cli *cli);
int cmd_sync(int argc, char **argv, struct cli *cli);
int cmd_district(int argc, char **argv, struct cli *cli);
int cmd_hook(int argc, char **argv, struct cli *cli);
int cmd_review(int argc, char **argv, struct cli *cli);
int cmd_tui(int argc, char **argv, struct cli *cli);

/*
 * Opens the workspace of -C DIR into cli->ws.  Commands call it once their
 * arguments are known to be right, so that a usage error is reported as one
 * even outside a workspace.  Returns 0 or an ERR_* code.
 */
int cli_workspace(struct cli *cli);

struct seal_keyring;

/*
 * The passphrase: DIEUTRA_PASSPHRASE when set, else asked on the terminal
 * (/dev/tty) with echo off after prompt, twice when confirm.  *out is freed
 * with cli_passphrase_free().  Returns 0, ERR_USAGE (no terminal, or the
 * two differ) or ERR_ENV.
 */
int cli_passphrase(struct cli *cli, const char *prompt, bool confirm, char **out);
/* Wipes and frees a passphrase; NULL is allowed. */
void cli_passphrase_free(char *p);
/*
 * Unlocks the n key files (`--key FILE` options) into ring, asking each
 * one's passphrase.  Returns 0 or the error of the first that fails
 * (ERR_DATA for a wrong passphrase).
 */
int cli_keyring(struct cli *cli, char *const *files, size_t n, struct seal_keyring *ring);

/* Reports a usage error ("dieutra add: ...") and returns ERR_USAGE. */
int cli_usage_error(struct cli *cli, const char *fmt, ...) ATTR_PRINTF(2, 3);

#endif
