/* console_fleet.c: the fleet as the console shows it (GET /api/v1/kiosks) and its live
 * stream (GET /api/v1/stream, server-sent events).
 *
 * Every figure is the kiosk's own word as stored by serve (hello, status, acks); what the
 * controller wants (the desired state) is shown beside it, never instead of it. */
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console_priv.h"
#include "hall/clock.h"
#include "hall/json.h"
#include "hall/lang.h"
#include "hall/schedule.h"

/* ---------------------------------------------------------------- desired state, kept between builds */

typedef struct scope_info {
	bool have;             /* something was pushed there and not cleared */
	int64_t version;
	char pack[HALL_STR_BUF];
	hall_notice notice;
	hall_schedule *sch;
} scope_info;

/* What is pushed where, (kind, scope) -> scope_info, as the fleet's rows need it. Every
 * build of the fleet asked the database for each kiosk's own scope's content, notice and
 * schedule (3,000 queries for 1,000 kiosks, each parsed anew: most of serve's time for the
 * page's first event). It is kept in the console instead, while the history's newest id
 * stays the same: every change of desired state records an action in the same step
 * (action.c), so a new id is the only way it can have moved. Guarded by the console's lock.
 * Open addressing; a scope with nothing pushed (most kiosks' own) keeps no scope_info. */
typedef struct desired_entry {
	char key[16 + HALL_SCOPE_BUF]; /* "kind scope"; "" = free slot */
	scope_info *info;               /* NULL: nothing pushed there */
} desired_entry;

struct console_desired {
	desired_entry *slot;
	size_t cap, n;                  /* cap: a power of two, or 0 */
	int64_t mark;                   /* the history's newest id when filled */
};

static const scope_info NOTHING_PUSHED = {.have = false};

static void info_free(scope_info *s)
{
	if (s)
		hall_schedule_destroy(s->sch);
	free(s);
}

static void desired_clear(console_desired *d)
{
	for (size_t i = 0; i < d->cap; i++)
		info_free(d->slot[i].info);
	free(d->slot);
	d->slot = NULL;
	d->cap = d->n = 0;
}

void console__fleet_free(hall_console *c)
{
	if (c->desired)
		desired_clear(c->desired);
	free(c->desired);
	c->desired = NULL;
}

static size_t key_hash(const char *key)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * (1099511628211ULL & SIZE_MAX);
	return h;
}

/* The slot of key: its entry, or the free slot where it goes. */
static desired_entry *slot_of(console_desired *d, const char *key)
{
	size_t i = key_hash(key) & (d->cap - 1);
	while (d->slot[i].key[0] && strcmp(d->slot[i].key, key) != 0)
		i = (i + 1) & (d->cap - 1);
	return &d->slot[i];
}

/* Room for one more entry (at most 70 % full); -1 out of memory. */
static int desired_room(console_desired *d)
{
	if (d->cap && (d->n + 1) * 10 <= d->cap * 7)
		return 0;
	size_t cap = d->cap ? d->cap * 2 : 1024;
	desired_entry *old = d->slot, *n = calloc(cap, sizeof *n);
	size_t old_cap = d->cap;
	if (!n)
		return -1;
	d->slot = n;
	d->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key[0])
			*slot_of(d, old[i].key) = old[i];
	free(old);
	return 0;
}

static void info_load(hall_store *store, const char *kind, const char *scope, scope_info *out)
{
	hall_store_desired d;
	memset(out, 0, sizeof *out);
	if (hall_store_get_desired(store, kind, scope, &d, NULL) != HALL_OK)
		return;
	hall_envelope env = {0};
	hall_envelope_kind ek = strcmp(kind, "content") == 0    ? HALL_ENVELOPE_CONTENT
	                        : strcmp(kind, "notice") == 0   ? HALL_ENVELOPE_NOTICE
	                                                        : HALL_ENVELOPE_SCHEDULE;
	if (!d.cleared && hall_proto_decode_envelope(ek, d.payload, d.payload_len, &env, NULL) == HALL_OK && env.body) {
		out->have = true;
		out->version = d.version;
		if (ek == HALL_ENVELOPE_CONTENT) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(env.body, "id");
			snprintf(out->pack, sizeof out->pack, "%s", cJSON_IsString(id) ? id->valuestring : "");
		} else if (ek == HALL_ENVELOPE_NOTICE) {
			if (hall_proto_notice_from_json(env.body, "notice", &out->notice, NULL) != HALL_OK)
				out->have = false;
		} else if (hall_schedule_from_json(env.body, &out->sch, NULL) != HALL_OK)
			out->have = false;
	}
	hall_envelope_free(&env);
	hall_store_desired_free(&d);
}

