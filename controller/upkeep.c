/* upkeep.c: see upkeep.h. */
#include "upkeep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/fsutil.h"

#define BACKUP_PREFIX "controller-"
#define BACKUP_SUFFIX ".db"     /* SQLite's online backup: a database file */
#define BACKUP_SUFFIX_PG ".dump" /* pg_dump's custom format (PostgreSQL) */

extern char **environ;

static void print_err(const char *what, const hall_error *err)
{
	char msg[600];
	fprintf(stderr, "hall-controller %s: %s\n", what, hall_error_format(err, msg, sizeof msg));
}

hall_err hall_upkeep_lock(const char *data_dir, int *fd, hall_error *err)
{
	char path[HALL_CONFIG_PATH_MAX + 32];
	if (hall_fs_join(path, sizeof path, data_dir, "serve.lock") != 0)
		return hall_error_set(err, HALL_ERR_INVALID, data_dir, "path too long");
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (f < 0)
		return hall_error_set(err, HALL_ERR_IO, path, "%s", strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(f);
		if (e == EWOULDBLOCK)
			return hall_error_set(err, HALL_ERR_STALE, data_dir,
			                      "serve (or a restore) is running on this folder: stop it first");
		return hall_error_set(err, HALL_ERR_IO, path, "lock: %s", strerror(e));
	}
	*fd = f;
	return HALL_OK;
}

void hall_upkeep_db_name(const hall_controller_config *cfg, char *out, size_t len)
{
	if (cfg->database[0])
		hall_store_redact_uri(cfg->database, out, len);
	else
		snprintf(out, len, "%s/controller.db", cfg->data_dir);
}

void hall_upkeep_damaged_advice(const hall_controller_config *cfg, char *out, size_t len)
{
	int n = cfg->database[0]
	            ? snprintf(out, len,
	                       "confirms stopped (kiosks keep their events); stop every serve on it, run `hall-controller"
	                       " db restore FILE` with this config and the newest backup in %s, then start serve: kiosks"
	                       " send again what it lacks",
	                       cfg->backup.dir)
	            : snprintf(out, len,
	                       "confirms stopped (kiosks keep their events); stop serve, run `hall-controller db restore"
	                       " FILE --data %s` with the newest backup in %s, then start serve: kiosks send again what"
	                       " it lacks",
	                       cfg->data_dir, cfg->backup.dir);
	if (n >= (int)len && len > 4) /* long paths: the advice ends visibly cut rather than silently */
		memcpy(out + len - 4, "...", 4);
}

/* ---------------------------------------------------------------- daily backup */

/* controller-YYYY-MM-DD.db (or .dump, the PostgreSQL one) */
static bool is_daily_name(const char *name, const char *suffix)
{
	size_t n = strlen(name), p = strlen(BACKUP_PREFIX), s = strlen(suffix);
	return n == p + 10 + s && strncmp(name, BACKUP_PREFIX, p) == 0 && strcmp(name + n - s, suffix) == 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Delete all but the newest `keep` daily backups of one kind (their names sort by day). */
static void prune_backups(const char *dir, const char *suffix, int keep)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	char(*names)[64] = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!is_daily_name(e->d_name, suffix))
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			char(*v)[64] = realloc(names, c * sizeof *v);
			if (!v)
				break;
			names = v;
			cap = c;
		}
		memcpy(names[n++], e->d_name, strlen(e->d_name) + 1); /* is_daily_name: 26 bytes at most */
	}
	closedir(d);
	if (n > (size_t)keep) {
		qsort(names, n, sizeof *names, cmp_names);
		for (size_t i = 0; i < n - (size_t)keep; i++) {
			char path[HALL_CONFIG_PATH_MAX + 80];
			if (hall_fs_join(path, sizeof path, dir, names[i]) == 0)
				unlink(path);
		}
	}
	free(names);
}

static const char *backup_suffix(const hall_controller_config *cfg)
{
	return cfg->database[0] ? BACKUP_SUFFIX_PG : BACKUP_SUFFIX;
}

