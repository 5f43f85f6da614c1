/* kiosk/link.c: the link's life cycle, connection, dispatch of incoming messages,
 * publishing (acks, status, hello), subscriptions and the update queue (see link.h for the
 * contract, link_priv.h for how the link is split). */
#include "link_priv.h"

const char *const link__kind_leaf[K_COUNT] = {"content", "schedule", "notice"};
const char *const link__scope_name[S_COUNT] = {"all", "group", "kiosk"};

/* ---- small helpers ------------------------------------------------------------------- */

int64_t link__mono_now(void)
{
	return hall_clock_mono_ms();
}

void link__set_last_error(hall_link *link, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(link->last_error, sizeof link->last_error, fmt, ap);
	va_end(ap);
	link->status_due = 0; /* tell the controller soon */
	for (char *p = link->last_error; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

void link__status_error(const hall_link *link, char *out, size_t len)
{
	const char *spool = hall_spool_last_error(link->spool);
	hall_proto_copy(out, len, spool[0] ? spool : link->last_error);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

void link__reason_from_error(char *out, size_t len, const hall_error *e)
{
	char buf[512];
	hall_error_format(e, buf, sizeof buf);
	snprintf(out, len, "%s", buf);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

void link__content_key(const hall_link *link, int scope, int64_t version, char *out, size_t len)
{
	switch (scope) {
	case S_ALL:
		snprintf(out, len, "all.v%lld", (long long)version);
		break;
	case S_GROUP:
		snprintf(out, len, "group.%s.v%lld", link->cfg.group, (long long)version);
		break;
	default:
		snprintf(out, len, "kiosk.%s.v%lld", link->cfg.id, (long long)version);
		break;
	}
}

static void scope_string(const hall_link *link, int scope, char *out, size_t len)
{
	switch (scope) {
	case S_ALL:
		snprintf(out, len, "all");
		break;
	case S_GROUP:
		snprintf(out, len, "group:%s", link->cfg.group);
		break;
	default:
		snprintf(out, len, "kiosk:%s", link->cfg.id);
		break;
	}
}

hall_link_scope link__public_scope(int scope)
{
	switch (scope) {
	case S_ALL:
		return HALL_LINK_SCOPE_ALL;
	case S_GROUP:
		return HALL_LINK_SCOPE_GROUP;
	case S_KIOSK:
		return HALL_LINK_SCOPE_KIOSK;
	default:
		return HALL_LINK_SCOPE_DEFAULT;
	}
}

bool link__group_enabled(const hall_link *link)
{
	return hall_id_is_valid(link->cfg.group) != 0;
}

/* ---- update queue -------------------------------------------------------------------- */

hall_link_update *link__update_new(hall_link_update_kind kind)
{
	hall_link_update *u = calloc(1, sizeof *u);
	if (u)
		u->kind = kind;
	else
		hall_error_log("link: out of memory for an update");
	return u;
}

void link__update_free(hall_link_update *u)
{
	if (!u)
		return;
	hall_link_update_clear(u);
	free(u);
}

/* Queue an update (ownership passes). A full queue drops the oldest update of the same
 * kind first (a newer one supersedes it), else the oldest of all. */
void link__queue_push(hall_link *link, hall_link_update *u)
{
	if (!u)
		return;
	if (link->q_len == QUEUE_MAX) {
		size_t victim = 0;
		for (size_t i = 0; i < link->q_len; i++) {
			if (link->queue[(link->q_head + i) % QUEUE_MAX]->kind == u->kind) {
				victim = i;
				break;
			}
		}
		size_t at = (link->q_head + victim) % QUEUE_MAX;
		hall_warn("link: update queue full, dropping an older update of kind %d", (int)link->queue[at]->kind);
		link__update_free(link->queue[at]);
		for (size_t i = victim; i + 1 < link->q_len; i++)
			link->queue[(link->q_head + i) % QUEUE_MAX] = link->queue[(link->q_head + i + 1) % QUEUE_MAX];
		link->q_len--;
	}
	link->queue[(link->q_head + link->q_len) % QUEUE_MAX] = u;
	link->q_len++;
}

void hall_link_update_clear(hall_link_update *u)
{
	if (!u)
		return;
	hall_cstore_content_destroy(u->content);
	hall_cstore_schedule_destroy(u->schedule);
	memset(u, 0, sizeof *u);
}

/* ---- publishing ---------------------------------------------------------------------- */

hall_err link__publish(hall_link *link, const char *leaf, const void *data, size_t len, bool retain)
{
	char topic[HALL_TOPIC_MAX];
	hall_error err = {0};
	hall_err rc;
	if (!link->mq || !link->started)
		return HALL_ERR_NET;
	if (hall_topic_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, leaf) != 0)
		return HALL_ERR_INVALID;
	rc = hall_mqtt_publish(link->mq, topic, data, len, retain, NULL, &err);
	if (rc != HALL_OK && rc != HALL_ERR_NET)
		hall_warn("link: link__publish %s: %s", topic, err.msg);
	return rc;
}

void link__showing(const hall_link *link, hall_showing *out)
{
	memset(out, 0, sizeof *out);
	bool builtin = link->current_scope < 0 || link->current_scope >= S_COUNT;
	hall_proto_copy(out->scope, sizeof out->scope, builtin ? "default" : link__scope_name[link->current_scope]);
	out->version = builtin ? 0 : link->current_version;
	hall_proto_copy(out->pack, sizeof out->pack, link->current_pack);
}

/* An ack of content/schedule/notice: applied, rejected (reason) or, for content,
 * deferred (reason and until, UTC ms). A content ack says what is on screen when it is
 * sent (the controller tells "applied" from "stored behind an override" by it). */
void link__send_ack_result(hall_link *link, int kind, int scope, int64_t version, hall_ack_result result,
                           const char *reason, int64_t until)
{
	bool ok = result != HALL_ACK_REJECTED;
	hall_ack a;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&a, 0, sizeof a);
	hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
	a.kind = kind == K_CONTENT ? HALL_ACK_CONTENT : kind == K_SCHEDULE ? HALL_ACK_SCHEDULE : HALL_ACK_NOTICE;
	if (scope >= 0)
		scope_string(link, scope, a.scope, sizeof a.scope);
	a.version = version;
	a.result = result;
	if (reason)
		snprintf(a.reason, sizeof a.reason, "%s", reason);
	if (result == HALL_ACK_DEFERRED)
		a.until = until;
	if (kind == K_CONTENT)
		link__showing(link, &a.showing);
	if (!ok)
		hall_warn("link: %s version %lld rejected: %s", link__kind_leaf[kind], (long long)version, reason ? reason : "");
	else
		link->status_due = 0; /* the versions held changed: the controller's counter follows them */
	if (hall_proto_encode_ack(&a, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode ack: %s: %s", err.path, err.msg);
		return;
	}
	if (link__publish(link, "ack", buf, len, false) != HALL_OK)
		hall_info("link: %s ack for version %lld not sent (offline); the next hello tells the controller",
		          link__kind_leaf[kind], (long long)version);
	free(buf);
}

void link__send_ack(hall_link *link, int kind, int scope, int64_t version, bool ok, const char *reason)
{
	link__send_ack_result(link, kind, scope, version, ok ? HALL_ACK_APPLIED : HALL_ACK_REJECTED, reason, 0);
}

void link__send_command_ack(hall_link *link, const char *id, bool ok, const char *reason)
{
	hall_ack a;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&a, 0, sizeof a);
	hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
	a.kind = HALL_ACK_COMMAND;
	hall_proto_copy(a.id, sizeof a.id, id);
	a.version = -1;
	a.result = ok ? HALL_ACK_DONE : HALL_ACK_FAILED;
	if (reason)
		snprintf(a.reason, sizeof a.reason, "%s", reason);
	if (hall_proto_encode_ack(&a, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode command ack: %s: %s", err.path, err.msg);
		return;
	}
	link__publish(link, "ack", buf, len, false);
	free(buf);
}

static int64_t shown_version(const hall_link *link, int kind)
{
	if (kind == K_CONTENT)
		return link->current_version;
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		const slot *sl = &link->slots[kind][s];
		if (sl->version > 0 && !sl->cleared)
			return sl->version;
	}
	return 0;
}

/* The highest version held for any kind and scope, shown or hidden: the controller keeps
 * its counter above it, or its next push to that scope would be refused as older. */
static int64_t held_version_max(const hall_link *link)
{
	int64_t v = link->current_version;
	for (int k = 0; k < K_COUNT; k++)
		for (int s = 0; s < S_COUNT; s++)
			if (link->slots[k][s].version > v)
				v = link->slots[k][s].version;
	for (int s = 0; s < S_COUNT; s++)
		if (link->pending[s].version > v)
			v = link->pending[s].version;
	return v;
}

/* "host:port" of the broker the session is on now ("" when none): hello and status say it,
 * so the controller sees where each kiosk went after a failover. */
_Static_assert(HALL_PROTO_BROKER_MAX + 1 >= HALL_MQTT_ADDR_MAX, "broker names fit the protocol field");
static void link__broker(hall_link *link, char *out, size_t len)
{
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	hall_proto_copy(out, len, ms.broker);
}

void link__publish_status(hall_link *link, int64_t now)
{
	hall_status st;
	hall_spool_stats ss;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	memset(&st, 0, sizeof st);
	hall_spool_get_stats(link->spool, &ss);
	hall_proto_copy(st.kiosk, sizeof st.kiosk, link->cfg.id);
	st.online = true;
	st.full = true;
	if (link__group_enabled(link))
		hall_proto_copy(st.group, sizeof st.group, link->cfg.group);
	st.ts = hall_clock_now_ms();
	st.uptime_s = (now - link->start_mono) / 1000;
	if (st.uptime_s < 0)
		st.uptime_s = 0;
	st.content_version = shown_version(link, K_CONTENT);
	st.schedule_version = shown_version(link, K_SCHEDULE);
	st.notice_version = shown_version(link, K_NOTICE);
	st.fps = link->fps < 0 ? 0 : link->fps > 1000 ? 1000 : link->fps;
	st.frame_p99_ms = link->frame_p99_ms; /* console helper: render health */
	st.seq_max = ss.seq_max;
	st.unrecorded = ss.unrecorded;
	link__status_error(link, st.last_error, sizeof st.last_error);
	link__showing(link, &st.showing);
	st.version_max = held_version_max(link);
	st.rejected_unsigned = (int64_t)link->rejected_unsigned;
	link__broker(link, st.broker, sizeof st.broker);
	if (hall_proto_encode_status(&st, &buf, &len, &err) != HALL_OK) {
		hall_warn("link: cannot encode status: %s: %s", err.path, err.msg);
		return;
	}
	if (link__publish(link, "status", buf, len, link->cfg.retain) == HALL_OK) {
		link->status_due = now + link->tune.status_interval_ms;
		link->said_unrecorded = ss.unrecorded;
		hall_proto_copy(link->said_spool_error, sizeof link->said_spool_error, hall_spool_last_error(link->spool));
	}
	free(buf);
}

hall_err link__publish_hello(hall_link *link)
{
	hall_hello h;
	hall_spool_stats ss;
	hall_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	hall_err rc;
	memset(&h, 0, sizeof h);
	hall_spool_get_stats(link->spool, &ss);
	hall_proto_copy(h.kiosk, sizeof h.kiosk, link->cfg.id);
	if (link__group_enabled(link))
		hall_proto_copy(h.group, sizeof h.group, link->cfg.group);
	h.ts = hall_clock_now_ms();
	h.boot_ts = link->boot_ts;
	h.content_version = shown_version(link, K_CONTENT);
	h.schedule_version = shown_version(link, K_SCHEDULE);
	h.notice_version = shown_version(link, K_NOTICE);
	h.seq_max = ss.seq_max;
	h.spool_first = ss.first;
	h.unrecorded = ss.unrecorded;
	link__status_error(link, h.last_error, sizeof h.last_error);
	h.version_max = held_version_max(link);
	h.rejected_unsigned = (int64_t)link->rejected_unsigned;
	hall_proto_copy(h.app, sizeof h.app, APP_NAME);
	hall_proto_copy(h.last_error, sizeof h.last_error, link->last_error);
	link__showing(link, &h.showing);
	link__broker(link, h.broker, sizeof h.broker);
	if ((rc = hall_proto_encode_hello(&h, &buf, &len, &err)) != HALL_OK) {
		hall_warn("link: cannot encode hello: %s: %s", err.path, err.msg);
		return rc;
	}
	rc = link__publish(link, "hello", buf, len, false);
	free(buf);
	return rc;
}

/* ---- subscriptions --------------------------------------------------------------------- */

void link__subscribe(hall_link *link, const char *topic)
{
	hall_error err = {0};
	if (hall_mqtt_subscribe(link->mq, topic, &err) != HALL_OK)
		hall_warn("link: cannot link__subscribe %s: %s", topic, err.msg);
}

void link__unsubscribe(hall_link *link, const char *topic)
{
	hall_error err = {0};
	if (hall_mqtt_unsubscribe(link->mq, topic, &err) != HALL_OK)
		hall_warn("link: cannot link__unsubscribe %s: %s", topic, err.msg);
}

static hall_err subscribe_all(hall_link *link, hall_error *err)
{
	static const char *const kiosk_leaves[] = {"confirm", "content", "schedule", "notice",
	                                           "command", "poll",    HALL_HELP_ACK_LEAF};
	char topic[HALL_TOPIC_MAX];
	for (size_t i = 0; i < sizeof kiosk_leaves / sizeof kiosk_leaves[0]; i++) {
		if (hall_topic_ctl_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, kiosk_leaves[i]) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "id", "cannot build topics for kiosk \"%s\"", link->cfg.id);
		link__subscribe(link, topic);
	}
	for (int k = 0; k < K_COUNT; k++) {
		if (link__group_enabled(link) &&
		    hall_topic_ctl_group(topic, sizeof topic, link->prefix, link->cfg.group, link__kind_leaf[k]) == 0)
			link__subscribe(link, topic);
		if (hall_topic_ctl_all(topic, sizeof topic, link->prefix, link__kind_leaf[k]) == 0)
			link__subscribe(link, topic);
	}
	if (hall_topic_ctl_controller_status(topic, sizeof topic, link->prefix) == 0)
		link__subscribe(link, topic);
	if (hall_topic_ctl_all(topic, sizeof topic, link->prefix, HALL_ROLLCALL_LEAF) == 0)
		link__subscribe(link, topic);
	return HALL_OK;
}

/* Follow the polls of the content now shown: exact topics, one per poll. */
void link__update_poll_subscriptions(hall_link *link, const char (*ids)[65], size_t n)
{
	char topic[HALL_TOPIC_MAX];
	for (size_t i = 0; i < link->n_polls; i++) {
		bool keep = false;
		for (size_t j = 0; j < n && !keep; j++)
			keep = strcmp(link->polls[i], ids[j]) == 0;
		if (!keep && hall_topic_ctl_poll_results(topic, sizeof topic, link->prefix, link->polls[i]) == 0)
			link__unsubscribe(link, topic);
	}
	for (size_t j = 0; j < n; j++)
		if (hall_topic_ctl_poll_results(topic, sizeof topic, link->prefix, ids[j]) == 0)
			link__subscribe(link, topic);
	memcpy(link->polls, ids, n * sizeof ids[0]);
	link->n_polls = n;
}

/* ---- authority: which controller messages count (DESIGN.md decision 7) --------------- */

/* A refusal for signature reasons: answered on the ack topic with the reason (as the kind
 * of message refused, naming its version, scope, command or poll when it can be read),
 * counted in the status (rejected_unsigned, sent soon), logged once per kind and reason
 * (a flood of forgeries must not fill the log; the count keeps rising). Nothing else
 * happens: what the kiosk shows and keeps stays as it was. */
static void refuse_unsigned(hall_link *link, hall_ack_kind kind, int scope, const hall_mqtt_msg *inner,
                            hall_sign_verdict v)
{
	const char *reason = hall_sign_verdict_reason(v);
	cJSON *root = NULL;
	hall_error ignore = {0};
	hall_ack a;
	char *buf = NULL;
	size_t len = 0;
	bool answer = true;
	link->rejected_unsigned++;
	link->status_due = 0;
	if (!(link->refusals_logged[kind] & (1u << v))) {
		link->refusals_logged[kind] |= 1u << v;
		hall_warn("link: refused a %s message on %s: %s (logged once; counted as rejected_unsigned)",
		          hall_ack_kind_name(kind), inner->topic, reason);
	}
	memset(&a, 0, sizeof a);
	hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
	a.kind = kind;
	a.version = -1;
	a.result = HALL_ACK_REJECTED;
	snprintf(a.reason, sizeof a.reason, "%s", reason);
	(void)hall_json_parse((const char *)inner->payload, inner->len, HALL_PROTO_JSON_MAX, &root, &ignore);
	switch (kind) {
	case HALL_ACK_CONTENT:
	case HALL_ACK_SCHEDULE:
	case HALL_ACK_NOTICE:
		/* An ack of these names a version: without one there is nothing to answer. */
		answer = root && hall_json_get_int(root, "", "version", 1, HALL_PROTO_SEQ_MAX, &a.version, &ignore) == HALL_OK;
		if (scope >= 0)
			scope_string(link, scope, a.scope, sizeof a.scope);
		break;
	case HALL_ACK_COMMAND: {
		const char *id = NULL;
		answer = root && hall_json_get_string(root, "", "id", HALL_ID_MAX, &id, &ignore) == HALL_OK &&
		         hall_id_is_valid(id);
		if (answer)
			hall_proto_copy(a.id, sizeof a.id, id);
		a.result = HALL_ACK_FAILED;
		break;
	}
	case HALL_ACK_POLL: {
		const char *id = NULL;
		if (root && hall_json_get_string(root, "", "poll", HALL_ID_MAX, &id, &ignore) == HALL_OK && hall_id_is_valid(id))
			hall_proto_copy(a.id, sizeof a.id, id);
		break;
	}
	case HALL_ACK_CONFIRM:
		break;
	}
	cJSON_Delete(root);
	if (answer && hall_proto_encode_ack(&a, &buf, &len, &ignore) == HALL_OK)
		link__publish(link, "ack", buf, len, false);
	free(buf);
}

/* Take the signature off a controller message. *inner is msg with payload/len on the
 * unsigned payload (borrowed from msg). True when the message may be acted on: signed by
 * the pinned controller_key for this very topic or, in the development profile (no
 * controller_key), unsigned or signed (not checked). *is_signed says whether a pinned
 * key verified it: only then may it move versions or seqs without bounds. */
static bool authentic(hall_link *link, hall_ack_kind kind, int scope, const hall_mqtt_msg *msg, hall_mqtt_msg *inner,
                      bool *is_signed)
{
	const void *p = NULL;
	size_t n = 0;
	hall_sign_verdict v = hall_sign_unwrap(link->keyed ? link->controller_pk : NULL, msg->topic, msg->payload,
	                                       msg->len, &p, &n);
	*inner = *msg;
	inner->payload = (unsigned char *)(uintptr_t)p;
	inner->len = n;
	*is_signed = link->keyed && v == HALL_SIGN_VALID;
	if (v == HALL_SIGN_VALID || (v == HALL_SIGN_UNSIGNED && !link->keyed))
		return true;
	refuse_unsigned(link, kind, scope, inner, v);
	return false;
}

/* A roll-call (docs/protocol.md): answer with a hello at a random moment below its
 * within_ms (bounded), so a thousand kiosks do not answer in the same millisecond. It
 * only makes the kiosk say hello, yet it must be the controller's: with a pinned key an
 * unsigned or badly signed one is refused (logged), as every control message. */
/* Take the signature off a controller message that has no ack of its own (roll-call,
 * help-ack, controller status): *in is msg on the unsigned payload (borrowed). strict:
 * with a pinned key only a message signed by it counts, and a refusal is counted in
 * rejected_unsigned (told in a status soon); not strict: unsigned is taken too, only a
 * bad signature is refused. Refusals are logged. */
static bool unwrap_unacked(hall_link *link, const hall_mqtt_msg *msg, bool strict, const char *what,
                           hall_mqtt_msg *in)
{
	const void *inner = NULL;
	size_t n = 0;
	hall_sign_verdict v = hall_sign_unwrap(link->keyed ? link->controller_pk : NULL, msg->topic, msg->payload,
	                                       msg->len, &inner, &n);
	if (v != HALL_SIGN_VALID && !(v == HALL_SIGN_UNSIGNED && (!strict || !link->keyed))) {
		if (strict) {
			link->rejected_unsigned++;
			link->status_due = 0;
		}
		hall_warn("link: %s on %s refused: %s", what, msg->topic, hall_sign_verdict_reason(v));
		return false;
	}
	*in = *msg;
	in->payload = (unsigned char *)(uintptr_t)inner;
	in->len = n;
	return true;
}

static void handle_rollcall(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	hall_mqtt_msg in;
	if (!unwrap_unacked(link, msg, true, "roll-call", &in))
		return;
	int64_t within = HALL_ROLLCALL_WITHIN_MS_DEFAULT;
	cJSON *doc = cJSON_ParseWithLength((const char *)in.payload, in.len);
	const cJSON *w = cJSON_GetObjectItemCaseSensitive(doc, "within_ms");
	if (cJSON_IsNumber(w) && w->valuedouble >= 0)
		within = w->valuedouble > HALL_ROLLCALL_WITHIN_MS_MAX ? HALL_ROLLCALL_WITHIN_MS_MAX : (int64_t)w->valuedouble;
	cJSON_Delete(doc);
	int64_t due = now + (within > 0 ? (int64_t)(link__random(link) % (uint64_t)within) : 0);
	if (!link->hello_due || due < link->hello_due)
		link->hello_due = due;
}

static void dispatch(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	static const hall_ack_kind ACK_OF[K_COUNT] = {HALL_ACK_CONTENT, HALL_ACK_SCHEDULE, HALL_ACK_NOTICE};
	char topic[HALL_TOPIC_MAX];
	const char *p = link->prefix;
	const char *id = link->cfg.id;
	hall_mqtt_msg in;
	bool sig = false;
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "confirm") == 0 && strcmp(topic, msg->topic) == 0) {
		if (authentic(link, HALL_ACK_CONFIRM, -1, msg, &in, &sig))
			link__handle_confirm(link, &in, sig, now);
		return;
	}
	for (int k = 0; k < K_COUNT; k++) {
		int scope = -1;
		if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, link__kind_leaf[k]) == 0 && strcmp(topic, msg->topic) == 0)
			scope = S_KIOSK;
		else if (link__group_enabled(link) &&
		         hall_topic_ctl_group(topic, sizeof topic, p, link->cfg.group, link__kind_leaf[k]) == 0 &&
		         strcmp(topic, msg->topic) == 0)
			scope = S_GROUP;
		else if (hall_topic_ctl_all(topic, sizeof topic, p, link__kind_leaf[k]) == 0 && strcmp(topic, msg->topic) == 0)
			scope = S_ALL;
		if (scope >= 0) {
			if (authentic(link, ACK_OF[k], scope, msg, &in, &sig))
				link__handle_envelope(link, k, scope, &in, sig, now);
			return;
		}
	}
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "command") == 0 && strcmp(topic, msg->topic) == 0) {
		if (authentic(link, HALL_ACK_COMMAND, -1, msg, &in, &sig))
			link__handle_command(link, &in);
		return;
	}
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, "poll") == 0 && strcmp(topic, msg->topic) == 0) {
		if (authentic(link, HALL_ACK_POLL, -1, msg, &in, &sig))
			link__handle_poll_results(link, &in);
		return;
	}
	if (hall_topic_ctl_kiosk(topic, sizeof topic, p, id, HALL_HELP_ACK_LEAF) == 0 && strcmp(topic, msg->topic) == 0) {
		/* It makes the screen tell a visitor that staff are coming: the controller's word
		 * only (with a pinned key, signed); a refusal is counted and logged, not acked. */
		if (unwrap_unacked(link, msg, true, "help-ack", &in))
			link__handle_help_ack(link, &in);
		return;
	}
	if (hall_topic_ctl_controller_status(topic, sizeof topic, p) == 0 && strcmp(topic, msg->topic) == 0) {
		/* Changes nothing shown or kept (a forged one only makes the kiosk say hello and
		 * resend), and the controller's Will is fixed before it connects: taken signed or
		 * not, a bad signature still refused. */
		if (unwrap_unacked(link, msg, false, "controller status", &in))
			link__handle_controller_status(link, &in);
		return;
	}
	if (hall_topic_ctl_all(topic, sizeof topic, p, HALL_ROLLCALL_LEAF) == 0 && strcmp(topic, msg->topic) == 0) {
		handle_rollcall(link, msg, now);
		return;
	}
	if (link__job_wants(link, msg->topic)) {
		/* Asset chunks are not signed: every asset is checked against the sha256 and size
		 * of the manifest, which was. */
		link__handle_chunk(link, msg, now);
		return;
	}
	for (size_t i = 0; i < link->n_polls; i++) {
		if (hall_topic_ctl_poll_results(topic, sizeof topic, p, link->polls[i]) == 0 && strcmp(topic, msg->topic) == 0) {
			if (authentic(link, HALL_ACK_POLL, -1, msg, &in, &sig))
				link__handle_poll_results(link, &in);
			return;
		}
	}
	hall_debug("link: ignoring message on %s", msg->topic);
}