typedef struct fleet_ctx {
	hall_console *c;
	int64_t now;
	cJSON *arr;
	const char *only;
	scope_info spare;   /* out of memory for the kept ones: loaded here, good until the next */
} fleet_ctx;

/* What is pushed to (kind, scope): kept, else loaded and kept. The answer is good until
 * the next call (it may be the spare). */
static const scope_info *info_get(fleet_ctx *f, const char *kind, const char *scope)
{
	console_desired *d = f->c->desired;
	char key[sizeof ((desired_entry *)0)->key];
	snprintf(key, sizeof key, "%s %s", kind, scope);
	if (d->cap) {
		const desired_entry *e = slot_of(d, key);
		if (e->key[0])
			return e->info ? e->info : &NOTHING_PUSHED;
	}
	hall_schedule_destroy(f->spare.sch);
	info_load(f->c->store, kind, scope, &f->spare);
	scope_info *keep = NULL;
	if (desired_room(d) != 0 || (f->spare.have && !(keep = malloc(sizeof *keep))))
		return &f->spare;
	if (keep) {
		*keep = f->spare;
		f->spare.sch = NULL; /* now the kept one's */
	}
	desired_entry *e = slot_of(d, key);
	snprintf(e->key, sizeof e->key, "%s", key);
	e->info = keep;
	d->n++;
	return keep ? keep : &NOTHING_PUSHED;
}

/* The most specific scope with something pushed for this kiosk: kiosk, group, all. */
typedef struct resolved {
	const scope_info *s;       /* NULL when nothing anywhere */
	const char *scope_kind;    /* "kiosk", "group", "all" */
} resolved;

static void resolve(fleet_ctx *f, const char *kind, const hall_store_kiosk *k, resolved *r)
{
	char scope[HALL_SCOPE_BUF];
	memset(r, 0, sizeof *r);
	snprintf(scope, sizeof scope, "kiosk:%s", k->id);
	const scope_info *s = info_get(f, kind, scope);
	if (s->have) {
		r->s = s;
		r->scope_kind = "kiosk";
		return;
	}
	if (k->group[0]) {
		snprintf(scope, sizeof scope, "group:%s", k->group);
		s = info_get(f, kind, scope);
		if (s->have) {
			r->s = s;
			r->scope_kind = "group";
			return;
		}
	}
	s = info_get(f, kind, "all");
	if (s->have) {
		r->s = s;
		r->scope_kind = "all";
	}
}

/* Which scope's push does the version the kiosk holds come from? *pack is good until the
 * next info_get (the row copies it at once). */
static const char *showing_scope(fleet_ctx *f, const hall_store_kiosk *k, const char **pack)
{
	char scopes[3][HALL_SCOPE_BUF];
	static const char *const names[] = {"kiosk", "group", "all"};
	*pack = NULL;
	if (k->content_version == 0) {
		*pack = "default";
		return "default";
	}
	snprintf(scopes[0], HALL_SCOPE_BUF, "kiosk:%s", k->id);
	snprintf(scopes[1], HALL_SCOPE_BUF, "group:%s", k->group);
	snprintf(scopes[2], HALL_SCOPE_BUF, "all");
	for (int i = 0; i < 3; i++) {
		if (i == 1 && !k->group[0])
			continue;
		const scope_info *s = info_get(f, "content", scopes[i]);
		if (s->have && s->version == k->content_version) {
			*pack = s->pack;
			return names[i];
		}
	}
	return NULL; /* an older push, no longer the desired state of any scope */
}

