/* test_controller_serve.c: `hall-controller serve` against a real mosquitto: events are
 * stored once, malformed ones counted and dropped, confirms follow commits, hello gets
 * the desired state, and a kill -9 mid-batch loses and doubles nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ctl_harness.h"
#include "packs.h"
#include "serve.h"

static int setup(void **state)
{
	return ctl_setup(state, "");
}

static int setup_allow_list(void **state)
{
	return ctl_setup(state, "\"kiosks\":[\"k1\"]");
}

static int teardown(void **state)
{
	return ctl_teardown(state);
}

static void mosquitto_pub(ctl_fx *f, const char *topic, const char *payload)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "mosquitto_pub -h 127.0.0.1 -p %d -q 1 -t '%s' -m '%s'", f->b.port, topic, payload);
	assert_int_equal(system(cmd), 0);
}

static void serve_should_store_an_event_once_when_mosquitto_pub_sends_it_twice(void **state)
{
	ctl_fx *f = *state;
	char ev[256];
	ctl_start_serve(f);
	ctl_event_json(ev, sizeof ev, "k1", 1);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	ctl_event_json(ev, sizeof ev, "k1", 2);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	assert_int_equal(ctl_wait_confirm(f, "k1", 2, 10000), 2);
	assert_int_equal(ctl_count_events(f, "k1"), 2);
	assert_int_equal(ctl_counter(f, HALL_COUNTER_EVENTS_STORED), 2);
	assert_int_equal(ctl_counter(f, HALL_COUNTER_EVENTS_DUPLICATE), 1);
}

static void serve_should_count_malformed_events_as_rejected_and_store_none_of_them(void **state)
{
	ctl_fx *f = *state;
	char ev[256];
	ctl_start_serve(f);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", "this is not json");
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", "{\"kiosk\":\"k1\",\"seq\":\"x\",\"ts\":1764057601234}");
	/* The event's kiosk must be the topic's. */
	ctl_event_json(ev, sizeof ev, "k2", 1);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	/* A batch: the bad event is rejected alone, the good one stored. */
	mosquitto_pub(f, "hall/v1/kiosk/k1/events",
	              "{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"a\","
	              "\"target\":\"b\"},{\"seq\":2,\"ts\":1764057601234,\"type\":\"dance\",\"exhibit\":\"a\","
	              "\"target\":\"b\"}]}");
	/* Still alive and storing. */
	ctl_event_json(ev, sizeof ev, "k1", 2);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	assert_int_equal(ctl_wait_confirm(f, "k1", 2, 10000), 2);
	assert_int_equal(ctl_count_events(f, "k1"), 2);
	assert_int_equal(ctl_count_events(f, "k2"), 0);
	/* Rejected counts are written with the next commit; wait for them (bounded). */
	int64_t rejected = 0;
	for (int i = 0; i < 100 && (rejected = ctl_counter(f, HALL_COUNTER_EVENTS_REJECTED)) < 4; i++)
		usleep(50 * 1000);
	assert_int_equal(rejected, 4);
	assert_true(kill(f->serve, 0) == 0);
}

static void serve_should_reject_kiosks_missing_from_the_allow_list(void **state)
{
	ctl_fx *f = *state;
	char ev[256];
	ctl_start_serve(f);
	ctl_event_json(ev, sizeof ev, "k9", 1);
	mosquitto_pub(f, "hall/v1/kiosk/k9/events", ev);
	ctl_event_json(ev, sizeof ev, "k1", 1);
	mosquitto_pub(f, "hall/v1/kiosk/k1/events", ev);
	assert_int_equal(ctl_wait_confirm(f, "k1", 1, 10000), 1);
	int64_t rejected = 0;
	for (int i = 0; i < 100 && (rejected = ctl_counter(f, HALL_COUNTER_EVENTS_REJECTED)) < 1; i++)
		usleep(50 * 1000);
	assert_int_equal(rejected, 1);
	assert_int_equal(ctl_count_events(f, "k9"), 0);
}

static void confirm_should_name_only_committed_events(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	for (int64_t seq = 1; seq <= 300; seq++) {
		char ev[256];
		ctl_event_json(ev, sizeof ev, "k1", seq);
		ctl_publish(f, "hall/v1/kiosk/k1/events", ev);
	}
	/* Every confirm we see must already be in the database when we look. */
	int64_t last = 0;
	int64_t until = hall_clock_mono_ms() + 20000;
	while (last < 300 && hall_clock_mono_ms() < until) {
		hall_mqtt_msg m;
		if (!ctl_next(f, "/ctl/kiosk/k1/confirm", 5000, &m))
			break;
		hall_confirm c;
		assert_int_equal(hall_proto_decode_confirm(m.payload, m.len, &c, NULL), HALL_OK);
		hall_mqtt_msg_free(&m);
		assert_true(ctl_count_events(f, "k1") >= c.seq);
		last = c.seq;
	}
	assert_int_equal(last, 300);
}

