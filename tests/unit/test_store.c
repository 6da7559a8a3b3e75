/*
 * test_store.c - the SQLite store, each test in a fresh temporary
 * workspace: opening, the schema version, settings, record numbers, records
 * (round trip, replacement, listing, counting, the accent-blind search, the
 * same-answers lookup), what sync has not sent yet, and refusing newer,
 * corrupt or missing databases.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "store.h"
#include "util.h"

struct fixture {
	char *dir;
	char *db;
};

static int setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	fx->dir = xasprintf("%s/test_store.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fx->dir)) {
		free(fx->dir);
		free(fx);
		return -1;
	}
	fx->db = xasprintf("%s/%s", fx->dir, STORE_FILE);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	struct fixture *fx = *state;
	size_t i;

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

/* True when some message of err contains needle. */
static bool error_has(const struct error *err, const char *needle)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		if (strstr(err->items[i].msg, needle))
			return true;
	return false;
}

static struct store *open_ok(const char *db, bool create)
{
	struct error err = ERROR_INIT;
	struct store *s = NULL;

	assert_int_equal(store_open(db, create, &s, &err), 0);
	assert_non_null(s);
	assert_int_equal(err.n, 0);
	return s;
}

/* Runs sql on a connection of its own, as another program would. */
static void raw_exec(const char *db, const char *sql)
{
	sqlite3 *h = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

/* The first column of the first row of sql, as text, newly allocated. */
static char *raw_text(const char *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	sqlite3 *h = NULL;
	char *v;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
	return v;
}

static void assert_raw(const char *db, const char *sql, const char *want)
{
	char *v = raw_text(db, sql);

	assert_string_equal(v, want);
	free(v);
}

/* A household record: a group, and a repeat of children with _ids. */
static void make_record(struct record *r, const char *id, const char *status,
			const char *head, const char *village, const char *child)
{
	struct record_node *hh = record_node_new(RECORD_MAP, "household", NULL);
	struct record_node *kids = record_node_new(RECORD_LIST, "children", NULL);
	struct record_node *kid = record_node_new(RECORD_MAP, NULL, NULL);

	record_init(r);
	r->id = id ? xstrdup(id) : NULL;
	r->form = xstrdup("child-census");
	r->version = xstrdup("2026.1");
	r->status = status ? xstrdup(status) : NULL;
	record_node_set(hh, "head_name", head);
	record_node_set(hh, "village", village);
	record_node_add(r->data, hh);
	record_node_set(kid, "_id", "k3f9");
	record_node_set(kid, "full_name", child);
	record_node_add(kids, kid);
	record_node_add(r->data, kids);
}

static void put_ok(struct store *s, const struct record *r, const char *title)
{
	struct error err = ERROR_INIT;

	assert_int_equal(store_put(s, r, title, &err), 0);
	assert_int_equal(err.n, 0);
}

static void test_create_reopen(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	char *objects, *again, *version = xasprintf("%d", store_schema_version());

	assert_true(store_schema_version() >= 1);
	store_close(s);
	assert_raw(fx->db, "PRAGMA user_version", version);
	objects = raw_text(fx->db, "SELECT group_concat(name) FROM sqlite_master");
	assert_non_null(strstr(objects, "records"));
	assert_non_null(strstr(objects, "config"));

	/* Reopening, with or without create, migrates nothing and keeps the data. */
	s = open_ok(fx->db, false);
	assert_int_equal(store_config_set(s, "commune", "04630", NULL), 0);
	store_close(s);
	s = open_ok(fx->db, true);
	store_close(s);
	assert_raw(fx->db, "PRAGMA user_version", version);
	again = raw_text(fx->db, "SELECT group_concat(name) FROM sqlite_master");
	assert_string_equal(again, objects);
	assert_raw(fx->db, "SELECT value FROM config WHERE key = 'commune'", "04630");
	free(objects);
	free(again);
	free(version);
}

static void test_missing(void **state)
{
	struct fixture *fx = *state;
	struct error err = ERROR_INIT;
	struct store *s = (struct store *)fx;

	assert_int_equal(store_open(fx->db, false, &s, &err), ERR_NOTFOUND);
	assert_null(s);
	assert_true(error_has(&err, "dieutra init"));
	assert_int_equal(access(fx->db, F_OK), -1);
	error_release(&err);
}

static void test_config(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	char *v = (char *)fx;

	assert_int_equal(store_config_get(s, "commune", &v, NULL), 0);
	assert_null(v);
	assert_int_equal(store_config_set(s, "commune", "04630", NULL), 0);
	assert_int_equal(store_config_set(s, "enumerator", "Lò Thị Hoa <hoa@example.vn>", NULL),
			 0);
	assert_int_equal(store_config_set(s, "commune", "04631", NULL), 0);
	store_close(s);
	s = open_ok(fx->db, false);
	assert_int_equal(store_config_get(s, "commune", &v, NULL), 0);
	assert_string_equal(v, "04631");
	free(v);
	assert_int_equal(store_config_get(s, "enumerator", &v, NULL), 0);
	assert_string_equal(v, "Lò Thị Hoa <hoa@example.vn>");
	free(v);
	store_close(s);
}

static void test_next_seq(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true), *t;
	long seq, i;

	for (i = 1; i <= 3; i++) {
		assert_int_equal(store_next_seq(s, &seq, NULL), 0);
		assert_int_equal(seq, i);
	}
	store_close(s);
	s = open_ok(fx->db, false);
	assert_int_equal(store_next_seq(s, &seq, NULL), 0);
	assert_int_equal(seq, 4);
	/* Two connections to one workspace never get the same number. */
	t = open_ok(fx->db, false);
	assert_int_equal(store_next_seq(t, &seq, NULL), 0);
	assert_int_equal(seq, 5);
	assert_int_equal(store_next_seq(s, &seq, NULL), 0);
	assert_int_equal(seq, 6);
	store_close(t);
	store_close(s);
	/* The counter is not a setting that config_set could overwrite. */
	s = open_ok(fx->db, false);
	assert_int_equal(store_config_set(s, "next_seq", "1", NULL), 0);
	assert_int_equal(store_next_seq(s, &seq, NULL), 0);
	assert_int_equal(seq, 7);
	store_close(s);
}

