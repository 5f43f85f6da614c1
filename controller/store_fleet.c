/* store_fleet.c: the SQLite backend's tables and columns for what kiosks show (shown,
 * kiosks.showing_*) and for the outcome of staff actions (history.outcome, .reason),
 * with the migration that adds those columns to a database made before them. See
 * store.h (hall_store_each_shown, hall_store_set_history_outcome). */
#include "store_sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* 1 when table has column, 0 when not, -1 on error. */
static int has_column(sq_store *q, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name=?1", table);
	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sq__bind_text(st, 1, column);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

/* Columns added after a database was first made (the schema has them for a new one). */
static const struct {
	const char *table, *column, *decl;
} ADDED_COLUMNS[] = {
	{"history", "outcome", "TEXT NOT NULL DEFAULT 'ok'"},
	{"history", "reason", "TEXT NOT NULL DEFAULT ''"},
	{"kiosks", "showing_scope", "TEXT NOT NULL DEFAULT ''"},
	{"kiosks", "showing_pack", "TEXT NOT NULL DEFAULT ''"},
	{"kiosks", "fps_milli", "INTEGER"}, /* NULL: the kiosk never said its frame rate */
	{"kiosks", "broker", "TEXT NOT NULL DEFAULT ''"}, /* the broker it is on (hello, status) */
	{"kiosks", "frame_p99_us", "INTEGER"}, /* console helper: NULL = never said its render health */
};
#define N_ADDED (sizeof ADDED_COLUMNS / sizeof ADDED_COLUMNS[0])

/* Checked, then added in one write transaction that checks again, so two processes
 * opening an old database at once add each column once. */
hall_err sq__migrate_columns(sq_store *q, hall_error *err)
{
	bool missing = false;
	for (size_t i = 0; i < N_ADDED; i++)
		missing = missing || has_column(q, ADDED_COLUMNS[i].table, ADDED_COLUMNS[i].column) != 1;
	if (!missing || q->read_only)
		return HALL_OK;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	for (size_t i = 0; !rc && i < N_ADDED; i++) {
		int has = has_column(q, ADDED_COLUMNS[i].table, ADDED_COLUMNS[i].column);
		char sql[160];
		if (has < 0)
			rc = sq__fail(q, err, "read schema");
		else if (has == 0) {
			snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", ADDED_COLUMNS[i].table,
			         ADDED_COLUMNS[i].column, ADDED_COLUMNS[i].decl);
			rc = sq__exec(q, sql, err);
		}
	}
	return sq__end(q, rc, err);
}

hall_err sq__note_showing(sq_store *q, const char *kiosk, const hall_showing *sh, int64_t now_ms, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	if (!sh->scope[0])
		return HALL_OK;
	hall_err rc = sq__prep(q,
	                       "INSERT INTO shown(kiosk, ts, scope, version, pack) SELECT ?1, ?2, ?3, ?4, ?5"
	                       " WHERE NOT EXISTS (SELECT 1 FROM (SELECT scope, version, pack FROM shown WHERE kiosk=?1"
	                       " ORDER BY ts DESC, rowid DESC LIMIT 1) WHERE scope=?3 AND version=?4 AND pack=?5)",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, now_ms);
	sq__bind_text(st, 3, sh->scope);
	sqlite3_bind_int64(st, 4, sh->version);
	sq__bind_text(st, 5, sh->pack);
	rc = sq__run(q, st, "log what a kiosk shows", NULL, err);
	if (rc)
		return rc;
	rc = sq__prep(q, "UPDATE kiosks SET content_version=?2, showing_scope=?3, showing_pack=?4 WHERE id=?1", &st,
	              err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, sh->version);
	sq__bind_text(st, 3, sh->scope);
	sq__bind_text(st, 4, sh->pack);
	return sq__run(q, st, "store what a kiosk shows", NULL, err);
}

hall_err sq__set_history_outcome(hall_store *s, int64_t id, const char *outcome, const char *reason, hall_error *err)
{
	sq_store *q = sq__of(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "UPDATE history SET outcome=?2, reason=?3 WHERE id=?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sq__bind_text(st, 2, outcome && outcome[0] ? outcome : "ok");
	sq__bind_text(st, 3, reason);
	return sq__run(q, st, "store history outcome", NULL, err);
}

/* The kiosk's own changes in [from, to); for a kiosk that never said `showing`, its
 * applied content acks that were not clears (the ack's scope "group:g" -> "group"). */
#define SHOWN_SELECT                                                                                              \
	"SELECT ts, scope, version, pack FROM shown WHERE kiosk=?1 AND ts>=?2 AND ts<?3"                          \
	" UNION ALL SELECT ts, CASE WHEN scope LIKE 'group:%' THEN 'group' WHEN scope LIKE 'kiosk:%' THEN 'kiosk'" \
	" ELSE 'all' END, version, '' FROM acks WHERE kiosk=?1 AND kind='content' AND result='applied'"            \
	" AND ts>=?2 AND ts<?3 AND NOT EXISTS (SELECT 1 FROM shown WHERE kiosk=?1)"                                \
	" AND NOT EXISTS (SELECT 1 FROM desired WHERE kind='content' AND desired.version=acks.version"             \
	" AND cleared=1)"

typedef struct shown_ctx {
	const char *kiosk;
	hall_store_shown_cb cb;
	void *user;
} shown_ctx;

static hall_err shown_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	shown_ctx *c = ctx;
	hall_store_shown sh;
	(void)err;
	memset(&sh, 0, sizeof sh);
	snprintf(sh.kiosk, sizeof sh.kiosk, "%s", c->kiosk);
	sh.ts = sq__col_i64(st, 0);
	sq__col_text(st, 1, sh.showing.scope, sizeof sh.showing.scope);
	sh.showing.version = sq__col_i64(st, 2);
	sq__col_text(st, 3, sh.showing.pack, sizeof sh.showing.pack);
	*stop = c->cb(c->user, &sh) != 0;
	return HALL_OK;
}

static hall_err shown_rows(sq_store *q, const char *kiosk, int64_t from_ms, int64_t to_ms, bool last,
                           hall_store_shown_cb cb, void *user, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	shown_ctx c = {kiosk, cb, user};
	hall_err rc = sq__prep(q, last ? SHOWN_SELECT " ORDER BY 1 DESC LIMIT 1" : SHOWN_SELECT " ORDER BY 1", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	return sq__each_row(q, st, "read what kiosks showed", shown_row, &c, NULL, err);
}

hall_err sq__each_shown(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms, hall_store_shown_cb cb,
                        void *user, hall_error *err)
{
	return shown_rows(sq__of(s), kiosk, from_ms, to_ms, false, cb, user, err);
}

static int take_shown(void *user, const hall_store_shown *sh)
{
	*(hall_store_shown *)user = *sh;
	return 1;
}

hall_err sq__last_shown_before(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
                               hall_error *err)
{
	hall_store_shown got;
	memset(&got, 0, sizeof got);
	hall_err rc = shown_rows(sq__of(s), kiosk, INT64_MIN, before_ms, true, take_shown, &got, err);
	if (rc)
		return rc;
	if (!got.kiosk[0])
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "", "kiosk %s: nothing known shown before", kiosk);
	*out = got;
	return HALL_OK;
}
