/* hall/mqtt.h: one MQTT session over libmosquitto, shared by the kiosk and the controller.
 *
 * Threads. hall_mqtt_start() runs one network thread that drives libmosquitto
 * (mosquitto_loop; mqtt.c says why not mosquitto_loop_start: its reconnect backoff cannot
 * be interrupted, so stop would hang while the broker is down). That thread never parses, never draws and never touches SDL: it copies each incoming
 * message into a bounded, mutex-protected queue and then calls the optional `wake`
 * callback (the kiosk passes one that does SDL_PushEvent). The owner's main thread takes
 * messages out with hall_mqtt_poll(), or blocks for them with hall_mqtt_wait().
 * `on_connect` and `on_publish` also run on the network thread: they must only set a flag,
 * bump a counter or enqueue; they must not call back into this session except
 * hall_mqtt_is_connected().
 *
 * Protocol. MQTT 3.1.1 (RabbitMQ's MQTT plugin speaks it), QoS 1 for everything (DESIGN.md
 * decision 1; subscriptions at QoS 0 on RabbitMQ, see subscribe_qos0), a Last Will set at create time, automatic reconnect with exponential backoff
 * (reconnect_min_s .. reconnect_max_s). Subscriptions are registered with the session once
 * and the session subscribes again after every (re)connect, so a broker that forgot them
 * (clean session, restart, another cluster node) still delivers.
 *
 * Failover. The session may be given a list of brokers (the nodes of a cluster, DESIGN.md
 * decision 8). It connects to the first that answers, in list order, and stays there. When
 * the connection drops it tries the same broker once more, then the next in the list, and
 * so on round the list: every failed attempt (refused, unreachable, or no CONNACK within
 * HALL_MQTT_CONNECT_TIMEOUT_MS) moves to the next broker after a jittered pause (75..100 %
 * of the current delay); the delay doubles after each whole round that failed, from
 * reconnect_min_s up to reconnect_max_s. A connection that comes up on another broker than
 * the last one logs one line naming both, e.g.
 *     mqtt: broker 127.0.0.1:1884 unreachable (Connection refused); now connected to 127.0.0.1:1885
 * A connect to another broker is a connect like any other: stats.connects rises, on_connect
 * runs, every subscription is sent again, so the owner re-announces itself (the kiosk's
 * hello and resend, serve's online status and roll-call) exactly as after a reconnect. Every
 * broker of the list uses the same client id, credentials, CA file and Will; with TLS each
 * broker's certificate must name its host as listed.
 *
 * Publishing while disconnected is refused (HALL_ERR_NET) instead of piling messages up in
 * libmosquitto's memory: the kiosk's events live in its spool and are resent; everything
 * else is re-announced on connect (hello / answers to hello). A publish accepted while
 * connected that races with a connection loss is kept by libmosquitto and sent again after
 * the reconnect (QoS 1 retry).
 *
 * Incoming queue bound (queue_max messages, queue_max_bytes payload bytes). When full, the
 * network thread waits up to `queue_block_ms` for the main thread to make room (the broker
 * then holds further messages back for us: TCP flow control). If the main thread still has
 * not drained by then, the NEW message is dropped, counted in hall_mqtt_stats.dropped and
 * logged as an error. Nothing already queued is ever dropped. This is safe for every topic
 * of the protocol: events are resent by the kiosk until confirmed, and every controller
 * state message is re-sent in answer to the next hello. A main thread that stalls for
 * queue_block_ms has a worse problem, which the log shows.
 *
 * Ownership. All strings and byte buffers passed in are copied (create copies the config
 * strings and the Will; publish copies the payload). A hall_mqtt_msg filled by
 * hall_mqtt_poll() belongs to the caller, who releases it with hall_mqtt_msg_free().
 * hall_mqtt_destroy() frees the session and everything still queued. */
#ifndef HALL_MQTT_H
#define HALL_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"

typedef struct hall_mqtt hall_mqtt;

/* Called on the network thread after CONNACK (connected = true, every connect including
 * reconnects) and after a connection loss (connected = false). */
typedef void (*hall_mqtt_connect_cb)(void *ctx, bool connected);
/* Called on the network thread when the broker acknowledged (PUBACK) message `mid`. */
typedef void (*hall_mqtt_publish_cb)(void *ctx, int mid);
/* Called on the network thread after a message was queued (or the connection state changed),
 * to wake the main thread. */
typedef void (*hall_mqtt_wake_cb)(void *ctx);

/* One broker of a list (strings borrowed until hall_mqtt_create returns). */
typedef struct hall_mqtt_addr {
	const char *host;
	int port;                  /* 1..65535 */
} hall_mqtt_addr;

