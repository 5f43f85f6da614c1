/* action.c: the staff actions (see action.h). */
#include "action.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/schedule.h"
#include "hall/topics.h"
#include "packs.h"

#define CONNECT_WAIT_MS 5000

const char *hall_outcome_name(hall_outcome o)
{
	switch (o) {
	case HALL_OUTCOME_OK: return "ok";
	case HALL_OUTCOME_FAILED: return "failed";
	case HALL_OUTCOME_REFUSED: return "refused";
	}
	return "failed";
}

const char *hall_answer_name(hall_answer a)
{
	static const char *const names[] = {"waiting", "applied", "stored", "deferred",
	                                    "done",    "rejected", "no_answer", "offline"};
	return (size_t)a < sizeof names / sizeof names[0] ? names[a] : "waiting";
}

void hall_action_result_free(hall_action_result *res)
{
	if (!res)
		return;
	free(res->kiosks);
	res->kiosks = NULL;
	res->n_kiosks = 0;
}

/* ---------------------------------------------------------------- the result and history */

static void res_start(hall_action_result *res, const char *action, const char *kind, const hall_scope *scope)
{
	memset(res, 0, sizeof *res);
	snprintf(res->action, sizeof res->action, "%s", action);
	snprintf(res->kind, sizeof res->kind, "%s", kind);
	if (scope)
		hall_scope_format(scope, res->scope, sizeof res->scope);
}

static void res_set(hall_action_result *res, hall_outcome o, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void res_set(hall_action_result *res, hall_outcome o, int code, const char *fmt, ...)
{
	res->outcome = o;
	res->exit_code = code;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(res->reason, sizeof res->reason, fmt, ap);
		va_end(ap);
	}
}

/* The history row of this action: added with the outcome so far (a refusal, or "ok"
 * before publishing), its outcome set again when the action ends. */
static hall_err record(hall_store *store, const hall_action_opts *opts, hall_action_result *res, const char *ref,
                       const char *detail, hall_error *err)
{
	hall_store_history h = {.ts = hall_clock_now_ms(), .version = res->version};
	if (!store)
		return HALL_OK;
	snprintf(h.user, sizeof h.user, "%s", opts->person && opts->person[0] ? opts->person : "unknown");
	snprintf(h.action, sizeof h.action, "%s", res->action);
	snprintf(h.kind, sizeof h.kind, "%s", res->kind);
	snprintf(h.target, sizeof h.target, "%s", res->scope);
	snprintf(h.ref, sizeof h.ref, "%s", ref ? ref : "");
	snprintf(h.detail, sizeof h.detail, "%s", detail ? detail : "");
	snprintf(h.outcome, sizeof h.outcome, "%s", hall_outcome_name(res->outcome));
	snprintf(h.reason, sizeof h.reason, "%.500s", res->reason);
	hall_err rc = hall_store_add_history(store, &h, err);
	if (rc == HALL_OK)
		res->history_id = h.id;
	return rc;
}

/* A refusal: recorded when there is a database, returned as the exit code. */
static int refuse(hall_store *store, const hall_action_opts *opts, hall_action_result *res, int code,
                  const char *detail)
{
	res->outcome = HALL_OUTCOME_REFUSED;
	res->exit_code = code;
	record(store, opts, res, "", detail, NULL);
	return code;
}

/* The final outcome of a recorded action. */
static int conclude(hall_store *store, hall_action_result *res)
{
	if (store && res->history_id)
		hall_store_set_history_outcome(store, res->history_id, hall_outcome_name(res->outcome), res->reason, NULL);
	return res->exit_code;
}

/* ---------------------------------------------------------------- targets */

typedef struct known_ctx {
	const hall_scope *scope;
	bool found;
	char list[400];
	size_t n;
} known_ctx;

static void list_add(known_ctx *c, const char *name)
{
	size_t used = strlen(c->list);
	if (strstr(c->list, name)) { /* a group named twice (or a prefix of another): check exactly */
		char probe[HALL_ID_BUF + 4];
		snprintf(probe, sizeof probe, ", %s,", name);
		char padded[sizeof c->list + 4];
		snprintf(padded, sizeof padded, ", %s,", c->list);
		if (strstr(padded, probe))
			return;
	}
	c->n++;
	if (used + strlen(name) + 8 < sizeof c->list)
		snprintf(c->list + used, sizeof c->list - used, "%s%s", used ? ", " : "", name);
	else if (!strstr(c->list, "..."))
		snprintf(c->list + used, sizeof c->list - used, ", ...");
}

static int known_kiosk(void *user, const hall_store_kiosk *k)
{
	known_ctx *c = user;
	if (c->scope->kind == HALL_SCOPE_KIOSK) {
		c->found = c->found || strcmp(k->id, c->scope->name) == 0;
		list_add(c, k->id);
	} else if (k->group[0]) {
		c->found = c->found || strcmp(k->group, c->scope->name) == 0;
		list_add(c, k->group);
	}
	return 0;
}

