/* tests/support/report_fx.h: what the report tests (test_report, test_report_gaps) build
 * their days from: a fresh SQLite controller database, the fixture day 2026-11-24 in
 * Asia/Seoul, and the events and hellos they store. Header only (static inline): it
 * needs hallctl, which the support library does not link; include it from tests that do
 * (`links: hallctl`). */
#ifndef HALL_TEST_REPORT_FX_H
#define HALL_TEST_REPORT_FX_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "hall/clock.h"
#include "hall/protocol.h"
#include "store.h"

#define RFX_TZ "Asia/Seoul"

/* A temporary folder with DIR/controller.db open as store; rfx_close removes both. */
typedef struct rfx {
	char dir[512];
	hall_store *store;
} rfx;

static inline rfx *rfx_open(const char *tag)
{
	rfx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	hall_test_tmpdir(f->dir, sizeof f->dir, tag);
	char path[600];
	snprintf(path, sizeof path, "%s/controller.db", f->dir);
	hall_error err = {0};
	assert_int_equal(hall_store_open_sqlite(path, &f->store, &err), HALL_OK);
	return f;
}

static inline void rfx_close(rfx *f)
{
	hall_store_close(f->store);
	hall_test_rmtree(f->dir);
	free(f);
}

/* UTC ms of a local time on 2026-11-24 (+ day_offset days). */
static inline int64_t rfx_at(int day_offset, int h, int m, int s)
{
	hall_civil c = {.year = 2026, .month = 11, .day = 24 + day_offset, .hour = h, .minute = m, .second = s};
	int64_t ms = 0;
	assert_int_equal(hall_clock_from_civil(&c, RFX_TZ, &ms), 0);
	return ms;
}

/* An event in Korean; dwell -1 for none. */
static inline hall_event rfx_event(const char *kiosk, int64_t seq, int64_t ts, hall_event_type type,
                                   const char *exhibit, const char *target, int64_t session, int64_t dwell)
{
	hall_event e;
	memset(&e, 0, sizeof e);
	snprintf(e.kiosk, sizeof e.kiosk, "%s", kiosk);
	e.seq = seq;
	e.ts = ts;
	e.type = type;
	snprintf(e.exhibit, sizeof e.exhibit, "%s", exhibit);
	snprintf(e.target, sizeof e.target, "%s", target);
	e.session = session;
	e.dwell_ms = dwell;
	snprintf(e.lang, sizeof e.lang, "ko");
	return e;
}

/* Kiosk `kiosk` of group lobby says hello at `when`, its spool holding 1..seq_max. */
static inline void rfx_hello(hall_store *s, const char *kiosk, int64_t seq_max, int64_t when)
{
	hall_hello h;
	memset(&h, 0, sizeof h);
	snprintf(h.kiosk, sizeof h.kiosk, "%s", kiosk);
	snprintf(h.group, sizeof h.group, "lobby");
	h.ts = when;
	h.boot_ts = when;
	h.seq_max = seq_max;
	h.spool_first = 1;
	hall_error err = {0};
	assert_int_equal(hall_store_kiosk_hello(s, &h, when, &err), HALL_OK);
}

#endif
