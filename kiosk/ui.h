/* kiosk/ui.h: layout helpers shared by the app's screens and the exhibits.
 *
 * A hall_ui is one frame's drawing context: the display list being built, the theme of
 * the current mode, the screen's physical size (so sizes follow millimetres, not pixels),
 * the language, the accessible modes and the keypad focus. Every helper appends to
 * ui->dl; none draws or allocates outside the list.
 *
 * Sizes (documented assumptions; kiosk/a11y.c checks them back from the list):
 *  - letter height = 0.72 x font px for Latin script and digits (cap height of Noto Sans
 *    CJK's Latin), 0.88 x font px for Hangul, Han and kana (their ideographic body). Layout
 *    always uses the Latin ratio, so mixed text is safe; body text is sized for 12.5 mm
 *    letters (0.5 mm above the 12 mm rule) and doubled in large-text mode.
 *  - a target is at least 12.5 mm a side and at least 80 px at 1080 p (scaled by the
 *    screen's shorter side / 1080), which also gives >= 150 mm^2; targets are >= 3 mm apart.
 *
 * Ownership: a hall_ui borrows its dl, theme and focus id for one frame. Strings passed
 * to helpers are copied into the list. */
#ifndef HALL_KIOSK_UI_H
#define HALL_KIOSK_UI_H

#include <stddef.h>

#include "displaylist.h"
#include "hall/clock.h"
#include "hall/lang.h"
#include "theme.h"

/* Text measurement, as in hall_app_callbacks.measure. */
typedef int (*hall_ui_measure_fn)(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold,
                                  int *w, int *h);

/* Assumed letter-height ratios (see above). */
#define HALL_UI_LATIN_LETTER_RATIO 0.72
#define HALL_UI_CJK_LETTER_RATIO 0.88
#define HALL_UI_LETTER_MM 12.5
#define HALL_UI_TARGET_MM 12.5
#define HALL_UI_GAP_MM 3.0

/* The physical screen (from the kiosk config). */
typedef struct hall_ui_screen {
	int width_px, height_px;
	double width_mm, height_mm;
	double bottom_mm; /* floor to the screen's bottom edge */
	double low_top_mm; /* low-position mode: the top of the band (config screen.low_top_mm);
	                    * <= 0: 1,000 mm */
} hall_ui_screen;

typedef struct hall_ui {
	hall_dl *dl;
	const hall_ui_theme *th;
	hall_lang lang;
	unsigned modes;              /* HALL_APP_MODE_* bits */
	hall_ui_screen screen;
	double ppmm;                 /* px per mm (the smaller of x and y) */
	int scale;                   /* 1, or 2 in large-text mode */
	int halves;                  /* the size factor x 2 of this frame (2, 3 or 4) */
	int chrome_halves;           /* the size factor x 2 of the controls around the
	                              * content (hall_ui_chrome_begin) */
	hall_theme_metrics m;        /* every size of the frame (kiosk/theme.h) */
	int font_px, title_px;       /* body and heading font sizes (already scaled) */
	int line_h, title_line_h;    /* line heights */
	int figure_px, display_px;   /* key figures (2x body) and display headlines (3x) */
	int figure_line_h, display_line_h;
	int target_px;               /* minimum side of a target (already scaled) */
	int gap_px;                  /* minimum gap between targets, and the layout gap */
	int pad_px;                  /* padding inside buttons and cards */
	int hpad_px;                 /* left/right padding of button labels (pad_px; the bar uses less) */
	hall_rect view;              /* where the app may draw (the reach band in low-position mode) */
	hall_ui_measure_fn measure;  /* NULL: the built-in width model (tests) */
	void *measure_ctx;
	const char *focus_id;        /* the HIT id holding the keypad focus, or NULL */
	int next_focus;              /* focus_order of the next HIT */
	int focus_found;             /* the focused HIT was drawn this frame */
	hall_rect focus_rect;
	char heading[512];           /* first heading of the frame, spoken on a screen change */
	const void *above_asset;     /* low position: the picture drawn above the reach band
	                              * (the flow leaves it out); NULL: none */
} hall_ui;