static void test_put_get(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct store_row row = { 0 };
	struct error err = ERROR_INIT;
	struct sbuf want = SBUF_INIT;
	struct record r;

	make_record(&r, "04630-A-0001", "complete", "Nguyễn Văn A", "Bản Lướt", "Nguyễn Thị B");
	r.created = xstrdup("2026-11-23T09:14:02Z");
	r.modified = xstrdup("2026-11-23T09:31:47Z");
	put_ok(s, &r, "Nguyễn Văn A – Bản Lướt");
	store_close(s);
	s = open_ok(fx->db, false);
	assert_int_equal(store_get(s, "04630-A-0001", &row, &err), 0);
	record_write(&r, &want);
	assert_string_equal(row.body, sbuf_str(&want));
	assert_string_equal(row.id, "04630-A-0001");
	assert_string_equal(row.status, "complete");
	assert_string_equal(row.title, "Nguyễn Văn A – Bản Lướt");
	assert_string_equal(row.created, "2026-11-23T09:14:02Z");
	assert_string_equal(row.modified, "2026-11-23T09:31:47Z");
	store_row_release(&row);
	assert_null(row.body);

	assert_int_equal(store_get(s, "04630-A-0002", &row, &err), ERR_NOTFOUND);
	assert_true(error_has(&err, "04630-A-0002"));
	assert_null(row.id);
	error_release(&err);
	sbuf_release(&want);
	record_release(&r);
	store_close(s);
}

static void test_put_replaces(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct store_row row = { 0 };
	struct sbuf want = SBUF_INIT;
	struct record r;
	long n[4];

	make_record(&r, "04630-A-0001", "draft", "Nguyễn Văn A", "Bản Lướt", "Mai");
	r.created = xstrdup("2026-11-23T09:14:02Z");
	put_ok(s, &r, "first");
	record_release(&r);

	make_record(&r, "04630-A-0001", "complete", "Nguyễn Văn A", "Bản Lướt", "Lan");
	r.modified = xstrdup("2026-11-24T10:00:00Z");
	put_ok(s, &r, NULL);
	assert_int_equal(store_get(s, "04630-A-0001", &row, NULL), 0);
	assert_string_equal(row.status, "complete");
	assert_null(row.title);
	assert_string_equal(row.created, "2026-11-23T09:14:02Z");
	assert_string_equal(row.modified, "2026-11-24T10:00:00Z");
	/* The kept stamp is in the body too: the body is the record as stored. */
	r.created = xstrdup("2026-11-23T09:14:02Z");
	record_write(&r, &want);
	assert_string_equal(row.body, sbuf_str(&want));
	assert_non_null(strstr(row.body, "Lan"));
	assert_null(strstr(row.body, "Mai"));
	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[0] + n[1] + n[2] + n[3], 1);
	store_row_release(&row);
	sbuf_release(&want);
	record_release(&r);
	store_close(s);
}

