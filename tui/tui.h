/*
 * tui.h - the full-screen app (`dieutra` with no command): what its parts
 * share.  As htop's ScreenManager/Panel: the state lives in struct tui_app,
 * key handlers change it and return TUI_* flags, and the loop (app.c) draws
 * the current screen once per key, from the state alone.
 *
 * Screens: home (screen_home.c: the records), form (screen_form.c: one
 * record, page by page, with its rosters and the review page).  The record
 * being edited and its pages are kept in app_record.c, apart from drawing.
 *
 * This header does not include curses: keys are ints, a code point as it
 * is or TUI_FKEY(curses KEY_*) for a function key.
 */
#ifndef DIEUTRA_TUI_H
#define DIEUTRA_TUI_H

#include <stdbool.h>
#include <stddef.h>

#include "lineedit.h"
#include "record.h"
#include "util.h"

struct workspace;
struct form_field;
struct store_row;

/* What a key handler asks of the loop. */
enum {
	TUI_REDRAW = 1, /* the state changed: draw again */
	TUI_QUIT = 2,   /* leave the app */
	TUI_PASS = 4,   /* a typing handler did not take the key: try the table */
};

#define TUI_FKEY(k) ((k) | 0x1000000)
#define TUI_CTRL(c) ((c) & 0x1f)

/* The app's own strings, in Vietnamese and English (app_strings.c). */
enum tui_str {
	S_APP, S_RECORDS, S_DRAFT, S_COMPLETE, S_VOID, S_REJECTED, S_ALL, S_SEARCH,
	S_FILTER, S_NONE, S_KEYS, S_ANYKEY, S_YESNO,
	S_K_QUIT, S_K_UP, S_K_DOWN, S_K_OPEN, S_K_NEW, S_K_VOID, S_K_SEARCH, S_K_FILTER,
	S_K_HELP, S_K_LANG, S_K_INPUT, S_K_NEXTPAGE, S_K_PREVPAGE, S_K_BACK, S_K_REVIEW,
	S_K_CHOOSE, S_K_ADD, S_K_REMOVE, S_K_FINALIZE, S_K_JUMP, S_K_NEXTFIELD, S_K_EDIT,
	S_Q_VOID, S_Q_REMOVE, S_VOIDED, S_SAVED, S_FINALIZED, S_NOT_VALID, S_PROGRESS,
	S_REVIEW, S_NO_ERRORS, S_ITEM, S_NO_ITEMS, S_BAD_DATE, S_PROTECTED, S_PAGE, S_HINT_HOME,
	S_HINT_FORM, S_HINT_ROSTER, S_HINT_REVIEW, S_NEW_RECORD, S_TOO_SMALL, S_ERRORS, S_TYPING,
	S_COL_ID, S_COL_STATUS, S_COL_ITEMS, S_COL_TITLE,
	S_CONFLICT, S_CONFLICTS, S_CONFLICT_HELP, S_OURS, S_THEIRS, S_FIELD, S_VERSION,
	S_K_OURS, S_K_THEIRS, S_K_SAVE, S_K_LEAVE, S_HINT_CONFLICT, S_TO_PICK, S_SETTLED,
	S_WHOLE,
	S_COL_SENT, S_SENT, S_UNSENT, S_DISTRICT_SAYS, S_K_SYNC, S_SYNCING,
	S_SYNC_COMMITTING, S_SYNC_RECEIVING, S_SYNC_SENDING, S_OBJECTS, S_SYNC_NO_REMOTE,
	S_SYNC_FAILED, S_W_SENT, S_W_NEW, S_W_UPDATED, S_W_RECEIVED, S_W_CONFLICT,
	S_W_CONFLICTS, S_K_FILTER_BACK, S_K_RESTORE, S_Q_RESTORE, S_RESTORED, S_IS_VOID,
	S_EXPECTED, S_ALL_ITEMS, S_K_TICK, S_K_CHOICE,
	S_DISTRICT, S_COMMUNES, S_COL_COMMUNE, S_COL_HOUSEHOLDS, S_COL_CHILDREN, S_COL_DONE,
	S_COL_DRAFT, S_COL_REJECTED, S_COL_LAST_SYNC, S_COL_MERGE, S_COL_ENUMERATORS,
	S_MERGED, S_REFUSED, S_REFUSED_WHY, S_NO_COMMUNES, S_HINT_DISTRICT, S_HINT_DISTRICT_RECORDS,
	S_K_OPEN_COMMUNE, S_K_REJECT, S_K_ACCEPT, S_K_MERGE, S_K_COMMUNES, S_WHY_REJECT,
	S_NEED_WHY, S_W_REJECTED, S_W_ACCEPTED, S_ALREADY, S_MERGING, S_MERGE_FAILED,
	S_W_MERGED, S_W_REFUSED, S_NOTHING_NEW, S_HOUSEHOLDS, S_CHILDREN,
	S_COUNT
};
const char *tui_str(bool en, enum tui_str id);