/* backup.dir/controller-<day>.db (.dump) */
static hall_err daily_file(const hall_controller_config *cfg, const char *day, char *file, size_t len, hall_error *err)
{
	char name[64];
	snprintf(name, sizeof name, BACKUP_PREFIX "%.10s%s", day, backup_suffix(cfg));
	if (hall_fs_join(file, len, cfg->backup.dir, name) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "backup.dir", "path too long");
	return HALL_OK;
}

hall_err hall_upkeep_daily_backup(hall_store *s, const hall_controller_config *cfg, const char *day, char *path,
                                  hall_error *err)
{
	char file[HALL_CONFIG_PATH_MAX + 32];
	if (path)
		path[0] = '\0';
	const char *suffix = backup_suffix(cfg);
	if (cfg->backup.keep <= 0)
		return HALL_OK;
	hall_err frc = daily_file(cfg, day, file, sizeof file, err);
	if (frc)
		return frc;
	if (!hall_fs_exists(file)) {
		hall_err rc = hall_fs_mkdirs(cfg->backup.dir, err);
		if (!rc)
			rc = hall_store_backup(s, file, err);
		if (rc)
			return rc;
		if (path)
			snprintf(path, HALL_CONFIG_PATH_MAX + 32, "%s", file);
	}
	prune_backups(cfg->backup.dir, suffix, cfg->backup.keep);
	return HALL_OK;
}

/* ---------------------------------------------------------------- daily backup, in a child */

static void free_env(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* The child's environment: ours, and PGPASSWORD when the database URI holds a password
 * (libpq decodes it), so the URI goes on the child's command line without it (`ps`
 * shows command lines to every user). NULL when out of memory. */
static char **child_env(const char *uri)
{
	char *password = NULL;
	if (uri[0]) {
		PQconninfoOption *opts = PQconninfoParse(uri, NULL);
		for (PQconninfoOption *o = opts; o && o->keyword; o++)
			if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0])
				password = strdup(o->val);
		PQconninfoFree(opts);
	}
	size_t n = 0, k = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	bool oom = !env;
	for (size_t i = 0; env && i < n; i++)
		if (!password || strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			oom |= !(env[k++] = strdup(environ[i]));
	if (env && password) {
		size_t len = strlen(password) + sizeof "PGPASSWORD=";
		if ((env[k] = malloc(len)) != NULL)
			snprintf(env[k], len, "PGPASSWORD=%s", password);
		oom |= !env[k];
	}
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	if (oom) {
		free_env(env);
		return NULL;
	}
	return env;
}

