/*
 * test_expr.c - the expression language: a table of expressions and what
 * they evaluate to in a fixed context, a table of syntax errors with their
 * columns, references, nesting limits, runtime errors and the date helpers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "expr.h"
#include "util.h"

/* 2026-11-23T09:00:00Z */
#define NOW (20780LL * 86400 + 9 * 3600)

static const char *const kids[] = { "3", "4", "5" };
static const char *const mixed[] = { "1", "", "x", "4" };
static const char *const answers[] = { "yes", "no", "yes" };

static const struct field {
	const char *name;
	const char *value;            /* NULL: a nodeset */
	const char *const *items;
	size_t nitems;
} fields[] = {
	{ "age", "12", NULL, 0 },
	{ "name", "Nguyễn Văn A", NULL, 0 },
	{ "dob", "2014-05-02", NULL, 0 },
	{ "visit", "2026-11-23", NULL, 0 },
	{ "stamp", "2026-11-23T09:30:00+07:00", NULL, 0 },
	{ "groups", "orphan_both disabled", NULL, 0 },
	{ "empty", "", NULL, 0 },
	{ "padded", "  12 ", NULL, 0 },
	{ "b.c-d", "dotted", NULL, 0 },
	{ "kids", NULL, kids, 3 },
	{ "mixed", NULL, mixed, 4 },
	{ "answers", NULL, answers, 3 },
	{ "none", NULL, NULL, 0 },
};

static int lookup(void *data, const char *name, struct expr_value *out)
{
	size_t i, j;

	(void)data;
	for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
		if (strcmp(fields[i].name, name))
			continue;
		if (fields[i].value) {
			expr_set_string(out, fields[i].value);
			return 0;
		}
		expr_set_nodeset(out);
		for (j = 0; j < fields[i].nitems; j++)
			expr_nodeset_add(out, fields[i].items[j]);
		return 0;
	}
	return ERR_NOTFOUND;
}

static int column(void *data, const char *name, struct expr_value *out)
{
	static const char *const cols[][2] = {
		{ "district", "D1" }, { "value", "v1" }, { "div", "8" }, { "mod", "3" },
	};
	size_t i;

	(void)data;
	for (i = 0; i < sizeof(cols) / sizeof(*cols); i++) {
		if (!strcmp(cols[i][0], name)) {
			expr_set_string(out, cols[i][1]);
			return 0;
		}
	}
	return ERR_NOTFOUND;
}

static const char *choice_label(void *data, const char *field, const char *value)
{
	(void)data;
	if (strcmp(field, "groups"))
		return NULL;
	if (!strcmp(value, "disabled"))
		return "Khuyết tật";
	if (!strcmp(value, "orphan_both"))
		return "Mồ côi cả cha lẫn mẹ";
	return NULL;
}

static struct expr_ctx make_ctx(void)
{
	struct expr_ctx ctx = {
		.lookup = lookup,
		.column = column,
		.choice_label = choice_label,
		.current = "17",
		.position = 2,
		.now = NOW,
	};

	return ctx;
}

/* The result of src as a string, or NULL with the first message in msg. */
static char *run(const char *src, const struct expr_ctx *ctx, char **msg)
{
	struct error err = ERROR_INIT;
	struct expr *e = NULL;
	char *s = NULL;

	*msg = NULL;
	if (!expr_parse(src, &e, &err))
		s = expr_eval_string(e, ctx, &err);
	if (!s)
		*msg = xstrdup(err.n ? err.items[0].msg : "(no message)");
	expr_free(e);
	error_release(&err);
	return s;
}

