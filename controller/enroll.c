/* enroll.c: hall-controller init and kiosk add/remove/list (see enroll.h). */
#include "enroll.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "ctl.h"
#include "dynsec.h"
#include "enroll_rabbit.h"
#include "tool.h"
#include "hall/fsutil.h"
#include "hall/topics.h"

#define MAX_NAMES 16
#define BROKER_PORT_DEFAULT 8883
#define CERT_DAYS_CA "3650"
#define CERT_DAYS_SERVER "825" /* what browsers accept for a server certificate */
#define PIN_DIGITS 6
#define TOOL_TIMEOUT_MS 120000 /* openssl: a key or a certificate takes well under a second */

typedef struct paths {
	char dir[PATH_MAX];
	char keys[PATH_MAX + 8], sign_key[PATH_MAX + 32], sign_pub[PATH_MAX + 32];
	char tls[PATH_MAX + 8], ca_key[PATH_MAX + 16], ca_crt[PATH_MAX + 16], srv_key[PATH_MAX + 16],
		srv_crt[PATH_MAX + 16];
	char broker[PATH_MAX + 8], conf[PATH_MAX + 32], dynsec[PATH_MAX + 32];
	char rabbit_conf[PATH_MAX + 32], rabbit_defs[PATH_MAX + 32];
	char ctl_json[PATH_MAX + 32];
} paths;

/* ------------------------------------------------------------------ small helpers */

static int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "hall-controller %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

static int report(const char *cmd, const hall_error *err, int code)
{
	char buf[700];
	fprintf(stderr, "hall-controller %s: %s\n", cmd, hall_error_format(err, buf, sizeof buf));
	return code;
}

static hall_err mkdir_mode(const char *path, mode_t mode, hall_error *err)
{
	if (mkdir(path, mode) != 0 && errno != EEXIST)
		return hall_error_set(err, HALL_ERR_IO, path, "cannot create: %s", strerror(errno));
	return HALL_OK;
}

static void fill_paths(paths *p, const char *dir)
{
	snprintf(p->dir, sizeof p->dir, "%s", dir);
	snprintf(p->keys, sizeof p->keys, "%s/keys", dir);
	snprintf(p->sign_key, sizeof p->sign_key, "%s/keys/controller-sign.key", dir);
	snprintf(p->sign_pub, sizeof p->sign_pub, "%s/keys/controller-sign.pub", dir);
	snprintf(p->tls, sizeof p->tls, "%s/tls", dir);
	snprintf(p->ca_key, sizeof p->ca_key, "%s/tls/ca.key", dir);
	snprintf(p->ca_crt, sizeof p->ca_crt, "%s/tls/ca.crt", dir);
	snprintf(p->srv_key, sizeof p->srv_key, "%s/tls/server.key", dir);
	snprintf(p->srv_crt, sizeof p->srv_crt, "%s/tls/server.crt", dir);
	snprintf(p->broker, sizeof p->broker, "%s/broker", dir);
	snprintf(p->conf, sizeof p->conf, "%s/broker/mosquitto.conf", dir);
	snprintf(p->dynsec, sizeof p->dynsec, "%s/broker/dynamic-security.json", dir);
	snprintf(p->rabbit_conf, sizeof p->rabbit_conf, "%s/broker/rabbitmq.conf", dir);
	snprintf(p->rabbit_defs, sizeof p->rabbit_defs, "%s/broker/definitions.json", dir);
	snprintf(p->ctl_json, sizeof p->ctl_json, "%s/controller.json", dir);
}

static hall_err run_tool(const char *const argv[], hall_error *err)
{
	return hall_tool_run(argv, NULL, 0, NULL, 0, TOOL_TIMEOUT_MS, NULL, err);
}

/* ------------------------------------------------------------------ signing key */

