/* controller/store.h: the controller's storage, behind one small interface
 * (DESIGN.md decision 8).
 *
 * Callers (serve, push, the staff commands, the report module) use only the
 * hall_store_* functions below. A backend fills a hall_store_ops table; SQLite
 * (store_sqlite.c, WAL mode) is the one shipped. A server database is a second ops
 * table, not a rewrite: nothing outside the backend file speaks SQL.
 *
 * What is stored
 *   events     raw events, unique by (kiosk, seq): inserting one twice counts once
 *   event_spans per (kiosk, UTC hour of ts): the lowest and highest seq stored with a ts
 *              in that hour (how a period's events are found without an index on ts)
 *   votes      one vote per (kiosk, session, poll), filled from vote events; deleted
 *              with the raw events by retention
 *   vote_totals per (poll, option): how many votes retention deleted (tallies stay whole)
 *   kiosks     the fleet: group, first/last seen, online, versions held, seq_max,
 *              spool_first, confirmed (highest seq committed with no gap), last error,
 *              alert, help count
 *   status_log online/offline transitions with time (uptime in reports)
 *   help       call-staff presses; deleted with the raw events by retention
 *   desired    desired state per (kind, scope): the envelope last published
 *   history    pushes, rollbacks, schedules, notices, commands: time, person, target,
 *              outcome (ok, failed, refused) and why; refused attempts included
 *   shown      what each kiosk showed, from its own word (`showing` of hello, status and
 *              content acks): one row per change, for reports
 *   commands   queued commands with ttl and ack state
 *   shots      screenshots saved, one per screenshot command at most
 *   acks       every ack a kiosk sent, once per (kiosk, kind, scope, version, command id,
 *              result): the same answer heard twice (two serves on one database) is one row
 *   counters   named counters (rejected events, ...)
 *   daily      per-day aggregates kept after raw events are deleted
 *   meta       small key/value settings (last report day, version counter, ...)
 *
 * Ownership: a hall_store is created by an open function (hall_store_open_sqlite) and
 * freed by hall_store_close. Every row handed to a callback is borrowed until the
 * callback returns; rows filled through out-pointers are plain values (fixed buffers,
 * nothing to free) except where a comment says malloc'd.
 *
 * Threads: one hall_store is used by one thread at a time (the caller serialises).
 * Errors: HALL_ERR_DB with the backend's message in err->msg, HALL_ERR_NOT_FOUND when a
 * looked-up row does not exist, HALL_ERR_INVALID for a bad argument.
 *
 * Callbacks return 0 to go on, non-zero to stop the iteration early (the iterating
 * function then still returns HALL_OK). */
#ifndef HALL_CTL_STORE_H
#define HALL_CTL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"
#include "hall/protocol.h"

#define HALL_STORE_SCOPE_BUF HALL_SCOPE_BUF
#define HALL_STORE_TEXT_BUF 512

/* ---------------------------------------------------------------- rows */

/* The fleet row of one kiosk. Integers are 0 when never reported, times UTC ms. */
typedef struct hall_store_kiosk {
	char id[HALL_ID_BUF];
	char group[HALL_ID_BUF];
	int64_t first_seen;
	int64_t last_seen;
	bool online;
	int64_t online_since;      /* time of the last offline->online transition (0 if never) */
	int64_t content_version;   /* versions the kiosk said it holds */
	int64_t schedule_version;
	int64_t notice_version;
	int64_t seq_max;           /* highest seq announced (hello/status) */
	int64_t spool_first;       /* from the last hello; 0 = never said */
	int64_t confirmed;         /* highest seq committed with no gap (what confirm carries) */
	char app[HALL_STR_BUF];
	char last_error[HALL_PROTO_ERROR_MAX + 1];
	bool alert;                /* offline during opening hours, help pending, or spool lost */
	char alert_reason[128];
	int64_t unrecorded;        /* events the kiosk could not keep, ever (its hello and status) */
	int64_t help_count;        /* visitors' calls for staff not yet acknowledged (help ack);
	                            * nothing else resets it: not a reconnect, not clearing an alert */
	int64_t last_help;         /* time of the last help request, 0 = none */
	char showing_scope[8];     /* what it shows, as it said: "all", "group", "kiosk",
	                              "default"; "" = never said (an older kiosk) */
	char showing_pack[HALL_STR_BUF]; /* the shown pack's id; content_version is its version */
	int64_t fps_milli;         /* frames drawn per 1000 s, from its last full status; -1 = never said */
	int64_t frame_p99_us;      /* console helper: its render health (status frame_p99_ms) in
	                            * microseconds; -1 = never said */
	char broker[HALL_PROTO_BROKER_MAX + 1]; /* "host:port" of the broker it last said it is on
	                            * (hello, full status); kept while it is offline; "" = never said */
} hall_store_kiosk;

