/* render_sdl.c: draws a hall_dl. Rounded boxes are drawn as horizontal spans (one
 * SDL_RenderFillRects call per colour), so are polygons and thick lines (scanline,
 * even-odd); images come from an LRU cache of textures pre-scaled to the size they are
 * drawn at, so a redraw copies them 1:1 instead of scaling them in software. */
#include "render_sdl.h"

#include <SDL_image.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/fsutil.h"
#include "hall/log.h"

#define IMG_CACHE 64
#define IMG_MAX_PIXELS (3u * 1024u * 1024u) /* 12 MiB of 32-bit pixels, pre-scaled */
#define IMG_MAX_SIDE 8192                   /* larger drawn sizes draw the placeholder */

/* One image at one drawn size: the key is (path, w, h, fill) of the item's rect, the
 * texture holds exactly the pixels drawn (fit: the centred sub-rect). */
typedef struct img_entry {
	char *path;
	int w, h, fill;   /* the item's rect size and mode */
	SDL_Texture *tex; /* NULL: the file could not be loaded (remembered to log once) */
	SDL_Rect at;      /* where the texture goes, relative to the item's rect */
	uint64_t used;
	unsigned long drawn; /* the draw (hall_render.draws) that last drew it */
} img_entry;

/* The decoder thread: one picture at a time, asked for by a fade's draw, so that its
 * decode (10-30 ms for a full-screen PNG here, more on a loaded machine) never lands in
 * the frame of the tap that showed it (bench/kiosk: most of the input-to-present tail
 * was one decode in the input's frame). The thread only decodes into a surface of its
 * own; the main thread scales it into a texture when it is done. */
enum { DEC_IDLE, DEC_ASKED, DEC_DONE };
typedef struct decoder {
	SDL_Thread *thread;   /* NULL: no thread (pictures are decoded when drawn) */
	SDL_mutex *mu;
	SDL_cond *cv;         /* signalled on a new job, a finished one and quit */
	int quit;
	int state;            /* DEC_*; under mu */
	char *path;           /* the picture asked for (DEC_ASKED, DEC_DONE) */
	SDL_Surface *img;     /* DEC_DONE: decoded, converted as image_scale wants; NULL = failed */
	int opaque;
	char why[200];        /* DEC_DONE with img NULL: SDL's error */
	int wanted;           /* a draw asked for path since the last one began (main thread) */
} decoder;

struct hall_render {
	SDL_Renderer *renderer;
	hall_ttf *text;
	img_entry imgs[IMG_CACHE];
	size_t nimgs;
	size_t img_pixels;     /* pixels of the cached textures */
	int warming;           /* inside hall_render_warm: make room only from other warmed images */
	uint64_t tick;
	unsigned long draws;   /* hall_render_draw calls */
	unsigned long img_created;
	SDL_Rect *spans;       /* scratch for box spans */
	size_t spans_cap;
	double *xs;            /* scratch for polygon edge crossings of one row */
	size_t xs_cap;
	double *pts;           /* scratch for polygon points as doubles */
	size_t pts_cap;
	struct poly_edge *edges; /* scratch for polygon edges */
	size_t edges_cap;
	SDL_Rect *sorted;      /* scratch for merge_spans */
	size_t sorted_cap;
	int *row_count;        /* scratch for merge_spans: spans per row, then row starts */
	size_t row_count_cap;
	int img_up;
	unsigned long images_made; /* pictures decoded, here or on the decoder thread */
	double image_ms;           /* main thread's time for them (decode and scale, or scale) */
	/* Deferral (hall_render_defer_until): cold work of a fade's frame stops at deadline. */
	Uint64 defer_deadline;     /* performance counter; 0 = everything now */
	int incomplete;            /* the last draw left something out */
	decoder dec;
	/* hall_render_set_direct: where the software renderer draws */
	int direct;
	SDL_Window *direct_win;
	SDL_Surface *direct_surface;
};

static int grow(void **p, size_t *cap, size_t need, size_t elem);
static SDL_Surface *decode_image(const char *path, int *opaque);

/* The first draw of a heavy screen (the city map: some 15,000 spans) grew the span buffer
 * and SDL's command buffer page by page: about 230 page faults, 2-3 ms in a VM. Both are
 * sized and touched once here instead (SDL keeps its buffer: a fill of empty rects that
 * draws nothing reserves it). A failure only leaves them to grow later. */
#define SPANS_PRESIZE 32768
static void presize(hall_render *r)
{
	if (grow((void **)&r->spans, &r->spans_cap, SPANS_PRESIZE, sizeof(SDL_Rect)) != 0)
		return;
	memset(r->spans, 0, SPANS_PRESIZE * sizeof(SDL_Rect));
	SDL_RenderFillRects(r->renderer, r->spans, SPANS_PRESIZE);
	SDL_RenderFlush(r->renderer);
}

static int SDLCALL decoder_main(void *arg)
{
	decoder *d = arg;
	SDL_LockMutex(d->mu);
	for (;;) {
		while (!d->quit && d->state != DEC_ASKED)
			SDL_CondWait(d->cv, d->mu);
		if (d->quit)
			break;
		char *path = d->path; /* stays while DEC_ASKED: only this thread ends that state */
		SDL_UnlockMutex(d->mu);
		int opaque = 0;
		SDL_Surface *img = decode_image(path, &opaque);
		SDL_LockMutex(d->mu);
		d->img = img;
		d->opaque = opaque;
		if (!img)
			snprintf(d->why, sizeof(d->why), "%s", SDL_GetError());
		d->state = DEC_DONE;
		SDL_CondBroadcast(d->cv);
	}
	SDL_UnlockMutex(d->mu);
	return 0;
}

/* No thread (no memory, no threads): pictures are decoded where they are drawn. */
static void decoder_start(decoder *d)
{
	if (!(d->mu = SDL_CreateMutex()) || !(d->cv = SDL_CreateCond()) ||
	    !(d->thread = SDL_CreateThread(decoder_main, "hall-decode", d))) {
		hall_warn("no picture decoder thread (%s): pictures are decoded as they are drawn", SDL_GetError());
		if (d->cv)
			SDL_DestroyCond(d->cv);
		if (d->mu)
			SDL_DestroyMutex(d->mu);
		d->cv = NULL;
		d->mu = NULL;
	}
}

