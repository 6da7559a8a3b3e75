/*
 * record.c - the record, its answer tree, and the canonical text
 * (DESIGN.md §3) that record_write() gives it.
 */
#include "record.h"

#include "record_priv.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

struct record_node *record_node_new(enum record_kind kind, const char *key, const char *value)
{
	struct record_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->key = key ? xstrdup(key) : NULL;
	if (kind == RECORD_SCALAR)
		n->value = xstrdup(value ? value : "");
	return n;
}

void record_node_free(struct record_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		record_node_free(n->kids[i]);
	free(n->kids);
	free(n->key);
	free(n->value);
	free(n);
}

void record_node_add(struct record_node *parent, struct record_node *kid)
{
	ALLOC_GROW(parent->kids, parent->nkids + 1, parent->alloc);
	parent->kids[parent->nkids++] = kid;
}

void record_node_remove(struct record_node *parent, size_t i)
{
	if (i >= parent->nkids)
		return;
	record_node_free(parent->kids[i]);
	memmove(parent->kids + i, parent->kids + i + 1,
		(parent->nkids - i - 1) * sizeof(*parent->kids));
	parent->nkids--;
}

struct record_node *record_node_get(const struct record_node *map, const char *key)
{
	size_t i;

	if (!map || map->kind != RECORD_MAP)
		return NULL;
	for (i = 0; i < map->nkids; i++)
		if (map->kids[i]->key && !strcmp(map->kids[i]->key, key))
			return map->kids[i];
	return NULL;
}

const char *record_node_value(const struct record_node *map, const char *key)
{
	const struct record_node *n = record_node_get(map, key);

	return n && n->kind == RECORD_SCALAR ? n->value : NULL;
}

void record_node_set(struct record_node *map, const char *key, const char *value)
{
	struct record_node *n = record_node_get(map, key);
	size_t i;

	if (!n) {
		record_node_add(map, record_node_new(RECORD_SCALAR, key, value));
		return;
	}
	/* A group or repeat answered by a plain value becomes that value. */
	for (i = 0; i < n->nkids; i++)
		record_node_free(n->kids[i]);
	free(n->kids);
	n->kids = NULL;
	n->nkids = n->alloc = 0;
	n->kind = RECORD_SCALAR;
	n->sealed = false;
	free(n->value);
	n->value = xstrdup(value ? value : "");
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

bool record_node_equal(const struct record_node *a, const struct record_node *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || !str_equal(a->key, b->key) || a->nkids != b->nkids)
		return false;
	if (a->kind == RECORD_SCALAR)
		return a->sealed == b->sealed && str_equal(a->value, b->value);
	for (i = 0; i < a->nkids; i++)
		if (!record_node_equal(a->kids[i], b->kids[i]))
			return false;
	return true;
}

static struct record_node *node_copy(const struct record_node *src)
{
	struct record_node *n = record_node_new(src->kind, src->key, src->value);
	size_t i;

	n->line = src->line;
	n->col = src->col;
	n->sealed = src->sealed;
	for (i = 0; i < src->nkids; i++)
		record_node_add(n, node_copy(src->kids[i]));
	return n;
}

void record_init(struct record *r)
{
	memset(r, 0, sizeof(*r));
	r->data = record_node_new(RECORD_MAP, NULL, NULL);
}

