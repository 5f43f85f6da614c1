/* kiosk/link.h: the kiosk's network side (no SDL): MQTT session, durable event spool,
 * content packs fetched by hash, schedules, notices, commands and poll results.
 *
 * Threading: every function here is called from the main thread only. libmosquitto's
 * own thread only queues received messages and calls `wake` (which should push an SDL
 * event); all parsing, disk work and publishing happens inside hall_link_poll() and
 * hall_link_frame_end() on the main thread, in bounded steps so a frame never stalls
 * for long (an asset chunk is at most 256 KiB).
 *
 * Life of a kiosk (DESIGN.md decisions 1, 2, 3, 5, 7; docs/protocol.md):
 *   hall_link_create   opens the spool and content store under cfg->data_dir and loads
 *                      the last good content from disk, else cfg->default_content; it
 *                      never touches the network. The first hall_link_poll() hands that
 *                      content to the main thread as a HALL_LINK_CONTENT update.
 *   hall_link_start    starts connecting in the background (retry with backoff). The kiosk
 *                      runs with no broker at all; events wait in the spool.
 *   each frame         while (hall_link_poll(link, now, &u)) { handle u; hall_link_update_clear(&u); }
 *                      app runs; hall_link_record() for each event; hall_link_frame_end().
 *   quit               hall_link_flush(link, 3000); hall_link_destroy(link).
 *
 * What the link does on the wire (docs/protocol.md is the contract):
 *   - every connect: hello (versions shown, seq_max, spool_first), then the status
 *     (retained only when cfg->retain; so is the Will), then every unconfirmed event again.
 *     Subscriptions are exact topics, re-sent by hall_mqtt on every connect.
 *   - events: spooled on record, published in batches (spool.batch_max or spool.batch_ms),
 *     at most spool.window unconfirmed in flight, dropped only on the controller's confirm,
 *     resent from the lowest unconfirmed seq after spool.resend_ms, on reconnect and when
 *     the controller's status turns online again.
 *   - content/schedule/notice: the latest message per scope (all, group, kiosk) is kept in
 *     <data_dir>/link-state.json; the most specific non-cleared one is shown; an older
 *     version than the one known for a scope is refused. Every message is answered on the
 *     ack topic: "rejected" with the reason (parser path, wrong hash, missing or oversize
 *     asset, older version, wrong target), or "applied": a schedule or notice when taken,
 *     a content pack once the main thread applied it, or at once when it is kept but
 *     hidden by a more specific scope. A content pack held back for a visitor session
 *     is first acked "deferred" (hall_link_content_deferred). A pack superseded before it was shown is rejected
 *     ("superseded by version N").
 *   - assets: every asset the pack lacks is subscribed (exact topic) and taken from any
 *     stream on it, at any offset; the kiosk asks (fetch) for the first incomplete one
 *     itself after a random 0.2 s..fetch_jitter_ms wait for a group/all pack (at once for its
 *     own), when a stream stops short for 750 ms, or again after fetch_timeout_ms without
 *     an answer; after fetch_attempts it rejects the pack as "missing asset".
 *   - commands run once by id (remembered across restarts), refused when expired.
 *
 * Ownership: hall_link_create returns a link the caller frees with hall_link_destroy.
 * A hall_link_update is filled by hall_link_poll; the caller may take `content` and
 * `schedule` (set the field to NULL after taking it, then free it later with
 * hall_content_destroy / hall_schedule_destroy); whatever is left
 * non-NULL is freed by hall_link_update_clear(). All strings inside an update are
 * fixed arrays copied into it: nothing to free.
 */
#ifndef HALL_KIOSK_LINK_H
#define HALL_KIOSK_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/config.h"
#include "hall/err.h"
#include "hall/lang.h"
#include "hall/topics.h"

/* Defined in hall/content.h and hall/schedule.h. Only forward-declared here so that this
 * header can be included next to hall/protocol.h as well as hall/content.h. */
typedef struct hall_content hall_content;
typedef struct hall_schedule hall_schedule;

typedef struct hall_link hall_link;

