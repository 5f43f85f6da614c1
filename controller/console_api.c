/* console_api.c: the JSON API under /api/v1/ (docs/console.md), which the console's own
 * pages use. Every change needs a session and its CSRF token (header X-CSRF-Token); a
 * role below the action's is refused with 403 and the refusal goes into the history. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "console_priv.h"
#include "ctl.h"
#include "hall/clock.h"
#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/lang.h"
#include "hall/log.h"
#include "push.h"
#include "report.h"
#include <sodium.h>

#define COOKIE_NAME "hall_session"

/* ---------------------------------------------------------------- helpers */

void console__history(hall_console *c, const char *user, const char *action, const char *kind, const char *target,
                      const char *detail, const char *outcome, const char *reason)
{
	hall_store *w = NULL;
	hall_error err = {0};
	char msg[600];
	hall_store_history h = {.ts = hall_clock_now_ms()};
	snprintf(h.user, sizeof h.user, "%s", user && user[0] ? user : "-");
	snprintf(h.action, sizeof h.action, "%s", action);
	snprintf(h.kind, sizeof h.kind, "%s", kind);
	snprintf(h.target, sizeof h.target, "%s", target ? target : "");
	snprintf(h.detail, sizeof h.detail, "%s", detail ? detail : "");
	snprintf(h.outcome, sizeof h.outcome, "%s", outcome ? outcome : "ok");
	snprintf(h.reason, sizeof h.reason, "%s", reason ? reason : "");
	if (hall_ctl_open_store(c->cfg, &w, &err) != HALL_OK || hall_store_add_history(w, &h, &err) != HALL_OK)
		hall_error_log("console: history: %s", hall_error_format(&err, msg, sizeof msg));
	hall_store_close(w);
}

static bool method_is(const console_req *q, const char *m)
{
	return strcmp(q->method, m) == 0;
}

/* 401 without a session; 403 (recorded) below `role`; for a change, 403 without the
 * session's CSRF token. true when the request may go on. */
static bool allow(console_req *q, console_resp *r, hall_role role, const char *what)
{
	if (!q->authed) {
		console__error_code(r, 401, "login", "auth.required", NULL, "sign in first");
		return false;
	}
	if (!method_is(q, "GET") &&
	    (!q->csrf_header || strlen(q->csrf_header) != CONSOLE_TOKEN_HEX ||
	     sodium_memcmp(q->csrf_header, q->sess.csrf, CONSOLE_TOKEN_HEX) != 0)) {
		console__history(q->c, q->sess.user, "console", "console", what, what, "refused", "missing or wrong CSRF token");
		console__error_code(r, 403, "csrf", "csrf.missing", NULL, "missing or wrong X-CSRF-Token");
		return false;
	}
	if (q->sess.role < role) {
		char d[160];
		snprintf(d, sizeof d, "%s: needs role %s, has %s", what, hall_role_name(role), hall_role_name(q->sess.role));
		console__history(q->c, q->sess.user, "console", "console", what, what, "refused", d);
		console__error_code(r, 403, "role", "role.forbidden",
		                    console__args("role", hall_role_name(q->sess.role), "action", what, "needs",
		                                  hall_role_name(role), NULL),
		                    "your role (%s) may not %s: it needs %s", hall_role_name(q->sess.role), what,
		                    hall_role_name(role));
		return false;
	}
	return true;
}

static cJSON *body_json(console_req *q, console_resp *r)
{
	cJSON *doc = NULL;
	hall_error err = {0};
	if (hall_json_parse(q->body, q->body_len, CONSOLE_BODY_MAX, &doc, &err) != HALL_OK || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		console__error(r, 400, "json", "the body must be a JSON object%s%s", err.msg[0] ? ": " : "", err.msg);
		return NULL;
	}
	return doc;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "/kiosks/ID/leaf" -> id and leaf; 0 when it has that shape. */
static int split_path(const char *path, const char *prefix, char *id, size_t id_len, char *leaf, size_t leaf_len)
{
	size_t pl = strlen(prefix);
	if (strncmp(path, prefix, pl) != 0)
		return -1;
	const char *s = path + pl;
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= id_len)
		return -1;
	memcpy(id, s, n);
	id[n] = '\0';
	snprintf(leaf, leaf_len, "%s", slash ? slash + 1 : "");
	return 0;
}

/* A target the console may act on: "all", "group:NAME" with a known group, "kiosk:ID" with a
 * known kiosk. kiosks (may be NULL) gets the ids it covers. 0 when fine, else r is set. */
typedef struct target_list {
	const hall_scope *scope;
	char (*ids)[HALL_ID_BUF];
	size_t n, cap;
} target_list;

static int collect_ids(void *user, const hall_store_kiosk *k)
{
	target_list *t = user;
	if (!hall_scope_matches(t->scope, k->id, k->group))
		return 0;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char (*ids)[HALL_ID_BUF] = realloc(t->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		t->ids = ids;
		t->cap = cap;
	}
	snprintf(t->ids[t->n++], HALL_ID_BUF, "%s", k->id);
	return 0;
}

static int check_target(console_req *q, console_resp *r, const char *to, hall_scope *scope, target_list *out)
{
	target_list t = {.scope = scope};
	if (!to || hall_scope_parse(to, scope) != 0) {
		console__error_code(r, 400, "to", "target.syntax", NULL, "to: expected all, group:NAME or kiosk:ID");
		return -1;
	}
	pthread_mutex_lock(&q->c->lock);
	hall_err rc = hall_store_each_kiosk(q->c->store, collect_ids, &t, NULL);
	pthread_mutex_unlock(&q->c->lock);
	if (rc != HALL_OK) {
		free(t.ids);
		console__error(r, 500, "db", "cannot read the fleet");
		return -1;
	}
	if (t.n == 0 && scope->kind != HALL_SCOPE_ALL) {
		free(t.ids);
		console__error_code(r, 400, "to", "target.unknown", console__args("to", to, NULL), "to: no kiosk is known for %s", to);
		return -1;
	}
	if (out)
		*out = t;
	else
		free(t.ids);
	return 0;
}

static void job_answer(console_resp *r, hall_console *c, int64_t id)
{
	if (!id) {
		console__error_code(r, 503, "busy", "busy", NULL, "too many actions are running; try again in a moment");
		return;
	}
	console__json(r, 202, console__job_json(c, id));
}

/* ---------------------------------------------------------------- session */