hall_err hall_upkeep_backup_start(const hall_controller_config *cfg, const char *day, hall_upkeep_backup *b,
                                  hall_error *err)
{
	char self[PATH_MAX], data[sizeof cfg->database > sizeof cfg->data_dir ? sizeof cfg->database : sizeof cfg->data_dir];
	b->pid = 0;
	if (cfg->backup.keep <= 0)
		return HALL_OK;
	hall_err rc = daily_file(cfg, day, b->path, sizeof b->path, err);
	if (rc)
		return rc;
	if (hall_fs_exists(b->path)) { /* written by an earlier run today */
		prune_backups(cfg->backup.dir, backup_suffix(cfg), cfg->backup.keep);
		return HALL_OK;
	}
	if ((rc = hall_fs_mkdirs(cfg->backup.dir, err)) != HALL_OK)
		return rc;
	if (hall_fs_join(b->log, sizeof b->log, cfg->backup.dir, "backup.log") != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "backup.dir", "path too long");
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return hall_error_set(err, HALL_ERR_IO, "/proc/self/exe", "cannot find the hall-controller program: %s",
		                      strerror(errno));
	self[n] = '\0';
	if (cfg->database[0])
		hall_store_redact_uri(cfg->database, data, sizeof data);
	else
		snprintf(data, sizeof data, "%s", cfg->data_dir);
	char *argv[10] = {self, "db", "backup", "--out", b->path};
	size_t a = 5;
	if (cfg->source[0]) {
		argv[a++] = "--config";
		argv[a++] = (char *)cfg->source;
	}
	argv[a++] = "--data";
	argv[a++] = data;
	argv[a] = NULL;
	char **env = child_env(cfg->database);
	if (!env)
		return hall_error_set(err, HALL_ERR_NOMEM, b->path, "out of memory");
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, b->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	/* Its own process group: a stop of serve stops the pg_dump under it too. */
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	pid_t pid = 0;
	int e = posix_spawn(&pid, self, &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	free_env(env);
	if (e != 0)
		return hall_error_set(err, HALL_ERR_IO, b->path, "cannot start the backup: %s", strerror(e));
	b->pid = pid;
	b->started = hall_clock_mono_ms();
	return HALL_OK;
}

/* The first line of a file ("" when none). */
static void first_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	out[0] = '\0';
	if (!f)
		return;
	if (fgets(out, (int)len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

bool hall_upkeep_backup_done(const hall_controller_config *cfg, hall_upkeep_backup *b, bool *ok, char *msg,
                             size_t len)
{
	int status = 0;
	if (!b->pid)
		return false;
	pid_t w = waitpid(b->pid, &status, WNOHANG);
	if (w == 0 || (w < 0 && errno == EINTR))
		return false;
	*ok = w == b->pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 && hall_fs_exists(b->path);
	first_line(b->log, msg, len);
	if (!msg[0] && w < 0)
		snprintf(msg, len, "lost the backup process: %s", strerror(errno));
	else if (!msg[0] || (!*ok && WIFSIGNALED(status)))
		snprintf(msg, len, "the backup process %s %d", WIFSIGNALED(status) ? "was killed by signal" : "exited",
		         WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	b->pid = 0;
	if (*ok)
		prune_backups(cfg->backup.dir, backup_suffix(cfg), cfg->backup.keep);
	return true;
}

void hall_upkeep_backup_stop(hall_upkeep_backup *b)
{
	int status = 0;
	if (!b->pid)
		return;
	kill(-b->pid, SIGTERM); /* the group: the child and the pg_dump it runs */
	for (int i = 0; i < 30; i++) {
		if (waitpid(b->pid, &status, WNOHANG) != 0)
			goto reaped;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	kill(-b->pid, SIGKILL);
	waitpid(b->pid, &status, 0);
reaped:
	b->pid = 0;
}

/* ---------------------------------------------------------------- db */

static int db_check(const hall_controller_config *cfg, bool full)
{
	hall_store *s = NULL;
	hall_error err = {0};
	char advice[600], db[HALL_CONFIG_PATH_MAX + 32];
	hall_upkeep_db_name(cfg, db, sizeof db);
	if (hall_ctl_open_store_mode(cfg, HALL_STORE_READ, &s, &err) != HALL_OK) {
		if (strstr(err.msg, "no database here")) {
			print_err("db check", &err);
			return 1;
		}
		/* A file too damaged to open is a finding, not a usage error. */
		hall_error_set(&err, HALL_ERR_DB, "", "damaged: %s", err.msg);
	} else if (hall_store_check(s, full, &err) == HALL_OK) {
		hall_store_close(s);
		/* PostgreSQL says what it checked; SQLite's check is one pragma */
		printf("%s: sound (%s)\n", db, err.msg[0] ? err.msg : full ? "integrity_check" : "quick_check");
		return 0;
	}
	hall_store_close(s);
	hall_upkeep_damaged_advice(cfg, advice, sizeof advice);
	fprintf(stderr, "hall-controller db check: %s: %s; %s\n", db, err.msg, advice);
	return 1;
}

static int db_backup(const hall_controller_config *cfg, const char *out)
{
	hall_store *s = NULL;
	hall_error err = {0};
	if (hall_ctl_open_store_mode(cfg, HALL_STORE_READ, &s, &err) != HALL_OK ||
	    hall_store_backup(s, out, &err) != HALL_OK) {
		hall_store_close(s);
		print_err("db backup", &err);
		return 1;
	}
	hall_store_close(s);
	char db[HALL_CONFIG_PATH_MAX + 32];
	hall_upkeep_db_name(cfg, db, sizeof db);
	printf("backup of %s written to %s\n", db, out);
	return 0;
}

static int db_restore(const hall_controller_config *cfg, const char *from)
{
	hall_error err = {0};
	char db[HALL_CONFIG_PATH_MAX + 32];
	int lock = -1;
	if (cfg->database[0]) { /* PostgreSQL: refused while any hall-controller is connected (store.h) */
		hall_upkeep_db_name(cfg, db, sizeof db);
		if (hall_store_restore_pg(cfg->database, from, &err) != HALL_OK) {
			print_err("db restore", &err);
			return 1;
		}
		printf("restored %s from %s; start serve: the kiosks send again what it lacks\n", db, from);
		return 0;
	}
	if (hall_fs_join(db, sizeof db, cfg->data_dir, "controller.db") != 0) {
		fprintf(stderr, "hall-controller db restore: --data: path too long\n");
		return 2;
	}
	if (hall_fs_mkdirs(cfg->data_dir, &err) != HALL_OK || hall_upkeep_lock(cfg->data_dir, &lock, &err) != HALL_OK) {
		print_err("db restore", &err);
		return 1;
	}
	hall_err rc = hall_store_restore_sqlite(db, from, &err);
	close(lock);
	if (rc) {
		print_err("db restore", &err);
		return 1;
	}
	printf("restored %s from %s; start serve: the kiosks send again what it lacks\n", db, from);
	return 0;
}

int hall_upkeep_db_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	static const char usage[] = "(db check [--full] | db backup --out FILE | db restore FILE)";
	const char *action = argc > 1 ? argv[1] : "";
	if (strcmp(action, "check") == 0 && (argc == 2 || (argc == 3 && strcmp(argv[2], "--full") == 0)))
		return db_check(cfg, argc == 3);
	if (strcmp(action, "backup") == 0 && argc == 4 && strcmp(argv[2], "--out") == 0 && argv[3][0])
		return db_backup(cfg, argv[3]);
	if (strcmp(action, "restore") == 0 && argc == 3 && argv[2][0])
		return db_restore(cfg, argv[2]);
	fprintf(stderr, "hall-controller db: %s: unknown or incomplete arguments %s\n", action[0] ? action : "(none)",
	        usage);
	return 2;
}

/* ---------------------------------------------------------------- help */

int hall_upkeep_help_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "ack") != 0 || !hall_id_is_valid(argv[2])) {
		fprintf(stderr, "hall-controller help: expected `help ack KIOSK`\n");
		return 2;
	}
	const char *kiosk = argv[2];
	hall_store *s = NULL;
	hall_error err = {0};
	int64_t acked = 0;
	if (hall_ctl_open_store_mode(cfg, HALL_STORE_WRITE, &s, &err) != HALL_OK ||
	    hall_store_help_ack(s, kiosk, &acked, &err) != HALL_OK) {
		hall_store_close(s);
		print_err("help ack", &err);
		return 1;
	}
	/* Recorded under the person who saw to it (DESIGN.md decision 10). */
	hall_store_history h = {.ts = hall_clock_now_ms(), .version = 0};
	hall_ctl_user(h.user, sizeof h.user);
	snprintf(h.action, sizeof h.action, "help-ack");
	snprintf(h.kind, sizeof h.kind, "help");
	snprintf(h.target, sizeof h.target, "kiosk:%s", kiosk);
	snprintf(h.detail, sizeof h.detail, "%" PRId64 " call(s) for staff acknowledged", acked);
	if (hall_store_add_history(s, &h, &err) != HALL_OK)
		print_err("help ack: history", &err);
	hall_store_close(s);
	printf("help calls of %s acknowledged: %" PRId64 "\n", kiosk, acked);
	return 0;
}
