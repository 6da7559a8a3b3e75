/*
 * seal.c - sealing answers to the district's key, the key files, and the
 * record walk that seals or opens a record's answers (seal.h).
 */
#include "seal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expr.h"
#include "form.h"
#include "record.h"
#include "util.h"

#define SEAL_VERSION 1
#define SEAL_BLOCK 64 /* plaintexts are padded to a multiple of this */
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define PUB_MAGIC "dieutra-district-key 1"
#define KEY_MAGIC "dieutra-private-key 1"
#define KDF_NAME "argon2id13"
/* A key file asking for more than this is refused rather than run. */
#define KDF_MAX_OPS 64
#define KDF_MAX_MEM (1024ull << 20)

_Static_assert(SEAL_KEY_BYTES == crypto_box_PUBLICKEYBYTES, "public key size");
_Static_assert(SEAL_KEY_BYTES == crypto_box_SECRETKEYBYTES, "secret key size");
_Static_assert(crypto_secretbox_KEYBYTES == 32, "secretbox key size");

void seal_key_wipe(struct seal_key *k)
{
	sodium_memzero(k->sk, sizeof(k->sk));
	k->has_secret = false;
}

void seal_keyring_add(struct seal_keyring *ring, const struct seal_key *k)
{
	ALLOC_GROW(ring->keys, ring->n + 1, ring->alloc);
	ring->keys[ring->n++] = *k;
}

void seal_keyring_release(struct seal_keyring *ring)
{
	size_t i;

	for (i = 0; i < ring->n; i++)
		seal_key_wipe(&ring->keys[i]);
	free(ring->keys);
	memset(ring, 0, sizeof(*ring));
}

static void key_id(const unsigned char pk[SEAL_KEY_BYTES], unsigned char id[SEAL_ID_BYTES])
{
	crypto_generichash(id, SEAL_ID_BYTES, pk, SEAL_KEY_BYTES, NULL, 0);
}

static void set_id(struct seal_key *k)
{
	unsigned char id[SEAL_ID_BYTES];

	key_id(k->pk, id);
	sodium_bin2hex(k->id, sizeof(k->id), id, sizeof(id));
}

int seal_key_generate(struct seal_key *k, struct error *err)
{
	memset(k, 0, sizeof(*k));
	if (sodium_init() < 0)
		return error_add(err, ERR_ENV, "cannot initialise libsodium");
	crypto_box_keypair(k->pk, k->sk);
	k->has_secret = true;
	set_id(k);
	return 0;
}

static char *b64(const unsigned char *bin, size_t len)
{
	size_t n = sodium_base64_ENCODED_LEN(len, B64);
	char *s = xmalloc(n);

	sodium_bin2base64(s, n, bin, len, B64);
	return s;
}

/* Decodes exactly `len` bytes of base64url s into bin; false when s is not that. */
static bool unb64(const char *s, unsigned char *bin, size_t len)
{
	size_t got = 0;
	const char *end;

	return !sodium_base642bin(bin, len, s, strlen(s), NULL, &got, &end, B64) && !*end &&
	       got == len;
}

/* The "name value" lines of a key file, by name. */
struct lines {
	const char *names[8];
	char *values[8];
	size_t n;
};

static const char *line_value(const struct lines *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return l->values[i];
	return NULL;
}

/*
 * Splits buf into lines: the first must be magic, then "name value" for
 * each of names (in any order), lines starting with '#' ignored.
 */
static int read_lines(const char *buf, size_t len, const char *file, const char *magic,
		      const char *const *names, size_t nnames, struct lines *l,
		      struct error *err)
{
	const char *p = buf, *end = buf + len, *nl, *sp;
	int line = 0;
	size_t i;

