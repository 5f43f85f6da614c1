/* report_html.c: the report as one self-contained HTML page to read on screen and print
 * and sign: no script, nothing fetched, charts drawn as inline SVG with their numbers
 * written beside the bars (they read without colour and on paper). */
#include "report_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A horizontal bar chart: labels left, bars with their value written beside them. */
static void svg_hbars(hall_strbuf *b, const char *title, const char *const *names, const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int row = 30, h = (int)n * row + 10, w = 640, lw = 200, bw = 360;
	hall_strbuf_printf(b, "<svg role=\"img\" aria-label=\"");
	hall_strbuf_html(b, title);
	hall_strbuf_printf(b, "\" viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\">", w, h < 40 ? 40 : h, w);
	for (size_t i = 0; i < n; i++) {
		int y = 5 + (int)i * row;
		int len = (int)((double)bw * (double)values[i] / (double)max);
		hall_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"l\">", lw - 8, y + 19);
		hall_strbuf_html(b, names[i][0] ? names[i] : "-");
		hall_strbuf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" class=\"bar\"/>", lw, y + 2,
		                   len < 1 && values[i] ? 1 : len);
		hall_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"v\">%lld</text>", lw + len + 6, y + 19,
		                   (long long)values[i]);
	}
	hall_strbuf_puts(b, "</svg>");
}

/* Vertical bars over 24 hours or over days. */
static void svg_columns(hall_strbuf *b, const char *title, const char *const *names, const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int w = 720, h = 220, top = 20, bottom = 40, left = 10;
	double cw = (double)(w - 2 * left) / (double)(n ? n : 1);
	hall_strbuf_puts(b, "<svg role=\"img\" aria-label=\"");
	hall_strbuf_html(b, title);
	hall_strbuf_printf(b, "\" viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\">", w, h, w);
	hall_strbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - left,
	                   h - bottom);
	for (size_t i = 0; i < n; i++) {
		double bh = (double)(h - top - bottom) * (double)values[i] / (double)max;
		double x = left + cw * (double)i;
		hall_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"/>", x + 2,
		                   (double)(h - bottom) - bh, cw - 4, bh);
		if (values[i])
			hall_strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"v s\">%lld</text>",
			                   x + cw / 2, (double)(h - bottom) - bh - 4, (long long)values[i]);
		hall_strbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"l s\">", x + cw / 2,
		                   h - bottom + 16);
		hall_strbuf_html(b, names[i]);
		hall_strbuf_puts(b, "</text>");
	}
	hall_strbuf_puts(b, "</svg>");
}

static void tag_text(hall_strbuf *b, const char *open, const char *s, const char *close)
{
	hall_strbuf_puts(b, open);
	hall_strbuf_html(b, s);
	hall_strbuf_puts(b, close);
}

static void td(hall_strbuf *b, const char *s)
{
	tag_text(b, "<td>", s, "</td>");
}

static void tdn(hall_strbuf *b, long long v)
{
	hall_strbuf_printf(b, "<td class=\"n\">%lld</td>", v);
}

/* Open a table: an optional <h2> title (L_COUNT_: none), then the header row. */
static void table(hall_strbuf *b, hall_lang lang, report_label title, const char *id, const report_label *heads,
                  size_t n)
{
	if (title != L_COUNT_)
		tag_text(b, "<h2>", report__label(lang, title), "</h2>");
	hall_strbuf_printf(b, "<table id=\"%s\"><tr>", id);
	for (size_t i = 0; i < n; i++)
		tag_text(b, "<th>", report__label(lang, heads[i]), "</th>");
	hall_strbuf_puts(b, "</tr>");
}

/* Close a table; an empty one gets one row saying "none". */
static void table_end(hall_strbuf *b, hall_lang lang, size_t rows, size_t cols)
{
	if (rows == 0)
		hall_strbuf_printf(b, "<tr><td colspan=\"%zu\">%s</td></tr>", cols, report__label(lang, L_NONE));
	hall_strbuf_puts(b, "</table>");
}

/* An <h2> of two labels joined by " · ". */
static void h2_pair(hall_strbuf *b, hall_lang lang, report_label a, report_label c)
{
	hall_strbuf_printf(b, "<h2>%s · %s</h2>", report__label(lang, a), report__label(lang, c));
}

#define HEADS(...) (const report_label[]){__VA_ARGS__}, sizeof((const report_label[]){__VA_ARGS__}) / sizeof(report_label)

