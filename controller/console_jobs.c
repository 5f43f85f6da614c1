/* console_jobs.c: the console's actions, run through the command line's own functions
 * (push.c, staff.c) on threads of their own, as the signed-in person (hall_ctl_set_actor),
 * so the console and the CLI never disagree (DESIGN.md decision 10). A job answers at
 * once with its id; the page follows the kiosks' acks through the API while it runs. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_priv.h"
#include "ctl.h"
#include "hall/clock.h"
#include "hall/log.h"
#include "push.h"
#include "staff.h"

#define JOB_ARGS_MAX 24

typedef struct job_arg {
	hall_console *c;
	int64_t id;
	char user[HALL_USER_NAME_MAX + 1];
	int argc;
	char *argv[JOB_ARGS_MAX + 1];
} job_arg;

static console_job *job_find(hall_console *c, int64_t id)
{
	for (int i = 0; i < CONSOLE_JOBS_MAX; i++)
		if (c->jobs[i].id == id)
			return &c->jobs[i];
	return NULL;
}

static int run_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *sub = argv[0];
	if (strcmp(sub, "push") == 0)
		return hall_push_cli(cfg, argc, argv);
	if (strcmp(sub, "rollback") == 0)
		return hall_push_rollback_cli(cfg, argc, argv);
	if (strcmp(sub, "notice") == 0)
		return hall_staff_notice(cfg, argc, argv);
	if (strcmp(sub, "schedule") == 0)
		return hall_staff_schedule(cfg, argc, argv);
	if (strcmp(sub, "command") == 0)
		return hall_staff_command(cfg, argc, argv);
	return 2;
}

static void *job_main(void *p)
{
	job_arg *a = p;
	hall_console *c = a->c;
	hall_ctl_set_actor(a->user);
	int code = run_cli(c->cfg, a->argc, a->argv);
	hall_ctl_set_actor(NULL);
	pthread_mutex_lock(&c->lock);
	console_job *j = job_find(c, a->id);
	if (j) {
		j->done = true;
		j->code = code;
	}
	c->running_jobs--;
	pthread_cond_broadcast(&c->jobs_cv);
	pthread_mutex_unlock(&c->lock);
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a);
	return NULL;
}

static int64_t start(hall_console *c, job_arg *a, const char *kind, const char *scope)
{
	pthread_mutex_lock(&c->lock);
	if (c->running_jobs >= 8 || c->stopping) {
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

static job_arg *new_arg(hall_console *c, const char *user, int argc, const char *const *argv)
{
	if (argc < 1 || argc > JOB_ARGS_MAX - 1)
		return NULL;
	job_arg *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->c = c;
	snprintf(a->user, sizeof a->user, "%s", user);
	for (int i = 0; i < argc; i++)
		if (!(a->argv[a->argc++] = strdup(argv[i])))
			goto fail;
	return a;
fail:
	for (int i = 0; i < a->argc; i++)
		free(a->argv[i]);
	free(a);
	return NULL;
}

int64_t console__job_start(hall_console *c, const char *user, const char *kind, const char *scope, int argc,
                           const char *const *argv)
{
	job_arg *a = new_arg(c, user, argc, argv);
	if (!a)
		return 0;
	int64_t id = start(c, a, kind, scope);
	if (!id) {
		for (int i = 0; i < a->argc; i++)
			free(a->argv[i]);
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
		if (j->done)
			cJSON_AddStringToObject(o, "outcome", j->code == 0 ? "ok" : j->code == 2 ? "refused" : "failed");
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
