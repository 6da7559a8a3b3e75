/*
 * expr.c - the expression language (expr.h): the lexer, the parser and
 * the evaluator.  Values, their conversions and dates are in expr_value.c,
 * the functions themselves in expr_func.c.
 *
 * A parsed expression is a flat array of nodes whose children are ranges
 * of a second array, so that freeing, even after a failed parse, is a loop
 * and not a recursion.  Recursion happens while parsing (bounded by
 * EXPR_MAX_DEPTH) and while evaluating (bounded by the height of the tree,
 * which the parser keeps under EXPR_MAX_CHAIN).
 */
#include "expr.h"
#include "expr_impl.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum node_kind {
	N_NUM, N_STR, N_REF, N_COLUMN, N_DOT, N_DOTDOT, N_NEG, N_BIN, N_AND, N_OR, N_CALL,
};

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
};

struct node {
	enum node_kind kind;
	enum op op;                 /* N_BIN */
	int col;
	int height;                 /* of the subtree: bounds evaluation's recursion */
	double num;                 /* N_NUM */
	char *str;                  /* N_STR text, N_REF/N_COLUMN name, N_CALL field or NULL */
	const struct expr_func *fn; /* N_CALL */
	size_t first, n;            /* children: kids[first .. first + n) */
};

struct ref {
	const char *name; /* owned by a node */
	int col;
	bool bare;
};

struct expr {
	char *src;
	struct node *nodes;
	size_t nnodes, anodes;
	size_t *kids;
	size_t nkids, akids;
	struct ref *refs;
	size_t nrefs, arefs;
	size_t root;
};

/* ---- characters ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- names ---- */

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || is_digit(c) || c == '.' || c == '-';
}

/* Bytes of the name at s, 0 when there is none. */
static size_t name_len(const char *s)
{
	size_t n = 0;

	if (!is_name_start(*s))
		return 0;
	while (is_name_char(s[n]))
		n++;
	return n;
}

const char *expr_field_name(const char *s, size_t *len)
{
	size_t n;

	if (s[0] == '$' && s[1] == '{') {
		n = name_len(s + 2);
		if (!n || s[2 + n] != '}' || s[3 + n])
			return NULL;
		*len = n;
		return s + 2;
	}
	n = name_len(s);
	if (!n || s[n])
		return NULL;
	*len = n;
	return s;
}

/* ---- lexer ---- */

enum tok {
	T_END, T_ERR, T_NUM, T_STR, T_REF, T_NAME, T_DOT, T_DOTDOT, T_LP, T_RP, T_COMMA,
	T_PLUS, T_MINUS, T_STAR, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE,
};

struct token {
	enum tok t;
	const char *s; /* the text; for T_STR and T_REF what is inside the quotes or ${} */
	size_t len;
	int col;
	double num;
};

struct parser {
	const char *p;    /* where the lexer is */
	const char *colp; /* how far columns were counted, and their count */
	int ncol;
	struct token tok;
	struct expr *e;
	struct error *err;
	int depth;
	bool failed;
};

/* Only the first problem is reported: later ones are usually its echoes. */
ATTR_PRINTF(3, 4)
static int fail(struct parser *ps, int col, const char *fmt, ...)
{
	struct sbuf sb = SBUF_INIT;
	va_list ap;

	if (!ps->failed) {
		ps->failed = true;
		va_start(ap, fmt);
		sbuf_vaddf(&sb, fmt, ap);
		va_end(ap);
		error_at(ps->err, ERR_DATA, NULL, 0, col, "%s", sb.buf);
		sbuf_release(&sb);
	}
	return ERR_DATA;
}

/*
 * The column of `at`, counted in characters (UTF-8 lead bytes) and
 * incrementally: the lexer asks in increasing order, so parsing stays linear.
 */
static int col_of(struct parser *ps, const char *at)
{
	for (; ps->colp < at; ps->colp++)
		if (((unsigned char)*ps->colp & 0xC0) != 0x80)
			ps->ncol++;
	return ps->ncol + 1;
}

