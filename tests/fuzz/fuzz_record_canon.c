/*
 * fuzz_record_canon.c - libFuzzer entry point comparing record_parse()'s
 * two readers: whatever the fast reader of the canonical text takes,
 * libyaml must take too and read into the same record, node positions
 * included; and the writer's text of any record libyaml reads must be
 * taken by the fast reader, into that same record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "record_priv.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_nodes(const struct record_node *a, const struct record_node *b)
{
	size_t i;

	if (!record_node_equal(a, b) || a->line != b->line || a->col != b->col)
		return false;
	for (i = 0; i < a->nkids; i++)
		if (!same_nodes(a->kids[i], b->kids[i]))
			return false;
	return true;
}

static bool same_records(const struct record *a, const struct record *b)
{
	return same_text(a->id, b->id) && same_text(a->form, b->form) &&
	       same_text(a->version, b->version) && same_text(a->status, b->status) &&
	       same_text(a->created, b->created) && same_text(a->modified, b->modified) &&
	       same_text(a->enumerator, b->enumerator) && same_text(a->device, b->device) &&
	       same_text(a->review, b->review) && same_nodes(a->data, b->data);
}

/* Both readers over text; returns whether the fast one took it. */
static bool compare(const char *text, size_t len)
{
	struct record fast, slow;
	bool took;

	record_init(&fast);
	record_init(&slow);
	took = !record_canon_parse(text, len, &fast);
	if (took && record_parse_yaml(text, len, "fuzz", &slow, NULL))
		die("the fast reader took what libyaml refuses:\n%.*s", (int)len, text);
	if (took && !same_records(&fast, &slow))
		die("the readers disagree on:\n%.*s", (int)len, text);
	record_release(&fast);
	record_release(&slow);
	return took;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf text = SBUF_INIT;
	struct record r;

	compare((const char *)data, size);
	record_init(&r);
	if (!record_parse_yaml((const char *)data, size, "fuzz", &r, NULL)) {
		record_write(&r, &text);
		if (!compare(text.buf, text.len))
			die("the fast reader declined the writer's text:\n%s", sbuf_str(&text));
	}
	record_release(&r);
	sbuf_release(&text);
	return 0;
}