/* Set up a frame. modes: HALL_APP_MODE_* bits. Computes every size from the screen. */
void hall_ui_init(hall_ui *ui, hall_dl *dl, const hall_ui_screen *screen, unsigned modes, hall_lang lang,
                  hall_ui_measure_fn measure, void *measure_ctx, const char *focus_id);

/* The controls around the content (the bar, a pager's row, a slide row) on a screen too
 * short for them at the frame's size (large text on a small screen) are drawn a size
 * step down: begin returns the ui to draw them with (ui itself, or tmp set up at
 * ui->chrome_halves, sharing ui's list, theme, view and focus order); end gives the
 * focus order and focus ring back to ui. */
hall_ui *hall_ui_chrome_begin(hall_ui *ui, hall_ui *tmp);
void hall_ui_chrome_end(hall_ui *ui, hall_ui *chrome);

/* mm <-> px with the screen's density. */
int hall_ui_mm_to_px(const hall_ui *ui, double mm);
double hall_ui_px_to_mm(const hall_ui *ui, int px);
/* Screen row y (px) of a height above the floor (mm); may be outside the screen. */
int hall_ui_row_of_floor_mm(const hall_ui_screen *screen, double floor_mm);
/* Top of the low-position band (mm above the floor): screen->low_top_mm, or 1,000. */
double hall_ui_low_top_mm(const hall_ui_screen *screen);
/* The band of rows between 400 mm and hall_ui_low_top_mm above the floor, clipped to the
 * screen.
 * Returns 0 and the band, or -1 when fewer than min_h px of the screen lie in it. */
int hall_ui_reach_band(const hall_ui_screen *screen, int min_h, hall_rect *out);

/* Measure one line; never fails (falls back to the width model). */
void hall_ui_measure_text(const hall_ui *ui, const char *s, size_t len, int px, hall_lang lang, int bold, int *w,
                          int *h);
/* The built-in width model: 0.55 em for ASCII, 1 em for other characters, 1.45 em line
 * height (Noto Sans CJK's ascent + descent). For tests and as a fallback. */
int hall_ui_model_measure(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
                          int *h);

/* Text is wrapped by ICU's line breaking (kiosk/textlayout.h: UAX #14, Korean keep-all,
 * '\n' ends a line); ui.c has no break rules of its own. */
/* Number of lines s takes at `width` (at most max_lines counted). */
int hall_ui_count_lines(const hall_ui *ui, const char *s, int px, hall_lang lang, int bold, int width, int max_lines);

/* Longest text the helpers lay out (bytes); longer text is cut at a character boundary
 * with a logged error (content limits strings to 4,000 bytes; this is the safety net). */
#define HALL_UI_TEXT_MAX 8000u

/* Append a HIT doing `act` with the next focus order; marks it focused when its id is
 * ui->focus_id. */
hall_dl_item *hall_ui_hit(hall_ui *ui, hall_rect r, const char *id, hall_act act, hall_dl_role role,
                          const char *label);

typedef enum hall_ui_button_style {
	HALL_UI_BUTTON,          /* ordinary */
	HALL_UI_BUTTON_PRIMARY,  /* the main action */
	HALL_UI_BUTTON_SELECTED, /* chosen / on: also a thicker border, never colour alone */
	HALL_UI_BUTTON_DISABLED  /* drawn muted (theme's disabled colours, thin border,
	                          * regular weight), not a target (no HIT) */
} hall_ui_button_style;

/* Size of a button for `text` no wider than max_w: at least target_px a side; the label
 * wraps when it must. */
void hall_ui_button_size(const hall_ui *ui, const char *text, hall_lang lang, int max_w, int *w, int *h);
/* Draw a button in r: box, centred (wrapped) label, and a HIT with `spoken` (or text when
 * NULL) as its label. */
void hall_ui_button(hall_ui *ui, hall_rect r, const char *id, hall_act act, hall_dl_role role, const char *text,
                    hall_lang text_lang, const char *spoken, hall_ui_button_style style);

