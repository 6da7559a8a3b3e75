/*
 * expr_func.c - the ODK functions of the expression language, one table
 * of { name, arguments, implementation }.  The parser checks the number of
 * arguments against the table, so an implementation can count on it.
 *
 * Semantics follow ODK's documentation and, where it is silent, JavaRosa
 * (ODK Collect's engine); where we differ, the function says why.
 * Strings are UTF-8 and are measured and cut in characters, not bytes.
 */
#include "expr.h"
#include "expr_impl.h"
#include "util.h"

#include <float.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---- helpers ---- */

static int arg_str(const struct expr_call *c, size_t i, char **out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	int ret = expr_call_arg(c, i, &v);

	*out = ret ? NULL : expr_to_string(&v);
	expr_value_release(&v);
	return ret;
}

/* Argument i, or the current value `.` when the call has fewer arguments (XPath's context node). */
static int arg_str_or_current(const struct expr_call *c, size_t i, char **out)
{
	if (i < c->nargs)
		return arg_str(c, i, out);
	*out = xstrdup(c->ctx->current ? c->ctx->current : "");
	return 0;
}

static int arg_num(const struct expr_call *c, size_t i, double *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	int ret = expr_call_arg(c, i, &v);

	*out = ret ? NAN : expr_to_number(&v);
	expr_value_release(&v);
	return ret;
}

/* d truncated into -lim..lim; NaN is 0, as Java's (int) cast makes it in JavaRosa. */
static long long clamp_int(double d, long long lim)
{
	if (isnan(d))
		return 0;
	if (d > (double)lim)
		return lim;
	if (d < -(double)lim)
		return -lim;
	return (long long)d;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The character n characters into s (the end of s if it is shorter). */
static const char *utf8_at(const char *s, size_t n)
{
	for (; *s && n; n--)
		s += expr_char_len(s);
	return s;
}

/* Word n (0-based) of a space-separated list of choices, its length in *len; NULL past the end. */
static const char *word_at(const char *list, size_t n, size_t *len)
{
	for (;;) {
		while (is_space(*list))
			list++;
		if (!*list)
			return NULL;
		for (*len = 0; list[*len] && !is_space(list[*len]); (*len)++)
			;
		if (!n--)
			return list;
		list += *len;
	}
}

/* ---- control ---- */

static int f_if(const struct expr_call *c, struct expr_value *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	int ret = expr_call_arg(c, 0, &v);

	if (!ret)
		ret = expr_call_arg(c, expr_to_bool(&v) ? 1 : 2, out);
	expr_value_release(&v);
	return ret;
}

/* JavaRosa's "null": an empty string or nodeset, or NaN. */
static bool is_null(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_STRING:
		return !v->str || !*v->str;
	case EXPR_NODESET:
		return !v->nitems || !*v->items[0];
	case EXPR_NUMBER:
		return isnan(v->num);
	default:
		return false;
	}
}

static int f_coalesce(const struct expr_call *c, struct expr_value *out)
{
	int ret = expr_call_arg(c, 0, out);

	if (!ret && is_null(out))
		ret = expr_call_arg(c, 1, out);
	return ret;
}

/* ODK's once(): the current value when there is one, else x, computed this once. */
static int f_once(const struct expr_call *c, struct expr_value *out)
{
	if (c->ctx->current && *c->ctx->current) {
		expr_set_string(out, c->ctx->current);
		return 0;
	}
	return expr_call_arg(c, 0, out);
}

static int f_position(const struct expr_call *c, struct expr_value *out)
{
	expr_set_number(out, c->ctx->position);
	return 0;
}

/* ---- strings ---- */

/*
 * Arguments from..nargs joined by sep.  A nodeset contributes all its
 * items, as ODK documents for concat() and join(), wherever it appears.
 */
static int join_args(const struct expr_call *c, size_t from, const char *sep,
		     struct expr_value *out)
{
	struct sbuf sb = SBUF_INIT;
	struct expr_value v = EXPR_VALUE_INIT;
	bool first = true;
	char *owned;
	size_t i, j;
	int ret = 0;

