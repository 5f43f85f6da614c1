/* test_link_will.c: the kiosk's Last Will follows cfg retain (docs/protocol.md "status").
 * A child process runs a kiosk link and is killed with SIGKILL once online, so the broker
 * publishes its Will; a subscriber that comes later sees it retained only when the config
 * says retain. Forking happens before this process starts any thread. */
#include <poll.h>
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
#include "fixtures.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/mqtt.h"
#include "link.h"

#define WAIT_MS 15000

/* Child: run a link until it is online, say so on `fd`, then wait to be killed. */
static void run_kiosk(const hall_test_broker *b, const char *dir, bool retain, int fd)
{
	hall_kiosk_config cfg;
	hall_link *link = NULL;
	hall_error err = {0};
	char def[256];
	hall_kiosk_config_defaults(&cfg);
	snprintf(cfg.id, sizeof cfg.id, "k-will");
	snprintf(cfg.broker.host, sizeof cfg.broker.host, "%s", b->host);
	cfg.broker.port = b->port;
	snprintf(cfg.broker.username, sizeof cfg.broker.username, "k-will");
	if (hall_fs_join(cfg.data_dir, sizeof cfg.data_dir, dir, "data") != 0)
		_exit(2);
	hall_test_fixture(def, sizeof def, "link/default");
	snprintf(cfg.default_content, sizeof cfg.default_content, "%s", def);
	cfg.retain = retain;
	if (hall_link_create(&cfg, NULL, NULL, &link, &err) != HALL_OK || hall_link_start(link, &err) != HALL_OK)
		_exit(3);
	int64_t end = hall_clock_mono_ms() + WAIT_MS;
	bool told = false;
	while (hall_clock_mono_ms() < end) {
		hall_link_update u;
		while (hall_link_poll(link, hall_clock_mono_ms(), &u))
			hall_link_update_clear(&u);
		hall_link_frame_end(link);
		hall_link_stats s;
		hall_link_get_stats(link, &s);
		if (!told && s.connects > 0) {
			/* hello and status went out after the connect; give them a moment. */
			struct timespec ts = {0, 200 * 1000000L};
			nanosleep(&ts, NULL);
			if (write(fd, "1", 1) != 1)
				_exit(4);
			told = true;
		}
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	_exit(5);
}

/* Retained messages a new subscriber gets on the kiosk's status topic within `ms`. */
static int retained_status(const hall_test_broker *b, int ms, char *payload, size_t len)
{
	hall_mqtt_config mc;
	hall_mqtt *mq = NULL;
	hall_error err = {0};
	int n = 0;
	memset(&mc, 0, sizeof mc);
	mc.host = b->host;
	mc.port = b->port;
	mc.client_id = "late-subscriber";
	mc.clean_session = true;
	assert_int_equal(hall_mqtt_create(&mc, &mq, &err), HALL_OK);
	assert_int_equal(hall_mqtt_subscribe(mq, "hall/v1/kiosk/k-will/status", &err), HALL_OK);
	assert_int_equal(hall_mqtt_start(mq, &err), HALL_OK);
	int64_t end = hall_clock_mono_ms() + ms;
	while (hall_clock_mono_ms() < end) {
		hall_mqtt_msg m;
		while (hall_mqtt_poll(mq, &m)) {
			if (m.retain) {
				n++;
				snprintf(payload, len, "%.*s", (int)m.len, (const char *)m.payload);
			}
			hall_mqtt_msg_free(&m);
		}
		if (n > 0)
			break;
		hall_mqtt_wait(mq, 20);
	}
	hall_mqtt_destroy(mq);
	return n;
}

static void run_case(bool retain)
{
	hall_test_broker b;
	char dir[256], payload[512] = "";
	int fds[2];
	assert_int_equal(hall_test_broker_start(&b, NULL), 0);
	hall_test_tmpdir(dir, sizeof dir, "link-will");
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		run_kiosk(&b, dir, retain, fds[1]);
	}
	close(fds[1]);
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	char c = 0;
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	kill(pid, SIGKILL); /* no DISCONNECT: the broker publishes the Will */
	waitpid(pid, NULL, 0);
	/* The broker notices the dead socket at once (the kernel closes it). */
	int n = retained_status(&b, retain ? WAIT_MS : 1500, payload, sizeof payload);
	/* The Will replaces the retained "online" status once the broker saw the socket close. */
	int64_t end = hall_clock_mono_ms() + WAIT_MS;
	while (retain && !strstr(payload, "\"online\":false") && hall_clock_mono_ms() < end)
		n = retained_status(&b, WAIT_MS, payload, sizeof payload);
	if (retain) {
		assert_true(n > 0);
		assert_non_null(strstr(payload, "\"online\":false"));
	} else {
		assert_int_equal(n, 0);
	}
	hall_test_broker_cleanup(&b);
	hall_test_rmtree(dir);
}

static void will_should_be_retained_when_retain_is_on(void **state)
{
	(void)state;
	run_case(true);
}

static void nothing_should_be_retained_when_retain_is_off_not_even_the_will(void **state)
{
	(void)state;
	run_case(false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(will_should_be_retained_when_retain_is_on),
		cmocka_unit_test(nothing_should_be_retained_when_retain_is_off_not_even_the_will),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
