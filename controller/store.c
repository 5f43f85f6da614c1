/* store.c: the backend-independent half of controller/store.h: argument checks, the
 * dispatch through the ops table, and what is built from other operations (poll
 * results, daily aggregates). */
#include "store.h"
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/log.h"

/* An op the backend does not have yet (others keep adding ops; a backend's table names
 * only those it implements): a clear refusal instead of a call through NULL. */
static hall_err unsupported(const hall_store *s, const char *op, hall_error *err)
{
	return hall_error_set(err, HALL_ERR_DB, "", "not supported on %s yet: %s", s->ops->backend, op);
}

bool hall_store_is_uri(const char *where)
{
	return where && (strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0);
}

void hall_store_redact_uri(const char *uri, char *out, size_t len)
{
	const char *scheme = strstr(uri, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (!at || (slash && slash < at) || !colon || colon > at) {
		snprintf(out, len, "%s", uri);
		return;
	}
	snprintf(out, len, "%.*s%s", (int)(colon - uri), uri, at); /* user:secret@host -> user@host */
}

hall_err hall_store_open_as(const char *where, hall_store_open_mode mode, hall_store **out, hall_error *err)
{
	return hall_store_is_uri(where) ? hall_store_open_pg_mode(where, mode, out, err)
	                                : hall_store_open_sqlite_mode(where, mode, out, err);
}

hall_err hall_store_open(const char *where, hall_store **out, hall_error *err)
{
	return hall_store_is_uri(where) ? hall_store_open_pg(where, out, err) : hall_store_open_sqlite(where, out, err);
}

void hall_store_close(hall_store *s)
{
	if (s)
		s->ops->close(s);
}

int64_t store__held_version(int64_t content, int64_t schedule, int64_t notice, int64_t version_max)
{
	int64_t held = content;
	if (schedule > held)
		held = schedule;
	if (notice > held)
		held = notice;
	return version_max > held ? version_max : held;
}

int64_t store__version_to_follow(const char *kiosk, int64_t held, int64_t counter)
{
	if (held <= 0 || held <= counter)
		return 0;
	if (held - counter > HALL_PROTO_VERSION_STEP_MAX) {
		hall_warn("kiosk %s reports version %" PRId64 ", more than %" PRId64 " above the version counter %" PRId64
		          ": not followed (a forged or lying version; pushes go on from the counter)",
		          kiosk, held, (int64_t)HALL_PROTO_VERSION_STEP_MAX, counter);
		return 0;
	}
	return held;
}

hall_err store__fsync_path(const char *path, hall_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return hall_error_set(err, HALL_ERR_IO, path, "fsync: %s", strerror(e));
	}
	close(fd);
	return HALL_OK;
}

hall_err store__put_backup(const char *tmp, const char *out_path, hall_err rc, hall_error *err)
{
	if (!rc && rename(tmp, out_path) != 0)
		rc = hall_error_set(err, HALL_ERR_IO, out_path, "rename: %s", strerror(errno));
	if (!rc)
		rc = hall_fs_sync_dir_of(out_path, err);
	if (rc)
		unlink(tmp);
	else if (err)
		err->path[0] = '\0';
	return rc;
}

hall_err hall_store_insert_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                  hall_error *err)
{
	return hall_store_ingest_events(s, evs, n, res, NULL, NULL, err);
}

hall_err hall_store_ingest_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                  hall_store_confirm_cb confirm_cb, void *user, hall_error *err)
{
	hall_store_insert_result local;
	if (!res)
		res = &local;
	memset(res, 0, sizeof *res);
	if (n == 0)
		return HALL_OK;
	return !s->ops->ingest_events ? unsupported(s, "ingest_events", err) : s->ops->ingest_events(s, evs, n, res, confirm_cb, user, err);
}

hall_err hall_store_advance_confirm(hall_store *s, const char *kiosk, int64_t *confirmed, hall_error *err)
{
	return !s->ops->advance_confirm ? unsupported(s, "advance_confirm", err) : s->ops->advance_confirm(s, kiosk, confirmed, err);
}

