/* textlayout.c: greedy line breaking over ICU's line break opportunities.
 *
 * The text is given to ICU as UTF-8 through a UText, so every boundary ICU reports is a
 * byte offset into the caller's text and no UTF-16 copy or offset map is needed.
 * Widths are measured on whole candidate lines (never summed from pieces) because
 * kerning and shaping make a line's width differ from the sum of its words.
 *
 * On top of ICU's opportunities (issue 12): none right after a number unless a space
 * follows (a number stays with its unit: 2023年4月, 658,234人, 10 km keeps its space);
 * in Chinese and Japanese a break before an opening “ ‘ and after a closing ” ’ next to
 * an ideograph (ICU 72 treats these quotes as unbreakable on both sides, which left 口
 * alone on a line before 号“Seoul,”); and a paragraph's last line is never a lone
 * character when the line before can give it one more piece.
 *
 * Opportunities and grapheme boundaries of a text depend on its bytes and language
 * only, and the app lays out the same paragraphs every frame: they are kept in a small
 * cache (ICU's Japanese phrase mode costs about 0.3 µs a character). */
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
	/* Japanese breaks anywhere between kana by UAX #14 (ソ/ウル): ICU's phrase mode
	 * (lw=phrase, ICU 71+) keeps words and their particles together (ソウルの|新しい). */
	case HALL_LANG_JA: return "ja@lw=phrase";
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

static UChar32 cp_at(const char *s, size_t pos, size_t len)
{
	int32_t i = (int32_t)pos;
	UChar32 cp;
	U8_NEXT((const uint8_t *)s, i, (int32_t)len, cp);
	return cp;
}

static int is_cjk_lang(hall_lang lang)
{
	return lang == HALL_LANG_ZH_HANS || lang == HALL_LANG_ZH_HANT || lang == HALL_LANG_JA;
}

/* A soft opportunity ICU gives that the kiosk drops: right after a number, unless white
 * space follows (units and counters follow their number: 4月, 658,234人, 37.3%). */
static int number_glued(const char *s, size_t pos, size_t len)
{
	size_t n;
	return pos > 0 && pos < len && lb_class_before(s, pos) == U_LB_NUMERIC && !is_space_at(s, pos, len, &n);
}

/* An opportunity ICU 72 does not give in Chinese and Japanese text: before an opening
 * curly quote that follows an ideograph or closing punctuation, after a closing one that
 * precedes an ideograph (Unicode 15.1's LB19a reads them so in East Asian text). */
static int quote_opportunity(const char *s, size_t pos, size_t len)
{
	if (pos == 0 || pos >= len)
		return 0;
	UChar32 next = cp_at(s, pos, len);
	if (next == 0x201C || next == 0x2018) {
		ULineBreak b = lb_class_before(s, pos);
		return b == U_LB_IDEOGRAPHIC || b == U_LB_CLOSE_PUNCTUATION || b == U_LB_NONSTARTER;
	}
	int32_t i = (int32_t)pos;
	UChar32 prev;
	U8_PREV((const uint8_t *)s, 0, i, prev);
	if (prev == 0x201D || prev == 0x2019)
		return lb_class_at(s, pos, len) == U_LB_IDEOGRAPHIC;
	return 0;
}

/* Graphemes in s[a, b) that are not closing punctuation (a last line "魂。" is as lonely
 * as "魂"). */
static size_t letters_in(const ctx *c, size_t a, size_t b)
{
	size_t n = 0;
	for (size_t i = 0; i < c->ngraph && c->graph[i] < b; i++) {
		if (c->graph[i] < a)
			continue;
		ULineBreak lb = lb_class_at(c->s, c->graph[i], c->len);
		if (lb != U_LB_CLOSE_PUNCTUATION && lb != U_LB_CLOSE_PARENTHESIS && lb != U_LB_EXCLAMATION &&
		    lb != U_LB_INFIX_NUMERIC && lb != U_LB_QUOTATION && lb != U_LB_POSTFIX_NUMERIC)
			n++;
	}
	return n;
}

/* A character that may not begin a line (kinsoku): closing punctuation, small kana and
 * the prolonged sound mark. */
