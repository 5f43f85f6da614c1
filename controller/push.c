/* push.c: the command line of push and rollback, and what the other targeted staff
 * commands share (see push.h). The work is in action.c. */
#include "push.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/fsutil.h"

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

/* ---------------------------------------------------------------- shared options */

int hall_cli_target_arg(const char *what, int argc, char **argv, int *i, hall_cli_target *t)
{
	const char *a = argv[*i];
	if (strcmp(a, "--to") == 0 && *i + 1 < argc)
		t->to = argv[++*i];
	else if (strncmp(a, "--to=", 5) == 0)
		t->to = a + 5;
	else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0)
		t->yes = true;
	else if (strcmp(a, "--allow-unknown") == 0)
		t->allow_unknown = true;
	else if (strcmp(a, "--timeout") == 0 && *i + 1 < argc) {
		if ((t->timeout_s = hall_push_parse_seconds(argv[++*i], 3600)) < 0) {
			fprintf(stderr, "hall-controller %s: --timeout: expected seconds 1..3600\n", what);
			return -1;
		}
	} else
		return 0;
	return 1;
}

int hall_cli_target_scope(const char *what, const hall_cli_target *t, hall_scope *scope)
{
	if (!t->to) {
		fprintf(stderr, "hall-controller %s: --to: missing (all, group:NAME or kiosk:ID)\n", what);
		return 2;
	}
	if (hall_scope_parse(t->to, scope) != 0) {
		fprintf(stderr, "hall-controller %s: --to: \"%s\" is not all, group:NAME or kiosk:ID\n", what, t->to);
		return 2;
	}
	return 0;
}

void hall_cli_print_issue(void *user, const hall_issue *issue)
{
	bool is_err = issue->severity == HALL_ISSUE_ERROR;
	(void)user;
	fprintf(is_err ? stderr : stdout, "%s: %s%s%s\n", is_err ? "error" : "warning", issue->path,
	        issue->path[0] ? ": " : "", issue->msg);
}

hall_store *hall_cli_existing_store(const hall_controller_config *cfg)
{
	char path[HALL_CONFIG_PATH_MAX + 32];
	hall_store *store = NULL;
	/* A server database (`database`) is there by its server's word: DATA holds no file for
	 * it, and without this the commands on a PostgreSQL hall knew no kiosk at all. */
	if ((!cfg->database[0] && (hall_fs_join(path, sizeof path, cfg->data_dir, "controller.db") != 0 ||
	                           !hall_fs_exists(path))) ||
	    hall_ctl_open_store(cfg, &store, NULL) != HALL_OK)
		return NULL;
	return store;
}

/* An action on all, at a terminal without --yes: ask, saying how many screens change. */
static bool ask(const hall_controller_config *cfg, const char *what)
{
	char line[32];
	size_t known = 0, online = 0;
	hall_store *store = hall_cli_existing_store(cfg);
	if (store) {
		hall_action_count_fleet(store, &known, &online);
		hall_store_close(store);
	}
	fprintf(stderr, "%s to all changes every screen of the hall: %zu kiosk%s known, %zu online. Go on? [y/N] ", what,
	        known, known == 1 ? "" : "s", online);
	fflush(stderr);
	if (!fgets(line, sizeof line, stdin))
		return false;
	return strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0 || strcmp(line, "yes\n") == 0;
}

void hall_cli_opts(const hall_controller_config *cfg, const char *what, hall_cli_target *t, const hall_scope *scope,
                   hall_action_opts *opts, char *person, size_t person_len)
{
	memset(opts, 0, sizeof *opts);
	hall_ctl_user(person, person_len);
	opts->person = person;
	opts->timeout_s = t->timeout_s > 0 ? t->timeout_s : 10;
	opts->allow_unknown = t->allow_unknown;
	opts->confirmed = t->yes || hall_ctl_has_actor();
	opts->issue = hall_cli_print_issue;
	if (scope->kind == HALL_SCOPE_ALL && !opts->confirmed && isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
		opts->confirmed = ask(cfg, what);
		t->declined = !opts->confirmed;
	}
}

