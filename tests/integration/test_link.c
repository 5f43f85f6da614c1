/* test_link.c: the kiosk's network side (kiosk/link.c) against a real mosquitto on a free
 * loopback port. The test plays the controller with a second hall_mqtt session: it reads
 * what the kiosk publishes, confirms events, pushes content and serves assets by hash.
 * Every wait is bounded (WAIT_MS); nothing asserts on timing. */
#include <setjmp.h>
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

#include <cjson/cJSON.h>

#include "broker.h"
#include "fixtures.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/sha256.h"
#include "link.h"

#define WAIT_MS 15000
#define CHUNK 65536
#define KIOSK "k-1"

typedef enum serve_mode { SERVE_OK, SERVE_CORRUPT, SERVE_OVERSIZE, SERVE_WITHHOLD } serve_mode;

typedef struct blob {
	char sha[65];
	unsigned char *data;
	size_t len;
	serve_mode mode;
	int fetches;
} blob;

typedef struct rec_msg {
	char *topic;
	char *payload;
	size_t len;
	bool retain;
} rec_msg;

typedef struct env {
	hall_test_broker broker;
	char dir[256];
	hall_kiosk_config cfg;
	hall_link *link;
	hall_mqtt *ctl;
	rec_msg *msgs;
	size_t n_msgs, cap_msgs;
	blob blobs[16];
	size_t n_blobs;
	bool auto_apply;
	bool auto_confirm;  /* confirm every events batch as the controller does */
	/* what the main thread was handed */
	int n_content, n_schedule, n_notice, n_command, n_poll, n_conn, n_help;
	int64_t help_call;
	bool help_delivered;
	int64_t content_version;
	hall_link_scope content_scope;
	char pack_dir[HALL_LINK_PATH_MAX];
	hall_link_update last_notice, last_command, last_poll;
	bool schedule_present;
	int64_t schedule_version;
} env;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* ---- the controller's side ------------------------------------------------------------ */

static hall_mqtt *ctl_connect(env *e)
{
	hall_mqtt_config mc;
	hall_mqtt *mq = NULL;
	hall_error err = {0};
	memset(&mc, 0, sizeof mc);
	mc.host = e->broker.host;
	mc.port = e->broker.port;
	mc.client_id = "test-controller";
	mc.clean_session = true;
	mc.reconnect_min_s = 1;
	mc.reconnect_max_s = 1;
	assert_int_equal(hall_mqtt_create(&mc, &mq, &err), HALL_OK);
	assert_int_equal(hall_mqtt_subscribe(mq, "hall/v1/kiosk/#", &err), HALL_OK);
	assert_int_equal(hall_mqtt_start(mq, &err), HALL_OK);
	for (int i = 0; i < WAIT_MS / 10 && !hall_mqtt_is_connected(mq); i++)
		sleep_ms(10);
	assert_true(hall_mqtt_is_connected(mq));
	/* The SUBSCRIBE goes out with the CONNACK; a round trip makes sure it was taken. */
	sleep_ms(100);
	return mq;
}

static void ctl_publish(env *e, const char *topic, const char *payload, bool retain)
{
	hall_error err = {0};
	hall_err rc = HALL_ERR_NET;
	for (int i = 0; i < WAIT_MS / 10 && rc == HALL_ERR_NET; i++) {
		rc = hall_mqtt_publish(e->ctl, topic, payload, strlen(payload), retain, NULL, &err);
		if (rc == HALL_ERR_NET)
			sleep_ms(10);
	}
	assert_int_equal(rc, HALL_OK);
}

static blob *find_blob(env *e, const char *sha)
{
	for (size_t i = 0; i < e->n_blobs; i++)
		if (strcmp(e->blobs[i].sha, sha) == 0)
			return &e->blobs[i];
	return NULL;
}

/* Answer a fetch as the controller does: the asset from the offset on, in chunks. */
static void serve_fetch(env *e, const rec_msg *m)
{
	hall_fetch f;
	hall_error err = {0};
	char topic[HALL_TOPIC_MAX];
	assert_int_equal(hall_proto_decode_fetch(m->payload, m->len, &f, &err), HALL_OK);
	blob *b = find_blob(e, f.sha256);
	if (!b)
		return;
	b->fetches++;
	if (b->mode == SERVE_WITHHOLD)
		return;
	assert_int_equal(hall_topic_ctl_asset(topic, sizeof topic, "hall/v1", b->sha), 0);
	size_t total = b->mode == SERVE_OVERSIZE ? b->len + 100 : b->len;
	unsigned char *bytes = calloc(1, total);
	assert_non_null(bytes);
	memcpy(bytes, b->data, b->len);
	if (b->mode == SERVE_CORRUPT)
		bytes[b->len / 2] ^= 0x55;
	for (size_t off = (size_t)f.offset; off < total; off += CHUNK) {
		hall_asset_chunk ch;
		char *out = NULL;
		size_t out_len = 0;
		memset(&ch, 0, sizeof ch);
		memcpy(ch.sha256, b->sha, sizeof ch.sha256);
		ch.size = (int64_t)total;
		ch.offset = (int64_t)off;
		ch.len = total - off < CHUNK ? total - off : CHUNK;
		ch.data = bytes + off;
		assert_int_equal(hall_proto_encode_asset_chunk(&ch, &out, &out_len, &err), HALL_OK);
		hall_err rc = hall_mqtt_publish(e->ctl, topic, out, out_len, false, NULL, &err);
		free(out);
		if (rc != HALL_OK)
			break;
	}
	free(bytes);
}

static void record_msg(env *e, hall_mqtt_msg *msg)
{
	if (e->n_msgs == e->cap_msgs) {
		e->cap_msgs = e->cap_msgs ? e->cap_msgs * 2 : 64;
		e->msgs = realloc(e->msgs, e->cap_msgs * sizeof *e->msgs);
		assert_non_null(e->msgs);
	}
	rec_msg *r = &e->msgs[e->n_msgs++];
	r->topic = msg->topic;
	r->payload = (char *)msg->payload;
	r->len = msg->len;
	r->retain = msg->retain;
	msg->topic = NULL;
	msg->payload = NULL;
	if (strstr(r->topic, "/fetch"))
		serve_fetch(e, r);
	if (e->auto_confirm && strstr(r->topic, "/events")) {
		/* The highest seq of the batch (the test never leaves gaps). */
		long long max = 0;
		for (const char *p = r->payload; (p = strstr(p, "\"seq\":")) != NULL; p += 6) {
			long long v = strtoll(p + 6, NULL, 10);
			if (v > max)
				max = v;
		}
		char topic[HALL_TOPIC_MAX], payload[64];
		hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "confirm");
		snprintf(payload, sizeof payload, "{\"seq\":%lld}", max);
		hall_error err = {0};
		hall_mqtt_publish(e->ctl, topic, payload, strlen(payload), false, NULL, &err);
	}
}

static void free_msgs(env *e)
{
	for (size_t i = 0; i < e->n_msgs; i++) {
		free(e->msgs[i].topic);
		free(e->msgs[i].payload);
	}
	e->n_msgs = 0;
}

/* ---- the main thread's side ----------------------------------------------------------- */

