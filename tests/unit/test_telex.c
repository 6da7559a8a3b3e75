/*
 * test_telex.c - the Telex and VNI engine as tables of (keys, text): the
 * examples of the issue, every tone and modifier, undo by doubling, case,
 * tone placement as the GSO lists write names (old style: Hòa, Thủy), the
 * 54 ethnic groups, common names and villages; then keys back from words.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "telex.h"
#include "text.h"

struct keys_case {
	const char *keys;
	const char *text;
};

#define N(a) (sizeof(a) / sizeof(*(a)))

static const struct keys_case telex_cases[] = {
	/* The examples of the issue. */
	{ "Nguyeenx Thij Hoa", "Nguyễn Thị Hoa" },
	{ "Nguyeenx", "Nguyễn" },
	{ "Thij", "Thị" },
	{ "ddaays", "đấy" },
	{ "dduowngf", "đường" },
	{ "thuyr", "thủy" },
	{ "hoaf", "hòa" },
	{ "quaf", "quà" },
	{ "giaf", "già" },
	{ "khoer", "khỏe" },
	{ "tuaan", "tuân" },
	{ "muoonj", "muộn" },
	{ "nguwowif", "người" },
	{ "DDaau", "Đâu" },
	{ "NGUYEENX", "NGUYỄN" },
	/* Each tone, its removal and its replacement. */
	{ "as", "á" },
	{ "af", "à" },
	{ "ar", "ả" },
	{ "ax", "ã" },
	{ "aj", "ạ" },
	{ "asz", "a" },
	{ "asf", "à" },
	{ "ajx", "ã" },
	{ "az", "az" },
	{ "z", "z" },
	/* Each modifier, and a lone w. */
	{ "aa", "â" },
	{ "aw", "ă" },
	{ "ee", "ê" },
	{ "oo", "ô" },
	{ "ow", "ơ" },
	{ "uw", "ư" },
	{ "w", "ư" },
	{ "dd", "đ" },
	{ "uwow", "ươ" },
	{ "uown", "ươn" },
	{ "aaw", "ă" },
	{ "awa", "â" },
	{ "owo", "ô" },
	{ "asa", "ấ" },
	/* Undo by doubling: the key again leaves the key itself, then stays plain. */
	{ "aaa", "aa" },
	{ "eee", "ee" },
	{ "ooo", "oo" },
	{ "aww", "aw" },
	{ "oww", "ow" },
	{ "uww", "uw" },
	{ "ww", "w" },
	{ "www", "ww" },
	{ "ddd", "dd" },
	{ "ass", "as" },
	{ "asss", "ass" },
	{ "aff", "af" },
	{ "arr", "ar" },
	{ "axx", "ax" },
	{ "ajj", "aj" },
	{ "aaaa", "aaa" },
	{ "xooong", "xoong" },
	{ "booong", "boong" },
	/* A key that cannot apply is a letter. */
	{ "s", "s" },
	{ "f", "f" },
	{ "j", "j" },
	{ "sa", "sa" },
	{ "xa", "xa" },
	{ "ra", "ra" },
	{ "Anna", "Anna" },
	{ "Hana", "Hana" },
	{ "Tawr", "Tẳ" },
	/* Case: a letter keeps the case of its first key. */
	{ "Ww", "W" },
	{ "WW", "W" },
	{ "W", "Ư" },
	{ "Dd", "Đ" },
	{ "AA", "Â" },
	{ "Aa", "Â" },
	{ "VIEETJ NAM", "VIỆT NAM" },
	{ "TRUWOWNGF", "TRƯỜNG" },
	{ "Owr", "Ở" },
	/* Tone placement: a diacritic first, of ươ the ơ. */
	{ "ddaaus", "đấu" },
	{ "tieengs", "tiếng" },
	{ "Vieetj", "Việt" },
	{ "yeeu", "yêu" },
	{ "ruouwj", "rượu" },
	{ "ruwowuj", "rượu" },
	{ "huwux", "hữu" },
	{ "guwir", "gửi" },
	{ "cuwar", "cửa" },
	{ "muaw", "mưa" },
	{ "lwar", "lửa" },
	{ "thuaanj", "thuận" },
	{ "khuaays", "khuấy" },
	{ "hoawcj", "hoặc" },
	{ "thueess", "thuês" },
	{ "thuees", "thuế" },
	/* ... then the last vowel before a final consonant ... */
	{ "hoafn", "hoàn" },
	{ "hoanf", "hoàn" },
	{ "toans", "toán" },
	{ "khoanr", "khoản" },
	{ "huyfnh", "huỳnh" },
	{ "Huyfnh", "Huỳnh" },
	{ "thuyeenf", "thuyền" },
	/* ... else the first of two vowels, the middle of three. */
	{ "hoas", "hóa" },
	{ "khoer", "khỏe" },
	{ "Thuyr", "Thủy" },
	{ "thuys", "thúy" },
	{ "mais", "mái" },
	{ "caos", "cáo" },
	{ "sasu", "sáu" },
	{ "bayr", "bảy" },
	{ "keos", "kéo" },
	{ "chiuj", "chịu" },
	{ "tois", "tói" },
	{ "tuis", "túi" },
	{ "muas", "múa" },
	{ "kiaf", "kìa" },
	{ "khoais", "khoái" },
	{ "xoays", "xoáy" },
	{ "ngoaij", "ngoại" },
	{ "khuyur", "khuỷu" },
	{ "ngoeoj", "ngoẹo" },
	/* qu and gi: their u and i belong to the consonant. */
	{ "quas", "quá" },
	{ "quys", "quý" },
	{ "quoocs", "quốc" },
	{ "quyeenr", "quyển" },
	{ "quawng", "quăng" },
	{ "quow", "quơ" },
	{ "gif", "gì" },
	{ "ginf", "gìn" },
	{ "giuwx", "giữ" },
	{ "giuwxa", "giữa" },
	{ "gieets", "giết" },
	{ "giuwowngf", "giường" },
	{ "giusp", "giúp" },
	/* uơ without anything after it: thuở, huơ. */
	{ "uow", "uơ" },
	{ "thuowr", "thuở" },
	{ "huow", "huơ" },
	/* w after the vowels, and a lone w as a vowel. */
	{ "dduongw", "đương" },
	{ "nguoiwf", "người" },
	{ "tw", "tư" },
	{ "nhw", "như" },
	{ "trwowngf", "trường" },
	{ "Tws", "Tứ" },
	/* Census words. */
	{ "xax", "xã" },
	{ "huyeenj", "huyện" },
	{ "tinhr", "tỉnh" },
	{ "thoon", "thôn" },
	{ "banr", "bản" },
	{ "hoj vaf teen", "họ và tên" },
	{ "ngayf sinh", "ngày sinh" },
	{ "giowis tinhs", "giới tính" },
	{ "daan toocj", "dân tộc" },
	{ "toon giaos", "tôn giáo" },
	{ "trer em", "trẻ em" },
	{ "tuooir", "tuổi" },
	{ "ddi hocj", "đi học" },
	{ "moof cooi", "mồ côi" },
	{ "khuyeets taajt", "khuyết tật" },
	{ "hooj gia ddinhf", "hộ gia đình" },
	{ "chuwx", "chữ" },
	{ "mootj, hai, ba, boons, nawm", "một, hai, ba, bốn, năm" },
	{ "muwowfi", "mười" },
	{ "yeens", "yến" },
	{ "uoongs", "uống" },
	/* Names and villages. */
	{ "Lof Vawn Paang", "Lò Văn Pâng" },
	{ "Banr Luwowts", "Bản Lướt" },
	{ "DDuwowngf", "Đường" },
	{ "Hoaf", "Hòa" },
	{ "Tus Leej", "Tú Lệ" },
	{ "Giangf A Paos", "Giàng A Páo" },
	{ "Sufng A Vangf", "Sùng A Vàng" },
	{ "Haf Thij Xuaan", "Hà Thị Xuân" },
	{ "Hoangf Vawn Quys", "Hoàng Văn Quý" },
	{ "Traafn Vawn DDuwcs", "Trần Văn Đức" },
	{ "Luwowng Vawn Tuaans", "Lương Văn Tuấn" },
	{ "Phamj", "Phạm" },
	{ "Vux", "Vũ" },
	{ "Vox", "Võ" },
	{ "DDawngj", "Đặng" },
	{ "Buif", "Bùi" },
	{ "DDoox", "Đỗ" },
	{ "Ngoo", "Ngô" },
	{ "Duwowng", "Dương" },
	{ "Lys", "Lý" },
	{ "Trinhj", "Trịnh" },
	{ "Dungx", "Dũng" },
	{ "Thaor", "Thảo" },
	{ "Huwowngf", "Hường" },
	{ "Khow-mus", "Khơ-mú" },
	{ "Sa Paf, Laof Cai", "Sa Pà, Lào Cai" },
};

