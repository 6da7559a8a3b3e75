/*
 * test_validate.c - the validation engine on the fixture forms of
 * tests/validate/: a table of records (as files hold them) with the
 * problems expected, in order, and for the ones that normalise the
 * canonical text expected; then ids, titles, records built in memory and a
 * 100-child household.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "form.h"
#include "record.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 2026-11-23T09:00:00Z: today() is 2026-11-23. */
#define NOW 1795424400LL

enum { HOUSEHOLD, BROKEN, CONSENT, NFORMS };
static const char *const form_files[NFORMS] = { "household.yaml", "broken.yaml", "consent.yaml" };
static struct form forms[NFORMS];

enum { DRAFT = 1, EN = 2 };

struct vcase {
	const char *name;
	int form;
	unsigned flags;
	const char *in;
	/*
	 * Problems in order, each "[@LINE:COL ]PATH|FRAGMENT": the message is
	 * "PATH: ..." and contains FRAGMENT.  Validity follows from their count.
	 */
	const char *errs[4];
	/* The canonical text after validation, NULL: not compared.  `_id: ????` is any new id. */
	const char *out;
};

#define HEAD "form: test-household\nversion: \"2026.1\"\ndata:\n"
#define HH "  household:\n    head_name: Lò Văn Pâng\n"
/* A visit date and one child of 12, whose lines the cases below extend. */
#define HH_VISIT HH "    visit_date: 2026-11-20\n"
#define MAI "  children:\n    - _id: a1\n      full_name: Lò Thị Mai\n      dob: 2014-05-02\n"
#define MAI_OUT                                                              \
	"  children:\n    - _id: a1\n      child_no: 1\n      full_name: Lò Thị Mai\n" \
	"      dob: 2014-05-02\n      age: 12\n"
#define ONE_CHILD_TOTALS "  totals:\n    n_children: 1\n    total_age: 12\n"
#define ONE_CHILD_SUMMARY "  summary: 1 trẻ, tổng tuổi 12\n"

/* The consent form: its data starts on line 4, so the data map is at 4:3. */
#define CHEAD "form: test-consent\nversion: \"1\"\ndata:\n"
#define VISIT "  visits:\n    - _id: v1\n      visit_on: 2026-11-19\n"
/* A child of 3: too young for school, too old to need vaccines listed. */
#define SUA "  children:\n    - _id: a1\n      full_name: Sua\n      age: 3\n"
/* Children listed, but no consent given yet. */
#define NO_CONSENT_YET CHEAD "  household:\n    members: 4\n" SUA VISIT
#define CONSENT(members) CHEAD "  household:\n    consent: \"yes\"\n    members: " members "\n"