static void handle_update(env *e, hall_link_update *u)
{
	switch (u->kind) {
	case HALL_LINK_CONTENT:
		e->n_content++;
		e->content_version = u->version;
		e->content_scope = u->scope;
		snprintf(e->pack_dir, sizeof e->pack_dir, "%s", u->pack_dir);
		assert_non_null(u->content);
		if (e->auto_apply)
			hall_link_content_applied(e->link, u->version);
		break;
	case HALL_LINK_SCHEDULE:
		e->n_schedule++;
		e->schedule_present = u->schedule != NULL;
		e->schedule_version = u->version;
		break;
	case HALL_LINK_NOTICE:
		e->n_notice++;
		e->last_notice = *u;
		e->last_notice.content = NULL;
		e->last_notice.schedule = NULL;
		break;
	case HALL_LINK_COMMAND:
		e->n_command++;
		e->last_command = *u;
		break;
	case HALL_LINK_POLL_RESULTS:
		e->n_poll++;
		e->last_poll = *u;
		break;
	case HALL_LINK_CONNECTION:
		e->n_conn++;
		break;
	case HALL_LINK_HELP:
		e->n_help++;
		e->help_call = u->help_call;
		e->help_delivered = u->help_delivered;
		break;
	case HALL_LINK_NONE:
		break;
	}
	hall_link_update_clear(u);
}

/* One turn of the kiosk's main loop and the controller's inbox. */
static void turn(env *e)
{
	hall_link_update u;
	if (e->link) {
		while (hall_link_poll(e->link, hall_clock_mono_ms(), &u))
			handle_update(e, &u);
		hall_link_frame_end(e->link);
	}
	hall_mqtt_msg msg;
	while (e->ctl && hall_mqtt_poll(e->ctl, &msg)) {
		record_msg(e, &msg);
		hall_mqtt_msg_free(&msg);
	}
}

/* Index of the first recorded message on kiosk topic <leaf> whose payload contains every
 * one of the NULL-terminated substrings, waiting (and turning the loop) up to WAIT_MS. */
static long wait_msg_v(env *e, size_t from, const char *leaf, va_list ap)
{
	const char *needles[8];
	size_t n = 0;
	const char *s;
	char topic[HALL_TOPIC_MAX];
	assert_int_equal(hall_topic_kiosk(topic, sizeof topic, "hall/v1", KIOSK, leaf), 0);
	while ((s = va_arg(ap, const char *)) != NULL && n < 8)
		needles[n++] = s;
	int64_t deadline = hall_clock_mono_ms() + WAIT_MS;
	while (hall_clock_mono_ms() < deadline) {
		turn(e);
		for (size_t i = from; i < e->n_msgs; i++) {
			if (strcmp(e->msgs[i].topic, topic) != 0)
				continue;
			bool all = true;
			for (size_t j = 0; j < n && all; j++)
				all = strstr(e->msgs[i].payload, needles[j]) != NULL;
			if (all)
				return (long)i;
		}
		if (e->ctl)
			hall_mqtt_wait(e->ctl, 10);
		else
			sleep_ms(10);
	}
	return -1;
}

static long wait_msg(env *e, size_t from, const char *leaf, ...)
{
	va_list ap;
	va_start(ap, leaf);
	long i = wait_msg_v(e, from, leaf, ap);
	va_end(ap);
	return i;
}

static size_t expect_msg_(env *e, size_t from, const char *leaf, ...)
{
	va_list ap;
	va_start(ap, leaf);
	long i = wait_msg_v(e, from, leaf, ap);
	va_end(ap);
	if (i < 0) {
		for (size_t j = from; j < e->n_msgs; j++)
			fprintf(stderr, "  seen %s: %.200s\n", e->msgs[j].topic, e->msgs[j].payload);
		hall_mqtt_stats ms;
		hall_mqtt_get_stats(e->ctl, &ms);
		fprintf(stderr, "  controller: connected %d, connects %llu, received %llu, queued %zu, %zu recorded\n",
		        hall_mqtt_is_connected(e->ctl), (unsigned long long)ms.connects, (unsigned long long)ms.received,
		        ms.queued, e->n_msgs);
		fail_msg("no %s message with the expected text", leaf);
	}
	return (size_t)i;
}
#define expect_msg(e, from, leaf, ...) expect_msg_((e), (from), (leaf), __VA_ARGS__, (const char *)NULL)

/* Turn the loop for `ms` (to see that something does NOT happen). */
static void turn_for(env *e, int ms)
{
	int64_t end = hall_clock_mono_ms() + ms;
	while (hall_clock_mono_ms() < end) {
		turn(e);
		sleep_ms(10);
	}
}

static bool turn_until(env *e, bool (*cond)(env *e))
{
	int64_t deadline = hall_clock_mono_ms() + WAIT_MS;
	while (hall_clock_mono_ms() < deadline) {
		turn(e);
		if (cond(e))
			return true;
		sleep_ms(10);
	}
	return false;
}

static size_t count_msgs(env *e, size_t from, const char *leaf, const char *needle)
{
	char topic[HALL_TOPIC_MAX];
	size_t n = 0;
	hall_topic_kiosk(topic, sizeof topic, "hall/v1", KIOSK, leaf);
	for (size_t i = from; i < e->n_msgs; i++)
		if (strcmp(e->msgs[i].topic, topic) == 0 && (!needle || strstr(e->msgs[i].payload, needle)))
			n++;
	return n;
}

/* ---- setup ---------------------------------------------------------------------------- */

static void make_config(env *e)
{
	char def[256];
	hall_kiosk_config_defaults(&e->cfg);
	snprintf(e->cfg.id, sizeof e->cfg.id, "%s", KIOSK);
	snprintf(e->cfg.group, sizeof e->cfg.group, "lobby");
	snprintf(e->cfg.broker.host, sizeof e->cfg.broker.host, "%s", e->broker.host);
	e->cfg.broker.port = e->broker.port;
	snprintf(e->cfg.broker.username, sizeof e->cfg.broker.username, "%s", KIOSK);
	assert_int_equal(hall_fs_join(e->cfg.data_dir, sizeof e->cfg.data_dir, e->dir, "data"), 0);
	hall_test_fixture(def, sizeof def, "link/default");
	snprintf(e->cfg.default_content, sizeof e->cfg.default_content, "%s", def);
	e->cfg.spool.batch_ms = 20;
	e->cfg.spool.resend_ms = 400;
}

static void start_link(env *e)
{
	hall_error err = {0};
	hall_link_tuning t = {.fetch_timeout_ms = 300, .fetch_attempts = 2, .fetch_jitter_ms = 50};
	assert_int_equal(hall_link_create(&e->cfg, NULL, NULL, &e->link, &err), HALL_OK);
	hall_link_tune(e->link, &t);
	assert_int_equal(hall_link_start(e->link, &err), HALL_OK);
}

static void stop_link(env *e)
{
	hall_link_destroy(e->link);
	e->link = NULL;
}

static int setup(void **state)
{
	env *e = calloc(1, sizeof *e);
	assert_non_null(e);
	if (hall_test_broker_start(&e->broker, NULL) != 0) {
		free(e);
		return -1;
	}
	hall_test_tmpdir(e->dir, sizeof e->dir, "link");
	make_config(e);
	e->auto_apply = true;
	e->ctl = ctl_connect(e);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env *e = *state;
	stop_link(e);
	hall_mqtt_destroy(e->ctl);
	free_msgs(e);
	free(e->msgs);
	for (size_t i = 0; i < e->n_blobs; i++)
		free(e->blobs[i].data);
	hall_test_broker_cleanup(&e->broker);
	hall_test_rmtree(e->dir);
	free(e);
	return 0;
}

