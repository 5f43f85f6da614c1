/* test_protocol.c: every message of docs/protocol.md decodes from its fixture, encodes
 * back to the same fields, and corrupt input is refused with the field's path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "hall/protocol.h"

/* ------------------------------------------------------------------ helpers */

static char *fixture(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof rel, "protocol/%s", name);
	return hall_test_read_fixture(rel, len);
}

#define assert_contains(hay, needle)                                                                                 \
	do {                                                                                                             \
		if (!strstr((hay), (needle)))                                                                                \
			fail_msg("\"%s\" does not contain \"%s\"", (hay), (needle));                                             \
	} while (0)

/* Decoders with one shape, for table-driven tests. */
typedef hall_err (*decode_fn)(const void *buf, size_t len, hall_error *err);

/* fn: decode into a message of type, thrown away (only the result and err count). */
#define DECODER(fn, type, decode)                                                                                    \
	static hall_err fn(const void *b, size_t n, hall_error *e)                                                       \
	{                                                                                                                \
		type m;                                                                                                      \
		return decode(b, n, &m, e);                                                                                  \
	}
/* fn: decode an envelope of kind, then free it. */
#define ENVELOPE_DECODER(fn, kind)                                                                                   \
	static hall_err fn(const void *b, size_t n, hall_error *e)                                                       \
	{                                                                                                                \
		hall_envelope m;                                                                                             \
		hall_err rc = hall_proto_decode_envelope(kind, b, n, &m, e);                                                 \
		hall_envelope_free(&m);                                                                                      \
		return rc;                                                                                                   \
	}

DECODER(d_hello, hall_hello, hall_proto_decode_hello)
DECODER(d_status, hall_status, hall_proto_decode_status)
DECODER(d_confirm, hall_confirm, hall_proto_decode_confirm)
DECODER(d_ack, hall_ack, hall_proto_decode_ack)
DECODER(d_help, hall_help, hall_proto_decode_help)
DECODER(d_fetch, hall_fetch, hall_proto_decode_fetch)
DECODER(d_command, hall_command, hall_proto_decode_command)
DECODER(d_poll, hall_poll_results, hall_proto_decode_poll_results)
DECODER(d_cstatus, hall_controller_status, hall_proto_decode_controller_status)
DECODER(d_chunk, hall_asset_chunk, hall_proto_decode_asset_chunk)
DECODER(d_shot, hall_shot, hall_proto_decode_shot)
DECODER(d_help_ack, hall_help_ack, hall_proto_decode_help_ack)
ENVELOPE_DECODER(d_content, HALL_ENVELOPE_CONTENT)
ENVELOPE_DECODER(d_schedule, HALL_ENVELOPE_SCHEDULE)
ENVELOPE_DECODER(d_notice, HALL_ENVELOPE_NOTICE)

/* Events go to a callback, not into a message. */
static hall_err d_events(const void *b, size_t n, hall_error *e)
{
	return hall_proto_decode_events(b, n, NULL, NULL, NULL, NULL, NULL, e);
}

static const struct {
	const char *name;
	decode_fn fn;
} ALL_DECODERS[] = {
	{"hello", d_hello},     {"status", d_status},   {"events", d_events},   {"confirm", d_confirm},
	{"ack", d_ack},         {"help", d_help},       {"fetch", d_fetch},     {"content", d_content},
	{"schedule", d_schedule}, {"notice", d_notice}, {"command", d_command}, {"poll", d_poll},
	{"cstatus", d_cstatus}, {"chunk", d_chunk},     {"shot", d_shot},       {"help-ack", d_help_ack},
};
#define N_DECODERS (sizeof ALL_DECODERS / sizeof ALL_DECODERS[0])

static hall_event sample_event(int64_t seq, hall_event_type type)
{
	hall_event ev;
	hall_event_init(&ev);
	snprintf(ev.kiosk, sizeof ev.kiosk, "lobby-01");
	ev.seq = seq;
	ev.ts = INT64_C(1764057601234) + seq;
	ev.type = type;
	snprintf(ev.exhibit, sizeof ev.exhibit, "brand");
	snprintf(ev.target, sizeof ev.target, "next");
	if (type == HALL_EVENT_VOTE)
		snprintf(ev.poll, sizeof ev.poll, "brand-vote");
	return ev;
}

/* ------------------------------------------------------------------ hello, status */

static void decode_hello_should_read_every_field(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("hello.json", &n);
	hall_hello h;
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_hello(buf, n, &h, &err), HALL_OK);
	assert_string_equal(h.kiosk, "lobby-01");
	assert_string_equal(h.group, "lobby");
	assert_int_equal(h.ts, INT64_C(1764057600000));
	assert_int_equal(h.boot_ts, INT64_C(1764057000000));
	assert_int_equal(h.content_version, 7);
	assert_int_equal(h.schedule_version, 2);
	assert_int_equal(h.notice_version, 0);
	assert_int_equal(h.seq_max, 1532);
	assert_int_equal(h.spool_first, 1490);
	assert_string_equal(h.app, "hall-kiosk 0.1");
	free(buf);
}

static void hello_from_fixture(hall_hello *h)
{
	size_t n;
	char *buf = fixture("hello.json", &n);
	assert_int_equal(hall_proto_decode_hello(buf, n, h, NULL), HALL_OK);
	free(buf);
}

/* Encode *a, decode it back and check nothing changed; returns the JSON (caller frees). */
static char *hello_round_trip(const hall_hello *a)
{
	hall_hello b;
	char *out = NULL;
	size_t out_len = 0;
	assert_int_equal(hall_proto_encode_hello(a, &out, &out_len, NULL), HALL_OK);
	assert_int_equal(strlen(out), out_len);
	assert_int_equal(hall_proto_decode_hello(out, out_len, &b, NULL), HALL_OK);
	assert_memory_equal(a, &b, sizeof b);
	return out;
}

static void encode_hello_should_round_trip(void **state)
{
	(void)state;
	hall_hello a;
	hello_from_fixture(&a);
	free(hello_round_trip(&a));
}

static void hello_should_carry_unrecorded_last_error_and_exact_versions(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("hello.json", &n);
	hall_hello a, b;
	char *out = NULL;
	size_t out_len = 0;
	assert_int_equal(hall_proto_decode_hello(buf, n, &a, NULL), HALL_OK);
	/* an older kiosk's hello has neither field */
	assert_int_equal(a.unrecorded, 0);
	assert_string_equal(a.last_error, "");
	a.unrecorded = 270;
	snprintf(a.last_error, sizeof a.last_error, "spool: No space left on device");
	a.content_version = HALL_PROTO_SEQ_MAX;
	a.seq_max = HALL_PROTO_SEQ_MAX - 1;
	a.spool_first = HALL_PROTO_SEQ_MAX;
	assert_int_equal(hall_proto_encode_hello(&a, &out, &out_len, NULL), HALL_OK);
	assert_non_null(strstr(out, "\"content_version\":9007199254740991,"));
	assert_non_null(strstr(out, "\"unrecorded\":270"));
	assert_int_equal(hall_proto_decode_hello(out, out_len, &b, NULL), HALL_OK);
	assert_memory_equal(&a, &b, sizeof a);
	free(out);
	a.unrecorded = -1;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_hello(&a, &out, &out_len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "unrecorded");
	free(buf);
}

