/*
 * test_record.c - the record's canonical text: the example of DESIGN.md
 * written exactly, a table of values and how they are quoted, a property
 * test (random nasty records written, read back equal, written again
 * byte-identical), the reader's refusals with their line:col, positions,
 * and the node helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "text.h"
#include "util.h"

static const char example[] =
	"id: 04630-A-0007\n"
	"form: child-census\n"
	"version: \"2026.1\"\n"
	"status: complete\n"
	"meta:\n"
	"  created: 2026-11-23T09:14:02Z\n"
	"  modified: 2026-11-23T09:31:47Z\n"
	"  enumerator: Lò Thị Hoa <hoa@example.vn>\n"
	"  device: A\n"
	"data:\n"
	"  household:\n"
	"    village: Bản Lướt\n"
	"    members: 5\n"
	"  children:\n"
	"    - _id: k3f9\n"
	"      full_name: Lò Thị Mai\n"
	"      groups: orphan_both disabled\n";

static void build_example(struct record *r)
{
	struct record_node *hh = record_node_new(RECORD_MAP, "household", NULL);
	struct record_node *kids = record_node_new(RECORD_LIST, "children", NULL);
	struct record_node *kid = record_node_new(RECORD_MAP, NULL, NULL);

	record_init(r);
	r->id = xstrdup("04630-A-0007");
	r->form = xstrdup("child-census");
	r->version = xstrdup("2026.1");
	r->status = xstrdup("complete");
	r->created = xstrdup("2026-11-23T09:14:02Z");
	r->modified = xstrdup("2026-11-23T09:31:47Z");
	r->enumerator = xstrdup("Lò Thị Hoa <hoa@example.vn>");
	r->device = xstrdup("A");
	record_node_set(hh, "village", "Bản Lướt");
	record_node_set(hh, "members", "5");
	record_node_add(r->data, hh);
	record_node_set(kid, "_id", "k3f9");
	record_node_set(kid, "full_name", "Lò Thị Mai");
	record_node_set(kid, "groups", "orphan_both disabled");
	record_node_add(kids, kid);
	record_node_add(r->data, kids);
}

static void write_text(const struct record *r, struct sbuf *out)
{
	sbuf_reset(out);
	record_write(r, out);
}

/* Parses text, which must be accepted. */
static void parse_ok(const char *text, struct record *r)
{
	struct error err = ERROR_INIT;
	int ret;

	record_init(r);
	ret = record_parse(text, strlen(text), "rec.yaml", r, &err);
	if (ret) {
		error_print(&err, stderr, "parse: ");
		fprintf(stderr, "text:\n%s", text);
	}
	assert_int_equal(ret, 0);
	assert_int_equal(err.n, 0);
	error_release(&err);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool records_equal(const struct record *a, const struct record *b)
{
	return str_eq(a->id, b->id) && str_eq(a->form, b->form) &&
	       str_eq(a->version, b->version) && str_eq(a->status, b->status) &&
	       str_eq(a->created, b->created) && str_eq(a->modified, b->modified) &&
	       str_eq(a->enumerator, b->enumerator) && str_eq(a->device, b->device) &&
	       str_eq(a->review, b->review) && record_node_equal(a->data, b->data);
}

static void test_write_example(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct record r, back;
	const struct record_node *kid;

	(void)state;
	build_example(&r);
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), example);
	parse_ok(example, &back);
	assert_true(records_equal(&r, &back));
	assert_string_equal(back.file, "rec.yaml");
	assert_string_equal(back.version, "2026.1");
	assert_string_equal(back.enumerator, "Lò Thị Hoa <hoa@example.vn>");
	assert_string_equal(record_node_value(record_node_get(back.data, "household"), "members"),
			    "5");
	kid = record_node_get(back.data, "children")->kids[0];
	assert_null(kid->key);
	assert_string_equal(record_node_value(kid, "full_name"), "Lò Thị Mai");
	/* Each node knows where its content is. */
	assert_int_equal(kid->line, 15);
	assert_int_equal(kid->col, 7);
	assert_int_equal(record_node_get(kid, "groups")->line, 17);
	assert_int_equal(record_node_get(kid, "groups")->col, 15);
	record_release(&r);
	record_release(&back);
	sbuf_release(&out);
}

/* The district's reason for a rejection is the last meta key; it reads back, copies, frees. */
static void test_review(void **state)
{
	static const char text[] =
		"id: 04630-A-0007\n"
		"status: rejected\n"
		"meta:\n"
		"  device: A\n"
		"  review: \"Kiểm tra lại: ngày sinh\"\n"
		"data: {}\n";
	struct sbuf out = SBUF_INIT;
	struct record r, copy;

	(void)state;
	parse_ok(text, &r);
	assert_string_equal(r.review, "Kiểm tra lại: ngày sinh");
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), text);
	record_copy(&copy, &r);
	assert_true(records_equal(&r, &copy));
	free(copy.review);
	copy.review = NULL;
	assert_false(records_equal(&r, &copy));
	write_text(&copy, &out);
	assert_null(strstr(sbuf_str(&out), "review"));
	record_release(&copy);
	record_release(&r);
	sbuf_release(&out);
}

