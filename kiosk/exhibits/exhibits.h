/* kiosk/exhibits/exhibits.h: the four exhibit kinds as display-list builders.
 *
 * An exhibit is a function of (content, UI state, viewport, language, modes): build()
 * appends the exhibit's area to ui->dl and changes nothing but the page indices in the
 * state, which it clamps into range (so "last page" can be asked for with INT_MAX).
 * Input comes back as the typed action of the HIT the visitor activated (tap, keypad
 * enter; kiosk/action.h): activate() changes the state and says what happened, for the
 * app to report. The ids below name the controls for tests, scripts and reports.
 *
 * HIT ids an exhibit uses (unique on a screen, stable for tests and usage reports):
 *  brand:      "prev", "next" (slides), "slogan-image", "slide-image", "chart-round-<n>" (regions)
 *  policy:     "card-<id>", "chart-<id>" (on the list), "detail-image", "detail-chart"
 *  city-model: "map" (region; tapped districts are found by point-in-polygon),
 *              "zoom-in", "zoom-out", "pan-left", "pan-right", "pan-up", "pan-down",
 *              "districts" (list), "district-<id>" (list buttons), "show-map"
 *  poll:       "option-<id>", "vote", "results"
 *  pager:      "page-prev", "page-next" (when a page overflows, large text especially)
 *
 * Ownership: everything is borrowed for the call. */
#ifndef HALL_KIOSK_EXHIBITS_H
#define HALL_KIOSK_EXHIBITS_H

#include <stdint.h>

#include "hall/content.h"
#include "ui.h"

/* Per-exhibit UI state of one visitor session (reset when the session ends). */
typedef struct hall_exhibit_state {
	int slide;          /* brand: which slide; policy: 0 the list, else open item + 1 */
	int page;           /* page within the current view (flow pages) */
	int list;           /* city-model: 1 while the district list is shown */
	int district;       /* city-model: selected district, -1 none */
	double zoom;        /* city-model: scale factor, 0 = not set yet (use zoom_min) */
	double pan_x, pan_y;/* city-model: model point at the centre of the map */
	int choice;         /* poll: option chosen but not yet voted, -1 none */
	int voted;          /* poll: this session voted (one vote per visitor session) */
	int show_results;   /* poll: the thank-you/results view */
	int pages;          /* written by build: pages of the current view (>= 1) */
	int list_page;      /* policy: the list's page an item was opened from ("back" returns there) */
} hall_exhibit_state;

void hall_exhibit_state_reset(hall_exhibit_state *st);

/* Live or local tallies of a poll for the poll exhibit. */
typedef struct hall_poll_tally {
	int live;                 /* 1: from the controller; 0: this kiosk's own count */
	int64_t votes[6];         /* per content option, in content order */
	int64_t total;
} hall_poll_tally;

typedef struct hall_exhibit_ctx {
	hall_ui *ui;
	const hall_content *content;
	const char *pack_dir;            /* image paths: pack_dir/<asset name> */
	const hall_exhibit *ex;
	hall_rect area;                  /* where the exhibit may draw */
	const hall_poll_tally *tally;    /* poll only; may be NULL */
	/* asset_ok[i] != 0 when content->assets[i] was found readable on disk; NULL: all
	 * assumed good. A missing file is drawn as its alt text in a box, never a hole. */
	const unsigned char *asset_ok;
} hall_exhibit_ctx;

/* What an activation did. */
typedef enum hall_exhibit_result {
	HALL_EXHIBIT_NONE,     /* the id is not this exhibit's */
	HALL_EXHIBIT_CHANGED,  /* state changed (a new view) */
	HALL_EXHIBIT_VOTED     /* poll: a vote was cast for option *voted_option */
} hall_exhibit_result;

/* Build the exhibit into c->ui->dl. Bad content (no slides, empty series, degenerate
 * polygons, missing strings) is drawn as far as it is sound, logged, never crashes. */
void hall_exhibit_build(const hall_exhibit_ctx *c, hall_exhibit_state *st);

/* The visitor activated a HIT of this exhibit that does `act` (its hall_dl_item.act). */
hall_exhibit_result hall_exhibit_activate(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act,
                                          int *voted_option);

