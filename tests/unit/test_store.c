/* test_store.c: the controller's storage interface (controller/store.h) on SQLite, and
 * with HALL_TEST_STORE=postgresql the same tests on PostgreSQL (a private server for the
 * run, a fresh schema for each test; f->db is then that schema's URI). A few tests are
 * about SQLite files (older databases, a missing folder): those skip on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "fixtures.h"
#include "hall/clock.h"
#include "pg.h"
#include "store.h"

static hall_test_pg g_pg;     /* the run's server when on PostgreSQL (port 0: SQLite) */
static int g_schema;          /* schemas made so far: each test gets the next */

static int pg_up(void **state)
{
	(void)state;
	return hall_test_pg_start(&g_pg);
}

static int pg_down(void **state)
{
	(void)state;
	hall_test_pg_stop(&g_pg);
	return 0;
}


#define ON_PG (g_pg.port != 0)

typedef struct fx {
	char dir[512];
	char db[600];
	hall_store *s;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	hall_error err = {0};
	hall_test_tmpdir(f->dir, sizeof f->dir, "store");
	snprintf(f->db, sizeof f->db, "%s/ctl.db", f->dir);
	char schema[32];
	snprintf(schema, sizeof schema, "t%d", ++g_schema);
	if (ON_PG && hall_test_pg_fresh(&g_pg, schema, f->db, sizeof f->db) != 0)
		return -1;
	if (hall_store_open(f->db, &f->s, &err) != HALL_OK) {
		fprintf(stderr, "open: %s\n", err.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hall_store_close(f->s);
	hall_test_rmtree(f->dir);
	free(f);
	return 0;
}

static hall_event ev_make(const char *kiosk, int64_t seq, hall_event_type type)
{
	hall_event ev;
	hall_event_init(&ev);
	snprintf(ev.kiosk, sizeof ev.kiosk, "%s", kiosk);
	ev.seq = seq;
	ev.ts = INT64_C(1764057600000) + seq * 1000;
	ev.type = type;
	snprintf(ev.exhibit, sizeof ev.exhibit, "brand");
	snprintf(ev.target, sizeof ev.target, "next");
	return ev;
}

static int count_cb(void *user, const hall_event *ev)
{
	(void)ev;
	(*(int *)user)++;
	return 0;
}

static int count_events(hall_store *s, const char *kiosk)
{
	int n = 0;
	assert_int_equal(hall_store_each_event(s, kiosk, 0, INT64_MAX, count_cb, &n, NULL), HALL_OK);
	return n;
}

static void insert_events_should_store_a_repeated_event_once(void **state)
{
	fx *f = *state;
	hall_event evs[3] = {ev_make("k1", 1, HALL_EVENT_TAP), ev_make("k1", 2, HALL_EVENT_TAP),
	                     ev_make("k1", 1, HALL_EVENT_TAP)};
	hall_store_insert_result res;
	assert_int_equal(hall_store_insert_events(f->s, evs, 3, &res, NULL), HALL_OK);
	assert_int_equal(res.inserted, 2);
	assert_int_equal(res.duplicates, 1);
	assert_int_equal(hall_store_insert_events(f->s, evs, 2, &res, NULL), HALL_OK);
	assert_int_equal(res.inserted, 0);
	assert_int_equal(res.duplicates, 2);
	assert_int_equal(count_events(f->s, "k1"), 2);
}

typedef struct order_log {
	char kiosk[320][HALL_ID_BUF];
	int64_t seq[320];
	size_t n;
	size_t stop_after; /* 0 = never */
} order_log;

static int order_cb(void *user, const hall_event *ev)
{
	order_log *o = user;
	if (o->n < 320) {
		snprintf(o->kiosk[o->n], HALL_ID_BUF, "%s", ev->kiosk);
		o->seq[o->n] = ev->seq;
	}
	o->n++;
	return o->stop_after && o->n >= o->stop_after;
}

/* The report relies on (kiosk, seq) order even when a kiosk's clock jumped back, and on
 * the period bounding by ts alone: an event whose seq lies between two in-period events
 * but whose ts is outside the period is not part of it. 150 kiosks, inserted with their
 * times interleaved, cover the scan's kiosk table growing. */
static void each_event_should_order_by_kiosk_then_seq_and_bound_by_ts_alone(void **state)
{
	fx *f = *state;
	const int64_t t0 = INT64_C(1764057600000);
	hall_event evs[300];
	size_t n = 0;
	for (int k = 149; k >= 0; k--) {
		char id[16];
		snprintf(id, sizeof id, "k%03d", k);
		/* seq 1 late in the period, seq 2 early (clock stepped back), seq 3 after the
		 * period (excluded although its seq is inside the kiosk's span) */
		evs[n] = ev_make(id, 1, HALL_EVENT_TAP);
		evs[n++].ts = t0 + 5000 + k;
		evs[n] = ev_make(id, 2, HALL_EVENT_TAP);
		evs[n++].ts = t0 + 1000 + k;
	}
	assert_int_equal(hall_store_insert_events(f->s, evs, n, NULL, NULL), HALL_OK);
	hall_event late = ev_make("k007", 3, HALL_EVENT_TAP), back = ev_make("k007", 4, HALL_EVENT_TAP);
	late.ts = t0 + 99000;
	back.ts = t0 + 2000;
	hall_event pair[2] = {late, back};
	assert_int_equal(hall_store_insert_events(f->s, pair, 2, NULL, NULL), HALL_OK);

	order_log *o = calloc(1, sizeof *o);
	assert_non_null(o);
	assert_int_equal(hall_store_each_event(f->s, NULL, t0, t0 + 10000, order_cb, o, NULL), HALL_OK);
	assert_int_equal(o->n, 301);
	size_t i = 0;
	for (int k = 0; k < 150; k++) {
		char id[16];
		snprintf(id, sizeof id, "k%03d", k);
		int64_t want[3] = {1, 2, 4};
		int m = k == 7 ? 3 : 2;
		for (int j = 0; j < m; j++, i++) {
			assert_string_equal(o->kiosk[i], id);
			assert_int_equal(o->seq[i], want[j]);
		}
	}

	/* one kiosk, a period that holds only its middle seqs */
	memset(o, 0, sizeof *o);
	assert_int_equal(hall_store_each_event(f->s, "k007", t0 + 1500, t0 + 100000, order_cb, o, NULL), HALL_OK);
	assert_int_equal(o->n, 3);
	assert_int_equal(o->seq[0], 1);
	assert_int_equal(o->seq[1], 3);
	assert_int_equal(o->seq[2], 4);

	/* a period with nothing in it, and a callback that stops the scan */
	memset(o, 0, sizeof *o);
	assert_int_equal(hall_store_each_event(f->s, "k007", t0 + 200000, t0 + 300000, order_cb, o, NULL), HALL_OK);
	assert_int_equal(o->n, 0);
	memset(o, 0, sizeof *o);
	o->stop_after = 5;
	assert_int_equal(hall_store_each_event(f->s, NULL, t0, t0 + 10000, order_cb, o, NULL), HALL_OK);
	assert_int_equal(o->n, 5);
	assert_string_equal(o->kiosk[4], "k002");
	free(o);
}

static int first_event_cb(void *user, const hall_event *ev)
{
	*(hall_event *)user = *ev;
	return 1;
}

static void each_event_should_give_back_every_field(void **state)
{
	fx *f = *state;
	hall_event ev = ev_make("k1", 5, HALL_EVENT_SESSION_END);
	ev.session = 12;
	ev.dwell_ms = 3456;
	snprintf(ev.lang, sizeof ev.lang, "zh-Hant");
	assert_int_equal(hall_store_insert_events(f->s, &ev, 1, NULL, NULL), HALL_OK);
	hall_event got;
	memset(&got, 0, sizeof got);
	assert_int_equal(hall_store_each_event(f->s, NULL, 0, INT64_MAX, first_event_cb, &got, NULL), HALL_OK);
	assert_string_equal(got.kiosk, "k1");
	assert_int_equal(got.seq, 5);
	assert_int_equal(got.ts, ev.ts);
	assert_int_equal(got.type, HALL_EVENT_SESSION_END);
	assert_int_equal(got.session, 12);
	assert_int_equal(got.dwell_ms, 3456);
	assert_string_equal(got.lang, "zh-Hant");
	assert_string_equal(got.poll, "");
}

static void advance_confirm_should_stop_below_a_gap(void **state)
{
	fx *f = *state;
	hall_event evs[4] = {ev_make("k1", 1, HALL_EVENT_TAP), ev_make("k1", 2, HALL_EVENT_TAP),
	                     ev_make("k1", 4, HALL_EVENT_TAP), ev_make("k1", 5, HALL_EVENT_TAP)};
	int64_t c = -1;
	assert_int_equal(hall_store_insert_events(f->s, evs, 4, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_advance_confirm(f->s, "k1", &c, NULL), HALL_OK);
	assert_int_equal(c, 2);
	hall_event three = ev_make("k1", 3, HALL_EVENT_TAP);
	assert_int_equal(hall_store_insert_events(f->s, &three, 1, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_advance_confirm(f->s, "k1", &c, NULL), HALL_OK);
	assert_int_equal(c, 5);
}

static void advance_confirm_should_start_at_the_kiosks_spool_first(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "k2", .group = "lobby", .ts = 1764057600000, .boot_ts = 1764057600000,
	                .seq_max = 100, .spool_first = 98};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1764057600000, NULL), HALL_OK);
	hall_event evs[2] = {ev_make("k2", 98, HALL_EVENT_TAP), ev_make("k2", 99, HALL_EVENT_TAP)};
	assert_int_equal(hall_store_insert_events(f->s, evs, 2, NULL, NULL), HALL_OK);
	int64_t c = 0;
	assert_int_equal(hall_store_advance_confirm(f->s, "k2", &c, NULL), HALL_OK);
	assert_int_equal(c, 99);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "k2", &k, NULL), HALL_OK);
	assert_int_equal(k.confirmed, 99);
	assert_string_equal(k.group, "lobby");
	assert_true(k.online);
}