/* ---- the loop ------------------------------------------------------------------------ */

static void on_connected(hall_link *link, int64_t now)
{
	if (link__publish_hello(link) != HALL_OK)
		return;
	link->connects++;
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	hall_info("link: connected to %s, hello sent", ms.broker);
	link__publish_status(link, now);
	link__resend_all(link);
	link__help_reconnected(link); /* calls for staff waiting: sent in this poll */
	/* Chunks in flight when the connection dropped are gone: ask again (after the wait). */
	if (link->job.active)
		link__job_rearm(link, now);
}

/* Connection changes: hello and status on every connect. */
static void service_connection(hall_link *link, int64_t now)
{
	if (!link->started)
		return;
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	bool conn = hall_mqtt_is_connected(link->mq);
	link->online = conn;
	if (conn && ms.connects != link->seen_connects) {
		link->seen_connects = ms.connects;
		on_connected(link, now);
	}
	if (!conn)
		link->controller_online = link->controller_online == 1 ? -1 : link->controller_online;
	if (conn != link->online_reported) {
		hall_link_update *u = link__update_new(HALL_LINK_CONNECTION);
		if (u) {
			u->online = conn;
			link__queue_push(link, u);
		}
		link->online_reported = conn;
		if (!conn)
			hall_info("link: connection to the broker lost; events wait in the spool");
	}
}