static const struct {
	const char *src, *want;
} cases[] = {
	/* literals and arithmetic, with precedence */
	{ "1 + 2 * 3", "7" },
	{ "(1 + 2) * 3", "9" },
	{ "7 mod 3", "1" },
	{ "-7 mod 3", "-1" },
	{ "7 mod -3", "1" },
	{ "5.5 mod 2", "1.5" },
	{ "-2 - -3", "1" },
	{ "- - 4", "4" },
	{ "-2 * 3", "-6" },
	{ "10 div 4", "2.5" },
	{ "1 div 0", "Infinity" },
	{ "-1 div 0", "-Infinity" },
	{ "0 div 0", "" },
	{ "5 mod 0", "" },
	{ "2 * 3 div 4", "1.5" },
	{ "10 - 4 - 3", "3" },
	{ "8 div 2 div 2", "2" },
	{ "2 + 3 mod 2", "3" },
	{ ".5 + 1", "1.5" },
	{ "3.50", "3.5" },
	{ "1.", "1" },
	{ "007", "7" },
	{ "0.1 + 0.2", "0.30000000000000004" },
	{ "1 div 3", "0.3333333333333333" },
	{ "1000000 * 1000000", "1000000000000" },
	{ "1000000000 * 1000000000", "1000000000000000000" },
	{ "1 div 10000000", "0.0000001" },
	{ "-0.5 * 0", "0" },
	{ "'abc'", "abc" },
	{ "\"double\"", "double" },
	{ "'say \"hi\"'", "say \"hi\"" },
	{ "  1\t+\n2  ", "3" },
	{ "${age}*2", "24" },
	{ "${age}-2", "10" },
	/* comparisons and logic */
	{ "1 < 2", "true" },
	{ "2 <= 2", "true" },
	{ "3 > 4", "false" },
	{ "3 >= 4", "false" },
	{ "1 = 1", "true" },
	{ "1 != 1", "false" },
	{ "1 < 2 = true()", "true" },
	{ "1 + 1 = 2 and 3 > 2", "true" },
	{ "1 = 1 and 2 = 2 or 1 = 2", "true" },
	{ "1 = 2 and 1 = 1 or 1 = 1", "true" },
	{ "1 = 2 or 1 = 1 and 1 = 2", "false" },
	{ "true() and false()", "false" },
	{ "false() or false()", "false" },
	{ "'' = ''", "true" },
	{ "1 = '1'", "true" },
	{ "1 = '1.0'", "true" },
	{ "'1' = '1.0'", "false" },
	{ "true() = 'x'", "true" },
	{ "true() = 'false'", "true" },
	{ "false() = ''", "true" },
	{ "true() = 0", "false" },
	{ "'a' < 'b'", "false" },
	{ "'abc' != 'abd'", "true" },
	{ "0 div 0 = 0 div 0", "false" },
	{ "0 div 0 != 0 div 0", "true" },
	/* empty values and conversions */
	{ "${empty} = ''", "true" },
	{ "${empty} = 0", "false" },
	{ "${empty} != 0", "true" },
	{ "${empty} < 16", "false" },
	{ "${empty} >= 16", "false" },
	{ "${empty} + 1", "" },
	{ "${age} < 16", "true" },
	{ "${age} = 12", "true" },
	{ "${age} = '12'", "true" },
	{ "${age} + 1", "13" },
	{ "${padded} + 1", "13" },
	{ "${padded} = 12", "true" },
	{ "${padded} = '12'", "false" },
	{ "'1e3' + 0", "" },
	{ "'abc' * 2", "" },
	{ "'-3' + 0", "-3" },
	{ "' 2 ' * 2", "4" },
	{ "'+2' * 1", "" },
	{ "number('1,5')", "" },
	{ "number(true())", "1" },
	{ "number(false())", "0" },
	{ "number('')", "" },
	{ "number(' 7 ')", "7" },
	{ "number(${dob})", "16192" },
	{ "true() + 1", "2" },
	{ "string(1 = 1)", "true" },
	{ "string(2.50)", "2.5" },
	{ "string(-0)", "0" },
	{ "string(${kids})", "3" },
	{ "string(${none})", "" },
	{ "boolean('false')", "true" },
	{ "boolean('')", "false" },
	{ "boolean(0)", "false" },
	{ "boolean(0 div 0)", "false" },
	{ "boolean(-1)", "true" },
	{ "boolean(${kids})", "true" },
	{ "boolean(${none})", "false" },
	{ "boolean(today())", "true" },
	{ "not(1 = 2)", "true" },
	{ "not('')", "true" },
	{ "boolean-from-string('true')", "true" },
	{ "boolean-from-string('TRUE')", "true" },
	{ "boolean-from-string('1')", "true" },
	{ "boolean-from-string('yes')", "false" },
	{ "boolean-from-string('0')", "false" },
	{ "true()", "true" },
	{ "false()", "false" },
	/* the current value and position */
	{ ".", "17" },
	{ ". + 1", "18" },
	{ ". = 17", "true" },
	{ "string()", "17" },
	{ "string-length()", "2" },
	{ "number()", "17" },
	{ "normalize-space()", "17" },
	{ "position(..)", "2" },
	{ "position()", "2" },
	{ "position( .. ) * 10", "20" },
	/* dates */
	{ "${visit} - ${dob}", "4588" },
	{ "int((${visit} - ${dob}) div 365.25)", "12" },
	{ "${dob} > '2010-01-01'", "true" },
	{ "${dob} < '2014-05-03'", "true" },
	{ "${dob} >= '2014-05-02'", "true" },
	{ "${dob} = date('2014-05-02')", "true" },
	{ "${dob} = '2014-05-02'", "true" },
	{ "date('2014-05-02') = '2014-05-02'", "true" },
	{ "date(${dob})", "2014-05-02" },
	{ "date(${dob}) + 1", "16193" },
	{ "date(date(${dob}) + 1)", "2014-05-03" },
	{ "${visit} + 1", "20781" },
	{ "date(0)", "1970-01-01" },
	{ "date(-1)", "1969-12-31" },
	{ "date(20780)", "2026-11-23" },
	{ "date(1.9)", "1970-01-02" },
	{ "date('1')", "" },
	{ "date('2023-02-29')", "" },
	{ "date('2024-02-29')", "2024-02-29" },
	{ "date('2000-02-29')", "2000-02-29" },
	{ "date('1900-02-29')", "" },
	{ "date('abc')", "" },
	{ "date('')", "" },
	{ "date(3000000)", "" },
	{ "date('2026-11-23T23:30:00-02:00')", "2026-11-24" },
	{ "date(${stamp})", "2026-11-23" },
	{ "date('2026-11-23T24:00')", "" },
	{ "today()", "2026-11-23" },
	{ "today() - ${dob}", "4588" },
	{ "date(${visit}) - today()", "0" },
	{ "now()", "2026-11-23T09:00:00.000Z" },
	{ "now() > today()", "true" },
	{ "decimal-date-time('1970-01-02T12:00:00Z')", "1.5" },
	{ "decimal-date-time(${dob})", "16192" },
	{ "decimal-date-time(now())", "20780.375" },
	{ "decimal-date-time(2.25)", "2.25" },
	{ "decimal-date-time('x')", "" },
	{ "'2026-11-23T09:00' - '2026-11-23'", "0.375" },
	{ "'2026-11-23T09:00:00.500Z' > '2026-11-23T09:00:00Z'", "true" },
	{ "'2026-11-23T10:00+01:00' = '2026-11-23T09:00Z'", "false" },
	{ "'2026-11-23T10:00+01:00' - '2026-11-23T09:00Z'", "0" },
	{ "format-date(${dob}, '%d/%m/%Y')", "02/05/2014" },
	{ "format-date(${dob}, '%e/%n/%y')", "2/5/14" },
	{ "format-date(${dob}, '%a %b %e')", "Fri May 2" },
	{ "format-date(date(-1), '%a')", "Wed" },
	{ "format-date-time(now(), '%H:%M:%S.%3')", "09:00:00.000" },
	{ "format-date-time('2026-11-23T07:05:09.250Z', '%h:%M:%S.%3')", "7:05:09.250" },
	{ "format-date('', '%Y')", "" },
	{ "format-date('2024-02-29', '%Y-%m-%d %% %q')", "2024-02-29 % %q" },
	{ "format-date(0, '%Y %b')", "1970 Jan" },
	{ "format-date(${visit}, 'ngày %d tháng %m')", "ngày 23 tháng 11" },
	/* strings */
	{ "concat('a', 'b', 'c')", "abc" },
	{ "concat()", "" },
	{ "concat(${name}, ' ', ${age})", "Nguyễn Văn A 12" },
	{ "concat(${kids})", "345" },
	{ "concat('[', ${kids}, ']')", "[345]" },
	{ "concat(1 div 2, true())", "0.5true" },
	{ "join(', ', ${kids})", "3, 4, 5" },
	{ "join('-', 'a', 'b')", "a-b" },
	{ "join(', ', ${none})", "" },
	{ "substr('hello', 1, 3)", "el" },
	{ "substr('hello', 2)", "llo" },
	{ "substr('hello', 0, 99)", "hello" },
	{ "substr('hello', -2)", "lo" },
	{ "substr('hello', 3, 1)", "" },
	{ "substr(${name}, 0, 6)", "Nguyễn" },
	{ "substr(${name}, 7, 10)", "Văn" },
	{ "substring-before('a-b-c', '-')", "a" },
	{ "substring-after('a-b-c', '-')", "b-c" },
	{ "substring-before('abc', 'x')", "" },
	{ "substring-after('abc', 'x')", "" },
	{ "substring-after('abc', '')", "abc" },
	{ "string-length(${name})", "12" },
	{ "string-length('')", "0" },
	{ "string-length(${empty})", "0" },
	{ "string-length(12345)", "5" },
	{ "contains(${name}, 'Văn')", "true" },
	{ "contains('abc', '')", "true" },
	{ "contains('abc', 'd')", "false" },
	{ "starts-with(${name}, 'Nguyễn')", "true" },
	{ "starts-with('abc', 'b')", "false" },
	{ "ends-with(${name}, ' A')", "true" },
	{ "ends-with('a', 'ab')", "false" },
	{ "translate('bar', 'abc', 'ABC')", "BAr" },
	{ "translate('--aaa--', 'abc-', 'ABC')", "AAA" },
	{ "translate('Nguyễn', 'ễ', 'e')", "Nguyen" },
	{ "normalize-space('  a   b  ')", "a b" },
	{ "normalize-space('\tx\n')", "x" },
	/* numbers */
	{ "int(3.7)", "3" },
	{ "int(-3.7)", "-3" },
	{ "int('12.9')", "12" },
	{ "int('')", "" },
	{ "round(2.5)", "3" },
	{ "round(-2.5)", "-3" },
	{ "round(2.4)", "2" },
	{ "round(3.14159, 2)", "3.14" },
	{ "round(2.675, 2)", "2.68" },
	{ "round(1.005, 2)", "1.01" },
	{ "round(1234.5678, -2)", "1200" },
	{ "round(1 div 0)", "Infinity" },
	{ "round('')", "" },
	{ "round(1, 31)", "" },
	{ "floor(-1.5)", "-2" },
	{ "ceiling(1.2)", "2" },
	{ "abs(-4)", "4" },
	{ "pow(2, 10)", "1024" },
	{ "pow(${age}, 2)", "144" },
	{ "sqrt(16)", "4" },
	{ "sqrt(-1)", "" },
	{ "exp(0)", "1" },
	{ "log(1)", "0" },
	{ "log10(1000)", "3" },
	/* select_multiple answers */
	{ "selected(${groups}, 'disabled')", "true" },
	{ "selected(${groups}, ' disabled ')", "true" },
	{ "selected(${groups}, 'orphan')", "false" },
	{ "selected(${groups}, '')", "false" },
	{ "selected(${empty}, 'x')", "false" },
	{ "selected-at(${groups}, 0)", "orphan_both" },
	{ "selected-at(${groups}, 1)", "disabled" },
	{ "selected-at(${groups}, 2)", "" },
	{ "selected-at(${groups}, -1)", "" },
	{ "count-selected(${groups})", "2" },
	{ "count-selected(${empty})", "0" },
	{ "count-selected('  a  b   c ')", "3" },
	{ "count-selected (${groups})", "2" },
	{ "jr:choice-name('disabled', '${groups}')", "Khuyết tật" },
	{ "jr:choice-name(selected-at(${groups}, 0), '${groups}')", "Mồ côi cả cha lẫn mẹ" },
	{ "jr:choice-name('x', '${groups}')", "" },
	{ "jr:choice-name('disabled', 'groups')", "Khuyết tật" },
	{ "jr:choice-name('disabled', concat('${', 'groups}'))", "Khuyết tật" },
	{ "jr:choice-name('disabled', concat('not', ' a name'))", "" },
	/* nodesets: a field inside a repeat, seen from outside it */
	{ "count(${kids})", "3" },
	{ "count(${none})", "0" },
	{ "count(${age})", "1" },
	{ "count(${empty})", "0" },
	{ "sum(${kids})", "12" },
	{ "sum(${none})", "0" },
	{ "sum(${mixed})", "5" },
	{ "sum(${age})", "12" },
	{ "max(${kids})", "5" },
	{ "min(${kids})", "3" },
	{ "max(${kids}, 9)", "9" },
	{ "min(1, 2, -3)", "-3" },
	{ "max(${none})", "" },
	{ "max('', 'x')", "" },
	{ "min(${mixed})", "1" },
	{ "${kids} = 4", "true" },
	{ "4 = ${kids}", "true" },
	{ "${kids} = 7", "false" },
	{ "${kids} != 3", "true" },
	{ "${kids} > 4", "true" },
	{ "3 < ${kids}", "true" },
	{ "${kids} < 3", "false" },
	{ "${kids} = ${mixed}", "true" },
	{ "${none} = ''", "false" },
	{ "${none} != ''", "false" },
	{ "${kids} = true()", "true" },
	{ "${none} = false()", "true" },
	{ "${kids} + 1", "4" },
	{ "${none} + 1", "" },
	{ "checklist(2, 2, ${answers})", "true" },
	{ "checklist(1, -1, 'no', 'no')", "false" },
	{ "checklist(-1, 1, 'yes', 'no', 'yes')", "false" },
	{ "checklist(1, 1, 1 = 1, 'no')", "true" },
	/* regular expressions: the whole value must match */
	{ "regex('abc', '^[a-z]+$')", "true" },
	{ "regex('abc', '[a-z]+')", "true" },
	{ "regex('abc1', '[a-z]+')", "false" },
	{ "regex('xabc', 'abc')", "false" },
	{ "regex('0912345678', '0[0-9]{9}')", "true" },
	{ "regex('', 'a*')", "true" },
	{ "regex(${age}, '[0-9]+')", "true" },
	{ "regex('ab', 'a|ab')", "true" },
	{ "regex('a)b', 'a)b')", "true" },
	/* control: only the chosen branch is evaluated */
	{ "if(${age} < 16, 'child', 'adult')", "child" },
	{ "if('', 1, 2)", "2" },
	{ "if(1 = 1, ${kids}, 0)", "3" },
	{ "if(true(), 1, ${nope})", "1" },
	{ "true() or ${nope}", "true" },
	{ "false() and ${nope}", "false" },
	{ "true() or regex('a', '(')", "true" },
	{ "coalesce(${empty}, 'x')", "x" },
	{ "coalesce(${age}, 'x')", "12" },
	{ "coalesce('', '')", "" },
	{ "coalesce(0 div 0, 5)", "5" },
	{ "coalesce(${none}, 'n')", "n" },
	{ "coalesce('a', ${nope})", "a" },
	{ "once(5)", "17" },
	/* bare names are the columns of a choice (choice_filter) */
	{ "district = 'D1'", "true" },
	{ "district", "D1" },
	{ "value", "v1" },
	{ "div div mod", "2.6666666666666665" },
	{ "div mod mod", "2" },
	{ "${b.c-d}", "dotted" },
};