int hall_action_check_target(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                             char *why, size_t len)
{
	known_ctx c = {.scope = scope};
	if (scope->kind == HALL_SCOPE_ALL)
		return 0;
	if (store)
		hall_store_each_kiosk(store, known_kiosk, &c, NULL);
	/* The config's allow-list names the hall's kiosks before they ever connected. */
	for (size_t i = 0; scope->kind == HALL_SCOPE_KIOSK && i < cfg->n_kiosks; i++) {
		c.found = c.found || strcmp(cfg->kiosks[i], scope->name) == 0;
		list_add(&c, cfg->kiosks[i]);
	}
	if (c.found)
		return 0;
	bool kiosk = scope->kind == HALL_SCOPE_KIOSK;
	snprintf(why, len, "%s:%s: no such %s (known: %s; --allow-unknown to send it anyway)", kiosk ? "kiosk" : "group",
	         scope->name, kiosk ? "kiosk" : "group", c.n ? c.list : "none yet");
	return -1;
}

typedef struct fleet_count {
	size_t known, online;
} fleet_count;

static int count_kiosk(void *user, const hall_store_kiosk *k)
{
	fleet_count *c = user;
	c->known++;
	c->online += k->online;
	return 0;
}

void hall_action_count_fleet(hall_store *store, size_t *known, size_t *online)
{
	fleet_count c = {0, 0};
	if (store)
		hall_store_each_kiosk(store, count_kiosk, &c, NULL);
	*known = c.known;
	*online = c.online;
}

/* The common checks of every action: a person, a known target, confirmation for all.
 * 0 when it may go on, else the refusal's exit code (recorded). */
static int check_request(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                         const hall_action_opts *opts, hall_action_result *res, const char *detail)
{
	char why[512];
	if (!opts->allow_unknown && hall_action_check_target(cfg, store, scope, why, sizeof why) != 0) {
		snprintf(res->reason, sizeof res->reason, "%s", why);
		return refuse(store, opts, res, 2, detail);
	}
	if (scope->kind == HALL_SCOPE_ALL && !opts->confirmed) {
		snprintf(res->reason, sizeof res->reason, "an action on all changes every screen: not confirmed (--yes)");
		return refuse(store, opts, res, 2, detail);
	}
	return 0;
}

/* ---------------------------------------------------------------- kiosks and their answers */

typedef struct targets {
	hall_kiosk_outcome *t;
	char (*group)[HALL_ID_BUF];
	size_t n, cap;
	const hall_scope *scope;
} targets;

static int collect_target(void *user, const hall_store_kiosk *k)
{
	targets *ts = user;
	if (!hall_scope_matches(ts->scope, k->id, k->group))
		return 0;
	if (ts->n == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 16;
		hall_kiosk_outcome *t = realloc(ts->t, cap * sizeof *t);
		if (!t)
			return 1;
		ts->t = t;
		char(*g)[HALL_ID_BUF] = realloc(ts->group, cap * sizeof *g);
		if (!g)
			return 1;
		ts->group = g;
		ts->cap = cap;
	}
	hall_kiosk_outcome *t = &ts->t[ts->n];
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%s", k->id);
	snprintf(ts->group[ts->n], HALL_ID_BUF, "%s", k->group);
	t->online = k->online;
	t->answer = k->online ? HALL_ANSWER_WAITING : HALL_ANSWER_OFFLINE;
	ts->n++;
	return 0;
}

/* The most specific desired state of `kind` that addresses kiosk (id, group) more
 * specifically than `pushed` and is not cleared: the override that hides a push there.
 * 0 when none. */
static int64_t override_of(hall_store *store, const char *kind, const char *id, const char *group,
                           const hall_scope *pushed, char *scope_out, size_t len)
{
	char scopes[2][HALL_SCOPE_BUF];
	int n = 0;
	snprintf(scopes[n++], HALL_SCOPE_BUF, "kiosk:%s", id);
	if (group[0] && pushed->kind == HALL_SCOPE_ALL)
		snprintf(scopes[n++], HALL_SCOPE_BUF, "group:%s", group);
	if (pushed->kind == HALL_SCOPE_KIOSK)
		return 0;
	for (int i = 0; i < n; i++) {
		hall_store_desired d;
		if (hall_store_get_desired(store, kind, scopes[i], &d, NULL) != HALL_OK)
			continue;
		int64_t v = d.cleared ? 0 : d.version;
		hall_store_desired_free(&d);
		if (v) {
			/* a bounded copy: gcc -O2 cannot see that scopes[i] fits and fails the build */
			size_t l = strnlen(scopes[i], sizeof scopes[i]);
			if (len && l >= len)
				l = len - 1;
			if (len) {
				memcpy(scope_out, scopes[i], l);
				scope_out[l] = '\0';
			}
			return v;
		}
	}
	return 0;
}

typedef struct waiting {
	const hall_controller_config *cfg;
	hall_store *store;
	const hall_action_opts *opts;
	targets *ts;
	hall_ack_kind kind;
	const hall_scope *scope; /* what was pushed (content, schedule, notice) */
	int64_t version;
	bool cleared;
} waiting;

static bool final(hall_answer a)
{
	return a != HALL_ANSWER_WAITING && a != HALL_ANSWER_DEFERRED && a != HALL_ANSWER_OFFLINE;
}

/* Take an ack for a target still waiting or deferred; a deferred ack never replaces a
 * final answer (the database may hand back an older row than the broker did). An
 * "applied" content ack is "applied" only when the kiosk now shows this push: with
 * `showing` of another version (or, from a kiosk that does not say, an override of a
 * more specific scope in the desired state) it is "stored", hidden by that override. */