/* ---------------------------------------------------------------- printing the outcome */

/* "by HH:MM:SS" in the hall's zone, with the date when it is not today's there. */
static void print_until(const hall_controller_config *cfg, int64_t until, char *out, size_t len)
{
	hall_civil c, today;
	out[0] = '\0';
	if (until <= 0 || hall_clock_to_civil(until, cfg->time_zone, &c) != 0)
		return;
	if (hall_clock_to_civil(hall_clock_now_ms(), cfg->time_zone, &today) == 0 && today.year == c.year &&
	    today.month == c.month && today.day == c.day)
		snprintf(out, len, " (applies by %02d:%02d:%02d at the latest)", c.hour, c.minute, c.second);
	else
		snprintf(out, len, " (applies by %04d-%02d-%02d %02d:%02d:%02d at the latest)", c.year, c.month, c.day,
		         c.hour, c.minute, c.second);
}

static void print_kiosk(const hall_controller_config *cfg, const hall_action_result *res, const hall_kiosk_outcome *k,
                        int timeout_s)
{
	char when[80];
	switch (k->answer) {
	case HALL_ANSWER_OFFLINE:
		if (strcmp(res->kind, "command") == 0)
			printf("  %-24s offline: queued, sent when it connects while the ttl lasts\n", k->id);
		else
			printf("  %-24s offline: pending, gets it on its next connect\n", k->id);
		break;
	case HALL_ANSWER_DEFERRED:
		print_until(cfg, k->until, when, sizeof when);
		if (strcmp(k->reason, HALL_ACK_DEFER_SESSION) == 0)
			printf("  %-24s deferred until the visitor's session ends%s\n", k->id, when);
		else
			printf("  %-24s deferred: %s%s\n", k->id, k->reason[0] ? k->reason : "(no reason given)", when);
		break;
	case HALL_ANSWER_APPLIED:
		if (k->showing.scope[0] && strcmp(res->action, "clear") == 0)
			printf("  %-24s applied: now shows %s version %" PRId64 "%s%s%s\n", k->id,
			       strcmp(k->showing.scope, "default") == 0 ? "the built-in pack" : k->showing.scope,
			       k->showing.version, k->showing.pack[0] ? " (" : "", k->showing.pack, k->showing.pack[0] ? ")" : "");
		else
			printf("  %-24s applied\n", k->id);
		break;
	case HALL_ANSWER_STORED:
		printf("  %-24s stored, not shown: the %s override (version %" PRId64 ") hides it\n", k->id, k->hidden_by,
		       k->hidden_version);
		break;
	case HALL_ANSWER_DONE:
		printf("  %-24s done%s%s\n", k->id, k->command_id[0] && res->n_kiosks > 1 ? " " : "",
		       k->command_id[0] && res->n_kiosks > 1 ? k->command_id : "");
		if (k->shot_path[0])
			printf("  screenshot saved: %s\n", k->shot_path);
		break;
	case HALL_ANSWER_REJECTED:
		printf("  %-24s %s: %s\n", k->id, strcmp(res->kind, "command") == 0 ? "failed" : "rejected",
		       k->reason[0] ? k->reason : "(no reason given)");
		break;
	case HALL_ANSWER_NO_ANSWER:
	case HALL_ANSWER_WAITING:
		printf("  %-24s no answer within %d s\n", k->id, timeout_s);
		break;
	}
}