/* Timers: status, asset requests, the next content job. Runs after incoming messages
 * were handled, so a chunk already received never looks like silence. */
static void service_timers(hall_link *link, int64_t now)
{
	if (!link->started)
		return;
	if (link->online && now >= link->status_due)
		link__publish_status(link, now);
	if (link->online && link->hello_due && now >= link->hello_due) {
		link->hello_due = 0;
		if (link__publish_hello(link) != HALL_OK)
			hall_warn("link: hello for the roll-call not sent");
	}
	link__job_step(link, now);
	if (!link->job.active)
		link__start_next_job(link, now);
}

static void take_messages(hall_link *link, int64_t now, size_t max)
{
	for (size_t i = 0; i < max && link->q_len < QUEUE_REFILL; i++) {
		hall_mqtt_msg msg;
		if (!hall_mqtt_poll(link->mq, &msg))
			break;
		dispatch(link, &msg, now);
		hall_mqtt_msg_free(&msg);
	}
}

bool hall_link_poll(hall_link *link, int64_t now_ms, hall_link_update *out)
{
	memset(out, 0, sizeof *out);
	if (link->started) {
		service_connection(link, now_ms);
		take_messages(link, now_ms, MSGS_PER_POLL);
		service_timers(link, now_ms);
		link__publish_events(link, now_ms);
	}
	link__help_step(link, now_ms); /* also unstarted: a call must still be given up in time */
	if (link->q_len == 0)
		return false;
	hall_link_update *u = link->queue[link->q_head];
	link->q_head = (link->q_head + 1) % QUEUE_MAX;
	link->q_len--;
	*out = *u;
	free(u);
	return true;
}

