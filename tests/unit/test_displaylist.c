/* test_displaylist.c: appending, copying, hit-testing and reuse of kiosk/displaylist.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "displaylist.h"

static const hall_rgba WHITE = {255, 255, 255, 255};
static const hall_rgba BLACK = {0, 0, 0, 255};

static void dl_should_copy_strings_it_is_given(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	assert_non_null(dl);
	char text[16] = "서울";
	char id[16] = "home";
	hall_dl_item *t = hall_dl_text(dl, (hall_rect){0, 0, 100, 40}, text, 32, HALL_LANG_KO, BLACK, WHITE);
	hall_dl_item *h = hall_dl_hit(dl, (hall_rect){0, 0, 100, 40}, id, HALL_ROLE_BUTTON, "Home");
	assert_non_null(t);
	assert_non_null(h);
	strcpy(text, "changed");
	strcpy(id, "other");
	assert_string_equal(hall_dl_at(dl, 0)->text, "서울");
	assert_int_equal(hall_dl_at(dl, 0)->font_px, 32);
	assert_int_equal(hall_dl_at(dl, 0)->lang, HALL_LANG_KO);
	assert_string_equal(hall_dl_at(dl, 1)->id, "home");
	assert_string_equal(hall_dl_at(dl, 1)->label, "Home");
	assert_int_equal(hall_dl_count(dl), 2);
	assert_null(hall_dl_at(dl, 2));
	hall_dl_destroy(dl);
}

static void dl_should_keep_item_pointers_stable_while_growing(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_item *first = hall_dl_box(dl, (hall_rect){1, 2, 3, 4}, WHITE);
	char name[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "item-%d", i);
		assert_non_null(hall_dl_hit(dl, (hall_rect){i, 0, 1, 1}, name, HALL_ROLE_BUTTON, name));
	}
	first->radius_px = 9; /* still our item after thousands of appends */
	assert_int_equal(hall_dl_at(dl, 0)->radius_px, 9);
	assert_int_equal(hall_dl_at(dl, 0)->rect.w, 3);
	assert_string_equal(hall_dl_at(dl, 4000)->id, "item-3999");
	assert_int_equal(hall_dl_count(dl), 5001);
	hall_dl_destroy(dl);
}

static void hit_test_should_return_the_topmost_hit_holding_the_point(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_box(dl, (hall_rect){0, 0, 500, 500}, WHITE);
	hall_dl_hit(dl, (hall_rect){0, 0, 200, 200}, "under", HALL_ROLE_REGION, "");
	hall_dl_hit(dl, (hall_rect){50, 50, 100, 100}, "over", HALL_ROLE_BUTTON, "");
	assert_string_equal(hall_dl_hit_test(dl, 60, 60)->id, "over");
	assert_string_equal(hall_dl_hit_test(dl, 10, 10)->id, "under");
	/* right and bottom edges are outside (rect is half-open) */
	assert_string_equal(hall_dl_hit_test(dl, 150, 100)->id, "under");
	assert_null(hall_dl_hit_test(dl, 200, 10));
	assert_null(hall_dl_hit_test(dl, 300, 300)); /* a BOX is not touchable */
	hall_dl_destroy(dl);
}

static void find_should_return_the_hit_with_that_id(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_text(dl, (hall_rect){0, 0, 1, 1}, "lang", 10, HALL_LANG_EN, BLACK, WHITE);
	hall_dl_hit(dl, (hall_rect){5, 6, 7, 8}, "lang", HALL_ROLE_BUTTON, "Language");
	const hall_dl_item *it = hall_dl_find(dl, "lang");
	assert_non_null(it);
	assert_int_equal(it->kind, HALL_DL_HIT);
	assert_int_equal(it->rect.x, 5);
	assert_null(hall_dl_find(dl, "nope"));
	assert_null(hall_dl_find(dl, NULL));
	hall_dl_destroy(dl);
}

