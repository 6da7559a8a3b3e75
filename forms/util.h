/*
 * util.h - allocation that never fails silently, growable strings, and
 * errors as values with a position.
 *
 * Every module of dieutra reports problems the same way: a function returns
 * 0 or a negative ERR_* code and appends human-readable messages, each with
 * the file, line and column they concern, to a struct error owned by the
 * caller.  Only the command layer (tui/) prints them.
 */
#ifndef DIEUTRA_UTIL_H
#define DIEUTRA_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__) || defined(__clang__)
#define ATTR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define ATTR_NORETURN __attribute__((noreturn))
#else
#define ATTR_PRINTF(f, a)
#define ATTR_NORETURN
#endif

/*
 * Error codes.  The CLI maps them to exit statuses (DESIGN.md §1):
 * ERR_DATA and ERR_CONFLICT and ERR_NOTFOUND exit 1, ERR_USAGE 2, ERR_ENV 3.
 */
enum {
	ERR_DATA = -1,     /* the input was refused: syntax, validation */
	ERR_USAGE = -2,    /* the command was called wrongly */
	ERR_ENV = -3,      /* I/O, database, network, missing repository */
	ERR_CONFLICT = -4, /* the same answer changed two ways */
	ERR_NOTFOUND = -5, /* no such record, field or file */
};

/* Memory: these abort with a message on exhaustion; callers never test NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) ATTR_PRINTF(1, 2);
ATTR_NORETURN void die(const char *fmt, ...) ATTR_PRINTF(1, 2);

/*
 * Grow array x (of nr used, alloc allocated) so it can hold at least n
 * elements.  As git's ALLOC_GROW.
 */
#define ALLOC_GROW(x, n, alloc)                                              \
	do {                                                                  \
		if ((n) > (alloc)) {                                          \
			size_t alloc_grow_ = (alloc) * 2 + 8;                 \
			if (alloc_grow_ < (n))                                \
				alloc_grow_ = (n);                            \
			(x) = xrealloc((x), alloc_grow_ * sizeof(*(x)));      \
			(alloc) = alloc_grow_;                                \
		}                                                             \
	} while (0)

/* A growable NUL-terminated byte string.  SBUF_INIT is empty and unallocated. */
struct sbuf {
	char *buf; /* always NUL-terminated once anything was added */
	size_t len;
	size_t alloc;
};
#define SBUF_INIT { NULL, 0, 0 }

void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) ATTR_PRINTF(2, 3);
void sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap);
/* Empties sb but keeps its memory. */
void sbuf_reset(struct sbuf *sb);
/* The string ("" when nothing was added); stays owned by sb. */
const char *sbuf_str(const struct sbuf *sb);
/* Hands the string to the caller, who frees it; sb is empty afterwards. */
char *sbuf_detach(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);

/*
 * Reads a whole file into memory, NUL-terminated (out->len excludes the
 * NUL).  Returns 0, or ERR_NOTFOUND / ERR_ENV with a message in err.
 */
struct error;
int read_file(const char *path, struct sbuf *out, struct error *err);

/*
 * Replaces the file at path with data, durably: written to a temporary file
 * beside it, fsynced, then renamed over path, so a crash leaves either the
 * old or the new content.  Returns 0 or ERR_ENV.
 */
int write_file_atomic(const char *path, const void *data, size_t len, struct error *err);
/* mkdir -p: creates dir and its missing parents (mode 0777 & ~umask).  Returns 0 or ERR_ENV. */
int make_dirs(const char *dir, struct error *err);

/* One problem: where it is (file may be NULL, line/col 0 when unknown) and what. */
struct error_item {
	char *file;
	int line, col; /* 1-based */
	char *msg;
};

/* A list of problems.  ERROR_INIT is empty; error_release() frees it. */
struct error {
	struct error_item *items;
	size_t n, alloc;
};
#define ERROR_INIT { NULL, 0, 0 }

/*
 * Appends one problem and returns `code`, so that a function can say
 * `return error_at(err, ERR_DATA, file, line, col, "...")`.  err may be NULL.
 */
int error_at(struct error *err, int code, const char *file, int line, int col,
	     const char *fmt, ...) ATTR_PRINTF(6, 7);
/* As error_at() with no position. */
int error_add(struct error *err, int code, const char *fmt, ...) ATTR_PRINTF(3, 4);
/* Moves every item of src to the end of dst; src is left empty. */
void error_move(struct error *dst, struct error *src);
/*
 * Orders the items by file, then line, then column, keeping the order of
 * items at the same place: how a reader wants a list of problems.
 */
void error_sort(struct error *err);
/* Prints one line per item: "file:line:col: msg", "file: msg" or "msg". */
void error_print(const struct error *err, FILE *out, const char *prefix);
void error_release(struct error *err);

/*
 * The current time, UTC: DIEUTRA_NOW (ISO 8601, e.g. 2026-11-23T09:14:02Z)
 * overrides the clock so that tests are reproducible.
 */
long long util_now(void);
/* Formats t (seconds since the epoch) as 2026-11-23T09:14:02Z into buf[21]. */
void util_format_time(long long t, char buf[21]);

/*
 * Fault injection for the crash tests (tests/t0310-crash.t): with
 * DIEUTRA_CRASH_AT=POINT:N in the environment, the Nth call naming POINT
 * kills the process with SIGKILL, as a power cut would; `*:N` counts every
 * point.  Without the variable it does nothing.  The points sit where a
 * crash matters most: inside a database transaction, between a file and
 * its rename, between the steps of a sync.
 */
void util_crash_point(const char *point);

#endif