/* A change of what a kiosk shows (table shown), as the kiosk said it. */
typedef struct hall_store_shown {
	char kiosk[HALL_ID_BUF];
	int64_t ts;                /* when the controller heard it, UTC ms */
	hall_showing showing;      /* scope "all"|"group"|"kiosk"|"default", version, pack */
} hall_store_shown;

/* One online/offline transition. */
typedef struct hall_store_status_change {
	char kiosk[HALL_ID_BUF];
	int64_t ts;
	bool online;
} hall_store_status_change;

/* Desired state: the envelope last published for (kind, scope). kind: "content",
 * "schedule", "notice". */
typedef struct hall_store_desired {
	char kind[16];
	char scope[HALL_STORE_SCOPE_BUF];   /* "all", "group:g", "kiosk:id" */
	int64_t version;
	bool cleared;
	char ref[65];                       /* content: sha256 of the pack's manifest in the pack store; else "" */
	int64_t updated;                    /* UTC ms */
	char *payload;                      /* malloc'd envelope JSON (caller frees), payload_len bytes + NUL */
	size_t payload_len;
} hall_store_desired;

/* One staff action. action: "push", "rollback", "clear", "schedule", "schedule-clear",
 * "notice", "notice-clear", "command". outcome: "ok" (done), "failed" (tried and did not
 * work: no broker, a kiosk rejected or did not answer), "refused" (not attempted: a bad
 * pack, an unknown target, no confirmation, a role that may not), with the reason. */
typedef struct hall_store_history {
	int64_t id;                         /* assigned by the store */
	int64_t ts;                         /* UTC ms */
	char user[64];                      /* the person: the OS user (CLI) or the console account */
	char action[24];
	char kind[16];                      /* "content", "schedule", "notice", "command" */
	char target[HALL_STORE_SCOPE_BUF];
	int64_t version;                    /* 0 for commands */
	char ref[65];                       /* content: manifest sha256; command: its id; else "" */
	char detail[HALL_STORE_TEXT_BUF];   /* free text for people (pack title, notice text, ...) */
	char outcome[16];                   /* "ok", "failed", "refused"; "" is stored as "ok" */
	char reason[HALL_STORE_TEXT_BUF];   /* why it failed or was refused; "" when ok */
} hall_store_history;

/* A queued command. */
typedef struct hall_store_command {
	hall_command cmd;                   /* id, cmd, exhibit, ts, ttl_s */
	char kiosk[HALL_ID_BUF];
	bool acked;
	char result[16];                    /* "done", "failed", "" while pending */
	char reason[HALL_PROTO_REASON_MAX + 1];
	int64_t acked_ts;
} hall_store_command;

/* One stored ack. */
typedef struct hall_store_ack {
	hall_ack ack;
	int64_t ts;                         /* when the controller received it */
} hall_store_ack;

/* Per-day aggregate, keyed by (day, kiosk, exhibit, hour, lang, type). day is the hall's
 * local date "YYYY-MM-DD", hour its local hour 0..23. */
typedef struct hall_store_daily {
	char day[11];
	char kiosk[HALL_ID_BUF];
	char exhibit[HALL_STR_BUF];
	int hour;
	char lang[8];
	char type[16];                      /* hall_event_type_name() */
	int64_t count;
	int64_t dwell_ms;                   /* sum of dwell_ms where given */
} hall_store_daily;

/* One option's tally. */
typedef struct hall_store_tally {
	char poll[HALL_ID_BUF];
	char option[HALL_ID_BUF];
	int64_t votes;
} hall_store_tally;

typedef int (*hall_store_event_cb)(void *user, const hall_event *ev);
typedef int (*hall_store_kiosk_cb)(void *user, const hall_store_kiosk *k);
typedef int (*hall_store_status_cb)(void *user, const hall_store_status_change *c);
typedef int (*hall_store_history_cb)(void *user, const hall_store_history *h);
typedef int (*hall_store_command_cb)(void *user, const hall_store_command *c);
typedef int (*hall_store_ack_cb)(void *user, const hall_store_ack *a);
typedef int (*hall_store_shown_cb)(void *user, const hall_store_shown *sh);
typedef int (*hall_store_daily_cb)(void *user, const hall_store_daily *d);
typedef int (*hall_store_tally_cb)(void *user, const hall_store_tally *t);
typedef int (*hall_store_counter_cb)(void *user, const char *name, int64_t value);
/* One kiosk's confirmed seq after hall_store_ingest_events; the return value is ignored. */
typedef int (*hall_store_confirm_cb)(void *user, const char *kiosk, int64_t confirmed);