static void hello_and_status_should_name_the_broker_when_given(void **state)
{
	(void)state;
	hall_hello a;
	hello_from_fixture(&a);
	assert_string_equal(a.broker, ""); /* an older kiosk does not say */
	char *out = hello_round_trip(&a);
	assert_null(strstr(out, "\"broker\"")); /* and "" is not sent */
	free(out);
	snprintf(a.broker, sizeof a.broker, "[::1]:1885");
	out = hello_round_trip(&a);
	assert_non_null(strstr(out, "\"broker\":\"[::1]:1885\""));
	free(out);

	hall_status st;
	hall_error err = {0};
	const char *ok = "{\"kiosk\":\"k1\",\"group\":\"lobby\",\"online\":true,\"ts\":1764057600000,\"uptime_s\":1,"
	                 "\"content_version\":0,\"schedule_version\":0,\"seq_max\":0,\"broker\":\"10.0.0.6:8883\"}";
	assert_int_equal(hall_proto_decode_status(ok, strlen(ok), &st, &err), HALL_OK);
	assert_string_equal(st.broker, "10.0.0.6:8883");
	const char *bad = "{\"kiosk\":\"k1\",\"group\":\"lobby\",\"online\":true,\"ts\":1764057600000,\"uptime_s\":1,"
	                  "\"content_version\":0,\"schedule_version\":0,\"seq_max\":0,\"broker\":\"a\\nb\"}";
	assert_int_equal(hall_proto_decode_status(bad, strlen(bad), &st, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "broker");
}

static void decode_hello_should_reject_spool_first_above_seq_max_plus_one(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("bad_hello_spool_first.json", &n);
	hall_hello h;
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_hello(buf, n, &h, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "spool_first");
	free(buf);
}

static void encode_hello_should_accept_an_empty_spool(void **state)
{
	(void)state;
	hall_hello h;
	memset(&h, 0, sizeof h);
	snprintf(h.kiosk, sizeof h.kiosk, "k1");
	snprintf(h.group, sizeof h.group, "g");
	h.ts = h.boot_ts = INT64_C(1764057600000);
	h.seq_max = 0;
	h.spool_first = 1;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_hello(&h, &out, &len, NULL), HALL_OK);
	free(out);
	h.spool_first = 0;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_hello(&h, &out, &len, &err), HALL_ERR_INVALID);
	assert_null(out);
	assert_string_equal(err.path, "spool_first");
}

static void decode_status_should_read_full_status_and_will(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("status.json", &n);
	hall_status s;
	assert_int_equal(hall_proto_decode_status(buf, n, &s, NULL), HALL_OK);
	assert_true(s.full);
	assert_true(s.online);
	assert_int_equal(s.uptime_s, 600);
	assert_true(s.fps > 59.9 && s.fps < 60.1);
	assert_int_equal(s.seq_max, 1532);
	assert_int_equal(s.notice_version, 0);
	free(buf);

	buf = fixture("status_will.json", &n);
	assert_int_equal(hall_proto_decode_status(buf, n, &s, NULL), HALL_OK);
	assert_false(s.full);
	assert_false(s.online);
	assert_string_equal(s.kiosk, "lobby-01");
	free(buf);
}

static void encode_will_should_write_kiosk_and_online_false_only(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_will("lobby-01", &out, &len, NULL), HALL_OK);
	assert_string_equal(out, "{\"kiosk\":\"lobby-01\",\"online\":false}");
	free(out);
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_will("Lobby", &out, &len, &err), HALL_ERR_INVALID);
	assert_null(out);
}

static void encode_status_should_round_trip(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("status.json", &n);
	hall_status a, b;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_decode_status(buf, n, &a, NULL), HALL_OK);
	snprintf(a.last_error, sizeof a.last_error, "content v9 rejected");
	a.fps = 59.123456789012345; /* more digits than cJSON's own printing keeps */
	assert_int_equal(hall_proto_encode_status(&a, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_status(out, len, &b, NULL), HALL_OK);
	assert_true(b.fps == a.fps);
	assert_string_equal(b.last_error, "content v9 rejected");
	assert_int_equal(a.seq_max, b.seq_max);
	assert_int_equal(a.unrecorded, 0); /* absent in the fixture: an older kiosk */
	free(out);
	a.unrecorded = 12;
	assert_int_equal(hall_proto_encode_status(&a, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_status(out, len, &b, NULL), HALL_OK);
	assert_int_equal(b.unrecorded, 12);
	assert_true(b.full);
	free(out);
	free(buf);
}

/* ------------------------------------------------------------------ events */

static void decode_events_should_accept_a_single_event(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("event.json", &n);
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(buf, n, "lobby-01", &b, NULL), HALL_OK);
	assert_int_equal(b.count, 1);
	assert_int_equal(b.n_ok, 1);
	assert_int_equal(b.items[0].rc, HALL_OK);
	assert_int_equal(b.items[0].ev.seq, 1533);
	assert_int_equal(b.items[0].ev.type, HALL_EVENT_TAP);
	assert_string_equal(b.items[0].ev.exhibit, "brand");
	assert_string_equal(b.items[0].ev.target, "next");
	assert_int_equal(b.items[0].ev.session, -1);
	assert_int_equal(b.items[0].ev.dwell_ms, -1);
	assert_string_equal(b.items[0].ev.lang, "");
	hall_event_batch_free(&b);
	free(buf);
}

static void decode_events_should_reject_a_single_event_from_another_kiosk(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("event.json", &n);
	hall_error err = {0};
	size_t ok = 9, bad = 9;
	assert_int_equal(hall_proto_decode_events(buf, n, "lobby-02", NULL, NULL, &ok, &bad, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "kiosk");
	assert_int_equal(ok, 0);
	free(buf);
}

typedef struct seen {
	int64_t seqs[16];
	char paths[16][160];
	size_t n_ok, n_bad;
	size_t last_index;
	int calls;
} seen;

static void collect(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	seen *s = user;
	assert_true(index < 16);
	assert_true((ev == NULL) != (ev_err == NULL));
	if (s->calls > 0)
		assert_true(index == s->last_index + 1);
	s->last_index = index;
	s->calls++;
	if (ev) {
		s->seqs[index] = ev->seq;
		s->n_ok++;
	} else {
		snprintf(s->paths[index], sizeof s->paths[index], "%s", ev_err->path);
		s->n_bad++;
	}
}

static void decode_events_should_report_each_bad_event_of_a_batch_and_keep_the_rest(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("event_batch.json", &n);
	seen s;
	memset(&s, 0, sizeof s);
	size_t ok = 0, bad = 0;
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_events(buf, n, "lobby-01", collect, &s, &ok, &bad, &err), HALL_OK);
	assert_int_equal(ok, 5);
	assert_int_equal(bad, 2);
	assert_int_equal(s.calls, 7);
	assert_string_equal(s.paths[3], "events[3].seq");
	assert_string_equal(s.paths[5], "events[5].kiosk");
	assert_int_equal(s.seqs[0], 1);
	assert_int_equal(s.seqs[6], 7);
	free(buf);
}

