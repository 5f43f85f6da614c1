/* sign.c: ed25519 signatures over topic + exact payload bytes (see hall/sign.h). */
#include "hall/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hall/fsutil.h"

#define DOMAIN "hall-sig-1"
#define HEAD_SIG "{\"sig\":\""
#define HEAD_KEY "\",\"key\":\""
#define HEAD_MSG "\",\"msg\":"
#define KEY_FILE_MAX 4096

_Static_assert(crypto_sign_PUBLICKEYBYTES == HALL_SIGN_PK_BYTES, "ed25519 public key size");
_Static_assert(crypto_sign_SECRETKEYBYTES == HALL_SIGN_SK_BYTES, "ed25519 secret key size");
_Static_assert(crypto_sign_BYTES == 64, "ed25519 signature size");
_Static_assert(HALL_SIGN_OVERHEAD == sizeof HEAD_SIG - 1 + HALL_SIGN_SIG_B64_LEN + sizeof HEAD_KEY - 1 +
                                            HALL_SIGN_PK_B64_LEN + sizeof HEAD_MSG - 1 + 1,
               "HALL_SIGN_OVERHEAD matches the layout");

/* sodium_init is idempotent and thread-safe; it fails only when no randomness source
 * exists, which signing and verifying do not need. */
static void sodium_ready(void)
{
	int r = sodium_init();
	(void)r;
}

