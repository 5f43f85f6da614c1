/* hall/strbuf.h: a growable byte buffer for building text (reports, JSON, HTML).
 *
 * Out-of-memory is sticky: after a failed append every later append does nothing and
 * hall_strbuf_failed() says so, so callers check once at the end. The caller owns the
 * bytes: hall_strbuf_take() hands them over (NUL-terminated), hall_strbuf_free() drops them. */
#ifndef HALL_STRBUF_H
#define HALL_STRBUF_H

#include <stddef.h>

typedef struct hall_strbuf {
	char *data;
	size_t len, cap;
	int failed;
} hall_strbuf;

void hall_strbuf_init(hall_strbuf *b);
void hall_strbuf_free(hall_strbuf *b);
void hall_strbuf_append(hall_strbuf *b, const char *data, size_t len);
void hall_strbuf_puts(hall_strbuf *b, const char *s);
void hall_strbuf_printf(hall_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s escaped for HTML text and attribute values (& < > " '). */
void hall_strbuf_html(hall_strbuf *b, const char *s);
/* Append s as one CSV field (quoted when it holds a comma, quote or line break). A field
 * that starts with = + - @, a tab or a carriage return (a spreadsheet would run it as a
 * formula) is neutralised: quoted, with an apostrophe before its text. */
void hall_strbuf_csv(hall_strbuf *b, const char *s);
int hall_strbuf_failed(const hall_strbuf *b);
/* The bytes (NUL-terminated) and their length; the buffer is left empty. NULL on failure. */
char *hall_strbuf_take(hall_strbuf *b, size_t *len);

#endif