	for (i = from; !ret && i < c->nargs; i++) {
		ret = expr_call_arg(c, i, &v);
		for (j = 0; !ret && v.type == EXPR_NODESET && j < v.nitems; j++, first = false) {
			if (!first)
				sbuf_adds(&sb, sep);
			sbuf_adds(&sb, v.items[j]);
		}
		if (!ret && v.type != EXPR_NODESET) {
			if (!first)
				sbuf_adds(&sb, sep);
			sbuf_adds(&sb, expr_str_view(&v, &owned));
			free(owned);
			first = false;
		}
	}
	if (!ret)
		expr_take_string(out, sbuf_detach(&sb));
	sbuf_release(&sb);
	expr_value_release(&v);
	return ret;
}

static int f_concat(const struct expr_call *c, struct expr_value *out)
{
	return join_args(c, 0, "", out);
}

static int f_join(const struct expr_call *c, struct expr_value *out)
{
	char *sep;
	int ret = arg_str(c, 0, &sep);

	if (!ret)
		ret = join_args(c, 1, sep, out);
	free(sep);
	return ret;
}

/* ODK: 0-based, end exclusive; as JavaRosa, a negative index counts from the end. */
static int f_substr(const struct expr_call *c, struct expr_value *out)
{
	char *s;
	double start, end = INFINITY;
	long long len, a, b;
	const char *from, *to;
	int ret = arg_str(c, 0, &s);

	if (!ret)
		ret = arg_num(c, 1, &start);
	if (!ret && c->nargs > 2)
		ret = arg_num(c, 2, &end);
	if (!ret) {
		len = (long long)utf8_length(s);
		a = clamp_int(start, len + 1);
		b = clamp_int(end, len + 1);
		a = a < 0 ? a + len : a;
		b = b < 0 ? b + len : b;
		a = a < 0 ? 0 : a > len ? len : a;
		b = b < 0 ? 0 : b > len ? len : b;
		from = utf8_at(s, (size_t)a);
		to = utf8_at(from, a < b ? (size_t)(b - a) : 0);
		expr_take_string(out, xstrndup(from, (size_t)(to - from)));
	}
	free(s);
	return ret;
}

static int two_strings(const struct expr_call *c, char **a, char **b)
{
	int ret = arg_str(c, 0, a);

	*b = NULL;
	if (!ret)
		ret = arg_str(c, 1, b);
	return ret;
}

static int f_substring_before(const struct expr_call *c, struct expr_value *out)
{
	char *s, *t, *at;
	int ret = two_strings(c, &s, &t);

	if (!ret) {
		at = strstr(s, t);
		expr_take_string(out, at ? xstrndup(s, (size_t)(at - s)) : NULL);
	}
	free(s);
	free(t);
	return ret;
}

static int f_substring_after(const struct expr_call *c, struct expr_value *out)
{
	char *s, *t, *at;
	int ret = two_strings(c, &s, &t);

	if (!ret) {
		at = strstr(s, t);
		expr_set_string(out, at ? at + strlen(t) : NULL);
	}
	free(s);
	free(t);
	return ret;
}

static int f_contains(const struct expr_call *c, struct expr_value *out)
{
	char *s, *t;
	int ret = two_strings(c, &s, &t);

	if (!ret)
		expr_set_bool(out, strstr(s, t) != NULL);
	free(s);
	free(t);
	return ret;
}

static int f_starts_with(const struct expr_call *c, struct expr_value *out)
{
	char *s, *t;
	int ret = two_strings(c, &s, &t);

	if (!ret)
		expr_set_bool(out, !strncmp(s, t, strlen(t)));
	free(s);
	free(t);
	return ret;
}

static int f_ends_with(const struct expr_call *c, struct expr_value *out)
{
	char *s, *t;
	size_t ns, nt;
	int ret = two_strings(c, &s, &t);

	if (!ret) {
		ns = strlen(s);
		nt = strlen(t);
		expr_set_bool(out, nt <= ns && !strcmp(s + ns - nt, t));
	}
	free(s);
	free(t);
	return ret;
}

static int f_string_length(const struct expr_call *c, struct expr_value *out)
{
	char *s;
	int ret = arg_str_or_current(c, 0, &s);

	if (!ret)
		expr_set_number(out, (double)utf8_length(s));
	free(s);
	return ret;
}

