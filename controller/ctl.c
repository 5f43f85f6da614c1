/* ctl.c: helpers shared by the subcommands (see ctl.h). */
#include "ctl.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/sign.h"
#include "hall/topics.h"

hall_err hall_ctl_open_store_mode(const hall_controller_config *cfg, hall_store_open_mode mode, hall_store **out,
                                  hall_error *err)
{
	char path[HALL_CONFIG_PATH_MAX + 32];
	/* A server database (PostgreSQL) is there or not by its own server's word. */
	if (cfg->database[0])
		return hall_store_open_pg_mode(cfg->database, mode, out, err);
	if (hall_fs_join(path, sizeof path, cfg->data_dir, "controller.db") != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
	if (mode == HALL_STORE_CREATE) {
		hall_err rc = hall_fs_mkdirs(cfg->data_dir, err);
		if (rc)
			return rc;
	}
	hall_err rc = hall_store_open_sqlite_mode(path, mode, out, err);
	if (rc == HALL_ERR_NOT_FOUND)
		hall_error_set(err, rc, path,
		               "no database here (wrong --data or --config? `hall-controller init --data %s` makes one)",
		               cfg->data_dir);
	return rc;
}

hall_err hall_ctl_open_store(const hall_controller_config *cfg, hall_store **out, hall_error *err)
{
	return hall_ctl_open_store_mode(cfg, HALL_STORE_CREATE, out, err);
}

hall_err hall_ctl_connect(const hall_controller_config *cfg, const char *client_id, bool will, bool clean,
                          int wait_ms, hall_mqtt **out, hall_error *err)
{
	char will_topic[HALL_TOPIC_MAX];
	char *will_payload = NULL;
	size_t will_len = 0;
	hall_mqtt *m = NULL;
	hall_err rc = HALL_OK;
	hall_mqtt_addr brokers[HALL_BROKER_HOSTS_MAX];
	hall_mqtt_config mc = {
		.brokers = brokers, /* the list to fail over between (broker.hosts or --broker) */
		.n_brokers = hall_broker_config_addrs(&cfg->broker, brokers),
		.client_id = client_id,
		.username = cfg->broker.username[0] ? cfg->broker.username : NULL,
		.password = cfg->broker.has_password ? cfg->broker.password : NULL,
		.cafile = cfg->broker.cafile[0] ? cfg->broker.cafile : NULL,
		.keepalive_s = cfg->broker.keepalive_s,
		.clean_session = clean,
		.subscribe_qos0 = cfg->broker.kind == HALL_BROKER_RABBITMQ, /* hall/mqtt.h says why */
		.reconnect_min_s = 1,
		.reconnect_max_s = HALL_MQTT_RECONNECT_MAX_S,
	};
	if (will) {
		hall_controller_status st = {.online = false, .ts = hall_clock_now_ms()};
		if (hall_topic_ctl_controller_status(will_topic, sizeof will_topic, cfg->topic_prefix) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "topic_prefix", "topic too long");
		rc = hall_proto_encode_controller_status(&st, &will_payload, &will_len, err);
		if (rc)
			return rc;
		mc.will_topic = will_topic;
		mc.will_payload = will_payload;
		mc.will_len = will_len;
		mc.will_retain = cfg->retain;
	}
	rc = hall_mqtt_create(&mc, &m, err);
	if (rc)
		goto fail;
	rc = hall_mqtt_start(m, err);
	if (rc)
		goto fail;
	if (wait_ms > 0) {
		int64_t until = hall_clock_mono_ms() + wait_ms;
		while (!hall_mqtt_is_connected(m) && hall_clock_mono_ms() < until) {
			hall_mqtt_stats st;
			hall_mqtt_get_stats(m, &st);
			if (st.refused) /* wrong or revoked credentials: waiting will not help */
				break;
			usleep(20 * 1000);
		}
		if (!hall_mqtt_is_connected(m)) {
			hall_mqtt_stats st;
			hall_mqtt_get_stats(m, &st);
			const char *why = hall_mqtt_failure_text(&st);
			rc = hall_error_set(err, HALL_ERR_NET, "broker", "no connection to %s:%d%s within %d ms%s%s",
			                    cfg->broker.host, cfg->broker.port, cfg->broker.n_hosts > 1 ? " or the other brokers listed" : "",
			                    wait_ms, *why ? ": " : "", why);
			goto fail;
		}
	}
	free(will_payload);
	*out = m;
	return HALL_OK;
fail:
	hall_mqtt_destroy(m);
	free(will_payload);
	return rc;
}

int hall_ctl_scope_topic(char *out, size_t len, const char *prefix, const hall_scope *scope, const char *leaf)
{
	switch (scope->kind) {
	case HALL_SCOPE_ALL: return hall_topic_ctl_all(out, len, prefix, leaf);
	case HALL_SCOPE_GROUP: return hall_topic_ctl_group(out, len, prefix, scope->name, leaf);
	case HALL_SCOPE_KIOSK: return hall_topic_ctl_kiosk(out, len, prefix, scope->name, leaf);
	}
	return -1;
}

/* The console's person for the request this thread serves (thread-local: the console runs
 * each connection on its own thread, and serve's thread never sets it). */
static _Thread_local char g_actor[64];

void hall_ctl_set_actor(const char *name)
{
	snprintf(g_actor, sizeof g_actor, "%s", name ? name : "");
}

bool hall_ctl_has_actor(void)
{
	return g_actor[0] != '\0';
}

void hall_ctl_user(char *out, size_t len)
{
	if (g_actor[0]) {
		snprintf(out, len, "%s", g_actor);
		return;
	}
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && pw->pw_name[0])
		snprintf(out, len, "%s", pw->pw_name);
	else
		snprintf(out, len, "uid-%u", (unsigned)getuid());
}