/* Only what is set is written; `data` always is. */
static void test_write_minimal(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct record r, back;

	(void)state;
	record_init(&r);
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), "data: {}\n");
	r.form = xstrdup("f");
	r.device = xstrdup("B");
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), "form: f\nmeta:\n  device: B\ndata: {}\n");
	parse_ok(sbuf_str(&out), &back);
	assert_true(records_equal(&r, &back));
	assert_null(back.id);
	assert_null(back.created);
	record_release(&back);
	/* Empty collections, and an item that is an empty map. */
	record_node_add(r.data, record_node_new(RECORD_LIST, "none", NULL));
	record_node_add(r.data, record_node_new(RECORD_MAP, "group", NULL));
	record_node_add(r.data, record_node_new(RECORD_LIST, "items", NULL));
	record_node_add(r.data->kids[2], record_node_new(RECORD_MAP, NULL, NULL));
	record_node_add(r.data->kids[2], record_node_new(RECORD_LIST, NULL, NULL));
	record_node_add(r.data->kids[2], record_node_new(RECORD_SCALAR, NULL, "x"));
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), "form: f\nmeta:\n  device: B\ndata:\n  none: []\n"
			    "  group: {}\n  items:\n    - {}\n    - []\n    - x\n");
	parse_ok(sbuf_str(&out), &back);
	assert_true(records_equal(&r, &back));
	record_release(&back);
	record_release(&r);
	sbuf_release(&out);
}

/* Lists of lists, and maps in them, put their first line on the "- " line. */
static void test_write_nested_lists(void **state)
{
	static const char text[] =
		"data:\n"
		"  grid:\n"
		"    - - a\n"
		"      - - b\n"
		"        - c: d\n"
		"          e: f\n"
		"    - g:\n"
		"        - h\n";
	struct sbuf out = SBUF_INIT;
	struct record r;

	(void)state;
	parse_ok(text, &r);
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), text);
	record_release(&r);
	sbuf_release(&out);
}

static void test_write_answers(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct record_node *kid;
	struct record r;

	(void)state;
	build_example(&r);
	record_write_answers(&r, &out);
	assert_string_equal(sbuf_str(&out), "  household:\n"
			    "    village: Bản Lướt\n"
			    "    members: 5\n"
			    "  children:\n"
			    "    - full_name: Lò Thị Mai\n"
			    "      groups: orphan_both disabled\n");
	/* An item with nothing but its id is an empty map; an `_id` outside a list is an answer. */
	kid = record_node_new(RECORD_MAP, NULL, NULL);
	record_node_set(kid, "_id", "x1");
	record_node_add(record_node_get(r.data, "children"), kid);
	record_node_set(record_node_get(r.data, "household"), "_id", "h");
	sbuf_reset(&out);
	record_write_answers(&r, &out);
	assert_string_equal(sbuf_str(&out), "  household:\n"
			    "    village: Bản Lướt\n"
			    "    members: 5\n"
			    "    _id: h\n"
			    "  children:\n"
			    "    - full_name: Lò Thị Mai\n"
			    "      groups: orphan_both disabled\n"
			    "    - {}\n");
	record_release(&r);
	record_init(&r);
	sbuf_reset(&out);
	record_write_answers(&r, &out);
	assert_string_equal(sbuf_str(&out), "");
	record_release(&r);
	sbuf_release(&out);
}

