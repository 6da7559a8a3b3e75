/*
 * cmd_report.c - dieutra report: the form's indicators against their
 * targets, counted over the workspace's complete records, and the survey's
 * progress.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "record.h"
#include "store.h"
#include "text.h"
#include "validate.h"

enum format { FORMAT_TEXT, FORMAT_CSV, FORMAT_MD };

struct tally_run {
	struct workspace *ws;
	struct validate_tally *tally;
	long records;
	struct error *err;
	int ret;
};

static int count_record(void *data, const struct store_row *row)
{
	struct tally_run *run = data;
	struct record r;

	record_init(&r);
	if (record_parse(row->body, strlen(row->body), row->id, &r, run->err)) {
		run->ret = ERR_ENV;
	} else {
		if (validate_indicators(&run->ws->form, &r, util_now(), run->tally, run->err))
			run->ret = ERR_DATA;
		run->records++;
	}
	record_release(&r);
	return 0;
}

static bool meets(const struct form_indicator *ind, double rate)
{
	const char *op = ind->target_op;

	if (!strcmp(op, ">="))
		return rate >= ind->target;
	if (!strcmp(op, ">"))
		return rate > ind->target;
	if (!strcmp(op, "<="))
		return rate <= ind->target;
	return rate < ind->target;
}

/* "95.0%" or "-" when nothing is counted. */
static void format_rate(const struct validate_tally *t, char buf[16])
{
	if (t->den)
		snprintf(buf, 16, "%.1f%%", 100.0 * (double)t->num / (double)t->den);
	else
		snprintf(buf, 16, "-");
}

static void format_target(const struct form_indicator *ind, char buf[24])
{
	if (ind->target_op[0])
		snprintf(buf, 24, "%s %g%%", ind->target_op, ind->target);
	else
		buf[0] = '\0';
}

/* "ok", "below", or "" (no target, or nothing counted). */
static const char *verdict(const struct form_indicator *ind, const struct validate_tally *t,
			   bool en)
{
	if (!ind->target_op[0] || !t->den)
		return "";
	if (meets(ind, 100.0 * (double)t->num / (double)t->den))
		return en ? "meets target" : "đạt";
	return en ? "BELOW TARGET" : "CHƯA ĐẠT";
}

#define LABEL_MAX 44 /* columns: label and figures fit an 80-column screen */

/*
 * Prints s in exactly `width` terminal columns, cut with "…" when longer
 * (Vietnamese text is wider in bytes than on screen).
 */
static void print_padded(const char *s, int width)
{
	int w = text_width(s);

	if (w > width) {
		size_t n = text_fit(s, width - 1);

		fwrite(s, 1, n, stdout);
		fputs("…", stdout);
		w = text_width(s) - text_width(s + n) + 1;
	} else {
		fputs(s, stdout);
	}
	for (; w < width; w++)
		putchar(' ');
}

/* The widest label, so that the figures line up in one column. */
static int label_width(const struct form *f, size_t lang)
{
	int w = 10;
	size_t i;

	for (i = 0; i < f->nindicators; i++) {
		const char *label = form_text(f, &f->indicators[i].label, lang);
		int lw = text_width(label ? label : f->indicators[i].name);

		if (lw > w)
			w = lw;
	}
	return w < LABEL_MAX ? w : LABEL_MAX;
}

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static void print_report(const struct workspace *ws, const struct validate_tally *tally,
			 const long n[4], enum format fmt, size_t lang, bool en)
{
	const struct form *f = &ws->form;
	int lw = label_width(f, lang);
	/* A district workspace reports on every commune of main together. */
	const char *kind = ws->commune ? (en ? "Commune" : "Xã") : (en ? "District" : "Huyện");
	const char *place = ws->commune ? ws->commune : WORKSPACE_DISTRICT;
	size_t i;

	if (fmt == FORMAT_CSV)
		puts("commune,indicator,label,numerator,denominator,rate,target,verdict");
	else if (fmt == FORMAT_MD)
		printf("## %s %s\n\n| %s | %s | %s | %s | %s | |\n|---|---:|---:|---:|---|---|\n",
		       kind, place, en ? "indicator" : "chỉ tiêu",
		       en ? "numerator" : "tử số", en ? "denominator" : "mẫu số",
		       en ? "rate" : "tỷ lệ", en ? "target" : "mục tiêu");
	else
		printf("%s %s: %ld %s, %ld %s, %ld %s, %ld %s\n\n",
		       kind, place, n[1],
		       en ? "complete" : "hoàn thành", n[0], en ? "draft" : "nháp", n[3],
		       en ? "rejected" : "bị trả lại", n[2], en ? "void" : "đã hủy");
	for (i = 0; i < f->nindicators; i++) {
		const struct form_indicator *ind = &f->indicators[i];
		const struct validate_tally *t = &tally[i];
		const char *label = form_text(f, &ind->label, lang);
		char rate[16], target[24];

		if (!label)
			label = ind->name;
		format_rate(t, rate);
		format_target(ind, target);
		if (fmt == FORMAT_CSV) {
			printf("%s,%s,", place, ind->name);
			csv_field(label);
			printf(",%ld,%ld,%s,%s,%s\n", t->num, t->den, t->den ? rate : "",
			       target, verdict(ind, t, true));
		} else if (fmt == FORMAT_MD) {
			printf("| %s | %ld | %ld | %s | %s | %s |\n", label, t->num, t->den, rate,
			       target, verdict(ind, t, en));
		} else {
			print_padded(label, lw);
			printf(" %6ld %6ld %7s  %-8s %s\n", t->num, t->den, rate, target,
			       verdict(ind, t, en));
		}
	}
}

int cmd_report(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_query q = { "complete", NULL, 0, true };
	struct tally_run run = { NULL, NULL, 0, NULL, 0 };
	enum format fmt = FORMAT_TEXT;
	const char *lang = NULL;
	long n[4];
	size_t li;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !strcmp(optarg, "text"))
			fmt = FORMAT_TEXT;
		else if (c == 'f' && !strcmp(optarg, "csv"))
			fmt = FORMAT_CSV;
		else if (c == 'f' && !strcmp(optarg, "md"))
			fmt = FORMAT_MD;
		else if (c == 'f')
			return cli_usage_error(cli, "--format '%s': use text, csv or md", optarg);
		else if (c == 'l')
			lang = optarg;
		else
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	ret = cli_workspace(cli);
	if (ret)
		return ret;
	li = form_lang(&cli->ws.form, lang);
	run.ws = &cli->ws;
	run.err = &cli->err;
	run.tally = xcalloc(cli->ws.form.nindicators, sizeof(*run.tally));
	ret = store_list(cli->ws.store, &q, count_record, &run, &cli->err);
	if (!ret)
		ret = run.ret;
	if (!ret)
		ret = store_count(cli->ws.store, n, &cli->err);
	if (!ret)
		print_report(&cli->ws, run.tally, n, fmt, li,
			     cli->ws.form.languages && li < cli->ws.form.nlanguages &&
			     !strcmp(cli->ws.form.languages[li], "en"));
	free(run.tally);
	return ret;
}
