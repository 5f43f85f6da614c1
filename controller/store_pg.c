/* store_pg.c: the PostgreSQL backend of controller/store.h (DESIGN.md decision 8: a
 * server database for a city-wide fleet, and two controllers on one database).
 *
 * One libpq connection per hall_store, text parameters through PQexecParams, the same
 * tables as the SQLite backend (store_sqlite.c) with PostgreSQL types. Every text column
 * is COLLATE "C", so ORDER BY kiosk, id, poll ... is byte order as on SQLite, whatever
 * locale the database was made with.
 *
 * Several controllers may write the same database at once (issue 13: two serves, one
 * PostgreSQL). What keeps that right:
 *   - (kiosk, seq) is the primary key and an event goes in with ON CONFLICT DO NOTHING,
 *     so the same event ingested by both counts once;
 *   - a batch locks rows in one global order (its events sorted by kiosk then seq, its
 *     spans, votes, counters and kiosks by key), so two batches cannot deadlock on each
 *     other; a deadlock or serialization failure the server still reports is retried;
 *   - counters, the version counter and confirms move by upserts that read the row they
 *     update (value = value + n, greatest(...)), never by read-then-write in C.
 * A lost connection is reset before the next call (the call that saw it fails).
 *
 * Ops this file does not fill stay NULL in its table: store.c answers them with
 * "not supported on PostgreSQL yet: OP" instead of calling through a NULL pointer. */
#include "store_internal.h"
#include "store_pg_internal.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"

#define PG_MAX_ARGS 14
#define PG_PAGE 5000             /* events read per query by each_event */
#define PG_RETRIES 3             /* tries of an ingest that met a deadlock or serialization failure */

typedef struct pg_store {
	hall_store base; /* first: a hall_store * is a pg_store * */
	PGconn *c;
	char where[160];  /* the connection URI without its password, for errors */
	char *uri;        /* the URI itself (malloc'd): the lead's connection is opened later */
	PGconn *lock;     /* hall_store_lead's own connection; NULL until first asked */
	bool leading;     /* the lock's session holds the lead */
	char state[6];    /* SQLSTATE of the last failure ("" when none) */
	/* What reads select from kiosks: its columns, with a stand-in for each one a later
	 * version added that this database lacks (read_schema). */
	char kiosk_cols[512];
	bool has_unrecorded_log; /* the table is there (made by a later version than the first) */
} pg_store;

static pg_store *pg(hall_store *s)
{
	return (pg_store *)(void *)s;
}

/* CREATE TABLE IF NOT EXISTS says NOTICE for every table that is there: not news. */
static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* ---------------------------------------------------------------- parameters */

/* Parameters of one statement: texts are borrowed (they must outlive the call), numbers
 * are formatted into the struct itself. NULL entries are SQL NULL. */
typedef struct pg_args {
	int n;
	const char *v[PG_MAX_ARGS];
	int len[PG_MAX_ARGS];
	int fmt[PG_MAX_ARGS];
	char num[PG_MAX_ARGS][24];
} pg_args;

static void a_text(pg_args *a, const char *s)
{
	a->v[a->n++] = s ? s : "";
}

/* NULL for NULL or "" (a filter written `$1::text IS NULL OR col=$1` then matches anything). */
static void a_opt(pg_args *a, const char *s)
{
	a->v[a->n++] = s && s[0] ? s : NULL;
}

static void a_i64(pg_args *a, int64_t x)
{
	snprintf(a->num[a->n], sizeof a->num[a->n], "%lld", (long long)x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

static void a_null(pg_args *a)
{
	a->v[a->n++] = NULL;
}

/* Bytes as they are (binary format): bytea. */
static void a_bytes(pg_args *a, const char *p, size_t len)
{
	a->v[a->n] = p;
	a->len[a->n] = (int)len;
	a->fmt[a->n] = 1;
	a->n++;
}

/* ---------------------------------------------------------------- statements */

static hall_err pg_fail(pg_store *p, hall_error *err, const char *what, const PGresult *r)
{
	const char *msg = r ? PQresultErrorMessage(r) : "";
	const char *st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!msg || !msg[0])
		msg = PQerrorMessage(p->c);
	snprintf(p->state, sizeof p->state, "%s", st ? st : "");
	size_t n = strcspn(msg, "\n"); /* libpq's messages end in a newline, and may add DETAIL lines */
	return hall_error_set(err, HALL_ERR_DB, "", "%s: %.*s", what, (int)n, msg);
}

/* A connection the server or the network dropped is reset before the next statement. */
static void pg_revive(pg_store *p)
{
	if (PQstatus(p->c) != CONNECTION_OK)
		PQreset(p->c);
}

/* Run sql with a's parameters; *out (may be NULL) gets the result, which the caller
 * PQclears. HALL_ERR_DB naming `what` when the statement failed. */
static hall_err pg_exec(pg_store *p, const char *what, const char *sql, const pg_args *a, PGresult **out,
                        hall_error *err)
{
	pg_revive(p);
	/* Without parameters through the simple protocol, which also runs several statements
	 * (the schema); with them through the extended one (one statement). */
	PGresult *r = a ? PQexecParams(p->c, sql, a->n, NULL, a->v, a->len, a->fmt, 0) : PQexec(p->c, sql);
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		hall_err rc = pg_fail(p, err, what, r);
		PQclear(r);
		return rc;
	}
	p->state[0] = '\0';
	if (out)
		*out = r;
	else
		PQclear(r);
	return HALL_OK;
}

/* pg_exec, and *changes (may be NULL) gets the rows the statement touched. */
static hall_err pg_run(pg_store *p, const char *what, const char *sql, const pg_args *a, int64_t *changes,
                       hall_error *err)
{
	PGresult *r = NULL;
	hall_err rc = pg_exec(p, what, sql, a, &r, err);
	if (rc)
		return rc;
	if (changes)
		*changes = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return HALL_OK;
}

static hall_err pg_begin(pg_store *p, hall_error *err)
{
	return pg_exec(p, "begin", "BEGIN", NULL, NULL, err);
}

/* COMMIT when rc is HALL_OK, else ROLLBACK; returns rc or the COMMIT's error. */
static hall_err pg_end(pg_store *p, hall_err rc, hall_error *err)
{
	if (rc == HALL_OK) {
		rc = pg_exec(p, "commit", "COMMIT", NULL, NULL, err);
		if (rc == HALL_OK)
			return HALL_OK;
	}
	PQclear(PQexec(p->c, "ROLLBACK"));
	return rc;
}

/* Columns of row i: a text into a fixed buffer (cut to len - 1, NULL as ""); an integer
 * (NULL as 0); an integer that may be NULL (-1 then). */
static void col_text(const PGresult *r, int i, int col, char *out, size_t len)
{
	const char *t = PQgetvalue(r, i, col);
	size_t n = (size_t)PQgetlength(r, i, col);
	if (n >= len)
		n = len - 1;
	memcpy(out, t, n);
	out[n] = '\0';
}

static int64_t col_i64(const PGresult *r, int i, int col)
{
	return strtoll(PQgetvalue(r, i, col), NULL, 10);
}

static int64_t col_opt_i64(const PGresult *r, int i, int col)
{
	return PQgetisnull(r, i, col) ? -1 : col_i64(r, i, col);
}

/* Reads row i of r into the caller's row type and hands it on; sets *stop to end early. */
typedef hall_err (*pg_row_fn)(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err);

/* The one row loop of the backend: runs sql and hands each row to row() until it sets
 * *stop, fails or the rows end. *rows (may be NULL) gets how many rows were handed on. */
static hall_err pg_each_row(pg_store *p, const char *what, const char *sql, const pg_args *a, pg_row_fn row,
                            void *ctx, size_t *rows, hall_error *err)
{
	PGresult *r = NULL;
	hall_err rc = pg_exec(p, what, sql, a, &r, err);
	if (rc)
		return rc;
	bool stop = false;
	int n = PQntuples(r), i = 0;
	for (; i < n && !stop && rc == HALL_OK; i++)
		rc = row(ctx, r, i, &stop, err);
	if (rows)
		*rows = (size_t)i;
	PQclear(r);
	return rc;
}

/* The first row only: HALL_ERR_NOT_FOUND, err untouched, when there is none. */
static hall_err pg_one_row(pg_store *p, const char *what, const char *sql, const pg_args *a, pg_row_fn row,
                           void *ctx, hall_error *err)
{
	size_t n = 0;
	hall_err rc = pg_each_row(p, what, sql, a, row, ctx, &n, err);
	return rc == HALL_OK && n == 0 ? HALL_ERR_NOT_FOUND : rc;
}

static hall_err i64_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	(void)err;
	*(int64_t *)ctx = col_opt_i64(r, i, 0);
	*stop = true;
	return HALL_OK;
}

typedef struct text_out {
	char *buf;
	size_t len;
} text_out;

static hall_err text_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	(void)err;
	const text_out *t = ctx;
	col_text(r, i, 0, t->buf, t->len);
	*stop = true;
	return HALL_OK;
}

static hall_err pg_one_i64(pg_store *p, const char *what, const char *sql, const pg_args *a, int64_t *out,
                           hall_error *err)
{
	return pg_one_row(p, what, sql, a, i64_row, out, err);
}

/* ---------------------------------------------------------------- schema */

#define T "TEXT COLLATE \"C\" NOT NULL"
#define TD "TEXT COLLATE \"C\" NOT NULL DEFAULT ''"
#define I "BIGINT NOT NULL"
#define ID "BIGINT NOT NULL DEFAULT 0"

/* The tables of store_sqlite.c (see the comments there), with the same names and
 * meanings. status_log, shown and help gain an id: SQLite orders their ties by rowid. */
