/* controller/report.h: the daily usage report the facility team reads every morning.
 *
 * A report covers local days [from, to] in the hall's time zone and is computed from the
 * raw events, the fleet's status log and the staff history in the store (store.h); a day
 * whose raw events retention deleted (hall_store_raw_deleted_before) is computed from the
 * daily aggregates instead. It never writes to the store. It says plainly whether its
 * data is complete: per kiosk the events expected, received and missing, and each cause
 * of a gap in plain words.
 *
 * Two steps (a report is one document, written by small writers):
 *   hall_report_build  reads the store and computes the document below: every figure,
 *                      row and name, in no language and no format;
 *   hall_report_render writes that document as text, CSV, JSON or HTML (report_text.c,
 *                      report_csv.c, report_json.c, report_html.c) with the labels of
 *                      one table (report_labels.c) in one of the hall's five languages.
 * The staff console reads the same document (struct hall_report is public): a new figure
 * is computed once and each writer adds its own line for it.
 *
 * Ownership: hall_report_build returns a document the caller frees with
 * hall_report_destroy (every array and title inside belongs to it, and the pointers
 * between its parts stay valid until then); hall_report_render returns malloc'd bytes
 * the caller frees. */
#ifndef HALL_CTL_REPORT_H
#define HALL_CTL_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/config.h"
#include "hall/err.h"
#include "hall/lang.h"
#include "hall/schedule.h"
#include "store.h"

typedef enum hall_report_format {
	HALL_REPORT_TEXT,
	HALL_REPORT_CSV,
	HALL_REPORT_JSON,
	HALL_REPORT_HTML
} hall_report_format;

typedef struct hall_report_options {
	char from_day[11];            /* "YYYY-MM-DD", inclusive, local to tz */
	char to_day[11];              /* inclusive; equal to from_day for one day */
	const char *tz;               /* IANA zone, e.g. "Asia/Seoul" */
	const hall_schedule *opening; /* opening hours for uptime; NULL = every hour counts */
	int64_t generated_ms;         /* stamped into the report (UTC ms) */
	int raw_retention_days;       /* the config's; 0 = unknown (said without a number) */
	/* The config's `kiosks` list: a listed kiosk never seen is in the report as sending
	 * nothing, and makes it incomplete. NULL/0 = no list. */
	const char (*expected)[HALL_ID_MAX + 1];
	size_t n_expected;
	/* The controller's data folder (its pack store, packs.h): exhibits, items and poll
	 * options are named by their titles from the content packs of the desired state
	 * (pushed to all, to a group or to a kiosk of the report), next to their ids. NULL,
	 * or no pack pushed: ids only. */
	const char *data_dir;
} hall_report_options;

/* ---------------------------------------------------------------- the document */

/* A name from a content pack in each of the hall's languages (a missing translation is
 * filled as the kiosk fills it, hall_text_get). A row without a name has NULL. */
typedef struct hall_report_title {
	char text[HALL_LANG_COUNT][256];
} hall_report_title;

/* Dwell times (ms) of a kiosk's sessions, an exhibit's or an item's views: n samples
 * (0: none, and median/p90 are 0 and mean nothing). */
typedef struct hall_report_dwell {
	size_t n;
	int64_t median, p90;
} hall_report_dwell;

typedef struct hall_report_span {
	int64_t from, to; /* UTC ms */
} hall_report_span;

/* A content version a kiosk showed in the period, from its own word: the one it held
 * when the period began (before_period) or one it applied during it (applied_ms: when
 * the controller received its "applied" ack). */
typedef struct hall_report_shown {
	int64_t version;
	int64_t applied_ms;
	bool before_period;
} hall_report_shown;

/* Why a report is incomplete, kiosk by kiosk (the banner names each in plain words). */
typedef enum hall_report_cause_kind {
	HALL_REPORT_CAUSE_NEVER_CONNECTED, /* in the config's list, sent nothing at all */
	HALL_REPORT_CAUSE_UNRECORDED,      /* count: events it could not keep (a full disk) */
	HALL_REPORT_CAUSE_MISSING          /* count: events sent and not received */
} hall_report_cause_kind;

typedef struct hall_report_cause {
	hall_report_cause_kind kind;
	char kiosk[HALL_ID_BUF];
	int64_t count;
} hall_report_cause;

typedef struct hall_report_kiosk {
	char id[HALL_ID_BUF];
	char group[HALL_ID_BUF];
	/* events_expected = events (received in the period) + missing */
	int64_t events_expected, events, missing;
	bool has_seq;              /* events came from raw rows: seq_min..seq_max are theirs */
	int64_t seq_min, seq_max;
	int64_t announced;         /* the highest seq it said it sent */
	bool expected;             /* in the config's kiosks list */
	bool never_seen;           /* expected, never connected, no event */
	int64_t unrecorded;        /* events it could not keep, made known in the period */
	int64_t sessions, taps, help;
	int64_t content_version;   /* the version it holds now (fleet), not in the period */
	hall_report_shown *shown;  /* oldest first */
	size_t n_shown;
	int64_t open_ms, online_ms; /* opening hours in the period, and online within them */
	hall_report_span *outages;
	size_t n_outages;
	hall_report_dwell dwell;   /* its visitors' sessions */
} hall_report_kiosk;

/* Events of the attract loop and the home screen carry no exhibit: id "" is that row. */
typedef struct hall_report_exhibit {
	char id[HALL_STR_BUF];
	const hall_report_title *title;
	int64_t views, taps;
	hall_report_dwell dwell; /* views of its pages */
} hall_report_exhibit;