/* A tap at (x, y) on the "map" region (city model): selects the district under it. */
hall_exhibit_result hall_exhibit_tap_map(const hall_exhibit_ctx *c, hall_exhibit_state *st, int x, int y);
/* Screen points (x, y pairs into xy, at most cap) where a tap on the map selects each
 * district in view (their label points); city model only, 0 elsewhere. For warming the
 * screens one tap away. */
size_t hall_exhibit_map_points(const hall_exhibit_ctx *c, hall_exhibit_state *st, int *xy, size_t cap);
/* Pan the map by (dx, dy) px, or zoom it by `scale` around (cx, cy); city model only. */
hall_exhibit_result hall_exhibit_drag(const hall_exhibit_ctx *c, hall_exhibit_state *st, int dx, int dy);
hall_exhibit_result hall_exhibit_pinch(const hall_exhibit_ctx *c, hall_exhibit_state *st, int cx, int cy,
                                       double scale);

/* "Back" inside the exhibit (close a detail, a panel, a list). Returns 1 when handled,
 * 0 when the exhibit is at its top (the app then goes home). */
int hall_exhibit_back(const hall_exhibit_ctx *c, hall_exhibit_state *st);

/* The page id for screen ids and view events: "" at the top, "slide-2", "card-reporters",
 * "chart-budget", "district-jongno", "districts", "thanks". */
void hall_exhibit_page_id(const hall_exhibit *ex, const hall_exhibit_state *st, char *buf, size_t len);

/* Log, once, every problem of `content` that the exhibits work around while drawing
 * (the parser refuses most of them; this is the defence for what slips through):
 * unknown kinds, missing texts, texts over HALL_UI_TEXT_MAX, rounds and charts without
 * values, polls with fewer than 2 options, districts with fewer than 3 points, images
 * that cannot be read (asset_ok may be NULL). Returns the number of problems. The
 * builders themselves never log, so a bad pack cannot flood the log at 60 frames/s. */
size_t hall_exhibit_validate(const hall_content *content, const unsigned char *asset_ok);

/* ---- internals shared by the exhibit files ---- */
void exhibits__build_brand(const hall_exhibit_ctx *c, hall_exhibit_state *st);
void exhibits__build_policy(const hall_exhibit_ctx *c, hall_exhibit_state *st);
void exhibits__build_city(const hall_exhibit_ctx *c, hall_exhibit_state *st);
void exhibits__build_poll(const hall_exhibit_ctx *c, hall_exhibit_state *st);
hall_exhibit_result exhibits__activate_brand(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act);
hall_exhibit_result exhibits__activate_policy(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act);
hall_exhibit_result exhibits__activate_city(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act);
hall_exhibit_result exhibits__activate_poll(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act,
                                            int *voted_option);

/* A localized string and the language it is in (for the CJK face). */
const char *exhibits__text(const hall_ui *ui, const hall_text *t, hall_lang *shown);
/* A horizontal bar chart inside the flow: one row per value with its label, the bar and
 * "value unit (percent%)"; the whole chart is a REGION hit `id` whose label speaks every
 * number. values/percent may be NULL percent (then computed from total). */
typedef struct exhibits_bar {
	const char *label;
	hall_lang label_lang;
	double value;          /* bar length (relative to the largest) or slice size */
	char value_text[400];  /* what is shown and spoken: "148,466 votes (37.3%)" */
	int highlight;         /* the winner / the visitor's choice: bold and marked in words */
	const char *mark;      /* with highlight: those words ("Most votes"), on a line under
	                        * the label and in what the row says; NULL: none */
} exhibits_bar;
/* title: heading above the chart; alt: spoken summary (title when NULL). Row hits are
 * "<id>-<n>" (n from 1), the heading's hit is "<id>". */
void exhibits__bar_chart(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang,
                         const char *alt, const exhibits_bar *bars, int n);
/* A donut chart (polygon slices, numbered) and a numbered legend, inside the flow. */
void exhibits__donut_chart(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang,
                           const char *alt, const exhibits_bar *slices, int n);
