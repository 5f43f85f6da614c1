/* textlayout.c: greedy line breaking over ICU's line break opportunities.
 *
 * The text is given to ICU as UTF-8 through a UText, so every boundary ICU reports is a
 * byte offset into the caller's text and no UTF-16 copy or offset map is needed.
 * Widths are measured on whole candidate lines (never summed from pieces) because
 * kerning and shaping make a line's width differ from the sum of its words. */
#include "textlayout.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* U+2026 */
#define ELLIPSIS_LEN 3

/* Iterators are expensive to open (rule data, dictionaries) and cheap to point at new
 * text, so one per language and one for grapheme clusters are kept for the process. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static UBreakIterator *line_bi[HALL_LANG_COUNT];
static UBreakIterator *char_bi;

static const char *icu_locale(hall_lang lang)
{
	switch (lang) {
	case HALL_LANG_KO: return "ko";
	case HALL_LANG_EN: return "en";
	case HALL_LANG_ZH_HANS: return "zh_Hans";
	case HALL_LANG_ZH_HANT: return "zh_Hant";
	case HALL_LANG_JA: return "ja";
	case HALL_LANG_COUNT: break;
	}
	return "en";
}

typedef struct brk {
	size_t pos;
	int hard;
} brk;

typedef struct ctx {
	const char *s;
	size_t len;
	const hall_tl_opts *o;
	hall_tl_measure_fn measure;
	void *mctx;
	char *scratch;           /* len + ELLIPSIS_LEN + 1 bytes for "prefix…" */
	size_t *graph;           /* grapheme boundaries, ascending, incl. 0 and len */
	size_t ngraph;
	int failed;
} ctx;

static int is_space_at(const char *s, size_t i, size_t end, size_t *n)
{
	unsigned char c = (unsigned char)s[i];
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
		*n = 1;
		return 1;
	}
	/* U+3000 IDEOGRAPHIC SPACE */
	if (c == 0xE3 && i + 2 < end && (unsigned char)s[i + 1] == 0x80 && (unsigned char)s[i + 2] == 0x80) {
		*n = 3;
		return 1;
	}
	return 0;
}

/* End of [start, end) with trailing white space removed. */
static size_t trim_end(const char *s, size_t start, size_t end)
{
	size_t e = end;
	while (e > start) {
		size_t n;
		if (e - start >= 3 && is_space_at(s, e - 3, end, &n) && n == 3) {
			e -= 3;
			continue;
		}
		if (is_space_at(s, e - 1, end, &n) && n == 1) {
			e -= 1;
			continue;
		}
		break;
	}
	return e;
}

static int width_of(ctx *c, const char *p, size_t n)
{
	int w = 0, h = 0;
	if (n == 0)
		return 0;
	if (c->measure(c->mctx, p, n, c->o->font_px, c->o->lang, c->o->bold, &w, &h) != 0) {
		c->failed = 1;
		return INT32_MAX;
	}
	return w;
}

/* Width of s[start, end) followed by "…". */
static int width_with_ellipsis(ctx *c, size_t start, size_t end)
{
	size_t n = end - start;
	memcpy(c->scratch, c->s + start, n);
	memcpy(c->scratch + n, ELLIPSIS, ELLIPSIS_LEN);
	c->scratch[n + ELLIPSIS_LEN] = '\0';
	return width_of(c, c->scratch, n + ELLIPSIS_LEN);
}

/* Line break class of the code point, treating combining marks as part of their base:
 * for `before`, walk back over CM/ZWJ to the base character. */
static ULineBreak lb_class_before(const char *s, size_t pos)
{
	int32_t i = (int32_t)pos;
	while (i > 0) {
		UChar32 cp;
		U8_PREV((const uint8_t *)s, 0, i, cp);
		if (cp < 0)
			return U_LB_UNKNOWN;
		ULineBreak lb = (ULineBreak)u_getIntPropertyValue(cp, UCHAR_LINE_BREAK);
		if (lb != U_LB_COMBINING_MARK && lb != U_LB_ZWJ)
			return lb;
	}
	return U_LB_UNKNOWN;
}

static ULineBreak lb_class_at(const char *s, size_t pos, size_t len)
{
	int32_t i = (int32_t)pos;
	UChar32 cp;
	U8_NEXT((const uint8_t *)s, i, (int32_t)len, cp);
	if (cp < 0)
		return U_LB_UNKNOWN;
	return (ULineBreak)u_getIntPropertyValue(cp, UCHAR_LINE_BREAK);
}

/* CSS word-break: keep-all: no soft wrap between two "typographic letter units" (classes
 * NU, AL, AI, ID and the Hangul classes). */
static int keepall_letter(ULineBreak lb)
{
	return lb == U_LB_NUMERIC || lb == U_LB_ALPHABETIC || lb == U_LB_AMBIGUOUS || lb == U_LB_IDEOGRAPHIC ||
	       lb == U_LB_H2 || lb == U_LB_H3 || lb == U_LB_JL || lb == U_LB_JV || lb == U_LB_JT;
}

