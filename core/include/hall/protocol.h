/* hall/protocol.h: every message of docs/protocol.md as a C struct, with a decoder
 * (bytes + length -> struct, every field type-checked) and an encoder (struct ->
 * malloc'd JSON bytes + length).
 *
 * Decoders
 *   - take the payload as bytes with a length (never a C string) and reject: non-JSON,
 *     trailing garbage, payloads over HALL_PROTO_JSON_MAX, wrong types, out-of-range
 *     numbers, unknown enum values, ids outside the id alphabet (hall_id_is_valid),
 *     strings longer than their field;
 *   - fill `err` (may be NULL) with the field path and the reason
 *     (`events[3].seq: expected integer 1..9007199254740991`) and return HALL_ERR_INVALID
 *     (or HALL_ERR_TOO_BIG for an oversized payload, HALL_ERR_NOMEM);
 *   - leave *out unspecified on failure (but always safe to pass to its _free, where one
 *     exists).
 *   Unknown extra fields are ignored (so a later minor version may add fields).
 *   A kiosk id inside a message is checked against the alphabet only; comparing it with
 *   the <id> of the topic is the caller's job (hall_proto_decode_events does it for you
 *   when given expected_kiosk).
 *
 * Encoders
 *   - validate the struct first with the same rules as the decoder (so a program cannot
 *     send what its peer would reject) and return HALL_ERR_INVALID with a path if not;
 *   - on success set *out to a malloc'd buffer of *out_len bytes (JSON text, not counted:
 *     a NUL is appended after the last byte for convenience). The caller frees *out.
 *     On failure *out is NULL. Numbers are printed exactly (seq 9007199254740991 stays
 *     that, not cJSON's 9.00719925474099e+15).
 *
 * Structs are flat with fixed-size char arrays (no allocation) except hall_envelope,
 * which owns a cJSON subtree (hall_envelope_free). "Absent" optional integers are -1,
 * absent optional strings are "".
 */
#ifndef HALL_PROTOCOL_H
#define HALL_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "hall/err.h"
#include "hall/lang.h"
#include "hall/topics.h"

/* Limits (docs/protocol.md, "Limits"). */
#define HALL_PROTO_JSON_MAX (1024u * 1024u)          /* any JSON payload */
#define HALL_PROTO_CHUNK_MAX (256u * 1024u)          /* data bytes of one asset chunk */
#define HALL_PROTO_HEADER_MAX 1024u                   /* JSON header line of a binary message */
#define HALL_PROTO_SHOT_MAX (16u * 1024u * 1024u)    /* bytes of one screenshot */
#define HALL_PROTO_ASSET_SIZE_MAX (INT64_C(1) << 32) /* size of one asset (4 GiB) */
#define HALL_PROTO_BATCH_MAX 1000                     /* events in one batch */
#define HALL_PROTO_SEQ_MAX ((INT64_C(1) << 53) - 1)   /* seq, versions: exact in a double */
/* No lock-out (DESIGN.md decision 7, docs/protocol.md "signed messages"). Without a
 * signature (development profile) a message may raise a version a kiosk holds by at most
 * this much, and the controller follows a version a kiosk reports (hello, status) only
 * when it is at most this far above its own counter: a forged or lying version then
 * cannot push the counter near HALL_PROTO_SEQ_MAX, so staff can always push again. A
 * database restored from a backup is behind by the pushes since, far fewer than this. */
#define HALL_PROTO_VERSION_STEP_MAX (INT64_C(1) << 20)
/* A confirm above the kiosk's own seq_max (a lost spool: docs/protocol.md "confirm") moves
 * its numbering only when signed, or in the development profile only up to this seq, far
 * below HALL_PROTO_SEQ_MAX (35 years of 1000 events a second), so no confirm can stop a
 * kiosk recording. A signed one is taken up to HALL_PROTO_SEQ_JUMP_SIGNED_MAX. */