static void api_login(console_req *q, console_resp *r)
{
	if (!q->content_type || strncmp(q->content_type, "application/json", 16) != 0) {
		console__error_code(r, 415, "type", "login.type", NULL, "send JSON (Content-Type: application/json)");
		return;
	}
	cJSON *doc = body_json(q, r);
	if (!doc)
		return;
	const char *name = str_of(doc, "user"), *password = str_of(doc, "password");
	hall_user u;
	unsigned waited = 0;
	if (!name || !password) {
		cJSON_Delete(doc);
		console__error_code(r, 400, "fields", "login.fields", NULL, "expected {\"user\": NAME, \"password\": PASSWORD}");
		return;
	}
	hall_err rc = console__check_login(q->c, q->addr, name, password, &u, &waited);
	char detail[160];
	if (rc != HALL_OK) {
		snprintf(detail, sizeof detail, "failed login from %s (waited %u ms)", q->addr, waited);
		console__history(q->c, hall_user_name_is_valid(name) ? name : "-", "login", "account", "console", detail,
		                 "refused", "wrong name or password");
		cJSON_Delete(doc);
		console__error_code(r, 401, "login", "login.wrong", NULL, "wrong name or password");
		r->retry_after = 1;
		return;
	}
	cJSON_Delete(doc);
	console_session s;
	if (console__login(q->c, u.name, u.role, &s) != 0) {
		console__error(r, 500, "db", "cannot keep the session (the database refused it)");
		return;
	}
	snprintf(r->cookie, sizeof r->cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", COOKIE_NAME, s.token,
	         q->c->tls ? "; Secure" : "");
	snprintf(detail, sizeof detail, "signed in from %s", q->addr);
	console__history(q->c, u.name, "login", "account", "console", detail, "ok", NULL);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "csrf", s.csrf);
	cJSON_AddStringToObject(o, "user", s.user);
	cJSON_AddStringToObject(o, "role", hall_role_name(s.role));
	console__json(r, 200, o);
}

static void api_logout(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "sign out"))
		return;
	console__logout(q->c, q->sess.token);
	console__history(q->c, q->sess.user, "logout", "account", "console", "", "ok", NULL);
	snprintf(r->cookie, sizeof r->cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", COOKIE_NAME,
	         q->c->tls ? "; Secure" : "");
	console__json(r, 200, cJSON_CreateObject());
}

static void api_me(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "read"))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "user", q->sess.user);
	cJSON_AddStringToObject(o, "role", hall_role_name(q->sess.role));
	cJSON_AddStringToObject(o, "csrf", q->sess.csrf);
	cJSON_AddStringToObject(o, "time_zone", q->c->cfg->time_zone);
	cJSON_AddNumberToObject(o, "now", (double)hall_clock_now_ms());
	console__json(r, 200, o);
}

/* ---------------------------------------------------------------- fleet */

static void api_kiosks(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "see the fleet"))
		return;
	cJSON *arr = console__fleet_json(q->c, NULL);
	if (!arr) {
		console__error(r, 500, "db", "cannot read the fleet");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "kiosks", arr);
	cJSON_AddNumberToObject(o, "ts", (double)hall_clock_now_ms());
	console__json(r, 200, o);
}

static void api_clear_alert(console_req *q, console_resp *r, const char *id)
{
	if (!allow(q, r, HALL_ROLE_OPERATOR, "acknowledge alerts"))
		return;
	hall_store *w = NULL;
	hall_error err = {0};
	char msg[600], target[HALL_SCOPE_BUF + 8]; /* "kiosk:" + an id of HALL_ID_BUF */
	if (!hall_id_is_valid(id)) {
		console__error(r, 404, "kiosk", "no such kiosk");
		return;
	}
	hall_err rc = hall_ctl_open_store(q->c->cfg, &w, &err);
	if (rc == HALL_OK)
		rc = hall_store_kiosk_set_alert(w, id, false, "", &err);
	if (rc != HALL_OK) {
		hall_store_close(w);
		console__error(r, rc == HALL_ERR_NOT_FOUND ? 404 : 500, "db", "%s", hall_error_format(&err, msg, sizeof msg));
		return;
	}
	hall_store_close(w);
	snprintf(target, sizeof target, "kiosk:%s", id);
	console__history(q->c, q->sess.user, "clear-alert", "alert", target, "alert and help calls acknowledged", "ok",
	                 NULL);
	console__json(r, 200, cJSON_CreateObject());
}

typedef struct shot_find {
	hall_store *store;
	char path[HALL_CONFIG_PATH_MAX + 2 * HALL_ID_BUF + 300];
	int64_t ts;
} shot_find;

static int find_shot(void *user, const hall_store_history *h)
{
	shot_find *f = user;
	if (strcmp(h->action, "command") != 0 || strncmp(h->detail, "screenshot", 10) != 0 || !h->ref[0])
		return 0;
	if (hall_store_shot_path(f->store, h->ref, f->path, sizeof f->path, NULL) == HALL_OK && f->path[0]) {
		f->ts = h->ts;
		return 1;
	}
	f->path[0] = '\0';
	return 0;
}

/* The newest screenshot of a kiosk that staff asked for (docs/privacy.md). */
static void api_shot(console_req *q, console_resp *r, const char *id)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "see screenshots"))
		return;
	char target[HALL_SCOPE_BUF + 8];
	shot_find f = {.store = q->c->store};
	snprintf(target, sizeof target, "kiosk:%s", id);
	pthread_mutex_lock(&q->c->lock);
	hall_store_each_history(q->c->store, target, "command", 50, find_shot, &f, NULL);
	pthread_mutex_unlock(&q->c->lock);
	char *data = NULL;
	size_t len = 0;
	if (!f.path[0] || hall_fs_read_file(f.path, 32 * 1024 * 1024, &data, &len, NULL) != HALL_OK) {
		console__error(r, 404, "shot", "no screenshot of %s yet", id);
		return;
	}
	r->status = 200;
	r->type = "image/png";
	r->body = data;
	r->len = len;
}

/* ---------------------------------------------------------------- progress of a push */

typedef struct progress_ctx {
	hall_console *c;
	const hall_scope *scope;
	const char *kind;
	int64_t version;
	cJSON *arr;
	int counts[6];   /* applied, deferred, rejected, pending, offline, hidden */
} progress_ctx;

/* The more specific scope that hides a push to `scope` from kiosk k, or "" when none. */
static void hidden_by(hall_console *c, const char *kind, const hall_scope *scope, const hall_store_kiosk *k,
                      char *out, size_t len)
{
	char s[HALL_SCOPE_BUF];
	out[0] = '\0';
	for (int i = 0; i < 2; i++) {
		if (i == 0 && scope->kind == HALL_SCOPE_KIOSK)
			return;
		if (i == 1 && (scope->kind != HALL_SCOPE_ALL || !k->group[0]))
			continue;
		if (i == 0)
			snprintf(s, sizeof s, "kiosk:%s", k->id);
		else
			snprintf(s, sizeof s, "group:%s", k->group);
		hall_store_desired d;
		if (hall_store_get_desired(c->store, kind, s, &d, NULL) == HALL_OK) {
			bool active = !d.cleared;
			hall_store_desired_free(&d);
			if (active) {
				snprintf(out, len, "%s", s);
				return;
			}
		}
	}
}

static int progress_kiosk(void *user, const hall_store_kiosk *k)
{
	progress_ctx *p = user;
	if (!hall_scope_matches(p->scope, k->id, k->group))
		return 0;
	cJSON *o = cJSON_CreateObject();
	char hidden[HALL_SCOPE_BUF];
	const char *state = k->online ? "pending" : "offline";
	int slot = k->online ? 3 : 4;
	hall_store_ack a;
	cJSON_AddStringToObject(o, "id", k->id);
	cJSON_AddBoolToObject(o, "online", k->online);
	if (p->version > 0 &&
	    hall_store_get_ack(p->c->store, k->id, p->kind, p->version, "", &a, NULL) == HALL_OK) {
		state = hall_ack_result_name(a.ack.result);
		slot = a.ack.result == HALL_ACK_APPLIED ? 0 : a.ack.result == HALL_ACK_DEFERRED ? 1 : 2;
		if (a.ack.reason[0])
			cJSON_AddStringToObject(o, "reason", a.ack.reason);
		if (a.ack.until > 0)
			cJSON_AddNumberToObject(o, "until", (double)a.ack.until);
		cJSON_AddNumberToObject(o, "ts", (double)a.ts);
	}
	hidden_by(p->c, p->kind, p->scope, k, hidden, sizeof hidden);
	if (hidden[0]) {
		cJSON_AddStringToObject(o, "hidden_by", hidden);
		p->counts[5]++;
	}
	cJSON_AddStringToObject(o, "state", state);
	p->counts[slot]++;
	cJSON_AddItemToArray(p->arr, o);
	return 0;
}

