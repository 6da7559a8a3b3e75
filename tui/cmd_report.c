/*
 * cmd_report.c - dieutra report: the form's indicators against their
 * targets, counted over the workspace's complete records (for the whole
 * workspace and, asked, per commune), and the survey's progress per commune
 * and per collaborator.  The figures come from forms/report.c; this file
 * lays them out as text, CSV or Markdown.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "seal.h"
#include "store.h"
#include "sync.h"
#include "text.h"

enum format { FORMAT_TEXT, FORMAT_CSV, FORMAT_MD };

struct layout {
	const struct workspace *ws;
	const struct report *rep;
	enum format fmt;
	size_t lang;
	bool en;
	struct sync_commune_tip *tips; /* when each commune last synced */
	size_t ntips;
	char *last_sync;               /* a commune workspace's own last sync */
};

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

/*
 * "ok", "below", or "" (no target, or nothing counted); for an indicator
 * some of whose members need sealed answers, how many were left out.
 */
static const char *verdict(const struct form_indicator *ind, const struct validate_tally *t,
			   bool en)
{
	static char buf[96];

	if (t->sealed) {
		snprintf(buf, sizeof(buf), en ? "NEEDS THE KEY: %ld not counted (--key)" :
			 "CẦN KHÓA: %ld chưa tính (--key)", t->sealed);
		return buf;
	}
	if (!ind->target_op[0] || !t->den)
		return "";
	if (meets(ind, 100.0 * (double)t->num / (double)t->den))
		return en ? "meets target" : "đạt";
	return en ? "BELOW TARGET" : "CHƯA ĐẠT";
}

#define LABEL_MAX 44 /* columns: label and figures fit an 80-column screen */

/*
 * Bytes of s that go on one line of `width` columns: cut after the last
 * space that fits, or in a word longer than the line.
 */
static size_t wrap_at(const char *s, int width)
{
	size_t n = text_fit(s, width), i;

	if (!s[n])
		return n;
	for (i = n; i > 0; i--)
		if (s[i] == ' ')
			return i;
	return n ? n : strlen(s);
}

/*
 * Prints the first line of s wrapped at `width` columns (padded to it when
 * pad) and returns the rest: labels are wrapped, never cut.
 */
