/* report.c: the daily usage report.
 *
 * One pass over the raw events of the period (ordered by kiosk, then seq) fills every
 * counter; the fleet's status log gives uptime within opening hours; the staff history
 * gives the content versions pushed. Rendering is separate from computing, so the same
 * numbers come out as text, CSV, JSON and HTML.
 *
 * Day and hour of an event are its kiosk's `ts` in the hall's time zone. The UTC start of
 * each local day is computed once (not per event), so a day of a million events costs a
 * binary search per event, not a time-zone conversion. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hall/control_ids.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"
#include "hall/strbuf.h"
#include "packs.h"

#define MAX_DAYS 366
#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)
/* A session that starts in the period may end after it (a visitor at 23:58): session_end
 * events this long after the period's end still give that session its dwell time. */
#define SESSION_TAIL_MS (6 * HOUR_MS)

/* ------------------------------------------------------------------ string map */

/* Open-addressing map from a string key to an index into the caller's array. */
typedef struct smap {
	char **keys;
	size_t *vals;
	size_t cap, n;
} smap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211u;
	return h;
}

static void smap_free(smap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static int smap_grow(smap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	char **keys = calloc(cap, sizeof *keys);
	size_t *vals = calloc(cap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = hash_str(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The value slot of key, or NULL when absent. */
static size_t *smap_find(smap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0)
			return &m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	return NULL;
}

/* Find key; when absent and `add` is set, insert it with value `next` and set *added.
 * Returns 0 and *val, or -1 (absent, or out of memory when add). */
static int smap_get(smap *m, const char *key, int add, size_t next, size_t *val, int *added)
{
	if (added)
		*added = 0;
	if (m->cap) {
		size_t j = hash_str(key) & (m->cap - 1);
		while (m->keys[j]) {
			if (strcmp(m->keys[j], key) == 0) {
				*val = m->vals[j];
				return 0;
			}
			j = (j + 1) & (m->cap - 1);
		}
	}
	if (!add)
		return -1;
	if ((m->n + 1) * 2 > m->cap && smap_grow(m) != 0)
		return -1;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = strdup(key);
	if (!m->keys[j])
		return -1;
	m->vals[j] = next;
	m->n++;
	*val = next;
	if (added)
		*added = 1;
	return 0;
}

/* ------------------------------------------------------------------ report data */

typedef struct outage {
	int64_t from, to;
} outage;

/* Dwell samples (ms) of one kiosk, exhibit or item; median and p90 once sorted. */
typedef struct dwellv {
	int64_t *v;
	size_t n, cap;
	int64_t median, p90;
} dwellv;

/* A content version a kiosk showed in the period: the one it held when the period began
 * (applied before it, before_period 1) or one it applied during it; applied_ms is when the
 * controller received its "applied" content ack. */
typedef struct version_shown {
	int64_t version;
	int64_t applied_ms;
	int before_period;
} version_shown;

typedef struct kiosk_stat {
	char id[HALL_ID_BUF];
	char group[HALL_ID_BUF];
	int64_t events, seq_min, seq_max, announced, missing;
	int64_t sessions, taps, help;
	int64_t content_version; /* the version it holds now (fleet), not in the period */
	version_shown *shown;    /* content versions shown in the period, oldest first */
	size_t n_shown, cap_shown;
	int64_t open_ms, online_ms;
	outage *outages;
	size_t n_outages;
	int64_t first_seen;
	int64_t raw_events;   /* events counted from raw rows (seq_min/seq_max are theirs) */
	int64_t confirmed;    /* highest seq stored with no gap below (fleet) */
	int known;            /* in the fleet table */
	int expected;         /* in the config's kiosks list */
	int never_seen;       /* expected, not in the fleet, no event: sent nothing at all */
	int64_t unrecorded;   /* events it could not keep (a full disk), made known in the period */
	dwellv dwell;         /* session dwell times of its visitors */
} kiosk_stat;

typedef struct exhibit_stat {
	char id[HALL_STR_BUF];
	int64_t views, taps, dwell_ms_sum, dwell_n;
	dwellv dwell; /* view dwell times on its pages */
} exhibit_stat;

/* An item is a control or page of an exhibit: taps on it, views of it and their dwell. */
typedef struct item_stat {
	char exhibit[HALL_STR_BUF];
	char target[HALL_STR_BUF];
	int64_t taps, views;
	dwellv dwell;
} item_stat;

typedef struct named_count {
	char name[2 * HALL_STR_BUF];
	int64_t count;
} named_count;

typedef struct poll_option {
	char poll[HALL_ID_BUF];
	char option[HALL_STR_BUF];
	int64_t votes;
} poll_option;

typedef struct day_stat {
	char day[11];
	int64_t start_ms; /* UTC ms of local midnight */
	int64_t sessions, taps, views, events;
	int raw_gone;   /* retention removed (some of) its raw events */
	int from_daily; /* its figures come from the daily aggregates */
} day_stat;

typedef struct content_change {
	int64_t ts;
	int64_t version;
	char action[24];
	char target[HALL_STORE_SCOPE_BUF];
	char user[64];
	char detail[128];
} content_change;

/* A name for people from the content pack the kiosks were told to show: an exhibit's
 * title, a card's, chart's or district's title, a poll option's label; in the two report
 * languages (hall_text_get's fallback fills a missing translation). */
typedef struct title_entry {
	char key[2 * HALL_STR_BUF + 4]; /* kind, 0x1f, exhibit (or poll) id, 0x1f, item id */
	char ko[256], en[256];
} title_entry;

#define DYN(type, name) \
	type *name;         \
	size_t n_##name, cap_##name

struct hall_report {
	char from_day[11], to_day[11], tz[64];
	int64_t from_ms, to_ms, generated_ms;
	int has_opening;
	int retention_days;         /* 0 = unknown */
	int64_t raw_deleted_before; /* hall_store_raw_deleted_before */
	size_t n_days_daily;        /* days reported from the daily aggregates */
	day_stat days[MAX_DAYS + 1]; /* one extra: the start of the day after the period */
	size_t n_days;
	int64_t hours_sessions[24], hours_taps[24];
	int64_t sessions, taps, views, events, votes, help, language_changes;
	int64_t rejected_total;
	int64_t *dwell; /* session dwell times, ms */
	size_t n_dwell, cap_dwell;
	int64_t dwell_median, dwell_p90;
	int64_t lang_views[HALL_LANG_COUNT + 1]; /* last: unknown */
	DYN(kiosk_stat, kiosks);
	DYN(exhibit_stat, exhibits);
	DYN(item_stat, items);
	DYN(named_count, modes);
	DYN(poll_option, polls);
	DYN(content_change, changes);
	DYN(title_entry, titles);
	smap title_map; /* kept after build: the renderers look titles up */
	smap kiosk_map, exhibit_map, item_map, mode_map, poll_map, session_map, vote_map;
};

/* Grow a DYN array by one zeroed element; NULL on out-of-memory. */
static void *dyn_push(void **arr, size_t *n, size_t *cap, size_t size)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *na = realloc(*arr, nc * size);
		if (!na)
			return NULL;
		*arr = na;
		*cap = nc;
	}
	void *el = (char *)*arr + *n * size;
	memset(el, 0, size);
	(*n)++;
	return el;
}
#define PUSH(r, name) dyn_push((void **)&(r)->name, &(r)->n_##name, &(r)->cap_##name, sizeof *(r)->name)

void hall_report_destroy(hall_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_kiosks; i++) {
		free(r->kiosks[i].outages);
		free(r->kiosks[i].dwell.v);
		free(r->kiosks[i].shown);
	}
	for (size_t i = 0; i < r->n_exhibits; i++)
		free(r->exhibits[i].dwell.v);
	for (size_t i = 0; i < r->n_items; i++)
		free(r->items[i].dwell.v);
	free(r->kiosks);
	free(r->exhibits);
	free(r->items);
	free(r->modes);
	free(r->polls);
	free(r->changes);
	free(r->titles);
	smap_free(&r->title_map);
	free(r->dwell);
	smap_free(&r->kiosk_map);
	smap_free(&r->exhibit_map);
	smap_free(&r->item_map);
	smap_free(&r->mode_map);
	smap_free(&r->poll_map);
	smap_free(&r->session_map);
	smap_free(&r->vote_map);
	free(r);
}

/* The element of a DYN array that `m` maps `key` to; a new one is zeroed and gets the key
 * copied into its first field (name_len bytes), and *added says so. NULL on out-of-memory
 * (the report is then abandoned, so a key left in the map without an element is harmless). */
static void *intern(smap *m, void **arr, size_t *n, size_t *cap, size_t size, size_t name_len, const char *key,
                    int *added)
{
	size_t idx;
	if (smap_get(m, key, 1, *n, &idx, added) != 0)
		return NULL;
	if (*added) {
		char *el = dyn_push(arr, n, cap, size);
		if (!el)
			return NULL;
		size_t kl = strnlen(key, name_len - 1); /* a longer key is cut: the caller rewrites it */
		memcpy(el, key, kl);
		el[kl] = '\0';
	}
	return (char *)*arr + idx * size;
}

static kiosk_stat *kiosk_for(hall_report *r, const char *id)
{
	int added;
	kiosk_stat *k = intern(&r->kiosk_map, (void **)&r->kiosks, &r->n_kiosks, &r->cap_kiosks, sizeof *r->kiosks,
	                       sizeof r->kiosks->id, id, &added);
	if (k && added) {
		k->seq_min = -1;
		k->seq_max = -1;
	}
	return k;
}

static exhibit_stat *exhibit_for(hall_report *r, const char *id)
{
	int added;
	return intern(&r->exhibit_map, (void **)&r->exhibits, &r->n_exhibits, &r->cap_exhibits, sizeof *r->exhibits,
	              sizeof r->exhibits->id, id, &added);
}

static named_count *mode_for(hall_report *r, const char *name)
{
	int added;
	return intern(&r->mode_map, (void **)&r->modes, &r->n_modes, &r->cap_modes, sizeof *r->modes,
	              sizeof r->modes->name, name, &added);
}