static void add_opt_str(cJSON *o, const char *key, const char *v)
{
	if (v && v[0])
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *kiosk_json(fleet_ctx *f, const hall_store_kiosk *k)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "id", k->id);
	add_opt_str(o, "group", k->group);
	cJSON_AddBoolToObject(o, "online", k->online);
	cJSON_AddNumberToObject(o, "last_seen", (double)k->last_seen);
	cJSON_AddNumberToObject(o, "online_since", (double)k->online_since);
	const char *pack = NULL;
	/* The kiosk's own word when it says it (`showing`); an older kiosk's from its version. */
	const char *scope = k->showing_scope[0] ? k->showing_scope : showing_scope(f, k, &pack);
	if (k->showing_scope[0])
		pack = k->showing_pack;
	cJSON *showing = cJSON_AddObjectToObject(o, "showing");
	add_opt_str(showing, "scope", scope);
	cJSON_AddNumberToObject(showing, "version", (double)k->content_version);
	add_opt_str(showing, "pack", pack);

	resolved r;
	resolve(f, "content", k, &r);
	cJSON *wanted = cJSON_AddObjectToObject(o, "wanted");
	add_opt_str(wanted, "scope", r.s ? r.scope_kind : "default");
	cJSON_AddNumberToObject(wanted, "version", r.s ? (double)r.s->version : 0);
	add_opt_str(wanted, "pack", r.s ? r.s->pack : "default");
	cJSON_AddBoolToObject(o, "pending", r.s && r.s->version != k->content_version);

	resolve(f, "notice", k, &r);
	if (r.s && (r.s->notice.until < 0 || r.s->notice.until > f->now)) {
		cJSON *n = cJSON_AddObjectToObject(o, "notice");
		cJSON_AddStringToObject(n, "level", r.s->notice.level == HALL_NOTICE_URGENT ? "urgent" : "info");
		cJSON *t = cJSON_AddObjectToObject(n, "text");
		for (int l = 0; l < HALL_LANG_COUNT; l++)
			if (r.s->notice.text[l][0])
				cJSON_AddStringToObject(t, hall_lang_code((hall_lang)l), r.s->notice.text[l]);
		if (r.s->notice.until > 0)
			cJSON_AddNumberToObject(n, "until", (double)r.s->notice.until);
		else
			cJSON_AddNullToObject(n, "until");
		cJSON_AddStringToObject(n, "scope", r.scope_kind);
		cJSON_AddBoolToObject(n, "shown", r.s->version <= k->notice_version);
	} else
		cJSON_AddNullToObject(o, "notice");

	resolve(f, "schedule", k, &r);
	hall_schedule_result sr;
	if (r.s && r.s->sch && hall_schedule_eval(r.s->sch, f->now, f->c->cfg->time_zone, &sr, NULL) == HALL_OK)
		cJSON_AddBoolToObject(o, "open", sr.open);
	else
		cJSON_AddBoolToObject(o, "open", true); /* no schedule: the hall counts as always open */

	cJSON_AddNumberToObject(o, "schedule_version", (double)k->schedule_version);
	cJSON_AddNumberToObject(o, "notice_version", (double)k->notice_version);
	if (k->fps_milli >= 0) /* frames drawn per second over the kiosk's last minute or so */
		cJSON_AddNumberToObject(o, "fps", (double)k->fps_milli / 1000.0);
	else
		cJSON_AddNullToObject(o, "fps"); /* it never said (an older kiosk, or no full status yet) */
	if (k->frame_p99_us >= 0) /* its render health: the slowest 1 % of its drawn frames (ms) */
		cJSON_AddNumberToObject(o, "frame_p99_ms", (double)k->frame_p99_us / 1000.0);
	else
		cJSON_AddNullToObject(o, "frame_p99_ms");
	add_opt_str(o, "last_error", k->last_error);
	cJSON_AddNumberToObject(o, "unrecorded", (double)k->unrecorded);
	cJSON_AddNumberToObject(o, "help_calls", (double)k->help_count);
	cJSON_AddNumberToObject(o, "last_help", (double)k->last_help);
	cJSON_AddBoolToObject(o, "alert", k->alert);
	add_opt_str(o, "alert_reason", k->alert_reason);
	add_opt_str(o, "app", k->app);
	add_opt_str(o, "broker", k->broker); /* cityops (issue 13): the broker the kiosk is on */
	return o;
}

static int add_kiosk(void *user, const hall_store_kiosk *k)
{
	fleet_ctx *f = user;
	if (f->only && strcmp(f->only, k->id) != 0)
		return 0;
	cJSON *o = kiosk_json(f, k);
	if (o)
		cJSON_AddItemToArray(f->arr, o);
	return 0;
}

static int newest_history(void *user, const hall_store_history *h)
{
	*(int64_t *)user = h->id;
	return 1;
}

