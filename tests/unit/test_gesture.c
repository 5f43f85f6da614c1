/* test_gesture.c: taps, drags, pinches and long presses from kiosk/gesture.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "gesture.h"

static int drain(hall_gesture *g, hall_gesture_event *evs, int cap)
{
	int n = 0;
	hall_gesture_event ev;
	while (hall_gesture_poll(g, &ev)) {
		if (n < cap)
			evs[n] = ev;
		n++;
	}
	return n;
}

static void press_and_release_should_be_one_tap(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(NULL);
	hall_gesture_event ev[8];
	hall_gesture_down(g, 1, 100, 200, 0);
	hall_gesture_tick(g, 50);
	assert_int_equal(drain(g, ev, 8), 0);
	hall_gesture_up(g, 1, 100, 200, 120);
	assert_int_equal(drain(g, ev, 8), 1);
	assert_int_equal(ev[0].kind, HALL_GESTURE_TAP);
	assert_int_equal(ev[0].x, 100);
	assert_int_equal(ev[0].y, 200);
	/* a second up of the same finger (duplicate event) is not a second tap */
	hall_gesture_up(g, 1, 100, 200, 130);
	assert_int_equal(drain(g, ev, 8), 0);
	hall_gesture_destroy(g);
}

static void small_wobble_should_still_be_a_tap_at_the_press_position(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(&(hall_gesture_config){.slop_px = 20});
	hall_gesture_event ev[8];
	hall_gesture_down(g, 7, 300, 300, 0);
	hall_gesture_move(g, 7, 310, 305, 30);
	hall_gesture_move(g, 7, 295, 312, 60);
	hall_gesture_up(g, 7, 295, 312, 90);
	assert_int_equal(drain(g, ev, 8), 1);
	assert_int_equal(ev[0].kind, HALL_GESTURE_TAP);
	assert_int_equal(ev[0].x, 300);
	hall_gesture_destroy(g);
}

static void moving_beyond_slop_should_drag_and_not_tap(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(&(hall_gesture_config){.slop_px = 20});
	hall_gesture_event ev[16];
	hall_gesture_down(g, 1, 100, 100, 0);
	hall_gesture_move(g, 1, 130, 100, 20);
	hall_gesture_move(g, 1, 160, 110, 40);
	hall_gesture_move(g, 1, 160, 110, 50); /* no movement: no step */
	hall_gesture_up(g, 1, 160, 110, 60);
	int n = drain(g, ev, 16);
	assert_int_equal(n, 2);
	int sx = 0, sy = 0;
	for (int i = 0; i < n; i++) {
		assert_int_equal(ev[i].kind, HALL_GESTURE_DRAG);
		sx += ev[i].dx;
		sy += ev[i].dy;
	}
	assert_int_equal(sx, 60); /* the steps add up to the whole movement */
	assert_int_equal(sy, 10);
	assert_int_equal(ev[1].x, 160);
	hall_gesture_destroy(g);
}

static void holding_still_should_long_press_once_and_not_tap(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(&(hall_gesture_config){.long_press_ms = 800});
	hall_gesture_event ev[8];
	int64_t due = 0;
	hall_gesture_down(g, 1, 50, 60, 1000);
	assert_int_equal(hall_gesture_pending(g, &due), 1);
	assert_int_equal(due, 1800);
	hall_gesture_tick(g, 1799);
	assert_int_equal(drain(g, ev, 8), 0);
	hall_gesture_tick(g, 1800);
	hall_gesture_tick(g, 2500);
	assert_int_equal(hall_gesture_pending(g, NULL), 0);
	hall_gesture_up(g, 1, 50, 60, 2600);
	assert_int_equal(drain(g, ev, 8), 1);
	assert_int_equal(ev[0].kind, HALL_GESTURE_LONG_PRESS);
	assert_int_equal(ev[0].x, 50);
	hall_gesture_destroy(g);
}

static void two_fingers_apart_should_pinch_out_and_not_tap(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(NULL);
	hall_gesture_event ev[16];
	hall_gesture_down(g, 1, 400, 500, 0);
	hall_gesture_down(g, 2, 600, 500, 10); /* distance 200 */
	hall_gesture_move(g, 2, 700, 500, 20); /* 300 */
	hall_gesture_move(g, 1, 300, 500, 30); /* 400 */
	hall_gesture_move(g, 1, 301, 500, 35); /* a 0.25% jitter: held back */
	hall_gesture_up(g, 1, 301, 500, 40);
	hall_gesture_move(g, 2, 900, 500, 45); /* one finger left: nothing */
	hall_gesture_up(g, 2, 900, 500, 50);
	int n = drain(g, ev, 16);
	assert_int_equal(n, 2);
	double total = 1.0;
	for (int i = 0; i < n; i++) {
		assert_int_equal(ev[i].kind, HALL_GESTURE_PINCH);
		total *= ev[i].scale;
	}
	assert_true(fabs(total - 2.0) < 1e-9);
	assert_int_equal(ev[1].x, 500); /* centre of 300 and 700 */
	assert_int_equal(ev[1].y, 500);
	/* after all fingers are up a new press taps again */
	hall_gesture_down(g, 3, 10, 10, 100);
	hall_gesture_up(g, 3, 10, 10, 150);
	assert_int_equal(drain(g, ev, 16), 1);
	assert_int_equal(ev[0].kind, HALL_GESTURE_TAP);
	hall_gesture_destroy(g);
}

static void cancel_should_drop_the_press(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(NULL);
	hall_gesture_event ev[4];
	hall_gesture_down(g, 1, 10, 10, 0);
	hall_gesture_cancel(g);
	hall_gesture_up(g, 1, 10, 10, 50);
	hall_gesture_tick(g, 5000);
	assert_int_equal(drain(g, ev, 4), 0);
	hall_gesture_destroy(g);
}

static void a_full_queue_should_merge_drag_steps(void **state)
{
	(void)state;
	hall_gesture *g = hall_gesture_create(&(hall_gesture_config){.slop_px = 1});
	hall_gesture_event ev[128];
	hall_gesture_down(g, 1, 0, 0, 0);
	for (int i = 1; i <= 200; i++)
		hall_gesture_move(g, 1, i * 2, 0, i);
	int n = drain(g, ev, 128);
	assert_int_equal(n, 64);
	int sx = 0;
	for (int i = 0; i < n; i++)
		sx += ev[i].dx;
	assert_int_equal(sx, 400);
	hall_gesture_destroy(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(press_and_release_should_be_one_tap),
		cmocka_unit_test(small_wobble_should_still_be_a_tap_at_the_press_position),
		cmocka_unit_test(moving_beyond_slop_should_drag_and_not_tap),
		cmocka_unit_test(holding_still_should_long_press_once_and_not_tap),
		cmocka_unit_test(two_fingers_apart_should_pinch_out_and_not_tap),
		cmocka_unit_test(cancel_should_drop_the_press),
		cmocka_unit_test(a_full_queue_should_merge_drag_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