/* What hall_store_ingest_events's confirm callback saw, and whether a second connection
 * to the same file saw the batch at that moment (it sees only committed rows). */
typedef struct confirm_log {
	const char *db;
	char kiosk[8][HALL_ID_BUF];
	int64_t seq[8];
	int events_seen[8];
	size_t n;
} confirm_log;

static int confirm_cb(void *user, const char *kiosk, int64_t confirmed)
{
	confirm_log *l = user;
	hall_store *other = NULL;
	assert_true(l->n < 8);
	snprintf(l->kiosk[l->n], HALL_ID_BUF, "%s", kiosk);
	l->seq[l->n] = confirmed;
	assert_int_equal(hall_store_open(l->db, &other, NULL), HALL_OK);
	l->events_seen[l->n] = count_events(other, kiosk);
	hall_store_close(other);
	l->n++;
	return 0;
}

static void ingest_events_should_confirm_each_kiosk_once_after_the_commit(void **state)
{
	fx *f = *state;
	hall_event first[2] = {ev_make("kb", 1, HALL_EVENT_TAP), ev_make("kb", 2, HALL_EVENT_TAP)};
	assert_int_equal(hall_store_insert_events(f->s, first, 2, NULL, NULL), HALL_OK);
	/* ka in two runs, kb only repeats (still confirmed), kc with a gap after seq 1 */
	hall_event evs[7] = {ev_make("ka", 1, HALL_EVENT_TAP), ev_make("ka", 2, HALL_EVENT_TAP),
	                     ev_make("kb", 2, HALL_EVENT_TAP), ev_make("kc", 1, HALL_EVENT_TAP),
	                     ev_make("kc", 3, HALL_EVENT_TAP), ev_make("ka", 3, HALL_EVENT_TAP),
	                     ev_make("kb", 1, HALL_EVENT_TAP)};
	confirm_log l = {.db = f->db};
	hall_store_insert_result res;
	assert_int_equal(hall_store_ingest_events(f->s, evs, 7, &res, confirm_cb, &l, NULL), HALL_OK);
	assert_int_equal(res.inserted, 5);
	assert_int_equal(res.duplicates, 2);
	assert_int_equal(l.n, 3);
	const char *want_kiosk[3] = {"ka", "kb", "kc"};
	const int64_t want_seq[3] = {3, 2, 1};
	const int want_seen[3] = {3, 2, 2};
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(l.kiosk[i], want_kiosk[i]);
		assert_int_equal(l.seq[i], want_seq[i]);
		assert_int_equal(l.events_seen[i], want_seen[i]);
		hall_store_kiosk k;
		assert_int_equal(hall_store_kiosk_get(f->s, want_kiosk[i], &k, NULL), HALL_OK);
		assert_int_equal(k.confirmed, want_seq[i]);
	}
	/* the gap filled: the next batch confirms past it */
	hall_event two = ev_make("kc", 2, HALL_EVENT_TAP);
	l.n = 0;
	assert_int_equal(hall_store_ingest_events(f->s, &two, 1, NULL, confirm_cb, &l, NULL), HALL_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.seq[0], 3);
}

static void ingest_kiosk_run(hall_store *s, const char *kiosk, const int64_t *seqs, size_t n, confirm_log *l)
{
	hall_event evs[16];
	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++)
		evs[i] = ev_make(kiosk, seqs[i], HALL_EVENT_TAP);
	l->n = 0;
	assert_int_equal(hall_store_ingest_events(s, evs, n, NULL, confirm_cb, l, NULL), HALL_OK);
	assert_int_equal(l->n, 1);
}

/* The confirm jumps over a batch's run of seqs only from where it stands, and still finds
 * what earlier batches stored beyond a gap; out of order and repeated seqs included. */
static void ingest_events_should_confirm_over_runs_gaps_and_disorder(void **state)
{
	fx *f = *state;
	confirm_log l = {.db = f->db};
	/* stored 1-3 and 7-9, confirmed 3; the batch 6, 4, 5 closes the gap: 9 */
	const int64_t early[6] = {1, 2, 3, 7, 8, 9};
	hall_event evs[6];
	for (size_t i = 0; i < 6; i++)
		evs[i] = ev_make("kd", early[i], HALL_EVENT_TAP);
	assert_int_equal(hall_store_insert_events(f->s, evs, 6, NULL, NULL), HALL_OK);
	int64_t c = -1;
	assert_int_equal(hall_store_advance_confirm(f->s, "kd", &c, NULL), HALL_OK);
	assert_int_equal(c, 3);
	ingest_kiosk_run(f->s, "kd", (const int64_t[]){6, 4, 5}, 3, &l);
	assert_int_equal(l.seq[0], 9);

	/* a run that starts above the confirm and nothing before it: still 0 */
	ingest_kiosk_run(f->s, "kg", (const int64_t[]){5, 6, 7}, 3, &l);
	assert_int_equal(l.seq[0], 0);

	/* a run that starts above the confirm, then the seq that joins it: 4 */
	ingest_kiosk_run(f->s, "ke", (const int64_t[]){2, 3, 4, 1}, 4, &l);
	assert_int_equal(l.seq[0], 4);

	/* confirmed 5, 11 stored beyond the gap; a run that repeats confirmed seqs and goes on
	 * stops at 8 */
	ingest_kiosk_run(f->s, "kf", (const int64_t[]){1, 2, 3, 4, 5, 11}, 6, &l);
	assert_int_equal(l.seq[0], 5);
	ingest_kiosk_run(f->s, "kf", (const int64_t[]){3, 4, 5, 6, 7, 8}, 6, &l);
	assert_int_equal(l.seq[0], 8);
	/* a batch with a hole in it counts only up to the hole: 10 is missing */
	ingest_kiosk_run(f->s, "kf", (const int64_t[]){9, 12, 13}, 3, &l);
	assert_int_equal(l.seq[0], 9);
	ingest_kiosk_run(f->s, "kf", (const int64_t[]){10}, 1, &l);
	assert_int_equal(l.seq[0], 13);
}

typedef struct seq_log {
	int64_t seq[16];
	size_t n;
} seq_log;

static int seq_cb(void *user, const hall_event *ev)
{
	seq_log *l = user;
	assert_true(l->n < 16);
	l->seq[l->n++] = ev->seq;
	return 0;
}

/* A kiosk whose clock put one event on another day: that event belongs to the other
 * day's period, found there by its own hour's span, and not to its neighbours' day. */
