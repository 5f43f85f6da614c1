/* console_http.c: the console's HTTP(S) server, sessions and embedded files (console.h).
 *
 * libmicrohttpd runs one thread per connection (bounded by CONSOLE_CONNECTIONS), so a
 * live stream (server-sent events) may block its own thread between updates, and a slow
 * login delay never holds anybody else up. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "console_assets.h"
#include "console_priv.h"
#include "ctl.h"
#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"

#define CONSOLE_CONNECTIONS 64
#define COOKIE_NAME "hall_session"

/* ---------------------------------------------------------------- responses */

void console__json(console_resp *r, unsigned status, cJSON *doc)
{
	size_t len = 0;
	r->status = status;
	r->type = "application/json; charset=utf-8";
	r->body = doc ? hall_json_print(doc, &len) : NULL;
	r->len = r->body ? len : 0;
	cJSON_Delete(doc);
	if (!r->body) {
		r->status = 500;
		r->body = strdup("{\"error\":\"nomem\",\"message\":\"out of memory\"}");
		r->len = r->body ? strlen(r->body) : 0;
	}
}

/* console4: {"error": FIELD, "code": CODE, "args": {…}, "message": TEXT}: the page says
 * CODE with ARGS in its own language (Korean or English); the English TEXT stays for the
 * command line's users, curl and the logs. Takes args (NULL: none). */
static void error_v(console_resp *r, unsigned status, const char *field, const char *code, cJSON *args,
                    const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void error_v(console_resp *r, unsigned status, const char *field, const char *code, cJSON *args,
                    const char *fmt, va_list ap)
{
	char msg[600];
	vsnprintf(msg, sizeof msg, fmt, ap);
	cJSON *doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "error", field);
	cJSON_AddStringToObject(doc, "code", code);
	cJSON_AddItemToObject(doc, "args", args ? args : cJSON_CreateObject());
	cJSON_AddStringToObject(doc, "message", msg);
	console__json(r, status, doc);
}

void console__error(console_resp *r, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_v(r, status, code, code, NULL, fmt, ap);
	va_end(ap);
}

void console__error_code(console_resp *r, unsigned status, const char *field, const char *code, cJSON *args,
                         const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_v(r, status, field, code, args, fmt, ap);
	va_end(ap);
}

cJSON *console__args(const char *key, ...)
{
	cJSON *o = cJSON_CreateObject();
	va_list ap;
	va_start(ap, key);
	for (const char *k = key; k; k = va_arg(ap, const char *)) {
		const char *v = va_arg(ap, const char *);
		cJSON_AddStringToObject(o, k, v ? v : "");
	}
	va_end(ap);
	return o;
}

const char *console__query(const console_req *q, const char *key)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, key);
}

/* ---------------------------------------------------------------- sessions */

static void random_hex(char out[CONSOLE_TOKEN_HEX + 1])
{
	unsigned char raw[CONSOLE_TOKEN_HEX / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, CONSOLE_TOKEN_HEX + 1, raw, sizeof raw);
}

/* Sessions live in the database (store_users.h), so a restart of serve signs nobody out;
 * the connection is the console's own, used under c->lock. */
int console__login(hall_console *c, const char *user, hall_role role, console_session *out)
{
	hall_error err = {0};
	int64_t now = hall_clock_now_ms();
	memset(out, 0, sizeof *out);
	random_hex(out->token);
	random_hex(out->csrf);
	snprintf(out->user, sizeof out->user, "%s", user);
	out->role = role;
	out->last_used = now;
	pthread_mutex_lock(&c->lock);
	hall_err rc = hall_users_session_add(c->users, out->token, user, out->csrf, now, now + CONSOLE_IDLE_MS, &err);
	pthread_mutex_unlock(&c->lock);
	if (rc != HALL_OK) {
		char msg[600];
		hall_error_log("console: session: %s", hall_error_format(&err, msg, sizeof msg));
		return -1;
	}
	return 0;
}

void console__logout(hall_console *c, const char *token)
{
	pthread_mutex_lock(&c->lock);
	hall_users_session_remove(c->users, token, NULL);
	pthread_mutex_unlock(&c->lock);
}

void console__drop_user_sessions(hall_console *c, const char *user)
{
	pthread_mutex_lock(&c->lock);
	hall_users_session_remove_user(c->users, user, NULL);
	pthread_mutex_unlock(&c->lock);
}

/* A session used again pushes its end back; written at most once a minute, so a page that
 * polls does not write the database on every request (the idle limit is 30 minutes). */