/* Result of one hall_store_insert_events call. */
typedef struct hall_store_insert_result {
	size_t inserted;        /* new rows (duplicates of (kiosk, seq) are not counted) */
	size_t duplicates;
	size_t votes_counted;   /* new votes (a second vote of the same session is ignored) */
	char polls_changed[8][HALL_ID_BUF]; /* up to 8 distinct polls whose tally changed */
	size_t n_polls_changed; /* may exceed 8: then re-read every poll */
} hall_store_insert_result;

/* ---------------------------------------------------------------- backend table */

typedef struct hall_store hall_store;

/* The semantics of each entry are those of the hall_store_* wrapper of the same name
 * below. A backend fills backend and close and may leave other entries NULL (an op it
 * does not have yet): the wrapper then fails with HALL_ERR_DB "not supported on
 * <backend> yet: <op>", never calls through NULL. A new op therefore goes in its wrapper
 * the same way (the `!s->ops->op ? unsupported(...)` guard of store.c). */
typedef struct hall_store_ops {
	const char *backend; /* "SQLite", "PostgreSQL": for messages */
	void (*close)(hall_store *s);
	/* insert_events, and with confirm_cb also the confirms (hall_store_ingest_events). */
	hall_err (*ingest_events)(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
	                          hall_store_confirm_cb confirm_cb, void *user, hall_error *err);
	hall_err (*advance_confirm)(hall_store *s, const char *kiosk, int64_t *confirmed, hall_error *err);
	hall_err (*each_event)(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
	                       hall_store_event_cb cb, void *user, hall_error *err);
	hall_err (*delete_events_before)(hall_store *s, int64_t ts_ms, int64_t *deleted, hall_error *err);
	hall_err (*max_seq)(hall_store *s, const char *kiosk, int64_t *max_seq, hall_error *err);

	hall_err (*kiosk_hello)(hall_store *s, const hall_hello *h, int64_t now_ms, hall_error *err);
	hall_err (*kiosk_status)(hall_store *s, const hall_status *st, int64_t now_ms, bool *changed, hall_error *err);
	hall_err (*kiosk_get)(hall_store *s, const char *id, hall_store_kiosk *out, hall_error *err);
	hall_err (*each_kiosk)(hall_store *s, hall_store_kiosk_cb cb, void *user, hall_error *err);
	hall_err (*kiosk_set_alert)(hall_store *s, const char *id, bool alert, const char *reason, hall_error *err);
	hall_err (*help_ack)(hall_store *s, const char *id, int64_t *acked, hall_error *err);
	hall_err (*each_status_change)(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
	                               hall_store_status_cb cb, void *user, hall_error *err);
	hall_err (*add_help)(hall_store *s, const hall_help *h, int64_t now_ms, hall_error *err);

	hall_err (*next_version)(hall_store *s, int64_t *version, hall_error *err);
	hall_err (*set_desired)(hall_store *s, const hall_store_desired *d, hall_error *err);
	hall_err (*get_desired)(hall_store *s, const char *kind, const char *scope, hall_store_desired *out,
	                        hall_error *err);
	hall_err (*add_history)(hall_store *s, hall_store_history *h, hall_error *err);
	hall_err (*each_history)(hall_store *s, const char *target, const char *kind, size_t limit,
	                         hall_store_history_cb cb, void *user, hall_error *err);
	hall_err (*set_history_outcome)(hall_store *s, int64_t id, const char *outcome, const char *reason,
	                                hall_error *err);
	hall_err (*each_shown)(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms, hall_store_shown_cb cb,
	                       void *user, hall_error *err);
	hall_err (*last_shown_before)(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
	                              hall_error *err);

	hall_err (*add_command)(hall_store *s, const hall_store_command *c, hall_error *err);
	hall_err (*each_pending_command)(hall_store *s, const char *kiosk, int64_t now_ms, hall_store_command_cb cb,
	                                 void *user, hall_error *err);
	hall_err (*add_ack)(hall_store *s, const hall_ack *a, int64_t now_ms, hall_error *err);
	hall_err (*get_ack)(hall_store *s, const char *kiosk, const char *kind, int64_t version, const char *id,
	                    hall_store_ack *out, hall_error *err);
	hall_err (*each_ack)(hall_store *s, const char *kiosk, const char *kind, const char *result, int64_t from_ms,
	                     int64_t to_ms, hall_store_ack_cb cb, void *user, hall_error *err);
	hall_err (*last_ack_before)(hall_store *s, const char *kiosk, const char *kind, const char *result,
	                            int64_t before_ms, hall_store_ack *out, hall_error *err);
	hall_err (*check_shot)(hall_store *s, const char *kiosk, const char *cmd_id, hall_error *err);
	hall_err (*add_shot)(hall_store *s, const char *kiosk, const char *cmd_id, int64_t now_ms, const char *path,
	                     hall_error *err);
	hall_err (*shot_path)(hall_store *s, const char *cmd_id, char *out, size_t len, hall_error *err);

	hall_err (*each_tally)(hall_store *s, const char *poll, hall_store_tally_cb cb, void *user, hall_error *err);

	hall_err (*counter_add)(hall_store *s, const char *name, int64_t delta, hall_error *err);
	hall_err (*each_counter)(hall_store *s, hall_store_counter_cb cb, void *user, hall_error *err);

	hall_err (*put_daily)(hall_store *s, const char *day, const hall_store_daily *rows, size_t n, hall_error *err);
	hall_err (*each_daily)(hall_store *s, const char *day_from, const char *day_to, hall_store_daily_cb cb,
	                       void *user, hall_error *err);

	hall_err (*each_unrecorded)(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb, void *user,
	                            hall_error *err);
	hall_err (*check)(hall_store *s, bool full, hall_error *err);
	hall_err (*backup)(hall_store *s, const char *out_path, hall_error *err);

	hall_err (*meta_get)(hall_store *s, const char *key, char *out, size_t len, hall_error *err);
	hall_err (*meta_set)(hall_store *s, const char *key, const char *value, hall_error *err);
	/* NULL: a backend one controller uses at a time (SQLite): that one always leads. */
	hall_err (*lead)(hall_store *s, bool *leader, hall_error *err);
} hall_store_ops;

