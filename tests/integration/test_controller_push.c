/* test_controller_push.c: push, rollback, clear, notice and status against a real
 * mosquitto, with `serve` tracking the fleet and the test playing the kiosks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_harness.h"
#include "hall/json.h"

static void kiosk_offline(ctl_fx *f, const char *id)
{
	char topic[128], json[128];
	snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/status", id);
	snprintf(json, sizeof json, "{\"kiosk\":\"%s\",\"online\":false}", id);
	ctl_publish(f, topic, json);
	/* Wait until serve has it. */
	for (int i = 0; i < 200; i++) {
		hall_store *s = ctl_open_db(f);
		hall_store_kiosk k;
		bool off = hall_store_kiosk_get(s, id, &k, NULL) == HALL_OK && !k.online;
		hall_store_close(s);
		if (off)
			return;
		usleep(50 * 1000);
	}
	fail_msg("kiosk %s never went offline", id);
}

/* Answer the next content envelope on `suffix` with acks from kiosks (result per kiosk);
 * returns the envelope's version. */
static int64_t ack_next_content(ctl_fx *f, const char *suffix, const char *const *kiosks,
                                const char *const *results, size_t n)
{
	hall_mqtt_msg m;
	hall_envelope env = {0};
	assert_true(ctl_next(f, suffix, 10000, &m));
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, m.payload, m.len, &env, NULL), HALL_OK);
	int64_t version = env.version;
	hall_envelope_free(&env);
	hall_mqtt_msg_free(&m);
	for (size_t i = 0; i < n; i++) {
		char topic[128], json[512];
		bool ok = strcmp(results[i], "applied") == 0;
		snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/ack", kiosks[i]);
		snprintf(json, sizeof json,
		         "{\"kiosk\":\"%s\",\"kind\":\"content\",\"version\":%lld,\"result\":\"%s\",\"reason\":\"%s\"}",
		         kiosks[i], (long long)version, results[i], ok ? "" : "exhibits[0].kind: unknown kind");
		ctl_publish(f, topic, json);
	}
	return version;
}

static void push_should_exit_0_at_once_when_no_kiosk_is_known(void **state)
{
	ctl_fx *f = *state;
	const char *args[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", NULL};
	char *text = ctl_run_output(f, args, 0);
	assert_non_null(strstr(text, "no kiosk known"));
	free(text);
	/* Published with the version stamped into the manifest, and recorded. */
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/all/content", 5000, &m));
	hall_envelope env = {0};
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, m.payload, m.len, &env, NULL), HALL_OK);
	assert_int_equal(env.version, 1);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(env.body, "version");
	assert_true(cJSON_IsNumber(v));
	assert_int_equal((int64_t)v->valuedouble, 1);
	hall_envelope_free(&env);
	hall_mqtt_msg_free(&m);
	hall_store *s = ctl_open_db(f);
	hall_store_desired d;
	assert_int_equal(hall_store_get_desired(s, "content", "all", &d, NULL), HALL_OK);
	assert_int_equal(d.version, 1);
	assert_int_equal(strlen(d.ref), 64);
	hall_store_desired_free(&d);
	hall_store_close(s);
	/* Its files are in the pack store under their sha256. */
	char obj[800];
	snprintf(obj, sizeof obj, "%s/packs/objects", f->data);
	assert_true(hall_fs_exists(obj));
}

static void push_should_refuse_a_bad_pack_naming_the_field_and_publish_nothing(void **state)
{
	ctl_fx *f = *state;
	const char *args[] = {"push", ctl_pack("controller/pack-bad"), "--to", "all", "--yes", NULL};
	pid_t pid = ctl_spawn(f, args, NULL);
	assert_int_equal(ctl_wait_exit(pid, 20000), 1);
	char *log = ctl_read_text(f->log);
	assert_non_null(strstr(log, "exhibits[0].kind"));
	assert_non_null(strstr(log, "video"));
	free(log);
	/* Nothing on the broker: our own marker arrives with no content before it. */
	ctl_publish(f, "hall/v1/ctl/test/marker", "{}");
	hall_mqtt_msg m;
	bool content = false, marker = false;
	int64_t until = hall_clock_mono_ms() + 5000;
	while (!marker && hall_clock_mono_ms() < until) {
		if (!hall_mqtt_poll(f->kiosk, &m)) {
			hall_mqtt_wait(f->kiosk, 50);
			continue;
		}
		content = content || strstr(m.topic, "/content") != NULL;
		marker = strstr(m.topic, "/test/marker") != NULL;
		hall_mqtt_msg_free(&m);
	}
	assert_true(marker);
	assert_false(content);
}

