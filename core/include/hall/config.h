/* hall/config.h: the kiosk's and the controller's config files (config/kiosk.json,
 * config/controller.json) and the command-line options both programs share.
 *
 * Loading: defaults, then the JSON file (every field optional except the kiosk's "id"),
 * then command-line overrides. Every field is type- and range-checked; an error is one
 * line naming the file and the field:
 *     config/kiosk.json: screen.width_mm: expected number 50..5000
 * (hall_error_format of the returned hall_error: path = "<file>: <field>", msg = reason).
 * Unknown keys are rejected (a typo must not silently fall back to a default).
 *
 * Relative paths inside a config (data_dir, default_content, reports_dir, fonts, on_alert)
 * are taken relative to the program's current working directory, not to the config
 * file's folder; they are stored as written.
 *
 * Ownership: hall_kiosk_config is flat (no free needed). hall_controller_config owns its
 * kiosk allow-list: call hall_controller_config_free (safe on a zeroed struct, twice).
 * hall_config_args points into argv (borrowed for as long as argv lives).
 */
#ifndef HALL_CONFIG_H
#define HALL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"
#include "hall/lang.h"
#include "hall/log.h"
#include "hall/mqtt.h"
#include "hall/topics.h"

#define HALL_CONFIG_PATH_MAX 512
#define HALL_CONFIG_FILE_MAX (256u * 1024u) /* config files larger than this are refused */
#define HALL_CONFIG_KIOSK_DEFAULT "config/kiosk.json"
#define HALL_CONFIG_CONTROLLER_DEFAULT "config/controller.json"

/* A broker list holds at most this many "host:port" entries (a cluster's nodes; more
 * than a handful only lengthens a failover round). */
#define HALL_BROKER_HOSTS_MAX 8

typedef struct hall_broker_addr {
	char host[256];
	int port;                /* 1..65535 */
} hall_broker_addr;

/* Which broker the hall runs: mosquitto, or RabbitMQ's MQTT plugin ("broker.kind", and for
 * the controller "broker_admin.kind", which also says where the hall's accounts live:
 * mosquitto's dynamic-security plugin, changed over MQTT, or RabbitMQ, changed through
 * rabbitmqctl). */
typedef enum hall_broker_kind { HALL_BROKER_MOSQUITTO = 0, HALL_BROKER_RABBITMQ } hall_broker_kind;

typedef struct hall_broker_config {
	/* The brokers to use, in order: the client connects to the first that answers and moves
	 * to the next when one fails (hall/mqtt.h). From "broker.hosts" ["HOST:PORT", ...], or
	 * "broker.host"/"broker.port" (a list of one; a file may not give both), or --broker
	 * (replaces the file's list). n_hosts >= 1 after loading. */
	hall_broker_addr hosts[HALL_BROKER_HOSTS_MAX];
	int n_hosts;
	char host[256];          /* hosts[0] (kept equal by the loader), "127.0.0.1" */
	int port;                /* hosts[0]'s port, 1883 */
	char username[128];      /* "" = connect without username (controller with null);
	                            the kiosk's null means its id (filled in by the loader) */
	char password[256];
	bool has_password;       /* false: null, connect without a password */
	int keepalive_s;         /* 5..3600, 30 */
	char cafile[HALL_CONFIG_PATH_MAX]; /* the hall CA (PEM); "" (null) = plain TCP. When set
	                            every link is TLS and each broker's certificate must name its
	                            host as the list gives it */
	/* "kind": "mosquitto" (default) or "rabbitmq". On RabbitMQ the programs subscribe at
	 * QoS 0 (hall/mqtt.h subscribe_qos0: a QoS 1 subscription is a queue homed on one node,
	 * and its client could not come back on another while that node is down). The
	 * controller's default is its broker_admin.kind. */
	hall_broker_kind kind;
	bool kind_set;           /* "kind" came from the file */
} hall_broker_config;

#define HALL_BROKER_ADMIN_NODES_MAX 8

/* The base64 (sodium_base64_VARIANT_ORIGINAL) of a 32-byte ed25519 public key is 44
 * characters; the crypto_pwhash_str() hash fits crypto_pwhash_STRBYTES (128) with its NUL. */
#define HALL_CONFIG_KEY_B64_MAX 64
#define HALL_CONFIG_PIN_HASH_MAX 128

