/* dynsec.c: broker accounts through mosquitto's dynamic-security plugin (see dynsec.h). */
#include "dynsec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "ctl.h"
#include "hall/clock.h"
#include "hall/mqtt.h"

#define CONTROL_TOPIC "$CONTROL/dynamic-security/v1"
#define RESPONSE_TOPIC "$CONTROL/dynamic-security/v1/response"
#define ANSWER_WAIT_MS 10000
#define CONNECT_WAIT_MS 10000
/* The plugin's own values (mosquitto src/password_mosq.h: SALT_LEN 12, sha512). Our
 * passwords are 192 random bits, so the iteration count is not what protects them. */
#define SALT_LEN 12
#define HASH_LEN 64
#define ITERATIONS 1000

void hall_dynsec_new_password(char out[33])
{
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 33, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

static void hmac512(const char *key, size_t key_len, const unsigned char *a, size_t a_len, const unsigned char *b,
                    size_t b_len, unsigned char out[HASH_LEN])
{
	crypto_auth_hmacsha512_state st;
	crypto_auth_hmacsha512_init(&st, (const unsigned char *)key, key_len);
	crypto_auth_hmacsha512_update(&st, a, a_len);
	if (b_len)
		crypto_auth_hmacsha512_update(&st, b, b_len);
	crypto_auth_hmacsha512_final(&st, out);
}

/* PBKDF2-HMAC-SHA512 (RFC 8018) for one 64-byte block, which is what the plugin stores. */
static void pbkdf2_sha512(const char *password, const unsigned char *salt, size_t salt_len, int iterations,
                          unsigned char out[HASH_LEN])
{
	static const unsigned char block1[4] = {0, 0, 0, 1};
	unsigned char u[HASH_LEN];
	size_t plen = strlen(password);
	hmac512(password, plen, salt, salt_len, block1, sizeof block1, u);
	memcpy(out, u, HASH_LEN);
	for (int i = 1; i < iterations; i++) {
		hmac512(password, plen, u, HASH_LEN, NULL, 0, u);
		for (size_t k = 0; k < HASH_LEN; k++)
			out[k] ^= u[k];
	}
	sodium_memzero(u, sizeof u);
}

static int add_b64(cJSON *obj, const char *key, const unsigned char *bin, size_t len)
{
	char b64[sodium_base64_ENCODED_LEN(HASH_LEN, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return cJSON_AddStringToObject(obj, key, b64) ? 0 : -1;
}

static int add_acl(cJSON *acls, const char *type, const char *prefix, const char *rest)
{
	char topic[HALL_CONFIG_PATH_MAX];
	cJSON *a = cJSON_CreateObject();
	if (!a)
		return -1;
	cJSON_AddItemToArray(acls, a);
	if (prefix)
		snprintf(topic, sizeof topic, "%s/%s", prefix, rest);
	else
		snprintf(topic, sizeof topic, "%s", rest);
	return cJSON_AddStringToObject(a, "acltype", type) && cJSON_AddStringToObject(a, "topic", topic) &&
	               cJSON_AddNumberToObject(a, "priority", 0) && cJSON_AddBoolToObject(a, "allow", 1)
	           ? 0
	           : -1;
}

/* Read and write (subscribe) access to one filter. */
static int add_read(cJSON *acls, const char *prefix, const char *rest)
{
	return add_acl(acls, "subscribePattern", prefix, rest) | add_acl(acls, "publishClientReceive", prefix, rest);
}

static cJSON *controller_acls(const char *prefix)
{
	cJSON *acls = cJSON_CreateArray();
	if (!acls || add_acl(acls, "publishClientSend", prefix, "#") || add_read(acls, prefix, "#") ||
	    add_acl(acls, "publishClientSend", NULL, CONTROL_TOPIC) || add_read(acls, NULL, RESPONSE_TOPIC)) {
		cJSON_Delete(acls);
		return NULL;
	}
	return acls;
}

/* A kiosk writes its own tree only, and reads what is addressed to it, to all, to its
 * group, assets, poll results and the controller's status (docs/protocol.md). Nothing
 * under kiosk/: another kiosk's events and screenshots are the controller's alone. */
static cJSON *kiosk_acls(const char *prefix, const char *id, const char *group)
{
	char own[HALL_ID_MAX * 2 + 64], mine[HALL_ID_MAX * 2 + 64], grp[HALL_ID_MAX * 2 + 64];
	snprintf(own, sizeof own, "kiosk/%s/#", id);
	snprintf(mine, sizeof mine, "ctl/kiosk/%s/#", id);
	snprintf(grp, sizeof grp, "ctl/group/%s/#", group);
	cJSON *acls = cJSON_CreateArray();
	if (!acls || add_acl(acls, "publishClientSend", prefix, own) || add_read(acls, prefix, mine) ||
	    add_read(acls, prefix, "ctl/all/#") || add_read(acls, prefix, grp) || add_read(acls, prefix, "ctl/asset/+") ||
	    add_read(acls, prefix, "ctl/poll/+/results") || add_read(acls, prefix, "ctl/controller/status")) {
		cJSON_Delete(acls);
		return NULL;
	}
	return acls;
}

static cJSON *role_list(const char *name)
{
	cJSON *roles = cJSON_CreateArray();
	cJSON *r = cJSON_CreateObject();
	if (!roles || !r || !cJSON_AddStringToObject(r, "rolename", name)) {
		cJSON_Delete(roles);
		cJSON_Delete(r);
		return NULL;
	}
	cJSON_AddItemToArray(roles, r);
	return roles;
}

hall_err hall_dynsec_initial_file(const char *prefix, const char *username, const char *password, char **json,
                                  hall_error *err)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	cJSON *root = cJSON_CreateObject(), *acc, *clients, *client, *roles, *role;
	*json = NULL;
	randombytes_buf(salt, sizeof salt);
	pbkdf2_sha512(password, salt, sizeof salt, ITERATIONS, hash);
	if (!root || !(acc = cJSON_AddObjectToObject(root, "defaultACLAccess")) ||
	    !cJSON_AddBoolToObject(acc, "publishClientSend", 0) || !cJSON_AddBoolToObject(acc, "publishClientReceive", 0) ||
	    !cJSON_AddBoolToObject(acc, "subscribe", 0) || !cJSON_AddBoolToObject(acc, "unsubscribe", 1) ||
	    !(clients = cJSON_AddArrayToObject(root, "clients")) || !(client = cJSON_CreateObject()))
		goto oom;
	cJSON_AddItemToArray(clients, client);
	if (!cJSON_AddStringToObject(client, "username", username) ||
	    !cJSON_AddStringToObject(client, "textname", "the hall's controller (serve and staff commands)") ||
	    add_b64(client, "password", hash, sizeof hash) || add_b64(client, "salt", salt, sizeof salt) ||
	    !cJSON_AddNumberToObject(client, "iterations", ITERATIONS) || !(roles = role_list(HALL_DYNSEC_CONTROLLER_ROLE)))
		goto oom;
	cJSON_AddItemToObject(client, "roles", roles);
	if (!cJSON_AddArrayToObject(root, "groups") || !(roles = cJSON_AddArrayToObject(root, "roles")) ||
	    !(role = cJSON_CreateObject()))
		goto oom;
	cJSON_AddItemToArray(roles, role);
	cJSON *acls = controller_acls(prefix);
	if (!cJSON_AddStringToObject(role, "rolename", HALL_DYNSEC_CONTROLLER_ROLE) || !acls)
		goto oom;
	cJSON_AddItemToObject(role, "acls", acls);
	*json = cJSON_Print(root);
	if (!*json)
		goto oom;
	cJSON_Delete(root);
	sodium_memzero(hash, sizeof hash);
	return HALL_OK;
oom:
	cJSON_Delete(root);
	return hall_error_set(err, HALL_ERR_NOMEM, "dynamic-security", "out of memory");
}

static cJSON *command(cJSON *list, const char *name)
{
	cJSON *c = cJSON_CreateObject();
	if (!c)
		return NULL;
	cJSON_AddItemToArray(list, c);
	return cJSON_AddStringToObject(c, "command", name) ? c : NULL;
}

static void delete_commands(cJSON *list, const char *id)
{
	char role[HALL_ID_MAX + 32];
	snprintf(role, sizeof role, HALL_DYNSEC_KIOSK_ROLE_PREFIX "%s", id);
	cJSON *c = command(list, "deleteClient");
	if (c)
		cJSON_AddStringToObject(c, "username", id);
	c = command(list, "deleteRole");
	if (c)
		cJSON_AddStringToObject(c, "rolename", role);
}

cJSON *hall_dynsec_enroll_commands(const char *prefix, const char *id, const char *group, const char *password,
                                   int rotate)
{
	char role[HALL_ID_MAX + 32], text[HALL_ID_MAX + 32];
	snprintf(role, sizeof role, HALL_DYNSEC_KIOSK_ROLE_PREFIX "%s", id);
	snprintf(text, sizeof text, HALL_DYNSEC_GROUP_TEXT_PREFIX "%s", group);
	cJSON *root = cJSON_CreateObject();
	cJSON *list = root ? cJSON_AddArrayToObject(root, "commands") : NULL;
	if (!list)
		goto oom;
	if (rotate)
		delete_commands(list, id);
	cJSON *c = command(list, "createRole");
	cJSON *acls = kiosk_acls(prefix, id, group);
	if (!c || !acls || !cJSON_AddStringToObject(c, "rolename", role)) {
		cJSON_Delete(acls);
		goto oom;
	}
	cJSON_AddItemToObject(c, "acls", acls);
	c = command(list, "createClient");
	cJSON *roles = role_list(role);
	if (!c || !roles || !cJSON_AddStringToObject(c, "username", id) || !cJSON_AddStringToObject(c, "password", password) ||
	    !cJSON_AddStringToObject(c, "clientid", id) || !cJSON_AddStringToObject(c, "textname", text)) {
		cJSON_Delete(roles);
		goto oom;
	}
	cJSON_AddItemToObject(c, "roles", roles);
	return root;
oom:
	cJSON_Delete(root);
	return NULL;
}

cJSON *hall_dynsec_remove_commands(const char *id)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *list = root ? cJSON_AddArrayToObject(root, "commands") : NULL;
	if (!list) {
		cJSON_Delete(root);
		return NULL;
	}
	delete_commands(list, id);
	return root;
}

const char *hall_dynsec_first_error(const cJSON *responses, const char *skip)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, responses)
	{
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(r, "command");
		if (!cJSON_IsString(e))
			continue;
		if (skip && cJSON_IsString(c) && strcmp(c->valuestring, skip) == 0)
			continue;
		return e->valuestring;
	}
	return NULL;
}