static const struct vcase cases[] = {
	{ "a complete household: order, ids kept, every calculation", HOUSEHOLD, 0,
	  HEAD
	  "  household:\n"
	  "    head_name: Lò Văn Pâng\n"
	  "    village: Bản Lướt\n"
	  "    members: 4\n"
	  "    visit_date: 2026-11-20\n"
	  "    poor: 0\n"
	  "    income: 12.5\n"
	  "    n_under16: 2\n"
	  "  children:\n"
	  "    - _id: a1\n"
	  "      full_name: Lò Thị Mai\n"
	  "      dob: 2014-05-02\n"
	  "      sex: f\n"
	  "      groups: \"disabled   orphan_both\"\n"
	  "      school:\n"
	  "        level: lower\n"
	  "        grade: 6\n"
	  "      siblings:\n"
	  "        - _id: s1\n"
	  "          sib_name: Lò Văn Tú\n"
	  "    - _id: b2\n"
	  "      full_name: Lò Văn Nam\n"
	  "      dob: 2022-01-10\n"
	  "      sex: m\n",
	  { NULL },
	  HEAD
	  "  summary: 2 trẻ, tổng tuổi 16\n"
	  "  household:\n"
	  "    village: Bản Lướt\n"
	  "    head_name: Lò Văn Pâng\n"
	  "    members: 4\n"
	  "    visit_date: 2026-11-20\n"
	  "    poor: 0\n"
	  "    income: 12.5\n"
	  "    n_under16: 2\n"
	  "  children:\n"
	  "    - _id: a1\n"
	  "      child_no: 1\n"
	  "      full_name: Lò Thị Mai\n"
	  "      dob: 2014-05-02\n"
	  "      age: 12\n"
	  "      sex: f\n"
	  "      sex_label: Nữ\n"
	  "      groups: disabled orphan_both\n"
	  "      school:\n"
	  "        level: lower\n"
	  "        grade: 6\n"
	  "      siblings:\n"
	  "        - _id: s1\n"
	  "          sib_name: Lò Văn Tú\n"
	  "          sib_of: Lò Thị Mai\n"
	  "    - _id: b2\n"
	  "      child_no: 2\n"
	  "      full_name: Lò Văn Nam\n"
	  "      dob: 2022-01-10\n"
	  "      age: 4\n"
	  "      sex: m\n"
	  "      sex_label: Nam\n"
	  "  totals:\n"
	  "    n_children: 2\n"
	  "    total_age: 16\n" },
	{ "jr:choice-name gives the label in the language asked for", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "      sex: f\n", { NULL },
	  HEAD ONE_CHILD_SUMMARY HH_VISIT MAI_OUT "      sex: f\n      sex_label: Female\n"
	  ONE_CHILD_TOTALS },
	{ "the smallest valid record: empty groups and lists are not written", HOUSEHOLD, 0,
	  HEAD HH, { NULL }, HEAD HH },
	{ "form and version are taken from the form", HOUSEHOLD, 0,
	  "form: other\nversion: \"1\"\ndata:\n" HH, { NULL }, HEAD HH },

	/* Step 1: structure. */
	{ "an unknown field at the top, reported at its answer", HOUSEHOLD, EN,
	  HEAD HH "  foo: 1\n", { "@6:8 foo|unknown field 'foo'" }, HEAD HH "  foo: 1\n" },
	{ "an unknown field in a group", HOUSEHOLD, EN,
	  HEAD HH "    extra: x\n", { "@6:12 household.extra|unknown field 'extra'" }, NULL },
	{ "an unknown field in a repeat item", HOUSEHOLD, 0,
	  HEAD HH_VISIT MAI "      nickname: Mây\n",
	  { "@11:17 children[1].nickname|'nickname' không có trong biểu mẫu" }, NULL },
	{ "a field answered outside its group is unknown there", HOUSEHOLD, EN,
	  HEAD HH "  members: 3\n", { "members|unknown field 'members'" }, NULL },
	{ "a group answered with a single value", HOUSEHOLD, EN,
	  HEAD "  household: Bản Lướt\n", { "@4:14 household|is a group" }, NULL },
	{ "a group answered with a list", HOUSEHOLD, 0,
	  HEAD "  household:\n    - Bản Lướt\n", { "household|là nhóm câu hỏi" }, NULL },
	{ "a repeat answered with a map", HOUSEHOLD, EN,
	  HEAD HH "  children:\n    full_name: Mai\n", { "children|is a repeat" }, NULL },
	{ "a repeat item that is not a map", HOUSEHOLD, EN,
	  HEAD HH "  children:\n    - Mai\n", { "@7:7 children[1]|a repeat item must be a map" },
	  NULL },
	{ "a single answer given as a map", HOUSEHOLD, EN,
	  HEAD "  household:\n    head_name:\n      first: Pâng\n",
	  { "household.head_name|expected a single answer" }, NULL },
	{ "a note takes no answer", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "      intro: hello\n",
	  { "@11:14 children[1].intro|is a note: it takes no answer" }, NULL },

	/* Step 1: types. */
	{ "an integer that is not a number", HOUSEHOLD, EN,
	  HEAD HH "    members: abc\n",
	  { "@6:14 household.members|'abc' is not a whole number" }, NULL },
	{ "an integer with a fraction, in Vietnamese", HOUSEHOLD, 0,
	  HEAD HH "    members: 4.5\n", { "household.members|'4.5' không phải số nguyên" }, NULL },
	{ "an integer too large for a long long", HOUSEHOLD, EN,
	  HEAD HH "    members: -123456789012345678901\n",
	  { "household.members|is too large a number" }, NULL },
	{ "a decimal with a comma", HOUSEHOLD, EN,
	  HEAD HH "    poor: 0\n    income: 1,5\n",
	  { "household.income|'1,5' is not a number" }, NULL },
	{ "decimals may start with a point", HOUSEHOLD, 0,
	  HEAD HH "    poor: 0\n    income: .5\n", { NULL },
	  HEAD HH "    poor: 0\n    income: .5\n" },
	{ "a date that is not in the calendar", HOUSEHOLD, EN,
	  HEAD HH "    visit_date: 2023-02-29\n",
	  { "@6:17 household.visit_date|is not a valid date (YYYY-MM-DD)" }, NULL },
	{ "a date written day first, in Vietnamese", HOUSEHOLD, 0,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      full_name: Mai\n"
	  "      dob: 02/05/2014\n",
	  { "children[1].dob|ngày không hợp lệ (định dạng YYYY-MM-DD)" }, NULL },
	{ "a select_one value that is not in the list", HOUSEHOLD, EN,
	  HEAD HH "    poor: 2\n", { "household.poor|'2' is not one of the choices" }, NULL },
	{ "a select_multiple value that is not in the list", HOUSEHOLD, 0,
	  HEAD HH_VISIT MAI "      groups: disabled foo\n",
	  { "children[1].groups|'foo' không có trong danh sách" }, NULL },
	{ "a select_multiple value chosen twice", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "      groups: hiv disabled hiv\n",
	  { "children[1].groups|'hiv' is chosen twice" }, NULL },
	{ "select_multiple answers are re-spaced", HOUSEHOLD, 0,
	  HEAD HH_VISIT MAI "      groups: \"  hiv \t disabled \"\n", { NULL },
	  HEAD ONE_CHILD_SUMMARY HH_VISIT MAI_OUT "      groups: hiv disabled\n"
	  ONE_CHILD_TOTALS },
	{ "an empty answer is no answer", HOUSEHOLD, EN,
	  HEAD "  household:\n    head_name: \"\"\n    village: Bản Lướt\n",
	  { "household.head_name|The head's name is needed" },
	  HEAD "  household:\n    village: Bản Lướt\n" },

	/* Steps 1 and 2: item ids and order. */
	{ "an item id used twice in a list", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "    - _id: a1\n      full_name: Nam\n      dob: 2020-01-01\n",
	  { "@11:12 children[2]._id|item id 'a1' is used twice" }, NULL },
	{ "an item id with capitals and a dash", HOUSEHOLD, EN,
	  HEAD HH_VISIT "  children:\n    - _id: A-1\n      full_name: Mai\n"
	  "      dob: 2014-05-02\n",
	  { "@8:12 children[1]._id|'A-1' is not a valid item id" }, NULL },
	{ "an item id longer than 16", HOUSEHOLD, 0,
	  HEAD HH_VISIT
	  "  children:\n    - _id: abcdefghijklmnopq\n      full_name: Mai\n"
	  "      dob: 2014-05-02\n",
	  { "children[1]._id|mã mục 'abcdefghijklmnopq' không hợp lệ" }, NULL },
	{ "items without an id get one; an id of 16 is kept", HOUSEHOLD, 0,
	  HEAD HH_VISIT
	  "  children:\n    - full_name: Mai\n      dob: 2014-05-02\n"
	  "      siblings:\n        - sib_name: Tú\n"
	  "    - full_name: Nam\n      _id: abcdefghijklmnop\n      dob: 2014-05-02\n",
	  { NULL },
	  HEAD "  summary: 2 trẻ, tổng tuổi 24\n" HH_VISIT
	  "  children:\n    - _id: ????\n      child_no: 1\n      full_name: Mai\n"
	  "      dob: 2014-05-02\n      age: 12\n"
	  "      siblings:\n        - _id: ????\n          sib_name: Tú\n          sib_of: Mai\n"
	  "    - _id: abcdefghijklmnop\n      child_no: 2\n      full_name: Nam\n"
	  "      dob: 2014-05-02\n      age: 12\n"
	  "  totals:\n    n_children: 2\n    total_age: 24\n" },
	{ "answers are put in form order, _id first", HOUSEHOLD, 0,
	  HEAD
	  "  children:\n"
	  "    - dob: 2014-05-02\n      sex: f\n      full_name: Lò Thị Mai\n      _id: a1\n"
	  "  household:\n"
	  "    visit_date: 2026-11-20\n    head_name: Lò Văn Pâng\n",
	  { NULL },
	  HEAD ONE_CHILD_SUMMARY HH_VISIT MAI_OUT "      sex: f\n      sex_label: Nữ\n"
	  ONE_CHILD_TOTALS },

	/* Step 3: relevance and calculations. */
	{ "the answer of an irrelevant field is dropped", HOUSEHOLD, 0,
	  HEAD HH "    poor: 1\n    income: 100\n  support:\n    card_no: HN-15\n", { NULL },
	  HEAD HH "    poor: 1\n  support:\n    card_no: HN-15\n" },
	{ "the answers of an irrelevant group are dropped", HOUSEHOLD, 0,
	  HEAD HH "    poor: 0\n    income: 5\n  support:\n    card_no: HN-15\n    allowance: 2\n",
	  { NULL }, HEAD HH "    poor: 0\n    income: 5\n" },
	{ "the items of an irrelevant repeat are dropped", HOUSEHOLD, 0,
	  HEAD HH "    migrated: 0\n  migrants:\n    - _id: m1\n      migrant_name: Sùng A Dơ\n",
	  { NULL }, HEAD HH "    migrated: 0\n" },
	{ "the items of a relevant repeat are kept", HOUSEHOLD, 0,
	  HEAD HH "    migrated: 1\n  migrants:\n    - _id: m1\n      migrant_name: Sùng A Dơ\n",
	  { NULL },
	  HEAD HH "    migrated: 1\n  migrants:\n    - _id: m1\n      migrant_name: Sùng A Dơ\n" },
	{ "a group relevant on a calculation (age) is dropped for a young child", HOUSEHOLD, 0,
	  HEAD HH_VISIT
	  "  children:\n    - _id: a1\n      full_name: Nam\n      dob: 2022-01-10\n"
	  "      school:\n        level: primary\n",
	  { NULL },
	  HEAD "  summary: 1 trẻ, tổng tuổi 4\n" HH_VISIT
	  "  children:\n    - _id: a1\n      child_no: 1\n      full_name: Nam\n"
	  "      dob: 2022-01-10\n      age: 4\n"
	  "  totals:\n    n_children: 1\n    total_age: 4\n" },
	{ "calculations overwrite the file; an empty one is removed", HOUSEHOLD, 0,
	  HEAD "  summary: nonsense\n" HH_VISIT MAI
	  "      age: 99\n      child_no: 7\n      sex_label: Nữ\n"
	  "  totals:\n    n_children: 9\n",
	  { NULL }, HEAD ONE_CHILD_SUMMARY HH_VISIT MAI_OUT ONE_CHILD_TOTALS },
	{ "position(..) and a nested repeat seeing its item's fields", HOUSEHOLD, 0,
	  HEAD HH_VISIT MAI
	  "    - _id: b2\n      full_name: Nam\n      dob: 2014-05-02\n"
	  "      siblings:\n        - _id: s1\n          sib_name: Tú\n"
	  "        - _id: s2\n          sib_name: Dơ\n",
	  { NULL },
	  HEAD "  summary: 2 trẻ, tổng tuổi 24\n" HH_VISIT MAI_OUT
	  "    - _id: b2\n      child_no: 2\n      full_name: Nam\n      dob: 2014-05-02\n"
	  "      age: 12\n      siblings:\n"
	  "        - _id: s1\n          sib_name: Tú\n          sib_of: Nam\n"
	  "        - _id: s2\n          sib_name: Dơ\n          sib_of: Nam\n"
	  "  totals:\n    n_children: 2\n    total_age: 24\n" },

	/* Step 4: required answers. */
	{ "a required answer missing: the default message, at the item", HOUSEHOLD, 0,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      dob: 2014-05-02\n",
	  { "@8:7 children[1].full_name|Câu hỏi này bắt buộc phải trả lời" }, NULL },
	{ "a required answer missing, in English", HOUSEHOLD, EN,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      dob: 2014-05-02\n",
	  { "children[1].full_name|This answer is required" }, NULL },
	{ "the form's required_message, in Vietnamese, at the group", HOUSEHOLD, 0,
	  HEAD "  household:\n    village: Bản Lướt\n",
	  { "@5:5 household.head_name|Cần tên chủ hộ" }, NULL },
	{ "the form's required_message, in English", HOUSEHOLD, EN,
	  HEAD "  household:\n    village: Bản Lướt\n",
	  { "household.head_name|The head's name is needed" }, NULL },
	{ "required answers of a group not answered at all, at the enclosing map", HOUSEHOLD, EN,
	  HEAD "  children: []\n", { "@4:3 household.head_name|The head's name is needed" },
	  "form: test-household\nversion: \"2026.1\"\ndata: {}\n" },
	{ "required by an expression: more than 5 members need a phone", HOUSEHOLD, EN,
	  HEAD HH "    members: 6\n", { "household.phone|This answer is required" }, NULL },
	{ "required by an expression that is false", HOUSEHOLD, EN,
	  HEAD HH "    members: 5\n", { NULL }, HEAD HH "    members: 5\n" },
	{ "required but irrelevant: no message", HOUSEHOLD, 0,
	  HEAD HH "    poor: 1\n", { NULL }, HEAD HH "    poor: 1\n" },
	{ "required and relevant", HOUSEHOLD, EN,
	  HEAD HH "    poor: 0\n", { "household.income|This answer is required" }, NULL },

	/* Step 4: constraints and choice filters. */
	{ "a constraint with a message, in Vietnamese", HOUSEHOLD, 0,
	  HEAD HH "    members: -3\n", { "@6:14 household.members|Từ 1 đến 30 người" }, NULL },
	{ "a constraint with a message, in English", HOUSEHOLD, EN,
	  HEAD HH "    members: 0\n", { "household.members|From 1 to 30 people" }, NULL },
	{ "a constraint without a message", HOUSEHOLD, 0,
	  HEAD HH "    phone: 12345\n", { "household.phone|Giá trị không hợp lệ" }, NULL },
	{ "a constraint without a message, in English", HOUSEHOLD, EN,
	  HEAD HH "    phone: 12345\n", { "household.phone|This answer is not allowed" }, NULL },
	{ "a constraint on `.` that passes", HOUSEHOLD, 0,
	  HEAD HH "    phone: \"0912345678\"\n", { NULL }, HEAD HH "    phone: \"0912345678\"\n" },
	{ "`. <= today()`: a visit in the future", HOUSEHOLD, EN,
	  HEAD HH "    visit_date: 2026-12-01\n",
	  { "household.visit_date|This answer is not allowed" }, NULL },
	{ "a constraint against another field", HOUSEHOLD, EN,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      full_name: Mai\n"
	  "      dob: 2026-11-21\n",
	  { "@10:12 children[1].dob|Date of birth is after the visit date" }, NULL },
	{ "a choice filtered out for the child's age", HOUSEHOLD, EN,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      full_name: Mai\n      dob: 2018-01-01\n"
	  "      school:\n        level: lower\n",
	  { "children[1].school.level|'lower' is not a choice allowed here" }, NULL },
	{ "a choice the filter lets through", HOUSEHOLD, EN,
	  HEAD HH_VISIT "  children:\n    - _id: a1\n      full_name: Mai\n      dob: 2018-01-01\n"
	  "      school:\n        level: primary\n",
	  { NULL }, NULL },
	{ "a repeat_count the items do not match", HOUSEHOLD, EN,
	  HEAD HH_VISIT "    n_under16: 3\n" MAI, { "children|has 1 items but 3 are expected" },
	  NULL },
	{ "a repeat_count with no items at all, in Vietnamese", HOUSEHOLD, 0,
	  HEAD HH "    n_under16: 1\n", { "children|có 0 mục nhưng cần 1" }, NULL },

	/* Paths and drafts. */
	{ "paths count items from 1", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "    - _id: b2\n      full_name: Nam\n      dob: 2014-13-01\n",
	  { "@13:12 children[2].dob|'2014-13-01' is not a valid date" }, NULL },
	{ "paths through a nested repeat", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI
	  "      siblings:\n        - _id: s1\n          sib_name: Tú\n        - _id: s2\n",
	  { "children[1].siblings[2].sib_name|This answer is required" }, NULL },
	{ "paths through a nested group", HOUSEHOLD, EN,
	  HEAD HH_VISIT MAI "    - _id: b2\n      full_name: Nam\n      dob: 2014-05-02\n"
	  "      school:\n        level: college\n",
	  { "children[2].school.level|'college' is not one of the choices" }, NULL },
	{ "several problems, in the order of the record", HOUSEHOLD, EN,
	  HEAD "  household:\n    members: x\n    visit_date: 2026-11-20\n"
	  "  children:\n    - _id: a1\n      dob: 2014-05-02\n",
	  { "household.members|not a whole number", "household.head_name|The head's name",
	    "children[1].full_name|This answer is required" },
	  NULL },
	{ "a draft is not checked for required answers or constraints", HOUSEHOLD, DRAFT,
	  HEAD "  household:\n    members: 40\n", { NULL },
	  HEAD "  household:\n    members: 40\n" },
	{ "a draft is still checked for types", HOUSEHOLD, DRAFT | EN,
	  HEAD "  household:\n    members: forty\n",
	  { "household.members|'forty' is not a whole number" }, NULL },
	{ "runtime errors are reported once, on their field, in the form's language", BROKEN, 0,
	  "form: test-broken\nversion: \"1\"\ndata:\n  code: abc\n  reason: none\n",
	  { "@4:3 code_checked|error in the calculation expression: invalid regular",
	    "@5:11 reason|error in the relevant expression",
	    "@4:9 code|error in the constraint expression" },
	  "form: test-broken\nversion: \"1\"\ndata:\n  code: abc\n  note_on_code: code abc\n"
	  "  reason: none\n" },
	{ "a required answer whose relevance fails is not asked for again", BROKEN, 0,
	  "form: test-broken\nversion: \"1\"\ndata:\n  code: abc\n",
	  { "code_checked|calculation", "@4:3 reason|error in the relevant expression",
	    "code|constraint" },
	  NULL },
	{ "a draft is not told about runtime errors", BROKEN, DRAFT,
	  "form: test-broken\nversion: \"1\"\ndata:\n  code: abc\n", { NULL },
	  "form: test-broken\nversion: \"1\"\ndata:\n  code: abc\n  note_on_code: code abc\n" },

	/*
	 * Drafts lose nothing: the answers of irrelevant fields stay, while the
	 * calculations are those of the record validated complete.
	 */
	{ "a draft keeps the children asked about before the consent", CONSENT, DRAFT,
	  NO_CONSENT_YET, { NULL },
	  CHEAD "  household:\n    members: 4\n" SUA "  n_children: 0\n" VISIT },
	{ "the same record, complete, drops them", CONSENT, 0,
	  NO_CONSENT_YET, { NULL },
	  CHEAD "  household:\n    members: 4\n  n_children: 0\n" VISIT },
	{ "a draft keeps an irrelevant group and computes the relevant fields", CONSENT, DRAFT,
	  CONSENT("4") SUA "      school:\n        grade: 1\n" VISIT, { NULL },
	  CONSENT("4") SUA "      age_next_year: 4\n      school:\n        grade: 1\n"
	  "  n_children: 1\n" VISIT },
	{ "the same record, complete, drops the group", CONSENT, 0,
	  CONSENT("4") SUA "      school:\n        grade: 1\n" VISIT, { NULL },
	  CONSENT("4") SUA "      age_next_year: 4\n  n_children: 1\n" VISIT },
	{ "a draft keeps an irrelevant calculation's answer as it was", CONSENT, DRAFT,
	  CHEAD "  household:\n    consent: \"no\"\n" SUA "      age_next_year: 9\n" VISIT,
	  { NULL },
	  CHEAD "  household:\n    consent: \"no\"\n" SUA "      age_next_year: 9\n"
	  "  n_children: 0\n" VISIT },

	/* Repeats required outright or by an expression, at the enclosing map. */
	{ "a repeat required by an expression, with no items", CONSENT, 0,
	  CONSENT("4") VISIT,
	  { "@4:3 children|At least one child, since the household consented" }, NULL },
	{ "a repeat required by an expression, with an empty list", CONSENT, 0,
	  CONSENT("4") "  children: []\n" VISIT,
	  { "@4:3 children|At least one child, since the household consented" }, NULL },
	{ "a repeat required by an expression that is false", CONSENT, 0,
	  CHEAD "  household:\n    consent: \"no\"\n" VISIT, { NULL },
	  CHEAD "  household:\n    consent: \"no\"\n  n_children: 0\n" VISIT },
	{ "a repeat required outright, with no items: the default message", CONSENT, 0,
	  CHEAD "  household:\n    consent: \"no\"\n",
	  { "@4:3 visits|This answer is required" }, NULL },
	{ "a repeat in an item, required by the item's answers, at the item", CONSENT, 0,
	  CONSENT("4") "  children:\n    - _id: a1\n      full_name: Tú\n      age: 3\n"
	  "    - _id: b2\n      full_name: Páo\n      age: 1\n" VISIT,
	  { "@11:7 children[2].vaccines|This answer is required" }, NULL },
	{ "a repeat in an item, given", CONSENT, 0,
	  CONSENT("4") "  children:\n    - _id: b2\n      full_name: Páo\n      age: 1\n"
	  "      vaccines:\n        - _id: x1\n          vaccine: BCG\n" VISIT,
	  { NULL }, NULL },
	{ "a draft is not told about required repeats", CONSENT, DRAFT,
	  CONSENT("4"), { NULL }, CONSENT("4") "  n_children: 0\n" },

	/* Problems on calculated answers point at the nearest map with a position. */
	{ "a calculation in a repeat item, at the item", CONSENT, 0,
	  CONSENT("4") SUA "    - _id: b2\n      full_name: Dế\n      age: 16\n" VISIT,
	  { "@11:7 children[2].age_next_year|The child is 16 or older next year" }, NULL },
	{ "a calculation in a group of an item, at the group", CONSENT, 0,
	  CONSENT("4") "  children:\n    - _id: a1\n      full_name: Sua\n      age: 7\n"
	  "      school:\n        grade: 5\n" VISIT,
	  { "@12:9 children[1].school.expected_grade|The grade is above the child's age" },
	  NULL },
	{ "a calculation at the top, at the data map", CONSENT, 0,
	  CONSENT("1") SUA "    - _id: b2\n      full_name: Dế\n      age: 5\n" VISIT,
	  { "@4:3 n_children|More children than household members" }, NULL },
	{ "a calculation the file holds, at its own line", CONSENT, 0,
	  CONSENT("1") SUA "    - _id: b2\n      full_name: Dế\n      age: 5\n"
	  "  n_children: 1\n" VISIT,
	  { "@14:15 n_children|More children than household members" }, NULL },
};

