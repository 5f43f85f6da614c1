/* config.c: kiosk and controller configs from JSON, with command-line overrides.
 *
 * Every field is optional (except the kiosk's id) and type- and range-checked; unknown
 * keys are refused so that a misspelt field cannot silently fall back to its default.
 * Errors read "<file>: <field>: expected number 50..5000". */
#include "hall/config.h"
#include "hall/tz.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "hall/fsutil.h"
#include "hall/json.h"

#define PATH_LEN sizeof(((hall_error *)0)->path)

/* Where the reading is: which file (for messages) and the error to fill. */
typedef struct ctx {
	const char *source;
	hall_error *err;
} ctx;

static hall_err fail(const ctx *c, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static hall_err fail(const ctx *c, const char *path, const char *key, const char *fmt, ...)
{
	char field[PATH_LEN];
	char where[PATH_LEN];
	char msg[sizeof(((hall_error *)0)->msg)];
	if (key)
		hall_json_path_key(field, sizeof field, path, key);
	else
		snprintf(field, sizeof field, "%s", path && *path ? path : "(root)");
	snprintf(where, sizeof where, "%.80s: %.70s", c->source && *c->source ? c->source : "(config)", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hall_error_set(c->err, HALL_ERR_INVALID, where, "%s", msg);
}

static const cJSON *item(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Refuse keys not in `allowed` (NULL-terminated). */
static hall_err check_keys(const ctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
	for (const cJSON *k = obj->child; k; k = k->next) {
		int known = 0;
		for (const char *const *a = allowed; *a; a++)
			if (k->string && strcmp(k->string, *a) == 0)
				known = 1;
		if (!known)
			return fail(c, path, k->string ? k->string : "?", "unknown field (misspelt?)");
	}
	return HALL_OK;
}

static hall_err get_int(const ctx *c, const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
                        int64_t *out)
{
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	/* Range before integrality: casting 1e300 to int64_t would be undefined. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)min && v->valuedouble <= (double)max) ||
	    v->valuedouble != floor(v->valuedouble))
		return fail(c, path, key, "expected integer %lld..%lld", (long long)min, (long long)max);
	*out = (int64_t)v->valuedouble;
	return HALL_OK;
}

static hall_err get_i(const ctx *c, const cJSON *obj, const char *path, const char *key, int min, int max, int *out)
{
	int64_t v = *out;
	hall_err rc = get_int(c, obj, path, key, min, max, &v);
	if (rc == HALL_OK)
		*out = (int)v;
	return rc;
}

static hall_err get_num(const ctx *c, const cJSON *obj, const char *path, const char *key, double min, double max,
                        double *out)
{
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= min && v->valuedouble <= max))
		return fail(c, path, key, "expected number %g..%g", min, max);
	*out = v->valuedouble;
	return HALL_OK;
}

static hall_err get_bool(const ctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	if (!cJSON_IsBool(v))
		return fail(c, path, key, "expected true or false");
	*out = cJSON_IsTrue(v);
	return HALL_OK;
}

/* A string into a fixed buffer. nullable: JSON null clears it to "" (and *is_null = 1). */
static hall_err get_str(const ctx *c, const cJSON *obj, const char *path, const char *key, char *dst, size_t size,
                        bool nullable, bool *set)
{
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	if (nullable && cJSON_IsNull(v)) {
		dst[0] = '\0';
		if (set)
			*set = false;
		return HALL_OK;
	}
	if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) >= size)
		return fail(c, path, key, "expected %sstring of at most %zu bytes", nullable ? "null or a " : "", size - 1);
	for (const char *p = v->valuestring; *p; p++)
		if ((unsigned char)*p < 0x20)
			return fail(c, path, key, "expected a string without control characters");
	snprintf(dst, size, "%s", v->valuestring);
	if (set)
		*set = true;
	return HALL_OK;
}

/* A sub-object: absent leaves *out NULL. */
static hall_err get_obj(const ctx *c, const cJSON *obj, const char *path, const char *key, const char *const *allowed,
                        const cJSON **out)
{
	*out = NULL;
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	if (!cJSON_IsObject(v))
		return fail(c, path, key, "expected an object");
	char p[PATH_LEN];
	hall_json_path_key(p, sizeof p, path, key);
	hall_err rc = check_keys(c, v, p, allowed);
	if (rc == HALL_OK)
		*out = v;
	return rc;
}

static hall_err get_id(const ctx *c, const cJSON *obj, const char *path, const char *key, char *dst)
{
	const cJSON *v = item(obj, key);
	if (!v)
		return HALL_OK;
	if (!cJSON_IsString(v) || !hall_id_is_valid(v->valuestring))
		return fail(c, path, key, "expected an id: 1 to %d of a-z 0-9 - _", HALL_ID_MAX);
	snprintf(dst, HALL_ID_MAX + 1, "%s", v->valuestring);
	return HALL_OK;
}

int hall_config_log_level_from_name(const char *name, hall_log_level *out)
{
	static const struct {
		const char *name;
		hall_log_level level;
	} levels[] = {
		{"debug", HALL_LOG_DEBUG}, {"info", HALL_LOG_INFO}, {"warn", HALL_LOG_WARN}, {"error", HALL_LOG_ERROR}};
	for (size_t i = 0; name && i < sizeof levels / sizeof levels[0]; i++) {
		if (strcmp(name, levels[i].name) == 0) {
			*out = levels[i].level;
			return 0;
		}
	}
	return -1;
}

static hall_err get_log_level(const ctx *c, const cJSON *obj, hall_log_level *out)
{
	const cJSON *v = item(obj, "log_level");
	if (!v)
		return HALL_OK;
	if (!cJSON_IsString(v) || hall_config_log_level_from_name(v->valuestring, out) != 0)
		return fail(c, "", "log_level", "expected \"debug\", \"info\", \"warn\" or \"error\"");
	return HALL_OK;
}

/* A topic prefix: levels separated by single '/', no wildcards, none empty. */
static int prefix_is_valid(const char *s)
{
	if (!s || !*s || *s == '/')
		return 0;
	size_t n = strlen(s);
	if (s[n - 1] == '/' || strstr(s, "//"))
		return 0;
	for (; *s; s++)
		if (*s == '+' || *s == '#' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

static hall_err get_prefix(const ctx *c, const cJSON *obj, char *dst, size_t size)
{
	char tmp[128];
	snprintf(tmp, sizeof tmp, "%s", dst);
	hall_err rc = get_str(c, obj, "", "topic_prefix", tmp, sizeof tmp, false, NULL);
	if (rc != HALL_OK)
		return rc;
	if (!prefix_is_valid(tmp))
		return fail(c, "", "topic_prefix", "expected topic levels like \"hall/v1\" (no wildcards, no empty level)");
	snprintf(dst, size, "%s", tmp);
	return HALL_OK;
}

static hall_err get_tz(const ctx *c, const cJSON *obj, char *dst, size_t size)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s", dst);
	hall_err rc = get_str(c, obj, "", "time_zone", tmp, sizeof tmp, false, NULL);
	if (rc != HALL_OK)
		return rc;
	if (!hall_tz_known(tmp)) /* glibc would read an unknown zone as UTC */
		return fail(c, "", "time_zone", "unknown time zone \"%s\" (expected an IANA name like \"Asia/Seoul\")", tmp);
	snprintf(dst, size, "%s", tmp);
	return HALL_OK;
}

static int split_broker(const char *s, char *host, size_t host_len, int *port);

/* One entry of a broker list, "HOST:PORT" ("[v6]:PORT"); need_port false lets "HOST" alone
 * through with port 0. On failure *why says what is wrong, for a one-line error. */
static int parse_addr(const char *s, bool need_port, hall_broker_addr *out, const char **why)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	if (!s || !*s) {
		*why = "empty";
		return -1;
	}
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p <= 0x20) {
			*why = "expected HOST:PORT without spaces or control characters";
			return -1;
		}
	}
	if (split_broker(s, out->host, sizeof out->host, &out->port) != 0) {
		bool digits = colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
		              (s[0] == '[' ? colon > strchr(s, ']') : strchr(s, ':') == colon);
		*why = digits ? "port out of range (expected 1..65535)"
		              : "expected HOST:PORT ([v6addr]:PORT for IPv6), port 1..65535";
		return -1;
	}
	if (need_port && out->port == 0) {
		*why = "no port (expected HOST:PORT)";
		return -1;
	}
	return 0;
}