hall_err hall_store_each_event(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                               hall_store_event_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_event ? unsupported(s, "each_event", err) : s->ops->each_event(s, kiosk, from_ms, to_ms, cb, user, err);
}

hall_err hall_store_max_seq(hall_store *s, const char *kiosk, int64_t *max_seq, hall_error *err)
{
	return !s->ops->max_seq ? unsupported(s, "max_seq", err) : s->ops->max_seq(s, kiosk, max_seq, err);
}

/* The retention cutoff is remembered (meta raw_deleted_before, the highest ever applied):
 * a day that starts before it has lost raw events, so its aggregates are final. */
hall_err hall_store_delete_events_before(hall_store *s, int64_t ts_ms, int64_t *deleted, hall_error *err)
{
	int64_t before = 0;
	hall_err rc = hall_store_raw_deleted_before(s, &before, err);
	if (rc != HALL_OK)
		return rc;
	if (ts_ms > before) {
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)ts_ms);
		/* recorded first: a crash between the two must not let a day be re-aggregated
		 * from half its events */
		rc = hall_store_meta_set(s, HALL_META_RAW_DELETED_BEFORE, v, err);
		if (rc != HALL_OK)
			return rc;
	}
	return !s->ops->delete_events_before ? unsupported(s, "delete_events_before", err) : s->ops->delete_events_before(s, ts_ms, deleted, err);
}

hall_err hall_store_raw_deleted_before(hall_store *s, int64_t *ts_ms, hall_error *err)
{
	char v[32] = "";
	*ts_ms = 0;
	hall_err rc = hall_store_meta_get(s, HALL_META_RAW_DELETED_BEFORE, v, sizeof v, err);
	if (rc == HALL_ERR_NOT_FOUND)
		return HALL_OK;
	if (rc != HALL_OK)
		return rc;
	*ts_ms = strtoll(v, NULL, 10);
	return HALL_OK;
}

hall_err hall_store_kiosk_hello(hall_store *s, const hall_hello *h, int64_t now_ms, hall_error *err)
{
	return !s->ops->kiosk_hello ? unsupported(s, "kiosk_hello", err) : s->ops->kiosk_hello(s, h, now_ms, err);
}

hall_err hall_store_kiosk_status(hall_store *s, const hall_status *st, int64_t now_ms, bool *changed,
                                 hall_error *err)
{
	return !s->ops->kiosk_status ? unsupported(s, "kiosk_status", err) : s->ops->kiosk_status(s, st, now_ms, changed, err);
}

hall_err hall_store_kiosk_get(hall_store *s, const char *id, hall_store_kiosk *out, hall_error *err)
{
	return !s->ops->kiosk_get ? unsupported(s, "kiosk_get", err) : s->ops->kiosk_get(s, id, out, err);
}

hall_err hall_store_each_kiosk(hall_store *s, hall_store_kiosk_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_kiosk ? unsupported(s, "each_kiosk", err) : s->ops->each_kiosk(s, cb, user, err);
}

hall_err hall_store_kiosk_set_alert(hall_store *s, const char *id, bool alert, const char *reason, hall_error *err)
{
	return !s->ops->kiosk_set_alert ? unsupported(s, "kiosk_set_alert", err) : s->ops->kiosk_set_alert(s, id, alert, reason ? reason : "", err);
}

hall_err hall_store_help_ack(hall_store *s, const char *id, int64_t *acked, hall_error *err)
{
	int64_t local = 0;
	return !s->ops->help_ack ? unsupported(s, "help_ack", err) : s->ops->help_ack(s, id, acked ? acked : &local, err);
}

hall_err hall_store_each_status_change(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                                       hall_store_status_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_status_change ? unsupported(s, "each_status_change", err) : s->ops->each_status_change(s, kiosk, from_ms, to_ms, cb, user, err);
}

