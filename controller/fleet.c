/* fleet.c: the fleet as data for `status --json` and the console, and serve's heartbeat
 * (see action.h). */
#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"

void hall_action_serve_state(hall_store *store, int64_t now_ms, hall_serve_state *out)
{
	char v[HALL_MQTT_ADDR_MAX + 32] = "";
	memset(out, 0, sizeof *out);
	if (hall_store_meta_get(store, HALL_META_SERVE_HEARTBEAT, v, sizeof v, NULL) == HALL_OK) {
		long long ms = 0;
		int connected = 0;
		_Static_assert(HALL_MQTT_ADDR_MAX == 272, "the %271s below");
		if (sscanf(v, "%lld %d %271s", &ms, &connected, out->broker) >= 1) {
			out->last_ms = ms;
			out->connected = connected != 0;
		}
	}
	v[0] = '\0';
	if (hall_store_meta_get(store, HALL_META_SERVE_STOPPED, v, sizeof v, NULL) == HALL_OK) {
		long long ms = atoll(v);
		if (ms >= out->last_ms)
			out->stopped_ms = ms;
	}
	out->running = out->last_ms > 0 && !out->stopped_ms && now_ms - out->last_ms < HALL_SERVE_STALE_MS;
}

int64_t hall_action_wanted(hall_store *store, const char *kind, const hall_store_kiosk *k)
{
	char scopes[3][HALL_SCOPE_BUF];
	int64_t v = 0;
	snprintf(scopes[0], HALL_SCOPE_BUF, "all");
	snprintf(scopes[1], HALL_SCOPE_BUF, "group:%s", k->group);
	snprintf(scopes[2], HALL_SCOPE_BUF, "kiosk:%s", k->id);
	for (int i = 0; i < 3; i++) {
		hall_store_desired d;
		if (i == 1 && !k->group[0])
			continue;
		if (hall_store_get_desired(store, kind, scopes[i], &d, NULL) == HALL_OK) {
			if (!d.cleared)
				v = d.version;
			hall_store_desired_free(&d);
		}
	}
	return v;
}

typedef struct fleet_ctx {
	hall_store *store;
	cJSON *arr;
	bool stale;
	int oom;
} fleet_ctx;

static int add_kiosk(void *user, const hall_store_kiosk *k)
{
	fleet_ctx *c = user;
	cJSON *o = cJSON_CreateObject();
	if (!o || !cJSON_AddItemToArray(c->arr, o)) {
		cJSON_Delete(o);
		c->oom = 1;
		return 1;
	}
	cJSON_AddStringToObject(o, "id", k->id);
	cJSON_AddStringToObject(o, "group", k->group);
	cJSON_AddBoolToObject(o, "online", k->online);
	/* With serve stopped, "online" is only what it last knew. */
	cJSON_AddBoolToObject(o, "stale", c->stale);
	cJSON_AddNumberToObject(o, "last_seen_ms", (double)k->last_seen);
	if (k->showing_scope[0]) {
		cJSON *sh = cJSON_AddObjectToObject(o, "showing");
		if (sh) {
			cJSON_AddStringToObject(sh, "scope", k->showing_scope);
			cJSON_AddNumberToObject(sh, "version", (double)k->content_version);
			cJSON_AddStringToObject(sh, "pack", k->showing_pack);
		}
	} else
		cJSON_AddNullToObject(o, "showing");
	cJSON_AddNumberToObject(o, "content_version", (double)k->content_version);
	cJSON_AddNumberToObject(o, "content_wanted", (double)hall_action_wanted(c->store, "content", k));
	cJSON_AddNumberToObject(o, "schedule_version", (double)k->schedule_version);
	cJSON_AddNumberToObject(o, "schedule_wanted", (double)hall_action_wanted(c->store, "schedule", k));
	cJSON_AddNumberToObject(o, "notice_version", (double)k->notice_version);
	cJSON_AddStringToObject(o, "last_error", k->last_error);
	cJSON_AddBoolToObject(o, "alert", k->alert);
	cJSON_AddStringToObject(o, "alert_reason", k->alert_reason);
	cJSON_AddNumberToObject(o, "help_count", (double)k->help_count);
	cJSON_AddStringToObject(o, "app", k->app);
	/* the broker it said it is on (its hello and status; the last one while offline) */
	if (k->broker[0])
		cJSON_AddStringToObject(o, "broker", k->broker);
	else
		cJSON_AddNullToObject(o, "broker");
	return 0;
}

static int add_counter(void *user, const char *name, int64_t value)
{
	cJSON_AddNumberToObject(user, name, (double)value);
	return 0;
}

hall_err hall_action_fleet_json(const hall_controller_config *cfg, hall_store *store, cJSON **out, hall_error *err)
{
	hall_serve_state sv;
	int64_t now = hall_clock_now_ms();
	cJSON *root = cJSON_CreateObject(), *s = NULL, *counters = NULL;
	fleet_ctx c = {.store = store};
	hall_err rc = HALL_OK;
	*out = NULL;
	hall_action_serve_state(store, now, &sv);
	c.stale = !sv.running;
	if (!root || !(s = cJSON_AddObjectToObject(root, "serve")) ||
	    !(c.arr = cJSON_AddArrayToObject(root, "kiosks")) || !(counters = cJSON_AddObjectToObject(root, "counters")))
		goto oom;
	cJSON_AddBoolToObject(s, "running", sv.running);
	cJSON_AddBoolToObject(s, "connected", sv.running && sv.connected);
	if (sv.running && sv.connected && sv.broker[0])
		cJSON_AddStringToObject(s, "broker", sv.broker);
	else
		cJSON_AddNullToObject(s, "broker");
	if (sv.last_ms > 0) {
		cJSON_AddNumberToObject(s, "last_heartbeat_ms", (double)sv.last_ms);
		cJSON_AddNumberToObject(s, "data_age_s", (double)((now - sv.last_ms) / 1000));
	} else {
		cJSON_AddNullToObject(s, "last_heartbeat_ms");
		cJSON_AddNullToObject(s, "data_age_s");
	}
	if (sv.stopped_ms)
		cJSON_AddNumberToObject(s, "stopped_ms", (double)sv.stopped_ms);
	else
		cJSON_AddNullToObject(s, "stopped_ms");
	cJSON_AddStringToObject(root, "time_zone", cfg->time_zone);
	cJSON_AddNumberToObject(root, "now_ms", (double)now);
	if ((rc = hall_store_each_kiosk(store, add_kiosk, &c, err)) != HALL_OK)
		goto fail;
	if (c.oom)
		goto oom;
	if ((rc = hall_store_each_counter(store, add_counter, counters, err)) != HALL_OK)
		goto fail;
	*out = root;
	return HALL_OK;
oom:
	rc = hall_error_set(err, HALL_ERR_NOMEM, "status", "out of memory");
fail:
	cJSON_Delete(root);
	return rc;
}
