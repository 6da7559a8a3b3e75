/*
 * validate.c - a form's rules applied to a record (validate.h).
 *
 * The record is walked four times: structure and types (validate_check.c),
 * relevance and calculations in the form's dependency order (a draft's
 * irrelevant answers set aside meanwhile, then put back), the checks of
 * required answers, constraints, choice filters and repeat counts, and last
 * the canonical shape (form order, no empty groups or lists).  Expressions
 * see the record through validate_eval.c.
 */
#include "validate.h"
#include "validate_priv.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Makes map, when it has a position, the one that problems on nodes built in
 * memory inside it point at; returns the one to put back on leaving it.
 */
static const struct record_node *enter(struct validate_state *st, const struct record_node *map)
{
	const struct record_node *where = st->where;

	if (map->line)
		st->where = map;
	return where;
}

/*
 * Step 3 takes the answer map->kids[idx] of an irrelevant field out.  A draft
 * only sets it aside: the calculations still see the record as it will be
 * when complete, and the answer is put back afterwards (validate.h).
 */
static void drop(struct validate_state *st, struct record_node *map, size_t idx)
{
	if (!st->keep) {
		record_node_remove(map, idx);
		return;
	}
	ALLOC_GROW(st->kept, st->nkept + 1, st->kept_alloc);
	st->kept[st->nkept].map = map;
	st->kept[st->nkept].node = map->kids[idx];
	st->nkept++;
	memmove(&map->kids[idx], &map->kids[idx + 1],
		(map->nkids - idx - 1) * sizeof(*map->kids));
	map->nkids--;
}

/* Puts back what drop() set aside; normalise() then puts it in form order. */
static void put_back(struct validate_state *st)
{
	size_t i;

	for (i = st->nkept; i-- > 0;)
		record_node_add(st->kept[i].map, st->kept[i].node);
	free(st->kept);
	st->kept = NULL;
	st->nkept = st->kept_alloc = 0;
}

/* Step 3 for fld in one instance of its container map. */
static void compute(struct validate_state *st, const struct form_field *fld,
		    struct record_node *map)
{
	struct expr_value v = EXPR_VALUE_INIT;
	size_t idx = 0;
	struct record_node *node = validate_kid(map, fld->name, &idx);
	const struct record_node *at = node ? node : map;
	const char *cur = node && node->kind == RECORD_SCALAR && !node->sealed ? node->value : NULL;
	bool relevant = true;
	char *s;

	/* A relevance that cannot be evaluated keeps the answers: nothing is lost. */
	if (fld->relevant &&
	    validate_eval_bool(st, fld, "relevant", fld->relevant, cur, at, &relevant) < 0)
		relevant = true;
	if (!relevant) {
		if (node)
			drop(st, map, idx);
		return;
	}
	if (!fld->calculation || fld->type == FORM_GROUP || fld->type == FORM_REPEAT)
		return;
	if (validate_eval(st, fld, "calculation", fld->calculation, cur, at, &v) < 0)
		goto out;
	s = expr_to_string(&v);
	if (node && (node->kind != RECORD_SCALAR || !*s))
		record_node_remove(map, idx);
	if (*s)
		record_node_set(map, fld->name, s);
	free(s);
out:
	expr_value_release(&v);
}

/* Calls compute() for fld in every instance of its container, anc[k..n-2]. */
static void compute_all(struct validate_state *st, const struct form_field *fld,
			const struct form_field **anc, size_t k, size_t n, struct record_node *map)
{
	const struct record_node *where = enter(st, map);
	struct record_node *node;
	size_t i;

	if (k == n - 1) {
		compute(st, fld, map);
		goto out;
	}
	node = validate_kid(map, anc[k]->name, NULL);
	if (!node)
		goto out;
	if (anc[k]->type == FORM_GROUP) {
		if (node->kind == RECORD_MAP)
			compute_all(st, fld, anc, k + 1, n, node);
		goto out;
	}
	/* An item built in memory is found by its list; `where` is put back at out. */
	enter(st, node);
	for (i = 0; node->kind == RECORD_LIST && i < node->nkids; i++) {
		if (node->kids[i]->kind != RECORD_MAP)
			continue;
		validate_push(st, anc[k], node->kids[i], i);
		compute_all(st, fld, anc, k + 1, n, node->kids[i]);
		validate_pop(st);
	}
out:
	st->where = where;
}

