/* test_default_pack.c: the default content pack (assets/default/) says what the source
 * document says. test_content.c checks that the pack parses with no error or warning;
 * this file checks its facts: vote counts and shares, complaint totals, the city model's
 * geometry against Seoul's real layout, and that every image is used and small enough.
 * Numbers come from the seed (the public-relations office's report of 2023-04-01);
 * assets/README.md lists where each one is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hall/content.h"

static int group_setup(void **state)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%s/assets/default", HALL_SOURCE_DIR);
	hall_content *c = NULL;
	hall_error err;
	if (hall_content_load_dir(dir, NULL, NULL, &c, &err) != HALL_OK) {
		char buf[512];
		fprintf(stderr, "assets/default: %s\n", hall_error_format(&err, buf, sizeof buf));
		return -1;
	}
	*state = c;
	return 0;
}

static int group_teardown(void **state)
{
	hall_content_destroy(*state);
	return 0;
}

static const hall_exhibit *exhibit_of_kind(const hall_content *c, hall_exhibit_kind kind)
{
	for (size_t i = 0; i < c->n_exhibits; i++)
		if (c->exhibits[i].kind == kind)
			return &c->exhibits[i];
	fail_msg("the default pack has no exhibit of kind %s", hall_exhibit_kind_name(kind));
	return NULL;
}

static void brand_rounds_should_match_the_source_votes_and_shares(void **state)
{
	const hall_content *c = *state;
	const hall_brand *b = &exhibit_of_kind(c, HALL_EXHIBIT_BRAND)->u.brand;
	assert_string_equal(hall_text_get(&b->slogan, HALL_LANG_JA), "Seoul, my soul");
	/* The value contest (10,741 participants, no votes) is told in the story and a slide,
	 * not as a round: a round's numbers are shown as votes. */
	assert_non_null(strstr(hall_text_get(&b->story, HALL_LANG_EN), "10,741"));
	assert_int_equal(b->n_rounds, 2);
	assert_int_equal(b->rounds[0].total_votes, 397721);
	assert_int_equal(b->rounds[1].total_votes, 260513);
	/* The report's "658,234 participants in all" is the two votes together. */
	assert_int_equal(b->rounds[0].total_votes + b->rounds[1].total_votes, 658234);
	for (size_t r = 0; r < b->n_rounds; r++) {
		const hall_vote_round *round = &b->rounds[r];
		int64_t sum = 0;
		for (size_t o = 0; o < round->n_options; o++) {
			const hall_vote_option *opt = &round->options[o];
			double share = 100.0 * (double)opt->votes / (double)round->total_votes;
			/* The source rounds its shares to one decimal. */
			if (fabs(share - opt->percent) > 0.051)
				fail_msg("rounds[%zu].options[%zu]: %.3f%% computed, %.1f%% written", r, o,
				         share, opt->percent);
			sum += opt->votes;
		}
		/* Every vote of each round is accounted for by its options. */
		assert_int_equal(sum, round->total_votes);
	}
	assert_string_equal(hall_text_get(&b->rounds[1].options[0].label, HALL_LANG_EN), "Seoul, my soul");
	assert_int_equal(b->rounds[1].options[0].votes, 164470);
}

static const hall_chart *chart(const hall_policy *p, const char *id)
{
	for (size_t i = 0; i < p->n_charts; i++)
		if (strcmp(p->charts[i].id, id) == 0)
			return &p->charts[i];
	fail_msg("policy chart %s missing", id);
	return NULL;
}

static void policy_charts_should_add_up_to_the_source_totals(void **state)
{
	const hall_content *c = *state;
	const hall_policy *p = &exhibit_of_kind(c, HALL_EXHIBIT_POLICY)->u.policy;

	const hall_chart *complaints = chart(p, "complaints");
	double total = 0;
	for (size_t i = 0; i < complaints->n_series; i++)
		total += complaints->series[i].value;
	assert_true(fabs(total - 639974.0) < 0.5);

	/* Budget in million won, rounded per division from the report's thousand won; the
	 * divisions add up to the office's 88,194,161 thousand won. */
	const hall_chart *budget = chart(p, "budget");
	assert_int_equal(budget->n_series, 4);
	total = 0;
	for (size_t i = 0; i < budget->n_series; i++) {
		assert_true(budget->series[i].has_secondary);
		assert_true(budget->series[i].secondary > 0 && budget->series[i].secondary <= 100);
		total += budget->series[i].value;
	}
	assert_true(fabs(total - 88194.161) < 2.0);
}