#define HALL_PROTO_SEQ_JUMP_UNSIGNED_MAX (INT64_C(1) << 40)
#define HALL_PROTO_SEQ_JUMP_SIGNED_MAX (INT64_C(1) << 52)
#define HALL_PROTO_TS_MIN INT64_C(946684800000)       /* 2000-01-01T00:00:00Z */
#define HALL_PROTO_TS_MAX INT64_C(4102444800000)      /* 2100-01-01T00:00:00Z */
#define HALL_PROTO_STR_MAX 64                         /* exhibit, target, app, ids: chars */
#define HALL_PROTO_REASON_MAX 511                     /* ack reason, bytes */
#define HALL_PROTO_ERROR_MAX 255                      /* status last_error, bytes */
#define HALL_PROTO_BROKER_MAX 271                     /* hello/status broker "host:port", bytes */
#define HALL_PROTO_NOTICE_TEXT_MAX 1023               /* one language of a notice, bytes */
#define HALL_PROTO_POLL_OPTIONS_MAX 32
#define HALL_PROTO_TTL_MAX (7 * 24 * 3600)           /* command ttl_s */

/* A buffer for an id (kiosk, group, poll, command, option) and its NUL. */
#define HALL_ID_BUF (HALL_ID_MAX + 1)
#define HALL_STR_BUF (HALL_PROTO_STR_MAX + 1)

/* ---------------------------------------------------------------- events */

typedef enum hall_event_type {
	HALL_EVENT_TAP,
	HALL_EVENT_SESSION_START,
	HALL_EVENT_SESSION_END,
	HALL_EVENT_VIEW,
	HALL_EVENT_LANGUAGE,
	HALL_EVENT_MODE,
	HALL_EVENT_VOTE,
	HALL_EVENT_HELP,
	HALL_EVENT_TYPE_COUNT
} hall_event_type;

/* "tap", "session_start", ...; "?" for an out-of-range value. */
const char *hall_event_type_name(hall_event_type type);
/* 0 and *out set for a known name, -1 otherwise. */
int hall_event_type_from_name(const char *name, hall_event_type *out);

/* One event. Flat, no pointers: copy it, spool it, memcpy it. */
typedef struct hall_event {
	char kiosk[HALL_ID_BUF];   /* required, id alphabet */
	int64_t seq;               /* 1 .. HALL_PROTO_SEQ_MAX */
	int64_t ts;                /* UTC ms, HALL_PROTO_TS_MIN .. HALL_PROTO_TS_MAX */
	hall_event_type type;
	char exhibit[HALL_STR_BUF]; /* may be "" */
	char target[HALL_STR_BUF];  /* may be "" */
	int64_t session;           /* >= 0, or -1 = absent */
	char lang[8];              /* "" = absent, else one of hall_lang_code() */
	int64_t dwell_ms;          /* >= 0, or -1 = absent */
	char poll[HALL_ID_BUF];    /* "" = absent, else id alphabet */
} hall_event;

/* A zeroed event with session, dwell_ms = -1 (all optional fields absent). */
void hall_event_init(hall_event *ev);
/* Validate an event struct (the rules of the decoder). path: prefix for errors ("" ok). */
hall_err hall_proto_check_event(const hall_event *ev, const char *path, hall_error *err);

/* The event as a cJSON object (caller cJSON_Deletes); with_kiosk false leaves out "kiosk"
 * (as inside a batch). NULL on out-of-memory. Does not validate. */
cJSON *hall_proto_event_to_json(const hall_event *ev, bool with_kiosk);
/* Read one event object at `path`. default_kiosk (may be NULL): used when the object has
 * no "kiosk" (events inside a batch); when the object has one and default_kiosk is not
 * NULL they must be equal. */
hall_err hall_proto_event_from_json(const cJSON *obj, const char *path, const char *default_kiosk,
                                    hall_event *out, hall_error *err);

/* Encode one event: {"kiosk":..,"seq":..,...}. */
hall_err hall_proto_encode_event(const hall_event *ev, char **out, size_t *out_len, hall_error *err);
/* Encode a batch {"kiosk":<kiosk>,"events":[...]} of 1..HALL_PROTO_BATCH_MAX events; every
 * event's kiosk must equal `kiosk` (events inside are written without "kiosk"). */