static void each_event_should_find_an_event_on_another_day_than_its_neighbours(void **state)
{
	fx *f = *state;
	const int64_t day = INT64_C(86400000), d0 = INT64_C(1795564800000); /* 2026-11-25T00:00Z */
	hall_event evs[5];
	for (int i = 0; i < 5; i++) {
		evs[i] = ev_make("k1", i + 1, HALL_EVENT_TAP);
		evs[i].ts = d0 + 10 * 3600000 + i * 60000;
	}
	evs[3].ts = d0 - 3 * day + 5 * 3600000; /* seq 4, three days back */
	hall_event other = ev_make("k2", 1, HALL_EVENT_TAP);
	other.ts = d0 - 3 * day + 23 * 3600000;
	assert_int_equal(hall_store_insert_events(f->s, evs, 3, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_insert_events(f->s, evs + 3, 2, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_insert_events(f->s, &other, 1, NULL, NULL), HALL_OK);
	seq_log l = {0};
	assert_int_equal(hall_store_each_event(f->s, NULL, d0, d0 + day, seq_cb, &l, NULL), HALL_OK);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.seq[2], 3);
	assert_int_equal(l.seq[3], 5);
	memset(&l, 0, sizeof l);
	assert_int_equal(hall_store_each_event(f->s, NULL, d0 - 3 * day, d0 - 2 * day, seq_cb, &l, NULL), HALL_OK);
	assert_int_equal(l.n, 2); /* k1 seq 4, then k2 seq 1 */
	assert_int_equal(l.seq[0], 4);
	assert_int_equal(l.seq[1], 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(hall_store_each_event(f->s, "k1", d0 - 3 * day, d0 - 2 * day, seq_cb, &l, NULL), HALL_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.seq[0], 4);
	/* a period that starts and ends inside hours: only what lies inside it */
	memset(&l, 0, sizeof l);
	assert_int_equal(hall_store_each_event(f->s, "k1", d0 + 10 * 3600000 + 30000, d0 + 10 * 3600000 + 150000,
	                                       seq_cb, &l, NULL),
	                 HALL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 2);
	assert_int_equal(l.seq[1], 3);
}

/* Retention deletes by ts alone: a newer event whose seq lies between old ones stays. */
static void delete_events_before_should_keep_a_newer_event_among_old_seqs(void **state)
{
	fx *f = *state;
	const int64_t d0 = INT64_C(1795564800000);
	hall_event evs[4] = {ev_make("k1", 1, HALL_EVENT_TAP), ev_make("k1", 2, HALL_EVENT_TAP),
	                     ev_make("k1", 3, HALL_EVENT_TAP), ev_make("k1", 4, HALL_EVENT_TAP)};
	evs[0].ts = d0;
	evs[1].ts = d0 + 86400000; /* newer, between two old ones */
	evs[2].ts = d0 + 1000;
	evs[3].ts = d0 + 7200000 + 5000; /* in the hour of the cutoff, after it */
	assert_int_equal(hall_store_insert_events(f->s, evs, 4, NULL, NULL), HALL_OK);
	int64_t deleted = 0;
	assert_int_equal(hall_store_delete_events_before(f->s, d0 + 7200000 + 1000, &deleted, NULL), HALL_OK);
	assert_int_equal(deleted, 2);
	seq_log l = {0};
	assert_int_equal(hall_store_each_event(f->s, NULL, 0, INT64_MAX, seq_cb, &l, NULL), HALL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 2);
	assert_int_equal(l.seq[1], 4);
	assert_int_equal(hall_store_delete_events_before(f->s, d0 + 2 * 86400000, &deleted, NULL), HALL_OK);
	assert_int_equal(deleted, 2);
	assert_int_equal(count_events(f->s, NULL), 0);
}

/* A database made when events were indexed by ts (no event_spans): opening it fills the
 * spans from the stored events and drops the index. */
static void open_should_give_an_older_database_its_event_spans(void **state)
{
	fx *f = *state;
	char path[700];
	snprintf(path, sizeof path, "%s/old.db", f->dir);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE events(kiosk TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL,"
	                              " type TEXT NOT NULL, exhibit TEXT NOT NULL, target TEXT NOT NULL, session INTEGER,"
	                              " lang TEXT NOT NULL DEFAULT '', dwell_ms INTEGER, poll TEXT NOT NULL DEFAULT '',"
	                              " received INTEGER NOT NULL, PRIMARY KEY(kiosk, seq)) WITHOUT ROWID;"
	                              "CREATE INDEX events_ts ON events(ts);"
	                              "INSERT INTO events(kiosk, seq, ts, type, exhibit, target, received) VALUES"
	                              " ('k1', 1, 1795564800000, 'tap', 'brand', 'next', 0),"
	                              " ('k1', 2, 1795572000000, 'tap', 'brand', 'next', 0),"
	                              " ('k2', 7, 1795564801000, 'tap', 'brand', 'next', 0);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	hall_store *s = NULL;
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	seq_log l = {0};
	assert_int_equal(hall_store_each_event(s, NULL, INT64_C(1795564800000), INT64_C(1795564802000), seq_cb, &l, NULL),
	                 HALL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.seq[0], 1);
	assert_int_equal(l.seq[1], 7);
	assert_int_equal(count_events(s, "k1"), 2);
	hall_store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name='events_ts'", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* opened again: nothing to do, still every event */
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	assert_int_equal(count_events(s, NULL), 3);
	hall_store_close(s);
}

static void votes_should_count_once_per_visitor_session(void **state)
{
	fx *f = *state;
	hall_event evs[4];
	for (int i = 0; i < 4; i++) {
		evs[i] = ev_make("k1", i + 1, HALL_EVENT_VOTE);
		snprintf(evs[i].poll, sizeof evs[i].poll, "brand-vote");
		evs[i].session = i < 2 ? 7 : 8; /* session 7 votes twice */
		snprintf(evs[i].target, sizeof evs[i].target, "%s", i == 3 ? "b" : "a");
	}
	evs[2].session = 8;
	evs[3].session = 9;
	hall_store_insert_result res;
	assert_int_equal(hall_store_insert_events(f->s, evs, 4, &res, NULL), HALL_OK);
	assert_int_equal(res.votes_counted, 3);
	assert_int_equal(res.n_polls_changed, 1);
	assert_string_equal(res.polls_changed[0], "brand-vote");
	hall_poll_results r;
	assert_int_equal(hall_store_poll_results(f->s, "brand-vote", 1, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.n_options, 2);
	assert_string_equal(r.options[0].id, "a");
	assert_int_equal(r.options[0].votes, 2);
	assert_string_equal(r.options[1].id, "b");
	assert_int_equal(r.options[1].votes, 1);
}

static int ack_count_cb(void *user, const hall_store_ack *a)
{
	(void)a;
	(*(int *)user)++;
	return 0;
}

/* A database from before lifetime session ids: its kiosks counted sessions from 1 at every
 * start. Made here as the store makes one, then taken back to schema version 0 with rows
 * written as such a kiosk's were. */
static void make_legacy_database(const char *path)
{
	hall_store *s = NULL;
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	hall_store_close(s);
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "DROP INDEX help_call; ALTER TABLE help DROP COLUMN call;"
	                              "ALTER TABLE kiosks DROP COLUMN unrecorded; DROP TABLE unrecorded_log;"
	                              "PRAGMA user_version=0;"
	                              "INSERT INTO events(kiosk, seq, ts, type, exhibit, target, session, poll, received)"
	                              " VALUES ('k1', 1, 1764057601000, 'session_start', 'home', '', 7, '', 0),"
	                              " ('k1', 2, 1764057602000, 'vote', 'poll', 'a', 7, 'brand-vote', 0),"
	                              " ('k1', 3, 1764057603000, 'tap', 'home', 'x', 0, '', 0);"
	                              "INSERT INTO event_spans(kiosk, hour, lo, hi) VALUES ('k1', 490016, 1, 3);"
	                              "INSERT INTO votes(kiosk, session, poll, option, ts)"
	                              " VALUES ('k1', 7, 'brand-vote', 'a', 1764057602000);"
	                              /* one ack stored by two serves before acks_once */
	                              "DROP INDEX acks_once; INSERT INTO acks(kiosk, kind, scope, version, cmd_id,"
	                              " result, reason, ts) VALUES ('k1', 'content', 'all', 4, '', 'applied', '', 10),"
	                              " ('k1', 'content', 'all', 4, '', 'applied', '', 11);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
}

static int session_cb(void *user, const hall_event *ev)
{
	int64_t *out = user;
	out[ev->seq] = ev->session;
	return 0;
}

/* DESIGN.md decision 9: a session id is now the seq of its session_start, so session 7 of
 * an old row and the session that starts at seq 7 are different visitors. The migration
 * moves the old numbers above every id a kiosk can send: the new vote counts, the old
 * one stays, and the old rows keep their grouping. */
static void open_should_move_old_session_numbers_clear_of_lifetime_ids(void **state)
{
	fx *f = *state;
	char path[700];
	snprintf(path, sizeof path, "%s/legacy.db", f->dir);
	make_legacy_database(path);
	hall_store *s = NULL;
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	hall_event ev[2] = {ev_make("k1", 7, HALL_EVENT_SESSION_START), ev_make("k1", 8, HALL_EVENT_VOTE)};
	ev[0].session = ev[1].session = 7;
	snprintf(ev[1].poll, sizeof ev[1].poll, "brand-vote");
	snprintf(ev[1].target, sizeof ev[1].target, "a");
	hall_store_insert_result res;
	assert_int_equal(hall_store_insert_events(s, ev, 2, &res, NULL), HALL_OK);
	assert_int_equal(res.votes_counted, 1);
	hall_poll_results r;
	assert_int_equal(hall_store_poll_results(s, "brand-vote", 1, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 2);
	int64_t sessions[16] = {0};
	assert_int_equal(hall_store_each_event(s, "k1", 0, INT64_MAX, session_cb, sessions, NULL), HALL_OK);
	assert_true(sessions[1] == HALL_STORE_LEGACY_SESSION + 7);
	assert_true(sessions[2] == HALL_STORE_LEGACY_SESSION + 7);
	assert_int_equal(sessions[3], 0); /* the attract loop stays 0 */
	assert_int_equal(sessions[7], 7);
	int acks = 0; /* the ack stored twice is one row, at its first time */
	assert_int_equal(hall_store_each_ack(s, "k1", "content", NULL, 0, INT64_MAX, ack_count_cb, &acks, NULL), HALL_OK);
	assert_int_equal(acks, 1);
	hall_store_ack got;
	assert_int_equal(hall_store_get_ack(s, "k1", "content", 4, NULL, &got, NULL), HALL_OK);
	assert_int_equal(got.ts, 10);
	hall_store_close(s);
	/* opened again: migrated once only */
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	memset(sessions, 0, sizeof sessions);
	assert_int_equal(hall_store_each_event(s, "k1", 0, INT64_MAX, session_cb, sessions, NULL), HALL_OK);
	assert_true(sessions[1] == HALL_STORE_LEGACY_SESSION + 7);
	assert_int_equal(sessions[7], 7);
	assert_int_equal(hall_store_poll_results(s, "brand-vote", 1, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 2);
	hall_store_close(s);
}

/* A reader (report, status, history) on a database an older controller made: it sees the
 * figures this version would (the old sessions moved as the migration moves them, the
 * columns added since), through a private migrated copy; the file keeps its schema
 * version and every write is refused. */
static int sum_cb(void *user, const char *kiosk, int64_t n)
{
	(void)kiosk;
	*(int64_t *)user += n;
	return 0;
}

static void read_current_should_read_an_older_database_as_migrated_and_leave_it_alone(void **state)
{
	fx *f = *state;
	char path[700];
	snprintf(path, sizeof path, "%s/legacy.db", f->dir);
	make_legacy_database(path);
	hall_store *s = NULL;
	assert_int_equal(hall_store_open_sqlite_mode(path, HALL_STORE_READ, &s, NULL), HALL_OK);
	hall_error err = {0};
	int64_t unrecorded = 0;
	assert_int_equal(hall_store_each_unrecorded(s, 0, INT64_MAX, sum_cb, &unrecorded, &err), HALL_ERR_DB); /* as it was */
	hall_store_close(s);
	assert_int_equal(hall_store_open_sqlite_mode(path, HALL_STORE_READ_CURRENT, &s, NULL), HALL_OK);
	int64_t sessions[16] = {0};
	assert_int_equal(hall_store_each_event(s, "k1", 0, INT64_MAX, session_cb, sessions, NULL), HALL_OK);
	assert_true(sessions[1] == HALL_STORE_LEGACY_SESSION + 7);
	assert_int_equal(hall_store_each_unrecorded(s, 0, INT64_MAX, sum_cb, &unrecorded, NULL), HALL_OK);
	assert_int_equal(unrecorded, 0);
	hall_poll_results r;
	assert_int_equal(hall_store_poll_results(s, "brand-vote", 1, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 1);
	hall_event ev = ev_make("k1", 9, HALL_EVENT_TAP);
	assert_int_equal(hall_store_insert_events(s, &ev, 1, NULL, NULL), HALL_ERR_DB);
	hall_store_close(s);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT session FROM events WHERE seq=1", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), 7);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* a current database is read as it is: no copy */
	assert_int_equal(hall_store_open_sqlite_mode(f->db, HALL_STORE_READ_CURRENT, &s, NULL), HALL_OK);
	assert_int_equal(hall_store_insert_events(s, &ev, 1, NULL, NULL), HALL_ERR_DB);
	hall_store_close(s);
}

static void next_version_should_rise_across_reopening(void **state)
{
	fx *f = *state;
	int64_t a = 0, b = 0, c = 0;
	assert_int_equal(hall_store_next_version(f->s, &a, NULL), HALL_OK);
	assert_int_equal(hall_store_next_version(f->s, &b, NULL), HALL_OK);
	assert_true(b > a);
	hall_store_close(f->s);
	assert_int_equal(hall_store_open(f->db, &f->s, NULL), HALL_OK);
	assert_int_equal(hall_store_next_version(f->s, &c, NULL), HALL_OK);
	assert_true(c > b);
}

static void desired_state_should_round_trip_with_its_payload(void **state)
{
	fx *f = *state;
	hall_store_desired d = {.kind = "content", .scope = "group:lobby", .version = 9, .ref = "abc",
	                        .updated = 5, .payload = (char *)"{\"x\":1}", .payload_len = 7};
	assert_int_equal(hall_store_set_desired(f->s, &d, NULL), HALL_OK);
	hall_store_desired got;
	assert_int_equal(hall_store_get_desired(f->s, "content", "group:lobby", &got, NULL), HALL_OK);
	assert_int_equal(got.version, 9);
	assert_false(got.cleared);
	assert_string_equal(got.ref, "abc");
	assert_int_equal(got.payload_len, 7);
	assert_string_equal(got.payload, "{\"x\":1}");
	hall_store_desired_free(&got);
	hall_error err = {0};
	assert_int_equal(hall_store_get_desired(f->s, "content", "all", &got, &err), HALL_ERR_NOT_FOUND);
}

static int status_cb(void *user, const hall_store_status_change *c)
{
	char *log = user;
	strcat(log, c->online ? "+" : "-");
	return 0;
}

static void status_should_log_only_transitions(void **state)
{
	fx *f = *state;
	hall_status on = {.kiosk = "k3", .online = true, .full = false};
	hall_status off = {.kiosk = "k3", .online = false, .full = false};
	bool changed = false;
	assert_int_equal(hall_store_kiosk_status(f->s, &on, 1000, &changed, NULL), HALL_OK);
	assert_true(changed);
	assert_int_equal(hall_store_kiosk_status(f->s, &on, 2000, &changed, NULL), HALL_OK);
	assert_false(changed);
	assert_int_equal(hall_store_kiosk_status(f->s, &off, 3000, &changed, NULL), HALL_OK);
	assert_true(changed);
	char log[16] = "";
	assert_int_equal(hall_store_each_status_change(f->s, "k3", 0, INT64_MAX, status_cb, log, NULL), HALL_OK);
	assert_string_equal(log, "+-");
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "k3", &k, NULL), HALL_OK);
	assert_false(k.online);
	assert_int_equal(k.last_seen, 2000);
}

static int cmd_cb(void *user, const hall_store_command *c)
{
	strcat((char *)user, c->cmd.id);
	strcat((char *)user, ",");
	return 0;
}

static void pending_commands_should_leave_out_acked_and_expired_ones(void **state)
{
	fx *f = *state;
	hall_store_command c = {.kiosk = "k1"};
	const char *ids[3] = {"c-1", "c-2", "c-3"};
	for (int i = 0; i < 3; i++) {
		snprintf(c.cmd.id, sizeof c.cmd.id, "%s", ids[i]);
		c.cmd.cmd = HALL_CMD_IDENTIFY;
		c.cmd.ts = 1000000 + i;
		c.cmd.ttl_s = i == 2 ? 1 : 600;
		assert_int_equal(hall_store_add_command(f->s, &c, NULL), HALL_OK);
	}
	hall_ack a = {.kiosk = "k1", .kind = HALL_ACK_COMMAND, .version = -1, .id = "c-1", .result = HALL_ACK_DONE};
	assert_int_equal(hall_store_add_ack(f->s, &a, 1000100, NULL), HALL_OK);
	char got[64] = "";
	assert_int_equal(hall_store_each_pending_command(f->s, "k1", 1000000 + 5000, cmd_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "c-2,");
	hall_store_ack sa;
	assert_int_equal(hall_store_get_ack(f->s, "k1", "command", 0, "c-1", &sa, NULL), HALL_OK);
	assert_int_equal(sa.ack.result, HALL_ACK_DONE);
}

static void get_ack_should_find_the_ack_of_a_content_version(void **state)
{
	fx *f = *state;
	hall_ack a = {.kiosk = "k1", .kind = HALL_ACK_CONTENT, .scope = "all", .version = 4,
	              .result = HALL_ACK_REJECTED, .reason = "exhibits[2].kind: unknown kind"};
	assert_int_equal(hall_store_add_ack(f->s, &a, 1, NULL), HALL_OK);
	hall_store_ack got;
	hall_error err = {0};
	assert_int_equal(hall_store_get_ack(f->s, "k1", "content", 3, NULL, &got, &err), HALL_ERR_NOT_FOUND);
	assert_int_equal(hall_store_get_ack(f->s, "k1", "content", 4, NULL, &got, NULL), HALL_OK);
	assert_int_equal(got.ack.result, HALL_ACK_REJECTED);
	assert_string_equal(got.ack.reason, "exhibits[2].kind: unknown kind");
}

static int hist_cb(void *user, const hall_store_history *h)
{
	strcat((char *)user, h->action);
	strcat((char *)user, ",");
	return 0;
}

static int hist_outcome_cb(void *user, const hall_store_history *h)
{
	char one[1200];
	snprintf(one, sizeof one, "%s %s %s;", h->action, h->outcome, h->reason);
	strcat((char *)user, one);
	return 0;
}

static void history_should_list_newest_first_and_filter_by_target(void **state)
{
	fx *f = *state;
	const char *actions[3] = {"push", "notice", "rollback"};
	const char *targets[3] = {"all", "all", "group:lobby"};
	for (int i = 0; i < 3; i++) {
		hall_store_history h = {.ts = i, .version = i + 1};
		snprintf(h.user, sizeof h.user, "staff");
		snprintf(h.action, sizeof h.action, "%s", actions[i]);
		snprintf(h.kind, sizeof h.kind, "content");
		snprintf(h.target, sizeof h.target, "%s", targets[i]);
		assert_int_equal(hall_store_add_history(f->s, &h, NULL), HALL_OK);
		assert_true(h.id > 0);
	}
	char got[64] = "";
	assert_int_equal(hall_store_each_history(f->s, NULL, NULL, 0, hist_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "rollback,notice,push,");
	got[0] = '\0';
	assert_int_equal(hall_store_each_history(f->s, "all", NULL, 1, hist_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "notice,");
}

static int shown_cb(void *user, const hall_store_shown *sh)
{
	char *out = user;
	char one[64];
	snprintf(one, sizeof one, "%s:%lld,", sh->showing.scope, (long long)sh->showing.version);
	strcat(out, one);
	return 0;
}

static void a_clear_should_never_count_as_content_shown(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "k1", .group = "lobby", .ts = 1, .boot_ts = 1, .content_version = 5, .seq_max = 0,
	                .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 100, NULL), HALL_OK);
	/* An older kiosk (no showing) acks the clear of version 6: not content. */
	hall_store_desired d = {.kind = "content", .scope = "kiosk:k1", .version = 6, .cleared = true, .updated = 1,
	                        .payload = (char *)"{}", .payload_len = 2};
	assert_int_equal(hall_store_set_desired(f->s, &d, NULL), HALL_OK);
	hall_ack a = {.kiosk = "k1", .kind = HALL_ACK_CONTENT, .scope = "kiosk:k1", .version = 6,
	              .result = HALL_ACK_APPLIED};
	assert_int_equal(hall_store_add_ack(f->s, &a, 200, NULL), HALL_OK);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "k1", &k, NULL), HALL_OK);
	assert_int_equal(k.content_version, 5);
	char got[128] = "";
	assert_int_equal(hall_store_each_shown(f->s, "k1", 0, 1000, shown_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "");
	/* A kiosk that says what it shows is taken at its word: a pack stored behind its
	 * own override (version 7 for all) changes nothing; falling back does. */
	hall_ack b = {.kiosk = "k1", .kind = HALL_ACK_CONTENT, .scope = "all", .version = 7, .result = HALL_ACK_APPLIED,
	              .showing = {.scope = "kiosk", .version = 4, .pack = "p"}};
	assert_int_equal(hall_store_add_ack(f->s, &b, 300, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "k1", &k, NULL), HALL_OK);
	assert_int_equal(k.content_version, 4);
	assert_string_equal(k.showing_scope, "kiosk");
	hall_ack c = {.kiosk = "k1", .kind = HALL_ACK_CONTENT, .scope = "kiosk:k1", .version = 8,
	              .result = HALL_ACK_APPLIED, .showing = {.scope = "all", .version = 7, .pack = "p"}};
	assert_int_equal(hall_store_add_ack(f->s, &c, 400, NULL), HALL_OK);
	hall_status st = {.kiosk = "k1", .online = true, .full = true, .group = "lobby", .ts = 2, .content_version = 7,
	                  .showing = {.scope = "all", .version = 7, .pack = "p"}};
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 500, NULL, NULL), HALL_OK);
	got[0] = '\0';
	assert_int_equal(hall_store_each_shown(f->s, "k1", 0, 1000, shown_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "kiosk:4,all:7,");
	hall_store_shown last;
	assert_int_equal(hall_store_last_shown_before(f->s, "k1", 400, &last, NULL), HALL_OK);
	assert_int_equal(last.showing.version, 4);
	assert_int_equal(hall_store_last_shown_before(f->s, "k1", 300, &last, NULL), HALL_ERR_NOT_FOUND);
}

static void history_should_keep_the_outcome_and_its_reason(void **state)
{
	fx *f = *state;
	hall_store_history h = {.ts = 1};
	snprintf(h.user, sizeof h.user, "kim");
	snprintf(h.action, sizeof h.action, "push");
	snprintf(h.kind, sizeof h.kind, "content");
	snprintf(h.target, sizeof h.target, "kiosk:nobody-99");
	snprintf(h.outcome, sizeof h.outcome, "refused");
	snprintf(h.reason, sizeof h.reason, "no such kiosk");
	assert_int_equal(hall_store_add_history(f->s, &h, NULL), HALL_OK);
	hall_store_history h2 = {.ts = 2};
	snprintf(h2.action, sizeof h2.action, "notice");
	assert_int_equal(hall_store_add_history(f->s, &h2, NULL), HALL_OK);
	assert_int_equal(hall_store_set_history_outcome(f->s, h2.id, "failed", "no broker", NULL), HALL_OK);
	char got[160] = "";
	assert_int_equal(hall_store_each_history(f->s, NULL, NULL, 0, hist_outcome_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "notice failed no broker;push refused no such kiosk;");
}

static void open_should_add_the_new_columns_to_an_old_database(void **state)
{
	fx *f = *state;
	char path[700];
	sqlite3 *db = NULL;
	snprintf(path, sizeof path, "%s/old.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE history(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
	                              " user TEXT NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,"
	                              " version INTEGER NOT NULL, ref TEXT NOT NULL, detail TEXT NOT NULL);"
	                              "INSERT INTO history VALUES(1, 5, 'root', 'push', 'content', 'all', 3, '', '');"
	                              "CREATE TABLE kiosks(id TEXT PRIMARY KEY, grp TEXT NOT NULL DEFAULT '',"
	                              " first_seen INTEGER NOT NULL DEFAULT 0, last_seen INTEGER NOT NULL DEFAULT 0,"
	                              " online INTEGER NOT NULL DEFAULT 0, online_since INTEGER NOT NULL DEFAULT 0,"
	                              " content_version INTEGER NOT NULL DEFAULT 0, schedule_version INTEGER NOT NULL DEFAULT 0,"
	                              " notice_version INTEGER NOT NULL DEFAULT 0, seq_max INTEGER NOT NULL DEFAULT 0,"
	                              " spool_first INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 0,"
	                              " app TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',"
	                              " alert INTEGER NOT NULL DEFAULT 0, alert_reason TEXT NOT NULL DEFAULT '',"
	                              " help_count INTEGER NOT NULL DEFAULT 0, last_help INTEGER NOT NULL DEFAULT 0);"
	                              "INSERT INTO kiosks(id) VALUES('k1');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	hall_store *s = NULL;
	hall_error err = {0};
	assert_int_equal(hall_store_open_sqlite(path, &s, &err), HALL_OK);
	char got[160] = "";
	assert_int_equal(hall_store_each_history(s, NULL, NULL, 0, hist_outcome_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "push ok ;");
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	assert_string_equal(k.showing_scope, "");
	assert_string_equal(k.broker, "");
	hall_store_close(s);
}

static void counters_should_add_up(void **state)
{
	fx *f = *state;
	int64_t v = -1;
	assert_int_equal(hall_store_counter_get(f->s, HALL_COUNTER_EVENTS_REJECTED, &v, NULL), HALL_OK);
	assert_int_equal(v, 0);
	assert_int_equal(hall_store_counter_add(f->s, HALL_COUNTER_EVENTS_REJECTED, 2, NULL), HALL_OK);
	assert_int_equal(hall_store_counter_add(f->s, HALL_COUNTER_EVENTS_REJECTED, 3, NULL), HALL_OK);
	assert_int_equal(hall_store_counter_get(f->s, HALL_COUNTER_EVENTS_REJECTED, &v, NULL), HALL_OK);
	assert_int_equal(v, 5);
}

static int daily_cb(void *user, const hall_store_daily *d)
{
	hall_store_daily *out = user;
	if (d->hour == 9 && strcmp(d->type, "view") == 0)
		*out = *d;
	return 0;
}

static int daily_sum_cb(void *user, const hall_store_daily *d)
{
	*(int64_t *)user += d->count;
	return 0;
}

static void aggregate_day_should_count_by_local_hour_and_survive_retention(void **state)
{
	fx *f = *state;
	/* 2026-11-25 09:xx in Seoul is 00:xx UTC. */
	int64_t base = INT64_C(1795564800000); /* 2026-11-25T00:00:00Z */
	hall_event evs[3];
	for (int i = 0; i < 3; i++) {
		evs[i] = ev_make("k1", i + 1, HALL_EVENT_VIEW);
		evs[i].ts = base + i * 60000;
		evs[i].dwell_ms = 1000;
		snprintf(evs[i].lang, sizeof evs[i].lang, "en");
	}
	assert_int_equal(hall_store_insert_events(f->s, evs, 3, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_aggregate_day(f->s, "2026-11-25", "Asia/Seoul", NULL), HALL_OK);
	int64_t deleted = 0;
	assert_int_equal(hall_store_delete_events_before(f->s, base + 86400000, &deleted, NULL), HALL_OK);
	assert_int_equal(deleted, 3);
	assert_int_equal(count_events(f->s, NULL), 0);
	hall_store_daily d;
	memset(&d, 0, sizeof d);
	assert_int_equal(hall_store_each_daily(f->s, "2026-11-25", "2026-11-25", daily_cb, &d, NULL), HALL_OK);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.dwell_ms, 3000);
	assert_string_equal(d.kiosk, "k1");
	assert_string_equal(d.lang, "en");
}

static void aggregate_day_should_keep_the_aggregates_of_a_day_whose_raw_events_are_gone(void **state)
{
	fx *f = *state;
	/* Housekeeping re-aggregates the last week; with raw_retention_days below 7 it meets
	 * days whose raw events were deleted (wholly, or the part before the cutoff). */
	int64_t base = INT64_C(1795564800000); /* 2026-11-25T00:00:00Z = 09:00 in Seoul */
	hall_event evs[6];
	for (int i = 0; i < 6; i++) {
		evs[i] = ev_make("k1", i + 1, HALL_EVENT_VIEW);
		/* three on the 25th, three on the 26th (09:00, 10:00, 11:00 local) */
		evs[i].ts = base + (i / 3) * INT64_C(86400000) + (i % 3) * INT64_C(3600000);
		evs[i].dwell_ms = 1000;
		snprintf(evs[i].lang, sizeof evs[i].lang, "en");
	}
	assert_int_equal(hall_store_insert_events(f->s, evs, 6, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_aggregate_day(f->s, "2026-11-25", "Asia/Seoul", NULL), HALL_OK);
	assert_int_equal(hall_store_aggregate_day(f->s, "2026-11-26", "Asia/Seoul", NULL), HALL_OK);
	/* the cutoff falls on the 26th at 10:30 local: the 25th is gone, the 26th half gone */
	int64_t deleted = 0;
	assert_int_equal(hall_store_delete_events_before(f->s, base + INT64_C(86400000) + 90 * 60000, &deleted, NULL),
	                 HALL_OK);
	assert_int_equal(deleted, 5);
	int64_t cut = 0;
	assert_int_equal(hall_store_raw_deleted_before(f->s, &cut, NULL), HALL_OK);
	assert_int_equal(cut, base + INT64_C(86400000) + 90 * 60000);
	/* the next housekeeping runs over both days again */
	assert_int_equal(hall_store_aggregate_day(f->s, "2026-11-25", "Asia/Seoul", NULL), HALL_OK);
	assert_int_equal(hall_store_aggregate_day(f->s, "2026-11-26", "Asia/Seoul", NULL), HALL_OK);
	hall_store_daily d;
	memset(&d, 0, sizeof d);
	assert_int_equal(hall_store_each_daily(f->s, "2026-11-25", "2026-11-25", daily_cb, &d, NULL), HALL_OK);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.dwell_ms, 1000);
	int64_t total = 0;
	assert_int_equal(hall_store_each_daily(f->s, "2026-11-25", "2026-11-26", daily_sum_cb, &total, NULL), HALL_OK);
	assert_int_equal(total, 6);
	/* a lower cutoff later does not move the remembered one back */
	assert_int_equal(hall_store_delete_events_before(f->s, base, &deleted, NULL), HALL_OK);
	assert_int_equal(hall_store_raw_deleted_before(f->s, &cut, NULL), HALL_OK);
	assert_int_equal(cut, base + INT64_C(86400000) + 90 * 60000);
}

static void help_should_stay_open_until_acknowledged(void **state)
{
	fx *f = *state;
	hall_help h = {.kiosk = "k4", .ts = 1764057600000, .exhibit = "poll", .session = 3};
	assert_int_equal(hall_store_add_help(f->s, &h, 10, NULL), HALL_OK);
	assert_int_equal(hall_store_add_help(f->s, &h, 11, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_set_alert(f->s, "k4", true, "help requested", NULL), HALL_OK);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "k4", &k, NULL), HALL_OK);
	assert_int_equal(k.help_count, 2);
	assert_true(k.alert);
	assert_string_equal(k.alert_reason, "help requested");
	/* An offline alert replaces the mark and is cleared again: the calls stay open. */
	assert_int_equal(hall_store_kiosk_set_alert(f->s, "k4", true, "offline during opening hours", NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_set_alert(f->s, "k4", false, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "k4", &k, NULL), HALL_OK);
	assert_int_equal(k.help_count, 2);
	assert_false(k.alert);
	/* help ack: the count staff saw to, then zero, and a help alert goes with it */
	assert_int_equal(hall_store_kiosk_set_alert(f->s, "k4", true, "help requested", NULL), HALL_OK);
	int64_t acked = 0;
	assert_int_equal(hall_store_help_ack(f->s, "k4", &acked, NULL), HALL_OK);
	assert_int_equal(acked, 2);
	assert_int_equal(hall_store_kiosk_get(f->s, "k4", &k, NULL), HALL_OK);
	assert_int_equal(k.help_count, 0);
	assert_false(k.alert);
	assert_int_equal(hall_store_help_ack(f->s, "nobody", &acked, NULL), HALL_ERR_NOT_FOUND);
}

/* A numbered call (hall_help.call) comes again until its help-ack arrives: after a serve
 * restart, and from the broker to both of two controllers on one PostgreSQL. It is one
 * visitor's call: stored once, counted once; another call counts again. */
static void a_help_call_sent_again_should_count_once(void **state)
{
	fx *f = *state;
	hall_store *other = NULL;
	hall_help h = {.kiosk = "k7", .ts = 1764057600000, .exhibit = "poll", .session = 3, .call = 5};
	assert_int_equal(hall_store_add_help(f->s, &h, 10, NULL), HALL_OK);
	assert_int_equal(hall_store_add_help(f->s, &h, 20, NULL), HALL_OK); /* a resend */
	assert_int_equal(hall_store_open(f->db, &other, NULL), HALL_OK);  /* the other controller */
	assert_int_equal(hall_store_add_help(other, &h, 30, NULL), HALL_OK);
	hall_store_close(other);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "k7", &k, NULL), HALL_OK);
	assert_int_equal(k.help_count, 1);
	h.call = 6;
	h.ts += 60000;
	assert_int_equal(hall_store_add_help(f->s, &h, 40, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "k7", &k, NULL), HALL_OK);
	assert_int_equal(k.help_count, 2);
}

/* Rows of one table with ts < before, read straight from the database file. */
static int64_t rows_before(const char *db_path, const char *table, int64_t before)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char sql[128];
	int64_t n = -1;
	if (ON_PG) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE ts<%lld", table, (long long)before);
		return hall_test_pg_value(db_path, sql);
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE ts<?1", table);
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, before);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static int tally_cat_cb(void *user, const hall_store_tally *t)
{
	char *out = user;
	size_t len = strlen(out);
	snprintf(out + len, 256 - len, "%s/%s=%lld,", t->poll, t->option, (long long)t->votes);
	return 0;
}

static void insert_vote(hall_store *s, int64_t seq, int64_t ts, int64_t session, const char *poll,
                        const char *option)
{
	hall_event ev = ev_make("k1", seq, HALL_EVENT_VOTE);
	ev.ts = ts;
	ev.session = session;
	snprintf(ev.poll, sizeof ev.poll, "%s", poll);
	snprintf(ev.target, sizeof ev.target, "%s", option);
	hall_store_insert_result res;
	assert_int_equal(hall_store_insert_events(s, &ev, 1, &res, NULL), HALL_OK);
	assert_int_equal(res.votes_counted, 1);
}

/* docs/privacy.md: votes and help presses are kept as long as raw events. Retention
 * deletes them too, but a vote is first counted into the per-poll, per-option totals,
 * so the tallies published to the kiosks stay what they were. */
static void retention_should_delete_old_votes_and_help_presses_but_keep_the_tallies(void **state)
{
	fx *f = *state;
	const int64_t base = INT64_C(1764057600000), day = INT64_C(86400000);
	int64_t deleted = 0;
	char got[256];
	hall_poll_results r;
	insert_vote(f->s, 1, base + 1000, 1, "p1", "a");
	insert_vote(f->s, 2, base + 2000, 2, "p1", "a");
	insert_vote(f->s, 3, base + 3000, 3, "p1", "b");
	insert_vote(f->s, 4, base + 4000, 4, "p2", "x");
	insert_vote(f->s, 5, base + 5 * day, 5, "p1", "a");
	hall_help h = {.kiosk = "k1", .ts = base + 1500, .exhibit = "poll", .session = 1};
	assert_int_equal(hall_store_add_help(f->s, &h, 10, NULL), HALL_OK);
	h.ts = base + 5 * day;
	assert_int_equal(hall_store_add_help(f->s, &h, 11, NULL), HALL_OK);
	got[0] = '\0';
	assert_int_equal(hall_store_each_tally(f->s, NULL, tally_cat_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "p1/a=3,p1/b=1,p2/x=1,");

	/* Cut between votes 2 and 3: votes 1, 2 and the first help press go. */
	assert_int_equal(hall_store_delete_events_before(f->s, base + 2500, &deleted, NULL), HALL_OK);
	assert_int_equal(deleted, 2);
	assert_int_equal(rows_before(f->db, "votes", base + 2500), 0);
	assert_int_equal(rows_before(f->db, "votes", INT64_MAX), 3);
	assert_int_equal(rows_before(f->db, "help", base + 2500), 0);
	assert_int_equal(rows_before(f->db, "help", INT64_MAX), 1);
	got[0] = '\0';
	assert_int_equal(hall_store_each_tally(f->s, NULL, tally_cat_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "p1/a=3,p1/b=1,p2/x=1,");

	/* A later cut adds to the totals already kept. */
	assert_int_equal(hall_store_delete_events_before(f->s, base + day, &deleted, NULL), HALL_OK);
	assert_int_equal(rows_before(f->db, "votes", INT64_MAX), 1);
	assert_int_equal(rows_before(f->db, "help", INT64_MAX), 1);
	assert_int_equal(hall_store_poll_results(f->s, "p1", 1, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.n_options, 2);
	assert_string_equal(r.options[0].id, "a");
	assert_int_equal(r.options[0].votes, 3);
	assert_string_equal(r.options[1].id, "b");
	assert_int_equal(r.options[1].votes, 1);

	/* New votes count on top of the kept totals. */
	insert_vote(f->s, 6, base + 6 * day, 6, "p1", "b");
	got[0] = '\0';
	assert_int_equal(hall_store_each_tally(f->s, "p1", tally_cat_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "p1/a=3,p1/b=2,");
	got[0] = '\0';
	assert_int_equal(hall_store_each_tally(f->s, NULL, tally_cat_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "p1/a=3,p1/b=2,p2/x=1,");
}

/* Retention run again with the same cutoff (nothing new to cut) must not count a vote twice. */
static void retention_run_twice_with_the_same_cutoff_should_not_count_votes_twice(void **state)
{
	fx *f = *state;
	const int64_t base = INT64_C(1764057600000);
	char got[256];
	insert_vote(f->s, 1, base + 1000, 1, "p1", "a");
	insert_vote(f->s, 2, base + 2000, 2, "p1", "b");
	for (int i = 0; i < 3; i++)
		assert_int_equal(hall_store_delete_events_before(f->s, base + 5000, NULL, NULL), HALL_OK);
	assert_int_equal(rows_before(f->db, "votes", INT64_MAX), 0);
	got[0] = '\0';
	assert_int_equal(hall_store_each_tally(f->s, NULL, tally_cat_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "p1/a=1,p1/b=1,");
}

static void open_should_name_the_path_when_the_folder_is_missing(void **state)
{
	(void)state;
	hall_store *s = NULL;
	hall_error err = {0};
	if (ON_PG) { /* no server there: the error names the URI, without its password */
		assert_int_equal(hall_store_open("postgresql://hall:secret@127.0.0.1:1/hall", &s, &err), HALL_ERR_DB);
		assert_string_equal(err.path, "postgresql://hall@127.0.0.1:1/hall");
		assert_null(strstr(err.msg, "secret"));
		return;
	}
	assert_int_equal(hall_store_open_sqlite("/nonexistent-dir-hall/ctl.db", &s, &err), HALL_ERR_DB);
	assert_string_equal(err.path, "/nonexistent-dir-hall/ctl.db");
}

static void next_version_should_pass_a_version_a_kiosk_already_holds(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "k5", .group = "lobby", .ts = 1764057600000, .boot_ts = 1764057600000,
	                .content_version = 41, .seq_max = 0, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1, NULL), HALL_OK);
	int64_t v = 0;
	assert_int_equal(hall_store_next_version(f->s, &v, NULL), HALL_OK);
	assert_int_equal(v, 42);
}

/* No lock-out (DESIGN.md decision 7, issue 9): the counter follows the highest version a
 * kiosk holds for any kind and scope (version_max, also hidden behind an override), from
 * hello and from a full status alike; but a version more than HALL_PROTO_VERSION_STEP_MAX
 * above it (forged, or a kiosk lying) is not followed, so it cannot push the counter to
 * its limit and stop every push. */
static void next_version_should_follow_version_max_within_the_step_bound(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "k6", .group = "lobby", .ts = 1, .boot_ts = 1, .content_version = 41,
	                .version_max = 50, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1000, NULL), HALL_OK);
	int64_t v = 0;
	assert_int_equal(hall_store_next_version(f->s, &v, NULL), HALL_OK);
	assert_int_equal(v, 51);
	hall_status st = {.kiosk = "k6", .online = true, .full = true, .ts = 2, .content_version = 41,
	                  .version_max = 60};
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 2000, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_next_version(f->s, &v, NULL), HALL_OK);
	assert_int_equal(v, 61);
	h.version_max = v + HALL_PROTO_VERSION_STEP_MAX + 1; /* too far: ignored */
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 3000, NULL), HALL_OK);
	st.version_max = HALL_PROTO_SEQ_MAX;
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 4000, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_next_version(f->s, &v, NULL), HALL_OK);
	assert_int_equal(v, 62);
	h.version_max = v + HALL_PROTO_VERSION_STEP_MAX; /* at the bound: followed */
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 5000, NULL), HALL_OK);
	int64_t w = 0;
	assert_int_equal(hall_store_next_version(f->s, &w, NULL), HALL_OK);
	assert_true(w == v + HALL_PROTO_VERSION_STEP_MAX + 1);
}

