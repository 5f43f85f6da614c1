/* test_protocol_events.c: the event decoder's fast field reads (core/src/protocol.c
 * fast_*) accept exactly what the hall_json_* readers accept and, for everything else,
 * give those readers' errors with the event's full path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hall/protocol.h"

#define E "\"ts\":1764057601234,\"exhibit\":\"brand\",\"target\":\"p1\""
#define LONG65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* One batch: each event but the first and last breaks one field in a way the fast path
 * hands to the hall_json_* reader. */
static const char BATCH[] =
	"{\"kiosk\":\"k1\",\"events\":["
	"{\"seq\":1,\"type\":\"view\"," E ",\"session\":0,\"lang\":\"zh-Hans\",\"dwell_ms\":0},"
	"{\"seq\":1.5,\"type\":\"view\"," E "},"
	"{\"seq\":2,\"type\":\"view\",\"ts\":5,\"exhibit\":\"brand\",\"target\":\"p1\"},"
	"{\"seq\":3,\"type\":\"wave\"," E "},"
	"{\"seq\":4,\"type\":\"view\",\"ts\":1764057601234,\"exhibit\":\"" LONG65 "\",\"target\":\"p1\"},"
	"{\"seq\":5,\"type\":\"view\",\"ts\":1764057601234,\"exhibit\":\"brand\",\"target\":7},"
	"{\"seq\":6,\"type\":\"view\"," E ",\"session\":-1},"
	"{\"seq\":7,\"type\":\"view\"," E ",\"dwell_ms\":\"long\"},"
	"{\"seq\":8,\"type\":\"view\"," E ",\"lang\":\"ko-KR-x-long-tags\"},"
	"{\"seq\":9,\"type\":\"view\"," E ",\"lang\":\"fr\"},"
	"{\"type\":\"view\"," E "},"
	"{\"seq\":10,\"type\":\"view\"," E ",\"session\":null,\"dwell_ms\":null,\"lang\":null}"
	"]}";

static void decode_events_should_give_each_bad_field_the_json_readers_error_and_path(void **state)
{
	(void)state;
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(BATCH, sizeof BATCH - 1, "k1", &b, NULL), HALL_OK);
	assert_int_equal(b.count, 12);
	assert_int_equal(b.n_ok, 2);
	assert_int_equal(b.n_bad, 10);
	static const struct {
		size_t i;
		const char *path;
		const char *msg;
	} want[] = {
		{1, "events[1].seq", "expected an integer, got 1.5"},
		{2, "events[2].ts", NULL},
		{3, "events[3].type", NULL},
		{4, "events[4].exhibit", "string of 65 bytes is longer than the limit of 64"},
		{5, "events[5].target", "expected a string, got a number"},
		{6, "events[6].session", NULL},
		{7, "events[7].dwell_ms", "expected an integer, got a string"},
		{8, "events[8].lang", "string of 17 bytes is longer than the limit of 16"},
		{9, "events[9].lang", NULL},
		{10, "events[10].seq", "missing (expected an integer)"},
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		const hall_event_result *r = &b.items[want[k].i];
		assert_int_equal(r->rc, HALL_ERR_INVALID);
		assert_string_equal(r->error.path, want[k].path);
		if (want[k].msg)
			assert_string_equal(r->error.msg, want[k].msg);
		else
			assert_true(r->error.msg[0] != '\0');
	}
	hall_event_batch_free(&b);
}

