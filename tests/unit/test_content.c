/* test_content.c: the content pack parser, checker and localized lookup.
 * Fixtures: tests/fixtures/content/ (regenerate with make_fixtures.py there). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/json.h"

/* Collects every reported problem so tests can assert on all of them. */
typedef struct collected {
	hall_issue items[64];
	size_t n, n_errors, n_warnings;
} collected;

static void collect(void *user, const hall_issue *is)
{
	collected *c = user;
	if (is->severity == HALL_ISSUE_ERROR)
		c->n_errors++;
	else
		c->n_warnings++;
	if (c->n < sizeof c->items / sizeof c->items[0])
		c->items[c->n++] = *is;
}

static bool has_issue(const collected *c, hall_issue_severity sev, const char *path, const char *msg_part)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->items[i].severity == sev && strcmp(c->items[i].path, path) == 0 &&
		    strstr(c->items[i].msg, msg_part) != NULL)
			return true;
	}
	return false;
}

static void dump(const collected *c)
{
	for (size_t i = 0; i < c->n; i++)
		fprintf(stderr, "  %s %s: %s\n", c->items[i].severity == HALL_ISSUE_ERROR ? "error" : "warning",
		        c->items[i].path, c->items[i].msg);
}

static hall_err parse_fixture(const char *rel, collected *c, hall_content **out, hall_error *err)
{
	size_t len = 0;
	char *buf = hall_test_read_fixture(rel, &len);
	memset(c, 0, sizeof *c);
	memset(err, 0, sizeof *err);
	hall_err rc = hall_content_parse(buf, len, collect, c, out, err);
	free(buf);
	return rc;
}

static void parse_good_pack_should_build_the_whole_tree(void **state)
{
	(void)state;
	collected c;
	hall_content *ct = NULL;
	hall_error err;
	hall_err rc = parse_fixture("content/good/manifest.json", &c, &ct, &err);
	dump(&c);
	assert_int_equal(rc, HALL_OK);
	assert_non_null(ct);
	assert_int_equal(c.n, 0);
	assert_int_equal(ct->n_warnings, 0);
	assert_string_equal(ct->id, "fixture-pack");
	assert_int_equal(ct->n_languages, 5);
	assert_int_equal(ct->languages[2], HALL_LANG_ZH_HANS);
	assert_int_equal(ct->version, 0);
	assert_false(ct->signature.present);
	assert_int_equal(ct->n_assets, 2);
	assert_int_equal(ct->assets[1].type, HALL_ASSET_JPEG);
	assert_int_equal(ct->n_attract, 1);
	assert_ptr_equal(ct->attract[0].image, &ct->assets[0]);
	assert_false(hall_text_present(&ct->attract[0].alt));
	assert_int_equal(ct->n_exhibits, 4);

	const hall_exhibit *b = hall_content_find_exhibit(ct, "brand");
	assert_non_null(b);
	assert_int_equal(b->kind, HALL_EXHIBIT_BRAND);
	assert_int_equal(b->u.brand.n_rounds, 1);
	assert_int_equal(b->u.brand.rounds[0].total_votes, 260513);
	assert_int_equal(b->u.brand.rounds[0].n_options, 2);
	assert_int_equal(b->u.brand.rounds[0].options[0].votes, 164470);
	assert_true(b->u.brand.rounds[0].options[1].percent > 36.89 && b->u.brand.rounds[0].options[1].percent < 36.91);
	assert_string_equal(hall_text_get(&b->u.brand.slogan, HALL_LANG_EN), "Seoul, my soul");

	const hall_exhibit *p = hall_content_find_exhibit(ct, "policy");
	assert_non_null(p);
	assert_int_equal(p->u.policy.n_cards, 1);
	assert_ptr_equal(p->u.policy.cards[0].image, hall_content_find_asset(ct, "reporters.jpg"));
	assert_int_equal(p->u.policy.cards[0].n_figures, 1);
	assert_true(p->u.policy.cards[0].figures[0].value == 791.0);
	assert_int_equal(p->u.policy.n_charts, 2);
	assert_int_equal(p->u.policy.charts[0].type, HALL_CHART_DONUT);
	assert_false(p->u.policy.charts[0].series[0].has_secondary);
	assert_int_equal(p->u.policy.charts[1].type, HALL_CHART_BAR);
	assert_true(p->u.policy.charts[1].series[0].has_secondary);
	assert_true(p->u.policy.charts[1].series[0].secondary == 98.2);

	const hall_exhibit *m = hall_content_find_exhibit(ct, "city");
	assert_non_null(m);
	assert_int_equal(m->kind, HALL_EXHIBIT_CITY_MODEL);
	assert_true(m->u.city.w == 1000.0 && m->u.city.h == 800.0);
	assert_true(m->u.city.has_river);
	assert_int_equal(m->u.city.n_river, 3);
	assert_int_equal(m->u.city.n_districts, 2);
	/* No label given: the centroid of the 400..500 x 200..300 square. */
	assert_true(m->u.city.districts[0].label.x == 450.0 && m->u.city.districts[0].label.y == 250.0);
	/* Label given: kept as written. */
	assert_true(m->u.city.districts[1].label.x == 470.0 && m->u.city.districts[1].label.y == 340.0);
	assert_int_equal(m->u.city.districts[0].n_facts, 1);
	assert_true(m->u.city.zoom_max == 4.0);

	const hall_exhibit *v = hall_content_find_poll(ct, "brand-vote");
	assert_non_null(v);
	assert_string_equal(v->id, "vote");
	assert_int_equal(v->u.poll.n_options, 2);
	assert_string_equal(v->u.poll.options[1].id, "b");
	assert_true(v->u.poll.show_results);
	assert_null(hall_content_find_exhibit(ct, "nothing"));
	assert_null(hall_content_find_poll(ct, "vote"));
	assert_string_equal(hall_exhibit_kind_name(m->kind), "city-model");
	hall_content_destroy(ct);
}

