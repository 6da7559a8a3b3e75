/*
 * cmd_district.c - commands of the district office: district init, clone,
 * pull, merge, status and keygen (the key pair sensitive answers are sealed
 * to), and review.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "seal.h"
#include "sync.h"
#include "text.h"
#include "util.h"

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

static int district_clone(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "enumerator", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *officer = NULL;
	char *from_git = NULL;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'e')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		officer = optarg;
	}
	if (optind + 2 != argc)
		return cli_usage_error(cli, "give the district repository and a new directory, "
				       "e.g. district clone /srv/district.git tu-le-district");
	if (!officer)
		officer = from_git = sync_git_person();
	if (!officer)
		return cli_usage_error(cli, "--enumerator \"NAME <EMAIL>\" is required (the district "
				       "officer), unless git config has user.name and user.email");
	ret = sync_district_clone(argv[optind], argv[optind + 1], officer, &cli->err);
	if (!ret)
		printf("Cloned the district repository %s into %s (officer %s).\n",
		       argv[optind], argv[optind + 1], officer);
	free(from_git);
	return ret;
}

static int district_pull(int argc, char **argv, struct cli *cli)
{
	size_t loaded = 0;
	int ret;

	if (argc > 1)
		return cli_usage_error(cli, "pull takes no arguments, got '%s'", argv[1]);
	ret = cli_workspace(cli);
	if (!ret)
		ret = sync_district_pull(&cli->ws, &loaded, &cli->err);
	if (!ret)
		printf("%zu record%s updated from the district's main\n", loaded,
		       loaded == 1 ? "" : "s");
	return ret;
}

static int district_merge(int argc, char **argv, struct cli *cli)
{
	struct sync_merge_result res;
	size_t i;
	int ret;

	if (argc > 1)
		return cli_usage_error(cli, "merge takes no arguments, got '%s'", argv[1]);
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	ret = sync_district_merge(&cli->ws, &res, &cli->err);
	for (i = 0; i < res.n; i++) {
		const struct sync_merged *c = &res.communes[i];

		if (c->outcome == SYNC_MERGED)
			printf("merged commune %s: %zu households, %zu children\n", c->title,
			       c->households, c->children);
		else if (c->outcome == SYNC_REFUSED)
			printf("refused commune %s: %zu problem%s (below), left out of main\n",
			       c->title, c->problems, c->problems == 1 ? "" : "s");
		else
			printf("commune %s: still refused, nothing new on its branch since\n",
			       c->title);
	}
	if (!ret && !res.merged && !res.refused)
		puts("nothing new to merge: main holds every commune's branch");
	else if (res.pushed)
		puts("pushed main to the district");
	/* A commune refused before, with nothing new, is no new failure. */
	if (ret == ERR_DATA && !cli->err.n)
		ret = 0;
	sync_merge_result_release(&res);
	return ret;
}

/* Prints s padded with spaces to width columns (a name of accented letters is wider in bytes). */
static void column(const char *s, int width)
{
	int w;

	fputs(s, stdout);
	for (w = text_width(s); w < width; w++)
		putchar(' ');
}

static void print_status(const struct sync_commune_status *c)
{
	char when[21] = "-";
	size_t i;

	if (c->last_sync)
		util_format_time(c->last_sync, when);
	column(c->title, 26);
	printf("%10ld %8ld %8ld %5ld %8ld  %-20s  %s", c->households, c->children, c->complete,
	       c->draft, c->rejected, when, c->refused ? "REFUSED" : "merged ");
	for (i = 0; i < c->nenumerators; i++)
		printf("%s%.*s", i ? ", " : "  ", (int)strcspn(c->enumerators[i], "<") - 1,
		       c->enumerators[i]);
	putchar('\n');
	if (c->refused) {
		const char *p = c->reasons;

		while (*p) {
			int len = (int)strcspn(p, "\n");

			printf("    %.*s\n", len, p);
			p += len + (p[len] == '\n');
		}
	}
}

static int district_status(int argc, char **argv, struct cli *cli)
{
	struct sync_commune_status *v = NULL;
	size_t i, n = 0;
	int ret;

	if (argc > 1)
		return cli_usage_error(cli, "status takes no arguments, got '%s'", argv[1]);
	ret = cli_workspace(cli);
	if (!ret)
		ret = sync_district_status(&cli->ws, util_now(), &v, &n, &cli->err);
	if (ret)
		return ret;
	column("commune", 26);
	printf("%10s %8s %8s %5s %8s  %-20s  %s  %s\n", "households", "children", "complete",
	       "draft", "rejected", "last sync", "merge  ", "enumerators");
	for (i = 0; i < n; i++)
		print_status(&v[i]);
	sync_district_status_free(v, n);
	return 0;
}

/* A passphrase shorter than this is refused: Argon2id slows guessing, it cannot stop it. */
#define PASSPHRASE_MIN 10

static int district_keygen(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct sbuf pub = SBUF_INIT;
	struct seal_key k;
	const char *file = NULL;
	char *pass = NULL;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'k')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		file = optarg;
	}
	if (!file)
		return cli_usage_error(cli, "--key FILE is required: where the private key goes "
				       "(keep it off the repository, with a copy offline)");
	if (optind + 1 != argc)
		return cli_usage_error(cli, "give the district repository, e.g. district.git");
	memset(&k, 0, sizeof(k));
	ret = cli_passphrase(cli, "Passphrase for the new key: ", true, &pass);
	if (!ret && strlen(pass) < PASSPHRASE_MIN)
		ret = error_add(&cli->err, ERR_USAGE, "%s: the passphrase needs at least %d "
				"characters (a few words are easy to remember)", cli->name,
				PASSPHRASE_MIN);
	if (!ret)
		ret = seal_key_generate(&k, &cli->err);
	/* The private key first: a public key without it would seal data nobody can open. */
	if (!ret)
		ret = seal_key_save(file, &k, pass, &cli->err);
	if (!ret) {
		seal_public_write(&k, &pub);
		ret = sync_district_set_key(argv[optind], sbuf_str(&pub), k.id, &cli->err);
	}
	if (!ret)
		printf("District key %s: private key in %s (passphrase-protected; keep a copy "
		       "offline),\npublic key in main:schema/%s of %s: laptops seal sensitive "
		       "answers to it\nfrom their next sync.\n", k.id, file, SEAL_PUB_FILE,
		       argv[optind]);
	seal_key_wipe(&k);
	cli_passphrase_free(pass);
	sbuf_release(&pub);
	return ret;
}

int cmd_district(int argc, char **argv, struct cli *cli)
{
	if (argc < 2)
		return cli_usage_error(cli, "name a district command: init, clone, pull, merge, "
				       "status, keygen");
	if (!strcmp(argv[1], "init"))
		return district_init(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "clone"))
		return district_clone(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "pull"))
		return district_pull(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "merge"))
		return district_merge(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "status"))
		return district_status(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "keygen"))
		return district_keygen(argc - 1, argv + 1, cli);
	return cli_usage_error(cli, "'%s' is not a district command; try init, clone, pull, "
			       "merge, status or keygen", argv[1]);
}

int cmd_review(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "accept", no_argument, NULL, 'a' },
		{ "reject", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *message = NULL;
	bool accept = false, changed;
	int c, ret;

	optind = 0;
	/* Options after the id too, as the usage shows them: getopt moves the id last. */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'a')
			accept = true;
		else if (c == 'r')
			message = optarg;
		else
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
	}
	if (accept == !!message)
		return cli_usage_error(cli, "give --accept or --reject MESSAGE (what the commune "
				       "should correct)");
	if (message && !*message)
		return cli_usage_error(cli, "--reject needs a message: what should be corrected");
	if (optind + 1 != argc)
		return cli_usage_error(cli, "name one record id, e.g. 04630-A-0007");
	ret = cli_workspace(cli);
	if (!ret)
		ret = sync_district_review(&cli->ws, argv[optind], message, &changed, &cli->err);
	if (ret)
		return ret;
	if (!changed)
		printf("%s was already %s: nothing sent\n", argv[optind],
		       message ? "rejected with that message" : "accepted");
	else
		printf("%s %s; sent to %s/%.5s, the commune receives it with its next sync\n",
		       argv[optind], message ? "rejected" : "accepted", SYNC_COMMUNES, argv[optind]);
	return 0;
}
