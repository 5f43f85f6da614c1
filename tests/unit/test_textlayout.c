/* test_textlayout.c: line breaking of kiosk/textlayout.c. Most tests measure with a
 * simple width model (ASCII 10 px, anything else 20 px per code point) so the expected
 * lines can be worked out by hand; one test uses the real Noto CJK fonts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "text_sdl.h"
#include "textlayout.h"

static int model_measure(void *ctx, const char *s, size_t len, int px, hall_lang lang, int bold, int *w, int *h)
{
	(void)ctx;
	(void)lang;
	(void)bold;
	int width = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80)
			width += 10;
		else if ((c & 0xC0) != 0x80)
			width += 20;
	}
	*w = width;
	*h = px;
	return 0;
}

static int failing_measure(void *ctx, const char *s, size_t len, int px, hall_lang lang, int bold, int *w, int *h)
{
	(void)ctx, (void)s, (void)len, (void)px, (void)lang, (void)bold, (void)w, (void)h;
	return -1;
}

static size_t layout(const char *text, hall_lang lang, int width, int max_lines, hall_tl_align align,
                     hall_tl_line *lines, size_t cap, int *truncated)
{
	hall_tl_opts o = {.width = width, .max_lines = max_lines, .font_px = 20, .lang = lang, .align = align};
	size_t n = 99;
	hall_error err = {{0}, {0}};
	assert_int_equal(hall_tl_layout(text, strlen(text), &o, model_measure, NULL, lines, cap, &n, truncated, &err),
	                 HALL_OK);
	return n;
}

static void layout_should_keep_korean_words_whole(void **state)
{
	(void)state;
	/* 서울시(60) 시민청은(80) 시청(40) 지하에(60) 있습니다.(90) */
	const char *t = "서울시 시민청은 시청 지하에 있습니다.";
	hall_tl_line lines[16];
	size_t n = layout(t, HALL_LANG_KO, 150, 0, HALL_TL_LEFT, lines, 16, NULL);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(lines[i].width <= 150);
		/* every line starts at the text's start or right after a space, and ends at a space or the end */
		assert_true(lines[i].start == 0 || t[lines[i].start - 1] == ' ');
		size_t e = lines[i].start + lines[i].len;
		assert_true(e == strlen(t) || t[e] == ' ');
	}
	char buf[64];
	assert_string_equal(hall_tl_line_text(t, &lines[0], buf, sizeof(buf)), "서울시 시민청은");
}

static void layout_should_break_korean_between_syllables_only_for_other_languages(void **state)
{
	(void)state;
	/* The same text laid out with Chinese rules breaks inside words: the keep-all filter
	 * is what keeps Korean words whole. */
	const char *t = "서울시 시민청은 시청 지하에 있습니다.";
	hall_tl_line lines[16];
	size_t n = layout(t, HALL_LANG_ZH_HANS, 150, 0, HALL_TL_LEFT, lines, 16, NULL);
	int inside_word = 0;
	for (size_t i = 0; i < n; i++) {
		size_t e = lines[i].start + lines[i].len;
		if (e < strlen(t) && t[e] != ' ')
			inside_word = 1;
	}
	assert_true(inside_word);
}

static void layout_should_break_chinese_between_characters(void **state)
{
	(void)state;
	const char *t = "首尔市民厅位于首尔市政府大楼的地下";
	hall_tl_line lines[16];
	size_t n = layout(t, HALL_LANG_ZH_HANS, 100, 0, HALL_TL_LEFT, lines, 16, NULL);
	assert_int_equal(n, 4); /* 17 characters of 20 px, 5 per line */
	for (size_t i = 0; i + 1 < n; i++) {
		assert_int_equal(lines[i].width, 100);
		assert_int_equal(lines[i].start + lines[i].len, lines[i + 1].start);
	}
}

static void layout_should_not_start_a_line_with_closing_punctuation(void **state)
{
	(void)state;
	/* Three characters fit per line; a naive break would start line 2 with "。". */
	const char *t = "あいう。えおか、きく";
	hall_tl_line lines[16];
	size_t n = layout(t, HALL_LANG_JA, 60, 0, HALL_TL_LEFT, lines, 16, NULL);
	assert_true(n >= 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(strncmp(t + lines[i].start, "。", 3) != 0);
		assert_true(strncmp(t + lines[i].start, "、", 3) != 0);
	}
}

