/* ctl_harness.h: shared by the controller's integration tests (included, not a module):
 * a real mosquitto, `hall-controller serve` as a child process, and a test client that
 * plays a kiosk over hall_mqtt. Every wait is bounded in time. */
#ifndef HALL_TEST_CTL_HARNESS_H
#define HALL_TEST_CTL_HARNESS_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "fixtures.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "store.h"

typedef struct ctl_fx {
	hall_test_broker b;
	char dir[512];
	char data[600];
	char conf[600];
	char log[600];
	char broker_arg[64];
	pid_t serve;
	hall_mqtt *kiosk; /* the test's client, subscribed to what a kiosk reads and more */
} ctl_fx;

static inline const char *ctl_bin(void)
{
	static char path[1024];
	const char *b = getenv("HALL_BUILD_DIR");
	snprintf(path, sizeof path, "%s/hall-controller", b && *b ? b : HALL_BUILD_DIR);
	return path;
}

/* Write the controller config (extra: JSON members after the fixed ones, may be ""). */
static inline void ctl_write_config(ctl_fx *f, const char *extra)
{
	char json[2048];
	snprintf(json, sizeof json,
	         "{\"ingest\":{\"batch_ms\":50,\"batch_max\":1000},\"time_zone\":\"Asia/Seoul\","
	         "\"reports_dir\":\"%s/reports\"%s%s}",
	         f->dir, extra && *extra ? "," : "", extra ? extra : "");
	assert_int_equal(hall_fs_write_atomic(f->conf, json, strlen(json), NULL), HALL_OK);
}

/* Run the controller with args (NULL-terminated) plus --config/--broker/--data, stdout
 * to out_path (may be NULL), stderr appended to the log. Returns the pid. */