static int no_line_start(const ctx *c, size_t pos)
{
	ULineBreak lb = lb_class_at(c->s, pos, c->len);
	return lb == U_LB_CLOSE_PUNCTUATION || lb == U_LB_CLOSE_PARENTHESIS || lb == U_LB_EXCLAMATION ||
	       lb == U_LB_INFIX_NUMERIC || lb == U_LB_NONSTARTER || lb == U_LB_CONDITIONAL_JAPANESE_STARTER;
}

/* ---- break cache ---- */

typedef struct breaks {
	uint64_t hash;      /* FNV-1a of the text; 0 = empty slot */
	hall_lang lang;
	size_t len;
	char *text;         /* a copy: two texts with one hash are told apart */
	brk *cand;
	size_t ncand;
	size_t *graph;
	size_t ngraph;
	uint64_t used;      /* least recently used goes first */
} breaks;

#define BREAK_CACHE 64            /* a screen's paragraphs and those of the screens previewed */
#define BREAK_CACHE_TEXT_MAX 8192 /* longer texts are laid out without being kept */
static breaks break_cache[BREAK_CACHE];
static uint64_t break_tick;

static uint64_t fnv1a(const char *s, size_t len, hall_lang lang)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)lang;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h ? h : 1;
}

static void breaks_free(breaks *b)
{
	free(b->text);
	free(b->cand);
	free(b->graph);
	memset(b, 0, sizeof *b);
}

/* Caller holds cache_lock. Computes the opportunities and grapheme boundaries of
 * s[0, len) into *b (arrays owned by *b). */
static hall_err compute_breaks(const char *s, size_t len, hall_lang lang, breaks *b, hall_error *err)
{
	hall_err rc = HALL_OK;
	UErrorCode st = U_ZERO_ERROR;
	UText *ut = NULL;
	b->cand = malloc((len + 1) * sizeof(brk));
	b->graph = malloc((len + 1) * sizeof(size_t));
	if (!b->cand || !b->graph)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "text layout: out of memory");
	ut = utext_openUTF8(NULL, s, (int64_t)len, &st);
	if (U_FAILURE(st))
		return hall_error_set(err, HALL_ERR_IO, "", "ICU utext: %s", u_errorName(st));
	if (!line_bi[lang]) {
		line_bi[lang] = ubrk_open(UBRK_LINE, icu_locale(lang), NULL, 0, &st);
		if (U_FAILURE(st)) {
			line_bi[lang] = NULL;
			rc = hall_error_set(err, HALL_ERR_IO, "", "ICU line break iterator (%s): %s", icu_locale(lang),
			                    u_errorName(st));
			goto done;
		}
	}
	if (!char_bi) {
		char_bi = ubrk_open(UBRK_CHARACTER, "en", NULL, 0, &st);
		if (U_FAILURE(st)) {
			char_bi = NULL;
			rc = hall_error_set(err, HALL_ERR_IO, "", "ICU character break iterator: %s", u_errorName(st));
			goto done;
		}
	}
	UBreakIterator *bi = line_bi[lang];
	ubrk_setUText(bi, ut, &st);
	ubrk_setUText(char_bi, ut, &st);
	if (U_FAILURE(st)) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "ICU set text: %s", u_errorName(st));
		goto done;
	}
	b->ngraph = 0;
	for (int32_t p = ubrk_first(char_bi); p != UBRK_DONE; p = ubrk_next(char_bi))
		b->graph[b->ngraph++] = (size_t)p;
	/* ICU's opportunities, filtered, merged in order with the quotes' (checked at each
	 * grapheme boundary: a quote is one grapheme). */
	int cjk = is_cjk_lang(lang);
	size_t gi = 1;
	b->ncand = 0;
	for (int32_t p = ubrk_next(bi); p != UBRK_DONE; p = ubrk_next(bi)) {
		size_t pos = (size_t)p;
		for (; cjk && gi < b->ngraph && b->graph[gi] < pos; gi++)
			if (quote_opportunity(s, b->graph[gi], len) && !number_glued(s, b->graph[gi], len))
				b->cand[b->ncand++] = (brk){b->graph[gi], 0};
		int hard = ubrk_getRuleStatus(bi) >= UBRK_LINE_HARD || pos >= len;
		if (!hard && lang == HALL_LANG_KO &&
		    keepall_letter(lb_class_before(s, pos)) && keepall_letter(lb_class_at(s, pos, len)))
			continue;
		if (!hard && number_glued(s, pos, len))
			continue;
		b->cand[b->ncand++] = (brk){pos, hard};
	}
	if (b->ncand == 0 || b->cand[b->ncand - 1].pos != len)
		b->cand[b->ncand++] = (brk){len, 1};