/* Longest "host:port" (or "[v6]:port") a broker is named by in logs and stats, with NUL. */
#define HALL_MQTT_ADDR_MAX 272
/* How long an attempt may wait for the broker's CONNACK before it counts as failed and the
 * session moves on (a machine that vanished answers nothing at all). */
#define HALL_MQTT_CONNECT_TIMEOUT_MS 10000

typedef struct hall_mqtt_config {
	const char *host;          /* e.g. "127.0.0.1"; required unless n_brokers > 0 */
	int port;                  /* 1..65535; required unless n_brokers > 0 */
	/* The brokers to fail over between, in order (see Failover above). n_brokers > 0: this
	 * list is used and host/port are ignored; 0: host/port is a list of one. */
	const hall_mqtt_addr *brokers;
	size_t n_brokers;
	const char *client_id;     /* required; the kiosk uses its kiosk id */
	const char *username;      /* optional (NULL = none); the kiosk uses its kiosk id (ACL %u) */
	const char *password;      /* optional */
	/* TLS: the CA file (PEM) that signed the broker's certificate; NULL = plain TCP. The
	 * broker's certificate must name `host` (hostname verification is on) and be valid now. */
	const char *cafile;
	int keepalive_s;           /* 0 = 30 */
	bool clean_session;        /* true: the broker keeps nothing for us between connections */
	/* Subscribe at QoS 0 instead of 1 (publishing stays QoS 1). For RabbitMQ's MQTT plugin
	 * (3.10): it keeps every QoS 1 subscription, clean session or not, in a durable queue
	 * named after the client id and homed on the node the client was on. When that node
	 * dies the queue's record stays behind, and the same client id subscribing at QoS 1 on
	 * another node is disconnected right after CONNACK ("home node ... is down") until the
	 * dead node returns. A QoS 0 subscription is a transient queue, which the cluster drops
	 * with its node, so the client moves at once. Nothing is lost that a clean session
	 * would keep: its queue goes when the connection goes either way, and the protocol
	 * resends (events until confirmed; controller state in answer to every hello). What
	 * QoS 0 gives up is the broker's per-subscription flow control (mqtt.prefetch): the
	 * application's own windows bound what is in flight (docs/operations.md). */
	bool subscribe_qos0;
	/* Last Will: sent by the broker on an unclean disconnect only. will_topic NULL = none. */
	const char *will_topic;
	const void *will_payload;
	size_t will_len;
	bool will_retain;
	int reconnect_min_s;       /* 0 = 1 */
	int reconnect_max_s;       /* 0 = HALL_MQTT_RECONNECT_MAX_S */
	int max_inflight;          /* QoS 1 messages in flight at once; 0 = 100 */
	size_t queue_max;          /* incoming queue bound in messages; 0 = 10000 */
	size_t queue_max_bytes;    /* incoming queue bound in payload bytes; 0 = 64 MiB */
	int queue_block_ms;        /* how long the network thread waits for room; 0 = 5000 */
	hall_mqtt_connect_cb on_connect; /* optional */
	hall_mqtt_publish_cb on_publish; /* optional */
	hall_mqtt_wake_cb wake;          /* optional */
	void *ctx;                 /* passed to the three callbacks (borrowed) */
} hall_mqtt_config;

/* One incoming message. topic is NUL-terminated; payload has len bytes plus a NUL after
 * them (not counted) so text payloads may be logged, but payloads are bytes: use len. */
typedef struct hall_mqtt_msg {
	char *topic;
	unsigned char *payload;
	size_t len;
	bool retain;
} hall_mqtt_msg;

/* The default cap of the reconnect backoff, seconds. Kiosks and the controller both use
 * it, so after a broker outage a kiosk is back within 10 s of the controller. */
#define HALL_MQTT_RECONNECT_MAX_S 10

typedef struct hall_mqtt_stats {
	uint64_t connects;      /* successful CONNACKs so far (a change means: announce again) */
	uint64_t received;      /* messages queued */
	uint64_t dropped;       /* messages dropped because the queue stayed full (see above) */
	uint64_t published;     /* publishes accepted */
	uint64_t acked;         /* PUBACKs received */
	uint64_t subacks;       /* SUBACKs received (subscriptions the broker confirmed, all connects) */
	size_t queued;          /* messages waiting in the queue now */
	int reconnect_max_s;    /* the backoff cap in force (the config's, or the default) */
	int refused;            /* the last CONNACK refusal code (0 = none since the last connect):
	                           5 = not authorised (wrong or revoked credentials) */
	int last_rc;            /* the last failed attempt's libmosquitto code (MOSQ_ERR_TLS for a
	                           certificate that did not verify); 0 after a connect */
	char broker[HALL_MQTT_ADDR_MAX]; /* "host:port" of the broker connected to now; "" when
	                           not connected */
	uint64_t moves;         /* connects that came up on another broker than the one before */
} hall_mqtt_stats;

