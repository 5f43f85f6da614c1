/* test_report_gaps.c: the report against a real SQLite store where its data has gaps:
 * a day whose raw events retention removed (reported from the daily aggregates, never
 * "complete"), a kiosk that announced seqs but sent nothing in the period, a kiosk of the
 * config's list never seen, and dwell time per kiosk, exhibit and item; exhibits and
 * items named by their titles from the pack pushed to the kiosks; text columns aligned by
 * display cells for Korean.
 * (tests/integration/test_report.c holds the hand-computed fixture day; a unit test of the
 * same name would clash with it, hence this name.) */
/* links: hallctl */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "report_fx.h"
#include "hall/clock.h"
#include "hall/json.h"
#include "hall/content.h"
#include "packs.h"
#include "report.h"
#include "report_internal.h"
#include "store.h"

#define TZ RFX_TZ

typedef rfx fixture;

/* UTC ms of a local time (to the minute) on 2026-11-24 (+ day_offset days). */
static int64_t at(int day_offset, int h, int m)
{
	return rfx_at(day_offset, h, m, 0);
}

static int setup(void **state)
{
	*state = rfx_open("report-gaps");
	return 0;
}

static int teardown(void **state)
{
	rfx_close(*state);
	return 0;
}

static hall_report *build(hall_store *s, const char *day, int retention, const char (*expected)[HALL_ID_MAX + 1],
                          size_t n_expected)
{
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "%s", day);
	snprintf(opt.to_day, sizeof opt.to_day, "%s", day);
	opt.tz = TZ;
	opt.generated_ms = at(10, 9, 0);
	opt.raw_retention_days = retention;
	opt.expected = expected;
	opt.n_expected = n_expected;
	hall_report *r = NULL;
	hall_error err = {0};
	assert_int_equal(hall_report_build(s, &opt, &r, &err), HALL_OK);
	return r;
}

static char *render(hall_report *r, hall_report_format fmt)
{
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, fmt, HALL_LANG_EN, &out, &len, &err), HALL_OK);
	return out;
}

static cJSON *report_json(hall_report *r)
{
	char *out = render(r, HALL_REPORT_JSON);
	cJSON *j = cJSON_Parse(out);
	free(out);
	assert_non_null(j);
	return j;
}

static const cJSON *get(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = o;
	for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, ".")) {
		cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(tok)) : cJSON_GetObjectItemCaseSensitive(cur, tok);
		if (!cur)
			fail_msg("no %s in the report JSON", path);
	}
	return cur;
}

static double num(const cJSON *o, const char *path)
{
	const cJSON *v = get(o, path);
	if (!cJSON_IsNumber(v))
		fail_msg("%s is not a number", path);
	return v->valuedouble;
}

/* The kiosk item with this id in the JSON's kiosks array. */
static const cJSON *kiosk_item(const cJSON *j, const char *id)
{
	const cJSON *k;
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(j, "kiosks"))
	{
		const cJSON *i = cJSON_GetObjectItem(k, "id");
		if (cJSON_IsString(i) && strcmp(i->valuestring, id) == 0)
			return k;
	}
	fail_msg("no kiosk %s in the report", id);
	return NULL;
}

/* A day of k1: a session of 2 views and 3 taps. Aggregated, then its raw events are
 * removed by retention (3 days). The report must come from the aggregates, and not say
 * "complete". */
