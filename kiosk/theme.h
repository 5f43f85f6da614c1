/* kiosk/theme.h: the design system every screen draws through (issue #12, Build 1).
 *
 * One place for what a screen looks like: the colour tokens of the normal and the
 * high-contrast theme, the type scale (body, title, key figure, display), the width of a
 * text column, the spacing grid, the style of every component (picture tile, card, key
 * figure, chart, dialog, bar, button) and the motion timings. Screens and exhibits take
 * their colours and sizes from here (through hall_ui, kiosk/ui.h) and never pick a raw
 * colour or a pixel count of their own, so a change of look is one change here, and the
 * accessibility checks (kiosk/a11y.c, tests/unit/test_a11y.c) check the tokens once.
 *
 * No SDL: it produces numbers and colours for the display list.
 *
 * Ownership: themes are static storage; everything else is plain values. */
#ifndef HALL_KIOSK_THEME_H
#define HALL_KIOSK_THEME_H

#include <stdint.h>

#include "displaylist.h"

/* ---- colour tokens ----
 * Every text/background pair used reaches 4.5:1 in the normal theme and 7:1 in the
 * high-contrast theme; every control edge 3:1 (tests/unit/test_a11y.c checks). The struct
 * is an array of colours (test_a11y.c walks it). */
typedef struct hall_ui_theme {
	hall_rgba bg, text;                 /* screen background, body text */
	hall_rgba surface, surface_text;    /* cards, panels, label boxes */
	hall_rgba border;                   /* outlines of cards and buttons */
	hall_rgba button, button_text;      /* ordinary buttons */
	hall_rgba primary, primary_text;    /* the main action */
	hall_rgba selected, selected_text;  /* a chosen option / a toggle that is on */
	hall_rgba inactive, inactive_text, inactive_border; /* a control that cannot be used now:
	                                     * a muted box with a thin border and regular-weight
	                                     * text, still readable (4.5:1 / 7:1) */
	hall_rgba bar, bar_text;            /* the persistent bar */
	hall_rgba focus, focus_halo;        /* keypad focus ring: two bands, focus outside, halo
	                                     * inside; on every colour of the theme at least
	                                     * one band reaches 3:1 (tests/unit/test_a11y.c) */
	hall_rgba notice, notice_text;      /* info banner */
	hall_rgba urgent, urgent_text;      /* urgent notice */
	hall_rgba land, land_selected, river, map_line;
	hall_rgba axis;
	hall_rgba series[6];                /* chart fills; never carry text */
	hall_rgba caption, caption_text;    /* the band under a headline on a picture (attract
	                                     * slides, home tiles): opaque, so the text's contrast
	                                     * never depends on the picture behind it */
	hall_rgba figure_text;              /* the number of a key figure (large) */
	hall_rgba track;                    /* the empty part of a chart bar */
} hall_ui_theme;

/* The theme for the mode: normal or high contrast. Static storage. */
const hall_ui_theme *hall_ui_theme_get(int high_contrast);

/* ---- type scale ----
 * Sizes are font px. body is sized for 12.5 mm letters (kiosk/ui.h); the others are
 * fixed ratios of it, so the scale keeps its shape in large text (200 %): a title 1.3x,
 * a key figure 2x, a display headline 3x the body (issue #12: "display sizes about three
 * times the body"). */
#define HALL_THEME_TITLE_RATIO 1.3
#define HALL_THEME_FIGURE_RATIO 2.0
#define HALL_THEME_DISPLAY_RATIO 3.0

/* ---- text column ----
 * Body text runs in a column of 45 to 75 characters: HALL_THEME_MEASURE_EM em wide, which
 * holds about 64 characters of Latin text (0.52 em on average in Noto Sans) and 34 of
 * Hangul, Han or kana (1 em each; the CJK equivalent of a 45-75 character line is about
 * 20 to 40). Checked from the display list (kiosk/a11y.c HALL_A11Y_MEASURE) with the
 * limits below. */
#define HALL_THEME_MEASURE_EM 34
#define HALL_THEME_MEASURE_MAX_LATIN 75
#define HALL_THEME_MEASURE_MAX_CJK 40

/* ---- charts ----
 * A donut's slices must each be wide enough for their number; a chart with a thinner
 * slice is drawn as bars. Bars are a line of body text thick, on a track that shows the
 * whole scale, with their value at the bar's end. */
