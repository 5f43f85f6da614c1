/* kiosk/link.c: the kiosk's network side (see link.h for the contract).
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
#include "link.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "content_store.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
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
/* A stream that stops while the asset is incomplete: ask after FETCH_QUIET_MS without a
 * chunk, or after twice the longest wait for a chunk since this kiosk's last request (or
 * the job's start) when that is longer: a broker fanning a stream out to a large fleet
 * hands each kiosk a chunk only every second or so, and a kiosk that asked at every such
 * pause made the controller stream again and the fan-out slower still. */
#define FETCH_QUIET_MS 750
/* A stream that reached the asset's end while bytes before it are missing (this kiosk
 * subscribed after its head passed) will bring nothing more: ask once the chunks in
 * flight are in (FETCH_TAIL_MS after the last) and the controller no longer counts that
 * stream as carrying the request: it skips a fetch that a stream started less than 0.5 s
 * earlier carries (controller/serve.c FETCH_COALESCE_MS; docs/protocol.md, fetch), and
 * that stream started before its first chunk reached this kiosk. */
#define FETCH_TAIL_MS 100
#define FETCH_AFTER_STREAM_MS 600

enum { K_CONTENT, K_SCHEDULE, K_NOTICE, K_COUNT };
enum { S_ALL, S_GROUP, S_KIOSK, S_COUNT }; /* ascending precedence */

static const char *const KIND_LEAF[K_COUNT] = {"content", "schedule", "notice"};
static const char *const SCOPE_NAME[S_COUNT] = {"all", "group", "kiosk"};

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
	char polls[32][65];      /* its poll ids, to follow their results once applied */
	size_t n_polls;
} handed_content;

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
	uint64_t dropped;

	/* scopes */
	slot slots[K_COUNT][S_COUNT];
	content_job job;
	pending_manifest pending[S_COUNT];
	handed_content handed;
	char current_key[HALL_CSTORE_KEY_MAX];  /* applied content; "" = default */
	int current_scope;
	int64_t current_version;
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

	/* status */
	double fps;
	char last_error[HALL_PROTO_ERROR_MAX + 1];
	bool content_error;      /* last_error is about content: cleared once content applies */
	int64_t status_due;

	/* updates for the main thread */
	hall_link_update *queue[QUEUE_MAX];
	size_t q_head, q_len;
};

/* ---- small helpers ------------------------------------------------------------------- */

static int64_t mono_now(void)
{
	return hall_clock_mono_ms();
}

