/* kiosk/link_content.c: content, schedule and notice envelopes; choosing what to show;
 * content jobs (fetch assets by hash, take chunks from any stream, stage the pack); the
 * main thread's answers about content (link_priv.h). */
#include "link_priv.h"
#include "hall/content.h"

/* ---- content: choosing what to show ---------------------------------------------------- */

static int effective_content_scope(const hall_link *link)
{
	char key[HALL_CSTORE_KEY_MAX];
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		const slot *sl = &link->slots[K_CONTENT][s];
		if (sl->version <= 0 || sl->cleared || sl->failed || (s == S_GROUP && !link__group_enabled(link)))
			continue;
		link__content_key(link, s, sl->version, key, sizeof key);
		if (hall_cstore_has_pack(link->store, key))
			return s;
	}
	return -1;
}

/* Replace what was handed out but not applied. Its own slot still holding it means it is
 * kept (just not shown: a more specific scope wins), which counts as applied. */
static void supersede_handed(hall_link *link, int64_t by_version)
{
	handed_content *h = &link->handed;
	if (!h->waiting)
		return;
	if (h->ack && h->scope >= 0) {
		const slot *sl = &link->slots[K_CONTENT][h->scope];
		if (sl->version == h->version && !sl->cleared && !sl->failed)
			link__send_ack(link, K_CONTENT, h->scope, h->version, true, "");
		else {
			char reason[96];
			snprintf(reason, sizeof reason, "superseded by version %lld before it was shown", (long long)by_version);
			link__send_ack(link, K_CONTENT, h->scope, h->version, false, reason);
		}
	}
	h->waiting = false;
}

/* Hand the main thread the content that should be shown, if it is not what it shows (or
 * was last handed). `ack` asks for an "applied" ack once the main thread applied it. */
void link__reconsider_content(hall_link *link, bool force)
{
	for (int tries = 0; tries < S_COUNT + 1; tries++) {
		int eff = effective_content_scope(link);
		char key[HALL_CSTORE_KEY_MAX] = "";
		int64_t version = 0;
		hall_content *content = NULL;
		char dir[HALL_CSTORE_PATH_MAX] = "";
		hall_error err = {0};
		hall_err rc;
		if (eff >= 0) {
			version = link->slots[K_CONTENT][eff].version;
			link__content_key(link, eff, version, key, sizeof key);
		}
		const char *target = link->handed.waiting ? link->handed.key : link->current_key;
		if (!force && strcmp(key, target) == 0)
			return;
		if (eff >= 0 && link->fresh && strcmp(link->fresh_key, key) == 0) {
			/* Just staged and checked: no need to read and hash it again. */
			content = link->fresh;
			link->fresh = NULL;
			snprintf(dir, sizeof dir, "%s", link->fresh_dir);
			rc = HALL_OK;
		} else if (eff >= 0)
			rc = hall_cstore_load_pack(link->store, key, &content, dir, &err);
		else
			rc = hall_cstore_load_dir(link->cfg.default_content, &content, &err);
		if (rc != HALL_OK) {
			char reason[REASON_BUF];
			link__reason_from_error(reason, sizeof reason, &err);
			if (eff < 0) {
				hall_error_log("link: default content %s unusable: %s", link->cfg.default_content, reason);
				link__set_last_error(link, "default content unusable: %s", reason);
				link->content_error = true;
				return;
			}
			hall_error_log("link: pack %s unusable: %s", key, reason);
			link->slots[K_CONTENT][eff].failed = true;
			link__save_state(link);
			continue;
		}
		if (eff < 0)
			snprintf(dir, sizeof dir, "%s", link->cfg.default_content);
		hall_link_update *u = link__update_new(HALL_LINK_CONTENT);
		if (!u) {
			hall_cstore_content_destroy(content);
			return;
		}
		supersede_handed(link, version);
		u->scope = link__public_scope(eff);
		u->version = version;
		u->content = content;
		snprintf(u->pack_dir, sizeof u->pack_dir, "%s", dir);
		link->handed.waiting = true;
		link->handed.scope = eff;
		link->handed.version = version;
		link->handed.ack = eff >= 0 && !force;
		link->handed.deferred_sent = false;
		snprintf(link->handed.key, sizeof link->handed.key, "%s", key);
		hall_proto_copy(link->handed.pack, sizeof link->handed.pack, content->id ? content->id : "");
		link->handed.n_polls = hall_cstore_content_polls(content, link->handed.polls, POLLS_MAX);
		link__queue_push(link, u);
		return;
	}
}

/* ---- content: fetching and staging ------------------------------------------------------ */

