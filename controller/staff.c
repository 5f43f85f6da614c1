/* staff.c: status, history, notice, schedule push, command, validate, preview
 * (see staff.h). */
#define _XOPEN_SOURCE 700
#include "staff.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/lang.h"
#include "hall/schedule.h"
#include "action.h"
#include "push.h"
#include "store.h"

/* Reading commands open read-only (they work on a read-only folder) and never create a
 * database: a wrong --data or --config says so in one line (hall_ctl_open_store_mode). */
static int open_store(const hall_controller_config *cfg, const char *what, hall_store_open_mode mode,
                      hall_store **store)
{
	hall_error err = {0};
	char msg[600];
	if (hall_ctl_open_store_mode(cfg, mode, store, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller %s: %s\n", what, hall_error_format(&err, msg, sizeof msg));
		return 1;
	}
	return 0;
}

/* "MM-DD HH:MM" in the hall's zone, "-" for 0. */
static const char *local_time(int64_t ms, const char *tz, char *out, size_t len)
{
	hall_civil c;
	if (ms <= 0 || hall_clock_to_civil(ms, tz, &c) != 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute);
	return out;
}

/* ---------------------------------------------------------------- status */

typedef struct status_ctx {
	const hall_controller_config *cfg;
	hall_store *store;
	bool stale;
	int n;
} status_ctx;

static int print_kiosk(void *user, const hall_store_kiosk *k)
{
	status_ctx *c = user;
	char seen[32], content[48], schedule[48], from[24];
	int64_t wc = hall_action_wanted(c->store, "content", k), ws = hall_action_wanted(c->store, "schedule", k);
	snprintf(content, sizeof content, "%" PRId64 "%s", k->content_version,
	         wc && wc != k->content_version ? "*" : "");
	snprintf(schedule, sizeof schedule, "%" PRId64 "%s", k->schedule_version,
	         ws && ws != k->schedule_version ? "*" : "");
	/* Where the content on screen comes from, as the kiosk said ("?" when it never said). */
	snprintf(from, sizeof from, "%s", k->showing_scope[0] ? k->showing_scope : "?");
	/* With serve stopped nobody hears a kiosk go: its last state is only a memory. */
	const char *state = !k->online ? "OFFLINE" : c->stale ? "online?" : "online";
	printf("%-20s %-12s %-7s %-16s %-8s %-8s %-8s %-5" PRId64 " %s%s%s\n", k->id, k->group[0] ? k->group : "-",
	       state, local_time(k->last_seen, c->cfg->time_zone, seen, sizeof seen), content, from, schedule,
	       k->help_count, k->alert ? "ALERT: " : "", k->alert ? k->alert_reason : "",
	       k->last_error[0] ? (k->alert ? "; " : "") : "");
	if (k->showing_pack[0])
		printf("%-20s showing pack %s\n", "", k->showing_pack);
	if (k->broker[0]) /* on a cluster: which node it is on (or was on last, when offline) */
		printf("%-20s %s %s\n", "", k->online ? "on the broker at" : "last on the broker at", k->broker);
	if (k->last_error[0])
		printf("%-20s last error: %s\n", "", k->last_error);
	c->n++;
	return 0;
}

static int print_counter(void *user, const char *name, int64_t value)
{
	(void)user;
	printf("  %s: %" PRId64 "\n", name, value);
	return 0;
}

/* "5 min", "2 h 3 min", "40 s". */
static void age(int64_t ms, char *out, size_t len)
{
	int64_t s = ms / 1000;
	if (s < 120)
		snprintf(out, len, "%" PRId64 " s", s);
	else if (s < 7200)
		snprintf(out, len, "%" PRId64 " min", s / 60);
	else
		snprintf(out, len, "%" PRId64 " h %" PRId64 " min", s / 3600, s / 60 % 60);
}

/* A line before the table when what it shows is not live. */
static void print_serve_state(const hall_controller_config *cfg, const hall_serve_state *sv, int64_t now)
{
	char when[32], ago[32];
	if (sv->running) {
		if (!sv->connected)
			printf("serve is running but has no broker connection: kiosk states are as of its last contact\n");
		else if (sv->broker[0]) /* with a list of brokers, which one it is on now */
			printf("serve is running, connected to the broker at %s\n", sv->broker);
		return;
	}
	if (!sv->last_ms) {
		printf("serve is not running (it never ran on %s/controller.db): kiosk states below are not live\n",
		       cfg->data_dir);
		return;
	}
	age(now - sv->last_ms, ago, sizeof ago);
	printf("serve is NOT running (%s %s, %s ago): the data below is %s old; \"online?\" is only the last known state\n",
	       sv->stopped_ms ? "stopped at" : "last heard from at", local_time(sv->last_ms, cfg->time_zone, when, sizeof when),
	       ago, ago);
}

int hall_staff_status(const hall_controller_config *cfg, int argc, char **argv)
{
	hall_store *store = NULL;
	hall_error err = {0};
	char msg[600];
	const char *clear = NULL;
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--clear-alert") == 0 && i + 1 < argc && hall_id_is_valid(argv[i + 1]))
			clear = argv[++i];
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else {
			fprintf(stderr, "hall-controller status: %s: unknown argument (status [--json] [--clear-alert KIOSK])\n",
			        argv[i]);
			return 2;
		}
	}
	if (open_store(cfg, "status", clear ? HALL_STORE_WRITE : HALL_STORE_READ_CURRENT, &store))
		return 1;
	if (clear) {
		/* Staff saw to it: the alert and the help count go back to zero. */
		hall_store_kiosk k;
		if (hall_store_kiosk_get(store, clear, &k, &err) != HALL_OK ||
		    hall_store_kiosk_set_alert(store, clear, false, NULL, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller status: --clear-alert: %s\n", hall_error_format(&err, msg, sizeof msg));
			hall_store_close(store);
			return 1;
		}
		if (!json)
			printf("alert of %s cleared\n", clear);
	}
	int code = 0;
	if (json) {
		cJSON *doc = NULL;
		char *text = NULL;
		size_t len = 0;
		if (hall_action_fleet_json(cfg, store, &doc, &err) != HALL_OK || !(text = hall_json_print(doc, &len))) {
			fprintf(stderr, "hall-controller status: %s\n", hall_error_format(&err, msg, sizeof msg));
			code = 1;
		} else
			printf("%s\n", text);
		free(text);
		cJSON_Delete(doc);
		hall_store_close(store);
		return code;
	}
	int64_t now = hall_clock_now_ms();
	hall_serve_state sv;
	hall_action_serve_state(store, now, &sv);
	print_serve_state(cfg, &sv, now);
	status_ctx c = {cfg, store, !sv.running, 0};
	printf("%-20s %-12s %-7s %-16s %-8s %-8s %-8s %-5s %s\n", "KIOSK", "GROUP", "STATE", "LAST SEEN", "CONTENT", "FROM",
	       "SCHEDULE", "HELP", "ALERT");
	if (hall_store_each_kiosk(store, print_kiosk, &c, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller status: %s\n", hall_error_format(&err, msg, sizeof msg));
		code = 1;
	}
	if (c.n == 0)
		printf("(no kiosk has connected yet)\n");
	else
		printf("(CONTENT: the version on screen, as the kiosk said; FROM: all, group, kiosk (an override) or default "
		       "(built-in); * = not yet on the version pushed to it; times in %s)\n",
		       cfg->time_zone);
	printf("counters:\n");
	hall_store_each_counter(store, print_counter, NULL, NULL);
	hall_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- history */

static int print_history(void *user, const hall_store_history *h)
{
	const hall_controller_config *cfg = user;
	char when[32], version[24] = "-";
	hall_civil c;
	if (h->version > 0)
		snprintf(version, sizeof version, "%" PRId64, h->version);
	if (h->ts <= 0 || hall_clock_to_civil(h->ts, cfg->time_zone, &c) != 0)
		snprintf(when, sizeof when, "-");
	else
		snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.minute,
		         c.second);
	printf("%-19s %-12s %-14s %-8s %-22s %-7s %-8s %s%s%s\n", when, h->user, h->action, h->kind, h->target, version,
	       h->outcome[0] ? h->outcome : "ok", h->detail, h->reason[0] ? (h->detail[0] ? " -- " : "") : "", h->reason);
	return 0;
}

int hall_staff_history(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *to = NULL, *kind = NULL;
	size_t limit = 50;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			to = argv[++i];
		else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc)
			kind = argv[++i];
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			int n = hall_push_parse_seconds(argv[++i], 100000);
			if (n < 0) {
				fprintf(stderr, "hall-controller history: --limit: expected 1..100000\n");
				return 2;
			}
			limit = (size_t)n;
		} else {
			fprintf(stderr, "hall-controller history: %s: unknown option or missing value\n", argv[i]);
			return 2;
		}
	}
	hall_scope scope;
	if (to && hall_scope_parse(to, &scope) != 0) {
		fprintf(stderr, "hall-controller history: --to: \"%s\" is not all, group:NAME or kiosk:ID\n", to);
		return 2;
	}
	hall_store *store = NULL;
	hall_error err = {0};
	char msg[600];
	if (open_store(cfg, "history", HALL_STORE_READ_CURRENT, &store))
		return 1;
	printf("%-19s %-12s %-14s %-8s %-22s %-7s %-8s %s\n", "TIME", "PERSON", "ACTION", "KIND", "TARGET", "VERSION",
	       "OUTCOME", "DETAIL -- WHY");
	int code = 0;
	if (hall_store_each_history(store, to, kind, limit, print_history, (void *)cfg, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller history: %s\n", hall_error_format(&err, msg, sizeof msg));
		code = 1;
	}
	printf("(times in %s)\n", cfg->time_zone);
	hall_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- notice */

int hall_staff_notice(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *until = NULL;
	hall_lang lang = HALL_LANG_KO;
	bool clear = false;
	hall_cli_target t = {0};
	hall_notice n;
	char positional[HALL_PROTO_NOTICE_TEXT_MAX + 1] = "";
	size_t plen = 0;
	memset(&n, 0, sizeof n);
	n.level = HALL_NOTICE_INFO;
	n.until = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = hall_cli_target_arg("notice", argc, argv, &i, &t);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (strcmp(a, "--clear") == 0)
			clear = true;
		else if (strcmp(a, "--level") == 0 && i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(v, "info") == 0)
				n.level = HALL_NOTICE_INFO;
			else if (strcmp(v, "urgent") == 0)
				n.level = HALL_NOTICE_URGENT;
			else {
				fprintf(stderr, "hall-controller notice: --level: expected info or urgent, not \"%s\"\n", v);
				return 2;
			}
		} else if (strcmp(a, "--until") == 0 && i + 1 < argc)
			until = argv[++i];
		else if (strcmp(a, "--lang") == 0 && i + 1 < argc) {
			if (hall_lang_from_code(argv[++i], &lang) != 0) {
				fprintf(stderr, "hall-controller notice: --lang: unknown language \"%s\" (ko, en, zh-Hans, zh-Hant, ja)\n",
				        argv[i]);
				return 2;
			}
		} else if (strcmp(a, "--text") == 0 && i + 1 < argc) {
			const char *v = argv[++i];
			const char *eq = strchr(v, '=');
			char code[16];
			hall_lang l;
			if (!eq || (size_t)(eq - v) >= sizeof code) {
				fprintf(stderr, "hall-controller notice: --text: expected LANG=TEXT, not \"%s\"\n", v);
				return 2;
			}
			snprintf(code, sizeof code, "%.*s", (int)(eq - v), v);
			if (hall_lang_from_code(code, &l) != 0) {
				fprintf(stderr, "hall-controller notice: --text: unknown language \"%s\"\n", code);
				return 2;
			}
			if (strlen(eq + 1) > HALL_PROTO_NOTICE_TEXT_MAX) {
				fprintf(stderr, "hall-controller notice: --text %s: longer than %u bytes\n", code,
				        HALL_PROTO_NOTICE_TEXT_MAX);
				return 2;
			}
			snprintf(n.text[l], sizeof n.text[l], "%s", eq + 1);
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "hall-controller notice: %s: unknown option or missing value\n", a);
			return 2;
		} else {
			size_t l = strlen(a);
			if (plen + l + 1 > HALL_PROTO_NOTICE_TEXT_MAX) {
				fprintf(stderr, "hall-controller notice: TEXT: longer than %u bytes\n", HALL_PROTO_NOTICE_TEXT_MAX);
				return 2;
			}
			if (plen)
				positional[plen++] = ' ';
			memcpy(positional + plen, a, l + 1);
			plen += l;
		}
	}
	hall_scope scope;
	int code = hall_cli_target_scope("notice", &t, &scope);
	if (code)
		return code;
	if (plen)
		snprintf(n.text[lang], sizeof n.text[lang], "%s", positional);
	if (until && hall_action_parse_local_time(until, cfg->time_zone, &n.until) != 0) {
		fprintf(stderr, "hall-controller notice: --until: expected YYYY-MM-DDTHH:MM (hall time), not \"%s\"\n", until);
		return 2;
	}
	if (until && n.until <= hall_clock_now_ms()) {
		fprintf(stderr, "hall-controller notice: --until: %s has already passed\n", until);
		return 2;
	}
	bool any = false;
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		any = any || n.text[l][0];
	if (!clear && !any) {
		fprintf(stderr, "hall-controller notice: TEXT: missing (positional text or --text LANG=TEXT)\n");
		return 2;
	}
	if (clear && any) {
		fprintf(stderr, "hall-controller notice: --clear takes no text\n");
		return 2;
	}
	hall_error err = {0};
	char msg[600];
	if (!clear && hall_proto_check_notice(&n, "notice", &err) != HALL_OK) {
		fprintf(stderr, "hall-controller notice: %s\n", hall_error_format(&err, msg, sizeof msg));
		return 2;
	}
	hall_action_opts opts;
	hall_action_result res;
	char person[64];
	hall_cli_opts(cfg, clear ? "Taking the notice down" : "Raising a notice", &t, &scope, &opts, person, sizeof person);
	hall_store *store = hall_cli_existing_store(cfg);
	hall_action_notice(cfg, store, clear ? NULL : &n, &scope, &opts, &res);
	code = hall_cli_print_result(cfg, "notice", clear ? "cleared" : "raised", &res, &t);
	hall_action_result_free(&res);
	hall_store_close(store);
	return code;
}

