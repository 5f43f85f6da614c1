/* test_controller_push_deferred.c: a push to a kiosk that holds the pack back for a
 * visitor session ("deferred" ack) is not a failure, and serve records the version of an
 * "applied" ack in the kiosk's row at once, so `status` is right before the kiosk's next
 * status message. A real mosquitto, `serve`, and the test playing the kiosks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_harness.h"

static void publish_ack(ctl_fx *f, const char *kiosk, const char *kind, int64_t version, const char *result,
                        const char *extra)
{
	char topic[128], json[512];
	snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/ack", kiosk);
	snprintf(json, sizeof json, "{\"kiosk\":\"%s\",\"kind\":\"%s\",\"version\":%lld,\"result\":\"%s\"%s}", kiosk,
	         kind, (long long)version, result, extra ? extra : "");
	ctl_publish(f, topic, json);
}

/* The next content envelope on `suffix`: its version. */
static int64_t next_content_version(ctl_fx *f, const char *suffix)
{
	hall_mqtt_msg m;
	hall_envelope env = {0};
	assert_true(ctl_next(f, suffix, 10000, &m));
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, m.payload, m.len, &env, NULL), HALL_OK);
	int64_t version = env.version;
	hall_envelope_free(&env);
	hall_mqtt_msg_free(&m);
	return version;
}

static void push_should_count_a_deferred_kiosk_as_answered_and_exit_0(void **state)
{
	ctl_fx *f = *state;
	char out[700], extra[160];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k-a", "lobby");
	ctl_kiosk_online(f, "k-b", "lobby");
	/* A long timeout: push must end on the answers, not on the timeout. */
	const char *args[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", "--timeout", "60", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	int64_t version = next_content_version(f, "/ctl/all/content");
	int64_t until = hall_clock_now_ms() + 300000;
	snprintf(extra, sizeof extra, ",\"reason\":\"session\",\"until\":%lld", (long long)until);
	publish_ack(f, "k-a", "content", version, "deferred", extra);
	publish_ack(f, "k-b", "content", version, "applied", ",\"reason\":\"\"");
	int rc = ctl_wait_exit(pid, 30000);
	char *text = ctl_read_text(out);
	if (rc != 0)
		fprintf(stderr, "push output:\n%s\n", text);
	assert_int_equal(rc, 0);
	hall_civil c;
	char when[64];
	assert_int_equal(hall_clock_to_civil(until, "Asia/Seoul", &c), 0);
	snprintf(when, sizeof when, "%02d:%02d:%02d", c.hour, c.minute, c.second);
	const char *line = strstr(text, "k-a");
	assert_non_null(line);
	assert_non_null(strstr(line, "deferred until the visitor's session ends (applies by "));
	assert_non_null(strstr(line, when));
	assert_non_null(strstr(text, "at the latest)"));
	assert_null(strstr(text, "no answer"));
	line = strstr(text, "k-b");
	assert_non_null(line);
	assert_non_null(strstr(line, "applied"));
	free(text);
}

static void push_should_still_fail_for_a_silent_kiosk_next_to_a_deferred_one(void **state)
{
	ctl_fx *f = *state;
	char out[700], extra[160];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k-a", "lobby");
	ctl_kiosk_online(f, "k-c", "lobby");
	const char *args[] = {"push", ctl_pack("controller/pack-good"), "--to", "all", "--yes", "--timeout", "3", NULL};
	pid_t pid = ctl_spawn(f, args, out);
	int64_t version = next_content_version(f, "/ctl/all/content");
	snprintf(extra, sizeof extra, ",\"reason\":\"session\",\"until\":%lld", (long long)(hall_clock_now_ms() + 300000));
	publish_ack(f, "k-a", "content", version, "deferred", extra); /* k-c stays silent */
	assert_int_equal(ctl_wait_exit(pid, 30000), 1);
	char *text = ctl_read_text(out);
	assert_non_null(strstr(text, "deferred until the visitor's session ends"));
	assert_non_null(strstr(text, "no answer within 3 s"));
	free(text);
}

static void read_versions(ctl_fx *f, const char *id, int64_t v[3])
{
	hall_store *s = ctl_open_db(f);
	hall_store_kiosk k;
	assert_int_equal(hall_store_kiosk_get(s, id, &k, NULL), HALL_OK);
	hall_store_close(s);
	v[0] = k.content_version;
	v[1] = k.schedule_version;
	v[2] = k.notice_version;
}

/* Wait (bounded) until serve stored k1's ack of (kind, version) with `result`; acks of
 * one kiosk are handled in order, so the last one's row means the earlier ones are in. */
static void wait_ack_stored(ctl_fx *f, const char *kind, int64_t version, const char *result)
{
	for (int i = 0; i < 200; i++) {
		hall_store *s = ctl_open_db(f);
		hall_store_ack a;
		bool got = hall_store_get_ack(s, "k1", kind, version, NULL, &a, NULL) == HALL_OK &&
		           strcmp(hall_ack_result_name(a.ack.result), result) == 0;
		hall_store_close(s);
		if (got)
			return;
		usleep(50 * 1000);
	}
	ctl_dump_log(f);
	fail_msg("serve never stored the %s %s ack of version %lld", kind, result, (long long)version);
}

static void applied_acks_should_move_the_kiosks_versions_forward_only(void **state)
{
	ctl_fx *f = *state;
	int64_t v[3];
	ctl_start_serve(f);
	ctl_kiosk_online(f, "k1", "lobby");
	read_versions(f, "k1", v);
	assert_int_equal(v[0], 0);

	publish_ack(f, "k1", "content", 7, "applied", ",\"reason\":\"\"");
	publish_ack(f, "k1", "schedule", 8, "applied", ",\"reason\":\"\"");
	publish_ack(f, "k1", "notice", 9, "applied", ",\"reason\":\"\"");
	wait_ack_stored(f, "notice", 9, "applied");
	read_versions(f, "k1", v);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[1], 8);
	assert_int_equal(v[2], 9);

	/* Not applied (rejected, deferred) or older: the row stays. */
	publish_ack(f, "k1", "content", 10, "rejected", ",\"reason\":\"exhibits[0].kind: unknown kind\"");
	publish_ack(f, "k1", "content", 11, "deferred",
	            ",\"reason\":\"session\",\"until\":4000000000000");
	publish_ack(f, "k1", "schedule", 3, "applied", ",\"reason\":\"\"");
	wait_ack_stored(f, "schedule", 3, "applied");
	read_versions(f, "k1", v);
	assert_int_equal(v[0], 7);
	assert_int_equal(v[1], 8);
	assert_int_equal(v[2], 9);

	/* The deferred pack applied later moves it on. */
	publish_ack(f, "k1", "content", 11, "applied", ",\"reason\":\"\"");
	wait_ack_stored(f, "content", 11, "applied");
	read_versions(f, "k1", v);
	assert_int_equal(v[0], 11);

	/* `status` shows it (the kiosk sent no status message at all). */
	const char *args[] = {"status", NULL};
	char *text = ctl_run_output(f, args, 0);
	const char *line = strstr(text, "k1");
	assert_non_null(line);
	assert_non_null(strstr(line, "11"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		CTL_TEST(push_should_count_a_deferred_kiosk_as_answered_and_exit_0),
		CTL_TEST(push_should_still_fail_for_a_silent_kiosk_next_to_a_deferred_one),
		CTL_TEST(applied_acks_should_move_the_kiosks_versions_forward_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