/* The face of Noto Sans CJK that draws the language's Han characters its way. */
static const char *font_of(hall_lang lang)
{
	switch (lang) {
	case HALL_LANG_JA: return "'Noto Sans CJK JP','Noto Sans JP'";
	case HALL_LANG_ZH_HANS: return "'Noto Sans CJK SC','Noto Sans SC'";
	case HALL_LANG_ZH_HANT: return "'Noto Sans CJK TC','Noto Sans TC'";
	case HALL_LANG_KO:
	case HALL_LANG_EN:
	case HALL_LANG_COUNT: break;
	}
	return "'Noto Sans CJK KR','Noto Sans KR'";
}

static void html_head(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char when[32], med[32], p90[32];
	hall_strbuf_printf(b, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
	                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
	                   hall_lang_code(lang));
	hall_strbuf_html(b, report__label(lang, L_TITLE));
	hall_strbuf_printf(b, " %s</title><style>"
	                      "body{font-family:%s,sans-serif;color:#111;background:#fff;"
	                      "margin:24px auto;max-width:960px;padding:0 16px;line-height:1.45;word-break:keep-all;"
	                      "overflow-wrap:break-word}"
	                      "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #111;"
	                      "padding-bottom:3px;margin-top:28px}"
	                      ".meta{color:#333}.status{font-weight:700;font-size:18px;padding:10px 14px;margin:14px 0;"
	                      "border:3px solid #111}.ok{background:#e8f4ea}.bad{background:#fde8e8}"
	                      ".ok::before{content:'\\2714  '}.bad::before{content:'\\26A0  '}"
	                      "table{border-collapse:collapse;width:100%%;margin:6px 0}th,td{border:1px solid #888;"
	                      "padding:4px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	                      "th{background:#eee}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #888;"
	                      "padding:8px 12px;min-width:150px}.card b{display:block;font-size:24px}"
	                      "svg text{font-size:13px;fill:#111}svg .s{font-size:11px}.bar{fill:#1f4e8c}"
	                      ".axis{stroke:#111;stroke-width:1}.sign{margin-top:36px;border-top:1px solid #111;"
	                      "padding-top:8px;width:320px}"
	                      "@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}"
	                      "</style></head><body>",
	                   r->from_day, font_of(lang));
	tag_text(b, "<h1>", report__label(lang, L_TITLE), "</h1><p class=\"meta\">");
	report__local(r, when, sizeof when, r->generated_ms);
	hall_strbuf_printf(b, "%s: <b>%s", report__label(lang, L_PERIOD), r->from_day);
	if (strcmp(r->from_day, r->to_day) != 0)
		hall_strbuf_printf(b, " – %s", r->to_day);
	hall_strbuf_printf(b, "</b> · %s: %s · %s: %s<br>", report__label(lang, L_TZ), r->tz,
	                   report__label(lang, L_GENERATED), when);
	hall_strbuf_html(b, report__label(lang, r->has_opening ? L_OPEN_HOURS_SCHED : L_OPEN_HOURS_ALL));
	hall_strbuf_printf(b, "</p><div class=\"status %s\" id=\"completeness\">", r->complete ? "ok" : "bad");
	hall_strbuf statement;
	hall_strbuf_init(&statement);
	report__completeness(r, lang, &statement);
	char *s = hall_strbuf_take(&statement, NULL);
	hall_strbuf_html(b, s ? s : "");
	free(s);
	hall_strbuf_puts(b, "</div>");

	report__dwell_one(&r->dwell, 0, med, sizeof med);
	report__dwell_one(&r->dwell, 1, p90, sizeof p90);
	tag_text(b, "<h2>", report__label(lang, L_INTERACTIONS), "</h2><div class=\"cards\">");
	const struct {
		report_label l;
		const char *v;
		long long n;
	} cards[] = {{L_SESSIONS, NULL, r->sessions}, {L_TAPS, NULL, r->taps},  {L_VIEWS, NULL, r->views},
	             {L_DWELL_MEDIAN, med, 0},         {L_DWELL_P90, p90, 0},    {L_VOTES, NULL, r->votes},
	             {L_HELP, NULL, r->help},          {L_REJECTED, NULL, r->rejected_total}};
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		tag_text(b, "<div class=\"card\">", report__label(lang, cards[i].l), "");
		if (cards[i].v)
			hall_strbuf_printf(b, "<b>%s</b></div>", cards[i].v);
		else
			hall_strbuf_printf(b, "<b>%lld</b></div>", cards[i].n);
	}
	hall_strbuf_puts(b, "</div>");
	if (r->events == 0)
		tag_text(b, "<p>", report__label(lang, L_NO_DATA), "</p>");
}

