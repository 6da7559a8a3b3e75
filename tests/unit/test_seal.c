/*
 * test_seal.c - sealed answers: a value opens only with its key and in its
 * context, any changed byte is detected, rotated keys open their own data,
 * key files lock the secret with a passphrase (mode 0600, never replaced),
 * and records: `!sealed` read and written, the form's sealed fields (the
 * sensitive ones and calculations on them) sealed, validation passing over
 * what it cannot read, and opening giving back the clear record.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "form.h"
#include "record.h"
#include "seal.h"
#include "util.h"
#include "validate.h"

static const char form_text_yaml[] =
	"form: t\n"
	"version: \"1\"\n"
	"title: T\n"
	"languages: [en]\n"
	"choices:\n"
	"  hiv:\n"
	"    - {value: none, label: No}\n"
	"    - {value: living_with_hiv, label: Living with HIV}\n"
	"  yn:\n"
	"    - {value: 'yes', label: Yes}\n"
	"    - {value: 'no', label: No}\n"
	"fields:\n"
	"  - {name: name, type: text, label: Name, required: yes}\n"
	"  - name: kids\n"
	"    type: repeat\n"
	"    label: Kids\n"
	"    fields:\n"
	"      - {name: kname, type: text, label: Name}\n"
	"      - {name: gate, type: select_one yn, label: Gate}\n"
	"      - name: hiv\n"
	"        type: select_one hiv\n"
	"        label: HIV\n"
	"        required: yes\n"
	"        sensitive: yes\n"
	"        relevant: ${gate} = 'yes'\n"
	"      - {name: special, type: calculate, label: S,\n"
	"         calculation: \"if(${hiv} = 'living_with_hiv', 'yes', 'no')\"}\n"
	"      - {name: special2, type: calculate, label: S2, calculation: \"${special}\"}\n"
	"      - {name: help, type: text, label: Help, relevant: \"${hiv} != 'none'\"}\n"
	"      - {name: plain, type: calculate, label: P, calculation: \"${kname}\"}\n";

static const char record_text[] =
	"id: 04630-A-0001\n"
	"form: t\n"
	"version: \"1\"\n"
	"status: complete\n"
	"data:\n"
	"  name: Lò Văn Pâng\n"
	"  kids:\n"
	"    - _id: a1\n"
	"      kname: Mai\n"
	"      gate: \"yes\"\n"
	"      hiv: living_with_hiv\n"
	"      help: clinic\n";

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_seal.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	return rc;
}

static void new_key(struct seal_key *k)
{
	assert_int_equal(seal_key_generate(k, NULL), 0);
	assert_true(k->has_secret);
	assert_int_equal(strlen(k->id), 16);
}

static void test_round_trip(void **state)
{
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct error err = ERROR_INIT;
	struct seal_key k;
	char *a, *b, *v = NULL, id[17];

	(void)state;
	new_key(&k);
	seal_keyring_add(&ring, &k);
	a = seal_value(&k, "04630-A-0001 kids[_id=a1].hiv", "none");
	b = seal_value(&k, "04630-A-0001 kids[_id=a1].hiv", "living_with_hiv");
	/* The padding hides which answer it is; a value is never sealed the same twice. */
	assert_int_equal(strlen(a), strlen(b));
	assert_string_not_equal(a, b);
	assert_true(a[0] == 'A');
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-_"), strlen(a));
	assert_true(seal_value_key(a, id));
	assert_string_equal(id, k.id);
	assert_int_equal(seal_open(&ring, "04630-A-0001 kids[_id=a1].hiv", b, &v, &err), 0);
	assert_string_equal(v, "living_with_hiv");
	free(v);
	/* Moved to another child: refused. */
	assert_int_equal(seal_open(&ring, "04630-A-0001 kids[_id=b2].hiv", b, &v, &err),
			 ERR_DATA);
	assert_null(v);
	assert_non_null(strstr(err.items[0].msg, "another record or field"));
	error_release(&err);
	free(a);
	free(b);
	seal_keyring_release(&ring);
	assert_int_equal(ring.n, 0);
}

static void test_tamper(void **state)
{
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct error err = ERROR_INIT;
	struct seal_key k;
	char *s, *v = NULL;
	size_t i, n;

	(void)state;
	new_key(&k);
	seal_keyring_add(&ring, &k);
	s = seal_value(&k, "x", "yes");
	n = strlen(s);
	/* Every character changed, after the version and key id, is caught. */
	for (i = 12; i < n; i++) {
		char c = s[i];

		s[i] = c == 'B' ? 'C' : 'B';
		assert_int_equal(seal_open(&ring, "x", s, &v, &err), ERR_DATA);
		assert_null(v);
		s[i] = c;
	}
	assert_int_equal(err.n, n - 12);
	error_release(&err);
	/* Cut short, or not base64url at all. */
	s[n - 4] = '\0';
	assert_int_equal(seal_open(&ring, "x", s, &v, &err), ERR_DATA);
	assert_int_equal(seal_open(&ring, "x", "not sealed", &v, &err), ERR_DATA);
	assert_non_null(strstr(err.items[0].msg, "damaged"));
	error_release(&err);
	free(s);
	seal_keyring_release(&ring);
}

