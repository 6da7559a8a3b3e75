/*
 * gen.c - realistic census data for the benchmarks, entered through the
 * real code path: every household is built in memory, saved with
 * workspace_save() (the form's validation and the durable store, as the
 * TUI and `add` do) and sent with sync_run().
 *
 *   gen fill DIR COUNT SEED          COUNT new households in workspace DIR
 *   gen change DIR COUNT SEED OUT    change one answer of COUNT households,
 *                                    write each one's canonical file to OUT/
 *   gen sync DIR                     sync DIR with its district repository
 *
 * The same SEED gives the same households: a splitmix64 generator, not the
 * C library's, so that the data do not depend on the machine.  Names,
 * children per household, ages and special circumstances follow the
 * shapes of Vietnamese census data (DOMAIN.md): Nguyễn for about a third
 * of families, 0 to 6 children under 16 (1.7 on average), a few percent of
 * children in special circumstances.  Set DIEUTRA_NOW for reproducible
 * stamps.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "sync.h"
#include "util.h"
#include "workspace.h"

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n). */
static int rng_below(struct rng *g, int n)
{
	return (int)(rng_next(g) % (uint64_t)n);
}

/* True with probability pct percent (tenths allowed through permille). */
static int rng_permille(struct rng *g, int permille)
{
	return rng_below(g, 1000) < permille;
}

struct weighted {
	const char *s;
	int w;
};

static const char *pick(struct rng *g, const struct weighted *t)
{
	int total = 0, r, i;

	for (i = 0; t[i].s; i++)
		total += t[i].w;
	r = rng_below(g, total);
	for (i = 0; r >= t[i].w; i++)
		r -= t[i].w;
	return t[i].s;
}

static const char *pick_any(struct rng *g, const char *const *t)
{
	int n = 0;

	while (t[n])
		n++;
	return t[rng_below(g, n)];
}

/* Kinh family names, weighted as in national surveys (per thousand). */
static const struct weighted kinh_families[] = {
	{ "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 }, { "Hoàng", 51 },
	{ "Phan", 45 }, { "Vũ", 39 }, { "Đặng", 21 }, { "Bùi", 20 }, { "Đỗ", 14 },
	{ "Hồ", 13 }, { "Ngô", 13 }, { "Dương", 10 }, { "Lý", 5 }, { "Đào", 5 },
	{ "Đinh", 5 }, { "Lương", 4 }, { "Trịnh", 4 }, { "Mai", 3 }, { "Cao", 3 },
	{ NULL, 0 },
};
static const char *const thai_families[] = { "Lò", "Lường", "Cầm", "Hà", "Vi", "Lò", NULL };
static const char *const mong_families[] = { "Sùng", "Giàng", "Vàng", "Thào", "Lầu", "Mùa", NULL };
static const char *const muong_families[] = { "Bùi", "Đinh", "Quách", "Hà", "Bạch", NULL };

static const char *const male_given[] = {
	"Minh", "Hùng", "Dũng", "Tuấn", "Nam", "Hải", "Long", "Đức", "Quân", "Thắng", "Khánh",
	"Phúc", "Bảo", "Huy", "Trung", "Sơn", "Tiến", "Hiếu", "Quang", "Thành", "Việt", "Anh",
	"Đạt", "Kiên", "Lộc", NULL,
};
static const char *const female_given[] = {
	"Hoa", "Lan", "Hương", "Mai", "Linh", "Trang", "Thảo", "Ngọc", "Hằng", "Yến", "Nhung",
	"Thủy", "Hòa", "Huyền", "Phương", "Chi", "Vy", "Nhi", "Ánh", "Duyên", "Quỳnh", "Thư",
	"Loan", "Giang", NULL,
};
static const char *const male_middle[] = {
	"Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quốc", "Công", "Xuân", "Gia", "Thanh", NULL,
};
static const char *const female_middle[] = {
	"Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Khánh", "Bảo", NULL,
};
static const char *const mong_male_given[] = { "Sinh", "Páo", "Chá", "Lử", "Dế", "Pó", NULL };
static const char *const mong_female_given[] = { "Mỷ", "Dợ", "Sua", "Mai", "Chờ", "Pàng", NULL };

static const char *const villages[] = {
	"Thôn Đông", "Thôn Tây", "Thôn Trung", "Thôn Nam", "Thôn Bắc", "Thôn Phú Xuân",
	"Thôn Yên Trạch", "Thôn Thượng", "Thôn Hạ", "Xóm Chợ", "Xóm Đình", "Thôn Tân Lộc",
	"Thôn Quang Trung", "Thôn Đồng Tâm", "Bản Lướt", "Bản Ngã", NULL,
};

/* Who a family is: its ethnic group's code and how its names are made. */
enum people { KINH, THAI, MONG, MUONG };

struct family {
	enum people people;
	const char *ethnicity;
	const char *name;
};

static void make_family(struct rng *g, struct family *f)
{
	int r = rng_below(g, 100);

	if (r < 88) {
		f->people = KINH, f->ethnicity = "01", f->name = pick(g, kinh_families);
	} else if (r < 93) {
		f->people = MUONG, f->ethnicity = "04", f->name = pick_any(g, muong_families);
	} else if (r < 97) {
		f->people = THAI, f->ethnicity = "03", f->name = pick_any(g, thai_families);
	} else {
		f->people = MONG, f->ethnicity = "08", f->name = pick_any(g, mong_families);
	}
}

static char *person_name(struct rng *g, const struct family *f, int male)
{
	const char *middle, *given;

	if (f->people == MONG) {
		middle = male ? "A" : "Thị";
		given = pick_any(g, male ? mong_male_given : mong_female_given);
	} else {
		middle = pick_any(g, male ? male_middle : female_middle);
		given = pick_any(g, male ? male_given : female_given);
	}
	return xasprintf("%s %s %s", f->name, middle, given);
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void format_day(long z, char buf[24])
{
	long era, doe, yoe, doy, mp, y;
	int d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	snprintf(buf, 24, "%04d-%02d-%02d", (int)(y + (m <= 2)), m, d);
}

static void set(struct record_node *map, const char *key, const char *value)
{
	record_node_set(map, key, value);
}

static void setf(struct record_node *map, const char *key, const char *fmt, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), fmt, v);
	record_node_set(map, key, buf);
}