/* index of an entry of list[0..n) equal to a, or -1 */
static int addr_find(const hall_broker_addr *list, int n, const hall_broker_addr *a)
{
	for (int i = 0; i < n; i++)
		if (list[i].port == a->port && strcmp(list[i].host, a->host) == 0)
			return i;
	return -1;
}

/* A host name between two buffers of the same size (both NUL-terminated within it). */
_Static_assert(sizeof(((hall_broker_config *)0)->host) == sizeof(((hall_broker_addr *)0)->host), "host sizes");
_Static_assert(sizeof(((hall_config_args *)0)->broker_host) == sizeof(((hall_broker_addr *)0)->host), "host sizes");
static void copy_host(char dst[256], const char src[256])
{
	memcpy(dst, src, 256);
}

/* host/port mirror the list's first entry: messages and callers that know one broker. */
static void broker_sync_first(hall_broker_config *b)
{
	copy_host(b->host, b->hosts[0].host);
	b->port = b->hosts[0].port;
}

/* "hosts": ["HOST:PORT", ...], the list of brokers to fail over between (hall/mqtt.h). */
static hall_err get_broker_hosts(const ctx *c, const cJSON *o, hall_broker_config *b)
{
	const cJSON *arr = item(o, "hosts");
	if (!arr)
		return HALL_OK;
	if (item(o, "host") || item(o, "port"))
		return fail(c, "broker", item(o, "host") ? "host" : "port",
		            "give broker.hosts or broker.host/broker.port, not both");
	int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : 0;
	if (n < 1)
		return fail(c, "broker", "hosts", "expected an array of 1 to %d \"HOST:PORT\" strings", HALL_BROKER_HOSTS_MAX);
	if (n > HALL_BROKER_HOSTS_MAX)
		return fail(c, "broker", "hosts", "%d brokers: at most %d", n, HALL_BROKER_HOSTS_MAX);
	hall_broker_addr list[HALL_BROKER_HOSTS_MAX];
	int i = 0;
	for (const cJSON *v = arr->child; v; v = v->next, i++) {
		char p[PATH_LEN];
		const char *why = NULL;
		hall_json_path_index(p, sizeof p, "broker.hosts", i);
		if (!cJSON_IsString(v) || !v->valuestring)
			return fail(c, p, NULL, "expected a \"HOST:PORT\" string");
		if (parse_addr(v->valuestring, true, &list[i], &why) != 0)
			return fail(c, p, NULL, "\"%.100s\": %s", v->valuestring, why);
		if (addr_find(list, i, &list[i]) >= 0)
			return fail(c, p, NULL, "\"%.100s\": listed twice", v->valuestring);
	}
	memcpy(b->hosts, list, (size_t)n * sizeof list[0]);
	b->n_hosts = n;
	broker_sync_first(b);
	return HALL_OK;
}

static hall_err get_broker(const ctx *c, const cJSON *root, hall_broker_config *b)
{
	static const char *const keys[] = {"host",        "port",   "hosts", "username", "password",
	                                   "keepalive_s", "cafile", "kind",  NULL};
	char kind[16] = "mosquitto";
	const cJSON *o = NULL;
	hall_err rc = get_obj(c, root, "", "broker", keys, &o);
	if (rc != HALL_OK || !o)
		return rc;
	if ((rc = get_str(c, o, "broker", "host", b->host, sizeof b->host, false, NULL)) != HALL_OK ||
	    (rc = get_i(c, o, "broker", "port", 1, 65535, &b->port)) != HALL_OK ||
	    (rc = get_str(c, o, "broker", "username", b->username, sizeof b->username, true, NULL)) != HALL_OK ||
	    (rc = get_str(c, o, "broker", "password", b->password, sizeof b->password, true, &b->has_password)) !=
	        HALL_OK ||
	    (rc = get_i(c, o, "broker", "keepalive_s", 5, 3600, &b->keepalive_s)) != HALL_OK ||
	    (rc = get_str(c, o, "broker", "cafile", b->cafile, sizeof b->cafile, true, NULL)) != HALL_OK ||
	    (rc = get_str(c, o, "broker", "kind", kind, sizeof kind, false, &b->kind_set)) != HALL_OK)
		return rc;
	if (strcmp(kind, "mosquitto") == 0)
		b->kind = HALL_BROKER_MOSQUITTO;
	else if (strcmp(kind, "rabbitmq") == 0)
		b->kind = HALL_BROKER_RABBITMQ;
	else
		return fail(c, "broker", "kind", "expected \"mosquitto\" or \"rabbitmq\"");
	if (!b->host[0])
		return fail(c, "broker", "host", "expected a host name or address");
	if (item(o, "hosts"))
		return get_broker_hosts(c, o, b);
	/* host/port: a list of one */
	copy_host(b->hosts[0].host, b->host);
	b->hosts[0].port = b->port;
	b->n_hosts = 1;
	return HALL_OK;
}

static void broker_defaults(hall_broker_config *b, const char *username)
{
	memset(b, 0, sizeof *b);
	snprintf(b->host, sizeof b->host, "127.0.0.1");
	b->port = 1883;
	copy_host(b->hosts[0].host, b->host);
	b->hosts[0].port = b->port;
	b->n_hosts = 1;
	snprintf(b->username, sizeof b->username, "%s", username);
	b->keepalive_s = 30;
}

/* ------------------------------------------------------------------ kiosk */