static void layout_should_add_an_ellipsis_when_the_box_is_full(void **state)
{
	(void)state;
	const char *t = "Seoul, my soul was chosen by 658,234 citizens in three rounds of voting.";
	hall_tl_line lines[8];
	int truncated = 0;
	size_t n = layout(t, HALL_LANG_EN, 200, 2, HALL_TL_LEFT, lines, 8, &truncated);
	assert_int_equal(n, 2);
	assert_int_equal(truncated, 1);
	assert_int_equal(lines[0].ellipsis, 0);
	assert_int_equal(lines[1].ellipsis, 1);
	assert_true(lines[1].width <= 200);
	char buf[128];
	const char *s = hall_tl_line_text(t, &lines[1], buf, sizeof(buf));
	size_t sl = strlen(s);
	assert_true(sl > 3);
	assert_string_equal(s + sl - 3, "…");
}

static void layout_should_not_truncate_text_that_fits(void **state)
{
	(void)state;
	hall_tl_line lines[4];
	int truncated = 7;
	size_t n = layout("Seoul, my soul", HALL_LANG_EN, 400, 1, HALL_TL_LEFT, lines, 4, &truncated);
	assert_int_equal(n, 1);
	assert_int_equal(truncated, 0);
	assert_int_equal(lines[0].ellipsis, 0);
	assert_int_equal(lines[0].len, strlen("Seoul, my soul"));
	assert_int_equal(lines[0].width, 140);
}

static void layout_should_break_an_overlong_word_between_characters(void **state)
{
	(void)state;
	const char *t = "Supercalifragilistic";
	hall_tl_line lines[8];
	size_t n = layout(t, HALL_LANG_EN, 55, 0, HALL_TL_LEFT, lines, 8, NULL);
	assert_int_equal(n, 4); /* 20 letters, 5 per line */
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(lines[i].width <= 55);
		total += lines[i].len;
	}
	assert_int_equal(total, strlen(t));
}

static void layout_should_end_lines_at_newlines(void **state)
{
	(void)state;
	const char *t = "one\ntwo\n\nfour";
	hall_tl_line lines[8];
	size_t n = layout(t, HALL_LANG_EN, 500, 0, HALL_TL_LEFT, lines, 8, NULL);
	assert_int_equal(n, 4);
	char buf[16];
	assert_string_equal(hall_tl_line_text(t, &lines[0], buf, sizeof(buf)), "one");
	assert_string_equal(hall_tl_line_text(t, &lines[1], buf, sizeof(buf)), "two");
	assert_int_equal(lines[2].len, 0);
	assert_string_equal(hall_tl_line_text(t, &lines[3], buf, sizeof(buf)), "four");
}

static void layout_should_centre_and_right_align_lines(void **state)
{
	(void)state;
	hall_tl_line lines[2];
	layout("abcd", HALL_LANG_EN, 100, 0, HALL_TL_CENTER, lines, 2, NULL);
	assert_int_equal(lines[0].x, 30);
	layout("abcd", HALL_LANG_EN, 100, 0, HALL_TL_RIGHT, lines, 2, NULL);
	assert_int_equal(lines[0].x, 60);
	layout("abcd", HALL_LANG_EN, 100, 0, HALL_TL_LEFT, lines, 2, NULL);
	assert_int_equal(lines[0].x, 0);
}

static void layout_should_return_no_lines_for_empty_text(void **state)
{
	(void)state;
	hall_tl_line lines[2];
	assert_int_equal(layout("", HALL_LANG_EN, 100, 0, HALL_TL_LEFT, lines, 2, NULL), 0);
}

static void layout_should_reject_a_zero_width_and_report_measure_failures(void **state)
{
	(void)state;
	hall_tl_line lines[2];
	size_t n;
	hall_error err = {{0}, {0}};
	hall_tl_opts o = {.width = 0, .font_px = 20, .lang = HALL_LANG_EN};
	assert_int_equal(hall_tl_layout("abc", 3, &o, model_measure, NULL, lines, 2, &n, NULL, &err), HALL_ERR_INVALID);
	o.width = 100;
	assert_int_equal(hall_tl_layout("abc", 3, &o, failing_measure, NULL, lines, 2, &n, NULL, &err), HALL_ERR_IO);
	assert_true(strlen(err.msg) > 0);
}