/* Two controllers on one database: exactly one leads; when it goes, the other takes the
 * lead at its next try. SQLite is for one controller: every connection leads. */
static void lead_should_pass_to_the_other_controller_when_the_leader_goes(void **state)
{
	fx *f = *state;
	hall_store *other = NULL;
	bool a = false, b = true;
	assert_int_equal(hall_store_open(f->db, &other, NULL), HALL_OK);
	assert_int_equal(hall_store_lead(f->s, &a, NULL), HALL_OK);
	assert_int_equal(hall_store_lead(other, &b, NULL), HALL_OK);
	if (!ON_PG) {
		assert_true(a && b);
		hall_store_close(other);
		return;
	}
	assert_true(a);
	assert_false(b);
	assert_int_equal(hall_store_lead(f->s, &a, NULL), HALL_OK); /* still held */
	assert_true(a);
	hall_store_close(f->s);
	f->s = NULL;
	bool took = false; /* the server ends the closed session's lock at once, or nearly */
	for (int i = 0; i < 50 && !took; i++) {
		assert_int_equal(hall_store_lead(other, &took, NULL), HALL_OK);
		if (!took)
			usleep(100000);
	}
	assert_true(took);
	assert_int_equal(hall_store_open(f->db, &f->s, NULL), HALL_OK);
	assert_int_equal(hall_store_lead(f->s, &a, NULL), HALL_OK);
	assert_false(a);
	hall_store_close(other);
}

