/* test_json.c: typed, path-reporting reads of cJSON trees (hall/json.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hall/json.h"

static cJSON *parse_ok(const char *text)
{
	cJSON *root = NULL;
	hall_error err = {0};
	if (hall_json_parse(text, strlen(text), 1u << 20, &root, &err) != HALL_OK)
		fail_msg("parse of %s failed: %s", text, err.msg);
	return root;
}

static void parse_should_accept_an_object_with_surrounding_white_space(void **state)
{
	(void)state;
	cJSON *root = parse_ok(" \n{\"a\":1}\r\n\t ");
	assert_true(cJSON_IsObject(root));
	cJSON_Delete(root);
}

static void parse_should_accept_a_final_nul_and_read_only_len_bytes(void **state)
{
	(void)state;
	const char buf[] = "{\"a\":1}";
	cJSON *root = NULL;
	assert_int_equal(hall_json_parse(buf, sizeof buf, 100, &root, NULL), HALL_OK); /* with its NUL */
	cJSON_Delete(root);
	/* not NUL-terminated: the bytes after len must not be read */
	char *heap = malloc(7);
	assert_non_null(heap);
	memcpy(heap, "{\"a\":1}", 7);
	assert_int_equal(hall_json_parse(heap, 7, 100, &root, NULL), HALL_OK);
	cJSON_Delete(root);
	/* a prefix of a valid document is not valid */
	assert_int_equal(hall_json_parse(heap, 6, 100, &root, NULL), HALL_ERR_INVALID);
	assert_null(root);
	free(heap);
}

