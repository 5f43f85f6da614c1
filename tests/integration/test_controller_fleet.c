/* test_controller_fleet.c: what `serve` does besides storing events: asset chunks from
 * the pack store, alerts through on_alert (help, offline, recovery), live poll results,
 * screenshots, and the report at closing time. Real mosquitto, real binary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_harness.h"
#include "serve.h"
#include "hall/sha256.h"
#include <sys/stat.h>
#include <glob.h>

static int teardown(void **state)
{
	return ctl_teardown(state);
}

static int setup(void **state)
{
	return ctl_setup(state, "");
}

static char g_alert_script[600], g_alert_out[600];

/* on_alert: a script that appends its stdin to a file. The config is rewritten once the
 * temp dir is known. */
static int setup_alert(void **state)
{
	if (ctl_setup(state, "") != 0)
		return -1;
	ctl_fx *f = *state;
	snprintf(g_alert_script, sizeof g_alert_script, "%s/alert.sh", f->dir);
	snprintf(g_alert_out, sizeof g_alert_out, "%s/alerts.txt", f->dir);
	char script[1400], extra[800];
	snprintf(script, sizeof script, "#!/bin/sh\ncat >> '%s'\n", g_alert_out);
	if (hall_fs_write_atomic(g_alert_script, script, strlen(script), NULL) != HALL_OK ||
	    chmod(g_alert_script, 0755) != 0)
		return -1;
	snprintf(extra, sizeof extra, "\"on_alert\":\"%s\"", g_alert_script);
	ctl_write_config(f, extra);
	return 0;
}

/* The report is due at once: closing time 00:00 has passed every day. */
static int setup_closing(void **state)
{
	if (ctl_setup(state, "") != 0)
		return -1;
	ctl_write_config(*state, "\"closing_time\":\"00:00\"");
	return 0;
}

static void fetch_should_answer_with_chunks_that_rebuild_the_asset(void **state)
{
	ctl_fx *f = *state;
	/* Three chunks, the last one short. */
	size_t size = 2 * HALL_SERVE_CHUNK_BYTES + HALL_SERVE_CHUNK_BYTES / 3;
	unsigned char *data = malloc(size);
	assert_non_null(data);
	for (size_t i = 0; i < size; i++)
		data[i] = (unsigned char)((i * 2654435761u) >> 13);
	char sha[65], dir[700], path[800];
	hall_sha256_hex(data, size, sha);
	snprintf(dir, sizeof dir, "%s/packs/objects", f->data);
	assert_int_equal(hall_fs_mkdirs(dir, NULL), HALL_OK);
	snprintf(path, sizeof path, "%s/%s", dir, sha);
	assert_int_equal(hall_fs_write_atomic(path, data, size, NULL), HALL_OK);
	ctl_start_serve(f);
	char json[256];
	snprintf(json, sizeof json, "{\"sha256\":\"%s\",\"offset\":0}", sha);
	ctl_publish(f, "hall/v1/kiosk/k1/fetch", json);
	unsigned char *got = calloc(1, size);
	size_t have = 0, chunks = 0;
	char suffix[128];
	snprintf(suffix, sizeof suffix, "/ctl/asset/%s", sha);
	while (have < size) {
		hall_mqtt_msg m;
		if (!ctl_next(f, suffix, 10000, &m))
			break;
		hall_asset_chunk c;
		assert_int_equal(hall_proto_decode_asset_chunk(m.payload, m.len, &c, NULL), HALL_OK);
		assert_int_equal(c.size, (int64_t)size);
		assert_true(c.len <= HALL_SERVE_CHUNK_BYTES);
		assert_true((size_t)c.offset + c.len <= size);
		memcpy(got + c.offset, c.data, c.len);
		have += c.len;
		chunks++;
		hall_mqtt_msg_free(&m);
	}
	assert_int_equal(have, size);
	assert_int_equal(chunks, 3);
	char got_sha[65];
	hall_sha256_hex(got, size, got_sha);
	assert_string_equal(got_sha, sha);
	free(got);
	free(data);
}

static char *wait_alerts(const char *needle)
{
	for (int i = 0; i < 200; i++) {
		char *data = NULL;
		size_t len = 0;
		if (hall_fs_read_file(g_alert_out, 1u << 20, &data, &len, NULL) == HALL_OK && strstr(data, needle))
			return data;
		free(data);
		usleep(50 * 1000);
	}
	return NULL;
}

