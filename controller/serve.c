/* serve.c: the daemon (see serve.h).
 *
 * One thread owns the store and the logic; libmosquitto's thread only queues incoming
 * messages (hall/mqtt.h). The loop: wait for messages (at most until the current batch's
 * deadline), handle them, commit the batch when no message is left queued, it is full or
 * it is batch_ms old, then confirm to every kiosk in the batch. A confirm is sent only
 * after COMMIT returned, so a kiosk never drops an event the database does not hold
 * (DESIGN.md decision 2). */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "action.h"
#include "ctl.h"
#include "hall/clock.h"
#include "hall/fetch.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"
#include "hall/mqtt.h"
#include "hall/protocol.h"
#include "hall/schedule.h"
#include "hall/topics.h"
#include "packs.h"
#include "report.h"
#include "store.h"
#include "upkeep.h"

#define RESULTS_MIN_INTERVAL_MS 250 /* poll results: at most four publishes a second */
#define HOUSEKEEPING_INTERVAL_MS 30000
/* How often serve tries to take the lead, or checks it still holds it (hall_store_lead):
 * with the lock's release on a killed controller's session end, a standby takes over
 * within this (issue 13 asks for 10 s). */
#define LEAD_CHECK_MS 2000
#define MAX_DIRTY_POLLS 64
/* Fetch coalescing (core/include/hall/fetch.h says why and holds the window,
 * HALL_FETCH_COALESCE_MS, next to the kiosk's wait it must stay below). A kiosk that asks
 * twice within the window is served as well. */
#define RECENT_STREAMS 16
#define SKIPPED_MAX 1024

typedef struct recent_stream {
	char sha256[65];
	int64_t offset;  /* the stream went from here to the end */
	int64_t started; /* mono ms; 0 = slot unused */
	uint64_t skipped[SKIPPED_MAX]; /* hashes of the kiosks whose fetch it answered (asker first) */
	size_t n_skipped;
} recent_stream;

/* Help calls answered lately (kiosk-voice, issue 12): a kiosk resends a call until its
 * help-ack arrives, so a call whose ack was lost comes again. The store counts it once
 * (unique (kiosk, call, ts), across restarts too); this ring only spares a resend the
 * database write and a second alert (on_alert) while this serve runs. Known by
 * (kiosk, call, ts): a kiosk whose data was wiped numbers its calls from 1 again, but not
 * at the same ms. */
#define HELP_CALLS_KEPT 256
typedef struct help_seen {
	char kiosk[HALL_ID_BUF];
	int64_t call, ts;
} help_seen;

/* An offline kiosk and whether the hall was open for it when serve last looked. */
typedef struct offline_seen {
	char id[HALL_ID_BUF];
	bool open;
	bool seen;   /* looked at in the current round */
} offline_seen;

#define ALERT_CHILDREN_MAX 32

typedef struct serve {
	const hall_controller_config *cfg;
	hall_store *store;
	hall_mqtt *m;
	hall_event *pend;           /* events waiting for the next commit */
	size_t n_pend, cap_pend;
	int64_t pend_since;         /* mono ms of the oldest pending event */
	int64_t rej_events, rej_msgs; /* counted, written with the next commit */
	char dirty[MAX_DIRTY_POLLS][HALL_ID_BUF];
	size_t n_dirty;
	bool all_dirty;
	int64_t last_results;       /* mono ms */
	uint64_t connects;
	int64_t next_housekeeping;  /* mono ms */
	bool leader;                /* this serve does the once-only work (hall_store_lead) */
	bool lead_known;            /* leader was decided at least once (for the log line) */
	int64_t next_lead_check;    /* mono ms */
	int64_t started;            /* UTC ms */
	recent_stream *streams;     /* RECENT_STREAMS, calloc'd; NULL = no coalescing (no memory) */
	bool db_damaged;            /* the database failed its check: nothing is stored or confirmed */
	int lock_fd;                /* DATA/serve.lock, held while serving (hall_upkeep_lock) */
	uint64_t fetches_coalesced;
	/* The config file read again for its "kiosks" when an id is not in the list serve
	 * started with: hall-controller kiosk add writes it while serve runs. */
	hall_controller_config reread;
	struct timespec reread_mtime;
	int64_t next_heartbeat;     /* mono ms */
	offline_seen *offline;      /* offline kiosks and whether their hall was open at the last look */
	size_t n_offline, cap_offline;
	help_seen help[HELP_CALLS_KEPT]; /* help calls stored lately, a ring */
	size_t help_next;
	/* on_alert programs still running: reaped by pid, never with waitpid(-1), which would
	 * also take the console's preview child from under the job that waits for it */
	pid_t alert_pids[ALERT_CHILDREN_MAX];
	size_t n_alert_pids;
	/* the daily backup's child (hall_upkeep_backup_start): the loop goes on while it runs,
	 * and reaps it by its pid */
	hall_upkeep_backup backup;
} serve;

/* ---------------------------------------------------------------- small helpers */

static void publish(serve *sv, const char *topic, const char *buf, size_t len, bool retain)
{
	hall_error err = {0};
	char msg[512];
	if (hall_ctl_publish(sv->cfg, sv->m, topic, buf, len, retain, &err) != HALL_OK)
		hall_warn("publish %s: %s", topic, hall_error_format(&err, msg, sizeof msg));
}

static void reject(serve *sv, const char *topic, const hall_error *err, int64_t events)
{
	char msg[512];
	hall_warn("rejected %s: %s", topic, hall_error_format(err, msg, sizeof msg));
	sv->rej_msgs++;
	sv->rej_events += events;
}

/* The first two checks of a message from a kiosk: it decoded (decoded, err set by the
 * decoder), and the kiosk it names (named, read only when it decoded) is its topic's id.
 * false: rejected, logged and counted; the caller drops the message. */
static bool accept_from(serve *sv, const char *topic, const char *id, hall_err decoded, const char *named,
                        hall_error *err)
{
	if (decoded == HALL_OK && strcmp(named, id) == 0)
		return true;
	if (decoded == HALL_OK)
		hall_error_set(err, HALL_ERR_INVALID, "kiosk", "\"%s\" is not the topic's kiosk \"%s\"", named, id);
	reject(sv, topic, err, 0);
	return false;
}

/* Is id a known kiosk, in the config as it is on disk now? Read again only when the
 * file changed, so unknown ids cost a stat. */
static bool known_kiosk(serve *sv, const char *id)
{
	struct stat st;
	if (hall_controller_config_allows(sv->cfg, id))
		return true;
	if (!sv->cfg->source[0] || stat(sv->cfg->source, &st) != 0)
		return false;
	if (st.st_mtim.tv_sec != sv->reread_mtime.tv_sec || st.st_mtim.tv_nsec != sv->reread_mtime.tv_nsec) {
		hall_config_args a = {0};
		hall_error err = {0};
		a.config = sv->cfg->source;
		hall_controller_config_free(&sv->reread);
		if (hall_controller_config_load(&a, &sv->reread, &err) != HALL_OK)
			memset(&sv->reread, 0, sizeof sv->reread);
		sv->reread_mtime = st.st_mtim;
	}
	return sv->reread.n_kiosks > 0 && hall_controller_config_allows(&sv->reread, id);
}

static void db_warn(const char *what, const hall_error *err)
{
	char msg[512];
	hall_error_log("%s: %s", what, hall_error_format(err, msg, sizeof msg));
}

static void mark_dirty(serve *sv, const char *poll)
{
	for (size_t i = 0; i < sv->n_dirty; i++)
		if (strcmp(sv->dirty[i], poll) == 0)
			return;
	if (sv->n_dirty == MAX_DIRTY_POLLS) {
		sv->all_dirty = true;
		return;
	}
	snprintf(sv->dirty[sv->n_dirty++], HALL_ID_BUF, "%s", poll);
}

/* ---------------------------------------------------------------- alerts */

