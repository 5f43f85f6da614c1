/* bench_propagation.c: how long a content push takes to reach a fleet (run by hand, never
 * by ctest; results in BENCHMARKS.md).
 *
 *   bench_propagation [--kiosks N] [--size BYTES] [--threads T] [--jitter MS] [--timeout S]
 *                     [--data DIR] [--dedupe MS] [--chunk BYTES] [--tls] [--sign]
 *                     [--broker HOST:PORT[,HOST:PORT...]] [--user NAME --password PW] [--rabbitmq]
 *
 * --broker: use these running brokers (e.g. the nodes of a RabbitMQ cluster) instead of a
 * private mosquitto; plain connections (not with --tls). The kiosks are spread over the
 * list: kiosk i's list starts at entry i mod n (the rest follow, for failover), the played
 * controller's at the first. --user/--password: the account every client logs in with
 * (RabbitMQ refuses a username without a password); without them each kiosk sends its id
 * as username and no password, as the development profile does. --rabbitmq: the brokers are
 * RabbitMQ nodes; every client subscribes as the hall's programs do there (broker.kind
 * "rabbitmq": QoS 0, hall/mqtt.h subscribe_qos0).
 *
 * --tls: every client (kiosks and the played controller) talks TLS to the broker, with the
 * CA and certificate `hall-controller init` makes (hall-controller from the build).
 * --sign: the kiosks pin a controller_key (enrolled: they take only signed messages) and
 * the played controller signs the push (hall_sign_wrap, as hall_ctl_publish does); the
 * time to sign counts in the measured push.
 *
 * One real mosquitto on loopback (the shipped config's queue limits), N simulated kiosks
 * running the real kiosk link (kiosk/link.c: MQTT session, content store, fetch by hash)
 * with no SDL, driven by T threads that play the kiosks' main loops, and a controller
 * played here that serves fetches as controller/serve.c does (a served fetch is
 * answered with the whole asset from the asked offset, in 64 KiB chunks as serve.c (--chunk), on the
 * shared asset topic; a fetch that a stream started < 0.5 s ago carries is skipped unless
 * the same kiosk asked within it already, --dedupe). The controller pushes one pack (one
 * PNG asset of BYTES bytes) to scope "all"; measured: time from the push to each kiosk's
 * "applied" ack (p50, p99, max, deciles), the fetches the controller received and served
 * (and when it served them), and the peak RSS of the kiosks' worker processes (summed), of
 * mosquitto and of the played controller (this process). Prints one JSON line and a
 * summary; HALL_BENCH_FETCHES=1 also prints every fetch as the controller takes it.
 *
 * The kiosks' data folders go under --data (default $TMPDIR): on one disk, N kiosks
 * fsyncing at once measure that disk more than the network; /dev/shm takes it out (each
 * real kiosk has its own disk). */
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "broker.h"
#include "fixtures.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/log.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/sha256.h"
#include "hall/sign.h"
#include "link.h"
#include "memtune.h"

#define PER_PROCESS 250

typedef struct kiosk {
	hall_kiosk_config cfg;
	hall_link *link;
	int64_t acked_ms; /* mono ms of the controller receiving "applied"; 0 = not yet */
	bool hello;
} kiosk;

typedef struct driver {
	kiosk *k;
	size_t n;
	atomic_bool *stop;
	pthread_t thread;
} driver;

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The kiosks' main loops: poll every link, apply content at once (no visitor). */
static void *drive(void *arg)
{
	driver *d = arg;
	while (!atomic_load(d->stop)) {
		int64_t now = hall_clock_mono_ms();
		for (size_t i = 0; i < d->n; i++) {
			hall_link_update u;
			while (hall_link_poll(d->k[i].link, now, &u)) {
				if (u.kind == HALL_LINK_CONTENT)
					hall_link_content_applied(d->k[i].link, u.version);
				hall_link_update_clear(&u);
			}
			hall_link_frame_end(d->k[i].link);
		}
		sleep_ms(2);
	}
	return NULL;
}

