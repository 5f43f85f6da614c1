/* protocol.c: decode and encode every message of docs/protocol.md.
 *
 * Each message has one static reader (cJSON tree -> struct, the validation rules) and
 * one static writer (struct -> cJSON tree). Decoding is parse + reader. Encoding is
 * writer + reader over the tree just built + print: the encoder checks a struct with
 * exactly the decoder's rules, so the two can never drift apart. */
#include "hall/protocol.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/json.h"
#include "hall/sha256.h"

#define PATH_LEN sizeof(((hall_error *)0)->path)

/* ------------------------------------------------------------------ names */

static const char *const EVENT_NAMES[HALL_EVENT_TYPE_COUNT] = {
	"tap", "session_start", "session_end", "view", "language", "mode", "vote", "help",
};
static const char *const ACK_KIND_NAMES[] = {"content", "schedule", "notice", "command", "confirm", "poll"};
static const char *const ACK_RESULT_NAMES[] = {"applied", "rejected", "done", "failed", "deferred"};
static const char *const CMD_NAMES[] = {"screenshot", "reload", "show", "identify"};
static const char *const LEVEL_NAMES[] = {"info", "urgent"};
static const char *const ENVELOPE_NAMES[] = {"content", "schedule", "notice"};
static const char *const BODY_KEYS[] = {"manifest", "schedule", "notice"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
	return (v >= 0 && (size_t)v < n) ? names[v] : "?";
}

static int index_of(const char *const *names, size_t n, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *hall_event_type_name(hall_event_type type)
{
	return name_of(EVENT_NAMES, COUNT(EVENT_NAMES), (int)type);
}

int hall_event_type_from_name(const char *name, hall_event_type *out)
{
	int i = index_of(EVENT_NAMES, COUNT(EVENT_NAMES), name);
	if (i < 0)
		return -1;
	*out = (hall_event_type)i;
	return 0;
}

const char *hall_ack_kind_name(hall_ack_kind kind)
{
	return name_of(ACK_KIND_NAMES, COUNT(ACK_KIND_NAMES), (int)kind);
}

const char *hall_ack_result_name(hall_ack_result result)
{
	return name_of(ACK_RESULT_NAMES, COUNT(ACK_RESULT_NAMES), (int)result);
}

const char *hall_command_cmd_name(hall_command_cmd cmd)
{
	return name_of(CMD_NAMES, COUNT(CMD_NAMES), (int)cmd);
}

const char *hall_envelope_kind_name(hall_envelope_kind kind)
{
	return name_of(ENVELOPE_NAMES, COUNT(ENVELOPE_NAMES), (int)kind);
}

const char *hall_envelope_body_key(hall_envelope_kind kind)
{
	return name_of(BODY_KEYS, COUNT(BODY_KEYS), (int)kind);
}

int hall_proto_copy(char *dst, size_t size, const char *src)
{
	if (!dst || size == 0)
		return -1;
	size_t n = src ? strlen(src) : 0;
	if (n >= size) {
		dst[0] = '\0';
		return -1;
	}
	if (n)
		memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* ------------------------------------------------------------------ reading helpers */

/* err at path.key with a formatted reason. */
static hall_err field_error(hall_error *err, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static hall_err field_error(hall_error *err, const char *path, const char *key, const char *fmt, ...)
{
	char p[PATH_LEN];
	char msg[sizeof(((hall_error *)0)->msg)];
	if (key)
		hall_json_path_key(p, sizeof p, path, key);
	else
		snprintf(p, sizeof p, "%s", path && *path ? path : "(root)");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return hall_error_set(err, HALL_ERR_INVALID, p, "%s", msg);
}

/* Bytes below 0x20 and DEL have no place in ids, exhibit names or reasons: they would
 * break log lines and CSV reports. allow_newline for free text (notices). */
static int has_control(const char *s, int allow_newline)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && !(allow_newline && c == '\n')) || c == 0x7f)
			return 1;
	}
	return 0;
}

/* The second half of read_text and fast_text: a string read (s, NULL when an optional
 * field is absent) checked for control characters and copied into dst (empty when absent). */
static hall_err copy_text(const char *s, const char *path, const char *key, char *dst, size_t size, hall_error *err)
{
	if (!s) {
		dst[0] = '\0';
		return HALL_OK;
	}
	if (has_control(s, 0))
		return field_error(err, path, key, "expected text without control characters");
	hall_proto_copy(dst, size, s);
	return HALL_OK;
}

/* A string field into a fixed buffer of `size` bytes (at most size-1 bytes of text). */
static hall_err read_text(const cJSON *obj, const char *path, const char *key, bool required, char *dst, size_t size,
                          hall_error *err)
{
	const char *s = NULL;
	hall_err rc = required ? hall_json_get_string(obj, path, key, size - 1, &s, err)
	                       : hall_json_opt_string(obj, path, key, size - 1, &s, err);
	return rc != HALL_OK ? rc : copy_text(s, path, key, dst, size, err);
}

/* An id field (hall_id_is_valid). */
static hall_err read_id(const cJSON *obj, const char *path, const char *key, bool required, char *dst, hall_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!required && (!v || cJSON_IsNull(v))) {
		dst[0] = '\0';
		return HALL_OK;
	}
	if (!v)
		return field_error(err, path, key, "missing (expected an id: 1 to 64 of a-z 0-9 - _)");
	if (!cJSON_IsString(v) || !v->valuestring || !hall_id_is_valid(v->valuestring))
		return field_error(err, path, key, "expected an id (1 to 64 of a-z 0-9 - _)");
	hall_proto_copy(dst, HALL_ID_BUF, v->valuestring);
	return HALL_OK;
}

/* An enum given by its names. */
static hall_err read_enum(const cJSON *obj, const char *path, const char *key, const char *const *names, size_t n,
                          int *out, hall_error *err)
{
	const char *s = NULL;
	hall_err rc = hall_json_get_string(obj, path, key, 64, &s, err);
	if (rc != HALL_OK)
		return rc;
	int i = index_of(names, n, s);
	if (i < 0) {
		char list[200] = "";
		size_t used = 0;
		for (size_t k = 0; k < n && used < sizeof list; k++) {
			int w = snprintf(list + used, sizeof list - used, "%s%s", k ? "|" : "", names[k]);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		return field_error(err, path, key, "unknown value \"%.64s\" (expected %s)", s, list);
	}
	*out = i;
	return HALL_OK;
}

static hall_err read_ts(const cJSON *obj, const char *path, const char *key, int64_t *out, hall_error *err)
{
	return hall_json_get_int(obj, path, key, HALL_PROTO_TS_MIN, HALL_PROTO_TS_MAX, out, err);
}

static hall_err read_sha(const cJSON *obj, const char *path, const char *key, char dst[65], hall_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!v)
		return field_error(err, path, key, "missing (expected 64 lowercase hex digits)");
	if (!cJSON_IsString(v) || !v->valuestring || !hall_sha256_is_hex(v->valuestring))
		return field_error(err, path, key, "expected 64 lowercase hex digits");
	hall_proto_copy(dst, 65, v->valuestring);
	return HALL_OK;
}

static hall_err parse_object(const void *buf, size_t len, size_t max, cJSON **root, hall_error *err)
{
	hall_err rc = hall_json_parse((const char *)buf, len, max, root, err);
	if (rc == HALL_OK)
		rc = hall_json_expect_object(*root, "", err);
	if (rc != HALL_OK) {
		cJSON_Delete(*root);
		*root = NULL;
	}
	return rc;
}

/* ------------------------------------------------------------------ writing helpers */

/* A builder that remembers the first failure so writers need no check per field. */
typedef struct builder {
	cJSON *obj;
	hall_err rc;
	hall_error *err;
} builder;

static void b_init(builder *b, hall_error *err)
{
	b->obj = cJSON_CreateObject();
	b->rc = b->obj ? HALL_OK : HALL_ERR_NOMEM;
	b->err = err;
	if (!b->obj)
		hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
}

static void b_add(builder *b, const char *key, cJSON *item)
{
	if (b->rc != HALL_OK) {
		cJSON_Delete(item);
		return;
	}
	if (!item || !cJSON_AddItemToObject(b->obj, key, item)) {
		cJSON_Delete(item);
		b->rc = hall_error_set(b->err, HALL_ERR_NOMEM, "", "out of memory");
	}
}

/* A fixed buffer field; one that is not NUL-terminated within its size is a caller bug
 * reported as invalid rather than read past. */
static void b_str(builder *b, const char *key, const char *s, size_t size)
{
	if (b->rc != HALL_OK)
		return;
	if (!memchr(s, '\0', size)) {
		b->rc = hall_error_set(b->err, HALL_ERR_INVALID, key, "not NUL-terminated within %zu bytes", size);
		return;
	}
	b_add(b, key, cJSON_CreateString(s));
}

/* Integers go through a double, as cJSON keeps them: exact below 2^53, which every
 * integer of the protocol is (HALL_PROTO_SEQ_MAX). A value out of range stays out of
 * range after rounding, so the decoder's check still refuses it. hall_json_print writes
 * them as integers, never through cJSON's "%1.15g". */
static void b_int(builder *b, const char *key, int64_t v)
{
	b_add(b, key, cJSON_CreateNumber((double)v));
}

static void b_bool(builder *b, const char *key, bool v)
{
	b_add(b, key, cJSON_CreateBool(v));
}

static void b_double(builder *b, const char *key, double v)
{
	if (!isfinite(v)) {
		if (b->rc == HALL_OK)
			b->rc = hall_error_set(b->err, HALL_ERR_INVALID, key, "expected a finite number");
		return;
	}
	b_add(b, key, cJSON_CreateNumber(v));
}

static void b_null(builder *b, const char *key)
{
	b_add(b, key, cJSON_CreateNull());
}

/* Finish: hand the object out, or free it and return the first error. */
static hall_err b_done(builder *b, cJSON **out)
{
	if (b->rc != HALL_OK) {
		cJSON_Delete(b->obj);
		*out = NULL;
		return b->rc;
	}
	*out = b->obj;
	return HALL_OK;
}

/* The encoder checks the text it is about to send, not only the tree: print, reparse,
 * read. That costs one parse of a small message and gives the encoder exactly the
 * decoder's view, printing included. */
