/* kiosk/text_sdl.h: fonts and text textures for the SDL layer (SDL_ttf).
 *
 * The same Han character is drawn differently in Korea, China, Taiwan and Japan, so the
 * face follows the text's language: Noto Sans CJK .ttc faces 0 JP, 1 KR, 2 SC, 3 TC
 * (ko and en use KR). Bold text uses the Bold .ttc when present, else SDL_ttf's synthetic
 * bold. Fonts are opened once per (face, px, bold) and kept.
 *
 * Textures are cached by (face, px, bold, colour, text) and evicted least-recently-used
 * beyond a count and a pixel budget, except those the last draw used (the screen on
 * show, see hall_ttf_draw_begin); hall_ttf_textures_created() counts every texture
 * made, so a steady frame (the same screen drawn again) must not move it. Measurements
 * are cached too (the app lays text out on every frame).
 *
 * Threading: main thread only (SDL renderer). Ownership: hall_ttf borrows the renderer
 * (destroy the hall_ttf first). Textures returned by hall_ttf_texture belong to the
 * cache and stay valid until the next hall_ttf_texture call or destroy. */
#ifndef HALL_KIOSK_TEXT_SDL_H
#define HALL_KIOSK_TEXT_SDL_H

#include <SDL.h>
#include <stddef.h>

#include "displaylist.h"
#include "hall/err.h"
#include "hall/lang.h"

#define HALL_FONT_REGULAR_DEFAULT "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define HALL_FONT_BOLD_DEFAULT "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

typedef struct hall_ttf hall_ttf;

/* regular_ttc NULL = HALL_FONT_REGULAR_DEFAULT; bold_ttc NULL = HALL_FONT_BOLD_DEFAULT
 * (a missing bold file falls back to synthetic bold). Initializes SDL_ttf (refcounted by
 * SDL_ttf). renderer may be NULL for a measure-only instance (hall_ttf_texture then
 * fails). Fails with HALL_ERR_NOT_FOUND (path in err) when the regular font cannot be
 * opened. */
hall_err hall_ttf_create(SDL_Renderer *renderer, const char *regular_ttc, const char *bold_ttc, hall_ttf **out,
                          hall_error *err);
void hall_ttf_destroy(hall_ttf *t);

/* The .ttc face index for a language: ko/en 1 (KR), ja 0, zh-Hans 2, zh-Hant 3. */
int hall_ttf_face_index(hall_lang lang);

/* Measure callback for kiosk/app.h and kiosk/textlayout.h; ctx is the hall_ttf.
 * h is the font's line height. Returns 0, or -1 when the font cannot be opened. */
int hall_ttf_measure(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
                      int *h);

/* 1 when the size of utf8[0..len) in this face is cached (hall_ttf_measure would not
 * ask FreeType), else 0. Lets a caller with a time budget skip the slow ones. */
int hall_ttf_measure_cached(hall_ttf *t, const char *utf8, size_t len, int font_px, hall_lang lang, int bold);

/* A cached texture of utf8 (NUL-terminated) in colour c; *w, *h its size. NULL on
 * failure (logged once per cause) or for empty text. */
SDL_Texture *hall_ttf_texture(hall_ttf *t, const char *utf8, int font_px, hall_lang lang, int bold, hall_rgba c,
                               int *w, int *h);

/* From now until hall_ttf_defer_until(t, 0), hall_ttf_texture returns NULL instead of
 * making a texture once the performance counter reaches deadline (0 = never), or when it
 * would have to open a font less than 3 ms before it, and counts it: a fade's frame
 * leaves the rest of its new texts to the next frames (render_sdl.h,
 * hall_render_defer_until). */
void hall_ttf_defer_until(hall_ttf *t, Uint64 deadline);
/* Textures left out that way since create (never decreases). */
unsigned long hall_ttf_deferred(const hall_ttf *t);

/* Bracket the texture calls of one frame's draw: textures used between them are kept
 * until the next draw begins, whatever is made meanwhile (warming the next screens). */
void hall_ttf_draw_begin(hall_ttf *t);
void hall_ttf_draw_end(hall_ttf *t);

/* Work done on cache misses since hall_ttf_create (never decreases), for --stats: what
 * a first visit of a screen costs when warming did not get to it. Wall-clock ms. */
typedef struct hall_ttf_cost {
	unsigned long font_opens, measures, texts;
	unsigned long font_sizes; /* an open font switched to another size */
	double font_open_ms, measure_ms, text_ms; /* text_ms: rasterise + texture, fonts opened for it too */
} hall_ttf_cost;
void hall_ttf_get_cost(const hall_ttf *t, hall_ttf_cost *out);

/* Textures created since hall_ttf_create (never decreases). */
unsigned long hall_ttf_textures_created(const hall_ttf *t);
/* Textures held in the cache now. */
size_t hall_ttf_textures_cached(const hall_ttf *t);

#endif