static void decode_event_batch_should_fill_results_in_payload_order(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("event_batch.json", &n);
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(buf, n, "lobby-01", &b, NULL), HALL_OK);
	assert_int_equal(b.count, 7);
	assert_int_equal(b.n_ok, 5);
	assert_int_equal(b.n_bad, 2);
	assert_int_equal(b.items[0].ev.type, HALL_EVENT_SESSION_START);
	assert_string_equal(b.items[0].ev.kiosk, "lobby-01"); /* inherited from the batch */
	assert_string_equal(b.items[0].ev.lang, "ko");
	assert_int_equal(b.items[0].ev.session, 12);
	assert_int_equal(b.items[2].ev.dwell_ms, 4200);
	assert_int_equal(b.items[3].rc, HALL_ERR_INVALID);
	assert_string_equal(b.items[3].error.path, "events[3].seq");
	assert_int_equal(b.items[4].ev.type, HALL_EVENT_VOTE);
	assert_string_equal(b.items[4].ev.poll, "brand-vote");
	assert_int_equal(b.items[5].rc, HALL_ERR_INVALID);
	assert_int_equal(b.items[6].ev.dwell_ms, 61000);
	hall_event_batch_free(&b);
	hall_event_batch_free(&b); /* twice is safe */
	free(buf);
}

static void null_optional_fields_should_count_as_absent(void **state)
{
	(void)state;
	const char batch[] = "{\"kiosk\":\"k1\",\"events\":[{\"kiosk\":null,\"seq\":1,\"ts\":1764057601234,"
	                     "\"type\":\"tap\",\"exhibit\":\"e\",\"target\":\"t\",\"session\":null,\"lang\":null,"
	                     "\"dwell_ms\":null,\"poll\":null}]}";
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(batch, sizeof batch - 1, "k1", &b, NULL), HALL_OK);
	assert_int_equal(b.n_ok, 1);
	assert_string_equal(b.items[0].ev.kiosk, "k1");
	assert_int_equal(b.items[0].ev.session, -1);
	assert_int_equal(b.items[0].ev.dwell_ms, -1);
	hall_event_batch_free(&b);
	const char will[] = "{\"kiosk\":\"k1\",\"online\":false,\"ts\":null}";
	hall_status s;
	assert_int_equal(hall_proto_decode_status(will, sizeof will - 1, &s, NULL), HALL_OK);
	assert_false(s.full);
}

static void decode_events_should_reject_a_batch_from_another_kiosk(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("event_batch.json", &n);
	hall_error err = {0};
	int calls = 0;
	seen s;
	memset(&s, 0, sizeof s);
	assert_int_equal(hall_proto_decode_events(buf, n, "lobby-02", collect, &s, NULL, NULL, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "kiosk");
	assert_int_equal(s.calls, calls);
	free(buf);
}

/* A batch of `count` valid events, built as text. */
static char *batch_text(int count, size_t *len)
{
	size_t cap = (size_t)count * 120 + 64;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t used = (size_t)snprintf(buf, cap, "{\"kiosk\":\"k1\",\"events\":[");
	for (int i = 0; i < count; i++)
		used += (size_t)snprintf(buf + used, cap - used,
		                         "%s{\"seq\":%d,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"e\",\"target\":\"t\"}",
		                         i ? "," : "", i + 1);
	used += (size_t)snprintf(buf + used, cap - used, "]}");
	*len = used;
	return buf;
}

static void decode_events_should_accept_1000_and_reject_1001_events(void **state)
{
	(void)state;
	size_t len;
	char *buf = batch_text(1000, &len);
	size_t ok = 0, bad = 0;
	assert_int_equal(hall_proto_decode_events(buf, len, "k1", NULL, NULL, &ok, &bad, NULL), HALL_OK);
	assert_int_equal(ok, 1000);
	assert_int_equal(bad, 0);
	free(buf);

	buf = batch_text(1001, &len);
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_events(buf, len, "k1", NULL, NULL, &ok, &bad, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "events");
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(buf, len, "k1", &b, &err), HALL_ERR_INVALID);
	assert_null(b.items);
	free(buf);
}

static void decode_should_refuse_a_2_MiB_payload_as_too_big(void **state)
{
	(void)state;
	size_t len = 2u << 20;
	char *buf = malloc(len);
	assert_non_null(buf);
	/* A syntactically fine JSON object padded with spaces: size alone must refuse it. */
	memset(buf, ' ', len);
	memcpy(buf, "{\"seq\":1}", 9);
	for (size_t i = 0; i < N_DECODERS; i++) {
		hall_error err = {0};
		hall_err rc = ALL_DECODERS[i].fn(buf, len, &err);
		if (ALL_DECODERS[i].fn == d_shot) {
			/* a screenshot may be up to 16 MiB: 2 MiB is refused for its framing instead */
			assert_int_equal(rc, HALL_ERR_INVALID);
			continue;
		}
		if (rc != HALL_ERR_TOO_BIG)
			fail_msg("%s decoder returned %d for 2 MiB", ALL_DECODERS[i].name, rc);
	}
	free(buf);
}

static void every_decoder_should_reject_corrupt_input(void **state)
{
	(void)state;
	static const char *const files[] = {"bad_truncated.json", "bad_trailing_garbage.json", "bad_not_object.json",
	                                    "bad_binary.json"};
	for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
		size_t n;
		char *buf = fixture(files[f], &n);
		for (size_t i = 0; i < N_DECODERS; i++) {
			hall_error err = {0};
			hall_err rc = ALL_DECODERS[i].fn(buf, n, &err);
			if (rc == HALL_OK)
				fail_msg("%s decoder accepted %s", ALL_DECODERS[i].name, files[f]);
			assert_true(err.msg[0] != '\0');
		}
		free(buf);
	}
	for (size_t i = 0; i < N_DECODERS; i++) {
		assert_int_not_equal(ALL_DECODERS[i].fn(NULL, 0, NULL), HALL_OK);
		assert_int_not_equal(ALL_DECODERS[i].fn("", 0, NULL), HALL_OK);
	}
}