static char *fixture(const char *name)
{
	const char *src = getenv("SRC");

	return xasprintf("%s/tests/validate/%s", src && *src ? src : ".", name);
}

static int setup(void **state)
{
	struct error err = ERROR_INIT;
	char *path;
	int i, ret = 0;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < NFORMS; i++) {
		path = fixture(form_files[i]);
		if (form_load(path, &forms[i], &err)) {
			error_print(&err, stderr, "setup: ");
			ret = -1;
		}
		error_release(&err);
		free(path);
	}
	return ret;
}

static int teardown(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < NFORMS; i++)
		form_release(&forms[i]);
	return 0;
}

static void parse(const char *text, struct record *r)
{
	struct error err = ERROR_INIT;
	int ret;

	record_init(r);
	ret = record_parse(text, strlen(text), "rec.yaml", r, &err);

	if (ret)
		error_print(&err, stderr, "parse: ");
	assert_int_equal(ret, 0);
	error_release(&err);
}

/* Whether msg at line:col is what want ("[@L:C ]PATH|FRAGMENT") describes. */
static bool error_matches(const struct error_item *it, const char *want)
{
	const char *bar;
	int line, col, n = 0;
	size_t plen;

	if (*want == '@') {
		if (sscanf(want, "@%d:%d %n", &line, &col, &n) != 2 || !n)
			fail_msg("bad expectation '%s'", want);
		if (it->line != line || it->col != col)
			return false;
		want += n;
	}
	bar = strchr(want, '|');
	if (!bar)
		fail_msg("bad expectation '%s'", want);
	plen = (size_t)(bar - want);
	return !strncmp(it->msg, want, plen) && !strncmp(it->msg + plen, ": ", 2) &&
	       strstr(it->msg + plen + 2, bar + 1);
}