static const struct quote_case {
	const char *value;
	const char *written;
} quote_cases[] = {
	{ "", "\"\"" },
	{ "5", "5" },
	{ "0", "0" },
	{ "1.5", "1.5" },
	{ "0.5", "0.5" },
	{ "-5", "-5" },
	{ "-2.5", "-2.5" },
	{ "-05", "\"-05\"" },
	{ "-", "\"-\"" },
	{ "- a", "\"- a\"" },
	{ "-x", "\"-x\"" },
	{ "0912345678", "\"0912345678\"" },
	{ "007", "\"007\"" },
	{ "0x1F", "\"0x1F\"" },
	{ "09:14", "\"09:14\"" },
	{ "2014-05-02", "2014-05-02" },
	{ "2026-11-23T09:14:02Z", "2026-11-23T09:14:02Z" },
	{ "yes", "\"yes\"" },
	{ "No", "\"No\"" },
	{ "ON", "\"ON\"" },
	{ "off", "\"off\"" },
	{ "y", "\"y\"" },
	{ "N", "\"N\"" },
	{ "null", "\"null\"" },
	{ "~", "\"~\"" },
	{ "TRUE", "\"TRUE\"" },
	{ "False", "\"False\"" },
	{ "yes please", "yes please" },
	{ "nO", "nO" },
	{ " a", "\" a\"" },
	{ "a ", "\"a \"" },
	{ "a: b", "\"a: b\"" },
	{ "a:b", "a:b" },
	{ "a:", "\"a:\"" },
	{ "a #b", "\"a #b\"" },
	{ "a#b", "a#b" },
	{ "#x", "\"#x\"" },
	{ "?x", "\"?x\"" },
	{ ":x", "\":x\"" },
	{ ",x", "\",x\"" },
	{ "[a]", "\"[a]\"" },
	{ "]", "\"]\"" },
	{ "{a: b}", "\"{a: b}\"" },
	{ "}", "\"}\"" },
	{ "&a", "\"&a\"" },
	{ "*a", "\"*a\"" },
	{ "!a", "\"!a\"" },
	{ "|", "\"|\"" },
	{ ">", "\">\"" },
	{ "'q'", "\"'q'\"" },
	{ "\"q\"", "\"\\\"q\\\"\"" },
	{ "%YAML", "\"%YAML\"" },
	{ "@x", "\"@x\"" },
	{ "`x`", "\"`x`\"" },
	{ "say \"hi\"", "say \"hi\"" },
	{ "back\\slash", "back\\slash" },
	{ "a\nb", "\"a\\nb\"" },
	{ "a\tb", "\"a\\tb\"" },
	{ "\t", "\"\\t\"" },
	{ "a\r\nb", "\"a\\x0D\\nb\"" },
	{ "\x01\x1f\x7f", "\"\\x01\\x1F\\x7F\"" },
	{ "\"\\", "\"\\\"\\\\\"" },
	{ "Bản Lướt", "Bản Lướt" },
	{ "Lò Thị Hoa <hoa@example.vn>", "Lò Thị Hoa <hoa@example.vn>" },
	{ "Nguyễn Văn Đường: con", "\"Nguyễn Văn Đường: con\"" },
	{ "orphan_both disabled", "orphan_both disabled" },
	{ "50%", "50%" },
	{ "a, b", "a, b" },
	{ "...", "..." },
	{ "a\xc2\x85" "b", "\"a\\x85b\"" },             /* U+0085, a YAML line break */
	{ "\xc2\x9f", "\"\\x9F\"" },
	{ "a\xe2\x80\xa8" "b", "\"a\\u2028b\"" },        /* U+2028, another */
	{ "\xef\xbb\xbf" "x", "\"\\uFEFFx\"" },          /* a byte order mark */
	{ "\xef\xbf\xbe", "\"\\uFFFE\"" },
	{ "日本語", "日本語" },
};

static void test_quoting(void **state)
{
	struct sbuf out = SBUF_INIT, want = SBUF_INIT;
	struct record r, back;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(quote_cases) / sizeof(*quote_cases); i++) {
		const struct quote_case *c = &quote_cases[i];

		record_init(&r);
		record_node_set(r.data, "v", c->value);
		write_text(&r, &out);
		sbuf_reset(&want);
		sbuf_addf(&want, "data:\n  v: %s\n", c->written);
		if (strcmp(sbuf_str(&out), sbuf_str(&want)))
			fail_msg("case %zu: wrote\n%s, want\n%s", i, sbuf_str(&out),
				 sbuf_str(&want));
		parse_ok(sbuf_str(&out), &back);
		if (!records_equal(&r, &back))
			fail_msg("case %zu: '%s' read back as '%s'", i, c->value,
				 record_node_value(back.data, "v"));
		/* The same value as a list item and in the record's own fields. */
		record_node_add(r.data, record_node_new(RECORD_LIST, "l", NULL));
		record_node_add(r.data->kids[1], record_node_new(RECORD_SCALAR, NULL, c->value));
		r.id = xstrdup(c->value);
		r.version = xstrdup(c->value);
		r.enumerator = xstrdup(c->value);
		record_release(&back);
		write_text(&r, &out);
		parse_ok(sbuf_str(&out), &back);
		if (!records_equal(&r, &back))
			fail_msg("case %zu: '%s' did not come back from\n%s", i, c->value,
				 sbuf_str(&out));
		record_release(&back);
		record_release(&r);
	}
	sbuf_release(&out);
	sbuf_release(&want);
}