/* Print a tree into a malloc'd string; hall_json_print keeps every integer exact. */
static hall_err print_tree(const cJSON *tree, char **out, size_t *out_len, hall_error *err)
{
	size_t n = 0;
	char *s = hall_json_print(tree, &n);
	if (!s)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	*out = s;
	*out_len = n;
	return HALL_OK;
}

typedef hall_err (*reader_fn)(const cJSON *root, void *msg, hall_error *err);
typedef hall_err (*writer_fn)(const void *msg, cJSON **out, hall_error *err);

/* Write, print, re-read with the decoder's rules (into scratch), hand out the text. */
static hall_err encode_with(writer_fn writer, reader_fn reader, const void *msg, void *scratch, size_t max, char **out,
                            size_t *out_len, hall_error *err)
{
	cJSON *tree = NULL;
	cJSON *check = NULL;
	char *text = NULL;
	size_t n = 0;
	*out = NULL;
	*out_len = 0;
	hall_err rc = writer(msg, &tree, err);
	if (rc == HALL_OK)
		rc = print_tree(tree, &text, &n, err);
	if (rc == HALL_OK)
		rc = parse_object(text, n, max, &check, err);
	if (rc == HALL_OK)
		rc = reader(check, scratch, err);
	if (rc == HALL_OK) {
		*out = text;
		*out_len = n;
		text = NULL;
	}
	free(text);
	cJSON_Delete(check);
	cJSON_Delete(tree);
	return rc;
}

static hall_err decode_with(reader_fn reader, const void *buf, size_t len, void *msg, hall_error *err)
{
	cJSON *root = NULL;
	hall_err rc = parse_object(buf, len, HALL_PROTO_JSON_MAX, &root, err);
	if (rc == HALL_OK)
		rc = reader(root, msg, err);
	cJSON_Delete(root);
	return rc;
}

/* The public decode and encode of a JSON message of type T, declared in protocol.h:
 * decoded through reader, encoded through writer and checked by reader on a scratch T.
 * One line a message, so every message is parsed, size-limited and self-checked alike
 * (poll results, whose scratch is too large for the stack, are written out below). */
#define JSON_MESSAGE(decode_fn, encode_fn, T, reader, writer)                                                   \
	hall_err decode_fn(const void *buf, size_t len, T *out, hall_error *err)                                     \
	{                                                                                                            \
		return decode_with(reader, buf, len, out, err);                                                          \
	}                                                                                                            \
	hall_err encode_fn(const T *msg, char **out, size_t *out_len, hall_error *err)                               \
	{                                                                                                            \
		T tmp;                                                                                                   \
		return encode_with(writer, reader, msg, &tmp, HALL_PROTO_JSON_MAX, out, out_len, err);                   \
	}

/* ------------------------------------------------------------------ events */

void hall_event_init(hall_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->session = -1;
	ev->dwell_ms = -1;
}

/* Fast paths for the event fields (serve decodes hundreds of thousands of events a
 * second): the hall_json_* readers format "path.key" before every read, which cost more
 * than the read. Each fast_* accepts only what its hall_json_* counterpart accepts, with
 * the same result, and hands every other case to that reader, so the rules and the error
 * text stay exactly those of hall/json.h. */
static hall_err fast_int(const cJSON *obj, const char *path, const char *key, bool required, int64_t min,
                         int64_t max, int64_t *out, hall_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!required && (!v || cJSON_IsNull(v)))
		return HALL_OK;
	if (v && cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (isfinite(d) && d == floor(d) && d >= (double)min && d <= (double)max && d < 0x1p63) {
			*out = (int64_t)d;
			return HALL_OK;
		}
	}
	return required ? hall_json_get_int(obj, path, key, min, max, out, err)
	                : hall_json_opt_int(obj, path, key, min, max, out, err);
}

/* A string field of at most max_len bytes; *out NULL when optional and absent. */
static hall_err fast_string(const cJSON *obj, const char *path, const char *key, bool required, size_t max_len,
                            const char **out, hall_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!required && (!v || cJSON_IsNull(v)))
		return HALL_OK;
	if (v && cJSON_IsString(v) && v->valuestring && strlen(v->valuestring) <= max_len) {
		*out = v->valuestring;
		return HALL_OK;
	}
	return required ? hall_json_get_string(obj, path, key, max_len, out, err)
	                : hall_json_opt_string(obj, path, key, max_len, out, err);
}

/* read_text through fast_string. */
static hall_err fast_text(const cJSON *obj, const char *path, const char *key, bool required, char *dst, size_t size,
                          hall_error *err)
{
	const char *s = NULL;
	hall_err rc = fast_string(obj, path, key, required, size - 1, &s, err);
	return rc != HALL_OK ? rc : copy_text(s, path, key, dst, size, err);
}

/* read_enum through fast_string. */
static hall_err fast_enum(const cJSON *obj, const char *path, const char *key, const char *const *names, size_t n,
                          int *out, hall_error *err)
{
	const char *s = NULL;
	if (fast_string(obj, path, key, true, 64, &s, err) == HALL_OK) {
		int i = index_of(names, n, s);
		if (i >= 0) {
			*out = i;
			return HALL_OK;
		}
	}
	return read_enum(obj, path, key, names, n, out, err);
}

hall_err hall_proto_event_from_json(const cJSON *obj, const char *path, const char *default_kiosk, hall_event *out,
                                    hall_error *err)
{
	hall_event_init(out);
	hall_err rc = hall_json_expect_object(obj, path, err);
	if (rc != HALL_OK)
		return rc;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(obj, "kiosk");
	if ((!k || cJSON_IsNull(k)) && default_kiosk) {
		if (hall_proto_copy(out->kiosk, sizeof out->kiosk, default_kiosk) != 0 || !hall_id_is_valid(default_kiosk))
			return field_error(err, path, "kiosk", "expected an id (1 to 64 of a-z 0-9 - _)");
	} else {
		rc = read_id(obj, path, "kiosk", true, out->kiosk, err);
		if (rc != HALL_OK)
			return rc;
		if (default_kiosk && strcmp(out->kiosk, default_kiosk) != 0)
			return field_error(err, path, "kiosk", "\"%s\" is not the sending kiosk \"%.64s\"", out->kiosk,
			                   default_kiosk);
	}
	int type = 0;
	if ((rc = fast_int(obj, path, "seq", true, 1, HALL_PROTO_SEQ_MAX, &out->seq, err)) != HALL_OK ||
	    (rc = fast_int(obj, path, "ts", true, HALL_PROTO_TS_MIN, HALL_PROTO_TS_MAX, &out->ts, err)) != HALL_OK ||
	    (rc = fast_enum(obj, path, "type", EVENT_NAMES, COUNT(EVENT_NAMES), &type, err)) != HALL_OK ||
	    (rc = fast_text(obj, path, "exhibit", true, out->exhibit, sizeof out->exhibit, err)) != HALL_OK ||
	    (rc = fast_text(obj, path, "target", true, out->target, sizeof out->target, err)) != HALL_OK ||
	    (rc = fast_int(obj, path, "session", false, 0, HALL_PROTO_SEQ_MAX, &out->session, err)) != HALL_OK ||
	    (rc = fast_int(obj, path, "dwell_ms", false, 0, HALL_PROTO_SEQ_MAX, &out->dwell_ms, err)) != HALL_OK ||
	    (rc = read_id(obj, path, "poll", false, out->poll, err)) != HALL_OK)
		return rc;
	out->type = (hall_event_type)type;
	const char *lang = NULL;
	if ((rc = fast_string(obj, path, "lang", false, 16, &lang, err)) != HALL_OK)
		return rc;
	if (lang) {
		hall_lang l;
		if (hall_lang_from_code(lang, &l) != 0)
			return field_error(err, path, "lang", "unknown language \"%s\" (expected ko|en|zh-Hans|zh-Hant|ja)", lang);
		hall_proto_copy(out->lang, sizeof out->lang, lang);
	}
	if (out->type == HALL_EVENT_VOTE && !out->poll[0])
		return field_error(err, path, "poll", "missing (a vote event names its poll)");
	return HALL_OK;
}

static hall_err event_write(const hall_event *ev, bool with_kiosk, cJSON **out, hall_error *err)
{
	builder b;
	b_init(&b, err);
	if (with_kiosk)
		b_str(&b, "kiosk", ev->kiosk, sizeof ev->kiosk);
	b_int(&b, "seq", ev->seq);
	b_int(&b, "ts", ev->ts);
	b_add(&b, "type", cJSON_CreateString(hall_event_type_name(ev->type)));
	b_str(&b, "exhibit", ev->exhibit, sizeof ev->exhibit);
	b_str(&b, "target", ev->target, sizeof ev->target);
	if (ev->session >= 0)
		b_int(&b, "session", ev->session);
	if (memchr(ev->lang, '\0', sizeof ev->lang) && ev->lang[0])
		b_str(&b, "lang", ev->lang, sizeof ev->lang);
	if (ev->dwell_ms >= 0)
		b_int(&b, "dwell_ms", ev->dwell_ms);
	if (memchr(ev->poll, '\0', sizeof ev->poll) && ev->poll[0])
		b_str(&b, "poll", ev->poll, sizeof ev->poll);
	return b_done(&b, out);
}

cJSON *hall_proto_event_to_json(const hall_event *ev, bool with_kiosk)
{
	cJSON *out = NULL;
	return event_write(ev, with_kiosk, &out, NULL) == HALL_OK ? out : NULL;
}

/* Validation of a struct by the decoder's rules: write, print, reparse, read. */
hall_err hall_proto_check_event(const hall_event *ev, const char *path, hall_error *err)
{
	cJSON *tree = NULL;
	cJSON *check = NULL;
	char *text = NULL;
	size_t n = 0;
	hall_event tmp;
	hall_err rc = event_write(ev, true, &tree, err);
	if (rc == HALL_OK)
		rc = print_tree(tree, &text, &n, err);
	if (rc == HALL_OK)
		rc = parse_object(text, n, HALL_PROTO_JSON_MAX, &check, err);
	if (rc == HALL_OK)
		rc = hall_proto_event_from_json(check, path ? path : "", NULL, &tmp, err);
	free(text);
	cJSON_Delete(check);
	cJSON_Delete(tree);
	return rc;
}