void hall_kiosk_config_defaults(hall_kiosk_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->group, sizeof cfg->group, "lobby");
	broker_defaults(&cfg->broker, ""); /* null: the kiosk id, filled in by _finish */
	snprintf(cfg->topic_prefix, sizeof cfg->topic_prefix, "%s", HALL_TOPIC_PREFIX_DEFAULT);
	cfg->retain = true;
	snprintf(cfg->default_content, sizeof cfg->default_content, "assets/default");
	snprintf(cfg->time_zone, sizeof cfg->time_zone, "Asia/Seoul");
	cfg->screen.width_px = 1920;
	cfg->screen.height_px = 1080;
	cfg->screen.width_mm = 1210;
	cfg->screen.height_mm = 680;
	cfg->screen.bottom_mm = 540;
	cfg->screen.low_top_mm = 1000;
	cfg->screen.fullscreen = true;
	cfg->session.idle_timeout_s = 60;
	cfg->session.more_time_s = 20;
	cfg->session.max_extensions = 10;
	cfg->session.apply_wait_s = 300;
	cfg->session.help_give_up_s = 60;
	snprintf(cfg->staff_pin, sizeof cfg->staff_pin, "2580");
	snprintf(cfg->fonts.regular, sizeof cfg->fonts.regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
	snprintf(cfg->fonts.bold, sizeof cfg->fonts.bold, "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc");
	cfg->voice.enabled = true;
	cfg->voice.volume = 70;
	cfg->voice.rate = 175;
	cfg->spool.max_bytes = INT64_C(67108864);
	cfg->spool.batch_max = 100;
	cfg->spool.batch_ms = 200;
	cfg->spool.resend_ms = 5000;
	cfg->spool.window = 500;
	cfg->spool.hold_bytes = INT64_C(1048576);
	cfg->log_level = HALL_LOG_INFO;
}