/* Largest grapheme boundary g in (start, limit] with fits(start, g); at least the first
 * grapheme after start (so a line always makes progress). Binary search: widths grow
 * with the prefix. with_ellipsis measures prefix + "…". */
static size_t fit_graphemes(ctx *c, size_t start, size_t limit, int with_ellipsis)
{
	/* indexes of boundaries: lo = first boundary > start, hi = last boundary <= limit */
	size_t lo = 0, hi = c->ngraph;
	while (lo < c->ngraph && c->graph[lo] <= start)
		lo++;
	while (hi > 0 && c->graph[hi - 1] > limit)
		hi--;
	if (lo >= c->ngraph || hi == 0 || lo > hi - 1)
		return limit > start ? limit : start;
	size_t best = c->graph[lo]; /* always take one grapheme */
	size_t a = lo + 1, b = hi; /* search in [a, b) */
	while (a < b && !c->failed) {
		size_t mid = a + (b - a) / 2;
		size_t end = c->graph[mid];
		size_t te = trim_end(c->s, start, end);
		int w = with_ellipsis ? width_with_ellipsis(c, start, te) : width_of(c, c->s + start, te - start);
		if (w <= c->o->width) {
			best = end;
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	return best;
}

static int collect_graphemes(ctx *c, UText *ut, hall_error *err)
{
	UErrorCode st = U_ZERO_ERROR;
	if (!char_bi) {
		char_bi = ubrk_open(UBRK_CHARACTER, "en", NULL, 0, &st);
		if (U_FAILURE(st)) {
			char_bi = NULL;
			hall_error_set(err, HALL_ERR_IO, "", "ICU character break iterator: %s", u_errorName(st));
			return -1;
		}
	}
	ubrk_setUText(char_bi, ut, &st);
	if (U_FAILURE(st)) {
		hall_error_set(err, HALL_ERR_IO, "", "ICU set text: %s", u_errorName(st));
		return -1;
	}
	c->ngraph = 0;
	for (int32_t p = ubrk_first(char_bi); p != UBRK_DONE; p = ubrk_next(char_bi))
		c->graph[c->ngraph++] = (size_t)p;
	return 0;
}

static int only_space_from(const char *s, size_t i, size_t len)
{
	while (i < len) {
		size_t n;
		if (!is_space_at(s, i, len, &n))
			return 0;
		i += n;
	}
	return 1;
}

hall_err hall_tl_layout(const char *utf8, size_t len, const hall_tl_opts *opts, hall_tl_measure_fn measure,
                        void *mctx, hall_tl_line *lines, size_t cap, size_t *n_lines, int *truncated,
                        hall_error *err)
{
	hall_err rc = HALL_OK;
	brk *cand = NULL;
	size_t ncand = 0;
	UText *ut = NULL;
	UErrorCode st = U_ZERO_ERROR;
	ctx c = {0};
	int locked = 0;

	if (truncated)
		*truncated = 0;
	if (n_lines)
		*n_lines = 0;
	if (!utf8 || !opts || !measure || !lines || !n_lines || cap == 0 || opts->width <= 0)
		return hall_error_set(err, HALL_ERR_INVALID, "", "text layout: missing argument or width <= 0");
	if (len > INT32_MAX / 2)
		return hall_error_set(err, HALL_ERR_TOO_BIG, "", "text layout: text of %zu bytes is too long", len);
	if (len == 0)
		return HALL_OK;

	size_t max_lines = cap;
	if (opts->max_lines > 0 && (size_t)opts->max_lines < max_lines)
		max_lines = (size_t)opts->max_lines;

	c.s = utf8;
	c.len = len;
	c.o = opts;
	c.measure = measure;
	c.mctx = mctx;
	c.scratch = malloc(len + ELLIPSIS_LEN + 1);
	c.graph = malloc((len + 1) * sizeof(size_t));
	cand = malloc((len + 1) * sizeof(brk));
	if (!c.scratch || !c.graph || !cand) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "text layout: out of memory");
		goto done;
	}

	ut = utext_openUTF8(NULL, utf8, (int64_t)len, &st);
	if (U_FAILURE(st)) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "ICU utext: %s", u_errorName(st));
		goto done;
	}

	pthread_mutex_lock(&cache_lock);
	locked = 1;
	hall_lang lang = (unsigned)opts->lang < HALL_LANG_COUNT ? opts->lang : HALL_LANG_EN;
	if (!line_bi[lang]) {
		line_bi[lang] = ubrk_open(UBRK_LINE, icu_locale(lang), NULL, 0, &st);
		if (U_FAILURE(st)) {
			line_bi[lang] = NULL;
			rc = hall_error_set(err, HALL_ERR_IO, "", "ICU line break iterator (%s): %s", icu_locale(lang),
			                    u_errorName(st));
			goto done;
		}
	}
	st = U_ZERO_ERROR;
	UBreakIterator *bi = line_bi[lang];
	ubrk_setUText(bi, ut, &st);
	if (U_FAILURE(st)) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "ICU set text: %s", u_errorName(st));
		goto done;
	}
	for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
		size_t pos = (size_t)p;
		int hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD || pos >= len;
		if (!hard && lang == HALL_LANG_KO &&
		    keepall_letter(lb_class_before(utf8, pos)) && keepall_letter(lb_class_at(utf8, pos, len)))
			continue;
		cand[ncand++] = (brk){pos, hard};
	}
	if (ncand == 0 || cand[ncand - 1].pos != len)
		cand[ncand++] = (brk){len, 1};
	if (collect_graphemes(&c, ut, err) != 0) {
		rc = HALL_ERR_IO;
		goto done;
	}

	size_t s = 0, ci = 0, n = 0;
	while (s < len && n < max_lines && !c.failed) {
		while (ci < ncand && cand[ci].pos <= s)
			ci++;
		/* greedy: the furthest opportunity whose line fits, up to the first hard break.
		 * Found by galloping then bisecting over the opportunities, since a line only
		 * grows as it takes more of the text: O(log n) measurements a line instead of
		 * one per opportunity, which for Chinese and Japanese (an opportunity after
		 * almost every character) was dozens a line, enough to overflow the
		 * measurement cache and re-measure every frame. */
		size_t best = 0;
		int have = 0;
		size_t last = ci; /* the last opportunity this line may end at */
		while (last + 1 < ncand && !cand[last].hard)
			last++;
		size_t lo = ci, hi = last + 1; /* the answer is the last fitting index in [lo - 1, hi - 1] */
		for (size_t step = 1; lo < hi && !c.failed; step *= 2) {
			size_t k = lo + step - 1 < last ? lo + step - 1 : last;
			size_t te = trim_end(utf8, s, cand[k].pos);
			if (width_of(&c, utf8 + s, te - s) > opts->width) {
				hi = k;
				break;
			}
			best = cand[k].pos;
			have = 1;
			lo = k + 1;
		}
		while (lo < hi && !c.failed) {
			size_t k = lo + (hi - lo) / 2;
			size_t te = trim_end(utf8, s, cand[k].pos);
			if (width_of(&c, utf8 + s, te - s) > opts->width) {
				hi = k;
			} else {
				best = cand[k].pos;
				have = 1;
				lo = k + 1;
			}
		}
		if (c.failed)
			break;
		size_t next;
		if (have) {
			next = best;
		} else {
			/* even the first word is too wide: break it between graphemes */
			size_t limit = ci < ncand ? cand[ci].pos : len;
			next = fit_graphemes(&c, s, limit, 0);
		}
		size_t end = trim_end(utf8, s, next);
		int ell = 0;
		if (n + 1 == max_lines && !only_space_from(utf8, next, len)) {
			end = trim_end(utf8, s, fit_graphemes(&c, s, len, 1));
			ell = 1;
			if (truncated)
				*truncated = 1;
		}
		hall_tl_line *ln = &lines[n++];
		ln->start = s;
		ln->len = end - s;
		ln->ellipsis = ell;
		ln->width = ell ? width_with_ellipsis(&c, s, end) : width_of(&c, utf8 + s, end - s);
		int slack = opts->width - ln->width;
		if (slack < 0)
			slack = 0;
		ln->x = opts->align == HALL_TL_CENTER ? slack / 2 : opts->align == HALL_TL_RIGHT ? slack : 0;
		s = next;
		if (ell)
			break;
	}
	if (c.failed) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "text layout: measuring text failed");
		goto done;
	}
	*n_lines = n;