static void set_last_error(hall_link *link, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_last_error(hall_link *link, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(link->last_error, sizeof link->last_error, fmt, ap);
	va_end(ap);
	link->status_due = 0; /* tell the controller soon */
	for (char *p = link->last_error; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void reason_from_error(char *out, size_t len, const hall_error *e)
{
	char buf[512];
	hall_error_format(e, buf, sizeof buf);
	snprintf(out, len, "%s", buf);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void content_key(const hall_link *link, int scope, int64_t version, char *out, size_t len)
{
	switch (scope) {
	case S_ALL:
		snprintf(out, len, "all.v%lld", (long long)version);
		break;
	case S_GROUP:
		snprintf(out, len, "group.%s.v%lld", link->cfg.group, (long long)version);
		break;
	default:
		snprintf(out, len, "kiosk.%s.v%lld", link->cfg.id, (long long)version);
		break;
	}
}

static void scope_string(const hall_link *link, int scope, char *out, size_t len)
{
	switch (scope) {
	case S_ALL:
		snprintf(out, len, "all");
		break;
	case S_GROUP:
		snprintf(out, len, "group:%s", link->cfg.group);
		break;
	default:
		snprintf(out, len, "kiosk:%s", link->cfg.id);
		break;
	}
}

static hall_link_scope public_scope(int scope)
{
	switch (scope) {
	case S_ALL:
		return HALL_LINK_SCOPE_ALL;
	case S_GROUP:
		return HALL_LINK_SCOPE_GROUP;
	case S_KIOSK:
		return HALL_LINK_SCOPE_KIOSK;
	default:
		return HALL_LINK_SCOPE_DEFAULT;
	}
}

static bool group_enabled(const hall_link *link)
{
	return hall_id_is_valid(link->cfg.group) != 0;
}

/* ---- update queue -------------------------------------------------------------------- */

static hall_link_update *update_new(hall_link_update_kind kind)
{
	hall_link_update *u = calloc(1, sizeof *u);
	if (u)
		u->kind = kind;
	else
		hall_error_log("link: out of memory for an update");
	return u;
}

static void update_free(hall_link_update *u)
{
	if (!u)
		return;
	hall_link_update_clear(u);
	free(u);
}

/* Queue an update (ownership passes). A full queue drops the oldest update of the same
 * kind first (a newer one supersedes it), else the oldest of all. */
static void queue_push(hall_link *link, hall_link_update *u)
{
	if (!u)
		return;
	if (link->q_len == QUEUE_MAX) {
		size_t victim = 0;
		for (size_t i = 0; i < link->q_len; i++) {
			if (link->queue[(link->q_head + i) % QUEUE_MAX]->kind == u->kind) {
				victim = i;
				break;
			}
		}
		size_t at = (link->q_head + victim) % QUEUE_MAX;
		hall_warn("link: update queue full, dropping an older update of kind %d", (int)link->queue[at]->kind);
		update_free(link->queue[at]);
		for (size_t i = victim; i + 1 < link->q_len; i++)
			link->queue[(link->q_head + i) % QUEUE_MAX] = link->queue[(link->q_head + i + 1) % QUEUE_MAX];
		link->q_len--;
	}
	link->queue[(link->q_head + link->q_len) % QUEUE_MAX] = u;
	link->q_len++;
}

void hall_link_update_clear(hall_link_update *u)
{
	if (!u)
		return;
	hall_cstore_content_destroy(u->content);
	hall_cstore_schedule_destroy(u->schedule);
	memset(u, 0, sizeof *u);
}

/* ---- publishing ---------------------------------------------------------------------- */

static hall_err publish(hall_link *link, const char *leaf, const void *data, size_t len, bool retain)
{
	char topic[HALL_TOPIC_MAX];
	hall_error err = {0};
	hall_err rc;
	if (!link->mq || !link->started)
		return HALL_ERR_NET;
	if (hall_topic_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, leaf) != 0)
		return HALL_ERR_INVALID;
	rc = hall_mqtt_publish(link->mq, topic, data, len, retain, NULL, &err);
	if (rc != HALL_OK && rc != HALL_ERR_NET)
		hall_warn("link: publish %s: %s", topic, err.msg);
	return rc;
}

/* An ack of content/schedule/notice: applied, rejected (reason) or, for content,
 * deferred (reason and until, UTC ms). */
static void send_ack_result(hall_link *link, int kind, int scope, int64_t version, hall_ack_result result,
                            const char *reason, int64_t until)
{
	bool ok = result != HALL_ACK_REJECTED;
	hall_ack a;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&a, 0, sizeof a);
	hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
	a.kind = kind == K_CONTENT ? HALL_ACK_CONTENT : kind == K_SCHEDULE ? HALL_ACK_SCHEDULE : HALL_ACK_NOTICE;
	if (scope >= 0)
		scope_string(link, scope, a.scope, sizeof a.scope);
	a.version = version;
	a.result = result;
	if (reason)
		snprintf(a.reason, sizeof a.reason, "%s", reason);
	if (result == HALL_ACK_DEFERRED)
		a.until = until;
	if (!ok)
		hall_warn("link: %s version %lld rejected: %s", KIND_LEAF[kind], (long long)version, reason ? reason : "");
	if (hall_proto_encode_ack(&a, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode ack: %s: %s", err.path, err.msg);
		return;
	}
	if (publish(link, "ack", buf, len, false) != HALL_OK)
		hall_info("link: %s ack for version %lld not sent (offline); the next hello tells the controller",
		          KIND_LEAF[kind], (long long)version);
	free(buf);
}

static void send_ack(hall_link *link, int kind, int scope, int64_t version, bool ok, const char *reason)
{
	send_ack_result(link, kind, scope, version, ok ? HALL_ACK_APPLIED : HALL_ACK_REJECTED, reason, 0);
}

static void send_command_ack(hall_link *link, const char *id, bool ok, const char *reason)
{
	hall_ack a;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&a, 0, sizeof a);
	hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
	a.kind = HALL_ACK_COMMAND;
	hall_proto_copy(a.id, sizeof a.id, id);
	a.version = -1;
	a.result = ok ? HALL_ACK_DONE : HALL_ACK_FAILED;
	if (reason)
		snprintf(a.reason, sizeof a.reason, "%s", reason);
	if (hall_proto_encode_ack(&a, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode command ack: %s: %s", err.path, err.msg);
		return;
	}
	publish(link, "ack", buf, len, false);
	free(buf);
}

static int64_t shown_version(const hall_link *link, int kind)
{
	if (kind == K_CONTENT)
		return link->current_version;
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		const slot *sl = &link->slots[kind][s];
		if (sl->version > 0 && !sl->cleared)
			return sl->version;
	}
	return 0;
}

static void publish_status(hall_link *link, int64_t now)
{
	hall_status st;
	hall_spool_stats ss;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&st, 0, sizeof st);
	hall_spool_get_stats(link->spool, &ss);
	hall_proto_copy(st.kiosk, sizeof st.kiosk, link->cfg.id);
	st.online = true;
	st.full = true;
	if (group_enabled(link))
		hall_proto_copy(st.group, sizeof st.group, link->cfg.group);
	st.ts = hall_clock_now_ms();
	st.uptime_s = (now - link->start_mono) / 1000;
	if (st.uptime_s < 0)
		st.uptime_s = 0;
	st.content_version = shown_version(link, K_CONTENT);
	st.schedule_version = shown_version(link, K_SCHEDULE);
	st.notice_version = shown_version(link, K_NOTICE);
	st.fps = link->fps < 0 ? 0 : link->fps > 1000 ? 1000 : link->fps;
	st.seq_max = ss.seq_max;
	hall_proto_copy(st.last_error, sizeof st.last_error, link->last_error);
	if (hall_proto_encode_status(&st, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode status: %s: %s", err.path, err.msg);
		return;
	}
	if (publish(link, "status", buf, len, link->cfg.retain) == HALL_OK)
		link->status_due = now + link->tune.status_interval_ms;
	free(buf);
}

static hall_err publish_hello(hall_link *link)
{
	hall_hello h;
	hall_spool_stats ss;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	hall_err rc;
	memset(&h, 0, sizeof h);
	hall_spool_get_stats(link->spool, &ss);
	hall_proto_copy(h.kiosk, sizeof h.kiosk, link->cfg.id);
	if (group_enabled(link))
		hall_proto_copy(h.group, sizeof h.group, link->cfg.group);
	h.ts = hall_clock_now_ms();
	h.boot_ts = link->boot_ts;
	h.content_version = shown_version(link, K_CONTENT);
	h.schedule_version = shown_version(link, K_SCHEDULE);
	h.notice_version = shown_version(link, K_NOTICE);
	h.seq_max = ss.seq_max;
	h.spool_first = ss.first;
	hall_proto_copy(h.app, sizeof h.app, APP_NAME);
	if ((rc = hall_proto_encode_hello(&h, &buf, &len, &err)) != HALL_OK) {
		hall_warn("link: cannot encode hello: %s: %s", err.path, err.msg);
		return rc;
	}
	rc = publish(link, "hello", buf, len, false);
	free(buf);
	return rc;
}

/* ---- persisted state ----------------------------------------------------------------- */

static cJSON *slots_to_json(const hall_link *link, int kind)
{
	cJSON *arr = cJSON_CreateArray();
	for (int s = 0; arr && s < S_COUNT; s++) {
		const slot *sl = &link->slots[kind][s];
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddNumberToObject(o, "version", (double)sl->version);
		cJSON_AddBoolToObject(o, "cleared", sl->cleared);
		cJSON_AddBoolToObject(o, "failed", sl->failed);
		if (sl->body) {
			cJSON *body = cJSON_ParseWithLength(sl->body, sl->body_len);
			if (body)
				cJSON_AddItemToObject(o, "body", body);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void save_state(hall_link *link)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *cmds;
	char *text = NULL;
	size_t len = 0;
	hall_error err = {0};
	if (!root)
		goto done;
	cJSON_AddStringToObject(root, "kiosk", link->cfg.id);
	cJSON_AddStringToObject(root, "group", link->cfg.group);
	cJSON_AddStringToObject(root, "current", link->current_key);
	cJSON_AddNumberToObject(root, "current_version", (double)link->current_version);
	cJSON_AddNumberToObject(root, "current_scope", link->current_scope);
	cJSON_AddStringToObject(root, "previous", link->previous_key);
	for (int k = 0; k < K_COUNT; k++)
		cJSON_AddItemToObject(root, KIND_LEAF[k], slots_to_json(link, k));
	cmds = cJSON_AddArrayToObject(root, "commands");
	for (size_t i = 0; cmds && i < link->n_commands; i++) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			break;
		cJSON_AddStringToObject(o, "id", link->commands[i].id);
		cJSON_AddNumberToObject(o, "state", link->commands[i].state);
		cJSON_AddItemToArray(cmds, o);
	}
	text = hall_json_print(root, &len);
	if (!text) {
		hall_error_log("link: out of memory saving %s", link->state_path);
		goto done;
	}
	if (hall_fs_write_atomic(link->state_path, text, len, &err) != HALL_OK)
		hall_error_log("link: cannot save %s: %s", link->state_path, err.msg);
done:
	free(text);
	cJSON_Delete(root);
}

static void read_key(const cJSON *root, const char *name, char *out, size_t len)
{
	const char *s = NULL;
	hall_error err = {0};
	if (hall_json_opt_string(root, "", name, len - 1, &s, &err) == HALL_OK && s)
		snprintf(out, len, "%s", s);
}

/* Read what an earlier run kept. A missing or damaged file is not fatal: the kiosk starts
 * from its last good pack if named, else from the default, and the controller re-sends
 * what differs after the next hello. */
static void load_state(hall_link *link)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *root = NULL;
	hall_error err = {0};
	bool same_group;
	const char *group = NULL;
	if (!hall_fs_exists(link->state_path))
		return;
	if (hall_fs_read_file(link->state_path, STATE_MAX, &text, &len, &err) != HALL_OK ||
	    hall_json_parse(text, len, STATE_MAX, &root, &err) != HALL_OK ||
	    hall_json_expect_object(root, "", &err) != HALL_OK) {
		hall_warn("link: ignoring %s: %s: %s", link->state_path, err.path, err.msg);
		goto done;
	}
	/* Keys and group slots name the group: a kiosk moved to another group forgets them. */
	hall_json_opt_string(root, "", "group", HALL_ID_MAX, &group, &err);
	same_group = group && strcmp(group, link->cfg.group) == 0;
	read_key(root, "current", link->current_key, sizeof link->current_key);
	read_key(root, "previous", link->previous_key, sizeof link->previous_key);
	if (!same_group) {
		if (strncmp(link->current_key, "group.", 6) == 0)
			link->current_key[0] = '\0';
		if (strncmp(link->previous_key, "group.", 6) == 0)
			link->previous_key[0] = '\0';
	}
	int64_t v = 0, sc = -1;
	if (hall_json_opt_int(root, "", "current_version", 0, HALL_PROTO_SEQ_MAX, &v, &err) == HALL_OK)
		link->current_version = v;
	if (hall_json_opt_int(root, "", "current_scope", -1, S_COUNT - 1, &sc, &err) == HALL_OK)
		link->current_scope = (int)sc;
	for (int k = 0; k < K_COUNT; k++) {
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, KIND_LEAF[k]);
		if (!cJSON_IsArray(arr))
			continue;
		for (int s = 0; s < S_COUNT; s++) {
			const cJSON *o = cJSON_GetArrayItem(arr, s);
			slot *sl = &link->slots[k][s];
			int64_t ver = 0;
			bool b = false;
			if (!cJSON_IsObject(o) || (s == S_GROUP && !same_group))
				continue;
			if (hall_json_opt_int(o, "", "version", 0, HALL_PROTO_SEQ_MAX, &ver, &err) != HALL_OK)
				continue;
			sl->version = ver;
			if (hall_json_opt_bool(o, "", "cleared", &b, &err) == HALL_OK)
				sl->cleared = b;
			b = false;
			if (hall_json_opt_bool(o, "", "failed", &b, &err) == HALL_OK)
				sl->failed = b;
			const cJSON *body = cJSON_GetObjectItemCaseSensitive(o, "body");
			if (k != K_CONTENT && cJSON_IsObject(body) && !sl->cleared) {
				sl->body = hall_json_print(body, &sl->body_len);
			} else if (k != K_CONTENT && !sl->cleared) {
				sl->version = 0; /* a schedule/notice without its body is nothing held */
			}
		}
	}
	const cJSON *cmds = cJSON_GetObjectItemCaseSensitive(root, "commands");
	const cJSON *c;
	cJSON_ArrayForEach(c, cmds)
	{
		const char *id = NULL;
		int64_t state = 0;
		if (link->n_commands >= COMMANDS_KEPT)
			break;
		if (hall_json_get_string(c, "", "id", HALL_ID_MAX, &id, &err) != HALL_OK || !hall_id_is_valid(id))
			continue;
		hall_json_opt_int(c, "", "state", 0, 2, &state, &err);
		hall_proto_copy(link->commands[link->n_commands].id, HALL_ID_BUF, id);
		link->commands[link->n_commands].state = state == 0 ? 2 : (int)state; /* interrupted = failed */
		link->n_commands++;
	}
	link->next_command = link->n_commands % COMMANDS_KEPT;
done:
	cJSON_Delete(root);
	free(text);
}

/* ---- subscriptions --------------------------------------------------------------------- */

static void subscribe(hall_link *link, const char *topic)
{
	hall_error err = {0};
	if (hall_mqtt_subscribe(link->mq, topic, &err) != HALL_OK)
		hall_warn("link: cannot subscribe %s: %s", topic, err.msg);
}

static void unsubscribe(hall_link *link, const char *topic)
{
	hall_error err = {0};
	if (hall_mqtt_unsubscribe(link->mq, topic, &err) != HALL_OK)
		hall_warn("link: cannot unsubscribe %s: %s", topic, err.msg);
}

static hall_err subscribe_all(hall_link *link, hall_error *err)
{
	static const char *const kiosk_leaves[] = {"confirm", "content", "schedule", "notice", "command", "poll"};
	char topic[HALL_TOPIC_MAX];
	for (size_t i = 0; i < sizeof kiosk_leaves / sizeof kiosk_leaves[0]; i++) {
		if (hall_topic_ctl_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, kiosk_leaves[i]) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "id", "cannot build topics for kiosk \"%s\"", link->cfg.id);
		subscribe(link, topic);
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (group_enabled(link) &&
		    hall_topic_ctl_group(topic, sizeof topic, link->prefix, link->cfg.group, KIND_LEAF[k]) == 0)
			subscribe(link, topic);
		if (hall_topic_ctl_all(topic, sizeof topic, link->prefix, KIND_LEAF[k]) == 0)
			subscribe(link, topic);
	}
	if (hall_topic_ctl_controller_status(topic, sizeof topic, link->prefix) == 0)
		subscribe(link, topic);
	return HALL_OK;
}

/* Follow the polls of the content now shown: exact topics, one per poll. */
static void update_poll_subscriptions(hall_link *link, const char (*ids)[65], size_t n)
{
	char topic[HALL_TOPIC_MAX];
	for (size_t i = 0; i < link->n_polls; i++) {
		bool keep = false;
		for (size_t j = 0; j < n && !keep; j++)
			keep = strcmp(link->polls[i], ids[j]) == 0;
		if (!keep && hall_topic_ctl_poll_results(topic, sizeof topic, link->prefix, link->polls[i]) == 0)
			unsubscribe(link, topic);
	}
	for (size_t j = 0; j < n; j++)
		if (hall_topic_ctl_poll_results(topic, sizeof topic, link->prefix, ids[j]) == 0)
			subscribe(link, topic);
	memcpy(link->polls, ids, n * sizeof ids[0]);
	link->n_polls = n;
}

/* ---- content: choosing what to show ---------------------------------------------------- */

static int effective_content_scope(const hall_link *link)
{
	char key[HALL_CSTORE_KEY_MAX];
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		const slot *sl = &link->slots[K_CONTENT][s];
		if (sl->version <= 0 || sl->cleared || sl->failed || (s == S_GROUP && !group_enabled(link)))
			continue;
		content_key(link, s, sl->version, key, sizeof key);
		if (hall_cstore_has_pack(link->store, key))
			return s;
	}
	return -1;
}

/* Replace what was handed out but not applied. Its own slot still holding it means it is
 * kept (just not shown: a more specific scope wins), which counts as applied. */
static void supersede_handed(hall_link *link, int64_t by_version)
{
	handed_content *h = &link->handed;
	if (!h->waiting)
		return;
	if (h->ack && h->scope >= 0) {
		const slot *sl = &link->slots[K_CONTENT][h->scope];
		if (sl->version == h->version && !sl->cleared && !sl->failed)
			send_ack(link, K_CONTENT, h->scope, h->version, true, "");
		else {
			char reason[96];
			snprintf(reason, sizeof reason, "superseded by version %lld before it was shown", (long long)by_version);
			send_ack(link, K_CONTENT, h->scope, h->version, false, reason);
		}
	}
	h->waiting = false;
}

/* Hand the main thread the content that should be shown, if it is not what it shows (or
 * was last handed). `ack` asks for an "applied" ack once the main thread applied it. */
