/* test_store_parity.c: the two backends of controller/store.h read the same (issue 13:
 * "reports, status, history and the console read the same from either"), and the
 * database tools work on PostgreSQL (issue 10: db check, db backup, db restore and serve's
 * daily backup), with the real hall-controller against a real PostgreSQL started here
 * (tests/support/start-postgres.sh) and a SQLite file.
 *
 * One stream of hellos, statuses, events (sessions, votes, a gap), help calls, acks and
 * history goes into both stores through the store's interface; then `report --format
 * json`, `report --format csv`, `status --json`, `status` and `history` of the two
 * configs (one data folder, one with a `database` URI) must be byte for byte the same.
 * The clock is fixed (HALL_FAKE_NOW_MS) for this process and the commands it runs. */
/* links: hallctl */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "pg.h"
#include "store.h"
#include "upkeep.h"

#define TZ "Asia/Seoul"
#define DAY "2026-11-24"

static hall_test_pg g_pg;

/* UTC ms of a local time on 2026-11-24 (+ day_offset days). */
static int64_t at(int day_offset, int h, int m, int s)
{
	hall_civil c = {.year = 2026, .month = 11, .day = 24 + day_offset, .hour = h, .minute = m, .second = s};
	int64_t ms = 0;
	assert_int_equal(hall_clock_from_civil(&c, TZ, &ms), 0);
	return ms;
}

static hall_event ev(const char *kiosk, int64_t seq, int64_t ts, hall_event_type type, const char *exhibit,
                     const char *target, int64_t session)
{
	hall_event e;
	hall_event_init(&e);
	snprintf(e.kiosk, sizeof e.kiosk, "%s", kiosk);
	e.seq = seq;
	e.ts = ts;
	e.type = type;
	snprintf(e.exhibit, sizeof e.exhibit, "%s", exhibit);
	snprintf(e.target, sizeof e.target, "%s", target);
	e.session = session;
	snprintf(e.lang, sizeof e.lang, "ko");
	return e;
}

static void vote(hall_event *e, const char *poll)
{
	snprintf(e->poll, sizeof e->poll, "%s", poll);
}

/* The day's events: k1 has two visitor sessions (one crossing midnight), a vote and a
 * second vote of the same session; k2 lost seq 3 and a kiosk restart gives it a second
 * session (lifetime ids: its session_start seqs). */
static size_t day_events(hall_event *e)
{
	size_t n = 0;
	e[n++] = ev("k1", 1, at(0, 10, 0, 0), HALL_EVENT_SESSION_START, "", "", 1);
	e[n] = ev("k1", 2, at(0, 10, 0, 1), HALL_EVENT_VIEW, "brand", "", 1);
	e[n++].dwell_ms = 30000;
	e[n++] = ev("k1", 3, at(0, 10, 0, 5), HALL_EVENT_TAP, "brand", "next", 1);
	e[n++] = ev("k1", 4, at(0, 10, 0, 20), HALL_EVENT_MODE, "brand", "high-contrast", 1);
	e[n] = ev("k1", 5, at(0, 10, 0, 40), HALL_EVENT_VOTE, "poll", "a", 1);
	vote(&e[n++], "brand-vote");
	e[n] = ev("k1", 6, at(0, 10, 0, 41), HALL_EVENT_VOTE, "poll", "b", 1); /* same session: not counted */
	vote(&e[n++], "brand-vote");
	e[n] = ev("k1", 7, at(0, 10, 1, 0), HALL_EVENT_SESSION_END, "", "", 1);
	e[n++].dwell_ms = 60000;
	e[n++] = ev("k1", 8, at(0, 23, 58, 0), HALL_EVENT_SESSION_START, "", "", 8);
	e[n++] = ev("k1", 9, at(0, 23, 59, 0), HALL_EVENT_TAP, "policy", "card-1", 8);
	e[n] = ev("k1", 10, at(1, 0, 3, 0), HALL_EVENT_SESSION_END, "", "", 8);
	e[n++].dwell_ms = 300000;
	e[n++] = ev("k2", 1, at(0, 14, 0, 0), HALL_EVENT_SESSION_START, "", "", 1);
	e[n++] = ev("k2", 2, at(0, 14, 0, 10), HALL_EVENT_TAP, "policy", "card-2", 1);
	e[n] = ev("k2", 4, at(0, 14, 1, 0), HALL_EVENT_SESSION_START, "", "", 4);
	snprintf(e[n++].lang, sizeof e[0].lang, "en");
	e[n] = ev("k2", 5, at(0, 14, 1, 30), HALL_EVENT_VOTE, "poll", "b", 4);
	vote(&e[n++], "brand-vote");
	e[n] = ev("k2", 6, at(0, 14, 2, 0), HALL_EVENT_SESSION_END, "", "", 4);
	e[n++].dwell_ms = 60000;
	return n;
}

