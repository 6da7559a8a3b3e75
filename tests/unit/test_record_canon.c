/*
 * test_record_canon.c - the canonical text's fast reader against libyaml's:
 * for the census records, the benchmark generator's kinds of answers and
 * random records, both give the same record, node positions included; for
 * every way a text can differ from the writer's, the fast reader declines
 * and record_parse() gives exactly what libyaml gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "record_priv.h"
#include "text.h"
#include "util.h"

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* record_node_equal() and the positions too. */
static bool nodes_same(const struct record_node *a, const struct record_node *b)
{
	size_t i;

	if (!record_node_equal(a, b) || a->line != b->line || a->col != b->col)
		return false;
	for (i = 0; i < a->nkids; i++)
		if (!nodes_same(a->kids[i], b->kids[i]))
			return false;
	return true;
}

static bool records_same(const struct record *a, const struct record *b)
{
	return str_same(a->id, b->id) && str_same(a->form, b->form) &&
	       str_same(a->version, b->version) && str_same(a->status, b->status) &&
	       str_same(a->created, b->created) && str_same(a->modified, b->modified) &&
	       str_same(a->enumerator, b->enumerator) && str_same(a->device, b->device) &&
	       str_same(a->review, b->review) && nodes_same(a->data, b->data);
}

static void first_difference(const struct record_node *a, const struct record_node *b)
{
	size_t i;

	if (a->kind != b->kind || a->nkids != b->nkids || !str_same(a->key, b->key) ||
	    !str_same(a->value, b->value) || a->line != b->line || a->col != b->col ||
	    a->sealed != b->sealed) {
		print_error("fast: key %s value %s at %d:%d; libyaml: key %s value %s at %d:%d\n",
			    a->key ? a->key : "-", a->value ? a->value : "-", a->line, a->col,
			    b->key ? b->key : "-", b->value ? b->value : "-", b->line, b->col);
		return;
	}
	for (i = 0; i < a->nkids; i++)
		if (!nodes_same(a->kids[i], b->kids[i])) {
			first_difference(a->kids[i], b->kids[i]);
			return;
		}
}

/*
 * Reads text both ways; when the fast reader takes it, libyaml must read
 * the same record.  Returns whether the fast reader took it.
 */
static bool agree(const char *text, size_t len)
{
	struct record fast, slow;
	struct error err = ERROR_INIT;
	bool took;

	record_init(&fast);
	record_init(&slow);
	took = !record_canon_parse(text, len, &fast);
	if (took) {
		if (record_parse_yaml(text, len, "t", &slow, &err))
			fail_msg("the fast reader took what libyaml refuses (%s):\n%s",
				 err.items[0].msg, text);
		if (!records_same(&fast, &slow)) {
			first_difference(fast.data, slow.data);
			fail_msg("the readers disagree on\n%s", text);
		}
	} else {
		assert_non_null(fast.data);
		assert_int_equal(fast.data->nkids, 0);
		assert_null(fast.id);
	}
	record_release(&fast);
	record_release(&slow);
	error_release(&err);
	return took;
}

/* r written, then read: the fast reader takes it, and libyaml agrees. */
static void written_agrees(const struct record *r)
{
	struct sbuf sb = SBUF_INIT;

	record_write(r, &sb);
	if (!agree(sb.buf, sb.len))
		fail_msg("the fast reader declined the writer's own text:\n%s", sbuf_str(&sb));
	sbuf_release(&sb);
}

static void test_census(void **state)
{
	struct sbuf text = SBUF_INIT, path = SBUF_INIT;
	struct error err = ERROR_INIT;
	struct record r;
	struct dirent *de;
	DIR *dir;
	int n = 0;

	(void)state;
	dir = opendir("tests/census");
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		if (!strstr(de->d_name, ".yaml"))
			continue;
		sbuf_reset(&path);
		sbuf_addf(&path, "tests/census/%s", de->d_name);
		sbuf_reset(&text);
		assert_int_equal(read_file(sbuf_str(&path), &text, &err), 0);
		/* As written by hand (comments and all), then as the store holds it. */
		agree(text.buf, text.len);
		record_init(&r);
		if (!record_parse(text.buf, text.len, "t", &r, NULL)) {
			written_agrees(&r);
			n++;
		}
		record_release(&r);
	}
	closedir(dir);
	assert_true(n >= 10);
	sbuf_release(&text);
	sbuf_release(&path);
	error_release(&err);
}

/* A small, seeded generator: the same records on every run. */
static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11) % n;
}