/* Index of the local day holding ts, or -1 outside the period. */
static int day_of(const hall_report *r, int64_t ts)
{
	if (ts < r->days[0].start_ms || ts >= r->days[r->n_days].start_ms)
		return -1;
	size_t lo = 0, hi = r->n_days; /* days[lo].start <= ts < days[hi].start */
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (r->days[mid].start_ms <= ts)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

static int hour_of(const hall_report *r, int day, int64_t ts)
{
	int64_t h = (ts - r->days[day].start_ms) / HOUR_MS;
	return h < 0 ? 0 : h > 23 ? 23 : (int)h;
}

typedef struct scan_ctx {
	hall_report *r;
	int oom;
	size_t last_kiosk; /* index of the kiosk of the previous event: events come by kiosk */
	int has_last;
} scan_ctx;

/* Append x to a growable array of samples; -1 when out of memory. */
static int push_i64(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		int64_t *nv = realloc(*v, nc * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return 0;
}

static int add_dwell(hall_report *r, int64_t ms)
{
	return push_i64(&r->dwell, &r->n_dwell, &r->cap_dwell, ms);
}

static int dwellv_add(dwellv *d, int64_t ms)
{
	return push_i64(&d->v, &d->n, &d->cap, ms);
}

static kiosk_stat *kiosk_for(hall_report *r, const char *id);

/* Map keys join fields with a unit separator. Built by hand, not with snprintf: this runs
 * for most of a day's million events (see BENCHMARKS.md). `out` holds 256 bytes, more
 * than three 64-character fields and a number. */
static char *key_put(char *p, const char *s)
{
	size_t n = strnlen(s, HALL_STR_BUF);
	memcpy(p, s, n);
	p[n] = '\x1f';
	return p + n + 1;
}

static char *key_put_int(char *p, int64_t v)
{
	char digits[24];
	int n = 0;
	uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = digits[--n];
	*p++ = '\x1f';
	return p;
}

static void key_end(char *p)
{
	p[-1] = '\0';
}

/* The item (exhibit, target) of an event, added when new. */
static item_stat *item_for(hall_report *r, const hall_event *ev)
{
	char key[256];
	int added;
	key_end(key_put(key_put(key, ev->exhibit), ev->target));
	item_stat *it = intern(&r->item_map, (void **)&r->items, &r->n_items, &r->cap_items, sizeof *r->items,
	                       sizeof r->items->exhibit, key, &added);
	if (it && added) {
		snprintf(it->exhibit, sizeof it->exhibit, "%s", ev->exhibit);
		snprintf(it->target, sizeof it->target, "%s", ev->target);
	}
	return it;
}

static void session_key(char *out, const hall_event *ev)
{
	char *p = key_put(out, ev->kiosk);
	key_end(key_put_int(p, ev->session));
}

/* A session_end gives its dwell time once, and only to a session that started in the
 * period (value 0 in session_map: started, not yet ended). Returns -1 on out-of-memory. */
static int take_dwell(hall_report *r, const hall_event *ev)
{
	if (ev->session < 0 || ev->dwell_ms < 0)
		return 0;
	char key[256];
	session_key(key, ev);
	size_t *state = smap_find(&r->session_map, key);
	if (!state || *state != 0)
		return 0;
	*state = 1;
	kiosk_stat *k = kiosk_for(r, ev->kiosk);
	if (!k || dwellv_add(&k->dwell, ev->dwell_ms) != 0)
		return -1;
	return add_dwell(r, ev->dwell_ms);
}

static int on_event(void *user, const hall_event *ev)
{
	scan_ctx *c = user;
	hall_report *r = c->r;
	int day = day_of(r, ev->ts);
	if (day < 0 || r->days[day].from_daily)
		return 0; /* each_event bounds by ts, but be strict about the edges; a day whose
		           * raw events retention thinned out is counted from its aggregates */
	int hour = hour_of(r, day, ev->ts);
	kiosk_stat *k;
	if (c->has_last && strcmp(r->kiosks[c->last_kiosk].id, ev->kiosk) == 0) {
		k = &r->kiosks[c->last_kiosk];
	} else {
		k = kiosk_for(r, ev->kiosk);
		if (!k)
			goto oom;
		c->last_kiosk = (size_t)(k - r->kiosks);
		c->has_last = 1;
	}
	k->events++;
	k->raw_events++;
	if (k->seq_min < 0 || ev->seq < k->seq_min)
		k->seq_min = ev->seq;
	if (ev->seq > k->seq_max)
		k->seq_max = ev->seq;
	r->events++;
	r->days[day].events++;

	char key[256];
	size_t idx;
	int added;
	switch (ev->type) {
	case HALL_EVENT_SESSION_START:
		if (ev->session >= 0) {
			session_key(key, ev);
			if (smap_get(&r->session_map, key, 1, 0, &idx, &added) != 0)
				goto oom;
			if (!added)
				break; /* the same session started twice: count it once */
		}
		r->sessions++;
		r->days[day].sessions++;
		r->hours_sessions[hour]++;
		k->sessions++;
		break;
	case HALL_EVENT_SESSION_END:
		if (take_dwell(r, ev) != 0)
			goto oom;
		break;
	case HALL_EVENT_TAP: {
		r->taps++;
		r->days[day].taps++;
		r->hours_taps[hour]++;
		k->taps++;
		exhibit_stat *e = exhibit_for(r, ev->exhibit);
		if (!e)
			goto oom;
		e->taps++;
		item_stat *it = item_for(r, ev);
		if (!it)
			goto oom;
		it->taps++;
		break;
	}
	case HALL_EVENT_VIEW: {
		r->views++;
		r->days[day].views++;
		exhibit_stat *e = exhibit_for(r, ev->exhibit);
		if (!e)
			goto oom;
		e->views++;
		item_stat *it = item_for(r, ev);
		if (!it)
			goto oom;
		it->views++;
		if (ev->dwell_ms >= 0) {
			e->dwell_ms_sum += ev->dwell_ms;
			e->dwell_n++;
			if (dwellv_add(&e->dwell, ev->dwell_ms) != 0 || dwellv_add(&it->dwell, ev->dwell_ms) != 0)
				goto oom;
		}
		hall_lang l;
		r->lang_views[hall_lang_from_code(ev->lang, &l) == 0 ? l : HALL_LANG_COUNT]++;
		break;
	}
	case HALL_EVENT_LANGUAGE:
		r->language_changes++;
		break;
	case HALL_EVENT_MODE: {
		named_count *m = mode_for(r, ev->target);
		if (!m)
			goto oom;
		m->count++;
		break;
	}
	case HALL_EVENT_VOTE: {
		/* one vote per visitor session and poll, as the controller tallies them */
		if (ev->session > 0) {
			key_end(key_put(key_put_int(key_put(key, ev->kiosk), ev->session), ev->poll));
			if (smap_get(&r->vote_map, key, 1, 0, &idx, &added) != 0)
				goto oom;
			if (!added)
				break;
		}
		key_end(key_put(key_put(key, ev->poll), ev->target));
		poll_option *p = intern(&r->poll_map, (void **)&r->polls, &r->n_polls, &r->cap_polls, sizeof *r->polls,
		                        sizeof r->polls->poll, key, &added);
		if (!p)
			goto oom;
		if (added) {
			snprintf(p->poll, sizeof p->poll, "%s", ev->poll);
			snprintf(p->option, sizeof p->option, "%s", ev->target);
		}
		p->votes++;
		r->votes++;
		break;
	}
	case HALL_EVENT_HELP:
		r->help++;
		k->help++;
		break;
	case HALL_EVENT_TYPE_COUNT:
		break;
	}
	return 0;
oom:
	c->oom = 1;
	return 1;
}

/* Events just after the period: only the ends of sessions that started inside it. */
static int on_tail_event(void *user, const hall_event *ev)
{
	scan_ctx *c = user;
	if (ev->type == HALL_EVENT_SESSION_END && take_dwell(c->r, ev) != 0) {
		c->oom = 1;
		return 1;
	}
	return 0;
}

static int first_seq_cb(void *user, const hall_event *ev)
{
	*(int64_t *)user = ev->seq;
	return 1; /* ordered by seq: the first is the lowest */
}

static int on_fleet(void *user, const hall_store_kiosk *fk)
{
	scan_ctx *c = user;
	kiosk_stat *k = kiosk_for(c->r, fk->id);
	if (!k) {
		c->oom = 1;
		return 1;
	}
	k->known = 1;
	snprintf(k->group, sizeof k->group, "%s", fk->group);
	k->announced = fk->seq_max;
	k->confirmed = fk->confirmed;
	k->content_version = fk->content_version;
	k->first_seen = fk->first_seen;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static int64_t percentile(const int64_t *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t rank = (size_t)ceil(p * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

/* ------------------------------------------------------------------ uptime */

typedef struct span {
	int64_t from, to;
} span;

typedef struct status_ctx {
	span *online;
	size_t n, cap;
	int64_t since; /* start of the current online span, -1 when offline */
	int oom;
} status_ctx;

static int on_status_change(void *user, const hall_store_status_change *ch)
{
	status_ctx *s = user;
	if (ch->online) {
		if (s->since < 0)
			s->since = ch->ts;
		return 0;
	}
	if (s->since < 0)
		return 0;
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		span *ns = realloc(s->online, nc * sizeof *ns);
		if (!ns) {
			s->oom = 1;
			return 1;
		}
		s->online = ns;
		s->cap = nc;
	}
	s->online[s->n++] = (span){s->since, ch->ts};
	s->since = -1;
	return 0;
}

/* The opening windows of day d (UTC ms), at most 8; a window past midnight runs into
 * the next day. With no opening hours the whole day is one window. */
static size_t opening_windows(const hall_report *r, const hall_schedule *sch, size_t d, span *out)
{
	int64_t start = r->days[d].start_ms;
	if (!sch || !sch->has_opening_hours) {
		out[0] = (span){start, r->days[d + 1].start_ms};
		return 1;
	}
	int y, m, dd;
	if (hall_clock_parse_date(r->days[d].day, &y, &m, &dd) != 0)
		return 0;
	/* days since the epoch of the local date, to match closures */
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = dd, .tm_hour = 12};
	time_t t = timegm(&tm);
	int64_t epoch_day = (int64_t)t / 86400;
	for (size_t i = 0; i < sch->n_closures; i++)
		if (sch->closures[i] == epoch_day)
			return 0;
	int wd = (int)((epoch_day + 4) % 7); /* 1970-01-01 was a Thursday */
	size_t n = 0;
	for (size_t i = 0; i < sch->n_hours[wd] && n < 8; i++) {
		const hall_schedule_window *w = &sch->hours[wd][i];
		int64_t a = start + (int64_t)w->start_min * 60000;
		int64_t b = start + (int64_t)w->end_min * 60000;
		if (w->end_min <= w->start_min)
			b += DAY_MS;
		out[n++] = (span){a, b};
	}
	return n;
}

static int add_outage(kiosk_stat *k, int64_t from, int64_t to)
{
	if (to <= from)
		return 0;
	if (k->n_outages && k->outages[k->n_outages - 1].to == from) {
		k->outages[k->n_outages - 1].to = to; /* windows that touch: one outage */
		return 0;
	}
	outage *no = realloc(k->outages, (k->n_outages + 1) * sizeof *no);
	if (!no)
		return -1;
	k->outages = no;
	k->outages[k->n_outages++] = (outage){from, to};
	return 0;
}

static hall_err compute_uptime(hall_report *r, hall_store *store, kiosk_stat *k, const hall_schedule *sch,
                               hall_error *err)
{
	status_ctx s = {.since = -1};
	hall_err rc = hall_store_each_status_change(store, k->id, 0, r->to_ms, on_status_change, &s, err);
	if (rc != HALL_OK)
		goto out;
	if (s.oom) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
		goto out;
	}
	int64_t horizon = r->generated_ms < r->to_ms ? r->generated_ms : r->to_ms;
	if (s.since >= 0) {
		status_ctx *sp = &s;
		hall_store_status_change end = {.ts = horizon, .online = false};
		on_status_change(sp, &end);
		if (s.oom) {
			rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
			goto out;
		}
	}
	for (size_t d = 0; d < r->n_days; d++) {
		span win[8];
		size_t nw = opening_windows(r, sch, d, win);
		for (size_t w = 0; w < nw; w++) {
			int64_t a = win[w].from, b = win[w].to;
			/* not yet: the future and the time before the kiosk existed do not count */
			if (b > horizon)
				b = horizon;
			if (k->first_seen > 0 && a < k->first_seen)
				a = k->first_seen;
			if (b <= a)
				continue;
			k->open_ms += b - a;
			int64_t cursor = a;
			for (size_t i = 0; i < s.n; i++) {
				int64_t x = s.online[i].from > a ? s.online[i].from : a;
				int64_t y = s.online[i].to < b ? s.online[i].to : b;
				if (y <= x)
					continue;
				k->online_ms += y - x;
				if (x > cursor && add_outage(k, cursor, x) != 0)
					goto oom;
				if (y > cursor)
					cursor = y;
			}
			if (cursor < b && add_outage(k, cursor, b) != 0)
				goto oom;
		}
	}
	rc = HALL_OK;
	goto out;
oom:
	rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
out:
	free(s.online);
	return rc;
}

static int on_history(void *user, const hall_store_history *h)
{
	scan_ctx *c = user;
	hall_report *r = c->r;
	if (h->ts < r->from_ms || h->ts >= r->to_ms || strcmp(h->kind, "content") != 0)
		return 0;
	content_change *ch = PUSH(r, changes);
	if (!ch) {
		c->oom = 1;
		return 1;
	}
	ch->ts = h->ts;
	ch->version = h->version;
	snprintf(ch->action, sizeof ch->action, "%s", h->action);
	snprintf(ch->target, sizeof ch->target, "%s", h->target);
	snprintf(ch->user, sizeof ch->user, "%s", h->user);
	snprintf(ch->detail, sizeof ch->detail, "%.127s", h->detail);
	return 0;
}

/* Append a version shown, unless it repeats the one before (an ack sent again). */
static int add_shown(kiosk_stat *k, int64_t version, int64_t applied_ms, int before_period)
{
	if (k->n_shown && k->shown[k->n_shown - 1].version == version)
		return 0;
	version_shown *v = dyn_push((void **)&k->shown, &k->n_shown, &k->cap_shown, sizeof *k->shown);
	if (!v)
		return -1;
	v->version = version;
	v->applied_ms = applied_ms;
	v->before_period = before_period;
	return 0;
}

typedef struct shown_ctx {
	kiosk_stat *k;
	int oom;
} shown_ctx;

static int on_content_applied(void *user, const hall_store_shown *a)
{
	shown_ctx *c = user;
	if (add_shown(c->k, a->showing.version, a->ts, 0) != 0) {
		c->oom = 1;
		return 1;
	}
	return 0;
}

/* The content versions kiosk k showed in the period, from what it said it shows
 * (hall_store_each_shown: never a clear, never a pack an override hid; version 0 is its
 * built-in pack): the one before the period began, then every change within it. */
static hall_err versions_shown(hall_report *r, hall_store *store, kiosk_stat *k, hall_error *err)
{
	hall_store_shown last;
	shown_ctx c = {.k = k};
	hall_err rc = hall_store_last_shown_before(store, k->id, r->from_ms, &last, err);
	if (rc == HALL_OK)
		c.oom = add_shown(k, last.showing.version, last.ts, 1) != 0;
	else if (rc != HALL_ERR_NOT_FOUND)
		return rc;
	if (!c.oom)
		rc = hall_store_each_shown(store, k->id, r->from_ms, r->to_ms, on_content_applied, &c, err);
	else
		rc = HALL_OK;
	if (rc == HALL_OK && c.oom)
		rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	return rc;
}

static int cmp_change(const void *a, const void *b)
{
	const content_change *x = a, *y = b;
	return (x->ts > y->ts) - (x->ts < y->ts);
}

static int cmp_kiosk(const void *a, const void *b)
{
	return strcmp(((const kiosk_stat *)a)->id, ((const kiosk_stat *)b)->id);
}

static int cmp_exhibit(const void *a, const void *b)
{
	const exhibit_stat *x = a, *y = b;
	int64_t vx = x->views + x->taps, vy = y->views + y->taps;
	if (vx != vy)
		return vx < vy ? 1 : -1;
	return strcmp(x->id, y->id);
}

static int cmp_item(const void *a, const void *b)
{
	const item_stat *x = a, *y = b;
	if (x->taps != y->taps)
		return x->taps < y->taps ? 1 : -1;
	if (x->views != y->views)
		return x->views < y->views ? 1 : -1;
	int c = strcmp(x->exhibit, y->exhibit);
	return c ? c : strcmp(x->target, y->target);
}

static int cmp_named(const void *a, const void *b)
{
	const named_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int cmp_poll(const void *a, const void *b)
{
	const poll_option *x = a, *y = b;
	int c = strcmp(x->poll, y->poll);
	if (c)
		return c;
	if (x->votes != y->votes)
		return x->votes < y->votes ? 1 : -1;
	return strcmp(x->option, y->option);
}

static hall_err setup_days(hall_report *r, const hall_report_options *opt, hall_error *err)
{
	int y, m, d, y2, m2, d2;
	if (hall_clock_parse_date(opt->from_day, &y, &m, &d) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "--from", "expected a date YYYY-MM-DD, got \"%s\"",
		                      opt->from_day);
	if (hall_clock_parse_date(opt->to_day, &y2, &m2, &d2) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "--to", "expected a date YYYY-MM-DD, got \"%s\"",
		                      opt->to_day);
	if (strcmp(opt->from_day, opt->to_day) > 0)
		return hall_error_set(err, HALL_ERR_INVALID, "--to", "%s is before %s", opt->to_day, opt->from_day);
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	for (size_t i = 0;; i++) {
		if (i > MAX_DAYS)
			return hall_error_set(err, HALL_ERR_INVALID, "--to", "a report covers at most %d days", MAX_DAYS);
		time_t ti = t + (time_t)i * 86400;
		struct tm g;
		gmtime_r(&ti, &g);
		hall_civil c = {.year = g.tm_year + 1900, .month = g.tm_mon + 1, .day = g.tm_mday};
		if (hall_clock_from_civil(&c, r->tz, &r->days[i].start_ms) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "time_zone", "cannot use time zone \"%s\"", r->tz);
		snprintf(r->days[i].day, sizeof r->days[i].day, "%04d-%02d-%02d", c.year, c.month, c.day);
		if (strcmp(r->days[i].day, opt->to_day) > 0) {
			r->n_days = i; /* days[i] is the day after the period: its start ends it */
			break;
		}
	}
	r->from_ms = r->days[0].start_ms;
	r->to_ms = r->days[r->n_days].start_ms;
	return HALL_OK;
}

/* ------------------------------------------------------------------ daily aggregates */

typedef struct daily_buf {
	hall_store_daily *rows;
	size_t n, cap;
	int oom;
} daily_buf;

static int on_daily(void *user, const hall_store_daily *d)
{
	daily_buf *b = user;
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		hall_store_daily *nr = realloc(b->rows, nc * sizeof *nr);
		if (!nr) {
			b->oom = 1;
			return 1;
		}
		b->rows = nr;
		b->cap = nc;
	}
	b->rows[b->n++] = *d;
	return 0;
}

static int day_index(const hall_report *r, const char *day)
{
	for (size_t i = 0; i < r->n_days; i++)
		if (strcmp(r->days[i].day, day) == 0)
			return (int)i;
	return -1;
}

/* Count one aggregate row of a day reported from the aggregates: what they hold (counts
 * per kiosk, exhibit, hour, language and type, and a sum of dwell). Items, poll options,
 * modes and the dwell of each session are not in them. */
static int apply_daily(hall_report *r, const hall_store_daily *d, int day)
{
	kiosk_stat *k = kiosk_for(r, d->kiosk);
	if (!k)
		return -1;
	int hour = d->hour < 0 ? 0 : d->hour > 23 ? 23 : d->hour;
	k->events += d->count;
	r->events += d->count;
	r->days[day].events += d->count;
	if (strcmp(d->type, "session_start") == 0) {
		r->sessions += d->count;
		r->days[day].sessions += d->count;
		r->hours_sessions[hour] += d->count;
		k->sessions += d->count;
	} else if (strcmp(d->type, "tap") == 0) {
		exhibit_stat *e = exhibit_for(r, d->exhibit);
		if (!e)
			return -1;
		e->taps += d->count;
		r->taps += d->count;
		r->days[day].taps += d->count;
		r->hours_taps[hour] += d->count;
		k->taps += d->count;
	} else if (strcmp(d->type, "view") == 0) {
		exhibit_stat *e = exhibit_for(r, d->exhibit);
		if (!e)
			return -1;
		e->views += d->count;
		e->dwell_ms_sum += d->dwell_ms;
		r->views += d->count;
		r->days[day].views += d->count;
		hall_lang l;
		r->lang_views[hall_lang_from_code(d->lang, &l) == 0 ? l : HALL_LANG_COUNT] += d->count;
	} else if (strcmp(d->type, "language") == 0) {
		r->language_changes += d->count;
	} else if (strcmp(d->type, "help") == 0) {
		r->help += d->count;
		k->help += d->count;
	}
	return 0;
}

/* Which days lost raw events to retention, and the figures of those days from the daily
 * aggregates. `before_raw` runs before the raw scan (days that start before the recorded
 * cutoff); after it, a day of an older database (no cutoff recorded) past the retention
 * period, with aggregates and no raw event left, is taken from its aggregates too. */
static hall_err use_daily(hall_report *r, hall_store *store, int before_raw, hall_error *err)
{
	if (before_raw) {
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i].start_ms < r->raw_deleted_before)
				r->days[i].raw_gone = 1;
	} else if (r->raw_deleted_before == 0 && r->retention_days > 0) {
		int64_t expired = r->generated_ms - (int64_t)r->retention_days * DAY_MS;
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i + 1].start_ms <= expired && r->days[i].events == 0)
				r->days[i].raw_gone = 2; /* 2: decided after the raw scan */
	}
	int want = 0;
	for (size_t i = 0; i < r->n_days; i++)
		if (r->days[i].raw_gone == (before_raw ? 1 : 2))
			want = 1;
	if (!want)
		return HALL_OK;
	daily_buf b = {0};
	hall_err rc = hall_store_each_daily(store, r->from_day, r->to_day, on_daily, &b, err);
	if (rc == HALL_OK && b.oom)
		rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	for (size_t i = 0; rc == HALL_OK && i < b.n; i++) {
		int d = day_index(r, b.rows[i].day);
		if (d < 0 || r->days[d].raw_gone != (before_raw ? 1 : 2))
			continue;
		if (!r->days[d].from_daily) {
			r->days[d].from_daily = 1;
			r->n_days_daily++;
		}
		if (apply_daily(r, &b.rows[i], d) != 0)
			rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	}
	/* a day that lost its raw events and has no aggregates still is not complete */
	for (size_t i = 0; rc == HALL_OK && i < r->n_days; i++)
		if (r->days[i].raw_gone == (before_raw ? 1 : 2) && !r->days[i].from_daily) {
			r->days[i].from_daily = 1;
			r->n_days_daily++;
		}
	free(b.rows);
	return rc;
}