static void hello(hall_store *s, const char *kiosk, int64_t seq_max, int64_t unrecorded, int64_t when)
{
	hall_hello h;
	memset(&h, 0, sizeof h);
	snprintf(h.kiosk, sizeof h.kiosk, "%s", kiosk);
	snprintf(h.group, sizeof h.group, "lobby");
	snprintf(h.app, sizeof h.app, "hall-kiosk 0.1");
	h.ts = h.boot_ts = when;
	h.seq_max = seq_max;
	h.spool_first = 1;
	h.content_version = 3;
	h.unrecorded = unrecorded;
	snprintf(h.showing.scope, sizeof h.showing.scope, "all");
	snprintf(h.showing.pack, sizeof h.showing.pack, "default");
	h.showing.version = 3;
	snprintf(h.broker, sizeof h.broker, "mq-%s:8883", kiosk); /* the node it is on (issue 13) */
	assert_int_equal(hall_store_kiosk_hello(s, &h, when, NULL), HALL_OK);
}

static void offline(hall_store *s, const char *kiosk, int64_t when)
{
	hall_status st;
	memset(&st, 0, sizeof st);
	snprintf(st.kiosk, sizeof st.kiosk, "%s", kiosk);
	st.ts = when;
	assert_int_equal(hall_store_kiosk_status(s, &st, when, NULL, NULL), HALL_OK);
}

/* Everything but the day's events (fleet, help, acks, history). */
static void feed_fleet(hall_store *s)
{
	hello(s, "k1", 0, 0, at(-1, 9, 0, 0));
	hello(s, "k2", 0, 0, at(-1, 9, 0, 0));
	offline(s, "k1", at(0, 12, 0, 0));
	hello(s, "k1", 10, 0, at(0, 13, 0, 0));
	hello(s, "k2", 6, 4, at(0, 15, 0, 0)); /* 4 events it could not keep */
	hall_help h = {.kiosk = "k1", .ts = at(0, 10, 0, 30), .exhibit = "brand", .session = 1};
	assert_int_equal(hall_store_add_help(s, &h, at(0, 10, 0, 31), NULL), HALL_OK);
	hall_ack a = {.kiosk = "k2", .kind = HALL_ACK_CONTENT, .scope = "all", .version = 3,
	              .result = HALL_ACK_APPLIED};
	assert_int_equal(hall_store_add_ack(s, &a, at(0, 9, 30, 0), NULL), HALL_OK);
	assert_int_equal(hall_store_add_ack(s, &a, at(0, 9, 30, 1), NULL), HALL_OK); /* heard by a second serve */
	hall_status moved = {.kiosk = "k2", .online = true, .full = true, .ts = at(0, 15, 1, 0), .content_version = 3,
	                     .unrecorded = 4, .broker = "mq-3:8883"}; /* k2 failed over to another node */
	assert_int_equal(hall_store_kiosk_status(s, &moved, at(0, 15, 1, 0), NULL, NULL), HALL_OK);
	static const char *const actions[] = {"push", "notice", "command"};
	for (int i = 0; i < 3; i++) {
		hall_store_history r = {.ts = at(0, 9, i, 0), .version = i + 1};
		snprintf(r.user, sizeof r.user, "kim");
		snprintf(r.action, sizeof r.action, "%s", actions[i]);
		snprintf(r.kind, sizeof r.kind, "%s", i == 2 ? "command" : i ? "notice" : "content");
		snprintf(r.target, sizeof r.target, "%s", i ? "kiosk:k1" : "all");
		snprintf(r.detail, sizeof r.detail, "detail %d", i);
		if (i == 2)
			snprintf(r.outcome, sizeof r.outcome, "failed");
		assert_int_equal(hall_store_add_history(s, &r, NULL), HALL_OK);
	}
}