/* ---- packs ---------------------------------------------------------------------------- */

/* A PNG unique to `seed` (the fixture image with bytes after its end), `extra` bytes long
 * beyond the image, registered with the test controller. */
static blob *make_blob(env *e, unsigned seed, size_t extra, serve_mode mode)
{
	size_t png_len = 0;
	char *png = hall_test_read_fixture("link/mark.png", &png_len);
	blob *b = &e->blobs[e->n_blobs++];
	assert_true(e->n_blobs <= sizeof e->blobs / sizeof e->blobs[0]);
	b->len = png_len + 8 + extra;
	b->data = malloc(b->len);
	assert_non_null(b->data);
	memcpy(b->data, png, png_len);
	for (size_t i = png_len; i < b->len; i++)
		b->data[i] = (unsigned char)((seed * 131u + i * 7u) & 0xff);
	memcpy(b->data + png_len, &seed, sizeof seed);
	hall_sha256_hex(b->data, b->len, b->sha);
	b->mode = mode;
	free(png);
	return b;
}

/* A content envelope for `scope` and `version` whose manifest names `b` as mark.png.
 * kind: the first exhibit's kind (NULL keeps "brand"). Caller frees. */
static char *content_envelope(const char *scope, int64_t version, const blob *b, const char *kind, bool bad_title)
{
	size_t len = 0;
	char *text = hall_test_read_fixture("link/manifest-template.json", &len);
	cJSON *m = cJSON_ParseWithLength(text, len);
	free(text);
	assert_non_null(m);
	cJSON *asset = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "assets"), 0);
	cJSON_ReplaceItemInObject(asset, "sha256", cJSON_CreateString(b->sha));
	cJSON_ReplaceItemInObject(asset, "size", cJSON_CreateNumber((double)b->len));
	if (bad_title)
		cJSON_ReplaceItemInObject(m, "title", cJSON_CreateNumber(5));
	if (kind)
		cJSON_ReplaceItemInObject(cJSON_GetArrayItem(cJSON_GetObjectItem(m, "exhibits"), 0), "kind",
		                          cJSON_CreateString(kind));
	cJSON *envelope = cJSON_CreateObject();
	cJSON_AddStringToObject(envelope, "scope", scope);
	cJSON_AddNumberToObject(envelope, "version", (double)version);
	cJSON_AddBoolToObject(envelope, "cleared", false);
	cJSON_AddItemToObject(envelope, "manifest", m);
	char *out = cJSON_PrintUnformatted(envelope);
	cJSON_Delete(envelope);
	return out;
}

static void push_content(env *e, const char *topic_leaf_scope, const char *scope, int64_t version, const blob *b,
                         const char *kind)
{
	char topic[HALL_TOPIC_MAX];
	char *payload = content_envelope(scope, version, b, kind && strcmp(kind, "bad-title") == 0 ? NULL : kind,
	                                 kind && strcmp(kind, "bad-title") == 0);
	if (strcmp(topic_leaf_scope, "all") == 0)
		hall_topic_ctl_all(topic, sizeof topic, "hall/v1", "content");
	else if (strcmp(topic_leaf_scope, "group") == 0)
		hall_topic_ctl_group(topic, sizeof topic, "hall/v1", "lobby", "content");
	else
		hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "content");
	ctl_publish(e, topic, payload, false);
	free(payload);
}

static void push_clear(env *e, const char *kind, const char *scope, int64_t version)
{
	char topic[HALL_TOPIC_MAX], payload[256];
	if (strcmp(scope, "all") == 0)
		hall_topic_ctl_all(topic, sizeof topic, "hall/v1", kind);
	else if (strncmp(scope, "group:", 6) == 0)
		hall_topic_ctl_group(topic, sizeof topic, "hall/v1", scope + 6, kind);
	else
		hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, kind);
	snprintf(payload, sizeof payload, "{\"scope\":\"%s\",\"version\":%lld,\"cleared\":true}", scope, (long long)version);
	ctl_publish(e, topic, payload, false);
}

/* The ack JSON writes scope before version; match the parts separately. */
static size_t expect_ack(env *e, size_t from, const char *kind, int64_t version, const char *result, const char *reason)
{
	char k[64], v[64], r[64];
	snprintf(k, sizeof k, "\"kind\":\"%s\"", kind);
	snprintf(v, sizeof v, "\"version\":%lld,", (long long)version);
	snprintf(r, sizeof r, "\"result\":\"%s\"", result);
	long i = wait_msg(e, from, "ack", k, v, r, reason ? reason : "", (const char *)NULL);
	if (i < 0)
		fail_msg("no %s ack %s for version %lld (reason containing \"%s\")", kind, result, (long long)version,
		         reason ? reason : "");
	return (size_t)i;
}

static hall_link_stats stats(env *e)
{
	hall_link_stats s;
	hall_link_get_stats(e->link, &s);
	return s;
}

/* ---- tests: hello, status, retain ----------------------------------------------------- */

