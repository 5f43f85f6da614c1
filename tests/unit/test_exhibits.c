/* test_exhibits.c: every exhibit of the default pack, in every language and accessible
 * mode, on three screens, checked against the barrier-free rules from its display list;
 * and what each exhibit must show: charts from the content's numbers, districts by
 * point-in-polygon, zoom and pan with one-tap alternatives, one vote per session. */
/* links: hallkiosk */
#include "kiosk_testutil.h"

#include <math.h>

#include "exhibits/exhibits.h"

typedef struct fixture {
	hall_kiosk_config cfg;
	tu_rec rec;
	hall_app *app;
	hall_dl *dl;
	int64_t now;
} fixture;

static fixture *fixture_new(void (*screen)(hall_kiosk_config *))
{
	fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	screen(&f->cfg);
	hall_app_callbacks cb = tu_callbacks(&f->rec);
	f->app = hall_app_create(&f->cfg, &cb);
	assert_non_null(f->app);
	hall_app_set_content(f->app, tu_default_pack(), HALL_SOURCE_DIR "/assets/default");
	f->dl = hall_dl_create();
	f->now = 1000;
	return f;
}

static void fixture_free(fixture *f)
{
	hall_dl_destroy(f->dl);
	hall_app_destroy(f->app);
	free(f);
}

static void step(fixture *f)
{
	f->now += 500;
	hall_app_tick(f->app, f->now);
}

static void tap(fixture *f, const char *id)
{
	step(f);
	tu_tap_id(f->app, f->dl, id, f->now);
}

static int has(fixture *f, const char *id)
{
	return tu_has(f->app, f->dl, id, f->now);
}

static void find_on_pages(fixture *f, const char *id);

/* Set language and modes through the UI, as a visitor would. */
static void set_lang_modes(fixture *f, hall_lang lang, unsigned modes)
{
	char id[32];
	tap(f, "language");
	snprintf(id, sizeof(id), "lang-%s", hall_lang_code(lang));
	if (hall_app_language(f->app) != lang)
		tap(f, id);
	else
		tap(f, "dialog-close");
	static const struct {
		unsigned bit;
		const char *id;
	} m[] = {{HALL_APP_MODE_LARGE_TEXT, "mode-large-text"},
	         {HALL_APP_MODE_HIGH_CONTRAST, "mode-high-contrast"},
	         {HALL_APP_MODE_LOW_POSITION, "mode-low-position"},
	         {HALL_APP_MODE_VOICE, "mode-voice"}};
	tap(f, "accessibility");
	for (size_t i = 0; i < 4; i++) {
		if (((hall_app_modes(f->app) & m[i].bit) != 0) != ((modes & m[i].bit) != 0)) {
			/* In large text the dialog may span pages. */
			find_on_pages(f, m[i].id);
			tap(f, m[i].id);
		}
	}
	find_on_pages(f, "dialog-close");
	tap(f, "dialog-close");
	assert_int_equal(hall_app_modes(f->app), modes);
	assert_int_equal(hall_app_language(f->app), lang);
}

/* Check the current view and every page of it; returns the problems found. */
static size_t check_pages(fixture *f, const char *where)
{
	size_t n = 0;
	/* Back to the view's first page. */
	for (int k = 0; k < 60 && has(f, "page-prev"); k++)
		tap(f, "page-prev");
	for (int k = 0; k < 60; k++) {
		step(f);
		n += tu_check(f->app, f->dl, &f->cfg, f->now, where);
		if (!has(f, "page-next"))
			break;
		tap(f, "page-next");
	}
	return n;
}

/* Go through pages until `id` is on screen; fails when it never is. */
static void find_on_pages(fixture *f, const char *id)
{
	for (int k = 0; k < 60 && has(f, "page-prev"); k++)
		tap(f, "page-prev");
	for (int k = 0; k < 60 && !has(f, id); k++) {
		if (!has(f, "page-next"))
			break;
		tap(f, "page-next");
	}
	if (!has(f, id)) {
		for (size_t i = 0; i < hall_dl_count(f->dl); i++) {
			const hall_dl_item *it = hall_dl_at(f->dl, i);
			if (it->kind == HALL_DL_HIT)
				print_message("  hit %s at %d,%d %dx%d\n", it->id, it->rect.x, it->rect.y, it->rect.w, it->rect.h);
		}
		fail_msg("target %s not found on any page of %s (modes %u)", id, hall_app_screen_id(f->app),
		         hall_app_modes(f->app));
	}
}