static void parse_should_reject_empty_too_big_malformed_and_trailing_input(void **state)
{
	(void)state;
	cJSON *root = (cJSON *)1;
	hall_error err = {0};
	assert_int_equal(hall_json_parse("", 0, 100, &root, &err), HALL_ERR_INVALID);
	assert_null(root);
	assert_int_equal(hall_json_parse(NULL, 0, 100, &root, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_parse("{\"a\":1}", 7, 6, &root, &err), HALL_ERR_TOO_BIG);
	assert_int_equal(hall_json_parse("{\"a\":1}", 7, 7, &root, &err), HALL_OK);
	cJSON_Delete(root);
	assert_int_equal(hall_json_parse("{\"a\":}", 6, 100, &root, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "malformed"));
	assert_int_equal(hall_json_parse("{\"a\":1} x", 9, 100, &root, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "after"));
	assert_null(root);
	assert_int_equal(hall_json_parse("{}{}", 4, 100, &root, &err), HALL_ERR_INVALID);
	const char nul_inside[] = "{}\0{}";
	assert_int_equal(hall_json_parse(nul_inside, 5, 100, &root, &err), HALL_ERR_INVALID);
}

static void path_helpers_should_join_keys_and_indexes(void **state)
{
	(void)state;
	char p[64], q[64], r[64];
	hall_json_path_key(p, sizeof p, "", "exhibits");
	assert_string_equal(p, "exhibits");
	hall_json_path_index(q, sizeof q, p, 2);
	assert_string_equal(q, "exhibits[2]");
	hall_json_path_key(r, sizeof r, q, "title");
	hall_json_path_key(p, sizeof p, r, "ko");
	assert_string_equal(p, "exhibits[2].title.ko");
	hall_json_path_key(p, sizeof p, NULL, "x");
	assert_string_equal(p, "x");
	char tiny[4];
	hall_json_path_key(tiny, sizeof tiny, "abcdef", "g"); /* truncates, never overflows */
	assert_int_equal(strlen(tiny), 3);
}

static void get_string_should_name_the_field_when_missing_wrong_or_too_long(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{\"t\":{\"ko\":\"서울\",\"n\":5,\"long\":\"abcdef\"}}");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "t");
	const char *s = NULL;
	hall_error err = {0};
	assert_int_equal(hall_json_get_string(t, "t", "ko", 64, &s, &err), HALL_OK);
	assert_string_equal(s, "서울");
	assert_int_equal(hall_json_get_string(t, "t", "en", 64, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "t.en");
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(hall_json_get_string(t, "t", "n", 64, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "t.n");
	assert_non_null(strstr(err.msg, "expected a string"));
	assert_int_equal(hall_json_get_string(t, "t", "long", 5, &s, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_string(t, "t", "long", 6, &s, &err), HALL_OK);
	/* "서울" is 6 bytes of UTF-8: limits count bytes */
	assert_int_equal(hall_json_get_string(t, "t", "ko", 5, &s, &err), HALL_ERR_INVALID);
	cJSON_Delete(root);
}

static void get_int_should_check_type_integrality_and_range(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{\"a\":5,\"f\":1.5,\"s\":\"5\",\"neg\":-3,\"big\":1e300,\"b\":true,"
	                       "\"max\":9007199254740991,\"over\":9007199254740992}");
	int64_t v = 42;
	hall_error err = {0};
	assert_int_equal(hall_json_get_int(root, "", "a", 0, 10, &v, &err), HALL_OK);
	assert_int_equal(v, 5);
	assert_int_equal(hall_json_get_int(root, "", "a", 6, 10, &v, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "a");
	assert_int_equal(v, 5); /* untouched on failure */
	assert_int_equal(hall_json_get_int(root, "", "f", 0, 10, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "s", 0, 10, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "b", 0, 10, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "neg", 0, 10, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "neg", -3, 10, &v, &err), HALL_OK);
	assert_int_equal(v, -3);
	assert_int_equal(hall_json_get_int(root, "", "big", 0, INT64_C(1) << 53, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "max", 0, (INT64_C(1) << 53) - 1, &v, &err), HALL_OK);
	assert_int_equal(v, (INT64_C(1) << 53) - 1);
	assert_int_equal(hall_json_get_int(root, "", "over", 0, (INT64_C(1) << 53) - 1, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "none", 0, 10, &v, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "missing"));
	cJSON_Delete(root);
}

static void get_int_with_the_full_int64_range_should_refuse_values_beyond_it(void **state)
{
	(void)state;
	/* (double)INT64_MAX rounds up to 2^63, so a bound check in doubles alone lets 2^63
	 * and 1e19 through, and converting them to int64_t is undefined. */
	cJSON *root = parse_ok("{\"p63\":9223372036854775808,\"e19\":1e19,\"m\":-9223372036854775808,\"m2\":-1e19}");
	int64_t v = 0;
	hall_error err = {0};
	assert_int_equal(hall_json_get_int(root, "", "p63", INT64_MIN, INT64_MAX, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "e19", INT64_MIN, INT64_MAX, &v, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "m", INT64_MIN, INT64_MAX, &v, &err), HALL_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(hall_json_get_int(root, "", "m2", INT64_MIN, INT64_MAX, &v, &err), HALL_ERR_INVALID);
	cJSON_Delete(root);
}

static void get_double_bool_object_array_should_check_their_types(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{\"d\":2.5,\"b\":false,\"o\":{},\"a\":[1],\"n\":null}");
	double d = 0;
	bool b = true;
	const cJSON *o = NULL;
	hall_error err = {0};
	assert_int_equal(hall_json_get_double(root, "x", "d", 0, 3, &d, &err), HALL_OK);
	assert_true(d == 2.5);
	assert_int_equal(hall_json_get_double(root, "x", "d", 0, 2, &d, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "x.d");
	assert_int_equal(hall_json_get_double(root, "x", "b", 0, 2, &d, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_bool(root, "", "b", &b, &err), HALL_OK);
	assert_false(b);
	assert_int_equal(hall_json_get_bool(root, "", "d", &b, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_bool(root, "", "n", &b, &err), HALL_ERR_INVALID); /* null is not false */
	assert_int_equal(hall_json_get_object(root, "", "o", &o, &err), HALL_OK);
	assert_true(cJSON_IsObject(o));
	assert_int_equal(hall_json_get_object(root, "", "a", &o, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "a");
	assert_int_equal(hall_json_get_array(root, "", "a", &o, &err), HALL_OK);
	assert_true(cJSON_IsArray(o));
	assert_int_equal(hall_json_get_array(root, "", "o", &o, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_array(root, "", "zz", &o, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "missing"));
	assert_int_equal(hall_json_expect_object(root, "", &err), HALL_OK);
	assert_int_equal(hall_json_expect_object(cJSON_GetObjectItemCaseSensitive(root, "a"), "a", &err),
	                 HALL_ERR_INVALID);
	assert_string_equal(err.path, "a");
	assert_int_equal(hall_json_expect_object(NULL, "", &err), HALL_ERR_INVALID);
	cJSON_Delete(root);
}

static void optional_fields_should_leave_the_value_when_absent_or_null_and_check_it_when_present(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{\"n\":null,\"s\":\"x\",\"i\":7,\"d\":1.25,\"b\":true}");
	const char *s = "default";
	int64_t i = -1;
	double d = -1;
	bool b = false;
	hall_error err = {0};
	assert_int_equal(hall_json_opt_string(root, "", "absent", 10, &s, &err), HALL_OK);
	assert_int_equal(hall_json_opt_string(root, "", "n", 10, &s, &err), HALL_OK);
	assert_string_equal(s, "default");
	assert_int_equal(hall_json_opt_int(root, "", "n", 0, 10, &i, &err), HALL_OK);
	assert_int_equal(hall_json_opt_double(root, "", "n", 0, 10, &d, &err), HALL_OK);
	assert_int_equal(hall_json_opt_bool(root, "", "n", &b, &err), HALL_OK);
	assert_int_equal(i, -1);
	assert_true(d == -1);
	assert_false(b);
	assert_int_equal(hall_json_opt_string(root, "", "s", 10, &s, &err), HALL_OK);
	assert_string_equal(s, "x");
	assert_int_equal(hall_json_opt_int(root, "", "i", 0, 10, &i, &err), HALL_OK);
	assert_int_equal(i, 7);
	assert_int_equal(hall_json_opt_double(root, "", "d", 0, 10, &d, &err), HALL_OK);
	assert_true(d == 1.25);
	assert_int_equal(hall_json_opt_bool(root, "", "b", &b, &err), HALL_OK);
	assert_true(b);
	/* present with the wrong type or range is an error */
	assert_int_equal(hall_json_opt_string(root, "r", "i", 10, &s, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "r.i");
	assert_int_equal(hall_json_opt_int(root, "", "i", 8, 10, &i, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_opt_int(root, "", "d", 0, 10, &i, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_opt_double(root, "", "s", 0, 10, &d, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_json_opt_bool(root, "", "i", &b, &err), HALL_ERR_INVALID);
	cJSON_Delete(root);
}

static void field_reads_on_a_non_object_should_fail_not_crash(void **state)
{
	(void)state;
	cJSON *root = parse_ok("[1,2]");
	const char *s = NULL;
	int64_t i = 0;
	assert_int_equal(hall_json_get_string(root, "", "a", 10, &s, NULL), HALL_ERR_INVALID);
	assert_int_equal(hall_json_get_int(root, "", "a", 0, 1, &i, NULL), HALL_ERR_INVALID);
	assert_int_equal(hall_json_opt_int(NULL, "", "a", 0, 1, &i, NULL), HALL_OK);
	cJSON_Delete(root);
}

static void print_should_write_compact_json_and_its_length(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{ \"a\" : [ 1 , \"서울\" ] }");
	size_t len = 0;
	char *s = hall_json_print(root, &len);
	assert_non_null(s);
	assert_string_equal(s, "{\"a\":[1,\"서울\"]}");
	assert_int_equal(len, strlen(s));
	free(s);
	cJSON_Delete(root);
}

static void print_should_keep_integers_exact_and_doubles_short(void **state)
{
	(void)state;
	cJSON *root = parse_ok("{\"v\":9007199254740991,\"n\":-9007199254740991,\"f\":0.1,\"g\":0.30000000000000004,"
	                       "\"a\":[4503599627370497]}");
	char *s = hall_json_print(root, NULL);
	assert_non_null(s);
	/* cJSON alone writes 9.00719925474099e+15, which reads back as ...990 */
	assert_string_equal(s, "{\"v\":9007199254740991,\"n\":-9007199254740991,\"f\":0.1,\"g\":0.30000000000000004,"
	                       "\"a\":[4503599627370497]}");
	/* the caller's tree keeps its numbers */
	assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "v")));
	int64_t v = 0;
	assert_int_equal(hall_json_get_int(root, "", "v", 0, INT64_C(9007199254740991), &v, NULL), HALL_OK);
	assert_true(v == INT64_C(9007199254740991));
	free(s);
	cJSON_Delete(root);
}

/* Integers past 2^53 (a version or seq a database holds) print digit for digit: a double
 * would make 9007199254740993 ...992. Both printers keep them. */
static void add_int_should_print_every_int64_exactly(void **state)
{
	(void)state;
	cJSON *o = cJSON_CreateObject();
	assert_non_null(hall_json_add_int(o, "v", INT64_C(9007199254740993)));
	assert_non_null(hall_json_add_int(o, "max", INT64_MAX));
	assert_non_null(hall_json_add_int(o, "min", INT64_MIN));
	assert_non_null(hall_json_add_int(o, "zero", 0));
	const char *want = "{\"v\":9007199254740993,\"max\":9223372036854775807,\"min\":-9223372036854775808,\"zero\":0}";
	char *a = cJSON_PrintUnformatted(o);
	assert_string_equal(a, want);
	size_t len = 0;
	char *b = hall_json_print(o, &len);
	assert_string_equal(b, want);
	assert_int_equal(len, strlen(want));
	free(a);
	free(b);
	cJSON_Delete(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_should_accept_an_object_with_surrounding_white_space),
		cmocka_unit_test(parse_should_accept_a_final_nul_and_read_only_len_bytes),
		cmocka_unit_test(parse_should_reject_empty_too_big_malformed_and_trailing_input),
		cmocka_unit_test(path_helpers_should_join_keys_and_indexes),
		cmocka_unit_test(get_string_should_name_the_field_when_missing_wrong_or_too_long),
		cmocka_unit_test(get_int_should_check_type_integrality_and_range),
		cmocka_unit_test(get_int_with_the_full_int64_range_should_refuse_values_beyond_it),
		cmocka_unit_test(get_double_bool_object_array_should_check_their_types),
		cmocka_unit_test(optional_fields_should_leave_the_value_when_absent_or_null_and_check_it_when_present),
		cmocka_unit_test(field_reads_on_a_non_object_should_fail_not_crash),
		cmocka_unit_test(print_should_write_compact_json_and_its_length),
		cmocka_unit_test(print_should_keep_integers_exact_and_doubles_short),
		cmocka_unit_test(add_int_should_print_every_int64_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