/* Reaps the on_alert programs that have ended (only those: serve has other children, such
 * as the console's preview, each waited for by whoever started it). */
static void reap_children(serve *sv)
{
	size_t kept = 0;
	for (size_t i = 0; i < sv->n_alert_pids; i++) {
		int status = 0;
		pid_t pid = sv->alert_pids[i];
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == 0 || (w < 0 && errno == EINTR)) {
			sv->alert_pids[kept++] = pid; /* still running */
			continue;
		}
		if (w == pid && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			hall_warn("on_alert %s (pid %d) failed with status %d", sv->cfg->on_alert, (int)pid,
			          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	sv->n_alert_pids = kept;
}

/* Run cfg->on_alert with the alert as one line of JSON on its stdin. The child is reaped
 * by reap_children(); a program that does not read its stdin cannot block us for long:
 * the message is far below a pipe's buffer. */
static void run_on_alert(serve *sv, const char *kind, const char *kiosk, const char *group, const char *reason)
{
	hall_warn("alert %s: kiosk %s%s%s: %s", kind, kiosk, group[0] ? " in " : "", group, reason);
	/* Every controller on a shared database hears the kiosk; the leader alone tells the
	 * staff, so one alert runs the program once. */
	if (!sv->cfg->on_alert[0] || !sv->leader)
		return;
	reap_children(sv);
	if (sv->n_alert_pids == ALERT_CHILDREN_MAX) {
		hall_error_log("on_alert %s: not run: %d earlier alerts are still running", sv->cfg->on_alert,
		               ALERT_CHILDREN_MAX);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	char *json = NULL;
	size_t len = 0;
	int fds[2] = {-1, -1};
	if (!o)
		return;
	cJSON_AddStringToObject(o, "alert", kind);
	cJSON_AddStringToObject(o, "kiosk", kiosk);
	cJSON_AddStringToObject(o, "group", group);
	cJSON_AddNumberToObject(o, "ts", (double)hall_clock_now_ms());
	cJSON_AddStringToObject(o, "reason", reason);
	json = hall_json_print(o, &len);
	cJSON_Delete(o);
	if (!json || pipe(fds) != 0) {
		hall_error_log("on_alert %s: cannot start: %s", sv->cfg->on_alert, json ? strerror(errno) : "out of memory");
		goto done;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execl(sv->cfg->on_alert, sv->cfg->on_alert, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	fds[0] = -1;
	if (pid < 0) {
		hall_error_log("on_alert %s: fork: %s", sv->cfg->on_alert, strerror(errno));
		goto done;
	}
	sv->alert_pids[sv->n_alert_pids++] = pid;
	if (write(fds[1], json, len) != (ssize_t)len || write(fds[1], "\n", 1) != 1)
		hall_warn("on_alert %s: could not write the alert to its stdin", sv->cfg->on_alert);
done:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(json);
}


/* SQLite's quick_check, at start, once a day and after a failed commit. A damaged
 * database stops every confirm (a kiosk keeps what is not confirmed and sends it again
 * once a sound database is back: DESIGN.md decision 2), raises the alert and says in one
 * line what to do. Returns whether the database is sound. */
static bool check_database(serve *sv)
{
	hall_error err = {0};
	if (hall_store_check(sv->store, false, &err) == HALL_OK)
		return true;
	if (!sv->db_damaged) {
		char advice[600], reason[1500], db[HALL_CONFIG_PATH_MAX + 32];
		hall_upkeep_damaged_advice(sv->cfg, advice, sizeof advice);
		hall_upkeep_db_name(sv->cfg, db, sizeof db); /* pg: DATA/controller.db or the database URI */
		snprintf(reason, sizeof reason, "database %s is %s; %s", db, err.msg, advice);
		hall_error_log("%s", reason);
		run_on_alert(sv, "database", "", "", reason);
	}
	sv->db_damaged = true;
	return false;
}

/* Parse the schedule envelope stored for one scope; NULL when none or cleared. */
static hall_schedule *load_schedule(serve *sv, const char *scope)
{
	hall_store_desired d;
	hall_envelope env = {0};
	hall_schedule *sch = NULL;
	char *body = NULL;
	size_t len = 0;
	if (hall_store_get_desired(sv->store, "schedule", scope, &d, NULL) != HALL_OK)
		return NULL;
	if (!d.cleared && hall_proto_decode_envelope(HALL_ENVELOPE_SCHEDULE, d.payload, d.payload_len, &env, NULL) ==
	                      HALL_OK &&
	    env.body && (body = hall_json_print(env.body, &len)) != NULL)
		hall_schedule_parse(body, len, &sch, NULL);
	free(body);
	hall_envelope_free(&env);
	hall_store_desired_free(&d);
	return sch;
}

/* Are the kiosk's screens meant to be open now? The most specific schedule pushed to it
 * decides; with none, the hall counts as always open (so an outage is never missed). */
static bool open_now(serve *sv, const char *kiosk, const char *group)
{
	char scope[HALL_SCOPE_BUF];
	hall_schedule *sch = NULL;
	snprintf(scope, sizeof scope, "kiosk:%s", kiosk);
	sch = load_schedule(sv, scope);
	if (!sch && group[0]) {
		snprintf(scope, sizeof scope, "group:%s", group);
		sch = load_schedule(sv, scope);
	}
	if (!sch)
		sch = load_schedule(sv, "all");
	if (!sch)
		return true;
	hall_schedule_result r;
	bool open = true;
	if (hall_schedule_eval(sch, hall_clock_now_ms(), sv->cfg->time_zone, &r, NULL) == HALL_OK)
		open = r.open;
	hall_schedule_destroy(sch);
	return open;
}

/* A kiosk went offline or came back. */
static void on_transition(serve *sv, const char *kiosk, bool online)
{
	hall_store_kiosk k;
	hall_error err = {0};
	if (hall_store_kiosk_get(sv->store, kiosk, &k, &err) != HALL_OK)
		return;
	if (!online) {
		hall_info("kiosk %s offline", kiosk);
		if (!open_now(sv, kiosk, k.group))
			return;
		if (hall_store_kiosk_set_alert(sv->store, kiosk, true, "offline during opening hours", &err) != HALL_OK)
			db_warn("set alert", &err);
		run_on_alert(sv, "offline", kiosk, k.group, "offline during opening hours");
	} else {
		hall_info("kiosk %s online", kiosk);
		if (k.alert && strncmp(k.alert_reason, "offline", 7) == 0) {
			/* Back online ends the outage, not a visitor's call for staff that came before
			 * it: that stays open until `help ack` (the mark goes back to the call). */
			char reason[128];
			snprintf(reason, sizeof reason, "help requested (%" PRId64 " not yet acknowledged)", k.help_count);
			if (hall_store_kiosk_set_alert(sv->store, kiosk, k.help_count > 0, reason, &err) != HALL_OK)
				db_warn("clear alert", &err);
			run_on_alert(sv, "recovered", kiosk, k.group, "back online");
		}
	}
}

/* A kiosk that is offline when its hall opens: nobody saw it go during opening hours
 * (it stopped at night, or serve was not running), so the transition raised nothing.
 * Checked every heartbeat for the offline kiosks: one whose hall is open now and was
 * not at the last look (or that serve sees for the first time) raises the offline
 * alert, unless one is raised already. */
static int look_offline(void *user, const hall_store_kiosk *k)
{
	serve *sv = user;
	offline_seen *o = NULL;
	if (k->online || !k->first_seen)
		return 0;
	for (size_t i = 0; i < sv->n_offline && !o; i++)
		if (strcmp(sv->offline[i].id, k->id) == 0)
			o = &sv->offline[i];
	bool fresh = !o;
	if (!o) {
		if (sv->n_offline == sv->cap_offline) {
			size_t cap = sv->cap_offline ? sv->cap_offline * 2 : 16;
			offline_seen *p = realloc(sv->offline, cap * sizeof *p);
			if (!p)
				return 1;
			sv->offline = p;
			sv->cap_offline = cap;
		}
		o = &sv->offline[sv->n_offline++];
		memset(o, 0, sizeof *o);
		snprintf(o->id, sizeof o->id, "%s", k->id);
	}
	bool open = open_now(sv, k->id, k->group);
	o->seen = true;
	if (open && (fresh || !o->open) && !k->alert) {
		hall_error err = {0};
		if (hall_store_kiosk_set_alert(sv->store, k->id, true, "offline when the hall opened", &err) != HALL_OK)
			db_warn("set alert", &err);
		run_on_alert(sv, "offline", k->id, k->group, "offline when the hall opened");
	}
	o->open = open;
	return 0;
}

static void check_opening(serve *sv)
{
	hall_error err = {0};
	for (size_t i = 0; i < sv->n_offline; i++)
		sv->offline[i].seen = false;
	if (hall_store_each_kiosk(sv->store, look_offline, sv, &err) != HALL_OK)
		db_warn("offline kiosks", &err);
	size_t kept = 0;
	for (size_t i = 0; i < sv->n_offline; i++)
		if (sv->offline[i].seen)
			sv->offline[kept++] = sv->offline[i];
	sv->n_offline = kept; /* back online (or gone): looked at afresh when it goes again */
}

/* serve's heartbeat in the database (action.h): `status` tells from it whether serve runs
 * and how old what it shows is. "<UTC ms> <1 when connected to the broker> [<host:port>
 * of that broker>]". */
static void heartbeat(serve *sv)
{
	char v[HALL_MQTT_ADDR_MAX + 32];
	hall_error err = {0};
	hall_mqtt_stats st;
	hall_mqtt_get_stats(sv->m, &st);
	snprintf(v, sizeof v, "%" PRId64 " %d %s", hall_clock_now_ms(), hall_mqtt_is_connected(sv->m) ? 1 : 0,
	         st.broker);
	if (hall_store_meta_set(sv->store, HALL_META_SERVE_HEARTBEAT, v, &err) != HALL_OK)
		db_warn("heartbeat", &err);
}

/* ---------------------------------------------------------------- events */

typedef struct decode_ctx {
	serve *sv;
	const char *topic;
} decode_ctx;

static void on_event(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	decode_ctx *c = user;
	serve *sv = c->sv;
	(void)index;
	if (ev_err) {
		char msg[512];
		hall_warn("rejected event in %s: %s", c->topic, hall_error_format(ev_err, msg, sizeof msg));
		sv->rej_events++;
		return;
	}
	if (sv->n_pend == sv->cap_pend) {
		size_t cap = sv->cap_pend ? sv->cap_pend * 2 : 1024;
		hall_event *p = realloc(sv->pend, cap * sizeof *p);
		if (!p) {
			/* Not stored, not confirmed: the kiosk sends it again. */
			hall_error_log("out of memory queueing an event of %s", ev->kiosk);
			return;
		}
		sv->pend = p;
		sv->cap_pend = cap;
	}
	if (sv->n_pend == 0)
		sv->pend_since = hall_clock_mono_ms();
	sv->pend[sv->n_pend++] = *ev;
}

static void publish_confirm(serve *sv, const char *kiosk, int64_t seq)
{
	hall_error err = {0};
	char topic[HALL_TOPIC_MAX];
	char *buf = NULL;
	size_t len = 0;
	hall_confirm c = {.seq = seq};
	if (hall_topic_ctl_kiosk(topic, sizeof topic, sv->cfg->topic_prefix, kiosk, "confirm") != 0 ||
	    hall_proto_encode_confirm(&c, &buf, &len, &err) != HALL_OK)
		return;
	publish(sv, topic, buf, len, false);
	free(buf);
}

static void send_confirm(serve *sv, const char *kiosk)
{
	hall_error err = {0};
	int64_t seq = 0;
	if (sv->db_damaged)
		return;
	if (hall_store_advance_confirm(sv->store, kiosk, &seq, &err) != HALL_OK) {
		db_warn("confirm", &err);
		return;
	}
	publish_confirm(sv, kiosk, seq);
}

/* hall_store_ingest_events calls this once per kiosk of the batch, after its COMMIT. */
static int on_confirmed(void *user, const char *kiosk, int64_t confirmed)
{
	publish_confirm(user, kiosk, confirmed);
	return 0;
}

/* Commit everything pending in one transaction that also moves each kiosk's confirm
 * (one COMMIT, one fsync, per batch), then confirm to each kiosk in it. */
static void flush_events(serve *sv)
{
	hall_error err = {0};
	if (sv->n_pend && sv->db_damaged) {
		/* Neither stored nor confirmed: the kiosks keep them for a sound database. */
		hall_debug("database damaged: %zu events left to the kiosks' spools", sv->n_pend);
	} else if (sv->n_pend) {
		hall_store_insert_result res;
		if (hall_store_ingest_events(sv->store, sv->pend, sv->n_pend, &res, on_confirmed, sv, &err) != HALL_OK) {
			/* Nothing confirmed: every kiosk resends what we could not store. */
			db_warn("storing events", &err);
			check_database(sv);
		} else {
			if (res.n_polls_changed > 8)
				sv->all_dirty = true;
			for (size_t i = 0; i < res.n_polls_changed && i < 8; i++)
				mark_dirty(sv, res.polls_changed[i]);
			hall_debug("committed %zu events (%zu new, %zu repeated)", sv->n_pend, res.inserted, res.duplicates);
		}
		sv->n_pend = 0;
	}
	if (sv->rej_events) {
		if (hall_store_counter_add(sv->store, HALL_COUNTER_EVENTS_REJECTED, sv->rej_events, &err) == HALL_OK)
			sv->rej_events = 0;
	}
	if (sv->rej_msgs) {
		if (hall_store_counter_add(sv->store, HALL_COUNTER_MESSAGES_REJECTED, sv->rej_msgs, &err) == HALL_OK)
			sv->rej_msgs = 0;
	}
}

static void handle_events(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_error err = {0};
	decode_ctx c = {sv, topic};
	size_t ok = 0, bad = 0;
	if (hall_proto_decode_events(msg->payload, msg->len, id, on_event, &c, &ok, &bad, &err) != HALL_OK)
		reject(sv, topic, &err, 1);
	if (sv->n_pend >= (size_t)sv->cfg->ingest.batch_max)
		flush_events(sv);
}

/* ---------------------------------------------------------------- poll results */

static void publish_results(serve *sv, const char *poll, const char *kiosk)
{
	hall_poll_results r;
	hall_error err = {0};
	char topic[HALL_TOPIC_MAX];
	char *buf = NULL;
	size_t len = 0;
	if (hall_store_poll_results(sv->store, poll, hall_clock_now_ms(), &r, &err) != HALL_OK) {
		db_warn("poll results", &err);
		return;
	}
	int t = kiosk ? hall_topic_ctl_kiosk(topic, sizeof topic, sv->cfg->topic_prefix, kiosk, "poll")
	              : hall_topic_ctl_poll_results(topic, sizeof topic, sv->cfg->topic_prefix, poll);
	if (t != 0 || hall_proto_encode_poll_results(&r, &buf, &len, &err) != HALL_OK)
		return;
	publish(sv, topic, buf, len, kiosk ? false : sv->cfg->retain);
	free(buf);
}

typedef struct poll_list {
	char (*ids)[HALL_ID_BUF];
	size_t n, cap;
} poll_list;

static int collect_poll(void *user, const hall_store_tally *t)
{
	poll_list *l = user;
	if (l->n && strcmp(l->ids[l->n - 1], t->poll) == 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char(*ids)[HALL_ID_BUF] = realloc(l->ids, cap * sizeof *ids);
		if (!ids)
			return 1;
		l->ids = ids;
		l->cap = cap;
	}
	snprintf(l->ids[l->n++], HALL_ID_BUF, "%s", t->poll);
	return 0;
}

/* Every poll with votes: to its results topic (kiosk NULL) or to one kiosk's poll topic. */
static void publish_every_poll(serve *sv, const char *kiosk)
{
	poll_list l = {0};
	hall_error err = {0};
	if (hall_store_each_tally(sv->store, NULL, collect_poll, &l, &err) != HALL_OK)
		db_warn("poll list", &err);
	for (size_t i = 0; i < l.n; i++)
		publish_results(sv, l.ids[i], kiosk);
	free(l.ids);
}

static void publish_dirty_results(serve *sv)
{
	int64_t now = hall_clock_mono_ms();
	if ((!sv->n_dirty && !sv->all_dirty) || now - sv->last_results < RESULTS_MIN_INTERVAL_MS)
		return;
	if (sv->all_dirty)
		publish_every_poll(sv, NULL);
	else
		for (size_t i = 0; i < sv->n_dirty; i++)
			publish_results(sv, sv->dirty[i], NULL);
	sv->n_dirty = 0;
	sv->all_dirty = false;
	sv->last_results = now;
}

/* ---------------------------------------------------------------- hello */

/* Send what differs from the kiosk's desired state for one kind. The kiosk reports the
 * version it shows (the most specific non-cleared scope). When that equals what we
 * want it to show, nothing is sent; otherwise every scope that addresses the kiosk is
 * sent, widest first, cleared ones included, so it also learns about wider scopes it
 * may have missed while an override hid them. Sent on its own topic, never retained (a
 * retained message there is the kiosk scope's shortcut). */
static void send_desired(serve *sv, const char *kind, const hall_hello *h, int64_t reported)
{
	char scopes[3][HALL_SCOPE_BUF];
	hall_store_desired d[3];
	bool have[3] = {false, false, false};
	size_t n = 0;
	int64_t effective = 0;
	char topic[HALL_TOPIC_MAX];
	snprintf(scopes[n++], HALL_SCOPE_BUF, "all");
	if (h->group[0])
		snprintf(scopes[n++], HALL_SCOPE_BUF, "group:%s", h->group);
	snprintf(scopes[n++], HALL_SCOPE_BUF, "kiosk:%s", h->kiosk);
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		have[i] = hall_store_get_desired(sv->store, kind, scopes[i], &d[i], NULL) == HALL_OK;
		if (have[i]) {
			any = true;
			if (!d[i].cleared)
				effective = d[i].version;
		}
	}
	if (any && effective != reported &&
	    hall_topic_ctl_kiosk(topic, sizeof topic, sv->cfg->topic_prefix, h->kiosk, kind) == 0) {
		for (size_t i = 0; i < n; i++)
			if (have[i])
				publish(sv, topic, d[i].payload, d[i].payload_len, false);
		hall_info("hello from %s: sent %s (it holds %" PRId64 ", wanted %" PRId64 ")", h->kiosk, kind, reported,
		          effective);
	}
	for (size_t i = 0; i < n; i++)
		if (have[i])
			hall_store_desired_free(&d[i]);
}

static int send_command(void *user, const hall_store_command *c)
{
	serve *sv = user;
	char topic[HALL_TOPIC_MAX];
	char *buf = NULL;
	size_t len = 0;
	if (hall_topic_ctl_kiosk(topic, sizeof topic, sv->cfg->topic_prefix, c->kiosk, "command") == 0 &&
	    hall_proto_encode_command(&c->cmd, &buf, &len, NULL) == HALL_OK)
		publish(sv, topic, buf, len, false);
	free(buf);
	return 0;
}

/* A kiosk said it could not keep more events than it had said before (a full disk):
 * nothing of it is lost silently (DESIGN.md decision 9). The alert names the count and
 * the kiosk's own last error; every report covering now is incomplete (report.c). */
static void alert_unrecorded(serve *sv, const char *id, const char *group, int64_t before, int64_t now,
                             const char *last_error)
{
	if (now <= before)
		return;
	char reason[HALL_PROTO_ERROR_MAX + 128];
	snprintf(reason, sizeof reason, "%" PRId64 " events could not be recorded (%" PRId64 " in all)%s%s", now - before,
	         now, last_error[0] ? ": " : "", last_error);
	hall_error err = {0};
	if (hall_store_kiosk_set_alert(sv->store, id, true, reason, &err) != HALL_OK)
		db_warn("set alert", &err);
	run_on_alert(sv, "unrecorded", id, group, reason);
}

static void handle_hello(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_hello h;
	hall_error err = {0};
	hall_store_kiosk before;
	if (!accept_from(sv, topic, id, hall_proto_decode_hello(msg->payload, msg->len, &h, &err), h.kiosk, &err))
		return;
	bool known = hall_store_kiosk_get(sv->store, id, &before, NULL) == HALL_OK;
	bool was_online = known && before.online;
	/* Commit what is pending first, so the confirm below covers it. */
	flush_events(sv);
	/* seq survives restarts (DESIGN.md decision 2); going back means a kiosk that lost its
	 * spool (a wiped data directory). Whatever it issued and we do not hold is lost for
	 * good, so its effective spool_first is above the highest seq stored (not the 1 it
	 * says): the confirm below then names that seq, the kiosk moves past it, and nothing
	 * it sends from now on repeats a stored (kiosk, seq) and is dropped as a repeat. */
	int64_t held = known ? (before.confirmed > before.seq_max ? before.confirmed : before.seq_max) : 0;
	char lost[160] = "";
	if (known && h.seq_max < held) {
		int64_t top = 0;
		if (hall_store_max_seq(sv->store, id, &top, &err) != HALL_OK)
			db_warn("reading the highest seq", &err);
		if (top + 1 > h.spool_first)
			h.spool_first = top + 1;
		snprintf(lost, sizeof lost,
		         "spool lost: seq_max %" PRId64 " is below the %" PRId64 " already known; seqs go on after %" PRId64,
		         h.seq_max, held, top);
	}
	if (hall_store_kiosk_hello(sv->store, &h, hall_clock_now_ms(), &err) != HALL_OK) {
		db_warn("storing hello", &err);
		return;
	}
	hall_info("hello from %s (group %s, content %" PRId64 ", seq_max %" PRId64 ", spool_first %" PRId64 "%s%s)", id,
	          h.group, h.content_version, h.seq_max, h.spool_first, h.broker[0] ? ", broker " : "", h.broker);
	if (!was_online)
		on_transition(sv, id, true);
	alert_unrecorded(sv, id, h.group, known ? before.unrecorded : 0, h.unrecorded, h.last_error);
	/* A kiosk whose last run did not stop cleanly (the systemd watchdog killed a frozen
	 * screen, a crash, a power cut) says so once in last_error: an alert, once per such
	 * restart (the error text names the run, and status keeps it as the kiosk's). */
	size_t rl = strlen(HALL_PROTO_RESTARTED_ERROR);
	if (strncmp(h.last_error, HALL_PROTO_RESTARTED_ERROR, rl) == 0 &&
	    (!known || strcmp(before.last_error, h.last_error) != 0)) {
		if (hall_store_kiosk_set_alert(sv->store, id, true, h.last_error, &err) != HALL_OK)
			db_warn("storing alert", &err);
		run_on_alert(sv, "restarted", id, h.group, h.last_error);
	}
	if (lost[0]) { /* after the transition: coming back online clears an offline alert only */
		if (hall_store_kiosk_set_alert(sv->store, id, true, lost, &err) != HALL_OK)
			db_warn("storing alert", &err);
		run_on_alert(sv, "spool_lost", id, h.group, lost);
	}
	send_confirm(sv, id);
	send_desired(sv, "content", &h, h.content_version);
	send_desired(sv, "schedule", &h, h.schedule_version);
	send_desired(sv, "notice", &h, h.notice_version);
	if (hall_store_each_pending_command(sv->store, id, hall_clock_now_ms(), send_command, sv, &err) != HALL_OK)
		db_warn("commands", &err);
	publish_every_poll(sv, id);
}

/* ---------------------------------------------------------------- status, help, ack */

static void handle_status(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_status st;
	hall_error err = {0};
	bool changed = false;
	if (!accept_from(sv, topic, id, hall_proto_decode_status(msg->payload, msg->len, &st, &err), st.kiosk, &err))
		return;
	hall_store_kiosk before;
	int64_t had = hall_store_kiosk_get(sv->store, id, &before, NULL) == HALL_OK ? before.unrecorded : 0;
	if (hall_store_kiosk_status(sv->store, &st, hall_clock_now_ms(), &changed, &err) != HALL_OK) {
		db_warn("storing status", &err);
		return;
	}
	if (st.full)
		alert_unrecorded(sv, id, st.group, had, st.unrecorded, st.last_error);
	if (st.full && st.last_error[0])
		hall_warn("kiosk %s reports: %s", id, st.last_error);
	if (changed)
		on_transition(sv, id, st.online);
}

static bool help_stored_before(const serve *sv, const char *id, const hall_help *h)
{
	for (size_t i = 0; i < HELP_CALLS_KEPT; i++)
		if (sv->help[i].call == h->call && sv->help[i].ts == h->ts && strcmp(sv->help[i].kiosk, id) == 0)
			return true;
	return false;
}

/* The delivery ack of a help call (docs/protocol.md "help-ack"), signed like every
 * controller-to-kiosk message: only then does the kiosk tell its visitor that staff
 * have been called. */
static void send_help_ack(serve *sv, const char *id, const hall_help *h)
{
	hall_help_ack a = {h->call, h->ts};
	char topic[HALL_TOPIC_MAX], *buf = NULL;
	size_t len = 0;
	hall_error err = {0};
	if (hall_topic_ctl_kiosk(topic, sizeof topic, sv->cfg->topic_prefix, id, HALL_HELP_ACK_LEAF) != 0 ||
	    hall_proto_encode_help_ack(&a, &buf, &len, &err) != HALL_OK) {
		hall_warn("help-ack for %s call %" PRId64 " not sent: %s", id, h->call, err.msg);
		return;
	}
	publish(sv, topic, buf, len, false);
	free(buf);
}

static void handle_help(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_help h;
	hall_error err = {0};
	hall_store_kiosk k;
	char reason[160];
	if (!accept_from(sv, topic, id, hall_proto_decode_help(msg->payload, msg->len, &h, &err), h.kiosk, &err))
		return;
	if (h.call > 0 && help_stored_before(sv, id, &h)) {
		/* A resend: its ack was lost or is on the way. Answer again, store nothing. */
		send_help_ack(sv, id, &h);
		return;
	}
	if (hall_store_add_help(sv->store, &h, hall_clock_now_ms(), &err) != HALL_OK) {
		db_warn("storing help", &err); /* no ack: the kiosk sends the call again */
		return;
	}
	if (h.call > 0) {
		help_seen *hs = &sv->help[sv->help_next];
		snprintf(hs->kiosk, sizeof hs->kiosk, "%s", id);
		hs->call = h.call;
		hs->ts = h.ts;
		sv->help_next = (sv->help_next + 1) % HELP_CALLS_KEPT;
		hall_info("help call %" PRId64 " from %s at exhibit \"%s\": stored, acknowledged", h.call, id, h.exhibit);
		send_help_ack(sv, id, &h);
	}
	snprintf(reason, sizeof reason, "help requested at exhibit \"%s\"", h.exhibit);
	if (hall_store_kiosk_set_alert(sv->store, id, true, reason, &err) != HALL_OK)
		db_warn("set alert", &err);
	const char *group = hall_store_kiosk_get(sv->store, id, &k, NULL) == HALL_OK ? k.group : "";
	run_on_alert(sv, "help", id, group, reason);
}

static void handle_ack(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_ack a;
	hall_error err = {0};
	if (!accept_from(sv, topic, id, hall_proto_decode_ack(msg->payload, msg->len, &a, &err), a.kiosk, &err))
		return;
	if (a.kind == HALL_ACK_CONFIRM || a.kind == HALL_ACK_POLL) {
		/* A kiosk refused a confirm or poll result as not ours (a forgery on the broker,
		 * or a signing key that does not match its controller_key): nothing to store,
		 * the kiosk counts it in its status (rejected_unsigned). */
		hall_warn("kiosk %s refused a %s message%s%s: %s", id, hall_ack_kind_name(a.kind), a.id[0] ? " for " : "",
		          a.id, a.reason);
		return;
	}
	if (hall_store_add_ack(sv->store, &a, hall_clock_now_ms(), &err) != HALL_OK) {
		db_warn("storing ack", &err);
		return;
	}
	if (a.kind == HALL_ACK_COMMAND)
		hall_info("kiosk %s: command %s %s%s%s", id, a.id, hall_ack_result_name(a.result), a.reason[0] ? ": " : "",
		          a.reason);
	else
		hall_info("kiosk %s: %s %" PRId64 " %s%s%s", id, hall_ack_kind_name(a.kind), a.version,
		          hall_ack_result_name(a.result), a.reason[0] ? ": " : "", a.reason);
}

/* ---------------------------------------------------------------- fetch, shot */

static uint64_t id_hash(const char *id)
{
	uint64_t h = UINT64_C(1469598103934665603); /* FNV-1a */
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * UINT64_C(1099511628211);
	return h;
}

/* True when a recent stream already carries what `id` asks for (and notes that it was
 * answered so). A kiosk answered so once and asking again is served. */
static bool fetch_coalesce(serve *sv, const char *id, const hall_fetch *f, int64_t now)
{
	if (!sv->streams)
		return false;
	uint64_t h = id_hash(id);
	for (size_t i = 0; i < RECENT_STREAMS; i++) {
		recent_stream *r = &sv->streams[i];
		if (!r->started || now - r->started >= HALL_FETCH_COALESCE_MS || r->offset > f->offset ||
		    strcmp(r->sha256, f->sha256) != 0)
			continue;
		for (size_t j = 0; j < r->n_skipped; j++)
			if (r->skipped[j] == h)
				return false; /* it asked again: it missed part of this stream */
		if (r->n_skipped == SKIPPED_MAX)
			return false;
		r->skipped[r->n_skipped++] = h;
		return true;
	}
	return false;
}

static void fetch_note_stream(serve *sv, const char *id, const hall_fetch *f, int64_t now)
{
	if (!sv->streams)
		return;
	recent_stream *slot = &sv->streams[0];
	for (size_t i = 0; i < RECENT_STREAMS; i++) {
		recent_stream *r = &sv->streams[i];
		if (!r->started || now - r->started >= HALL_FETCH_COALESCE_MS) {
			slot = r;
			break;
		}
		if (r->started < slot->started)
			slot = r;
	}
	memcpy(slot->sha256, f->sha256, sizeof slot->sha256);
	slot->offset = f->offset;
	slot->started = now;
	slot->skipped[0] = id_hash(id); /* the asker itself asking again missed chunks too */
	slot->n_skipped = 1;
}

static void handle_fetch(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_fetch f;
	hall_error err = {0};
	char out_topic[HALL_TOPIC_MAX];
	uint8_t *buf = NULL;
	if (hall_proto_decode_fetch(msg->payload, msg->len, &f, &err) != HALL_OK) {
		reject(sv, topic, &err, 0);
		return;
	}
	if (hall_topic_ctl_asset(out_topic, sizeof out_topic, sv->cfg->topic_prefix, f.sha256) != 0)
		return;
	int64_t now = hall_clock_mono_ms();
	if (fetch_coalesce(sv, id, &f, now)) {
		sv->fetches_coalesced++;
		hall_debug("fetch of %s by %s from %" PRId64 ": carried by a stream started < 0.5 s ago", f.sha256, id,
		           f.offset);
		return;
	}
	buf = malloc(HALL_SERVE_CHUNK_BYTES);
	if (!buf)
		return;
	int64_t offset = f.offset, size = 0;
	size_t chunks = 0;
	/* From the asked offset to the end; a zero-byte asset still gets one chunk. */
	do {
		size_t got = 0;
		char *out = NULL;
		size_t out_len = 0;
		hall_err rc = hall_packs_read_chunk(sv->cfg->data_dir, f.sha256, offset, buf, HALL_SERVE_CHUNK_BYTES, &got,
		                                    &size, &err);
		if (rc) {
			char m[512];
			hall_warn("fetch of %s by %s: %s", f.sha256, id, hall_error_format(&err, m, sizeof m));
			break;
		}
		hall_asset_chunk c = {.size = size, .offset = offset, .len = got, .data = got ? buf : NULL};
		memcpy(c.sha256, f.sha256, sizeof c.sha256);
		if (hall_proto_encode_asset_chunk(&c, &out, &out_len, &err) != HALL_OK) {
			char m[512];
			hall_warn("fetch of %s: %s", f.sha256, hall_error_format(&err, m, sizeof m));
			break;
		}
		hall_error perr = {0};
		if (hall_ctl_publish_asset_chunk(sv->m, out_topic, out, out_len, &perr) != HALL_OK) {
			char m[512];
			hall_warn("publish %s: %s", out_topic, hall_error_format(&perr, m, sizeof m));
		}
		free(out);
		chunks++;
		offset += (int64_t)got;
		if (got == 0)
			break;
	} while (offset < size);
	if (chunks && offset >= size)
		fetch_note_stream(sv, id, &f, now); /* only a stream that reached the end carries others */
	if (chunks)
		hall_debug("fetch of %s by %s: %zu chunks from %" PRId64, f.sha256, id, chunks, f.offset);
	free(buf);
}

static void handle_shot(serve *sv, const char *topic, const char *id, const hall_mqtt_msg *msg)
{
	hall_shot s;
	hall_error err = {0};
	char dir[HALL_CONFIG_PATH_MAX + 16], path[HALL_CONFIG_PATH_MAX + 256];
	if (hall_proto_decode_shot(msg->payload, msg->len, &s, &err) != HALL_OK) {
		reject(sv, topic, &err, 0);
		return;
	}
	/* Issue #5, docs/privacy.md: a screenshot is taken only by staff command. An image is
	 * kept only for a screenshot command issued to this kiosk whose image has not come
	 * yet; any other (unsolicited, another kiosk's command, a second copy) is logged and
	 * dropped, never written. */
	if (hall_store_check_shot(sv->store, id, s.command, &err) != HALL_OK) {
		char m[512];
		hall_warn("screenshot from %s for command \"%s\" dropped (%zu bytes, not saved): %s", id, s.command, s.size,
		          hall_error_format(&err, m, sizeof m));
		return;
	}
	hall_civil c;
	int64_t now = hall_clock_now_ms();
	if (hall_clock_to_civil(now, "UTC", &c) != 0)
		memset(&c, 0, sizeof c);
	snprintf(dir, sizeof dir, "%s/shots", sv->cfg->data_dir);
	snprintf(path, sizeof path, "%s/%s-%04d%02d%02dT%02d%02d%02dZ-%s.png", dir, id, c.year, c.month, c.day, c.hour,
	         c.minute, c.second, s.command);
	if (hall_fs_mkdirs(dir, &err) != HALL_OK || hall_fs_write_atomic(path, s.data, s.size, &err) != HALL_OK) {
		char m[512];
		hall_error_log("saving screenshot of %s: %s", id, hall_error_format(&err, m, sizeof m));
		return;
	}
	/* Logged with its command (table shots); the same rule again, in one statement. */
	if (hall_store_add_shot(sv->store, id, s.command, now, path, &err) != HALL_OK) {
		char m[512];
		hall_warn("screenshot from %s for command \"%s\" dropped: %s", id, s.command,
		          hall_error_format(&err, m, sizeof m));
		if (unlink(path) != 0)
			hall_error_log("cannot remove %s: %s", path, strerror(errno));
		return;
	}
	hall_info("screenshot of %s (command %s, %zu bytes): %s", id, s.command, s.size, path);
}

/* ---------------------------------------------------------------- dispatch */

static void announce_online(serve *sv);

/* Another controller of this hall went away (its Will, or its clean stop) while this one
 * runs (several serves on one database): the retained status would say "offline" with a
 * controller still there. Say "online" again: the kiosks take that as a controller that
 * (re)connected and resend what is unconfirmed, which covers what the one that died had
 * received and not committed. */
static bool handle_controller_status(serve *sv, const hall_mqtt_msg *msg)
{
	char topic[HALL_TOPIC_MAX];
	hall_controller_status st;
	if (hall_topic_ctl_controller_status(topic, sizeof topic, sv->cfg->topic_prefix) != 0 ||
	    strcmp(topic, msg->topic) != 0)
		return false;
	if (hall_proto_decode_controller_status(msg->payload, msg->len, &st, NULL) == HALL_OK && !st.online) {
		hall_info("the controller status says offline while this controller runs: announcing it again");
		announce_online(sv);
	}
	return true;
}

static void handle(serve *sv, const hall_mqtt_msg *msg)
{
	char id[HALL_ID_BUF], leaf[16];
	hall_error err = {0};
	if (msg->len == 0)
		return; /* a cleared retained message */
	if (handle_controller_status(sv, msg))
		return;
	if (hall_topic_parse_kiosk(msg->topic, sv->cfg->topic_prefix, id, sizeof id, leaf, sizeof leaf) != 0) {
		hall_error_set(&err, HALL_ERR_INVALID, "topic", "not a kiosk topic");
		reject(sv, msg->topic, &err, 0);
		return;
	}
	if (!known_kiosk(sv, id)) {
		hall_error_set(&err, HALL_ERR_INVALID, "kiosk", "\"%s\" is not in the config's kiosks", id);
		reject(sv, msg->topic, &err, strcmp(leaf, "events") == 0 ? 1 : 0);
		return;
	}
	if (strcmp(leaf, "events") == 0)
		handle_events(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "hello") == 0)
		handle_hello(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "status") == 0)
		handle_status(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "ack") == 0)
		handle_ack(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "help") == 0)
		handle_help(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "fetch") == 0)
		handle_fetch(sv, msg->topic, id, msg);
	else if (strcmp(leaf, "shot") == 0)
		handle_shot(sv, msg->topic, id, msg);
	else {
		hall_error_set(&err, HALL_ERR_INVALID, "topic", "unknown leaf \"%s\"", leaf);
		reject(sv, msg->topic, &err, 0);
	}
}