static void text_get_should_fall_back_to_ko_then_en_then_any(void **state)
{
	(void)state;
	hall_lang shown;
	hall_text t = {{NULL}};
	assert_string_equal(hall_text_get(&t, HALL_LANG_JA), "");
	t.s[HALL_LANG_JA] = "日本語";
	assert_string_equal(hall_text_get_lang(&t, HALL_LANG_EN, &shown), "日本語");
	assert_int_equal(shown, HALL_LANG_JA);
	t.s[HALL_LANG_ZH_HANT] = "繁體";
	assert_string_equal(hall_text_get_lang(&t, HALL_LANG_EN, &shown), "繁體");
	assert_int_equal(shown, HALL_LANG_ZH_HANT);
	t.s[HALL_LANG_EN] = "English";
	assert_string_equal(hall_text_get_lang(&t, HALL_LANG_ZH_HANS, &shown), "English");
	assert_int_equal(shown, HALL_LANG_EN);
	t.s[HALL_LANG_KO] = "한국어";
	assert_string_equal(hall_text_get_lang(&t, HALL_LANG_ZH_HANS, &shown), "한국어");
	assert_int_equal(shown, HALL_LANG_KO);
	assert_string_equal(hall_text_get_lang(&t, HALL_LANG_JA, &shown), "日本語");
	assert_int_equal(shown, HALL_LANG_JA);
	assert_string_equal(hall_text_get(NULL, HALL_LANG_KO), "");
}

