/* tests/unit/kiosk_testutil.h: helpers shared by test_app.c, test_exhibits.c and
 * test_a11y.c (header-only, static): screen configs, the default pack, a recorder for the
 * app's callbacks, and the accessibility check of a built frame with readable output. */
#ifndef HALL_KIOSK_TESTUTIL_H
#define HALL_KIOSK_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "a11y.h"
#include "app.h"
#include "displaylist.h"
#include "hall/config.h"
#include "hall/content.h"
#include "ui.h"

/* The config's default: a 55" landscape screen, 1920 x 1080 px, 1210 x 680 mm, 540 mm
 * above the floor (its top edge is at 1,220 mm). */
static inline void tu_config_landscape(hall_kiosk_config *cfg)
{
	hall_kiosk_config_defaults(cfg);
	snprintf(cfg->id, sizeof(cfg->id), "test-01");
}

/* A 55" portrait screen standing on a 300 mm plinth: its top is at 1,510 mm, so the
 * low-position mode has real work to do. */
static inline void tu_config_portrait(hall_kiosk_config *cfg)
{
	hall_kiosk_config_defaults(cfg);
	snprintf(cfg->id, sizeof(cfg->id), "test-02");
	cfg->screen.width_px = 1080;
	cfg->screen.height_px = 1920;
	cfg->screen.width_mm = 680;
	cfg->screen.height_mm = 1210;
	cfg->screen.bottom_mm = 300;
}

/* A 32" full-HD landscape screen (smaller pixels in mm: larger fonts in px). */
static inline void tu_config_small(hall_kiosk_config *cfg)
{
	hall_kiosk_config_defaults(cfg);
	snprintf(cfg->id, sizeof(cfg->id), "test-03");
	cfg->screen.width_mm = 708;
	cfg->screen.height_mm = 398;
	cfg->screen.bottom_mm = 750;
}

static inline hall_ui_screen tu_screen(const hall_kiosk_config *cfg)
{
	hall_ui_screen s = {cfg->screen.width_px, cfg->screen.height_px, cfg->screen.width_mm, cfg->screen.height_mm,
	                    cfg->screen.bottom_mm, cfg->screen.low_top_mm};
	return s;
}

static inline hall_content *tu_load_pack(const char *dir)
{
	hall_content *c = NULL;
	hall_error err;
	memset(&err, 0, sizeof(err));
	hall_err rc = hall_content_load_dir(dir, NULL, NULL, &c, &err);
	if (rc != HALL_OK) {
		char buf[512];
		print_error("loading %s: %s\n", dir, hall_error_format(&err, buf, sizeof(buf)));
	}
	assert_int_equal(rc, HALL_OK);
	assert_non_null(c);
	return c;
}

static inline hall_content *tu_parse_fixture(const char *rel);

/* A snapshot of the default pack's manifest (tests/fixtures/kiosk/pack/), so these tests
 * do not move while the pack is edited; images are looked up in assets/default and drawn
 * as their description when missing (which the tests accept as well). */
static inline hall_content *tu_default_pack(void)
{
	return tu_parse_fixture("pack/manifest.json");
}

static inline hall_content *tu_parse_fixture(const char *rel)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/fixtures/kiosk/%s", HALL_SOURCE_DIR, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	hall_content *c = NULL;
	hall_error err;
	memset(&err, 0, sizeof(err));
	hall_err rc = hall_content_parse(buf, n, NULL, NULL, &c, &err);
	if (rc != HALL_OK) {
		char eb[512];
		print_error("parsing %s: %s\n", rel, hall_error_format(&err, eb, sizeof(eb)));
	}
	assert_int_equal(rc, HALL_OK);
	return c;
}

/* ---- a recorder of callbacks ---- */

#define TU_MAX_EVENTS 512
typedef struct tu_event {
	hall_app_event_type type;
	char exhibit[80], target[200], poll[80];
	uint32_t session;
	hall_lang lang;
	int64_t dwell_ms;
} tu_event;

typedef struct tu_rec {
	tu_event ev[TU_MAX_EVENTS];
	size_t n_ev;
	char spoken[64][600];
	hall_lang spoken_lang[64];
	size_t n_spoken;
	int help;
	char help_exhibit[80];
	uint32_t help_session;
	int staff_exit;
	hall_app_speech speech;
	int n_speech;
	int sounds[3];
} tu_rec;

static inline void tu_emit(void *ctx, const hall_app_event *e)
{
	tu_rec *r = ctx;
	assert_non_null(e->exhibit);
	assert_non_null(e->target);
	assert_non_null(e->poll);
	if (r->n_ev >= TU_MAX_EVENTS)
		return;
	tu_event *t = &r->ev[r->n_ev++];
	t->type = e->type;
	snprintf(t->exhibit, sizeof(t->exhibit), "%s", e->exhibit);
	snprintf(t->target, sizeof(t->target), "%s", e->target);
	snprintf(t->poll, sizeof(t->poll), "%s", e->poll);
	t->session = e->session;
	t->lang = e->lang;
	t->dwell_ms = e->dwell_ms;
}

static inline void tu_speak(void *ctx, const char *s, hall_lang lang)
{
	tu_rec *r = ctx;
	size_t i = r->n_spoken < 64 ? r->n_spoken++ : 63;
	snprintf(r->spoken[i], sizeof(r->spoken[i]), "%s", s);
	r->spoken_lang[i] = lang;
}

/* Every call is on its way, numbered 1, 2, ... (hall_app_help_result ends it). */
static inline int64_t tu_help(void *ctx, const char *exhibit, uint32_t session)
{
	tu_rec *r = ctx;
	r->help++;
	r->help_session = session;
	snprintf(r->help_exhibit, sizeof(r->help_exhibit), "%s", exhibit);
	return r->help;
}