/* ---------------------------------------------------------------- housekeeping */

static int format_day(int64_t utc_ms, const char *tz, char day[11], hall_civil *civil)
{
	hall_civil c;
	if (hall_clock_to_civil(utc_ms, tz, &c) != 0)
		return -1;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", c.year, c.month, c.day);
	snprintf(day, 11, "%.10s", tmp);
	if (civil)
		*civil = c;
	return 0;
}

/* The day after `day` (noon arithmetic keeps clear of DST edges). */
static int next_day(const char *day, const char *tz, char out[11])
{
	hall_civil c = {0};
	int64_t ms;
	if (hall_clock_parse_date(day, &c.year, &c.month, &c.day) != 0)
		return -1;
	c.hour = 12;
	if (hall_clock_from_civil(&c, tz, &ms) != 0)
		return -1;
	return format_day(ms + 86400000, tz, out, NULL);
}

/* The result of a daily backup, for whoever looks after the hall: `meta.last_backup` is
 * "<UTC ms> ok|failed <file> [<why>]". */
static void record_backup(serve *sv, bool ok, const char *why)
{
	char v[HALL_CONFIG_PATH_MAX + 400];
	hall_error err = {0};
	snprintf(v, sizeof v, "%" PRId64 " %s %s%s%.300s", hall_clock_now_ms(), ok ? "ok" : "failed", sv->backup.path,
	         ok ? "" : " ", ok ? "" : why);
	if (hall_store_meta_set(sv->store, HALL_META_LAST_BACKUP, v, &err) != HALL_OK)
		db_warn("recording the backup", &err);
}

