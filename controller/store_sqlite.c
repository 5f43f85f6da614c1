/* store_sqlite.c: the SQLite backend of controller/store.h.
 *
 * One connection per process, WAL mode so the staff commands read while serve writes,
 * synchronous=FULL because a confirm promises the kiosk its event is on disk: with
 * NORMAL a power cut may lose the last commits of a WAL database. busy_timeout lets
 * serve and a staff command write the same file without SQLITE_BUSY failures. */
#include "store_sqlite_internal.h"
#include "store_internal.h"

#include "hall/clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static sq_store *sq(hall_store *s)
{
	return sq__of(s);
}

hall_err sq__fail(sq_store *q, hall_error *err, const char *what)
{
	return hall_error_set(err, HALL_ERR_DB, "", "%s: %s", what, sqlite3_errmsg(q->db));
}

hall_err sq__exec(sq_store *q, const char *sql, hall_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		hall_error_set(err, HALL_ERR_DB, "", "%s", msg ? msg : sqlite3_errmsg(q->db));
		sqlite3_free(msg);
		return HALL_ERR_DB;
	}
	return HALL_OK;
}

hall_err sq__prep(sq_store *q, const char *sql, sqlite3_stmt **st, hall_error *err)
{
	if (sqlite3_prepare_v2(q->db, sql, -1, st, NULL) != SQLITE_OK)
		return sq__fail(q, err, "prepare");
	return HALL_OK;
}

hall_err sq__run(sq_store *q, sqlite3_stmt *st, const char *what, int64_t *changes, hall_error *err)
{
	hall_err rc = HALL_OK;
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sq__fail(q, err, what);
	else if (changes)
		*changes = sqlite3_changes(q->db);
	sqlite3_finalize(st);
	return rc;
}

hall_err sq__rollback(sq_store *q, hall_err rc)
{
	sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

hall_err sq__begin(sq_store *q, hall_error *err)
{
	return sq__exec(q, "BEGIN IMMEDIATE", err);
}

hall_err sq__end(sq_store *q, hall_err rc, hall_error *err)
{
	if (rc == HALL_OK)
		rc = sq__exec(q, "COMMIT", err);
	return rc ? sq__rollback(q, rc) : HALL_OK;
}

void sq__bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_TRANSIENT);
}

/* Without a copy: only for strings that outlive the statement's next reset (the insert
 * loop binds fields of the caller's events and steps before it moves on). */
static void bind_text_static(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s ? s : "", -1, SQLITE_STATIC);
}

void sq__bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s && s[0])
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Without a format call (the report reads a million rows; snprintf per column was a
 * measurable share). */
void sq__col_text(sqlite3_stmt *st, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	if (n >= len)
		n = len - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

int64_t sq__col_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_int64(st, i);
}

int64_t sq__col_opt_i64(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

hall_err sq__each_row(sq_store *q, sqlite3_stmt *st, const char *what, sq__row_fn row, void *ctx, size_t *rows,
                      hall_error *err)
{
	hall_err rc = HALL_OK;
	bool stop = false;
	size_t n = 0;
	int step = SQLITE_DONE;
	while (!stop && rc == HALL_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		rc = row(ctx, st, &stop, err);
	}
	if (rc == HALL_OK && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq__fail(q, err, what);
	sqlite3_finalize(st);
	if (rows)
		*rows = n;
	return rc;
}

hall_err sq__one_row(sq_store *q, sqlite3_stmt *st, const char *what, sq__row_fn row, void *ctx, hall_error *err)
{
	bool stop = true;
	hall_err rc = HALL_OK;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = row(ctx, st, &stop, err);
	else if (step == SQLITE_DONE)
		rc = HALL_ERR_NOT_FOUND;
	else
		rc = sq__fail(q, err, what);
	sqlite3_finalize(st);
	return rc;
}

/* Row functions of sq__one_i64 / sq__one_text: column 0 into ctx. */
static hall_err i64_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	(void)err;
	*(int64_t *)ctx = sq__col_opt_i64(st, 0);
	return HALL_OK;
}

typedef struct text_out {
	char *buf;
	size_t len;
} text_out;

static hall_err text_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	(void)err;
	const text_out *t = ctx;
	sq__col_text(st, 0, t->buf, t->len);
	return HALL_OK;
}

hall_err sq__one_i64(sq_store *q, sqlite3_stmt *st, const char *what, int64_t *out, hall_error *err)
{
	return sq__one_row(q, st, what, i64_row, out, err);
}

hall_err sq__one_text(sq_store *q, sqlite3_stmt *st, const char *what, char *out, size_t len, hall_error *err)
{
	return sq__one_row(q, st, what, text_row, &(text_out){out, len}, err);
}

static const char SCHEMA[] =
	"CREATE TABLE IF NOT EXISTS events("
	" kiosk TEXT NOT NULL, seq INTEGER NOT NULL, ts INTEGER NOT NULL, type TEXT NOT NULL,"
	" exhibit TEXT NOT NULL, target TEXT NOT NULL, session INTEGER, lang TEXT NOT NULL DEFAULT '',"
	" dwell_ms INTEGER, poll TEXT NOT NULL DEFAULT '', received INTEGER NOT NULL,"
	" PRIMARY KEY(kiosk, seq)) WITHOUT ROWID;"
	/* Instead of an index on ts (a second b-tree write per event): one row per kiosk and
	 * UTC hour of ts with the lowest and highest seq of that hour, widened once per batch.
	 * Every stored event lies inside its own (kiosk, hour) span; spans may also cover
	 * events of other hours (a clock that jumped), so whoever reads through them re-checks
	 * ts. */
	"CREATE TABLE IF NOT EXISTS event_spans(kiosk TEXT NOT NULL, hour INTEGER NOT NULL,"
	" lo INTEGER NOT NULL, hi INTEGER NOT NULL, PRIMARY KEY(kiosk, hour)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS votes("
	" kiosk TEXT NOT NULL, session INTEGER NOT NULL, poll TEXT NOT NULL, option TEXT NOT NULL,"
	" ts INTEGER NOT NULL, PRIMARY KEY(kiosk, session, poll));"
	"CREATE INDEX IF NOT EXISTS votes_poll ON votes(poll, option);"
	/* Votes retention removed, counted per poll and option, so that tallies stay whole. */
	"CREATE TABLE IF NOT EXISTS vote_totals(poll TEXT NOT NULL, option TEXT NOT NULL,"
	" votes INTEGER NOT NULL, PRIMARY KEY(poll, option)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS kiosks("
	" id TEXT PRIMARY KEY, grp TEXT NOT NULL DEFAULT '', first_seen INTEGER NOT NULL DEFAULT 0,"
	" last_seen INTEGER NOT NULL DEFAULT 0, online INTEGER NOT NULL DEFAULT 0,"
	" online_since INTEGER NOT NULL DEFAULT 0,"
	" content_version INTEGER NOT NULL DEFAULT 0, schedule_version INTEGER NOT NULL DEFAULT 0,"
	" notice_version INTEGER NOT NULL DEFAULT 0, seq_max INTEGER NOT NULL DEFAULT 0,"
	" spool_first INTEGER NOT NULL DEFAULT 0, confirmed INTEGER NOT NULL DEFAULT 0,"
	" app TEXT NOT NULL DEFAULT '', last_error TEXT NOT NULL DEFAULT '',"
	" alert INTEGER NOT NULL DEFAULT 0, alert_reason TEXT NOT NULL DEFAULT '',"
	" help_count INTEGER NOT NULL DEFAULT 0, last_help INTEGER NOT NULL DEFAULT 0,"
	" showing_scope TEXT NOT NULL DEFAULT '', showing_pack TEXT NOT NULL DEFAULT '');"
	/* What each kiosk showed, one row per change, as it said it (store.h, store_fleet.c). */
	"CREATE TABLE IF NOT EXISTS shown(kiosk TEXT NOT NULL, ts INTEGER NOT NULL, scope TEXT NOT NULL,"
	" version INTEGER NOT NULL, pack TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS shown_k ON shown(kiosk, ts);"
	"CREATE TABLE IF NOT EXISTS status_log(kiosk TEXT NOT NULL, ts INTEGER NOT NULL, online INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS status_log_k ON status_log(kiosk, ts);"
	"CREATE TABLE IF NOT EXISTS help(kiosk TEXT NOT NULL, ts INTEGER NOT NULL, exhibit TEXT NOT NULL,"
	" session INTEGER, received INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS desired(kind TEXT NOT NULL, scope TEXT NOT NULL, version INTEGER NOT NULL,"
	" cleared INTEGER NOT NULL, ref TEXT NOT NULL DEFAULT '', updated INTEGER NOT NULL, payload BLOB,"
	" PRIMARY KEY(kind, scope));"
	"CREATE TABLE IF NOT EXISTS history(id INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL,"
	" user TEXT NOT NULL, action TEXT NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL,"
	" version INTEGER NOT NULL, ref TEXT NOT NULL, detail TEXT NOT NULL,"
	" outcome TEXT NOT NULL DEFAULT 'ok', reason TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE IF NOT EXISTS commands(id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, cmd TEXT NOT NULL,"
	" exhibit TEXT NOT NULL, ts INTEGER NOT NULL, ttl_s INTEGER NOT NULL, acked INTEGER NOT NULL DEFAULT 0,"
	" result TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', acked_ts INTEGER NOT NULL DEFAULT 0);"
	/* One row per screenshot command whose image was saved (docs/privacy.md). */
	"CREATE TABLE IF NOT EXISTS shots(cmd_id TEXT PRIMARY KEY, kiosk TEXT NOT NULL, ts INTEGER NOT NULL,"
	" path TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS acks(id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk TEXT NOT NULL,"
	" kind TEXT NOT NULL, scope TEXT NOT NULL, version INTEGER NOT NULL, cmd_id TEXT NOT NULL,"
	" result TEXT NOT NULL, reason TEXT NOT NULL, ts INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS acks_k ON acks(kiosk, kind, version);"
	"CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS daily(day TEXT NOT NULL, kiosk TEXT NOT NULL, exhibit TEXT NOT NULL,"
	" hour INTEGER NOT NULL, lang TEXT NOT NULL, type TEXT NOT NULL, count INTEGER NOT NULL,"
	" dwell_ms INTEGER NOT NULL, PRIMARY KEY(day, kiosk, exhibit, hour, lang, type));"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

static hall_err sq_counter_add(hall_store *s, const char *name, int64_t delta, hall_error *err);