/* The index of the character ch[0..n) in set, or -1. */
static long long char_index(const char *set, const char *ch, size_t n)
{
	long long i;
	size_t m;

	for (i = 0; *set; i++, set += m) {
		m = expr_char_len(set);
		if (m == n && !memcmp(set, ch, n))
			return i;
	}
	return -1;
}

static int f_translate(const struct expr_call *c, struct expr_value *out)
{
	struct sbuf sb = SBUF_INIT;
	char *s, *from = NULL, *to = NULL;
	const char *p, *q;
	long long i;
	size_t n;
	int ret = two_strings(c, &s, &from);

	if (!ret)
		ret = arg_str(c, 2, &to);
	for (p = s; !ret && *p; p += n) {
		n = expr_char_len(p);
		i = char_index(from, p, n);
		if (i < 0) {
			sbuf_add(&sb, p, n);
		} else {
			/* A character beyond the end of `to` is deleted. */
			q = utf8_at(to, (size_t)i);
			if (*q)
				sbuf_add(&sb, q, expr_char_len(q));
		}
	}
	if (!ret)
		expr_take_string(out, sbuf_detach(&sb));
	sbuf_release(&sb);
	free(s);
	free(from);
	free(to);
	return ret;
}

static int f_normalize_space(const struct expr_call *c, struct expr_value *out)
{
	struct sbuf sb = SBUF_INIT;
	char *s;
	const char *p;
	int ret = arg_str_or_current(c, 0, &s);

	for (p = s; !ret && *p;) {
		if (is_space(*p)) {
			while (is_space(*p))
				p++;
			if (*p && sb.len)
				sbuf_addc(&sb, ' ');
		} else {
			sbuf_addc(&sb, *p++);
		}
	}
	if (!ret)
		expr_take_string(out, sbuf_detach(&sb));
	sbuf_release(&sb);
	free(s);
	return ret;
}

static int f_string(const struct expr_call *c, struct expr_value *out)
{
	char *s;
	int ret = arg_str_or_current(c, 0, &s);

	if (!ret)
		expr_take_string(out, s);
	return ret;
}

/* ---- numbers ---- */

static int f_number(const struct expr_call *c, struct expr_value *out)
{
	char *s;
	double n;
	int ret;

	if (c->nargs) {
		ret = arg_num(c, 0, &n);
	} else {
		ret = arg_str_or_current(c, 0, &s);
		n = ret ? NAN : expr_string_number(s);
		free(s);
	}
	if (!ret)
		expr_set_number(out, n);
	return ret;
}

/* int, floor, ceiling, abs, sqrt, exp, log, log10: the table names the C function. */
static int f_math(const struct expr_call *c, struct expr_value *out)
{
	double x;
	int ret = arg_num(c, 0, &x);

	if (!ret)
		expr_set_number(out, c->fn->math(x));
	return ret;
}

static int f_pow(const struct expr_call *c, struct expr_value *out)
{
	double x, y;
	int ret = arg_num(c, 0, &x);

	if (!ret)
		ret = arg_num(c, 1, &y);
	if (!ret)
		expr_set_number(out, pow(x, y));
	return ret;
}

/*
 * Halves round away from zero: round(-2.5) is -3, as the spreadsheets form
 * authors know (JavaRosa rounds negative halves up, to -2).  A product like
 * 2.675 * 100 lands a hair below the half it stands for, so a value within
 * a few ulps of a half counts as one, as JavaRosa's decimal rounding does.
 */
static double round_half_away(double x)
{
	double a = fabs(x), f = floor(a);
	double r = fabs(a - f - 0.5) <= 8 * DBL_EPSILON * fmax(1, a) ? f + 1 : round(a);

	return copysign(r, x);
}

static int f_round(const struct expr_call *c, struct expr_value *out)
{
	double n, d = 0, p, r;
	int ret = arg_num(c, 0, &n);

	if (!ret && c->nargs > 1)
		ret = arg_num(c, 1, &d);
	if (ret)
		return ret;
	d = isnan(d) ? 0 : trunc(d);
	if (!isfinite(n)) {
		r = n;
	} else if (fabs(d) > 30) {
		r = NAN; /* as JavaRosa: an absurd number of places */
	} else if (d >= 0) {
		p = pow(10, d);
		r = isfinite(n * p) ? round_half_away(n * p) / p : n;
	} else {
		p = pow(10, -d);
		r = round_half_away(n / p) * p;
	}
	expr_set_number(out, r);
	return 0;
}