static void report_of_a_day_whose_raw_events_are_gone_should_use_the_aggregates_and_not_be_complete(void **state)
{
	fixture *f = *state;
	rfx_hello(f->store, "k1", 7, at(0, 9, 0));
	hall_event e[7];
	size_t n = 0;
	e[n++] = rfx_event("k1", 1, at(0, 10, 0), HALL_EVENT_SESSION_START, "", "", 1, -1);
	e[n++] = rfx_event("k1", 2, at(0, 10, 1), HALL_EVENT_VIEW, "brand", "p1", 1, 20000);
	e[n++] = rfx_event("k1", 3, at(0, 10, 2), HALL_EVENT_TAP, "brand", "next", 1, -1);
	e[n++] = rfx_event("k1", 4, at(0, 10, 3), HALL_EVENT_TAP, "brand", "next", 1, -1);
	e[n++] = rfx_event("k1", 5, at(0, 11, 4), HALL_EVENT_TAP, "policy", "card", 1, -1);
	e[n++] = rfx_event("k1", 6, at(0, 11, 5), HALL_EVENT_VIEW, "policy", "p2", 1, 10000);
	e[n++] = rfx_event("k1", 7, at(0, 11, 6), HALL_EVENT_SESSION_END, "", "", 1, 66000);
	assert_int_equal(hall_store_insert_events(f->store, e, n, NULL, NULL), HALL_OK);
	assert_int_equal(hall_store_aggregate_day(f->store, "2026-11-24", TZ, NULL), HALL_OK);
	int64_t deleted = 0;
	assert_int_equal(hall_store_delete_events_before(f->store, at(1, 12, 0), &deleted, NULL), HALL_OK);
	assert_int_equal(deleted, 7);

	hall_report *r = build(f->store, "2026-11-24", 3, NULL, 0);
	assert_false(hall_report_is_complete(r));
	cJSON *j = report_json(r);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "complete")));
	assert_int_equal((int)num(j, "totals.sessions"), 1);
	assert_int_equal((int)num(j, "totals.taps"), 3);
	assert_int_equal((int)num(j, "totals.views"), 2);
	assert_int_equal((int)num(j, "totals.events"), 7);
	assert_int_equal((int)num(j, "hours.10.taps"), 2);
	assert_int_equal((int)num(j, "hours.11.taps"), 1);
	assert_int_equal((int)num(j, "hours.10.sessions"), 1);
	assert_int_equal((int)num(j, "languages.0.views") + (int)num(j, "languages.1.views"), 2);
	const cJSON *k1 = kiosk_item(j, "k1");
	assert_int_equal((int)num(k1, "events"), 7);
	assert_int_equal((int)num(k1, "taps"), 3);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k1, "seq_min")));
	assert_int_equal((int)num(j, "raw_events_removed.retention_days"), 3);
	assert_string_equal(get(j, "raw_events_removed.days.0")->valuestring, "2026-11-24");
	assert_string_equal(get(j, "days.0.source")->valuestring, "daily_aggregates");
	assert_non_null(strstr(get(j, "completeness")->valuestring, "raw events were removed after 3 days"));
	cJSON_Delete(j);
	char *text = render(r, HALL_REPORT_TEXT);
	assert_non_null(strstr(text, "raw events were removed after 3 days"));
	assert_null(strstr(text, "Data complete: no events missing"));
	free(text);
	char *html = render(r, HALL_REPORT_HTML);
	assert_non_null(strstr(html, "class=\"status bad\""));
	free(html);
	hall_report_destroy(r);
}

/* k2 sent seqs 1..4 the day before and then announced 10 in a hello; nothing arrived on
 * the day: 6 seqs missing, not "complete". */