static volatile sig_atomic_t worker_stop;

static void on_term(int sig)
{
	(void)sig;
	worker_stop = 1;
}

/* One worker process: kiosks [lo, hi) driven by `threads` threads until SIGTERM, then its
 * peak RSS (kB, a long) written to `out`. libmosquitto's mosquitto_loop() uses select(),
 * which cannot watch descriptors above 1023, so one process holds at most PER_PROCESS
 * kiosks (each has a socket, a wake-up socket pair and spool files). */
/* The brokers every client uses: the private mosquitto's plain port or TLS listener, or
 * --broker's list; and the CA and account (--user/--password) they use. */
static hall_broker_addr g_brokers[HALL_BROKER_HOSTS_MAX];
static int g_n_brokers;
static const char *g_cafile, *g_user, *g_password;
static bool g_rabbit; /* --rabbitmq */
static char g_controller_key[HALL_SIGN_PK_B64_LEN + 1]; /* "" = development profile */

/* Kiosk number i's brokers: the list rotated to start at entry i mod n (spread, DESIGN.md
 * decision 8: every node gets its share, each kiosk can still fail over to the others). */
static void kiosk_brokers(hall_broker_config *b, size_t i)
{
	for (int j = 0; j < g_n_brokers; j++)
		b->hosts[j] = g_brokers[(i + (size_t)j) % (size_t)g_n_brokers];
	b->n_hosts = g_n_brokers;
	snprintf(b->host, sizeof b->host, "%.255s", b->hosts[0].host);
	b->port = b->hosts[0].port;
}

static int run_worker(const char *dir, size_t lo, size_t hi, int threads, int jitter_ms, int out)
{
	hall_error err = {0};
	char def[512];
	size_t n = hi - lo;
	kiosk *k = calloc(n, sizeof *k);
	signal(SIGTERM, on_term);
	hall_test_fixture(def, sizeof def, "link/default");
	for (size_t i = 0; i < n; i++) {
		hall_kiosk_config *c = &k[i].cfg;
		hall_kiosk_config_defaults(c);
		snprintf(c->id, sizeof c->id, "b-%05zu", lo + i);
		kiosk_brokers(&c->broker, lo + i);
		c->broker.kind = g_rabbit ? HALL_BROKER_RABBITMQ : HALL_BROKER_MOSQUITTO;
		if (g_cafile)
			snprintf(c->broker.cafile, sizeof c->broker.cafile, "%s", g_cafile);
		snprintf(c->controller_key, sizeof c->controller_key, "%s", g_controller_key);
		snprintf(c->broker.username, sizeof c->broker.username, "%s", g_user ? g_user : c->id);
		if (g_password) {
			snprintf(c->broker.password, sizeof c->broker.password, "%s", g_password);
			c->broker.has_password = true;
		}
		snprintf(c->data_dir, sizeof c->data_dir, "%s/%s", dir, c->id);
		snprintf(c->default_content, sizeof c->default_content, "%s", def);
		if (hall_link_create(c, NULL, NULL, &k[i].link, &err) != HALL_OK) {
			fprintf(stderr, "kiosk %zu: %s: %s\n", lo + i, err.path, err.msg);
			return 1;
		}
		hall_link_tuning t = {.fetch_jitter_ms = jitter_ms > 0 ? jitter_ms : 1};
		hall_link_tune(k[i].link, &t);
		if (hall_link_start(k[i].link, &err) != HALL_OK) {
			fprintf(stderr, "kiosk %zu start: %s\n", lo + i, err.msg);
			return 1;
		}
	}
	atomic_bool stop = false;
	driver *d = calloc((size_t)threads, sizeof *d);
	for (int t = 0; t < threads; t++) {
		size_t a = n * (size_t)t / (size_t)threads, b = n * (size_t)(t + 1) / (size_t)threads;
		d[t].k = k + a;
		d[t].n = b - a;
		d[t].stop = &stop;
		pthread_create(&d[t].thread, NULL, drive, &d[t]);
	}
	while (!worker_stop)
		sleep_ms(20);
	atomic_store(&stop, true);
	for (int t = 0; t < threads; t++)
		pthread_join(d[t].thread, NULL);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long kb = ru.ru_maxrss;
	if (write(out, &kb, sizeof kb) != (ssize_t)sizeof kb)
		return 1;
	close(out);
	/* Leave without the clean offline status each: the broker sends the Wills. */
	return 0;
}