/* Every backend's handle starts with this; the backend's own state follows. */
struct hall_store {
	const hall_store_ops *ops;
};

/* ---------------------------------------------------------------- opening */

/* How a database is opened:
 *   CREATE  read and write, the file made when missing (init, serve --create, tests)
 *   WRITE   read and write an existing file: HALL_ERR_NOT_FOUND "no database here" when
 *           there is none, so a mistyped folder never becomes a new empty database
 *   READ    an existing file as it is, read-only (db check, backup, restore, the staff
 *           console beside serve): no schema change, no write of any kind, works on a
 *           read-only folder; every writing call fails with HALL_ERR_DB
 *   READ_CURRENT  as READ, for the commands that read what the file holds (report,
 *           status, history, schedule show): a file of an older schema that no serve has
 *           migrated yet is read through a private copy migrated as serve would migrate
 *           it (a temporary file SQLite deletes on close, in SQLITE_TMPDIR or /tmp, as
 *           large as the database), so the figures are this version's; the file itself
 *           is never written. Every writing call fails with HALL_ERR_DB. */
typedef enum hall_store_open_mode {
	HALL_STORE_CREATE,
	HALL_STORE_WRITE,
	HALL_STORE_READ,
	HALL_STORE_READ_CURRENT,
} hall_store_open_mode;
#define HALL_STORE_PATH_MAX 4096

/* Open the SQLite database at `path` in WAL mode with synchronous=FULL (a confirmed event
 * must survive a power cut), creating or migrating its tables (not in READ mode).
 * Several processes may open the same file (serve and the staff commands): writers wait
 * up to 5 s for each other. The caller closes with hall_store_close. */
hall_err hall_store_open_sqlite_mode(const char *path, hall_store_open_mode mode, hall_store **out, hall_error *err);
/* hall_store_open_sqlite_mode(path, HALL_STORE_CREATE, ...). */
hall_err hall_store_open_sqlite(const char *path, hall_store **out, hall_error *err);
/* A connection that only reads an existing database (no schema work; every write fails):
 * the staff console's, so reading the fleet never holds a lock serve's ingest waits on. */
hall_err hall_store_open_sqlite_readonly(const char *path, hall_store **out, hall_error *err);
/* Connect to PostgreSQL (DESIGN.md decision 8) with a libpq connection URI
 * ("postgresql://user:password@host:port/db?sslmode=verify-full"...) and create the
 * tables when missing (under an advisory lock, so two controllers starting together do
 * not race). Several controllers may use one database at once: see store_pg.c for what
 * keeps their writes right. Errors name the URI without its password. */
hall_err hall_store_open_pg(const char *uri, hall_store **out, hall_error *err);
/* hall_store_open_pg, opened as `mode` says: READ is a read-only session (every write
 * fails with HALL_ERR_DB) that changes no schema when the tables are there; CREATE and
 * WRITE both make or update the tables (a server database is there or not by its
 * server's word). */