static void link_should_send_hello_on_connect_and_again_on_reconnect(void **state)
{
	env *e = *state;
	start_link(e);
	size_t i = expect_msg(e, 0, "hello", "\"kiosk\":\"k-1\"", "\"group\":\"lobby\"", "\"seq_max\":0",
	                      "\"spool_first\":1", "\"content_version\":0");
	expect_msg(e, i, "status", "\"online\":true");

	/* Another client taking the kiosk's client id throws it off; it reconnects and
	 * announces itself again. */
	char port[16];
	snprintf(port, sizeof port, "%d", e->broker.port);
	pid_t pid = fork();
	if (pid == 0) {
		execlp("mosquitto_pub", "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-i", KIOSK, "-t", "test/kick", "-m",
		       "x", (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	int status = 0;
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	expect_msg(e, i + 1, "hello", "\"kiosk\":\"k-1\"");
	assert_true(stats(e).connects >= 2);
}

/* The render health goes out at once when first measured and when it doubles or halves,
 * not at the next status a minute later (the Fleet page waited for it); the same figure
 * again waits for the period. */
static void render_health_should_go_out_at_once_when_first_measured_or_much_changed(void **state)
{
	env *e = *state;
	start_link(e);
	size_t i = expect_msg(e, 0, "status", "\"online\":true");
	hall_link_set_frame_p99(e->link, 16.0);
	i = expect_msg(e, i + 1, "status", "\"frame_p99_ms\":16");
	hall_link_set_frame_p99(e->link, 20.0); /* not much changed: no status of its own */
	turn_for(e, 600);
	for (size_t j = i + 1; j < e->n_msgs; j++)
		if (strstr(e->msgs[j].payload, "\"frame_p99_ms\":20"))
			fail_msg("a status for a figure hardly changed: %.200s", e->msgs[j].payload);
	hall_link_set_frame_p99(e->link, 240.0); /* turned slow */
	expect_msg(e, i + 1, "status", "\"frame_p99_ms\":240");
}

static void link_should_retain_status_only_when_configured(void **state)
{
	env *e = *state;
	for (int pass = 0; pass < 2; pass++) {
		bool retain = pass == 0;
		e->cfg.retain = retain;
		start_link(e);
		expect_msg(e, e->n_msgs, "status", "\"online\":true");
		/* A new subscriber sees retained messages at once. */
		hall_mqtt_config mc;
		hall_mqtt *late = NULL;
		hall_error err = {0};
		memset(&mc, 0, sizeof mc);
		mc.host = e->broker.host;
		mc.port = e->broker.port;
		mc.client_id = "late-subscriber";
		mc.clean_session = true;
		assert_int_equal(hall_mqtt_create(&mc, &late, &err), HALL_OK);
		assert_int_equal(hall_mqtt_subscribe(late, "hall/v1/#", &err), HALL_OK);
		assert_int_equal(hall_mqtt_start(late, &err), HALL_OK);
		int retained = 0;
		int64_t end = hall_clock_mono_ms() + (retain ? WAIT_MS : 1000);
		while (hall_clock_mono_ms() < end && retained == 0) {
			hall_mqtt_msg msg;
			turn(e);
			while (hall_mqtt_poll(late, &msg)) {
				if (msg.retain)
					retained++;
				hall_mqtt_msg_free(&msg);
			}
			hall_mqtt_wait(late, 10);
		}
		hall_mqtt_destroy(late);
		if (retain)
			assert_true(retained > 0);
		else
			assert_int_equal(retained, 0);
		stop_link(e);
		/* Clear the retained status between passes (an empty retained message deletes it). */
		char topic[HALL_TOPIC_MAX];
		hall_topic_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "status");
		hall_mqtt_publish(e->ctl, topic, "", 0, true, NULL, &err);
		turn_for(e, 100);
	}
}

/* ---- tests: events --------------------------------------------------------------------- */

static void record(env *e, const char *type, const char *target)
{
	hall_link_event ev = {.type = type, .exhibit = "brand", .target = target, .session = 1, .lang = "ko",
	                      .dwell_ms = -1, .poll = NULL};
	hall_error err = {0};
	assert_int_equal(hall_link_record(e->link, &ev, NULL, &err), HALL_OK);
}

static void confirm(env *e, int64_t seq)
{
	char topic[HALL_TOPIC_MAX], payload[64];
	hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "confirm");
	snprintf(payload, sizeof payload, "{\"seq\":%lld}", (long long)seq);
	ctl_publish(e, topic, payload, false);
}

static bool spool_empty(env *e)
{
	hall_link_stats s = stats(e);
	return s.spool_first == s.seq_max + 1;
}

static bool spool_first_is_4(env *e)
{
	return stats(e).spool_first == 4;
}

static bool spool_first_is_51(env *e)
{
	return stats(e).spool_first == 51;
}

/* A kiosk whose data directory was wiped restarts at seq 1; the controller confirms the
 * 50 it stored from before. Its unconfirmed events are sent again as 51, 52 (the same
 * events), and the next one is 53: nothing repeats a stored (kiosk, seq). */
static void confirm_above_seq_max_should_move_the_seq_past_it_and_renumber(void **state)
{
	env *e = *state;
	start_link(e);
	expect_msg(e, 0, "hello", "\"seq_max\":0");
	record(e, "tap", "first");
	record(e, "tap", "second");
	size_t sent = expect_msg(e, 0, "events", "\"seq\":1,", "\"seq\":2,");
	confirm(e, 50);
	assert_true(turn_until(e, spool_first_is_51));
	assert_int_equal(stats(e).seq_max, 52);
	expect_msg(e, sent + 1, "events", "\"seq\":51,\"ts\"", "\"target\":\"first\"");
	expect_msg(e, sent + 1, "events", "\"seq\":52,\"ts\"", "\"target\":\"second\"");
	uint64_t seq = 0;
	hall_link_event ev = {.type = "tap", .exhibit = "", .target = "third", .session = -1, .dwell_ms = -1};
	hall_error err = {0};
	assert_int_equal(hall_link_record(e->link, &ev, &seq, &err), HALL_OK);
	assert_int_equal(seq, 53);
	confirm(e, 53);
	assert_true(turn_until(e, spool_empty));
}

static void events_should_be_resent_until_confirmed_and_dropped_on_confirm(void **state)
{
	env *e = *state;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	for (int i = 0; i < 5; i++)
		record(e, "tap", "next");
	size_t first = expect_msg(e, 0, "events", "\"seq\":1", "\"seq\":5", "\"type\":\"tap\"");
	/* No confirm: the same events come again after resend_ms. */
	size_t again = expect_msg(e, first + 1, "events", "\"seq\":1,");
	assert_true(again > first);
	assert_int_equal(stats(e).spool_first, 1);

	/* A confirm of 3 drops 1..3; what is resent starts at 4. */
	confirm(e, 3);
	assert_true(turn_until(e, spool_first_is_4));
	size_t from = e->n_msgs;
	size_t resent = expect_msg(e, from, "events", "\"seq\":4,", "\"seq\":5,");
	assert_null(strstr(e->msgs[resent].payload, "\"seq\":3,"));

	confirm(e, 5);
	assert_true(turn_until(e, spool_empty));
	/* Online with everything confirmed, the next thing due is the periodic status. */
	assert_true(hall_link_next_due_ms(e->link) > hall_clock_mono_ms() + 1000);
	/* Nothing unconfirmed: nothing is sent any more. */
	from = e->n_msgs;
	turn_for(e, 3 * e->cfg.spool.resend_ms);
	assert_int_equal(count_msgs(e, from, "events", NULL), 0);
}

static void events_should_survive_a_restart_with_their_seq(void **state)
{
	env *e = *state;
	start_link(e);
	for (int i = 0; i < 3; i++)
		record(e, "view", "home");
	turn(e);
	stop_link(e); /* never confirmed */
	size_t from = e->n_msgs;
	start_link(e);
	expect_msg(e, from, "hello", "\"seq_max\":3", "\"spool_first\":1");
	expect_msg(e, from, "events", "\"seq\":1,", "\"seq\":3,");
	uint64_t seq = 0;
	hall_link_event ev = {.type = "tap", .exhibit = "", .target = "x", .session = -1, .dwell_ms = -1};
	hall_error err = {0};
	assert_int_equal(hall_link_record(e->link, &ev, &seq, &err), HALL_OK);
	assert_int_equal(seq, 4);
}

static bool help_seen_(env *e)
{
	return e->n_help > 0;
}

/* Issue 12: a call for staff is sent again (same call, same ts) until the controller's
 * help-ack for it comes, across a restart of the kiosk too; only then is it delivered. */
static void help_calls_should_be_resent_until_acknowledged_across_a_restart(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX], payload[128];
	hall_error err = {0};
	int64_t call = 0;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	size_t from = e->n_msgs;
	assert_int_equal(hall_link_help(e->link, "poll", 3, &call, &err), HALL_OK);
	assert_int_equal(call, 1);
	size_t first = expect_msg(e, from, "help", "\"call\":1", "\"exhibit\":\"poll\"");
	const char *ts = strstr(e->msgs[first].payload, "\"ts\":");
	assert_non_null(ts);
	long long ts_ms = atoll(ts + 5);
	/* No answer: sent again 1 s later, the same call. */
	expect_msg(e, first + 1, "help", "\"call\":1");
	stop_link(e);
	assert_int_equal(e->n_help, 0);
	/* A restart keeps the call and sends it again; a help-ack for another call is not it. */
	from = e->n_msgs;
	start_link(e);
	expect_msg(e, from, "help", "\"call\":1");
	hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, HALL_HELP_ACK_LEAF);
	snprintf(payload, sizeof payload, "{\"call\":1,\"ts\":%lld}", ts_ms + 1);
	ctl_publish(e, topic, payload, false);
	turn_for(e, 300);
	assert_int_equal(e->n_help, 0);
	snprintf(payload, sizeof payload, "{\"call\":1,\"ts\":%lld}", ts_ms);
	ctl_publish(e, topic, payload, false);
	assert_true(turn_until(e, help_seen_));
	assert_int_equal(e->help_call, 1);
	assert_true(e->help_delivered);
	/* Delivered: no more sends; the next call has the next number. */
	from = e->n_msgs;
	turn_for(e, 1500);
	for (size_t i = from; i < e->n_msgs; i++)
		assert_null(strstr(e->msgs[i].topic, "/help"));
	assert_int_equal(hall_link_help(e->link, "", -1, &call, &err), HALL_OK);
	assert_int_equal(call, 2);
}

