/* test_report.c: the daily report's numbers against a day computed by hand, and the
 * HTML report as a person sees it (rendered by headless Chromium).
 *
 * The fixture day is 2026-11-24 in Asia/Seoul. Kiosk k1 has a full morning session, a
 * session that starts at 23:58 and ends after midnight, and is offline 12:00-13:00.
 * Kiosk k2 lost seq 3 and announced seq 6, which never arrived: 2 missing. */
/* links: hallctl */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures.h"
#include "report_fx.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "report.h"
#include "store.h"

#define TZ RFX_TZ

typedef rfx fixture;

/* An event without a dwell (set after, where one has it). */
static hall_event ev(const char *kiosk, int64_t seq, int64_t ts, hall_event_type type, const char *exhibit,
                     const char *target, int64_t session)
{
	return rfx_event(kiosk, seq, ts, type, exhibit, target, session, -1);
}

static void offline(hall_store *s, const char *kiosk, int64_t when)
{
	hall_status st;
	memset(&st, 0, sizeof st);
	snprintf(st.kiosk, sizeof st.kiosk, "%s", kiosk);
	st.online = false;
	st.ts = when;
	hall_error err = {0};
	assert_int_equal(hall_store_kiosk_status(s, &st, when, NULL, &err), HALL_OK);
}

static int setup(void **state)
{
	fixture *f = rfx_open("report");
	hall_error err = {0};
	hall_store *s = f->store;

	rfx_hello(s, "k1", 0, rfx_at(-1, 9, 0, 0));
	rfx_hello(s, "k2", 6, rfx_at(-1, 9, 0, 0));
	offline(s, "k1", rfx_at(0, 12, 0, 0));
	rfx_hello(s, "k1", 11, rfx_at(0, 13, 0, 0));

	hall_event e[16];
	size_t n = 0;
	e[n++] = ev("k1", 1, rfx_at(0, 10, 0, 0), HALL_EVENT_SESSION_START, "", "", 1);
	e[n] = ev("k1", 2, rfx_at(0, 10, 0, 1), HALL_EVENT_VIEW, "brand", "", 1);
	e[n++].dwell_ms = 30000;
	e[n++] = ev("k1", 3, rfx_at(0, 10, 0, 5), HALL_EVENT_TAP, "brand", "next", 1);
	e[n++] = ev("k1", 4, rfx_at(0, 10, 0, 10), HALL_EVENT_TAP, "brand", "next", 1);
	e[n++] = ev("k1", 5, rfx_at(0, 10, 0, 20), HALL_EVENT_MODE, "brand", "high-contrast", 1);
	e[n++] = ev("k1", 6, rfx_at(0, 10, 0, 30), HALL_EVENT_LANGUAGE, "brand", "en", 1);
	e[n] = ev("k1", 7, rfx_at(0, 10, 0, 40), HALL_EVENT_VOTE, "poll", "a", 1);
	snprintf(e[n++].poll, sizeof e[0].poll, "brand-vote");
	e[n] = ev("k1", 8, rfx_at(0, 10, 0, 41), HALL_EVENT_VOTE, "poll", "b", 1); /* same session: ignored */
	snprintf(e[n++].poll, sizeof e[0].poll, "brand-vote");
	e[n] = ev("k1", 9, rfx_at(0, 10, 1, 0), HALL_EVENT_SESSION_END, "", "", 1);
	e[n++].dwell_ms = 60000;
	e[n++] = ev("k1", 10, rfx_at(0, 23, 58, 0), HALL_EVENT_SESSION_START, "", "", 2);
	e[n++] = ev("k1", 11, rfx_at(0, 23, 59, 0), HALL_EVENT_TAP, "poll", "option-b", 2);
	e[n] = ev("k1", 12, rfx_at(1, 0, 3, 0), HALL_EVENT_SESSION_END, "", "", 2); /* after midnight */
	e[n++].dwell_ms = 300000;
	assert_int_equal(hall_store_insert_events(s, e, n, NULL, &err), HALL_OK);

	n = 0;
	e[n++] = ev("k2", 1, rfx_at(0, 14, 0, 0), HALL_EVENT_SESSION_START, "", "", 1);
	e[n] = ev("k2", 2, rfx_at(0, 14, 0, 10), HALL_EVENT_TAP, "policy", "card-1", 1);
	snprintf(e[n++].lang, sizeof e[0].lang, "en");
	e[n] = ev("k2", 4, rfx_at(0, 14, 1, 0), HALL_EVENT_VOTE, "poll", "a", 1);
	snprintf(e[n++].poll, sizeof e[0].poll, "brand-vote");
	e[n] = ev("k2", 5, rfx_at(0, 14, 2, 0), HALL_EVENT_SESSION_END, "", "", 1);
	e[n++].dwell_ms = 120000;
	/* the day before: must not count */
	e[n++] = ev("k2", 20, rfx_at(-1, 23, 0, 0), HALL_EVENT_TAP, "policy", "card-1", 9);
	assert_int_equal(hall_store_insert_events(s, e, n, NULL, &err), HALL_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	rfx_close(*state);
	return 0;
}

static hall_report *build_day(hall_store *s, const char *from, const char *to)
{
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "%s", from);
	snprintf(opt.to_day, sizeof opt.to_day, "%s", to);
	opt.tz = TZ;
	opt.generated_ms = rfx_at(3, 9, 0, 0);
	hall_report *r = NULL;
	hall_error err = {0};
	assert_int_equal(hall_report_build(s, &opt, &r, &err), HALL_OK);
	return r;
}

