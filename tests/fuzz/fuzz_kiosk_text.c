/* fuzz_kiosk_text.c: the --script parser (kiosk/script.c) and the line breaker
 * (kiosk/textlayout.c) on any bytes. Neither may crash, leak or read out of bounds; a
 * parsed script holds only valid actions, and every laid-out line lies inside the text,
 * in order, fits the width (unless it is a single grapheme) and is counted as promised. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "script.h"
#include "textlayout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                                  \
	do {                                                                                                             \
		if (!(cond))                                                                                                 \
			abort();                                                                                                 \
	} while (0)

/* ASCII 7 px, any other code point 13 px: a width model with no font needed. */
static int model(void *ctx, const char *s, size_t len, int px, hall_lang lang, int bold, int *w, int *h)
{
	(void)ctx, (void)lang, (void)bold;
	int width = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			width += 7;
		else if ((c & 0xC0) != 0x80)
			width += 13;
	}
	*w = width;
	*h = px;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hall_error err;
	hall_script *s = NULL;
	if (hall_script_parse((const char *)data, size, "fuzz", &s, &err) == HALL_OK) {
		CHECK(s != NULL);
		for (size_t i = 0; i < s->n; i++) {
			const hall_script_action *a = &s->actions[i];
			CHECK(a->line >= 1);
			CHECK((unsigned)a->op <= HALL_SCRIPT_WAIT_FILE);
			CHECK(memchr(a->arg, '\0', sizeof(a->arg)) != NULL);
			if (a->op == HALL_SCRIPT_WAIT)
				CHECK(a->ms >= 0 && a->ms <= HALL_SCRIPT_WAIT_MAX);
			if (a->op == HALL_SCRIPT_TAP)
				CHECK(a->x >= 0 && a->y >= 0);
		}
		hall_script_free(s);
	} else {
		CHECK(s == NULL);
	}

	if (size == 0)
		return 0;
	/* first byte picks language, width and line limit; the rest is the text */
	hall_tl_opts o = {.width = 20 + data[0] * 3, .max_lines = data[0] % 5, .font_px = 20,
	                  .lang = (hall_lang)(data[0] % HALL_LANG_COUNT), .align = (hall_tl_align)(data[0] % 3)};
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	hall_tl_line lines[32];
	size_t n = 0;
	int truncated = 0;
	if (hall_tl_layout(text, len, &o, model, NULL, lines, 32, &n, &truncated, &err) == HALL_OK) {
		CHECK(n <= 32);
		size_t prev_end = 0;
		for (size_t i = 0; i < n; i++) {
			CHECK(lines[i].start >= prev_end);
			CHECK(lines[i].start + lines[i].len <= len);
			CHECK(lines[i].x >= 0 && lines[i].x <= o.width);
			CHECK(lines[i].ellipsis == 0 || i + 1 == n);
			prev_end = lines[i].start + lines[i].len;
			char buf[64];
			const char *t = hall_tl_line_text(text, &lines[i], buf, sizeof(buf));
			CHECK(strlen(t) < sizeof(buf));
		}
		if (o.max_lines > 0)
			CHECK(n <= (size_t)o.max_lines);
		CHECK(!truncated || (n > 0 && lines[n - 1].ellipsis));
	}
	return 0;
}