static void decode_events_should_read_every_field_through_the_fast_path(void **state)
{
	(void)state;
	hall_event_batch b;
	assert_int_equal(hall_proto_decode_event_batch(BATCH, sizeof BATCH - 1, "k1", &b, NULL), HALL_OK);
	const hall_event *ev = &b.items[0].ev;
	assert_int_equal(b.items[0].rc, HALL_OK);
	assert_string_equal(ev->kiosk, "k1");
	assert_int_equal(ev->seq, 1);
	assert_int_equal(ev->ts, INT64_C(1764057601234));
	assert_int_equal(ev->type, HALL_EVENT_VIEW);
	assert_string_equal(ev->exhibit, "brand");
	assert_string_equal(ev->target, "p1");
	assert_int_equal(ev->session, 0);
	assert_string_equal(ev->lang, "zh-Hans");
	assert_int_equal(ev->dwell_ms, 0);
	/* null counts as absent, as with hall_json_opt_*. */
	ev = &b.items[11].ev;
	assert_int_equal(b.items[11].rc, HALL_OK);
	assert_int_equal(ev->session, -1);
	assert_int_equal(ev->dwell_ms, -1);
	assert_string_equal(ev->lang, "");
	hall_event_batch_free(&b);
}

/* Every result of one decode, to compare the fast decoder with the tree reader. */
typedef struct decoded {
	hall_err rc;
	hall_error err;
	size_t n_ok, n_bad, n_cb;
	hall_event ev[8];
	hall_error ev_err[8];
	bool ok[8];
} decoded;

static void collect_cb(void *user, size_t index, const hall_event *ev, const hall_error *ev_err)
{
	decoded *d = user;
	assert_int_equal(index, d->n_cb);
	if (d->n_cb < 8) {
		d->ok[d->n_cb] = ev != NULL;
		if (ev)
			d->ev[d->n_cb] = *ev;
		else
			d->ev_err[d->n_cb] = *ev_err;
	}
	d->n_cb++;
}

/* Decode buf both ways and require the same results; returns the fast decoder's rc. */
static hall_err decode_both(const char *buf, size_t len, const char *kiosk)
{
	decoded *a = calloc(2, sizeof *a), *b = a + 1;
	assert_non_null(a);
	a->rc = hall_proto_decode_events(buf, len, kiosk, collect_cb, a, &a->n_ok, &a->n_bad, &a->err);
	b->rc = hall_proto_decode_events_tree(buf, len, kiosk, collect_cb, b, &b->n_ok, &b->n_bad, &b->err);
	assert_int_equal(a->rc, b->rc);
	if (a->rc != HALL_OK) {
		assert_string_equal(a->err.path, b->err.path);
		assert_string_equal(a->err.msg, b->err.msg);
	}
	assert_int_equal(a->n_cb, b->n_cb);
	assert_int_equal(a->n_ok, b->n_ok);
	assert_int_equal(a->n_bad, b->n_bad);
	for (size_t i = 0; i < a->n_cb && i < 8; i++) {
		assert_int_equal(a->ok[i], b->ok[i]);
		if (a->ok[i]) {
			assert_memory_equal(&a->ev[i], &b->ev[i], sizeof a->ev[i]);
		} else {
			assert_string_equal(a->ev_err[i].path, b->ev_err[i].path);
			assert_string_equal(a->ev_err[i].msg, b->ev_err[i].msg);
		}
	}
	hall_err rc = a->rc;
	free(a);
	return rc;
}

#define EV1 "{\"seq\":1,\"ts\":1764057601234,\"type\":\"view\",\"exhibit\":\"brand\",\"target\":\"p1\",\"session\":3," \
            "\"lang\":\"ko\",\"dwell_ms\":1200}"
#define EV2 "{\"seq\":2,\"ts\":1764057601235,\"type\":\"vote\",\"exhibit\":\"poll\",\"target\":\"a\",\"poll\":\"p-1\"}"
#define PLAIN "{\"kiosk\":\"k1\",\"events\":[" EV1 "," EV2 "]}"

/* Payloads near the plain form a kiosk writes: each is read by the fast decoder or handed
 * to the tree reader, and either way the results are the tree reader's. */
