/*
 * form_check.c - what needs the whole form: indicators (which name fields),
 * references in every expression, cycles between calculations and
 * relevance conditions, and the order to evaluate a record in.
 */
#include "form_priv.h"

#include "expr.h"
#include "record.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define INDICATOR_KEYS "name, label, over, denominator, numerator, target"

/* ">= 95", "< 1", "95%" (meaning >= 95): a percentage and how to compare with it. */
static bool parse_target(const char *s, char op[3], double *v)
{
	char *end;
	size_t len;

	s += strspn(s, " ");
	len = strspn(s, "<>=");
	if (len == 0) {
		strcpy(op, ">=");
	} else if ((len == 1 && (*s == '<' || *s == '>')) ||
		   (len == 2 && (*s == '<' || *s == '>') && s[1] == '=')) {
		memcpy(op, s, len);
		op[len] = '\0';
	} else {
		return false;
	}
	s += len;
	s += strspn(s, " ");
	if (!strchr("0123456789.", *s) || !*s)
		return false;
	*v = strtod(s, &end);
	s = end + strspn(end, " ");
	if (*s == '%')
		s++;
	s += strspn(s, " ");
	return !*s && isfinite(*v) && *v >= 0 && *v <= 100;
}

static void indicator_over(struct form_ctx *c, const struct record_node *n,
			   struct form_indicator *ind)
{
	const char *s = form_scalar(c, n, "'over'");
	struct form_field *fld;

	if (!s)
		return;
	fld = form_field(c->f, s);
	if (fld && fld->type == FORM_REPEAT)
		ind->over = fld;
	else if (fld || strcmp(s, "households"))
		form_err(c, n, "indicator '%s': over '%s' is not a repeat (name a repeat, or leave "
			 "'over' out to count households)", ind->name ? ind->name : "", s);
}

static void load_indicator(struct form_ctx *c, const struct record_node *n,
			   struct form_indicator *ind, struct form_isrc *src,
			   struct form_index *names)
{
	static const char *const keys[] = {
		"name", "label", "over", "denominator", "numerator", "target",
	};
	const struct record_node *name = form_get(n, "name"),
				 *label = form_get(n, "label"),
				 *over = form_get(n, "over"),
				 *target = form_get(n, "target");
	struct sbuf sb = SBUF_INIT, what = SBUF_INIT;
	const char *s;
	size_t i, j, first;

	ind->line = n->line;
	ind->col = n->col;
	if (!name) {
		form_err(c, n, "an indicator needs a name");
	} else if ((s = form_scalar(c, name, "'name'"))) {
		ind->name = xstrdup(s);
		first = form_index_add(names, ind->name, (size_t)(ind - c->f->indicators));
		if (!form_name_valid(s))
			form_err(c, name, "bad indicator name '%s': start with a letter, then "
				 "letters, digits or '_'", s);
		else if (&c->f->indicators[first] != ind)
			form_err(c, name, "duplicate indicator '%s' (first at line %d)", s,
				 c->f->indicators[first].line);
	}
	sbuf_addf(&sb, "indicator '%s'", ind->name ? ind->name : "");
	for (i = 0; i < n->nkids; i++) {
		for (j = 0; j < sizeof(keys) / sizeof(*keys) && strcmp(n->kids[i]->key, keys[j]); j++)
			;
		if (j == sizeof(keys) / sizeof(*keys))
			form_err(c, n->kids[i], "unknown key '%s' in %s (allowed: " INDICATOR_KEYS ")",
				 n->kids[i]->key, sbuf_str(&sb));
	}
	sbuf_addf(&what, "label of %s", sbuf_str(&sb));
	if (label)
		form_parse_text(c, label, &ind->label, sbuf_str(&what));
	else
		form_err(c, n, "%s has no label", sbuf_str(&sb));
	if (over)
		indicator_over(c, over, ind);
	src->denominator = form_get(n, "denominator");
	sbuf_reset(&what);
	sbuf_addf(&what, "denominator of %s", sbuf_str(&sb));
	if (src->denominator)
		form_parse_expr(c, src->denominator, &ind->denominator, sbuf_str(&what));
	src->numerator = form_get(n, "numerator");
	sbuf_reset(&what);
	sbuf_addf(&what, "numerator of %s", sbuf_str(&sb));
	if (src->numerator)
		form_parse_expr(c, src->numerator, &ind->numerator, sbuf_str(&what));
	else
		form_err(c, n, "%s has no numerator: the condition its members meet", sbuf_str(&sb));
	if (target && (s = form_scalar(c, target, "'target'")) &&
	    !parse_target(s, ind->target_op, &ind->target))
		form_err(c, target, "bad target '%s' of %s: write e.g. '>= 95' or '< 1' "
			 "(a percentage)", s, sbuf_str(&sb));
	sbuf_release(&what);
	sbuf_release(&sb);
}

