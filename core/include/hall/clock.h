/* hall/clock.h: the one place code takes the time from (DESIGN.md decision 4).
 *
 * On the wire time is UTC epoch milliseconds. Tests set the clock with
 * hall_clock_set_fake() or the HALL_FAKE_NOW_MS environment variable (read once,
 * at the first call); a fake clock stands still unless advanced. */
#ifndef HALL_CLOCK_H
#define HALL_CLOCK_H

#include <stdint.h>

/* Wall clock, UTC epoch milliseconds. */
int64_t hall_clock_now_ms(void);
/* Monotonic milliseconds for timeouts and frame timing; follows the fake clock when set. */
int64_t hall_clock_mono_ms(void);
/* Make now_ms return `ms` (and mono_ms follow it). ms < 0 returns to the real clock. */
void hall_clock_set_fake(int64_t ms);
void hall_clock_advance_fake(int64_t ms);

/* Local civil time of `utc_ms` in time zone `tz` (IANA name, e.g. "Asia/Seoul").
 * Thread-safe; does not touch the process's TZ. Returns 0 on success. */
typedef struct hall_civil {
	int year, month, day;      /* month 1..12 */
	int hour, minute, second;
	int weekday;               /* 0 = Sunday .. 6 = Saturday */
	int utc_offset_s;
} hall_civil;
int hall_clock_to_civil(int64_t utc_ms, const char *tz, hall_civil *out);
/* The UTC ms of a local civil time in `tz` (fields year..second used). */
int hall_clock_from_civil(const hall_civil *local, const char *tz, int64_t *utc_ms);
/* "YYYY-MM-DD" -> y/m/d; returns 0 when valid. */
int hall_clock_parse_date(const char *s, int *year, int *month, int *day);

#endif
