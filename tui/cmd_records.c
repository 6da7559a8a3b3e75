/*
 * cmd_records.c - commands that enter and read records: add, list, show.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"
#include "seal.h"
#include "store.h"
#include "text.h"

static int read_input(const char *path, struct sbuf *buf, struct error *err)
{
	char chunk[65536];
	size_t n;

	if (strcmp(path, "-"))
		return read_file(path, buf, err);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		sbuf_add(buf, chunk, n);
	if (ferror(stdin))
		return error_add(err, ERR_ENV, "cannot read standard input");
	sbuf_add(buf, "", 0);
	return 0;
}

/* Adds the one record in path; prints its id when stored or unchanged. */
static int add_one(struct cli *cli, const char *path, const char *lang)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct sbuf buf = SBUF_INIT;
	struct record r;
	enum workspace_saved saved;
	int ret;

	record_init(&r);
	ret = read_input(path, &buf, &cli->err);
	if (ret)
		goto out;
	ret = record_parse(buf.buf, buf.len, name, &r, &cli->err);
	if (ret)
		goto out;
	ret = workspace_save(&cli->ws, &r, lang, &saved, &cli->err);
	if (ret)
		goto out;
	printf("%s\n", r.id);
	fprintf(stderr, "%s: %s %s\n", name, r.id,
		saved == WORKSPACE_NEW ? "added" :
		saved == WORKSPACE_UPDATED ? "updated" : "unchanged");
out:
	record_release(&r);
	sbuf_release(&buf);
	return ret;
}

int cmd_add(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *lang = NULL;
	int c, i, refused = 0, ret = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'l')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		lang = optarg;
	}
	if (optind >= argc)
		return cli_usage_error(cli, "name at least one answer file, or - for standard input");
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	for (i = optind; i < argc; i++) {
		int rc = add_one(cli, argv[i], lang);

		/* Print as we go, so each file's problems stand under its name. */
		error_print(&cli->err, stderr, NULL);
		error_release(&cli->err);
		if (rc == ERR_DATA)
			refused++;
		if (rc && (ret == 0 || rc == ERR_ENV))
			ret = rc;
	}
	if (refused)
		fprintf(stderr, "dieutra add: %d record%s refused, nothing of %s stored; "
			"correct the answers named above and add again\n",
			refused, refused == 1 ? "" : "s", refused == 1 ? "it" : "them");
	return ret;
}

static int print_row(void *data, const struct store_row *row)
{
	(void)data;
	printf("%-16s %-9s %s\n", row->id, row->status, row->title ? row->title : "");
	return 0;
}

int cmd_list(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "search", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_query q = { NULL, NULL, 0, false };
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			q.status = optarg;
			break;
		case 'q':
			q.search = optarg;
			break;
		default:
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	if (q.status && !record_status_valid(q.status) && strcmp(q.status, "conflict"))
		return cli_usage_error(cli, "--status '%s': use draft, complete, void, rejected "
				       "or conflict", q.status);
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	return store_list(cli->ws.store, &q, print_row, NULL, &cli->err);
}

/*
 * The answers of record id a sync found changed two ways, on stderr (the
 * record on stdout still reads back with `add`), each with both values and
 * how to pick.
 */
static int show_conflicts(struct cli *cli, const char *id)
{
	struct store_conflict *c = NULL;
	size_t i, n = 0;
	int ret;

	ret = store_conflict_list(cli->ws.store, id, &c, &n, &cli->err);
	for (i = 0; i < n; i++) {
		fprintf(stderr, "%s: conflict: %s: this laptop \"%s\", the other \"%s\"", id,
			c[i].path, c[i].ours ? c[i].ours : "(no answer)",
			c[i].theirs ? c[i].theirs : "(no answer)");
		if (c[i].picked)
			fprintf(stderr, "; picked \"%s\"\n", c[i].pick ? c[i].pick : "(no answer)");
		else
			fputc('\n', stderr);
		store_conflict_release(&c[i]);
	}
	if (n)
		fprintf(stderr, "%s: pick with `dieutra resolve %s FIELD --ours|--theirs|--value V`"
			" or in the app\n", id, id);
	free(c);
	return ret;
}

/* Appends each --key FILE to keys (the strings stay argv's); returns 0 or ERR_USAGE. */
static int key_options(int argc, char **argv, struct cli *cli, char ***keys, size_t *n)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	size_t alloc = 0;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c != 'k')
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		ALLOC_GROW(*keys, *n + 1, alloc);
		(*keys)[(*n)++] = optarg;
	}
	return 0;
}

/* The record's text with its sealed answers opened by ring; a bad one is reported. */
static int open_body(const struct store_row *row, const struct seal_keyring *ring,
		     struct sbuf *out, struct error *err)
{
	struct record r;
	int ret;

	record_init(&r);
	ret = record_parse(row->body, strlen(row->body), row->id, &r, err);
	if (!ret)
		ret = seal_record_open(ring, &r, NULL, err);
	if (ret != ERR_ENV)
		record_write(&r, out);
	record_release(&r);
	return ret;
}

int cmd_show(int argc, char **argv, struct cli *cli)
{
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct store_row row = { 0 };
	struct error get_err = ERROR_INIT;
	struct sbuf text = SBUF_INIT;
	char **keys = NULL;
	size_t nkeys = 0;
	int ret;

	ret = key_options(argc, argv, cli, &keys, &nkeys);
	if (ret)
		goto out;
	if (optind + 1 != argc) {
		ret = cli_usage_error(cli, "give exactly one record id");
		goto out;
	}
	ret = cli_workspace(cli);
	if (!ret)
		ret = cli_keyring(cli, keys, nkeys, &ring);
	if (ret)
		goto out;
	ret = store_get(cli->ws.store, argv[optind], &row, &get_err);
	if (ret == ERR_NOTFOUND)
		error_add(&cli->err, ret,
			  "dieutra show: no record '%s' in this workspace (see `dieutra list`)",
			  argv[optind]);
	else
		error_move(&cli->err, &get_err);
	if (!ret && !nkeys)
		fputs(row.body, stdout);
	else if (!ret)
		ret = open_body(&row, &ring, &text, &cli->err);
	if (text.len)
		fputs(text.buf, stdout);
	if (!ret && !strcmp(row.status, "conflict"))
		ret = show_conflicts(cli, argv[optind]);
out:
	free(keys);
	seal_keyring_release(&ring);
	sbuf_release(&text);
	error_release(&get_err);
	store_row_release(&row);
	return ret;
}
