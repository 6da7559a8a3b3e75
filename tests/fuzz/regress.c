/*
 * regress.c - runs a fuzz target's entry point over files, without
 * libFuzzer, so that every input a fuzzer once crashed on (kept in
 * tests/fuzz/regress/TARGET/) is replayed by `make unit` with any
 * compiler, under the sanitizers with SAN=1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	struct error err = ERROR_INIT;
	struct sbuf buf = SBUF_INIT;
	int i;

	for (i = 1; i < argc; i++) {
		if (read_file(argv[i], &buf, &err)) {
			error_print(&err, stderr, "regress");
			return 1;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)sbuf_str(&buf), buf.len);
		sbuf_release(&buf);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
