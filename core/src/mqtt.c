/* mqtt.c: the MQTT session wrapper (see hall/mqtt.h for the contract).
 *
 * Why our own network thread instead of mosquitto_loop_start(): libmosquitto 2.0.11's
 * loop_forever sleeps its reconnect backoff in nanosleep(), which nothing can interrupt,
 * so stopping a kiosk while its broker is down would hang for up to reconnect_max_s. Our
 * thread runs mosquitto_loop() itself, sleeps the backoff on a condition variable that
 * hall_mqtt_stop() signals, and adds jitter so a hall full of kiosks does not reconnect in
 * lockstep after a broker restart. mosquitto_threaded_set(true) tells libmosquitto that
 * other threads call publish/subscribe, so those only queue packets and wake the loop.
 *
 * Failover (hall/mqtt.h): every attempt is mosquitto_connect_async() to the broker in turn,
 * not mosquitto_reconnect_async(), which only knows the last host. connect_async sets the
 * host and port again, closes whatever socket the last attempt left, and connects; the
 * TLS settings, credentials and Will stay on the handle, and libmosquitto re-queues QoS 1
 * messages still unacknowledged so they go to the new broker (a duplicate at worst, which
 * the protocol absorbs).
 *
 * Lock order: libmosquitto runs callbacks with its callback mutex held and we then take
 * s->lock; the main thread takes s->lock and then calls into libmosquitto (subscribe),
 * which never takes the callback mutex. So there is no cycle. */
#include "hall/mqtt.h"

#include <errno.h>
#include <limits.h>
#include <mosquitto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hall/log.h"

#define DEF_KEEPALIVE_S 30
#define DEF_RECONNECT_MIN_S 1
#define DEF_RECONNECT_MAX_S HALL_MQTT_RECONNECT_MAX_S
#define DEF_MAX_INFLIGHT 100
#define DEF_QUEUE_MAX 10000u
#define DEF_QUEUE_MAX_BYTES (64u * 1024u * 1024u)
#define DEF_QUEUE_BLOCK_MS 5000
/* How long the thread keeps running after stop to get the DISCONNECT out. */
#define STOP_FLUSH_MS 2000

typedef struct broker_addr {
	char *host;
	int port;
	char name[HALL_MQTT_ADDR_MAX]; /* "host:port" for logs and stats */
} broker_addr;

typedef struct msg_node {
	struct msg_node *next;
	hall_mqtt_msg msg;
} msg_node;

struct hall_mqtt {
	struct mosquitto *mosq;
	hall_mqtt_config cfg; /* strings below are our copies */
	char *client_id, *username, *password, *will_topic, *cafile;
	void *will_payload;
	broker_addr *brokers;
	size_t n_brokers;

	/* Network thread only (the callbacks run there too). */
	size_t cur;             /* the broker being tried, or connected to */
	int last_ok;            /* the broker of the last connection, -1 = none yet */
	int left;               /* the last broker that failed since the last connect, -1 = none */
	char left_why[160];     /* and why */

	pthread_mutex_t lock;
	pthread_cond_t cond; /* broadcast on: message queued, room made, state change, stop, PUBACK */
	pthread_t thread;
	bool thread_running;
	bool sync_ready; /* lock and cond initialised */

	/* Under lock. */
	msg_node *head, *tail;
	size_t q_count, q_bytes;
	char **subs;
	size_t n_subs, cap_subs;
	bool connected;
	bool stopping;
	int64_t stop_deadline_ms;
	uint64_t state_gen; /* bumped on every connect and disconnect, for hall_mqtt_wait */
	int final_mid;
	bool final_acked;
	bool flushing; /* hall_mqtt_flush waits: wake it on every PUBACK */
	hall_mqtt_stats st;
};

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_rc = MOSQ_ERR_SUCCESS;

static void lib_init(void)
{
	lib_rc = mosquitto_lib_init();
	/* No mosquitto_lib_cleanup at exit: sessions may outlive main's return in tests, and
	 * the OS frees the rest. */
}

/* Monotonic wall time for our own waits. Not hall_clock_mono_ms: a test's fake clock
 * must not freeze network timeouts. */
static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void deadline_ts(struct timespec *ts, int64_t ms_from_now)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms_from_now / 1000);
	ts->tv_nsec += (long)(ms_from_now % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec += 1;
		ts->tv_nsec -= 1000000000L;
	}
}

