/* sha256.c: SHA-256 per FIPS 180-4, computed by libcrypto (OpenSSL), whose assembly uses
 * the CPU's SHA extensions (x86 SHA-NI, ARMv8 SHA2) or AVX2 where present: ~1.3 GB/s on
 * the build machine against ~116 MB/s for the portable C this replaced, and a kiosk hashes
 * every asset it receives (BENCHMARKS.md, content push).
 *
 * libcrypto's low-level SHA256_* calls, not EVP: their context is a plain struct, so a
 * hall_sha256 needs no allocation and no free (callers drop unfinished contexts on errors).
 * OpenSSL 3.0 marks them deprecated in favour of EVP, whose context is heap-allocated;
 * they remain in every 3.x release. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "hall/sha256.h"

#include <errno.h>
#include <stdalign.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((hall_sha256 *)0)->impl), "hall_sha256 too small for SHA256_CTX");
_Static_assert(alignof(SHA256_CTX) <= alignof(hall_sha256), "hall_sha256 under-aligned for SHA256_CTX");

static SHA256_CTX *impl(hall_sha256 *ctx)
{
	return (SHA256_CTX *)(void *)ctx->impl.bytes;
}

void hall_sha256_init(hall_sha256 *ctx)
{
	SHA256_Init(impl(ctx));
}

void hall_sha256_update(hall_sha256 *ctx, const void *data, size_t len)
{
	SHA256_Update(impl(ctx), data, len);
}

void hall_sha256_final(hall_sha256 *ctx, uint8_t digest[32])
{
	SHA256_Final(digest, impl(ctx));
}

static void to_hex(const uint8_t d[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void hall_sha256_hex(const void *data, size_t len, char hex[65])
{
	hall_sha256 ctx;
	uint8_t d[32];
	hall_sha256_init(&ctx);
	hall_sha256_update(&ctx, data, len);
	hall_sha256_final(&ctx, d);
	to_hex(d, hex);
}

hall_err hall_sha256_file(const char *path, char hex[65], size_t *size, hall_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return hall_error_set(err, HALL_ERR_IO, path, "cannot open: %s", strerror(errno));
	hall_sha256 ctx;
	uint8_t buf[65536], d[32];
	size_t n, total = 0;
	hall_sha256_init(&ctx);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		hall_sha256_update(&ctx, buf, n);
		total += n;
	}
	int failed = ferror(f);
	fclose(f);
	if (failed)
		return hall_error_set(err, HALL_ERR_IO, path, "read failed");
	hall_sha256_final(&ctx, d);
	to_hex(d, hex);
	if (size)
		*size = total;
	return HALL_OK;
}

int hall_sha256_is_hex(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}