static void reconsider_content(hall_link *link, bool force)
{
	for (int tries = 0; tries < S_COUNT + 1; tries++) {
		int eff = effective_content_scope(link);
		char key[HALL_CSTORE_KEY_MAX] = "";
		int64_t version = 0;
		hall_content *content = NULL;
		char dir[HALL_CSTORE_PATH_MAX] = "";
		hall_error err = {0};
		hall_err rc;
		if (eff >= 0) {
			version = link->slots[K_CONTENT][eff].version;
			content_key(link, eff, version, key, sizeof key);
		}
		const char *target = link->handed.waiting ? link->handed.key : link->current_key;
		if (!force && strcmp(key, target) == 0)
			return;
		if (eff >= 0 && link->fresh && strcmp(link->fresh_key, key) == 0) {
			/* Just staged and checked: no need to read and hash it again. */
			content = link->fresh;
			link->fresh = NULL;
			snprintf(dir, sizeof dir, "%s", link->fresh_dir);
			rc = HALL_OK;
		} else if (eff >= 0)
			rc = hall_cstore_load_pack(link->store, key, &content, dir, &err);
		else
			rc = hall_cstore_load_dir(link->cfg.default_content, &content, &err);
		if (rc != HALL_OK) {
			char reason[REASON_BUF];
			reason_from_error(reason, sizeof reason, &err);
			if (eff < 0) {
				hall_error_log("link: default content %s unusable: %s", link->cfg.default_content, reason);
				set_last_error(link, "default content unusable: %s", reason);
				link->content_error = true;
				return;
			}
			hall_error_log("link: pack %s unusable: %s", key, reason);
			link->slots[K_CONTENT][eff].failed = true;
			save_state(link);
			continue;
		}
		if (eff < 0)
			snprintf(dir, sizeof dir, "%s", link->cfg.default_content);
		hall_link_update *u = update_new(HALL_LINK_CONTENT);
		if (!u) {
			hall_cstore_content_destroy(content);
			return;
		}
		supersede_handed(link, version);
		u->scope = public_scope(eff);
		u->version = version;
		u->content = content;
		snprintf(u->pack_dir, sizeof u->pack_dir, "%s", dir);
		link->handed.waiting = true;
		link->handed.scope = eff;
		link->handed.version = version;
		link->handed.ack = eff >= 0 && !force;
		link->handed.deferred_sent = false;
		snprintf(link->handed.key, sizeof link->handed.key, "%s", key);
		link->handed.n_polls = hall_cstore_content_polls(content, link->handed.polls, POLLS_MAX);
		queue_push(link, u);
		return;
	}
}

/* ---- content: fetching and staging ------------------------------------------------------ */

static void job_clear(hall_link *link)
{
	content_job *j = &link->job;
	for (size_t i = 0; j->assets && i < j->m.n_assets; i++) {
		hall_cstore_blob_abort(j->assets[i].blob);
		if (j->assets[i].topic[0] && link->mq)
			unsubscribe(link, j->assets[i].topic);
	}
	free(j->assets);
	free(j->manifest);
	hall_cstore_manifest_free(&j->m);
	memset(j, 0, sizeof *j);
}

static void job_fail(hall_link *link, const char *reason)
{
	send_ack(link, K_CONTENT, link->job.scope, link->job.version, false, reason);
	job_clear(link);
}

/* Index of the first asset not yet whole (n_assets when all are). */
static size_t job_current(const content_job *j)
{
	size_t i = 0;
	while (i < j->m.n_assets && j->assets[i].done)
		i++;
	return i;
}

static void job_forget_streams(content_job *j, int64_t now)
{
	j->episode_ms = now;
	j->max_wait_ms = 0;
	for (size_t i = 0; j->assets && i < j->m.n_assets; i++) {
		j->assets[i].first_chunk_ms = 0;
		j->assets[i].run_end = 0;
		j->assets[i].end_seen = false;
	}
}

/* Ask for every asset not yet whole, each from its first missing byte. All at once: the
 * controller streams them one after the other, and every kiosk waiting for the same pack
 * takes them all from the shared asset topics. */
static void send_fetch(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	for (size_t i = 0; i < j->m.n_assets; i++) {
		const job_asset *ja = &j->assets[i];
		if (ja->done || ja->same >= 0)
			continue;
		hall_fetch f;
		hall_error err = {0};
		char *buf = NULL;
		size_t len = 0;
		memset(&f, 0, sizeof f);
		memcpy(f.sha256, j->m.assets[i].sha256, sizeof f.sha256);
		f.offset = ja->blob ? (int64_t)hall_cstore_blob_next_missing(ja->blob) : 0;
		if (hall_proto_encode_fetch(&f, &buf, &len, &err) != HALL_OK) {
			hall_warn("link: cannot encode fetch: %s", err.msg);
			continue;
		}
		if (publish(link, "fetch", buf, len, false) == HALL_OK) {
			hall_debug("link: fetch %s from %lld", f.sha256, (long long)f.offset);
			j->fetches++;
		}
		free(buf);
	}
	job_forget_streams(j, now);
	j->last_fetch_ms = now;
}

static void stage_job(hall_link *link)
{
	content_job *j = &link->job;
	char key[HALL_CSTORE_KEY_MAX], dir[HALL_CSTORE_PATH_MAX];
	hall_content *content = NULL;
	hall_error err = {0};
	int scope = j->scope;
	int64_t version = j->version;
	content_key(link, scope, version, key, sizeof key);
	if (hall_cstore_stage_pack(link->store, key, j->manifest, j->manifest_len, &content, dir, &err) != HALL_OK) {
		char reason[REASON_BUF];
		reason_from_error(reason, sizeof reason, &err);
		job_fail(link, reason);
		return;
	}
	/* reconsider_content takes it when this pack is to be shown. */
	link->fresh = content;
	snprintf(link->fresh_key, sizeof link->fresh_key, "%s", key);
	snprintf(link->fresh_dir, sizeof link->fresh_dir, "%s", dir);
	hall_info("link: content %s staged (%llu requests for assets)", key, (unsigned long long)j->fetches);
	job_clear(link);
	slot *sl = &link->slots[K_CONTENT][scope];
	sl->version = version;
	sl->cleared = false;
	sl->failed = false;
	save_state(link);
	reconsider_content(link, false);
	hall_cstore_content_destroy(link->fresh);
	link->fresh = NULL;
	/* Held but not shown (a more specific scope wins): it is applied as far as this
	 * kiosk's rules go. */
	if (!(link->handed.waiting && strcmp(link->handed.key, key) == 0) && strcmp(link->current_key, key) != 0)
		send_ack(link, K_CONTENT, scope, version, true, "");
}

/* xorshift64*: per-link, so kiosks in one process or started together differ. */
static uint64_t next_random(hall_link *link)
{
	uint64_t x = link->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	link->rng = x;
	return x * UINT64_C(2685821657736338717);
}

/* Start the wait before this kiosk's first request. Only this kiosk asks for a
 * kiosk-scoped pack; a pack for a group or everyone is asked for by many, so each waits
 * a random while and listens first. The wait is at least FETCH_LISTEN_MS (when the
 * jitter leaves room for it): the first ask starts the stream every kiosk takes, and a
 * kiosk whose subscription reached the broker after that stream's head passed needs a
 * second stream (bench/propagation, N=200: about 0.5 s more for the slowest kiosks). */
#define FETCH_LISTEN_MS 200
static void job_rearm(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	int64_t jitter = 0, span = link->tune.fetch_jitter_ms;
	if (j->scope != S_KIOSK && span > 0) {
		int64_t floor = span >= 2 * FETCH_LISTEN_MS ? FETCH_LISTEN_MS : 0;
		jitter = floor + (int64_t)(next_random(link) % (uint64_t)(span - floor));
	}
	j->not_before = now + jitter;
	j->last_progress_ms = 0;
	j->last_fetch_ms = 0;
	j->attempts = 0;
	job_forget_streams(j, now);
}

/* Open a writer and subscribe (exact topic) for every asset the store lacks. Subscribing
 * comes before any request, so the chunks cannot overtake the SUBSCRIBE. */
static bool job_open_assets(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	hall_error err = {0};
	j->assets = calloc(j->m.n_assets ? j->m.n_assets : 1, sizeof *j->assets);
	if (!j->assets) {
		job_fail(link, "out of memory");
		return false;
	}
	for (size_t i = 0; i < j->m.n_assets; i++) {
		job_asset *ja = &j->assets[i];
		const hall_cstore_asset *a = &j->m.assets[i];
		ja->same = -1;
		if (hall_cstore_has_blob(link->store, a->sha256)) {
			ja->done = true;
			continue;
		}
		for (size_t k = 0; k < i && ja->same < 0; k++)
			if (!j->assets[k].done && strcmp(j->m.assets[k].sha256, a->sha256) == 0)
				ja->same = (int)k;
		if (ja->same >= 0)
			continue;
		if (hall_cstore_blob_begin(link->store, a->sha256, a->size, &ja->blob, &err) != HALL_OK) {
			char reason[REASON_BUF];
			reason_from_error(reason, sizeof reason, &err);
			job_fail(link, reason);
			return false;
		}
		if (hall_topic_ctl_asset(ja->topic, sizeof ja->topic, link->prefix, a->sha256) != 0) {
			job_fail(link, "cannot build the asset topic");
			return false;
		}
		subscribe(link, ja->topic);
	}
	job_rearm(link, now);
	return true;
}

/* When a stream of every asset still incomplete has passed that asset's end since the
 * last request, nothing more is coming: the earliest moment an own request is served (see
 * FETCH_AFTER_STREAM_MS). INT64_MAX while any stream may still be coming. */
static int64_t job_streams_ended_due(const content_job *j)
{
	int64_t due = j->last_progress_ms + FETCH_TAIL_MS;
	for (size_t i = 0; i < j->m.n_assets; i++) {
		const job_asset *ja = &j->assets[i];
		if (ja->done || ja->same >= 0)
			continue;
		if (!ja->end_seen)
			return INT64_MAX;
		if (ja->first_chunk_ms + FETCH_AFTER_STREAM_MS > due)
			due = ja->first_chunk_ms + FETCH_AFTER_STREAM_MS;
	}
	return due;
}

/* When this kiosk asks next: after its random wait when nothing came yet; once a stream
 * ended with bytes missing, or after the quiet time (FETCH_QUIET_MS) without a chunk
 * otherwise; when its own request got no answer, after fetch_timeout_ms. */
static int64_t job_due(const hall_link *link)
{
	const content_job *j = &link->job;
	int64_t due;
	if (!j->active)
		return INT64_MAX;
	if (j->last_progress_ms > j->last_fetch_ms) {
		int64_t ended = job_streams_ended_due(j);
		if (ended != INT64_MAX)
			return ended; /* no more is coming: the random wait has no purpose left */
		int64_t quiet = 2 * j->max_wait_ms;
		if (quiet > link->tune.fetch_timeout_ms)
			quiet = link->tune.fetch_timeout_ms;
		due = j->last_progress_ms + (quiet > FETCH_QUIET_MS ? quiet : FETCH_QUIET_MS);
	} else if (j->last_fetch_ms == 0) {
		due = j->not_before;
	} else {
		due = j->last_fetch_ms + link->tune.fetch_timeout_ms;
	}
	return due < j->not_before ? j->not_before : due;
}