static cJSON *report_json(hall_report *r)
{
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, HALL_REPORT_JSON, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	cJSON *j = cJSON_ParseWithLength(out, len);
	free(out);
	assert_non_null(j);
	return j;
}

static double num(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = o;
	for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, ".")) {
		if (cJSON_IsArray(cur))
			cur = cJSON_GetArrayItem(cur, atoi(tok));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		if (!cur)
			fail_msg("no %s in the report JSON", path);
	}
	assert_true(cJSON_IsNumber(cur));
	return cur->valuedouble;
}

static void report_should_match_the_hand_computed_day(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-24", "2026-11-24");
	cJSON *j = report_json(r);
	assert_int_equal((int)num(j, "totals.sessions"), 3);
	assert_int_equal((int)num(j, "totals.taps"), 4);
	assert_int_equal((int)num(j, "totals.views"), 1);
	assert_int_equal((int)num(j, "totals.votes"), 2); /* k1's second vote in session 1 is not counted */
	/* dwell: 60 s, 120 s, and 300 s for the session that crossed midnight */
	assert_int_equal((int)num(j, "totals.sessions_with_dwell"), 3);
	assert_int_equal((int)num(j, "totals.dwell_median_ms"), 120000);
	assert_int_equal((int)num(j, "totals.dwell_p90_ms"), 300000);
	assert_int_equal((int)num(j, "hours.10.sessions"), 1);
	assert_int_equal((int)num(j, "hours.23.sessions"), 1);
	assert_int_equal((int)num(j, "hours.14.sessions"), 1);
	assert_int_equal((int)num(j, "hours.10.taps"), 2);
	assert_int_equal((int)num(j, "hours.23.taps"), 1);
	assert_int_equal((int)num(j, "hours.0.taps"), 0);
	assert_int_equal((int)num(j, "polls.0.total"), 2);
	assert_int_equal((int)num(j, "polls.0.options.0.votes"), 2);
	assert_int_equal((int)num(j, "modes.0.count"), 1);
	assert_int_equal((int)num(j, "languages.1.views"), 0);

	/* completeness: k1 whole (seq 12 came after the day), k2 misses 3 and 6 */
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "complete")));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "kiosks"), 0)->child->valuestring, "k1");
	assert_int_equal((int)num(j, "kiosks.0.events"), 11);
	assert_int_equal((int)num(j, "kiosks.0.seq_min"), 1);
	assert_int_equal((int)num(j, "kiosks.0.seq_max"), 11);
	assert_int_equal((int)num(j, "kiosks.0.missing"), 0);
	assert_int_equal((int)num(j, "kiosks.1.events"), 4);
	assert_int_equal((int)num(j, "kiosks.1.seq_min"), 1);
	assert_int_equal((int)num(j, "kiosks.1.seq_max"), 5);
	assert_int_equal((int)num(j, "kiosks.1.missing"), 2);

	/* k1 was offline from 12:00 to 13:00: 23 of 24 hours, one outage */
	assert_int_equal((int64_t)num(j, "kiosks.0.open_ms"), 24 * 3600000LL);
	assert_int_equal((int64_t)num(j, "kiosks.0.online_ms"), 23 * 3600000LL);
	assert_int_equal((int64_t)num(j, "kiosks.0.outages.0.from"), rfx_at(0, 12, 0, 0));
	assert_int_equal((int64_t)num(j, "kiosks.0.outages.0.to"), rfx_at(0, 13, 0, 0));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "kiosks"), 1),
	                                                        "outages")),
	                 0);
	cJSON_Delete(j);
	hall_report_destroy(r);
}

