/*
 * test_app_date.c - dates as typed in the app (dd/mm/yyyy) to ISO and back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tui.h"

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct {
	const char *typed, *iso; /* iso NULL: refused */
} parse_cases[] = {
	{ "02/05/2014", "2014-05-02" },
	{ "2/5/2014", "2014-05-02" },
	{ " 20.11.2026 ", "2026-11-20" },
	{ "2014-05-02", "2014-05-02" },
	{ "29/02/2024", "2024-02-29" },
	{ "31/12/9999", "9999-12-31" },
	{ "29/02/2023", NULL },
	{ "29/02/1900", NULL },
	{ "31/04/2020", NULL },
	{ "00/01/2020", NULL },
	{ "01/13/2020", NULL },
	{ "01/01/20", NULL },
	{ "01/01/20201", NULL },
	{ "1/1", NULL },
	{ "", NULL },
	{ "abc", NULL },
	{ "01/01/2020x", NULL },
	{ "2014-5", NULL },
	{ "32/01/2020", NULL },
	{ "123/01/2020", NULL },
};

static void test_parse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(parse_cases); i++) {
		char out[11] = "";
		int rc = tui_date_parse(parse_cases[i].typed, out);

		if (parse_cases[i].iso) {
			if (rc || strcmp(out, parse_cases[i].iso))
				fail_msg("'%s': got %d '%s', want '%s'", parse_cases[i].typed, rc,
					 out, parse_cases[i].iso);
		} else if (rc != ERR_DATA) {
			fail_msg("'%s' should be refused, got '%s'", parse_cases[i].typed, out);
		}
	}
}

static const struct {
	const char *iso, *shown;
} show_cases[] = {
	{ "2014-05-02", "02/05/2014" },
	{ "2026-11-20", "20/11/2026" },
	{ "2023-02-29", "2023-02-29" },
	{ "hôm qua", "hôm qua" },
	{ "", "" },
};

static void test_show(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(show_cases); i++) {
		char out[11];

		tui_date_show(show_cases[i].iso, out);
		assert_string_equal(out, show_cases[i].shown);
	}
}

/* What the app shows, typed back, is what was stored. */
static void test_round_trip(void **state)
{
	static const char *const isos[] = { "2014-05-02", "2000-02-29", "1999-12-31" };
	size_t i;

	(void)state;
	for (i = 0; i < N(isos); i++) {
		char shown[11], back[11];

		tui_date_show(isos[i], shown);
		assert_int_equal(tui_date_parse(shown, back), 0);
		assert_string_equal(back, isos[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