/*
 * Names the level above the communes in the strings that mention it
 * (huyện / district, or tỉnh / province): the form in force says which.
 */
void tui_str_province(bool province);

/* dd/mm/yyyy as typed (d/m/yyyy too, or ISO) into ISO yyyy-mm-dd in out; 0 or ERR_DATA. */
int tui_date_parse(const char *typed, char out[11]);
/* An ISO date shown as dd/mm/yyyy in out; any other text is copied (cut to 10 bytes). */
void tui_date_show(const char *iso, char out[11]);

/* A field of the record: f, in item `item` of its repeat (SIZE_MAX outside any). */
struct tui_slot {
	const struct form_field *f;
	size_t item;
};

enum tui_page_kind { TUI_PAGE_FIELDS, TUI_PAGE_ROSTER, TUI_PAGE_REVIEW };

/* A page of the form: the relevant fields of a group or repeat item, a roster, the review. */
struct tui_page {
	enum tui_page_kind kind;
	const struct form_field *f; /* the group or repeat; NULL: top-level fields, review */
	size_t item;                /* the repeat item shown, SIZE_MAX if none */
	struct tui_slot *slots;     /* relevant fields, in form order */
	size_t nslots, alloc;
};

/*
 * The record being edited.  rec is what was last stored; view is a copy
 * validated completely (calculations filled, irrelevant answers dropped),
 * with its problems in errors.  Pages are rebuilt from view after each change.
 */
struct tui_edit {
	struct record rec;
	struct record view;
	struct error errors;
	struct tui_page *pages;
	size_t npages, alloc;
	size_t page, cur;  /* the page shown and the cursor in it (slot, item, error) */
	size_t top;        /* first slot drawn: the page's scroll */
	struct tui_line line;   /* the text being typed in the current field */
	bool line_dirty;        /* line differs from the stored answer */
	size_t choice;          /* the marked choice of the current select field (Space) */
	char **touched;         /* paths of fields the cursor has left */
	size_t ntouched, atouched;
	char *note;             /* a refusal shown under the current field, or NULL */
	size_t answered, relevant;
	bool open;
	/*
	 * The choices the choice_filter of field `filtered` (in item
	 * filtered_item) keeps, until the next refresh: a long list is
	 * searched at every key, and filtering it again each time is the slow part.
	 */
	const struct form_field *filtered;
	size_t filtered_item;
	size_t *kept, nkept;
};

/* The statuses a record can have, in the order the home screen counts and filters them. */
enum { TUI_NSTATUS = 5 };
extern const char *const tui_statuses[TUI_NSTATUS];

/* A record of the home list. */
struct tui_home_row {
	char *id, *status, *title; /* one allocation with key, freed through id */
	char *key;    /* the store's folded search key */
	long items;   /* items of the form's first repeat (children); -1: unknown */
	bool counted; /* items was looked up (only rows on screen are) */
	int sent;     /* 1 the district has this version, 0 not, -1 not looked up yet */
};

/*
 * The home screen's list: every record of the store, read once (with its
 * search key, never its answers) and kept in id order, and those the
 * status filter and the search let through, found in memory at each key.
 */
