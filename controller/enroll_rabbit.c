/* enroll_rabbit.c: the hall's accounts on RabbitMQ (see enroll_rabbit.h). */
#include "enroll_rabbit.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "dynsec.h"
#include "hall/fsutil.h"
#include "tool.h"

#define SALT_LEN 4 /* rabbit_password_hashing_sha256: 4 random bytes, then SHA-256 */
#define EX_UNAVAILABLE 69 /* rabbitmqctl: the node is down or cannot be reached */
#define EX_TEMPFAIL 75
#define EX_NOUSER 67      /* rabbitmqctl: no such user */
#define LIST_MAX (4u << 20)
#define REGEX_MAX 1024
/* One rabbitmqctl run: an Erlang VM that starts (1-2 s, 5-10 s on a loaded machine) and
 * one call to the node, which answers or fails within its own 60 s. */
#define CTL_TIMEOUT_MS 90000

/* ------------------------------------------------------------------ names and rights */

/* An MQTT topic (or prefix) as the RabbitMQ routing key that topic permissions match,
 * escaped for a regex: the MQTT plugin turns '/' into '.' and '.' into '/'. */
static void routing_regex(char *out, size_t len, const char *mqtt)
{
	size_t n = 0;
	for (const char *p = mqtt; *p && n + 3 < len; p++) {
		char ch = *p == '/' ? '.' : *p == '.' ? '/' : *p;
		if (strchr(".^$|?*+()[]{}\\", ch))
			out[n++] = '\\';
		out[n++] = ch;
	}
	out[n] = '\0';
}

