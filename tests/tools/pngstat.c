/* tests/tools/pngstat.c: facts about a screenshot, for tests that must judge a picture.
 *
 * It replaces a pure-Python reader that spent 1.7 s of CPU on each 1920x1080 shot
 * (unfiltering libpng's rows byte by byte), which made test_kiosk_exhibit_shots the
 * longest test of the suite. The figures and their meaning are unchanged:
 *
 *   hall-pngstat FILE          width height distinct_colours fraction_unlike_the_corner
 *   hall-pngstat --detail FILE...   one JSON object per file, one a line:
 *     colours     distinct colours (sampled: every step-th pixel of each row)
 *     drawn       fraction of sampled pixels unlike the most common colour (the background)
 *     edges       high-contrast edges found along every other row (luminance steps >= 96)
 *     text_tiles  64x64 tiles holding text-like strokes: at least 6 pairs of such edges
 *                 2..24 px apart (a glyph's stroke), on at least 3 different rows
 *     digest      SHA-256 of the decoded RGBA pixels (two screens alike, one digest)
 *
 * Pictures are decoded with SDL2_image, the library the kiosk writes them with. */
#include <SDL.h>
#include <SDL_image.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/sha256.h"

enum { TILE = 64, EDGE_STEP = 96, SAMPLE_PIXELS = 400000 };

typedef struct picture {
	int w, h;
	const uint8_t *px; /* RGBA, pitch w*4 */
	SDL_Surface *surface;
} picture;

static int picture_load(const char *path, picture *p)
{
	SDL_Surface *raw = IMG_Load(path);
	if (!raw) {
		fprintf(stderr, "hall-pngstat: %s: %s\n", path, IMG_GetError());
		return -1;
	}
	p->surface = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGBA32, 0);
	SDL_FreeSurface(raw);
	if (!p->surface || p->surface->pitch != p->surface->w * 4) {
		fprintf(stderr, "hall-pngstat: %s: cannot convert to RGBA\n", path);
		if (p->surface)
			SDL_FreeSurface(p->surface);
		return -1;
	}
	p->w = p->surface->w;
	p->h = p->surface->h;
	p->px = p->surface->pixels;
	return 0;
}

static uint32_t rgb_at(const picture *p, int x, int y)
{
	const uint8_t *q = p->px + ((size_t)y * (size_t)p->w + (size_t)x) * 4;
	return (uint32_t)q[0] << 16 | (uint32_t)q[1] << 8 | q[2];
}

/* A tiny open-addressing count table of 24-bit colours (the sample holds <= 400,000). */
typedef struct colour_counts {
	uint32_t *key; /* colour + 1; 0 = empty */
	uint32_t *count;
	size_t cap, used;
} colour_counts;

static int counts_init(colour_counts *c, size_t expect)
{
	c->cap = 1;
	while (c->cap < expect * 2)
		c->cap <<= 1;
	c->key = calloc(c->cap, sizeof(*c->key));
	c->count = calloc(c->cap, sizeof(*c->count));
	c->used = 0;
	return c->key && c->count ? 0 : -1;
}

static void counts_add(colour_counts *c, uint32_t rgb)
{
	size_t i = (rgb * 2654435761u) & (c->cap - 1);
	while (c->key[i] && c->key[i] != rgb + 1)
		i = (i + 1) & (c->cap - 1);
	if (!c->key[i]) {
		c->key[i] = rgb + 1;
		c->used++;
	}
	c->count[i]++;
}

static void counts_free(colour_counts *c)
{
	free(c->key);
	free(c->count);
}

static int sample_step(const picture *p)
{
	long s = (long)p->w * p->h / SAMPLE_PIXELS;
	return s > 1 ? (int)s : 1;
}