static long rss_kb_of(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Data bytes per chunk the played controller sends (--chunk; serve.c: FETCH_CHUNK_BYTES). */
static size_t chunk_bytes = 64u * 1024u;

/* Answer a fetch as controller/serve.c does. Returns bytes published. */
static uint64_t serve_fetch(hall_mqtt *ctl, const hall_mqtt_msg *m, const char *sha, const unsigned char *data,
                            size_t size)
{
	hall_fetch f;
	hall_error err = {0};
	char topic[HALL_TOPIC_MAX];
	uint64_t sent = 0;
	if (hall_proto_decode_fetch(m->payload, m->len, &f, &err) != HALL_OK || strcmp(f.sha256, sha) != 0)
		return 0;
	hall_topic_ctl_asset(topic, sizeof topic, "hall/v1", sha);
	for (size_t off = (size_t)f.offset; off < size; off += chunk_bytes) {
		hall_asset_chunk ch;
		char *out = NULL;
		size_t out_len = 0;
		memset(&ch, 0, sizeof ch);
		memcpy(ch.sha256, sha, sizeof ch.sha256);
		ch.size = (int64_t)size;
		ch.offset = (int64_t)off;
		ch.len = size - off < chunk_bytes ? size - off : chunk_bytes;
		ch.data = data + off;
		if (hall_proto_encode_asset_chunk(&ch, &out, &out_len, &err) != HALL_OK)
			break;
		for (int tries = 0; tries < 1000; tries++) {
			hall_err rc = hall_mqtt_publish(ctl, topic, out, out_len, false, NULL, &err);
			if (rc == HALL_OK) {
				sent += out_len;
				break;
			}
			sleep_ms(5);
		}
		free(out);
	}
	return sent;
}

/* The controller's asset server, on its own session and thread so that serving (which
 * blocks on publishing) never delays the timestamps of acks. dedupe_ms > 0 coalesces
 * fetches as controller/serve.c does (fetch_coalesce, FETCH_COALESCE_MS = 500, the
 * default here): a fetch of (sha, offset) is skipped when a stream of that asset from at
 * most that offset, which reached the end, started less than dedupe_ms ago, unless the
 * same kiosk already asked within that stream (it asked first, or it was skipped once:
 * it missed part of the stream) or the stream has answered STREAM_SKIPS_MAX askers;
 * 0 serves every fetch, as serve.c did before it coalesced. */
#define RECENT_STREAMS 16
#define STREAM_SKIPS_MAX 1024
#define LOG_STREAMS 32

typedef struct recent_stream {
	int64_t offset, started; /* started: mono ms, 0 = slot unused */
	uint64_t skipped[STREAM_SKIPS_MAX]; /* hashes of the kiosks it answered, asker first */
	size_t n_skipped;
} recent_stream;

typedef struct fetch_server {
	hall_mqtt *mq;
	const char *sha;
	const unsigned char *data;
	size_t size;
	int dedupe_ms;
	recent_stream streams[RECENT_STREAMS];
	atomic_int_fast64_t t0; /* mono ms of the push (0 before) */
	int64_t log_at[LOG_STREAMS], log_offset[LOG_STREAMS]; /* served streams: ms after the push, offset */
	atomic_bool stop;
	atomic_uint_fast64_t fetches, served, bytes;
	pthread_t thread;
} fetch_server;

static uint64_t id_hash(const char *id)
{
	uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a, as serve.c */
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * UINT64_C(1099511628211);
	return h;
}

static bool fetch_coalesce(fetch_server *fs, uint64_t who, int64_t offset, int64_t now)
{
	for (size_t i = 0; fs->dedupe_ms > 0 && i < RECENT_STREAMS; i++) {
		recent_stream *r = &fs->streams[i];
		if (!r->started || now - r->started >= fs->dedupe_ms || r->offset > offset)
			continue;
		for (size_t j = 0; j < r->n_skipped; j++)
			if (r->skipped[j] == who)
				return false;
		if (r->n_skipped == STREAM_SKIPS_MAX)
			return false;
		r->skipped[r->n_skipped++] = who;
		return true;
	}
	return false;
}

static void fetch_note_stream(fetch_server *fs, uint64_t who, int64_t offset, int64_t now)
{
	recent_stream *slot = &fs->streams[0];
	for (size_t i = 0; i < RECENT_STREAMS; i++) {
		recent_stream *r = &fs->streams[i];
		if (!r->started || now - r->started >= fs->dedupe_ms) {
			slot = r;
			break;
		}
		if (r->started < slot->started)
			slot = r;
	}
	slot->offset = offset;
	slot->started = now;
	slot->skipped[0] = who;
	slot->n_skipped = 1;
}

static void *serve_fetches(void *arg)
{
	fetch_server *fs = arg;
	while (!atomic_load(&fs->stop)) {
		hall_mqtt_msg m;
		if (!hall_mqtt_poll(fs->mq, &m)) {
			hall_mqtt_wait(fs->mq, 20);
			continue;
		}
		hall_fetch f;
		hall_error err = {0};
		char id[HALL_ID_BUF], leaf[16];
		atomic_fetch_add(&fs->fetches, 1);
		if (hall_topic_parse_kiosk(m.topic, "hall/v1", id, sizeof id, leaf, sizeof leaf) == 0 &&
		    hall_proto_decode_fetch(m.payload, m.len, &f, &err) == HALL_OK) {
			int64_t now = hall_clock_mono_ms();
			uint64_t who = id_hash(id);
			bool skip = fetch_coalesce(fs, who, f.offset, now);
			if (getenv("HALL_BENCH_FETCHES"))
				fprintf(stderr, "fetch +%" PRId64 " ms %s from %" PRId64 ": %s\n", now - atomic_load(&fs->t0), id,
				        f.offset, skip ? "coalesced" : "served");
			if (!skip) {
				uint64_t k = atomic_fetch_add(&fs->served, 1);
				if (k < LOG_STREAMS) {
					fs->log_at[k] = now - atomic_load(&fs->t0);
					fs->log_offset[k] = f.offset;
				}
				atomic_fetch_add(&fs->bytes, serve_fetch(fs->mq, &m, fs->sha, fs->data, fs->size));
				if (fs->dedupe_ms > 0)
					fetch_note_stream(fs, who, f.offset, now);
			}
		}
		hall_mqtt_msg_free(&m);
	}
	return NULL;
}

static char *make_envelope(const char *sha, size_t size)
{
	size_t len = 0;
	char *text = hall_test_read_fixture("link/manifest-template.json", &len);
	cJSON *m = cJSON_ParseWithLength(text, len);
	free(text);
	if (!m)
		return NULL;
	cJSON *asset = cJSON_GetArrayItem(cJSON_GetObjectItem(m, "assets"), 0);
	cJSON_ReplaceItemInObject(asset, "sha256", cJSON_CreateString(sha));
	cJSON_ReplaceItemInObject(asset, "size", cJSON_CreateNumber((double)size));
	cJSON *env = cJSON_CreateObject();
	cJSON_AddStringToObject(env, "scope", "all");
	cJSON_AddNumberToObject(env, "version", 1);
	cJSON_AddBoolToObject(env, "cleared", false);
	cJSON_AddItemToObject(env, "manifest", m);
	char *out = cJSON_PrintUnformatted(env);
	cJSON_Delete(env);
	return out;
}

int main(int argc, char **argv)
{
	hall_kiosk_tune_malloc(); /* the simulated kiosks allocate as hall-kiosk does */
	size_t n = 200, size = 1024 * 1024;
	int threads = 2, jitter_ms = 1000, timeout_s = 600;
	const char *data_root = NULL;
	int dedupe_ms = 500;
	bool tls = false, sign = false;
	const char *broker_list = NULL;
	int kept = 1;
	for (int i = 1; i < argc; i++) { /* --tls, --sign, --rabbitmq take no value: out before the pairs */
		if (strcmp(argv[i], "--tls") == 0)
			tls = true;
		else if (strcmp(argv[i], "--rabbitmq") == 0)
			g_rabbit = true;
		else if (strcmp(argv[i], "--sign") == 0)
			sign = true;
		else
			argv[kept++] = argv[i];
	}
	argc = kept;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--kiosks") == 0)
			n = (size_t)atol(argv[i + 1]);
		else if (strcmp(argv[i], "--size") == 0)
			size = (size_t)atol(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--jitter") == 0)
			jitter_ms = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_s = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--data") == 0)
			data_root = argv[i + 1];
		else if (strcmp(argv[i], "--dedupe") == 0)
			dedupe_ms = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--chunk") == 0)
			chunk_bytes = (size_t)atol(argv[i + 1]);
		else if (strcmp(argv[i], "--broker") == 0)
			broker_list = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			g_user = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			g_password = argv[i + 1];
		else {
			fprintf(stderr, "usage: %s [--kiosks N] [--size BYTES] [--threads T] [--jitter MS] [--timeout S] [--data DIR] [--dedupe MS] [--chunk BYTES] [--tls] [--sign] [--broker HOST:PORT[,HOST:PORT...]] [--user NAME --password PW] [--rabbitmq]\n",
			        argv[0]);
			return 2;
		}
	}
	if (broker_list) {
		hall_config_args ba;
		if (hall_test_broker_list_arg("bench_propagation", broker_list, &ba) != 0)
			return 2;
		if (tls) {
			fprintf(stderr, "bench_propagation: --tls makes its own broker; --broker takes running brokers, plain\n");
			return 2;
		}
		memcpy(g_brokers, ba.brokers, sizeof g_brokers);
		g_n_brokers = ba.n_brokers;
	}
	if (n == 0 || threads < 1 || size < 100 || chunk_bytes < 1 || chunk_bytes > HALL_PROTO_CHUNK_MAX)
		return 2;
	hall_log_set_name("bench");
	hall_log_set_level(getenv("HALL_LOG") ? HALL_LOG_INFO : HALL_LOG_WARN);
	signal(SIGPIPE, SIG_IGN);

	/* The shipped broker config's limits (config/mosquitto.conf), on a free loopback port. */
	char dir[256];
	if (data_root)
		setenv("TMPDIR", data_root, 1);
	hall_test_tmpdir(dir, sizeof dir, "bench-propagation");
	hall_test_broker broker;
	memset(&broker, 0, sizeof broker);
	char extra[3000] = "max_queued_messages 100000\nmax_queued_bytes 268435456\nmax_inflight_messages 100\n"
	                   "max_packet_size 17826816\nmemory_limit 1073741824\nset_tcp_nodelay true\n"
	                   "log_type error\nlog_type warning\n";
	static char cafile[700];
	char ctl_path[600];
	snprintf(ctl_path, sizeof ctl_path, "%s/hall-controller", HALL_BUILD_DIR);
	if (!broker_list) {
		int port = 0;
		if (tls) {
			if (hall_test_broker_tls_lines(ctl_path, dir, extra, sizeof extra, cafile, sizeof cafile, &port) != 0)
				return 1;
			g_cafile = cafile;
		}
		if (hall_test_broker_start(&broker, extra) != 0)
			return 1;
		snprintf(g_brokers[0].host, sizeof g_brokers[0].host, "%.255s", broker.host);
		g_brokers[0].port = tls ? port : broker.port;
		g_n_brokers = 1;
	}

	/* The asset: a PNG signature and random bytes. */
	size_t png_len = 0;
	char *png = hall_test_read_fixture("link/mark.png", &png_len);
	unsigned char *asset = malloc(size);
	if (!asset)
		return 1;
	unsigned int seed = (unsigned int)time(NULL);
	for (size_t i = 0; i < size; i++)
		asset[i] = (unsigned char)rand_r(&seed);
	memcpy(asset, png, png_len < size ? png_len : size);
	free(png);
	char sha[65];
	hall_sha256_hex(asset, size, sha);

	/* The controller's signing key (a fresh one: as hall-controller init makes it). */
	static hall_sign_key skey;
	if (sign) {
		if (sodium_init() < 0 || crypto_sign_keypair(skey.pk, skey.sk) != 0)
			return 1;
		sodium_bin2base64(skey.pk_b64, sizeof skey.pk_b64, skey.pk, sizeof skey.pk, sodium_base64_VARIANT_ORIGINAL);
		snprintf(g_controller_key, sizeof g_controller_key, "%s", skey.pk_b64);
	}

	/* The kiosks, in worker processes of at most PER_PROCESS each (see run_worker). */
	size_t n_workers = (n + PER_PROCESS - 1) / PER_PROCESS;
	pid_t *workers = calloc(n_workers, sizeof *workers);
	int *rss_pipes = calloc(n_workers, sizeof *rss_pipes);
	/* Forked before any thread exists in this process. */
	int64_t t_start = hall_clock_mono_ms();
	fflush(NULL);
	for (size_t w = 0; w < n_workers; w++) {
		int fds[2];
		if (pipe(fds) != 0)
			return 1;
		size_t lo = n * w / n_workers, hi = n * (w + 1) / n_workers;
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			_exit(run_worker(dir, lo, hi, threads, jitter_ms, fds[1]));
		}
		close(fds[1]);
		workers[w] = pid;
		rss_pipes[w] = fds[0];
	}
	/* The controller. */
	hall_mqtt_config mc;
	hall_mqtt *ctl = NULL;
	hall_error err = {0};
	memset(&mc, 0, sizeof mc);
	hall_mqtt_addr ctl_brokers[HALL_BROKER_HOSTS_MAX];
	for (int j = 0; j < g_n_brokers; j++)
		ctl_brokers[j] = (hall_mqtt_addr){.host = g_brokers[j].host, .port = g_brokers[j].port};
	mc.brokers = ctl_brokers;
	mc.n_brokers = (size_t)g_n_brokers;
	mc.cafile = g_cafile;
	mc.username = g_user;
	mc.password = g_password;
	mc.client_id = "bench-controller";
	mc.clean_session = true;
	mc.subscribe_qos0 = g_rabbit;
	mc.queue_max = 1000000;
	static fetch_server fs; /* 128 KiB of recent streams: not on the stack */
	memset(&fs, 0, sizeof fs);
	fs.sha = sha;
	fs.data = asset;
	fs.size = size;
	fs.dedupe_ms = dedupe_ms;
	if (hall_mqtt_create(&mc, &ctl, &err) != HALL_OK || hall_mqtt_subscribe(ctl, "hall/v1/kiosk/+/hello", &err) ||
	    hall_mqtt_subscribe(ctl, "hall/v1/kiosk/+/ack", &err) || hall_mqtt_start(ctl, &err) != HALL_OK) {
		fprintf(stderr, "controller: %s\n", err.msg);
		return 1;
	}
	mc.client_id = "bench-controller-assets";
	if (hall_mqtt_create(&mc, &fs.mq, &err) != HALL_OK || hall_mqtt_subscribe(fs.mq, "hall/v1/kiosk/+/fetch", &err) ||
	    hall_mqtt_start(fs.mq, &err) != HALL_OK) {
		fprintf(stderr, "controller: %s\n", err.msg);
		return 1;
	}
	while (!hall_mqtt_is_connected(ctl) || !hall_mqtt_is_connected(fs.mq))
		sleep_ms(10);
	sleep_ms(200);
	pthread_create(&fs.thread, NULL, serve_fetches, &fs);

	kiosk *k = calloc(n, sizeof *k);

	/* Wait for every hello. */
	size_t hellos = 0, acks = 0;
	uint64_t fetches = 0, bytes_out = 0;
	int64_t deadline = hall_clock_mono_ms() + (int64_t)timeout_s * 1000;
	int64_t t0 = 0, report_at = hall_clock_mono_ms() + 5000;
	char *envelope = NULL;
	while (hall_clock_mono_ms() < deadline) {
		if (hall_clock_mono_ms() >= report_at) {
			fprintf(stderr, "  %zu hellos, %zu applied, %" PRIu64 " fetches\n", hellos, acks,
			        (uint64_t)atomic_load(&fs.fetches));
			report_at += 5000;
		}
		hall_mqtt_msg m;
		if (!hall_mqtt_poll(ctl, &m)) {
			if (t0 == 0 && hellos == n) {
				envelope = make_envelope(sha, size);
				char topic[HALL_TOPIC_MAX];
				hall_topic_ctl_all(topic, sizeof topic, "hall/v1", "content");
				fprintf(stderr, "%zu kiosks connected in %.1f s; pushing %zu bytes\n", n,
				        (double)(hall_clock_mono_ms() - t_start) / 1000.0, size);
				t0 = hall_clock_mono_ms();
				atomic_store(&fs.t0, t0);
				char *wire = envelope;
				size_t wire_len = strlen(envelope);
				if (sign && hall_sign_wrap(&skey, topic, envelope, strlen(envelope), &wire, &wire_len, &err) != HALL_OK) {
					fprintf(stderr, "sign: %s\n", err.msg);
					break;
				}
				hall_err prc = hall_mqtt_publish(ctl, topic, wire, wire_len, false, NULL, &err);
				if (wire != envelope)
					free(wire);
				if (prc != HALL_OK) {
					fprintf(stderr, "push: %s\n", err.msg);
					break;
				}
			}
			if (t0 && acks == n)
				break;
			hall_mqtt_wait(ctl, 20);
			continue;
		}
		char id[HALL_ID_BUF], leaf[16];
		if (hall_topic_parse_kiosk(m.topic, "hall/v1", id, sizeof id, leaf, sizeof leaf) == 0) {
			long idx = strtol(id + 2, NULL, 10);
			if (idx >= 0 && (size_t)idx < n) {
				kiosk *ki = &k[idx];
				if (strcmp(leaf, "hello") == 0 && !ki->hello) {
					ki->hello = true;
					hellos++;
				} else if (strcmp(leaf, "ack") == 0 && t0 && ki->acked_ms == 0 &&
				           strstr((const char *)m.payload, "\"result\":\"applied\"")) {
					ki->acked_ms = hall_clock_mono_ms();
					acks++;
				} else if (strcmp(leaf, "ack") == 0 && strstr((const char *)m.payload, "\"rejected\"")) {
					fprintf(stderr, "kiosk %s rejected: %.*s\n", id, (int)m.len, (const char *)m.payload);
				}
			}
		}
		hall_mqtt_msg_free(&m);
	}
	int64_t t_end = hall_clock_mono_ms();
	atomic_store(&fs.stop, true);
	pthread_join(fs.thread, NULL);
	fetches = atomic_load(&fs.fetches);
	uint64_t served = atomic_load(&fs.served);
	bytes_out = atomic_load(&fs.bytes);
	long mosq_kb = broker_list ? -1 : rss_kb_of(broker.pid); /* -1: not ours to measure */
	/* This process is the played controller (no kiosk lives here: they are forked off). */
	struct rusage self;
	getrusage(RUSAGE_SELF, &self);
	long ctl_kb = self.ru_maxrss;
	/* Workers stop on SIGTERM and report their peak RSS. */
	long kiosks_rss_kb = 0, worker_max_kb = 0;
	for (size_t w = 0; w < n_workers; w++)
		kill(workers[w], SIGTERM);
	for (size_t w = 0; w < n_workers; w++) {
		long kb = 0;
		if (read(rss_pipes[w], &kb, sizeof kb) == (ssize_t)sizeof kb) {
			kiosks_rss_kb += kb;
			if (kb > worker_max_kb)
				worker_max_kb = kb;
		}
		close(rss_pipes[w]);
		waitpid(workers[w], NULL, 0);
	}
	int64_t *lat = calloc(n, sizeof *lat);
	size_t nl = 0;
	for (size_t i = 0; i < n; i++)
		if (k[i].acked_ms)
			lat[nl++] = k[i].acked_ms - t0;
	qsort(lat, nl, sizeof *lat, cmp_i64);
	int64_t p50 = nl ? lat[(nl - 1) / 2] : -1, p99 = nl ? lat[(nl * 99 + 99) / 100 - 1] : -1,
	        max = nl ? lat[nl - 1] : -1;
	printf("{\"brokers\":%d,\"signed\":%s,\"tls\":%s,\"kiosks\":%zu,\"size\":%zu,\"jitter_ms\":%d,\"threads\":%d,\"applied\":%zu,\"p50_ms\":%" PRId64
	       ",\"p99_ms\":%" PRId64 ",\"max_ms\":%" PRId64 ",\"dedupe_ms\":%d,\"fetches\":%" PRIu64 ",\"served\":%" PRIu64 ",\"controller_bytes\":%" PRIu64
	       ",\"kiosks_rss_kb\":%ld,\"rss_per_kiosk_kb\":%.0f,\"workers\":%zu,\"mosquitto_rss_kb\":%ld,\"controller_rss_kb\":%ld}\n",
	       g_n_brokers, sign ? "true" : "false", tls ? "true" : "false", n, size, jitter_ms, threads, nl, p50, p99, max, dedupe_ms, fetches, served, bytes_out, kiosks_rss_kb,
	       (double)kiosks_rss_kb / (double)n, n_workers, mosq_kb, ctl_kb);
	fprintf(stderr,
	        "push of %zu bytes to %zu kiosks: %zu applied in %.1f s; p50 %" PRId64 " ms, p99 %" PRId64
	        " ms, max %" PRId64 " ms; %" PRIu64 " fetches, %" PRIu64 " served (%.1f MB sent by the controller); peak RSS %ld MB "
	        "(all kiosks, %zu processes; %.1f MB per kiosk), %ld MB (mosquitto), %ld MB (controller)\n",
	        size, n, nl, (double)(t_end - t0) / 1000.0, p50, p99, max, fetches, served, (double)bytes_out / 1e6,
	        kiosks_rss_kb / 1024, n_workers, (double)kiosks_rss_kb / 1024.0 / (double)n, mosq_kb / 1024, ctl_kb / 1024);

	fprintf(stderr, "streams served (ms after the push: from offset):");
	for (uint64_t i = 0; i < served && i < LOG_STREAMS; i++)
		fprintf(stderr, " %" PRId64 ":%" PRId64, fs.log_at[i], fs.log_offset[i]);
	fprintf(stderr, "\nlatency deciles ms:");
	for (size_t d = 1; d <= 10 && nl; d++)
		fprintf(stderr, " %" PRId64, lat[(nl * d + 9) / 10 - 1]);
	fprintf(stderr, "\n");

	hall_mqtt_destroy(ctl);
	hall_mqtt_destroy(fs.mq);
	if (!broker_list)
		hall_test_broker_cleanup(&broker);
	hall_test_rmtree(dir);
	free(lat);
	free(workers);
	free(rss_pipes);
	free(k);
	free(asset);
	free(envelope);
	return nl == n ? 0 : 1;
}
