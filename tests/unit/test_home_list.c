/*
 * test_home_list.c - the home screen's list in memory (tui/home_list.c):
 * its search finds exactly what `dieutra list --search` (store_list) finds,
 * also when typed a letter at a time and erased again; the status filter
 * goes through every status, conflict included; counts; and rows added out
 * of order or replaced keep the list in id order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "store.h"
#include "tui.h"

static const struct sample {
	const char *id, *status, *head, *village;
} samples[] = {
	{ "04630-A-0003", "void", "Lê Văn Hòa", "Bản Mồ" },
	{ "04630-A-0001", "complete", "Nguyễn Văn A", "Bản Lướt" },
	{ "04630-A-0002", "draft", "Trần Thị Vân", "Đường Lâm" },
	{ "04630-A-0004", "complete", "Phạm Thị Hoà", "Sín Chải" },
	{ "04630-A-0005", "rejected", "Vũ Văn Tú", "giảm 100%" },
	{ "04630-A-0006", "draft", "Vũ Văn Tư", "giảm 1000" },
	{ "04630-B-0001", "complete", "Đỗ Thị Mến", "mã_1" },
	{ "04630-A-0010", "complete", "Hà Văn Lò", "a\\b" },
	{ "04630-A-0009", "draft", "Một Hai Ba", "Bốn Năm Sáu Bảy Tám" },
};

struct fixture {
	char *dir, *db;
	struct store *s;
	struct tui_home h;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	size_t i;

	fx->dir = xasprintf("%s/test_home_list.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir))
		return -1;
	fx->db = xasprintf("%s/%s", fx->dir, STORE_FILE);
	if (store_open(fx->db, true, &fx->s, NULL))
		return -1;
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		struct record r;
		struct record_node *hh = record_node_new(RECORD_MAP, "household", NULL);

		record_init(&r);
		r.id = xstrdup(samples[i].id);
		r.form = xstrdup("household-demo");
		r.version = xstrdup("2026.1");
		r.status = xstrdup(samples[i].status);
		record_node_set(hh, "head_name", samples[i].head);
		record_node_set(hh, "village", samples[i].village);
		record_node_add(r.data, hh);
		if (store_put(fx->s, &r, samples[i].head, NULL))
			return -1;
		record_release(&r);
	}
	tui_line_init(&fx->h.search);
	tui_line_set_mode(&fx->h.search, TUI_INPUT_PLAIN);
	fx->h.filter = -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	struct fixture *fx = *state;
	size_t i;

	tui_home_release(&fx->h);
	store_close(fx->s);
	for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		char *p = xasprintf("%s%s", fx->db, suffixes[i]);

		unlink(p);
		free(p);
	}
	rmdir(fx->dir);
	free(fx->dir);
	free(fx->db);
	free(fx);
	return 0;
}

static int add_row(void *data, const struct store_row *row)
{
	tui_home_add(data, row);
	return 0;
}

static int collect(void *data, const struct store_row *row)
{
	struct sbuf *sb = data;

	sbuf_addf(sb, "%s%s", sb->len ? "," : "", row->id);
	return 0;
}

/* The ids shown, comma-separated, in a new string. */
static char *shown(struct tui_home *h)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < h->n; i++)
		sbuf_addf(&sb, "%s%s", i ? "," : "", h->rows[h->shown[i]].id);
	return sbuf_detach(&sb);
}

/* The list shown for the search line as it is now equals store_list's answer. */
static void assert_as_store(struct fixture *fx)
{
	const char *search = tui_line_str(&fx->h.search);
	struct store_query q = { fx->h.filter >= 0 ? tui_statuses[fx->h.filter] : NULL,
				 search, 0, false };
	struct sbuf want = SBUF_INIT;
	char *got;

	tui_home_filter(&fx->h);
	got = shown(&fx->h);
	assert_int_equal(store_list(fx->s, &q, collect, &want, NULL), 0);
	if (strcmp(got, sbuf_str(&want)))
		fail_msg("search '%s': shown '%s', the store finds '%s'", search, got,
			 sbuf_str(&want));
	free(got);
	sbuf_release(&want);
}

static void load(struct fixture *fx)
{
	assert_int_equal(store_list_keys(fx->s, NULL, 0, add_row, &fx->h, NULL), 0);
	assert_int_equal(fx->h.nrows, sizeof(samples) / sizeof(*samples));
}

