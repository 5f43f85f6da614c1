/* kiosk/frame_health.c: the kiosk's render health figure (frame_health.h). */
#include "frame_health.h"

#include <stdlib.h>

void hall_frame_health_add(hall_frame_health *h, double ms, bool loading)
{
	if (loading) {
		h->loading++;
		return;
	}
	h->ms[h->n % HALL_FRAME_HEALTH_KEEP] = ms;
	h->n++;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

bool hall_frame_health_take(hall_frame_health *h, double *p99_ms)
{
	if (h->n < HALL_FRAME_HEALTH_MIN)
		return false;
	size_t n = h->n < HALL_FRAME_HEALTH_KEEP ? h->n : HALL_FRAME_HEALTH_KEEP;
	qsort(h->ms, n, sizeof h->ms[0], cmp_double);
	size_t i = (size_t)(0.99 * (double)(n - 1) + 0.5);
	*p99_ms = h->ms[i < n ? i : n - 1];
	h->n = 0;
	h->loading = 0;
	return true;
}