/* report, status and history open the database READ_CURRENT, db check and backup READ
 * (issue 10): both read as a writer does, and every write fails, on either backend. */
static void a_read_only_store_should_read_and_refuse_every_write(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "k8", .group = "lobby", .ts = 1, .boot_ts = 1, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1000, NULL), HALL_OK);
	static const hall_store_open_mode modes[] = {HALL_STORE_READ, HALL_STORE_READ_CURRENT};
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		hall_store *ro = NULL;
		assert_int_equal(hall_store_open_as(f->db, modes[i], &ro, NULL), HALL_OK);
		hall_store_kiosk k;
		assert_int_equal(hall_store_kiosk_get(ro, "k8", &k, NULL), HALL_OK);
		assert_int_equal(hall_store_counter_add(ro, "x", 1, NULL), HALL_ERR_DB);
		assert_int_equal(hall_store_kiosk_hello(ro, &h, 2000, NULL), HALL_ERR_DB);
		int64_t v = 0;
		assert_int_equal(hall_store_next_version(ro, &v, NULL), HALL_ERR_DB);
		hall_store_close(ro);
		assert_int_equal(hall_store_next_version(f->s, &v, NULL), HALL_OK); /* the writer still writes */
	}
}

static int unrecorded_cb(void *user, const char *kiosk, int64_t n)
{
	char *out = user;
	size_t len = strlen(out);
	snprintf(out + len, 64 - len, "%s=%lld,", kiosk, (long long)n);
	return 0;
}