static void test_values(void **state)
{
	struct expr_ctx ctx = make_ctx();
	char *got, *msg;
	size_t i;
	int failures = 0;

	(void)state;
	/* Every case is tried, so that one run lists every wrong result. */
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		got = run(cases[i].src, &ctx, &msg);
		if (!got) {
			print_error("%s: error: %s\n", cases[i].src, msg);
			failures++;
		} else if (strcmp(got, cases[i].want)) {
			print_error("%s: got '%s', want '%s'\n", cases[i].src, got, cases[i].want);
			failures++;
		}
		free(got);
		free(msg);
	}
	assert_int_equal(failures, 0);
}

static const struct {
	const char *src;
	int col;
	const char *msg;
} syntax[] = {
	{ "", 1, "expression is empty" },
	{ "   ", 1, "expression is empty" },
	{ "1 +", 4, "unexpected end" },
	{ "(1 + 2", 7, "expected ')'" },
	{ "1 + 2)", 6, "unexpected ')'" },
	{ "()", 2, "unexpected ')'" },
	{ "'abc", 1, "unterminated string" },
	{ "1 + 'x", 5, "unterminated string" },
	{ "foo(1)", 1, "unknown function 'foo'" },
	{ "1 + jr:foo()", 5, "unknown function 'jr:foo'" },
	{ "substr('a')", 1, "'substr' takes 2 or 3 arguments" },
	{ "not()", 1, "'not' takes 1 argument" },
	{ "true(1)", 1, "'true' takes no arguments" },
	{ "checklist(1)", 1, "'checklist' takes at least 2 arguments" },
	{ "if(1, 2)", 1, "'if' takes 3 arguments" },
	{ "concat('a' 'b')", 12, "expected ')' after arguments" },
	{ "concat('a', 'b'", 16, "expected ')' after arguments" },
	{ "concat('a',)", 12, "unexpected ')'" },
	{ "1 2", 3, "unexpected text after the expression" },
	{ "${age} ${age}", 8, "unexpected text after the expression" },
	{ "${}", 1, "expected a field name" },
	{ "${age", 1, "expected '}'" },
	{ "${a b}", 1, "expected '}'" },
	{ "$age", 1, "expected '{'" },
	{ "1 ! 2", 3, "unexpected '!'" },
	{ "a/b", 2, "paths are not supported" },
	{ "1 # 2", 3, "unexpected '#'" },
	{ "'Nguyễn' = )", 12, "unexpected ')'" },
	{ "'ễ' €", 5, "unexpected '€'" },
	{ "position(${x})", 10, "can only be '..'" },
	{ ".. + 1", 1, "'..' can only be used as position(..)" },
	{ "jr:choice-name('a', 'not a field')", 21, "does not name a field" },
	{ "x:y = 1", 1, "unexpected 'x:y'" },
	{ "1 + * 2", 5, "unexpected '*'" },
	{ "=", 1, "unexpected '='" },
	{ "1 = = 2", 5, "unexpected '='" },
	{ "1 and", 6, "unexpected end" },
	{ "-", 2, "unexpected end" },
};

