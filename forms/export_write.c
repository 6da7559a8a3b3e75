/*
 * export_write.c - the export's two outputs: RFC 4180 CSV files, one per
 * table, and one SQLite database with a table per table.  Each is written
 * under a temporary name and renamed into place only once complete.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_priv.h"
#include "form.h"

static int io_error(struct error *err, const char *path, const char *what)
{
	return error_at(err, ERR_ENV, path, 0, 0, "cannot %s: %s", what, strerror(errno));
}

static int db_error(struct export_out *out, const char *what, struct error *err)
{
	return error_at(err, ERR_ENV, out->db_path, 0, 0, "cannot %s: %s", what,
			out->db ? sqlite3_errmsg(out->db) : "out of memory");
}

static void csv_cell(FILE *fp, const char *s, size_t len)
{
	size_t i;

	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
	    !memchr(s, '\r', len)) {
		fwrite(s, 1, len, fp);
		return;
	}
	putc('"', fp);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			putc('"', fp);
		putc(s[i], fp);
	}
	putc('"', fp);
}

static int csv_open(struct export_out *out, struct export_table *t, struct error *err)
{
	size_t i;

	t->path = xasprintf("%s/%s.csv", out->dir, t->name);
	t->tmp = xasprintf("%s.tmp%ld", t->path, (long)getpid());
	t->csv = fopen(t->tmp, "w");
	if (!t->csv)
		return io_error(err, t->tmp, "create");
	if (out->opts->bom)
		fputs("\xEF\xBB\xBF", t->csv);
	for (i = 0; i < t->ncols; i++) {
		if (i)
			putc(',', t->csv);
		csv_cell(t->csv, t->cols[i].name, strlen(t->cols[i].name));
	}
	fputs("\r\n", t->csv);
	return 0;
}

static void sql_name(struct sbuf *sb, const char *name)
{
	sbuf_addc(sb, '"');
	for (; *name; name++) {
		if (*name == '"')
			sbuf_addc(sb, '"');
		sbuf_addc(sb, *name);
	}
	sbuf_addc(sb, '"');
}

static int sql_table(struct export_out *out, struct export_table *t, struct error *err)
{
	struct sbuf create = SBUF_INIT, insert = SBUF_INIT;
	size_t i;
	int ret = 0;

	sbuf_adds(&create, "CREATE TABLE ");
	sql_name(&create, t->name);
	sbuf_adds(&create, " (");
	sbuf_adds(&insert, "INSERT INTO ");
	sql_name(&insert, t->name);
	sbuf_adds(&insert, " VALUES (");
	for (i = 0; i < t->ncols; i++) {
		const char *type = export_col_type(&t->cols[i]);

		if (i) {
			sbuf_adds(&create, ", ");
			sbuf_adds(&insert, ", ");
		}
		sql_name(&create, t->cols[i].name);
		if (*type)
			sbuf_addf(&create, " %s", type);
		sbuf_addf(&insert, "?%zu", i + 1);
	}
	sbuf_adds(&create, ")");
	sbuf_adds(&insert, ")");
	if (sqlite3_exec(out->db, sbuf_str(&create), NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(out->db, sbuf_str(&insert), -1, &t->insert, NULL) != SQLITE_OK)
		ret = db_error(out, "create the export's tables", err);
	sbuf_release(&create);
	sbuf_release(&insert);
	return ret;
}

/* A table of items is looked up by its household: index its id. */
static int sql_index(struct export_out *out, const struct export_table *t, struct error *err)
{
	struct sbuf sql = SBUF_INIT;
	int ret = 0;

	sbuf_addf(&sql, "CREATE INDEX \"%s_by_id\" ON ", t->name);
	sql_name(&sql, t->name);
	sbuf_adds(&sql, "(id)");
	if (sqlite3_exec(out->db, sbuf_str(&sql), NULL, NULL, NULL) != SQLITE_OK)
		ret = db_error(out, "index the export's tables", err);
	sbuf_release(&sql);
	return ret;
}

static int sql_open(struct export_out *out, struct export_table *t, size_t n,
		    struct error *err)
{
	size_t i;
	int ret;