static bool new_id(const char *s)
{
	static const char *letters = "abcdefghijklmnopqrstuvwxyz", *digits = "0123456789";

	return strlen(s) == 4 && strchr(letters, s[0]) && strchr(digits, s[1]) &&
	       strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789") == 2;
}

/* Compares line by line; an expected `_id: ????` matches any new id. */
static bool text_matches(const char *got, const char *want)
{
	while (*got && *want) {
		size_t gl = strcspn(got, "\n"), wl = strcspn(want, "\n");
		const char *q = memchr(want, '?', wl);

		if (q && wl >= 4 && !strncmp(want + wl - 4, "????", 4)) {
			size_t prefix = (size_t)(q - want);
			char *id;
			bool ok;

			if (gl != prefix + 4 || strncmp(got, want, prefix))
				return false;
			id = xstrndup(got + prefix, 4);
			ok = new_id(id);
			free(id);
			if (!ok)
				return false;
		} else if (gl != wl || strncmp(got, want, gl)) {
			return false;
		}
		got += gl + (got[gl] == '\n');
		want += wl + (want[wl] == '\n');
	}
	return !*got && !*want;
}

/* Runs one case; prints what differs and returns false when it fails. */
static bool run_case(const struct vcase *c)
{
	/* Without EN, the form's default language: vi, or en for the broken form. */
	struct validate_opts opts = { c->flags & EN ? "en" : NULL, NOW, c->flags & DRAFT };
	struct error err = ERROR_INIT;
	struct sbuf out = SBUF_INIT;
	struct record r;
	size_t nwant = 0, i;
	bool ok;
	int ret;

	while (nwant < 4 && c->errs[nwant])
		nwant++;
	parse(c->in, &r);
	ret = validate_record(&forms[c->form], &r, &opts, &err);
	record_write(&r, &out);
	ok = ret == (nwant ? ERR_DATA : 0) && err.n == nwant;
	for (i = 0; ok && i < nwant; i++)
		ok = error_matches(&err.items[i], c->errs[i]);
	if (ok && c->out)
		ok = text_matches(sbuf_str(&out), c->out);
	if (!ok) {
		fprintf(stderr, "case: %s\n  ret %d\n", c->name, ret);
		error_print(&err, stderr, "  got: ");
		for (i = 0; i < nwant; i++)
			fprintf(stderr, "  want: %s\n", c->errs[i]);
		fprintf(stderr, "  text:\n%s", sbuf_str(&out));
	}
	sbuf_release(&out);
	error_release(&err);
	record_release(&r);
	return ok;
}