static void silent_kiosk_that_announced_seqs_should_count_them_missing(void **state)
{
	fixture *f = *state;
	hall_event e[4];
	for (int i = 0; i < 4; i++)
		e[i] = rfx_event("k2", i + 1, at(-1, 15, i), HALL_EVENT_TAP, "brand", "next", 1, -1);
	assert_int_equal(hall_store_insert_events(f->store, e, 4, NULL, NULL), HALL_OK);
	rfx_hello(f->store, "k2", 10, at(0, 9, 0));
	hall_report *r = build(f->store, "2026-11-24", 90, NULL, 0);
	cJSON *j = report_json(r);
	const cJSON *k2 = kiosk_item(j, "k2");
	assert_int_equal((int)num(k2, "events"), 0);
	assert_int_equal((int)num(k2, "missing"), 6);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k2, "seq_min")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(k2, "seq_max")));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "complete")));
	cJSON_Delete(j);
	hall_report_destroy(r);

	/* the day before holds seqs 1..4, and the rest came later: that day is whole */
	hall_event late[6];
	for (int i = 0; i < 6; i++)
		late[i] = rfx_event("k2", i + 5, at(1, 10, i), HALL_EVENT_TAP, "brand", "next", 2, -1);
	assert_int_equal(hall_store_insert_events(f->store, late, 6, NULL, NULL), HALL_OK);
	r = build(f->store, "2026-11-24", 90, NULL, 0);
	j = report_json(r);
	assert_int_equal((int)num(kiosk_item(j, "k2"), "missing"), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "complete")));
	cJSON_Delete(j);
	hall_report_destroy(r);
}

/* The config lists k1 and lobby-09; lobby-09 never said hello: it is in the report as
 * sending nothing, and the report is not complete. */
static void listed_kiosk_never_seen_should_make_the_report_incomplete(void **state)
{
	fixture *f = *state;
	rfx_hello(f->store, "k1", 1, at(0, 9, 0));
	hall_event e = rfx_event("k1", 1, at(0, 10, 0), HALL_EVENT_TAP, "brand", "next", 1, -1);
	assert_int_equal(hall_store_insert_events(f->store, &e, 1, NULL, NULL), HALL_OK);
	static const char listed[2][HALL_ID_MAX + 1] = {"k1", "lobby-09"};
	hall_report *r = build(f->store, "2026-11-24", 90, NULL, 0);
	assert_true(hall_report_is_complete(r));
	hall_report_destroy(r);
	r = build(f->store, "2026-11-24", 90, listed, 2);
	assert_false(hall_report_is_complete(r));
	cJSON *j = report_json(r);
	const cJSON *ghost = kiosk_item(j, "lobby-09");
	assert_int_equal((int)num(ghost, "events"), 0);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ghost, "never_seen")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ghost, "expected")));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(kiosk_item(j, "k1"), "never_seen")));
	cJSON_Delete(j);
	char *text = render(r, HALL_REPORT_TEXT);
	assert_non_null(strstr(text, "lobby-09"));
	assert_non_null(strstr(text, "never seen: sent nothing"));
	assert_non_null(strstr(text, "Data INCOMPLETE"));
	free(text);
	char *csv = render(r, HALL_REPORT_CSV);
	assert_non_null(strstr(csv, "kiosk,2026-11-24..2026-11-24,lobby-09,,,never_seen,1,,,never seen: sent nothing\r\n"));
	free(csv);
	hall_report_destroy(r);
}