static void feed(hall_store *s, size_t from, size_t to)
{
	hall_event e[32];
	size_t n = day_events(e);
	assert_int_equal(hall_store_insert_events(s, e + from, (to < n ? to : n) - from, NULL, NULL), HALL_OK);
}

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
		if ((n += got) + 1 == cap)
			buf = realloc(buf, cap *= 2);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Run `hall-controller ARGS --config CONFIG` (stderr with stdout); its output (malloc'd)
 * and exit code. */
static char *ctl(const char *config, const char *args, int *code)
{
	char cmd[2048];
	size_t len = 0;
	snprintf(cmd, sizeof cmd, "'%s/hall-controller' %s --config '%s' 2>&1", getenv("HALL_BUILD_DIR"), args, config);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char *out = slurp(p, &len);
	int st = pclose(p);
	*code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return out;
}

static void write_config(const char *path, const char *data, const char *db)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "{\"time_zone\":\"%s\",\"data_dir\":\"%s\",\"kiosks\":[\"k1\",\"k2\",\"k3\"]%s%s%s}", TZ, data,
	        db ? ",\"database\":\"" : "", db ? db : "", db ? "\"" : "");
	fclose(f);
}

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

static void staff_commands_should_read_the_same_from_sqlite_and_postgresql(void **state)
{
	(void)state;
	char dir[512], data[600], db[700], uri[300], sq_cfg[700], pg_cfg[700];
	hall_test_tmpdir(dir, sizeof dir, "parity");
	snprintf(data, sizeof data, "%s/data", dir);
	mkdir(data, 0755);
	snprintf(db, sizeof db, "%s/controller.db", data);
	assert_int_equal(hall_test_pg_fresh(&g_pg, "parity", uri, sizeof uri), 0);
	hall_store *st[2] = {NULL, NULL};
	assert_int_equal(hall_store_open_sqlite(db, &st[0], NULL), HALL_OK);
	assert_int_equal(hall_store_open(uri, &st[1], NULL), HALL_OK);
	for (int i = 0; i < 2; i++) {
		feed_fleet(st[i]);
		feed(st[i], 0, 32);
		assert_int_equal(hall_store_aggregate_day(st[i], DAY, TZ, NULL), HALL_OK);
		hall_store_close(st[i]);
	}
	/* one data folder for both, so nothing but the store differs */
	snprintf(sq_cfg, sizeof sq_cfg, "%s/sqlite.json", dir);
	snprintf(pg_cfg, sizeof pg_cfg, "%s/pg.json", dir);
	write_config(sq_cfg, data, NULL);
	write_config(pg_cfg, data, uri);
	static const char *const commands[] = {
		"report --date " DAY " --format json", "report --date " DAY " --format csv --lang en",
		"report --date " DAY " --format text --lang en", "status --json", "status", "history",
	};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		int a = -1, b = -1;
		char *from_sqlite = ctl(sq_cfg, commands[i], &a);
		char *from_pg = ctl(pg_cfg, commands[i], &b);
		if (a != 0 || b != 0 || strcmp(from_sqlite, from_pg) != 0)
			fail_msg("`%s` differs (exit %d / %d):\n--- SQLite\n%s\n--- PostgreSQL\n%s", commands[i], a, b,
			         from_sqlite, from_pg);
		if (i == 0) /* the stream is in it (not two empty reports) */
			assert_non_null(strstr(from_pg, "\"sessions\":4"));
		if (i == 3) /* each kiosk's broker, the last one it said */
			assert_true(strstr(from_pg, "\"broker\":\"mq-k1:8883\"") && strstr(from_pg, "\"broker\":\"mq-3:8883\""));
		if (i == 4)
			assert_non_null(strstr(from_pg, "on the broker at mq-3:8883"));
		free(from_sqlite);
		free(from_pg);
	}
	hall_test_rmtree(dir);
}

static int64_t pg_value(const char *uri, const char *sql)
{
	return hall_test_pg_value(uri, sql);
}

/* How many of the parts later versions added to the first PostgreSQL schema (74ec805)
 * this database has. */
#define LATE_PARTS                                                                                          \
	"SELECT (SELECT count(*) FROM pg_attribute WHERE NOT attisdropped AND ((attrelid=to_regclass('kiosks')"   \
	" AND attname IN ('unrecorded', 'fps_milli', 'broker', 'frame_p99_us')) OR (attrelid=to_regclass('help')" \
	" AND attname='call'))) + (SELECT count(*) FROM unnest(ARRAY[to_regclass('unrecorded_log')," \
	" to_regclass('acks_once'), to_regclass('console_users')]) t WHERE t IS NOT NULL)"

/* ctl() that must succeed; `stage` names the schema in the failure. */
static char *ctl_ok(const char *config, const char *args, const char *stage)
{
	int code = -1;
	char *out = ctl(config, args, &code);
	if (code != 0)
		fail_msg("`%s` on %s: exit %d: %s", args, stage, code, out);
	return out;
}

