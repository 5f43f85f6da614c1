/* test_script.c: the --script parser and player (kiosk/script.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "script.h"

static hall_script *parse_ok(const char *text)
{
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	hall_err rc = hall_script_parse(text, strlen(text), "tour.txt", &s, &err);
	if (rc != HALL_OK)
		fail_msg("%s: %s", err.path, err.msg);
	return s;
}

static void parse_should_read_every_action_with_its_line(void **state)
{
	(void)state;
	hall_script *s = parse_ok("# a tour\n"
	                          "wait 500\n"
	                          "\n"
	                          "tap 960 540   # the middle\n"
	                          "tap-id lang-ko\n"
	                          "key Keypad Enter\n"
	                          "\tshot home-1.ko\n"
	                          "dump home\n"
	                          "quit");
	assert_int_equal(s->n, 7);
	assert_int_equal(s->actions[0].op, HALL_SCRIPT_WAIT);
	assert_int_equal(s->actions[0].ms, 500);
	assert_int_equal(s->actions[0].line, 2);
	assert_int_equal(s->actions[1].op, HALL_SCRIPT_TAP);
	assert_int_equal(s->actions[1].x, 960);
	assert_int_equal(s->actions[1].y, 540);
	assert_int_equal(s->actions[1].line, 4);
	assert_int_equal(s->actions[2].op, HALL_SCRIPT_TAP_ID);
	assert_string_equal(s->actions[2].arg, "lang-ko");
	assert_int_equal(s->actions[3].op, HALL_SCRIPT_KEY);
	assert_string_equal(s->actions[3].arg, "Keypad Enter");
	assert_int_equal(s->actions[4].op, HALL_SCRIPT_SHOT);
	assert_string_equal(s->actions[4].arg, "home-1.ko");
	assert_int_equal(s->actions[5].op, HALL_SCRIPT_DUMP);
	assert_int_equal(s->actions[6].op, HALL_SCRIPT_QUIT);
	assert_int_equal(s->actions[6].line, 9);
	hall_script_free(s);
}

static void parse_should_read_wait_content_with_its_bound(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	const char *text = "wait-content 20000\nquit\n";
	assert_int_equal(hall_script_parse(text, strlen(text), "tour.txt", &s, &err), HALL_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->actions[0].op, HALL_SCRIPT_WAIT_CONTENT);
	assert_int_equal(s->actions[0].ms, 20000);
	assert_string_equal(hall_script_op_name(s->actions[0].op), "wait-content");
	hall_script_free(s);
}

static void parse_should_read_wait_file_with_its_name_and_bound(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	const char *text = "wait-file acks-in 30000\nquit\n";
	assert_int_equal(hall_script_parse(text, strlen(text), "tour.txt", &s, &err), HALL_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->actions[0].op, HALL_SCRIPT_WAIT_FILE);
	assert_string_equal(s->actions[0].arg, "acks-in");
	assert_int_equal(s->actions[0].ms, 30000);
	assert_string_equal(hall_script_op_name(s->actions[0].op), "wait-file");
	hall_script_free(s);
}

/* console4: the notice preview's `notice NAME` and `notice off` */
static void parse_should_read_notice_and_notice_off(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	const char *text = "notice notice.json\nnotice off\n";
	assert_int_equal(hall_script_parse(text, strlen(text), "tour.txt", &s, &err), HALL_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->actions[0].op, HALL_SCRIPT_NOTICE);
	assert_string_equal(s->actions[0].arg, "notice.json");
	assert_int_equal(s->actions[1].op, HALL_SCRIPT_NOTICE);
	assert_string_equal(s->actions[1].arg, "");
	assert_string_equal(hall_script_op_name(s->actions[0].op), "notice");
	hall_script_free(s);
}

static void parse_should_read_find_id_and_pages(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	const char *text = "find-id exhibit-city\npages brand next\n";
	assert_int_equal(hall_script_parse(text, strlen(text), "tour.txt", &s, &err), HALL_OK);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->actions[0].op, HALL_SCRIPT_FIND_ID);
	assert_string_equal(s->actions[0].arg, "exhibit-city");
	assert_string_equal(hall_script_op_name(s->actions[0].op), "find-id");
	assert_int_equal(s->actions[1].op, HALL_SCRIPT_PAGES);
	assert_string_equal(s->actions[1].arg, "brand");
	assert_string_equal(s->actions[1].arg2, "next");
	assert_string_equal(hall_script_op_name(s->actions[1].op), "pages");
	hall_script_free(s);
}