/* The signing key of this process, read on first use (see ctl.h). The staff console
 * publishes from its connection threads, serve from its own: the first load is guarded;
 * once loaded the key is only read (a process runs one configuration, so one key). */
static struct {
	pthread_mutex_t lock;
	bool loaded;
	char path[HALL_CONFIG_PATH_MAX];
	hall_sign_key key;
} signer = {.lock = PTHREAD_MUTEX_INITIALIZER};

static hall_err signing_key(const hall_controller_config *cfg, const hall_sign_key **out, hall_error *err)
{
	hall_err rc = HALL_OK;
	*out = NULL;
	if (!cfg->signing_key[0])
		return HALL_OK;
	pthread_mutex_lock(&signer.lock);
	if (!signer.loaded || strcmp(signer.path, cfg->signing_key) != 0) {
		signer.loaded = false;
		rc = hall_sign_key_load(cfg->signing_key, &signer.key, err);
		if (rc == HALL_OK) {
			snprintf(signer.path, sizeof signer.path, "%s", cfg->signing_key);
			signer.loaded = true;
		}
	}
	if (rc == HALL_OK)
		*out = &signer.key;
	pthread_mutex_unlock(&signer.lock);
	return rc;
}

hall_err hall_ctl_signing_check(const hall_controller_config *cfg, hall_error *err)
{
	const hall_sign_key *k = NULL;
	return signing_key(cfg, &k, err);
}

hall_err hall_ctl_publish(const hall_controller_config *cfg, hall_mqtt *m, const char *topic, const void *payload,
                          size_t len, bool retain, hall_error *err)
{
	const hall_sign_key *k = NULL;
	char *signed_msg = NULL;
	size_t signed_len = 0;
	hall_err rc = signing_key(cfg, &k, err);
	if (rc != HALL_OK)
		return rc;
	if (!k)
		return hall_mqtt_publish(m, topic, payload, len, retain, NULL, err);
	if ((rc = hall_sign_wrap(k, topic, payload, len, &signed_msg, &signed_len, err)) != HALL_OK)
		return rc;
	rc = hall_mqtt_publish(m, topic, signed_msg, signed_len, retain, NULL, err);
	free(signed_msg);
	return rc;
}

hall_err hall_ctl_publish_json(const hall_controller_config *cfg, hall_mqtt *m, const char *topic, const cJSON *doc,
                               bool retain, hall_error *err)
{
	size_t len = 0;
	char *buf = hall_json_print(doc, &len);
	if (!buf)
		return hall_error_set(err, HALL_ERR_NOMEM, topic, "out of memory");
	hall_err rc = hall_ctl_publish(cfg, m, topic, buf, len, retain, err);
	free(buf);
	return rc;
}

hall_err hall_ctl_publish_asset_chunk(hall_mqtt *m, const char *topic, const void *chunk, size_t len, hall_error *err)
{
	return hall_mqtt_publish(m, topic, chunk, len, false, NULL, err);
}
