#include "workspace.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record.h"
#include "store.h"
#include "util.h"
#include "validate.h"

static bool matches(const char *s, const char *pattern)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
		die("bad built-in pattern %s", pattern);
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static bool valid_person(const char *who)
{
	return who && matches(who, "^[^<>]*[^<> ] <[^<>@ ]+@[^<> ]+>$");
}

int workspace_check_identity(const struct workspace_identity *id, struct error *err)
{
	int ret = 0;

	if (!id->commune || !matches(id->commune, "^[0-9]{5}$"))
		ret = error_add(err, ERR_USAGE,
				"--commune: '%s' is not a commune code: give its 5-digit GSO code, e.g. 04630",
				id->commune ? id->commune : "");
	if (!valid_person(id->enumerator))
		ret = error_add(err, ERR_USAGE,
				"--enumerator: '%s' should read \"Full Name <email>\", e.g. \"Lò Thị Hoa <hoa@example.vn>\"",
				id->enumerator ? id->enumerator : "");
	if (!id->device || !matches(id->device, "^[A-Za-z0-9]{1,8}$"))
		ret = error_add(err, ERR_USAGE,
				"--device: '%s' should be 1 to 8 letters or digits naming this laptop, e.g. A",
				id->device ? id->device : "");
	return ret;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Copies src to dst, making dst's directory if needed. */
static int copy_file(const char *src, const char *dst, struct error *err)
{
	struct sbuf buf = SBUF_INIT;
	char *dir = dir_of(dst);
	int ret;

	ret = read_file(src, &buf, err);
	if (!ret)
		ret = make_dirs(dir, err);
	if (!ret)
		ret = write_file_atomic(dst, buf.buf, buf.len, err);
	sbuf_release(&buf);
	free(dir);
	return ret;
}

/* The form and the choice files it names, into dir/schema/. */
static int copy_schema(const struct form *f, const char *schema_path, const char *dir,
		       char **form_rel, struct error *err)
{
	char *src_dir = dir_of(schema_path);
	char *dst_dir = path_join(dir, WORKSPACE_SCHEMA_DIR);
	char *dst = NULL, *src = NULL;
	size_t i;
	int ret;

	*form_rel = xasprintf("%s/%s", WORKSPACE_SCHEMA_DIR, base_of(schema_path));
	dst = path_join(dir, *form_rel);
	ret = copy_file(schema_path, dst, err);
	for (i = 0; !ret && i < f->nlists; i++) {
		const char *file = f->lists[i]->file;

		if (!file)
			continue;
		free(src);
		free(dst);
		src = path_join(src_dir, file);
		dst = path_join(dst_dir, file);
		ret = copy_file(src, dst, err);
	}
	free(src);
	free(dst);
	free(src_dir);
	free(dst_dir);
	return ret;
}

bool workspace_is_district(const struct workspace *ws)
{
	return ws->role && !strcmp(ws->role, WORKSPACE_DISTRICT);
}

/*
 * The directory, the schema and a new store, whose config the caller
 * fills (*st, closed by the caller).
 */
static int create_store(const char *dir, const char *schema_path, struct store **st,
			char **form_rel, struct error *err)
{
	struct form f = FORM_INIT;
	char *db = path_join(dir, STORE_FILE);
	struct stat sb;
	int ret;

	*st = NULL;
	if (stat(db, &sb) == 0) {
		ret = error_at(err, ERR_USAGE, dir, 0, 0,
			       "already a dieutra workspace (it has %s)", STORE_FILE);
		goto out;
	}
	ret = form_load(schema_path, &f, err);
	if (!ret)
		ret = make_dirs(dir, err);
	if (!ret)
		ret = copy_schema(&f, schema_path, dir, form_rel, err);
	if (!ret)
		ret = store_open(db, true, st, err);
	if (!ret)
		ret = store_config_set(*st, "form", *form_rel, err);
out:
	form_release(&f);
	free(db);
	return ret;
}

int workspace_create(const char *dir, const struct workspace_identity *id,
		     const char *schema_path, struct error *err)
{
	struct store *st = NULL;
	char *form_rel = NULL;
	int ret;

	ret = workspace_check_identity(id, err);
	if (!ret)
		ret = create_store(dir, schema_path, &st, &form_rel, err);
	if (!ret)
		ret = store_config_set(st, "commune", id->commune, err);
	if (!ret)
		ret = store_config_set(st, "enumerator", id->enumerator, err);
	if (!ret)
		ret = store_config_set(st, "device", id->device, err);
	if (st)
		store_close(st);
	free(form_rel);
	return ret;
}

int workspace_create_district(const char *dir, const char *enumerator,
			      const char *schema_path, struct error *err)
{
	struct store *st = NULL;
	char *form_rel = NULL;
	int ret = 0;

	if (!valid_person(enumerator))
		ret = error_add(err, ERR_USAGE,
				"--enumerator: '%s' should read \"Full Name <email>\", "
				"e.g. \"Đặng Văn Bình <binh@example.vn>\"",
				enumerator ? enumerator : "");
	if (!ret)
		ret = create_store(dir, schema_path, &st, &form_rel, err);
	if (!ret)
		ret = store_config_set(st, "enumerator", enumerator, err);
	/* Last, so that only a complete store reads as a district workspace. */
	if (!ret)
		ret = store_config_set(st, "role", WORKSPACE_DISTRICT, err);
	if (st)
		store_close(st);
	free(form_rel);
	return ret;
}

int workspace_open(const char *dir, struct workspace *ws, struct error *err)
{
	char *db = path_join(dir, STORE_FILE);
	char *form_rel = NULL, *form_path = NULL;
	struct error open_err = ERROR_INIT;
	int ret;

	*ws = (struct workspace)WORKSPACE_INIT;
	ws->dir = xstrdup(dir);
	ret = store_open(db, false, &ws->store, &open_err);
	if (ret == ERR_NOTFOUND) {
		ret = error_at(err, ERR_ENV, dir, 0, 0,
			       "not a dieutra workspace: run `dieutra init` there, or give -C DIR");
		goto out;
	}
	error_move(err, &open_err);
	if (ret)
		goto out;
	if ((ret = store_config_get(ws->store, "role", &ws->role, err)) ||
	    (ret = store_config_get(ws->store, "commune", &ws->commune, err)) ||
	    (ret = store_config_get(ws->store, "enumerator", &ws->enumerator, err)) ||
	    (ret = store_config_get(ws->store, "device", &ws->device, err)) ||
	    (ret = store_config_get(ws->store, "form", &form_rel, err)))
		goto out;
	if (!ws->role)
		ws->role = xstrdup(WORKSPACE_COMMUNE);
	if (!strcmp(ws->role, WORKSPACE_DISTRICT) && (!ws->enumerator || !form_rel)) {
		ret = error_at(err, ERR_ENV, db, 0, 0,
			       "the district workspace's settings are incomplete: make it again "
			       "with `dieutra district clone`");
		goto out;
	}
	if (strcmp(ws->role, WORKSPACE_DISTRICT) && strcmp(ws->role, WORKSPACE_COMMUNE)) {
		ret = error_at(err, ERR_ENV, db, 0, 0,
			       "the workspace's role '%s' is unknown: is this dieutra too old for it?",
			       ws->role);
		goto out;
	}
	if (!strcmp(ws->role, WORKSPACE_COMMUNE) &&
	    (!ws->commune || !ws->enumerator || !ws->device || !form_rel)) {
		ret = error_at(err, ERR_ENV, db, 0, 0,
			       "the workspace settings are incomplete: create the workspace again with `dieutra init`");
		goto out;
	}
	form_path = path_join(dir, form_rel);
	ret = form_load_lazy(form_path, &ws->form, err);
out:
	if (ret)
		workspace_close(ws);
	error_release(&open_err);
	free(form_path);
	free(form_rel);
	free(db);
	return ret;
}

void workspace_close(struct workspace *ws)
{
	if (ws->store)
		store_close(ws->store);
	form_release(&ws->form);
	free(ws->dir);
	free(ws->commune);
	free(ws->enumerator);
	free(ws->device);
	free(ws->role);
	if (ws->older)
		form_release(ws->older);
	free(ws->older);
	*ws = (struct workspace)WORKSPACE_INIT;
}

/* The map that holds fld's answer, made if missing; NULL for a field inside a repeat. */
static struct record_node *answer_map(struct record_node *data, const struct form_field *fld)
{
	const struct form_field *chain[FORM_MAX_DEPTH + 2];
	struct record_node *map = data;
	size_t n = 0;

	for (; fld->parent; fld = fld->parent) {
		if (fld->parent->type == FORM_REPEAT || n == FORM_MAX_DEPTH + 1)
			return NULL;
		chain[n++] = fld->parent;
	}
	while (n-- > 0) {
		struct record_node *kid = record_node_get(map, chain[n]->name);

		if (!kid) {
			kid = record_node_new(RECORD_MAP, chain[n]->name, NULL);
			record_node_add(map, kid);
		}
		if (kid->kind != RECORD_MAP)
			return NULL;
		map = kid;
	}
	return map;
}

/* Answers fld with value unless it has an answer; returns whether it did. */
static bool prefill_one(struct record *r, const struct form_field *fld, const char *value)
{
	struct record_node *map = answer_map(r->data, fld);

	if (!map || record_node_get(map, fld->name))
		return false;
	record_node_set(map, fld->name, value);
	return true;
}

/* The index of column name in list, or -1. */
static long column_of(const struct form_list *list, const char *name)
{
	size_t j;

	for (j = 0; j < list->ncolumns; j++)
		if (!strcmp(list->columns[j], name))
			return (long)j;
	return -1;
}

/*
 * Whether list's value column is `col`: the choice whose value is v carries
 * v in that column too (as every row of a TSV list does in its value column).
 */
static bool valued_by(const struct form_list *list, const char *col, const char *v)
{
	const struct form_choice *x = form_choice(list, v);
	long j = column_of(list, col);

	return x && j >= 0 && !strcmp(x->columns[j], v);
}

void workspace_prefill(const struct workspace *ws, struct record *r)
{
	const struct form *f = &ws->form;
	const struct form_choice *home = NULL;
	const struct form_list *home_list = NULL;
	size_t i, j;

	for (i = 0; i < f->nfields; i++) {
		const struct form_field *fld = f->fields[i];

		if (fld->type != FORM_SELECT_ONE || !fld->list || fld->repeat)
			continue;
		home = form_choice(fld->list, ws->commune);
		if (home) {
			home_list = fld->list;
			prefill_one(r, fld, ws->commune);
			break;
		}
	}
	for (i = 0; home && i < f->nfields; i++) {
		const struct form_field *fld = f->fields[i];

		if (fld->type != FORM_SELECT_ONE || !fld->list || fld->repeat ||
		    fld->list == home_list)
			continue;
		for (j = 0; j < home_list->ncolumns; j++) {
			const char *v = home->columns[j];

			if (*v && valued_by(fld->list, home_list->columns[j], v)) {
				prefill_one(r, fld, v);
				break;
			}
		}
	}
	for (i = 0; i < f->nfields; i++)
		if (f->fields[i]->default_value && !f->fields[i]->repeat)
			prefill_one(r, f->fields[i], f->fields[i]->default_value);
}

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}