static void push_should_print_warnings_and_go_on(void **state)
{
	ctl_fx *f = *state;
	const char *args[] = {"push", ctl_pack("controller/pack-v2"), "--to", "group:lobby", "--allow-unknown", NULL};
	char *text = ctl_run_output(f, args, 0);
	assert_non_null(strstr(text, "warning: title: missing ja"));
	free(text);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/group/lobby/content", 5000, &m));
	hall_mqtt_msg_free(&m);
}

static void push_should_wait_for_acks_of_online_kiosks(void **state)
{
	ctl_fx *f = *state;
	char out[700];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k1", "lobby");
	ctl_kiosk_online(f, "k3", "lobby");
	kiosk_offline(f, "k3");
	const char *args[] = {"push", ctl_pack("controller/pack-good"), "--to", "group:lobby", "--timeout", "20", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	const char *kiosks[] = {"k1"}, *results[] = {"applied"};
	ack_next_content(f, "/ctl/group/lobby/content", kiosks, results, 1);
	assert_int_equal(ctl_wait_exit(pid, 30000), 0);
	char *text = ctl_read_text(out);
	assert_non_null(strstr(text, "k1"));
	assert_non_null(strstr(text, "applied"));
	assert_non_null(strstr(text, "k3"));
	assert_non_null(strstr(text, "offline"));
	free(text);
}

static void push_should_fail_when_an_online_kiosk_rejects_or_is_silent(void **state)
{
	ctl_fx *f = *state;
	char out[700];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k1", "lobby");
	ctl_kiosk_online(f, "k2", "lobby");
	ctl_kiosk_online(f, "k4", "lobby");
	const char *args[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", "--timeout", "3", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	const char *kiosks[] = {"k1", "k2"}, *results[] = {"applied", "rejected"};
	ack_next_content(f, "/ctl/all/content", kiosks, results, 2); /* k4 stays silent */
	assert_int_equal(ctl_wait_exit(pid, 30000), 1);
	char *text = ctl_read_text(out);
	assert_non_null(strstr(text, "rejected: exhibits[0].kind: unknown kind"));
	assert_non_null(strstr(text, "no answer within 3 s"));
	free(text);
}

static int history_actions(void *user, const hall_store_history *h)
{
	strcat((char *)user, h->action);
	strcat((char *)user, ",");
	return 0;
}

static void rollback_should_publish_the_previous_pack_under_a_new_version(void **state)
{
	ctl_fx *f = *state;
	const char *a1[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", NULL};
	const char *a2[] = {"push", ctl_pack("controller/pack-v2"), "--to", "all", "--yes", NULL};
	const char *a3[] = {"rollback", "--to", "all", "--yes", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a1, NULL), 20000), 0);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a2, NULL), 20000), 0);
	hall_store *s = ctl_open_db(f);
	hall_store_desired v2;
	char v2_ref[65];
	assert_int_equal(hall_store_get_desired(s, "content", "all", &v2, NULL), HALL_OK);
	snprintf(v2_ref, sizeof v2_ref, "%s", v2.ref);
	hall_store_desired_free(&v2);
	hall_store_close(s);

	int rc = ctl_wait_exit(ctl_spawn(f, a3, NULL), 20000);
	if (rc != 0)
		ctl_dump_log(f);
	assert_int_equal(rc, 0);
	s = ctl_open_db(f);
	hall_store_desired now;
	assert_int_equal(hall_store_get_desired(s, "content", "all", &now, NULL), HALL_OK);
	assert_int_equal(now.version, 3);
	assert_string_not_equal(now.ref, v2_ref);
	char log[64] = "";
	assert_int_equal(hall_store_each_history(s, "all", "content", 0, history_actions, log, NULL), HALL_OK);
	assert_string_equal(log, "rollback,push,push,");
	hall_store_desired_free(&now);
	hall_store_close(s);
	/* The manifest published by the rollback is pack-good's, stamped with version 3. */
	hall_mqtt_msg m;
	int64_t seen = 0;
	char title[128] = "";
	while (seen != 3 && ctl_next(f, "/ctl/all/content", 5000, &m)) {
		hall_envelope env = {0};
		if (hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, m.payload, m.len, &env, NULL) == HALL_OK) {
			seen = env.version;
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(env.body, "title");
			const cJSON *en = cJSON_GetObjectItemCaseSensitive(t, "en");
			snprintf(title, sizeof title, "%s", cJSON_IsString(en) ? en->valuestring : "");
		}
		hall_envelope_free(&env);
		hall_mqtt_msg_free(&m);
	}
	assert_int_equal(seen, 3);
	assert_string_equal(title, "시험 팩");
}