/* Move the job on: stage when every asset is whole; otherwise ask when it is due (see
 * content_job and job_due). */
static void job_step(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	if (!j->active)
		return;
	size_t cur = job_current(j);
	if (cur == j->m.n_assets) {
		stage_job(link);
		return;
	}
	if (!link->online)
		return;
	if (now < job_due(link))
		return;
	/* Messages still waiting in the queue may be the chunks we would ask for. */
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	if (ms.queued > 0)
		return;
	if (j->last_fetch_ms != 0 && j->last_progress_ms <= j->last_fetch_ms) {
		if (++j->attempts >= link->tune.fetch_attempts) {
			char reason[REASON_BUF];
			snprintf(reason, sizeof reason, "assets[%zu]: missing asset %s (sha256 %s): not received after %d requests",
			         cur, j->m.assets[cur].name, j->m.assets[cur].sha256, j->attempts);
			job_fail(link, reason);
			return;
		}
	}
	send_fetch(link, now);
}

static void start_next_job(hall_link *link, int64_t now)
{
	if (link->job.active)
		return;
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		pending_manifest *p = &link->pending[s];
		hall_error err = {0};
		if (p->version <= 0)
			continue;
		content_job *j = &link->job;
		memset(j, 0, sizeof *j);
		j->scope = s;
		j->version = p->version;
		j->manifest = p->manifest;
		j->manifest_len = p->len;
		memset(p, 0, sizeof *p);
		if (hall_cstore_parse_manifest(j->manifest, j->manifest_len, &j->m, &err) != HALL_OK) {
			char reason[REASON_BUF];
			reason_from_error(reason, sizeof reason, &err);
			job_fail(link, reason);
			continue;
		}
		if (!job_open_assets(link, now))
			continue;
		j->active = true;
		hall_info("link: content version %lld for %s: %zu assets, %llu bytes", (long long)j->version,
		          SCOPE_NAME[s], j->m.n_assets, (unsigned long long)j->m.total_bytes);
		job_step(link, now);
		if (link->job.active)
			return;
	}
}

/* Is `topic` the asset topic of an asset the job is receiving? */
static bool job_wants(const hall_link *link, const char *topic)
{
	const content_job *j = &link->job;
	for (size_t i = 0; j->active && i < j->m.n_assets; i++)
		if (j->assets[i].topic[0] && strcmp(j->assets[i].topic, topic) == 0)
			return true;
	return false;
}

static void handle_chunk(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	content_job *j = &link->job;
	hall_asset_chunk ch;
	hall_error err = {0};
	char reason[REASON_BUF];
	size_t i = 0;
	while (i < j->m.n_assets && !(j->assets[i].topic[0] && strcmp(j->assets[i].topic, msg->topic) == 0))
		i++;
	if (i == j->m.n_assets)
		return;
	job_asset *ja = &j->assets[i];
	const hall_cstore_asset *a = &j->m.assets[i];
	if (hall_proto_decode_asset_chunk(msg->payload, msg->len, &ch, &err) != HALL_OK) {
		hall_warn("link: bad asset chunk on %s: %s: %s", msg->topic, err.path, err.msg);
		return;
	}
	if (strcmp(ch.sha256, a->sha256) != 0)
		return;
	if ((uint64_t)ch.size != a->size) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s asset %s: the controller sends %lld bytes, the manifest says %llu",
		         i, (uint64_t)ch.size > a->size ? "oversize" : "size mismatch of", a->name, (long long)ch.size,
		         (unsigned long long)a->size);
		job_fail(link, reason);
		return;
	}
	uint64_t before = hall_cstore_blob_received(ja->blob);
	if (ch.len > 0 && hall_cstore_blob_write_at(ja->blob, (uint64_t)ch.offset, ch.data, ch.len, &err) != HALL_OK) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s", i, err.msg);
		job_fail(link, reason);
		return;
	}
	if (hall_cstore_blob_received(ja->blob) > before) {
		int64_t since = j->last_progress_ms > j->episode_ms ? j->last_progress_ms : j->episode_ms;
		if (now - since > j->max_wait_ms)
			j->max_wait_ms = now - since;
		j->last_progress_ms = now;
		j->attempts = 0;
	}
	/* One stream's tail, heard to its end, brings nothing more; chunks of another stream
	 * in between mean that one is still coming. */
	if (!ja->first_chunk_ms) {
		ja->first_chunk_ms = now;
		ja->run_end = ch.offset;
	}
	if (ja->run_end == ch.offset)
		ja->run_end = ch.offset + (int64_t)ch.len;
	else
		ja->run_end = -1;
	ja->end_seen = ja->run_end == (int64_t)a->size;
	if (!hall_cstore_blob_complete(ja->blob))
		return;
	hall_cstore_blob *b = ja->blob;
	ja->blob = NULL;
	if (hall_cstore_blob_finish(b, &err) != HALL_OK) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s: %s", i, a->name, err.msg);
		job_fail(link, reason);
		return;
	}
	unsubscribe(link, ja->topic);
	ja->topic[0] = '\0';
	for (size_t k = i; k < j->m.n_assets; k++)
		if (k == i || j->assets[k].same == (int)i)
			j->assets[k].done = true;
	job_step(link, now);
	start_next_job(link, now);
}

/* ---- incoming envelopes -------------------------------------------------------------- */

static int scope_slot_of(const hall_link *link, const hall_scope *sc)
{
	(void)link;
	switch (sc->kind) {
	case HALL_SCOPE_ALL:
		return S_ALL;
	case HALL_SCOPE_GROUP:
		return S_GROUP;
	case HALL_SCOPE_KIOSK:
		return S_KIOSK;
	}
	return -1;
}

/* The newest version this kiosk knows for (kind, scope), held or on its way. */
static int64_t known_version(const hall_link *link, int kind, int s)
{
	int64_t v = link->slots[kind][s].version;
	if (kind == K_CONTENT) {
		if (link->pending[s].version > v)
			v = link->pending[s].version;
		if (link->job.active && link->job.scope == s && link->job.version > v)
			v = link->job.version;
	}
	return v;
}

/* An envelope we could not decode: answer when its version can be read, else only log
 * (an ack needs a version) and show it in the status's last_error. */
static void reject_undecodable(hall_link *link, int kind, int topic_scope, const hall_mqtt_msg *msg,
                               const hall_error *e)
{
	char reason[REASON_BUF];
	cJSON *root = NULL;
	hall_error ignore = {0};
	int64_t version = 0;
	reason_from_error(reason, sizeof reason, e);
	if (hall_json_parse((const char *)msg->payload, msg->len, HALL_PROTO_JSON_MAX, &root, &ignore) == HALL_OK &&
	    hall_json_get_int(root, "", "version", 1, HALL_PROTO_SEQ_MAX, &version, &ignore) == HALL_OK) {
		hall_scope sc;
		const char *s = NULL;
		int scope = topic_scope;
		if (hall_json_get_string(root, "", "scope", HALL_SCOPE_BUF, &s, &ignore) == HALL_OK &&
		    hall_scope_parse(s, &sc) == 0 && hall_scope_matches(&sc, link->cfg.id, link->cfg.group))
			scope = scope_slot_of(link, &sc);
		send_ack(link, kind, scope, version, false, reason);
	} else {
		hall_warn("link: unreadable %s message on %s: %s", KIND_LEAF[kind], msg->topic, reason);
		set_last_error(link, "unreadable %s message: %s", KIND_LEAF[kind], reason);
	}
	cJSON_Delete(root);
}

static void reconsider_schedule(hall_link *link)
{
	int eff = -1;
	for (int s = S_KIOSK; s >= S_ALL && eff < 0; s--) {
		const slot *sl = &link->slots[K_SCHEDULE][s];
		if (sl->version > 0 && !sl->cleared && sl->body)
			eff = s;
	}
	int64_t version = eff >= 0 ? link->slots[K_SCHEDULE][eff].version : 0;
	if (eff == link->handed_sched_scope && version == link->handed_sched_version)
		return;
	hall_link_update *u = update_new(HALL_LINK_SCHEDULE);
	if (!u)
		return;
	u->scope = public_scope(eff);
	u->version = version;
	u->cleared = eff < 0;
	if (eff >= 0) {
		hall_error err = {0};
		const slot *sl = &link->slots[K_SCHEDULE][eff];
		if (hall_cstore_schedule_parse(sl->body, sl->body_len, &u->schedule, &err) != HALL_OK) {
			/* It parsed when it came in; a failure now is out of memory. */
			hall_error_log("link: schedule %lld: %s", (long long)version, err.msg);
			update_free(u);
			return;
		}
	}
	link->handed_sched_scope = eff;
	link->handed_sched_version = version;
	queue_push(link, u);
}

static void reconsider_notice(hall_link *link)
{
	int eff = -1;
	hall_notice n;
	for (int s = S_KIOSK; s >= S_ALL && eff < 0; s--) {
		const slot *sl = &link->slots[K_NOTICE][s];
		if (sl->version > 0 && !sl->cleared && sl->body)
			eff = s;
	}
	int64_t version = eff >= 0 ? link->slots[K_NOTICE][eff].version : 0;
	if (eff == link->handed_notice_scope && version == link->handed_notice_version)
		return;
	hall_link_update *u = update_new(HALL_LINK_NOTICE);
	if (!u)
		return;
	u->scope = public_scope(eff);
	u->version = version;
	u->cleared = eff < 0;
	if (eff >= 0) {
		const slot *sl = &link->slots[K_NOTICE][eff];
		cJSON *body = NULL;
		hall_error err = {0};
		if (hall_json_parse(sl->body, sl->body_len, HALL_PROTO_JSON_MAX, &body, &err) != HALL_OK ||
		    hall_proto_notice_from_json(body, "notice", &n, &err) != HALL_OK) {
			hall_error_log("link: notice %lld: %s", (long long)version, err.msg);
			cJSON_Delete(body);
			update_free(u);
			return;
		}
		cJSON_Delete(body);
		u->notice_level = n.level == HALL_NOTICE_URGENT ? HALL_LINK_NOTICE_URGENT : HALL_LINK_NOTICE_INFO;
		for (int l = 0; l < HALL_LANG_COUNT; l++)
			snprintf(u->notice_text[l], sizeof u->notice_text[l], "%s", n.text[l]);
		u->notice_until_ms = n.until < 0 ? 0 : n.until;
	}
	link->handed_notice_scope = eff;
	link->handed_notice_version = version;
	queue_push(link, u);
}