#define SESSION_TOUCH_MS 60000

/* The session of this token, touched; false when none or idle too long. */
static bool find_session(hall_console *c, const char *token, console_session *out)
{
	hall_user_session us;
	int64_t now = hall_clock_now_ms();
	if (!token || strlen(token) != CONSOLE_TOKEN_HEX)
		return false;
	pthread_mutex_lock(&c->lock);
	bool ok = hall_users_session_get(c->users, token, now, &us, NULL) == HALL_OK;
	if (ok && now - us.touched >= SESSION_TOUCH_MS)
		hall_users_session_touch(c->users, token, now, now + CONSOLE_IDLE_MS, NULL);
	pthread_mutex_unlock(&c->lock);
	if (!ok)
		return false;
	memset(out, 0, sizeof *out);
	snprintf(out->token, sizeof out->token, "%s", token);
	snprintf(out->csrf, sizeof out->csrf, "%s", us.csrf);
	snprintf(out->user, sizeof out->user, "%s", us.user);
	out->role = us.role;
	out->last_used = now;
	return true;
}

static console_fail *fail_slot(hall_console *c, const char *key, bool create)
{
	console_fail *oldest = &c->fails[0];
	for (int i = 0; i < CONSOLE_FAILS_MAX; i++) {
		if (strcmp(c->fails[i].key, key) == 0)
			return &c->fails[i];
		if (c->fails[i].last < oldest->last)
			oldest = &c->fails[i];
	}
	if (!create)
		return NULL;
	memset(oldest, 0, sizeof *oldest);
	snprintf(oldest->key, sizeof oldest->key, "%s", key);
	return oldest;
}

/* 0 for the first try, then 500 ms doubling per failure up to 8 s; failures are forgotten
 * after 15 minutes without one. */
static int64_t fail_wait(const console_fail *f, int64_t now)
{
	if (!f || f->count == 0 || now - f->last > 15 * 60 * 1000)
		return 0;
	int shift = f->count - 1 < 4 ? f->count - 1 : 4;
	int64_t wait = 500LL << shift;
	int64_t left = f->last + wait - now;
	return left > 0 ? left : 0;
}

hall_err console__check_login(hall_console *c, const char *addr, const char *name, const char *password,
                              hall_user *out, unsigned *waited_ms)
{
	char kname[80], kaddr[80];
	snprintf(kname, sizeof kname, "u:%.64s", name ? name : "");
	snprintf(kaddr, sizeof kaddr, "a:%.64s", addr);
	pthread_mutex_lock(&c->lock);
	int64_t now = hall_clock_mono_ms();
	int64_t w1 = fail_wait(fail_slot(c, kname, false), now), w2 = fail_wait(fail_slot(c, kaddr, false), now);
	pthread_mutex_unlock(&c->lock);
	int64_t wait = w1 > w2 ? w1 : w2;
	*waited_ms = (unsigned)wait;
	if (wait > 0) {
		struct timespec ts = {.tv_sec = wait / 1000, .tv_nsec = (wait % 1000) * 1000000};
		nanosleep(&ts, NULL);
	}
	hall_error err = {0};
	pthread_mutex_lock(&c->lock);
	hall_err rc = hall_users_check(c->users, name, password, out, &err);
	now = hall_clock_mono_ms();
	const char *keys[] = {kname, kaddr};
	for (int i = 0; i < 2; i++) {
		console_fail *f = fail_slot(c, keys[i], rc != HALL_OK);
		if (!f)
			continue;
		if (rc == HALL_OK && i == 0)
			memset(f, 0, sizeof *f); /* the name's count resets; the address's stays */
		else if (rc != HALL_OK) {
			if (now - f->last > 15 * 60 * 1000)
				f->count = 0;
			f->count++;
			f->last = now;
		}
	}
	pthread_mutex_unlock(&c->lock);
	if (rc == HALL_ERR_DB) {
		char msg[600];
		hall_error_log("console: accounts: %s", hall_error_format(&err, msg, sizeof msg));
	}
	return rc;
}

/* ---------------------------------------------------------------- files */

static const char *mime_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	static const char *const map[][2] = {
	    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
	    {".png", "image/png"},                 {".woff2", "font/woff2"},
	    {".json", "application/json"},         {".ico", "image/x-icon"}};
	for (size_t i = 0; dot && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(dot, map[i][0]) == 0)
			return map[i][1];
	return "application/octet-stream";
}