static void help_and_outages_should_run_on_alert_with_the_alert_as_json(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 0, 10000), 0);
	ctl_publish(f, "hall/v1/kiosk/k1/help", "{\"kiosk\":\"k1\",\"ts\":1764057601234,\"exhibit\":\"poll\",\"session\":12}");
	char *text = wait_alerts("\"alert\":\"help\"");
	assert_non_null(text);
	assert_non_null(strstr(text, "\"kiosk\":\"k1\""));
	free(text);
	/* The Will: offline with no schedule = during opening hours. */
	ctl_publish(f, "hall/v1/kiosk/k1/status", "{\"kiosk\":\"k1\",\"online\":false}");
	text = wait_alerts("\"alert\":\"offline\"");
	assert_non_null(text);
	free(text);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	text = wait_alerts("\"alert\":\"recovered\"");
	assert_non_null(text);
	free(text);
	hall_store *s = ctl_open_db(f);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	assert_true(k.online);
	/* Back online ends the outage, not the call for staff: that waits for `help ack`
	 * (test_controller_db.c). */
	assert_true(k.alert);
	assert_int_equal(k.help_count, 1);
	hall_store_close(s);
}

static void votes_should_publish_results_once_per_session(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	/* Session 5 votes a then b (the second is ignored); session 6 votes b. */
	ctl_publish(f, "hall/v1/kiosk/k1/events",
	            "{\"kiosk\":\"k1\",\"events\":["
	            "{\"seq\":1,\"ts\":1764057601234,\"type\":\"vote\",\"exhibit\":\"vote\",\"target\":\"a\",\"poll\":\"brand-vote\",\"session\":5},"
	            "{\"seq\":2,\"ts\":1764057601234,\"type\":\"vote\",\"exhibit\":\"vote\",\"target\":\"b\",\"poll\":\"brand-vote\",\"session\":5},"
	            "{\"seq\":3,\"ts\":1764057601234,\"type\":\"vote\",\"exhibit\":\"vote\",\"target\":\"b\",\"poll\":\"brand-vote\",\"session\":6}]}");
	hall_mqtt_msg m;
	hall_poll_results r = {0};
	int64_t until = hall_clock_mono_ms() + 10000;
	while (r.total < 2 && hall_clock_mono_ms() < until && ctl_next(f, "/ctl/poll/brand-vote/results", 10000, &m)) {
		assert_int_equal(hall_proto_decode_poll_results(m.payload, m.len, &r, NULL), HALL_OK);
		hall_mqtt_msg_free(&m);
	}
	assert_int_equal(r.total, 2);
	assert_int_equal(r.n_options, 2);
	assert_string_equal(r.options[0].id, "a");
	assert_int_equal(r.options[0].votes, 1);
	assert_int_equal(r.options[1].votes, 1);
}

/* A command as `hall-controller command` queues it (what serve checks a shot against). */
static void queue_command(ctl_fx *f, const char *kiosk, const char *id, hall_command_cmd what)
{
	hall_store *s = ctl_open_db(f);
	hall_store_command c = {.cmd = {.cmd = what, .ts = hall_clock_now_ms(), .ttl_s = 600}};
	snprintf(c.kiosk, sizeof c.kiosk, "%s", kiosk);
	snprintf(c.cmd.id, sizeof c.cmd.id, "%s", id);
	assert_int_equal(hall_store_add_command(s, &c, NULL), HALL_OK);
	hall_store_close(s);
}

/* A kiosk's answer to screenshot command `cmd_id` on its shot topic. */
static void publish_shot(ctl_fx *f, const char *kiosk, const char *cmd_id)
{
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3, 4};
	char payload[256], topic[128];
	int n = snprintf(payload, sizeof payload, "{\"command\":\"%s\",\"format\":\"png\",\"size\":%zu}\n", cmd_id,
	                 sizeof png);
	memcpy(payload + n, png, sizeof png);
	snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/shot", kiosk);
	assert_int_equal(hall_mqtt_publish(f->kiosk, topic, payload, (size_t)n + sizeof png, false, NULL, NULL), HALL_OK);
}