static void test_put_refused(void **state)
{
	static const struct {
		const char *id, *status;
	} bad[] = {
		{ NULL, "complete" },
		{ "04630-A-0001", NULL },
		{ "04630-A-0001", "finished" },
	};
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct error err = ERROR_INIT;
	struct record r;
	long n[4];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		make_record(&r, bad[i].id, bad[i].status, "A", "B", "C");
		assert_int_equal(store_put(s, &r, NULL, &err), ERR_DATA);
		assert_int_equal(err.n, 1);
		error_release(&err);
		record_release(&r);
	}
	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[0] + n[1] + n[2] + n[3], 0);
	store_close(s);
}

/* A batch keeps all its changes or none; a change that fails is undone alone. */
static void test_batch(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct error err = ERROR_INIT;
	struct record r;
	long n[4];

	raw_exec(fx->db, "CREATE TRIGGER no_b BEFORE INSERT ON records "
		 "WHEN NEW.id = '04630-A-0002' BEGIN SELECT RAISE(ABORT, 'refused'); END;");
	assert_int_equal(store_batch_begin(s, NULL), 0);
	make_record(&r, "04630-A-0001", "complete", "A", "B", "C");
	put_ok(s, &r, NULL);
	record_release(&r);
	assert_int_equal(store_batch_end(s, false, NULL), 0);
	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[0] + n[1] + n[2] + n[3], 0);

	assert_int_equal(store_batch_begin(s, NULL), 0);
	make_record(&r, "04630-A-0001", "complete", "A", "B", "C");
	put_ok(s, &r, NULL);
	record_release(&r);
	make_record(&r, "04630-A-0002", "complete", "A", "B", "C");
	assert_int_equal(store_put_synced(s, &r, NULL, &err), ERR_ENV);
	assert_true(error_has(&err, "refused"));
	error_release(&err);
	record_release(&r);
	make_record(&r, "04630-A-0003", "complete", "A", "B", "C");
	assert_int_equal(store_put_synced(s, &r, NULL, NULL), 0);
	record_release(&r);
	/* Another connection sees nothing of a batch before its end. */
	assert_raw(fx->db, "SELECT count(*) FROM records", "0");
	assert_int_equal(store_batch_end(s, true, NULL), 0);
	assert_raw(fx->db, "SELECT group_concat(id) FROM (SELECT id FROM records ORDER BY id)",
		   "04630-A-0001,04630-A-0003");
	store_close(s);
}

/* Collects the last four characters of each listed id, comma-separated. */
static int collect(void *data, const struct store_row *row)
{
	struct sbuf *sb = data;

	assert_null(row->body);
	if (sb->len)
		sbuf_addc(sb, ',');
	sbuf_adds(sb, row->id + strlen(row->id) - 4);
	return 0;
}

static void assert_list(struct store *s, const char *status, const char *search, int limit,
			const char *want)
{
	struct store_query q = { status, search, limit, false };
	struct sbuf got = SBUF_INIT;

	assert_int_equal(store_list(s, &q, collect, &got, NULL), 0);
	if (strcmp(sbuf_str(&got), want))
		fail_msg("status %s search '%s' limit %d: got '%s', want '%s'",
			 status ? status : "-", search ? search : "-", limit, sbuf_str(&got),
			 want);
	sbuf_release(&got);
}

