/* report_json.c: the report's document as JSON, for programs (the staff console, the
 * tests, a city's data office). Its keys are a contract and do not change with the
 * language; only "title" fields (names from the packs) and the attract/home row's name
 * follow it. Every count, seq, version and time prints exactly as the integer it is
 * (hall_json_add_int): never through a double, which rounds above 2^53. */
#include "report_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hall/json.h"

#define INT hall_json_add_int

/* dwell_median_ms, dwell_p90_ms and dwell_n; the first two null when there is no sample. */
static void json_dwell(cJSON *o, const hall_report_dwell *d)
{
	if (d->n) {
		INT(o, "dwell_median_ms", d->median);
		INT(o, "dwell_p90_ms", d->p90);
	} else {
		cJSON_AddNullToObject(o, "dwell_median_ms");
		cJSON_AddNullToObject(o, "dwell_p90_ms");
	}
	INT(o, "dwell_n", (int64_t)d->n);
}

/* A new object at the end of arr; NULL on out-of-memory (adding to NULL does nothing). */
static cJSON *add_obj(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();
	if (o && !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static void json_head(const hall_report *r, cJSON *root)
{
	cJSON_AddStringToObject(root, "from", r->from_day);
	cJSON_AddStringToObject(root, "to", r->to_day);
	cJSON_AddStringToObject(root, "time_zone", r->tz);
	INT(root, "generated", r->generated_ms);
	cJSON_AddBoolToObject(root, "complete", r->complete);
	hall_strbuf line;
	hall_strbuf_init(&line);
	report__completeness(r, HALL_LANG_EN, &line);
	char *s = hall_strbuf_take(&line, NULL);
	cJSON_AddStringToObject(root, "completeness", s ? s : "");
	free(s);
	if (r->n_days_daily) {
		cJSON *rg = cJSON_AddObjectToObject(root, "raw_events_removed");
		if (r->retention_days > 0)
			INT(rg, "retention_days", r->retention_days);
		else
			cJSON_AddNullToObject(rg, "retention_days");
		cJSON *dl = cJSON_AddArrayToObject(rg, "days");
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i].from_daily)
				cJSON_AddItemToArray(dl, cJSON_CreateString(r->days[i].day));
	}
	cJSON_AddStringToObject(root, "opening_hours", r->has_opening ? "schedule" : "whole-day");
	cJSON *t = cJSON_AddObjectToObject(root, "totals");
	INT(t, "sessions", r->sessions);
	INT(t, "taps", r->taps);
	INT(t, "views", r->views);
	INT(t, "events", r->events);
	INT(t, "votes", r->votes);
	INT(t, "help", r->help);
	INT(t, "language_changes", r->language_changes);
	INT(t, "dwell_median_ms", r->dwell.median);
	INT(t, "dwell_p90_ms", r->dwell.p90);
	INT(t, "sessions_with_dwell", (int64_t)r->dwell.n);
	INT(t, "rejected_events_all_time", r->rejected_total);
}

static void json_kiosk(const hall_report *r, const hall_report_kiosk *k, cJSON *o)
{
	char buf[64];
	cJSON_AddStringToObject(o, "id", k->id);
	cJSON_AddStringToObject(o, "group", k->group);
	INT(o, "events", k->events);
	if (k->has_seq) {
		INT(o, "seq_min", k->seq_min);
		INT(o, "seq_max", k->seq_max);
	} else {
		cJSON_AddNullToObject(o, "seq_min");
		cJSON_AddNullToObject(o, "seq_max");
	}
	INT(o, "seq_announced", k->announced);
	INT(o, "missing", k->missing);
	cJSON_AddBoolToObject(o, "expected", k->expected);
	cJSON_AddBoolToObject(o, "never_seen", k->never_seen);
	INT(o, "unrecorded", k->unrecorded);
	json_dwell(o, &k->dwell);
	INT(o, "sessions", k->sessions);
	INT(o, "taps", k->taps);
	INT(o, "help", k->help);
	INT(o, "content_version", k->content_version);
	cJSON *vs = cJSON_AddArrayToObject(o, "versions_shown");
	for (size_t j = 0; j < k->n_shown; j++) {
		cJSON *x = add_obj(vs);
		INT(x, "version", k->shown[j].version);
		INT(x, "applied_ms", k->shown[j].applied_ms);
		report__local(r, buf, sizeof buf, k->shown[j].applied_ms);
		cJSON_AddStringToObject(x, "applied_local", buf);
		cJSON_AddBoolToObject(x, "before_period", k->shown[j].before_period);
	}
	INT(o, "open_ms", k->open_ms);
	INT(o, "online_ms", k->online_ms);
	cJSON_AddNumberToObject(o, "uptime_pct", round(report__uptime_pct(k) * 10) / 10);
	cJSON *outs = cJSON_AddArrayToObject(o, "outages");
	for (size_t j = 0; j < k->n_outages; j++) {
		cJSON *x = add_obj(outs);
		INT(x, "from", k->outages[j].from);
		INT(x, "to", k->outages[j].to);
		report__local(r, buf, sizeof buf, k->outages[j].from);
		cJSON_AddStringToObject(x, "from_local", buf);
		report__local(r, buf, sizeof buf, k->outages[j].to);
		cJSON_AddStringToObject(x, "to_local", buf);
	}
}