static int detail(const char *path)
{
	picture p;
	if (picture_load(path, &p) != 0)
		return -1;
	int step = sample_step(&p);
	size_t samples = (size_t)p.h * (size_t)((p.w + step - 1) / step);
	colour_counts cc;
	int tw = (p.w + TILE - 1) / TILE, th = (p.h + TILE - 1) / TILE;
	int *pairs = calloc((size_t)tw * th, sizeof(*pairs));
	int *rows_seen = calloc((size_t)tw * th, sizeof(*rows_seen)); /* distinct rows per tile */
	int *last_row = malloc((size_t)tw * th * sizeof(*last_row));
	int *lum = malloc((size_t)p.w * sizeof(*lum));
	if (counts_init(&cc, samples) != 0 || !pairs || !rows_seen || !last_row || !lum) {
		fprintf(stderr, "hall-pngstat: %s: out of memory\n", path);
		exit(1);
	}
	for (int i = 0; i < tw * th; i++)
		last_row[i] = -1;

	hall_sha256 sha;
	hall_sha256_init(&sha);
	for (int y = 0; y < p.h; y++) {
		hall_sha256_update(&sha, p.px + (size_t)y * (size_t)p.w * 4, (size_t)p.w * 4);
		for (int x = 0; x < p.w; x += step)
			counts_add(&cc, rgb_at(&p, x, y));
	}
	uint32_t most = 0;
	for (size_t i = 0; i < cc.cap; i++)
		if (cc.key[i] && cc.count[i] > most)
			most = cc.count[i];
	double drawn = 1.0 - (double)most / (double)(samples ? samples : 1);

	long edges = 0;
	for (int y = 0; y < p.h; y += 2) {
		for (int x = 0; x < p.w; x++) {
			uint32_t c = rgb_at(&p, x, y);
			lum[x] = (int)((77 * (c >> 16) + 150 * ((c >> 8) & 255) + 29 * (c & 255)) >> 8);
		}
		int last = -100, prev_edge = -100;
		for (int x = 2; x < p.w; x++) {
			if (abs(lum[x] - lum[x - 2]) < EDGE_STEP)
				continue;
			if (x - last > 2) { /* a new edge (anti-aliasing spreads one over ~2 px) */
				edges++;
				int gap = x - prev_edge;
				if (gap >= 2 && gap <= 24) {
					int t = (y / TILE) * tw + x / TILE;
					pairs[t]++;
					if (last_row[t] != y) { /* rows are visited in order */
						last_row[t] = y;
						rows_seen[t]++;
					}
				}
				prev_edge = x;
			}
			last = x;
		}
	}
	int text_tiles = 0;
	for (int i = 0; i < tw * th; i++)
		if (pairs[i] >= 6 && rows_seen[i] >= 3)
			text_tiles++;

	uint8_t d[32];
	char hex[65];
	hall_sha256_final(&sha, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	printf("{\"file\": \"%s\", \"width\": %d, \"height\": %d, \"colours\": %zu, \"drawn\": %.4f, "
	       "\"edges\": %ld, \"text_tiles\": %d, \"digest\": \"%s\"}\n",
	       path, p.w, p.h, cc.used, drawn, edges, text_tiles, hex);
	fflush(stdout);
	counts_free(&cc);
	free(pairs);
	free(rows_seen);
	free(last_row);
	free(lum);
	SDL_FreeSurface(p.surface);
	return 0;
}

static int summary(const char *path)
{
	picture p;
	if (picture_load(path, &p) != 0)
		return -1;
	int step = sample_step(&p);
	uint32_t corner = rgb_at(&p, 0, 0);
	colour_counts cc;
	if (counts_init(&cc, (size_t)p.w * (size_t)p.h / (size_t)step + 1) != 0) {
		fprintf(stderr, "hall-pngstat: %s: out of memory\n", path);
		exit(1);
	}
	long k = 0, total = 0, unlike = 0;
	for (int y = 0; y < p.h; y++)
		for (int x = 0; x < p.w; x++) {
			if (++k % step)
				continue;
			uint32_t c = rgb_at(&p, x, y);
			counts_add(&cc, c);
			total++;
			unlike += c != corner;
		}
	printf("%d %d %zu %.4f\n", p.w, p.h, cc.used, (double)unlike / (double)(total ? total : 1));
	counts_free(&cc);
	SDL_FreeSurface(p.surface);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "--detail") == 0 && argc < 3)) {
		fprintf(stderr, "usage: hall-pngstat FILE | hall-pngstat --detail FILE...\n");
		return 2;
	}
	int rc = 0;
	if (strcmp(argv[1], "--detail") == 0) {
		for (int i = 2; i < argc; i++)
			if (detail(argv[i]) != 0)
				rc = 1;
	} else if (summary(argv[1]) != 0) {
		rc = 1;
	}
	IMG_Quit();
	return rc;
}