hall_err hall_store_add_help(hall_store *s, const hall_help *h, int64_t now_ms, hall_error *err)
{
	return !s->ops->add_help ? unsupported(s, "add_help", err) : s->ops->add_help(s, h, now_ms, err);
}

hall_err hall_store_next_version(hall_store *s, int64_t *version, hall_error *err)
{
	return !s->ops->next_version ? unsupported(s, "next_version", err) : s->ops->next_version(s, version, err);
}

hall_err hall_store_set_desired(hall_store *s, const hall_store_desired *d, hall_error *err)
{
	return !s->ops->set_desired ? unsupported(s, "set_desired", err) : s->ops->set_desired(s, d, err);
}

hall_err hall_store_get_desired(hall_store *s, const char *kind, const char *scope, hall_store_desired *out,
                                hall_error *err)
{
	return !s->ops->get_desired ? unsupported(s, "get_desired", err) : s->ops->get_desired(s, kind, scope, out, err);
}

void hall_store_desired_free(hall_store_desired *d)
{
	if (!d)
		return;
	free(d->payload);
	d->payload = NULL;
	d->payload_len = 0;
}

hall_err hall_store_add_history(hall_store *s, hall_store_history *h, hall_error *err)
{
	return !s->ops->add_history ? unsupported(s, "add_history", err) : s->ops->add_history(s, h, err);
}

hall_err hall_store_each_history(hall_store *s, const char *target, const char *kind, size_t limit,
                                 hall_store_history_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_history ? unsupported(s, "each_history", err) : s->ops->each_history(s, target, kind, limit, cb, user, err);
}

hall_err hall_store_set_history_outcome(hall_store *s, int64_t id, const char *outcome, const char *reason,
                                        hall_error *err)
{
	return !s->ops->set_history_outcome ? unsupported(s, "set_history_outcome", err) : s->ops->set_history_outcome(s, id, outcome, reason, err);
}

hall_err hall_store_each_shown(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                               hall_store_shown_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_shown ? unsupported(s, "each_shown", err) : s->ops->each_shown(s, kiosk, from_ms, to_ms, cb, user, err);
}

hall_err hall_store_last_shown_before(hall_store *s, const char *kiosk, int64_t before_ms, hall_store_shown *out,
                                      hall_error *err)
{
	return !s->ops->last_shown_before ? unsupported(s, "last_shown_before", err) : s->ops->last_shown_before(s, kiosk, before_ms, out, err);
}

hall_err hall_store_add_command(hall_store *s, const hall_store_command *c, hall_error *err)
{
	return !s->ops->add_command ? unsupported(s, "add_command", err) : s->ops->add_command(s, c, err);
}

hall_err hall_store_each_pending_command(hall_store *s, const char *kiosk, int64_t now_ms,
                                         hall_store_command_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_pending_command ? unsupported(s, "each_pending_command", err) : s->ops->each_pending_command(s, kiosk, now_ms, cb, user, err);
}

hall_err hall_store_add_ack(hall_store *s, const hall_ack *a, int64_t now_ms, hall_error *err)
{
	return !s->ops->add_ack ? unsupported(s, "add_ack", err) : s->ops->add_ack(s, a, now_ms, err);
}

hall_err hall_store_get_ack(hall_store *s, const char *kiosk, const char *kind, int64_t version, const char *id,
                            hall_store_ack *out, hall_error *err)
{
	return !s->ops->get_ack ? unsupported(s, "get_ack", err) : s->ops->get_ack(s, kiosk, kind, version, id ? id : "", out, err);
}

hall_err hall_store_each_ack(hall_store *s, const char *kiosk, const char *kind, const char *result, int64_t from_ms,
                             int64_t to_ms, hall_store_ack_cb cb, void *user, hall_error *err)
{
	if (!kind || !cb)
		return hall_error_set(err, HALL_ERR_INVALID, "ack", "an ack iteration without a kind or callback");
	return !s->ops->each_ack ? unsupported(s, "each_ack", err) : s->ops->each_ack(s, kiosk, kind, result, from_ms, to_ms, cb, user, err);
}