hall_err hall_store_open_pg_mode(const char *uri, hall_store_open_mode mode, hall_store **out, hall_error *err);
/* hall_store_open_pg_mode for a URI, hall_store_open_sqlite_mode for a path. */
hall_err hall_store_open_as(const char *where, hall_store_open_mode mode, hall_store **out, hall_error *err);
/* True for "postgresql://..." and "postgres://..." (a database URI, not a file). */
bool hall_store_is_uri(const char *where);
/* A database URI fit for messages: "scheme://user:secret@host..." without ":secret". */
void hall_store_redact_uri(const char *uri, char *out, size_t len);
/* hall_store_open_pg for a URI, hall_store_open_sqlite for a path. */
hall_err hall_store_open(const char *where, hall_store **out, hall_error *err);
/* NULL-safe. */
void hall_store_close(hall_store *s);

/* ---------------------------------------------------------------- events */

/* Session numbers stored before session ids were unique for a kiosk's whole life (a
 * kiosk counted its sessions from 1 at every start) were moved, once, to this base plus
 * the old number: above every id a kiosk can send (HALL_PROTO_SEQ_MAX), so an old row
 * never meets a new one, and old rows keep their grouping (past reports do not change).
 * 2^53. */
#define HALL_STORE_LEGACY_SESSION (INT64_C(1) << 53)

/* Insert n valid events (already decoded and checked) in ONE transaction: all are
 * committed when this returns HALL_OK, none on error. (kiosk, seq) is unique: a repeat
 * is ignored and counted in res->duplicates. A new vote event (type vote, poll set,
 * target = option) also counts a vote unless that (kiosk, session, poll) already voted;
 * a vote without a session counts on its own. The counters events_stored and
 * events_duplicate move in the same transaction. res may be NULL. */
hall_err hall_store_insert_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                  hall_error *err);
/* hall_store_insert_events and, in the same transaction, hall_store_advance_confirm for
 * every kiosk with an event in evs (duplicates included): one COMMIT, so one fsync, for
 * the batch and its confirms. Only after that COMMIT returned, confirm_cb(user, kiosk,
 * confirmed) is called once per kiosk, in the order of their first events. On error
 * nothing is committed and confirm_cb is never called. n 0: nothing happens. confirm_cb
 * NULL: hall_store_insert_events. */
hall_err hall_store_ingest_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                  hall_store_confirm_cb confirm_cb, void *user, hall_error *err);
/* Move the kiosk's confirmed seq forward over committed events with no gap, starting at
 * max(confirmed, spool_first - 1), store it and return it in *confirmed. A kiosk never
 * seen in a hello starts at 0 (so its events from seq 1 on confirm): never guessing its
 * spool_first is what keeps an unseen gap from being confirmed away. Also sets the
 * kiosk's last_seen to now (it was just heard from). */
hall_err hall_store_advance_confirm(hall_store *s, const char *kiosk, int64_t *confirmed, hall_error *err);
/* Every stored event with from_ms <= ts < to_ms, ordered by kiosk then seq. kiosk NULL
 * or "" = all kiosks. */
hall_err hall_store_each_event(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                               hall_store_event_cb cb, void *user, hall_error *err);
/* The highest seq stored for kiosk (0 when none). */
hall_err hall_store_max_seq(hall_store *s, const char *kiosk, int64_t *max_seq, hall_error *err);
/* Delete raw events with ts < ts_ms (retention), and with them the votes and help presses
 * with ts < ts_ms (docs/privacy.md: kept as raw events). Each deleted vote is first added
 * to its poll's per-option totals (table vote_totals, no kiosk, session or time), so the
 * tallies (hall_store_each_tally, published to the kiosks) do not change; the fleet stays.
 * One transaction. The cutoff is remembered (meta HALL_META_RAW_DELETED_BEFORE, the
 * highest ever applied). */
hall_err hall_store_delete_events_before(hall_store *s, int64_t ts_ms, int64_t *deleted, hall_error *err);
#define HALL_META_RAW_DELETED_BEFORE "raw_deleted_before"
/* The highest retention cutoff ever applied (UTC ms): raw events before it are gone.
 * 0 when no raw event was ever deleted. */
hall_err hall_store_raw_deleted_before(hall_store *s, int64_t *ts_ms, hall_error *err);

/* ---------------------------------------------------------------- fleet */

/* Record a hello: create the kiosk row when new (first_seen), set group, versions,
 * seq_max, spool_first, app, last_seen = now_ms. Marks the kiosk online (a hello means
 * connected) and logs the transition when it was offline. A version the kiosk holds
 * above the version counter moves the counter (hall_store_next_version) past it. */
hall_err hall_store_kiosk_hello(hall_store *s, const hall_hello *h, int64_t now_ms, hall_error *err);
/* Hello and status with `showing` also set showing_scope and showing_pack and log a
 * change of what the kiosk shows (hall_store_each_shown). */