/* Checks what a record says about itself against this workspace. */
static int check_header(struct workspace *ws, const struct record *r, struct error *err)
{
	const char *file = r->file;
	int ret = 0;

	if (r->status && !record_status_valid(r->status))
		ret = error_at(err, ERR_DATA, file, 0, 0,
			       "status '%s' is not one of draft, complete, void", r->status);
	else if (r->status && !strcmp(r->status, "rejected"))
		ret = error_at(err, ERR_DATA, file, 0, 0,
			       "status 'rejected' is set by the district's review, not by `add`");
	if (r->form && strcmp(r->form, ws->form.id))
		ret = error_at(err, ERR_DATA, file, 0, 0,
			       "the record is for form '%s' but this workspace uses '%s'",
			       r->form, ws->form.id);
	if (r->id) {
		size_t n = strlen(ws->commune);

		if (!matches(r->id, "^[0-9]{5}-[A-Za-z0-9]{1,8}-[0-9]{4,9}$"))
			ret = error_at(err, ERR_DATA, file, 0, 0,
				       "id '%s' is not of the form CODE-DEVICE-NNNN (e.g. %s-%s-0001)",
				       r->id, ws->commune, ws->device);
		else if (strncmp(r->id, ws->commune, n) || r->id[n] != '-')
			ret = error_at(err, ERR_DATA, file, 0, 0,
				       "id '%s' belongs to another commune; this workspace is commune %s",
				       r->id, ws->commune);
	}
	return ret;
}