hall_err hall_store_last_ack_before(hall_store *s, const char *kiosk, const char *kind, const char *result,
                                    int64_t before_ms, hall_store_ack *out, hall_error *err)
{
	if (!kiosk || !kind || !out)
		return hall_error_set(err, HALL_ERR_INVALID, "ack", "a last-ack lookup without a kiosk or kind");
	return !s->ops->last_ack_before ? unsupported(s, "last_ack_before", err) : s->ops->last_ack_before(s, kiosk, kind, result, before_ms, out, err);
}

hall_err hall_store_check_shot(hall_store *s, const char *kiosk, const char *cmd_id, hall_error *err)
{
	if (!kiosk || !cmd_id || !cmd_id[0])
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "command", "a screenshot without a command id");
	return !s->ops->check_shot ? unsupported(s, "check_shot", err) : s->ops->check_shot(s, kiosk, cmd_id, err);
}

hall_err hall_store_add_shot(hall_store *s, const char *kiosk, const char *cmd_id, int64_t now_ms, const char *path,
                             hall_error *err)
{
	if (!kiosk || !cmd_id || !cmd_id[0])
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "command", "a screenshot without a command id");
	return !s->ops->add_shot ? unsupported(s, "add_shot", err) : s->ops->add_shot(s, kiosk, cmd_id, now_ms, path ? path : "", err);
}

hall_err hall_store_shot_path(hall_store *s, const char *cmd_id, char *out, size_t len, hall_error *err)
{
	if (!cmd_id || !out || len == 0)
		return hall_error_set(err, HALL_ERR_INVALID, "command", "no command id or buffer");
	return !s->ops->shot_path ? unsupported(s, "shot_path", err) : s->ops->shot_path(s, cmd_id, out, len, err);
}

hall_err hall_store_each_tally(hall_store *s, const char *poll, hall_store_tally_cb cb, void *user,
                               hall_error *err)
{
	return !s->ops->each_tally ? unsupported(s, "each_tally", err) : s->ops->each_tally(s, poll, cb, user, err);
}

static int add_option(void *user, const hall_store_tally *t)
{
	hall_poll_results *r = user;
	if (r->n_options >= HALL_PROTO_POLL_OPTIONS_MAX)
		return 1; /* the wire message holds no more; options come sorted by id */
	hall_poll_tally_option *o = &r->options[r->n_options++];
	snprintf(o->id, sizeof o->id, "%s", t->option);
	o->votes = t->votes;
	r->total += t->votes;
	return 0;
}

hall_err hall_store_poll_results(hall_store *s, const char *poll, int64_t now_ms, hall_poll_results *out,
                                 hall_error *err)
{
	memset(out, 0, sizeof *out);
	if (!poll || !hall_id_is_valid(poll))
		return hall_error_set(err, HALL_ERR_INVALID, "poll", "not a valid poll id");
	snprintf(out->poll, sizeof out->poll, "%s", poll);
	out->ts = now_ms;
	return hall_store_each_tally(s, poll, add_option, out, err);
}

hall_err hall_store_counter_add(hall_store *s, const char *name, int64_t delta, hall_error *err)
{
	return !s->ops->counter_add ? unsupported(s, "counter_add", err) : s->ops->counter_add(s, name, delta, err);
}

typedef struct counter_find {
	const char *name;
	int64_t value;
} counter_find;

static int find_counter(void *user, const char *name, int64_t value)
{
	counter_find *f = user;
	if (strcmp(name, f->name) != 0)
		return 0;
	f->value = value;
	return 1;
}

hall_err hall_store_counter_get(hall_store *s, const char *name, int64_t *value, hall_error *err)
{
	counter_find f = {name, 0};
	if (!s->ops->each_counter)
		return unsupported(s, "each_counter", err);
	hall_err rc = s->ops->each_counter(s, find_counter, &f, err);
	if (!rc)
		*value = f.value;
	return rc;
}