static hall_err event_reader(const cJSON *root, void *msg, hall_error *err)
{
	return hall_proto_event_from_json(root, "", NULL, msg, err);
}

static hall_err event_writer(const void *msg, cJSON **out, hall_error *err)
{
	return event_write(msg, true, out, err);
}

hall_err hall_proto_encode_event(const hall_event *ev, char **out, size_t *out_len, hall_error *err)
{
	hall_event tmp;
	return encode_with(event_writer, event_reader, ev, &tmp, HALL_PROTO_JSON_MAX, out, out_len, err);
}

hall_err hall_proto_encode_event_batch(const char *kiosk, const hall_event *evs, size_t n, char **out, size_t *out_len,
                                       hall_error *err)
{
	cJSON *root = NULL;
	cJSON *arr = NULL;
	*out = NULL;
	*out_len = 0;
	hall_err rc = HALL_OK;
	if (!kiosk || !hall_id_is_valid(kiosk))
		return hall_error_set(err, HALL_ERR_INVALID, "kiosk", "expected an id (1 to 64 of a-z 0-9 - _)");
	if (n < 1 || n > HALL_PROTO_BATCH_MAX)
		return hall_error_set(err, HALL_ERR_INVALID, "events", "expected 1..%d events, got %zu", HALL_PROTO_BATCH_MAX,
		                      n);
	root = cJSON_CreateObject();
	arr = cJSON_CreateArray();
	if (!root || !arr || !cJSON_AddStringToObject(root, "kiosk", kiosk)) {
		cJSON_Delete(arr);
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
		goto done;
	}
	cJSON_AddItemToObject(root, "events", arr);
	for (size_t i = 0; i < n && rc == HALL_OK; i++) {
		char p[PATH_LEN];
		hall_json_path_index(p, sizeof p, "events", (int)i);
		rc = hall_proto_check_event(&evs[i], p, err);
		if (rc == HALL_OK && strcmp(evs[i].kiosk, kiosk) != 0)
			rc = field_error(err, p, "kiosk", "\"%s\" is not the batch's kiosk \"%s\"", evs[i].kiosk, kiosk);
		cJSON *item = NULL;
		if (rc == HALL_OK)
			rc = event_write(&evs[i], false, &item, err);
		if (rc == HALL_OK && !cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
		}
	}
	if (rc == HALL_OK)
		rc = print_tree(root, out, out_len, err);
	if (rc == HALL_OK && *out_len > HALL_PROTO_JSON_MAX) {
		free(*out);
		*out = NULL;
		*out_len = 0;
		rc = hall_error_set(err, HALL_ERR_TOO_BIG, "events", "batch is larger than %u bytes", HALL_PROTO_JSON_MAX);
	}
done:
	cJSON_Delete(root);
	return rc;
}

/* ------------------------------------------------------------------ event batches without a tree
 *
 * serve decodes every event of a busy hall; building a cJSON tree per event (a node and
 * a string per field, each malloc'd, keys found by strcmp, numbers through strtod) was
 * most of its decoding time. fast_batch reads the plain form the kiosk writes, straight
 * into events, and gives up (returns false, having called nothing) on anything else:
 * escapes, control bytes, other white space, a sign, fraction, exponent or leading zero,
 * null, true, false, a nested value under an unknown key, a repeated key, "events"
 * before "kiosk", a field the tree reader would reject, and so on. The caller then
 * decodes the payload through the tree (hall_proto_decode_events_tree), so errors, their
 * paths and every edge case stay those of the tree reader; what fast_batch does accept,
 * the tree reader reads to the same bytes (tests/unit/test_protocol_events.c and the
 * fuzz replay compare the two). */
typedef struct jscan {
	const char *p, *end;
} jscan;

static void sk_ws(jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

static bool sk_char(jscan *s, char c)
{
	sk_ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* A string with no escape and no control byte (DEL included): [*str, *str + *len). */
static bool sk_string(jscan *s, const char **str, size_t *len)
{
	sk_ws(s);
	if (s->p >= s->end || *s->p != '"')
		return false;
	const char *a = ++s->p;
	for (; s->p < s->end; s->p++) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			*str = a;
			*len = (size_t)(s->p++ - a);
			return true;
		}
		if (c == '\\' || c < 0x20 || c == 0x7f)
			return false;
	}
	return false;
}

/* An integer in min..max (min >= 0) written plainly: "0", or a digit 1-9 and at most 15
 * more, not followed by a character cJSON would take into the number. strtod reads such
 * a number exactly (below 2^53), so it is the value fast_int would read. */
static bool sk_int(jscan *s, int64_t min, int64_t max, int64_t *out)
{
	sk_ws(s);
	const char *a = s->p;
	int64_t v = 0;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9' && s->p - a < 16)
		v = v * 10 + (*s->p++ - '0');
	size_t n = (size_t)(s->p - a);
	if (n == 0 || (n > 1 && *a == '0') || v < min || v > max)
		return false;
	char c = s->p < s->end ? *s->p : ' ';
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E')
		return false;
	*out = v;
	return true;
}