static const char *print_line(const char *s, int width, bool pad)
{
	size_t n = wrap_at(s, width);
	int w = text_width(s) - text_width(s + n);

	fwrite(s, 1, n, stdout);
	for (; pad && w < width; w++)
		putchar(' ');
	s += n;
	return s + strspn(s, " ");
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
	if (!strpbrk(s, ",\"\r\n")) {
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

/* "Xã Tú Lệ" from the form's list of communes, or NULL. */
static const char *commune_name(const struct layout *l, const char *code)
{
	const struct form_list *list = form_list(&l->ws->form, "communes");
	const struct form_choice *c = list ? form_choice(list, code) : NULL;

	return c ? form_text(&l->ws->form, &c->label, l->lang) : NULL;
}

static void print_indicators(const struct layout *l, const char *key,
			     const struct validate_tally *tally)
{
	const struct form *f = &l->ws->form;
	int lw = label_width(f, l->lang);
	bool en = l->en;
	size_t i;

	if (l->fmt == FORMAT_MD)
		printf("| %s | %s | %s | %s | %s | |\n|---|---:|---:|---:|---|---|\n",
		       en ? "indicator" : "chỉ tiêu", en ? "numerator" : "tử số",
		       en ? "denominator" : "mẫu số", en ? "rate" : "tỷ lệ",
		       en ? "target" : "mục tiêu");
	for (i = 0; i < f->nindicators; i++) {
		const struct form_indicator *ind = &f->indicators[i];
		const struct validate_tally *t = &tally[i];
		const char *label = form_text(f, &ind->label, l->lang);
		char rate[16], target[24];

		if (!label)
			label = ind->name;
		format_rate(t, rate);
		format_target(ind, target);
		if (l->fmt == FORMAT_CSV) {
			printf("%s,%s,", key, ind->name);
			csv_field(label);
			printf(",%ld,%ld,%s,%s,%s\n", t->num, t->den, t->den ? rate : "",
			       target, verdict(ind, t, true));
		} else if (l->fmt == FORMAT_MD) {
			printf("| %s | %ld | %ld | %s | %s | %s |\n", label, t->num, t->den, rate,
			       target, verdict(ind, t, en));
		} else {
			label = print_line(label, lw, true);
			printf(" %6ld %6ld %7s  %-8s %s\n", t->num, t->den, rate, target,
			       verdict(ind, t, en));
			while (*label) {
				label = print_line(label, lw, false);
				putchar('\n');
			}
		}
	}
}

/* "13 complete, 1 draft, 0 rejected, 0 conflict, 0 void; 25 children" */
static void print_counts(const struct layout *l, const struct report_group *g)
{
	static const char *const vi[REPORT_NSTATUS] = {
		"hoàn thành", "nháp", "bị trả lại", "xung đột", "đã hủy",
	};
	int i;

	for (i = 0; i < REPORT_NSTATUS; i++)
		printf("%s%ld %s", i ? ", " : "", g->status[i],
		       l->en ? report_status_names[i] : vi[i]);
	if (l->rep->repeat) {
		const char *label = form_text(&l->ws->form, &l->rep->repeat->label, l->lang);

		printf("; %ld %s", g->items, l->en || !label ? l->rep->repeat->name : label);
	}
}

/* When the commune last synced, as far as this workspace knows; NULL: never. */
static char *last_sync(const struct layout *l, const char *code)
{
	char when[21];
	size_t i;

	if (l->ws->commune)
		return l->last_sync ? xstrdup(l->last_sync) : NULL;
	for (i = 0; i < l->ntips; i++) {
		if (strcmp(l->tips[i].commune, code))
			continue;
		util_format_time(l->tips[i].time, when);
		return xasprintf("%s %s", when, l->tips[i].author);
	}
	return NULL;
}

static void print_progress(const struct layout *l, const char *title,
			   const struct report_group *v, size_t n, bool communes)
{
	bool en = l->en;
	size_t i;

	printf(l->fmt == FORMAT_MD ? "### %s\n\n" : "%s\n", title);
	for (i = 0; i < n; i++) {
		const char *name = communes ? commune_name(l, v[i].key) : NULL;
		char *sync = communes ? last_sync(l, v[i].key) : NULL;

		printf("%s%s%s%s: ", l->fmt == FORMAT_MD ? "- " : "  ", v[i].key, name ? " " : "",
		       name ? name : "");
		print_counts(l, &v[i]);
		if (communes)
			printf("; %s %s", en ? "last sync" : "đồng bộ lần cuối",
			       sync ? sync : (en ? "never" : "chưa"));
		putchar('\n');
		free(sync);
	}
	putchar('\n');
}

static void print_section(const struct layout *l, const char *key, const char *kind,
			  const struct report_group *g)
{
	const char *name = strcmp(key, WORKSPACE_DISTRICT) ? commune_name(l, key) : NULL;

	if (l->fmt == FORMAT_CSV) {
		print_indicators(l, key, g->tally);
		return;
	}
	/* The whole district (or province) is named by its level alone. */
	if (!strcmp(key, WORKSPACE_DISTRICT))
		printf(l->fmt == FORMAT_MD ? "## %s: " : "%s: ", kind);
	else
		printf(l->fmt == FORMAT_MD ? "## %s %s%s%s: " : "%s %s%s%s: ", kind, key,
		       name ? " " : "", name ? name : "");
	print_counts(l, g);
	fputs("\n\n", stdout);
	print_indicators(l, key, g->tally);
	putchar('\n');
}

static void print_report(const struct layout *l, bool by_commune)
{
	const struct report *rep = l->rep;
	const bool en = l->en;
	/* A district workspace reports on every commune of main together. */
	const char *commune = en ? "Commune" : "Xã";
	const bool province = l->ws->form.level == FORM_LEVEL_PROVINCE;
	const char *above = en ? (province ? "Province" : "District") :
			    (province ? "Tỉnh" : "Huyện");
	const char *place = l->ws->commune ? l->ws->commune : WORKSPACE_DISTRICT;
	size_t i;

	if (l->fmt == FORMAT_CSV)
		puts("commune,indicator,label,numerator,denominator,rate,target,verdict");
	if (by_commune && !l->ws->commune)
		for (i = 0; i < rep->ncommunes; i++)
			print_section(l, rep->communes[i].key, commune, &rep->communes[i]);
	print_section(l, place, l->ws->commune ? commune : above, &rep->total);
	if (l->fmt == FORMAT_CSV)
		return;
	print_progress(l, en ? "Progress by commune" : "Tiến độ theo xã", rep->communes,
		       rep->ncommunes, true);
	print_progress(l, en ? "Progress by collaborator" : "Tiến độ theo cộng tác viên",
		       rep->people, rep->npeople, false);
}

int cmd_report(int argc, char **argv, struct cli *cli)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ "by", required_argument, NULL, 'b' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct report rep = REPORT_INIT;
	struct layout l;
	const char *lang = NULL;
	char **keys = NULL;
	size_t nkeys = 0, alloc = 0;
	bool by_commune = false;
	int c, ret;

	memset(&l, 0, sizeof(l));
	l.fmt = FORMAT_TEXT;
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'f' && !strcmp(optarg, "text"))
			l.fmt = FORMAT_TEXT;
		else if (c == 'f' && !strcmp(optarg, "csv"))
			l.fmt = FORMAT_CSV;
		else if (c == 'f' && !strcmp(optarg, "md"))
			l.fmt = FORMAT_MD;
		else if (c == 'f')
			return cli_usage_error(cli, "--format '%s': use text, csv or md", optarg);
		else if (c == 'b' && !strcmp(optarg, "commune"))
			by_commune = true;
		else if (c == 'b')
			return cli_usage_error(cli, "--by '%s': only --by commune", optarg);
		else if (c == 'l')
			lang = optarg;
		else if (c == 'k') {
			ALLOC_GROW(keys, nkeys + 1, alloc);
			keys[nkeys++] = optarg;
		} else {
			free(keys);
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		free(keys);
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	}
	ret = cli_workspace(cli);
	if (!ret)
		ret = cli_keyring(cli, keys, nkeys, &ring);
	free(keys);
	if (ret) {
		seal_keyring_release(&ring);
		return ret;
	}
	rep.ring = &ring;
	l.ws = &cli->ws;
	l.rep = &rep;
	l.lang = form_lang(&cli->ws.form, lang);
	l.en = cli->ws.form.languages && l.lang < cli->ws.form.nlanguages &&
	       !strcmp(cli->ws.form.languages[l.lang], "en");
	ret = report_build(cli->ws.store, &cli->ws.form, util_now(), &rep, &cli->err);
	if (!ret && cli->ws.commune)
		ret = store_config_get(cli->ws.store, CLI_LAST_SYNC, &l.last_sync, &cli->err);
	else if (!ret)
		ret = sync_commune_tips(cli->ws.dir, &l.tips, &l.ntips, &cli->err);
	if (!ret)
		print_report(&l, by_commune);
	report_release(&rep);
	sync_commune_tips_free(l.tips, l.ntips);
	free(l.last_sync);
	seal_keyring_release(&ring);
	return ret;
}
