/* kiosk/link_events.c: visitor events: recorded into the spool, published in batches,
 * confirmed by the controller, resent (DESIGN.md decision 2; link_priv.h). */
#include "link_priv.h"

void link__resend_all(hall_link *link)
{
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	link->next_send = ss.first;
	link->unsent_since = 0;
	link->resend_due = 0;
}

/* A visitor session's id on the wire is the seq of its session_start (docs/protocol.md
 * "events"): seqs survive restarts, so it is unique for the kiosk's whole life, where the
 * app's own number starts again at 1 with every start (issue 10: restarts merged sessions
 * and their votes at the controller). If the session_start itself could not be recorded,
 * the seq it would have had goes to the session's next recorded event, so the id still
 * names no other session's events. */
int64_t link__session_id(hall_link *link, int64_t app_session, bool starting)
{
	if (app_session <= 0)
		return app_session < 0 ? -1 : 0;
	if (starting || app_session != link->session_app) {
		link->session_app = app_session;
		link->session_id = hall_spool_next_seq(link->spool);
	}
	return link->session_id;
}

typedef struct renum_ctx {
	bool ok;
	hall_event ev;
} renum_ctx;

/* lost_spool's renumbering: the session_starts moved (old seq -> new seq), so that the
 * other events of their sessions, and the session running now, follow them. */
typedef struct renum_run {
	hall_link *link;
	int64_t (*moved)[2];
	size_t n, cap;
} renum_run;

static int64_t renum_session(const renum_run *run, int64_t session)
{
	for (size_t i = 0; i < run->n; i++)
		if (run->moved[i][0] == session)
			return run->moved[i][1];
	return session;
}

static void renum_take(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	renum_ctx *r = user;
	(void)index;
	if (!ev_err && ev) {
		r->ev = *ev;
		r->ok = true;
	}
}

/* hall_spool_rebuild_fn: the same event under its new seq. */
static int renumber_event(void *ctx, const void *data, size_t len, int64_t new_seq, void **out, size_t *out_len)
{
	renum_run *run = ctx;
	renum_ctx r = {0};
	char *buf = NULL;
	if (hall_proto_decode_events(data, len, run->link->cfg.id, renum_take, &r, NULL, NULL, NULL) != HALL_OK || !r.ok)
		return -1;
	if (r.ev.type == HALL_EVENT_SESSION_START && run->n < run->cap) {
		run->moved[run->n][0] = r.ev.seq;
		run->moved[run->n++][1] = new_seq;
	}
	if (r.ev.session > 0)
		r.ev.session = renum_session(run, r.ev.session);
	r.ev.seq = new_seq;
	if (hall_proto_encode_event(&r.ev, &buf, out_len, NULL) != HALL_OK)
		return -1;
	*out = buf;
	return 0;
}

/* The controller confirmed a seq this kiosk never issued: it holds events of an earlier
 * life of this kiosk (its data directory was wiped, so seq began again at 1). New events
 * would repeat stored (kiosk, seq) keys and be counted as repeats, never stored. So seq
 * moves past the confirm before anything more is issued, and what is unconfirmed gets new
 * seqs above it and is sent (DESIGN.md decision 2: seq rises across restarts). */
static void lost_spool(hall_link *link, int64_t confirmed, const hall_spool_stats *before)
{
	hall_error err = {0};
	size_t moved = 0;
	/* at most one session_start per unconfirmed event */
	renum_run run = {link, NULL, 0, (size_t)(before->seq_max - before->first + 1)};
	if (run.cap > 0 && !(run.moved = calloc(run.cap, sizeof *run.moved)))
		run.cap = 0; /* out of memory: sessions keep their old ids, events still move */
	hall_warn("link: the controller holds events of this kiosk up to seq %lld, but this spool issued only up to "
	          "%lld (was the data directory wiped?): new events are numbered from %lld on",
	          (long long)confirmed, (long long)before->seq_max, (long long)confirmed + 1);
	hall_err rc = hall_spool_skip_past(link->spool, confirmed, renumber_event, &run, &moved, &err);
	if (link->session_id > 0)
		link->session_id = renum_session(&run, link->session_id);
	free(run.moved);
	if (rc != HALL_OK) {
		hall_error_log("link: cannot move the spool past seq %lld: %s: %s", (long long)confirmed, err.path,
		               err.msg);
		return;
	}
	hall_spool_stats after;
	hall_spool_get_stats(link->spool, &after);
	link->next_send = after.first; /* the renumbered ones go out at once */
	link->unsent_since = 0;
	link->resend_due = 0;
}