static void handle_envelope(hall_link *link, int kind, int topic_scope, const hall_mqtt_msg *msg, int64_t now)
{
	static const hall_envelope_kind EKIND[K_COUNT] = {HALL_ENVELOPE_CONTENT, HALL_ENVELOPE_SCHEDULE,
	                                                  HALL_ENVELOPE_NOTICE};
	hall_envelope env;
	hall_error err = {0};
	char reason[REASON_BUF];
	char *body = NULL;
	size_t body_len = 0;
	memset(&env, 0, sizeof env);
	if (hall_proto_decode_envelope(EKIND[kind], msg->payload, msg->len, &env, &err) != HALL_OK) {
		reject_undecodable(link, kind, topic_scope, msg, &err);
		goto done;
	}
	if (!hall_scope_matches(&env.scope, link->cfg.id, link->cfg.group) ||
	    (env.scope.kind == HALL_SCOPE_GROUP && !group_enabled(link))) {
		char sc[HALL_SCOPE_BUF];
		hall_scope_format(&env.scope, sc, sizeof sc);
		snprintf(reason, sizeof reason, "scope: wrong target: \"%s\" does not name this kiosk (%s, group %s)", sc,
		         link->cfg.id, group_enabled(link) ? link->cfg.group : "none");
		/* Answer for the scope named, so the controller can tell which push went astray. */
		hall_ack a;
		char *buf = NULL;
		size_t len = 0;
		hall_error e2 = {0};
		memset(&a, 0, sizeof a);
		hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
		a.kind = kind == K_CONTENT ? HALL_ACK_CONTENT : kind == K_SCHEDULE ? HALL_ACK_SCHEDULE : HALL_ACK_NOTICE;
		hall_proto_copy(a.scope, sizeof a.scope, sc);
		a.version = env.version;
		a.result = HALL_ACK_REJECTED;
		snprintf(a.reason, sizeof a.reason, "%s", reason);
		hall_warn("link: %s version %lld rejected: %s", KIND_LEAF[kind], (long long)env.version, reason);
		if (hall_proto_encode_ack(&a, &buf, &len, &e2) == HALL_OK)
			publish(link, "ack", buf, len, false);
		free(buf);
		goto done;
	}
	int s = scope_slot_of(link, &env.scope);
	int64_t known = known_version(link, kind, s);
	if (env.version < known) {
		snprintf(reason, sizeof reason, "version: older version %lld refused: version %lld is held for scope %s",
		         (long long)env.version, (long long)known, SCOPE_NAME[s]);
		send_ack(link, kind, s, env.version, false, reason);
		goto done;
	}
	if (env.version == known) {
		/* The same message again (retained copy on reconnect, or the controller's answer to
		 * hello). Re-acknowledge what is already held when it was sent on purpose. */
		slot *sl = &link->slots[kind][s];
		if (!msg->retain && sl->version == env.version && !sl->failed)
			send_ack(link, kind, s, env.version, true, "");
		goto done;
	}
	if (!env.cleared) {
		body = hall_json_print(env.body, &body_len);
		if (!body) {
			hall_error_log("link: out of memory");
			goto done;
		}
	}
	if (kind == K_CONTENT) {
		/* A newer message for a scope replaces whatever of that scope is still on its way. */
		pending_manifest *p = &link->pending[s];
		if (p->version > 0) {
			snprintf(reason, sizeof reason, "superseded by version %lld before its assets arrived", (long long)env.version);
			send_ack(link, kind, s, p->version, false, reason);
			free(p->manifest);
			memset(p, 0, sizeof *p);
		}
		if (link->job.active && link->job.scope == s) {
			snprintf(reason, sizeof reason, "superseded by version %lld before its assets arrived", (long long)env.version);
			job_fail(link, reason);
		}
		if (env.cleared) {
			slot *sl = &link->slots[K_CONTENT][s];
			sl->version = env.version;
			sl->cleared = true;
			sl->failed = false;
			save_state(link);
			send_ack(link, kind, s, env.version, true, "");
			reconsider_content(link, false);
		} else {
			p->version = env.version;
			p->manifest = body;
			p->len = body_len;
			body = NULL;
			start_next_job(link, now);
		}
		goto done;
	}
	/* Schedules and notices are whole in the message: check, keep, hand out, ack. */
	if (!env.cleared) {
		if (kind == K_SCHEDULE) {
			hall_schedule *sch = NULL;
			hall_err rc = hall_cstore_schedule_parse(body, body_len, &sch, &err);
			hall_cstore_schedule_destroy(sch);
			if (rc != HALL_OK) {
				snprintf(reason, sizeof reason, "schedule%s%s: %s", err.path[0] && err.path[0] != '[' ? "." : "",
				         err.path, err.msg);
				for (char *c = reason; *c; c++)
					if ((unsigned char)*c < 0x20)
						*c = ' ';
				send_ack(link, kind, s, env.version, false, reason);
				goto done;
			}
		} else {
			hall_notice n;
			if (hall_proto_notice_from_json(env.body, "notice", &n, &err) != HALL_OK) {
				reason_from_error(reason, sizeof reason, &err);
				send_ack(link, kind, s, env.version, false, reason);
				goto done;
			}
		}
	}
	slot *sl = &link->slots[kind][s];
	free(sl->body);
	sl->version = env.version;
	sl->cleared = env.cleared;
	sl->failed = false;
	sl->body = body;
	sl->body_len = body_len;
	body = NULL;
	save_state(link);
	send_ack(link, kind, s, env.version, true, "");
	if (kind == K_SCHEDULE)
		reconsider_schedule(link);
	else
		reconsider_notice(link);
done:
	free(body);
	hall_envelope_free(&env);
}

/* ---- commands, polls, confirms ---------------------------------------------------------- */

static command_seen *find_command(hall_link *link, const char *id)
{
	for (size_t i = 0; i < link->n_commands; i++)
		if (strcmp(link->commands[i].id, id) == 0)
			return &link->commands[i];
	return NULL;
}

static void handle_command(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_command c;
	hall_error err = {0};
	char reason[REASON_BUF];
	if (hall_proto_decode_command(msg->payload, msg->len, &c, &err) != HALL_OK) {
		/* Answer when the id can be read, so the controller stops queueing it. */
		cJSON *root = NULL;
		const char *id = NULL;
		hall_error ignore = {0};
		reason_from_error(reason, sizeof reason, &err);
		if (hall_json_parse((const char *)msg->payload, msg->len, HALL_PROTO_JSON_MAX, &root, &ignore) == HALL_OK &&
		    hall_json_get_string(root, "", "id", HALL_ID_MAX, &id, &ignore) == HALL_OK && hall_id_is_valid(id))
			send_command_ack(link, id, false, reason);
		else
			hall_warn("link: unreadable command: %s", reason);
		cJSON_Delete(root);
		return;
	}
	command_seen *seen = find_command(link, c.id);
	if (seen) {
		if (seen->state != 0)
			send_command_ack(link, c.id, seen->state == 1, seen->state == 1 ? "" : "failed earlier");
		return;
	}
	if (hall_command_expired(&c, hall_clock_now_ms())) {
		snprintf(reason, sizeof reason, "expired: issued at %lld with ttl_s %lld", (long long)c.ts, (long long)c.ttl_s);
		send_command_ack(link, c.id, false, reason);
		return;
	}
	command_seen *slotp = &link->commands[link->next_command];
	hall_proto_copy(slotp->id, sizeof slotp->id, c.id);
	slotp->state = 0;
	link->next_command = (link->next_command + 1) % COMMANDS_KEPT;
	if (link->n_commands < COMMANDS_KEPT)
		link->n_commands++;
	save_state(link);
	hall_link_update *u = update_new(HALL_LINK_COMMAND);
	if (!u)
		return;
	switch (c.cmd) {
	case HALL_CMD_SCREENSHOT:
		u->cmd = HALL_LINK_CMD_SCREENSHOT;
		break;
	case HALL_CMD_RELOAD:
		u->cmd = HALL_LINK_CMD_RELOAD;
		break;
	case HALL_CMD_SHOW:
		u->cmd = HALL_LINK_CMD_SHOW;
		break;
	case HALL_CMD_IDENTIFY:
		u->cmd = HALL_LINK_CMD_IDENTIFY;
		break;
	}
	snprintf(u->cmd_id, sizeof u->cmd_id, "%s", c.id);
	snprintf(u->cmd_exhibit, sizeof u->cmd_exhibit, "%s", c.exhibit);
	queue_push(link, u);
}

static void handle_poll_results(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_poll_results r;
	hall_error err = {0};
	if (hall_proto_decode_poll_results(msg->payload, msg->len, &r, &err) != HALL_OK) {
		hall_warn("link: bad poll results on %s: %s: %s", msg->topic, err.path, err.msg);
		return;
	}
	hall_link_update *u = update_new(HALL_LINK_POLL_RESULTS);
	if (!u)
		return;
	snprintf(u->poll_id, sizeof u->poll_id, "%s", r.poll);
	u->poll_ts = r.ts;
	u->poll_total = r.total;
	u->poll_noptions = (int)(r.n_options < HALL_LINK_POLL_OPTIONS_MAX ? r.n_options : HALL_LINK_POLL_OPTIONS_MAX);
	for (int i = 0; i < u->poll_noptions; i++) {
		snprintf(u->poll_options[i].id, sizeof u->poll_options[i].id, "%s", r.options[i].id);
		u->poll_options[i].votes = r.options[i].votes;
	}
	queue_push(link, u);
}

/* Resend every unconfirmed event from the lowest seq on, at once. */
static void resend_all(hall_link *link)
{
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	link->next_send = ss.first;
	link->unsent_since = 0;
	link->resend_due = 0;
}

typedef struct renum_ctx {
	bool ok;
	hall_event ev;
} renum_ctx;

static void renum_take(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	renum_ctx *r = user;
	(void)index;
	if (!ev_err && ev) {
		r->ev = *ev;
		r->ok = true;
	}
}

/* hall_spool_rebuild_fn: the same event under its new seq. */
static int renumber_event(void *ctx, const void *data, size_t len, int64_t new_seq, void **out, size_t *out_len)
{
	hall_link *link = ctx;
	renum_ctx r = {0};
	char *buf = NULL;
	if (hall_proto_decode_events(data, len, link->cfg.id, renum_take, &r, NULL, NULL, NULL) != HALL_OK || !r.ok)
		return -1;
	r.ev.seq = new_seq;
	if (hall_proto_encode_event(&r.ev, &buf, out_len, NULL) != HALL_OK)
		return -1;
	*out = buf;
	return 0;
}

/* The controller confirmed a seq this kiosk never issued: it holds events of an earlier
 * life of this kiosk (its data directory was wiped, so seq began again at 1). New events
 * would repeat stored (kiosk, seq) keys and be counted as repeats, never stored. So seq
 * moves past the confirm before anything more is issued, and what is unconfirmed gets new
 * seqs above it and is sent (DESIGN.md decision 2: seq rises across restarts). */