int64_t hall_link_next_due_ms(const hall_link *link)
{
	int64_t due = INT64_MAX;
	hall_spool_stats ss;
	if (link->q_len > 0)
		return 0;
	hall_spool_get_stats(link->spool, &ss);
	if (ss.held)
		due = link->held_retry; /* online or not: writing them waits for the disk only */
	int64_t help_due = link__help_due(link, link__mono_now()); /* online or not: a call is given up in time */
	if (help_due < due)
		due = help_due;
	/* Offline every other timer waits for the connection, and the network thread wakes
	 * the main loop when it comes. */
	if (!link->started || !link->online)
		return due;
	if (link->status_due < due)
		due = link->status_due;
	if (link->resend_due && link->next_send > ss.first && link->resend_due < due)
		due = link->resend_due;
	int64_t unsent = ss.durable - link->next_send + 1;
	int64_t room = (int64_t)link->cfg.spool.window - (link->next_send - ss.first);
	if (unsent > 0 && room > 0) {
		int64_t batch_due = link->unsent_since ? link->unsent_since + link->cfg.spool.batch_ms : 0;
		if (batch_due < due)
			due = batch_due;
	}
	if (link__job_due(link) < due)
		due = link__job_due(link);
	return due;
}

/* Events held in memory by the spool (it could not write them) are tried again every
 * HELD_RETRY_MS even when no new event comes; a change of the spool's trouble (a count,
 * its error set or cleared) goes to the controller in a status at once. */
