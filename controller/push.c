/* push.c: push, rollback and the publish-and-wait step (see push.h). */
#include "push.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/content.h"
#include "hall/json.h"
#include "hall/log.h"
#include "hall/topics.h"
#include "packs.h"

#define CONNECT_WAIT_MS 5000

int hall_push_parse_seconds(const char *s, int max)
{
	char *end = NULL;
	if (!s || !*s)
		return -1;
	long v = strtol(s, &end, 10);
	if (*end || v < 1 || v > max)
		return -1;
	return (int)v;
}

/* ---------------------------------------------------------------- waiting for acks */

/* T_DEFERRED: the kiosk has the pack and holds it back (a visitor session runs); not a
 * failure, and no longer waited for, but an "applied"/"rejected" that comes while push
 * still waits for other kiosks replaces it. */
typedef enum { T_WAITING, T_OK, T_REFUSED, T_DEFERRED } target_state;

typedef struct target {
	char id[HALL_ID_BUF];
	bool online;
	target_state state;
	char result[16];
	char reason[HALL_PROTO_REASON_MAX + 1];
	int64_t until;           /* deferred: UTC ms by which it applies at the latest; 0 = not said */
} target;

typedef struct targets {
	target *t;
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
		target *t = realloc(ts->t, cap * sizeof *t);
		if (!t)
			return 1;
		ts->t = t;
		ts->cap = cap;
	}
	target *t = &ts->t[ts->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->id, sizeof t->id, "%s", k->id);
	t->online = k->online;
	return 0;
}

/* Take an ack for a target still waiting or deferred; a deferred ack never replaces a
 * final answer (the database may hand back an older row than the broker did). */
static void settle(target *t, const hall_ack *a)
{
	if (t->state == T_OK || t->state == T_REFUSED || (t->state == T_DEFERRED && a->result == HALL_ACK_DEFERRED))
		return;
	snprintf(t->result, sizeof t->result, "%s", hall_ack_result_name(a->result));
	snprintf(t->reason, sizeof t->reason, "%s", a->reason);
	t->until = a->result == HALL_ACK_DEFERRED ? a->until : 0;
	t->state = (a->result == HALL_ACK_APPLIED || a->result == HALL_ACK_DONE) ? T_OK
	           : a->result == HALL_ACK_DEFERRED                              ? T_DEFERRED
	                                                                          : T_REFUSED;
}

/* Wait for the ack of (kind, version) or, for commands, of cmd_id, from every online
 * target: from the ack topics we subscribed to (the kiosks answer while we wait) and from
 * the database (serve records acks; one may have come before we subscribed). */
static void wait_acks(const hall_controller_config *cfg, hall_store *store, hall_mqtt *m, targets *ts,
                      hall_ack_kind kind, int64_t version, const char *cmd_id, int timeout_s)
{
	int64_t deadline = hall_clock_mono_ms() + (int64_t)timeout_s * 1000;
	int64_t next_db = 0;
	for (;;) {
		size_t waiting = 0;
		for (size_t i = 0; i < ts->n; i++)
			waiting += ts->t[i].online && ts->t[i].state == T_WAITING;
		int64_t now = hall_clock_mono_ms();
		if (!waiting || now >= deadline)
			break;
		int64_t left = deadline - now;
		hall_mqtt_wait(m, left < 200 ? (int)left : 200);
		hall_mqtt_msg msg;
		while (hall_mqtt_poll(m, &msg)) {
			char id[HALL_ID_BUF], leaf[16];
			hall_ack a;
			if (hall_topic_parse_kiosk(msg.topic, cfg->topic_prefix, id, sizeof id, leaf, sizeof leaf) == 0 &&
			    strcmp(leaf, "ack") == 0 && hall_proto_decode_ack(msg.payload, msg.len, &a, NULL) == HALL_OK &&
			    strcmp(a.kiosk, id) == 0 && a.kind == kind &&
			    (kind == HALL_ACK_COMMAND ? strcmp(a.id, cmd_id) == 0 : a.version == version)) {
				for (size_t i = 0; i < ts->n; i++)
					if (strcmp(ts->t[i].id, id) == 0)
						settle(&ts->t[i], &a);
			}
			hall_mqtt_msg_free(&msg);
		}
		if (hall_clock_mono_ms() >= next_db) {
			next_db = hall_clock_mono_ms() + 500;
			for (size_t i = 0; i < ts->n; i++) {
				hall_store_ack sa;
				if (ts->t[i].online && (ts->t[i].state == T_WAITING || ts->t[i].state == T_DEFERRED) &&
				    hall_store_get_ack(store, ts->t[i].id, hall_ack_kind_name(kind), version, cmd_id, &sa, NULL) ==
				        HALL_OK)
					settle(&ts->t[i], &sa.ack);
			}
		}
	}
}

