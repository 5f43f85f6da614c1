/* test_topics.c: every topic builder of docs/protocol.md, id checks, and the parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hall/topics.h"

static const char SHA[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

static void id_should_allow_1_to_64_of_the_alphabet(void **state)
{
	(void)state;
	char id[70];
	assert_true(hall_id_is_valid("lobby-01"));
	assert_true(hall_id_is_valid("a"));
	assert_true(hall_id_is_valid("policy_hall_2"));
	memset(id, 'a', 64);
	id[64] = '\0';
	assert_true(hall_id_is_valid(id));
	id[64] = 'a';
	id[65] = '\0';
	assert_false(hall_id_is_valid(id));
	static const char *const bad[] = {"", "Lobby", "lobby 01", "lobby/01", "lobby+", "lobby#", "로비", "a.b",
	                                  "a\n"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hall_id_is_valid(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(hall_id_is_valid(NULL));
}

static void kiosk_topics_should_follow_the_protocol_table(void **state)
{
	(void)state;
	static const char *const leaves[] = {"hello", "status", "events", "ack", "help", "fetch", "shot"};
	char t[HALL_TOPIC_MAX], expected[HALL_TOPIC_MAX];
	for (size_t i = 0; i < sizeof leaves / sizeof leaves[0]; i++) {
		assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "lobby-01", leaves[i]), 0);
		snprintf(expected, sizeof expected, "hall/v1/kiosk/lobby-01/%s", leaves[i]);
		assert_string_equal(t, expected);
	}
	assert_int_equal(hall_topic_kiosk(t, sizeof t, "test/x1", "k", "events"), 0);
	assert_string_equal(t, "test/x1/kiosk/k/events");
}

static void controller_topics_should_follow_the_protocol_table(void **state)
{
	(void)state;
	char t[HALL_TOPIC_MAX];
	assert_int_equal(hall_topic_ctl_kiosk(t, sizeof t, NULL, "lobby-01", "confirm"), 0);
	assert_string_equal(t, "hall/v1/ctl/kiosk/lobby-01/confirm");
	assert_int_equal(hall_topic_ctl_kiosk(t, sizeof t, NULL, "lobby-01", "poll"), 0);
	assert_string_equal(t, "hall/v1/ctl/kiosk/lobby-01/poll");
	assert_int_equal(hall_topic_ctl_group(t, sizeof t, NULL, "lobby", "content"), 0);
	assert_string_equal(t, "hall/v1/ctl/group/lobby/content");
	assert_int_equal(hall_topic_ctl_all(t, sizeof t, NULL, "notice"), 0);
	assert_string_equal(t, "hall/v1/ctl/all/notice");
	assert_int_equal(hall_topic_ctl_asset(t, sizeof t, NULL, SHA), 0);
	assert_string_equal(t, "hall/v1/ctl/asset/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(hall_topic_ctl_poll_results(t, sizeof t, NULL, "brand-vote"), 0);
	assert_string_equal(t, "hall/v1/ctl/poll/brand-vote/results");
	assert_int_equal(hall_topic_ctl_controller_status(t, sizeof t, NULL), 0);
	assert_string_equal(t, "hall/v1/ctl/controller/status");
	assert_int_equal(hall_topic_ctl_controller_status(t, sizeof t, "p/q"), 0);
	assert_string_equal(t, "p/q/ctl/controller/status");
}

static void builders_should_refuse_invalid_ids_leaves_and_small_buffers(void **state)
{
	(void)state;
	char t[HALL_TOPIC_MAX];
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "Lobby", "events"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "+", "events"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "#", "events"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "", "events"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, NULL, "events"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "k", "a/b"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "k", "#"), -1);
	assert_int_equal(hall_topic_kiosk(t, sizeof t, NULL, "k", ""), -1);
	assert_int_equal(hall_topic_ctl_kiosk(t, sizeof t, NULL, "a/b", "content"), -1);
	assert_int_equal(hall_topic_ctl_group(t, sizeof t, NULL, "Group", "content"), -1);
	assert_int_equal(hall_topic_ctl_group(t, sizeof t, NULL, "g", "+"), -1);
	assert_int_equal(hall_topic_ctl_all(t, sizeof t, NULL, "a/b"), -1);
	assert_int_equal(hall_topic_ctl_asset(t, sizeof t, NULL, "abc"), -1);
	assert_int_equal(hall_topic_ctl_asset(t, sizeof t, NULL,
	                                      "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
	                 -1);
	assert_int_equal(hall_topic_ctl_poll_results(t, sizeof t, NULL, "Poll"), -1);
	/* exactly fitting, and one byte short */
	const char *want = "hall/v1/kiosk/k/ack";
	assert_int_equal(hall_topic_kiosk(t, strlen(want) + 1, NULL, "k", "ack"), 0);
	assert_string_equal(t, want);
	assert_int_equal(hall_topic_kiosk(t, strlen(want), NULL, "k", "ack"), -1);
	assert_int_equal(hall_topic_ctl_controller_status(t, 10, NULL), -1);
}

