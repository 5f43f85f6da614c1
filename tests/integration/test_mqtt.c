/* test_mqtt.c: the MQTT session wrapper (core/src/mqtt.c) against a real mosquitto on a
 * free loopback port. Every wait is bounded (WAIT_MS); nothing asserts on timing. */
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "broker.h"
#include "hall/mqtt.h"

#define WAIT_MS 15000

static hall_test_broker broker;

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

typedef struct counters {
	pthread_mutex_t lock;
	int acks;
	int wakes;
	int ups, downs;
	int last_mid;
} counters;

static void on_publish(void *ctx, int mid)
{
	counters *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->acks++;
	c->last_mid = mid;
	pthread_mutex_unlock(&c->lock);
}

static void on_connect(void *ctx, bool up)
{
	counters *c = ctx;
	pthread_mutex_lock(&c->lock);
	if (up)
		c->ups++;
	else
		c->downs++;
	pthread_mutex_unlock(&c->lock);
}

static void on_wake(void *ctx)
{
	counters *c = ctx;
	pthread_mutex_lock(&c->lock);
	c->wakes++;
	pthread_mutex_unlock(&c->lock);
}

static int counter_get(counters *c, const int *field)
{
	int v;
	pthread_mutex_lock(&c->lock);
	v = *field;
	pthread_mutex_unlock(&c->lock);
	return v;
}

static hall_mqtt *make_session(const char *id, counters *c, const char *will_topic, const char *will)
{
	hall_mqtt_config cfg;
	hall_mqtt *s = NULL;
	hall_error err = {0};
	memset(&cfg, 0, sizeof cfg);
	cfg.host = broker.host;
	cfg.port = broker.port;
	cfg.client_id = id;
	cfg.username = id;
	cfg.clean_session = true;
	cfg.keepalive_s = 10;
	cfg.reconnect_min_s = 1;
	cfg.reconnect_max_s = 2;
	cfg.will_topic = will_topic;
	cfg.will_payload = will;
	cfg.will_len = will ? strlen(will) : 0;
	cfg.will_retain = true;
	if (c) {
		cfg.on_publish = on_publish;
		cfg.on_connect = on_connect;
		cfg.wake = on_wake;
		cfg.ctx = c;
	}
	if (hall_mqtt_create(&cfg, &s, &err) != HALL_OK)
		fail_msg("create %s: %s: %s", id, err.path, err.msg);
	return s;
}

static void start_ok(hall_mqtt *s)
{
	hall_error err = {0};
	assert_int_equal(hall_mqtt_start(s, &err), HALL_OK);
}

static void subscribe_ok(hall_mqtt *s, const char *filter)
{
	hall_error err = {0};
	assert_int_equal(hall_mqtt_subscribe(s, filter, &err), HALL_OK);
}

static bool wait_connected(hall_mqtt *s)
{
	int64_t until = now_ms() + WAIT_MS;
	while (!hall_mqtt_is_connected(s) && now_ms() < until)
		hall_mqtt_wait(s, 100);
	return hall_mqtt_is_connected(s);
}

static bool wait_subacks(hall_mqtt *s, uint64_t n)
{
	int64_t until = now_ms() + WAIT_MS;
	hall_mqtt_stats st;
	for (;;) {
		hall_mqtt_get_stats(s, &st);
		if (st.subacks >= n || now_ms() >= until)
			return st.subacks >= n;
		hall_mqtt_wait(s, 100);
	}
}

/* Wait for the next message; false after WAIT_MS. */
static bool next_msg(hall_mqtt *s, hall_mqtt_msg *m)
{
	int64_t until = now_ms() + WAIT_MS;
	while (now_ms() < until) {
		if (hall_mqtt_poll(s, m))
			return true;
		hall_mqtt_wait(s, 200);
	}
	return false;
}