/* Fixture, decoder, path the error must name, text the message must hold. */
static const struct {
	const char *file;
	decode_fn fn;
	const char *path;
	const char *msg;
} BAD[] = {
	{"bad_event_negative_seq.json", d_events, "seq", "out of range"},
	{"bad_event_seq_2pow53.json", d_events, "seq", "out of range"},
	{"bad_event_fraction_seq.json", d_events, "seq", "integer"},
	{"bad_event_kiosk_id.json", d_events, "kiosk", "id"},
	{"bad_event_unknown_type.json", d_events, "type", "swipe"},
	{"bad_event_missing_type.json", d_events, "type", "missing"},
	{"bad_event_ts_string.json", d_events, "ts", "integer"},
	{"bad_event_ts_future.json", d_events, "ts", "out of range"},
	{"bad_event_long_exhibit.json", d_events, "exhibit", "limit"},
	{"bad_event_vote_without_poll.json", d_events, "poll", "missing"},
	{"bad_event_unknown_lang.json", d_events, "lang", "fr"},
	{"bad_batch_not_array.json", d_events, "events", "array"},
	{"bad_status_online_without_fields.json", d_status, "ts", "missing"},
	{"bad_ack_command_applied.json", d_ack, "result", "done|failed"},
	{"bad_ack_missing_version.json", d_ack, "version", "missing"},
	{"bad_fetch_upper_hex.json", d_fetch, "sha256", "hex"},
	{"bad_content_scope.json", d_content, "scope", "everyone"},
	{"bad_content_group.json", d_content, "scope", "group:"},
	{"bad_content_no_manifest.json", d_content, "manifest", "missing"},
	{"bad_content_manifest_array.json", d_content, "manifest", "object"},
	{"bad_content_version_zero.json", d_content, "version", "out of range"},
	{"bad_notice_level.json", d_notice, "notice.level", "loud"},
	{"bad_notice_lang.json", d_notice, "notice.text.de", "language"},
	{"bad_notice_no_text.json", d_notice, "notice.text", "at least one"},
	{"bad_command_show_no_exhibit.json", d_command, "args.exhibit", "missing"},
	{"bad_command_unknown.json", d_command, "cmd", "reboot"},
	{"bad_command_ttl_zero.json", d_command, "ttl_s", "out of range"},
	{"bad_poll_total.json", d_poll, "total", "sum"},
	{"bad_poll_duplicate.json", d_poll, "options[1].id", "twice"},
	{"bad_controller_status_type.json", d_cstatus, "online", "true or false"},
	{"content.json", d_schedule, "schedule", "missing"},
};

static void decoders_should_name_the_bad_field_of_each_corrupt_fixture(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		size_t n;
		char *buf = fixture(BAD[i].file, &n);
		hall_error err = {0};
		hall_err rc = BAD[i].fn(buf, n, &err);
		if (rc != HALL_ERR_INVALID)
			fail_msg("%s: expected HALL_ERR_INVALID, got %d", BAD[i].file, rc);
		if (strcmp(err.path, BAD[i].path) != 0)
			fail_msg("%s: path \"%s\", expected \"%s\" (%s)", BAD[i].file, err.path, BAD[i].path, err.msg);
		if (!strstr(err.msg, BAD[i].msg))
			fail_msg("%s: message \"%s\" lacks \"%s\"", BAD[i].file, err.msg, BAD[i].msg);
		free(buf);
	}
}

static void good_fixtures_should_decode(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		decode_fn fn;
	} good[] = {
		{"hello.json", d_hello},          {"status.json", d_status},          {"status_will.json", d_status},
		{"event.json", d_events},         {"event_batch.json", d_events},     {"confirm.json", d_confirm},
		{"ack_applied.json", d_ack},      {"ack_rejected.json", d_ack},       {"ack_command.json", d_ack},
		{"help.json", d_help},            {"fetch.json", d_fetch},            {"content.json", d_content},
		{"content_cleared.json", d_content}, {"schedule.json", d_schedule}, {"notice.json", d_notice},
		{"command.json", d_command},      {"command_show.json", d_command},   {"poll_results.json", d_poll},
		{"controller_status.json", d_cstatus}, {"help_ack.json", d_help_ack},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t n;
		char *buf = fixture(good[i].file, &n);
		hall_error err = {0};
		if (good[i].fn(buf, n, &err) != HALL_OK)
			fail_msg("%s: %s: %s", good[i].file, err.path, err.msg);
		free(buf);
	}
}

static void seq_should_accept_2_pow_53_minus_1_and_print_it_exactly(void **state)
{
	(void)state;
	hall_event ev = sample_event(HALL_PROTO_SEQ_MAX, HALL_EVENT_TAP);
	ev.ts = INT64_C(1764057601234);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, NULL), HALL_OK);
	assert_contains(out, "\"seq\":9007199254740991");
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(out, len, "lobby-01", &b, NULL), HALL_OK);
	assert_int_equal(b.items[0].ev.seq, HALL_PROTO_SEQ_MAX);
	hall_event_batch_free(&b);
	free(out);
	ev.seq = HALL_PROTO_SEQ_MAX + 1;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "seq");
}

static void encode_event_should_round_trip_every_type(void **state)
{
	(void)state;
	for (int t = 0; t < HALL_EVENT_TYPE_COUNT; t++) {
		hall_event ev = sample_event(t + 1, (hall_event_type)t);
		ev.session = 3;
		ev.dwell_ms = t == HALL_EVENT_VIEW ? 1500 : -1;
		snprintf(ev.lang, sizeof ev.lang, "zh-Hant");
		char *out = NULL;
		size_t len = 0;
		hall_error err = {0};
		assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_OK);
		assert_contains(out, hall_event_type_name((hall_event_type)t));
		hall_event_batch b;
		assert_int_equal(hall_proto_decode_event_batch(out, len, "lobby-01", &b, NULL), HALL_OK);
		assert_int_equal(b.n_ok, 1);
		assert_memory_equal(&b.items[0].ev, &ev, sizeof ev);
		hall_event_batch_free(&b);
		free(out);
		hall_event_type back;
		assert_int_equal(hall_event_type_from_name(hall_event_type_name((hall_event_type)t), &back), 0);
		assert_int_equal(back, t);
	}
	hall_event_type none;
	assert_int_equal(hall_event_type_from_name("swipe", &none), -1);
	assert_string_equal(hall_event_type_name(HALL_EVENT_TYPE_COUNT), "?");
}

static void encode_event_should_refuse_what_the_decoder_would_reject(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	hall_event ev = sample_event(0, HALL_EVENT_TAP);
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "seq");
	assert_null(out);

	ev = sample_event(1, HALL_EVENT_TAP);
	snprintf(ev.kiosk, sizeof ev.kiosk, "Bad Id");
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "kiosk");

	ev = sample_event(1, HALL_EVENT_TAP);
	ev.ts = 5; /* 1970: a clock that was never set */
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "ts");

	ev = sample_event(1, HALL_EVENT_TAP);
	snprintf(ev.target, sizeof ev.target, "line\nbreak");
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "target");

	ev = sample_event(1, HALL_EVENT_TAP);
	memset(ev.exhibit, 'x', sizeof ev.exhibit); /* no NUL: a caller bug, refused, not read past */
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "exhibit");

	ev = sample_event(1, HALL_EVENT_TAP);
	ev.type = HALL_EVENT_TYPE_COUNT;
	assert_int_equal(hall_proto_encode_event(&ev, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "type");
	assert_int_equal(hall_proto_check_event(&ev, "events[2]", &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "events[2].type");
}

static void encode_event_batch_should_round_trip_and_leave_kiosk_out_of_each_event(void **state)
{
	(void)state;
	hall_event evs[3];
	for (int i = 0; i < 3; i++)
		evs[i] = sample_event(10 + i, (hall_event_type)i);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_event_batch("lobby-01", evs, 3, &out, &len, NULL), HALL_OK);
	/* "kiosk" once, at the top. */
	const char *first = strstr(out, "\"kiosk\"");
	assert_non_null(first);
	assert_null(strstr(first + 1, "\"kiosk\""));
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(out, len, "lobby-01", &b, NULL), HALL_OK);
	assert_int_equal(b.count, 3);
	for (int i = 0; i < 3; i++)
		assert_memory_equal(&b.items[i].ev, &evs[i], sizeof evs[i]);
	hall_event_batch_free(&b);
	free(out);
}

