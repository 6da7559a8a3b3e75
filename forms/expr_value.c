/*
 * expr_value.c - the values of the expression language (expr.h): their
 * setters, XPath's conversions between strings, numbers, booleans and
 * dates, and the calendar arithmetic that dates rest on.  Both the
 * evaluator (expr.c) and the functions (expr_func.c) build on it.
 */
#include "expr.h"
#include "expr_impl.h"
#include "util.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ---- */

void expr_value_release(struct expr_value *v)
{
	size_t i;

	free(v->str);
	for (i = 0; i < v->nitems; i++)
		free(v->items[i]);
	free(v->items);
	*v = (struct expr_value)EXPR_VALUE_INIT;
}

void expr_take_string(struct expr_value *v, char *s)
{
	expr_value_release(v);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	v->str = s;
}

void expr_set_string(struct expr_value *v, const char *s)
{
	/* Copied before releasing: s may belong to v. */
	expr_take_string(v, s && *s ? xstrdup(s) : NULL);
}

void expr_set_number(struct expr_value *v, double n)
{
	expr_value_release(v);
	v->type = EXPR_NUMBER;
	v->num = n;
}

void expr_set_date(struct expr_value *v, double days)
{
	expr_value_release(v);
	v->type = EXPR_DATE;
	v->num = days;
}

void expr_set_bool(struct expr_value *v, bool b)
{
	expr_value_release(v);
	v->type = EXPR_BOOL;
	v->b = b;
}

void expr_set_nodeset(struct expr_value *v)
{
	expr_value_release(v);
	v->type = EXPR_NODESET;
}

void expr_nodeset_add(struct expr_value *v, const char *s)
{
	char *copy = xstrdup(s ? s : "");

	if (v->type != EXPR_NODESET)
		expr_set_nodeset(v);
	v->items = xrealloc(v->items, (v->nitems + 1) * sizeof(*v->items));
	v->items[v->nitems++] = copy;
}

/* ---- numbers ---- */

/*
 * strtod() and printf() follow LC_NUMERIC, which the program may have set
 * to a locale whose decimal point is a comma; expressions always use '.'.
 */
static locale_t c_numeric(void)
{
	static locale_t loc;

	if (!loc) {
		loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
		if (!loc)
			die("cannot create the C locale");
	}
	return loc;
}

double expr_strtod(const char *s)
{
	locale_t old = uselocale(c_numeric());
	double d = strtod(s, NULL);

	uselocale(old);
	return d;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* XPath's Number, optionally negative: digits with an optional fraction, or a fraction. */
static bool is_decimal(const char *s, size_t n)
{
	size_t i = 0, digits = 0;

	if (i < n && s[i] == '-')
		i++;
	for (; i < n && is_digit(s[i]); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && is_digit(s[i]); i++)
			digits++;
	return digits && i == n;
}

double expr_string_number(const char *s)
{
	size_t n;
	double days;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n && is_space(s[n - 1]))
		n--;
	/* Followed by white space or the end, so strtod stops where the decimal does. */
	if (is_decimal(s, n))
		return expr_strtod(s);
	if (expr_parse_datetime(s, n, &days))
		return days;
	return NAN;
}

/*
 * The shortest decimal that reads back as n, written out in full: to-number
 * refuses exponents (as XPath does), so to-string must not produce them.
 */
static void add_number(struct sbuf *sb, double n)
{
	char buf[40], digits[24];
	locale_t old;
	int prec, exp, nd = 0, point, i;
	const char *p;

	if (isnan(n))
		return;
	if (isinf(n)) {
		sbuf_adds(sb, n < 0 ? "-Infinity" : "Infinity");
		return;
	}
	if (n == 0) {
		sbuf_addc(sb, '0'); /* -0 too */
		return;
	}
	if (n == trunc(n) && fabs(n) < 1e15) {
		sbuf_addf(sb, "%.0f", n);
		return;
	}
	old = uselocale(c_numeric());
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*e", prec - 1, n);
		if (strtod(buf, NULL) == n)
			break;
	}
	if (prec == 17)
		snprintf(buf, sizeof(buf), "%.16e", n);
	uselocale(old);
	p = buf;
	if (*p == '-')
		sbuf_addc(sb, *p++);
	for (; *p && *p != 'e'; p++)
		if (is_digit(*p))
			digits[nd++] = *p;
	exp = atoi(p + 1);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	point = exp + 1; /* digits before the decimal point */
	if (point <= 0) {
		sbuf_adds(sb, "0.");
		for (i = point; i < 0; i++)
			sbuf_addc(sb, '0');
		sbuf_add(sb, digits, (size_t)nd);
	} else if (point >= nd) {
		sbuf_add(sb, digits, (size_t)nd);
		for (i = nd; i < point; i++)
			sbuf_addc(sb, '0');
	} else {
		sbuf_add(sb, digits, (size_t)point);
		sbuf_addc(sb, '.');
		sbuf_add(sb, digits + point, (size_t)(nd - point));
	}
}

/* ---- dates ---- */