static void test_cases(void **state)
{
	size_t i, failed = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		failed += !run_case(&cases[i]);
	assert_int_equal(failed, 0);
}

/* Validating the canonical text again changes nothing: normalisation is stable. */
static void test_idempotent(void **state)
{
	struct validate_opts opts = { NULL, NOW, false };
	struct sbuf first = SBUF_INIT, second = SBUF_INIT;
	struct record r;

	(void)state;
	parse(cases[0].in, &r);
	assert_int_equal(validate_record(&forms[HOUSEHOLD], &r, &opts, NULL), 0);
	record_write(&r, &first);
	record_release(&r);
	parse(sbuf_str(&first), &r);
	assert_int_equal(validate_record(&forms[HOUSEHOLD], &r, &opts, NULL), 0);
	record_write(&r, &second);
	assert_string_equal(sbuf_str(&first), sbuf_str(&second));
	assert_string_equal(sbuf_str(&first), cases[0].out);
	record_release(&r);
	sbuf_release(&first);
	sbuf_release(&second);
}

/*
 * New ids are a letter, a digit and two of [a-z0-9] (never a YAML number),
 * unique in their list, and never take an existing one.
 */
static void test_new_ids(void **state)
{
	struct validate_opts opts = { NULL, NOW, true };
	struct sbuf text = SBUF_INIT;
	const struct record_node *list, *id;
	struct record r;
	size_t i, j;

	(void)state;
	sbuf_adds(&text, HEAD HH "  children:\n    - _id: k3f9\n      full_name: A\n");
	for (i = 0; i < 300; i++)
		sbuf_addf(&text, "    - full_name: Trẻ %zu\n", i);
	parse(sbuf_str(&text), &r);
	assert_int_equal(validate_record(&forms[HOUSEHOLD], &r, &opts, NULL), 0);
	list = record_node_get(r.data, "children");
	assert_non_null(list);
	assert_int_equal(list->nkids, 301);
	assert_string_equal(record_node_value(list->kids[0], "_id"), "k3f9");
	for (i = 0; i < list->nkids; i++) {
		id = list->kids[i]->kids[0];
		assert_string_equal(id->key, "_id");
		if (i)
			assert_true(new_id(id->value));
		for (j = 0; j < i; j++)
			assert_string_not_equal(id->value, list->kids[j]->kids[0]->value);
	}
	record_release(&r);
	sbuf_release(&text);
}