static void test_syntax_errors(void **state)
{
	struct error err = ERROR_INIT;
	struct expr *e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(syntax) / sizeof(*syntax); i++) {
		e = (struct expr *)&err; /* must be reset to NULL on failure */
		if (expr_parse(syntax[i].src, &e, &err) != ERR_DATA)
			fail_msg("'%s' was accepted", syntax[i].src);
		assert_null(e);
		if (err.n != 1)
			fail_msg("'%s': %zu messages", syntax[i].src, err.n);
		if (!strstr(err.items[0].msg, syntax[i].msg) || err.items[0].col != syntax[i].col)
			fail_msg("'%s': got %d: %s; want %d: ...%s...", syntax[i].src,
				 err.items[0].col, err.items[0].msg, syntax[i].col, syntax[i].msg);
		assert_null(err.items[0].file);
		assert_int_equal(err.items[0].line, 0);
		error_release(&err);
	}
	/* err may be NULL */
	assert_int_equal(expr_parse("1 +", &e, NULL), ERR_DATA);
	assert_null(e);
}

static void test_runtime_errors(void **state)
{
	static const struct {
		const char *src, *msg;
		int col;
	} bad[] = {
		{ "${nope} + 1", "unknown field ${nope}", 1 },
		{ "1 + regex('a', '(')", "invalid regular expression '('", 5 },
		{ "regex('a', '[a')", "invalid regular expression", 1 },
		{ "regex('ab', 'a)(b')", "invalid regular expression", 1 },
		{ "count(nowhere)", "unknown column 'nowhere'", 7 },
	};
	struct expr_ctx ctx = make_ctx();
	struct expr_value v = EXPR_VALUE_INIT;
	struct error err = ERROR_INIT;
	struct expr *e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(expr_parse(bad[i].src, &e, &err), 0);
		expr_set_number(&v, 1);
		assert_int_equal(expr_eval(e, &ctx, &v, &err), ERR_DATA);
		/* the result is left empty */
		assert_int_equal(v.type, EXPR_STRING);
		assert_null(v.str);
		assert_int_equal(err.n, 1);
		if (!strstr(err.items[0].msg, bad[i].msg) || err.items[0].col != bad[i].col)
			fail_msg("%s: got %d: %s", bad[i].src, err.items[0].col, err.items[0].msg);
		assert_false(expr_eval_bool(e, &ctx, &err));
		assert_null(expr_eval_string(e, &ctx, &err));
		assert_int_equal(err.n, 3);
		error_release(&err);
		expr_free(e);
	}
	/* Without a column callback, a bare name is "". */
	ctx.column = NULL;
	assert_int_equal(expr_parse("district = ''", &e, &err), 0);
	assert_true(expr_eval_bool(e, &ctx, &err));
	assert_int_equal(err.n, 0);
	expr_free(e);
}

