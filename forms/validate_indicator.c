/*
 * validate_indicator.c - the form's indicators counted on records: the
 * arithmetic behind `dieutra report`.  It lives in the validation engine
 * because an indicator's filters must see a record exactly as the form's
 * own expressions do (repeat items, empty answers, dates as days).
 */
#include "validate.h"
#include "validate_priv.h"


static int eval_filter(struct validate_state *st, const struct form_indicator *ind,
		       const struct expr *e, const char *what, bool *b)
{
	struct expr_ctx ctx = validate_ctx(st, NULL);
	struct error one = ERROR_INIT;
	struct expr_value v = EXPR_VALUE_INIT;
	int ret;

	st->opaque = false;
	ret = expr_eval(e, &ctx, &v, &one);
	if (ret && st->opaque) {
		ret = VALIDATE_SEALED;
		*b = false;
	} else if (ret) {
		error_at(st->err, ERR_DATA, st->file, ind->line, ind->col,
			 "indicator '%s': its %s cannot be evaluated: %s", ind->name, what,
			 one.n ? one.items[0].msg : "unknown error");
		*b = false;
	} else {
		*b = expr_to_bool(&v);
	}
	expr_value_release(&v);
	error_release(&one);
	return ret;
}

/* One member of the population: in the denominator, then maybe the numerator. */
static int tally_one(struct validate_state *st, const struct form_indicator *ind,
		     struct validate_tally *t)
{
	bool in = true, hit = false;
	int ret = 0;

	if (ind->denominator)
		ret = eval_filter(st, ind, ind->denominator, "denominator", &in);
	if (!ret && in)
		ret = eval_filter(st, ind, ind->numerator, "numerator", &hit);
	if (ret == VALIDATE_SEALED) {
		t->sealed++;
		return 0;
	}
	if (ret || !in)
		return ret;
	t->den++;
	if (hit)
		t->num++;
	return 0;
}

/*
 * Walks down anc[k..n) (the groups and repeats from the top to `over`),
 * entering every item of every repeat on the way.
 */
static int walk(struct validate_state *st, const struct form_indicator *ind,
		const struct form_field **anc, size_t k, size_t n,
		const struct record_node *map, struct validate_tally *t)
{
	const struct record_node *node = validate_kid(map, anc[k]->name, NULL);
	size_t i;
	int ret = 0;

	if (!node)
		return 0;
	if (anc[k]->type == FORM_GROUP)
		return node->kind == RECORD_MAP ? walk(st, ind, anc, k + 1, n, node, t) : 0;
	if (node->kind != RECORD_LIST)
		return 0;
	for (i = 0; i < node->nkids; i++) {
		const struct record_node *item = node->kids[i];
		int rc;

		if (item->kind != RECORD_MAP)
			continue;
		validate_push(st, anc[k], item, i);
		rc = k + 1 == n ? tally_one(st, ind, t) : walk(st, ind, anc, k + 1, n, item, t);
		validate_pop(st);
		if (rc)
			ret = rc;
	}
	return ret;
}

int validate_indicators(const struct form *f, const struct record *r, long long now,
			struct validate_tally *tally, struct error *err)
{
	const struct form_field *anc[VALIDATE_MAX_CHAIN];
	struct validate_state st;
	size_t i, n;
	int ret = 0;

	validate_state_init(&st, f, r, now);
	st.err = err;
	for (i = 0; i < f->nindicators; i++) {
		const struct form_indicator *ind = &f->indicators[i];
		int rc;

		if (ind->over) {
			n = validate_ancestors(ind->over, anc);
			rc = walk(&st, ind, anc, 0, n, r->data, &tally[i]);
		} else {
			rc = tally_one(&st, ind, &tally[i]);
		}
		if (rc)
			ret = ERR_DATA;
	}
	return ret;
}
