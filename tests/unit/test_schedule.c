/* test_schedule.c: schedule parsing and the pure evaluation.
 * Fixtures: tests/fixtures/schedule/ (good.json; bad/ one problem each).
 * Expected instants are computed here with timegm, independent of the code under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"
#include "hall/content.h"
#include "hall/schedule.h"

/* UTC ms of a wall-clock time at a fixed UTC offset (Seoul: +9 h, no DST). */
static int64_t at_offset(int y, int mo, int d, int h, int mi, int s, int offset_h)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return ((int64_t)timegm(&tm) - (int64_t)offset_h * 3600) * 1000;
}

static int64_t seoul(int y, int mo, int d, int h, int mi, int s)
{
	return at_offset(y, mo, d, h, mi, s, 9);
}

static hall_schedule *load(const char *rel)
{
	size_t len = 0;
	char *buf = hall_test_read_fixture(rel, &len);
	hall_schedule *s = NULL;
	hall_error err;
	hall_err rc = hall_schedule_parse(buf, len, &s, &err);
	if (rc != HALL_OK)
		fprintf(stderr, "%s: %s: %s\n", rel, err.path, err.msg);
	free(buf);
	assert_int_equal(rc, HALL_OK);
	return s;
}

static hall_schedule *parse_str(const char *json)
{
	hall_schedule *s = NULL;
	hall_error err;
	hall_err rc = hall_schedule_parse(json, strlen(json), &s, &err);
	if (rc != HALL_OK)
		fprintf(stderr, "%s: %s\n", err.path, err.msg);
	assert_int_equal(rc, HALL_OK);
	return s;
}

static hall_schedule_result eval(const hall_schedule *s, int64_t t, const char *tz)
{
	hall_schedule_result r;
	hall_error err;
	assert_int_equal(hall_schedule_eval(s, t, tz, &r, &err), HALL_OK);
	return r;
}

/* At t the schedule is closed and opens next at next_open (ms). */
static void assert_closed_until(const hall_schedule *s, int64_t t, const char *tz, int64_t next_open)
{
	hall_schedule_result r = eval(s, t, tz);
	assert_false(r.open);
	assert_int_equal(r.next_open_ms, next_open);
}

/* At t the schedule is open and closes at closes (ms). */
static void assert_open_until(const hall_schedule *s, int64_t t, const char *tz, int64_t closes)
{
	hall_schedule_result r = eval(s, t, tz);
	assert_true(r.open);
	assert_int_equal(r.closes_ms, closes);
}

static const char *item_id(const hall_schedule_result *r)
{
	return r->item ? r->item->id : "(default)";
}

static void parse_good_schedule_should_read_every_field(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	assert_string_equal(s->time_zone, "Asia/Seoul");
	assert_true(s->has_opening_hours);
	assert_int_equal(s->n_hours[1], 0);             /* Monday closed */
	assert_int_equal(s->n_hours[5], 2);             /* Friday: two windows */
	assert_int_equal(s->hours[5][1].end_min, 1440); /* "24:00" */
	assert_int_equal(s->hours[6][2].start_min, 22 * 60);
	assert_int_equal(s->hours[6][2].end_min, 60);
	/* Sorted, duplicates dropped. */
	assert_int_equal(s->n_closures, 2);
	assert_true(s->closures[0] < s->closures[1]);
	assert_int_equal(s->n_items, 4);
	assert_int_equal(s->items[0].show, HALL_SHOW_EXHIBIT);
	assert_string_equal(s->items[0].playlist[0], "brand");
	assert_int_equal(s->items[0].weekdays, (1 << 2) | (1 << 3));
	assert_int_equal(s->items[0].priority, 10);
	assert_int_equal(s->items[1].show, HALL_SHOW_PLAYLIST);
	assert_int_equal(s->items[1].n_playlist, 2);
	assert_string_equal(s->items[1].playlist[1], "brand");
	assert_true(s->items[1].all_day);
	assert_true(s->items[1].has_from && s->items[1].has_to);
	assert_int_equal(s->items[1].to_day - s->items[1].from_day, 6);
	assert_int_equal(s->items[2].show, HALL_SHOW_ATTRACT);
	assert_int_equal(s->items[2].n_playlist, 0);
	assert_int_equal(s->items[2].weekdays, 0x7f);
	hall_schedule_destroy(s);
}