static hall_err kiosk_screen(const ctx *c, const cJSON *root, hall_kiosk_config *cfg)
{
	static const char *const keys[] = {"width_px", "height_px", "width_mm",   "height_mm",      "bottom_mm",
	                                   "low_top_mm", "fullscreen", "reduced_motion", NULL};
	const cJSON *o = NULL;
	hall_err rc = get_obj(c, root, "", "screen", keys, &o);
	if (rc != HALL_OK || !o)
		return rc;
	if ((rc = get_i(c, o, "screen", "width_px", 320, 16384, &cfg->screen.width_px)) != HALL_OK ||
	    (rc = get_i(c, o, "screen", "height_px", 240, 16384, &cfg->screen.height_px)) != HALL_OK ||
	    (rc = get_num(c, o, "screen", "width_mm", 50, 5000, &cfg->screen.width_mm)) != HALL_OK ||
	    (rc = get_num(c, o, "screen", "height_mm", 50, 5000, &cfg->screen.height_mm)) != HALL_OK ||
	    (rc = get_num(c, o, "screen", "bottom_mm", 0, 3000, &cfg->screen.bottom_mm)) != HALL_OK ||
	    (rc = get_num(c, o, "screen", "low_top_mm", 400, 1220, &cfg->screen.low_top_mm)) != HALL_OK ||
	    (rc = get_bool(c, o, "screen", "fullscreen", &cfg->screen.fullscreen)) != HALL_OK ||
	    (rc = get_bool(c, o, "screen", "reduced_motion", &cfg->screen.reduced_motion)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err kiosk_session(const ctx *c, const cJSON *root, hall_kiosk_config *cfg)
{
	static const char *const keys[] = {"idle_timeout_s", "more_time_s",   "max_extensions",
	                                   "apply_wait_s",   "help_give_up_s", NULL};
	const cJSON *o = NULL;
	hall_err rc = get_obj(c, root, "", "session", keys, &o);
	if (rc != HALL_OK || !o)
		return rc;
	/* The accessibility criteria (WCAG 2.2.1): at least 20 s to ask for more time, at
	 * least 10 times. The lower bounds enforce them. */
	if ((rc = get_i(c, o, "session", "idle_timeout_s", 10, 3600, &cfg->session.idle_timeout_s)) != HALL_OK ||
	    (rc = get_i(c, o, "session", "more_time_s", 20, 600, &cfg->session.more_time_s)) != HALL_OK ||
	    (rc = get_i(c, o, "session", "max_extensions", 10, 1000, &cfg->session.max_extensions)) != HALL_OK ||
	    (rc = get_i(c, o, "session", "apply_wait_s", 0, 86400, &cfg->session.apply_wait_s)) != HALL_OK ||
	    (rc = get_i(c, o, "session", "help_give_up_s", 5, 600, &cfg->session.help_give_up_s)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err kiosk_misc(const ctx *c, const cJSON *root, hall_kiosk_config *cfg)
{
	static const char *const font_keys[] = {"regular", "bold", NULL};
	static const char *const voice_keys[] = {"enabled", "volume", "rate", NULL};
	static const char *const spool_keys[] = {"max_bytes", "batch_max", "batch_ms", "resend_ms", "window",
	                                          "hold_bytes", NULL};
	const cJSON *o = NULL;
	hall_err rc;
	if ((rc = get_obj(c, root, "", "fonts", font_keys, &o)) != HALL_OK)
		return rc;
	if (o && ((rc = get_str(c, o, "fonts", "regular", cfg->fonts.regular, sizeof cfg->fonts.regular, false, NULL)) !=
	              HALL_OK ||
	          (rc = get_str(c, o, "fonts", "bold", cfg->fonts.bold, sizeof cfg->fonts.bold, false, NULL)) != HALL_OK))
		return rc;
	if ((rc = get_obj(c, root, "", "voice", voice_keys, &o)) != HALL_OK)
		return rc;
	if (o && ((rc = get_bool(c, o, "voice", "enabled", &cfg->voice.enabled)) != HALL_OK ||
	          (rc = get_i(c, o, "voice", "volume", 0, 100, &cfg->voice.volume)) != HALL_OK ||
	          (rc = get_i(c, o, "voice", "rate", 80, 450, &cfg->voice.rate)) != HALL_OK))
		return rc;
	if ((rc = get_obj(c, root, "", "spool", spool_keys, &o)) != HALL_OK)
		return rc;
	if (o && ((rc = get_int(c, o, "spool", "max_bytes", INT64_C(1) << 20, INT64_C(64) << 30, &cfg->spool.max_bytes)) !=
	              HALL_OK ||
	          (rc = get_i(c, o, "spool", "batch_max", 1, 1000, &cfg->spool.batch_max)) != HALL_OK ||
	          (rc = get_i(c, o, "spool", "batch_ms", 0, 60000, &cfg->spool.batch_ms)) != HALL_OK ||
	          (rc = get_i(c, o, "spool", "resend_ms", 100, 3600000, &cfg->spool.resend_ms)) != HALL_OK ||
	          (rc = get_i(c, o, "spool", "window", 1, 10000, &cfg->spool.window)) != HALL_OK ||
	          (rc = get_int(c, o, "spool", "hold_bytes", 0, INT64_C(64) << 20, &cfg->spool.hold_bytes)) != HALL_OK))
		return rc;
	return HALL_OK;
}

bool hall_config_key_decode(const char *s, unsigned char *out)
{
	unsigned char key[32];
	size_t n = 0;
	const char *end = NULL;
	if (!s || strlen(s) != sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL) - 1)
		return false;
	if (sodium_base642bin(key, sizeof key, s, strlen(s), NULL, &n, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != sizeof key || !end || *end)
		return false;
	if (out)
		memcpy(out, key, sizeof key);
	return true;
}

/* The enrolled profile's fields (DESIGN.md decision 7). The plain staff_pin is for the
 * development profile only: a kiosk that pins a controller key takes its PIN as a hash. */
static hall_err kiosk_trust(const ctx *c, const cJSON *root, hall_kiosk_config *cfg)
{
	hall_err rc;
	if ((rc = get_str(c, root, "", "staff_pin_hash", cfg->staff_pin_hash, sizeof cfg->staff_pin_hash, true, NULL)) !=
	        HALL_OK ||
	    (rc = get_str(c, root, "", "controller_key", cfg->controller_key, sizeof cfg->controller_key, true, NULL)) !=
	        HALL_OK)
		return rc;
	if (cfg->staff_pin_hash[0] && strncmp(cfg->staff_pin_hash, crypto_pwhash_STRPREFIX,
	                                      strlen(crypto_pwhash_STRPREFIX)) != 0)
		return fail(c, "", "staff_pin_hash", "expected a crypto_pwhash_str hash starting \"%s\"",
		            crypto_pwhash_STRPREFIX);
	if (cfg->controller_key[0] && !hall_config_key_decode(cfg->controller_key, NULL))
		return fail(c, "", "controller_key", "expected the base64 of a 32-byte ed25519 public key (44 characters)");
	if (cfg->controller_key[0] && !cfg->staff_pin_hash[0])
		return fail(c, "", "staff_pin_hash", "missing: a kiosk with controller_key needs its PIN as a hash "
		                                     "(hall-controller kiosk add writes it)");
	if (cfg->controller_key[0] && cfg->staff_pin_set)
		return fail(c, "", "staff_pin", "a plain PIN is for the development profile only; this kiosk has "
		                                "controller_key (use staff_pin_hash)");
	return HALL_OK;
}

static hall_err parse_root(const char *buf, size_t len, const ctx *c, cJSON **root)
{
	hall_error jerr;
	memset(&jerr, 0, sizeof jerr);
	hall_err rc = hall_json_parse(buf, len, HALL_CONFIG_FILE_MAX, root, &jerr);
	if (rc != HALL_OK) {
		char where[PATH_LEN];
		snprintf(where, sizeof where, "%.150s", c->source && *c->source ? c->source : "(config)");
		return hall_error_set(c->err, rc, where, "%s", jerr.msg);
	}
	if (!cJSON_IsObject(*root)) {
		cJSON_Delete(*root);
		*root = NULL;
		return fail(c, "", NULL, "expected a JSON object");
	}
	return HALL_OK;
}

hall_err hall_kiosk_config_parse(const char *buf, size_t len, const char *source, hall_kiosk_config *cfg,
                                 hall_error *err)
{
	static const char *const keys[] = {"id",        "group",   "broker",     "topic_prefix", "retain",
	                                   "data_dir",  "default_content", "time_zone", "screen", "session",
	                                   "staff_pin", "fonts",   "voice",      "spool",        "log_level",
	                                   "staff_pin_hash", "controller_key", NULL};
	ctx c = {source, err};
	cJSON *root = NULL;
	hall_err rc = parse_root(buf, len, &c, &root);
	if (rc != HALL_OK)
		return rc;
	if (source)
		snprintf(cfg->source, sizeof cfg->source, "%s", source);
	bool data_set = false;
	if ((rc = check_keys(&c, root, "", keys)) != HALL_OK || (rc = get_id(&c, root, "", "id", cfg->id)) != HALL_OK ||
	    (rc = get_id(&c, root, "", "group", cfg->group)) != HALL_OK || (rc = get_broker(&c, root, &cfg->broker)) != HALL_OK ||
	    (rc = get_prefix(&c, root, cfg->topic_prefix, sizeof cfg->topic_prefix)) != HALL_OK ||
	    (rc = get_bool(&c, root, "", "retain", &cfg->retain)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "data_dir", cfg->data_dir, sizeof cfg->data_dir, false, &data_set)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "default_content", cfg->default_content, sizeof cfg->default_content, false,
	                  NULL)) != HALL_OK ||
	    (rc = get_tz(&c, root, cfg->time_zone, sizeof cfg->time_zone)) != HALL_OK ||
	    (rc = kiosk_screen(&c, root, cfg)) != HALL_OK || (rc = kiosk_session(&c, root, cfg)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "staff_pin", cfg->staff_pin, sizeof cfg->staff_pin, false, &cfg->staff_pin_set)) !=
	        HALL_OK ||
	    (rc = kiosk_misc(&c, root, cfg)) != HALL_OK || (rc = get_log_level(&c, root, &cfg->log_level)) != HALL_OK ||
	    (rc = kiosk_trust(&c, root, cfg)) != HALL_OK)
		goto done;
	if (data_set) {
		if (!cfg->data_dir[0]) {
			rc = fail(&c, "", "data_dir", "expected a non-empty path");
			goto done;
		}
		cfg->data_dir_set = true;
	}
	if (!cfg->default_content[0]) {
		rc = fail(&c, "", "default_content", "expected a non-empty path");
		goto done;
	}
	size_t pin = strlen(cfg->staff_pin);
	if (pin < 4 || pin > 16 || strspn(cfg->staff_pin, "0123456789") != pin) {
		rc = fail(&c, "", "staff_pin", "expected 4 to 16 digits");
		goto done;
	}
done:
	cJSON_Delete(root);
	return rc;
}

/* ------------------------------------------------------------------ controller */

/* A database URI (controller "database", or "data_dir" / --data naming one). */
static bool is_db_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

void hall_controller_config_defaults(hall_controller_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->id, sizeof cfg->id, "%s", HALL_CONTROLLER_ID_DEFAULT);
	broker_defaults(&cfg->broker, "controller");
	snprintf(cfg->topic_prefix, sizeof cfg->topic_prefix, "%s", HALL_TOPIC_PREFIX_DEFAULT);
	cfg->retain = true;
	snprintf(cfg->data_dir, sizeof cfg->data_dir, "var/controller");
	snprintf(cfg->time_zone, sizeof cfg->time_zone, "Asia/Seoul");
	snprintf(cfg->closing_time, sizeof cfg->closing_time, "21:00");
	cfg->closing_hour = 21;
	cfg->closing_minute = 0;
	snprintf(cfg->reports_dir, sizeof cfg->reports_dir, "var/controller/reports");
	cfg->report_lang = HALL_LANG_KO;
	cfg->raw_retention_days = 90;
	snprintf(cfg->backup.dir, sizeof cfg->backup.dir, "var/controller/backups");
	cfg->backup.keep = 7;
	cfg->ingest.batch_ms = 100;
	cfg->ingest.batch_max = 1000;
	snprintf(cfg->console.listen, sizeof cfg->console.listen, "127.0.0.1:8080");
	snprintf(cfg->console.host, sizeof cfg->console.host, "127.0.0.1");
	cfg->console.port = 8080;
	cfg->log_level = HALL_LOG_INFO;
	snprintf(cfg->broker_admin.vhost, sizeof cfg->broker_admin.vhost, "hall");
	snprintf(cfg->broker_admin.rabbitmqctl, sizeof cfg->broker_admin.rabbitmqctl, "rabbitmqctl");
}

void hall_controller_config_free(hall_controller_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->kiosks);
	cfg->kiosks = NULL;
	cfg->n_kiosks = 0;
}

bool hall_controller_config_allows(const hall_controller_config *cfg, const char *id)
{
	if (cfg->n_kiosks == 0)
		return true;
	for (size_t i = 0; id && i < cfg->n_kiosks; i++)
		if (strcmp(cfg->kiosks[i], id) == 0)
			return true;
	return false;
}

static hall_err controller_kiosks(const ctx *c, const cJSON *root, hall_controller_config *cfg)
{
	const cJSON *arr = item(root, "kiosks");
	if (!arr)
		return HALL_OK;
	if (!cJSON_IsArray(arr))
		return fail(c, "", "kiosks", "expected an array of kiosk ids (empty = any kiosk)");
	int n = cJSON_GetArraySize(arr);
	if (n > 100000)
		return fail(c, "", "kiosks", "more than 100000 ids");
	char (*ids)[HALL_ID_MAX + 1] = NULL;
	if (n > 0) {
		ids = calloc((size_t)n, sizeof *ids);
		if (!ids)
			return hall_error_set(c->err, HALL_ERR_NOMEM, "kiosks", "out of memory");
	}
	int i = 0;
	for (const cJSON *v = arr->child; v; v = v->next, i++) {
		char p[PATH_LEN];
		hall_json_path_index(p, sizeof p, "kiosks", i);
		if (!cJSON_IsString(v) || !hall_id_is_valid(v->valuestring)) {
			free(ids);
			return fail(c, p, NULL, "expected an id: 1 to %d of a-z 0-9 - _", HALL_ID_MAX);
		}
		snprintf(ids[i], sizeof ids[i], "%s", v->valuestring);
	}
	free(cfg->kiosks);
	cfg->kiosks = ids;
	cfg->n_kiosks = (size_t)n;
	return HALL_OK;
}

static hall_err controller_closing(const ctx *c, const cJSON *root, hall_controller_config *cfg)
{
	const cJSON *v = item(root, "closing_time");
	if (!v)
		return HALL_OK;
	const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9' || (s[0] - '0') * 10 + (s[1] - '0') > 23)
		return fail(c, "", "closing_time", "expected \"HH:MM\" (00:00..23:59)");
	snprintf(cfg->closing_time, sizeof cfg->closing_time, "%s", s);
	cfg->closing_hour = (s[0] - '0') * 10 + (s[1] - '0');
	cfg->closing_minute = (s[3] - '0') * 10 + (s[4] - '0');
	return HALL_OK;
}

/* The staff console's HTTPS listener. Plain HTTP only on loopback: staff passwords must
 * not cross the hall's network in clear (DESIGN.md decision 10). */
static hall_err controller_console(const ctx *c, const cJSON *root, hall_controller_config *cfg)
{
	static const char *const keys[] = {"listen", "cert", "key", NULL};
	const cJSON *o = NULL;
	hall_err rc = get_obj(c, root, "", "console", keys, &o);
	if (rc != HALL_OK || !o)
		return rc;
	cfg->console.enabled = true;
	if ((rc = get_str(c, o, "console", "listen", cfg->console.listen, sizeof cfg->console.listen, false, NULL)) !=
	        HALL_OK ||
	    (rc = get_str(c, o, "console", "cert", cfg->console.cert, sizeof cfg->console.cert, true, NULL)) != HALL_OK ||
	    (rc = get_str(c, o, "console", "key", cfg->console.key, sizeof cfg->console.key, true, NULL)) != HALL_OK)
		return rc;
	if (split_broker(cfg->console.listen, cfg->console.host, sizeof cfg->console.host, &cfg->console.port) != 0 ||
	    cfg->console.port == 0)
		return fail(c, "console", "listen", "expected HOST:PORT (port 1..65535)");
	if (!cfg->console.cert[0] != !cfg->console.key[0])
		return fail(c, "console", cfg->console.cert[0] ? "key" : "cert", "expected cert and key together (or both null)");
	if (!cfg->console.cert[0] && !hall_config_host_is_loopback(cfg->console.host))
		return fail(c, "console", "listen",
		            "%s is not loopback: plain HTTP is for loopback only (set console.cert and console.key)",
		            cfg->console.host);
	return HALL_OK;
}

/* "broker_admin": {"kind": "mosquitto"|"rabbitmq", "vhost", "rabbitmqctl", "nodes": [...]}. */
static hall_err controller_broker_admin(const ctx *c, const cJSON *root, hall_controller_config *cfg)
{
	static const char *const keys[] = {"kind", "vhost", "rabbitmqctl", "nodes", NULL};
	const cJSON *a = item(root, "broker_admin");
	if (!a || cJSON_IsNull(a))
		return HALL_OK;
	hall_err rc = get_obj(c, root, "", "broker_admin", keys, &a);
	if (rc != HALL_OK)
		return rc;
	char kind[16] = "mosquitto";
	if ((rc = get_str(c, a, "broker_admin", "kind", kind, sizeof kind, false, NULL)) != HALL_OK ||
	    (rc = get_str(c, a, "broker_admin", "vhost", cfg->broker_admin.vhost, sizeof cfg->broker_admin.vhost, false,
	                  NULL)) != HALL_OK ||
	    (rc = get_str(c, a, "broker_admin", "rabbitmqctl", cfg->broker_admin.rabbitmqctl,
	                  sizeof cfg->broker_admin.rabbitmqctl, false, NULL)) != HALL_OK)
		return rc;
	if (strcmp(kind, "mosquitto") == 0)
		cfg->broker_admin.kind = HALL_BROKER_MOSQUITTO;
	else if (strcmp(kind, "rabbitmq") == 0)
		cfg->broker_admin.kind = HALL_BROKER_RABBITMQ;
	else
		return fail(c, "broker_admin", "kind", "expected \"mosquitto\" or \"rabbitmq\"");
	if (!cfg->broker_admin.vhost[0] || !cfg->broker_admin.rabbitmqctl[0])
		return fail(c, "broker_admin", !cfg->broker_admin.vhost[0] ? "vhost" : "rabbitmqctl", "expected a non-empty string");
	const cJSON *nodes = item(a, "nodes");
	if (!nodes || cJSON_IsNull(nodes))
		return HALL_OK;
	if (!cJSON_IsArray(nodes) || cJSON_GetArraySize(nodes) > HALL_BROKER_ADMIN_NODES_MAX)
		return fail(c, "broker_admin", "nodes", "expected an array of at most %d node names (NAME@HOST)",
		            HALL_BROKER_ADMIN_NODES_MAX);
	size_t i = 0;
	for (const cJSON *v = nodes->child; v; v = v->next, i++) {
		char p[PATH_LEN];
		hall_json_path_index(p, sizeof p, "broker_admin.nodes", (int)i);
		const char *at = cJSON_IsString(v) ? strchr(v->valuestring, '@') : NULL;
		if (!at || at == v->valuestring || !at[1] || strlen(v->valuestring) >= sizeof cfg->broker_admin.nodes[0] ||
		    strspn(v->valuestring, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@") !=
		        strlen(v->valuestring))
			return fail(c, p, NULL, "expected a RabbitMQ node name (NAME@HOST, at most 255 bytes)");
		snprintf(cfg->broker_admin.nodes[i], sizeof cfg->broker_admin.nodes[i], "%s", v->valuestring);
	}
	cfg->broker_admin.n_nodes = i;
	return HALL_OK;
}

hall_err hall_controller_config_parse(const char *buf, size_t len, const char *source, hall_controller_config *cfg,
                                      hall_error *err)
{
	static const char *const keys[] = {"id",          "broker",      "topic_prefix", "retain",   "data_dir",
	                                   "time_zone",   "closing_time", "reports_dir", "report_lang",
	                                   "kiosks",      "on_alert",     "raw_retention_days", "ingest",
	                                   "log_level",   "signing_key",  "console",     "database",
	                                   "backup",      "broker_admin", NULL};
	static const char *const ingest_keys[] = {"batch_ms", "batch_max", NULL};
	static const char *const backup_keys[] = {"dir", "keep", NULL};
	const cJSON *backup = NULL;
	ctx c = {source, err};
	cJSON *root = NULL;
	hall_err rc = parse_root(buf, len, &c, &root);
	if (rc != HALL_OK)
		return rc;
	if (source)
		snprintf(cfg->source, sizeof cfg->source, "%s", source);
	bool reports_set = false;
	const cJSON *ingest = NULL;
	if ((rc = check_keys(&c, root, "", keys)) != HALL_OK || (rc = get_id(&c, root, "", "id", cfg->id)) != HALL_OK ||
	    (rc = get_broker(&c, root, &cfg->broker)) != HALL_OK ||
	    (rc = get_prefix(&c, root, cfg->topic_prefix, sizeof cfg->topic_prefix)) != HALL_OK ||
	    (rc = get_bool(&c, root, "", "retain", &cfg->retain)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "data_dir", cfg->data_dir, sizeof cfg->data_dir, false, NULL)) != HALL_OK ||
	    (rc = get_tz(&c, root, cfg->time_zone, sizeof cfg->time_zone)) != HALL_OK ||
	    (rc = controller_closing(&c, root, cfg)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "reports_dir", cfg->reports_dir, sizeof cfg->reports_dir, false, &reports_set)) !=
	        HALL_OK ||
	    (rc = controller_kiosks(&c, root, cfg)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "on_alert", cfg->on_alert, sizeof cfg->on_alert, true, NULL)) != HALL_OK ||
	    (rc = get_i(&c, root, "", "raw_retention_days", 1, 36500, &cfg->raw_retention_days)) != HALL_OK ||
	    (rc = get_obj(&c, root, "", "ingest", ingest_keys, &ingest)) != HALL_OK ||
	    (rc = get_obj(&c, root, "", "backup", backup_keys, &backup)) != HALL_OK ||
	    (rc = get_log_level(&c, root, &cfg->log_level)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "signing_key", cfg->signing_key, sizeof cfg->signing_key, true, NULL)) != HALL_OK ||
	    (rc = controller_console(&c, root, cfg)) != HALL_OK ||
	    (rc = get_str(&c, root, "", "database", cfg->database, sizeof cfg->database, true, NULL)) != HALL_OK ||
	    (rc = controller_broker_admin(&c, root, cfg)) != HALL_OK)
		goto done;
	if (!cfg->broker.kind_set) /* a hall init made for RabbitMQ runs on RabbitMQ */
		cfg->broker.kind = cfg->broker_admin.kind;
	if (cfg->database[0] && !is_db_uri(cfg->database)) {
		rc = fail(&c, "", "database", "expected null or a \"postgresql://...\" URI");
		goto done;
	}
	if (is_db_uri(cfg->data_dir)) { /* the data setting names a database: files stay in the default folder */
		snprintf(cfg->database, sizeof cfg->database, "%s", cfg->data_dir);
		snprintf(cfg->data_dir, sizeof cfg->data_dir, "var/controller");
	}
	if (ingest && ((rc = get_i(&c, ingest, "ingest", "batch_ms", 0, 60000, &cfg->ingest.batch_ms)) != HALL_OK ||
	               (rc = get_i(&c, ingest, "ingest", "batch_max", 1, 100000, &cfg->ingest.batch_max)) != HALL_OK))
		goto done;
	if (backup && ((rc = get_str(&c, backup, "backup", "dir", cfg->backup.dir, sizeof cfg->backup.dir, false,
	                             &cfg->backup.dir_set)) != HALL_OK ||
	               (rc = get_i(&c, backup, "backup", "keep", 0, 3650, &cfg->backup.keep)) != HALL_OK))
		goto done;
	if (cfg->backup.dir_set && !cfg->backup.dir[0]) {
		rc = fail(&c, "backup", "dir", "expected a non-empty path");
		goto done;
	}
	if (!cfg->backup.dir_set) /* beside the database of this file's data_dir */
		hall_fs_join(cfg->backup.dir, sizeof cfg->backup.dir, cfg->data_dir, "backups");
	const cJSON *lang = item(root, "report_lang");
	if (lang && (!cJSON_IsString(lang) || hall_lang_from_code(lang->valuestring, &cfg->report_lang) != 0)) {
		rc = fail(&c, "", "report_lang", "expected \"ko\", \"en\", \"zh-Hans\", \"zh-Hant\" or \"ja\", got %s%.40s%s",
		          cJSON_IsString(lang) ? "\"" : "", cJSON_IsString(lang) ? lang->valuestring : hall_json_type_name(lang),
		          cJSON_IsString(lang) ? "\"" : "");
		goto done;
	}
	if (!cfg->data_dir[0]) {
		rc = fail(&c, "", "data_dir", "expected a non-empty path");
		goto done;
	}
	if (reports_set) {
		if (!cfg->reports_dir[0]) {
			rc = fail(&c, "", "reports_dir", "expected a non-empty path");
			goto done;
		}
		cfg->reports_dir_set = true;
	}