static const struct keys_case vni_cases[] = {
	{ "Nguye6n4 Thi5 Hoa", "Nguyễn Thị Hoa" },
	{ "Nguye6n4", "Nguyễn" },
	{ "Nguyen64", "Nguyễn" },
	{ "d9u7o7ng2", "đường" },
	{ "Thi5", "Thị" },
	{ "d9a6y1", "đấy" },
	{ "thuy3", "thủy" },
	{ "hoa2", "hòa" },
	{ "ho2a", "hòa" },
	{ "qua2", "quà" },
	{ "gia2", "già" },
	{ "khoe3", "khỏe" },
	{ "tua6n", "tuân" },
	{ "muo6n5", "muộn" },
	{ "ngu7o7i2", "người" },
	{ "a1", "á" },
	{ "a2", "à" },
	{ "a3", "ả" },
	{ "a4", "ã" },
	{ "a5", "ạ" },
	{ "a10", "a" },
	{ "a6", "â" },
	{ "a8", "ă" },
	{ "o7", "ơ" },
	{ "u7", "ư" },
	{ "d9", "đ" },
	{ "a66", "a6" },
	{ "a11", "a1" },
	{ "a88", "a8" },
	{ "d99", "d9" },
	{ "0", "0" },
	{ "2024", "2024" },
	{ "7", "7" },
	{ "D9a6u", "Đâu" },
	{ "NGUYE6N4", "NGUYỄN" },
	{ "mu7a", "mưa" },
	{ "mua7", "mưa" },
	{ "u7o7", "ươ" },
	{ "tho7", "thơ" },
	{ "hoa8c5", "hoặc" },
	{ "qua8ng", "quăng" },
	{ "Lo2 Va8n Pa6ng", "Lò Văn Pâng" },
	{ "Ba3n Lu7o7t1", "Bản Lướt" },
	{ "Thu3y", "Thủy" },
	{ "Vie65t", "Việt" },
	{ "tie61ng", "tiếng" },
	{ "chu74", "chữ" },
	{ "Kho7 Mu1", "Khơ Mú" },
	{ "Mu7o7ng2", "Mường" },
	{ "nguoi72", "người" },
};