static size_t check_exhibit(fixture *f, const hall_exhibit *ex)
{
	size_t n = 0;
	assert_int_equal(hall_app_show(f->app, ex->id, f->now), 0);
	switch (ex->kind) {
	case HALL_EXHIBIT_BRAND:
		for (int k = 0; k < 80; k++) {
			n += tu_check(f->app, f->dl, &f->cfg, f->now, "brand");
			if (!has(f, "next"))
				break;
			tap(f, "next");
		}
		/* The last slide and its last page: "next" is gone, "prev" is there. */
		assert_false(has(f, "next"));
		assert_true(has(f, "prev"));
		break;
	case HALL_EXHIBIT_POLICY: {
		n += check_pages(f, "policy list");
		const hall_policy *p = &ex->u.policy;
		for (size_t i = 0; i < p->n_cards + p->n_charts; i++) {
			char id[96];
			if (i < p->n_cards)
				snprintf(id, sizeof(id), "card-%s", p->cards[i].id);
			else
				snprintf(id, sizeof(id), "chart-%s", p->charts[i - p->n_cards].id);
			find_on_pages(f, id);
			tap(f, id);
			n += check_pages(f, id);
			tap(f, "back");
		}
		break;
	}
	case HALL_EXHIBIT_CITY_MODEL: {
		n += check_pages(f, "city map");
		find_on_pages(f, "zoom-in");
		tap(f, "zoom-in");
		n += check_pages(f, "city zoomed");
		find_on_pages(f, "districts");
		tap(f, "districts");
		n += check_pages(f, "city list");
		const hall_city_model *m = &ex->u.city;
		for (size_t i = 0; i < m->n_districts; i += 6) {
			char id[96];
			snprintf(id, sizeof(id), "district-%s", m->districts[i].id);
			/* From a district's panel: back to the map, then the list. */
			/* Back to the map, then to the list. */
			for (int k = 0; k < 3 && strcmp(hall_app_screen_id(f->app), "exhibit:city") != 0; k++)
				tap(f, "back");
			if (!has(f, id)) {
				find_on_pages(f, "districts");
				tap(f, "districts");
			}
			find_on_pages(f, id);
			tap(f, id);
			n += check_pages(f, id);
		}
		break;
	}
	case HALL_EXHIBIT_POLL: {
		n += check_pages(f, "poll question");
		char id[96];
		snprintf(id, sizeof(id), "option-%s", ex->u.poll.options[1].id);
		find_on_pages(f, id);
		tap(f, id);
		n += check_pages(f, "poll chosen");
		find_on_pages(f, "vote");
		tap(f, "vote");
		n += check_pages(f, "poll thanks");
		break;
	}
	}
	return n;
}

static void run_matrix(void (*screen)(hall_kiosk_config *), const unsigned *modes, size_t n_modes)
{
	fixture *f = fixture_new(screen);
	size_t problems = 0;
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		for (size_t m = 0; m < n_modes; m++) {
			/* Start on attract: the first screen must pass too. */
			problems += tu_check(f->app, f->dl, &f->cfg, f->now, "attract");
			tap(f, "start");
			set_lang_modes(f, (hall_lang)l, modes[m]);
			problems += tu_check(f->app, f->dl, &f->cfg, f->now, "after modes");
			tap(f, "home");
			problems += check_pages(f, "home");
			tap(f, "language");
			problems += check_pages(f, "language dialog");
			find_on_pages(f, "dialog-close");
			tap(f, "dialog-close");
			tap(f, "accessibility");
			problems += check_pages(f, "accessibility dialog");
			find_on_pages(f, "dialog-close");
			tap(f, "dialog-close");
			tap(f, "call-staff");
			problems += check_pages(f, "staff called");
			find_on_pages(f, "dialog-close");
			tap(f, "dialog-close");
			/* Every exhibit of the pack, every view. */
			hall_content *def = tu_default_pack();
			for (size_t e = 0; e < def->n_exhibits; e++)
				problems += check_exhibit(f, &def->exhibits[e]);
			hall_content_destroy(def);
			/* The more-time dialog. */
			f->now += 61000;
			hall_app_tick(f->app, f->now);
			assert_string_equal(hall_app_screen_id(f->app), "more-time");
			problems += tu_check(f->app, f->dl, &f->cfg, f->now, "more time");
			/* End the session: back to attract, modes reset. */
			f->now += 21000;
			hall_app_tick(f->app, f->now);
			assert_string_equal(hall_app_screen_id(f->app), "attract");
			assert_int_equal(hall_app_modes(f->app), 0);
		}
	}
	fixture_free(f);
	if (problems)
		fail_msg("%zu accessibility problems (first ones printed above)", problems);
}

static const unsigned all_modes[] = {
	0,
	HALL_APP_MODE_LARGE_TEXT,
	HALL_APP_MODE_HIGH_CONTRAST,
	HALL_APP_MODE_LOW_POSITION,
	HALL_APP_MODE_VOICE,
	HALL_APP_MODE_LARGE_TEXT | HALL_APP_MODE_HIGH_CONTRAST | HALL_APP_MODE_LOW_POSITION,
};

static void every_exhibit_should_meet_the_rules_on_a_landscape_screen(void **state)
{
	(void)state;
	run_matrix(tu_config_landscape, all_modes, sizeof(all_modes) / sizeof(all_modes[0]));
}

static void every_exhibit_should_meet_the_rules_on_a_portrait_screen(void **state)
{
	(void)state;
	run_matrix(tu_config_portrait, all_modes, sizeof(all_modes) / sizeof(all_modes[0]));
}

static void every_exhibit_should_meet_the_rules_on_a_small_screen(void **state)
{
	(void)state;
	run_matrix(tu_config_small, all_modes, sizeof(all_modes) / sizeof(all_modes[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_exhibit_should_meet_the_rules_on_a_landscape_screen),
		cmocka_unit_test(every_exhibit_should_meet_the_rules_on_a_portrait_screen),
		cmocka_unit_test(every_exhibit_should_meet_the_rules_on_a_small_screen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