/* ---------------------------------------------------------------- schedule */

static void print_issue(void *user, const hall_issue *issue)
{
	int *errors = user;
	bool is_err = issue->severity == HALL_ISSUE_ERROR;
	if (is_err && errors)
		(*errors)++;
	fprintf(is_err ? stderr : stdout, "%s: %s%s%s\n", is_err ? "error" : "warning", issue->path,
	        issue->path[0] ? ": " : "", issue->msg);
}

/* What kiosk `id` shows at `when`, as hall_action_schedule_at says (the console's answer too). */
static int print_at(const hall_controller_config *cfg, hall_store *store, const char *id, int64_t when)
{
	hall_error err = {0};
	char msg[600], t[32];
	cJSON *at = NULL;
	hall_err rc = hall_action_schedule_at(cfg, store, id, when, &at, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall-controller schedule show: %s\n", hall_error_format(&err, msg, sizeof msg));
		return rc == HALL_ERR_NOT_FOUND ? 2 : 1;
	}
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(at, "content");
	const cJSON *sch = cJSON_GetObjectItemCaseSensitive(at, "schedule");
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(at, "item");
	const cJSON *notice = cJSON_GetObjectItemCaseSensitive(at, "notice");
	const char *shows = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(at, "shows"));
	printf("at %s, kiosk %s shows:\n", local_time(when, cfg->time_zone, t, sizeof t), id);
	printf("  content   pack %s, version %.0f, from %s\n",
	       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(content, "pack")),
	       cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(content, "version")),
	       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(content, "scope")));
	if (cJSON_IsObject(sch))
		printf("  schedule  version %.0f, from %s\n", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sch, "version")),
		       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sch, "scope")));
	else
		printf("  schedule  none: open always\n");
	double closes = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(at, "closes"));
	double next = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(at, "next_open"));
	if (strcmp(shows, "closed") == 0)
		printf("  closed    (opens %s)\n", next == next ? local_time((int64_t)next, cfg->time_zone, t, sizeof t) : "-");
	else {
		printf("  open      (until %s)\n", closes == closes ? local_time((int64_t)closes, cfg->time_zone, t, sizeof t) : "-");
		if (cJSON_IsObject(item)) {
			char *ex = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(item, "exhibits"));
			printf("  item      %s: %s %s%s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "id")),
			       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "show")), ex ? ex : "",
			       strcmp(shows, "default") == 0 ? " (names an exhibit the pack lacks: every exhibit instead)" : "");
			free(ex);
		} else
			printf("  item      none: every exhibit of the pack\n");
	}
	if (cJSON_IsObject(notice)) {
		const cJSON *text = cJSON_GetObjectItemCaseSensitive(notice, "text");
		printf("  notice    %s: %s\n", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(notice, "level")),
		       text && text->child ? cJSON_GetStringValue(text->child) : "");
	}
	cJSON_Delete(at);
	return 0;
}

