/*
 * expr.h - the expression language of forms: ODK XPath as written in
 * XLSForm (${name} references, `.`, literals, + - * div mod, comparisons,
 * and/or, and the ODK functions).  Parsing happens once, when a form is
 * loaded; evaluation is cheap and never touches the form directly: names are
 * resolved through callbacks in struct expr_ctx.
 *
 * Values follow ODK/JavaRosa: an unanswered field is the empty string; a
 * string that is not a number is NaN in arithmetic; a string of the form
 * YYYY-MM-DD[Thh:mm[:ss]] converts to a number of days since 1970-01-01, so
 * that dates subtract to days; booleans convert to 1/0 and "true"/"false".
 */
#ifndef DIEUTRA_EXPR_H
#define DIEUTRA_EXPR_H

#include <stdbool.h>
#include <stddef.h>

struct error;

enum expr_type {
	EXPR_STRING,
	EXPR_NUMBER,
	EXPR_BOOL,
	EXPR_DATE,    /* num = days since 1970-01-01 (fraction = time of day, UTC) */
	EXPR_NODESET, /* the answers of a field inside a repeat, one per item */
};

/*
 * A value.  EXPR_VALUE_INIT is the empty string; expr_value_release() frees
 * it and leaves the empty string.  The setters below release what v held
 * first, so v must be initialised.
 */
struct expr_value {
	enum expr_type type;
	double num;    /* EXPR_NUMBER, EXPR_DATE */
	bool b;        /* EXPR_BOOL */
	char *str;     /* EXPR_STRING: owned; NULL means "" */
	char **items;  /* EXPR_NODESET: owned strings */
	size_t nitems;
};
#define EXPR_VALUE_INIT { EXPR_STRING, 0, false, NULL, NULL, 0 }

void expr_value_release(struct expr_value *v);
void expr_set_string(struct expr_value *v, const char *s);    /* copies s */
void expr_set_number(struct expr_value *v, double n);
void expr_set_bool(struct expr_value *v, bool b);
/* Adds a copy of s to v, turning v into an empty nodeset first if it is not one. */
void expr_nodeset_add(struct expr_value *v, const char *s);
/* Makes v an empty nodeset (a repeat field with no items). */
void expr_set_nodeset(struct expr_value *v);

/*
 * XPath conversions.  expr_to_string() returns a new string the caller frees:
 * numbers print without a trailing ".0" ("3", "2.5") and never in exponent
 * form, NaN prints as "", infinities as "Infinity"/"-Infinity", dates as
 * YYYY-MM-DD (or YYYY-MM-DDThh:mm:ss.fffZ when they carry a time of day),
 * booleans as "true"/"false", a nodeset as its first item ("" when empty).
 * expr_to_number() reads a trimmed decimal ("1e3" is NaN) or a date string
 * (days); expr_to_bool() is XPath's: a string is true when non-empty.
 */
char *expr_to_string(const struct expr_value *v);
double expr_to_number(const struct expr_value *v);
bool expr_to_bool(const struct expr_value *v);

/* Evaluation context: how names resolve, what `.` and position(..) mean. */
struct expr_ctx {
	/*
	 * Resolves ${name}: fills out (a string, or a nodeset for a field inside
	 * a repeat seen from outside it).  Returns 0, or a negative code when the
	 * name is unknown.  Required.
	 */
	int (*lookup)(void *data, const char *name, struct expr_value *out);
	/*
	 * Resolves a bare name, which in a choice_filter means a column of the
	 * choice being tested (e.g. `district = ${district}`).  May be NULL: a
	 * bare name then evaluates to "".
	 */
	int (*column)(void *data, const char *name, struct expr_value *out);
	/*
	 * jr:choice-name(value, '${field}'): the label of `value` in the choice
	 * list of `field`, in the current language; NULL when there is none.
	 * The returned string stays owned by the callee.  May be NULL.
	 */
	const char *(*choice_label)(void *data, const char *field, const char *value);
	void *data;
	const char *current; /* the value `.` stands for (NULL: "") */
	int position;        /* position(..): 1-based index of the current repeat item */
	long long now;       /* today() and now(): seconds since the epoch, UTC */
};

struct expr; /* a parsed expression, opaque */

/*
 * Parses src.  Returns 0 and *out (free with expr_free), or ERR_DATA with one
 * message in err whose col is the 1-based column inside src where the
 * problem is (line 0, file NULL: the caller adds the position of src).
 * Columns count characters, not bytes, as libyaml's marks do.
 * Unknown functions and wrong numbers of arguments are syntax errors.
 * Nesting deeper than EXPR_MAX_DEPTH is refused rather than overflowing the
 * stack, and so is a chain of more than EXPR_MAX_CHAIN binary operators.
 */
#define EXPR_MAX_DEPTH 200
#define EXPR_MAX_CHAIN 1000
int expr_parse(const char *src, struct expr **out, struct error *err);
void expr_free(struct expr *e);

/* The source text e was parsed from (owned by e). */
const char *expr_source(const struct expr *e);

/*
 * Calls fn once per ${name} reference in e, in source order, with the
 * 1-based column of the `$` inside the source.  Bare names (choice columns)
 * are reported with bare = true and the column of the name.  The field that
 * jr:choice-name(value, '${field}') names in its string is reported too
 * (bare = false, the column of its `$`), so that loaders check it exists.
 */
void expr_refs(const struct expr *e,
	       void (*fn)(void *data, const char *name, int col, bool bare),
	       void *data);

/*
 * Evaluates e in ctx into out (initialised; what it held is released; the
 * caller releases the result).  Returns 0, or ERR_DATA with a message in err
 * on a runtime error (an invalid regular expression, a lookup that failed),
 * out then being the empty string.
 */
int expr_eval(const struct expr *e, const struct expr_ctx *ctx,
	      struct expr_value *out, struct error *err);

/* Convenience: evaluates and converts.  On error, returns false / NULL and fills err. */
bool expr_eval_bool(const struct expr *e, const struct expr_ctx *ctx, struct error *err);
char *expr_eval_string(const struct expr *e, const struct expr_ctx *ctx, struct error *err);

/*
 * Date helpers shared with the validator: parses YYYY-MM-DD (a real calendar
 * date) into days since 1970-01-01; returns false when s is not one.
 */
bool expr_parse_date(const char *s, long long *days);
/*
 * Formats days since 1970-01-01 as YYYY-MM-DD into buf[11]; days outside
 * 0000-01-01..9999-12-31 are clamped to that range.
 */
void expr_format_date(long long days, char buf[11]);

#endif
