/*
 * test_text.c - the UTF-8 helpers: tables of validity, NFC, search keys,
 * widths, lengths and cuts over Vietnamese (every tone mark, NFC and NFD),
 * đ, wide CJK, combining marks, invalid sequences and empty strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text.h"

/* The six tones on a, NFC: ngang, huyền, sắc, hỏi, ngã, nặng. */
#define TONES_NFC u8"a à á ả ã ạ"
#define TONES_NFD u8"a a\u0300 a\u0301 a\u0309 a\u0303 a\u0323"
/* Nguyễn with its two marks stacked after the e, and the same in NFC. */
#define NGUYEN_NFD u8"Nguye\u0302\u0303n"
#define NGUYEN_NFC u8"Nguyễn"

static const struct valid_case {
	const char *s;
	size_t len;
	size_t prefix; /* text_valid_prefix(); valid when it equals len */
} valid_cases[] = {
	{ "", 0, 0 },
	{ "abc", 3, 3 },
	{ NGUYEN_NFC, sizeof(NGUYEN_NFC) - 1, sizeof(NGUYEN_NFC) - 1 },
	{ NGUYEN_NFD, sizeof(NGUYEN_NFD) - 1, sizeof(NGUYEN_NFD) - 1 },
	{ u8"日本語", 9, 9 },
	{ "\xf0\x9f\x98\x80", 4, 4 },         /* U+1F600, four bytes */
	{ "\xf4\x8f\xbf\xbf", 4, 4 },         /* U+10FFFF, the last code point */
	{ "ab\xff" "cd", 5, 2 },              /* a byte never in UTF-8 */
	{ "\x80", 1, 0 },                     /* a lone continuation byte */
	{ "x\xc3\x28", 3, 1 },                /* a lead byte without its continuation */
	{ "\xc0\xaf", 2, 0 },                 /* '/' overlong in two bytes */
	{ "\xe0\x80\xaf", 3, 0 },             /* '/' overlong in three bytes */
	{ "\xf0\x80\x80\xaf", 4, 0 },         /* '/' overlong in four bytes */
	{ "\xed\xa0\x80", 3, 0 },             /* U+D800, a surrogate */
	{ "\xf4\x90\x80\x80", 4, 0 },         /* past U+10FFFF */
	{ "Vi\xe1\xbb", 5, 2 },               /* cut in the middle of ệ */
	{ "a\0b", 3, 1 },                     /* a NUL byte */
};

static void test_valid(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid_cases) / sizeof(*valid_cases); i++) {
		const struct valid_case *c = &valid_cases[i];

		if (text_valid_prefix(c->s, c->len) != c->prefix ||
		    text_valid(c->s, c->len) != (c->prefix == c->len))
			fail_msg("case %zu: prefix %zu, want %zu", i,
				 text_valid_prefix(c->s, c->len), c->prefix);
	}
}

static const struct str_case {
	const char *in;
	const char *want; /* NULL: refused */
} nfc_cases[] = {
	{ "", "" },
	{ "abc 123", "abc 123" },
	{ NGUYEN_NFD, NGUYEN_NFC },
	{ NGUYEN_NFC, NGUYEN_NFC },
	{ TONES_NFD, TONES_NFC },
	{ u8"Ho\u0300a", u8"Hòa" },
	/* NFC keeps where the tone was put: hoà and hòa stay two spellings. */
	{ u8"Hoa\u0300", u8"Hoà" },
	{ u8"Đ\u0323", u8"Đ\u0323" },          /* no precomposed Đ with a dot below */
	{ "ab\xff", NULL },
	{ "\xed\xa0\x80", NULL },
};

static void test_nfc(void **state)
{
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(nfc_cases) / sizeof(*nfc_cases); i++) {
		got = text_nfc(nfc_cases[i].in);
		if (nfc_cases[i].want ? !got || strcmp(got, nfc_cases[i].want) : got != NULL)
			fail_msg("case %zu: got '%s', want '%s'", i, got ? got : "(null)",
				 nfc_cases[i].want ? nfc_cases[i].want : "(null)");
		free(got);
	}
}

static const struct str_case fold_cases[] = {
	{ "", "" },
	{ "   ", "" },
	{ u8"Nguyễn Văn Đường", "nguyen van duong" },
	{ u8"NGUYỄN VĂN ĐƯỜNG", "nguyen van duong" },
	{ u8"Nguye\u0302\u0303n Va\u0306n \u0110u\u031bo\u031b\u0300ng", "nguyen van duong" },
	{ u8"Hòa", "hoa" },
	{ u8"Hoà", "hoa" },
	{ u8"Ho\u0300a", "hoa" },
	{ u8"Hoa\u0300", "hoa" },
	{ u8"ƯƠ", "uo" },
	{ u8"đ Đ", "d d" },
	{ TONES_NFC, "a a a a a a" },
	{ TONES_NFD, "a a a a a a" },
	{ u8"ÂĂÊÔƠƯ âăêôơư", "aaeoou aaeoou" },
	{ u8"Lò Thị Hoa", "lo thi hoa" },
	{ u8"  Lò \t Thị\n\nMai  ", "lo thi mai" },
	{ u8"Bản\u00a0Lướt", "ban luot" },    /* a no-break space is white space */
	{ "ab\xff\xfe" "cd", "abcd" },
	{ "\xc3", "" },
	{ "a\x01" "b", "ab" },
	{ u8"日本語 ＡＢ", u8"日本語 ａｂ" },
	{ u8"Ñandú", "nandu" },
	{ "0912 345 678", "0912 345 678" },
};