hall_err hall_store_each_counter(hall_store *s, hall_store_counter_cb cb, void *user, hall_error *err)
{
	return !s->ops->each_counter ? unsupported(s, "each_counter", err) : s->ops->each_counter(s, cb, user, err);
}

hall_err hall_store_put_daily(hall_store *s, const char *day, const hall_store_daily *rows, size_t n,
                              hall_error *err)
{
	return !s->ops->put_daily ? unsupported(s, "put_daily", err) : s->ops->put_daily(s, day, rows, n, err);
}

hall_err hall_store_each_daily(hall_store *s, const char *day_from, const char *day_to, hall_store_daily_cb cb,
                               void *user, hall_error *err)
{
	return !s->ops->each_daily ? unsupported(s, "each_daily", err) : s->ops->each_daily(s, day_from, day_to, cb, user, err);
}

hall_err hall_store_meta_get(hall_store *s, const char *key, char *out, size_t len, hall_error *err)
{
	return !s->ops->meta_get ? unsupported(s, "meta_get", err) : s->ops->meta_get(s, key, out, len, err);
}

hall_err hall_store_meta_set(hall_store *s, const char *key, const char *value, hall_error *err)
{
	return !s->ops->meta_set ? unsupported(s, "meta_set", err) : s->ops->meta_set(s, key, value, err);
}

hall_err hall_store_lead(hall_store *s, bool *leader, hall_error *err)
{
	*leader = s->ops->lead == NULL; /* a backend for one controller: it leads */
	return s->ops->lead ? s->ops->lead(s, leader, err) : HALL_OK;
}

/* ---------------------------------------------------------------- daily aggregates */

/* Open-addressing hash of aggregate rows keyed by (kiosk, exhibit, hour, lang, type):
 * a busy day has many events but few distinct keys. */
typedef struct agg {
	hall_store_daily *rows;
	size_t n, cap;
	size_t *slots; /* index + 1 into rows; 0 = empty */
	size_t n_slots;
	const char *day;
	const char *tz;
	hall_err rc;
} agg;

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211u;
	}
	return h * 1099511628211u;
}

static uint64_t key_hash(const hall_store_daily *d)
{
	uint64_t h = 14695981039346656037u;
	h = fnv(h, d->kiosk);
	h = fnv(h, d->exhibit);
	h = fnv(h, d->lang);
	h = fnv(h, d->type);
	return h ^ (uint64_t)d->hour;
}

static bool key_eq(const hall_store_daily *a, const hall_store_daily *b)
{
	return a->hour == b->hour && strcmp(a->kiosk, b->kiosk) == 0 && strcmp(a->exhibit, b->exhibit) == 0 &&
	       strcmp(a->lang, b->lang) == 0 && strcmp(a->type, b->type) == 0;
}

static int agg_grow(agg *a)
{
	size_t n_slots = a->n_slots ? a->n_slots * 2 : 256;
	size_t *slots = calloc(n_slots, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < a->n; i++) {
		size_t j = (size_t)(key_hash(&a->rows[i]) % n_slots);
		while (slots[j])
			j = (j + 1) % n_slots;
		slots[j] = i + 1;
	}
	free(a->slots);
	a->slots = slots;
	a->n_slots = n_slots;
	return 0;
}