int hall_cli_print_result(const hall_controller_config *cfg, const char *what, const char *verb,
                          const hall_action_result *res, const hall_cli_target *t)
{
	int timeout_s = t && t->timeout_s > 0 ? t->timeout_s : 10;
	if (res->outcome == HALL_OUTCOME_REFUSED || !res->published) {
		if (t && t->declined && res->outcome == HALL_OUTCOME_REFUSED) {
			fprintf(stderr, "hall-controller %s: not confirmed: nothing done\n", what);
			return 1;
		}
		fprintf(stderr, "hall-controller %s: %s\n", what, res->reason[0] ? res->reason : "failed");
		return res->exit_code ? res->exit_code : 1;
	}
	if (strcmp(res->kind, "command") == 0)
		printf("command %s (%s) to %s\n", res->command_id, verb, res->scope);
	else
		printf("%s %s version %" PRId64 " to %s\n", verb, res->kind, res->version, res->scope);
	if (res->n_kiosks == 0) {
		if (strcmp(res->kind, "command") == 0)
			printf("  %s was never seen: queued, sent when it connects\n", res->scope);
		else
			printf("  no kiosk known for %s yet: nothing to wait for\n", res->scope);
	}
	for (size_t i = 0; i < res->n_kiosks; i++)
		print_kiosk(cfg, res, &res->kiosks[i], timeout_s);
	if (res->outcome == HALL_OUTCOME_FAILED && res->n_kiosks == 0)
		fprintf(stderr, "hall-controller %s: %s\n", what, res->reason);
	return res->exit_code;
}

/* ---------------------------------------------------------------- push and rollback */

int hall_push_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	hall_cli_target t = {0};
	hall_scope scope;
	hall_action_opts opts;
	hall_action_result res;
	char person[64];
	const char *dir = NULL;
	bool clear = false;
	for (int i = 1; i < argc; i++) {
		int r = hall_cli_target_arg("push", argc, argv, &i, &t);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (strcmp(argv[i], "--clear") == 0)
			clear = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "hall-controller push: %s: unknown option or missing value\n", argv[i]);
			return 2;
		} else if (!dir)
			dir = argv[i];
		else {
			fprintf(stderr, "hall-controller push: unexpected argument \"%s\"\n", argv[i]);
			return 2;
		}
	}
	int code = hall_cli_target_scope("push", &t, &scope);
	if (code)
		return code;
	if (!clear && !dir) {
		fprintf(stderr, "hall-controller push: DIR: missing (the content pack folder)\n");
		return 2;
	}
	if (clear && dir) {
		fprintf(stderr, "hall-controller push: --clear takes no DIR\n");
		return 2;
	}
	hall_cli_opts(cfg, clear ? "Clearing the content" : "Pushing a pack", &t, &scope, &opts, person, sizeof person);
	hall_store *store = hall_cli_existing_store(cfg);
	if (clear)
		hall_action_clear_content(cfg, store, &scope, &opts, &res);
	else
		hall_action_push_pack(cfg, store, dir, &scope, &opts, &res);
	code = hall_cli_print_result(cfg, "push", clear ? "cleared" : "pushed", &res, &t);
	hall_action_result_free(&res);
	hall_store_close(store);
	return code;
}

int hall_push_rollback_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	hall_cli_target t = {0};
	hall_scope scope;
	hall_action_opts opts;
	hall_action_result res;
	char person[64];
	for (int i = 1; i < argc; i++) {
		int r = hall_cli_target_arg("rollback", argc, argv, &i, &t);
		if (r < 0)
			return 2;
		if (r == 0) {
			fprintf(stderr, "hall-controller rollback: %s: %s\n", argv[i],
			        argv[i][0] == '-' ? "unknown option or missing value" : "unexpected argument");
			return 2;
		}
	}
	int code = hall_cli_target_scope("rollback", &t, &scope);
	if (code)
		return code;
	hall_cli_opts(cfg, "Rolling back", &t, &scope, &opts, person, sizeof person);
	hall_store *store = hall_cli_existing_store(cfg);
	hall_action_rollback(cfg, store, &scope, &opts, &res);
	code = hall_cli_print_result(cfg, "rollback", "rolled back: published", &res, &t);
	hall_action_result_free(&res);
	hall_store_close(store);
	return code;
}
