/* test_sign.c: the controller's signature (hall/sign.h): what verifies and what is refused,
 * byte-exact payloads, key files. */
/* links: hallcore */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fixtures.h"
#include "hall/fsutil.h"
#include "hall/sign.h"

#define TOPIC "hall/v1/ctl/kiosk/k1/content"
#define PAYLOAD "{\"scope\":\"kiosk:k1\",\"version\":9007199254740991,\"cleared\":true,\"x\":\"\\u00e9 \xec\x8b\x9c\"}"

typedef struct keys {
	char dir[512];
	char path[600];
	hall_sign_key k;
	unsigned char other_pk[HALL_SIGN_PK_BYTES];
} keys;

/* What hall_sign_unwrap says of msg, where the payload it hands back does not matter. */
static hall_sign_verdict verdict(const unsigned char *pk, const char *topic, const void *msg, size_t len)
{
	const void *p = NULL;
	size_t n = 0;
	return hall_sign_unwrap(pk, topic, msg, len, &p, &n);
}

/* PAYLOAD signed for topic by the test's key into *msg (the caller frees) and *len. */
static void sign_payload(const keys *t, const char *topic, char **msg, size_t *len)
{
	assert_int_equal(hall_sign_wrap(&t->k, topic, PAYLOAD, strlen(PAYLOAD), msg, len, NULL), HALL_OK);
}