#define HELD_RETRY_MS 500

static void watch_spool(hall_link *link, int64_t now)
{
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	if (ss.held && now >= link->held_retry) {
		hall_error err = {0};
		link->held_retry = now + HELD_RETRY_MS;
		if (hall_spool_sync(link->spool, &err) != HALL_OK)
			hall_debug("link: spool sync: %s: %s", err.path, err.msg);
		hall_spool_get_stats(link->spool, &ss);
	}
	if (now >= link->spool_status_next &&
	    (ss.unrecorded != link->said_unrecorded ||
	     strncmp(hall_spool_last_error(link->spool), link->said_spool_error, sizeof link->said_spool_error - 1) != 0)) {
		link->status_due = 0;
		link->spool_status_next = now + 1000; /* a count rising per tap: a status a second */
	}
}

void hall_link_frame_end(hall_link *link)
{
	int64_t now = link__mono_now();
	if (link->appended) {
		hall_error err = {0};
		if (hall_spool_sync(link->spool, &err) == HALL_OK) {
			link->appended = false;
		} else if (now >= link->sync_error_logged + 10000) {
			/* tried every frame (a full disk): logged every 10 s, status says it too */
			link->sync_error_logged = now;
			hall_error_log("link: spool sync: %s: %s", err.path, err.msg);
		}
	}
	watch_spool(link, now);
	if (link->started) {
		service_connection(link, now);
		service_timers(link, now);
		link__publish_events(link, now);
	}
}