/* Files serve saved for kiosk k1 and command cmd_id. */
static int count_shots(ctl_fx *f, const char *cmd_id)
{
	char pattern[900];
	glob_t g;
	snprintf(pattern, sizeof pattern, "%s/shots/k1-*-%s.png", f->data, cmd_id);
	int n = glob(pattern, 0, NULL, &g) == 0 ? (int)g.gl_pathc : 0;
	globfree(&g);
	return n;
}

static bool wait_shot(ctl_fx *f, const char *cmd_id)
{
	for (int i = 0; i < 200; i++) {
		if (count_shots(f, cmd_id) > 0)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

static void shot_should_be_saved_under_data_shots(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	queue_command(f, "k1", "c-9", HALL_CMD_SCREENSHOT); /* staff asked for it */
	publish_shot(f, "k1", "c-9");
	assert_true(wait_shot(f, "c-9"));
	assert_int_equal(count_shots(f, "c-9"), 1);
}

/* Issue #5: "A remote screenshot is taken only by staff command and is logged". A shot
 * for a command never issued, issued to another kiosk, not a screenshot, or already
 * answered is logged and dropped, never written. */
static void shot_without_a_staff_command_should_not_be_saved(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	queue_command(f, "k2", "c-20", HALL_CMD_SCREENSHOT);
	queue_command(f, "k1", "c-21", HALL_CMD_IDENTIFY);
	queue_command(f, "k1", "c-22", HALL_CMD_SCREENSHOT);
	queue_command(f, "k1", "c-23", HALL_CMD_SCREENSHOT);
	publish_shot(f, "k1", "c-404"); /* never issued */
	publish_shot(f, "k1", "c-20");  /* another kiosk's */
	publish_shot(f, "k1", "c-21");  /* not a screenshot command */
	publish_shot(f, "k1", "c-22");
	publish_shot(f, "k1", "c-22");  /* its image came already */
	publish_shot(f, "k1", "c-23");  /* handled after all of the above (one topic, in order) */
	assert_true(wait_shot(f, "c-23"));
	assert_int_equal(count_shots(f, "c-404"), 0);
	assert_int_equal(count_shots(f, "c-20"), 0);
	assert_int_equal(count_shots(f, "c-21"), 0);
	assert_int_equal(count_shots(f, "c-22"), 1);
	assert_int_equal(count_shots(f, "*"), 2);
	char *log = NULL;
	size_t len = 0;
	assert_int_equal(hall_fs_read_file(f->log, 1u << 20, &log, &len, NULL), HALL_OK);
	assert_non_null(strstr(log, "for command \"c-404\" dropped"));
	assert_non_null(strstr(log, "for command \"c-20\" dropped"));
	assert_non_null(strstr(log, "for command \"c-21\" dropped"));
	assert_non_null(strstr(log, "for command \"c-22\" dropped"));
	free(log);
}

/* `command screenshot` as staff run it, against a kiosk that answers like the real one (the
 * image on its shot topic, then "done"): the command prints where serve saved the image. */
static void screenshot_command_should_print_where_the_image_was_saved(void **state)
{
	ctl_fx *f = *state;
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 5, 6, 7, 8};
	char out[700];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 0, 10000), 0);
	const char *args[] = {"command", "screenshot", "--to", "kiosk:k1", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/kiosk/k1/command", 10000, &m));
	hall_command c;
	assert_int_equal(hall_proto_decode_command(m.payload, m.len, &c, NULL), HALL_OK);
	hall_mqtt_msg_free(&m);
	assert_int_equal(c.cmd, HALL_CMD_SCREENSHOT);
	char payload[256], json[256];
	int n = snprintf(payload, sizeof payload, "{\"command\":\"%s\",\"format\":\"png\",\"size\":%zu}\n", c.id,
	                 sizeof png);
	memcpy(payload + n, png, sizeof png);
	assert_int_equal(hall_mqtt_publish(f->kiosk, "hall/v1/kiosk/k1/shot", payload, (size_t)n + sizeof png, false,
	                                   NULL, NULL),
	                 HALL_OK);
	snprintf(json, sizeof json, "{\"kiosk\":\"k1\",\"kind\":\"command\",\"id\":\"%s\",\"result\":\"done\",\"reason\":\"\"}",
	         c.id);
	ctl_publish(f, "hall/v1/kiosk/k1/ack", json);
	assert_int_equal(ctl_wait_exit(pid, 30000), 0);
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(hall_fs_read_file(out, 1u << 20, &text, &len, NULL), HALL_OK);
	/* "  screenshot saved: DATA/shots/k1-<UTC time>-<command>.png" */
	char want[900], suffix[128];
	snprintf(want, sizeof want, "screenshot saved: %s/shots/k1-", f->data);
	snprintf(suffix, sizeof suffix, "-%s.png\n", c.id);
	const char *at = strstr(text, want);
	if (!at)
		fail_msg("no \"%s\" in the output:\n%s", want, text);
	const char *path = at + strlen("screenshot saved: ");
	const char *eol = strchr(path, '\n');
	assert_non_null(eol);
	assert_true((size_t)(eol + 1 - path) > strlen(suffix));
	assert_memory_equal(eol + 1 - strlen(suffix), suffix, strlen(suffix));
	/* The path printed is the file serve wrote, with the kiosk's bytes. */
	char file[900];
	snprintf(file, sizeof file, "%.*s", (int)(eol - path), path);
	char *data = NULL;
	size_t dlen = 0;
	assert_int_equal(hall_fs_read_file(file, 1u << 20, &data, &dlen, NULL), HALL_OK);
	assert_int_equal(dlen, sizeof png);
	assert_memory_equal(data, png, sizeof png);
	free(data);
	free(text);
}