static void line_text_should_cut_at_a_utf8_boundary(void **state)
{
	(void)state;
	const char *t = "서울시";
	hall_tl_line l = {0, strlen(t), 60, 0, 0};
	char buf[5]; /* room for one syllable (3 bytes) and a NUL, not two */
	assert_string_equal(hall_tl_line_text(t, &l, buf, sizeof(buf)), "서");
}

static void layout_with_real_fonts_should_fit_every_language(void **state)
{
	(void)state;
	hall_ttf *tx = NULL;
	hall_error err = {{0}, {0}};
	assert_int_equal(hall_ttf_create(NULL, NULL, NULL, &tx, &err), HALL_OK);
	const char *texts[HALL_LANG_COUNT] = {
		"시민청은 서울시청 지하 1, 2층에 있는 시민들의 공간으로, 도시모형관과 정책전시관이 새로 만들어집니다.",
		"Citizen Hall, two floors under Seoul City Hall, is becoming a city promotion hall.",
		"市民厅位于首尔市政府大楼地下一层和二层，正在改建为城市宣传馆。",
		"市民廳位於首爾市政府大樓地下一樓和二樓，正在改建為城市宣傳館。",
		"市民庁はソウル市庁の地下１階と２階にあり、都市広報館に生まれ変わります。",
	};
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		hall_tl_opts o = {.width = 420, .font_px = 28, .lang = (hall_lang)l};
		hall_tl_line lines[16];
		size_t n = 0;
		assert_int_equal(hall_tl_layout(texts[l], strlen(texts[l]), &o, hall_ttf_measure, tx, lines, 16, &n,
		                                NULL, &err),
		                 HALL_OK);
		assert_true(n >= 2);
		for (size_t i = 0; i < n; i++) {
			int w = 0, h = 0;
			assert_int_equal(hall_ttf_measure(tx, texts[l] + lines[i].start, lines[i].len, 28, (hall_lang)l, 0, &w, &h), 0);
			assert_true(w <= 420);
			assert_int_equal(w, lines[i].width);
		}
	}
	hall_ttf_destroy(tx);
}

/* ---- issue 12: line breaking by the text's language ---- */