static void lost_spool(hall_link *link, int64_t confirmed, const hall_spool_stats *before)
{
	hall_error err = {0};
	size_t moved = 0;
	hall_warn("link: the controller holds events of this kiosk up to seq %lld, but this spool issued only up to "
	          "%lld (was the data directory wiped?): new events are numbered from %lld on",
	          (long long)confirmed, (long long)before->seq_max, (long long)confirmed + 1);
	if (hall_spool_skip_past(link->spool, confirmed, renumber_event, link, &moved, &err) != HALL_OK) {
		hall_error_log("link: cannot move the spool past seq %lld: %s: %s", (long long)confirmed, err.path,
		               err.msg);
		return;
	}
	hall_spool_stats after;
	hall_spool_get_stats(link->spool, &after);
	link->next_send = after.first; /* the renumbered ones go out at once */
	link->unsent_since = 0;
	link->resend_due = 0;
}

static void handle_confirm(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	hall_confirm c;
	hall_error err = {0};
	hall_spool_stats before, after;
	if (hall_proto_decode_confirm(msg->payload, msg->len, &c, &err) != HALL_OK) {
		hall_warn("link: bad confirm: %s: %s", err.path, err.msg);
		return;
	}
	hall_spool_get_stats(link->spool, &before);
	if (c.seq > before.seq_max) {
		lost_spool(link, c.seq, &before);
		return;
	}
	if (c.seq <= before.confirmed)
		return;
	if (hall_spool_confirm(link->spool, c.seq, &err) != HALL_OK) {
		hall_error_log("link: spool confirm %lld: %s", (long long)c.seq, err.msg);
		return;
	}
	hall_spool_get_stats(link->spool, &after);
	if (link->next_send <= after.confirmed)
		link->next_send = after.confirmed + 1;
	/* Progress: the controller is taking events, give the rest a full timeout again. */
	link->resend_due = link->next_send > after.first ? now + link->tune.resend_ms : 0;
}

static void handle_controller_status(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_controller_status cs;
	hall_error err = {0};
	if (hall_proto_decode_controller_status(msg->payload, msg->len, &cs, &err) != HALL_OK) {
		hall_warn("link: bad controller status: %s: %s", err.path, err.msg);
		return;
	}
	int was = link->controller_online;
	link->controller_online = cs.online ? 1 : 0;
	/* A live (not retained) online status is the controller announcing a new connection:
	 * it may have restarted, maybe on a fresh database, and missed our hello. A retained
	 * one is the broker's replay at our subscribe, right after our own hello. */
	if (cs.online && (was == 0 || !msg->retain)) {
		hall_info("link: controller online, sending hello and resending unconfirmed events");
		if (publish_hello(link) != HALL_OK)
			hall_warn("link: hello to the returning controller not sent; the next connect sends it");
		resend_all(link);
	}
}

static void dispatch(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	char topic[HALL_TOPIC_MAX];
	const char *p = link->prefix;
	const char *id = link->cfg.id;
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "confirm") == 0 && strcmp(topic, msg->topic) == 0) {
		handle_confirm(link, msg, now);
		return;
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, KIND_LEAF[k]) == 0 && strcmp(topic, msg->topic) == 0) {
			handle_envelope(link, k, S_KIOSK, msg, now);
			return;
		}
		if (group_enabled(link) && hall_topic_ctl_group(topic, sizeof topic, p, link->cfg.group, KIND_LEAF[k]) == 0 &&
		    strcmp(topic, msg->topic) == 0) {
			handle_envelope(link, k, S_GROUP, msg, now);
			return;
		}
		if (hall_topic_ctl_all(topic, sizeof topic, p, KIND_LEAF[k]) == 0 && strcmp(topic, msg->topic) == 0) {
			handle_envelope(link, k, S_ALL, msg, now);
			return;
		}
	}
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "command") == 0 && strcmp(topic, msg->topic) == 0) {
		handle_command(link, msg);
		return;
	}
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "poll") == 0 && strcmp(topic, msg->topic) == 0) {
		handle_poll_results(link, msg);
		return;
	}
	if (hall_topic_ctl_controller_status(topic, sizeof topic, p) == 0 && strcmp(topic, msg->topic) == 0) {
		handle_controller_status(link, msg);
		return;
	}
	if (job_wants(link, msg->topic)) {
		handle_chunk(link, msg, now);
		return;
	}
	for (size_t i = 0; i < link->n_polls; i++) {
		if (hall_topic_ctl_poll_results(topic, sizeof topic, p, link->polls[i]) == 0 && strcmp(topic, msg->topic) == 0) {
			handle_poll_results(link, msg);
			return;
		}
	}
	hall_debug("link: ignoring message on %s", msg->topic);
}

/* ---- events -------------------------------------------------------------------------- */

typedef struct batch_ctx {
	hall_strbuf *b;
	size_t n;
	int64_t last;
} batch_ctx;

static int batch_add(void *ctx, int64_t seq, const void *data, size_t len)
{
	batch_ctx *c = ctx;
	if (c->n > 0)
		hall_strbuf_append(c->b, ",", 1);
	hall_strbuf_append(c->b, data, len);
	c->n++;
	c->last = seq;
	return 0;
}

/* Publish what is due: batches of at most batch_max events when a batch is full or its
 * oldest event waited batch_ms, never more than `window` events unconfirmed in flight;
 * resend from the lowest unconfirmed seq when the resend timer ran out. */
static void publish_events(hall_link *link, int64_t now)
{
	hall_spool_stats ss;
	if (!link->online)
		return;
	hall_spool_get_stats(link->spool, &ss);
	if (link->resend_due && now >= link->resend_due && link->next_send > ss.first) {
		hall_info("link: no confirm for events from %lld within %d ms, resending", (long long)ss.first,
		          link->tune.resend_ms);
		resend_all(link);
	}
	for (int i = 0; i < BATCHES_PER_CALL; i++) {
		hall_spool_get_stats(link->spool, &ss);
		if (link->next_send < ss.first)
			link->next_send = ss.first;
		int64_t unsent = ss.durable - link->next_send + 1;
		int64_t room = (int64_t)link->cfg.spool.window - (link->next_send - ss.first);
		if (unsent <= 0 || room <= 0)
			return;
		int64_t n = unsent < room ? unsent : room;
		if (n > link->cfg.spool.batch_max)
			n = link->cfg.spool.batch_max;
		bool due = n >= link->cfg.spool.batch_max || link->flushing || link->unsent_since == 0 ||
		           now - link->unsent_since >= link->cfg.spool.batch_ms;
		if (!due)
			return;
		hall_strbuf b;
		batch_ctx ctx = {&b, 0, 0};
		hall_error err = {0};
		hall_strbuf_init(&b);
		hall_strbuf_printf(&b, "{\"kiosk\":\"%s\",\"events\":[", link->cfg.id);
		if (hall_spool_read(link->spool, link->next_send, (size_t)n, BATCH_BYTES_MAX, batch_add, &ctx, NULL, &err) !=
		    HALL_OK) {
			hall_error_log("link: reading the spool: %s: %s", err.path, err.msg);
			hall_strbuf_free(&b);
			return;
		}
		hall_strbuf_puts(&b, "]}");
		size_t len = 0;
		char *text = hall_strbuf_take(&b, &len);
		if (!text || ctx.n == 0) {
			free(text);
			return;
		}
		hall_err rc = publish(link, "events", text, len, false);
		free(text);
		if (rc != HALL_OK)
			return;
		if (link->next_send == ss.first || link->resend_due == 0)
			link->resend_due = now + link->tune.resend_ms;
		link->next_send = ctx.last + 1;
		link->unsent_since = now;
	}
}

typedef struct build_ctx {
	hall_event ev;
	hall_error *err;
} build_ctx;

static int build_event(void *ctx, int64_t seq, void **data, size_t *len)
{
	build_ctx *b = ctx;
	char *out = NULL;
	b->ev.seq = seq;
	if (hall_proto_encode_event(&b->ev, &out, len, b->err) != HALL_OK)
		return -1;
	*data = out;
	return 0;
}

hall_err hall_link_record(hall_link *link, const hall_link_event *ev, uint64_t *seq, hall_error *err)
{
	build_ctx b;
	hall_event_type type;
	hall_err rc;
	int64_t got = 0;
	hall_spool_stats ss;
	hall_event_init(&b.ev);
	b.err = err;
	if (!ev->type || hall_event_type_from_name(ev->type, &type) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "type", "unknown event type \"%s\"", ev->type ? ev->type : "");
	hall_proto_copy(b.ev.kiosk, sizeof b.ev.kiosk, link->cfg.id);
	b.ev.type = type;
	b.ev.ts = hall_clock_now_ms();
	b.ev.seq = hall_spool_next_seq(link->spool);
	if ((ev->exhibit && hall_proto_copy(b.ev.exhibit, sizeof b.ev.exhibit, ev->exhibit) != 0) ||
	    (ev->target && hall_proto_copy(b.ev.target, sizeof b.ev.target, ev->target) != 0) ||
	    (ev->lang && hall_proto_copy(b.ev.lang, sizeof b.ev.lang, ev->lang) != 0) ||
	    (ev->poll && hall_proto_copy(b.ev.poll, sizeof b.ev.poll, ev->poll) != 0))
		return hall_error_set(err, HALL_ERR_INVALID, "", "a field of the %s event is too long", ev->type);
	b.ev.session = ev->session < 0 ? -1 : ev->session;
	b.ev.dwell_ms = ev->dwell_ms < 0 ? -1 : ev->dwell_ms;
	if ((rc = hall_proto_check_event(&b.ev, "", err)) != HALL_OK)
		return rc;
	hall_spool_get_stats(link->spool, &ss);
	bool none_waiting = link->next_send > ss.seq_max;
	rc = hall_spool_append_build(link->spool, build_event, &b, &got, err);
	if (rc == HALL_ERR_FULL) {
		link->dropped++;
		if (link->dropped == 1 || link->dropped % 1000 == 0)
			hall_error_log("link: spool full, %llu events dropped so far", (unsigned long long)link->dropped);
		return rc;
	}
	if (rc != HALL_OK)
		return rc;
	link->appended = true;
	if (none_waiting)
		link->unsent_since = mono_now();
	if (seq)
		*seq = (uint64_t)got;
	return HALL_OK;
}

/* ---- the loop ------------------------------------------------------------------------ */

static void on_connected(hall_link *link, int64_t now)
{
	if (publish_hello(link) != HALL_OK)
		return;
	link->connects++;
	hall_info("link: connected to %s:%d, hello sent", link->cfg.broker.host, link->cfg.broker.port);
	publish_status(link, now);
	resend_all(link);
	/* Chunks in flight when the connection dropped are gone: ask again (after the wait). */
	if (link->job.active)
		job_rearm(link, now);
}