static const char SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS events(kiosk " T ", seq " I ", ts " I ", type " T ", exhibit " T ","
	" target " T ", session BIGINT, lang " TD ", dwell_ms BIGINT, poll " TD ", received " I ","
	" PRIMARY KEY(kiosk, seq));"
	"CREATE TABLE IF NOT EXISTS event_spans(kiosk " T ", hour " I ", lo " I ", hi " I ","
	" PRIMARY KEY(kiosk, hour));"
	"CREATE TABLE IF NOT EXISTS votes(kiosk " T ", session " I ", poll " T ", option " T ", ts " I ","
	" PRIMARY KEY(kiosk, session, poll));"
	"CREATE INDEX IF NOT EXISTS votes_poll ON votes(poll, option);"
	"CREATE TABLE IF NOT EXISTS vote_totals(poll " T ", option " T ", votes " I ", PRIMARY KEY(poll, option));"
	"CREATE TABLE IF NOT EXISTS kiosks(id TEXT COLLATE \"C\" PRIMARY KEY, grp " TD ", first_seen " ID ","
	" last_seen " ID ", online " ID ", online_since " ID ", content_version " ID ", schedule_version " ID ","
	" notice_version " ID ", seq_max " ID ", spool_first " ID ", confirmed " ID ", app " TD ","
	" last_error " TD ", alert " ID ", alert_reason " TD ", help_count " ID ", last_help " ID ","
	" showing_scope " TD ", showing_pack " TD ");"
	"CREATE TABLE IF NOT EXISTS shown(id BIGSERIAL PRIMARY KEY, kiosk " T ", ts " I ", scope " T ","
	" version " I ", pack " T ");"
	"CREATE INDEX IF NOT EXISTS shown_k ON shown(kiosk, ts);"
	"CREATE TABLE IF NOT EXISTS status_log(id BIGSERIAL PRIMARY KEY, kiosk " T ", ts " I ", online " I ");"
	"CREATE INDEX IF NOT EXISTS status_log_k ON status_log(kiosk, ts);"
	"CREATE TABLE IF NOT EXISTS help(id BIGSERIAL PRIMARY KEY, kiosk " T ", ts " I ", exhibit " T ","
	" session BIGINT, received " I ");"
	"CREATE TABLE IF NOT EXISTS desired(kind " T ", scope " T ", version " I ", cleared " I ", ref " TD ","
	" updated " I ", payload BYTEA, PRIMARY KEY(kind, scope));"
	"CREATE TABLE IF NOT EXISTS history(id BIGSERIAL PRIMARY KEY, ts " I ", \"user\" " T ", action " T ","
	" kind " T ", target " T ", version " I ", ref " T ", detail " T ", outcome TEXT COLLATE \"C\" NOT NULL"
	" DEFAULT 'ok', reason " TD ");"
	"CREATE TABLE IF NOT EXISTS commands(id TEXT COLLATE \"C\" PRIMARY KEY, kiosk " T ", cmd " T ","
	" exhibit " T ", ts " I ", ttl_s " I ", acked " ID ", result " TD ", reason " TD ", acked_ts " ID ");"
	"CREATE TABLE IF NOT EXISTS shots(cmd_id TEXT COLLATE \"C\" PRIMARY KEY, kiosk " T ", ts " I ", path " T ");"
	"CREATE TABLE IF NOT EXISTS acks(id BIGSERIAL PRIMARY KEY, kiosk " T ", kind " T ", scope " T ","
	" version " I ", cmd_id " T ", result " T ", reason " T ", ts " I ");"
	"CREATE INDEX IF NOT EXISTS acks_k ON acks(kiosk, kind, version);"
	"CREATE TABLE IF NOT EXISTS counters(name TEXT COLLATE \"C\" PRIMARY KEY, value " I ");"
	"CREATE TABLE IF NOT EXISTS daily(day " T ", kiosk " T ", exhibit " T ", hour " I ", lang " T ","
	" type " T ", count " I ", dwell_ms " I ", PRIMARY KEY(day, kiosk, exhibit, hour, lang, type));"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT COLLATE \"C\" PRIMARY KEY, value " T ");"
	/* the kiosks' counts of events they could not keep, each change (store.h) */
	"ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS unrecorded " ID ";"
	/* the frame rate of the last full status (store.h; NULL: never said) */
	"ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS fps_milli BIGINT;"
	"ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS frame_p99_us BIGINT;" /* console helper */
	"CREATE TABLE IF NOT EXISTS unrecorded_log(id BIGSERIAL PRIMARY KEY, kiosk " T ", ts " I ", count " I ");"
	/* a visitor's numbered call for staff is stored once (store_sqlite.c, migration 3) */
	"ALTER TABLE help ADD COLUMN IF NOT EXISTS call " ID ";"
	"CREATE UNIQUE INDEX IF NOT EXISTS help_call ON help(kiosk, call, ts) WHERE call > 0;"
	/* the broker each kiosk says it is on (store.h) */
	"ALTER TABLE kiosks ADD COLUMN IF NOT EXISTS broker " TD ";"
	/* an ack is stored once however many serves hear it (store_sqlite.c, migration 4): the
	 * rows stored twice before are folded into the first, once, when the key is made */
	"DO $$ BEGIN IF to_regclass('acks_once') IS NULL THEN"
	" DELETE FROM acks a USING acks b WHERE a.id > b.id AND a.kiosk = b.kiosk AND a.kind = b.kind"
	" AND a.scope = b.scope AND a.version = b.version AND a.cmd_id = b.cmd_id AND a.result = b.result;"
	" CREATE UNIQUE INDEX acks_once ON acks(kiosk, kind, scope, version, cmd_id, result);"
	" END IF; END $$;"
	/* the staff console's accounts and sessions (store_users_pg.c, which makes them too) */
	"CREATE TABLE IF NOT EXISTS console_users(name TEXT COLLATE \"C\" PRIMARY KEY, role TEXT NOT NULL,"
	" hash TEXT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS console_sessions(token_hash TEXT COLLATE \"C\" PRIMARY KEY,"
	" name TEXT COLLATE \"C\" NOT NULL, csrf TEXT NOT NULL, created BIGINT NOT NULL, touched BIGINT NOT NULL,"
	" expires BIGINT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS console_sessions_name ON console_sessions(name);"
	/* what db check compares (store_pg_db.c) */
	"INSERT INTO meta(key, value) VALUES('schema_version', '1') ON CONFLICT(key) DO UPDATE"
	" SET value=GREATEST(meta.value::bigint, excluded.value::bigint)::text;";
_Static_assert(PG_SCHEMA_VERSION == 1, "the schema's INSERT of schema_version writes 1");

/* Two controllers starting at once would race on CREATE TABLE IF NOT EXISTS (the
 * catalog's unique keys); a transaction-scoped advisory lock makes the second wait. */
#define SCHEMA_LOCK "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/hall-schema'))"

static hall_err create_schema(pg_store *p, hall_error *err)
{
	hall_err rc = pg_begin(p, err);
	if (!rc)
		rc = pg_exec(p, "lock schema", SCHEMA_LOCK, NULL, NULL, err);
	if (!rc)
		rc = pg_exec(p, "create tables", SCHEMA, NULL, NULL, err);
	return pg_end(p, rc, err);
}

/* The columns reads take from kiosks, in store__read_kiosk's order (STORE__KIOSK_COLS). Each one a later version
 * added (an ALTER TABLE line of SCHEMA) has what a reader sees where a database lacks
 * it: report, status and history never change the schema (an older serve may still be
 * writing the database, and the role they run as may only read), so on a database no
 * newer serve has migrated yet they read what is there. */
static const struct {
	const char *name;
	const char *absent; /* NULL: in the first schema (74ec805), always there */
} KIOSK_COL[] = {
	{"id", NULL},           {"grp", NULL},          {"first_seen", NULL},      {"last_seen", NULL},
	{"online", NULL},       {"online_since", NULL}, {"content_version", NULL}, {"schedule_version", NULL},
	{"notice_version", NULL}, {"seq_max", NULL},    {"spool_first", NULL},     {"confirmed", NULL},
	{"app", NULL},          {"last_error", NULL},   {"alert", NULL},           {"alert_reason", NULL},
	{"help_count", NULL},   {"last_help", NULL},    {"showing_scope", NULL},   {"showing_pack", NULL},
	{"unrecorded", "0"},    {"fps_milli", "NULL::bigint"}, {"broker", "''"},   {"frame_p99_us", "NULL::bigint"},
};
#define N_KIOSK_COL (sizeof KIOSK_COL / sizeof KIOSK_COL[0])

static hall_err column_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	(void)stop;
	(void)err;
	bool *there = ctx;
	for (size_t c = 0; c < N_KIOSK_COL; c++)
		if (strcmp(PQgetvalue(r, i, 0), KIOSK_COL[c].name) == 0)
			there[c] = true;
	return HALL_OK;
}

/* What this database has of the parts later versions added: kiosk_cols and
 * has_unrecorded_log. The catalog as the queries' own search_path resolves the names. */
static hall_err read_schema(pg_store *p, hall_error *err)
{
	bool there[N_KIOSK_COL] = {false};
	hall_err rc = pg_each_row(p, "read schema",
	                          "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass('kiosks')"
	                          " AND attnum > 0 AND NOT attisdropped",
	                          NULL, column_row, there, NULL, err);
	int64_t log = 0;
	if (!rc)
		rc = pg_one_i64(p, "read schema", "SELECT CASE WHEN to_regclass('unrecorded_log') IS NULL THEN 0 ELSE 1 END",
		                NULL, &log, err);
	if (rc)
		return rc;
	p->has_unrecorded_log = log == 1;
	size_t n = 0;
	for (size_t c = 0; c < N_KIOSK_COL; c++) {
		const char *col = there[c] || !KIOSK_COL[c].absent ? KIOSK_COL[c].name : KIOSK_COL[c].absent;
		int w = snprintf(p->kiosk_cols + n, sizeof p->kiosk_cols - n, "%s%s", c ? ", " : "", col);
		if (w < 0 || (size_t)w >= sizeof p->kiosk_cols - n)
			return hall_error_set(err, HALL_ERR_TOO_BIG, "", "the kiosks' column list is too long");
		n += (size_t)w;
	}
	return HALL_OK;
}

/* ---------------------------------------------------------------- events */

/* A growing text buffer for array literals. */
typedef struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (!q) {
			b->oom = true;
			return;
		}
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

/* One element of a text[] literal, quoted, after a comma unless first. */
static void sb_elem_text(sbuf *b, bool first, const char *s)
{
	sb_put(b, first ? "{\"" : ",\"", 2);
	for (const char *q = s; *q; q++) {
		if (*q == '"' || *q == '\\')
			sb_put(b, "\\", 1);
		sb_put(b, q, 1);
	}
	sb_put(b, "\"", 1);
}

/* One element of a bigint[] literal; v < 0 with nullable: NULL. */
static void sb_elem_i64(sbuf *b, bool first, int64_t v, bool nullable)
{
	char num[24];
	int n = nullable && v < 0 ? snprintf(num, sizeof num, "NULL") : snprintf(num, sizeof num, "%lld", (long long)v);
	sb_put(b, first ? "{" : ",", 1);
	sb_put(b, num, (size_t)n);
}