hall_err hall_proto_encode_event_batch(const char *kiosk, const hall_event *evs, size_t n,
                                       char **out, size_t *out_len, hall_error *err);

/* Called once per event of a payload, in order. Exactly one of ev / ev_err is non-NULL:
 * ev for a valid event, ev_err (path like "events[3].seq") for a rejected one. Both are
 * borrowed until the callback returns. */
typedef void (*hall_event_cb)(void *user, size_t index, const hall_event *ev, const hall_error *ev_err);

/* Decode an events payload: one event object, or a batch {"kiosk","events":[...]}.
 * expected_kiosk (may be NULL): the <id> of the topic; the batch's and every event's kiosk
 * must equal it (a mismatching event is rejected alone; a mismatching batch as a whole).
 * Returns HALL_OK when the envelope was readable (even if some or all events were
 * rejected; the callback saw each), else an error for the whole payload (not JSON, too
 * big, batch kiosk wrong, "events" not an array, more than HALL_PROTO_BATCH_MAX events,
 * or a single event that is invalid) and the callback was not called.
 * n_ok / n_bad (may be NULL) get the counts. */
hall_err hall_proto_decode_events(const void *buf, size_t len, const char *expected_kiosk,
                                  hall_event_cb cb, void *user, size_t *n_ok, size_t *n_bad,
                                  hall_error *err);
/* The same, always through a cJSON tree. hall_proto_decode_events reads the plain batch a
 * kiosk writes without a tree and hands every other payload to this one; results are
 * identical either way (the tests compare the two). */
hall_err hall_proto_decode_events_tree(const void *buf, size_t len, const char *expected_kiosk,
                                       hall_event_cb cb, void *user, size_t *n_ok, size_t *n_bad,
                                       hall_error *err);

/* The same, into an array: one result per event in payload order. */
typedef struct hall_event_result {
	hall_err rc;        /* HALL_OK: ev is valid; else error says why */
	hall_event ev;
	hall_error error;
} hall_event_result;
typedef struct hall_event_batch {
	hall_event_result *items; /* malloc'd, count items; freed by hall_event_batch_free */
	size_t count;
	size_t n_ok, n_bad;
} hall_event_batch;
hall_err hall_proto_decode_event_batch(const void *buf, size_t len, const char *expected_kiosk,
                                       hall_event_batch *out, hall_error *err);
void hall_event_batch_free(hall_event_batch *batch);

/* ---------------------------------------------------------------- kiosk -> controller */

/* What a kiosk shows now (optional `showing` of hello, status and content acks): where
 * its content comes from, "all", "group", "kiosk" (the override of that scope) or
 * "default" (its built-in pack, version 0), the version and the pack's id (the
 * manifest's "id", "" when it has none). scope "" = not said (an older kiosk). */
typedef struct hall_showing {
	char scope[8];
	int64_t version;            /* 0 .. HALL_PROTO_SEQ_MAX; 0 with "default" */
	char pack[HALL_STR_BUF];
} hall_showing;

/* The start of a kiosk's last_error after a run that did not stop cleanly (the systemd
 * watchdog's kill, a crash, a power cut); serve raises the alert "restarted" for it. */
#define HALL_PROTO_RESTARTED_ERROR "restarted after an unclean stop"

/* Roll-call (controller -> every kiosk, ctl/all/rollcall, signed like every control
 * message): each kiosk answers with its hello after a random delay below within_ms, so a
 * fleet's hellos spread over that window instead of landing in one millisecond. serve
 * sends one at every (re)connect: with a clean session (no broker-side state) and a
 * broker that keeps retained messages per node, it is how serve learns the fleet. */
#define HALL_ROLLCALL_LEAF "rollcall"
#define HALL_ROLLCALL_WITHIN_MS_DEFAULT 5000
#define HALL_ROLLCALL_WITHIN_MS_MAX 60000

