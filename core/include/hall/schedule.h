/* hall/schedule.h: when the screens are open and what they show (docs/content.md,
 * "Schedules", is the format reference).
 *
 * hall_schedule_parse turns schedule JSON into a hall_schedule; hall_schedule_eval is a
 * pure function of (schedule, UTC instant, time zone): no clock is read, no state is
 * kept, so the kiosk calls it whenever it likes (each minute, and on every new schedule)
 * and tests call it with any instant.
 *
 * Ownership: hall_schedule_parse hands back a hall_schedule the caller frees with
 * hall_schedule_destroy; everything reachable from it is owned by it. A result's `item`
 * points into the schedule and is valid while the schedule lives. */
#ifndef HALL_SCHEDULE_H
#define HALL_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/content.h"
#include "hall/err.h"

#define HALL_SCHEDULE_JSON_MAX (256u * 1024u)
#define HALL_SCHEDULE_WINDOWS_PER_DAY 8u
#define HALL_SCHEDULE_CLOSURES_MAX 1000u
#define HALL_SCHEDULE_ITEMS_MAX 256u
#define HALL_SCHEDULE_PLAYLIST_MAX 32u
#define HALL_SCHEDULE_PRIORITY_LIMIT 1000000
#define HALL_SCHEDULE_TZ_MAX 64u
#define HALL_SCHEDULE_HORIZON_DAYS 400 /* how far ahead next_open_ms is searched */
#define HALL_SCHEDULE_DEFAULT_TZ "Asia/Seoul"

/* A daily window in minutes since local midnight. end_min may be 1440 ("24:00");
 * end_min <= start_min means it runs past midnight into the next day. */
typedef struct hall_schedule_window {
	int start_min, end_min;
} hall_schedule_window;

typedef enum hall_show_kind {
	HALL_SHOW_EXHIBIT,   /* one exhibit: playlist[0] */
	HALL_SHOW_ATTRACT,   /* the attract loop; n_playlist == 0 */
	HALL_SHOW_PLAYLIST   /* exhibits shown in turn: playlist[0..n_playlist) */
} hall_show_kind;

typedef struct hall_schedule_item {
	char id[65];
	hall_show_kind show;
	char (*playlist)[65];       /* exhibit ids; 1 for EXHIBIT, 1..32 for PLAYLIST */
	size_t n_playlist;
	bool has_from, has_to;
	int64_t from_day, to_day;   /* days since 1970-01-01 (local dates), inclusive */
	uint8_t weekdays;           /* bit 0 = Sunday .. bit 6 = Saturday; 0x7f = every day */
	bool all_day;               /* no start/end: the whole day */
	hall_schedule_window window; /* when !all_day */
	int priority;
} hall_schedule_item;

typedef struct hall_schedule {
	char time_zone[HALL_SCHEDULE_TZ_MAX + 1]; /* "" when the schedule names none */
	bool has_opening_hours;     /* false: always open */
	hall_schedule_window hours[7][HALL_SCHEDULE_WINDOWS_PER_DAY]; /* [0] = Sunday */
	size_t n_hours[7];
	int64_t *closures;          /* sorted days since 1970-01-01, no duplicates */
	size_t n_closures;
	hall_schedule_item *items;  /* in the order listed */
	size_t n_items;
} hall_schedule;

/* Parse `len` bytes of schedule JSON (at most HALL_SCHEDULE_JSON_MAX). Returns
 * HALL_ERR_INVALID (or HALL_ERR_TOO_BIG / HALL_ERR_NOMEM) with err (may be NULL) holding
 * the first error, naming its path, e.g. `items[2].start: expected a time "HH:MM"`, and
 * *out = NULL. On HALL_OK *out is the schedule (caller destroys). */
hall_err hall_schedule_parse(const char *buf, size_t len, hall_schedule **out, hall_error *err);
/* The same, and every problem is passed to `report` (may be NULL) as a HALL_ISSUE_ERROR
 * hall_issue with its path, in the order found: the parser goes on after an error (the
 * next window, closure date, item or field) so the author sees them all, like
 * hall_content_parse. `err` and the return are as for hall_schedule_parse (the first). */
hall_err hall_schedule_parse_report(const char *buf, size_t len, hall_issue_fn report, void *user,
                                    hall_schedule **out, hall_error *err);
/* The same from an object already parsed with cJSON (the "schedule" member of a schedule
 * message). Borrowed: nothing in *out points into it. */
hall_err hall_schedule_from_json(const cJSON *schedule_json, hall_schedule **out, hall_error *err);
hall_err hall_schedule_from_json_report(const cJSON *schedule_json, hall_issue_fn report, void *user,
                                        hall_schedule **out, hall_error *err);
void hall_schedule_destroy(hall_schedule *schedule);

/* Report (as errors, to `report`, may be NULL) every exhibit id the schedule's items name
 * that `content` lacks, path `items[i].show.exhibit` or `items[i].show.playlist[j]`.
 * Returns HALL_OK when all exist, else HALL_ERR_NOT_FOUND with err set to the first. A
 * kiosk treats a missing exhibit as "no item" (the default); the controller refuses to
 * push such a pair. */
hall_err hall_schedule_check_content(const hall_schedule *schedule, const hall_content *content,
                                     hall_issue_fn report, void *user, hall_error *err);

typedef struct hall_schedule_result {
	bool open;
	/* When open: the active item, or NULL for the default (every exhibit). NULL when closed. */
	const hall_schedule_item *item;
	/* When closed: UTC ms of the next opening, -1 when none within the horizon. -1 when open. */
	int64_t next_open_ms;
	/* When open: UTC ms when this opening ends (joined windows followed), -1 when the
	 * screens do not close within the horizon (no opening_hours, no closures). -1 when closed. */
	int64_t closes_ms;
} hall_schedule_result;

/* Evaluate at `utc_ms`. The schedule's own time_zone is used when it names one, else
 * `tz` (the hall's zone from the config), else HALL_SCHEDULE_DEFAULT_TZ when tz is NULL
 * or "". Returns HALL_OK, or HALL_ERR_INVALID when the zone cannot be used (err says so).
 * Ties between items: higher priority, then the window that started later, then the item
 * listed first. */
hall_err hall_schedule_eval(const hall_schedule *schedule, int64_t utc_ms, const char *tz,
                            hall_schedule_result *result, hall_error *err);

/* "mon".."sun" -> 0 (Sunday) .. 6; -1 when unknown. */
int hall_schedule_weekday_from_name(const char *name);

#endif
