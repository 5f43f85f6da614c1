/* schedule.c: schedules (docs/content.md, "Schedules") and their pure evaluation.
 *
 * Evaluation works in "local minutes": minutes since 1970-01-01 00:00 of the hall's civil
 * calendar. The instant is turned into a local minute once (hall_clock_to_civil), every
 * window is compared in that space, and only the boundaries handed back (next opening,
 * closing) are turned into UTC again (hall_clock_from_civil). Windows are whole minutes,
 * so "instant inside window" equals "its local minute inside the window". Across a DST
 * change the local calendar is still the one people read on the wall clock. */
#include "hall/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"
#include "hall/json.h"
#include "hall/topics.h"
#include "hall/tz.h"

#define MIN_PER_DAY 1440

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int hall_schedule_weekday_from_name(const char *name)
{
	for (int i = 0; name && i < 7; i++) {
		if (strcmp(name, day_names[i]) == 0)
			return i;
	}
	return -1;
}

/* ---- calendar arithmetic (hall/tz.h has the proleptic Gregorian conversions) ------- */

/* 0 = Sunday. 1970-01-01 was a Thursday. */
static int weekday_of(int64_t day)
{
	int64_t w = (day + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- parsing ----------------------------------------------------------------------- */

/* The parser goes on after an error as far as it sensibly can (the next window, date,
 * item or field), so `schedule push` can show the author every problem at once, the way
 * content packs are checked. Every problem goes through note(): it is passed to the
 * caller's report callback as a hall_issue and the first is kept for `err`. Helpers that
 * take a plain hall_error (parse_date, parse_hhmm, the hall_json_* getters) write into
 * c->cur and their caller notes it; helpers that take the context note their own. */
typedef struct sched_ctx {
	hall_issue_fn report; /* may be NULL */
	void *user;
	hall_error *err;      /* the first error; may be NULL */
	hall_err first;       /* HALL_OK until the first error */
	bool nomem;           /* out of memory: stop */
	hall_error cur;       /* scratch for the helpers */
} sched_ctx;

static hall_err note(sched_ctx *c, hall_err rc)
{
	if (rc == HALL_OK)
		return rc;
	if (rc == HALL_ERR_NOMEM)
		c->nomem = true;
	if (c->first == HALL_OK) {
		c->first = rc;
		if (c->err)
			*c->err = c->cur;
	}
	if (c->report) {
		hall_issue is;
		is.severity = HALL_ISSUE_ERROR;
		snprintf(is.path, sizeof is.path, "%s", c->cur.path);
		snprintf(is.msg, sizeof is.msg, "%s", c->cur.msg);
		c->report(c->user, &is);
	}
	return rc;
}

static hall_err parse_date(const cJSON *v, const char *p, int64_t *day, hall_error *err)
{
	int y, m, d;
	if (!cJSON_IsString(v) || hall_clock_parse_date(v->valuestring, &y, &m, &d) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected a date \"YYYY-MM-DD\"");
	*day = hall_days_from_civil(y, m, d);
	return HALL_OK;
}

/* "HH:MM" -> minutes; "24:00" only when allow_24. */
static hall_err parse_hhmm(const cJSON *v, const char *p, bool allow_24, int *out, hall_error *err)
{
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[3] < '0' ||
	    s[3] > '9' || s[4] < '0' || s[4] > '9')
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected a time \"HH:MM\"");
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24)))
		return hall_error_set(err, HALL_ERR_INVALID, p, "\"%s\" is not a time of day (00:00 to 23:59%s)", s,
		                      allow_24 ? ", or 24:00 as an end" : "");
	*out = h * 60 + m;
	return HALL_OK;
}

static hall_err check_window(const hall_schedule_window *w, const char *p, hall_error *err)
{
	if (w->start_min == w->end_min || (w->start_min == 0 && w->end_min == 0))
		return hall_error_set(err, HALL_ERR_INVALID, p, "start and end are the same time");
	return HALL_OK;
}