/*
 * Repeat items' _ids are identities, not answers: a file added again
 * without them (so given fresh ones by validation) holds the same answers.
 */
static bool same_answers(const struct record *a, const struct record *b)
{
	struct sbuf sa = SBUF_INIT, sb = SBUF_INIT;
	bool same;

	record_write_answers(a, &sa);
	record_write_answers(b, &sb);
	same = !strcmp(sbuf_str(&sa), sbuf_str(&sb));
	sbuf_release(&sa);
	sbuf_release(&sb);
	return same;
}

/*
 * The stored version of r's id into row (released by the caller): 0, or
 * ERR_NOTFOUND (no id, or a new one) with nothing said, or ERR_ENV in err.
 */
static int get_stored(struct workspace *ws, const struct record *r, struct store_row *row,
		      struct error *err)
{
	struct error get_err = ERROR_INIT;
	int ret = r->id ? store_get(ws->store, r->id, row, &get_err) : ERR_NOTFOUND;

	if (ret != ERR_NOTFOUND)
		error_move(err, &get_err);
	error_release(&get_err);
	return ret;
}

/*
 * Fills r's meta from row, the stored version of the same id, and tells
 * whether anything differs.
 */
static int compare_stored(const struct store_row *row, struct record *r, bool *same,
			  struct error *err)
{
	struct record old;
	struct sbuf now = SBUF_INIT;
	int ret;