static char *dup_opt(const char *s, bool *oom)
{
	char *d;
	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static hall_err map_mosq(int rc)
{
	switch (rc) {
	case MOSQ_ERR_SUCCESS:
		return HALL_OK;
	case MOSQ_ERR_NOMEM:
		return HALL_ERR_NOMEM;
	case MOSQ_ERR_INVAL:
	case MOSQ_ERR_MALFORMED_UTF8:
		return HALL_ERR_INVALID;
	case MOSQ_ERR_PAYLOAD_SIZE:
	case MOSQ_ERR_OVERSIZE_PACKET:
		return HALL_ERR_TOO_BIG;
	default:
		return HALL_ERR_NET;
	}
}

static void notify_state(hall_mqtt *s, bool connected)
{
	if (s->cfg.on_connect)
		s->cfg.on_connect(s->cfg.ctx, connected);
	if (s->cfg.wake)
		s->cfg.wake(s->cfg.ctx);
}

/* ---- libmosquitto callbacks (network thread) ---- */

/* QoS of every SUBSCRIBE: 0 on RabbitMQ (hall/mqtt.h, subscribe_qos0), else 1. */
static int sub_qos(const hall_mqtt *s)
{
	return s->cfg.subscribe_qos0 ? 0 : 1;
}

static void cb_connect(struct mosquitto *mosq, void *obj, int rc)
{
	hall_mqtt *s = obj;
	size_t i;
	const broker_addr *b = &s->brokers[s->cur];
	bool moved;
	if (rc != 0) {
		hall_warn("mqtt: broker %s refused the connection: %s", b->name, mosquitto_connack_string(rc));
		pthread_mutex_lock(&s->lock);
		s->st.refused = rc;
		pthread_cond_broadcast(&s->cond);
		pthread_mutex_unlock(&s->lock);
		return;
	}
	moved = s->last_ok >= 0 && (size_t)s->last_ok != s->cur;
	pthread_mutex_lock(&s->lock);
	s->connected = true;
	s->st.connects++;
	s->st.refused = 0;
	s->st.last_rc = 0;
	if (moved)
		s->st.moves++;
	snprintf(s->st.broker, sizeof s->st.broker, "%s", b->name);
	s->state_gen++;
	/* Subscribe again on every connect: a clean session, a restarted broker or another
	 * cluster node knows nothing of our subscriptions. */
	for (i = 0; i < s->n_subs; i++) {
		int src = mosquitto_subscribe(mosq, NULL, s->subs[i], sub_qos(s));
		if (src != MOSQ_ERR_SUCCESS)
			hall_warn("mqtt: subscribe %s: %s", s->subs[i], mosquitto_strerror(src));
	}
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	/* One line that says where the session went, and why it left the broker before. */
	if (s->left >= 0 && (size_t)s->left != s->cur)
		hall_warn("mqtt: broker %s unreachable (%s); now connected to %s as %s", s->brokers[s->left].name,
		          s->left_why, b->name, s->client_id);
	else
		hall_info("mqtt: connected to %s as %s", b->name, s->client_id);
	s->last_ok = (int)s->cur;
	s->left = -1;
	notify_state(s, true);
}

static void cb_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
	hall_mqtt *s = obj;
	bool was;
	(void)mosq;
	pthread_mutex_lock(&s->lock);
	was = s->connected;
	s->connected = false;
	s->st.broker[0] = '\0';
	if (was)
		s->state_gen++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (!was)
		return; /* a connect attempt that failed: the thread logs and backs off */
	if (rc == 0)
		hall_info("mqtt: disconnected from %s", s->brokers[s->cur].name);
	else
		hall_warn("mqtt: lost the connection to %s: %s", s->brokers[s->cur].name, mosquitto_strerror(rc));
	notify_state(s, false);
}

static void cb_publish(struct mosquitto *mosq, void *obj, int mid)
{
	hall_mqtt *s = obj;
	(void)mosq;
	pthread_mutex_lock(&s->lock);
	s->st.acked++;
	if (s->final_mid != 0 && mid == s->final_mid)
		s->final_acked = true;
	if (s->final_mid != 0 || s->flushing)
		pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	if (s->cfg.on_publish)
		s->cfg.on_publish(s->cfg.ctx, mid);
}

