/* kiosk/link_priv.h: what the files of the kiosk's link share (see link.h for the contract).
 * Not for use outside kiosk/link*.c.
 *
 * The link is split by job, mosquitto-style, with link__fn names for what crosses files:
 *   link.c           life cycle, connection, dispatch of incoming messages, publishing
 *                    (acks, status, hello), subscriptions, the update queue
 *   link_state.c     the persisted state (<data_dir>/link-state.json)
 *   link_content.c   content, schedule and notice envelopes; content jobs: fetch, chunks,
 *                    staging; the main thread's answers about content
 *   link_events.c    the event spool: record, publish in batches, confirm, resend
 *   link_commands.c  commands, screenshots, help calls, poll results
 *
 * Everything runs on the main thread inside hall_link_poll / hall_link_frame_end /
 * hall_link_flush; libmosquitto's thread only fills hall_mqtt's queue and wakes us.
 *
 * State kept per kind (content, schedule, notice) and scope (all, group, kiosk): the
 * latest message's version and whether it cleared the scope (DESIGN.md decision 3 and
 * docs/protocol.md "content"); it is persisted in <data_dir>/link-state.json (atomic
 * writes) so a restarted kiosk without a broker shows what it showed and still refuses
 * older versions. Content packs live in the content store (<data_dir>/content), events in
 * the spool (<data_dir>/spool). */
#ifndef HALL_KIOSK_LINK_PRIV_H
#define HALL_KIOSK_LINK_PRIV_H

#include "link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "content_store.h"
#include "hall/clock.h"
#include "hall/fetch.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/sign.h"
#include "hall/spool.h"
#include "hall/strbuf.h"

#define APP_NAME "hall-kiosk 0.1"
#define QUEUE_MAX 32             /* updates waiting for the main thread */
#define QUEUE_REFILL 8           /* take network messages only while fewer wait */
#define MSGS_PER_POLL 64         /* network messages handled per hall_link_poll call */
#define BATCHES_PER_CALL 16      /* event batches published per call */
#define BATCH_BYTES_MAX (900u * 1024u) /* keeps a batch under the 1 MiB JSON limit */
#define COMMANDS_KEPT 64         /* command ids remembered (carried out once by id) */
#define POLLS_MAX 32
#define STATE_MAX (4u * 1024u * 1024u)
#define REASON_BUF (HALL_PROTO_REASON_MAX + 1)

enum { K_CONTENT, K_SCHEDULE, K_NOTICE, K_COUNT };
enum { S_ALL, S_GROUP, S_KIOSK, S_COUNT }; /* ascending precedence */

extern const char *const link__kind_leaf[K_COUNT];  /* topic leaf and name of each kind */
extern const char *const link__scope_name[S_COUNT];

typedef struct slot {
	int64_t version; /* 0 = nothing held for this scope */
	bool cleared;
	bool failed;     /* content only: the main thread could not show this pack */
	char *body;      /* schedule/notice: the body JSON when !cleared (owned) */
	size_t body_len;
} slot;

/* One asset of a job that this kiosk lacks. */
typedef struct job_asset {
	hall_cstore_blob *blob;  /* NULL when held already, or when `same` names the writer */
	int same;                /* index of an earlier asset with the same sha256, else -1 */
	bool done;
	/* Since this kiosk's last request (or the job's start): mono ms of the first chunk
	 * (0 = none), the end of the run of chunks that followed it without a gap or a jump
	 * back (one stream; -1 once chunks of two streams mixed), and whether that run
	 * reached the asset's end. */
	int64_t first_chunk_ms;
	int64_t run_end;
	bool end_seen;
	char topic[HALL_TOPIC_MAX]; /* subscribed while receiving; "" otherwise */
} job_asset;

/* One content manifest being fetched and staged. Every asset it lacks is subscribed at
 * once and taken from whatever stream passes (another kiosk may have asked for it);
 * this kiosk asks (for every incomplete asset at once) only when nothing arrives: after a
 * random delay (a hall full of kiosks would otherwise all ask at the same moment), when
 * the streams stop before the pack is whole, or when its own request got no answer
 * within fetch_timeout_ms. */
typedef struct content_job {
	bool active;
	int scope;
	int64_t version;
	char *manifest;          /* printed manifest body (owned) */
	size_t manifest_len;
	hall_cstore_manifest m;
	job_asset *assets;       /* m.n_assets entries */
	int64_t not_before;      /* mono ms: no own request before this */
	int64_t last_progress_ms, last_fetch_ms; /* 0 = never */
	int64_t episode_ms;      /* mono ms of the last request, or of the job's (re)start */
	int64_t max_wait_ms;     /* longest wait for a chunk that added bytes since episode_ms */
	int attempts;            /* requests answered by nothing */
	uint64_t fetches;
} content_job;