/* Record a status or Will. A full status updates versions, seq_max, last_error, group.
 * *changed (may be NULL) is set when online differs from what was stored (a transition,
 * also logged in status_log). An unknown kiosk is created. */
hall_err hall_store_kiosk_status(hall_store *s, const hall_status *st, int64_t now_ms, bool *changed,
                                 hall_error *err);
/* HALL_ERR_NOT_FOUND when the kiosk was never seen. */
hall_err hall_store_kiosk_get(hall_store *s, const char *id, hall_store_kiosk *out, hall_error *err);
/* Every kiosk, ordered by id. */
hall_err hall_store_each_kiosk(hall_store *s, hall_store_kiosk_cb cb, void *user, hall_error *err);
/* Raise (alert true, reason) or clear an alert mark. help_count is not touched: a call for
 * staff stays open until hall_store_help_ack. */
hall_err hall_store_kiosk_set_alert(hall_store *s, const char *id, bool alert, const char *reason, hall_error *err);
/* Staff saw to the kiosk's calls for staff: help_count goes to 0 (*acked, may be NULL, gets
 * what it was) and an alert raised for help is cleared (another alert stays). One
 * statement. HALL_ERR_NOT_FOUND for a kiosk never seen. */
hall_err hall_store_help_ack(hall_store *s, const char *id, int64_t *acked, hall_error *err);
/* Online/offline transitions with from_ms <= ts < to_ms, by kiosk then time; kiosk NULL = all. */
hall_err hall_store_each_status_change(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                                       hall_store_status_cb cb, void *user, hall_error *err);
/* Per kiosk (by id), how many events it could not keep became known in [from_ms, to_ms):
 * the rises of its `unrecorded` count, as hello and status reported them then; cb(user,
 * kiosk, n) only for n > 0. A backend that does not log them calls nothing. */
hall_err hall_store_each_unrecorded(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb,
                                    void *user, hall_error *err);
/* Store a help request and bump the kiosk's help_count / last_help. A numbered call
 * (h->call > 0) already stored with the same (kiosk, call, ts), its resend or the same
 * message heard by another controller, changes nothing (HALL_OK). */
hall_err hall_store_add_help(hall_store *s, const hall_help *h, int64_t now_ms, hall_error *err);

/* ---------------------------------------------------------------- desired state, history */

/* The next version number: rises by one with every call, for every kind, across
 * restarts (content, schedule and notice share one counter so a version names one push). */
hall_err hall_store_next_version(hall_store *s, int64_t *version, hall_error *err);
/* Replace the desired state of (d->kind, d->scope). d->payload is copied. */
hall_err hall_store_set_desired(hall_store *s, const hall_store_desired *d, hall_error *err);
/* HALL_ERR_NOT_FOUND when nothing was ever pushed there. On success out->payload is
 * malloc'd: free it with hall_store_desired_free. */
hall_err hall_store_get_desired(hall_store *s, const char *kind, const char *scope, hall_store_desired *out,
                                hall_error *err);
void hall_store_desired_free(hall_store_desired *d);
/* Append; sets h->id. An empty outcome is stored as "ok". */
hall_err hall_store_add_history(hall_store *s, hall_store_history *h, hall_error *err);
/* Newest first. target / kind NULL or "" = any; limit 0 = no limit. */
hall_err hall_store_each_history(hall_store *s, const char *target, const char *kind, size_t limit,
                                 hall_store_history_cb cb, void *user, hall_error *err);
/* Set the outcome ("ok", "failed", "refused") and reason of history row id, once the
 * action it records is over (a push is recorded before it is published). */
hall_err hall_store_set_history_outcome(hall_store *s, int64_t id, const char *outcome, const char *reason,
                                        hall_error *err);

/* ---------------------------------------------------------------- what kiosks show */

/* The changes of what `kiosk` showed with from_ms <= ts < to_ms, oldest first. Rows come
 * from the kiosk's own `showing` (hello, status, content acks; a row only when it
 * differs from the kiosk's previous one). For a kiosk that never says `showing` (an
 * older one), an applied content ack counts as shown unless its version was a clear.
 * A clear, and a pack stored behind an override, are never shown. */
hall_err hall_store_each_shown(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                               hall_store_shown_cb cb, void *user, hall_error *err);
/* What `kiosk` showed just before before_ms (its last change before it);
 * HALL_ERR_NOT_FOUND when none is known. */
hall_err hall_store_last_shown_before(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
                                      hall_error *err);

/* ---------------------------------------------------------------- commands and acks */