	memset(l, 0, sizeof(*l));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		line++;
		if (line == 1 && ((size_t)(nl - p) != strlen(magic) || memcmp(p, magic, strlen(magic))))
			return error_at(err, ERR_DATA, file, 1, 1, "not a dieutra key file (its "
					"first line should be '%s')", magic);
		if (line > 1 && nl > p && *p != '#') {
			sp = memchr(p, ' ', (size_t)(nl - p));
			for (i = 0; sp && i < nnames; i++)
				if ((size_t)(sp - p) == strlen(names[i]) &&
				    !memcmp(p, names[i], (size_t)(sp - p)))
					break;
			if (!sp || i == nnames || line_value(l, names[i]) || l->n == 8)
				return error_at(err, ERR_DATA, file, line, 1, "unexpected line in "
						"a key file: was it edited?");
			l->names[l->n] = names[i];
			l->values[l->n++] = xstrndup(sp + 1, (size_t)(nl - sp - 1));
		}
		p = nl + 1;
	}
	for (i = 0; i < nnames; i++)
		if (!line_value(l, names[i]))
			return error_at(err, ERR_DATA, file, 0, 0, "not a complete key file: "
					"no '%s' line", names[i]);
	return 0;
}

static void lines_release(struct lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->values[i]);
	l->n = 0;
}

/* id and public lines into k; the id must be the public key's. */
static int take_public(const struct lines *l, const char *file, struct seal_key *k,
		       struct error *err)
{
	memset(k, 0, sizeof(*k));
	if (!unb64(line_value(l, "public"), k->pk, sizeof(k->pk)))
		return error_at(err, ERR_DATA, file, 0, 0, "the public key is damaged");
	set_id(k);
	if (strcmp(k->id, line_value(l, "id")))
		return error_at(err, ERR_DATA, file, 0, 0, "the key id %s is not that of its "
				"public key (%s): the file was changed", line_value(l, "id"),
				k->id);
	return 0;
}

void seal_public_write(const struct seal_key *k, struct sbuf *out)
{
	char *pk = b64(k->pk, sizeof(k->pk));

	sbuf_addf(out, PUB_MAGIC "\n"
		  "# The district's public key: laptops seal sensitive answers to it.\n"
		  "# Made by `dieutra district keygen`; its private key is not in this repository.\n"
		  "id %s\npublic %s\n", k->id, pk);
	free(pk);
}

int seal_public_parse(const char *buf, size_t len, const char *file, struct seal_key *k,
		      struct error *err)
{
	static const char *const names[] = { "id", "public" };
	struct lines l;
	int ret;

	if (sodium_init() < 0)
		return error_add(err, ERR_ENV, "cannot initialise libsodium");
	ret = read_lines(buf, len, file, PUB_MAGIC, names, 2, &l, err);
	if (!ret)
		ret = take_public(&l, file, k, err);
	lines_release(&l);
	return ret;
}

/* The secretbox key from passphrase; returns 0 or ERR_ENV (memory). */
static int derive(unsigned char key[32], const char *passphrase, const unsigned char *salt,
		  unsigned long long ops, size_t mem, const char *file, struct error *err)
{
	if (crypto_pwhash(key, 32, passphrase, strlen(passphrase), salt, ops, mem,
			  crypto_pwhash_ALG_ARGON2ID13))
		return error_at(err, ERR_ENV, file, 0, 0, "not enough memory to derive the key "
				"from the passphrase (%zu MiB needed)", mem >> 20);
	return 0;
}

int seal_key_save(const char *path, const struct seal_key *k, const char *passphrase,
		  struct error *err)
{
	const unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	const size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char key[32], box[crypto_secretbox_MACBYTES + SEAL_KEY_BYTES];
	struct sbuf text = SBUF_INIT;
	char *pk = NULL, *s_salt = NULL, *s_nonce = NULL, *s_box = NULL;
	int fd = -1, ret;

