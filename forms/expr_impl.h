/*
 * expr_impl.h - what the language (expr.c), its values (expr_value.c) and
 * its function table (expr_func.c) share.  Not part of the public
 * interface: include expr.h.
 */
#ifndef DIEUTRA_EXPR_IMPL_H
#define DIEUTRA_EXPR_IMPL_H

#include "expr.h"

struct error;

/* A function call being evaluated: the function reaches its arguments through it. */
struct expr_call {
	const struct expr *e;
	const struct expr_ctx *ctx;
	struct error *err;
	const struct expr_func *fn;
	size_t nargs;
	const size_t *args; /* node indexes of the arguments, in e */
	const char *field;  /* EXPR_FN_FIELD_ARG: the field a literal argument named, or NULL */
	int col;            /* of the function's name, for runtime messages */
};

/* Evaluates argument i of c into out (which is released first).  0 or ERR_DATA. */
int expr_call_arg(const struct expr_call *c, size_t i, struct expr_value *out);

enum {
	EXPR_FN_DOTDOT = 1,    /* the only argument allowed is `..`: position(..) */
	EXPR_FN_FIELD_ARG = 2, /* argument 2 is a string naming a field, '${x}' or 'x' */
};

struct expr_func {
	const char *name;
	int min_args, max_args; /* max_args < 0: no upper limit */
	unsigned flags;
	int (*eval)(const struct expr_call *c, struct expr_value *out);
	double (*math)(double); /* for the one-number functions: floor, sqrt... */
};

/* The function called name[0..len), or NULL. */
const struct expr_func *expr_func_find(const char *name, size_t len);

/* Values.  Every setter releases what v held first. */
void expr_take_string(struct expr_value *v, char *s); /* v owns s afterwards */
void expr_set_date(struct expr_value *v, double days);

/*
 * The text of v without copying when it has one (a string, a nodeset's
 * first item); otherwise a new string stored in *owned for the caller to free.
 */
const char *expr_str_view(const struct expr_value *v, char **owned);

/* XPath number() of a string: a trimmed decimal, or a date (time) as days. */
double expr_string_number(const char *s);
/*
 * strtod() in the C locale: the program may have set LC_NUMERIC to one
 * whose decimal point is a comma, and expressions always use '.'.
 */
double expr_strtod(const char *s);

/*
 * s[0..len) as YYYY-MM-DD[Thh:mm[:ss[.fff]][Z|±hh[:mm]]] -> days since
 * 1970-01-01 UTC with the time as a fraction; false when it is not a real one.
 */
bool expr_parse_datetime(const char *s, size_t len, double *days);
long long expr_days_from_civil(long long y, int m, int d);
/* days (within EXPR_DAY_MIN..EXPR_DAY_MAX) as a day and milliseconds into it. */
void expr_split_days(double days, long long *day, long long *msec);
void expr_civil_from_days(long long days, long long *y, int *m, int *d);

/* The days expr_format_date() can write: 0000-01-01 to 9999-12-31. */
#define EXPR_DAY_MIN (-719528LL)
#define EXPR_DAY_MAX 2932896LL

/* Bytes in the UTF-8 character at s (a stray byte counts as one character). */
size_t expr_char_len(const char *s);

/* The field named by s, '${x}' or 'x': a pointer into s and its length, or NULL. */
const char *expr_field_name(const char *s, size_t *len);

#endif