/* The 54 groups of the GSO list (shared/data/ethnic-groups.tsv) and its row 55. */
static const struct keys_case ethnic_cases[] = {
	{ "Kinh", "Kinh" }, { "Tayf", "Tày" }, { "Thasi", "Thái" },
	{ "Muwowngf", "Mường" }, { "Khow Me", "Khơ Me" }, { "Hoa", "Hoa" },
	{ "Nungf", "Nùng" }, { "Moong", "Mông" }, { "Dao", "Dao" },
	{ "Gia Rai", "Gia Rai" }, { "EE DDee", "Ê Đê" }, { "Ba Na", "Ba Na" },
	{ "Sans Chay", "Sán Chay" }, { "Chawm", "Chăm" }, { "Cow Ho", "Cơ Ho" },
	{ "Xow DDawng", "Xơ Đăng" }, { "Sans Difu", "Sán Dìu" }, { "Hree", "Hrê" },
	{ "Ra Glai", "Ra Glai" }, { "Mnoong", "Mnông" }, { "Thoor", "Thổ" },
	{ "Xtieeng", "Xtiêng" }, { "Khow Mus", "Khơ Mú" },
	{ "Bru Vaan Kieeuf", "Bru Vân Kiều" }, { "Cow Tu", "Cơ Tu" },
	{ "Giasy", "Giáy" }, { "Taf OOi", "Tà Ôi" }, { "Maj", "Mạ" },
	{ "Gier Trieeng", "Giẻ Triêng" }, { "Co", "Co" }, { "Chow Ro", "Chơ Ro" },
	{ "Xinh Mun", "Xinh Mun" }, { "Haf Nhif", "Hà Nhì" }, { "Chu Ru", "Chu Ru" },
	{ "Laof", "Lào" }, { "La Chis", "La Chí" }, { "Khasng", "Kháng" },
	{ "Phuf Las", "Phù Lá" }, { "La Hur", "La Hủ" }, { "La Ha", "La Ha" },
	{ "Paf Thenr", "Pà Thẻn" }, { "Luwj", "Lự" }, { "Ngasi", "Ngái" },
	{ "Chuwst", "Chứt" }, { "Loo Loo", "Lô Lô" }, { "Mangr", "Mảng" },
	{ "Cow Lao", "Cơ Lao" }, { "Boos Y", "Bố Y" }, { "Coongs", "Cống" },
	{ "Si La", "Si La" }, { "Pu Peso", "Pu Péo" }, { "Row Mawm", "Rơ Măm" },
	{ "Braau", "Brâu" }, { "Ow DDu", "Ơ Đu" },
	{ "Nguwowif nuwowcs ngoaif", "Người nước ngoài" },
};