/* A string field into dst[size] (at most size - 1 bytes, as fast_text). */
static bool sk_text(jscan *s, char *dst, size_t size)
{
	const char *v;
	size_t n;
	if (!sk_string(s, &v, &n) || n >= size)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

/* An id field into dst[HALL_ID_BUF] (as read_id). */
static bool sk_id(jscan *s, char *dst)
{
	return sk_text(s, dst, HALL_ID_BUF) && hall_id_is_valid(dst);
}

enum {
	FK_KIOSK = 1 << 0, FK_SEQ = 1 << 1, FK_TS = 1 << 2, FK_TYPE = 1 << 3, FK_EXHIBIT = 1 << 4,
	FK_TARGET = 1 << 5, FK_SESSION = 1 << 6, FK_LANG = 1 << 7, FK_DWELL = 1 << 8, FK_POLL = 1 << 9,
	FK_OTHER = 1 << 10, /* a key events do not have: its value is skipped */
};

static const char *const EVENT_KEYS[] = {"kiosk", "seq", "ts", "type", "exhibit", "target",
                                          "session", "lang", "dwell_ms", "poll"};

static unsigned event_key(const char *k, size_t n)
{
	for (size_t i = 0; i < COUNT(EVENT_KEYS); i++)
		if (strlen(EVENT_KEYS[i]) == n && memcmp(EVENT_KEYS[i], k, n) == 0)
			return 1u << i;
	return FK_OTHER;
}

/* The value of a key nobody reads: only a plain string or integer is skipped. */
static bool sk_skip(jscan *s)
{
	const char *v;
	size_t n;
	int64_t i;
	jscan t = *s;
	if (sk_string(&t, &v, &n)) {
		*s = t;
		return true;
	}
	return sk_int(s, 0, HALL_PROTO_SEQ_MAX, &i);
}

/* One field of an event object; false to give up. */
static bool fast_field(jscan *s, unsigned key, const char *kiosk, hall_event *out)
{
	char tmp[HALL_ID_BUF];
	switch (key) {
	case FK_KIOSK:
		return sk_id(s, tmp) && strcmp(tmp, kiosk) == 0;
	case FK_SEQ:
		return sk_int(s, 1, HALL_PROTO_SEQ_MAX, &out->seq);
	case FK_TS:
		return sk_int(s, HALL_PROTO_TS_MIN, HALL_PROTO_TS_MAX, &out->ts);
	case FK_SESSION:
		return sk_int(s, 0, HALL_PROTO_SEQ_MAX, &out->session);
	case FK_DWELL:
		return sk_int(s, 0, HALL_PROTO_SEQ_MAX, &out->dwell_ms);
	case FK_EXHIBIT:
		return sk_text(s, out->exhibit, sizeof out->exhibit);
	case FK_TARGET:
		return sk_text(s, out->target, sizeof out->target);
	case FK_POLL:
		return sk_id(s, out->poll);
	case FK_LANG:
		return sk_text(s, tmp, sizeof out->lang) && hall_lang_from_code(tmp, NULL) == 0 &&
		       hall_proto_copy(out->lang, sizeof out->lang, tmp) == 0;
	case FK_TYPE: {
		int i = sk_text(s, tmp, sizeof tmp) ? index_of(EVENT_NAMES, COUNT(EVENT_NAMES), tmp) : -1;
		out->type = (hall_event_type)(i < 0 ? 0 : i);
		return i >= 0;
	}
	default:
		return sk_skip(s);
	}
}

/* One event object of a batch from `kiosk`, valid by hall_proto_event_from_json's rules. */
static bool fast_event(jscan *s, const char *kiosk, hall_event *out)
{
	unsigned seen = 0;
	hall_event_init(out);
	if (!sk_char(s, '{'))
		return false;
	do {
		const char *k;
		size_t n;
		if (!sk_string(s, &k, &n) || !sk_char(s, ':'))
			return false;
		unsigned key = event_key(k, n);
		if ((seen & key & ~(unsigned)FK_OTHER) || !fast_field(s, key, kiosk, out))
			return false;
		seen |= key;
	} while (sk_char(s, ','));
	const unsigned required = FK_SEQ | FK_TS | FK_TYPE | FK_EXHIBIT | FK_TARGET;
	if (!sk_char(s, '}') || (seen & required) != required || (out->type == HALL_EVENT_VOTE && !out->poll[0]))
		return false;
	memcpy(out->kiosk, kiosk, HALL_ID_BUF);
	return true;
}

/* The events of a plain, valid batch {"kiosk":..,"events":[...]} into a malloc'd *evs
 * (*n of them; may be NULL when none); false, with nothing allocated, to give up. */
static bool fast_batch(const char *buf, size_t len, const char *expected_kiosk, hall_event **evs, size_t *n)
{
	jscan s = {buf, buf + len};
	char kiosk[HALL_ID_BUF] = "";
	hall_event *v = NULL;
	size_t count = 0, cap = 0;
	bool has_events = false;
	*evs = NULL;
	*n = 0;
	if (len == 0 || len > HALL_PROTO_JSON_MAX || !sk_char(&s, '{'))
		return false;
	do {
		const char *k;
		size_t kn;
		if (!sk_string(&s, &k, &kn) || !sk_char(&s, ':'))
			goto give_up;
		if (kn == 5 && memcmp(k, "kiosk", 5) == 0) {
			if (kiosk[0] || has_events || !sk_id(&s, kiosk) ||
			    (expected_kiosk && strcmp(kiosk, expected_kiosk) != 0))
				goto give_up;
		} else if (kn == 6 && memcmp(k, "events", 6) == 0) {
			if (has_events || !kiosk[0] || !sk_char(&s, '['))
				goto give_up;
			has_events = true;
			if (sk_char(&s, ']'))
				continue;
			do {
				if (count == HALL_PROTO_BATCH_MAX)
					goto give_up;
				if (count == cap) {
					cap = cap ? 2 * cap : 128;
					hall_event *w = realloc(v, cap * sizeof *w);
					if (!w)
						goto give_up;
					v = w;
				}
				if (!fast_event(&s, kiosk, &v[count++]))
					goto give_up;
			} while (sk_char(&s, ','));
			if (!sk_char(&s, ']'))
				goto give_up;
		} else if (!sk_skip(&s)) {
			goto give_up;
		}
	} while (sk_char(&s, ','));
	if (!sk_char(&s, '}') || !has_events)
		goto give_up;
	sk_ws(&s);
	if (s.p != s.end && !(s.p == s.end - 1 && *s.p == '\0'))
		goto give_up;
	*evs = v;
	*n = count;
	return true;
give_up:
	free(v);
	return false;
}

hall_err hall_proto_decode_events(const void *buf, size_t len, const char *expected_kiosk, hall_event_cb cb,
                                  void *user, size_t *n_ok, size_t *n_bad, hall_error *err)
{
	hall_event *evs = NULL;
	size_t n = 0;
	if (!buf || !fast_batch(buf, len, expected_kiosk, &evs, &n))
		return hall_proto_decode_events_tree(buf, len, expected_kiosk, cb, user, n_ok, n_bad, err);
	for (size_t i = 0; cb && i < n; i++)
		cb(user, i, &evs[i], NULL);
	free(evs);
	if (n_ok)
		*n_ok = n;
	if (n_bad)
		*n_bad = 0;
	return HALL_OK;
}

hall_err hall_proto_decode_events_tree(const void *buf, size_t len, const char *expected_kiosk, hall_event_cb cb,
                                       void *user, size_t *n_ok, size_t *n_bad, hall_error *err)
{
	cJSON *root = NULL;
	size_t ok = 0, bad = 0;
	hall_event ev;
	hall_err rc = parse_object(buf, len, HALL_PROTO_JSON_MAX, &root, err);
	if (rc != HALL_OK)
		goto done;
	const cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
	if (!events) {
		/* One event on its own. */
		rc = hall_proto_event_from_json(root, "", NULL, &ev, err);
		if (rc == HALL_OK && expected_kiosk && strcmp(ev.kiosk, expected_kiosk) != 0)
			rc = field_error(err, "", "kiosk", "\"%s\" is not the sending kiosk \"%.64s\"", ev.kiosk, expected_kiosk);
		if (rc == HALL_OK) {
			ok = 1;
			if (cb)
				cb(user, 0, &ev, NULL);
		}
		goto done;
	}
	char kiosk[HALL_ID_BUF];
	if ((rc = read_id(root, "", "kiosk", true, kiosk, err)) != HALL_OK)
		goto done;
	if (expected_kiosk && strcmp(kiosk, expected_kiosk) != 0) {
		rc = field_error(err, "", "kiosk", "\"%s\" is not the sending kiosk \"%.64s\"", kiosk, expected_kiosk);
		goto done;
	}
	if (!cJSON_IsArray(events)) {
		rc = field_error(err, "", "events", "expected an array of events");
		goto done;
	}
	int count = cJSON_GetArraySize(events);
	if (count > HALL_PROTO_BATCH_MAX) {
		rc = field_error(err, "", "events", "%d events, more than the limit of %d", count, HALL_PROTO_BATCH_MAX);
		goto done;
	}
	int i = 0;
	for (const cJSON *item = events->child; item; item = item->next, i++) {
		/* The path ("events[3]") is formatted only for a rejected event: decoding is
		 * deterministic, so the second read gives the same verdict, now with its path. */
		if (hall_proto_event_from_json(item, "events[]", kiosk, &ev, NULL) == HALL_OK) {
			ok++;
			if (cb)
				cb(user, (size_t)i, &ev, NULL);
		} else {
			char p[PATH_LEN];
			hall_error ev_err;
			memset(&ev_err, 0, sizeof ev_err);
			hall_json_path_index(p, sizeof p, "events", i);
			hall_proto_event_from_json(item, p, kiosk, &ev, &ev_err);
			bad++;
			if (cb)
				cb(user, (size_t)i, NULL, &ev_err);
		}
	}
done:
	if (n_ok)
		*n_ok = ok;
	if (n_bad)
		*n_bad = bad;
	cJSON_Delete(root);
	return rc;
}

static void batch_cb(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	hall_event_batch *b = user;
	if (index >= b->count)
		return; /* cannot happen: items sized to the array */
	hall_event_result *r = &b->items[index];
	if (ev) {
		r->rc = HALL_OK;
		r->ev = *ev;
		b->n_ok++;
	} else {
		r->rc = HALL_ERR_INVALID;
		r->error = *ev_err;
		hall_event_init(&r->ev);
		b->n_bad++;
	}
}

hall_err hall_proto_decode_event_batch(const void *buf, size_t len, const char *expected_kiosk, hall_event_batch *out,
                                       hall_error *err)
{
	memset(out, 0, sizeof *out);
	/* Size the array before decoding: one parse to count, then the real pass. The
	 * payload is at most 1 MiB, so the second parse is cheap next to a broker round trip. */
	cJSON *root = NULL;
	hall_err rc = parse_object(buf, len, HALL_PROTO_JSON_MAX, &root, err);
	if (rc != HALL_OK)
		return rc;
	const cJSON *events = cJSON_GetObjectItemCaseSensitive(root, "events");
	int count = events ? (cJSON_IsArray(events) ? cJSON_GetArraySize(events) : 0) : 1;
	cJSON_Delete(root);
	if (count > HALL_PROTO_BATCH_MAX)
		count = HALL_PROTO_BATCH_MAX; /* decode_events refuses it below */
	if (count > 0) {
		out->items = calloc((size_t)count, sizeof *out->items);
		if (!out->items)
			return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	out->count = (size_t)count;
	rc = hall_proto_decode_events(buf, len, expected_kiosk, batch_cb, out, NULL, NULL, err);
	if (rc != HALL_OK)
		hall_event_batch_free(out);
	return rc;
}

void hall_event_batch_free(hall_event_batch *batch)
{
	if (!batch)
		return;
	free(batch->items);
	memset(batch, 0, sizeof *batch);
}

/* ------------------------------------------------------------------ showing */

static const char *const SHOWING_SCOPES[] = {"all", "group", "kiosk", "default"};

/* The optional "showing" object; absent or null leaves out->scope "". */
static hall_err read_showing(const cJSON *root, hall_showing *out, hall_error *err)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "showing");
	int scope = 0;
	hall_err rc;
	memset(out, 0, sizeof *out);
	if (!o || cJSON_IsNull(o))
		return HALL_OK;
	if (!cJSON_IsObject(o))
		return field_error(err, "", "showing", "expected an object {\"scope\",\"version\",\"pack\"}");
	if ((rc = read_enum(o, "showing", "scope", SHOWING_SCOPES, COUNT(SHOWING_SCOPES), &scope, err)) != HALL_OK ||
	    (rc = hall_json_get_int(o, "showing", "version", 0, HALL_PROTO_SEQ_MAX, &out->version, err)) != HALL_OK ||
	    (rc = read_text(o, "showing", "pack", false, out->pack, sizeof out->pack, err)) != HALL_OK)
		return rc;
	hall_proto_copy(out->scope, sizeof out->scope, SHOWING_SCOPES[scope]);
	return HALL_OK;
}

static void write_showing(builder *b, const hall_showing *sh)
{
	if (b->rc != HALL_OK || !memchr(sh->scope, '\0', sizeof sh->scope) || !sh->scope[0])
		return;
	cJSON *o = cJSON_CreateObject();
	if (o && (!cJSON_AddStringToObject(o, "scope", sh->scope) ||
	          !cJSON_AddNumberToObject(o, "version", (double)sh->version) ||
	          !memchr(sh->pack, '\0', sizeof sh->pack) || !cJSON_AddStringToObject(o, "pack", sh->pack))) {
		cJSON_Delete(o);
		o = NULL;
	}
	b_add(b, "showing", o);
}

/* ------------------------------------------------------------------ hello */

/* An optional one-line text field of hello and status ("last_error", "broker"): "" when
 * absent. */
static hall_err read_opt_line(const cJSON *root, const char *key, size_t max, char *out, size_t size, hall_error *err)
{
	const char *le = NULL;
	hall_err rc = hall_json_opt_string(root, "", key, max, &le, err);
	if (rc != HALL_OK || !le)
		return rc;
	if (has_control(le, 0))
		return field_error(err, "", key, "expected text without control characters");
	hall_proto_copy(out, size, le);
	return HALL_OK;
}

static hall_err read_last_error(const cJSON *root, char *out, size_t size, hall_error *err)
{
	return read_opt_line(root, "last_error", HALL_PROTO_ERROR_MAX, out, size, err);
}

static hall_err read_broker(const cJSON *root, char *out, size_t size, hall_error *err)
{
	return read_opt_line(root, "broker", HALL_PROTO_BROKER_MAX, out, size, err);
}