typedef struct hall_kiosk_config {
	char id[HALL_ID_MAX + 1];            /* required (or --id), id alphabet */
	char group[HALL_ID_MAX + 1];         /* "lobby" */
	hall_broker_config broker;           /* username null -> id (the broker ACL's %u needs them equal) */
	char topic_prefix[128];              /* "hall/v1"; no wildcards, no leading/trailing '/' */
	bool retain;                         /* true: status retained, Will retained */
	char data_dir[HALL_CONFIG_PATH_MAX]; /* default "var/<id>" (after --id) */
	char default_content[HALL_CONFIG_PATH_MAX]; /* "assets/default" */
	char time_zone[64];                  /* "Asia/Seoul" (IANA name) */
	struct {
		int width_px, height_px;         /* 320..16384; 1920 x 1080 */
		double width_mm, height_mm;      /* 50..5000; 1210 x 680 */
		double bottom_mm;                /* 0..3000: floor to the screen's bottom edge, 540 */
		double low_top_mm;               /* 400..1220, 1000: in low-position mode every control
		                                  * and every text a visitor must read lies at or
		                                  * below this height above the floor */
		bool fullscreen;                 /* true */
		bool reduced_motion;             /* false: nothing moves by itself (no cross-fades,
		                                  * no screen transitions, the attract slides and the
		                                  * "touch to start" languages stay) */
	} screen;
	struct {
		int idle_timeout_s;  /* 10..3600, 60: no touch this long ends the session (after a warning) */
		int more_time_s;     /* 20..600, 20: the accessibility rule asks for >= 20 s */
		int max_extensions;  /* 10..1000, 10: and >= 10 extensions */
		int apply_wait_s;    /* 0..86400, 300: an update waits at most this long for a session to end */
		int help_give_up_s;  /* 5..600, 60: a call for staff not acknowledged by the controller
		                      * within this is given up: the visitor is told to ask at the desk */
	} session;
	char staff_pin[17];                  /* 4..16 digits, "2580": the development profile only */
	bool staff_pin_set;                  /* staff_pin came from the file */
	char staff_pin_hash[HALL_CONFIG_PIN_HASH_MAX]; /* "$argon2id$..." (crypto_pwhash_str); "" = none.
	                                        When set it is the PIN, and staff_pin is not used */
	char controller_key[HALL_CONFIG_KEY_B64_MAX]; /* base64 of the controller's 32-byte ed25519
	                                        public key; "" (null) = development profile (unsigned
	                                        control messages accepted, loopback broker only) */
	struct {
		char regular[HALL_CONFIG_PATH_MAX];
		char bold[HALL_CONFIG_PATH_MAX];
	} fonts;
	struct {
		bool enabled;   /* true */
		int volume;     /* 0..100, 70 */
		int rate;       /* words per minute 80..450, 175 */
	} voice;
	struct {
		int64_t max_bytes; /* 1 MiB .. 64 GiB, 64 MiB */
		int batch_max;     /* 1..1000, 100 events per batch */
		int batch_ms;      /* 0..60000, 200: wait this long to fill a batch */
		int resend_ms;     /* 100..3600000, 5000: resend unconfirmed events after */
		int window;        /* 1..10000, 500: unconfirmed events in flight at most */
		int64_t hold_bytes; /* 0..64 MiB, 1 MiB: events held in memory while the disk is full */
	} spool;
	hall_log_level log_level;            /* "debug"|"info"|"warn"|"error", info */
	bool data_dir_set;                   /* data_dir came from the file or --data */
	char source[HALL_CONFIG_PATH_MAX];   /* the file it was loaded from ("" = defaults only) */
} hall_kiosk_config;

#define HALL_CONTROLLER_ID_DEFAULT "hall-controller"

