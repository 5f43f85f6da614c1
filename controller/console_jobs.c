/* console_jobs.c: the console's actions, run through the command line's own functions
 * (action.h: hall_action_push_pack, _notice, _command, ...) on threads of their own, with
 * the signed-in person as the actor the history records, so the console and the CLI
 * never disagree (DESIGN.md decision 10). A job answers at once with its id; the page
 * follows the kiosks' acks through the API while it runs, and the job's outcome and
 * reason when it ends.
 *
 * A preview job runs `hall-controller preview DIR --shots OUT` as a child process (the
 * headless kiosk it starts draws every exhibit in every language): a process of its own,
 * so a kiosk that crashes or hangs never takes serve with it, and it is killed when it
 * runs too long. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "action.h"
#include "console_priv.h"
#include "ctl.h"
#include "hall/clock.h"
#include "hall/log.h"

#define JOBS_RUNNING_MAX 8
#define PREVIEW_TIMEOUT_MS (5 * 60 * 1000)

extern char **environ;

typedef struct job_arg {
	hall_console *c;
	int64_t id;
	char user[HALL_USER_NAME_MAX + 1];
	console_action *a;
} job_arg;

static console_job *job_find(hall_console *c, int64_t id)
{
	for (int i = 0; i < CONSOLE_JOBS_MAX; i++)
		if (c->jobs[i].id == id)
			return &c->jobs[i];
	return NULL;
}

void console__action_free(console_action *a)
{
	if (!a)
		return;
	free(a->buf);
	free(a);
}

/* TERM first (preview passes it on to its kiosk and removes its temporary folder), KILL
 * after 3 s. */
static void stop_child(pid_t pid, int *status)
{
	kill(pid, SIGTERM);
	for (int i = 0; i < 30; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
}

/* Run `hall-controller preview DIR --shots OUT` (this very program) and wait for it, at
 * most PREVIEW_TIMEOUT_MS, and not past serve's stop (*stopping): a stop never waits for
 * a preview. Its output goes to OUT.log for the reason. */
static int run_preview(const console_action *a, volatile int *stopping, char *reason, size_t len)
{
	char self[PATH_MAX], log[sizeof a->out + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0) {
		snprintf(reason, len, "cannot find the hall-controller program");
		return 1;
	}
	self[n] = '\0';
	snprintf(log, sizeof log, "%s.log", a->out);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	/* console4: a notice preview (buf: the notice's file) draws it on each language's home */
	char *argv[] = {self, "preview", (char *)a->path, "--shots", (char *)a->out, a->buf ? "--notice" : NULL, a->buf, NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, self, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(reason, len, "cannot start the preview: %s", strerror(rc));
		return 1;
	}
	int64_t deadline = hall_clock_mono_ms() + PREVIEW_TIMEOUT_MS;
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(reason, len, "lost the preview process");
			return 1;
		}
		if (hall_clock_mono_ms() > deadline || *stopping) {
			stop_child(pid, &status);
			if (*stopping)
				snprintf(reason, len, "serve stopped: the preview was stopped");
			else
				snprintf(reason, len, "the preview took longer than %d s: stopped", PREVIEW_TIMEOUT_MS / 1000);
			return 1;
		}
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000000L};
		nanosleep(&ts, NULL);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	snprintf(reason, len, "the preview failed (exit %d): see %.400s", WIFEXITED(status) ? WEXITSTATUS(status) : -1, log);
	return 1;
}

/* The action, as the command line would run it; the exit code of the command line. */
static int run_action(hall_console *c, const char *user, console_action *a, char *reason, size_t len)
{
	const hall_controller_config *cfg = c->cfg;
	hall_action_opts opts = {.person = user, .timeout_s = a->timeout_s, .confirmed = true};
	hall_action_result res;
	hall_store *store = NULL;
	hall_error err = {0};
	char msg[600];
	memset(&res, 0, sizeof res);
	if (a->kind == CONSOLE_ACT_PREVIEW)
		return run_preview(a, &c->stopping, reason, len);
	/* A connection of the job's own (actions are one per store handle): its target checks
	 * read the fleet through it and its history row goes in through it. */
	if (hall_ctl_open_store(cfg, &store, &err) != HALL_OK) {
		snprintf(reason, len, "database: %s", hall_error_format(&err, msg, sizeof msg));
		return 1;
	}
	switch (a->kind) {
	case CONSOLE_ACT_PREVIEW: break;
	case CONSOLE_ACT_PUSH: hall_action_push_pack(cfg, store, a->path, &a->scope, &opts, &res); break;
	case CONSOLE_ACT_CLEAR: hall_action_clear_content(cfg, store, &a->scope, &opts, &res); break;
	case CONSOLE_ACT_ROLLBACK: hall_action_rollback(cfg, store, &a->scope, &opts, &res); break;
	case CONSOLE_ACT_NOTICE: hall_action_notice(cfg, store, &a->notice, &a->scope, &opts, &res); break;
	case CONSOLE_ACT_NOTICE_CLEAR: hall_action_notice(cfg, store, NULL, &a->scope, &opts, &res); break;
	case CONSOLE_ACT_SCHEDULE:
		hall_action_schedule_push(cfg, store, a->buf, a->len, a->path, &a->scope, &opts, &res);
		break;
	case CONSOLE_ACT_COMMAND:
		hall_action_command(cfg, store, a->cmd, a->exhibit, a->ttl_s, &a->scope, &opts, &res);
		break;
	}
	hall_store_close(store);
	snprintf(reason, len, "%s", res.reason);
	hall_action_result_free(&res);
	return res.exit_code;
}