/* A kiosk's count of events it could not keep: stored from hello and status, and its
 * rises in a period listed per kiosk (what makes a report incomplete). */
static void unrecorded_should_be_kept_and_its_rises_listed(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "ku", .group = "lobby", .ts = 1, .boot_ts = 1, .spool_first = 1, .unrecorded = 2};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1000, NULL), HALL_OK);
	hall_status st = {.kiosk = "ku", .online = true, .full = true, .ts = 2, .unrecorded = 5};
	snprintf(st.last_error, sizeof st.last_error, "disk full");
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 2000, NULL, NULL), HALL_OK);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "ku", &k, NULL), HALL_OK);
	assert_int_equal(k.unrecorded, 5);
	assert_string_equal(k.last_error, "disk full");
	char got[64] = "";
	assert_int_equal(hall_store_each_unrecorded(f->s, 1500, 3000, unrecorded_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "ku=3,");
	got[0] = '\0';
	assert_int_equal(hall_store_each_unrecorded(f->s, 0, 3000, unrecorded_cb, got, NULL), HALL_OK);
	assert_string_equal(got, "ku=5,");
}

static void status_should_keep_the_frame_rate_the_kiosk_said(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "kf", .group = "lobby", .ts = 1, .boot_ts = 1, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1000, NULL), HALL_OK);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "kf", &k, NULL), HALL_OK);
	assert_int_equal(k.fps_milli, -1); /* never said */
	hall_status st = {.kiosk = "kf", .online = true, .full = true, .ts = 2, .fps = 59.8};
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 2000, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "kf", &k, NULL), HALL_OK);
	assert_int_equal(k.fps_milli, 59800);
	hall_status off = {.kiosk = "kf", .online = false};
	assert_int_equal(hall_store_kiosk_status(f->s, &off, 3000, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "kf", &k, NULL), HALL_OK);
	assert_int_equal(k.fps_milli, 59800); /* a will says nothing of it */
}

