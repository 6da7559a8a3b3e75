/*
 * fuzz_form.c - libFuzzer entry point for the form loader: any input is
 * loaded as a form definition (from a file, as the loader reads them).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "form.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	FILE *fp;

	if (!path)
		path = xasprintf("%s/dieutra-fuzz-%ld.yaml",
				 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	fp = fopen(path, "wb");
	if (!fp)
		die("cannot write %s", path);
	fwrite(data, 1, size, fp);
	fclose(fp);
	form_load(path, &f, &err);
	form_release(&f);
	error_release(&err);
	return 0;
}