/* Dwell per kiosk (sessions), per exhibit and per item (views of its pages). */
static void dwell_should_be_given_per_kiosk_exhibit_and_item(void **state)
{
	fixture *f = *state;
	rfx_hello(f->store, "k1", 8, at(0, 9, 0));
	rfx_hello(f->store, "k2", 2, at(0, 9, 0));
	hall_event e[10];
	size_t n = 0;
	e[n++] = rfx_event("k1", 1, at(0, 10, 0), HALL_EVENT_SESSION_START, "", "", 1, -1);
	e[n++] = rfx_event("k1", 2, at(0, 10, 1), HALL_EVENT_VIEW, "brand", "p1", 1, 10000);
	e[n++] = rfx_event("k1", 3, at(0, 10, 2), HALL_EVENT_VIEW, "brand", "p1", 1, 30000);
	e[n++] = rfx_event("k1", 4, at(0, 10, 3), HALL_EVENT_VIEW, "brand", "p2", 1, 50000);
	e[n++] = rfx_event("k1", 5, at(0, 10, 4), HALL_EVENT_SESSION_END, "", "", 1, 60000);
	e[n++] = rfx_event("k1", 6, at(0, 11, 0), HALL_EVENT_SESSION_START, "", "", 2, -1);
	e[n++] = rfx_event("k1", 7, at(0, 11, 1), HALL_EVENT_VIEW, "policy", "p9", 2, 5000);
	e[n++] = rfx_event("k1", 8, at(0, 11, 2), HALL_EVENT_SESSION_END, "", "", 2, 20000);
	e[n++] = rfx_event("k2", 1, at(0, 12, 0), HALL_EVENT_SESSION_START, "", "", 1, -1);
	e[n++] = rfx_event("k2", 2, at(0, 12, 9), HALL_EVENT_SESSION_END, "", "", 1, 540000);
	assert_int_equal(hall_store_insert_events(f->store, e, n, NULL, NULL), HALL_OK);
	hall_report *r = build(f->store, "2026-11-24", 90, NULL, 0);
	cJSON *j = report_json(r);
	const cJSON *k1 = kiosk_item(j, "k1"), *k2 = kiosk_item(j, "k2");
	assert_int_equal((int)num(k1, "dwell_median_ms"), 20000);
	assert_int_equal((int)num(k1, "dwell_p90_ms"), 60000);
	assert_int_equal((int)num(k1, "dwell_n"), 2);
	assert_int_equal((int)num(k2, "dwell_median_ms"), 540000);
	/* exhibits are sorted by views + taps: brand first */
	assert_string_equal(get(j, "exhibits.0.id")->valuestring, "brand");
	assert_int_equal((int)num(j, "exhibits.0.dwell_median_ms"), 30000);
	assert_int_equal((int)num(j, "exhibits.0.dwell_p90_ms"), 50000);
	assert_int_equal((int)num(j, "exhibits.1.dwell_median_ms"), 5000);
	/* items: brand/p1 (2 views: 10 s, 30 s) */
	const cJSON *it;
	int found = 0;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
	{
		if (strcmp(cJSON_GetObjectItem(it, "target")->valuestring, "p1") == 0) {
			found = 1;
			assert_int_equal((int)num(it, "views"), 2);
			assert_int_equal((int)num(it, "dwell_median_ms"), 10000);
			assert_int_equal((int)num(it, "dwell_p90_ms"), 30000);
		}
	}
	assert_true(found);
	cJSON_Delete(j);
	char *text = render(r, HALL_REPORT_TEXT);
	assert_non_null(strstr(text, "20s / 1m 00s"));  /* k1 */
	assert_non_null(strstr(text, "30s / 50s"));     /* brand */
	assert_non_null(strstr(text, "10s / 30s"));     /* brand/p1 */
	free(text);
	char *csv = render(r, HALL_REPORT_CSV);
	assert_non_null(strstr(csv, "kiosk,2026-11-24..2026-11-24,k1,,,dwell_median_ms,20000,,,\"Dwell time, median (ms)\"\r\n"));
	assert_non_null(strstr(csv, "exhibit,2026-11-24..2026-11-24,,brand,,dwell_p90_ms,50000,brand,,"));
	assert_non_null(strstr(csv, "item,2026-11-24..2026-11-24,,brand,p1,dwell_median_ms,10000,brand,p1,"));
	free(csv);
	char *html = render(r, HALL_REPORT_HTML);
	assert_non_null(strstr(html, "<td>20s / 1m 00s</td>"));
	assert_non_null(strstr(html, "<td>10s / 30s</td>"));
	free(html);
	hall_report_destroy(r);
}

/* Store the default pack in the fixture's pack store and make it the desired content for
 * all kiosks, as `push` does. */