/* report, status, history and db check on a database no newer serve has migrated: they
 * read what is there and leave the schema as it is (an older serve may still write it); the
 * next writer migrates it. First the schema before the per-kiosk broker (and the console's
 * frame_p99_us, and acks stored once), then the first schema PostgreSQL ever had. */
static void readers_should_work_on_a_postgresql_schema_no_newer_serve_migrated(void **state)
{
	(void)state;
	char dir[256], uri[300], cfg_path[700];
	hall_test_tmpdir(dir, sizeof dir, "pg-older");
	assert_int_equal(hall_test_pg_fresh(&g_pg, "older", uri, sizeof uri), 0);
	snprintf(cfg_path, sizeof cfg_path, "%s/pg.json", dir);
	write_config(cfg_path, dir, uri);
	hall_store *s = NULL;
	assert_int_equal(hall_store_open(uri, &s, NULL), HALL_OK);
	feed_fleet(s);
	feed(s, 0, 32);
	assert_int_equal(hall_store_aggregate_day(s, DAY, TZ, NULL), HALL_OK);
	hall_store_close(s);
	assert_int_equal(pg_value(uri, LATE_PARTS), 8);
	static const char *const commands[] = {"report --date " DAY " --format json", "history", "status --json", "status"};
	enum { N = sizeof commands / sizeof commands[0] };
	char *before[N];
	for (size_t i = 0; i < N; i++)
		before[i] = ctl_ok(cfg_path, commands[i], "the schema of this version");
	assert_non_null(strstr(before[2], "\"broker\":\"mq-3:8883\""));

	/* the schema before the per-kiosk broker */
	assert_int_equal(pg_value(uri, "ALTER TABLE kiosks DROP COLUMN broker, DROP COLUMN frame_p99_us;"
	                               " DROP INDEX acks_once; " LATE_PARTS),
	                 5);
	for (size_t i = 0; i < N; i++) {
		char *out = ctl_ok(cfg_path, commands[i], "the schema before the broker column");
		if (i < 2 && strcmp(out, before[i]) != 0) /* report and history hold nothing of it */
			fail_msg("`%s` differs:\n--- migrated\n%s\n--- older\n%s", commands[i], before[i], out);
		if (i >= 2) /* status: every kiosk, no broker named */
			assert_true(strstr(out, "k1") && strstr(out, "k2") && !strstr(out, "mq-"));
		free(out);
	}

	/* the first schema (74ec805): no unrecorded counts, frame rate, staff call numbers
	 * or console tables either */
	assert_int_equal(pg_value(uri, "ALTER TABLE kiosks DROP COLUMN unrecorded, DROP COLUMN fps_milli;"
	                               " DROP TABLE unrecorded_log, console_users, console_sessions;"
	                               " ALTER TABLE help DROP COLUMN call; " LATE_PARTS),
	                 0);
	for (size_t i = 0; i < N; i++) {
		char *out = ctl_ok(cfg_path, commands[i], "the first schema");
		if (i == 0) /* the events are all counted */
			assert_non_null(strstr(out, "\"sessions\":4"));
		if (i == 1)
			assert_string_equal(out, before[1]);
		free(out);
		free(before[i]);
	}
	/* db check: an older schema is no damage */
	char *check = ctl_ok(cfg_path, "db check", "the first schema");
	if (!strstr(check, "sound") ||
	    !strstr(check, "not migrated yet: unrecorded_log, console_users, console_sessions come with the next serve"))
		fail_msg("db check on the first schema: %s", check);
	free(check);
	assert_int_equal(pg_value(uri, LATE_PARTS), 0); /* the readers changed nothing */
	assert_int_equal(hall_store_open(uri, &s, NULL), HALL_OK); /* a writer migrates */
	hall_store_close(s);
	assert_int_equal(pg_value(uri, LATE_PARTS), 8);
	hall_test_rmtree(dir);
}

/* issue 10: backup, restore and the kiosks' resends give exact counts, on PostgreSQL
 * too; restore refuses while a hall-controller is connected; the daily backup keeps the
 * newest N dumps. */