/* hello: sent on every connect. */
typedef struct hall_hello {
	char kiosk[HALL_ID_BUF];
	char group[HALL_ID_BUF];
	int64_t ts;               /* UTC ms */
	int64_t boot_ts;          /* UTC ms the program started */
	int64_t content_version;  /* 0 = none held; 0 .. HALL_PROTO_SEQ_MAX */
	int64_t schedule_version;
	int64_t notice_version;
	int64_t seq_max;          /* highest seq issued, 0 = none */
	int64_t spool_first;      /* lowest unconfirmed seq; seq_max + 1 when spool empty; 1 .. seq_max + 1 */
	char app[HALL_STR_BUF];   /* "hall-kiosk 0.1"; may be "" */
	int64_t unrecorded;       /* events the kiosk could not keep, ever (persisted; optional, 0) */
	char last_error[HALL_PROTO_ERROR_MAX + 1]; /* "" = none (optional) */
	hall_showing showing;     /* optional */
	int64_t version_max;      /* optional (0): the highest version held for any kind and scope,
	                             shown or not (what the kiosk refuses older pushes against) */
	int64_t rejected_unsigned; /* optional (0): messages refused for signature reasons */
	char broker[HALL_PROTO_BROKER_MAX + 1]; /* optional (""): "host:port" of the broker the
	                             kiosk is connected to (it may fail over along a list) */
} hall_hello;
hall_err hall_proto_decode_hello(const void *buf, size_t len, hall_hello *out, hall_error *err);
hall_err hall_proto_encode_hello(const hall_hello *msg, char **out, size_t *out_len, hall_error *err);

/* status, and the kiosk's Will. full == false is the Will form {"kiosk","online":false}
 * (only kiosk and online are read/written); full == true has every field. A decoded
 * message is full when it carries "ts". */
typedef struct hall_status {
	char kiosk[HALL_ID_BUF];
	bool online;
	bool full;
	char group[HALL_ID_BUF];
	int64_t ts;
	int64_t uptime_s;          /* >= 0 */
	int64_t content_version;   /* 0 .. HALL_PROTO_SEQ_MAX */
	int64_t schedule_version;
	int64_t notice_version;
	double fps;                /* 0 .. 1000 */
	double frame_p99_ms;       /* console helper: optional (0 = not said), 0 .. 60000: how long the
	                              slowest 1 % of its drawn frames took, the render health staff read */
	int64_t seq_max;           /* 0 .. HALL_PROTO_SEQ_MAX */
	char last_error[HALL_PROTO_ERROR_MAX + 1]; /* "" = none */
	int64_t unrecorded;        /* events the kiosk could not keep, ever (optional, 0) */
	hall_showing showing;      /* optional (full status only) */
	int64_t version_max;       /* optional (0), as in hello */
	int64_t rejected_unsigned; /* optional (0), as in hello */
	char broker[HALL_PROTO_BROKER_MAX + 1]; /* optional (""), as in hello (full status only) */
} hall_status;
hall_err hall_proto_decode_status(const void *buf, size_t len, hall_status *out, hall_error *err);
hall_err hall_proto_encode_status(const hall_status *msg, char **out, size_t *out_len, hall_error *err);
/* The Will payload {"kiosk":"<id>","online":false}. */
hall_err hall_proto_encode_will(const char *kiosk, char **out, size_t *out_len, hall_error *err);

/* ack: the kiosk's answer to content, schedule, notice and command messages, and its
 * refusal of a confirm or poll result that is not the controller's (CONFIRM and POLL come
 * only with REJECTED; POLL names the poll in `id` when it could be read). */
typedef enum hall_ack_kind {
	HALL_ACK_CONTENT,
	HALL_ACK_SCHEDULE,
	HALL_ACK_NOTICE,
	HALL_ACK_COMMAND,
	HALL_ACK_CONFIRM,
	HALL_ACK_POLL
} hall_ack_kind;
/* DEFERRED (content only): the kiosk took the pack but holds it back (a visitor session
 * runs); an "applied" or "rejected" ack of the same version follows. */