/* What the benchmark's generator and the field give, and every YAML trap. */
static const char *const pool[] = {
	"", " ", "  x", "x  ", "yes", "No", "ON", "off", "y", "n", "null", "Null", "~", "true",
	"FALSE", "-", "--", "---", "...", "- x", "-5", "-2.5", "-05", "1.5", "0", "007",
	"0912345678", "0x1F", "1e3", ".inf", "09:14", "1:20", "2014-05-02", "?", "? x", ":", ": x",
	"x:", "x: y", "x #y", "#", "a#b", ",", "[", "]", "{", "}", "[a, b]", "{a: b}", "&a", "*a",
	"!", "!!str", "!sealed", "|", ">", "'", "\"", "'q'", "\"q\"", "%", "@", "`", "\\", "\\n",
	"a\\", "a\nb", "\n", "a\n", "\r\n", "\t", "a\tb", "\x01", "\x1b[31m", "\x7f", "\xc2\x85",
	"\xc2\xa0", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbb\xbf", "\xef\xbf\xbe", "\xef\xbf\xbf",
	"Bản Lướt", "Lò Thị Mai", "Nguyễn Văn Đường", "Hoa\xcc\x80", "e\xcc\x81", "ƯƠ", "日本語",
	"\xf0\x9f\x98\x80", "orphan_both disabled", "Lò Thị Hoa <hoa@example.vn>", "50%", "a, b",
	"=", "<<", "a:b", "04630-A-0007", "2026-11-23T09:14:02Z",
};

static const char *const key_pool[] = {
	"a", "b", "name", "_id", "x1", "yes", "null", "on", "household", "children", "village",
	"members", "dob", "Groups", "_x", "tên", "a b", "a:b", "1", "-x", "#", "\"", "k\\",
};

static char *random_text(void)
{
	struct sbuf sb = SBUF_INIT;
	uint32_t i, parts = 1 + rnd(3);
	char *nfc;

	if (!rnd(25))
		parts = 300 + rnd(1000);
	for (i = 0; i < parts; i++)
		sbuf_adds(&sb, pool[rnd(sizeof(pool) / sizeof(*pool))]);
	/* Answers come back NFC, so that is how the generator makes them. */
	nfc = text_nfc(sbuf_str(&sb));
	assert_non_null(nfc);
	sbuf_release(&sb);
	return nfc;
}

static char *maybe_text(void)
{
	return rnd(3) ? random_text() : NULL;
}

static struct record_node *random_node(const char *key, int depth);

static void random_kids(struct record_node *n, int depth)
{
	bool used[sizeof(key_pool) / sizeof(*key_pool)] = { false };
	uint32_t i, k, count = rnd(6);

	for (i = 0; i < count; i++) {
		if (n->kind == RECORD_LIST) {
			record_node_add(n, random_node(NULL, depth + 1));
			continue;
		}
		k = rnd(sizeof(key_pool) / sizeof(*key_pool));
		if (!used[k]) {
			used[k] = true;
			record_node_add(n, random_node(key_pool[k], depth + 1));
		}
	}
}

/* A node at depth (data is 1): repeats of repeats, groups, empty ones, sealed answers. */
static struct record_node *random_node(const char *key, int depth)
{
	static const char *const sealed[] = { "AbC-_09", "-x", "_", "Zm9vYmFy" };
	uint32_t pick = depth < 6 ? rnd(10) : 0;
	struct record_node *n;
	char *s;

	if (pick < 6) {
		if (!rnd(8)) {
			n = record_node_new(RECORD_SCALAR, key, sealed[rnd(4)]);
			n->sealed = true;
			return n;
		}
		s = random_text();
		n = record_node_new(RECORD_SCALAR, key, s);
		free(s);
		return n;
	}
	n = record_node_new(pick < 8 ? RECORD_MAP : RECORD_LIST, key, NULL);
	random_kids(n, depth);
	return n;
}

static void random_record(struct record *r)
{
	record_init(r);
	r->id = maybe_text();
	r->form = maybe_text();
	r->version = maybe_text();
	r->status = maybe_text();
	r->created = maybe_text();
	r->modified = maybe_text();
	r->enumerator = maybe_text();
	r->device = maybe_text();
	r->review = rnd(4) ? NULL : random_text();
	random_kids(r->data, 1);
}

static void test_random(void **state)
{
	struct record r;
	int i;

	(void)state;
	rng_state = 0x2545f4914f6cdd1dull;
	for (i = 0; i < 3000; i++) {
		random_record(&r);
		written_agrees(&r);
		record_release(&r);
	}
}