/* n random decimal digits appended to buf (which has room). */
static void add_digits(struct rng *g, char *buf, int n)
{
	size_t len = strlen(buf);

	while (n--)
		buf[len++] = (char)('0' + rng_below(g, 10));
	buf[len] = '\0';
}

/* The schooling a child of this age most likely has, within the form's constraint. */
static const char *schooling_for(struct rng *g, int age)
{
	int r = rng_below(g, 100);

	if (age <= 2)
		return r < 70 ? "not_attending" : "nursery";
	if (age <= 5)
		return r < 90 ? "kindergarten" : "not_attending";
	if (age <= 10)
		return r < 98 ? "primary" : "not_attending";
	if (age <= 14)
		return r < 94 ? "lower_secondary" : r < 97 ? "primary" : "dropped_out";
	return r < 70 ? "upper_secondary" : r < 85 ? "lower_secondary" :
	       r < 92 ? "continuing" : "dropped_out";
}

static const struct weighted special_kinds[] = {
	{ "disabled", 40 }, { "orphan_both", 10 }, { "abandoned", 5 }, { "no_caregiver", 5 },
	{ "dropout_work", 10 }, { "serious_illness", 5 }, { "hiv_affected", 5 },
	{ "disaster", 20 }, { NULL, 0 },
};

/*
 * The follow-up answers of a child in special circumstances: one case,
 * with the answers the form's constraints tie to it.
 */
static void add_special(struct rng *g, struct record_node *c, const char *kind)
{
	static const char *const sensitive[] = {
		"law_conflict", "drug_use", "violence", "exploitation", "sexual_abuse", "trafficking",
		NULL,
	};
	int i;

	set(c, "any_special", "yes");
	set(c, "has_disability", strcmp(kind, "disabled") ? "no" : "yes");
	if (!strcmp(kind, "disabled")) {
		set(c, "disability_types", pick_any(g, (const char *const[]){ "mobility",
			"hearing_speech", "vision", "neuro_mental", "intellectual", NULL }));
		set(c, "disability_level", pick_any(g, (const char *const[]){ "especially_severe",
			"severe", "mild", "mild", NULL }));
		set(c, "disability_certified", rng_below(g, 4) ? "yes" : "no");
	}
	if (strcmp(kind, "hiv_affected") && strcmp(kind, "disaster"))
		set(c, "special_groups", kind);
	if (!strcmp(kind, "orphan_both")) {
		set(c, "orphan_care", rng_below(g, 5) ? "kin" : "facility");
	} else if (!strcmp(kind, "abandoned")) {
		set(c, "abandoned_care", rng_below(g, 2) ? "kin" : "non_kin");
	} else if (!strcmp(kind, "no_caregiver")) {
		set(c, "no_caregiver_reason", rng_below(g, 2) ? "parent_missing" :
		    "parent_incapable");
	} else if (!strcmp(kind, "dropout_work")) {
		setf(c, "dropout_grade", "%ld", 4 + rng_below(g, 5));
	} else if (!strcmp(kind, "serious_illness")) {
		set(c, "illness_kind", rng_below(g, 3) ? "long_term" : "dangerous");
	}
	set(c, "hiv_status", !strcmp(kind, "hiv_affected") ? "affected" : "none");
	for (i = 0; sensitive[i]; i++)
		set(c, sensitive[i], "no");
	set(c, "chemical_victim", "no");
	set(c, "disaster_affected", !strcmp(kind, "disaster") ? "yes" : "no");
	set(c, "support", rng_below(g, 100) < 85 ?
	    pick_any(g, (const char *const[]){ "allowance health", "allowance", "health education",
		    "alternative_care health", "material", "psychological education", NULL }) :
	    "none");
}