size_t hall_link_flush(hall_link *link, int timeout_ms)
{
	hall_spool_stats ss;
	int64_t deadline = link__mono_now() + timeout_ms;
	link->flushing = true;
	for (;;) {
		int64_t now = link__mono_now();
		hall_link_frame_end(link);
		if (link->started)
			take_messages(link, now, MSGS_PER_POLL);
		hall_spool_get_stats(link->spool, &ss);
		if (ss.count == 0 || !link->started || now >= deadline)
			break;
		int64_t left = deadline - now;
		hall_mqtt_wait(link->mq, left < 50 ? (int)left : 50);
	}
	link->flushing = false;
	return (size_t)ss.count;
}

void hall_link_set_status(hall_link *link, double fps, const char *last_error)
{
	if (!link->fps_said && fps > 0) {
		/* the first measured frame rate goes out at once (the status on connect had none) */
		link->fps_said = true;
		link->status_due = 0;
	}
	link->fps = fps;
	if (!last_error)
		return; /* keep what is there (the link's own errors too) */
	if (strncmp(link->last_error, last_error, sizeof link->last_error - 1) != 0)
		link__set_last_error(link, "%s", last_error);
}

bool hall_link_is_online(const hall_link *link)
{
	return link->online;
}

void hall_link_get_stats(const hall_link *link, hall_link_stats *out)
{
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	memset(out, 0, sizeof *out);
	out->seq_max = (uint64_t)ss.seq_max;
	out->spool_first = (uint64_t)ss.first;
	out->confirmed = (uint64_t)ss.confirmed;
	out->in_flight = link->next_send > ss.first ? (size_t)(link->next_send - ss.first) : 0;
	out->dropped = (uint64_t)ss.unrecorded;
	out->content_version = link->current_version;
	out->schedule_version = shown_version(link, K_SCHEDULE);
	out->notice_version = shown_version(link, K_NOTICE);
	out->connects = link->connects;
}

