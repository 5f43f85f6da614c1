/* report_csv.c: the report as CSV in long format, one row per figure, so a spreadsheet
 * can pivot it as it likes. The `metric` column keeps its key (scripts and pivot tables
 * select by it); the last column, `figure`, names the same figure in plain words in the
 * report's language ("Events expected", "Received", "Missing"). The exhibit_title and
 * item_title columns name the exhibit and the item from the pack the kiosks were told to
 * show (the id when no pack names them, empty for rows not about an exhibit). Cells that
 * start like a formula are neutralised (hall_strbuf_csv). */
#include "report_internal.h"

#include <stdio.h>

typedef struct csv_ctx {
	hall_strbuf *b;
	hall_lang lang;
	char period[32];
} csv_ctx;

/* One row; `day` NULL is the period. */
static void row(const csv_ctx *c, const char *section, const char *day, const char *kiosk, const char *exhibit,
                const char *item, const char *metric, report_label figure, long long value, const char *ex_title,
                const char *item_title)
{
	const char *f[] = {section, day ? day : c->period, kiosk, exhibit, item, metric};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		hall_strbuf_csv(c->b, f[i] ? f[i] : "");
		hall_strbuf_puts(c->b, ",");
	}
	hall_strbuf_printf(c->b, "%lld,", value);
	hall_strbuf_csv(c->b, ex_title ? ex_title : "");
	hall_strbuf_puts(c->b, ",");
	hall_strbuf_csv(c->b, item_title ? item_title : "");
	hall_strbuf_puts(c->b, ",");
	hall_strbuf_csv(c->b, report__label(c->lang, figure));
	hall_strbuf_puts(c->b, "\r\n");
}

/* A row of the totals. */
static void total(const csv_ctx *c, const char *metric, report_label figure, long long value)
{
	row(c, "totals", NULL, "", "", "", metric, figure, value, "", "");
}

/* A row of a kiosk. */
static void kiosk(const csv_ctx *c, const char *id, const char *metric, report_label figure, long long value)
{
	row(c, "kiosk", NULL, id, "", "", metric, figure, value, "", "");
}

/* dwell_median_ms and dwell_p90_ms rows of a kiosk, exhibit or item with dwell samples. */
static void dwell(const csv_ctx *c, const char *kiosk_id, const char *exhibit, const char *item,
                  const hall_report_dwell *d, const char *ex_title, const char *item_title)
{
	if (!d->n)
		return;
	const char *section = kiosk_id[0] ? "kiosk" : item[0] ? "item" : "exhibit";
	row(c, section, NULL, kiosk_id, exhibit, item, "dwell_median_ms", L_F_DWELL_MEDIAN_MS, d->median, ex_title,
	    item_title);
	row(c, section, NULL, kiosk_id, exhibit, item, "dwell_p90_ms", L_F_DWELL_P90_MS, d->p90, ex_title, item_title);
}

static void csv_totals(const hall_report *r, const csv_ctx *c)
{
	total(c, "complete", L_F_COMPLETE, r->complete);
	if (r->n_days_daily) {
		/* the days whose raw events are gone: counted from the daily aggregates */
		total(c, "raw_retention_days", L_F_RETENTION, r->retention_days);
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i].from_daily)
				row(c, "day", r->days[i].day, "", "", "", "raw_events_removed", L_F_RAW_REMOVED, 1, "", "");
	}
	total(c, "sessions", L_SESSIONS, r->sessions);
	total(c, "taps", L_TAPS, r->taps);
	total(c, "views", L_VIEWS, r->views);
	total(c, "events", L_EVENTS, r->events);
	total(c, "dwell_median_ms", L_F_DWELL_MEDIAN_MS, r->dwell.median);
	total(c, "dwell_p90_ms", L_F_DWELL_P90_MS, r->dwell.p90);
	total(c, "votes", L_VOTES, r->votes);
	total(c, "help", L_HELP, r->help);
}