/* Field names are written plain, other keys read from files quoted as values are. */
static void test_keys(void **state)
{
	struct sbuf out = SBUF_INIT;
	struct record r, back;
	int i;

	(void)state;
	record_init(&r);
	record_node_set(r.data, "yes", "1");
	record_node_set(r.data, "_id", "2");
	record_node_set(r.data, "full name", "3");
	record_node_set(r.data, "a: b", "4");
	record_node_set(r.data, "2nd", "5");
	write_text(&r, &out);
	assert_string_equal(sbuf_str(&out), "data:\n  yes: 1\n  _id: 2\n  \"full name\": 3\n"
			    "  \"a: b\": 4\n  \"2nd\": 5\n");
	parse_ok(sbuf_str(&out), &back);
	assert_true(records_equal(&r, &back));
	record_release(&back);
	record_release(&r);
	/* The longest key, escaped at every character, is still read back. */
	record_init(&r);
	sbuf_reset(&out);
	for (i = 0; i < RECORD_MAX_KEY; i++)
		sbuf_adds(&out, "\xef\xbb\xbf");
	record_node_set(r.data, sbuf_str(&out), "long");
	write_text(&r, &out);
	assert_true(out.len > 6 * RECORD_MAX_KEY);
	parse_ok(sbuf_str(&out), &back);
	assert_true(records_equal(&r, &back));
	record_release(&back);
	record_release(&r);
	sbuf_release(&out);
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

static const char *const nasty[] = {
	"", " ", "  x", "x  ", "yes", "No", "ON", "off", "y", "n", "null", "Null", "~", "true",
	"FALSE", "-", "--", "---", "...", "- x", "-5", "-2.5", "-05", "1.5", "0", "007",
	"0912345678", "0x1F", "1e3", ".inf", "09:14", "1:20", "2014-05-02", "?", "? x", ":", ": x",
	"x:", "x: y", "x #y", "#", "a#b", ",", "[", "]", "{", "}", "[a, b]", "{a: b}", "&a", "*a",
	"!", "!!str", "|", ">", "'", "\"", "'q'", "\"q\"", "%", "%YAML 1.2", "@", "`", "\\",
	"\\n", "\\\"", "a\\", "a\nb", "\n", "a\n", "\r\n", "\t", "a\tb", "\x01", "\x1b[31m",
	"\x7f", "\xc2\x85", "\xc2\xa0", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xef\xbb\xbf",
	"\xef\xbf\xbe", "\xef\xbf\xbf", "Bản Lướt", "Lò Thị Mai", "Nguyễn Văn Đường",
	"Hoa\xcc\x80", "e\xcc\x81", "\xcc\x81", "ƯƠ", "日本語", "\xf0\x9f\x98\x80",
	"orphan_both disabled", "Lò Thị Hoa <hoa@example.vn>", "50%", "a, b", "=", "<<",
};

static const char *const key_pool[] = {
	"a", "b", "name", "_id", "x1", "yes", "null", "on", "household", "children", "village",
	"members", "dob", "Groups", "_x",
};

static char *nasty_string(void)
{
	struct sbuf sb = SBUF_INIT;
	uint32_t i, parts = 1 + rnd(3);
	char *nfc;

	if (!rnd(20)) {
		/* A long one: past libyaml's 1024-character limit on simple keys. */
		for (i = 0; i < 1000 + rnd(2000); i++)
			sbuf_adds(&sb, nasty[rnd(sizeof(nasty) / sizeof(*nasty))]);
	} else {
		for (i = 0; i < parts; i++)
			sbuf_adds(&sb, nasty[rnd(sizeof(nasty) / sizeof(*nasty))]);
	}
	/* Answers come back NFC, so that is how the generator makes them. */
	nfc = text_nfc(sbuf_str(&sb));
	assert_non_null(nfc);
	sbuf_release(&sb);
	return nfc;
}

static char *maybe_string(void)
{
	return rnd(3) ? nasty_string() : NULL;
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

/* A node at depth (data is 1): maps and lists go no deeper than 4. */
static struct record_node *random_node(const char *key, int depth)
{
	uint32_t pick = depth < 4 ? rnd(10) : 0;
	struct record_node *n;
	char *s;

	if (pick < 6) {
		s = nasty_string();
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
	r->id = maybe_string();
	r->form = maybe_string();
	r->version = maybe_string();
	r->status = maybe_string();
	r->created = maybe_string();
	r->modified = maybe_string();
	r->enumerator = maybe_string();
	r->device = maybe_string();
	random_kids(r->data, 1);
}

static void test_property_round_trip(void **state)
{
	struct sbuf first = SBUF_INIT, second = SBUF_INIT;
	struct record r, back;
	int i;

	(void)state;
	rng_state = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < 2500; i++) {
		random_record(&r);
		write_text(&r, &first);
		parse_ok(sbuf_str(&first), &back);
		if (!records_equal(&r, &back))
			fail_msg("record %d did not read back equal from\n%s", i, sbuf_str(&first));
		write_text(&back, &second);
		if (strcmp(sbuf_str(&first), sbuf_str(&second)))
			fail_msg("record %d written twice differs:\n%s---\n%s", i, sbuf_str(&first),
				 sbuf_str(&second));
		record_release(&r);
		record_release(&back);
	}
	sbuf_release(&first);
	sbuf_release(&second);
}

static const struct error_case {
	const char *text;
	int line, col;
	const char *fragment;
} error_cases[] = {
	{ "form: a\nfrom: b\n", 2, 7,
	  "unknown key 'from' (expected id, form, version, status, meta or data)" },
	{ "meta:\n  creator: x\n", 2, 12,
	  "unknown key 'creator' in meta (expected created, modified, enumerator, device or review)" },
	{ "form: a\nform: b\n", 2, 1, "duplicate key 'form' (first at line 1)" },
	{ "data:\n  hh:\n    a: 1\n    b: 2\n    a: 3\n", 5, 5,
	  "duplicate key 'a' (first at line 3)" },
	{ "data:\n  a:\n  a: 5\n", 3, 3, "duplicate key 'a'" },
	{ "data:\n  l:\n    - {x: 1, x: 2}\n", 3, 14, "duplicate key 'x'" },
	{ "- a\n", 1, 1, "a record is a map with the keys id, form" },
	{ "just text\n", 1, 1, "a record is a map" },
	{ "", 1, 1, "the record is empty" },
	{ "# only a comment\n", 1, 1, "the record is empty" },
	{ "data: [a]\n", 1, 7, "'data' must be a map of answers, not a list" },
	{ "data: x\n", 1, 7, "'data' must be a map of answers, not a string" },
	{ "meta: [a]\n", 1, 7, "'meta' must be a map" },
	{ "id: [1]\n", 1, 5, "'id' must be a string, not a list" },
	{ "meta:\n  device: {a: b}\n", 2, 11, "'device' must be a string, not a map" },
	{ "data:\n  ? [a]\n  : b\n", 2, 5, "a key must be a string, not a list" },
	{ "data:\n  \"\": x\n", 2, 4, "a key cannot be empty" },
	{ "data:\n  a234567890123456789012345678901234567890123456789012345678901234567890"
	  "12345678901234567890123456789012345678901234567890123456789: x\n", 2, 3,
	  "a key cannot be longer than 128 characters" },
	{ "data:\n  a: &x 1\n", 2, 6, "YAML anchors and aliases are not allowed in records" },
	{ "data:\n  b: *x\n", 2, 6, "YAML anchors and aliases are not allowed in records" },
	{ "data: &d\n  a: 1\n", 1, 7, "YAML anchors and aliases are not allowed" },
	{ "data:\n  a: !!str 5\n", 2, 6,
	  "YAML tags such as 'tag:yaml.org,2002:str' are not allowed" },
	{ "version: !sealed x\n", 1, 10, "'version' cannot be sealed: only answers" },
	{ "version: !secret x\n", 1, 10, "YAML tags such as '!secret' are not allowed" },
	{ "data: !!map\n  a: 1\n", 1, 7, "YAML tags" },
	{ "data:\n  l: ! [1]\n", 2, 6, "YAML tags such as '!'" },
	{ "form: a\n---\nform: b\n", 2, 1, "more than one YAML document" },
	{ "form: a\n...\n---\nform: b\n", 3, 1, "more than one YAML document" },
	{ "data:\n  a: 1\n b: 2\n", 3, 2, "did not find expected key" },
	{ "form: \"abc\n", 2, 1, "found unexpected end of stream" },
	{ "data:\n\ta: 1\n", 2, 1, "found character that cannot start any token" },
	{ "data:\n  a: [1, 2\n", 3, 1, "did not find expected ',' or ']'" },
	{ "data:\n  x: \"\\ud800\"\n", 2, 9, "invalid Unicode character escape" },
	{ "form: a\x01" "b\n", 1, 8, "control characters are not allowed (U+0001)" },
	{ "form: \"a\\0b\"\n", 1, 8, "a NUL character is not allowed in text" },
	{ "form: \"a\\x00\"\n", 1, 8, "a NUL character" },
	{ "form: a\ndata:\n  name: Lò L\xc3\n", 3, 13, "invalid UTF-8 (byte 0xC3)" },
	{ "form: \xed\xa0\x80\n", 1, 7, "invalid UTF-8 (byte 0xED)" },
	{ "data:\n  a: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	  2, 36, "nested too deep (more than 32 levels)" },
};

static void check_error(const char *text, size_t len, int line, int col, const char *fragment)
{
	struct error err = ERROR_INIT;
	struct record r;
	int ret;

	record_init(&r);
	r.id = xstrdup("old");
	ret = record_parse(text, len, "bad.yaml", &r, &err);
	if (ret != ERR_DATA || err.n != 1 || err.items[0].line != line ||
	    err.items[0].col != col || !strstr(err.items[0].msg, fragment)) {
		error_print(&err, stderr, "got: ");
		fail_msg("%s: ret %d, want bad.yaml:%d:%d: %s", text, ret, line, col, fragment);
	}
	assert_string_equal(err.items[0].file, "bad.yaml");
	/* A refused record is left empty, as after record_init(). */
	assert_null(r.id);
	assert_null(r.form);
	assert_null(r.file);
	assert_non_null(r.data);
	assert_int_equal(r.data->nkids, 0);
	record_release(&r);
	error_release(&err);
}

static void test_errors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(*error_cases); i++)
		check_error(error_cases[i].text, strlen(error_cases[i].text), error_cases[i].line,
			    error_cases[i].col, error_cases[i].fragment);
	/* A NUL byte in the file itself. */
	check_error("form: a\0b\n", 10, 1, 8, "a NUL byte");
}

/* Every problem the reader finds leaves nothing behind: one message, no tree. */
static void test_tree_errors(void **state)
{
	static struct record_node stale;
	struct error err = ERROR_INIT;
	struct record_node *root;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(*error_cases); i++) {
		const char *text = error_cases[i].text;
		int ret;

		root = &stale;
		ret = record_tree_parse(text, strlen(text), NULL, 0, &root, &err);

		/* What the record adds (keys, kinds) is not the tree's business. */
		if (!ret) {
			record_node_free(root);
			continue;
		}
		assert_int_equal(ret, ERR_DATA);
		assert_null(root);
		assert_int_equal(err.n, 1);
		assert_null(err.items[0].file);
		assert_int_equal(err.items[0].line, error_cases[i].line);
		error_release(&err);
	}
}