/* A row of buttons that wraps into as many rows as needed inside width `area.w`, drawn
 * from area.y down when draw != 0. Returns the height used. */
typedef struct hall_ui_button_spec {
	const char *id;
	hall_act act;            /* what it does (kiosk/action.h) */
	const char *text;
	hall_lang lang;
	const char *spoken;      /* NULL: text */
	hall_dl_role role;
	hall_ui_button_style style;
} hall_ui_button_spec;
int hall_ui_button_rows(hall_ui *ui, hall_rect area, const hall_ui_button_spec *b, size_t n, int draw);

/* ---- flow: top-to-bottom blocks, split into pages ----
 * A flow lays blocks out from the top of `area`; a block that does not fit on the
 * current page starts the next page. Only blocks of page `show` are appended to the list,
 * so a caller runs the same layout code for every page and gets the page count back. */
typedef struct hall_ui_flow {
	hall_ui *ui;
	hall_rect area;
	int y;        /* next free row on the current page */
	int page;     /* page being laid out */
	int show;     /* page to draw; -1 draws nothing (a counting pass) */
	int used;     /* something is on the current page */
} hall_ui_flow;

void hall_ui_flow_begin(hall_ui_flow *f, hall_ui *ui, hall_rect area, int show);
/* Reserve h px after `gap` px of space (no space at a page top). Returns 1 and the
 * block's rect when the block is on the page being shown, else 0. A block taller than
 * the area is given the area's height. Blocks holding targets must be ui->gap_px apart. */
int hall_ui_flow_take(hall_ui_flow *f, int h, int gap, hall_rect *out);
/* Start a new page unless the current one is empty. */
void hall_ui_flow_break(hall_ui_flow *f);
/* A paragraph, line by line (each line a block, so paragraphs split across pages),
 * ui->gap_px / 2 below what came before. Body text (not a heading) runs in a column of
 * hall_ui_column_w: the theme's measure, or the area when narrower. */
int hall_ui_column_w(int px, int area_w);
void hall_ui_flow_text(hall_ui_flow *f, const char *text, hall_lang lang, int heading, hall_rgba color,
                       hall_rgba bg);
/* Buttons in rows (as hall_ui_button_rows), each row one block ui->gap_px below the
 * last, so rows move to the next page whole. */
void hall_ui_flow_buttons(hall_ui_flow *f, const hall_ui_button_spec *b, size_t n);
/* Start a new page unless the next h px (after a gap) fit on the current one: a heading
 * and the first lines it heads stay together. Nothing when h is taller than a page. */
void hall_ui_flow_keep(hall_ui_flow *f, int h);
/* Pages laid out so far (>= 1). */
int hall_ui_flow_pages(const hall_ui_flow *f);

/* Lay out with `fn` on as many pages as it needs inside `area`; draws page *page (clamped
 * into range and written back) and, when there is more than one page, a row with
 * "page-prev" (not on the first page), "n / N" and "page-next" (not on the last) at the
 * bottom. Returns the number of pages. */
typedef void (*hall_ui_flow_fn)(void *ctx, hall_ui_flow *f);
int hall_ui_paged(hall_ui *ui, hall_rect area, int *page, hall_ui_flow_fn fn, void *ctx);
/* The same with one more button (a dialog's Close) in the page row, left of "next", on
 * every page; on a single page it sits alone at the foot, right. A "previous" on the
 * first page and a "next" on the last would do nothing: they are not drawn (issue #12
 * Build 11), and the others keep their places. */
int hall_ui_paged_with(hall_ui *ui, hall_rect area, int *page, hall_ui_flow_fn fn, void *ctx,
                       const hall_ui_button_spec *extra);

/* One line of text at (x, y), measured; returns the item (NULL on out-of-memory). */
hall_dl_item *hall_ui_text(hall_ui *ui, int x, int y, const char *s, int px, hall_lang lang, int bold,
                           hall_rgba color, hall_rgba bg);
/* Wrapped text inside r (lines beyond r.h are dropped with a trailing "..."); returns
 * the height used. centered: centre each line. */