/* Where the child's family situation is decided: who the child lives with. */
static void add_family_situation(struct record_node *c, struct rng *g, const char *kind)
{
	if (kind && !strcmp(kind, "orphan_both")) {
		set(c, "living_with", "relatives");
		set(c, "father_alive", "no");
		set(c, "mother_alive", "no");
		return;
	}
	if (kind && (!strcmp(kind, "abandoned") || !strcmp(kind, "no_caregiver"))) {
		set(c, "living_with", rng_below(g, 2) ? "relatives" : "non_relatives");
		set(c, "father_alive", "unknown");
		set(c, "mother_alive", !strcmp(kind, "no_caregiver") ? "no" : "unknown");
		return;
	}
	set(c, "living_with", pick(g, (const struct weighted[]){ { "both_parents", 82 },
		{ "mother_only", 6 }, { "father_only", 2 }, { "relatives", 9 },
		{ "non_relatives", 1 }, { NULL, 0 } }));
	if (!strcmp(record_node_value(c, "living_with"), "both_parents")) {
		set(c, "father_alive", "yes");
		set(c, "mother_alive", "yes");
	} else {
		set(c, "father_alive", rng_below(g, 10) < 8 ? "yes" : "no");
		set(c, "mother_alive", rng_below(g, 10) < 9 ? "yes" : "no");
	}
}

/*
 * An item id as the validator makes them (a letter, a digit, two letters
 * or digits) but from the seed, for reproducible records; the digit is
 * the item's position, so ids never repeat within a household.
 */
static void set_item_id(struct rng *g, struct record_node *c, int k)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char id[5] = { (char)('a' + rng_below(g, 26)), (char)('0' + k),
		       alnum[rng_below(g, 36)], alnum[rng_below(g, 36)], '\0' };

	set(c, "_id", id);
}

static struct record_node *make_child(struct rng *g, const struct family *f, long visit,
				      const char *poverty, int k, int is_head_child)
{
	struct record_node *c = record_node_new(RECORD_MAP, NULL, NULL);
	int male = rng_below(g, 100) < 52;
	int special = rng_permille(g, 30);
	const char *kind = NULL, *schooling;
	char *name = person_name(g, f, male), day[24], id[16];
	long age_days = 1 + rng_below(g, 5840);
	int age = (int)(age_days / 365.25);

	set_item_id(g, c, k);
	set(c, "full_name", name);
	free(name);
	set(c, "sex", male ? "male" : "female");
	if (rng_permille(g, 970)) {
		set(c, "dob_known", "yes");
		format_day(visit - age_days, day);
		set(c, "dob", day);
		if (rng_permille(g, 700)) {
			snprintf(id, sizeof(id), "038%c%.2s", male ? '2' : '3', day + 2);
			add_digits(g, id, 6);
			set(c, "child_id", id);
		}
	} else {
		set(c, "dob_known", "no");
		setf(c, "age_estimated", "%ld", age);
	}
	set(c, "ethnicity", f->ethnicity);
	set(c, "relation", is_head_child ? "child" : pick(g, (const struct weighted[]){
		{ "grandchild", 70 }, { "niece_nephew", 15 }, { "sibling", 10 },
		{ "other_relative", 5 }, { NULL, 0 } }));
	set(c, "birth_registered", rng_permille(g, 970) || age > 0 ? "yes" : "no");
	set(c, "health_insurance", rng_permille(g, 900) ? "yes" : "no");
	if (special) {
		/* The case first, so that the family and school answers agree with it. */
		kind = pick(g, special_kinds);
		if ((!strcmp(kind, "dropout_work") && age < 11) ||
		    (!strcmp(kind, "serious_illness") && !strcmp(poverty, "neither")))
			kind = "disabled";
	}
	add_family_situation(c, g, kind);
	schooling = kind && !strcmp(kind, "dropout_work") ? "dropped_out" :
		    schooling_for(g, age);
	set(c, "schooling", schooling);
	if (age < 8)
		set(c, "ecd_services", rng_permille(g, 800) ? "yes" : "no");
	if (special) {
		add_special(g, c, kind);
	} else {
		set(c, "has_disability", "no");
		set(c, "any_special", "no");
		if (rng_permille(g, 850)) {
			set(c, "at_risk", "none");
		} else {
			set(c, "at_risk", pick_any(g, (const char *const[]){ "left_behind",
				"divorced_parents", "dropout_risk", "hazard_area",
				"left_behind dropout_risk", "child_labour", NULL }));
			set(c, "support", rng_below(g, 3) ? "none" : "education");
		}
	}
	return c;
}