void form_load_indicators(struct form_ctx *c, const struct record_node *n)
{
	struct form *f = c->f;
	struct form_index *names;
	size_t i;

	if (n->kind != RECORD_LIST) {
		form_err(c, n, "'indicators' must be a list of indicators");
		return;
	}
	names = form_index_new();
	f->indicators = xcalloc(n->nkids, sizeof(*f->indicators));
	c->isrc = xcalloc(n->nkids, sizeof(*c->isrc));
	for (i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind != RECORD_MAP) {
			form_err(c, n->kids[i], "an indicator must be a map with the keys "
				 INDICATOR_KEYS);
			continue;
		}
		load_indicator(c, n->kids[i], &f->indicators[f->nindicators],
			       &c->isrc[f->nindicators], names);
		f->nindicators++;
	}
	form_index_free(names);
}

/* Dependencies: field `from` needs field `to` first. */
struct edge {
	size_t from, to;
};

struct graph {
	struct edge *edges;
	size_t n, alloc;
};

/* One expression being checked. */
struct walk {
	struct form_ctx *c;
	const struct record_node *node; /* where it is written */
	const char *what;               /* "relevant of 'age'" */
	bool columns;                   /* a choice_filter: bare names are columns */
	const struct form_list *list;   /* whose columns, NULL when unknown */
	size_t from;                    /* the field that depends on the refs, or SIZE_MAX */
	struct graph *g;
};

static void bad_column(struct walk *w, const char *name, int col)
{
	struct sbuf cols = SBUF_INIT;
	size_t i;

	sbuf_adds(&cols, "value");
	for (i = 0; i < w->list->ncolumns; i++)
		sbuf_addf(&cols, ", %s", w->list->columns[i]);
	form_err_at(w->c, w->c->file, w->node->line, col,
		    "'%s' in %s is not a column of list '%s' (columns: %s)", name, w->what,
		    w->list->name, sbuf_str(&cols));
	sbuf_release(&cols);
}

static void on_ref(void *data, const char *name, int col, bool bare)
{
	struct walk *w = data;
	size_t i;

	col = w->node->col + col - 1;
	if (!bare) {
		i = form_index_get(w->c->f->field_index, name);
		if (i == SIZE_MAX) {
			form_err_at(w->c, w->c->file, w->node->line, col,
				    "${%s} in %s is not a field of this form", name, w->what);
		} else if (w->from != SIZE_MAX) {
			ALLOC_GROW(w->g->edges, w->g->n + 1, w->g->alloc);
			w->g->edges[w->g->n++] = (struct edge){ w->from, i };
		}
		return;
	}
	if (!w->columns) {
		form_err_at(w->c, w->c->file, w->node->line, col,
			    "bare name '%s' in %s: write ${%s} for a field (bare names are "
			    "choice columns, only in a choice_filter)", name, w->what, name);
		return;
	}
	if (!w->list || !strcmp(name, "value"))
		return;
	for (i = 0; i < w->list->ncolumns; i++)
		if (!strcmp(w->list->columns[i], name))
			return;
	bad_column(w, name, col);
}

