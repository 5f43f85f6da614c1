/* main.c: hall-controller, the program of the hall's staff and facility team.
 *
 *   hall-controller SUBCOMMAND [args] [--config F] [--broker HOST:PORT] [--id ID] [--data DIR]
 *
 * --id (or the config's "id", default "hall-controller") is serve's MQTT client id; the
 * staff commands connect as "<id>-<action>-<pid>", so they never take serve's session.
 *
 * Exit codes: 0 success, 1 the operation failed (a bad pack, a kiosk rejected, the
 * database or broker failed), 2 a usage or config error (one line naming the field). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/log.h"
#include "pack_cli.h"
#include "push.h"
#include "report.h"
#include "serve.h"
#include "staff.h"
#include "store.h"
#include "ctl.h"
#include "enroll.h"
#include "users_cli.h"
#include "upkeep.h"

static volatile sig_atomic_t g_stop = 0;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void usage(FILE *out)
{
	fputs("usage: hall-controller SUBCOMMAND [args] [--config F] [--broker HOST:PORT] [--id ID] [--data DIR]\n"
	      "\n"
	      "  serve [--create] [--console HOST:PORT]  run the daemon (events, fleet, polls, reports) on\n"
	      "                                      the database of --data (--create makes one, for\n"
	      "                                      development) and the staff console (docs/console.md)\n"
	      "  push DIR --to TARGET [--timeout S]  validate, store and publish a content pack\n"
	      "  push --clear --to TARGET            remove an override (or, with all, everyone's pack)\n"
	      "  rollback --to TARGET [--timeout S]  publish the previous pack again\n"
	      "  validate DIR                        check a content pack, print every problem\n"
	      "  pack new DIR | pack update DIR      write the assets' sha256 and size into the manifest\n"
	      "  preview DIR [--shots OUT]           show a pack in hall-kiosk, or render every exhibit to PNGs\n"
	      "          [--notice FILE]             (with --shots) render a notice {level,text} on each language's home\n"
	      "  status [--json] [--clear-alert KIOSK]  the fleet: online, what each shows, errors, alerts\n"
	      "  help ack KIOSK                      the kiosk's calls for staff were seen to\n"
	      "  db check [--full]                   is the database sound? (SQLite quick_check)\n"
	      "  db backup --out FILE                a consistent copy, also while serve runs\n"
	      "  db restore FILE                     replace the database by a backup (serve stopped)\n"
	      "  history [--to TARGET] [--limit N]   pushes, rollbacks, schedules, notices, commands\n"
	      "  notice TEXT... --to TARGET [--level info|urgent] [--until YYYY-MM-DDTHH:MM]\n"
	      "         [--lang ko] [--text LANG=TEXT ...]     raise a notice on the screens\n"
	      "  notice --clear --to TARGET          take it down\n"
	      "  schedule push FILE --to TARGET      publish a schedule\n"
	      "  schedule validate FILE | show --to TARGET [--at T] | clear --to TARGET\n"
	      "  command screenshot|reload|show EXHIBIT|identify --to TARGET [--ttl S]\n"
	      "  user add NAME --role viewer|operator|editor|admin | list | remove NAME | passwd NAME\n"
	      "                                      console accounts (password on standard input)\n"
	      "  report [--date D | --from D --to D] [--format text|csv|json|html] [--out F] [--lang ko|en]\n"
	      "  init --data DIR [--broker HOST:PORT] [--broker-kind mosquitto|rabbitmq] [--name DNSNAME ...]\n"
	      "                                      keys, the hall's CA and certificate, broker and controller\n"
	      "                                      configs, database (keeps what exists)\n"
	      "  kiosk add ID --group NAME --out FILE [--rotate]   enroll a kiosk, write its config\n"
	      "  kiosk remove ID | kiosk list        revoke a kiosk at once; the enrolled kiosks\n"
	      "\n"
	      "TARGET is all, group:NAME or kiosk:ID; an unknown kiosk or group is refused unless\n"
	      "--allow-unknown, an action on all needs --yes (or a yes at the terminal).\n"
	      "--id ID: serve's MQTT client id (default hall-controller; two serves on one broker\n"
	      "need different ones).\n",
	      out);
}

/* The config: the file named by --config (an error when missing), else
 * config/controller.json when it exists, else the defaults; then the overrides. */