/* GET /progress?kind=content&to=SCOPE[&version=N]: per kiosk of the scope, the answer to
 * the push of that version (default: the scope's desired state now), and which more
 * specific push hides it. With no version and nothing pushed yet it is the confirmation
 * a page shows before pushing: how many screens, which overrides. */
static void api_progress(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "see progress"))
		return;
	const char *kind = console__query(q, "kind"), *to = console__query(q, "to"), *ver = console__query(q, "version");
	hall_scope scope;
	char scope_s[HALL_SCOPE_BUF];
	if (!kind || (strcmp(kind, "content") && strcmp(kind, "notice") && strcmp(kind, "schedule"))) {
		console__error(r, 400, "kind", "kind: expected content, notice or schedule");
		return;
	}
	if (!to || hall_scope_parse(to, &scope) != 0 || hall_scope_format(&scope, scope_s, sizeof scope_s) != 0) {
		console__error(r, 400, "to", "to: expected all, group:NAME or kiosk:ID");
		return;
	}
	progress_ctx p = {.c = q->c, .scope = &scope, .kind = kind, .arr = cJSON_CreateArray()};
	pthread_mutex_lock(&q->c->lock);
	if (ver)
		p.version = strtoll(ver, NULL, 10);
	else {
		hall_store_desired d;
		if (hall_store_get_desired(q->c->store, kind, scope_s, &d, NULL) == HALL_OK) {
			p.version = d.version;
			hall_store_desired_free(&d);
		}
	}
	hall_store_each_kiosk(q->c->store, progress_kiosk, &p, NULL);
	pthread_mutex_unlock(&q->c->lock);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind);
	cJSON_AddStringToObject(o, "to", scope_s);
	cJSON_AddNumberToObject(o, "version", (double)p.version);
	static const char *const names[] = {"applied", "deferred", "rejected", "pending", "offline", "hidden"};
	cJSON *cnt = cJSON_AddObjectToObject(o, "counts");
	for (int i = 0; i < 6; i++)
		cJSON_AddNumberToObject(cnt, names[i], p.counts[i]);
	cJSON_AddNumberToObject(o, "screens", cJSON_GetArraySize(p.arr));
	cJSON_AddItemToObject(o, "kiosks", p.arr);
	console__json(r, 200, o);
}

/* ---------------------------------------------------------------- actions */

static console_action *new_action(console_resp *r, console_act kind, const hall_scope *scope, int timeout_s)
{
	console_action *a = calloc(1, sizeof *a);
	if (!a) {
		console__error(r, 500, "nomem", "out of memory");
		return NULL;
	}
	a->kind = kind;
	a->scope = *scope;
	a->timeout_s = timeout_s;
	return a;
}

/* Start the action as a job of the signed-in person: 202 JOB, or 503 when too many run. */
/* The action on a thread of its own, answered with its job (taken: the job frees it). NULL:
 * the action was refused, and whoever built it has answered. */
static void start_job(console_req *q, console_resp *r, const char *kind, console_action *a)
{
	if (!a)
		return;
	char scope_s[HALL_SCOPE_BUF];
	hall_scope_format(&a->scope, scope_s, sizeof scope_s);
	job_answer(r, q->c, console__job_start(q->c, q->sess.user, kind, scope_s, a));
}

/* A change's start: the role may, and the body is a JSON object (the caller frees it);
 * NULL when answered with the refusal or the error. */
static cJSON *allowed_body(console_req *q, console_resp *r, hall_role role, const char *what)
{
	return allow(q, r, role, what) ? body_json(q, r) : NULL;
}

/* console4: a schedule the code of `schedule validate` refused: its path and words as the
 * arguments of "schedule.invalid" (the page says them after its own sentence). */
static void schedule_error(console_resp *r, hall_err rc, const hall_error *err)
{
	char msg[600];
	hall_error_format(err, msg, sizeof msg);
	console__error_code(r, rc == HALL_ERR_NOT_FOUND || rc == HALL_ERR_INVALID ? 400 : 500, "schedule",
	                    "schedule.invalid", console__args("path", err->path, "detail", err->msg, NULL), "%s", msg);
}

static console_action *notice_action(console_req *q, console_resp *r, const cJSON *doc, bool clear)
{
	hall_scope scope;
	const char *to = str_of(doc, "to"), *level = str_of(doc, "level"), *until = str_of(doc, "until");
	console_action *a = NULL;
	if (check_target(q, r, to, &scope, NULL) != 0 ||
	    !(a = new_action(r, clear ? CONSOLE_ACT_NOTICE_CLEAR : CONSOLE_ACT_NOTICE, &scope, 10)))
		goto fail;
	if (!clear) {
		/* Checked here as `notice` checks its options; the rest by hall_proto_check_notice. */
		if (level && strcmp(level, "info") && strcmp(level, "urgent")) {
			console__error_code(r, 400, "level", "notice.level", NULL, "level: expected info or urgent");
			goto fail;
		}
		a->notice.level = level && strcmp(level, "urgent") == 0 ? HALL_NOTICE_URGENT : HALL_NOTICE_INFO;
		a->notice.until = -1;
		if (until && until[0] &&
		    (hall_action_parse_local_time(until, q->c->cfg->time_zone, &a->notice.until) != 0 ||
		     a->notice.until <= hall_clock_now_ms())) {
			console__error_code(r, 400, "until", "notice.until", NULL, "until: expected a time to come, YYYY-MM-DDTHH:MM (hall time)");
			goto fail;
		}
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(doc, "text");
		int n = 0;
		for (int l = 0; l < HALL_LANG_COUNT; l++) {
			const char *t = str_of(text, hall_lang_code((hall_lang)l));
			if (!t || !t[0])
				continue;
			if (strlen(t) > HALL_PROTO_NOTICE_TEXT_MAX) {
				char max[16];
				snprintf(max, sizeof max, "%u", HALL_PROTO_NOTICE_TEXT_MAX);
				console__error_code(r, 400, "text", "notice.text_long",
				                    console__args("lang", hall_lang_code((hall_lang)l), "max", max, NULL),
				                    "text.%s: longer than %u bytes", hall_lang_code((hall_lang)l),
				                    HALL_PROTO_NOTICE_TEXT_MAX);
				goto fail;
			}
			snprintf(a->notice.text[l], sizeof a->notice.text[l], "%s", t);
			n++;
		}
		if (!n) {
			console__error_code(r, 400, "text", "notice.text_empty", NULL, "text: write the notice in at least one language");
			goto fail;
		}
	}
	return a;
fail:
	console__action_free(a);
	return NULL;
}

