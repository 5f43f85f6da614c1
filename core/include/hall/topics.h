/* hall/topics.h: every MQTT topic of the protocol, built in one place.
 * docs/protocol.md is the reference; the prefix is configurable (default "hall/v1").
 *
 * All builders write into `out` (len bytes) and return 0, or -1 when it did not fit
 * or an id is invalid. */
#ifndef HALL_TOPICS_H
#define HALL_TOPICS_H

#include <stddef.h>

#define HALL_TOPIC_PREFIX_DEFAULT "hall/v1"
#define HALL_TOPIC_MAX 256
#define HALL_ID_MAX 64

/* Kiosk ids and group names: 1 to 64 of a-z, 0-9, '-' and '_'. */
int hall_id_is_valid(const char *id);

/* Published by kiosk <id> (the only topics a kiosk may write): hall/v1/kiosk/<id>/<leaf>
 * leaf: "hello", "status", "events", "ack", "help", "fetch", "shot" */
int hall_topic_kiosk(char *out, size_t len, const char *prefix, const char *id, const char *leaf);

/* Published by the controller, read by kiosks:
 *   hall/v1/ctl/kiosk/<id>/<leaf>   leaf: "confirm", "content", "schedule", "notice", "command"
 *   hall/v1/ctl/group/<group>/<leaf> leaf: "content", "schedule", "notice"
 *   hall/v1/ctl/all/<leaf>          leaf: "content", "schedule", "notice"
 *   hall/v1/ctl/asset/<sha256>
 *   hall/v1/ctl/poll/<poll-id>/results
 *   hall/v1/ctl/controller/status */
int hall_topic_ctl_kiosk(char *out, size_t len, const char *prefix, const char *id, const char *leaf);
int hall_topic_ctl_group(char *out, size_t len, const char *prefix, const char *group, const char *leaf);
int hall_topic_ctl_all(char *out, size_t len, const char *prefix, const char *leaf);
int hall_topic_ctl_asset(char *out, size_t len, const char *prefix, const char *sha256_hex);
int hall_topic_ctl_poll_results(char *out, size_t len, const char *prefix, const char *poll_id);
int hall_topic_ctl_controller_status(char *out, size_t len, const char *prefix);

/* Split a kiosk-published topic: when `topic` is prefix/kiosk/<id>/<leaf>, copy id and
 * leaf out and return 0; else -1. */
int hall_topic_parse_kiosk(const char *topic, const char *prefix, char *id, size_t id_len,
                           char *leaf, size_t leaf_len);

#endif