static void test_deep_nesting(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	(void)state;
	sbuf_adds(&sb, "data:\n  a: ");
	for (i = 0; i < 1000; i++)
		sbuf_addc(&sb, '[');
	for (i = 0; i < 1000; i++)
		sbuf_addc(&sb, ']');
	sbuf_addc(&sb, '\n');
	check_error(sbuf_str(&sb), sb.len, 2, 36, "nested too deep");
	/* The same in block style, one level an indentation deeper. */
	sbuf_reset(&sb);
	sbuf_adds(&sb, "data:\n");
	for (i = 1; i < 1000; i++)
		sbuf_addf(&sb, "%*sk:\n", 2 * i, "");
	sbuf_addf(&sb, "%*sk: v\n", 2000, "");
	check_error(sbuf_str(&sb), sb.len, 33, 65, "nested too deep");
	/* Exactly at the limit is fine. */
	sbuf_reset(&sb);
	sbuf_adds(&sb, "data:\n  a: ");
	for (i = 0; i < RECORD_MAX_DEPTH - 2; i++)
		sbuf_addc(&sb, '[');
	for (i = 0; i < RECORD_MAX_DEPTH - 2; i++)
		sbuf_addc(&sb, ']');
	sbuf_addc(&sb, '\n');
	{
		struct record r;

		parse_ok(sbuf_str(&sb), &r);
		record_release(&r);
	}
	sbuf_release(&sb);
}