static void push_clear_should_publish_a_cleared_override(void **state)
{
	ctl_fx *f = *state;
	const char *a1[] = {"push", ctl_pack("controller/pack-good"), "--to", "kiosk:k1", "--allow-unknown", NULL};
	const char *a2[] = {"push", "--clear", "--to", "kiosk:k1", "--allow-unknown", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a1, NULL), 20000), 0);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a2, NULL), 20000), 0);
	hall_mqtt_msg m;
	bool cleared = false;
	while (!cleared && ctl_next(f, "/ctl/kiosk/k1/content", 5000, &m)) {
		hall_envelope env = {0};
		cleared = hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, m.payload, m.len, &env, NULL) == HALL_OK &&
		          env.cleared && env.version == 2;
		hall_envelope_free(&env);
		hall_mqtt_msg_free(&m);
	}
	assert_true(cleared);
}

static void notice_should_publish_the_text_in_its_language(void **state)
{
	ctl_fx *f = *state;
	const char *args[] = {"notice", "오늘", "18시", "폐관", "--to", "all", "--yes", "--level", "urgent", "--text", "en=Closing at 18:00", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, args, NULL), 20000), 0);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/all/notice", 5000, &m));
	hall_envelope env = {0};
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_NOTICE, m.payload, m.len, &env, NULL), HALL_OK);
	hall_notice n;
	assert_int_equal(hall_proto_notice_from_json(env.body, "notice", &n, NULL), HALL_OK);
	assert_int_equal(n.level, HALL_NOTICE_URGENT);
	assert_string_equal(n.text[HALL_LANG_KO], "오늘 18시 폐관");
	assert_string_equal(n.text[HALL_LANG_EN], "Closing at 18:00");
	hall_envelope_free(&env);
	hall_mqtt_msg_free(&m);
}

static void usage_errors_should_name_the_argument_and_exit_2(void **state)
{
	ctl_fx *f = *state;
	const char *a1[] = {"push", ctl_pack("controller/pack-good"), NULL};
	const char *a2[] = {"push", ctl_pack("controller/pack-good"), "--to", "everyone", NULL};
	const char *a3[] = {"command", "show", "--to", "kiosk:k1", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a1, NULL), 20000), 2);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a2, NULL), 20000), 2);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a3, NULL), 20000), 2);
	char *log = ctl_read_text(f->log);
	assert_non_null(strstr(log, "--to: missing"));
	assert_non_null(strstr(log, "\"everyone\" is not all"));
	assert_non_null(strstr(log, "EXHIBIT: missing"));
	free(log);
}

static void status_should_list_every_kiosk_with_its_state(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k1", "lobby");
	ctl_kiosk_online(f, "k2", "model");
	kiosk_offline(f, "k2");
	/* The alert is marked right after the transition is stored: wait for it too. */
	bool alert = false;
	for (int i = 0; i < 200 && !alert; i++) {
		hall_store *s = ctl_open_db(f);
		hall_store_kiosk k;
		alert = hall_store_kiosk_get(s, "k2", &k, NULL) == HALL_OK && k.alert;
		hall_store_close(s);
		if (!alert)
			usleep(50 * 1000);
	}
	assert_true(alert);
	const char *args[] = {"status", NULL};
	char *text = ctl_run_output(f, args, 0);
	assert_non_null(strstr(text, "k1"));
	assert_non_null(strstr(text, "online"));
	assert_non_null(strstr(text, "OFFLINE"));
	/* No schedule pushed = always open: an offline kiosk raises an alert. */
	assert_non_null(strstr(text, "ALERT: offline during opening hours"));
	free(text);
	/* Staff saw to it. */
	const char *clear[] = {"status", "--clear-alert", "k2", NULL};
	text = ctl_run_output(f, clear, 0);
	assert_non_null(strstr(text, "alert of k2 cleared"));
	assert_null(strstr(text, "ALERT:"));
	free(text);
}