struct tui_home {
	struct tui_line search;
	bool searching;    /* keys go to the search line */
	int filter;        /* -1: every status, else an index into tui_statuses */
	struct tui_home_row *rows;
	size_t nrows, arows;
	bool unsorted;     /* rows were added out of id order: sorted before use */
	bool partial;      /* only the first screen's rows are read yet */
	size_t *shown;     /* indices into rows of those shown, in id order */
	size_t n, ashown;
	char *query;       /* the folded search shown has been filtered by; NULL: none yet */
	int query_filter;  /* the filter it was with */
	size_t cur, top;   /* the cursor and the first row drawn, in shown */
	long counts[TUI_NSTATUS];
	char prefix[8];    /* only ids starting so ("04630-": a commune's); "": all */
};

struct store_conflict;
struct sync_commune_status;

/*
 * The district mode (screen_district.c), in a district workspace: its
 * communes (sync_district_status), and a commune's records in the home
 * list (prefix set, read only), where a record is rejected or accepted.
 */
struct tui_district {
	struct sync_commune_status *communes;
	size_t n, cur, top;
	char *title;           /* the commune whose records are listed ("04630 Xã Tú Lệ") */
	bool loaded;           /* the home list holds the store's records */
	bool prompting;        /* the reason of a rejection is being typed in prompt */
	struct tui_line prompt;
};

/* A record in conflict being settled (screen_conflict.c): its answers changed two ways. */
struct tui_conflict {
	char *id;
	struct store_conflict *items;
	size_t n, cur;
	int *pick; /* per item: 0 not yet, 1 this laptop's value, 2 the other's */
};

/*
 * The list's logic (home_list.c), apart from the store and the screen.
 * tui_home_add() adds a record of a list being read (copying row's id,
 * status, title and search), in any order; tui_home_put() adds one or,
 * when one of that id is there, replaces it.
 * tui_home_filter() recounts and finds the rows shown for the filter and
 * the search line's text: every word of it (case and diacritics ignored)
 * must occur in the row's key, as `dieutra list --search` matches; a
 * search that only grew since the last call is looked for in the rows
 * shown, not in all.  tui_home_row_at() is the row under the cursor, or
 * NULL.  tui_home_clear() drops the rows; tui_home_release() frees all.
 */
void tui_home_add(struct tui_home *h, const struct store_row *row);
void tui_home_put(struct tui_home *h, const struct store_row *row);
void tui_home_filter(struct tui_home *h);
struct tui_home_row *tui_home_row_at(struct tui_home *h);
void tui_home_clear(struct tui_home *h);
void tui_home_release(struct tui_home *h);

struct tui_app;

/* One key of a screen: what it does and how `?` describes it. */
struct tui_key {
	int key;
	const char *name; /* as `?` shows it */
	enum tui_str help;
	int (*action)(struct tui_app *app, int key);
};

struct tui_screen {
	const struct tui_key *keys;
	size_t nkeys;
	void (*draw)(struct tui_app *app);
	/*
	 * Typing: while typing(app) is true, other() sees every key first and
	 * returns TUI_PASS for those the table should handle.  Both may be NULL.
	 */
	bool (*typing)(struct tui_app *app);
	int (*other)(struct tui_app *app, int key);
};

struct tui_app {
	struct workspace *ws;
	bool en;           /* the app's strings and the form's labels in English */
	size_t lang;       /* index of the labels' language in the form */
	bool color;
	enum tui_input input; /* Telex / VNI / plain, for every text box */
	const struct tui_screen *screen;
	bool help;         /* the keys of the screen are shown */
	int cy, cx;        /* where draw() wants the terminal's cursor; cy < 0: hidden */
	char *message;     /* the status line's message, or NULL */
	enum tui_str question;  /* a y/n question waiting, S_COUNT when none */
	int (*on_yes)(struct tui_app *app);
	struct tui_home home;
	struct tui_edit edit;
	struct tui_conflict conflict;
	struct tui_district district;
};

extern const struct tui_screen tui_home_screen, tui_form_screen, tui_conflict_screen;
extern const struct tui_screen tui_district_screen, tui_district_records_screen;

