/* controller/push.h: `push`, `rollback`, and the publish-then-wait-for-acks step that
 * notice, schedule and command share.
 *
 * A push validates the pack (errors stop it: nothing stored, nothing published),
 * stores its files in the pack store, takes the next version from the database, records
 * the desired state and the history, publishes the envelope on the scope's topic and
 * waits for the acks of the targeted kiosks that are online. A kiosk that answers
 * "deferred" (it holds the pack until its visitor session ends) counts as answered and
 * not as a failure; its line says by when it applies at the latest.
 *
 * Ownership: everything passed in is borrowed (env->body stays the caller's); nothing
 * returned needs freeing. Output for people goes to stdout, errors to stderr. */
#ifndef HALL_CTL_PUSH_H
#define HALL_CTL_PUSH_H

#include <stdint.h>
#include "hall/config.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "store.h"

/* `push DIR --to TARGET [--timeout S]` and `push --clear --to TARGET`. argv[0] is the
 * program; returns the exit code (0, 1 failure or a rejecting / silent kiosk, 2 usage). */
int hall_push_cli(const hall_controller_config *cfg, int argc, char **argv);
/* `rollback --to TARGET [--timeout S]`. */
int hall_push_rollback_cli(const hall_controller_config *cfg, int argc, char **argv);

/* Record and publish one envelope, then wait for acks: the shared tail of push,
 * rollback, notice and schedule.
 *   kind: HALL_ENVELOPE_CONTENT / SCHEDULE / NOTICE; env->version is set by the caller
 *   (hall_store_next_version); env->body is borrowed.
 *   action, ref, detail: for the history row ("push", manifest sha256, pack title).
 * Connects to the broker first (no broker: nothing recorded, exit 1). Prints one line
 * per targeted kiosk. Returns the exit code. */
int hall_push_envelope(const hall_controller_config *cfg, hall_store *store, const hall_envelope *env,
                       const char *action, const char *ref, const char *detail, int timeout_s);

/* Queue command c for kiosk c->kiosk (stored, history), send it now when the kiosk is
 * online and wait for its ack (done / failed); an offline or unknown kiosk gets it on its
 * next hello while the ttl lasts. Returns the exit code. */
int hall_push_command(const hall_controller_config *cfg, hall_store *store, const hall_store_command *c,
                      int timeout_s);

/* Parse "--timeout S" style seconds (1..3600); -1 when invalid. */
int hall_push_parse_seconds(const char *s, int max);

#endif