static void hello_should_get_the_desired_content_and_nothing_when_current(void **state)
{
	ctl_fx *f = *state;
	const char *payload = "{\"scope\":\"all\",\"version\":5,\"cleared\":false,\"manifest\":{\"id\":\"p\"}}";
	ctl_start_serve(f);
	hall_store *s = ctl_open_db(f);
	hall_store_desired d = {.kind = "content", .scope = "all", .version = 5, .updated = 1,
	                        .payload = (char *)payload, .payload_len = strlen(payload)};
	assert_int_equal(hall_store_set_desired(s, &d, NULL), HALL_OK);
	/* A vote, so every hello answer ends with a poll message we can sync on. */
	hall_event vote;
	hall_event_init(&vote);
	snprintf(vote.kiosk, sizeof vote.kiosk, "k0");
	vote.seq = 1;
	vote.ts = 1764057601234;
	vote.type = HALL_EVENT_VOTE;
	snprintf(vote.target, sizeof vote.target, "a");
	snprintf(vote.poll, sizeof vote.poll, "brand-vote");
	vote.session = 1;
	assert_int_equal(hall_store_insert_events(s, &vote, 1, NULL, NULL), HALL_OK);
	hall_store_close(s);

	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/kiosk/k1/content", 10000, &m));
	assert_int_equal(m.len, strlen(payload));
	assert_memory_equal(m.payload, payload, m.len);
	hall_mqtt_msg_free(&m);
	assert_true(ctl_next(f, "/ctl/kiosk/k1/poll", 10000, &m));
	hall_poll_results r;
	assert_int_equal(hall_proto_decode_poll_results(m.payload, m.len, &r, NULL), HALL_OK);
	assert_int_equal(r.total, 1);
	hall_mqtt_msg_free(&m);

	/* Holding version 5 already: the answer has a confirm and the poll, no content. */
	ctl_hello(f, "k1", "lobby", 5, 0, 1);
	bool content = false, poll = false;
	int64_t until = hall_clock_mono_ms() + 10000;
	while (!poll && hall_clock_mono_ms() < until) {
		if (!hall_mqtt_poll(f->kiosk, &m)) {
			hall_mqtt_wait(f->kiosk, 50);
			continue;
		}
		content = content || strstr(m.topic, "/ctl/kiosk/k1/content") != NULL;
		poll = strstr(m.topic, "/ctl/kiosk/k1/poll") != NULL;
		hall_mqtt_msg_free(&m);
	}
	assert_true(poll);
	assert_false(content);
}

static void hello_should_resend_a_queued_command_until_acked(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	hall_store *s = ctl_open_db(f);
	hall_store_command c = {.kiosk = "k1"};
	snprintf(c.cmd.id, sizeof c.cmd.id, "c-1");
	c.cmd.cmd = HALL_CMD_IDENTIFY;
	c.cmd.ts = hall_clock_now_ms();
	c.cmd.ttl_s = 600;
	assert_int_equal(hall_store_add_command(s, &c, NULL), HALL_OK);
	hall_store_close(s);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	hall_mqtt_msg m;
	assert_true(ctl_next(f, "/ctl/kiosk/k1/command", 10000, &m));
	hall_command got;
	assert_int_equal(hall_proto_decode_command(m.payload, m.len, &got, NULL), HALL_OK);
	assert_string_equal(got.id, "c-1");
	hall_mqtt_msg_free(&m);
	ctl_publish(f, "hall/v1/kiosk/k1/ack",
	            "{\"kiosk\":\"k1\",\"kind\":\"command\",\"id\":\"c-1\",\"result\":\"done\",\"reason\":\"\"}");
	/* Wait until the ack is recorded, then a new hello gets no command. */
	s = ctl_open_db(f);
	hall_store_ack a;
	bool acked = false;
	for (int i = 0; i < 200 && !acked; i++) {
		acked = hall_store_get_ack(s, "k1", "command", 0, "c-1", &a, NULL) == HALL_OK;
		if (!acked)
			usleep(50 * 1000);
	}
	hall_store_close(s);
	assert_true(acked);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 0, 10000), 0);
	assert_false(ctl_next(f, "/ctl/kiosk/k1/command", 500, &m));
}

/* A kiosk's contract: publish, keep what is unconfirmed, resend it. Here: 2000 events in
 * batches of 50; serve is killed with SIGKILL while they flow, restarted, and the "kiosk"
 * resends everything above the last confirm it saw. Exactly 2000 rows must result. */