static int last_seq_cb(void *user, const hall_event *ev)
{
	*(int64_t *)user = ev->seq;
	return 0; /* ordered by seq: the last is the highest */
}

/* The seqs a kiosk that sent no event in the period is missing: after the highest known
 * to be sent before the period (the highest stored before it, or the highest confirmed
 * with no gap), up to the last one that can belong to the period (just below the first
 * seq received after it; with none after, the highest it announced). */
static hall_err missing_of_silent(hall_report *r, hall_store *store, kiosk_stat *k, int64_t after, hall_error *err)
{
	int64_t upper = after > 0 ? after - 1 : k->announced;
	int64_t before = 0;
	hall_err rc;
	if (after > 0)
		rc = hall_store_each_event(store, k->id, 0, r->from_ms, last_seq_cb, &before, err);
	else
		rc = hall_store_max_seq(store, k->id, &before, err); /* nothing stored after it */
	if (rc != HALL_OK)
		return rc;
	if (k->confirmed > before)
		before = k->confirmed;
	k->missing = upper > before ? upper - before : 0;
	return HALL_OK;
}

static void dwell_stats(dwellv *d)
{
	if (d->n)
		qsort(d->v, d->n, sizeof *d->v, cmp_i64);
	d->median = percentile(d->v, d->n, 0.5);
	d->p90 = percentile(d->v, d->n, 0.9);
}

/* ------------------------------------------------------------------ titles from packs */

static void title_key(char *out, size_t len, char kind, const char *a, const char *b)
{
	snprintf(out, len, "%c\x1f%s\x1f%s", kind, a ? a : "", b ? b : "");
}

/* Remember the name of (kind, a, b) unless a pack loaded earlier already named it. */
static int title_add(hall_report *r, char kind, const char *a, const char *prefix, const char *b,
                     const hall_text *t)
{
	char item[HALL_STR_BUF + 16], key[sizeof r->titles->key];
	snprintf(item, sizeof item, "%s%s", prefix, b ? b : "");
	title_key(key, sizeof key, kind, a, item);
	const char *ko = hall_text_get(t, HALL_LANG_KO), *en = hall_text_get(t, HALL_LANG_EN);
	if (!*ko && !*en)
		return 0;
	int added = 0;
	title_entry *e = intern(&r->title_map, (void **)&r->titles, &r->n_titles, &r->cap_titles, sizeof *r->titles,
	                        sizeof r->titles->key, key, &added);
	if (!e)
		return -1;
	if (added) {
		snprintf(e->ko, sizeof e->ko, "%s", ko);
		snprintf(e->en, sizeof e->en, "%s", en);
	}
	return 0;
}

/* The names in one stored pack (by the sha256 of its manifest). A pack that cannot be read
 * or parsed adds nothing: the report then shows ids, as it does with no pack at all. */
static int titles_of_pack(hall_report *r, const char *data_dir, const char *ref)
{
	char *manifest = NULL;
	size_t len = 0;
	hall_content *c = NULL;
	int rc = 0;
	if (hall_packs_read_object(data_dir, ref, HALL_CONTENT_MANIFEST_MAX, &manifest, &len, NULL) != HALL_OK)
		return 0;
	if (hall_content_parse(manifest, len, NULL, NULL, &c, NULL) != HALL_OK) {
		free(manifest);
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < c->n_exhibits; i++) {
		const hall_exhibit *ex = &c->exhibits[i];
		rc |= title_add(r, 'E', ex->id, "", "", &ex->title);
		switch (ex->kind) {
		case HALL_EXHIBIT_POLICY:
			for (size_t j = 0; j < ex->u.policy.n_cards; j++)
				rc |= title_add(r, 'I', ex->id, HALL_CONTROL_CARD, ex->u.policy.cards[j].id, &ex->u.policy.cards[j].title);
			for (size_t j = 0; j < ex->u.policy.n_charts; j++)
				rc |= title_add(r, 'I', ex->id, HALL_CONTROL_CHART, ex->u.policy.charts[j].id,
				                &ex->u.policy.charts[j].title);
			break;
		case HALL_EXHIBIT_CITY_MODEL:
			for (size_t j = 0; j < ex->u.city.n_districts; j++)
				rc |= title_add(r, 'I', ex->id, HALL_CONTROL_DISTRICT, ex->u.city.districts[j].id,
				                &ex->u.city.districts[j].name);
			break;
		case HALL_EXHIBIT_POLL:
			for (size_t j = 0; j < ex->u.poll.n_options; j++) {
				rc |= title_add(r, 'I', ex->id, "option-", ex->u.poll.options[j].id, &ex->u.poll.options[j].label);
				rc |= title_add(r, 'P', ex->u.poll.id, "", ex->u.poll.options[j].id, &ex->u.poll.options[j].label);
			}
			rc |= title_add(r, 'P', ex->u.poll.id, "", "", &ex->u.poll.question);
			break;
		case HALL_EXHIBIT_BRAND:
			break;
		}
	}
	hall_content_destroy(c);
	free(manifest);
	return rc;
}

/* The names in the packs of the desired state: the one pushed to all kiosks first, then
 * those pushed to a group or a single kiosk of the report (each pack read once). */
static int load_titles(hall_report *r, hall_store *store, const char *data_dir)
{
	char done[16][65];
	size_t n_done = 0;
	for (size_t i = 0; i <= 2 * r->n_kiosks; i++) {
		char scope[HALL_STORE_SCOPE_BUF];
		if (i == 0)
			snprintf(scope, sizeof scope, "all");
		else if ((i - 1) % 2 == 0) {
			const char *g = r->kiosks[(i - 1) / 2].group;
			if (!g[0])
				continue;
			snprintf(scope, sizeof scope, "group:%s", g);
		} else
			snprintf(scope, sizeof scope, "kiosk:%s", r->kiosks[(i - 1) / 2].id);
		hall_store_desired d;
		memset(&d, 0, sizeof d);
		if (hall_store_get_desired(store, "content", scope, &d, NULL) != HALL_OK)
			continue;
		int seen = d.cleared || !d.ref[0];
		for (size_t j = 0; !seen && j < n_done; j++)
			seen = strcmp(done[j], d.ref) == 0;
		if (!seen && n_done < sizeof done / sizeof *done) {
			snprintf(done[n_done++], sizeof done[0], "%s", d.ref);
			if (titles_of_pack(r, data_dir, d.ref) != 0) {
				hall_store_desired_free(&d);
				return -1;
			}
		}
		hall_store_desired_free(&d);
	}
	return 0;
}

/* A kiosk that could not keep events in the period (hall_store_each_unrecorded). */
static int on_unrecorded(void *user, const char *kiosk, int64_t n)
{
	scan_ctx *c = user;
	kiosk_stat *k = kiosk_for(c->r, kiosk);
	if (!k) {
		c->oom = 1;
		return 1;
	}
	k->unrecorded += n;
	return 0;
}