cJSON *console__fleet_json(hall_console *c, const char *only_id)
{
	fleet_ctx *f = calloc(1, sizeof *f);
	cJSON *arr = cJSON_CreateArray();
	if (!f || !arr) {
		free(f);
		cJSON_Delete(arr);
		return NULL;
	}
	f->c = c;
	f->now = hall_clock_now_ms();
	f->arr = arr;
	f->only = only_id;
	pthread_mutex_lock(&c->lock);
	hall_err rc = HALL_ERR_NOMEM;
	int64_t mark = 0;
	if (c->desired || (c->desired = calloc(1, sizeof *c->desired))) {
		if (hall_store_each_history(c->store, NULL, NULL, 1, newest_history, &mark, NULL) != HALL_OK)
			mark = -1; /* unreadable: nothing kept from an earlier build can be trusted */
		if (mark != c->desired->mark || mark < 0) {
			desired_clear(c->desired); /* an action since: what is pushed where may have moved */
			c->desired->mark = mark;
		}
		if (only_id) {
			/* One kiosk (the live stream's changed rows): a lookup, not a scan of the fleet. */
			hall_store_kiosk k;
			rc = hall_store_kiosk_get(c->store, only_id, &k, NULL);
			if (rc == HALL_OK)
				add_kiosk(f, &k);
		} else
			rc = hall_store_each_kiosk(c->store, add_kiosk, f, NULL);
	}
	pthread_mutex_unlock(&c->lock);
	hall_schedule_destroy(f->spare.sch);
	free(f);
	if (rc != HALL_OK) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

/* ---------------------------------------------------------------- live stream */

/* What a kiosk row looks like now, as one number: a change of any shown field changes it. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static uint64_t row_hash(const hall_store_kiosk *k)
{
	uint64_t h = 1469598103934665603ULL;
	int64_t v[] = {k->online, k->last_seen, k->content_version, k->schedule_version, k->notice_version,
	               k->alert, k->help_count, k->last_help, k->online_since, k->fps_milli, k->unrecorded, k->frame_p99_us};
	h = fnv(h, v, sizeof v);
	h = fnv(h, k->group, strlen(k->group));
	h = fnv(h, k->showing_scope, strlen(k->showing_scope));
	h = fnv(h, k->showing_pack, strlen(k->showing_pack));
	h = fnv(h, k->last_error, strlen(k->last_error));
	h = fnv(h, k->alert_reason, strlen(k->alert_reason));
	return h;
}

typedef struct row_sig {
	char id[HALL_ID_BUF];
	uint64_t hash;
} row_sig;

typedef struct stream_state {
	hall_console *c;
	char *out;                 /* bytes to send: out[sent..len) */
	size_t len, sent, cap;
	row_sig *sigs;             /* last sent, by id */
	size_t n_sigs;
	int64_t desired_mark;      /* newest history id at the last full send */
	int64_t next_ping;
	bool started;
	console_gz *gz;             /* the client accepts gzip, else NULL */
} stream_state;

static int reserve(stream_state *s, size_t need)
{
	if (s->len + need > s->cap) {
		size_t cap = (s->len + need) * 2;
		char *b = realloc(s->out, cap);
		if (!b)
			return -1;
		s->out = b;
		s->cap = cap;
	}
	return 0;
}

static int append_raw(stream_state *s, const char *text)
{
	size_t n = strlen(text);
	if (reserve(s, n + 1) != 0)
		return -1;
	memcpy(s->out + s->len, text, n + 1);
	s->len += n;
	return 0;
}

static int append(stream_state *s, const char *fmt_event, const char *data)
{
	size_t need = strlen(fmt_event) + strlen(data) + 16;
	if (reserve(s, need) != 0)
		return -1;
	s->len += (size_t)snprintf(s->out + s->len, s->cap - s->len, "event: %s\ndata: %s\n\n", fmt_event, data);
	return 0;
}

static int collect_sig(void *user, const hall_store_kiosk *k)
{
	stream_state *s = user;
	row_sig *n = realloc(s->sigs, (s->n_sigs + 1) * sizeof *n);
	if (!n)
		return 1;
	s->sigs = n;
	snprintf(n[s->n_sigs].id, sizeof n[s->n_sigs].id, "%s", k->id);
	n[s->n_sigs].hash = row_hash(k);
	s->n_sigs++;
	return 0;
}

/* Compare the fleet with what was sent; queue a "fleet" event (everything) the first time
 * and after any staff action (desired state may have moved for many kiosks), else one
 * "kiosk" event per changed row. */
