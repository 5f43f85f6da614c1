/* controller/push.h: the command line of the staff actions (controller/action.h does the
 * work): `push`, `rollback`, and what notice, schedule and command share: the target
 * options (--to, --yes, --allow-unknown), the confirmation of an action on all, and one
 * line per kiosk of the outcome.
 *
 * Output for people goes to stdout, errors to stderr; each returns the exit code (0, 1
 * failed or refused, 2 usage or an unknown target or no confirmation). */
#ifndef HALL_CTL_PUSH_H
#define HALL_CTL_PUSH_H

#include <stdbool.h>
#include <stdint.h>
#include "action.h"
#include "hall/config.h"
#include "hall/protocol.h"

/* `push DIR --to TARGET [--timeout S] [--yes] [--allow-unknown]` and `push --clear --to TARGET`.
 * argv[0] is the subcommand. */
int hall_push_cli(const hall_controller_config *cfg, int argc, char **argv);
/* `rollback --to TARGET [--timeout S] [--yes] [--allow-unknown]`. */
int hall_push_rollback_cli(const hall_controller_config *cfg, int argc, char **argv);

/* Parse "--timeout S" style seconds (1..max); -1 when invalid. */
int hall_push_parse_seconds(const char *s, int max);

/* The options every targeted action takes. hall_cli_target_arg: 1 when argv[*i] was one
 * of --to, --yes, --allow-unknown, --timeout (moving *i past its value), 0 when not, -1
 * (after one line on stderr naming it) on a bad value. */
typedef struct hall_cli_target {
	const char *to;
	bool yes;
	bool allow_unknown;
	int timeout_s;
	bool declined;        /* set by hall_cli_opts: the person answered no at the terminal */
} hall_cli_target;
int hall_cli_target_arg(const char *what, int argc, char **argv, int *i, hall_cli_target *t);
/* --to checked and parsed; 2 (after one line) when missing or not a target. */
int hall_cli_target_scope(const char *what, const hall_cli_target *t, hall_scope *scope);
/* The options of an action for the OS user running this (opts->person points into
 * person, of at least 64 bytes): issues printed (errors to stderr), and an action on all
 * confirmed by --yes or, at a terminal, by the person answering y to a question that
 * says how many screens it changes. */
void hall_cli_opts(const hall_controller_config *cfg, const char *what, hall_cli_target *t,
                   const hall_scope *scope, hall_action_opts *opts, char *person, size_t person_len);
/* One problem of a pack or schedule: "error: PATH: MSG" on stderr, warnings on stdout. */
void hall_cli_print_issue(void *user, const hall_issue *issue);
/* cfg's database when it exists (the caller closes it), else NULL: an action opens (and
 * creates) one only once it goes ahead, so a refused attempt makes no database, and is
 * recorded in the history of one that exists. */
hall_store *hall_cli_existing_store(const hall_controller_config *cfg);
/* Print the outcome: the first line (`verb KIND version N to SCOPE`), one line per kiosk,
 * or the refusal or failure on stderr. Returns the exit code: res->exit_code, but 1 when
 * the person declined at the terminal. */
int hall_cli_print_result(const hall_controller_config *cfg, const char *what, const char *verb,
                          const hall_action_result *res, const hall_cli_target *t);

#endif
