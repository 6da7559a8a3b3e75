/*
 * test_form.c - the form loader: the example forms of tests/forms/ (good
 * ones parsed to the expected structure, bad ones refused with exactly the
 * problems their `# expect:` lines name) and hostile forms built here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "form.h"
#include "util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The source tree: $SRC when the tests run from elsewhere. */
static char *forms_path(const char *rel)
{
	const char *src = getenv("SRC");

	return xasprintf("%s/tests/forms/%s", src && *src ? src : ".", rel);
}

static void dump_errors(const struct error *err)
{
	error_print(err, stderr, "  got: ");
}

static void load_good(const char *rel, struct form *f)
{
	struct error err = ERROR_INIT;
	char *path = forms_path(rel);
	int ret = form_load(path, f, &err);

	if (ret)
		dump_errors(&err);
	assert_int_equal(ret, 0);
	assert_int_equal(err.n, 0);
	error_release(&err);
	free(path);
}

static struct form_field *field(const struct form *f, const char *name)
{
	struct form_field *fld = form_field(f, name);

	assert_non_null(fld);
	assert_string_equal(fld->name, name);
	return fld;
}

/* The names of f->order, space-separated. */
static char *order_names(const struct form *f)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < f->nfields; i++)
		sbuf_addf(&sb, "%s%s", i ? " " : "", f->order[i]->name);
	return sbuf_detach(&sb);
}

static void test_demo_household(void **state)
{
	static const struct {
		const char *name;
		enum form_type type;
		const char *parent, *en;
	} want[] = {
		{ "household", FORM_GROUP, NULL, "Household" },
		{ "village", FORM_TEXT, "household", "Village" },
		{ "head_name", FORM_TEXT, "household", "Name of the head of household" },
		{ "members", FORM_INTEGER, "household", "Household members" },
		{ "poverty", FORM_SELECT_ONE, "household", "Poverty status" },
		{ "visit_date", FORM_DATE, "household", "Visit date" },
		{ "children", FORM_REPEAT, NULL, "Children under 16" },
		{ "full_name", FORM_TEXT, "children", "Child's full name" },
		{ "dob", FORM_DATE, "children", "Date of birth" },
		{ "age", FORM_CALCULATE, "children", "Age" },
		{ "sex", FORM_SELECT_ONE, "children", "Sex" },
		{ "in_school", FORM_SELECT_ONE, "children", "Is the child in school?" },
		{ "groups", FORM_SELECT_MULTIPLE, "children", NULL },
		{ "n_children", FORM_CALCULATE, NULL, "Number of children" },
	};
	struct form f = FORM_INIT;
	struct form_field *fld;
	char *order;
	size_t i, en;

	(void)state;
	load_good("demo/household.yaml", &f);
	assert_string_equal(f.id, "household-demo");
	assert_string_equal(f.version, "2026.1");
	assert_int_equal(f.nlanguages, 2);
	assert_string_equal(f.languages[0], "vi");
	en = form_lang(&f, "en");
	assert_int_equal(en, 1);
	assert_string_equal(form_text(&f, &f.title, en), "Household and children (demo)");
	assert_int_equal(f.nfields, sizeof(want) / sizeof(*want));
	assert_int_equal(f.ntop, 3);
	for (i = 0; i < f.nfields; i++) {
		fld = f.fields[i];
		assert_string_equal(fld->name, want[i].name);
		assert_int_equal(fld->type, want[i].type);
		assert_int_equal(fld->index, i);
		if (want[i].parent)
			assert_string_equal(fld->parent->name, want[i].parent);
		else
			assert_null(fld->parent);
		if (want[i].en)
			assert_string_equal(form_text(&f, &fld->label, en), want[i].en);
		assert_non_null(form_text(&f, &fld->label, 0));
	}
	assert_ptr_equal(field(&f, "age")->repeat, field(&f, "children"));
	assert_null(field(&f, "members")->repeat);
	assert_int_equal(field(&f, "children")->nkids, 6);
	assert_true(field(&f, "head_name")->required);
	assert_non_null(field(&f, "members")->constraint);
	assert_non_null(field(&f, "age")->calculation);
	assert_non_null(field(&f, "in_school")->relevant);
	assert_non_null(field(&f, "n_children")->constraint);
	assert_string_equal(form_text(&f, &field(&f, "members")->constraint_message, 0),
			    "Từ 1 đến 30 người");
	assert_non_null(f.instance_name);

	assert_int_equal(f.nlists, 4);
	assert_int_equal(form_list(&f, "poverty")->n, 3);
	assert_int_equal(form_list(&f, "special_groups")->n, 6);
	assert_ptr_equal(field(&f, "groups")->list, form_list(&f, "special_groups"));
	assert_string_equal(form_text(&f, &form_choice(form_list(&f, "sex"), "female")->label, en),
			    "Female");
	assert_null(form_choice(form_list(&f, "sex"), "other"));

	assert_int_equal(f.nindicators, 2);
	assert_string_equal(f.indicators[0].name, "school_attendance");
	assert_ptr_equal(f.indicators[0].over, field(&f, "children"));
	assert_non_null(f.indicators[0].denominator);
	assert_string_equal(f.indicators[0].target_op, ">=");
	assert_true(f.indicators[0].target == 95);
	assert_null(f.indicators[1].denominator);
	assert_string_equal(f.indicators[1].target_op, "<");
	assert_true(f.indicators[1].target == 1);

	/* Everything already follows what it depends on: document order. */
	order = order_names(&f);
	assert_string_equal(order, "household village head_name members poverty visit_date "
			    "children full_name dob age sex in_school groups n_children");
	free(order);
	form_release(&f);
	assert_null(f.fields);
}

