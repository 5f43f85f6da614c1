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

/* The database is cfg->database (PostgreSQL) when set, else <data_dir>/controller.db. Only
 * HALL_STORE_CREATE makes the SQLite file (and data_dir) when missing; the other modes
 * fail with HALL_ERR_NOT_FOUND and one line naming the file and how to make one
 * (`hall-controller init --data DIR`). READ opens it read-only (report, status, history:
 * works on a read-only folder). */
hall_err hall_ctl_open_store_mode(const hall_controller_config *cfg, hall_store_open_mode mode, hall_store **out,
                                  hall_error *err);
/* hall_ctl_open_store_mode(cfg, HALL_STORE_CREATE, ...): the staff commands that write
 * (push, notice, schedule, command, ...) still make the database, as they always did. */
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

/* THE way the controller tells kiosks anything (DESIGN.md decision 7): every JSON message
 * from the controller to kiosks goes through hall_ctl_publish, which signs the topic and
 * the exact payload bytes with cfg->signing_key (hall/sign.h; docs/protocol.md "signed
 * messages") when one is configured, and publishes it as it is otherwise (development
 * profile). With a key configured nothing goes out unsigned: a key that cannot be read
 * refuses the publish (HALL_ERR_INVALID / HALL_ERR_IO naming the file). The key is read
 * once per process and kept (staff commands and serve run one configuration each).
 * payload is borrowed for the call. Errors: those above, NOMEM, and hall_mqtt_publish's. */
hall_err hall_ctl_publish(const hall_controller_config *cfg, hall_mqtt *m, const char *topic, const void *payload,
                          size_t len, bool retain, hall_error *err);

/* Read cfg->signing_key now (serve and push call it at start so that a bad key fails the
 * command at once with one line, exit 2). HALL_OK when none is configured. */
hall_err hall_ctl_signing_check(const hall_controller_config *cfg, hall_error *err);

/* Encode a JSON document owned by the caller and hall_ctl_publish it. */
hall_err hall_ctl_publish_json(const hall_controller_config *cfg, hall_mqtt *m, const char *topic, const cJSON *doc,
                               bool retain, hall_error *err);

/* Asset chunks (binary, docs/protocol.md "asset chunk") are the one thing published
 * unsigned on purpose: a kiosk checks every asset against the sha256 and size in the
 * signed manifest before using it, and signing every 256 KiB chunk would cost the fan-out
 * for nothing. Nothing else may use this. */
hall_err hall_ctl_publish_asset_chunk(hall_mqtt *m, const char *topic, const void *chunk, size_t len, hall_error *err);

#endif