	out->db_path = xasprintf("%s/%s", out->dir, EXPORT_SQLITE_FILE);
	out->db_tmp = xasprintf("%s.tmp%ld", out->db_path, (long)getpid());
	if (unlink(out->db_tmp) < 0 && errno != ENOENT)
		return io_error(err, out->db_tmp, "remove");
	if (sqlite3_open_v2(out->db_tmp, &out->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK)
		return db_error(out, "create the database", err);
	/* A scratch file until renamed into place: a journal would only slow it down. */
	if (sqlite3_exec(out->db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN",
			 NULL, NULL, NULL) != SQLITE_OK)
		return db_error(out, "start writing the database", err);
	for (i = 0; i < n; i++) {
		ret = sql_table(out, &t[i], err);
		if (ret)
			return ret;
	}
	return 0;
}

int export_open(struct export_out *out, struct export_table *t, size_t n, struct error *err)
{
	size_t i;
	int ret;

	if (out->opts->format == EXPORT_SQLITE)
		return sql_open(out, t, n, err);
	for (i = 0; i < n; i++) {
		ret = csv_open(out, &t[i], err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Text that reads back as the same integer: no sign but '-', no leading zero. */
static bool canonical_integer(const char *s, long long *v)
{
	const char *p = s + (*s == '-');
	if (!*p || strlen(p) > 18 || (p[0] == '0' && p[1]) || (*s == '-' && p[0] == '0'))
		return false;
	if (strspn(p, "0123456789") != strlen(p))
		return false;
	*v = strtoll(s, NULL, 10);
	return true;
}

static int sql_bind(sqlite3_stmt *st, int i, const struct export_col *c, const char *v,
		    size_t len)
{
	const char *type = export_col_type(c);
	long long n;
	double d;
	char *end;

	if ((!strcmp(type, "INTEGER") || !*type) && canonical_integer(v, &n))
		return sqlite3_bind_int64(st, i, n);
	if (!strcmp(type, "REAL") && *v) {
		d = strtod(v, &end);
		if (!*end)
			return sqlite3_bind_double(st, i, d);
	}
	return sqlite3_bind_text(st, i, v, (int)len, SQLITE_STATIC);
}

int export_write_row(struct export_out *out, struct export_table *t,
		     const struct export_row *row, struct error *err)
{
	size_t i;
	int rc = SQLITE_OK;

	if (out->opts->format == EXPORT_CSV) {
		for (i = 0; i < t->ncols; i++) {
			if (i)
				putc(',', t->csv);
			csv_cell(t->csv, sbuf_str(&row->cells[i]), row->cells[i].len);
		}
		if (fputs("\r\n", t->csv) == EOF)
			return io_error(err, t->tmp, "write");
		return 0;
	}
	for (i = 0; i < t->ncols && rc == SQLITE_OK; i++)
		rc = row->null[i] ? sqlite3_bind_null(t->insert, (int)i + 1)
				  : sql_bind(t->insert, (int)i + 1, &t->cols[i],
					     sbuf_str(&row->cells[i]), row->cells[i].len);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(t->insert);
	sqlite3_reset(t->insert);
	if (rc != SQLITE_DONE)
		return db_error(out, "write a row", err);
	return 0;
}

static int close_csv(struct export_table *t, struct error *err)
{
	FILE *fp = t->csv;

	t->csv = NULL;
	if (fflush(fp) == EOF || fsync(fileno(fp)) < 0) {
		fclose(fp);
		return io_error(err, t->tmp, "write");
	}
	if (fclose(fp) == EOF)
		return io_error(err, t->tmp, "write");
	return 0;
}

int export_finish(struct export_out *out, struct export_table *t, size_t n, struct error *err)
{
	size_t i;
	int ret;

	if (out->opts->format == EXPORT_SQLITE) {
		for (i = 1; i + 1 < n; i++) {
			ret = sql_index(out, &t[i], err);
			if (ret)
				return ret;
		}
		for (i = 0; i < n; i++) {
			sqlite3_finalize(t[i].insert);
			t[i].insert = NULL;
		}
		if (sqlite3_exec(out->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return db_error(out, "finish the database", err);
		if (sqlite3_close(out->db) != SQLITE_OK)
			return db_error(out, "close the database", err);
		out->db = NULL;
		if (rename(out->db_tmp, out->db_path) < 0)
			return io_error(err, out->db_path, "replace");
		free(out->db_tmp);
		out->db_tmp = NULL;
		return 0;
	}
	for (i = 0; i < n; i++) {
		ret = close_csv(&t[i], err);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		if (rename(t[i].tmp, t[i].path) < 0)
			return io_error(err, t[i].path, "replace");
		free(t[i].tmp);
		t[i].tmp = NULL;
	}
	return 0;
}

void export_close(struct export_out *out, struct export_table *t, size_t n)
{
	size_t i;

	for (i = 0; t && i < n; i++) {
		if (t[i].csv)
			fclose(t[i].csv);
		if (t[i].tmp)
			unlink(t[i].tmp);
		sqlite3_finalize(t[i].insert);
		free(t[i].path);
		free(t[i].tmp);
		t[i].csv = NULL;
		t[i].insert = NULL;
		t[i].path = t[i].tmp = NULL;
	}
	if (out->db)
		sqlite3_close(out->db);
	if (out->db_tmp)
		unlink(out->db_tmp);
	free(out->db_path);
	free(out->db_tmp);
	out->db = NULL;
	out->db_path = out->db_tmp = NULL;
}