static hall_err hello_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_hello *h = msg;
	memset(h, 0, sizeof *h);
	hall_err rc;
	if ((rc = read_id(root, "", "kiosk", true, h->kiosk, err)) != HALL_OK ||
	    (rc = read_id(root, "", "group", true, h->group, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &h->ts, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "boot_ts", &h->boot_ts, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "content_version", 0, HALL_PROTO_SEQ_MAX, &h->content_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_get_int(root, "", "schedule_version", 0, HALL_PROTO_SEQ_MAX, &h->schedule_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_get_int(root, "", "notice_version", 0, HALL_PROTO_SEQ_MAX, &h->notice_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_get_int(root, "", "seq_max", 0, HALL_PROTO_SEQ_MAX, &h->seq_max, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "spool_first", 1, HALL_PROTO_SEQ_MAX + 1, &h->spool_first, err)) !=
	        HALL_OK ||
	    (rc = read_text(root, "", "app", false, h->app, sizeof h->app, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "unrecorded", 0, HALL_PROTO_SEQ_MAX, &h->unrecorded, err)) != HALL_OK ||
	    (rc = read_last_error(root, h->last_error, sizeof h->last_error, err)) != HALL_OK ||
	    (rc = read_showing(root, &h->showing, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "version_max", 0, HALL_PROTO_SEQ_MAX, &h->version_max, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "rejected_unsigned", 0, HALL_PROTO_SEQ_MAX, &h->rejected_unsigned, err)) !=
	        HALL_OK ||
	    (rc = read_broker(root, h->broker, sizeof h->broker, err)) != HALL_OK)
		return rc;
	if (h->spool_first > h->seq_max + 1)
		return field_error(err, "", "spool_first", "%" PRId64 " is above seq_max + 1 (%" PRId64 ")", h->spool_first,
		                   h->seq_max + 1);
	return HALL_OK;
}

static hall_err hello_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_hello *h = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "kiosk", h->kiosk, sizeof h->kiosk);
	b_str(&b, "group", h->group, sizeof h->group);
	b_int(&b, "ts", h->ts);
	b_int(&b, "boot_ts", h->boot_ts);
	b_int(&b, "content_version", h->content_version);
	b_int(&b, "schedule_version", h->schedule_version);
	b_int(&b, "notice_version", h->notice_version);
	b_int(&b, "seq_max", h->seq_max);
	b_int(&b, "spool_first", h->spool_first);
	b_str(&b, "app", h->app, sizeof h->app);
	b_int(&b, "unrecorded", h->unrecorded);
	b_str(&b, "last_error", h->last_error, sizeof h->last_error);
	write_showing(&b, &h->showing);
	b_int(&b, "version_max", h->version_max);
	b_int(&b, "rejected_unsigned", h->rejected_unsigned);
	if (h->broker[0])
		b_str(&b, "broker", h->broker, sizeof h->broker);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_hello, hall_proto_encode_hello, hall_hello, hello_reader, hello_writer)

/* ------------------------------------------------------------------ status */

static hall_err status_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_status *s = msg;
	memset(s, 0, sizeof *s);
	hall_err rc;
	if ((rc = read_id(root, "", "kiosk", true, s->kiosk, err)) != HALL_OK ||
	    (rc = hall_json_get_bool(root, "", "online", &s->online, err)) != HALL_OK)
		return rc;
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "ts");
	if (!ts || cJSON_IsNull(ts)) {
		/* The Will form: only kiosk and online. An online status must be full. */
		if (s->online)
			return field_error(err, "", "ts", "missing (an online status carries every field)");
		return HALL_OK;
	}
	s->full = true;
	if ((rc = read_id(root, "", "group", true, s->group, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &s->ts, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "uptime_s", 0, HALL_PROTO_SEQ_MAX, &s->uptime_s, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "content_version", 0, HALL_PROTO_SEQ_MAX, &s->content_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_get_int(root, "", "schedule_version", 0, HALL_PROTO_SEQ_MAX, &s->schedule_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "notice_version", 0, HALL_PROTO_SEQ_MAX, &s->notice_version, err)) !=
	        HALL_OK ||
	    (rc = hall_json_opt_double(root, "", "fps", 0.0, 1000.0, &s->fps, err)) != HALL_OK ||
	    (rc = hall_json_opt_double(root, "", "frame_p99_ms", 0.0, 60000.0, &s->frame_p99_ms, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "seq_max", 0, HALL_PROTO_SEQ_MAX, &s->seq_max, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "unrecorded", 0, HALL_PROTO_SEQ_MAX, &s->unrecorded, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "version_max", 0, HALL_PROTO_SEQ_MAX, &s->version_max, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "rejected_unsigned", 0, HALL_PROTO_SEQ_MAX, &s->rejected_unsigned, err)) !=
	        HALL_OK)
		return rc;
	if ((rc = read_last_error(root, s->last_error, sizeof s->last_error, err)) != HALL_OK ||
	    (rc = read_broker(root, s->broker, sizeof s->broker, err)) != HALL_OK)
		return rc;
	return read_showing(root, &s->showing, err);
}

static hall_err status_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_status *s = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "kiosk", s->kiosk, sizeof s->kiosk);
	if (s->full) {
		b_str(&b, "group", s->group, sizeof s->group);
		b_bool(&b, "online", s->online);
		b_int(&b, "ts", s->ts);
		b_int(&b, "uptime_s", s->uptime_s);
		b_int(&b, "content_version", s->content_version);
		b_int(&b, "schedule_version", s->schedule_version);
		b_int(&b, "notice_version", s->notice_version);
		b_double(&b, "fps", s->fps);
		if (s->frame_p99_ms > 0) /* console helper: render health, once measured */
			b_double(&b, "frame_p99_ms", s->frame_p99_ms);
		b_int(&b, "seq_max", s->seq_max);
		b_str(&b, "last_error", s->last_error, sizeof s->last_error);
		b_int(&b, "unrecorded", s->unrecorded);
		write_showing(&b, &s->showing);
		b_int(&b, "version_max", s->version_max);
		b_int(&b, "rejected_unsigned", s->rejected_unsigned);
		if (s->broker[0])
			b_str(&b, "broker", s->broker, sizeof s->broker);
	} else {
		b_bool(&b, "online", s->online);
	}
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_status, hall_proto_encode_status, hall_status, status_reader, status_writer)

hall_err hall_proto_encode_will(const char *kiosk, char **out, size_t *out_len, hall_error *err)
{
	hall_status s;
	memset(&s, 0, sizeof s);
	if (hall_proto_copy(s.kiosk, sizeof s.kiosk, kiosk) != 0 || !hall_id_is_valid(kiosk)) {
		*out = NULL;
		*out_len = 0;
		return hall_error_set(err, HALL_ERR_INVALID, "kiosk", "expected an id (1 to 64 of a-z 0-9 - _)");
	}
	return hall_proto_encode_status(&s, out, out_len, err);
}

/* ------------------------------------------------------------------ ack */

static hall_err ack_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_ack *a = msg;
	memset(a, 0, sizeof *a);
	a->version = -1;
	int kind = 0, result = 0;
	hall_err rc;
	if ((rc = read_id(root, "", "kiosk", true, a->kiosk, err)) != HALL_OK ||
	    (rc = read_enum(root, "", "kind", ACK_KIND_NAMES, COUNT(ACK_KIND_NAMES), &kind, err)) != HALL_OK ||
	    (rc = read_enum(root, "", "result", ACK_RESULT_NAMES, COUNT(ACK_RESULT_NAMES), &result, err)) != HALL_OK)
		return rc;
	a->kind = (hall_ack_kind)kind;
	a->result = (hall_ack_result)result;
	if (a->kind == HALL_ACK_COMMAND) {
		if ((rc = read_id(root, "", "id", true, a->id, err)) != HALL_OK)
			return rc;
		if (a->result != HALL_ACK_DONE && a->result != HALL_ACK_FAILED)
			return field_error(err, "", "result", "a command is answered with done|failed, got \"%s\"",
			                   hall_ack_result_name(a->result));
	} else if (a->kind == HALL_ACK_CONFIRM || a->kind == HALL_ACK_POLL) {
		/* Only ever a refusal (a confirm or poll result that is not the controller's). */
		if ((rc = read_id(root, "", "id", false, a->id, err)) != HALL_OK)
			return rc;
		if (a->result != HALL_ACK_REJECTED)
			return field_error(err, "", "result", "%s is answered with rejected only, got \"%s\"",
			                   hall_ack_kind_name(a->kind), hall_ack_result_name(a->result));
	} else {
		if ((rc = hall_json_get_int(root, "", "version", 1, HALL_PROTO_SEQ_MAX, &a->version, err)) != HALL_OK)
			return rc;
		if (a->result == HALL_ACK_DEFERRED && a->kind != HALL_ACK_CONTENT)
			return field_error(err, "", "result", "only content is answered with deferred, not %s",
			                   hall_ack_kind_name(a->kind));
		if (a->result != HALL_ACK_APPLIED && a->result != HALL_ACK_REJECTED && a->result != HALL_ACK_DEFERRED)
			return field_error(err, "", "result", "%s is answered with applied|rejected%s, got \"%s\"",
			                   hall_ack_kind_name(a->kind), a->kind == HALL_ACK_CONTENT ? "|deferred" : "",
			                   hall_ack_result_name(a->result));
		const char *scope = NULL;
		if ((rc = hall_json_opt_string(root, "", "scope", sizeof a->scope - 1, &scope, err)) != HALL_OK)
			return rc;
		if (scope) {
			hall_scope sc;
			if (hall_scope_parse(scope, &sc) != 0)
				return field_error(err, "", "scope", "expected all|group:<group>|kiosk:<id>");
			hall_proto_copy(a->scope, sizeof a->scope, scope);
		}
		if (a->kind == HALL_ACK_CONTENT && (rc = read_showing(root, &a->showing, err)) != HALL_OK)
			return rc;
	}
	const char *reason = NULL;
	if ((rc = hall_json_opt_string(root, "", "reason", HALL_PROTO_REASON_MAX, &reason, err)) != HALL_OK)
		return rc;
	if (reason) {
		if (has_control(reason, 0))
			return field_error(err, "", "reason", "expected text without control characters");
		hall_proto_copy(a->reason, sizeof a->reason, reason);
	}
	/* deferred: the reason says why (non-empty) and `until` by when it applies at the latest. */
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(root, "until");
	bool has_until = until && !cJSON_IsNull(until);
	if (a->result == HALL_ACK_DEFERRED) {
		if (!a->reason[0])
			return field_error(err, "", "reason", "a deferred ack says why (e.g. \"session\")");
		if ((rc = hall_json_get_int(root, "", "until", HALL_PROTO_TS_MIN, HALL_PROTO_TS_MAX, &a->until, err)) !=
		    HALL_OK)
			return rc;
	} else if (has_until) {
		return field_error(err, "", "until", "only a deferred ack carries until, this one is %s",
		                   hall_ack_result_name(a->result));
	}
	return HALL_OK;
}

