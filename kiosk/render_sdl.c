/* render_sdl.c: draws a hall_dl. Rounded boxes are drawn as horizontal spans (one
 * SDL_RenderFillRects call per colour), so are polygons (scanline, even-odd), thick lines
 * are SDL_RenderGeometry quads, images come from a small LRU cache of textures by path. */
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

typedef struct img_entry {
	char *path;
	SDL_Texture *tex; /* NULL: the file could not be loaded (remembered to log once) */
	int w, h;
	uint64_t used;
} img_entry;

struct hall_render {
	SDL_Renderer *renderer;
	hall_ttf *text;
	img_entry imgs[IMG_CACHE];
	size_t nimgs;
	uint64_t tick;
	unsigned long img_created;
	SDL_Rect *spans;       /* scratch for box spans */
	size_t spans_cap;
	double *xs;            /* scratch for polygon edge crossings of one row */
	size_t xs_cap;
	int img_up;
};

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
	*out = r;
	return HALL_OK;
}

void hall_render_destroy(hall_render *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nimgs; i++) {
		if (r->imgs[i].tex)
			SDL_DestroyTexture(r->imgs[i].tex);
		free(r->imgs[i].path);
	}
	free(r->spans);
	free(r->xs);
	if (r->img_up)
		IMG_Quit();
	free(r);
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
		set_color(r->renderer, c);
		SDL_RenderFillRect(r->renderer, &b);
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

static img_entry *get_image(hall_render *r, const char *path)
{
	r->tick++;
	for (size_t i = 0; i < r->nimgs; i++) {
		if (strcmp(r->imgs[i].path, path) == 0) {
			r->imgs[i].used = r->tick;
			return &r->imgs[i];
		}
	}
	img_entry *slot;
	if (r->nimgs < IMG_CACHE) {
		slot = &r->imgs[r->nimgs];
	} else {
		slot = &r->imgs[0];
		for (size_t i = 1; i < r->nimgs; i++)
			if (r->imgs[i].used < slot->used)
				slot = &r->imgs[i];
		if (slot->tex)
			SDL_DestroyTexture(slot->tex);
		free(slot->path);
		memset(slot, 0, sizeof(*slot));
	}
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	if (slot == &r->imgs[r->nimgs])
		r->nimgs++;
	slot->path = copy;
	slot->used = r->tick;
	slot->tex = IMG_LoadTexture(r->renderer, path);
	if (!slot->tex) {
		hall_warn("%s: cannot load image: %s", path, IMG_GetError());
		return slot;
	}
	r->img_created++;
	SDL_QueryTexture(slot->tex, NULL, NULL, &slot->w, &slot->h);
	SDL_SetTextureBlendMode(slot->tex, SDL_BLENDMODE_BLEND);
	return slot;
}

static void draw_image(hall_render *r, const hall_dl_item *it)
{
	SDL_Rect dst = {it->rect.x, it->rect.y, it->rect.w, it->rect.h};
	if (dst.w <= 0 || dst.h <= 0)
		return;
	img_entry *e = it->image[0] ? get_image(r, it->image) : NULL;
	if (!e || !e->tex || e->w <= 0 || e->h <= 0) {
		fill_rounded(r, dst, 0, 0, 0, (hall_rgba){128, 128, 128, 255});
		return;
	}
	double sx = (double)dst.w / e->w, sy = (double)dst.h / e->h;
	if (it->fill) {
		double s = sx > sy ? sx : sy;
		SDL_Rect src = {0, 0, (int)(dst.w / s + 0.5), (int)(dst.h / s + 0.5)};
		src.w = src.w > e->w ? e->w : src.w;
		src.h = src.h > e->h ? e->h : src.h;
		src.x = (e->w - src.w) / 2;
		src.y = (e->h - src.h) / 2;
		SDL_RenderCopy(r->renderer, e->tex, &src, &dst);
	} else {
		double s = sx < sy ? sx : sy;
		int w = (int)(e->w * s + 0.5), h = (int)(e->h * s + 0.5);
		SDL_Rect d = {dst.x + (dst.w - w) / 2, dst.y + (dst.h - h) / 2, w, h};
		SDL_RenderCopy(r->renderer, e->tex, NULL, &d);
	}
}

static SDL_Color sdl_color(hall_rgba c)
{
	return (SDL_Color){c.r, c.g, c.b, c.a};
}

