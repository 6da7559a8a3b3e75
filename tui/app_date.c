/*
 * app_date.c - dates as people type them (dd/mm/yyyy) and as records
 * store them (ISO 8601).
 */
#include <stdio.h>
#include <string.h>

#include "tui.h"

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool real_date(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap(y));
}

/* Reads up to max digits (at least one) from *s into *v. */
static bool digits(const char **s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n > 0;
}

int tui_date_parse(const char *typed, char out[11])
{
	const char *s = typed;
	char buf[40];
	int y, m, d;

	while (*s == ' ')
		s++;
	if (!digits(&s, 4, &d))
		return ERR_DATA;
	if (*s == '-') {
		/* ISO, as record files have it: yyyy-mm-dd. */
		y = d;
		s++;
		if (!digits(&s, 2, &m) || *s++ != '-' || !digits(&s, 2, &d))
			return ERR_DATA;
	} else {
		/* As Vietnamese write dates: day first, '/' or '.' between. */
		if ((*s != '/' && *s != '.') || d > 31)
			return ERR_DATA;
		s++;
		if (!digits(&s, 2, &m) || (*s != '/' && *s != '.'))
			return ERR_DATA;
		s++;
		if (!digits(&s, 4, &y) || y < 1000)
			return ERR_DATA;
	}
	while (*s == ' ')
		s++;
	if (*s || !real_date(y, m, d))
		return ERR_DATA;
	/* Room for any int, which the compiler cannot see is checked above. */
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 11);
	return 0;
}

void tui_date_show(const char *iso, char out[11])
{
	int y, m, d;
	char iso_again[11], buf[40];

	if (strlen(iso) == 10 && sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3 &&
	    !tui_date_parse(iso, iso_again) && !strcmp(iso, iso_again)) {
		snprintf(buf, sizeof(buf), "%02d/%02d/%04d", d, m, y);
		memcpy(out, buf, 11);
		return;
	}
	snprintf(out, 11, "%s", iso);
}