static int by_kiosk_seq(const void *a, const void *b)
{
	const hall_event *x = *(const hall_event *const *)a;
	const hall_event *y = *(const hall_event *const *)b;
	int c = strcmp(x->kiosk, y->kiosk);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The batch in one statement: the events (sorted by kiosk, seq, so two controllers
 * inserting the same events lock them in the same order), and from the rows that were
 * new their spans, votes and the counters. Rows: first (n_new, NULL), then (NULL, poll)
 * for every vote counted. */
static const char INGEST_SQL[] =
	"WITH ins AS (INSERT INTO events(kiosk, seq, ts, type, exhibit, target, session, lang, dwell_ms, poll, received)"
	" SELECT u.*, $11::bigint FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],"
	" $6::text[], $7::bigint[], $8::text[], $9::bigint[], $10::text[]) AS u"
	" ON CONFLICT DO NOTHING RETURNING kiosk, seq, ts, type, session, poll, target),"
	" sp AS (INSERT INTO event_spans(kiosk, hour, lo, hi) SELECT kiosk, ts / 3600000, min(seq), max(seq) FROM ins"
	" GROUP BY 1, 2 ORDER BY 1, 2 ON CONFLICT(kiosk, hour) DO UPDATE SET lo=LEAST(event_spans.lo, excluded.lo),"
	" hi=GREATEST(event_spans.hi, excluded.hi)),"
	" v AS (INSERT INTO votes(kiosk, session, poll, option, ts) SELECT kiosk, coalesce(session, -seq), poll, target,"
	" ts FROM ins WHERE type='vote' AND poll<>'' AND target<>'' ORDER BY kiosk, seq"
	" ON CONFLICT DO NOTHING RETURNING poll),"
	" c AS (INSERT INTO counters(name, value) SELECT name, value FROM (VALUES"
	" ('" HALL_COUNTER_EVENTS_DUPLICATE "', $12::bigint - (SELECT count(*) FROM ins)),"
	" ('" HALL_COUNTER_EVENTS_STORED "', (SELECT count(*) FROM ins))) AS t(name, value) WHERE value > 0"
	" ORDER BY name ON CONFLICT(name) DO UPDATE SET value=counters.value+excluded.value)"
	" SELECT (SELECT count(*) FROM ins), NULL::text UNION ALL SELECT NULL, poll FROM v";

/* The ten array literals of INGEST_SQL for the sorted events. */
static void build_arrays(const hall_event *const *ev, size_t n, sbuf cols[10])
{
	for (size_t i = 0; i < n; i++) {
		const hall_event *e = ev[i];
		bool first = i == 0;
		sb_elem_text(&cols[0], first, e->kiosk);
		sb_elem_i64(&cols[1], first, e->seq, false);
		sb_elem_i64(&cols[2], first, e->ts, false);
		sb_elem_text(&cols[3], first, hall_event_type_name(e->type));
		sb_elem_text(&cols[4], first, e->exhibit);
		sb_elem_text(&cols[5], first, e->target);
		sb_elem_i64(&cols[6], first, e->session, true);
		sb_elem_text(&cols[7], first, e->lang);
		sb_elem_i64(&cols[8], first, e->dwell_ms, true);
		sb_elem_text(&cols[9], first, e->poll);
	}
	for (int c = 0; c < 10; c++)
		sb_put(&cols[c], "}", 1);
}

/* Within the caller's transaction: move kiosk's confirm forward over stored events with
 * no gap (hall_store_advance_confirm) and store it with last_seen = now_ms. [lo, hi]
 * (empty when lo > hi) is a run of seqs the caller knows are stored: the confirm jumps
 * over it. */
static hall_err confirm_in_tx(pg_store *p, const char *kiosk, int64_t lo, int64_t hi, int64_t now_ms,
                              int64_t *confirmed, hall_error *err)
{
	PGresult *r = NULL;
	pg_args a = {0};
	a_text(&a, kiosk);
	hall_err rc = pg_exec(p, "read kiosk", "SELECT confirmed, spool_first FROM kiosks WHERE id=$1", &a, &r, err);
	if (rc)
		return rc;
	int64_t cur = 0;
	if (PQntuples(r) > 0) {
		int64_t c = col_i64(r, 0, 0), first = col_i64(r, 0, 1);
		cur = c > first - 1 ? c : first - 1;
		if (cur < 0)
			cur = 0;
	}
	PQclear(r);
	if (lo <= cur + 1 && hi > cur)
		cur = hi;
	for (;;) { /* pages of the seqs above cur, until one is not the next */
		pg_args b = {0};
		a_text(&b, kiosk);
		a_i64(&b, cur);
		rc = pg_exec(p, "read events", "SELECT seq FROM events WHERE kiosk=$1 AND seq>$2 ORDER BY seq LIMIT 1000",
		             &b, &r, err);
		if (rc)
			return rc;
		int n = PQntuples(r), i = 0;
		for (; i < n && col_i64(r, i, 0) == cur + 1; i++)
			cur++;
		PQclear(r);
		if (i < 1000)
			break;
	}
	pg_args c = {0};
	a_text(&c, kiosk);
	a_i64(&c, cur);
	a_i64(&c, now_ms);
	rc = pg_exec(p, "store confirm",
	             "INSERT INTO kiosks(id, confirmed, last_seen) VALUES($1, $2, $3) ON CONFLICT(id) DO UPDATE"
	             " SET confirmed=GREATEST(kiosks.confirmed, excluded.confirmed),"
	             " last_seen=GREATEST(kiosks.last_seen, excluded.last_seen)",
	             &c, NULL, err);
	if (!rc)
		*confirmed = cur;
	return rc;
}

/* Per kiosk of a batch (sorted): the run of seqs from its first event in the batch's
 * original order that the batch stores with none missing, and where that first event
 * stood (confirm_cb goes in the order of the kiosks' first events). */
typedef struct kiosk_run {
	const char *kiosk;
	int64_t lo, hi;
	size_t first_at;
	int64_t confirmed;
} kiosk_run;

static int by_first_at(const void *a, const void *b)
{
	const kiosk_run *x = a, *y = b;
	return (x->first_at > y->first_at) - (x->first_at < y->first_at);
}

/* The runs of evs (as hall_store_ingest_events gives them), one per kiosk, by kiosk id. */
static kiosk_run *kiosk_runs(const hall_event *evs, size_t n, const hall_event *const *sorted, size_t *n_runs)
{
	kiosk_run *runs = calloc(n, sizeof *runs);
	size_t k = 0;
	if (!runs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(sorted[i]->kiosk, sorted[i - 1]->kiosk) != 0)
			runs[k++] = (kiosk_run){.kiosk = sorted[i]->kiosk, .first_at = (size_t)(sorted[i] - evs)};
		else if ((size_t)(sorted[i] - evs) < runs[k - 1].first_at)
			runs[k - 1].first_at = (size_t)(sorted[i] - evs);
	/* the run from the first event on, in the batch's order (as the SQLite backend) */
	for (size_t j = 0; j < k; j++) {
		runs[j].lo = evs[runs[j].first_at].seq;
		runs[j].hi = runs[j].lo;
		for (size_t i = runs[j].first_at + 1; i < n; i++)
			if (evs[i].seq == runs[j].hi + 1 && strcmp(evs[i].kiosk, runs[j].kiosk) == 0)
				runs[j].hi = evs[i].seq;
	}
	*n_runs = k;
	return runs;
}

static hall_err ingest_once(pg_store *p, const hall_event *const *sorted, size_t n, kiosk_run *runs, size_t n_runs,
                            hall_store_insert_result *res, bool confirm, hall_error *err)
{
	sbuf cols[10];
	PGresult *r = NULL;
	memset(cols, 0, sizeof cols);
	memset(res, 0, sizeof *res);
	build_arrays(sorted, n, cols);
	hall_err rc = HALL_OK;
	for (int c = 0; c < 10; c++)
		if (cols[c].oom)
			rc = hall_error_set(err, HALL_ERR_NOMEM, "", "storing events: out of memory");
	const int64_t received = hall_clock_now_ms(); /* one clock read per batch */
	if (!rc)
		rc = pg_begin(p, err);
	if (rc)
		goto done;
	pg_args a = {0};
	for (int c = 0; c < 10; c++)
		a_text(&a, cols[c].p);
	a_i64(&a, received);
	a_i64(&a, (int64_t)n);
	rc = pg_exec(p, "insert events", INGEST_SQL, &a, &r, err);
	if (!rc) {
		for (int i = 0; i < PQntuples(r); i++)
			if (!PQgetisnull(r, i, 0))
				res->inserted = (size_t)col_i64(r, i, 0);
			else {
				res->votes_counted++;
				store__note_poll(res, PQgetvalue(r, i, 1));
			}
		res->duplicates = n - res->inserted;
		PQclear(r);
	}
	for (size_t j = 0; confirm && !rc && j < n_runs; j++)
		rc = confirm_in_tx(p, runs[j].kiosk, runs[j].lo, runs[j].hi, received, &runs[j].confirmed, err);
	rc = pg_end(p, rc, err);
done:
	for (int c = 0; c < 10; c++)
		free(cols[c].p);
	return rc;
}

/* 40P01 deadlock_detected, 40001 serialization_failure: the transaction may be tried again. */
static bool retryable(const pg_store *p)
{
	return strcmp(p->state, "40P01") == 0 || strcmp(p->state, "40001") == 0;
}

static hall_err pg_ingest_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                 hall_store_confirm_cb confirm_cb, void *user, hall_error *err)
{
	pg_store *p = pg(s);
	const hall_event **sorted = malloc(n * sizeof *sorted);
	kiosk_run *runs = NULL;
	size_t n_runs = 0;
	hall_err rc = HALL_OK;
	if (!sorted)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "storing events: out of memory");
	for (size_t i = 0; i < n; i++)
		sorted[i] = &evs[i];
	qsort(sorted, n, sizeof *sorted, by_kiosk_seq);
	if (!(runs = kiosk_runs(evs, n, sorted, &n_runs))) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "storing events: out of memory");
		goto done;
	}
	for (int attempt = 0;; attempt++) {
		rc = ingest_once(p, sorted, n, runs, n_runs, res, confirm_cb != NULL, err);
		if (rc != HALL_ERR_DB || !retryable(p) || attempt + 1 >= PG_RETRIES)
			break;
	}
	if (rc == HALL_OK && confirm_cb) {
		qsort(runs, n_runs, sizeof *runs, by_first_at);
		for (size_t j = 0; j < n_runs; j++)
			confirm_cb(user, runs[j].kiosk, runs[j].confirmed);
	}
