/*
 * validate_priv.h - what the parts of the validation engine share
 * (validate.c: the steps; validate_check.c: structure and types;
 * validate_eval.c: messages, and the record as expressions see it).
 * Not for other modules.
 */
#ifndef DIEUTRA_VALIDATE_PRIV_H
#define DIEUTRA_VALIDATE_PRIV_H

#include "expr.h"
#include "form.h"
#include "record.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

/* Ancestors of a field, itself included: bounded by the loader's nesting limit. */
#define VALIDATE_MAX_CHAIN (FORM_MAX_DEPTH + 2)

/* The messages of the engine, each in Vietnamese and English (validate_eval.c). */
enum validate_msg {
	VM_OK,
	VM_REQUIRED,
	VM_CONSTRAINT,
	VM_UNKNOWN,
	VM_GROUP,
	VM_REPEAT,
	VM_ITEM,
	VM_SCALAR,
	VM_NOTE,
	VM_INTEGER,
	VM_BIG,
	VM_DECIMAL,
	VM_DATE,
	VM_CHOICE,
	VM_TWICE,
	VM_FILTER,
	VM_ID,
	VM_DUPID,
	VM_COUNT,
	VM_EXPR,
};

/* An irrelevant answer of a draft, set aside from its map during step 3. */
struct validate_kept {
	struct record_node *map, *node;
};

/* A repeat item the evaluation is inside. */
struct validate_frame {
	const struct form_field *repeat;
	const struct record_node *item;
	size_t index; /* 0-based position in the list */
};

/* One validation (or title) in progress. */
struct validate_state {
	const struct form *f;
	const struct record_node *data;
	const char *file;
	size_t lang;
	bool en;
	long long now;
	struct error *err;
	size_t nerrors;
	/* A choice file could not be read: told once per validation. */
	bool list_failed;
	/* Runtime errors are not reported: already told, or a draft. */
	bool quiet;
	/*
	 * An expression referred to a sealed answer (forms/seal.h), whose value
	 * cannot be known: its evaluation fails without a message, and what
	 * depends on it stays as it was.
	 */
	bool opaque;
	/* A draft: irrelevant answers go to kept, to be put back after step 3. */
	bool keep;
	struct validate_kept *kept;
	size_t nkept, kept_alloc;
	/*
	 * The innermost map being walked that has a position: problems on a
	 * node built in memory (a calculation's answer) point there.  NULL: none.
	 */
	const struct record_node *where;
	struct validate_frame frames[VALIDATE_MAX_CHAIN];
	size_t nframes;
	/* The choice a choice_filter is being tested on. */
	const struct form_list *list;
	const struct form_choice *choice;
};


/* Starts st on record r of form f; now 0 means util_now(). */
void validate_state_init(struct validate_state *st, const struct form *f,
			 const struct record *r, long long now);

/*
 * Appends "path: message" at node `at` (NULL: no position; one built in
 * memory: st->where); %s in m are a1, a2.
 */
void validate_report(struct validate_state *st, const char *path, const struct record_node *at,
		     enum validate_msg m, const char *a1, const char *a2);
/* As validate_report() with the path of fld in the current repeat items. */
void validate_report_field(struct validate_state *st, const struct form_field *fld,
			   const struct record_node *at, enum validate_msg m, const char *a1,
			   const char *a2);
/* The form's message t (e.g. required_message) in the language asked for, or m. */
void validate_report_text(struct validate_state *st, const struct form_field *fld,
			  const struct record_node *at, const struct form_text *t,
			  enum validate_msg m);

/* Fills anc with fld's ancestors from the top down to fld itself; returns how many. */
size_t validate_ancestors(const struct form_field *fld, const struct form_field **anc);
/* The kid of map called key (and its index into *idx unless NULL), or NULL. */
struct record_node *validate_kid(const struct record_node *map, const char *key, size_t *idx);

/* Enters and leaves a repeat item: the context of the expressions evaluated inside. */
void validate_push(struct validate_state *st, const struct form_field *repeat,
		   const struct record_node *item, size_t index);
void validate_pop(struct validate_state *st);

/* The evaluation context of st, `.` standing for current (may be NULL). */
struct expr_ctx validate_ctx(struct validate_state *st, const char *current);
/*
 * Evaluates e (fld's `what` expression) into out, which the caller
 * releases.  A runtime error is reported on fld at `at`; returns it (< 0).
 * One that met a sealed answer is not reported and returns VALIDATE_SEALED.
 */
#define VALIDATE_SEALED (-100)
int validate_eval(struct validate_state *st, const struct form_field *fld, const char *what,
		  const struct expr *e, const char *current, const struct record_node *at,
		  struct expr_value *out);
/* As validate_eval(), converting the result into *b. */
int validate_eval_bool(struct validate_state *st, const struct form_field *fld, const char *what,
		       const struct expr *e, const char *current, const struct record_node *at,
		       bool *b);

/* The next space-separated value of a select_multiple answer from s, or NULL. */
const char *validate_token(const char *s, size_t *len);
/* Whether answer v suits fld's type; bad (may be NULL) receives the wrong part. */
enum validate_msg validate_value(const struct form_field *fld, const char *v, struct sbuf *bad);
/*
 * Step 1 on the data map: structure and types reported, select_multiple
 * answers re-spaced, empty answers removed, repeat items given an `_id`, and
 * an (empty) map created for every group so that calculations have a place.
 */
void validate_structure(struct validate_state *st, struct record_node *data);

#endif