#define HALL_LINK_PATH_MAX 1024
#define HALL_LINK_REASON_MAX 256
#define HALL_LINK_NOTICE_TEXT_MAX 1024
#define HALL_LINK_POLL_OPTIONS_MAX 32

typedef enum hall_link_update_kind {
	HALL_LINK_NONE = 0,
	HALL_LINK_CONTENT,      /* content ready to apply (from disk at boot, or a new push) */
	HALL_LINK_SCHEDULE,     /* the schedule to follow changed (may be cleared) */
	HALL_LINK_NOTICE,       /* the notice to show changed (may be cleared) */
	HALL_LINK_COMMAND,      /* a staff command to carry out once */
	HALL_LINK_POLL_RESULTS, /* live tallies of a poll */
	HALL_LINK_CONNECTION,   /* the broker connection came up or went down */
	HALL_LINK_HELP          /* a call for staff was acknowledged by the controller, or given up */
} hall_link_update_kind;

/* Where a content/schedule/notice came from; the most specific non-cleared one wins. */
typedef enum hall_link_scope {
	HALL_LINK_SCOPE_DEFAULT = 0, /* cfg default_content (nothing pushed, or all cleared) */
	HALL_LINK_SCOPE_ALL,
	HALL_LINK_SCOPE_GROUP,
	HALL_LINK_SCOPE_KIOSK
} hall_link_scope;

typedef enum hall_link_cmd {
	HALL_LINK_CMD_SCREENSHOT, /* answer with hall_link_publish_shot() */
	HALL_LINK_CMD_RELOAD,     /* call hall_link_reload(): the content comes back as an update */
	HALL_LINK_CMD_SHOW,       /* show exhibit `exhibit` */
	HALL_LINK_CMD_IDENTIFY    /* show the kiosk id big on screen for a while */
} hall_link_cmd;

typedef enum hall_link_notice_level { HALL_LINK_NOTICE_INFO, HALL_LINK_NOTICE_URGENT } hall_link_notice_level;

typedef struct hall_link_update {
	hall_link_update_kind kind;
	hall_link_scope scope;
	int64_t version;            /* content/schedule/notice version; 0 for default content */
	bool cleared;               /* schedule/notice: nothing to show any more */

	/* HALL_LINK_CONTENT: the validated content (ownership passes, see above) and the
	 * directory of its pack on disk (image paths in the content are relative to it).
	 * Apply it between frames, when no visitor session runs (or after apply_wait_s), then
	 * call hall_link_content_applied(), or hall_link_content_failed() if it could not be
	 * shown. A newer CONTENT update replaces one not yet applied: drop the older one. */
	hall_content *content;
	char pack_dir[HALL_LINK_PATH_MAX];

	/* HALL_LINK_SCHEDULE: the schedule to follow; NULL when cleared (always open, no items).
	 * Evaluate it with hall_schedule_eval (schedule.h). */
	hall_schedule *schedule;

	/* HALL_LINK_NOTICE (when !cleared): text per language ("" when absent); until_ms is
	 * UTC epoch ms, 0 = until cleared (convert to the app's clock before passing it on). */
	hall_link_notice_level notice_level;
	char notice_text[HALL_LANG_COUNT][HALL_LINK_NOTICE_TEXT_MAX];
	int64_t notice_until_ms;

	/* HALL_LINK_COMMAND: id to pass back; exhibit is set for SHOW. */
	hall_link_cmd cmd;
	char cmd_id[HALL_ID_MAX + 1];
	char cmd_exhibit[HALL_ID_MAX + 1];

	/* HALL_LINK_POLL_RESULTS */
	char poll_id[HALL_ID_MAX + 1];
	int64_t poll_ts;
	int64_t poll_total;
	int poll_noptions;
	struct {
		char id[HALL_ID_MAX + 1];
		int64_t votes;
	} poll_options[HALL_LINK_POLL_OPTIONS_MAX];

	/* HALL_LINK_CONNECTION */
	bool online;

	/* HALL_LINK_HELP: the call (as hall_link_help returned it) was delivered (the
	 * controller's help-ack came), or not within session.help_give_up_s (given up). */
	int64_t help_call;
	bool help_delivered;
} hall_link_update;

