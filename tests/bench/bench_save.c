/*
 * bench_save.c - how long saving one changed answer takes, durably, as the
 * app does when the cursor leaves a field: the household is in memory, one
 * answer changes, workspace_save() validates it and stores it (SQLite,
 * synchronous=FULL).  Only the workspace_save() call is timed.
 *
 *   bench_save DIR COUNT SEED STATUS
 *
 * changes the phone number (or the village) of COUNT households of the
 * workspace in DIR, picked at random, saved with STATUS (draft as the app
 * saves while a household is being entered, complete as `add` does), and
 * prints the median and the 99th percentile in milliseconds: "p50 p99".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "store.h"
#include "util.h"
#include "workspace.h"

static int collect_id(void *data, const struct store_row *row)
{
	struct sbuf *ids = data;

	sbuf_adds(ids, row->id);
	sbuf_addc(ids, '\n');
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Loads id, changes one answer and times its save; *ms is the time taken. */
static int save_one(struct workspace *ws, const char *id, unsigned long salt, const char *status,
		    double *ms, struct error *err)
{
	enum workspace_saved saved;
	struct record r;
	struct record_node *hh;
	char value[32];
	double t0;
	int ret;

	record_init(&r);
	ret = workspace_load(ws, id, &r, err);
	if (ret)
		goto out;
	free(r.status);
	r.status = xstrdup(status);
	hh = record_node_get(r.data, "household");
	if (!strcmp(record_node_value(hh, "consent"), "yes")) {
		snprintf(value, sizeof(value), "09%08lu", salt % 100000000);
		record_node_set(hh, "phone", value);
	} else {
		snprintf(value, sizeof(value), "Thôn %lu", salt % 100);
		record_node_set(hh, "village", value);
	}
	t0 = now_ms();
	ret = workspace_save(ws, &r, ws->form.languages[0], &saved, err);
	*ms = now_ms() - t0;
out:
	record_release(&r);
	return ret;
}

int main(int argc, char **argv)
{
	struct workspace ws = WORKSPACE_INIT;
	struct error err = ERROR_INIT;
	struct store_query q = { NULL, NULL, 0, false };
	struct sbuf ids = SBUF_INIT;
	char **list = NULL, *p, *end;
	size_t n = 0, alloc = 0;
	double *ms = NULL;
	uint64_t x;
	long count, i;
	int ret;

	if (argc != 5) {
		fputs("usage: bench_save DIR COUNT SEED draft|complete\n", stderr);
		return 2;
	}
	count = atol(argv[2]);
	x = strtoull(argv[3], NULL, 10) | 1;
	ret = workspace_open(argv[1], &ws, &err);
	if (!ret)
		ret = store_list(ws.store, &q, collect_id, &ids, &err);
	for (p = ids.buf; !ret && p && *p; p = end + 1) {
		end = strchr(p, '\n');
		*end = '\0';
		ALLOC_GROW(list, n + 1, alloc);
		list[n++] = p;
	}
	if (!ret && (!n || count < 1))
		ret = error_add(&err, ERR_USAGE, "no household to change in %s", argv[1]);
	ms = xcalloc(count > 0 ? (size_t)count : 1, sizeof(*ms));
	for (i = 0; !ret && i < count; i++) {
		/* xorshift64: the same households for the same seed */
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		ret = save_one(&ws, list[x % n], (unsigned long)(x >> 20), argv[4], &ms[i], &err);
	}
	if (!ret) {
		qsort(ms, (size_t)count, sizeof(*ms), cmp_double);
		printf("%.2f %.2f\n", ms[count / 2], ms[(count * 99) / 100]);
	}
	error_print(&err, stderr, "bench_save: ");
	error_release(&err);
	free(ms);
	free(list);
	sbuf_release(&ids);
	workspace_close(&ws);
	return ret ? 1 : 0;
}
