/* action_schedule.c: what the schedules and content pushed now make a screen show, by the
 * kiosk's own rules (action.h): the most specific scope wins (kiosk, its group, all; a
 * cleared scope falls back to the wider one), and open/closed and the active item come
 * from hall_schedule_eval, the function the kiosk itself runs. `schedule show --at` and
 * the console's Schedules page both ask here, so they never disagree. */
#include "action.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/lang.h"
#include "hall/schedule.h"
#include "hall/tz.h"

#define MIN_PER_DAY 1440

int hall_action_parse_local_time(const char *s, const char *tz, int64_t *out)
{
	hall_civil c = {0};
	int n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &c.year, &c.month, &c.day, &c.hour, &c.minute, &n) != 5 ||
	    s[n] != '\0')
		return -1;
	char date[16];
	snprintf(date, sizeof date, "%.10s", s);
	int y, m, d;
	if (hall_clock_parse_date(date, &y, &m, &d) != 0 || c.hour > 23 || c.minute > 59 || c.hour < 0 || c.minute < 0)
		return -1;
	return hall_clock_from_civil(&c, tz, out);
}

/* The scopes that address a target, most specific first: kiosk:ID, group:G, all. */
static int scopes_of(const hall_scope *target, const char *group, char out[3][HALL_SCOPE_BUF])
{
	int n = 0;
	if (target->kind == HALL_SCOPE_KIOSK)
		snprintf(out[n++], HALL_SCOPE_BUF, "kiosk:%s", target->name);
	if (target->kind == HALL_SCOPE_GROUP)
		snprintf(out[n++], HALL_SCOPE_BUF, "group:%s", target->name);
	else if (target->kind == HALL_SCOPE_KIOSK && group && group[0])
		snprintf(out[n++], HALL_SCOPE_BUF, "group:%s", group);
	snprintf(out[n++], HALL_SCOPE_BUF, "all");
	return n;
}

/* The body of the most specific desired state of `kind` among scopes: env filled, scope
 * and version set. -1 when none holds one (nothing pushed, or every one cleared). */
static int most_specific(hall_store *store, hall_envelope_kind kind, char scopes[3][HALL_SCOPE_BUF], int n,
                         hall_envelope *env, char *scope_out, int64_t *version)
{
	for (int i = 0; i < n; i++) {
		hall_store_desired d;
		if (hall_store_get_desired(store, hall_envelope_kind_name(kind), scopes[i], &d, NULL) != HALL_OK)
			continue;
		bool got = !d.cleared && hall_proto_decode_envelope(kind, d.payload, d.payload_len, env, NULL) == HALL_OK &&
		           env->body;
		int64_t v = d.version;
		hall_store_desired_free(&d);
		if (got) {
			snprintf(scope_out, HALL_SCOPE_BUF, "%s", scopes[i]);
			*version = v;
			return 0;
		}
		hall_envelope_free(env);
		memset(env, 0, sizeof *env);
	}
	return -1;
}

/* The schedule that applies to the scopes (NULL: none, open always). */
static hall_schedule *schedule_of(hall_store *store, char scopes[3][HALL_SCOPE_BUF], int n, cJSON *doc)
{
	hall_envelope env = {0};
	char scope[HALL_SCOPE_BUF];
	int64_t version = 0;
	hall_schedule *sch = NULL;
	if (most_specific(store, HALL_ENVELOPE_SCHEDULE, scopes, n, &env, scope, &version) == 0 &&
	    hall_schedule_from_json(env.body, &sch, NULL) == HALL_OK) {
		cJSON *o = cJSON_AddObjectToObject(doc, "schedule");
		cJSON_AddStringToObject(o, "scope", scope);
		cJSON_AddNumberToObject(o, "version", (double)version);
		cJSON_AddItemToObject(o, "body", cJSON_Duplicate(env.body, 1)); /* as pushed: to edit it */
	} else
		cJSON_AddNullToObject(doc, "schedule");
	hall_envelope_free(&env);
	return sch;
}