/* Chunks of the asset seen until `quiet_ms` pass with none (bounded by 20 s): how many
 * streams started (chunks at offset 0) and how many chunks in all. */
static void count_streams(ctl_fx *f, int quiet_ms, int *streams, int *chunks)
{
	int64_t last = hall_clock_mono_ms(), until = last + 20000;
	*streams = *chunks = 0;
	while (hall_clock_mono_ms() - last < quiet_ms && hall_clock_mono_ms() < until) {
		hall_mqtt_msg m;
		if (!hall_mqtt_poll(f->kiosk, &m)) {
			hall_mqtt_wait(f->kiosk, 50);
			continue;
		}
		if (strstr(m.topic, "/ctl/asset/")) {
			hall_asset_chunk c;
			assert_int_equal(hall_proto_decode_asset_chunk(m.payload, m.len, &c, NULL), HALL_OK);
			(*chunks)++;
			if (c.offset == 0)
				(*streams)++;
			last = hall_clock_mono_ms();
		}
		hall_mqtt_msg_free(&m);
	}
}

/* Kiosks fetching the same asset at once share one stream (every chunk goes to everyone
 * subscribed to the asset's topic); a kiosk that asks again is served again. */
static void fetches_of_one_asset_at_once_should_share_one_stream(void **state)
{
	ctl_fx *f = *state;
	static const char sha[] = "abababababababababababababababababababababababababababababababab";
	char dir[700], path[800], topic[128], body[160];
	snprintf(dir, sizeof dir, "%s/packs/objects", f->data);
	assert_int_equal(hall_fs_mkdirs(dir, NULL), HALL_OK);
	assert_int_equal(hall_packs_object_path(path, sizeof path, f->data, sha), 0);
	size_t size = 2 * HALL_SERVE_CHUNK_BYTES + 100; /* three chunks */
	char *blob = calloc(1, size);
	assert_non_null(blob);
	assert_int_equal(hall_fs_write_atomic(path, blob, size, NULL), HALL_OK);
	free(blob);
	ctl_start_serve(f);

	snprintf(body, sizeof body, "{\"sha256\":\"%s\",\"offset\":0}", sha);
	for (int k = 0; k < 5; k++) {
		snprintf(topic, sizeof topic, "hall/v1/kiosk/k%d/fetch", k);
		ctl_publish(f, topic, body);
	}
	/* a later offset is inside the stream from 0, too */
	snprintf(body, sizeof body, "{\"sha256\":\"%s\",\"offset\":%u}", sha, HALL_SERVE_CHUNK_BYTES);
	ctl_publish(f, "hall/v1/kiosk/k5/fetch", body);
	int streams = 0, chunks = 0;
	count_streams(f, 1000, &streams, &chunks);
	assert_int_equal(streams, 1);
	assert_int_equal(chunks, 3);

	/* k0 asks again (it missed chunks): served, whether or not the stream is recent */
	snprintf(body, sizeof body, "{\"sha256\":\"%s\",\"offset\":0}", sha);
	ctl_publish(f, "hall/v1/kiosk/k0/fetch", body);
	count_streams(f, 1000, &streams, &chunks);
	assert_int_equal(streams, 1);
	assert_int_equal(chunks, 3);
	assert_int_equal(ctl_stop_serve(f), 0);
}

/* A kiosk whose data directory was wiped says hello with seq_max 0. The controller marks
 * it (alert) and confirms the highest seq it stores, gap or not, so the kiosk's next
 * events (numbered above the confirm) are stored rather than dropped as repeats. */
static void hello_below_the_stored_seqs_should_raise_an_alert_and_confirm_the_highest(void **state)
{
	ctl_fx *f = *state;
	ctl_start_serve(f);
	hall_store *s = ctl_open_db(f);
	hall_event evs[56];
	size_t n = 0;
	for (int64_t seq = 1; seq <= 60; seq++) {
		if (seq >= 51 && seq <= 54)
			continue; /* in flight when the kiosk's disk was wiped: lost */
		hall_event_init(&evs[n]);
		snprintf(evs[n].kiosk, sizeof evs[n].kiosk, "k1");
		evs[n].seq = seq;
		evs[n].ts = 1764057601234;
		evs[n].type = HALL_EVENT_TAP;
		n++;
	}
	assert_int_equal(hall_store_insert_events(s, evs, n, NULL, NULL), HALL_OK);
	hall_store_close(s);
	ctl_hello(f, "k1", "lobby", 0, 60, 51);
	assert_int_equal(ctl_wait_confirm(f, "k1", 50, 10000), 50);
	hall_store_kiosk k;
	s = ctl_open_db(f);
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	assert_false(k.alert);
	hall_store_close(s);

	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, "k1", 60, 10000), 60);
	s = ctl_open_db(f);
	assert_int_equal(hall_store_kiosk_get(s, "k1", &k, NULL), HALL_OK);
	assert_true(k.alert);
	assert_non_null(strstr(k.alert_reason, "spool lost"));
	int64_t top = 0;
	assert_int_equal(hall_store_max_seq(s, "k1", &top, NULL), HALL_OK);
	assert_int_equal(top, 60);
	assert_int_equal(hall_store_max_seq(s, "nobody", &top, NULL), HALL_OK);
	assert_int_equal(top, 0);
	hall_store_close(s);

	/* its next event, numbered after the confirm, is stored */
	char json[256];
	ctl_event_json(json, sizeof json, "k1", 61);
	ctl_publish(f, "hall/v1/kiosk/k1/events", json);
	assert_int_equal(ctl_wait_confirm(f, "k1", 61, 10000), 61);
	assert_int_equal(ctl_count_events(f, "k1"), 57);
	assert_int_equal(ctl_stop_serve(f), 0);
}