static void test_title(void **state)
{
	struct record r;
	char *title;

	(void)state;
	parse(HEAD "  household:\n    head_name: Lò Văn Pâng\n    village: Bản Lướt\n", &r);
	title = validate_title(&forms[HOUSEHOLD], &r, NOW);
	assert_string_equal(title, "Lò Văn Pâng - Bản Lướt");
	free(title);
	record_release(&r);

	/* The broken form has no instance_name. */
	parse("form: test-broken\nversion: \"1\"\ndata:\n  code: x\n", &r);
	assert_null(validate_title(&forms[BROKEN], &r, NOW));
	record_release(&r);
}

/* A record built in memory: messages carry no position, and no file. */
static void test_in_memory(void **state)
{
	struct validate_opts opts = { "en", NOW, false };
	struct error err = ERROR_INIT;
	struct record_node *hh;
	struct record r;

	(void)state;
	record_init(&r);
	hh = record_node_new(RECORD_MAP, "household", NULL);
	record_node_set(hh, "members", "many");
	record_node_add(r.data, hh);
	assert_int_equal(validate_record(&forms[HOUSEHOLD], &r, &opts, &err), ERR_DATA);
	assert_int_equal(err.n, 2);
	assert_string_equal(err.items[0].msg, "household.members: 'many' is not a whole number");
	assert_int_equal(err.items[0].line, 0);
	assert_null(err.items[0].file);
	assert_string_equal(err.items[1].msg, "household.head_name: The head's name is needed");
	assert_string_equal(r.form, "test-household");
	assert_string_equal(r.version, "2026.1");
	error_release(&err);
	record_release(&r);
}

