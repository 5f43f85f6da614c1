/* controller/action.h: the staff actions as plain functions, called by the command line
 * (push.c, staff.c) and the staff console alike, so the two never disagree (DESIGN.md
 * decision 10).
 *
 * Every action takes the person who acts (recorded in the history: the OS user for the
 * command line, the account for the console), checks its target, records one history
 * row with its outcome ("ok", "failed", "refused" and why; refused attempts included),
 * publishes through hall_ctl_publish_json's path and waits for the targeted kiosks that
 * are online, and fills a hall_action_result. Nothing is printed: problems of a pack or
 * schedule go to opts->issue, each kiosk's answer to opts->progress as it comes.
 *
 * Targets: a kiosk or group that no kiosk of the fleet table and no id of the config's
 * `kiosks` list names is refused (exit code 2, the known ones in the reason) unless
 * opts->allow_unknown; `all` is refused unless opts->confirmed (the caller asked the
 * person: a prompt at a terminal, --yes, the console's confirmation).
 *
 * Ownership: everything passed in is borrowed. store may be NULL: the action opens
 * cfg's database when it needs one (creating it) and closes it; with NULL, a refusal
 * before that point is not recorded (a command that fails its checks leaves no
 * database behind). res->kiosks is malloc'd: free with hall_action_result_free.
 * Threads: one action at a time per store handle; no global state. */
#ifndef HALL_CTL_ACTION_H
#define HALL_CTL_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hall/config.h"
#include "hall/content.h"
#include "hall/protocol.h"
#include "store.h"

typedef enum hall_outcome { HALL_OUTCOME_OK, HALL_OUTCOME_FAILED, HALL_OUTCOME_REFUSED } hall_outcome;
/* "ok", "failed", "refused" (the history's words). */
const char *hall_outcome_name(hall_outcome o);

/* One targeted kiosk's answer. */
typedef enum hall_answer {
	HALL_ANSWER_WAITING,   /* online, no answer yet (progress only; NO_ANSWER at the end) */
	HALL_ANSWER_APPLIED,   /* content: it shows this push now; schedule, notice: applied;
	                          a clear: applied (showing says what it shows instead) */
	HALL_ANSWER_STORED,    /* it keeps the push but shows another scope's: hidden_by */
	HALL_ANSWER_DEFERRED,  /* content: held until its visitor's session ends (until) */
	HALL_ANSWER_DONE,      /* command carried out */
	HALL_ANSWER_REJECTED,  /* rejected (or a command failed): reason */
	HALL_ANSWER_NO_ANSWER, /* online but silent within the timeout */
	HALL_ANSWER_OFFLINE    /* pending: gets it on its next connect (or the command while its ttl lasts) */
} hall_answer;
const char *hall_answer_name(hall_answer a); /* "waiting", "applied", "stored", ... */

typedef struct hall_kiosk_outcome {
	char id[HALL_ID_BUF];
	bool online;
	hall_answer answer;
	char reason[HALL_PROTO_REASON_MAX + 1]; /* rejected: the kiosk's reason */
	int64_t until;                          /* deferred: UTC ms it applies by at the latest; 0 = not said */
	char hidden_by[HALL_SCOPE_BUF];         /* stored: the scope whose override it shows ("kiosk:k1") */
	int64_t hidden_version;                 /* stored: that override's version */
	hall_showing showing;                   /* content: what it says it shows; scope "" = not said */
	char command_id[HALL_ID_BUF];           /* command: this kiosk's command id */
	char shot_path[HALL_CONFIG_PATH_MAX + 160]; /* screenshot command: where serve saved it, "" = not yet */
} hall_kiosk_outcome;

typedef struct hall_action_opts {
	const char *person;        /* required: who acts */
	int timeout_s;             /* wait for the kiosks' answers; 0 = 10 s */
	bool allow_unknown;        /* a kiosk or group nobody knows yet is fine */
	bool confirmed;            /* the person confirmed an action on all */
	void (*issue)(void *user, const hall_issue *issue);          /* NULL = not told */
	void (*progress)(void *user, const hall_kiosk_outcome *k);   /* NULL = not told */
	void *user;
} hall_action_opts;