static void push_default_pack(fixture *f)
{
	hall_content *c = NULL;
	hall_error err = {0};
	char dir[600], ref[65];
	snprintf(dir, sizeof dir, "%s/assets/default", HALL_SOURCE_DIR);
	assert_int_equal(hall_content_load_dir(dir, NULL, NULL, &c, &err), HALL_OK);
	assert_int_equal(hall_packs_store_dir(f->dir, dir, c, ref, &err), HALL_OK);
	hall_content_destroy(c);
	hall_store_desired d;
	memset(&d, 0, sizeof d);
	snprintf(d.kind, sizeof d.kind, "content");
	snprintf(d.scope, sizeof d.scope, "all");
	snprintf(d.ref, sizeof d.ref, "%s", ref);
	d.version = 1;
	d.updated = at(0, 8, 0);
	d.payload = (char *)"{}";
	d.payload_len = 2;
	assert_int_equal(hall_store_set_desired(f->store, &d, &err), HALL_OK);
}

static void visit_day(fixture *f)
{
	rfx_hello(f->store, "k1", 7, at(0, 9, 0));
	hall_event e[7];
	e[0] = rfx_event("k1", 1, at(0, 10, 0), HALL_EVENT_SESSION_START, "", "", 1, 0);
	e[1] = rfx_event("k1", 2, at(0, 10, 1), HALL_EVENT_TAP, "", "exhibit-policy", 1, 0);
	e[2] = rfx_event("k1", 3, at(0, 10, 1), HALL_EVENT_VIEW, "policy", "overview", 1, 0);
	e[3] = rfx_event("k1", 4, at(0, 10, 2), HALL_EVENT_TAP, "policy", "card-office", 1, 0);
	e[4] = rfx_event("k1", 5, at(0, 10, 3), HALL_EVENT_TAP, "", "lang-en", 1, 0);
	e[5] = rfx_event("k1", 6, at(0, 10, 4), HALL_EVENT_TAP, "unknown-exhibit", "x", 1, 0);
	e[6] = rfx_event("k1", 7, at(0, 10, 5), HALL_EVENT_SESSION_END, "", "timeout", 1, 300000);
	assert_int_equal(hall_store_insert_events(f->store, e, 7, NULL, NULL), HALL_OK);
}

static hall_report *build_with_packs(fixture *f, const char *data_dir)
{
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "2026-11-24");
	snprintf(opt.to_day, sizeof opt.to_day, "2026-11-24");
	opt.tz = TZ;
	opt.generated_ms = at(10, 9, 0);
	opt.raw_retention_days = 90;
	opt.data_dir = data_dir;
	hall_report *r = NULL;
	hall_error err = {0};
	assert_int_equal(hall_report_build(f->store, &opt, &r, &err), HALL_OK);
	return r;
}

static char *render_in(hall_report *r, hall_report_format fmt, hall_lang lang)
{
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_report_render(r, fmt, lang, &out, &len, &err), HALL_OK);
	return out;
}

static const cJSON *find_by(const cJSON *arr, const char *k1, const char *v1, const char *k2, const char *v2)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		const cJSON *a = cJSON_GetObjectItem(it, k1), *b = k2 ? cJSON_GetObjectItem(it, k2) : NULL;
		if (cJSON_IsString(a) && strcmp(a->valuestring, v1) == 0 &&
		    (!k2 || (cJSON_IsString(b) && strcmp(b->valuestring, v2) == 0)))
			return it;
	}
	return NULL;
}