struct seen {
	char names[8][16];
	int cols[8];
	bool bare[8];
	int n;
};

static void on_ref(void *data, const char *name, int col, bool bare)
{
	struct seen *s = data;

	assert_true(s->n < 8);
	snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
	s->cols[s->n] = col;
	s->bare[s->n++] = bare;
}

static void test_refs(void **state)
{
	static const char *const names[] = { "a", "district", "b.c-d", "x", "groups", "value" };
	static const int cols[] = { 8, 14, 24, 53, 60, 75 };
	static const bool bare[] = { false, true, false, false, false, true };
	const char *src = "concat(${a}, district, ${b.c-d}) and "
			  "jr:choice-name(${x}, '${groups}') or value = 1";
	struct seen s = { 0 };
	struct expr *e;
	int i;

	(void)state;
	assert_int_equal(expr_parse(src, &e, NULL), 0);
	assert_string_equal(expr_source(e), src);
	expr_refs(e, on_ref, &s);
	assert_int_equal(s.n, 6);
	for (i = 0; i < 6; i++) {
		assert_string_equal(s.names[i], names[i]);
		assert_int_equal(s.cols[i], cols[i]);
		assert_int_equal(s.bare[i], bare[i]);
	}
	expr_free(e);

	/* Columns count characters: "'Nguyễn' = " is 11 of them but 13 bytes. */
	memset(&s, 0, sizeof(s));
	src = "'Nguyễn' = ${name} or jr:choice-name(., 'groups')";
	assert_int_equal(expr_parse(src, &e, NULL), 0);
	expr_refs(e, on_ref, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "name");
	assert_int_equal(s.cols[0], 12);
	assert_string_equal(s.names[1], "groups");
	assert_int_equal(s.cols[1], 42);
	expr_free(e);

	memset(&s, 0, sizeof(s));
	assert_int_equal(expr_parse("1 + count(..) * 0", &e, NULL), ERR_DATA);
	assert_int_equal(expr_parse("today()", &e, NULL), 0);
	expr_refs(e, on_ref, &s);
	assert_int_equal(s.n, 0);
	expr_free(e);
}

