/* clock.c: the project's only source of time, with a fake clock for tests, and civil
 * time in a named zone without disturbing the rest of the process. */
#include "hall/clock.h"
#include "hall/tz.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t fake_ms = -1;
static pthread_once_t fake_once = PTHREAD_ONCE_INIT;

static void fake_from_env(void)
{
	const char *v = getenv("HALL_FAKE_NOW_MS");
	if (v && *v) {
		char *end = NULL;
		errno = 0;
		long long ms = strtoll(v, &end, 10);
		if (errno == 0 && end && *end == '\0' && ms >= 0)
			atomic_store(&fake_ms, (int64_t)ms);
	}
}

int64_t hall_clock_now_ms(void)
{
	pthread_once(&fake_once, fake_from_env);
	int64_t f = atomic_load(&fake_ms);
	if (f >= 0)
		return f;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t hall_clock_mono_ms(void)
{
	pthread_once(&fake_once, fake_from_env);
	int64_t f = atomic_load(&fake_ms);
	if (f >= 0)
		return f;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hall_clock_set_fake(int64_t ms)
{
	pthread_once(&fake_once, fake_from_env);
	atomic_store(&fake_ms, ms < 0 ? -1 : ms);
}

void hall_clock_advance_fake(int64_t ms)
{
	pthread_once(&fake_once, fake_from_env);
	if (atomic_load(&fake_ms) >= 0)
		atomic_fetch_add(&fake_ms, ms);
}

/* Civil time comes from hall/tz.h, which reads the zone database itself: localtime_r and
 * mktime follow the process-wide TZ, and switching it while other threads (MQTT, audio)
 * read the environment is a data race. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int hall_clock_to_civil(int64_t utc_ms, const char *tz, hall_civil *out)
{
	const hall_tz *z = hall_tz_get(tz && *tz ? tz : "UTC");
	if (!z)
		return -1;
	int64_t t = floor_div(utc_ms, 1000);
	int32_t off = hall_tz_offset_at(z, t);
	int64_t local = t + off;
	int64_t days = floor_div(local, 86400);
	int64_t secs = local - days * 86400;
	int64_t year;
	hall_civil_from_days(days, &year, &out->month, &out->day);
	if (year < INT_MIN || year > INT_MAX)
		return -1;
	out->year = (int)year;
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->weekday = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	out->utc_offset_s = off;
	return 0;
}

int hall_clock_from_civil(const hall_civil *local, const char *tz, int64_t *utc_ms)
{
	const hall_tz *z = hall_tz_get(tz && *tz ? tz : "UTC");
	if (!z)
		return -1;
	/* Fields out of range (day 32, hour 24) roll over, as with mktime. */
	int64_t local_s = hall_days_from_civil(local->year, local->month, local->day) * 86400 +
	                  (int64_t)local->hour * 3600 + (int64_t)local->minute * 60 + local->second;
	*utc_ms = hall_tz_local_to_utc(z, local_s) * 1000;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int hall_clock_parse_date(const char *s, int *year, int *month, int *day)
{
	int y, m, d, n = 0;
	if (!s || strlen(s) != 10 || strspn(s, "0123456789-") != 10 || /* sscanf alone takes "+1", " 1" */
	    sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	if (s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*year = y;
	*month = m;
	*day = d;
	return 0;
}