/* A household as the benchmark generator and the census make them. */
static void test_census_kinds(void **state)
{
	struct record r;
	struct record_node *hh, *kids, *kid, *vacc, *dose;
	struct sbuf long_text = SBUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < 2000; i++)
		sbuf_adds(&long_text, "Gia đình ở xa, đường khó đi: \"mùa mưa\" # ");
	record_init(&r);
	r.id = xstrdup("04630-A-0007");
	r.form = xstrdup("child-census");
	r.version = xstrdup("2026.1");
	r.status = xstrdup("complete");
	r.created = xstrdup("2026-11-23T09:14:02Z");
	r.enumerator = xstrdup("Lò Thị Hoa <hoa@example.vn>");
	r.device = xstrdup("A");
	hh = record_node_new(RECORD_MAP, "household", NULL);
	record_node_set(hh, "village", "Bản Lướt");
	record_node_set(hh, "household_no", "0022");
	record_node_set(hh, "members", "5");
	record_node_set(hh, "consent", "yes");
	record_node_set(hh, "note", "");
	record_node_set(hh, "address", "  số 5: ngõ #3, \"Hòa\"");
	record_node_set(hh, "story", "dòng một\ndòng hai\n");
	record_node_set(hh, "long", sbuf_str(&long_text));
	record_node_set(hh, "missing", "null");
	record_node_add(r.data, hh);
	kids = record_node_new(RECORD_LIST, "children", NULL);
	for (i = 0; i < 3; i++) {
		kid = record_node_new(RECORD_MAP, NULL, NULL);
		record_node_set(kid, "_id", "k3f9");
		record_node_set(kid, "full_name", "Nguyễn Thị Ánh Tuyết");
		record_node_add(kid, record_node_new(RECORD_SCALAR, "child_id", "AbC-_09xyz"));
		kid->kids[kid->nkids - 1]->sealed = true;
		vacc = record_node_new(RECORD_LIST, "vaccines", NULL);
		dose = record_node_new(RECORD_MAP, NULL, NULL);
		record_node_set(dose, "name", "BCG");
		record_node_add(dose, record_node_new(RECORD_LIST, "dates", NULL));
		record_node_add(vacc, dose);
		record_node_add(vacc, record_node_new(RECORD_MAP, NULL, NULL));
		record_node_add(kid, vacc);
		record_node_add(kid, record_node_new(RECORD_MAP, "empty_group", NULL));
		record_node_add(kids, kid);
	}
	record_node_add(r.data, kids);
	written_agrees(&r);
	record_release(&r);
	/* No answers at all, and no meta. */
	record_init(&r);
	r.form = xstrdup("child-census");
	written_agrees(&r);
	record_release(&r);
	sbuf_release(&long_text);
}

/* The fast reader declines text, and record_parse() is libyaml's, error included. */
static void declined(const char *text, size_t len)
{
	struct record fast, a, b;
	struct error ea = ERROR_INIT, eb = ERROR_INIT;
	int ra, rb;

	record_init(&fast);
	record_init(&a);
	record_init(&b);
	if (!record_canon_parse(text, len, &fast))
		fail_msg("the fast reader took\n%s", text);
	ra = record_parse(text, len, "t", &a, &ea);
	rb = record_parse_yaml(text, len, "t", &b, &eb);
	assert_int_equal(ra, rb);
	assert_int_equal(ea.n, eb.n);
	if (ea.n) {
		assert_string_equal(ea.items[0].msg, eb.items[0].msg);
		assert_int_equal(ea.items[0].line, eb.items[0].line);
		assert_int_equal(ea.items[0].col, eb.items[0].col);
	}
	assert_true(records_same(&a, &b));
	record_release(&fast);
	record_release(&a);
	record_release(&b);
	error_release(&ea);
	error_release(&eb);
}

#define DECLINED(s) declined(s, sizeof(s) - 1)

static const char base[] =
	"id: 04630-A-0007\n"
	"form: child-census\n"
	"version: \"2026.1\"\n"
	"data:\n"
	"  household:\n"
	"    village: Bản Lướt\n";

