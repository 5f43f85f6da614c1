/* hall/tz.h: UTC offsets of IANA time zones, read from the system's zone database
 * (TZif files under $TZDIR or /usr/share/zoneinfo, RFC 8536) by the project itself.
 *
 * Why not localtime_r/mktime: they follow the process-wide TZ variable, and switching
 * it (setenv) while another thread reads the environment is a data race in glibc.
 * A zone is loaded once, kept for the life of the process and never changed, so any
 * thread may use it without a lock. */
#ifndef HALL_TZ_H
#define HALL_TZ_H

#include <stdbool.h>
#include <stdint.h>

typedef struct hall_tz hall_tz;

/* The zone named `name` ("Asia/Seoul", "UTC"), loaded on first use. NULL when the name
 * is not a zone name or the database has no such zone (or its file is damaged).
 * "UTC" works without a database. */
const hall_tz *hall_tz_get(const char *name);
/* True when hall_tz_get(name) would succeed. */
bool hall_tz_known(const char *name);

/* Seconds east of UTC in effect at the instant `utc_s` (Unix seconds). */
int32_t hall_tz_offset_at(const hall_tz *z, int64_t utc_s);
/* The instant of local wall time `local_s` (seconds since 1970-01-01 00:00 of the local
 * calendar). A time that occurs twice (clocks set back) is its first occurrence; a time
 * that never occurs (clocks set forward) is read with the offset before the change, as
 * mktime does, so it lands that much after the change. */
int64_t hall_tz_local_to_utc(const hall_tz *z, int64_t local_s);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12), and back. */
int64_t hall_days_from_civil(int64_t y, int m, int d);
void hall_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif
