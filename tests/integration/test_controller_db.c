/* test_controller_db.c: the controller's database kept whole (issue 10): a damaged
 * database stops every confirm and raises the alert; `db backup` while serve runs,
 * `db restore` with serve stopped, and the kiosk's resend give exact counts; serve's
 * daily backup; a call for staff stays open through an outage until `help ack`.
 * Real mosquitto, real binary, real database files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_harness.h"
#include <sys/stat.h>

static char g_alert_out[600];

/* on_alert appends each alert to alerts.txt. */
static int setup(void **state)
{
	if (ctl_setup(state, "") != 0)
		return -1;
	ctl_fx *f = *state;
	char script_path[600], script[1400], extra[800];
	snprintf(script_path, sizeof script_path, "%s/alert.sh", f->dir);
	snprintf(g_alert_out, sizeof g_alert_out, "%s/alerts.txt", f->dir);
	snprintf(script, sizeof script, "#!/bin/sh\ncat >> '%s'\n", g_alert_out);
	if (hall_fs_write_atomic(script_path, script, strlen(script), NULL) != HALL_OK || chmod(script_path, 0755) != 0)
		return -1;
	snprintf(extra, sizeof extra, "\"on_alert\":\"%s\"", script_path);
	ctl_write_config(f, extra);
	return 0;
}

static int teardown(void **state)
{
	return ctl_teardown(state);
}