static void encode_event_batch_should_refuse_mixed_kiosks_empty_and_oversized_batches(void **state)
{
	(void)state;
	hall_event evs[2] = {sample_event(1, HALL_EVENT_TAP), sample_event(2, HALL_EVENT_TAP)};
	snprintf(evs[1].kiosk, sizeof evs[1].kiosk, "lobby-02");
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_event_batch("lobby-01", evs, 2, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "events[1].kiosk");
	assert_null(out);
	assert_int_equal(hall_proto_encode_event_batch("lobby-01", evs, 0, &out, &len, &err), HALL_ERR_INVALID);
	hall_event *many = calloc(HALL_PROTO_BATCH_MAX + 1, sizeof *many);
	assert_non_null(many);
	for (int i = 0; i <= HALL_PROTO_BATCH_MAX; i++)
		many[i] = sample_event(i + 1, HALL_EVENT_TAP);
	assert_int_equal(hall_proto_encode_event_batch("lobby-01", many, HALL_PROTO_BATCH_MAX + 1, &out, &len, &err),
	                 HALL_ERR_INVALID);
	assert_int_equal(hall_proto_encode_event_batch("lobby-01", many, HALL_PROTO_BATCH_MAX, &out, &len, &err), HALL_OK);
	size_t ok = 0;
	assert_int_equal(hall_proto_decode_events(out, len, "lobby-01", NULL, NULL, &ok, NULL, NULL), HALL_OK);
	assert_int_equal(ok, HALL_PROTO_BATCH_MAX);
	free(out);
	free(many);
}

/* ------------------------------------------------------------------ confirm, ack, help, fetch */

static void confirm_should_round_trip_and_allow_zero(void **state)
{
	(void)state;
	hall_confirm c = {0}, d;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_confirm(&c, &out, &len, NULL), HALL_OK);
	assert_string_equal(out, "{\"seq\":0}");
	free(out);
	c.seq = 1532;
	assert_int_equal(hall_proto_encode_confirm(&c, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_confirm(out, len, &d, NULL), HALL_OK);
	assert_int_equal(d.seq, 1532);
	free(out);
	c.seq = -1;
	assert_int_equal(hall_proto_encode_confirm(&c, &out, &len, NULL), HALL_ERR_INVALID);
}

static void ack_should_decode_content_rejection_with_reason_and_scope(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("ack_rejected.json", &n);
	hall_ack a, b;
	assert_int_equal(hall_proto_decode_ack(buf, n, &a, NULL), HALL_OK);
	assert_int_equal(a.kind, HALL_ACK_CONTENT);
	assert_int_equal(a.result, HALL_ACK_REJECTED);
	assert_int_equal(a.version, 9);
	assert_string_equal(a.scope, "group:lobby");
	assert_string_equal(a.reason, "exhibits[2].kind: unknown kind \"video\"");
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_ack(out, len, &b, NULL), HALL_OK);
	assert_memory_equal(&a, &b, sizeof a);
	free(out);
	free(buf);

	buf = fixture("ack_command.json", &n);
	assert_int_equal(hall_proto_decode_ack(buf, n, &a, NULL), HALL_OK);
	assert_int_equal(a.kind, HALL_ACK_COMMAND);
	assert_string_equal(a.id, "c-17");
	assert_int_equal(a.version, -1);
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, NULL), HALL_OK);
	assert_null(strstr(out, "version"));
	free(out);
	free(buf);
}