/* A child added in memory to a record read from a file, as the TUI does. */
static struct record_node *add_child(struct record_node *list, const char *name, const char *age)
{
	struct record_node *item = record_node_new(RECORD_MAP, NULL, NULL);

	record_node_set(item, "full_name", name);
	record_node_set(item, "age", age);
	record_node_add(list, item);
	return item;
}

/*
 * Problems on answers built in memory point at the nearest map that has a
 * position: an item added in memory has none, its list has; a record built
 * wholly in memory has none at all.
 */
static void test_in_memory_positions(void **state)
{
	struct validate_opts opts = { NULL, NOW, false };
	struct error err = ERROR_INIT;
	struct record_node *hh;
	struct record r;

	(void)state;
	parse(CONSENT("4") SUA VISIT, &r);
	add_child(record_node_get(r.data, "children"), "Dế", "16");
	assert_int_equal(validate_record(&forms[CONSENT], &r, &opts, &err), ERR_DATA);
	assert_int_equal(err.n, 1);
	assert_string_equal(err.items[0].msg,
			    "children[2].age_next_year: The child is 16 or older next year");
	/* The list's content starts at the dash of its first item. */
	assert_int_equal(err.items[0].line, 8);
	assert_int_equal(err.items[0].col, 5);
	error_release(&err);
	record_release(&r);

	record_init(&r);
	hh = record_node_new(RECORD_MAP, "household", NULL);
	record_node_set(hh, "consent", "yes");
	record_node_set(hh, "members", "1");
	record_node_add(r.data, hh);
	hh = record_node_new(RECORD_LIST, "children", NULL);
	add_child(hh, "Sua", "3");
	add_child(hh, "Dế", "5");
	record_node_add(r.data, hh);
	assert_int_equal(validate_record(&forms[CONSENT], &r, &opts, &err), ERR_DATA);
	assert_int_equal(err.n, 2);
	assert_string_equal(err.items[0].msg,
			    "n_children: More children than household members");
	assert_int_equal(err.items[0].line, 0);
	assert_int_equal(err.items[0].col, 0);
	assert_string_equal(err.items[1].msg, "visits: This answer is required");
	assert_int_equal(err.items[1].line, 0);
	error_release(&err);
	record_release(&r);
}