static bool inside(const hall_district *d, double x, double y)
{
	bool in = false;
	for (size_t i = 0, j = d->n_points - 1; i < d->n_points; j = i++) {
		const hall_point *a = &d->points[i], *b = &d->points[j];
		if ((a->y > y) != (b->y > y) && x < a->x + (y - a->y) * (b->x - a->x) / (b->y - a->y))
			in = !in;
	}
	return in;
}

/* y of the river at x (model coordinates), or NAN where the river does not reach. */
static double river_y_at(const hall_city_model *m, double x)
{
	for (size_t i = 0; i + 1 < m->n_river; i++) {
		const hall_point *a = &m->river[i], *b = &m->river[i + 1];
		double lo = fmin(a->x, b->x), hi = fmax(a->x, b->x);
		if (x >= lo && x <= hi && hi > lo)
			return a->y + (b->y - a->y) * (x - a->x) / (b->x - a->x);
	}
	return NAN;
}

static const hall_district *district(const hall_city_model *m, const char *id)
{
	for (size_t i = 0; i < m->n_districts; i++)
		if (strcmp(m->districts[i].id, id) == 0)
			return &m->districts[i];
	fail_msg("district %s missing", id);
	return NULL;
}

/* which: 0 min x, 1 max x, 2 min y. */
static double extent(const hall_district *d, int which)
{
	double v = which == 2 ? d->points[0].y : d->points[0].x;
	for (size_t i = 1; i < d->n_points; i++) {
		if (which == 0)
			v = fmin(v, d->points[i].x);
		else if (which == 1)
			v = fmax(v, d->points[i].x);
		else
			v = fmin(v, d->points[i].y);
	}
	return v;
}

static void city_model_should_put_the_25_districts_where_they_are(void **state)
{
	const hall_content *c = *state;
	const hall_city_model *m = &exhibit_of_kind(c, HALL_EXHIBIT_CITY_MODEL)->u.city;
	assert_int_equal(m->n_districts, 25);
	assert_true(m->has_river);

	/* Each name is drawn inside its own district and no other. */
	for (size_t i = 0; i < m->n_districts; i++) {
		const hall_district *d = &m->districts[i];
		for (size_t j = 0; j < m->n_districts; j++) {
			bool in = inside(&m->districts[j], d->label.x, d->label.y);
			if (in != (i == j))
				fail_msg("label of %s is %s %s", d->id, in ? "inside" : "outside",
				         m->districts[j].id);
		}
	}

	/* 14 districts north of the Han, 11 south. */
	static const char *const north[] = {"jongno", "jung", "yongsan", "seongdong", "gwangjin",
	                                    "dongdaemun", "jungnang", "seongbuk", "gangbuk",
	                                    "dobong", "nowon", "eunpyeong", "seodaemun", "mapo"};
	static const char *const south[] = {"gangseo", "yangcheon", "guro", "geumcheon",
	                                    "yeongdeungpo", "dongjak", "gwanak", "seocho",
	                                    "gangnam", "songpa", "gangdong"};
	for (size_t i = 0; i < sizeof north / sizeof north[0]; i++) {
		const hall_district *d = district(m, north[i]);
		double ry = river_y_at(m, d->label.x);
		if (!isnan(ry) && d->label.y >= ry)
			fail_msg("%s should lie north of the river", d->id);
	}
	for (size_t i = 0; i < sizeof south / sizeof south[0]; i++) {
		const hall_district *d = district(m, south[i]);
		double ry = river_y_at(m, d->label.x);
		if (isnan(ry))
			fail_msg("the river does not pass %s", d->id);
		if (d->label.y <= ry)
			fail_msg("%s should lie south of the river", d->id);
	}

	/* Compass, by each polygon's extent: Gangseo reaches farthest west, Gangdong farthest
	 * east, Dobong farthest north; Gangnam lies south-east of Jung (City Hall). */
	for (size_t i = 0; i < m->n_districts; i++) {
		const hall_district *d = &m->districts[i];
		assert_true(extent(district(m, "gangseo"), 0) <= extent(d, 0));
		assert_true(extent(district(m, "gangdong"), 1) >= extent(d, 1));
		assert_true(extent(district(m, "dobong"), 2) <= extent(d, 2));
	}
	assert_true(district(m, "gangnam")->label.x > district(m, "jung")->label.x);
	assert_true(district(m, "gangnam")->label.y > district(m, "jung")->label.y);
}