/* true when `ch` repeats the key of an earlier sibling. */
static bool key_repeated(const cJSON *o, const cJSON *ch)
{
	for (const cJSON *prev = o->child; prev != ch; prev = prev->next) {
		if (prev->string && ch->string && strcmp(prev->string, ch->string) == 0)
			return true;
	}
	return false;
}

/* Refuse unknown keys: in a schedule a misspelt optional field ("weekday") would
 * silently widen when something runs. Every unknown or repeated key is noted. */
static hall_err check_keys(sched_ctx *c, const cJSON *o, const char *path, const char *const *allowed)
{
	hall_err rc = HALL_OK;
	for (const cJSON *ch = o->child; ch; ch = ch->next) {
		const char *key = ch->string ? ch->string : "";
		bool known = false;
		for (size_t i = 0; allowed[i]; i++)
			known = known || strcmp(allowed[i], key) == 0;
		char p[sizeof c->cur.path];
		hall_json_path_key(p, sizeof p, path, key);
		if (!known)
			rc = note(c, hall_error_set(&c->cur, HALL_ERR_INVALID, p, "unknown field"));
		else if (key_repeated(o, ch))
			rc = note(c, hall_error_set(&c->cur, HALL_ERR_INVALID, p, "field given twice"));
	}
	return rc;
}

/* The zone must be in the system's zone database (hall/tz.h reads it): glibc silently
 * treats an unknown zone as UTC, which would shift every opening hour by the offset. */
static hall_err check_time_zone(const char *tz, const char *p, hall_error *err)
{
	if (strlen(tz) > HALL_SCHEDULE_TZ_MAX || !hall_tz_known(tz))
		return hall_error_set(err, HALL_ERR_INVALID, p, "unknown time zone \"%.64s\" (e.g. \"Asia/Seoul\")", tz);
	return HALL_OK;
}

static int cmp_day(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void parse_hours(sched_ctx *c, hall_schedule *s, const cJSON *oh)
{
	static const char *const keys[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};
	hall_error *err = &c->cur;
	if (note(c, hall_json_expect_object(oh, "opening_hours", err)) != HALL_OK)
		return;
	check_keys(c, oh, "opening_hours", keys);
	s->has_opening_hours = true;
	for (const cJSON *day = oh->child; day; day = day->next) {
		int wd = hall_schedule_weekday_from_name(day->string);
		if (wd < 0 || key_repeated(oh, day))
			continue; /* noted by check_keys */
		char p[sizeof err->path];
		hall_json_path_key(p, sizeof p, "opening_hours", day->string);
		if (cJSON_IsNull(day))
			continue;
		if (!cJSON_IsArray(day)) {
			note(c, hall_error_set(err, HALL_ERR_INVALID, p, "expected an array of [\"HH:MM\", \"HH:MM\"] windows"));
			continue;
		}
		int n = cJSON_GetArraySize(day);
		if (n > (int)HALL_SCHEDULE_WINDOWS_PER_DAY) {
			note(c, hall_error_set(err, HALL_ERR_INVALID, p, "%d windows, at most %u a day", n,
			                       HALL_SCHEDULE_WINDOWS_PER_DAY));
			continue;
		}
		int i = 0;
		for (const cJSON *w = day->child; w; w = w->next, i++) {
			char wp[sizeof err->path], tp[sizeof err->path];
			hall_json_path_index(wp, sizeof wp, p, i);
			if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != 2) {
				note(c, hall_error_set(err, HALL_ERR_INVALID, wp, "expected [\"HH:MM\", \"HH:MM\"]"));
				continue;
			}
			hall_schedule_window win;
			hall_json_path_index(tp, sizeof tp, wp, 0);
			bool ok = note(c, parse_hhmm(w->child, tp, false, &win.start_min, err)) == HALL_OK;
			hall_json_path_index(tp, sizeof tp, wp, 1);
			ok = note(c, parse_hhmm(w->child->next, tp, true, &win.end_min, err)) == HALL_OK && ok;
			if (ok && note(c, check_window(&win, wp, err)) == HALL_OK)
				s->hours[wd][s->n_hours[wd]++] = win;
		}
	}
}

