/* err.c: error names and the path-carrying parse error. */
#include "hall/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *hall_err_str(hall_err e)
{
	switch (e) {
	case HALL_OK: return "ok";
	case HALL_ERR_INVALID: return "invalid";
	case HALL_ERR_NOMEM: return "out of memory";
	case HALL_ERR_IO: return "i/o error";
	case HALL_ERR_NOT_FOUND: return "not found";
	case HALL_ERR_TOO_BIG: return "too big";
	case HALL_ERR_STALE: return "stale version";
	case HALL_ERR_FULL: return "full";
	case HALL_ERR_NET: return "network error";
	case HALL_ERR_DB: return "database error";
	}
	return "unknown error";
}

hall_err hall_error_set(hall_error *err, hall_err code, const char *path, const char *fmt, ...)
{
	if (!err)
		return code;
	snprintf(err->path, sizeof err->path, "%s", path ? path : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

const char *hall_error_format(const hall_error *err, char *buf, size_t len)
{
	if (!buf || len == 0)
		return "";
	if (!err)
		snprintf(buf, len, "(no error)");
	else if (err->path[0])
		snprintf(buf, len, "%s: %s", err->path, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}