static const struct sample {
	const char *id, *status, *head, *village, *child;
} samples[] = {
	{ "04630-A-0003", "void", "Lê Văn Hòa", "Bản Mồ", "Lê Văn Yến" },
	{ "04630-A-0001", "complete", "Nguyễn Văn A", "Bản Lướt", "Nguyễn Thị Mai" },
	{ "04630-A-0002", "draft", "Trần Thị Vân", "Đường Lâm", "Trần Văn Khánh" },
	{ "04630-A-0004", "complete", "Phạm Thị Hoà", "Sín Chải", "Phạm Minh" },
	{ "04630-A-0005", "rejected", "Vũ Văn Tú", "giảm 100%", "Vũ Thị Bé" },
	{ "04630-A-0006", "draft", "Vũ Văn Tư", "giảm 1000", "Vũ Ngọc" },
	{ "04630-A-0007", "complete", "Đỗ Thị Mến", "mã_1", "Đỗ Văn Cường" },
	{ "04630-A-0008", "complete", "Đỗ Văn Sinh", "mãx1", "Đỗ Thị Út" },
	{ "04630-A-0009", "draft", "Một Hai Ba", "Bốn Năm Sáu", "Bảy Tám" },
	{ "04630-A-0010", "complete", "Hà Văn Lò", "a\\b", "Hà Thị Nhi" },
};

static struct store *open_samples(const char *db)
{
	struct store *s = open_ok(db, true);
	struct record r;
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		make_record(&r, samples[i].id, samples[i].status, samples[i].head,
			    samples[i].village, samples[i].child);
		put_ok(s, &r, samples[i].head);
		record_release(&r);
	}
	return s;
}

static void test_list(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);

	assert_list(s, NULL, NULL, 0, "0001,0002,0003,0004,0005,0006,0007,0008,0009,0010");
	assert_list(s, "draft", NULL, 0, "0002,0006,0009");
	assert_list(s, "complete", NULL, 0, "0001,0004,0007,0008,0010");
	assert_list(s, "void", NULL, 0, "0003");
	assert_list(s, "rejected", NULL, 0, "0005");
	assert_list(s, "complete", NULL, 2, "0001,0004");
	assert_list(s, NULL, NULL, 3, "0001,0002,0003");
	assert_list(s, "complete", "vu", 0, "");
	assert_list(s, "draft", "vu", 0, "0006");
	store_close(s);
}

static void test_search(void **state)
{
	static const struct {
		const char *q, *want;
	} cases[] = {
		{ "nguyen van a", "0001" },
		{ "Nguyễn Văn A", "0001" },
		{ "NGUYEN", "0001" },
		{ "duong", "0002" },
		{ "Đường", "0002" },
		{ "ĐƯỜNG LÂM", "0002" },
		{ "hoa", "0003,0004" },
		{ "hòa", "0003,0004" },
		{ "hoà", "0003,0004" },
		{ "van hoa", "0003" },
		{ "thi hoa", "0004" },
		{ "hoa nguyen", "" },
		{ "ban luot", "0001" },
		{ "khanh", "0002" },          /* a child's answer */
		{ "0007", "0007" },           /* the id */
		{ "tu", "0005,0006" },        /* Tú and Tư */
		{ "100%", "0005" },           /* % is not a wildcard */
		{ "ma_1", "0007" },           /* nor is _ */
		{ "a\\b", "0010" },           /* and \ is itself */
		{ "%", "0005" },
		{ "_", "0007" },
		{ "  nguyen \t van  ", "0001" },
		{ "", "0001,0002,0003,0004,0005,0006,0007,0008,0009,0010" },
		{ "xyz", "" },
		/* Words after the eighth are ignored. */
		{ "mot hai ba bon nam sau bay tam chin", "0009" },
		{ "mot hai ba bon nam sau bay chin", "" },
	};
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_list(s, NULL, cases[i].q, 0, cases[i].want);
	store_close(s);
}

/* Collects "id status title|search" of each row listed by store_list_keys. */
static int collect_keys(void *data, const struct store_row *row)
{
	struct sbuf *sb = data;

	assert_null(row->body);
	sbuf_addf(sb, "%s %s %s|%s\n", row->id, row->status, row->title, row->search);
	return 0;
}