/* Completeness and uptime per kiosk. */
static void html_kiosks(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char x[64], d1[32], d2[32];
	table(b, lang, L_COMPLETENESS, "kiosks",
	      HEADS(L_KIOSK, L_GROUP, L_EXPECTED, L_RECEIVED, L_MISSING, L_SEQ_MIN, L_SEQ_MAX, L_SESSIONS, L_TAPS,
	            L_DWELL, L_UPTIME, L_OUTAGES));
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const hall_report_kiosk *k = &r->kiosks[i];
		hall_strbuf_puts(b, "<tr>");
		td(b, k->id);
		td(b, k->group);
		tdn(b, k->events_expected);
		tdn(b, k->events);
		hall_strbuf_printf(b, "<td class=\"n\">%s%lld", k->missing || k->never_seen || k->unrecorded ? "⚠ " : "",
		                   (long long)k->missing);
		if (k->never_seen)
			tag_text(b, " (", report__label(lang, L_NEVER_SEEN), ")");
		if (k->unrecorded) {
			tag_text(b, "<br>", report__label(lang, L_UNRECORDED), "");
			hall_strbuf_printf(b, ": %lld", (long long)k->unrecorded);
		}
		hall_strbuf_puts(b, "</td>");
		if (k->has_seq) {
			tdn(b, k->seq_min);
			tdn(b, k->seq_max);
		} else {
			td(b, "-");
			td(b, "-");
		}
		tdn(b, k->sessions);
		tdn(b, k->taps);
		report__dwell(&k->dwell, x, sizeof x);
		td(b, x);
		report__uptime(k, x, sizeof x);
		td(b, x);
		hall_strbuf_puts(b, "<td>");
		if (!k->n_outages)
			hall_strbuf_html(b, report__label(lang, L_NONE));
		for (size_t j = 0; j < k->n_outages; j++) {
			report__local(r, d1, sizeof d1, k->outages[j].from);
			report__local(r, d2, sizeof d2, k->outages[j].to);
			report__duration(x, sizeof x, k->outages[j].to - k->outages[j].from);
			hall_strbuf_printf(b, "%s%s – %s (%s)", j ? "<br>" : "", d1, strlen(d2) > 11 ? d2 + 11 : d2, x);
		}
		hall_strbuf_puts(b, "</td></tr>");
	}
	table_end(b, lang, r->n_kiosks, 12);
}

static void html_charts(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	const char *hour_names[24];
	char hour_buf[24][12];
	for (int h = 0; h < 24; h++) {
		snprintf(hour_buf[h], sizeof hour_buf[h], "%d", h);
		hour_names[h] = hour_buf[h];
	}
	h2_pair(b, lang, L_HOURS, L_SESSIONS);
	svg_columns(b, report__label(lang, L_HOURS), hour_names, r->hours_sessions, 24);
	h2_pair(b, lang, L_HOURS, L_TAPS);
	svg_columns(b, report__label(lang, L_HOURS), hour_names, r->hours_taps, 24);

	size_t ne = r->n_exhibits < 20 ? r->n_exhibits : 20;
	const char **en = calloc(ne ? ne : 1, sizeof *en);
	int64_t *ev = calloc(ne ? ne : 1, sizeof *ev);
	if (en && ev) {
		for (size_t i = 0; i < ne; i++) {
			en[i] = report__exhibit_name(r->exhibits[i].title, r->exhibits[i].id, lang);
			ev[i] = r->exhibits[i].views;
		}
		h2_pair(b, lang, L_EXHIBITS, L_VIEWS);
		svg_hbars(b, report__label(lang, L_EXHIBITS), en, ev, ne);
	}
	free(en);
	free(ev);
}