/* Back to DEC_IDLE, a finished picture thrown away (under mu, not while DEC_ASKED). */
static void decoder_clear(decoder *d)
{
	SDL_FreeSurface(d->img);
	d->img = NULL;
	free(d->path);
	d->path = NULL;
	d->state = DEC_IDLE;
}

static void decoder_stop(decoder *d)
{
	if (!d->thread)
		return;
	SDL_LockMutex(d->mu);
	d->quit = 1;
	SDL_CondBroadcast(d->cv);
	SDL_UnlockMutex(d->mu);
	SDL_WaitThread(d->thread, NULL);
	decoder_clear(d);
	SDL_DestroyCond(d->cv);
	SDL_DestroyMutex(d->mu);
	d->thread = NULL;
}

hall_err hall_render_create(SDL_Renderer *renderer, hall_ttf *text, hall_render **out, hall_error *err)
{
	*out = NULL;
	hall_render *r = calloc(1, sizeof(*r));
	if (!r)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	int want = IMG_INIT_PNG | IMG_INIT_JPG;
	if ((IMG_Init(want) & want) != want)
		hall_warn("SDL2_image: PNG/JPEG support incomplete: %s", IMG_GetError());
	r->img_up = 1;
	r->renderer = renderer;
	r->text = text;
	presize(r);
	decoder_start(&r->dec);
	*out = r;
	return HALL_OK;
}

void hall_render_destroy(hall_render *r)
{
	if (!r)
		return;
	decoder_stop(&r->dec);
	for (size_t i = 0; i < r->nimgs; i++) {
		if (r->imgs[i].tex)
			SDL_DestroyTexture(r->imgs[i].tex);
		free(r->imgs[i].path);
	}
	free(r->spans);
	free(r->xs);
	free(r->pts);
	free(r->edges);
	free(r->sorted);
	free(r->row_count);
	if (r->img_up)
		IMG_Quit();
	free(r);
}

void hall_render_get_cost(const hall_render *r, hall_render_cost *out)
{
	memset(out, 0, sizeof(*out));
	if (!r)
		return;
	out->images = r->images_made;
	out->image_ms = r->image_ms;
	hall_ttf_get_cost(r->text, &out->text);
}