static void closing_time_should_write_the_days_report(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(hall_clock_now_ms(), "Asia/Seoul", &c), 0);
	char path[900];
	snprintf(path, sizeof path, "%s/reports/report-%04d-%02d-%02d.html", f->dir, c.year, c.month, c.day);
	bool found = false;
	for (int i = 0; i < 200 && !(found = hall_fs_exists(path)); i++)
		usleep(50 * 1000);
	if (!found)
		ctl_dump_log(f);
	assert_true(found);
}

/* With a schedule that never opens, an outage is no alert (the screens are meant to be dark). */
static void offline_outside_opening_hours_should_raise_no_alert(void **state)
{
	ctl_fx *f = *state;
	char sched[1024];
	const char *args[] = {"schedule", "push", hall_test_fixture(sched, sizeof sched, "controller/schedule-closed.json"),
	                      "--to", "all", "--yes", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, args, NULL), 20000), 0);
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 0, 10000), 0);
	ctl_publish(f, "hall/v1/kiosk/k1/status", "{\"kiosk\":\"k1\",\"online\":false}");
	/* A help request afterwards is an alert: once it shows, the offline one would have too. */
	ctl_publish(f, "hall/v1/kiosk/k1/help", "{\"kiosk\":\"k1\",\"ts\":1764057601234,\"exhibit\":\"vote\"}");
	char *text = wait_alerts("\"alert\":\"help\"");
	assert_non_null(text);
	assert_null(strstr(text, "\"alert\":\"offline\""));
	free(text);
	/* serve logs an alert before it handles the next message: the log is in order. */
	char *log = NULL;
	size_t len = 0;
	assert_int_equal(hall_fs_read_file(f->log, 1u << 20, &log, &len, NULL), HALL_OK);
	assert_non_null(strstr(log, "alert help"));
	assert_null(strstr(log, "alert offline"));
	free(log);
	hall_store *s = ctl_open_db(f);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	assert_false(k.online);
	hall_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fetch_should_answer_with_chunks_that_rebuild_the_asset, setup, teardown),
		cmocka_unit_test_setup_teardown(help_and_outages_should_run_on_alert_with_the_alert_as_json, setup_alert,
		                                teardown),
		cmocka_unit_test_setup_teardown(offline_outside_opening_hours_should_raise_no_alert, setup_alert, teardown),
		cmocka_unit_test_setup_teardown(votes_should_publish_results_once_per_session, setup, teardown),
		cmocka_unit_test_setup_teardown(screenshot_command_should_print_where_the_image_was_saved, setup, teardown),
		cmocka_unit_test_setup_teardown(shot_should_be_saved_under_data_shots, setup, teardown),
		cmocka_unit_test_setup_teardown(shot_without_a_staff_command_should_not_be_saved, setup, teardown),
		cmocka_unit_test_setup_teardown(closing_time_should_write_the_days_report, setup_closing, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