hall_err hall_report_build(hall_store *store, const hall_report_options *opt, hall_report **out, hall_error *err)
{
	*out = NULL;
	hall_report *r = calloc(1, sizeof *r);
	if (!r)
		return hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	snprintf(r->from_day, sizeof r->from_day, "%s", opt->from_day);
	snprintf(r->to_day, sizeof r->to_day, "%s", opt->to_day);
	snprintf(r->tz, sizeof r->tz, "%s", opt->tz && *opt->tz ? opt->tz : "Asia/Seoul");
	r->generated_ms = opt->generated_ms ? opt->generated_ms : hall_clock_now_ms();
	r->has_opening = opt->opening && opt->opening->has_opening_hours;
	r->retention_days = opt->raw_retention_days > 0 ? opt->raw_retention_days : 0;
	hall_err rc = setup_days(r, opt, err);
	if (rc != HALL_OK)
		goto fail;

	scan_ctx c = {.r = r};
	rc = hall_store_raw_deleted_before(store, &r->raw_deleted_before, err);
	if (rc == HALL_OK)
		rc = hall_store_each_kiosk(store, on_fleet, &c, err);
	for (size_t i = 0; rc == HALL_OK && !c.oom && i < opt->n_expected; i++) {
		kiosk_stat *k = kiosk_for(r, opt->expected[i]);
		if (!k)
			c.oom = 1;
		else
			k->expected = 1;
	}
	if (rc == HALL_OK && !c.oom)
		rc = hall_store_each_unrecorded(store, r->from_ms, r->to_ms, on_unrecorded, &c, err);
	if (rc == HALL_OK && !c.oom)
		rc = use_daily(r, store, 1, err);
	if (rc == HALL_OK && !c.oom)
		rc = hall_store_each_event(store, NULL, r->from_ms, r->to_ms, on_event, &c, err);
	if (rc == HALL_OK && !c.oom)
		rc = hall_store_each_event(store, NULL, r->to_ms, r->to_ms + SESSION_TAIL_MS, on_tail_event, &c, err);
	if (rc == HALL_OK && !c.oom)
		rc = hall_store_each_history(store, NULL, "content", 0, on_history, &c, err);
	if (rc == HALL_OK && !c.oom)
		rc = use_daily(r, store, 0, err);
	if (rc != HALL_OK)
		goto fail;
	if (c.oom) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
		goto fail;
	}
	int64_t rejected = 0;
	if (hall_store_counter_get(store, HALL_COUNTER_EVENTS_REJECTED, &rejected, NULL) == HALL_OK)
		r->rejected_total = rejected;

	for (size_t i = 0; i < r->n_kiosks; i++) {
		kiosk_stat *k = &r->kiosks[i];
		if (k->expected && !k->known && k->events == 0)
			k->never_seen = 1;
		if (k->raw_events == 0 && k->events == 0 && k->known && k->announced > 0 &&
		    (k->first_seen <= 0 || k->first_seen < r->to_ms)) {
			/* it said it sent events, none of them arrived for this period */
			int64_t after = -1;
			rc = hall_store_each_event(store, k->id, r->to_ms, INT64_MAX, first_seq_cb, &after, err);
			if (rc == HALL_OK)
				rc = missing_of_silent(r, store, k, after, err);
			if (rc != HALL_OK)
				goto fail;
		}
		if (k->raw_events > 0) {
			/* Missing: seqs between the lowest of the period and the highest that belongs
			 * to it, not received. The highest belonging to the period is bounded by the
			 * first seq received after it; with none after, by the highest announced. */
			int64_t after = -1;
			rc = hall_store_each_event(store, k->id, r->to_ms, INT64_MAX, first_seq_cb, &after, err);
			if (rc != HALL_OK)
				goto fail;
			int64_t upper = k->seq_max;
			int64_t bound = after > 0 ? after - 1 : k->announced;
			if (bound > upper)
				upper = bound;
			k->missing = (upper - k->seq_min + 1) - k->raw_events;
			if (k->missing < 0)
				k->missing = 0;
		}
		if (k->known) {
			rc = compute_uptime(r, store, k, opt->opening, err);
			if (rc != HALL_OK)
				goto fail;
		}
		rc = versions_shown(r, store, k, err);
		if (rc != HALL_OK)
			goto fail;
	}
	for (size_t i = 0; i < r->n_kiosks; i++)
		dwell_stats(&r->kiosks[i].dwell);
	for (size_t i = 0; i < r->n_exhibits; i++)
		dwell_stats(&r->exhibits[i].dwell);
	for (size_t i = 0; i < r->n_items; i++)
		dwell_stats(&r->items[i].dwell);
	if (r->n_dwell)
		qsort(r->dwell, r->n_dwell, sizeof *r->dwell, cmp_i64);
	r->dwell_median = percentile(r->dwell, r->n_dwell, 0.5);
	r->dwell_p90 = percentile(r->dwell, r->n_dwell, 0.9);
	if (opt->data_dir && opt->data_dir[0] && load_titles(r, store, opt->data_dir) != 0) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
		goto fail;
	}
	if (r->n_kiosks)
		qsort(r->kiosks, r->n_kiosks, sizeof *r->kiosks, cmp_kiosk);
	if (r->n_exhibits)
		qsort(r->exhibits, r->n_exhibits, sizeof *r->exhibits, cmp_exhibit);
	if (r->n_items)
		qsort(r->items, r->n_items, sizeof *r->items, cmp_item);
	if (r->n_modes)
		qsort(r->modes, r->n_modes, sizeof *r->modes, cmp_named);
	if (r->n_polls)
		qsort(r->polls, r->n_polls, sizeof *r->polls, cmp_poll);
	if (r->n_changes)
		qsort(r->changes, r->n_changes, sizeof *r->changes, cmp_change);
	/* maps are only needed while scanning */
	smap_free(&r->kiosk_map);
	smap_free(&r->exhibit_map);
	smap_free(&r->item_map);
	smap_free(&r->mode_map);
	smap_free(&r->poll_map);
	smap_free(&r->session_map);
	smap_free(&r->vote_map);
	*out = r;
	return HALL_OK;
fail:
	hall_report_destroy(r);
	return rc;
}

int hall_report_is_complete(const hall_report *r)
{
	if (r->n_days_daily > 0)
		return 0;
	for (size_t i = 0; i < r->n_kiosks; i++)
		if (r->kiosks[i].missing > 0 || r->kiosks[i].never_seen || r->kiosks[i].unrecorded > 0)
			return 0;
	return 1;
}

int hall_report_format_from_name(const char *name, hall_report_format *out)
{
	static const char *names[] = {"text", "csv", "json", "html"};
	for (int i = 0; i < 4; i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*out = (hall_report_format)i;
			return 0;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------ labels */

typedef enum label {
	L_TITLE, L_PERIOD, L_GENERATED, L_TZ, L_COMPLETE, L_INCOMPLETE, L_SESSIONS, L_TAPS, L_VIEWS, L_EVENTS,
	L_DWELL_MEDIAN, L_DWELL_P90, L_VOTES, L_HELP, L_REJECTED, L_KIOSKS, L_KIOSK, L_GROUP, L_SEQ_MIN, L_SEQ_MAX,
	L_MISSING, L_UPTIME, L_OUTAGES, L_NONE, L_EXHIBITS, L_EXHIBIT, L_ITEMS, L_ITEM, L_HOURS, L_HOUR, L_LANGUAGES,
	L_LANGUAGE, L_MODES, L_MODE, L_POLLS, L_POLL, L_OPTION, L_CONTENT, L_VERSION, L_ACTION, L_TARGET, L_TIME,
	L_TREND, L_DAY, L_OPEN_HOURS_ALL, L_OPEN_HOURS_SCHED, L_COUNT, L_COMPLETENESS, L_LANG_CHANGES, L_UNKNOWN,
	L_SIGN, L_NO_DATA, L_USER, L_OUTSIDE, L_NEVER_SEEN, L_DWELL, L_SHOWN, L_BEFORE, L_COUNT_
} label;

static const char *const labels_ko[L_COUNT_] = {
	"시민청 키오스크 이용 보고서", "기간", "작성 시각", "시간대", "데이터 완전: 빠진 이벤트 없음",
	"데이터 불완전: 빠진 이벤트 있음", "방문 세션", "터치", "화면 조회", "이벤트", "체류 시간 중앙값",
	"체류 시간 90번째 백분위", "투표", "직원 호출", "거부된 이벤트(누적)", "키오스크별", "키오스크", "그룹",
	"최저 seq", "최고 seq", "빠진 이벤트", "운영시간 중 가동률", "중단", "없음", "전시별", "전시", "항목별 터치",
	"항목", "시간대별", "시", "언어별 화면 조회", "언어", "접근성 모드 사용", "모드", "투표 결과", "투표",
	"선택지", "콘텐츠 버전", "버전", "작업", "대상", "시각", "일별 추이", "날짜",
	"운영시간: 하루 전체(일정 없음)", "운영시간: 게시된 일정 기준", "건수", "데이터 완전성", "언어 변경",
	"알 수 없음", "확인자 서명", "이 기간에 기록된 이벤트가 없습니다.", "사용자", "(대기·홈 화면)",
	"한 번도 연결되지 않음: 보낸 것 없음", "체류 시간 중앙값 / 90%", "표시된 콘텐츠 버전", "기간 이전부터"};
static const char *const labels_en[L_COUNT_] = {
	"Citizen Hall kiosk usage report", "Period", "Generated", "Time zone", "Data complete: no events missing",
	"Data INCOMPLETE: events missing", "Visitor sessions", "Taps", "Page views", "Events", "Dwell time, median",
	"Dwell time, 90th percentile", "Votes", "Staff calls", "Rejected events (all time)", "Per kiosk", "Kiosk",
	"Group", "Lowest seq", "Highest seq", "Missing events", "Uptime in opening hours", "Outages", "none",
	"Per exhibit", "Exhibit", "Taps per item", "Item", "By hour of day", "Hour", "Page views by language",
	"Language", "Accessibility modes used", "Mode", "Poll results", "Poll", "Option", "Content versions",
	"Version", "Action", "Target", "Time", "Day by day", "Day", "Opening hours: the whole day (no schedule)",
	"Opening hours: from the published schedule", "Count", "Data completeness", "Language changes", "unknown",
	"Signed off by", "No events were recorded in this period.", "User", "(attract and home screens)",
	"never seen: sent nothing", "Dwell median / p90", "Content versions shown", "before the period"};

static const char *L(hall_lang lang, label l)
{
	return lang == HALL_LANG_KO ? labels_ko[l] : labels_en[l];
}

/* After the incomplete label, each cause in plain words, kiosk by kiosk ("kiosk
 * gallery-09 never connected", "lobby-02: 270 events could not be recorded"), so whoever
 * signs the report knows what is missing and why. Cut with "…" when out is full. */
static void append_causes(const hall_report *r, hall_lang lang, char *out, size_t len)
{
	bool ko = lang == HALL_LANG_KO;
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const kiosk_stat *k = &r->kiosks[i];
		char cause[3][160];
		int n = 0;
		if (k->never_seen)
			snprintf(cause[n++], sizeof cause[0], ko ? "키오스크 %s 연결된 적 없음" : "kiosk %s never connected", k->id);
		if (k->unrecorded > 0)
			snprintf(cause[n++], sizeof cause[0], ko ? "%s: 기록하지 못한 이벤트 %lld건" : "%s: %lld events could not be recorded",
			         k->id, (long long)k->unrecorded);
		if (k->missing > 0)
			snprintf(cause[n++], sizeof cause[0], ko ? "%s: 빠진 이벤트 %lld건" : "%s: %lld events missing", k->id,
			         (long long)k->missing);
		for (int j = 0; j < n; j++) {
			size_t used = strlen(out);
			if (used + strlen(cause[j]) + 8 >= len) {
				if (used + 5 < len)
					snprintf(out + used, len - used, "; …");
				return;
			}
			snprintf(out + used, len - used, "; %s", cause[j]);
		}
	}
}

/* The completeness statement. When retention removed raw events of a day of the period,
 * per-seq completeness cannot be shown, and it says so instead of "complete". */
static void fmt_completeness(const hall_report *r, hall_lang lang, char *out, size_t len)
{
	if (r->n_days_daily == 0) {
		snprintf(out, len, "%s", L(lang, hall_report_is_complete(r) ? L_COMPLETE : L_INCOMPLETE));
		append_causes(r, lang, out, len);
		return;
	}
	const char *first = "", *last = "";
	for (size_t i = 0; i < r->n_days; i++)
		if (r->days[i].from_daily) {
			if (!*first)
				first = r->days[i].day;
			last = r->days[i].day;
		}
	char after[48];
	if (lang == HALL_LANG_KO) {
		if (r->retention_days > 0)
			snprintf(after, sizeof after, "%d일 보존 후", r->retention_days);
		else
			snprintf(after, sizeof after, "보존 기간이 지나");
		snprintf(out, len,
		         "데이터 완전성 확인 불가: 원시 이벤트가 %s 삭제되어 seq별 완전성을 보일 수 없습니다"
		         " (%s..%s는 일별 집계로 작성)",
		         after, first, last);
	} else {
		if (r->retention_days > 0)
			snprintf(after, sizeof after, "after %d days", r->retention_days);
		else
			snprintf(after, sizeof after, "after the retention period");
		snprintf(out, len,
		         "Data completeness CANNOT be shown: raw events were removed %s, so per-seq completeness "
		         "cannot be shown (%s..%s counted from the daily aggregates)",
		         after, first, last);
	}
}

/* "median / p90" of a dwell vector, "-" without samples. */
static void fmt_dwellv(const dwellv *d, char *out, size_t len);

/* The name the pack gives (kind, a, b) in the report's language, or NULL when no pack
 * of the desired state names it. */
static const char *title_of(const hall_report *r, char kind, const char *a, const char *b, hall_lang lang)
{
	char key[sizeof r->titles->key];
	title_key(key, sizeof key, kind, a, b);
	size_t *v = smap_find((smap *)&r->title_map, key);
	if (!v)
		return NULL;
	const title_entry *e = &r->titles[*v];
	const char *t = lang == HALL_LANG_KO ? e->ko : e->en;
	return *t ? t : lang == HALL_LANG_KO ? e->en : e->ko;
}

/* An exhibit's title from its pack; NULL when unknown or for the attract/home row. */
static const char *exhibit_title(const hall_report *r, const char *id, hall_lang lang)
{
	return id[0] ? title_of(r, 'E', id, "", lang) : NULL;
}

/* An item's name: the home screen's `exhibit-<id>` is that exhibit's title, `lang-<code>`
 * the language's own name, a card, chart, district or poll option its title in the pack.
 * NULL when none is known. */
static const char *item_title(const hall_report *r, const char *exhibit, const char *target, hall_lang lang)
{
	hall_lang l;
	if (strncmp(target, "exhibit-", 8) == 0 && target[8])
		return exhibit_title(r, target + 8, lang);
	if (strncmp(target, "lang-", 5) == 0 && hall_lang_from_code(target + 5, &l) == 0)
		return hall_lang_native_name(l);
	return title_of(r, 'I', exhibit, target, lang);
}

/* "Title (id)" when the pack names it, else the id. */
static const char *with_id(char *buf, size_t len, const char *title, const char *id)
{
	if (!title || !*title || strcmp(title, id) == 0)
		return id;
	snprintf(buf, len, "%s (%s)", title, id);
	return buf;
}

/* Events of the attract loop and the home screen carry no exhibit id: name that row.
 * Other rows: the exhibit's title in the report's language with its id, or the id. */
static const char *exhibit_label_r(const hall_report *r, char *buf, size_t len, const char *id, hall_lang lang)
{
	if (!id[0])
		return L(lang, L_OUTSIDE);
	return with_id(buf, len, exhibit_title(r, id, lang), id);
}

static const char *item_label(const hall_report *r, char *buf, size_t len, const char *exhibit, const char *target,
                              hall_lang lang)
{
	return with_id(buf, len, item_title(r, exhibit, target, lang), target);
}

/* ------------------------------------------------------------------ display width */

/* Terminal cells of one code point: East Asian Wide and Fullwidth take 2 (UAX #11),
 * combining marks and zero-width characters none, everything else 1. */
static int cp_cells(uint32_t c)
{
	if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || c == 0xFEFF ||
	    (c >= 0xFE00 && c <= 0xFE0F))
		return 0;
	if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
	    (c >= 0xA960 && c <= 0xA97F) || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	    (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF60) ||
	    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
	    (c >= 0x20000 && c <= 0x3FFFD))
		return 2;
	return 1;
}