	*same = false;
	record_init(&old);
	ret = record_parse(row->body, strlen(row->body), r->id, &old, err);
	if (ret) {
		ret = error_add(err, ERR_ENV, "the stored copy of %s cannot be read", r->id);
		goto out;
	}
	set_str(&r->created, old.created);
	set_str(&r->modified, old.modified);
	set_str(&r->enumerator, old.enumerator);
	set_str(&r->device, old.device);
	/* A rejected record being corrected keeps the district's reason until finished. */
	if (!strcmp(r->status, "draft"))
		set_str(&r->review, old.review);
	record_write(r, &now);
	/* Saving a record in conflict settles it, even with the answers it had. */
	*same = strcmp(row->status, "conflict") &&
		(!strcmp(sbuf_str(&now), row->body) ||
		 (!strcmp(r->status, old.status ? old.status : "") && same_answers(r, &old)));
out:
	sbuf_release(&now);
	record_release(&old);
	return ret;
}

int workspace_load(struct workspace *ws, const char *id, struct record *r, struct error *err)
{
	struct store_row row = { 0 };
	int ret;

	ret = store_get(ws->store, id, &row, err);
	if (!ret)
		ret = record_parse(row.body, strlen(row.body), id, r, err);
	store_row_release(&row);
	return ret;
}

/*
 * workspace_save(), and when complete is not NULL and r is a draft (or
 * void), what workspace_save_draft() adds: r validated as complete too.
 */
