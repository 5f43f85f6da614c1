/* controller/tool.h: running an outside program the controller relies on (openssl for the
 * hall's keys and certificates, rabbitmqctl for RabbitMQ accounts), without a shell.
 *
 * Ownership: *out is malloc'd and belongs to the caller (free), NUL-terminated. */
#ifndef HALL_CTL_TOOL_H
#define HALL_CTL_TOOL_H

#include <stddef.h>
#include "hall/err.h"

/* Run argv[0] (looked up in PATH) with argv, umask 077 (so every key it writes is
 * private) and the environment of this process. `in` (in_len bytes, may be NULL = an
 * empty stdin) is written to its standard input; its standard output, up to `out_max`
 * bytes, goes into *out when out is not NULL (more is read and dropped). After timeout_ms
 * it is killed (SIGKILL) and that is the error. *status (when not
 * NULL) receives its exit code (127: could not be started, 128 + N: killed by signal N).
 * HALL_OK when it exited 0; else HALL_ERR_IO with the first line of its standard error
 * that says something (RabbitMQ's tools start with a bare "Error:") in err. */
hall_err hall_tool_run(const char *const argv[], const char *in, size_t in_len, char **out, size_t out_max,
                       int timeout_ms, int *status, hall_error *err);

#endif