hall_err hall_enroll_public_key(const char *path, char out[HALL_CONFIG_KEY_B64_MAX], hall_error *err)
{
	char *text = NULL;
	size_t len = 0;
	unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	size_t n = 0;
	const char *end = NULL;
	hall_err rc = hall_fs_read_file(path, 4096, &text, &len, err);
	if (rc != HALL_OK)
		return rc;
	text[strcspn(text, "\r\n")] = '\0';
	if (sodium_base642bin(sk, sizeof sk, text, strlen(text), NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof sk || (end && *end)) {
		sodium_memzero(text, len);
		free(text);
		return hall_error_set(err, HALL_ERR_INVALID, path,
		                      "malformed signing key: expected one line of base64 of a 64-byte ed25519 secret key");
	}
	sodium_memzero(text, len);
	free(text);
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2base64(out, HALL_CONFIG_KEY_B64_MAX, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	return HALL_OK;
}

static hall_err ensure_signing_key(const paths *p, const char **what, hall_error *err)
{
	char pub[HALL_CONFIG_KEY_B64_MAX];
	if (hall_fs_exists(p->sign_key)) {
		hall_err rc = hall_enroll_public_key(p->sign_key, pub, err);
		if (rc != HALL_OK)
			return rc;
		*what = "kept";
	} else {
		unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
		char line[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
		crypto_sign_keypair(pk, sk);
		sodium_bin2base64(line, sizeof line - 1, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
		sodium_memzero(sk, sizeof sk);
		strcat(line, "\n");
		hall_err rc = hall_fs_write_atomic_mode(p->sign_key, line, strlen(line), 0600, err);
		sodium_memzero(line, sizeof line);
		if (rc != HALL_OK)
			return rc;
		sodium_bin2base64(pub, sizeof pub, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
		*what = "new";
	}
	/* The public half is derived, never trusted from disk: (re)write it when it differs. */
	char line[HALL_CONFIG_KEY_B64_MAX + 2];
	snprintf(line, sizeof line, "%s\n", pub);
	char *old = NULL;
	size_t olen = 0;
	hall_error ignore = {0};
	int same = hall_fs_read_file(p->sign_pub, 4096, &old, &olen, &ignore) == HALL_OK && strcmp(old, line) == 0;
	free(old);
	return same ? HALL_OK : hall_fs_write_atomic_mode(p->sign_pub, line, strlen(line), 0644, err);
}

/* ------------------------------------------------------------------ TLS */

static int name_is_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int name_is_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 253)
		return 0;
	if (name_is_ip(s))
		return 1;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n && s[0] != '-' &&
	       s[0] != '.';
}

static hall_err ensure_key(const char *path, const char **what, hall_error *err)
{
	if (hall_fs_exists(path)) {
		*what = "kept";
		return HALL_OK;
	}
	const char *argv[] = {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
	                      path, NULL};
	*what = "new";
	hall_err rc = run_tool(argv, err);
	if (rc == HALL_OK && chmod(path, 0600) != 0)
		rc = hall_error_set(err, HALL_ERR_IO, path, "chmod: %s", strerror(errno));
	return rc;
}

static hall_err ensure_ca(const paths *p, const char **what, hall_error *err)
{
	const char *kwhat = NULL;
	hall_err rc = ensure_key(p->ca_key, &kwhat, err);
	if (rc != HALL_OK)
		return rc;
	if (hall_fs_exists(p->ca_crt) && strcmp(kwhat, "kept") == 0) {
		*what = "kept";
		return HALL_OK;
	}
	const char *argv[] = {"openssl", "req", "-x509", "-new", "-key", p->ca_key, "-out", p->ca_crt, "-days", CERT_DAYS_CA,
	                      "-subj", "/O=Seoul Citizen Hall/CN=Citizen Hall CA", "-addext",
	                      "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
	                      NULL};
	*what = "new";
	if ((rc = run_tool(argv, err)) == HALL_OK)
		chmod(p->ca_crt, 0644);
	return rc;
}

/* The broker's (and the staff console's) certificate: the given names, 127.0.0.1 and
 * localhost. Issued when missing or when the CA was made anew. */
static hall_err ensure_server_cert(const paths *p, const char *const *names, size_t n_names, bool ca_new,
                                   const char **what, hall_error *err)
{
	const char *kwhat = NULL;
	hall_err rc = ensure_key(p->srv_key, &kwhat, err);
	if (rc != HALL_OK)
		return rc;
	if (hall_fs_exists(p->srv_crt) && !ca_new && strcmp(kwhat, "kept") == 0) {
		*what = "kept";
		return HALL_OK;
	}
	char ext[PATH_MAX + 64], csr[PATH_MAX + 64], san[4096], subj[300], serial[40];
	snprintf(ext, sizeof ext, "%s/server.ext", p->tls);
	snprintf(csr, sizeof csr, "%s/server.csr", p->tls);
	size_t used = (size_t)snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1");
	for (size_t i = 0; i < n_names && used < sizeof san; i++)
		used += (size_t)snprintf(san + used, sizeof san - used, ",%s:%s", name_is_ip(names[i]) ? "IP" : "DNS", names[i]);
	char text[sizeof san + 256];
	snprintf(text, sizeof text,
	         "[v3]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\n"
	         "extendedKeyUsage=serverAuth\nsubjectAltName=%s\n",
	         san);
	if ((rc = hall_fs_write_atomic_mode(ext, text, strlen(text), 0600, err)) != HALL_OK)
		return rc;
	snprintf(subj, sizeof subj, "/O=Seoul Citizen Hall/CN=%.200s", n_names ? names[0] : "localhost");
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	rnd[0] &= 0x7f; /* a positive serial */
	strcpy(serial, "0x");
	sodium_bin2hex(serial + 2, sizeof serial - 2, rnd, sizeof rnd);
	const char *req[] = {"openssl", "req", "-new", "-key", p->srv_key, "-subj", subj, "-out", csr, NULL};
	const char *sign[] = {"openssl", "x509", "-req", "-in", csr, "-CA", p->ca_crt, "-CAkey", p->ca_key, "-set_serial",
	                      serial, "-days", CERT_DAYS_SERVER, "-sha256", "-extfile", ext, "-extensions", "v3", "-out",
	                      p->srv_crt, NULL};
	*what = "new";
	if ((rc = run_tool(req, err)) == HALL_OK && (rc = run_tool(sign, err)) == HALL_OK)
		chmod(p->srv_crt, 0644);
	unlink(csr);
	unlink(ext);
	return rc;
}

/* ------------------------------------------------------------------ configs */

static hall_err write_json(const char *path, const cJSON *doc, unsigned int mode, hall_error *err)
{
	char *text = cJSON_Print(doc);
	if (!text)
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	size_t len = strlen(text);
	char *withnl = realloc(text, len + 2);
	if (!withnl) {
		free(text);
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	}
	withnl[len] = '\n';
	withnl[len + 1] = '\0';
	hall_err rc = hall_fs_write_atomic_mode(path, withnl, len + 1, mode, err);
	sodium_memzero(withnl, len + 1); /* configs hold passwords */
	free(withnl);
	return rc;
}

/* DIR/controller.json for this hall: everything explicit, absolute paths. */
static cJSON *controller_json(const paths *p, const char *host, int port, const char *password)
{
	char reports[PATH_MAX + 16];
	snprintf(reports, sizeof reports, "%s/reports", p->dir);
	cJSON *root = cJSON_CreateObject(), *b, *c, *in;
	if (!root || !cJSON_AddStringToObject(root, "id", HALL_CONTROLLER_ID_DEFAULT) ||
	    !(b = cJSON_AddObjectToObject(root, "broker")) || !cJSON_AddStringToObject(b, "host", host) ||
	    !cJSON_AddNumberToObject(b, "port", port) || !cJSON_AddStringToObject(b, "username", HALL_CONTROLLER_ID_DEFAULT) ||
	    !cJSON_AddStringToObject(b, "password", password) || !cJSON_AddStringToObject(b, "cafile", p->ca_crt) ||
	    !cJSON_AddNumberToObject(b, "keepalive_s", 30) || !cJSON_AddStringToObject(root, "topic_prefix", "hall/v1") ||
	    !cJSON_AddBoolToObject(root, "retain", 1) || !cJSON_AddStringToObject(root, "data_dir", p->dir) ||
	    !cJSON_AddStringToObject(root, "time_zone", "Asia/Seoul") ||
	    !cJSON_AddStringToObject(root, "closing_time", "21:00") || !cJSON_AddStringToObject(root, "reports_dir", reports) ||
	    !cJSON_AddStringToObject(root, "report_lang", "ko") || !cJSON_AddArrayToObject(root, "kiosks") ||
	    !cJSON_AddNullToObject(root, "on_alert") || !cJSON_AddNumberToObject(root, "raw_retention_days", 90) ||
	    !(in = cJSON_AddObjectToObject(root, "ingest")) || !cJSON_AddNumberToObject(in, "batch_ms", 100) ||
	    !cJSON_AddNumberToObject(in, "batch_max", 1000) || !cJSON_AddStringToObject(root, "signing_key", p->sign_key) ||
	    !(c = cJSON_AddObjectToObject(root, "console")) || !cJSON_AddStringToObject(c, "listen", "127.0.0.1:8080") ||
	    !cJSON_AddStringToObject(c, "cert", p->srv_crt) || !cJSON_AddStringToObject(c, "key", p->srv_key) ||
	    !cJSON_AddStringToObject(root, "log_level", "info")) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Check a config document with the programs' own parser before it is written. */
static hall_err check_controller_json(const cJSON *doc, const char *path, hall_error *err)
{
	char *text = cJSON_PrintUnformatted(doc);
	if (!text)
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	hall_controller_config cfg;
	hall_controller_config_defaults(&cfg);
	hall_err rc = hall_controller_config_parse(text, strlen(text), path, &cfg, err);
	if (rc == HALL_OK)
		rc = hall_controller_config_finish(&cfg, err);
	hall_controller_config_free(&cfg);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

static const char *broker_user(void)
{
	const struct passwd *pw = getpwuid(geteuid());
	return pw && pw->pw_name ? pw->pw_name : "root";
}

/* DIR/broker/mosquitto.conf: one TLS listener, accounts and ACLs in the plugin. */
static hall_err write_broker_conf(const paths *p, const char *listen_host, int port, hall_error *err)
{
	char text[8192];
	int n = snprintf(text, sizeof text,
	         "# Written by hall-controller init: the hall's broker. Run: mosquitto -c %s\n"
	         "# (DESIGN.md decision 7; docs/protocol.md \"Security\"). init writes it again each time.\n"
	         "per_listener_settings false\n"
	         "# Nobody without an account. Accounts and ACLs live in the dynamic-security plugin's\n"
	         "# file; hall-controller kiosk add/remove change them on the running broker. Each kiosk's\n"
	         "# account is bound to its client id (= its username), so one kiosk's password cannot\n"
	         "# log in as another client or knock its session off.\n"
	         "allow_anonymous false\n"
	         "plugin %s\n"
	         "plugin_opt_config_file %s\n"
	         "\n"
	         "# One listener, TLS only: the hall's CA and the certificate init issued.\n"
	         "listener %d %s\n"
	         "certfile %s\n"
	         "keyfile %s\n"
	         "cafile %s\n"
	         "tls_version tlsv1.2\n"
	         "require_certificate false\n"
	         "\n"
	         "# The broker keeps running as the user who ran init (who owns these files); as root\n"
	         "# mosquitto would otherwise switch to the user \"mosquitto\", which cannot read them.\n"
	         "user %s\n"
	         "persistence true\n"
	         "persistence_location %s/\n"
	         "autosave_interval 60\n"
	         "persistent_client_expiration 7d\n"
	         "\n"
	         "# Queue limits, as config/mosquitto.conf explains (DESIGN.md decision 2).\n"
	         "max_queued_messages 100000\n"
	         "max_queued_bytes 268435456\n"
	         "max_inflight_messages 100\n"
	         "# No memory_limit here, unlike config/mosquitto.conf: with it, Debian's mosquitto\n"
	         "# 2.0.11 stops taking TLS connections (accepts, then closes them without a log line)\n"
	         "# after the dynamic-security plugin deletes a connected client (kiosk remove);\n"
	         "# test_enroll shows it. The systemd unit's MemoryMax bounds the broker instead.\n"
	         "max_packet_size 17826816\n"
	         "set_tcp_nodelay true\n"
	         "\n"
	         "log_dest stderr\n"
	         "log_type error\n"
	         "log_type warning\n"
	         "log_type notice\n"
	         "connection_messages true\n",
	         p->conf, HALL_DYNSEC_PLUGIN, p->dynsec, port, listen_host, p->srv_crt, p->srv_key, p->ca_crt, broker_user(),
	         p->broker);
	if (n < 0 || (size_t)n >= sizeof text)
		return hall_error_set(err, HALL_ERR_INVALID, p->conf, "paths too long");
	return hall_fs_write_atomic_mode(p->conf, text, strlen(text), 0600, err);
}

/* ------------------------------------------------------------------ init */

/* The listener of an earlier init's broker config DIR/broker/NAME, if there is one:
 * mosquitto's "listener PORT HOST" or RabbitMQ's "mqtt.listeners.ssl.default = HOST:PORT". */
static bool listener_in(const char *dir, const char *name, char *host, size_t host_len, int *port)
{
	char path[PATH_MAX + 40], line[512];
	bool found = false;
	snprintf(path, sizeof path, "%s/broker/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (f) {
		while (!found && fgets(line, sizeof line, f)) {
			char h[256];
			int p = 0;
			if ((sscanf(line, "listener %d %255s", &p, h) == 2 ||
			     sscanf(line, "mqtt.listeners.ssl.default = %255[^:\n]:%d", h, &p) == 2) &&
			    p > 0 && p < 65536 && strlen(h) < host_len) {
				snprintf(host, host_len, "%s", h);
				*port = p;
				found = true;
			}
		}
		fclose(f);
	}
	return found;
}

static bool previous_listener(const char *dir, char *host, size_t host_len, int *port)
{
	return listener_in(dir, "mosquitto.conf", host, host_len, port) ||
	       listener_in(dir, "rabbitmq.conf", host, host_len, port);
}

/* init run again without --broker on a RabbitMQ hall: the other nodes its files name
 * (rabbitmq.node2.conf, node3, ... as an earlier --broker A,B,C wrote them). */
static int previous_nodes(const char *dir, hall_broker_addr *out, int max)
{
	int n = 0;
	char name[40];
	for (; n < max; n++) {
		snprintf(name, sizeof name, "rabbitmq.node%d.conf", n + 2);
		if (!listener_in(dir, name, out[n].host, sizeof out[n].host, &out[n].port))
			break;
	}
	return n;
}

/* The controller config's "broker_admin": how kiosk add/remove/list reach the accounts.
 * One of the same kind already there stays as it is (its nodes were set by staff). */
static int set_broker_admin(cJSON *doc, bool rabbit)
{
	const cJSON *old = cJSON_GetObjectItemCaseSensitive(doc, "broker_admin");
	const cJSON *kind = cJSON_GetObjectItemCaseSensitive(old, "kind");
	if (cJSON_IsString(kind) && strcmp(kind->valuestring, rabbit ? "rabbitmq" : "mosquitto") == 0)
		return 0;
	cJSON *a = cJSON_CreateObject();
	if (!a || !cJSON_AddStringToObject(a, "kind", rabbit ? "rabbitmq" : "mosquitto") ||
	    (rabbit && (!cJSON_AddStringToObject(a, "vhost", HALL_RABBIT_VHOST_DEFAULT) ||
	                !cJSON_AddStringToObject(a, "rabbitmqctl", "rabbitmqctl") || !cJSON_AddArrayToObject(a, "nodes")))) {
		cJSON_Delete(a);
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(doc, "broker_admin"))
		cJSON_ReplaceItemInObjectCaseSensitive(doc, "broker_admin", a);
	else
		cJSON_AddItemToObject(doc, "broker_admin", a);
	return 0;
}

/* DIR/broker/: mosquitto.conf and the dynamic-security plugin's accounts (made once, the
 * broker keeps them), or RabbitMQ's rabbitmq.conf and definitions.json (written each time). */
/* others/n_others: the cluster's other nodes (--broker A,B,C: B and C), RabbitMQ only;
 * nodes_given: --broker was given (its list, however short, is the whole cluster). */
static hall_err write_broker_files(const paths *p, bool rabbit, const char *host, int port, const char *password,
                                   const hall_broker_addr *others, int n_others, bool nodes_given, const char **what,
                                   hall_error *err)
{
	hall_err rc;
	if (rabbit) {
		hall_rabbit_files f = {p->rabbit_conf, p->rabbit_defs, p->ca_crt, p->srv_crt, p->srv_key, host, port,
		                       HALL_TOPIC_PREFIX_DEFAULT, HALL_RABBIT_VHOST_DEFAULT, HALL_CONTROLLER_ID_DEFAULT,
		                       password, others, n_others, nodes_given};
		*what = n_others ? "written; rabbitmq.nodeN.conf beside it for nodes 2..N" : "written";
		return hall_rabbit_write_files(&f, err);
	}
	if (!hall_fs_exists(p->dynsec)) {
		char *json = NULL;
		if ((rc = hall_dynsec_initial_file("hall/v1", HALL_CONTROLLER_ID_DEFAULT, password, &json, err)) != HALL_OK)
			return rc;
		rc = hall_fs_write_atomic_mode(p->dynsec, json, strlen(json), 0600, err);
		free(json);
		if (rc != HALL_OK)
			return rc;
		*what = "new";
	}
	return write_broker_conf(p, host, port, err);
}

typedef struct init_opts {
	const char *names[MAX_NAMES];
	size_t n_names;
	const char *kind; /* --broker-kind as given, NULL = not given */
	bool rabbit;
} init_opts;

static int parse_init(int argc, char **argv, init_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			const char *n = argv[++i];
			if (!name_is_valid(n))
				return usage_error("init", "--name \"%s\": expected a DNS name or an IP address", n);
			if (o->n_names == MAX_NAMES)
				return usage_error("init", "--name: at most 16 names");
			o->names[o->n_names++] = n;
		} else if (strcmp(argv[i], "--broker-kind") == 0 && i + 1 < argc) {
			o->kind = argv[++i];
			if (strcmp(o->kind, "rabbitmq") != 0 && strcmp(o->kind, "mosquitto") != 0)
				return usage_error("init", "--broker-kind \"%s\": expected mosquitto or rabbitmq", o->kind);
			o->rabbit = strcmp(o->kind, "rabbitmq") == 0;
		} else {
			return usage_error("init", "unexpected argument \"%s\" (usage: hall-controller init --data DIR "
			                           "[--broker HOST:PORT] [--broker-kind mosquitto|rabbitmq] [--name DNSNAME ...])",
			                   argv[i]);
		}
	}
	return 0;
}

/* The controller's password: the one in an existing DIR/controller.json (init run
 * again), else a new one. */
static hall_err controller_password(const paths *p, char out[128], bool *existing, hall_error *err)
{
	*existing = false;
	if (!hall_fs_exists(p->ctl_json)) {
		hall_dynsec_new_password(out);
		return HALL_OK;
	}
	hall_config_args a = {0};
	a.config = p->ctl_json;
	hall_controller_config cfg;
	hall_err rc = hall_controller_config_load(&a, &cfg, err);
	if (rc != HALL_OK)
		return rc;
	if (!cfg.broker.has_password || !cfg.broker.password[0]) {
		hall_controller_config_free(&cfg);
		return hall_error_set(err, HALL_ERR_INVALID, p->ctl_json, "broker.password: missing (init keeps this file)");
	}
	if (snprintf(out, 128, "%s", cfg.broker.password) >= 128) {
		hall_controller_config_free(&cfg);
		return hall_error_set(err, HALL_ERR_INVALID, p->ctl_json, "broker.password: longer than 127 bytes");
	}
	hall_controller_config_free(&cfg);
	*existing = true;
	return HALL_OK;
}

/* The brokers the configs name: with --broker A,B,C (the nodes of the hall's cluster,
 * issue 13) every entry, in order, so the controller (and every kiosk `kiosk add` enrolls
 * from its config) fails over along the whole list; else the one address. A wildcard
 * entry is dialed as `dial` says. */
typedef struct dial_list {
	hall_broker_addr a[HALL_BROKER_HOSTS_MAX];
	int n;
} dial_list;

/* broker.host/port for one broker, broker.hosts for a list (a config may not hold both). */
static bool set_broker_addrs(cJSON *b, const dial_list *d)
{
	cJSON_DeleteItemFromObjectCaseSensitive(b, "host");
	cJSON_DeleteItemFromObjectCaseSensitive(b, "port");
	cJSON_DeleteItemFromObjectCaseSensitive(b, "hosts");
	if (d->n == 1)
		return cJSON_AddStringToObject(b, "host", d->a[0].host) && cJSON_AddNumberToObject(b, "port", d->a[0].port);
	cJSON *arr = cJSON_AddArrayToObject(b, "hosts");
	for (int i = 0; arr && i < d->n; i++) {
		char name[HALL_MQTT_ADDR_MAX];
		hall_broker_addr_format(&d->a[i], name, sizeof name);
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(name)))
			return false;
	}
	return arr != NULL;
}

static bool is_wildcard(const char *host)
{
	return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0;
}

int hall_enroll_init_cli(const hall_config_args *args, int argc, char **argv)
{
	init_opts o;
	paths p;
	hall_error err = {0};
	char password[128];
	const char *w_sign = "", *w_ca = "", *w_srv = "", *w_ctl = "kept", *w_dyn = "kept";
	bool had_ctl = false;
	int code = parse_init(argc, argv, &o);
	if (code)
		return code;
	if (sodium_init() < 0) {
		fprintf(stderr, "hall-controller init: libsodium failed to start\n");
		return 1;
	}
	if (!args->data_dir)
		return usage_error("init", "--data DIR is required");
	const char *host = args->broker ? args->broker_host : "127.0.0.1";
	int port = args->broker && args->broker_port ? args->broker_port : BROKER_PORT_DEFAULT;
	char prev_host[256];
	if (!args->broker && previous_listener(args->data_dir, prev_host, sizeof prev_host, &port))
		host = prev_host; /* run again: the listener stays where it was */
	if (!name_is_ip(host) && !name_is_valid(host))
		return usage_error("init", "--broker: \"%s\" is not a host name or address", host);
	/* A list: this machine's broker listens on the first entry; the others are the other
	 * nodes of the cluster, named in the certificate and the configs. */
	int n_list = args->broker && args->n_brokers > 1 ? args->n_brokers : 1;
	hall_broker_addr others[HALL_BROKER_HOSTS_MAX];
	for (int i = 1; i < n_list; i++) {
		if (is_wildcard(args->brokers[i].host) ||
		    (!name_is_ip(args->brokers[i].host) && !name_is_valid(args->brokers[i].host)))
			return usage_error("init", "--broker: entry %d \"%s\": not a host name or address clients can dial", i + 1,
			                   args->brokers[i].host);
		others[i - 1] = args->brokers[i];
	}
	if (hall_fs_mkdirs(args->data_dir, &err) != HALL_OK)
		return report("init", &err, 2);
	char real[PATH_MAX];
	if (!realpath(args->data_dir, real))
		return usage_error("init", "--data: %s", strerror(errno));
	fill_paths(&p, real);
	/* Run again without --broker-kind: the hall keeps the broker it has. */
	if (!o.kind)
		o.rabbit = hall_fs_exists(p.rabbit_conf) && !hall_fs_exists(p.conf);
	if (o.rabbit && !args->broker) /* run again: the cluster keeps its nodes */
		n_list = 1 + previous_nodes(p.dir, others, HALL_BROKER_HOSTS_MAX - 1);
	if (!o.rabbit && access(HALL_DYNSEC_PLUGIN, R_OK) != 0)
		return usage_error("init", "%s: missing (Debian's mosquitto package has it)", HALL_DYNSEC_PLUGIN);
	/* The certificate names what clients dial: the listen address unless it is a wildcard. */
	const char *names[MAX_NAMES + HALL_BROKER_HOSTS_MAX];
	size_t n_names = 0;
	bool wildcard = is_wildcard(host);
	for (size_t i = 0; i < o.n_names; i++)
		names[n_names++] = o.names[i];
	if (!wildcard && !hall_config_host_is_loopback(host))
		names[n_names++] = host;
	/* Clients on this machine dial loopback; others the first name (kiosk add writes it). */
	const char *dial = !wildcard ? host : o.n_names ? o.names[0] : "127.0.0.1";
	dial_list dl = {.n = n_list};
	snprintf(dl.a[0].host, sizeof dl.a[0].host, "%s", dial);
	dl.a[0].port = port;
	for (int i = 1; i < n_list; i++) {
		const char *h = others[i - 1].host;
		bool named = hall_config_host_is_loopback(h);
		for (size_t j = 0; j < n_names && !named; j++)
			named = strcmp(names[j], h) == 0;
		if (!named) /* every node presents the hall's one certificate: it names them all */
			names[n_names++] = h;
		dl.a[i] = others[i - 1];
	}

	hall_err rc;
	if ((rc = mkdir_mode(p.keys, 0700, &err)) || (rc = mkdir_mode(p.tls, 0755, &err)) ||
	    (rc = mkdir_mode(p.broker, 0700, &err)) || (rc = ensure_signing_key(&p, &w_sign, &err)) ||
	    (rc = ensure_ca(&p, &w_ca, &err)) ||
	    (rc = ensure_server_cert(&p, names, n_names, strcmp(w_ca, "new") == 0, &w_srv, &err)) ||
	    (rc = controller_password(&p, password, &had_ctl, &err)))
		goto fail;
	if (!had_ctl || args->broker || o.kind) {
		cJSON *doc = NULL;
		if (had_ctl) {
			/* Run again with --broker: move the address, keep everything else. */
			char *text = NULL;
			size_t len = 0;
			if ((rc = hall_fs_read_file(p.ctl_json, HALL_CONFIG_FILE_MAX, &text, &len, &err)) != HALL_OK)
				goto fail;
			doc = cJSON_ParseWithLength(text, len);
			free(text);
			cJSON *b = doc ? cJSON_GetObjectItemCaseSensitive(doc, "broker") : NULL;
			if (cJSON_IsObject(b) && args->broker && !set_broker_addrs(b, &dl)) {
				cJSON_Delete(doc);
				doc = NULL;
			}
		} else {
			doc = controller_json(&p, dial, port, password);
			cJSON *b = doc ? cJSON_GetObjectItemCaseSensitive(doc, "broker") : NULL;
			if (b && dl.n > 1 && !set_broker_addrs(b, &dl)) {
				cJSON_Delete(doc);
				doc = NULL;
			}
		}
		if (doc && o.kind && set_broker_admin(doc, o.rabbit) != 0) {
			cJSON_Delete(doc);
			doc = NULL;
		}
		rc = doc ? check_controller_json(doc, p.ctl_json, &err)
		         : hall_error_set(&err, HALL_ERR_NOMEM, p.ctl_json, "out of memory");
		if (rc == HALL_OK)
			rc = write_json(p.ctl_json, doc, 0600, &err);
		cJSON_Delete(doc);
		if (rc != HALL_OK)
			goto fail;
		w_ctl = had_ctl ? "updated" : "new";
	}
	if ((rc = write_broker_files(&p, o.rabbit, host, port, password, dl.a + 1, dl.n - 1, args->broker != NULL, &w_dyn,
	                             &err)) != HALL_OK)
		goto fail;
	{
		/* The database, as serve --create makes it. */
		hall_controller_config cfg;
		hall_config_args a = {0};
		a.config = p.ctl_json;
		hall_store *store = NULL;
		if ((rc = hall_controller_config_load(&a, &cfg, &err)) != HALL_OK)
			goto fail;
		rc = hall_ctl_open_store(&cfg, &store, &err);
		hall_controller_config_free(&cfg);
		if (rc != HALL_OK)
			goto fail;
		hall_store_close(store);
	}
	sodium_memzero(password, sizeof password);
	printf("hall-controller init: %s is ready\n"
	       "  signing key     %s (%s), public key in %s\n"
	       "  hall CA         %s (%s)\n"
	       "  broker cert     %s (%s)\n"
	       "  controller      %s (%s)\n"
	       "  broker          %s, accounts in %s (%s)\n"
	       "  database        %s/controller.db\n"
	       "next:\n"
	       "  %s%s%s &\n"
	       "  hall-controller serve --config %s &\n"
	       "  hall-controller kiosk add kiosk-01 --group lobby --out kiosk-01.json --config %s\n"
	       "  hall-kiosk --config kiosk-01.json   (on the kiosk, with %s at the path its broker.cafile names)\n",
	       p.dir, p.sign_key, w_sign, p.sign_pub, p.ca_crt, w_ca, p.srv_crt, w_srv, p.ctl_json, w_ctl,
	       o.rabbit ? p.rabbit_conf : p.conf, o.rabbit ? p.rabbit_defs : p.dynsec, w_dyn, p.dir,
	       o.rabbit ? "RABBITMQ_CONFIG_FILE=" : "mosquitto -c ", o.rabbit ? p.rabbit_conf : p.conf,
	       o.rabbit ? " rabbitmq-server (with the MQTT plugin; docs/operations.md)" : "", p.ctl_json,
	       p.ctl_json, p.ca_crt);
	return 0;
fail:
	sodium_memzero(password, sizeof password);
	/* A malformed key or config in DIR is a configuration problem (2); the rest failed (1). */
	return report("init", &err, rc == HALL_ERR_INVALID ? 2 : 1);
}

/* ------------------------------------------------------------------ kiosk add/remove/list */

/* Add or remove id in the config file's "kiosks" (serve reads it; reports count it). */
static hall_err update_known(const char *path, const char *id, bool add, hall_error *err)
{
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	hall_err rc = hall_fs_read_file(path, HALL_CONFIG_FILE_MAX, &text, &len, err);
	if (rc != HALL_OK)
		return rc;
	cJSON *doc = cJSON_ParseWithLength(text, len);
	sodium_memzero(text, len);
	free(text);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return hall_error_set(err, HALL_ERR_INVALID, path, "not a JSON object");
	}
	cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "kiosks");
	if (!list) {
		list = cJSON_AddArrayToObject(doc, "kiosks");
	} else if (cJSON_IsNull(list)) {
		list = cJSON_CreateArray();
		cJSON_ReplaceItemInObjectCaseSensitive(doc, "kiosks", list);
	}
	int at = -1, i = 0;
	const cJSON *v;
	cJSON_ArrayForEach(v, list)
	{
		if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
			at = i;
		i++;
	}
	if (add && at < 0)
		cJSON_AddItemToArray(list, cJSON_CreateString(id));
	else if (!add && at >= 0)
		cJSON_DeleteItemFromArray(list, at);
	rc = check_controller_json(doc, path, err);
	if (rc == HALL_OK)
		rc = write_json(path, doc, stat(path, &st) == 0 ? (st.st_mode & 0777) : 0600, err);
	cJSON_Delete(doc);
	return rc;
}