static void help_and_fetch_should_round_trip(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("help.json", &n);
	hall_help h, h2;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_decode_help(buf, n, &h, NULL), HALL_OK);
	assert_int_equal(h.session, 12);
	assert_int_equal(h.call, 3);
	assert_string_equal(h.exhibit, "poll");
	assert_int_equal(hall_proto_encode_help(&h, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_help(out, len, &h2, NULL), HALL_OK);
	assert_memory_equal(&h, &h2, sizeof h);
	free(out);
	free(buf);

	/* A call without `call` (an older kiosk) decodes with call 0 and is sent without it. */
	h.call = 0;
	assert_int_equal(hall_proto_encode_help(&h, &out, &len, NULL), HALL_OK);
	assert_null(strstr(out, "call"));
	assert_int_equal(hall_proto_decode_help(out, len, &h2, NULL), HALL_OK);
	assert_int_equal(h2.call, 0);
	free(out);

	buf = fixture("help_ack.json", &n);
	hall_help_ack a, a2;
	assert_int_equal(hall_proto_decode_help_ack(buf, n, &a, NULL), HALL_OK);
	assert_int_equal(a.call, 3);
	assert_int_equal(a.ts, INT64_C(1764057601234));
	assert_int_equal(hall_proto_encode_help_ack(&a, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_help_ack(out, len, &a2, NULL), HALL_OK);
	assert_memory_equal(&a, &a2, sizeof a);
	free(out);
	free(buf);
	buf = fixture("bad_help_ack_call_zero.json", &n);
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_help_ack(buf, n, &a, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "call");
	free(buf);

	buf = fixture("fetch.json", &n);
	hall_fetch f, f2;
	assert_int_equal(hall_proto_decode_fetch(buf, n, &f, NULL), HALL_OK);
	assert_int_equal(f.offset, 262144);
	assert_int_equal(hall_proto_encode_fetch(&f, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_fetch(out, len, &f2, NULL), HALL_OK);
	assert_memory_equal(&f, &f2, sizeof f);
	free(out);
	free(buf);
}

/* ------------------------------------------------------------------ binary framing */

static const char SHA_ABC[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void asset_chunk_should_round_trip_bytes_with_newlines_and_nuls(void **state)
{
	(void)state;
	uint8_t data[300];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 7); /* holds 0x00 and 0x0a */
	hall_asset_chunk c;
	memset(&c, 0, sizeof c);
	snprintf(c.sha256, sizeof c.sha256, "%s", SHA_ABC);
	c.size = 1000;
	c.offset = 700;
	c.len = sizeof data;
	c.data = data;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_asset_chunk(&c, &out, &len, NULL), HALL_OK);
	const char *nl = memchr(out, '\n', len);
	assert_non_null(nl);
	assert_int_equal(len - (size_t)(nl - out) - 1, sizeof data);
	hall_asset_chunk d;
	assert_int_equal(hall_proto_decode_asset_chunk(out, len, &d, NULL), HALL_OK);
	assert_string_equal(d.sha256, SHA_ABC);
	assert_int_equal(d.size, 1000);
	assert_int_equal(d.offset, 700);
	assert_int_equal(d.len, sizeof data);
	assert_memory_equal(d.data, data, sizeof data);
	assert_true(d.data > (const uint8_t *)out && d.data < (const uint8_t *)out + len); /* borrowed */
	free(out);
}

static void asset_chunk_should_reject_bad_framing(void **state)
{
	(void)state;
	hall_asset_chunk d;
	hall_error err = {0};
	char buf[2048];
	int n;
	/* len does not match the bytes that follow */
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":0,\"len\":5}\nabcd", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "len");
	/* past the end of the asset */
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":8,\"len\":4}\nabcd", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "len");
	/* offset past size */
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":11,\"len\":0}\n", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "offset");
	/* no newline at all */
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":0,\"len\":0}", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_contains(err.msg, "newline");
	/* a header longer than the limit */
	memset(buf, ' ', sizeof buf);
	buf[0] = '{';
	buf[1500] = '}';
	buf[1501] = '\n';
	assert_int_equal(hall_proto_decode_asset_chunk(buf, 1502, &d, &err), HALL_ERR_INVALID);
	/* an empty chunk is only fine at the end */
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":10,\"len\":0}\n", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_OK);
	assert_int_equal(d.len, 0);
	assert_null(d.data);
	n = snprintf(buf, sizeof buf, "{\"sha256\":\"%s\",\"size\":10,\"offset\":3,\"len\":0}\n", SHA_ABC);
	assert_int_equal(hall_proto_decode_asset_chunk(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
}

static void asset_chunk_should_refuse_more_than_256_KiB(void **state)
{
	(void)state;
	size_t big = HALL_PROTO_CHUNK_MAX + 1;
	uint8_t *data = calloc(1, big);
	assert_non_null(data);
	hall_asset_chunk c;
	memset(&c, 0, sizeof c);
	snprintf(c.sha256, sizeof c.sha256, "%s", SHA_ABC);
	c.size = (int64_t)big;
	c.len = big;
	c.data = data;
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_asset_chunk(&c, &out, &len, &err), HALL_ERR_INVALID);
	assert_null(out);
	assert_string_equal(err.path, "len");
	assert_string_equal(err.msg, "262145 bytes, more than the chunk limit of 262144");
	c.len = 4;
	c.data = NULL;
	assert_int_equal(hall_proto_encode_asset_chunk(&c, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "data");
	assert_string_equal(err.msg, "NULL with len 4");
	c.data = data;
	c.len = HALL_PROTO_CHUNK_MAX;
	assert_int_equal(hall_proto_encode_asset_chunk(&c, &out, &len, &err), HALL_OK);
	hall_asset_chunk d;
	assert_int_equal(hall_proto_decode_asset_chunk(out, len, &d, &err), HALL_OK);
	assert_int_equal(d.len, HALL_PROTO_CHUNK_MAX);
	free(out);
	/* the same frame with one more byte is too big for the decoder */
	char *frame = malloc(300 + big);
	assert_non_null(frame);
	int h = snprintf(frame, 300, "{\"sha256\":\"%s\",\"size\":%zu,\"offset\":0,\"len\":%zu}\n", SHA_ABC, big, big);
	memset(frame + h, 'x', big);
	assert_int_equal(hall_proto_decode_asset_chunk(frame, (size_t)h + big, &d, &err), HALL_ERR_TOO_BIG);
	free(frame);
	free(data);
}

static void shot_should_round_trip_and_refuse_other_formats(void **state)
{
	(void)state;
	const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
	hall_shot s;
	memset(&s, 0, sizeof s);
	snprintf(s.command, sizeof s.command, "c-17");
	s.size = sizeof png;
	s.data = png;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_shot(&s, &out, &len, NULL), HALL_OK);
	hall_shot d;
	assert_int_equal(hall_proto_decode_shot(out, len, &d, NULL), HALL_OK);
	assert_string_equal(d.command, "c-17");
	assert_string_equal(d.format, "png");
	assert_int_equal(d.size, sizeof png);
	assert_memory_equal(d.data, png, sizeof png);
	free(out);

	char buf[256];
	hall_error err = {0};
	int n = snprintf(buf, sizeof buf, "{\"command\":\"c-17\",\"format\":\"jpg\",\"size\":3}\nabc");
	assert_int_equal(hall_proto_decode_shot(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "format");
	n = snprintf(buf, sizeof buf, "{\"command\":\"c-17\",\"format\":\"png\",\"size\":4}\nabc");
	assert_int_equal(hall_proto_decode_shot(buf, (size_t)n, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "size");
}

/* ------------------------------------------------------------------ envelopes */

static void content_envelope_should_hand_over_the_manifest_subtree(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("content.json", &n);
	hall_envelope env;
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, buf, n, &env, NULL), HALL_OK);
	free(buf); /* the body must not point into the payload */
	assert_int_equal(env.scope.kind, HALL_SCOPE_ALL);
	assert_int_equal(env.version, 8);
	assert_false(env.cleared);
	assert_non_null(env.body);
	const cJSON *ex = cJSON_GetObjectItemCaseSensitive(env.body, "exhibits");
	assert_true(cJSON_IsArray(ex));
	assert_int_equal(cJSON_GetArraySize(ex), 1);

	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_envelope(&env, &out, &len, NULL), HALL_OK);
	assert_non_null(env.body); /* borrowed, not consumed */
	hall_envelope back;
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, out, len, &back, NULL), HALL_OK);
	assert_true(cJSON_Compare(back.body, env.body, 1));
	hall_envelope_free(&back);
	free(out);
	hall_envelope_free(&env);
	assert_null(env.body);
	hall_envelope_free(&env);
}

static void cleared_envelope_should_have_no_body(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("content_cleared.json", &n);
	hall_envelope env;
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, buf, n, &env, NULL), HALL_OK);
	assert_true(env.cleared);
	assert_null(env.body);
	assert_int_equal(env.scope.kind, HALL_SCOPE_KIOSK);
	assert_string_equal(env.scope.name, "lobby-01");
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_envelope(&env, &out, &len, NULL), HALL_OK);
	assert_string_equal(out, "{\"scope\":\"kiosk:lobby-01\",\"version\":9,\"cleared\":true}");
	free(out);
	free(buf);

	const char bad[] = "{\"scope\":\"all\",\"version\":9,\"cleared\":true,\"manifest\":{}}";
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_CONTENT, bad, sizeof bad - 1, &env, &err),
	                 HALL_ERR_INVALID);
	assert_string_equal(err.path, "manifest");
	assert_null(env.body);
}