static void check_table(enum tui_input mode, const struct keys_case *cases, size_t n)
{
	size_t i, failed = 0;

	for (i = 0; i < n; i++) {
		char *got = tui_input_render(mode, cases[i].keys);
		char *nfc = got ? text_nfc(got) : NULL;

		if (!got || strcmp(got, cases[i].text) || strcmp(nfc, got)) {
			print_error("%s \"%s\": got \"%s\", want \"%s\" (NFC)\n",
				    tui_input_name(mode), cases[i].keys, got ? got : "(null)",
				    cases[i].text);
			failed++;
		}
		free(nfc);
		free(got);
	}
	assert_int_equal(failed, 0);
}

static void test_telex_table(void **state)
{
	(void)state;
	assert_true(N(telex_cases) >= 120);
	check_table(TUI_INPUT_TELEX, telex_cases, N(telex_cases));
}

static void test_vni_table(void **state)
{
	(void)state;
	assert_true(N(vni_cases) >= 30);
	check_table(TUI_INPUT_VNI, vni_cases, N(vni_cases));
}

static void test_ethnic_groups(void **state)
{
	(void)state;
	assert_int_equal(N(ethnic_cases), 55);
	check_table(TUI_INPUT_TELEX, ethnic_cases, N(ethnic_cases));
}