/* Every kind of pack a kiosk refuses, with the path its error must name. */
static const struct bad_case {
	const char *file, *path, *msg;
} bad_cases[] = {
	{"malformed", "", "malformed JSON"},
	{"not-an-object", "", "must be a JSON object"},
	{"wrong-type-title", "title", "expected a localized text"},
	{"wrong-type-votes", "exhibits[0].rounds[0].options[0].votes", "expected an integer"},
	{"unknown-kind", "exhibits[2].kind", "unknown kind \"video\""},
	{"poll-one-option", "exhibits[3].poll.options", "1 option, a poll has 2 to 6"},
	{"poll-seven-options", "exhibits[3].poll.options", "7 options, a poll has 2 to 6"},
	{"polygon-two-points", "exhibits[2].districts[0].points", "at least 3 points"},
	{"polygon-outside-viewbox", "exhibits[2].districts[1].points[2]", "outside the viewbox"},
	{"polygon-no-area", "exhibits[2].districts[0].points", "no area"},
	{"missing-asset", "exhibits[1].cards[0].image", "\"nothere.jpg\", which is not in \"assets\""},
	{"oversize-text", "exhibits[0].story.en", "4001 bytes, the limit is 4000"},
	{"duplicate-exhibit-id", "exhibits[3].id", "\"brand\" is used twice"},
	{"duplicate-district-id", "exhibits[2].districts[1].id", "\"jongno\" is used twice"},
	{"duplicate-asset-name", "assets[2].name", "listed twice"},
	{"negative-number", "exhibits[1].charts[1].series[0].value", "negative"},
	{"unknown-language", "exhibits[0].slogan.fr", "unknown language \"fr\""},
	{"bad-sha256", "assets[0].sha256", "64 lowercase hex"},
	{"bad-asset-type", "assets[0].type", "image/gif"},
	{"bad-id", "exhibits[0].id", "not a valid id"},
	{"missing-alt", "exhibits[1].cards[0].alt", "missing"},
	{"exhibit-image-missing-asset", "exhibits[0].image", "\"nothere.png\", which is not in \"assets\""},
	{"exhibit-image-without-alt", "exhibits[0].alt", "missing"},
	{"poll-option-missing-asset", "exhibits[3].poll.options[1].image", "\"nothere.png\", which is not in \"assets\""},
	{"poll-option-image-without-alt", "exhibits[3].poll.options[0].alt", "missing"},
	{"votes-over-total", "exhibits[0].rounds[0].options", "more than total_votes 1000"},
	{"no-exhibits", "exhibits", "is empty, expected 1 to 32 exhibits"},
	{"bad-signature-alg", "signature.alg", "expected ed25519"},
	{"empty-text", "title", "no text in any language"},
	{"zoom-max-below-min", "exhibits[2].zoom", "below min"},
	{"policy-empty", "exhibits[1]", "at least one card or chart"},
	{"duplicate-poll-id", "exhibits[4].poll.id", "also used by exhibits[3]"},
};

static void parse_should_refuse_each_bad_pack_with_the_path_of_the_problem(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct bad_case *bc = &bad_cases[i];
		char rel[256];
		snprintf(rel, sizeof rel, "content/bad/%s.json", bc->file);
		collected c;
		hall_content *ct = (hall_content *)&c; /* must be reset to NULL */
		hall_error err;
		hall_err rc = parse_fixture(rel, &c, &ct, &err);
		if (rc != HALL_ERR_INVALID || ct != NULL || !has_issue(&c, HALL_ISSUE_ERROR, bc->path, bc->msg)) {
			fprintf(stderr, "case %s: rc %d, expected an error at %s containing '%s'; got:\n", bc->file, rc,
			        bc->path, bc->msg);
			dump(&c);
		}
		assert_int_equal(rc, HALL_ERR_INVALID);
		assert_null(ct);
		assert_true(has_issue(&c, HALL_ISSUE_ERROR, bc->path, bc->msg));
		/* The caller's error is the first one reported. */
		assert_true(c.n_errors >= 1);
		size_t first = 0;
		while (c.items[first].severity != HALL_ISSUE_ERROR)
			first++;
		assert_string_equal(err.path, c.items[first].path);
		assert_string_equal(err.msg, c.items[first].msg);
	}
}