static void test_every_key(void **state)
{
	struct form f = FORM_INIT;
	const struct form_list *support;
	const struct form_choice *ch;
	struct form_field *fld;
	char *order;

	(void)state;
	load_good("good/every-key.yaml", &f);
	assert_string_equal(form_text(&f, &f.title, 1), "Mọi khóa và kiểu");
	fld = field(&f, "intro");
	assert_int_equal(fld->type, FORM_NOTE);
	assert_string_equal(form_text(&f, &fld->hint, 1), "Read it to the head of household");
	assert_string_equal(fld->appearance, "bold");
	fld = field(&f, "consent");
	assert_true(fld->required);
	assert_null(fld->required_if);
	assert_string_equal(form_text(&f, &fld->required_message, 0), "Cần hỏi ý kiến");
	assert_string_equal(fld->default_value, "yes");
	fld = field(&f, "details");
	assert_int_equal(fld->type, FORM_GROUP);
	assert_null(form_text(&f, &fld->label, 0));
	assert_int_equal(fld->nkids, 8);
	/* A text given only in the default language serves every language. */
	assert_string_equal(form_text(&f, &field(&f, "child_name")->label, 1), "Tên trẻ");
	assert_false(field(&f, "child_name")->read_only);
	assert_string_equal(field(&f, "weight")->default_value, "3.5");
	assert_int_equal(field(&f, "weight")->type, FORM_DECIMAL);
	assert_false(field(&f, "weight")->sensitive);
	fld = field(&f, "hiv");
	assert_true(fld->sensitive);
	assert_false(fld->required);
	assert_non_null(fld->required_if);
	assert_true(field(&f, "visits")->read_only);
	assert_string_equal(field(&f, "first_visit")->default_value, "2026-01-15");
	fld = field(&f, "supports");
	assert_int_equal(fld->type, FORM_SELECT_MULTIPLE);
	assert_non_null(fld->choice_filter);
	assert_string_equal(fld->default_value, "allowance health");
	assert_non_null(field(&f, "double_visits")->calculation);
	fld = field(&f, "visit");
	assert_int_equal(fld->type, FORM_REPEAT);
	assert_non_null(fld->repeat_count);
	assert_ptr_equal(field(&f, "visit_cost")->repeat, fld);
	assert_null(form_text(&f, &field(&f, "total")->label, 0));

	assert_string_equal(form_text(&f, &form_choice(form_list(&f, "yes_no"), "no")->label, 1),
			    "Không");
	ch = form_choice(form_list(&f, "kinds"), "service");
	assert_string_equal(form_text(&f, &ch->label, 1), "Dịch vụ");
	assert_null(ch->label.s[1]);
	support = form_list(&f, "support");
	assert_int_equal(support->ncolumns, 2);
	assert_string_equal(support->columns[0], "kind");
	assert_string_equal(support->columns[1], "note");
	ch = form_choice(support, "school");
	assert_string_equal(ch->columns[0], "service");
	assert_string_equal(ch->columns[1], "fees");
	assert_string_equal(form_choice(support, "allowance")->columns[1], "");
	assert_null(support->file);

	assert_int_equal(f.nindicators, 2);
	assert_null(f.indicators[0].over);
	assert_null(f.indicators[0].denominator);
	assert_string_equal(f.indicators[0].target_op, "");
	assert_ptr_equal(f.indicators[1].over, field(&f, "visit"));
	assert_string_equal(f.indicators[1].target_op, ">=");
	assert_true(f.indicators[1].target == 95);

	/* The note's relevance reads `consent`, a later field: it moves after it. */
	order = order_names(&f);
	assert_string_equal(order, "consent intro details child_name weight hiv visits "
			    "first_visit kind supports double_visits visit visit_cost total");
	free(order);
	form_release(&f);
}