typedef enum hall_ack_result {
	HALL_ACK_APPLIED,
	HALL_ACK_REJECTED,
	HALL_ACK_DONE,
	HALL_ACK_FAILED,
	HALL_ACK_DEFERRED
} hall_ack_result;
const char *hall_ack_kind_name(hall_ack_kind kind);
const char *hall_ack_result_name(hall_ack_result result);
typedef struct hall_ack {
	char kiosk[HALL_ID_BUF];
	hall_ack_kind kind;
	char scope[2 * HALL_ID_BUF]; /* content/schedule/notice: the scope of the message answered
	                                ("all", "group:g", "kiosk:id"); "" = not given */
	int64_t version;             /* content/schedule/notice: 1 .. HALL_PROTO_SEQ_MAX; -1 for command */
	char id[HALL_ID_BUF];        /* command: its id; poll: the poll's id or ""; "" otherwise */
	hall_ack_result result;      /* applied|rejected for content/schedule/notice, deferred for content,
	                                done|failed for command */
	char reason[HALL_PROTO_REASON_MAX + 1]; /* "" when applied/done; deferred: why, non-empty
	                                (HALL_ACK_DEFER_SESSION = a visitor session runs) */
	int64_t until;               /* deferred: UTC ms by which it applies at the latest
	                                (HALL_PROTO_TS_MIN..HALL_PROTO_TS_MAX); 0 otherwise */
	hall_showing showing;        /* content only, optional: what the kiosk shows after this
	                                message (an applied pack it shows, or the override that
	                                hides it) */
} hall_ack;
/* The reason of a deferred ack while a visitor session runs. */
#define HALL_ACK_DEFER_SESSION "session"
hall_err hall_proto_decode_ack(const void *buf, size_t len, hall_ack *out, hall_error *err);
hall_err hall_proto_encode_ack(const hall_ack *msg, char **out, size_t *out_len, hall_error *err);

/* help: a visitor pressed call-staff. */
typedef struct hall_help {
	char kiosk[HALL_ID_BUF];
	int64_t ts;
	char exhibit[HALL_STR_BUF]; /* may be "" */
	int64_t session;            /* >= 0, or -1 = absent */
	int64_t call;               /* the call's number on this kiosk (>= 1; the same in every
	                             * resend of one call), or 0 = absent (older kiosks): the
	                             * controller answers a call that has one with a help-ack */
} hall_help;
hall_err hall_proto_decode_help(const void *buf, size_t len, hall_help *out, hall_error *err);
hall_err hall_proto_encode_help(const hall_help *msg, char **out, size_t *out_len, hall_error *err);

/* help-ack (controller -> kiosk, ctl/kiosk/<id>/help-ack, signed): the controller has
 * stored the help call `call` pressed at `ts` (both as in that call), so the kiosk may say
 * that staff have been called. Not the staff's acknowledgement of the call (`help ack`). */
#define HALL_HELP_ACK_LEAF "help-ack"
typedef struct hall_help_ack {
	int64_t call; /* >= 1 */
	int64_t ts;
} hall_help_ack;
hall_err hall_proto_decode_help_ack(const void *buf, size_t len, hall_help_ack *out, hall_error *err);
hall_err hall_proto_encode_help_ack(const hall_help_ack *msg, char **out, size_t *out_len, hall_error *err);

/* fetch: ask for an asset from offset on. */
typedef struct hall_fetch {
	char sha256[65];   /* 64 lowercase hex */
	int64_t offset;    /* 0 .. HALL_PROTO_ASSET_SIZE_MAX */
} hall_fetch;
hall_err hall_proto_decode_fetch(const void *buf, size_t len, hall_fetch *out, hall_error *err);
hall_err hall_proto_encode_fetch(const hall_fetch *msg, char **out, size_t *out_len, hall_error *err);

/* ---------------------------------------------------------------- binary framing
 * One line of JSON header (at most HALL_PROTO_HEADER_MAX bytes, no '\n' inside), one '\n',
 * then the raw bytes. */

/* asset chunk: {"sha256","size","offset","len"}\n<len bytes>.
 * Decoding checks: len == bytes after the '\n', len <= HALL_PROTO_CHUNK_MAX,
 * offset + len <= size, len == 0 only at the end (offset == size, e.g. an empty asset). */