/* Decode base64 text of exactly `want` bytes (surrounding whitespace allowed). */
static bool b64_exact(const char *text, size_t len, unsigned char *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	if (len != sodium_base64_ENCODED_LEN(want, sodium_base64_VARIANT_ORIGINAL) - 1)
		return false;
	if (sodium_base642bin(out, want, text, len, NULL, &got, &end, sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	return got == want && end == text + len;
}

void hall_sign_key_wipe(hall_sign_key *k)
{
	if (k)
		sodium_memzero(k, sizeof *k);
}

hall_err hall_sign_key_load(const char *path, hall_sign_key *out, hall_error *err)
{
	char *text = NULL;
	size_t len = 0;
	unsigned char pk[HALL_SIGN_PK_BYTES];
	hall_err rc;
	sodium_ready();
	memset(out, 0, sizeof *out);
	if ((rc = hall_fs_read_file(path, KEY_FILE_MAX, &text, &len, err)) != HALL_OK)
		return rc;
	if (!b64_exact(text, len, out->sk, sizeof out->sk)) {
		rc = hall_error_set(err, HALL_ERR_INVALID, path, "not a signing key: expected one line of base64 of %d bytes",
		                    HALL_SIGN_SK_BYTES);
		goto done;
	}
	/* libsodium's secret key is seed || public key: the halves must belong together (a
	 * public half that is not the seed's would sign with one key and name another). */
	unsigned char again[HALL_SIGN_SK_BYTES];
	int derived = crypto_sign_seed_keypair(pk, again, out->sk);
	sodium_memzero(again, sizeof again);
	if (derived != 0 || sodium_memcmp(pk, out->sk + 32, sizeof pk) != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, path, "not a signing key: its public half does not match");
		goto done;
	}
	memcpy(out->pk, pk, sizeof pk);
	sodium_bin2base64(out->pk_b64, sizeof out->pk_b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
	rc = HALL_OK;
done:
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	if (rc != HALL_OK)
		hall_sign_key_wipe(out);
	return rc;
}

hall_err hall_sign_pk_parse(const char *b64, const char *field, unsigned char pk[HALL_SIGN_PK_BYTES], hall_error *err)
{
	sodium_ready();
	if (!b64 || !b64_exact(b64, strlen(b64), pk, HALL_SIGN_PK_BYTES))
		return hall_error_set(err, HALL_ERR_INVALID, field, "expected base64 of a %d-byte ed25519 public key",
		                      HALL_SIGN_PK_BYTES);
	return HALL_OK;
}

/* The signed bytes: DOMAIN 0 topic 0 payload, hashed in one buffer (messages are at most
 * a few MiB; ed25519 needs the whole message anyway). */
static unsigned char *signed_bytes(const char *topic, const void *payload, size_t len, size_t *out_len)
{
	size_t tl = strlen(topic);
	size_t n = sizeof DOMAIN + tl + 1 + len;
	unsigned char *b = malloc(n);
	if (!b)
		return NULL;
	memcpy(b, DOMAIN, sizeof DOMAIN); /* with its NUL */
	memcpy(b + sizeof DOMAIN, topic, tl);
	b[sizeof DOMAIN + tl] = 0;
	memcpy(b + sizeof DOMAIN + tl + 1, payload, len);
	*out_len = n;
	return b;
}

hall_err hall_sign_wrap(const hall_sign_key *k, const char *topic, const void *payload, size_t len, char **out,
                        size_t *out_len, hall_error *err)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t blen = 0;
	unsigned char *b;
	char *w, *p;
	sodium_ready();
	*out = NULL;
	*out_len = 0;
	if (len == 0)
		return hall_error_set(err, HALL_ERR_INVALID, topic, "nothing to sign");
	if (!(b = signed_bytes(topic, payload, len, &blen)))
		return hall_error_set(err, HALL_ERR_NOMEM, topic, "out of memory");
	crypto_sign_detached(sig, NULL, b, blen, k->sk);
	free(b);
	if (!(w = malloc(HALL_SIGN_OVERHEAD + len + 1)))
		return hall_error_set(err, HALL_ERR_NOMEM, topic, "out of memory");
	p = w;
	memcpy(p, HEAD_SIG, sizeof HEAD_SIG - 1);
	p += sizeof HEAD_SIG - 1;
	sodium_bin2base64(p, HALL_SIGN_SIG_B64_LEN + 1, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	p += HALL_SIGN_SIG_B64_LEN;
	memcpy(p, HEAD_KEY, sizeof HEAD_KEY - 1);
	p += sizeof HEAD_KEY - 1;
	memcpy(p, k->pk_b64, HALL_SIGN_PK_B64_LEN);
	p += HALL_SIGN_PK_B64_LEN;
	memcpy(p, HEAD_MSG, sizeof HEAD_MSG - 1);
	p += sizeof HEAD_MSG - 1;
	memcpy(p, payload, len);
	p += len;
	*p++ = '}';
	*p = '\0';
	*out = w;
	*out_len = (size_t)(p - w);
	return HALL_OK;
}

hall_sign_verdict hall_sign_unwrap(const unsigned char *pk, const char *topic, const void *msg, size_t len,
                                   const void **payload, size_t *payload_len)
{
	const char *m = msg;
	const size_t at_key = sizeof HEAD_SIG - 1 + HALL_SIGN_SIG_B64_LEN;
	const size_t at_pk = at_key + sizeof HEAD_KEY - 1;
	const size_t at_msg = at_pk + HALL_SIGN_PK_B64_LEN + sizeof HEAD_MSG - 1;
	unsigned char sig[crypto_sign_BYTES], named[HALL_SIGN_PK_BYTES];
	*payload = msg;
	*payload_len = len;
	if (len < sizeof HEAD_SIG - 1 || memcmp(m, HEAD_SIG, sizeof HEAD_SIG - 1) != 0)
		return HALL_SIGN_UNSIGNED;
	sodium_ready();
	if (len < HALL_SIGN_OVERHEAD + 1 || memcmp(m + at_key, HEAD_KEY, sizeof HEAD_KEY - 1) != 0 ||
	    memcmp(m + at_pk + HALL_SIGN_PK_B64_LEN, HEAD_MSG, sizeof HEAD_MSG - 1) != 0 || m[len - 1] != '}' ||
	    !b64_exact(m + sizeof HEAD_SIG - 1, HALL_SIGN_SIG_B64_LEN, sig, sizeof sig) ||
	    !b64_exact(m + at_pk, HALL_SIGN_PK_B64_LEN, named, sizeof named))
		return HALL_SIGN_MALFORMED;
	*payload = m + at_msg;
	*payload_len = len - at_msg - 1;
	if (!pk)
		return HALL_SIGN_VALID;
	if (sodium_memcmp(named, pk, sizeof named) != 0)
		return HALL_SIGN_OTHER_KEY;
	size_t blen = 0;
	unsigned char *b = signed_bytes(topic, *payload, *payload_len, &blen);
	if (!b)
		return HALL_SIGN_BAD_SIGNATURE; /* cannot check: refuse, the controller sends again */
	int bad = crypto_sign_verify_detached(sig, b, blen, pk);
	free(b);
	return bad ? HALL_SIGN_BAD_SIGNATURE : HALL_SIGN_VALID;
}

const char *hall_sign_verdict_reason(hall_sign_verdict v)
{
	switch (v) {
	case HALL_SIGN_VALID: return "signed";
	case HALL_SIGN_UNSIGNED: return "unsigned: this kiosk takes only messages signed by its controller";
	case HALL_SIGN_MALFORMED: return "malformed signature envelope";
	case HALL_SIGN_OTHER_KEY: return "signed by another key than this kiosk's controller_key";
	case HALL_SIGN_BAD_SIGNATURE: return "bad signature: not made by the controller for this topic and payload";
	}
	return "bad signature";
}