static void settle(waiting *w, size_t i, const hall_ack *a)
{
	hall_kiosk_outcome *t = &w->ts->t[i];
	if (final(t->answer) || (t->answer == HALL_ANSWER_DEFERRED && a->result == HALL_ACK_DEFERRED))
		return;
	snprintf(t->reason, sizeof t->reason, "%s", a->reason);
	t->until = a->result == HALL_ACK_DEFERRED ? a->until : 0;
	t->showing = a->showing;
	switch (a->result) {
	case HALL_ACK_DONE: t->answer = HALL_ANSWER_DONE; break;
	case HALL_ACK_DEFERRED: t->answer = HALL_ANSWER_DEFERRED; break;
	case HALL_ACK_REJECTED:
	case HALL_ACK_FAILED: t->answer = HALL_ANSWER_REJECTED; break;
	case HALL_ACK_APPLIED:
		t->answer = HALL_ANSWER_APPLIED;
		if (w->cleared || w->kind == HALL_ACK_COMMAND)
			break;
		if (a->showing.scope[0]) {
			if (a->showing.version != w->version) {
				t->answer = HALL_ANSWER_STORED;
				if (strcmp(a->showing.scope, "group") == 0)
					snprintf(t->hidden_by, sizeof t->hidden_by, "group:%s", w->ts->group[i]);
				else if (strcmp(a->showing.scope, "kiosk") == 0)
					snprintf(t->hidden_by, sizeof t->hidden_by, "kiosk:%s", t->id);
				else
					snprintf(t->hidden_by, sizeof t->hidden_by, "%s", a->showing.scope);
				t->hidden_version = a->showing.version;
			}
		} else {
			int64_t v = override_of(w->store, hall_ack_kind_name(w->kind), t->id, w->ts->group[i], w->scope,
			                        t->hidden_by, sizeof t->hidden_by);
			if (v) {
				t->answer = HALL_ANSWER_STORED;
				t->hidden_version = v;
			}
		}
		break;
	}
	if (w->opts->progress)
		w->opts->progress(w->opts->user, t);
}

/* Wait for the ack of (kind, version) or, for commands, of cmd_id, from every online
 * target: from the ack topics we subscribed to (the kiosks answer while we wait) and from
 * the database (serve records acks; one may have come before we subscribed). */
static void wait_acks(waiting *w, hall_mqtt *m, int timeout_s)
{
	targets *ts = w->ts;
	int64_t deadline = hall_clock_mono_ms() + (int64_t)timeout_s * 1000;
	int64_t next_db = 0;
	for (;;) {
		size_t open = 0;
		for (size_t i = 0; i < ts->n; i++)
			open += ts->t[i].answer == HALL_ANSWER_WAITING;
		int64_t now = hall_clock_mono_ms();
		if (!open || now >= deadline)
			break;
		int64_t left = deadline - now;
		hall_mqtt_wait(m, left < 200 ? (int)left : 200);
		hall_mqtt_msg msg;
		while (hall_mqtt_poll(m, &msg)) {
			char id[HALL_ID_BUF], leaf[16];
			hall_ack a;
			if (hall_topic_parse_kiosk(msg.topic, w->cfg->topic_prefix, id, sizeof id, leaf, sizeof leaf) == 0 &&
			    strcmp(leaf, "ack") == 0 && hall_proto_decode_ack(msg.payload, msg.len, &a, NULL) == HALL_OK &&
			    strcmp(a.kiosk, id) == 0 && a.kind == w->kind &&
			    (w->kind == HALL_ACK_COMMAND || a.version == w->version)) {
				for (size_t i = 0; i < ts->n; i++)
					if (strcmp(ts->t[i].id, id) == 0 &&
					    (w->kind != HALL_ACK_COMMAND || strcmp(a.id, ts->t[i].command_id) == 0))
						settle(w, i, &a);
			}
			hall_mqtt_msg_free(&msg);
		}
		if (hall_clock_mono_ms() >= next_db) {
			next_db = hall_clock_mono_ms() + 500;
			for (size_t i = 0; i < ts->n; i++) {
				hall_store_ack sa;
				hall_answer an = ts->t[i].answer;
				if ((an == HALL_ANSWER_WAITING || an == HALL_ANSWER_DEFERRED) &&
				    hall_store_get_ack(w->store, ts->t[i].id, hall_ack_kind_name(w->kind), w->version,
				                       ts->t[i].command_id, &sa, NULL) == HALL_OK)
					settle(w, i, &sa.ack);
			}
		}
	}
	for (size_t i = 0; i < ts->n; i++)
		if (ts->t[i].answer == HALL_ANSWER_WAITING) {
			ts->t[i].answer = HALL_ANSWER_NO_ANSWER;
			if (w->opts->progress)
				w->opts->progress(w->opts->user, &ts->t[i]);
		}
}

/* Hand the targets to the result; the outcome is failed when a kiosk rejected or an
 * online one did not answer. */
static void take_targets(hall_action_result *res, targets *ts)
{
	size_t rejected = 0, silent = 0;
	for (size_t i = 0; i < ts->n; i++) {
		rejected += ts->t[i].answer == HALL_ANSWER_REJECTED;
		silent += ts->t[i].answer == HALL_ANSWER_NO_ANSWER;
	}
	res->kiosks = ts->t;
	res->n_kiosks = ts->n;
	ts->t = NULL;
	free(ts->group);
	ts->group = NULL;
	if (rejected || silent)
		res_set(res, HALL_OUTCOME_FAILED, 1, "%zu of %zu kiosks rejected it, %zu did not answer", rejected, ts->n,
		        silent);
}

