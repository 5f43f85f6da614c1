/* controller/serve.h: the daemon (`hall-controller serve`).
 *
 * It ingests events (decoded, checked, stored once by (kiosk, seq) in batched
 * transactions, then confirmed to the kiosk), tracks the fleet (hello, status, Will,
 * help), answers every hello with what differs from the kiosk's desired state, serves
 * asset chunks from the pack store, records acks and screenshots, tallies poll votes and
 * publishes results, raises alerts (log, status table, cfg->on_alert), deletes raw events
 * past cfg->raw_retention_days after aggregating them per day, and writes the day's report
 * at cfg->closing_time.
 *
 * Nothing a kiosk sends is fatal: a malformed message is logged and counted
 * (store counters events_rejected, messages_rejected) and dropped. */
#ifndef HALL_CTL_SERVE_H
#define HALL_CTL_SERVE_H

#include <signal.h>
#include "hall/config.h"

/* Run until *stop becomes non-zero (set it from a SIGTERM/SIGINT handler), then commit
 * what is pending, publish the controller's clean offline status and return. Returns the
 * process exit code: 0 after a clean stop, 1 when the database or the broker session
 * could not be set up (the reason is logged). */
int hall_serve_run(const hall_controller_config *cfg, volatile sig_atomic_t *stop);

#endif