#define HALL_THEME_DONUT_MIN_SHARE 0.05

/* ---- motion ----
 * A screen change animates in at most 300 ms and never delays input (the new screen's
 * controls are live from its first frame); attract slides cross-fade in at most 400 ms;
 * nothing changes more than 3 times a second (no flashing); in the reduced-motion mode
 * nothing moves by itself. */
#define HALL_MOTION_SCREEN_MS 240      /* a new screen fades in from the ground */
#define HALL_MOTION_VEIL_ALPHA 200     /* ... starting this opaque (of 255): the new screen
                                        * shows through from its first frame */
#define HALL_MOTION_FADE_MS 400        /* attract slides cross-fade */
#define HALL_MOTION_SLIDE_MS 8000      /* an attract slide stays this long */
#define HALL_MOTION_CYCLE_MS 2500      /* "touch anywhere to start": next language */
#define HALL_MOTION_MIN_CHANGE_MS 334  /* at most 3 changes a second */
_Static_assert(HALL_MOTION_SCREEN_MS <= 300, "issue #12: screen changes in 300 ms or less");
_Static_assert(HALL_MOTION_FADE_MS <= 400, "issue #12: cross-fades in 400 ms or less");
_Static_assert(HALL_MOTION_CYCLE_MS >= HALL_MOTION_MIN_CHANGE_MS, "no flashing");

/* Progress 0..1 of an animation `elapsed_ms` into `duration_ms`, eased out (fast, then
 * settling: a cubic); 1 when it is over or duration_ms <= 0. */
double hall_theme_ease(int64_t elapsed_ms, int duration_ms);

/* ---- sizes of one frame ----
 * Computed from the screen's density and the size factor (in halves: 2 normally, 4 in
 * large text, 3 when low position leaves a short band) by hall_theme_metrics(). */
typedef struct hall_theme_metrics {
	int body_px, title_px, figure_px, display_px; /* the type scale (font px) */
	int target_px;      /* minimum side of a target */
	int gap_px;         /* the spacing grid's unit: the gap between targets and blocks */
	int pad_px;         /* padding inside buttons and cards */
	int radius_px;      /* corner radius of buttons, cards and tiles */
	int border_px;      /* the outline of a button or card */
	int border_thin_px; /* a disabled control's outline, frames of missing pictures */
	int border_bold_px; /* a selected option's outline (thicker: never colour alone) */
	int stroke_px;      /* thin outlines of chart bars, map districts and number labels */
	int stroke_bold_px; /* the outline of the chosen district */
	int focus_out_px, focus_band_px, halo_out_px, halo_band_px; /* the focus ring */
	int measure_px;     /* the width of a body text column (HALL_THEME_MEASURE_EM em) */
} hall_theme_metrics;

/* ppmm: screen px per mm; shorter_px: the screen's shorter side; halves: size factor x 2. */
void hall_theme_metrics_get(hall_theme_metrics *m, double ppmm, int shorter_px, int halves);

/* ---- components ----
 * The look of each kind of block: its fill, text colour, outline and corners. */
typedef enum hall_theme_component {
	HALL_COMP_TILE,     /* a picture tile (home, attract): the picture, a caption band */
	HALL_COMP_CARD,     /* a card of text on the ground */
	HALL_COMP_FIGURE,   /* a key figure: a large number with its unit and label */
	HALL_COMP_CHART,    /* a chart's plot */
	HALL_COMP_DIALOG,   /* a dialog's panel */
	HALL_COMP_BAR,      /* the persistent bar */
	HALL_COMP_NOTICE,   /* the info banner */
	HALL_COMP_URGENT,   /* the urgent notice */
	HALL_COMP_PICTURE   /* a picture's frame when the picture is missing */
} hall_theme_component;

typedef struct hall_theme_style {
	hall_rgba fill, text, border;
	int border_px, radius_px, pad_px;
} hall_theme_style;

hall_theme_style hall_theme_style_of(const hall_ui_theme *th, const hall_theme_metrics *m, hall_theme_component c);

/* Append a box in the component's style; returns it (NULL on out-of-memory). */
hall_dl_item *hall_theme_box(hall_dl *dl, hall_rect r, const hall_theme_style *s);

#endif