static void notice_envelope_should_carry_a_valid_notice(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("notice.json", &n);
	hall_envelope env;
	assert_int_equal(hall_proto_decode_envelope(HALL_ENVELOPE_NOTICE, buf, n, &env, NULL), HALL_OK);
	hall_notice notice;
	assert_int_equal(hall_proto_notice_from_json(env.body, "notice", &notice, NULL), HALL_OK);
	assert_int_equal(notice.level, HALL_NOTICE_URGENT);
	assert_string_equal(notice.text[HALL_LANG_KO], "오늘 17시에 문을 닫습니다.");
	assert_string_equal(notice.text[HALL_LANG_EN], "The hall closes at 17:00 today.");
	assert_string_equal(notice.text[HALL_LANG_ZH_HANS], "");
	assert_int_equal(notice.until, INT64_C(1764082800000));
	hall_envelope_free(&env);
	free(buf);

	/* build one from a struct */
	memset(&notice, 0, sizeof notice);
	notice.level = HALL_NOTICE_INFO;
	notice.until = -1;
	snprintf(notice.text[HALL_LANG_ZH_HANT], sizeof notice.text[0], "大廳今天開放");
	assert_int_equal(hall_proto_check_notice(&notice, "notice", NULL), HALL_OK);
	hall_envelope out_env;
	memset(&out_env, 0, sizeof out_env);
	out_env.kind = HALL_ENVELOPE_NOTICE;
	out_env.scope.kind = HALL_SCOPE_GROUP;
	snprintf(out_env.scope.name, sizeof out_env.scope.name, "lobby");
	out_env.version = 5;
	out_env.body = hall_proto_notice_to_json(&notice);
	assert_non_null(out_env.body);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_envelope(&out_env, &out, &len, NULL), HALL_OK);
	assert_contains(out, "\"until\":null");
	assert_contains(out, "\"zh-Hant\"");
	assert_contains(out, "\"scope\":\"group:lobby\"");
	free(out);
	hall_envelope_free(&out_env);

	/* an empty notice is refused by the checker */
	memset(&notice, 0, sizeof notice);
	notice.until = -1;
	hall_error err = {0};
	assert_int_equal(hall_proto_check_notice(&notice, "notice", &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "notice.text");
}

static void scope_should_parse_format_and_match(void **state)
{
	(void)state;
	hall_scope s;
	char buf[HALL_SCOPE_BUF];
	assert_int_equal(hall_scope_parse("all", &s), 0);
	assert_int_equal(s.kind, HALL_SCOPE_ALL);
	assert_true(hall_scope_matches(&s, "k1", "g1"));
	assert_int_equal(hall_scope_parse("group:g1", &s), 0);
	assert_true(hall_scope_matches(&s, "k1", "g1"));
	assert_false(hall_scope_matches(&s, "k1", "g2"));
	assert_int_equal(hall_scope_format(&s, buf, sizeof buf), 0);
	assert_string_equal(buf, "group:g1");
	assert_int_equal(hall_scope_parse("kiosk:k1", &s), 0);
	assert_true(hall_scope_matches(&s, "k1", "g9"));
	assert_false(hall_scope_matches(&s, "k2", "g1"));
	assert_int_equal(hall_scope_format(&s, buf, 5), -1);
	static const char *const bad[] = {"", "All", "group:", "kiosk:", "group:A", "kiosk:k/1", "site:x", "all "};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hall_scope_parse(bad[i], &s) == 0)
			fail_msg("scope \"%s\" accepted", bad[i]);
	assert_int_equal(hall_scope_parse(NULL, &s), -1);
}

/* ------------------------------------------------------------------ command, poll, controller */

static void command_should_decode_show_and_expire_after_its_ttl(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("command_show.json", &n);
	hall_command c, d;
	assert_int_equal(hall_proto_decode_command(buf, n, &c, NULL), HALL_OK);
	assert_int_equal(c.cmd, HALL_CMD_SHOW);
	assert_string_equal(c.exhibit, "city-model");
	assert_false(hall_command_expired(&c, c.ts + 600 * 1000));
	assert_true(hall_command_expired(&c, c.ts + 600 * 1000 + 1));
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_command(&c, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_command(out, len, &d, NULL), HALL_OK);
	assert_memory_equal(&c, &d, sizeof c);
	free(out);
	free(buf);

	buf = fixture("command.json", &n);
	assert_int_equal(hall_proto_decode_command(buf, n, &c, NULL), HALL_OK);
	assert_int_equal(c.cmd, HALL_CMD_IDENTIFY);
	assert_string_equal(c.exhibit, "");
	assert_int_equal(hall_proto_encode_command(&c, &out, &len, NULL), HALL_OK);
	assert_contains(out, "\"args\":{}");
	free(out);
	free(buf);
	c.ts = INT64_MAX; /* never validated: must not overflow, counts as expired */
	assert_true(hall_command_expired(&c, 0));
}

static void poll_results_should_round_trip_and_check_limits(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("poll_results.json", &n);
	hall_poll_results r, r2;
	assert_int_equal(hall_proto_decode_poll_results(buf, n, &r, NULL), HALL_OK);
	assert_int_equal(r.n_options, 2);
	assert_string_equal(r.options[0].id, "a");
	assert_int_equal(r.options[1].votes, 50);
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_poll_results(&r, &out, &len, NULL), HALL_OK);
	assert_int_equal(hall_proto_decode_poll_results(out, len, &r2, NULL), HALL_OK);
	assert_memory_equal(&r, &r2, sizeof r);
	free(out);
	free(buf);

	r.n_options = HALL_PROTO_POLL_OPTIONS_MAX + 1;
	hall_error err = {0};
	assert_int_equal(hall_proto_encode_poll_results(&r, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "options");
	r.n_options = 0;
	r.total = 0;
	assert_int_equal(hall_proto_encode_poll_results(&r, &out, &len, NULL), HALL_OK);
	free(out);
}

static void controller_status_should_round_trip(void **state)
{
	(void)state;
	hall_controller_status s = {false, INT64_C(1764057600000)}, d;
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_controller_status(&s, &out, &len, NULL), HALL_OK);
	assert_string_equal(out, "{\"online\":false,\"ts\":1764057600000}");
	assert_int_equal(hall_proto_decode_controller_status(out, len, &d, NULL), HALL_OK);
	assert_false(d.online);
	assert_int_equal(d.ts, s.ts);
	free(out);
}

static void names_should_be_the_wire_names(void **state)
{
	(void)state;
	assert_string_equal(hall_ack_kind_name(HALL_ACK_SCHEDULE), "schedule");
	assert_string_equal(hall_ack_result_name(HALL_ACK_FAILED), "failed");
	assert_string_equal(hall_command_cmd_name(HALL_CMD_SCREENSHOT), "screenshot");
	assert_string_equal(hall_envelope_kind_name(HALL_ENVELOPE_NOTICE), "notice");
	assert_string_equal(hall_envelope_body_key(HALL_ENVELOPE_CONTENT), "manifest");
	char small[4];
	assert_int_equal(hall_proto_copy(small, sizeof small, "abc"), 0);
	assert_int_equal(hall_proto_copy(small, sizeof small, "abcd"), -1);
	assert_string_equal(small, "");
}

