/* store_sqlite_db.c: the SQLite database as a file: its integrity check, an online
 * backup, and a restore from one (see store.h, "the database itself").
 *
 * The backup goes through SQLite's online backup API, never a file copy: a copy of the
 * file while serve writes it (and of its -wal beside it) can be torn, a backup cannot. */
#include "store_sqlite_internal.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hall/fsutil.h"

/* The first rows of a check are its findings; "ok" alone means sound. */
#define CHECK_ROWS_MAX 3

typedef struct check_ctx {
	char msg[200];
	int rows;
	bool ok;
} check_ctx;

static hall_err check_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)err;
	check_ctx *c = ctx;
	char line[160];
	sq__col_text(st, 0, line, sizeof line);
	if (c->rows == 0 && strcmp(line, "ok") == 0) {
		c->ok = true;
		*stop = true;
		return HALL_OK;
	}
	size_t n = strlen(c->msg);
	snprintf(c->msg + n, sizeof c->msg - n, "%s%s", n ? "; " : "", line);
	*stop = ++c->rows >= CHECK_ROWS_MAX;
	return HALL_OK;
}

hall_err sq__check(hall_store *s, bool full, hall_error *err)
{
	sq_store *q = sq__of(s);
	sqlite3_stmt *st = NULL;
	check_ctx c = {.msg = "", .rows = 0, .ok = false};
	hall_error e = {0};
	char sql[40];
	snprintf(sql, sizeof sql, "PRAGMA %s(%d)", full ? "integrity_check" : "quick_check", CHECK_ROWS_MAX);
	hall_err rc = sq__prep(q, sql, &st, &e);
	if (!rc)
		rc = sq__each_row(q, st, "check", check_row, &c, NULL, &e);
	if (rc) /* a file damaged enough fails the check itself ("database disk image is malformed") */
		return hall_error_set(err, HALL_ERR_DB, "", "damaged: %s", e.msg);
	if (!c.ok)
		return hall_error_set(err, HALL_ERR_DB, "", "damaged: %s", c.msg[0] ? c.msg : "the check found problems");
	return HALL_OK;
}

/* One read snapshot of src: writers go on in WAL mode and the copy is of one moment. */
hall_err sq__copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, hall_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return hall_error_set(err, HALL_ERR_DB, "", "%s: %s", what, sqlite3_errmsg(dst));
	int step = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE)
		return hall_error_set(err, HALL_ERR_DB, "", "%s: %s", what, sqlite3_errstr(step));
	int rc = sqlite3_errcode(dst);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return hall_error_set(err, HALL_ERR_DB, "", "%s: %s", what, sqlite3_errmsg(dst));
	return HALL_OK;
}

hall_err sq__backup(hall_store *s, const char *out_path, hall_error *err)
{
	sq_store *q = sq__of(s);
	char tmp[HALL_STORE_PATH_MAX + 8];
	sqlite3 *dst = NULL;
	hall_store *check = NULL;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp)
		return hall_error_set(err, HALL_ERR_INVALID, out_path, "path too long");
	unlink(tmp);
	hall_err rc = HALL_OK;
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		rc = hall_error_set(err, HALL_ERR_IO, out_path, "cannot write: %s", dst ? sqlite3_errmsg(dst) : "no memory");
	if (!rc)
		rc = sq__copy_pages(dst, q->db, "backup", err);
	/* A backup is a file on its own: no -wal beside it. */
	if (!rc && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		rc = hall_error_set(err, HALL_ERR_DB, out_path, "backup: %s", sqlite3_errmsg(dst));
	sqlite3_close(dst);
	if (!rc)
		rc = store__fsync_path(tmp, err);
	if (!rc && (rc = hall_store_open_sqlite_mode(tmp, HALL_STORE_READ, &check, err)) == HALL_OK) {
		rc = sq__check(check, false, err);
		hall_store_close(check);
	}
	return store__put_backup(tmp, out_path, rc, err);
}

hall_err hall_store_restore_sqlite(const char *db_path, const char *from, hall_error *err)
{
	hall_store *src = NULL, *dst = NULL;
	hall_err rc = hall_store_open_sqlite_mode(from, HALL_STORE_READ, &src, err);
	if (rc == HALL_ERR_NOT_FOUND)
		return hall_error_set(err, rc, from, "no such backup");
	if (rc)
		return rc;
	if ((rc = sq__check(src, false, err)) != HALL_OK) {
		hall_store_close(src);
		return hall_error_set(err, HALL_ERR_DB, from, "not restored: the backup is %s", err ? err->msg : "damaged");
	}
	/* The destination is opened as a plain SQLite file, not a store: a damaged database
	 * (why one restores) must not be read for its schema first. */
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		rc = hall_error_set(err, HALL_ERR_DB, db_path, "cannot open: %s", db ? sqlite3_errmsg(db) : "no memory");
	if (!rc) {
		sqlite3_busy_timeout(db, 5000);
		rc = sq__copy_pages(db, sq__of(src)->db, "restore", err);
	}
	sqlite3_close(db);
	hall_store_close(src);
	if (rc)
		return rc;
	/* Opened as serve will: WAL again, and the check that the result is sound. */
	if ((rc = hall_store_open_sqlite_mode(db_path, HALL_STORE_WRITE, &dst, err)) == HALL_OK) {
		rc = sq__check(dst, false, err);
		hall_store_close(dst);
	}
	return rc;
}
