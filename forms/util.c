#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("dieutra: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die("out of memory (%zu bytes)", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return sbuf_detach(&sb);
}

static void sbuf_grow(struct sbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 < sb->len)
		die("string too long");
	ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
}

void sbuf_add(struct sbuf *sb, const void *data, size_t len)
{
	sbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addc(struct sbuf *sb, char c)
{
	sbuf_add(sb, &c, 1);
}

void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("bad format string: %s", fmt);
	sbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

const char *sbuf_str(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *sbuf_detach(struct sbuf *sb)
{
	char *s = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return s;
}

void sbuf_release(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

int read_file(const char *path, struct sbuf *out, struct error *err)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int ret = ERR_ENV;

	if (!fp)
		return error_at(err, errno == ENOENT ? ERR_NOTFOUND : ERR_ENV,
				path, 0, 0, "cannot open: %s", strerror(errno));
	sbuf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sbuf_add(out, chunk, n);
	if (ferror(fp)) {
		error_at(err, ERR_ENV, path, 0, 0, "cannot read: %s", strerror(errno));
		goto out;
	}
	sbuf_grow(out, 0);
	out->buf[out->len] = '\0';
	ret = 0;
out:
	fclose(fp);
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len, struct error *err)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	const char *p = data;
	int fd, rc, ret = ERR_ENV;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (fd < 0) {
		error_at(err, ERR_ENV, tmp, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_at(err, ERR_ENV, path, 0, 0, "cannot write: %s", strerror(errno));
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		error_at(err, ERR_ENV, path, 0, 0, "cannot sync to disk: %s", strerror(errno));
		goto out;
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0) {
		error_at(err, ERR_ENV, path, 0, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	util_crash_point("file-written");
	if (rename(tmp, path) < 0) {
		error_at(err, ERR_ENV, path, 0, 0, "cannot replace: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

int make_dirs(const char *dir, struct error *err)
{
	char *copy = xstrdup(dir);
	char *p;
	int ret = ERR_ENV;

	for (p = copy + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST) {
			error_at(err, ERR_ENV, copy, 0, 0, "cannot create directory: %s",
				 strerror(errno));
			goto out;
		}
		*p = c;
		if (!c)
			break;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

static int error_vat(struct error *err, int code, const char *file, int line,
		     int col, const char *fmt, va_list ap)
{
	struct error_item *it;
	struct sbuf sb = SBUF_INIT;

	if (!err)
		return code;
	ALLOC_GROW(err->items, err->n + 1, err->alloc);
	it = &err->items[err->n++];
	it->file = file ? xstrdup(file) : NULL;
	it->line = line;
	it->col = col;
	sbuf_vaddf(&sb, fmt, ap);
	it->msg = sbuf_detach(&sb);
	return code;
}

int error_at(struct error *err, int code, const char *file, int line, int col,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat(err, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

int error_add(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vat(err, code, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return code;
}

void error_move(struct error *dst, struct error *src)
{
	size_t i;

	for (i = 0; i < src->n; i++) {
		ALLOC_GROW(dst->items, dst->n + 1, dst->alloc);
		dst->items[dst->n++] = src->items[i];
	}
	free(src->items);
	src->items = NULL;
	src->n = src->alloc = 0;
}

static int item_cmp(const struct error_item *a, const struct error_item *b)
{
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void error_sort(struct error *err)
{
	size_t i, j;

	/* Insertion sort: stable, and lists of problems are short. */
	for (i = 1; i < err->n; i++) {
		struct error_item it = err->items[i];

		for (j = i; j > 0 && item_cmp(&err->items[j - 1], &it) > 0; j--)
			err->items[j] = err->items[j - 1];
		err->items[j] = it;
	}
}

void error_print(const struct error *err, FILE *out, const char *prefix)
{
	size_t i;

	for (i = 0; i < err->n; i++) {
		const struct error_item *it = &err->items[i];

		if (prefix)
			fprintf(out, "%s", prefix);
		if (it->file && it->line > 0)
			fprintf(out, "%s:%d:%d: ", it->file, it->line,
				it->col > 0 ? it->col : 1);
		else if (it->file)
			fprintf(out, "%s: ", it->file);
		fprintf(out, "%s\n", it->msg);
	}
}

void error_release(struct error *err)
{
	size_t i;

	for (i = 0; i < err->n; i++) {
		free(err->items[i].file);
		free(err->items[i].msg);
	}
	free(err->items);
	err->items = NULL;
	err->n = err->alloc = 0;
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for the proleptic Gregorian calendar. */
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

long long util_now(void)
{
	const char *env = getenv("DIEUTRA_NOW");
	int y, mo, d, h = 0, mi = 0, s = 0;

	if (env && *env && sscanf(env, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) >= 3)
		return days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400LL +
		       h * 3600LL + mi * 60LL + s;
	return (long long)time(NULL);
}

void util_format_time(long long t, char buf[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void util_crash_point(const char *point)
{
	static const char *spec;
	static long left = -1;
	size_t n;

	if (!spec) {
		spec = getenv("DIEUTRA_CRASH_AT");
		if (!spec || !strchr(spec, ':'))
			spec = "";
		else
			left = strtol(strchr(spec, ':') + 1, NULL, 10);
	}
	n = strcspn(spec, ":");
	if (left <= 0 || (strncmp(spec, "*:", 2) && (strncmp(spec, point, n) || point[n])))
		return;
	if (--left == 0)
		raise(SIGKILL);
}