static hall_err ack_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_ack *a = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "kiosk", a->kiosk, sizeof a->kiosk);
	b_add(&b, "kind", cJSON_CreateString(hall_ack_kind_name(a->kind)));
	if (a->kind == HALL_ACK_COMMAND) {
		b_str(&b, "id", a->id, sizeof a->id);
	} else if (a->kind == HALL_ACK_CONFIRM || a->kind == HALL_ACK_POLL) {
		if (a->id[0])
			b_str(&b, "id", a->id, sizeof a->id);
	} else {
		if (memchr(a->scope, '\0', sizeof a->scope) && a->scope[0])
			b_str(&b, "scope", a->scope, sizeof a->scope);
		b_int(&b, "version", a->version);
	}
	b_add(&b, "result", cJSON_CreateString(hall_ack_result_name(a->result)));
	b_str(&b, "reason", a->reason, sizeof a->reason);
	if (a->result == HALL_ACK_DEFERRED)
		b_int(&b, "until", a->until);
	if (a->kind == HALL_ACK_CONTENT)
		write_showing(&b, &a->showing);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_ack, hall_proto_encode_ack, hall_ack, ack_reader, ack_writer)

/* ------------------------------------------------------------------ help */

static hall_err help_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_help *h = msg;
	memset(h, 0, sizeof *h);
	h->session = -1;
	hall_err rc;
	if ((rc = read_id(root, "", "kiosk", true, h->kiosk, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &h->ts, err)) != HALL_OK ||
	    (rc = read_text(root, "", "exhibit", true, h->exhibit, sizeof h->exhibit, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "session", 0, HALL_PROTO_SEQ_MAX, &h->session, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(root, "", "call", 1, HALL_PROTO_SEQ_MAX, &h->call, err)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err help_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_help *h = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "kiosk", h->kiosk, sizeof h->kiosk);
	b_int(&b, "ts", h->ts);
	b_str(&b, "exhibit", h->exhibit, sizeof h->exhibit);
	if (h->session >= 0)
		b_int(&b, "session", h->session);
	if (h->call > 0)
		b_int(&b, "call", h->call);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_help, hall_proto_encode_help, hall_help, help_reader, help_writer)

/* ------------------------------------------------------------------ help-ack */

static hall_err help_ack_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_help_ack *a = msg;
	memset(a, 0, sizeof *a);
	hall_err rc;
	if ((rc = hall_json_get_int(root, "", "call", 1, HALL_PROTO_SEQ_MAX, &a->call, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &a->ts, err)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err help_ack_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_help_ack *a = msg;
	builder b;
	b_init(&b, err);
	b_int(&b, "call", a->call);
	b_int(&b, "ts", a->ts);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_help_ack, hall_proto_encode_help_ack, hall_help_ack, help_ack_reader,
             help_ack_writer)

/* ------------------------------------------------------------------ fetch */

static hall_err fetch_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_fetch *f = msg;
	memset(f, 0, sizeof *f);
	hall_err rc;
	if ((rc = read_sha(root, "", "sha256", f->sha256, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "offset", 0, HALL_PROTO_ASSET_SIZE_MAX, &f->offset, err)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err fetch_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_fetch *f = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "sha256", f->sha256, sizeof f->sha256);
	b_int(&b, "offset", f->offset);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_fetch, hall_proto_encode_fetch, hall_fetch, fetch_reader, fetch_writer)

/* ------------------------------------------------------------------ binary framing */

/* Split header line and data; parse the header. *header is the caller's to delete. */
static hall_err split_binary(const void *buf, size_t len, size_t max_data, cJSON **header, const uint8_t **data,
                             size_t *dlen, hall_error *err)
{
	*header = NULL;
	if (!buf || len == 0)
		return hall_error_set(err, HALL_ERR_INVALID, "(header)", "empty payload");
	if (len > HALL_PROTO_HEADER_MAX + 1 + max_data)
		return hall_error_set(err, HALL_ERR_TOO_BIG, "(data)", "payload is %zu bytes, more than the limit of %zu", len,
		                      HALL_PROTO_HEADER_MAX + 1 + max_data);
	const char *p = buf;
	size_t scan = len < HALL_PROTO_HEADER_MAX + 1 ? len : HALL_PROTO_HEADER_MAX + 1;
	const char *nl = memchr(p, '\n', scan);
	if (!nl)
		return hall_error_set(err, HALL_ERR_INVALID, "(header)",
		                      "expected a JSON header line of at most %u bytes, then a newline", HALL_PROTO_HEADER_MAX);
	size_t hlen = (size_t)(nl - p);
	size_t rest = len - hlen - 1;
	if (rest > max_data)
		return hall_error_set(err, HALL_ERR_TOO_BIG, "(data)", "%zu bytes after the header, more than the limit of %zu",
		                      rest, max_data);
	hall_err rc = parse_object(p, hlen, HALL_PROTO_HEADER_MAX, header, err);
	if (rc != HALL_OK)
		return rc;
	*data = rest ? (const uint8_t *)(nl + 1) : NULL;
	*dlen = rest;
	return HALL_OK;
}

/* Print the header, check it with the decoder's reader (over the reparsed text), then
 * header + '\n' + data into one malloc'd buffer. */
typedef hall_err (*header_reader_fn)(const cJSON *root, void *msg, size_t dlen, hall_error *err);

static hall_err join_binary(const cJSON *header, header_reader_fn reader, void *scratch, const void *data, size_t dlen,
                            char **out, size_t *out_len, hall_error *err)
{
	size_t hlen = 0;
	cJSON *check = NULL;
	char *buf = NULL;
	char *h = NULL;
	hall_err rc = print_tree(header, &h, &hlen, err);
	if (rc == HALL_OK)
		rc = parse_object(h, hlen, HALL_PROTO_HEADER_MAX, &check, err);
	if (rc == HALL_OK)
		rc = reader(check, scratch, dlen, err);
	if (rc == HALL_OK) {
		buf = malloc(hlen + 1 + dlen + 1);
		if (!buf)
			rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	if (rc == HALL_OK) {
		memcpy(buf, h, hlen);
		buf[hlen] = '\n';
		if (dlen)
			memcpy(buf + hlen + 1, data, dlen);
		buf[hlen + 1 + dlen] = '\0';
		*out = buf;
		*out_len = hlen + 1 + dlen;
	}
	cJSON_Delete(check);
	free(h);
	return rc;
}

/* Decode a header line + data: split, read the header into msg, hand back where the data
 * starts (it points into buf). Shared by every binary message. */
static hall_err decode_binary(const void *buf, size_t len, size_t max_data, header_reader_fn reader, void *msg,
                              const uint8_t **data, hall_error *err)
{
	cJSON *header = NULL;
	size_t dlen = 0;
	*data = NULL;
	hall_err rc = split_binary(buf, len, max_data, &header, data, &dlen, err);
	if (rc == HALL_OK)
		rc = reader(header, msg, dlen, err);
	if (rc != HALL_OK)
		*data = NULL;
	cJSON_Delete(header);
	return rc;
}

/* Finish the header a builder made and join it with the data (checked by reader first). */
static hall_err encode_binary(builder *b, header_reader_fn reader, void *scratch, const void *data, size_t dlen,
                              char **out, size_t *out_len, hall_error *err)
{
	cJSON *header = NULL;
	hall_err rc = b_done(b, &header);
	if (rc == HALL_OK)
		rc = join_binary(header, reader, scratch, data, dlen, out, out_len, err);
	cJSON_Delete(header);
	return rc;
}

/* Before a binary message is encoded: *out cleared, and its data checked: at most max
 * bytes (else `over`, on the header field that gives the length, against the `limit`
 * named), and not NULL unless empty. */
static hall_err check_binary_data(const void *data, size_t dlen, size_t max, hall_err over, const char *field,
                                  const char *limit, char **out, size_t *out_len, hall_error *err)
{
	*out = NULL;
	*out_len = 0;
	if (dlen > max)
		return hall_error_set(err, over, field, "%zu bytes, more than the %s of %zu", dlen, limit, max);
	if (dlen && !data)
		return hall_error_set(err, HALL_ERR_INVALID, "data", "NULL with %s %zu", field, dlen);
	return HALL_OK;
}

static hall_err chunk_header_reader(const cJSON *root, void *msg, size_t dlen, hall_error *err)
{
	hall_asset_chunk *c = msg;
	int64_t n = 0;
	hall_err rc;
	if ((rc = read_sha(root, "", "sha256", c->sha256, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "size", 0, HALL_PROTO_ASSET_SIZE_MAX, &c->size, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "offset", 0, c->size, &c->offset, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "len", 0, HALL_PROTO_CHUNK_MAX, &n, err)) != HALL_OK)
		return rc;
	if ((uint64_t)n != (uint64_t)dlen)
		return field_error(err, "", "len", "%" PRId64 " does not match the %zu bytes after the header", n, dlen);
	if (c->offset + n > c->size)
		return field_error(err, "", "len", "offset %" PRId64 " + len %" PRId64 " is past the size %" PRId64, c->offset,
		                   n, c->size);
	if (n == 0 && c->offset != c->size)
		return field_error(err, "", "len", "an empty chunk is only sent at the end of the asset");
	c->len = (size_t)n;
	return HALL_OK;
}

hall_err hall_proto_decode_asset_chunk(const void *buf, size_t len, hall_asset_chunk *out, hall_error *err)
{
	memset(out, 0, sizeof *out);
	return decode_binary(buf, len, HALL_PROTO_CHUNK_MAX, chunk_header_reader, out, &out->data, err);
}

hall_err hall_proto_encode_asset_chunk(const hall_asset_chunk *chunk, char **out, size_t *out_len, hall_error *err)
{
	hall_err rc = check_binary_data(chunk->data, chunk->len, HALL_PROTO_CHUNK_MAX, HALL_ERR_INVALID, "len",
	                                "chunk limit", out, out_len, err);
	if (rc != HALL_OK)
		return rc;
	builder b;
	hall_asset_chunk tmp;
	memset(&tmp, 0, sizeof tmp);
	b_init(&b, err);
	b_str(&b, "sha256", chunk->sha256, sizeof chunk->sha256);
	b_int(&b, "size", chunk->size);
	b_int(&b, "offset", chunk->offset);
	b_int(&b, "len", (int64_t)chunk->len);
	return encode_binary(&b, chunk_header_reader, &tmp, chunk->data, chunk->len, out, out_len, err);
}

static hall_err shot_header_reader(const cJSON *root, void *msg, size_t dlen, hall_error *err)
{
	hall_shot *s = msg;
	int64_t size = 0;
	const char *fmt = NULL;
	hall_err rc;
	if ((rc = read_id(root, "", "command", true, s->command, err)) != HALL_OK ||
	    (rc = hall_json_get_string(root, "", "format", sizeof s->format - 1, &fmt, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "size", 1, HALL_PROTO_SHOT_MAX, &size, err)) != HALL_OK)
		return rc;
	if (strcmp(fmt, "png") != 0)
		return field_error(err, "", "format", "unknown value \"%s\" (expected png)", fmt);
	hall_proto_copy(s->format, sizeof s->format, fmt);
	if ((uint64_t)size != (uint64_t)dlen)
		return field_error(err, "", "size", "%" PRId64 " does not match the %zu bytes after the header", size, dlen);
	s->size = (size_t)size;
	return HALL_OK;
}

hall_err hall_proto_decode_shot(const void *buf, size_t len, hall_shot *out, hall_error *err)
{
	memset(out, 0, sizeof *out);
	return decode_binary(buf, len, HALL_PROTO_SHOT_MAX, shot_header_reader, out, &out->data, err);
}

hall_err hall_proto_encode_shot(const hall_shot *shot, char **out, size_t *out_len, hall_error *err)
{
	hall_err rc = check_binary_data(shot->data, shot->size, HALL_PROTO_SHOT_MAX, HALL_ERR_TOO_BIG, "size", "limit",
	                                out, out_len, err);
	if (rc != HALL_OK)
		return rc;
	builder b;
	hall_shot tmp;
	memset(&tmp, 0, sizeof tmp);
	b_init(&b, err);
	b_str(&b, "command", shot->command, sizeof shot->command);
	b_str(&b, "format", shot->format[0] ? shot->format : "png", sizeof shot->format);
	b_int(&b, "size", (int64_t)shot->size);
	return encode_binary(&b, shot_header_reader, &tmp, shot->data, shot->size, out, out_len, err);
}

/* ------------------------------------------------------------------ confirm */

static hall_err confirm_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_confirm *c = msg;
	c->seq = 0;
	return hall_json_get_int(root, "", "seq", 0, HALL_PROTO_SEQ_MAX, &c->seq, err);
}

static hall_err confirm_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_confirm *c = msg;
	builder b;
	b_init(&b, err);
	b_int(&b, "seq", c->seq);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_confirm, hall_proto_encode_confirm, hall_confirm, confirm_reader, confirm_writer)

/* ------------------------------------------------------------------ scope */

int hall_scope_parse(const char *s, hall_scope *out)
{
	if (!s)
		return -1;
	hall_scope sc;
	memset(&sc, 0, sizeof sc);
	if (strcmp(s, "all") == 0) {
		sc.kind = HALL_SCOPE_ALL;
	} else if (strncmp(s, "group:", 6) == 0 && hall_id_is_valid(s + 6)) {
		sc.kind = HALL_SCOPE_GROUP;
		hall_proto_copy(sc.name, sizeof sc.name, s + 6);
	} else if (strncmp(s, "kiosk:", 6) == 0 && hall_id_is_valid(s + 6)) {
		sc.kind = HALL_SCOPE_KIOSK;
		hall_proto_copy(sc.name, sizeof sc.name, s + 6);
	} else {
		return -1;
	}
	*out = sc;
	return 0;
}

int hall_scope_format(const hall_scope *scope, char *out, size_t len)
{
	int n = -1;
	switch (scope->kind) {
	case HALL_SCOPE_ALL:
		n = snprintf(out, len, "all");
		break;
	case HALL_SCOPE_GROUP:
		if (!memchr(scope->name, '\0', sizeof scope->name) || !hall_id_is_valid(scope->name))
			return -1;
		n = snprintf(out, len, "group:%s", scope->name);
		break;
	case HALL_SCOPE_KIOSK:
		if (!memchr(scope->name, '\0', sizeof scope->name) || !hall_id_is_valid(scope->name))
			return -1;
		n = snprintf(out, len, "kiosk:%s", scope->name);
		break;
	}
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

bool hall_scope_matches(const hall_scope *scope, const char *id, const char *group)
{
	switch (scope->kind) {
	case HALL_SCOPE_ALL:
		return true;
	case HALL_SCOPE_GROUP:
		return group && strcmp(scope->name, group) == 0;
	case HALL_SCOPE_KIOSK:
		return id && strcmp(scope->name, id) == 0;
	}
	return false;
}

/* ------------------------------------------------------------------ notice body */

hall_err hall_proto_notice_from_json(const cJSON *obj, const char *path, hall_notice *out, hall_error *err)
{
	memset(out, 0, sizeof *out);
	out->until = -1;
	int level = 0;
	const cJSON *text = NULL;
	hall_err rc;
	if ((rc = hall_json_expect_object(obj, path, err)) != HALL_OK ||
	    (rc = read_enum(obj, path, "level", LEVEL_NAMES, COUNT(LEVEL_NAMES), &level, err)) != HALL_OK ||
	    (rc = hall_json_get_object(obj, path, "text", &text, err)) != HALL_OK ||
	    (rc = hall_json_opt_int(obj, path, "until", HALL_PROTO_TS_MIN, HALL_PROTO_TS_MAX, &out->until, err)) !=
	        HALL_OK)
		return rc;
	out->level = (hall_notice_level)level;
	char tpath[PATH_LEN];
	hall_json_path_key(tpath, sizeof tpath, path, "text");
	int n = 0;
	for (const cJSON *t = text->child; t; t = t->next) {
		hall_lang l;
		if (!t->string || hall_lang_from_code(t->string, &l) != 0)
			return field_error(err, tpath, t->string ? t->string : "?",
			                   "unknown language (expected ko|en|zh-Hans|zh-Hant|ja)");
		const char *s = NULL;
		if ((rc = hall_json_get_string(text, tpath, t->string, HALL_PROTO_NOTICE_TEXT_MAX, &s, err)) != HALL_OK)
			return rc;
		if (!*s)
			return field_error(err, tpath, t->string, "expected non-empty text (leave the language out instead)");
		if (has_control(s, 1))
			return field_error(err, tpath, t->string, "expected text without control characters");
		hall_proto_copy(out->text[l], sizeof out->text[l], s);
		n++;
	}
	if (n == 0)
		return field_error(err, path, "text", "expected text in at least one language");
	return HALL_OK;
}

static hall_err notice_write(const hall_notice *n, cJSON **out, hall_error *err)
{
	builder b;
	b_init(&b, err);
	b_add(&b, "level", cJSON_CreateString(name_of(LEVEL_NAMES, COUNT(LEVEL_NAMES), (int)n->level)));
	cJSON *text = cJSON_CreateObject();
	if (text) {
		for (int l = 0; l < HALL_LANG_COUNT; l++) {
			if (!memchr(n->text[l], '\0', sizeof n->text[l])) {
				cJSON_Delete(text);
				cJSON_Delete(b.obj);
				*out = NULL;
				return hall_error_set(err, HALL_ERR_INVALID, "text", "not NUL-terminated");
			}
			if (n->text[l][0] && !cJSON_AddStringToObject(text, hall_lang_code((hall_lang)l), n->text[l])) {
				cJSON_Delete(text);
				text = NULL;
				break;
			}
		}
	}
	b_add(&b, "text", text);
	if (n->until >= 0)
		b_int(&b, "until", n->until);
	else
		b_null(&b, "until");
	return b_done(&b, out);
}

cJSON *hall_proto_notice_to_json(const hall_notice *notice)
{
	cJSON *out = NULL;
	return notice_write(notice, &out, NULL) == HALL_OK ? out : NULL;
}

hall_err hall_proto_check_notice(const hall_notice *notice, const char *path, hall_error *err)
{
	cJSON *tree = NULL;
	cJSON *check = NULL;
	char *text = NULL;
	size_t n = 0;
	hall_notice tmp;
	hall_err rc = notice_write(notice, &tree, err);
	if (rc == HALL_OK)
		rc = print_tree(tree, &text, &n, err);
	if (rc == HALL_OK)
		rc = parse_object(text, n, HALL_PROTO_JSON_MAX, &check, err);
	if (rc == HALL_OK)
		rc = hall_proto_notice_from_json(check, path ? path : "", &tmp, err);
	free(text);
	cJSON_Delete(check);
	cJSON_Delete(tree);
	return rc;
}

/* ------------------------------------------------------------------ envelopes */

/* Read an envelope; when `take` the body is detached from root into env->body. */
static hall_err envelope_read(cJSON *root, hall_envelope_kind kind, bool take, hall_envelope *env, hall_error *err)
{
	memset(env, 0, sizeof *env);
	env->kind = kind;
	const char *scope = NULL;
	hall_err rc;
	if ((rc = hall_json_get_string(root, "", "scope", HALL_SCOPE_BUF, &scope, err)) != HALL_OK)
		return rc;
	if (hall_scope_parse(scope, &env->scope) != 0)
		return field_error(err, "", "scope", "expected all|group:<group>|kiosk:<id>, got \"%.80s\"", scope);
	if ((rc = hall_json_get_int(root, "", "version", 1, HALL_PROTO_SEQ_MAX, &env->version, err)) != HALL_OK ||
	    (rc = hall_json_get_bool(root, "", "cleared", &env->cleared, err)) != HALL_OK)
		return rc;
	const char *key = hall_envelope_body_key(kind);
	cJSON *body = cJSON_GetObjectItemCaseSensitive(root, key);
	if (env->cleared) {
		if (body && !cJSON_IsNull(body))
			return field_error(err, "", key, "expected no %s in a cleared message", key);
		return HALL_OK;
	}
	const cJSON *obj = NULL;
	if ((rc = hall_json_get_object(root, "", key, &obj, err)) != HALL_OK)
		return rc;
	if (kind == HALL_ENVELOPE_NOTICE) {
		hall_notice n;
		if ((rc = hall_proto_notice_from_json(obj, key, &n, err)) != HALL_OK)
			return rc;
	}
	if (take)
		env->body = cJSON_DetachItemViaPointer(root, body);
	return HALL_OK;
}

hall_err hall_proto_decode_envelope(hall_envelope_kind kind, const void *buf, size_t len, hall_envelope *out,
                                    hall_error *err)
{
	cJSON *root = NULL;
	memset(out, 0, sizeof *out);
	hall_err rc = parse_object(buf, len, HALL_PROTO_JSON_MAX, &root, err);
	if (rc == HALL_OK)
		rc = envelope_read(root, kind, true, out, err);
	if (rc != HALL_OK)
		hall_envelope_free(out);
	cJSON_Delete(root);
	return rc;
}

hall_err hall_proto_encode_envelope(const hall_envelope *env, char **out, size_t *out_len, hall_error *err)
{
	*out = NULL;
	*out_len = 0;
	char scope[HALL_SCOPE_BUF];
	if (hall_scope_format(&env->scope, scope, sizeof scope) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "scope", "expected all|group:<group>|kiosk:<id>");
	if (!env->cleared && !cJSON_IsObject(env->body))
		return hall_error_set(err, HALL_ERR_INVALID, hall_envelope_body_key(env->kind), "expected an object");
	builder b;
	cJSON *tree = NULL;
	cJSON *check = NULL;
	char *text = NULL;
	size_t n = 0;
	hall_envelope tmp;
	b_init(&b, err);
	b_add(&b, "scope", cJSON_CreateString(scope));
	b_int(&b, "version", env->version);
	b_bool(&b, "cleared", env->cleared);
	if (!env->cleared && b.rc == HALL_OK && !cJSON_AddItemReferenceToObject(b.obj, hall_envelope_body_key(env->kind), env->body))
		b.rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	hall_err rc = b_done(&b, &tree);
	if (rc == HALL_OK)
		rc = print_tree(tree, &text, &n, err);
	if (rc == HALL_OK)
		rc = parse_object(text, n, HALL_PROTO_JSON_MAX, &check, err);
	if (rc == HALL_OK)
		rc = envelope_read(check, env->kind, false, &tmp, err);
	if (rc == HALL_OK) {
		*out = text;
		*out_len = n;
		text = NULL;
	}
	free(text);
	cJSON_Delete(check);
	cJSON_Delete(tree);
	return rc;
}

void hall_envelope_free(hall_envelope *env)
{
	if (!env)
		return;
	cJSON_Delete(env->body);
	env->body = NULL;
}

/* ------------------------------------------------------------------ command */

static hall_err command_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_command *c = msg;
	memset(c, 0, sizeof *c);
	int cmd = 0;
	hall_err rc;
	if ((rc = read_id(root, "", "id", true, c->id, err)) != HALL_OK ||
	    (rc = read_enum(root, "", "cmd", CMD_NAMES, COUNT(CMD_NAMES), &cmd, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &c->ts, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "ttl_s", 1, HALL_PROTO_TTL_MAX, &c->ttl_s, err)) != HALL_OK)
		return rc;
	c->cmd = (hall_command_cmd)cmd;
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(root, "args");
	if (args && !cJSON_IsNull(args) && !cJSON_IsObject(args))
		return field_error(err, "", "args", "expected an object");
	if (c->cmd == HALL_CMD_SHOW) {
		if (!cJSON_IsObject(args))
			return field_error(err, "", "args", "missing (show needs args.exhibit)");
		if ((rc = read_text(args, "args", "exhibit", true, c->exhibit, sizeof c->exhibit, err)) != HALL_OK)
			return rc;
		if (!c->exhibit[0])
			return field_error(err, "args", "exhibit", "expected a non-empty exhibit id");
	}
	return HALL_OK;
}

static hall_err command_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_command *c = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "id", c->id, sizeof c->id);
	b_add(&b, "cmd", cJSON_CreateString(hall_command_cmd_name(c->cmd)));
	if (!memchr(c->exhibit, '\0', sizeof c->exhibit)) {
		cJSON_Delete(b.obj);
		*out = NULL;
		return hall_error_set(err, HALL_ERR_INVALID, "args.exhibit", "not NUL-terminated");
	}
	cJSON *args = cJSON_CreateObject();
	if (args && c->cmd == HALL_CMD_SHOW) {
		if (!cJSON_AddStringToObject(args, "exhibit", c->exhibit)) {
			cJSON_Delete(args);
			args = NULL;
		}
	}
	b_add(&b, "args", args);
	b_int(&b, "ts", c->ts);
	b_int(&b, "ttl_s", c->ttl_s);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_command, hall_proto_encode_command, hall_command, command_reader, command_writer)

