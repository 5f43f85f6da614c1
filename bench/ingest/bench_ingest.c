/* bench_ingest.c: how fast the controller takes events in (run by hand, never by ctest).
 *
 *   bench_ingest [HALL_CONTROLLER] [--events N] [--kiosks K] [--window W] [--batch B]
 *                [--ingest-max M] [--tls] [--pg] [--broker HOST:PORT[,HOST:PORT...]]
 *                [--user NAME --password PW]
 *
 * --broker: parts 2 and 3 use these running brokers (e.g. the nodes of a RabbitMQ cluster)
 * instead of a private mosquitto, plain (not with --tls): serve gets the list as its
 * --broker, the simulated kiosks the list in reverse (so on a cluster the events cross
 * from the last node to serve's first), mosquitto_sub the first entry. The broker's CPU is
 * then not measured. --user/--password: the account every client logs in with (RabbitMQ
 * refuses a username without a password).
 *
 * --tls: parts 2 and 3 go over TLS (the broker's listener and certificate as
 * `hall-controller init` makes them, the clients verifying it as an enrolled hall does);
 * run it and a plain run back to back to compare (bench/ingest/README.md).
 *
 * Part 1, the store alone: N events inserted into a fresh SQLite database (WAL,
 * synchronous=FULL) in transactions of 1, 100 and 1000 events.
 * Part 2, end to end: a real mosquitto on loopback, `hall-controller serve`, and K
 * simulated kiosks that each keep at most W unconfirmed events in flight, published in
 * batches of B (what hall-kiosk's spool does). Measured: events per second from the first
 * publish to the last confirm, and the confirm latency of each batch (publish -> the
 * confirm that covers it): p50, p99, max, and serve's peak RSS. serve runs with
 * ingest.batch_ms 100 and ingest.batch_max M (default 1000, the config's default).
 * Part 3, the ceiling: the same stream published again with only `mosquitto_sub -q 1`
 * subscribed; the rate at which it receives everything. The target: part 2 at
 * least 0.8 of part 3. Prints one JSON line and a summary, with the CPU per event of the
 * broker, the simulated kiosks and serve (or mosquitto_sub) in parts 2 and 3. */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "broker.h"
#include "fixtures.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/topics.h"
#include "pg.h"
#include "store.h"

typedef struct kiosk_sim {
	char id[HALL_ID_BUF];
	int64_t next;       /* next seq to publish */
	int64_t confirmed;
	int64_t *sent_at;   /* mono ms per batch, indexed by (last seq of the batch - 1) / batch */
} kiosk_sim;

/* CPU seconds (user + system) a process has used so far, from /proc/PID/stat; -1 when
 * unreadable. Used for the broker, whose parent is not this process's wait. */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
	unsigned long long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