/* broker.hosts instead of host/port when the controller has a list of brokers (issue 13:
 * an enrolled kiosk fails over along the same list), and broker.kind "rabbitmq" on a
 * RabbitMQ hall. false when out of memory. */
static bool kiosk_broker_list(cJSON *b, const hall_broker_config *broker)
{
	cJSON *arr;
	/* rabbit helper: the kiosk subscribes as RabbitMQ needs (hall_broker_config.kind) */
	if (broker->kind == HALL_BROKER_RABBITMQ && !cJSON_AddStringToObject(b, "kind", "rabbitmq"))
		return false;
	if (broker->n_hosts <= 1)
		return true;
	cJSON_DeleteItemFromObjectCaseSensitive(b, "host");
	cJSON_DeleteItemFromObjectCaseSensitive(b, "port");
	if (!(arr = cJSON_AddArrayToObject(b, "hosts")))
		return false;
	for (int i = 0; i < broker->n_hosts; i++) {
		char name[HALL_MQTT_ADDR_MAX];
		hall_broker_addr_format(&broker->hosts[i], name, sizeof name);
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(name)))
			return false;
	}
	return true;
}

/* A complete kiosk config for an enrolled kiosk; checked with the kiosk's own parser. */
static cJSON *kiosk_json(const hall_controller_config *cfg, const char *id, const char *group, const char *password,
                         const char *pub, const char *pin_hash)
{
	hall_kiosk_config d;
	hall_kiosk_config_defaults(&d);
	cJSON *root = cJSON_CreateObject(), *b, *s, *se, *f, *v, *sp;
	if (!root || !cJSON_AddStringToObject(root, "id", id) || !cJSON_AddStringToObject(root, "group", group) ||
	    !(b = cJSON_AddObjectToObject(root, "broker")) || !cJSON_AddStringToObject(b, "host", cfg->broker.host) ||
	    !cJSON_AddNumberToObject(b, "port", cfg->broker.port) || !cJSON_AddStringToObject(b, "username", id) ||
	    !cJSON_AddStringToObject(b, "password", password) || !cJSON_AddStringToObject(b, "cafile", cfg->broker.cafile) ||
	    !cJSON_AddNumberToObject(b, "keepalive_s", d.broker.keepalive_s) ||
	    !cJSON_AddStringToObject(root, "topic_prefix", cfg->topic_prefix) ||
	    !cJSON_AddBoolToObject(root, "retain", cfg->retain) ||
	    !cJSON_AddStringToObject(root, "default_content", d.default_content) ||
	    !cJSON_AddStringToObject(root, "time_zone", cfg->time_zone) || !(s = cJSON_AddObjectToObject(root, "screen")) ||
	    !cJSON_AddNumberToObject(s, "width_px", d.screen.width_px) ||
	    !cJSON_AddNumberToObject(s, "height_px", d.screen.height_px) ||
	    !cJSON_AddNumberToObject(s, "width_mm", d.screen.width_mm) ||
	    !cJSON_AddNumberToObject(s, "height_mm", d.screen.height_mm) ||
	    !cJSON_AddNumberToObject(s, "bottom_mm", d.screen.bottom_mm) ||
	    !cJSON_AddBoolToObject(s, "fullscreen", d.screen.fullscreen) ||
	    !(se = cJSON_AddObjectToObject(root, "session")) ||
	    !cJSON_AddNumberToObject(se, "idle_timeout_s", d.session.idle_timeout_s) ||
	    !cJSON_AddNumberToObject(se, "more_time_s", d.session.more_time_s) ||
	    !cJSON_AddNumberToObject(se, "max_extensions", d.session.max_extensions) ||
	    !cJSON_AddNumberToObject(se, "apply_wait_s", d.session.apply_wait_s) ||
	    !cJSON_AddStringToObject(root, "staff_pin_hash", pin_hash) ||
	    !cJSON_AddStringToObject(root, "controller_key", pub) || !(f = cJSON_AddObjectToObject(root, "fonts")) ||
	    !cJSON_AddStringToObject(f, "regular", d.fonts.regular) || !cJSON_AddStringToObject(f, "bold", d.fonts.bold) ||
	    !(v = cJSON_AddObjectToObject(root, "voice")) || !cJSON_AddBoolToObject(v, "enabled", d.voice.enabled) ||
	    !cJSON_AddNumberToObject(v, "volume", d.voice.volume) || !cJSON_AddNumberToObject(v, "rate", d.voice.rate) ||
	    !(sp = cJSON_AddObjectToObject(root, "spool")) ||
	    !cJSON_AddNumberToObject(sp, "max_bytes", (double)d.spool.max_bytes) ||
	    !cJSON_AddNumberToObject(sp, "batch_max", d.spool.batch_max) ||
	    !cJSON_AddNumberToObject(sp, "batch_ms", d.spool.batch_ms) ||
	    !cJSON_AddNumberToObject(sp, "resend_ms", d.spool.resend_ms) ||
	    !cJSON_AddNumberToObject(sp, "window", d.spool.window) || !cJSON_AddStringToObject(root, "log_level", "info") ||
	    !kiosk_broker_list(b, &cfg->broker)) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

static hall_err check_kiosk_json(const cJSON *doc, const char *path, hall_error *err)
{
	char *text = cJSON_PrintUnformatted(doc);
	if (!text)
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	hall_kiosk_config k;
	hall_kiosk_config_defaults(&k);
	hall_err rc = hall_kiosk_config_parse(text, strlen(text), path, &k, err);
	if (rc == HALL_OK)
		rc = hall_kiosk_config_finish(&k, err);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

static bool is_known(const hall_controller_config *cfg, const char *id)
{
	for (size_t i = 0; i < cfg->n_kiosks; i++)
		if (strcmp(cfg->kiosks[i], id) == 0)
			return true;
	return false;
}

/* A kiosk id must never be a client id the controller uses: a kiosk's account is bound
 * to its id, so "hall-controller" would let that kiosk take serve's session. */
static int check_kiosk_id(const hall_controller_config *cfg, const char *cmd, const char *id)
{
	size_t n = strlen(cfg->id);
	if (!hall_id_is_valid(id))
		return usage_error(cmd, "\"%s\": not a kiosk id (expected 1 to 64 of a-z 0-9 - _)", id);
	/* RabbitMQ's built-in administrator is "guest": a kiosk of that name would take it over. */
	if (strcmp(id, cfg->id) == 0 || strcmp(id, cfg->broker.username) == 0 ||
	    (strncmp(id, cfg->id, n) == 0 && id[n] == '-') ||
	    (cfg->broker_admin.kind == HALL_BROKER_RABBITMQ && strcmp(id, "guest") == 0))
		return usage_error(cmd, "\"%s\": reserved for the controller's own connections", id);
	return 0;
}

/* The setup every enrolled kiosk needs from the controller's config. */
static int enrolled_setup(const hall_controller_config *cfg, char pub[HALL_CONFIG_KEY_B64_MAX])
{
	hall_error err = {0};
	if (!cfg->source[0])
		return usage_error("kiosk", "needs the config init wrote (--config DIR/controller.json)");
	if (!cfg->signing_key[0])
		return usage_error("kiosk", "%s: signing_key: missing (an enrolled kiosk pins the controller's key; "
		                            "hall-controller init makes one)",
		                   cfg->source);
	if (!cfg->broker.cafile[0])
		return usage_error("kiosk", "%s: broker.cafile: missing (an enrolled kiosk talks TLS only)", cfg->source);
	if (hall_enroll_public_key(cfg->signing_key, pub, &err) != HALL_OK)
		return report("kiosk", &err, 2);
	/* The data folder's public key, when there is one, must be this key's: a config
	 * pointing at another hall's key would enroll kiosks that refuse this controller. */
	char path[HALL_CONFIG_PATH_MAX + 40], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/keys/controller-sign.pub", cfg->data_dir);
	if (hall_fs_exists(path)) {
		if (hall_fs_read_file(path, 4096, &text, &len, &err) != HALL_OK)
			return report("kiosk", &err, 2);
		text[strcspn(text, "\r\n")] = '\0';
		int same = strcmp(text, pub) == 0;
		free(text);
		if (!same)
			return usage_error("kiosk", "signing_key does not match %s (the config's key is not this data "
			                            "folder's)",
			                   path);
	}
	return 0;
}

/* Send commands (taken: freed here) to the dynamic-security plugin; its responses, or NULL
 * when it could not be asked (said why on stderr). */
static cJSON *dynsec_answer(const hall_controller_config *cfg, cJSON *cmds, const char *cmd)
{
	hall_error err = {0};
	cJSON *resp = NULL;
	if (!cmds)
		fprintf(stderr, "hall-controller %s: out of memory\n", cmd);
	else if (hall_dynsec_run(cfg, cmds, &resp, &err) != HALL_OK)
		report(cmd, &err, 1);
	cJSON_Delete(cmds);
	return resp;
}

static int already_on_broker(const char *id)
{
	fprintf(stderr, "hall-controller kiosk add: %s is already enrolled on the broker (--rotate gives it new "
	                "credentials)\n",
	        id);
	return 1;
}

/* The kiosk's account on the running broker: 0 done, else the exit code (said why). */
static int broker_enroll(const hall_controller_config *cfg, const char *id, const char *group, const char *password,
                         bool rotate)
{
	hall_error err = {0};
	if (cfg->broker_admin.kind == HALL_BROKER_RABBITMQ) {
		bool exists = false;
		if (hall_rabbit_enroll(cfg, id, group, password, rotate, &exists, &err) != HALL_OK)
			return report("kiosk add", &err, 1);
		return exists ? already_on_broker(id) : 0;
	}
	cJSON *resp = dynsec_answer(cfg, hall_dynsec_enroll_commands(cfg->topic_prefix, id, group, password, rotate),
	                            "kiosk add");
	if (!resp)
		return 1;
	int code = 1;
	const char *e = hall_dynsec_first_error(resp, rotate ? "deleteClient" : NULL);
	if (e && rotate && strstr(e, "not found")) /* deleteRole of a role the broker lost */
		e = NULL;
	if (e && strstr(e, "already exists"))
		already_on_broker(id);
	else if (e)
		fprintf(stderr, "hall-controller kiosk add: the broker refused: %s\n", e);
	else
		code = 0;
	cJSON_Delete(resp);
	return code;
}

static int kiosk_add(const hall_controller_config *cfg, int argc, char **argv)
{
	const char *id = NULL, *group = NULL, *out = NULL;
	bool rotate = false;
	hall_error err = {0};
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--group") == 0 && i + 1 < argc)
			group = argv[++i];
		else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--rotate") == 0)
			rotate = true;
		else if (argv[i][0] != '-' && !id)
			id = argv[i];
		else
			return usage_error("kiosk add", "unexpected argument \"%s\" (usage: kiosk add ID --group NAME --out "
			                                "FILE [--rotate])",
			                   argv[i]);
	}
	if (!id || !group || !out)
		return usage_error("kiosk add", "usage: kiosk add ID --group NAME --out FILE [--rotate]");
	int code = check_kiosk_id(cfg, "kiosk add", id);
	if (code)
		return code;
	if (!hall_id_is_valid(group))
		return usage_error("kiosk add", "--group \"%s\": not a group name (expected 1 to 64 of a-z 0-9 - _)", group);
	char pub[HALL_CONFIG_KEY_B64_MAX];
	if ((code = enrolled_setup(cfg, pub)) != 0)
		return code;
	if (is_known(cfg, id) && !rotate) {
		fprintf(stderr, "hall-controller kiosk add: %s is already enrolled (--rotate gives it new credentials and "
		                "PIN)\n",
		        id);
		return 1;
	}

	char password[33], pin[PIN_DIGITS + 1], hash[crypto_pwhash_STRBYTES];
	hall_dynsec_new_password(password);
	for (int i = 0; i < PIN_DIGITS; i++)
		pin[i] = (char)('0' + randombytes_uniform(10));
	pin[PIN_DIGITS] = '\0';
	if (crypto_pwhash_str(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		fprintf(stderr, "hall-controller kiosk add: out of memory hashing the PIN\n");
		return 1;
	}
	cJSON *doc = kiosk_json(cfg, id, group, password, pub, hash);
	code = 1;
	if (!doc) {
		fprintf(stderr, "hall-controller kiosk add: out of memory\n");
		goto done;
	}
	if (check_kiosk_json(doc, out, &err) != HALL_OK) {
		code = report("kiosk add", &err, 2);
		goto done;
	}
	if ((code = broker_enroll(cfg, id, group, password, rotate)) != 0)
		goto done;
	code = 1;
	if (write_json(out, doc, 0600, &err) != HALL_OK || update_known(cfg->source, id, true, &err) != HALL_OK) {
		code = report("kiosk add", &err, 1);
		goto done;
	}
	printf("kiosk %s enrolled in group %s%s: %s (copy it to the kiosk with %s)\n"
	       "staff PIN for %s: %s (shown once; only its hash is kept)\n",
	       id, group, rotate ? " with new credentials" : "", out, cfg->broker.cafile, id, pin);
	code = 0;
done:
	sodium_memzero(password, sizeof password);
	sodium_memzero(pin, sizeof pin);
	cJSON_Delete(doc);
	return code;
}

static int not_enrolled(const char *id)
{
	fprintf(stderr, "hall-controller kiosk remove: %s is not enrolled\n", id);
	return 1;
}

/* Delete the kiosk's account on the running broker (which disconnects it): 0 done (also
 * when the broker had lost it but the config knows it), else the exit code (said why). */
static int broker_remove(const hall_controller_config *cfg, const char *id)
{
	hall_error err = {0};
	if (cfg->broker_admin.kind == HALL_BROKER_RABBITMQ) {
		bool existed = true;
		if (hall_rabbit_remove(cfg, id, &existed, &err) != HALL_OK)
			return report("kiosk remove", &err, 1);
		return !existed && !is_known(cfg, id) ? not_enrolled(id) : 0;
	}
	cJSON *resp = dynsec_answer(cfg, hall_dynsec_remove_commands(id), "kiosk remove");
	if (!resp)
		return 1;
	int code = 1;
	const char *e = hall_dynsec_first_error(resp, "deleteRole");
	if (e && !is_known(cfg, id))
		not_enrolled(id);
	else if (e && !strstr(e, "not found"))
		fprintf(stderr, "hall-controller kiosk remove: the broker refused: %s\n", e);
	else
		code = 0;
	cJSON_Delete(resp);
	return code;
}

static int kiosk_remove(const hall_controller_config *cfg, int argc, char **argv)
{
	hall_error err = {0};
	char pub[HALL_CONFIG_KEY_B64_MAX];
	if (argc != 3)
		return usage_error("kiosk remove", "usage: kiosk remove ID");
	const char *id = argv[2];
	int code = check_kiosk_id(cfg, "kiosk remove", id);
	if (code || (code = enrolled_setup(cfg, pub)) != 0)
		return code;
	if ((code = broker_remove(cfg, id)) != 0)
		return code;
	if (update_known(cfg->source, id, false, &err) != HALL_OK)
		return report("kiosk remove", &err, 1);
	printf("kiosk %s removed: the broker refuses it from now on; its history and statistics stay\n", id);
	return 0;
}

/* The broker's accounts with their groups, and the config's known kiosks. */
static int kiosk_list(const hall_controller_config *cfg, int argc)
{
	hall_error err = {0};
	if (argc != 2)
		return usage_error("kiosk list", "usage: kiosk list");
	cJSON *cmds = NULL, *resp = NULL, *owned = NULL;
	const cJSON *clients = NULL;
	int code = 1;
	if (cfg->broker_admin.kind == HALL_BROKER_RABBITMQ) {
		if (hall_rabbit_list(cfg, &owned, &err) != HALL_OK) {
			code = report("kiosk list", &err, 1);
			goto done;
		}
		clients = owned;
	} else {
		cmds = cJSON_Parse("{\"commands\":[{\"command\":\"listClients\",\"verbose\":true}]}");
		if (hall_dynsec_run(cfg, cmds, &resp, &err) != HALL_OK) {
			code = report("kiosk list", &err, 1);
			goto done;
		}
		const cJSON *first = cJSON_GetArrayItem(resp, 0);
		const cJSON *data = cJSON_GetObjectItemCaseSensitive(first, "data");
		clients = cJSON_GetObjectItemCaseSensitive(data, "clients");
	}
	const cJSON *c;
	printf("%-24s %-16s %s\n", "kiosk", "group", "state");
	size_t shown = 0;
	cJSON_ArrayForEach(c, clients)
	{
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(c, "username");
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "textname");
		const size_t plen = strlen(HALL_DYNSEC_GROUP_TEXT_PREFIX);
		if (!cJSON_IsString(u) || !cJSON_IsString(t) || strncmp(t->valuestring, HALL_DYNSEC_GROUP_TEXT_PREFIX, plen) != 0)
			continue; /* the controller's own account */
		printf("%-24s %-16s %s\n", u->valuestring, t->valuestring + plen,
		       is_known(cfg, u->valuestring) ? "enrolled" : "on the broker, not in the config's kiosks");
		shown++;
	}
	for (size_t i = 0; i < cfg->n_kiosks; i++) {
		bool on_broker = false;
		cJSON_ArrayForEach(c, clients)
		{
			const cJSON *u = cJSON_GetObjectItemCaseSensitive(c, "username");
			if (cJSON_IsString(u) && strcmp(u->valuestring, cfg->kiosks[i]) == 0)
				on_broker = true;
		}
		if (!on_broker) {
			printf("%-24s %-16s %s\n", cfg->kiosks[i], "-", "in the config's kiosks, no broker account");
			shown++;
		}
	}
	printf("%zu kiosk%s\n", shown, shown == 1 ? "" : "s");
	code = 0;
done:
	cJSON_Delete(cmds);
	cJSON_Delete(resp);
	cJSON_Delete(owned);
	return code;
}

int hall_enroll_kiosk_cli(const hall_controller_config *cfg, int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "hall-controller kiosk: libsodium failed to start\n");
		return 1;
	}
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return kiosk_add(cfg, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "remove") == 0)
		return kiosk_remove(cfg, argc, argv);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return kiosk_list(cfg, argc);
	return usage_error("kiosk", "expected add, remove or list");
}
