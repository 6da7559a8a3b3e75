/*
 * workspace.h - a commune workspace: the store of answers, the form in
 * force and who is working (commune, enumerator, device).  The command line
 * and the full-screen app both enter answers through workspace_save(), so
 * that a record is validated and stamped the same way whichever way it came.
 *
 * A district workspace (`dieutra district clone`) has the same layout but
 * the role "district": its store holds every record of the district's main,
 * for reading (list, show, report); it has no commune or device, and its
 * enumerator is the district officer.
 *
 * Layout of a workspace directory:
 *   dieutra.db        the store (forms/store.h)
 *   schema/           the form and its choice-list files, copied at init
 *   schema/versions/V/  each later form version sync took from the district
 *
 * The store's config key `form` names the form in force; `form:V` names the
 * form of each version V the workspace has had, so that a record keeps
 * being validated against the version it was entered with.
 */
#ifndef DIEUTRA_WORKSPACE_H
#define DIEUTRA_WORKSPACE_H

#include "form.h"

struct error;
struct record;
struct store;

#define WORKSPACE_SCHEMA_DIR "schema"

/* The store's config key `role`: absent or "commune" for a commune workspace. */
#define WORKSPACE_COMMUNE "commune"
#define WORKSPACE_DISTRICT "district"

struct workspace {
	char *dir;
	struct store *store;
	struct form form;
	char *commune;    /* 5-digit GSO code, e.g. 04630; NULL in a district workspace */
	char *enumerator; /* "Name <email>"; in a district workspace the officer */
	char *device;     /* short id of this laptop, e.g. A; NULL in a district workspace */
	char *role;       /* WORKSPACE_COMMUNE or WORKSPACE_DISTRICT, never NULL once open */
	struct form *older; /* an earlier form version, loaded by workspace_form_of(); or NULL */
};
#define WORKSPACE_INIT { NULL, NULL, FORM_INIT, NULL, NULL, NULL, NULL, NULL }

/* True for a district workspace. */
bool workspace_is_district(const struct workspace *ws);

struct workspace_identity {
	const char *commune, *enumerator, *device;
};

/*
 * Checks an identity: commune 5 digits, enumerator "Name <email>", device
 * 1-8 letters or digits.  Returns 0 or ERR_USAGE with a message per problem.
 */
int workspace_check_identity(const struct workspace_identity *id, struct error *err);

/*
 * Creates a workspace in dir (made if missing; refused when it already holds
 * a store) with the form at schema_path, which is checked first and copied
 * with its choice files into dir/schema/.  Returns 0, ERR_DATA (a bad form
 * or identity), ERR_USAGE (already a workspace) or ERR_ENV.
 */
int workspace_create(const char *dir, const struct workspace_identity *id,
		     const char *schema_path, struct error *err);

/*
 * Creates a district workspace in dir (made if missing; refused when it
 * already holds a store): the form at schema_path, checked first, copied
 * with its choice files into dir/schema/, and a store whose config has
 * role "district", the form and enumerator (the officer, "Name <email>").
 * Returns 0, ERR_DATA (a bad form), ERR_USAGE (a bad enumerator, or already
 * a workspace) or ERR_ENV.
 */
int workspace_create_district(const char *dir, const char *enumerator,
			      const char *schema_path, struct error *err);

/*
 * Opens the workspace in dir, commune or district.  Returns 0, ERR_NOTFOUND
 * (not a workspace) or ERR_ENV.
 */
int workspace_open(const char *dir, struct workspace *ws, struct error *err);
/* Frees what ws holds and closes its store; ws is WORKSPACE_INIT afterwards. */
void workspace_close(struct workspace *ws);

/* The folder of later form versions, under the workspace's directory. */
#define WORKSPACE_VERSIONS_DIR WORKSPACE_SCHEMA_DIR "/versions"

/*
 * The form of version: ws->form when it is the one in force, else the one
 * kept for that version (loaded once, owned by ws).  Sets *f, or returns
 * ERR_DATA when the workspace never had that version.
 */
int workspace_form_of(struct workspace *ws, const char *version, const struct form **f,
		      struct error *err);

/*
 * Takes the form at form_path as the form in force, when its version is
 * not ws's: staged, the folder holding it (a complete copy of the
 * district's schema/, made by the caller under WORKSPACE_VERSIONS_DIR), is
 * renamed into WORKSPACE_VERSIONS_DIR/VERSION in one step, the config
 * records both versions, and ws->form becomes the new form (what pointed
 * into the old one is stale).  Records keep their version.  *taken tells
 * whether it happened; staged is left in place when not.  Returns 0, or
 * ERR_DATA (the form does not load, is another form, or its version cannot
 * name a folder: nothing changed), or ERR_ENV.
 */