static void sq_close(hall_store *s)
{
	sq_store *q = sq(s);
	sqlite3_finalize(q->ins_event);
	sqlite3_finalize(q->ins_vote);
	sqlite3_finalize(q->conf_kiosk);
	sqlite3_finalize(q->conf_events);
	sqlite3_finalize(q->conf_store);
	sqlite3_finalize(q->ins_span);
	sqlite3_close(q->db);
	free(q);
}

/* Spans of seq: per kiosk (hour 0), or per (kiosk, UTC hour of ts) while a batch is
 * inserted. */
typedef struct seq_span {
	char kiosk[HALL_ID_BUF];
	int64_t hour;
	int64_t lo, hi;
} seq_span;

typedef struct span_set {
	seq_span *v;      /* in the order the keys were first seen */
	size_t n, cap;
	size_t *slots;    /* open addressing: index + 1 into v, 0 = empty */
	size_t n_slots;   /* a power of two, at least twice n */
} span_set;

static size_t hash_key(const char *s, int64_t hour)
{
	size_t h = 1469598103934665603u & SIZE_MAX; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211u;
	return (h ^ (size_t)hour) * (size_t)1099511628211u;
}

static int span_rehash(span_set *ss, size_t n_slots)
{
	size_t *slots = calloc(n_slots, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < ss->n; i++) {
		size_t j = hash_key(ss->v[i].kiosk, ss->v[i].hour) & (n_slots - 1);
		while (slots[j])
			j = (j + 1) & (n_slots - 1);
		slots[j] = i + 1;
	}
	free(ss->slots);
	ss->slots = slots;
	ss->n_slots = n_slots;
	return 0;
}

static void span_widen(seq_span *sp, int64_t seq)
{
	if (seq < sp->lo)
		sp->lo = seq;
	if (seq > sp->hi)
		sp->hi = seq;
}

/* The span of (kiosk, hour), added as [seq, seq] when new and left as it is otherwise;
 * its index in ss->v, or -1 when out of memory. */
static long span_slot(span_set *ss, const char *kiosk, size_t klen, int64_t hour, int64_t seq)
{
	char id[HALL_ID_BUF];
	if (klen >= sizeof id)
		klen = sizeof id - 1;
	memcpy(id, kiosk, klen);
	id[klen] = '\0';
	if (2 * (ss->n + 1) > ss->n_slots && span_rehash(ss, ss->n_slots ? 2 * ss->n_slots : 64) != 0)
		return -1;
	size_t j = hash_key(id, hour) & (ss->n_slots - 1);
	for (; ss->slots[j]; j = (j + 1) & (ss->n_slots - 1)) {
		seq_span *sp = &ss->v[ss->slots[j] - 1];
		if (sp->hour == hour && strcmp(sp->kiosk, id) == 0)
			return (long)(ss->slots[j] - 1);
	}
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? 2 * ss->cap : 64;
		seq_span *v = realloc(ss->v, cap * sizeof *v);
		if (!v)
			return -1;
		ss->v = v;
		ss->cap = cap;
	}
	seq_span *sp = &ss->v[ss->n++];
	memcpy(sp->kiosk, id, klen + 1);
	sp->hour = hour;
	sp->lo = sp->hi = seq;
	ss->slots[j] = ss->n;
	return (long)(ss->n - 1);
}

/* Widen the span of (kiosk, hour) by seq, adding it when new; its index in ss->v, or -1
 * when out of memory. */
static long span_note(span_set *ss, const char *kiosk, size_t klen, int64_t hour, int64_t seq)
{
	long at = span_slot(ss, kiosk, klen, hour, seq);
	if (at >= 0)
		span_widen(&ss->v[at], seq);
	return at;
}

static void span_free(span_set *ss)
{
	free(ss->v);
	free(ss->slots);
	memset(ss, 0, sizeof *ss);
}

/* Within the caller's transaction: move kiosk's confirm forward over committed events
 * with no gap (hall_store_advance_confirm), store it with last_seen = now_ms.
 * [chain_lo, chain_hi] (empty when chain_lo > chain_hi) is a run of seqs the caller knows
 * are stored, none missing: the confirm jumps over it instead of stepping through each of
 * its rows, and the scan goes on after it (events stored beyond a gap earlier). */
static hall_err confirm_in_tx(sq_store *q, const char *kiosk, int64_t chain_lo, int64_t chain_hi, int64_t now_ms,
                              int64_t *confirmed, hall_error *err)
{
	hall_err rc = HALL_OK;
	int64_t cur = 0;
	sqlite3_stmt *st = q->conf_kiosk;
	bind_text_static(st, 1, kiosk);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		int64_t c = sq__col_i64(st, 0), first = sq__col_i64(st, 1);
		cur = c > first - 1 ? c : first - 1;
		if (cur < 0)
			cur = 0;
	} else if (step != SQLITE_DONE) {
		rc = sq__fail(q, err, "read kiosk");
	}
	sqlite3_reset(st);
	if (rc)
		return rc;
	if (chain_lo <= cur + 1 && chain_hi > cur)
		cur = chain_hi;
	st = q->conf_events;
	bind_text_static(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, cur);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (sq__col_i64(st, 0) != cur + 1)
			break;
		cur++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = sq__fail(q, err, "read events");
	sqlite3_reset(st);
	if (rc)
		return rc;
	st = q->conf_store;
	bind_text_static(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, cur);
	sqlite3_bind_int64(st, 3, now_ms);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = sq__fail(q, err, "store confirm");
	sqlite3_reset(st);
	if (!rc)
		*confirmed = cur;
	return rc;
}

/* Insert one event (ins_event); *added: 1 when new, 0 for a repeat of (kiosk, seq). */
static hall_err insert_one(sq_store *q, const hall_event *ev, int64_t received, int *added, hall_error *err)
{
	/* Texts are bound SQLITE_STATIC (no copy per column): every parameter is bound again
	 * before each step, so a pointer left bound from an earlier call is never read. */
	sqlite3_stmt *st = q->ins_event;
	sqlite3_reset(st);
	bind_text_static(st, 1, ev->kiosk);
	sqlite3_bind_int64(st, 2, ev->seq);
	sqlite3_bind_int64(st, 3, ev->ts);
	bind_text_static(st, 4, hall_event_type_name(ev->type));
	bind_text_static(st, 5, ev->exhibit);
	bind_text_static(st, 6, ev->target);
	if (ev->session >= 0)
		sqlite3_bind_int64(st, 7, ev->session);
	else
		sqlite3_bind_null(st, 7);
	bind_text_static(st, 8, ev->lang);
	if (ev->dwell_ms >= 0)
		sqlite3_bind_int64(st, 9, ev->dwell_ms);
	else
		sqlite3_bind_null(st, 9);
	bind_text_static(st, 10, ev->poll);
	sqlite3_bind_int64(st, 11, received);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sq__fail(q, err, "insert event");
	*added = sqlite3_changes(q->db) != 0;
	return HALL_OK;
}

/* A new vote event counts once per (kiosk, session, poll); one without a session stands
 * alone (keyed by -seq). */
static hall_err count_vote(sq_store *q, const hall_event *ev, hall_store_insert_result *res, hall_error *err)
{
	sqlite3_stmt *st = q->ins_vote;
	sqlite3_reset(st);
	bind_text_static(st, 1, ev->kiosk);
	sqlite3_bind_int64(st, 2, ev->session >= 0 ? ev->session : -ev->seq);
	bind_text_static(st, 3, ev->poll);
	bind_text_static(st, 4, ev->target);
	sqlite3_bind_int64(st, 5, ev->ts);
	if (sqlite3_step(st) != SQLITE_DONE)
		return sq__fail(q, err, "insert vote");
	if (sqlite3_changes(q->db)) {
		res->votes_counted++;
		store__note_poll(res, ev->poll);
	}
	return HALL_OK;
}

/* Widen the stored spans (event_spans) by this batch's, one upsert per (kiosk, hour). */
static hall_err store_spans(sq_store *q, const span_set *hours, hall_error *err)
{
	for (size_t i = 0; i < hours->n; i++) {
		const seq_span *sp = &hours->v[i];
		sqlite3_stmt *st = q->ins_span;
		sqlite3_reset(st);
		bind_text_static(st, 1, sp->kiosk);
		sqlite3_bind_int64(st, 2, sp->hour);
		sqlite3_bind_int64(st, 3, sp->lo);
		sqlite3_bind_int64(st, 4, sp->hi);
		if (sqlite3_step(st) != SQLITE_DONE)
			return sq__fail(q, err, "store span");
	}
	return HALL_OK;
}

/* One transaction: the events, their votes, spans and counters, and with confirm_cb the
 * confirm of every kiosk of the batch; confirm_cb is called only after COMMIT. */