static size_t column(const struct form_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->ncolumns; i++)
		if (!strcmp(l->columns[i], name))
			return i;
	fail_msg("no column %s in %s", name, l->name);
	return 0;
}

static void test_cascade_from_tsv(void **state)
{
	struct form f = FORM_INIT;
	const struct form_list *l;
	const struct form_choice *ch;

	(void)state;
	load_good("good/cascade.yaml", &f);
	l = form_list(&f, "provinces");
	assert_string_equal(l->file, "admin-units.tsv");
	assert_int_equal(l->n, 2);
	assert_string_equal(l->items[0].value, "01");
	assert_string_equal(form_text(&f, &l->items[1].label, 1), "Tỉnh Yên Bái");
	l = form_list(&f, "districts");
	assert_int_equal(l->n, 3);
	assert_string_equal(form_text(&f, &form_choice(l, "140")->label, 1), "Huyện Văn Chấn");
	l = form_list(&f, "communes");
	assert_int_equal(l->n, 55);
	assert_int_equal(l->ncolumns, 7);
	ch = form_choice(l, "04630");
	assert_non_null(ch);
	assert_string_equal(form_text(&f, &ch->label, 0), "Xã Tú Lệ");
	assert_string_equal(ch->columns[column(l, "district_code")], "140");
	assert_string_equal(ch->columns[column(l, "province_code")], "15");
	assert_null(form_choice(l, "99999"));
	assert_ptr_equal(field(&f, "commune")->list, l);
	assert_non_null(field(&f, "district")->choice_filter);
	assert_string_equal(field(&f, "commune")->default_value, "04630");
	form_release(&f);
}

/* One `# expect: [FILE:]LINE:COL: fragment` line of a bad form. */
struct expect {
	char *file; /* a base name, or NULL: the form itself */
	int line, col;
	char *frag;
	bool seen;
};

static size_t read_expects(const char *path, struct expect *ex, size_t max)
{
	FILE *fp = fopen(path, "r");
	char buf[1024], file[256];
	size_t n = 0;
	int line, col, used;

	assert_non_null(fp);
	while (fgets(buf, sizeof(buf), fp) && !strncmp(buf, "# expect: ", 10)) {
		const char *p = buf + 10;

		assert_true(n < max);
		buf[strcspn(buf, "\n")] = '\0';
		ex[n].file = NULL;
		if (sscanf(p, "%d:%d: %n", &line, &col, &used) < 2) {
			assert_int_equal(sscanf(p, "%255[^:]:%d:%d: %n", file, &line, &col, &used), 3);
			ex[n].file = xstrdup(file);
		}
		ex[n].line = line;
		ex[n].col = col;
		ex[n].frag = xstrdup(p + used);
		ex[n].seen = false;
		n++;
	}
	fclose(fp);
	return n;
}

