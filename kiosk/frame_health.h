/* kiosk/frame_health.h: the render health a kiosk reports in its status (frame_p99_ms,
 * docs/protocol.md; the console's Fleet page puts it in words, docs/console.md).
 *
 * What it measures: how long the slowest 1 % of the frames the kiosk drew took, over the
 * frames since its last report. Two rules keep the figure honest about stutter:
 *   - a frame that applied content or a notice staff had just sent (the screen rebuilt
 *     from new data, its pictures and texts loaded) is loading, not drawing: it is left
 *     out. A kiosk that draws little (a still screen) used to report that one frame as its
 *     "slowest 1 %" and read as very slow right after every push;
 *   - a figure is given only over at least HALL_FRAME_HEALTH_MIN frames, so that no single
 *     frame decides it (with 100 frames, the p99 is the second slowest). Until then the
 *     frames gather across status periods and the kiosk keeps its last report (none at
 *     first: the console says "not enough frames yet").
 *
 * Plain data, no allocation; owned by the kiosk's main loop (one thread). */
#ifndef HALL_KIOSK_FRAME_HEALTH_H
#define HALL_KIOSK_FRAME_HEALTH_H

#include <stdbool.h>
#include <stddef.h>

#define HALL_FRAME_HEALTH_MIN 100  /* frames before a figure is given */
#define HALL_FRAME_HEALTH_KEEP 512 /* newest frames kept (60 fps for 5 s is 300) */

typedef struct hall_frame_health {
	double ms[HALL_FRAME_HEALTH_KEEP]; /* ring of the newest frame times */
	size_t n;                          /* frames counted since the last figure */
	size_t loading;                    /* frames left out since the last figure */
} hall_frame_health;

/* Count one drawn frame of `ms` (build + draw + present); loading: it applied new
 * content or a notice (left out). */
void hall_frame_health_add(hall_frame_health *h, double ms, bool loading);

/* At a status: true with *p99_ms (the slowest 1 % of the frames counted, ms) when at
 * least HALL_FRAME_HEALTH_MIN were counted, and counting starts again; false when not
 * enough yet (keep counting, report nothing new). */
bool hall_frame_health_take(hall_frame_health *h, double *p99_ms);

#endif