static hall_err sq_ingest_events(hall_store *s, const hall_event *evs, size_t n, hall_store_insert_result *res,
                                 hall_store_confirm_cb confirm_cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	span_set hours = {0}, kiosks = {0};
	int64_t *confirmed = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	/* One clock read per batch: "received" is when it reached us. */
	const int64_t received = hall_clock_now_ms();
	long at = -1; /* hours.v index of the last new event's (kiosk, hour): a message's events share it */
	long kat = -1; /* kiosks.v index of the current run's kiosk */
	for (size_t i = 0; i < n; i++) {
		const hall_event *ev = &evs[i];
		bool run = i > 0 && strcmp(ev->kiosk, evs[i - 1].kiosk) == 0; /* same kiosk as the one before */
		if (confirm_cb) {
			/* kiosks.v[]: per kiosk, [lo, hi] = the run of seqs from its first event of the
			 * batch on that this batch stores with none missing (new or repeated, both are
			 * stored once it commits); confirm_in_tx jumps over it. */
			if (!run && (kat = span_slot(&kiosks, ev->kiosk, strlen(ev->kiosk), 0, ev->seq)) < 0)
				goto oom;
			if (ev->seq == kiosks.v[kat].hi + 1)
				kiosks.v[kat].hi = ev->seq;
		}
		int added = 0;
		if ((rc = insert_one(q, ev, received, &added, err)) != HALL_OK)
			goto fail;
		if (!added) {
			res->duplicates++;
			continue;
		}
		res->inserted++;
		const int64_t hour = ev->ts / STORE__HOUR_MS;
		if (at >= 0 && hours.v[at].hour == hour && strcmp(hours.v[at].kiosk, ev->kiosk) == 0)
			span_widen(&hours.v[at], ev->seq);
		else if ((at = span_note(&hours, ev->kiosk, strlen(ev->kiosk), hour, ev->seq)) < 0)
			goto oom;
		if (ev->type == HALL_EVENT_VOTE && ev->poll[0] && ev->target[0] &&
		    (rc = count_vote(q, ev, res, err)) != HALL_OK)
			goto fail;
	}
	if ((rc = store_spans(q, &hours, err)) != HALL_OK)
		goto fail;
	/* The counters move in the same transaction, so a crash cannot count a batch twice. */
	static const char *const names[2] = {HALL_COUNTER_EVENTS_STORED, HALL_COUNTER_EVENTS_DUPLICATE};
	const size_t values[2] = {res->inserted, res->duplicates};
	for (int i = 0; i < 2; i++)
		if (values[i] && (rc = sq_counter_add(s, names[i], (int64_t)values[i], err)) != HALL_OK)
			goto fail;
	if (confirm_cb && kiosks.n) {
		confirmed = malloc(kiosks.n * sizeof *confirmed);
		if (!confirmed)
			goto oom;
		for (size_t j = 0; j < kiosks.n; j++)
			if ((rc = confirm_in_tx(q, kiosks.v[j].kiosk, kiosks.v[j].lo, kiosks.v[j].hi, received,
			                        &confirmed[j], err)) != HALL_OK)
				goto fail;
	}
	if ((rc = sq__exec(q, "COMMIT", err)) != HALL_OK)
		goto fail;
	for (size_t j = 0; confirm_cb && j < kiosks.n; j++)
		confirm_cb(user, kiosks.v[j].kiosk, confirmed[j]);
	goto done;
oom:
	rc = hall_error_set(err, HALL_ERR_NOMEM, "", "storing events: out of memory");
fail:
	sq__rollback(q, rc);
done:
	free(confirmed);
	span_free(&hours);
	span_free(&kiosks);
	return rc;
}

static hall_err sq_advance_confirm(hall_store *s, const char *kiosk, int64_t *confirmed, hall_error *err)
{
	sq_store *q = sq(s);
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	rc = confirm_in_tx(q, kiosk, 1, 0, hall_clock_now_ms(), confirmed, err);
	return sq__end(q, rc, err);
}

/* The event type of a TEXT column: compares the length first, so a row costs one memcmp
 * instead of a strcmp per known type name. -1 for a name this version does not know. */
static int type_of_col(sqlite3_stmt *st, int i, hall_event_type *out)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, i) : 0;
	for (int k = 0; k < HALL_EVENT_TYPE_COUNT; k++) {
		const char *name = hall_event_type_name((hall_event_type)k);
		if (strlen(name) == n && memcmp(name, t, n) == 0) {
			*out = (hall_event_type)k;
			return 0;
		}
	}
	return -1;
}

/* Pass 1 of sq_each_event for one kiosk: st (min(lo), max(hi) of its spans in the
 * period's hours, hours already bound) run for id, the result noted in ss. */
static hall_err note_kiosk_span(sq_store *q, sqlite3_stmt *st, const char *id, span_set *ss, hall_error *err)
{
	hall_err rc = HALL_OK;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sq__fail(q, err, "read event spans");
	} else if (sqlite3_column_type(st, 0) != SQLITE_NULL) { /* NULL: no event of it in these hours */
		long at = span_note(ss, id, strlen(id), 0, sq__col_i64(st, 0));
		if (at < 0)
			rc = hall_error_set(err, HALL_ERR_NOMEM, "", "reading events: out of memory");
		else
			span_widen(&ss->v[at], sq__col_i64(st, 1));
	}
	sqlite3_reset(st);
	return rc;
}

/* Events in (kiosk, seq) order without a sort (the contract of store.h) and without an
 * index on ts:
 *   1. per kiosk, in key order, the lowest and highest seq of its event_spans rows of
 *      the hours the period touches (a few rows per kiosk and day);
 *   2. per kiosk, one range scan of the table's own key (kiosk, seq) over that span,
 *      re-checking ts (a span may take in events of other hours, and the period's first
 *      and last hour only partly belong to it).
 * Both run in one read transaction, so a concurrent ingest cannot add an event between
 * the passes that pass 2 would show without pass 1 having seen it. */
static hall_err sq_each_event(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                              hall_store_event_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL, *next = NULL;
	span_set ss = {0};
	bool own_tx = sqlite3_get_autocommit(q->db) != 0;
	hall_err rc = HALL_OK;
	int step = SQLITE_DONE;
	int64_t h_first, h_last;
	store__hour_range(from_ms, to_ms, &h_first, &h_last);
	if (own_tx) {
		rc = sq__exec(q, "BEGIN", err);
		if (rc)
			return rc;
	}
	rc = sq__prep(q, "SELECT min(lo), max(hi) FROM event_spans WHERE kiosk=?1 AND hour>=?2 AND hour<=?3", &st, err);
	if (!rc && !(kiosk && kiosk[0]))
		rc = sq__prep(q, "SELECT kiosk FROM event_spans WHERE kiosk>?1 ORDER BY kiosk LIMIT 1", &next, err);
	if (rc)
		goto done;
	sqlite3_bind_int64(st, 2, h_first);
	sqlite3_bind_int64(st, 3, h_last);
	char id[HALL_ID_BUF] = "";
	if (kiosk && kiosk[0]) {
		snprintf(id, sizeof id, "%s", kiosk);
		rc = note_kiosk_span(q, st, id, &ss, err);
	} else {
		/* Every kiosk of event_spans, by seeking the id after the last one: a skip scan,
		 * a few steps per kiosk however many hours are stored. */
		while (rc == HALL_OK) {
			sqlite3_reset(next);
			sqlite3_bind_text(next, 1, id, -1, SQLITE_TRANSIENT);
			if ((step = sqlite3_step(next)) != SQLITE_ROW)
				break;
			sq__col_text(next, 0, id, sizeof id);
			rc = note_kiosk_span(q, st, id, &ss, err);
		}
		if (rc == HALL_OK && step != SQLITE_DONE)
			rc = sq__fail(q, err, "read event spans");
	}
	if (rc)
		goto done;
	sqlite3_finalize(st);
	st = NULL;
	/* "+ts" keeps the planner on the primary key: the range is on seq, ts only filters. */
	rc = sq__prep(q,
	              "SELECT seq, ts, type, exhibit, target, session, lang, dwell_ms, poll FROM events"
	              " WHERE kiosk=?1 AND seq>=?2 AND seq<=?3 AND +ts>=?4 AND +ts<?5 ORDER BY seq",
	              &st, err);
	if (rc)
		goto done;
	sqlite3_bind_int64(st, 4, from_ms);
	sqlite3_bind_int64(st, 5, to_ms);
	bool stop = false;
	for (size_t i = 0; i < ss.n && !stop; i++) {
		const seq_span *sp = &ss.v[i];
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, sp->kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, sp->lo);
		sqlite3_bind_int64(st, 3, sp->hi);
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			hall_event ev;
			hall_event_init(&ev);
			memcpy(ev.kiosk, sp->kiosk, sizeof ev.kiosk);
			ev.seq = sq__col_i64(st, 0);
			ev.ts = sq__col_i64(st, 1);
			if (type_of_col(st, 2, &ev.type) != 0)
				continue; /* only valid events are ever stored; skip a row from a newer version */
			sq__col_text(st, 3, ev.exhibit, sizeof ev.exhibit);
			sq__col_text(st, 4, ev.target, sizeof ev.target);
			ev.session = sq__col_opt_i64(st, 5);
			sq__col_text(st, 6, ev.lang, sizeof ev.lang);
			ev.dwell_ms = sq__col_opt_i64(st, 7);
			sq__col_text(st, 8, ev.poll, sizeof ev.poll);
			if (cb(user, &ev)) {
				stop = true;
				break;
			}
		}
		if (!stop && step != SQLITE_DONE) {
			rc = sq__fail(q, err, "read events");
			goto done;
		}
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(next);
	if (own_tx)
		sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
	span_free(&ss);
	return rc;
}

static hall_err sq_max_seq(hall_store *s, const char *kiosk, int64_t *max_seq, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "SELECT max(seq) FROM events WHERE kiosk=?1", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	rc = sq__one_i64(q, st, "read events", max_seq, err);
	if (*max_seq < 0)
		*max_seq = 0;
	return rc;
}

/* Through event_spans: every event with ts < ts_ms lies in a span of an hour up to that
 * of ts_ms - 1; each such span is one range delete on the key, re-checking ts. Spans of
 * hours wholly before ts_ms go too; the span of the hour ts_ms falls in stays (it may
 * still hold events, and a span wider than its events is harmless). */