static void eval_should_open_at_the_first_minute_and_close_at_the_end_of_a_window(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	/* Tuesday 2026-03-10, open 09:00 to 21:00. */
	hall_schedule_result r = eval(s, seoul(2026, 3, 10, 8, 59, 59), NULL);
	assert_false(r.open);
	assert_null(r.item);
	assert_int_equal(r.next_open_ms, seoul(2026, 3, 10, 9, 0, 0));
	assert_int_equal(r.closes_ms, -1);
	r = eval(s, seoul(2026, 3, 10, 9, 0, 0), NULL);
	assert_true(r.open);
	assert_int_equal(r.closes_ms, seoul(2026, 3, 10, 21, 0, 0));
	assert_int_equal(r.next_open_ms, -1);
	assert_string_equal(item_id(&r), "morning-brand");
	r = eval(s, seoul(2026, 3, 10, 20, 59, 59), NULL);
	assert_true(r.open);
	assert_string_equal(item_id(&r), "late");
	r = eval(s, seoul(2026, 3, 10, 21, 0, 0), NULL);
	assert_false(r.open);
	assert_null(r.item);
	assert_int_equal(r.next_open_ms, seoul(2026, 3, 11, 9, 0, 0));
	/* Between items: the default. */
	r = eval(s, seoul(2026, 3, 10, 12, 0, 0), NULL);
	assert_true(r.open);
	assert_null(r.item);
	hall_schedule_destroy(s);
}

static void eval_should_be_closed_all_day_on_a_day_without_opening_hours(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	/* Monday 2026-03-09 has []. */
	for (int h = 0; h < 24; h += 3) {
		assert_closed_until(s, seoul(2026, 3, 9, h, 30, 0), NULL, seoul(2026, 3, 10, 9, 0, 0));
	}
	hall_schedule_destroy(s);
}

static void eval_should_follow_windows_across_midnight(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	/* Friday 13:00-24:00 joins Saturday 00:00-02:00: one opening until Saturday 02:00. */
	hall_schedule_result r = eval(s, seoul(2026, 3, 13, 12, 30, 0), NULL);
	assert_false(r.open);
	assert_int_equal(r.next_open_ms, seoul(2026, 3, 13, 13, 0, 0));
	assert_open_until(s, seoul(2026, 3, 13, 13, 0, 0), NULL, seoul(2026, 3, 14, 2, 0, 0));
	assert_open_until(s, seoul(2026, 3, 14, 1, 59, 0), NULL, seoul(2026, 3, 14, 2, 0, 0));
	assert_closed_until(s, seoul(2026, 3, 14, 2, 0, 0), NULL, seoul(2026, 3, 14, 10, 0, 0));
	/* Saturday 22:00-01:00 runs into Sunday; the "night" item (weekdays: sat) with it,
	 * because a window belongs to the day it starts on. */
	r = eval(s, seoul(2026, 3, 14, 23, 30, 0), NULL);
	assert_true(r.open);
	assert_string_equal(item_id(&r), "night");
	assert_int_equal(r.closes_ms, seoul(2026, 3, 15, 1, 0, 0));
	r = eval(s, seoul(2026, 3, 15, 0, 59, 59), NULL);
	assert_true(r.open);
	assert_string_equal(item_id(&r), "night");
	assert_closed_until(s, seoul(2026, 3, 15, 1, 0, 0), NULL, seoul(2026, 3, 15, 10, 0, 0));
	hall_schedule_destroy(s);
}

static void eval_should_let_the_higher_priority_item_win(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	/* Tuesday 2026-03-03 is in vote-week (priority 20) and morning-brand (10). */
	hall_schedule_result r = eval(s, seoul(2026, 3, 3, 10, 0, 0), NULL);
	assert_string_equal(item_id(&r), "vote-week");
	/* The day after vote-week's "to": morning-brand again. */
	r = eval(s, seoul(2026, 3, 10, 10, 0, 0), NULL);
	assert_string_equal(item_id(&r), "morning-brand");
	/* The first and last day of vote-week count (inclusive dates). */
	r = eval(s, seoul(2026, 3, 8, 10, 0, 0), NULL);
	assert_string_equal(item_id(&r), "vote-week");
	r = eval(s, seoul(2026, 3, 1, 10, 0, 0), NULL);
	assert_null(r.item);
	hall_schedule_destroy(s);
}

