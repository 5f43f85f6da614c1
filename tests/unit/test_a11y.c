/* test_a11y.c: the accessibility checks themselves (kiosk/a11y.c): WCAG contrast, the
 * forbidden colour pairs, letter heights, target sizes and spacing, reach band, focus
 * order, descriptions of images; and the themes' colour pairs. Each check is shown to
 * fail on a list that breaks its rule and to pass on one that keeps it. */
/* links: hallkiosk */
#include "kiosk_testutil.h"

#include <math.h>

static const hall_ui_screen screen55 = {1920, 1080, 1210, 680, 540};

typedef struct counts {
	size_t by_rule[16];
	size_t total;
} counts;

static void count_report(void *user, const hall_a11y_problem *p)
{
	counts *c = user;
	c->by_rule[p->rule]++;
	c->total++;
}

static counts run(const hall_dl *dl, const hall_ui_screen *s, int hc, int low)
{
	hall_a11y_rules r;
	hall_a11y_rules_default(&r, hc, low);
	counts c;
	memset(&c, 0, sizeof(c));
	size_t n = hall_a11y_check(dl, s, &r, count_report, &c);
	assert_int_equal(n, c.total);
	return c;
}

static const hall_rgba black = {0, 0, 0, 255}, white = {255, 255, 255, 255};

static void contrast_should_follow_wcag(void **state)
{
	(void)state;
	assert_true(fabs(hall_a11y_contrast(black, white) - 21.0) < 1e-9);
	assert_true(fabs(hall_a11y_contrast(white, white) - 1.0) < 1e-9);
	/* #777777 on white is the classic 4.48:1 that just fails AA. */
	hall_rgba grey = {0x77, 0x77, 0x77, 255};
	double c = hall_a11y_contrast(grey, white);
	assert_true(c > 4.47 && c < 4.49);
	/* Symmetric. */
	assert_true(fabs(hall_a11y_contrast(white, grey) - c) < 1e-12);
	assert_true(fabs(hall_a11y_luminance(white) - 1.0) < 1e-9);
	assert_true(hall_a11y_luminance(black) == 0.0);
}

static void forbidden_pairs_should_be_red_green_and_yellow_blue(void **state)
{
	(void)state;
	hall_rgba red = {220, 30, 30, 255}, green = {30, 160, 60, 255}, yellow = {250, 220, 0, 255},
	          blue = {20, 60, 200, 255};
	assert_true(hall_a11y_forbidden_pair(red, green));
	assert_true(hall_a11y_forbidden_pair(green, red));
	assert_true(hall_a11y_forbidden_pair(yellow, blue));
	assert_true(hall_a11y_forbidden_pair(blue, yellow));
	assert_false(hall_a11y_forbidden_pair(black, white));
	assert_false(hall_a11y_forbidden_pair(yellow, black));
	assert_false(hall_a11y_forbidden_pair(white, blue));
}

static void letter_ratio_should_depend_on_the_script(void **state)
{
	(void)state;
	assert_true(hall_a11y_letter_ratio("Seoul") == HALL_UI_LATIN_LETTER_RATIO);
	assert_true(hall_a11y_letter_ratio("서울") == HALL_UI_CJK_LETTER_RATIO);
	assert_true(hall_a11y_letter_ratio("首爾") == HALL_UI_CJK_LETTER_RATIO);
	/* Digits in Korean text are Latin-sized glyphs: the smaller ratio wins. */
	assert_true(hall_a11y_letter_ratio("791명") == HALL_UI_LATIN_LETTER_RATIO);
	/* 12 mm at 1920 px / 1210 mm: 27 px Latin is 12.2 mm, 26 px 11.8 mm. */
	double ppmm = 1920.0 / 1210.0;
	assert_true(hall_a11y_letter_mm("Seoul", 27, ppmm) >= 12.0);
	assert_true(hall_a11y_letter_mm("Seoul", 26, ppmm) < 12.0);
}

