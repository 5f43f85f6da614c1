/* controller/console.h: the staff console (DESIGN.md decision 10; docs/console.md), served
 * by `hall-controller serve` through libmicrohttpd on threads of its own.
 *
 * serve starts it when cfg->console.enabled. Listens on cfg->console.listen: HTTPS with cfg->console.cert/key, or DATA/tls/server.crt
 * and server.key when `hall-controller init` made them; plain HTTP only on a loopback
 * address (the development profile). Serves the pages compiled into the binary and the
 * JSON API under /api/v1/. Reads through its own read-only database connection, so serve's
 * ingest never waits for it; every change goes through the same functions as the command
 * line (action.h, which push.c and staff.c call) with the signed-in person recorded in the
 * history.
 *
 * Ownership: hall_console_start hands back a console the caller stops and frees with
 * hall_console_stop. cfg is borrowed for the console's whole life. */
#ifndef HALL_CTL_CONSOLE_H
#define HALL_CTL_CONSOLE_H

#include "hall/config.h"
#include "hall/err.h"

typedef struct hall_console hall_console;

/* HALL_ERR_INVALID naming console.listen / console.cert for a bad address, plain HTTP on a
 * non-loopback address or unreadable PEM files; HALL_ERR_IO when the port cannot be bound;
 * HALL_ERR_DB when the database cannot be opened. */
hall_err hall_console_start(const hall_controller_config *cfg, hall_console **out, hall_error *err);
/* Stop serving (open streams are closed) and free. NULL is a no-op. */
void hall_console_stop(hall_console *c);

#endif