static void csv_kiosks(const hall_report *r, const csv_ctx *c)
{
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const hall_report_kiosk *k = &r->kiosks[i];
		kiosk(c, k->id, "events_expected", L_EXPECTED, k->events_expected);
		kiosk(c, k->id, "events", L_RECEIVED, k->events);
		if (k->has_seq) { /* no row: no seq received in the period */
			kiosk(c, k->id, "seq_min", L_SEQ_MIN, k->seq_min);
			kiosk(c, k->id, "seq_max", L_SEQ_MAX, k->seq_max);
		}
		kiosk(c, k->id, "missing", L_MISSING, k->missing);
		if (k->never_seen)
			kiosk(c, k->id, "never_seen", L_NEVER_SEEN, 1);
		if (k->unrecorded)
			kiosk(c, k->id, "unrecorded", L_UNRECORDED, k->unrecorded);
		dwell(c, k->id, "", "", &k->dwell, "", "");
		kiosk(c, k->id, "sessions", L_SESSIONS, k->sessions);
		kiosk(c, k->id, "taps", L_TAPS, k->taps);
		kiosk(c, k->id, "open_s", L_F_OPEN_S, k->open_ms / 1000);
		kiosk(c, k->id, "online_s", L_F_ONLINE_S, k->online_ms / 1000);
		for (size_t j = 0; j < k->n_shown; j++) {
			/* the day column holds when it was applied; item: before the period or in it */
			char when[32];
			report__local(r, when, sizeof when, k->shown[j].applied_ms);
			row(c, "version_shown", when, k->id, "", k->shown[j].before_period ? "before_period" : "applied",
			    "version", L_F_VERSION_SHOWN, k->shown[j].version, "", "");
		}
		for (size_t j = 0; j < k->n_outages; j++) {
			char from[32], to[32], span[80];
			report__local(r, from, sizeof from, k->outages[j].from);
			report__local(r, to, sizeof to, k->outages[j].to);
			snprintf(span, sizeof span, "%s..%s", from, to);
			row(c, "outage", NULL, k->id, "", span, "seconds", L_F_OUTAGE_S,
			    (k->outages[j].to - k->outages[j].from) / 1000, "", "");
		}
	}
}

static void csv_rows(const hall_report *r, const csv_ctx *c)
{
	hall_lang lang = c->lang;
	for (size_t i = 0; i < r->n_exhibits; i++) {
		const hall_report_exhibit *e = &r->exhibits[i];
		const char *et = report__exhibit_name(e->title, e->id, lang);
		row(c, "exhibit", NULL, "", e->id, "", "views", L_VIEWS, e->views, et, "");
		row(c, "exhibit", NULL, "", e->id, "", "taps", L_TAPS, e->taps, et, "");
		dwell(c, "", e->id, "", &e->dwell, et, "");
	}
	for (size_t i = 0; i < r->n_items; i++) {
		const hall_report_item *is = &r->items[i];
		const char *et = report__exhibit_name(is->exhibit_title, is->exhibit, lang);
		const char *it = report__name(is->title, is->target, lang);
		row(c, "item", NULL, "", is->exhibit, is->target, "taps", L_TAPS, is->taps, et, it);
		row(c, "item", NULL, "", is->exhibit, is->target, "views", L_VIEWS, is->views, et, it);
		dwell(c, "", is->exhibit, is->target, &is->dwell, et, it);
	}
	for (int h = 0; h < 24; h++) {
		char x[16];
		snprintf(x, sizeof x, "%02d", h);
		row(c, "hour", NULL, "", "", x, "sessions", L_SESSIONS, r->hours_sessions[h], "", "");
		row(c, "hour", NULL, "", "", x, "taps", L_TAPS, r->hours_taps[h], "", "");
	}
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		if (r->lang_views[i] || i < HALL_LANG_COUNT)
			row(c, "language", NULL, "", "", i < HALL_LANG_COUNT ? hall_lang_code((hall_lang)i) : "unknown", "views",
			    L_VIEWS, r->lang_views[i], "", "");
	for (size_t i = 0; i < r->n_modes; i++)
		row(c, "mode", NULL, "", "", r->modes[i].name, "count", L_COUNT, r->modes[i].count, "", "");
	for (size_t i = 0; i < r->n_polls; i++) {
		const hall_report_poll *p = &r->polls[i];
		for (size_t j = 0; j < p->n_options; j++)
			row(c, "poll", NULL, "", p->id, p->options[j].id, "votes", L_VOTES, p->options[j].votes,
			    report__name(p->title, p->id, lang), report__name(p->options[j].title, p->options[j].id, lang));
	}
	for (size_t i = 0; i < r->n_changes; i++) {
		char when[32];
		report__local(r, when, sizeof when, r->changes[i].ts);
		row(c, "content", when, "", r->changes[i].target, r->changes[i].action, "version", L_VERSION,
		    r->changes[i].version, "", "");
	}
	for (size_t i = 0; i < r->n_days; i++) {
		row(c, "day", r->days[i].day, "", "", "", "sessions", L_SESSIONS, r->days[i].sessions, "", "");
		row(c, "day", r->days[i].day, "", "", "", "taps", L_TAPS, r->days[i].taps, "", "");
	}
}

void report__write_csv(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	csv_ctx c = {.b = b, .lang = lang};
	snprintf(c.period, sizeof c.period, "%s..%s", r->from_day, r->to_day);
	hall_strbuf_puts(b, "\xEF\xBB\xBF"); /* BOM: spreadsheets then read Korean, kana and Han as UTF-8 */
	hall_strbuf_puts(b, "section,day,kiosk,exhibit,item,metric,value,exhibit_title,item_title,figure\r\n");
	csv_totals(r, &c);
	csv_kiosks(r, &c);
	csv_rows(r, &c);
}