/* Queue a command (its id must be unique). */
hall_err hall_store_add_command(hall_store *s, const hall_store_command *c, hall_error *err);
/* Commands of `kiosk` not acked and not expired at now_ms, oldest first. */
hall_err hall_store_each_pending_command(hall_store *s, const char *kiosk, int64_t now_ms,
                                         hall_store_command_cb cb, void *user, hall_error *err);
/* Store an ack; a command ack also marks its command acked. A content ack that says
 * `showing` sets the kiosk's content_version, showing_scope and showing_pack to it (and
 * logs the change in shown): the kiosk's word for what is on screen. Without `showing`
 * (an older kiosk), an "applied" content, schedule or notice ack moves the kiosk's
 * content_version, schedule_version or notice_version up to its version (never down;
 * nothing for an unknown kiosk), except an applied content ack of a clear (a clear is
 * not content). A "deferred" ack is stored like any other (its `until` is not kept).
 * An ack is one answer to one message: (kiosk, kind, scope, version, command id, result)
 * is unique, so the same ack stored again (every serve on a shared database hears it; a
 * broker's redelivery) changes nothing: the first one's row and time stay. */
hall_err hall_store_add_ack(hall_store *s, const hall_ack *a, int64_t now_ms, hall_error *err);
/* The latest ack of kiosk for (kind, version) or, for kind "command", for command id.
 * HALL_ERR_NOT_FOUND when none. */
hall_err hall_store_get_ack(hall_store *s, const char *kiosk, const char *kind, int64_t version, const char *id,
                            hall_store_ack *out, hall_error *err);
/* The stored acks of `kind` ("content", "schedule", "notice", "command") received in
 * [from_ms, to_ms) (their `ts`), oldest first (by ts, then by arrival); kiosk NULL = every
 * kiosk, result NULL = any result (else its name, e.g. "applied"). The daily report uses
 * it for the content versions each kiosk showed. */
hall_err hall_store_each_ack(hall_store *s, const char *kiosk, const char *kind, const char *result, int64_t from_ms,
                             int64_t to_ms, hall_store_ack_cb cb, void *user, hall_error *err);
/* The latest ack of `kiosk` of `kind` (and `result` unless NULL) received before
 * before_ms, e.g. the content version a kiosk showed at a moment: its last "applied"
 * content ack before it. HALL_ERR_NOT_FOUND when none. */
hall_err hall_store_last_ack_before(hall_store *s, const char *kiosk, const char *kind, const char *result,
                                    int64_t before_ms, hall_store_ack *out, hall_error *err);

/* Screenshots (docs/privacy.md: taken only by staff command, and logged). A kiosk's image
 * is taken in only for a `screenshot` command issued to that kiosk (in the commands
 * table) whose image has not come yet. hall_store_check_shot: HALL_OK when so,
 * HALL_ERR_NOT_FOUND when no screenshot command of that id was issued to that kiosk,
 * HALL_ERR_STALE when its image was already received. hall_store_add_shot records the
 * saved image (command id, kiosk, time, path; table shots) under the same rule, in one
 * statement, with the same errors when it does not hold (nothing recorded then). */
hall_err hall_store_check_shot(hall_store *s, const char *kiosk, const char *cmd_id, hall_error *err);
hall_err hall_store_add_shot(hall_store *s, const char *kiosk, const char *cmd_id, int64_t now_ms, const char *path,
                             hall_error *err);
/* Where the image of screenshot command cmd_id was saved; HALL_ERR_NOT_FOUND while none
 * is recorded. */
hall_err hall_store_shot_path(hall_store *s, const char *cmd_id, char *out, size_t len, hall_error *err);

/* ---------------------------------------------------------------- polls */

/* Tallies of one poll (poll NULL or "" = every poll), by poll then option id: the stored
 * votes plus the totals of the votes retention deleted. */
hall_err hall_store_each_tally(hall_store *s, const char *poll, hall_store_tally_cb cb, void *user,
                               hall_error *err);
/* The results message of one poll (at most HALL_PROTO_POLL_OPTIONS_MAX options, by id). */
hall_err hall_store_poll_results(hall_store *s, const char *poll, int64_t now_ms, hall_poll_results *out,
                                 hall_error *err);

/* ---------------------------------------------------------------- counters, aggregates, meta */

/* Well-known counter names. */
#define HALL_COUNTER_EVENTS_REJECTED "events_rejected"
#define HALL_COUNTER_EVENTS_STORED "events_stored"
#define HALL_COUNTER_EVENTS_DUPLICATE "events_duplicate"
#define HALL_COUNTER_MESSAGES_REJECTED "messages_rejected"

hall_err hall_store_counter_add(hall_store *s, const char *name, int64_t delta, hall_error *err);
/* 0 when the counter was never added to. */
hall_err hall_store_counter_get(hall_store *s, const char *name, int64_t *value, hall_error *err);
hall_err hall_store_each_counter(hall_store *s, hall_store_counter_cb cb, void *user, hall_error *err);