typedef struct pending_manifest {
	int64_t version;         /* 0 = none */
	char *manifest;
	size_t len;
} pending_manifest;

/* The content last handed to the main thread and not yet applied. */
typedef struct handed_content {
	bool waiting;
	int scope;               /* -1 = default content */
	int64_t version;
	bool ack;                /* acknowledge "applied" when the main thread applied it */
	bool deferred_sent;      /* the "deferred" ack went out */
	char key[HALL_CSTORE_KEY_MAX];
	char pack[HALL_STR_BUF]; /* its manifest's id ("" when none): `showing` once applied */
	char polls[32][65];      /* its poll ids, to follow their results once applied */
	size_t n_polls;
} handed_content;

/* A call for staff not yet acknowledged by the controller (hall_link_help). */
#define HELP_CALLS_MAX 8
typedef struct help_call {
	int64_t call;            /* 0 = free slot */
	int64_t ts;              /* UTC ms of the press (the message's ts, the same in every resend) */
	char exhibit[HALL_STR_BUF];
	int64_t session;         /* the wire's session id, -1 = none */
	int64_t give_up;         /* UTC ms: given up from then on */
	int64_t next_try;        /* mono ms; 0 = at once */
	int64_t backoff_ms;
	unsigned tries;
} help_call;

typedef struct command_seen {
	char id[HALL_ID_BUF];
	int state;               /* 0 = carrying out, 1 = done, 2 = failed */
} command_seen;

struct hall_link {
	hall_kiosk_config cfg;
	const char *prefix;
	void (*wake)(void *ctx);
	void *wake_ctx;
	hall_link_tuning tune;

	hall_mqtt *mq;
	bool started;
	uint64_t seen_connects;
	bool online;
	bool online_reported;
	int controller_online;   /* -1 unknown, 0 offline, 1 online */
	unsigned connects;
	uint64_t rng;

	hall_spool *spool;
	hall_cstore *store;
	char state_path[HALL_LINK_PATH_MAX];
	int64_t boot_ts;
	int64_t start_mono;

	/* events */
	int64_t next_send;       /* lowest seq not published since the last (re)send */
	int64_t unsent_since;    /* mono ms the oldest unsent event waits since; 0 = long ago */
	int64_t resend_due;      /* mono ms; 0 = nothing in flight */
	bool appended;           /* since the last spool sync */
	bool flushing;
	int64_t session_app;     /* the app's number of the visitor session below (since boot) */
	int64_t session_id;      /* its id on the wire: the seq of its session_start */
	int64_t held_retry;      /* mono ms: when to try writing held events again (0 = now) */
	int64_t sync_error_logged; /* mono ms of the last "spool sync" error logged */
	int64_t spool_status_next; /* mono ms: a change of the spool's trouble is told from then */
	int64_t said_unrecorded; /* the spool's unrecorded count in the last status */
	char said_spool_error[HALL_PROTO_ERROR_MAX + 1]; /* and its error */

	/* scopes */
	slot slots[K_COUNT][S_COUNT];
	content_job job;
	pending_manifest pending[S_COUNT];
	handed_content handed;
	char current_key[HALL_CSTORE_KEY_MAX];  /* applied content; "" = default */
	int current_scope;
	int64_t current_version;
	char current_pack[HALL_STR_BUF];        /* the shown manifest's id, for `showing` */
	char previous_key[HALL_CSTORE_KEY_MAX];
	hall_content *fresh;     /* a pack just staged, for reconsider_content (owned) */
	char fresh_key[HALL_CSTORE_KEY_MAX];
	char fresh_dir[HALL_CSTORE_PATH_MAX];
	int handed_sched_scope, handed_notice_scope;  /* -2 = never handed */
	int64_t handed_sched_version, handed_notice_version;

	/* polls of the current content (subscribed to their results) */
	char polls[POLLS_MAX][65];
	size_t n_polls;

	command_seen commands[COMMANDS_KEPT];
	size_t n_commands, next_command;

	help_call help[HELP_CALLS_MAX];
	int64_t help_last;       /* the last call number given (persisted: numbers never repeat) */

	/* authority (DESIGN.md decision 7): the controller's pinned public key */
	bool keyed;              /* cfg controller_key set: only signed control messages count */
	unsigned char controller_pk[HALL_SIGN_PK_BYTES];
	uint64_t rejected_unsigned;  /* messages refused for signature reasons (status, hello) */
	unsigned refusals_logged[8]; /* per ack kind, a bit per hall_sign_verdict already logged */
	uint64_t confirms_ignored;   /* confirms above seq_max beyond what may move the numbering */