static hall_err parse_show(sched_ctx *c, hall_schedule_item *it, const cJSON *show, const char *p)
{
	static const char *const keys[] = {"exhibit", "attract", "playlist", NULL};
	hall_error *err = &c->cur;
	hall_err rc = note(c, hall_json_expect_object(show, p, err));
	if (rc != HALL_OK)
		return rc;
	if ((rc = check_keys(c, show, p, keys)) != HALL_OK)
		return rc;
	if (cJSON_GetArraySize(show) != 1)
		return note(c, hall_error_set(err, HALL_ERR_INVALID, p,
		                              "expected exactly one of {\"exhibit\": id}, {\"attract\": true}, "
		                              "{\"playlist\": [ids]}"));
	const cJSON *v = show->child;
	char fp[sizeof err->path];
	hall_json_path_key(fp, sizeof fp, p, v->string);
	if (strcmp(v->string, "attract") == 0) {
		if (!cJSON_IsTrue(v))
			return note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "expected true"));
		it->show = HALL_SHOW_ATTRACT;
		return HALL_OK;
	}
	bool single = strcmp(v->string, "exhibit") == 0;
	size_t n = 1;
	if (!single) {
		if (!cJSON_IsArray(v))
			return note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "expected an array of exhibit ids"));
		int count = cJSON_GetArraySize(v);
		if (count < 1 || count > (int)HALL_SCHEDULE_PLAYLIST_MAX)
			return note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "%d exhibits, expected 1 to %u", count,
			                              HALL_SCHEDULE_PLAYLIST_MAX));
		n = (size_t)count;
	}
	it->playlist = calloc(n, sizeof *it->playlist);
	if (!it->playlist)
		return note(c, hall_error_set(err, HALL_ERR_NOMEM, p, "out of memory"));
	it->show = single ? HALL_SHOW_EXHIBIT : HALL_SHOW_PLAYLIST;
	const cJSON *id = single ? v : v->child;
	for (size_t i = 0; i < n; i++, id = id->next) {
		char ip[sizeof err->path];
		if (single)
			snprintf(ip, sizeof ip, "%s", fp);
		else
			hall_json_path_index(ip, sizeof ip, fp, (int)i);
		if (!cJSON_IsString(id) || !hall_id_is_valid(id->valuestring)) {
			rc = note(c, hall_error_set(err, HALL_ERR_INVALID, ip,
			                            "expected an exhibit id (1 to 64 of a-z, 0-9, '-', '_')"));
			continue;
		}
		snprintf(it->playlist[i], sizeof it->playlist[i], "%s", id->valuestring);
	}
	it->n_playlist = n;
	return rc;
}