/* Search folds the old and the new placement alike: hoaf gives hòa, users also write hoà. */
static void test_fold_old_and_new_style(void **state)
{
	static const char *const pairs[][2] = {
		{ "hoaf", "hoà" }, { "Thuyr", "Thuỷ" }, { "khoer", "khoẻ" }, { "Hoaf Bifnh", "Hoà Bình" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(pairs); i++) {
		char *word = tui_input_render(TUI_INPUT_TELEX, pairs[i][0]);
		char *a = text_fold(word), *b = text_fold(pairs[i][1]);

		assert_string_not_equal(word, pairs[i][1]);
		assert_string_equal(a, b);
		free(a);
		free(b);
		free(word);
	}
}

static void test_plain_and_bad_input(void **state)
{
	char *s;

	(void)state;
	s = tui_input_render(TUI_INPUT_PLAIN, "Nguye\xcc\x82\xcc\x83n hoaf");
	assert_string_equal(s, "Nguyễn hoaf");
	free(s);
	/* Text that is already Vietnamese passes through a Telex word untouched. */
	s = tui_input_render(TUI_INPUT_TELEX, "Đà Nẵng 2026: dd");
	assert_string_equal(s, "Đà Nẵng 2026: đ");
	free(s);
	s = tui_input_render(TUI_INPUT_TELEX, "");
	assert_string_equal(s, "");
	free(s);
	assert_null(tui_input_render(TUI_INPUT_TELEX, "ab\xff"));
	assert_null(tui_input_render(TUI_INPUT_VNI, "\xc3"));
	assert_null(tui_input_render(TUI_INPUT_PLAIN, "\xed\xa0\x80"));
}

static void test_modes(void **state)
{
	(void)state;
	assert_string_equal(tui_input_name(TUI_INPUT_PLAIN), "EN");
	assert_string_equal(tui_input_name(TUI_INPUT_TELEX), "TELEX");
	assert_string_equal(tui_input_name(TUI_INPUT_VNI), "VNI");
	assert_int_equal(tui_input_next(TUI_INPUT_PLAIN), TUI_INPUT_TELEX);
	assert_int_equal(tui_input_next(TUI_INPUT_TELEX), TUI_INPUT_VNI);
	assert_int_equal(tui_input_next(TUI_INPUT_VNI), TUI_INPUT_PLAIN);
	assert_true(tui_input_is_key(TUI_INPUT_TELEX, 'a'));
	assert_true(tui_input_is_key(TUI_INPUT_TELEX, 'Z'));
	assert_false(tui_input_is_key(TUI_INPUT_TELEX, '1'));
	assert_true(tui_input_is_key(TUI_INPUT_VNI, '1'));
	assert_true(tui_input_is_key(TUI_INPUT_VNI, 'q'));
	assert_false(tui_input_is_key(TUI_INPUT_VNI, ' '));
	assert_false(tui_input_is_key(TUI_INPUT_TELEX, 0xe2)); /* â typed by a system IME */
	assert_false(tui_input_is_key(TUI_INPUT_PLAIN, 'a'));
}

static const struct {
	enum tui_input mode;
	const char *word, *keys; /* keys NULL: no keys type the word */
} unrender_cases[] = {
	{ TUI_INPUT_TELEX, "Nguyễn", "Nguyeenx" },
	{ TUI_INPUT_TELEX, "đường", "dduwowngf" },
	{ TUI_INPUT_TELEX, "Đâu", "DDaau" },
	{ TUI_INPUT_TELEX, "thuở", "thuowr" },
	{ TUI_INPUT_TELEX, "hoàn", "hoanf" },
	{ TUI_INPUT_TELEX, "aa", "aaa" },      /* the second a typed twice to stay plain */
	{ TUI_INPUT_TELEX, "Bus", "Buss" },    /* the s typed twice, not a tone */
	{ TUI_INPUT_TELEX, "w", "ww" },
	{ TUI_INPUT_TELEX, "Nguye\xcc\x82\xcc\x83n", "Nguyeenx" }, /* NFD */
	{ TUI_INPUT_VNI, "Nguyễn", "Nguye6n4" },
	{ TUI_INPUT_VNI, "đường", "d9u7o7ng2" },
	{ TUI_INPUT_VNI, "Bus", "Bus" },
	{ TUI_INPUT_TELEX, "", NULL },
	{ TUI_INPUT_TELEX, "a b", NULL },
	{ TUI_INPUT_TELEX, "a1", NULL },
	{ TUI_INPUT_VNI, "a1", NULL },
	{ TUI_INPUT_TELEX, "日本", NULL },
	{ TUI_INPUT_TELEX, "a\xcc\x81\xcc\x80", NULL }, /* two tones */
	{ TUI_INPUT_TELEX, "ñ", NULL },                  /* a tilde the rules never put on n */
	{ TUI_INPUT_TELEX, "uơn", NULL },                /* the rules make it ươn */
	{ TUI_INPUT_TELEX, "ab\xff", NULL },
	{ TUI_INPUT_PLAIN, "hoa", NULL },
};

static void test_unrender(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < N(unrender_cases); i++) {
		char *keys = tui_input_unrender(unrender_cases[i].mode, unrender_cases[i].word);

		if (unrender_cases[i].keys ? !keys || strcmp(keys, unrender_cases[i].keys) : !!keys)
			fail_msg("case %zu \"%s\": got %s, want %s", i, unrender_cases[i].word,
				 keys ? keys : "NULL",
				 unrender_cases[i].keys ? unrender_cases[i].keys : "NULL");
		free(keys);
	}
}

/* Every word of the tables comes back as keys that type it again. */
static void check_round_trip(enum tui_input mode, const struct keys_case *cases, size_t n)
{
	size_t i, checked = 0;

	for (i = 0; i < n; i++) {
		char *copy = strdup(cases[i].text), *save = NULL, *w;

		for (w = strtok_r(copy, " ,:-", &save); w; w = strtok_r(NULL, " ,:-", &save)) {
			char *keys = tui_input_unrender(mode, w);
			char *again = keys ? tui_input_render(mode, keys) : NULL;

			if (strpbrk(w, "0123456789")) {
				assert_null(keys);
				continue;
			}
			if (!again || strcmp(again, w))
				fail_msg("%s \"%s\": keys %s give %s", tui_input_name(mode), w,
					 keys ? keys : "NULL", again ? again : "NULL");
			checked++;
			free(keys);
			free(again);
		}
		free(copy);
	}
	assert_true(checked > 0);
}

static void test_round_trip(void **state)
{
	(void)state;
	check_round_trip(TUI_INPUT_TELEX, telex_cases, N(telex_cases));
	check_round_trip(TUI_INPUT_TELEX, ethnic_cases, N(ethnic_cases));
	check_round_trip(TUI_INPUT_VNI, vni_cases, N(vni_cases));
	check_round_trip(TUI_INPUT_VNI, telex_cases, N(telex_cases));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telex_table),
		cmocka_unit_test(test_vni_table),
		cmocka_unit_test(test_ethnic_groups),
		cmocka_unit_test(test_fold_old_and_new_style),
		cmocka_unit_test(test_plain_and_bad_input),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_unrender),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