static void test_search_as_store(void **state)
{
	static const char *const queries[] = {
		"nguyen van a", "Nguyễn Văn A", "NGUYEN", "duong", "ĐƯỜNG LÂM", "hoa", "hòa",
		"hoà", "van hoa", "thi hoa", "hoa nguyen", "ban luot", "0001", "b-0001", "tu",
		"100%", "%", "ma_1", "_", "a\\b", "  nguyen   van  ", "", "xyz",
		"mot hai ba bon nam sau bay tam", "mot hai ba bon nam sau bay tam chin",
	};
	struct fixture *fx = *state;
	size_t i;

	load(fx);
	for (i = 0; i < sizeof(queries) / sizeof(*queries); i++) {
		assert_int_equal(tui_line_set_text(&fx->h.search, queries[i], NULL), 0);
		assert_as_store(fx);
	}
}

/* Typed a letter at a time (narrowing as it goes), then erased one at a time. */
static void test_typing(void **state)
{
	static const char *const typed[] = { "vu van tu", "giam 1000", "ban lu", "04630-a-0" };
	struct fixture *fx = *state;
	const char *p;
	size_t i;

	load(fx);
	for (i = 0; i < sizeof(typed) / sizeof(*typed); i++) {
		tui_line_clear(&fx->h.search);
		for (p = typed[i]; *p; p++) {
			assert_int_equal(tui_line_insert(&fx->h.search, (uint32_t)*p), 0);
			assert_as_store(fx);
		}
		while (tui_line_backspace(&fx->h.search))
			assert_as_store(fx);
	}
}

static void test_filter_and_counts(void **state)
{
	struct fixture *fx = *state;
	struct store_row conflict = { "04630-A-0007", "conflict", "Lò Văn Xung", NULL, NULL,
				      NULL, "04630-a-0007 lo van xung" };
	char *got;
	int f;

	load(fx);
	tui_home_put(&fx->h, &conflict);
	fx->h.filter = -1;
	tui_home_filter(&fx->h);
	assert_int_equal(fx->h.n, 10);
	assert_int_equal(fx->h.counts[0], 3); /* draft */
	assert_int_equal(fx->h.counts[1], 4); /* complete */
	assert_int_equal(fx->h.counts[2], 1); /* void */
	assert_int_equal(fx->h.counts[3], 1); /* rejected */
	assert_int_equal(fx->h.counts[4], 1); /* conflict */
	for (f = 0; f < 4; f++) {
		fx->h.filter = f;
		assert_as_store(fx);
	}
	fx->h.filter = 4;
	tui_home_filter(&fx->h);
	got = shown(&fx->h);
	assert_string_equal(got, "04630-A-0007");
	free(got);
	/* The filter with a search: both must hold. */
	fx->h.filter = 0;
	assert_int_equal(tui_line_set_text(&fx->h.search, "vu", NULL), 0);
	assert_as_store(fx);
	fx->h.filter = 1;
	assert_as_store(fx);
}

static void test_order(void **state)
{
	struct fixture *fx = *state;
	struct store_row changed = { "04630-A-0002", "complete", "Trần Thị Vân", NULL, NULL,
				     NULL, "04630-a-0002 tran thi van" };
	struct store_row first = { "04630-A-0000", "draft", "", NULL, NULL, NULL, "04630-a-0000" };
	char *got;

	/* samples are stored out of id order: the list is sorted before it is shown. */
	load(fx);
	tui_home_filter(&fx->h);
	got = shown(&fx->h);
	assert_string_equal(got, "04630-A-0001,04630-A-0002,04630-A-0003,04630-A-0004,"
				 "04630-A-0005,04630-A-0006,04630-A-0009,04630-A-0010,"
				 "04630-B-0001");
	free(got);
	/* A record saved again replaces its row; a new one goes in its place. */
	fx->h.cur = 1;
	tui_home_put(&fx->h, &changed);
	tui_home_put(&fx->h, &first);
	tui_home_filter(&fx->h);
	assert_int_equal(fx->h.nrows, 10);
	assert_string_equal(fx->h.rows[0].id, "04630-A-0000");
	assert_string_equal(fx->h.rows[2].status, "complete");
	assert_int_equal(fx->h.counts[0], 3);
	assert_int_equal(fx->h.counts[1], 5);
	assert_string_equal(tui_home_row_at(&fx->h)->id, "04630-A-0001");
	/* The cursor stays inside the list when it shrinks. */
	fx->h.cur = 9;
	assert_int_equal(tui_line_set_text(&fx->h.search, "b-0001", NULL), 0);
	tui_home_filter(&fx->h);
	assert_int_equal(fx->h.n, 1);
	assert_string_equal(tui_home_row_at(&fx->h)->id, "04630-B-0001");
	assert_int_equal(tui_line_set_text(&fx->h.search, "nobody", NULL), 0);
	tui_home_filter(&fx->h);
	assert_null(tui_home_row_at(&fx->h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_search_as_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_typing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