/* The day's backup in a child process (upkeep.h): pg_dump of a city's database takes
 * minutes, during which kiosks still want their hellos answered and events confirmed. */
static void start_backup(serve *sv, const char *today)
{
	hall_error err = {0};
	char msg[600];
	if (sv->backup.pid) {
		hall_warn("daily backup of %s not started: the one started %" PRId64 " s ago still runs", today,
		          (hall_clock_mono_ms() - sv->backup.started) / 1000);
		return;
	}
	if (hall_upkeep_backup_start(sv->cfg, today, &sv->backup, &err) != HALL_OK) {
		hall_error_log("daily backup %s: %s", sv->backup.path, hall_error_format(&err, msg, sizeof msg));
		record_backup(sv, false, err.msg);
	} else if (sv->backup.pid) {
		hall_info("daily backup of %s started (pid %d): %s", today, (int)sv->backup.pid, sv->backup.path);
	}
}

/* A daily backup that ended: logged and recorded (record_backup). */
static void reap_backup(serve *sv)
{
	bool ok = false;
	char msg[400];
	if (!hall_upkeep_backup_done(sv->cfg, &sv->backup, &ok, msg, sizeof msg))
		return;
	double secs = (double)(hall_clock_mono_ms() - sv->backup.started) / 1000.0;
	if (ok)
		hall_info("daily backup written to %s (%.1f s)", sv->backup.path, secs);
	else
		hall_error_log("daily backup %s failed after %.1f s: %s", sv->backup.path, secs, msg);
	record_backup(sv, ok, msg);
}