static char *repeat(const char *head, int n, const char *mid, const char *tail)
{
	struct sbuf sb = SBUF_INIT;
	int i;

	for (i = 0; i < n; i++)
		sbuf_adds(&sb, head);
	sbuf_adds(&sb, mid);
	for (i = 0; i < n; i++)
		sbuf_adds(&sb, tail);
	return sbuf_detach(&sb);
}

static void refused(const char *src, const char *msg)
{
	struct error err = ERROR_INIT;
	struct expr *e;

	assert_int_equal(expr_parse(src, &e, &err), ERR_DATA);
	assert_null(e);
	assert_int_equal(err.n, 1);
	if (!strstr(err.items[0].msg, msg))
		fail_msg("got: %s", err.items[0].msg);
	error_release(&err);
}

static void test_nesting_limits(void **state)
{
	struct expr_ctx ctx = make_ctx();
	struct expr *e;
	char *src, *s;

	(void)state;
	src = repeat("(", 10000, "1", ")");
	refused(src, "nested too deeply");
	free(src);
	src = repeat("not(", 10000, "1", ")");
	refused(src, "nested too deeply");
	free(src);
	src = repeat("-", 10000, "1", "");
	refused(src, "nested too deeply");
	free(src);
	src = repeat("concat(", 10000, "", ")");
	refused(src, "nested too deeply");
	free(src);
	src = repeat("1 + ", 10000, "1", "");
	refused(src, "more than 1000 operators");
	free(src);

	/* The top level counts as one: EXPR_MAX_DEPTH - 1 parentheses are fine. */
	src = repeat("(", EXPR_MAX_DEPTH - 1, "1", ")");
	assert_int_equal(expr_parse(src, &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "1");
	free(s);
	expr_free(e);
	free(src);
	src = repeat("(", EXPR_MAX_DEPTH, "1", ")");
	refused(src, "more than 200 levels");
	free(src);

	src = repeat("1 + ", EXPR_MAX_CHAIN, "1", "");
	assert_int_equal(expr_parse(src, &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "1001");
	free(s);
	expr_free(e);
	free(src);

	/* and/or chains are flat: long ones are fine. */
	src = repeat("${age} = 1 or ", 5000, "${age} = 12", "");
	assert_int_equal(expr_parse(src, &e, NULL), 0);
	assert_true(expr_eval_bool(e, &ctx, NULL));
	expr_free(e);
	free(src);
}

static void test_dates(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		long long days;
	} dates[] = {
		{ "1970-01-01", true, 0 },
		{ "2026-11-23", true, 20780 },
		{ "2014-05-02", true, 16192 },
		{ "1969-12-31", true, -1 },
		{ "2024-02-29", true, 19782 },
		{ "2000-02-29", true, 11016 },
		{ "0000-01-01", true, -719528 },
		{ "9999-12-31", true, 2932896 },
		{ "2023-02-29", false, 0 },
		{ "1900-02-29", false, 0 },
		{ "2026-04-31", false, 0 },
		{ "2026-13-01", false, 0 },
		{ "2026-00-10", false, 0 },
		{ "2026-01-00", false, 0 },
		{ "2026-4-1", false, 0 },
		{ "2026-04-01x", false, 0 },
		{ "2026-04-01T10:00", false, 0 },
		{ " 2026-04-01", false, 0 },
		{ "2026/04/01", false, 0 },
		{ "", false, 0 },
	};
	char buf[11], *s;
	long long d, back, first, last;
	struct expr_value v = EXPR_VALUE_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dates) / sizeof(*dates); i++) {
		d = -42;
		if (expr_parse_date(dates[i].s, &d) != dates[i].ok)
			fail_msg("%s: want %s", dates[i].s, dates[i].ok ? "a date" : "refused");
		if (!dates[i].ok)
			continue;
		assert_int_equal(d, dates[i].days);
		expr_format_date(d, buf);
		assert_string_equal(buf, dates[i].s);
	}
	/* Every day of four centuries round-trips, leap days included. */
	assert_true(expr_parse_date("1900-01-01", &first));
	assert_true(expr_parse_date("2299-12-31", &last));
	assert_int_equal(last - first + 1, 146097);
	for (d = first; d <= last; d++) {
		expr_format_date(d, buf);
		assert_true(expr_parse_date(buf, &back));
		assert_int_equal(back, d);
	}
	expr_format_date(5000000, buf);
	assert_string_equal(buf, "9999-12-31");
	expr_format_date(-5000000, buf);
	assert_string_equal(buf, "0000-01-01");

	/* A date value with a time of day prints it, in UTC. */
	v.type = EXPR_DATE;
	v.num = 20780.5 + 1.5 / 86400;
	s = expr_to_string(&v);
	assert_string_equal(s, "2026-11-23T12:00:01.500Z");
	free(s);
	assert_true(expr_to_bool(&v));
	assert_true(expr_to_number(&v) == v.num);
}

