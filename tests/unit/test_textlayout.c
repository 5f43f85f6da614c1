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
	/* The same text laid out with Japanese rules breaks inside words: the keep-all filter
	 * is what keeps Korean words whole. */
	const char *t = "서울시 시민청은 시청 지하에 있습니다.";
	hall_tl_line lines[16];
	size_t n = layout(t, HALL_LANG_JA, 150, 0, HALL_TL_LEFT, lines, 16, NULL);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