/* Display cells of a UTF-8 string (a bad byte counts as one cell). */
static size_t text_cells(const char *s)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t c = *p;
		int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		int ok = 1;
		for (int i = 1; i <= extra; i++)
			if ((p[i] & 0xC0) != 0x80)
				ok = 0;
		if (!ok || c >= 0xF8 || (c >= 0x80 && c < 0xC0)) {
			n++;
			p++;
			continue;
		}
		if (extra)
			c &= 0x3F >> extra;
		for (int i = 1; i <= extra; i++)
			c = (c << 6) | (p[i] & 0x3F);
		n += (size_t)cp_cells(c);
		p += 1 + extra;
	}
	return n;
}

/* s left-aligned in `width` cells (right-aligned when `right`); wider text is kept whole. */
static void put_cell(hall_strbuf *b, const char *s, size_t width, int right)
{
	size_t w = text_cells(s);
	if (!right)
		hall_strbuf_puts(b, s);
	for (; w < width; w++)
		hall_strbuf_puts(b, " ");
	if (right)
		hall_strbuf_puts(b, s);
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

/* The dwell figures, or "-" when no session of the period has ended yet (a zero would
 * read as "visitors stayed no time at all"). */
static void fmt_dwell(const hall_report *r, char *med, char *p90, size_t len);

static void fmt_duration(char *out, size_t len, int64_t ms)
{
	int64_t s = (ms + 500) / 1000;
	if (s >= 3600)
		snprintf(out, len, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(out, len, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(out, len, "%llds", (long long)s);
}

static void fmt_dwell(const hall_report *r, char *med, char *p90, size_t len)
{
	if (r->n_dwell == 0) {
		snprintf(med, len, "-");
		snprintf(p90, len, "-");
		return;
	}
	fmt_duration(med, len, r->dwell_median);
	fmt_duration(p90, len, r->dwell_p90);
}

static void fmt_dwellv(const dwellv *d, char *out, size_t len)
{
	if (!d->n) {
		snprintf(out, len, "-");
		return;
	}
	char a[24], b[24]; /* "123456h 59m": fits, and both fit a 64-byte out */
	fmt_duration(a, sizeof a, d->median);
	fmt_duration(b, sizeof b, d->p90);
	snprintf(out, len, "%s / %s", a, b);
}

static void fmt_local(const hall_report *r, char *out, size_t len, int64_t ms)
{
	hall_civil c;
	if (hall_clock_to_civil(ms, r->tz, &c) != 0) {
		snprintf(out, len, "%lld", (long long)ms);
		return;
	}
	snprintf(out, len, "%04d-%02d-%02d %02d:%02d", c.year, c.month, c.day, c.hour, c.minute);
}

/* The content versions a kiosk showed in the period, for people: "v3 (before the period),
 * v4 from 14:05" ("v3 (기간 이전부터), v4 (14:05부터)"); the date is given too when the
 * period has more than one day. "none" when no applied content ack is known. */
static void fmt_shown(const hall_report *r, const kiosk_stat *k, hall_lang lang, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	if (!k->n_shown) {
		snprintf(out, len, "%s", L(lang, L_NONE));
		return;
	}
	for (size_t j = 0; j < k->n_shown && used < len; j++) {
		const version_shown *v = &k->shown[j];
		char when[32], part[96];
		fmt_local(r, when, sizeof when, v->applied_ms);
		const char *t = r->n_days > 1 || strlen(when) != 16 ? when : when + 11;
		if (v->before_period)
			snprintf(part, sizeof part, "v%lld (%s)", (long long)v->version, L(lang, L_BEFORE));
		else if (lang == HALL_LANG_KO)
			snprintf(part, sizeof part, "v%lld (%s부터)", (long long)v->version, t);
		else
			snprintf(part, sizeof part, "v%lld from %s", (long long)v->version, t);
		int n = snprintf(out + used, len - used, "%s%s", j ? ", " : "", part);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static double uptime_pct(const kiosk_stat *k)
{
	return k->open_ms > 0 ? 100.0 * (double)k->online_ms / (double)k->open_ms : 0.0;
}

static const char *lang_name(hall_lang ui, size_t i)
{
	return i < HALL_LANG_COUNT ? hall_lang_native_name((hall_lang)i) : L(ui, L_UNKNOWN);
}

/* ------------------------------------------------------------------ JSON */

static void json_num(cJSON *o, const char *k, double v)
{
	cJSON_AddNumberToObject(o, k, v);
}

/* dwell_median_ms, dwell_p90_ms and dwell_n; the first two null when there is no sample. */
static void json_dwell(cJSON *o, const dwellv *d)
{
	if (d->n) {
		json_num(o, "dwell_median_ms", (double)d->median);
		json_num(o, "dwell_p90_ms", (double)d->p90);
	} else {
		cJSON_AddNullToObject(o, "dwell_median_ms");
		cJSON_AddNullToObject(o, "dwell_p90_ms");
	}
	json_num(o, "dwell_n", (double)d->n);
}

static char *render_json(const hall_report *r, hall_lang lang, size_t *len)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	char buf[64];
	cJSON_AddStringToObject(root, "from", r->from_day);
	cJSON_AddStringToObject(root, "to", r->to_day);
	cJSON_AddStringToObject(root, "time_zone", r->tz);
	json_num(root, "generated", (double)r->generated_ms);
	cJSON_AddBoolToObject(root, "complete", hall_report_is_complete(r));
	{
		char line[512];
		fmt_completeness(r, HALL_LANG_EN, line, sizeof line);
		cJSON_AddStringToObject(root, "completeness", line);
	}
	if (r->n_days_daily) {
		cJSON *rg = cJSON_AddObjectToObject(root, "raw_events_removed");
		if (r->retention_days > 0)
			json_num(rg, "retention_days", r->retention_days);
		else
			cJSON_AddNullToObject(rg, "retention_days");
		cJSON *dl = cJSON_AddArrayToObject(rg, "days");
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i].from_daily)
				cJSON_AddItemToArray(dl, cJSON_CreateString(r->days[i].day));
	}
	cJSON_AddStringToObject(root, "opening_hours", r->has_opening ? "schedule" : "whole-day");
	cJSON *t = cJSON_AddObjectToObject(root, "totals");
	json_num(t, "sessions", (double)r->sessions);
	json_num(t, "taps", (double)r->taps);
	json_num(t, "views", (double)r->views);
	json_num(t, "events", (double)r->events);
	json_num(t, "votes", (double)r->votes);
	json_num(t, "help", (double)r->help);
	json_num(t, "language_changes", (double)r->language_changes);
	json_num(t, "dwell_median_ms", (double)r->dwell_median);
	json_num(t, "dwell_p90_ms", (double)r->dwell_p90);
	json_num(t, "sessions_with_dwell", (double)r->n_dwell);
	json_num(t, "rejected_events_all_time", (double)r->rejected_total);

	cJSON *ks = cJSON_AddArrayToObject(root, "kiosks");
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const kiosk_stat *k = &r->kiosks[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(ks, o);
		cJSON_AddStringToObject(o, "id", k->id);
		cJSON_AddStringToObject(o, "group", k->group);
		json_num(o, "events", (double)k->events);
		if (k->raw_events) {
			json_num(o, "seq_min", (double)k->seq_min);
			json_num(o, "seq_max", (double)k->seq_max);
		} else {
			cJSON_AddNullToObject(o, "seq_min");
			cJSON_AddNullToObject(o, "seq_max");
		}
		json_num(o, "seq_announced", (double)k->announced);
		json_num(o, "missing", (double)k->missing);
		cJSON_AddBoolToObject(o, "expected", k->expected);
		cJSON_AddBoolToObject(o, "never_seen", k->never_seen);
		json_num(o, "unrecorded", (double)k->unrecorded);
		json_dwell(o, &k->dwell);
		json_num(o, "sessions", (double)k->sessions);
		json_num(o, "taps", (double)k->taps);
		json_num(o, "help", (double)k->help);
		json_num(o, "content_version", (double)k->content_version);
		cJSON *vs = cJSON_AddArrayToObject(o, "versions_shown");
		for (size_t j = 0; j < k->n_shown; j++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddItemToArray(vs, x);
			json_num(x, "version", (double)k->shown[j].version);
			json_num(x, "applied_ms", (double)k->shown[j].applied_ms);
			fmt_local(r, buf, sizeof buf, k->shown[j].applied_ms);
			cJSON_AddStringToObject(x, "applied_local", buf);
			cJSON_AddBoolToObject(x, "before_period", k->shown[j].before_period);
		}
		json_num(o, "open_ms", (double)k->open_ms);
		json_num(o, "online_ms", (double)k->online_ms);
		json_num(o, "uptime_pct", round(uptime_pct(k) * 10) / 10);
		cJSON *outs = cJSON_AddArrayToObject(o, "outages");
		for (size_t j = 0; j < k->n_outages; j++) {
			cJSON *x = cJSON_CreateObject();
			cJSON_AddItemToArray(outs, x);
			json_num(x, "from", (double)k->outages[j].from);
			json_num(x, "to", (double)k->outages[j].to);
			fmt_local(r, buf, sizeof buf, k->outages[j].from);
			cJSON_AddStringToObject(x, "from_local", buf);
			fmt_local(r, buf, sizeof buf, k->outages[j].to);
			cJSON_AddStringToObject(x, "to_local", buf);
		}
	}
	cJSON *ex = cJSON_AddArrayToObject(root, "exhibits");
	for (size_t i = 0; i < r->n_exhibits; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(ex, o);
		cJSON_AddStringToObject(o, "id", r->exhibits[i].id);
		/* the title in the report's language from the pack shown; the id when none is known */
		const char *ext = exhibit_title(r, r->exhibits[i].id, lang);
		cJSON_AddStringToObject(o, "title", ext ? ext : r->exhibits[i].id[0] ? r->exhibits[i].id : L(lang, L_OUTSIDE));
		json_num(o, "views", (double)r->exhibits[i].views);
		json_num(o, "taps", (double)r->exhibits[i].taps);
		json_dwell(o, &r->exhibits[i].dwell);
	}
	cJSON *it = cJSON_AddArrayToObject(root, "items");
	for (size_t i = 0; i < r->n_items; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(it, o);
		cJSON_AddStringToObject(o, "exhibit", r->items[i].exhibit);
		cJSON_AddStringToObject(o, "target", r->items[i].target);
		const char *et = exhibit_title(r, r->items[i].exhibit, lang);
		cJSON_AddStringToObject(o, "exhibit_title",
		                        et ? et : r->items[i].exhibit[0] ? r->items[i].exhibit : L(lang, L_OUTSIDE));
		const char *itt = item_title(r, r->items[i].exhibit, r->items[i].target, lang);
		cJSON_AddStringToObject(o, "title", itt ? itt : r->items[i].target);
		json_num(o, "taps", (double)r->items[i].taps);
		json_num(o, "views", (double)r->items[i].views);
		json_dwell(o, &r->items[i].dwell);
	}
	cJSON *hours = cJSON_AddArrayToObject(root, "hours");
	for (int h = 0; h < 24; h++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(hours, o);
		json_num(o, "hour", h);
		json_num(o, "sessions", (double)r->hours_sessions[h]);
		json_num(o, "taps", (double)r->hours_taps[h]);
	}
	cJSON *langs = cJSON_AddArrayToObject(root, "languages");
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++) {
		if (!r->lang_views[i] && i == HALL_LANG_COUNT)
			continue;
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(langs, o);
		cJSON_AddStringToObject(o, "lang", i < HALL_LANG_COUNT ? hall_lang_code((hall_lang)i) : "");
		json_num(o, "views", (double)r->lang_views[i]);
	}
	cJSON *modes = cJSON_AddArrayToObject(root, "modes");
	for (size_t i = 0; i < r->n_modes; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(modes, o);
		cJSON_AddStringToObject(o, "mode", r->modes[i].name);
		json_num(o, "count", (double)r->modes[i].count);
	}
	cJSON *polls = cJSON_AddArrayToObject(root, "polls");
	cJSON *cur = NULL, *opts = NULL;
	int64_t total = 0;
	for (size_t i = 0; i < r->n_polls; i++) {
		if (!cur || strcmp(r->polls[i].poll, r->polls[i - 1].poll) != 0) {
			if (cur)
				json_num(cur, "total", (double)total);
			cur = cJSON_CreateObject();
			cJSON_AddItemToArray(polls, cur);
			cJSON_AddStringToObject(cur, "poll", r->polls[i].poll);
			const char *q = title_of(r, 'P', r->polls[i].poll, "", lang);
			cJSON_AddStringToObject(cur, "title", q ? q : r->polls[i].poll);
			opts = cJSON_AddArrayToObject(cur, "options");
			total = 0;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(opts, o);
		cJSON_AddStringToObject(o, "id", r->polls[i].option);
		const char *ot = title_of(r, 'P', r->polls[i].poll, r->polls[i].option, lang);
		cJSON_AddStringToObject(o, "title", ot ? ot : r->polls[i].option);
		json_num(o, "votes", (double)r->polls[i].votes);
		total += r->polls[i].votes;
	}
	if (cur)
		json_num(cur, "total", (double)total);
	cJSON *ch = cJSON_AddArrayToObject(root, "content");
	for (size_t i = 0; i < r->n_changes; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(ch, o);
		json_num(o, "ts", (double)r->changes[i].ts);
		json_num(o, "version", (double)r->changes[i].version);
		cJSON_AddStringToObject(o, "action", r->changes[i].action);
		cJSON_AddStringToObject(o, "target", r->changes[i].target);
		cJSON_AddStringToObject(o, "user", r->changes[i].user);
	}
	cJSON *days = cJSON_AddArrayToObject(root, "days");
	for (size_t i = 0; i < r->n_days; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(days, o);
		cJSON_AddStringToObject(o, "day", r->days[i].day);
		json_num(o, "sessions", (double)r->days[i].sessions);
		json_num(o, "taps", (double)r->days[i].taps);
		json_num(o, "views", (double)r->days[i].views);
		json_num(o, "events", (double)r->days[i].events);
		cJSON_AddStringToObject(o, "source", r->days[i].from_daily ? "daily_aggregates" : "raw_events");
	}
	char *s = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *withnl = realloc(s, n + 2);
	if (!withnl) {
		free(s);
		return NULL;
	}
	withnl[n] = '\n';
	withnl[n + 1] = '\0';
	*len = n + 1;
	return withnl;
}

/* ------------------------------------------------------------------ text */

static void render_text(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char d1[32], d2[32], x[64];
	hall_strbuf_printf(b, "%s\n%s: %s .. %s (%s %s)\n", L(lang, L_TITLE), L(lang, L_PERIOD), r->from_day, r->to_day,
	                   L(lang, L_TZ), r->tz);
	fmt_local(r, d1, sizeof d1, r->generated_ms);
	hall_strbuf_printf(b, "%s: %s\n", L(lang, L_GENERATED), d1);
	{
		char line[512];
		fmt_completeness(r, lang, line, sizeof line);
		hall_strbuf_printf(b, "** %s **\n\n", line);
	}
	fmt_dwell(r, d1, d2, sizeof d1);
	{
		/* labels padded by display cells (Korean syllables take two), so values line up */
		char v[8][32];
		const label ls[8] = {L_SESSIONS, L_TAPS, L_VIEWS, L_DWELL_MEDIAN, L_DWELL_P90, L_VOTES, L_HELP, L_REJECTED};
		snprintf(v[0], sizeof v[0], "%lld", (long long)r->sessions);
		snprintf(v[1], sizeof v[1], "%lld", (long long)r->taps);
		snprintf(v[2], sizeof v[2], "%lld", (long long)r->views);
		snprintf(v[3], sizeof v[3], "%s", d1);
		snprintf(v[4], sizeof v[4], "%s", d2);
		snprintf(v[5], sizeof v[5], "%lld", (long long)r->votes);
		snprintf(v[6], sizeof v[6], "%lld", (long long)r->help);
		snprintf(v[7], sizeof v[7], "%lld", (long long)r->rejected_total);
		for (size_t i = 0; i < 8; i++) {
			put_cell(b, L(lang, ls[i]), 28, 0);
			hall_strbuf_printf(b, " %s\n", v[i]);
		}
		hall_strbuf_puts(b, "\n");
	}
	if (r->events == 0)
		hall_strbuf_printf(b, "%s\n\n", L(lang, L_NO_DATA));

	hall_strbuf_printf(b, "== %s\n", L(lang, L_KIOSKS));
	put_cell(b, L(lang, L_KIOSK), 20, 0);
	hall_strbuf_printf(b, " %8s %8s %8s %8s %8s %8s %8s  %s\n",
	                   "events", "seq_min", "seq_max", "missing", "sess", "taps", "uptime", "dwell med / p90");
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const kiosk_stat *k = &r->kiosks[i];
		char smin[24] = "-", smax[24] = "-", dw[64];
		if (k->raw_events) {
			snprintf(smin, sizeof smin, "%lld", (long long)k->seq_min);
			snprintf(smax, sizeof smax, "%lld", (long long)k->seq_max);
		}
		fmt_dwellv(&k->dwell, dw, sizeof dw);
		snprintf(x, sizeof x, "%.1f%%", uptime_pct(k));
		put_cell(b, k->id, 20, 0);
		hall_strbuf_printf(b, " %8lld %8s %8s %8lld %8lld %8lld %8s  %s\n", (long long)k->events, smin,
		                   smax, (long long)k->missing, (long long)k->sessions, (long long)k->taps,
		                   k->open_ms ? x : "-", dw);
		if (k->never_seen)
			hall_strbuf_printf(b, "    ! %s\n", L(lang, L_NEVER_SEEN));
		{
			char vs[512];
			fmt_shown(r, k, lang, vs, sizeof vs);
			hall_strbuf_printf(b, "    %s: %s\n", L(lang, L_SHOWN), vs);
		}
		for (size_t j = 0; j < k->n_outages; j++) {
			fmt_local(r, d1, sizeof d1, k->outages[j].from);
			fmt_local(r, d2, sizeof d2, k->outages[j].to);
			fmt_duration(x, sizeof x, k->outages[j].to - k->outages[j].from);
			hall_strbuf_printf(b, "    %s: %s .. %s (%s)\n", L(lang, L_OUTAGES), d1, d2, x);
		}
	}
	/* Exhibits and items: columns as wide as their widest cell, counted in display cells. */
	char lb[2 * HALL_STR_BUF + 300], lb2[HALL_STR_BUF + 300];
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_EXHIBITS));
	if (r->n_exhibits) {
		size_t w0 = text_cells(L(lang, L_EXHIBIT)), w1 = max_sz(text_cells(L(lang, L_VIEWS)), 6),
		       w2 = max_sz(text_cells(L(lang, L_TAPS)), 6);
		for (size_t i = 0; i < r->n_exhibits; i++)
			w0 = max_sz(w0, text_cells(exhibit_label_r(r, lb, sizeof lb, r->exhibits[i].id, lang)));
		put_cell(b, L(lang, L_EXHIBIT), w0, 0);
		hall_strbuf_puts(b, "  ");
		put_cell(b, L(lang, L_VIEWS), w1, 1);
		hall_strbuf_puts(b, "  ");
		put_cell(b, L(lang, L_TAPS), w2, 1);
		hall_strbuf_printf(b, "  %s\n", L(lang, L_DWELL));
		for (size_t i = 0; i < r->n_exhibits; i++) {
			char nv[24], nt[24];
			fmt_dwellv(&r->exhibits[i].dwell, x, sizeof x);
			snprintf(nv, sizeof nv, "%lld", (long long)r->exhibits[i].views);
			snprintf(nt, sizeof nt, "%lld", (long long)r->exhibits[i].taps);
			put_cell(b, exhibit_label_r(r, lb, sizeof lb, r->exhibits[i].id, lang), w0, 0);
			hall_strbuf_puts(b, "  ");
			put_cell(b, nv, w1, 1);
			hall_strbuf_puts(b, "  ");
			put_cell(b, nt, w2, 1);
			hall_strbuf_printf(b, "  %s\n", x);
		}
	}
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_ITEMS));
	size_t n_items = r->n_items < 30 ? r->n_items : 30;
	if (n_items) {
		size_t w0 = text_cells(L(lang, L_EXHIBIT)), w1 = text_cells(L(lang, L_ITEM)),
		       w2 = max_sz(text_cells(L(lang, L_TAPS)), 6), w3 = max_sz(text_cells(L(lang, L_VIEWS)), 6);
		for (size_t i = 0; i < n_items; i++) {
			w0 = max_sz(w0, text_cells(exhibit_label_r(r, lb, sizeof lb, r->items[i].exhibit, lang)));
			w1 = max_sz(w1, text_cells(item_label(r, lb2, sizeof lb2, r->items[i].exhibit, r->items[i].target, lang)));
		}
		put_cell(b, L(lang, L_EXHIBIT), w0, 0);
		hall_strbuf_puts(b, "  ");
		put_cell(b, L(lang, L_ITEM), w1, 0);
		hall_strbuf_puts(b, "  ");
		put_cell(b, L(lang, L_TAPS), w2, 1);
		hall_strbuf_puts(b, "  ");
		put_cell(b, L(lang, L_VIEWS), w3, 1);
		hall_strbuf_printf(b, "  %s\n", L(lang, L_DWELL));
		for (size_t i = 0; i < n_items; i++) {
			char nt[24], nv[24];
			fmt_dwellv(&r->items[i].dwell, x, sizeof x);
			snprintf(nt, sizeof nt, "%lld", (long long)r->items[i].taps);
			snprintf(nv, sizeof nv, "%lld", (long long)r->items[i].views);
			put_cell(b, exhibit_label_r(r, lb, sizeof lb, r->items[i].exhibit, lang), w0, 0);
			hall_strbuf_puts(b, "  ");
			put_cell(b, item_label(r, lb2, sizeof lb2, r->items[i].exhibit, r->items[i].target, lang), w1, 0);
			hall_strbuf_puts(b, "  ");
			put_cell(b, nt, w2, 1);
			hall_strbuf_puts(b, "  ");
			put_cell(b, nv, w3, 1);
			hall_strbuf_printf(b, "  %s\n", x);
		}
	}
	hall_strbuf_printf(b, "\n== %s (%s / %s)\n", L(lang, L_HOURS), L(lang, L_SESSIONS), L(lang, L_TAPS));
	for (int h = 0; h < 24; h++)
		if (r->hours_sessions[h] || r->hours_taps[h])
			hall_strbuf_printf(b, "%02d  %6lld %6lld\n", h, (long long)r->hours_sessions[h],
			                   (long long)r->hours_taps[h]);
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_LANGUAGES));
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		if (r->lang_views[i])
		{
			put_cell(b, lang_name(lang, i), 12, 0);
			hall_strbuf_printf(b, " %lld\n", (long long)r->lang_views[i]);
		}
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_MODES));
	for (size_t i = 0; i < r->n_modes; i++)
	{
		put_cell(b, r->modes[i].name, 20, 0);
		hall_strbuf_printf(b, " %lld\n", (long long)r->modes[i].count);
	}
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_POLLS));
	for (size_t i = 0; i < r->n_polls; i++)
	{
		put_cell(b, r->polls[i].poll, 20, 0);
		hall_strbuf_puts(b, " ");
		put_cell(b, with_id(lb, sizeof lb, title_of(r, 'P', r->polls[i].poll, r->polls[i].option, lang),
		                    r->polls[i].option), 20, 0);
		hall_strbuf_printf(b, " %lld\n", (long long)r->polls[i].votes);
	}
	hall_strbuf_printf(b, "\n== %s\n", L(lang, L_CONTENT));
	for (size_t i = 0; i < r->n_changes; i++) {
		fmt_local(r, d1, sizeof d1, r->changes[i].ts);
		hall_strbuf_printf(b, "%s  v%lld  %s  %s  %s\n", d1, (long long)r->changes[i].version, r->changes[i].action,
		                   r->changes[i].target, r->changes[i].user);
	}
	if (r->n_days > 1) {
		hall_strbuf_printf(b, "\n== %s\n", L(lang, L_TREND));
		for (size_t i = 0; i < r->n_days; i++)
			hall_strbuf_printf(b, "%s  %s %-6lld %s %lld\n", r->days[i].day, L(lang, L_SESSIONS),
			                   (long long)r->days[i].sessions, L(lang, L_TAPS), (long long)r->days[i].taps);
	}
}