/* "deferred until the visitor's session ends (applies by HH:MM:SS at the latest)"; the
 * time in the hall's zone, with the date when it is not today's there. */
static void print_deferred(const hall_controller_config *cfg, const target *t)
{
	char when[64] = "";
	hall_civil c, today;
	if (t->until > 0 && hall_clock_to_civil(t->until, cfg->time_zone, &c) == 0) {
		if (hall_clock_to_civil(hall_clock_now_ms(), cfg->time_zone, &today) == 0 && today.year == c.year &&
		    today.month == c.month && today.day == c.day)
			snprintf(when, sizeof when, " (applies by %02d:%02d:%02d at the latest)", c.hour, c.minute, c.second);
		else
			snprintf(when, sizeof when, " (applies by %04d-%02d-%02d %02d:%02d:%02d at the latest)", c.year, c.month,
			         c.day, c.hour, c.minute, c.second);
	}
	if (strcmp(t->reason, HALL_ACK_DEFER_SESSION) == 0)
		printf("  %-24s deferred until the visitor's session ends%s\n", t->id, when);
	else
		printf("  %-24s deferred: %s%s\n", t->id, t->reason[0] ? t->reason : "(no reason given)", when);
}

/* One line per kiosk; returns 1 when an online kiosk refused or did not answer. A kiosk
 * that deferred the update has it and applies it later: not a failure. */
static int print_outcome(const hall_controller_config *cfg, const targets *ts, int timeout_s)
{
	int bad = 0;
	for (size_t i = 0; i < ts->n; i++) {
		const target *t = &ts->t[i];
		if (!t->online)
			printf("  %-24s offline: pending, gets it on its next connect\n", t->id);
		else if (t->state == T_DEFERRED)
			print_deferred(cfg, t);
		else if (t->state == T_OK)
			printf("  %-24s %s\n", t->id, t->result);
		else if (t->state == T_REFUSED) {
			printf("  %-24s %s: %s\n", t->id, t->result, t->reason[0] ? t->reason : "(no reason given)");
			bad = 1;
		} else {
			printf("  %-24s no answer within %d s\n", t->id, timeout_s);
			bad = 1;
		}
	}
	return bad;
}

/* Subscribe to every kiosk's acks (before publishing, so no answer is missed). One
 * wildcard rather than a filter per kiosk: the controller may use wildcards, and a push
 * to all of a city's kiosks stays one SUBSCRIBE. Acks of kiosks not targeted are ignored. */
static hall_err subscribe_acks(const hall_controller_config *cfg, hall_mqtt *m, const targets *ts, hall_error *err)
{
	char filter[HALL_TOPIC_MAX];
	(void)ts;
	if (snprintf(filter, sizeof filter, "%s/kiosk/+/ack", cfg->topic_prefix) >= (int)sizeof filter)
		return hall_error_set(err, HALL_ERR_INVALID, "topic_prefix", "too long");
	return hall_mqtt_subscribe(m, filter, err);
}

/* "<id>-<what>-<pid>" ("hall-controller-push-4242" by default): never the configured id
 * itself, which is serve's, so a staff command never takes serve's session over, and
 * unique per process, so two staff commands never take each other's. */