typedef struct hall_controller_config {
	char id[HALL_ID_MAX + 1];            /* "hall-controller" (id alphabet): serve's MQTT client id;
	                                        staff commands connect as "<id>-<action>-<pid>" */
	hall_broker_config broker;           /* username "controller"; null = none */
	char topic_prefix[128];
	bool retain;
	char data_dir[HALL_CONFIG_PATH_MAX]; /* "var/controller" */
	char database[HALL_CONFIG_PATH_MAX]; /* "postgresql://..." (libpq URI): the store is there;
	                                        "" (null) = <data_dir>/controller.db (SQLite). A
	                                        data_dir or --data that is such a URI sets this and
	                                        leaves data_dir (packs, reports, keys) at its default */
	char time_zone[64];                  /* "Asia/Seoul" */
	char closing_time[6];                /* "HH:MM", "21:00" */
	int closing_hour, closing_minute;    /* parsed from closing_time */
	char reports_dir[HALL_CONFIG_PATH_MAX]; /* "var/controller/reports"; "<--data DIR>/reports" when
	                                           only --data is given */
	hall_lang report_lang;               /* "ko" */
	char (*kiosks)[HALL_ID_MAX + 1];     /* OWNED allow-list, n_kiosks ids; NULL when empty = any */
	size_t n_kiosks;
	char on_alert[HALL_CONFIG_PATH_MAX]; /* program run on an alert; "" = none (null) */
	int raw_retention_days;              /* 1..36500, 90 */
	struct {
		int batch_ms;   /* 0..60000, 100 */
		int batch_max;  /* 1..100000, 1000 */
	} ingest;
	char signing_key[HALL_CONFIG_PATH_MAX]; /* file of the ed25519 secret key (hall-controller
	                                        init: keys/controller-sign.key); "" (null) =
	                                        development profile: control messages go unsigned */
	struct {
		char listen[300];                /* "127.0.0.1:8080" (HOST:PORT, [v6]:PORT) */
		char host[256];                  /* parsed from listen */
		int port;
		char cert[HALL_CONFIG_PATH_MAX]; /* PEM certificate for HTTPS; "" (null) = plain HTTP, */
		char key[HALL_CONFIG_PATH_MAX];  /* loopback only; both or neither */
		bool enabled;                    /* serve runs the console: "console" is in the file, or
		                                    serve --console HOST:PORT (so tests and second serves
		                                    do not all fight for the default port) */
	} console;
	hall_log_level log_level;
	bool reports_dir_set;                /* reports_dir came from the file (else it follows --data) */
	struct {
		char dir[HALL_CONFIG_PATH_MAX];  /* serve's daily backup of the database: "var/controller/
		                                    backups"; "<--data DIR>/backups" when only --data is given */
		int keep;                        /* 0..3650 backups kept, the newest; 7. 0 = no daily backup */
		bool dir_set;                    /* dir came from the file (else it follows --data) */
	} backup;
	struct {                             /* "broker_admin": how kiosk add/remove/list reach the
	                                        broker's accounts; absent or null = mosquitto */
		hall_broker_kind kind;           /* "kind": "mosquitto" (default) or "rabbitmq" */
		char vhost[128];                 /* RabbitMQ virtual host of the hall: "hall" */
		char rabbitmqctl[HALL_CONFIG_PATH_MAX]; /* program to run: "rabbitmqctl" (PATH) */
		char nodes[HALL_BROKER_ADMIN_NODES_MAX][256]; /* RabbitMQ node names tried in order
		                                        (a cluster: any live node will do); none =
		                                        rabbitmqctl's own default node */
		size_t n_nodes;
	} broker_admin;
	char source[HALL_CONFIG_PATH_MAX];
} hall_controller_config;

/* Command-line options both programs take. Every field NULL / 0 when not given. */
typedef struct hall_config_args {
	const char *config;      /* --config F */
	const char *broker;      /* --broker HOST:PORT[,HOST:PORT...] (as given; checked by parse_args) */
	char broker_host[256];   /* the first entry, parsed from broker */
	int broker_port;         /* its port; 0 = a lone HOST without one (keeps the configured port) */
	hall_broker_addr brokers[HALL_BROKER_HOSTS_MAX]; /* every entry; n_brokers 0 = only */
	int n_brokers;                                   /* broker_host/broker_port were set */
	const char *id;          /* --id ID */
	const char *data_dir;    /* --data DIR */
} hall_config_args;

/* Take --config, --broker, --id, --data (as "--opt value" or "--opt=value") out of argv.
 * argv[0] stays; every other argument the function does not know stays in order for the
 * caller and *argc is reduced accordingly (argv[*argc] = NULL). A known option without its
 * value, or a malformed --broker, is HALL_ERR_INVALID with err naming the option.
 * --broker takes a comma-separated list of at most HALL_BROKER_HOSTS_MAX HOST:PORT
 * entries ([v6]:PORT for IPv6); a lone entry may be HOST alone (the configured port stays).
 * A bad entry (empty, no port in a list, port out of range, listed twice, too many) is
 * named with its position: `--broker: entry 2 "10.0.0.6": no port (expected HOST:PORT)`.
 * Arguments after "--" are left alone. */
