/* report.c: computing the daily usage report's document (report.h).
 *
 * One pass over the raw events of the period (ordered by kiosk, then seq) fills every
 * counter of a private calculation (struct calc, with the maps and samples it needs);
 * the fleet's status log gives uptime within opening hours; the staff history gives the
 * content versions pushed. Then the calculation becomes the document of report.h (rows
 * sorted, dwell summarised, names resolved, causes of a gap listed), which the writers
 * (report_text.c, report_csv.c, report_json.c, report_html.c) turn into bytes.
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
 * title, a card's, chart's or district's title, a poll option's label; in each of the
 * hall's languages (hall_text_get's fallback fills a missing translation). */
typedef struct title_entry {
	char key[2 * HALL_STR_BUF + 4]; /* kind, 0x1f, exhibit (or poll) id, 0x1f, item id */
	hall_report_title t;
} title_entry;

#define DYN(type, name) \
	type *name;         \
	size_t n_##name, cap_##name

typedef struct calc calc;

struct calc {
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
	smap title_map;
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

/* The maps that find a kiosk, exhibit, item, mode, poll, session or vote by name while
 * the events are scanned (the title map stays: the document reads it). */
static void free_scan_maps(calc *r)
{
	smap_free(&r->kiosk_map);
	smap_free(&r->exhibit_map);
	smap_free(&r->item_map);
	smap_free(&r->mode_map);
	smap_free(&r->poll_map);
	smap_free(&r->session_map);
	smap_free(&r->vote_map);
}

static void calc_destroy(calc *r)
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
	free_scan_maps(r);
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

static kiosk_stat *kiosk_for(calc *r, const char *id)
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

static exhibit_stat *exhibit_for(calc *r, const char *id)
{
	int added;
	return intern(&r->exhibit_map, (void **)&r->exhibits, &r->n_exhibits, &r->cap_exhibits, sizeof *r->exhibits,
	              sizeof r->exhibits->id, id, &added);
}

static named_count *mode_for(calc *r, const char *name)
{
	int added;
	return intern(&r->mode_map, (void **)&r->modes, &r->n_modes, &r->cap_modes, sizeof *r->modes,
	              sizeof r->modes->name, name, &added);
}

/* Index of the local day holding ts, or -1 outside the period. */
static int day_of(const calc *r, int64_t ts)
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

static int hour_of(const calc *r, int day, int64_t ts)
{
	int64_t h = (ts - r->days[day].start_ms) / HOUR_MS;
	return h < 0 ? 0 : h > 23 ? 23 : (int)h;
}

typedef struct scan_ctx {
	calc *r;
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

static int add_dwell(calc *r, int64_t ms)
{
	return push_i64(&r->dwell, &r->n_dwell, &r->cap_dwell, ms);
}

static int dwellv_add(dwellv *d, int64_t ms)
{
	return push_i64(&d->v, &d->n, &d->cap, ms);
}

static kiosk_stat *kiosk_for(calc *r, const char *id);

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
static item_stat *item_for(calc *r, const hall_event *ev)
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
static int take_dwell(calc *r, const hall_event *ev)
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
	calc *r = c->r;
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
static size_t opening_windows(const calc *r, const hall_schedule *sch, size_t d, span *out)
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

static hall_err compute_uptime(calc *r, hall_store *store, kiosk_stat *k, const hall_schedule *sch,
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
	calc *r = c->r;
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
static hall_err versions_shown(calc *r, hall_store *store, kiosk_stat *k, hall_error *err)
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

static hall_err setup_days(calc *r, const hall_report_options *opt, hall_error *err)
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

static int day_index(const calc *r, const char *day)
{
	for (size_t i = 0; i < r->n_days; i++)
		if (strcmp(r->days[i].day, day) == 0)
			return (int)i;
	return -1;
}

/* Count one aggregate row of a day reported from the aggregates: what they hold (counts
 * per kiosk, exhibit, hour, language and type, and a sum of dwell). Items, poll options,
 * modes and the dwell of each session are not in them. */
static int apply_daily(calc *r, const hall_store_daily *d, int day)
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
static hall_err use_daily(calc *r, hall_store *store, int before_raw, hall_error *err)
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
static hall_err missing_of_silent(calc *r, hall_store *store, kiosk_stat *k, int64_t after, hall_error *err)
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
static int title_add(calc *r, char kind, const char *a, const char *prefix, const char *b,
                     const hall_text *t)
{
	char item[HALL_STR_BUF + 16], key[sizeof r->titles->key];
	snprintf(item, sizeof item, "%s%s", prefix, b ? b : "");
	title_key(key, sizeof key, kind, a, item);
	if (!hall_text_present(t))
		return 0;
	int added = 0;
	title_entry *e = intern(&r->title_map, (void **)&r->titles, &r->n_titles, &r->cap_titles, sizeof *r->titles,
	                        sizeof r->titles->key, key, &added);
	if (!e)
		return -1;
	for (int l = 0; added && l < HALL_LANG_COUNT; l++)
		snprintf(e->t.text[l], sizeof e->t.text[l], "%s", hall_text_get(t, (hall_lang)l));
	return 0;
}

/* The names in one stored pack (by the sha256 of its manifest). A pack that cannot be read
 * or parsed adds nothing: the report then shows ids, as it does with no pack at all. */
static int titles_of_pack(calc *r, const char *data_dir, const char *ref)
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
static int load_titles(calc *r, hall_store *store, const char *data_dir)
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

/* Read the store and fill the calculation; see hall_report_build. */
static hall_err calculate(hall_store *store, const hall_report_options *opt, calc **out, hall_error *err)
{
	*out = NULL;
	calc *r = calloc(1, sizeof *r);
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
	free_scan_maps(r);
	*out = r;
	return HALL_OK;
fail:
	calc_destroy(r);
	return rc;
}

/* ------------------------------------------------------------------ the document */

void hall_report_destroy(hall_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_kiosks; i++) {
		free(r->kiosks[i].shown);
		free(r->kiosks[i].outages);
	}
	for (size_t i = 0; i < r->n_polls; i++)
		free(r->polls[i].options);
	free(r->causes);
	free(r->kiosks);
	free(r->exhibits);
	free(r->items);
	free(r->modes);
	free(r->polls);
	free(r->changes);
	free(r->days);
	free(r->titles);
	free(r);
}

const char *hall_report_title_in(const hall_report_title *t, hall_lang lang)
{
	if (!t)
		return NULL;
	if ((unsigned)lang < HALL_LANG_COUNT && t->text[lang][0])
		return t->text[lang];
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		if (t->text[l][0])
			return t->text[l];
	return NULL;
}

/* A zeroed array of n elements (one when n is 0, so that NULL means out of memory). */
static void *alloc_rows(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

static hall_report_dwell dwell_of(const dwellv *d)
{
	return (hall_report_dwell){.n = d->n, .median = d->median, .p90 = d->p90};
}

/* The document's copy of the pack's name of (kind, a, b), or NULL when no pack names it.
 * The document's titles are the calculation's, in the same order (so an index found in
 * title_map is one there), then the languages' own names. */
static const hall_report_title *doc_title(const calc *c, const hall_report *d, char kind, const char *a,
                                          const char *b)
{
	char key[sizeof c->titles->key];
	title_key(key, sizeof key, kind, a, b);
	size_t *v = smap_find((smap *)&c->title_map, key);
	return v ? &d->titles[*v] : NULL;
}

/* An item's name: the home screen's `exhibit-<id>` is that exhibit's title, `lang-<code>`
 * the language's own name, a card, chart, district or poll option its title in the pack. */
static const hall_report_title *item_title_of(const calc *c, const hall_report *d, const char *exhibit,
                                              const char *target)
{
	hall_lang l;
	if (strncmp(target, "exhibit-", 8) == 0 && target[8])
		return doc_title(c, d, 'E', target + 8, "");
	if (strncmp(target, "lang-", 5) == 0 && hall_lang_from_code(target + 5, &l) == 0)
		return &d->titles[c->n_titles + (size_t)l];
	return doc_title(c, d, 'I', exhibit, target);
}

static const hall_report_title *exhibit_title_of(const calc *c, const hall_report *d, const char *id)
{
	return id[0] ? doc_title(c, d, 'E', id, "") : NULL;
}

static void add_cause(hall_report *d, hall_report_cause_kind kind, const char *kiosk, int64_t count)
{
	hall_report_cause *x = &d->causes[d->n_causes++];
	x->kind = kind;
	snprintf(x->kiosk, sizeof x->kiosk, "%s", kiosk);
	x->count = count;
}

static int doc_kiosks(const calc *c, hall_report *d)
{
	d->kiosks = alloc_rows(c->n_kiosks, sizeof *d->kiosks);
	d->causes = alloc_rows(3 * c->n_kiosks, sizeof *d->causes);
	if (!d->kiosks || !d->causes)
		return -1;
	for (size_t i = 0; i < c->n_kiosks; i++) {
		const kiosk_stat *k = &c->kiosks[i];
		hall_report_kiosk *o = &d->kiosks[d->n_kiosks++];
		memcpy(o->id, k->id, sizeof o->id);
		memcpy(o->group, k->group, sizeof o->group);
		o->events = k->events;
		o->missing = k->missing;
		o->events_expected = k->events + k->missing;
		o->has_seq = k->raw_events > 0;
		o->seq_min = o->has_seq ? k->seq_min : 0;
		o->seq_max = o->has_seq ? k->seq_max : 0;
		o->announced = k->announced;
		o->expected = k->expected;
		o->never_seen = k->never_seen;
		o->unrecorded = k->unrecorded;
		o->sessions = k->sessions;
		o->taps = k->taps;
		o->help = k->help;
		o->content_version = k->content_version;
		o->open_ms = k->open_ms;
		o->online_ms = k->online_ms;
		o->dwell = dwell_of(&k->dwell);
		o->shown = alloc_rows(k->n_shown, sizeof *o->shown);
		o->outages = alloc_rows(k->n_outages, sizeof *o->outages);
		if (!o->shown || !o->outages)
			return -1;
		for (size_t j = 0; j < k->n_shown; j++)
			o->shown[j] = (hall_report_shown){k->shown[j].version, k->shown[j].applied_ms, k->shown[j].before_period};
		o->n_shown = k->n_shown;
		for (size_t j = 0; j < k->n_outages; j++)
			o->outages[j] = (hall_report_span){k->outages[j].from, k->outages[j].to};
		o->n_outages = k->n_outages;
		if (k->never_seen)
			add_cause(d, HALL_REPORT_CAUSE_NEVER_CONNECTED, k->id, 0);
		if (k->unrecorded > 0)
			add_cause(d, HALL_REPORT_CAUSE_UNRECORDED, k->id, k->unrecorded);
		if (k->missing > 0)
			add_cause(d, HALL_REPORT_CAUSE_MISSING, k->id, k->missing);
	}
	return 0;
}

static int doc_rows(const calc *c, hall_report *d)
{
	d->exhibits = alloc_rows(c->n_exhibits, sizeof *d->exhibits);
	d->items = alloc_rows(c->n_items, sizeof *d->items);
	d->modes = alloc_rows(c->n_modes, sizeof *d->modes);
	d->changes = alloc_rows(c->n_changes, sizeof *d->changes);
	d->days = alloc_rows(c->n_days, sizeof *d->days);
	if (!d->exhibits || !d->items || !d->modes || !d->changes || !d->days)
		return -1;
	for (size_t i = 0; i < c->n_exhibits; i++, d->n_exhibits++) {
		const exhibit_stat *e = &c->exhibits[i];
		hall_report_exhibit *o = &d->exhibits[i];
		memcpy(o->id, e->id, sizeof o->id);
		o->title = exhibit_title_of(c, d, e->id);
		o->views = e->views;
		o->taps = e->taps;
		o->dwell = dwell_of(&e->dwell);
	}
	for (size_t i = 0; i < c->n_items; i++, d->n_items++) {
		const item_stat *it = &c->items[i];
		hall_report_item *o = &d->items[i];
		memcpy(o->exhibit, it->exhibit, sizeof o->exhibit);
		memcpy(o->target, it->target, sizeof o->target);
		o->exhibit_title = exhibit_title_of(c, d, it->exhibit);
		o->title = item_title_of(c, d, it->exhibit, it->target);
		o->taps = it->taps;
		o->views = it->views;
		o->dwell = dwell_of(&it->dwell);
	}
	for (size_t i = 0; i < c->n_modes; i++, d->n_modes++) {
		memcpy(d->modes[i].name, c->modes[i].name, sizeof d->modes[i].name);
		d->modes[i].count = c->modes[i].count;
	}
	for (size_t i = 0; i < c->n_changes; i++, d->n_changes++) {
		const content_change *ch = &c->changes[i];
		hall_report_change *o = &d->changes[i];
		o->ts = ch->ts;
		o->version = ch->version;
		memcpy(o->action, ch->action, sizeof o->action);
		memcpy(o->target, ch->target, sizeof o->target);
		memcpy(o->user, ch->user, sizeof o->user);
	}
	for (size_t i = 0; i < c->n_days; i++, d->n_days++) {
		const day_stat *x = &c->days[i];
		d->days[i] = (hall_report_day){.sessions = x->sessions, .taps = x->taps, .views = x->views,
		                               .events = x->events, .from_daily = x->from_daily != 0};
		memcpy(d->days[i].day, x->day, sizeof d->days[i].day);
	}
	return 0;
}

/* Polls with their options: the calculation's options come sorted by poll, then votes. */
static int doc_polls(const calc *c, hall_report *d)
{
	d->polls = alloc_rows(c->n_polls, sizeof *d->polls);
	if (!d->polls)
		return -1;
	for (size_t i = 0; i < c->n_polls;) {
		size_t j = i;
		while (j < c->n_polls && strcmp(c->polls[j].poll, c->polls[i].poll) == 0)
			j++;
		hall_report_poll *p = &d->polls[d->n_polls++];
		snprintf(p->id, sizeof p->id, "%s", c->polls[i].poll);
		p->title = doc_title(c, d, 'P', p->id, "");
		p->options = alloc_rows(j - i, sizeof *p->options);
		if (!p->options)
			return -1;
		for (size_t k = i; k < j; k++) {
			hall_report_option *o = &p->options[p->n_options++];
			memcpy(o->id, c->polls[k].option, sizeof o->id);
			o->title = doc_title(c, d, 'P', p->id, o->id);
			o->votes = c->polls[k].votes;
			p->total += o->votes;
		}
		i = j;
	}
	return 0;
}

/* The calculation as the document of report.h. */
static hall_report *make_document(const calc *c)
{
	hall_report *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	memcpy(d->from_day, c->from_day, sizeof d->from_day);
	memcpy(d->to_day, c->to_day, sizeof d->to_day);
	memcpy(d->tz, c->tz, sizeof d->tz);
	d->generated_ms = c->generated_ms;
	d->has_opening = c->has_opening != 0;
	d->retention_days = c->retention_days;
	d->n_days_daily = c->n_days_daily;
	d->sessions = c->sessions;
	d->taps = c->taps;
	d->views = c->views;
	d->events = c->events;
	d->votes = c->votes;
	d->help = c->help;
	d->language_changes = c->language_changes;
	d->rejected_total = c->rejected_total;
	d->dwell = (hall_report_dwell){.n = c->n_dwell, .median = c->dwell_median, .p90 = c->dwell_p90};
	memcpy(d->hours_sessions, c->hours_sessions, sizeof d->hours_sessions);
	memcpy(d->hours_taps, c->hours_taps, sizeof d->hours_taps);
	memcpy(d->lang_views, c->lang_views, sizeof d->lang_views);
	d->titles = alloc_rows(c->n_titles + HALL_LANG_COUNT, sizeof *d->titles);
	if (!d->titles)
		goto fail;
	for (size_t i = 0; i < c->n_titles; i++)
		d->titles[i] = c->titles[i].t;
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		for (int in = 0; in < HALL_LANG_COUNT; in++)
			snprintf(d->titles[c->n_titles + (size_t)l].text[in], sizeof d->titles->text[in], "%s",
			         hall_lang_native_name((hall_lang)l));
	d->n_titles = c->n_titles + HALL_LANG_COUNT;
	if (doc_kiosks(c, d) != 0 || doc_rows(c, d) != 0 || doc_polls(c, d) != 0)
		goto fail;
	d->complete = d->n_days_daily == 0 && d->n_causes == 0;
	return d;
fail:
	hall_report_destroy(d);
	return NULL;
}

hall_err hall_report_build(hall_store *store, const hall_report_options *opt, hall_report **out, hall_error *err)
{
	calc *c = NULL;
	*out = NULL;
	hall_err rc = calculate(store, opt, &c, err);
	if (rc != HALL_OK)
		return rc;
	*out = make_document(c);
	calc_destroy(c);
	return *out ? HALL_OK : hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
}

int hall_report_is_complete(const hall_report *r)
{
	return r->complete;
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