/* The file of `asset` under the pack (buf), 1 when it is there to draw; 0 for a missing
 * or unreadable asset (draw its description instead). */
int exhibits__asset_path(const hall_exhibit_ctx *c, const hall_asset *asset, char *buf, size_t len);
/* The picture of an exhibit's home tile: its own image, else its first picture (a brand
 * slide, a policy card's); NULL when it has none. */
const hall_asset *exhibits__tile_picture(const hall_exhibit *ex);
/* The picture of the exhibit's current view, its description and the id it has on its
 * page: a brand slide's own ("slogan-image", "slide-image"), an open policy card's
 * ("detail-image"), else the exhibit's tile picture ("exhibit-picture"); NULL when it
 * has none. Low position draws it above the reach band (kiosk/app_screens.c). */
const hall_asset *hall_exhibit_view_picture(const hall_exhibit *ex, const hall_exhibit_state *st,
                                            const hall_text **alt, const char **id);
/* An image block of the flow with its alt text as a REGION hit; nothing when the picture
 * is already shown above the reach band (ui->above_asset). */
void exhibits__image(const hall_exhibit_ctx *c, hall_ui_flow *f, const char *id, const hall_asset *asset,
                     const char *alt, hall_lang alt_lang, int max_h);
/* Key figures down the flow: each number large (2x the body) with its unit, its label
 * under it. */
void exhibits__figures(hall_ui_flow *f, const hall_figure *figs, size_t n);
/* Key figures side by side across r (as many columns as figures), and the height such a
 * row needs at width w. */
int exhibits__figure_row_h(const hall_ui *ui, int w, const hall_figure *figs, size_t n);
void exhibits__figure_row(hall_ui *ui, hall_rect r, const hall_figure *figs, size_t n);
/* A value with its unit: "791 reporters", "1,234 million won". */
void exhibits__value_unit(const hall_ui *ui, char *buf, size_t len, double value, const hall_text *unit);
/* A grid of n items in rows of `cols` columns inside the flow (policy list, poll options),
 * planned from measured heights so a page holds what it really can.
 * row_h: the height of the row of items [first, first + count) at column width col_w. */
typedef int (*exhibits_row_h_fn)(void *ctx, size_t first, size_t count, int col_w);
/* Column width of `cols` columns across w px, ui->gap_px apart. */
int exhibits__grid_col_w(const hall_ui *ui, int w, int cols);
/* Pages the grid takes with `cols` columns from the flow's position (and a block of
 * tail_h px after it, ui->gap_px below, when tail_h > 0), the items on its first page
 * and the rows taller than a page (their text would be cut), placing rows as
 * hall_ui_flow_take does; the flow is not changed. */
void exhibits__grid_plan(const hall_ui_flow *f, size_t n, int cols, int tail_h, exhibits_row_h_fn row_h, void *ctx,
                         int *pages, int *first, int *cuts);
/* Columns for the grid: `pref` (clamped to 1..3), or another count (1 to 3, columns at
 * least two targets wide) whose measured rows cut less text, need fewer pages or put
 * more items on the first page. */
int exhibits__grid_cols(const hall_ui_flow *f, size_t n, int pref, int tail_h, exhibits_row_h_fn row_h, void *ctx);
/* Rows of a grid placed down the flow's pages (the flow is not changed): the rows that
 * fit on a page at their least height share it, and its spare room, each up to its
 * natural height (all of it when `fill` and every row is on the first page: the grid
 * fills the screen). row_h[r]: each row's height, never taller than a page; *pages, rows
 * on the first page, and rows taller than a page (their text would be cut); rows `gap`
 * px apart (at least ui->gap_px / 2: 3 mm, 12 px). For a grid
 * of pictures whose rows may grow (the policy list; home's tiles plan the same way). */
void exhibits__grid_place(const hall_ui_flow *f, size_t rows, const int *least, const int *nat, int fill, int gap,
                          int *row_h, int *pages, int *first_rows, int *cuts);
/* Heading + pager-friendly top of an exhibit: the exhibit title as a heading. */
void exhibits__title(hall_ui_flow *f, const hall_text *t);

#endif
