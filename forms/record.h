/*
 * record.h - one form instance (a household with its children) and its
 * canonical text form (DESIGN.md §3): the file committed to the district
 * repository, what `dieutra show` prints and what `dieutra add` reads.
 *
 * The canonical text is deterministic: keys in the order of the record's
 * nodes (validate_record() puts them in form order), one answer per line,
 * two-space indentation, UTF-8 NFC, LF line ends, a final newline.  Every
 * answer is a string; the parser never guesses types (`members: 5` is the
 * string "5"), so record_parse(record_write(r)) equals r for every record.
 */
#ifndef DIEUTRA_RECORD_H
#define DIEUTRA_RECORD_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct sbuf;

#define RECORD_MAX_SIZE (4u << 20) /* bytes of one record file */
#define RECORD_MAX_DEPTH 32 /* maps and lists open at once, the outermost included */
/* Characters in a key: names, short enough that any key, escaped, is a YAML simple key. */
#define RECORD_MAX_KEY 128

enum record_kind {
	RECORD_SCALAR, /* an answer */
	RECORD_MAP,    /* a group, a repeat item, or `data` itself */
	RECORD_LIST,   /* a repeat: a list of maps */
};

/* A node of the answer tree. */
struct record_node {
	enum record_kind kind;
	char *key;                 /* name within the parent map; NULL in a list */
	char *value;               /* RECORD_SCALAR: the answer, never NULL */
	/*
	 * RECORD_SCALAR: value is an answer sealed to the district's key
	 * (forms/seal.h), written `key: !sealed VALUE`: opaque until opened.
	 */
	bool sealed;
	struct record_node **kids; /* RECORD_MAP / RECORD_LIST: owned */
	size_t nkids, alloc;
	int line, col;             /* where it was parsed, 0 when built in memory */
};

struct record {
	char *id;        /* NULL until assigned */
	char *form;
	char *version;
	char *status;    /* draft, complete, void, rejected; NULL = not given */
	char *created, *modified, *enumerator, *device; /* meta, may be NULL */
	char *review;    /* meta: the district's reason for rejecting it, may be NULL */
	struct record_node *data; /* a RECORD_MAP, never NULL after record_init() */
	char *file;      /* where it was parsed from, for messages; may be NULL */
};

/* Makes r empty with an empty data map. */
void record_init(struct record *r);
/* Frees what r holds and leaves it zeroed (data NULL); releasing twice is harmless. */
void record_release(struct record *r);
/* A deep copy of src into dst (dst is overwritten, not released). */
void record_copy(struct record *dst, const struct record *src);

/*
 * Nodes.  Created nodes belong to the caller until added to a parent.  key
 * and value are copied; key is NULL for a list item, value is ignored
 * unless kind is RECORD_SCALAR (NULL then means "").  record_node_free()
 * frees n and everything under it; NULL is allowed.
 */
struct record_node *record_node_new(enum record_kind kind, const char *key, const char *value);
void record_node_free(struct record_node *n);
/* Appends kid to parent (a map or list), which then owns it. */
void record_node_add(struct record_node *parent, struct record_node *kid);
/* Removes and frees the i-th kid of parent (nothing when there is none). */
void record_node_remove(struct record_node *parent, size_t i);
/* The kid of map called key, or NULL (also when map is NULL or not a map). */
struct record_node *record_node_get(const struct record_node *map, const char *key);
/* The value of scalar kid key of map, or NULL when absent or not a scalar. */
const char *record_node_value(const struct record_node *map, const char *key);
/*
 * Sets scalar kid key of map to value (copied, a clear answer: not
 * sealed), adding it at the end if absent.  A kid of that name that is a
 * map or list becomes the scalar.
 */
void record_node_set(struct record_node *map, const char *key, const char *value);
/*
 * True when a and b hold the same keys, values (sealed or not) and
 * structure, in the same order; where they were parsed (line, col) does
 * not count.
 */
bool record_node_equal(const struct record_node *a, const struct record_node *b);