/* RabbitMQ's stored form: base64(salt ++ SHA-256(salt ++ password)). */
static void password_hash(const char *password, char *out, size_t len)
{
	unsigned char buf[SALT_LEN + crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	randombytes_buf(buf, SALT_LEN);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, buf, SALT_LEN);
	crypto_hash_sha256_update(&st, (const unsigned char *)password, strlen(password));
	crypto_hash_sha256_final(&st, buf + SALT_LEN);
	sodium_bin2base64(out, len, buf, sizeof buf, sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(buf, sizeof buf);
}

static cJSON *add_obj(cJSON *arr)
{
	cJSON *o = cJSON_CreateObject();
	if (o && !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* One user with its rights in the vhost, appended to a definitions document. */
static int add_user(cJSON *doc, const char *vhost, const char *name, const char *password, const char *const *tags,
                    const char *configure, const char *write, const char *read)
{
	char hash[sodium_base64_ENCODED_LEN(SALT_LEN + crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	cJSON *users = cJSON_GetObjectItemCaseSensitive(doc, "users");
	cJSON *perms = cJSON_GetObjectItemCaseSensitive(doc, "permissions");
	cJSON *u = users ? add_obj(users) : NULL, *p = perms ? add_obj(perms) : NULL, *t;
	password_hash(password, hash, sizeof hash);
	if (!u || !p || !cJSON_AddStringToObject(u, "name", name) || !cJSON_AddStringToObject(u, "password_hash", hash) ||
	    !cJSON_AddStringToObject(u, "hashing_algorithm", "rabbit_password_hashing_sha256") ||
	    !(t = cJSON_AddArrayToObject(u, "tags")) || !cJSON_AddStringToObject(p, "user", name) ||
	    !cJSON_AddStringToObject(p, "vhost", vhost) || !cJSON_AddStringToObject(p, "configure", configure) ||
	    !cJSON_AddStringToObject(p, "write", write) || !cJSON_AddStringToObject(p, "read", read))
		return -1;
	for (; tags && *tags; tags++)
		if (!cJSON_AddItemToArray(t, cJSON_CreateString(*tags)))
			return -1;
	return 0;
}

static cJSON *definitions(void)
{
	cJSON *doc = cJSON_CreateObject();
	if (!doc || !cJSON_AddArrayToObject(doc, "users") || !cJSON_AddArrayToObject(doc, "permissions")) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* A kiosk's rights: its own MQTT session queues (the plugin names them
 * mqtt-subscription-<client id>qos0/qos1) and amq.topic, the exchange MQTT goes through;
 * on amq.topic it may publish under its own tree and read what docs/protocol.md
 * "Security" lists, exactly as the mosquitto hall's role (dynsec.c kiosk_acls). */
static cJSON *kiosk_definitions(const hall_controller_config *cfg, const char *id, const char *group,
                                const char *password)
{
	char pre[512], queues[256], rw[512], write[REGEX_MAX], read[REGEX_MAX], tag[HALL_ID_MAX + 16];
	routing_regex(pre, sizeof pre, cfg->topic_prefix);
	snprintf(queues, sizeof queues, "mqtt-subscription-%sqos[01]", id);
	snprintf(rw, sizeof rw, "^(amq\\.topic|%s)$", queues);
	snprintf(write, sizeof write, "^%s\\.kiosk\\.%s\\..+$", pre, id);
	snprintf(read, sizeof read,
	         "^%s\\.ctl\\.(kiosk\\.%s\\.[^.]+|all\\.[^.]+|group\\.%s\\.[^.]+|asset\\.[^.]+|poll\\.[^.]+\\.results|"
	         "controller\\.status)$",
	         pre, id, group);
	snprintf(tag, sizeof tag, HALL_DYNSEC_GROUP_TEXT_PREFIX "%s", group);
	char configure[300];
	snprintf(configure, sizeof configure, "^%s$", queues);
	const char *tags[] = {HALL_RABBIT_KIOSK_TAG, tag, NULL};
	cJSON *doc = definitions(), *tp, *t;
	if (!doc || add_user(doc, cfg->broker_admin.vhost, id, password, tags, configure, rw, rw) ||
	    !(tp = cJSON_AddArrayToObject(doc, "topic_permissions")) || !(t = add_obj(tp)) ||
	    !cJSON_AddStringToObject(t, "user", id) || !cJSON_AddStringToObject(t, "vhost", cfg->broker_admin.vhost) ||
	    !cJSON_AddStringToObject(t, "exchange", "amq.topic") || !cJSON_AddStringToObject(t, "write", write) ||
	    !cJSON_AddStringToObject(t, "read", read)) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* ------------------------------------------------------------------ init's files */

/* node's file: node 1 of n_nodes listens on host:port (a one-node hall: n_nodes 1). */
static hall_err write_conf(const hall_rabbit_files *f, const char *path, int node, int n_nodes, const char *host,
                           int port, hall_error *err)
{
	char text[8192], which[1024] = "";
	if (n_nodes > 1)
		snprintf(which, sizeof which,
		         "#\n"
		         "# Node %d of the %d that init --broker listed: it listens on %s:%d. Each node has its\n"
		         "# own file (rabbitmq.conf for node 1, rabbitmq.nodeN.conf for node N), the same but for\n"
		         "# its listener, as a listener can only be an address of the machine it runs on.%s\n",
		         node, n_nodes, host, port,
		         node > 1 ? "\n# Node 1 first; this node joins it as it first boots with these two lines, node 1's\n"
		                    "# Erlang name in place of rabbit@NODE1 (rabbit@ and its short host name; the\n"
		                    "# whole start: docs/operations.md):\n"
		                    "#   cluster_formation.peer_discovery_backend = classic_config\n"
		                    "#   cluster_formation.classic_config.nodes.1 = rabbit@NODE1"
		                  : "");
	int n = snprintf(
		text, sizeof text,
		"# Written by hall-controller init --broker-kind rabbitmq for a node of the hall's RabbitMQ\n"
		"# cluster (docs/operations.md; DESIGN.md decisions 7 and 8). init writes it again each\n"
		"# time. On the node's machine, put it at /etc/rabbitmq/rabbitmq.conf with the three TLS\n"
		"# files where ssl_options names them, readable by the user \"rabbitmq\", and enable the MQTT\n"
		"# plugin: rabbitmq-plugins enable rabbitmq_mqtt\n"
		"%s"
		"\n"
		"# MQTT over TLS only, with the hall's CA and the certificate init issued (one certificate for\n"
		"# every node: init --name each node's host name). No plain MQTT, no AMQP: the hall speaks\n"
		"# MQTT, and rabbitmqctl reaches the nodes over Erlang distribution, not AMQP.\n"
		"listeners.tcp = none\n"
		"mqtt.listeners.tcp = none\n"
		"mqtt.listeners.ssl.default = %s:%d\n"
		"ssl_options.cacertfile = %s\n"
		"ssl_options.certfile = %s\n"
		"ssl_options.keyfile = %s\n"
		"ssl_options.versions.1 = tlsv1.3\n"
		"ssl_options.versions.2 = tlsv1.2\n"
		"# Clients log in with a password, not a certificate.\n"
		"ssl_options.verify = verify_none\n"
		"ssl_options.fail_if_no_peer_cert = false\n"
		"\n"
		"# Nobody without an account: the plugin would otherwise log anonymous clients in as its\n"
		"# default user. Accounts: the controller's from load_definitions below, each kiosk's\n"
		"# made by hall-controller kiosk add (rabbitmqctl). RabbitMQ refuses a username with no\n"
		"# password (CONNACK 4), so every account has one.\n"
		"mqtt.allow_anonymous = false\n"
		"load_definitions = %s\n"
		"\n"
		"# All of the hall in one virtual host, on amq.topic, where the accounts' rights are set.\n"
		"mqtt.vhost = %s\n"
		"mqtt.exchange = amq.topic\n"
		"\n"
		"# QoS 1 deliveries in flight per subscription before the broker waits for PUBACKs: as\n"
		"# mosquitto's max_inflight_messages 100. serve and the kiosks subscribe at QoS 0 here\n"
		"# (broker.kind \"rabbitmq\", below), so this bounds only other QoS 1 subscribers (a\n"
		"# mosquitto_sub -q 1 watching the hall).\n"
		"mqtt.prefetch = 100\n"
		"\n"
		"# Session expiry: a persistent session's queue is deleted 1 day after its client left.\n"
		"# serve and the kiosks connect with clean sessions and subscribe at QoS 0: the plugin\n"
		"# keeps a persistent session, and any QoS 1 subscription, in a durable queue homed on\n"
		"# one node, and a client holding one cannot subscribe on another node while that node\n"
		"# is down; a QoS 0 subscription is a transient queue that goes with its node. Kiosks\n"
		"# resend what is unconfirmed and serve's roll-call rebuilds the fleet, so nothing needs\n"
		"# the broker to keep it. This only bounds what a stray persistent client leaves behind.\n"
		"mqtt.subscription_ttl = 86400000\n"
		"\n"
		"# Retained messages are a shortcut only (DESIGN.md decision 1): kept per node, on disk.\n"
		"mqtt.retained_message_store = rabbit_mqtt_retained_msg_store_dets\n"
		"mqtt.retained_message_store_dets_sync_interval = 2000\n"
		"\n"
		"# The largest message: a 16 MiB screenshot and its header line (docs/protocol.md Limits).\n"
		"max_message_size = 17826816\n"
		"\n"
		"# Three nodes: a node cut off from the other two pauses, so its kiosks move to the\n"
		"# majority (broker.hosts) instead of living on in a split half.\n"
		"cluster_partition_handling = pause_minority\n"
		"\n"
		"# Dead links are noticed by MQTT keepalives (30 s in both programs' configs); TCP\n"
		"# keepalive as well for clients that vanish without a FIN.\n"
		"mqtt.tcp_listen_options.keepalive = true\n"
		"mqtt.tcp_listen_options.nodelay = true\n",
		which, host, port, f->ca, f->cert, f->key, f->definitions, f->vhost);
	if (n < 0 || (size_t)n >= sizeof text)
		return hall_error_set(err, HALL_ERR_INVALID, path, "paths too long");
	return hall_fs_write_atomic_mode(path, text, (size_t)n, 0600, err);
}

/* rabbitmq.nodeN.conf beside conf (rabbitmq.conf). */
static hall_err node_conf_path(const hall_rabbit_files *f, int node, char *out, size_t len, hall_error *err)
{
	const char *slash = strrchr(f->conf, '/');
	int dir = slash ? (int)(slash - f->conf + 1) : 0;
	int n = snprintf(out, len, "%.*srabbitmq.node%d.conf", dir, f->conf, node);
	if (n < 0 || (size_t)n >= len)
		return hall_error_set(err, HALL_ERR_INVALID, f->conf, "path too long");
	return HALL_OK;
}

/* Node 1's file, and with --broker each other node's (a list gone shorter: the files of
 * the nodes no longer listed are removed, so none is left to install by mistake). */
static hall_err write_confs(const hall_rabbit_files *f, hall_error *err)
{
	int n_nodes = 1 + f->n_others;
	hall_err rc = write_conf(f, f->conf, 1, n_nodes, f->listen_host, f->port, err);
	for (int i = 2; rc == HALL_OK && i <= (f->nodes_given ? HALL_BROKER_HOSTS_MAX : n_nodes); i++) {
		char path[PATH_MAX];
		if ((rc = node_conf_path(f, i, path, sizeof path, err)) != HALL_OK)
			break;
		if (i <= n_nodes)
			rc = write_conf(f, path, i, n_nodes, f->others[i - 2].host, f->others[i - 2].port, err);
		else if (unlink(path) != 0 && errno != ENOENT)
			rc = hall_error_set(err, HALL_ERR_IO, path, "cannot remove: %s", strerror(errno));
	}
	return rc;
}

/* The vhost and the controller: all rights in the vhost, no topic permissions (so every
 * topic); serve and every staff command log in with it under their own client ids. */
static hall_err write_definitions(const hall_rabbit_files *f, hall_error *err)
{
	const char *tags[] = {"hall-controller", NULL};
	cJSON *doc = definitions(), *vh, *v;
	char *text = NULL;
	hall_err rc;
	if (!doc || !(vh = cJSON_AddArrayToObject(doc, "vhosts")) || !(v = add_obj(vh)) ||
	    !cJSON_AddStringToObject(v, "name", f->vhost) ||
	    add_user(doc, f->vhost, f->user, f->password, tags, ".*", ".*", ".*") || !(text = cJSON_Print(doc)))
		rc = hall_error_set(err, HALL_ERR_NOMEM, f->definitions, "out of memory");
	else
		rc = hall_fs_write_atomic_mode(f->definitions, text, strlen(text), 0600, err);
	free(text);
	cJSON_Delete(doc);
	return rc;
}

hall_err hall_rabbit_write_files(const hall_rabbit_files *f, hall_error *err)
{
	hall_err rc = write_definitions(f, err);
	return rc == HALL_OK ? write_confs(f, err) : rc;
}

/* ------------------------------------------------------------------ rabbitmqctl */

/* rabbitmqctl ARGS against the first configured node that answers (each node is tried
 * when the one before is down or unreachable; any other failure is the answer). */
static hall_err rabbitmqctl(const hall_controller_config *cfg, const char *const *args, const char *in, char **out,
                            int *status, hall_error *err)
{
	const char *argv[16];
	size_t tries = cfg->broker_admin.n_nodes ? cfg->broker_admin.n_nodes : 1;
	hall_err rc = HALL_ERR_IO;
	for (size_t t = 0; t < tries; t++) {
		size_t n = 0;
		argv[n++] = cfg->broker_admin.rabbitmqctl;
		argv[n++] = "-q";
		if (cfg->broker_admin.n_nodes) {
			argv[n++] = "-n";
			argv[n++] = cfg->broker_admin.nodes[t];
		}
		for (size_t i = 0; args[i] && n < sizeof argv / sizeof argv[0] - 1; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		rc = hall_tool_run(argv, in, in ? strlen(in) : 0, out, LIST_MAX, CTL_TIMEOUT_MS, status, err);
		if (rc == HALL_OK || (*status != EX_UNAVAILABLE && *status != EX_TEMPFAIL))
			return rc;
	}
	if (tries > 1) {
		char last[sizeof err->msg];
		snprintf(last, sizeof last, "%s", err->msg);
		hall_error_set(err, HALL_ERR_NET, "rabbitmq", "no node of broker_admin.nodes answered (%zu tried; last: %.300s)",
		               tries, last);
	}
	return HALL_ERR_NET;
}

hall_err hall_rabbit_list(const hall_controller_config *cfg, cJSON **clients, hall_error *err)
{
	const char *args[] = {"list_users", "--formatter", "json", NULL};
	char *text = NULL;
	int status = 0;
	*clients = NULL;
	hall_err rc = rabbitmqctl(cfg, args, NULL, &text, &status, err);
	if (rc != HALL_OK)
		return rc;
	cJSON *doc = cJSON_Parse(text);
	free(text);
	cJSON *list = cJSON_CreateArray();
	const cJSON *u;
	if (!cJSON_IsArray(doc) || !list) {
		cJSON_Delete(doc);
		cJSON_Delete(list);
		return hall_error_set(err, HALL_ERR_IO, "rabbitmqctl", "list_users: not the JSON array expected");
	}
	cJSON_ArrayForEach(u, doc)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(u, "user");
		const cJSON *tags = cJSON_GetObjectItemCaseSensitive(u, "tags"), *t;
		cJSON *c = cJSON_IsString(name) ? add_obj(list) : NULL;
		if (!c || !cJSON_AddStringToObject(c, "username", name->valuestring))
			continue;
		cJSON_ArrayForEach(t, tags)
		{
			if (cJSON_IsString(t) && strncmp(t->valuestring, HALL_DYNSEC_GROUP_TEXT_PREFIX,
			                                 strlen(HALL_DYNSEC_GROUP_TEXT_PREFIX)) == 0)
				cJSON_AddStringToObject(c, "textname", t->valuestring);
		}
	}
	cJSON_Delete(doc);
	*clients = list;
	return HALL_OK;
}

/* Close every connection of the user id (its old credentials stop working at once). */
static hall_err close_connections(const hall_controller_config *cfg, const char *id, const char *why, hall_error *err)
{
	const char *args[] = {"close_all_user_connections", id, why, NULL};
	int status = 0;
	return rabbitmqctl(cfg, args, NULL, NULL, &status, err);
}

hall_err hall_rabbit_enroll(const hall_controller_config *cfg, const char *id, const char *group,
                            const char *password, bool rotate, bool *exists, hall_error *err)
{
	*exists = false;
	hall_err rc;
	if (!rotate) {
		cJSON *users = NULL, *u;
		if ((rc = hall_rabbit_list(cfg, &users, err)) != HALL_OK)
			return rc;
		cJSON_ArrayForEach(u, users)
		{
			const cJSON *name = cJSON_GetObjectItemCaseSensitive(u, "username");
			if (cJSON_IsString(name) && strcmp(name->valuestring, id) == 0)
				*exists = true;
		}
		cJSON_Delete(users);
		if (*exists)
			return HALL_OK;
	}
	cJSON *doc = kiosk_definitions(cfg, id, group, password);
	char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
	cJSON_Delete(doc);
	if (!text)
		return hall_error_set(err, HALL_ERR_NOMEM, "rabbitmq", "out of memory");
	const char *args[] = {"import_definitions", NULL};
	int status = 0;
	rc = rabbitmqctl(cfg, args, text, NULL, &status, err);
	sodium_memzero(text, strlen(text));
	free(text);
	if (rc == HALL_OK && rotate)
		rc = close_connections(cfg, id, "kiosk credentials rotated", err);
	return rc;
}

hall_err hall_rabbit_remove(const hall_controller_config *cfg, const char *id, bool *existed, hall_error *err)
{
	const char *args[] = {"delete_user", id, NULL};
	int status = 0;
	*existed = true;
	hall_err rc = rabbitmqctl(cfg, args, NULL, NULL, &status, err);
	if (rc != HALL_OK && status == EX_NOUSER) {
		*existed = false;
		return HALL_OK;
	}
	if (rc != HALL_OK)
		return rc;
	/* A deleted user's open connections stay until they close: close them now. */
	return close_connections(cfg, id, "kiosk removed", err);
}