static void parse_should_list_each_missing_translation_as_a_warning(void **state)
{
	(void)state;
	collected c;
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(parse_fixture("content/warn/missing-translations.json", &c, &ct, &err), HALL_OK);
	assert_non_null(ct);
	dump(&c);
	assert_int_equal(c.n_errors, 0);
	assert_int_equal(c.n_warnings, 3);
	assert_true(has_issue(&c, HALL_ISSUE_WARNING, "exhibits[1].cards[0].title", "missing zh-Hant"));
	assert_true(has_issue(&c, HALL_ISSUE_WARNING, "exhibits[0].title", "missing en"));
	assert_true(has_issue(&c, HALL_ISSUE_WARNING, "exhibits[0].title", "missing ja"));
	/* The same list is kept in the tree for later display. */
	assert_int_equal(ct->n_warnings, 3);
	assert_string_equal(ct->warnings[0].path, "exhibits[0].title");
	assert_string_equal(ct->warnings[2].path, "exhibits[1].cards[0].title");
	assert_string_equal(ct->warnings[2].msg, "missing zh-Hant");
	/* And the lookup falls back: English asked, Korean shown. */
	hall_lang shown;
	assert_string_equal(hall_text_get_lang(&ct->exhibits[0].title, HALL_LANG_EN, &shown), "브랜드");
	assert_int_equal(shown, HALL_LANG_KO);
	hall_content_destroy(ct);
}

static void parse_should_warn_about_an_unknown_field_and_keep_the_pack(void **state)
{
	(void)state;
	collected c;
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(parse_fixture("content/warn/unknown-field.json", &c, &ct, &err), HALL_OK);
	assert_int_equal(c.n_warnings, 1);
	assert_true(has_issue(&c, HALL_ISSUE_WARNING, "exhibits[0].sumary", "unknown field"));
	hall_content_destroy(ct);
}

static void parse_should_report_every_error_not_just_the_first(void **state)
{
	(void)state;
	static const char manifest[] =
		"{\"id\":\"Bad Id\",\"title\":{\"ko\":\"x\"},\"languages\":[\"ko\",\"ko\"],\"assets\":[],"
		"\"exhibits\":[{\"id\":\"p\",\"kind\":\"poll\",\"title\":{\"ko\":\"t\"},\"summary\":{\"ko\":\"s\"},"
		"\"poll\":{\"id\":\"q\",\"question\":{\"ko\":\"?\"},\"options\":[{\"id\":\"a\",\"label\":{\"ko\":\"a\"}}]}},"
		"{\"id\":\"p\",\"kind\":\"video\",\"title\":{\"ko\":\"t\"},\"summary\":{\"ko\":\"s\"}}]}";
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(manifest, sizeof manifest - 1, collect, &c, &ct, &err), HALL_ERR_INVALID);
	assert_null(ct);
	dump(&c);
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "languages[1]", "listed twice"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "id", "not a valid id"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "exhibits[0].poll.options", "a poll has 2 to 6"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "exhibits[1].id", "used twice"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "exhibits[1].kind", "unknown kind"));
	assert_int_equal(c.n_errors, 5);
	assert_string_equal(err.path, "languages[1]");
}

/* A minimal pack (one poll exhibit) with `pron` as its pronunciation list. */
static hall_err parse_with_pronunciations(const char *pron, collected *c, hall_content **ct)
{
	char manifest[2048];
	hall_error err;
	snprintf(manifest, sizeof manifest,
	         "{\"id\":\"p\",\"title\":{\"ko\":\"x\"},\"languages\":[\"ko\"],\"assets\":[],\"pronunciations\":%s,"
	         "\"exhibits\":[{\"id\":\"p\",\"kind\":\"poll\",\"title\":{\"ko\":\"t\"},\"summary\":{\"ko\":\"s\"},"
	         "\"poll\":{\"id\":\"q\",\"question\":{\"ko\":\"?\"},\"options\":[{\"id\":\"a\",\"label\":{\"ko\":\"a\"}},"
	         "{\"id\":\"b\",\"label\":{\"ko\":\"b\"}}]}}]}",
	         pron);
	memset(c, 0, sizeof *c);
	return hall_content_parse(manifest, strlen(manifest), collect, c, ct, &err);
}

/* Issue 12: brand names read as words. The voice says an entry's `say` where its text
 * stands: the longest entry at a place, ASCII case ignored, never inside a Latin word. */