/* The string member k of o; fails (not crashes) when o or the member is missing. */
static const char *str_of(const cJSON *o, const char *k)
{
	assert_non_null(o);
	const cJSON *v = cJSON_GetObjectItem(o, k);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

/* Exhibits and items carry the title of the pack the kiosks were told to show, in the
 * report's language, with their ids kept; unknown ones and reports without the pack store
 * fall back to the id. */
static void exhibits_should_be_named_by_the_title_of_the_pushed_pack(void **state)
{
	fixture *f = *state;
	visit_day(f);
	push_default_pack(f);
	hall_report *r = build_with_packs(f, f->dir);

	char *json = render_in(r, HALL_REPORT_JSON, HALL_LANG_KO);
	cJSON *j = cJSON_Parse(json);
	free(json);
	assert_non_null(j);
	const cJSON *pol = find_by(cJSON_GetObjectItem(j, "exhibits"), "id", "policy", NULL, NULL);
	assert_non_null(pol);
	assert_string_equal(str_of(pol, "title"), "정책전시관: 시민과 함께하는 서울");
	const cJSON *unk = find_by(cJSON_GetObjectItem(j, "exhibits"), "id", "unknown-exhibit", NULL, NULL);
	assert_string_equal(str_of(unk, "title"), "unknown-exhibit");
	const cJSON *items = cJSON_GetObjectItem(j, "items");
	const cJSON *home = find_by(items, "exhibit", "", "target", "exhibit-policy");
	assert_non_null(home);
	assert_string_equal(str_of(home, "title"), "정책전시관: 시민과 함께하는 서울");
	assert_string_equal(str_of(home, "target"), "exhibit-policy");
	const cJSON *card = find_by(items, "exhibit", "policy", "target", "card-office");
	assert_string_equal(str_of(card, "title"), "홍보기획관은 어떤 곳인가요");
	assert_string_equal(str_of(card, "exhibit_title"), "정책전시관: 시민과 함께하는 서울");
	const cJSON *lang = find_by(items, "exhibit", "", "target", "lang-en");
	assert_string_equal(str_of(lang, "title"), "English");
	cJSON_Delete(j);

	char *text = render_in(r, HALL_REPORT_TEXT, HALL_LANG_EN);
	assert_non_null(strstr(text, "Policy hall: Seoul working with its citizens (policy)"));
	assert_non_null(strstr(text, "unknown-exhibit "));
	free(text);
	char *html = render_in(r, HALL_REPORT_HTML, HALL_LANG_KO);
	assert_non_null(strstr(html, "<td>정책전시관: 시민과 함께하는 서울 (policy)</td>"));
	assert_non_null(strstr(html, "<td>홍보기획관은 어떤 곳인가요 (card-office)</td>"));
	free(html);
	char *csv = render_in(r, HALL_REPORT_CSV, HALL_LANG_EN);
	assert_non_null(strstr(csv, "exhibit,2026-11-24..2026-11-24,,policy,,views,1,"
	                            "Policy hall: Seoul working with its citizens,,Page views\r\n"));
	assert_non_null(strstr(csv, ",policy,card-office,taps,1,Policy hall: Seoul working with its citizens,"));
	free(csv);
	hall_report_destroy(r);

	/* without the pack store: ids, as before */
	r = build_with_packs(f, NULL);
	json = render_in(r, HALL_REPORT_JSON, HALL_LANG_KO);
	j = cJSON_Parse(json);
	free(json);
	pol = find_by(cJSON_GetObjectItem(j, "exhibits"), "id", "policy", NULL, NULL);
	assert_string_equal(str_of(pol, "title"), "policy");
	cJSON_Delete(j);
	text = render_in(r, HALL_REPORT_TEXT, HALL_LANG_KO);
	assert_null(strstr(text, "정책전시관"));
	free(text);
	hall_report_destroy(r);
}

/* Display cells of a UTF-8 line, East Asian Wide characters (Hangul, CJK) as two. */
static size_t cells(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		w += k >= 3 ? 2 : 1; /* every 3- and 4-byte character in these reports is wide */
		i += k;
	}
	return w;
}

/* The column where the first digit after the label starts in `line` (NULL: not found). */
static size_t value_col(const char *text, const char *label)
{
	const char *p = strstr(text, label);
	assert_non_null(p);
	const char *start = p;
	while (start > text && start[-1] != '\n')
		start--;
	const char *q = p + strlen(label);
	while (*q == ' ')
		q++;
	return cells(start, (size_t)(q - start));
}

/* Korean titles and labels take two cells a syllable: the numbers after them start in one
 * column, in the summary and in the exhibit and item tables, and the long
 * "(attract and home screens)" row does not push its numbers out of line. */
