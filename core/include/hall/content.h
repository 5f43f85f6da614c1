/* hall/content.h: the content pack model (docs/content.md is the format reference).
 *
 * A pack is a folder with manifest.json and the image files it names. The parser turns
 * manifest bytes into a tree of plain C structs and reports every problem it finds:
 * errors (the pack is refused) and warnings (missing translations, unknown fields), each
 * with a path such as `exhibits[1].cards[0].title`.
 *
 * Ownership: hall_content_parse and hall_content_load_dir hand back a hall_content the
 * caller frees with hall_content_destroy. Every string, array and struct reachable from it
 * (texts, exhibits, assets, warnings, ...) is owned by the hall_content, lives until that
 * destroy, and must not be freed or modified by the caller. Pointers to assets
 * (`const hall_asset *image`) point into content->assets. A hall_content is never changed
 * after it is built, so several threads may read one.
 *
 * Problems are passed to an optional report callback (hall_issue_fn) as they are found;
 * the issue is borrowed until the callback returns. */
#ifndef HALL_CONTENT_H
#define HALL_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "hall/err.h"
#include "hall/lang.h"

/* Limits (docs/content.md, "Limits, in one place"). */
#define HALL_CONTENT_MANIFEST_MAX (1024u * 1024u) /* bytes of manifest.json */
#define HALL_CONTENT_TEXT_MAX 4000u               /* bytes of one string of a localized text */
#define HALL_CONTENT_ASSET_NAME_MAX 128u
#define HALL_CONTENT_ASSET_SIZE_MAX (64u * 1024u * 1024u)
#define HALL_CONTENT_ASSETS_MAX 256u
#define HALL_CONTENT_EXHIBITS_MAX 32u
#define HALL_CONTENT_SLIDES_MAX 32u
#define HALL_CONTENT_ROUNDS_MAX 8u
#define HALL_CONTENT_ROUND_OPTIONS_MAX 16u
#define HALL_CONTENT_CARDS_MAX 64u
#define HALL_CONTENT_FIGURES_MAX 8u
#define HALL_CONTENT_CHARTS_MAX 32u
#define HALL_CONTENT_SERIES_MAX 24u
#define HALL_CONTENT_DISTRICTS_MAX 64u
#define HALL_CONTENT_PRONUNCIATIONS_MAX 64u /* entries per language */
#define HALL_CONTENT_PRON_TEXT_MAX 200u      /* bytes of a pronunciation's text */
#define HALL_CONTENT_PRON_SAY_MAX 400u       /* bytes of what is said instead */
#define HALL_CONTENT_POLYGON_MAX 1024u
#define HALL_CONTENT_RIVER_MAX 4096u
#define HALL_CONTENT_FACTS_MAX 16u
#define HALL_CONTENT_POLL_OPTIONS_MIN 2u
#define HALL_CONTENT_POLL_OPTIONS_MAX 6u
#define HALL_CONTENT_VIEWBOX_MAX 100000.0
#define HALL_CONTENT_ZOOM_MAX 16.0

/* ---- problems ---------------------------------------------------------------------- */

typedef enum hall_issue_severity {
	HALL_ISSUE_ERROR,   /* the pack is refused */
	HALL_ISSUE_WARNING  /* the pack is usable: missing translation, unknown field */
} hall_issue_severity;

typedef struct hall_issue {
	hall_issue_severity severity;
	char path[160];     /* e.g. "exhibits[1].cards[0].title"; "" for the whole pack */
	char msg[256];      /* e.g. "missing zh-Hant" */
} hall_issue;

/* Called once per problem, in the order found. `issue` is borrowed until it returns. */
typedef void (*hall_issue_fn)(void *user, const hall_issue *issue);

/* ---- localized text ---------------------------------------------------------------- */

/* One string per language; NULL where the pack has none (an empty string in the JSON is
 * stored as NULL: it counts as missing). Strings are valid UTF-8, NUL-terminated. */
typedef struct hall_text {
	const char *s[HALL_LANG_COUNT];
} hall_text;

/* The string to show for `lang`: that language, else ko, else en, else the first present
 * (ko en zh-Hans zh-Hant ja). Returns "" (never NULL) when the text has none at all
 * (only possible for optional texts that were absent). */
const char *hall_text_get(const hall_text *text, hall_lang lang);
/* As hall_text_get, and *shown (when not NULL) gets the language of the returned string,
 * so the caller can draw a fallback with that language's CJK face. *shown = lang when the
 * text is empty. */
const char *hall_text_get_lang(const hall_text *text, hall_lang lang, hall_lang *shown);
/* true when the text has a string in at least one language. */
bool hall_text_present(const hall_text *text);

/* ---- the tree ---------------------------------------------------------------------- */

typedef enum hall_asset_type { HALL_ASSET_PNG, HALL_ASSET_JPEG } hall_asset_type;

typedef struct hall_asset {
	const char *name;       /* file name in the pack folder */
	char sha256[65];        /* 64 lowercase hex digits + NUL */
	uint64_t size;          /* bytes */
	hall_asset_type type;
} hall_asset;