static void decode_events_should_match_the_tree_reader_on_edge_cases(void **state)
{
	(void)state;
	static const char *const cases[] = {
		PLAIN,
		"{\"kiosk\":\"k1\",\"events\":[]}",
		" \r\n\t{ \"kiosk\" : \"k1\" , \"events\" : [ " EV1 " , " EV2 " ] } \n",
		"\f{\"kiosk\":\"k1\",\"events\":[" EV1 "]}",
		"\xef\xbb\xbf{\"kiosk\":\"k1\",\"events\":[" EV1 "]}",
		"{\"events\":[" EV1 "],\"kiosk\":\"k1\"}",
		"{\"kiosk\":\"k1\",\"kiosk\":\"k2\",\"events\":[" EV1 "]}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "],\"events\":[]}",
		"{\"kiosk\":\"k2\",\"events\":[" EV1 "]}",
		"{\"kiosk\":\"K1\",\"events\":[" EV1 "]}",
		"{\"kiosk\":\"k1\",\"events\":{}}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "],\"v\":2,\"note\":\"x\"}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "],\"v\":{\"a\":1}}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "]} x",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 ",]}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "],}",
		"{\"kiosk\":\"k1\",\"events\":[" EV1 "]",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":01,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1e0,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":+1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1.0,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":-0,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":0,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":9007199254740991,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":9007199254740992,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":12345678901234567,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"seq\":2,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"br\\u0061nd\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"a\x7f\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"a\tb\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\xec\x95\x88\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"TAP\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"vote\",\"exhibit\":\"\",\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"kiosk\":\"k1\",\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"kiosk\":\"k9\",\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"kiosk\":null,\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\","
		"\"target\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\","
		"\"lang\":\"zh-Hant\",\"poll\":\"\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\","
		"\"lang\":\"zh-Hantx\"}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\","
		"\"extra\":[1]}]}",
		"{\"kiosk\":\"k1\",\"events\":[{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\","
		"\"extra\":true,\"extra\":7}]}",
		"{\"kiosk\":\"k1\",\"events\":[{}]}",
		"{\"kiosk\":\"k1\",\"events\":[7]}",
		"{\"seq\":1,\"ts\":1764057601234,\"type\":\"tap\",\"exhibit\":\"\",\"target\":\"\",\"kiosk\":\"k1\"}",
		"[]",
		"",
	};
	size_t fast = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i]);
		decode_both(cases[i], len, "k1");
		decode_both(cases[i], len, NULL);
		fast += decode_both(cases[i], len + 1, "k1") == HALL_OK; /* with the final NUL */
	}
	assert_true(fast > 10);
}

/* Bytes of the plain batch changed, dropped or doubled at random (fixed seed, bounded):
 * the fast decoder and the tree reader agree on every one. */
static void decode_events_should_match_the_tree_reader_on_mutated_batches(void **state)
{
	(void)state;
	static const char plain[] = PLAIN;
	static const char bytes[] = "\"\\0129-.eE+,:{}[] \f\x7f\x80x";
	char buf[sizeof plain + 8];
	uint32_t r = 12345;
	for (int round = 0; round < 20000; round++) {
		size_t len = sizeof plain - 1;
		memcpy(buf, plain, len);
		for (int k = 0; k < 1 + round % 3; k++) {
			r = r * 1103515245u + 12345u;
			size_t at = (r >> 8) % len;
			char c = bytes[(r >> 20) % (sizeof bytes - 1)];
			switch ((r >> 28) % 3) {
			case 0:
				buf[at] = c;
				break;
			case 1:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			default:
				if (len < sizeof buf - 1) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = c;
					len++;
				}
			}
		}
		decode_both(buf, len, (round & 1) ? "k1" : NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_events_should_give_each_bad_field_the_json_readers_error_and_path),
		cmocka_unit_test(decode_events_should_read_every_field_through_the_fast_path),
		cmocka_unit_test(decode_events_should_match_the_tree_reader_on_edge_cases),
		cmocka_unit_test(decode_events_should_match_the_tree_reader_on_mutated_batches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