static void *job_main(void *p)
{
	job_arg *a = p;
	hall_console *c = a->c;
	char reason[sizeof c->jobs[0].reason] = "";
	int code = run_action(c, a->user, a->a, reason, sizeof reason);
	pthread_mutex_lock(&c->lock);
	console_job *j = job_find(c, a->id);
	if (j) {
		j->done = true;
		j->code = code;
		snprintf(j->reason, sizeof j->reason, "%s", reason);
	}
	c->running_jobs--;
	pthread_cond_broadcast(&c->jobs_cv);
	pthread_mutex_unlock(&c->lock);
	if (a->a->upload[0]) /* a pushed pack is stored: its upload's files are not needed */
		console__upload_job_done(c, a->a->upload, a->a->kind == CONSOLE_ACT_PUSH && code == 0);
	console__action_free(a->a);
	free(a);
	return NULL;
}

static int64_t start(hall_console *c, job_arg *a, const char *kind, const char *scope)
{
	pthread_mutex_lock(&c->lock);
	if (c->running_jobs >= JOBS_RUNNING_MAX || c->stopping) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	/* The oldest finished slot is reused. */
	console_job *slot = NULL;
	for (int i = 0; i < CONSOLE_JOBS_MAX; i++) {
		console_job *j = &c->jobs[i];
		if (!j->id) {
			slot = j;
			break;
		}
		if (j->done && (!slot || j->id < slot->id))
			slot = j;
	}
	if (!slot) {
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	memset(slot, 0, sizeof *slot);
	slot->id = ++c->next_job;
	snprintf(slot->kind, sizeof slot->kind, "%s", kind);
	snprintf(slot->scope, sizeof slot->scope, "%s", scope);
	snprintf(slot->user, sizeof slot->user, "%s", a->user);
	snprintf(slot->upload, sizeof slot->upload, "%s", a->a->upload);
	slot->started = hall_clock_now_ms();
	a->id = slot->id;
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 512 * 1024);
	if (pthread_create(&t, &attr, job_main, a) != 0) {
		slot->done = true;
		slot->code = 1;
		pthread_attr_destroy(&attr);
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	pthread_attr_destroy(&attr);
	c->running_jobs++;
	int64_t id = slot->id;
	pthread_mutex_unlock(&c->lock);
	return id;
}

int64_t console__job_start(hall_console *c, const char *user, const char *kind, const char *scope,
                           console_action *action)
{
	job_arg *a = calloc(1, sizeof *a);
	if (!a) {
		console__action_free(action);
		return 0;
	}
	a->c = c;
	a->a = action;
	snprintf(a->user, sizeof a->user, "%s", user);
	int64_t id = start(c, a, kind, scope);
	if (!id) {
		console__action_free(action);
		free(a);
	}
	return id;
}

cJSON *console__job_json(hall_console *c, int64_t id)
{
	cJSON *o = NULL;
	pthread_mutex_lock(&c->lock);
	console_job *j = job_find(c, id);
	if (j && (o = cJSON_CreateObject())) {
		cJSON_AddNumberToObject(o, "id", (double)j->id);
		cJSON_AddStringToObject(o, "kind", j->kind);
		cJSON_AddStringToObject(o, "scope", j->scope);
		cJSON_AddStringToObject(o, "user", j->user);
		cJSON_AddNumberToObject(o, "started", (double)j->started);
		cJSON_AddBoolToObject(o, "done", j->done);
		if (j->upload[0]) /* console4: where a preview's screens are (GET /uploads/ID/shots) */
			cJSON_AddStringToObject(o, "upload", j->upload);
		if (j->done) {
			cJSON_AddStringToObject(o, "outcome", j->code == 0 ? "ok" : j->code == 2 ? "refused" : "failed");
			if (j->reason[0])
				cJSON_AddStringToObject(o, "reason", j->reason);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return o;
}

void console__jobs_wait(hall_console *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->running_jobs > 0)
		pthread_cond_wait(&c->jobs_cv, &c->lock);
	pthread_mutex_unlock(&c->lock);
}