hall_err hall_config_parse_args(int *argc, char **argv, hall_config_args *out, hall_error *err);

/* Defaults of every field (kiosk id ""). */
void hall_kiosk_config_defaults(hall_kiosk_config *cfg);
void hall_controller_config_defaults(hall_controller_config *cfg);

/* Parse a config from bytes (source names it in errors, e.g. the file path) on top of
 * *cfg (call _defaults first). Does not check the kiosk id's presence (overrides may give
 * it): hall_kiosk_config_finish does. */
hall_err hall_kiosk_config_parse(const char *buf, size_t len, const char *source, hall_kiosk_config *cfg,
                                 hall_error *err);
hall_err hall_controller_config_parse(const char *buf, size_t len, const char *source,
                                      hall_controller_config *cfg, hall_error *err);

/* Apply --broker, --id, --data. A bad --id is HALL_ERR_INVALID naming "--id" (kiosk: its
 * id; controller: its MQTT client id). */
hall_err hall_kiosk_config_apply_args(hall_kiosk_config *cfg, const hall_config_args *args, hall_error *err);
hall_err hall_controller_config_apply_args(hall_controller_config *cfg, const hall_config_args *args,
                                           hall_error *err);
/* After overrides: require the id, default data_dir to "var/<id>", default broker
 * username to the id; then the transport rule (hall_broker_config_check) and, without a
 * controller_key, the development profile's loopback rule. */
hall_err hall_kiosk_config_finish(hall_kiosk_config *cfg, hall_error *err);
/* After overrides: the transport rule (hall_broker_config_check). */
hall_err hall_controller_config_finish(hall_controller_config *cfg, hall_error *err);

/* The i-th broker to use (0-based): host, or NULL past the end; and its port. With
 * n_hosts <= 1 that is host/port (so code that sets those alone still works). */
const char *hall_broker_config_host(const hall_broker_config *b, int i);
int hall_broker_config_port(const hall_broker_config *b, int i);

/* The list as the MQTT session takes it (hall_mqtt_config.brokers): fills out[0..n) with
 * pointers into *b (borrowed while *b lives) and returns n (1..HALL_BROKER_HOSTS_MAX). */
size_t hall_broker_config_addrs(const hall_broker_config *b, hall_mqtt_addr out[HALL_BROKER_HOSTS_MAX]);

/* "host:port" of one entry ("[v6]:port" for an IPv6 address), for logs and status. */
void hall_broker_addr_format(const hall_broker_addr *a, char *out, size_t len);

/* True when host is a loopback address (127.0.0.0/8, ::1) or "localhost". */
bool hall_config_host_is_loopback(const char *host);
/* DESIGN.md decision 7: plain or anonymous MQTT is for a loopback broker only. Any other
 * host in the list needs cafile (TLS), a username and a password: else HALL_ERR_INVALID,
 * err naming "<source>: broker", the host and what is missing. */
hall_err hall_broker_config_check(const hall_broker_config *b, const char *source, hall_error *err);
/* True when s is the base64 (original variant) of exactly 32 bytes; out (optional, 32
 * bytes) receives them. */
bool hall_config_key_decode(const char *s, unsigned char *out);

/* All of it: defaults, the file (args->config, or HALL_CONFIG_*_DEFAULT when NULL; args may
 * be NULL), overrides, finish (both programs: the transport rule above). A missing file is HALL_ERR_NOT_FOUND / HALL_ERR_IO naming it.
 * On failure a controller config needs no free (it is left freed). */
hall_err hall_kiosk_config_load(const hall_config_args *args, hall_kiosk_config *cfg, hall_error *err);
hall_err hall_controller_config_load(const hall_config_args *args, hall_controller_config *cfg, hall_error *err);
void hall_controller_config_free(hall_controller_config *cfg);

/* true when the allow-list is empty or holds id. */
bool hall_controller_config_allows(const hall_controller_config *cfg, const char *id);

/* "debug"|"info"|"warn"|"error" -> level; 0 or -1. */
int hall_config_log_level_from_name(const char *name, hall_log_level *out);

#endif