static void test_list_keys(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);
	struct sbuf got = SBUF_INIT;
	size_t lines = 0, i;

	/* With a limit: the first records in id order. */
	assert_int_equal(store_list_keys(s, NULL, 2, collect_keys, &got, NULL), 0);
	assert_string_equal(sbuf_str(&got),
			    "04630-A-0001 complete Nguyễn Văn A|04630-a-0001 nguyen van a "
			    "nguyen van a ban luot k3f9 nguyen thi mai\n"
			    "04630-A-0002 draft Trần Thị Vân|04630-a-0002 tran thi van "
			    "tran thi van duong lam k3f9 tran van khanh\n");
	/* One record. */
	sbuf_reset(&got);
	assert_int_equal(store_list_keys(s, "04630-A-0005", 0, collect_keys, &got, NULL), 0);
	assert_string_equal(sbuf_str(&got), "04630-A-0005 rejected Vũ Văn Tú|04630-a-0005 "
					    "vu van tu vu van tu giam 100% k3f9 vu thi be\n");
	sbuf_reset(&got);
	assert_int_equal(store_list_keys(s, "04630-A-0099", 0, collect_keys, &got, NULL), 0);
	assert_string_equal(sbuf_str(&got), "");
	/* All: every record once, in whatever order. */
	assert_int_equal(store_list_keys(s, NULL, 0, collect_keys, &got, NULL), 0);
	for (i = 0; i < got.len; i++)
		lines += sbuf_str(&got)[i] == '\n';
	assert_int_equal(lines, sizeof(samples) / sizeof(*samples));
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++)
		assert_non_null(strstr(sbuf_str(&got), samples[i].id));
	sbuf_release(&got);
	store_close(s);
}

static int stop_at(void *data, const struct store_row *row)
{
	int *seen = data;

	(void)row;
	return ++*seen == 2 ? 42 : 0;
}

struct nested {
	struct store *s;
	struct sbuf inner;
};

/* Lists again from inside a listing, as a screen refreshing a count might. */
static int list_inside(void *data, const struct store_row *row)
{
	struct nested *n = data;
	struct store_query q = { "draft", NULL, 1, false };

	(void)row;
	return store_list(n->s, &q, collect, &n->inner, NULL);
}

/* Each listed body is the stored record's text, as store_get gives it. */
static int check_body(void *data, const struct store_row *row)
{
	struct store *s = data;
	struct store_row got = { 0 };

	assert_non_null(row->body);
	assert_int_equal(store_get(s, row->id, &got, NULL), 0);
	assert_string_equal(row->body, got.body);
	store_row_release(&got);
	return 0;
}

static int no_body(void *data, const struct store_row *row)
{
	(void)data;
	assert_null(row->body);
	return 0;
}

static void test_list_bodies(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);
	struct store_query q = { NULL, NULL, 0, true };

	assert_int_equal(store_list(s, &q, check_body, s, NULL), 0);
	q.with_body = false;
	assert_int_equal(store_list(s, &q, no_body, NULL, NULL), 0);
	store_close(s);
}

static void test_list_callback(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);
	struct store_query q = { NULL, NULL, 0, false };
	struct nested n = { s, SBUF_INIT };
	int seen = 0;

	assert_int_equal(store_list(s, &q, stop_at, &seen, NULL), 42);
	assert_int_equal(seen, 2);
	q.status = "void";
	q.search = "bogus words";
	assert_int_equal(store_list(s, &q, stop_at, &seen, NULL), 0);
	assert_int_equal(seen, 2);
	q.status = "complete";
	q.search = NULL;
	assert_int_equal(store_list(s, &q, list_inside, &n, NULL), 0);
	assert_string_equal(sbuf_str(&n.inner), "0002,0002,0002,0002,0002");
	sbuf_release(&n.inner);
	store_close(s);
}

static void test_count(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	long n[4] = { -1, -1, -1, -1 };
	struct record r;

	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[0] + n[1] + n[2] + n[3], 0);
	store_close(s);
	s = open_samples(fx->db);
	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[0], 3);
	assert_int_equal(n[1], 5);
	assert_int_equal(n[2], 1);
	assert_int_equal(n[3], 1);
	/* Voiding moves a record from one count to another. */
	make_record(&r, "04630-A-0001", "void", "Nguyễn Văn A", "Bản Lướt", "Nguyễn Thị Mai");
	put_ok(s, &r, NULL);
	record_release(&r);
	assert_int_equal(store_count(s, n, NULL), 0);
	assert_int_equal(n[1], 4);
	assert_int_equal(n[2], 2);
	store_close(s);
}