/* `schedule show --to TARGET [--at YYYY-MM-DDTHH:MM]`: the schedule each scope of the
 * target holds and, for a kiosk, which one applies and whether it is open at a time. */
static int schedule_show(const hall_controller_config *cfg, const hall_scope *scope, const char *at)
{
	hall_store *store = NULL;
	char scope_s[HALL_SCOPE_BUF], scopes[3][HALL_SCOPE_BUF];
	int64_t when = hall_clock_now_ms();
	int n = 0, code = 0;
	if (at && hall_action_parse_local_time(at, cfg->time_zone, &when) != 0) {
		fprintf(stderr, "hall-controller schedule show: --at: expected YYYY-MM-DDTHH:MM (hall time), not \"%s\"\n", at);
		return 2;
	}
	if (open_store(cfg, "schedule show", HALL_STORE_READ_CURRENT, &store))
		return 1;
	hall_scope_format(scope, scope_s, sizeof scope_s);
	/* The scopes that address the target, widest first. */
	snprintf(scopes[n++], HALL_SCOPE_BUF, "all");
	if (scope->kind == HALL_SCOPE_KIOSK) {
		hall_store_kiosk k;
		if (hall_store_kiosk_get(store, scope->name, &k, NULL) == HALL_OK && k.group[0])
			snprintf(scopes[n++], HALL_SCOPE_BUF, "group:%s", k.group);
	}
	if (scope->kind != HALL_SCOPE_ALL)
		snprintf(scopes[n++], HALL_SCOPE_BUF, "%s", scope_s);
	int applies = -1;
	for (int i = 0; i < n; i++) {
		hall_store_desired d;
		if (hall_store_get_desired(store, "schedule", scopes[i], &d, NULL) != HALL_OK) {
			printf("%-22s none pushed\n", scopes[i]);
			continue;
		}
		if (d.cleared)
			printf("%-22s cleared (version %" PRId64 ")\n", scopes[i], d.version);
		else {
			hall_envelope env = {0};
			char *body = NULL;
			applies = i;
			printf("%-22s version %" PRId64 "\n", scopes[i], d.version);
			if (hall_proto_decode_envelope(HALL_ENVELOPE_SCHEDULE, d.payload, d.payload_len, &env, NULL) == HALL_OK &&
			    env.body && (body = cJSON_Print(env.body)) != NULL)
				printf("%s\n", body);
			free(body);
			hall_envelope_free(&env);
		}
		hall_store_desired_free(&d);
	}
	if (scope->kind == HALL_SCOPE_KIOSK || scope->kind == HALL_SCOPE_ALL) {
		char t[32];
		if (applies < 0)
			printf("at %s: no schedule applies to %s: open (always)\n", local_time(when, cfg->time_zone, t, sizeof t),
			       scope_s);
		else {
			hall_store_desired d;
			hall_envelope env = {0};
			hall_schedule *sch = NULL;
			char *body = NULL;
			size_t len = 0;
			hall_schedule_result r;
			if (hall_store_get_desired(store, "schedule", scopes[applies], &d, NULL) == HALL_OK) {
				if (hall_proto_decode_envelope(HALL_ENVELOPE_SCHEDULE, d.payload, d.payload_len, &env, NULL) ==
				        HALL_OK &&
				    env.body && (body = hall_json_print(env.body, &len)) != NULL &&
				    hall_schedule_parse(body, len, &sch, NULL) == HALL_OK &&
				    hall_schedule_eval(sch, when, cfg->time_zone, &r, NULL) == HALL_OK)
					printf("at %s: %s applies to %s: %s\n", local_time(when, cfg->time_zone, t, sizeof t),
					       scopes[applies], scope_s, r.open ? "open" : "closed");
				else
					code = 1;
				hall_store_desired_free(&d);
			}
			hall_schedule_destroy(sch);
			hall_envelope_free(&env);
			free(body);
		}
	}
	if (scope->kind == HALL_SCOPE_KIOSK && code == 0)
		code = print_at(cfg, store, scope->name, when);
	hall_store_close(store);
	return code;
}