static hall_err sq_delete_events_before(hall_store *s, int64_t ts_ms, int64_t *deleted, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *spans = NULL, *del = NULL;
	int64_t h_first, h_last, n = 0;
	store__hour_range(INT64_MIN, ts_ms, &h_first, &h_last);
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	if ((rc = sq__prep(q, "SELECT kiosk, lo, hi FROM event_spans WHERE hour<=?1", &spans, err)) != HALL_OK ||
	    (rc = sq__prep(q, "DELETE FROM events WHERE kiosk=?1 AND seq>=?2 AND seq<=?3 AND +ts<?4", &del, err)) != HALL_OK)
		goto fail;
	sqlite3_bind_int64(spans, 1, h_last);
	sqlite3_bind_int64(del, 4, ts_ms);
	int step;
	while ((step = sqlite3_step(spans)) == SQLITE_ROW) {
		sqlite3_reset(del);
		sqlite3_bind_value(del, 1, sqlite3_column_value(spans, 0));
		sqlite3_bind_int64(del, 2, sq__col_i64(spans, 1));
		sqlite3_bind_int64(del, 3, sq__col_i64(spans, 2));
		if (sqlite3_step(del) != SQLITE_DONE) {
			rc = sq__fail(q, err, "delete events");
			goto fail;
		}
		n += sqlite3_changes(q->db);
	}
	if (step != SQLITE_DONE) {
		rc = sq__fail(q, err, "read event spans");
		goto fail;
	}
	sqlite3_finalize(spans);
	sqlite3_finalize(del);
	spans = del = NULL;
	if ((rc = sq__prep(q, "DELETE FROM event_spans WHERE hour<?1", &del, err)) != HALL_OK)
		goto fail;
	sqlite3_bind_int64(del, 1, h_last);
	rc = sq__run(q, del, "delete event spans", NULL, err);
	del = NULL;
	if (rc)
		goto fail;
	/* Votes and help presses are raw events too (docs/privacy.md). A vote goes only after
	 * it was added to vote_totals (poll, option, count: no kiosk, session or time), so
	 * the published tallies (all-time, hall_store_each_tally) do not change. */
	if ((rc = sq__prep(q,
	                   "INSERT INTO vote_totals(poll, option, votes) SELECT poll, option, count(*) FROM votes"
	                   " WHERE ts<?1 GROUP BY poll, option"
	                   " ON CONFLICT(poll, option) DO UPDATE SET votes=votes+excluded.votes",
	                   &del, err)) != HALL_OK)
		           goto fail;
	sqlite3_bind_int64(del, 1, ts_ms);
	rc = sq__run(q, del, "fold old votes into vote_totals", NULL, err);
	del = NULL;
	if (rc || (rc = sq__prep(q, "DELETE FROM votes WHERE ts<?1", &del, err)) != HALL_OK)
		goto fail;
	sqlite3_bind_int64(del, 1, ts_ms);
	rc = sq__run(q, del, "delete old votes", NULL, err);
	del = NULL;
	if (rc || (rc = sq__prep(q, "DELETE FROM help WHERE ts<?1", &del, err)) != HALL_OK)
		goto fail;
	sqlite3_bind_int64(del, 1, ts_ms);
	rc = sq__run(q, del, "delete old help presses", NULL, err);
	del = NULL;
	if (!rc)
		rc = sq__exec(q, "COMMIT", err);
	if (rc)
		goto fail;
	if (deleted)
		*deleted = n;
	return HALL_OK;
fail:
	sqlite3_finalize(spans);
	sqlite3_finalize(del);
	return sq__rollback(q, rc);
}

static hall_err log_transition(sq_store *q, const char *kiosk, int64_t ts, bool online, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "INSERT INTO status_log(kiosk, ts, online) VALUES(?1, ?2, ?3)", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, ts);
	sqlite3_bind_int(st, 3, online ? 1 : 0);
	return sq__run(q, st, "log status", NULL, err);
}

/* -1 when the kiosk is unknown, else its stored online flag. */
static hall_err stored_online(sq_store *q, const char *kiosk, int *online, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	hall_err rc = sq__prep(q, "SELECT online FROM kiosks WHERE id=?1", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	rc = sq__one_i64(q, st, "read kiosk", &v, err);
	*online = rc == HALL_OK ? (int)v : -1;
	return rc == HALL_ERR_NOT_FOUND ? HALL_OK : rc;
}

/* No lock-out (DESIGN.md decision 7): the version counter follows what the kiosk holds,
 * within the bound store__version_to_follow keeps. Inside the caller's transaction. */
static hall_err raise_version_counter(sq_store *q, const char *kiosk, int64_t held, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t counter = 0;
	hall_err rc;
	if (held <= 0)
		return HALL_OK;
	rc = sq__prep(q,
	              "SELECT max(coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key='version'), 0),"
	              " (SELECT coalesce(max(version), 0) FROM desired))",
	              &st, err);
	if (rc)
		return rc;
	rc = sq__one_i64(q, st, "version counter", &counter, err);
	if (rc || (held = store__version_to_follow(kiosk, held, counter)) == 0)
		return rc;
	rc = sq__prep(q,
	              "INSERT INTO meta(key, value) VALUES('version', ?1) ON CONFLICT(key) DO UPDATE"
	              " SET value=max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
	              &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, held);
	return sq__run(q, st, "raise version counter", NULL, err);
}

/* Within the caller's transaction: the kiosk's count of events it could not keep (hello,
 * full status), with a row in unrecorded_log whenever it changed (the log is what a
 * report reads: a count that rose in its period makes it incomplete) and its last error
 * (as it said it, "" = none). */
static hall_err note_unrecorded(sq_store *q, const char *kiosk, int64_t count, const char *last_error, int64_t now_ms,
                                hall_error *err)
{
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "INSERT INTO unrecorded_log(kiosk, ts, count) SELECT ?1, ?2, ?3"
	                       " WHERE ?3 <> coalesce((SELECT unrecorded FROM kiosks WHERE id=?1), 0)",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int64(st, 3, count);
	if ((rc = sq__run(q, st, "log unrecorded", NULL, err)) != HALL_OK ||
	    (rc = sq__prep(q, "UPDATE kiosks SET unrecorded=?2, last_error=?3 WHERE id=?1", &st, err)) != HALL_OK)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, count);
	sq__bind_text(st, 3, last_error);
	return sq__run(q, st, "store unrecorded", NULL, err);
}

static hall_err sq_kiosk_hello(hall_store *s, const hall_hello *h, int64_t now_ms, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	int was = -1;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	rc = stored_online(q, h->kiosk, &was, err);
	if (rc)
		goto fail;
	rc = sq__prep(q,
	              "INSERT INTO kiosks(id, grp, first_seen, last_seen, online, online_since, content_version,"
	              " schedule_version, notice_version, seq_max, spool_first, app, broker)"
	              " VALUES(?1, ?2, ?3, ?3, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	              " ON CONFLICT(id) DO UPDATE SET grp=excluded.grp,"
	              " first_seen=CASE WHEN first_seen=0 THEN excluded.first_seen ELSE first_seen END,"
	              " last_seen=excluded.last_seen,"
	              " online_since=CASE WHEN online=1 AND online_since>0 THEN online_since ELSE excluded.online_since END,"
	              " online=1, content_version=excluded.content_version,"
	              " schedule_version=excluded.schedule_version, notice_version=excluded.notice_version,"
	              " seq_max=excluded.seq_max, spool_first=excluded.spool_first, app=excluded.app,"
	              " broker=CASE WHEN excluded.broker='' THEN broker ELSE excluded.broker END",
	              &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, h->kiosk);
	sq__bind_text(st, 2, h->group);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, h->content_version);
	sqlite3_bind_int64(st, 5, h->schedule_version);
	sqlite3_bind_int64(st, 6, h->notice_version);
	sqlite3_bind_int64(st, 7, h->seq_max);
	sqlite3_bind_int64(st, 8, h->spool_first);
	sq__bind_text(st, 9, h->app);
	sq__bind_text(st, 10, h->broker);
	rc = sq__run(q, st, "store hello", NULL, err);
	if (!rc)
		rc = sq__note_showing(q, h->kiosk, &h->showing, now_ms, err);
	if (!rc)
		rc = note_unrecorded(q, h->kiosk, h->unrecorded, h->last_error, now_ms, err);
	if (rc)
		goto fail;
	if (was != 1) {
		rc = log_transition(q, h->kiosk, now_ms, true, err);
		if (rc)
			goto fail;
	}
	rc = raise_version_counter(
		q, h->kiosk, store__held_version(h->content_version, h->schedule_version, h->notice_version, h->version_max),
		err);
fail:
	return sq__end(q, rc, err);
}

static hall_err sq_kiosk_status(hall_store *s, const hall_status *stt, int64_t now_ms, bool *changed,
                                hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	int was = -1;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	rc = stored_online(q, stt->kiosk, &was, err);
	if (rc)
		goto fail;
	bool transition = (was == 1) != stt->online;
	rc = sq__prep(q,
	              "INSERT INTO kiosks(id, first_seen) VALUES(?1, ?2) ON CONFLICT(id) DO NOTHING", &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, stt->kiosk);
	sqlite3_bind_int64(st, 2, stt->online ? now_ms : 0);
	rc = sq__run(q, st, "store status", NULL, err);
	if (rc)
		goto fail;
	if (stt->online) {
		rc = sq__prep(q,
		              "UPDATE kiosks SET online=1, last_seen=?2,"
		              " online_since=CASE WHEN ?3 THEN ?2 ELSE online_since END,"
		              " first_seen=CASE WHEN first_seen=0 THEN ?2 ELSE first_seen END WHERE id=?1",
		              &st, err);
		if (rc)
			goto fail;
		sq__bind_text(st, 1, stt->kiosk);
		sqlite3_bind_int64(st, 2, now_ms);
		sqlite3_bind_int(st, 3, transition ? 1 : 0);
	} else {
		rc = sq__prep(q, "UPDATE kiosks SET online=0 WHERE id=?1", &st, err);
		if (rc)
			goto fail;
		sq__bind_text(st, 1, stt->kiosk);
	}
	rc = sq__run(q, st, "store status", NULL, err);
	if (rc)
		goto fail;
	if (stt->full) {
		rc = sq__prep(q,
		              "UPDATE kiosks SET grp=CASE WHEN ?2='' THEN grp ELSE ?2 END, content_version=?3,"
		              " schedule_version=?4, notice_version=?5, seq_max=max(seq_max, ?6), last_error=?7,"
		              " fps_milli=?8, broker=CASE WHEN ?9='' THEN broker ELSE ?9 END,"
		              " frame_p99_us=CASE WHEN ?10>0 THEN ?10 ELSE frame_p99_us END WHERE id=?1", /* console helper */
		              &st, err);
		if (rc)
			goto fail;
		sq__bind_text(st, 1, stt->kiosk);
		sq__bind_text(st, 2, stt->group);
		sqlite3_bind_int64(st, 3, stt->content_version);
		sqlite3_bind_int64(st, 4, stt->schedule_version);
		sqlite3_bind_int64(st, 5, stt->notice_version);
		sqlite3_bind_int64(st, 6, stt->seq_max);
		sq__bind_text(st, 7, stt->last_error);
		sqlite3_bind_int64(st, 8, (int64_t)(stt->fps * 1000.0 + 0.5));
		sq__bind_text(st, 9, stt->broker);
		sqlite3_bind_int64(st, 10, (int64_t)(stt->frame_p99_ms * 1000.0 + 0.5)); /* console helper */
		rc = sq__run(q, st, "store status", NULL, err);
		if (!rc)
			rc = sq__note_showing(q, stt->kiosk, &stt->showing, now_ms, err);
		if (!rc)
			rc = note_unrecorded(q, stt->kiosk, stt->unrecorded, stt->last_error, now_ms, err);
		if (rc)
			goto fail;
		rc = raise_version_counter(q, stt->kiosk,
		                           store__held_version(stt->content_version, stt->schedule_version,
		                                               stt->notice_version, stt->version_max),
		                           err);
		if (rc)
			goto fail;
	}
	if (transition) {
		rc = log_transition(q, stt->kiosk, now_ms, stt->online, err);
		if (rc)
			goto fail;
	}
fail:
	rc = sq__end(q, rc, err);
	if (changed && rc == HALL_OK)
		*changed = transition;
	return rc;
}

