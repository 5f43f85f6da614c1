/* fuzz_content.c: the content manifest parser and the schedule parser on any bytes.
 *
 * Every input goes to both parsers (a seed for one is a mutation source for the other).
 * Whatever the input, neither may crash, leak or read out of bounds (ASan/UBSan), and
 * what they accept must hold the invariants their headers promise: every pointer in the
 * tree valid, counts within the documented limits, every image reference inside
 * content->assets, and schedule evaluation well defined at any instant. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hall/content.h"
#include "hall/schedule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checked in every build type (assert vanishes under NDEBUG). */
#define CHECK(cond)                                                                                                  \
	do {                                                                                                             \
		if (!(cond))                                                                                                 \
			abort();                                                                                                 \
	} while (0)

static size_t sink;

static void touch_text(const hall_text *t)
{
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		hall_lang shown;
		const char *s = hall_text_get_lang(t, (hall_lang)l, &shown);
		CHECK(s != NULL);
		CHECK((unsigned)shown < HALL_LANG_COUNT);
		sink += strlen(s);
		if (t->s[l])
			CHECK(strlen(t->s[l]) <= HALL_CONTENT_TEXT_MAX && t->s[l][0] != '\0');
	}
}

static void touch_image(const hall_content *c, const hall_asset *a)
{
	if (!a)
		return;
	CHECK(a >= c->assets && a < c->assets + c->n_assets);
	sink += strlen(a->name);
}

static void touch_slides(const hall_content *c, const hall_slide *s, size_t n)
{
	CHECK(n <= HALL_CONTENT_SLIDES_MAX);
	for (size_t i = 0; i < n; i++) {
		CHECK(s[i].image != NULL);
		touch_image(c, s[i].image);
		touch_text(&s[i].caption);
		touch_text(&s[i].alt);
	}
}

static void touch_figures(const hall_figure *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		CHECK(f[i].value >= 0);
		touch_text(&f[i].label);
		touch_text(&f[i].unit);
	}
}

static void walk_content(const hall_content *c)
{
	CHECK(c->n_languages >= 1 && c->n_languages <= HALL_LANG_COUNT);
	CHECK(c->n_exhibits >= 1 && c->n_exhibits <= HALL_CONTENT_EXHIBITS_MAX);
	touch_text(&c->title);
	for (size_t i = 0; i < c->n_assets; i++)
		CHECK(strlen(c->assets[i].sha256) == 64 && c->assets[i].size >= 1);
	touch_slides(c, c->attract, c->n_attract);
	for (size_t i = 0; i < c->n_warnings; i++)
		sink += strlen(c->warnings[i].path) + strlen(c->warnings[i].msg);
	for (size_t i = 0; i < c->n_exhibits; i++) {
		const hall_exhibit *e = &c->exhibits[i];
		CHECK(hall_content_find_exhibit(c, e->id) == e);
		touch_text(&e->title);
		touch_text(&e->summary);
		switch (e->kind) {
		case HALL_EXHIBIT_BRAND:
			touch_text(&e->u.brand.slogan);
			for (size_t r = 0; r < e->u.brand.n_rounds; r++) {
				const hall_vote_round *rd = &e->u.brand.rounds[r];
				int64_t sum = 0;
				for (size_t k = 0; k < rd->n_options; k++) {
					sum += rd->options[k].votes;
					touch_text(&rd->options[k].label);
				}
				CHECK(sum <= rd->total_votes);
			}
			touch_slides(c, e->u.brand.slides, e->u.brand.n_slides);
			break;
		case HALL_EXHIBIT_POLICY:
			CHECK(e->u.policy.n_cards + e->u.policy.n_charts >= 1);
			for (size_t k = 0; k < e->u.policy.n_cards; k++) {
				const hall_card *cd = &e->u.policy.cards[k];
				touch_image(c, cd->image);
				if (cd->image)
					CHECK(hall_text_present(&cd->alt));
				touch_figures(cd->figures, cd->n_figures);
			}
			for (size_t k = 0; k < e->u.policy.n_charts; k++) {
				const hall_chart *ch = &e->u.policy.charts[k];
				CHECK(ch->n_series >= 1 && ch->n_series <= HALL_CONTENT_SERIES_MAX);
				for (size_t j = 0; j < ch->n_series; j++)
					touch_text(&ch->series[j].label);
			}
			break;
		case HALL_EXHIBIT_CITY_MODEL: {
			const hall_city_model *m = &e->u.city;
			CHECK(m->w > 0 && m->h > 0 && m->zoom_min > 0 && m->zoom_max >= m->zoom_min);
			for (size_t d = 0; d < m->n_districts; d++) {
				const hall_district *ds = &m->districts[d];
				CHECK(ds->n_points >= 3);
				for (size_t k = 0; k < ds->n_points; k++)
					CHECK(ds->points[k].x <= m->w && ds->points[k].y <= m->h);
				touch_figures(ds->facts, ds->n_facts);
			}
			break;
		}
		case HALL_EXHIBIT_POLL:
			CHECK(e->u.poll.n_options >= 2 && e->u.poll.n_options <= 6);
			CHECK(hall_content_find_poll(c, e->u.poll.id) == e);
			for (size_t k = 0; k < e->u.poll.n_options; k++)
				touch_text(&e->u.poll.options[k].label);
			break;
		}
	}
}

static void walk_schedule(const hall_schedule *s)
{
	/* A few instants: 2026-03-10 00:00 UTC and around it, and far ends of the range. */
	static const int64_t instants[] = {1773100800000, 1773100800000 + 13 * 3600000, 0, 4102444800000};
	for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++) {
		hall_schedule_result r;
		hall_error err;
		if (hall_schedule_eval(s, instants[i], "Asia/Seoul", &r, &err) != HALL_OK)
			continue;
		if (r.open) {
			CHECK(r.next_open_ms == -1);
			CHECK(r.closes_ms == -1 || r.closes_ms > instants[i]);
			if (r.item)
				CHECK(r.item >= s->items && r.item < s->items + s->n_items);
		} else {
			CHECK(r.item == NULL && r.closes_ms == -1);
			CHECK(r.next_open_ms == -1 || r.next_open_ms > instants[i]);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hall_content *c = NULL;
	hall_error err;
	if (hall_content_parse((const char *)data, size, NULL, NULL, &c, &err) == HALL_OK) {
		walk_content(c);
		hall_content_destroy(c);
	} else {
		CHECK(c == NULL);
	}
	hall_schedule *s = NULL;
	if (hall_schedule_parse((const char *)data, size, &s, &err) == HALL_OK) {
		walk_schedule(s);
		hall_schedule_destroy(s);
	} else {
		CHECK(s == NULL);
	}
	return 0;
}
