/* controller/report_internal.h: what the report's writers share (report.h is the
 * interface). report.c computes the document; report_labels.c holds every word a report
 * prints, in one table indexed by label and language, and the formatting all writers
 * use (times, durations, the completeness statement, row names); report_text.c,
 * report_csv.c, report_json.c and report_html.c each write one format.
 *
 * Names: report__ (internals shared across the report's files, as mosquitto's
 * module__fn). Nothing here allocates but the writers' hall_strbuf; a writer that runs
 * out of memory leaves the strbuf failed and hall_report_render reports it. */
#ifndef HALL_CTL_REPORT_INTERNAL_H
#define HALL_CTL_REPORT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hall/lang.h"
#include "hall/strbuf.h"
#include "report.h"

/* Every word a report prints. Entries with {kiosk}, {n}, {v}, {t}, {after}, {from} or
 * {to} are templates for report__fill (a table of printf formats would need
 * -Wno-format-nonliteral, and a translation could then crash the writer). */
typedef enum report_label {
	L_TITLE, L_PERIOD, L_GENERATED, L_TZ, L_COMPLETE, L_INCOMPLETE, L_SESSIONS, L_TAPS, L_VIEWS, L_EVENTS,
	L_DWELL_MEDIAN, L_DWELL_P90, L_VOTES, L_HELP, L_REJECTED, L_KIOSKS, L_KIOSK, L_GROUP, L_SEQ_MIN, L_SEQ_MAX,
	L_EXPECTED, L_RECEIVED, L_MISSING, L_UNRECORDED, L_UPTIME, L_OUTAGES, L_NONE, L_EXHIBITS, L_EXHIBIT, L_ITEMS,
	L_ITEM, L_HOURS, L_HOUR, L_LANGUAGES, L_LANGUAGE, L_MODES, L_MODE, L_POLLS, L_POLL, L_OPTION, L_CONTENT,
	L_VERSION, L_ACTION, L_TARGET, L_TIME, L_TREND, L_DAY, L_OPEN_HOURS_ALL, L_OPEN_HOURS_SCHED, L_COUNT,
	L_COMPLETENESS, L_LANG_CHANGES, L_UNKNOWN, L_SIGN, L_NO_DATA, L_USER, L_OUTSIDE, L_NEVER_SEEN, L_DWELL,
	L_SHOWN, L_BEFORE, L_SHOWN_FROM, L_INTERACTIONS,
	/* causes of a gap, in the completeness statement */
	L_CAUSE_NEVER, L_CAUSE_UNRECORDED, L_CAUSE_MISSING,
	/* the statement when raw events of a day are gone */
	L_CANNOT_SHOW, L_AFTER_DAYS, L_AFTER_RETENTION,
	/* CSV: the figure of a row in plain words */
	L_F_COMPLETE, L_F_RETENTION, L_F_RAW_REMOVED, L_F_DWELL_MEDIAN_MS, L_F_DWELL_P90_MS, L_F_OPEN_S,
	L_F_ONLINE_S, L_F_OUTAGE_S, L_F_VERSION_SHOWN,
	L_COUNT_
} report_label;

/* The label in `lang` (never NULL: the table is full, test_report_labels checks it). */
const char *report__label(hall_lang lang, report_label l);

/* The values a template may name; NULL strings print as "". */
typedef struct report_args {
	const char *kiosk, *t, *after, *from, *to;
	int64_t n, v;
} report_args;

/* Append template `tmpl` to b with its {name}s replaced from a. */
void report__fill(hall_strbuf *b, const char *tmpl, const report_args *a);

/* The completeness statement: complete, incomplete with each cause in plain words
 * kiosk by kiosk ("kiosk gallery-09 never connected; lobby-02: 270 events could not be
 * recorded"), or, when raw events of a day are gone, that completeness cannot be shown. */
void report__completeness(const hall_report *r, hall_lang lang, hall_strbuf *b);

/* "YYYY-MM-DD HH:MM" in the report's zone (the ms when the zone cannot be used). */
void report__local(const hall_report *r, char *out, size_t len, int64_t ms);
/* "12s", "3m 05s", "2h 07m". */
void report__duration(char *out, size_t len, int64_t ms);
/* "median / p90" of a dwell, "-" without samples (a zero would read as "no time at all"). */
void report__dwell(const hall_report_dwell *d, char *out, size_t len);
/* One figure of the totals' dwell: median or p90, "-" without samples. */
void report__dwell_one(const hall_report_dwell *d, int p90, char *out, size_t len);
/* "12.5%", or "-" when the kiosk had no opening hours in the period. */
void report__uptime(const hall_report_kiosk *k, char *out, size_t len);
double report__uptime_pct(const hall_report_kiosk *k);
/* The versions a kiosk showed, for people: "v3 (before the period), v4 from 14:05"; the
 * date too when the period has more than one day; "none" without any. */
void report__shown(const hall_report *r, const hall_report_kiosk *k, hall_lang lang, hall_strbuf *b);

/* Names of rows in the report's language. exhibit_name: the pack's title, the id when
 * none, the attract/home row's label for "". The *_label forms give "Title (id)" when a
 * pack names the row, else the id (the id is what staff find in the pack). */
const char *report__exhibit_name(const hall_report_title *t, const char *id, hall_lang lang);
const char *report__name(const hall_report_title *t, const char *id, hall_lang lang);
const char *report__with_id(char *buf, size_t len, const hall_report_title *t, const char *id, hall_lang lang);
const char *report__exhibit_label(char *buf, size_t len, const hall_report_title *t, const char *id,
                                  hall_lang lang);
/* A language of the views table: its own name, "unknown" for the last row. */
const char *report__lang_name(hall_lang ui, size_t i);

/* Terminal cells of a UTF-8 string: East Asian Wide and Fullwidth characters take two. */
size_t report__cells(const char *s);

/* The writers: each appends the whole report to b. */
void report__write_text(const hall_report *r, hall_lang lang, hall_strbuf *b);
void report__write_csv(const hall_report *r, hall_lang lang, hall_strbuf *b);
void report__write_html(const hall_report *r, hall_lang lang, hall_strbuf *b);
/* JSON goes through cJSON: NULL on out-of-memory, else malloc'd text ending in "\n". */
char *report__write_json(const hall_report *r, hall_lang lang, size_t *len);

#endif