void link__job_clear(hall_link *link)
{
	content_job *j = &link->job;
	for (size_t i = 0; j->assets && i < j->m.n_assets; i++) {
		hall_cstore_blob_abort(j->assets[i].blob);
		if (j->assets[i].topic[0] && link->mq)
			link__unsubscribe(link, j->assets[i].topic);
	}
	free(j->assets);
	free(j->manifest);
	hall_cstore_manifest_free(&j->m);
	memset(j, 0, sizeof *j);
}

static void job_fail(hall_link *link, const char *reason)
{
	link__send_ack(link, K_CONTENT, link->job.scope, link->job.version, false, reason);
	link__job_clear(link);
}

/* Index of the first asset not yet whole (n_assets when all are). */
static size_t job_current(const content_job *j)
{
	size_t i = 0;
	while (i < j->m.n_assets && j->assets[i].done)
		i++;
	return i;
}

static void job_forget_streams(content_job *j, int64_t now)
{
	j->episode_ms = now;
	j->max_wait_ms = 0;
	for (size_t i = 0; j->assets && i < j->m.n_assets; i++) {
		j->assets[i].first_chunk_ms = 0;
		j->assets[i].run_end = 0;
		j->assets[i].end_seen = false;
	}
}

/* Ask for every asset not yet whole, each from its first missing byte. All at once: the
 * controller streams them one after the other, and every kiosk waiting for the same pack
 * takes them all from the shared asset topics. */
static void send_fetch(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	for (size_t i = 0; i < j->m.n_assets; i++) {
		const job_asset *ja = &j->assets[i];
		if (ja->done || ja->same >= 0)
			continue;
		hall_fetch f;
		hall_error err = {0};
		char *buf = NULL;
		size_t len = 0;
		memset(&f, 0, sizeof f);
		memcpy(f.sha256, j->m.assets[i].sha256, sizeof f.sha256);
		f.offset = ja->blob ? (int64_t)hall_cstore_blob_next_missing(ja->blob) : 0;
		if (hall_proto_encode_fetch(&f, &buf, &len, &err) != HALL_OK) {
			hall_warn("link: cannot encode fetch: %s", err.msg);
			continue;
		}
		if (link__publish(link, "fetch", buf, len, false) == HALL_OK) {
			hall_debug("link: fetch %s from %lld", f.sha256, (long long)f.offset);
			j->fetches++;
		}
		free(buf);
	}
	job_forget_streams(j, now);
	j->last_fetch_ms = now;
}

static void stage_job(hall_link *link)
{
	content_job *j = &link->job;
	char key[HALL_CSTORE_KEY_MAX], dir[HALL_CSTORE_PATH_MAX];
	hall_content *content = NULL;
	hall_error err = {0};
	int scope = j->scope;
	int64_t version = j->version;
	link__content_key(link, scope, version, key, sizeof key);
	if (hall_cstore_stage_pack(link->store, key, j->manifest, j->manifest_len, &content, dir, &err) != HALL_OK) {
		char reason[REASON_BUF];
		link__reason_from_error(reason, sizeof reason, &err);
		job_fail(link, reason);
		return;
	}
	/* link__reconsider_content takes it when this pack is to be shown. */
	link->fresh = content;
	snprintf(link->fresh_key, sizeof link->fresh_key, "%s", key);
	snprintf(link->fresh_dir, sizeof link->fresh_dir, "%s", dir);
	hall_info("link: content %s staged (%llu requests for assets)", key, (unsigned long long)j->fetches);
	link__job_clear(link);
	slot *sl = &link->slots[K_CONTENT][scope];
	sl->version = version;
	sl->cleared = false;
	sl->failed = false;
	link__save_state(link);
	link__reconsider_content(link, false);
	hall_cstore_content_destroy(link->fresh);
	link->fresh = NULL;
	/* Held but not shown (a more specific scope wins): it is applied as far as this
	 * kiosk's rules go. */
	if (!(link->handed.waiting && strcmp(link->handed.key, key) == 0) && strcmp(link->current_key, key) != 0)
		link__send_ack(link, K_CONTENT, scope, version, true, "");
}

/* xorshift64*: per-link, so kiosks in one process or started together differ. */
uint64_t link__random(hall_link *link)
{
	uint64_t x = link->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	link->rng = x;
	return x * UINT64_C(2685821657736338717);
}

/* Start the wait before this kiosk's first request. Only this kiosk asks for a
 * kiosk-scoped pack; a pack for a group or everyone is asked for by many, so each waits
 * a random while and listens first. The wait is at least FETCH_LISTEN_MS (when the
 * jitter leaves room for it): the first ask starts the stream every kiosk takes, and a
 * kiosk whose subscription reached the broker after that stream's head passed needs a
 * second stream (bench/propagation, N=200: about 0.5 s more for the slowest kiosks). */