static void backup_restore_and_resend_should_give_exact_counts_on_postgresql(void **state)
{
	(void)state;
	char dir[256], uri[300], cfg_path[700], args[1200], dump[700];
	int code = -1;
	hall_test_tmpdir(dir, sizeof dir, "pg-restore");
	assert_int_equal(hall_test_pg_fresh(&g_pg, "restore", uri, sizeof uri), 0);
	snprintf(cfg_path, sizeof cfg_path, "%s/pg.json", dir);
	write_config(cfg_path, dir, uri);
	snprintf(dump, sizeof dump, "%s/before.dump", dir);
	hall_store *s = NULL;
	assert_int_equal(hall_store_open(uri, &s, NULL), HALL_OK);
	feed_fleet(s);
	feed(s, 0, 8);
	hall_store_close(s);

	snprintf(args, sizeof args, "db backup --out '%s'", dump);
	char *out = ctl(cfg_path, args, &code);
	assert_int_equal(code, 0);
	assert_non_null(strstr(out, "written to"));
	free(out);
	assert_int_equal(hall_store_open(uri, &s, NULL), HALL_OK);
	feed(s, 8, 32); /* after the backup: lost by the restore, sent again by the kiosks */
	snprintf(args, sizeof args, "db restore '%s'", dump);
	out = ctl(cfg_path, args, &code); /* refused: this process is connected */
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, "stop serve first"));
	assert_true(strchr(out, '\n') == out + strlen(out) - 1); /* one line */
	free(out);
	hall_store_close(s);
	out = ctl(cfg_path, "db restore /nonexistent/x.dump", &code);
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, "no such backup"));
	free(out);
	out = ctl(cfg_path, args, &code);
	if (code != 0)
		fail_msg("db restore: %s", out);
	free(out);
	assert_int_equal(pg_value(uri, "SELECT count(*) FROM events"), 8);

	/* The kiosks resend what the restored database lacks (and some it has). */
	assert_int_equal(hall_store_open(uri, &s, NULL), HALL_OK);
	feed(s, 6, 32);
	hall_event e[32];
	size_t n = day_events(e);
	int64_t stored = 0;
	assert_int_equal(hall_store_counter_get(s, HALL_COUNTER_EVENTS_STORED, &stored, NULL), HALL_OK);
	assert_int_equal(stored, (int64_t)n);
	assert_int_equal(pg_value(uri, "SELECT count(*) FROM events"), (int64_t)n);
	assert_int_equal(pg_value(uri, "SELECT count(*) FROM votes"), 2); /* k1 session 1, k2 session 4 */
	assert_int_equal(pg_value(uri, "SELECT count(*) FROM history"), 3);

	/* serve's daily backup: a .dump per day, the newest `keep` kept */
	hall_controller_config cfg;
	hall_controller_config_defaults(&cfg);
	snprintf(cfg.database, sizeof cfg.database, "%s", uri);
	snprintf(cfg.backup.dir, sizeof cfg.backup.dir, "%s/backups", dir);
	cfg.backup.keep = 2;
	static const char *const days[] = {"2026-11-24", "2026-11-25", "2026-11-26"};
	for (int i = 0; i < 3; i++) {
		char path[HALL_CONFIG_PATH_MAX + 32];
		hall_error err = {0};
		assert_int_equal(hall_upkeep_daily_backup(s, &cfg, days[i], path, &err), HALL_OK);
		assert_non_null(strstr(path, ".dump"));
	}
	hall_store_close(s);
	char path[800];
	snprintf(path, sizeof path, "%s/backups/controller-2026-11-24.dump", dir);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/backups/controller-2026-11-26.dump", dir);
	assert_int_equal(access(path, F_OK), 0);

	out = ctl(cfg_path, "db check --full", &code);
	if (code != 0 || !strstr(out, "sound"))
		fail_msg("db check --full: %s", out);
	free(out);
	/* an event a report could not find is a finding */
	assert_int_equal(pg_value(uri, "WITH d AS (DELETE FROM event_spans WHERE kiosk='k2' RETURNING 1)"
	                               " SELECT count(*) FROM d"),
	                 1);
	out = ctl(cfg_path, "db check --full", &code);
	assert_int_equal(code, 1);
	assert_non_null(strstr(out, "damaged: 5 events lie outside their event_spans"));
	free(out);
	hall_test_rmtree(dir);
}

int main(void)
{
	char now[32];
	snprintf(now, sizeof now, "%lld", (long long)at(2, 9, 0, 0));
	setenv("HALL_FAKE_NOW_MS", now, 1); /* this process and the commands it runs */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(staff_commands_should_read_the_same_from_sqlite_and_postgresql),
		cmocka_unit_test(backup_restore_and_resend_should_give_exact_counts_on_postgresql),
		cmocka_unit_test(readers_should_work_on_a_postgresql_schema_no_newer_serve_migrated),
	};
	return cmocka_run_group_tests_name("store parity", tests, pg_up, pg_down);
}