/* Once a day: aggregate the days that ended (so the counts outlive the raw events),
 * then delete raw events older than raw_retention_days. At closing time: the report. */
static void housekeeping(serve *sv)
{
	const hall_controller_config *cfg = sv->cfg;
	hall_error err = {0};
	char today[11], yesterday[11], done[32] = "", day[11];
	hall_civil now_c;
	int64_t now = hall_clock_now_ms();
	if (format_day(now, cfg->time_zone, today, &now_c) != 0 ||
	    format_day(now - 86400000, cfg->time_zone, yesterday, NULL) != 0)
		return;
	if (hall_store_meta_get(sv->store, "maintained_day", done, sizeof done, NULL) != HALL_OK ||
	    strcmp(done, today) != 0) {
		/* The daily check, and a backup of a sound database only (a damaged one would
		 * push the last good backup out). */
		if (check_database(sv))
			start_backup(sv, today);
		/* From the day after the last one aggregated, and never less than the last week:
		 * a kiosk that was offline for days sends its old events late. A day whose raw
		 * events retention already deleted (raw_retention_days below 7) keeps its
		 * aggregates: hall_store_aggregate_day leaves it alone (store.h). */
		char through[32] = "", week[11];
		if (hall_store_meta_get(sv->store, "aggregated_through", through, sizeof through, NULL) != HALL_OK ||
		    next_day(through, cfg->time_zone, day) != 0)
			snprintf(day, sizeof day, "%s", yesterday);
		if (format_day(now - 7 * INT64_C(86400000), cfg->time_zone, week, NULL) == 0 && strcmp(week, day) < 0)
			snprintf(day, sizeof day, "%s", week);
		for (int i = 0; i < 400 && strcmp(day, yesterday) <= 0; i++) {
			if (hall_store_aggregate_day(sv->store, day, cfg->time_zone, &err) != HALL_OK) {
				db_warn("daily aggregates", &err);
				break;
			}
			hall_store_meta_set(sv->store, "aggregated_through", day, NULL);
			if (next_day(day, cfg->time_zone, day) != 0)
				break;
		}
		int64_t deleted = 0;
		int64_t cutoff = now - (int64_t)cfg->raw_retention_days * 86400000;
		if (hall_store_delete_events_before(sv->store, cutoff, &deleted, &err) != HALL_OK)
			db_warn("retention", &err);
		else if (deleted)
			hall_info("retention: deleted %" PRId64 " raw events older than %d days", deleted,
			          cfg->raw_retention_days);
		hall_store_meta_set(sv->store, "maintained_day", today, NULL);
	}
	/* Down at the last closing time: yesterday's report, late, rather than never. */
	done[0] = '\0';
	if (hall_store_meta_get(sv->store, "report_day", done, sizeof done, NULL) == HALL_OK &&
	    strcmp(done, yesterday) < 0) {
		if (hall_report_write_day(sv->store, cfg, yesterday, &err) != HALL_OK)
			db_warn("daily report (late)", &err);
		else
			hall_info("wrote the late report of %s into %s", yesterday, cfg->reports_dir);
		hall_store_meta_set(sv->store, "report_day", yesterday, NULL);
	}
	if (now_c.hour * 60 + now_c.minute >= cfg->closing_hour * 60 + cfg->closing_minute) {
		done[0] = '\0';
		if (hall_store_meta_get(sv->store, "report_day", done, sizeof done, NULL) != HALL_OK ||
		    strcmp(done, today) != 0) {
			flush_events(sv);
			if (hall_report_write_day(sv->store, cfg, today, &err) != HALL_OK) {
				db_warn("daily report", &err);
			} else {
				hall_info("wrote the report of %s into %s", today, cfg->reports_dir);
			}
			/* Marked even after a failure: retried tomorrow, not every 30 s all night. */
			hall_store_meta_set(sv->store, "report_day", today, NULL);
		}
	}
}