size_t expr_char_len(const char *s)
{
	size_t n = 1;

	while (((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

static void lex_number(struct token *t, const char *p)
{
	const char *q = p;
	char *text;

	while (is_digit(*q))
		q++;
	if (*q == '.')
		for (q++; is_digit(*q); q++)
			;
	/* A copy: strtod would read on into "1e5", which is 1 followed by a name. */
	text = xstrndup(p, (size_t)(q - p));
	t->t = T_NUM;
	t->num = expr_strtod(text);
	t->len = (size_t)(q - p);
	free(text);
}

static void lex_ref(struct parser *ps, struct token *t, const char *p)
{
	size_t n;

	if (p[1] != '{') {
		fail(ps, t->col, "expected '{' after '$': write ${name}");
		return;
	}
	n = name_len(p + 2);
	if (!n) {
		fail(ps, t->col, "expected a field name after '${'");
		return;
	}
	if (p[2 + n] != '}') {
		fail(ps, t->col, "expected '}' to close '${%.*s'", (int)n, p + 2);
		return;
	}
	t->t = T_REF;
	t->s = p + 2;
	t->len = n;
	ps->p = p + 3 + n;
}

static void lex_name(struct token *t, const char *p)
{
	size_t n = name_len(p);

	/* A prefix, as in jr:choice-name. */
	if (p[n] == ':' && is_name_start(p[n + 1]))
		n += 1 + name_len(p + n + 1);
	t->t = T_NAME;
	t->len = n;
}

static const struct {
	char c[3];
	enum tok t;
} punct[] = {
	{ "..", T_DOTDOT }, { "!=", T_NE }, { "<=", T_LE }, { ">=", T_GE },
	{ "(", T_LP }, { ")", T_RP }, { ",", T_COMMA }, { "+", T_PLUS }, { "-", T_MINUS },
	{ "*", T_STAR }, { "=", T_EQ }, { "<", T_LT }, { ">", T_GT }, { ".", T_DOT },
};

static void next(struct parser *ps)
{
	struct token *t = &ps->tok;
	const char *p = ps->p, *end;
	size_t i, n;

	while (is_space(*p))
		p++;
	memset(t, 0, sizeof(*t));
	t->t = T_ERR;
	t->s = p;
	t->col = col_of(ps, p);
	if (!*p) {
		t->t = T_END;
	} else if (is_digit(*p) || (*p == '.' && is_digit(p[1]))) {
		lex_number(t, p);
	} else if (*p == '\'' || *p == '"') {
		end = strchr(p + 1, *p);
		if (!end) {
			fail(ps, t->col, "unterminated string");
			return;
		}
		t->t = T_STR;
		t->s = p + 1;
		t->len = (size_t)(end - p - 1);
		ps->p = end + 1;
		return;
	} else if (*p == '$') {
		lex_ref(ps, t, p);
		return;
	} else if (is_name_start(*p)) {
		lex_name(t, p);
	} else {
		for (i = 0; i < sizeof(punct) / sizeof(*punct); i++) {
			n = strlen(punct[i].c);
			if (!strncmp(p, punct[i].c, n)) {
				t->t = punct[i].t;
				t->len = n;
				break;
			}
		}
	}
	if (t->t == T_ERR) {
		if (*p == '!')
			fail(ps, t->col, "unexpected '!': write != or not(...)");
		else if (*p == '/')
			fail(ps, t->col, "unexpected '/': paths are not supported, write ${name}");
		else
			fail(ps, t->col, "unexpected '%.*s'", (int)expr_char_len(p), p);
		return;
	}
	ps->p = p + t->len;
}

/* ---- parser ---- */

static int new_node(struct parser *ps, enum node_kind kind, int col, const size_t *kids,
		    size_t nkids, size_t *out)
{
	struct expr *e = ps->e;
	struct node *n;
	int height = 0;
	size_t i;

	for (i = 0; i < nkids; i++)
		if (e->nodes[kids[i]].height > height)
			height = e->nodes[kids[i]].height;
	if (height > EXPR_MAX_CHAIN)
		return fail(ps, col, "expression is too long: more than %d operators in a chain",
			    EXPR_MAX_CHAIN);
	ALLOC_GROW(e->nodes, e->nnodes + 1, e->anodes);
	n = &e->nodes[e->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->col = col;
	n->height = height + 1;
	n->first = e->nkids;
	n->n = nkids;
	if (nkids) {
		ALLOC_GROW(e->kids, e->nkids + nkids, e->akids);
		memcpy(e->kids + e->nkids, kids, nkids * sizeof(*kids));
		e->nkids += nkids;
	}
	*out = e->nnodes++;
	return 0;
}

static void add_ref(struct parser *ps, const char *name, int col, bool bare)
{
	struct expr *e = ps->e;

	ALLOC_GROW(e->refs, e->nrefs + 1, e->arefs);
	e->refs[e->nrefs++] = (struct ref){ name, col, bare };
}

static bool is_word(const struct token *t, const char *w)
{
	return t->t == T_NAME && t->len == strlen(w) && !memcmp(t->s, w, t->len);
}

static int parse_or(struct parser *ps, size_t *out);

static const char *arity_text(const struct expr_func *fn, char buf[64])
{
	if (fn->max_args < 0)
		snprintf(buf, 64, "at least %d argument%s", fn->min_args,
			 fn->min_args == 1 ? "" : "s");
	else if (fn->min_args == fn->max_args && !fn->min_args)
		snprintf(buf, 64, "no arguments");
	else if (fn->min_args == fn->max_args)
		snprintf(buf, 64, "%d argument%s", fn->min_args, fn->min_args == 1 ? "" : "s");
	else if (fn->max_args == fn->min_args + 1)
		snprintf(buf, 64, "%d or %d arguments", fn->min_args, fn->max_args);
	else
		snprintf(buf, 64, "%d to %d arguments", fn->min_args, fn->max_args);
	return buf;
}

/* The field a literal argument names ('${x}' or 'x'); a copy the caller owns. */
static int field_arg(struct parser *ps, const struct node *lit, char **field)
{
	size_t len;
	const char *name = expr_field_name(lit->str ? lit->str : "", &len);

	if (!name)
		return fail(ps, lit->col, "'%s' does not name a field: write '${field}'",
			    lit->str ? lit->str : "");
	*field = xstrndup(name, len);
	return 0;
}

static int parse_args(struct parser *ps, const struct expr_func *fn, size_t **args,
		      size_t *nargs)
{
	size_t alloc = 0, k;
	int ret;

	if (ps->tok.t == T_RP)
		return 0;
	for (;;) {
		if (!(fn->flags & EXPR_FN_DOTDOT)) {
			ret = parse_or(ps, &k);
		} else if (ps->tok.t == T_DOTDOT) {
			ret = new_node(ps, N_DOTDOT, ps->tok.col, NULL, 0, &k);
			next(ps);
		} else {
			ret = fail(ps, ps->tok.col, "the argument of %s() can only be '..'",
				   fn->name);
		}
		if (ret)
			return ret;
		ALLOC_GROW(*args, *nargs + 1, alloc);
		(*args)[(*nargs)++] = k;
		if (ps->tok.t == T_RP)
			return 0;
		if (ps->tok.t != T_COMMA)
			return fail(ps, ps->tok.col, "expected ')' after arguments");
		next(ps);
	}
}

static int parse_call(struct parser *ps, size_t *out)
{
	struct token name = ps->tok;
	const struct expr_func *fn = expr_func_find(name.s, name.len);
	size_t *args = NULL, nargs = 0;
	char *field = NULL, buf[64];
	int ret, fcol = 0;

	if (!fn)
		return fail(ps, name.col, "unknown function '%.*s'", (int)name.len, name.s);
	next(ps);
	next(ps);
	ret = parse_args(ps, fn, &args, &nargs);
	if (ret)
		goto out;
	if ((int)nargs < fn->min_args || (fn->max_args >= 0 && (int)nargs > fn->max_args)) {
		ret = fail(ps, name.col, "'%s' takes %s", fn->name, arity_text(fn, buf));
		goto out;
	}
	if ((fn->flags & EXPR_FN_FIELD_ARG) && nargs == 2 &&
	    ps->e->nodes[args[1]].kind == N_STR) {
		ret = field_arg(ps, &ps->e->nodes[args[1]], &field);
		if (ret)
			goto out;
		/* The name starts right after the opening quote. */
		fcol = ps->e->nodes[args[1]].col + 1;
	}
	ret = new_node(ps, N_CALL, name.col, args, nargs, out);
	if (ret)
		goto out;
	ps->e->nodes[*out].fn = fn;
	ps->e->nodes[*out].str = field;
	if (field)
		add_ref(ps, field, fcol, false);
	field = NULL;
	next(ps);
out:
	free(field);
	free(args);
	return ret;
}

/* A bare name followed by '(' calls a function; otherwise it is a column. */
static bool is_call(const struct parser *ps)
{
	const char *p = ps->p;

	while (is_space(*p))
		p++;
	return *p == '(';
}

static int parse_leaf(struct parser *ps, enum node_kind kind, size_t *out)
{
	struct token t = ps->tok;
	struct node *n;
	int ret = new_node(ps, kind, t.col, NULL, 0, out);

	if (ret)
		return ret;
	n = &ps->e->nodes[*out];
	n->num = t.num;
	if (kind == N_STR || kind == N_REF || kind == N_COLUMN)
		n->str = xstrndup(t.s, t.len);
	if (kind == N_REF || kind == N_COLUMN)
		add_ref(ps, n->str, t.col, kind == N_COLUMN);
	next(ps);
	return 0;
}

static int parse_primary(struct parser *ps, size_t *out)
{
	struct token t = ps->tok;
	int ret;

	switch (t.t) {
	case T_NUM:
		return parse_leaf(ps, N_NUM, out);
	case T_STR:
		return parse_leaf(ps, N_STR, out);
	case T_REF:
		return parse_leaf(ps, N_REF, out);
	case T_DOT:
		return parse_leaf(ps, N_DOT, out);
	case T_NAME:
		if (is_call(ps))
			return parse_call(ps, out);
		if (memchr(t.s, ':', t.len))
			return fail(ps, t.col, "unexpected '%.*s'", (int)t.len, t.s);
		return parse_leaf(ps, N_COLUMN, out);
	case T_LP:
		next(ps);
		ret = parse_or(ps, out);
		if (!ret && ps->tok.t != T_RP)
			ret = fail(ps, ps->tok.col, "expected ')'");
		if (!ret)
			next(ps);
		return ret;
	case T_END:
		return fail(ps, t.col, "unexpected end of the expression");
	case T_DOTDOT:
		return fail(ps, t.col, "'..' can only be used as position(..)");
	case T_ERR:
		return ERR_DATA;
	default:
		return fail(ps, t.col, "unexpected '%.*s'", (int)t.len, t.s);
	}
}

static int parse_unary(struct parser *ps, size_t *out)
{
	size_t k = 0;
	int col = ps->tok.col, ret;

	if (ps->tok.t != T_MINUS)
		return parse_primary(ps, out);
	next(ps);
	if (++ps->depth > EXPR_MAX_DEPTH)
		ret = fail(ps, col, "expression is nested too deeply (more than %d levels)",
			   EXPR_MAX_DEPTH);
	else
		ret = parse_unary(ps, &k);
	ps->depth--;
	return ret ? ret : new_node(ps, N_NEG, col, &k, 1, out);
}

/* The operator t stands for in operator position, or -1. */
static int token_op(const struct token *t)
{
	static const enum op ops[] = {
		[T_EQ] = OP_EQ, [T_NE] = OP_NE, [T_LT] = OP_LT, [T_LE] = OP_LE,
		[T_GT] = OP_GT, [T_GE] = OP_GE, [T_PLUS] = OP_ADD, [T_MINUS] = OP_SUB,
		[T_STAR] = OP_MUL,
	};

	if (is_word(t, "div"))
		return OP_DIV;
	if (is_word(t, "mod"))
		return OP_MOD;
	if (t->t >= T_PLUS && t->t <= T_GE)
		return (int)ops[t->t];
	return -1;
}

/* Precedence levels from low to high: = !=, < <= > >=, + -, * div mod. */
static int op_level(int op)
{
	return op <= OP_NE ? 0 : op <= OP_GE ? 1 : op <= OP_SUB ? 2 : 3;
}

static int parse_operand(struct parser *ps, int level, size_t *out);

static int parse_binary(struct parser *ps, int level, size_t *out)
{
	size_t kids[2];
	int op, col, ret = parse_operand(ps, level, &kids[0]);

	while (!ret && (op = token_op(&ps->tok)) >= 0 && op_level(op) == level) {
		col = ps->tok.col;
		next(ps);
		ret = parse_operand(ps, level, &kids[1]);
		if (!ret)
			ret = new_node(ps, N_BIN, col, kids, 2, &kids[0]);
		if (!ret)
			ps->e->nodes[kids[0]].op = (enum op)op;
	}
	if (!ret)
		*out = kids[0];
	return ret;
}

static int parse_operand(struct parser *ps, int level, size_t *out)
{
	return level == 3 ? parse_unary(ps, out) : parse_binary(ps, level + 1, out);
}

/* `and` and `or` chains become one node with a child per operand. */
static int parse_chain(struct parser *ps, const char *word, enum node_kind kind, size_t *out)
{
	size_t *kids = NULL, n = 0, alloc = 0, k;
	int col = 0, ret;

	ret = kind == N_OR ? parse_chain(ps, "and", N_AND, &k) : parse_binary(ps, 0, &k);
	while (!ret && is_word(&ps->tok, word)) {
		ALLOC_GROW(kids, n + 2, alloc);
		if (!n) {
			kids[n++] = k;
			col = ps->tok.col;
		}
		next(ps);
		ret = kind == N_OR ? parse_chain(ps, "and", N_AND, &k) : parse_binary(ps, 0, &k);
		if (!ret)
			kids[n++] = k;
	}
	if (!ret && n)
		ret = new_node(ps, kind, col, kids, n, &k);
	if (!ret)
		*out = k;
	free(kids);
	return ret;
}

static int parse_or(struct parser *ps, size_t *out)
{
	int ret;

	if (++ps->depth > EXPR_MAX_DEPTH)
		ret = fail(ps, ps->tok.col, "expression is nested too deeply (more than %d levels)",
			   EXPR_MAX_DEPTH);
	else
		ret = parse_chain(ps, "or", N_OR, out);
	ps->depth--;
	return ret;
}

int expr_parse(const char *src, struct expr **out, struct error *err)
{
	struct parser ps = { 0 };
	struct expr *e = xcalloc(1, sizeof(*e));
	const char *s;
	size_t root;
	int ret;

	*out = NULL;
	e->src = xstrdup(src);
	ps.p = ps.colp = e->src;
	ps.e = e;
	ps.err = err;
	for (s = src; is_space(*s); s++)
		;
	if (!*s) {
		ret = fail(&ps, 1, "expression is empty");
		goto out;
	}
	next(&ps);
	ret = parse_or(&ps, &root);
	if (!ret && ps.tok.t == T_RP)
		ret = fail(&ps, ps.tok.col, "unexpected ')'");
	else if (!ret && ps.tok.t != T_END)
		ret = fail(&ps, ps.tok.col, "unexpected text after the expression");
	if (ret || ps.failed) {
		ret = ERR_DATA;
		goto out;
	}
	e->root = root;
	*out = e;
	e = NULL;
out:
	expr_free(e);
	return ret;
}

void expr_free(struct expr *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->nnodes; i++)
		free(e->nodes[i].str);
	free(e->nodes);
	free(e->kids);
	free(e->refs);
	free(e->src);
	free(e);
}

const char *expr_source(const struct expr *e)
{
	return e->src;
}

void expr_refs(const struct expr *e,
	       void (*fn)(void *data, const char *name, int col, bool bare),
	       void *data)
{
	size_t i;

	for (i = 0; i < e->nrefs; i++)
		fn(data, e->refs[i].name, e->refs[i].col, e->refs[i].bare);
}

/* ---- evaluation ---- */

static int eval(const struct expr *e, size_t i, const struct expr_ctx *ctx,
		struct expr_value *out, struct error *err);

int expr_call_arg(const struct expr_call *c, size_t i, struct expr_value *out)
{
	return eval(c->e, c->args[i], c->ctx, out, c->err);
}

static bool compare(enum op op, const struct expr_value *a, const struct expr_value *b);

/*
 * XPath: a comparison with a nodeset is true when it holds for some item;
 * against a boolean, the nodeset counts as its own truth.
 */
static bool compare_items(enum op op, const struct expr_value *a, const struct expr_value *b)
{
	struct expr_value item = EXPR_VALUE_INIT, truth = EXPR_VALUE_INIT;
	size_t i;

	if (a->type != EXPR_NODESET)
		return compare_items(op == OP_LT ? OP_GT : op == OP_GT ? OP_LT :
				     op == OP_LE ? OP_GE : op == OP_GE ? OP_LE : op, b, a);
	if (b->type == EXPR_BOOL) {
		truth.type = EXPR_BOOL;
		truth.b = expr_to_bool(a);
		return compare(op, &truth, b);
	}
	/* The item is borrowed, never released. */
	for (i = 0; i < a->nitems; i++) {
		item.str = a->items[i];
		if (compare(op, &item, b))
			return true;
	}
	return false;
}

static bool is_numeric(const struct expr_value *v)
{
	return v->type == EXPR_NUMBER || v->type == EXPR_DATE;
}

static bool compare(enum op op, const struct expr_value *a, const struct expr_value *b)
{
	char *fa, *fb;
	double x, y;
	bool eq;

	if (a->type == EXPR_NODESET || b->type == EXPR_NODESET)
		return compare_items(op, a, b);
	if (op == OP_EQ || op == OP_NE) {
		if (a->type == EXPR_BOOL || b->type == EXPR_BOOL) {
			eq = expr_to_bool(a) == expr_to_bool(b);
		} else if (is_numeric(a) || is_numeric(b)) {
			eq = expr_to_number(a) == expr_to_number(b);
		} else {
			eq = !strcmp(expr_str_view(a, &fa), expr_str_view(b, &fb));
			free(fa);
			free(fb);
		}
		return op == OP_EQ ? eq : !eq;
	}
	x = expr_to_number(a);
	y = expr_to_number(b);
	switch (op) {
	case OP_LT:
		return x < y;
	case OP_LE:
		return x <= y;
	case OP_GT:
		return x > y;
	default:
		return x >= y;
	}
}

/* Arithmetic is on numbers: a date minus a date is days, a date plus days is days too. */
static void binary(enum op op, const struct expr_value *a, const struct expr_value *b,
		   struct expr_value *out)
{
	double x, y, r;

	if (op <= OP_GE) {
		expr_set_bool(out, compare(op, a, b));
		return;
	}
	x = expr_to_number(a);
	y = expr_to_number(b);
	switch (op) {
	case OP_ADD:
		r = x + y;
		break;
	case OP_SUB:
		r = x - y;
		break;
	case OP_MUL:
		r = x * y;
		break;
	case OP_DIV:
		r = x / y;
		break;
	default:
		r = fmod(x, y);
		break;
	}
	expr_set_number(out, r);
}

static int eval_name(const struct node *n, const struct expr_ctx *ctx, struct expr_value *out,
		     struct error *err)
{
	int ret;

	expr_value_release(out);
	if (n->kind == N_COLUMN) {
		if (!ctx->column)
			return 0;
		ret = ctx->column(ctx->data, n->str, out);
	} else {
		ret = ctx->lookup ? ctx->lookup(ctx->data, n->str, out) : ERR_NOTFOUND;
	}
	if (ret >= 0)
		return 0;
	expr_value_release(out);
	if (n->kind == N_COLUMN)
		return error_at(err, ERR_DATA, NULL, 0, n->col, "unknown column '%s'", n->str);
	return error_at(err, ERR_DATA, NULL, 0, n->col, "unknown field ${%s}", n->str);
}

static int eval(const struct expr *e, size_t i, const struct expr_ctx *ctx,
		struct expr_value *out, struct error *err)
{
	const struct node *n = &e->nodes[i];
	const size_t *kids = n->n ? e->kids + n->first : NULL;
	struct expr_value a = EXPR_VALUE_INIT, b = EXPR_VALUE_INIT;
	struct expr_call call;
	size_t k;
	int ret = 0;

	switch (n->kind) {
	case N_NUM:
		expr_set_number(out, n->num);
		break;
	case N_STR:
		expr_set_string(out, n->str);
		break;
	case N_DOT:
		expr_set_string(out, ctx->current);
		break;
	case N_DOTDOT:
		expr_set_string(out, NULL);
		break;
	case N_REF:
	case N_COLUMN:
		ret = eval_name(n, ctx, out, err);
		break;
	case N_NEG:
		ret = eval(e, kids[0], ctx, &a, err);
		if (!ret)
			expr_set_number(out, -expr_to_number(&a));
		break;
	case N_AND:
	case N_OR:
		/* Short-circuit: stop at the first operand that decides. */
		for (k = 0; !ret && k < n->n; k++) {
			ret = eval(e, kids[k], ctx, &a, err);
			if (!ret && expr_to_bool(&a) == (n->kind == N_OR))
				break;
		}
		if (!ret)
			expr_set_bool(out, n->kind == N_OR ? k < n->n : k == n->n);
		break;
	case N_BIN:
		ret = eval(e, kids[0], ctx, &a, err);
		if (!ret)
			ret = eval(e, kids[1], ctx, &b, err);
		if (!ret)
			binary(n->op, &a, &b, out);
		break;
	case N_CALL:
		call = (struct expr_call){ e, ctx, err, n->fn, n->n, kids, n->str, n->col };
		ret = n->fn->eval(&call, out);
		break;
	}
	expr_value_release(&a);
	expr_value_release(&b);
	return ret;
}

int expr_eval(const struct expr *e, const struct expr_ctx *ctx, struct expr_value *out,
	      struct error *err)
{
	int ret = eval(e, e->root, ctx, out, err);

	if (ret)
		expr_value_release(out);
	return ret;
}

bool expr_eval_bool(const struct expr *e, const struct expr_ctx *ctx, struct error *err)
{
	struct expr_value v = EXPR_VALUE_INIT;
	bool b = !expr_eval(e, ctx, &v, err) && expr_to_bool(&v);

	expr_value_release(&v);
	return b;
}

char *expr_eval_string(const struct expr *e, const struct expr_ctx *ctx, struct error *err)
{
	struct expr_value v = EXPR_VALUE_INIT;
	char *s = expr_eval(e, ctx, &v, err) ? NULL : expr_to_string(&v);

	expr_value_release(&v);
	return s;
}