static void a_good_list_should_pass(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_box(dl, (hall_rect){0, 0, 1920, 1080}, white);
	hall_dl_text(dl, (hall_rect){100, 100, 400, 45}, "Seoul, my soul", 30, HALL_LANG_EN, black, white);
	hall_dl_item *a = hall_dl_hit(dl, (hall_rect){100, 200, 200, 100}, "a", HALL_ROLE_BUTTON, "A");
	a->focus_order = 1;
	hall_dl_item *b = hall_dl_hit(dl, (hall_rect){320, 200, 200, 100}, "b", HALL_ROLE_BUTTON, "B");
	b->focus_order = 2;
	hall_dl_image(dl, (hall_rect){100, 400, 300, 200}, "x.png", 0);
	hall_dl_item *c = hall_dl_hit(dl, (hall_rect){100, 400, 300, 200}, "img", HALL_ROLE_REGION, "a picture");
	c->focus_order = 3;
	counts n = run(dl, &screen55, 0, 0);
	assert_int_equal(n.total, 0);
	hall_dl_destroy(dl);
}

static void small_letters_and_low_contrast_should_be_reported(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_rgba grey = {0x77, 0x77, 0x77, 255};
	hall_dl_text(dl, (hall_rect){10, 10, 100, 30}, "tiny", 20, HALL_LANG_EN, black, white);
	hall_dl_text(dl, (hall_rect){10, 100, 100, 45}, "pale", 30, HALL_LANG_EN, grey, white);
	hall_rgba red = {220, 30, 30, 255}, green = {30, 160, 60, 255};
	hall_dl_text(dl, (hall_rect){10, 200, 100, 45}, "red", 30, HALL_LANG_EN, red, green);
	hall_dl_text(dl, (hall_rect){1900, 300, 100, 45}, "off", 30, HALL_LANG_EN, black, white);
	counts n = run(dl, &screen55, 0, 0);
	assert_int_equal(n.by_rule[HALL_A11Y_LETTER], 1);
	assert_true(n.by_rule[HALL_A11Y_CONTRAST] >= 1);
	assert_int_equal(n.by_rule[HALL_A11Y_COLOUR], 1);
	assert_int_equal(n.by_rule[HALL_A11Y_OFFSCREEN], 1);
	/* White on #666666 is 5.7:1: enough for 4.5:1, not for the high-contrast 7:1. */
	hall_dl_clear(dl);
	hall_rgba mid = {0x66, 0x66, 0x66, 255};
	hall_dl_text(dl, (hall_rect){10, 10, 100, 45}, "text", 30, HALL_LANG_EN, white, mid);
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_CONTRAST], 0);
	assert_int_equal(run(dl, &screen55, 1, 0).by_rule[HALL_A11Y_CONTRAST], 1);
	hall_dl_destroy(dl);
}

static void small_and_crowded_targets_should_be_reported(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	/* 79 px is under 80 px at 1080 p; 12 mm is 19 px here, so only the px rule bites. */
	hall_dl_item *a = hall_dl_hit(dl, (hall_rect){100, 100, 79, 200}, "a", HALL_ROLE_BUTTON, "A");
	a->focus_order = 1;
	counts n = run(dl, &screen55, 0, 0);
	assert_int_equal(n.by_rule[HALL_A11Y_TARGET], 1);
	/* Two good targets 2 px apart (2.5 mm is 4 px here). */
	hall_dl_clear(dl);
	a = hall_dl_hit(dl, (hall_rect){100, 100, 100, 100}, "a", HALL_ROLE_BUTTON, "A");
	a->focus_order = 1;
	hall_dl_item *b = hall_dl_hit(dl, (hall_rect){202, 100, 100, 100}, "b", HALL_ROLE_BUTTON, "B");
	b->focus_order = 2;
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_SPACING], 1);
	/* Moved 4 px apart: fine. */
	b->rect.x = 204;
	assert_int_equal(run(dl, &screen55, 0, 0).total, 0);
	/* Same id twice, and a missing label. */
	b->rect.x = 400;
	hall_dl_item *c = hall_dl_hit(dl, (hall_rect){600, 100, 100, 100}, "a", HALL_ROLE_BUTTON, "");
	c->focus_order = 3;
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_LABEL], 2);
	hall_dl_destroy(dl);
}