static void walk(struct walk *w, const struct expr *e, const struct record_node *node,
		 const char *what)
{
	if (!e || !node)
		return;
	w->node = node;
	w->what = what;
	expr_refs(e, on_ref, w);
}

static void check_field(struct form_ctx *c, struct form_field *fld, struct graph *g)
{
	const struct form_src *src = &c->src[fld->index];
	const struct expr *exprs[FX_COUNT] = {
		[FX_RELEVANT] = fld->relevant,
		[FX_CONSTRAINT] = fld->constraint,
		[FX_CALCULATION] = fld->calculation,
		[FX_CHOICE_FILTER] = fld->choice_filter,
		[FX_REPEAT_COUNT] = fld->repeat_count,
		[FX_REQUIRED] = fld->required_if,
	};
	static const char *const keys[FX_COUNT] = {
		"relevant", "constraint", "calculation", "choice_filter", "repeat_count",
		"required",
	};
	struct sbuf what = SBUF_INIT;
	struct walk w = { .c = c, .list = fld->list, .g = g };
	int x;

	for (x = 0; x < FX_COUNT; x++) {
		if (!exprs[x])
			continue;
		sbuf_reset(&what);
		sbuf_addf(&what, "%s of '%s'", keys[x], form_name(fld));
		w.columns = x == FX_CHOICE_FILTER;
		/* A constraint is checked once the answer is known: no dependency. */
		w.from = x == FX_CONSTRAINT ? SIZE_MAX : fld->index;
		walk(&w, exprs[x], src->expr[x], sbuf_str(&what));
	}
	if (fld->parent) {
		ALLOC_GROW(g->edges, g->n + 1, g->alloc);
		g->edges[g->n++] = (struct edge){ fld->index, fld->parent->index };
	}
	sbuf_release(&what);
}

static void check_refs(struct form_ctx *c, struct graph *g)
{
	struct form *f = c->f;
	struct walk w = { .c = c, .from = SIZE_MAX, .g = g };
	struct sbuf what = SBUF_INIT;
	size_t i;

	for (i = 0; i < f->nfields; i++)
		check_field(c, f->fields[i], g);
	walk(&w, f->instance_name, c->instance_name, "instance_name");
	for (i = 0; i < f->nindicators; i++) {
		const struct form_indicator *ind = &f->indicators[i];

		sbuf_reset(&what);
		sbuf_addf(&what, "denominator of indicator '%s'", ind->name ? ind->name : "");
		walk(&w, ind->denominator, c->isrc[i].denominator, sbuf_str(&what));
		sbuf_reset(&what);
		sbuf_addf(&what, "numerator of indicator '%s'", ind->name ? ind->name : "");
		walk(&w, ind->numerator, c->isrc[i].numerator, sbuf_str(&what));
	}
	sbuf_release(&what);
}

/* The graph as adjacency lists: out[start[v] .. start[v + 1]) are v's successors. */
struct adj {
	size_t *start, *out;
};

static void adj_build(struct adj *a, const struct graph *g, size_t n, bool reverse)
{
	size_t i, *fill = xcalloc(n + 1, sizeof(*fill));

	a->start = xcalloc(n + 1, sizeof(*a->start));
	a->out = xcalloc(g->n + 1, sizeof(*a->out));
	for (i = 0; i < g->n; i++)
		a->start[(reverse ? g->edges[i].to : g->edges[i].from) + 1]++;
	for (i = 0; i < n; i++)
		a->start[i + 1] += a->start[i];
	for (i = 0; i < g->n; i++) {
		size_t from = reverse ? g->edges[i].to : g->edges[i].from;

		a->out[a->start[from] + fill[from]++] = reverse ? g->edges[i].from :
							 g->edges[i].to;
	}
	free(fill);
}

static void adj_release(struct adj *a)
{
	free(a->start);
	free(a->out);
}