/* issue 13: on a broker cluster, staff see which node each kiosk is on: its hello and
 * full status say it; an older kiosk's (or a Will's) silence keeps the last one said. */
static void the_broker_a_kiosk_says_it_is_on_should_be_kept(void **state)
{
	fx *f = *state;
	hall_hello h = {.kiosk = "kb", .group = "lobby", .ts = 1, .boot_ts = 1, .spool_first = 1, .broker = "mq1:8883"};
	assert_int_equal(hall_store_kiosk_hello(f->s, &h, 1000, NULL), HALL_OK);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(f->s, "kb", &k, NULL), HALL_OK);
	assert_string_equal(k.broker, "mq1:8883");
	hall_status st = {.kiosk = "kb", .online = true, .full = true, .ts = 2, .broker = "[::1]:8884"};
	assert_int_equal(hall_store_kiosk_status(f->s, &st, 2000, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "kb", &k, NULL), HALL_OK);
	assert_string_equal(k.broker, "[::1]:8884");
	hall_status off = {.kiosk = "kb", .online = false};
	assert_int_equal(hall_store_kiosk_status(f->s, &off, 3000, NULL, NULL), HALL_OK);
	hall_hello older = {.kiosk = "kb", .group = "lobby", .ts = 4, .boot_ts = 4, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &older, 4000, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "kb", &k, NULL), HALL_OK);
	assert_string_equal(k.broker, "[::1]:8884");
	hall_hello fresh = {.kiosk = "kn", .ts = 1, .boot_ts = 1, .spool_first = 1};
	assert_int_equal(hall_store_kiosk_hello(f->s, &fresh, 1000, NULL), HALL_OK);
	assert_int_equal(hall_store_kiosk_get(f->s, "kn", &k, NULL), HALL_OK);
	assert_string_equal(k.broker, ""); /* never said */
}