/* A household of 100 children: every calculation, the sums over them, ids kept. */
static void test_hundred_children(void **state)
{
	struct validate_opts opts = { NULL, NOW, false };
	struct error err = ERROR_INIT;
	struct sbuf text = SBUF_INIT;
	const struct record_node *list, *kid;
	long long total = 0;
	char want[64];
	struct record r;
	size_t i;

	(void)state;
	sbuf_adds(&text, HEAD HH_VISIT "    members: 30\n    phone: \"0912345678\"\n"
		  "    n_under16: 100\n  children:\n");
	for (i = 0; i < 100; i++) {
		sbuf_addf(&text, "    - _id: c%zu\n      full_name: Trẻ số %zu\n"
			  "      dob: %d-06-15\n      sex: %s\n      groups: hiv disabled\n"
			  "      siblings:\n        - _id: s\n          sib_name: Anh\n",
			  i, i + 1, 2011 + (int)(i % 15), i % 2 ? "m" : "f");
		/* Born mid-June, visited 20 November: age is the difference in years. */
		total += 2026 - (2011 + (long long)(i % 15));
	}
	parse(sbuf_str(&text), &r);
	if (validate_record(&forms[HOUSEHOLD], &r, &opts, &err))
		error_print(&err, stderr, "  got: ");
	assert_int_equal(err.n, 0);
	list = record_node_get(r.data, "children");
	assert_int_equal(list->nkids, 100);
	for (i = 0; i < 100; i++) {
		kid = list->kids[i];
		snprintf(want, sizeof(want), "c%zu", i);
		assert_string_equal(record_node_value(kid, "_id"), want);
		snprintf(want, sizeof(want), "%zu", i + 1);
		assert_string_equal(record_node_value(kid, "child_no"), want);
		snprintf(want, sizeof(want), "%d", 15 - (int)(i % 15));
		assert_string_equal(record_node_value(kid, "age"), want);
		assert_string_equal(record_node_value(kid, "sex_label"), i % 2 ? "Nam" : "Nữ");
		snprintf(want, sizeof(want), "Trẻ số %zu", i + 1);
		kid = record_node_get(kid, "siblings")->kids[0];
		assert_string_equal(record_node_value(kid, "sib_of"), want);
	}
	kid = record_node_get(r.data, "totals");
	assert_string_equal(record_node_value(kid, "n_children"), "100");
	snprintf(want, sizeof(want), "%lld", total);
	assert_string_equal(record_node_value(kid, "total_age"), want);
	snprintf(want, sizeof(want), "100 trẻ, tổng tuổi %lld", total);
	assert_string_equal(record_node_value(r.data, "summary"), want);
	error_release(&err);
	record_release(&r);
	sbuf_release(&text);
}

/* The problems' messages and positions as one text, to compare two validations. */
static char *problems(const struct error *err)
{
	struct sbuf sb = SBUF_INIT;
	size_t i;

	for (i = 0; i < err->n; i++)
		sbuf_addf(&sb, "%d:%d %s\n", err->items[i].line, err->items[i].col,
			  err->items[i].msg);
	return sbuf_detach(&sb);
}

/* The answers of r (without new random _ids) and its form and version. */
static char *answers(const struct record *r)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addf(&sb, "%s %s\n", r->form ? r->form : "-", r->version ? r->version : "-");
	record_write_answers(r, &sb);
	return sbuf_detach(&sb);
}

static void assert_same(char *got, char *want, const char *what, const char *name)
{
	if (strcmp(got, want))
		fail_msg("case %s, %s:\ngot:\n%s\nwant:\n%s", name, what, got, want);
	free(got);
	free(want);
}

/*
 * validate_record_both() gives, in one pass, what the app had from two: the
 * draft as validate_record() leaves it, and that draft validated again as
 * complete (its record and problems), for every record of the table.
 */
static void test_both(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct vcase *c = &cases[i];
		struct validate_opts draft = { c->flags & EN ? "en" : NULL, NOW, true };
		struct validate_opts full = { draft.lang, NOW, false };
		struct error e1 = ERROR_INIT, e2 = ERROR_INIT, e3 = ERROR_INIT, e4 = ERROR_INIT;
		struct record r1, r2, r3, r4;
		int ret1, ret2, ret3, ret4;

		parse(c->in, &r1);
		ret1 = validate_record(&forms[c->form], &r1, &draft, &e1);
		record_copy(&r2, &r1);
		ret2 = validate_record(&forms[c->form], &r2, &full, &e2);
		parse(c->in, &r3);
		record_init(&r4);
		ret3 = validate_record_both(&forms[c->form], &r3, &draft, &e3, &r4, &e4);
		ret4 = e4.n ? ERR_DATA : 0;
		assert_int_equal(ret3, ret1);
		assert_int_equal(ret4, ret2);
		assert_same(answers(&r3), answers(&r1), "draft", c->name);
		assert_same(problems(&e3), problems(&e1), "draft problems", c->name);
		assert_same(answers(&r4), answers(&r2), "complete", c->name);
		assert_same(problems(&e4), problems(&e2), "complete problems", c->name);
		record_release(&r1);
		record_release(&r2);
		record_release(&r3);
		record_release(&r4);
		error_release(&e1);
		error_release(&e2);
		error_release(&e3);
		error_release(&e4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_new_ids),
		cmocka_unit_test(test_title),
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test(test_in_memory_positions),
		cmocka_unit_test(test_hundred_children),
		cmocka_unit_test(test_both),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
