/*
 * test_merge.c - whole-item conflicts: the three-way merge of one record
 * keeps each side's node whole as record text (sync/merge.c), and
 * workspace_set_node puts either side back: the other laptop's child or
 * group as it was there, or its removal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "sync_merge.h"
#include "util.h"
#include "workspace.h"

#define HEAD "id: 04630-A-0001\nform: child-census\nversion: \"2026.1\"\nstatus: complete\n" \
	     "data:\n  household:\n    village: Bản Lướt\n"

static const char base[] = HEAD
	"  children:\n"
	"    - _id: k1\n      full_name: Mai\n      dob: 2014-05-02\n"
	"    - _id: k2\n      full_name: Tùng\n";
/* This laptop removed k1... */
static const char ours[] = HEAD
	"  children:\n"
	"    - _id: k2\n      full_name: Tùng\n";
/* ...while the other edited k1 and added k3. */
static const char theirs[] = HEAD
	"  children:\n"
	"    - _id: k1\n      full_name: Mây\n      dob: 2014-05-12\n"
	"    - _id: k2\n      full_name: Tùng\n"
	"    - _id: k3\n      full_name: Khánh\n";

static void merge(struct sbuf *out, struct sync_conflicts *c)
{
	assert_int_equal(sync_merge_record("r.yaml", base, strlen(base), ours, strlen(ours),
					   theirs, strlen(theirs), out, c, NULL), 0);
}

static void parse(const char *text, struct record *r)
{
	record_init(r);
	assert_int_equal(record_parse(text, strlen(text), "r.yaml", r, NULL), 0);
}

static void test_sides_kept_whole(void **state)
{
	struct sync_conflicts c = { NULL, 0, 0 };
	struct sbuf out = SBUF_INIT;

	(void)state;
	merge(&out, &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0].field, "children[_id=k1]");
	assert_true(c.items[0].tree && c.items[0].no_ours);
	assert_null(c.items[0].ours_text);
	assert_string_equal(c.items[0].theirs_text,
			    "data:\n  node:\n    _id: k1\n    full_name: Mây\n    dob: 2014-05-12\n");
	/* Ours is kept, and k3, changed on one side only, is taken. */
	assert_null(strstr(sbuf_str(&out), "Mây"));
	assert_non_null(strstr(sbuf_str(&out), "Khánh"));
	sync_conflicts_release(&c);
	sbuf_release(&out);
}

static void test_theirs_put_back(void **state)
{
	struct sync_conflicts c = { NULL, 0, 0 };
	struct sbuf out = SBUF_INIT, text = SBUF_INIT;
	struct record r;
	const struct record_node *kids;

	(void)state;
	merge(&out, &c);
	parse(sbuf_str(&out), &r);
	assert_int_equal(workspace_set_node(&r, c.items[0].field, c.items[0].theirs_text, NULL),
			 0);
	kids = record_node_get(r.data, "children");
	assert_int_equal(kids->nkids, 3);
	assert_string_equal(record_node_value(kids->kids[2], "_id"), "k1");
	assert_string_equal(record_node_value(kids->kids[2], "dob"), "2014-05-12");
	/* Ours again: the item goes. */
	assert_int_equal(workspace_set_node(&r, "children[_id=k1]", NULL, NULL), 0);
	record_write(&r, &text);
	assert_string_equal(sbuf_str(&text), sbuf_str(&out));
	record_release(&r);
	sync_conflicts_release(&c);
	sbuf_release(&out);
	sbuf_release(&text);
}

static void test_group_and_repeat(void **state)
{
	struct record r;
	struct sbuf text = SBUF_INIT;
	struct error err = ERROR_INIT;

	(void)state;
	parse(ours, &r);
	/* A whole repeat removed, then put back; a group replaced. */
	assert_int_equal(workspace_set_node(&r, "children", NULL, NULL), 0);
	assert_null(record_node_get(r.data, "children"));
	assert_int_equal(workspace_set_node(&r, "children",
					    "data:\n  node:\n    - _id: k9\n      full_name: A\n",
					    NULL), 0);
	assert_int_equal(workspace_set_node(&r, "household", "data:\n  node:\n    village: X\n",
					    NULL), 0);
	record_write(&r, &text);
	assert_string_equal(sbuf_str(&text), "id: 04630-A-0001\nform: child-census\n"
			    "version: \"2026.1\"\nstatus: complete\ndata:\n  household:\n"
			    "    village: X\n  children:\n    - _id: k9\n      full_name: A\n");
	/* A way that is not there any more, and a text that is not a record. */
	assert_int_equal(workspace_set_node(&r, "children[_id=k7].disability",
					    "data:\n  node:\n    kind: x\n", &err), ERR_NOTFOUND);
	assert_int_equal(workspace_set_node(&r, "household", "data: [", &err), ERR_DATA);
	assert_int_equal(workspace_set_node(&r, "household", "data:\n  other: 1\n", &err),
			 ERR_DATA);
	record_release(&r);
	sbuf_release(&text);
	error_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sides_kept_whole),
		cmocka_unit_test(test_theirs_put_back),
		cmocka_unit_test(test_group_and_repeat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