/*
 * Parses the text of one record into r, which must hold a record_init()ed
 * (or released) record: what it held is freed first.  `file` names the
 * text in messages (may be NULL) and is copied to r->file.  Every scalar
 * is a string, whatever its style (`members: 5` is "5", a plain `null` is
 * "null"); a key with an empty plain value (`key:` and nothing after it)
 * is unanswered and left out, while a quoted "" is the empty string.
 * An answer tagged `!sealed` (and only an answer under data) is kept as
 * it is with node->sealed set: it must be non-empty base64url text.
 * Refuses, with file:line:col: unknown keys at the top and in meta,
 * duplicate keys, anchors and aliases, other tags, more than one document,
 * nesting deeper than RECORD_MAX_DEPTH, keys that are not strings, empty
 * or longer than RECORD_MAX_KEY characters, a `data` or `meta` that is not
 * a map, invalid UTF-8, more than RECORD_MAX_SIZE bytes, YAML syntax
 * errors.  Answers are NFC-normalised and carry their line and column.
 * Returns 0 or ERR_DATA; on error r is left empty as after record_init()
 * (the caller still releases it).
 */
int record_parse(const char *buf, size_t len, const char *file, struct record *r,
		 struct error *err);

/*
 * The YAML reader behind record_parse(), also used for form definitions:
 * parses buf into a tree of nodes (mappings keep their key order, every
 * scalar is a string; an empty plain value, `key:` or `-` with nothing
 * after it, is left out with its key, unless flags has
 * RECORD_TREE_KEEP_EMPTY, which keeps it as "" so that a form's checker can
 * see it: `{vi: Cháu nội, cháu ngoại}` holds a key "cháu ngoại", not a label
 * with a comma) with the same strictness and limits
 * as record_parse (no anchors, aliases or tags, no duplicate keys, depth
 * and size limits, valid UTF-8; scalars and keys NFC).  A node's line/col
 * is where its content starts (after an opening quote).
 * *out is freed with record_node_free(); it is NULL when the text holds no
 * value at all (empty, only comments, an empty document), and on error.
 * A scalar tagged `!sealed` is accepted (node->sealed) only with flags
 * RECORD_TREE_SEALED.  Stops at the first problem.  Returns 0 or ERR_DATA.
 */
#define RECORD_TREE_KEEP_EMPTY 1u
#define RECORD_TREE_SEALED 2u
int record_tree_parse(const char *buf, size_t len, const char *file, unsigned flags,
		      struct record_node **out, struct error *err);

/*
 * Appends the canonical text of r to out: id, form, version (always
 * quoted), status, meta and data, each left out when NULL (data never);
 * values written as they are in memory, which should be valid UTF-8 NFC;
 * a sealed answer as `key: !sealed VALUE`.
 */
void record_write(const struct record *r, struct sbuf *out);
/*
 * Appends only the canonical text of the data tree (as under `data:`,
 * without that line; nothing for no answers), without list items' `_id`
 * lines: what two entries of the same household have in common.
 */
void record_write_answers(const struct record *r, struct sbuf *out);

/* One answer that differs between two versions of a record. */
struct record_change {
	char *path;     /* "household.village", "children[2].dob" (items from 1), "status" */
	char *old, *new; /* NULL: no answer on that side */
	bool old_sealed, new_sealed; /* that side's answer is a sealed text (seal.h) */
};

/*
 * The differences from a to b (either may be NULL: no record, every answer
 * of the other is removed or added): status, version, then the answers in
 * b's order, then those only a has.  Repeat items are matched by `_id`
 * (by position when they have none); an item's path numbers it in b, or in
 * a when b lacks it; `_id`s are not answers.  A sealed answer is its
 * sealed text, flagged: two sealings differ even for the same answer.
 * *out is a new array of *n (NULL when equal), freed with
 * record_changes_free().
 */
void record_diff(const struct record *a, const struct record *b, struct record_change **out,
		 size_t *n);
void record_changes_free(struct record_change *c, size_t n);

/* True for draft, complete, void, rejected. */
bool record_status_valid(const char *status);

#endif