typedef struct hall_asset_chunk {
	char sha256[65];
	int64_t size;          /* of the whole asset, 0 .. HALL_PROTO_ASSET_SIZE_MAX */
	int64_t offset;
	size_t len;
	const uint8_t *data;   /* borrowed: points into the decoded payload (NULL when len 0) */
} hall_asset_chunk;
hall_err hall_proto_decode_asset_chunk(const void *buf, size_t len, hall_asset_chunk *out, hall_error *err);
/* chunk->data / chunk->len are the bytes to send; the caller frees *out. */
hall_err hall_proto_encode_asset_chunk(const hall_asset_chunk *chunk, char **out, size_t *out_len, hall_error *err);

/* shot: {"command","format":"png","size"}\n<size bytes>. */
typedef struct hall_shot {
	char command[HALL_ID_BUF]; /* the screenshot command's id */
	char format[8];            /* "png" (the only format) */
	size_t size;               /* 1 .. HALL_PROTO_SHOT_MAX */
	const uint8_t *data;       /* borrowed, as in hall_asset_chunk */
} hall_shot;
hall_err hall_proto_decode_shot(const void *buf, size_t len, hall_shot *out, hall_error *err);
hall_err hall_proto_encode_shot(const hall_shot *shot, char **out, size_t *out_len, hall_error *err);

/* ---------------------------------------------------------------- controller -> kiosk */

/* confirm: the highest seq committed with no gap. */
typedef struct hall_confirm {
	int64_t seq; /* 0 .. HALL_PROTO_SEQ_MAX (0 = nothing committed yet) */
} hall_confirm;
hall_err hall_proto_decode_confirm(const void *buf, size_t len, hall_confirm *out, hall_error *err);
hall_err hall_proto_encode_confirm(const hall_confirm *msg, char **out, size_t *out_len, hall_error *err);

/* Scope of a content, schedule or notice message: "all", "group:<g>", "kiosk:<id>". */
typedef enum hall_scope_kind { HALL_SCOPE_ALL, HALL_SCOPE_GROUP, HALL_SCOPE_KIOSK } hall_scope_kind;
typedef struct hall_scope {
	hall_scope_kind kind;
	char name[HALL_ID_BUF]; /* group or kiosk id; "" for all */
} hall_scope;
#define HALL_SCOPE_BUF (8 + HALL_ID_BUF) /* "group:" + id + NUL fits */
/* 0 and *out set when s is a valid scope; -1 otherwise. */
int hall_scope_parse(const char *s, hall_scope *out);
/* Write "all" / "group:g" / "kiosk:id"; 0 when it fit and the name is valid, else -1. */
int hall_scope_format(const hall_scope *scope, char *out, size_t len);
/* Does `scope` address kiosk `id` of group `group`? */
bool hall_scope_matches(const hall_scope *scope, const char *id, const char *group);

/* content / schedule / notice envelopes:
 *   {"scope","version","cleared":false,"<body>":{...}} or {"scope","version","cleared":true}
 * body key: "manifest" (content), "schedule" (schedule), "notice" (notice).
 * The body is only checked to be an object here; the manifest and schedule are parsed
 * by core/content.c, the notice by hall_proto_notice_from_json. */
typedef enum hall_envelope_kind { HALL_ENVELOPE_CONTENT, HALL_ENVELOPE_SCHEDULE, HALL_ENVELOPE_NOTICE } hall_envelope_kind;
/* "content" / "schedule" / "notice" (the topic leaf and the ack kind). */
const char *hall_envelope_kind_name(hall_envelope_kind kind);
/* "manifest" / "schedule" / "notice" (the body key). */
const char *hall_envelope_body_key(hall_envelope_kind kind);
typedef struct hall_envelope {
	hall_envelope_kind kind;
	hall_scope scope;
	int64_t version;  /* 1 .. HALL_PROTO_SEQ_MAX */
	bool cleared;
	cJSON *body;      /* OWNED by the envelope: the detached body object; NULL when cleared.
	                     Free with hall_envelope_free (or take it: set body = NULL). */
} hall_envelope;
/* On success *out owns a body tree; on failure out->body is NULL. */
hall_err hall_proto_decode_envelope(hall_envelope_kind kind, const void *buf, size_t len,
                                    hall_envelope *out, hall_error *err);
