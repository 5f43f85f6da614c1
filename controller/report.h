/* controller/report.h: the daily usage report the facility team reads every morning.
 *
 * A report covers local days [from, to] in the hall's time zone and is computed from the
 * raw events, the fleet's status log and the staff history in the store (store.h); a day
 * whose raw events retention deleted (hall_store_raw_deleted_before) is computed from the
 * daily aggregates instead. It never writes to the store. It says plainly whether its data is complete: per kiosk the
 * events received, the lowest and highest seq, and how many seqs are missing.
 *
 * Ownership: hall_report_build returns a report the caller frees with
 * hall_report_destroy; hall_report_render returns malloc'd bytes the caller frees. */
#ifndef HALL_CTL_REPORT_H
#define HALL_CTL_REPORT_H

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
	 * options are named by their titles in the report's language from the content packs of
	 * the desired state (pushed to all, to a group or to a kiosk of the report), next to
	 * their ids. NULL, or no pack pushed: ids only. */
	const char *data_dir;
} hall_report_options;

typedef struct hall_report hall_report;

/* Read the store and compute every figure. Errors: HALL_ERR_INVALID for bad dates or a
 * range over 366 days, HALL_ERR_DB from the store. */
hall_err hall_report_build(hall_store *store, const hall_report_options *opt, hall_report **out, hall_error *err);
void hall_report_destroy(hall_report *r);

/* Render in one format with labels in `lang` (Korean or English; other languages fall
 * back to English). CSV starts with a UTF-8 BOM so spreadsheets read Korean. */
hall_err hall_report_render(const hall_report *r, hall_report_format fmt, hall_lang lang, char **out, size_t *len,
                            hall_error *err);

/* 1 when no kiosk in the report has missing events, no kiosk of the config's list was
 * never seen, and every day of the period still has its raw events (a day whose raw
 * events retention removed is reported from the daily aggregates, and its completeness
 * per seq cannot be shown: never "complete"). */
int hall_report_is_complete(const hall_report *r);

/* "text", "csv", "json", "html" -> format; -1 when unknown. */
int hall_report_format_from_name(const char *name, hall_report_format *out);

/* The opening hours for uptime: the schedule last pushed to "all", or NULL when none
 * (then the caller's report counts the whole day). Caller destroys. */
hall_schedule *hall_report_load_opening(hall_store *store);

/* Write the report of local day `day` into cfg->reports_dir as report-DAY.html, .csv and
 * .json (atomically). The daemon calls this after closing time. */
hall_err hall_report_write_day(hall_store *store, const hall_controller_config *cfg, const char *day,
                               hall_error *err);

/* `hall-controller report` after its options were taken out of argv by the config
 * helper: --date D | --from D --to D, --format text|csv|json|html, --out FILE,
 * --lang ko|en. Returns the process exit code (0 ok, 1 failure, 2 usage). */
int hall_report_cli(hall_store *store, const hall_controller_config *cfg, int argc, char **argv);

#endif