static void session_crossing_midnight_should_count_on_the_day_it_started_only(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-25", "2026-11-25");
	cJSON *j = report_json(r);
	assert_int_equal((int)num(j, "totals.sessions"), 0);
	assert_int_equal((int)num(j, "totals.sessions_with_dwell"), 0);
	assert_int_equal((int)num(j, "totals.events"), 1); /* the session_end itself */
	cJSON_Delete(j);
	/* no session ended in the period: the dwell time reads "-", not a misleading 0s */
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, HALL_REPORT_TEXT, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "Dwell time, median           -\n"));
	free(out);
	hall_report_destroy(r);
}

static void date_range_should_add_a_day_by_day_trend(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-23", "2026-11-25");
	cJSON *j = report_json(r);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "days")), 3);
	assert_int_equal((int)num(j, "days.0.taps"), 1); /* k2's tap the day before */
	assert_int_equal((int)num(j, "days.1.sessions"), 3);
	assert_int_equal((int)num(j, "days.2.events"), 1);
	cJSON_Delete(j);
	hall_report_destroy(r);
}

static void bad_dates_should_be_refused_with_the_option_named(void **state)
{
	fixture *f = *state;
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "2026-02-30");
	snprintf(opt.to_day, sizeof opt.to_day, "2026-03-01");
	opt.tz = TZ;
	hall_report *r = NULL;
	hall_error err = {0};
	assert_int_equal(hall_report_build(f->store, &opt, &r, &err), HALL_ERR_INVALID);
	assert_null(r);
	assert_string_equal(err.path, "--from");
	snprintf(opt.from_day, sizeof opt.from_day, "2026-03-02");
	assert_int_equal(hall_report_build(f->store, &opt, &r, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "--to");
}

static void csv_should_start_with_a_bom_and_carry_every_kiosk(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-24", "2026-11-24");
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, HALL_REPORT_CSV, HALL_LANG_KO, &out, &len, &err), HALL_OK);
	assert_memory_equal(out,
	                    "\xEF\xBB\xBFsection,day,kiosk,exhibit,item,metric,value,exhibit_title,item_title,figure\r\n",
	                    80);
	/* the metric keeps its key; the last column names the figure in plain words */
	assert_non_null(strstr(out, "kiosk,2026-11-24..2026-11-24,k2,,,missing,2,,,빠진 이벤트\r\n"));
	assert_non_null(strstr(out, "kiosk,2026-11-24..2026-11-24,k2,,,events_expected,6,,,받아야 할 이벤트\r\n"));
	assert_non_null(strstr(out, "kiosk,2026-11-24..2026-11-24,k2,,,events,4,,,받은 이벤트\r\n"));
	assert_non_null(strstr(out, "outage,2026-11-24..2026-11-24,k1,,2026-11-24 12:00..2026-11-24 13:00,seconds,3600"));
	free(out);
	assert_int_equal(hall_report_render(r, HALL_REPORT_TEXT, HALL_LANG_KO, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "데이터 불완전: k2: 빠진 이벤트 2건"));
	free(out);
	hall_report_destroy(r);
}

/* Issue 10: the facility team reads "events expected, received, missing", not seq_min or
 * "sess": the kiosk tables of text and HTML have plain headings, the figures under them. */
static void kiosk_tables_should_have_plain_headings(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-24", "2026-11-24");
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, HALL_REPORT_TEXT, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	const char *head = strstr(out, "Kiosk  Events expected  Received  Missing  First event no.  Last event no.");
	assert_non_null(head);
	assert_null(strstr(out, "seq_min"));
	assert_null(strstr(out, " sess "));
	/* k2: seqs 1..6 expected (6 is the highest it announced), 4 received, 3 and 6 missing */
	const char *k2 = strstr(head, "\nk2 ");
	assert_non_null(k2);
	long long exp = 0, got = 0, miss = 0;
	assert_int_equal(sscanf(k2 + 4, "%lld %lld %lld", &exp, &got, &miss), 3);
	assert_int_equal(exp, 6);
	assert_int_equal(got, 4);
	assert_int_equal(miss, 2);
	assert_non_null(strstr(out, "Data INCOMPLETE: k2: 2 events missing"));
	free(out);
	assert_int_equal(hall_report_render(r, HALL_REPORT_HTML, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "<th>Events expected</th><th>Received</th><th>Missing</th>"));
	assert_non_null(strstr(out, "<td>k2</td><td>lobby</td><td class=\"n\">6</td><td class=\"n\">4</td><td class=\"n\">⚠ 2"));
	assert_null(strstr(out, "seq"));
	free(out);
	hall_report_destroy(r);
}