static void test_find_same(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_samples(fx->db);
	struct record r;
	char *id = (char *)fx;

	/* The same answers under another status and without id or meta. */
	make_record(&r, NULL, "draft", "Phạm Thị Hoà", "Sín Chải", "Phạm Minh");
	r.created = xstrdup("2030-01-01T00:00:00Z");
	assert_int_equal(store_find_same(s, &r, &id, NULL), 0);
	assert_non_null(id);
	assert_string_equal(id, "04630-A-0004");
	free(id);
	record_release(&r);

	/* One answer differs, even by an accent only. */
	make_record(&r, NULL, "complete", "Phạm Thị Hòa", "Sín Chải", "Phạm Minh");
	assert_int_equal(store_find_same(s, &r, &id, NULL), 0);
	assert_null(id);
	record_release(&r);
	store_close(s);
}

static void test_pragmas(void **state)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "journal_mode", "wal" },
		{ "synchronous", "2" },
		{ "foreign_keys", "1" },
		{ "busy_timeout", "5000" },
	};
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct error err = ERROR_INIT;
	char *v = NULL;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(store_pragma(s, cases[i].name, &v, NULL), 0);
		assert_non_null(v);
		assert_string_equal(v, cases[i].want);
		free(v);
	}
	assert_int_equal(store_pragma(s, "user_version; DROP TABLE records", &v, &err),
			 ERR_USAGE);
	assert_null(v);
	error_release(&err);
	store_close(s);
	/* WAL is a property of the file: another program sees it too. */
	assert_raw(fx->db, "PRAGMA journal_mode", "wal");
}

static void test_newer_schema(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct error err = ERROR_INIT;
	char *sql = xasprintf("PRAGMA user_version = %d", store_schema_version() + 1);

	store_close(s);
	raw_exec(fx->db, sql);
	s = (struct store *)fx;
	assert_int_equal(store_open(fx->db, false, &s, &err), ERR_ENV);
	assert_null(s);
	assert_true(error_has(&err, "newer dieutra"));
	assert_string_equal(err.items[0].file, fx->db);
	error_release(&err);
	free(sql);
}

static void test_corrupt(void **state)
{
	struct fixture *fx = *state;
	struct error err = ERROR_INIT;
	struct store *s = NULL;
	char garbage[8192];
	FILE *f;
	int create;

	memset(garbage, 'x', sizeof(garbage));
	f = fopen(fx->db, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(garbage, 1, sizeof(garbage), f), sizeof(garbage));
	assert_int_equal(fclose(f), 0);
	for (create = 0; create <= 1; create++) {
		assert_int_equal(store_open(fx->db, create, &s, &err), ERR_ENV);
		assert_null(s);
		assert_true(err.n >= 1);
		assert_string_equal(err.items[0].file, fx->db);
		error_release(&err);
	}
}

struct unsynced {
	char ids[8][16];
	long long revs[8];
	size_t n;
};

static int collect_unsynced(void *data, const struct store_row *row, long long rev)
{
	struct unsynced *u = data;

	assert_true(u->n < 8);
	assert_non_null(row->body);
	snprintf(u->ids[u->n], sizeof(u->ids[u->n]), "%s", row->id);
	u->revs[u->n++] = rev;
	return 0;
}

/* The ids store_list_unsynced() gives, joined by spaces. */
static void assert_unsynced(struct store *s, const char *want, struct unsynced *u)
{
	char got[128] = "";
	size_t i;

	memset(u, 0, sizeof(*u));
	assert_int_equal(store_list_unsynced(s, collect_unsynced, u, NULL), 0);
	for (i = 0; i < u->n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, u->ids[i]);
	}
	assert_string_equal(got, want);
}