/* One household of the census form, as an enumerator would enter it. */
static void make_household(struct rng *g, long n, struct record *r)
{
	static const struct weighted nchildren[] = {
		{ "0", 20 }, { "1", 25 }, { "2", 32 }, { "3", 14 }, { "4", 6 }, { "5", 2 },
		{ "6", 1 }, { NULL, 0 },
	};
	struct record_node *hh = record_node_new(RECORD_MAP, "household", NULL), *kids;
	struct family f;
	long visit = days_from_civil(2026, 10, 1) + rng_below(g, 50);
	char day[24], id[16], *name;
	const char *poverty;
	int male_head = rng_below(g, 100) < 75, k, nkids;

	make_family(g, &f);
	set(hh, "village", pick_any(g, villages));
	setf(hh, "household_no", "%ld", n);
	name = person_name(g, &f, male_head);
	set(hh, "head_name", name);
	free(name);
	format_day(visit, day);
	set(hh, "visit_date", day);
	name = person_name(g, &f, rng_below(g, 2));
	set(hh, "collaborator", name);
	free(name);
	record_node_add(r->data, hh);
	if (!rng_permille(g, 975)) {
		set(hh, "consent", "no");
		set(hh, "no_consent_reason", pick_any(g, (const char *const[]){ "absent", "absent",
			"moved", "refused", NULL }));
		return;
	}
	set(hh, "consent", "yes");
	if (rng_permille(g, 800)) {
		snprintf(id, sizeof(id), "038%c%02d", male_head ? '0' : '1', 60 + rng_below(g, 40));
		add_digits(g, id, 6);
		set(hh, "head_id", id);
	}
	if (rng_permille(g, 850)) {
		snprintf(id, sizeof(id), "0%c", "35789"[rng_below(g, 5)]);
		add_digits(g, id, 8);
		set(hh, "phone", id);
	}
	poverty = pick(g, (const struct weighted[]){ { "poor", 5 }, { "near_poor", 6 },
		{ "neither", 89 }, { NULL, 0 } });
	set(hh, "poverty", poverty);
	nkids = atoi(pick(g, nchildren));
	setf(hh, "members", "%ld", nkids + 1 + rng_below(g, 4));
	if (!nkids)
		return;
	kids = record_node_new(RECORD_LIST, "children", NULL);
	for (k = 0; k < nkids; k++)
		record_node_add(kids, make_child(g, &f, visit, poverty, k, rng_below(g, 10) < 8));
	record_node_add(r->data, kids);
}

static int save(struct workspace *ws, struct record *r, struct error *err)
{
	enum workspace_saved saved;

	return workspace_save(ws, r, ws->form.languages[0], &saved, err);
}

static int fill(struct workspace *ws, long count, uint64_t seed, struct error *err)
{
	struct rng g = { seed };
	long i, first;
	long n[4];
	int ret;

	ret = store_count(ws->store, n, err);
	if (ret)
		return ret;
	first = n[0] + n[1] + n[2] + n[3];
	for (i = 0; i < count; i++) {
		struct record r;

		record_init(&r);
		r.form = xstrdup(ws->form.id);
		r.version = xstrdup(ws->form.version);
		r.status = xstrdup("complete");
		make_household(&g, first + i + 1, &r);
		ret = save(ws, &r, err);
		if (ret) {
			struct sbuf text = SBUF_INIT;

			record_write(&r, &text);
			fprintf(stderr, "gen: household %ld was refused:\n%s", first + i + 1,
				sbuf_str(&text));
			sbuf_release(&text);
		}
		record_release(&r);
		if (ret)
			return ret;
	}
	return 0;
}