/* A statement's current row as a store__row (store_internal.h), for the readers of
 * store_rows.c. */
typedef struct sq_row {
	store__row row;
	sqlite3_stmt *st;
} sq_row;

static void row_text(const store__row *row, int col, char *out, size_t len)
{
	sq__col_text(((const sq_row *)row)->st, col, out, len);
}

static int64_t row_i64(const store__row *row, int col)
{
	return sq__col_i64(((const sq_row *)row)->st, col);
}

static int64_t row_opt_i64(const store__row *row, int col)
{
	return sq__col_opt_i64(((const sq_row *)row)->st, col);
}

static sq_row row_of(sqlite3_stmt *st)
{
	return (sq_row){{row_text, row_i64, row_opt_i64}, st};
}

static hall_err visit_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	sq_row r = row_of(st);
	return store__visit_row(ctx, &r.row, stop, err);
}

/* Hand every row of st (prepared and bound) to the callback of v; finalizes st. */
static hall_err visit(sq_store *q, sqlite3_stmt *st, const char *what, store__visit v, hall_error *err)
{
	return sq__each_row(q, st, what, visit_row, &v, NULL, err);
}

static hall_err kiosk_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	(void)err;
	sq_row r = row_of(st);
	store__read_kiosk(&r.row, ctx);
	return HALL_OK;
}

static hall_err sq_kiosk_get(hall_store *s, const char *id, hall_store_kiosk *out, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "SELECT " STORE__KIOSK_COLS " FROM kiosks WHERE id=?1", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, id);
	rc = sq__one_row(q, st, "read kiosk", kiosk_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "kiosk %s: never seen", id);
	return rc;
}

static hall_err sq_each_kiosk(hall_store *s, hall_store_kiosk_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "SELECT " STORE__KIOSK_COLS " FROM kiosks ORDER BY id", &st, err);
	return rc ? rc : visit(q, st, "read kiosks", (store__visit){ROW_KIOSK, user, NULL, {.kiosk = cb}}, err);
}

static hall_err sq_kiosk_set_alert(hall_store *s, const char *id, bool alert, const char *reason, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "UPDATE kiosks SET alert=?2, alert_reason=?3 WHERE id=?1", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, id);
	sqlite3_bind_int(st, 2, alert ? 1 : 0);
	sq__bind_text(st, 3, alert ? reason : "");
	return sq__run(q, st, "set alert", NULL, err);
}

/* In one transaction: the count staff saw to, then zero. */
static hall_err sq_help_ack(hall_store *s, const char *id, int64_t *acked, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	rc = sq__prep(q, "SELECT help_count FROM kiosks WHERE id=?1", &st, err);
	if (!rc) {
		sq__bind_text(st, 1, id);
		rc = sq__one_i64(q, st, "read kiosk", acked, err);
		if (rc == HALL_ERR_NOT_FOUND)
			hall_error_set(err, rc, "", "kiosk %s: never seen", id);
	}
	if (!rc)
		rc = sq__prep(q,
		              "UPDATE kiosks SET help_count=0,"
		              " alert=CASE WHEN alert_reason LIKE 'help%' THEN 0 ELSE alert END,"
		              " alert_reason=CASE WHEN alert_reason LIKE 'help%' THEN '' ELSE alert_reason END WHERE id=?1",
		              &st, err);
	if (!rc) {
		sq__bind_text(st, 1, id);
		rc = sq__run(q, st, "acknowledge help", NULL, err);
	}
	return sq__end(q, rc, err);
}

static hall_err sq_each_status_change(hall_store *s, const char *kiosk, int64_t from_ms, int64_t to_ms,
                                      hall_store_status_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT kiosk, ts, online FROM status_log WHERE (?1 IS NULL OR kiosk=?1)"
	                       " AND ts>=?2 AND ts<?3 ORDER BY kiosk, ts, rowid",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_opt_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, from_ms);
	sqlite3_bind_int64(st, 3, to_ms);
	return visit(q, st, "read status log", (store__visit){ROW_STATUS, user, NULL, {.status = cb}}, err);
}

static hall_err sq_add_help(hall_store *s, const hall_help *h, int64_t now_ms, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	/* A numbered call stored before (its resend) is ignored and counts nothing. */
	rc = sq__prep(q,
	              "INSERT OR IGNORE INTO help(kiosk, ts, exhibit, session, received, call)"
	              " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	              &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, h->kiosk);
	sqlite3_bind_int64(st, 2, h->ts);
	sq__bind_text(st, 3, h->exhibit);
	if (h->session >= 0)
		sqlite3_bind_int64(st, 4, h->session);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int64(st, 5, now_ms);
	sqlite3_bind_int64(st, 6, h->call > 0 ? h->call : 0);
	int64_t added = 0;
	rc = sq__run(q, st, "store help", &added, err);
	if (rc || added == 0)
		goto fail;
	rc = sq__prep(q,
	              "INSERT INTO kiosks(id, first_seen, help_count, last_help) VALUES(?1, ?2, 1, ?2)"
	              " ON CONFLICT(id) DO UPDATE SET help_count=help_count+1, last_help=excluded.last_help",
	              &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, h->kiosk);
	sqlite3_bind_int64(st, 2, now_ms);
	rc = sq__run(q, st, "store help", NULL, err);
	if (rc)
		goto fail;
fail:
	return sq__end(q, rc, err);
}

static hall_err sq_next_version(hall_store *s, int64_t *version, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	/* Never below a version already in desired (a database from before the counter). */
	rc = sq__prep(q,
	              "INSERT INTO meta(key, value) VALUES('version',"
	              " (SELECT coalesce(max(version), 0) + 1 FROM desired))"
	              " ON CONFLICT(key) DO UPDATE SET value=CAST(value AS INTEGER) + 1",
	              &st, err);
	if (rc)
		goto fail;
	rc = sq__run(q, st, "next version", NULL, err);
	if (rc)
		goto fail;
	rc = sq__prep(q, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='version'", &st, err);
	if (rc)
		goto fail;
	rc = sq__one_i64(q, st, "next version", version, err);
	if (rc == HALL_ERR_NOT_FOUND)
		rc = sq__fail(q, err, "next version");
fail:
	return sq__end(q, rc, err);
}

static hall_err sq_set_desired(hall_store *s, const hall_store_desired *d, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "INSERT OR REPLACE INTO desired(kind, scope, version, cleared, ref, updated, payload)"
	                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, d->kind);
	sq__bind_text(st, 2, d->scope);
	sqlite3_bind_int64(st, 3, d->version);
	sqlite3_bind_int(st, 4, d->cleared ? 1 : 0);
	sq__bind_text(st, 5, d->ref);
	sqlite3_bind_int64(st, 6, d->updated);
	if (d->payload)
		sqlite3_bind_blob64(st, 7, d->payload, d->payload_len, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 7);
	return sq__run(q, st, "store desired state", NULL, err);
}

static hall_err desired_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	hall_store_desired *out = ctx;
	sq__col_text(st, 0, out->kind, sizeof out->kind);
	sq__col_text(st, 1, out->scope, sizeof out->scope);
	out->version = sq__col_i64(st, 2);
	out->cleared = sq__col_i64(st, 3) != 0;
	sq__col_text(st, 4, out->ref, sizeof out->ref);
	out->updated = sq__col_i64(st, 5);
	const void *blob = sqlite3_column_blob(st, 6);
	size_t n = (size_t)sqlite3_column_bytes(st, 6);
	out->payload = malloc(n + 1);
	if (!out->payload)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	if (n)
		memcpy(out->payload, blob, n);
	out->payload[n] = '\0';
	out->payload_len = n;
	return HALL_OK;
}

static hall_err sq_get_desired(hall_store *s, const char *kind, const char *scope, hall_store_desired *out,
                               hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	hall_err rc = sq__prep(q,
	                       "SELECT kind, scope, version, cleared, ref, updated, payload FROM desired"
	                       " WHERE kind=?1 AND scope=?2",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kind);
	sq__bind_text(st, 2, scope);
	rc = sq__one_row(q, st, "read desired state", desired_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no %s pushed to %s", kind, scope);
	return rc;
}

static hall_err sq_add_history(hall_store *s, hall_store_history *h, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "INSERT INTO history(ts, user, action, kind, target, version, ref, detail, outcome, reason)"
	                       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	                       &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, h->ts);
	sq__bind_text(st, 2, h->user);
	sq__bind_text(st, 3, h->action);
	sq__bind_text(st, 4, h->kind);
	sq__bind_text(st, 5, h->target);
	sqlite3_bind_int64(st, 6, h->version);
	sq__bind_text(st, 7, h->ref);
	sq__bind_text(st, 8, h->detail);
	sq__bind_text(st, 9, h->outcome[0] ? h->outcome : "ok");
	sq__bind_text(st, 10, h->reason);
	rc = sq__run(q, st, "store history", NULL, err);
	if (!rc)
		h->id = sqlite3_last_insert_rowid(q->db);
	return rc;
}

static hall_err sq_each_history(hall_store *s, const char *target, const char *kind, size_t limit,
                                hall_store_history_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT id, ts, user, action, kind, target, version, ref, detail, outcome, reason FROM history"
	                       " WHERE (?1 IS NULL OR target=?1) AND (?2 IS NULL OR kind=?2) ORDER BY id DESC LIMIT ?3",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_opt_text(st, 1, target);
	sq__bind_opt_text(st, 2, kind);
	sqlite3_bind_int64(st, 3, limit ? (int64_t)limit : -1);
	return visit(q, st, "read history", (store__visit){ROW_HISTORY, user, NULL, {.history = cb}}, err);
}

static hall_err sq_add_command(hall_store *s, const hall_store_command *c, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "INSERT INTO commands(id, kiosk, cmd, exhibit, ts, ttl_s) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, c->cmd.id);
	sq__bind_text(st, 2, c->kiosk);
	sq__bind_text(st, 3, hall_command_cmd_name(c->cmd.cmd));
	sq__bind_text(st, 4, c->cmd.exhibit);
	sqlite3_bind_int64(st, 5, c->cmd.ts);
	sqlite3_bind_int64(st, 6, c->cmd.ttl_s);
	return sq__run(q, st, "store command", NULL, err);
}

