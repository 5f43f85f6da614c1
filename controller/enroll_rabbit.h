/* controller/enroll_rabbit.h: the hall's accounts on RabbitMQ (DESIGN.md decisions 7 and 8;
 * issue 13), for `hall-controller init --broker-kind rabbitmq` and kiosk add/remove/list
 * when the controller's config says "broker_admin": {"kind": "rabbitmq"}.
 *
 * The same rules as the mosquitto hall (dynsec.h, docs/protocol.md "Security"), in
 * RabbitMQ's terms: every client logs in with a password (RabbitMQ refuses a username
 * without one); all MQTT clients live in one virtual host (`vhost`, "hall"); the
 * controller's user may do everything there; each kiosk's user may publish under its own
 * tree only and read what is addressed to it, through topic permissions on amq.topic
 * (routing keys: MQTT's '/' is '.' there), and touch no queue but its own MQTT session's.
 * A forbidden publish makes RabbitMQ close the connection (mosquitto drops it silently).
 *
 * Accounts change through rabbitmqctl (broker_admin.rabbitmqctl) against the first of
 * broker_admin.nodes that answers; it needs the cluster's Erlang cookie in the controller's
 * $HOME/.erlang.cookie (docs/operations.md). A kiosk's account goes in with
 * `rabbitmqctl import_definitions` through its standard input, already hashed as RabbitMQ
 * stores it (salted SHA-256), so no password ever shows on a command line.
 *
 * Ownership: every cJSON returned belongs to the caller (cJSON_Delete). */
#ifndef HALL_CTL_ENROLL_RABBIT_H
#define HALL_CTL_ENROLL_RABBIT_H

#include <stdbool.h>
#include "hall/config.h"
#include "hall/err.h"

struct cJSON;

#define HALL_RABBIT_VHOST_DEFAULT "hall"
#define HALL_RABBIT_KIOSK_TAG "hall-kiosk"

/* What init writes for a RabbitMQ hall. */
typedef struct hall_rabbit_files {
	const char *conf;        /* DIR/broker/rabbitmq.conf */
	const char *definitions; /* DIR/broker/definitions.json: the vhost and the controller */
	const char *ca, *cert, *key; /* the hall's CA and the broker's certificate and key */
	const char *listen_host;
	int port;                /* the MQTT-over-TLS listener */
	const char *prefix;      /* topic prefix, "hall/v1" */
	const char *vhost;
	const char *user, *password; /* the controller's account */
	/* The other nodes of the cluster (init --broker A,B,C: B and C), each listening on its
	 * own entry: conf is node 1's file (on listen_host:port), node N's is rabbitmq.nodeN.conf
	 * beside it, the same but for its listener. NULL/0 for one node. */
	const hall_broker_addr *others;
	int n_others;
	bool nodes_given; /* --broker was given: also remove the node files beyond its list */
} hall_rabbit_files;

/* Write the files (0600); init writes them again each time. */
hall_err hall_rabbit_write_files(const hall_rabbit_files *f, hall_error *err);

/* kiosk add: the kiosk's user (tagged hall-kiosk and "group:<group>"), its permissions and
 * topic permissions. Without rotate, an existing user is left alone and *exists set; with
 * rotate, its password and rights are replaced and its connections closed. */
hall_err hall_rabbit_enroll(const hall_controller_config *cfg, const char *id, const char *group,
                            const char *password, bool rotate, bool *exists, hall_error *err);

/* kiosk remove: delete the user and close its connections. *existed false (and HALL_OK)
 * when there was no such user. */
hall_err hall_rabbit_remove(const hall_controller_config *cfg, const char *id, bool *existed, hall_error *err);

/* kiosk list: the broker's users as an array of {"username", "textname"}, textname being
 * "group:<group>" for a kiosk's user (as dynsec.h's listClients gives them). */
hall_err hall_rabbit_list(const hall_controller_config *cfg, struct cJSON **clients, hall_error *err);

#endif
