/*
 * main.c - the entry point and the command table (as git.c and tmux's
 * cmd table): global options, then one command per invocation.
 *
 * Exit status (DESIGN.md §1): 0 done; 1 the data or input was refused;
 * 2 usage error; 3 environment failure.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DIEUTRA_VERSION "0.1.0"

static const struct cmd commands[] = {
	{ "tui", cmd_tui, "the full-screen app (what `dieutra` alone opens)",
	  "dieutra [-C DIR] [tui]\n"
	  "\n"
	  "Opens the app on the workspace: the commune's records, searched as you type,\n"
	  "and a form to enter a household and its children page by page, each answer\n"
	  "saved the moment the cursor leaves it.  `?` (or F1) shows the keys of each\n"
	  "screen; F2 switches the typing between Telex, VNI and plain; F3 switches\n"
	  "between Vietnamese and English.\n" },
	{ "init", cmd_init, "create a commune workspace",
	  "dieutra init --commune CODE --enumerator \"NAME <EMAIL>\" --device ID\n"
	  "             (--schema FILE | --remote URL) [DIR]\n"
	  "\n"
	  "Creates a commune workspace in DIR (default: the -C directory): the local store\n"
	  "of answers, a git repository for `dieutra sync` (DIR/repo.git) and a copy of the\n"
	  "form with its choice lists.\n"
	  "  --commune CODE        the commune's 5-digit GSO code, e.g. 04630\n"
	  "  --enumerator \"N <E>\"  who enters the data on this laptop\n"
	  "  --device ID           1-8 letters or digits naming this laptop, e.g. A\n"
	  "  --schema FILE         the form definition (YAML), to work offline\n"
	  "  --remote URL          the district repository (a path or a URL, see `dieutra\n"
	  "                        sync --help`): the form comes from its main branch,\n"
	  "                        and sync goes there\n" },
	{ "add", cmd_add, "enter or update records from answer files",
	  "dieutra add [--lang vi|en] FILE...\n"
	  "\n"
	  "Reads records in the record format (see `dieutra show`), validates each one\n"
	  "exactly as the app does and stores it, printing its id.  `-` reads standard\n"
	  "input.  An invalid record is refused with every problem listed and nothing of\n"
	  "it is stored; adding the same answers twice changes nothing.\n"
	  "  --lang L   language of the messages (default: the form's first language)\n" },
	{ "list", cmd_list, "list records",
	  "dieutra list [--status draft|complete|void|rejected|conflict] [--search TEXT]\n"
	  "\n"
	  "One line per record: id, status, title.  --search ignores case and\n"
	  "Vietnamese diacritics: \"nguyen van a\" finds \"Nguyễn Văn A\".\n" },
	{ "show", cmd_show, "print a record",
	  "dieutra show [--key FILE]... ID\n"
	  "\n"
	  "Prints the record in its canonical text form, which `dieutra add` reads back.\n"
	  "For a record in conflict, each answer changed two ways follows on stderr with\n"
	  "both values (see `dieutra resolve`).\n"
	  "Sensitive answers sealed to the district's key print as `!sealed ...`; with\n"
	  "--key (the district's private key file; its passphrase is asked), in clear.\n"
	  "A sealed answer that was changed or moved is reported, and the exit status is 1.\n" },
	{ "resolve", cmd_resolve, "settle an answer a sync found changed two ways",
	  "dieutra resolve ID [FIELD] (--ours | --theirs | --value V) [--lang vi|en]\n"
	  "\n"
	  "A sync that finds one answer changed two ways keeps this laptop's value and\n"
	  "marks the record `conflict` (`dieutra list --status conflict`; `dieutra show\n"
	  "ID` names each FIELD with both values).  This picks the value to keep for\n"
	  "FIELD, or for every conflict not yet picked when FIELD is left out.  Once\n"
	  "every conflict of the record is picked, it is validated and saved as usual\n"
	  "(complete or draft, as it was) and the next sync sends it.\n"
	  "  --ours     keep this laptop's value\n"
	  "  --theirs   take the other laptop's value\n"
	  "  --value V  neither: V (FIELD needed)\n"
	  "  --lang L   language of the messages\n" },
	{ "report", cmd_report, "the form's indicators against their targets, and progress",
	  "dieutra report [--format text|csv|md] [--by commune] [--lang vi|en] [--key FILE]...\n"
	  "\n"
	  "Counts the form's indicators over the workspace's complete records: for each,\n"
	  "numerator, denominator, rate and target, marking those below target.  Then the\n"
	  "survey's progress per commune (records by status, children, last sync) and per\n"
	  "collaborator.  In a district workspace the indicators are the district's;\n"
	  "  --by commune      also each commune's indicators\n"
	  "  --format csv      the indicators only: commune,indicator,label,numerator,...\n"
	  "  --format md       Markdown tables\n"
	  "  --lang L          labels in language L (default: the form's first)\n"
	  "  --key FILE        the district's private key (passphrase asked; repeat it for\n"
	  "                    rotated keys): counts what needs sealed answers, which\n"
	  "                    without it is left out and said so (NEEDS THE KEY)\n" },
	{ "export", cmd_export, "the records as CSV or SQLite tables for analysts",
	  "dieutra export [--format csv|sqlite] --out DIR [--lang vi|en] [--bom] [--sensitive]\n"
	  "\n"
	  "Writes the workspace's records as flat tables into DIR: households (one row per\n"
	  "record) and one table per repeat (children: one row per child, with the\n"
	  "household's id, place and name first), plus a codebook of every column's\n"
	  "table, type and label.  Headers are the form's field names, in form order; a\n"
	  "choice gives two columns, NAME (its codes) and NAME_label (its labels).  Void\n"
	  "records are left out; drafts are in, with their status.\n"
	  "  --format csv      households.csv, children.csv, codebook.csv: RFC 4180, UTF-8\n"
	  "                    (the default)\n"
	  "  --format sqlite   DIR/census.sqlite with the same tables, typed columns\n"
	  "  --lang L          the labels' language (default: the form's first)\n"
	  "  --bom             start each CSV file with a byte order mark, for Excel\n"
	  "  --sensitive       also export fields marked sensitive (e.g. HIV status); keep\n"
	  "                    such files safe\n" },
	{ "history", cmd_history, "who changed which answers of a record, when",
	  "dieutra history [--key FILE]... ID\n"
	  "\n"
	  "Reads the record's file in the workspace's git repository (every branch it\n"
	  "holds: a commune's branch, or in a district workspace main and every\n"
	  "commune's) and prints, oldest first, each commit that changed it: date, author\n"
	  "(the collaborator who entered the data), the commit's subject, and each\n"
	  "changed answer as `path: old → new` (children matched by their _id, numbered\n"
	  "from 1).  A record's history starts when it is first synced.  Sensitive\n"
	  "answers are sealed in git and shown as (sealed); --key FILE (the district's\n"
	  "key, its passphrase asked) shows them.\n" },
	{ "sync", cmd_sync, "exchange records with the district repository",
	  "dieutra sync [--remote URL] [--quiet]\n"
	  "\n"
	  "Commits every complete or void record changed since the last sync as\n"
	  "communes/CODE/DEVICE/ID.yaml on the branch communes/CODE, fetches that branch\n"
	  "and main, merges what other laptops of the commune sent (household by\n"
	  "household, answer by answer) and pushes.  Records count as sent only once the\n"
	  "district has them: an interrupted sync is finished by the next one.  Prints\n"
	  "\"sent N new, M updated; received K\"; an answer changed two ways keeps this\n"
	  "laptop's value, names the other, and makes the exit status 1.\n"
	  "  --remote URL   the district repository (a path, file://, git://, ssh:// or\n"
	  "                 http(s)://), remembered for next time; default: the one\n"
	  "                 remembered\n"
	  "  --quiet        no progress and no summary\n"
	  "\n"
	  "Credentials: http(s) takes DIEUTRA_USERNAME and DIEUTRA_PASSWORD, else git's\n"
	  "credential helper (never a password in the URL); GIT_SSL_CAINFO names a CA\n"
	  "file.  ssh takes the key in DIEUTRA_SSH_KEY (DIEUTRA_SSH_PASSPHRASE), else\n"
	  "ssh-agent and ~/.ssh/id_ed25519, id_ecdsa, id_rsa; the server's host key must\n"
	  "be in ~/.ssh/known_hosts.\n" },
	{ "district", cmd_district, "the district office's repository",
	  "dieutra district init --schema FILE PATH.git\n"
	  "       dieutra district clone [--enumerator \"NAME <EMAIL>\"] URL DIR\n"
	  "       dieutra [-C DIR] district pull\n"
	  "       dieutra [-C DIR] district merge\n"
	  "       dieutra [-C DIR] district status\n"
	  "       dieutra district keygen --key FILE PATH.git\n"
	  "\n"
	  "init creates the district's bare git repository at PATH.git: its main branch\n"
	  "holds schema/ (the form FILE, checked first, and its choice lists) and a README.\n"
	  "Communes create their workspaces from it with `dieutra init --remote PATH.git`\n"
	  "and push to it with `dieutra sync`; any git can clone it.\n"
	  "\n"
	  "clone makes a district workspace in DIR: a bare clone of the repository at URL\n"
	  "(main and every communes/* branch), its form, and a store of every record of\n"
	  "main, where list, show and report work.  --enumerator names the district\n"
	  "officer (default: git config user.name and user.email).\n"
	  "\n"
	  "pull, in a district workspace, fetches the district again and loads the\n"
	  "records main gained.\n"
	  "\n"
	  "merge, in a district workspace, fetches every commune's branch and checks each\n"
	  "new commit: it changes only communes/CODE/, every file there is a regular\n"
	  "record file of at most 1 MiB (no symbolic link, no submodule; at most 20000\n"
	  "files) that parses, is filed under its own id and validates against the\n"
	  "district's form.  A commune that passes is merged into main with one merge\n"
	  "commit; one that does not is left out with every reason printed, and exit\n"
	  "status 1.  Then main is pushed.  A refused commune is not checked again until\n"
	  "its branch moves; with nothing new, merge does nothing.\n"
	  "\n"
	  "status, in a district workspace, prints one line per commune of main or of a\n"
	  "fetched branch: households, children, complete / draft / rejected records in\n"
	  "main, its branch's last commit (last sync), whether the last merge refused it\n"
	  "(with its reasons below) and who entered its records.  `dieutra` alone shows\n"
	  "the same in the app.\n"
	  "\n"
	  "keygen makes the key pair that sensitive answers (HIV, abuse, ...) are sealed\n"
	  "to: the private key goes to FILE (new, mode 0600), locked by a passphrase asked\n"
	  "on the terminal (or DIEUTRA_PASSPHRASE for scripts; never on the command line);\n"
	  "the public key is committed to main as schema/district.pub, which laptops take\n"
	  "at their next sync.  Run it again with a new FILE to rotate the key: keep the\n"
	  "old file, which still opens the data sealed before.\n" },
	{ "review", cmd_review, "accept or reject a record, in a district workspace",
	  "dieutra review ID (--accept | --reject MESSAGE)\n"
	  "\n"
	  "The district's decision on record ID, committed by the district officer on the\n"
	  "commune's branch and pushed.  --reject sets the record's status to rejected\n"
	  "with MESSAGE as meta.review: the commune's laptops receive it with their next\n"
	  "sync and list it as rejected with the message; once corrected and finished it\n"
	  "goes back as complete, without the message, and the next district merge takes\n"
	  "it.  --accept makes a rejected record complete again.\n" },
	{ "hook", cmd_hook, "server-side checks in the district repository",
	  "dieutra hook install PATH.git\n"
	  "\n"
	  "Installs a pre-receive hook in the district's bare repository that runs the\n"
	  "checks of `district merge` on every push (it calls this program by its full\n"
	  "path: `dieutra hook run`, reading git's ref updates): a push to communes/CODE\n"
	  "is refused when a new commit changes anything outside communes/CODE/ or writes\n"
	  "a file that is not a valid record filed under its own id; a push to main is\n"
	  "refused unless it only adds merges made by `dieutra district merge`; other\n"
	  "branches, tags and deletions are refused.  Git runs the hook for git push,\n"
	  "git://, ssh and http; libgit2's pushes to a local path run no hooks.\n" },
	{ "check-schema", cmd_check_schema, "check form definitions",
	  "dieutra check-schema FILE...\n"
	  "\n"
	  "Loads each form definition and prints every problem as file:line:col: message.\n"
	  "Exits 0 when all are clean, 1 otherwise.\n" },
};

static const char main_usage[] =
	"usage: dieutra [-C DIR] COMMAND [ARGS]\n"
	"       dieutra --version | --help\n"
	"\n"
	"dieutra: the annual child census, door to door, offline.\n"
	"  -C DIR   work in the workspace DIR instead of the current directory\n"
	"\n"
	"Commands:\n";

static void print_main_usage(FILE *out)
{
	size_t i;

	fputs(main_usage, out);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fputs("\n`dieutra COMMAND --help` tells more about each.\n", out);
}

int cli_usage_error(struct cli *cli, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	error_add(&cli->err, ERR_USAGE, "dieutra %s: %s", cli->name, sbuf_str(&sb));
	sbuf_release(&sb);
	return ERR_USAGE;
}

int cli_workspace(struct cli *cli)
{
	return workspace_open(cli->dir, &cli->ws, &cli->err);
}

static int exit_status(int rc)
{
	switch (rc) {
	case 0:
		return 0;
	case ERR_USAGE:
		return 2;
	case ERR_ENV:
		return 3;
	default:
		return 1;
	}
}

static const struct cmd *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static bool wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct cli cli = { ".", WORKSPACE_INIT, ERROR_INIT, NULL, NULL };
	const struct cmd *cmd;
	int i = 1, rc;

	setlocale(LC_ALL, "");
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-C") && i + 1 < argc) {
			cli.dir = argv[i + 1];
			i += 2;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_main_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("dieutra %s\n", DIEUTRA_VERSION);
			return 0;
		} else {
			fprintf(stderr, "dieutra: unknown option '%s'\n\n", argv[i]);
			print_main_usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		/* `dieutra` alone opens the app, with "tui" as its argv[0]. */
		static char tui_name[] = "tui";
		static char *tui_argv[] = { tui_name, NULL };

		argv = tui_argv;
		argc = 1;
		i = 0;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr, "dieutra: '%s' is not a command; see `dieutra --help`\n", argv[i]);
		return 2;
	}
	argc -= i;
	argv += i;
	cli.name = cmd->name;
	cli.usage = cmd->usage;
	if (wants_help(argc, argv)) {
		fputs(cmd->usage, stdout);
		return 0;
	}
	rc = cmd->fn(argc, argv, &cli);
	error_print(&cli.err, stderr, NULL);
	if (rc == ERR_USAGE)
		fprintf(stderr, "usage: %.*s\n       (`dieutra %s --help` tells more)\n",
			(int)strcspn(cmd->usage, "\n"), cmd->usage, cmd->name);
	workspace_close(&cli.ws);
	error_release(&cli.err);
	return exit_status(rc);
}