static void test_rotation(void **state)
{
	struct seal_keyring ring = SEAL_KEYRING_INIT, only_new = SEAL_KEYRING_INIT;
	struct error err = ERROR_INIT;
	struct seal_key old, cur;
	char *a, *b, *v = NULL;

	(void)state;
	new_key(&old);
	new_key(&cur);
	assert_string_not_equal(old.id, cur.id);
	a = seal_value(&old, "c", "old answer");
	b = seal_value(&cur, "c", "new answer");
	seal_keyring_add(&only_new, &cur);
	assert_int_equal(seal_open(&only_new, "c", a, &v, &err), ERR_NOTFOUND);
	assert_int_equal(err.n, 0);
	seal_keyring_add(&ring, &cur);
	seal_keyring_add(&ring, &old);
	assert_int_equal(seal_open(&ring, "c", a, &v, &err), 0);
	assert_string_equal(v, "old answer");
	free(v);
	assert_int_equal(seal_open(&ring, "c", b, &v, &err), 0);
	assert_string_equal(v, "new answer");
	free(v);
	free(a);
	free(b);
	seal_keyring_release(&ring);
	seal_keyring_release(&only_new);
}

static bool contains(const char *hay, size_t n, const unsigned char *needle, size_t m)
{
	size_t i;

	for (i = 0; i + m <= n; i++)
		if (!memcmp(hay + i, needle, m))
			return true;
	return false;
}