/* "image/png" or "image/jpeg". */
const char *hall_asset_type_mime(hall_asset_type type);

typedef struct hall_slide {
	const hall_asset *image;   /* never NULL */
	hall_text caption;
	hall_text alt;             /* attract slides: may be empty (speak the caption) */
} hall_slide;

/* A labelled number: policy card figures and city-model district facts. */
typedef struct hall_figure {
	hall_text label;
	double value;              /* finite, >= 0 */
	hall_text unit;            /* may be empty */
} hall_figure;

typedef struct hall_vote_option {
	hall_text label;
	int64_t votes;             /* >= 0 */
	double percent;            /* 0..100 */
} hall_vote_option;

typedef struct hall_vote_round {
	hall_text title, period;
	int64_t total_votes;       /* >= sum of options[].votes */
	const hall_vote_option *options;
	size_t n_options;
} hall_vote_round;

typedef struct hall_brand {
	hall_text slogan, story;
	const hall_vote_round *rounds;
	size_t n_rounds;
	const hall_slide *slides;
	size_t n_slides;
} hall_brand;

typedef struct hall_card {
	const char *id;
	hall_text title, text;
	const hall_asset *image;   /* NULL when the card has none */
	hall_text alt;             /* present whenever image is */
	const hall_figure *figures;
	size_t n_figures;
} hall_card;

typedef enum hall_chart_type { HALL_CHART_BAR, HALL_CHART_DONUT } hall_chart_type;

typedef struct hall_series {
	hall_text label;
	double value;              /* finite, >= 0 */
	bool has_secondary;
	double secondary;          /* e.g. execution rate in %, when has_secondary */
} hall_series;

typedef struct hall_chart {
	const char *id;
	hall_chart_type type;
	hall_text title, alt;
	hall_text unit;                            /* may be empty */
	hall_text secondary_label, secondary_unit; /* may be empty */
	const hall_series *series;
	size_t n_series;           /* >= 1; a donut's values sum to > 0 */
} hall_chart;

typedef struct hall_policy {
	const hall_card *cards;
	size_t n_cards;
	const hall_chart *charts;
	size_t n_charts;           /* n_cards + n_charts >= 1 */
} hall_policy;

/* Model coordinates: origin top-left, y down, inside [0,w] x [0,h]. */
typedef struct hall_point { double x, y; } hall_point;

typedef struct hall_district {
	const char *id;
	hall_text name, panel;
	const hall_point *points;  /* closed polygon, >= 3 points, area > 0 */
	size_t n_points;
	hall_point label;          /* from the pack, or the polygon's centroid */
	const hall_figure *facts;
	size_t n_facts;
} hall_district;

typedef struct hall_city_model {
	double w, h;               /* viewbox, > 0 */
	bool has_river;
	hall_text river_name;
	const hall_point *river;   /* polyline, >= 2 points when has_river */
	size_t n_river;
	const hall_district *districts;
	size_t n_districts;        /* >= 1 */
	double zoom_min, zoom_max, zoom_step; /* 0 < min <= max <= 16, step > 0 */
} hall_city_model;

typedef struct hall_poll_option {
	const char *id;
	hall_text label;
	const hall_asset *image;   /* the option card's picture; NULL when it has none */
	hall_text alt;             /* present whenever image is */
} hall_poll_option;

typedef struct hall_poll {
	const char *id;            /* unique across the pack */
	hall_text question;
	const hall_poll_option *options;
	size_t n_options;          /* 2..6 */
	bool show_results;
} hall_poll;

typedef enum hall_exhibit_kind {
	HALL_EXHIBIT_BRAND,
	HALL_EXHIBIT_POLICY,
	HALL_EXHIBIT_CITY_MODEL,
	HALL_EXHIBIT_POLL
} hall_exhibit_kind;

/* "brand", "policy", "city-model", "poll". */
const char *hall_exhibit_kind_name(hall_exhibit_kind kind);

typedef struct hall_exhibit {
	const char *id;
	hall_exhibit_kind kind;
	hall_text title, summary;
	const hall_asset *image;   /* the home tile's picture; NULL when absent */
	hall_text alt;             /* what it shows (required with an image) */
	union {                    /* the member named by kind */
		hall_brand brand;
		hall_policy policy;
		hall_city_model city;
		hall_poll poll;
	} u;
} hall_exhibit;

/* One entry of the pronunciation list: the voice says `say` wherever `text` stands
 * (brand names read as words: the Japanese voice spelt "Seoul, my soul" letter by letter). */
typedef struct hall_pronunciation {
	const char *text;   /* 1..HALL_CONTENT_PRON_TEXT_MAX bytes */
	const char *say;    /* 0..HALL_CONTENT_PRON_SAY_MAX bytes ("" = say nothing) */
} hall_pronunciation;

