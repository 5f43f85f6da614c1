/* kiosk/a11y.h: the barrier-free rules (DESIGN.md "Accessibility is law here") checked
 * from a display list, in millimetres of the real screen.
 *
 * The checks read only the list and the screen geometry, so the same function runs in
 * unit tests (with a simple width model) and in the platform's render test (with real
 * font metrics). Letter height assumptions are those of kiosk/ui.h: 0.72 x font px for
 * text with any Latin letter or digit, 0.88 x font px for text of Hangul/Han/kana only.
 *
 * Ownership: nothing is kept; problems are passed to the callback, borrowed until it
 * returns. */
#ifndef HALL_KIOSK_A11Y_H
#define HALL_KIOSK_A11Y_H

#include <stddef.h>

#include "displaylist.h"
#include "ui.h"

typedef struct hall_a11y_rules {
	double min_letter_mm;        /* 12 */
	double min_target_mm;        /* 12: every side */
	double min_target_area_mm2;  /* 150 */
	double min_target_px_1080;   /* 80: every side at 1080 p, scaled by the shorter screen side */
	double min_gap_mm;           /* 2.5 between targets */
	double min_contrast;         /* 4.5, or 7 in high-contrast mode */
	int check_reach;             /* low-position mode: controls and text inside the band */
	double reach_min_mm;         /* 400 */
	double reach_max_mm;         /* 1220; the screen's low_top_mm (1,000 by default) when lower */
	int check_focus;             /* focus orders unique, 1..n, in reading order; the
	                              * focused control shows a ring (below) */
	double min_focus_mm;         /* 1: the focus ring has a band this thick reaching
	                              * min_outline_contrast against its surroundings */
	int check_text_overlap;      /* no two text runs overlap (a broken reflow) */
	double min_outline_contrast; /* 3: a control's border or fill against its surroundings */
	int check_cut;               /* text cut with "…" outside a button that shows it all
	                              * (a "…" the text itself ends with, marked
	                              * ellipsis_intended in the list, is no cut); 0 by default,
	                              * on in the tests that walk every screen */
	int check_measure;           /* story pages: body text columns of min..max characters
	                              * (issue #12 Build 1) */
	int measure_min, measure_max;/* 45, 75 (hall_a11y_rules_default); min 0: no lower bound
	                              * (large text: the column is what the screen holds) */
	int measure_min_cjk, measure_max_cjk; /* 20, 40 full-width characters (kiosk/theme.h):
	                              * for a paragraph mostly of Hangul, Han or kana */
	double min_margin_mm;        /* design2: 2.5: text keeps this much room to the screen's
	                              * left and right edges (the layout grid's margin); 0: off */
} hall_a11y_rules;

/* The law's figures; high_contrast raises the contrast bar to 7:1, low_position turns on
 * the reach band check. */
void hall_a11y_rules_default(hall_a11y_rules *r, int high_contrast, int low_position);

typedef enum hall_a11y_rule {
	HALL_A11Y_LETTER,    /* letters smaller than min_letter_mm */
	HALL_A11Y_CONTRAST,  /* text vs its bg below min_contrast */
	HALL_A11Y_COLOUR,    /* a forbidden pair: red/green or yellow/blue */
	HALL_A11Y_TARGET,    /* a HIT too small */
	HALL_A11Y_SPACING,   /* two HITs closer than min_gap_mm (or overlapping) */
	HALL_A11Y_REACH,     /* outside the 400..1220 mm band */
	HALL_A11Y_OFFSCREEN, /* text or a HIT (partly) outside the screen */
	HALL_A11Y_LABEL,     /* a HIT without an id or label, or a duplicate id */
	HALL_A11Y_FOCUS,     /* focus order missing, duplicated, or against reading order;
	                      * the focused control without a ring of 3:1, 1 mm */
	HALL_A11Y_ALT,       /* an image or polygon not covered by a labelled HIT */
	HALL_A11Y_OVERLAP,   /* two text runs overlap */
	HALL_A11Y_OUTLINE,   /* a control's edge (its border or its fill) below 3:1 against
	                      * what surrounds it (non-text contrast, WCAG 1.4.11) */
	HALL_A11Y_CUT,       /* text cut with "…" (nothing may be lost, large text most of
	                      * all: text reflows and pages instead) */
	HALL_A11Y_MEASURE,   /* a paragraph's column is narrower or wider than the measure */
	HALL_A11Y_MARGIN,    /* design2: text closer than min_margin_mm to the screen's side */
	HALL_A11Y_ACTION     /* a control (not a region) with no typed action (kiosk/action.h):
	                      * a button that does nothing (issue 12 Build 11) */
} hall_a11y_rule;

/* "letter", "contrast", ... */
const char *hall_a11y_rule_name(hall_a11y_rule rule);

typedef struct hall_a11y_problem {
	hall_a11y_rule rule;
	size_t item;      /* index in the list */
	char msg[256];    /* what and by how much, for a person */
} hall_a11y_problem;

typedef void (*hall_a11y_report_fn)(void *user, const hall_a11y_problem *p);

/* Check every rule on dl; returns the number of problems (each passed to report, which
 * may be NULL). */
size_t hall_a11y_check(const hall_dl *dl, const hall_ui_screen *screen, const hall_a11y_rules *rules,
                       hall_a11y_report_fn report, void *user);

/* WCAG 2 relative luminance of an sRGB colour (alpha ignored), 0..1. */
double hall_a11y_luminance(hall_rgba c);
/* WCAG contrast ratio, 1..21. */
double hall_a11y_contrast(hall_rgba a, hall_rgba b);
/* 1 when fg on bg is red on green, green on red, yellow on blue or blue on yellow. */
int hall_a11y_forbidden_pair(hall_rgba fg, hall_rgba bg);
/* Letter height ratio of a text run (0.72 or 0.88, see above). */
double hall_a11y_letter_ratio(const char *utf8);
/* Letter height in mm of a text run at font_px on a screen with px_per_mm. */
double hall_a11y_letter_mm(const char *utf8, int font_px, double px_per_mm);
/* Height above the floor (mm) of screen row y. */
double hall_a11y_floor_mm(const hall_ui_screen *screen, int y);

#endif