typedef struct hall_action_result {
	hall_outcome outcome;
	int exit_code;             /* 0 ok, 1 failed or refused, 2 refused as usage (unknown
	                              target, no confirmation, a bad argument) */
	char reason[600];          /* failed / refused: one line; "" when ok */
	char action[24];           /* the history's action: "push", "clear", ... */
	char kind[16];             /* "content", "schedule", "notice", "command" */
	char scope[HALL_SCOPE_BUF];
	int64_t version;           /* the version taken (0: none) */
	char command_id[HALL_ID_BUF];
	int64_t history_id;        /* 0 when not recorded */
	bool published;            /* the broker has it (or, for a command, it is queued) */
	size_t errors, warnings;   /* problems of the pack or schedule */
	hall_kiosk_outcome *kiosks;
	size_t n_kiosks;
} hall_action_result;
void hall_action_result_free(hall_action_result *res);

/* Is the target known? 0 yes (or `all`), else -1 with `why` naming it and listing the
 * known kiosks or groups ("kiosk:nobody-99: no such kiosk (known: k1, k2)"). */
int hall_action_check_target(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                             char *why, size_t len);
/* How many kiosks the fleet table knows and how many are online (for a confirmation). */
void hall_action_count_fleet(hall_store *store, size_t *known, size_t *online);

/* Validate, store and publish the content pack in `dir` to scope. */
int hall_action_push_pack(const hall_controller_config *cfg, hall_store *store, const char *dir,
                          const hall_scope *scope, const hall_action_opts *opts, hall_action_result *res);
/* Clear the content override of scope (a group or kiosk falls back to the wider one). */
int hall_action_clear_content(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                              const hall_action_opts *opts, hall_action_result *res);
/* Publish the pack pushed before the current one of scope again, under a new version. */
int hall_action_rollback(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                         const hall_action_opts *opts, hall_action_result *res);
/* Raise notice n (checked with hall_proto_check_notice), or with n NULL take it down. */
int hall_action_notice(const hall_controller_config *cfg, hall_store *store, const hall_notice *n,
                       const hall_scope *scope, const hall_action_opts *opts, hall_action_result *res);
/* Check the schedule (buf, len; `name` for messages, e.g. its file) with every problem to
 * opts->issue, check its exhibits against the pack of scope, then publish it. */
int hall_action_schedule_push(const hall_controller_config *cfg, hall_store *store, const char *buf, size_t len,
                              const char *name, const hall_scope *scope, const hall_action_opts *opts,
                              hall_action_result *res);
/* Take the schedule of scope down (the kiosks fall back to a wider one, or none: open). */
int hall_action_schedule_clear(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                               const hall_action_opts *opts, hall_action_result *res);
/* Queue command `cmd` (args: exhibit for show, "" otherwise) with ttl_s for every kiosk of
 * scope (one history row; the command id "c-N" for one kiosk, "c-N-1", "c-N-2", ... for
 * several, each kiosk's in its outcome); send it now to those online and wait for their
 * acks. A screenshot's outcome names where serve saved each image. */
int hall_action_command(const hall_controller_config *cfg, hall_store *store, hall_command_cmd cmd,
                        const char *exhibit, int64_t ttl_s, const hall_scope *scope, const hall_action_opts *opts,
                        hall_action_result *res);

/* The fleet as JSON for `status --json` and the console: {"serve":{...},"kiosks":[...],
 * "counters":{...}} (docs/controller.md). Caller frees with cJSON_Delete. */
hall_err hall_action_fleet_json(const hall_controller_config *cfg, hall_store *store, cJSON **out, hall_error *err);

/* The version of kind ("content", "schedule", "notice") kiosk k should hold: the most
 * specific desired state that addresses it and is not cleared (0 = none). */