done:
	if (locked) {
		/* the cached iterators must not keep pointing at the caller's text */
		static const UChar empty[1] = {0};
		for (int i = 0; i < HALL_LANG_COUNT; i++) {
			UErrorCode st2 = U_ZERO_ERROR;
			if (line_bi[i])
				ubrk_setText(line_bi[i], empty, 0, &st2);
		}
		UErrorCode st3 = U_ZERO_ERROR;
		if (char_bi)
			ubrk_setText(char_bi, empty, 0, &st3);
		pthread_mutex_unlock(&cache_lock);
	}
	if (ut)
		utext_close(ut);
	free(cand);
	free(c.graph);
	free(c.scratch);
	return rc;
}

const char *hall_tl_line_text(const char *utf8, const hall_tl_line *line, char *out, size_t out_len)
{
	if (!out || out_len == 0)
		return out;
	out[0] = '\0';
	if (!utf8 || !line)
		return out;
	size_t n = line->len;
	size_t need = n + (line->ellipsis ? ELLIPSIS_LEN : 0);
	if (need + 1 > out_len) {
		/* cut at a UTF-8 boundary, keeping room for the ellipsis */
		size_t room = out_len - 1 - (line->ellipsis ? ELLIPSIS_LEN : 0);
		if (out_len - 1 < (size_t)(line->ellipsis ? ELLIPSIS_LEN : 0))
			room = 0;
		n = room < n ? room : n;
		while (n > 0 && ((unsigned char)utf8[line->start + n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, utf8 + line->start, n);
	size_t o = n;
	if (line->ellipsis && o + ELLIPSIS_LEN < out_len) {
		memcpy(out + o, ELLIPSIS, ELLIPSIS_LEN);
		o += ELLIPSIS_LEN;
	}
	out[o] = '\0';
	return out;
}