/*
 * A relevance evaluated again in step 4, where step 3 already reported it
 * if it failed; returns false when it failed or is false.
 */
static bool relevant_again(struct validate_state *st, const struct form_field *fld,
			   const struct record_node *map)
{
	bool relevant = true, quiet = st->quiet;
	int ret;

	if (!fld->relevant)
		return true;
	st->quiet = true;
	ret = validate_eval_bool(st, fld, "relevant", fld->relevant, NULL, map, &relevant);
	st->quiet = quiet;
	return !ret && relevant;
}

/*
 * Step 4: fld, a relevant field with no answer in map, is required (by its
 * flag, or by its expression evaluated without a current answer).
 */
static bool is_required(struct validate_state *st, const struct form_field *fld,
			const struct record_node *map)
{
	bool required = fld->required;

	if (!required && fld->required_if &&
	    validate_eval_bool(st, fld, "required", fld->required_if, NULL, map, &required) < 0)
		return false;
	return required;
}

/* Step 4: an answer missing from map. */
static void check_required(struct validate_state *st, const struct form_field *fld,
			   const struct record_node *map)
{
	if ((!fld->required && !fld->required_if) || !relevant_again(st, fld, map))
		return;
	if (is_required(st, fld, map))
		validate_report_text(st, fld, map, &fld->required_message, VM_REQUIRED);
}

/* Step 4: the constraint and choice filter of an answer of a valid type. */
static void check_rules(struct validate_state *st, const struct form_field *fld,
			const struct record_node *node)
{
	const char *v = node->value, *t;
	bool ok = true;
	size_t len;
	char *tok;
	int ret;

	if (validate_value(fld, v, NULL) != VM_OK)
		return;
	if (fld->constraint &&
	    !validate_eval_bool(st, fld, "constraint", fld->constraint, v, node, &ok) && !ok)
		validate_report_text(st, fld, node, &fld->constraint_message, VM_CONSTRAINT);
	if (!fld->choice_filter || !fld->list)
		return;
	st->list = fld->list;
	for (t = validate_token(v, &len); t; t = validate_token(t + len, &len)) {
		tok = fld->type == FORM_SELECT_MULTIPLE ? xstrndup(t, len) : xstrdup(v);
		st->choice = form_choice(fld->list, tok);
		ret = validate_eval_bool(st, fld, "choice_filter", fld->choice_filter, v, node,
					 &ok);
		if (!ret && !ok)
			validate_report_field(st, fld, node, VM_FILTER, tok, NULL);
		free(tok);
		if (ret < 0 || fld->type != FORM_SELECT_MULTIPLE)
			break;
	}
	st->choice = NULL;
}

static void check_kids(struct validate_state *st, const struct form_field *c,
		       const struct record_node *map);

/* Step 4 for a repeat: its count, then each item. */
static void check_repeat(struct validate_state *st, const struct form_field *rep,
			 const struct record_node *map, const struct record_node *list)
{
	const struct record_node *at = list ? list : map, *where = st->where;
	struct expr_value v = EXPR_VALUE_INIT, num = EXPR_VALUE_INIT;
	size_t n = list ? list->nkids : 0, i;
	char *have, *want;
	double count;

	if (list && list->kind != RECORD_LIST)
		return;
	/* A list that survived step 3 is relevant; an absent one may be. */
	if (!list && (rep->repeat_count || rep->required || rep->required_if) &&
	    !relevant_again(st, rep, map))
		return;
	if (rep->repeat_count &&
	    !validate_eval(st, rep, "repeat_count", rep->repeat_count, NULL, at, &v)) {
		count = expr_to_number(&v);
		if (isfinite(count) && count != (double)n) {
			expr_set_number(&num, (double)n);
			have = expr_to_string(&num);
			expr_set_number(&num, count);
			want = expr_to_string(&num);
			validate_report_field(st, rep, at, VM_COUNT, have, want);
			free(have);
			free(want);
		}
	}
	expr_value_release(&v);
	expr_value_release(&num);
	/* At the enclosing map, as for any answer that is missing. */
	if (!n && is_required(st, rep, map))
		validate_report_text(st, rep, map, &rep->required_message, VM_REQUIRED);
	/* An item built in memory is found by its list. */
	if (n)
		enter(st, list);
	for (i = 0; i < n; i++) {
		if (list->kids[i]->kind != RECORD_MAP)
			continue;
		validate_push(st, rep, list->kids[i], i);
		check_kids(st, rep, list->kids[i]);
		validate_pop(st);
	}
	st->where = where;
}