static void controller_coming_online_should_trigger_a_resend(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX];
	e->cfg.spool.resend_ms = 3600000; /* only the controller's return may cause the resend */
	start_link(e);
	hall_link_tuning t = {.resend_ms = 3600000};
	hall_link_tune(e->link, &t);
	expect_msg(e, 0, "hello", "\"kiosk\""); /* subscribed: it will see the controller go offline */
	hall_topic_ctl_controller_status(topic, sizeof topic, "hall/v1");
	ctl_publish(e, topic, "{\"online\":false,\"ts\":1764057600000}", false);
	record(e, "tap", "a");
	size_t first = expect_msg(e, 0, "events", "\"seq\":1,");
	turn_for(e, 200);
	ctl_publish(e, topic, "{\"online\":true,\"ts\":1764057600000}", false);
	expect_msg(e, first + 1, "events", "\"seq\":1,");
}

/* A controller that comes back (maybe on a fresh database) learns seq_max and spool_first
 * from a new hello; the retained replay at subscribe does not cause a second one. */
static void controller_coming_online_should_get_a_new_hello(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX];
	hall_topic_ctl_controller_status(topic, sizeof topic, "hall/v1");
	ctl_publish(e, topic, "{\"online\":true,\"ts\":1764057600000}", true);
	start_link(e);
	size_t first = expect_msg(e, 0, "hello", "\"spool_first\":1");
	turn_for(e, 300);
	for (size_t i = first + 1; i < e->n_msgs; i++)
		assert_null(strstr(e->msgs[i].topic, "/hello"));
	ctl_publish(e, topic, "{\"online\":true,\"ts\":1764057700000}", true);
	expect_msg(e, first + 1, "hello", "\"seq_max\":0", "\"spool_first\":1");
}

static void record_should_refuse_an_unknown_event_type(void **state)
{
	env *e = *state;
	start_link(e);
	hall_link_event ev = {.type = "teleport", .exhibit = "", .target = "", .session = -1, .dwell_ms = -1};
	hall_error err = {0};
	assert_int_equal(hall_link_record(e->link, &ev, NULL, &err), HALL_ERR_INVALID);
	assert_int_equal(stats(e).seq_max, 0);
}

/* ---- tests: content -------------------------------------------------------------------- */

static bool content_is_5(env *e)
{
	return e->content_version == 5;
}

static void boot_should_show_default_content_when_nothing_was_pushed(void **state)
{
	env *e = *state;
	start_link(e);
	turn_for(e, 100);
	assert_int_equal(e->n_content, 1);
	assert_int_equal(e->content_version, 0);
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_DEFAULT);
	assert_string_equal(e->pack_dir, e->cfg.default_content);
}

static void a_kiosk_without_any_content_should_still_start_and_say_why(void **state)
{
	env *e = *state;
	char missing[300];
	snprintf(missing, sizeof missing, "%s/no-such-pack", e->dir);
	snprintf(e->cfg.default_content, sizeof e->cfg.default_content, "%s", missing);
	start_link(e);
	expect_msg(e, 0, "status", "\"last_error\":\"no content");
	assert_int_equal(e->n_content, 0);
	/* A push still fixes it. */
	size_t from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 5, make_blob(e, 55, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_5));
	expect_msg(e, from, "status", "\"content_version\":5", "\"last_error\":\"\"");
}

static void content_with_assets_should_be_fetched_by_hash_applied_and_acked(void **state)
{
	env *e = *state;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	/* Big enough for several chunks. */
	blob *b = make_blob(e, 1, 300 * 1024, SERVE_OK);
	push_content(e, "kiosk", "kiosk:k-1", 5, b, NULL);
	expect_ack(e, 0, "content", 5, "applied", NULL);
	assert_true(turn_until(e, content_is_5));
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_KIOSK);
	assert_true(b->fetches >= 1);

	/* The pack on disk holds exactly the asset's bytes. */
	char path[1200], hex[65];
	size_t size = 0;
	hall_error err = {0};
	snprintf(path, sizeof path, "%s/mark.png", e->pack_dir);
	assert_int_equal(hall_sha256_file(path, hex, &size, &err), HALL_OK);
	assert_string_equal(hex, b->sha);
	assert_int_equal(size, b->len);
	assert_int_equal(stats(e).content_version, 5);
	/* The status tells the controller what is shown. */
	expect_msg(e, 0, "status", "\"content_version\":5");

	/* The same version again (the controller answering a hello) is acked, not refetched. */
	int fetches = b->fetches, contents = e->n_content;
	size_t from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 5, b, NULL);
	expect_ack(e, from, "content", 5, "applied", NULL);
	assert_int_equal(b->fetches, fetches);
	assert_int_equal(e->n_content, contents);
}

/* A pack held back while a visitor session runs: the kiosk says "deferred" at once (why,
 * and by when it applies at the latest), once, then "applied" when it shows it. */
static void deferred_content_should_send_a_deferred_ack_then_applied(void **state)
{
	env *e = *state;
	e->auto_apply = false;
	e->cfg.session.apply_wait_s = 300;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	blob *b = make_blob(e, 9, 10, SERVE_OK);
	push_content(e, "kiosk", "kiosk:k-1", 5, b, NULL);
	assert_true(turn_until(e, content_is_5)); /* handed to the main thread, not applied */
	assert_int_equal(count_msgs(e, 0, "ack", NULL), 0);

	int64_t before = hall_clock_now_ms();
	hall_link_content_deferred(e->link, 5);
	int64_t after = hall_clock_now_ms();
	size_t i = expect_ack(e, 0, "content", 5, "deferred", "\"reason\":\"session\"");
	hall_ack a;
	assert_int_equal(hall_proto_decode_ack(e->msgs[i].payload, e->msgs[i].len, &a, NULL), HALL_OK);
	assert_int_equal(a.result, HALL_ACK_DEFERRED);
	assert_string_equal(a.scope, "kiosk:k-1");
	assert_true(a.until >= before + 300000 && a.until <= after + 300000);

	/* Said once per pack; the applied ack follows when the main thread shows it. */
	hall_link_content_deferred(e->link, 5);
	hall_link_content_applied(e->link, 5);
	expect_ack(e, i + 1, "content", 5, "applied", NULL);
	assert_int_equal(count_msgs(e, 0, "ack", "\"result\":\"deferred\""), 1);
	assert_int_equal(stats(e).content_version, 5);
}

static void apply_good_v5(env *e)
{
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	blob *good = make_blob(e, 5, 10, SERVE_OK);
	push_content(e, "kiosk", "kiosk:k-1", 5, good, NULL);
	expect_ack(e, 0, "content", 5, "applied", NULL);
	assert_true(turn_until(e, content_is_5));
}