static void schedule_push_should_refuse_exhibits_the_content_lacks(void **state)
{
	ctl_fx *f = *state;
	const char *a1[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", NULL};
	const char *a2[] = {"schedule", "push", ctl_pack("controller/schedule-missing-exhibit.json"), "--to", "all", "--yes", NULL};
	const char *a3[] = {"schedule", "push", ctl_pack("controller/schedule-bad.json"), "--to", "all", "--yes", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a1, NULL), 20000), 0);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a2, NULL), 20000), 1);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a3, NULL), 20000), 1);
	char *log = ctl_read_text(f->log);
	assert_non_null(strstr(log, "items[0].show.exhibit"));
	assert_non_null(strstr(log, "items[0].start"));
	free(log);
	hall_store *s = ctl_open_db(f);
	hall_store_desired d;
	assert_int_equal(hall_store_get_desired(s, "schedule", "all", &d, NULL), HALL_ERR_NOT_FOUND);
	hall_store_close(s);
}

static void schedule_push_should_publish_a_valid_schedule(void **state)
{
	ctl_fx *f = *state;
	const char *a1[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", NULL};
	const char *a2[] = {"schedule", "push", ctl_pack("controller/schedule-good.json"), "--to", "group:lobby", "--allow-unknown", NULL};
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a1, NULL), 20000), 0);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, a2, NULL), 20000), 0);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/group/lobby/schedule", 5000, &m));
	hall_envelope env = {0};
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_SCHEDULE, m.payload, m.len, &env, NULL), HALL_OK);
	assert_int_equal(env.version, 2);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(env.body, "opening_hours"));
	hall_envelope_free(&env);
	hall_mqtt_msg_free(&m);
}

static void command_should_be_sent_to_an_online_kiosk_and_wait_for_done(void **state)
{
	ctl_fx *f = *state;
	char out[700];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k1", "lobby");
	const char *args[] = {"command", "show", "vote", "--to", "kiosk:k1", "--ttl", "60", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/kiosk/k1/command", 10000, &m));
	hall_command c;
	assert_int_equal(hall_proto_decode_command(m.payload, m.len, &c, NULL), HALL_OK);
	hall_mqtt_msg_free(&m);
	assert_int_equal(c.cmd, HALL_CMD_SHOW);
	assert_string_equal(c.exhibit, "vote");
	assert_int_equal(c.ttl_s, 60);
	char json[256];
	snprintf(json, sizeof json, "{\"kiosk\":\"k1\",\"kind\":\"command\",\"id\":\"%s\",\"result\":\"done\",\"reason\":\"\"}",
	         c.id);
	ctl_publish(f, "hall/v1/kiosk/k1/ack", json);
	assert_int_equal(ctl_wait_exit(pid, 30000), 0);
	char *text = ctl_read_text(out);
	assert_non_null(strstr(text, "done"));
	free(text);
	/* The history names it. */
	const char *hist[] = {"history", NULL};
	text = ctl_run_output(f, hist, 0);
	assert_non_null(strstr(text, "command"));
	assert_non_null(strstr(text, "kiosk:k1"));
	assert_non_null(strstr(text, "show vote"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CTL_TEST(push_should_exit_0_at_once_when_no_kiosk_is_known),
		CTL_TEST(push_should_refuse_a_bad_pack_naming_the_field_and_publish_nothing),
		CTL_TEST(push_should_print_warnings_and_go_on),
		CTL_TEST(push_should_wait_for_acks_of_online_kiosks),
		CTL_TEST(push_should_fail_when_an_online_kiosk_rejects_or_is_silent),
		CTL_TEST(rollback_should_publish_the_previous_pack_under_a_new_version),
		CTL_TEST(push_clear_should_publish_a_cleared_override),
		CTL_TEST(notice_should_publish_the_text_in_its_language),
		CTL_TEST(usage_errors_should_name_the_argument_and_exit_2),
		CTL_TEST(status_should_list_every_kiosk_with_its_state),
		CTL_TEST(schedule_push_should_refuse_exhibits_the_content_lacks),
		CTL_TEST(schedule_push_should_publish_a_valid_schedule),
		CTL_TEST(command_should_be_sent_to_an_online_kiosk_and_wait_for_done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