/* The end of every send (envelope or command), whichever way it went: the broker
 * connection closed (no last message to wait for), the targets and the payload freed. */
static void release_send(hall_mqtt *m, targets *ts, char *buf)
{
	if (m)
		hall_mqtt_stop(m, NULL, NULL, 0, false, 1000, NULL);
	hall_mqtt_destroy(m);
	free(ts->t);
	free(ts->group);
	free(buf);
}

/* Subscribe to every kiosk's acks (before publishing, so no answer is missed). One
 * wildcard rather than a filter per kiosk: the controller may use wildcards, and a push
 * to all of a city's kiosks stays one SUBSCRIBE. Acks of kiosks not targeted are ignored. */
static hall_err subscribe_acks(const hall_controller_config *cfg, hall_mqtt *m, hall_error *err)
{
	char filter[HALL_TOPIC_MAX];
	if (snprintf(filter, sizeof filter, "%s/kiosk/+/ack", cfg->topic_prefix) >= (int)sizeof filter)
		return hall_error_set(err, HALL_ERR_INVALID, "topic_prefix", "too long");
	return hall_mqtt_subscribe(m, filter, err);
}

/* "<id>-<what>-<pid>" ("hall-controller-push-4242" by default): never the configured id
 * itself, which is serve's, so a staff action never takes serve's session over, and
 * unique per process and action, so two never take each other's. */
static void client_id(char *out, size_t len, const hall_controller_config *cfg, const char *what)
{
	static unsigned seq; /* several actions of one process (the console): each its own id */
	unsigned n = __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED);
	if (n)
		snprintf(out, len, "%s-%s-%ld-%u", cfg->id[0] ? cfg->id : HALL_CONTROLLER_ID_DEFAULT, what, (long)getpid(), n);
	else
		snprintf(out, len, "%s-%s-%ld", cfg->id[0] ? cfg->id : HALL_CONTROLLER_ID_DEFAULT, what, (long)getpid());
}

/* Publish the envelopes of the wider scopes to one kiosk's own topic, so a kiosk whose
 * override was cleared has what it falls back to even without retained messages. */
static void resend_wider(const hall_controller_config *cfg, hall_store *store, hall_mqtt *m, const char *kind,
                         const char *kiosk)
{
	hall_store_kiosk k;
	char topic[HALL_TOPIC_MAX], scope[HALL_SCOPE_BUF];
	if (hall_store_kiosk_get(store, kiosk, &k, NULL) != HALL_OK ||
	    hall_topic_ctl_kiosk(topic, sizeof topic, cfg->topic_prefix, kiosk, kind) != 0)
		return;
	for (int i = 0; i < 2; i++) {
		hall_store_desired d;
		if (i == 0)
			snprintf(scope, sizeof scope, "all");
		else if (k.group[0])
			snprintf(scope, sizeof scope, "group:%s", k.group);
		else
			break;
		if (hall_store_get_desired(store, kind, scope, &d, NULL) != HALL_OK)
			continue;
		hall_ctl_publish(cfg, m, topic, d.payload, d.payload_len, false, NULL);
		hall_store_desired_free(&d);
	}
}

/* Record and publish one envelope, then wait for acks: the shared tail of push,
 * clear, rollback, notice and schedule. env->version is set by the caller. */