/* Nine levels of ten references each: a billion strings, were they expanded. */
static void test_billion_laughs(void **state)
{
	struct sbuf sb = SBUF_INIT;
	int i, j;

	(void)state;
	sbuf_adds(&sb, "data:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
		  "\"lol\",\"lol\",\"lol\"]\n");
	for (i = 1; i < 10; i++) {
		sbuf_addf(&sb, "  a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			sbuf_addf(&sb, "%s*a%d", j ? "," : "", i - 1);
		sbuf_adds(&sb, "]\n");
	}
	check_error(sbuf_str(&sb), sb.len, 2, 7, "YAML anchors and aliases are not allowed");
	sbuf_release(&sb);
}

static void test_size_limit(void **state)
{
	size_t len = RECORD_MAX_SIZE + 1;
	char *big = xmalloc(len + 1);
	struct error err = ERROR_INIT;
	struct record r;

	(void)state;
	memset(big, '#', len);
	big[len] = '\0';
	record_init(&r);
	assert_int_equal(record_parse(big, len, "big.yaml", &r, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.items[0].msg, "too large"));
	error_release(&err);
	/* One byte less is read (and is empty: only a comment). */
	assert_int_equal(record_parse(big, len - 1, "big.yaml", &r, &err), ERR_DATA);
	assert_non_null(strstr(err.items[0].msg, "the record is empty"));
	error_release(&err);
	record_release(&r);
	free(big);
}

static void test_nfc_and_strings(void **state)
{
	struct record r;
	const struct record_node *n;

	(void)state;
	parse_ok("form: Ho\xcc\x80" "a\n"
		 "data:\n"
		 "  name: \"Nguye\xcc\x82\xcc\x83n\"\n"
		 "  members: 5\n"
		 "  nothing:\n"
		 "  empty: \"\"\n"
		 "  also_empty: ''\n"
		 "  tilde: ~\n"
		 "  word: null\n"
		 "  flag: yes\n"
		 "  folded: >\n"
		 "    two\n"
		 "    lines\n"
		 "  Ho\xcc\x80" "a: key\n",
		 &r);
	assert_string_equal(r.form, "Hòa");
	assert_string_equal(record_node_value(r.data, "name"), "Nguyễn");
	assert_string_equal(record_node_value(r.data, "members"), "5");
	assert_null(record_node_get(r.data, "nothing"));
	assert_string_equal(record_node_value(r.data, "empty"), "");
	assert_string_equal(record_node_value(r.data, "also_empty"), "");
	assert_string_equal(record_node_value(r.data, "tilde"), "~");
	assert_string_equal(record_node_value(r.data, "word"), "null");
	assert_string_equal(record_node_value(r.data, "flag"), "yes");
	assert_string_equal(record_node_value(r.data, "folded"), "two lines\n");
	assert_string_equal(record_node_value(r.data, "Hòa"), "key");
	n = record_node_get(r.data, "name");
	assert_int_equal(n->line, 3);
	assert_int_equal(n->col, 10);
	assert_int_equal(r.data->nkids, 9);
	record_release(&r);
}

/* Positions, for the form loader's messages inside expressions. */
static void test_tree_positions(void **state)
{
	static const char text[] = "a: 'x'\nb:\n  - \"y\"\n  -   z\nc: {d: e}\n\n\n";
	static struct record_node stale;
	struct record_node *root;
	const struct record_node *b, *c;

	(void)state;
	assert_int_equal(record_tree_parse(text, strlen(text), "t", 0, &root, NULL), 0);
	assert_int_equal(root->kind, RECORD_MAP);
	assert_int_equal(root->line, 1);
	assert_int_equal(root->col, 1);
	assert_int_equal(record_node_get(root, "a")->col, 5);
	b = record_node_get(root, "b");
	assert_int_equal(b->kind, RECORD_LIST);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->col, 3);
	assert_int_equal(b->kids[0]->line, 3);
	assert_int_equal(b->kids[0]->col, 6);
	assert_int_equal(b->kids[1]->line, 4);
	assert_int_equal(b->kids[1]->col, 7);
	c = record_node_get(root, "c");
	assert_int_equal(c->col, 4);
	assert_int_equal(record_node_get(c, "d")->col, 8);
	record_node_free(root);
	/* No value at all is no tree; a lone scalar is a tree of one. */
	root = &stale;
	assert_int_equal(record_tree_parse("# c\n", 4, "t", 0, &root, NULL), 0);
	assert_null(root);
	assert_int_equal(record_tree_parse("---\n", 4, "t", 0, &root, NULL), 0);
	assert_null(root);
	assert_int_equal(record_tree_parse("", 0, "t", 0, &root, NULL), 0);
	assert_null(root);
	assert_int_equal(record_tree_parse("--- 'x'\n", 8, "t", 0, &root, NULL), 0);
	assert_int_equal(root->kind, RECORD_SCALAR);
	assert_string_equal(root->value, "x");
	assert_null(root->key);
	record_node_free(root);
}

