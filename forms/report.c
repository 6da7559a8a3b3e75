/*
 * report.c - the figures of `dieutra report`, counted record by record
 * from the store: statuses and children for the progress, and the form's
 * indicators (validate_indicators) over the complete records.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "record.h"
#include "seal.h"
#include "store.h"
#include "util.h"

const char *const report_status_names[REPORT_NSTATUS] = {
	[REPORT_COMPLETE] = "complete", [REPORT_DRAFT] = "draft",
	[REPORT_REJECTED] = "rejected", [REPORT_CONFLICT] = "conflict",
	[REPORT_VOID] = "void",
};

struct report_run {
	const struct form *f;
	long long now;
	struct report *r;
	size_t alloc_communes, alloc_people;
	struct error *err;
	int ret;
};

static void group_init(struct report_group *g, const char *key, size_t nindicators)
{
	memset(g, 0, sizeof(*g));
	g->key = key ? xstrdup(key) : NULL;
	g->tally = xcalloc(nindicators ? nindicators : 1, sizeof(*g->tally));
}

static struct report_group *group(struct report_run *run, struct report_group **v, size_t *n,
				  size_t *alloc, const char *key)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return &(*v)[i];
	ALLOC_GROW(*v, *n + 1, *alloc);
	group_init(&(*v)[*n], key, run->f->nindicators);
	return &(*v)[(*n)++];
}

static enum report_status status_of(const char *s)
{
	int i;

	for (i = 0; i < REPORT_NSTATUS; i++)
		if (!strcmp(report_status_names[i], s))
			return (enum report_status)i;
	return REPORT_DRAFT;
}

/* Items of the repeat in r: its list found through the groups above it. */
static long count_items(const struct form_field *rep, const struct record_node *data)
{
	const struct form_field *chain[FORM_MAX_DEPTH + 1];
	const struct record_node *n = data;
	size_t k = 0;

	for (; rep; rep = rep->parent)
		chain[k++] = rep;
	while (k-- > 0 && n && n->kind == RECORD_MAP)
		n = record_node_get(n, chain[k]->name);
	return n && n->kind == RECORD_LIST ? (long)n->nkids : 0;
}

static void add_tally(struct report_group *g, const struct validate_tally *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		g->tally[i].num += t[i].num;
		g->tally[i].den += t[i].den;
		g->tally[i].sealed += t[i].sealed;
	}
}

static int count_record(void *data, const struct store_row *row)
{
	struct report_run *run = data;
	struct report *rep = run->r;
	const struct form *f = run->f;
	enum report_status st = status_of(row->status);
	struct report_group *g[3];
	struct validate_tally *t = NULL;
	struct record r;
	char *code;
	long items = 0;
	size_t i;

	record_init(&r);
	if (record_parse(row->body, strlen(row->body), row->id, &r, run->err)) {
		run->ret = error_add(run->err, ERR_ENV, "%s: the stored record does not parse",
				     row->id);
		record_release(&r);
		return run->ret;
	}
	code = xstrndup(row->id, strcspn(row->id, "-"));
	g[0] = &rep->total;
	g[1] = group(run, &rep->communes, &rep->ncommunes, &run->alloc_communes, code);
	g[2] = group(run, &rep->people, &rep->npeople, &run->alloc_people,
		     r.enumerator ? r.enumerator : "?");
	if (st != REPORT_VOID && rep->repeat)
		items = count_items(rep->repeat, r.data);
	if (st == REPORT_COMPLETE) {
		t = xcalloc(f->nindicators ? f->nindicators : 1, sizeof(*t));
		/* A damaged sealed answer is reported; the rest of the record still counts. */
		if (rep->ring && rep->ring->n && seal_record_open(rep->ring, &r, NULL, run->err))
			run->ret = ERR_DATA;
		if (validate_indicators(f, &r, run->now, t, run->err))
			run->ret = ERR_DATA;
	}
	for (i = 0; i < 3; i++) {
		g[i]->status[st]++;
		g[i]->items += items;
		if (t)
			add_tally(g[i], t, f->nindicators);
	}
	free(t);
	free(code);
	record_release(&r);
	return 0;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct report_group *)a)->key, ((const struct report_group *)b)->key);
}

int report_build(struct store *s, const struct form *f, long long now, struct report *r,
		 struct error *err)
{
	struct store_query q = { NULL, NULL, 0, true };
	struct report_run run = { f, now, r, 0, 0, err, 0 };
	size_t i;
	int ret;

	group_init(&r->total, NULL, f->nindicators);
	for (i = 0; i < f->nfields && !r->repeat; i++)
		if (f->fields[i]->type == FORM_REPEAT)
			r->repeat = f->fields[i];
	ret = store_list(s, &q, count_record, &run, err);
	if (!ret)
		ret = run.ret;
	if (r->ncommunes)
		qsort(r->communes, r->ncommunes, sizeof(*r->communes), by_key);
	if (r->npeople)
		qsort(r->people, r->npeople, sizeof(*r->people), by_key);
	return ret;
}

static void group_release(struct report_group *g)
{
	free(g->key);
	free(g->tally);
}

void report_release(struct report *r)
{
	size_t i;

	group_release(&r->total);
	for (i = 0; i < r->ncommunes; i++)
		group_release(&r->communes[i]);
	for (i = 0; i < r->npeople; i++)
		group_release(&r->people[i]);
	free(r->communes);
	free(r->people);
	memset(r, 0, sizeof(*r));
}