static inline pid_t ctl_spawn(ctl_fx *f, const char *const *args, const char *out_path)
{
	const char *argv[32];
	int n = 0;
	argv[n++] = ctl_bin();
	for (; args && *args && n < 24; args++)
		argv[n++] = *args;
	argv[n++] = "--config";
	argv[n++] = f->conf;
	argv[n++] = "--broker";
	argv[n++] = f->broker_arg;
	argv[n++] = "--data";
	argv[n++] = f->data;
	argv[n] = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int err_fd = open(f->log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		if (out_path) {
			int out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (out_fd >= 0)
				dup2(out_fd, 1);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Wait for a child at most timeout_ms; returns its exit code, or -1 (killed then). */
static inline int ctl_wait_exit(pid_t pid, int timeout_ms)
{
	int status = 0;
	for (int i = 0; i < timeout_ms / 20; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(20 * 1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static inline void ctl_dump_log(const ctl_fx *f)
{
	char *data = NULL;
	size_t len = 0;
	if (hall_fs_read_file(f->log, 1u << 20, &data, &len, NULL) == HALL_OK)
		fprintf(stderr, "---- controller log ----\n%s\n------------------------\n", data);
	free(data);
}

/* Take the next message whose topic ends with `suffix`, dropping others; false on timeout. */
static inline bool ctl_next(ctl_fx *f, const char *suffix, int timeout_ms, hall_mqtt_msg *out)
{
	int64_t until = hall_clock_mono_ms() + timeout_ms;
	size_t sl = strlen(suffix);
	while (hall_clock_mono_ms() < until) {
		hall_mqtt_msg m;
		if (!hall_mqtt_poll(f->kiosk, &m)) {
			hall_mqtt_wait(f->kiosk, 50);
			continue;
		}
		size_t tl = strlen(m.topic);
		if (tl >= sl && strcmp(m.topic + tl - sl, suffix) == 0) {
			*out = m;
			return true;
		}
		hall_mqtt_msg_free(&m);
	}
	return false;
}

/* Wait until a confirm of `kiosk` carries at least `seq`; returns the last seq seen. */
static inline int64_t ctl_wait_confirm(ctl_fx *f, const char *kiosk, int64_t seq, int timeout_ms)
{
	char suffix[128];
	int64_t last = -1;
	int64_t until = hall_clock_mono_ms() + timeout_ms;
	snprintf(suffix, sizeof suffix, "/ctl/kiosk/%s/confirm", kiosk);
	while (last < seq && hall_clock_mono_ms() < until) {
		hall_mqtt_msg m;
		if (!ctl_next(f, suffix, (int)(until - hall_clock_mono_ms()), &m))
			break;
		hall_confirm c;
		if (hall_proto_decode_confirm(m.payload, m.len, &c, NULL) == HALL_OK && c.seq > last)
			last = c.seq;
		hall_mqtt_msg_free(&m);
	}
	return last;
}

static inline void ctl_publish(ctl_fx *f, const char *topic, const char *payload)
{
	assert_int_equal(hall_mqtt_publish(f->kiosk, topic, payload, strlen(payload), false, NULL, NULL), HALL_OK);
}

static inline void ctl_start_serve(ctl_fx *f)
{
	static const char *const args[] = {"serve", "--create", NULL};
	hall_mqtt_msg m;
	f->serve = ctl_spawn(f, args, NULL);
	/* Ready when it announces itself online (after its subscriptions were sent). */
	bool online = false;
	while (!online && ctl_next(f, "/ctl/controller/status", 10000, &m)) {
		hall_controller_status st;
		online = hall_proto_decode_controller_status(m.payload, m.len, &st, NULL) == HALL_OK && st.online &&
		         !m.retain;
		hall_mqtt_msg_free(&m);
	}
	if (!online)
		ctl_dump_log(f);
	assert_true(online);
	usleep(100 * 1000); /* its SUBSCRIBEs went out before that publish; give the SUBACKs a moment */
}

/* Returns serve's exit code (0 after a clean stop; a sanitizer report makes it non-zero). */
static inline int ctl_stop_serve(ctl_fx *f)
{
	int rc = 0;
	if (f->serve > 0) {
		kill(f->serve, SIGTERM);
		rc = ctl_wait_exit(f->serve, 10000);
		f->serve = 0;
	}
	return rc;
}

static inline void ctl_kill_serve(ctl_fx *f)
{
	if (f->serve > 0) {
		kill(f->serve, SIGKILL);
		waitpid(f->serve, NULL, 0);
		f->serve = 0;
	}
}

static inline int ctl_setup(void **state, const char *extra_config)
{
	ctl_fx *f = calloc(1, sizeof *f);
	if (!f || hall_test_broker_start(&f->b, NULL) != 0)
		return -1;
	hall_test_tmpdir(f->dir, sizeof f->dir, "ctl");
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	snprintf(f->conf, sizeof f->conf, "%s/controller.json", f->dir);
	snprintf(f->log, sizeof f->log, "%s/controller.log", f->dir);
	snprintf(f->broker_arg, sizeof f->broker_arg, "127.0.0.1:%d", f->b.port);
	ctl_write_config(f, extra_config);
	char cid[64];
	snprintf(cid, sizeof cid, "test-kiosk-%d", (int)getpid());
	hall_mqtt_config mc = {.host = "127.0.0.1", .port = f->b.port, .client_id = cid, .clean_session = true};
	if (hall_mqtt_create(&mc, &f->kiosk, NULL) != HALL_OK)
		return -1;
	hall_mqtt_subscribe(f->kiosk, "hall/v1/ctl/#", NULL);
	if (hall_mqtt_start(f->kiosk, NULL) != HALL_OK)
		return -1;
	for (int i = 0; i < 250 && !hall_mqtt_is_connected(f->kiosk); i++)
		usleep(20 * 1000);
	if (!hall_mqtt_is_connected(f->kiosk))
		return -1;
	/* Subscribed only once the broker says so (a fixed sleep is too short on a busy machine). */
	hall_mqtt_stats st = {0};
	for (int i = 0; i < 500 && st.subacks == 0; i++) {
		hall_mqtt_get_stats(f->kiosk, &st);
		if (st.subacks == 0)
			usleep(10 * 1000);
	}
	if (st.subacks == 0)
		return -1;
	*state = f;
	return 0;
}

static inline int ctl_teardown(void **state)
{
	ctl_fx *f = *state;
	int rc = ctl_stop_serve(f);
	if (rc != 0) {
		fprintf(stderr, "serve exited with %d\n", rc);
		ctl_dump_log(f);
	}
	hall_mqtt_destroy(f->kiosk);
	hall_test_broker_cleanup(&f->b);
	hall_test_rmtree(f->dir);
	free(f);
	return rc == 0 ? 0 : -1;
}

static inline hall_store *ctl_open_db(ctl_fx *f)
{
	char path[700];
	hall_store *s = NULL;
	snprintf(path, sizeof path, "%s/controller.db", f->data);
	assert_int_equal(hall_store_open_sqlite(path, &s, NULL), HALL_OK);
	return s;
}

static inline int ctl_count_cb(void *user, const hall_event *ev)
{
	(void)ev;
	(*(int64_t *)user)++;
	return 0;
}

static inline int64_t ctl_count_events(ctl_fx *f, const char *kiosk)
{
	hall_store *s = ctl_open_db(f);
	int64_t n = 0;
	assert_int_equal(hall_store_each_event(s, kiosk, 0, INT64_MAX, ctl_count_cb, &n, NULL), HALL_OK);
	hall_store_close(s);
	return n;
}

static inline int64_t ctl_counter(ctl_fx *f, const char *name)
{
	hall_store *s = ctl_open_db(f);
	int64_t v = 0;
	assert_int_equal(hall_store_counter_get(s, name, &v, NULL), HALL_OK);
	hall_store_close(s);
	return v;
}

static inline void ctl_hello(ctl_fx *f, const char *kiosk, const char *group, int64_t content_version, int64_t seq_max,
                      int64_t spool_first)
{
	char topic[128], json[512];
	snprintf(topic, sizeof topic, "hall/v1/kiosk/%s/hello", kiosk);
	snprintf(json, sizeof json,
	         "{\"kiosk\":\"%s\",\"group\":\"%s\",\"ts\":1764057600000,\"boot_ts\":1764057000000,"
	         "\"content_version\":%lld,\"schedule_version\":0,\"notice_version\":0,\"seq_max\":%lld,"
	         "\"spool_first\":%lld,\"app\":\"test\"}",
	         kiosk, group, (long long)content_version, (long long)seq_max, (long long)spool_first);
	ctl_publish(f, topic, json);
}

static inline void ctl_event_json(char *out, size_t len, const char *kiosk, int64_t seq)
{
	snprintf(out, len,
	         "{\"kiosk\":\"%s\",\"seq\":%lld,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"brand\","
	         "\"target\":\"next\"}",
	         kiosk, (long long)seq);
}

/* The setup of a test whose controller config needs nothing more than the defaults;
 * CTL_TEST(fn) is such a test in a cmocka list. */
static inline int ctl_setup_plain(void **state)
{
	return ctl_setup(state, "");
}
#define CTL_TEST(fn) cmocka_unit_test_setup_teardown(fn, ctl_setup_plain, ctl_teardown)

/* A pack under tests/fixtures/. Several may be alive in one argv: a small ring of buffers. */
static inline const char *ctl_pack(const char *name)
{
	static char paths[4][1024];
	static int next;
	char *path = paths[next++ % 4];
	return hall_test_fixture(path, 1024, name);
}

/* A file's text (up to 1 MiB), "" when it cannot be read; the caller frees. */
static inline char *ctl_read_text(const char *path)
{
	char *data = NULL;
	size_t len = 0;
	if (hall_fs_read_file(path, 1u << 20, &data, &len, NULL) != HALL_OK)
		return strdup("");
	return data;
}

/* Make kiosk `id` known and online to serve: hello, then wait for its confirm. */
static inline void ctl_kiosk_online(ctl_fx *f, const char *id, const char *group)
{
	ctl_hello(f, id, group, 0, 0, 1);
	assert_int_equal(ctl_wait_confirm(f, id, 0, 10000), 0);
}

/* Run hall-controller with args to its end (20 s at most), expecting exit code `code`:
 * what it printed on standard output (the caller frees). */
static inline char *ctl_run_output(ctl_fx *f, const char *const *args, int code)
{
	char out[700];
	snprintf(out, sizeof out, "%s/out.txt", f->dir);
	assert_int_equal(ctl_wait_exit(ctl_spawn(f, args, out), 20000), code);
	return ctl_read_text(out);
}

#endif