static void html_exhibits(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char x[64], lb[2 * HALL_STR_BUF + 300], lb2[HALL_STR_BUF + 300];
	table(b, lang, L_COUNT_, "exhibits", HEADS(L_EXHIBIT, L_VIEWS, L_TAPS, L_DWELL));
	for (size_t i = 0; i < r->n_exhibits; i++) {
		const hall_report_exhibit *e = &r->exhibits[i];
		hall_strbuf_puts(b, "<tr>");
		td(b, report__exhibit_label(lb, sizeof lb, e->title, e->id, lang));
		tdn(b, e->views);
		tdn(b, e->taps);
		report__dwell(&e->dwell, x, sizeof x);
		td(b, x);
		hall_strbuf_puts(b, "</tr>");
	}
	table_end(b, lang, r->n_exhibits, 4);
	table(b, lang, L_ITEMS, "items", HEADS(L_EXHIBIT, L_ITEM, L_TAPS, L_VIEWS, L_DWELL));
	for (size_t i = 0; i < r->n_items && i < 30; i++) {
		const hall_report_item *it = &r->items[i];
		hall_strbuf_puts(b, "<tr>");
		td(b, report__exhibit_label(lb, sizeof lb, it->exhibit_title, it->exhibit, lang));
		td(b, report__with_id(lb2, sizeof lb2, it->title, it->target, lang));
		tdn(b, it->taps);
		tdn(b, it->views);
		report__dwell(&it->dwell, x, sizeof x);
		td(b, x);
		hall_strbuf_puts(b, "</tr>");
	}
	table_end(b, lang, r->n_items, 5);

	const char *ln[HALL_LANG_COUNT + 1];
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		ln[i] = report__lang_name(lang, i);
	tag_text(b, "<h2>", report__label(lang, L_LANGUAGES), "</h2>");
	svg_hbars(b, report__label(lang, L_LANGUAGES), ln, r->lang_views,
	          r->lang_views[HALL_LANG_COUNT] ? HALL_LANG_COUNT + 1 : HALL_LANG_COUNT);
	hall_strbuf_printf(b, "<p>%s: %lld</p>", report__label(lang, L_LANG_CHANGES), (long long)r->language_changes);
}

/* Modes, polls, the versions each kiosk showed, content changes, the trend of days. */
static void html_rest(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char lb[2 * HALL_STR_BUF + 300], when[32];
	table(b, lang, L_MODES, "modes", HEADS(L_MODE, L_COUNT));
	for (size_t i = 0; i < r->n_modes; i++) {
		hall_strbuf_puts(b, "<tr>");
		td(b, r->modes[i].name);
		tdn(b, r->modes[i].count);
		hall_strbuf_puts(b, "</tr>");
	}
	table_end(b, lang, r->n_modes, 2);
	size_t n_options = 0;
	table(b, lang, L_POLLS, "polls", HEADS(L_POLL, L_OPTION, L_VOTES));
	for (size_t i = 0; i < r->n_polls; i++)
		for (size_t j = 0; j < r->polls[i].n_options; j++, n_options++) {
			const hall_report_option *o = &r->polls[i].options[j];
			hall_strbuf_puts(b, "<tr>");
			td(b, r->polls[i].id);
			td(b, report__with_id(lb, sizeof lb, o->title, o->id, lang));
			tdn(b, o->votes);
			hall_strbuf_puts(b, "</tr>");
		}
	table_end(b, lang, n_options, 3);
	table(b, lang, L_SHOWN, "versions", HEADS(L_KIOSK, L_SHOWN));
	for (size_t i = 0; i < r->n_kiosks; i++) {
		hall_strbuf vs;
		hall_strbuf_init(&vs);
		report__shown(r, &r->kiosks[i], lang, &vs);
		char *s = hall_strbuf_take(&vs, NULL);
		hall_strbuf_puts(b, "<tr>");
		td(b, r->kiosks[i].id);
		td(b, s ? s : "");
		hall_strbuf_puts(b, "</tr>");
		free(s);
	}
	table_end(b, lang, r->n_kiosks, 2);
	table(b, lang, L_CONTENT, "content", HEADS(L_TIME, L_VERSION, L_ACTION, L_TARGET, L_USER));
	for (size_t i = 0; i < r->n_changes; i++) {
		report__local(r, when, sizeof when, r->changes[i].ts);
		hall_strbuf_puts(b, "<tr>");
		td(b, when);
		tdn(b, r->changes[i].version);
		td(b, r->changes[i].action);
		td(b, r->changes[i].target);
		td(b, r->changes[i].user);
		hall_strbuf_puts(b, "</tr>");
	}
	table_end(b, lang, r->n_changes, 5);
	if (r->n_days > 1) {
		const char **dn = calloc(r->n_days, sizeof *dn);
		int64_t *dv = calloc(r->n_days, sizeof *dv);
		if (dn && dv) {
			for (size_t i = 0; i < r->n_days; i++) {
				dn[i] = r->days[i].day + 5; /* MM-DD */
				dv[i] = r->days[i].sessions;
			}
			h2_pair(b, lang, L_TREND, L_SESSIONS);
			svg_columns(b, report__label(lang, L_TREND), dn, dv, r->n_days);
		}
		free(dn);
		free(dv);
	}
}

void report__write_html(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	html_head(r, lang, b);
	html_kiosks(r, lang, b);
	html_charts(r, lang, b);
	html_exhibits(r, lang, b);
	html_rest(r, lang, b);
	hall_strbuf_printf(b, "<div class=\"sign\">%s:</div></body></html>\n", report__label(lang, L_SIGN));
}