static void pronunciations_should_replace_brand_names_before_speech(void **state)
{
	(void)state;
	collected c;
	hall_content *ct = NULL;
	assert_int_equal(parse_with_pronunciations("{\"ja\":[{\"text\":\"Seoul\",\"say\":\"ソウル\"},"
	                                           "{\"text\":\"Seoul, my soul\",\"say\":\"ソウル・マイ・ソウル\"}],"
	                                           "\"en\":[{\"text\":\"mVoting\",\"say\":\"M Voting\"}]}",
	                                           &c, &ct),
	                 HALL_OK);
	assert_int_equal(ct->n_pronunciations[HALL_LANG_JA], 2);
	char out[256];
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_JA, "ソウルブランド「Seoul, my soul」", out, sizeof out),
	                    "ソウルブランド「ソウル・マイ・ソウル」");
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_JA, "SEOUL, MY SOUL and Seoul", out, sizeof out),
	                    "ソウル・マイ・ソウル and ソウル");
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_JA, "Seoulite", out, sizeof out), "Seoulite");
	/* Other languages keep their own list (none for ko here). */
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_KO, "Seoul, my soul", out, sizeof out), "Seoul, my soul");
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_EN, "on mVoting.", out, sizeof out), "on M Voting.");
	/* A short buffer cuts at a character, never inside a replacement. */
	char small[12];
	assert_string_equal(hall_content_pronounce(ct, HALL_LANG_JA, "ab Seoul", small, sizeof small), "ab ");
	assert_string_equal(hall_content_pronounce(NULL, HALL_LANG_JA, "Seoul", out, sizeof out), "Seoul");
	hall_content_destroy(ct);

	ct = NULL;
	assert_int_equal(parse_with_pronunciations("{\"xx\":[],\"ja\":[{\"text\":\"\",\"say\":\"a\"},{\"say\":\"b\"}],"
	                                           "\"ko\":{}}",
	                                           &c, &ct),
	                 HALL_ERR_INVALID);
	dump(&c);
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "pronunciations.xx", "unknown language"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "pronunciations.ja[0]", "text is empty"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "pronunciations.ja[1].text", "missing"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "pronunciations.ko", "expected an array"));
}

static void parse_should_refuse_a_manifest_over_one_mebibyte(void **state)
{
	(void)state;
	size_t len = HALL_CONTENT_MANIFEST_MAX + 1;
	char *buf = malloc(len);
	assert_non_null(buf);
	memset(buf, ' ', len);
	buf[0] = '{';
	buf[len - 1] = '}';
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(buf, len, NULL, NULL, &ct, &err), HALL_ERR_TOO_BIG);
	assert_null(ct);
	free(buf);
}

static size_t count_calls;
static hall_issue last_issue;

static void count_issue(void *user, const hall_issue *is)
{
	(void)user;
	count_calls++;
	last_issue = *is;
}

static void parse_should_refuse_an_object_of_very_many_fields(void **state)
{
	(void)state;
	/* 100,000 fields in the root: refused before any per-field work. */
	size_t cap = 1u << 20, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	buf[len++] = '{';
	for (int i = 0; i < 100000; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s\"k\":1", i ? "," : "");
	buf[len++] = '}';
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(buf, len, collect, &c, &ct, &err), HALL_ERR_INVALID);
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "(root)", "an object of 100000 fields"));
	free(buf);
}

static void parse_should_stop_listing_after_500_problems(void **state)
{
	(void)state;
	/* 32 exhibits whose titles each hold 60 unknown language codes: 1,920 errors. */
	size_t cap = 1u << 20, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	len += (size_t)snprintf(buf, cap, "{\"id\":\"x\",\"title\":{\"ko\":\"t\"},\"languages\":[\"ko\"],\"assets\":[],\"exhibits\":[");
	for (int e = 0; e < 32; e++) {
		len += (size_t)snprintf(buf + len, cap - len, "%s{\"id\":\"e%d\",\"kind\":\"poll\",\"title\":{", e ? "," : "", e);
		for (int l = 0; l < 60; l++)
			len += (size_t)snprintf(buf + len, cap - len, "%s\"x%d\":\"t\"", l ? "," : "", l);
		len += (size_t)snprintf(buf + len, cap - len, "}}");
	}
	len += (size_t)snprintf(buf + len, cap - len, "]}");
	hall_content *ct = NULL;
	hall_error err;
	count_calls = 0;
	assert_int_equal(hall_content_parse(buf, len, count_issue, NULL, &ct, &err), HALL_ERR_INVALID);
	assert_int_equal(count_calls, 500);
	assert_non_null(strstr(last_issue.msg, "the rest are not listed"));
	assert_string_equal(err.path, "exhibits[0].title.x0");
	free(buf);
}