/* Taps on the home screen carry no exhibit id: every table names that row instead of
 * leaving the cell empty. On a day of its own, so the hand-computed day is untouched. */
static void home_screen_taps_should_be_named_in_every_table(void **state)
{
	fixture *f = *state;
	hall_event e[2];
	e[0] = ev("k3", 1, rfx_at(2, 11, 0, 0), HALL_EVENT_SESSION_START, "", "", 1);
	e[1] = ev("k3", 2, rfx_at(2, 11, 0, 5), HALL_EVENT_TAP, "", "exhibit-brand", 1);
	hall_error err = {0};
	assert_int_equal(hall_store_insert_events(f->store, e, 2, NULL, &err), HALL_OK);
	hall_report *r = build_day(f->store, "2026-11-26", "2026-11-26");
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_report_render(r, HALL_REPORT_HTML, HALL_LANG_KO, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "<td>(대기·홈 화면)</td><td>exhibit-brand</td>"));
	assert_null(strstr(out, "<td></td><td>exhibit-brand</td>"));
	free(out);
	assert_int_equal(hall_report_render(r, HALL_REPORT_TEXT, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	/* columns as wide as their widest cell: the long row name does not push the others */
	assert_non_null(strstr(out, "(attract and home screens)  exhibit-brand"));
	free(out);
	hall_report_destroy(r);
}

/* Render the HTML report with headless Chromium and check the picture has content: the
 * completeness banner, tables and charts drawn, not a blank page. */
static void html_report_should_render_in_chromium(void **state)
{
	fixture *f = *state;
	hall_report *r = build_day(f->store, "2026-11-24", "2026-11-24");
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, HALL_REPORT_HTML, HALL_LANG_KO, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "<svg"));
	assert_non_null(strstr(out, "id=\"completeness\""));
	assert_null(strstr(out, "<script")); /* self-contained, static */
	assert_null(strstr(out, "http"));   /* nothing fetched from anywhere */
	char html[700], png[700], profile[700], cmd[4096];
	snprintf(html, sizeof html, "%s/report.html", f->dir);
	snprintf(png, sizeof png, "%s/report.png", f->dir);
	snprintf(profile, sizeof profile, "%s/chromium-profile", f->dir);
	assert_int_equal(hall_fs_write_atomic(html, out, len, &err), HALL_OK);
	free(out);
	hall_report_destroy(r);

	snprintf(cmd, sizeof cmd,
	         "timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
	         "--disable-background-networking --disable-component-update --disable-sync --hide-scrollbars "
	         "--user-data-dir='%s' --window-size=1000,1800 --screenshot='%s' 'file://%s' >/dev/null 2>&1",
	         profile, png, html);
	assert_int_equal(system(cmd), 0);
	struct stat st;
	assert_int_equal(stat(png, &st), 0);
	const char *keep = getenv("HALL_KEEP_REPORT_PNG");
	if (keep && *keep) {
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", png, keep);
		assert_int_equal(system(cmd), 0);
	}
	snprintf(cmd, sizeof cmd, "%s/hall-pngstat '%s'", HALL_BUILD_DIR, png);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	int w = 0, h = 0, colours = 0;
	double drawn = 0;
	assert_int_equal(fscanf(p, "%d %d %d %lf", &w, &h, &colours, &drawn), 4);
	assert_int_equal(pclose(p), 0);
	assert_int_equal(w, 1000);
	assert_true(colours > 20);  /* text anti-aliasing, bars, banner: many colours */
	assert_true(drawn > 0.03);  /* a real page, not a blank one */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(report_should_match_the_hand_computed_day, setup, teardown),
		cmocka_unit_test_setup_teardown(session_crossing_midnight_should_count_on_the_day_it_started_only, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(date_range_should_add_a_day_by_day_trend, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_dates_should_be_refused_with_the_option_named, setup, teardown),
		cmocka_unit_test_setup_teardown(kiosk_tables_should_have_plain_headings, setup, teardown),
		cmocka_unit_test_setup_teardown(csv_should_start_with_a_bom_and_carry_every_kiosk, setup, teardown),
		cmocka_unit_test_setup_teardown(home_screen_taps_should_be_named_in_every_table, setup, teardown),
		cmocka_unit_test_setup_teardown(html_report_should_render_in_chromium, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