void record_release(struct record *r)
{
	free(r->id);
	free(r->form);
	free(r->version);
	free(r->status);
	free(r->created);
	free(r->modified);
	free(r->enumerator);
	free(r->device);
	free(r->review);
	free(r->file);
	record_node_free(r->data);
	memset(r, 0, sizeof(*r));
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void record_copy(struct record *dst, const struct record *src)
{
	dst->id = dup_or_null(src->id);
	dst->form = dup_or_null(src->form);
	dst->version = dup_or_null(src->version);
	dst->status = dup_or_null(src->status);
	dst->created = dup_or_null(src->created);
	dst->modified = dup_or_null(src->modified);
	dst->enumerator = dup_or_null(src->enumerator);
	dst->device = dup_or_null(src->device);
	dst->review = dup_or_null(src->review);
	dst->file = dup_or_null(src->file);
	dst->data = src->data ? node_copy(src->data) : record_node_new(RECORD_MAP, NULL, NULL);
}

bool record_status_valid(const char *status)
{
	static const char *const valid[] = { "draft", "complete", "void", "rejected" };
	size_t i;

	for (i = 0; status && i < sizeof(valid) / sizeof(*valid); i++)
		if (!strcmp(status, valid[i]))
			return true;
	return false;
}

/*
 * The canonical text.  A scalar is written plain when every YAML reader,
 * 1.1 or 1.2, would read the same string back; otherwise double-quoted.
 */

static const char *const yaml_words[] = {
	"null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
	"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
	"y", "Y", "n", "N",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* -5, -2.5: a negative number may start with the '-' indicator and stay plain. */
static bool negative_number(const char *s)
{
	if (*s++ != '-' || !is_digit(*s))
		return false;
	while (is_digit(*s))
		s++;
	if (*s == '.' && is_digit(s[1]))
		for (s++; is_digit(*s); s++)
			;
	return !*s;
}

/*
 * 0912345678, 007, 0x1F, 09:14: numbers (octal, hex or sexagesimal in YAML
 * 1.1) that other tools would read without their leading zero.
 */
static bool leading_zero_number(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (s[0] != '0' || !s[1] || !(is_digit(s[1]) || strchr("_xXoObB", s[1])))
		return false;
	return strspn(s, "0123456789abcdefABCDEFxXoO_.:") == strlen(s);
}

/*
 * Code points written as escapes: those libyaml will not read as they are,
 * even between quotes (C0 and C1 controls, DEL, U+FFFE and U+FFFF), line
 * and paragraph separators (line breaks to YAML), and the byte order mark,
 * invisible and dropped by readers at the start of a line.
 */
static bool needs_escape(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/*
 * The code point at s (NUL-terminated) and its length in *n.  A byte that
 * is not UTF-8 is copied as it is: it counts as U+FFFD, which needs no escape.
 */
static uint32_t decode(const char *s, int *n)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);

	*n = k > 0 ? (int)k : 1;
	return k > 0 ? (uint32_t)cp : 0xfffd;
}

bool record_needs_quotes(const char *s)
{
	size_t len = strlen(s), i;
	int n;

	if (!len || s[0] == ' ' || s[len - 1] == ' ' || s[len - 1] == ':')
		return true;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) && !negative_number(s))
		return true;
	if (strstr(s, ": ") || strstr(s, " #") || leading_zero_number(s))
		return true;
	/* None of the words is longer than "false": most answers need not be compared. */
	for (i = 0; len <= 5 && i < sizeof(yaml_words) / sizeof(*yaml_words); i++)
		if (!strcmp(s, yaml_words[i]))
			return true;
	for (i = 0; i < len; i += (size_t)n)
		if (needs_escape(decode(s + i, &n)))
			return true;
	return false;
}

static void write_quoted(struct sbuf *out, const char *s)
{
	uint32_t cp;
	int n;

	sbuf_addc(out, '"');
	for (; *s; s += n) {
		cp = decode(s, &n);
		if (cp == '"' || cp == '\\')
			sbuf_addf(out, "\\%c", (char)cp);
		else if (cp == '\n')
			sbuf_adds(out, "\\n");
		else if (cp == '\t')
			sbuf_adds(out, "\\t");
		else if (needs_escape(cp) && cp <= 0xff)
			sbuf_addf(out, "\\x%02X", (unsigned)cp);
		else if (needs_escape(cp))
			sbuf_addf(out, "\\u%04X", (unsigned)cp);
		else
			sbuf_add(out, s, (size_t)n);
	}
	sbuf_addc(out, '"');
}

static void write_scalar(struct sbuf *out, const char *s)
{
	if (record_needs_quotes(s))
		write_quoted(out, s);
	else
		sbuf_adds(out, s);
}

/* A sealed value is base64url (forms/seal.h): plain after its tag. */
static void write_value(struct sbuf *out, const struct record_node *n)
{
	if (n->sealed) {
		sbuf_adds(out, "!sealed ");
		sbuf_adds(out, n->value);
		return;
	}
	write_scalar(out, n->value);
}