	if (sodium_init() < 0)
		return error_add(err, ERR_ENV, "cannot initialise libsodium");
	randombytes_buf(salt, sizeof(salt));
	randombytes_buf(nonce, sizeof(nonce));
	ret = derive(key, passphrase, salt, ops, mem, path, err);
	if (ret)
		goto out;
	crypto_secretbox_easy(box, k->sk, SEAL_KEY_BYTES, nonce, key);
	pk = b64(k->pk, sizeof(k->pk));
	s_salt = b64(salt, sizeof(salt));
	s_nonce = b64(nonce, sizeof(nonce));
	s_box = b64(box, sizeof(box));
	sbuf_addf(&text, KEY_MAGIC "\n"
		  "# The district's private key, locked by a passphrase: keep a copy offline.\n"
		  "id %s\npublic %s\nkdf " KDF_NAME " %llu %zu\nsalt %s\nnonce %s\nsecret %s\n",
		  k->id, pk, ops, mem, s_salt, s_nonce, s_box);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = error_at(err, errno == EEXIST ? ERR_USAGE : ERR_ENV, path, 0, 0,
			       errno == EEXIST ? "already exists: a key file is never replaced "
			       "(give a new name; keep the old key for the data sealed to it)" :
			       "cannot create: %s", strerror(errno));
		goto out;
	}
	if (write(fd, text.buf, text.len) != (ssize_t)text.len || fsync(fd)) {
		ret = error_at(err, ERR_ENV, path, 0, 0, "cannot write: %s", strerror(errno));
		unlink(path);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	sodium_memzero(key, sizeof(key));
	sbuf_release(&text);
	free(pk);
	free(s_salt);
	free(s_nonce);
	free(s_box);
	return ret;
}

/* "argon2id13 OPS MEM" within the limits. */
static bool parse_kdf(const char *s, unsigned long long *ops, size_t *mem)
{
	unsigned long long m;
	char tail;

	if (strncmp(s, KDF_NAME " ", strlen(KDF_NAME) + 1) ||
	    sscanf(s + strlen(KDF_NAME) + 1, "%llu %llu%c", ops, &m, &tail) != 2)
		return false;
	*mem = (size_t)m;
	return *ops >= crypto_pwhash_OPSLIMIT_MIN && *ops <= KDF_MAX_OPS &&
	       m >= crypto_pwhash_MEMLIMIT_MIN && m <= KDF_MAX_MEM;
}

int seal_key_load(const char *path, const char *passphrase, struct seal_key *k,
		  struct error *err)
{
	static const char *const names[] = { "id", "public", "kdf", "salt", "nonce", "secret" };
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char key[32], box[crypto_secretbox_MACBYTES + SEAL_KEY_BYTES];
	unsigned char pk[SEAL_KEY_BYTES];
	unsigned long long ops = 0;
	struct sbuf buf = SBUF_INIT;
	struct lines l = { 0 };
	size_t mem = 0;
	int ret;

	memset(k, 0, sizeof(*k));
	if (sodium_init() < 0)
		return error_add(err, ERR_ENV, "cannot initialise libsodium");
	ret = read_file(path, &buf, err);
	if (!ret)
		ret = read_lines(buf.buf, buf.len, path, KEY_MAGIC, names, 6, &l, err);
	if (!ret)
		ret = take_public(&l, path, k, err);
	if (ret)
		goto out;
	if (!parse_kdf(line_value(&l, "kdf"), &ops, &mem) ||
	    !unb64(line_value(&l, "salt"), salt, sizeof(salt)) ||
	    !unb64(line_value(&l, "nonce"), nonce, sizeof(nonce)) ||
	    !unb64(line_value(&l, "secret"), box, sizeof(box))) {
		ret = error_at(err, ERR_DATA, path, 0, 0, "the key file is damaged");
		goto out;
	}
	ret = derive(key, passphrase, salt, ops, mem, path, err);
	if (ret)
		goto out;
	if (crypto_secretbox_open_easy(k->sk, box, sizeof(box), nonce, key)) {
		ret = error_at(err, ERR_DATA, path, 0, 0, "wrong passphrase for this key file "
			       "(or the file was changed): nothing was unlocked");
		goto out;
	}
	crypto_scalarmult_base(pk, k->sk);
	if (sodium_memcmp(pk, k->pk, sizeof(pk))) {
		ret = error_at(err, ERR_DATA, path, 0, 0, "the private key does not match its "
			       "public key: the file was changed");
		goto out;
	}
	k->has_secret = true;
	ret = 0;
out:
	if (ret)
		seal_key_wipe(k);
	sodium_memzero(key, sizeof(key));
	if (buf.buf)
		sodium_memzero(buf.buf, buf.len);
	sbuf_release(&buf);
	lines_release(&l);
	return ret;
}