static const char *show_name(hall_show_kind k)
{
	return k == HALL_SHOW_EXHIBIT ? "exhibit" : k == HALL_SHOW_ATTRACT ? "attract" : "playlist";
}

static cJSON *item_json(const hall_schedule_item *it, const hall_content *content)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", it->id);
	cJSON_AddStringToObject(o, "show", show_name(it->show));
	cJSON *ex = cJSON_AddArrayToObject(o, "exhibits");
	cJSON *missing = content ? cJSON_AddArrayToObject(o, "missing") : NULL;
	for (size_t i = 0; i < it->n_playlist; i++) {
		cJSON_AddItemToArray(ex, cJSON_CreateString(it->playlist[i]));
		if (missing && !hall_content_find_exhibit(content, it->playlist[i]))
			cJSON_AddItemToArray(missing, cJSON_CreateString(it->playlist[i]));
	}
	cJSON_AddNumberToObject(o, "priority", it->priority);
	return o;
}

static void add_ms(cJSON *o, const char *key, int64_t ms)
{
	if (ms >= 0)
		cJSON_AddNumberToObject(o, key, (double)ms);
	else
		cJSON_AddNullToObject(o, key);
}

static const char *zone_of(const hall_controller_config *cfg, const hall_schedule *sch)
{
	if (sch && sch->time_zone[0])
		return sch->time_zone;
	return cfg->time_zone[0] ? cfg->time_zone : HALL_SCHEDULE_DEFAULT_TZ;
}

/* The content the scopes show: its scope, version and pack; the parsed pack (to check a
 * schedule's exhibits against) when it parses. */
static hall_content *content_of(hall_store *store, char scopes[3][HALL_SCOPE_BUF], int n, cJSON *doc)
{
	hall_envelope env = {0};
	char scope[HALL_SCOPE_BUF], *body = NULL;
	int64_t version = 0;
	size_t len = 0;
	hall_content *content = NULL;
	cJSON *o = cJSON_AddObjectToObject(doc, "content");
	if (most_specific(store, HALL_ENVELOPE_CONTENT, scopes, n, &env, scope, &version) != 0) {
		cJSON_AddStringToObject(o, "scope", "default"); /* the built-in pack */
		cJSON_AddNumberToObject(o, "version", 0);
		cJSON_AddStringToObject(o, "pack", "default");
		return NULL;
	}
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(env.body, "id");
	cJSON_AddStringToObject(o, "scope", scope);
	cJSON_AddNumberToObject(o, "version", (double)version);
	cJSON_AddStringToObject(o, "pack", cJSON_IsString(id) ? id->valuestring : "");
	if ((body = hall_json_print(env.body, &len)) != NULL)
		hall_content_parse(body, len, NULL, NULL, &content, NULL);
	free(body);
	hall_envelope_free(&env);
	return content;
}

static void notice_of(hall_store *store, char scopes[3][HALL_SCOPE_BUF], int n, int64_t at, cJSON *doc)
{
	hall_envelope env = {0};
	char scope[HALL_SCOPE_BUF];
	int64_t version = 0;
	hall_notice no;
	if (most_specific(store, HALL_ENVELOPE_NOTICE, scopes, n, &env, scope, &version) != 0 ||
	    hall_proto_notice_from_json(env.body, "notice", &no, NULL) != HALL_OK || (no.until >= 0 && no.until <= at)) {
		hall_envelope_free(&env);
		cJSON_AddNullToObject(doc, "notice");
		return;
	}
	hall_envelope_free(&env);
	cJSON *o = cJSON_AddObjectToObject(doc, "notice");
	cJSON_AddStringToObject(o, "scope", scope);
	cJSON_AddNumberToObject(o, "version", (double)version);
	cJSON_AddStringToObject(o, "level", no.level == HALL_NOTICE_URGENT ? "urgent" : "info");
	cJSON *t = cJSON_AddObjectToObject(o, "text");
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		if (no.text[l][0])
			cJSON_AddStringToObject(t, hall_lang_code((hall_lang)l), no.text[l]);
	add_ms(o, "until", no.until);
}