static void test_numbers_print(void **state)
{
	static const struct {
		double n;
		const char *s;
	} nums[] = {
		{ 3, "3" }, { -2, "-2" }, { 2.5, "2.5" }, { 0.1, "0.1" }, { -0.0, "0" },
		{ 1e15, "1000000000000000" }, { 1e21, "1000000000000000000000" },
		{ 1.5e-10, "0.00000000015" }, { 123456.789, "123456.789" },
		{ 1e300 * 1e10, "Infinity" }, { -1e300 * 1e10, "-Infinity" },
		{ 12345678901234567890.0, "12345678901234567000" },
		{ 0.30000000000000004, "0.30000000000000004" },
	};
	struct expr_value v = EXPR_VALUE_INIT;
	char *s;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(nums) / sizeof(*nums); i++) {
		expr_set_number(&v, nums[i].n);
		s = expr_to_string(&v);
		if (strcmp(s, nums[i].s))
			fail_msg("%.17g: got %s, want %s", nums[i].n, s, nums[i].s);
		/* what prints reads back */
		expr_set_string(&v, s);
		if (isfinite(nums[i].n))
			assert_true(expr_to_number(&v) == nums[i].n);
		free(s);
	}
	expr_set_number(&v, NAN);
	s = expr_to_string(&v);
	assert_string_equal(s, "");
	free(s);
	assert_false(expr_to_bool(&v));
	expr_value_release(&v);
}