bool hall_command_expired(const hall_command *cmd, int64_t now_ms)
{
	/* An unvalidated struct must not overflow the sum below: treat it as expired. */
	if (cmd->ts < 0 || cmd->ts > HALL_PROTO_TS_MAX || cmd->ttl_s < 0 || cmd->ttl_s > HALL_PROTO_TTL_MAX)
		return true;
	return now_ms > cmd->ts + cmd->ttl_s * 1000;
}

/* ------------------------------------------------------------------ poll results */

static hall_err poll_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_poll_results *r = msg;
	memset(r, 0, sizeof *r);
	const cJSON *options = NULL;
	hall_err rc;
	if ((rc = read_id(root, "", "poll", true, r->poll, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &r->ts, err)) != HALL_OK ||
	    (rc = hall_json_get_int(root, "", "total", 0, HALL_PROTO_SEQ_MAX, &r->total, err)) != HALL_OK ||
	    (rc = hall_json_get_array(root, "", "options", &options, err)) != HALL_OK)
		return rc;
	int count = cJSON_GetArraySize(options);
	if (count > HALL_PROTO_POLL_OPTIONS_MAX)
		return field_error(err, "", "options", "%d options, more than the limit of %d", count,
		                   HALL_PROTO_POLL_OPTIONS_MAX);
	int64_t sum = 0;
	int i = 0;
	for (const cJSON *o = options->child; o; o = o->next, i++) {
		char p[PATH_LEN];
		hall_json_path_index(p, sizeof p, "options", i);
		hall_poll_tally_option *opt = &r->options[i];
		if ((rc = hall_json_expect_object(o, p, err)) != HALL_OK ||
		    (rc = read_id(o, p, "id", true, opt->id, err)) != HALL_OK ||
		    (rc = hall_json_get_int(o, p, "votes", 0, HALL_PROTO_SEQ_MAX, &opt->votes, err)) != HALL_OK)
			return rc;
		for (int k = 0; k < i; k++)
			if (strcmp(r->options[k].id, opt->id) == 0)
				return field_error(err, p, "id", "\"%s\" appears twice", opt->id);
		sum += opt->votes; /* <= 32 * 2^53: no overflow */
	}
	r->n_options = (size_t)i;
	if (sum != r->total)
		return field_error(err, "", "total", "%" PRId64 " is not the sum of the options' votes (%" PRId64 ")", r->total,
		                   sum);
	return HALL_OK;
}