#define FETCH_LISTEN_MS 200
void link__job_rearm(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	int64_t jitter = 0, span = link->tune.fetch_jitter_ms;
	if (j->scope != S_KIOSK && span > 0) {
		int64_t floor = span >= 2 * FETCH_LISTEN_MS ? FETCH_LISTEN_MS : 0;
		jitter = floor + (int64_t)(link__random(link) % (uint64_t)(span - floor));
	}
	j->not_before = now + jitter;
	j->last_progress_ms = 0;
	j->last_fetch_ms = 0;
	j->attempts = 0;
	job_forget_streams(j, now);
}

/* Open a writer and link__subscribe (exact topic) for every asset the store lacks. Subscribing
 * comes before any request, so the chunks cannot overtake the SUBSCRIBE. */
static bool job_open_assets(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	hall_error err = {0};
	j->assets = calloc(j->m.n_assets ? j->m.n_assets : 1, sizeof *j->assets);
	if (!j->assets) {
		job_fail(link, "out of memory");
		return false;
	}
	for (size_t i = 0; i < j->m.n_assets; i++) {
		job_asset *ja = &j->assets[i];
		const hall_cstore_asset *a = &j->m.assets[i];
		ja->same = -1;
		if (hall_cstore_has_blob(link->store, a->sha256)) {
			ja->done = true;
			continue;
		}
		for (size_t k = 0; k < i && ja->same < 0; k++)
			if (!j->assets[k].done && strcmp(j->m.assets[k].sha256, a->sha256) == 0)
				ja->same = (int)k;
		if (ja->same >= 0)
			continue;
		if (hall_cstore_blob_begin(link->store, a->sha256, a->size, &ja->blob, &err) != HALL_OK) {
			char reason[REASON_BUF];
			link__reason_from_error(reason, sizeof reason, &err);
			job_fail(link, reason);
			return false;
		}
		if (hall_topic_ctl_asset(ja->topic, sizeof ja->topic, link->prefix, a->sha256) != 0) {
			job_fail(link, "cannot build the asset topic");
			return false;
		}
		link__subscribe(link, ja->topic);
	}
	link__job_rearm(link, now);
	return true;
}

/* When a stream of every asset still incomplete has passed that asset's end since the
 * last request, nothing more is coming: the earliest moment an own request is served (see
 * HALL_FETCH_AFTER_STREAM_MS). INT64_MAX while any stream may still be coming. */
static int64_t job_streams_ended_due(const content_job *j)
{
	int64_t due = j->last_progress_ms + HALL_FETCH_TAIL_MS;
	for (size_t i = 0; i < j->m.n_assets; i++) {
		const job_asset *ja = &j->assets[i];
		if (ja->done || ja->same >= 0)
			continue;
		if (!ja->end_seen)
			return INT64_MAX;
		if (ja->first_chunk_ms + HALL_FETCH_AFTER_STREAM_MS > due)
			due = ja->first_chunk_ms + HALL_FETCH_AFTER_STREAM_MS;
	}
	return due;
}

/* When this kiosk asks next: after its random wait when nothing came yet; once a stream
 * ended with bytes missing, or after the quiet time (HALL_FETCH_QUIET_MS) without a chunk
 * otherwise; when its own request got no answer, after fetch_timeout_ms. */
int64_t link__job_due(const hall_link *link)
{
	const content_job *j = &link->job;
	int64_t due;
	if (!j->active)
		return INT64_MAX;
	if (j->last_progress_ms > j->last_fetch_ms) {
		int64_t ended = job_streams_ended_due(j);
		if (ended != INT64_MAX)
			return ended; /* no more is coming: the random wait has no purpose left */
		int64_t quiet = 2 * j->max_wait_ms;
		if (quiet > link->tune.fetch_timeout_ms)
			quiet = link->tune.fetch_timeout_ms;
		due = j->last_progress_ms + (quiet > HALL_FETCH_QUIET_MS ? quiet : HALL_FETCH_QUIET_MS);
	} else if (j->last_fetch_ms == 0) {
		due = j->not_before;
	} else {
		due = j->last_fetch_ms + link->tune.fetch_timeout_ms;
	}
	return due < j->not_before ? j->not_before : due;
}

/* Move the job on: stage when every asset is whole; otherwise ask when it is due (see
 * content_job and link__job_due). */
void link__job_step(hall_link *link, int64_t now)
{
	content_job *j = &link->job;
	if (!j->active)
		return;
	size_t cur = job_current(j);
	if (cur == j->m.n_assets) {
		stage_job(link);
		return;
	}
	if (!link->online)
		return;
	if (now < link__job_due(link))
		return;
	/* Messages still waiting in the queue may be the chunks we would ask for. */
	hall_mqtt_stats ms;
	hall_mqtt_get_stats(link->mq, &ms);
	if (ms.queued > 0)
		return;
	if (j->last_fetch_ms != 0 && j->last_progress_ms <= j->last_fetch_ms) {
		if (++j->attempts >= link->tune.fetch_attempts) {
			char reason[REASON_BUF];
			snprintf(reason, sizeof reason, "assets[%zu]: missing asset %s (sha256 %s): not received after %d requests",
			         cur, j->m.assets[cur].name, j->m.assets[cur].sha256, j->attempts);
			job_fail(link, reason);
			return;
		}
	}
	send_fetch(link, now);
}