static int agg_event(void *user, const hall_event *ev)
{
	agg *a = user;
	hall_civil c;
	if (hall_clock_to_civil(ev->ts, a->tz, &c) != 0) {
		a->rc = HALL_ERR_INVALID;
		return 1;
	}
	hall_store_daily key;
	memset(&key, 0, sizeof key);
	snprintf(key.day, sizeof key.day, "%s", a->day);
	snprintf(key.kiosk, sizeof key.kiosk, "%s", ev->kiosk);
	snprintf(key.exhibit, sizeof key.exhibit, "%s", ev->exhibit);
	key.hour = c.hour;
	snprintf(key.lang, sizeof key.lang, "%s", ev->lang);
	snprintf(key.type, sizeof key.type, "%s", hall_event_type_name(ev->type));
	if ((a->n + 1) * 2 > a->n_slots && agg_grow(a) != 0)
		goto nomem;
	size_t j = (size_t)(key_hash(&key) % a->n_slots);
	while (a->slots[j] && !key_eq(&a->rows[a->slots[j] - 1], &key))
		j = (j + 1) % a->n_slots;
	if (!a->slots[j]) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 128;
			hall_store_daily *rows = realloc(a->rows, cap * sizeof *rows);
			if (!rows)
				goto nomem;
			a->rows = rows;
			a->cap = cap;
		}
		a->rows[a->n] = key;
		a->slots[j] = ++a->n;
	}
	hall_store_daily *row = &a->rows[a->slots[j] - 1];
	row->count++;
	if (ev->dwell_ms > 0)
		row->dwell_ms += ev->dwell_ms;
	return 0;
nomem:
	a->rc = HALL_ERR_NOMEM;
	return 1;
}

hall_err hall_store_aggregate_day(hall_store *s, const char *day, const char *tz, hall_error *err)
{
	int y, m, d;
	if (!day || hall_clock_parse_date(day, &y, &m, &d) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "day", "expected YYYY-MM-DD");
	hall_civil start = {.year = y, .month = m, .day = d};
	hall_civil end = start;
	end.day += 1; /* from_civil normalises the day after the last of a month */
	int64_t from_ms, to_ms;
	if (hall_clock_from_civil(&start, tz, &from_ms) != 0 || hall_clock_from_civil(&end, tz, &to_ms) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "time_zone", "cannot use time zone %s", tz);
	/* Aggregates are kept for good: a day whose raw events were (partly) deleted keeps the
	 * aggregates it has, never replaced by a recount of what is left. */
	int64_t deleted_before = 0;
	hall_err rc = hall_store_raw_deleted_before(s, &deleted_before, err);
	if (rc != HALL_OK)
		return rc;
	if (from_ms < deleted_before)
		return HALL_OK;
	agg a = {.day = day, .tz = tz};
	rc = hall_store_each_event(s, NULL, from_ms, to_ms, agg_event, &a, err);
	if (!rc && a.rc)
		rc = hall_error_set(err, a.rc, "", "aggregating %s: %s", day, hall_err_str(a.rc));
	if (!rc)
		rc = hall_store_put_daily(s, day, a.rows, a.n, err);
	free(a.rows);
	free(a.slots);
	return rc;
}

/* A server database keeps its own integrity (and its own backups): a backend without a
 * check counts as sound, so serve never stops confirming for want of one. */
hall_err hall_store_check(hall_store *s, bool full, hall_error *err)
{
	return !s->ops->check ? HALL_OK : s->ops->check(s, full, err);
}

hall_err hall_store_backup(hall_store *s, const char *out_path, hall_error *err)
{
	return !s->ops->backup ? unsupported(s, "backup", err) : s->ops->backup(s, out_path, err);
}

hall_err hall_store_each_unrecorded(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb,
                                    void *user, hall_error *err)
{
	return !s->ops->each_unrecorded ? HALL_OK : s->ops->each_unrecorded(s, from_ms, to_ms, cb, user, err);
}

void store__hour_range(int64_t from_ms, int64_t to_ms, int64_t *first, int64_t *last)
{
	*first = from_ms / STORE__HOUR_MS;
	*last = to_ms > from_ms ? (to_ms - 1) / STORE__HOUR_MS : *first - 1;
}

void store__note_poll(hall_store_insert_result *res, const char *poll)
{
	size_t known = res->n_polls_changed < 8 ? res->n_polls_changed : 8;
	for (size_t i = 0; i < known; i++)
		if (strcmp(res->polls_changed[i], poll) == 0)
			return;
	if (res->n_polls_changed < 8)
		snprintf(res->polls_changed[res->n_polls_changed], HALL_ID_BUF, "%s", poll);
	res->n_polls_changed++;
}
