/* kiosk/displaylist.h: what an exhibit asks to be drawn, with no SDL in it.
 *
 * Exhibits are pure functions of (content, UI state, viewport, language, accessibility
 * mode) that append items to a display list. render_sdl.c is the only code that draws a
 * list; hit-testing, focus order, `dump` and the accessibility checks all read the same
 * list, so what the tests check is what the visitor sees.
 *
 * Ownership: the list owns copies of every string pushed into it (kept in its arena);
 * hall_dl_clear() keeps the memory for the next frame so a steady frame allocates nothing.
 * Coordinates are pixels of the logical viewport, origin top-left. */
#ifndef HALL_DISPLAYLIST_H
#define HALL_DISPLAYLIST_H

#include <stddef.h>
#include <stdint.h>

#include "action.h"
#include "hall/lang.h"

typedef struct hall_rect { int x, y, w, h; } hall_rect;
typedef struct hall_rgba { uint8_t r, g, b, a; } hall_rgba;


typedef enum hall_dl_kind {
	HALL_DL_BOX,     /* filled rectangle, optional border and corner radius */
	HALL_DL_TEXT,    /* one already-laid-out line of text */
	HALL_DL_IMAGE,   /* an image file (by cache key), fit or fill into rect */
	HALL_DL_LINE,    /* a straight line (chart axes) */
	HALL_DL_POLYGON, /* a filled polygon (city-model districts, donut slices) */
	HALL_DL_HIT      /* a touchable control: id, role, label; not drawn */
} hall_dl_kind;

typedef enum hall_dl_role { HALL_ROLE_BUTTON, HALL_ROLE_LINK, HALL_ROLE_OPTION, HALL_ROLE_REGION, HALL_ROLE_TOGGLE } hall_dl_role;

typedef struct hall_dl_item {
	hall_dl_kind kind;
	hall_rect rect;
	hall_rgba color;        /* fill (box, polygon), text colour, line colour */
	hall_rgba border;       /* box border; a == 0 for none */
	int border_px, radius_px;
	/* TEXT: text (UTF-8), font size in px, language (picks the CJK face), bold;
	 * `bg` is the colour behind the text, for contrast checks. */
	const char *text;
	int font_px;
	hall_lang lang;
	int bold;
	hall_rgba bg;
	/* TEXT: 1 when its trailing "…" belongs to the words ("calling staff…": a wait, not
	 * a cut) and nothing was cut by the layout; the cut check (a11y.c) leaves it be. */
	int ellipsis_intended;
	/* IMAGE: path of the file; fill = 1 crops to fill, 0 fits inside; color.a is its
	 * opacity (255 from hall_dl_image; lower while it fades in). */
	const char *image;
	int fill;
	/* POLYGON: points (x, y pairs), count of points. LINE: rect.x,y to rect.x+w,y+h. */
	const int *points;
	int npoints;
	/* HIT: id (unique on the screen; the stable name tests, scripts and reports use),
	 * what it does (kiosk/action.h), role, spoken/visible label, focus order. */
	const char *id;
	hall_act act;
	hall_dl_role role;
	const char *label;
	int focus_order;
	int focused;            /* set on the HIT item that holds the keypad focus */
} hall_dl_item;

typedef struct hall_dl hall_dl;

hall_dl *hall_dl_create(void);
void hall_dl_destroy(hall_dl *dl);
void hall_dl_clear(hall_dl *dl);
size_t hall_dl_count(const hall_dl *dl);
const hall_dl_item *hall_dl_at(const hall_dl *dl, size_t i);

/* Append; strings and points are copied into the list. Return the stored item, or NULL
 * on out-of-memory (the list stays valid; the item is just missing). The returned item
 * never moves: it may be changed (border, bold, focus_order...) until the next clear.
 * LINE keeps its width in border_px; POLYGON's rect is the points' bounding box. */
hall_dl_item *hall_dl_box(hall_dl *dl, hall_rect r, hall_rgba fill);
hall_dl_item *hall_dl_text(hall_dl *dl, hall_rect r, const char *utf8, int font_px, hall_lang lang,
                           hall_rgba color, hall_rgba bg);
hall_dl_item *hall_dl_image(hall_dl *dl, hall_rect r, const char *path, int fill);
hall_dl_item *hall_dl_line(hall_dl *dl, int x0, int y0, int x1, int y1, hall_rgba color, int width_px);
hall_dl_item *hall_dl_polygon(hall_dl *dl, const int *xy, int npoints, hall_rgba fill);
hall_dl_item *hall_dl_hit(hall_dl *dl, hall_rect r, const char *id, hall_dl_role role, const char *label);

/* 1 when a and b hold the same items (kinds, rects, colours, strings, points, focus):
 * the main loop skips drawing a frame equal to the one on screen. */
int hall_dl_equal(const hall_dl *a, const hall_dl *b);

/* Hit-test: the topmost (last appended) HIT whose rect holds (x, y); NULL when none. */
const hall_dl_item *hall_dl_hit_test(const hall_dl *dl, int x, int y);
/* The HIT item with this id, or NULL. */
const hall_dl_item *hall_dl_find(const hall_dl *dl, const char *id);

#endif