static const hall_console_asset *find_asset(const char *url)
{
	const char *name = url[0] == '/' ? url + 1 : url;
	if (!*name)
		name = "index.html";
	for (const hall_console_asset *a = hall_console_assets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

/* ---------------------------------------------------------------- the handler */

typedef struct conn_state {
	char *body;
	size_t len, cap, limit;
	bool too_big;
} conn_state;

/* A pack's files are the only large bodies, and only a signed-in editor may send them: the
 * limit is set before a byte is read, from the session the request names. */
static size_t body_limit(hall_console *c, struct MHD_Connection *conn, const char *url, const char *method)
{
	console_session s;
	size_t n = strlen(url);
	bool zip = strcmp(method, "POST") == 0 && n > 4 && strcmp(url + n - 4, "/zip") == 0;
	if ((strcmp(method, "PUT") == 0 || zip) && strncmp(url, "/api/v1/uploads/", 16) == 0 &&
	    find_session(c, MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE_NAME), &s) &&
	    s.role >= HALL_ROLE_EDITOR)
		return zip ? CONSOLE_ZIP_MAX : CONSOLE_UPLOAD_MAX;
	return CONSOLE_BODY_MAX;
}

/* Headers every answer carries: nothing from elsewhere may load, nothing is framed. */
static void security_headers(hall_console *c, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
	                        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
	                        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (c->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

/* JSON and text a client accepts gzipped go so from CONSOLE_GZIP_MIN bytes on (below that
 * the header costs more than it saves); a failure to compress sends the body as it is. */
static void maybe_gzip(console_resp *r, bool gzip)
{
	char *z = NULL;
	size_t zlen = 0;
	if (!gzip || !r->body || r->len < CONSOLE_GZIP_MIN || !r->type ||
	    (strncmp(r->type, "application/json", 16) != 0 && strncmp(r->type, "text/", 5) != 0) ||
	    console__gzip(r->body, r->len, &z, &zlen) != 0)
		return;
	free(r->body);
	r->body = z;
	r->len = zlen;
	r->gzipped = true;
}

static enum MHD_Result send_resp(hall_console *c, struct MHD_Connection *conn, console_resp *r)
{
	struct MHD_Response *resp = r->stream;
	if (!resp) {
		maybe_gzip(r, console__accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding")));
		if (r->body)
			resp = MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
		else
			resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		r->body = NULL;
	}
	if (!resp)
		return MHD_NO;
	security_headers(c, resp);
	if (r->type)
		MHD_add_response_header(resp, "Content-Type", r->type);
	/* Caches must keep the plain and the gzip answer apart. */
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (r->gzipped && !r->stream)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (!r->stream)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (r->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->cookie);
	if (r->disposition[0])
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	if (r->retry_after) {
		char v[16];
		snprintf(v, sizeof v, "%u", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", v);
	}
	enum MHD_Result ret = MHD_queue_response(conn, r->status ? r->status : 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void client_addr(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	out[0] = '\0';
	if (ci && ci->client_addr &&
	    getnameinfo(ci->client_addr,
	                ci->client_addr->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
	                out, (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0)
		out[0] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	hall_console *c = cls;
	(void)version;
	conn_state *st = *con_cls;
	if (!st) {
		st = calloc(1, sizeof *st);
		if (!st)
			return MHD_NO;
		st->limit = body_limit(c, conn, url, method);
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_size) {
		if (st->too_big || st->len + *upload_size > st->limit) {
			st->too_big = true;
		} else {
			if (st->len + *upload_size + 1 > st->cap) {
				size_t cap = (st->len + *upload_size + 1) * 2;
				char *b = realloc(st->body, cap);
				if (!b)
					return MHD_NO;
				st->body = b;
				st->cap = cap;
			}
			memcpy(st->body + st->len, upload_data, *upload_size);
			st->len += *upload_size;
			st->body[st->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	console_resp r = {.status = 200};
	if (st->too_big) {
		console__error(&r, 413, "too_big", "request body over %zu bytes", st->limit);
		return send_resp(c, conn, &r);
	}
	if (strncmp(url, "/api/v1/", 8) == 0 || strcmp(url, "/api/v1") == 0) {
		console_req q = {.c = c,
		                 .method = method,
		                 .path = url + 7,
		                 .body = st->body ? st->body : "",
		                 .body_len = st->len,
		                 .csrf_header = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-CSRF-Token"),
		                 .content_type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type"),
		                 .conn = conn,
		                 .gzip = console__accepts_gzip(
		                     MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"))};
		client_addr(conn, q.addr, sizeof q.addr);
		const char *token = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, COOKIE_NAME);
		q.authed = find_session(c, token, &q.sess);
		if (q.authed)
			hall_ctl_set_actor(q.sess.user);
		console__api(&q, &r);
		hall_ctl_set_actor(NULL);
		return send_resp(c, conn, &r);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		console__error(&r, 405, "method", "%s is not allowed here", method);
		return send_resp(c, conn, &r);
	}
	/* Pages are one document (index.html) that routes by its #fragment. */
	const hall_console_asset *a = find_asset(url);
	if (!a) {
		console__error(&r, 404, "not_found", "%s: no such page", url);
		return send_resp(c, conn, &r);
	}
	const console_gz_asset *gz = &c->gz_assets[a - hall_console_assets];
	bool zip = gz->data && console__accepts_gzip(MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Encoding"));
	struct MHD_Response *resp = zip ? MHD_create_response_from_buffer(gz->len, gz->data, MHD_RESPMEM_PERSISTENT)
	                                : MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	security_headers(c, resp);
	MHD_add_response_header(resp, "Content-Type", mime_of(a->name));
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (zip)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	enum MHD_Result ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	conn_state *st = *con_cls;
	if (st) {
		free(st->body);
		free(st);
	}
	*con_cls = NULL;
}

/* ---------------------------------------------------------------- start and stop */

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

/* "HOST:PORT" or "[v6]:PORT" into a socket address (numeric hosts and names). */
static hall_err parse_listen(const char *s, struct sockaddr_storage *out, socklen_t *out_len, hall_error *err)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t hl;
	if (!colon)
		return hall_error_set(err, HALL_ERR_INVALID, "console.listen", "expected HOST:PORT, not \"%s\"", s);
	hl = (size_t)(colon - s);
	if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
		h = s + 1;
		hl -= 2;
	}
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (hl == 0 || hl >= sizeof host || !colon[1] || *end || port < 1 || port > 65535)
		return hall_error_set(err, HALL_ERR_INVALID, "console.listen", "expected HOST:PORT, not \"%s\"", s);
	memcpy(host, h, hl);
	host[hl] = '\0';
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai = NULL;
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || !ai) {
		if (ai)
			freeaddrinfo(ai);
		return hall_error_set(err, HALL_ERR_INVALID, "console.listen", "cannot resolve \"%s\"", host);
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	*out_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return HALL_OK;
}

/* cert/key from the config, else the hall's own from `init` (DATA/tls/), else none. */
static hall_err load_tls(hall_console *c, hall_error *err)
{
	const hall_controller_config *cfg = c->cfg;
	char cert[HALL_CONFIG_PATH_MAX + 32], key[HALL_CONFIG_PATH_MAX + 32];
	size_t len = 0;
	if (cfg->console.cert[0] || cfg->console.key[0]) {
		if (!cfg->console.cert[0] || !cfg->console.key[0])
			return hall_error_set(err, HALL_ERR_INVALID, cfg->console.cert[0] ? "console.key" : "console.cert",
			                      "missing (HTTPS needs both cert and key)");
		snprintf(cert, sizeof cert, "%s", cfg->console.cert);
		snprintf(key, sizeof key, "%s", cfg->console.key);
	} else {
		if (hall_fs_join(cert, sizeof cert, cfg->data_dir, "tls/server.crt") != 0 ||
		    hall_fs_join(key, sizeof key, cfg->data_dir, "tls/server.key") != 0)
			return hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		if (!hall_fs_exists(cert) || !hall_fs_exists(key))
			return HALL_OK; /* no hall certificate: plain HTTP, loopback only */
	}
	if (hall_fs_read_file(cert, 1024 * 1024, &c->cert_pem, &len, NULL) != HALL_OK)
		return hall_error_set(err, HALL_ERR_INVALID, "console.cert", "%s: cannot read the certificate", cert);
	if (hall_fs_read_file(key, 1024 * 1024, &c->key_pem, &len, NULL) != HALL_OK)
		return hall_error_set(err, HALL_ERR_INVALID, "console.key", "%s: cannot read the key", key);
	c->tls = true;
	return HALL_OK;
}

/* The page's files, gzipped once: text types only (PNG and WOFF2 are compressed already),
 * and only where gzip is smaller. */
static hall_err gzip_assets(hall_console *c, hall_error *err)
{
	size_t n = 0;
	while (hall_console_assets[n].name)
		n++;
	c->gz_assets = calloc(n + 1, sizeof *c->gz_assets);
	if (!c->gz_assets)
		return hall_error_set(err, HALL_ERR_NOMEM, "console", "out of memory");
	for (size_t i = 0; i < n; i++) {
		const hall_console_asset *a = &hall_console_assets[i];
		const char *type = mime_of(a->name);
		if (strncmp(type, "text/", 5) != 0 && strcmp(type, "image/svg+xml") != 0 && strcmp(type, "application/json") != 0)
			continue;
		console_gz_asset *g = &c->gz_assets[i];
		if (console__gzip(a->data, a->len, &g->data, &g->len) != 0)
			return hall_error_set(err, HALL_ERR_NOMEM, "console", "out of memory");
		if (g->len >= a->len) {
			free(g->data);
			g->data = NULL;
		}
	}
	return HALL_OK;
}

hall_err hall_console_start(const hall_controller_config *cfg, hall_console **out, hall_error *err)
{
	struct sockaddr_storage sa;
	socklen_t sa_len = 0;
	hall_err rc;
	hall_console *c = calloc(1, sizeof *c);
	if (!c)
		return hall_error_set(err, HALL_ERR_NOMEM, "console", "out of memory");
	c->cfg = cfg;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->jobs_cv, NULL);
	if (sodium_init() < 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "libsodium", "cannot initialise");
		goto fail;
	}
	if ((rc = parse_listen(cfg->console.listen, &sa, &sa_len, err)) != HALL_OK || (rc = load_tls(c, err)) != HALL_OK)
		goto fail;
	if (!c->tls && !is_loopback((struct sockaddr *)&sa)) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "console.listen",
		                    "%s is not a loopback address: the console needs HTTPS there (console.cert and "
		                    "console.key, or hall-controller init)",
		                    cfg->console.listen);
		goto fail;
	}
	/* pg: accounts and reads where the store is: the database URI (PostgreSQL), else
	 * DATA/controller.db */
	if (cfg->database[0])
		snprintf(c->db_path, sizeof c->db_path, "%s", cfg->database);
	else if (hall_fs_join(c->db_path, sizeof c->db_path, cfg->data_dir, "controller.db") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "data_dir", "path too long");
		goto fail;
	}
	/* Accounts first: it creates its table, so the read-only connection sees a whole schema. */
	if ((rc = hall_users_open(c->db_path, &c->users, err)) != HALL_OK ||
	    (rc = hall_ctl_open_store_mode(cfg, HALL_STORE_READ, &c->store, err)) != HALL_OK) /* pg */
		goto fail;
	if ((rc = gzip_assets(c, err)) != HALL_OK)
		goto fail;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (c->tls)
		flags |= MHD_USE_TLS;
	in_port_t port = sa.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&sa)->sin6_port)
	                                         : ntohs(((struct sockaddr_in *)&sa)->sin_port);
	if (c->tls)
		c->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, c, MHD_OPTION_SOCK_ADDR, &sa,
		                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONSOLE_CONNECTIONS,
		                             MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		                             c, MHD_OPTION_HTTPS_MEM_CERT, c->cert_pem, MHD_OPTION_HTTPS_MEM_KEY, c->key_pem,
		                             MHD_OPTION_END);
	else
		c->daemon = MHD_start_daemon(flags, port, NULL, NULL, on_request, c, MHD_OPTION_SOCK_ADDR, &sa,
		                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONSOLE_CONNECTIONS,
		                             MHD_OPTION_CONNECTION_TIMEOUT, 120u, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
		                             c, MHD_OPTION_END);
	if (!c->daemon) {
		rc = hall_error_set(err, HALL_ERR_IO, "console.listen", "cannot listen on %s (in use?)", cfg->console.listen);
		goto fail;
	}
	console__uploads_sweep(c, true); /* uploads left from before, older than a day */
	hall_info("console: %s://%s/", c->tls ? "https" : "http", cfg->console.listen);
	*out = c;
	return HALL_OK;
fail:
	hall_console_stop(c);
	return rc;
}

void hall_console_stop(hall_console *c)
{
	if (!c)
		return;
	c->stopping = 1;
	if (c->daemon)
		MHD_stop_daemon(c->daemon);
	console__jobs_wait(c);
	hall_store_close(c->store);
	hall_users_close(c->users);
	for (size_t i = 0; c->gz_assets && hall_console_assets[i].name; i++)
		free(c->gz_assets[i].data);
	free(c->gz_assets);
	console__fleet_free(c);
	free(c->cert_pem);
	if (c->key_pem)
		sodium_memzero(c->key_pem, strlen(c->key_pem));
	free(c->key_pem);
	pthread_cond_destroy(&c->jobs_cv);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