char *seal_value(const struct seal_key *k, const char *context, const char *value)
{
	size_t clen = strlen(context), vlen = strlen(value), plen, padded, blen;
	unsigned char *plain, *bin;
	char *out;

	if (sodium_init() < 0)
		die("libsodium cannot be initialised");
	if (vlen > SEAL_MAX_VALUE)
		vlen = SEAL_MAX_VALUE;
	plen = clen + 1 + vlen;
	plain = xmalloc(plen + SEAL_BLOCK);
	memcpy(plain, context, clen);
	plain[clen] = '\0';
	memcpy(plain + clen + 1, value, vlen);
	if (sodium_pad(&padded, plain, plen, SEAL_BLOCK, plen + SEAL_BLOCK))
		die("cannot pad a sealed value");
	blen = 1 + SEAL_ID_BYTES + crypto_box_SEALBYTES + padded;
	bin = xmalloc(blen);
	bin[0] = SEAL_VERSION;
	key_id(k->pk, bin + 1);
	if (crypto_box_seal(bin + 1 + SEAL_ID_BYTES, plain, padded, k->pk))
		die("cannot seal a value");
	out = b64(bin, blen);
	sodium_memzero(plain, plen + SEAL_BLOCK);
	free(plain);
	free(bin);
	return out;
}

/* sealed decoded into *bin (caller frees); false when it is not a sealed value. */
static bool decode(const char *sealed, unsigned char **bin, size_t *len)
{
	size_t max = strlen(sealed) * 3 / 4 + 1;
	const char *end;

	*bin = xmalloc(max);
	if (sodium_base642bin(*bin, max, sealed, strlen(sealed), NULL, len, &end, B64) || *end ||
	    *len < 1 + SEAL_ID_BYTES + crypto_box_SEALBYTES + SEAL_BLOCK ||
	    (*bin)[0] != SEAL_VERSION) {
		free(*bin);
		*bin = NULL;
		return false;
	}
	return true;
}

bool seal_value_key(const char *sealed, char id[2 * SEAL_ID_BYTES + 1])
{
	unsigned char *bin;
	size_t len;

	if (!decode(sealed, &bin, &len))
		return false;
	sodium_bin2hex(id, 2 * SEAL_ID_BYTES + 1, bin + 1, SEAL_ID_BYTES);
	free(bin);
	return true;
}

static const struct seal_key *find_key(const struct seal_keyring *ring,
				       const unsigned char id[SEAL_ID_BYTES])
{
	unsigned char kid[SEAL_ID_BYTES];
	size_t i;

	for (i = 0; i < ring->n; i++) {
		key_id(ring->keys[i].pk, kid);
		if (ring->keys[i].has_secret && !memcmp(kid, id, SEAL_ID_BYTES))
			return &ring->keys[i];
	}
	return NULL;
}

int seal_open(const struct seal_keyring *ring, const char *context, const char *sealed,
	      char **value, struct error *err)
{
	const struct seal_key *k;
	unsigned char *bin = NULL, *plain = NULL;
	size_t len, plen, unpadded, clen = strlen(context);
	int ret = ERR_DATA;

	*value = NULL;
	if (sodium_init() < 0)
		return error_add(err, ERR_ENV, "cannot initialise libsodium");
	if (!decode(sealed, &bin, &len)) {
		error_add(err, ret, "the sealed value is damaged: it was changed after sealing");
		goto out;
	}
	k = find_key(ring, bin + 1);
	if (!k) {
		ret = ERR_NOTFOUND;
		goto out;
	}
	plen = len - 1 - SEAL_ID_BYTES - crypto_box_SEALBYTES;
	plain = xmalloc(plen);
	if (crypto_box_seal_open(plain, bin + 1 + SEAL_ID_BYTES, len - 1 - SEAL_ID_BYTES,
				 k->pk, k->sk) ||
	    sodium_unpad(&unpadded, plain, plen, SEAL_BLOCK)) {
		error_add(err, ret, "the sealed value does not open with key %s: it was changed "
			  "after sealing", k->id);
		goto out;
	}
	if (unpadded <= clen || memcmp(plain, context, clen) || plain[clen] ||
	    memchr(plain + clen + 1, '\0', unpadded - clen - 1)) {
		error_add(err, ret, "the sealed value was moved here from another record or "
			  "field: it is refused");
		goto out;
	}
	*value = xstrndup((const char *)plain + clen + 1, unpadded - clen - 1);
	ret = 0;
out:
	if (plain) {
		sodium_memzero(plain, plen);
		free(plain);
	}
	free(bin);
	return ret;
}