static void test_declines(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	(void)state;
	assert_true(agree(base, sizeof(base) - 1));
	/* A comment, blank lines, flow collections, other scalar styles. */
	DECLINED("# a comment\nid: x\nform: f\ndata: {}\n");
	DECLINED("id: x # a comment\nform: f\ndata: {}\n");
	DECLINED("id: x\n\nform: f\ndata: {}\n");
	DECLINED("id: x\ndata: {a: b}\n");
	DECLINED("id: x\ndata:\n  a: [b, c]\n");
	DECLINED("id: 'x'\ndata: {}\n");
	DECLINED("id: x\ndata:\n  a: |\n    text\n");
	DECLINED("id: x\ndata:\n  a: >\n    text\n");
	DECLINED("id: x\ndata:\n  a: b\n    c\n");
	DECLINED("id: \"x\\x41\\u00e9\\/\"\ndata: {}\n");
	DECLINED("id: \"x\\e\"\ndata: {}\n");
	DECLINED("id: \"a\nb\"\ndata: {}\n");
	/* Plain text the writer would have quoted, quoted text it would write plain is fine. */
	DECLINED("id: x\ndata:\n  a: yes\n");
	DECLINED("id: x\ndata:\n  a: 007\n");
	DECLINED("id: x\ndata:\n  a: b \n");
	DECLINED("id: x\ndata:\n  a:\n");
	DECLINED("id: x\ndata:\n  a: ~\n");
	assert_true(agree("id: \"x\"\ndata:\n  \"a\": \"b\"\n", 25));
	/* Tabs, CR, a missing final newline, a byte order mark. */
	DECLINED("id: x\ndata:\n\ta: b\n");
	DECLINED("id: x\ndata:\n  a: b\tc\n");
	DECLINED("id: x\r\ndata: {}\r\n");
	DECLINED("id: x\ndata:\n  a: b");
	DECLINED("\xef\xbb\xbfid: x\ndata: {}\n");
	/* Keys: duplicates, out of order, unknown, empty, too long, not strings. */
	DECLINED("id: x\ndata:\n  a: b\n  a: c\n");
	DECLINED("id: x\nid: y\ndata: {}\n");
	DECLINED("form: f\nid: x\ndata: {}\n");
	DECLINED("id: x\nfrom: f\ndata: {}\n");
	DECLINED("meta:\n  device: A\n  created: x\ndata: {}\n");
	DECLINED("meta:\n  creator: x\ndata: {}\n");
	DECLINED("meta:\ndata: {}\n");
	DECLINED("id: x\ndata:\n  \"\": b\n");
	DECLINED("id: x\ndata:\n  ? a\n  : b\n");
	DECLINED("id: x\ndata: {}\nform: f\n");
	DECLINED("id: x\ndata: []\n");
	DECLINED("id: !sealed QUJD\ndata: {}\n");
	DECLINED("id: x\ndata:\n  a: !sealed\n");
	DECLINED("id: x\ndata:\n  a: !sealed a+b\n");
	DECLINED("id: x\ndata:\n  a: !secret b\n");
	DECLINED("id: x\ndata:\n  a: &anchor b\n");
	DECLINED("id: x\n---\ndata: {}\n");
	DECLINED("id: x\n");
	DECLINED("");
	/* Indentation the writer does not use. */
	DECLINED("id: x\ndata:\n   a: b\n");
	DECLINED("id: x\ndata:\n  a:\n  - b\n");
	DECLINED("id: x\ndata:\n  a:\n      - b\n");
	DECLINED("id: x\ndata:\n  a:\n    - b: c\n       d: e\n");
	DECLINED("id: x\ndata:\n  a:\n    - b: c\n     d: e\n");
	/* Invalid UTF-8, a NUL, text not NFC, controls the writer escapes. */
	DECLINED("id: x\ndata:\n  a: \xc3\n");
	DECLINED("id: x\ndata:\n  a: b\0c\n");
	DECLINED("id: x\ndata:\n  a: \"b\\x00\"\n");
	DECLINED("id: x\ndata:\n  a: \"\\uD800\"\n");
	DECLINED("id: x\ndata:\n  a: Hoa\xcc\x80\n");
	DECLINED("id: x\ndata:\n  \"Hoa\xcc\x80\": b\n");
	DECLINED("id: x\ndata:\n  a: b\xc2\x85\n");
	DECLINED("id: x\ndata:\n  a: b\xe2\x80\xa8\n");
	DECLINED("id: x\ndata:\n  a: \"\x01\"\n");
	/* Too deep, and too long. */
	sbuf_adds(&sb, "id: x\ndata:\n");
	for (i = 1; i <= RECORD_MAX_DEPTH; i++)
		sbuf_addf(&sb, "%*sa:\n", 2 * i, "");
	sbuf_addf(&sb, "%*sa: b\n", 2 * i, "");
	declined(sb.buf, sb.len);
	sbuf_reset(&sb);
	sbuf_adds(&sb, "id: x\ndata:\n  a: ");
	for (i = 0; i < (int)RECORD_MAX_SIZE / 8; i++)
		sbuf_adds(&sb, "abcdefgh");
	sbuf_adds(&sb, "\n");
	declined(sb.buf, sb.len);
	sbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_census),
		cmocka_unit_test(test_census_kinds),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_declines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