/* ------------------------------------------------------------------ CSV */

/* Long format: one row per figure, so a spreadsheet can pivot it as it likes. */
/* The last two columns name the exhibit and the item in the report's language (from the
 * pack the kiosks were told to show; the id when no pack names them, empty for rows that
 * are not about an exhibit). */
static void csv_row_t(hall_strbuf *b, const char *section, const char *day, const char *kiosk, const char *exhibit,
                      const char *item, const char *metric, long long value, const char *ex_title,
                      const char *item_title_s)
{
	const char *f[] = {section, day, kiosk, exhibit, item, metric};
	for (size_t i = 0; i < 6; i++) {
		hall_strbuf_csv(b, f[i] ? f[i] : "");
		hall_strbuf_puts(b, ",");
	}
	hall_strbuf_printf(b, "%lld,", value);
	hall_strbuf_csv(b, ex_title ? ex_title : "");
	hall_strbuf_puts(b, ",");
	hall_strbuf_csv(b, item_title_s ? item_title_s : "");
	hall_strbuf_puts(b, "\r\n");
}

static void csv_row(hall_strbuf *b, const char *section, const char *day, const char *kiosk, const char *exhibit,
                    const char *item, const char *metric, long long value)
{
	csv_row_t(b, section, day, kiosk, exhibit, item, metric, value, "", "");
}

/* dwell_median_ms and dwell_p90_ms rows of a kiosk, exhibit or item with dwell samples. */
static void csv_dwell(hall_strbuf *b, const char *period, const char *kiosk, const char *exhibit, const char *item,
                      const dwellv *d, const char *ex_title, const char *item_title_s)
{
	if (!d->n)
		return;
	const char *section = kiosk[0] ? "kiosk" : item[0] ? "item" : "exhibit";
	csv_row_t(b, section, period, kiosk, exhibit, item, "dwell_median_ms", d->median, ex_title, item_title_s);
	csv_row_t(b, section, period, kiosk, exhibit, item, "dwell_p90_ms", d->p90, ex_title, item_title_s);
}