int64_t hall_action_wanted(hall_store *store, const char *kind, const hall_store_kiosk *k);

/* ---------------------------------------------------------------- what a screen shows when
 * (action_schedule.c): from the desired state now (what is pushed now), by the kiosk's own
 * rules: the most specific scope that holds something (kiosk, its group, all; a cleared
 * scope falls back to the wider one) and hall_schedule_eval. */

/* "YYYY-MM-DDTHH:MM" in time zone tz -> UTC ms; -1 when it is not such a time. */
int hall_action_parse_local_time(const char *s, const char *tz, int64_t *out);

/* What kiosk `kiosk` shows at UTC ms `at`: {"kiosk","group","at","local","time_zone",
 * "content":{"scope","version","pack"}, "schedule":{"scope","version","body"}|null, "open",
 * "closes","next_open" (ms|null), "item":{"id","show","exhibits","missing","priority"}|null,
 * "shows": "closed"|"default"|"exhibit"|"attract"|"playlist", "notice":{...}|null}.
 * "default" is every exhibit of the pack: no item applies, or the item names an exhibit
 * the pack lacks (the kiosk ignores such an item). HALL_ERR_NOT_FOUND for a kiosk nobody
 * knows (err names the known ones). Caller frees *out with cJSON_Delete. */
hall_err hall_action_schedule_at(const hall_controller_config *cfg, hall_store *store, const char *kiosk, int64_t at,
                                 cJSON **out, hall_error *err);

/* The schedule of target over `days` days from from_day ("YYYY-MM-DD" hall date; NULL or
 * "" = today): {"to","schedule":{"scope","version","body"}|null,"time_zone","items":[ITEM...],
 * "days":[{"date","weekday" (0 = Sunday),"closure","segments":[{"start","end" (minutes
 * of the day),"open","item" (id|null)}]}]}: the segments are hall_schedule_eval's answers
 * at every moment something may change. */
hall_err hall_action_schedule_week(const hall_controller_config *cfg, hall_store *store, const hall_scope *target,
                                   const char *from_day, int days, cJSON **out, hall_error *err);

/* A schedule not pushed yet (buf, len: its JSON) checked for target as `schedule validate`
 * and `schedule push` check it (hall_schedule_parse_report, then its exhibits against the
 * content the target shows), and its week when it has no error: {"to","issues":[{"severity",
 * "path","message"}],"errors","titles","week":{as hall_action_schedule_week}|null}.
 * HALL_ERR_NOT_FOUND for an unknown target. The week answer also carries "content" and
 * "titles" ({EXHIBIT: {LANG: name}} of the pack the target shows). */
hall_err hall_action_schedule_preview(const hall_controller_config *cfg, hall_store *store, const hall_scope *target,
                                      const char *buf, size_t len, const char *from_day, int days, cJSON **out,
                                      hall_error *err);

/* serve's heartbeat, read from the database (meta, written by serve every few seconds):
 * running when it wrote one within HALL_SERVE_STALE_MS; last_ms its time (0 = never);
 * connected whether serve had its broker then. */
#define HALL_SERVE_HEARTBEAT_MS 5000
#define HALL_SERVE_STALE_MS 15000
#define HALL_META_SERVE_HEARTBEAT "serve_heartbeat"
#define HALL_META_SERVE_STOPPED "serve_stopped"
/* serve's last daily backup: "<UTC ms> ok|failed <file> [<why>]" (serve.c record_backup) */
#define HALL_META_LAST_BACKUP "last_backup"
typedef struct hall_serve_state {
	bool running;
	int64_t last_ms;
	bool connected;
	char broker[HALL_MQTT_ADDR_MAX]; /* "host:port" serve was connected to then ("" = none or
	                              an older serve) */
	int64_t stopped_ms;        /* a clean stop's time (0 = none after the last heartbeat) */
} hall_serve_state;
void hall_action_serve_state(hall_store *store, int64_t now_ms, hall_serve_state *out);

#endif