void link__start_next_job(hall_link *link, int64_t now)
{
	if (link->job.active)
		return;
	for (int s = S_KIOSK; s >= S_ALL; s--) {
		pending_manifest *p = &link->pending[s];
		hall_error err = {0};
		if (p->version <= 0)
			continue;
		content_job *j = &link->job;
		memset(j, 0, sizeof *j);
		j->scope = s;
		j->version = p->version;
		j->manifest = p->manifest;
		j->manifest_len = p->len;
		memset(p, 0, sizeof *p);
		if (hall_cstore_parse_manifest(j->manifest, j->manifest_len, &j->m, &err) != HALL_OK) {
			char reason[REASON_BUF];
			link__reason_from_error(reason, sizeof reason, &err);
			job_fail(link, reason);
			continue;
		}
		if (!job_open_assets(link, now))
			continue;
		j->active = true;
		hall_info("link: content version %lld for %s: %zu assets, %llu bytes", (long long)j->version,
		          link__scope_name[s], j->m.n_assets, (unsigned long long)j->m.total_bytes);
		link__job_step(link, now);
		if (link->job.active)
			return;
	}
}

/* Is `topic` the asset topic of an asset the job is receiving? */
bool link__job_wants(const hall_link *link, const char *topic)
{
	const content_job *j = &link->job;
	for (size_t i = 0; j->active && i < j->m.n_assets; i++)
		if (j->assets[i].topic[0] && strcmp(j->assets[i].topic, topic) == 0)
			return true;
	return false;
}

void link__handle_chunk(hall_link *link, const hall_mqtt_msg *msg, int64_t now)
{
	content_job *j = &link->job;
	hall_asset_chunk ch;
	hall_error err = {0};
	char reason[REASON_BUF];
	size_t i = 0;
	while (i < j->m.n_assets && !(j->assets[i].topic[0] && strcmp(j->assets[i].topic, msg->topic) == 0))
		i++;
	if (i == j->m.n_assets)
		return;
	job_asset *ja = &j->assets[i];
	const hall_cstore_asset *a = &j->m.assets[i];
	if (hall_proto_decode_asset_chunk(msg->payload, msg->len, &ch, &err) != HALL_OK) {
		hall_warn("link: bad asset chunk on %s: %s: %s", msg->topic, err.path, err.msg);
		return;
	}
	if (strcmp(ch.sha256, a->sha256) != 0)
		return;
	if ((uint64_t)ch.size != a->size) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s asset %s: the controller sends %lld bytes, the manifest says %llu",
		         i, (uint64_t)ch.size > a->size ? "oversize" : "size mismatch of", a->name, (long long)ch.size,
		         (unsigned long long)a->size);
		job_fail(link, reason);
		return;
	}
	uint64_t before = hall_cstore_blob_received(ja->blob);
	if (ch.len > 0 && hall_cstore_blob_write_at(ja->blob, (uint64_t)ch.offset, ch.data, ch.len, &err) != HALL_OK) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s", i, err.msg);
		job_fail(link, reason);
		return;
	}
	if (hall_cstore_blob_received(ja->blob) > before) {
		int64_t since = j->last_progress_ms > j->episode_ms ? j->last_progress_ms : j->episode_ms;
		if (now - since > j->max_wait_ms)
			j->max_wait_ms = now - since;
		j->last_progress_ms = now;
		j->attempts = 0;
	}
	/* One stream's tail, heard to its end, brings nothing more; chunks of another stream
	 * in between mean that one is still coming. */
	if (!ja->first_chunk_ms) {
		ja->first_chunk_ms = now;
		ja->run_end = ch.offset;
	}
	if (ja->run_end == ch.offset)
		ja->run_end = ch.offset + (int64_t)ch.len;
	else
		ja->run_end = -1;
	ja->end_seen = ja->run_end == (int64_t)a->size;
	if (!hall_cstore_blob_complete(ja->blob))
		return;
	hall_cstore_blob *b = ja->blob;
	ja->blob = NULL;
	if (hall_cstore_blob_finish(b, &err) != HALL_OK) {
		snprintf(reason, sizeof reason, "assets[%zu]: %s: %s", i, a->name, err.msg);
		job_fail(link, reason);
		return;
	}
	link__unsubscribe(link, ja->topic);
	ja->topic[0] = '\0';
	for (size_t k = i; k < j->m.n_assets; k++)
		if (k == i || j->assets[k].same == (int)i)
			j->assets[k].done = true;
	link__job_step(link, now);
	link__start_next_job(link, now);
}