/* A map as big as a file allows is read in time: duplicates are found by hash. */
static void test_big_map(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct record r;
	int i;

	(void)state;
	sbuf_adds(&sb, "data:\n");
	for (i = 0; i < 200000; i++)
		sbuf_addf(&sb, "  k%d: v\n", i);
	parse_ok(sbuf_str(&sb), &r);
	assert_int_equal(r.data->nkids, 200000);
	record_release(&r);
	sbuf_addf(&sb, "  k%d: again\n", 123456);
	check_error(sbuf_str(&sb), sb.len, 200002, 3, "duplicate key 'k123456' (first at line "
		    "123458)");
	sbuf_release(&sb);
}

static void test_nodes(void **state)
{
	struct record_node *map = record_node_new(RECORD_MAP, NULL, NULL), *copy;
	struct record_node *list = record_node_new(RECORD_LIST, "l", NULL);
	struct record r, c;

	(void)state;
	record_node_set(map, "a", "1");
	record_node_set(map, "b", NULL);
	record_node_add(list, record_node_new(RECORD_SCALAR, NULL, "x"));
	record_node_add(map, list);
	assert_string_equal(record_node_value(map, "a"), "1");
	assert_string_equal(record_node_value(map, "b"), "");
	assert_null(record_node_value(map, "l"));
	assert_ptr_equal(record_node_get(map, "l"), list);
	assert_null(record_node_get(map, "zz"));
	assert_null(record_node_get(list, "x"));
	assert_null(record_node_get(NULL, "x"));
	record_node_set(map, "a", "2");
	assert_int_equal(map->nkids, 3);
	assert_string_equal(record_node_value(map, "a"), "2");
	/* Setting a list's name makes it a scalar. */
	record_node_set(map, "l", "flat");
	assert_int_equal(map->kids[2]->kind, RECORD_SCALAR);
	assert_int_equal(map->kids[2]->nkids, 0);
	assert_string_equal(record_node_value(map, "l"), "flat");
	record_node_remove(map, 0);
	record_node_remove(map, 7);
	assert_int_equal(map->nkids, 2);
	assert_string_equal(map->kids[0]->key, "b");
	/* Equality: structure, keys and values, in order. */
	build_example(&r);
	record_copy(&c, &r);
	assert_true(records_equal(&r, &c));
	assert_ptr_not_equal(c.data, r.data);
	record_node_set(record_node_get(c.data, "household"), "members", "6");
	assert_false(record_node_equal(r.data, c.data));
	record_node_set(record_node_get(c.data, "household"), "members", "5");
	assert_true(record_node_equal(r.data, c.data));
	copy = c.data->kids[0];
	c.data->kids[0] = c.data->kids[1];
	c.data->kids[1] = copy;
	assert_false(record_node_equal(r.data, c.data));
	assert_false(record_node_equal(r.data, NULL));
	assert_true(record_node_equal(NULL, NULL));
	record_release(&c);
	record_release(&c);
	record_release(&r);
	record_node_free(map);
	record_node_free(NULL);
}