hall_err hall_action_schedule_at(const hall_controller_config *cfg, hall_store *store, const char *kiosk, int64_t at,
                                 cJSON **out, hall_error *err)
{
	char scopes[3][HALL_SCOPE_BUF], why[512];
	hall_scope target = {.kind = HALL_SCOPE_KIOSK};
	hall_store_kiosk k;
	*out = NULL;
	if (!kiosk || !hall_id_is_valid(kiosk))
		return hall_error_set(err, HALL_ERR_INVALID, "kiosk", "expected a kiosk id");
	snprintf(target.name, sizeof target.name, "%s", kiosk);
	if (hall_action_check_target(cfg, store, &target, why, sizeof why) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "kiosk", "%s", why);
	if (hall_store_kiosk_get(store, kiosk, &k, NULL) != HALL_OK)
		memset(&k, 0, sizeof k); /* named by the config only: no group known yet */
	int n = scopes_of(&target, k.group, scopes);
	cJSON *doc = cJSON_CreateObject();
	if (!doc)
		return hall_error_set(err, HALL_ERR_NOMEM, "schedule", "out of memory");
	cJSON_AddStringToObject(doc, "kiosk", kiosk);
	if (k.group[0])
		cJSON_AddStringToObject(doc, "group", k.group);
	else
		cJSON_AddNullToObject(doc, "group");
	cJSON_AddNumberToObject(doc, "at", (double)at);
	hall_content *content = content_of(store, scopes, n, doc);
	hall_schedule *sch = schedule_of(store, scopes, n, doc);
	const char *zone = zone_of(cfg, sch);
	hall_civil c;
	char local[32] = "";
	if (hall_clock_to_civil(at, zone, &c) == 0)
		snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d", c.year % 10000, c.month % 100, c.day % 100,
		         c.hour % 100, c.minute % 100);
	cJSON_AddStringToObject(doc, "local", local);
	cJSON_AddStringToObject(doc, "time_zone", zone);
	hall_schedule_result r = {.open = true, .next_open_ms = -1, .closes_ms = -1};
	hall_err rc = sch ? hall_schedule_eval(sch, at, cfg->time_zone, &r, err) : HALL_OK;
	if (rc == HALL_OK) {
		cJSON_AddBoolToObject(doc, "open", r.open);
		add_ms(doc, "closes", r.closes_ms);
		add_ms(doc, "next_open", r.next_open_ms);
		/* A kiosk shows the default (every exhibit) instead of an item naming an exhibit
		 * its content lacks (hall_schedule_check_content). */
		bool usable = r.item != NULL;
		for (size_t i = 0; r.item && content && i < r.item->n_playlist; i++)
			usable = usable && hall_content_find_exhibit(content, r.item->playlist[i]);
		if (r.item)
			cJSON_AddItemToObject(doc, "item", item_json(r.item, content));
		else
			cJSON_AddNullToObject(doc, "item");
		cJSON_AddStringToObject(doc, "shows", !r.open ? "closed" : usable ? show_name(r.item->show) : "default");
		notice_of(store, scopes, n, at, doc);
		*out = doc;
		doc = NULL;
	}
	cJSON_Delete(doc);
	hall_schedule_destroy(sch);
	hall_content_destroy(content);
	return rc;
}

/* ---------------------------------------------------------------- the week */