static void json_rows(const hall_report *r, hall_lang lang, cJSON *root)
{
	cJSON *ex = cJSON_AddArrayToObject(root, "exhibits");
	for (size_t i = 0; i < r->n_exhibits; i++) {
		const hall_report_exhibit *e = &r->exhibits[i];
		cJSON *o = add_obj(ex);
		cJSON_AddStringToObject(o, "id", e->id);
		cJSON_AddStringToObject(o, "title", report__exhibit_name(e->title, e->id, lang));
		INT(o, "views", e->views);
		INT(o, "taps", e->taps);
		json_dwell(o, &e->dwell);
	}
	cJSON *it = cJSON_AddArrayToObject(root, "items");
	for (size_t i = 0; i < r->n_items; i++) {
		const hall_report_item *x = &r->items[i];
		cJSON *o = add_obj(it);
		cJSON_AddStringToObject(o, "exhibit", x->exhibit);
		cJSON_AddStringToObject(o, "target", x->target);
		cJSON_AddStringToObject(o, "exhibit_title", report__exhibit_name(x->exhibit_title, x->exhibit, lang));
		cJSON_AddStringToObject(o, "title", report__name(x->title, x->target, lang));
		INT(o, "taps", x->taps);
		INT(o, "views", x->views);
		json_dwell(o, &x->dwell);
	}
	cJSON *hours = cJSON_AddArrayToObject(root, "hours");
	for (int h = 0; h < 24; h++) {
		cJSON *o = add_obj(hours);
		INT(o, "hour", h);
		INT(o, "sessions", r->hours_sessions[h]);
		INT(o, "taps", r->hours_taps[h]);
	}
	cJSON *langs = cJSON_AddArrayToObject(root, "languages");
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++) {
		if (!r->lang_views[i] && i == HALL_LANG_COUNT)
			continue;
		cJSON *o = add_obj(langs);
		cJSON_AddStringToObject(o, "lang", i < HALL_LANG_COUNT ? hall_lang_code((hall_lang)i) : "");
		INT(o, "views", r->lang_views[i]);
	}
	cJSON *modes = cJSON_AddArrayToObject(root, "modes");
	for (size_t i = 0; i < r->n_modes; i++) {
		cJSON *o = add_obj(modes);
		cJSON_AddStringToObject(o, "mode", r->modes[i].name);
		INT(o, "count", r->modes[i].count);
	}
	cJSON *polls = cJSON_AddArrayToObject(root, "polls");
	for (size_t i = 0; i < r->n_polls; i++) {
		const hall_report_poll *p = &r->polls[i];
		cJSON *o = add_obj(polls);
		cJSON_AddStringToObject(o, "poll", p->id);
		cJSON_AddStringToObject(o, "title", report__name(p->title, p->id, lang));
		cJSON *opts = cJSON_AddArrayToObject(o, "options");
		for (size_t j = 0; j < p->n_options; j++) {
			cJSON *x = add_obj(opts);
			cJSON_AddStringToObject(x, "id", p->options[j].id);
			cJSON_AddStringToObject(x, "title", report__name(p->options[j].title, p->options[j].id, lang));
			INT(x, "votes", p->options[j].votes);
		}
		INT(o, "total", p->total);
	}
	cJSON *ch = cJSON_AddArrayToObject(root, "content");
	for (size_t i = 0; i < r->n_changes; i++) {
		cJSON *o = add_obj(ch);
		INT(o, "ts", r->changes[i].ts);
		INT(o, "version", r->changes[i].version);
		cJSON_AddStringToObject(o, "action", r->changes[i].action);
		cJSON_AddStringToObject(o, "target", r->changes[i].target);
		cJSON_AddStringToObject(o, "user", r->changes[i].user);
	}
	cJSON *days = cJSON_AddArrayToObject(root, "days");
	for (size_t i = 0; i < r->n_days; i++) {
		cJSON *o = add_obj(days);
		cJSON_AddStringToObject(o, "day", r->days[i].day);
		INT(o, "sessions", r->days[i].sessions);
		INT(o, "taps", r->days[i].taps);
		INT(o, "views", r->days[i].views);
		INT(o, "events", r->days[i].events);
		cJSON_AddStringToObject(o, "source", r->days[i].from_daily ? "daily_aggregates" : "raw_events");
	}
}

char *report__write_json(const hall_report *r, hall_lang lang, size_t *len)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	json_head(r, root);
	cJSON *ks = cJSON_AddArrayToObject(root, "kiosks");
	for (size_t i = 0; i < r->n_kiosks; i++)
		json_kiosk(r, &r->kiosks[i], add_obj(ks));
	json_rows(r, lang, root);
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *withnl = realloc(s, n + 2);
	if (!withnl) {
		free(s);
		return NULL;
	}
	withnl[n] = '\n';
	withnl[n + 1] = '\0';
	*len = n + 1;
	return withnl;
}