static void publish_ok(hall_mqtt *s, const char *topic, const char *payload, bool retain)
{
	hall_error err = {0};
	hall_err e = hall_mqtt_publish(s, topic, payload, strlen(payload), retain, NULL, &err);
	if (e != HALL_OK)
		fail_msg("publish %s: %s", topic, err.msg);
}

static void expect_msg(hall_mqtt *s, const char *topic, const char *payload)
{
	hall_mqtt_msg m = {0};
	if (!next_msg(s, &m))
		fail_msg("no message on %s within %d ms", topic, WAIT_MS);
	assert_string_equal(m.topic, topic);
	assert_int_equal(m.len, strlen(payload));
	assert_memory_equal(m.payload, payload, m.len);
	hall_mqtt_msg_free(&m);
}

static int setup(void **state)
{
	(void)state;
	return hall_test_broker_start(&broker, NULL);
}

static int teardown(void **state)
{
	(void)state;
	hall_test_broker_cleanup(&broker);
	return 0;
}

static void publish_should_be_refused_when_not_connected(void **state)
{
	hall_mqtt *s = make_session("offline-1", NULL, NULL, NULL);
	hall_error err = {0};
	(void)state;
	assert_false(hall_mqtt_is_connected(s));
	assert_int_equal(hall_mqtt_publish(s, "hall/v1/x", "a", 1, false, NULL, &err), HALL_ERR_NET);
	assert_int_equal(hall_mqtt_publish(s, "hall/v1/+", "a", 1, false, NULL, &err), HALL_ERR_INVALID);
	hall_mqtt_destroy(s);
}