/* Connection changes: hello and status on every connect. */
static void service_connection(hall_link *link, int64_t now)
{
	if (!link->started)
		return;
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	bool conn = hall_mqtt_is_connected(link->mq);
	link->online = conn;
	if (conn && ms.connects != link->seen_connects) {
		link->seen_connects = ms.connects;
		on_connected(link, now);
	}
	if (!conn)
		link->controller_online = link->controller_online == 1 ? -1 : link->controller_online;
	if (conn != link->online_reported) {
		hall_link_update *u = update_new(HALL_LINK_CONNECTION);
		if (u) {
			u->online = conn;
			queue_push(link, u);
		}
		link->online_reported = conn;
		if (!conn)
			hall_info("link: connection to the broker lost; events wait in the spool");
	}
}

/* Timers: status, asset requests, the next content job. Runs after incoming messages
 * were handled, so a chunk already received never looks like silence. */
static void service_timers(hall_link *link, int64_t now)
{
	if (!link->started)
		return;
	if (link->online && now >= link->status_due)
		publish_status(link, now);
	job_step(link, now);
	if (!link->job.active)
		start_next_job(link, now);
}

static void take_messages(hall_link *link, int64_t now, size_t max)
{
	for (size_t i = 0; i < max && link->q_len < QUEUE_REFILL; i++) {
		hall_mqtt_msg msg;
		if (!hall_mqtt_poll(link->mq, &msg))
			break;
		dispatch(link, &msg, now);
		hall_mqtt_msg_free(&msg);
	}
}

bool hall_link_poll(hall_link *link, int64_t now_ms, hall_link_update *out)
{
	memset(out, 0, sizeof *out);
	if (link->started) {
		service_connection(link, now_ms);
		take_messages(link, now_ms, MSGS_PER_POLL);
		service_timers(link, now_ms);
		publish_events(link, now_ms);
	}
	if (link->q_len == 0)
		return false;
	hall_link_update *u = link->queue[link->q_head];
	link->q_head = (link->q_head + 1) % QUEUE_MAX;
	link->q_len--;
	*out = *u;
	free(u);
	return true;
}

int64_t hall_link_next_due_ms(const hall_link *link)
{
	int64_t due = INT64_MAX;
	hall_spool_stats ss;
	if (link->q_len > 0)
		return 0;
	/* Offline every timer waits for the connection, and the network thread wakes the
	 * main loop when it comes: nothing is due. */
	if (!link->started || !link->online)
		return due;
	if (link->status_due < due)
		due = link->status_due;
	hall_spool_get_stats(link->spool, &ss);
	if (link->resend_due && link->next_send > ss.first && link->resend_due < due)
		due = link->resend_due;
	int64_t unsent = ss.durable - link->next_send + 1;
	int64_t room = (int64_t)link->cfg.spool.window - (link->next_send - ss.first);
	if (unsent > 0 && room > 0) {
		int64_t batch_due = link->unsent_since ? link->unsent_since + link->cfg.spool.batch_ms : 0;
		if (batch_due < due)
			due = batch_due;
	}
	if (job_due(link) < due)
		due = job_due(link);
	return due;
}

void hall_link_frame_end(hall_link *link)
{
	int64_t now = mono_now();
	if (link->appended) {
		hall_error err = {0};
		if (hall_spool_sync(link->spool, &err) != HALL_OK)
			hall_error_log("link: spool sync: %s: %s", err.path, err.msg);
		else
			link->appended = false;
	}
	if (link->started) {
		service_connection(link, now);
		service_timers(link, now);
		publish_events(link, now);
	}
}

size_t hall_link_flush(hall_link *link, int timeout_ms)
{
	hall_spool_stats ss;
	int64_t deadline = mono_now() + timeout_ms;
	link->flushing = true;
	for (;;) {
		int64_t now = mono_now();
		hall_link_frame_end(link);
		if (link->started)
			take_messages(link, now, MSGS_PER_POLL);
		hall_spool_get_stats(link->spool, &ss);
		if (ss.count == 0 || !link->started || now >= deadline)
			break;
		int64_t left = deadline - now;
		hall_mqtt_wait(link->mq, left < 50 ? (int)left : 50);
	}
	link->flushing = false;
	return (size_t)ss.count;
}

/* ---- main-thread answers ------------------------------------------------------------- */

static void gc_store(hall_link *link)
{
	const char *keep[3 + S_COUNT];
	char keys[S_COUNT][HALL_CSTORE_KEY_MAX];
	size_t n = 0;
	if (link->job.active)
		return; /* its fetched blobs are not linked into a pack yet */
	keep[n++] = link->current_key;
	keep[n++] = link->previous_key;
	for (int s = 0; s < S_COUNT; s++) {
		const slot *sl = &link->slots[K_CONTENT][s];
		if (sl->version > 0 && !sl->cleared && !sl->failed) {
			content_key(link, s, sl->version, keys[s], sizeof keys[s]);
			keep[n++] = keys[s];
		}
	}
	if (link->handed.waiting)
		keep[n++] = link->handed.key;
	hall_cstore_gc(link->store, keep, n);
}

void hall_link_content_applied(hall_link *link, int64_t version)
{
	handed_content *h = &link->handed;
	if (!h->waiting || h->version != version) {
		hall_warn("link: content version %lld applied, but version %lld was handed out", (long long)version,
		          (long long)h->version);
		return;
	}
	if (strcmp(link->current_key, h->key) != 0) {
		snprintf(link->previous_key, sizeof link->previous_key, "%s", link->current_key);
		snprintf(link->current_key, sizeof link->current_key, "%s", h->key);
	}
	link->current_version = h->version;
	link->current_scope = h->scope;
	h->waiting = false;
	if (link->content_error) {
		link->content_error = false;
		set_last_error(link, "%s", "");
	}
	save_state(link);
	if (h->ack)
		send_ack(link, K_CONTENT, h->scope, h->version, true, "");
	hall_info("link: content %s applied", h->key[0] ? h->key : "(default)");
	gc_store(link);
	/* The poll subscriptions follow the content now shown. */
	update_poll_subscriptions(link, (const char(*)[65])h->polls, h->n_polls);
	if (link->online)
		publish_status(link, mono_now());
}

void hall_link_content_failed(hall_link *link, int64_t version, const char *reason)
{
	handed_content *h = &link->handed;
	if (!h->waiting || h->version != version) {
		hall_warn("link: content version %lld failed, but version %lld was handed out", (long long)version,
		          (long long)h->version);
		return;
	}
	h->waiting = false;
	set_last_error(link, "content %s could not be shown: %s", h->key, reason ? reason : "");
	link->content_error = true;
	if (h->scope >= 0) {
		link->slots[K_CONTENT][h->scope].failed = true;
		save_state(link);
		if (h->ack)
			send_ack(link, K_CONTENT, h->scope, h->version, false, reason ? reason : "could not be shown");
	}
	reconsider_content(link, false);
}

void hall_link_content_deferred(hall_link *link, int64_t version)
{
	handed_content *h = &link->handed;
	/* The main thread calls this as soon as it holds the update back, so the latest time
	 * it applies is now + apply_wait_s (main.c applies it then even mid-session). */
	int64_t until = hall_clock_now_ms() + (int64_t)link->cfg.session.apply_wait_s * 1000;
	hall_info("link: content version %lld waits for the visitor session to end (%d s at most)", (long long)version,
	          link->cfg.session.apply_wait_s);
	if (!h->waiting || h->version != version || !h->ack || h->scope < 0 || h->deferred_sent)
		return;
	if (until < HALL_PROTO_TS_MIN || until > HALL_PROTO_TS_MAX)
		return; /* a clock far off: no time worth telling */
	h->deferred_sent = true;
	send_ack_result(link, K_CONTENT, h->scope, h->version, HALL_ACK_DEFERRED, HALL_ACK_DEFER_SESSION, until);
}

hall_err hall_link_reload(hall_link *link, hall_error *err)
{
	/* An update handed out but not applied yet keeps its pending ack. */
	handed_content before = link->handed;
	link->handed.waiting = false;
	reconsider_content(link, true);
	if (before.waiting && link->handed.waiting && strcmp(before.key, link->handed.key) == 0)
		link->handed.ack = before.ack;
	return link->handed.waiting ? HALL_OK
	                            : hall_error_set(err, HALL_ERR_INVALID, "", "no content could be loaded: %s",
	                                             link->last_error);
}

void hall_link_command_result(hall_link *link, const char *cmd_id, bool ok, const char *reason)
{
	command_seen *c = find_command(link, cmd_id);
	if (c) {
		c->state = ok ? 1 : 2;
		save_state(link);
	}
	send_command_ack(link, cmd_id, ok, ok ? "" : reason);
}

hall_err hall_link_publish_shot(hall_link *link, const char *cmd_id, const void *png, size_t len, hall_error *err)
{
	hall_shot shot;
	char *buf = NULL;
	size_t n = 0;
	hall_err rc;
	memset(&shot, 0, sizeof shot);
	if (hall_proto_copy(shot.command, sizeof shot.command, cmd_id) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "command", "bad command id");
	hall_proto_copy(shot.format, sizeof shot.format, "png");
	shot.size = len;
	shot.data = png;
	if ((rc = hall_proto_encode_shot(&shot, &buf, &n, err)) != HALL_OK) {
		char reason[REASON_BUF];
		reason_from_error(reason, sizeof reason, err);
		hall_link_command_result(link, cmd_id, false, reason);
		return rc;
	}
	rc = publish(link, "shot", buf, n, false);
	free(buf);
	if (rc != HALL_OK) {
		hall_link_command_result(link, cmd_id, false, "the screenshot could not be published");
		return hall_error_set(err, rc, "shot", "publish failed (%s)", hall_err_str(rc));
	}
	hall_link_command_result(link, cmd_id, true, "");
	return HALL_OK;
}

hall_err hall_link_help(hall_link *link, const char *exhibit, int64_t session, hall_error *err)
{
	hall_help h;
	char *buf = NULL;
	size_t len = 0;
	hall_err rc;
	memset(&h, 0, sizeof h);
	hall_proto_copy(h.kiosk, sizeof h.kiosk, link->cfg.id);
	h.ts = hall_clock_now_ms();
	if (exhibit && hall_proto_copy(h.exhibit, sizeof h.exhibit, exhibit) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "exhibit", "too long");
	h.session = session < 0 ? -1 : session;
	if ((rc = hall_proto_encode_help(&h, &buf, &len, err)) != HALL_OK)
		return rc;
	rc = publish(link, "help", buf, len, false);
	free(buf);
	if (rc != HALL_OK)
		return hall_error_set(err, rc, "help", "not sent: no broker connection");
	return HALL_OK;
}

void hall_link_set_status(hall_link *link, double fps, const char *last_error)
{
	link->fps = fps;
	if (!last_error)
		return; /* keep what is there (the link's own errors too) */
	if (strncmp(link->last_error, last_error, sizeof link->last_error - 1) != 0)
		set_last_error(link, "%s", last_error);
}