static void parse_item(sched_ctx *c, hall_schedule *s, size_t idx, const cJSON *v)
{
	static const char *const keys[] = {"id", "show", "from", "to", "weekdays", "start", "end", "priority", NULL};
	hall_error *err = &c->cur;
	char p[sizeof err->path], fp[sizeof err->path];
	hall_json_path_index(p, sizeof p, "items", (int)idx);
	hall_schedule_item *it = &s->items[idx];
	if (note(c, hall_json_expect_object(v, p, err)) != HALL_OK)
		return;
	check_keys(c, v, p, keys);
	const char *id = NULL;
	if (note(c, hall_json_get_string(v, p, "id", HALL_ID_MAX, &id, err)) == HALL_OK) {
		hall_json_path_key(fp, sizeof fp, p, "id");
		bool ok = true;
		if (!hall_id_is_valid(id)) {
			note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "\"%s\" is not a valid id (1 to 64 of a-z, 0-9, '-', '_')",
			                       id));
			ok = false;
		}
		for (size_t k = 0; ok && k < idx; k++) {
			if (strcmp(s->items[k].id, id) == 0) {
				note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "\"%s\" is used twice (also items[%zu])", id, k));
				ok = false;
			}
		}
		if (ok)
			snprintf(it->id, sizeof it->id, "%s", id);
	}
	const cJSON *show = NULL;
	if (note(c, hall_json_get_object(v, p, "show", &show, err)) == HALL_OK) {
		hall_json_path_key(fp, sizeof fp, p, "show");
		if (parse_show(c, it, show, fp) == HALL_ERR_NOMEM)
			return;
	}
	bool from_ok = true;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(v, "from");
	if (f && !cJSON_IsNull(f)) {
		hall_json_path_key(fp, sizeof fp, p, "from");
		from_ok = note(c, parse_date(f, fp, &it->from_day, err)) == HALL_OK;
		it->has_from = from_ok;
	}
	f = cJSON_GetObjectItemCaseSensitive(v, "to");
	if (f && !cJSON_IsNull(f)) {
		hall_json_path_key(fp, sizeof fp, p, "to");
		if (note(c, parse_date(f, fp, &it->to_day, err)) == HALL_OK) {
			it->has_to = true;
			if (it->has_from && it->to_day < it->from_day)
				note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "\"to\" is before \"from\""));
		}
	}
	it->weekdays = 0x7f;
	f = cJSON_GetObjectItemCaseSensitive(v, "weekdays");
	if (f && !cJSON_IsNull(f)) {
		hall_json_path_key(fp, sizeof fp, p, "weekdays");
		int n = cJSON_IsArray(f) ? cJSON_GetArraySize(f) : -1;
		if (n < 1 || n > 7) {
			note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "expected an array of 1 to 7 of \"mon\" ... \"sun\""));
		} else {
			it->weekdays = 0;
			int i = 0;
			for (const cJSON *d = f->child; d; d = d->next, i++) {
				char dp[sizeof err->path];
				hall_json_path_index(dp, sizeof dp, fp, i);
				int wd = cJSON_IsString(d) ? hall_schedule_weekday_from_name(d->valuestring) : -1;
				if (wd < 0)
					note(c, hall_error_set(err, HALL_ERR_INVALID, dp,
					                       "expected one of mon, tue, wed, thu, fri, sat, sun"));
				else if (it->weekdays & (1u << wd))
					note(c, hall_error_set(err, HALL_ERR_INVALID, dp, "\"%s\" is listed twice", d->valuestring));
				else
					it->weekdays = (uint8_t)(it->weekdays | (1u << wd));
			}
		}
	}
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(v, "start");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(v, "end");
	bool has_st = st && !cJSON_IsNull(st), has_en = en && !cJSON_IsNull(en);
	it->all_day = !has_st;
	it->window.start_min = 0;
	it->window.end_min = MIN_PER_DAY;
	if (has_st != has_en) {
		hall_json_path_key(fp, sizeof fp, p, has_st ? "end" : "start");
		note(c, hall_error_set(err, HALL_ERR_INVALID, fp, "missing: give both start and end, or neither (whole day)"));
	} else if (has_st) {
		hall_json_path_key(fp, sizeof fp, p, "start");
		bool ok = note(c, parse_hhmm(st, fp, false, &it->window.start_min, err)) == HALL_OK;
		hall_json_path_key(fp, sizeof fp, p, "end");
		ok = note(c, parse_hhmm(en, fp, true, &it->window.end_min, err)) == HALL_OK && ok;
		if (ok)
			note(c, check_window(&it->window, p, err));
	}
	int64_t prio = 0;
	if (note(c, hall_json_opt_int(v, p, "priority", -HALL_SCHEDULE_PRIORITY_LIMIT, HALL_SCHEDULE_PRIORITY_LIMIT,
	                              &prio, err)) == HALL_OK)
		it->priority = (int)prio;
}