/* A key: a field name is written plain; anything else read from a file as a scalar. */
static void write_key(struct sbuf *out, const char *key)
{
	const char *p = key;

	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
		for (p++; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
			  is_digit(*p); p++)
			;
	if (p > key && !*p)
		sbuf_adds(out, key);
	else
		write_quoted(out, key);
	sbuf_addc(out, ':');
}

/*
 * How a subtree is written: `cont` means the line is already started by a
 * list item's "- ", so the first line takes no indentation; `answers`
 * leaves out list items' `_id`s.
 */
struct writer {
	struct sbuf *out;
	bool cont;
	bool answers;
};

static void indent(struct writer *w, int ind)
{
	if (w->cont)
		w->cont = false;
	else
		sbuf_addf(w->out, "%*s", ind, "");
}

static bool skipped(const struct writer *w, const struct record_node *kid, bool item)
{
	return w->answers && item && kid->key && !strcmp(kid->key, "_id");
}

static bool empty(const struct writer *w, const struct record_node *n, bool item)
{
	size_t i;

	for (i = 0; i < n->nkids; i++)
		if (!skipped(w, n->kids[i], item))
			return false;
	return true;
}

static void write_map(struct writer *w, const struct record_node *map, int ind, bool item);

static void write_list(struct writer *w, const struct record_node *list, int ind)
{
	const struct record_node *item;
	size_t i;

	for (i = 0; i < list->nkids; i++) {
		item = list->kids[i];
		indent(w, ind);
		sbuf_adds(w->out, "- ");
		if (item->kind == RECORD_SCALAR) {
			write_value(w->out, item);
			sbuf_addc(w->out, '\n');
		} else if (empty(w, item, item->kind == RECORD_MAP)) {
			sbuf_adds(w->out, item->kind == RECORD_MAP ? "{}\n" : "[]\n");
		} else {
			w->cont = true;
			if (item->kind == RECORD_MAP)
				write_map(w, item, ind + 2, true);
			else
				write_list(w, item, ind + 2);
		}
	}
}

static void write_map(struct writer *w, const struct record_node *map, int ind, bool item)
{
	const struct record_node *kid;
	size_t i;

	for (i = 0; i < map->nkids; i++) {
		kid = map->kids[i];
		if (skipped(w, kid, item))
			continue;
		indent(w, ind);
		write_key(w->out, kid->key ? kid->key : "");
		if (kid->kind == RECORD_SCALAR) {
			sbuf_addc(w->out, ' ');
			write_value(w->out, kid);
			sbuf_addc(w->out, '\n');
		} else if (empty(w, kid, false)) {
			sbuf_adds(w->out, kid->kind == RECORD_MAP ? " {}\n" : " []\n");
		} else {
			sbuf_addc(w->out, '\n');
			if (kid->kind == RECORD_MAP)
				write_map(w, kid, ind + 2, false);
			else
				write_list(w, kid, ind + 2);
		}
	}
}

static void write_field(struct sbuf *out, const char *key, const char *value, int ind)
{
	if (!value)
		return;
	sbuf_addf(out, "%*s%s: ", ind, "", key);
	write_scalar(out, value);
	sbuf_addc(out, '\n');
}

void record_write(const struct record *r, struct sbuf *out)
{
	struct writer w = { out, false, false };

	write_field(out, "id", r->id, 0);
	write_field(out, "form", r->form, 0);
	/* Quoted always: "2026.1" and "1.10" are versions, not the numbers YAML tools see. */
	if (r->version) {
		sbuf_adds(out, "version: ");
		write_quoted(out, r->version);
		sbuf_addc(out, '\n');
	}
	write_field(out, "status", r->status, 0);
	if (r->created || r->modified || r->enumerator || r->device || r->review) {
		sbuf_adds(out, "meta:\n");
		write_field(out, "created", r->created, 2);
		write_field(out, "modified", r->modified, 2);
		write_field(out, "enumerator", r->enumerator, 2);
		write_field(out, "device", r->device, 2);
		write_field(out, "review", r->review, 2);
	}
	if (!r->data || !r->data->nkids) {
		sbuf_adds(out, "data: {}\n");
		return;
	}
	sbuf_adds(out, "data:\n");
	write_map(&w, r->data, 2, false);
}

void record_write_answers(const struct record *r, struct sbuf *out)
{
	struct writer w = { out, false, true };

	if (r->data)
		write_map(&w, r->data, 2, false);
}