/* One visitor event as the app reports it (docs/protocol.md "events"). The link assigns
 * seq and ts (hall_clock_now_ms). Strings are borrowed for the call only. */
typedef struct hall_link_event {
	const char *type;    /* "tap", "session_start", "session_end", "view", "language", "mode", "vote", "help" */
	const char *exhibit; /* "" when none; at most 64 bytes */
	const char *target;  /* "" when none; at most 64 bytes */
	int64_t session;     /* the app's visitor session number since boot (0 = attract loop,
	                      * -1 = leave out); the link sends the session's lifelong id
	                      * instead: the seq of its session_start (docs/protocol.md) */
	const char *lang;    /* language code shown; NULL = leave out */
	int64_t dwell_ms;    /* -1 = leave out */
	const char *poll;    /* poll id on "vote"; NULL = leave out */
} hall_link_event;

/* Open the spool and content store under cfg->data_dir and load what to show first.
 * cfg is copied (nothing borrowed after the call). `wake` is called from another thread
 * whenever hall_link_poll has work; it must be cheap and thread-safe (SDL_PushEvent);
 * it may be NULL (then poll on a timer, see hall_link_next_due_ms). Never blocks on the
 * network. Errors: IO (data_dir unusable), INVALID (bad id or topic prefix), NOMEM.
 * With neither a usable last good pack nor a valid default_content it still succeeds
 * (no CONTENT update comes, the status's last_error says why) so that a push can fix
 * the kiosk. */
hall_err hall_link_create(const hall_kiosk_config *cfg, void (*wake)(void *ctx), void *wake_ctx,
                          hall_link **out, hall_error *err);

/* Start connecting in the background; retries with backoff forever. Returns at once.
 * Errors: NET only when the MQTT library could not be set up at all. */
hall_err hall_link_start(hall_link *link, hall_error *err);

/* Do pending network and disk work (bounded), then hand back at most one update.
 * Returns true and fills *out when there was one (clear it with hall_link_update_clear),
 * false when there is nothing more for now. now_ms: hall_clock_mono_ms(). */
bool hall_link_poll(hall_link *link, int64_t now_ms, hall_link_update *out);

/* Free what the caller left in the update (content, schedule) and reset it. */
void hall_link_update_clear(hall_link_update *u);

/* The mono ms by which hall_link_poll or hall_link_frame_end wants to run again (a
 * batch, resend, status or asset-request timer; 0 when updates wait); INT64_MAX when
 * nothing is due (always so while offline: the wake callback reports the reconnect). */
int64_t hall_link_next_due_ms(const hall_link *link);

/* The main thread applied the CONTENT update of `version` (acks "applied" and makes it
 * the last good pack on disk), or could not apply it (acks "rejected" with reason; the
 * content shown before stays). Versions of default content (0) are not acked. */
void hall_link_content_applied(hall_link *link, int64_t version);
void hall_link_content_failed(hall_link *link, int64_t version, const char *reason);
/* The main thread holds the CONTENT update of `version` back (a visitor session is
 * running) and applies it when the session ends, or cfg session.apply_wait_s from now at
 * the latest. Call it once, as soon as it holds the update back: the link acks
 * "deferred" (reason "session", until = now + apply_wait_s in UTC ms) at once, so the
 * controller knows the pack arrived; "applied" or "rejected" follows as usual. Versions
 * of default content and reloads are not acked (logged only). */
void hall_link_content_deferred(hall_link *link, int64_t version);

/* Re-read the current content pack from disk and hand it out again as a CONTENT update
 * (the `reload` command). HALL_ERR_INVALID when no content could be loaded. */
hall_err hall_link_reload(hall_link *link, hall_error *err);

/* Answer a command: done (ok) or failed with reason. Each command is answered once;
 * hall_link_publish_shot answers SCREENSHOT itself. */
void hall_link_command_result(hall_link *link, const char *cmd_id, bool ok, const char *reason);

/* Publish a screenshot (PNG bytes, borrowed for the call) for command cmd_id and ack it
 * done (failed when the PNG is too big or the publish failed). */