/* Wait for the plugin's answer on the response topic. */
static hall_err await_answer(hall_mqtt *m, cJSON **out, hall_error *err)
{
	int64_t until = hall_clock_mono_ms() + ANSWER_WAIT_MS;
	while (hall_clock_mono_ms() < until) {
		hall_mqtt_msg msg;
		hall_mqtt_wait(m, 200);
		while (hall_mqtt_poll(m, &msg)) {
			cJSON *doc = NULL;
			if (strcmp(msg.topic, RESPONSE_TOPIC) == 0)
				doc = cJSON_ParseWithLength((const char *)msg.payload, msg.len);
			hall_mqtt_msg_free(&msg);
			cJSON *resp = doc ? cJSON_DetachItemFromObjectCaseSensitive(doc, "responses") : NULL;
			cJSON_Delete(doc);
			if (cJSON_IsArray(resp)) {
				*out = resp;
				return HALL_OK;
			}
			cJSON_Delete(resp);
		}
	}
	return hall_error_set(err, HALL_ERR_NET, "broker",
	                      "no answer on " RESPONSE_TOPIC " within %d s (is the broker's dynamic-security plugin on, "
	                      "and is this the controller's account?)",
	                      ANSWER_WAIT_MS / 1000);
}

hall_err hall_dynsec_run(const hall_controller_config *cfg, cJSON *commands, cJSON **responses, hall_error *err)
{
	char cid[HALL_ID_MAX + 32];
	hall_mqtt *m = NULL;
	cJSON *resp = NULL;
	char *text = NULL;
	hall_err rc;
	snprintf(cid, sizeof cid, "%.40s-kiosk-%ld", cfg->id, (long)getpid());
	if (responses)
		*responses = NULL;
	if (!commands || !(text = cJSON_PrintUnformatted(commands)))
		return hall_error_set(err, HALL_ERR_NOMEM, "dynamic-security", "out of memory");
	if ((rc = hall_ctl_connect(cfg, cid, false, true, CONNECT_WAIT_MS, &m, err)) != HALL_OK)
		goto done;
	if ((rc = hall_mqtt_subscribe(m, RESPONSE_TOPIC, err)) != HALL_OK)
		goto done;
	/* The SUBSCRIBE must be in force before the command, or the answer is lost. */
	hall_mqtt_stats st;
	int64_t until = hall_clock_mono_ms() + CONNECT_WAIT_MS;
	do {
		hall_mqtt_get_stats(m, &st);
		if (st.subacks > 0)
			break;
		hall_mqtt_wait(m, 50);
	} while (hall_clock_mono_ms() < until);
	if ((rc = hall_mqtt_publish(m, CONTROL_TOPIC, text, strlen(text), false, NULL, err)) != HALL_OK ||
	    (rc = await_answer(m, &resp, err)) != HALL_OK)
		goto done;
	if (responses) {
		*responses = resp;
		resp = NULL;
	}
done:
	cJSON_Delete(resp);
	if (m)
		hall_mqtt_stop(m, NULL, NULL, 0, false, 1000, NULL);
	hall_mqtt_destroy(m);
	if (text) {
		sodium_memzero(text, strlen(text)); /* it holds a password */
		free(text);
	}
	return rc;
}
