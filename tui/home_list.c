/*
 * home_list.c - the home screen's list in memory: every record's id,
 * status, title and search key, in id order, and the rows the status
 * filter and the search let through.  A key typed in the search runs
 * through these rows, not through the store: with ten thousand records a
 * query per key is too slow to type on.
 */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "text.h"
#include "tui.h"

const char *const tui_statuses[TUI_NSTATUS] = {
	"draft", "complete", "void", "rejected", "conflict",
};

/* A row's strings share one allocation, which id points to: a long list is many rows. */
static void free_row(struct tui_home_row *r)
{
	free(r->id);
}

static void fill_row(struct tui_home_row *r, const struct store_row *row)
{
	const char *status = row->status ? row->status : "";
	const char *title = row->title ? row->title : "";
	const char *key = row->search ? row->search : "";
	size_t li = strlen(row->id) + 1, ls = strlen(status) + 1, lt = strlen(title) + 1;
	char *buf = xmalloc(li + ls + lt + strlen(key) + 1);

	r->id = memcpy(buf, row->id, li);
	r->status = memcpy(buf + li, status, ls);
	r->title = memcpy(buf + li + ls, title, lt);
	r->key = strcpy(buf + li + ls + lt, key);
	r->items = -1;
	r->counted = false;
	r->sent = -1;
}

void tui_home_clear(struct tui_home *h)
{
	size_t i;

	for (i = 0; i < h->nrows; i++)
		free_row(&h->rows[i]);
	h->nrows = 0;
	h->n = 0;
	h->unsorted = false;
	free(h->query);
	h->query = NULL;
}

void tui_home_release(struct tui_home *h)
{
	tui_home_clear(h);
	free(h->rows);
	free(h->shown);
	tui_line_release(&h->search);
	memset(h, 0, sizeof(*h));
}

/* Where id is, or would go, in the rows (ids in the store's order: bytes). */
static size_t find(const struct tui_home *h, const char *id, bool *found)
{
	size_t lo = 0, hi = h->nrows;

	*found = false;
	/* Rows come in id order when the list is read: the end first. */
	if (hi && strcmp(h->rows[hi - 1].id, id) < 0)
		return hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->rows[mid].id, id);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void tui_home_add(struct tui_home *h, const struct store_row *row)
{
	ALLOC_GROW(h->rows, h->nrows + 1, h->arows);
	fill_row(&h->rows[h->nrows], row);
	if (h->nrows && strcmp(h->rows[h->nrows - 1].id, row->id) > 0)
		h->unsorted = true;
	h->nrows++;
	free(h->query);
	h->query = NULL;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct tui_home_row *)a)->id, ((const struct tui_home_row *)b)->id);
}

static void sort_rows(struct tui_home *h)
{
	if (h->unsorted)
		qsort(h->rows, h->nrows, sizeof(*h->rows), by_id);
	h->unsorted = false;
}

void tui_home_put(struct tui_home *h, const struct store_row *row)
{
	bool found;
	size_t at;

	sort_rows(h);
	at = find(h, row->id, &found);
	if (found) {
		free_row(&h->rows[at]);
	} else {
		ALLOC_GROW(h->rows, h->nrows + 1, h->arows);
		memmove(&h->rows[at + 1], &h->rows[at], (h->nrows - at) * sizeof(*h->rows));
		h->nrows++;
	}
	fill_row(&h->rows[at], row);
	/* The rows changed: the next filter starts from all of them. */
	free(h->query);
	h->query = NULL;
}

struct tui_home_row *tui_home_row_at(struct tui_home *h)
{
	return h->cur < h->n ? &h->rows[h->shown[h->cur]] : NULL;
}

/* Splits the folded query q (modified) into its words; returns how many. */
static size_t words(char *q, char *w[STORE_SEARCH_WORDS])
{
	size_t n = 0;
	char *p = q;

	while (n < STORE_SEARCH_WORDS) {
		p += strspn(p, " ");
		if (!*p)
			break;
		w[n++] = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
	}
	return n;
}

/* Whether r is one of the commune's, when only one commune's records are listed. */
static bool in_prefix(const struct tui_home *h, const struct tui_home_row *r)
{
	return !h->prefix[0] || !strncmp(r->id, h->prefix, strlen(h->prefix));
}

static bool matches(const struct tui_home *h, const struct tui_home_row *r, char **w, size_t nw)
{
	size_t i;

	if (!in_prefix(h, r))
		return false;
	if (h->filter >= 0 && strcmp(r->status, tui_statuses[h->filter]))
		return false;
	for (i = 0; i < nw; i++)
		if (!strstr(r->key, w[i]))
			return false;
	return true;
}

static void count(struct tui_home *h)
{
	size_t i;
	int k;

	memset(h->counts, 0, sizeof(h->counts));
	for (i = 0; i < h->nrows; i++)
		for (k = 0; k < TUI_NSTATUS && in_prefix(h, &h->rows[i]); k++)
			if (!strcmp(h->rows[i].status, tui_statuses[k]))
				h->counts[k]++;
}

void tui_home_filter(struct tui_home *h)
{
	char *query = text_fold(tui_line_str(&h->search)), *copy = xstrdup(query);
	char *w[STORE_SEARCH_WORDS];
	size_t nw = words(copy, w), i, n = 0;
	/*
	 * A search that only grew (a letter typed at its end) keeps a subset
	 * of what it kept: every word is the same or longer, or new.
	 */
	bool narrower = h->query && h->query_filter == h->filter &&
			!strncmp(query, h->query, strlen(h->query));

	if (narrower) {
		for (i = 0; i < h->n; i++)
			if (matches(h, &h->rows[h->shown[i]], w, nw))
				h->shown[n++] = h->shown[i];
	} else {
		sort_rows(h);
		count(h);
		ALLOC_GROW(h->shown, h->nrows, h->ashown);
		for (i = 0; i < h->nrows; i++)
			if (matches(h, &h->rows[i], w, nw))
				h->shown[n++] = i;
	}
	h->n = n;
	free(h->query);
	h->query = query;
	h->query_filter = h->filter;
	if (h->cur >= h->n)
		h->cur = h->n ? h->n - 1 : 0;
	free(copy);
}