static void render_csv(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char period[32], x[16];
	snprintf(period, sizeof period, "%s..%s", r->from_day, r->to_day);
	hall_strbuf_puts(b, "\xEF\xBB\xBF"); /* BOM: spreadsheets then read the Korean as UTF-8 */
	hall_strbuf_puts(b, "section,day,kiosk,exhibit,item,metric,value,exhibit_title,item_title\r\n");
	csv_row(b, "totals", period, "", "", "", "complete", hall_report_is_complete(r));
	if (r->n_days_daily) {
		/* the days whose raw events are gone: counted from the daily aggregates */
		csv_row(b, "totals", period, "", "", "", "raw_retention_days", r->retention_days);
		for (size_t i = 0; i < r->n_days; i++)
			if (r->days[i].from_daily)
				csv_row(b, "day", r->days[i].day, "", "", "", "raw_events_removed", 1);
	}
	csv_row(b, "totals", period, "", "", "", "sessions", r->sessions);
	csv_row(b, "totals", period, "", "", "", "taps", r->taps);
	csv_row(b, "totals", period, "", "", "", "views", r->views);
	csv_row(b, "totals", period, "", "", "", "events", r->events);
	csv_row(b, "totals", period, "", "", "", "dwell_median_ms", r->dwell_median);
	csv_row(b, "totals", period, "", "", "", "dwell_p90_ms", r->dwell_p90);
	csv_row(b, "totals", period, "", "", "", "votes", r->votes);
	csv_row(b, "totals", period, "", "", "", "help", r->help);
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const kiosk_stat *k = &r->kiosks[i];
		csv_row(b, "kiosk", period, k->id, "", "", "events", k->events);
		if (k->raw_events) { /* no row: no seq received in the period */
			csv_row(b, "kiosk", period, k->id, "", "", "seq_min", k->seq_min);
			csv_row(b, "kiosk", period, k->id, "", "", "seq_max", k->seq_max);
		}
		csv_row(b, "kiosk", period, k->id, "", "", "missing", k->missing);
		if (k->never_seen)
			csv_row(b, "kiosk", period, k->id, "", "", "never_seen", 1);
		if (k->unrecorded)
			csv_row(b, "kiosk", period, k->id, "", "", "unrecorded", k->unrecorded);
		csv_dwell(b, period, k->id, "", "", &k->dwell, "", "");
		csv_row(b, "kiosk", period, k->id, "", "", "sessions", k->sessions);
		csv_row(b, "kiosk", period, k->id, "", "", "taps", k->taps);
		csv_row(b, "kiosk", period, k->id, "", "", "open_s", k->open_ms / 1000);
		csv_row(b, "kiosk", period, k->id, "", "", "online_s", k->online_ms / 1000);
		for (size_t j = 0; j < k->n_shown; j++) {
			/* the day column holds when it was applied; item: before the period or in it */
			char when[32];
			fmt_local(r, when, sizeof when, k->shown[j].applied_ms);
			csv_row(b, "version_shown", when, k->id, "", k->shown[j].before_period ? "before_period" : "applied",
			        "version", k->shown[j].version);
		}
		for (size_t j = 0; j < k->n_outages; j++) {
			char from[32], to[32];
			fmt_local(r, from, sizeof from, k->outages[j].from);
			fmt_local(r, to, sizeof to, k->outages[j].to);
			char span_s[80];
			snprintf(span_s, sizeof span_s, "%s..%s", from, to);
			csv_row(b, "outage", period, k->id, "", span_s, "seconds",
			        (k->outages[j].to - k->outages[j].from) / 1000);
		}
	}
	for (size_t i = 0; i < r->n_exhibits; i++) {
		const char *et = exhibit_title(r, r->exhibits[i].id, lang);
		if (!et)
			et = r->exhibits[i].id[0] ? r->exhibits[i].id : L(lang, L_OUTSIDE);
		csv_row_t(b, "exhibit", period, "", r->exhibits[i].id, "", "views", r->exhibits[i].views, et, "");
		csv_row_t(b, "exhibit", period, "", r->exhibits[i].id, "", "taps", r->exhibits[i].taps, et, "");
		csv_dwell(b, period, "", r->exhibits[i].id, "", &r->exhibits[i].dwell, et, "");
	}
	for (size_t i = 0; i < r->n_items; i++) {
		const item_stat *is = &r->items[i];
		const char *et = exhibit_title(r, is->exhibit, lang), *it = item_title(r, is->exhibit, is->target, lang);
		if (!et)
			et = is->exhibit[0] ? is->exhibit : L(lang, L_OUTSIDE);
		if (!it)
			it = is->target;
		csv_row_t(b, "item", period, "", is->exhibit, is->target, "taps", is->taps, et, it);
		csv_row_t(b, "item", period, "", is->exhibit, is->target, "views", is->views, et, it);
		csv_dwell(b, period, "", is->exhibit, is->target, &is->dwell, et, it);
	}
	for (int h = 0; h < 24; h++) {
		snprintf(x, sizeof x, "%02d", h);
		csv_row(b, "hour", period, "", "", x, "sessions", r->hours_sessions[h]);
		csv_row(b, "hour", period, "", "", x, "taps", r->hours_taps[h]);
	}
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		if (r->lang_views[i] || i < HALL_LANG_COUNT)
			csv_row(b, "language", period, "", "", i < HALL_LANG_COUNT ? hall_lang_code((hall_lang)i) : "unknown",
			        "views", r->lang_views[i]);
	for (size_t i = 0; i < r->n_modes; i++)
		csv_row(b, "mode", period, "", "", r->modes[i].name, "count", r->modes[i].count);
	for (size_t i = 0; i < r->n_polls; i++)
	{
		const char *q = title_of(r, 'P', r->polls[i].poll, "", lang),
		           *o = title_of(r, 'P', r->polls[i].poll, r->polls[i].option, lang);
		csv_row_t(b, "poll", period, "", r->polls[i].poll, r->polls[i].option, "votes", r->polls[i].votes,
		          q ? q : r->polls[i].poll, o ? o : r->polls[i].option);
	}
	for (size_t i = 0; i < r->n_changes; i++) {
		char when[32];
		fmt_local(r, when, sizeof when, r->changes[i].ts);
		csv_row(b, "content", when, "", r->changes[i].target, r->changes[i].action, "version", r->changes[i].version);
	}
	for (size_t i = 0; i < r->n_days; i++) {
		csv_row(b, "day", r->days[i].day, "", "", "", "sessions", r->days[i].sessions);
		csv_row(b, "day", r->days[i].day, "", "", "", "taps", r->days[i].taps);
	}
}

/* ------------------------------------------------------------------ HTML */

/* A horizontal bar chart: labels left, bars with their value written beside them, so the
 * numbers read without colour and on paper. */
static void svg_hbars(hall_strbuf *b, const char *title, const char *const *names, const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int row = 30, h = (int)n * row + 10, w = 640, lw = 200, bw = 360;
	hall_strbuf_printf(b, "<svg role=\"img\" aria-label=\"");
	hall_strbuf_html(b, title);
	hall_strbuf_printf(b, "\" viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\">", w, h < 40 ? 40 : h, w);
	for (size_t i = 0; i < n; i++) {
		int y = 5 + (int)i * row;
		int len = (int)((double)bw * (double)values[i] / (double)max);
		hall_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"l\">", lw - 8, y + 19);
		hall_strbuf_html(b, names[i][0] ? names[i] : "-");
		hall_strbuf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"22\" class=\"bar\"/>", lw, y + 2,
		                   len < 1 && values[i] ? 1 : len);
		hall_strbuf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"v\">%lld</text>", lw + len + 6, y + 19,
		                   (long long)values[i]);
	}
	hall_strbuf_puts(b, "</svg>");
}

/* Vertical bars over 24 hours or over days. */
static void svg_columns(hall_strbuf *b, const char *title, const char *const *names, const int64_t *values, size_t n)
{
	int64_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int w = 720, h = 220, top = 20, bottom = 40, left = 10;
	double cw = (double)(w - 2 * left) / (double)(n ? n : 1);
	hall_strbuf_puts(b, "<svg role=\"img\" aria-label=\"");
	hall_strbuf_html(b, title);
	hall_strbuf_printf(b, "\" viewBox=\"0 0 %d %d\" width=\"100%%\" style=\"max-width:%dpx\">", w, h, w);
	hall_strbuf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", left, h - bottom, w - left,
	                   h - bottom);
	for (size_t i = 0; i < n; i++) {
		double bh = (double)(h - top - bottom) * (double)values[i] / (double)max;
		double x = left + cw * (double)i;
		hall_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\"/>", x + 2,
		                   (double)(h - bottom) - bh, cw - 4, bh);
		if (values[i])
			hall_strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"v s\">%lld</text>",
			                   x + cw / 2, (double)(h - bottom) - bh - 4, (long long)values[i]);
		hall_strbuf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"l s\">", x + cw / 2,
		                   h - bottom + 16);
		hall_strbuf_html(b, names[i]);
		hall_strbuf_puts(b, "</text>");
	}
	hall_strbuf_puts(b, "</svg>");
}

static void html_th(hall_strbuf *b, const char *s)
{
	hall_strbuf_puts(b, "<th>");
	hall_strbuf_html(b, s);
	hall_strbuf_puts(b, "</th>");
}

static void html_td(hall_strbuf *b, const char *s)
{
	hall_strbuf_puts(b, "<td>");
	hall_strbuf_html(b, s);
	hall_strbuf_puts(b, "</td>");
}

static void html_tdn(hall_strbuf *b, long long v)
{
	hall_strbuf_printf(b, "<td class=\"n\">%lld</td>", v);
}

/* Open a table: an optional <h2> title (title < 0: none), then the header row. */
static void html_table(hall_strbuf *b, hall_lang lang, int title, const char *id, const label *heads, size_t n)
{
	if (title >= 0) {
		hall_strbuf_puts(b, "<h2>");
		hall_strbuf_html(b, L(lang, (label)title));
		hall_strbuf_puts(b, "</h2>");
	}
	hall_strbuf_printf(b, "<table id=\"%s\"><tr>", id);
	for (size_t i = 0; i < n; i++)
		html_th(b, L(lang, heads[i]));
	hall_strbuf_puts(b, "</tr>");
}

/* Close a table; an empty one gets one row saying "none". */
static void html_table_end(hall_strbuf *b, hall_lang lang, size_t rows, size_t cols)
{
	if (rows == 0)
		hall_strbuf_printf(b, "<tr><td colspan=\"%zu\">%s</td></tr>", cols, L(lang, L_NONE));
	hall_strbuf_puts(b, "</table>");
}

#define HEADS(...) (const label[]){__VA_ARGS__}, sizeof((const label[]){__VA_ARGS__}) / sizeof(label)