static void parse_kiosk_should_split_id_and_leaf(void **state)
{
	(void)state;
	char id[HALL_ID_MAX + 1], leaf[32];
	assert_int_equal(hall_topic_parse_kiosk("hall/v1/kiosk/lobby-01/events", NULL, id, sizeof id, leaf, sizeof leaf), 0);
	assert_string_equal(id, "lobby-01");
	assert_string_equal(leaf, "events");
	assert_int_equal(hall_topic_parse_kiosk("t/x/kiosk/k9/status", "t/x", id, sizeof id, leaf, sizeof leaf), 0);
	assert_string_equal(id, "k9");
	assert_string_equal(leaf, "status");
	/* round trip with the builder */
	char t[HALL_TOPIC_MAX];
	assert_int_equal(hall_topic_kiosk(t, sizeof t, "a/b/c", "z_1", "shot"), 0);
	assert_int_equal(hall_topic_parse_kiosk(t, "a/b/c", id, sizeof id, leaf, sizeof leaf), 0);
	assert_string_equal(id, "z_1");
	assert_string_equal(leaf, "shot");
}

static void parse_kiosk_should_refuse_other_topics(void **state)
{
	(void)state;
	char id[HALL_ID_MAX + 1], leaf[32];
	static const char *const bad[] = {
		"hall/v1/ctl/kiosk/k/content",   /* controller topic */
		"hall/v2/kiosk/k/events",        /* other prefix */
		"hall/v1x/kiosk/k/events",       /* prefix must end at a level */
		"hall/v1/kiosk/k",               /* no leaf */
		"hall/v1/kiosk//events",         /* empty id */
		"hall/v1/kiosk/K1/events",       /* bad id */
		"hall/v1/kiosk/k/events/extra",  /* too deep */
		"hall/v1/kiosk/k/",              /* empty leaf */
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (hall_topic_parse_kiosk(bad[i], NULL, id, sizeof id, leaf, sizeof leaf) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(hall_topic_parse_kiosk(NULL, NULL, id, sizeof id, leaf, sizeof leaf), -1);
	/* buffers too small */
	assert_int_equal(hall_topic_parse_kiosk("hall/v1/kiosk/lobby-01/events", NULL, id, 4, leaf, sizeof leaf), -1);
	assert_int_equal(hall_topic_parse_kiosk("hall/v1/kiosk/lobby-01/events", NULL, id, sizeof id, leaf, 6), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(id_should_allow_1_to_64_of_the_alphabet),
		cmocka_unit_test(kiosk_topics_should_follow_the_protocol_table),
		cmocka_unit_test(controller_topics_should_follow_the_protocol_table),
		cmocka_unit_test(builders_should_refuse_invalid_ids_leaves_and_small_buffers),
		cmocka_unit_test(parse_kiosk_should_split_id_and_leaf),
		cmocka_unit_test(parse_kiosk_should_refuse_other_topics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