/* Body is borrowed (not consumed). A non-cleared envelope needs an object body; a
 * cleared one is written without a body. */
hall_err hall_proto_encode_envelope(const hall_envelope *env, char **out, size_t *out_len, hall_error *err);
/* cJSON_Delete(body), body = NULL. Safe on a zeroed struct and twice. */
void hall_envelope_free(hall_envelope *env);

/* The notice body: {"level":"info"|"urgent","text":{"ko":"…","en":"…"},"until":ms|null}.
 * text needs at least one language; keys must be language codes (hall/lang.h). */
typedef enum hall_notice_level { HALL_NOTICE_INFO, HALL_NOTICE_URGENT } hall_notice_level;
typedef struct hall_notice {
	hall_notice_level level;
	char text[HALL_LANG_COUNT][HALL_PROTO_NOTICE_TEXT_MAX + 1]; /* "" = not given for that language */
	int64_t until;    /* UTC ms, or -1 = no end (null) */
} hall_notice;
hall_err hall_proto_notice_from_json(const cJSON *obj, const char *path, hall_notice *out, hall_error *err);
/* NULL on out-of-memory; does not validate (use hall_proto_check_notice). */
cJSON *hall_proto_notice_to_json(const hall_notice *notice);
hall_err hall_proto_check_notice(const hall_notice *notice, const char *path, hall_error *err);

/* command */
typedef enum hall_command_cmd { HALL_CMD_SCREENSHOT, HALL_CMD_RELOAD, HALL_CMD_SHOW, HALL_CMD_IDENTIFY } hall_command_cmd;
const char *hall_command_cmd_name(hall_command_cmd cmd);
typedef struct hall_command {
	char id[HALL_ID_BUF];     /* id alphabet ("c-17") */
	hall_command_cmd cmd;
	char exhibit[HALL_STR_BUF]; /* show: args.exhibit, required non-empty; "" for other cmds */
	int64_t ts;               /* UTC ms when issued */
	int64_t ttl_s;            /* 1 .. HALL_PROTO_TTL_MAX */
} hall_command;
hall_err hall_proto_decode_command(const void *buf, size_t len, hall_command *out, hall_error *err);
hall_err hall_proto_encode_command(const hall_command *msg, char **out, size_t *out_len, hall_error *err);
/* true when now_ms > ts + ttl_s * 1000 (the command must not be carried out). */
bool hall_command_expired(const hall_command *cmd, int64_t now_ms);

/* poll results. total must equal the sum of the options' votes; option ids are unique. */
typedef struct hall_poll_tally_option {
	char id[HALL_ID_BUF];
	int64_t votes;  /* 0 .. HALL_PROTO_SEQ_MAX */
} hall_poll_tally_option;
typedef struct hall_poll_results {
	char poll[HALL_ID_BUF];
	int64_t ts;
	int64_t total;
	size_t n_options;  /* 0 .. HALL_PROTO_POLL_OPTIONS_MAX */
	hall_poll_tally_option options[HALL_PROTO_POLL_OPTIONS_MAX];
} hall_poll_results;
hall_err hall_proto_decode_poll_results(const void *buf, size_t len, hall_poll_results *out, hall_error *err);
hall_err hall_proto_encode_poll_results(const hall_poll_results *msg, char **out, size_t *out_len, hall_error *err);

/* controller status, and the controller's Will (online false). */
typedef struct hall_controller_status {
	bool online;
	int64_t ts;
} hall_controller_status;
hall_err hall_proto_decode_controller_status(const void *buf, size_t len, hall_controller_status *out, hall_error *err);
hall_err hall_proto_encode_controller_status(const hall_controller_status *msg, char **out, size_t *out_len,
                                             hall_error *err);

/* Copy src into a fixed buffer of `size` bytes when it fits (strlen < size); 0 / -1. */
int hall_proto_copy(char *dst, size_t size, const char *src);

#endif