static double ru_cpu_s(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 + (double)ru->ru_stime.tv_sec +
	       (double)ru->ru_stime.tv_usec / 1e6;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* pg: a private PostgreSQL (--pg), each run in a fresh schema; NULL: a SQLite file. */
static double store_rate(const char *dir, const hall_test_pg *pg, int64_t n, size_t per_tx)
{
	char path[700], schema[32];
	hall_store *s = NULL;
	hall_error err = {0};
	snprintf(path, sizeof path, "%s/store-%zu.db", dir, per_tx);
	snprintf(schema, sizeof schema, "store%zu", per_tx);
	if (pg && hall_test_pg_fresh(pg, schema, path, sizeof path) != 0)
		return -1;
	if (hall_store_open(path, &s, &err) != HALL_OK) {
		fprintf(stderr, "open %s: %s\n", path, err.msg);
		return -1;
	}
	hall_event *evs = calloc(per_tx, sizeof *evs);
	int64_t t0 = hall_clock_mono_ms();
	int64_t seq = 1;
	while (seq <= n) {
		size_t k = 0;
		for (; k < per_tx && seq <= n; k++, seq++) {
			hall_event_init(&evs[k]);
			snprintf(evs[k].kiosk, sizeof evs[k].kiosk, "bench-%02d", (int)(seq % 8));
			evs[k].seq = seq;
			evs[k].ts = INT64_C(1764057600000) + seq;
			evs[k].type = HALL_EVENT_TAP;
			snprintf(evs[k].exhibit, sizeof evs[k].exhibit, "brand");
			snprintf(evs[k].target, sizeof evs[k].target, "next");
		}
		if (hall_store_insert_events(s, evs, k, NULL, &err) != HALL_OK) {
			fprintf(stderr, "insert: %s\n", err.msg);
			break;
		}
	}
	int64_t ms = hall_clock_mono_ms() - t0;
	free(evs);
	hall_store_close(s);
	return (double)n * 1000.0 / (double)(ms > 0 ? ms : 1);
}

static size_t batch_json(char *out, size_t cap, const char *kiosk, int64_t first, int64_t last)
{
	size_t n = (size_t)snprintf(out, cap, "{\"kiosk\":\"%s\",\"events\":[", kiosk);
	for (int64_t seq = first; seq <= last && n < cap; seq++)
		n += (size_t)snprintf(out + n, cap - n,
		                      "%s{\"seq\":%" PRId64 ",\"ts\":1764057601234,\"type\":\"view\",\"exhibit\":\"brand\","
		                      "\"target\":\"p1\",\"session\":1,\"lang\":\"ko\",\"dwell_ms\":1200}",
		                      seq == first ? "" : ",", seq);
	if (n < cap)
		n += (size_t)snprintf(out + n, cap - n, "]}");
	return n;
}

int main(int argc, char **argv)
{
	const char *ctl = NULL;
	int64_t n_events = 100000;
	int n_kiosks = 8, window = 500, batch = 100, ingest_max = 1000;
	bool tls = false;
	bool use_pg = false;
	const char *broker_list = NULL, *user = NULL, *password = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
			n_events = atoll(argv[++i]);
		else if (strcmp(argv[i], "--kiosks") == 0 && i + 1 < argc)
			n_kiosks = atoi(argv[++i]);
		else if (strcmp(argv[i], "--window") == 0 && i + 1 < argc)
			window = atoi(argv[++i]);
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			batch = atoi(argv[++i]);
		else if (strcmp(argv[i], "--ingest-max") == 0 && i + 1 < argc)
			ingest_max = atoi(argv[++i]);
		else if (strcmp(argv[i], "--pg") == 0)
			use_pg = true;
		else if (strcmp(argv[i], "--tls") == 0)
			tls = true;
		else if (strcmp(argv[i], "--broker") == 0 && i + 1 < argc)
			broker_list = argv[++i];
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (strcmp(argv[i], "--password") == 0 && i + 1 < argc)
			password = argv[++i];
		else
			ctl = argv[i];
	}
	if (n_events < 1 || n_kiosks < 1 || n_kiosks > 100 || window < 1 || batch < 1 || batch > HALL_PROTO_BATCH_MAX ||
	    ingest_max < 1 || ingest_max > 100000) {
		fprintf(stderr, "usage: bench_ingest [HALL_CONTROLLER] [--events N] [--kiosks 1..100] [--window W] "
		                "[--batch 1..1000] [--ingest-max 1..100000] [--tls] [--pg] [--broker HOST:PORT[,HOST:PORT...]] "
		                "[--user NAME --password PW]\n");
		return 2;
	}
	hall_config_args ba;
	memset(&ba, 0, sizeof ba);
	if (broker_list) {
		if (hall_test_broker_list_arg("bench_ingest", broker_list, &ba) != 0)
			return 2;
		if (tls) {
			fprintf(stderr, "bench_ingest: --tls makes its own broker; --broker takes running brokers, plain\n");
			return 2;
		}
	}
	char ctl_path[1024];
	if (!ctl) {
		snprintf(ctl_path, sizeof ctl_path, "%s/hall-controller", HALL_BUILD_DIR);
		ctl = ctl_path;
	}
	char dir[512];
	hall_test_tmpdir(dir, sizeof dir, "bench-ingest");

	/* --pg: the store is a private PostgreSQL with fsync on (tests/support/start-postgres.sh),
	 * so it pays for durability as SQLite's synchronous=FULL does. */
	hall_test_pg pgs, *pg = NULL;
	char db_uri[700] = "";
	if (use_pg) {
		setenv("HALL_PG_FSYNC", "on", 1);
		if (hall_test_pg_start(&pgs) != 0)
			return 1;
		pg = &pgs;
	}
	/* Part 1: the store alone. */
	double r1 = store_rate(dir, pg, n_events < 2000 ? n_events : 2000, 1);
	double r100 = store_rate(dir, pg, n_events, 100);
	double r1000 = store_rate(dir, pg, n_events, 1000);
	if (pg && hall_test_pg_fresh(pg, "e2e", db_uri, sizeof db_uri) != 0)
		return 1;

	/* Part 2: end to end. */
	hall_test_broker b;
	memset(&b, 0, sizeof b);
	char extra[3000] = "max_queued_messages 100000\nset_tcp_nodelay true\n", cafile[700] = "";
	int port = 0;
	if (!broker_list) {
		if (tls && hall_test_broker_tls_lines(ctl, dir, extra, sizeof extra, cafile, sizeof cafile, &port) != 0)
			return 1;
		if (hall_test_broker_start(&b, extra) != 0)
			return 1;
		if (!tls)
			port = b.port;
		snprintf(ba.brokers[0].host, sizeof ba.brokers[0].host, "127.0.0.1");
		ba.brokers[0].port = port;
		ba.n_brokers = 1;
	}
	char data[600], conf[600], logp[600], broker_arg[2400];
	snprintf(data, sizeof data, "%s/data", dir);
	snprintf(conf, sizeof conf, "%s/controller.json", dir);
	snprintf(logp, sizeof logp, "%s/serve.log", dir);
	if (broker_list)
		snprintf(broker_arg, sizeof broker_arg, "%s", broker_list);
	else
		snprintf(broker_arg, sizeof broker_arg, "127.0.0.1:%d", port);
	char cfg_json[3000], account[700] = "";
	if (user)
		snprintf(account, sizeof account, ",\"broker\":{\"username\":\"%.200s\",\"password\":\"%.200s\"}", user,
		         password ? password : "");
	snprintf(cfg_json, sizeof cfg_json,
	         "{\"ingest\":{\"batch_ms\":100,\"batch_max\":%d},\"log_level\":\"warn\"%s%s%s%s%s%s%s}", ingest_max,
	         tls ? ",\"broker\":{\"cafile\":\"" : "", cafile, tls ? "\"}" : "", pg ? ",\"database\":\"" : "", db_uri,
	         pg ? "\"" : "", account);
	hall_fs_write_atomic(conf, cfg_json, strlen(cfg_json), NULL);
	pid_t serve = fork();
	if (serve == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0)
			dup2(fd, 2);
		execl(ctl, ctl, "serve", "--create", "--config", conf, "--broker", broker_arg, "--data", data, (char *)NULL);
		_exit(127);
	}
	hall_mqtt *m = NULL;
	hall_mqtt_addr kiosk_brokers[HALL_BROKER_HOSTS_MAX]; /* the list in reverse: see the top */
	for (int j = 0; j < ba.n_brokers; j++)
		kiosk_brokers[j] = (hall_mqtt_addr){ba.brokers[ba.n_brokers - 1 - j].host, ba.brokers[ba.n_brokers - 1 - j].port};
	hall_mqtt_config mc = {.brokers = kiosk_brokers, .n_brokers = (size_t)ba.n_brokers, .client_id = "bench-kiosks",
	                       .clean_session = true, .max_inflight = 1000, .queue_max = 100000,
	                       .cafile = tls ? cafile : NULL, .username = user, .password = password};
	if (hall_mqtt_create(&mc, &m, NULL) != HALL_OK)
		return 1;
	hall_mqtt_subscribe(m, "hall/v1/ctl/kiosk/+/confirm", NULL);
	hall_mqtt_subscribe(m, "hall/v1/ctl/controller/status", NULL);
	hall_mqtt_start(m, NULL);
	/* Wait for serve to announce itself. */
	bool up = false;
	for (int64_t until = hall_clock_mono_ms() + 10000; !up && hall_clock_mono_ms() < until;) {
		hall_mqtt_msg msg;
		if (!hall_mqtt_poll(m, &msg)) {
			hall_mqtt_wait(m, 50);
			continue;
		}
		hall_controller_status st;
		up = strstr(msg.topic, "controller/status") && !msg.retain &&
		     hall_proto_decode_controller_status(msg.payload, msg.len, &st, NULL) == HALL_OK && st.online;
		hall_mqtt_msg_free(&msg);
	}
	if (!up) {
		fprintf(stderr, "serve did not come up (log: %s)\n", logp);
		return 1;
	}
	usleep(200 * 1000);

	int64_t per_kiosk = (n_events + n_kiosks - 1) / n_kiosks;
	size_t n_batches = (size_t)((per_kiosk + batch - 1) / batch);
	kiosk_sim *ks = calloc((size_t)n_kiosks, sizeof *ks);
	int64_t *lat = calloc(n_batches * (size_t)n_kiosks, sizeof *lat);
	size_t n_lat = 0;
	size_t cap = (size_t)batch * 200 + 64;
	char *payload = malloc(cap);
	for (int k = 0; k < n_kiosks; k++) {
		snprintf(ks[k].id, sizeof ks[k].id, "bench-%02d", k);
		ks[k].next = 1;
		ks[k].sent_at = calloc(n_batches, sizeof(int64_t));
	}
	double broker0 = proc_cpu_s(b.pid), self0 = self_cpu_s();
	int64_t t0 = hall_clock_mono_ms(), last_progress = t0;
	int64_t done = 0;
	while (done < (int64_t)n_kiosks) {
		for (int k = 0; k < n_kiosks; k++) {
			kiosk_sim *s = &ks[k];
			while (s->next <= per_kiosk && s->next - 1 - s->confirmed + batch <= window) {
				int64_t last = s->next + batch - 1 > per_kiosk ? per_kiosk : s->next + batch - 1;
				char topic[HALL_TOPIC_MAX];
				size_t len = batch_json(payload, cap, s->id, s->next, last);
				hall_topic_kiosk(topic, sizeof topic, "hall/v1", s->id, "events");
				if (hall_mqtt_publish(m, topic, payload, len, false, NULL, NULL) != HALL_OK)
					break;
				s->sent_at[(last - 1) / batch] = hall_clock_mono_ms();
				s->next = last + 1;
			}
		}
		hall_mqtt_wait(m, 100);
		hall_mqtt_msg msg;
		while (hall_mqtt_poll(m, &msg)) {
			char id[HALL_ID_BUF], leaf[16];
			hall_confirm c;
			int64_t now = hall_clock_mono_ms();
			if (sscanf(msg.topic, "hall/v1/ctl/kiosk/%64[^/]/%15s", id, leaf) == 2 &&
			    hall_proto_decode_confirm(msg.payload, msg.len, &c, NULL) == HALL_OK) {
				for (int k = 0; k < n_kiosks; k++) {
					kiosk_sim *s = &ks[k];
					if (strcmp(s->id, id) != 0 || c.seq <= s->confirmed)
						continue;
					/* Every batch whose last seq is now covered. */
					for (int64_t bi = s->confirmed / batch; bi < (int64_t)n_batches; bi++) {
						int64_t last = (bi + 1) * batch > per_kiosk ? per_kiosk : (bi + 1) * batch;
						if (last > c.seq || last <= s->confirmed)
							continue;
						lat[n_lat++] = now - s->sent_at[bi];
					}
					s->confirmed = c.seq;
					last_progress = now;
					if (s->confirmed >= per_kiosk)
						done++;
				}
			}
			hall_mqtt_msg_free(&msg);
		}
		if (hall_clock_mono_ms() - last_progress > 15000) {
			fprintf(stderr, "stalled: no confirm for 15 s (serve log: %s)\n", logp);
			break;
		}
	}
	int64_t total_ms = hall_clock_mono_ms() - t0;
	double broker_e2e = proc_cpu_s(b.pid) - broker0, self_e2e = self_cpu_s() - self0;
	kill(serve, SIGTERM);
	struct rusage serve_ru;
	memset(&serve_ru, 0, sizeof serve_ru);
	wait4(serve, NULL, 0, &serve_ru);

	/* Part 3: the same stream with only `mosquitto_sub -q 1` subscribed: how fast the broker
	 * alone delivers it to one QoS 1 subscriber, the ceiling for any ingest. */
	int64_t total_batches = (int64_t)n_batches * n_kiosks;
	char count_arg[32], port_arg[16];
	snprintf(count_arg, sizeof count_arg, "%" PRId64, total_batches);
	snprintf(port_arg, sizeof port_arg, "%d", ba.brokers[0].port);
	pid_t sub = fork();
	if (sub == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 1);
		if (tls)
			execlp("mosquitto_sub", "mosquitto_sub", "-h", "127.0.0.1", "-p", port_arg, "--cafile", cafile, "-q", "1",
			       "-i", "bench-sub", "-t", "hall/v1/kiosk/+/events", "-C", count_arg, (char *)NULL);
		if (user)
			execlp("mosquitto_sub", "mosquitto_sub", "-h", ba.brokers[0].host, "-p", port_arg, "-u", user, "-P",
			       password ? password : "", "-q", "1", "-i", "bench-sub", "-t", "hall/v1/kiosk/+/events", "-C",
			       count_arg, (char *)NULL);
		execlp("mosquitto_sub", "mosquitto_sub", "-h", ba.brokers[0].host, "-p", port_arg, "-q", "1", "-i",
		       "bench-sub", "-t", "hall/v1/kiosk/+/events", "-C", count_arg, (char *)NULL);
		_exit(127);
	}
	usleep(500 * 1000); /* let it subscribe */
	double broker1 = proc_cpu_s(b.pid), self1 = self_cpu_s();
	int64_t s0 = hall_clock_mono_ms();
	for (int64_t bi = 0; bi < (int64_t)n_batches; bi++) {
		for (int k = 0; k < n_kiosks; k++) {
			int64_t first = bi * batch + 1;
			int64_t last = first + batch - 1 > per_kiosk ? per_kiosk : first + batch - 1;
			char topic[HALL_TOPIC_MAX];
			size_t len = batch_json(payload, cap, ks[k].id, first, last);
			hall_topic_kiosk(topic, sizeof topic, "hall/v1", ks[k].id, "events");
			/* the wrapper refuses while its in-flight window is full: wait and retry */
			for (int tries = 0; hall_mqtt_publish(m, topic, payload, len, false, NULL, NULL) != HALL_OK; tries++) {
				if (tries > 20000) {
					fprintf(stderr, "broker-only phase: publish refused for 20 s\n");
					goto sub_done;
				}
				usleep(1000);
			}
		}
	}