static void parse_closures(sched_ctx *c, hall_schedule *s, const cJSON *cl)
{
	hall_error *err = &c->cur;
	int n = cJSON_IsArray(cl) ? cJSON_GetArraySize(cl) : -1;
	if (n < 0 || n > (int)HALL_SCHEDULE_CLOSURES_MAX) {
		note(c, hall_error_set(err, HALL_ERR_INVALID, "closures", "expected an array of at most %u dates",
		                       HALL_SCHEDULE_CLOSURES_MAX));
		return;
	}
	if (n > 0 && !(s->closures = calloc((size_t)n, sizeof *s->closures))) {
		note(c, hall_error_set(err, HALL_ERR_NOMEM, "closures", "out of memory"));
		return;
	}
	size_t got = 0;
	int i = 0;
	for (const cJSON *d = cl->child; d && i < n; d = d->next, i++) {
		char p[sizeof err->path];
		hall_json_path_index(p, sizeof p, "closures", i);
		if (note(c, parse_date(d, p, &s->closures[got], err)) == HALL_OK)
			got++;
	}
	if (got > 0)
		qsort(s->closures, got, sizeof *s->closures, cmp_day);
	size_t kept = 0;
	for (size_t k = 0; k < got; k++) {
		if (kept == 0 || s->closures[kept - 1] != s->closures[k])
			s->closures[kept++] = s->closures[k];
	}
	s->n_closures = kept;
}

static void parse_items(sched_ctx *c, hall_schedule *s, const cJSON *items)
{
	hall_error *err = &c->cur;
	int n = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : -1;
	if (n < 0 || n > (int)HALL_SCHEDULE_ITEMS_MAX) {
		note(c, hall_error_set(err, HALL_ERR_INVALID, "items", "expected an array of at most %u items",
		                       HALL_SCHEDULE_ITEMS_MAX));
		return;
	}
	if (n > 0 && !(s->items = calloc((size_t)n, sizeof *s->items))) {
		note(c, hall_error_set(err, HALL_ERR_NOMEM, "items", "out of memory"));
		return;
	}
	size_t i = 0;
	for (const cJSON *v = items->child; v && i < (size_t)n && !c->nomem; v = v->next, i++) {
		s->n_items = i + 1; /* so destroy frees what this item allocated */
		parse_item(c, s, i, v);
	}
}