static void parse_should_refuse_invalid_utf8_in_a_text(void **state)
{
	(void)state;
	static const char manifest[] = "{\"id\":\"x\",\"title\":{\"ko\":\"\xc0\xaf\"},\"languages\":[\"ko\"],\"assets\":[],"
	                               "\"exhibits\":[]}";
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(manifest, sizeof manifest - 1, collect, &c, &ct, &err), HALL_ERR_INVALID);
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "title.ko", "not valid UTF-8"));
}

static void parse_should_keep_a_signature_without_verifying_it(void **state)
{
	(void)state;
	static const char manifest[] =
		"{\"id\":\"x\",\"title\":{\"ko\":\"t\"},\"languages\":[\"ko\"],\"assets\":[],\"version\":12,"
		"\"signature\":{\"alg\":\"ed25519\",\"key\":\"a2V5\",\"sig\":\"c2ln\"},"
		"\"exhibits\":[{\"id\":\"p\",\"kind\":\"poll\",\"title\":{\"ko\":\"t\"},\"summary\":{\"ko\":\"s\"},"
		"\"poll\":{\"id\":\"q\",\"question\":{\"ko\":\"?\"},\"show_results\":false,"
		"\"options\":[{\"id\":\"a\",\"label\":{\"ko\":\"a\"}},{\"id\":\"b\",\"label\":{\"ko\":\"b\"}}]}}]}";
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_parse(manifest, sizeof manifest - 1, NULL, NULL, &ct, &err), HALL_OK);
	assert_true(ct->signature.present);
	assert_string_equal(ct->signature.alg, "ed25519");
	assert_string_equal(ct->signature.key, "a2V5");
	assert_string_equal(ct->signature.sig, "c2ln");
	assert_int_equal(ct->version, 12);
	assert_false(ct->exhibits[0].u.poll.show_results);
	assert_true(hall_content_has_language(ct, HALL_LANG_KO));
	assert_false(hall_content_has_language(ct, HALL_LANG_EN));
	hall_content_destroy(ct);
}

static void from_json_should_read_the_manifest_of_a_content_message_and_own_its_copy(void **state)
{
	(void)state;
	size_t len = 0;
	char *manifest = hall_test_read_fixture("content/good/manifest.json", &len);
	size_t msg_len = len + 64;
	char *msg = malloc(msg_len);
	assert_non_null(msg);
	int n = snprintf(msg, msg_len, "{\"scope\":\"all\",\"version\":8,\"manifest\":%s}", manifest);
	assert_true(n > 0 && (size_t)n < msg_len);
	cJSON *root = NULL;
	hall_error err;
	assert_int_equal(hall_json_parse(msg, (size_t)n, 2u << 20, &root, &err), HALL_OK);
	hall_content *ct = NULL;
	assert_int_equal(hall_content_from_json(cJSON_GetObjectItemCaseSensitive(root, "manifest"), NULL, NULL, &ct, &err),
	                 HALL_OK);
	/* Nothing in the tree may point into the cJSON tree or the message bytes. */
	cJSON_Delete(root);
	memset(msg, 'x', msg_len);
	free(msg);
	free(manifest);
	assert_string_equal(hall_text_get(&ct->exhibits[3].u.poll.question, HALL_LANG_EN), "Which do you like?");
	assert_string_equal(ct->assets[0].name, "brand-mark.png");
	hall_content_destroy(ct);
	/* A member that is not an object is refused like a bad manifest. */
	root = cJSON_Parse("{\"manifest\":[1]}");
	assert_non_null(root);
	assert_int_equal(hall_content_from_json(cJSON_GetObjectItemCaseSensitive(root, "manifest"), NULL, NULL, &ct, &err),
	                 HALL_ERR_INVALID);
	assert_null(ct);
	cJSON_Delete(root);
}