static void test_status(void **state)
{
	static const char *const good[] = { "draft", "complete", "void", "rejected" };
	static const char *const bad[] = { "", "Draft", "done", "complete ", "deleted" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(*good); i++)
		assert_true(record_status_valid(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_false(record_status_valid(bad[i]));
	assert_false(record_status_valid(NULL));
}

/* The changes as "path: old > new" lines ("-" for no answer). */
static char *changes_text(const struct record *a, const struct record *b)
{
	struct record_change *c;
	struct sbuf sb = SBUF_INIT;
	size_t i, n;

	record_diff(a, b, &c, &n);
	for (i = 0; i < n; i++)
		sbuf_addf(&sb, "%s: %s > %s\n", c[i].path, c[i].old ? c[i].old : "-",
			  c[i].new ? c[i].new : "-");
	record_changes_free(c, n);
	return sbuf_detach(&sb);
}

static void test_diff(void **state)
{
	static const char before[] =
		"id: X-A-1\nform: f\nversion: \"1\"\nstatus: draft\n"
		"data:\n  household:\n    village: Bản Lướt\n    members: 5\n"
		"  children:\n"
		"    - _id: a1\n      full_name: Mai\n      age: 12\n"
		"    - _id: b2\n      full_name: Tùng\n      age: 5\n";
	static const char after[] =
		"id: X-A-1\nform: f\nversion: \"1\"\nstatus: complete\n"
		"data:\n  household:\n    village: Bản Mới\n    phone: \"0912\"\n"
		"  children:\n"
		"    - _id: b2\n      full_name: Tùng\n      age: 6\n"
		"    - _id: c3\n      full_name: Lan\n";
	struct record a, b;
	char *got;

	(void)state;
	parse_ok(before, &a);
	parse_ok(after, &b);
	/* Tùng moved from the second place to the first: matched by _id, only his age changed. */
	got = changes_text(&a, &b);
	assert_string_equal(got,
			    "status: draft > complete\n"
			    "household.village: Bản Lướt > Bản Mới\n"
			    "household.phone: - > 0912\n"
			    "household.members: 5 > -\n"
			    "children[1].age: 5 > 6\n"
			    "children[2].full_name: - > Lan\n"
			    "children[1].full_name: Mai > -\n"
			    "children[1].age: 12 > -\n");
	free(got);
	got = changes_text(&a, &a);
	assert_string_equal(got, "");
	free(got);
	/* A new record: every answer added, the header too. */
	got = changes_text(NULL, &b);
	assert_non_null(strstr(got, "status: - > complete\nversion: - > 1\n"));
	assert_non_null(strstr(got, "children[2].full_name: - > Lan\n"));
	assert_null(strstr(got, "_id"));
	free(got);
	record_release(&a);
	record_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_example),
		cmocka_unit_test(test_write_minimal),
		cmocka_unit_test(test_review),
		cmocka_unit_test(test_write_nested_lists),
		cmocka_unit_test(test_write_answers),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_property_round_trip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_tree_errors),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_nfc_and_strings),
		cmocka_unit_test(test_tree_positions),
		cmocka_unit_test(test_big_map),
		cmocka_unit_test(test_nodes),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