/* XPath: the sum of the items that are numbers (JavaRosa skips the others). */
static int f_sum(const struct expr_call *c, struct expr_value *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	double sum = 0, x;
	size_t i;
	int ret = expr_call_arg(c, 0, &v);

	for (i = 0; !ret && v.type == EXPR_NODESET && i < v.nitems; i++)
		if (!isnan(x = expr_string_number(v.items[i])))
			sum += x;
	if (!ret && v.type != EXPR_NODESET && !isnan(x = expr_to_number(&v)))
		sum = x;
	if (!ret)
		expr_set_number(out, sum);
	expr_value_release(&v);
	return ret;
}

/* max() and min() over every item of every argument; NaN ones are skipped, as in JavaRosa. */
static int extreme(const struct expr_call *c, int sign, struct expr_value *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	double best = NAN, x;
	size_t i, j;
	int ret = 0;

	for (i = 0; !ret && i < c->nargs; i++) {
		ret = expr_call_arg(c, i, &v);
		for (j = 0; !ret && j < (v.type == EXPR_NODESET ? v.nitems : 1); j++) {
			x = v.type == EXPR_NODESET ? expr_string_number(v.items[j]) :
						     expr_to_number(&v);
			if (!isnan(x) && (isnan(best) || sign * (x - best) > 0))
				best = x;
		}
	}
	if (!ret)
		expr_set_number(out, best);
	expr_value_release(&v);
	return ret;
}

static int f_max(const struct expr_call *c, struct expr_value *out)
{
	return extreme(c, 1, out);
}

static int f_min(const struct expr_call *c, struct expr_value *out)
{
	return extreme(c, -1, out);
}

/* XPath's count() takes a nodeset; any other value counts as one item unless empty. */
static int f_count(const struct expr_call *c, struct expr_value *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	char *owned;
	int ret = expr_call_arg(c, 0, &v);

	if (!ret && v.type == EXPR_NODESET) {
		expr_set_number(out, (double)v.nitems);
	} else if (!ret) {
		expr_set_number(out, *expr_str_view(&v, &owned) ? 1 : 0);
		free(owned);
	}
	expr_value_release(&v);
	return ret;
}

/* ---- booleans ---- */

static int f_boolean(const struct expr_call *c, struct expr_value *out)
{
	int ret = expr_call_arg(c, 0, out);

	if (!ret)
		expr_set_bool(out, expr_to_bool(out));
	return ret;
}

static int f_not(const struct expr_call *c, struct expr_value *out)
{
	int ret = expr_call_arg(c, 0, out);

	if (!ret)
		expr_set_bool(out, !expr_to_bool(out));
	return ret;
}

static int f_true(const struct expr_call *c, struct expr_value *out)
{
	(void)c;
	expr_set_bool(out, true);
	return 0;
}

static int f_false(const struct expr_call *c, struct expr_value *out)
{
	(void)c;
	expr_set_bool(out, false);
	return 0;
}

/* "true" in any case, as JavaRosa, or "1". */
static int f_boolean_from_string(const struct expr_call *c, struct expr_value *out)
{
	char *s;
	int ret = arg_str(c, 0, &s);

	if (!ret)
		expr_set_bool(out, !strcasecmp(s, "true") || !strcmp(s, "1"));
	free(s);
	return ret;
}

/*
 * ODK documents checklist() as counting the answers that are exactly "yes"
 * (JavaRosa counts true values); a boolean argument counts when true.
 */