/* ---- the folder ---- */

static void copy_file(const char *from, const char *to)
{
	char *data = NULL;
	size_t len = 0;
	hall_error err;
	assert_int_equal(hall_fs_read_file(from, 1u << 20, &data, &len, &err), HALL_OK);
	assert_int_equal(hall_fs_write_atomic(to, data, len, &err), HALL_OK);
	free(data);
}

/* A fresh copy of the good pack in a temporary folder. */
static void copy_good_pack(char *dir, size_t len)
{
	static const char *const files[] = {"manifest.json", "brand-mark.png", "reporters.jpg"};
	hall_test_tmpdir(dir, len, "content");
	for (size_t i = 0; i < 3; i++) {
		char from[1024], to[1024], rel[256];
		snprintf(rel, sizeof rel, "content/good/%s", files[i]);
		hall_test_fixture(from, sizeof from, rel);
		hall_fs_join(to, sizeof to, dir, files[i]);
		copy_file(from, to);
	}
}

static void write_bytes(const char *dir, const char *name, const void *data, size_t len)
{
	char path[1024];
	hall_error err;
	hall_fs_join(path, sizeof path, dir, name);
	assert_int_equal(hall_fs_write_atomic(path, data, len, &err), HALL_OK);
}

static void load_dir_should_accept_the_good_pack(void **state)
{
	(void)state;
	char dir[1024];
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	hall_test_fixture(dir, sizeof dir, "content/good");
	assert_int_equal(hall_content_load_dir(dir, collect, &c, &ct, &err), HALL_OK);
	dump(&c);
	assert_int_equal(c.n, 0);
	assert_non_null(ct);
	assert_int_equal(hall_content_check_dir(dir, ct, &err), HALL_OK);
	hall_content_destroy(ct);
}

static void check_dir_should_refuse_a_missing_file(void **state)
{
	(void)state;
	char dir[1024], path[1200];
	copy_good_pack(dir, sizeof dir);
	hall_fs_join(path, sizeof path, dir, "reporters.jpg");
	assert_int_equal(remove(path), 0);
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_load_dir(dir, collect, &c, &ct, &err), HALL_ERR_NOT_FOUND);
	assert_null(ct);
	assert_string_equal(err.path, "assets[1]");
	assert_non_null(strstr(err.msg, "reporters.jpg is missing"));
	assert_int_equal(c.n_errors, 1);
	hall_test_rmtree(dir);
}

static void check_dir_should_refuse_a_file_of_another_size_or_hash(void **state)
{
	(void)state;
	char dir[1024], path[1200];
	copy_good_pack(dir, sizeof dir);
	/* brand-mark.png: one byte flipped, same size -> sha256 differs. */
	char *data = NULL;
	size_t len = 0;
	hall_error err;
	hall_fs_join(path, sizeof path, dir, "brand-mark.png");
	assert_int_equal(hall_fs_read_file(path, 1u << 20, &data, &len, &err), HALL_OK);
	data[len - 1] = (char)(data[len - 1] ^ 0x01);
	write_bytes(dir, "brand-mark.png", data, len);
	free(data);
	/* reporters.jpg: one byte longer. */
	hall_fs_join(path, sizeof path, dir, "reporters.jpg");
	assert_int_equal(hall_fs_read_file(path, 1u << 20, &data, &len, &err), HALL_OK);
	char *longer = malloc(len + 1);
	assert_non_null(longer);
	memcpy(longer, data, len);
	longer[len] = 0;
	write_bytes(dir, "reporters.jpg", longer, len + 1);
	free(longer);
	free(data);

	collected c = {0};
	hall_content *ct = NULL;
	assert_int_equal(hall_content_load_dir(dir, collect, &c, &ct, &err), HALL_ERR_INVALID);
	assert_null(ct);
	dump(&c);
	/* Both problems are reported, not just the first. */
	assert_int_equal(c.n_errors, 2);
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "assets[0]", "has sha256"));
	assert_true(has_issue(&c, HALL_ISSUE_ERROR, "assets[1]", "bytes, the manifest says"));
	assert_string_equal(err.path, "assets[0]");
	hall_test_rmtree(dir);
}