static void expect_still_v5(env *e, int contents)
{
	assert_int_equal(e->n_content, contents);
	assert_int_equal(e->content_version, 5);
	assert_int_equal(stats(e).content_version, 5);
}

static void bad_updates_should_be_rejected_with_their_reason_and_keep_the_content(void **state)
{
	env *e = *state;
	apply_good_v5(e);
	int contents = e->n_content;
	size_t from;
	char topic[HALL_TOPIC_MAX];
	hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "content");

	/* A manifest that does not validate (wrong type): the parser's path is the reason. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 6, make_blob(e, 6, 10, SERVE_OK), "bad-title");
	expect_ack(e, from, "content", 6, "rejected", "title: expected");
	expect_still_v5(e, contents);

	/* An unknown exhibit kind. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 7, make_blob(e, 7, 10, SERVE_OK), "video");
	expect_ack(e, from, "content", 7, "rejected", "unknown kind");
	expect_still_v5(e, contents);

	/* The controller sends bytes whose hash is not the manifest's. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 8, make_blob(e, 8, 1000, SERVE_CORRUPT), NULL);
	expect_ack(e, from, "content", 8, "rejected", "wrong hash");
	expect_still_v5(e, contents);

	/* The controller sends more bytes than the manifest says. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 9, make_blob(e, 9, 1000, SERVE_OVERSIZE), NULL);
	expect_ack(e, from, "content", 9, "rejected", "oversize");
	expect_still_v5(e, contents);

	/* The controller never sends the asset. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 10, make_blob(e, 10, 10, SERVE_WITHHOLD), NULL);
	expect_ack(e, from, "content", 10, "rejected", "missing asset");
	expect_still_v5(e, contents);

	/* An older version than the one held for the scope. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 4, make_blob(e, 4, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 4, "rejected", "older version");
	expect_still_v5(e, contents);

	/* A scope naming another kiosk, and another group. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-2", 11, make_blob(e, 11, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 11, "rejected", "wrong target");
	from = e->n_msgs;
	push_content(e, "kiosk", "group:hall-b", 12, make_blob(e, 12, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 12, "rejected", "wrong target");
	expect_still_v5(e, contents);

	/* Not JSON at all: no version to answer with, so the status carries the error. */
	from = e->n_msgs;
	ctl_publish(e, topic, "{\"scope\":\"kiosk:k-1\",\"version\":13,", false);
	expect_msg(e, from, "status", "unreadable content message");
	expect_still_v5(e, contents);

	/* After all that, a good update still goes through. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 14, make_blob(e, 14, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 14, "applied", NULL);
}

static bool content_is_3(env *e)
{
	return e->content_version == 3;
}
static bool content_is_2(env *e)
{
	return e->content_version == 2;
}
static bool content_is_4(env *e)
{
	return e->content_version == 4;
}
static bool content_is_0(env *e)
{
	return e->content_version == 0 && e->content_scope == HALL_LINK_SCOPE_DEFAULT;
}
static bool content_is_1(env *e)
{
	return e->content_version == 1;
}

static void content_should_follow_scope_precedence_and_clearing(void **state)
{
	env *e = *state;
	size_t from;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	push_content(e, "all", "all", 1, make_blob(e, 101, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_1));
	push_content(e, "group", "group:lobby", 2, make_blob(e, 102, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_2));
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_GROUP);
	push_content(e, "kiosk", "kiosk:k-1", 3, make_blob(e, 103, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_3));
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_KIOSK);

	/* A newer "all" is kept (and acked) but the kiosk's own content still wins. */
	from = e->n_msgs;
	int contents = e->n_content;
	push_content(e, "all", "all", 4, make_blob(e, 104, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 4, "applied", NULL);
	turn_for(e, 100);
	assert_int_equal(e->n_content, contents);
	assert_int_equal(e->content_version, 3);

	/* Clearing the kiosk scope falls back to the group, then to all, then the default. */
	push_clear(e, "content", "kiosk:k-1", 5);
	assert_true(turn_until(e, content_is_2));
	push_clear(e, "content", "group:lobby", 6);
	assert_true(turn_until(e, content_is_4));
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_ALL);
	push_clear(e, "content", "all", 7);
	assert_true(turn_until(e, content_is_0));
	assert_string_equal(e->pack_dir, e->cfg.default_content);

	/* A clear is a version like any other: an older push for that scope is refused. */
	from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 3, make_blob(e, 105, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 3, "rejected", "older version");
}

static void boot_without_broker_should_use_the_last_good_content(void **state)
{
	env *e = *state;
	apply_good_v5(e);
	stop_link(e);
	hall_test_broker_stop(&e->broker);
	e->n_content = 0;
	e->content_version = -1;
	start_link(e);
	turn_for(e, 200);
	assert_int_equal(e->n_content, 1);
	assert_int_equal(e->content_version, 5);
	assert_int_equal(e->content_scope, HALL_LINK_SCOPE_KIOSK);
	assert_non_null(strstr(e->pack_dir, "kiosk.k-1.v5"));
	assert_false(hall_link_is_online(e->link));
	/* Events recorded offline wait in the spool. */
	record(e, "tap", "offline");
	turn(e);
	assert_int_equal(stats(e).seq_max, 1);
	assert_int_equal(stats(e).spool_first, 1);
	/* Offline nothing is due: the main loop sleeps until the network thread wakes it. */
	assert_true(hall_link_next_due_ms(e->link) == INT64_MAX);
}

/* ---- tests: schedules, notices, commands, polls ---------------------------------------- */

static bool notice_seen(env *e)
{
	return e->n_notice > 0 && !e->last_notice.cleared;
}
static bool notice_cleared(env *e)
{
	return e->last_notice.cleared;
}

static void notices_and_schedules_should_be_handed_over_and_acked(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX];
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	e->n_notice = 0;

	hall_topic_ctl_all(topic, sizeof topic, "hall/v1", "notice");
	ctl_publish(e, topic,
	            "{\"scope\":\"all\",\"version\":4,\"cleared\":false,\"notice\":{\"level\":\"urgent\","
	            "\"text\":{\"ko\":\"대피하세요\",\"en\":\"Please leave\"},\"until\":null}}",
	            false);
	expect_ack(e, 0, "notice", 4, "applied", NULL);
	assert_true(turn_until(e, notice_seen));
	assert_int_equal(e->last_notice.notice_level, HALL_LINK_NOTICE_URGENT);
	assert_string_equal(e->last_notice.notice_text[HALL_LANG_EN], "Please leave");
	assert_int_equal(e->last_notice.notice_until_ms, 0);

	/* A kiosk notice wins over all; clearing it shows the "all" one again. */
	hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "notice");
	ctl_publish(e, topic,
	            "{\"scope\":\"kiosk:k-1\",\"version\":5,\"cleared\":false,\"notice\":{\"level\":\"info\","
	            "\"text\":{\"en\":\"Closing soon\"},\"until\":1764082800000}}",
	            false);
	expect_ack(e, 0, "notice", 5, "applied", NULL);
	push_clear(e, "notice", "kiosk:k-1", 6);
	expect_ack(e, 0, "notice", 6, "applied", NULL);
	turn_for(e, 100);
	assert_false(e->last_notice.cleared);
	assert_string_equal(e->last_notice.notice_text[HALL_LANG_EN], "Please leave");
	push_clear(e, "notice", "all", 7);
	assert_true(turn_until(e, notice_cleared));

	/* A notice with a bad level is rejected with the field's path. */
	hall_topic_ctl_all(topic, sizeof topic, "hall/v1", "notice");
	ctl_publish(e, topic, "{\"scope\":\"all\",\"version\":8,\"cleared\":false,\"notice\":{\"level\":\"loud\",\"text\":{\"en\":\"x\"}}}",
	            false);
	expect_ack(e, 0, "notice", 8, "rejected", "level");

	/* Schedules: a good one is handed over, a bad one rejected with its path. */
	hall_topic_ctl_group(topic, sizeof topic, "hall/v1", "lobby", "schedule");
	ctl_publish(e, topic,
	            "{\"scope\":\"group:lobby\",\"version\":3,\"cleared\":false,\"schedule\":{\"opening_hours\":"
	            "{\"tue\":[[\"09:00\",\"21:00\"]]}}}",
	            false);
	expect_ack(e, 0, "schedule", 3, "applied", NULL);
	ctl_publish(e, topic,
	            "{\"scope\":\"group:lobby\",\"version\":4,\"cleared\":false,\"schedule\":{\"opening_hours\":"
	            "{\"tue\":[[\"09:00\",\"09:00\"]]}}}",
	            false);
	expect_ack(e, 0, "schedule", 4, "rejected", "schedule.opening_hours");
	turn(e);
	assert_true(e->schedule_present);
	assert_int_equal(e->schedule_version, 3);
	assert_int_equal(stats(e).schedule_version, 3);
}

