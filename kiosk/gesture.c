/* gesture.c: a small state machine over at most two tracked pointers. */
#include "gesture.h"

#include <math.h>
#include <stdlib.h>

#define QUEUE 64
#define DEFAULT_SLOP 24
#define DEFAULT_LONG_MS 1000
/* Pinch steps smaller than this relative change are held back and summed, so tiny
 * jitters between two still fingers do not make a stream of 1.0003 zoom steps. */
#define PINCH_STEP_MIN 0.01

typedef enum state {
	ST_IDLE,     /* no pointer down */
	ST_PRESSED,  /* one pointer down, still within slop, could be a tap or long press */
	ST_DRAG,
	ST_PINCH,
	ST_DONE      /* gesture over (long press fired, pinch ended): wait for all ups */
} state;

typedef struct pointer {
	int active;
	int64_t id;
	int x, y;
} pointer;

struct hall_gesture {
	hall_gesture_config cfg;
	state st;
	pointer p[2];
	int down_x, down_y;
	int64_t down_t;
	int last_x, last_y;        /* drag: position of the last step */
	double pinch_dist;         /* distance at the last emitted pinch step */
	int extra_down;            /* fingers beyond the first two still down */
	hall_gesture_event q[QUEUE];
	int head, count;
};

hall_gesture *hall_gesture_create(const hall_gesture_config *cfg)
{
	hall_gesture *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	if (cfg)
		g->cfg = *cfg;
	if (g->cfg.slop_px <= 0)
		g->cfg.slop_px = DEFAULT_SLOP;
	if (g->cfg.long_press_ms <= 0)
		g->cfg.long_press_ms = DEFAULT_LONG_MS;
	return g;
}

void hall_gesture_destroy(hall_gesture *g)
{
	free(g);
}

static void push(hall_gesture *g, hall_gesture_event ev)
{
	if (g->count == QUEUE) {
		hall_gesture_event *tail = &g->q[(g->head + g->count - 1) % QUEUE];
		if (ev.kind == tail->kind && ev.kind == HALL_GESTURE_DRAG) {
			tail->dx += ev.dx;
			tail->dy += ev.dy;
			tail->x = ev.x;
			tail->y = ev.y;
			tail->t_ms = ev.t_ms;
			return;
		}
		if (ev.kind == tail->kind && ev.kind == HALL_GESTURE_PINCH) {
			tail->scale *= ev.scale;
			tail->x = ev.x;
			tail->y = ev.y;
			tail->t_ms = ev.t_ms;
			return;
		}
		g->head = (g->head + 1) % QUEUE;
		g->count--;
	}
	g->q[(g->head + g->count) % QUEUE] = ev;
	g->count++;
}

int hall_gesture_poll(hall_gesture *g, hall_gesture_event *out)
{
	if (!g || g->count == 0)
		return 0;
	*out = g->q[g->head];
	g->head = (g->head + 1) % QUEUE;
	g->count--;
	return 1;
}

static pointer *find(hall_gesture *g, int64_t id)
{
	for (int i = 0; i < 2; i++)
		if (g->p[i].active && g->p[i].id == id)
			return &g->p[i];
	return NULL;
}

static int active_count(const hall_gesture *g)
{
	return g->p[0].active + g->p[1].active;
}

static double finger_dist(const hall_gesture *g)
{
	double dx = g->p[0].x - g->p[1].x, dy = g->p[0].y - g->p[1].y;
	return sqrt(dx * dx + dy * dy);
}

void hall_gesture_down(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
	if (!g || find(g, id))
		return;
	pointer *slot = !g->p[0].active ? &g->p[0] : !g->p[1].active ? &g->p[1] : NULL;
	if (!slot) {
		g->extra_down++;
		return;
	}
	*slot = (pointer){1, id, x, y};
	if (g->st == ST_IDLE) {
		g->st = ST_PRESSED;
		g->down_x = g->last_x = x;
		g->down_y = g->last_y = y;
		g->down_t = t_ms;
	} else if (active_count(g) == 2 && (g->st == ST_PRESSED || g->st == ST_DRAG)) {
		g->st = ST_PINCH;
		g->pinch_dist = finger_dist(g);
	}
}

void hall_gesture_move(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
	pointer *p = g ? find(g, id) : NULL;
	if (!p)
		return;
	p->x = x;
	p->y = y;
	switch (g->st) {
	case ST_PRESSED: {
		int dx = x - g->down_x, dy = y - g->down_y;
		if ((int64_t)dx * dx + (int64_t)dy * dy <= (int64_t)g->cfg.slop_px * g->cfg.slop_px)
			return;
		g->st = ST_DRAG;
		/* the move that leaves the slop is the first drag step */
	}
		/* fall through */
	case ST_DRAG:
		if (x != g->last_x || y != g->last_y) {
			push(g, (hall_gesture_event){HALL_GESTURE_DRAG, x, y, x - g->last_x, y - g->last_y, 1.0, t_ms});
			g->last_x = x;
			g->last_y = y;
		}
		return;
	case ST_PINCH: {
		if (active_count(g) < 2 || g->pinch_dist <= 0)
			return;
		double d = finger_dist(g);
		double scale = d / g->pinch_dist;
		if (fabs(scale - 1.0) < PINCH_STEP_MIN)
			return;
		int cx = (g->p[0].x + g->p[1].x) / 2, cy = (g->p[0].y + g->p[1].y) / 2;
		push(g, (hall_gesture_event){HALL_GESTURE_PINCH, cx, cy, 0, 0, scale, t_ms});
		g->pinch_dist = d;
		return;
	}
	case ST_IDLE:
	case ST_DONE:
		return;
	}
}

void hall_gesture_up(hall_gesture *g, int64_t id, int x, int y, int64_t t_ms)
{
	if (!g)
		return;
	pointer *p = find(g, id);
	if (!p) {
		if (g->extra_down > 0)
			g->extra_down--;
		return;
	}
	p->active = 0;
	(void)x;
	(void)y;
	if (g->st == ST_PRESSED) {
		if (t_ms - g->down_t >= g->cfg.long_press_ms) {
			/* held long enough but no tick came in between: still a long press */
			push(g, (hall_gesture_event){HALL_GESTURE_LONG_PRESS, g->down_x, g->down_y, 0, 0, 1.0, t_ms});
		} else {
			push(g, (hall_gesture_event){HALL_GESTURE_TAP, g->down_x, g->down_y, 0, 0, 1.0, t_ms});
		}
	}
	if (active_count(g) == 0)
		g->st = ST_IDLE;
	else
		g->st = ST_DONE; /* one finger of a pinch left: the gesture is over */
}

void hall_gesture_cancel(hall_gesture *g)
{
	if (!g)
		return;
	g->p[0].active = g->p[1].active = 0;
	g->extra_down = 0;
	g->st = ST_IDLE;
}

void hall_gesture_tick(hall_gesture *g, int64_t t_ms)
{
	if (g && g->st == ST_PRESSED && t_ms - g->down_t >= g->cfg.long_press_ms) {
		push(g, (hall_gesture_event){HALL_GESTURE_LONG_PRESS, g->down_x, g->down_y, 0, 0, 1.0, t_ms});
		g->st = ST_DONE;
	}
}

int hall_gesture_pending(const hall_gesture *g, int64_t *due_ms)
{
	if (!g || g->st != ST_PRESSED)
		return 0;
	if (due_ms)
		*due_ms = g->down_t + g->cfg.long_press_ms;
	return 1;
}