static void check_asset_file_should_refuse_a_png_labelled_jpeg(void **state)
{
	(void)state;
	char path[1024];
	hall_test_fixture(path, sizeof path, "content/good/brand-mark.png");
	collected c;
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(parse_fixture("content/good/manifest.json", &c, &ct, &err), HALL_OK);
	hall_asset a = ct->assets[0];
	assert_int_equal(hall_content_check_asset_file(path, &a, &err), HALL_OK);
	a.type = HALL_ASSET_JPEG;
	assert_int_equal(hall_content_check_asset_file(path, &a, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "not a JPEG"));
	hall_content_destroy(ct);
}

static void load_dir_should_name_a_missing_manifest(void **state)
{
	(void)state;
	char dir[1024];
	hall_test_tmpdir(dir, sizeof dir, "content");
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	assert_int_equal(hall_content_load_dir(dir, collect, &c, &ct, &err), HALL_ERR_NOT_FOUND);
	assert_string_equal(err.path, "manifest.json");
	assert_int_equal(c.n_errors, 1);
	hall_test_rmtree(dir);
}

/* The default pack authored from docs/content.md (assets/default/) must load with no
 * error; its missing translations are listed and should be none. */
static void default_pack_should_load_without_errors_or_warnings(void **state)
{
	(void)state;
	char dir[1024], manifest[1200];
	snprintf(dir, sizeof dir, "%s/assets/default", HALL_SOURCE_DIR);
	hall_fs_join(manifest, sizeof manifest, dir, "manifest.json");
	if (!hall_fs_exists(manifest))
		fail_msg("%s is missing: the kiosk has no default content", manifest);
	collected c = {0};
	hall_content *ct = NULL;
	hall_error err;
	hall_err rc = hall_content_load_dir(dir, collect, &c, &ct, &err);
	if (c.n)
		fprintf(stderr, "assets/default: %zu errors, %zu warnings\n", c.n_errors, c.n_warnings);
	dump(&c);
	assert_int_equal(rc, HALL_OK);
	assert_int_equal(c.n_errors, 0);
	assert_int_equal(c.n_warnings, 0);
	assert_int_equal(ct->n_languages, 5);
	assert_true(ct->n_exhibits >= 4);
	hall_content_destroy(ct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_pack_should_build_the_whole_tree),
		cmocka_unit_test(text_get_should_fall_back_to_ko_then_en_then_any),
		cmocka_unit_test(parse_should_refuse_each_bad_pack_with_the_path_of_the_problem),
		cmocka_unit_test(parse_should_list_each_missing_translation_as_a_warning),
		cmocka_unit_test(parse_should_warn_about_an_unknown_field_and_keep_the_pack),
		cmocka_unit_test(parse_should_report_every_error_not_just_the_first),
		cmocka_unit_test(parse_should_refuse_a_manifest_over_one_mebibyte),
		cmocka_unit_test(pronunciations_should_replace_brand_names_before_speech),
		cmocka_unit_test(parse_should_refuse_an_object_of_very_many_fields),
		cmocka_unit_test(parse_should_stop_listing_after_500_problems),
		cmocka_unit_test(parse_should_refuse_invalid_utf8_in_a_text),
		cmocka_unit_test(parse_should_keep_a_signature_without_verifying_it),
		cmocka_unit_test(from_json_should_read_the_manifest_of_a_content_message_and_own_its_copy),
		cmocka_unit_test(load_dir_should_accept_the_good_pack),
		cmocka_unit_test(check_dir_should_refuse_a_missing_file),
		cmocka_unit_test(check_dir_should_refuse_a_file_of_another_size_or_hash),
		cmocka_unit_test(check_asset_file_should_refuse_a_png_labelled_jpeg),
		cmocka_unit_test(load_dir_should_name_a_missing_manifest),
		cmocka_unit_test(default_pack_should_load_without_errors_or_warnings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