static void kill_9_mid_batch_should_lose_nothing_and_count_nothing_twice(void **state)
{
	ctl_fx *f = *state;
	const int64_t total = 2000;
	char *payload = malloc(64 * 1024);
	assert_non_null(payload);
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, 0, 1);
	int64_t confirmed = 0;
	for (int64_t first = 1; first <= total; first += 50) {
		size_t n = (size_t)snprintf(payload, 64 * 1024, "{\"kiosk\":\"k1\",\"events\":[");
		for (int64_t seq = first; seq < first + 50; seq++)
			n += (size_t)snprintf(payload + n, 64 * 1024 - n,
			                      "%s{\"seq\":%lld,\"ts\":1764057601234,\"type\":\"view\",\"exhibit\":\"brand\","
			                      "\"target\":\"p%lld\"}",
			                      seq == first ? "" : ",", (long long)seq, (long long)seq);
		snprintf(payload + n, 64 * 1024 - n, "]}");
		ctl_publish(f, "hall/v1/kiosk/k1/events", payload);
		if (first == 1001) {
			/* Kill while batches are in flight: some stored and unconfirmed, some not stored. */
			usleep(30 * 1000);
			ctl_kill_serve(f);
		}
	}
	/* What the kiosk saw confirmed before the kill. */
	hall_mqtt_msg m;
	while (ctl_next(f, "/ctl/kiosk/k1/confirm", 300, &m)) {
		hall_confirm c;
		if (hall_proto_decode_confirm(m.payload, m.len, &c, NULL) == HALL_OK && c.seq > confirmed)
			confirmed = c.seq;
		hall_mqtt_msg_free(&m);
	}
	assert_true(ctl_count_events(f, "k1") < total); /* the kill really interrupted it */
	ctl_start_serve(f);
	ctl_hello(f, "k1", "lobby", 0, total, confirmed + 1);
	for (int64_t first = confirmed + 1; first <= total; first += 50) {
		int64_t last = first + 49 > total ? total : first + 49;
		size_t n = (size_t)snprintf(payload, 64 * 1024, "{\"kiosk\":\"k1\",\"events\":[");
		for (int64_t seq = first; seq <= last; seq++)
			n += (size_t)snprintf(payload + n, 64 * 1024 - n,
			                      "%s{\"seq\":%lld,\"ts\":1764057601234,\"type\":\"view\",\"exhibit\":\"brand\","
			                      "\"target\":\"p%lld\"}",
			                      seq == first ? "" : ",", (long long)seq, (long long)seq);
		snprintf(payload + n, 64 * 1024 - n, "]}");
		ctl_publish(f, "hall/v1/kiosk/k1/events", payload);
	}
	free(payload);
	int64_t got = ctl_wait_confirm(f, "k1", total, 30000);
	if (got != total)
		ctl_dump_log(f);
	assert_int_equal(got, total);
	assert_int_equal(ctl_count_events(f, "k1"), total);
	assert_int_equal(ctl_counter(f, HALL_COUNTER_EVENTS_STORED), total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(serve_should_store_an_event_once_when_mosquitto_pub_sends_it_twice, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(serve_should_count_malformed_events_as_rejected_and_store_none_of_them, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(serve_should_reject_kiosks_missing_from_the_allow_list, setup_allow_list,
		                                teardown),
		cmocka_unit_test_setup_teardown(confirm_should_name_only_committed_events, setup, teardown),
		cmocka_unit_test_setup_teardown(hello_should_get_the_desired_content_and_nothing_when_current, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(hello_should_resend_a_queued_command_until_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(fetches_of_one_asset_at_once_should_share_one_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(hello_below_the_stored_seqs_should_raise_an_alert_and_confirm_the_highest,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(kill_9_mid_batch_should_lose_nothing_and_count_nothing_twice, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