done:
	free(runs);
	free(sorted);
	return rc;
}

static hall_err pg_advance_confirm(hall_store *s, const char *kiosk, int64_t *confirmed, hall_error *err)
{
	pg_store *p = pg(s);
	hall_err rc = pg_begin(p, err);
	if (rc)
		return rc;
	rc = confirm_in_tx(p, kiosk, 1, 0, hall_clock_now_ms(), confirmed, err);
	return pg_end(p, rc, err);
}

/* Events in (kiosk, seq) order without an index on ts, as on SQLite: the span of seqs of
 * each kiosk in the period's hours (event_spans), then that range of the primary key,
 * re-checking ts, a page at a time (a report reads a million rows; one result holding
 * them all would hold them all in memory). One REPEATABLE READ snapshot when the caller
 * is not in a transaction, so an ingest between the pages is not half seen. */
static hall_err pg_each_event(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                              hall_store_event_cb cb, void *user, hall_error *err)
{
	pg_store *p = pg(s);
	PGresult *spans = NULL, *r = NULL;
	int64_t h_first, h_last;
	store__hour_range(from_ms, to_ms, &h_first, &h_last);
	pg_revive(p);
	bool own_tx = PQtransactionStatus(p->c) == PQTRANS_IDLE;
	hall_err rc = own_tx ? pg_exec(p, "begin", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, NULL, err)
	                     : HALL_OK;
	if (rc)
		return rc;
	pg_args a = {0};
	a_i64(&a, h_first);
	a_i64(&a, h_last);
	a_opt(&a, kiosk);
	rc = pg_exec(p, "read event spans",
	             "SELECT kiosk, min(lo), max(hi) FROM event_spans WHERE hour>=$1 AND hour<=$2"
	             " AND ($3::text IS NULL OR kiosk=$3) GROUP BY kiosk ORDER BY kiosk",
	             &a, &spans, err);
	bool stop = false;
	for (int k = 0; !rc && !stop && k < PQntuples(spans); k++) {
		const char *id = PQgetvalue(spans, k, 0);
		int64_t next = col_i64(spans, k, 1), hi = col_i64(spans, k, 2);
		for (bool more = true; more && !rc && !stop;) {
			pg_args b = {0};
			a_text(&b, id);
			a_i64(&b, next);
			a_i64(&b, hi);
			a_i64(&b, from_ms);
			a_i64(&b, to_ms);
			a_i64(&b, PG_PAGE);
			rc = pg_exec(p, "read events",
			             "SELECT seq, ts, type, exhibit, target, session, lang, dwell_ms, poll FROM events"
			             " WHERE kiosk=$1 AND seq>=$2 AND seq<=$3 AND ts>=$4 AND ts<$5 ORDER BY seq LIMIT $6",
			             &b, &r, err);
			if (rc)
				break;
			int n = PQntuples(r);
			more = n == PG_PAGE;
			for (int i = 0; i < n && !stop; i++) {
				hall_event ev;
				hall_event_init(&ev);
				snprintf(ev.kiosk, sizeof ev.kiosk, "%s", id);
				ev.seq = col_i64(r, i, 0);
				ev.ts = col_i64(r, i, 1);
				next = ev.seq + 1;
				if (hall_event_type_from_name(PQgetvalue(r, i, 2), &ev.type) != 0)
					continue; /* only valid events are stored; skip a row from a newer version */
				col_text(r, i, 3, ev.exhibit, sizeof ev.exhibit);
				col_text(r, i, 4, ev.target, sizeof ev.target);
				ev.session = col_opt_i64(r, i, 5);
				col_text(r, i, 6, ev.lang, sizeof ev.lang);
				ev.dwell_ms = col_opt_i64(r, i, 7);
				col_text(r, i, 8, ev.poll, sizeof ev.poll);
				stop = cb(user, &ev) != 0;
			}
			PQclear(r);
			r = NULL;
		}
	}
	PQclear(spans);
	if (own_tx)
		PQclear(PQexec(p->c, "COMMIT"));
	return rc;
}

static hall_err pg_max_seq(hall_store *s, const char *kiosk, int64_t *max_seq, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, kiosk);
	hall_err rc = pg_one_i64(pg(s), "read events", "SELECT max(seq) FROM events WHERE kiosk=$1", &a, max_seq, err);
	if (*max_seq < 0)
		*max_seq = 0;
	return rc;
}

/* As on SQLite: through event_spans, one range of the key per span, re-checking ts; the
 * votes retention removes are first added to vote_totals (tallies do not change). */
static hall_err pg_delete_events_before(hall_store *s, int64_t ts_ms, int64_t *deleted, hall_error *err)
{
	pg_store *p = pg(s);
	int64_t h_first, h_last, n = 0;
	store__hour_range(INT64_MIN, ts_ms, &h_first, &h_last);
	pg_args a = {0}, b = {0}, t = {0};
	a_i64(&a, ts_ms);
	a_i64(&a, h_last);
	a_i64(&b, h_last);
	a_i64(&t, ts_ms);
	hall_err rc = pg_begin(p, err);
	if (!rc)
		rc = pg_run(p, "delete events",
		            "DELETE FROM events e USING event_spans s WHERE s.hour<=$2 AND e.kiosk=s.kiosk"
		            " AND e.seq>=s.lo AND e.seq<=s.hi AND e.ts<$1",
		            &a, &n, err);
	if (!rc)
		rc = pg_run(p, "delete event spans", "DELETE FROM event_spans WHERE hour<$1", &b, NULL, err);
	if (!rc)
		rc = pg_run(p, "fold old votes into vote_totals",
		            "INSERT INTO vote_totals(poll, option, votes) SELECT poll, option, count(*) FROM votes"
		            " WHERE ts<$1 GROUP BY poll, option ORDER BY poll, option"
		            " ON CONFLICT(poll, option) DO UPDATE SET votes=vote_totals.votes+excluded.votes",
		            &t, NULL, err);
	if (!rc)
		rc = pg_run(p, "delete old votes", "DELETE FROM votes WHERE ts<$1", &t, NULL, err);
	if (!rc)
		rc = pg_run(p, "delete old help presses", "DELETE FROM help WHERE ts<$1", &t, NULL, err);
	rc = pg_end(p, rc, err);
	if (!rc && deleted)
		*deleted = n;
	return rc;
}

/* ---------------------------------------------------------------- fleet */

static hall_err log_transition(pg_store *p, const char *kiosk, int64_t ts, bool online, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, kiosk);
	a_i64(&a, ts);
	a_i64(&a, online ? 1 : 0);
	return pg_run(p, "log status", "INSERT INTO status_log(kiosk, ts, online) VALUES($1, $2, $3)", &a, NULL, err);
}

/* The kiosk's stored online flag, locking its row for this transaction (so two
 * controllers hearing the same hello log one transition); -1 when unknown. */
static hall_err stored_online(pg_store *p, const char *kiosk, int *online, hall_error *err)
{
	int64_t v = -1;
	pg_args a = {0};
	a_text(&a, kiosk);
	hall_err rc = pg_one_i64(p, "read kiosk", "SELECT online FROM kiosks WHERE id=$1 FOR UPDATE", &a, &v, err);
	*online = rc == HALL_OK ? (int)v : -1;
	return rc == HALL_ERR_NOT_FOUND ? HALL_OK : rc;
}

/* Inside the caller's transaction: the kiosk's count of events it could not keep (hello,
 * full status), a row in unrecorded_log when it changed, and its last error. */
static hall_err note_unrecorded(pg_store *p, const char *kiosk, int64_t count, const char *last_error, int64_t now_ms,
                                hall_error *err)
{
	pg_args a = {0}, b = {0};
	a_text(&a, kiosk);
	a_i64(&a, now_ms);
	a_i64(&a, count);
	a_text(&b, kiosk);
	a_i64(&b, count);
	a_text(&b, last_error);
	hall_err rc = pg_run(p, "log unrecorded",
	                     "INSERT INTO unrecorded_log(kiosk, ts, count) SELECT $1, $2::bigint, $3::bigint"
	                     " WHERE $3::bigint <> coalesce((SELECT unrecorded FROM kiosks WHERE id=$1), 0)",
	                     &a, NULL, err);
	return rc ? rc
	          : pg_run(p, "store unrecorded", "UPDATE kiosks SET unrecorded=$2, last_error=$3 WHERE id=$1", &b, NULL,
	                   err);
}

/* Per kiosk, what its count of unrecorded events rose by in [from, to). */
static hall_err pg_each_unrecorded(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb, void *user,
                                   hall_error *err);

/* Inside the caller's transaction: what a kiosk says it shows (scope "" = not said):
 * a row in shown when it differs from its last one, and the kiosk's columns. */
static hall_err note_showing(pg_store *p, const char *kiosk, const hall_showing *sh, int64_t now_ms,
                             hall_error *err)
{
	if (!sh->scope[0])
		return HALL_OK;
	pg_args a = {0};
	a_text(&a, kiosk);
	a_i64(&a, now_ms);
	a_text(&a, sh->scope);
	a_i64(&a, sh->version);
	a_text(&a, sh->pack);
	hall_err rc = pg_run(p, "log what a kiosk shows",
	                     "INSERT INTO shown(kiosk, ts, scope, version, pack) SELECT $1, $2::bigint, $3, $4::bigint, $5"
	                     " WHERE NOT EXISTS (SELECT 1 FROM (SELECT scope, version, pack FROM shown WHERE kiosk=$1"
	                     " ORDER BY ts DESC, id DESC LIMIT 1) l WHERE l.scope=$3 AND l.version=$4 AND l.pack=$5)",
	                     &a, NULL, err);
	if (rc)
		return rc;
	pg_args b = {0};
	a_text(&b, kiosk);
	a_i64(&b, sh->version);
	a_text(&b, sh->scope);
	a_text(&b, sh->pack);
	return pg_run(p, "store what a kiosk shows",
	              "UPDATE kiosks SET content_version=$2, showing_scope=$3, showing_pack=$4 WHERE id=$1", &b, NULL, err);
}

