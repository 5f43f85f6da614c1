/* kiosk/render_sdl.h: draws a display list (kiosk/displaylist.h) with an SDL renderer.
 *
 * How items are drawn:
 *  - BOX: filled, rounded by radius_px, with a border of border_px in `border` (a > 0).
 *    A fill with alpha 0 draws nothing: such a box is only its border (the focus ring).
 *  - TEXT: one line, left edge at rect.x, vertically centred in rect.h (top-aligned when
 *    rect.h is smaller than the text); the face follows item->lang (text_sdl.h). Text is
 *    never clipped to its rect: laying it out to fit is the app's job (textlayout.h).
 *  - IMAGE: loaded with SDL2_image (on a thread of its own during a fade, see
 *    hall_render_defer_until) and kept as a texture pre-scaled to the size drawn
 *    (cached by path and rect size, LRU within a pixel budget; the screen on show is
 *    never evicted), so a redraw copies it 1:1; fill = 1 crops to fill rect, 0 fits
 *    inside it, centred. Opaque images are copied without blending. A file that cannot
 *    be loaded draws a grey placeholder box (logged once per path), never garbage.
 *  - LINE: from (x, y) to (x + w, y + h), border_px wide; from 3 px with round caps.
 *  - POLYGON: filled (any simple polygon, concave ones too; even-odd rule, a pixel is
 *    filled when its centre is inside).
 *  - HIT: not drawn, focused or not: the focus ring is part of the list (kiosk/ui.h,
 *    hall_ui_finish: boxes with a border only, in the theme's colours, drawn last), so
 *    what the a11y checks and tests see is what is drawn.
 *
 * Ownership: hall_render borrows the renderer and the hall_ttf (destroy hall_render
 * first). Main thread only. */
#ifndef HALL_KIOSK_RENDER_SDL_H
#define HALL_KIOSK_RENDER_SDL_H

#include <SDL.h>

#include "displaylist.h"
#include "hall/err.h"
#include "text_sdl.h"

typedef struct hall_render hall_render;

/* Initializes SDL2_image for PNG and JPEG. */
hall_err hall_render_create(SDL_Renderer *renderer, hall_ttf *text, hall_render **out, hall_error *err);
void hall_render_destroy(hall_render *r);

/* Clear to `background` and draw every item of dl (does not present). The clear is left
 * out when the first item is an opaque box over the whole viewport (it paints it all). */
void hall_render_draw(hall_render *r, const hall_dl *dl, hall_rgba background);

/* The software renderer draws into surface (made with SDL_CreateSoftwareRenderer), or
 * into win's window surface (SDL_CreateRenderer with SDL_RENDERER_SOFTWARE): then large
 * translucent boxes (a fade's veil) are blended there directly, a third of the time of
 * SDL's blend, the same pixels. Never for a GPU renderer (its window has no surface). */
void hall_render_set_direct(hall_render *r, SDL_Window *win, SDL_Surface *surface);

/* Spread a fade's cold work over its frames (main.c: the frames of a screen change's
 * fade, not a shot): until the next hall_render_defer_until(r, 0), a draw does not
 * decode pictures itself but asks a thread of its own and draws the picture once
 * decoded (meanwhile the same picture at another size when cached, else nothing), and
 * makes no text texture after `deadline` (an SDL performance counter value). Such a draw
 * says so with hall_render_incomplete: draw again soon. A draw without a deadline draws
 * everything, waiting for the thread if it is decoding a picture of it. */
void hall_render_defer_until(hall_render *r, Uint64 deadline);

/* 1 when the last hall_render_draw left something for a later draw (see above). */
int hall_render_incomplete(const hall_render *r);

/* Make the textures that drawing `it` needs (its text, its image at its size), without
 * drawing: warms the caches for a screen about to be shown (main.c does it while idle).
 * Other kinds are ignored. */
void hall_render_warm(hall_render *r, const hall_dl_item *it);

/* Cold work since create (never decreases), for --stats: images decoded and scaled, and
 * the text's (text_sdl.h); wall-clock ms. */
typedef struct hall_render_cost {
	unsigned long images;
	double image_ms;
	hall_ttf_cost text;
} hall_render_cost;
void hall_render_get_cost(const hall_render *r, hall_render_cost *out);

/* Textures created since create, text and images together (never decreases). */
unsigned long hall_render_textures_created(const hall_render *r);

/* Read the whole render target as RGBA32 (R, G, B, A bytes in memory order) into a new
 * surface (caller frees with SDL_FreeSurface); NULL with SDL's error. */
SDL_Surface *hall_render_read_surface(SDL_Renderer *renderer);

/* The render target as PNG bytes: *out is malloc'd (caller frees), *out_len its size. */
hall_err hall_render_png(SDL_Renderer *renderer, unsigned char **out, size_t *out_len, hall_error *err);

/* Write the render target as a PNG at path (through a temporary file and a rename, so a
 * reader never sees half a file). */
hall_err hall_render_save_png(SDL_Renderer *renderer, const char *path, hall_error *err);

#endif