static bool closure_on(const hall_schedule *s, int64_t day)
{
	for (size_t i = 0; i < s->n_closures; i++)
		if (s->closures[i] == day)
			return true;
	return false;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Add a window's edges that fall inside the day (minutes 0..1439): a window that runs past
 * midnight ends on the next day, where its end is an edge too. */
static void add_edges(int *m, size_t *n, size_t cap, const hall_schedule_window *w)
{
	int edges[3] = {w->start_min % MIN_PER_DAY, w->end_min % MIN_PER_DAY, 0};
	for (int i = 0; i < 3 && *n < cap; i++)
		m[(*n)++] = edges[i];
}

static const char *item_key(const hall_schedule_result *r)
{
	return !r->open ? "-" : r->item ? r->item->id : "";
}

/* One day, as the kiosk's own evaluation sees it: the moments something may change (the
 * edges of every window that may touch the day), evaluated with hall_schedule_eval, and
 * runs of the same state joined into segments {start, end (minutes), open, item}. */
static hall_err day_json(const hall_schedule *s, int64_t day, const char *zone, cJSON *segs, hall_error *err)
{
	size_t cap = 3 * (7 * HALL_SCHEDULE_WINDOWS_PER_DAY + s->n_items) + 1, n = 0;
	int *m = malloc(cap * sizeof *m);
	if (!m)
		return hall_error_set(err, HALL_ERR_NOMEM, "schedule", "out of memory");
	for (int wd = 0; wd < 7; wd++)
		for (size_t i = 0; i < s->n_hours[wd]; i++)
			add_edges(m, &n, cap, &s->hours[wd][i]);
	for (size_t i = 0; i < s->n_items; i++)
		if (!s->items[i].all_day)
			add_edges(m, &n, cap, &s->items[i].window);
	qsort(m, n, sizeof *m, cmp_int);
	int64_t y;
	int mo, d;
	hall_civil_from_days(day, &y, &mo, &d);
	hall_schedule_result prev = {0};
	int start = -1;
	hall_err rc = HALL_OK;
	for (size_t i = 0; i <= n && rc == HALL_OK; i++) {
		if (i < n && i > 0 && m[i] == m[i - 1])
			continue;
		hall_schedule_result r = {0};
		if (i < n) {
			hall_civil c = {.year = (int)y, .month = mo, .day = d, .hour = m[i] / 60, .minute = m[i] % 60};
			int64_t utc;
			if (hall_clock_from_civil(&c, zone, &utc) != 0) {
				rc = hall_error_set(err, HALL_ERR_INVALID, "time_zone", "cannot convert local time in \"%s\"", zone);
				break;
			}
			if ((rc = hall_schedule_eval(s, utc, zone, &r, err)) != HALL_OK)
				break;
			if (start >= 0 && r.open == prev.open && strcmp(item_key(&r), item_key(&prev)) == 0)
				continue;
		}
		if (start >= 0) {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "start", start);
			cJSON_AddNumberToObject(o, "end", i < n ? m[i] : MIN_PER_DAY);
			cJSON_AddBoolToObject(o, "open", prev.open);
			if (prev.open && prev.item)
				cJSON_AddStringToObject(o, "item", prev.item->id);
			else
				cJSON_AddNullToObject(o, "item");
			cJSON_AddItemToArray(segs, o);
		}
		if (i < n) {
			prev = r;
			start = m[i];
		}
	}
	free(m);
	return rc;
}

/* The exhibits' names in every language of the pack the target's scopes show ("titles":
 * {ID: {LANG: TEXT}}), so pages name an item by what it shows rather than by its id. The
 * built-in pack (nothing pushed) is read where a kiosk finds it: "assets/default" from the
 * working directory (development; the kiosk unit's working directory holds it too) or the
 * share folder of the .deb (/usr) or of `cmake --install` (/usr/local). None found: {}. */
static void titles_json(hall_content *content, cJSON *doc)
{
	cJSON *titles = cJSON_AddObjectToObject(doc, "titles");
	hall_content *own = NULL;
	if (!content) {
		static const char *const builtin[] = {"assets/default/manifest.json",
		                                      "/usr/share/hall/assets/default/manifest.json",
		                                      "/usr/local/share/hall/assets/default/manifest.json"};
		for (size_t i = 0; i < sizeof builtin / sizeof *builtin && !own; i++) {
			char *buf = NULL;
			size_t len = 0;
			if (hall_fs_read_file(builtin[i], HALL_CONTENT_MANIFEST_MAX, &buf, &len, NULL) == HALL_OK)
				hall_content_parse(buf, len, NULL, NULL, &own, NULL);
			free(buf);
		}
		content = own;
	}
	for (size_t i = 0; content && titles && i < content->n_exhibits; i++) {
		const hall_exhibit *ex = &content->exhibits[i];
		cJSON *t = cJSON_AddObjectToObject(titles, ex->id);
		for (int l = 0; t && l < HALL_LANG_COUNT; l++) {
			const char *s = hall_text_get(&ex->title, (hall_lang)l);
			if (s && s[0])
				cJSON_AddStringToObject(t, hall_lang_code((hall_lang)l), s);
		}
	}
	hall_content_destroy(own);
}

