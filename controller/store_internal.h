/* controller/store_internal.h: rules every backend of controller/store.h applies the
 * same way, kept once here (store.c) so that SQLite and PostgreSQL cannot drift apart.
 * Only backends include it; callers use store.h.
 *
 * Names: store__ (internals shared across the store's files, as mosquitto's module__fn). */
#ifndef HALL_CTL_STORE_INTERNAL_H
#define HALL_CTL_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The highest version a kiosk says it holds, for any kind and scope: the versions of
 * what it shows and version_max (also what it stores behind an override). */
int64_t store__held_version(int64_t content, int64_t schedule, int64_t notice, int64_t version_max);

/* No lock-out (DESIGN.md decision 7): what the version counter should be raised to when
 * `kiosk` holds `held` and the counter stands at `counter`. A kiosk holding a version
 * above the counter (a database restored from a backup) would refuse the next pushes as
 * older, so the counter follows it; but only by HALL_PROTO_VERSION_STEP_MAX at most: a
 * version far beyond anything this database issued (stolen credentials, or a forgery a
 * development-profile kiosk took in) is not followed, and logged, so it cannot push the
 * counter to its limit and stop every push to every kiosk. 0: leave the counter. */
int64_t store__version_to_follow(const char *kiosk, int64_t held, int64_t counter);

/* event_spans.hour of a ts: ts / STORE__HOUR_MS, truncated (as the SQL of both backends
 * computes it). */
#define STORE__HOUR_MS INT64_C(3600000)

/* The first hour (event_spans.hour) that may hold a ts of [from, to) and the last (below
 * the first when the period is empty). The hour never decreases as ts grows, so the
 * hours of from and of to - 1 bound it. */
void store__hour_range(int64_t from_ms, int64_t to_ms, int64_t *first, int64_t *last);

/* After an insert: poll's tally changed. Up to 8 distinct polls are named in res; past
 * that only the count grows (the caller then re-reads every poll). */
void store__note_poll(hall_store_insert_result *res, const char *poll);

/* Backups (both backends write theirs as out_path.tmp first): fsync a written file; and
 * the last step, after rc of the steps before: when HALL_OK, rename tmp over out_path and
 * sync its folder (err->path cleared on success); else, or when that fails, tmp is
 * removed. Returns rc or the rename's error. */
hall_err store__fsync_path(const char *path, hall_error *err);
hall_err store__put_backup(const char *tmp, const char *out_path, hall_err rc, hall_error *err);

/* ---------------------------------------------------------------- rows (store_rows.c) */

/* A row of a result, whichever backend it comes from: the backend's three column
 * readers over it (a text into a fixed buffer, cut to len - 1, NULL as ""; an integer,
 * NULL as 0; an integer that may be NULL, -1 then). A backend embeds this as the first
 * member of its own row (its statement, or its result and row number), so the readers
 * below, written once, read every row type the same way from SQLite and PostgreSQL: a
 * column added to a row type is added here, once. */
typedef struct store__row store__row;
struct store__row {
	void (*text)(const store__row *row, int col, char *out, size_t len);
	int64_t (*i64)(const store__row *row, int col);
	int64_t (*opt_i64)(const store__row *row, int col);
};

/* The columns of a kiosks row that store__read_kiosk reads, in its order. A backend
 * whose database may lack the later columns builds its own list in this order. */
#define STORE__KIOSK_COLS                                                                                  \
	"id, grp, first_seen, last_seen, online, online_since, content_version, schedule_version,"         \
	" notice_version, seq_max, spool_first, confirmed, app, last_error, alert, alert_reason, help_count," \
	" last_help, showing_scope, showing_pack, unrecorded, fps_milli, broker, frame_p99_us"

/* One row of "SELECT " STORE__KIOSK_COLS. */
void store__read_kiosk(const store__row *row, hall_store_kiosk *k);

/* One row of "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks";
 * HALL_ERR_DB for a kind or result this version does not know. */
hall_err store__read_ack(const store__row *row, hall_store_ack *out, hall_error *err);

/* Where the rows of an iteration go: the caller's callback of the store's row type. */
typedef enum store__row_kind {
	ROW_KIOSK,   /* STORE__KIOSK_COLS */
	ROW_STATUS,  /* kiosk, ts, online */
	ROW_HISTORY, /* id, ts, user, action, kind, target, version, ref, detail, outcome, reason */
	ROW_COMMAND, /* id, kiosk, cmd, exhibit, ts, ttl_s; a cmd this version does not know is skipped */
	ROW_ACK,     /* as store__read_ack */
	ROW_TALLY,   /* poll, option, votes */
	ROW_COUNTER, /* name, count */
	ROW_DAILY,   /* day, kiosk, exhibit, hour, lang, type, count, dwell_ms */
	ROW_SHOWN,   /* ts, scope, version, pack (the kiosk is the visit's: these rows carry none) */
} store__row_kind;

typedef struct store__visit {
	store__row_kind kind;
	void *user;
	const char *kiosk; /* ROW_SHOWN: its rows carry no kiosk column */
	union {
		hall_store_kiosk_cb kiosk;
		hall_store_status_cb status;
		hall_store_history_cb history;
		hall_store_command_cb command;
		hall_store_ack_cb ack;
		hall_store_tally_cb tally;
		hall_store_counter_cb counter;
		hall_store_daily_cb daily;
		hall_store_shown_cb shown;
	} cb;
} store__visit;

/* Read one row of v's kind (columns in the order above) and hand it to v's callback;
 * *stop is set when the callback asks to stop. HALL_ERR_DB for an unreadable ack row. */
hall_err store__visit_row(const store__visit *v, const store__row *row, bool *stop, hall_error *err);

#endif