/* Step 4 on one map, in document order so that messages read top to bottom. */
static void check_kids(struct validate_state *st, const struct form_field *c,
		       const struct record_node *map)
{
	struct form_field *const *kids = c ? c->kids : st->f->top;
	size_t nkids = c ? c->nkids : st->f->ntop, i;
	const struct record_node *node, *where = enter(st, map);

	for (i = 0; i < nkids; i++) {
		node = validate_kid(map, kids[i]->name, NULL);
		switch (kids[i]->type) {
		case FORM_GROUP:
			/* Absent: irrelevant, or not a map (reported in step 1). */
			if (node && node->kind == RECORD_MAP)
				check_kids(st, kids[i], node);
			break;
		case FORM_REPEAT:
			check_repeat(st, kids[i], map, node);
			break;
		case FORM_NOTE:
			break;
		default:
			if (!node)
				check_required(st, kids[i], map);
			else if (node->kind == RECORD_SCALAR && !node->sealed)
				check_rules(st, kids[i], node);
			break;
		}
	}
	st->where = where;
}

/* Where a kid goes in its map: `_id` first, then form order, unknown keys last. */
static size_t rank(const struct validate_state *st, const struct form_field *c,
		   const struct record_node *kid, bool is_item)
{
	const struct form_field *fld;

	if (!kid->key)
		return SIZE_MAX;
	if (is_item && !strcmp(kid->key, "_id"))
		return 0;
	fld = form_field(st->f, kid->key);
	return fld && fld->parent == c ? fld->index + 1 : SIZE_MAX;
}

static bool prune(const struct form_field *fld, const struct record_node *kid)
{
	return fld && !kid->nkids && ((fld->type == FORM_GROUP && kid->kind == RECORD_MAP) ||
				      (fld->type == FORM_REPEAT && kid->kind == RECORD_LIST));
}

/* The canonical shape: form order, no empty group maps or repeat lists. */
static void normalise(const struct validate_state *st, const struct form_field *c,
		      struct record_node *map, bool is_item)
{
	struct record_node *kid;
	const struct form_field *fld;
	size_t i = 0, j, r, *ranks;

	while (i < map->nkids) {
		kid = map->kids[i];
		fld = kid->key ? form_field(st->f, kid->key) : NULL;
		if (fld && fld->parent != c)
			fld = NULL;
		if (fld && fld->type == FORM_GROUP && kid->kind == RECORD_MAP)
			normalise(st, fld, kid, false);
		for (j = 0; fld && fld->type == FORM_REPEAT && kid->kind == RECORD_LIST &&
			    j < kid->nkids; j++)
			if (kid->kids[j]->kind == RECORD_MAP)
				normalise(st, fld, kid->kids[j], true);
		if (prune(fld, kid))
			record_node_remove(map, i);
		else
			i++;
	}
	/* Insertion sort: stable, and linear on the usual, already ordered map. */
	ranks = xmalloc(map->nkids * sizeof(*ranks));
	for (i = 0; i < map->nkids; i++) {
		kid = map->kids[i];
		r = rank(st, c, kid, is_item);
		for (j = i; j > 0 && ranks[j - 1] > r; j--) {
			ranks[j] = ranks[j - 1];
			map->kids[j] = map->kids[j - 1];
		}
		ranks[j] = r;
		map->kids[j] = kid;
	}
	free(ranks);
}