static void eval_should_break_priority_ties_by_later_start_then_list_order(void **state)
{
	(void)state;
	hall_schedule *s = parse_str("{\"items\":["
	                             "{\"id\":\"all-day\",\"show\":{\"exhibit\":\"a\"},\"priority\":5},"
	                             "{\"id\":\"noon-1\",\"show\":{\"exhibit\":\"b\"},\"start\":\"12:00\",\"end\":\"14:00\",\"priority\":5},"
	                             "{\"id\":\"noon-2\",\"show\":{\"exhibit\":\"c\"},\"start\":\"12:00\",\"end\":\"14:00\",\"priority\":5},"
	                             "{\"id\":\"low\",\"show\":{\"exhibit\":\"d\"},\"start\":\"13:00\",\"end\":\"14:00\",\"priority\":4}"
	                             "]}");
	hall_schedule_result r = eval(s, seoul(2026, 3, 10, 11, 0, 0), "Asia/Seoul");
	assert_string_equal(item_id(&r), "all-day");
	r = eval(s, seoul(2026, 3, 10, 13, 30, 0), "Asia/Seoul");
	assert_string_equal(item_id(&r), "noon-1");
	r = eval(s, seoul(2026, 3, 10, 14, 0, 0), "Asia/Seoul");
	assert_string_equal(item_id(&r), "all-day");
	hall_schedule_destroy(s);
}

static void eval_should_stay_closed_on_a_closure_date(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json");
	/* Friday 2026-12-25 is a closure: its 13:00-24:00 window does not run. */
	hall_schedule_result r = eval(s, seoul(2026, 12, 25, 15, 0, 0), NULL);
	assert_false(r.open);
	/* Saturday's 00:00 window belongs to Saturday, which is not closed. */
	assert_int_equal(r.next_open_ms, seoul(2026, 12, 26, 0, 0, 0));
	/* From Thursday evening the next opening skips the closed Friday. */
	assert_closed_until(s, seoul(2026, 12, 24, 21, 0, 0), NULL, seoul(2026, 12, 26, 0, 0, 0));
	/* Thursday's window no longer joins into Friday: closes 21:00 as usual. */
	r = eval(s, seoul(2026, 12, 24, 20, 0, 0), NULL);
	assert_int_equal(r.closes_ms, seoul(2026, 12, 24, 21, 0, 0));
	hall_schedule_destroy(s);
}

static void eval_should_let_the_night_window_before_a_closure_run_to_its_end(void **state)
{
	(void)state;
	hall_schedule *s = parse_str("{\"opening_hours\":{\"sat\":[[\"22:00\",\"02:00\"]],\"sun\":[[\"00:00\",\"05:00\"]]},"
	                             "\"closures\":[\"2026-03-15\"]}");
	/* Sunday 2026-03-15 is closed, Saturday's night window still runs until 02:00, and
	 * Sunday's own 00:00-05:00 does not join it. */
	assert_open_until(s, seoul(2026, 3, 15, 1, 0, 0), "Asia/Seoul", seoul(2026, 3, 15, 2, 0, 0));
	assert_closed_until(s, seoul(2026, 3, 15, 3, 0, 0), "Asia/Seoul", seoul(2026, 3, 21, 22, 0, 0));
	hall_schedule_destroy(s);
}

static void eval_should_find_the_next_opening_across_several_closed_days(void **state)
{
	(void)state;
	/* Open Thursdays only; the next two Thursdays are closures. */
	hall_schedule *s = parse_str("{\"opening_hours\":{\"thu\":[[\"10:00\",\"18:00\"]]},"
	                             "\"closures\":[\"2026-03-19\",\"2026-03-26\"]}");
	assert_closed_until(s, seoul(2026, 3, 12, 18, 0, 0), "Asia/Seoul", seoul(2026, 4, 2, 10, 0, 0));
	hall_schedule_destroy(s);
}

static void eval_should_report_no_next_opening_when_every_day_is_closed(void **state)
{
	(void)state;
	hall_schedule *s = parse_str("{\"opening_hours\":{\"mon\":[],\"sun\":[]}}");
	hall_schedule_result r = eval(s, seoul(2026, 3, 12, 18, 0, 0), "Asia/Seoul");
	assert_false(r.open);
	assert_int_equal(r.next_open_ms, -1);
	assert_int_equal(r.closes_ms, -1);
	hall_schedule_destroy(s);
}