static void test_fold(void **state)
{
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(fold_cases) / sizeof(*fold_cases); i++) {
		got = text_fold(fold_cases[i].in);
		if (strcmp(got, fold_cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, got, fold_cases[i].want);
		free(got);
	}
}

static const struct width_case {
	const char *s;
	int width;
	size_t length;
} width_cases[] = {
	{ "", 0, 0 },
	{ "abc", 3, 3 },
	{ NGUYEN_NFC, 6, 6 },
	{ NGUYEN_NFD, 6, 8 },
	{ TONES_NFD, 11, 16 },
	{ u8"日本語", 6, 3 },
	{ u8"Hà Nội 日本", 11, 9 },
	{ "\xf0\x9f\x98\x80", 2, 1 },
	{ u8"e\u0301", 1, 2 },
	{ "a\tb\n", 2, 4 },                  /* control characters take no column */
	{ "ab\xff", 3, 3 },                  /* a bad byte shows as one replacement */
};

static void test_width_length(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(width_cases) / sizeof(*width_cases); i++) {
		const struct width_case *c = &width_cases[i];

		if (text_width(c->s) != c->width || text_length(c->s) != c->length)
			fail_msg("case %zu '%s': width %d length %zu, want %d %zu", i, c->s,
				 text_width(c->s), text_length(c->s), c->width, c->length);
	}
}

static const struct fit_case {
	const char *s;
	int width;
	size_t bytes;
} fit_cases[] = {
	{ "", 5, 0 },
	{ "abc", 0, 0 },
	{ "abc", -3, 0 },
	{ "abc", 2, 2 },
	{ "abc", 10, 3 },
	{ NGUYEN_NFC, 5, 7 },                /* Nguyễ: ễ is three bytes */
	{ NGUYEN_NFD, 5, 9 },                /* Nguye and both its marks */
	{ NGUYEN_NFD, 4, 4 },
	{ u8"日本語", 1, 0 },                 /* a wide character never half shown */
	{ u8"日本語", 3, 3 },
	{ u8"日本語", 4, 6 },
	{ u8"a日", 2, 1 },
	{ u8"e\u0301x", 1, 3 },
	{ "ab\xff" "cd", 3, 3 },
};

static void test_fit(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fit_cases) / sizeof(*fit_cases); i++) {
		const struct fit_case *c = &fit_cases[i];
		size_t got = text_fit(c->s, c->width);

		if (got != c->bytes)
			fail_msg("case %zu '%s' in %d: %zu bytes, want %zu", i, c->s, c->width, got,
				 c->bytes);
		/* What fits is itself no wider than asked. */
		if (c->width >= 0) {
			char *cut = strndup(c->s, got);

			assert_true(text_width(cut) <= c->width);
			free(cut);
		}
	}
}

/* Whatever the spelling, a name folds to one key, and a NFC copy of it to the same. */
static void test_fold_agrees_with_nfc(void **state)
{
	static const char *const words[] = {
		NGUYEN_NFD, TONES_NFD, u8"Ho\u0300a", u8"Thu\u031bo\u031b\u0300ng",
		u8"\u0110a\u0306\u0323ng", u8"Pa\u0302ng",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(words) / sizeof(*words); i++) {
		char *nfc = text_nfc(words[i]);
		char *a = text_fold(words[i]), *b = text_fold(nfc);

		assert_string_equal(a, b);
		assert_true(text_width(words[i]) == text_width(nfc));
		free(nfc);
		free(a);
		free(b);
	}
}

/*
 * text_nfc skips utf8proc for the code points below U+0300 and in
 * U+1E00-U+1EFF: check that claim against utf8proc for every one of them,
 * alone and followed by a combining mark (which must still compose).
 */
static void test_nfc_fast_path(void **state)
{
	utf8proc_int32_t cp;
	utf8proc_uint8_t buf[16];
	char *ours;
	utf8proc_uint8_t *ref;
	utf8proc_ssize_t n;

	(void)state;
	for (cp = 1; cp < 0x1F00; cp++) {
		if (cp == 0x300)
			cp = 0x1E00;
		n = utf8proc_encode_char(cp, buf);
		buf[n] = '\0';
		ours = text_nfc((const char *)buf);
		ref = utf8proc_NFC(buf);
		assert_non_null(ours);
		assert_string_equal(ours, (const char *)ref);
		free(ours);
		free(ref);
		/* A combining acute after it: the slow path, and composition happens. */
		buf[n] = 0xCC;
		buf[n + 1] = 0x81;
		buf[n + 2] = '\0';
		ours = text_nfc((const char *)buf);
		ref = utf8proc_NFC(buf);
		assert_string_equal(ours, (const char *)ref);
		free(ours);
		free(ref);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_nfc_fast_path),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_width_length),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fold_agrees_with_nfc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