static bool wait_alert(const char *needle)
{
	for (int i = 0; i < 200; i++) {
		char *data = NULL;
		size_t len = 0;
		bool found = hall_fs_read_file(g_alert_out, 1u << 20, &data, &len, NULL) == HALL_OK && strstr(data, needle);
		free(data);
		if (found)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

/* Events from..to of k1 in messages of at most 500; every 10th a vote of its own session
 * (the session id is the seq of the vote: as unique as a session_start's). */
static void publish_events(ctl_fx *f, int64_t from, int64_t to)
{
	size_t cap = 500 * 200 + 64;
	char *json = malloc(cap);
	assert_non_null(json);
	for (int64_t s = from; s <= to; s += 500) {
		size_t n = (size_t)snprintf(json, cap, "{\"kiosk\":\"k1\",\"events\":[");
		for (int64_t q = s; q <= to && q < s + 500; q++) {
			if (q % 10 == 0)
				n += (size_t)snprintf(json + n, cap - n,
				                      "%s{\"seq\":%lld,\"ts\":1764057601234,\"type\":\"vote\",\"exhibit\":\"vote\","
				                      "\"target\":\"a\",\"poll\":\"brand-vote\",\"session\":%lld}",
				                      q == s ? "" : ",", (long long)q, (long long)q);
			else
				n += (size_t)snprintf(json + n, cap - n,
				                      "%s{\"seq\":%lld,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"brand\","
				                      "\"target\":\"next-%lld\",\"session\":0}",
				                      q == s ? "" : ",", (long long)q, (long long)q);
		}
		snprintf(json + n, cap - n, "]}");
		ctl_publish(f, "hall/v1/kiosk/k1/events", json);
	}
	free(json);
}

/* Run `hall-controller ARGS...` (plus --config/--broker/--data) to its end; its exit
 * code, its stdout and then its stderr (appended to the log by ctl_spawn) in out. */
static int run_ctl(ctl_fx *f, const char *const *args, char *out, size_t len)
{
	char path[700];
	struct stat st;
	off_t log_from = stat(f->log, &st) == 0 ? st.st_size : 0;
	snprintf(path, sizeof path, "%s/cmd.out", f->dir);
	int rc = ctl_wait_exit(ctl_spawn(f, args, path), 20000);
	char *data = NULL, *log = NULL;
	size_t n = 0, ln = 0;
	out[0] = '\0';
	if (hall_fs_read_file(path, 1u << 16, &data, &n, NULL) == HALL_OK)
		snprintf(out, len, "%s", data);
	if (hall_fs_read_file(f->log, 1u << 20, &log, &ln, NULL) == HALL_OK && (size_t)log_from <= ln) {
		size_t have = strlen(out);
		snprintf(out + have, len - have, "%s", log + log_from);
	}
	free(data);
	free(log);
	return rc;
}

static int64_t votes_of(ctl_fx *f)
{
	hall_store *s = ctl_open_db(f);
	hall_poll_results r;
	assert_int_equal(hall_store_poll_results(s, "brand-vote", 1, &r, NULL), HALL_OK);
	hall_store_close(s);
	return r.total;
}

static void damaged_database_should_stop_confirms_and_raise_the_alert(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	publish_events(f, 1, 3000);
	assert_int_equal(ctl_wait_confirm(f, "k1", 3000, 20000), 3000);
	assert_int_equal(ctl_stop_serve(f), 0);
	/* 64 KiB of garbage in the middle of the file, as it was seen in the hall. */
	char db[700];
	snprintf(db, sizeof db, "%s/controller.db", f->data);
	struct stat st;
	assert_int_equal(stat(db, &st), 0);
	assert_true(st.st_size > 4 * 65536);
	int fd = open(db, O_WRONLY);
	assert_true(fd >= 0);
	char junk[65536];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 13);
	assert_int_equal(pwrite(fd, junk, sizeof junk, (st.st_size / 2) & ~(off_t)4095), (ssize_t)sizeof junk);
	close(fd);
	ctl_start_serve(f);
	assert_true(wait_alert("\"alert\":\"database\""));
	/* No confirm any more: not for new events, not in answer to a hello. */
	ctl_hello(f, "k1", "lobby", 0, 3001, 1);
	publish_events(f, 3001, 3001);
	assert_true(ctl_wait_confirm(f, "k1", 0, 2000) < 0);
	char *log = NULL;
	size_t len = 0;
	assert_int_equal(hall_fs_read_file(f->log, 1u << 20, &log, &len, NULL), HALL_OK);
	assert_non_null(strstr(log, "hall-controller db restore"));
	free(log);
	/* db check says so too, with exit 1. */
	static const char *const check[] = {"db", "check", NULL};
	char out[2048];
	assert_int_equal(run_ctl(f, check, out, sizeof out), 1);
	assert_non_null(strstr(out, "damaged"));
}

static void backup_restore_and_resend_should_give_exact_counts(void **state)
{
	ctl_fx *f = *state;
	char backup[700], out[2048], daily[700];
	snprintf(backup, sizeof backup, "%s/before.db", f->dir);
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	publish_events(f, 1, 500);
	assert_int_equal(ctl_wait_confirm(f, "k1", 500, 20000), 500);
	/* serve's daily backup, written at its start */
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(hall_clock_now_ms(), "Asia/Seoul", &c), 0);
	snprintf(daily, sizeof daily, "%s/backups/controller-%04d-%02d-%02d.db", f->data, c.year, c.month, c.day);
	/* written by a child process while serve goes on (upkeep.h): there within 20 s */
	for (int i = 0; i < 200 && !hall_fs_exists(daily); i++)
		usleep(100 * 1000);
	assert_true(hall_fs_exists(daily));
	/* A backup while serve runs and stores. */
	const char *const bk[] = {"db", "backup", "--out", backup, NULL};
	publish_events(f, 501, 1000);
	assert_int_equal(run_ctl(f, bk, out, sizeof out), 0);
	assert_int_equal(ctl_wait_confirm(f, "k1", 1000, 20000), 1000);
	const char *const rs[] = {"db", "restore", backup, NULL};
	assert_int_equal(run_ctl(f, rs, out, sizeof out), 1); /* not while serve runs */
	assert_non_null(strstr(out, "stop it first"));
	assert_int_equal(ctl_stop_serve(f), 0);
	assert_int_equal(run_ctl(f, rs, out, sizeof out), 0);
	int64_t restored = ctl_count_events(f, "k1");
	assert_true(restored >= 500 && restored <= 1000);
	/* The kiosk sends again what it holds (here all 1000): every event and vote once. */
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 1000, 1);
	publish_events(f, 1, 1000);
	assert_int_equal(ctl_wait_confirm(f, "k1", 1000, 20000), 1000);
	assert_int_equal(ctl_stop_serve(f), 0);
	assert_int_equal(ctl_count_events(f, "k1"), 1000);
	assert_int_equal(votes_of(f), 100);
	const char *const ck[] = {"db", "check", NULL};
	assert_int_equal(run_ctl(f, ck, out, sizeof out), 0);
	assert_non_null(strstr(out, "sound"));
}