static void encoders_should_refuse_non_finite_numbers_control_characters_and_wrong_pairings(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	hall_error err = {0};
	size_t n;
	char *buf = fixture("status.json", &n);
	hall_status s;
	assert_int_equal(hall_proto_decode_status(buf, n, &s, NULL), HALL_OK);
	free(buf);
	s.fps = 0.0 / 0.0;
	assert_int_equal(hall_proto_encode_status(&s, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "fps");
	s.fps = 1001;
	assert_int_equal(hall_proto_encode_status(&s, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "fps");
	s.fps = 30;
	snprintf(s.last_error, sizeof s.last_error, "two\nlines");
	assert_int_equal(hall_proto_encode_status(&s, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "last_error");

	hall_ack a;
	memset(&a, 0, sizeof a);
	snprintf(a.kiosk, sizeof a.kiosk, "k1");
	a.kind = HALL_ACK_SCHEDULE;
	a.version = 3;
	a.result = HALL_ACK_DONE;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "result");
	a.result = HALL_ACK_REJECTED;
	snprintf(a.reason, sizeof a.reason, "bad\tthing");
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "reason");
	snprintf(a.reason, sizeof a.reason, "schedule.rules[0].from: expected \"HH:MM\"");
	snprintf(a.scope, sizeof a.scope, "group:Lobby");
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "scope");
	a.scope[0] = '\0';
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_OK);
	free(out);

	/* a notice may break lines, but not hold other control characters */
	hall_notice notice;
	memset(&notice, 0, sizeof notice);
	notice.until = -1;
	snprintf(notice.text[HALL_LANG_KO], sizeof notice.text[0], "첫 줄\n둘째 줄");
	assert_int_equal(hall_proto_check_notice(&notice, "notice", &err), HALL_OK);
	snprintf(notice.text[HALL_LANG_EN], sizeof notice.text[0], "bell\a");
	assert_int_equal(hall_proto_check_notice(&notice, "notice", &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "notice.text.en");
	notice.text[HALL_LANG_EN][0] = '\0';
	notice.until = 5; /* not a sane time */
	assert_int_equal(hall_proto_check_notice(&notice, "notice", &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "notice.until");

	/* a screenshot over 16 MiB is refused before anything is read from data */
	static const uint8_t one = 0;
	hall_shot shot;
	memset(&shot, 0, sizeof shot);
	snprintf(shot.command, sizeof shot.command, "c-1");
	shot.size = HALL_PROTO_SHOT_MAX + 1;
	shot.data = &one;
	assert_int_equal(hall_proto_encode_shot(&shot, &out, &len, &err), HALL_ERR_TOO_BIG);
	assert_null(out);
	assert_string_equal(err.path, "size");
	assert_string_equal(err.msg, "16777217 bytes, more than the limit of 16777216");
	shot.size = 3;
	shot.data = NULL;
	assert_int_equal(hall_proto_encode_shot(&shot, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.msg, "NULL with size 3");

	/* an event as a cJSON object, with or without its kiosk */
	hall_event ev = sample_event(4, HALL_EVENT_VIEW);
	cJSON *obj = hall_proto_event_to_json(&ev, false);
	assert_non_null(obj);
	assert_null(cJSON_GetObjectItemCaseSensitive(obj, "kiosk"));
	hall_event back;
	assert_int_equal(hall_proto_event_from_json(obj, "", "lobby-01", &back, NULL), HALL_OK);
	assert_memory_equal(&back, &ev, sizeof ev);
	assert_int_equal(hall_proto_event_from_json(obj, "x", NULL, &back, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "x.kiosk");
	cJSON_Delete(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_hello_should_read_every_field),
		cmocka_unit_test(encode_hello_should_round_trip),
		cmocka_unit_test(hello_should_carry_unrecorded_last_error_and_exact_versions),
		cmocka_unit_test(hello_and_status_should_name_the_broker_when_given),
		cmocka_unit_test(decode_hello_should_reject_spool_first_above_seq_max_plus_one),
		cmocka_unit_test(encode_hello_should_accept_an_empty_spool),
		cmocka_unit_test(decode_status_should_read_full_status_and_will),
		cmocka_unit_test(encode_will_should_write_kiosk_and_online_false_only),
		cmocka_unit_test(encode_status_should_round_trip),
		cmocka_unit_test(decode_events_should_accept_a_single_event),
		cmocka_unit_test(decode_events_should_reject_a_single_event_from_another_kiosk),
		cmocka_unit_test(decode_events_should_report_each_bad_event_of_a_batch_and_keep_the_rest),
		cmocka_unit_test(decode_event_batch_should_fill_results_in_payload_order),
		cmocka_unit_test(null_optional_fields_should_count_as_absent),
		cmocka_unit_test(decode_events_should_reject_a_batch_from_another_kiosk),
		cmocka_unit_test(decode_events_should_accept_1000_and_reject_1001_events),
		cmocka_unit_test(decode_should_refuse_a_2_MiB_payload_as_too_big),
		cmocka_unit_test(every_decoder_should_reject_corrupt_input),
		cmocka_unit_test(decoders_should_name_the_bad_field_of_each_corrupt_fixture),
		cmocka_unit_test(good_fixtures_should_decode),
		cmocka_unit_test(seq_should_accept_2_pow_53_minus_1_and_print_it_exactly),
		cmocka_unit_test(encode_event_should_round_trip_every_type),
		cmocka_unit_test(encode_event_should_refuse_what_the_decoder_would_reject),
		cmocka_unit_test(encode_event_batch_should_round_trip_and_leave_kiosk_out_of_each_event),
		cmocka_unit_test(encode_event_batch_should_refuse_mixed_kiosks_empty_and_oversized_batches),
		cmocka_unit_test(confirm_should_round_trip_and_allow_zero),
		cmocka_unit_test(ack_should_decode_content_rejection_with_reason_and_scope),
		cmocka_unit_test(help_and_fetch_should_round_trip),
		cmocka_unit_test(asset_chunk_should_round_trip_bytes_with_newlines_and_nuls),
		cmocka_unit_test(asset_chunk_should_reject_bad_framing),
		cmocka_unit_test(asset_chunk_should_refuse_more_than_256_KiB),
		cmocka_unit_test(shot_should_round_trip_and_refuse_other_formats),
		cmocka_unit_test(content_envelope_should_hand_over_the_manifest_subtree),
		cmocka_unit_test(cleared_envelope_should_have_no_body),
		cmocka_unit_test(notice_envelope_should_carry_a_valid_notice),
		cmocka_unit_test(scope_should_parse_format_and_match),
		cmocka_unit_test(command_should_decode_show_and_expire_after_its_ttl),
		cmocka_unit_test(poll_results_should_round_trip_and_check_limits),
		cmocka_unit_test(controller_status_should_round_trip),
		cmocka_unit_test(names_should_be_the_wire_names),
		cmocka_unit_test(encoders_should_refuse_non_finite_numbers_control_characters_and_wrong_pairings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