static void test_key_files(void **state)
{
	struct error err = ERROR_INIT;
	struct seal_key k, back, pub;
	struct sbuf text = SBUF_INIT, file = SBUF_INIT;
	char *path = xasprintf("%s/district.key", tmpdir);
	struct stat st;
	char *pos;

	(void)state;
	new_key(&k);
	assert_int_equal(seal_key_save(path, &k, "mật khẩu dài", &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The secret is not in the file in clear. */
	assert_int_equal(read_file(path, &file, &err), 0);
	assert_false(contains(file.buf, file.len, k.sk, sizeof(k.sk)));
	assert_int_equal(seal_key_load(path, "mật khẩu dài", &back, &err), 0);
	assert_true(back.has_secret);
	assert_memory_equal(back.sk, k.sk, sizeof(k.sk));
	assert_string_equal(back.id, k.id);
	assert_int_equal(seal_key_load(path, "wrong", &back, &err), ERR_DATA);
	assert_false(back.has_secret);
	assert_non_null(strstr(err.items[0].msg, "wrong passphrase"));
	error_release(&err);
	/* Never replaced. */
	assert_int_equal(seal_key_save(path, &k, "x", &err), ERR_USAGE);
	error_release(&err);

	seal_public_write(&k, &text);
	assert_int_equal(seal_public_parse(text.buf, text.len, "district.pub", &pub, &err), 0);
	assert_false(pub.has_secret);
	assert_memory_equal(pub.pk, k.pk, sizeof(k.pk));
	assert_string_equal(pub.id, k.id);
	/* An id that is not the key's: the file was edited. */
	pos = strstr(text.buf, "\nid ") + 4;
	*pos = *pos == '0' ? '1' : '0';
	assert_int_equal(seal_public_parse(text.buf, text.len, "district.pub", &pub, &err),
			 ERR_DATA);
	assert_non_null(strstr(err.items[0].msg, "was changed"));
	error_release(&err);
	assert_int_equal(seal_public_parse("hello\n", 6, "x.pub", &pub, &err), ERR_DATA);
	error_release(&err);
	seal_key_wipe(&k);
	seal_key_wipe(&back);
	sbuf_release(&text);
	sbuf_release(&file);
	free(path);
}

static void load_form(struct form *f)
{
	struct error err = ERROR_INIT;
	char *path = xasprintf("%s/form.yaml", tmpdir);

	assert_int_equal(write_file_atomic(path, form_text_yaml, strlen(form_text_yaml), &err), 0);
	if (form_load(path, f, &err))
		error_print(&err, stderr, "form: ");
	assert_int_equal(err.n, 0);
	free(path);
}

static const struct record_node *kid0(const struct record *r)
{
	return record_node_get(r->data, "kids")->kids[0];
}

static void test_records(void **state)
{
	struct seal_keyring ring = SEAL_KEYRING_INIT;
	struct error err = ERROR_INIT;
	struct form f = FORM_INIT;
	struct record r, clear, back;
	struct sbuf text = SBUF_INIT, again = SBUF_INIT;
	struct seal_key k;
	size_t locked = 9;
	char *pos;

	(void)state;
	load_form(&f);
	assert_true(form_field(&f, "hiv")->sealed);
	assert_true(form_field(&f, "special")->sealed);
	assert_true(form_field(&f, "special2")->sealed);
	assert_false(form_field(&f, "help")->sealed);
	assert_false(form_field(&f, "plain")->sealed);
	assert_false(form_field(&f, "kname")->sealed);

	record_init(&r);
	record_init(&back);
	assert_int_equal(record_parse(record_text, strlen(record_text), "r.yaml", &r, &err), 0);
	assert_int_equal(validate_record(&f, &r, NULL, &err), 0);
	assert_string_equal(record_node_value(kid0(&r), "special2"), "yes");
	assert_int_equal(seal_record_count_clear(&f, &r, NULL), 3);
	/* What the district's checks say of a record written in clear by hand. */
	assert_int_equal(seal_record_count_clear(&f, &r, &err), 3);
	assert_int_equal(err.n, 3);
	assert_string_equal(err.items[0].file, "r.yaml");
	assert_int_equal(err.items[0].line, 11);
	assert_int_equal(err.items[0].col, 12);
	assert_non_null(strstr(err.items[0].msg, "04630-A-0001: kids[_id=a1].hiv: a sensitive "
					 "answer in clear"));
	error_release(&err);
	record_copy(&clear, &r);

	new_key(&k);
	assert_int_equal(seal_record(&f, &k, &r), 3);
	assert_int_equal(seal_record_count_clear(&f, &r, NULL), 0);
	assert_true(record_node_get(kid0(&r), "hiv")->sealed);
	assert_false(record_node_get(kid0(&r), "help")->sealed);
	record_write(&r, &text);
	assert_null(strstr(text.buf, "living_with_hiv"));
	assert_null(strstr(text.buf, "special: yes"));
	assert_non_null(strstr(text.buf, "plain: Mai"));
	assert_non_null(strstr(text.buf, "      hiv: !sealed A"));

	/* Read back: the same record, written the same. */
	assert_int_equal(record_parse(text.buf, text.len, "r.yaml", &back, &err), 0);
	assert_true(record_node_equal(back.data, r.data));
	record_write(&back, &again);
	assert_string_equal(again.buf, text.buf);

	/* Validation cannot read it: nothing is dropped, computed or refused. */
	assert_int_equal(validate_record(&f, &back, NULL, &err), 0);
	assert_true(record_node_equal(back.data, r.data));

	/* Without the key nothing opens; with it, the clear record comes back. */
	assert_int_equal(seal_record_open(&ring, &back, &locked, &err), 0);
	assert_int_equal(locked, 3);
	seal_keyring_add(&ring, &k);
	assert_int_equal(seal_record_open(&ring, &back, &locked, &err), 0);
	assert_int_equal(locked, 0);
	assert_true(record_node_equal(back.data, clear.data));

	/* A sealed value moved to the other field is refused with record and field. */
	sbuf_reset(&again);
	sbuf_adds(&again, text.buf);
	pos = strstr(again.buf, "special: !sealed ");
	memcpy(pos + strlen("special: !sealed "), strstr(text.buf, "hiv: !sealed ") +
	       strlen("hiv: !sealed "), strcspn(pos + strlen("special: !sealed "), "\n"));
	assert_int_equal(record_parse(again.buf, again.len, "r.yaml", &back, &err), 0);
	assert_int_equal(seal_record_open(&ring, &back, &locked, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.items[0].file, "r.yaml");
	assert_non_null(strstr(err.items[0].msg, "04630-A-0001: kids[_id=a1].special: "));
	assert_true(record_node_get(kid0(&back), "special")->sealed);
	assert_false(record_node_get(kid0(&back), "hiv")->sealed);
	error_release(&err);

	record_release(&r);
	record_release(&clear);
	record_release(&back);
	sbuf_release(&text);
	sbuf_release(&again);
	seal_keyring_release(&ring);
	seal_key_wipe(&k);
	form_release(&f);
}

static void test_parse_refusals(void **state)
{
	static const char *const bad[] = {
		"form: t\nversion: \"1\"\ndata:\n  a: !sealed\n",
		"form: t\nversion: \"1\"\ndata:\n  a: !sealed abc=\n",
		"form: !sealed AAAA\nversion: \"1\"\ndata: {}\n",
		"form: t\nversion: \"1\"\ndata:\n  a: !secret AAAA\n",
		"form: t\nversion: \"1\"\ndata:\n  !sealed AAAA: b\n",
	};
	struct error err = ERROR_INIT;
	struct record r;
	size_t i;

	(void)state;
	record_init(&r);
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(record_parse(bad[i], strlen(bad[i]), "x", &r, &err), ERR_DATA);
		assert_int_equal(err.n, 1);
		assert_true(err.items[0].line > 0);
		error_release(&err);
	}
	record_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_key_files),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_parse_refusals),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