static void every_image_should_be_used_and_under_300_kb(void **state)
{
	const hall_content *c = *state;
	for (size_t i = 0; i < c->n_assets; i++) {
		const hall_asset *a = &c->assets[i];
		if (a->size > 300u * 1024u)
			fail_msg("%s is %llu bytes", a->name, (unsigned long long)a->size);
		bool used = false;
		for (size_t s = 0; s < c->n_attract; s++)
			used = used || c->attract[s].image == a;
		for (size_t e = 0; e < c->n_exhibits; e++) {
			const hall_exhibit *x = &c->exhibits[e];
			used = used || x->image == a;
			if (x->kind == HALL_EXHIBIT_BRAND)
				for (size_t s = 0; s < x->u.brand.n_slides; s++)
					used = used || x->u.brand.slides[s].image == a;
			if (x->kind == HALL_EXHIBIT_POLICY)
				for (size_t k = 0; k < x->u.policy.n_cards; k++)
					used = used || x->u.policy.cards[k].image == a;
			if (x->kind == HALL_EXHIBIT_POLL)
				for (size_t k = 0; k < x->u.poll.n_options; k++)
					used = used || x->u.poll.options[k].image == a;
		}
		if (!used)
			fail_msg("asset %s is not used by any slide, card or poll option", a->name);
	}
}

/* `what` `id` has a picture, described in every language. */
static void assert_described(const char *what, const char *id, const hall_asset *image, const hall_text *alt)
{
	if (!image)
		fail_msg("%s %s has no picture", what, id);
	for (int l = 0; l < HALL_LANG_COUNT; l++)
		if (!alt->s[l] || !alt->s[l][0])
			fail_msg("%s %s: picture not described in %s", what, id, hall_lang_code((hall_lang)l));
}

/* Issue #12: every exhibit has a picture for its home tile, every policy card a picture
 * beside its text and every poll option a picture on its card, each described for voice
 * in all five languages. */
static void every_exhibit_and_policy_card_should_have_a_described_picture(void **state)
{
	const hall_content *c = *state;
	for (size_t e = 0; e < c->n_exhibits; e++) {
		const hall_exhibit *x = &c->exhibits[e];
		if (!x->image)
			fail_msg("exhibit %s has no picture for its tile", x->id);
		for (int l = 0; l < HALL_LANG_COUNT; l++)
			if (!x->alt.s[l] || !x->alt.s[l][0])
				fail_msg("exhibit %s: picture not described in %s", x->id, hall_lang_code((hall_lang)l));
		if (x->kind == HALL_EXHIBIT_POLL)
			for (size_t k = 0; k < x->u.poll.n_options; k++)
				assert_described("poll option", x->u.poll.options[k].id, x->u.poll.options[k].image,
				                 &x->u.poll.options[k].alt);
		if (x->kind != HALL_EXHIBIT_POLICY)
			continue;
		for (size_t k = 0; k < x->u.policy.n_cards; k++)
			assert_described("policy card", x->u.policy.cards[k].id, x->u.policy.cards[k].image,
			                 &x->u.policy.cards[k].alt);
	}
}

/* The slogan is often drawn over two lines ("Seoul, my" / "soul" on a narrow card), and the
 * voice reads each drawn line on its own: its words alone must be said as words too, in
 * Korean and Chinese as in Japanese (the Korean voice read a lone "soul" in English, the
 * Mandarin one reads a lone "my" as the pinyin syllable mi). */
static void slogan_words_alone_should_be_said_as_words(void **state)
{
	const hall_content *c = *state;
	static const struct {
		hall_lang lang;
		const char *text, *say;
	} cases[] = {
	    {HALL_LANG_KO, "Seoul, my soul", "서울, 마이 소울"},
	    {HALL_LANG_KO, "Seoul, my", "서울, 마이"},
	    {HALL_LANG_KO, "soul", "소울"},
	    {HALL_LANG_KO, "‘Seoul’", "‘서울’"},
	    {HALL_LANG_ZH_HANS, "Seoul, my", "Seoul, mai"},
	    {HALL_LANG_ZH_HANT, "Seoul, my", "Seoul, mai"},
	    {HALL_LANG_JA, "Seoul, my", "ソウル, マイ"},
	    {HALL_LANG_JA, "soul", "ソウル"},
	};
	char out[256];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = hall_content_pronounce(c, cases[i].lang, cases[i].text, out, sizeof out);
		if (strcmp(got, cases[i].say) != 0)
			fail_msg("%s: \"%s\" is said \"%s\", not \"%s\"", hall_lang_code(cases[i].lang), cases[i].text, got,
			         cases[i].say);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(brand_rounds_should_match_the_source_votes_and_shares),
		cmocka_unit_test(policy_charts_should_add_up_to_the_source_totals),
		cmocka_unit_test(city_model_should_put_the_25_districts_where_they_are),
		cmocka_unit_test(every_image_should_be_used_and_under_300_kb),
		cmocka_unit_test(every_exhibit_and_policy_card_should_have_a_described_picture),
		cmocka_unit_test(slogan_words_alone_should_be_said_as_words),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