hall_err hall_link_publish_shot(hall_link *link, const char *cmd_id, const void *png, size_t len, hall_error *err);

/* Append an event to the spool: assigns the next seq (into *seq when not NULL) and the
 * ts; it is written to the spool file at once and fsynced by hall_link_frame_end (or held
 * in memory while the disk is full: hall/spool.h). Errors: INVALID (unknown type,
 * over-long field), FULL or IO (neither written nor held: the event is counted as
 * unrecorded, which status and hello carry). */
hall_err hall_link_record(hall_link *link, const hall_link_event *ev, uint64_t *seq, hall_error *err);

/* A visitor pressed call-staff: queues the call (*call gets its number, >= 1) and
 * publishes it at once when online. It is sent again (backoff 1, 2, 4, 8 s, and at once
 * after a reconnect) until the controller's help-ack for it arrives, then a HALL_LINK_HELP
 * update says delivered; after cfg session.help_give_up_s without one it is dropped and
 * the update says not delivered (the visitor must be told to ask at the desk). Pending
 * calls are kept in link-state.json, so a restart keeps trying until the same limit. At
 * most 8 are pending: a ninth gives the oldest up. Not spooled with the events: a call is
 * only useful now; the app emits its own "help" event through hall_link_record, which the
 * daily report counts. session -1 = unknown. Errors: INVALID (exhibit too long). */
hall_err hall_link_help(hall_link *link, const char *exhibit, int64_t session, int64_t *call, hall_error *err);

/* End of a frame: fsync the spool if anything was appended, publish due batches,
 * resend what timed out. Cheap when nothing is due. */
void hall_link_frame_end(hall_link *link);

/* For `quit`: keep publishing and wait up to timeout_ms for the controller to confirm
 * every spooled event. Returns how many events remain unconfirmed (they stay in the
 * spool and are sent after the next start). */
size_t hall_link_flush(hall_link *link, int timeout_ms);

/* Numbers for the retained status message (published on connect and every minute).
 * last_error is copied and published soon after it changes; "" clears it, NULL leaves it
 * as it is (the link also puts its own errors there, e.g. an unreadable push). */
void hall_link_set_status(hall_link *link, double fps, const char *last_error);
/* console helper: the status's render health, how long the slowest 1 % of the frames drawn
 * over the last measuring period took (ms; link_state.c). */
void hall_link_set_frame_p99(hall_link *link, double ms);

/* State, for a staff overlay and tests. */
bool hall_link_is_online(const hall_link *link);
typedef struct hall_link_stats {
	uint64_t seq_max;        /* highest seq issued */
	uint64_t spool_first;    /* lowest seq still unconfirmed (seq_max + 1 when none) */
	uint64_t confirmed;      /* highest seq the controller confirmed */
	size_t in_flight;        /* published, not yet confirmed */
	uint64_t dropped;        /* events the spool could not keep, ever (its unrecorded) */
	int64_t content_version; /* version of the content shown (0 = default) */
	int64_t schedule_version;
	int64_t notice_version;
	unsigned connects;       /* successful connects since create */
} hall_link_stats;
void hall_link_get_stats(const hall_link *link, hall_link_stats *out);

/* Timings that are not in the config; tests shorten them. Fields <= 0 keep the value. */
typedef struct hall_link_tuning {
	int fetch_timeout_ms;   /* an asset fetch without progress this long is asked again (10000) */
	int fetch_attempts;     /* after this many, the update is rejected: missing asset (4) */
	int status_interval_ms; /* status republished this often (60000) */
	int resend_ms;          /* unconfirmed events resent after (cfg spool.resend_ms) */
	int fetch_jitter_ms;    /* a pack for a group or all: ask for assets after a random
	                           0..this delay, listening first (1000) */
} hall_link_tuning;
void hall_link_tune(hall_link *link, const hall_link_tuning *t);

/* Publish the offline status (retained when cfg retain), disconnect cleanly, stop the
 * network thread, close the spool and free everything. NULL is a no-op. Events not
 * confirmed stay in the spool on disk. */
void hall_link_destroy(hall_link *link);

#endif