done:
	cJSON_Delete(root);
	return rc;
}

/* ------------------------------------------------------------------ command line */

/* Split "HOST:PORT" (or "[v6]:PORT", or "HOST" alone = keep the configured port). */
static int split_broker(const char *s, char *host, size_t host_len, int *port)
{
	const char *colon = NULL;
	const char *h = s;
	size_t hl;
	*port = 0;
	if (!s || !*s)
		return -1;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close == s + 1)
			return -1;
		h = s + 1;
		hl = (size_t)(close - h);
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1] != '\0')
			return -1;
	} else {
		colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			return -1; /* a bare IPv6 address needs brackets */
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= host_len)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (colon) {
		const char *p = colon + 1;
		if (!*p || strlen(p) > 5 || strspn(p, "0123456789") != strlen(p))
			return -1;
		long v = strtol(p, NULL, 10);
		if (v < 1 || v > 65535)
			return -1;
		*port = (int)v;
	}
	return 0;
}

/* "--id: "Bad Id" is not an id: expected 1 to 64 of a-z 0-9 - _" */
static hall_err bad_id_arg(hall_error *err, const char *value)
{
	return hall_error_set(err, HALL_ERR_INVALID, "--id", "\"%.80s\" is not an id: expected 1 to %d of a-z 0-9 - _",
	                      value ? value : "", HALL_ID_MAX);
}