/* Take the lead or check it is still ours (hall_store_lead), and say so when that changes.
 * A controller that just took the lead does the overdue once-only work at once. */
static void check_lead(serve *sv, int64_t now)
{
	hall_error err = {0};
	bool was = sv->leader, known = sv->lead_known;
	if (hall_store_lead(sv->store, &sv->leader, &err) != HALL_OK)
		db_warn("lead", &err);
	sv->lead_known = true;
	if (sv->leader && (!was || !known)) {
		hall_info("leading: this controller writes the reports, keeps retention and runs alerts");
		sv->next_housekeeping = now;
	} else if (!sv->leader && (was || !known)) {
		hall_info("standing by: another controller on this database leads (reports, retention, alerts)");
	}
	sv->next_lead_check = now + LEAD_CHECK_MS;
}

/* Ask every kiosk for its hello (HALL_ROLLCALL_LEAF): the fleet as it is now, whatever
 * the broker kept or lost while this controller was away. */
static void roll_call(serve *sv)
{
	char topic[HALL_TOPIC_MAX];
	hall_error err = {0};
	cJSON *doc = cJSON_CreateObject();
	if (!doc || hall_topic_ctl_all(topic, sizeof topic, sv->cfg->topic_prefix, HALL_ROLLCALL_LEAF) != 0 ||
	    !cJSON_AddNumberToObject(doc, "ts", (double)hall_clock_now_ms()) ||
	    !cJSON_AddNumberToObject(doc, "within_ms", HALL_ROLLCALL_WITHIN_MS_DEFAULT) ||
	    hall_ctl_publish_json(sv->cfg, sv->m, topic, doc, false, &err) != HALL_OK)
		hall_warn("roll-call not sent: %s", err.msg[0] ? err.msg : "out of memory");
	cJSON_Delete(doc);
}