static void reach_band_should_apply_in_low_position_mode(void **state)
{
	(void)state;
	/* Portrait 55" on a 300 mm plinth: rows above ~460 px are higher than 1,220 mm. */
	hall_ui_screen s = {1080, 1920, 680, 1210, 300};
	hall_dl *dl = hall_dl_create();
	hall_dl_item *a = hall_dl_hit(dl, (hall_rect){100, 100, 200, 200}, "high", HALL_ROLE_BUTTON, "High");
	a->focus_order = 1;
	hall_dl_text(dl, (hall_rect){100, 1000, 200, 60}, "fine", 40, HALL_LANG_EN, black, white);
	assert_int_equal(run(dl, &s, 0, 0).by_rule[HALL_A11Y_REACH], 0);
	assert_int_equal(run(dl, &s, 0, 1).by_rule[HALL_A11Y_REACH], 1);
	/* The band of the same screen, from ui.c, agrees with the check. */
	hall_rect band;
	assert_int_equal(hall_ui_reach_band(&s, 100, &band), 0);
	assert_true(hall_a11y_floor_mm(&s, band.y) <= 1220.0 + 1e-6);
	assert_true(hall_a11y_floor_mm(&s, band.y + band.h) >= 400.0 - 1e-6);
	assert_true(hall_a11y_floor_mm(&s, band.y - 2) > 1220.0);
	hall_dl_destroy(dl);
}

static void focus_order_should_be_complete_and_in_reading_order(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_item *a = hall_dl_hit(dl, (hall_rect){100, 500, 200, 100}, "a", HALL_ROLE_BUTTON, "A");
	hall_dl_item *b = hall_dl_hit(dl, (hall_rect){100, 100, 200, 100}, "b", HALL_ROLE_BUTTON, "B");
	a->focus_order = 1;
	b->focus_order = 2; /* goes up: against the reading order */
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_FOCUS], 1);
	a->focus_order = 2;
	b->focus_order = 1;
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_FOCUS], 0);
	b->focus_order = 2; /* duplicate: 1 is missing */
	assert_true(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_FOCUS] >= 1);
	hall_dl_destroy(dl);
}

static void images_and_polygons_need_a_description(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_image(dl, (hall_rect){100, 100, 300, 200}, "x.png", 0);
	int pts[] = {500, 500, 700, 500, 600, 700};
	hall_dl_polygon(dl, pts, 3, black);
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_ALT], 2);
	hall_dl_item *h = hall_dl_hit(dl, (hall_rect){450, 450, 300, 300}, "map", HALL_ROLE_REGION, "A map");
	h->focus_order = 1;
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_ALT], 1);
	hall_dl_destroy(dl);
}

static void overlapping_text_should_be_reported(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_text(dl, (hall_rect){100, 100, 300, 45}, "one", 30, HALL_LANG_EN, black, white);
	hall_dl_text(dl, (hall_rect){300, 120, 300, 45}, "two", 30, HALL_LANG_EN, black, white);
	assert_int_equal(run(dl, &screen55, 0, 0).by_rule[HALL_A11Y_OVERLAP], 1);
	hall_dl_destroy(dl);
}

/* Every text/background pair the helpers use, in both themes. */
static void theme_pairs_should_reach_their_contrast(void **state)
{
	(void)state;
	for (int hc = 0; hc < 2; hc++) {
		const hall_ui_theme *t = hall_ui_theme_get(hc);
		double need = hc ? 7.0 : 4.5;
		const hall_rgba pairs[][2] = {{t->text, t->bg},
		                              {t->surface_text, t->surface},
		                              {t->button_text, t->button},
		                              {t->primary_text, t->primary},
		                              {t->selected_text, t->selected},
		                              {t->bar_text, t->bar},
		                              {t->notice_text, t->notice},
		                              {t->urgent_text, t->urgent}};
		for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
			double c = hall_a11y_contrast(pairs[i][0], pairs[i][1]);
			if (c < need)
				fail_msg("theme %d pair %zu: %.2f:1 < %.1f:1", hc, i, c, need);
			assert_false(hall_a11y_forbidden_pair(pairs[i][0], pairs[i][1]));
		}
		/* A button on the bar stands out by its fill or its border (3:1, non-text). */
		assert_true(hall_a11y_contrast(t->button, t->bar) >= 3.0 || hall_a11y_contrast(t->border, t->bar) >= 3.0);
		/* The focus ring must stand out from the background (3:1, non-text). */
		assert_true(hall_a11y_contrast(t->focus, t->bg) >= 3.0);
		/* Chart fills against the background: bars are readable in greyscale. */
		for (int k = 0; k < 6; k++)
			assert_true(hall_a11y_contrast(t->series[k], t->bg) >= 3.0);
	}
}

