/* strbuf.c: growable text buffer with a sticky out-of-memory flag. */
#include "hall/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

void hall_strbuf_init(hall_strbuf *b)
{
	memset(b, 0, sizeof *b);
}

void hall_strbuf_free(hall_strbuf *b)
{
	free(b->data);
	hall_strbuf_init(b);
}

static int reserve(hall_strbuf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (b->len + extra + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) {
		if (cap > ((size_t)-1) / 2) {
			b->failed = 1;
			return -1;
		}
		cap *= 2;
	}
	char *d = realloc(b->data, cap);
	if (!d) {
		b->failed = 1;
		return -1;
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void hall_strbuf_append(hall_strbuf *b, const char *data, size_t len)
{
	if (reserve(b, len) != 0)
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void hall_strbuf_puts(hall_strbuf *b, const char *s)
{
	hall_strbuf_append(b, s, strlen(s));
}

void hall_strbuf_printf(hall_strbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[512];
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof small) {
		hall_strbuf_append(b, small, (size_t)n);
		return;
	}
	if (reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void hall_strbuf_html(hall_strbuf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': hall_strbuf_puts(b, "&amp;"); break;
		case '<': hall_strbuf_puts(b, "&lt;"); break;
		case '>': hall_strbuf_puts(b, "&gt;"); break;
		case '"': hall_strbuf_puts(b, "&quot;"); break;
		case '\'': hall_strbuf_puts(b, "&#39;"); break;
		default: hall_strbuf_append(b, p, 1); break;
		}
	}
}

void hall_strbuf_csv(hall_strbuf *b, const char *s)
{
	/* A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection"): such a
	 * cell keeps its text behind an apostrophe, which the spreadsheet shows as text. */
	bool formula = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		hall_strbuf_puts(b, s);
		return;
	}
	hall_strbuf_append(b, "\"", 1);
	if (formula)
		hall_strbuf_append(b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			hall_strbuf_append(b, "\"", 1);
		hall_strbuf_append(b, p, 1);
	}
	hall_strbuf_append(b, "\"", 1);
}

int hall_strbuf_failed(const hall_strbuf *b)
{
	return b->failed;
}

char *hall_strbuf_take(hall_strbuf *b, size_t *len)
{
	if (b->failed) {
		hall_strbuf_free(b);
		return NULL;
	}
	if (!b->data)
		hall_strbuf_append(b, "", 0);
	char *d = b->data;
	if (len)
		*len = b->len;
	hall_strbuf_init(b);
	return d;
}
