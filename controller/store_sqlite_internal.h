/* controller/store_sqlite_internal.h: what the SQLite backend's files share.
 *
 * store_sqlite.c holds the connection, the schema and the ops table; a file that adds
 * its own tables (store_users.c, ...) includes this header and uses these helpers, so
 * that every SQL statement of the backend is prepared, stepped and finished the same
 * way. Nothing outside the backend includes it (store.h is the interface).
 *
 * Names: sq__ (the backend's internals shared across its files, as mosquitto's
 * module__fn). Errors: HALL_ERR_DB with SQLite's message and what was being done.
 * Threads: as store.h (one thread at a time per hall_store). */
#ifndef HALL_CTL_STORE_SQLITE_INTERNAL_H
#define HALL_CTL_STORE_SQLITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>

#include "store.h"

typedef struct sq_store {
	hall_store base; /* first: a hall_store * is a sq_store * */
	sqlite3 *db;
	bool read_only;  /* opened with hall_store_open_sqlite_ro: no schema change, no writes */
	sqlite3_stmt *ins_event;
	sqlite3_stmt *ins_vote;
	/* sq_advance_confirm's three statements, prepared once: serve confirms every kiosk of
	 * every batch, and preparing them per call was a measurable share of its CPU. Each is
	 * reset right after use, so none holds a read open between calls. */
	sqlite3_stmt *conf_kiosk;
	sqlite3_stmt *conf_events;
	sqlite3_stmt *conf_store;
	sqlite3_stmt *ins_span;
} sq_store;

/* The backend state of a store opened by hall_store_open_sqlite (the caller knows it is one). */
static inline sq_store *sq__of(hall_store *s)
{
	return (sq_store *)(void *)s;
}

/* err := HALL_ERR_DB "what: <SQLite's last message>"; returns HALL_ERR_DB. */
hall_err sq__fail(sq_store *q, hall_error *err, const char *what);
/* Run one or more statements that return no rows (schema, BEGIN, COMMIT). */
hall_err sq__exec(sq_store *q, const char *sql, hall_error *err);
/* Prepare sql into *st; the caller finalizes it (sq__run and sq__each_row do). */
hall_err sq__prep(sq_store *q, const char *sql, sqlite3_stmt **st, hall_error *err);
/* Step a statement with no result rows once and finalize it; *changes (may be NULL)
 * gets the rows it touched. */
hall_err sq__run(sq_store *q, sqlite3_stmt *st, const char *what, int64_t *changes, hall_error *err);

/* Transactions: sq__begin opens a write transaction (BEGIN IMMEDIATE, so a writer
 * waits for the other's lock at the start instead of failing at its first write).
 * sq__end commits when rc is HALL_OK and rolls back otherwise (also when the COMMIT
 * fails); it returns rc, or the COMMIT's error. One exit for every writing function. */
hall_err sq__begin(sq_store *q, hall_error *err);
hall_err sq__end(sq_store *q, hall_err rc, hall_error *err);
/* ROLLBACK and return rc (for paths that leave before sq__end). */
hall_err sq__rollback(sq_store *q, hall_err rc);

/* Binding: texts are copied (SQLITE_TRANSIENT); NULL binds "". bind_opt_text binds SQL
 * NULL for NULL or "" (a filter written `?1 IS NULL OR col=?1` then matches anything). */
void sq__bind_text(sqlite3_stmt *st, int i, const char *s);
void sq__bind_opt_text(sqlite3_stmt *st, int i, const char *s);
/* Columns: a TEXT into a fixed buffer (cut to len - 1, NULL as ""); an INTEGER; an
 * INTEGER that may be NULL (-1 then). */
void sq__col_text(sqlite3_stmt *st, int i, char *out, size_t len);
int64_t sq__col_i64(sqlite3_stmt *st, int i);
int64_t sq__col_opt_i64(sqlite3_stmt *st, int i);

/* store_sqlite_db.c: hall_store_check and hall_store_backup of this backend. */
hall_err sq__check(hall_store *s, bool full, hall_error *err);
/* Copy every page of src's main database into dst's in one step (one read snapshot of
 * src); errors name `what`. */
hall_err sq__copy_pages(sqlite3 *dst, sqlite3 *src, const char *what, hall_error *err);
hall_err sq__backup(hall_store *s, const char *out_path, hall_error *err);

/* ---------------------------------------------------------------- the row loop */

/* Reads the current row of st into the caller's row type and hands it on. Sets *stop to
 * end the iteration early (a caller's callback said so, or only one row was wanted).
 * Returns HALL_OK, or an error with err filled (a row it could not read). */
typedef hall_err (*sq__row_fn)(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err);

/* The one row loop of the backend: steps st (prepared and bound by the caller) through
 * its rows, calling row(ctx, st, ...) on each until it sets *stop, fails or the rows
 * end, then finalizes st in every case. Returns HALL_OK (also when stopped early), the
 * row function's error, or HALL_ERR_DB naming `what` when a step fails. *rows (may be
 * NULL) gets how many rows were handed to row. */
hall_err sq__each_row(sq_store *q, sqlite3_stmt *st, const char *what, sq__row_fn row, void *ctx, size_t *rows,
                      hall_error *err);
/* sq__each_row for the first row only: HALL_ERR_NOT_FOUND, err untouched, when there is
 * none (the caller names what was missing). */
hall_err sq__one_row(sq_store *q, sqlite3_stmt *st, const char *what, sq__row_fn row, void *ctx, hall_error *err);
/* sq__one_row reading column 0: an INTEGER (-1 when NULL), or a TEXT cut to len - 1. */
hall_err sq__one_i64(sq_store *q, sqlite3_stmt *st, const char *what, int64_t *out, hall_error *err);
hall_err sq__one_text(sq_store *q, sqlite3_stmt *st, const char *what, char *out, size_t len, hall_error *err);

/* ---------------------------------------------------------------- store_fleet.c */

/* Add the columns newer than a database (history.outcome/reason, kiosks.showing_*). */
hall_err sq__migrate_columns(sq_store *q, hall_error *err);
/* Inside the caller's transaction: what a kiosk says it shows (scope "" = not said:
 * nothing happens): a row in shown when it differs from the kiosk's last one, and the
 * kiosk's content_version, showing_scope, showing_pack. */
hall_err sq__note_showing(sq_store *q, const char *kiosk, const hall_showing *sh, int64_t now_ms, hall_error *err);
/* The ops of store.h of the same names. */
hall_err sq__set_history_outcome(hall_store *s, int64_t id, const char *outcome, const char *reason,
                                 hall_error *err);
hall_err sq__each_shown(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms, hall_store_shown_cb cb,
                        void *user, hall_error *err);
hall_err sq__last_shown_before(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
                               hall_error *err);

#endif
