/*
 * form.h - survey forms defined in YAML with XLSForm semantics
 * (DESIGN.md §2, documented in schemas/README.md).
 *
 * form_load() reads and checks a whole definition: every problem is
 * reported with its file:line:col, and a form that loaded without error is
 * safe to use: every ${name} resolves, every expression parsed, choice lists
 * exist, calculations and relevance conditions have no cycle.
 */
#ifndef DIEUTRA_FORM_H
#define DIEUTRA_FORM_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct expr;

/* Limits that keep a hostile form from exhausting time or memory. */
#define FORM_MAX_DEPTH 32          /* nesting of groups and repeats */
#define FORM_MAX_FIELDS 10000
#define FORM_MAX_CHOICES 200000    /* items in all lists together */
#define FORM_MAX_LANGUAGES 16
#define FORM_MAX_FILE_SIZE (64u << 20)
#define FORM_MAX_COLUMNS 32        /* columns of one choice list */
#define FORM_MAX_ERRORS 1000       /* problems reported for one form */

struct form_index; /* name lookups, private to the loader */
struct form_list_tsv; /* how a TSV list is read, private to the loader */

/* A label, hint or message in each of the form's languages. */
struct form_text {
	char **s; /* s[i] for form->languages[i]; NULL where not given */
};

enum form_type {
	FORM_TEXT,
	FORM_INTEGER,
	FORM_DECIMAL,
	FORM_DATE,
	FORM_SELECT_ONE,
	FORM_SELECT_MULTIPLE,
	FORM_NOTE,
	FORM_CALCULATE,
	FORM_GROUP,
	FORM_REPEAT,
};

struct form_choice {
	char *value;
	struct form_text label;
	char **columns; /* values of the list's extra columns, list->columns order */
};

struct form_list {
	char *name;
	struct form_choice *items;
	size_t n;
	char **columns; /* extra column names, usable in choice_filter */
	size_t ncolumns;
	char *file;     /* the TSV it was read from, NULL when inline */
	int line, col;

	/*
	 * Private to the loader: lookups by value; a TSV list's strings and
	 * arrays, and how to read its rows (NULL for an inline list).
	 */
	struct form_index *index;
	char *pool;
	char **cells;
	struct form_list_tsv *tsv;
};

struct form_field {
	char *name;
	enum form_type type;
	struct form_list *list; /* select_one / select_multiple */
	struct form_text label, hint, required_message, constraint_message;
	bool required;              /* `required: yes` */
	struct expr *required_if;   /* `required: <expression>`, else NULL */
	struct expr *relevant, *constraint, *calculation, *choice_filter,
		*repeat_count;
	char *default_value;        /* a literal answer offered for new records */
	bool read_only;
	bool sensitive;
	/*
	 * Its answers are sealed in the repository (forms/seal.h): sensitive,
	 * or a calculation that refers, directly or through other
	 * calculations, to a sealed field: its result would give that away.
	 */
	bool sealed;
	char *appearance;

	struct form_field *parent;   /* NULL for top-level fields */
	struct form_field **kids;    /* group / repeat contents */
	size_t nkids;
	struct form_field *repeat;   /* innermost enclosing repeat, or NULL */
	size_t index;                /* position in form->fields (document order) */
	int line, col;               /* where the field is defined */
};

/* A target: rate `op` value, e.g. ">= 95" (percent). */
struct form_indicator {
	char *name;
	struct form_text label;
	struct form_field *over;      /* the repeat counted, NULL: households (records) */
	struct expr *denominator;     /* filter on the population; NULL: all of it */
	struct expr *numerator;       /* filter on the denominator's members */
	char target_op[3];            /* ">=", "<=", ">", "<" or "" when no target */
	double target;                /* in percent */
	int line, col;
};

/* The level above the communes, whose staff merge and check their data. */
enum form_level {
	FORM_LEVEL_DISTRICT, /* huyện: the default, before the 2025 reform */
	FORM_LEVEL_PROVINCE, /* tỉnh: where the reform abolished the districts */
};

struct form {
	char *file;           /* path it was loaded from */
	char *id, *version;
	struct form_text title;
	char **languages;     /* languages[0] is the default */
	size_t nlanguages;
	struct expr *instance_name; /* a record's display title, may be NULL */
	enum form_level level;

	struct form_list **lists;
	size_t nlists;
	struct form_field **top;       /* top-level fields */
	size_t ntop;
	struct form_field **fields;    /* every field, document order */
	size_t nfields;
	/*
	 * Every field in an order where each comes after all it depends on
	 * (refs of its relevant, calculation, required, choice_filter and
	 * repeat_count expressions, and its parent), document order otherwise:
	 * the order to evaluate a record in.
	 */
	struct form_field **order;
	struct form_indicator *indicators;
	size_t nindicators;

	/* Private to the loader: lookups of fields and lists by name. */
	struct form_index *field_index, *list_index;
};
#define FORM_INIT { 0 }

/*
 * Loads and checks the form at path.  Returns 0, ERR_DATA when the
 * definition has problems (every one appended to err as file:line:col), or
 * ERR_NOTFOUND / ERR_ENV when it cannot be read.  On error f is released.
 */
int form_load(const char *path, struct form *f, struct error *err);
/*
 * As form_load(), except that the rows of choice lists read from files (the
 * 10,000 admin units) are read only when first needed: by form_choice() or
 * form_list_ready().  Their header is read now, and every problem of the
 * form itself is reported as form_load() does; problems of the rows are
 * reported by form_list_ready().  For commands that use a form already
 * checked whole (a workspace's); `check-schema` and installing a form use
 * form_load().
 */
int form_load_lazy(const char *path, struct form *f, struct error *err);
/*
 * Reads list's rows now if they were left unread (form_load_lazy()).
 * Returns 0, or ERR_DATA after appending to err (may be NULL) why the file
 * cannot be used, as file:line:col messages; such a list then has no
 * choices (n == 0) and every later call reports the same problems again.
 * Callers that go through list->items or list->n call it first;
 * form_choice() calls it itself, silently.
 */
int form_list_ready(const struct form_list *list, struct error *err);
/* form_list_ready() on every list of f: 0, or the first error. */
int form_lists_ready(const struct form *f, struct error *err);
/* Frees what f holds; f is FORM_INIT afterwards. */
void form_release(struct form *f);

/* The field called name, or NULL. */
struct form_field *form_field(const struct form *f, const char *name);
/* The list called name, or NULL. */
struct form_list *form_list(const struct form *f, const char *name);
/*
 * The choice with this value in list, or NULL (also when list's file cannot
 * be read: see form_list_ready()).
 */
const struct form_choice *form_choice(const struct form_list *list, const char *value);

/* Index of lang in f->languages, or 0 (the default) when absent or NULL. */
size_t form_lang(const struct form *f, const char *lang);
/* The text in language index `lang`, falling back to the default language, then NULL. */
const char *form_text(const struct form *f, const struct form_text *t, size_t lang);

/* The name of t as written in forms: "text", "select_one" (without the list) etc. */
const char *form_type_name(enum form_type t);

#endif