/* ---- incoming envelopes -------------------------------------------------------------- */

static int scope_slot_of(const hall_link *link, const hall_scope *sc)
{
	(void)link;
	switch (sc->kind) {
	case HALL_SCOPE_ALL:
		return S_ALL;
	case HALL_SCOPE_GROUP:
		return S_GROUP;
	case HALL_SCOPE_KIOSK:
		return S_KIOSK;
	}
	return -1;
}

/* The newest version this kiosk knows for (kind, scope), held or on its way. */
static int64_t known_version(const hall_link *link, int kind, int s)
{
	int64_t v = link->slots[kind][s].version;
	if (kind == K_CONTENT) {
		if (link->pending[s].version > v)
			v = link->pending[s].version;
		if (link->job.active && link->job.scope == s && link->job.version > v)
			v = link->job.version;
	}
	return v;
}

/* An envelope we could not decode: answer when its version can be read, else only log
 * (an ack needs a version) and show it in the status's last_error. */
static void reject_undecodable(hall_link *link, int kind, int topic_scope, const hall_mqtt_msg *msg,
                               const hall_error *e)
{
	char reason[REASON_BUF];
	cJSON *root = NULL;
	hall_error ignore = {0};
	int64_t version = 0;
	link__reason_from_error(reason, sizeof reason, e);
	if (hall_json_parse((const char *)msg->payload, msg->len, HALL_PROTO_JSON_MAX, &root, &ignore) == HALL_OK &&
	    hall_json_get_int(root, "", "version", 1, HALL_PROTO_SEQ_MAX, &version, &ignore) == HALL_OK) {
		hall_scope sc;
		const char *s = NULL;
		int scope = topic_scope;
		if (hall_json_get_string(root, "", "scope", HALL_SCOPE_BUF, &s, &ignore) == HALL_OK &&
		    hall_scope_parse(s, &sc) == 0 && hall_scope_matches(&sc, link->cfg.id, link->cfg.group))
			scope = scope_slot_of(link, &sc);
		link__send_ack(link, kind, scope, version, false, reason);
	} else {
		hall_warn("link: unreadable %s message on %s: %s", link__kind_leaf[kind], msg->topic, reason);
		link__set_last_error(link, "unreadable %s message: %s", link__kind_leaf[kind], reason);
	}
	cJSON_Delete(root);
}

void link__reconsider_schedule(hall_link *link)
{
	int eff = -1;
	for (int s = S_KIOSK; s >= S_ALL && eff < 0; s--) {
		const slot *sl = &link->slots[K_SCHEDULE][s];
		if (sl->version > 0 && !sl->cleared && sl->body)
			eff = s;
	}
	int64_t version = eff >= 0 ? link->slots[K_SCHEDULE][eff].version : 0;
	if (eff == link->handed_sched_scope && version == link->handed_sched_version)
		return;
	hall_link_update *u = link__update_new(HALL_LINK_SCHEDULE);
	if (!u)
		return;
	u->scope = link__public_scope(eff);
	u->version = version;
	u->cleared = eff < 0;
	if (eff >= 0) {
		hall_error err = {0};
		const slot *sl = &link->slots[K_SCHEDULE][eff];
		if (hall_cstore_schedule_parse(sl->body, sl->body_len, &u->schedule, &err) != HALL_OK) {
			/* It parsed when it came in; a failure now is out of memory. */
			hall_error_log("link: schedule %lld: %s", (long long)version, err.msg);
			link__update_free(u);
			return;
		}
	}
	link->handed_sched_scope = eff;
	link->handed_sched_version = version;
	link__queue_push(link, u);
}

void link__reconsider_notice(hall_link *link)
{
	int eff = -1;
	hall_notice n;
	for (int s = S_KIOSK; s >= S_ALL && eff < 0; s--) {
		const slot *sl = &link->slots[K_NOTICE][s];
		if (sl->version > 0 && !sl->cleared && sl->body)
			eff = s;
	}
	int64_t version = eff >= 0 ? link->slots[K_NOTICE][eff].version : 0;
	if (eff == link->handed_notice_scope && version == link->handed_notice_version)
		return;
	hall_link_update *u = link__update_new(HALL_LINK_NOTICE);
	if (!u)
		return;
	u->scope = link__public_scope(eff);
	u->version = version;
	u->cleared = eff < 0;
	if (eff >= 0) {
		const slot *sl = &link->slots[K_NOTICE][eff];
		cJSON *body = NULL;
		hall_error err = {0};
		if (hall_json_parse(sl->body, sl->body_len, HALL_PROTO_JSON_MAX, &body, &err) != HALL_OK ||
		    hall_proto_notice_from_json(body, "notice", &n, &err) != HALL_OK) {
			hall_error_log("link: notice %lld: %s", (long long)version, err.msg);
			cJSON_Delete(body);
			link__update_free(u);
			return;
		}
		cJSON_Delete(body);
		u->notice_level = n.level == HALL_NOTICE_URGENT ? HALL_LINK_NOTICE_URGENT : HALL_LINK_NOTICE_INFO;
		for (int l = 0; l < HALL_LANG_COUNT; l++)
			snprintf(u->notice_text[l], sizeof u->notice_text[l], "%s", n.text[l]);
		u->notice_until_ms = n.until < 0 ? 0 : n.until;
	}
	link->handed_notice_scope = eff;
	link->handed_notice_version = version;
	link__queue_push(link, u);
}

