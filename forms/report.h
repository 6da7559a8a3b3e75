/*
 * report.h - the figures behind `dieutra report`: the form's indicators
 * and the survey's progress, for the whole workspace, per commune and per
 * collaborator.  Only numbers: the command layer lays them out.
 */
#ifndef DIEUTRA_REPORT_H
#define DIEUTRA_REPORT_H

#include <stddef.h>

#include "validate.h"

struct error;
struct form;
struct form_field;
struct seal_keyring;
struct store;

enum report_status {
	REPORT_COMPLETE,
	REPORT_DRAFT,
	REPORT_REJECTED,
	REPORT_CONFLICT,
	REPORT_VOID,
	REPORT_NSTATUS
};

/* The status names, in enum report_status order. */
extern const char *const report_status_names[REPORT_NSTATUS];

struct report_group {
	char *key;                    /* commune code, collaborator; NULL for the total */
	long status[REPORT_NSTATUS];  /* records by status */
	long items;                   /* items of report.repeat in records not void */
	struct validate_tally *tally; /* per indicator of the form, complete records only */
};

struct report {
	struct report_group total;
	struct report_group *communes; /* by code, ascending */
	size_t ncommunes;
	struct report_group *people;   /* by meta.enumerator, ascending */
	size_t npeople;
	/* The repeat whose items are counted (the census: children), NULL when none. */
	const struct form_field *repeat;
	/*
	 * Set by the caller: the keys that open sealed answers (forms/seal.h)
	 * before the indicators are counted; NULL or empty: none, and what
	 * needs them is counted in each tally's `sealed`.
	 */
	const struct seal_keyring *ring;
};
#define REPORT_INIT { { NULL, { 0 }, 0, NULL }, NULL, 0, NULL, 0, NULL, NULL }

/*
 * Counts every record of store s (form f; today() is `now`) into r
 * (REPORT_INIT; release with report_release).  A record's commune is its
 * id's first part (CODE-DEVICE-NNNN); its collaborator meta.enumerator
 * ("?" when absent).  Indicators count complete records only.  Returns 0,
 * ERR_DATA (an indicator's expression failed, or a sealed answer that a
 * key of r->ring should open does not: what and where in err; the rest is
 * counted) or ERR_ENV (the store, a stored record that does not
 * parse).
 */
int report_build(struct store *s, const struct form *f, long long now, struct report *r,
		 struct error *err);
void report_release(struct report *r);

#endif