static int f_checklist(const struct expr_call *c, struct expr_value *out)
{
	struct expr_value v = EXPR_VALUE_INIT;
	double lo, hi, n = 0;
	char *owned;
	size_t i, j;
	int ret = arg_num(c, 0, &lo);

	if (!ret)
		ret = arg_num(c, 1, &hi);
	for (i = 2; !ret && i < c->nargs; i++) {
		ret = expr_call_arg(c, i, &v);
		for (j = 0; !ret && v.type == EXPR_NODESET && j < v.nitems; j++)
			n += !strcmp(v.items[j], "yes");
		if (!ret && v.type == EXPR_BOOL) {
			n += v.b;
		} else if (!ret && v.type != EXPR_NODESET) {
			n += !strcmp(expr_str_view(&v, &owned), "yes");
			free(owned);
		}
	}
	if (!ret)
		expr_set_bool(out, (lo < 0 || n >= lo) && (hi < 0 || n <= hi));
	expr_value_release(&v);
	return ret;
}

/*
 * ODK: the value must match as a whole (JavaRosa's Pattern.matches).  The
 * match is checked to span the value rather than anchored with "^(...)$":
 * glibc reads an unmatched ')' as a literal, which the added parentheses
 * would pair up.  POSIX finds the longest match at the leftmost position,
 * so a whole match is found when there is one.  The syntax is POSIX
 * extended; ODK's is Java's, which also knows \d, \w and the like.
 */
static int f_regex(const struct expr_call *c, struct expr_value *out)
{
	char *s, *re, msg[200];
	regex_t rx;
	regmatch_t m;
	int ret = two_strings(c, &s, &re), rc;

	if (ret)
		goto out;
	rc = regcomp(&rx, re, REG_EXTENDED);
	if (rc) {
		regerror(rc, &rx, msg, sizeof(msg));
		ret = error_at(c->err, ERR_DATA, NULL, 0, c->col,
			       "invalid regular expression '%s': %s", re, msg);
		goto out;
	}
	expr_set_bool(out, !regexec(&rx, s, 1, &m, 0) && m.rm_so == 0 &&
			   (size_t)m.rm_eo == strlen(s));
	regfree(&rx);
out:
	free(s);
	free(re);
	return ret;
}

/* ---- select_multiple answers: space-separated choice values ---- */

static int f_selected(const struct expr_call *c, struct expr_value *out)
{
	char *list, *value;
	const char *w, *v;
	size_t i, n, len;
	bool found = false;
	int ret = two_strings(c, &list, &value);

	if (!ret) {
		v = value;
		while (is_space(*v))
			v++;
		for (n = strlen(v); n && is_space(v[n - 1]); n--)
			;
		for (i = 0; n && !found && (w = word_at(list, i, &len)); i++)
			found = len == n && !memcmp(w, v, n);
		expr_set_bool(out, found);
	}
	free(list);
	free(value);
	return ret;
}

static int f_selected_at(const struct expr_call *c, struct expr_value *out)
{
	char *list;
	const char *w = NULL;
	double n;
	size_t len = 0;
	int ret = arg_str(c, 0, &list);

	if (!ret)
		ret = arg_num(c, 1, &n);
	if (!ret) {
		/* There are no more words than bytes. */
		if (n >= 0 && n < (double)strlen(list))
			w = word_at(list, (size_t)n, &len);
		expr_take_string(out, w ? xstrndup(w, len) : NULL);
	}
	free(list);
	return ret;
}

static int f_count_selected(const struct expr_call *c, struct expr_value *out)
{
	char *list;
	size_t n = 0, len;
	int ret = arg_str(c, 0, &list);

	if (!ret) {
		while (word_at(list, n, &len))
			n++;
		expr_set_number(out, (double)n);
	}
	free(list);
	return ret;
}

/* jr:choice-name(value, '${field}'): "" when there is no such label. */
static int f_choice_name(const struct expr_call *c, struct expr_value *out)
{
	char *value, *arg = NULL, *field = NULL;
	const char *label = NULL, *name;
	size_t len;
	int ret = arg_str(c, 0, &value);

	if (!ret && c->field) {
		field = xstrdup(c->field);
	} else if (!ret) {
		ret = arg_str(c, 1, &arg);
		name = ret ? NULL : expr_field_name(arg, &len);
		field = name ? xstrndup(name, len) : NULL;
	}
	if (!ret && field && c->ctx->choice_label)
		label = c->ctx->choice_label(c->ctx->data, field, value);
	if (!ret)
		expr_set_string(out, label);
	free(value);
	free(arg);
	free(field);
	return ret;
}