static void eval_without_opening_hours_should_be_open_except_on_closures(void **state)
{
	(void)state;
	hall_schedule *s = parse_str("{\"items\":[{\"id\":\"x\",\"show\":{\"attract\":true},\"start\":\"23:00\",\"end\":\"01:00\"}]}");
	hall_schedule_result r = eval(s, seoul(2026, 3, 12, 3, 0, 0), "Asia/Seoul");
	assert_true(r.open);
	assert_int_equal(r.closes_ms, -1);
	assert_null(r.item);
	r = eval(s, seoul(2026, 3, 13, 0, 30, 0), "Asia/Seoul");
	assert_string_equal(item_id(&r), "x");
	hall_schedule_destroy(s);
	s = parse_str("{\"closures\":[\"2026-03-14\"]}");
	assert_open_until(s, seoul(2026, 3, 12, 3, 0, 0), "Asia/Seoul", seoul(2026, 3, 14, 0, 0, 0));
	assert_closed_until(s, seoul(2026, 3, 14, 12, 0, 0), "Asia/Seoul", seoul(2026, 3, 15, 0, 0, 0));
	hall_schedule_destroy(s);
}

static void eval_should_read_times_in_the_schedule_zone_over_the_hall_zone(void **state)
{
	(void)state;
	hall_schedule *s = load("schedule/good.json"); /* says Asia/Seoul */
	hall_schedule_result r = eval(s, seoul(2026, 3, 10, 9, 0, 0), "Europe/Berlin");
	assert_true(r.open);
	hall_schedule_destroy(s);
	/* No zone in the schedule: the argument is used; NULL means Asia/Seoul. */
	s = parse_str("{\"opening_hours\":{\"tue\":[[\"09:00\",\"10:00\"]]}}");
	r = eval(s, at_offset(2026, 3, 10, 9, 30, 0, 1), "Europe/Berlin"); /* CET = UTC+1 */
	assert_true(r.open);
	assert_int_equal(r.closes_ms, at_offset(2026, 3, 10, 10, 0, 0, 1));
	r = eval(s, at_offset(2026, 3, 10, 9, 30, 0, 1), NULL);
	assert_false(r.open);
	r = eval(s, seoul(2026, 3, 10, 9, 30, 0), NULL);
	assert_true(r.open);
	hall_schedule_destroy(s);
}

static void eval_should_close_on_the_wall_clock_across_a_dst_change(void **state)
{
	(void)state;
	/* Berlin moved from CET (+1) to CEST (+2) at 02:00 on 2026-03-29. */
	hall_schedule *s = parse_str("{\"time_zone\":\"Europe/Berlin\",\"opening_hours\":{\"sun\":[[\"01:00\",\"04:00\"]]}}");
	hall_schedule_result r = eval(s, at_offset(2026, 3, 29, 1, 30, 0, 1), NULL);
	assert_true(r.open);
	assert_int_equal(r.closes_ms, at_offset(2026, 3, 29, 4, 0, 0, 2));
	r = eval(s, at_offset(2026, 3, 29, 0, 30, 0, 1), NULL);
	assert_false(r.open);
	assert_int_equal(r.next_open_ms, at_offset(2026, 3, 29, 1, 0, 0, 1));
	hall_schedule_destroy(s);
}

static const struct bad_case {
	const char *file, *path, *msg;
} bad_cases[] = {
	{"window-start-equals-end", "opening_hours.mon[0]", "same time"},
	{"unknown-day", "opening_hours.tues", "unknown field"},
	{"bad-time", "items[0].start", "not a time of day"},
	{"two-shows", "items[0].show", "exactly one"},
	{"duplicate-item-id", "items[1].id", "used twice"},
	{"unknown-item-field", "items[0].weekday", "unknown field"},
	{"bad-closure-date", "closures[0]", "YYYY-MM-DD"},
	{"unknown-time-zone", "time_zone", "unknown time zone"},
	{"empty-playlist", "items[0].show.playlist", "0 exhibits"},
	{"to-before-from", "items[0].to", "before"},
	{"start-without-end", "items[0].end", "both start and end"},
	{"malformed", "", "malformed JSON"},
};

static void parse_should_refuse_each_bad_schedule_with_the_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "schedule/bad/%s.json", bad_cases[i].file);
		size_t len = 0;
		char *buf = hall_test_read_fixture(rel, &len);
		hall_schedule *s = (hall_schedule *)buf; /* must be reset to NULL */
		hall_error err;
		memset(&err, 0, sizeof err);
		hall_err rc = hall_schedule_parse(buf, len, &s, &err);
		if (rc != HALL_ERR_INVALID || strcmp(err.path, bad_cases[i].path) != 0 || !strstr(err.msg, bad_cases[i].msg))
			fprintf(stderr, "case %s: rc %d, %s: %s\n", bad_cases[i].file, rc, err.path, err.msg);
		free(buf);
		assert_int_equal(rc, HALL_ERR_INVALID);
		assert_null(s);
		assert_string_equal(err.path, bad_cases[i].path);
		assert_non_null(strstr(err.msg, bad_cases[i].msg));
	}
}