static bool command_seen_(env *e)
{
	return e->n_command > 0;
}

static void commands_should_run_once_by_id_and_expire(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX], payload[256];
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	hall_topic_ctl_kiosk(topic, sizeof topic, "hall/v1", KIOSK, "command");
	snprintf(payload, sizeof payload,
	         "{\"id\":\"c-1\",\"cmd\":\"show\",\"args\":{\"exhibit\":\"vote\"},\"ts\":%lld,\"ttl_s\":600}",
	         (long long)hall_clock_now_ms());
	ctl_publish(e, topic, payload, false);
	assert_true(turn_until(e, command_seen_));
	assert_int_equal(e->last_command.cmd, HALL_LINK_CMD_SHOW);
	assert_string_equal(e->last_command.cmd_id, "c-1");
	assert_string_equal(e->last_command.cmd_exhibit, "vote");
	hall_link_command_result(e->link, "c-1", true, NULL);
	expect_msg(e, 0, "ack", "\"kind\":\"command\"", "\"id\":\"c-1\"", "\"result\":\"done\"");

	/* The same id again is not carried out again, only answered. */
	size_t from = e->n_msgs;
	ctl_publish(e, topic, payload, false);
	expect_msg(e, from, "ack", "\"id\":\"c-1\"", "\"result\":\"done\"");
	assert_int_equal(e->n_command, 1);

	/* Past ts + ttl_s: refused. */
	ctl_publish(e, topic, "{\"id\":\"c-2\",\"cmd\":\"identify\",\"args\":{},\"ts\":1000000000000,\"ttl_s\":60}", false);
	expect_msg(e, from, "ack", "\"id\":\"c-2\"", "\"result\":\"failed\"", "expired");
	assert_int_equal(e->n_command, 1);

	/* A screenshot is published and acked. */
	snprintf(payload, sizeof payload, "{\"id\":\"c-3\",\"cmd\":\"screenshot\",\"args\":{},\"ts\":%lld,\"ttl_s\":600}",
	         (long long)hall_clock_now_ms());
	ctl_publish(e, topic, payload, false);
	expect_msg(e, from, "ack", "\"id\":\"c-1\""); /* keep the loop turning */
	int64_t end = hall_clock_mono_ms() + WAIT_MS;
	while (e->n_command < 2 && hall_clock_mono_ms() < end) {
		turn(e);
		sleep_ms(10);
	}
	assert_int_equal(e->last_command.cmd, HALL_LINK_CMD_SCREENSHOT);
	size_t png_len = 0;
	char *png = hall_test_read_fixture("link/mark.png", &png_len);
	hall_error err = {0};
	assert_int_equal(hall_link_publish_shot(e->link, "c-3", png, png_len, &err), HALL_OK);
	free(png);
	size_t shot = expect_msg(e, from, "shot", "\"command\":\"c-3\"");
	/* reload: the content shown comes back from disk as an update. */
	int contents = e->n_content;
	assert_int_equal(hall_link_reload(e->link, &err), HALL_OK);
	turn(e);
	assert_int_equal(e->n_content, contents + 1);
	assert_int_equal(e->content_version, 0);
	assert_true(e->msgs[shot].len > png_len);
	expect_msg(e, from, "ack", "\"id\":\"c-3\"", "\"result\":\"done\"");
}

static bool poll_seen(env *e)
{
	return e->n_poll > 0;
}

static void poll_results_of_the_shown_content_should_be_handed_over(void **state)
{
	env *e = *state;
	char topic[HALL_TOPIC_MAX];
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	turn_for(e, 200); /* the default content (with poll brand-vote) is applied: subscribed */
	hall_topic_ctl_poll_results(topic, sizeof topic, "hall/v1", "brand-vote");
	ctl_publish(e, topic,
	            "{\"poll\":\"brand-vote\",\"ts\":1764057600000,\"total\":120,\"options\":[{\"id\":\"a\",\"votes\":70},"
	            "{\"id\":\"b\",\"votes\":50}]}",
	            false);
	assert_true(turn_until(e, poll_seen));
	assert_string_equal(e->last_poll.poll_id, "brand-vote");
	assert_int_equal(e->last_poll.poll_total, 120);
	assert_int_equal(e->last_poll.poll_noptions, 2);
	assert_string_equal(e->last_poll.poll_options[1].id, "b");
	assert_int_equal(e->last_poll.poll_options[1].votes, 50);
}


/* Chunk k of b on its asset topic, unasked (as another kiosk's request would bring it). */
static void publish_chunk(env *e, const blob *b, size_t k)
{
	char topic[HALL_TOPIC_MAX];
	hall_asset_chunk ch;
	char *out = NULL;
	size_t out_len = 0;
	hall_error err = {0};
	assert_int_equal(hall_topic_ctl_asset(topic, sizeof topic, "hall/v1", b->sha), 0);
	memset(&ch, 0, sizeof ch);
	memcpy(ch.sha256, b->sha, sizeof ch.sha256);
	ch.size = (int64_t)b->len;
	ch.offset = (int64_t)(k * CHUNK);
	ch.len = b->len - k * CHUNK < CHUNK ? b->len - k * CHUNK : CHUNK;
	ch.data = b->data + k * CHUNK;
	assert_int_equal(hall_proto_encode_asset_chunk(&ch, &out, &out_len, &err), HALL_OK);
	hall_mqtt_publish(e->ctl, topic, out, out_len, false, NULL, &err);
	free(out);
}

/* A started kiosk that got a pack for everyone with one 300 KiB asset, and whose random
 * wait before asking is long enough that it never asks by itself during a test. */
static blob *push_to_a_listening_kiosk(env *e, unsigned seed, int64_t version)
{
	start_link(e);
	hall_link_tuning t = {.fetch_jitter_ms = 600000};
	hall_link_tune(e->link, &t);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	blob *b = make_blob(e, seed, 300 * 1024, SERVE_OK);
	push_content(e, "all", "all", version, b, NULL);
	return b;
}