/* Tarjan's strongly connected components, without recursion: forms are fuzzed. */
struct tarjan {
	struct form_ctx *c;
	const struct adj *a;
	size_t *index, *low, *comp, *stack, nstack, counter, ncomp;
	bool *on;
	struct frame {
		size_t v, pos;
	} *calls;
	size_t ncalls;
	size_t *prev, *queue; /* for finding the shortest cycle in a component */
	size_t ncycles;
};

/* Reports the shortest cycle through start within its component. */
static void report_cycle(struct tarjan *t, size_t start)
{
	const struct adj *a = t->a;
	struct form_field **fields = t->c->f->fields;
	struct sbuf msg = SBUF_INIT;
	size_t head = 0, tail = 0, last = SIZE_MAX, v, i, *path, npath = 0;

	t->queue[tail++] = start;
	t->prev[start] = start;
	while (head < tail && last == SIZE_MAX) {
		v = t->queue[head++];
		for (i = a->start[v]; i < a->start[v + 1]; i++) {
			size_t w = a->out[i];

			if (t->comp[w] != t->comp[start])
				continue;
			if (w == start) {
				last = v;
				break;
			}
			if (t->prev[w] == SIZE_MAX) {
				t->prev[w] = v;
				t->queue[tail++] = w;
			}
		}
	}
	path = xmalloc(tail * sizeof(*path));
	for (v = last; v != start; v = t->prev[v])
		path[npath++] = v;
	sbuf_addf(&msg, "cycle: %s", form_name(fields[start]));
	while (npath)
		sbuf_addf(&msg, " -> %s", form_name(fields[path[--npath]]));
	sbuf_addf(&msg, " -> %s", form_name(fields[start]));
	form_err_at(t->c, t->c->file, fields[start]->line, fields[start]->col, "%s",
		    sbuf_str(&msg));
	for (i = 0; i < tail; i++)
		t->prev[t->queue[i]] = SIZE_MAX;
	free(path);
	sbuf_release(&msg);
	t->ncycles++;
}

/* Pops the component whose root is v; reports it when it holds a cycle. */
static void pop_component(struct tarjan *t, size_t v)
{
	size_t w, first = v, size = 0, i;
	bool self = false;

	do {
		w = t->stack[--t->nstack];
		t->on[w] = false;
		t->comp[w] = t->ncomp;
		if (w < first)
			first = w;
		size++;
	} while (w != v);
	t->ncomp++;
	for (i = t->a->start[v]; size == 1 && i < t->a->start[v + 1]; i++)
		self |= t->a->out[i] == v;
	if (size > 1 || self)
		report_cycle(t, first);
}

static void visit(struct tarjan *t, size_t v)
{
	t->index[v] = t->low[v] = t->counter++;
	t->stack[t->nstack++] = v;
	t->on[v] = true;
	t->calls[t->ncalls++] = (struct frame){ v, t->a->start[v] };
}

static void strong_connect(struct tarjan *t, size_t root)
{
	visit(t, root);
	while (t->ncalls) {
		struct frame *fr = &t->calls[t->ncalls - 1];
		size_t v = fr->v, w;

		if (fr->pos < t->a->start[v + 1]) {
			w = t->a->out[fr->pos++];
			if (t->index[w] == SIZE_MAX)
				visit(t, w);
			else if (t->on[w] && t->index[w] < t->low[v])
				t->low[v] = t->index[w];
			continue;
		}
		t->ncalls--;
		if (t->ncalls && t->low[v] < t->low[t->calls[t->ncalls - 1].v])
			t->low[t->calls[t->ncalls - 1].v] = t->low[v];
		if (t->low[v] == t->index[v])
			pop_component(t, v);
	}
}