/*
 * The district mode (screen_district.c).  tui_district_load() reads the
 * communes' figures again (a failure is the status line's message);
 * tui_district_release() frees them.  The records screen's own keys:
 * tui_district_reject() asks for the reason of rejecting the record under
 * the cursor, which tui_district_type() then takes (Enter: rejected with it,
 * sync_district_review(); Esc: not); tui_district_accept() accepts it;
 * tui_district_merge() runs `district merge`; tui_district_back() goes
 * back to the communes.  tui_district_draw_records() draws the records
 * screen.
 */
void tui_district_load(struct tui_app *app);
void tui_district_release(struct tui_district *d);
int tui_district_reject(struct tui_app *app, int key);
int tui_district_type(struct tui_app *app, int key);
int tui_district_accept(struct tui_app *app, int key);
int tui_district_merge(struct tui_app *app, int key);
int tui_district_back(struct tui_app *app, int key);
void tui_district_draw_records(struct tui_app *app);
/* Draws the home screen: a commune's records in the district mode. */
void tui_home_draw(struct tui_app *app);

/*
 * Opens the conflict screen on record id: its answers changed two ways,
 * side by side, to pick per answer and save (workspace_resolve).  On
 * failure the home screen stays, with a message.
 */
int tui_conflict_open(struct tui_app *app, const char *id);
void tui_conflict_close(struct tui_conflict *c);

/*
 * Runs the app on an open workspace until the user quits, or until SIGHUP,
 * SIGTERM or SIGINT (Ctrl-C), which save the field being typed first.
 * Returns 0 or ERR_USAGE (not a terminal).
 */
int tui_run(struct workspace *ws, struct error *err);
/*
 * The parts of tui_run(), for a program that drives the app itself (the
 * benchmark, on a terminal of its own): tui_app_init() sets app up on ws,
 * home screen shown with only its first screen of rows read (curses started
 * first): the caller reads the rest, tui_home_load(app, false), once that
 * screen is drawn;
 * tui_draw() draws the current screen and refreshes the terminal;
 * tui_dispatch() handles one key and returns TUI_* flags;
 * tui_app_release() frees what app holds (not ws).
 */
void tui_app_init(struct tui_app *app, struct workspace *ws);
void tui_draw(struct tui_app *app);
int tui_dispatch(struct tui_app *app, int key);
void tui_app_release(struct tui_app *app);
/* Attributes for the error lines and the bars, plain when there are no colours. */
int tui_attr_error(const struct tui_app *app);
int tui_attr_bar(const struct tui_app *app);