static void text_columns_should_line_up_with_korean_titles(void **state)
{
	fixture *f = *state;
	visit_day(f);
	push_default_pack(f);
	hall_report *r = build_with_packs(f, f->dir);
	char *text = render_in(r, HALL_REPORT_TEXT, HALL_LANG_KO);
	/* summary: "방문 세션" (5 syllables + space) and "체류 시간 90번째 백분위" */
	assert_int_equal(value_col(text, "방문 세션"), value_col(text, "체류 시간 중앙값"));
	assert_int_equal(value_col(text, "방문 세션"), value_col(text, "거부된 이벤트(누적)"));
	/* exhibits: a Korean title, an ASCII id and the attract/home row */
	size_t a = value_col(text, "정책전시관: 시민과 함께하는 서울 (policy)");
	assert_int_equal(a, value_col(text, "unknown-exhibit"));
	assert_int_equal(a, value_col(text, "(대기·홈 화면)"));
	/* items: Korean exhibit and item titles next to the attract/home row */
	const char *items = strstr(text, "== 항목별 터치");
	assert_non_null(items);
	size_t c1 = value_col(items, "English (lang-en)");
	assert_int_equal(c1, value_col(items, "홍보기획관은 어떤 곳인가요 (card-office)"));
	assert_int_equal(c1, value_col(items, "정책전시관: 시민과 함께하는 서울 (exhibit-policy)"));
	free(text);
	/* English: the attract/home row is longer than the old fixed 24 columns */
	text = render_in(r, HALL_REPORT_TEXT, HALL_LANG_EN);
	assert_int_equal(value_col(text, "(attract and home screens)"), value_col(text, "unknown-exhibit"));
	free(text);
	hall_report_destroy(r);
}

/* A content ack of kiosk `kiosk` for `version` with `result`, received at `when`. */
static void content_ack(hall_store *s, const char *kiosk, int64_t version, hall_ack_result result, int64_t when)
{
	hall_ack a;
	memset(&a, 0, sizeof a);
	snprintf(a.kiosk, sizeof a.kiosk, "%s", kiosk);
	a.kind = HALL_ACK_CONTENT;
	snprintf(a.scope, sizeof a.scope, "all");
	a.version = version;
	a.result = result;
	if (result != HALL_ACK_APPLIED)
		snprintf(a.reason, sizeof a.reason, "bad pack");
	assert_int_equal(hall_store_add_ack(s, &a, when, NULL), HALL_OK);
}

/* k1 applied v1 the day before and v2 at 14:05 on the day (a rejected v9 that day and a
 * v3 the day after do not count); k2 applied v1 two days before and nothing since. The
 * report of the day shows, per kiosk, the versions shown that day, not the one held now. */