static bool matches(const struct expect *ex, const struct error_item *it, const char *path)
{
	const char *base = it->file ? strrchr(it->file, '/') : NULL;

	base = base ? base + 1 : it->file;
	if (ex->file ? !base || strcmp(base, ex->file) : !it->file || strcmp(it->file, path))
		return false;
	return it->line == ex->line && it->col == ex->col && strstr(it->msg, ex->frag);
}

/* Loads one bad form; true when its problems are exactly the expected ones. */
static bool check_bad(const char *path)
{
	struct expect ex[32];
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	size_t n = read_expects(path, ex, 32), i, j;
	bool ok = n > 0;
	int ret = form_load(path, &f, &err);

	if (ret != ERR_DATA || err.n != n) {
		fprintf(stderr, "%s: returned %d with %zu problems, expected %zu\n", path, ret,
			err.n, n);
		ok = false;
	}
	for (i = 0; i < err.n; i++) {
		for (j = 0; j < n && (ex[j].seen || !matches(&ex[j], &err.items[i], path)); j++)
			;
		if (j < n) {
			ex[j].seen = true;
		} else {
			fprintf(stderr, "%s: unexpected problem %d:%d: %s\n", path,
				err.items[i].line, err.items[i].col, err.items[i].msg);
			ok = false;
		}
	}
	for (j = 0; j < n; j++) {
		if (!ex[j].seen) {
			fprintf(stderr, "%s: missing %d:%d: %s\n", path, ex[j].line, ex[j].col,
				ex[j].frag);
			ok = false;
		}
		free(ex[j].file);
		free(ex[j].frag);
	}
	/* A refused form leaves nothing behind. */
	assert_null(f.file);
	assert_null(f.fields);
	error_release(&err);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_forms(void **state)
{
	char *dir = forms_path("bad"), *names[256];
	struct dirent *de;
	size_t n = 0, i, failed = 0;
	DIR *d = opendir(dir);

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len > 5 && !strcmp(de->d_name + len - 5, ".yaml")) {
			assert_true(n < 256);
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	assert_true(n >= 25);
	for (i = 0; i < n; i++) {
		failed += !check_bad(names[i]);
		free(names[i]);
	}
	free(dir);
	assert_int_equal(failed, 0);
}

/* A scratch directory for generated forms. */
static int make_tmp(void **state)
{
	char tmpl[] = "/tmp/test_form.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	*state = xstrdup(tmpl);
	return 0;
}

static int remove_tmp(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", (char *)*state);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(*state);
	return 0;
}

static char *write_tmp(void **state, const char *name, const char *text, size_t len)
{
	char *path = xasprintf("%s/%s", (char *)*state, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* Loads generated text; returns form_load's code with the problems in err. */
static int load_text(void **state, const struct sbuf *text, struct form *f, struct error *err)
{
	char *path = write_tmp(state, "form.yaml", sbuf_str(text), text->len);
	int ret = form_load(path, f, err);

	free(path);
	return ret;
}

static bool any_error(const struct error *err, const char *frag)
{
	size_t i;

	for (i = 0; i < err->n; i++)
		if (strstr(err->items[i].msg, frag))
			return true;
	return false;
}

static void test_deep_expression(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	int i;

	sbuf_adds(&sb, "form: deep\nversion: \"1\"\nfields:\n"
		  "  - {name: a, type: integer, label: A}\n"
		  "  - name: b\n    type: integer\n    label: B\n    relevant: ");
	for (i = 0; i < 10000; i++)
		sbuf_addc(&sb, '(');
	sbuf_adds(&sb, "${a}");
	for (i = 0; i < 10000; i++)
		sbuf_addc(&sb, ')');
	sbuf_adds(&sb, "\n");
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_int_equal(err.items[0].line, 8);
	/* The column is inside the expression, which starts at column 15. */
	assert_true(err.items[0].col > 15 && err.items[0].col <= 15 + 10000);
	assert_non_null(strstr(err.items[0].msg, "relevant of 'b'"));
	error_release(&err);
	sbuf_release(&sb);
}

/* Groups nested `depth` deep, the innermost holding one text field. */
static void nested_groups(struct sbuf *sb, int depth)
{
	int i;

	sbuf_adds(sb, "form: nested\nversion: \"1\"\nfields:\n");
	for (i = 0; i < depth; i++)
		sbuf_addf(sb, "%*s- name: g%d\n%*s  type: group\n%*s  fields:\n", 2 * i + 2, "", i,
			  2 * i + 2, "", 2 * i + 2, "");
	sbuf_addf(sb, "%*s- {name: t, type: text, label: T}\n", 2 * depth + 2, "");
}

static void test_deep_groups(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;

	struct form_field *fld;
	int depth = 0;

	nested_groups(&sb, 40);
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_true(any_error(&err, "deep"));
	error_release(&err);
	/* As deep as the YAML reader lets a form go: every level is there. */
	sbuf_reset(&sb);
	nested_groups(&sb, 14);
	assert_int_equal(load_text(state, &sb, &f, &err), 0);
	assert_int_equal(f.nfields, 15);
	for (fld = field(&f, "t"); fld->parent; fld = fld->parent)
		depth++;
	assert_int_equal(depth, 14);
	assert_string_equal(fld->name, "g0");
	assert_ptr_equal(f.order[14], field(&f, "t"));
	form_release(&f);
	sbuf_release(&sb);
}

/*
 * 250,000 inline choices cannot fit in the 4 MiB the YAML reader accepts,
 * which refuses them before FORM_MAX_CHOICES would (test_huge_tsv_list
 * reaches that one): either way, one message and no memory blow-up.
 */
static void test_huge_inline_list(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	int i;

	sbuf_adds(&sb, "form: huge\nversion: \"1\"\nchoices:\n  big: [");
	for (i = 0; i < 250000; i++)
		sbuf_addf(&sb, "%s{value: v%d, label: x}", i ? "," : "", i);
	sbuf_adds(&sb, "]\nfields:\n  - {name: a, type: select_one big, label: A}\n");
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_true(any_error(&err, "more than 200000 choices") || any_error(&err, "4 MiB"));
	error_release(&err);
	sbuf_release(&sb);
}

/* A TSV list is counted too, and refused at the row past the limit. */
static void test_huge_tsv_list(void **state)
{
	static const char form[] =
		"form: huge\nversion: \"1\"\nchoices:\n"
		"  big: {file: big.tsv, value: v, label: l}\n"
		"fields:\n  - {name: a, type: select_one big, label: A}\n";
	struct sbuf tsv = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	char *path;
	int i;

	sbuf_adds(&tsv, "v\tl\n");
	for (i = 0; i < FORM_MAX_CHOICES + 50000; i++)
		sbuf_addf(&tsv, "v%d\tx\n", i);
	free(write_tmp(state, "big.tsv", tsv.buf, tsv.len));
	path = write_tmp(state, "form.yaml", form, sizeof(form) - 1);
	assert_int_equal(form_load(path, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_non_null(strstr(err.items[0].msg, "more than 200000 choices"));
	assert_int_equal(err.items[0].line, FORM_MAX_CHOICES + 2);
	assert_non_null(strstr(err.items[0].file, "big.tsv"));
	error_release(&err);
	sbuf_release(&tsv);
	free(path);
}

static void test_cycle_of_three(void **state)
{
	static const char text[] =
		"form: three\nversion: \"1\"\nfields:\n"
		"  - {name: x, type: integer, label: X}\n"
		"  - name: a\n    type: calculate\n    calculation: ${c} + ${x}\n"
		"  - name: b\n    type: calculate\n    calculation: ${a} * 2\n"
		"  - name: c\n    type: calculate\n    calculation: ${b} - 1\n";
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;

	sbuf_adds(&sb, text);
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.items[0].msg, "cycle: a -> c -> b -> a");
	assert_int_equal(err.items[0].line, 5);
	error_release(&err);
	sbuf_release(&sb);
}

static void test_too_many_fields(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	int i;

	sbuf_adds(&sb, "form: many\nversion: \"1\"\nfields:\n");
	for (i = 0; i <= FORM_MAX_FIELDS + 5; i++)
		sbuf_addf(&sb, "  - {name: f%d, type: text, label: F}\n", i);
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_true(any_error(&err, "more than 10000 fields"));
	assert_int_equal(err.items[0].line, 4 + FORM_MAX_FIELDS);
	error_release(&err);
	sbuf_release(&sb);
}

static void test_problems_are_capped(void **state)
{
	struct sbuf sb = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	int i;

	sbuf_adds(&sb, "form: capped\nversion: \"1\"\nfields:\n");
	for (i = 0; i < 3 * FORM_MAX_ERRORS; i++)
		sbuf_addf(&sb, "  - {name: f%d, type: txt, label: F}\n", i);
	assert_int_equal(load_text(state, &sb, &f, &err), ERR_DATA);
	assert_int_equal(err.n, FORM_MAX_ERRORS + 1);
	assert_non_null(strstr(err.items[FORM_MAX_ERRORS].msg, "too many problems"));
	error_release(&err);
	sbuf_release(&sb);
}

static void test_file_too_large(void **state)
{
	char *path = write_tmp(state, "big.yaml", "form: x\n", 8);
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;

	assert_int_equal(truncate(path, (off_t)FORM_MAX_FILE_SIZE + 1), 0);
	assert_int_equal(form_load(path, &f, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_true(any_error(&err, "larger than 64 MiB"));
	error_release(&err);
	free(path);
}

static void test_unreadable(void **state)
{
	char *path = xasprintf("%s/absent.yaml", (char *)*state);
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;

	assert_int_equal(form_load(path, &f, &err), ERR_NOTFOUND);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.items[0].file, path);
	assert_string_equal(err.items[0].msg, "cannot open: No such file or directory");
	assert_int_equal(form_load((char *)*state, &f, &err), ERR_ENV);
	assert_int_equal(err.n, 2);
	error_release(&err);
	free(path);
}

/* A list the size of the GSO's: every commune found through the index. */
static void test_big_tsv_list(void **state)
{
	static const char form[] =
		"form: big\nversion: \"1\"\nchoices:\n"
		"  provinces: {file: units.tsv, value: province, label: province_name}\n"
		"  communes: {file: units.tsv, value: commune, label: commune_name}\n"
		"fields:\n  - {name: p, type: select_one provinces, label: P}\n"
		"  - name: c\n    type: select_one communes\n    label: C\n"
		"    choice_filter: province = ${p}\n";
	struct sbuf tsv = SBUF_INIT, key = SBUF_INIT;
	struct form f = FORM_INIT;
	struct error err = ERROR_INIT;
	const struct form_list *l;
	char *path;
	int i;

	sbuf_adds(&tsv, "province\tprovince_name\tcommune\tcommune_name\r\n");
	for (i = 0; i < 10047; i++)
		sbuf_addf(&tsv, "%02d\tTỉnh %d\t%05d\tXã %d\r\n", i / 160, i / 160, i * 3, i);
	free(write_tmp(state, "units.tsv", tsv.buf, tsv.len));
	path = write_tmp(state, "form.yaml", form, sizeof(form) - 1);
	assert_int_equal(form_load(path, &f, &err), 0);
	l = form_list(&f, "provinces");
	assert_int_equal(l->n, 63);
	assert_string_equal(form_text(&f, &form_choice(l, "62")->label, 0), "Tỉnh 62");
	l = form_list(&f, "communes");
	assert_int_equal(l->n, 10047);
	for (i = 0; i < 10047; i++) {
		sbuf_reset(&key);
		sbuf_addf(&key, "%05d", i * 3);
		assert_non_null(form_choice(l, sbuf_str(&key)));
		sbuf_addc(&key, 'x');
		assert_null(form_choice(l, sbuf_str(&key)));
	}
	assert_string_equal(form_text(&f, &form_choice(l, "30138")->label, 0), "Xã 10046");
	form_release(&f);
	sbuf_release(&tsv);
	sbuf_release(&key);
	free(path);
}

/* The same problems, in the same places, from the two ways of loading. */
static void assert_same_errors(const struct error *a, const struct error *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		assert_string_equal(a->items[i].file, b->items[i].file);
		assert_int_equal(a->items[i].line, b->items[i].line);
		assert_int_equal(a->items[i].col, b->items[i].col);
		assert_string_equal(a->items[i].msg, b->items[i].msg);
	}
}

static void test_lazy_tsv_list(void **state)
{
	static const char form[] =
		"form: lazy\nversion: \"1\"\nchoices:\n"
		"  units: {file: units.tsv, value: code, label: name}\n"
		"fields:\n  - name: u\n    type: select_one units\n    label: U\n"
		"    choice_filter: region = 'north'\n";
	static const char good[] = "code\tname\tregion\n01\tHà Nội\tnorth\n79\tHồ Chí Minh\tsouth\n";
	static const char bad[] = "code\tname\tregion\n01\tHà Nội\tnorth\n7 9\tHồ Chí Minh\tsouth\n"
				  "80\tLong An\n";
	struct form f = FORM_INIT;
	struct error eager = ERROR_INIT, lazy = ERROR_INIT, again = ERROR_INIT;
	const struct form_list *l;
	char *path, *tsv;

	tsv = write_tmp(state, "units.tsv", good, sizeof(good) - 1);
	path = write_tmp(state, "form.yaml", form, sizeof(form) - 1);
	assert_int_equal(form_load_lazy(path, &f, &lazy), 0);
	l = form_list(&f, "units");
	/* The header is read (the choice_filter's column was checked), not the rows. */
	assert_int_equal(l->ncolumns, 3);
	assert_string_equal(l->columns[2], "region");
	assert_int_equal(l->n, 0);
	assert_string_equal(form_text(&f, &form_choice(l, "79")->label, 0), "Hồ Chí Minh");
	assert_int_equal(l->n, 2);
	assert_int_equal(form_list_ready(l, &lazy), 0);
	assert_int_equal(lazy.n, 0);
	form_release(&f);

	/* Broken rows: form_load reports them; a lazy load reports the same when first needed. */
	free(write_tmp(state, "units.tsv", bad, sizeof(bad) - 1));
	assert_int_equal(form_load(path, &f, &eager), ERR_DATA);
	assert_int_equal(eager.n, 2);
	assert_int_equal(eager.items[0].line, 3);
	assert_non_null(strstr(eager.items[0].msg, "bad value '7 9'"));
	assert_int_equal(eager.items[1].line, 4);
	assert_non_null(strstr(eager.items[1].msg, "2 fields, the header has 3"));
	assert_int_equal(form_load_lazy(path, &f, &lazy), 0);
	l = form_list(&f, "units");
	assert_null(form_choice(l, "01"));
	assert_int_equal(l->n, 0);
	assert_int_equal(form_list_ready(l, &lazy), ERR_DATA);
	assert_same_errors(&eager, &lazy);
	assert_int_equal(form_lists_ready(&f, &again), ERR_DATA);
	assert_same_errors(&eager, &again);
	assert_non_null(strstr(again.items[0].file, "units.tsv"));
	form_release(&f);
	error_release(&lazy);
	error_release(&again);

	/* A header without the value column fails either way, at once. */
	free(write_tmp(state, "units.tsv", "id\tname\n01\tx\n", 13));
	assert_int_equal(form_load_lazy(path, &f, &lazy), ERR_DATA);
	assert_true(any_error(&lazy, "column 'code' is not in the header of 'units.tsv'"));
	error_release(&eager);
	error_release(&lazy);
	free(tsv);
	free(path);
}

static void test_lookups_without_index(void **state)
{
	char *langs[] = { "vi", "en" }, *vi[] = { "Có", NULL }, *en[] = { NULL, "No" };
	struct form_choice items[] = {
		{ "yes", { vi }, NULL },
		{ "no", { en }, NULL },
	};
	struct form_list list = { .name = "yn", .items = items, .n = 2 };
	struct form_list *lists[] = { &list };
	struct form_field fld = { .name = "q", .type = FORM_SELECT_ONE, .list = &list };
	struct form_field *fields[] = { &fld };
	struct form f = { .languages = langs, .nlanguages = 2, .lists = lists, .nlists = 1,
			  .fields = fields, .nfields = 1 };

	(void)state;
	/* Forms built in memory (by other modules' tests) have no index. */
	assert_ptr_equal(form_choice(&list, "no"), &items[1]);
	assert_null(form_choice(&list, "maybe"));
	assert_ptr_equal(form_list(&f, "yn"), &list);
	assert_null(form_list(&f, "nn"));
	assert_ptr_equal(form_field(&f, "q"), &fld);
	assert_null(form_field(&f, "r"));
	assert_string_equal(form_text(&f, &items[0].label, 1), "Có");
	assert_string_equal(form_text(&f, &items[1].label, 1), "No");
	assert_null(form_text(&f, &items[1].label, 0));
	assert_int_equal(form_lang(&f, "en"), 1);
	assert_int_equal(form_lang(&f, "fr"), 0);
	assert_int_equal(form_lang(&f, NULL), 0);
}

static void test_type_names(void **state)
{
	static const char *const names[] = {
		"text", "integer", "decimal", "date", "select_one", "select_multiple", "note",
		"calculate", "group", "repeat",
	};
	int t;

	(void)state;
	for (t = FORM_TEXT; t <= FORM_REPEAT; t++)
		assert_string_equal(form_type_name((enum form_type)t), names[t]);
}

/* Every complete form in schemas/README.md (a yaml block starting `form:`) loads. */
static void test_readme_examples(void **state)
{
	const char *src = getenv("SRC");
	char *readme = xasprintf("%s/schemas/README.md", src && *src ? src : ".");
	struct sbuf text = SBUF_INIT, form = SBUF_INIT;
	struct error err = ERROR_INIT;
	struct form f = FORM_INIT;
	const char *p, *end;
	int n = 0;

	assert_int_equal(read_file(readme, &text, &err), 0);
	for (p = text.buf; (p = strstr(p, "```yaml\nform:")); p = end) {
		p += 8;
		end = strstr(p, "```");
		assert_non_null(end);
		sbuf_reset(&form);
		sbuf_add(&form, p, (size_t)(end - p));
		if (load_text(state, &form, &f, &err)) {
			dump_errors(&err);
			fail_msg("example %d of schemas/README.md does not load", n + 1);
		}
		form_release(&f);
		n++;
	}
	assert_true(n >= 2);
	sbuf_release(&text);
	sbuf_release(&form);
	free(readme);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_household),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_cascade_from_tsv),
		cmocka_unit_test(test_bad_forms),
		cmocka_unit_test_setup_teardown(test_deep_expression, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_deep_groups, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_huge_inline_list, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_huge_tsv_list, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_cycle_of_three, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_too_many_fields, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_problems_are_capped, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_file_too_large, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_unreadable, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_big_tsv_list, make_tmp, remove_tmp),
		cmocka_unit_test_setup_teardown(test_lazy_tsv_list, make_tmp, remove_tmp),
		cmocka_unit_test(test_lookups_without_index),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test_setup_teardown(test_readme_examples, make_tmp, remove_tmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
