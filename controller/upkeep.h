/* controller/upkeep.h: keeping the hall's data whole: the database's check, backups and
 * restore (`hall-controller db check|backup|restore`, serve's daily backup), the lock
 * that says serve is running on a data folder, and a visitor's call for staff seen to
 * (`hall-controller help ack KIOSK`).
 *
 * The CLI functions take argv with argv[0] = the subcommand ("db", "help") and return
 * the process exit code: 0 done, 1 refused or failed (one line why), 2 usage. */
#ifndef HALL_CTL_UPKEEP_H
#define HALL_CTL_UPKEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "hall/config.h"
#include "hall/err.h"
#include "store.h"

/* db check [--full] | db backup --out FILE | db restore FILE */
int hall_upkeep_db_cli(const hall_controller_config *cfg, int argc, char **argv);
/* help ack KIOSK */
int hall_upkeep_help_cli(const hall_controller_config *cfg, int argc, char **argv);

/* Take DATA/serve.lock (flock, exclusive, not waiting): serve holds it while it runs and
 * `db restore` while it restores, so neither starts under the other. *fd is the lock
 * (close it to let go). HALL_ERR_STALE when someone holds it, HALL_ERR_IO when the file
 * cannot be made. */
hall_err hall_upkeep_lock(const char *data_dir, int *fd, hall_error *err);

/* serve's daily backup: cfg->backup.dir/controller-<day>.db (.dump on PostgreSQL: pg_dump's
 * custom format, for `db restore`) unless it is there already,
 * then only the newest cfg->backup.keep of those files are kept. keep 0: nothing.
 * *path (may be NULL, HALL_CONFIG_PATH_MAX + 32 bytes) gets the file written, or "". */
hall_err hall_upkeep_daily_backup(hall_store *s, const hall_controller_config *cfg, const char *day, char *path,
                                  hall_error *err);

/* serve's daily backup without waiting for it: pg_dump of a city's database (or SQLite's
 * online backup of a large file) takes long, and serve's loop must go on ingesting and
 * answering kiosks meanwhile. The backup runs in a child process, this very program's
 * `db backup --out FILE` with serve's database (`--config` and `--data` as serve has
 * them; a password of the database URI goes in PGPASSWORD, never on the command line),
 * its output in backup.dir/backup.log. One at a time; serve reaps it by its pid only. */
typedef struct hall_upkeep_backup {
	pid_t pid;                             /* the child; 0 = none running */
	char path[HALL_CONFIG_PATH_MAX + 32];  /* the file it writes */
	char log[HALL_CONFIG_PATH_MAX + 32];   /* its stdout and stderr */
	int64_t started;                       /* mono ms */
} hall_upkeep_backup;
/* Start the day's backup unless its file is there already (then only the pruning to
 * backup.keep is done and b->pid stays 0) or backup.keep is 0. HALL_OK with b->pid set
 * when a child was started. */
hall_err hall_upkeep_backup_start(const hall_controller_config *cfg, const char *day, hall_upkeep_backup *b,
                                  hall_error *err);
/* Has the child ended? false while it runs (or none runs). When it ended (reaped here,
 * by its pid): true, *ok whether the file was written, msg the child's first line of
 * output (its error when not ok); the older backups are pruned to backup.keep; b->pid 0. */
bool hall_upkeep_backup_done(const hall_controller_config *cfg, hall_upkeep_backup *b, bool *ok, char *msg,
                             size_t len);
/* serve stops: a running backup is stopped (TERM, KILL after 3 s) and reaped; what it
 * wrote so far is its temporary file, never the day's file. */
void hall_upkeep_backup_stop(hall_upkeep_backup *b);

/* The database as people name it: DATA/controller.db, or the PostgreSQL URI without its
 * password. */
void hall_upkeep_db_name(const hall_controller_config *cfg, char *out, size_t len);
/* The one line that says what to do about a damaged database (no newline). */
void hall_upkeep_damaged_advice(const hall_controller_config *cfg, char *out, size_t len);

#endif
