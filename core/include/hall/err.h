/* hall/err.h: one error enum for the whole project, and a parse error with a path.
 *
 * Functions return hall_err (HALL_OK == 0) and hand results back through pointer
 * parameters. Parsers also fill a hall_error whose `path` names the field
 * (`exhibits[2].title.ko`) and whose `msg` says what was wrong, so the person who
 * wrote the input can act on it. A hall_error is a plain value: nothing to free. */
#ifndef HALL_ERR_H
#define HALL_ERR_H

#include <stddef.h>

typedef enum hall_err {
	HALL_OK = 0,
	HALL_ERR_INVALID,   /* input did not validate (see hall_error for where and why) */
	HALL_ERR_NOMEM,
	HALL_ERR_IO,        /* a file or socket operation failed (errno kept in msg) */
	HALL_ERR_NOT_FOUND,
	HALL_ERR_TOO_BIG,
	HALL_ERR_STALE,     /* a version older than the one held */
	HALL_ERR_FULL,      /* a bounded store (spool, queue) is full */
	HALL_ERR_NET,       /* broker or network */
	HALL_ERR_DB         /* database */
} hall_err;

typedef struct hall_error {
	char path[160];
	char msg[256];
} hall_error;

/* A short English name of an error code, for logs. Never NULL. */
const char *hall_err_str(hall_err e);

/* Fill err (when not NULL) with path and a printf-style message; returns `code`
 * so parsers can write `return hall_error_set(err, HALL_ERR_INVALID, path, "...")`. */
hall_err hall_error_set(hall_error *err, hall_err code, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "path: msg", or just msg when the path is empty, into buf. */
const char *hall_error_format(const hall_error *err, char *buf, size_t len);

#endif
