/*
 * record_canon.c - the fast path of record_parse(): reads the canonical
 * text exactly as record_write() writes it (keys in its order, two-space
 * indentation, one answer per line, its quoting rules, `!sealed`, lists)
 * in one pass, building the nodes directly.  It is not a second format:
 * whatever the writer would not have written declines, and libyaml reads
 * the text instead (record_priv.h).
 */
#include "record.h"

#include "record_priv.h"
#include "text.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Keys compared one by one for duplicates: beyond this many in one map
 * (no form has that many fields in a group) libyaml's hashed check reads
 * the text, so that a hostile file cannot make this quadratic.
 */
#define CANON_MAX_KEYS 256

struct canon {
	const char *p, *end;
	const char *bol; /* start of the line p is on */
	int line;        /* of p, from 1 */
	int depth;       /* maps and lists open, the record's own map included */
};

/* Column of p as libyaml counts it: in characters, from 1. */
static int column(const struct canon *c, const char *p)
{
	const char *q;
	int col = 1;

	for (q = c->bol; q < p; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

static bool at(const struct canon *c, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(c->end - c->p) >= n && !memcmp(c->p, s, n);
}

/* Steps over the line end at p. */
static void newline(struct canon *c)
{
	c->p++;
	c->bol = c->p;
	c->line++;
}

/* Spaces at the start of the line at p (which must be a line start), without moving. */
static int indentation(const struct canon *c)
{
	const char *q = c->p;

	while (q < c->end && *q == ' ')
		q++;
	return (int)(q - c->p);
}

/*
 * The writer escapes these in double quotes and so never leaves them in
 * its text: controls (tab and line ends included), DEL, C1, the line and
 * paragraph separators, the byte order mark, U+FFFE and U+FFFF.
 */
static bool escaped_only(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/* The code point at p, valid UTF-8 (checked for the whole text first), and its length. */
static uint32_t decode(const char *p, int *n)
{
	const unsigned char *s = (const unsigned char *)p;

	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*n = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	       (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

static void encode(struct sbuf *out, uint32_t cp)
{
	char b[4];

	if (cp < 0x80) {
		sbuf_addc(out, (char)cp);
	} else if (cp < 0x800) {
		b[0] = (char)(0xc0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(out, b, 2);
	} else {
		b[0] = (char)(0xe0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		sbuf_add(out, b, 3);
	}
}

static int hex_digits(const char *p, const char *end, int n, uint32_t *cp)
{
	int i;

	*cp = 0;
	for (i = 0; i < n; i++) {
		if (p + i >= end)
			return 1;
		if (p[i] >= '0' && p[i] <= '9')
			*cp = *cp << 4 | (uint32_t)(p[i] - '0');
		else if (p[i] >= 'A' && p[i] <= 'F')
			*cp = *cp << 4 | (uint32_t)(p[i] - 'A' + 10);
		else
			return 1;
	}
	return 0;
}

/*
 * A double-quoted scalar at p (on its quote), with the writer's escapes
 * only: \" \\ \n \t \xHH \uHHHH.  *out is the text, NFC; 1 declines.
 */
static int quoted(struct canon *c, char **out)
{
	struct sbuf sb = SBUF_INIT;
	const char *q = c->p + 1;
	uint32_t cp;
	int n;

	while (q < c->end && *q != '"') {
		if (*q != '\\') {
			cp = decode(q, &n);
			if (escaped_only(cp))
				goto decline;
			sbuf_add(&sb, q, (size_t)n);
			q += n;
			continue;
		}
		if (++q >= c->end)
			goto decline;
		n = *q == 'x' ? 2 : *q == 'u' ? 4 : 0;
		if (*q == '"' || *q == '\\')
			cp = (unsigned char)*q;
		else if (*q == 'n')
			cp = '\n';
		else if (*q == 't')
			cp = '\t';
		else if (!n || hex_digits(q + 1, c->end, n, &cp))
			goto decline;
		/* NUL is refused, a surrogate is no character: libyaml says so. */
		if (!cp || (cp >= 0xd800 && cp <= 0xdfff))
			goto decline;
		encode(&sb, cp);
		q += 1 + n;
	}
	if (q >= c->end)
		goto decline;
	*out = sbuf_detach(&sb);
	if (!text_is_nfc(*out)) {
		free(*out);
		*out = NULL;
		return 1;
	}
	c->p = q + 1;
	return 0;
decline:
	sbuf_release(&sb);
	return 1;
}

/*
 * A plain scalar: the rest of the line, which the writer would have
 * written plain (so every YAML reader reads it as it stands).
 */
static int plain(struct canon *c, char **out)
{
	const char *q = c->p;
	uint32_t cp;
	int n;

	while (q < c->end && *q != '\n') {
		cp = decode(q, &n);
		if (escaped_only(cp))
			return 1;
		q += n;
	}
	if (q >= c->end)
		return 1;
	*out = xstrndup(c->p, (size_t)(q - c->p));
	if (record_needs_quotes(*out) || !text_is_nfc(*out)) {
		free(*out);
		*out = NULL;
		return 1;
	}
	c->p = q;
	return 0;
}

static bool key_start(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool key_char(char ch)
{
	return key_start(ch) || (ch >= '0' && ch <= '9');
}

/* A key and its colon: a field name plain, anything else double-quoted, as write_key() does. */
static int key(struct canon *c, char **out)
{
	const char *q = c->p;

	if (q < c->end && *q == '"') {
		if (quoted(c, out))
			return 1;
		if (!**out || text_length(*out) > RECORD_MAX_KEY)
			goto decline;
	} else {
		if (q >= c->end || !key_start(*q))
			return 1;
		while (q < c->end && key_char(*q))
			q++;
		if (q - c->p > RECORD_MAX_KEY)
			return 1;
		*out = xstrndup(c->p, (size_t)(q - c->p));
		c->p = q;
	}
	if (c->p < c->end && *c->p == ':')
		return 0;
decline:
	free(*out);
	*out = NULL;
	return 1;
}

/* True when the item at p starts with a key (so it is a map), not an answer. */
static bool key_ahead(const struct canon *c)
{
	const char *s = c->p;
	size_t n = (size_t)(c->end - c->p), i = 0;

	if (n && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++)
			if (s[i] == '\\')
				i++;
		i++;
	} else {
		while (i < n && key_char(s[i]))
			i++;
		if (!i)
			return false;
	}
	return i + 1 < n && s[i] == ':' && (s[i + 1] == ' ' || s[i + 1] == '\n');
}

static struct record_node *node(struct canon *c, enum record_kind kind, const char *p)
{
	struct record_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = c->line;
	n->col = column(c, p);
	return n;
}

/* An answer at p, up to its line end (included): sealed, quoted or plain. */
static struct record_node *answer(struct canon *c)
{
	const char *start = c->p;
	bool sealed = at(c, "!sealed ");
	struct record_node *n;
	char *value;
	const char *q;

	if (sealed) {
		/* A sealed value is base64url (seal.h), which the writer puts plain after its tag. */
		for (q = c->p += 8; q < c->end && (key_char(*q) || *q == '-'); q++)
			;
		if (q == c->p || q >= c->end || *q != '\n')
			return NULL;
		value = xstrndup(c->p, (size_t)(q - c->p));
		c->p = q;
	} else if (c->p < c->end && *c->p == '"' ? quoted(c, &value) : plain(c, &value)) {
		return NULL;
	}
	if (c->p >= c->end || *c->p != '\n') {
		free(value);
		return NULL;
	}
	n = node(c, RECORD_SCALAR, *start == '"' ? start + 1 : start);
	n->value = value;
	n->sealed = sealed;
	newline(c);
	return n;
}

static struct record_node *map(struct canon *c, int ind, bool cont);
static struct record_node *list(struct canon *c, int ind, bool cont);

/* `{}` or `[]` and the line end: a group or repeat without answers. */
static struct record_node *empty(struct canon *c)
{
	enum record_kind kind = at(c, "{}\n") ? RECORD_MAP : RECORD_LIST;
	struct record_node *n;

	if (kind == RECORD_LIST && !at(c, "[]\n"))
		return NULL;
	n = node(c, kind, c->p);
	c->p += 2;
	newline(c);
	return n;
}

/*
 * What follows a key's colon: ` answer`, ` {}`, ` []`, or a line end and
 * a map or list two spaces deeper than the key at ind.
 */
static struct record_node *value(struct canon *c, int ind)
{
	if (at(c, " {}\n") || at(c, " []\n")) {
		c->p++;
		return empty(c);
	}
	if (at(c, " ")) {
		c->p++;
		return answer(c);
	}
	if (!at(c, "\n"))
		return NULL;
	newline(c);
	if (indentation(c) != ind + 2)
		return NULL;
	c->p += ind + 2;
	if (at(c, "- "))
		return list(c, ind + 2, true);
	return map(c, ind + 2, true);
}

/* One bit per key, so that most keys are known new without comparing them to the others. */
static uint64_t key_bit(const char *k)
{
	uint32_t h = 2166136261u;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return (uint64_t)1 << (h >> 26);
}

static bool open_one(struct canon *c)
{
	return ++c->depth < RECORD_MAX_DEPTH;
}

/*
 * A map whose keys are ind spaces in; cont: its first key is at p (after
 * its indentation or a list item's "- "), else at the next line start.
 * It ends before the first line indented less; NULL declines.
 */
static struct record_node *map(struct canon *c, int ind, bool cont)
{
	struct record_node *m = node(c, RECORD_MAP, c->p), *kid = NULL;
	uint64_t seen = 0; /* key_bit() of the keys so far */
	char *k;
	size_t i;
	int n;

	if (!open_one(c))
		goto decline;
	for (;; cont = false) {
		if (!cont) {
			if (c->p >= c->end || (n = indentation(c)) < ind)
				break;
			if (n > ind)
				goto decline;
			c->p += ind;
		}
		if (m->nkids >= CANON_MAX_KEYS || key(c, &k))
			goto decline;
		i = m->nkids;
		if (seen & key_bit(k))
			for (i = 0; i < m->nkids && strcmp(m->kids[i]->key, k); i++)
				;
		seen |= key_bit(k);
		c->p++;
		kid = i < m->nkids ? NULL : value(c, ind);
		if (!kid) {
			free(k);
			goto decline;
		}
		kid->key = k;
		record_node_add(m, kid);
	}
	c->depth--;
	return m;
decline:
	record_node_free(m);
	return NULL;
}

/* A list whose items' dashes are ind spaces in; cont as for map(). */
static struct record_node *list(struct canon *c, int ind, bool cont)
{
	struct record_node *l = node(c, RECORD_LIST, c->p), *item;
	int n;

	if (!open_one(c))
		goto decline;
	for (;; cont = false) {
		if (!cont) {
			if (c->p >= c->end || (n = indentation(c)) < ind)
				break;
			if (n > ind)
				goto decline;
			c->p += ind;
		}
		if (!at(c, "- "))
			goto decline;
		c->p += 2;
		if (at(c, "{}\n") || at(c, "[]\n"))
			item = empty(c);
		else if (at(c, "- "))
			item = list(c, ind + 2, true);
		else if (key_ahead(c))
			item = map(c, ind + 2, true);
		else
			item = answer(c);
		if (!item)
			goto decline;
		record_node_add(l, item);
	}
	c->depth--;
	return l;
decline:
	record_node_free(l);
	return NULL;
}

/* A line `KEY: value` at the start of a line, value plain or quoted. */
static int field(struct canon *c, const char *name, char **out)
{
	size_t n = strlen(name);

	if (!(c->end - c->p > (ptrdiff_t)n + 1 && !memcmp(c->p, name, n) && c->p[n] == ':' &&
	      c->p[n + 1] == ' '))
		return 1;
	c->p += n + 2;
	if (c->p < c->end && *c->p == '"' ? quoted(c, out) : plain(c, out))
		return 1;
	if (c->p < c->end && *c->p == '\n') {
		newline(c);
		return 0;
	}
	free(*out);
	*out = NULL;
	return 1;
}

/* The fields of r that record_write() writes, in its order, by key. */
static int fields(struct canon *c, struct record *r, bool meta)
{
	const struct {
		const char *key;
		char **slot;
	} top[] = {
		{ "id", &r->id }, { "form", &r->form }, { "version", &r->version },
		{ "status", &r->status },
	}, sub[] = {
		{ "created", &r->created }, { "modified", &r->modified },
		{ "enumerator", &r->enumerator }, { "device", &r->device },
		{ "review", &r->review },
	};
	const size_t n = meta ? sizeof(sub) / sizeof(*sub) : sizeof(top) / sizeof(*top);
	const char *ind = meta ? "  " : "";
	size_t i, seen = 0;

	for (i = 0; i < n; i++) {
		if (!at(c, ind) || (c->p += strlen(ind), !at(c, (meta ? sub : top)[i].key))) {
			c->p = c->bol;
			continue;
		}
		if (field(c, (meta ? sub : top)[i].key, (meta ? sub : top)[i].slot))
			return 1;
		seen++;
	}
	/* `meta:` with nothing under it is no meta: the writer leaves it out. */
	return meta && !seen;
}

int record_canon_parse(const char *buf, size_t len, struct record *r)
{
	struct canon c = { buf, buf + len, buf, 1, 1 };
	struct record_node *data = NULL;

	if (len > RECORD_MAX_SIZE || text_valid_prefix(buf, len) < len)
		return 1;
	if (fields(&c, r, false))
		goto decline;
	if (at(&c, "meta:\n")) {
		c.p += 5;
		newline(&c);
		if (fields(&c, r, true))
			goto decline;
	}
	if (!at(&c, "data:"))
		goto decline;
	c.p += 5;
	data = value(&c, 0);
	if (!data || data->kind != RECORD_MAP || c.p != c.end)
		goto decline;
	record_node_free(r->data);
	r->data = data;
	return 0;
decline:
	record_node_free(data);
	record_release(r);
	record_init(r);
	return 1;
}
