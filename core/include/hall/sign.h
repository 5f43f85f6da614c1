/* hall/sign.h: the controller's signature on what it tells kiosks (DESIGN.md decision 7,
 * docs/protocol.md "signed messages").
 *
 * A signed message is one JSON object laid out byte for byte as
 *     {"sig":"<88 chars>","key":"<44 chars>","msg":<payload>}
 * where <payload> is the unsigned message's exact bytes (a JSON object, so the whole stays
 * JSON that mosquitto_sub and jq show as it is), "sig" is the base64
 * (sodium_base64_VARIANT_ORIGINAL) of the 64-byte ed25519 signature (libsodium,
 * crypto_sign_detached) of
 *     "hall-sig-1" 0x00 <topic> 0x00 <payload>
 * (the topic it is published on, so a message signed for one kiosk or kind is worthless on
 * another topic; the NULs make the split unambiguous), and "key" is the base64 of the
 * signer's 32-byte public key. "key" only names the signer so a refusal can say "another
 * key": a kiosk always verifies against the key pinned in its config, never this field.
 * Any other layout (spaces, other field order, trailing bytes) is not a signed message.
 *
 * Key files (made by `hall-controller init`): the secret key file is one line, base64 of
 * the 64-byte libsodium ed25519 secret key; the public key file is one line, base64 of the
 * 32-byte public key; a kiosk config's "controller_key" is that same base64 text.
 *
 * Threads: every function is safe from any thread (libsodium is initialised once). */
#ifndef HALL_SIGN_H
#define HALL_SIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "hall/err.h"

#define HALL_SIGN_PK_BYTES 32
#define HALL_SIGN_SK_BYTES 64
#define HALL_SIGN_PK_B64_LEN 44  /* base64 of 32 bytes, without NUL */
#define HALL_SIGN_SIG_B64_LEN 88 /* base64 of 64 bytes, without NUL */
/* Bytes a signature adds around a payload: {"sig":"…","key":"…","msg": … } */
#define HALL_SIGN_OVERHEAD (8 + HALL_SIGN_SIG_B64_LEN + 9 + HALL_SIGN_PK_B64_LEN + 8 + 1)

typedef struct hall_sign_key {
	unsigned char sk[HALL_SIGN_SK_BYTES];
	unsigned char pk[HALL_SIGN_PK_BYTES];
	char pk_b64[HALL_SIGN_PK_B64_LEN + 1];
} hall_sign_key;

/* Read a secret key file (one line of base64, see above). Errors name the file:
 * IO (unreadable), INVALID (not base64 of 64 bytes, or its public half does not match
 * the secret half). The caller owns *out (plain memory; wipe it with
 * hall_sign_key_wipe when done). */
hall_err hall_sign_key_load(const char *path, hall_sign_key *out, hall_error *err);
void hall_sign_key_wipe(hall_sign_key *k);

/* Parse a public key given as base64 text (a kiosk's "controller_key"). INVALID unless it
 * is base64 of exactly 32 bytes; `field` names where it came from in the error. */
hall_err hall_sign_pk_parse(const char *b64, const char *field, unsigned char pk[HALL_SIGN_PK_BYTES],
                            hall_error *err);

/* Sign `payload` (len bytes, a JSON object) for `topic`: *out gets the signed message
 * (malloc'd, NUL-terminated for logs, *out_len bytes without the NUL; the caller frees).
 * Errors: NOMEM, INVALID (an empty payload). */
hall_err hall_sign_wrap(const hall_sign_key *k, const char *topic, const void *payload, size_t len, char **out,
                        size_t *out_len, hall_error *err);

typedef enum hall_sign_verdict {
	HALL_SIGN_VALID = 0,     /* signed, and the signature verifies for this topic (or no key
	                            was given: signed form, not checked) */
	HALL_SIGN_UNSIGNED,      /* not in the signed layout: *payload is the whole message */
	HALL_SIGN_MALFORMED,     /* starts like a signed message but breaks the layout */
	HALL_SIGN_OTHER_KEY,     /* signed by a key other than the pinned one */
	HALL_SIGN_BAD_SIGNATURE  /* the pinned key's name, but the signature does not verify for
	                            this topic and payload (made for another topic, or forged) */
} hall_sign_verdict;

/* Take a received message apart. pk NULL (development profile): a signed message is
 * unwrapped without checking. *payload / *payload_len point into msg (borrowed): the
 * inner payload for a signed message, the whole message otherwise. */
hall_sign_verdict hall_sign_unwrap(const unsigned char *pk, const char *topic, const void *msg, size_t len,
                                   const void **payload, size_t *payload_len);

/* A one-line reason for a refusal, for acks and logs ("unsigned", …). */
const char *hall_sign_verdict_reason(hall_sign_verdict v);

#endif