done:
	{
		/* the cached iterators must not keep pointing at the caller's text */
		static const UChar empty[1] = {0};
		UErrorCode st2 = U_ZERO_ERROR;
		if (line_bi[lang])
			ubrk_setText(line_bi[lang], empty, 0, &st2);
		st2 = U_ZERO_ERROR;
		if (char_bi)
			ubrk_setText(char_bi, empty, 0, &st2);
	}
	utext_close(ut);
	return rc;
}

/* Caller holds cache_lock. *out = the breaks of s in lang: a cache entry, or *tmp (freed
 * by the caller with breaks_free) for a text too long to keep. */
static hall_err get_breaks(const char *s, size_t len, hall_lang lang, breaks *tmp, const breaks **out,
                           hall_error *err)
{
	uint64_t h = fnv1a(s, len, lang);
	breaks *victim = &break_cache[0];
	for (size_t i = 0; i < BREAK_CACHE; i++) {
		breaks *b = &break_cache[i];
		if (b->hash == h && b->lang == lang && b->len == len && memcmp(b->text, s, len) == 0) {
			b->used = ++break_tick;
			*out = b;
			return HALL_OK;
		}
		if (b->used < victim->used)
			victim = b;
	}
	breaks fresh = {0};
	hall_err rc = compute_breaks(s, len, lang, &fresh, err);
	if (rc != HALL_OK) {
		breaks_free(&fresh);
		return rc;
	}
	fresh.lang = lang;
	fresh.len = len;
	if (len > BREAK_CACHE_TEXT_MAX || !(fresh.text = malloc(len))) {
		*tmp = fresh;
		*out = tmp;
		return HALL_OK;
	}
	memcpy(fresh.text, s, len);
	fresh.hash = h;
	fresh.used = ++break_tick;
	breaks_free(victim);
	*victim = fresh;
	*out = victim;
	return HALL_OK;
}

hall_err hall_tl_layout(const char *utf8, size_t len, const hall_tl_opts *opts, hall_tl_measure_fn measure,
                        void *mctx, hall_tl_line *lines, size_t cap, size_t *n_lines, int *truncated,
                        hall_error *err)
{
	hall_err rc = HALL_OK;
	ctx c = {0};
	breaks tmp = {0};

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
	if (!c.scratch)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "text layout: out of memory");

	pthread_mutex_lock(&cache_lock);
	hall_lang lang = (unsigned)opts->lang < HALL_LANG_COUNT ? opts->lang : HALL_LANG_EN;
	const breaks *bk = NULL;
	if ((rc = get_breaks(utf8, len, lang, &tmp, &bk, err)) != HALL_OK)
		goto done;
	const brk *cand = bk->cand;
	size_t ncand = bk->ncand;
	c.graph = bk->graph;
	c.ngraph = bk->ngraph;

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
		size_t best = 0, bestk = 0;
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
			bestk = k;
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
				bestk = k;
				have = 1;
				lo = k + 1;
			}
		}
		if (c.failed)
			break;
		size_t next;
		if (have) {
			next = best;
			/* No lone character on a paragraph's last line: give it this line's last
			 * piece when the two fit together (and another line may follow). */
			size_t pend = cand[last].pos, tend = trim_end(utf8, best, pend);
			if (best < pend && bestk > ci && n + 2 <= max_lines && tend > best && letters_in(&c, best, tend) <= 1) {
				size_t alt = cand[bestk - 1].pos, te2 = trim_end(utf8, alt, pend);
				if (width_of(&c, utf8 + alt, te2 - alt) <= opts->width)
					next = alt;
			}
		} else {
			/* even the first word (in Japanese: phrase) is too wide: break it between
			 * graphemes, but not before one that may not start a line (。、」ー ょ) */
			size_t limit = ci < ncand ? cand[ci].pos : len;
			next = fit_graphemes(&c, s, limit, 0);
			size_t gk = 0;
			while (gk < c.ngraph && c.graph[gk] < next)
				gk++;
			while (gk > 1 && c.graph[gk] == next && c.graph[gk - 1] > s && next < limit && no_line_start(&c, next)) {
				next = c.graph[--gk];
			}
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
	pthread_mutex_unlock(&cache_lock);
	breaks_free(&tmp);
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