/* Sets the status line's message (printf-like), replacing the one shown. */
void tui_message(struct tui_app *app, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* Asks a yes/no question; on_yes runs on 'y' and returns TUI_* flags. */
void tui_ask(struct tui_app *app, enum tui_str q, int (*on_yes)(struct tui_app *app));
/* Switches the app's language (strings and labels) between vi and en. */
int tui_toggle_lang(struct tui_app *app, int key);
/* Switches the typing mode of every text box. */
int tui_toggle_input(struct tui_app *app, int key);
/* Shows the keys of the current screen. */
int tui_show_help(struct tui_app *app, int key);
/*
 * Syncs with the district (sync_run), its progress on the status line,
 * then its one-line summary or why it failed there, and the list read
 * again (app_sync.c).
 */
int tui_sync(struct tui_app *app, int key);
/*
 * Applies an editing key (a character, Backspace, Delete, arrows, Home, End)
 * to l: TUI_REDRAW, with *changed telling whether the text changed (an
 * insert past the length limit changes nothing), or TUI_PASS when key is not
 * an editing key and the screen's table should have it.
 */
int tui_type_key(struct tui_line *l, int key, bool *changed);

/* Drawing helpers: text cut to width columns at (y, x), padded with spaces to width. */
void tui_put(int y, int x, const char *s, int width);
/*
 * The title bar (row 0: title, then the typing mode and language at the
 * right) and the status bar (last row: a question, the message or hint).
 */
void tui_bars(struct tui_app *app, const char *title, enum tui_str hint);

/*
 * Saves what was typed in the field under the cursor, as moving away from
 * it does; false when it is refused (then it stays on screen, unsaved).
 */
bool tui_form_leave(struct tui_app *app);
/* Puts the answer of the field under the cursor into the line editor, to type on. */
void tui_form_enter(struct tui_app *app);
/* Draws the form screen (screen_form_draw.c). */
void tui_form_draw(struct tui_app *app);
/* A field's label in the app's language, or its name. */
const char *tui_label(const struct tui_app *app, const struct form_field *f);

/*
 * Home (screen_home.c): tui_home_load() reads the list again from the
 * store (first: only the rows of the first screen, and the counts);
 * tui_home_reload() reads again only record id, after it was changed.
 */
void tui_home_load(struct tui_app *app, bool first);
void tui_home_reload(struct tui_app *app, const char *id);

/*
 * The record being edited (app_record.c).  tui_edit_open() loads record id
 * (NULL: a new, empty record); tui_edit_close() frees everything.
 * tui_edit_refresh() validates a copy and rebuilds the pages after a change.
 */
int tui_edit_open(struct tui_app *app, const char *id);
void tui_edit_close(struct tui_edit *e);
void tui_edit_refresh(struct tui_app *app);
/*
 * Saves rec (workspace_save) as a draft, or as void when it is void (an
 * answer changed in a void record does not bring it back); refusals go to
 * err.  0 or ERR_*.  tui_edit_restore() saves it as a draft, void or not:
 * the person's explicit choice.  tui_edit_void(): whether rec is void.
 */
int tui_edit_save(struct tui_app *app, struct error *err);
int tui_edit_restore(struct tui_app *app, struct error *err);
bool tui_edit_void(const struct tui_edit *e);
/* Finalizes: saves rec as complete; on ERR_DATA the problems stay in e->errors. */
int tui_edit_finalize(struct tui_app *app);

/*
 * The answer of slot s in view (NULL: none) and in rec (what was typed).
 * A sealed answer (forms/seal.h) is NULL too: it is never shown.
 */
const char *tui_slot_value(const struct record *r, struct tui_slot s);
/* Whether slot s holds a sealed answer: recorded and protected, replaceable, unreadable. */
bool tui_slot_sealed(const struct record *r, struct tui_slot s);
/* Sets (value non-NULL) or removes the answer of s in rec. */
void tui_slot_set(struct tui_edit *e, struct tui_slot s, const char *value);
/*
 * The choices offered for select field s: indices into s.f->list->items of
 * those its choice_filter keeps (all without one) and, when search is
 * neither NULL nor empty, whose label holds it (case and diacritics
 * ignored).  *out is allocated (caller frees); returns how many.
 */
size_t tui_slot_choices(struct tui_app *app, struct tui_slot s, const char *search,
			size_t **out);
/* A select_one too long for number keys: typing searches it, Enter takes the first match. */
#define TUI_SHORT_LIST 9
bool tui_long_list(const struct form_field *f);
/* Whether value is one of the space-separated values of a select_multiple answer. */
bool tui_selected(const char *answer, const char *value);
/* "household.members", "children[2].dob": the path validation messages start with. */
char *tui_slot_path(struct tui_slot s);
/* The first problem of s in e->errors (the message after "path: "), or NULL. */
const char *tui_slot_error(const struct tui_edit *e, struct tui_slot s);
bool tui_slot_touched(const struct tui_edit *e, struct tui_slot s);
void tui_slot_touch(struct tui_edit *e, struct tui_slot s);
/* Finds the page and slot index of the field at path; false when not shown. */
bool tui_edit_find(const struct tui_edit *e, const char *path, size_t *page, size_t *slot);
/*
 * How many items rep's repeat_count asks for, as answered so far (the
 * number of children given earlier), or -1: no repeat_count, or not
 * answered yet.  Adding items beyond it is refused.
 */
long tui_edit_repeat_count(const struct tui_app *app, const struct form_field *rep);
/* The repeat's list in rec (NULL when it has no item) and adding / removing items. */
struct record_node *tui_edit_items(const struct record *r, const struct form_field *rep);
void tui_edit_add_item(struct tui_edit *e, const struct form_field *rep);
void tui_edit_remove_item(struct tui_edit *e, const struct form_field *rep, size_t item);

#endif
