/* test_sha256.c: SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "hall/fsutil.h"
#include "hall/sha256.h"

static const char ABC_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char ABC_896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                              "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static void hex_should_match_the_empty_string_vector(void **state)
{
	(void)state;
	char hex[65];
	hall_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void hex_should_match_the_abc_vector(void **state)
{
	(void)state;
	char hex[65];
	hall_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void hex_should_match_the_448_bit_vector(void **state)
{
	(void)state;
	char hex[65];
	assert_int_equal(strlen(ABC_448) * 8, 448);
	hall_sha256_hex(ABC_448, strlen(ABC_448), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void hex_should_match_the_896_bit_vector(void **state)
{
	(void)state;
	char hex[65];
	assert_int_equal(strlen(ABC_896) * 8, 896);
	hall_sha256_hex(ABC_896, strlen(ABC_896), hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void update_should_match_the_million_a_vector_in_uneven_pieces(void **state)
{
	(void)state;
	static const char expected[] = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char a[1000];
	memset(a, 'a', sizeof a);
	/* pieces of 1..63 and 1000 bytes: every block-boundary case of update */
	hall_sha256 ctx;
	uint8_t d[32];
	hall_sha256_init(&ctx);
	size_t done = 0, step = 1;
	while (done < 1000000) {
		size_t n = step % 64 == 0 ? 1000 : step % 64;
		if (n > 1000000 - done)
			n = 1000000 - done;
		hall_sha256_update(&ctx, a, n);
		done += n;
		step++;
	}
	hall_sha256_final(&ctx, d);
	char hex[65];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(hex, expected);

	/* and in one call */
	char *m = malloc(1000000);
	assert_non_null(m);
	memset(m, 'a', 1000000);
	hall_sha256_hex(m, 1000000, hex);
	assert_string_equal(hex, expected);
	free(m);
}

static void lengths_around_the_padding_boundary_should_match_one_shot_hashing(void **state)
{
	(void)state;
	/* 55, 56, 63, 64, 65 bytes: the length field fits or spills into one more block */
	uint8_t buf[130];
	for (size_t i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	for (size_t len = 50; len <= 130; len++) {
		char one[65], two[65];
		hall_sha256_hex(buf, len, one);
		hall_sha256 ctx;
		uint8_t d[32];
		hall_sha256_init(&ctx);
		for (size_t i = 0; i < len; i++)
			hall_sha256_update(&ctx, buf + i, 1);
		hall_sha256_final(&ctx, d);
		for (int i = 0; i < 32; i++)
			snprintf(two + 2 * i, 3, "%02x", d[i]);
		assert_string_equal(one, two);
	}
	/* a known 64-byte vector: sha256 of 64 zero bytes */
	uint8_t zero[64] = {0};
	char hex[65];
	hall_sha256_hex(zero, 64, hex);
	assert_string_equal(hex, "f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b");
}

static void file_should_hash_like_memory_and_report_its_size(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "sha");
	hall_fs_join(path, sizeof path, dir, "abc.bin");
	assert_int_equal(hall_fs_write_atomic(path, ABC_896, strlen(ABC_896), NULL), HALL_OK);
	char hex[65];
	size_t size = 0;
	assert_int_equal(hall_sha256_file(path, hex, &size, NULL), HALL_OK);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	assert_int_equal(size, strlen(ABC_896));
	hall_error err = {0};
	hall_fs_join(path, sizeof path, dir, "missing.bin");
	assert_int_not_equal(hall_sha256_file(path, hex, &size, &err), HALL_OK);
	assert_string_equal(err.path, path);
	hall_test_rmtree(dir);
}

static void is_hex_should_accept_only_64_lowercase_hex_digits(void **state)
{
	(void)state;
	assert_true(hall_sha256_is_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_false(hall_sha256_is_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
	assert_false(hall_sha256_is_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"));
	assert_false(hall_sha256_is_hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add"));
	assert_false(hall_sha256_is_hex("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	assert_false(hall_sha256_is_hex(""));
	assert_false(hall_sha256_is_hex(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_should_match_the_empty_string_vector),
		cmocka_unit_test(hex_should_match_the_abc_vector),
		cmocka_unit_test(hex_should_match_the_448_bit_vector),
		cmocka_unit_test(hex_should_match_the_896_bit_vector),
		cmocka_unit_test(update_should_match_the_million_a_vector_in_uneven_pieces),
		cmocka_unit_test(lengths_around_the_padding_boundary_should_match_one_shot_hashing),
		cmocka_unit_test(file_should_hash_like_memory_and_report_its_size),
		cmocka_unit_test(is_hex_should_accept_only_64_lowercase_hex_digits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
