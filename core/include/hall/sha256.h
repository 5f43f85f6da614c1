/* hall/sha256.h: SHA-256 (FIPS 180-4), for content-addressed assets (DESIGN.md decision 3). */
#ifndef HALL_SHA256_H
#define HALL_SHA256_H

#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"

/* A context holds no allocation: one that is dropped unfinished (an aborted download)
 * needs no call. The bytes are libcrypto's context (core/src/sha256.c checks it fits). */
typedef struct hall_sha256 {
	union {
		uint64_t align;
		unsigned char bytes[128];
	} impl;
} hall_sha256;

void hall_sha256_init(hall_sha256 *ctx);
void hall_sha256_update(hall_sha256 *ctx, const void *data, size_t len);
void hall_sha256_final(hall_sha256 *ctx, uint8_t digest[32]);
/* One call: 64 lowercase hex digits and a NUL into hex. */
void hall_sha256_hex(const void *data, size_t len, char hex[65]);
/* Hash a file; *size gets its length. */
hall_err hall_sha256_file(const char *path, char hex[65], size_t *size, hall_error *err);
/* 1 when s is exactly 64 lowercase hex digits. */
int hall_sha256_is_hex(const char *s);

#endif