bool hall_link_is_online(const hall_link *link)
{
	return link->online;
}

void hall_link_get_stats(const hall_link *link, hall_link_stats *out)
{
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	memset(out, 0, sizeof *out);
	out->seq_max = (uint64_t)ss.seq_max;
	out->spool_first = (uint64_t)ss.first;
	out->confirmed = (uint64_t)ss.confirmed;
	out->in_flight = link->next_send > ss.first ? (size_t)(link->next_send - ss.first) : 0;
	out->dropped = link->dropped;
	out->content_version = link->current_version;
	out->schedule_version = shown_version(link, K_SCHEDULE);
	out->notice_version = shown_version(link, K_NOTICE);
	out->connects = link->connects;
}

void hall_link_tune(hall_link *link, const hall_link_tuning *t)
{
	if (t->fetch_timeout_ms > 0)
		link->tune.fetch_timeout_ms = t->fetch_timeout_ms;
	if (t->fetch_attempts > 0)
		link->tune.fetch_attempts = t->fetch_attempts;
	if (t->status_interval_ms > 0)
		link->tune.status_interval_ms = t->status_interval_ms;
	if (t->resend_ms > 0)
		link->tune.resend_ms = t->resend_ms;
	if (t->fetch_jitter_ms > 0)
		link->tune.fetch_jitter_ms = t->fetch_jitter_ms;
}

/* ---- create / start / destroy -------------------------------------------------------- */

static void boot_content(hall_link *link)
{
	hall_content *content = NULL;
	char dir[HALL_CSTORE_PATH_MAX] = "";
	hall_error err = {0};
	const char *tried[2] = {link->current_key, link->previous_key};
	const char *key = "";
	for (int i = 0; i < 2 && !content; i++) {
		if (!tried[i][0])
			continue;
		if (hall_cstore_load_pack(link->store, tried[i], &content, dir, &err) == HALL_OK)
			key = tried[i];
		else
			hall_warn("link: last good pack %s unusable: %s: %s", tried[i], err.path, err.msg);
	}
	int scope = -1;
	int64_t version = 0;
	if (content) {
		/* Keys end in ".v<version>" and start with the scope. */
		const char *v = strrchr(key, 'v');
		version = v ? strtoll(v + 1, NULL, 10) : 0;
		scope = key[0] == 'a' ? S_ALL : key[0] == 'g' ? S_GROUP : S_KIOSK;
	} else if (hall_cstore_load_dir(link->cfg.default_content, &content, &err) == HALL_OK) {
		snprintf(dir, sizeof dir, "%s", link->cfg.default_content);
		key = "";
	} else {
		char reason[REASON_BUF];
		reason_from_error(reason, sizeof reason, &err);
		hall_error_log("link: no content to show: default content %s: %s", link->cfg.default_content, reason);
		set_last_error(link, "no content: %s", reason);
		link->content_error = true;
		return;
	}
	hall_link_update *u = update_new(HALL_LINK_CONTENT);
	if (!u) {
		hall_cstore_content_destroy(content);
		return;
	}
	u->scope = public_scope(scope);
	u->version = version;
	u->content = content;
	snprintf(u->pack_dir, sizeof u->pack_dir, "%s", dir);
	link->handed.waiting = true;
	link->handed.scope = scope;
	link->handed.version = version;
	link->handed.ack = false;
	link->handed.deferred_sent = false;
	snprintf(link->handed.key, sizeof link->handed.key, "%s", key);
	snprintf(link->current_key, sizeof link->current_key, "%s", key);
	link->current_version = version;
	link->current_scope = scope;
	link->handed.n_polls = hall_cstore_content_polls(content, link->handed.polls, POLLS_MAX);
	update_poll_subscriptions(link, (const char(*)[65])link->handed.polls, link->handed.n_polls);
	queue_push(link, u);
}

static void on_wake(void *ctx)
{
	hall_link *link = ctx;
	if (link->wake)
		link->wake(link->wake_ctx);
}

hall_err hall_link_create(const hall_kiosk_config *cfg, void (*wake)(void *ctx), void *wake_ctx, hall_link **out,
                          hall_error *err)
{
	hall_link *link = NULL;
	hall_err rc = HALL_OK;
	char path[HALL_LINK_PATH_MAX];
	char will_topic[HALL_TOPIC_MAX];
	char *will = NULL;
	size_t will_len = 0;
	*out = NULL;
	if (!hall_id_is_valid(cfg->id))
		return hall_error_set(err, HALL_ERR_INVALID, "id", "\"%s\" is not a valid kiosk id", cfg->id);
	link = calloc(1, sizeof *link);
	if (!link)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	link->cfg = *cfg;
	if (!link->cfg.topic_prefix[0])
		snprintf(link->cfg.topic_prefix, sizeof link->cfg.topic_prefix, "%s", HALL_TOPIC_PREFIX_DEFAULT);
	link->prefix = link->cfg.topic_prefix;
	link->wake = wake;
	link->wake_ctx = wake_ctx;
	link->tune.fetch_timeout_ms = 10000;
	link->tune.fetch_attempts = 4;
	link->tune.fetch_jitter_ms = 1000;
	link->tune.status_interval_ms = 60000;
	link->tune.resend_ms = cfg->spool.resend_ms > 0 ? cfg->spool.resend_ms : 5000;
	if (link->cfg.spool.batch_max <= 0 || link->cfg.spool.batch_max > HALL_PROTO_BATCH_MAX)
		link->cfg.spool.batch_max = 100;
	if (link->cfg.spool.window <= 0)
		link->cfg.spool.window = 500;
	link->controller_online = -1;
	link->current_scope = -1;
	link->handed_sched_scope = link->handed_notice_scope = -2;
	link->boot_ts = hall_clock_now_ms();
	link->rng = (uint64_t)link->boot_ts ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)link;
	for (const char *c = cfg->id; *c; c++)
		link->rng = (link->rng ^ (unsigned char)*c) * UINT64_C(1099511628211);
	if (link->rng == 0)
		link->rng = 1;
	link->start_mono = mono_now();

	if ((rc = hall_fs_mkdirs(cfg->data_dir, err)) != HALL_OK)
		goto fail;
	if (hall_fs_join(path, sizeof path, cfg->data_dir, "spool") != 0 ||
	    hall_fs_join(link->state_path, sizeof link->state_path, cfg->data_dir, "link-state.json") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		goto fail;
	}
	if ((rc = hall_spool_open(path, (uint64_t)cfg->spool.max_bytes, &link->spool, err)) != HALL_OK)
		goto fail;
	if (hall_fs_join(path, sizeof path, cfg->data_dir, "content") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		goto fail;
	}
	if ((rc = hall_cstore_open(path, &link->store, err)) != HALL_OK)
		goto fail;
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	link->next_send = ss.first;

	/* The session exists from the start (subscriptions are registered now and sent on
	 * every connect); nothing touches the network before hall_link_start. */
	if (hall_topic_kiosk(will_topic, sizeof will_topic, link->prefix, cfg->id, "status") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "topic_prefix", "cannot build topics with \"%s\"", link->prefix);
		goto fail;
	}
	if ((rc = hall_proto_encode_will(cfg->id, &will, &will_len, err)) != HALL_OK)
		goto fail;
	hall_mqtt_config mc;
	memset(&mc, 0, sizeof mc);
	mc.host = cfg->broker.host;
	mc.port = cfg->broker.port;
	mc.client_id = cfg->id;
	mc.username = cfg->broker.username[0] ? cfg->broker.username : cfg->id;
	mc.password = cfg->broker.has_password ? cfg->broker.password : NULL;
	mc.keepalive_s = cfg->broker.keepalive_s;
	mc.reconnect_max_s = HALL_MQTT_RECONNECT_MAX_S; /* as the controller: back soon after an outage */
	/* Nothing is kept for us between connections: hello brings back what differs. */
	mc.clean_session = true;
	mc.will_topic = will_topic;
	mc.will_payload = will;
	mc.will_len = will_len;
	mc.will_retain = cfg->retain;
	mc.wake = on_wake;
	mc.ctx = link;
	if ((rc = hall_mqtt_create(&mc, &link->mq, err)) != HALL_OK)
		goto fail;
	if ((rc = subscribe_all(link, err)) != HALL_OK)
		goto fail;

	load_state(link);
	boot_content(link);
	reconsider_content(link, false);
	reconsider_schedule(link);
	reconsider_notice(link);
	free(will);
	*out = link;
	return HALL_OK;
fail:
	free(will);
	hall_link_destroy(link);
	return rc;
}

hall_err hall_link_start(hall_link *link, hall_error *err)
{
	hall_err rc;
	if (link->started)
		return HALL_OK;
	if ((rc = hall_mqtt_start(link->mq, err)) != HALL_OK)
		return rc;
	link->started = true;
	link->status_due = 0;
	return HALL_OK;
}

void hall_link_destroy(hall_link *link)
{
	if (!link)
		return;
	if (link->mq) {
		if (link->started) {
			hall_status st;
			hall_spool_stats ss;
			hall_error err = {0};
			char *buf = NULL;
			size_t len = 0;
			char topic[HALL_TOPIC_MAX];
			memset(&st, 0, sizeof st);
			hall_spool_get_stats(link->spool, &ss);
			hall_proto_copy(st.kiosk, sizeof st.kiosk, link->cfg.id);
			st.online = false;
			st.full = true;
			if (group_enabled(link))
				hall_proto_copy(st.group, sizeof st.group, link->cfg.group);
			st.ts = hall_clock_now_ms();
			st.uptime_s = (mono_now() - link->start_mono) / 1000;
			if (st.uptime_s < 0)
				st.uptime_s = 0;
			st.content_version = link->current_version;
			st.schedule_version = shown_version(link, K_SCHEDULE);
			st.notice_version = shown_version(link, K_NOTICE);
			st.seq_max = ss.seq_max;
			hall_proto_copy(st.last_error, sizeof st.last_error, link->last_error);
			if (hall_proto_encode_status(&st, &buf, &len, &err) == HALL_OK &&
			    hall_topic_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, "status") == 0)
				hall_mqtt_stop(link->mq, topic, buf, len, link->cfg.retain, 2000, &err);
			else
				hall_mqtt_stop(link->mq, NULL, NULL, 0, false, 0, &err);
			free(buf);
		}
		hall_mqtt_destroy(link->mq);
		link->mq = NULL;
	}
	job_clear(link);
	hall_cstore_content_destroy(link->fresh);
	for (int s = 0; s < S_COUNT; s++)
		free(link->pending[s].manifest);
	for (int k = 0; k < K_COUNT; k++)
		for (int s = 0; s < S_COUNT; s++)
			free(link->slots[k][s].body);
	while (link->q_len > 0) {
		update_free(link->queue[link->q_head]);
		link->q_head = (link->q_head + 1) % QUEUE_MAX;
		link->q_len--;
	}
	hall_cstore_close(link->store);
	hall_spool_close(link->spool);
	free(link);
}