static void cb_subscribe(struct mosquitto *mosq, void *obj, int mid, int qos_count, const int *granted)
{
	hall_mqtt *s = obj;
	int i;
	(void)mosq;
	(void)mid;
	for (i = 0; i < qos_count; i++) {
		if (granted[i] > 2) /* 0x80: the broker refused (ACL) */
			hall_warn("mqtt: the broker refused a subscription (not authorised?)");
	}
	pthread_mutex_lock(&s->lock);
	s->st.subacks++;
	s->state_gen++;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

static bool queue_full(const hall_mqtt *s, size_t len)
{
	if (s->q_count == 0)
		return false; /* one message always fits, however big: no deadlock */
	return s->q_count >= s->cfg.queue_max || s->q_bytes + len > s->cfg.queue_max_bytes;
}

static void cb_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *m)
{
	hall_mqtt *s = obj;
	msg_node *n;
	size_t len = m->payloadlen > 0 ? (size_t)m->payloadlen : 0;
	bool dropped = false;
	(void)mosq;

	n = calloc(1, sizeof *n);
	if (n) {
		n->msg.topic = strdup(m->topic);
		n->msg.payload = malloc(len + 1);
	}
	if (!n || !n->msg.topic || !n->msg.payload) {
		if (n)
			hall_mqtt_msg_free(&n->msg);
		free(n);
		pthread_mutex_lock(&s->lock);
		s->st.dropped++;
		pthread_mutex_unlock(&s->lock);
		hall_error_log("mqtt: out of memory, dropped a %zu-byte message on %s", len, m->topic);
		return;
	}
	if (len)
		memcpy(n->msg.payload, m->payload, len);
	n->msg.payload[len] = '\0';
	n->msg.len = len;
	n->msg.retain = m->retain;

	pthread_mutex_lock(&s->lock);
	if (queue_full(s, len)) {
		/* Hold the network thread (and so, through TCP, the broker) until the main thread
		 * makes room, for a bounded time: see the header for why dropping the new message
		 * after that is safe. */
		struct timespec until;
		deadline_ts(&until, s->cfg.queue_block_ms);
		while (queue_full(s, len) && !s->stopping) {
			if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
				break;
		}
		dropped = queue_full(s, len) || s->stopping;
	}
	if (dropped) {
		s->st.dropped++;
	} else {
		if (s->tail)
			s->tail->next = n;
		else
			s->head = n;
		s->tail = n;
		s->q_count++;
		s->q_bytes += len;
		s->st.received++;
		pthread_cond_broadcast(&s->cond);
	}
	pthread_mutex_unlock(&s->lock);
	if (dropped) {
		hall_error_log("mqtt: incoming queue stayed full for %d ms, dropped a %zu-byte message on %s",
		               s->cfg.queue_block_ms, len, n->msg.topic);
		hall_mqtt_msg_free(&n->msg);
		free(n);
		return;
	}
	if (s->cfg.wake)
		s->cfg.wake(s->cfg.ctx);
}

static void cb_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
	(void)mosq;
	(void)obj;
	if (level == MOSQ_LOG_ERR)
		hall_warn("mqtt: libmosquitto: %s", str);
	else if (level == MOSQ_LOG_WARNING || level == MOSQ_LOG_NOTICE)
		hall_debug("mqtt: libmosquitto: %s", str);
}

/* ---- network thread ---- */