int hall_ui_text_box(hall_ui *ui, hall_rect r, const char *s, int px, hall_lang lang, int bold, hall_rgba color,
                     hall_rgba bg, int centered);

/* Remember the frame's heading (first call wins) for speaking on a screen change. */
void hall_ui_set_heading(hall_ui *ui, const char *s);

/* Draw the focus ring around the focused HIT (call once, last): two boxes with a zero-alpha
 * fill and a border, the focus colour (5 px x scale) outside the halo colour (4 px x scale);
 * the ring reaches 6 px x scale outside the target (half the minimum gap) and 3 px x scale
 * into it, over the target's own border, never over its label. */
void hall_ui_finish(hall_ui *ui);

/* Format n with thousands separators ("639,974"); decimals digits after the point. */
void hall_ui_format_number(char *buf, size_t len, double n, int decimals);

/* ---- default UI strings in the five languages (kiosk/ui_strings.c) ---- */
typedef enum hall_ui_str {
	HALL_STR_HOME,
	HALL_STR_BACK,
	HALL_STR_LANGUAGE,
	HALL_STR_ACCESSIBILITY,
	HALL_STR_CALL_STAFF,
	HALL_STR_STAFF_CALLED,
	HALL_STR_OK,
	HALL_STR_CLOSE,
	HALL_STR_MORE_TIME_Q,
	HALL_STR_MORE_TIME_LEFT,    /* {1}: seconds */
	HALL_STR_MORE_TIME,
	HALL_STR_FINISH,
	HALL_STR_THANK_YOU,
	HALL_STR_CLOSED,
	HALL_STR_NEXT_OPENING,      /* {1}: date and time */
	HALL_STR_TOUCH_TO_START,
	HALL_STR_START,
	HALL_STR_PREV,
	HALL_STR_NEXT,
	HALL_STR_PAGE_OF,           /* {1}, {2} */
	HALL_STR_PAUSE,
	HALL_STR_PLAY,
	HALL_STR_LARGE_TEXT,
	HALL_STR_HIGH_CONTRAST,
	HALL_STR_LOW_POSITION,
	HALL_STR_VOICE,
	HALL_STR_ON,
	HALL_STR_OFF,
	HALL_STR_CHOOSE_LANGUAGE,
	HALL_STR_ACCESS_TITLE,
	HALL_STR_VOLUME_UP,
	HALL_STR_VOLUME_DOWN,
	HALL_STR_RATE_UP,
	HALL_STR_RATE_DOWN,
	HALL_STR_REPLAY,
	HALL_STR_VOLUME_LEVEL,      /* {1} */
	HALL_STR_RATE_LEVEL,        /* {1} */
	HALL_STR_ZOOM_IN,
	HALL_STR_ZOOM_OUT,
	HALL_STR_PAN_LEFT,
	HALL_STR_PAN_RIGHT,
	HALL_STR_PAN_UP,
	HALL_STR_PAN_DOWN,
	HALL_STR_DISTRICTS,
	HALL_STR_MAP,
	HALL_STR_MAP_HINT,
	HALL_STR_VOTE,
	HALL_STR_CHOOSE_OPTION,
	HALL_STR_ALREADY_VOTED,
	HALL_STR_RESULTS_LIVE,
	HALL_STR_RESULTS_LOCAL,
	HALL_STR_VOTES_OF_TOTAL,    /* {1} votes, {2} percent */
	HALL_STR_VOTE_ONE_OF_TOTAL, /* the same for exactly one vote */
	HALL_STR_TOTAL_VOTES,       /* {1} */
	HALL_STR_NO_CONTENT,
	HALL_STR_CONTENT_ERROR,
	HALL_STR_STAFF_PIN,
	HALL_STR_PIN_WRONG,
	HALL_STR_PIN_LOCKED,
	HALL_STR_CANCEL,
	HALL_STR_DELETE,
	HALL_STR_NOTICE,
	HALL_STR_CHART,
	HALL_STR_IMAGE,
	HALL_STR_SELECTED,
	HALL_STR_ZOOM_LEVEL,        /* {1} */
	HALL_STR_SLOGAN,
	HALL_STR_FIGURES,
	HALL_STR_NOW_SHOWING,       /* the exhibit the schedule features on the attract loop */
	HALL_STR_WELCOME_KEYPAD,    /* spoken at the first key on the attract loop: how to turn
	                             * guidance on and choose a language (docs/script.md keys) */
	HALL_STR_CALLING_STAFF,     /* kiosk-voice: call staff sent, not yet acknowledged */
	HALL_STR_ASK_AT_DESK,       /* kiosk-voice: the call could not reach the controller */
	HALL_STR_YOUR_CHOICE,       /* marks the visitor's option in the poll's tally */
	HALL_STR_READ_MORE,         /* a shortened text's way to the rest */
	HALL_STR_REDUCED_MOTION,    /* the accessibility dialog's motion toggle */
	HALL_STR_LANG_BY_NUMBER,    /* kiosk-voice: after the keypad welcome, one line per other
	                             * language in that language: "For English, press {1}." */
	/* tour (issue 12 Build 9): the welcome's sentence on choosing a language, said after
	 * HALL_STR_WELCOME_KEYPAD on the attract loop only (after a number key chose the
	 * language, the welcome is said without it, in the language chosen) */
	HALL_STR_WELCOME_LANGUAGES,
	/* tour2 (issue 12 Build 9): said in voice mode when a visit ends ("Finish", or no
	 * answer to "more time?"): it ended in silence */
	HALL_STR_GOODBYE,
	HALL_STR_MOST_VOTES,        /* slides: marks a vote's leading option in words, not by
	                             * colour alone (issue #12 Build 5) */
	/* tour2: read after the map's name when the keypad focuses it (it says "touch a
	 * district", which a keypad visitor cannot do) */
	HALL_STR_MAP_BY_KEYPAD,
	/* dialogs (issue 12: the language and accessibility dialogs as large cards, the call
	 * for staff as a proper dialog) */
	HALL_STR_USE_LANGUAGE,      /* a language card's line, in that language, naming it */
	HALL_STR_CURRENT_LANGUAGE,  /* the chosen language card's line */
	HALL_STR_LARGE_TEXT_DESC,   /* what each accessibility setting does, in one plain line */
	HALL_STR_HIGH_CONTRAST_DESC,
	HALL_STR_LOW_POSITION_DESC,
	HALL_STR_VOICE_DESC,
	HALL_STR_REDUCED_MOTION_DESC,
	HALL_STR_CALLING_NEXT,      /* what happens next, under "calling staff…" */
	HALL_STR_CALLED_NEXT,       /* ... and under "staff have been called" */
	HALL_STR_HOME_HERE,         /* Home pressed on home: the visitor is there already */
	HALL_STR_COUNT
} hall_ui_str;

/* The string in lang (never NULL). Templates hold {1} and {2} placeholders. */
const char *hall_ui_string(hall_ui_str id, hall_lang lang);
/* Copy tmpl into buf with {1} and {2} replaced by a1 and a2 (NULL: ""); always
 * NUL-terminated, cut at a character boundary when buf is short. */
void hall_ui_fill(char *buf, size_t len, const char *tmpl, const char *a1, const char *a2);
/* The closed screen's next opening (issue #12 Build 11) as a visitor reads a date and
 * time in lang, 24-hour, without the year (it is days away): "12월 8일 (화) 10:00",
 * "Tuesday 8 December, 10:00", "12月8日（星期二）10:00", "12月8日（火）10:00".
 * Uses month, day, weekday, hour and minute of cv. Returns the bytes written, 0 (and "")
 * when a field is out of range; cut at a character boundary when out is short. */
size_t hall_ui_opening_time(hall_lang lang, const hall_civil *cv, char *out, size_t cap);
/* kiosk-voice (issue 12): what joins a label and its value in lang: the full-width
 * "：" in Chinese and Japanese, ": " in Korean and English. */
const char *hall_ui_label_sep(hall_lang lang);

#endif