static void draw_line(hall_render *r, const hall_dl_item *it)
{
	int x0 = it->rect.x, y0 = it->rect.y, x1 = it->rect.x + it->rect.w, y1 = it->rect.y + it->rect.h;
	int width = it->border_px > 0 ? it->border_px : 1;
	if (width == 1) {
		set_color(r->renderer, it->color);
		SDL_RenderDrawLine(r->renderer, x0, y0, x1, y1);
		return;
	}
	double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
	if (len <= 0)
		return;
	double nx = -dy / len * width / 2.0, ny = dx / len * width / 2.0;
	SDL_Color c = sdl_color(it->color);
	set_color(r->renderer, it->color);
	SDL_Vertex v[4] = {
		{{(float)(x0 + nx), (float)(y0 + ny)}, c, {0, 0}},
		{{(float)(x1 + nx), (float)(y1 + ny)}, c, {0, 0}},
		{{(float)(x1 - nx), (float)(y1 - ny)}, c, {0, 0}},
		{{(float)(x0 - nx), (float)(y0 - ny)}, c, {0, 0}},
	};
	static const int quad[6] = {0, 1, 2, 0, 2, 3};
	SDL_RenderGeometry(r->renderer, NULL, v, 4, quad, 6);
	/* round caps, so a polyline of segments (the river, chart lines) has no notches at
	 * its joints */
	if (width >= 3) {
		enum { SIDES = 12 };
		SDL_Vertex cap[SIDES + 1];
		int idx[SIDES * 3];
		double rad = width / 2.0;
		for (int e = 0; e < 2; e++) {
			double cx = e ? x1 : x0, cy = e ? y1 : y0;
			cap[0] = (SDL_Vertex){{(float)cx, (float)cy}, c, {0, 0}};
			for (int i = 0; i < SIDES; i++) {
				double a = 2.0 * M_PI * i / SIDES;
				cap[i + 1] = (SDL_Vertex){{(float)(cx + rad * cos(a)), (float)(cy + rad * sin(a))}, c, {0, 0}};
				idx[3 * i] = 0;
				idx[3 * i + 1] = i + 1;
				idx[3 * i + 2] = (i + 1) % SIDES + 1;
			}
			SDL_RenderGeometry(r->renderer, NULL, cap, SIDES + 1, idx, SIDES * 3);
		}
	}
}

/* Polygons are filled as horizontal spans (even-odd rule, a pixel is in when its centre
 * is), one SDL_RenderFillRects call per polygon: the software renderer's triangle
 * rasteriser (SDL_RenderGeometry) cost about 5 ms a frame for the city map's 25
 * districts, the spans well under 1 ms. The spans of one polygon never overlap, so a
 * translucent fill blends each pixel once, as a triangle fill did. */
static void draw_polygon(hall_render *r, const hall_dl_item *it)
{
	int n = it->npoints;
	const int *p = it->points;
	if (n < 3 || !p || it->color.a == 0)
		return;
	int ymin = p[1], ymax = p[1];
	for (int i = 1; i < n; i++) {
		ymin = p[2 * i + 1] < ymin ? p[2 * i + 1] : ymin;
		ymax = p[2 * i + 1] > ymax ? p[2 * i + 1] : ymax;
	}
	/* rows outside the viewport are not drawn: bounds the work for wild coordinates */
	SDL_Rect vp;
	SDL_RenderGetViewport(r->renderer, &vp);
	ymin = ymin < 0 ? 0 : ymin;
	ymax = ymax > vp.h ? vp.h : ymax;
	if (ymax <= ymin)
		return;
	if (grow((void **)&r->xs, &r->xs_cap, (size_t)n, sizeof(double)) != 0)
		return;
	size_t nspans = 0;
	for (int y = ymin; y < ymax; y++) {
		double yc = y + 0.5;
		int nx = 0;
		for (int i = 0; i < n; i++) {
			int j = (i + 1) % n;
			double y0 = p[2 * i + 1], y1 = p[2 * j + 1];
			if ((yc >= y0 && yc < y1) || (yc >= y1 && yc < y0)) {
				double x0 = p[2 * i], x1 = p[2 * j];
				double x = x0 + (yc - y0) * (x1 - x0) / (y1 - y0);
				int k = nx++;
				while (k > 0 && r->xs[k - 1] > x) { /* insertion sort: a row has few crossings */
					r->xs[k] = r->xs[k - 1];
					k--;
				}
				r->xs[k] = x;
			}
		}
		if (grow((void **)&r->spans, &r->spans_cap, nspans + (size_t)nx / 2 + 1, sizeof(SDL_Rect)) != 0)
			return;
		for (int k = 0; k + 1 < nx; k += 2) {
			/* pixels whose centre x + 0.5 lies in [xs[k], xs[k + 1]) */
			int x0 = (int)ceil(r->xs[k] - 0.5), x1 = (int)ceil(r->xs[k + 1] - 0.5);
			if (x1 > x0)
				r->spans[nspans++] = (SDL_Rect){x0, y, x1 - x0, 1};
		}
	}
	set_color(r->renderer, it->color);
	SDL_RenderFillRects(r->renderer, r->spans, (int)nspans);
}

void hall_render_draw(hall_render *r, const hall_dl *dl, hall_rgba bg)
{
	SDL_SetRenderDrawBlendMode(r->renderer, SDL_BLENDMODE_NONE);
	set_color(r->renderer, bg);
	SDL_RenderClear(r->renderer);
	SDL_SetRenderDrawBlendMode(r->renderer, SDL_BLENDMODE_BLEND);
	size_t n = hall_dl_count(dl);
	for (size_t i = 0; i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		switch (it->kind) {
		case HALL_DL_BOX: draw_box(r, it); break;
		case HALL_DL_TEXT: draw_text(r, it); break;
		case HALL_DL_IMAGE: draw_image(r, it); break;
		case HALL_DL_LINE: draw_line(r, it); break;
		case HALL_DL_POLYGON: draw_polygon(r, it); break;
		case HALL_DL_HIT: break; /* the focus ring is in the list (hall_ui_finish) */
		}
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
	SDL_RWops *rw = SDL_AllocRW();
	if (!rw) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
		goto done;
	}
	rw->type = SDL_RWOPS_UNKNOWN;
	rw->size = mem_size;
	rw->seek = mem_seek;
	rw->write = mem_write;
	rw->read = NULL;
	rw->close = mem_close;
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