static void test_unsynced(void **state)
{
	static const struct {
		const char *id, *status;
	} recs[] = {
		{ "04630-A-0001", "complete" },
		{ "04630-A-0002", "draft" },
		{ "04630-A-0003", "void" },
		{ "04630-A-0004", "rejected" },
	};
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct store_sent sent[2];
	long long rev, synced;
	struct unsynced u;
	struct record r;
	size_t i;

	for (i = 0; i < sizeof(recs) / sizeof(*recs); i++) {
		make_record(&r, recs[i].id, recs[i].status, "Lò Văn Pâng", "Bản Lướt", "Mai");
		put_ok(s, &r, NULL);
		record_release(&r);
	}
	/* Only what is complete or void travels. */
	assert_unsynced(s, "04630-A-0001 04630-A-0003", &u);
	assert_true(u.revs[0] < u.revs[1]);
	sent[0] = (struct store_sent){ "04630-A-0001", u.revs[0] };
	sent[1] = (struct store_sent){ "04630-A-0003", u.revs[1] };
	/* Changed while the sync ran: the revision sent is older, so it goes again. */
	make_record(&r, "04630-A-0003", "void", "Lò Văn Pâng", "Bản Mường", "Mai");
	put_ok(s, &r, NULL);
	record_release(&r);
	assert_int_equal(store_mark_synced(s, sent, 2, NULL), 0);
	assert_unsynced(s, "04630-A-0003", &u);
	assert_true(u.revs[0] > sent[1].rev);
	/* Marking an older revision again does not undo a later mark. */
	sent[0].rev = u.revs[0];
	sent[0].id = "04630-A-0003";
	assert_int_equal(store_mark_synced(s, sent, 1, NULL), 0);
	sent[0].rev = 1;
	assert_int_equal(store_mark_synced(s, sent, 1, NULL), 0);
	assert_unsynced(s, "", &u);
	/* A record from the district is stored as already sent; a later edit is not. */
	make_record(&r, "04630-B-0001", "complete", "Hà Thị Xuân", "Bản Lướt", "Nga");
	assert_int_equal(store_put_synced(s, &r, NULL, NULL), 0);
	assert_unsynced(s, "", &u);
	assert_int_equal(store_sync_state(s, "04630-B-0001", &rev, &synced, NULL), 0);
	assert_true(rev > 0);
	assert_true(rev == synced);
	record_node_set(record_node_get(r.data, "household"), "village", "Bản Mường");
	put_ok(s, &r, NULL);
	record_release(&r);
	assert_unsynced(s, "04630-B-0001", &u);
	assert_int_equal(store_sync_state(s, "04630-B-0001", &rev, &synced, NULL), 0);
	assert_true(rev > synced);
	/* A draft is never sent, but it has changes the district lacks. */
	assert_int_equal(store_sync_state(s, "04630-A-0002", &rev, &synced, NULL), 0);
	assert_true(rev > 0);
	assert_true(synced == -1);
	assert_int_equal(store_sync_state(s, "04630-Z-0001", &rev, &synced, NULL), 0);
	assert_true(rev == -1 && synced == -1);
	store_close(s);
}

/* A workspace made before sync existed: its records have never been sent. */
static void test_unsynced_after_upgrade(void **state)
{
	struct fixture *fx = *state;
	struct unsynced u;
	struct store *s;

	raw_exec(fx->db,
		 "CREATE TABLE config(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		 "CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
		 "CREATE TABLE records(id TEXT PRIMARY KEY, form TEXT NOT NULL,"
		 " version TEXT NOT NULL, status TEXT NOT NULL, title TEXT, created TEXT,"
		 " modified TEXT, body TEXT NOT NULL, search TEXT NOT NULL,"
		 " answers_hash BLOB NOT NULL);"
		 "INSERT INTO records VALUES('04630-A-0001', 'f', '1', 'complete', NULL, NULL,"
		 " NULL, 'id: 04630-A-0001', '', x'00');"
		 "PRAGMA user_version = 1;");
	s = open_ok(fx->db, false);
	assert_unsynced(s, "04630-A-0001", &u);
	store_close(s);
}

static void assert_status(struct store *s, const char *id, const char *want)
{
	struct store_row row = { 0 };

	assert_int_equal(store_get(s, id, &row, NULL), 0);
	assert_string_equal(row.status, want);
	store_row_release(&row);
}

static void release_conflicts(struct store_conflict *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		store_conflict_release(&c[i]);
	free(c);
}

