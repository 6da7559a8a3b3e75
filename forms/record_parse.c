/*
 * record_parse.c - the strict YAML reader behind record files and form
 * definitions (libyaml's event API, so that nothing is built that the
 * limits have not let through), and the record made from its tree.
 */
#include "record.h"

#include "record_priv.h"
#include "text.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/*
 * The keys seen in one open mapping, hashed: a hostile file may hold a
 * mapping of a hundred thousand keys, and comparing each new key with all
 * the others would take minutes.
 */
struct key_seen {
	char *key;
	int line;
};

struct keyset {
	struct key_seen *slots;
	size_t n, cap; /* cap: a power of two, or 0 */
};

static size_t key_hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct key_seen *keyset_slot(struct key_seen *slots, size_t cap, const char *key)
{
	size_t i = key_hash(key) & (cap - 1);

	while (slots[i].key && strcmp(slots[i].key, key))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Adds key (copied), or returns the line it was first seen at when it is there already. */
static int keyset_add(struct keyset *ks, const char *key, int line)
{
	struct key_seen *slot;
	size_t i;

	if (2 * (ks->n + 1) > ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 8;
		struct key_seen *slots = xcalloc(cap, sizeof(*slots));

		for (i = 0; i < ks->cap; i++)
			if (ks->slots[i].key)
				*keyset_slot(slots, cap, ks->slots[i].key) = ks->slots[i];
		free(ks->slots);
		ks->slots = slots;
		ks->cap = cap;
	}
	slot = keyset_slot(ks->slots, ks->cap, key);
	if (slot->key)
		return slot->line;
	slot->key = xstrdup(key);
	slot->line = line;
	ks->n++;
	return 0;
}

static void keyset_release(struct keyset *ks)
{
	size_t i;

	for (i = 0; i < ks->cap; i++)
		free(ks->slots[i].key);
	free(ks->slots);
}

/* An open mapping or sequence.  Its node already hangs in the tree, which owns it. */
struct frame {
	struct record_node *node;
	struct keyset keys; /* a mapping's keys so far */
	char *key;          /* a mapping's key waiting for its value; NULL when a key is next */
};

struct reader {
	yaml_parser_t parser;
	const char *file;
	struct error *err;
	struct frame *stack;
	size_t depth, alloc;
	struct record_node *root;
	int ndocs;
	bool keep_empty; /* RECORD_TREE_KEEP_EMPTY */
	bool sealed_ok;  /* RECORD_TREE_SEALED */
};

static int mark_line(yaml_mark_t m)
{
	return m.line < INT_MAX ? (int)m.line + 1 : INT_MAX;
}

static int mark_col(yaml_mark_t m)
{
	return m.column < INT_MAX ? (int)m.column + 1 : INT_MAX;
}

static int fail_at(struct reader *rd, yaml_mark_t m, const char *fmt, ...) ATTR_PRINTF(3, 4);
static int fail_at(struct reader *rd, yaml_mark_t m, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	error_at(rd->err, ERR_DATA, rd->file, mark_line(m), mark_col(m), "%s", sbuf_str(&msg));
	sbuf_release(&msg);
	return ERR_DATA;
}

/* Line and column (in characters, as libyaml counts them) of byte offset off. */
static void offset_position(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

static int syntax_error(struct reader *rd, const char *buf)
{
	yaml_parser_t *p = &rd->parser;
	struct sbuf msg = SBUF_INIT;
	int line, col;

	if (p->error == YAML_MEMORY_ERROR)
		die("out of memory (reading YAML)");
	if (p->error == YAML_READER_ERROR) {
		/* libyaml sets no mark for what its reader refuses, only a byte offset. */
		offset_position(buf, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			sbuf_addf(&msg, "%s (U+%04X): write it as an escape in double quotes",
				  p->problem, (unsigned)p->problem_value);
		else
			sbuf_adds(&msg, p->problem ? p->problem : "cannot read the text");
	} else {
		line = mark_line(p->problem_mark);
		col = mark_col(p->problem_mark);
		sbuf_adds(&msg, p->problem ? p->problem : "YAML syntax error");
		if (p->context)
			sbuf_addf(&msg, " (%s at line %d)", p->context, mark_line(p->context_mark));
	}
	error_at(rd->err, ERR_DATA, rd->file, line, col, "%s", sbuf_str(&msg));
	sbuf_release(&msg);
	return ERR_DATA;
}

/*
 * What every node refuses: anchors (and so aliases, which need them, and
 * the exponential expansion they allow) and tags.  A tag the program gives
 * a meaning to would be let through here.
 */
static int check_props(struct reader *rd, yaml_mark_t m, const yaml_char_t *anchor,
		       const yaml_char_t *tag)
{
	if (anchor)
		return fail_at(rd, m, "%s", "YAML anchors and aliases are not allowed in records "
			       "or forms: write each value out");
	if (tag)
		return fail_at(rd, m, "YAML tags such as '%s' are not allowed: every value is "
			       "a string", (const char *)tag);
	return 0;
}

/*
 * Hangs n (with the pending key of the open mapping, if any) in the tree.
 * n is NULL for an empty plain value, which stands for no answer: its key
 * is kept out of the tree, but still counts for duplicates.
 */
static void attach(struct reader *rd, struct record_node *n)
{
	struct frame *top = rd->depth ? &rd->stack[rd->depth - 1] : NULL;

	if (!top) {
		rd->root = n;
		return;
	}
	if (n) {
		n->key = top->key;
		top->key = NULL;
		record_node_add(top->node, n);
	}
	free(top->key);
	top->key = NULL;
}

/* A scalar as text: valid UTF-8 without NUL (double-quoted escapes can make one), in NFC. */
static char *scalar_text(struct reader *rd, const yaml_event_t *ev, yaml_mark_t m)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	char *nfc;

	if (!text_valid(v, len)) {
		fail_at(rd, m, "%s", memchr(v, 0, len) ?
			"a NUL character is not allowed in text" : "invalid UTF-8 in text");
		return NULL;
	}
	nfc = text_nfc(v);
	if (!nfc)
		fail_at(rd, m, "%s", "invalid UTF-8 in text");
	return nfc;
}

static bool expecting_key(const struct reader *rd)
{
	return rd->depth && rd->stack[rd->depth - 1].node->kind == RECORD_MAP &&
	       !rd->stack[rd->depth - 1].key;
}

/* The one tag with a meaning: an answer sealed to the district's key (forms/seal.h). */
static bool sealed_tag(const struct reader *rd, const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	return rd->sealed_ok && tag && !strcmp(tag, "!sealed");
}

/* A sealed value is base64url without padding, as seal_value() writes it. */
static int check_sealed(struct reader *rd, yaml_mark_t m, const char *text)
{
	if (!*text || text[strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789-_")])
		return fail_at(rd, m, "%s", "a !sealed value must be the base64url text that "
			       "dieutra wrote: it was damaged");
	return 0;
}

static int on_scalar(struct reader *rd, const yaml_event_t *ev)
{
	const yaml_scalar_style_t style = ev->data.scalar.style;
	const bool sealed = sealed_tag(rd, ev);
	struct record_node *n;
	yaml_mark_t m = ev->start_mark;
	char *text;
	int first;

	if (check_props(rd, m, ev->data.scalar.anchor, sealed ? NULL : ev->data.scalar.tag))
		return ERR_DATA;
	/* The content of a quoted scalar starts after its quote. */
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		m.column++;
	text = scalar_text(rd, ev, m);
	if (!text)
		return ERR_DATA;
	if (expecting_key(rd)) {
		struct frame *top = &rd->stack[rd->depth - 1];

		if (sealed) {
			free(text);
			return fail_at(rd, m, "%s", "a key cannot be sealed, only an answer");
		}
		if (!*text || text_length(text) > RECORD_MAX_KEY) {
			if (*text)
				fail_at(rd, m, "a key cannot be longer than %d characters",
					RECORD_MAX_KEY);
			else
				fail_at(rd, m, "%s", "a key cannot be empty");
			free(text);
			return ERR_DATA;
		}
		first = keyset_add(&top->keys, text, mark_line(m));
		if (first) {
			fail_at(rd, m, "duplicate key '%s' (first at line %d)", text, first);
			free(text);
			return ERR_DATA;
		}
		top->key = text;
		return 0;
	}
	if (sealed && check_sealed(rd, m, text)) {
		free(text);
		return ERR_DATA;
	}
	if (style == YAML_PLAIN_SCALAR_STYLE && !*text && !rd->keep_empty) {
		free(text);
		attach(rd, NULL);
		return 0;
	}
	n = record_node_new(RECORD_SCALAR, NULL, NULL);
	free(n->value);
	n->value = text;
	n->sealed = sealed;
	n->line = mark_line(m);
	n->col = mark_col(m);
	attach(rd, n);
	return 0;
}

static int on_start(struct reader *rd, const yaml_event_t *ev, enum record_kind kind)
{
	const bool map = kind == RECORD_MAP;
	struct record_node *n;
	struct frame *f;

	if (check_props(rd, ev->start_mark,
			map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor,
			map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag))
		return ERR_DATA;
	if (expecting_key(rd))
		return fail_at(rd, ev->start_mark, "a key must be a string, not a %s",
			       map ? "map" : "list");
	if (rd->depth >= RECORD_MAX_DEPTH)
		return fail_at(rd, ev->start_mark, "maps and lists nested too deep (more than %d "
			       "levels)", RECORD_MAX_DEPTH);
	n = record_node_new(kind, NULL, NULL);
	n->line = mark_line(ev->start_mark);
	n->col = mark_col(ev->start_mark);
	attach(rd, n);
	ALLOC_GROW(rd->stack, rd->depth + 1, rd->alloc);
	f = &rd->stack[rd->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	return 0;
}

static void pop(struct reader *rd)
{
	struct frame *f = &rd->stack[--rd->depth];

	keyset_release(&f->keys);
	free(f->key);
}

static int on_event(struct reader *rd, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (rd->ndocs++)
			return fail_at(rd, ev->start_mark, "%s",
				       "more than one YAML document: a file holds one");
		return 0;
	case YAML_ALIAS_EVENT:
		return check_props(rd, ev->start_mark, ev->data.alias.anchor, NULL);
	case YAML_SCALAR_EVENT:
		return on_scalar(rd, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(rd, ev, RECORD_LIST);
	case YAML_MAPPING_START_EVENT:
		return on_start(rd, ev, RECORD_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		pop(rd);
		return 0;
	default:
		return 0;
	}
}

int record_tree_parse(const char *buf, size_t len, const char *file, unsigned flags,
		      struct record_node **out, struct error *err)
{
	struct reader rd = { .file = file, .err = err,
			     .keep_empty = flags & RECORD_TREE_KEEP_EMPTY,
			     .sealed_ok = flags & RECORD_TREE_SEALED };
	yaml_event_t ev;
	bool done = false;
	int ret = ERR_DATA, line, col;
	size_t ok;

	*out = NULL;
	if (len > RECORD_MAX_SIZE)
		return error_at(err, ERR_DATA, file, 0, 0, "too large: %zu bytes, more than the "
				"%u MiB a file may hold", len, RECORD_MAX_SIZE >> 20);
	ok = text_valid_prefix(buf, len);
	if (ok < len) {
		offset_position(buf, ok, &line, &col);
		return error_at(err, ERR_DATA, file, line, col, buf[ok] ?
				"invalid UTF-8 (byte 0x%02X): save the file as UTF-8" :
				"a NUL byte (0x%02X): this is not a text file",
				(unsigned char)buf[ok]);
	}
	if (!yaml_parser_initialize(&rd.parser))
		die("out of memory (starting the YAML reader)");
	yaml_parser_set_input_string(&rd.parser, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&rd.parser, &ev)) {
			ret = syntax_error(&rd, buf);
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ret = on_event(&rd, &ev);
		yaml_event_delete(&ev);
		if (ret)
			goto out;
	}
	*out = rd.root;
	rd.root = NULL;
	ret = 0;
out:
	while (rd.depth)
		pop(&rd);
	free(rd.stack);
	record_node_free(rd.root);
	yaml_parser_delete(&rd.parser);
	return ret;
}

#define TOP_KEYS "id, form, version, status, meta or data"
#define META_KEYS "created, modified, enumerator, device or review"

/* The string fields of struct record, by the key that holds them. */
struct field_slot {
	const char *key;
	size_t offset;
};

static const struct field_slot top_fields[] = {
	{ "id", offsetof(struct record, id) },
	{ "form", offsetof(struct record, form) },
	{ "version", offsetof(struct record, version) },
	{ "status", offsetof(struct record, status) },
};

static const struct field_slot meta_fields[] = {
	{ "created", offsetof(struct record, created) },
	{ "modified", offsetof(struct record, modified) },
	{ "enumerator", offsetof(struct record, enumerator) },
	{ "device", offsetof(struct record, device) },
	{ "review", offsetof(struct record, review) },
};

static const char *kind_name(enum record_kind kind)
{
	return kind == RECORD_MAP ? "map" : kind == RECORD_LIST ? "list" : "string";
}

/*
 * Stores scalar n in the field of r that slots[] names for its key.
 * Returns 1 when the key is not among slots[], else 0 or ERR_DATA.
 */
static int take_field(struct record *r, const struct field_slot *slots, size_t nslots,
		      const struct record_node *n, const char *file, struct error *err)
{
	size_t i;

	for (i = 0; i < nslots && strcmp(n->key, slots[i].key); i++)
		;
	if (i == nslots)
		return 1;
	if (n->kind != RECORD_SCALAR)
		return error_at(err, ERR_DATA, file, n->line, n->col, "'%s' must be a string, "
				"not a %s", n->key, kind_name(n->kind));
	if (n->sealed)
		return error_at(err, ERR_DATA, file, n->line, n->col, "'%s' cannot be sealed: "
				"only answers under data are", n->key);
	*(char **)((char *)r + slots[i].offset) = xstrdup(n->value);
	return 0;
}

static int take_meta(struct record *r, const struct record_node *meta, const char *file,
		     struct error *err)
{
	const size_t nslots = sizeof(meta_fields) / sizeof(*meta_fields);
	int ret = 0, e;
	size_t i;

	if (meta->kind != RECORD_MAP)
		return error_at(err, ERR_DATA, file, meta->line, meta->col, "'meta' must be a map "
				"of " META_KEYS ", not a %s", kind_name(meta->kind));
	for (i = 0; i < meta->nkids; i++) {
		e = take_field(r, meta_fields, nslots, meta->kids[i], file, err);
		if (e > 0)
			e = error_at(err, ERR_DATA, file, meta->kids[i]->line, meta->kids[i]->col,
				     "unknown key '%s' in meta (expected " META_KEYS ")",
				     meta->kids[i]->key);
		ret = e ? e : ret;
	}
	return ret;
}

/*
 * Takes the answers from `data` by swapping them with r's empty map, which
 * the tree then frees; the key goes, as record_init()'s map has none.
 */
static int take_data(struct record *r, struct record_node **slot, const char *file,
		     struct error *err)
{
	struct record_node *data = *slot;

	if (data->kind != RECORD_MAP)
		return error_at(err, ERR_DATA, file, data->line, data->col, "'data' must be a map "
				"of answers, not a %s", kind_name(data->kind));
	*slot = r->data;
	r->data = data;
	free(data->key);
	data->key = NULL;
	return 0;
}

static int take_record(struct record *r, struct record_node *root, const char *file,
		       struct error *err)
{
	const size_t nslots = sizeof(top_fields) / sizeof(*top_fields);
	struct record_node *n;
	int ret = 0, e;
	size_t i;

	if (!root)
		return error_at(err, ERR_DATA, file, 1, 1, "the record is empty: it needs at "
				"least form, version and data");
	if (root->kind != RECORD_MAP)
		return error_at(err, ERR_DATA, file, root->line, root->col, "a record is a map "
				"with the keys " TOP_KEYS ", not a %s", kind_name(root->kind));
	for (i = 0; i < root->nkids; i++) {
		n = root->kids[i];
		if (!strcmp(n->key, "data"))
			e = take_data(r, &root->kids[i], file, err);
		else if (!strcmp(n->key, "meta"))
			e = take_meta(r, n, file, err);
		else if ((e = take_field(r, top_fields, nslots, n, file, err)) > 0)
			e = error_at(err, ERR_DATA, file, n->line, n->col,
				     "unknown key '%s' (expected " TOP_KEYS ")", n->key);
		ret = e ? e : ret;
	}
	return ret;
}

int record_parse_yaml(const char *buf, size_t len, const char *file, struct record *r,
		      struct error *err)
{
	struct record_node *root = NULL;
	int ret;

	record_release(r);
	record_init(r);
	ret = record_tree_parse(buf, len, file, RECORD_TREE_SEALED, &root, err);
	if (!ret)
		ret = take_record(r, root, file, err);
	record_node_free(root);
	if (ret) {
		record_release(r);
		record_init(r);
		return ret;
	}
	r->file = file ? xstrdup(file) : NULL;
	return 0;
}

/*
 * Records in a store or a repository are almost all the writer's own
 * text: reading that directly is several times faster than libyaml, which
 * still reads everything else and says what is wrong with it.
 */
int record_parse(const char *buf, size_t len, const char *file, struct record *r,
		 struct error *err)
{
	record_release(r);
	record_init(r);
	if (record_canon_parse(buf, len, r))
		return record_parse_yaml(buf, len, file, r, err);
	r->file = file ? xstrdup(file) : NULL;
	return 0;
}
