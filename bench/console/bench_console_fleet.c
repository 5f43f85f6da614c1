/* bench_console_fleet: N simulated kiosks for the staff console's benchmark.
 *
 *   bench_console_fleet --broker HOST:PORT --kiosks N [--status-every S]
 *
 * Over one MQTT connection (the development profile's loopback broker has no ACL) it says
 * hello for kiosks bench-0000 .. bench-(N-1) in 10 groups, then sends each kiosk's status
 * every S seconds (default 30, spread evenly), as a fleet of N kiosks keeps serve busy.
 * On standard input, "change ID TEXT" sends that kiosk's status with last_error TEXT and
 * prints "sent ID <UTC ms>" once the broker has it: run_bench.py times from there to the
 * console's live stream. EOF stops it. Only what the fleet page reads is simulated, not the
 * kiosks' content, spool or screens (bench/propagation does those). */
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/clock.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/topics.h"

/* Each kiosk's last error: a kiosk keeps saying it in every status, as the real one does. */
static char (*g_errors)[128];

static void send_status(hall_mqtt *m, int i, const char *error)
{
	hall_status st;
	char topic[HALL_TOPIC_MAX], id[HALL_ID_BUF];
	char *buf = NULL;
	size_t len = 0;
	memset(&st, 0, sizeof st);
	snprintf(id, sizeof id, "bench-%04d", i);
	snprintf(st.kiosk, sizeof st.kiosk, "%s", id);
	snprintf(st.group, sizeof st.group, "g%d", i % 10);
	st.online = true;
	st.full = true;
	st.ts = hall_clock_now_ms();
	st.uptime_s = 60;
	st.fps = 60;
	if (error)
		snprintf(g_errors[i], sizeof g_errors[i], "%s", error);
	snprintf(st.last_error, sizeof st.last_error, "%s", g_errors[i]);
	snprintf(st.showing.scope, sizeof st.showing.scope, "default");
	if (hall_proto_encode_status(&st, &buf, &len, NULL) == HALL_OK &&
	    hall_topic_kiosk(topic, sizeof topic, "hall/v1", id, "status") == 0)
		hall_mqtt_publish(m, topic, buf, len, false, NULL, NULL);
	free(buf);
}

static void send_hello(hall_mqtt *m, int i)
{
	hall_hello h;
	char topic[HALL_TOPIC_MAX];
	char *buf = NULL;
	size_t len = 0;
	memset(&h, 0, sizeof h);
	snprintf(h.kiosk, sizeof h.kiosk, "bench-%04d", i);
	snprintf(h.group, sizeof h.group, "g%d", i % 10);
	h.ts = h.boot_ts = hall_clock_now_ms();
	h.spool_first = 1;
	snprintf(h.app, sizeof h.app, "bench");
	snprintf(h.showing.scope, sizeof h.showing.scope, "default");
	if (hall_proto_encode_hello(&h, &buf, &len, NULL) == HALL_OK &&
	    hall_topic_kiosk(topic, sizeof topic, "hall/v1", h.kiosk, "hello") == 0)
		hall_mqtt_publish(m, topic, buf, len, false, NULL, NULL);
	free(buf);
}

int main(int argc, char **argv)
{
	const char *broker = "127.0.0.1:1883";
	int n = 1000, every_s = 30;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--broker") == 0)
			broker = argv[i + 1];
		else if (strcmp(argv[i], "--kiosks") == 0)
			n = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--status-every") == 0)
			every_s = atoi(argv[i + 1]);
	}
	char host[128];
	int port = 1883;
	if (sscanf(broker, "%127[^:]:%d", host, &port) != 2 || n < 1 || n > 9999 || every_s < 1) {
		fprintf(stderr, "usage: bench_console_fleet --broker HOST:PORT --kiosks N [--status-every S]\n");
		return 2;
	}
	g_errors = calloc((size_t)n, sizeof *g_errors);
	if (!g_errors)
		return 1;
	hall_mqtt_config mc = {.host = host, .port = port, .client_id = "bench-console-fleet", .clean_session = true,
	                       .max_inflight = 1000};
	hall_mqtt *m = NULL;
	hall_error err = {0};
	char msg[512];
	if (hall_mqtt_create(&mc, &m, &err) != HALL_OK || hall_mqtt_start(m, &err) != HALL_OK) {
		fprintf(stderr, "bench_console_fleet: %s\n", hall_error_format(&err, msg, sizeof msg));
		return 1;
	}
	for (int i = 0; i < 100 && !hall_mqtt_is_connected(m); i++)
		usleep(50 * 1000);
	for (int i = 0; i < n; i++)
		send_hello(m, i);
	hall_mqtt_flush(m, 30000, NULL);
	printf("hello %d\n", n);
	fflush(stdout);
	int64_t period = (int64_t)every_s * 1000 / n, next = hall_clock_mono_ms();
	int turn = 0;
	char line[512];
	for (;;) {
		struct pollfd p = {.fd = 0, .events = POLLIN};
		int64_t wait = next - hall_clock_mono_ms();
		if (poll(&p, 1, wait < 0 ? 0 : (int)(wait > 1000 ? 1000 : wait)) > 0) {
			if (!fgets(line, sizeof line, stdin))
				break;
			char id[64], text[256];
			int k;
			if (sscanf(line, "change %63s %255[^\n]", id, text) == 2 && sscanf(id, "bench-%d", &k) == 1 && k >= 0 &&
			    k < n) {
				send_status(m, k, text);
				hall_mqtt_flush(m, 5000, NULL);
				printf("sent %s %" PRId64 "\n", id, hall_clock_now_ms());
				fflush(stdout);
			}
		}
		if (hall_clock_mono_ms() >= next) {
			send_status(m, turn, NULL);
			turn = (turn + 1) % n;
			next += period > 0 ? period : 1;
		}
	}
	hall_mqtt_stop(m, NULL, NULL, 0, false, 1000, NULL);
	hall_mqtt_destroy(m);
	free(g_errors);
	return 0;
}