static void set_form(struct record *r, const struct form *f)
{
	free(r->form);
	r->form = xstrdup(f->id);
	free(r->version);
	r->version = xstrdup(f->version);
}

void validate_state_init(struct validate_state *st, const struct form *f,
			 const struct record *r, long long now)
{
	memset(st, 0, sizeof(*st));
	st->f = f;
	st->data = r->data;
	st->file = r->file;
	st->now = now ? now : util_now();
}

int validate_record(const struct form *f, struct record *r, const struct validate_opts *opts,
		    struct error *err)
{
	static const struct validate_opts defaults;
	const struct form_field *anc[VALIDATE_MAX_CHAIN];
	struct validate_state st;
	const char *lang;
	size_t i, n;

	if (!opts)
		opts = &defaults;
	validate_state_init(&st, f, r, opts->now);
	st.err = err;
	st.lang = form_lang(f, opts->lang);
	lang = opts->lang ? opts->lang : f->nlanguages ? f->languages[0] : NULL;
	st.en = lang && !strcmp(lang, "en");

	validate_structure(&st, r->data);
	/* A draft is told only about its structure and types, and loses nothing (validate.h). */
	st.quiet = opts->draft;
	st.keep = opts->draft;
	for (i = 0; i < f->nfields; i++) {
		n = validate_ancestors(f->order[i], anc);
		compute_all(&st, f->order[i], anc, 0, n, r->data);
	}
	put_back(&st);
	if (!opts->draft)
		check_kids(&st, NULL, r->data);
	normalise(&st, NULL, r->data, false);

	set_form(r, f);
	return st.nerrors ? ERR_DATA : 0;
}

int validate_record_both(const struct form *f, struct record *r,
			 const struct validate_opts *opts, struct error *err,
			 struct record *complete, struct error *complete_err)
{
	const struct form_field *anc[VALIDATE_MAX_CHAIN];
	struct validate_state st, cst;
	struct error shape = ERROR_INIT;
	const char *lang = opts->lang ? opts->lang : f->nlanguages ? f->languages[0] : NULL;
	size_t i, n, nshape;

	validate_state_init(&st, f, r, opts->now);
	st.err = &shape;
	st.lang = form_lang(f, opts->lang);
	st.en = lang && !strcmp(lang, "en");
	validate_structure(&st, r->data);
	/* Step 1's problems are both validations' own. */
	nshape = st.nerrors;
	for (i = 0; i < shape.n; i++)
		error_at(complete_err, ERR_DATA, shape.items[i].file, shape.items[i].line,
			 shape.items[i].col, "%s", shape.items[i].msg);
	if (err)
		error_move(err, &shape);
	error_release(&shape);

	/*
	 * Step 3 as a draft, but reporting as the complete validation does:
	 * with the irrelevant answers set aside, the draft's tree is the one
	 * the complete validation would have, and is copied before they are
	 * put back.
	 */
	st.err = complete_err;
	st.keep = true;
	for (i = 0; i < f->nfields; i++) {
		n = validate_ancestors(f->order[i], anc);
		compute_all(&st, f->order[i], anc, 0, n, r->data);
	}
	record_release(complete);
	record_copy(complete, r);
	put_back(&st);
	normalise(&st, NULL, r->data, false);
	set_form(r, f);

	validate_state_init(&cst, f, complete, opts->now);
	cst.err = complete_err;
	cst.lang = st.lang;
	cst.en = st.en;
	cst.list_failed = st.list_failed;
	check_kids(&cst, NULL, complete->data);
	normalise(&cst, NULL, complete->data, false);
	set_form(complete, f);
	return nshape ? ERR_DATA : 0;
}

char *validate_title(const struct form *f, const struct record *r, long long now)
{
	struct error err = ERROR_INIT;
	struct expr_ctx ctx;
	struct validate_state st;
	char *s;

	if (!f->instance_name)
		return NULL;
	validate_state_init(&st, f, r, now);
	ctx = validate_ctx(&st, NULL);
	s = expr_eval_string(f->instance_name, &ctx, &err);
	error_release(&err);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