long long expr_days_from_civil(long long y, int m, int d)
{
	/* Howard Hinnant's algorithm, exact for the proleptic Gregorian calendar. */
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void expr_civil_from_days(long long days, long long *y, int *m, int *d)
{
	long long z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* The n digits at s as a number, or -1. */
static int digits_at(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* YYYY-MM-DD in the first 10 bytes of s (the caller checked there are 10). */
static bool parse_ymd(const char *s, long long *days)
{
	int y = digits_at(s, 4), m = digits_at(s + 5, 2), d = digits_at(s + 8, 2);

	if (y < 0 || s[4] != '-' || s[7] != '-' || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return false;
	*days = expr_days_from_civil(y, m, d);
	return true;
}

/* The zone at s[*i..n): Z, ±hh, ±hhmm or ±hh:mm, as minutes east of UTC. */
static bool parse_zone(const char *s, size_t n, size_t *i, int *minutes)
{
	int sign, h, m = 0;

	if (*i == n)
		return true;
	if (s[*i] == 'Z') {
		(*i)++;
		return true;
	}
	if ((s[*i] != '+' && s[*i] != '-') || n - *i < 3)
		return false;
	sign = s[*i] == '-' ? -1 : 1;
	h = digits_at(s + *i + 1, 2);
	*i += 3;
	if (*i < n && s[*i] == ':')
		(*i)++;
	if (n - *i >= 2) {
		m = digits_at(s + *i, 2);
		*i += 2;
	} else if (s[*i - 1] == ':') {
		return false;
	}
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	*minutes = sign * (h * 60 + m);
	return true;
}

bool expr_parse_datetime(const char *s, size_t n, double *days)
{
	long long day;
	double frac = 0, scale = 0.1;
	int h, mi, sec = 0, zone = 0;
	size_t i;

	if (n < 10 || !parse_ymd(s, &day))
		return false;
	if (n == 10) {
		*days = (double)day;
		return true;
	}
	if (s[10] != 'T' || n < 16 || s[13] != ':')
		return false;
	h = digits_at(s + 11, 2);
	mi = digits_at(s + 14, 2);
	if (h < 0 || h > 23 || mi < 0 || mi > 59)
		return false;
	i = 16;
	if (i < n && s[i] == ':') {
		if (n - i < 3 || (sec = digits_at(s + i + 1, 2)) < 0 || sec > 59)
			return false;
		i += 3;
		if (i < n && s[i] == '.') {
			if (++i == n || !is_digit(s[i]))
				return false;
			for (; i < n && is_digit(s[i]); i++, scale /= 10)
				frac += (s[i] - '0') * scale;
		}
	}
	if (!parse_zone(s, n, &i, &zone) || i != n)
		return false;
	*days = (double)day + (h * 3600 + mi * 60 + sec + frac - zone * 60) / 86400.0;
	return true;
}

bool expr_parse_date(const char *s, long long *days)
{
	return strlen(s) == 10 && parse_ymd(s, days);
}

void expr_format_date(long long days, char buf[11])
{
	long long y;
	int m, d;

	if (days < EXPR_DAY_MIN)
		days = EXPR_DAY_MIN;
	if (days > EXPR_DAY_MAX)
		days = EXPR_DAY_MAX;
	expr_civil_from_days(days, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

void expr_split_days(double days, long long *day, long long *msec)
{
	long long ms = llround(days * 86400000.0);

	*day = ms / 86400000 - (ms % 86400000 < 0);
	*msec = ms - *day * 86400000;
}

/*
 * A date with a time of day prints as UTC with milliseconds,
 * 2026-11-23T09:00:00.000Z: JavaRosa prints the device's offset instead,
 * but records are written in UTC (DESIGN.md) and so are dates here.
 */
static void add_date(struct sbuf *sb, double num)
{
	char buf[11];
	long long day, rem;

	if (isnan(num))
		return;
	if (num == floor(num) || num < EXPR_DAY_MIN || num > EXPR_DAY_MAX) {
		expr_format_date(num < EXPR_DAY_MIN ? EXPR_DAY_MIN :
				 num > EXPR_DAY_MAX ? EXPR_DAY_MAX : (long long)num, buf);
		sbuf_adds(sb, buf);
		return;
	}
	expr_split_days(num, &day, &rem);
	expr_format_date(day, buf);
	sbuf_addf(sb, "%sT%02lld:%02lld:%02lld.%03lldZ", buf, rem / 3600000,
		  rem / 60000 % 60, rem / 1000 % 60, rem % 1000);
}

/* ---- conversions ---- */

char *expr_to_string(const struct expr_value *v)
{
	struct sbuf sb = SBUF_INIT;

	switch (v->type) {
	case EXPR_STRING:
		return xstrdup(v->str ? v->str : "");
	case EXPR_NODESET:
		return xstrdup(v->nitems ? v->items[0] : "");
	case EXPR_BOOL:
		return xstrdup(v->b ? "true" : "false");
	case EXPR_NUMBER:
		add_number(&sb, v->num);
		break;
	case EXPR_DATE:
		add_date(&sb, v->num);
		break;
	}
	return sbuf_detach(&sb);
}

const char *expr_str_view(const struct expr_value *v, char **owned)
{
	*owned = NULL;
	if (v->type == EXPR_STRING)
		return v->str ? v->str : "";
	if (v->type == EXPR_NODESET)
		return v->nitems ? v->items[0] : "";
	*owned = expr_to_string(v);
	return *owned;
}

double expr_to_number(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_STRING:
		return v->str ? expr_string_number(v->str) : NAN;
	case EXPR_NODESET:
		return v->nitems ? expr_string_number(v->items[0]) : NAN;
	case EXPR_BOOL:
		return v->b;
	case EXPR_NUMBER:
	case EXPR_DATE:
		break;
	}
	return v->num;
}

bool expr_to_bool(const struct expr_value *v)
{
	switch (v->type) {
	case EXPR_STRING:
		return v->str && *v->str;
	case EXPR_NODESET:
		return v->nitems > 0;
	case EXPR_NUMBER:
		return v->num != 0 && !isnan(v->num);
	case EXPR_BOOL:
		return v->b;
	case EXPR_DATE:
		break;
	}
	return true;
}