static void announce_online(serve *sv)
{
	char topic[HALL_TOPIC_MAX];
	char *buf = NULL;
	size_t len = 0;
	hall_controller_status st = {.online = true, .ts = hall_clock_now_ms()};
	if (hall_topic_ctl_controller_status(topic, sizeof topic, sv->cfg->topic_prefix) == 0 &&
	    hall_proto_encode_controller_status(&st, &buf, &len, NULL) == HALL_OK)
		publish(sv, topic, buf, len, sv->cfg->retain);
	free(buf);
	{
		hall_mqtt_stats ms;
		hall_mqtt_get_stats(sv->m, &ms);
		hall_info("connected to %s", ms.broker);
	}
	/* Results published while we were away may be missing from the broker. */
	publish_every_poll(sv, NULL);
	roll_call(sv);
}

static const char *const LEAVES[] = {"hello", "status", "events", "ack", "help", "fetch", "shot"};

int hall_serve_run(const hall_controller_config *cfg, bool create, volatile sig_atomic_t *stop)
{
	serve sv = {.cfg = cfg, .started = hall_clock_now_ms(), .lock_fd = -1};
	hall_console *console = NULL;
	sv.streams = calloc(RECENT_STREAMS, sizeof *sv.streams);
	hall_error err = {0};
	char msg[512];
	int code = 1;
	signal(SIGPIPE, SIG_IGN);
	if (hall_ctl_open_store_mode(cfg, create ? HALL_STORE_CREATE : HALL_STORE_WRITE, &sv.store, &err) != HALL_OK) {
		/* One line on stderr whatever the log level: the reason serve did not start. */
		fprintf(stderr, "hall-controller serve: %s%s\n", hall_error_format(&err, msg, sizeof msg),
		        create ? "" : " (or `serve --create` for development)");
		goto done;
	}
	/* The staff console: its own threads and its own (read-only) database connection, so it
	 * never holds up ingest. A console that was asked for and cannot start stops serve: a
	 * hall whose staff think they have a console must hear that they do not. */
	if (cfg->console.enabled && hall_console_start(cfg, &console, &err) != HALL_OK) {
		hall_error_log("console: %s", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	/* One serve per SQLite file; on PostgreSQL several serves may share the database (and
	 * a data_dir for the packs): the lead (hall_store_lead) orders their once-only work. */
	if (!cfg->database[0] && hall_upkeep_lock(cfg->data_dir, &sv.lock_fd, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller serve: %s\n", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	/* A clean session: nothing of serve's lives in the broker. RabbitMQ keeps a persistent
	 * session as a queue homed on one node, and while that node is down closes every
	 * connection of that client id to the others (issue 13); nothing is lost without it:
	 * kiosks resend what is unconfirmed when serve's status turns online, and the roll-call
	 * at every connect brings every kiosk's hello. */
	if (hall_ctl_connect(cfg, cfg->id, true, true, 0, &sv.m, &err) != HALL_OK) {
		hall_error_log("broker: %s", hall_error_format(&err, msg, sizeof msg));
		goto done;
	}
	for (size_t i = 0; i < sizeof LEAVES / sizeof LEAVES[0]; i++) {
		char filter[HALL_TOPIC_MAX];
		snprintf(filter, sizeof filter, "%s/kiosk/+/%s", cfg->topic_prefix, LEAVES[i]);
		if (hall_mqtt_subscribe(sv.m, filter, &err) != HALL_OK) {
			hall_error_log("subscribe %s: %s", filter, hall_error_format(&err, msg, sizeof msg));
			goto done;
		}
	}
	{
		char topic[HALL_TOPIC_MAX];
		if (hall_topic_ctl_controller_status(topic, sizeof topic, cfg->topic_prefix) != 0 ||
		    hall_mqtt_subscribe(sv.m, topic, &err) != HALL_OK) {
			hall_error_log("subscribe %s: %s", topic, hall_error_format(&err, msg, sizeof msg));
			goto done;
		}
	}
	check_lead(&sv, hall_clock_mono_ms());
	check_database(&sv); /* after the lead is known: the leader runs on_alert */
	hall_info("serving %s:%d%s as client id %s, data in %s", cfg->broker.host, cfg->broker.port,
	          cfg->broker.n_hosts > 1 ? " (and the other brokers listed)" : "", cfg->id, cfg->data_dir);
	while (!*stop) {
		int64_t now = hall_clock_mono_ms();
		int timeout = 250;
		if (sv.n_pend) {
			int64_t left = sv.pend_since + cfg->ingest.batch_ms - now;
			timeout = left < 0 ? 0 : (left < timeout ? (int)left : timeout);
		}
		hall_mqtt_wait(sv.m, timeout);
		hall_mqtt_stats st;
		hall_mqtt_get_stats(sv.m, &st);
		if (st.connects != sv.connects && hall_mqtt_is_connected(sv.m)) {
			sv.connects = st.connects;
			announce_online(&sv);
		}
		hall_mqtt_msg m;
		bool drained = false;
		/* Bounded per round so a flood cannot starve the batch deadline. */
		for (int i = 0; i < 10000; i++) {
			if (!hall_mqtt_poll(sv.m, &m)) {
				drained = true;
				break;
			}
			handle(&sv, &m);
			hall_mqtt_msg_free(&m);
		}
		now = hall_clock_mono_ms();
		/* Commit as soon as nothing more is queued (or the batch is batch_ms old, or,
		 * in handle_events, batch_max events): a lone event is confirmed at once, and under
		 * load what arrives during one commit makes the next batch, so batches grow with
		 * the load and the fsyncs per event shrink, with no timer adding latency. */
		if (sv.n_pend && (drained || now - sv.pend_since >= cfg->ingest.batch_ms))
			flush_events(&sv);
		else if (!sv.n_pend && (sv.rej_events || sv.rej_msgs))
			flush_events(&sv);
		publish_dirty_results(&sv);
		reap_children(&sv);
		reap_backup(&sv);
		if (now >= sv.next_lead_check)
			check_lead(&sv, now);
		if (sv.leader && now >= sv.next_housekeeping) {
			housekeeping(&sv);
			sv.next_housekeeping = now + HOUSEKEEPING_INTERVAL_MS;
		}
		if (now >= sv.next_heartbeat) {
			heartbeat(&sv);
			check_opening(&sv);
			sv.next_heartbeat = now + HALL_SERVE_HEARTBEAT_MS;
		}
	}
	hall_info("stopping");
	/* Drain what arrived, commit and confirm it, then leave with a clean offline status. */
	hall_mqtt_msg m;
	for (int i = 0; i < 100000 && hall_mqtt_poll(sv.m, &m); i++) {
		handle(&sv, &m);
		hall_mqtt_msg_free(&m);
	}
	flush_events(&sv);
	{
		char topic[HALL_TOPIC_MAX];
		char *buf = NULL;
		size_t len = 0;
		hall_controller_status off = {.online = false, .ts = hall_clock_now_ms()};
		if (hall_topic_ctl_controller_status(topic, sizeof topic, cfg->topic_prefix) == 0 &&
		    hall_proto_encode_controller_status(&off, &buf, &len, NULL) == HALL_OK)
			hall_mqtt_stop(sv.m, topic, buf, len, cfg->retain, 2000, NULL);
		free(buf);
	}
	{
		char v[32];
		snprintf(v, sizeof v, "%" PRId64, hall_clock_now_ms());
		hall_store_meta_set(sv.store, HALL_META_SERVE_STOPPED, v, NULL);
	}
	code = 0;
done:
	if (sv.backup.pid) {
		/* The day's upkeep is then due again (each step of it may run twice): the next
		 * start, or the controller that takes the lead, writes the backup. */
		hall_warn("daily backup %s stopped with serve: the day's upkeep runs again at the next start", sv.backup.path);
		hall_upkeep_backup_stop(&sv.backup);
		hall_store_meta_set(sv.store, "maintained_day", "", NULL);
	}
	hall_console_stop(console);
	free(sv.offline);
	hall_mqtt_destroy(sv.m);
	hall_store_close(sv.store);
	if (sv.lock_fd >= 0)
		close(sv.lock_fd);
	free(sv.pend);
	free(sv.streams);
	hall_controller_config_free(&sv.reread);
	return code;
}