static void test_value_api(void **state)
{
	struct expr_value v = EXPR_VALUE_INIT, w = EXPR_VALUE_INIT;
	char *s;

	(void)state;
	s = expr_to_string(&v);
	assert_string_equal(s, "");
	free(s);
	assert_true(isnan(expr_to_number(&v)));
	assert_false(expr_to_bool(&v));

	expr_set_string(&v, "x");
	expr_set_string(&v, v.str); /* its own text */
	assert_string_equal(v.str, "x");
	expr_nodeset_add(&v, "a");
	expr_nodeset_add(&v, NULL);
	assert_int_equal(v.type, EXPR_NODESET);
	assert_int_equal(v.nitems, 2);
	assert_string_equal(v.items[1], "");
	assert_null(v.str);
	assert_true(expr_to_bool(&v));

	expr_set_bool(&v, true);
	s = expr_to_string(&v);
	assert_string_equal(s, "true");
	free(s);
	assert_true(expr_to_number(&v) == 1);

	expr_set_nodeset(&v);
	assert_int_equal(v.type, EXPR_NODESET);
	assert_int_equal(v.nitems, 0);
	assert_false(expr_to_bool(&v));
	assert_true(isnan(expr_to_number(&v)));

	expr_set_string(&w, "  2014-05-02 ");
	assert_true(expr_to_number(&w) == 16192);
	expr_value_release(&w);
	assert_int_equal(w.type, EXPR_STRING);
	assert_null(w.str);
	expr_value_release(&v);
}

static void test_context(void **state)
{
	struct expr_ctx ctx = make_ctx();
	struct expr *e;
	char *s;

	(void)state;
	/* once(): the current value when there is one, else the argument. */
	ctx.current = NULL;
	assert_int_equal(expr_parse("once(5)", &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "5");
	free(s);
	expr_free(e);

	assert_int_equal(expr_parse("concat('[', ., ']', string-length())", &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "[]0");
	free(s);
	expr_free(e);

	/* Without a choice_label callback, jr:choice-name is "". */
	ctx.choice_label = NULL;
	assert_int_equal(expr_parse("jr:choice-name('disabled', '${groups}')", &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "");
	free(s);
	expr_free(e);

	/* today() is the local date of ctx->now: 20:00 UTC is tomorrow in Vietnam. */
	ctx.now = 20780LL * 86400 + 20 * 3600;
	setenv("TZ", "ICT-7", 1);
	tzset();
	assert_int_equal(expr_parse("concat(today(), ' ', now())", &e, NULL), 0);
	s = expr_eval_string(e, &ctx, NULL);
	assert_string_equal(s, "2026-11-24 2026-11-23T20:00:00.000Z");
	free(s);
	expr_free(e);
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_runtime_errors),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_nesting_limits),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_numbers_print),
		cmocka_unit_test(test_value_api),
		cmocka_unit_test(test_context),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