static console_action *command_action(console_req *q, console_resp *r, const cJSON *doc)
{
	hall_scope scope;
	const char *cmd = str_of(doc, "cmd"), *exhibit = str_of(doc, "exhibit"), *to = str_of(doc, "to");
	static const hall_command_cmd cmds[] = {HALL_CMD_SCREENSHOT, HALL_CMD_RELOAD, HALL_CMD_SHOW, HALL_CMD_IDENTIFY};
	int which = -1;
	console_action *a = NULL;
	for (size_t i = 0; cmd && i < sizeof cmds / sizeof cmds[0]; i++)
		if (strcmp(cmd, hall_command_cmd_name(cmds[i])) == 0)
			which = (int)i;
	if (which < 0) {
		console__error_code(r, 400, "cmd", "command.cmd", NULL, "cmd: expected screenshot, reload, show or identify");
		goto fail;
	}
	if (cmds[which] == HALL_CMD_SHOW && (!exhibit || !exhibit[0] || strlen(exhibit) > HALL_PROTO_STR_MAX)) {
		console__error_code(r, 400, "exhibit", "command.exhibit", NULL, "exhibit: which exhibit to show");
		goto fail;
	}
	if (check_target(q, r, to, &scope, NULL) != 0 || !(a = new_action(r, CONSOLE_ACT_COMMAND, &scope, 5)))
		goto fail;
	a->cmd = cmds[which];
	a->ttl_s = 600; /* as `command`'s default --ttl */
	snprintf(a->exhibit, sizeof a->exhibit, "%s", a->cmd == HALL_CMD_SHOW ? exhibit : "");
	return a;
fail:
	console__action_free(a);
	return NULL;
}

static void api_job(console_req *q, console_resp *r, const char *id)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "see actions"))
		return;
	cJSON *o = console__job_json(q->c, strtoll(id, NULL, 10));
	if (!o)
		console__error(r, 404, "job", "no such action");
	else
		console__json(r, 200, o);
}

/* ---------------------------------------------------------------- history, report */

static int add_history(void *user, const hall_store_history *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)h->id);
	cJSON_AddNumberToObject(o, "ts", (double)h->ts);
	cJSON_AddStringToObject(o, "user", h->user);
	cJSON_AddStringToObject(o, "action", h->action);
	cJSON_AddStringToObject(o, "kind", h->kind);
	cJSON_AddStringToObject(o, "target", h->target);
	cJSON_AddNumberToObject(o, "version", (double)h->version);
	cJSON_AddStringToObject(o, "detail", h->detail);
	cJSON_AddStringToObject(o, "outcome", h->outcome[0] ? h->outcome : "ok");
	cJSON_AddStringToObject(o, "reason", h->reason);
	cJSON_AddItemToArray(user, o);
	return 0;
}

static void api_history(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "read the history"))
		return;
	const char *lim = console__query(q, "limit"), *target = console__query(q, "target");
	long limit = lim ? strtol(lim, NULL, 10) : 200;
	if (limit < 1 || limit > 5000)
		limit = 200;
	cJSON *arr = cJSON_CreateArray();
	pthread_mutex_lock(&q->c->lock);
	hall_err rc = hall_store_each_history(q->c->store, target, NULL, (size_t)limit, add_history, arr, NULL);
	pthread_mutex_unlock(&q->c->lock);
	if (rc != HALL_OK) {
		cJSON_Delete(arr);
		console__error(r, 500, "db", "cannot read the history");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "history", arr);
	console__json(r, 200, o);
}

static void today(const char *tz, char out[11])
{
	hall_civil c;
	if (hall_clock_to_civil(hall_clock_now_ms(), tz, &c) == 0)
		snprintf(out, 11, "%04d-%02d-%02d", (c.year % 10000 + 10000) % 10000, (c.month % 13 + 13) % 13, (c.day % 32 + 32) % 32);
	else
		snprintf(out, 11, "1970-01-01");
}

/* The same report as `hall-controller report` (its options built the same way). */
static void api_report(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "read reports"))
		return;
	const hall_controller_config *cfg = q->c->cfg;
	const char *from = console__query(q, "from"), *to = console__query(q, "to");
	const char *fmt_s = console__query(q, "format"), *lang_s = console__query(q, "lang");
	const char *download = console__query(q, "download");
	hall_report_format fmt = HALL_REPORT_JSON;
	hall_lang lang = cfg->report_lang;
	char day[11];
	int y, m, d;
	today(cfg->time_zone, day);
	if (fmt_s && hall_report_format_from_name(fmt_s, &fmt) != 0) {
		console__error(r, 400, "format", "format: expected text, csv, json or html");
		return;
	}
	/* report helper (issue 10): the hall's five languages, as `report --lang` */
	if (lang_s && hall_lang_from_code(lang_s, &lang) != 0) {
		console__error(r, 400, "lang", "lang: expected ko, en, ja, zh-Hans or zh-Hant");
		return;
	}
	if ((from && hall_clock_parse_date(from, &y, &m, &d) != 0) || (to && hall_clock_parse_date(to, &y, &m, &d) != 0)) {
		console__error(r, 400, "date", "from, to: expected dates YYYY-MM-DD");
		return;
	}
	/* The options as `hall-controller report` builds them (report.h), never a copy of
	 * that code here: the console and the command line cannot disagree. */
	hall_report_options opt;
	hall_report_options_from_config(&opt, cfg, from ? from : day, to ? to : (from ? from : day));
	hall_report *rep = NULL;
	hall_error err = {0};
	char *data = NULL;
	size_t len = 0;
	pthread_mutex_lock(&q->c->lock);
	hall_schedule *sch = hall_report_load_opening(q->c->store);
	opt.opening = sch;
	hall_err rc = hall_report_build(q->c->store, &opt, &rep, &err);
	pthread_mutex_unlock(&q->c->lock);
	if (rc == HALL_OK)
		rc = hall_report_render(rep, fmt, lang, &data, &len, &err);
	hall_report_destroy(rep);
	hall_schedule_destroy(sch);
	if (rc != HALL_OK) {
		console__error(r, rc == HALL_ERR_INVALID ? 400 : 500, "report", "%s%s%s", err.path, err.path[0] ? ": " : "",
		               err.msg);
		return;
	}
	static const char *const types[] = {"text/plain; charset=utf-8", "text/csv; charset=utf-8",
	                                    "application/json; charset=utf-8", "text/html; charset=utf-8"};
	static const char *const exts[] = {"txt", "csv", "json", "html"};
	r->status = 200;
	r->type = types[fmt];
	r->body = data;
	r->len = len;
	if (download)
		snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"report-%s%s%s.%s\"", opt.from_day,
		         strcmp(opt.from_day, opt.to_day) ? "_" : "", strcmp(opt.from_day, opt.to_day) ? opt.to_day : "",
		         exts[fmt]);
}

/* ---------------------------------------------------------------- accounts */

static int add_user(void *user, const hall_user *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", u->name);
	cJSON_AddStringToObject(o, "role", hall_role_name(u->role));
	cJSON_AddNumberToObject(o, "created", (double)u->created);
	cJSON_AddNumberToObject(o, "updated", (double)u->updated);
	cJSON_AddItemToArray(user, o);
	return 0;
}