/* --broker HOST:PORT[,HOST:PORT...]: see config.h. */
static hall_err parse_broker_arg(const char *value, hall_config_args *out, hall_error *err)
{
	const char *p = value;
	int n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char entry[300];
		const char *why = NULL;
		if (n == HALL_BROKER_HOSTS_MAX)
			return hall_error_set(err, HALL_ERR_INVALID, "--broker", "more than %d brokers in \"%.100s\"",
			                      HALL_BROKER_HOSTS_MAX, value);
		if (len >= sizeof entry)
			return hall_error_set(err, HALL_ERR_INVALID, "--broker", "entry %d is longer than %zu bytes", n + 1,
			                      sizeof entry - 1);
		memcpy(entry, p, len);
		entry[len] = '\0';
		/* A lone HOST keeps the configured port; in a list every entry names its own. */
		if (parse_addr(entry, n > 0 || comma, &out->brokers[n], &why) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "--broker", "entry %d \"%.100s\": %s", n + 1, entry, why);
		if (addr_find(out->brokers, n, &out->brokers[n]) >= 0)
			return hall_error_set(err, HALL_ERR_INVALID, "--broker", "entry %d \"%.100s\": listed twice", n + 1,
			                      entry);
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	out->n_brokers = n;
	copy_host(out->broker_host, out->brokers[0].host);
	out->broker_port = out->brokers[0].port;
	out->broker = value;
	return HALL_OK;
}