/* A real key file as `hall-controller init` writes it: one line of base64 of the secret key. */
static int setup(void **state)
{
	keys *t = calloc(1, sizeof *t);
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], osk[crypto_sign_SECRETKEYBYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_sign_SECRETKEYBYTES, sodium_base64_VARIANT_ORIGINAL) + 1];
	hall_error err = {0};
	if (!t || sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(t->other_pk, osk);
	sodium_bin2base64(b64, sizeof b64, sk, sizeof sk, sodium_base64_VARIANT_ORIGINAL);
	strcat(b64, "\n");
	hall_test_tmpdir(t->dir, sizeof t->dir, "sign");
	snprintf(t->path, sizeof t->path, "%s/controller-sign.key", t->dir);
	if (hall_fs_write_atomic(t->path, b64, strlen(b64), &err) != HALL_OK ||
	    hall_sign_key_load(t->path, &t->k, &err) != HALL_OK) {
		fprintf(stderr, "setup: %s: %s\n", err.path, err.msg);
		return -1;
	}
	if (memcmp(t->k.pk, pk, sizeof pk) != 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	keys *t = *state;
	hall_test_rmtree(t->dir);
	free(t);
	return 0;
}

static void wrapped_message_should_verify_and_give_back_the_exact_payload(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	const void *p = NULL;
	size_t n = 0;
	sign_payload(t, TOPIC, &msg, &len);
	assert_int_equal(len, strlen(PAYLOAD) + HALL_SIGN_OVERHEAD);
	assert_memory_equal(msg, "{\"sig\":\"", 8);
	assert_int_equal(hall_sign_unwrap(t->k.pk, TOPIC, msg, len, &p, &n), HALL_SIGN_VALID);
	assert_int_equal(n, strlen(PAYLOAD));
	assert_memory_equal(p, PAYLOAD, n);
	free(msg);
}

static void message_signed_for_another_topic_should_be_refused(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	sign_payload(t, "hall/v1/ctl/kiosk/k2/content", &msg, &len);
	assert_int_equal(verdict(t->k.pk, TOPIC, msg, len), HALL_SIGN_BAD_SIGNATURE);
	free(msg);
}

static void message_signed_by_another_key_should_be_refused(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	sign_payload(t, TOPIC, &msg, &len);
	assert_int_equal(verdict(t->other_pk, TOPIC, msg, len), HALL_SIGN_OTHER_KEY);
	free(msg);
}

static void changed_payload_or_pinned_key_name_should_not_verify(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	sign_payload(t, TOPIC, &msg, &len);
	char *v = strstr(msg, "9007199254740991");
	assert_non_null(v);
	v[15] = '0'; /* one digit of the version */
	assert_int_equal(verdict(t->k.pk, TOPIC, msg, len), HALL_SIGN_BAD_SIGNATURE);
	free(msg);
}

static void unsigned_and_malformed_messages_should_be_told_apart(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	const void *p = NULL;
	size_t n = 0;
	assert_int_equal(hall_sign_unwrap(t->k.pk, TOPIC, PAYLOAD, strlen(PAYLOAD), &p, &n), HALL_SIGN_UNSIGNED);
	assert_ptr_equal(p, PAYLOAD);
	assert_int_equal(n, strlen(PAYLOAD));
	sign_payload(t, TOPIC, &msg, &len);
	/* cut short, a trailing byte, a space in the layout */
	assert_int_equal(hall_sign_unwrap(t->k.pk, TOPIC, msg, 100, &p, &n), HALL_SIGN_MALFORMED);
	msg[len - 1] = ' ';
	assert_int_equal(hall_sign_unwrap(t->k.pk, TOPIC, msg, len, &p, &n), HALL_SIGN_MALFORMED);
	msg[len - 1] = '}';
	msg[8 + HALL_SIGN_SIG_B64_LEN + 2] = ' ';
	assert_int_equal(hall_sign_unwrap(t->k.pk, TOPIC, msg, len, &p, &n), HALL_SIGN_MALFORMED);
	free(msg);
}

static void development_profile_should_unwrap_without_a_key(void **state)
{
	keys *t = *state;
	char *msg = NULL;
	size_t len = 0;
	const void *p = NULL;
	size_t n = 0;
	sign_payload(t, TOPIC, &msg, &len);
	assert_int_equal(hall_sign_unwrap(NULL, "another/topic", msg, len, &p, &n), HALL_SIGN_VALID);
	assert_memory_equal(p, PAYLOAD, n);
	free(msg);
}

static void bad_key_files_and_public_keys_should_be_named(void **state)
{
	keys *t = *state;
	hall_sign_key k;
	hall_error err = {0};
	unsigned char pk[HALL_SIGN_PK_BYTES];
	char path[700];
	snprintf(path, sizeof path, "%s/bad.key", t->dir);
	assert_int_equal(hall_fs_write_atomic(path, "not base64!\n", 12, &err), HALL_OK);
	assert_int_equal(hall_sign_key_load(path, &k, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, path);
	/* 64 bytes whose halves do not belong together (a zero seed, a zero public half) */
	unsigned char zero[HALL_SIGN_SK_BYTES] = {0};
	char b64[sodium_base64_ENCODED_LEN(HALL_SIGN_SK_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	sodium_bin2base64(b64, sizeof b64, zero, sizeof zero, sodium_base64_VARIANT_ORIGINAL);
	assert_int_equal(hall_fs_write_atomic(path, b64, strlen(b64), &err), HALL_OK);
	assert_int_equal(hall_sign_key_load(path, &k, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_sign_pk_parse(t->k.pk_b64, "controller_key", pk, &err), HALL_OK);
	assert_memory_equal(pk, t->k.pk, sizeof pk);
	assert_int_equal(hall_sign_pk_parse("AAAA", "controller_key", pk, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "controller_key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrapped_message_should_verify_and_give_back_the_exact_payload),
		cmocka_unit_test(message_signed_for_another_topic_should_be_refused),
		cmocka_unit_test(message_signed_by_another_key_should_be_refused),
		cmocka_unit_test(changed_payload_or_pinned_key_name_should_not_verify),
		cmocka_unit_test(unsigned_and_malformed_messages_should_be_told_apart),
		cmocka_unit_test(development_profile_should_unwrap_without_a_key),
		cmocka_unit_test(bad_key_files_and_public_keys_should_be_named),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
