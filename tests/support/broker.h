/* tests/support/broker.h: a real mosquitto on a free loopback port, for integration tests.
 *
 * hall_test_broker_start() picks a free port (binds 127.0.0.1:0), writes mosquitto.conf
 * into a fresh temp dir (listener PORT 127.0.0.1, allow_anonymous true, persistence off,
 * log to DIR/mosquitto.log, persistence_location DIR/, then the caller's extra lines, e.g.
 * "retain_available false\n" or "max_queued_messages 20000\n" or "persistence true\n"),
 * starts $HALL_MOSQUITTO or /usr/sbin/mosquitto -c DIR/mosquitto.conf, and waits (at most
 * 5 s) until it accepts TCP. The broker listens on 127.0.0.1 only.
 *
 * Shell tests use tests/support/start-broker.sh instead: it prints "PORT PID CONFDIR"; stop
 * with `kill PID` and remove CONFDIR.
 *
 * Ownership: the struct is the caller's (stack is fine); hall_test_broker_cleanup() stops
 * the broker and removes the temp dir. Functions return 0 on success, -1 with a message on
 * stderr (and the tail of the broker's log) otherwise. */
#ifndef HALL_TEST_BROKER_H
#define HALL_TEST_BROKER_H

#include <sys/types.h>
#include "hall/config.h"

typedef struct hall_test_broker {
	char host[16];      /* "127.0.0.1" */
	int port;
	pid_t pid;          /* 0 when not running */
	char dir[512];      /* temp dir with mosquitto.conf, mosquitto.log */
	char conf[600];
} hall_test_broker;

/* Start a broker; extra_config (may be NULL) is appended to the config verbatim. */
int hall_test_broker_start(hall_test_broker *b, const char *extra_config);
/* SIGTERM, wait up to 5 s, then SIGKILL; reaps the process. No-op when not running. */
int hall_test_broker_stop(hall_test_broker *b);
/* SIGKILL at once and reap (a crash). */
int hall_test_broker_kill(hall_test_broker *b);
/* Start again with the same config on the same port (after stop or kill); waits for TCP. */
int hall_test_broker_restart(hall_test_broker *b);
/* Stop if running and remove the temp dir. */
void hall_test_broker_cleanup(hall_test_broker *b);
/* TLS for a benchmark's broker, as an enrolled hall has it: `hall-controller init` (the
 * program `ctl`) in DIR/hall makes the hall's CA and the broker's certificate, and the
 * config lines of a TLS listener on another free loopback port are appended to `extra`
 * (then pass it to hall_test_broker_start; the plain listener stays beside it). *port
 * receives the TLS port, cafile the CA's path (the clients' broker.cafile). 0 or -1. */
int hall_test_broker_tls_lines(const char *ctl, const char *dir, char *extra, size_t extra_len, char *cafile,
                               size_t ca_len, int *port);
/* A benchmark's --broker LIST (running brokers to use instead of a private one), read by
 * the programs' own parser (hall_config_parse_args) so a bad list is the same one line;
 * every entry needs its port. 0, or 2 after printing "PROG: --broker: ..." on stderr. */
int hall_test_broker_list_arg(const char *prog, const char *value, hall_config_args *out);
/* Print the broker's log to stderr (for a failing test). */
void hall_test_broker_dump_log(const hall_test_broker *b);

#endif