void link__handle_envelope(hall_link *link, int kind, int topic_scope, const hall_mqtt_msg *msg, bool is_signed,
                           int64_t now)
{
	static const hall_envelope_kind EKIND[K_COUNT] = {HALL_ENVELOPE_CONTENT, HALL_ENVELOPE_SCHEDULE,
	                                                  HALL_ENVELOPE_NOTICE};
	hall_envelope env;
	hall_error err = {0};
	char reason[REASON_BUF];
	char *body = NULL;
	size_t body_len = 0;
	memset(&env, 0, sizeof env);
	if (hall_proto_decode_envelope(EKIND[kind], msg->payload, msg->len, &env, &err) != HALL_OK) {
		reject_undecodable(link, kind, topic_scope, msg, &err);
		goto done;
	}
	if (!hall_scope_matches(&env.scope, link->cfg.id, link->cfg.group) ||
	    (env.scope.kind == HALL_SCOPE_GROUP && !link__group_enabled(link))) {
		char sc[HALL_SCOPE_BUF];
		hall_scope_format(&env.scope, sc, sizeof sc);
		snprintf(reason, sizeof reason, "scope: wrong target: \"%s\" does not name this kiosk (%s, group %s)", sc,
		         link->cfg.id, link__group_enabled(link) ? link->cfg.group : "none");
		/* Answer for the scope named, so the controller can tell which push went astray. */
		hall_ack a;
		char *buf = NULL;
		size_t len = 0;
		hall_error e2 = {0};
		memset(&a, 0, sizeof a);
		hall_proto_copy(a.kiosk, sizeof a.kiosk, link->cfg.id);
		a.kind = kind == K_CONTENT ? HALL_ACK_CONTENT : kind == K_SCHEDULE ? HALL_ACK_SCHEDULE : HALL_ACK_NOTICE;
		hall_proto_copy(a.scope, sizeof a.scope, sc);
		a.version = env.version;
		a.result = HALL_ACK_REJECTED;
		snprintf(a.reason, sizeof a.reason, "%s", reason);
		hall_warn("link: %s version %lld rejected: %s", link__kind_leaf[kind], (long long)env.version, reason);
		if (hall_proto_encode_ack(&a, &buf, &len, &e2) == HALL_OK)
			link__publish(link, "ack", buf, len, false);
		free(buf);
		goto done;
	}
	int s = scope_slot_of(link, &env.scope);
	int64_t known = known_version(link, kind, s);
	if (env.version < known) {
		snprintf(reason, sizeof reason, "version: older version %lld refused: version %lld is held for scope %s",
		         (long long)env.version, (long long)known, link__scope_name[s]);
		link__send_ack(link, kind, s, env.version, false, reason);
		goto done;
	}
	if (!is_signed && env.version - known > HALL_PROTO_VERSION_STEP_MAX) {
		/* Development profile: anybody on the broker may send this. A forged version far
		 * ahead would make every later push look older (a lock-out); bounded, the
		 * controller's counter, which follows what kiosks report, stays within reach. */
		snprintf(reason, sizeof reason,
		         "version: unsigned version %lld is more than %lld above version %lld held for scope %s: "
		         "only a signed message may move it that far",
		         (long long)env.version, (long long)HALL_PROTO_VERSION_STEP_MAX, (long long)known, link__scope_name[s]);
		link__send_ack(link, kind, s, env.version, false, reason);
		goto done;
	}
	if (env.version == known) {
		/* The same message again (retained copy on reconnect, or the controller's answer to
		 * hello). Re-acknowledge what is already held when it was sent on purpose. */
		slot *sl = &link->slots[kind][s];
		if (!msg->retain && sl->version == env.version && !sl->failed)
			link__send_ack(link, kind, s, env.version, true, "");
		goto done;
	}
	if (!env.cleared) {
		body = hall_json_print(env.body, &body_len);
		if (!body) {
			hall_error_log("link: out of memory");
			goto done;
		}
	}
	if (kind == K_CONTENT) {
		/* A newer message for a scope replaces whatever of that scope is still on its way. */
		pending_manifest *p = &link->pending[s];
		if (p->version > 0) {
			snprintf(reason, sizeof reason, "superseded by version %lld before its assets arrived", (long long)env.version);
			link__send_ack(link, kind, s, p->version, false, reason);
			free(p->manifest);
			memset(p, 0, sizeof *p);
		}
		if (link->job.active && link->job.scope == s) {
			snprintf(reason, sizeof reason, "superseded by version %lld before its assets arrived", (long long)env.version);
			job_fail(link, reason);
		}
		if (env.cleared) {
			slot *sl = &link->slots[K_CONTENT][s];
			sl->version = env.version;
			sl->cleared = true;
			sl->failed = false;
			link__save_state(link);
			link__send_ack(link, kind, s, env.version, true, "");
			link__reconsider_content(link, false);
		} else {
			p->version = env.version;
			p->manifest = body;
			p->len = body_len;
			body = NULL;
			link__start_next_job(link, now);
		}
		goto done;
	}
	/* Schedules and notices are whole in the message: check, keep, hand out, ack. */
	if (!env.cleared) {
		if (kind == K_SCHEDULE) {
			hall_schedule *sch = NULL;
			hall_err rc = hall_cstore_schedule_parse(body, body_len, &sch, &err);
			hall_cstore_schedule_destroy(sch);
			if (rc != HALL_OK) {
				snprintf(reason, sizeof reason, "schedule%s%s: %s", err.path[0] && err.path[0] != '[' ? "." : "",
				         err.path, err.msg);
				for (char *c = reason; *c; c++)
					if ((unsigned char)*c < 0x20)
						*c = ' ';
				link__send_ack(link, kind, s, env.version, false, reason);
				goto done;
			}
		} else {
			hall_notice n;
			if (hall_proto_notice_from_json(env.body, "notice", &n, &err) != HALL_OK) {
				link__reason_from_error(reason, sizeof reason, &err);
				link__send_ack(link, kind, s, env.version, false, reason);
				goto done;
			}
		}
	}
	slot *sl = &link->slots[kind][s];
	free(sl->body);
	sl->version = env.version;
	sl->cleared = env.cleared;
	sl->failed = false;
	sl->body = body;
	sl->body_len = body_len;
	body = NULL;
	link__save_state(link);
	link__send_ack(link, kind, s, env.version, true, "");
	if (kind == K_SCHEDULE)
		link__reconsider_schedule(link);
	else
		link__reconsider_notice(link);
done:
	free(body);
	hall_envelope_free(&env);
}