static void collect_paths(void *user, const hall_issue *is)
{
	char *buf = user;
	strcat(buf, is->path);
	strcat(buf, ";");
}

static void check_content_should_name_every_missing_exhibit(void **state)
{
	(void)state;
	size_t len = 0;
	char *buf = hall_test_read_fixture("content/good/manifest.json", &len);
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(buf, len, NULL, NULL, &ct, &err), HALL_OK);
	free(buf);
	hall_schedule *s = load("schedule/good.json");
	char paths[512] = "";
	assert_int_equal(hall_schedule_check_content(s, ct, collect_paths, paths, &err), HALL_OK);
	assert_string_equal(paths, "");
	hall_schedule_destroy(s);
	s = parse_str("{\"items\":[{\"id\":\"a\",\"show\":{\"playlist\":[\"brand\",\"gone\",\"poll\"]}},"
	              "{\"id\":\"b\",\"show\":{\"exhibit\":\"missing\"}}]}");
	assert_int_equal(hall_schedule_check_content(s, ct, collect_paths, paths, &err), HALL_ERR_NOT_FOUND);
	assert_string_equal(paths, "items[0].show.playlist[1];items[0].show.playlist[2];items[1].show.exhibit;");
	assert_string_equal(err.path, "items[0].show.playlist[1]");
	hall_schedule_destroy(s);
	hall_content_destroy(ct);
}

typedef struct issue_log {
	char text[1024];
	int errors, warnings;
} issue_log;

static void log_issue(void *user, const hall_issue *is)
{
	issue_log *l = user;
	if (is->severity == HALL_ISSUE_ERROR)
		l->errors++;
	else
		l->warnings++;
	size_t used = strlen(l->text);
	snprintf(l->text + used, sizeof l->text - used, "%s: %s\n", is->path, is->msg);
}

/* A schedule file with three different mistakes in three places: every one is reported
 * with its path, the first is in err, and nothing is handed back. */
static void parse_report_should_name_every_problem_with_its_path(void **state)
{
	(void)state;
	static const char json[] =
	    "{\"time_zone\": \"Asia/Seoul\",\n"
	    " \"opening_hours\": {\"mon\": [[\"25:00\", \"18:00\"]], \"tue\": [[\"09:00\", \"18:00\"]]},\n"
	    " \"closures\": [\"2026-01-01\", \"2026-13-40\", \"2026-12-25\"],\n"
	    " \"items\": [{\"id\": \"morning\", \"show\": {\"exhibit\": \"brand\"}, \"weekday\": [\"mon\"]}]}\n";
	issue_log l;
	memset(&l, 0, sizeof l);
	hall_schedule *s = (hall_schedule *)&l; /* must be reset to NULL */
	hall_error err;
	memset(&err, 0, sizeof err);
	hall_err rc = hall_schedule_parse_report(json, strlen(json), log_issue, &l, &s, &err);
	fprintf(stderr, "%s", l.text);
	assert_int_equal(rc, HALL_ERR_INVALID);
	assert_null(s);
	assert_int_equal(l.errors, 3);
	assert_int_equal(l.warnings, 0);
	assert_non_null(strstr(l.text, "opening_hours.mon[0][0]: \"25:00\" is not a time of day"));
	assert_non_null(strstr(l.text, "closures[1]: expected a date \"YYYY-MM-DD\""));
	assert_non_null(strstr(l.text, "items[0].weekday: unknown field"));
	/* err holds the first, as hall_schedule_parse reports it alone. */
	assert_string_equal(err.path, "opening_hours.mon[0][0]");
	hall_error first;
	memset(&first, 0, sizeof first);
	assert_int_equal(hall_schedule_parse(json, strlen(json), &s, &first), HALL_ERR_INVALID);
	assert_null(s);
	assert_string_equal(first.path, err.path);
	assert_string_equal(first.msg, err.msg);
}

/* Every bad fixture's problem is reported first, at the path hall_schedule_parse names
 * (bad-time.json also has a bad end, which is now reported too). */
