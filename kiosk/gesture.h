/* kiosk/gesture.h: turns pointer downs, moves and ups (mouse or fingers) into taps,
 * drags, pinches and long presses (no SDL in here; main.c feeds it SDL events).
 *
 * Rules, so that one tap is one action:
 *  - A press that ends within `slop_px` of where it started, before `long_press_ms`,
 *    with no second finger seen, is one TAP at the press position.
 *  - Moving further than slop_px turns the press into a DRAG: DRAG steps carry the
 *    pointer position and the movement since the last step (the first step counts from
 *    the press position, so the steps sum to the whole movement). A drag never taps.
 *  - Holding still for long_press_ms gives one LONG_PRESS (from hall_gesture_tick); the
 *    release then does nothing.
 *  - A second finger turns the gesture into a PINCH: steps carry the centre of the two
 *    fingers and the scale since the last step (steps multiply to the whole change of
 *    finger distance). Nothing else comes out until every finger is up. Fingers beyond
 *    the second are ignored.
 * Coordinates are viewport pixels; times are ms of one monotonic clock.
 *
 * Ownership: hall_gesture_create returns an object freed by hall_gesture_destroy.
 * Single-threaded. */
#ifndef HALL_KIOSK_GESTURE_H
#define HALL_KIOSK_GESTURE_H

#include <stdint.h>

typedef enum hall_gesture_kind {
	HALL_GESTURE_TAP,
	HALL_GESTURE_DRAG,
	HALL_GESTURE_PINCH,
	HALL_GESTURE_LONG_PRESS
} hall_gesture_kind;

typedef struct hall_gesture_event {
	hall_gesture_kind kind;
	int x, y;        /* TAP, LONG_PRESS: press position; DRAG: pointer now; PINCH: centre */
	int dx, dy;      /* DRAG: movement since the last step */
	double scale;    /* PINCH: factor since the last step (> 1 = fingers apart) */
	int64_t t_ms;    /* when it was recognised */
} hall_gesture_event;

typedef struct hall_gesture_config {
	int slop_px;        /* movement still counted as a tap; 0 = default 24 */
	int long_press_ms;  /* 0 = default 1000 */
} hall_gesture_config;

typedef struct hall_gesture hall_gesture;

/* cfg may be NULL (defaults). NULL on out-of-memory. */
hall_gesture *hall_gesture_create(const hall_gesture_config *cfg);
void hall_gesture_destroy(hall_gesture *g);

/* Pointer input. id names the pointer (a finger id, or any fixed value for the mouse). */
void hall_gesture_down(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms);
void hall_gesture_move(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms);
void hall_gesture_up(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms);
/* Forget the gesture in progress (window lost focus, touch cancelled): no event. */
void hall_gesture_cancel(hall_gesture *g);
/* Let time pass: recognises long presses. Call every frame. */
void hall_gesture_tick(hall_gesture *g, int64_t t_ms);
/* 1 while a press is held and could still become a long press (the loop must wake up
 * in time for it); *due_ms gets when. */
int hall_gesture_pending(const hall_gesture *g, int64_t *due_ms);

/* Take the next recognised event: 1 and *out set, or 0 when none. Events queue up to
 * 64 (drain every frame); a DRAG or PINCH step is merged into the previous queued step
 * of the same kind when the queue is full, else the oldest event is dropped. */
int hall_gesture_poll(hall_gesture *g, hall_gesture_event *out);

#endif
