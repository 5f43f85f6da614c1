/* controller/dynsec.h: the hall's broker accounts in mosquitto's dynamic-security plugin
 * (DESIGN.md decision 7; docs/protocol.md "Security").
 *
 * One client per kiosk: username = client id = the kiosk id (the plugin's per-client
 * "clientid" binding, so a kiosk's password cannot log in under any other client id and
 * knock that session off), one role per kiosk that confines it to its own tree. One
 * client for the controller (any client id: serve and each staff command connect at
 * once), with the controller's role: everything under the prefix, and the plugin's
 * control topic. Anonymous clients are refused by the broker config (allow_anonymous
 * false) and the plugin's default access is "deny" for everything but unsubscribe.
 *
 * Accounts change on the running broker through $CONTROL/dynamic-security/v1; the plugin
 * saves them in its file itself. Only `hall-controller init` writes that file, before
 * the broker first runs.
 *
 * Ownership: every cJSON returned belongs to the caller (cJSON_Delete). */
#ifndef HALL_CTL_DYNSEC_H
#define HALL_CTL_DYNSEC_H

#include <stddef.h>
#include "hall/config.h"
#include "hall/err.h"

/* cJSON is forward-declared by cjson; include it where used. */
struct cJSON;

#define HALL_DYNSEC_CONTROLLER_ROLE "hall-controller"
#define HALL_DYNSEC_KIOSK_ROLE_PREFIX "hall-kiosk-"  /* + kiosk id */
#define HALL_DYNSEC_GROUP_TEXT_PREFIX "group:"      /* a kiosk client's textname */
/* Where Debian's mosquitto package puts the plugin. */
#define HALL_DYNSEC_PLUGIN "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"

/* A random password: 24 bytes from libsodium as 32 characters of URL-safe base64. */
void hall_dynsec_new_password(char out[33]);

/* The plugin file for a new hall: the deny-by-default access, the controller's client
 * (username, password hashed as the plugin does: PBKDF2-HMAC-SHA512, 12-byte salt) and its
 * role. *json is malloc'd text. */
hall_err hall_dynsec_initial_file(const char *prefix, const char *username, const char *password, char **json,
                                  hall_error *err);

/* The commands that enroll one kiosk (a role, then the client bound to its id); with
 * rotate, the old client and role are deleted first (which disconnects it). */
struct cJSON *hall_dynsec_enroll_commands(const char *prefix, const char *id, const char *group,
                                          const char *password, int rotate);
/* The commands that revoke one kiosk: the client (the broker disconnects it at once) and
 * its role. */
struct cJSON *hall_dynsec_remove_commands(const char *id);

/* Send commands ({"commands":[...]}) to the running broker with the controller's
 * credentials and wait (up to 10 s) for the answer. *responses (optional) receives the
 * plugin's "responses" array, one per command in order, each with "error" on failure.
 * HALL_ERR_NET when the broker cannot be reached or does not answer (err says why: down,
 * credentials refused, TLS). */
hall_err hall_dynsec_run(const hall_controller_config *cfg, struct cJSON *commands, struct cJSON **responses,
                         hall_error *err);

/* The first "error" among responses, or NULL; `skip` names a command whose errors do
 * not count (NULL = none), e.g. "deleteClient" when rotating an id the broker lost. */
const char *hall_dynsec_first_error(const struct cJSON *responses, const char *skip);

#endif