/* A control or page of an exhibit; the busiest first. */
typedef struct hall_report_item {
	char exhibit[HALL_STR_BUF];
	char target[HALL_STR_BUF];
	const hall_report_title *exhibit_title, *title;
	int64_t taps, views;
	hall_report_dwell dwell;
} hall_report_item;

typedef struct hall_report_mode {
	char name[2 * HALL_STR_BUF];
	int64_t count;
} hall_report_mode;

typedef struct hall_report_option {
	char id[HALL_STR_BUF];
	const hall_report_title *title;
	int64_t votes;
} hall_report_option;

/* One vote per visitor session and poll; options with the most votes first. */
typedef struct hall_report_poll {
	char id[HALL_ID_BUF];
	const hall_report_title *title; /* the question */
	hall_report_option *options;
	size_t n_options;
	int64_t total;
} hall_report_poll;

/* A content push, rollback or clear by staff in the period (the staff history). */
typedef struct hall_report_change {
	int64_t ts;
	int64_t version;
	char action[24];
	char target[HALL_STORE_SCOPE_BUF];
	char user[64];
} hall_report_change;

typedef struct hall_report_day {
	char day[11];
	int64_t sessions, taps, views, events;
	bool from_daily; /* its raw events are gone: counted from the daily aggregates */
} hall_report_day;

typedef struct hall_report {
	char from_day[11], to_day[11], tz[64];
	int64_t generated_ms;
	bool complete;          /* hall_report_is_complete */
	bool has_opening;       /* uptime within published opening hours (else whole days) */
	int retention_days;     /* the config's raw retention; 0 = unknown */
	size_t n_days_daily;    /* days counted from the daily aggregates */
	hall_report_cause *causes; /* kiosk by kiosk, in kiosk order */
	size_t n_causes;
	int64_t sessions, taps, views, events, votes, help, language_changes;
	int64_t rejected_total;  /* events refused by the controller, all time */
	hall_report_dwell dwell; /* sessions of the period */
	int64_t hours_sessions[24], hours_taps[24];
	int64_t lang_views[HALL_LANG_COUNT + 1]; /* the last: a language code not known */
	hall_report_kiosk *kiosks; /* by id */
	size_t n_kiosks;
	hall_report_exhibit *exhibits; /* the busiest first */
	size_t n_exhibits;
	hall_report_item *items;
	size_t n_items;
	hall_report_mode *modes;
	size_t n_modes;
	hall_report_poll *polls; /* by id */
	size_t n_polls;
	hall_report_change *changes; /* oldest first */
	size_t n_changes;
	hall_report_day *days; /* every day of the period, in order */
	size_t n_days;
	hall_report_title *titles; /* what the title pointers above point into */
	size_t n_titles;
} hall_report;

/* The options of a report of local days [from, to] (YYYY-MM-DD) as the controller's
 * config sets them (time zone, retention, the kiosks list, the data folder); opening
 * hours are the caller's (hall_report_load_opening). The CLI, the daily report and the
 * staff console build theirs here, so the three agree. */
void hall_report_options_from_config(hall_report_options *opt, const hall_controller_config *cfg, const char *from,
                                     const char *to);

/* Read the store and compute the document. Errors: HALL_ERR_INVALID for bad dates or a
 * range over 366 days, HALL_ERR_DB from the store. */
hall_err hall_report_build(hall_store *store, const hall_report_options *opt, hall_report **out, hall_error *err);
void hall_report_destroy(hall_report *r);

/* A pack's name in `lang` (or the first language that has one); NULL when t is NULL. */
const char *hall_report_title_in(const hall_report_title *t, hall_lang lang);

/* Render in one format with labels in `lang` (any of the hall's five languages). CSV
 * starts with a UTF-8 BOM so spreadsheets read Korean, Chinese and Japanese. JSON keys
 * and values do not depend on the language, but for pack titles and "title" fields. */
hall_err hall_report_render(const hall_report *r, hall_report_format fmt, hall_lang lang, char **out, size_t *len,
                            hall_error *err);

/* 1 when no kiosk in the report has missing or unrecorded events, no kiosk of the
 * config's list was never seen, and every day of the period still has its raw events (a
 * day whose raw events retention removed is reported from the daily aggregates, and its
 * completeness per seq cannot be shown: never "complete"). */
int hall_report_is_complete(const hall_report *r);

/* "text", "csv", "json", "html" -> format; -1 when unknown. */
int hall_report_format_from_name(const char *name, hall_report_format *out);

/* The opening hours for uptime: the schedule last pushed to "all", or NULL when none
 * (then the caller's report counts the whole day). Caller destroys. */
hall_schedule *hall_report_load_opening(hall_store *store);

/* Write the report of local day `day` into cfg->reports_dir as report-DAY.html, .csv and
 * .json (atomically), in cfg->report_lang. The daemon calls this after closing time. */
hall_err hall_report_write_day(hall_store *store, const hall_controller_config *cfg, const char *day,
                               hall_error *err);

/* `hall-controller report` after its options were taken out of argv by the config
 * helper: --date D | --from D --to D, --format text|csv|json|html, --out FILE,
 * --lang ko|en|ja|zh-Hans|zh-Hant. Returns the process exit code (0 ok, 1 failure,
 * 2 usage). */
int hall_report_cli(hall_store *store, const hall_controller_config *cfg, int argc, char **argv);

#endif
