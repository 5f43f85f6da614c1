/* log.c: one line per call on stderr, UTC timestamped, safe from any thread. */
#include "hall/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <pthread.h>

static const char *log_name = "hall";
static hall_log_level log_level = HALL_LOG_INFO;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void log_init_from_env(void)
{
	const char *v = getenv("HALL_LOG");
	if (!v)
		return;
	if (!strcasecmp(v, "debug"))
		log_level = HALL_LOG_DEBUG;
	else if (!strcasecmp(v, "warn"))
		log_level = HALL_LOG_WARN;
	else if (!strcasecmp(v, "error"))
		log_level = HALL_LOG_ERROR;
}

void hall_log_set_name(const char *name)
{
	log_name = name ? name : "hall";
}

void hall_log_set_level(hall_log_level level)
{
	pthread_once(&log_once, log_init_from_env);
	log_level = level;
}

void hall_log(hall_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	pthread_once(&log_once, log_init_from_env);
	if (level < log_level)
		return;
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: ", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, log_name,
	                 names[level]);
	if (n < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	/* One fputs of the whole line so lines from two threads never interleave. */
	size_t len = strlen(line);
	if (len + 1 < sizeof line) {
		line[len] = '\n';
		line[len + 1] = '\0';
	}
	fputs(line, stderr);
}