void hall_link_tune(hall_link *link, const hall_link_tuning *t)
{
	if (t->fetch_timeout_ms > 0)
		link->tune.fetch_timeout_ms = t->fetch_timeout_ms;
	if (t->fetch_attempts > 0)
		link->tune.fetch_attempts = t->fetch_attempts;
	if (t->status_interval_ms > 0)
		link->tune.status_interval_ms = t->status_interval_ms;
	if (t->resend_ms > 0)
		link->tune.resend_ms = t->resend_ms;
	if (t->fetch_jitter_ms > 0)
		link->tune.fetch_jitter_ms = t->fetch_jitter_ms;
}

/* ---- create / start / destroy -------------------------------------------------------- */

static void on_wake(void *ctx)
{
	hall_link *link = ctx;
	if (link->wake)
		link->wake(link->wake_ctx);
}

hall_err hall_link_create(const hall_kiosk_config *cfg, void (*wake)(void *ctx), void *wake_ctx, hall_link **out,
                          hall_error *err)
{
	hall_link *link = NULL;
	hall_err rc = HALL_OK;
	char path[HALL_LINK_PATH_MAX];
	char will_topic[HALL_TOPIC_MAX];
	char *will = NULL;
	size_t will_len = 0;
	*out = NULL;
	if (!hall_id_is_valid(cfg->id))
		return hall_error_set(err, HALL_ERR_INVALID, "id", "\"%s\" is not a valid kiosk id", cfg->id);
	link = calloc(1, sizeof *link);
	if (!link)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	link->cfg = *cfg;
	if (cfg->controller_key[0]) {
		if ((rc = hall_sign_pk_parse(cfg->controller_key, "controller_key", link->controller_pk, err)) != HALL_OK)
			goto fail;
		link->keyed = true;
	}
	if (!link->cfg.topic_prefix[0])
		snprintf(link->cfg.topic_prefix, sizeof link->cfg.topic_prefix, "%s", HALL_TOPIC_PREFIX_DEFAULT);
	link->prefix = link->cfg.topic_prefix;
	link->wake = wake;
	link->wake_ctx = wake_ctx;
	link->tune.fetch_timeout_ms = 10000;
	link->tune.fetch_attempts = 4;
	link->tune.fetch_jitter_ms = 1000;
	link->tune.status_interval_ms = 60000;
	link->tune.resend_ms = cfg->spool.resend_ms > 0 ? cfg->spool.resend_ms : 5000;
	if (link->cfg.spool.batch_max <= 0 || link->cfg.spool.batch_max > HALL_PROTO_BATCH_MAX)
		link->cfg.spool.batch_max = 100;
	if (link->cfg.spool.window <= 0)
		link->cfg.spool.window = 500;
	link->controller_online = -1;
	link->current_scope = -1;
	link->handed_sched_scope = link->handed_notice_scope = -2;
	link->boot_ts = hall_clock_now_ms();
	link->rng = (uint64_t)link->boot_ts ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)link;
	for (const char *c = cfg->id; *c; c++)
		link->rng = (link->rng ^ (unsigned char)*c) * UINT64_C(1099511628211);
	if (link->rng == 0)
		link->rng = 1;
	link->start_mono = link__mono_now();

	if ((rc = hall_fs_mkdirs(cfg->data_dir, err)) != HALL_OK)
		goto fail;
	if (hall_fs_join(path, sizeof path, cfg->data_dir, "spool") != 0 ||
	    hall_fs_join(link->state_path, sizeof link->state_path, cfg->data_dir, "link-state.json") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		goto fail;
	}
	if ((rc = hall_spool_open(path, (uint64_t)cfg->spool.max_bytes, &link->spool, err)) != HALL_OK)
		goto fail;
	hall_spool_set_hold(link->spool, (uint64_t)cfg->spool.hold_bytes);
	link->said_unrecorded = -1; /* the first status says it, whatever it is */
	if (hall_fs_join(path, sizeof path, cfg->data_dir, "content") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		goto fail;
	}
	if ((rc = hall_cstore_open(path, &link->store, err)) != HALL_OK)
		goto fail;
	hall_spool_stats ss;
	hall_spool_get_stats(link->spool, &ss);
	link->next_send = ss.first;

	/* The session exists from the start (subscriptions are registered now and sent on
	 * every connect); nothing touches the network before hall_link_start. */
	if (hall_topic_kiosk(will_topic, sizeof will_topic, link->prefix, cfg->id, "status") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "topic_prefix", "cannot build topics with \"%s\"", link->prefix);
		goto fail;
	}
	if ((rc = hall_proto_encode_will(cfg->id, &will, &will_len, err)) != HALL_OK)
		goto fail;
	hall_mqtt_config mc;
	hall_mqtt_addr brokers[HALL_BROKER_HOSTS_MAX];
	memset(&mc, 0, sizeof mc);
	mc.brokers = brokers; /* the list to fail over between (broker.hosts or --broker) */
	mc.n_brokers = hall_broker_config_addrs(&cfg->broker, brokers);
	mc.client_id = cfg->id;
	mc.username = cfg->broker.username[0] ? cfg->broker.username : cfg->id;
	mc.password = cfg->broker.has_password ? cfg->broker.password : NULL;
	mc.cafile = cfg->broker.cafile[0] ? cfg->broker.cafile : NULL; /* TLS with the hall's CA */
	mc.keepalive_s = cfg->broker.keepalive_s;
	mc.reconnect_max_s = HALL_MQTT_RECONNECT_MAX_S; /* as the controller: back soon after an outage */
	/* Nothing is kept for us between connections: hello brings back what differs. */
	mc.clean_session = true;
	mc.subscribe_qos0 = cfg->broker.kind == HALL_BROKER_RABBITMQ; /* hall/mqtt.h says why */
	mc.will_topic = will_topic;
	mc.will_payload = will;
	mc.will_len = will_len;
	mc.will_retain = cfg->retain;
	mc.wake = on_wake;
	mc.ctx = link;
	if ((rc = hall_mqtt_create(&mc, &link->mq, err)) != HALL_OK)
		goto fail;
	if ((rc = subscribe_all(link, err)) != HALL_OK)
		goto fail;

	link__load_state(link);
	link__boot_content(link);
	link__reconsider_content(link, false);
	link__reconsider_schedule(link);
	link__reconsider_notice(link);
	free(will);
	*out = link;
	return HALL_OK;