static hall_err poll_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_poll_results *r = msg;
	builder b;
	b_init(&b, err);
	b_str(&b, "poll", r->poll, sizeof r->poll);
	b_int(&b, "ts", r->ts);
	b_int(&b, "total", r->total);
	cJSON *arr = cJSON_CreateArray();
	if (r->n_options > HALL_PROTO_POLL_OPTIONS_MAX) {
		cJSON_Delete(arr);
		cJSON_Delete(b.obj);
		*out = NULL;
		return hall_error_set(err, HALL_ERR_INVALID, "options", "%zu options, more than the limit of %d", r->n_options,
		                      HALL_PROTO_POLL_OPTIONS_MAX);
	}
	for (size_t i = 0; arr && i < r->n_options && b.rc == HALL_OK; i++) {
		builder o;
		cJSON *item = NULL;
		b_init(&o, err);
		b_str(&o, "id", r->options[i].id, sizeof r->options[i].id);
		b_int(&o, "votes", r->options[i].votes);
		b.rc = b_done(&o, &item);
		if (b.rc == HALL_OK && !cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			cJSON_Delete(arr);
			arr = NULL;
		}
	}
	b_add(&b, "options", arr);
	return b_done(&b, out);
}

hall_err hall_proto_decode_poll_results(const void *buf, size_t len, hall_poll_results *out, hall_error *err)
{
	return decode_with(poll_reader, buf, len, out, err);
}

hall_err hall_proto_encode_poll_results(const hall_poll_results *msg, char **out, size_t *out_len, hall_error *err)
{
	hall_poll_results *tmp = malloc(sizeof *tmp);
	if (!tmp) {
		*out = NULL;
		*out_len = 0;
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	}
	hall_err rc = encode_with(poll_writer, poll_reader, msg, tmp, HALL_PROTO_JSON_MAX, out, out_len, err);
	free(tmp);
	return rc;
}

/* ------------------------------------------------------------------ controller status */

static hall_err cstatus_reader(const cJSON *root, void *msg, hall_error *err)
{
	hall_controller_status *s = msg;
	memset(s, 0, sizeof *s);
	hall_err rc;
	if ((rc = hall_json_get_bool(root, "", "online", &s->online, err)) != HALL_OK ||
	    (rc = read_ts(root, "", "ts", &s->ts, err)) != HALL_OK)
		return rc;
	return HALL_OK;
}

static hall_err cstatus_writer(const void *msg, cJSON **out, hall_error *err)
{
	const hall_controller_status *s = msg;
	builder b;
	b_init(&b, err);
	b_bool(&b, "online", s->online);
	b_int(&b, "ts", s->ts);
	return b_done(&b, out);
}

JSON_MESSAGE(hall_proto_decode_controller_status, hall_proto_encode_controller_status, hall_controller_status,
             cstatus_reader, cstatus_writer)