static hall_err sq_each_pending_command(hall_store *s, const char *kiosk, int64_t now_ms, hall_store_command_cb cb,
                                        void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT id, kiosk, cmd, exhibit, ts, ttl_s FROM commands WHERE kiosk=?1 AND acked=0"
	                       " AND ts + ttl_s * 1000 >= ?2 ORDER BY ts, id",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sqlite3_bind_int64(st, 2, now_ms);
	return visit(q, st, "read commands", (store__visit){ROW_COMMAND, user, NULL, {.command = cb}}, err);
}

/* Row of sq_check_shot: the command's name and whether its image came, checked. */
typedef struct shot_check {
	const char *kiosk, *cmd_id;
	bool found;
} shot_check;

static hall_err shot_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	shot_check *c = ctx;
	char name[32];
	c->found = true;
	sq__col_text(st, 0, name, sizeof name);
	if (strcmp(name, hall_command_cmd_name(HALL_CMD_SCREENSHOT)) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "command", "command %s of %s is a %s, not a screenshot",
		                      c->cmd_id, c->kiosk, name);
	if (sq__col_i64(st, 1))
		return hall_error_set(err, HALL_ERR_STALE, "command",
		                      "the image of screenshot command %s of %s was already received", c->cmd_id, c->kiosk);
	return HALL_OK;
}

static hall_err sq_check_shot(hall_store *s, const char *kiosk, const char *cmd_id, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT c.cmd, EXISTS(SELECT 1 FROM shots WHERE cmd_id=c.id) FROM commands c"
	                       " WHERE c.id=?1 AND c.kiosk=?2",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, cmd_id);
	sq__bind_text(st, 2, kiosk);
	shot_check c = {kiosk, cmd_id, false};
	rc = sq__one_row(q, st, "read command", shot_row, &c, err);
	if (rc == HALL_ERR_NOT_FOUND && !c.found)
		hall_error_set(err, rc, "command", "no screenshot command %s was issued to %s", cmd_id, kiosk);
	return rc;
}

/* One statement: the row goes in only for a screenshot command of this kiosk that has no
 * image yet, so two copies of a shot cannot both be recorded. */
static hall_err sq_add_shot(hall_store *s, const char *kiosk, const char *cmd_id, int64_t now_ms, const char *path,
                            hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	int64_t changes = 0;
	hall_err rc = sq__prep(q,
	                       "INSERT OR IGNORE INTO shots(cmd_id, kiosk, ts, path) SELECT id, kiosk, ?3, ?4 FROM commands"
	                       " WHERE id=?1 AND kiosk=?2 AND cmd=?5",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, cmd_id);
	sq__bind_text(st, 2, kiosk);
	sqlite3_bind_int64(st, 3, now_ms);
	sq__bind_text(st, 4, path);
	sq__bind_text(st, 5, hall_command_cmd_name(HALL_CMD_SCREENSHOT));
	rc = sq__run(q, st, "store screenshot", &changes, err);
	if (rc || changes == 1)
		return rc;
	rc = sq_check_shot(s, kiosk, cmd_id, err);
	return rc ? rc : hall_error_set(err, HALL_ERR_STALE, "command", "screenshot %s not recorded", cmd_id);
}

/* The one TEXT column of sql's first row (one parameter, key) into out; HALL_ERR_NOT_FOUND
 * with err untouched when there is no row, so the caller names what was missing. */
static hall_err select_text(sq_store *q, const char *sql, const char *key, char *out, size_t len, const char *what,
                            hall_error *err)
{
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, sql, &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, key);
	return sq__one_text(q, st, what, out, len, err);
}

static hall_err sq_shot_path(hall_store *s, const char *cmd_id, char *out, size_t len, hall_error *err)
{
	hall_err rc = select_text(sq(s), "SELECT path FROM shots WHERE cmd_id=?1", cmd_id, out, len, "read screenshot", err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "command", "no image recorded for screenshot %s", cmd_id);
	return rc;
}

static hall_err sq_add_ack(hall_store *s, const hall_ack *a, int64_t now_ms, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	int64_t added = 0;
	rc = sq__prep(q,
	              "INSERT INTO acks(kiosk, kind, scope, version, cmd_id, result, reason, ts)"
	              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
	              &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, a->kiosk);
	sq__bind_text(st, 2, hall_ack_kind_name(a->kind));
	sq__bind_text(st, 3, a->scope);
	sqlite3_bind_int64(st, 4, a->version);
	sq__bind_text(st, 5, a->id);
	sq__bind_text(st, 6, hall_ack_result_name(a->result));
	sq__bind_text(st, 7, a->reason);
	sqlite3_bind_int64(st, 8, now_ms);
	rc = sq__run(q, st, "store ack", &added, err);
	if (rc || added == 0) /* stored before (acks_once): what it says is there already */
		goto fail;
	if (a->kind == HALL_ACK_COMMAND) {
		rc = sq__prep(q,
		              "UPDATE commands SET acked=1, result=?3, reason=?4, acked_ts=?5 WHERE id=?1 AND kiosk=?2",
		              &st, err);
		if (rc)
			goto fail;
		sq__bind_text(st, 1, a->id);
		sq__bind_text(st, 2, a->kiosk);
		sq__bind_text(st, 3, hall_ack_result_name(a->result));
		sq__bind_text(st, 4, a->reason);
		sqlite3_bind_int64(st, 5, now_ms);
		rc = sq__run(q, st, "store ack", NULL, err);
		if (rc)
			goto fail;
	} else if (a->kind == HALL_ACK_CONTENT && a->showing.scope[0]) {
		/* The kiosk says what it shows after this message: that, and nothing else, is its
		 * content version (a pack stored behind an override, or a clear, is not). */
		rc = sq__note_showing(q, a->kiosk, &a->showing, now_ms, err);
		if (rc)
			goto fail;
	} else if (a->result == HALL_ACK_APPLIED && a->version > 0) {
		/* An older kiosk (no `showing`): it now holds that version, so `status` shows it at
		 * once instead of after the next status message. Only forward: an older ack
		 * arriving late changes nothing. A clear's version is no content (the desired
		 * state names it cleared): it moves nothing. */
		const char *sql = a->kind == HALL_ACK_CONTENT
		                      ? "UPDATE kiosks SET content_version=max(content_version, ?2) WHERE id=?1 AND NOT EXISTS"
		                        " (SELECT 1 FROM desired WHERE kind='content' AND version=?2 AND cleared=1)"
		                  : a->kind == HALL_ACK_SCHEDULE
		                      ? "UPDATE kiosks SET schedule_version=max(schedule_version, ?2) WHERE id=?1"
		                      : "UPDATE kiosks SET notice_version=max(notice_version, ?2) WHERE id=?1";
		rc = sq__prep(q, sql, &st, err);
		if (rc)
			goto fail;
		sq__bind_text(st, 1, a->kiosk);
		sqlite3_bind_int64(st, 2, a->version);
		rc = sq__run(q, st, "store ack", NULL, err);
		if (rc)
			goto fail;
	}
fail:
	return sq__end(q, rc, err);
}

static hall_err ack_row(void *ctx, sqlite3_stmt *st, bool *stop, hall_error *err)
{
	(void)stop;
	sq_row r = row_of(st);
	return store__read_ack(&r.row, ctx, err);
}

static hall_err sq_get_ack(hall_store *s, const char *kiosk, const char *kind, int64_t version, const char *id,
                           hall_store_ack *out, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	bool is_cmd = strcmp(kind, "command") == 0;
	hall_err rc = sq__prep(q,
	                       is_cmd ? "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks"
	                       " WHERE kiosk=?1 AND kind=?2 AND cmd_id=?3 ORDER BY id DESC LIMIT 1"
	                       : "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks"
	                       " WHERE kiosk=?1 AND kind=?2 AND version=?4 ORDER BY id DESC LIMIT 1",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sq__bind_text(st, 2, kind);
	sq__bind_text(st, 3, id);
	sqlite3_bind_int64(st, 4, version);
	memset(out, 0, sizeof *out);
	rc = sq__one_row(q, st, "read ack", ack_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no ack");
	return rc;
}


static hall_err sq_each_ack(hall_store *s, const char *kiosk, const char *kind, const char *result, int64_t from_ms,
                            int64_t to_ms, hall_store_ack_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks"
	                       " WHERE kind=?2 AND (?1 IS NULL OR kiosk=?1) AND (?3 IS NULL OR result=?3)"
	                       " AND ts>=?4 AND ts<?5 ORDER BY ts, id",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_opt_text(st, 1, kiosk);
	sq__bind_text(st, 2, kind);
	sq__bind_opt_text(st, 3, result);
	sqlite3_bind_int64(st, 4, from_ms);
	sqlite3_bind_int64(st, 5, to_ms);
	return visit(q, st, "read acks", (store__visit){ROW_ACK, user, NULL, {.ack = cb}}, err);
}

static hall_err sq_last_ack_before(hall_store *s, const char *kiosk, const char *kind, const char *result,
                                   int64_t before_ms, hall_store_ack *out, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT kiosk, kind, scope, version, cmd_id, result, reason, ts FROM acks"
	                       " WHERE kiosk=?1 AND kind=?2 AND (?3 IS NULL OR result=?3) AND ts<?4"
	                       " ORDER BY ts DESC, id DESC LIMIT 1",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, kiosk);
	sq__bind_text(st, 2, kind);
	sq__bind_opt_text(st, 3, result);
	sqlite3_bind_int64(st, 4, before_ms);
	memset(out, 0, sizeof *out);
	rc = sq__one_row(q, st, "read ack", ack_row, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "no ack");
	return rc;
}

static hall_err sq_each_tally(hall_store *s, const char *poll, hall_store_tally_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	/* Stored votes plus those retention folded into vote_totals. */
	hall_err rc = sq__prep(q,
	                       "SELECT poll, option, sum(n) FROM ("
	                       "SELECT poll, option, count(*) AS n FROM votes WHERE (?1 IS NULL OR poll=?1) GROUP BY poll, option"
	                       " UNION ALL SELECT poll, option, votes AS n FROM vote_totals WHERE (?1 IS NULL OR poll=?1))"
	                       " GROUP BY poll, option ORDER BY poll, option",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_opt_text(st, 1, poll);
	return visit(q, st, "read votes", (store__visit){ROW_TALLY, user, NULL, {.tally = cb}}, err);
}

static hall_err sq_counter_add(hall_store *s, const char *name, int64_t delta, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "INSERT INTO counters(name, value) VALUES(?1, ?2)"
	                       " ON CONFLICT(name) DO UPDATE SET value=value+excluded.value",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, delta);
	return sq__run(q, st, "count", NULL, err);
}

static hall_err sq_each_counter(hall_store *s, hall_store_counter_cb cb, void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "SELECT name, value FROM counters ORDER BY name", &st, err);
	return rc ? rc : visit(q, st, "read counters", (store__visit){ROW_COUNTER, user, NULL, {.counter = cb}}, err);
}