static void stream_tick(stream_state *s)
{
	hall_console *c = s->c;
	row_sig *old = s->sigs;
	size_t n_old = s->n_sigs;
	int64_t mark = 0;
	s->sigs = NULL;
	s->n_sigs = 0;
	pthread_mutex_lock(&c->lock);
	hall_store_each_history(c->store, NULL, NULL, 1, newest_history, &mark, NULL);
	hall_store_each_kiosk(c->store, collect_sig, s, NULL);
	pthread_mutex_unlock(&c->lock);
	if (!s->started || mark != s->desired_mark) {
		cJSON *arr = console__fleet_json(c, NULL);
		cJSON *doc = cJSON_CreateObject();
		char *txt = NULL;
		if (arr && doc) {
			cJSON_AddItemToObject(doc, "kiosks", arr);
			arr = NULL;
			cJSON_AddNumberToObject(doc, "ts", (double)hall_clock_now_ms());
			txt = cJSON_PrintUnformatted(doc);
		}
		if (txt)
			append(s, "fleet", txt);
		free(txt);
		cJSON_Delete(doc);
		cJSON_Delete(arr);
		s->started = true;
		s->desired_mark = mark;
		free(old);
		return;
	}
	/* Both lists are ordered by id. */
	size_t j = 0;
	for (size_t i = 0; i < s->n_sigs; i++) {
		while (j < n_old && strcmp(old[j].id, s->sigs[i].id) < 0)
			j++;
		if (j < n_old && strcmp(old[j].id, s->sigs[i].id) == 0 && old[j].hash == s->sigs[i].hash)
			continue;
		cJSON *arr = console__fleet_json(c, s->sigs[i].id);
		cJSON *one = arr ? cJSON_GetArrayItem(arr, 0) : NULL;
		char *txt = one ? cJSON_PrintUnformatted(one) : NULL;
		if (txt)
			append(s, "kiosk", txt);
		free(txt);
		cJSON_Delete(arr);
	}
	free(old);
}

/* gzip (when the client asked for it): what is queued becomes its gzip bytes up to a
 * sync flush, so the events of this round decode at once, without waiting for more. */
static void stream_compress(stream_state *s)
{
	char *z = NULL;
	size_t zlen = 0;
	if (!s->gz || s->len == 0)
		return;
	if (console__gz_flush(s->gz, s->out, s->len, &z, &zlen) != 0) {
		s->len = 0; /* out of memory: the events are lost, the stream goes on */
		return;
	}
	free(s->out);
	s->out = z;
	s->len = zlen;
	s->cap = zlen;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	stream_state *s = cls;
	(void)pos;
	/* Up to ~60 s per call: the thread is this connection's own. */
	for (int round = 0; round < 240; round++) {
		if (s->c->stopping)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (s->sent < s->len) {
			size_t n = s->len - s->sent < max ? s->len - s->sent : max;
			memcpy(buf, s->out + s->sent, n);
			s->sent += n;
			if (s->sent == s->len)
				s->sent = s->len = 0;
			return (ssize_t)n;
		}
		int64_t now = hall_clock_mono_ms();
		if (now >= s->next_ping) {
			/* A comment line: keeps proxies from closing the stream and finds a closed one. */
			s->next_ping = now + 15000;
			append_raw(s, ": ping\n\n");
		} else {
			if (s->started) {
				struct timespec ts = {.tv_sec = 0, .tv_nsec = 250 * 1000000L};
				nanosleep(&ts, NULL);
			}
			stream_tick(s);
		}
		stream_compress(s);
	}
	return 0;
}

static void stream_free(void *cls)
{
	stream_state *s = cls;
	free(s->out);
	free(s->sigs);
	console__gz_free(s->gz);
	free(s);
}

void console__fleet_stream(console_req *q, console_resp *r)
{
	stream_state *s = calloc(1, sizeof *s);
	if (!s) {
		console__error(r, 500, "nomem", "out of memory");
		return;
	}
	s->c = q->c;
	s->next_ping = hall_clock_mono_ms() + 15000;
	if (q->gzip && !(s->gz = console__gz_new())) {
		stream_free(s);
		console__error(r, 500, "nomem", "out of memory");
		return;
	}
	r->stream = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
	if (!r->stream) {
		stream_free(s);
		console__error(r, 500, "nomem", "out of memory");
		return;
	}
	r->status = 200;
	r->type = "text/event-stream; charset=utf-8";
	MHD_add_response_header(r->stream, "Cache-Control", "no-store");
	if (s->gz)
		MHD_add_response_header(r->stream, "Content-Encoding", "gzip");
	r->gzipped = s->gz != NULL;
}