fail:
	free(will);
	hall_link_destroy(link);
	return rc;
}

hall_err hall_link_start(hall_link *link, hall_error *err)
{
	hall_err rc;
	if (link->started)
		return HALL_OK;
	if ((rc = hall_mqtt_start(link->mq, err)) != HALL_OK)
		return rc;
	link->started = true;
	link->status_due = 0;
	return HALL_OK;
}

void hall_link_destroy(hall_link *link)
{
	if (!link)
		return;
	if (link->mq) {
		if (link->started) {
			hall_status st;
			hall_spool_stats ss;
			hall_error err = {0};
			char *buf = NULL;
			size_t len = 0;
			char topic[HALL_TOPIC_MAX];
			memset(&st, 0, sizeof st);
			hall_spool_get_stats(link->spool, &ss);
			hall_proto_copy(st.kiosk, sizeof st.kiosk, link->cfg.id);
			st.online = false;
			st.full = true;
			if (link__group_enabled(link))
				hall_proto_copy(st.group, sizeof st.group, link->cfg.group);
			st.ts = hall_clock_now_ms();
			st.uptime_s = (link__mono_now() - link->start_mono) / 1000;
			if (st.uptime_s < 0)
				st.uptime_s = 0;
			st.content_version = link->current_version;
			st.schedule_version = shown_version(link, K_SCHEDULE);
			st.notice_version = shown_version(link, K_NOTICE);
			st.seq_max = ss.seq_max;
			st.unrecorded = ss.unrecorded;
			link__status_error(link, st.last_error, sizeof st.last_error);
			st.version_max = held_version_max(link);
			st.rejected_unsigned = (int64_t)link->rejected_unsigned;
			if (hall_proto_encode_status(&st, &buf, &len, &err) == HALL_OK &&
			    hall_topic_kiosk(topic, sizeof topic, link->prefix, link->cfg.id, "status") == 0)
				hall_mqtt_stop(link->mq, topic, buf, len, link->cfg.retain, 2000, &err);
			else
				hall_mqtt_stop(link->mq, NULL, NULL, 0, false, 0, &err);
			free(buf);
		}
		hall_mqtt_destroy(link->mq);
		link->mq = NULL;
	}
	link__job_clear(link);
	hall_cstore_content_destroy(link->fresh);
	for (int s = 0; s < S_COUNT; s++)
		free(link->pending[s].manifest);
	for (int k = 0; k < K_COUNT; k++)
		for (int s = 0; s < S_COUNT; s++)
			free(link->slots[k][s].body);
	while (link->q_len > 0) {
		link__update_free(link->queue[link->q_head]);
		link->q_head = (link->q_head + 1) % QUEUE_MAX;
		link->q_len--;
	}
	hall_cstore_close(link->store);
	hall_spool_close(link->spool);
	free(link);
}