static hall_err sq_put_daily(hall_store *s, const char *day, const hall_store_daily *rows, size_t n, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	rc = sq__prep(q, "DELETE FROM daily WHERE day=?1", &st, err);
	if (rc)
		goto fail;
	sq__bind_text(st, 1, day);
	rc = sq__run(q, st, "replace daily", NULL, err);
	if (rc)
		goto fail;
	rc = sq__prep(q,
	              "INSERT OR REPLACE INTO daily(day, kiosk, exhibit, hour, lang, type, count, dwell_ms)"
	              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	              &st, err);
	if (rc)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const hall_store_daily *d = &rows[i];
		if (strcmp(d->day, day) != 0) {
			sqlite3_finalize(st);
			rc = hall_error_set(err, HALL_ERR_INVALID, "", "daily row %zu is for %s, not %s", i, d->day, day);
			goto fail;
		}
		sqlite3_reset(st);
		sq__bind_text(st, 1, d->day);
		sq__bind_text(st, 2, d->kiosk);
		sq__bind_text(st, 3, d->exhibit);
		sqlite3_bind_int(st, 4, d->hour);
		sq__bind_text(st, 5, d->lang);
		sq__bind_text(st, 6, d->type);
		sqlite3_bind_int64(st, 7, d->count);
		sqlite3_bind_int64(st, 8, d->dwell_ms);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = sq__fail(q, err, "store daily");
			sqlite3_finalize(st);
			goto fail;
		}
	}
	sqlite3_finalize(st);
fail:
	return sq__end(q, rc, err);
}

static hall_err sq_each_daily(hall_store *s, const char *day_from, const char *day_to, hall_store_daily_cb cb,
                              void *user, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT day, kiosk, exhibit, hour, lang, type, count, dwell_ms FROM daily"
	                       " WHERE day>=?1 AND day<=?2 ORDER BY day, kiosk, exhibit, hour, lang, type",
	                       &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, day_from);
	sq__bind_text(st, 2, day_to);
	return visit(q, st, "read daily", (store__visit){ROW_DAILY, user, NULL, {.daily = cb}}, err);
}

static hall_err sq_meta_get(hall_store *s, const char *key, char *out, size_t len, hall_error *err)
{
	hall_err rc = select_text(sq(s), "SELECT value FROM meta WHERE key=?1", key, out, len, "read meta", err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, "", "%s: not set", key);
	return rc;
}

static hall_err sq_meta_set(hall_store *s, const char *key, const char *value, hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)", &st, err);
	if (rc)
		return rc;
	sq__bind_text(st, 1, key);
	sq__bind_text(st, 2, value);
	return sq__run(q, st, "write meta", NULL, err);
}

/* Per kiosk, what its count of unrecorded events rose by in [from, to): the sum of the
 * rises logged then (a count that fell, a kiosk whose data was wiped, adds nothing). */
static hall_err sq_each_unrecorded(hall_store *s, int64_t from_ms, int64_t to_ms, hall_store_counter_cb cb, void *user,
                                   hall_error *err)
{
	sq_store *q = sq(s);
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q,
	                       "SELECT kiosk, sum(max(count - prev, 0)) FROM (SELECT kiosk, ts, count,"
	                       " lag(count, 1, 0) OVER (PARTITION BY kiosk ORDER BY ts, rowid) AS prev FROM unrecorded_log)"
	                       " WHERE ts>=?1 AND ts<?2 GROUP BY kiosk HAVING sum(max(count - prev, 0)) > 0 ORDER BY kiosk",
	                       &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, from_ms);
	sqlite3_bind_int64(st, 2, to_ms);
	return visit(q, st, "read unrecorded", (store__visit){ROW_COUNTER, user, NULL, {.counter = cb}}, err);
}

static const hall_store_ops SQ_OPS = {
	.backend = "SQLite",
	.close = sq_close,
	.ingest_events = sq_ingest_events,
	.advance_confirm = sq_advance_confirm,
	.each_event = sq_each_event,
	.delete_events_before = sq_delete_events_before,
	.max_seq = sq_max_seq,
	.kiosk_hello = sq_kiosk_hello,
	.kiosk_status = sq_kiosk_status,
	.kiosk_get = sq_kiosk_get,
	.each_kiosk = sq_each_kiosk,
	.kiosk_set_alert = sq_kiosk_set_alert,
	.help_ack = sq_help_ack,
	.each_status_change = sq_each_status_change,
	.add_help = sq_add_help,
	.next_version = sq_next_version,
	.set_desired = sq_set_desired,
	.get_desired = sq_get_desired,
	.add_history = sq_add_history,
	.each_history = sq_each_history,
	.set_history_outcome = sq__set_history_outcome,
	.each_shown = sq__each_shown,
	.last_shown_before = sq__last_shown_before,
	.add_command = sq_add_command,
	.each_pending_command = sq_each_pending_command,
	.add_ack = sq_add_ack,
	.get_ack = sq_get_ack,
	.each_ack = sq_each_ack,
	.last_ack_before = sq_last_ack_before,
	.check_shot = sq_check_shot,
	.add_shot = sq_add_shot,
	.shot_path = sq_shot_path,
	.each_tally = sq_each_tally,
	.counter_add = sq_counter_add,
	.each_counter = sq_each_counter,
	.put_daily = sq_put_daily,
	.each_daily = sq_each_daily,
	.each_unrecorded = sq_each_unrecorded,
	.check = sq__check,
	.backup = sq__backup,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
};

/* 1 when the schema has a table or index of that name, 0 when not, -1 on error. */
static int schema_has(sq_store *q, const char *name)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(q->db, "SELECT 1 FROM sqlite_master WHERE name=?1", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sq__bind_text(st, 1, name);
	int step = sqlite3_step(st);
	sqlite3_finalize(st);
	return step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : -1;
}

/* PRAGMA user_version of a database whose migrations below have all run. */
#define SCHEMA_VERSION 4

/* Migrations, by the version they bring a database to; each runs once, in the write
 * transaction of create_schema, on an old database and on a new one alike (so there is
 * one path: a new database gets its columns the way an old one does).
 *
 * 1: session ids unique for the kiosk's whole life (DESIGN.md decision 9). A kiosk now
 *    names a session by the seq of its session_start event; before, it counted sessions
 *    from 1 at every start, so an old row's session number may equal a new id. Every
 *    session number stored before (events, votes, help) moves above every id a kiosk can
 *    send (HALL_STORE_LEGACY_SESSION + the old number; the protocol caps a session at
 *    HALL_PROTO_SEQ_MAX): old rows keep their grouping, so every count and report of
 *    the past stays what it was, and no new session or vote can ever be taken for an
 *    old one. Session 0 (the attract loop) stays 0; a vote without a session (keyed by
 *    -seq) stays.
 * 2: the fleet's `unrecorded` (events a kiosk could not keep, from its hello and status)
 *    and its log (when the count rose: what makes a report incomplete); help_count
 *    becomes the calls not yet acknowledged (`help ack`), which nothing else resets.
 * 3: a visitor's call for staff has its number (help.call): a call the kiosk sends again
 *    until its help-ack arrives (after a serve restart too) is stored and counted once,
 *    by a unique index on (kiosk, call, ts) of the numbered ones.
 * 4: an ack is one kiosk's answer to one message: unique by (kiosk, kind, scope, version,
 *    cmd_id, result), so the same ack heard by two serves on one database (issue 13) or
 *    redelivered is one row (push progress, history and reports count it once). Rows
 *    stored twice before are folded into the first (the lowest id: its time is when the
 *    answer first arrived). */
static const char *const MIGRATIONS[SCHEMA_VERSION] = {
	"UPDATE events SET session = session + 9007199254740992 WHERE session > 0 AND session < 9007199254740992;"
	"UPDATE votes SET session = session + 9007199254740992 WHERE session > 0 AND session < 9007199254740992;"
	"UPDATE help SET session = session + 9007199254740992 WHERE session > 0 AND session < 9007199254740992;",
	"ALTER TABLE kiosks ADD COLUMN unrecorded INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE IF NOT EXISTS unrecorded_log(kiosk TEXT NOT NULL, ts INTEGER NOT NULL, count INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS unrecorded_log_k ON unrecorded_log(kiosk, ts);",
	"ALTER TABLE help ADD COLUMN call INTEGER NOT NULL DEFAULT 0;"
	"CREATE UNIQUE INDEX IF NOT EXISTS help_call ON help(kiosk, call, ts) WHERE call > 0;",
	"DELETE FROM acks WHERE id NOT IN (SELECT min(id) FROM acks"
	" GROUP BY kiosk, kind, scope, version, cmd_id, result);"
	"CREATE UNIQUE INDEX IF NOT EXISTS acks_once ON acks(kiosk, kind, scope, version, cmd_id, result);",
};
_Static_assert(HALL_STORE_LEGACY_SESSION == HALL_PROTO_SEQ_MAX + 1, "MIGRATIONS[0] writes 2^53 out");

static hall_err user_version(sq_store *q, int64_t *v, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	hall_err rc = sq__prep(q, "PRAGMA user_version", &st, err);
	return rc ? rc : sq__one_i64(q, st, "read schema version", v, err);
}

/* The tables; for a database made before event_spans existed (events indexed by ts
 * instead): event_spans filled from the stored events and the index dropped; then the
 * migrations it has not had. Once, in one write transaction (a second process opening
 * at the same time waits, then finds the work done). */