static bool should_exit(hall_mqtt *s)
{
	bool r;
	pthread_mutex_lock(&s->lock);
	r = s->stopping && mono_ms() >= s->stop_deadline_ms;
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* True once the attempt that began at connects_before got its CONNACK. */
static bool came_up(hall_mqtt *s, uint64_t connects_before)
{
	bool r;
	pthread_mutex_lock(&s->lock);
	r = s->st.connects != connects_before;
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* One attempt on the current broker, run until the connection ends (or never comes up, or
 * gives no CONNACK in time), or stop's deadline. Returns libmosquitto's last code;
 * *why gets a reason for the log when it failed. */
static int run_attempt(hall_mqtt *s, uint64_t connects_before, char *why, size_t why_len)
{
	const broker_addr *b = &s->brokers[s->cur];
	int64_t started = mono_ms();
	int rc = mosquitto_connect_async(s->mosq, b->host, b->port, s->cfg.keepalive_s);
	int saved = errno;
	while (rc == MOSQ_ERR_SUCCESS && !should_exit(s)) {
		rc = mosquitto_loop(s->mosq, 1000, 1);
		saved = errno;
		if (rc == MOSQ_ERR_SUCCESS && mono_ms() - started > HALL_MQTT_CONNECT_TIMEOUT_MS &&
		    !came_up(s, connects_before)) {
			snprintf(why, why_len, "no answer within %d s", HALL_MQTT_CONNECT_TIMEOUT_MS / 1000);
			return MOSQ_ERR_CONN_LOST;
		}
	}
	snprintf(why, why_len, "%s", rc == MOSQ_ERR_ERRNO ? strerror(saved) : mosquitto_strerror(rc));
	return rc;
}

static void *net_thread(void *arg)
{
	hall_mqtt *s = arg;
	int64_t delay_ms = (int64_t)s->cfg.reconnect_min_s * 1000;
	unsigned int failures = 0;
	unsigned int seed = (unsigned int)getpid() ^ (unsigned int)mono_ms();
	size_t round_start = s->cur; /* a whole round of the list failed when cur is back here */

	for (;;) {
		int rc;
		uint64_t connects_before;
		bool stopping, grow = false;
		char why[sizeof s->left_why];

		pthread_mutex_lock(&s->lock);
		stopping = s->stopping;
		connects_before = s->st.connects;
		pthread_mutex_unlock(&s->lock);
		if (stopping)
			break;

		rc = run_attempt(s, connects_before, why, sizeof why);
		pthread_mutex_lock(&s->lock);
		if (s->stopping) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		if (s->st.connects != connects_before) {
			/* It worked for a while: try the same broker again first, soon. */
			delay_ms = (int64_t)s->cfg.reconnect_min_s * 1000;
			failures = 0;
			round_start = s->cur;
		} else {
			const broker_addr *b = &s->brokers[s->cur];
			if (rc != MOSQ_ERR_SUCCESS)
				s->st.last_rc = rc;
			/* Say it once at warn level, then quietly: a kiosk may be offline for days. */
			hall_log(failures++ == 0 ? HALL_LOG_WARN : HALL_LOG_DEBUG, "mqtt: cannot reach %s (%s), %s", b->name,
			         why, s->n_brokers > 1 ? "trying the next broker" : "retrying");
			s->left = (int)s->cur;
			snprintf(s->left_why, sizeof s->left_why, "%s", why);
			s->cur = (s->cur + 1) % s->n_brokers;
			grow = s->cur == round_start;
		}
		{
			/* Backoff with jitter (75..100 % of the delay), interrupted by stop. */
			int64_t wait_ms = delay_ms - (int64_t)rand_r(&seed) % (delay_ms / 4 + 1);
			struct timespec until;
			deadline_ts(&until, wait_ms);
			while (!s->stopping) {
				if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
					break;
			}
		}
		pthread_mutex_unlock(&s->lock);
		if (grow) {
			delay_ms *= 2;
			if (delay_ms > (int64_t)s->cfg.reconnect_max_s * 1000)
				delay_ms = (int64_t)s->cfg.reconnect_max_s * 1000;
		}
	}
	return NULL;
}

/* ---- public API ---- */

hall_err hall_mqtt_create(const hall_mqtt_config *cfg, hall_mqtt **out, hall_error *err)
{
	hall_mqtt *s = NULL;
	pthread_condattr_t ca;
	bool oom = false;
	hall_err e = HALL_OK;
	int rc;

	*out = NULL;
	pthread_once(&lib_once, lib_init);
	if (lib_rc != MOSQ_ERR_SUCCESS)
		return hall_error_set(err, HALL_ERR_NET, "mqtt", "libmosquitto init failed: %s", mosquitto_strerror(lib_rc));
	if (cfg->n_brokers == 0 && (!cfg->host || !*cfg->host))
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.host", "expected a host name");
	if (cfg->n_brokers == 0 && (cfg->port < 1 || cfg->port > 65535))
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.port", "expected 1..65535, got %d", cfg->port);
	for (size_t i = 0; i < cfg->n_brokers; i++) {
		const hall_mqtt_addr *a = &cfg->brokers[i];
		if (!a->host || !*a->host || a->port < 1 || a->port > 65535)
			return hall_error_set(err, HALL_ERR_INVALID, "mqtt.brokers", "entry %zu: expected a host and a port 1..65535",
			                      i + 1);
	}
	if (!cfg->client_id || !*cfg->client_id || strlen(cfg->client_id) > 64)
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.client_id", "expected 1 to 64 characters");
	if (cfg->will_topic && mosquitto_pub_topic_check(cfg->will_topic) != MOSQ_ERR_SUCCESS)
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.will_topic", "not a valid topic: %s", cfg->will_topic);
	if (cfg->will_len > HALL_MQTT_MAX_PAYLOAD || (cfg->will_len && !cfg->will_payload))
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.will_payload", "missing or too big");
	if (cfg->keepalive_s < 0 || cfg->reconnect_min_s < 0 || cfg->reconnect_max_s < 0 || cfg->max_inflight < 0 ||
	    cfg->queue_block_ms < 0)
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt", "negative timing or limit in config");

	s = calloc(1, sizeof *s);
	if (!s)
		return hall_error_set(err, HALL_ERR_NOMEM, "mqtt", "out of memory");
	s->cfg = *cfg;
	if (!s->cfg.keepalive_s)
		s->cfg.keepalive_s = DEF_KEEPALIVE_S;
	if (s->cfg.keepalive_s < 5)
		s->cfg.keepalive_s = 5; /* libmosquitto refuses less */
	if (!s->cfg.reconnect_min_s)
		s->cfg.reconnect_min_s = DEF_RECONNECT_MIN_S;
	if (!s->cfg.reconnect_max_s)
		s->cfg.reconnect_max_s = DEF_RECONNECT_MAX_S;
	if (s->cfg.reconnect_max_s < s->cfg.reconnect_min_s)
		s->cfg.reconnect_max_s = s->cfg.reconnect_min_s;
	if (!s->cfg.max_inflight)
		s->cfg.max_inflight = DEF_MAX_INFLIGHT;
	if (!s->cfg.queue_max)
		s->cfg.queue_max = DEF_QUEUE_MAX;
	if (!s->cfg.queue_max_bytes)
		s->cfg.queue_max_bytes = DEF_QUEUE_MAX_BYTES;
	if (!s->cfg.queue_block_ms)
		s->cfg.queue_block_ms = DEF_QUEUE_BLOCK_MS;

	s->last_ok = -1;
	s->left = -1;
	s->n_brokers = cfg->n_brokers ? cfg->n_brokers : 1;
	s->brokers = calloc(s->n_brokers, sizeof *s->brokers);
	if (!s->brokers)
		oom = true;
	for (size_t i = 0; s->brokers && i < s->n_brokers; i++) {
		const char *h = cfg->n_brokers ? cfg->brokers[i].host : cfg->host;
		int port = cfg->n_brokers ? cfg->brokers[i].port : cfg->port;
		bool v6 = strchr(h, ':') != NULL;
		s->brokers[i].host = dup_opt(h, &oom);
		s->brokers[i].port = port;
		snprintf(s->brokers[i].name, sizeof s->brokers[i].name, "%s%.255s%s:%d", v6 ? "[" : "", h, v6 ? "]" : "",
		         port);
	}
	s->client_id = dup_opt(cfg->client_id, &oom);
	s->username = dup_opt(cfg->username, &oom);
	s->password = dup_opt(cfg->password, &oom);
	s->will_topic = dup_opt(cfg->will_topic, &oom);
	s->cafile = dup_opt(cfg->cafile, &oom);
	if (cfg->will_topic && cfg->will_len) {
		s->will_payload = malloc(cfg->will_len);
		if (s->will_payload)
			memcpy(s->will_payload, cfg->will_payload, cfg->will_len);
		else
			oom = true;
	}
	s->cfg.brokers = NULL;
	s->cfg.host = s->cfg.client_id = s->cfg.username = s->cfg.password = s->cfg.will_topic = s->cfg.cafile = NULL;
	s->cfg.will_payload = NULL;
	if (oom) {
		e = hall_error_set(err, HALL_ERR_NOMEM, "mqtt", "out of memory");
		goto fail;
	}

	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &ca);
	pthread_condattr_destroy(&ca);
	s->sync_ready = true;

	s->mosq = mosquitto_new(s->client_id, cfg->clean_session, s);
	if (!s->mosq) {
		e = hall_error_set(err, errno == ENOMEM ? HALL_ERR_NOMEM : HALL_ERR_INVALID, "mqtt",
		                   "mosquitto_new failed: %s", strerror(errno));
		goto fail;
	}
	mosquitto_threaded_set(s->mosq, true);
	mosquitto_int_option(s->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
	/* Small packets (PUBACKs, confirms, fetch requests) must leave at once: with Nagle's
	 * algorithm each waited for the peer's delayed ACK, about 40 ms a round trip on Linux
	 * (bench/ingest: confirm latency 44 ms with one batch in flight). The shipped broker
	 * config sets set_tcp_nodelay for its side. */
	mosquitto_int_option(s->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_max_inflight_messages_set(s->mosq, (unsigned int)s->cfg.max_inflight);
	mosquitto_connect_callback_set(s->mosq, cb_connect);
	mosquitto_disconnect_callback_set(s->mosq, cb_disconnect);
	mosquitto_publish_callback_set(s->mosq, cb_publish);
	mosquitto_message_callback_set(s->mosq, cb_message);
	mosquitto_subscribe_callback_set(s->mosq, cb_subscribe);
	mosquitto_log_callback_set(s->mosq, cb_log);
	if (s->username) {
		rc = mosquitto_username_pw_set(s->mosq, s->username, s->password);
		if (rc != MOSQ_ERR_SUCCESS) {
			e = hall_error_set(err, map_mosq(rc), "mqtt.username", "%s", mosquitto_strerror(rc));
			goto fail;
		}
	}
	if (s->cafile) {
		/* Verify the chain against the hall's CA only, and the broker's name
		 * (tls_insecure stays false: libmosquitto checks the host against the certificate's
		 * names). TLS 1.2 at least. */
		rc = mosquitto_tls_set(s->mosq, s->cafile, NULL, NULL, NULL, NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(s->mosq, 1, "tlsv1.2", NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_insecure_set(s->mosq, false);
		if (rc != MOSQ_ERR_SUCCESS) {
			e = hall_error_set(err, HALL_ERR_INVALID, "broker.cafile", "%s: %s", s->cafile,
			                   rc == MOSQ_ERR_INVAL ? "cannot be read" : mosquitto_strerror(rc));
			goto fail;
		}
	}
	if (s->will_topic) {
		rc = mosquitto_will_set(s->mosq, s->will_topic, (int)cfg->will_len, s->will_payload, 1, cfg->will_retain);
		if (rc != MOSQ_ERR_SUCCESS) {
			e = hall_error_set(err, map_mosq(rc), "mqtt.will_topic", "%s", mosquitto_strerror(rc));
			goto fail;
		}
	}
	*out = s;
	return HALL_OK;
fail:
	hall_mqtt_destroy(s);
	return e;
}

hall_err hall_mqtt_subscribe(hall_mqtt *s, const char *filter, hall_error *err)
{
	hall_err e = HALL_OK;
	size_t i;
	char *copy;

	if (!filter || mosquitto_sub_topic_check(filter) != MOSQ_ERR_SUCCESS)
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.subscribe", "not a valid topic filter: %s",
		                      filter ? filter : "(null)");
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n_subs; i++) {
		if (strcmp(s->subs[i], filter) == 0)
			goto done;
	}
	if (s->n_subs == s->cap_subs) {
		size_t cap = s->cap_subs ? s->cap_subs * 2 : 8;
		char **n = realloc(s->subs, cap * sizeof *n);
		if (!n) {
			e = hall_error_set(err, HALL_ERR_NOMEM, "mqtt.subscribe", "out of memory");
			goto done;
		}
		s->subs = n;
		s->cap_subs = cap;
	}
	copy = strdup(filter);
	if (!copy) {
		e = hall_error_set(err, HALL_ERR_NOMEM, "mqtt.subscribe", "out of memory");
		goto done;
	}
	s->subs[s->n_subs++] = copy;
	if (s->connected) {
		/* If this races with a connection loss, the next connect subscribes anyway. */
		int rc = mosquitto_subscribe(s->mosq, NULL, copy, sub_qos(s));
		if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN)
			hall_warn("mqtt: subscribe %s: %s (retried on reconnect)", copy, mosquitto_strerror(rc));
	}
done:
	pthread_mutex_unlock(&s->lock);
	return e;
}

hall_err hall_mqtt_unsubscribe(hall_mqtt *s, const char *filter, hall_error *err)
{
	size_t i;
	(void)err;
	if (!filter)
		return HALL_OK;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < s->n_subs; i++) {
		if (strcmp(s->subs[i], filter) == 0) {
			free(s->subs[i]);
			s->subs[i] = s->subs[--s->n_subs];
			if (s->connected)
				mosquitto_unsubscribe(s->mosq, NULL, filter);
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return HALL_OK;
}

hall_err hall_mqtt_start(hall_mqtt *s, hall_error *err)
{
	int rc;
	if (s->thread_running)
		return HALL_OK;
	pthread_mutex_lock(&s->lock);
	s->stopping = false;
	pthread_mutex_unlock(&s->lock);
	rc = pthread_create(&s->thread, NULL, net_thread, s);
	if (rc != 0)
		return hall_error_set(err, HALL_ERR_NET, "mqtt", "cannot start the network thread: %s", strerror(rc));
	s->thread_running = true;
	return HALL_OK;
}

hall_err hall_mqtt_publish(hall_mqtt *s, const char *topic, const void *data, size_t len, bool retain,
                           int *mid, hall_error *err)
{
	int m = 0;
	int rc;
	bool connected;

	if (mid)
		*mid = 0;
	if (!topic || mosquitto_pub_topic_check(topic) != MOSQ_ERR_SUCCESS)
		return hall_error_set(err, HALL_ERR_INVALID, "mqtt.publish", "not a valid topic: %s",
		                      topic ? topic : "(null)");
	if (len > HALL_MQTT_MAX_PAYLOAD)
		return hall_error_set(err, HALL_ERR_TOO_BIG, topic, "payload of %zu bytes is over the %u-byte limit", len,
		                      HALL_MQTT_MAX_PAYLOAD);
	pthread_mutex_lock(&s->lock);
	connected = s->connected && !s->stopping;
	pthread_mutex_unlock(&s->lock);
	if (!connected)
		return hall_error_set(err, HALL_ERR_NET, topic, "not connected to the broker");
	rc = mosquitto_publish(s->mosq, &m, topic, (int)len, data, 1, retain);
	if (rc != MOSQ_ERR_SUCCESS)
		return hall_error_set(err, map_mosq(rc), topic, "publish failed: %s", mosquitto_strerror(rc));
	pthread_mutex_lock(&s->lock);
	s->st.published++;
	pthread_mutex_unlock(&s->lock);
	if (mid)
		*mid = m;
	return HALL_OK;
}

bool hall_mqtt_is_connected(hall_mqtt *s)
{
	bool c;
	pthread_mutex_lock(&s->lock);
	c = s->connected;
	pthread_mutex_unlock(&s->lock);
	return c;
}

bool hall_mqtt_poll(hall_mqtt *s, hall_mqtt_msg *msg)
{
	msg_node *n;
	pthread_mutex_lock(&s->lock);
	n = s->head;
	if (n) {
		s->head = n->next;
		if (!s->head)
			s->tail = NULL;
		s->q_count--;
		s->q_bytes -= n->msg.len;
		pthread_cond_broadcast(&s->cond); /* room for a blocked network thread */
	}
	pthread_mutex_unlock(&s->lock);
	if (!n)
		return false;
	*msg = n->msg;
	free(n);
	return true;
}

bool hall_mqtt_wait(hall_mqtt *s, int timeout_ms)
{
	bool have;
	uint64_t gen;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	gen = s->state_gen;
	if (timeout_ms > 0)
		deadline_ts(&until, timeout_ms);
	while (!s->head && gen == s->state_gen && timeout_ms != 0) {
		int rc = timeout_ms < 0 ? pthread_cond_wait(&s->cond, &s->lock)
		                        : pthread_cond_timedwait(&s->cond, &s->lock, &until);
		if (rc == ETIMEDOUT)
			break;
	}
	have = s->head != NULL;
	pthread_mutex_unlock(&s->lock);
	return have;
}

void hall_mqtt_msg_free(hall_mqtt_msg *msg)
{
	if (!msg)
		return;
	free(msg->topic);
	free(msg->payload);
	memset(msg, 0, sizeof *msg);
}

const char *hall_mqtt_failure_text(const hall_mqtt_stats *st)
{
	if (st->refused == 5 || st->refused == 4)
		return "the broker refused the credentials (wrong, or the client was removed)";
	if (st->refused)
		return mosquitto_connack_string(st->refused);
	if (st->last_rc == MOSQ_ERR_TLS)
		return "TLS failed: the broker's certificate is not from the configured CA, has expired, or does not "
		       "name this host";
	if (st->last_rc)
		return mosquitto_strerror(st->last_rc);
	return "";
}

void hall_mqtt_get_stats(hall_mqtt *s, hall_mqtt_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->st;
	out->queued = s->q_count;
	out->reconnect_max_s = s->cfg.reconnect_max_s;
	pthread_mutex_unlock(&s->lock);
}

hall_err hall_mqtt_flush(hall_mqtt *s, int timeout_ms, hall_error *err)
{
	struct timespec until;
	if (!s || !s->thread_running)
		return hall_error_set(err, HALL_ERR_NET, "mqtt.flush", "the session is not running");
	deadline_ts(&until, timeout_ms > 0 ? timeout_ms : 0);
	pthread_mutex_lock(&s->lock);
	s->flushing = true;
	while (s->st.acked < s->st.published && s->connected) {
		if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
			break;
	}
	s->flushing = false;
	uint64_t left = s->st.published - s->st.acked;
	pthread_mutex_unlock(&s->lock);
	if (left)
		return hall_error_set(err, HALL_ERR_NET, "mqtt.flush", "%llu message(s) not acknowledged by the broker",
		                      (unsigned long long)left);
	return HALL_OK;
}

hall_err hall_mqtt_stop(hall_mqtt *s, const char *final_topic, const void *final_payload, size_t final_len,
                        bool final_retain, int timeout_ms, hall_error *err)
{
	hall_err e = HALL_OK;
	int rc;

	if (!s || !s->thread_running)
		return HALL_OK;
	if (final_topic) {
		int mid = 0;
		struct timespec until;
		if (mosquitto_pub_topic_check(final_topic) != MOSQ_ERR_SUCCESS || final_len > HALL_MQTT_MAX_PAYLOAD)
			return hall_error_set(err, HALL_ERR_INVALID, "mqtt.stop", "bad final message for %s", final_topic);
		deadline_ts(&until, timeout_ms > 0 ? timeout_ms : 0);
		/* Publish under our lock so that cb_publish (which takes it) cannot see the PUBACK
		 * before final_mid is set. */
		pthread_mutex_lock(&s->lock);
		if (!s->connected) {
			e = hall_error_set(err, HALL_ERR_NET, final_topic, "not connected: the final message was not sent");
		} else {
			rc = mosquitto_publish(s->mosq, &mid, final_topic, (int)final_len, final_payload, 1, final_retain);
			if (rc != MOSQ_ERR_SUCCESS) {
				e = hall_error_set(err, map_mosq(rc), final_topic, "publish failed: %s", mosquitto_strerror(rc));
			} else {
				s->st.published++;
				s->final_mid = mid;
				s->final_acked = false;
				while (!s->final_acked && s->connected) {
					if (pthread_cond_timedwait(&s->cond, &s->lock, &until) == ETIMEDOUT)
						break;
				}
				if (!s->final_acked)
					e = hall_error_set(err, HALL_ERR_NET, final_topic,
					                   "the broker did not acknowledge the final message in time");
			}
		}
		pthread_mutex_unlock(&s->lock);
	}

	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	s->stop_deadline_ms = mono_ms() + STOP_FLUSH_MS;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);

	/* A DISCONNECT tells the broker not to send the Will. The thread keeps looping until
	 * it is written and the socket closes, or STOP_FLUSH_MS. */
	rc = mosquitto_disconnect(s->mosq);
	if (rc != MOSQ_ERR_SUCCESS) {
		pthread_mutex_lock(&s->lock);
		s->stop_deadline_ms = 0;
		pthread_mutex_unlock(&s->lock);
	}
	pthread_join(s->thread, NULL);
	s->thread_running = false;
	pthread_mutex_lock(&s->lock);
	s->connected = false;
	pthread_mutex_unlock(&s->lock);
	return e;
}

void hall_mqtt_destroy(hall_mqtt *s)
{
	size_t i;
	msg_node *n;
	if (!s)
		return;
	if (s->thread_running)
		hall_mqtt_stop(s, NULL, NULL, 0, false, 0, NULL);
	if (s->mosq)
		mosquitto_destroy(s->mosq);
	if (s->sync_ready) {
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->lock);
	}
	for (n = s->head; n;) {
		msg_node *next = n->next;
		hall_mqtt_msg_free(&n->msg);
		free(n);
		n = next;
	}
	for (i = 0; i < s->n_subs; i++)
		free(s->subs[i]);
	free(s->subs);
	for (i = 0; s->brokers && i < s->n_brokers; i++)
		free(s->brokers[i].host);
	free(s->brokers);
	free(s->client_id);
	free(s->username);
	free(s->password);
	free(s->will_topic);
	free(s->cafile);
	free(s->will_payload);
	free(s);
}