/* Replace every aggregate row of `day` by rows[0..n) (each row's day must equal it). */
hall_err hall_store_put_daily(hall_store *s, const char *day, const hall_store_daily *rows, size_t n,
                              hall_error *err);
/* Rows with day_from <= day <= day_to ("YYYY-MM-DD"), by day, kiosk, exhibit, hour. */
hall_err hall_store_each_daily(hall_store *s, const char *day_from, const char *day_to, hall_store_daily_cb cb,
                               void *user, hall_error *err);
/* Build the aggregates of local day `day` in time zone tz from the raw events and store
 * them with hall_store_put_daily (run before raw events of that day are deleted). A day
 * that starts before hall_store_raw_deleted_before has lost raw events: its aggregates are
 * kept as they are (HALL_OK, nothing written), so daily aggregates are kept for good. */
hall_err hall_store_aggregate_day(hall_store *s, const char *day, const char *tz, hall_error *err);

/* ---------------------------------------------------------------- several controllers */

/* Leadership among controllers sharing one database (issue 13: two serves on one
 * PostgreSQL both ingest and answer kiosks; exactly one at a time does the once-only
 * work: reports at closing time, aggregates and retention, on_alert programs, backups).
 * Try to take the lead, or check it is still held; *leader says the outcome. Cheap
 * enough to call every few seconds: a controller that stops leading (its lock's session
 * ended) learns it at the next call, and a standby takes over at its first call after
 * the leader's session ended (PostgreSQL ends it when the connection closes, at once
 * for a killed process, within about 6 s for a dead machine by TCP keepalives).
 * PostgreSQL: a session advisory lock (pg_try_advisory_lock, keyed by the schema) on a
 * connection of its own, so the store's transactions never touch it. SQLite (one
 * controller per file): always the leader. On error *leader is false. */
hall_err hall_store_lead(hall_store *s, bool *leader, hall_error *err);

/* ---------------------------------------------------------------- the database itself */

/* Is the database sound? SQLite: PRAGMA quick_check (full: integrity_check, slower: also
 * the indexes' contents). PostgreSQL (store_pg_db.c): the connection, the schema version,
 * every table there, and amcheck's bt_index_check of every index of the hall's tables
 * when the extension is installed; full also checks each index holds every row
 * (heapallindexed), that every event lies inside its event_spans row (or reports would
 * miss it) and that no more events are stored than events_stored ever counted.
 * HALL_OK when it is (PostgreSQL then says in err->msg what was checked; SQLite leaves
 * err alone); HALL_ERR_DB when not, err->msg starting "damaged: " and naming the first
 * problems found (also when the check itself fails on a damaged file). */
hall_err hall_store_check(hall_store *s, bool full, hall_error *err);
/* A consistent copy of the whole database at out_path, taken while serve and others read
 * and write it (SQLite's online backup API: one snapshot, never a torn copy; PostgreSQL:
 * pg_dump's custom format of the hall's tables in the connection's schema, one
 * snapshot), written as out_path.tmp, fsynced, renamed over out_path, and checked before
 * the rename (SQLite: sound; PostgreSQL: pg_restore --list reads it whole). */
hall_err hall_store_backup(hall_store *s, const char *out_path, hall_error *err);
/* Replace the database at db_path by the one at from (a backup), page by page through the
 * same API, after checking `from` is sound: HALL_ERR_DB naming it when not (db_path is
 * then left as it was). Nothing may be using db_path (the caller holds serve's lock,
 * hall_upkeep_lock). */
hall_err hall_store_restore_sqlite(const char *db_path, const char *from, hall_error *err);
/* Replace the hall's tables in the PostgreSQL database at uri by those of the backup
 * `from` (hall_store_backup's file), in one transaction (pg_restore into psql
 * --single-transaction: on any error nothing changed). Refused (HALL_ERR_STALE) while
 * another hall-controller is connected to that database (serve, its console, a staff
 * command) or a serve leads on it; HALL_ERR_DB naming `from` when it is not a backup or
 * is one of another schema. Then the tables are opened as serve opens them and fully
 * checked (hall_store_check). */
hall_err hall_store_restore_pg(const char *uri, const char *from, hall_error *err);

/* Small settings. meta_get: HALL_ERR_NOT_FOUND when unset; the value is cut to len - 1. */
hall_err hall_store_meta_get(hall_store *s, const char *key, char *out, size_t len, hall_error *err);
hall_err hall_store_meta_set(hall_store *s, const char *key, const char *value, hall_error *err);

#endif