static void versions_shown_should_come_from_the_applied_acks_of_the_period(void **state)
{
	fixture *f = *state;
	rfx_hello(f->store, "k1", 0, at(-3, 9, 0));
	rfx_hello(f->store, "k2", 0, at(-3, 9, 0));
	content_ack(f->store, "k2", 1, HALL_ACK_APPLIED, at(-2, 10, 0));
	content_ack(f->store, "k1", 1, HALL_ACK_APPLIED, at(-1, 15, 0));
	content_ack(f->store, "k1", 9, HALL_ACK_REJECTED, at(0, 11, 0));
	content_ack(f->store, "k1", 2, HALL_ACK_APPLIED, at(0, 14, 5));
	content_ack(f->store, "k1", 2, HALL_ACK_APPLIED, at(0, 14, 6)); /* sent again: once */
	content_ack(f->store, "k1", 3, HALL_ACK_APPLIED, at(1, 9, 0));

	hall_report *r = build(f->store, "2026-11-24", 0, NULL, 0);
	cJSON *j = report_json(r);
	const cJSON *k1 = kiosk_item(j, "k1"), *k2 = kiosk_item(j, "k2");
	assert_int_equal((int)num(k1, "content_version"), 3); /* the version now */
	assert_int_equal(cJSON_GetArraySize(get(k1, "versions_shown")), 2);
	assert_int_equal((int)num(k1, "versions_shown.0.version"), 1);
	assert_true(num(k1, "versions_shown.0.applied_ms") == (double)at(-1, 15, 0));
	assert_true(cJSON_IsTrue(get(k1, "versions_shown.0.before_period")));
	assert_int_equal((int)num(k1, "versions_shown.1.version"), 2);
	assert_true(num(k1, "versions_shown.1.applied_ms") == (double)at(0, 14, 5));
	assert_true(cJSON_IsFalse(get(k1, "versions_shown.1.before_period")));
	assert_string_equal(get(k1, "versions_shown.1.applied_local")->valuestring, "2026-11-24 14:05");
	assert_int_equal(cJSON_GetArraySize(get(k2, "versions_shown")), 1);
	assert_int_equal((int)num(k2, "versions_shown.0.version"), 1);
	assert_true(cJSON_IsTrue(get(k2, "versions_shown.0.before_period")));
	cJSON_Delete(j);

	char *text = render(r, HALL_REPORT_TEXT);
	assert_non_null(strstr(text, "Content versions shown: v1 (before the period), v2 from 14:05\n"));
	assert_non_null(strstr(text, "Content versions shown: v1 (before the period)\n"));
	free(text);
	char *html = render(r, HALL_REPORT_HTML);
	assert_non_null(strstr(html, "v1 (before the period), v2 from 14:05"));
	free(html);
	char *csv = render(r, HALL_REPORT_CSV);
	assert_non_null(strstr(csv, "version_shown,2026-11-24 14:05,k1,,applied,version,2"));
	assert_non_null(strstr(csv, "version_shown,2026-11-23 15:00,k1,,before_period,version,1"));
	assert_null(strstr(csv, "k1,,applied,version,3"));
	assert_null(strstr(csv, "k1,,applied,version,9"));
	free(csv);
	hall_report_destroy(r);
}

/* Every word of the report exists in each of the hall's five languages (a missing one
 * would fall back to English without a word), and a template keeps every {name} of the
 * English one, so no translation drops the kiosk or the count from a cause. */
static void every_label_should_be_translated_in_every_language(void **state)
{
	(void)state;
	static const char *const names[] = {"{kiosk}", "{n}", "{v}", "{t}", "{after}", "{from}", "{to}"};
	for (int l = 0; l < L_COUNT_; l++) {
		const char *en = report__label(HALL_LANG_EN, (report_label)l);
		assert_true(en[0] != '\0');
		for (int g = 0; g < HALL_LANG_COUNT; g++) {
			if (g == HALL_LANG_EN)
				continue;
			const char *t = report__label((hall_lang)g, (report_label)l);
			if (strcmp(t, en) == 0)
				fail_msg("label %d has no %s translation", l, hall_lang_code((hall_lang)g));
			for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
				if ((strstr(en, names[i]) != NULL) != (strstr(t, names[i]) != NULL))
					fail_msg("label %d in %s: %s differs from English", l, hall_lang_code((hall_lang)g), names[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			report_of_a_day_whose_raw_events_are_gone_should_use_the_aggregates_and_not_be_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(silent_kiosk_that_announced_seqs_should_count_them_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(listed_kiosk_never_seen_should_make_the_report_incomplete, setup, teardown),
		cmocka_unit_test(every_label_should_be_translated_in_every_language),
		cmocka_unit_test_setup_teardown(dwell_should_be_given_per_kiosk_exhibit_and_item, setup, teardown),
		cmocka_unit_test_setup_teardown(exhibits_should_be_named_by_the_title_of_the_pushed_pack, setup, teardown),
		cmocka_unit_test_setup_teardown(text_columns_should_line_up_with_korean_titles, setup, teardown),
		cmocka_unit_test_setup_teardown(versions_shown_should_come_from_the_applied_acks_of_the_period, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
