/*
 * fuzz_expr.c - libFuzzer entry point for the expression parser and
 * evaluator: any input is parsed; what parses is evaluated in a context
 * where every name answers, so that every operator and function runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lookup(void *data, const char *name, struct expr_value *out)
{
	(void)data;
	if (name[0] == 'k') {
		expr_nodeset_add(out, "3");
		expr_nodeset_add(out, "2014-05-02");
		expr_nodeset_add(out, "");
		return 0;
	}
	if (name[0] == 'x')
		return ERR_NOTFOUND;
	expr_set_string(out, name[0] == 'd' ? "2014-05-02" : name[0] == 'e' ? "" : "12");
	return 0;
}

static const char *label(void *data, const char *field, const char *value)
{
	(void)data;
	(void)field;
	return value;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expr_ctx ctx = { lookup, NULL, label, NULL, "5", 2, 1795424400LL };
	struct expr_value v = EXPR_VALUE_INIT;
	struct error err = ERROR_INIT;
	struct expr *e = NULL;
	char *src = xstrndup((const char *)data, size);

	if (!expr_parse(src, &e, &err)) {
		char *s;

		expr_eval(e, &ctx, &v, &err);
		s = expr_to_string(&v);
		free(s);
		expr_value_release(&v);
		expr_free(e);
	}
	error_release(&err);
	free(src);
	return 0;
}