/* Answers changed two ways: kept with both values until a person's save. */
static void test_conflicts(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct store_conflict village = { "04630-A-0001", "household.village", "Bản Lướt",
					  "Bản Mường", false, false, NULL, NULL, NULL };
	struct store_conflict phone = { "04630-A-0001", "household.phone", NULL, "0912",
					false, false, NULL, NULL, NULL };
	struct store_conflict ghost = { "04630-A-0009", "household.village", "a", "b",
					false, false, NULL, NULL, NULL };
	struct error err = ERROR_INIT;
	struct store_conflict *c;
	struct unsynced u;
	struct record r;
	size_t n;

	make_record(&r, "04630-A-0001", "complete", "Lò Văn Pâng", "Bản Lướt", "Mai");
	assert_int_equal(store_put_synced(s, &r, NULL, NULL), 0);
	assert_int_equal(store_conflict_put(s, &village, NULL), 0);
	assert_int_equal(store_conflict_put(s, &phone, NULL), 0);
	assert_int_equal(store_conflict_put(s, &ghost, &err), ERR_NOTFOUND);
	assert_true(error_has(&err, "04630-A-0009"));
	assert_status(s, "04630-A-0001", "conflict");
	assert_list(s, "conflict", NULL, 0, "0001");
	/* In conflict, the record is not sent. */
	assert_unsynced(s, "", &u);
	assert_int_equal(store_conflict_list(s, "04630-A-0001", &c, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].path, "household.phone");
	assert_null(c[0].ours);
	assert_string_equal(c[0].theirs, "0912");
	assert_string_equal(c[1].ours, "Bản Lướt");
	assert_string_equal(c[1].theirs, "Bản Mường");
	assert_false(c[1].picked);
	release_conflicts(c, n);
	assert_int_equal(store_conflict_pick(s, "04630-A-0001", "household.village", "Nà Lóng",
					     NULL), 0);
	assert_int_equal(store_conflict_pick(s, "04630-A-0001", "household.phone", NULL, NULL), 0);
	assert_int_equal(store_conflict_pick(s, "04630-A-0001", "household.members", "5", NULL),
			 ERR_NOTFOUND);
	assert_int_equal(store_conflict_list(s, "04630-A-0001", &c, &n, NULL), 0);
	assert_true(c[0].picked && !c[0].pick);
	assert_true(c[1].picked);
	assert_string_equal(c[1].pick, "Nà Lóng");
	release_conflicts(c, n);
	/* Another version from the district leaves them to the person... */
	assert_int_equal(store_put_synced(s, &r, NULL, NULL), 0);
	assert_status(s, "04630-A-0001", "conflict");
	/* ...whose save settles them. */
	put_ok(s, &r, NULL);
	assert_status(s, "04630-A-0001", "complete");
	assert_int_equal(store_conflict_list(s, "04630-A-0001", &c, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(c);
	assert_unsynced(s, "04630-A-0001", &u);
	record_release(&r);
	error_release(&err);
	store_close(s);
}

/* A group or item changed two ways keeps each side's node as text; an old row has none. */
static void test_tree_conflicts(void **state)
{
	struct fixture *fx = *state;
	struct store *s = open_ok(fx->db, true);
	struct store_conflict child = { "04630-A-0001", "children[_id=k1]", "full_name: Mai", NULL,
					true, false, NULL, "data:\n  node:\n    full_name: Mai\n",
					NULL };
	struct store_conflict old = { "04630-A-0001", "household", "village: a", "village: b",
				      true, false, NULL, NULL, NULL };
	struct store_conflict *c;
	struct record r;
	const char *v;
	size_t n;

	make_record(&r, "04630-A-0001", "complete", "Lò Văn Pâng", "Bản Lướt", "Mai");
	assert_int_equal(store_put_synced(s, &r, NULL, NULL), 0);
	assert_int_equal(store_conflict_put(s, &child, NULL), 0);
	assert_int_equal(store_conflict_put(s, &old, NULL), 0);
	assert_int_equal(store_conflict_list(s, "04630-A-0001", &c, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].ours_text, child.ours_text);
	assert_null(c[0].theirs_text);
	assert_true(store_conflict_side(&c[0], false, &v));
	assert_ptr_equal(v, c[0].ours_text);
	/* Theirs removed it: picking theirs is picking no node. */
	assert_true(store_conflict_side(&c[0], true, &v));
	assert_null(v);
	assert_false(store_conflict_side(&c[1], true, &v));
	assert_false(store_conflict_side(&c[1], false, &v));
	release_conflicts(c, n);
	record_release(&r);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pragmas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsynced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsynced_after_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_conflicts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