/* Issue 10: a call raised, the kiosk offline, then back: the call is still open. */
static void help_should_stay_open_through_an_outage_until_help_ack(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 0, 10000), 0);
	ctl_publish(f, "hall/v1/kiosk/k1/help", "{\"kiosk\":\"k1\",\"ts\":1764057601234,\"exhibit\":\"poll\",\"session\":12}");
	assert_true(wait_alert("\"alert\":\"help\""));
	ctl_publish(f, "hall/v1/kiosk/k1/status", "{\"kiosk\":\"k1\",\"online\":false}");
	assert_true(wait_alert("\"alert\":\"offline\""));
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_true(wait_alert("\"alert\":\"recovered\""));
	hall_store *s = ctl_open_db(f);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	hall_store_close(s);
	assert_true(k.online);
	assert_int_equal(k.help_count, 1);
	assert_true(k.alert);
	assert_non_null(strstr(k.alert_reason, "help"));
	const char *const ack[] = {"help", "ack", "k1", NULL};
	char out[1024];
	assert_int_equal(run_ctl(f, ack, out, sizeof out), 0);
	assert_non_null(strstr(out, "acknowledged: 1"));
	s = ctl_open_db(f);
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	hall_store_close(s);
	assert_int_equal(k.help_count, 0);
	assert_false(k.alert);
}

/* Issue 10: a kiosk on a full disk says how many events it could not keep; that raises
 * the alert, and the report of the day is incomplete and names the kiosk and the count. */
static void unrecorded_events_should_alert_and_make_the_report_incomplete(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_publish(f, "hall/v1/kiosk/k1/hello",
	            "{\"kiosk\":\"k1\",\"group\":\"lobby\",\"ts\":1764057600000,\"boot_ts\":1764057000000,"
	            "\"content_version\":0,\"schedule_version\":0,\"notice_version\":0,\"seq_max\":0,"
	            "\"spool_first\":1,\"app\":\"test\",\"unrecorded\":270,"
	            "\"last_error\":\"spool: No space left on device\"}");
	assert_true(wait_alert("\"alert\":\"unrecorded\""));
	assert_true(wait_alert("270 events could not be recorded"));
	hall_store *s = ctl_open_db(f);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	hall_store_close(s);
	assert_int_equal(k.unrecorded, 270);
	assert_string_equal(k.last_error, "spool: No space left on device");
	hall_civil c;
	char day[16], out[16384];
	assert_int_equal(hall_clock_to_civil(hall_clock_now_ms(), "Asia/Seoul", &c), 0);
	snprintf(day, sizeof day, "%04d-%02d-%02d", c.year, c.month, c.day);
	const char *const rep[] = {"report", "--date", day, "--format", "json", NULL};
	assert_int_equal(run_ctl(f, rep, out, sizeof out), 0);
	assert_non_null(strstr(out, "\"complete\":false"));
	assert_non_null(strstr(out, "\"unrecorded\":270"));
	assert_non_null(strstr(out, "k1: 270 events could not be recorded"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(damaged_database_should_stop_confirms_and_raise_the_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_restore_and_resend_should_give_exact_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(help_should_stay_open_through_an_outage_until_help_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(unrecorded_events_should_alert_and_make_the_report_incomplete, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