static int save(struct workspace *ws, struct record *r, const char *lang,
		enum workspace_saved *saved, struct record *complete, struct error *complete_err,
		struct error *err)
{
	struct validate_opts opts = { lang, util_now(), false };
	const struct form *form = NULL;
	struct error form_err = ERROR_INIT;
	struct store_row row = { 0 };
	char stamp[21], *same_id = NULL, *title = NULL;
	bool found, same = false;
	int ret;

	if (workspace_is_district(ws)) {
		ret = error_at(err, ERR_USAGE, ws->dir, 0, 0,
			       "a district workspace only reads records: they are entered in the "
			       "communes' workspaces (`dieutra review` sends one back)");
		goto out;
	}
	ret = check_header(ws, r, err);
	if (ret)
		goto out;
	if (!r->status)
		r->status = xstrdup("complete");
	/* meta.review is the district's (decision 3): finishing the record answers it. */
	set_str(&r->review, NULL);
	/* Read once: whether it is new, and what it was. */
	ret = get_stored(ws, r, &row, err);
	if (ret && ret != ERR_NOTFOUND)
		goto out;
	found = !ret;
	if (!found)
		workspace_prefill(ws, r);
	opts.draft = !strcmp(r->status, "draft") || !strcmp(r->status, "void");
	ret = workspace_form_of(ws, r->version, &form, &form_err);
	/*
	 * A record that came in from a laptop that had a version this one
	 * never had is checked against the form in force, and takes its version.
	 */
	if (ret == ERR_DATA && found) {
		form = &ws->form;
		ret = 0;
	}
	if (ret == ERR_DATA)
		ret = error_at(err, ret, r->file, 0, 0,
			       "the record was made with form version %s, which this workspace "
			       "never had (it has %s): sync to take the district's forms",
			       r->version, ws->form.version);
	else
		error_move(err, &form_err);
	if (ret)
		goto out;
	if (complete && opts.draft)
		ret = validate_record_both(form, r, &opts, err, complete, complete_err);
	else
		ret = validate_record(form, r, &opts, err);
	if (ret)
		goto out;
	/*
	 * Only finished records are recognised by their answers: two drafts
	 * started at two doors may well hold the same few answers so far.
	 */
	if (!r->id && !opts.draft) {
		ret = store_find_same(ws->store, r, &same_id, err);
		if (ret)
			goto out;
		r->id = same_id;
		same_id = NULL;
		ret = r->id ? get_stored(ws, r, &row, err) : ERR_NOTFOUND;
		if (ret && ret != ERR_NOTFOUND)
			goto out;
		found = !ret;
		ret = 0;
	}
	if (found) {
		ret = compare_stored(&row, r, &same, err);
		if (ret)
			goto out;
	} else if (!r->id) {
		long seq;

		ret = store_next_seq(ws->store, &seq, err);
		if (ret)
			goto out;
		r->id = xasprintf("%s-%s-%04ld", ws->commune, ws->device, seq);
	}
	if (found && same) {
		*saved = WORKSPACE_UNCHANGED;
		goto out;
	}
	util_format_time(opts.now, stamp);
	if (!found)
		set_str(&r->created, stamp);
	set_str(&r->modified, stamp);
	set_str(&r->enumerator, ws->enumerator);
	set_str(&r->device, ws->device);
	title = validate_title(form, r, opts.now);
	ret = store_put(ws->store, r, title, err);
	if (ret)
		goto out;
	*saved = found ? WORKSPACE_UPDATED : WORKSPACE_NEW;
out:
	error_release(&form_err);
	store_row_release(&row);
	free(title);
	free(same_id);
	return ret;
}

int workspace_save(struct workspace *ws, struct record *r, const char *lang,
		   enum workspace_saved *saved, struct error *err)
{
	return save(ws, r, lang, saved, NULL, NULL, err);
}

int workspace_save_draft(struct workspace *ws, struct record *r, const char *lang,
			 enum workspace_saved *saved, struct record *complete,
			 struct error *complete_err, struct error *err)
{
	return save(ws, r, lang, saved, complete, complete_err, err);
}