/* The week of schedule sch (NULL: none, open always) into doc: "time_zone", "items",
 * "days" (hall_action_schedule_week). */
static hall_err week_json(const hall_controller_config *cfg, const hall_schedule *sch, const char *from_day, int days,
                          cJSON *doc, hall_error *err)
{
	int y, mo, d;
	const char *zone = zone_of(cfg, sch);
	cJSON_AddStringToObject(doc, "time_zone", zone);
	int64_t first;
	if (from_day && from_day[0]) {
		if (hall_clock_parse_date(from_day, &y, &mo, &d) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "from", "expected a date YYYY-MM-DD, not \"%.40s\"", from_day);
		first = hall_days_from_civil(y, mo, d);
	} else {
		hall_civil c;
		if (hall_clock_to_civil(hall_clock_now_ms(), zone, &c) != 0)
			memset(&c, 0, sizeof c);
		first = hall_days_from_civil(c.year, c.month, c.day);
	}
	cJSON *items = cJSON_AddArrayToObject(doc, "items");
	for (size_t i = 0; sch && i < sch->n_items; i++)
		cJSON_AddItemToArray(items, item_json(&sch->items[i], NULL));
	cJSON *arr = cJSON_AddArrayToObject(doc, "days");
	hall_err rc = HALL_OK;
	for (int i = 0; i < days && rc == HALL_OK; i++) {
		int64_t day = first + i, yy;
		int m2, d2;
		char date[16];
		hall_civil_from_days(day, &yy, &m2, &d2);
		snprintf(date, sizeof date, "%04d-%02d-%02d", (int)(yy % 10000), m2 % 100, d2 % 100);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "date", date);
		cJSON_AddNumberToObject(o, "weekday", (double)(((day % 7) + 11) % 7)); /* 1970-01-01 was a Thursday */
		cJSON_AddBoolToObject(o, "closure", sch && closure_on(sch, day));
		cJSON *segs = cJSON_AddArrayToObject(o, "segments");
		if (!sch) {
			cJSON *seg = cJSON_CreateObject();
			cJSON_AddNumberToObject(seg, "start", 0);
			cJSON_AddNumberToObject(seg, "end", MIN_PER_DAY);
			cJSON_AddBoolToObject(seg, "open", true);
			cJSON_AddNullToObject(seg, "item");
			cJSON_AddItemToArray(segs, seg);
		} else
			rc = day_json(sch, day, zone, segs, err);
	}
	return rc;
}

/* The start of a week answer: days checked, the target known, its scopes (most specific
 * first) in scopes and *n, and a document with "to". */
static hall_err week_doc(const hall_controller_config *cfg, hall_store *store, const hall_scope *target, int days,
                         char scopes[3][HALL_SCOPE_BUF], int *n, cJSON **doc, hall_error *err)
{
	char why[512], scope_s[HALL_SCOPE_BUF];
	hall_store_kiosk k;
	*doc = NULL;
	if (days < 1 || days > 31)
		return hall_error_set(err, HALL_ERR_INVALID, "days", "expected 1 to 31");
	if (hall_action_check_target(cfg, store, target, why, sizeof why) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "to", "%s", why);
	memset(&k, 0, sizeof k);
	if (target->kind == HALL_SCOPE_KIOSK && hall_store_kiosk_get(store, target->name, &k, NULL) != HALL_OK)
		memset(&k, 0, sizeof k);
	*n = scopes_of(target, k.group, scopes);
	if (!(*doc = cJSON_CreateObject()))
		return hall_error_set(err, HALL_ERR_NOMEM, "schedule", "out of memory");
	hall_scope_format(target, scope_s, sizeof scope_s);
	cJSON_AddStringToObject(*doc, "to", scope_s);
	return HALL_OK;
}