hall_err hall_config_parse_args(int *argc, char **argv, hall_config_args *out, hall_error *err)
{
	static const char *const names[] = {"--config", "--broker", "--id", "--data"};
	memset(out, 0, sizeof *out);
	int n = *argc;
	int kept = n > 0 ? 1 : 0;
	int i = 1;
	for (; i < n; i++) {
		char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		int which = -1;
		const char *value = NULL;
		for (int k = 0; k < 4; k++) {
			size_t nl = strlen(names[k]);
			if (strncmp(a, names[k], nl) == 0 && (a[nl] == '\0' || a[nl] == '=')) {
				which = k;
				if (a[nl] == '=') {
					value = a + nl + 1;
				} else {
					if (i + 1 >= n)
						return hall_error_set(err, HALL_ERR_INVALID, names[k], "missing its value");
					value = argv[++i];
				}
				break;
			}
		}
		if (which < 0) {
			argv[kept++] = a;
			continue;
		}
		if (!*value)
			return hall_error_set(err, HALL_ERR_INVALID, names[which], "empty value");
		switch (which) {
		case 0:
			out->config = value;
			break;
		case 1: {
			hall_err rc = parse_broker_arg(value, out, err);
			if (rc != HALL_OK)
				return rc;
			break;
		}
		case 2:
			if (!hall_id_is_valid(value))
				return bad_id_arg(err, value);
			out->id = value;
			break;
		default:
			if (strlen(value) >= HALL_CONFIG_PATH_MAX)
				return hall_error_set(err, HALL_ERR_INVALID, "--data", "path longer than %d bytes",
				                      HALL_CONFIG_PATH_MAX - 1);
			out->data_dir = value;
			break;
		}
	}
	for (; i < n; i++)
		argv[kept++] = argv[i];
	if (kept < n || n > 0)
		argv[kept] = NULL;
	*argc = kept;
	return HALL_OK;
}

/* --broker replaces the file's list (broker.hosts or broker.host/port) as a whole. */
static void apply_broker(hall_broker_config *b, const hall_config_args *args)
{
	if (!args->broker)
		return;
	if (args->n_brokers > 1) {
		memcpy(b->hosts, args->brokers, (size_t)args->n_brokers * sizeof b->hosts[0]);
		b->n_hosts = args->n_brokers;
		broker_sync_first(b);
		return;
	}
	/* one entry (n_brokers 0: a caller that filled broker_host/broker_port itself) */
	copy_host(b->host, args->broker_host);
	if (args->broker_port > 0)
		b->port = args->broker_port;
	copy_host(b->hosts[0].host, b->host);
	b->hosts[0].port = b->port;
	b->n_hosts = 1;
}

hall_err hall_kiosk_config_apply_args(hall_kiosk_config *cfg, const hall_config_args *args, hall_error *err)
{
	if (!args)
		return HALL_OK;
	apply_broker(&cfg->broker, args);
	if (args->id) {
		if (!hall_id_is_valid(args->id))
			return bad_id_arg(err, args->id);
		snprintf(cfg->id, sizeof cfg->id, "%s", args->id);
	}
	if (args->data_dir) {
		if (!*args->data_dir || strlen(args->data_dir) >= sizeof cfg->data_dir)
			return hall_error_set(err, HALL_ERR_INVALID, "--data", "expected a path of 1 to %zu bytes",
			                      sizeof cfg->data_dir - 1);
		snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", args->data_dir);
		cfg->data_dir_set = true;
	}
	return HALL_OK;
}