/* ---- dates ---- */

/*
 * v as days since 1970-01-01, with the time of day when keep_time (else
 * the day it falls in); false when it is no date of years 0000-9999.
 * As JavaRosa, a number is days; date() truncates it toward zero.
 */
static bool to_days(const struct expr_value *v, bool keep_time, double *days)
{
	char *owned;
	const char *s;
	double d;
	bool ok = true;

	switch (v->type) {
	case EXPR_DATE:
		d = v->num;
		break;
	case EXPR_NUMBER:
	case EXPR_BOOL:
		d = expr_to_number(v);
		if (!keep_time)
			d = trunc(d);
		break;
	default:
		s = expr_str_view(v, &owned);
		ok = expr_parse_datetime(s, strlen(s), &d);
		free(owned);
		break;
	}
	if (!ok || isnan(d) || d < EXPR_DAY_MIN || d >= EXPR_DAY_MAX + 1)
		return false;
	*days = keep_time ? d : floor(d);
	return true;
}

static int f_today(const struct expr_call *c, struct expr_value *out)
{
	time_t t = (time_t)c->ctx->now;
	struct tm tm;

	if (!localtime_r(&t, &tm))
		expr_set_string(out, NULL);
	else
		expr_set_date(out, (double)expr_days_from_civil(tm.tm_year + 1900LL,
								tm.tm_mon + 1, tm.tm_mday));
	return 0;
}

static int f_now(const struct expr_call *c, struct expr_value *out)
{
	expr_set_date(out, (double)c->ctx->now / 86400.0);
	return 0;
}

/* date(x): what is not a date is "" rather than an error, as an unanswered date would be. */
static int f_date(const struct expr_call *c, struct expr_value *out)
{
	double d;
	int ret = expr_call_arg(c, 0, out);

	if (!ret && to_days(out, false, &d))
		expr_set_date(out, d);
	else if (!ret)
		expr_set_string(out, NULL);
	return ret;
}

static int f_decimal_date_time(const struct expr_call *c, struct expr_value *out)
{
	double d;
	int ret = expr_call_arg(c, 0, out);

	if (!ret)
		expr_set_number(out, to_days(out, true, &d) ? d : NAN);
	return ret;
}

static void format_date(struct sbuf *sb, double days, const char *fmt)
{
	static const char *const months[12] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	static const char *const wdays[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	long long day, ms, y;
	int m, d;
	const char *p;

	expr_split_days(days, &day, &ms);
	expr_civil_from_days(day, &y, &m, &d);
	for (p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			sbuf_addc(sb, *p);
			continue;
		}
		switch (*++p) {
		case 'Y':
			sbuf_addf(sb, "%04lld", y);
			break;
		case 'y':
			sbuf_addf(sb, "%02lld", y % 100);
			break;
		case 'm':
			sbuf_addf(sb, "%02d", m);
			break;
		case 'n':
			sbuf_addf(sb, "%d", m);
			break;
		case 'b':
			sbuf_adds(sb, months[m - 1]);
			break;
		case 'd':
			sbuf_addf(sb, "%02d", d);
			break;
		case 'e':
			sbuf_addf(sb, "%d", d);
			break;
		/* 1970-01-01 was a Thursday. */
		case 'a':
			sbuf_adds(sb, wdays[(day % 7 + 11) % 7]);
			break;
		case 'H':
			sbuf_addf(sb, "%02lld", ms / 3600000);
			break;
		case 'h':
			sbuf_addf(sb, "%lld", ms / 3600000);
			break;
		case 'M':
			sbuf_addf(sb, "%02lld", ms / 60000 % 60);
			break;
		case 'S':
			sbuf_addf(sb, "%02lld", ms / 1000 % 60);
			break;
		case '3':
			sbuf_addf(sb, "%03lld", ms % 1000);
			break;
		case '%':
			sbuf_addc(sb, '%');
			break;
		/* An unknown code is kept as written, so the mistake shows. */
		default:
			sbuf_addc(sb, '%');
			sbuf_addc(sb, *p);
			break;
		}
	}
}

/*
 * format-date and format-date-time are one function, as in JavaRosa; the
 * names are English, as ODK's are when the form's locale is unknown.
 */