sub_done:;
	double self_sub = self_cpu_s() - self1; /* publishing is done; what follows only waits */
	int status = 0;
	struct rusage sub_ru;
	memset(&sub_ru, 0, sizeof sub_ru);
	int64_t sub_until = hall_clock_mono_ms() + 120000;
	while (wait4(sub, &status, WNOHANG, &sub_ru) == 0) {
		if (hall_clock_mono_ms() > sub_until) {
			kill(sub, SIGKILL);
			wait4(sub, &status, 0, &sub_ru);
			fprintf(stderr, "mosquitto_sub did not receive all %" PRId64 " batches in 120 s\n", total_batches);
			break;
		}
		usleep(2000);
	}
	int64_t sub_ms = hall_clock_mono_ms() - s0;
	double broker_sub = proc_cpu_s(b.pid) - broker1;
	double sub_rate = (double)(per_kiosk * n_kiosks) * 1000.0 / (double)(sub_ms > 0 ? sub_ms : 1);
	hall_mqtt_destroy(m);
	if (!broker_list)
		hall_test_broker_cleanup(&b);
	if (pg)
		hall_test_pg_stop(pg);

	qsort(lat, n_lat, sizeof *lat, cmp_i64);
	int64_t p50 = n_lat ? lat[n_lat / 2] : -1, p99 = n_lat ? lat[(n_lat * 99) / 100] : -1;
	int64_t max = n_lat ? lat[n_lat - 1] : -1;
	int64_t ingested = per_kiosk * n_kiosks;
	/* serve's CPU time (user + system, all its threads): steadier than the rate on a shared
	 * machine, and what an optimisation of serve itself moves. */
	double serve_cpu = (double)serve_ru.ru_utime.tv_sec + (double)serve_ru.ru_utime.tv_usec / 1e6 +
	                   (double)serve_ru.ru_stime.tv_sec + (double)serve_ru.ru_stime.tv_usec / 1e6;
	double rate = (double)ingested * 1000.0 / (double)(total_ms > 0 ? total_ms : 1);
	printf("{\"store\":\"%s\",\"tls\":%s,\"store_events_per_s\":{\"tx1\":%.0f,\"tx100\":%.0f,\"tx1000\":%.0f},"
	       "\"e2e\":{\"events\":%" PRId64 ",\"kiosks\":%d,\"window\":%d,\"batch\":%d,\"ms\":%" PRId64
	       ",\"events_per_s\":%.0f,\"confirm_ms_p50\":%" PRId64 ",\"confirm_ms_p99\":%" PRId64
	       ",\"confirm_ms_max\":%" PRId64 ",\"complete\":%s,\"serve_peak_rss_mb\":%.1f,"
	       "\"serve_cpu_s\":%.2f,\"serve_cpu_us_per_event\":%.2f},"
	       "\"mosquitto_sub_events_per_s\":%.0f,\"ingest_over_sub\":%.2f}\n",
	       pg ? "postgresql" : "sqlite", tls ? "true" : "false", r1, r100, r1000, ingested, n_kiosks, window, batch, total_ms, rate, p50, p99, max,
	       done == n_kiosks ? "true" : "false", (double)serve_ru.ru_maxrss / 1024.0, serve_cpu,
	       serve_cpu * 1e6 / (double)ingested, sub_rate, rate / sub_rate);
	fprintf(stderr,
	        "store: %.0f ev/s (1 per tx), %.0f (100), %.0f (1000)\n"
	        "end to end: %" PRId64 " events from %d kiosks in %" PRId64 " ms = %.0f ev/s; confirm latency p50 %" PRId64
	        " ms, p99 %" PRId64 " ms, max %" PRId64 " ms\n",
	        r1, r100, r1000, ingested, n_kiosks, total_ms, rate, p50, p99, max);
	fprintf(stderr,
	        "serve peak RSS %.1f MB, CPU %.2f s (%.2f us per event, both threads); mosquitto_sub -q 1 alone: %.0f "
	        "ev/s; ingest / sub = %.2f\n",
	        (double)serve_ru.ru_maxrss / 1024.0, serve_cpu, serve_cpu * 1e6 / (double)ingested, sub_rate,
	        rate / sub_rate);
	/* Where the CPU went, per event, in each phase: on a machine of C cores a phase cannot
	 * run faster than C / (the sum) events per microsecond, whatever the wall clock says. */
	double per_ev = 1e6 / (double)ingested;
	fprintf(stderr,
	        "CPU per event, end to end: broker %.2f us, publishing kiosks %.2f us, serve %.2f us (sum %.2f us);"
	        " broker only: broker %.2f us, publishing kiosks %.2f us, mosquitto_sub %.2f us (sum %.2f us)\n",
	        broker_e2e * per_ev, self_e2e * per_ev, serve_cpu * per_ev,
	        (broker_e2e + self_e2e + serve_cpu) * per_ev, broker_sub * per_ev, self_sub * per_ev,
	        ru_cpu_s(&sub_ru) * per_ev, (broker_sub + self_sub + ru_cpu_s(&sub_ru)) * per_ev);
	for (int k = 0; k < n_kiosks; k++)
		free(ks[k].sent_at);
	free(ks);
	free(lat);
	free(payload);
	hall_test_rmtree(dir);
	return done == n_kiosks ? 0 : 1;
}