int workspace_take_form(struct workspace *ws, const char *staged, const char *form_path,
			bool *taken, struct error *err);

/*
 * Gives a new record what it starts with: every literal `default` of a field
 * outside repeats, and the workspace's place: a select_one whose list holds
 * the workspace's commune code is set to it, and a select_one whose list
 * holds that commune's value of one of its columns (its district_code,
 * province_code...) to that value, so that a census form's province >
 * district > commune cascade starts filled in.  Answers already given are
 * kept.
 */
void workspace_prefill(const struct workspace *ws, struct record *r);

enum workspace_saved {
	WORKSPACE_NEW,       /* a record not seen before was stored */
	WORKSPACE_UPDATED,   /* an existing record changed */
	WORKSPACE_UNCHANGED, /* the same answers were already stored: nothing written */
};

/*
 * Reads the stored record id into r (record_init'ed by the caller, who
 * releases it).  Returns 0, ERR_NOTFOUND, ERR_DATA (a stored body that no
 * longer parses) or ERR_ENV.
 */
int workspace_load(struct workspace *ws, const char *id, struct record *r, struct error *err);

/*
 * Validates r against the form of its version (workspace_form_of): the
 * one in force when it has none, or when it is a stored record (one that
 * came from another laptop) of a version this workspace never had, which
 * it then takes; a record file of an unknown version is refused.
 * Validation is complete unless its status is draft or void.  Stores r in
 * one transaction.  A record without an
 * id gets the next CODE-DEVICE-NNNN, unless it is finished (not a draft)
 * and a stored record has exactly the same answers, which is then reported
 * unchanged (so adding a file twice does not duplicate it).  A record not stored before is prefilled first
 * (workspace_prefill).  meta.created is kept from the stored record;
 * meta.modified, enumerator and device are stamped only when something
 * changed.  meta.review (the district's reason for a rejection) is
 * dropped, except that a draft of a rejected record keeps the stored one
 * until it is finished.  Saving a record in conflict (store.h) always
 * stores it, which settles its conflicts.  On success r holds what was
 * stored and *saved says what happened.  Returns 0, ERR_DATA with every
 * problem (nothing stored), ERR_USAGE in a district workspace (records are
 * entered in communes), or ERR_ENV.
 */
int workspace_save(struct workspace *ws, struct record *r, const char *lang,
		   enum workspace_saved *saved, struct error *err);

/*
 * workspace_save() for the full-screen app, which shows a draft's problems
 * as they will be when it is finished: when r is a draft or void, the one
 * validation pass also fills complete (released first, then the caller's to
 * release) with a copy of r validated as complete, and appends that
 * validation's problems to complete_err (validate_record_both); it is left
 * as it was otherwise.  What is stored and checked is as workspace_save().
 */
int workspace_save_draft(struct workspace *ws, struct record *r, const char *lang,
			 enum workspace_saved *saved, struct record *complete,
			 struct error *complete_err, struct error *err);

/*
 * Sets the answer of r at path, as a sync names it (household.village,
 * children[_id=k3f9].dob; version and status are the record's header), to
 * value, or removes it when value is NULL.  Returns 0, or ERR_NOTFOUND when
 * the path leads nowhere in r (a group or repeat item it lacks).
 */
int workspace_set_path(struct record *r, const char *path, const char *value,
		       struct error *err);

/*
 * Puts a group or repeat item of r at path back whole (children[_id=k3f9],
 * household, children[_id=k3f9].disability): text is a tree conflict's
 * side (store.h: a record text whose data holds the node under `node`),
 * or NULL to remove the node.  A node r lacks is added at the end of its
 * map or list.  Returns 0, ERR_NOTFOUND (the path's way is not in r) or
 * ERR_DATA (text does not parse).
 */
int workspace_set_node(struct record *r, const char *path, const char *text,
		       struct error *err);

/*
 * Settles the conflicts of record id (store.h) once each one is picked:
 * puts every pick into the stored record (a `tree` conflict's picked side
 * goes back whole, workspace_set_node; one kept without its node's text
 * keeps the record's own) and saves it with workspace_save(), which validates
 * it, stamps it and clears the conflicts; the next sync sends it.  r (a
 * record_init()ed record) holds what was stored.  Returns 0, ERR_USAGE
 * (a conflict not picked yet, or none at all), ERR_NOTFOUND, ERR_DATA
 * (the picks do not validate: nothing stored) or ERR_ENV.
 */
int workspace_resolve(struct workspace *ws, const char *id, const char *lang,
		      struct record *r, struct error *err);

#endif