static void render_html(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char d1[32], d2[32], x[64], lb[2 * HALL_STR_BUF + 300], lb2[HALL_STR_BUF + 300];
	int complete = hall_report_is_complete(r);
	char statement[512];
	fmt_completeness(r, lang, statement, sizeof statement);
	hall_strbuf_printf(b, "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\">"
	                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
	                   lang == HALL_LANG_KO ? "ko" : "en");
	hall_strbuf_html(b, L(lang, L_TITLE));
	hall_strbuf_printf(b, " %s</title><style>"
	                      "body{font-family:'Noto Sans CJK KR','Noto Sans KR',sans-serif;color:#111;background:#fff;"
	                      "margin:24px auto;max-width:960px;padding:0 16px;line-height:1.45;word-break:keep-all;"
	                      "overflow-wrap:break-word}"
	                      "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #111;"
	                      "padding-bottom:3px;margin-top:28px}"
	                      ".meta{color:#333}.status{font-weight:700;font-size:18px;padding:10px 14px;margin:14px 0;"
	                      "border:3px solid #111}.ok{background:#e8f4ea}.bad{background:#fde8e8}"
	                      ".ok::before{content:'\\2714  '}.bad::before{content:'\\26A0  '}"
	                      "table{border-collapse:collapse;width:100%%;margin:6px 0}th,td{border:1px solid #888;"
	                      "padding:4px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	                      "th{background:#eee}.cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #888;"
	                      "padding:8px 12px;min-width:150px}.card b{display:block;font-size:24px}"
	                      "svg text{font-size:13px;fill:#111}svg .s{font-size:11px}.bar{fill:#1f4e8c}"
	                      ".axis{stroke:#111;stroke-width:1}.sign{margin-top:36px;border-top:1px solid #111;"
	                      "padding-top:8px;width:320px}"
	                      "@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}}"
	                      "</style></head><body>",
	                   r->from_day);
	hall_strbuf_puts(b, "<h1>");
	hall_strbuf_html(b, L(lang, L_TITLE));
	hall_strbuf_puts(b, "</h1><p class=\"meta\">");
	fmt_local(r, d1, sizeof d1, r->generated_ms);
	hall_strbuf_printf(b, "%s: <b>%s", L(lang, L_PERIOD), r->from_day);
	if (strcmp(r->from_day, r->to_day) != 0)
		hall_strbuf_printf(b, " – %s", r->to_day);
	hall_strbuf_printf(b, "</b> · %s: %s · %s: %s<br>", L(lang, L_TZ), r->tz, L(lang, L_GENERATED), d1);
	hall_strbuf_html(b, L(lang, r->has_opening ? L_OPEN_HOURS_SCHED : L_OPEN_HOURS_ALL));
	hall_strbuf_printf(b, "</p><div class=\"status %s\" id=\"completeness\">", complete ? "ok" : "bad");
	hall_strbuf_html(b, statement);
	hall_strbuf_puts(b, "</div>");

	fmt_dwell(r, d1, d2, sizeof d1);
	hall_strbuf_puts(b, "<div class=\"cards\">");
	const struct {
		label l;
		const char *v;
		long long n;
	} cards[] = {{L_SESSIONS, NULL, r->sessions}, {L_TAPS, NULL, r->taps},        {L_VIEWS, NULL, r->views},
	             {L_DWELL_MEDIAN, d1, 0},         {L_DWELL_P90, d2, 0},           {L_VOTES, NULL, r->votes},
	             {L_HELP, NULL, r->help},         {L_REJECTED, NULL, r->rejected_total}};
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		hall_strbuf_puts(b, "<div class=\"card\">");
		hall_strbuf_html(b, L(lang, cards[i].l));
		if (cards[i].v)
			hall_strbuf_printf(b, "<b>%s</b></div>", cards[i].v);
		else
			hall_strbuf_printf(b, "<b>%lld</b></div>", cards[i].n);
	}
	hall_strbuf_puts(b, "</div>");
	if (r->events == 0) {
		hall_strbuf_puts(b, "<p>");
		hall_strbuf_html(b, L(lang, L_NO_DATA));
		hall_strbuf_puts(b, "</p>");
	}

	/* completeness and uptime per kiosk */
	html_table(b, lang, L_COMPLETENESS, "kiosks",
	           HEADS(L_KIOSK, L_GROUP, L_EVENTS, L_SEQ_MIN, L_SEQ_MAX, L_MISSING, L_SESSIONS, L_TAPS, L_DWELL,
	                 L_UPTIME, L_OUTAGES));
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const kiosk_stat *k = &r->kiosks[i];
		hall_strbuf_puts(b, "<tr>");
		html_td(b, k->id);
		html_td(b, k->group);
		html_tdn(b, k->events);
		if (k->raw_events) {
			html_tdn(b, k->seq_min);
			html_tdn(b, k->seq_max);
		} else {
			html_td(b, "-");
			html_td(b, "-");
		}
		hall_strbuf_printf(b, "<td class=\"n\">%s%lld", k->missing || k->never_seen ? "⚠ " : "",
		                   (long long)k->missing);
		if (k->never_seen) {
			hall_strbuf_puts(b, " (");
			hall_strbuf_html(b, L(lang, L_NEVER_SEEN));
			hall_strbuf_puts(b, ")");
		}
		hall_strbuf_puts(b, "</td>");
		html_tdn(b, k->sessions);
		html_tdn(b, k->taps);
		fmt_dwellv(&k->dwell, x, sizeof x);
		html_td(b, x);
		snprintf(x, sizeof x, "%.1f%%", uptime_pct(k));
		html_td(b, k->open_ms ? x : "-");
		hall_strbuf_puts(b, "<td>");
		if (!k->n_outages)
			hall_strbuf_html(b, L(lang, L_NONE));
		for (size_t j = 0; j < k->n_outages; j++) {
			fmt_local(r, d1, sizeof d1, k->outages[j].from);
			fmt_local(r, d2, sizeof d2, k->outages[j].to);
			fmt_duration(x, sizeof x, k->outages[j].to - k->outages[j].from);
			hall_strbuf_printf(b, "%s%s – %s (%s)", j ? "<br>" : "", d1, d2 + 11, x);
		}
		hall_strbuf_puts(b, "</td></tr>");
	}
	html_table_end(b, lang, r->n_kiosks, 11);

	/* by hour */
	const char *hour_names[24];
	char hour_buf[24][12];
	for (int h = 0; h < 24; h++) {
		snprintf(hour_buf[h], sizeof hour_buf[h], "%d", h);
		hour_names[h] = hour_buf[h];
	}
	hall_strbuf_printf(b, "<h2>%s · %s</h2>", L(lang, L_HOURS), L(lang, L_SESSIONS));
	svg_columns(b, L(lang, L_HOURS), hour_names, r->hours_sessions, 24);
	hall_strbuf_printf(b, "<h2>%s · %s</h2>", L(lang, L_HOURS), L(lang, L_TAPS));
	svg_columns(b, L(lang, L_HOURS), hour_names, r->hours_taps, 24);

	/* exhibits */
	size_t ne = r->n_exhibits < 20 ? r->n_exhibits : 20;
	const char **en = calloc(ne ? ne : 1, sizeof *en);
	int64_t *ev = calloc(ne ? ne : 1, sizeof *ev);
	if (en && ev) {
		for (size_t i = 0; i < ne; i++) {
			en[i] = exhibit_title(r, r->exhibits[i].id, lang);
			if (!en[i])
				en[i] = r->exhibits[i].id[0] ? r->exhibits[i].id : L(lang, L_OUTSIDE);
			ev[i] = r->exhibits[i].views;
		}
		hall_strbuf_printf(b, "<h2>%s · %s</h2>", L(lang, L_EXHIBITS), L(lang, L_VIEWS));
		svg_hbars(b, L(lang, L_EXHIBITS), en, ev, ne);
	}
	free(en);
	free(ev);
	html_table(b, lang, -1, "exhibits", HEADS(L_EXHIBIT, L_VIEWS, L_TAPS, L_DWELL));
	for (size_t i = 0; i < r->n_exhibits; i++) {
		hall_strbuf_puts(b, "<tr>");
		html_td(b, exhibit_label_r(r, lb, sizeof lb, r->exhibits[i].id, lang));
		html_tdn(b, r->exhibits[i].views);
		html_tdn(b, r->exhibits[i].taps);
		fmt_dwellv(&r->exhibits[i].dwell, x, sizeof x);
		html_td(b, x);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_exhibits, 4);
	html_table(b, lang, L_ITEMS, "items", HEADS(L_EXHIBIT, L_ITEM, L_TAPS, L_VIEWS, L_DWELL));
	for (size_t i = 0; i < r->n_items && i < 30; i++) {
		hall_strbuf_puts(b, "<tr>");
		html_td(b, exhibit_label_r(r, lb, sizeof lb, r->items[i].exhibit, lang));
		html_td(b, item_label(r, lb2, sizeof lb2, r->items[i].exhibit, r->items[i].target, lang));
		html_tdn(b, r->items[i].taps);
		html_tdn(b, r->items[i].views);
		fmt_dwellv(&r->items[i].dwell, x, sizeof x);
		html_td(b, x);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_items, 5);

	/* languages */
	const char *ln[HALL_LANG_COUNT + 1];
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		ln[i] = lang_name(lang, i);
	hall_strbuf_printf(b, "<h2>%s</h2>", L(lang, L_LANGUAGES));
	svg_hbars(b, L(lang, L_LANGUAGES), ln, r->lang_views, r->lang_views[HALL_LANG_COUNT] ? HALL_LANG_COUNT + 1 : HALL_LANG_COUNT);
	hall_strbuf_printf(b, "<p>%s: %lld</p>", L(lang, L_LANG_CHANGES), (long long)r->language_changes);

	/* modes, polls, content */
	html_table(b, lang, L_MODES, "modes", HEADS(L_MODE, L_COUNT));
	for (size_t i = 0; i < r->n_modes; i++) {
		hall_strbuf_puts(b, "<tr>");
		html_td(b, r->modes[i].name);
		html_tdn(b, r->modes[i].count);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_modes, 2);
	html_table(b, lang, L_POLLS, "polls", HEADS(L_POLL, L_OPTION, L_VOTES));
	for (size_t i = 0; i < r->n_polls; i++) {
		hall_strbuf_puts(b, "<tr>");
		html_td(b, r->polls[i].poll);
		html_td(b, with_id(lb, sizeof lb, title_of(r, 'P', r->polls[i].poll, r->polls[i].option, lang),
		                   r->polls[i].option));
		html_tdn(b, r->polls[i].votes);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_polls, 3);
	html_table(b, lang, L_SHOWN, "versions", HEADS(L_KIOSK, L_SHOWN));
	for (size_t i = 0; i < r->n_kiosks; i++) {
		char vs[512];
		fmt_shown(r, &r->kiosks[i], lang, vs, sizeof vs);
		hall_strbuf_puts(b, "<tr>");
		html_td(b, r->kiosks[i].id);
		html_td(b, vs);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_kiosks, 2);
	html_table(b, lang, L_CONTENT, "content", HEADS(L_TIME, L_VERSION, L_ACTION, L_TARGET, L_USER));
	for (size_t i = 0; i < r->n_changes; i++) {
		fmt_local(r, d1, sizeof d1, r->changes[i].ts);
		hall_strbuf_puts(b, "<tr>");
		html_td(b, d1);
		html_tdn(b, r->changes[i].version);
		html_td(b, r->changes[i].action);
		html_td(b, r->changes[i].target);
		html_td(b, r->changes[i].user);
		hall_strbuf_puts(b, "</tr>");
	}
	html_table_end(b, lang, r->n_changes, 5);

	if (r->n_days > 1) {
		const char **dn = calloc(r->n_days, sizeof *dn);
		int64_t *dv = calloc(r->n_days, sizeof *dv);
		if (dn && dv) {
			for (size_t i = 0; i < r->n_days; i++) {
				dn[i] = r->days[i].day + 5; /* MM-DD */
				dv[i] = r->days[i].sessions;
			}
			hall_strbuf_printf(b, "<h2>%s · %s</h2>", L(lang, L_TREND), L(lang, L_SESSIONS));
			svg_columns(b, L(lang, L_TREND), dn, dv, r->n_days);
		}
		free(dn);
		free(dv);
	}
	hall_strbuf_printf(b, "<div class=\"sign\">%s:</div></body></html>\n", L(lang, L_SIGN));
}

hall_err hall_report_render(const hall_report *r, hall_report_format fmt, hall_lang lang, char **out, size_t *len,
                            hall_error *err)
{
	*out = NULL;
	hall_lang ui = lang == HALL_LANG_KO ? HALL_LANG_KO : HALL_LANG_EN;
	if (fmt == HALL_REPORT_JSON) {
		*out = render_json(r, ui, len);
		return *out ? HALL_OK : hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	}
	hall_strbuf b;
	hall_strbuf_init(&b);
	switch (fmt) {
	case HALL_REPORT_TEXT: render_text(r, ui, &b); break;
	case HALL_REPORT_CSV: render_csv(r, ui, &b); break;
	case HALL_REPORT_HTML: render_html(r, ui, &b); break;
	case HALL_REPORT_JSON: break;
	}
	*out = hall_strbuf_take(&b, len);
	return *out ? HALL_OK : hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
}

/* ------------------------------------------------------------------ loading, writing, CLI */

hall_schedule *hall_report_load_opening(hall_store *store)
{
	hall_store_desired d;
	memset(&d, 0, sizeof d);
	if (hall_store_get_desired(store, "schedule", "all", &d, NULL) != HALL_OK)
		return NULL;
	hall_schedule *sch = NULL;
	cJSON *env = NULL;
	hall_error e = {0};
	if (!d.cleared && d.payload && hall_json_parse(d.payload, d.payload_len, 4u << 20, &env, &e) == HALL_OK) {
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(env, "schedule");
		char *s = inner ? cJSON_PrintUnformatted(inner) : NULL;
		if (s && hall_schedule_parse(s, strlen(s), &sch, &e) != HALL_OK)
			hall_warn("report: the stored schedule does not parse (%s: %s); counting whole days", e.path, e.msg);
		free(s);
	}
	cJSON_Delete(env);
	hall_store_desired_free(&d);
	return sch;
}

hall_err hall_report_write_day(hall_store *store, const hall_controller_config *cfg, const char *day, hall_error *err)
{
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "%s", day);
	snprintf(opt.to_day, sizeof opt.to_day, "%s", day);
	opt.tz = cfg->time_zone;
	opt.raw_retention_days = cfg->raw_retention_days;
	opt.expected = (const char (*)[HALL_ID_MAX + 1])cfg->kiosks;
	opt.n_expected = cfg->n_kiosks;
	opt.data_dir = cfg->data_dir;
	hall_schedule *sch = hall_report_load_opening(store);
	opt.opening = sch;
	hall_report *r = NULL;
	hall_err rc = hall_report_build(store, &opt, &r, err);
	if (rc != HALL_OK)
		goto out;
	rc = hall_fs_mkdirs(cfg->reports_dir, err);
	if (rc != HALL_OK)
		goto out;
	static const struct {
		hall_report_format f;
		const char *ext;
	} outs[] = {{HALL_REPORT_HTML, "html"}, {HALL_REPORT_CSV, "csv"}, {HALL_REPORT_JSON, "json"}};
	for (size_t i = 0; i < 3; i++) {
		char *data = NULL;
		size_t len = 0;
		char name[64], path[4200];
		rc = hall_report_render(r, outs[i].f, cfg->report_lang, &data, &len, err);
		if (rc != HALL_OK)
			goto out;
		snprintf(name, sizeof name, "report-%s.%s", day, outs[i].ext);
		hall_fs_join(path, sizeof path, cfg->reports_dir, name);
		rc = hall_fs_write_atomic(path, data, len, err);
		free(data);
		if (rc != HALL_OK)
			goto out;
		hall_info("report: wrote %s", path);
	}
out:
	hall_report_destroy(r);
	hall_schedule_destroy(sch);
	return rc;
}

static void today_local(const char *tz, char *out, size_t len)
{
	hall_civil c;
	if (hall_clock_to_civil(hall_clock_now_ms(), tz, &c) == 0)
		snprintf(out, len, "%04d-%02d-%02d", c.year, c.month, c.day);
	else
		snprintf(out, len, "1970-01-01");
}

int hall_report_cli(hall_store *store, const hall_controller_config *cfg, int argc, char **argv)
{
	const char *date = NULL, *from = NULL, *to = NULL, *format = "text", *outp = NULL, *langs = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--date")     ? &date
		                    : !strcmp(a, "--from")   ? &from
		                    : !strcmp(a, "--to")     ? &to
		                    : !strcmp(a, "--format") ? &format
		                    : !strcmp(a, "--out")    ? &outp
		                    : !strcmp(a, "--lang")   ? &langs
		                                             : NULL;
		if (!slot) {
			fprintf(stderr, "hall-controller report: unknown option %s\n", a);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hall-controller report: %s needs a value\n", a);
			return 2;
		}
		*slot = argv[++i];
	}
	hall_report_format fmt;
	if (hall_report_format_from_name(format, &fmt) != 0) {
		fprintf(stderr, "hall-controller report: --format: expected text, csv, json or html, got \"%s\"\n", format);
		return 2;
	}
	hall_lang lang = cfg->report_lang;
	if (langs && (hall_lang_from_code(langs, &lang) != 0 || (lang != HALL_LANG_KO && lang != HALL_LANG_EN))) {
		fprintf(stderr, "hall-controller report: --lang: expected ko or en, got \"%s\"\n", langs);
		return 2;
	}
	char today[32];
	today_local(cfg->time_zone, today, sizeof today);
	const char *dates[][2] = {{"--date", date}, {"--from", from}, {"--to", to}};
	for (size_t i = 0; i < 3; i++) {
		int y, m, d;
		if (dates[i][1] && hall_clock_parse_date(dates[i][1], &y, &m, &d) != 0) {
			fprintf(stderr, "hall-controller report: %s: expected a date YYYY-MM-DD, got \"%s\"\n", dates[i][0],
			        dates[i][1]);
			return 2;
		}
	}
	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	if (date && (from || to)) {
		fprintf(stderr, "hall-controller report: give --date, or --from and --to, not both\n");
		return 2;
	}
	snprintf(opt.from_day, sizeof opt.from_day, "%.10s", date ? date : from ? from : today);
	snprintf(opt.to_day, sizeof opt.to_day, "%.10s", date ? date : to ? to : opt.from_day);
	opt.tz = cfg->time_zone;
	opt.raw_retention_days = cfg->raw_retention_days;
	opt.expected = (const char (*)[HALL_ID_MAX + 1])cfg->kiosks;
	opt.n_expected = cfg->n_kiosks;
	opt.data_dir = cfg->data_dir;
	hall_schedule *sch = hall_report_load_opening(store);
	opt.opening = sch;
	hall_report *r = NULL;
	hall_error err = {0};
	char *data = NULL;
	size_t len = 0;
	int code = 1;
	hall_err rc = hall_report_build(store, &opt, &r, &err);
	if (rc == HALL_OK)
		rc = hall_report_render(r, fmt, lang, &data, &len, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall-controller report: %s%s%s\n", err.path, err.path[0] ? ": " : "", err.msg);
		code = rc == HALL_ERR_INVALID ? 2 : 1;
		goto out;
	}
	if (outp) {
		if (hall_fs_write_atomic(outp, data, len, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller report: %s: %s\n", err.path, err.msg);
			goto out;
		}
		fprintf(stderr, "report written to %s (%s)\n", outp, hall_report_is_complete(r) ? "complete" : "INCOMPLETE");
	} else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "hall-controller report: cannot write to standard output: %s\n", strerror(errno));
		goto out;
	}
	code = 0;
out:
	free(data);
	hall_report_destroy(r);
	hall_schedule_destroy(sch);
	return code;
}
