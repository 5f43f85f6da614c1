/* test_clock.c: the fake clock, and civil time in Asia/Seoul (UTC+9, no DST) and UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hall/clock.h"

/* Set in main before the first clock call: the environment is read once. */
#define ENV_NOW INT64_C(1764057600000) /* 2025-11-25T08:00:00Z */

static void fake_clock_should_start_from_the_environment(void **state)
{
	(void)state;
	assert_int_equal(hall_clock_now_ms(), ENV_NOW);
	assert_int_equal(hall_clock_mono_ms(), ENV_NOW);
}

static void fake_clock_should_stand_still_until_advanced(void **state)
{
	(void)state;
	hall_clock_set_fake(INT64_C(1000000));
	assert_int_equal(hall_clock_now_ms(), 1000000);
	assert_int_equal(hall_clock_now_ms(), 1000000);
	hall_clock_advance_fake(2500);
	assert_int_equal(hall_clock_now_ms(), 1002500);
	assert_int_equal(hall_clock_mono_ms(), 1002500);
}

static void negative_fake_should_return_to_the_real_clock(void **state)
{
	(void)state;
	hall_clock_set_fake(-1);
	int64_t now = hall_clock_now_ms();
	assert_true(now > INT64_C(1700000000000)); /* after 2023-11 */
	hall_clock_advance_fake(100000); /* no effect on a real clock */
	int64_t m1 = hall_clock_mono_ms();
	int64_t m2 = hall_clock_mono_ms();
	assert_true(m2 >= m1);
	assert_true(hall_clock_now_ms() < now + 100000);
	hall_clock_set_fake(ENV_NOW);
}

static void seoul_should_be_utc_plus_9(void **state)
{
	(void)state;
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(ENV_NOW, "Asia/Seoul", &c), 0);
	assert_int_equal(c.year, 2025);
	assert_int_equal(c.month, 11);
	assert_int_equal(c.day, 25);
	assert_int_equal(c.hour, 17);
	assert_int_equal(c.minute, 0);
	assert_int_equal(c.second, 0);
	assert_int_equal(c.weekday, 2); /* Tuesday */
	assert_int_equal(c.utc_offset_s, 9 * 3600);
	assert_int_equal(hall_clock_to_civil(ENV_NOW, "UTC", &c), 0);
	assert_int_equal(c.hour, 8);
	assert_int_equal(c.utc_offset_s, 0);
}

static void seoul_midnight_should_fall_at_15_utc_the_day_before(void **state)
{
	(void)state;
	/* 2025-12-31T15:00:00Z is New Year in Seoul: reports cut days here */
	hall_civil c;
	int64_t t = INT64_C(1767193200000);
	assert_int_equal(hall_clock_to_civil(t, "Asia/Seoul", &c), 0);
	assert_int_equal(c.year, 2026);
	assert_int_equal(c.month, 1);
	assert_int_equal(c.day, 1);
	assert_int_equal(c.hour, 0);
	assert_int_equal(hall_clock_to_civil(t - 1, "Asia/Seoul", &c), 0);
	assert_int_equal(c.year, 2025);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.minute, 59);
	assert_int_equal(c.second, 59); /* ms are truncated toward the past */
}

static void from_civil_should_invert_to_civil(void **state)
{
	(void)state;
	hall_civil local;
	memset(&local, 0, sizeof local);
	local.year = 2026;
	local.month = 1;
	local.day = 1;
	int64_t utc = 0;
	assert_int_equal(hall_clock_from_civil(&local, "Asia/Seoul", &utc), 0);
	assert_int_equal(utc, INT64_C(1767193200000));
	local.hour = 21; /* closing time */
	assert_int_equal(hall_clock_from_civil(&local, "Asia/Seoul", &utc), 0);
	assert_int_equal(utc, INT64_C(1767193200000) + 21 * 3600000);
	/* a leap day and its round trip, every hour of it */
	for (int h = 0; h < 24; h++) {
		hall_civil in = {2024, 2, 29, h, 30, 15, 0, 0}, out;
		assert_int_equal(hall_clock_from_civil(&in, "Asia/Seoul", &utc), 0);
		assert_int_equal(hall_clock_to_civil(utc, "Asia/Seoul", &out), 0);
		assert_int_equal(out.year, 2024);
		assert_int_equal(out.month, 2);
		assert_int_equal(out.day, 29);
		assert_int_equal(out.hour, h);
		assert_int_equal(out.minute, 30);
		assert_int_equal(out.second, 15);
	}
}

static void civil_conversion_should_not_change_the_process_time_zone(void **state)
{
	(void)state;
	assert_int_equal(setenv("TZ", "America/New_York", 1), 0);
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(ENV_NOW, "Asia/Seoul", &c), 0);
	assert_string_equal(getenv("TZ"), "America/New_York");
	unsetenv("TZ");
	assert_int_equal(hall_clock_to_civil(ENV_NOW, "Asia/Seoul", &c), 0);
	assert_null(getenv("TZ"));
}

static void times_before_1970_should_convert(void **state)
{
	(void)state;
	hall_civil c;
	assert_int_equal(hall_clock_to_civil(-1, "UTC", &c), 0);
	assert_int_equal(c.year, 1969);
	assert_int_equal(c.month, 12);
	assert_int_equal(c.day, 31);
	assert_int_equal(c.hour, 23);
	assert_int_equal(c.second, 59);
}

static void parse_date_should_accept_real_dates_only(void **state)
{
	(void)state;
	int y = 0, m = 0, d = 0;
	assert_int_equal(hall_clock_parse_date("2026-11-25", &y, &m, &d), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(d, 25);
	assert_int_equal(hall_clock_parse_date("2024-02-29", &y, &m, &d), 0);
	static const char *const bad[] = {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",
	                                  "2026-01-1",  "2026/01/01", "2026-01-01x", " 2026-01-01", "", "1900-02-29",
	                                  "+026-01-01", "2026--1-01", "2026-+1-01", "2026- 1-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hall_clock_parse_date(bad[i], &y, &m, &d) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(hall_clock_parse_date(NULL, &y, &m, &d), -1);
}

int main(void)
{
	char v[32];
	snprintf(v, sizeof v, "%lld", (long long)ENV_NOW);
	setenv("HALL_FAKE_NOW_MS", v, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fake_clock_should_start_from_the_environment),
		cmocka_unit_test(fake_clock_should_stand_still_until_advanced),
		cmocka_unit_test(negative_fake_should_return_to_the_real_clock),
		cmocka_unit_test(seoul_should_be_utc_plus_9),
		cmocka_unit_test(seoul_midnight_should_fall_at_15_utc_the_day_before),
		cmocka_unit_test(from_civil_should_invert_to_civil),
		cmocka_unit_test(civil_conversion_should_not_change_the_process_time_zone),
		cmocka_unit_test(times_before_1970_should_convert),
		cmocka_unit_test(parse_date_should_accept_real_dates_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
