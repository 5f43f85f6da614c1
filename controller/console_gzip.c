/* console_gzip.c: gzip for the console's answers (console_priv.h), for a phone on the hall's
 * Wi-Fi: the live stream's first event for 1,000 kiosks is ~450 KB of JSON, which gzip
 * makes a tenth of that. Static files are compressed once at start; JSON answers per
 * request; the live stream through one deflate stream per connection, flushed
 * (Z_SYNC_FLUSH) after every batch of events so each arrives at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "console_priv.h"

/* Accept-Encoding allows gzip unless it says gzip;q=0 (or names none of gzip, x-gzip, *). */
bool console__accepts_gzip(const char *accept_encoding)
{
	const char *p = accept_encoding;
	while (p && *p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		size_t n = strcspn(p, ",;");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		bool named = (n == 4 && strncasecmp(p, "gzip", 4) == 0) || (n == 6 && strncasecmp(p, "x-gzip", 6) == 0) ||
		             (n == 1 && p[0] == '*');
		const char *end = p + strcspn(p, ",");
		bool zero = false;
		const char *q = memchr(p, ';', (size_t)(end - p));
		if (q) {
			q++;
			while (*q == ' ')
				q++;
			if ((*q == 'q' || *q == 'Q') && q[1] == '=')
				zero = strtod(q + 2, NULL) <= 0.0;
		}
		if (named)
			return !zero;
		p = end;
	}
	return false;
}

static int gz_init(z_stream *z)
{
	memset(z, 0, sizeof *z);
	/* 15 + 16: a gzip wrapper, the full window; level 6 (the default) costs ~10 ms for the
	 * 1,000-kiosk fleet event and gains little over 9. */
	return deflateInit2(z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK ? 0 : -1;
}

/* Deflate in[0..len) into *out (malloc'd, *out_len bytes) with flush (Z_SYNC_FLUSH or Z_FINISH). */
static int gz_run(z_stream *z, const void *in, size_t len, int flush, char **out, size_t *out_len)
{
	size_t cap = deflateBound(z, (uLong)len) + 64, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	z->next_in = (Bytef *)(uintptr_t)in;
	z->avail_in = (uInt)len;
	for (;;) {
		if (cap - n < 64) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return -1;
			}
			buf = b;
			cap *= 2;
		}
		z->next_out = (Bytef *)buf + n;
		z->avail_out = (uInt)(cap - n);
		int rc = deflate(z, flush);
		n = cap - z->avail_out;
		if (rc == Z_STREAM_END || (rc == Z_OK && z->avail_in == 0 && z->avail_out > 0 && flush != Z_FINISH))
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			free(buf);
			return -1;
		}
	}
	*out = buf;
	*out_len = n;
	return 0;
}

int console__gzip(const void *in, size_t len, char **out, size_t *out_len)
{
	z_stream z;
	if (gz_init(&z) != 0)
		return -1;
	int rc = gz_run(&z, in, len, Z_FINISH, out, out_len);
	deflateEnd(&z);
	return rc;
}

struct console_gz {
	z_stream z;
};

console_gz *console__gz_new(void)
{
	console_gz *g = malloc(sizeof *g);
	if (g && gz_init(&g->z) != 0) {
		free(g);
		g = NULL;
	}
	return g;
}

int console__gz_flush(console_gz *g, const void *in, size_t len, char **out, size_t *out_len)
{
	return gz_run(&g->z, in, len, Z_SYNC_FLUSH, out, out_len);
}

void console__gz_free(console_gz *g)
{
	if (g) {
		deflateEnd(&g->z);
		free(g);
	}
}