/* `schedule validate FILE`: every problem with its path, nothing stored or published. */
static int schedule_validate(const char *file)
{
	hall_error err = {0};
	char msg[600];
	char *buf = NULL;
	size_t len = 0;
	hall_schedule *sch = NULL;
	int errors = 0;
	if (hall_fs_read_file(file, HALL_SCHEDULE_JSON_MAX, &buf, &len, &err) != HALL_OK) {
		fprintf(stderr, "error: %s: %s\n", file, hall_error_format(&err, msg, sizeof msg));
		return 1;
	}
	int code = 0;
	if (hall_schedule_parse_report(buf, len, print_issue, &errors, &sch, &err) != HALL_OK) {
		if (!errors)
			fprintf(stderr, "error: %s\n", hall_error_format(&err, msg, sizeof msg));
		fprintf(stderr, "%s: refused (%d error%s)\n", file, errors ? errors : 1, errors == 1 ? "" : "s");
		code = 1;
	} else
		printf("%s: ok\n", file);
	hall_schedule_destroy(sch);
	free(buf);
	return code;
}

int hall_staff_schedule(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *file = NULL, *at = NULL;
	char kiosk_to[HALL_SCOPE_BUF];
	const char *sub = argc > 1 ? argv[1] : "";
	hall_cli_target t = {0};
	bool push = strcmp(sub, "push") == 0, show = strcmp(sub, "show") == 0, validate = strcmp(sub, "validate") == 0,
	     clear = strcmp(sub, "clear") == 0;
	if (!push && !show && !validate && !clear) {
		fprintf(stderr, "hall-controller schedule: expected push FILE --to TARGET, validate FILE, show --to TARGET|--kiosk ID "
		                "[--at YYYY-MM-DDTHH:MM] or clear --to TARGET\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		int r = hall_cli_target_arg("schedule", argc, argv, &i, &t);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (show && strcmp(argv[i], "--at") == 0 && i + 1 < argc)
			at = argv[++i];
		else if (show && strcmp(argv[i], "--kiosk") == 0 && i + 1 < argc) {
			/* `schedule show --at T --kiosk X`: what X shows at T */
			snprintf(kiosk_to, sizeof kiosk_to, "kiosk:%.*s", HALL_ID_MAX, argv[++i]);
			t.to = kiosk_to;
		}
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "hall-controller schedule: %s: unknown option or missing value\n", argv[i]);
			return 2;
		} else if (!file && (push || validate))
			file = argv[i];
		else {
			fprintf(stderr, "hall-controller schedule: unexpected argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	if ((push || validate) && !file) {
		fprintf(stderr, "hall-controller schedule %s: FILE: missing\n", sub);
		return 2;
	}
	if (validate)
		return schedule_validate(file);
	hall_scope scope;
	char what[32];
	snprintf(what, sizeof what, "schedule %s", sub);
	int code = hall_cli_target_scope(what, &t, &scope);
	if (code)
		return code;
	if (show)
		return schedule_show(cfg, &scope, at);
	hall_action_opts opts;
	hall_action_result res;
	char person[64];
	char *buf = NULL;
	size_t len = 0;
	if (push) {
		hall_error err = {0};
		char msg[600];
		/* Read and checked before the database is opened or the broker reached: a file
		 * that cannot be read leaves no trace. */
		if (hall_fs_read_file(file, HALL_SCHEDULE_JSON_MAX, &buf, &len, &err) != HALL_OK) {
			fprintf(stderr, "error: %s: %s\nhall-controller schedule push: refused: nothing published\n", file,
			        hall_error_format(&err, msg, sizeof msg));
			return 1;
		}
	}
	hall_cli_opts(cfg, clear ? "Clearing the schedule" : "Pushing a schedule", &t, &scope, &opts, person,
	              sizeof person);
	/* No database yet: a refused schedule does not make one (it is recorded in the
	 * history of a database that exists). */
	hall_store *store = hall_cli_existing_store(cfg);
	if (clear)
		hall_action_schedule_clear(cfg, store, &scope, &opts, &res);
	else
		hall_action_schedule_push(cfg, store, buf, len, file, &scope, &opts, &res);
	code = hall_cli_print_result(cfg, what, clear ? "cleared" : "pushed", &res, &t);
	hall_action_result_free(&res);
	hall_store_close(store);
	free(buf);
	return code;
}

/* ---------------------------------------------------------------- command */

int hall_staff_command(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *name = NULL, *exhibit = NULL;
	int ttl = 600;
	hall_cli_target t = {0};
	for (int i = 1; i < argc; i++) {
		int r = hall_cli_target_arg("command", argc, argv, &i, &t);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
			if ((ttl = hall_push_parse_seconds(argv[++i], HALL_PROTO_TTL_MAX)) < 0) {
				fprintf(stderr, "hall-controller command: --ttl: expected seconds 1..%d\n", HALL_PROTO_TTL_MAX);
				return 2;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "hall-controller command: %s: unknown option or missing value\n", argv[i]);
			return 2;
		} else if (!name)
			name = argv[i];
		else if (!exhibit)
			exhibit = argv[i];
		else {
			fprintf(stderr, "hall-controller command: unexpected argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	static const hall_command_cmd all[] = {HALL_CMD_SCREENSHOT, HALL_CMD_RELOAD, HALL_CMD_SHOW, HALL_CMD_IDENTIFY};
	hall_command_cmd cmd = HALL_CMD_IDENTIFY;
	bool known = false;
	for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++)
		if (strcmp(name, hall_command_cmd_name(all[i])) == 0) {
			cmd = all[i];
			known = true;
		}
	if (!known) {
		fprintf(stderr, "hall-controller command: COMMAND: expected screenshot, reload, show EXHIBIT or identify\n");
		return 2;
	}
	if (cmd == HALL_CMD_SHOW && (!exhibit || !exhibit[0] || strlen(exhibit) > HALL_PROTO_STR_MAX)) {
		fprintf(stderr, "hall-controller command show: EXHIBIT: missing (the exhibit id to show)\n");
		return 2;
	}
	if (cmd != HALL_CMD_SHOW && exhibit) {
		fprintf(stderr, "hall-controller command: unexpected argument \"%s\"\n", exhibit);
		return 2;
	}
	hall_scope scope;
	int code = hall_cli_target_scope("command", &t, &scope);
	if (code)
		return code;
	hall_action_opts opts;
	hall_action_result res;
	char person[64], verb[HALL_STR_BUF + 48];
	snprintf(verb, sizeof verb, "%s%s%s, ttl %d s", name, exhibit ? " " : "", exhibit ? exhibit : "", ttl);
	hall_cli_opts(cfg, "Sending a command", &t, &scope, &opts, person, sizeof person);
	hall_store *store = hall_cli_existing_store(cfg);
	hall_action_command(cfg, store, cmd, exhibit, ttl, &scope, &opts, &res);
	hall_store_close(store);
	code = hall_cli_print_result(cfg, "command", verb, &res, &t);
	for (size_t i = 0; cmd == HALL_CMD_SCREENSHOT && i < res.n_kiosks; i++)
		if (res.kiosks[i].answer == HALL_ANSWER_DONE && !res.kiosks[i].shot_path[0])
			printf("  screenshot of %s: not recorded by serve yet (serve saves it as %s/shots/%s-<UTC time>-%s.png)\n",
			       res.kiosks[i].id, cfg->data_dir, res.kiosks[i].id, res.kiosks[i].command_id);
	hall_action_result_free(&res);
	return code;
}

/* ---------------------------------------------------------------- validate, preview */

static int validate_dir(const char *dir)
{
	hall_error err = {0};
	char msg[600];
	hall_content *content = NULL;
	int errors = 0;
	if (hall_content_load_dir(dir, print_issue, &errors, &content, &err) != HALL_OK) {
		if (!errors)
			fprintf(stderr, "error: %s\n", hall_error_format(&err, msg, sizeof msg));
		fprintf(stderr, "%s: refused (%d error%s)\n", dir, errors ? errors : 1, errors == 1 ? "" : "s");
		return 1;
	}
	printf("%s: ok: %zu exhibits, %zu assets, %zu warnings\n", dir, content->n_exhibits, content->n_assets,
	       content->n_warnings);
	hall_content_destroy(content);
	return 0;
}

int hall_staff_validate(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "hall-controller validate: DIR: %s\n", argc < 2 ? "missing (the content pack folder)" : "expected one folder");
		return 2;
	}
	return validate_dir(argv[1]);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static volatile pid_t g_preview_child;

static void forward_signal(int sig)
{
	if (g_preview_child > 0)
		kill(g_preview_child, sig);
}

/* A loopback port nobody listens on: bound by us a moment ago and released. */
static int unused_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	int port = -1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* The --script of `preview --shots`: each language of the pack, then each exhibit from
 * the home screen, a shot of each ("<lang>-home", "<lang>-<exhibit>"), then quit. With a
 * notice (console4: `--notice FILE`, copied as notice.json into the shots folder): each
 * language the notice is written in (of the pack's), its home with the notice shown as a
 * kiosk shows one ("<lang>-notice"); it is
 * taken down while the language changes, since an urgent one covers the controls.
 * Returns the number of shots, -1 when the file cannot be written. */
static int write_shots_script(const char *path, const hall_content *c, bool notice, unsigned notice_langs)
{
	FILE *f = fopen(path, "w");
	int shots = 0;
	if (!f)
		return -1;
	fprintf(f, "wait 500\n");
	for (size_t l = 0; notice && l < c->n_languages; l++) {
		if (!(notice_langs & (1u << c->languages[l])))
			continue;
		fprintf(f, "%stap-id lang-%s\nwait 300\nnotice notice.json\nwait 300\nshot %s-notice\n",
		        shots ? "notice off\nwait 150\ntap-id home\nwait 250\ntap-id language\nwait 250\n" : "",
		        hall_lang_code(c->languages[l]), hall_lang_code(c->languages[l]));
		shots++;
	}
	for (size_t l = 0; !notice && l < c->n_languages; l++) {
		const char *code = hall_lang_code(c->languages[l]);
		/* From the attract loop (the first time) or home: the language control opens home. */
		fprintf(f, "%stap-id lang-%s\nwait 400\n", l ? "tap-id home\nwait 300\ntap-id language\nwait 300\n" : "",
		        code);
		fprintf(f, "shot %s-home\n", code);
		shots++;
		for (size_t e = 0; e < c->n_exhibits; e++) {
			fprintf(f, "tap-id home\nwait 300\ntap-id exhibit-%s\nwait 500\nshot %s-%s\n", c->exhibits[e].id, code,
			        c->exhibits[e].id);
			shots++;
		}
	}
	/* console4: the dump says every shot is written; preview then stops the kiosk with a
	 * TERM, which ends at once without a broker, where `quit` would wait 5 s for confirms
	 * from one (the quit stays for a preview that misses the mark). */
	fprintf(f, "wait 50\ndump preview-done\nwait 3000\nquit\n");
	return fclose(f) == 0 ? shots : -1;
}

/* console4: the notice to preview, {"level","text":{LANG:TEXT}} (the console's POST
 * /notices/preview writes it), into OUT/notice.json where the script's `notice` reads it. */
static int copy_notice(const char *file, const char *shots_abs, unsigned *langs)
{
	char *buf = NULL, path[PATH_MAX + 16];
	size_t len = 0;
	hall_error err = {0};
	char msg[600];
	snprintf(path, sizeof path, "%s/notice.json", shots_abs);
	if (hall_fs_read_file(file, 64 * 1024, &buf, &len, &err) != HALL_OK ||
	    hall_fs_write_atomic(path, buf, len, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller preview: --notice %s: %s\n", file, hall_error_format(&err, msg, sizeof msg));
		free(buf);
		return 1;
	}
	/* the languages it is written in (bit per hall_lang): those are drawn */
	cJSON *o = cJSON_ParseWithLength(buf, len);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, hall_lang_code((hall_lang)l));
		if (cJSON_IsString(s) && s->valuestring[0])
			*langs |= 1u << l;
	}
	cJSON_Delete(o);
	free(buf);
	if (!*langs) {
		fprintf(stderr, "hall-controller preview: --notice %s: no text in any language ({\"text\":{\"ko\":…}})\n", file);
		return 1;
	}
	return 0;
}

/* Wait for the preview kiosk, at most timeout_ms (then it is killed): a preview that
 * renders shots always ends. Once the file done exists (NULL: none), the kiosk is asked to
 * stop (TERM): its shots are all written. Returns its exit code, 1 when killed or gone. */
static int wait_child(pid_t pid, int64_t timeout_ms, const char *done)
{
	int status = 0, termed = 0;
	int64_t until = hall_clock_mono_ms() + timeout_ms;
	for (;;) {
		pid_t r = waitpid(pid, &status, timeout_ms > 0 ? WNOHANG : 0);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		if (done && !termed && hall_fs_exists(done)) {
			kill(pid, SIGTERM);
			termed = 1;
		}
		if (r < 0 && errno != EINTR)
			return 1;
		if (timeout_ms > 0 && hall_clock_mono_ms() >= until) {
			fprintf(stderr, "hall-controller preview: the kiosk took longer than %lld s: stopped\n",
			        (long long)(timeout_ms / 1000));
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 1;
		}
		if (timeout_ms > 0)
			usleep(100 * 1000);
	}
}

int hall_staff_preview(int argc, char **argv)
{
	char self[PATH_MAX], kiosk[PATH_MAX + 16], dir[PATH_MAX], tmp[PATH_MAX], conf[PATH_MAX + 32];
	char data[PATH_MAX + 32], script[PATH_MAX + 32], shots_abs[PATH_MAX];
	const char *pack = NULL, *shots = NULL, *notice = NULL;
	hall_content *content = NULL;
	int n_shots = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--shots") == 0 && i + 1 < argc)
			shots = argv[++i];
		else if (strcmp(argv[i], "--notice") == 0 && i + 1 < argc)
			notice = argv[++i];
		else if (argv[i][0] != '-' && !pack)
			pack = argv[i];
		else {
			fprintf(stderr, "hall-controller preview: %s: %s\n", argv[i],
			        argv[i][0] == '-' ? "unknown option or missing value (preview DIR [--shots OUT [--notice FILE]])" : "expected one folder");
			return 2;
		}
	}
	if (!pack) {
		fprintf(stderr, "hall-controller preview: DIR: missing (the content pack folder)\n");
		return 2;
	}
	if (notice && !shots) {
		fprintf(stderr, "hall-controller preview: --notice: needs --shots OUT (it draws the notice to PNG files)\n");
		return 2;
	}
	/* A window needs a display; without one the kiosk would run unseen and forever. */
	const char *drv = getenv("SDL_VIDEODRIVER");
	if (!shots && !getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !(drv && *drv)) {
		fprintf(stderr, "hall-controller preview: no display here: use --shots OUT to render every exhibit in every "
		                "language to PNG files\n");
		return 2;
	}
	if (validate_dir(pack) != 0)
		return 1;
	if (shots && (hall_content_load_dir(pack, NULL, NULL, &content, NULL) != HALL_OK ||
	              hall_fs_mkdirs(shots, NULL) != HALL_OK || !realpath(shots, shots_abs))) {
		fprintf(stderr, "hall-controller preview: --shots %s: cannot make the folder\n", shots);
		hall_content_destroy(content);
		return 1;
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || !realpath(pack, dir)) {
		fprintf(stderr, "hall-controller preview: %s: cannot resolve the path\n", argv[1]);
		return 1;
	}
	self[n] = '\0';
	snprintf(kiosk, sizeof kiosk, "%s/hall-kiosk", dirname(self));
	if (access(kiosk, X_OK) != 0) {
		fprintf(stderr, "hall-controller preview: %s: not found (build hall-kiosk next to hall-controller)\n", kiosk);
		return 1;
	}
	int port = unused_port();
	const char *base = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/hall-preview-XXXXXX", base && *base ? base : "/tmp");
	if (port < 0 || !mkdtemp(tmp)) {
		fprintf(stderr, "hall-controller preview: cannot make a temporary folder or port\n");
		return 1;
	}
	snprintf(conf, sizeof conf, "%s/kiosk.json", tmp);
	snprintf(data, sizeof data, "%s/data", tmp);
	cJSON *o = cJSON_CreateObject(), *b = cJSON_AddObjectToObject(o, "broker"), *s = cJSON_AddObjectToObject(o, "screen");
	cJSON_AddStringToObject(o, "id", "preview");
	cJSON_AddStringToObject(o, "group", "preview");
	cJSON_AddStringToObject(b, "host", "127.0.0.1");
	cJSON_AddNumberToObject(b, "port", port);
	cJSON_AddStringToObject(o, "data_dir", data);
	cJSON_AddStringToObject(o, "default_content", dir);
	cJSON_AddBoolToObject(s, "fullscreen", false);
	if (shots)
		cJSON_AddBoolToObject(cJSON_AddObjectToObject(o, "voice"), "enabled", false);
	size_t len = 0;
	char *json = hall_json_print(o, &len);
	cJSON_Delete(o);
	hall_error err = {0};
	int code = 1;
	if (!json || hall_fs_write_atomic(conf, json, len, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller preview: %s: cannot write the config\n", conf);
		goto done;
	}
	snprintf(script, sizeof script, "%s/shots.script", tmp);
	unsigned notice_langs = 0;
	if (notice && copy_notice(notice, shots_abs, &notice_langs) != 0)
		goto done;
	if (shots && (n_shots = write_shots_script(script, content, notice != NULL, notice_langs)) < 0) {
		fprintf(stderr, "hall-controller preview: %s: cannot write the script\n", script);
		goto done;
	}
	if (shots)
		printf("preview of %s: %d screens (%s) into %s\n", dir, n_shots,
		       notice ? "the notice on the home screen, in each language it is written in"
		              : "every exhibit in every language", shots_abs);
	else
		printf("preview of %s in %s (broker 127.0.0.1:%d, where nobody listens)\n", dir, kiosk, port);
	fflush(stdout);
	char done[PATH_MAX + 32]; /* written by the script once every shot is */
	snprintf(done, sizeof done, "%s/preview-done.json", shots ? shots_abs : ".");
	if (shots)
		remove(done); /* one left by an earlier preview into the same folder */
	pid_t pid = fork();
	if (pid == 0) {
		if (shots) {
			/* Headless: SDL's offscreen driver draws with the software renderer, as a kiosk does. */
			setenv("SDL_VIDEODRIVER", "offscreen", 1);
			setenv("SDL_AUDIODRIVER", "dummy", 1);
			int null = open("/dev/null", O_WRONLY);
			if (null >= 0) {
				dup2(null, STDOUT_FILENO); /* the kiosk's own lines about each shot */
				close(null);
			}
			execl(kiosk, kiosk, "--config", conf, "--headless", "--script", script, "--shots", shots_abs, (char *)NULL);
		} else
			execl(kiosk, kiosk, "--config", conf, (char *)NULL);
		_exit(127);
	}
	if (pid > 0) {
		/* Ctrl-C or a TERM is passed on to the kiosk, and we stay to remove the temp dir. */
		struct sigaction sa, old_int, old_term;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = forward_signal;
		g_preview_child = pid;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		code = wait_child(pid, shots ? 600000 : 0, shots ? done : NULL);
		if (shots)
			remove(done);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (shots && code == 0) {
		/* Every shot the script took, by path; a missing one fails the preview. */
		int missing = 0;
		for (size_t l = 0; l < content->n_languages; l++)
			for (size_t e = 0; e <= (notice ? 0 : content->n_exhibits); e++) {
				if (notice && !(notice_langs & (1u << content->languages[l])))
					continue;
				char png[PATH_MAX + 160];
				snprintf(png, sizeof png, "%s/%s-%s.png", shots_abs, hall_lang_code(content->languages[l]),
				         notice ? "notice" : e ? content->exhibits[e - 1].id : "home");
				if (hall_fs_exists(png))
					printf("  %s\n", png);
				else {
					fprintf(stderr, "hall-controller preview: %s: not written\n", png);
					missing++;
				}
			}
		code = missing ? 1 : 0;
	}
done:
	hall_content_destroy(content);
	free(json);
	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return code;
}
