/*
 * seal.h - sensitive answers sealed to the district's public key (issue #9).
 *
 * A sealed answer is an anonymous sealed box (libsodium crypto_box_seal:
 * X25519 + XSalsa20-Poly1305) of the answer, readable only with the
 * district's private key.  Its text, what a record file holds after
 * `!sealed`, is base64url (no padding) of
 *     0x01 | key id (8 bytes) | sealed box of (context NUL answer, padded)
 * The key id (the first 8 bytes of BLAKE2b of the public key, shown as 16
 * hex digits) says which key opens it, so that a district may rotate keys:
 * new data goes to the new key, old data stays readable with the old one.
 * The context, "RECORD_ID PATH" (e.g. "04630-A-0007
 * children[_id=k3f9].hiv_status"), is checked on opening, so that a sealed
 * answer copied onto another child or record is refused as tampered.  The
 * padding (to 64-byte blocks) keeps "none" and "living_with_hiv" the same
 * length.
 *
 * The private key lives only in a key file, encrypted with a passphrase
 * (Argon2id, then XSalsa20-Poly1305 secretbox), mode 0600; the public key
 * is schema/district.pub in the district's main.  Both are small text
 * files of "name value" lines.
 */
#ifndef DIEUTRA_SEAL_H
#define DIEUTRA_SEAL_H

#include <stdbool.h>
#include <stddef.h>

struct error;
struct form;
struct record;
struct sbuf;

#define SEAL_PUB_FILE "district.pub" /* in the schema/ folder of main */
#define SEAL_KEY_BYTES 32            /* crypto_box public and secret keys */
#define SEAL_ID_BYTES 8
#define SEAL_MAX_VALUE 4096          /* bytes of one answer that can be sealed */
/*
 * A sealed answer in a conflict (the store's ours and theirs values) is
 * this prefix and its sealed text, so that picking it keeps it sealed.
 */
#define SEAL_CONFLICT_PREFIX "!sealed "

struct seal_key {
	unsigned char pk[SEAL_KEY_BYTES];
	unsigned char sk[SEAL_KEY_BYTES]; /* meaningful only when has_secret */
	bool has_secret;
	char id[2 * SEAL_ID_BYTES + 1];   /* hex */
};

/* The private keys a command was given (--key FILE, several for rotated keys). */
struct seal_keyring {
	struct seal_key *keys;
	size_t n, alloc;
};
#define SEAL_KEYRING_INIT { NULL, 0, 0 }
/* Adds a copy of k. */
void seal_keyring_add(struct seal_keyring *ring, const struct seal_key *k);
/* Wipes and frees the keys; ring is empty afterwards. */
void seal_keyring_release(struct seal_keyring *ring);

/* Wipes the secret of k. */
void seal_key_wipe(struct seal_key *k);

/* A new key pair.  Returns 0 or ERR_ENV (libsodium cannot start). */
int seal_key_generate(struct seal_key *k, struct error *err);

/* Appends the public key file's text for k (what schema/district.pub holds). */
void seal_public_write(const struct seal_key *k, struct sbuf *out);
/*
 * Reads a public key file (file names it in messages) into k (no secret).
 * Returns 0 or ERR_DATA.
 */
int seal_public_parse(const char *buf, size_t len, const char *file, struct seal_key *k,
		      struct error *err);

/*
 * Writes k (with its secret) to a new file at path, mode 0600, the secret
 * encrypted with a key derived from passphrase by Argon2id.  Refuses to
 * replace an existing file (ERR_USAGE): a lost private key is data lost.
 * Returns 0, ERR_USAGE or ERR_ENV.
 */
int seal_key_save(const char *path, const struct seal_key *k, const char *passphrase,
		  struct error *err);
/*
 * Reads the key file at path into k, unlocking its secret with passphrase.
 * Returns 0; ERR_NOTFOUND or ERR_ENV when it cannot be read; ERR_DATA when
 * it is not a key file or the passphrase is wrong (the message says which).
 */
int seal_key_load(const char *path, const char *passphrase, struct seal_key *k,
		  struct error *err);

/* The sealed text of value for context, to k's public key.  Caller frees. */
char *seal_value(const struct seal_key *k, const char *context, const char *value);
/*
 * The key id a sealed text names, into id (hex); false when the text is
 * not a sealed value.
 */
bool seal_value_key(const char *sealed, char id[2 * SEAL_ID_BYTES + 1]);
/*
 * Opens sealed with the key of ring its id names; *value is the answer
 * (caller frees).  Returns 0; ERR_NOTFOUND when ring holds no such key
 * (nothing added to err); ERR_DATA when the value was damaged or changed,
 * or belongs to another context (a message in err, without position).
 */
int seal_open(const struct seal_keyring *ring, const char *context, const char *sealed,
	      char **value, struct error *err);

/*
 * Record level.  Paths are those of the merge's messages, e.g.
 * household.village, children[_id=k3f9].hiv_status.
 *
 * What is sealed: every answer of a sensitive field, and every calculated
 * answer of a sealed field (form.h: a calculation that depends on a
 * sensitive field, directly or through other calculations) that r computed
 * from a sensitive answer it holds: one in the same repeat item, when the
 * sensitive field shares the calculation's repeat, else anywhere in r.  A
 * calculation whose sensitive inputs are all unanswered (skipped) follows
 * from the clear answers alone, tells nothing more, and stays clear: so it
 * is not sealed again, differently, each time the record is saved.
 *
 * seal_record_count_clear(): the answers of r to be sealed that are not;
 * with err (may be NULL), each is an ERR_DATA error at its place in
 * r->file, naming the record and the field.
 * seal_record(): seals them to k (r->id must be set); returns how many.
 */
size_t seal_record_count_clear(const struct form *f, const struct record *r, struct error *err);
size_t seal_record(const struct form *f, const struct seal_key *k, struct record *r);

/*
 * Opens every sealed answer of r with the keys of ring.  One whose key ring
 * lacks stays sealed and is counted in *locked (may be NULL).  A value that
 * a key of ring should open but does not (damaged, changed, moved from
 * another record or field) is an error naming r->file, the record and the
 * field, and stays sealed; the others are still opened.  Returns 0 or
 * ERR_DATA.
 */
int seal_record_open(const struct seal_keyring *ring, struct record *r, size_t *locked,
		     struct error *err);

#endif