/* One line for a connection that did not come up (from hall_mqtt_stats): "the broker
 * refused the credentials", "TLS failed (certificate not trusted, expired, or not for
 * this host)", or "" when nothing failed. */
const char *hall_mqtt_failure_text(const hall_mqtt_stats *st);

/* Initialise libmosquitto (once per process, thread-safe) and create a session; nothing is
 * sent until hall_mqtt_start(). Returns HALL_ERR_INVALID for a bad config (err names the
 * field, "mqtt.brokers[1]" for a bad list entry), HALL_ERR_NOMEM. The caller destroys *out
 * with hall_mqtt_destroy(). */
hall_err hall_mqtt_create(const hall_mqtt_config *cfg, hall_mqtt **out, hall_error *err);

/* Register a subscription (QoS 1, or 0 with subscribe_qos0). May be called before or after start, from the main
 * thread. The kiosk subscribes to exact topics only (docs/protocol.md); the controller may
 * use wildcards. Subscribing twice to the same filter is a no-op. HALL_ERR_INVALID for a
 * malformed filter. When connected, the SUBSCRIBE is sent at once; after every reconnect
 * it is sent again. */
hall_err hall_mqtt_subscribe(hall_mqtt *s, const char *filter, hall_error *err);
/* Forget a subscription (and send UNSUBSCRIBE when connected). Unknown filter: HALL_OK. */
hall_err hall_mqtt_unsubscribe(hall_mqtt *s, const char *filter, hall_error *err);

/* Start the network thread and connect in the background (a broker that is down is not an
 * error: the session keeps retrying with backoff). HALL_ERR_NET if the thread could not
 * start or the host cannot be used at all. */
hall_err hall_mqtt_start(hall_mqtt *s, hall_error *err);

/* Publish `len` bytes to `topic` with QoS 1. *mid (optional) receives the message id that
 * on_publish will report. HALL_ERR_NET when not connected (see above), HALL_ERR_TOO_BIG
 * over the protocol's size limit, HALL_ERR_INVALID for a bad topic. Thread-safe. */
hall_err hall_mqtt_publish(hall_mqtt *s, const char *topic, const void *data, size_t len, bool retain,
                           int *mid, hall_error *err);

/* Wait up to timeout_ms until the broker acknowledged every message published so far
 * (QoS 1 PUBACK), e.g. before a command-line tool says "pushed" and exits. HALL_ERR_NET
 * when some are still unacknowledged (connection lost, or the time ran out). */
hall_err hall_mqtt_flush(hall_mqtt *s, int timeout_ms, hall_error *err);

/* True between CONNACK and the next connection loss. Thread-safe. */
bool hall_mqtt_is_connected(hall_mqtt *s);

/* Take the oldest queued message into *msg. Returns true when one was taken (the caller
 * then owns it and calls hall_mqtt_msg_free), false when the queue is empty. */
bool hall_mqtt_poll(hall_mqtt *s, hall_mqtt_msg *msg);
/* Block until a message is queued, the session's state changed (connect, disconnect,
 * SUBACK), or timeout_ms passed
 * (timeout_ms < 0: no limit; 0: do not block). Returns true when the queue is not empty. */
bool hall_mqtt_wait(hall_mqtt *s, int timeout_ms);
/* Free what a hall_mqtt_msg holds and zero it. NULL and zeroed messages are fine. */
void hall_mqtt_msg_free(hall_mqtt_msg *msg);

void hall_mqtt_get_stats(hall_mqtt *s, hall_mqtt_stats *out);

/* Leave cleanly. When `final_topic` is not NULL and the session is connected, publish
 * that last message first (the clean "offline" status, e.g. {"kiosk":"x","online":false},
 * retained as `final_retain` says) and wait up to timeout_ms for its PUBACK. Then DISCONNECT
 * (so the broker does not send the Will) and join the network thread. Safe to call when
 * never started or already stopped. Returns HALL_ERR_NET when the final message could not
 * be sent or acknowledged in time (the session is stopped anyway). */
hall_err hall_mqtt_stop(hall_mqtt *s, const char *final_topic, const void *final_payload, size_t final_len,
                        bool final_retain, int timeout_ms, hall_error *err);

/* Stop (without a final message) if still running, and free everything. NULL is fine. */
void hall_mqtt_destroy(hall_mqtt *s);

/* Largest payload hall_mqtt_publish accepts: an asset chunk (256 KiB) plus its header,
 * and the 1 MiB JSON limit, with room to spare. */
#define HALL_MQTT_MAX_PAYLOAD (2u * 1024u * 1024u)

#endif