	/* status */
	double fps;
	bool fps_said;             /* a measured frame rate was set (hall_link_set_status) */
	double frame_p99_ms;       /* console helper: slowest 1 % of drawn frames (0 = not yet) */
	double frame_p99_said;     /* the figure that last sent a status at once (hall_link_set_frame_p99) */
	char last_error[HALL_PROTO_ERROR_MAX + 1];
	bool content_error;      /* last_error is about content: cleared once content applies */
	int64_t status_due;
	int64_t hello_due;       /* mono ms: a roll-call's answer; 0 = none pending */

	/* updates for the main thread */
	hall_link_update *queue[QUEUE_MAX];
	size_t q_head, q_len;
};

/* link.c */
int64_t link__mono_now(void);
void link__set_last_error(hall_link *link, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* link_events.c: the wire's id of the app's visitor session `app_session` (0 = attract,
 * < 0 = unknown: -1); `starting` on its session_start. */
int64_t link__session_id(hall_link *link, int64_t app_session, bool starting);
/* The status's last_error: the spool's when it cannot write (events are at stake), else
 * the link's own. */
void link__status_error(const hall_link *link, char *out, size_t len);
void link__reason_from_error(char *out, size_t len, const hall_error *e);
void link__content_key(const hall_link *link, int scope, int64_t version, char *out, size_t len);
hall_link_scope link__public_scope(int scope);
bool link__group_enabled(const hall_link *link);
hall_link_update *link__update_new(hall_link_update_kind kind);
void link__update_free(hall_link_update *u);
void link__queue_push(hall_link *link, hall_link_update *u);
hall_err link__publish(hall_link *link, const char *leaf, const void *data, size_t len, bool retain);
/* What this kiosk shows now (`showing` of hello, status and content acks,
 * docs/protocol.md): the scope of the applied content ("default" for the built-in pack),
 * its version and its pack id. */
void link__showing(const hall_link *link, hall_showing *out);
void link__send_ack_result(hall_link *link, int kind, int scope, int64_t version, hall_ack_result result,
                           const char *reason, int64_t until);
void link__send_ack(hall_link *link, int kind, int scope, int64_t version, bool ok, const char *reason);
void link__send_command_ack(hall_link *link, const char *id, bool ok, const char *reason);
void link__publish_status(hall_link *link, int64_t now);
hall_err link__publish_hello(hall_link *link);
/* xorshift64* of this link (link_content.c): fetch jitter, roll-call delays. */
uint64_t link__random(hall_link *link);
void link__subscribe(hall_link *link, const char *topic);
void link__unsubscribe(hall_link *link, const char *topic);
void link__update_poll_subscriptions(hall_link *link, const char (*ids)[65], size_t n);

/* link_commands.c: calls for staff */
void link__help_step(hall_link *link, int64_t now);      /* send what is due, give up what is late */
void link__help_reconnected(hall_link *link);           /* send every pending call at once */
void link__handle_help_ack(hall_link *link, const hall_mqtt_msg *msg);
int64_t link__help_due(const hall_link *link, int64_t now); /* mono ms; INT64_MAX when none */

/* link_state.c */
void link__save_state(hall_link *link);
void link__load_state(hall_link *link);

/* link_content.c */
void link__reconsider_content(hall_link *link, bool force);
void link__job_clear(hall_link *link);
void link__job_rearm(hall_link *link, int64_t now);
int64_t link__job_due(const hall_link *link);
void link__job_step(hall_link *link, int64_t now);
void link__start_next_job(hall_link *link, int64_t now);
bool link__job_wants(const hall_link *link, const char *topic);
void link__handle_chunk(hall_link *link, const hall_mqtt_msg *msg, int64_t now);
void link__reconsider_schedule(hall_link *link);
void link__reconsider_notice(hall_link *link);
/* is_signed: verified with the pinned controller_key (link.c authentic); an unsigned
 * message (development profile) may move a version only by HALL_PROTO_VERSION_STEP_MAX. */
void link__handle_envelope(hall_link *link, int kind, int topic_scope, const hall_mqtt_msg *msg, bool is_signed,
                           int64_t now);
void link__boot_content(hall_link *link);

/* link_events.c */
void link__resend_all(hall_link *link);
/* is_signed as for link__handle_envelope: a confirm above seq_max moves the numbering only
 * when signed, or unsigned (development profile) up to HALL_PROTO_SEQ_JUMP_UNSIGNED_MAX. */
void link__handle_confirm(hall_link *link, const hall_mqtt_msg *msg, bool is_signed, int64_t now);
void link__handle_controller_status(hall_link *link, const hall_mqtt_msg *msg);
void link__publish_events(hall_link *link, int64_t now);

/* link_commands.c */
void link__handle_command(hall_link *link, const hall_mqtt_msg *msg);
void link__handle_poll_results(hall_link *link, const hall_mqtt_msg *msg);

#endif