/* ---- main-thread answers ------------------------------------------------------------- */

static void gc_store(hall_link *link)
{
	const char *keep[3 + S_COUNT];
	char keys[S_COUNT][HALL_CSTORE_KEY_MAX];
	size_t n = 0;
	if (link->job.active)
		return; /* its fetched blobs are not linked into a pack yet */
	keep[n++] = link->current_key;
	keep[n++] = link->previous_key;
	for (int s = 0; s < S_COUNT; s++) {
		const slot *sl = &link->slots[K_CONTENT][s];
		if (sl->version > 0 && !sl->cleared && !sl->failed) {
			link__content_key(link, s, sl->version, keys[s], sizeof keys[s]);
			keep[n++] = keys[s];
		}
	}
	if (link->handed.waiting)
		keep[n++] = link->handed.key;
	hall_cstore_gc(link->store, keep, n);
}

void hall_link_content_applied(hall_link *link, int64_t version)
{
	handed_content *h = &link->handed;
	if (!h->waiting || h->version != version) {
		hall_warn("link: content version %lld applied, but version %lld was handed out", (long long)version,
		          (long long)h->version);
		return;
	}
	if (strcmp(link->current_key, h->key) != 0) {
		snprintf(link->previous_key, sizeof link->previous_key, "%s", link->current_key);
		snprintf(link->current_key, sizeof link->current_key, "%s", h->key);
	}
	link->current_version = h->version;
	link->current_scope = h->scope;
	snprintf(link->current_pack, sizeof link->current_pack, "%s", h->pack);
	h->waiting = false;
	if (link->content_error) {
		link->content_error = false;
		link__set_last_error(link, "%s", "");
	}
	link__save_state(link);
	if (h->ack)
		link__send_ack(link, K_CONTENT, h->scope, h->version, true, "");
	hall_info("link: content %s applied", h->key[0] ? h->key : "(default)");
	gc_store(link);
	/* The poll subscriptions follow the content now shown. */
	link__update_poll_subscriptions(link, (const char(*)[65])h->polls, h->n_polls);
	if (link->online)
		link__publish_status(link, link__mono_now());
}

