/* clock.c: the project's only source of time, with a fake clock for tests, and civil
 * time in a named zone without disturbing the rest of the process. */
#include "hall/clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t fake_ms = -1;
static pthread_once_t fake_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

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

/* localtime_r and mktime follow TZ, which is process-wide. We switch it under a lock
 * and put it back, so a caller asking for Asia/Seoul never changes what another thread
 * (or the rest of the program) sees once the call returns. */
static void tz_switch(const char *tz, char *saved, size_t saved_len, int *had)
{
	const char *old = getenv("TZ");
	*had = old != NULL;
	snprintf(saved, saved_len, "%s", old ? old : "");
	setenv("TZ", tz && *tz ? tz : "UTC", 1);
	tzset();
}

static void tz_restore(const char *saved, int had)
{
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

int hall_clock_to_civil(int64_t utc_ms, const char *tz, hall_civil *out)
{
	char saved[256];
	int had = 0;
	struct tm tm;
	time_t t = (time_t)(utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000));
	int ok;
	pthread_mutex_lock(&tz_lock);
	tz_switch(tz, saved, sizeof saved, &had);
	ok = localtime_r(&t, &tm) != NULL;
	tz_restore(saved, had);
	pthread_mutex_unlock(&tz_lock);
	if (!ok)
		return -1;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	out->weekday = tm.tm_wday;
	out->utc_offset_s = (int)tm.tm_gmtoff;
	return 0;
}

int hall_clock_from_civil(const hall_civil *local, const char *tz, int64_t *utc_ms)
{
	char saved[256];
	int had = 0;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = local->year - 1900;
	tm.tm_mon = local->month - 1;
	tm.tm_mday = local->day;
	tm.tm_hour = local->hour;
	tm.tm_min = local->minute;
	tm.tm_sec = local->second;
	tm.tm_isdst = -1;
	pthread_mutex_lock(&tz_lock);
	tz_switch(tz, saved, sizeof saved, &had);
	time_t t = mktime(&tm);
	tz_restore(saved, had);
	pthread_mutex_unlock(&tz_lock);
	if (t == (time_t)-1 && !(local->year == 1969 || local->year == 1970))
		return -1;
	*utc_ms = (int64_t)t * 1000;
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
