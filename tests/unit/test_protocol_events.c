/* test_protocol_events.c: the event decoder's fast field reads (core/src/protocol.c
 * fast_*) accept exactly what the hall_json_* readers accept and, for everything else,
 * give those readers' errors with the event's full path. */
#include <setjmp.h>
#include <stdarg.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decode_events_should_give_each_bad_field_the_json_readers_error_and_path),
		cmocka_unit_test(decode_events_should_read_every_field_through_the_fast_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