/* No lock-out (DESIGN.md decision 7): the version counter follows what the kiosk holds,
 * within the bound store__version_to_follow keeps (as on SQLite). Inside the caller's
 * transaction; the raise is an upsert that reads the row it updates, so two controllers
 * hearing two kiosks at once both leave the higher version. */
static hall_err raise_version_counter(pg_store *p, const char *kiosk, int64_t held, hall_error *err)
{
	int64_t counter = 0;
	if (held <= 0)
		return HALL_OK;
	hall_err rc = pg_one_i64(p, "version counter",
	                         "SELECT GREATEST(coalesce((SELECT value::bigint FROM meta WHERE key='version'), 0),"
	                         " (SELECT coalesce(max(version), 0) FROM desired))",
	                         NULL, &counter, err);
	if (rc || (held = store__version_to_follow(kiosk, held, counter)) == 0)
		return rc;
	pg_args a = {0};
	a_i64(&a, held);
	return pg_run(p, "raise version counter",
	              "INSERT INTO meta(key, value) VALUES('version', $1) ON CONFLICT(key) DO UPDATE"
	              " SET value=GREATEST(meta.value::bigint, excluded.value::bigint)::text",
	              &a, NULL, err);
}

static hall_err pg_kiosk_hello(hall_store *s, const hall_hello *h, int64_t now_ms, hall_error *err)
{
	pg_store *p = pg(s);
	int was = -1;
	hall_err rc = pg_begin(p, err);
	if (!rc)
		rc = stored_online(p, h->kiosk, &was, err);
	if (!rc) {
		pg_args a = {0};
		a_text(&a, h->kiosk);
		a_text(&a, h->group);
		a_i64(&a, now_ms);
		a_i64(&a, h->content_version);
		a_i64(&a, h->schedule_version);
		a_i64(&a, h->notice_version);
		a_i64(&a, h->seq_max);
		a_i64(&a, h->spool_first);
		a_text(&a, h->app);
		a_text(&a, h->broker);
		rc = pg_run(p, "store hello",
		            "INSERT INTO kiosks AS k(id, grp, first_seen, last_seen, online, online_since, content_version,"
		            " schedule_version, notice_version, seq_max, spool_first, app, broker)"
		            " VALUES($1, $2, $3, $3, 1, $3, $4, $5, $6, $7, $8, $9, $10)"
		            " ON CONFLICT(id) DO UPDATE SET grp=excluded.grp,"
		            " first_seen=CASE WHEN k.first_seen=0 THEN excluded.first_seen ELSE k.first_seen END,"
		            " last_seen=excluded.last_seen,"
		            " online_since=CASE WHEN k.online=1 AND k.online_since>0 THEN k.online_since"
		            " ELSE excluded.online_since END,"
		            " online=1, content_version=excluded.content_version,"
		            " schedule_version=excluded.schedule_version, notice_version=excluded.notice_version,"
		            " seq_max=excluded.seq_max, spool_first=excluded.spool_first, app=excluded.app,"
		            " broker=CASE WHEN excluded.broker='' THEN k.broker ELSE excluded.broker END",
		            &a, NULL, err);
	}
	if (!rc)
		rc = note_showing(p, h->kiosk, &h->showing, now_ms, err);
	if (!rc)
		rc = note_unrecorded(p, h->kiosk, h->unrecorded, h->last_error, now_ms, err);
	if (!rc && was != 1)
		rc = log_transition(p, h->kiosk, now_ms, true, err);
	if (!rc)
		rc = raise_version_counter(
			p, h->kiosk, store__held_version(h->content_version, h->schedule_version, h->notice_version, h->version_max),
			err);
	return pg_end(p, rc, err);
}

static hall_err pg_kiosk_status(hall_store *s, const hall_status *stt, int64_t now_ms, bool *changed,
                                hall_error *err)
{
	pg_store *p = pg(s);
	int was = -1;
	pg_args a = {0}, b = {0};
	hall_err rc = pg_begin(p, err);
	if (!rc)
		rc = stored_online(p, stt->kiosk, &was, err);
	bool transition = (was == 1) != stt->online;
	a_text(&a, stt->kiosk);
	a_i64(&a, stt->online ? now_ms : 0);
	if (!rc)
		rc = pg_run(p, "store status", "INSERT INTO kiosks(id, first_seen) VALUES($1, $2) ON CONFLICT(id) DO NOTHING",
		            &a, NULL, err);
	a_text(&b, stt->kiosk);
	if (stt->online) {
		a_i64(&b, now_ms);
		a_i64(&b, transition ? 1 : 0);
	}
	if (!rc)
		rc = pg_run(p, "store status",
		            stt->online ? "UPDATE kiosks SET online=1, last_seen=$2,"
		                          " online_since=CASE WHEN $3::int=1 THEN $2 ELSE online_since END,"
		                          " first_seen=CASE WHEN first_seen=0 THEN $2 ELSE first_seen END WHERE id=$1"
		                        : "UPDATE kiosks SET online=0 WHERE id=$1",
		            &b, NULL, err);
	if (!rc && stt->full) {
		pg_args c = {0};
		a_text(&c, stt->kiosk);
		a_text(&c, stt->group);
		a_i64(&c, stt->content_version);
		a_i64(&c, stt->schedule_version);
		a_i64(&c, stt->notice_version);
		a_i64(&c, stt->seq_max);
		a_text(&c, stt->last_error);
		a_i64(&c, (int64_t)(stt->fps * 1000.0 + 0.5));
		a_text(&c, stt->broker);
		a_i64(&c, (int64_t)(stt->frame_p99_ms * 1000.0 + 0.5)); /* console helper */
		rc = pg_run(p, "store status",
		            "UPDATE kiosks SET grp=CASE WHEN $2='' THEN grp ELSE $2 END, content_version=$3,"
		            " schedule_version=$4, notice_version=$5, seq_max=GREATEST(seq_max, $6), last_error=$7,"
		            " fps_milli=$8, broker=CASE WHEN $9='' THEN broker ELSE $9 END,"
		            " frame_p99_us=CASE WHEN $10::bigint>0 THEN $10::bigint ELSE frame_p99_us END WHERE id=$1",
		            &c, NULL, err);
		if (!rc)
			rc = note_showing(p, stt->kiosk, &stt->showing, now_ms, err);
		if (!rc)
			rc = note_unrecorded(p, stt->kiosk, stt->unrecorded, stt->last_error, now_ms, err);
		if (!rc)
			rc = raise_version_counter(p, stt->kiosk,
			                           store__held_version(stt->content_version, stt->schedule_version,
			                                               stt->notice_version, stt->version_max),
			                           err);
	}
	if (!rc && transition)
		rc = log_transition(p, stt->kiosk, now_ms, stt->online, err);
	rc = pg_end(p, rc, err);
	if (changed && rc == HALL_OK)
		*changed = transition;
	return rc;
}

/* Row i of a result as a store__row (store_internal.h), for the readers of store_rows.c. */
typedef struct pg_row {
	store__row row;
	const PGresult *r;
	int i;
} pg_row;

static void row_text(const store__row *row, int col, char *out, size_t len)
{
	const pg_row *p = (const pg_row *)row;
	col_text(p->r, p->i, col, out, len);
}

static int64_t row_i64(const store__row *row, int col)
{
	const pg_row *p = (const pg_row *)row;
	return col_i64(p->r, p->i, col);
}

static int64_t row_opt_i64(const store__row *row, int col)
{
	const pg_row *p = (const pg_row *)row;
	return col_opt_i64(p->r, p->i, col);
}

static pg_row row_of(const PGresult *r, int i)
{
	return (pg_row){{row_text, row_i64, row_opt_i64}, r, i};
}

static hall_err visit_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	pg_row row = row_of(r, i);
	return store__visit_row(ctx, &row.row, stop, err);
}

static hall_err visit(pg_store *p, const char *what, const char *sql, const pg_args *a, store__visit v,
                      hall_error *err)
{
	return pg_each_row(p, what, sql, a, visit_row, &v, NULL, err);
}

static hall_err kiosk_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	(void)err;
	pg_row row = row_of(r, i);
	store__read_kiosk(&row.row, ctx);
	*stop = true;
	return HALL_OK;
}

static hall_err pg_kiosk_get(hall_store *s, const char *id, hall_store_kiosk *out, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, id);
	char sql[sizeof pg(s)->kiosk_cols + 64];
	snprintf(sql, sizeof sql, "SELECT %s FROM kiosks WHERE id=$1", pg(s)->kiosk_cols);
	hall_err rc = pg_one_row(pg(s), "read kiosk", sql, &a, kiosk_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "kiosk %s: never seen", id);
	return rc;
}

static hall_err pg_each_kiosk(hall_store *s, hall_store_kiosk_cb cb, void *user, hall_error *err)
{
	char sql[sizeof pg(s)->kiosk_cols + 64];
	snprintf(sql, sizeof sql, "SELECT %s FROM kiosks ORDER BY id", pg(s)->kiosk_cols);
	return visit(pg(s), "read kiosks", sql, NULL, (store__visit){ROW_KIOSK, user, NULL, {.kiosk = cb}}, err);
}

static hall_err pg_kiosk_set_alert(hall_store *s, const char *id, bool alert, const char *reason, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, id);
	a_i64(&a, alert ? 1 : 0);
	a_text(&a, alert ? reason : "");
	/* help_count is left alone: a call for staff stays open until pg_help_ack (issue 10). */
	return pg_run(pg(s), "set alert", "UPDATE kiosks SET alert=$2, alert_reason=$3 WHERE id=$1", &a, NULL, err);
}

/* As on SQLite: the count staff saw to, then zero, a help alert cleared, one transaction. */
static hall_err pg_help_ack(hall_store *s, const char *id, int64_t *acked, hall_error *err)
{
	pg_store *p = pg(s);
	pg_args a = {0};
	a_text(&a, id);
	hall_err rc = pg_begin(p, err);
	if (!rc) {
		rc = pg_one_i64(p, "read kiosk", "SELECT help_count FROM kiosks WHERE id=$1 FOR UPDATE", &a, acked, err);
		if (rc == HALL_ERR_NOT_FOUND)
			hall_error_set(err, rc, "", "kiosk %s: never seen", id);
	}
	if (!rc)
		rc = pg_run(p, "acknowledge help",
		            "UPDATE kiosks SET help_count=0,"
		            " alert=CASE WHEN alert_reason LIKE 'help%' THEN 0 ELSE alert END,"
		            " alert_reason=CASE WHEN alert_reason LIKE 'help%' THEN '' ELSE alert_reason END WHERE id=$1",
		            &a, NULL, err);
	return pg_end(p, rc, err);
}

