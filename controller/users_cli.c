/* users_cli.c: `hall-controller user add|list|remove|passwd` (see users_cli.h). */
#include "users_cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "store.h"
#include "store_users.h"

static int usage(void)
{
	fprintf(stderr, "usage: hall-controller user add NAME --role viewer|operator|editor|admin | user list |\n"
	                "       user remove NAME | user passwd NAME   (passwords are read from standard input)\n");
	return 2;
}

/* One line from stdin without its line end; -1 when none or too long. */
static int read_password(char *out, size_t len)
{
	if (!fgets(out, (int)len, stdin))
		return -1;
	size_t n = strlen(out);
	if (n && out[n - 1] != '\n' && !feof(stdin))
		return -1;
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return 0;
}

static int print_user(void *user, const hall_user *u)
{
	const char *tz = user;
	hall_civil c;
	char when[32] = "-";
	if (hall_clock_to_civil(u->updated, tz, &c) == 0)
		snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d", c.year % 10000, c.month % 100, c.day % 100,
		         c.hour % 100, c.minute % 100);
	printf("%-32s %-9s %s\n", u->name, hall_role_name(u->role), when);
	return 0;
}

static void record(const hall_controller_config *cfg, const char *action, const char *name, const char *detail)
{
	hall_store *store = NULL;
	hall_store_history h = {.ts = hall_clock_now_ms()};
	hall_ctl_user(h.user, sizeof h.user);
	snprintf(h.action, sizeof h.action, "%s", action);
	snprintf(h.kind, sizeof h.kind, "account");
	snprintf(h.target, sizeof h.target, "%s", name);
	snprintf(h.detail, sizeof h.detail, "%s", detail);
	if (hall_ctl_open_store(cfg, &store, NULL) == HALL_OK)
		hall_store_add_history(store, &h, NULL);
	hall_store_close(store);
}

int hall_users_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL, *name = NULL, *role_s = NULL;
	hall_role role = HALL_ROLE_NONE;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
			role_s = argv[++i];
		else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "hall-controller user: %s: unexpected argument\n", argv[i]);
			return usage();
		} else
			name = argv[i];
	}
	if (!verb)
		return usage();
	bool list = strcmp(verb, "list") == 0, add = strcmp(verb, "add") == 0;
	if (!list && !add && strcmp(verb, "remove") && strcmp(verb, "passwd")) {
		fprintf(stderr, "hall-controller user: %s: expected add, list, remove or passwd\n", verb);
		return 2;
	}
	if (!list && !hall_user_name_is_valid(name)) {
		fprintf(stderr, "hall-controller user %s: NAME: expected 1 to %d of a-z 0-9 . _ - (starting a-z 0-9)\n", verb,
		        HALL_USER_NAME_MAX);
		return 2;
	}
	if (add && (!role_s || hall_role_from_name(role_s, &role) != 0)) {
		fprintf(stderr, "hall-controller user add: --role: expected viewer, operator, editor or admin\n");
		return 2;
	}
	if (!add && role_s) {
		fprintf(stderr, "hall-controller user %s: --role: only for add\n", verb);
		return 2;
	}
	char password[HALL_USER_PASSWORD_MAX + 2];
	if ((add || strcmp(verb, "passwd") == 0) && read_password(password, sizeof password) != 0) {
		fprintf(stderr, "hall-controller user %s: password: give it on standard input (one line, %d to %d bytes)\n",
		        verb, HALL_USER_PASSWORD_MIN, HALL_USER_PASSWORD_MAX);
		return 2;
	}
	/* The database as the other commands make it (schema and all), then the accounts. */
	hall_store *store = NULL;
	hall_users *users = NULL;
	hall_error err = {0};
	char msg[600], path[HALL_CONFIG_PATH_MAX + 32];
	int code = 1;
	hall_err rc;
	if (cfg->database[0]) /* pg: the accounts live in the PostgreSQL database too */
		snprintf(path, sizeof path, "%s", cfg->database);
	if (hall_ctl_open_store(cfg, &store, &err) != HALL_OK ||
	    (!cfg->database[0] && hall_fs_join(path, sizeof path, cfg->data_dir, "controller.db") != 0) ||
	    hall_users_open(path, &users, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller user: database: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	hall_store_close(store);
	store = NULL;
	if (list)
		rc = hall_users_each(users, print_user, (void *)cfg->time_zone, &err);
	else if (add)
		rc = hall_users_add(users, name, role, password, &err);
	else if (strcmp(verb, "remove") == 0)
		rc = hall_users_remove(users, name, &err);
	else
		rc = hall_users_set_password(users, name, password, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall-controller user %s: %s\n", verb, hall_error_format(&err, msg, sizeof msg));
		code = rc == HALL_ERR_INVALID ? 2 : 1;
		goto done;
	}
	if (!list) {
		char detail[64] = "";
		if (add)
			snprintf(detail, sizeof detail, "role %s", hall_role_name(role));
		record(cfg, add ? "user-add" : strcmp(verb, "remove") == 0 ? "user-remove" : "user-passwd", name, detail);
		printf("%s %s%s%s\n", add ? "added" : strcmp(verb, "remove") == 0 ? "removed" : "password changed for", name,
		       add ? " as " : "", add ? hall_role_name(role) : "");
	}
	code = 0;
done:
	memset(password, 0, sizeof password);
	hall_users_close(users);
	hall_store_close(store);
	return code;
}
