/* test_tz.c: the zone reader (core/src/tz.c) against glibc's localtime_r over the
 * system's zone database, the edges of daylight saving, far-future dates that only the
 * POSIX footer covers, and bad zone names and files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "hall/clock.h"
#include "hall/tz.h"

/* Northern and southern DST, half-hour and 45-minute offsets, zones that changed their
 * standard offset, and zones without DST. */
static const char *const zones[] = {"Asia/Seoul",      "UTC",          "America/New_York",   "Europe/London",
                                    "Europe/Berlin",   "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham",
                                    "America/Sao_Paulo", "Asia/Kolkata", "Asia/Tokyo",         "Asia/Shanghai",
                                    "Asia/Taipei",     "Africa/Casablanca", "America/Santiago", "Pacific/Apia"};

static int32_t glibc_offset(const char *zone, int64_t t)
{
	setenv("TZ", zone, 1);
	tzset();
	time_t tt = (time_t)t;
	struct tm tm;
	assert_non_null(localtime_r(&tt, &tm));
	return (int32_t)tm.tm_gmtoff;
}

static void utc_should_work_without_a_database(void **state)
{
	(void)state;
	/* Runs first, before any zone is cached: UTC is built in. */
	setenv("TZDIR", "/nonexistent-zoneinfo", 1);
	const hall_tz *z = hall_tz_get("UTC");
	assert_non_null(z);
	assert_int_equal(hall_tz_offset_at(z, 1764057600), 0);
	assert_null(hall_tz_get("Asia/Seoul")); /* not loadable there, and not cached as missing */
	unsetenv("TZDIR");
	assert_non_null(hall_tz_get("Asia/Seoul"));
}

static void offsets_should_match_glibc_from_1900_to_2100(void **state)
{
	(void)state;
	/* Every ~3.7 days over two centuries, plus every hour around each glibc-reported change. */
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		const hall_tz *z = hall_tz_get(zones[i]);
		assert_non_null(z);
		int64_t prev_off = INT64_MIN;
		int checked = 0;
		for (int64_t t = INT64_C(-2208988800); t < INT64_C(4102444800); t += 321143) {
			int32_t want = glibc_offset(zones[i], t);
			if (hall_tz_offset_at(z, t) != want)
				fail_msg("%s at %lld: got %d, glibc %d", zones[i], (long long)t, hall_tz_offset_at(z, t), want);
			if (prev_off != INT64_MIN && prev_off != want)
				for (int64_t u = t - 321143; u <= t; u += 1800) {
					int32_t w = glibc_offset(zones[i], u);
					if (hall_tz_offset_at(z, u) != w)
						fail_msg("%s at %lld: got %d, glibc %d", zones[i], (long long)u,
						         hall_tz_offset_at(z, u), w);
					checked++;
				}
			prev_off = want;
			checked++;
		}
		assert_true(checked > 19000); /* 200 years / 3.7 days, and more around changes */
	}
	unsetenv("TZ");
	tzset();
}

static void new_york_2026_transitions_should_fall_on_the_second(void **state)
{
	(void)state;
	const hall_tz *z = hall_tz_get("America/New_York");
	assert_non_null(z);
	/* 2026-03-08 07:00:00Z clocks go 02:00 EST -> 03:00 EDT; 2026-11-01 06:00:00Z back. */
	assert_int_equal(hall_tz_offset_at(z, 1772953199), -5 * 3600);
	assert_int_equal(hall_tz_offset_at(z, 1772953200), -4 * 3600);
	assert_int_equal(hall_tz_offset_at(z, 1793512799), -4 * 3600);
	assert_int_equal(hall_tz_offset_at(z, 1793512800), -5 * 3600);
	/* Far beyond the file's last listed transition: the footer's rule. 2300-07-01 is EDT. */
	hall_civil c = {.year = 2300, .month = 7, .day = 1, .hour = 12};
	int64_t ms;
	assert_int_equal(hall_clock_from_civil(&c, "America/New_York", &ms), 0);
	assert_int_equal(hall_tz_offset_at(z, ms / 1000), -4 * 3600);
}