void hall_link_content_failed(hall_link *link, int64_t version, const char *reason)
{
	handed_content *h = &link->handed;
	if (!h->waiting || h->version != version) {
		hall_warn("link: content version %lld failed, but version %lld was handed out", (long long)version,
		          (long long)h->version);
		return;
	}
	h->waiting = false;
	link__set_last_error(link, "content %s could not be shown: %s", h->key, reason ? reason : "");
	link->content_error = true;
	if (h->scope >= 0) {
		link->slots[K_CONTENT][h->scope].failed = true;
		link__save_state(link);
		if (h->ack)
			link__send_ack(link, K_CONTENT, h->scope, h->version, false, reason ? reason : "could not be shown");
	}
	link__reconsider_content(link, false);
}

void hall_link_content_deferred(hall_link *link, int64_t version)
{
	handed_content *h = &link->handed;
	/* The main thread calls this as soon as it holds the update back, so the latest time
	 * it applies is now + apply_wait_s (main.c applies it then even mid-session). */
	int64_t until = hall_clock_now_ms() + (int64_t)link->cfg.session.apply_wait_s * 1000;
	hall_info("link: content version %lld waits for the visitor session to end (%d s at most)", (long long)version,
	          link->cfg.session.apply_wait_s);
	if (!h->waiting || h->version != version || !h->ack || h->scope < 0 || h->deferred_sent)
		return;
	if (until < HALL_PROTO_TS_MIN || until > HALL_PROTO_TS_MAX)
		return; /* a clock far off: no time worth telling */
	h->deferred_sent = true;
	link__send_ack_result(link, K_CONTENT, h->scope, h->version, HALL_ACK_DEFERRED, HALL_ACK_DEFER_SESSION, until);
}

hall_err hall_link_reload(hall_link *link, hall_error *err)
{
	/* An update handed out but not applied yet keeps its pending ack. */
	handed_content before = link->handed;
	link->handed.waiting = false;
	link__reconsider_content(link, true);
	if (before.waiting && link->handed.waiting && strcmp(before.key, link->handed.key) == 0)
		link->handed.ack = before.ack;
	return link->handed.waiting ? HALL_OK
	                            : hall_error_set(err, HALL_ERR_INVALID, "", "no content could be loaded: %s",
	                                             link->last_error);
}

void link__boot_content(hall_link *link)
{
	hall_content *content = NULL;
	char dir[HALL_CSTORE_PATH_MAX] = "";
	hall_error err = {0};
	const char *tried[2] = {link->current_key, link->previous_key};
	const char *key = "";
	for (int i = 0; i < 2 && !content; i++) {
		if (!tried[i][0])
			continue;
		if (hall_cstore_load_pack(link->store, tried[i], &content, dir, &err) == HALL_OK)
			key = tried[i];
		else
			hall_warn("link: last good pack %s unusable: %s: %s", tried[i], err.path, err.msg);
	}
	int scope = -1;
	int64_t version = 0;
	if (content) {
		/* Keys end in ".v<version>" and start with the scope. */
		const char *v = strrchr(key, 'v');
		version = v ? strtoll(v + 1, NULL, 10) : 0;
		scope = key[0] == 'a' ? S_ALL : key[0] == 'g' ? S_GROUP : S_KIOSK;
	} else if (hall_cstore_load_dir(link->cfg.default_content, &content, &err) == HALL_OK) {
		snprintf(dir, sizeof dir, "%s", link->cfg.default_content);
		key = "";
	} else {
		char reason[REASON_BUF];
		link__reason_from_error(reason, sizeof reason, &err);
		hall_error_log("link: no content to show: default content %s: %s", link->cfg.default_content, reason);
		link__set_last_error(link, "no content: %s", reason);
		link->content_error = true;
		return;
	}
	hall_link_update *u = link__update_new(HALL_LINK_CONTENT);
	if (!u) {
		hall_cstore_content_destroy(content);
		return;
	}
	u->scope = link__public_scope(scope);
	u->version = version;
	u->content = content;
	snprintf(u->pack_dir, sizeof u->pack_dir, "%s", dir);
	link->handed.waiting = true;
	link->handed.scope = scope;
	link->handed.version = version;
	link->handed.ack = false;
	link->handed.deferred_sent = false;
	snprintf(link->handed.key, sizeof link->handed.key, "%s", key);
	snprintf(link->current_key, sizeof link->current_key, "%s", key);
	link->current_version = version;
	link->current_scope = scope;
	hall_proto_copy(link->handed.pack, sizeof link->handed.pack, content->id ? content->id : "");
	snprintf(link->current_pack, sizeof link->current_pack, "%s", link->handed.pack);
	link->handed.n_polls = hall_cstore_content_polls(content, link->handed.polls, POLLS_MAX);
	link__update_poll_subscriptions(link, (const char(*)[65])link->handed.polls, link->handed.n_polls);
	link__queue_push(link, u);
}