static hall_err pg_each_status_change(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                                      hall_store_status_cb cb, void *user, hall_error *err)
{
	pg_args a = {0};
	a_opt(&a, kiosk);
	a_i64(&a, from_ms);
	a_i64(&a, to_ms);
	return visit(pg(s), "read status log",
	             "SELECT kiosk, ts, online FROM status_log WHERE ($1::text IS NULL OR kiosk=$1)"
	             " AND ts>=$2 AND ts<$3 ORDER BY kiosk, ts, id",
	             &a, (store__visit){ROW_STATUS, user, NULL, {.status = cb}}, err);
}

static hall_err pg_add_help(hall_store *s, const hall_help *h, int64_t now_ms, hall_error *err)
{
	pg_store *p = pg(s);
	pg_args a = {0}, b = {0};
	a_text(&a, h->kiosk);
	a_i64(&a, h->ts);
	a_text(&a, h->exhibit);
	if (h->session >= 0)
		a_i64(&a, h->session);
	else
		a_null(&a);
	a_i64(&a, now_ms);
	a_i64(&a, h->call > 0 ? h->call : 0);
	a_text(&b, h->kiosk);
	a_i64(&b, now_ms);
	int64_t added = 0;
	hall_err rc = pg_begin(p, err);
	/* A numbered call stored before (a resend, or the same message heard by the other
	 * controller) meets the unique index and counts nothing. */
	if (!rc)
		rc = pg_run(p, "store help",
		            "INSERT INTO help(kiosk, ts, exhibit, session, received, call) VALUES($1, $2, $3, $4, $5, $6)"
		            " ON CONFLICT DO NOTHING",
		            &a, &added, err);
	if (!rc && added)
		rc = pg_run(p, "store help",
		            "INSERT INTO kiosks AS k(id, first_seen, help_count, last_help) VALUES($1, $2, 1, $2)"
		            " ON CONFLICT(id) DO UPDATE SET help_count=k.help_count+1, last_help=excluded.last_help",
		            &b, NULL, err);
	return pg_end(p, rc, err);
}

/* ---------------------------------------------------------------- desired state, history */

/* One statement, so two controllers never hand out the same version. Never below a
 * version already in desired (a database from before the counter). */
static hall_err pg_next_version(hall_store *s, int64_t *version, hall_error *err)
{
	hall_err rc = pg_one_i64(pg(s), "next version",
	                         "INSERT INTO meta(key, value) VALUES('version',"
	                         " ((SELECT coalesce(max(version), 0) + 1 FROM desired))::text)"
	                         " ON CONFLICT(key) DO UPDATE SET value=(meta.value::bigint + 1)::text RETURNING value::bigint",
	                         NULL, version, err);
	return rc == HALL_ERR_NOT_FOUND ? hall_error_set(err, HALL_ERR_DB, "", "next version: no row") : rc;
}

static hall_err pg_set_desired(hall_store *s, const hall_store_desired *d, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, d->kind);
	a_text(&a, d->scope);
	a_i64(&a, d->version);
	a_i64(&a, d->cleared ? 1 : 0);
	a_text(&a, d->ref);
	a_i64(&a, d->updated);
	if (d->payload)
		a_bytes(&a, d->payload, d->payload_len);
	else
		a_null(&a);
	return pg_run(pg(s), "store desired state",
	              "INSERT INTO desired(kind, scope, version, cleared, ref, updated, payload)"
	              " VALUES($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(kind, scope) DO UPDATE SET version=excluded.version,"
	              " cleared=excluded.cleared, ref=excluded.ref, updated=excluded.updated, payload=excluded.payload",
	              &a, NULL, err);
}

static hall_err desired_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	hall_store_desired *out = ctx;
	*stop = true;
	col_text(r, i, 0, out->kind, sizeof out->kind);
	col_text(r, i, 1, out->scope, sizeof out->scope);
	out->version = col_i64(r, i, 2);
	out->cleared = col_i64(r, i, 3) != 0;
	col_text(r, i, 4, out->ref, sizeof out->ref);
	out->updated = col_i64(r, i, 5);
	size_t n = 0;
	unsigned char *bytes = NULL;
	if (!PQgetisnull(r, i, 6) &&
	    !(bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 6), &n)))
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	out->payload = malloc(n + 1);
	if (!out->payload) {
		PQfreemem(bytes);
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	if (n)
		memcpy(out->payload, bytes, n);
	out->payload[n] = '\0';
	out->payload_len = n;
	PQfreemem(bytes);
	return HALL_OK;
}

static hall_err pg_get_desired(hall_store *s, const char *kind, const char *scope, hall_store_desired *out,
                               hall_error *err)
{
	pg_args a = {0};
	memset(out, 0, sizeof *out);
	a_text(&a, kind);
	a_text(&a, scope);
	hall_err rc = pg_one_row(pg(s), "read desired state",
	                         "SELECT kind, scope, version, cleared, ref, updated, payload FROM desired"
	                         " WHERE kind=$1 AND scope=$2",
	                         &a, desired_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no %s pushed to %s", kind, scope);
	return rc;
}

static hall_err pg_add_history(hall_store *s, hall_store_history *h, hall_error *err)
{
	pg_args a = {0};
	a_i64(&a, h->ts);
	a_text(&a, h->user);
	a_text(&a, h->action);
	a_text(&a, h->kind);
	a_text(&a, h->target);
	a_i64(&a, h->version);
	a_text(&a, h->ref);
	a_text(&a, h->detail);
	a_text(&a, h->outcome[0] ? h->outcome : "ok");
	a_text(&a, h->reason);
	return pg_one_i64(pg(s), "store history",
	                  "INSERT INTO history(ts, \"user\", action, kind, target, version, ref, detail, outcome, reason)"
	                  " VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
	                  &a, &h->id, err);
}

static hall_err pg_each_history(hall_store *s, const char *target, const char *kind, size_t limit,
                                hall_store_history_cb cb, void *user, hall_error *err)
{
	pg_args a = {0};
	a_opt(&a, target);
	a_opt(&a, kind);
	if (limit)
		a_i64(&a, (int64_t)limit);
	else
		a_null(&a); /* LIMIT NULL: no limit */
	return visit(pg(s), "read history",
	             "SELECT id, ts, \"user\", action, kind, target, version, ref, detail, outcome, reason FROM history"
	             " WHERE ($1::text IS NULL OR target=$1) AND ($2::text IS NULL OR kind=$2) ORDER BY id DESC"
	             " LIMIT $3::bigint",
	             &a, (store__visit){ROW_HISTORY, user, NULL, {.history = cb}}, err);
}

static hall_err pg_set_history_outcome(hall_store *s, int64_t id, const char *outcome, const char *reason,
                                       hall_error *err)
{
	pg_args a = {0};
	a_i64(&a, id);
	a_text(&a, outcome && outcome[0] ? outcome : "ok");
	a_text(&a, reason);
	return pg_run(pg(s), "store history outcome", "UPDATE history SET outcome=$2, reason=$3 WHERE id=$1", &a, NULL,
	              err);
}

/* The kiosk's own changes in [from, to); for a kiosk that never said `showing`, its
 * applied content acks that were not clears (store_fleet.c's SHOWN_SELECT). */
#define SHOWN_SELECT                                                                                              \
	"SELECT ts, scope, version, pack FROM shown WHERE kiosk=$1 AND ts>=$2 AND ts<$3"                          \
	" UNION ALL SELECT ts, CASE WHEN scope LIKE 'group:%' THEN 'group' WHEN scope LIKE 'kiosk:%' THEN 'kiosk'" \
	" ELSE 'all' END, version, '' FROM acks WHERE kiosk=$1 AND kind='content' AND result='applied'"            \
	" AND ts>=$2 AND ts<$3 AND NOT EXISTS (SELECT 1 FROM shown WHERE kiosk=$1)"                                \
	" AND NOT EXISTS (SELECT 1 FROM desired WHERE kind='content' AND desired.version=acks.version"             \
	" AND cleared=1)"

static hall_err pg_each_shown(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                              hall_store_shown_cb cb, void *user, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, kiosk);
	a_i64(&a, from_ms);
	a_i64(&a, to_ms);
	return visit(pg(s), "read what kiosks showed", SHOWN_SELECT " ORDER BY 1", &a,
	             (store__visit){ROW_SHOWN, user, kiosk, {.shown = cb}}, err);
}

static int take_shown(void *user, const hall_store_shown *sh)
{
	*(hall_store_shown *)user = *sh;
	return 1;
}

static hall_err pg_last_shown_before(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
                                     hall_error *err)
{
	hall_store_shown got;
	pg_args a = {0};
	memset(&got, 0, sizeof got);
	a_text(&a, kiosk);
	a_i64(&a, INT64_MIN);
	a_i64(&a, before_ms);
	hall_err rc = visit(pg(s), "read what kiosks showed", SHOWN_SELECT " ORDER BY 1 DESC LIMIT 1", &a,
	                    (store__visit){ROW_SHOWN, &got, kiosk, {.shown = take_shown}}, err);
	if (rc)
		return rc;
	if (!got.kiosk[0])
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "", "kiosk %s: nothing known shown before", kiosk);
	*out = got;
	return HALL_OK;
}

/* ---------------------------------------------------------------- commands, acks, shots */

static hall_err pg_add_command(hall_store *s, const hall_store_command *c, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, c->cmd.id);
	a_text(&a, c->kiosk);
	a_text(&a, hall_command_cmd_name(c->cmd.cmd));
	a_text(&a, c->cmd.exhibit);
	a_i64(&a, c->cmd.ts);
	a_i64(&a, c->cmd.ttl_s);
	return pg_run(pg(s), "store command",
	              "INSERT INTO commands(id, kiosk, cmd, exhibit, ts, ttl_s) VALUES($1, $2, $3, $4, $5, $6)", &a, NULL,
	              err);
}