/* The record walk: each scalar answer with its field (NULL: not the form's) and path. */
struct walk {
	const struct form *f;
	const struct record *r;
	const struct record_node *item; /* the innermost repeat item being walked, or NULL */
	struct sbuf path;
	void (*fn)(struct walk *w, struct record_node *n, const struct form_field *fld);
	const struct seal_keyring *ring;
	const struct seal_key *key;
	size_t count, locked;
	struct error *err;
	int ret;
};

static void walk_map(struct walk *w, const struct form_field *c, struct record_node *map);

static void walk_kid(struct walk *w, const struct form_field *c, struct record_node *kid)
{
	const struct form_field *fld = NULL;
	size_t base = w->path.len, i;

	if (w->f && kid->key) {
		fld = form_field(w->f, kid->key);
		if (fld && fld->parent != c)
			fld = NULL;
	}
	if (base)
		sbuf_addc(&w->path, '.');
	sbuf_adds(&w->path, kid->key ? kid->key : "");
	if (kid->kind == RECORD_SCALAR) {
		w->fn(w, kid, fld);
	} else if (kid->kind == RECORD_MAP) {
		walk_map(w, fld, kid);
	} else {
		size_t len = w->path.len;

		for (i = 0; i < kid->nkids; i++) {
			const char *id = record_node_value(kid->kids[i], "_id");

			const struct record_node *item = w->item;

			w->path.len = len;
			if (id)
				sbuf_addf(&w->path, "[_id=%s]", id);
			else
				sbuf_addf(&w->path, "[%zu]", i + 1);
			w->item = kid->kids[i];
			if (kid->kids[i]->kind == RECORD_MAP)
				walk_map(w, fld, kid->kids[i]);
			w->item = item;
		}
	}
	w->path.len = base;
	if (w->path.buf)
		w->path.buf[base] = '\0';
}

static void walk_map(struct walk *w, const struct form_field *c, struct record_node *map)
{
	size_t i;

	for (i = 0; i < map->nkids; i++)
		walk_kid(w, c, map->kids[i]);
}

static char *context(const struct walk *w)
{
	return xasprintf("%s %s", w->r->id ? w->r->id : "", sbuf_str(&w->path));
}

/* Whether a node called name is anywhere under n (names are unique in a form). */
static bool has_answer(const struct record_node *n, const char *name)
{
	size_t i;

	if (n->key && !strcmp(n->key, name) && n->kind == RECORD_SCALAR)
		return true;
	for (i = 0; i < n->nkids; i++)
		if (has_answer(n->kids[i], name))
			return true;
	return false;
}

/* Where a calculation's ${name} is looked for, and whether one of them is a sealed answer. */
struct dep {
	const struct form *f;
	const struct record *r;
	const struct form_field *calc;
	const struct record_node *item; /* the calculation's repeat item, or NULL */
	bool found;
};

static bool depends_on_answer(const struct form *f, const struct record *r,
			      const struct form_field *calc, const struct record_node *item);

static void on_dep(void *data, const char *name, int col, bool bare)
{
	struct dep *d = data;
	const struct form_field *t = bare ? NULL : form_field(d->f, name);
	/* In the same item when it shares the repeat; else any answer of the record counts. */
	const struct record_node *scope = t && d->item && t->repeat == d->calc->repeat ?
					  d->item : d->r->data;

	(void)col;
	if (!t || !t->sealed || d->found)
		return;
	if (t->sensitive)
		d->found = has_answer(scope, t->name);
	else if (t->calculation)
		d->found = has_answer(scope, t->name) &&
			   depends_on_answer(d->f, d->r, t, scope == d->item ? d->item : NULL);
}