static hall_err schedule_build(sched_ctx *c, const cJSON *root, hall_schedule **out)
{
	static const char *const keys[] = {"time_zone", "opening_hours", "closures", "items", NULL};
	hall_error *err = &c->cur;
	hall_schedule *s = NULL;
	*out = NULL;
	if (note(c, hall_json_expect_object(root, "", err)) != HALL_OK)
		return c->first;
	check_keys(c, root, "", keys);
	s = calloc(1, sizeof *s);
	if (!s)
		return note(c, hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory"));
	const char *tz = NULL;
	if (note(c, hall_json_opt_string(root, "", "time_zone", HALL_SCHEDULE_TZ_MAX, &tz, err)) == HALL_OK && tz &&
	    note(c, check_time_zone(tz, "time_zone", err)) == HALL_OK)
		snprintf(s->time_zone, sizeof s->time_zone, "%s", tz);
	const cJSON *oh = cJSON_GetObjectItemCaseSensitive(root, "opening_hours");
	if (oh && !cJSON_IsNull(oh)) {
		parse_hours(c, s, oh);
	} else {
		/* No opening hours: every day is open all day (closures still close a day). */
		for (int d = 0; d < 7; d++) {
			s->hours[d][0].start_min = 0;
			s->hours[d][0].end_min = MIN_PER_DAY;
			s->n_hours[d] = 1;
		}
	}
	const cJSON *cl = cJSON_GetObjectItemCaseSensitive(root, "closures");
	if (cl && !cJSON_IsNull(cl) && !c->nomem)
		parse_closures(c, s, cl);
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
	if (items && !cJSON_IsNull(items) && !c->nomem)
		parse_items(c, s, items);
	if (c->first != HALL_OK) {
		hall_schedule_destroy(s);
		return c->nomem ? HALL_ERR_NOMEM : c->first;
	}
	*out = s;
	return HALL_OK;
}

hall_err hall_schedule_from_json_report(const cJSON *root, hall_issue_fn report, void *user, hall_schedule **out,
                                        hall_error *err)
{
	sched_ctx c = {.report = report, .user = user, .err = err, .first = HALL_OK};
	return schedule_build(&c, root, out);
}

hall_err hall_schedule_from_json(const cJSON *root, hall_schedule **out, hall_error *err)
{
	return hall_schedule_from_json_report(root, NULL, NULL, out, err);
}

hall_err hall_schedule_parse_report(const char *buf, size_t len, hall_issue_fn report, void *user,
                                    hall_schedule **out, hall_error *err)
{
	sched_ctx c = {.report = report, .user = user, .err = err, .first = HALL_OK};
	cJSON *root = NULL;
	*out = NULL;
	hall_err rc = note(&c, hall_json_parse(buf, len, HALL_SCHEDULE_JSON_MAX, &root, &c.cur));
	if (rc == HALL_OK)
		rc = schedule_build(&c, root, out);
	cJSON_Delete(root);
	return rc;
}

hall_err hall_schedule_parse(const char *buf, size_t len, hall_schedule **out, hall_error *err)
{
	return hall_schedule_parse_report(buf, len, NULL, NULL, out, err);
}

void hall_schedule_destroy(hall_schedule *schedule)
{
	if (!schedule)
		return;
	for (size_t i = 0; i < schedule->n_items; i++)
		free(schedule->items[i].playlist);
	free(schedule->items);
	free(schedule->closures);
	free(schedule);
}

hall_err hall_schedule_check_content(const hall_schedule *schedule, const hall_content *content,
                                     hall_issue_fn report, void *user, hall_error *err)
{
	hall_err first = HALL_OK;
	for (size_t i = 0; i < schedule->n_items; i++) {
		const hall_schedule_item *it = &schedule->items[i];
		for (size_t k = 0; k < it->n_playlist; k++) {
			if (hall_content_find_exhibit(content, it->playlist[k]))
				continue;
			hall_issue is;
			is.severity = HALL_ISSUE_ERROR;
			if (it->show == HALL_SHOW_EXHIBIT)
				snprintf(is.path, sizeof is.path, "items[%zu].show.exhibit", i);
			else
				snprintf(is.path, sizeof is.path, "items[%zu].show.playlist[%zu]", i, k);
			snprintf(is.msg, sizeof is.msg, "exhibit \"%s\" is not in the content pack", it->playlist[k]);
			if (report)
				report(user, &is);
			if (first == HALL_OK)
				first = hall_error_set(err, HALL_ERR_NOT_FOUND, is.path, "%s", is.msg);
		}
	}
	return first;
}

/* ---- evaluation -------------------------------------------------------------------- */

static bool is_closure(const hall_schedule *s, int64_t day)
{
	size_t lo = 0, hi = s->n_closures;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->closures[mid] == day)
			return true;
		if (s->closures[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The window of a day as [start, end) in local minutes. */
static void window_on(const hall_schedule_window *w, int64_t day, int64_t *start, int64_t *end)
{
	*start = day * MIN_PER_DAY + w->start_min;
	*end = day * MIN_PER_DAY + w->end_min + (w->end_min <= w->start_min ? MIN_PER_DAY : 0);
}

/* The latest end among opening windows that contain local minute `m`, or -1. Windows
 * start at most one day before the day of m. */
static int64_t open_until(const hall_schedule *s, int64_t m)
{
	int64_t best = -1, today = floor_div(m, MIN_PER_DAY);
	for (int64_t day = today - 1; day <= today; day++) {
		if (is_closure(s, day))
			continue;
		int wd = weekday_of(day);
		for (size_t i = 0; i < s->n_hours[wd]; i++) {
			int64_t a, b;
			window_on(&s->hours[wd][i], day, &a, &b);
			if (a <= m && m < b && b > best)
				best = b;
		}
	}
	return best;
}

static bool item_on_day(const hall_schedule_item *it, int64_t day)
{
	if (it->has_from && day < it->from_day)
		return false;
	if (it->has_to && day > it->to_day)
		return false;
	return (it->weekdays >> weekday_of(day)) & 1u;
}

static hall_err local_to_utc(int64_t m, const char *tz, int64_t *utc_ms, hall_error *err)
{
	hall_civil c;
	memset(&c, 0, sizeof c);
	int64_t day = floor_div(m, MIN_PER_DAY);
	int64_t mod = m - day * MIN_PER_DAY;
	int64_t year;
	hall_civil_from_days(day, &year, &c.month, &c.day);
	c.year = (int)year;
	c.hour = (int)(mod / 60);
	c.minute = (int)(mod % 60);
	if (hall_clock_from_civil(&c, tz, utc_ms) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "time_zone", "cannot convert local time in \"%s\"", tz);
	return HALL_OK;
}

hall_err hall_schedule_eval(const hall_schedule *schedule, int64_t utc_ms, const char *tz,
                            hall_schedule_result *result, hall_error *err)
{
	const hall_schedule *s = schedule;
	const char *zone = s->time_zone[0] ? s->time_zone : (tz && *tz ? tz : HALL_SCHEDULE_DEFAULT_TZ);
	hall_civil now;
	result->open = false;
	result->item = NULL;
	result->next_open_ms = -1;
	result->closes_ms = -1;
	if (hall_clock_to_civil(utc_ms, zone, &now) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "time_zone", "cannot read the time in \"%s\"", zone);
	int64_t today = hall_days_from_civil(now.year, now.month, now.day);
	int64_t m = today * MIN_PER_DAY + now.hour * 60 + now.minute;
	const int64_t horizon = m + (int64_t)HALL_SCHEDULE_HORIZON_DAYS * MIN_PER_DAY;

	int64_t end = open_until(s, m);
	if (end < 0) {
		/* Closed: the earliest window start after m, day by day. */
		for (int64_t day = today; day * MIN_PER_DAY <= horizon; day++) {
			if (is_closure(s, day))
				continue;
			int wd = weekday_of(day);
			int64_t best = -1;
			for (size_t i = 0; i < s->n_hours[wd]; i++) {
				int64_t a, b;
				window_on(&s->hours[wd][i], day, &a, &b);
				if (a > m && (best < 0 || a < best))
					best = a;
			}
			if (best >= 0)
				return local_to_utc(best, zone, &result->next_open_ms, err);
		}
		return HALL_OK;
	}
	result->open = true;
	/* Follow windows that join without a gap (10:00-24:00 then 00:00-02:00). Each step
	 * moves `end` forward, and the horizon bounds the walk. */
	for (;;) {
		int64_t next = open_until(s, end);
		if (next <= end)
			break;
		end = next;
		if (end > horizon)
			break;
	}
	if (end <= horizon) {
		hall_err rc = local_to_utc(end, zone, &result->closes_ms, err);
		if (rc != HALL_OK)
			return rc;
	}

	/* The active item: highest priority, then the later-starting window, then first listed. */
	int64_t best_start = 0;
	for (size_t i = 0; i < s->n_items; i++) {
		const hall_schedule_item *it = &s->items[i];
		for (int64_t day = today - 1; day <= today; day++) {
			if (!item_on_day(it, day))
				continue;
			int64_t a, b;
			window_on(&it->window, day, &a, &b);
			if (!(a <= m && m < b))
				continue;
			const hall_schedule_item *cur = result->item;
			if (!cur || it->priority > cur->priority || (it->priority == cur->priority && a > best_start)) {
				result->item = it;
				best_start = a;
			}
		}
	}
	return HALL_OK;
}