static void client_id(char *out, size_t len, const hall_controller_config *cfg, const char *what)
{
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
		hall_mqtt_publish(m, topic, d.payload, d.payload_len, false, NULL, NULL);
		hall_store_desired_free(&d);
	}
}

int hall_push_envelope(const hall_controller_config *cfg, hall_store *store, const hall_envelope *env,
                       const char *action, const char *ref, const char *detail, int timeout_s)
{
	hall_error err = {0};
	char msg[600], scope[HALL_SCOPE_BUF], topic[HALL_TOPIC_MAX], cid[HALL_ID_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	hall_mqtt *m = NULL;
	targets ts = {.scope = &env->scope};
	int code = 1;
	const char *kind = hall_envelope_kind_name(env->kind);
	if (hall_scope_format(&env->scope, scope, sizeof scope) != 0 ||
	    hall_ctl_scope_topic(topic, sizeof topic, cfg->topic_prefix, &env->scope, kind) != 0) {
		fprintf(stderr, "hall-controller: --to: not a valid target\n");
		return 2;
	}
	if (hall_proto_encode_envelope(env, &buf, &len, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (len > HALL_PROTO_JSON_MAX) {
		fprintf(stderr, "hall-controller: the %s message is %zu bytes, over the %u byte limit\n", kind, len,
		        HALL_PROTO_JSON_MAX);
		goto done;
	}
	if (hall_store_each_kiosk(store, collect_target, &ts, &err) != HALL_OK)
		goto db_fail;
	client_id(cid, sizeof cid, cfg, action);
	if (hall_ctl_connect(cfg, cid, false, true, CONNECT_WAIT_MS, &m, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: %s: nothing pushed\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (subscribe_acks(cfg, m, &ts, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	/* The database first: a kiosk that says hello from now on gets this version. */
	hall_store_desired d = {.version = env->version, .cleared = env->cleared, .updated = hall_clock_now_ms(),
	                        .payload = buf, .payload_len = len};
	snprintf(d.kind, sizeof d.kind, "%s", kind);
	snprintf(d.scope, sizeof d.scope, "%s", scope);
	snprintf(d.ref, sizeof d.ref, "%s", ref ? ref : "");
	hall_store_history h = {.ts = d.updated, .version = env->version};
	hall_ctl_user(h.user, sizeof h.user);
	snprintf(h.action, sizeof h.action, "%s", action);
	snprintf(h.kind, sizeof h.kind, "%s", kind);
	snprintf(h.target, sizeof h.target, "%s", scope);
	snprintf(h.ref, sizeof h.ref, "%s", ref ? ref : "");
	snprintf(h.detail, sizeof h.detail, "%s", detail ? detail : "");
	if (hall_store_set_desired(store, &d, &err) != HALL_OK || hall_store_add_history(store, &h, &err) != HALL_OK)
		goto db_fail;
	if (hall_mqtt_publish(m, topic, buf, len, cfg->retain, NULL, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: publish %s: %s (recorded: kiosks get it when they next connect)\n", topic,
		        hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (env->cleared && env->scope.kind == HALL_SCOPE_KIOSK)
		resend_wider(cfg, store, m, kind, env->scope.name);
	/* "pushed" means the broker has it: a tool that exits right after publishing could
	 * otherwise close the connection with the message still in its socket buffer. */
	if (hall_mqtt_flush(m, 10000, &err) != HALL_OK)
		fprintf(stderr, "hall-controller: %s (recorded: kiosks get it when they next connect)\n",
		        hall_error_format(&err, msg, sizeof msg));
	const char *verb = strcmp(action, "rollback") == 0 ? "rolled back: published"
	                   : env->cleared                    ? "cleared"
	                   : strcmp(action, "notice") == 0   ? "raised"
	                                                     : "pushed";
	printf("%s %s version %" PRId64 " to %s\n", verb, kind, env->version, scope);
	if (ts.n == 0) {
		printf("  no kiosk known for %s yet: nothing to wait for\n", scope);
		code = 0;
		goto done;
	}
	hall_ack_kind ack_kind = HALL_ACK_CONTENT;
	switch (env->kind) {
	case HALL_ENVELOPE_CONTENT: ack_kind = HALL_ACK_CONTENT; break;
	case HALL_ENVELOPE_SCHEDULE: ack_kind = HALL_ACK_SCHEDULE; break;
	case HALL_ENVELOPE_NOTICE: ack_kind = HALL_ACK_NOTICE; break;
	}
	wait_acks(cfg, store, m, &ts, ack_kind, env->version, "", timeout_s);
	code = print_outcome(cfg, &ts, timeout_s);
	goto done;
db_fail:
	fprintf(stderr, "hall-controller: database: %s\n", hall_error_format(&err, msg, sizeof msg));
	code = 1;
done:
	if (m)
		hall_mqtt_stop(m, NULL, NULL, 0, false, 1000, NULL);
	hall_mqtt_destroy(m);
	free(ts.t);
	free(buf);
	return code;
}

int hall_push_command(const hall_controller_config *cfg, hall_store *store, const hall_store_command *c,
                      int timeout_s)
{
	hall_error err = {0};
	char msg[600], topic[HALL_TOPIC_MAX], cid[HALL_ID_MAX + 64];
	char *buf = NULL;
	size_t len = 0;
	hall_mqtt *m = NULL;
	hall_scope scope = {.kind = HALL_SCOPE_KIOSK};
	targets ts = {.scope = &scope};
	int code = 1;
	snprintf(scope.name, sizeof scope.name, "%s", c->kiosk);
	if (hall_topic_ctl_kiosk(topic, sizeof topic, cfg->topic_prefix, c->kiosk, "command") != 0 ||
	    hall_proto_encode_command(&c->cmd, &buf, &len, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: command: %s\n", hall_error_format(&err, msg, sizeof msg));
		return 2;
	}
	if (hall_store_each_kiosk(store, collect_target, &ts, &err) != HALL_OK)
		goto db_fail;
	client_id(cid, sizeof cid, cfg, "command");
	if (hall_ctl_connect(cfg, cid, false, true, CONNECT_WAIT_MS, &m, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: %s: nothing sent\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (subscribe_acks(cfg, m, &ts, &err) != HALL_OK)
		goto done;
	if (hall_store_add_command(store, c, &err) != HALL_OK)
		goto db_fail;
	hall_store_history h = {.ts = hall_clock_now_ms()};
	hall_ctl_user(h.user, sizeof h.user);
	snprintf(h.action, sizeof h.action, "command");
	snprintf(h.kind, sizeof h.kind, "command");
	snprintf(h.target, sizeof h.target, "kiosk:%s", c->kiosk);
	snprintf(h.ref, sizeof h.ref, "%s", c->cmd.id);
	snprintf(h.detail, sizeof h.detail, "%s%s%s (ttl %" PRId64 " s)", hall_command_cmd_name(c->cmd.cmd),
	         c->cmd.exhibit[0] ? " " : "", c->cmd.exhibit, c->cmd.ttl_s);
	if (hall_store_add_history(store, &h, &err) != HALL_OK)
		goto db_fail;
	printf("command %s (%s) to kiosk %s\n", c->cmd.id, h.detail, c->kiosk);
	if (ts.n == 0) {
		printf("  kiosk %s was never seen: queued, sent when it connects\n", c->kiosk);
		code = 0;
		goto done;
	}
	if (ts.t[0].online && hall_mqtt_publish(m, topic, buf, len, false, NULL, &err) != HALL_OK)
		ts.t[0].online = false; /* queued anyway: re-sent on its hello */
	wait_acks(cfg, store, m, &ts, HALL_ACK_COMMAND, -1, c->cmd.id, timeout_s);
	code = print_outcome(cfg, &ts, timeout_s);
	goto done;
db_fail:
	fprintf(stderr, "hall-controller: database: %s\n", hall_error_format(&err, msg, sizeof msg));
	code = 1;
done:
	if (m)
		hall_mqtt_stop(m, NULL, NULL, 0, false, 1000, NULL);
	hall_mqtt_destroy(m);
	free(ts.t);
	free(buf);
	return code;
}

/* ---------------------------------------------------------------- push and rollback */

static void print_issue(void *user, const hall_issue *issue)
{
	int *errors = user;
	const char *sev = issue->severity == HALL_ISSUE_ERROR ? "error" : "warning";
	if (issue->severity == HALL_ISSUE_ERROR)
		(*errors)++;
	fprintf(issue->severity == HALL_ISSUE_ERROR ? stderr : stdout, "%s: %s%s%s\n", sev, issue->path,
	        issue->path[0] ? ": " : "", issue->msg);
}

/* Build a content envelope from stored manifest bytes, stamping the version. */
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
	env->cleared = false;
	env->body = root;
	return HALL_OK;
}

typedef struct push_args {
	const char *dir;
	const char *to;
	bool clear;
	int timeout_s;
} push_args;

static int parse_push_args(int argc, char **argv, const char *what, bool want_dir, push_args *a, hall_scope *scope)
{
	memset(a, 0, sizeof *a);
	a->timeout_s = 10;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			a->to = argv[++i];
		else if (strncmp(argv[i], "--to=", 5) == 0)
			a->to = argv[i] + 5;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			if ((a->timeout_s = hall_push_parse_seconds(argv[++i], 3600)) < 0) {
				fprintf(stderr, "hall-controller %s: --timeout: expected seconds 1..3600\n", what);
				return 2;
			}
		} else if (strcmp(argv[i], "--clear") == 0 && want_dir)
			a->clear = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "hall-controller %s: %s: unknown option or missing value\n", what, argv[i]);
			return 2;
		} else if (want_dir && !a->dir)
			a->dir = argv[i];
		else {
			fprintf(stderr, "hall-controller %s: unexpected argument \"%s\"\n", what, argv[i]);
			return 2;
		}
	}
	if (!a->to) {
		fprintf(stderr, "hall-controller %s: --to: missing (all, group:NAME or kiosk:ID)\n", what);
		return 2;
	}
	if (hall_scope_parse(a->to, scope) != 0) {
		fprintf(stderr, "hall-controller %s: --to: \"%s\" is not all, group:NAME or kiosk:ID\n", what, a->to);
		return 2;
	}
	if (want_dir && !a->clear && !a->dir) {
		fprintf(stderr, "hall-controller %s: DIR: missing (the content pack folder)\n", what);
		return 2;
	}
	if (a->clear && a->dir) {
		fprintf(stderr, "hall-controller %s: --clear takes no DIR\n", what);
		return 2;
	}
	return 0;
}

int hall_push_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	push_args a;
	hall_scope scope;
	hall_error err = {0};
	char msg[600], ref[65] = "";
	hall_content *content = NULL;
	hall_store *store = NULL;
	char *manifest = NULL;
	size_t manifest_len = 0;
	hall_envelope env = {0};
	int code = parse_push_args(argc, argv, "push", true, &a, &scope);
	if (code)
		return code;
	code = 1;
	if (!a.clear) {
		int errors = 0;
		if (hall_content_load_dir(a.dir, print_issue, &errors, &content, &err) != HALL_OK) {
			if (!errors) /* e.g. the folder or manifest.json is missing */
				fprintf(stderr, "error: %s\n", hall_error_format(&err, msg, sizeof msg));
			fprintf(stderr, "hall-controller push: %s refused: nothing published\n", a.dir);
			goto done;
		}
		if (hall_packs_store_dir(cfg->data_dir, a.dir, content, ref, &err) != HALL_OK ||
		    hall_packs_read_object(cfg->data_dir, ref, HALL_CONTENT_MANIFEST_MAX, &manifest, &manifest_len, &err) !=
		        HALL_OK) {
			fprintf(stderr, "hall-controller push: pack store: %s\n", hall_error_format(&err, msg, sizeof msg));
			goto done;
		}
	}
	if (hall_ctl_open_store(cfg, &store, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller push: database: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	int64_t version = 0;
	if (hall_store_next_version(store, &version, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller push: database: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (a.clear) {
		env.kind = HALL_ENVELOPE_CONTENT;
		env.scope = scope;
		env.version = version;
		env.cleared = true;
		code = hall_push_envelope(cfg, store, &env, "clear", "", "override removed", a.timeout_s);
	} else {
		if (content_envelope(manifest, manifest_len, &scope, version, &env, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller push: %s\n", hall_error_format(&err, msg, sizeof msg));
			goto done;
		}
		const char *title = hall_text_get(&content->title, cfg->report_lang);
		char detail[HALL_STORE_TEXT_BUF];
		snprintf(detail, sizeof detail, "%s \"%s\" from %s", content->id ? content->id : "", title, a.dir);
		code = hall_push_envelope(cfg, store, &env, "push", ref, detail, a.timeout_s);
	}
done:
	hall_envelope_free(&env);
	hall_store_close(store);
	hall_content_destroy(content);
	free(manifest);
	return code;
}

typedef struct rollback_find {
	const char *current;
	int64_t current_version;
	bool passed_current;
	char ref[65];
	int64_t found_version;
} rollback_find;

/* History newest first: skip to the push that introduced the current pack, then take
 * the first older push of a different pack. Rollbacks are passed over, so rolling back
 * twice goes two packs back rather than toggling. */
static int find_previous(void *user, const hall_store_history *h)
{
	rollback_find *f = user;
	if (strcmp(h->action, "push") != 0 || !h->ref[0])
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

int hall_push_rollback_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	push_args a;
	hall_scope scope;
	hall_error err = {0};
	char msg[600], scope_s[HALL_SCOPE_BUF];
	hall_store *store = NULL;
	hall_store_desired cur = {0};
	char *manifest = NULL;
	size_t manifest_len = 0;
	hall_envelope env = {0};
	int code = parse_push_args(argc, argv, "rollback", false, &a, &scope);
	if (code)
		return code;
	code = 1;
	hall_scope_format(&scope, scope_s, sizeof scope_s);
	if (hall_ctl_open_store(cfg, &store, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller rollback: database: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (hall_store_get_desired(store, "content", scope_s, &cur, &err) != HALL_OK || cur.cleared || !cur.ref[0]) {
		fprintf(stderr, "hall-controller rollback: --to: no pack is pushed to %s now\n", scope_s);
		goto done;
	}
	rollback_find f = {.current = cur.ref};
	if (hall_store_each_history(store, scope_s, "content", 0, find_previous, &f, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller rollback: database: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	if (!f.ref[0]) {
		fprintf(stderr, "hall-controller rollback: --to: %s has no earlier pack to go back to\n", scope_s);
		goto done;
	}
	if (hall_packs_read_object(cfg->data_dir, f.ref, HALL_CONTENT_MANIFEST_MAX, &manifest, &manifest_len, &err) !=
	    HALL_OK) {
		fprintf(stderr, "hall-controller rollback: pack store: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	int64_t version = 0;
	if (hall_store_next_version(store, &version, &err) != HALL_OK ||
	    content_envelope(manifest, manifest_len, &scope, version, &env, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller rollback: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	char detail[HALL_STORE_TEXT_BUF];
	snprintf(detail, sizeof detail, "back to the pack of version %" PRId64, f.found_version);
	code = hall_push_envelope(cfg, store, &env, "rollback", f.ref, detail, a.timeout_s);
done:
	hall_envelope_free(&env);
	hall_store_desired_free(&cur);
	hall_store_close(store);
	free(manifest);
	return code;
}