static void create_should_reject_a_bad_config(void **state)
{
	hall_mqtt_config cfg;
	hall_mqtt *s = NULL;
	hall_error err = {0};
	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.host = "127.0.0.1";
	cfg.port = 0;
	cfg.client_id = "x";
	assert_int_equal(hall_mqtt_create(&cfg, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "mqtt.port");
	cfg.port = 1883;
	cfg.will_topic = "bad/#";
	assert_int_equal(hall_mqtt_create(&cfg, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "mqtt.will_topic");
	assert_null(s);
}

static void message_should_round_trip_through_the_broker(void **state)
{
	counters c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	hall_mqtt *sub = make_session("rt-sub", &c, NULL, NULL);
	hall_mqtt *pub = make_session("rt-pub", NULL, NULL, NULL);
	hall_mqtt_msg m = {0};
	const unsigned char bin[] = { 0, 1, 2, 0xff, 0, 'x' };
	hall_error err = {0};
	(void)state;
	subscribe_ok(sub, "hall/v1/ctl/kiosk/k1/confirm");
	start_ok(sub);
	start_ok(pub);
	assert_true(wait_connected(sub));
	assert_true(wait_connected(pub));
	assert_true(wait_subacks(sub, 1));
	assert_int_equal(hall_mqtt_publish(pub, "hall/v1/ctl/kiosk/k1/confirm", bin, sizeof bin, false, NULL, &err),
	                 HALL_OK);
	assert_true(next_msg(sub, &m));
	assert_string_equal(m.topic, "hall/v1/ctl/kiosk/k1/confirm");
	assert_int_equal(m.len, sizeof bin); /* bytes with a length, NULs included */
	assert_memory_equal(m.payload, bin, sizeof bin);
	assert_false(m.retain);
	hall_mqtt_msg_free(&m);
	assert_true(counter_get(&c, &c.wakes) >= 1);
	assert_int_equal(counter_get(&c, &c.ups), 1);
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

static void exact_subscription_should_receive_only_its_topic(void **state)
{
	hall_mqtt *sub = make_session("ex-sub", NULL, NULL, NULL);
	hall_mqtt *pub = make_session("ex-pub", NULL, NULL, NULL);
	(void)state;
	subscribe_ok(sub, "hall/v1/ctl/all/notice");
	subscribe_ok(sub, "hall/v1/ctl/all/notice"); /* twice is once */
	subscribe_ok(sub, "test/sentinel");
	start_ok(sub);
	start_ok(pub);
	assert_true(wait_connected(pub));
	assert_true(wait_subacks(sub, 2));
	/* One publisher, QoS 1: the broker keeps their order, so anything wrongly delivered
	 * would arrive before the sentinel. */
	publish_ok(pub, "hall/v1/ctl/all/notice/x", "no1", false);
	publish_ok(pub, "hall/v1/ctl/all/noticex", "no2", false);
	publish_ok(pub, "hall/v1/ctl/all", "no3", false);
	publish_ok(pub, "hall/v1/ctl/all/notice", "yes", false);
	publish_ok(pub, "test/sentinel", "end", false);
	expect_msg(sub, "hall/v1/ctl/all/notice", "yes");
	expect_msg(sub, "test/sentinel", "end");
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

static void publish_should_report_every_puback_to_the_completion_callback(void **state)
{
	counters c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	hall_mqtt *sub = make_session("pa-sub", NULL, NULL, NULL);
	hall_mqtt *pub = make_session("pa-pub", &c, NULL, NULL);
	hall_error err = {0};
	hall_mqtt_stats st;
	int mids[300];
	int i, j;
	int64_t until;
	(void)state;
	subscribe_ok(sub, "test/count");
	start_ok(sub);
	start_ok(pub);
	assert_true(wait_connected(pub));
	assert_true(wait_subacks(sub, 1));
	for (i = 0; i < 300; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "%d", i);
		assert_int_equal(hall_mqtt_publish(pub, "test/count", buf, strlen(buf), false, &mids[i], &err), HALL_OK);
		assert_true(mids[i] > 0);
		for (j = 0; j < i; j++)
			assert_int_not_equal(mids[i], mids[j]);
	}
	until = now_ms() + WAIT_MS;
	while (counter_get(&c, &c.acks) < 300 && now_ms() < until)
		sleep_ms(10);
	assert_int_equal(counter_get(&c, &c.acks), 300);
	hall_mqtt_get_stats(pub, &st);
	assert_int_equal(st.published, 300);
	assert_int_equal(st.acked, 300);
	for (i = 0; i < 300; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "%d", i);
		expect_msg(sub, "test/count", buf);
	}
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

/* A child process connects with a Will, says so through `ready`, waits for a byte on
 * `go`, then either leaves cleanly (stop with a final message) or waits to be killed.
 * It is forked before this test starts any session of its own, so no other thread of
 * ours can hold a lock the child would need. */
static pid_t spawn_will_client(const char *id, bool clean_stop, int *ready_fd, int *go_fd)
{
	int rfds[2], gfds[2];
	pid_t pid;
	assert_int_equal(pipe(rfds), 0);
	assert_int_equal(pipe(gfds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char will[128], topic[128], b;
		hall_mqtt *s;
		hall_error err = {0};
		close(rfds[0]);
		close(gfds[1]);
		snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/status", id);
		snprintf(will, sizeof will, "{\"kiosk\":\"%s\",\"online\":false}", id);
		s = make_session(id, NULL, topic, will);
		if (hall_mqtt_start(s, &err) != HALL_OK || !wait_connected(s))
			_exit(2);
		if (write(rfds[1], "1", 1) != 1 || read(gfds[0], &b, 1) != 1)
			_exit(3);
		if (clean_stop) {
			const char *bye = "{\"online\":false,\"clean\":true}";
			if (hall_mqtt_stop(s, topic, bye, strlen(bye), true, 5000, &err) != HALL_OK)
				_exit(4);
			hall_mqtt_destroy(s);
			_exit(0);
		}
		for (;;)
			pause();
	}
	close(rfds[1]);
	close(gfds[0]);
	*ready_fd = rfds[0];
	*go_fd = gfds[1];
	return pid;
}

static bool wait_ready(int fd)
{
	char b;
	bool ok = read(fd, &b, 1) == 1; /* the child exits (EOF) on failure */
	close(fd);
	return ok;
}

static void let_go(int fd)
{
	assert_int_equal(write(fd, "g", 1), 1);
	close(fd);
}

static void will_should_be_published_when_the_client_is_killed(void **state)
{
	hall_mqtt *sub;
	int ready, go, status;
	pid_t pid;
	hall_mqtt_msg m = {0};
	(void)state;
	pid = spawn_will_client("k9", false, &ready, &go);
	assert_true(wait_ready(ready));
	sub = make_session("will-sub", NULL, NULL, NULL);
	subscribe_ok(sub, "hall/v1/kiosk/k9/status");
	start_ok(sub);
	assert_true(wait_subacks(sub, 1));
	let_go(go);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(next_msg(sub, &m));
	assert_string_equal(m.topic, "hall/v1/kiosk/k9/status");
	assert_int_equal(m.len, strlen("{\"kiosk\":\"k9\",\"online\":false}"));
	assert_memory_equal(m.payload, "{\"kiosk\":\"k9\",\"online\":false}", m.len);
	hall_mqtt_msg_free(&m);
	hall_mqtt_destroy(sub);
}

static bool broker_log_has(const char *needle)
{
	char path[700], line[512];
	bool found = false;
	FILE *f;
	snprintf(path, sizeof path, "%s/mosquitto.log", broker.dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static void clean_stop_should_send_the_final_message_and_not_the_will(void **state)
{
	hall_mqtt *sub, *pub;
	int ready, go, status;
	pid_t pid;
	int64_t until;
	(void)state;
	pid = spawn_will_client("k8", true, &ready, &go);
	assert_true(wait_ready(ready));
	sub = make_session("clean-sub", NULL, NULL, NULL);
	pub = make_session("clean-pub", NULL, NULL, NULL);
	subscribe_ok(sub, "hall/v1/kiosk/k8/status");
	subscribe_ok(sub, "test/sentinel2");
	start_ok(sub);
	start_ok(pub);
	assert_true(wait_connected(pub));
	assert_true(wait_subacks(sub, 2));
	let_go(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	expect_msg(sub, "hall/v1/kiosk/k8/status", "{\"online\":false,\"clean\":true}");
	/* The broker logs "Client k8 disconnected." for a DISCONNECT; once it did, a Will
	 * would have been queued before anything published afterwards. */
	until = now_ms() + WAIT_MS;
	while (!broker_log_has("Client k8 disconnected.") && now_ms() < until)
		sleep_ms(20);
	assert_true(broker_log_has("Client k8 disconnected."));
	publish_ok(pub, "test/sentinel2", "end", false);
	expect_msg(sub, "test/sentinel2", "end");
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

static void session_should_reconnect_and_subscribe_again_after_a_broker_restart(void **state)
{
	counters c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	hall_mqtt *sub = make_session("re-sub", &c, NULL, NULL);
	hall_mqtt *pub;
	hall_mqtt_stats st;
	hall_error err = {0};
	int64_t until;
	(void)state;
	subscribe_ok(sub, "hall/v1/ctl/kiosk/k2/command");
	start_ok(sub);
	assert_true(wait_connected(sub));
	assert_true(wait_subacks(sub, 1));

	assert_int_equal(hall_test_broker_stop(&broker), 0);
	until = now_ms() + WAIT_MS;
	while (hall_mqtt_is_connected(sub) && now_ms() < until)
		hall_mqtt_wait(sub, 100);
	assert_false(hall_mqtt_is_connected(sub));
	/* The flag drops before the callback runs (both on the network thread): wait for it. */
	until = now_ms() + WAIT_MS;
	while (counter_get(&c, &c.downs) < 1 && now_ms() < until)
		sleep_ms(10);
	assert_int_equal(counter_get(&c, &c.downs), 1);
	assert_int_equal(hall_mqtt_publish(sub, "test/x", "a", 1, false, NULL, &err), HALL_ERR_NET);

	/* The broker comes back without persistence: it knows no subscriptions. */
	assert_int_equal(hall_test_broker_restart(&broker), 0);
	assert_true(wait_connected(sub));
	assert_true(wait_subacks(sub, 2));
	hall_mqtt_get_stats(sub, &st);
	assert_int_equal(st.connects, 2);
	assert_int_equal(counter_get(&c, &c.ups), 2);

	pub = make_session("re-pub", NULL, NULL, NULL);
	start_ok(pub);
	assert_true(wait_connected(pub));
	publish_ok(pub, "hall/v1/ctl/kiosk/k2/command", "{\"id\":\"c-1\"}", false);
	expect_msg(sub, "hall/v1/ctl/kiosk/k2/command", "{\"id\":\"c-1\"}");
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

static void session_should_notice_a_crashed_broker_and_reconnect_after_it_returns(void **state)
{
	counters c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	hall_mqtt *s = make_session("crash-1", &c, NULL, NULL);
	int64_t until;
	(void)state;
	subscribe_ok(s, "test/crash");
	start_ok(s);
	assert_true(wait_subacks(s, 1));
	assert_int_equal(hall_test_broker_kill(&broker), 0);
	until = now_ms() + WAIT_MS;
	while (hall_mqtt_is_connected(s) && now_ms() < until)
		hall_mqtt_wait(s, 100);
	assert_false(hall_mqtt_is_connected(s));
	assert_int_equal(hall_test_broker_restart(&broker), 0);
	assert_true(wait_subacks(s, 2));
	publish_ok(s, "test/crash", "back", false);
	expect_msg(s, "test/crash", "back");
	assert_int_equal(counter_get(&c, &c.ups), 2);
	hall_mqtt_destroy(s);
}

static void stop_should_return_while_the_broker_is_down(void **state)
{
	hall_mqtt_config cfg;
	hall_mqtt *s = NULL;
	hall_error err = {0};
	hall_test_broker down;
	(void)state;
	/* A port nobody listens on: start a broker and stop it. */
	assert_int_equal(hall_test_broker_start(&down, NULL), 0);
	hall_test_broker_stop(&down);
	memset(&cfg, 0, sizeof cfg);
	cfg.host = down.host;
	cfg.port = down.port;
	cfg.client_id = "down-1";
	/* A backoff the stop must interrupt: if it did not, this test would hang until ctest's
	 * timeout fails it. */
	cfg.reconnect_min_s = 3600;
	cfg.reconnect_max_s = 3600;
	assert_int_equal(hall_mqtt_create(&cfg, &s, &err), HALL_OK);
	start_ok(s);
	sleep_ms(300);
	assert_false(hall_mqtt_is_connected(s));
	assert_int_equal(hall_mqtt_stop(s, "hall/v1/kiosk/down-1/status", "x", 1, true, 100, &err), HALL_ERR_NET);
	hall_mqtt_destroy(s);
	hall_test_broker_cleanup(&down);
}

/* Failover along a list (hall/mqtt.h): the first broker is down, so the session starts on
 * the second; when that one dies it wraps round to the first (back by then), says so in
 * its stats, and subscribes again there. */
static void list_should_skip_a_dead_broker_and_move_on_when_its_broker_dies(void **state)
{
	hall_mqtt_config cfg;
	hall_mqtt *s = NULL;
	hall_mqtt_stats st;
	hall_error err = {0};
	hall_test_broker a;
	char name_a[HALL_MQTT_ADDR_MAX], name_b[HALL_MQTT_ADDR_MAX];
	(void)state;
	assert_int_equal(hall_test_broker_start(&a, NULL), 0);
	hall_test_broker_stop(&a);
	hall_mqtt_addr list[2] = {{a.host, a.port}, {broker.host, broker.port}};
	snprintf(name_a, sizeof name_a, "%s:%d", a.host, a.port);
	snprintf(name_b, sizeof name_b, "%s:%d", broker.host, broker.port);
	memset(&cfg, 0, sizeof cfg);
	cfg.brokers = list;
	cfg.n_brokers = 2;
	cfg.client_id = "list-1";
	cfg.clean_session = true;
	assert_int_equal(hall_mqtt_create(&cfg, &s, &err), HALL_OK);
	subscribe_ok(s, "test/list");
	start_ok(s);
	assert_true(wait_connected(s));
	hall_mqtt_get_stats(s, &st);
	assert_string_equal(st.broker, name_b);
	assert_int_equal(st.moves, 0); /* the first connection moved from nowhere */
	assert_true(wait_subacks(s, 1));
	publish_ok(s, "test/list", "on b", false);
	expect_msg(s, "test/list", "on b");

	assert_int_equal(hall_test_broker_restart(&a), 0);
	assert_int_equal(hall_test_broker_kill(&broker), 0);
	int64_t until = now_ms() + WAIT_MS;
	do {
		hall_mqtt_wait(s, 100);
		hall_mqtt_get_stats(s, &st);
	} while (st.connects < 2 && now_ms() < until);
	assert_int_equal(st.connects, 2);
	assert_true(wait_connected(s));
	hall_mqtt_get_stats(s, &st);
	assert_string_equal(st.broker, name_a);
	assert_int_equal(st.moves, 1);
	assert_true(wait_subacks(s, 2)); /* subscribed again on a */
	publish_ok(s, "test/list", "on a", false);
	expect_msg(s, "test/list", "on a");
	hall_mqtt_destroy(s);
	hall_test_broker_cleanup(&a);

	/* a bad entry is named */
	hall_mqtt_addr bad[2] = {{"127.0.0.1", 1883}, {"", 1883}};
	cfg.brokers = bad;
	assert_int_equal(hall_mqtt_create(&cfg, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "mqtt.brokers");
	assert_non_null(strstr(err.msg, "entry 2"));
}

/* A kiosk (hall/link) and the controller share the default cap: 10 s, so after a broker
 * outage kiosks are back about when the controller is. */
static void reconnect_backoff_should_be_capped_at_10_s_by_default(void **state)
{
	hall_mqtt_config cfg;
	hall_mqtt *s = NULL;
	hall_mqtt_stats st;
	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.host = "127.0.0.1";
	cfg.port = 1;
	cfg.client_id = "cap-1";
	assert_int_equal(hall_mqtt_create(&cfg, &s, NULL), HALL_OK);
	hall_mqtt_get_stats(s, &st);
	assert_int_equal(st.reconnect_max_s, 10);
	assert_int_equal(HALL_MQTT_RECONNECT_MAX_S, 10);
	hall_mqtt_destroy(s);
	cfg.reconnect_max_s = 4;
	assert_int_equal(hall_mqtt_create(&cfg, &s, NULL), HALL_OK);
	hall_mqtt_get_stats(s, &st);
	assert_int_equal(st.reconnect_max_s, 4);
	hall_mqtt_destroy(s);
}

static void full_queue_should_keep_the_oldest_and_count_what_it_dropped(void **state)
{
	hall_mqtt_config cfg;
	hall_mqtt *sub = NULL;
	hall_mqtt *pub = make_session("q-pub", NULL, NULL, NULL);
	hall_error err = {0};
	hall_mqtt_stats st;
	int64_t until;
	int i;
	(void)state;
	memset(&cfg, 0, sizeof cfg);
	cfg.host = broker.host;
	cfg.port = broker.port;
	cfg.client_id = "q-sub";
	cfg.clean_session = true;
	cfg.queue_max = 5;
	cfg.queue_block_ms = 50;
	assert_int_equal(hall_mqtt_create(&cfg, &sub, &err), HALL_OK);
	subscribe_ok(sub, "test/q");
	start_ok(sub);
	start_ok(pub);
	assert_true(wait_connected(pub));
	assert_true(wait_subacks(sub, 1));
	for (i = 0; i < 12; i++) {
		char buf[16];
		snprintf(buf, sizeof buf, "m%d", i);
		publish_ok(pub, "test/q", buf, false);
	}
	until = now_ms() + WAIT_MS;
	do {
		hall_mqtt_get_stats(sub, &st);
		if (st.received + st.dropped >= 12)
			break;
		sleep_ms(20);
	} while (now_ms() < until);
	assert_int_equal(st.received, 5);
	assert_int_equal(st.dropped, 7);
	assert_int_equal(st.queued, 5);
	for (i = 0; i < 5; i++) {
		char buf[16];
		snprintf(buf, sizeof buf, "m%d", i);
		expect_msg(sub, "test/q", buf);
	}
	hall_mqtt_destroy(pub);
	hall_mqtt_destroy(sub);
}

/* For other tests that need retained state across a broker restart: the helper's
 * "persistence true" must really persist (mosquitto saves its database on SIGTERM). */
static void persistent_broker_should_keep_retained_messages_across_a_restart(void **state)
{
	hall_test_broker pb;
	hall_mqtt *pub, *sub;
	(void)state;
	assert_int_equal(hall_test_broker_start(&pb, "persistence true\n"), 0);
	broker = pb; /* make_session connects to `broker` */
	pub = make_session("ps-pub", NULL, NULL, NULL);
	start_ok(pub);
	assert_true(wait_connected(pub));
	{
		hall_error err = {0};
		/* stop() waits for the PUBACK of its final message: the retained one. */
		assert_int_equal(hall_mqtt_stop(pub, "hall/v1/ctl/all/notice", "{\"v\":1}", 7, true, 5000, &err), HALL_OK);
	}
	hall_mqtt_destroy(pub);
	assert_int_equal(hall_test_broker_restart(&broker), 0);
	sub = make_session("ps-sub", NULL, NULL, NULL);
	subscribe_ok(sub, "hall/v1/ctl/all/notice");
	start_ok(sub);
	{
		hall_mqtt_msg m = {0};
		assert_true(next_msg(sub, &m));
		assert_string_equal(m.topic, "hall/v1/ctl/all/notice");
		assert_true(m.retain);
		assert_int_equal(m.len, 7);
		assert_memory_equal(m.payload, "{\"v\":1}", 7);
		hall_mqtt_msg_free(&m);
	}
	hall_mqtt_destroy(sub);
	hall_test_broker_cleanup(&broker);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(publish_should_be_refused_when_not_connected, setup, teardown),
		cmocka_unit_test(create_should_reject_a_bad_config),
		cmocka_unit_test_setup_teardown(message_should_round_trip_through_the_broker, setup, teardown),
		cmocka_unit_test_setup_teardown(exact_subscription_should_receive_only_its_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(publish_should_report_every_puback_to_the_completion_callback, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(will_should_be_published_when_the_client_is_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(clean_stop_should_send_the_final_message_and_not_the_will, setup, teardown),
		cmocka_unit_test_setup_teardown(session_should_reconnect_and_subscribe_again_after_a_broker_restart, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(session_should_notice_a_crashed_broker_and_reconnect_after_it_returns, setup,
		                                teardown),
		cmocka_unit_test(stop_should_return_while_the_broker_is_down),
		cmocka_unit_test(reconnect_backoff_should_be_capped_at_10_s_by_default),
		cmocka_unit_test_setup_teardown(list_should_skip_a_dead_broker_and_move_on_when_its_broker_dies, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(full_queue_should_keep_the_oldest_and_count_what_it_dropped, setup,
		                                teardown),
		cmocka_unit_test(persistent_broker_should_keep_retained_messages_across_a_restart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
