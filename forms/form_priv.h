/*
 * form_priv.h - what the parts of the form loader share (form.c,
 * form_fields.c, form_choices.c, form_check.c).  Not for other modules.
 *
 * The loader walks the YAML tree of record_tree_parse() once, building
 * struct form and remembering for each expression the node it came from,
 * so that the checks that need the whole form (references, cycles) can
 * point into the source.  The tree lives until form_load() returns.
 */
#ifndef DIEUTRA_FORM_PRIV_H
#define DIEUTRA_FORM_PRIV_H

#include "form.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct record_node;

/* The expressions of a field, as indexes of form_src.expr. */
enum form_expr_key {
	FX_RELEVANT,
	FX_CONSTRAINT,
	FX_CALCULATION,
	FX_CHOICE_FILTER,
	FX_REPEAT_COUNT,
	FX_REQUIRED,
	FX_COUNT,
};

/* Where a field's parts were written. */
struct form_src {
	const struct record_node *name;
	const struct record_node *expr[FX_COUNT];
};

/* Where an indicator's expressions were written. */
struct form_isrc {
	const struct record_node *denominator, *numerator;
};

struct form_ctx {
	struct form *f;
	struct error *err;
	const char *file;  /* the form, for messages */
	char *dir;         /* its directory, where choice files are read; NULL: . */
	size_t nerrors;
	size_t nchoices;   /* items in all lists so far */
	bool too_many_choices, too_many_fields;
	size_t fields_alloc, lists_alloc;
	struct form_src *src;   /* src[i] for f->fields[i] */
	size_t src_alloc;
	struct form_isrc *isrc; /* isrc[i] for f->indicators[i] */
	const struct record_node *instance_name;
	bool lazy;         /* leave the rows of TSV lists until needed */
};

/*
 * Appends a problem at node n (NULL: no position) or at file:line:col,
 * unless FORM_MAX_ERRORS were already reported.  Returns ERR_DATA.
 */
int form_err(struct form_ctx *c, const struct record_node *n, const char *fmt, ...)
	ATTR_PRINTF(3, 4);
int form_err_at(struct form_ctx *c, const char *file, int line, int col, const char *fmt, ...)
	ATTR_PRINTF(5, 6);

/*
 * An empty value (`key:` with nothing after it) stands for an absent key,
 * as an empty cell does in XLSForm.  The reader keeps them so that the
 * loader can tell a text cut at a comma inside {...} (form_parse_text).
 */
bool form_empty(const struct record_node *n);
/* The kid of map n called key unless it is empty, or NULL. */
const struct record_node *form_get(const struct record_node *n, const char *key);
/* The value of scalar n, or NULL after reporting that `what` must be a string. */
const char *form_scalar(struct form_ctx *c, const struct record_node *n, const char *what);
/* Fills t from n, a string or a map of language to string.  Returns 0 or ERR_DATA. */
int form_parse_text(struct form_ctx *c, const struct record_node *n, struct form_text *t,
		    const char *what);
/* Parses expression n (what: e.g. "relevant of 'age'").  Returns 0 or ERR_DATA. */
int form_parse_expr(struct form_ctx *c, const struct record_node *n, struct expr **out,
		    const char *what);
/* yes/no/true/false (any case) into *b; false when s is none of them. */
bool form_parse_bool(const char *s, bool *b);
/* A letter, then letters, digits or '_'. */
bool form_name_valid(const char *s);
/* A field's name for messages, even when it has none. */
const char *form_name(const struct form_field *fld);
/* Edit distance of a and b, or SIZE_MAX when it exceeds max. */
size_t form_distance(const char *a, const char *b, size_t max);

/*
 * Reads path whole, NUL-terminated, unless it holds more than max bytes.
 * Returns 0 or an errno value (EFBIG when too large).
 */
int form_read_file(const char *path, size_t max, struct sbuf *out);

/* A hash index from strings (owned elsewhere, never moved) to positions. */
struct form_index *form_index_new(void);
/* Maps key to i unless key is there; returns the position it maps to. */
size_t form_index_add(struct form_index *ix, const char *key, size_t i);
/* The position key maps to, or SIZE_MAX. */
size_t form_index_get(const struct form_index *ix, const char *key);
void form_index_free(struct form_index *ix);

/* The parts of form_load(), in the order it calls them. */
void form_load_choices(struct form_ctx *c, const struct record_node *choices);
void form_load_fields(struct form_ctx *c, const struct record_node *fields);
void form_load_indicators(struct form_ctx *c, const struct record_node *indicators);
/* References, bare names, cycles; fills f->order when there is no cycle. */
void form_check(struct form_ctx *c);

/* Frees what a TSV list holds besides its items, name and index. */
void form_list_tsv_free(struct form_list *l);
/* Frees what a list holds, and the list. */
void form_list_free(struct form_list *l, size_t nlanguages);

#endif