/* Reports every cycle once, at its first field; returns how many there are. */
static size_t find_cycles(struct form_ctx *c, const struct adj *a)
{
	size_t n = c->f->nfields, v, ret;
	struct tarjan t = { .c = c, .a = a };

	t.index = xmalloc((n + 1) * sizeof(*t.index));
	t.low = xmalloc((n + 1) * sizeof(*t.low));
	t.comp = xmalloc((n + 1) * sizeof(*t.comp));
	t.stack = xmalloc((n + 1) * sizeof(*t.stack));
	t.prev = xmalloc((n + 1) * sizeof(*t.prev));
	t.queue = xmalloc((n + 1) * sizeof(*t.queue));
	t.calls = xmalloc((n + 1) * sizeof(*t.calls));
	t.on = xcalloc(n + 1, sizeof(*t.on));
	for (v = 0; v < n; v++)
		t.index[v] = t.prev[v] = SIZE_MAX;
	for (v = 0; v < n; v++)
		if (t.index[v] == SIZE_MAX)
			strong_connect(&t, v);
	ret = t.ncycles;
	free(t.index);
	free(t.low);
	free(t.comp);
	free(t.stack);
	free(t.prev);
	free(t.queue);
	free(t.calls);
	free(t.on);
	return ret;
}

static void heap_push(size_t *heap, size_t *n, size_t v)
{
	size_t i = (*n)++;

	while (i && heap[(i - 1) / 2] > v) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = v;
}

static size_t heap_pop(size_t *heap, size_t *n)
{
	size_t top = heap[0], v = heap[--*n], i = 0, kid;

	while ((kid = 2 * i + 1) < *n) {
		if (kid + 1 < *n && heap[kid + 1] < heap[kid])
			kid++;
		if (heap[kid] >= v)
			break;
		heap[i] = heap[kid];
		i = kid;
	}
	heap[i] = v;
	return top;
}

/*
 * Kahn's algorithm taking the earliest field in document order whenever
 * several are ready, so that independent fields keep their order.
 */
static void topo_order(struct form *f, const struct graph *g)
{
	size_t n = f->nfields, *deps, *heap, nheap = 0, v, i, k = 0;
	struct adj rev;

	adj_build(&rev, g, n, true);
	deps = xcalloc(n + 1, sizeof(*deps));
	heap = xmalloc((n + 1) * sizeof(*heap));
	for (i = 0; i < g->n; i++)
		deps[g->edges[i].from]++;
	for (v = 0; v < n; v++)
		if (!deps[v])
			heap_push(heap, &nheap, v);
	f->order = xcalloc(n + 1, sizeof(*f->order));
	while (nheap) {
		v = heap_pop(heap, &nheap);
		f->order[k++] = f->fields[v];
		for (i = rev.start[v]; i < rev.start[v + 1]; i++)
			if (!--deps[rev.out[i]])
				heap_push(heap, &nheap, rev.out[i]);
	}
	free(deps);
	free(heap);
	adj_release(&rev);
}

/* A calculation being checked for references to sealed fields. */
struct sealed_walk {
	const struct form *f;
	struct form_field *fld;
};

static void on_sealed_ref(void *data, const char *name, int col, bool bare)
{
	struct sealed_walk *w = data;
	const struct form_field *t = bare ? NULL : form_field(w->f, name);

	(void)col;
	if (t && t->sealed)
		w->fld->sealed = true;
}

/* form.h: in dependency order, so a calculation sees what it refers to settled. */
static void mark_sealed(struct form *f)
{
	struct sealed_walk w = { f, NULL };
	size_t i;

	for (i = 0; i < f->nfields; i++) {
		w.fld = f->order[i];
		w.fld->sealed = w.fld->sensitive;
		if (!w.fld->sealed && w.fld->calculation)
			expr_refs(w.fld->calculation, on_sealed_ref, &w);
	}
}

void form_check(struct form_ctx *c)
{
	struct graph g = { 0 };
	struct adj a;

	check_refs(c, &g);
	adj_build(&a, &g, c->f->nfields, false);
	if (!find_cycles(c, &a)) {
		topo_order(c->f, &g);
		mark_sealed(c->f);
	}
	adj_release(&a);
	free(g.edges);
}
