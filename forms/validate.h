/*
 * validate.h - the validation engine: the rules of a form applied to a
 * record, exactly the same for the CLI (`dieutra add`) and the TUI.
 */
#ifndef DIEUTRA_VALIDATE_H
#define DIEUTRA_VALIDATE_H

#include <stdbool.h>

struct error;
struct form;
struct record;

struct validate_opts {
	const char *lang;   /* language of messages (vi, en); NULL: the form's default */
	long long now;      /* for today(); 0: util_now() */
	bool draft;         /* a draft: nothing dropped, only step 1 checked (below) */
};

/*
 * Brings r into line with form f and checks it.  In order:
 *  1. structure: unknown fields, a group that is not a map, a repeat that is
 *     not a list of maps, answers that are not valid for their type
 *     (integer, decimal, date, select values in their list) are errors;
 *  2. answers are put in form order and repeat items missing an `_id` get a
 *     new one, unique in their list;
 *  3. in dependency order, answers of irrelevant fields are dropped and
 *     calculations of relevant fields computed and stored (an empty result
 *     is not stored).  A draft is work in progress and keeps the answers of
 *     its irrelevant fields (they are dropped when it is validated as
 *     complete); its calculations are computed as if they were dropped;
 *  4. unless opts->draft: required answers (for a repeat, at least one
 *     item), constraints, choice filters and repeat_count are checked.
 * r->form and r->version are set from f.  Every problem is appended to err
 * (may be NULL) as "path: message" (e.g. "children[2].dob: Date of birth is
 * after the visit date"; items count from 1), with r->file and the line and
 * column of the answer; of the enclosing map when the answer is missing; of
 * the nearest enclosing map that has a position when the answer was built in
 * memory, as a calculation's is (the repeat item for one inside an item);
 * 0 when none has.  The form's own messages are used where it has them,
 * else the engine's, in Vietnamese or English.  An expression that fails at
 * run time is a problem of the field, never fatal.  Answers that are invalid
 * or unknown stay in r (unknown keys last in their map) so that nothing
 * typed is lost.  opts may be NULL (the defaults).  Returns 0 when r is
 * valid, ERR_DATA otherwise; r is normalised either way.
 *
 * A sealed answer (forms/seal.h) counts as answered and is not checked.
 * An expression that needs its value cannot be evaluated and is passed
 * over silently: a relevance keeps the answers it governs, a calculation
 * keeps its stored result (sealed too, form.h), a constraint, required or
 * choice filter does not apply.
 */
int validate_record(const struct form *f, struct record *r,
		    const struct validate_opts *opts, struct error *err);

/*
 * validate_record() of r as a draft (opts->draft is not looked at), which
 * also gives, from the same pass, what validating it as complete would:
 * complete (released first, then the caller's to release) becomes a copy
 * of r as validate_record() with draft false would leave it, and that
 * validation's problems are appended to complete_err.  err (may be NULL)
 * gets the draft's problems.  Returns the draft's 0 or ERR_DATA.
 */
int validate_record_both(const struct form *f, struct record *r,
			 const struct validate_opts *opts, struct error *err,
			 struct record *complete, struct error *complete_err);

/*
 * The record's display title: the form's instance_name evaluated on r (at
 * the top level; now = 0: util_now()), or NULL when the form has none, it
 * is empty or it fails.  Caller frees.
 */
char *validate_title(const struct form *f, const struct record *r, long long now);

/*
 * The count behind one indicator: members of its population that pass the
 * denominator filter, and those of them that also pass the numerator;
 * sealed: members whose filters need a sealed answer (forms/seal.h), counted
 * in neither.
 */
struct validate_tally {
	long num, den, sealed;
};

/*
 * Adds record r (already validated) to the tallies of f's indicators,
 * tally[i] for f->indicators[i]: an indicator `over` a repeat counts each
 * item of it (its expressions see that item as the current one), one without
 * `over` counts the record once.  Returns 0, or ERR_DATA when an expression
 * fails (what and where in err; the other indicators are still counted);
 * one that needs a sealed answer is no failure: it adds to tally->sealed.
 */
int validate_indicators(const struct form *f, const struct record *r, long long now,
			struct validate_tally *tally, struct error *err);

#endif