static void user_error(console_resp *r, hall_err rc, const hall_error *err)
{
	char msg[600];
	unsigned status = rc == HALL_ERR_NOT_FOUND ? 404 : rc == HALL_ERR_STALE ? 409 : rc == HALL_ERR_INVALID ? 400 : 500;
	hall_error_format(err, msg, sizeof msg);
	/* 409: the name is taken; otherwise the check's own words, as the detail */
	console__error_code(r, status, "account", status == 409 ? "account.taken" : status == 404 ? "account.missing" : "account.invalid",
	                    console__args("detail", msg, NULL), "%s", msg);
}

static void api_users(console_req *q, console_resp *r, const char *name)
{
	hall_error err = {0};
	char detail[160];
	if (!allow(q, r, HALL_ROLE_ADMIN, "manage accounts"))
		return;
	if (method_is(q, "GET") && !name[0]) {
		cJSON *arr = cJSON_CreateArray();
		pthread_mutex_lock(&q->c->lock);
		hall_err rc = hall_users_each(q->c->users, add_user, arr, &err);
		pthread_mutex_unlock(&q->c->lock);
		if (rc != HALL_OK) {
			cJSON_Delete(arr);
			user_error(r, rc, &err);
			return;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "users", arr);
		console__json(r, 200, o);
		return;
	}
	if (method_is(q, "DELETE") && name[0]) {
		if (strcmp(name, q->sess.user) == 0) {
			console__error_code(r, 400, "account", "account.self_remove", NULL, "you cannot remove your own account");
			return;
		}
		pthread_mutex_lock(&q->c->lock);
		hall_err rc = hall_users_remove(q->c->users, name, &err);
		pthread_mutex_unlock(&q->c->lock);
		if (rc != HALL_OK) {
			user_error(r, rc, &err);
			return;
		}
		console__drop_user_sessions(q->c, name);
		console__history(q->c, q->sess.user, "user-remove", "account", name, "", "ok", NULL);
		console__json(r, 200, cJSON_CreateObject());
		return;
	}
	if (!method_is(q, "POST")) {
		console__error(r, 405, "method", "%s is not allowed here", q->method);
		return;
	}
	cJSON *doc = body_json(q, r);
	if (!doc)
		return;
	const char *role_s = str_of(doc, "role"), *password = str_of(doc, "password"), *new_name = str_of(doc, "name");
	hall_role role = HALL_ROLE_NONE;
	hall_err rc = HALL_OK;
	if (role_s && hall_role_from_name(role_s, &role) != 0) {
		cJSON_Delete(doc);
		console__error_code(r, 400, "role", "account.role", NULL, "role: expected viewer, operator, editor or admin");
		return;
	}
	pthread_mutex_lock(&q->c->lock);
	if (!name[0]) {
		rc = hall_users_add(q->c->users, new_name, role ? role : HALL_ROLE_VIEWER, password, &err);
		snprintf(detail, sizeof detail, "role %s", hall_role_name(role ? role : HALL_ROLE_VIEWER));
	} else {
		if (role && strcmp(name, q->sess.user) == 0 && role != HALL_ROLE_ADMIN) {
			rc = hall_error_set(&err, HALL_ERR_INVALID, "role", "you cannot lower your own role");
		}
		if (rc == HALL_OK && role)
			rc = hall_users_set_role(q->c->users, name, role, &err);
		if (rc == HALL_OK && password)
			rc = hall_users_set_password(q->c->users, name, password, &err);
		snprintf(detail, sizeof detail, "%s%s%s", role ? "role " : "", role ? hall_role_name(role) : "",
		         password ? (role ? ", password changed" : "password changed") : "");
	}
	pthread_mutex_unlock(&q->c->lock);
	cJSON_Delete(doc);
	if (rc != HALL_OK) {
		user_error(r, rc, &err);
		return;
	}
	if (name[0] && role)
		console__drop_user_sessions(q->c, name); /* a new role takes effect at the next sign-in */
	console__history(q->c, q->sess.user, name[0] ? "user-change" : "user-add", "account",
	                 name[0] ? name : new_name, detail, "ok", NULL);
	console__json(r, name[0] ? 200 : 201, cJSON_CreateObject());
}


/* ---------------------------------------------------------------- content and schedules */