static int load_config(const hall_config_args *args, hall_controller_config *cfg)
{
	hall_error err = {0};
	char msg[600];
	hall_err rc;
	if (args->config || hall_fs_exists(HALL_CONFIG_CONTROLLER_DEFAULT))
		rc = hall_controller_config_load(args, cfg, &err);
	else {
		hall_controller_config_defaults(cfg);
		rc = hall_controller_config_apply_args(cfg, args, &err);
		if (rc == HALL_OK)
			rc = hall_controller_config_finish(cfg, &err);
	}
	if (rc != HALL_OK) {
		fprintf(stderr, "hall-controller: %s\n", hall_error_format(&err, msg, sizeof msg));
		hall_controller_config_free(cfg);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	hall_config_args args;
	hall_controller_config cfg;
	hall_error err = {0};
	char msg[600];
	int code = 2;
	memset(&cfg, 0, sizeof cfg);
	hall_log_set_name("controller");
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	bool help_ack = strcmp(sub, "help") == 0 && argc > 2 && strcmp(argv[2], "ack") == 0;
	if (!help_ack && (strcmp(sub, "help") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	/* argv without the subcommand: the config helper takes its options out. */
	for (int i = 1; i + 1 < argc; i++)
		argv[i] = argv[i + 1];
	argc--;
	argv[argc] = NULL;
	if (hall_config_parse_args(&argc, argv, &args, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller: %s\n", hall_error_format(&err, msg, sizeof msg));
		return 2;
	}
	/* validate and preview need no config. */
	if (strcmp(sub, "validate") == 0)
		return hall_staff_validate(argc, argv);
	if (strcmp(sub, "preview") == 0)
		return hall_staff_preview(argc, argv);
	if (strcmp(sub, "pack") == 0)
		return hall_pack_cli(argc, argv);
	/* init makes the config: it reads none. */
	if (strcmp(sub, "init") == 0)
		return hall_enroll_init_cli(&args, argc, argv);

	if (load_config(&args, &cfg) != 0)
		return 2;
	hall_log_set_level(cfg.log_level);
	/* The subcommands that tell kiosks something sign it: a signing_key that cannot be read
	 * is a configuration error named before anything is connected or recorded. */
	static const char *const publishing[] = {"serve", "push", "rollback", "notice", "schedule", "command", NULL};
	for (size_t i = 0; publishing[i]; i++) {
		if (strcmp(sub, publishing[i]) == 0 && hall_ctl_signing_check(&cfg, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller: signing_key: %s\n", hall_error_format(&err, msg, sizeof msg));
			goto done;
		}
	}

	if (strcmp(sub, "serve") == 0) {
		bool create = false;
		for (int i = 1; i < argc; i++) {
			if (strcmp(argv[i], "--create") == 0) {
				create = true;
				continue;
			}
			if (strcmp(argv[i], "--console") == 0 && i + 1 < argc &&
			    strlen(argv[i + 1]) < sizeof cfg.console.listen) {
				snprintf(cfg.console.listen, sizeof cfg.console.listen, "%s", argv[++i]);
				cfg.console.enabled = true;
				continue;
			}
			fprintf(stderr, "hall-controller serve: unexpected argument \"%s\"\n", argv[i]);
			goto done;
		}
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		code = hall_serve_run(&cfg, create, &g_stop);
	} else if (strcmp(sub, "kiosk") == 0) {
		code = hall_enroll_kiosk_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "push") == 0) {
		code = hall_push_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "rollback") == 0) {
		code = hall_push_rollback_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "db") == 0) {
		code = hall_upkeep_db_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "help") == 0) {
		code = hall_upkeep_help_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "status") == 0) {
		code = hall_staff_status(&cfg, argc, argv);
	} else if (strcmp(sub, "history") == 0) {
		code = hall_staff_history(&cfg, argc, argv);
	} else if (strcmp(sub, "notice") == 0) {
		code = hall_staff_notice(&cfg, argc, argv);
	} else if (strcmp(sub, "schedule") == 0) {
		code = hall_staff_schedule(&cfg, argc, argv);
	} else if (strcmp(sub, "command") == 0) {
		code = hall_staff_command(&cfg, argc, argv);
	} else if (strcmp(sub, "user") == 0) {
		code = hall_users_cli(&cfg, argc, argv);
	} else if (strcmp(sub, "report") == 0) {
		hall_store *store = NULL;
		/* A report reads: read-only, never creating a database (a wrong --data must say
		 * so, not print an empty "complete" report). Exit 1, as status and history. */
		if (hall_ctl_open_store_mode(&cfg, HALL_STORE_READ_CURRENT, &store, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller report: %s\n", hall_error_format(&err, msg, sizeof msg));
			code = 1;
		} else {
			code = hall_report_cli(store, &cfg, argc, argv);
			hall_store_close(store);
		}
	} else {
		fprintf(stderr, "hall-controller: unknown subcommand \"%s\" (try hall-controller help)\n", sub);
		code = 2;
	}
done:
	hall_controller_config_free(&cfg);
	return code;
}