hall_err hall_action_schedule_week(const hall_controller_config *cfg, hall_store *store, const hall_scope *target,
                                   const char *from_day, int days, cJSON **out, hall_error *err)
{
	char scopes[3][HALL_SCOPE_BUF];
	cJSON *doc;
	int n = 0;
	*out = NULL;
	hall_err rc = week_doc(cfg, store, target, days, scopes, &n, &doc, err);
	if (rc != HALL_OK)
		return rc;
	hall_schedule *sch = schedule_of(store, scopes, n, doc);
	hall_content *content = content_of(store, scopes, n, doc);
	titles_json(content, doc);
	hall_content_destroy(content);
	rc = week_json(cfg, sch, from_day, days, doc, err);
	hall_schedule_destroy(sch);
	if (rc != HALL_OK) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return HALL_OK;
}

/* Every problem goes into the answer's "issues" as {"severity","path","message"}. */
static void issue_json(void *user, const hall_issue *i)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "severity", i->severity == HALL_ISSUE_ERROR ? "error" : "warning");
	cJSON_AddStringToObject(o, "path", i->path);
	cJSON_AddStringToObject(o, "message", i->msg);
	cJSON_AddItemToArray(user, o);
}

hall_err hall_action_schedule_preview(const hall_controller_config *cfg, hall_store *store, const hall_scope *target,
                                      const char *buf, size_t len, const char *from_day, int days, cJSON **out,
                                      hall_error *err)
{
	char scopes[3][HALL_SCOPE_BUF], msg[600];
	cJSON *doc;
	int n = 0;
	*out = NULL;
	hall_err rc = week_doc(cfg, store, target, days, scopes, &n, &doc, err);
	if (rc != HALL_OK)
		return rc;
	cJSON *issues = cJSON_AddArrayToObject(doc, "issues");
	if (!issues) {
		cJSON_Delete(doc);
		return hall_error_set(err, HALL_ERR_NOMEM, "schedule", "out of memory");
	}
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(doc, "to");
	/* `schedule validate`'s parser (every problem with its path), then the exhibits
	 * against the content the target shows, as `schedule push` checks them. */
	hall_schedule *sch = NULL;
	hall_error perr = {0};
	hall_err prc = hall_schedule_parse_report(buf, len, issue_json, issues, &sch, &perr);
	if (prc != HALL_OK && cJSON_GetArraySize(issues) == 0) {
		hall_issue one = {.severity = HALL_ISSUE_ERROR};
		snprintf(one.path, sizeof one.path, "%s", perr.path);
		snprintf(one.msg, sizeof one.msg, "%s", perr.path[0] ? perr.msg : hall_error_format(&perr, msg, sizeof msg));
		issue_json(issues, &one);
	}
	cJSON *scratch = cJSON_CreateObject();
	hall_content *content = scratch ? content_of(store, scopes, n, scratch) : NULL;
	cJSON_Delete(scratch);
	if (sch && content)
		hall_schedule_check_content(sch, content, issue_json, issues, NULL);
	titles_json(content, doc);
	hall_content_destroy(content);
	int errors = 0;
	cJSON *it;
	cJSON_ArrayForEach(it, issues)
	{
		const cJSON *sev = cJSON_GetObjectItemCaseSensitive(it, "severity");
		errors += cJSON_IsString(sev) && strcmp(sev->valuestring, "error") == 0;
	}
	cJSON_AddNumberToObject(doc, "errors", errors);
	if (sch && errors == 0) {
		cJSON *week = cJSON_AddObjectToObject(doc, "week");
		cJSON_AddStringToObject(week, "to", cJSON_GetStringValue(to));
		cJSON_AddNullToObject(week, "schedule");
		rc = week_json(cfg, sch, from_day, days, week, err);
	} else
		cJSON_AddNullToObject(doc, "week");
	hall_schedule_destroy(sch);
	if (rc != HALL_OK) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return HALL_OK;
}