static hall_err create_schema(sq_store *q, hall_error *err)
{
	int64_t version = 0;
	if (schema_has(q, "event_spans") == 1 && user_version(q, &version, NULL) == HALL_OK &&
	    version >= SCHEMA_VERSION) {
		hall_err rc = sq__exec(q, SCHEMA, err);
		return rc ? rc : sq__migrate_columns(q, err);
	}
	hall_err rc = sq__begin(q, err);
	if (rc)
		return rc;
	int had_events = schema_has(q, "events");
	int has = schema_has(q, "event_spans");
	if (had_events < 0 || has < 0)
		rc = sq__fail(q, err, "read schema");
	if (!rc)
		rc = sq__exec(q, SCHEMA, err);
	if (!rc && had_events == 1 && has == 0)
		rc = sq__exec(q,
		              "INSERT INTO event_spans(kiosk, hour, lo, hi) SELECT kiosk, ts / 3600000, min(seq), max(seq)"
		              " FROM events GROUP BY kiosk, ts / 3600000;"
		              "DROP INDEX IF EXISTS events_ts;",
		              err);
	if (!rc)
		rc = user_version(q, &version, err);
	for (int64_t v = version; !rc && v < SCHEMA_VERSION; v++)
		rc = sq__exec(q, MIGRATIONS[v], err);
	if (!rc && version < SCHEMA_VERSION) {
		char sql[48];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", SCHEMA_VERSION);
		rc = sq__exec(q, sql, err);
	}
	rc = sq__end(q, rc, err);
	return rc ? rc : sq__migrate_columns(q, err);
}

/* SQLite's memory statistics take a global mutex around every allocation (a few percent
 * of ingest's CPU); nothing here reads them. Only takes effect before SQLite initialises,
 * which the first open does, so it is set once, first. */
static void sq_global_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The flags and file name sqlite3_open_v2 gets for a mode. A read-only open of a folder
 * the process cannot write, with no -wal file beside the database (nobody is writing it):
 * SQLite could not create the -shm it needs to read a WAL database, so the file is opened
 * immutable (no locks, no -shm), which is exact while nobody writes it. */
static int open_flags(const char *path, hall_store_open_mode mode, char *name, size_t len)
{
	int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
	char wal[HALL_STORE_PATH_MAX + 8], dir[HALL_STORE_PATH_MAX];
	snprintf(name, len, "%s", path);
	if (mode == HALL_STORE_CREATE)
		return flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (mode == HALL_STORE_WRITE)
		return flags | SQLITE_OPEN_READWRITE;
	snprintf(wal, sizeof wal, "%s-wal", path);
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	if (access(dir, W_OK) != 0 && access(wal, F_OK) != 0) {
		/* A URI: the path's own '%', '?' and '#' must not be read as URI syntax. */
		size_t o = (size_t)snprintf(name, len, "file:");
		for (const char *c = path; *c && o + 4 < len; c++)
			o += (size_t)(*c == '%' || *c == '?' || *c == '#' ? snprintf(name + o, len - o, "%%%02X", (unsigned char)*c)
			                                                  : snprintf(name + o, len - o, "%c", *c));
		snprintf(name + o, len - o, "?immutable=1");
	}
	return flags | SQLITE_OPEN_READONLY;
}

/* 1 when q's file lacks a table, index or column that this version's schema has (made
 * the way serve makes it: in memory, migrations included), or has a lower schema version:
 * an older controller made it and no serve has migrated it since. 0 when current, -1 on
 * error. Comparing with a fresh schema instead of listing what each version added means
 * the next migration is covered without a word here. */
static int schema_is_older(sq_store *q)
{
	hall_store *fresh = NULL;
	sqlite3_stmt *all = NULL, *has = NULL;
	int64_t mine = 0, theirs = 0;
	int older = -1;
	if (hall_store_open_sqlite_mode(":memory:", HALL_STORE_CREATE, &fresh, NULL) != HALL_OK)
		return -1;
	if (user_version(sq__of(fresh), &mine, NULL) != HALL_OK || user_version(q, &theirs, NULL) != HALL_OK)
		goto out;
	if (theirs < mine) {
		older = 1;
		goto out;
	}
	if (sqlite3_prepare_v2(sq__of(fresh)->db,
	                       "SELECT m.type, m.name, p.name FROM sqlite_master AS m"
	                       " LEFT JOIN pragma_table_info(m.name) AS p WHERE m.name NOT LIKE 'sqlite_%'",
	                       -1, &all, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q->db,
	                       "SELECT 1 FROM sqlite_master AS m WHERE m.type=?1 AND m.name=?2 AND (?3 IS NULL OR"
	                       " EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name=?3))",
	                       -1, &has, NULL) != SQLITE_OK)
		goto out;
	older = 0;
	int step;
	while (!older && (step = sqlite3_step(all)) == SQLITE_ROW) {
		for (int i = 0; i < 3; i++)
			sqlite3_bind_value(has, i + 1, sqlite3_column_value(all, i));
		int found = sqlite3_step(has);
		sqlite3_reset(has);
		if (found != SQLITE_ROW && found != SQLITE_DONE)
			older = -1;
		else if (found == SQLITE_DONE)
			older = 1;
	}
	if (!older && step != SQLITE_DONE)
		older = -1;
out:
	sqlite3_finalize(all);
	sqlite3_finalize(has);
	hall_store_close(fresh);
	return older;
}

/* Replace q's connection to an older file by one to a private copy of it, migrated as serve
 * would (create_schema), then made query-only. The copy is SQLite's temporary database
 * (file name ""): on disk, not in memory, so a year of events fits, and deleted when the
 * connection closes. The file itself is only read. */
static hall_err read_migrated(sq_store *q, const char *path, hall_error *err)
{
	sqlite3 *copy = NULL;
	if (sqlite3_open_v2("", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		hall_err rc = hall_error_set(err, HALL_ERR_DB, path, "cannot make a temporary copy to read an older database: %s",
		                             copy ? sqlite3_errmsg(copy) : "out of memory");
		sqlite3_close(copy);
		return rc;
	}
	hall_err rc = sq__copy_pages(copy, q->db, "copy an older database to read it", err);
	if (rc) {
		sqlite3_close(copy);
		return rc;
	}
	sqlite3_close(q->db);
	q->db = copy;
	q->read_only = false; /* the copy's schema is this version's, as serve would make it */
	rc = create_schema(q, err);
	q->read_only = true;
	if (!rc)
		rc = sq__exec(q, "PRAGMA query_only=1", err);
	return rc;
}

hall_err hall_store_open_sqlite_mode(const char *path, hall_store_open_mode mode, hall_store **out, hall_error *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sq_global_config);
	char name[3 * HALL_STORE_PATH_MAX + 32];
	if (strlen(path) >= HALL_STORE_PATH_MAX)
		return hall_error_set(err, HALL_ERR_INVALID, path, "path too long");
	/* Only CREATE may make the file: a mistyped folder must not become a new empty database. */
	if (mode != HALL_STORE_CREATE && access(path, F_OK) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, path, "no database here");
	/* An empty file is an empty database: read as a new one made in memory (SQLite would
	 * find no tables in it, and a reader must not add them). */
	struct stat sb;
	bool reading = mode == HALL_STORE_READ || mode == HALL_STORE_READ_CURRENT;
	if (reading && stat(path, &sb) == 0 && sb.st_size == 0) {
		hall_err rc = hall_store_open_sqlite_mode(":memory:", HALL_STORE_CREATE, out, err);
		if (rc == HALL_OK)
			sq__of(*out)->read_only = true;
		return rc;
	}
	sq_store *q = calloc(1, sizeof *q);
	hall_err rc = HALL_OK;
	if (!q)
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	q->base.ops = &SQ_OPS;
	q->read_only = reading;
	int flags = open_flags(path, mode, name, sizeof name);
	if (sqlite3_open_v2(name, &q->db, flags, NULL) != SQLITE_OK) {
		rc = hall_error_set(err, HALL_ERR_DB, path, "cannot open database: %s",
		                    q->db ? sqlite3_errmsg(q->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(q->db, 5000);
	if (q->read_only) {
		/* Reads only: no journal change, no schema change. A file that is not a database
		 * (or is damaged in its header) fails here, not at the first report query. */
		rc = sq__exec(q, "SELECT count(*) FROM sqlite_master", err);
		if (!rc && mode == HALL_STORE_READ_CURRENT) {
			int older = schema_is_older(q);
			if (older < 0)
				rc = sq__fail(q, err, "read schema");
			else if (older)
				rc = read_migrated(q, path, err);
		}
		if (rc)
			goto fail;
		*out = &q->base;
		return HALL_OK;
	}
	rc = sq__exec(q, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", err);
	if (!rc)
		rc = create_schema(q, err);
	if (!rc)
		rc = sq__prep(q,
		              "INSERT OR IGNORE INTO events(kiosk, seq, ts, type, exhibit, target, session, lang, dwell_ms,"
		              " poll, received) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		              &q->ins_event, err);
	if (!rc)
		rc = sq__prep(q, "INSERT OR IGNORE INTO votes(kiosk, session, poll, option, ts) VALUES(?1, ?2, ?3, ?4, ?5)",
		              &q->ins_vote, err);
	if (!rc)
		rc = sq__prep(q,
		              "INSERT INTO event_spans(kiosk, hour, lo, hi) VALUES(?1, ?2, ?3, ?4) ON CONFLICT(kiosk, hour)"
		              " DO UPDATE SET lo=min(lo, excluded.lo), hi=max(hi, excluded.hi)",
		              &q->ins_span, err);
	if (!rc)
		rc = sq__prep(q, "SELECT confirmed, spool_first FROM kiosks WHERE id=?1", &q->conf_kiosk, err);
	if (!rc)
		rc = sq__prep(q, "SELECT seq FROM events WHERE kiosk=?1 AND seq>?2 ORDER BY seq", &q->conf_events, err);
	if (!rc)
		rc = sq__prep(q,
		              "INSERT INTO kiosks(id, confirmed, last_seen) VALUES(?1, ?2, ?3)"
		              " ON CONFLICT(id) DO UPDATE SET confirmed=max(confirmed, excluded.confirmed),"
		              " last_seen=max(last_seen, excluded.last_seen)",
		              &q->conf_store, err);
	if (rc)
		goto fail;
	*out = &q->base;
	return HALL_OK;
fail:
	if (err)
		snprintf(err->path, sizeof err->path, "%s", path);
	sq_close(&q->base);
	return rc;
}

hall_err hall_store_open_sqlite(const char *path, hall_store **out, hall_error *err)
{
	return hall_store_open_sqlite_mode(path, HALL_STORE_CREATE, out, err);
}

/* The staff console reads through one while serve writes; in WAL mode neither waits for
 * the other. */
hall_err hall_store_open_sqlite_readonly(const char *path, hall_store **out, hall_error *err)
{
	return hall_store_open_sqlite_mode(path, HALL_STORE_READ, out, err);
}
