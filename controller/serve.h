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
#include <stdbool.h>
#include "hall/config.h"

/* Data bytes per asset chunk that serve sends, below the protocol's 256 KiB limit
 * (HALL_PROTO_CHUNK_MAX): a kiosk hashes and writes each chunk as it comes, so with smaller
 * chunks the broker's fan-out, the kiosks' copies and their hashing overlap instead of
 * waiting for a quarter MiB each (bench/propagation, N=200, 1 MiB pack: p99 about 1.0 to
 * 1.7 s with 64 KiB, 2.4 to 6.3 s with 256 KiB; BENCHMARKS.md). */
#define HALL_SERVE_CHUNK_BYTES (64u * 1024u)

/* Run until *stop becomes non-zero (set it from a SIGTERM/SIGINT handler), then commit
 * what is pending, publish the controller's clean offline status and return. The
 * database must exist (`hall-controller init` makes it) unless create (`serve --create`,
 * development): a folder without one is refused in one line, so a mistyped --data never
 * starts a new empty database. Returns the process exit code: 0 after a clean stop, 1
 * when the database or the broker session could not be set up (the reason is logged). */
int hall_serve_run(const hall_controller_config *cfg, bool create, volatile sig_atomic_t *stop);

#endif