static void local_times_should_resolve_like_mktime(void **state)
{
	(void)state;
	hall_civil c = {.year = 2026, .month = 11, .day = 1, .hour = 1, .minute = 30};
	int64_t ms;
	/* 01:30 happens twice on 2026-11-01 in New York: the first (EDT) one. */
	assert_int_equal(hall_clock_from_civil(&c, "America/New_York", &ms), 0);
	assert_int_equal(ms, INT64_C(1793511000000));
	/* 02:30 never happens on 2026-03-08: read as EST, it is 03:30 EDT. */
	hall_civil gap = {.year = 2026, .month = 3, .day = 8, .hour = 2, .minute = 30};
	assert_int_equal(hall_clock_from_civil(&gap, "America/New_York", &ms), 0);
	assert_int_equal(ms, INT64_C(1772955000000));
	hall_civil back;
	assert_int_equal(hall_clock_to_civil(ms, "America/New_York", &back), 0);
	assert_int_equal(back.hour, 3);
	assert_int_equal(back.minute, 30);
	/* Every ordinary hour of 2026 in Sydney round-trips. */
	for (int64_t t = INT64_C(1767225600); t < INT64_C(1798761600); t += 3600) {
		hall_civil l;
		assert_int_equal(hall_clock_to_civil(t * 1000, "Australia/Sydney", &l), 0);
		assert_int_equal(hall_clock_from_civil(&l, "Australia/Sydney", &ms), 0);
		/* The repeated hour of April maps to its first occurrence. */
		if (ms != t * 1000)
			assert_int_equal(ms, t * 1000 - 3600000);
	}
}

static void overflowing_fields_should_roll_over(void **state)
{
	(void)state;
	hall_civil a = {.year = 2026, .month = 12, .day = 32};
	hall_civil b = {.year = 2027, .month = 1, .day = 1};
	hall_civil m = {.year = 2026, .month = 13, .day = 1};
	int64_t ma, mb, mm;
	assert_int_equal(hall_clock_from_civil(&a, "Asia/Seoul", &ma), 0);
	assert_int_equal(hall_clock_from_civil(&b, "Asia/Seoul", &mb), 0);
	assert_int_equal(hall_clock_from_civil(&m, "Asia/Seoul", &mm), 0);
	assert_int_equal(ma, mb);
	assert_int_equal(mm, mb);
}

static void calendar_should_round_trip(void **state)
{
	(void)state;
	for (int64_t d = -800000; d < 800000; d += 17) {
		int64_t y;
		int m, dd;
		hall_civil_from_days(d, &y, &m, &dd);
		assert_int_equal(hall_days_from_civil(y, m, dd), d);
	}
	assert_int_equal(hall_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(hall_days_from_civil(2000, 3, 1), 11017);
}

static void bad_names_and_files_should_be_refused(void **state)
{
	(void)state;
	const char *bad[] = {"", "../etc/passwd", "/etc/localtime", "Asia/Seoul\n", "Nowhere/Town", "Asia", NULL};
	for (size_t i = 0; bad[i]; i++)
		assert_null(hall_tz_get(bad[i]));
	assert_null(hall_tz_get(NULL));
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(0, "Nowhere/Town", &c), -1);

	/* A database whose file is damaged: truncated header, then a header whose counts
	 * point past the end. */
	char dir[] = "/tmp/hall-tz-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[300], path[400];
	snprintf(sub, sizeof sub, "%s/Test", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof path, "%s/Short", sub);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("TZif2", f);
	fclose(f);
	unsigned char hdr[44] = {'T', 'Z', 'i', 'f', '2'};
	hdr[35] = 200; /* 200 transitions that are not there */
	hdr[39] = 1;
	snprintf(path, sizeof path, "%s/Lying", sub);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(hdr, 1, sizeof hdr, f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	assert_null(hall_tz_get("Test/Short"));
	assert_null(hall_tz_get("Test/Lying"));
	unsetenv("TZDIR");
	snprintf(path, sizeof path, "%s/Short", sub);
	unlink(path);
	snprintf(path, sizeof path, "%s/Lying", sub);
	unlink(path);
	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utc_should_work_without_a_database),
		cmocka_unit_test(offsets_should_match_glibc_from_1900_to_2100),
		cmocka_unit_test(new_york_2026_transitions_should_fall_on_the_second),
		cmocka_unit_test(local_times_should_resolve_like_mktime),
		cmocka_unit_test(overflowing_fields_should_roll_over),
		cmocka_unit_test(calendar_should_round_trip),
		cmocka_unit_test(bad_names_and_files_should_be_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