static hall_err pg_each_pending_command(hall_store *s, const char *kiosk, int64_t now_ms, hall_store_command_cb cb,
                                        void *user, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, kiosk);
	a_i64(&a, now_ms);
	return visit(pg(s), "read commands",
	             "SELECT id, kiosk, cmd, exhibit, ts, ttl_s FROM commands WHERE kiosk=$1 AND acked=0"
	             " AND ts + ttl_s * 1000 >= $2 ORDER BY ts, id",
	             &a, (store__visit){ROW_COMMAND, user, NULL, {.command = cb}}, err);
}

typedef struct shot_check {
	const char *kiosk, *cmd_id;
	bool found;
} shot_check;

static hall_err shot_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	shot_check *c = ctx;
	char name[32];
	*stop = true;
	c->found = true;
	col_text(r, i, 0, name, sizeof name);
	if (strcmp(name, hall_command_cmd_name(HALL_CMD_SCREENSHOT)) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "command", "command %s of %s is a %s, not a screenshot",
		                      c->cmd_id, c->kiosk, name);
	if (col_i64(r, i, 1))
		return hall_error_set(err, HALL_ERR_STALE, "command",
		                      "the image of screenshot command %s of %s was already received", c->cmd_id, c->kiosk);
	return HALL_OK;
}

static hall_err pg_check_shot(hall_store *s, const char *kiosk, const char *cmd_id, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, cmd_id);
	a_text(&a, kiosk);
	shot_check c = {kiosk, cmd_id, false};
	hall_err rc = pg_one_row(pg(s), "read command",
	                         "SELECT c.cmd, CASE WHEN EXISTS(SELECT 1 FROM shots WHERE cmd_id=c.id) THEN 1 ELSE 0 END"
	                         " FROM commands c WHERE c.id=$1 AND c.kiosk=$2",
	                         &a, shot_row, &c, err);
	if (rc == HALL_ERR_NOT_FOUND && !c.found)
		hall_error_set(err, rc, "command", "no screenshot command %s was issued to %s", cmd_id, kiosk);
	return rc;
}

/* One statement: the row goes in only for a screenshot command of this kiosk that has no
 * image yet. */
static hall_err pg_add_shot(hall_store *s, const char *kiosk, const char *cmd_id, int64_t now_ms, const char *path,
                            hall_error *err)
{
	pg_args a = {0};
	int64_t changes = 0;
	a_text(&a, cmd_id);
	a_text(&a, kiosk);
	a_i64(&a, now_ms);
	a_text(&a, path);
	a_text(&a, hall_command_cmd_name(HALL_CMD_SCREENSHOT));
	hall_err rc = pg_run(pg(s), "store screenshot",
	                     "INSERT INTO shots(cmd_id, kiosk, ts, path) SELECT id, kiosk, $3::bigint, $4 FROM commands"
	                     " WHERE id=$1 AND kiosk=$2 AND cmd=$5 ON CONFLICT DO NOTHING",
	                     &a, &changes, err);
	if (rc || changes == 1)
		return rc;
	rc = pg_check_shot(s, kiosk, cmd_id, err);
	return rc ? rc : hall_error_set(err, HALL_ERR_STALE, "command", "screenshot %s not recorded", cmd_id);
}

static hall_err pg_shot_path(hall_store *s, const char *cmd_id, char *out, size_t len, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, cmd_id);
	hall_err rc = pg_one_row(pg(s), "read screenshot", "SELECT path FROM shots WHERE cmd_id=$1", &a, text_row,
	                         &(text_out){out, len}, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "command", "no image recorded for screenshot %s", cmd_id);
	return rc;
}

static hall_err pg_add_ack(hall_store *s, const hall_ack *ack, int64_t now_ms, hall_error *err)
{
	pg_store *p = pg(s);
	pg_args a = {0}, b = {0};
	a_text(&a, ack->kiosk);
	a_text(&a, hall_ack_kind_name(ack->kind));
	a_text(&a, ack->scope);
	a_i64(&a, ack->version);
	a_text(&a, ack->id);
	a_text(&a, hall_ack_result_name(ack->result));
	a_text(&a, ack->reason);
	a_i64(&a, now_ms);
	int64_t added = 0;
	hall_err rc = pg_begin(p, err);
	/* Two serves hearing the same ack: the second INSERT waits for the first one's COMMIT,
	 * then does nothing (acks_once) and neither does the rest below. */
	if (!rc)
		rc = pg_run(p, "store ack",
		            "INSERT INTO acks(kiosk, kind, scope, version, cmd_id, result, reason, ts)"
		            " VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
		            &a, &added, err);
	if (rc || added == 0)
		return pg_end(p, rc, err);
	if (ack->kind == HALL_ACK_COMMAND) {
		a_text(&b, ack->id);
		a_text(&b, ack->kiosk);
		a_text(&b, hall_ack_result_name(ack->result));
		a_text(&b, ack->reason);
		a_i64(&b, now_ms);
		rc = pg_run(p, "store ack",
		            "UPDATE commands SET acked=1, result=$3, reason=$4, acked_ts=$5 WHERE id=$1 AND kiosk=$2", &b,
		            NULL, err);
	} else if (ack->kind == HALL_ACK_CONTENT && ack->showing.scope[0]) {
		/* the kiosk's own word for what it shows (store.h, hall_store_add_ack) */
		rc = note_showing(p, ack->kiosk, &ack->showing, now_ms, err);
	} else if (ack->result == HALL_ACK_APPLIED && ack->version > 0) {
		/* an older kiosk: only forward, and a clear's version is no content */
		a_text(&b, ack->kiosk);
		a_i64(&b, ack->version);
		rc = pg_run(p, "store ack",
		            ack->kind == HALL_ACK_CONTENT
		                ? "UPDATE kiosks SET content_version=GREATEST(content_version, $2) WHERE id=$1 AND NOT EXISTS"
		                  " (SELECT 1 FROM desired WHERE kind='content' AND version=$2 AND cleared=1)"
		            : ack->kind == HALL_ACK_SCHEDULE
		                ? "UPDATE kiosks SET schedule_version=GREATEST(schedule_version, $2) WHERE id=$1"
		                : "UPDATE kiosks SET notice_version=GREATEST(notice_version, $2) WHERE id=$1",
		            &b, NULL, err);
	}
	return pg_end(p, rc, err);
}

#define ACK_COLS "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks"

static hall_err ack_row(void *ctx, const PGresult *r, int i, bool *stop, hall_error *err)
{
	*stop = true;
	pg_row row = row_of(r, i);
	return store__read_ack(&row.row, ctx, err);
}

static hall_err pg_get_ack(hall_store *s, const char *kiosk, const char *kind, int64_t version, const char *id,
                           hall_store_ack *out, hall_error *err)
{
	bool is_cmd = strcmp(kind, "command") == 0;
	pg_args a = {0};
	a_text(&a, kiosk);
	a_text(&a, kind);
	if (is_cmd)
		a_text(&a, id);
	else
		a_i64(&a, version);
	memset(out, 0, sizeof *out);
	hall_err rc = pg_one_row(pg(s), "read ack",
	                         is_cmd ? ACK_COLS " WHERE kiosk=$1 AND kind=$2 AND cmd_id=$3 ORDER BY id DESC LIMIT 1"
	                                : ACK_COLS " WHERE kiosk=$1 AND kind=$2 AND version=$3 ORDER BY id DESC LIMIT 1",
	                         &a, ack_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no ack");
	return rc;
}

static hall_err pg_each_ack(hall_store *s, const char *kiosk, const char *kind, const char *result, int64_t from_ms,
                            int64_t to_ms, hall_store_ack_cb cb, void *user, hall_error *err)
{
	pg_args a = {0};
	a_opt(&a, kiosk);
	a_text(&a, kind);
	a_opt(&a, result);
	a_i64(&a, from_ms);
	a_i64(&a, to_ms);
	return visit(pg(s), "read acks",
	             ACK_COLS " WHERE kind=$2 AND ($1::text IS NULL OR kiosk=$1) AND ($3::text IS NULL OR result=$3)"
	                      " AND ts>=$4 AND ts<$5 ORDER BY ts, id",
	             &a, (store__visit){ROW_ACK, user, NULL, {.ack = cb}}, err);
}

static hall_err pg_last_ack_before(hall_store *s, const char *kiosk, const char *kind, const char *result,
                                   int64_t before_ms, hall_store_ack *out, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, kiosk);
	a_text(&a, kind);
	a_opt(&a, result);
	a_i64(&a, before_ms);
	memset(out, 0, sizeof *out);
	hall_err rc = pg_one_row(pg(s), "read ack",
	                         ACK_COLS " WHERE kiosk=$1 AND kind=$2 AND ($3::text IS NULL OR result=$3) AND ts<$4"
	                                  " ORDER BY ts DESC, id DESC LIMIT 1",
	                         &a, ack_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no ack");
	return rc;
}

/* ---------------------------------------------------------------- polls, counters, aggregates, meta */

static hall_err pg_each_tally(hall_store *s, const char *poll, hall_store_tally_cb cb, void *user, hall_error *err)
{
	pg_args a = {0};
	a_opt(&a, poll);
	/* stored votes plus those retention folded into vote_totals */
	return visit(pg(s), "read votes",
	             "SELECT poll, option, sum(n) FROM ("
	             "SELECT poll, option, count(*) AS n FROM votes WHERE ($1::text IS NULL OR poll=$1) GROUP BY poll, option"
	             " UNION ALL SELECT poll, option, votes AS n FROM vote_totals WHERE ($1::text IS NULL OR poll=$1)) t"
	             " GROUP BY poll, option ORDER BY poll, option",
	             &a, (store__visit){ROW_TALLY, user, NULL, {.tally = cb}}, err);
}

static hall_err pg_each_unrecorded(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb, void *user,
                                   hall_error *err)
{
	if (!pg(s)->has_unrecorded_log)
		return HALL_OK; /* a database from before the table: no kiosk ever said it lost any */
	pg_args a = {0};
	a_i64(&a, from_ms);
	a_i64(&a, to_ms);
	return visit(pg(s), "read unrecorded",
	             "SELECT kiosk, sum(GREATEST(count - prev, 0)) FROM (SELECT kiosk, ts, count,"
	             " lag(count, 1, 0::bigint) OVER (PARTITION BY kiosk ORDER BY ts, id) AS prev FROM unrecorded_log) t"
	             " WHERE ts>=$1 AND ts<$2 GROUP BY kiosk HAVING sum(GREATEST(count - prev, 0)) > 0 ORDER BY kiosk",
	             &a, (store__visit){ROW_COUNTER, user, NULL, {.counter = cb}}, err);
}

static hall_err pg_counter_add(hall_store *s, const char *name, int64_t delta, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, name);
	a_i64(&a, delta);
	return pg_run(pg(s), "count",
	              "INSERT INTO counters(name, value) VALUES($1, $2)"
	              " ON CONFLICT(name) DO UPDATE SET value=counters.value+excluded.value",
	              &a, NULL, err);
}

