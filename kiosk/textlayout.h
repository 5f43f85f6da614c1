/* kiosk/textlayout.h: wrap UTF-8 text into lines of a given width (no SDL in here).
 *
 * Break opportunities come from ICU's line break iterator (UAX #14), so no line starts
 * with closing punctuation and Chinese and Japanese break between characters. Korean
 * keeps words whole ("keep-all", as CSS word-break: keep-all: opportunities between two
 * letters/numbers/ideographs/Hangul are dropped) and breaks at spaces; ICU 72 has no
 * keep-all locale keyword, so the filter is ours. A word wider than the whole line is
 * broken between grapheme clusters. '\n' (and other hard breaks) end a line.
 *
 * Widths come from a measuring callback with the same signature as the app's measure
 * callback (kiosk/app.h), so the platform's text measurement can be passed straight in.
 *
 * When the text needs more lines than allowed (max_lines, or the capacity of the line
 * array), the last allowed line is shortened so that it plus "…" fits, and gets
 * `ellipsis` = 1. Draw it with hall_tl_line_text(), which appends the "…".
 *
 * Threading: safe from any thread (ICU iterators are cached per language under a lock).
 * Ownership: nothing is allocated for the caller; lines point into the caller's text by
 * byte offsets. */
#ifndef HALL_KIOSK_TEXTLAYOUT_H
#define HALL_KIOSK_TEXTLAYOUT_H

#include <stddef.h>

#include "hall/err.h"
#include "hall/lang.h"

/* Size in px of utf8[0..len) set on one line; 0 on success (w, h set). */
typedef int (*hall_tl_measure_fn)(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold,
                                  int *w, int *h);

typedef enum hall_tl_align { HALL_TL_LEFT, HALL_TL_CENTER, HALL_TL_RIGHT } hall_tl_align;

typedef struct hall_tl_opts {
	int width;          /* px available for a line; must be > 0 */
	int max_lines;      /* 0 = no limit but the line array's capacity */
	int font_px;
	hall_lang lang;     /* picks the break rules (and is passed to measure) */
	int bold;
	hall_tl_align align;
} hall_tl_opts;

typedef struct hall_tl_line {
	size_t start, len;  /* bytes of the source text, trailing spaces and the newline excluded */
	int width;          /* px of the line as drawn (with the "…" when ellipsis) */
	int x;              /* offset from the box's left edge for the alignment */
	int ellipsis;       /* 1: draw "…" after the text (hall_tl_line_text does) */
} hall_tl_line;

/* Lay out utf8[0..len) into at most `cap` lines.
 * Returns HALL_OK with *n_lines set (0 for empty text) and *truncated (may be NULL) = 1 when
 * text was cut with an ellipsis; HALL_ERR_INVALID for width <= 0, cap == 0 or a NULL
 * argument; HALL_ERR_IO when measure fails or ICU fails (reason in err). */
hall_err hall_tl_layout(const char *utf8, size_t len, const hall_tl_opts *opts, hall_tl_measure_fn measure,
                        void *ctx, hall_tl_line *lines, size_t cap, size_t *n_lines, int *truncated,
                        hall_error *err);

/* The text of one line (with "…" when line->ellipsis) NUL-terminated into out; returns
 * out, truncated at a UTF-8 boundary if out is too small. */
const char *hall_tl_line_text(const char *utf8, const hall_tl_line *line, char *out, size_t out_len);

#endif