static void parse_report_should_report_first_what_parse_refuses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		char rel[256];
		snprintf(rel, sizeof rel, "schedule/bad/%s.json", bad_cases[i].file);
		size_t len = 0;
		char *buf = hall_test_read_fixture(rel, &len);
		hall_schedule *s = NULL;
		hall_error err;
		issue_log l;
		memset(&l, 0, sizeof l);
		memset(&err, 0, sizeof err);
		hall_err rc = hall_schedule_parse_report(buf, len, log_issue, &l, &s, &err);
		free(buf);
		char want[256];
		snprintf(want, sizeof want, "%s: ", bad_cases[i].path);
		if (strncmp(l.text, want, strlen(want)) != 0)
			fprintf(stderr, "case %s:\n%s", bad_cases[i].file, l.text);
		assert_int_equal(rc, HALL_ERR_INVALID);
		assert_null(s);
		assert_true(l.errors >= 1);
		assert_int_equal(strncmp(l.text, want, strlen(want)), 0);
		assert_string_equal(err.path, bad_cases[i].path);
	}
}

static void parse_report_should_report_nothing_for_a_good_schedule(void **state)
{
	(void)state;
	size_t len = 0;
	char *buf = hall_test_read_fixture("schedule/good.json", &len);
	hall_schedule *s = NULL;
	issue_log l;
	memset(&l, 0, sizeof l);
	assert_int_equal(hall_schedule_parse_report(buf, len, log_issue, &l, &s, NULL), HALL_OK);
	free(buf);
	assert_non_null(s);
	assert_int_equal(l.errors + l.warnings, 0);
	hall_schedule_destroy(s);
}

static void from_json_should_read_the_schedule_of_a_schedule_message(void **state)
{
	(void)state;
	static const char msg[] = "{\"scope\":\"all\",\"version\":3,\"schedule\":{\"items\":[{\"id\":\"a\","
	                          "\"show\":{\"exhibit\":\"brand\"}}]}}";
	cJSON *root = cJSON_Parse(msg);
	assert_non_null(root);
	hall_schedule *s = NULL;
	hall_error err;
	assert_int_equal(hall_schedule_from_json(cJSON_GetObjectItemCaseSensitive(root, "schedule"), &s, &err), HALL_OK);
	cJSON_Delete(root);
	assert_int_equal(s->n_items, 1);
	assert_string_equal(s->items[0].playlist[0], "brand");
	hall_schedule_destroy(s);
	root = cJSON_Parse("{\"schedule\":\"always\"}");
	assert_int_equal(hall_schedule_from_json(cJSON_GetObjectItemCaseSensitive(root, "schedule"), &s, &err),
	                 HALL_ERR_INVALID);
	assert_null(s);
	cJSON_Delete(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_schedule_should_read_every_field),
		cmocka_unit_test(eval_should_open_at_the_first_minute_and_close_at_the_end_of_a_window),
		cmocka_unit_test(eval_should_be_closed_all_day_on_a_day_without_opening_hours),
		cmocka_unit_test(eval_should_follow_windows_across_midnight),
		cmocka_unit_test(eval_should_let_the_higher_priority_item_win),
		cmocka_unit_test(eval_should_break_priority_ties_by_later_start_then_list_order),
		cmocka_unit_test(eval_should_stay_closed_on_a_closure_date),
		cmocka_unit_test(eval_should_let_the_night_window_before_a_closure_run_to_its_end),
		cmocka_unit_test(eval_should_find_the_next_opening_across_several_closed_days),
		cmocka_unit_test(eval_should_report_no_next_opening_when_every_day_is_closed),
		cmocka_unit_test(eval_without_opening_hours_should_be_open_except_on_closures),
		cmocka_unit_test(eval_should_read_times_in_the_schedule_zone_over_the_hall_zone),
		cmocka_unit_test(eval_should_close_on_the_wall_clock_across_a_dst_change),
		cmocka_unit_test(parse_should_refuse_each_bad_schedule_with_the_path),
		cmocka_unit_test(check_content_should_name_every_missing_exhibit),
		cmocka_unit_test(from_json_should_read_the_schedule_of_a_schedule_message),
		cmocka_unit_test(parse_report_should_name_every_problem_with_its_path),
		cmocka_unit_test(parse_report_should_report_first_what_parse_refuses),
		cmocka_unit_test(parse_report_should_report_nothing_for_a_good_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