static size_t utf8_prev(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

/* Katakana letters and the prolonged sound mark (U+30A1..U+30FC; the middle dot U+30FB
 * is a word separator and may break). */
static int katakana_at(const char *s, size_t i)
{
	const unsigned char *u = (const unsigned char *)s + i;
	if (u[0] != 0xE3)
		return 0;
	unsigned cp = ((u[0] & 0x0Fu) << 12) | ((u[1] & 0x3Fu) << 6) | (u[2] & 0x3Fu);
	return cp >= 0x30A1 && cp <= 0x30FC && cp != 0x30FB;
}

/* Lay t out at every width from lo to hi (step px) and call check on each line end
 * that is not the text's end. */
static void each_break(const char *t, hall_lang lang, int lo, int hi, int step,
                       void (*check)(const char *t, size_t end, int width))
{
	for (int w = lo; w <= hi; w += step) {
		hall_tl_line lines[64];
		size_t n = layout(t, lang, w, 0, HALL_TL_LEFT, lines, 64, NULL);
		for (size_t i = 0; i + 1 < n; i++)
			check(t, lines[i + 1].start, w);
	}
}

static void no_break_inside_katakana(const char *t, size_t at, int width)
{
	if (at > 0 && at < strlen(t) && katakana_at(t, utf8_prev(t, at)) && katakana_at(t, at))
		fail_msg("width %d: a line breaks inside a katakana word at byte %zu: \"%.*s|%s\"", width, at, (int)at, t,
		         t + at);
}

static void no_break_after_a_number(const char *t, size_t at, int width)
{
	if (at > 0 && at < strlen(t) && t[at - 1] >= '0' && t[at - 1] <= '9')
		fail_msg("width %d: a line breaks between a number and its unit: \"%.*s|%s\"", width, (int)at, t, t + at);
}

static void layout_should_not_break_inside_a_katakana_word(void **state)
{
	(void)state;
	/* Issue 12: ソ/ウル was split across two lines. */
	each_break("ソウル市広報企画官室が2023年4月1日時点で報告した主な業務、予算、市民の声の受付状況です。",
	           HALL_LANG_JA, 60, 600, 20, no_break_inside_katakana);
	/* From 10 characters on, the 9 of 「ネチングソウル」 fit a line. */
	each_break("「ネチングソウル」こども記者団", HALL_LANG_JA, 200, 400, 20, no_break_inside_katakana);
}

static void layout_should_keep_a_number_with_its_unit(void **state)
{
	(void)state;
	/* Issue 12: "2023年4 / 月1日". */
	each_break("首尔市宣传企划官室截至2023年4月1日报告的主要工作、预算和市民诉求情况。", HALL_LANG_ZH_HANS, 60, 600,
	           20, no_break_after_a_number);
	each_break("首爾市宣傳企劃官室截至2023年4月1日報告的主要工作、預算與市民陳情情況。", HALL_LANG_ZH_HANT, 60, 600,
	           20, no_break_after_a_number);
	each_break("ソウル市広報企画官室が2023年4月1日時点で報告した主な業務、予算、市民の声の受付状況です。",
	           HALL_LANG_JA, 60, 600, 20, no_break_after_a_number);
	/* From 5 characters on, "658,234人" (90 px) fits a line. */
	each_break("首尔的新口号由市民在两轮投票中选出，共有658,234人次参与。", HALL_LANG_ZH_HANS, 100, 600, 20,
	           no_break_after_a_number);
}

static void layout_should_not_leave_a_lone_character_on_a_line(void **state)
{
	(void)state;
	/* Issue 12: a lone 口 on its own line. Every width that holds at least three
	 * characters has a layout without one. */
	const char *texts[] = {"首尔的新口号“Seoul, my soul”：首尔，我的灵魂", "首尔的新口号由市民在两轮投票中选出",
	                       "首爾的新口號「Seoul, my soul」：首爾，我的靈魂"};
	for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
		const char *t = texts[k];
		for (int w = 60; w <= 600; w += 10) {
			hall_tl_line lines[64];
			size_t n = layout(t, k == 2 ? HALL_LANG_ZH_HANT : HALL_LANG_ZH_HANS, w, 0, HALL_TL_LEFT, lines, 64, NULL);
			for (size_t i = 0; i < n; i++) {
				const char *p = t + lines[i].start;
				size_t len = lines[i].len;
				if (len > 0 && len <= 4 && ((unsigned char)p[0] >= 0xE0) && len == 3)
					fail_msg("width %d: line %zu of %zu is the lone character \"%.*s\" (text \"%s\")", w, i + 1, n,
					         (int)len, p, t);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_should_keep_korean_words_whole),
		cmocka_unit_test(layout_should_break_korean_between_syllables_only_for_other_languages),
		cmocka_unit_test(layout_should_break_chinese_between_characters),
		cmocka_unit_test(layout_should_not_start_a_line_with_closing_punctuation),
		cmocka_unit_test(layout_should_add_an_ellipsis_when_the_box_is_full),
		cmocka_unit_test(layout_should_not_truncate_text_that_fits),
		cmocka_unit_test(layout_should_break_an_overlong_word_between_characters),
		cmocka_unit_test(layout_should_end_lines_at_newlines),
		cmocka_unit_test(layout_should_centre_and_right_align_lines),
		cmocka_unit_test(layout_should_return_no_lines_for_empty_text),
		cmocka_unit_test(layout_should_reject_a_zero_width_and_report_measure_failures),
		cmocka_unit_test(line_text_should_cut_at_a_utf8_boundary),
		cmocka_unit_test(layout_with_real_fonts_should_fit_every_language),
		cmocka_unit_test(layout_should_not_break_inside_a_katakana_word),
		cmocka_unit_test(layout_should_keep_a_number_with_its_unit),
		cmocka_unit_test(layout_should_not_leave_a_lone_character_on_a_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