/*
 * Whether calculation calc, in repeat item `item` (NULL: anywhere in r),
 * was computed from a sensitive answer that r holds: its value then tells
 * something of that answer.  One whose sensitive inputs are all unanswered
 * follows from the clear answers alone and is left clear (seal.h).
 */
static bool depends_on_answer(const struct form *f, const struct record *r,
			      const struct form_field *calc, const struct record_node *item)
{
	struct dep d = { f, r, calc, item, false };

	expr_refs(calc->calculation, on_dep, &d);
	return d.found;
}

/* Whether answer n of fld is to be sealed: see seal.h. */
static bool to_seal(const struct walk *w, const struct record_node *n,
		    const struct form_field *fld)
{
	if (!fld || !fld->sealed || n->sealed)
		return false;
	return fld->sensitive || !fld->calculation ||
	       depends_on_answer(w->f, w->r, fld, fld->repeat ? w->item : NULL);
}

static void count_clear(struct walk *w, struct record_node *n, const struct form_field *fld)
{
	if (!to_seal(w, n, fld))
		return;
	w->count++;
	if (w->err)
		error_at(w->err, ERR_DATA, w->r->file, n->line, n->col, "%s: %s: a sensitive "
			 "answer in clear: it must be sealed to the district's key (`dieutra sync` "
			 "seals it; a file written by hand cannot be taken)",
			 w->r->id ? w->r->id : "?", sbuf_str(&w->path));
}

static void seal_one(struct walk *w, struct record_node *n, const struct form_field *fld)
{
	char *ctx, *s;

	if (!to_seal(w, n, fld))
		return;
	ctx = context(w);
	s = seal_value(w->key, ctx, n->value);
	sodium_memzero(n->value, strlen(n->value));
	free(n->value);
	n->value = s;
	n->sealed = true;
	w->count++;
	free(ctx);
}

static void open_one(struct walk *w, struct record_node *n, const struct form_field *fld)
{
	struct error one = ERROR_INIT;
	char *ctx, *v = NULL;
	int ret;

	(void)fld;
	if (!n->sealed)
		return;
	ctx = context(w);
	ret = seal_open(w->ring, ctx, n->value, &v, &one);
	if (ret == ERR_NOTFOUND) {
		w->locked++;
	} else if (ret) {
		error_at(w->err, ERR_DATA, w->r->file, n->line, n->col, "%s: %s: %s",
			 w->r->id ? w->r->id : "?", sbuf_str(&w->path),
			 one.n ? one.items[0].msg : "cannot be opened");
		w->ret = ERR_DATA;
	} else {
		free(n->value);
		n->value = v;
		n->sealed = false;
		w->count++;
	}
	error_release(&one);
	free(ctx);
}

size_t seal_record_count_clear(const struct form *f, const struct record *r, struct error *err)
{
	struct walk w = { f, r, NULL, SBUF_INIT, count_clear, NULL, NULL, 0, 0, err, 0 };

	walk_map(&w, NULL, r->data);
	sbuf_release(&w.path);
	return w.count;
}

size_t seal_record(const struct form *f, const struct seal_key *k, struct record *r)
{
	struct walk w = { f, r, NULL, SBUF_INIT, seal_one, NULL, k, 0, 0, NULL, 0 };

	walk_map(&w, NULL, r->data);
	sbuf_release(&w.path);
	return w.count;
}

int seal_record_open(const struct seal_keyring *ring, struct record *r, size_t *locked,
		     struct error *err)
{
	struct walk w = { NULL, r, NULL, SBUF_INIT, open_one, ring, NULL, 0, 0, err, 0 };

	walk_map(&w, NULL, r->data);
	sbuf_release(&w.path);
	if (locked)
		*locked = w.locked;
	return w.ret;
}