static void parse_should_name_the_line_of_an_error(void **state)
{
	(void)state;
	static const struct {
		const char *text, *path, *msg_part;
	} cases[] = {
		{"wait 10\ntap 1\n", "tour.txt:2", "tap"},
		{"tap -1 5\n", "tour.txt:1", "tap"},
		{"wait ten\n", "tour.txt:1", "wait"},
		{"wait 3600001\n", "tour.txt:1", "wait"},
		{"\n\n\njump 5\n", "tour.txt:4", "unknown action"},
		{"shot ../etc/passwd\n", "tour.txt:1", "shot"},
		{"dump .hidden\n", "tour.txt:1", "dump"},
		{"quit now\n", "tour.txt:1", "quit"},
		{"key\n", "tour.txt:1", "key"},
		{"tap-id a b\n", "tour.txt:1", "tap-id"},
		{"wait-content\n", "tour.txt:1", "wait-content"},
		{"wait-content -5\n", "tour.txt:1", "wait-content"},
		{"wait-file go\n", "tour.txt:1", "wait-file"},
		{"wait-file 5000\n", "tour.txt:1", "wait-file"},
		{"wait-file ../go 5000\n", "tour.txt:1", "wait-file"},
		{"wait-file go -1\n", "tour.txt:1", "wait-file"},
		{"find-id\n", "tour.txt:1", "find-id"},
		{"pages brand\n", "tour.txt:1", "pages"},
		{"pages ../x next\n", "tour.txt:1", "pages"},
		{"notice\n", "tour.txt:1", "notice"},
		{"notice ../n.json\n", "tour.txt:1", "notice"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hall_script *s = (hall_script *)1;
		hall_error err = {{0}, {0}};
		assert_int_equal(hall_script_parse(cases[i].text, strlen(cases[i].text), "tour.txt", &s, &err),
		                 HALL_ERR_INVALID);
		assert_null(s);
		assert_string_equal(err.path, cases[i].path);
		assert_non_null(strstr(err.msg, cases[i].msg_part));
	}
}

static void parse_should_accept_an_empty_script(void **state)
{
	(void)state;
	hall_script *s = parse_ok("# nothing\n\n   \n");
	assert_int_equal(s->n, 0);
	hall_script_player p;
	hall_script_player_init(&p, s, 0);
	assert_true(hall_script_player_done(&p));
	assert_null(hall_script_player_next(&p, 100));
	hall_script_free(s);
}

static void parse_should_reject_a_nul_byte(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	assert_int_equal(hall_script_parse("quit\0quit", 9, "x", &s, &err), HALL_ERR_INVALID);
}

static void player_should_hand_out_actions_when_due(void **state)
{
	(void)state;
	hall_script *s = parse_ok("tap 1 1\nwait 100\ntap 2 2\nshot a\nwait 50\nquit\n");
	hall_script_player p;
	hall_script_player_init(&p, s, 1000);
	const hall_script_action *a = hall_script_player_next(&p, 1000);
	assert_non_null(a);
	assert_int_equal(a->x, 1);
	/* the wait starts when reached: at 1010 */
	assert_null(hall_script_player_next(&p, 1010));
	assert_int_equal(hall_script_player_due(&p), 1110);
	assert_null(hall_script_player_next(&p, 1109));
	a = hall_script_player_next(&p, 1110);
	assert_int_equal(a->op, HALL_SCRIPT_TAP);
	assert_int_equal(a->x, 2);
	a = hall_script_player_next(&p, 1111);
	assert_int_equal(a->op, HALL_SCRIPT_SHOT);
	assert_null(hall_script_player_next(&p, 1112));
	assert_false(hall_script_player_done(&p));
	a = hall_script_player_next(&p, 1200);
	assert_int_equal(a->op, HALL_SCRIPT_QUIT);
	assert_true(hall_script_player_done(&p));
	assert_int_equal(hall_script_player_due(&p), INT64_MAX);
	hall_script_free(s);
}

static void load_should_report_a_missing_file(void **state)
{
	(void)state;
	hall_script *s = NULL;
	hall_error err = {{0}, {0}};
	assert_int_not_equal(hall_script_load("/nonexistent/tour.txt", &s, &err), HALL_OK);
	assert_null(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_should_read_every_action_with_its_line),
		cmocka_unit_test(parse_should_name_the_line_of_an_error),
		cmocka_unit_test(parse_should_read_find_id_and_pages),
		cmocka_unit_test(parse_should_read_wait_content_with_its_bound),
		cmocka_unit_test(parse_should_read_wait_file_with_its_name_and_bound),
	    cmocka_unit_test(parse_should_read_notice_and_notice_off),
		cmocka_unit_test(parse_should_accept_an_empty_script),
		cmocka_unit_test(parse_should_reject_a_nul_byte),
		cmocka_unit_test(player_should_hand_out_actions_when_due),
		cmocka_unit_test(load_should_report_a_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