hall_err hall_controller_config_apply_args(hall_controller_config *cfg, const hall_config_args *args, hall_error *err)
{
	if (!args)
		return HALL_OK;
	/* The id first: a bad one fails before anything else changes. */
	if (args->id) {
		if (!hall_id_is_valid(args->id))
			return bad_id_arg(err, args->id);
		snprintf(cfg->id, sizeof cfg->id, "%s", args->id);
	}
	apply_broker(&cfg->broker, args);
	if (args->data_dir && is_db_uri(args->data_dir)) {
		if (strlen(args->data_dir) >= sizeof cfg->database)
			return hall_error_set(err, HALL_ERR_INVALID, "--data", "database URI longer than %zu bytes",
			                      sizeof cfg->database - 1);
		snprintf(cfg->database, sizeof cfg->database, "%s", args->data_dir);
	} else if (args->data_dir) {
		if (!*args->data_dir || strlen(args->data_dir) + sizeof "/reports" > sizeof cfg->data_dir)
			return hall_error_set(err, HALL_ERR_INVALID, "--data", "expected a path of 1 to %zu bytes",
			                      sizeof cfg->data_dir - sizeof "/reports");
		snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", args->data_dir);
		if (!cfg->reports_dir_set)
			hall_fs_join(cfg->reports_dir, sizeof cfg->reports_dir, cfg->data_dir, "reports");
		if (!cfg->backup.dir_set)
			hall_fs_join(cfg->backup.dir, sizeof cfg->backup.dir, cfg->data_dir, "backups");
	}
	return HALL_OK;
}

hall_err hall_kiosk_config_finish(hall_kiosk_config *cfg, hall_error *err)
{
	const char *src = cfg->source[0] ? cfg->source : "(config)";
	char where[PATH_LEN];
	snprintf(where, sizeof where, "%.100s: id", src);
	if (!hall_id_is_valid(cfg->id))
		return hall_error_set(err, HALL_ERR_INVALID, where, "missing (give \"id\" in the file or --id)");
	if (!cfg->data_dir_set) {
		snprintf(cfg->data_dir, sizeof cfg->data_dir, "var/%s", cfg->id);
	}
	if (!cfg->broker.username[0])
		snprintf(cfg->broker.username, sizeof cfg->broker.username, "%s", cfg->id);
	hall_err rc = hall_broker_config_check(&cfg->broker, src, err);
	if (rc != HALL_OK)
		return rc;
	for (int i = 0; !cfg->controller_key[0] && hall_broker_config_host(&cfg->broker, i); i++) {
		const char *host = hall_broker_config_host(&cfg->broker, i);
		if (hall_config_host_is_loopback(host))
			continue;
		snprintf(where, sizeof where, "%.100s: controller_key", src);
		return hall_error_set(err, HALL_ERR_INVALID, where,
		                      "missing: without it the kiosk runs the development profile, which is for a loopback "
		                      "broker only (broker.host is %.100s)",
		                      host);
	}
	return HALL_OK;
}

hall_err hall_controller_config_finish(hall_controller_config *cfg, hall_error *err)
{
	return hall_broker_config_check(&cfg->broker, cfg->source[0] ? cfg->source : "(config)", err);
}

bool hall_config_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;
	if (!host)
		return false;
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return memcmp(&a6, &in6addr_loopback, sizeof a6) == 0;
	return false;
}

const char *hall_broker_config_host(const hall_broker_config *b, int i)
{
	if (b->n_hosts <= 1)
		return i == 0 ? b->host : NULL;
	return i < b->n_hosts ? b->hosts[i].host : NULL;
}

int hall_broker_config_port(const hall_broker_config *b, int i)
{
	return b->n_hosts <= 1 ? b->port : b->hosts[i].port;
}

size_t hall_broker_config_addrs(const hall_broker_config *b, hall_mqtt_addr out[HALL_BROKER_HOSTS_MAX])
{
	size_t n = 0;
	for (int i = 0; n < HALL_BROKER_HOSTS_MAX && hall_broker_config_host(b, i); i++, n++) {
		out[n].host = hall_broker_config_host(b, i);
		out[n].port = hall_broker_config_port(b, i);
	}
	return n;
}

void hall_broker_addr_format(const hall_broker_addr *a, char *out, size_t len)
{
	bool v6 = strchr(a->host, ':') != NULL;
	snprintf(out, len, "%s%.255s%s:%d", v6 ? "[" : "", a->host, v6 ? "]" : "", a->port);
}

hall_err hall_broker_config_check(const hall_broker_config *b, const char *source, hall_error *err)
{
	char where[PATH_LEN];
	const char *missing = !b->cafile[0] ? "cafile (TLS)" : !b->username[0] ? "username" : !b->has_password ? "password" : NULL;
	const char *host = NULL;
	for (int i = 0; missing && !host && hall_broker_config_host(b, i); i++)
		if (!hall_config_host_is_loopback(hall_broker_config_host(b, i)))
			host = hall_broker_config_host(b, i);
	if (!host)
		return HALL_OK;
	snprintf(where, sizeof where, "%.100s: broker", source && *source ? source : "(config)");
	return hall_error_set(err, HALL_ERR_INVALID, where,
	                      "%.100s is not a loopback address, so TLS and credentials are required: %s is missing",
	                      host, missing);
}

static hall_err load_file(const char *path, char **data, size_t *len, hall_error *err)
{
	hall_err rc = hall_fs_read_file(path, HALL_CONFIG_FILE_MAX, data, len, err);
	if (rc != HALL_OK && err && !strstr(err->path, path)) {
		/* fsutil names the file in path already; keep that contract visible here. */
		snprintf(err->path, sizeof err->path, "%s", path);
	}
	return rc;
}

hall_err hall_kiosk_config_load(const hall_config_args *args, hall_kiosk_config *cfg, hall_error *err)
{
	const char *path = args && args->config ? args->config : HALL_CONFIG_KIOSK_DEFAULT;
	char *data = NULL;
	size_t len = 0;
	hall_kiosk_config_defaults(cfg);
	hall_err rc = load_file(path, &data, &len, err);
	if (rc == HALL_OK)
		rc = hall_kiosk_config_parse(data, len, path, cfg, err);
	if (rc == HALL_OK)
		rc = hall_kiosk_config_apply_args(cfg, args, err);
	if (rc == HALL_OK)
		rc = hall_kiosk_config_finish(cfg, err);
	free(data);
	return rc;
}

hall_err hall_controller_config_load(const hall_config_args *args, hall_controller_config *cfg, hall_error *err)
{
	const char *path = args && args->config ? args->config : HALL_CONFIG_CONTROLLER_DEFAULT;
	char *data = NULL;
	size_t len = 0;
	hall_controller_config_defaults(cfg);
	hall_err rc = load_file(path, &data, &len, err);
	if (rc == HALL_OK)
		rc = hall_controller_config_parse(data, len, path, cfg, err);
	if (rc == HALL_OK)
		rc = hall_controller_config_apply_args(cfg, args, err);
	if (rc == HALL_OK)
		rc = hall_controller_config_finish(cfg, err);
	if (rc != HALL_OK)
		hall_controller_config_free(cfg);
	free(data);
	return rc;
}