static inline void tu_staff_exit(void *ctx)
{
	((tu_rec *)ctx)->staff_exit++;
}

static inline void tu_speech(void *ctx, const hall_app_speech *s)
{
	tu_rec *r = ctx;
	r->speech = *s;
	r->n_speech++;
}

static inline void tu_sound(void *ctx, hall_app_sound s)
{
	tu_rec *r = ctx;
	if ((unsigned)s < 3)
		r->sounds[s]++;
}

static inline hall_app_callbacks tu_callbacks(tu_rec *r)
{
	hall_app_callbacks cb;
	memset(&cb, 0, sizeof(cb));
	cb.ctx = r;
	cb.measure = NULL; /* the built-in width model (ui.h); the platform's render test uses real fonts */
	cb.emit = tu_emit;
	cb.speak = tu_speak;
	cb.help = tu_help;
	cb.staff_exit = tu_staff_exit;
	cb.speech = tu_speech;
	cb.sound = tu_sound;
	return cb;
}

static inline size_t tu_count(const tu_rec *r, hall_app_event_type type)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_ev; i++)
		n += r->ev[i].type == type;
	return n;
}

static inline const tu_event *tu_last(const tu_rec *r, hall_app_event_type type)
{
	for (size_t i = r->n_ev; i-- > 0;)
		if (r->ev[i].type == type)
			return &r->ev[i];
	return NULL;
}

/* ---- frames ---- */

/* Tap the centre of HIT `id` on the current frame; fails the test when it is missing. */
static inline void tu_tap_id(hall_app *app, hall_dl *dl, const char *id, int64_t now)
{
	hall_app_build(app, now, dl);
	const hall_dl_item *it = hall_dl_find(dl, id);
	if (!it)
		fail_msg("no target \"%s\" on screen %s", id, hall_app_screen_id(app));
	hall_app_tap(app, it->rect.x + it->rect.w / 2, it->rect.y + it->rect.h / 2, now);
}

static inline int tu_has(hall_app *app, hall_dl *dl, const char *id, int64_t now)
{
	hall_app_build(app, now, dl);
	return hall_dl_find(dl, id) != NULL;
}

/* A text item whose text contains `needle`, or NULL. */
static inline const hall_dl_item *tu_find_text(const hall_dl *dl, const char *needle)
{
	for (size_t i = 0; i < hall_dl_count(dl); i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_TEXT && strstr(it->text, needle))
			return it;
	}
	return NULL;
}

/* A HIT whose label contains `needle`, or NULL. */
static inline const hall_dl_item *tu_find_label(const hall_dl *dl, const char *needle)
{
	for (size_t i = 0; i < hall_dl_count(dl); i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_HIT && strstr(it->label, needle))
			return it;
	}
	return NULL;
}

typedef struct tu_problems {
	const char *where;
	size_t n;
} tu_problems;

static inline void tu_report(void *user, const hall_a11y_problem *p)
{
	tu_problems *tp = user;
	if (tp->n < 12 || getenv("HALL_TEST_ALL"))
		print_message("  [%s] %s: %s\n", tp->where, hall_a11y_rule_name(p->rule), p->msg);
	tp->n++;
}

/* Check the app's current frame against every rule for its modes; returns the count. */
static inline size_t tu_check(hall_app *app, hall_dl *dl, const hall_kiosk_config *cfg, int64_t now,
                              const char *where)
{
	hall_app_build(app, now, dl);
	unsigned modes = hall_app_modes(app);
	hall_a11y_rules rules;
	hall_a11y_rules_default(&rules, (modes & HALL_APP_MODE_HIGH_CONTRAST) != 0,
	                        (modes & HALL_APP_MODE_LOW_POSITION) != 0);
	rules.check_cut = 1; /* nothing is lost to "…" (issue #12 Build 7) */
	/* Story pages: body text in a column of 45 to 75 characters, or 20 to 40 full-width
	 * ones (issue #12 Build 1). No lower bound in large text or on a portrait screen: the
	 * column is then what the screen's width holds at the law's letter size (about 41
	 * Latin characters across a 1080 px portrait screen in the test width model). */
	const char *sid = hall_app_screen_id(app);
	rules.check_measure = strncmp(sid, "exhibit:policy/card-", 20) == 0 || strncmp(sid, "exhibit:brand/slide-", 20) == 0;
	if ((modes & HALL_APP_MODE_LARGE_TEXT) || cfg->screen.width_px < cfg->screen.height_px)
		rules.measure_min = 0;
	hall_ui_screen s = tu_screen(cfg);
	char w[400];
	snprintf(w, sizeof(w), "%s %s %s modes=%u", where, hall_app_screen_id(app), hall_lang_code(hall_app_language(app)),
	         modes);
	tu_problems tp = {w, 0};
	size_t n = hall_a11y_check(dl, &s, &rules, tu_report, &tp);
	if (n && getenv("HALL_TEST_DUMP")) {
		/* The frame, for a person debugging a layout. */
		for (size_t i = 0; i < hall_dl_count(dl); i++) {
			const hall_dl_item *it = hall_dl_at(dl, i);
			if (it->kind == HALL_DL_TEXT || it->kind == HALL_DL_HIT || it->kind == HALL_DL_BOX)
				print_message("    %s %d,%d %dx%d %s\n",
				              it->kind == HALL_DL_TEXT ? "text" : it->kind == HALL_DL_HIT ? "hit " : "box ",
				              it->rect.x, it->rect.y, it->rect.w, it->rect.h,
				              it->kind == HALL_DL_TEXT ? it->text : it->id);
		}
	}
	return n;
}

#endif