static hall_err pg_each_counter(hall_store *s, hall_store_counter_cb cb, void *user, hall_error *err)
{
	return visit(pg(s), "read counters", "SELECT name, value FROM counters ORDER BY name", NULL,
	             (store__visit){ROW_COUNTER, user, NULL, {.counter = cb}}, err);
}

static hall_err pg_put_daily(hall_store *s, const char *day, const hall_store_daily *rows, size_t n, hall_error *err)
{
	pg_store *p = pg(s);
	pg_args a = {0};
	a_text(&a, day);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i].day, day) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "", "daily row %zu is for %s, not %s", i, rows[i].day, day);
	hall_err rc = pg_begin(p, err);
	if (!rc)
		rc = pg_run(p, "replace daily", "DELETE FROM daily WHERE day=$1", &a, NULL, err);
	for (size_t i = 0; !rc && i < n; i++) {
		const hall_store_daily *d = &rows[i];
		pg_args b = {0};
		a_text(&b, d->day);
		a_text(&b, d->kiosk);
		a_text(&b, d->exhibit);
		a_i64(&b, d->hour);
		a_text(&b, d->lang);
		a_text(&b, d->type);
		a_i64(&b, d->count);
		a_i64(&b, d->dwell_ms);
		rc = pg_run(p, "store daily",
		            "INSERT INTO daily(day, kiosk, exhibit, hour, lang, type, count, dwell_ms)"
		            " VALUES($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT(day, kiosk, exhibit, hour, lang, type)"
		            " DO UPDATE SET count=excluded.count, dwell_ms=excluded.dwell_ms",
		            &b, NULL, err);
	}
	return pg_end(p, rc, err);
}

static hall_err pg_each_daily(hall_store *s, const char *day_from, const char *day_to, hall_store_daily_cb cb,
                              void *user, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, day_from);
	a_text(&a, day_to);
	return visit(pg(s), "read daily",
	             "SELECT day, kiosk, exhibit, hour, lang, type, count, dwell_ms FROM daily"
	             " WHERE day>=$1 AND day<=$2 ORDER BY day, kiosk, exhibit, hour, lang, type",
	             &a, (store__visit){ROW_DAILY, user, NULL, {.daily = cb}}, err);
}

static hall_err pg_meta_get(hall_store *s, const char *key, char *out, size_t len, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, key);
	hall_err rc = pg_one_row(pg(s), "read meta", "SELECT value FROM meta WHERE key=$1", &a, text_row,
	                         &(text_out){out, len}, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "%s: not set", key);
	return rc;
}

static hall_err pg_meta_set(hall_store *s, const char *key, const char *value, hall_error *err)
{
	pg_args a = {0};
	a_text(&a, key);
	a_text(&a, value);
	return pg_run(pg(s), "write meta",
	              "INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET value=excluded.value", &a,
	              NULL, err);
}

/* ---------------------------------------------------------------- opening */

/* ---------------------------------------------------------------- leadership */

/* The lead is a session advisory lock, keyed by the schema (two halls in one database,
 * each in its own schema, lead apart), held on a connection used for nothing else: the
 * store's own connection runs transactions and may be reset, and a lock there would go
 * with it. Keepalives both ways: the client notices a dead server, the server (its
 * tcp_keepalives_* of this session) a dead controller machine, and ends the session,
 * which frees the lock, within about 3 + 3 x 1 s. */
static bool lock_alive(pg_store *p)
{
	PGresult *r = PQexec(p->lock, "SELECT 1");
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok;
}

static hall_err pg_lead(hall_store *s, bool *leader, hall_error *err)
{
	pg_store *p = pg(s);
	*leader = false;
	if (p->lock && p->leading && lock_alive(p)) {
		*leader = true;
		return HALL_OK;
	}
	p->leading = false; /* the session is gone, and the lock with it */
	if (!p->lock || PQstatus(p->lock) != CONNECTION_OK || !lock_alive(p)) {
		static const char *const keys[] = {"dbname", "keepalives", "keepalives_idle", "keepalives_interval",
		                                   "keepalives_count", "connect_timeout", "application_name", NULL};
		const char *const vals[] = {p->uri, "1", "3", "1", "3", "5", "hall-controller lead", NULL};
		PQfinish(p->lock);
		p->lock = PQconnectdbParams(keys, vals, 1);
		if (!p->lock || PQstatus(p->lock) != CONNECTION_OK) {
			const char *m = p->lock ? PQerrorMessage(p->lock) : "out of memory";
			return hall_error_set(err, HALL_ERR_DB, p->where, "lead: cannot connect: %.*s", (int)strcspn(m, "\n"), m);
		}
		PQsetNoticeProcessor(p->lock, quiet_notices, NULL);
		PQclear(PQexec(p->lock, "SET tcp_keepalives_idle=3; SET tcp_keepalives_interval=1; SET tcp_keepalives_count=3"));
	}
	PGresult *r = PQexec(p->lock, "SELECT pg_try_advisory_lock(hashtext(current_schema() || '/hall-lead'))");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		const char *m = PQresultErrorMessage(r);
		hall_err rc = hall_error_set(err, HALL_ERR_DB, p->where, "lead: %.*s", (int)strcspn(m, "\n"), m);
		PQclear(r);
		return rc;
	}
	p->leading = *leader = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return HALL_OK;
}

static void pg_close(hall_store *s)
{
	pg_store *p = pg(s);
	PQfinish(p->lock);
	PQfinish(p->c);
	free(p->uri);
	free(p);
}

static const hall_store_ops PG_OPS = {
	.backend = "PostgreSQL",
	.close = pg_close,
	.ingest_events = pg_ingest_events,
	.advance_confirm = pg_advance_confirm,
	.each_event = pg_each_event,
	.delete_events_before = pg_delete_events_before,
	.max_seq = pg_max_seq,
	.kiosk_hello = pg_kiosk_hello,
	.kiosk_status = pg_kiosk_status,
	.kiosk_get = pg_kiosk_get,
	.each_kiosk = pg_each_kiosk,
	.kiosk_set_alert = pg_kiosk_set_alert,
	.help_ack = pg_help_ack,
	.each_status_change = pg_each_status_change,
	.add_help = pg_add_help,
	.next_version = pg_next_version,
	.set_desired = pg_set_desired,
	.get_desired = pg_get_desired,
	.add_history = pg_add_history,
	.each_history = pg_each_history,
	.set_history_outcome = pg_set_history_outcome,
	.each_shown = pg_each_shown,
	.last_shown_before = pg_last_shown_before,
	.add_command = pg_add_command,
	.each_pending_command = pg_each_pending_command,
	.add_ack = pg_add_ack,
	.get_ack = pg_get_ack,
	.each_ack = pg_each_ack,
	.last_ack_before = pg_last_ack_before,
	.check_shot = pg_check_shot,
	.add_shot = pg_add_shot,
	.shot_path = pg_shot_path,
	.each_tally = pg_each_tally,
	.counter_add = pg_counter_add,
	.each_counter = pg_each_counter,
	.put_daily = pg_put_daily,
	.each_daily = pg_each_daily,
	.meta_get = pg_meta_get,
	.meta_set = pg_meta_set,
	.lead = pg_lead,
	.each_unrecorded = pg_each_unrecorded,
	.check = pg__check,
	.backup = pg__backup,
};

PGconn *pg__conn(hall_store *s)
{
	return pg(s)->c;
}

const char *pg__where(hall_store *s)
{
	return pg(s)->where;
}

hall_err hall_store_open_pg(const char *uri, hall_store **out, hall_error *err)
{
	return hall_store_open_pg_mode(uri, HALL_STORE_CREATE, out, err);
}

/* READ (report, status, history, the console's reads): no DDL when the schema is there
 * (CREATE ... IF NOT EXISTS and ALTER ... IF NOT EXISTS take table locks a busy serve
 * would wait behind), and a read-only session, so every write fails as on SQLite. */
static hall_err read_only_session(pg_store *p, hall_error *err)
{
	int64_t made = -1;
	hall_err rc = pg_one_i64(p, "read schema",
	                         "SELECT CASE WHEN to_regclass('meta') IS NULL THEN 0 ELSE 1 END", NULL, &made, err);
	if (!rc && made != 1)
		rc = create_schema(p, err); /* a database nobody used yet: as a writer would make it */
	if (!rc)
		rc = pg_exec(p, "read-only session", "SET default_transaction_read_only = on", NULL, NULL, err);
	return rc;
}

hall_err hall_store_open_pg_mode(const char *uri, hall_store_open_mode mode, hall_store **out, hall_error *err)
{
	pg_store *p = calloc(1, sizeof *p);
	hall_err rc = HALL_OK;
	if (!p)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	p->base.ops = &PG_OPS;
	hall_store_redact_uri(uri, p->where, sizeof p->where);
	if (!(p->uri = strdup(uri))) {
		free(p);
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	/* Named, so `db restore` sees a serve (or any staff command) connected. */
	static const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const vals[] = {uri, "hall-controller", NULL};
	p->c = PQconnectdbParams(keys, vals, 1);
	if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
		const char *m = p->c ? PQerrorMessage(p->c) : "out of memory";
		rc = hall_error_set(err, HALL_ERR_DB, p->where, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"),
		                    m);
		goto fail;
	}
	PQsetNoticeProcessor(p->c, quiet_notices, NULL);
	/* report helper: READ_CURRENT (report, status, history) reads as READ here; a server
	 * database is migrated by serve's own connection, never by a reader */
	bool reading = mode == HALL_STORE_READ || mode == HALL_STORE_READ_CURRENT;
	rc = reading ? read_only_session(p, err) : create_schema(p, err);
	if (!rc)
		rc = read_schema(p, err);
	if (rc) {
		if (err)
			snprintf(err->path, sizeof err->path, "%s", p->where);
		goto fail;
	}
	*out = &p->base;
	return HALL_OK;
fail:
	pg_close(&p->base);
	return rc;
}