static int collect_id(void *data, const struct store_row *row)
{
	struct sbuf *ids = data;

	sbuf_adds(ids, row->id);
	sbuf_addc(ids, '\n');
	return 0;
}

/*
 * Changes one answer of the household id, as a collaborator correcting a
 * record would, saves it and writes its canonical file to out/ID.yaml.
 */
static int change_one(struct workspace *ws, struct rng *g, const char *id, const char *out,
		      struct error *err)
{
	struct store_row row = { 0 };
	struct record r;
	struct record_node *hh;
	char phone[16], *path = NULL;
	int ret;

	record_init(&r);
	ret = workspace_load(ws, id, &r, err);
	if (ret)
		goto out;
	hh = record_node_get(r.data, "household");
	if (!strcmp(record_node_value(hh, "consent"), "yes")) {
		snprintf(phone, sizeof(phone), "09");
		add_digits(g, phone, 8);
		set(hh, "phone", phone);
	} else {
		set(hh, "village", pick_any(g, villages));
	}
	ret = save(ws, &r, err);
	if (ret)
		goto out;
	ret = store_get(ws->store, id, &row, err);
	if (ret)
		goto out;
	path = xasprintf("%s/%s.yaml", out, id);
	ret = write_file_atomic(path, row.body, strlen(row.body), err);
	if (!ret)
		printf("%s\n", id);
out:
	free(path);
	store_row_release(&row);
	record_release(&r);
	return ret;
}

static int change(struct workspace *ws, long count, uint64_t seed, const char *out,
		  struct error *err)
{
	struct store_query q = { "complete", NULL, 0, false };
	struct sbuf ids = SBUF_INIT;
	struct rng g = { seed };
	char **list = NULL, *p, *end;
	size_t n = 0, alloc = 0, i;
	long done;
	int ret;

	ret = store_list(ws->store, &q, collect_id, &ids, err);
	if (ret)
		goto out;
	for (p = ids.buf; p && *p; p = end + 1) {
		end = strchr(p, '\n');
		*end = '\0';
		ALLOC_GROW(list, n + 1, alloc);
		list[n++] = p;
	}
	if ((size_t)count > n) {
		ret = error_add(err, ERR_USAGE, "only %zu complete households to change", n);
		goto out;
	}
	ret = make_dirs(out, err);
	/* A partial Fisher-Yates shuffle: count distinct households. */
	for (done = 0; !ret && done < count; done++) {
		char *tmp;

		i = (size_t)done + (size_t)rng_below(&g, (int)(n - (size_t)done));
		tmp = list[done], list[done] = list[i], list[i] = tmp;
		ret = change_one(ws, &g, list[done], out, err);
	}
out:
	free(list);
	sbuf_release(&ids);
	return ret;
}

static int run_sync(struct workspace *ws, struct error *err)
{
	struct sync_opts so = { NULL, NULL, NULL };
	struct sync_result res;
	int ret = sync_run(ws, &so, &res, err);

	if (!ret)
		printf("sent %zu new, %zu updated; received %zu\n", res.sent_new,
		       res.sent_updated, res.received);
	return ret;
}

static int usage(void)
{
	fputs("usage: gen fill DIR COUNT SEED\n"
	      "       gen change DIR COUNT SEED OUTDIR\n"
	      "       gen sync DIR\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	struct workspace ws = WORKSPACE_INIT;
	struct error err = ERROR_INIT;
	int ret;

	if (argc < 3)
		return usage();
	ret = workspace_open(argv[2], &ws, &err);
	if (ret)
		goto out;
	if (!strcmp(argv[1], "fill") && argc == 5)
		ret = fill(&ws, atol(argv[3]), strtoull(argv[4], NULL, 10), &err);
	else if (!strcmp(argv[1], "change") && argc == 6)
		ret = change(&ws, atol(argv[3]), strtoull(argv[4], NULL, 10), argv[5], &err);
	else if (!strcmp(argv[1], "sync") && argc == 3)
		ret = run_sync(&ws, &err);
	else
		ret = ERR_USAGE;
out:
	error_print(&err, stderr, "gen: ");
	error_release(&err);
	workspace_close(&ws);
	if (ret == ERR_USAGE)
		return usage();
	return ret ? 1 : 0;
}