/* DATA/uploads/<id> of an upload id (16 hex); 0 when valid. */
static int upload_dir(hall_console *c, const char *id, char *out, size_t len)
{
	if (!console__upload_id_ok(id))
		return -1;
	int n = snprintf(out, len, "%s/uploads/%s", c->cfg->data_dir, id);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

static void api_upload_new(console_req *q, console_resp *r)
{
	if (!allow(q, r, HALL_ROLE_EDITOR, "upload content"))
		return;
	unsigned char raw[8];
	char id[17], dir[HALL_CONFIG_PATH_MAX + 64];
	hall_error err = {0};
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(id, sizeof id, raw, sizeof raw);
	console__uploads_sweep(q->c, false); /* the folder grows only here: old uploads go first */
	if (upload_dir(q->c, id, dir, sizeof dir) != 0 || hall_fs_mkdirs(dir, &err) != HALL_OK) {
		console__error(r, 500, "upload", "cannot make the upload folder: %s", err.msg);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	console__json(r, 201, o);
}

static void api_upload_put(console_req *q, console_resp *r, const char *id, const char *file)
{
	if (!allow(q, r, HALL_ROLE_EDITOR, "upload content"))
		return;
	char dir[HALL_CONFIG_PATH_MAX + 64], path[HALL_CONFIG_PATH_MAX + 64 + 260]; /* dir, "/", a leaf of 255 */
	hall_error err = {0};
	if (upload_dir(q->c, id, dir, sizeof dir) != 0 || !hall_fs_exists(dir)) {
		console__error(r, 404, "upload", "no such upload");
		return;
	}
	if (!console__pack_path_ok(file)) {
		console__error(r, 400, "path", "%s: a file name of a-z A-Z 0-9 . _ - (folders with /)", file);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", dir, file);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	hall_err rc = hall_fs_mkdirs(path, &err);
	*slash = '/';
	if (rc == HALL_OK)
		rc = hall_fs_write_atomic(path, q->body, q->body_len, &err);
	if (rc != HALL_OK) {
		console__error(r, 500, "upload", "%s: %s", file, err.msg);
		return;
	}
	console__json(r, 200, cJSON_CreateObject());
}

typedef struct issue_list {
	cJSON *arr;
	int errors, warnings;
} issue_list;

static void collect_issue(void *user, const hall_issue *i)
{
	issue_list *l = user;
	cJSON *o = cJSON_CreateObject();
	bool e = i->severity == HALL_ISSUE_ERROR;
	cJSON_AddStringToObject(o, "severity", e ? "error" : "warning");
	cJSON_AddStringToObject(o, "path", i->path);
	cJSON_AddStringToObject(o, "message", i->msg);
	cJSON_AddItemToArray(l->arr, o);
	if (e)
		l->errors++;
	else
		l->warnings++;
}

/* DATA/uploads/<id>.<what> beside the upload's folder ("refused", "shots"). */
static int upload_side(hall_console *c, const char *id, const char *what, char *out, size_t len)
{
	char dir[HALL_CONFIG_PATH_MAX + 64];
	if (upload_dir(c, id, dir, sizeof dir) != 0)
		return -1;
	int n = snprintf(out, len, "%s.%s", dir, what);
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* An upload whose zip had problems is never pushed, even if the files that remain make
 * a valid pack: the person saw errors. */
static bool upload_refused(hall_console *c, const char *id)
{
	char mark[HALL_CONFIG_PATH_MAX + 80];
	return upload_side(c, id, "refused", mark, sizeof mark) != 0 || hall_fs_exists(mark);
}

/* Every problem of the pack in dir at once, as `validate` finds them, after those already
 * in l; the answer of check and zip. */
static void check_answer(console_resp *r, const char *dir, issue_list *l)
{
	char msg[600];
	hall_error err = {0};
	hall_content *content = NULL;
	if (hall_content_load_dir(dir, collect_issue, l, &content, &err) != HALL_OK && l->errors == 0) {
		hall_issue i = {.severity = HALL_ISSUE_ERROR};
		snprintf(i.msg, sizeof i.msg, "%s", hall_error_format(&err, msg, sizeof msg));
		collect_issue(l, &i);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "errors", l->errors);
	cJSON_AddNumberToObject(o, "warnings", l->warnings);
	if (content && content->id)
		cJSON_AddStringToObject(o, "pack", content->id);
	cJSON_AddItemToObject(o, "issues", l->arr);
	hall_content_destroy(content);
	console__json(r, 200, o);
}

/* The upload's folder when it exists, else 404. */
static bool existing_upload(console_req *q, console_resp *r, const char *id, char *dir, size_t len)
{
	if (upload_dir(q->c, id, dir, len) != 0 || !hall_fs_exists(dir)) {
		console__error(r, 404, "upload", "no such upload");
		return false;
	}
	return true;
}

/* DELETE /uploads/ID: the page discards an upload it will not push (its check found
 * errors): its files, preview and marks go now rather than at the age bound. */
static void api_upload_delete(console_req *q, console_resp *r, const char *id)
{
	char dir[HALL_CONFIG_PATH_MAX + 64];
	if (!allow(q, r, HALL_ROLE_EDITOR, "upload content") || !existing_upload(q, r, id, dir, sizeof dir))
		return;
	if (console__upload_discard(q->c, id) != 0) {
		console__error(r, 500, "upload", "cannot remove the upload");
		return;
	}
	console__json(r, 200, cJSON_CreateObject());
}

static void api_upload_check(console_req *q, console_resp *r, const char *id)
{
	char dir[HALL_CONFIG_PATH_MAX + 64];
	if (!allow(q, r, HALL_ROLE_EDITOR, "upload content") || !existing_upload(q, r, id, dir, sizeof dir))
		return;
	issue_list l = {.arr = cJSON_CreateArray()};
	check_answer(r, dir, &l);
}

/* POST /uploads/ID/zip (body: the zip): unpacked into the upload, then checked; every
 * problem of the zip and of the pack in one answer. */
static void api_upload_zip(console_req *q, console_resp *r, const char *id)
{
	char dir[HALL_CONFIG_PATH_MAX + 64], mark[HALL_CONFIG_PATH_MAX + 80];
	if (!allow(q, r, HALL_ROLE_EDITOR, "upload content") || !existing_upload(q, r, id, dir, sizeof dir))
		return;
	issue_list l = {.arr = cJSON_CreateArray()};
	if (console__unzip(q->body, q->body_len, dir, collect_issue, &l) != 0 &&
	    upload_side(q->c, id, "refused", mark, sizeof mark) == 0)
		hall_fs_write_atomic(mark, "zip\n", 4, NULL);
	check_answer(r, dir, &l);
}

/* POST /uploads/ID/preview: every exhibit in every language drawn by a headless kiosk
 * (`preview DIR --shots OUT`), as a job; GET /uploads/ID/shots lists the PNGs so far,
 * GET /uploads/ID/shots/NAME.png is one. */
static void api_upload_preview(console_req *q, console_resp *r, const char *id)
{
	char dir[HALL_CONFIG_PATH_MAX + 64];
	hall_scope all = {.kind = HALL_SCOPE_ALL};
	console_action *a;
	if (!allow(q, r, HALL_ROLE_EDITOR, "preview content") || !existing_upload(q, r, id, dir, sizeof dir) ||
	    !(a = new_action(r, CONSOLE_ACT_PREVIEW, &all, 0)))
		return;
	snprintf(a->path, sizeof a->path, "%s", dir);
	snprintf(a->upload, sizeof a->upload, "%.16s", id); /* checked: 16 hex */
	if (upload_side(q->c, id, "shots", a->out, sizeof a->out) != 0) {
		console__action_free(a);
		console__error(r, 400, "upload", "no such upload");
		return;
	}
	job_answer(r, q->c, console__job_start(q->c, q->sess.user, "preview", "", a));
}

/* console4: the built-in pack where a kiosk finds it (as titles_json in action_schedule.c
 * reads it): a notice preview draws on it. 0 with its real path in out. */
static int builtin_pack(char *out)
{
	static const char *const dirs[] = {"assets/default", "/usr/share/hall/assets/default",
	                                   "/usr/local/share/hall/assets/default"};
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
		if (realpath(dirs[i], out))
			return 0;
	return -1;
}

/* POST /notices/preview {"to","level"?,"until"?,"text"}: the notice checked as POST /notices
 * checks it, then drawn by a headless kiosk on the controller on each language's home
 * screen of the built-in pack (`preview DIR --shots OUT --notice FILE`) before anything is
 * sent; a job (kind preview) whose "upload" names where GET /uploads/ID/shots finds
 * "<lang>-notice.png". Nothing is published or recorded. */
static void api_notice_preview(console_req *q, console_resp *r)
{
	cJSON *doc = allowed_body(q, r, HALL_ROLE_OPERATOR, "raise notices");
	if (!doc)
		return;
	console_action *a = notice_action(q, r, doc, false);
	cJSON_Delete(doc);
	if (!a)
		return;
	unsigned char raw[8];
	char id[17], dir[HALL_CONFIG_PATH_MAX + 64], pack[PATH_MAX];
	hall_error err = {0};
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(id, sizeof id, raw, sizeof raw);
	console__uploads_sweep(q->c, false);
	cJSON *n = cJSON_CreateObject(), *t = cJSON_AddObjectToObject(n, "text");
	cJSON_AddStringToObject(n, "level", a->notice.level == HALL_NOTICE_URGENT ? "urgent" : "info");
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		if (a->notice.text[l][0])
			cJSON_AddStringToObject(t, hall_lang_code((hall_lang)l), a->notice.text[l]);
	size_t len = 0;
	char *json = hall_json_print(n, &len);
	cJSON_Delete(n);
	a->kind = CONSOLE_ACT_PREVIEW;
	a->scope = (hall_scope){.kind = HALL_SCOPE_ALL};
	if (builtin_pack(pack) != 0 || strlen(pack) >= sizeof a->path) {
		console__error(r, 500, "preview", "cannot find the built-in pack (assets/default) to draw the notice on");
	} else if (!json || upload_dir(q->c, id, dir, sizeof dir) != 0 || hall_fs_mkdirs(dir, &err) != HALL_OK ||
	           !(a->buf = malloc(sizeof dir + 16)) || snprintf(a->buf, sizeof dir + 16, "%s/notice.json", dir) < 0 ||
	           hall_fs_write_atomic(a->buf, json, len, &err) != HALL_OK ||
	           upload_side(q->c, id, "shots", a->out, sizeof a->out) != 0) {
		console__error(r, 500, "preview", "cannot write the notice to preview: %s", err.msg);
	} else {
		free(json);
		memcpy(a->path, pack, strlen(pack) + 1); /* fits: checked above */
		snprintf(a->upload, sizeof a->upload, "%s", id);
		job_answer(r, q->c, console__job_start(q->c, q->sess.user, "preview", "", a));
		return;
	}
	free(json);
	console__action_free(a);
}

static bool shot_name_ok(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && n < 128 && strcmp(name + n - 4, ".png") == 0 &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n && name[0] != '.';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void api_upload_shots(console_req *q, console_resp *r, const char *id, const char *name)
{
	char dir[HALL_CONFIG_PATH_MAX + 80], path[HALL_CONFIG_PATH_MAX + 220];
	/* operators see them too: a notice preview's screens are an upload's (console4) */
	if (!allow(q, r, HALL_ROLE_OPERATOR, "see previews"))
		return;
	if (upload_side(q->c, id, "shots", dir, sizeof dir) != 0) {
		console__error(r, 404, "upload", "no such upload");
		return;
	}
	if (name[0]) {
		char *data = NULL;
		size_t len = 0;
		snprintf(path, sizeof path, "%s/%s", dir, name);
		if (!shot_name_ok(name) || hall_fs_read_file(path, 32 * 1024 * 1024, &data, &len, NULL) != HALL_OK) {
			console__error(r, 404, "shot", "no such screenshot");
			return;
		}
		r->status = 200;
		r->type = "image/png";
		r->body = data;
		r->len = len;
		return;
	}
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "shots");
	DIR *d = opendir(dir);
	char *names[512];
	size_t n = 0;
	for (struct dirent *e; d && (e = readdir(d)) != NULL && n < 512;)
		if (shot_name_ok(e->d_name) && (names[n] = strdup(e->d_name)) != NULL)
			n++;
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "name", names[i]);
		/* "<lang>-<exhibit>.png", as preview --shots names them ("zh-Hans-vote.png") */
		for (int l = 0; l < HALL_LANG_COUNT; l++) {
			const char *code = hall_lang_code((hall_lang)l);
			size_t cl = strlen(code);
			if (strncmp(names[i], code, cl) != 0 || names[i][cl] != '-')
				continue;
			char exhibit[128];
			snprintf(exhibit, sizeof exhibit, "%.*s", (int)(strlen(names[i] + cl + 1) - 4), names[i] + cl + 1);
			cJSON_AddStringToObject(s, "lang", code);
			cJSON_AddStringToObject(s, "exhibit", exhibit);
			break;
		}
		cJSON_AddItemToArray(arr, s);
		free(names[i]);
	}
	console__json(r, 200, o);
}

/* push {"upload","to"}, rollback {"to"}, clear {"to"}: the CLI's push, rollback and
 * push --clear (action.h). */
static console_action *content_action(console_req *q, console_resp *r, const cJSON *doc, const char *what)
{
	bool push = strcmp(what, "push") == 0, rollback = strcmp(what, "rollback") == 0;
	hall_scope scope;
	char dir[HALL_CONFIG_PATH_MAX + 64];
	const char *to = str_of(doc, "to"), *upload = str_of(doc, "upload");
	console_action *a = NULL;
	if (check_target(q, r, to, &scope, NULL) != 0)
		goto fail;
	if (push && (!upload || upload_dir(q->c, upload, dir, sizeof dir) != 0 || !hall_fs_exists(dir))) {
		console__error_code(r, 400, "upload", "upload.missing", NULL, "upload: no such upload (send the pack's files first)");
		goto fail;
	}
	if (push && upload_refused(q->c, upload)) {
		console__error_code(r, 400, "upload", "upload.refused", NULL, "upload: its zip had problems (see its check): nothing pushed");
		goto fail;
	}
	if (!(a = new_action(r, push ? CONSOLE_ACT_PUSH : rollback ? CONSOLE_ACT_ROLLBACK : CONSOLE_ACT_CLEAR, &scope, 30)))
		goto fail;
	if (push) {
		snprintf(a->path, sizeof a->path, "%s", dir);
		snprintf(a->upload, sizeof a->upload, "%.16s", upload); /* checked: 16 hex */
	}
	return a; /* the page showed how many screens change and asked */
fail:
	console__action_free(a);
	return NULL;
}

/* schedules {"to","schedule":{...}}: `schedule push` of that JSON (action.h). */
static console_action *schedule_action(console_req *q, console_resp *r, const cJSON *doc)
{
	hall_scope scope;
	const char *to = str_of(doc, "to");
	const cJSON *sch = cJSON_GetObjectItemCaseSensitive(doc, "schedule");
	console_action *a = NULL;
	if (check_target(q, r, to, &scope, NULL) != 0)
		goto fail;
	if (!cJSON_IsObject(sch)) {
		console__error_code(r, 400, "schedule", "schedule.object", NULL, "schedule: expected the schedule as a JSON object");
		goto fail;
	}
	if (!(a = new_action(r, CONSOLE_ACT_SCHEDULE, &scope, 10)))
		goto fail;
	snprintf(a->path, sizeof a->path, "schedule");
	if (!(a->buf = hall_json_print(sch, &a->len))) {
		console__error(r, 500, "nomem", "out of memory");
		goto fail;
	}
	return a;
fail:
	console__action_free(a);
	return NULL;
}

/* The changes that run as jobs: POST /notices, /notices/clear, /commands, /push, /rollback,
 * /clear and /schedules. The role and the body are checked here, the action is built from
 * the body by its own function (which answers a refusal itself: NULL), then started. */
static const struct job_api {
	const char *path;
	hall_role role;
	const char *what;   /* for a refusal: "may not <what>" */
	const char *kind;   /* the job's kind */
} JOB_APIS[] = {
	{"/notices", HALL_ROLE_OPERATOR, "raise notices", "notice"},
	{"/notices/clear", HALL_ROLE_OPERATOR, "take notices down", "notice"},
	{"/commands", HALL_ROLE_OPERATOR, "send commands", "command"},
	{"/push", HALL_ROLE_EDITOR, "push content", "content"},
	{"/rollback", HALL_ROLE_EDITOR, "roll content back", "content"},
	{"/clear", HALL_ROLE_EDITOR, "clear overrides", "content"},
	{"/schedules", HALL_ROLE_EDITOR, "push schedules", "schedule"},
};

static const struct job_api *job_api_of(const char *path)
{
	for (size_t i = 0; i < sizeof JOB_APIS / sizeof JOB_APIS[0]; i++)
		if (strcmp(path, JOB_APIS[i].path) == 0)
			return &JOB_APIS[i];
	return NULL;
}

static void api_job_action(console_req *q, console_resp *r, const struct job_api *j)
{
	cJSON *doc = allowed_body(q, r, j->role, j->what);
	if (!doc)
		return;
	console_action *a;
	if (strcmp(j->kind, "notice") == 0)
		a = notice_action(q, r, doc, strcmp(j->path, "/notices/clear") == 0);
	else if (strcmp(j->kind, "command") == 0)
		a = command_action(q, r, doc);
	else if (strcmp(j->kind, "content") == 0)
		a = content_action(q, r, doc, j->path + 1);
	else
		a = schedule_action(q, r, doc);
	start_job(q, r, j->kind, a);
	cJSON_Delete(doc);
}

/* POST /schedule/check {"to","schedule":{...},"from"?}: the schedule form's check and week
 * preview before a push, by the code `schedule validate` and `schedule push` run (action.h's
 * hall_action_schedule_preview); nothing is published or recorded. */
static void api_schedule_check(console_req *q, console_resp *r)
{
	cJSON *doc = allowed_body(q, r, HALL_ROLE_EDITOR, "push schedules");
	if (!doc)
		return;
	hall_scope scope;
	hall_error err = {0};
	cJSON *out = NULL;
	char *buf = NULL;
	size_t len = 0;
	const char *to = str_of(doc, "to");
	const cJSON *sch = cJSON_GetObjectItemCaseSensitive(doc, "schedule");
	if (!to || hall_scope_parse(to, &scope) != 0) {
		console__error(r, 400, "to", "to: expected all, group:NAME or kiosk:ID");
		goto done;
	}
	if (!cJSON_IsObject(sch)) {
		console__error_code(r, 400, "schedule", "schedule.object", NULL, "schedule: expected the schedule as a JSON object");
		goto done;
	}
	if (!(buf = hall_json_print(sch, &len))) {
		console__error(r, 500, "nomem", "out of memory");
		goto done;
	}
	pthread_mutex_lock(&q->c->lock);
	hall_err rc = hall_action_schedule_preview(q->c->cfg, q->c->store, &scope, buf, len, str_of(doc, "from"), 7,
	                                           &out, &err);
	pthread_mutex_unlock(&q->c->lock);
	if (rc != HALL_OK)
		schedule_error(r, rc, &err);
	else
		console__json(r, 200, out);
done:
	free(buf);
	cJSON_Delete(doc);
}

/* GET /schedule/at?kiosk=ID[&t=YYYY-MM-DDTHH:MM]: what the kiosk shows then (default now);
 * GET /schedule/week?to=SCOPE[&from=YYYY-MM-DD][&days=N]: the target's week. Both are
 * action.h's answers, the command line's `schedule show`. */
static void api_schedule_view(console_req *q, console_resp *r, bool week)
{
	if (!allow(q, r, HALL_ROLE_VIEWER, "read schedules"))
		return;
	hall_error err = {0};
	cJSON *doc = NULL;
	hall_err rc;
	if (week) {
		const char *to = console__query(q, "to"), *days = console__query(q, "days");
		hall_scope scope;
		if (!to || hall_scope_parse(to, &scope) != 0) {
			console__error(r, 400, "to", "to: expected all, group:NAME or kiosk:ID");
			return;
		}
		pthread_mutex_lock(&q->c->lock);
		rc = hall_action_schedule_week(q->c->cfg, q->c->store, &scope, console__query(q, "from"),
		                               days ? atoi(days) : 7, &doc, &err);
		pthread_mutex_unlock(&q->c->lock);
	} else {
		const char *t = console__query(q, "t");
		int64_t at = hall_clock_now_ms();
		if (t && t[0] && hall_action_parse_local_time(t, q->c->cfg->time_zone, &at) != 0) {
			console__error(r, 400, "t", "t: expected YYYY-MM-DDTHH:MM (hall time)");
			return;
		}
		pthread_mutex_lock(&q->c->lock);
		rc = hall_action_schedule_at(q->c->cfg, q->c->store, console__query(q, "kiosk"), at, &doc, &err);
		pthread_mutex_unlock(&q->c->lock);
	}
	if (rc != HALL_OK) {
		schedule_error(r, rc, &err);
		return;
	}
	console__json(r, 200, doc);
}

/* ---------------------------------------------------------------- routing */

void console__api(console_req *q, console_resp *r)
{
	const char *p = q->path;
	char id[HALL_ID_BUF + 8], leaf[256];
	if (strcmp(p, "/login") == 0 && method_is(q, "POST"))
		api_login(q, r);
	else if (strcmp(p, "/logout") == 0 && method_is(q, "POST"))
		api_logout(q, r);
	else if (strcmp(p, "/me") == 0 && method_is(q, "GET"))
		api_me(q, r);
	else if (strcmp(p, "/kiosks") == 0 && method_is(q, "GET"))
		api_kiosks(q, r);
	else if (strcmp(p, "/stream") == 0 && method_is(q, "GET")) {
		if (allow(q, r, HALL_ROLE_VIEWER, "see the fleet"))
			console__fleet_stream(q, r);
	} else if (split_path(p, "/kiosks/", id, sizeof id, leaf, sizeof leaf) == 0 && strcmp(leaf, "clear-alert") == 0 &&
	           method_is(q, "POST"))
		api_clear_alert(q, r, id);
	else if (split_path(p, "/kiosks/", id, sizeof id, leaf, sizeof leaf) == 0 && strcmp(leaf, "shot") == 0 &&
	         method_is(q, "GET"))
		api_shot(q, r, id);
	else if (strcmp(p, "/progress") == 0 && method_is(q, "GET"))
		api_progress(q, r);
	else if (strcmp(p, "/notices/preview") == 0 && method_is(q, "POST"))
		api_notice_preview(q, r);
	else if (job_api_of(p) && method_is(q, "POST"))
		api_job_action(q, r, job_api_of(p));
	else if (split_path(p, "/jobs/", id, sizeof id, leaf, sizeof leaf) == 0 && !leaf[0] && method_is(q, "GET"))
		api_job(q, r, id);
	else if (strcmp(p, "/history") == 0 && method_is(q, "GET"))
		api_history(q, r);
	else if (strcmp(p, "/report") == 0 && method_is(q, "GET"))
		api_report(q, r);
	else if (strcmp(p, "/uploads") == 0 && method_is(q, "POST"))
		api_upload_new(q, r);
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 && strcmp(leaf, "check") == 0 &&
	         method_is(q, "POST"))
		api_upload_check(q, r, id);
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 && strcmp(leaf, "zip") == 0 &&
	         method_is(q, "POST"))
		api_upload_zip(q, r, id);
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 && strcmp(leaf, "preview") == 0 &&
	         method_is(q, "POST"))
		api_upload_preview(q, r, id);
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 &&
	         (strcmp(leaf, "shots") == 0 || strncmp(leaf, "shots/", 6) == 0) && method_is(q, "GET"))
		api_upload_shots(q, r, id, leaf[5] ? leaf + 6 : "");
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 && leaf[0] && method_is(q, "PUT"))
		api_upload_put(q, r, id, leaf);
	else if (split_path(p, "/uploads/", id, sizeof id, leaf, sizeof leaf) == 0 && !leaf[0] && method_is(q, "DELETE"))
		api_upload_delete(q, r, id);
	else if (strcmp(p, "/schedule/check") == 0 && method_is(q, "POST"))
		api_schedule_check(q, r);
	else if ((strcmp(p, "/schedule/at") == 0 || strcmp(p, "/schedule/week") == 0) && method_is(q, "GET"))
		api_schedule_view(q, r, strcmp(p, "/schedule/week") == 0);
	else if (strcmp(p, "/users") == 0)
		api_users(q, r, "");
	else if (split_path(p, "/users/", id, sizeof id, leaf, sizeof leaf) == 0 && !leaf[0])
		api_users(q, r, id);
	else
		console__error(r, 404, "not_found", "%s %s: no such API", q->method, p);
}