static int publish_envelope(const hall_controller_config *cfg, hall_store *store, const hall_envelope *env,
                            const char *ref, const char *detail, const hall_action_opts *opts,
                            hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], topic[HALL_TOPIC_MAX], cid[HALL_ID_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	hall_mqtt *m = NULL;
	targets ts = {.scope = &env->scope};
	const char *kind = hall_envelope_kind_name(env->kind);
	res->version = env->version;
	res_set(res, HALL_OUTCOME_FAILED, 1, NULL);
	if (hall_ctl_scope_topic(topic, sizeof topic, cfg->topic_prefix, &env->scope, kind) != 0) {
		res_set(res, HALL_OUTCOME_REFUSED, 2, "--to: not a valid target");
		return refuse(store, opts, res, 2, detail);
	}
	if (hall_proto_encode_envelope(env, &buf, &len, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_REFUSED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		return refuse(store, opts, res, 1, detail);
	}
	if (len > HALL_PROTO_JSON_MAX) {
		res_set(res, HALL_OUTCOME_REFUSED, 1, "the %s message is %zu bytes, over the %u byte limit", kind, len,
		        HALL_PROTO_JSON_MAX);
		free(buf);
		return refuse(store, opts, res, 1, detail);
	}
	if (hall_store_each_kiosk(store, collect_target, &ts, &err) != HALL_OK)
		goto db_fail;
	client_id(cid, sizeof cid, cfg, res->action);
	if (hall_ctl_connect(cfg, cid, false, true, CONNECT_WAIT_MS, &m, &err) != HALL_OK ||
	    subscribe_acks(cfg, m, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s: nothing published", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, ref, detail, NULL);
		goto done;
	}
	/* The database first: a kiosk that says hello from now on gets this version. */
	hall_store_desired d = {.version = env->version, .cleared = env->cleared, .updated = hall_clock_now_ms(),
	                        .payload = buf, .payload_len = len};
	snprintf(d.kind, sizeof d.kind, "%s", kind);
	snprintf(d.scope, sizeof d.scope, "%s", res->scope);
	snprintf(d.ref, sizeof d.ref, "%s", ref ? ref : "");
	res_set(res, HALL_OUTCOME_OK, 0, NULL);
	if (hall_store_set_desired(store, &d, &err) != HALL_OK || record(store, opts, res, ref, detail, &err) != HALL_OK)
		goto db_fail;
	if (hall_ctl_publish(cfg, m, topic, buf, len, cfg->retain, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "publish %s: %s (recorded: kiosks get it when they next connect)", topic,
		        hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (env->cleared && env->scope.kind == HALL_SCOPE_KIOSK)
		resend_wider(cfg, store, m, kind, env->scope.name);
	/* Published means the broker has it: a tool that exits right after publishing could
	 * otherwise close the connection with the message still in its socket buffer. */
	if (hall_mqtt_flush(m, 10000, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s (recorded: kiosks get it when they next connect)",
		        hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	res->published = true;
	hall_ack_kind ack_kind = env->kind == HALL_ENVELOPE_CONTENT    ? HALL_ACK_CONTENT
	                         : env->kind == HALL_ENVELOPE_SCHEDULE ? HALL_ACK_SCHEDULE
	                                                               : HALL_ACK_NOTICE;
	waiting w = {cfg, store, opts, &ts, ack_kind, &env->scope, env->version, env->cleared};
	wait_acks(&w, m, opts->timeout_s > 0 ? opts->timeout_s : 10);
	take_targets(res, &ts);
	goto done;
db_fail:
	res_set(res, HALL_OUTCOME_FAILED, 1, "database: %s", hall_error_format(&err, msg, sizeof msg));
done:
	release_send(m, &ts, buf);
	return conclude(store, res);
}

/* ---------------------------------------------------------------- the database */

/* The caller's store, or cfg's database opened here (*own set: close it after). */
static hall_store *use_store(const hall_controller_config *cfg, hall_store *store, hall_store **own,
                             hall_action_result *res)
{
	hall_error err = {0};
	char msg[600];
	*own = NULL;
	if (store)
		return store;
	if (hall_ctl_open_store(cfg, own, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "database: %s", hall_error_format(&err, msg, sizeof msg));
		return NULL;
	}
	return *own;
}

/* ---------------------------------------------------------------- content */

/* A content envelope from stored manifest bytes, stamping the version. */
static hall_err content_envelope(const char *manifest, size_t len, const hall_scope *scope, int64_t version,
                                 hall_envelope *env, hall_error *err)
{
	cJSON *root = NULL;
	hall_err rc = hall_json_parse(manifest, len, HALL_CONTENT_MANIFEST_MAX, &root, err);
	if (rc)
		return rc;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return hall_error_set(err, HALL_ERR_INVALID, "manifest.json", "expected an object");
	}
	cJSON *v = cJSON_CreateNumber((double)version);
	if (!v || (cJSON_HasObjectItem(root, "version") ? !cJSON_ReplaceItemInObject(root, "version", v)
	                                                : !cJSON_AddItemToObject(root, "version", v))) {
		cJSON_Delete(root);
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	memset(env, 0, sizeof *env);
	env->kind = HALL_ENVELOPE_CONTENT;
	env->scope = *scope;
	env->version = version;
	env->body = root;
	return HALL_OK;
}

typedef struct issue_count {
	const hall_action_opts *opts;
	hall_action_result *res;
} issue_count;

static void count_issue(void *user, const hall_issue *issue)
{
	issue_count *c = user;
	if (issue->severity == HALL_ISSUE_ERROR)
		c->res->errors++;
	else
		c->res->warnings++;
	if (c->opts->issue)
		c->opts->issue(c->opts->user, issue);
}

int hall_action_push_pack(const hall_controller_config *cfg, hall_store *store, const char *dir,
                          const hall_scope *scope, const hall_action_opts *opts, hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], ref[65] = "", detail[HALL_STORE_TEXT_BUF];
	hall_content *content = NULL;
	hall_store *own = NULL;
	char *manifest = NULL;
	size_t manifest_len = 0;
	hall_envelope env = {0};
	issue_count ic = {opts, res};
	int code;
	res_start(res, "push", "content", scope);
	snprintf(detail, sizeof detail, "from %.400s", dir);
	/* The pack first: every problem is worth knowing before anything is asked. */
	if (hall_content_load_dir(dir, count_issue, &ic, &content, &err) != HALL_OK) {
		if (!res->errors) /* e.g. the folder or manifest.json is missing */
			res_set(res, HALL_OUTCOME_REFUSED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		else
			res_set(res, HALL_OUTCOME_REFUSED, 1, "%s: %zu error%s in the pack: nothing published", dir, res->errors,
			        res->errors == 1 ? "" : "s");
		return refuse(store, opts, res, 1, detail);
	}
	if ((code = check_request(cfg, store, scope, opts, res, detail)) != 0)
		goto done;
	if (!(store = use_store(cfg, store, &own, res)))
		goto done;
	if (hall_packs_store_dir(cfg->data_dir, dir, content, ref, &err) != HALL_OK ||
	    hall_packs_read_object(cfg->data_dir, ref, HALL_CONTENT_MANIFEST_MAX, &manifest, &manifest_len, &err) !=
	        HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "pack store: %s", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, "", detail, NULL);
		goto done;
	}
	int64_t version = 0;
	if (hall_store_next_version(store, &version, &err) != HALL_OK ||
	    content_envelope(manifest, manifest_len, scope, version, &env, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, ref, detail, NULL);
		goto done;
	}
	snprintf(detail, sizeof detail, "%s \"%s\" from %.300s", content->id ? content->id : "",
	         hall_text_get(&content->title, cfg->report_lang), dir);
	publish_envelope(cfg, store, &env, ref, detail, opts, res);
done:
	hall_envelope_free(&env);
	hall_store_close(own);
	hall_content_destroy(content);
	free(manifest);
	return res->exit_code;
}

/* A cleared envelope of kind for scope (content, schedule, notice). */
static int clear_kind(const hall_controller_config *cfg, hall_store *store, hall_envelope_kind kind,
                      const char *action, const char *detail, const hall_scope *scope, const hall_action_opts *opts,
                      hall_action_result *res)
{
	hall_error err = {0};
	char msg[600];
	hall_store *own = NULL;
	int code;
	res_start(res, action, hall_envelope_kind_name(kind), scope);
	if ((code = check_request(cfg, store, scope, opts, res, detail)) != 0)
		return code;
	if (!(store = use_store(cfg, store, &own, res)))
		return res->exit_code;
	hall_envelope env = {.kind = kind, .scope = *scope, .cleared = true};
	if (hall_store_next_version(store, &env.version, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "database: %s", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, "", detail, NULL);
	} else
		publish_envelope(cfg, store, &env, "", detail, opts, res);
	hall_store_close(own);
	return res->exit_code;
}

int hall_action_clear_content(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                              const hall_action_opts *opts, hall_action_result *res)
{
	return clear_kind(cfg, store, HALL_ENVELOPE_CONTENT, "clear", "override removed", scope, opts, res);
}

typedef struct rollback_find {
	const char *current;
	bool passed_current;
	char ref[65];
	int64_t found_version;
} rollback_find;

/* History newest first: skip to the push that introduced the current pack, then take
 * the first older push of a different pack. Rollbacks are passed over, so rolling back
 * twice goes two packs back rather than toggling. Refused and failed pushes never
 * published anything: passed over too. */
static int find_previous(void *user, const hall_store_history *h)
{
	rollback_find *f = user;
	if (strcmp(h->action, "push") != 0 || !h->ref[0] || strcmp(h->outcome, "refused") == 0)
		return 0;
	if (!f->passed_current) {
		if (strcmp(h->ref, f->current) == 0)
			f->passed_current = true;
		return 0;
	}
	if (strcmp(h->ref, f->current) == 0)
		return 0;
	snprintf(f->ref, sizeof f->ref, "%s", h->ref);
	f->found_version = h->version;
	return 1;
}

int hall_action_rollback(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                         const hall_action_opts *opts, hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], detail[HALL_STORE_TEXT_BUF] = "";
	hall_store *own = NULL;
	hall_store_desired cur = {0};
	char *manifest = NULL;
	size_t manifest_len = 0;
	hall_envelope env = {0};
	int code;
	res_start(res, "rollback", "content", scope);
	if ((code = check_request(cfg, store, scope, opts, res, "")) != 0)
		return code;
	if (!(store = use_store(cfg, store, &own, res)))
		return res->exit_code;
	rollback_find f = {0};
	if (hall_store_get_desired(store, "content", res->scope, &cur, &err) != HALL_OK || cur.cleared || !cur.ref[0]) {
		res_set(res, HALL_OUTCOME_REFUSED, 1, "--to: no pack is pushed to %s now", res->scope);
		refuse(store, opts, res, 1, "");
		goto done;
	}
	f.current = cur.ref;
	if (hall_store_each_history(store, res->scope, "content", 0, find_previous, &f, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "database: %s", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (!f.ref[0]) {
		res_set(res, HALL_OUTCOME_REFUSED, 1, "--to: %s has no earlier pack to go back to", res->scope);
		refuse(store, opts, res, 1, "");
		goto done;
	}
	snprintf(detail, sizeof detail, "back to the pack of version %" PRId64, f.found_version);
	int64_t version = 0;
	if (hall_packs_read_object(cfg->data_dir, f.ref, HALL_CONTENT_MANIFEST_MAX, &manifest, &manifest_len, &err) !=
	        HALL_OK ||
	    hall_store_next_version(store, &version, &err) != HALL_OK ||
	    content_envelope(manifest, manifest_len, scope, version, &env, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, f.ref, detail, NULL);
		goto done;
	}
	publish_envelope(cfg, store, &env, f.ref, detail, opts, res);
done:
	hall_envelope_free(&env);
	hall_store_desired_free(&cur);
	hall_store_close(own);
	free(manifest);
	return res->exit_code;
}

/* ---------------------------------------------------------------- notice, schedule */

int hall_action_notice(const hall_controller_config *cfg, hall_store *store, const hall_notice *n,
                       const hall_scope *scope, const hall_action_opts *opts, hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], detail[HALL_STORE_TEXT_BUF] = "cleared";
	hall_store *own = NULL;
	int code;
	if (!n)
		return clear_kind(cfg, store, HALL_ENVELOPE_NOTICE, "notice-clear", detail, scope, opts, res);
	res_start(res, "notice", "notice", scope);
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		if (n->text[l][0]) {
			snprintf(detail, sizeof detail, "%s: %.400s", n->level == HALL_NOTICE_URGENT ? "urgent" : "info",
			         n->text[l]);
			break;
		}
	if ((code = check_request(cfg, store, scope, opts, res, detail)) != 0)
		return code;
	if (hall_proto_check_notice(n, "notice", &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_REFUSED, 2, "%s", hall_error_format(&err, msg, sizeof msg));
		return refuse(store, opts, res, 2, detail);
	}
	if (!(store = use_store(cfg, store, &own, res)))
		return res->exit_code;
	hall_envelope env = {.kind = HALL_ENVELOPE_NOTICE, .scope = *scope};
	if (hall_store_next_version(store, &env.version, &err) != HALL_OK ||
	    !(env.body = hall_proto_notice_to_json(n))) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s", env.version ? "out of memory" : hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, "", detail, NULL);
	} else
		publish_envelope(cfg, store, &env, "", detail, opts, res);
	hall_envelope_free(&env);
	hall_store_close(own);
	return res->exit_code;
}

/* The content the scope would show: its own pack, else the widest ("all"). NULL when
 * none is pushed or it cannot be read. */
static hall_content *scope_content(hall_store *store, const char *scope)
{
	hall_store_desired d = {0};
	hall_envelope env = {0};
	hall_content *content = NULL;
	char *body = NULL;
	size_t len = 0;
	if (hall_store_get_desired(store, "content", scope, &d, NULL) != HALL_OK || d.cleared) {
		hall_store_desired_free(&d);
		memset(&d, 0, sizeof d);
		if (strcmp(scope, "all") == 0 || hall_store_get_desired(store, "content", "all", &d, NULL) != HALL_OK)
			return NULL;
	}
	if (!d.cleared && hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, d.payload, d.payload_len, &env, NULL) == HALL_OK &&
	    env.body && (body = hall_json_print(env.body, &len)) != NULL)
		hall_content_parse(body, len, NULL, NULL, &content, NULL);
	free(body);
	hall_envelope_free(&env);
	hall_store_desired_free(&d);
	return content;
}

int hall_action_schedule_push(const hall_controller_config *cfg, hall_store *store, const char *buf, size_t len,
                              const char *name, const hall_scope *scope, const hall_action_opts *opts,
                              hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], detail[HALL_STORE_TEXT_BUF];
	hall_schedule *sch = NULL;
	hall_store *own = NULL;
	hall_content *content = NULL;
	hall_envelope env = {.kind = HALL_ENVELOPE_SCHEDULE, .scope = *scope};
	issue_count ic = {opts, res};
	int code;
	res_start(res, "schedule", "schedule", scope);
	snprintf(detail, sizeof detail, "%.500s", name);
	/* Every problem with its path, like validate does for a pack; before anything else. */
	if (hall_schedule_parse_report(buf, len, count_issue, &ic, &sch, &err) != HALL_OK) {
		if (!res->errors)
			res_set(res, HALL_OUTCOME_REFUSED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		else
			res_set(res, HALL_OUTCOME_REFUSED, 1, "%s: refused (%zu error%s): nothing published", name, res->errors,
			        res->errors == 1 ? "" : "s");
		return refuse(store, opts, res, 1, detail);
	}
	if ((code = check_request(cfg, store, scope, opts, res, detail)) != 0)
		goto done;
	if (!(store = use_store(cfg, store, &own, res)))
		goto done;
	content = scope_content(store, res->scope);
	if (content && hall_schedule_check_content(sch, content, count_issue, &ic, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_REFUSED, 1,
		        "the schedule names exhibits the content pushed to %s lacks: nothing published", res->scope);
		refuse(store, opts, res, 1, detail);
		goto done;
	}
	if (hall_json_parse(buf, len, HALL_SCHEDULE_JSON_MAX, &env.body, &err) != HALL_OK ||
	    hall_store_next_version(store, &env.version, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, "", detail, NULL);
		goto done;
	}
	publish_envelope(cfg, store, &env, "", detail, opts, res);
done:
	hall_envelope_free(&env);
	hall_content_destroy(content);
	hall_schedule_destroy(sch);
	hall_store_close(own);
	return res->exit_code;
}

int hall_action_schedule_clear(const hall_controller_config *cfg, hall_store *store, const hall_scope *scope,
                               const hall_action_opts *opts, hall_action_result *res)
{
	return clear_kind(cfg, store, HALL_ENVELOPE_SCHEDULE, "schedule-clear", "schedule removed", scope, opts, res);
}

/* ---------------------------------------------------------------- commands */

/* Where serve saved the image of a screenshot the kiosk answered "done": serve records it
 * with its command when the image comes; the kiosk sends the image before its "done",
 * but this process may hear the "done" before serve has written the file, so it waits
 * for the record (at most 5 s). */
static void shot_path(hall_store *store, const char *cmd_id, hall_kiosk_outcome *t)
{
	char value[sizeof t->shot_path];
	for (int i = 0; i < 100; i++) {
		if (hall_store_shot_path(store, cmd_id, value, sizeof value, NULL) == HALL_OK && value[0]) {
			snprintf(t->shot_path, sizeof t->shot_path, "%s", value);
			return;
		}
		usleep(50 * 1000);
	}
}

int hall_action_command(const hall_controller_config *cfg, hall_store *store, hall_command_cmd cmd,
                        const char *exhibit, int64_t ttl_s, const hall_scope *scope, const hall_action_opts *opts,
                        hall_action_result *res)
{
	hall_error err = {0};
	char msg[600], topic[HALL_TOPIC_MAX], cid[HALL_ID_MAX + 64], detail[HALL_STORE_TEXT_BUF];
	char *buf = NULL;
	size_t len = 0;
	hall_mqtt *m = NULL;
	hall_store *own = NULL;
	targets ts = {.scope = scope};
	hall_store_command c;
	int code;
	memset(&c, 0, sizeof c);
	res_start(res, "command", "command", scope);
	snprintf(detail, sizeof detail, "%s%s%.64s (ttl %" PRId64 " s)", hall_command_cmd_name(cmd),
	         exhibit && exhibit[0] ? " " : "", exhibit ? exhibit : "", ttl_s);
	if ((code = check_request(cfg, store, scope, opts, res, detail)) != 0)
		return code;
	if (cmd == HALL_CMD_SHOW && (!exhibit || !exhibit[0] || strlen(exhibit) > HALL_PROTO_STR_MAX)) {
		res_set(res, HALL_OUTCOME_REFUSED, 2, "show: EXHIBIT: missing (the exhibit id to show)");
		return refuse(store, opts, res, 2, detail);
	}
	if (!(store = use_store(cfg, store, &own, res)))
		return res->exit_code;
	int64_t n = 0;
	if (hall_store_next_version(store, &n, &err) != HALL_OK)
		goto db_fail;
	c.cmd.cmd = cmd;
	snprintf(c.cmd.exhibit, sizeof c.cmd.exhibit, "%s", cmd == HALL_CMD_SHOW ? exhibit : "");
	snprintf(c.cmd.id, sizeof c.cmd.id, "c-%" PRId64, n);
	snprintf(res->command_id, sizeof res->command_id, "%s", c.cmd.id);
	c.cmd.ts = hall_clock_now_ms();
	c.cmd.ttl_s = ttl_s;
	if (hall_proto_encode_command(&c.cmd, &buf, &len, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_REFUSED, 2, "command: %s", hall_error_format(&err, msg, sizeof msg));
		refuse(store, opts, res, 2, detail);
		goto done;
	}
	if (hall_store_each_kiosk(store, collect_target, &ts, &err) != HALL_OK)
		goto db_fail;
	client_id(cid, sizeof cid, cfg, "command");
	if (hall_ctl_connect(cfg, cid, false, true, CONNECT_WAIT_MS, &m, &err) != HALL_OK ||
	    subscribe_acks(cfg, m, &err) != HALL_OK) {
		res_set(res, HALL_OUTCOME_FAILED, 1, "%s: nothing sent", hall_error_format(&err, msg, sizeof msg));
		record(store, opts, res, c.cmd.id, detail, NULL);
		goto done;
	}
	/* A command per kiosk of the target (ids are unique: "c-N", or "c-N-<i>" for
	 * several): each keeps it until it answers or the ttl runs out; a kiosk: target never
	 * seen yet gets it on its first hello. */
	if (scope->kind == HALL_SCOPE_KIOSK && ts.n == 0) {
		snprintf(c.kiosk, sizeof c.kiosk, "%s", scope->name);
		if (hall_store_add_command(store, &c, &err) != HALL_OK)
			goto db_fail;
	}
	for (size_t i = 0; i < ts.n; i++) {
		hall_store_command one = c;
		if (ts.n > 1)
			snprintf(one.cmd.id, sizeof one.cmd.id, "c-%" PRId64 "-%zu", n, i + 1);
		snprintf(one.kiosk, sizeof one.kiosk, "%s", ts.t[i].id);
		snprintf(ts.t[i].command_id, sizeof ts.t[i].command_id, "%s", one.cmd.id);
		if (hall_store_add_command(store, &one, &err) != HALL_OK)
			goto db_fail;
	}
	res_set(res, HALL_OUTCOME_OK, 0, NULL);
	if (record(store, opts, res, c.cmd.id, detail, &err) != HALL_OK)
		goto db_fail;
	res->published = true;
	for (size_t i = 0; i < ts.n; i++) {
		hall_command one = c.cmd;
		free(buf);
		buf = NULL;
		if (!ts.t[i].online)
			continue;
		snprintf(one.id, sizeof one.id, "%s", ts.t[i].command_id);
		if (hall_topic_ctl_kiosk(topic, sizeof topic, cfg->topic_prefix, ts.t[i].id, "command") != 0 ||
		    hall_proto_encode_command(&one, &buf, &len, NULL) != HALL_OK ||
		    hall_ctl_publish(cfg, m, topic, buf, len, false, NULL) != HALL_OK) {
			ts.t[i].online = false; /* queued anyway: sent again on its hello */
			ts.t[i].answer = HALL_ANSWER_OFFLINE;
		}
	}
	waiting w = {cfg, store, opts, &ts, HALL_ACK_COMMAND, scope, -1, false};
	wait_acks(&w, m, opts->timeout_s > 0 ? opts->timeout_s : 10);
	if (cmd == HALL_CMD_SCREENSHOT)
		for (size_t i = 0; i < ts.n; i++)
			if (ts.t[i].answer == HALL_ANSWER_DONE)
				shot_path(store, ts.t[i].command_id, &ts.t[i]);
	take_targets(res, &ts);
	goto done;
db_fail:
	res_set(res, HALL_OUTCOME_FAILED, 1, "database: %s", hall_error_format(&err, msg, sizeof msg));
done:
	release_send(m, &ts, buf);
	conclude(store, res);
	hall_store_close(own);
	return res->exit_code;
}