/* issue 13: two serves on one database both hear every ack; push progress, history and
 * reports must see it once, at the time it first came. Another answer to the same message
 * (deferred, then applied) is a row of its own. */
static void the_same_ack_stored_twice_should_be_one_row(void **state)
{
	fx *f = *state;
	hall_ack a = {.kiosk = "k1", .kind = HALL_ACK_CONTENT, .scope = "all", .version = 7,
	              .result = HALL_ACK_DEFERRED, .reason = "session", .until = 5000};
	assert_int_equal(hall_store_add_ack(f->s, &a, 100, NULL), HALL_OK);
	a.result = HALL_ACK_APPLIED;
	a.reason[0] = '\0';
	a.until = 0;
	assert_int_equal(hall_store_add_ack(f->s, &a, 200, NULL), HALL_OK);
	assert_int_equal(hall_store_add_ack(f->s, &a, 300, NULL), HALL_OK); /* the other serve */
	hall_store_command c = {.cmd = {.id = "c-1", .cmd = HALL_CMD_RELOAD, .ts = 1, .ttl_s = 600}, .kiosk = "k1"};
	assert_int_equal(hall_store_add_command(f->s, &c, NULL), HALL_OK);
	hall_ack done = {.kiosk = "k1", .kind = HALL_ACK_COMMAND, .version = -1, .id = "c-1", .result = HALL_ACK_DONE};
	assert_int_equal(hall_store_add_ack(f->s, &done, 400, NULL), HALL_OK);
	assert_int_equal(hall_store_add_ack(f->s, &done, 500, NULL), HALL_OK);
	int n = 0;
	assert_int_equal(hall_store_each_ack(f->s, "k1", "content", NULL, 0, INT64_MAX, ack_count_cb, &n, NULL), HALL_OK);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(hall_store_each_ack(f->s, "k1", "command", NULL, 0, INT64_MAX, ack_count_cb, &n, NULL), HALL_OK);
	assert_int_equal(n, 1);
	hall_store_ack got;
	assert_int_equal(hall_store_get_ack(f->s, "k1", "content", 7, NULL, &got, NULL), HALL_OK);
	assert_int_equal(got.ack.result, HALL_ACK_APPLIED);
	assert_int_equal(got.ts, 200);
	assert_int_equal(hall_store_get_ack(f->s, "k1", "command", 0, "c-1", &got, NULL), HALL_OK);
	assert_int_equal(got.ts, 400);
}

int main(void)
{
	const char *backend = getenv("HALL_TEST_STORE");
	bool pg = backend && strcmp(backend, "postgresql") == 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(insert_events_should_store_a_repeated_event_once, setup, teardown),
		cmocka_unit_test_setup_teardown(each_event_should_give_back_every_field, setup, teardown),
		cmocka_unit_test_setup_teardown(each_event_should_order_by_kiosk_then_seq_and_bound_by_ts_alone, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(advance_confirm_should_stop_below_a_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(advance_confirm_should_start_at_the_kiosks_spool_first, setup, teardown),
		cmocka_unit_test_setup_teardown(ingest_events_should_confirm_each_kiosk_once_after_the_commit, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(ingest_events_should_confirm_over_runs_gaps_and_disorder, setup, teardown),
		cmocka_unit_test_setup_teardown(each_event_should_find_an_event_on_another_day_than_its_neighbours, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(delete_events_before_should_keep_a_newer_event_among_old_seqs, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(votes_should_count_once_per_visitor_session, setup, teardown),
		cmocka_unit_test_setup_teardown(open_should_move_old_session_numbers_clear_of_lifetime_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(next_version_should_rise_across_reopening, setup, teardown),
		cmocka_unit_test_setup_teardown(next_version_should_pass_a_version_a_kiosk_already_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(next_version_should_follow_version_max_within_the_step_bound, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(desired_state_should_round_trip_with_its_payload, setup, teardown),
		cmocka_unit_test_setup_teardown(status_should_log_only_transitions, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_commands_should_leave_out_acked_and_expired_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(get_ack_should_find_the_ack_of_a_content_version, setup, teardown),
		cmocka_unit_test_setup_teardown(history_should_list_newest_first_and_filter_by_target, setup, teardown),
		cmocka_unit_test_setup_teardown(counters_should_add_up, setup, teardown),
		cmocka_unit_test_setup_teardown(aggregate_day_should_count_by_local_hour_and_survive_retention, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(aggregate_day_should_keep_the_aggregates_of_a_day_whose_raw_events_are_gone,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(help_should_stay_open_until_acknowledged, setup, teardown),
		cmocka_unit_test_setup_teardown(a_help_call_sent_again_should_count_once, setup, teardown),
		cmocka_unit_test_setup_teardown(retention_should_delete_old_votes_and_help_presses_but_keep_the_tallies,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(retention_run_twice_with_the_same_cutoff_should_not_count_votes_twice, setup,
		                                teardown),
		cmocka_unit_test(open_should_name_the_path_when_the_folder_is_missing),
		cmocka_unit_test_setup_teardown(a_clear_should_never_count_as_content_shown, setup, teardown),
		cmocka_unit_test_setup_teardown(history_should_keep_the_outcome_and_its_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(lead_should_pass_to_the_other_controller_when_the_leader_goes, setup, teardown),
		cmocka_unit_test_setup_teardown(unrecorded_should_be_kept_and_its_rises_listed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_read_only_store_should_read_and_refuse_every_write, setup, teardown),
		cmocka_unit_test_setup_teardown(status_should_keep_the_frame_rate_the_kiosk_said, setup, teardown),
		cmocka_unit_test_setup_teardown(the_broker_a_kiosk_says_it_is_on_should_be_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(the_same_ack_stored_twice_should_be_one_row, setup, teardown),
	};
	/* About SQLite database files made by older versions: they have no PostgreSQL
	 * counterpart, so they are not part of the PostgreSQL run at all. */
	const struct CMUnitTest sqlite_files[] = {
		cmocka_unit_test_setup_teardown(open_should_give_an_older_database_its_event_spans, setup, teardown),
		cmocka_unit_test_setup_teardown(read_current_should_read_an_older_database_as_migrated_and_leave_it_alone,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(open_should_add_the_new_columns_to_an_old_database, setup, teardown),
	};
	if (pg)
		return cmocka_run_group_tests_name("store on PostgreSQL", tests, pg_up, pg_down);
	int failed = cmocka_run_group_tests_name("store on SQLite", tests, NULL, NULL);
	return failed + cmocka_run_group_tests_name("store on SQLite: older database files", sqlite_files, NULL, NULL);
}
