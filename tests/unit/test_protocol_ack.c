/* test_protocol_ack.c: the "deferred" content ack (docs/protocol.md "ack"): a kiosk that
 * holds a pack back while a visitor session runs says so at once, with why and by when it
 * applies at the latest; the decoder checks the pairing, the reason and `until`. */
/* links: hallcore */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hall/protocol.h"

#define DEFERRED                                                                                                     \
	"{\"kiosk\":\"lobby-01\",\"kind\":\"content\",\"scope\":\"all\",\"version\":8,\"result\":\"deferred\","       \
	"\"reason\":\"session\",\"until\":1764057900000}"

static void expect_error(const char *json, const char *path, const char *msg_part)
{
	hall_ack a;
	hall_error err = {0};
	if (hall_proto_decode_ack(json, strlen(json), &a, &err) != HALL_ERR_INVALID)
		fail_msg("accepted: %s", json);
	if (strcmp(err.path, path) != 0)
		fail_msg("%s: path \"%s\", expected \"%s\" (%s)", json, err.path, path, err.msg);
	if (msg_part && !strstr(err.msg, msg_part))
		fail_msg("%s: message \"%s\" lacks \"%s\"", json, err.msg, msg_part);
}

static void deferred_ack_should_round_trip_with_reason_and_until(void **state)
{
	(void)state;
	hall_ack a, b;
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_ack(DEFERRED, strlen(DEFERRED), &a, &err), HALL_OK);
	assert_int_equal(a.kind, HALL_ACK_CONTENT);
	assert_int_equal(a.result, HALL_ACK_DEFERRED);
	assert_string_equal(hall_ack_result_name(a.result), "deferred");
	assert_int_equal(a.version, 8);
	assert_string_equal(a.scope, "all");
	assert_string_equal(a.reason, HALL_ACK_DEFER_SESSION);
	assert_int_equal(a.until, INT64_C(1764057900000));

	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "\"result\":\"deferred\""));
	assert_non_null(strstr(out, "\"until\":1764057900000"));
	assert_int_equal(hall_proto_decode_ack(out, len, &b, NULL), HALL_OK);
	assert_memory_equal(&a, &b, sizeof a);
	free(out);

	/* the applied ack that follows carries no until, and decodes with until 0 */
	a.result = HALL_ACK_APPLIED;
	a.reason[0] = '\0';
	a.until = 0;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_OK);
	assert_null(strstr(out, "until"));
	assert_int_equal(hall_proto_decode_ack(out, len, &b, NULL), HALL_OK);
	assert_int_equal(b.until, 0);
	free(out);
	/* until: null is the same as leaving it out */
	const char *nul = "{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"applied\",\"until\":null}";
	assert_int_equal(hall_proto_decode_ack(nul, strlen(nul), &b, NULL), HALL_OK);
}

static void ack_and_status_should_carry_what_the_kiosk_shows(void **state)
{
	(void)state;
	const char *j = "{\"kiosk\":\"k1\",\"kind\":\"content\",\"scope\":\"all\",\"version\":9,\"result\":\"applied\","
	                "\"reason\":\"\",\"showing\":{\"scope\":\"kiosk\",\"version\":7,\"pack\":\"hall-main\"}}";
	hall_ack a, b;
	hall_error err = {0};
	assert_int_equal(hall_proto_decode_ack(j, strlen(j), &a, &err), HALL_OK);
	assert_string_equal(a.showing.scope, "kiosk");
	assert_int_equal(a.showing.version, 7);
	assert_string_equal(a.showing.pack, "hall-main");
	char *out = NULL;
	size_t len = 0;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_OK);
	assert_int_equal(hall_proto_decode_ack(out, len, &b, NULL), HALL_OK);
	assert_memory_equal(&a, &b, sizeof a);
	free(out);
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"applied\","
	             "\"showing\":{\"scope\":\"everywhere\",\"version\":1,\"pack\":\"\"}}",
	             "showing.scope", "unknown value");
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"applied\",\"showing\":3}",
	             "showing", "expected an object");

	hall_status st, st2;
	memset(&st, 0, sizeof st);
	snprintf(st.kiosk, sizeof st.kiosk, "k1");
	snprintf(st.group, sizeof st.group, "lobby");
	st.online = st.full = true;
	st.ts = INT64_C(1764057600000);
	st.content_version = 0;
	snprintf(st.showing.scope, sizeof st.showing.scope, "default");
	snprintf(st.showing.pack, sizeof st.showing.pack, "citizen-hall");
	assert_int_equal(hall_proto_encode_status(&st, &out, &len, &err), HALL_OK);
	assert_non_null(strstr(out, "\"showing\":{\"scope\":\"default\",\"version\":0,\"pack\":\"citizen-hall\"}"));
	assert_int_equal(hall_proto_decode_status(out, len, &st2, NULL), HALL_OK);
	assert_string_equal(st2.showing.scope, "default");
	assert_string_equal(st2.showing.pack, "citizen-hall");
	free(out);
}

static void deferred_ack_should_refuse_bad_values_with_the_field_path(void **state)
{
	(void)state;
	/* an unknown result */
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"later\"}", "result", NULL);
	/* deferred is for content only */
	expect_error("{\"kiosk\":\"k\",\"kind\":\"schedule\",\"version\":8,\"result\":\"deferred\",\"reason\":\"session\","
	             "\"until\":1764057900000}",
	             "result", "deferred");
	expect_error("{\"kiosk\":\"k\",\"kind\":\"command\",\"id\":\"c-1\",\"result\":\"deferred\",\"reason\":\"session\","
	             "\"until\":1764057900000}",
	             "result", "done|failed");
	/* until is required, an integer time in range */
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"deferred\",\"reason\":\"session\"}",
	             "until", NULL);
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"deferred\",\"reason\":\"session\","
	             "\"until\":5}",
	             "until", NULL);
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"deferred\",\"reason\":\"session\","
	             "\"until\":\"soon\"}",
	             "until", NULL);
	/* a deferred ack says why */
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"deferred\",\"reason\":\"\","
	             "\"until\":1764057900000}",
	             "reason", NULL);
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"deferred\","
	             "\"until\":1764057900000}",
	             "reason", NULL);
	/* only a deferred ack carries until */
	expect_error("{\"kiosk\":\"k\",\"kind\":\"content\",\"version\":8,\"result\":\"applied\",\"until\":1764057900000}",
	             "until", "deferred");

	/* the encoder checks with the decoder's rules */
	hall_ack a;
	hall_error err = {0};
	char *out = NULL;
	size_t len = 0;
	memset(&a, 0, sizeof a);
	snprintf(a.kiosk, sizeof a.kiosk, "k1");
	a.kind = HALL_ACK_NOTICE;
	a.version = 3;
	a.result = HALL_ACK_DEFERRED;
	snprintf(a.reason, sizeof a.reason, "%s", HALL_ACK_DEFER_SESSION);
	a.until = INT64_C(1764057900000);
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "result");
	a.kind = HALL_ACK_CONTENT;
	a.until = 0;
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "until");
	a.until = INT64_C(1764057900000);
	assert_int_equal(hall_proto_encode_ack(&a, &out, &len, &err), HALL_OK);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deferred_ack_should_round_trip_with_reason_and_until),
		cmocka_unit_test(deferred_ack_should_refuse_bad_values_with_the_field_path),
		cmocka_unit_test(ack_and_status_should_carry_what_the_kiosk_shows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