typedef struct hall_signature {
	bool present;              /* false when absent or null */
	const char *alg;           /* "ed25519" */
	const char *key, *sig;     /* as written (base64); not verified yet */
} hall_signature;

typedef struct hall_content_arena hall_content_arena; /* private */

typedef struct hall_content {
	const char *id;
	hall_text title;
	hall_lang languages[HALL_LANG_COUNT]; /* the manifest's order */
	size_t n_languages;                   /* >= 1 */
	int64_t version;                      /* 0 when not stamped */
	const hall_asset *assets;
	size_t n_assets;
	const hall_exhibit *exhibits;
	size_t n_exhibits;                    /* >= 1 */
	const hall_slide *attract;            /* attract-loop slides, may be 0 */
	size_t n_attract;
	hall_signature signature;
	/* The pronunciation list per language ("pronunciations"), in the manifest's order. */
	const hall_pronunciation *pronunciations[HALL_LANG_COUNT];
	size_t n_pronunciations[HALL_LANG_COUNT];
	/* Warnings found while parsing (missing translations, unknown fields), in order. */
	const hall_issue *warnings;
	size_t n_warnings;
	hall_content_arena *arena;            /* owns everything above */
} hall_content;

/* Copy utf8 into out (out_len bytes, always NUL-terminated, cut at a character
 * boundary) with every entry of c's pronunciation list for lang applied: at each place
 * the longest entry whose text matches (ASCII letters in any case, and only where the
 * match does not begin or end inside a Latin word) is replaced by its say. Text before
 * the voice: the kiosk speaks the result. Returns out. c may be NULL (a plain copy). */
const char *hall_content_pronounce(const hall_content *c, hall_lang lang, const char *utf8, char *out,
                                   size_t out_len);

/* ---- parsing and checking ---------------------------------------------------------- */

/* Parse manifest bytes (`len` bytes, need not be NUL-terminated, at most
 * HALL_CONTENT_MANIFEST_MAX).
 *
 * Every problem is passed to `report` (may be NULL) as found, and the parser goes on
 * after an error as far as it sensibly can, so the author sees them all.
 * Returns HALL_OK and *out (caller destroys) when there was no error; warnings are then
 * also in (*out)->warnings. Otherwise *out = NULL, err (may be NULL) holds the first
 * error, and the return is HALL_ERR_INVALID (bad input), HALL_ERR_TOO_BIG (over the
 * size limit) or HALL_ERR_NOMEM. */
hall_err hall_content_parse(const char *buf, size_t len, hall_issue_fn report, void *user,
                            hall_content **out, hall_error *err);

/* The same from a manifest already parsed with cJSON (e.g. the "manifest" member of a
 * content message, docs/protocol.md). `manifest` is borrowed: nothing in *out points
 * into it, so the caller may delete it right after. The size limit is the caller's. */
hall_err hall_content_from_json(const cJSON *manifest, hall_issue_fn report, void *user, hall_content **out,
                                hall_error *err);

/* Free a content tree and everything in it. NULL is fine. */
void hall_content_destroy(hall_content *content);

/* Check one asset file: exists, has asset->size bytes, the sha256 and a PNG/JPEG
 * signature matching asset->type. HALL_ERR_NOT_FOUND when missing, HALL_ERR_INVALID when
 * it differs (err->msg says how), HALL_ERR_IO when it cannot be read. err->path is
 * left empty; callers set the context. */
hall_err hall_content_check_asset_file(const char *path, const hall_asset *asset, hall_error *err);

/* Check every asset of `content` as DIR/<name>. Returns HALL_OK when all are good, else
 * the first failure's code with err set (path "assets[i]..."). */
hall_err hall_content_check_dir(const char *dir, const hall_content *content, hall_error *err);
/* Same, and every failing asset is passed to `report` (may be NULL). */
hall_err hall_content_check_dir_report(const char *dir, const hall_content *content,
                                       hall_issue_fn report, void *user, hall_error *err);

/* Read DIR/manifest.json, parse it and check every asset: the one call behind
 * `hall-controller validate DIR` and the kiosk's pack loading. Every problem (parse
 * errors, warnings, asset failures) goes to `report` (may be NULL). Returns HALL_OK with
 * *out (caller destroys) when there is no error; else *out = NULL and err holds the first
 * error (a missing manifest.json is HALL_ERR_NOT_FOUND with path "manifest.json"). */
hall_err hall_content_load_dir(const char *dir, hall_issue_fn report, void *user,
                               hall_content **out, hall_error *err);

/* ---- lookups ----------------------------------------------------------------------- */

/* NULL when absent. */
const hall_exhibit *hall_content_find_exhibit(const hall_content *content, const char *id);
const hall_asset *hall_content_find_asset(const hall_content *content, const char *name);
/* The poll exhibit whose poll.id is poll_id. */
const hall_exhibit *hall_content_find_poll(const hall_content *content, const char *poll_id);
/* true when the manifest lists `lang` in "languages". */
bool hall_content_has_language(const hall_content *content, hall_lang lang);

#endif