static void polygon_should_copy_points_and_compute_its_bounds(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	int pts[] = {10, 20, 110, 25, 60, 220};
	hall_dl_item *p = hall_dl_polygon(dl, pts, 3, BLACK);
	pts[0] = 999;
	assert_int_equal(p->points[0], 10);
	assert_int_equal(p->npoints, 3);
	assert_int_equal(p->rect.x, 10);
	assert_int_equal(p->rect.y, 20);
	assert_int_equal(p->rect.w, 100);
	assert_int_equal(p->rect.h, 200);
	assert_null(hall_dl_polygon(dl, NULL, 3, BLACK));
	hall_dl_destroy(dl);
}

static void line_should_store_its_end_point_and_width(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	hall_dl_item *l = hall_dl_line(dl, 10, 10, 5, 40, BLACK, 3);
	assert_int_equal(l->rect.x + l->rect.w, 5);
	assert_int_equal(l->rect.y + l->rect.h, 40);
	assert_int_equal(l->border_px, 3);
	hall_dl_destroy(dl);
}

static void clear_should_empty_the_list_and_allow_reuse(void **state)
{
	(void)state;
	hall_dl *dl = hall_dl_create();
	for (int frame = 0; frame < 3; frame++) {
		hall_dl_clear(dl);
		assert_int_equal(hall_dl_count(dl), 0);
		assert_null(hall_dl_find(dl, "a"));
		for (int i = 0; i < 300; i++)
			hall_dl_image(dl, (hall_rect){0, 0, 10, 10}, "assets/default/brand.png", i & 1);
		hall_dl_hit(dl, (hall_rect){0, 0, 10, 10}, "a", HALL_ROLE_LINK, "A");
		assert_int_equal(hall_dl_count(dl), 301);
		assert_string_equal(hall_dl_at(dl, 299)->image, "assets/default/brand.png");
		assert_int_equal(hall_dl_at(dl, 299)->fill, 1);
	}
	hall_dl_destroy(dl);
	hall_dl_destroy(NULL);
}

static void build(hall_dl *dl, const char *label, int focused)
{
	hall_dl_clear(dl);
	hall_dl_box(dl, (hall_rect){0, 0, 10, 10}, WHITE);
	int pts[] = {0, 0, 5, 0, 0, 5};
	hall_dl_polygon(dl, pts, 3, BLACK);
	hall_dl_text(dl, (hall_rect){0, 0, 10, 10}, "시민청", 20, HALL_LANG_KO, BLACK, WHITE);
	hall_dl_hit(dl, (hall_rect){0, 0, 10, 10}, "x", HALL_ROLE_BUTTON, label)->focused = focused;
}

static void equal_should_tell_identical_frames_from_changed_ones(void **state)
{
	(void)state;
	hall_dl *a = hall_dl_create(), *b = hall_dl_create();
	build(a, "Home", 0);
	build(b, "Home", 0);
	assert_true(hall_dl_equal(a, b));
	build(b, "Back", 0);
	assert_false(hall_dl_equal(a, b));
	build(b, "Home", 1);
	assert_false(hall_dl_equal(a, b));
	hall_dl_clear(b);
	assert_false(hall_dl_equal(a, b));
	hall_dl_destroy(a);
	hall_dl_destroy(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dl_should_copy_strings_it_is_given),
		cmocka_unit_test(dl_should_keep_item_pointers_stable_while_growing),
		cmocka_unit_test(hit_test_should_return_the_topmost_hit_holding_the_point),
		cmocka_unit_test(find_should_return_the_hit_with_that_id),
		cmocka_unit_test(polygon_should_copy_points_and_compute_its_bounds),
		cmocka_unit_test(line_should_store_its_end_point_and_width),
		cmocka_unit_test(clear_should_empty_the_list_and_allow_reuse),
		cmocka_unit_test(equal_should_tell_identical_frames_from_changed_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
