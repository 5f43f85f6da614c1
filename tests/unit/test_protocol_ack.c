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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