static int f_format_date(const struct expr_call *c, struct expr_value *out)
{
	struct sbuf sb = SBUF_INIT;
	char *fmt = NULL;
	double d;
	int ret = expr_call_arg(c, 0, out);

	if (!ret)
		ret = arg_str(c, 1, &fmt);
	if (!ret && to_days(out, true, &d))
		format_date(&sb, d, fmt);
	if (!ret)
		expr_take_string(out, sbuf_detach(&sb));
	sbuf_release(&sb);
	free(fmt);
	return ret;
}

/* ---- the table ---- */

static const struct expr_func funcs[] = {
	{ "abs", 1, 1, 0, f_math, fabs },
	{ "boolean", 1, 1, 0, f_boolean, NULL },
	{ "boolean-from-string", 1, 1, 0, f_boolean_from_string, NULL },
	{ "ceiling", 1, 1, 0, f_math, ceil },
	{ "checklist", 2, -1, 0, f_checklist, NULL },
	{ "coalesce", 2, 2, 0, f_coalesce, NULL },
	{ "concat", 0, -1, 0, f_concat, NULL },
	{ "contains", 2, 2, 0, f_contains, NULL },
	{ "count", 1, 1, 0, f_count, NULL },
	{ "count-selected", 1, 1, 0, f_count_selected, NULL },
	{ "date", 1, 1, 0, f_date, NULL },
	{ "decimal-date-time", 1, 1, 0, f_decimal_date_time, NULL },
	{ "ends-with", 2, 2, 0, f_ends_with, NULL },
	{ "exp", 1, 1, 0, f_math, exp },
	{ "false", 0, 0, 0, f_false, NULL },
	{ "floor", 1, 1, 0, f_math, floor },
	{ "format-date", 2, 2, 0, f_format_date, NULL },
	{ "format-date-time", 2, 2, 0, f_format_date, NULL },
	{ "if", 3, 3, 0, f_if, NULL },
	{ "int", 1, 1, 0, f_math, trunc },
	{ "join", 2, -1, 0, f_join, NULL },
	{ "jr:choice-name", 2, 2, EXPR_FN_FIELD_ARG, f_choice_name, NULL },
	{ "log", 1, 1, 0, f_math, log },
	{ "log10", 1, 1, 0, f_math, log10 },
	{ "max", 1, -1, 0, f_max, NULL },
	{ "min", 1, -1, 0, f_min, NULL },
	{ "normalize-space", 0, 1, 0, f_normalize_space, NULL },
	{ "not", 1, 1, 0, f_not, NULL },
	{ "now", 0, 0, 0, f_now, NULL },
	{ "number", 0, 1, 0, f_number, NULL },
	{ "once", 1, 1, 0, f_once, NULL },
	{ "position", 0, 1, EXPR_FN_DOTDOT, f_position, NULL },
	{ "pow", 2, 2, 0, f_pow, NULL },
	{ "regex", 2, 2, 0, f_regex, NULL },
	{ "round", 1, 2, 0, f_round, NULL },
	{ "selected", 2, 2, 0, f_selected, NULL },
	{ "selected-at", 2, 2, 0, f_selected_at, NULL },
	{ "sqrt", 1, 1, 0, f_math, sqrt },
	{ "starts-with", 2, 2, 0, f_starts_with, NULL },
	{ "string", 0, 1, 0, f_string, NULL },
	{ "string-length", 0, 1, 0, f_string_length, NULL },
	{ "substr", 2, 3, 0, f_substr, NULL },
	{ "substring-after", 2, 2, 0, f_substring_after, NULL },
	{ "substring-before", 2, 2, 0, f_substring_before, NULL },
	{ "sum", 1, 1, 0, f_sum, NULL },
	{ "today", 0, 0, 0, f_today, NULL },
	{ "translate", 3, 3, 0, f_translate, NULL },
	{ "true", 0, 0, 0, f_true, NULL },
};

const struct expr_func *expr_func_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(funcs) / sizeof(*funcs); i++)
		if (strlen(funcs[i].name) == len && !memcmp(funcs[i].name, name, len))
			return &funcs[i];
	return NULL;
}