void link__handle_confirm(hall_link *link, const hall_mqtt_msg *msg, bool is_signed, int64_t now)
{
	hall_confirm c;
	hall_error err = {0};
	hall_spool_stats before, after;
	if (hall_proto_decode_confirm(msg->payload, msg->len, &c, &err) != HALL_OK) {
		hall_warn("link: bad confirm: %s: %s", err.path, err.msg);
		return;
	}
	hall_spool_get_stats(link->spool, &before);
	if (c.seq > before.seq_max) {
		/* Never believed without bound: a confirm near the seq limit would stop this
		 * kiosk recording for good (DESIGN.md decision 7). */
		int64_t limit = is_signed ? HALL_PROTO_SEQ_JUMP_SIGNED_MAX : HALL_PROTO_SEQ_JUMP_UNSIGNED_MAX;
		if (c.seq > limit) {
			link->confirms_ignored++;
			if (link->confirms_ignored == 1 || link->confirms_ignored % 1000 == 0)
				hall_warn("link: ignored %s confirm of seq %lld: above this kiosk's seq_max %lld and beyond %lld, "
				          "the most such a confirm may move its numbering; recording goes on (%llu ignored so far)",
				          is_signed ? "a signed" : "an unsigned", (long long)c.seq, (long long)before.seq_max,
				          (long long)limit, (unsigned long long)link->confirms_ignored);
			return;
		}
		lost_spool(link, c.seq, &before);
		return;
	}
	if (c.seq <= before.confirmed)
		return;
	if (hall_spool_confirm(link->spool, c.seq, &err) != HALL_OK) {
		hall_error_log("link: spool confirm %lld: %s", (long long)c.seq, err.msg);
		return;
	}
	hall_spool_get_stats(link->spool, &after);
	if (link->next_send <= after.confirmed)
		link->next_send = after.confirmed + 1;
	/* Progress: the controller is taking events, give the rest a full timeout again. */
	link->resend_due = link->next_send > after.first ? now + link->tune.resend_ms : 0;
}

void link__handle_controller_status(hall_link *link, const hall_mqtt_msg *msg)
{
	hall_controller_status cs;
	hall_error err = {0};
	if (hall_proto_decode_controller_status(msg->payload, msg->len, &cs, &err) != HALL_OK) {
		hall_warn("link: bad controller status: %s: %s", err.path, err.msg);
		return;
	}
	int was = link->controller_online;
	link->controller_online = cs.online ? 1 : 0;
	/* A live (not retained) online status is the controller announcing a new connection:
	 * it may have restarted, maybe on a fresh database, and missed our hello. A retained
	 * one is the broker's replay at our link__subscribe, right after our own hello. */
	if (cs.online && (was == 0 || !msg->retain)) {
		hall_info("link: controller online, sending hello and resending unconfirmed events");
		if (link__publish_hello(link) != HALL_OK)
			hall_warn("link: hello to the returning controller not sent; the next connect sends it");
		link__resend_all(link);
	}
}

/* ---- events -------------------------------------------------------------------------- */

typedef struct batch_ctx {
	hall_strbuf *b;
	size_t n;
	int64_t last;
} batch_ctx;

static int batch_add(void *ctx, int64_t seq, const void *data, size_t len)
{
	batch_ctx *c = ctx;
	if (c->n > 0)
		hall_strbuf_append(c->b, ",", 1);
	hall_strbuf_append(c->b, data, len);
	c->n++;
	c->last = seq;
	return 0;
}

/* Publish what is due: batches of at most batch_max events when a batch is full or its
 * oldest event waited batch_ms, never more than `window` events unconfirmed in flight;
 * resend from the lowest unconfirmed seq when the resend timer ran out. */
