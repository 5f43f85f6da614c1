/* controller/ctl.h: what every subcommand of hall-controller shares: the database file,
 * the broker session, scope topics, the staff user's name.
 *
 * Ownership: hall_ctl_open_store and hall_ctl_connect hand back objects the caller frees
 * (hall_store_close, hall_mqtt_destroy). */
#ifndef HALL_CTL_CTL_H
#define HALL_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include "hall/config.h"
#include "hall/err.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "store.h"

/* The database is cfg->database (PostgreSQL) when set, else <data_dir>/controller.db;
 * data_dir is created when missing. */
hall_err hall_ctl_open_store(const hall_controller_config *cfg, hall_store **out, hall_error *err);

/* Connect to the configured broker as cfg->broker.username with client id `client_id`.
 * will: publish the controller's Will ({"online":false}) on ctl/controller/status
 * (retained when cfg->retain); only `serve` sets it. clean: clean session.
 * Subscribes to nothing. Waits up to wait_ms for the CONNACK (wait_ms 0: do not wait);
 * HALL_ERR_NET naming host:port when it did not come. */
hall_err hall_ctl_connect(const hall_controller_config *cfg, const char *client_id, bool will, bool clean,
                          int wait_ms, hall_mqtt **out, hall_error *err);

/* The topic of a scoped message: ctl/all/<leaf>, ctl/group/<g>/<leaf>, ctl/kiosk/<id>/<leaf>. */
int hall_ctl_scope_topic(char *out, size_t len, const char *prefix, const hall_scope *scope, const char *leaf);

/* Who acts, for the history: the console's signed-in person when this thread set one
 * (hall_ctl_set_actor), else the OS user running this process (getpwuid(getuid())), or
 * "uid-N". */
void hall_ctl_user(char *out, size_t len);
/* Name the person this thread acts for (console accounts); NULL or "" = the OS user again.
 * Thread-local, so the CLI and serve's own thread are never affected. */
void hall_ctl_set_actor(const char *name);
/* True on a thread that acts for a console account (hall_ctl_set_actor): the console
 * asked its person to confirm an action on all, so the command line's --yes and its
 * terminal question do not apply there. */
bool hall_ctl_has_actor(void);

/* Publish len bytes of a controller-to-kiosk message on topic (QoS 1): the one path every
 * such message takes (hall_ctl_publish_json too). */
hall_err hall_ctl_publish(hall_mqtt *m, const char *topic, const void *buf, size_t len, bool retain, hall_error *err);

/* Encode and publish a JSON document owned by the caller. */
hall_err hall_ctl_publish_json(hall_mqtt *m, const char *topic, const cJSON *doc, bool retain, hall_error *err);

#endif