unsigned long hall_render_textures_created(const hall_render *r)
{
	return r ? r->img_created + hall_ttf_textures_created(r->text) : 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Opaque colours are drawn without blending: the software renderer fills opaque spans
 * several times faster than it blends them, and most of a screen is opaque boxes. */
static void set_color(SDL_Renderer *ren, hall_rgba c)
{
	SDL_SetRenderDrawBlendMode(ren, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	SDL_SetRenderDrawColor(ren, c.r, c.g, c.b, c.a);
}

void hall_render_set_direct(hall_render *r, SDL_Window *win, SDL_Surface *surface)
{
	if (!r)
		return;
	r->direct = win || surface;
	r->direct_win = win;
	r->direct_surface = surface;
}

#define DIRECT_MIN_PIXELS 65536 /* smaller translucent boxes are left to SDL */

/* The blend of SDL_BlendFillRect (SDL_BLENDMODE_BLEND, src * a / 255 + dst * (255 - a) /
 * 255 per channel, each rounded down; RGB888 keeps its padding byte 0), two channels at a
 * time in 32-bit lanes: x / 255 == (x + 1 + (x >> 8)) >> 8 for every x up to 255 * 255.
 * Vectorised (GCC does at -O3, not at -O2: hence the attribute) this is about three
 * times faster than SDL's own loop (0.9 against 2.7 ms for a fade's veil over 1872 x 900
 * here), with the same pixels (test_render_sdl compares them). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("O3")))
#endif
static void blend_rect(SDL_Surface *s, SDL_Rect b, hall_rgba c, int alpha)
{
	const Uint32 inva = 255u - c.a;
	const Uint32 pr = c.r * (Uint32)c.a / 255u, pg = c.g * (Uint32)c.a / 255u, pb = c.b * (Uint32)c.a / 255u;
	const Uint32 prb = pr << 16 | pb;
	for (int y = b.y; y < b.y + b.h; y++) {
		Uint32 *p = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch) + b.x;
		for (int x = 0; x < b.w; x++) {
			Uint32 v = p[x];
			Uint32 rb = (v & 0x00FF00FFu) * inva;
			Uint32 g = ((v >> 8) & 0xFFu) * inva;
			Uint32 a = (v >> 24) * inva;
			rb = ((rb + 0x00010001u + ((rb >> 8) & 0x00FF00FFu)) >> 8) & 0x00FF00FFu;
			g = (g + 1u + (g >> 8)) >> 8;
			a = (a + 1u + (a >> 8)) >> 8;
			p[x] = (rb + prb) | (g + pg) << 8 | (alpha ? (a + c.a) << 24 : 0u);
		}
	}
}

/* A large translucent box (a fade's veil over the whole content) blended straight into
 * the software renderer's surface, after what was drawn before it (SDL_RenderFlush): 0
 * when that cannot be done here (no surface given, a render target, a scale, a clip, a
 * pixel format other than RGB888 or ARGB8888), and SDL draws it. */
static int blend_direct(hall_render *r, SDL_Rect b, hall_rgba c)
{
	if (!r->direct || (size_t)b.w * (size_t)b.h < DIRECT_MIN_PIXELS || SDL_GetRenderTarget(r->renderer) ||
	    SDL_RenderIsClipEnabled(r->renderer))
		return 0;
	float sx = 0, sy = 0;
	SDL_Rect vp;
	SDL_RenderGetScale(r->renderer, &sx, &sy);
	SDL_RenderGetViewport(r->renderer, &vp);
	if (sx != 1.0f || sy != 1.0f || vp.x != 0 || vp.y != 0)
		return 0;
	SDL_Surface *s = r->direct_surface ? r->direct_surface : SDL_GetWindowSurface(r->direct_win);
	if (!s || SDL_MUSTLOCK(s) || (s->format->format != SDL_PIXELFORMAT_RGB888 &&
	                              s->format->format != SDL_PIXELFORMAT_ARGB8888))
		return 0;
	SDL_Rect area = {0, 0, s->w < vp.w ? s->w : vp.w, s->h < vp.h ? s->h : vp.h}, in;
	if (!SDL_IntersectRect(&b, &area, &in))
		return 1; /* nothing of it on screen */
	if (SDL_RenderFlush(r->renderer) != 0)
		return 0;
	blend_rect(s, in, c, s->format->format == SDL_PIXELFORMAT_ARGB8888);
	return 1;
}

/* Horizontal inset of row j (0..h-1) of a w x h rect with corner radius rad. */
static int row_inset(int j, int h, int rad)
{
	if (rad <= 0)
		return 0;
	int k = j < rad ? j : (j >= h - rad ? h - 1 - j : -1);
	if (k < 0)
		return 0;
	double dy = (double)rad - (double)k - 0.5;
	double dx = (double)rad - sqrt((double)rad * rad - dy * dy);
	return (int)floor(dx + 0.5);
}

static int clamp_radius(int rad, int w, int h)
{
	int m = (w < h ? w : h) / 2;
	return rad < 0 ? 0 : rad > m ? m : rad;
}

/* Fill a rounded rect, or (border > 0, ring = 1) only its ring of `border` px. */
static void fill_rounded(hall_render *r, SDL_Rect b, int rad, int border, int ring, hall_rgba c)
{
	if (b.w <= 0 || b.h <= 0 || c.a == 0)
		return;
	rad = clamp_radius(rad, b.w, b.h);
	if (!ring && rad == 0) {
		if (c.a == 255 || !blend_direct(r, b, c)) {
			set_color(r->renderer, c);
			SDL_RenderFillRect(r->renderer, &b);
		}
		return;
	}
	if (grow((void **)&r->spans, &r->spans_cap, (size_t)b.h * 2, sizeof(SDL_Rect)) != 0)
		return;
	size_t n = 0;
	SDL_Rect in = {b.x + border, b.y + border, b.w - 2 * border, b.h - 2 * border};
	int inrad = clamp_radius(rad - border, in.w, in.h);
	for (int j = 0; j < b.h; j++) {
		int dx = row_inset(j, b.h, rad);
		int x0 = b.x + dx, x1 = b.x + b.w - dx;
		int y = b.y + j;
		if (ring && in.w > 0 && in.h > 0 && y >= in.y && y < in.y + in.h) {
			int idx = row_inset(y - in.y, in.h, inrad);
			int i0 = in.x + idx, i1 = in.x + in.w - idx;
			if (i0 > x0)
				r->spans[n++] = (SDL_Rect){x0, y, i0 - x0, 1};
			if (x1 > i1)
				r->spans[n++] = (SDL_Rect){i1, y, x1 - i1, 1};
		} else if (x1 > x0) {
			r->spans[n++] = (SDL_Rect){x0, y, x1 - x0, 1};
		}
	}
	set_color(r->renderer, c);
	SDL_RenderFillRects(r->renderer, r->spans, (int)n);
}

static void draw_box(hall_render *r, const hall_dl_item *it)
{
	SDL_Rect b = {it->rect.x, it->rect.y, it->rect.w, it->rect.h};
	int bw = it->border.a > 0 ? it->border_px : 0;
	if (bw > 0) {
		SDL_Rect in = {b.x + bw, b.y + bw, b.w - 2 * bw, b.h - 2 * bw};
		fill_rounded(r, in, it->radius_px - bw, 0, 0, it->color);
		fill_rounded(r, b, it->radius_px, bw, 1, it->border);
	} else {
		fill_rounded(r, b, it->radius_px, 0, 0, it->color);
	}
}

static void draw_text(hall_render *r, const hall_dl_item *it)
{
	int w = 0, h = 0;
	SDL_Texture *tex = hall_ttf_texture(r->text, it->text, it->font_px, it->lang, it->bold, it->color, &w, &h);
	if (!tex)
		return;
	int y = it->rect.y;
	if (it->rect.h > h)
		y += (it->rect.h - h) / 2;
	SDL_Rect dst = {it->rect.x, y, w, h};
	SDL_RenderCopy(r->renderer, tex, NULL, &dst);
}

static void img_drop(hall_render *r, img_entry *e)
{
	if (e->tex) {
		SDL_DestroyTexture(e->tex);
		r->img_pixels -= (size_t)e->at.w * (size_t)e->at.h;
	}
	free(e->path);
	memset(e, 0, sizeof(*e));
}

/* Where an image of iw x ih goes in a w x h rect: *src the part of the image shown,
 * *at the part of the rect it covers (fill crops the image, fit centres it). */
static void image_place(int iw, int ih, int w, int h, int fill, SDL_Rect *src, SDL_Rect *at)
{
	double sx = (double)w / iw, sy = (double)h / ih;
	if (fill) {
		double s = sx > sy ? sx : sy;
		*src = (SDL_Rect){0, 0, (int)(w / s + 0.5), (int)(h / s + 0.5)};
		src->w = src->w > iw ? iw : src->w;
		src->h = src->h > ih ? ih : src->h;
		src->x = (iw - src->w) / 2;
		src->y = (ih - src->h) / 2;
		*at = (SDL_Rect){0, 0, w, h};
	} else {
		double s = sx < sy ? sx : sy;
		int dw = (int)(iw * s + 0.5), dh = (int)(ih * s + 0.5);
		*src = (SDL_Rect){0, 0, iw, ih};
		*at = (SDL_Rect){(w - dw) / 2, (h - dh) / 2, dw, dh};
	}
}

static int surface_opaque(SDL_Surface *s)
{
	/* s is ARGB8888 */
	for (int y = 0; y < s->h; y++) {
		const Uint32 *row = (const Uint32 *)((const Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
		for (int x = 0; x < s->w; x++)
			if ((row[x] >> 24) != 0xff)
				return 0;
	}
	return 1;
}

/* Decode path into a surface that image_scale takes: an image that may have clear pixels
 * as ARGB8888, an RGB one as decoded (scaled straight from its pixels, no 32-bit copy);
 * *opaque when it has no clear pixel. NULL on failure (SDL's error set). Any thread. */
static SDL_Surface *decode_image(const char *path, int *opaque)
{
	Uint32 key;
	SDL_Surface *img = IMG_Load(path);
	*opaque = 0;
	if (!img)
		return NULL;
	if (img->w <= 0 || img->h <= 0) {
		SDL_FreeSurface(img);
		SDL_SetError("empty image");
		return NULL;
	}
	int may_be_clear = img->format->Amask != 0 || SDL_GetColorKey(img, &key) == 0 || img->format->palette;
	if (!may_be_clear) {
		*opaque = 1;
		return img;
	}
	SDL_Surface *conv = SDL_ConvertSurfaceFormat(img, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(img);
	if (conv)
		*opaque = surface_opaque(conv);
	return conv;
}

/* The part of img shown in a w x h rect, scaled to the size drawn, nearest-neighbour as
 * the software renderer scales (the same pixels as scaling at every draw), straight into
 * the texture's pixels. Opaque images become opaque textures: a copy, no blending. NULL
 * on failure (SDL's error set). Main thread. */
static SDL_Texture *image_scale(hall_render *r, SDL_Surface *img, int opaque, int w, int h, int fill, SDL_Rect *at)
{
	SDL_Texture *tex = NULL;
	SDL_Surface *dst = NULL;
	SDL_Rect src;
	image_place(img->w, img->h, w, h, fill, &src, at);
	if (at->w <= 0 || at->h <= 0) {
		SDL_SetError("drawn size %dx%d", at->w, at->h);
		return NULL;
	}
	Uint32 fmt = opaque ? SDL_PIXELFORMAT_RGB888 : SDL_PIXELFORMAT_ARGB8888;
	tex = SDL_CreateTexture(r->renderer, fmt, SDL_TEXTUREACCESS_STREAMING, at->w, at->h);
	if (!tex || SDL_LockTextureToSurface(tex, NULL, &dst) != 0)
		goto fail;
	/* the blit converts ARGB to RGB for an opaque image with an alpha channel */
	SDL_SetSurfaceBlendMode(img, SDL_BLENDMODE_NONE);
	SDL_Rect all = {0, 0, at->w, at->h};
	int rc = src.w == all.w && src.h == all.h ? SDL_BlitSurface(img, &src, dst, &all)
	                                          : SDL_BlitScaled(img, &src, dst, &all);
	SDL_UnlockTexture(tex);
	if (rc != 0)
		goto fail;
	SDL_SetTextureBlendMode(tex, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
	return tex;
fail:
	if (tex)
		SDL_DestroyTexture(tex);
	return NULL;
}

/* Drops the least recently used images until `need` more pixels fit in the budget; never
 * keep (the one just made, or NULL) nor one of the screen on show (warming must not make
 * its next redraw decode again). Returns keep, which may have moved in r->imgs. */
static img_entry *make_room(hall_render *r, size_t need, img_entry *keep)
{
	while (r->img_pixels + need > IMG_MAX_PIXELS) {
		img_entry *old = NULL;
		for (size_t i = 0; i < r->nimgs; i++) {
			img_entry *e = &r->imgs[i];
			if (e != keep && e->tex && (e->drawn != r->draws || r->draws == 0) && (!r->warming || e->drawn == 0) &&
			    (!old || e->used < old->used))
				old = e;
		}
		if (!old)
			break;
		img_drop(r, old);
		img_entry *last = &r->imgs[--r->nimgs];
		if (old != last) {
			*old = *last;
			memset(last, 0, sizeof(*last));
			if (keep == last)
				keep = old;
		}
	}
	return keep;
}

/* Ask the thread for path (under mu, DEC_IDLE); 0 when out of memory. */
static int decoder_ask(hall_render *r, const char *path)
{
	decoder *d = &r->dec;
	if (!(d->path = strdup(path)))
		return 0;
	d->state = DEC_ASKED;
	d->wanted = 1;
	r->images_made++;
	SDL_CondBroadcast(d->cv);
	return 1;
}

/* Every decode goes through the thread, one at a time: two pictures decoded at once (a
 * fade's on the thread, warming's here) put both in the resident set and the tour's peak
 * RSS over 100 MB. For get_image (main thread): 1 with *img (NULL: it failed, *why says
 * why) when the thread decoded path and hands it over; -1 when it is not there now (a
 * fade's draw asked for it, or warming found the thread busy with another); 0 when the
 * caller decodes it itself (no thread, no memory). A whole draw waits for it. */
static int decoder_take(hall_render *r, const char *path, SDL_Surface **img, int *opaque, char *why, size_t why_len)
{
	decoder *d = &r->dec;
	int rc = 1;
	if (!d->thread)
		return 0;
	SDL_LockMutex(d->mu);
	int mine = d->state != DEC_IDLE && strcmp(d->path, path) == 0;
	if (mine)
		d->wanted = 1;
	if (r->defer_deadline) {
		/* a fade's draw: takes it decoded, else asks for it when the thread is free */
		if (!mine || d->state != DEC_DONE) {
			if (d->state == DEC_IDLE)
				decoder_ask(r, path);
			rc = -1;
		}
	} else if (r->warming) {
		/* warming: only when the thread is free (a fade's picture goes first), and waits */
		if (!mine && d->state != DEC_IDLE)
			rc = -1;
		else if (!mine && !decoder_ask(r, path))
			rc = 0;
	} else if (!mine) {
		/* a whole draw: the thread's other picture (nobody took it) makes way */
		while (d->state == DEC_ASKED)
			SDL_CondWait(d->cv, d->mu);
		if (d->state == DEC_DONE)
			decoder_clear(d);
		if (!decoder_ask(r, path))
			rc = 0;
	}
	if (rc == 1) {
		while (d->state == DEC_ASKED)
			SDL_CondWait(d->cv, d->mu);
		*img = d->img;
		*opaque = d->opaque;
		snprintf(why, why_len, "%s", d->why);
		d->img = NULL;
		decoder_clear(d);
	}
	SDL_UnlockMutex(d->mu);
	return rc;
}

/* The picture path at (w, h, fill): from the cache, else made now; in a fade's draw
 * (hall_render_defer_until) asked of the decoder thread instead: then NULL with *pending
 * set until a later draw finds it decoded. */
static img_entry *get_image(hall_render *r, const char *path, int w, int h, int fill, int *pending)
{
	*pending = 0;
	r->tick++;
	int failed_before = 0;
	for (size_t i = 0; i < r->nimgs; i++) {
		img_entry *e = &r->imgs[i];
		if (strcmp(e->path, path) != 0)
			continue;
		if (e->w == w && e->h == h && e->fill == fill) {
			e->used = r->tick;
			return e;
		}
		failed_before |= !e->tex;
	}
	if (r->warming) {
		/* Warming (a screen one tap away) may take the room of images it warmed itself that
		 * were never drawn, never of one drawn: on the policy list the eight cards one tap
		 * away (0.6 Mpx each) used to push home's tiles and the brand picture out of the
		 * 3 Mpx budget, and every later visit decoded them again (bench/kiosk: 112 decodes
		 * in one round of the tour, 100-600 ms each on the loaded machine, most of the
		 * input-to-present tail). An image that does not fit is left for its first draw. */
		size_t spare = 0;
		for (size_t i = 0; i < r->nimgs; i++)
			if (r->imgs[i].tex && r->imgs[i].drawn == 0)
				spare += (size_t)r->imgs[i].at.w * (size_t)r->imgs[i].at.h;
		if (r->img_pixels + (size_t)w * (size_t)h > IMG_MAX_PIXELS + spare)
			return NULL;
	}
	/* Room first, then the decode: dropping the old textures only once the new one was
	 * made put the decoded source, the new texture and the old ones all in the resident
	 * set together (the kiosk's peak RSS: a full-screen poster is 6 MB decoded and 8 MB
	 * drawn; BENCHMARKS.md, kiosk tour). The rect's size bounds the texture's. A fade's
	 * picture, decoded meanwhile, makes room when it is taken. */
	if (!r->defer_deadline)
		make_room(r, (size_t)w * (size_t)h, NULL);
	SDL_Surface *img = NULL;
	int opaque = 0;
	char why[200] = "";
	int taken = decoder_take(r, path, &img, &opaque, why, sizeof(why));
	if (taken < 0) {
		*pending = 1;
		return NULL;
	}
	make_room(r, (size_t)w * (size_t)h, NULL);
	img_entry *slot = r->nimgs < IMG_CACHE ? &r->imgs[r->nimgs] : NULL;
	if (!slot) {
		slot = &r->imgs[0];
		for (size_t i = 1; i < r->nimgs; i++)
			if (r->imgs[i].used < slot->used)
				slot = &r->imgs[i];
		img_drop(r, slot);
	}
	char *copy = strdup(path);
	if (!copy) {
		SDL_FreeSurface(img);
		return NULL;
	}
	if (slot == &r->imgs[r->nimgs])
		r->nimgs++;
	*slot = (img_entry){copy, w, h, fill, NULL, {0, 0, 0, 0}, r->tick, 0};
	Uint64 t0 = SDL_GetPerformanceCounter();
	if (!taken) {
		img = decode_image(path, &opaque);
		r->images_made++;
		if (!img)
			snprintf(why, sizeof(why), "%s", SDL_GetError());
	}
	if (img && !(slot->tex = image_scale(r, img, opaque, w, h, fill, &slot->at)))
		snprintf(why, sizeof(why), "%s", SDL_GetError());
	SDL_FreeSurface(img);
	r->image_ms += (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
	if (!slot->tex) {
		if (!failed_before)
			hall_warn("%s: cannot load image: %s", path, why);
		return slot;
	}
	r->img_created++;
	r->img_pixels += (size_t)slot->at.w * (size_t)slot->at.h;
	return make_room(r, 0, slot);
}

/* Copy tex's src part to dst at the item's opacity. */
static void copy_image(hall_render *r, const hall_dl_item *it, SDL_Texture *tex, const SDL_Rect *src,
                       const SDL_Rect *dst)
{
	if (it->color.a == 0)
		return;
	if (it->color.a < 255) {
		/* A cross-fade: blended at the item's opacity, then back to the texture's own
		 * mode (opaque textures are copied without blending). */
		SDL_BlendMode mode;
		SDL_GetTextureBlendMode(tex, &mode);
		SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
		SDL_SetTextureAlphaMod(tex, it->color.a);
		SDL_RenderCopy(r->renderer, tex, src, dst);
		SDL_SetTextureAlphaMod(tex, 255);
		SDL_SetTextureBlendMode(tex, mode);
		return;
	}
	SDL_RenderCopy(r->renderer, tex, src, dst);
}

/* A picture still being decoded, in a fade's frame: the same picture at another size when
 * one is cached, scaled by the renderer (the fit or the crop of that texture, close to
 * what the decode will show); else nothing: the ground shows until it is there. */
static void draw_stand_in(hall_render *r, const hall_dl_item *it, SDL_Rect dst)
{
	int fill = it->fill ? 1 : 0;
	for (size_t i = 0; i < r->nimgs; i++) {
		img_entry *e = &r->imgs[i];
		if (!e->tex || e->fill != fill || strcmp(e->path, it->image) != 0)
			continue;
		SDL_Rect src, at;
		image_place(e->at.w, e->at.h, dst.w, dst.h, fill, &src, &at);
		SDL_Rect d = {dst.x + at.x, dst.y + at.y, at.w, at.h};
		copy_image(r, it, e->tex, &src, &d);
		return;
	}
}

static void draw_image(hall_render *r, const hall_dl_item *it)
{
	SDL_Rect dst = {it->rect.x, it->rect.y, it->rect.w, it->rect.h};
	if (dst.w <= 0 || dst.h <= 0)
		return;
	int pending = 0;
	img_entry *e = it->image[0] && dst.w <= IMG_MAX_SIDE && dst.h <= IMG_MAX_SIDE
	                   ? get_image(r, it->image, dst.w, dst.h, it->fill ? 1 : 0, &pending)
	                   : NULL;
	if (pending) {
		r->incomplete = 1;
		draw_stand_in(r, it, dst);
		return;
	}
	if (!e || !e->tex) {
		fill_rounded(r, dst, 0, 0, 0, (hall_rgba){128, 128, 128, 255});
		return;
	}
	e->drawn = r->draws;
	SDL_Rect d = {dst.x + e->at.x, dst.y + e->at.y, e->at.w, e->at.h};
	copy_image(r, it, e->tex, NULL, &d);
}

/* One polygon edge for the scanline fill: the rows whose centre it crosses. */
typedef struct poly_edge {
	double x0, y0, x1, y1;
	int row0, row1; /* rows row0 .. row1 - 1 */
} poly_edge;

static int edge_by_row(const void *a, const void *b)
{
	const poly_edge *x = a, *y = b;
	return x->row0 < y->row0 ? -1 : x->row0 > y->row0;
}

/* Polygons are filled as horizontal spans (even-odd rule, a pixel is in when its centre
 * is): the software renderer's triangle rasteriser (SDL_RenderGeometry) cost about 5 ms
 * a frame for the city map's 25 districts, the spans well under 1 ms. The spans of one
 * polygon never overlap, so a translucent fill blends each pixel once, as a triangle
 * fill did. p: n (x, y) pairs. Spans are added to r->spans from *nspans on (the caller
 * fills them, so several opaque shapes of one colour go in one call). An edge table
 * keeps the work per row to the edges that cross it. */
static int polygon_spans(hall_render *r, const double *p, int n, size_t *nspans)
{
	if (n < 3)
		return 0;
	/* rows outside the viewport are not drawn: bounds the work for wild coordinates */
	SDL_Rect vp;
	SDL_RenderGetViewport(r->renderer, &vp);
	if (grow((void **)&r->edges, &r->edges_cap, (size_t)n, sizeof(poly_edge)) != 0 ||
	    grow((void **)&r->xs, &r->xs_cap, (size_t)n, sizeof(double)) != 0)
		return -1;
	poly_edge *ed = r->edges;
	int ne = 0;
	for (int i = 0; i < n; i++) {
		int j = (i + 1) % n;
		poly_edge e = {p[2 * i], p[2 * i + 1], p[2 * j], p[2 * j + 1], 0, 0};
		double lo = e.y0 < e.y1 ? e.y0 : e.y1, hi = e.y0 < e.y1 ? e.y1 : e.y0;
		/* rows y with lo <= y + 0.5 < hi */
		double r0 = ceil(lo - 0.5), r1 = ceil(hi - 0.5);
		r0 = r0 < 0 ? 0 : r0;
		r1 = r1 > vp.h ? vp.h : r1;
		if (!(r1 > r0))
			continue;
		e.row0 = (int)r0;
		e.row1 = (int)r1;
		ed[ne++] = e;
	}
	if (ne == 0)
		return 0;
	qsort(ed, (size_t)ne, sizeof(*ed), edge_by_row);
	int ymax = 0;
	for (int i = 0; i < ne; i++)
		ymax = ed[i].row1 > ymax ? ed[i].row1 : ymax;
	int first = 0; /* edges before it end above the row */
	for (int y = ed[0].row0; y < ymax; y++) {
		double yc = y + 0.5;
		int nx = 0;
		while (first < ne && ed[first].row1 <= y && ed[first].row0 <= y)
			first++;
		for (int i = first; i < ne && ed[i].row0 <= y; i++) {
			const poly_edge *e = &ed[i];
			if (y >= e->row1)
				continue;
			double x = e->x0 + (yc - e->y0) * (e->x1 - e->x0) / (e->y1 - e->y0);
			int k = nx++;
			while (k > 0 && r->xs[k - 1] > x) { /* insertion sort: a row has few crossings */
				r->xs[k] = r->xs[k - 1];
				k--;
			}
			r->xs[k] = x;
		}
		if (grow((void **)&r->spans, &r->spans_cap, *nspans + (size_t)nx / 2 + 1, sizeof(SDL_Rect)) != 0)
			return -1;
		for (int k = 0; k + 1 < nx; k += 2) {
			/* pixels whose centre x + 0.5 lies in [xs[k], xs[k + 1]) */
			int x0 = (int)ceil(r->xs[k] - 0.5), x1 = (int)ceil(r->xs[k + 1] - 0.5);
			if (x1 > x0)
				r->spans[(*nspans)++] = (SDL_Rect){x0, y, x1 - x0, 1};
		}
	}
	return 0;
}

/* Sort spans[0, *n) (1 px high) by row, then x, and join those of a row that touch or
 * overlap: for shapes of one opaque colour the pixels are the same, and the software
 * renderer's cost is mostly per rect (the city map's districts and boundaries came to
 * some 15,000 spans a frame, about 3 ms; joined, a few per row). Rows are bucketed in one
 * pass (counting sort), a row's few spans sorted by insertion. On failure (no memory)
 * the spans are left as they were, which still draws correctly. */
static void merge_spans(hall_render *r, SDL_Rect *spans, size_t *n)
{
	if (*n < 2)
		return;
	int ymin = spans[0].y, ymax = spans[0].y;
	for (size_t i = 1; i < *n; i++) {
		ymin = spans[i].y < ymin ? spans[i].y : ymin;
		ymax = spans[i].y > ymax ? spans[i].y : ymax;
	}
	size_t rows = (size_t)(ymax - ymin) + 1;
	if (rows > 65536 || grow((void **)&r->row_count, &r->row_count_cap, rows + 1, sizeof(int)) != 0 ||
	    grow((void **)&r->sorted, &r->sorted_cap, *n, sizeof(SDL_Rect)) != 0)
		return;
	int *start = r->row_count;
	memset(start, 0, (rows + 1) * sizeof(int));
	for (size_t i = 0; i < *n; i++)
		start[spans[i].y - ymin + 1]++;
	for (size_t y = 0; y < rows; y++)
		start[y + 1] += start[y];
	for (size_t i = 0; i < *n; i++) /* start[y] ends as the end of row y */
		r->sorted[start[spans[i].y - ymin]++] = spans[i];
	size_t out = 0, from = 0;
	for (size_t y = 0; y < rows; y++) {
		size_t to = (size_t)start[y];
		SDL_Rect *row = r->sorted + from;
		size_t m = to - from;
		for (size_t a = 1; a < m; a++) {
			SDL_Rect v = row[a];
			size_t b = a;
			for (; b > 0 && row[b - 1].x > v.x; b--)
				row[b] = row[b - 1];
			row[b] = v;
		}
		for (size_t a = 0; a < m; a++) {
			SDL_Rect v = row[a];
			SDL_Rect *last = out ? &spans[out - 1] : NULL;
			if (last && last->y == v.y && v.x <= last->x + last->w) {
				int end = v.x + v.w > last->x + last->w ? v.x + v.w : last->x + last->w;
				last->w = end - last->x;
			} else {
				spans[out++] = v;
			}
		}
		from = to;
	}
	*n = out;
}

static void fill_polygon(hall_render *r, const double *p, int n, hall_rgba c)
{
	size_t nspans = 0;
	if (c.a == 0 || polygon_spans(r, p, n, &nspans) != 0 || nspans == 0)
		return;
	set_color(r->renderer, c);
	SDL_RenderFillRects(r->renderer, r->spans, (int)nspans);
}

/* The spans gathered for a run of opaque shapes of one colour: joined and filled at once. */
static void fill_run(hall_render *r, size_t nspans, hall_rgba c)
{
	if (nspans == 0)
		return;
	merge_spans(r, r->spans, &nspans);
	set_color(r->renderer, c);
	SDL_RenderFillRects(r->renderer, r->spans, (int)nspans);
}

/* Thick lines are a quad and, from 3 px, round caps (so a polyline of segments, the
 * river or a chart line, has no notches at its joints), each filled as spans like a
 * polygon: SDL_RenderGeometry's software triangles tested every pixel of a segment's
 * bounding box, the spans touch only the line's own rows. */
enum { CAP_SIDES = 12 };

/* The shapes of a thick line: the quad (4 points) and *ncaps caps (CAP_SIDES points
 * each). Returns 0 for a line of no length. */
static int line_shapes(const hall_dl_item *it, double quad[8], double caps[2][2 * CAP_SIDES], int *ncaps)
{
	int x0 = it->rect.x, y0 = it->rect.y, x1 = it->rect.x + it->rect.w, y1 = it->rect.y + it->rect.h;
	int width = it->border_px;
	double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
	*ncaps = 0;
	if (len <= 0)
		return 0;
	double nx = -dy / len * width / 2.0, ny = dx / len * width / 2.0;
	double q[8] = {x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny};
	memcpy(quad, q, sizeof(q));
	if (width >= 3) {
		double rad = width / 2.0;
		for (int e = 0; e < 2; e++) {
			double cx = e ? x1 : x0, cy = e ? y1 : y0;
			for (int i = 0; i < CAP_SIDES; i++) {
				double a = 2.0 * M_PI * i / CAP_SIDES;
				caps[e][2 * i] = cx + rad * cos(a);
				caps[e][2 * i + 1] = cy + rad * sin(a);
			}
		}
		*ncaps = 2;
	}
	return 1;
}

static int thick_opaque_line(const hall_dl_item *it)
{
	return it->kind == HALL_DL_LINE && it->border_px >= 2 && it->color.a == 255;
}

/* Draws item i, a line, and returns the index of the last item drawn: a run of opaque
 * thick lines of one colour (a map's boundaries, a river) goes in one fill call, their
 * overlaps painted twice in the same colour. A translucent line's quad and caps are
 * filled apart, as the triangles were. */
static size_t draw_lines(hall_render *r, const hall_dl *dl, size_t i)
{
	const hall_dl_item *it = hall_dl_at(dl, i);
	double quad[8], caps[2][2 * CAP_SIDES];
	int ncaps;
	if (it->border_px <= 1) {
		set_color(r->renderer, it->color);
		SDL_RenderDrawLine(r->renderer, it->rect.x, it->rect.y, it->rect.x + it->rect.w, it->rect.y + it->rect.h);
		return i;
	}
	if (!thick_opaque_line(it)) {
		if (line_shapes(it, quad, caps, &ncaps)) {
			fill_polygon(r, quad, 4, it->color);
			for (int e = 0; e < ncaps; e++)
				fill_polygon(r, caps[e], CAP_SIDES, it->color);
		}
		return i;
	}
	size_t last = i, n = hall_dl_count(dl), nspans = 0;
	while (last + 1 < n) {
		const hall_dl_item *nx = hall_dl_at(dl, last + 1);
		if (!thick_opaque_line(nx) || memcmp(&nx->color, &it->color, sizeof(it->color)) != 0)
			break;
		last++;
	}
	for (size_t k = i; k <= last; k++) {
		if (!line_shapes(hall_dl_at(dl, k), quad, caps, &ncaps))
			continue;
		if (polygon_spans(r, quad, 4, &nspans) != 0)
			return last;
		for (int e = 0; e < ncaps; e++)
			if (polygon_spans(r, caps[e], CAP_SIDES, &nspans) != 0)
				return last;
	}
	fill_run(r, nspans, it->color);
	return last;
}

/* The item's points as doubles in r->pts; 0 when it draws nothing. */
static int polygon_points(hall_render *r, const hall_dl_item *it)
{
	int n = it->npoints;
	if (n < 3 || !it->points || it->color.a == 0)
		return 0;
	if (grow((void **)&r->pts, &r->pts_cap, 2 * (size_t)n, sizeof(double)) != 0)
		return 0;
	for (int i = 0; i < 2 * n; i++)
		r->pts[i] = it->points[i];
	return n;
}

/* Draws item i, a polygon, and returns the index of the last item drawn: a run of opaque
 * polygons of one colour (a map's districts) is filled in one call with its spans
 * joined; a translucent one alone, so each of its pixels blends once. */
static size_t draw_polygons(hall_render *r, const hall_dl *dl, size_t i)
{
	const hall_dl_item *it = hall_dl_at(dl, i);
	int n = polygon_points(r, it);
	if (it->color.a != 255) {
		if (n)
			fill_polygon(r, r->pts, n, it->color);
		return i;
	}
	size_t last = i, count = hall_dl_count(dl), nspans = 0;
	while (last + 1 < count) {
		const hall_dl_item *nx = hall_dl_at(dl, last + 1);
		if (nx->kind != HALL_DL_POLYGON || memcmp(&nx->color, &it->color, sizeof(it->color)) != 0)
			break;
		last++;
	}
	for (size_t k = i; k <= last; k++) {
		n = k == i ? n : polygon_points(r, hall_dl_at(dl, k));
		if (n && polygon_spans(r, r->pts, n, &nspans) != 0)
			return last;
	}
	fill_run(r, nspans, it->color);
	return last;
}

/* 1 when item it is an opaque box over the whole viewport (a screen's background):
 * then clearing first would only be painted over. */
static int covers_viewport(hall_render *r, const hall_dl_item *it)
{
	SDL_Rect vp;
	SDL_RenderGetViewport(r->renderer, &vp);
	return it->kind == HALL_DL_BOX && it->color.a == 255 && it->radius_px <= 0 && it->rect.x <= 0 &&
	       it->rect.y <= 0 && it->rect.x + it->rect.w >= vp.w && it->rect.y + it->rect.h >= vp.h;
}

void hall_render_defer_until(hall_render *r, Uint64 deadline)
{
	if (r)
		r->defer_deadline = deadline;
}

int hall_render_incomplete(const hall_render *r)
{
	return r ? r->incomplete : 0;
}

/* After a draw: a picture the thread decoded that this draw did not ask for (the screen
 * moved on) is thrown away, so the thread is free for the next one asked. */
static void decoder_draw_end(decoder *d)
{
	if (!d->thread)
		return;
	SDL_LockMutex(d->mu);
	if (d->state == DEC_DONE && !d->wanted)
		decoder_clear(d);
	d->wanted = 0;
	SDL_UnlockMutex(d->mu);
}

void hall_render_draw(hall_render *r, const hall_dl *dl, hall_rgba bg)
{
	size_t n = hall_dl_count(dl);
	r->draws++;
	r->incomplete = 0;
	hall_ttf_draw_begin(r->text);
	hall_ttf_defer_until(r->text, r->defer_deadline);
	unsigned long deferred_before = hall_ttf_deferred(r->text);
	if (n == 0 || !covers_viewport(r, hall_dl_at(dl, 0))) {
		SDL_SetRenderDrawBlendMode(r->renderer, SDL_BLENDMODE_NONE);
		set_color(r->renderer, bg);
		SDL_RenderClear(r->renderer);
	}
	SDL_SetRenderDrawBlendMode(r->renderer, SDL_BLENDMODE_BLEND);
	for (size_t i = 0; i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		switch (it->kind) {
		case HALL_DL_BOX: draw_box(r, it); break;
		case HALL_DL_TEXT: draw_text(r, it); break;
		case HALL_DL_IMAGE: draw_image(r, it); break;
		case HALL_DL_LINE: i = draw_lines(r, dl, i); break;
		case HALL_DL_POLYGON: i = draw_polygons(r, dl, i); break;
		case HALL_DL_HIT: break; /* the focus ring is in the list (hall_ui_finish) */
		}
	}
	if (hall_ttf_deferred(r->text) != deferred_before)
		r->incomplete = 1;
	hall_ttf_defer_until(r->text, 0);
	hall_ttf_draw_end(r->text);
	decoder_draw_end(&r->dec);
}

void hall_render_warm(hall_render *r, const hall_dl_item *it)
{
	int w, h;
	if (!r || !it)
		return;
	if (it->kind == HALL_DL_TEXT)
		hall_ttf_texture(r->text, it->text, it->font_px, it->lang, it->bold, it->color, &w, &h);
	else if (it->kind == HALL_DL_IMAGE && it->image[0] && it->rect.w > 0 && it->rect.h > 0 &&
	         it->rect.w <= IMG_MAX_SIDE && it->rect.h <= IMG_MAX_SIDE) {
		int pending;
		r->warming = 1;
		get_image(r, it->image, it->rect.w, it->rect.h, it->fill ? 1 : 0, &pending);
		r->warming = 0;
	}
}

SDL_Surface *hall_render_read_surface(SDL_Renderer *renderer)
{
	/* SDL_RenderReadPixels(NULL rect) reads the viewport in output pixels: with a logical
	 * size that is the letterboxed picture, so size the surface from the viewport. */
	int w = 0, h = 0;
	if (SDL_GetRendererOutputSize(renderer, &w, &h) != 0)
		return NULL;
	int lw = 0, lh = 0;
	SDL_RenderGetLogicalSize(renderer, &lw, &lh);
	if (lw > 0 && lh > 0) {
		SDL_Rect vp;
		float sx = 1, sy = 1;
		SDL_RenderGetViewport(renderer, &vp);
		SDL_RenderGetScale(renderer, &sx, &sy);
		w = (int)(vp.w * sx);
		h = (int)(vp.h * sy);
	}
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGBA32);
	if (!s)
		return NULL;
	if (SDL_RenderReadPixels(renderer, NULL, SDL_PIXELFORMAT_RGBA32, s->pixels, s->pitch) != 0) {
		SDL_FreeSurface(s);
		return NULL;
	}
	return s;
}

/* A growable in-memory SDL_RWops for writing the PNG before the atomic file write. */
typedef struct membuf {
	unsigned char *data;
	size_t len, cap;
} membuf;

static size_t SDLCALL mem_write(SDL_RWops *ctx, const void *ptr, size_t size, size_t num)
{
	membuf *m = ctx->hidden.unknown.data1;
	size_t n = size * num;
	if (grow((void **)&m->data, &m->cap, m->len + n, 1) != 0)
		return 0;
	memcpy(m->data + m->len, ptr, n);
	m->len += n;
	return num;
}

static Sint64 SDLCALL mem_size(SDL_RWops *ctx)
{
	membuf *m = ctx->hidden.unknown.data1;
	return (Sint64)m->len;
}

static Sint64 SDLCALL mem_seek(SDL_RWops *ctx, Sint64 offset, int whence)
{
	membuf *m = ctx->hidden.unknown.data1;
	/* libpng only asks where it is; writes are sequential */
	if (whence == RW_SEEK_CUR && offset == 0)
		return (Sint64)m->len;
	if (whence == RW_SEEK_END && offset == 0)
		return (Sint64)m->len;
	return SDL_SetError("membuf: seek not supported");
}

static int SDLCALL mem_close(SDL_RWops *ctx)
{
	SDL_FreeRW(ctx);
	return 0;
}

hall_err hall_render_png(SDL_Renderer *renderer, unsigned char **out, size_t *out_len, hall_error *err)
{
	hall_err rc = HALL_OK;
	membuf m = {0};
	*out = NULL;
	*out_len = 0;
	SDL_Surface *s = hall_render_read_surface(renderer);
	if (!s) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "cannot read the screen: %s", SDL_GetError());
		goto done;
	}
	static const SDL_RWops mem_ops = {.size = mem_size, .seek = mem_seek, .write = mem_write, .close = mem_close,
	                                  .type = SDL_RWOPS_UNKNOWN};
	SDL_RWops *rw = SDL_AllocRW();
	if (!rw) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
		goto done;
	}
	*rw = mem_ops;
	rw->hidden.unknown.data1 = &m;
	if (IMG_SavePNG_RW(s, rw, 1) != 0 || m.len == 0) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "PNG encoding failed: %s", IMG_GetError());
		goto done;
	}
	*out = m.data;
	*out_len = m.len;
	m.data = NULL;
done:
	free(m.data);
	if (s)
		SDL_FreeSurface(s);
	return rc;
}

hall_err hall_render_save_png(SDL_Renderer *renderer, const char *path, hall_error *err)
{
	unsigned char *png = NULL;
	size_t len = 0;
	hall_err rc = hall_render_png(renderer, &png, &len, err);
	if (rc == HALL_OK)
		rc = hall_fs_write_atomic(path, png, len, err);
	else if (err)
		snprintf(err->path, sizeof(err->path), "%s", path);
	free(png);
	return rc;
}