void link__publish_events(hall_link *link, int64_t now)
{
	hall_spool_stats ss;
	if (!link->online)
		return;
	hall_spool_get_stats(link->spool, &ss);
	if (link->resend_due && now >= link->resend_due && link->next_send > ss.first) {
		hall_info("link: no confirm for events from %lld within %d ms, resending", (long long)ss.first,
		          link->tune.resend_ms);
		link__resend_all(link);
	}
	for (int i = 0; i < BATCHES_PER_CALL; i++) {
		hall_spool_get_stats(link->spool, &ss);
		if (link->next_send < ss.first)
			link->next_send = ss.first;
		int64_t unsent = ss.durable - link->next_send + 1;
		int64_t room = (int64_t)link->cfg.spool.window - (link->next_send - ss.first);
		if (unsent <= 0 || room <= 0)
			return;
		int64_t n = unsent < room ? unsent : room;
		if (n > link->cfg.spool.batch_max)
			n = link->cfg.spool.batch_max;
		bool due = n >= link->cfg.spool.batch_max || link->flushing || link->unsent_since == 0 ||
		           now - link->unsent_since >= link->cfg.spool.batch_ms;
		if (!due)
			return;
		hall_strbuf b;
		batch_ctx ctx = {&b, 0, 0};
		hall_error err = {0};
		hall_strbuf_init(&b);
		hall_strbuf_printf(&b, "{\"kiosk\":\"%s\",\"events\":[", link->cfg.id);
		if (hall_spool_read(link->spool, link->next_send, (size_t)n, BATCH_BYTES_MAX, batch_add, &ctx, NULL, &err) !=
		    HALL_OK) {
			hall_error_log("link: reading the spool: %s: %s", err.path, err.msg);
			hall_strbuf_free(&b);
			return;
		}
		hall_strbuf_puts(&b, "]}");
		size_t len = 0;
		char *text = hall_strbuf_take(&b, &len);
		if (!text || ctx.n == 0) {
			free(text);
			return;
		}
		hall_err rc = link__publish(link, "events", text, len, false);
		free(text);
		if (rc != HALL_OK)
			return;
		if (link->next_send == ss.first || link->resend_due == 0)
			link->resend_due = now + link->tune.resend_ms;
		link->next_send = ctx.last + 1;
		link->unsent_since = now;
	}
}

typedef struct build_ctx {
	hall_event ev;
	hall_error *err;
} build_ctx;

static int build_event(void *ctx, int64_t seq, void **data, size_t *len)
{
	build_ctx *b = ctx;
	char *out = NULL;
	b->ev.seq = seq;
	if (hall_proto_encode_event(&b->ev, &out, len, b->err) != HALL_OK)
		return -1;
	*data = out;
	return 0;
}

hall_err hall_link_record(hall_link *link, const hall_link_event *ev, uint64_t *seq, hall_error *err)
{
	build_ctx b;
	hall_event_type type;
	hall_err rc;
	int64_t got = 0;
	hall_spool_stats ss;
	hall_event_init(&b.ev);
	b.err = err;
	if (!ev->type || hall_event_type_from_name(ev->type, &type) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "type", "unknown event type \"%s\"", ev->type ? ev->type : "");
	hall_proto_copy(b.ev.kiosk, sizeof b.ev.kiosk, link->cfg.id);
	b.ev.type = type;
	b.ev.ts = hall_clock_now_ms();
	b.ev.seq = hall_spool_next_seq(link->spool);
	if ((ev->exhibit && hall_proto_copy(b.ev.exhibit, sizeof b.ev.exhibit, ev->exhibit) != 0) ||
	    (ev->target && hall_proto_copy(b.ev.target, sizeof b.ev.target, ev->target) != 0) ||
	    (ev->lang && hall_proto_copy(b.ev.lang, sizeof b.ev.lang, ev->lang) != 0) ||
	    (ev->poll && hall_proto_copy(b.ev.poll, sizeof b.ev.poll, ev->poll) != 0))
		return hall_error_set(err, HALL_ERR_INVALID, "", "a field of the %s event is too long", ev->type);
	b.ev.session = link__session_id(link, ev->session, type == HALL_EVENT_SESSION_START);
	b.ev.dwell_ms = ev->dwell_ms < 0 ? -1 : ev->dwell_ms;
	if ((rc = hall_proto_check_event(&b.ev, "", err)) != HALL_OK)
		return rc;
	hall_spool_get_stats(link->spool, &ss);
	bool none_waiting = link->next_send > ss.seq_max;
	/* A full spool or disk holds the event in memory, or refuses and counts it (the
	 * spool logs and counts; status and hello carry the count) */
	rc = hall_spool_append_build(link->spool, build_event, &b, &got, err);
	if (rc != HALL_OK)
		return rc;
	link->appended = true;
	if (none_waiting)
		link->unsent_since = link__mono_now();
	if (seq)
		*seq = (uint64_t)got;
	return HALL_OK;
}