/* Sizes that ui.c derives from millimetres meet the rules they are meant for. */
static void ui_sizes_should_follow_the_screen_in_mm(void **state)
{
	(void)state;
	const hall_ui_screen screens[] = {{1920, 1080, 1210, 680, 540}, {1080, 1920, 680, 1210, 300},
	                                  {1920, 1080, 708, 398, 750}, {3840, 2160, 1210, 680, 540}};
	for (size_t i = 0; i < sizeof(screens) / sizeof(screens[0]); i++) {
		for (unsigned large = 0; large < 2; large++) {
			hall_ui ui;
			hall_dl *dl = hall_dl_create();
			hall_ui_init(&ui, dl, &screens[i], large ? HALL_APP_MODE_LARGE_TEXT : 0, HALL_LANG_EN, NULL, NULL, NULL);
			double ppmm = fmin(screens[i].width_px / screens[i].width_mm, screens[i].height_px / screens[i].height_mm);
			assert_true(HALL_UI_LATIN_LETTER_RATIO * ui.font_px / ppmm >= 12.0 * (large ? 2 : 1));
			assert_true(ui.target_px / ppmm >= 12.0);
			assert_true((ui.target_px / ppmm) * (ui.target_px / ppmm) >= 150.0);
			int shorter = screens[i].width_px < screens[i].height_px ? screens[i].width_px : screens[i].height_px;
			assert_true(ui.target_px >= 80.0 * shorter / 1080.0);
			assert_true(ui.gap_px / ppmm >= 2.5);
			assert_int_equal(hall_ui_mm_to_px(&ui, 100.0), (int)lround(100.0 * ppmm));
			hall_dl_destroy(dl);
		}
	}
}

static void wrapping_should_fit_the_width_and_keep_every_character(void **state)
{
	(void)state;
	hall_ui ui;
	hall_dl *dl = hall_dl_create();
	hall_ui_init(&ui, dl, &screen55, 0, HALL_LANG_KO, NULL, NULL, NULL);
	const char *texts[] = {"서울시 홍보기획관이 2023년 4월 1일 기준으로 보고한 주요 업무와 예산입니다.",
	                       "Seoul, my soul was chosen by 658,234 participants in two rounds of voting.",
	                       "首尔市民厅改造为城市宣传馆，包括城市模型馆和政策展示馆。",
	                       "Averyveryveryveryveryveryveryveryverylongwordwithoutanyspaceatallinit"};
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		const char *s = texts[t];
		size_t len = strlen(s), off = 0, kept = 0;
		int lines = 0;
		while (off < len && lines < 100) {
			size_t lo, ll;
			size_t next = hall_ui_next_line(&ui, s, len, off, ui.font_px, HALL_LANG_KO, 0, 300, &lo, &ll);
			int w, h;
			hall_ui_measure_text(&ui, s + lo, ll, ui.font_px, HALL_LANG_KO, 0, &w, &h);
			assert_true(w <= 300 || ll <= 4); /* a single character may exceed a tiny width */
			assert_true(next > off);
			for (size_t k = lo; k < lo + ll; k++)
				kept += s[k] != ' ';
			off = next;
			lines++;
		}
		size_t nonspace = 0;
		for (size_t k = 0; k < len; k++)
			nonspace += s[k] != ' ';
		assert_int_equal(kept, nonspace);
		assert_true(lines > 1);
	}
	hall_dl_destroy(dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(contrast_should_follow_wcag),
		cmocka_unit_test(forbidden_pairs_should_be_red_green_and_yellow_blue),
		cmocka_unit_test(letter_ratio_should_depend_on_the_script),
		cmocka_unit_test(a_good_list_should_pass),
		cmocka_unit_test(small_letters_and_low_contrast_should_be_reported),
		cmocka_unit_test(small_and_crowded_targets_should_be_reported),
		cmocka_unit_test(reach_band_should_apply_in_low_position_mode),
		cmocka_unit_test(focus_order_should_be_complete_and_in_reading_order),
		cmocka_unit_test(images_and_polygons_need_a_description),
		cmocka_unit_test(overlapping_text_should_be_reported),
		cmocka_unit_test(theme_pairs_should_reach_their_contrast),
		cmocka_unit_test(ui_sizes_should_follow_the_screen_in_mm),
		cmocka_unit_test(wrapping_should_fit_the_width_and_keep_every_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