static void kiosk_should_use_asset_chunks_another_kiosk_asked_for(void **state)
{
	env *e = *state;
	blob *b = push_to_a_listening_kiosk(e, 21, 9);
	/* Another kiosk's request makes the controller send the asset to every subscriber;
	 * here the test sends it unasked, last chunk first. */
	int64_t deadline = hall_clock_mono_ms() + WAIT_MS;
	while (e->content_version != 9 && hall_clock_mono_ms() < deadline) {
		turn_for(e, 300);
		size_t n = (b->len + CHUNK - 1) / CHUNK;
		for (size_t k = n; k-- > 0;)
			publish_chunk(e, b, k);
		turn_for(e, 200);
	}
	assert_int_equal(e->content_version, 9);
	expect_ack(e, 0, "content", 9, "applied", NULL);
	assert_int_equal(b->fetches, 0);
	assert_int_equal(count_msgs(e, 0, "fetch", NULL), 0);
}

static bool content_is_11(env *e)
{
	return e->content_version == 11;
}

/* A kiosk that subscribed after the head of a stream passed gets only its tail: once that
 * stream reached the asset's end, nothing more is coming, so it asks from its first missing
 * byte without sitting out its random wait (which is long here). */
static void kiosk_that_got_only_a_streams_tail_should_ask_for_the_rest_at_once(void **state)
{
	env *e = *state;
	blob *b = push_to_a_listening_kiosk(e, 22, 11);
	size_t n = (b->len + CHUNK - 1) / CHUNK;
	long fetch = -1;
	for (int round = 0; round < 3 && fetch < 0; round++) {
		turn_for(e, 300); /* the kiosk subscribes to the asset topic */
		for (size_t k = 1; k < n; k++)
			publish_chunk(e, b, k);
		fetch = wait_msg(e, 0, "fetch", b->sha, "\"offset\":0", (const char *)NULL);
	}
	assert_true(fetch >= 0);
	/* The test's controller answered that request with the whole asset. */
	assert_true(turn_until(e, content_is_11));
	expect_ack(e, 0, "content", 11, "applied", NULL);
}

static void events_recorded_while_the_broker_is_down_should_arrive_after_it_returns(void **state)
{
	env *e = *state;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	assert_int_equal(hall_test_broker_stop(&e->broker), 0);
	turn_for(e, 300);
	for (int i = 0; i < 3; i++)
		record(e, "tap", "offline");
	turn_for(e, 200);
	assert_false(hall_link_is_online(e->link));
	assert_int_equal(stats(e).seq_max, 3);
	size_t from = e->n_msgs;
	assert_int_equal(hall_test_broker_restart(&e->broker), 0);
	/* The controller's session reconnects too; the kiosk says hello again and resends
	 * until confirmed, so the events arrive whichever reconnects first. */
	expect_msg(e, from, "events", "\"seq\":1,", "\"seq\":3,");
	assert_true(stats(e).connects >= 2);
	confirm(e, 3);
	assert_true(turn_until(e, spool_empty));
}

static void flush_should_wait_for_the_controller_to_confirm(void **state)
{
	env *e = *state;
	start_link(e);
	expect_msg(e, 0, "hello", "\"kiosk\"");
	for (int i = 0; i < 3; i++)
		record(e, "view", "home");
	/* Nobody confirms: all three remain. */
	assert_int_equal(hall_link_flush(e->link, 300), 3);
	/* The controller confirms what it gets (its messages are handled on this thread). */
	e->auto_confirm = true;
	size_t left = 3;
	int64_t deadline = hall_clock_mono_ms() + WAIT_MS;
	while (left > 0 && hall_clock_mono_ms() < deadline) {
		left = hall_link_flush(e->link, 100);
		turn(e);
	}
	assert_int_equal(left, 0);
	assert_true(spool_empty(e));
}

static bool content_is_6(env *e)
{
	return e->content_version == 6;
}

static void content_the_main_thread_cannot_show_should_be_rejected(void **state)
{
	env *e = *state;
	apply_good_v5(e);
	e->auto_apply = false;
	size_t from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 6, make_blob(e, 66, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_6));
	hall_link_content_failed(e->link, 6, "image mark.png could not be decoded");
	expect_ack(e, from, "content", 6, "rejected", "could not be decoded");
	assert_int_equal(stats(e).content_version, 5);
}

static void a_deferred_update_should_be_replaced_by_a_newer_one(void **state)
{
	env *e = *state;
	apply_good_v5(e);
	e->auto_apply = false; /* a visitor session runs: the main thread holds updates back */
	size_t from = e->n_msgs;
	push_content(e, "kiosk", "kiosk:k-1", 6, make_blob(e, 67, 10, SERVE_OK), NULL);
	assert_true(turn_until(e, content_is_6));
	hall_link_content_deferred(e->link, 6);
	push_content(e, "kiosk", "kiosk:k-1", 7, make_blob(e, 68, 10, SERVE_OK), NULL);
	expect_ack(e, from, "content", 6, "rejected", "superseded");
	assert_int_equal(e->content_version, 7);
	hall_link_content_applied(e->link, 7);
	expect_ack(e, from, "content", 7, "applied", NULL);
	assert_int_equal(stats(e).content_version, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(link_should_send_hello_on_connect_and_again_on_reconnect, setup, teardown),
		cmocka_unit_test_setup_teardown(deferred_content_should_send_a_deferred_ack_then_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(link_should_retain_status_only_when_configured, setup, teardown),
		cmocka_unit_test_setup_teardown(render_health_should_go_out_at_once_when_first_measured_or_much_changed, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(confirm_above_seq_max_should_move_the_seq_past_it_and_renumber, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(events_should_be_resent_until_confirmed_and_dropped_on_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(events_should_survive_a_restart_with_their_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(help_calls_should_be_resent_until_acknowledged_across_a_restart, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(controller_coming_online_should_get_a_new_hello, setup, teardown),
		cmocka_unit_test_setup_teardown(controller_coming_online_should_trigger_a_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(record_should_refuse_an_unknown_event_type, setup, teardown),
		cmocka_unit_test_setup_teardown(boot_should_show_default_content_when_nothing_was_pushed, setup, teardown),
		cmocka_unit_test_setup_teardown(a_kiosk_without_any_content_should_still_start_and_say_why, setup, teardown),
		cmocka_unit_test_setup_teardown(content_with_assets_should_be_fetched_by_hash_applied_and_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_updates_should_be_rejected_with_their_reason_and_keep_the_content, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(content_should_follow_scope_precedence_and_clearing, setup, teardown),
		cmocka_unit_test_setup_teardown(boot_without_broker_should_use_the_last_good_content, setup, teardown),
		cmocka_unit_test_setup_teardown(notices_and_schedules_should_be_handed_over_and_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(commands_should_run_once_by_id_and_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(poll_results_of_the_shown_content_should_be_handed_over, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_should_use_asset_chunks_another_kiosk_asked_for, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_that_got_only_a_streams_tail_should_ask_for_the_rest_at_once, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(events_recorded_while_the_broker_is_down_should_arrive_after_it_returns, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(flush_should_wait_for_the_controller_to_confirm, setup, teardown),
		cmocka_unit_test_setup_teardown(content_the_main_thread_cannot_show_should_be_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(a_deferred_update_should_be_replaced_by_a_newer_one, setup, teardown),
	};
	/* LINK_TEST=pattern runs only the matching tests (for debugging). */
	if (getenv("LINK_TEST"))
		cmocka_set_test_filter(getenv("LINK_TEST"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
