/*
 * fuzz_record.c - libFuzzer entry point for the record reader and writer:
 * any input is parsed, and a record that parses must survive the round
 * trip write -> parse -> write unchanged (the canonical form's promise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r, back;
	struct sbuf once = SBUF_INIT, twice = SBUF_INIT;

	record_init(&r);
	record_init(&back);
	if (!record_parse((const char *)data, size, "fuzz", &r, NULL)) {
		record_write(&r, &once);
		if (record_parse(once.buf, once.len, "again", &back, NULL))
			die("a written record does not parse back:\n%s", sbuf_str(&once));
		record_write(&back, &twice);
		if (strcmp(sbuf_str(&once), sbuf_str(&twice)) ||
		    !record_node_equal(r.data, back.data))
			die("the round trip changed the record:\n%s", sbuf_str(&once));
	}
	record_release(&r);
	record_release(&back);
	sbuf_release(&once);
	sbuf_release(&twice);
	return 0;
}
