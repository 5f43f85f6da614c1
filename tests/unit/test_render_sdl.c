/* test_render_sdl.c: draws display lists with SDL's software renderer into a surface and
 * checks pixels: box colours, borders and rounded corners, text in every language (and
 * the regional face), images, polygons, lines, the focus ring, the texture cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <SDL.h>
#include <SDL_image.h>

#include "displaylist.h"
#include "fixtures.h"
#include "render_sdl.h"
#include "text_sdl.h"

#define W 640
#define H 400

typedef struct fx {
	SDL_Surface *target;
	SDL_Renderer *ren;
	hall_ttf *text;
	hall_render *render;
	hall_dl *dl;
} fx;

static const hall_rgba BG = {240, 240, 240, 255};
static const hall_rgba RED = {200, 30, 30, 255};
static const hall_rgba BLUE = {20, 40, 200, 255};
static const hall_rgba BLACK = {0, 0, 0, 255};

static int setup(void **state)
{
	static fx f;
	memset(&f, 0, sizeof(f));
	hall_error err = {{0}, {0}};
	f.target = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_RGBA32);
	assert_non_null(f.target);
	f.ren = SDL_CreateSoftwareRenderer(f.target);
	assert_non_null(f.ren);
	assert_int_equal(hall_ttf_create(f.ren, NULL, NULL, &f.text, &err), HALL_OK);
	assert_int_equal(hall_render_create(f.ren, f.text, &f.render, &err), HALL_OK);
	f.dl = hall_dl_create();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hall_dl_destroy(f->dl);
	hall_render_destroy(f->render);
	hall_ttf_destroy(f->text);
	SDL_DestroyRenderer(f->ren);
	SDL_FreeSurface(f->target);
	return 0;
}

static hall_rgba px(fx *f, int x, int y)
{
	const uint8_t *p = (const uint8_t *)f->target->pixels + y * f->target->pitch + x * 4;
	return (hall_rgba){p[0], p[1], p[2], p[3]};
}

static int same(hall_rgba a, hall_rgba b)
{
	return abs(a.r - b.r) <= 2 && abs(a.g - b.g) <= 2 && abs(a.b - b.b) <= 2;
}

static void draw(fx *f)
{
	hall_render_draw(f->render, f->dl, BG);
	SDL_RenderPresent(f->ren);
}

/* Pixels in r that differ from the background. */
static int ink(fx *f, hall_rect r)
{
	int n = 0;
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			n += !same(px(f, x, y), BG);
	return n;
}

static void box_should_fill_its_rect_with_border_and_round_corners(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_item *b = hall_dl_box(f->dl, (hall_rect){100, 100, 200, 100}, RED);
	b->border = BLUE;
	b->border_px = 4;
	b->radius_px = 20;
	hall_dl_box(f->dl, (hall_rect){400, 50, 50, 50}, BLUE);
	draw(f);
	assert_true(same(px(f, 200, 150), RED));    /* inside */
	assert_true(same(px(f, 200, 101), BLUE));   /* top border */
	assert_true(same(px(f, 101, 150), BLUE));   /* left border */
	assert_true(same(px(f, 100, 100), BG));     /* rounded corner is cut */
	assert_true(same(px(f, 299, 199), BG));
	assert_true(same(px(f, 99, 150), BG));      /* outside */
	assert_true(same(px(f, 400, 50), BLUE));    /* square box reaches its corner */
	assert_true(same(px(f, 449, 99), BLUE));
	assert_true(same(px(f, 450, 100), BG));
}

static void translucent_box_should_blend_with_what_is_below(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){0, 0, 100, 100}, (hall_rgba){0, 0, 0, 255});
	hall_dl_box(f->dl, (hall_rect){0, 0, 100, 100}, (hall_rgba){255, 255, 255, 128});
	draw(f);
	hall_rgba c = px(f, 50, 50);
	assert_true(c.r > 100 && c.r < 160);
}

static void text_should_draw_pixels_in_every_language(void **state)
{
	fx *f = *state;
	const char *texts[HALL_LANG_COUNT] = {"시민청", "Citizen Hall", "市民厅", "市民廳", "市民庁"};
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		hall_dl_clear(f->dl);
		hall_dl_text(f->dl, (hall_rect){20, 20, 400, 80}, texts[l], 48, (hall_lang)l, BLACK, BG);
		draw(f);
		int n = ink(f, (hall_rect){20, 20, 400, 80});
		assert_true(n > 200);
		assert_int_equal(ink(f, (hall_rect){0, 150, W, 50}), 0); /* nothing outside */
	}
}

/* The same Han character differs between the regional faces: "直" is a classic. */
static void text_should_use_the_face_of_its_language(void **state)
{
	fx *f = *state;
	static uint8_t shot[2][120 * 120 * 4];
	hall_lang langs[2] = {HALL_LANG_JA, HALL_LANG_ZH_HANS};
	for (int i = 0; i < 2; i++) {
		hall_dl_clear(f->dl);
		hall_dl_text(f->dl, (hall_rect){10, 10, 100, 100}, "直", 96, langs[i], BLACK, BG);
		draw(f);
		for (int y = 0; y < 120; y++)
			memcpy(shot[i] + y * 120 * 4, (uint8_t *)f->target->pixels + y * f->target->pitch, 120 * 4);
	}
	assert_true(memcmp(shot[0], shot[1], sizeof(shot[0])) != 0);
	assert_int_equal(hall_ttf_face_index(HALL_LANG_KO), 1);
	assert_int_equal(hall_ttf_face_index(HALL_LANG_EN), 1);
	assert_int_equal(hall_ttf_face_index(HALL_LANG_JA), 0);
	assert_int_equal(hall_ttf_face_index(HALL_LANG_ZH_HANS), 2);
	assert_int_equal(hall_ttf_face_index(HALL_LANG_ZH_HANT), 3);
}

static void steady_frames_should_create_no_textures(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_text(f->dl, (hall_rect){20, 20, 400, 60}, "서울, 마이 소울", 40, HALL_LANG_KO, BLACK, BG);
	hall_dl_item *b = hall_dl_text(f->dl, (hall_rect){20, 100, 400, 60}, "Seoul, my soul", 40, HALL_LANG_EN, BLUE, BG);
	b->bold = 1;
	draw(f);
	unsigned long before = hall_render_textures_created(f->render);
	assert_true(before >= 2);
	for (int i = 0; i < 5; i++)
		draw(f);
	assert_int_equal(hall_render_textures_created(f->render), before);
	/* a different colour is a different texture */
	hall_dl_text(f->dl, (hall_rect){20, 200, 400, 60}, "Seoul, my soul", 40, HALL_LANG_EN, RED, BG);
	draw(f);
	assert_int_equal(hall_render_textures_created(f->render), before + 1);
}

static void measure_should_match_the_drawn_width(void **state)
{
	fx *f = *state;
	int w = 0, h = 0;
	assert_int_equal(hall_ttf_measure(f->text, "Seoul", 5, 40, HALL_LANG_EN, 0, &w, &h), 0);
	assert_true(w > 40 && h >= 40);
	int tw = 0, th = 0;
	assert_non_null(hall_ttf_texture(f->text, "Seoul", 40, HALL_LANG_EN, 0, BLACK, &tw, &th));
	assert_int_equal(tw, w);
	assert_int_equal(th, h);
	/* measuring a range measures only the range */
	int w2 = 0;
	assert_int_equal(hall_ttf_measure(f->text, "Seoul, my soul", 5, 40, HALL_LANG_EN, 0, &w2, &h), 0);
	assert_int_equal(w2, w);
}

/* One open font per face and weight serves every size: opening one per size turned the
 * six slots over and reopened faces 283 times in a run of bench/kiosk. The sizes stay
 * right when sizes alternate. */
static void one_font_should_serve_every_size(void **state)
{
	fx *f = *state;
	hall_ttf_cost c0, c1;
	hall_ttf_get_cost(f->text, &c0);
	int first[12] = {0}, w = 0, h = 0;
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 12; i++) {
			char s[32];
			snprintf(s, sizeof(s), "Seoul %d %d", round, i);
			assert_int_equal(hall_ttf_measure(f->text, s, 5, 20 + 8 * i, HALL_LANG_EN, 0, &w, &h), 0);
			assert_true(h >= 20 + 8 * i);
			if (round == 0)
				first[i] = w;
			else
				assert_int_equal(w, first[i]);
			assert_non_null(hall_ttf_texture(f->text, s, 20 + 8 * i, HALL_LANG_EN, 0, BLACK, &w, &h));
		}
	hall_ttf_get_cost(f->text, &c1);
	assert_true(c1.font_opens - c0.font_opens <= 1);
}

static void polygon_should_fill_a_concave_shape(void **state)
{
	fx *f = *state;
	/* an L: the notch at the top right must stay empty */
	int pts[] = {100, 100, 160, 100, 160, 200, 300, 200, 300, 260, 100, 260};
	hall_dl_clear(f->dl);
	hall_dl_polygon(f->dl, pts, 6, RED);
	draw(f);
	assert_true(same(px(f, 130, 150), RED));
	assert_true(same(px(f, 250, 230), RED));
	assert_true(same(px(f, 250, 150), BG));
}

static void thick_line_should_cover_its_width(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_line(f->dl, 50, 300, 350, 300, BLUE, 6);
	hall_dl_line(f->dl, 50, 350, 350, 350, RED, 1);
	draw(f);
	assert_true(same(px(f, 200, 298), BLUE));
	assert_true(same(px(f, 200, 301), BLUE));
	assert_true(same(px(f, 200, 306), BG));
	assert_true(same(px(f, 351, 300), BLUE)); /* round cap past the end point */
	assert_true(same(px(f, 356, 300), BG));
	assert_true(same(px(f, 200, 350), RED));
}

/* The focus ring is a box with a zero-alpha fill and a border (hall_ui_finish): only the
 * border may be drawn, the control inside it stays as it is; a HIT draws nothing. */
static void ring_box_should_draw_only_its_border(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){100, 100, 120, 60}, BLUE);
	hall_dl_item *h = hall_dl_hit(f->dl, (hall_rect){100, 100, 120, 60}, "b", HALL_ROLE_BUTTON, "B");
	h->focused = 1;
	draw(f);
	assert_int_equal(ink(f, (hall_rect){90, 90, 140, 10}), 0); /* a HIT alone draws no ring */
	hall_dl_item *ring = hall_dl_box(f->dl, (hall_rect){92, 92, 136, 76}, (hall_rgba){0, 0, 0, 0});
	ring->border = RED;
	ring->border_px = 5;
	ring->radius_px = 10;
	draw(f);
	assert_true(same(px(f, 160, 94), RED));  /* the border */
	assert_true(same(px(f, 160, 98), BG));   /* between border and control: untouched */
	assert_true(same(px(f, 160, 130), BLUE)); /* the control inside: untouched */
	assert_true(same(px(f, 105, 105), BLUE));
}

/* A 20 x 10 PNG with alpha at path: the left half RED, the right half `right`. */
static void write_halves_png(const char *path, hall_rgba right)
{
	SDL_Surface *img = SDL_CreateRGBSurfaceWithFormat(0, 20, 10, 32, SDL_PIXELFORMAT_RGBA32);
	assert_non_null(img);
	SDL_FillRect(img, &(SDL_Rect){0, 0, 10, 10}, SDL_MapRGBA(img->format, RED.r, RED.g, RED.b, RED.a));
	SDL_FillRect(img, &(SDL_Rect){10, 0, 10, 10}, SDL_MapRGBA(img->format, right.r, right.g, right.b, right.a));
	assert_int_equal(IMG_SavePNG(img, path), 0);
	SDL_FreeSurface(img);
}

static void image_should_fit_or_fill_and_missing_files_draw_a_placeholder(void **state)
{
	fx *f = *state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof(dir), "render");
	snprintf(path, sizeof(path), "%s/red.png", dir);
	write_halves_png(path, BLUE); /* red left half, blue right half */

	hall_dl_clear(f->dl);
	hall_dl_image(f->dl, (hall_rect){0, 0, 200, 200}, path, 0);   /* fit: 200 x 100, centred */
	hall_dl_image(f->dl, (hall_rect){300, 0, 100, 100}, path, 1); /* fill: crops the middle */
	hall_dl_image(f->dl, (hall_rect){450, 0, 50, 50}, "/nonexistent/x.png", 0);
	draw(f);
	assert_true(same(px(f, 50, 100), RED));
	assert_true(same(px(f, 150, 100), BLUE));
	assert_true(same(px(f, 100, 20), BG));   /* letterbox above */
	assert_true(same(px(f, 320, 50), RED));
	assert_true(same(px(f, 380, 50), BLUE));
	assert_true(same(px(f, 475, 25), (hall_rgba){128, 128, 128, 255}));
	hall_test_rmtree(dir);
}

static void warmed_items_should_draw_without_making_textures(void **state)
{
	fx *f = *state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof(dir), "warm");
	snprintf(path, sizeof(path), "%s/half.png", dir);
	write_halves_png(path, (hall_rgba){0, 0, 0, 0}); /* red left half, clear right half */

	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){0, 0, W, H}, BG);
	hall_dl_image(f->dl, (hall_rect){0, 0, 200, 100}, path, 0);
	hall_dl_text(f->dl, (hall_rect){10, 200, 300, 40}, "Warm 따뜻한", 28, HALL_LANG_KO, BLACK, BG);
	unsigned long before = hall_render_textures_created(f->render);
	for (size_t i = 0; i < hall_dl_count(f->dl); i++)
		hall_render_warm(f->render, hall_dl_at(f->dl, i));
	unsigned long warmed = hall_render_textures_created(f->render);
	assert_int_equal(warmed - before, 2); /* the image at its size, the text */
	draw(f);
	assert_int_equal(hall_render_textures_created(f->render), warmed);
	assert_true(same(px(f, 50, 50), RED));
	assert_true(same(px(f, 150, 50), BG)); /* the clear half blends to the background */
	int ink = 0;
	for (int x = 10; x < 200; x++)
		ink += px(f, x, 220).r < 100;
	assert_true(ink > 0);
	/* the same image at another size is another texture, scaled right */
	hall_dl_image(f->dl, (hall_rect){300, 0, 100, 50}, path, 0);
	draw(f);
	assert_int_equal(hall_render_textures_created(f->render), warmed + 1);
	assert_true(same(px(f, 320, 25), RED));
	assert_true(same(px(f, 380, 25), BG));
	draw(f);
	assert_int_equal(hall_render_textures_created(f->render), warmed + 1);
	hall_test_rmtree(dir);
}

/* Warming (screens one tap away) must not push out a picture that was drawn: on the
 * policy list the eight cards one tap away used to evict home's tiles and the brand
 * picture from the 3 Mpx image cache, so every return decoded them again. Warming takes
 * only free room and the room of pictures it warmed itself that were never drawn. */
static void warming_should_not_evict_a_drawn_image(void **state)
{
	fx *f = *state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof(dir), "warm-evict");
	snprintf(path, sizeof(path), "%s/half.png", dir);
	write_halves_png(path, BLUE);
	hall_dl_clear(f->dl);
	hall_dl_image(f->dl, (hall_rect){0, 0, 1500, 1000}, path, 1); /* 1.5 Mpx, drawn */
	draw(f);
	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){0, 0, W, H}, BG); /* another screen: the picture is not on it */
	draw(f);
	hall_dl *warm = hall_dl_create();
	for (int i = 0; i < 4; i++) /* 4 Mpx of pictures one tap away */
		hall_dl_image(warm, (hall_rect){0, 0, 1000 + i, 1000}, path, 1);
	for (size_t i = 0; i < hall_dl_count(warm); i++)
		hall_render_warm(f->render, hall_dl_at(warm, i));
	hall_dl_destroy(warm);
	unsigned long before = hall_render_textures_created(f->render);
	hall_dl_clear(f->dl);
	hall_dl_image(f->dl, (hall_rect){0, 0, 1500, 1000}, path, 1);
	draw(f);
	assert_int_equal(hall_render_textures_created(f->render), before); /* still cached: no decode */
	hall_test_rmtree(dir);
}

static void translucent_thick_line_should_blend(void **state)
{
	fx *f = *state;
	hall_dl_clear(f->dl);
	hall_dl_line(f->dl, 20, 50, 300, 50, (hall_rgba){0, 0, 0, 128}, 10);
	hall_dl_line(f->dl, 20, 150, 300, 150, BLUE, 10);
	hall_dl_line(f->dl, 300, 150, 300, 300, BLUE, 10);
	draw(f);
	hall_rgba mid = px(f, 150, 50);
	assert_true(mid.r > 90 && mid.r < 150); /* half of black over BG */
	assert_true(same(px(f, 150, 50 + 8), BG));
	assert_true(same(px(f, 150, 150), BLUE));
	assert_true(same(px(f, 303, 148), BLUE)); /* the round joint */
	assert_true(same(px(f, 300, 290), BLUE));
}

static void save_png_should_write_a_readable_file_of_the_screen(void **state)
{
	fx *f = *state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof(dir), "shot");
	snprintf(path, sizeof(path), "%s/shot.png", dir);
	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){0, 0, 10, 10}, RED);
	draw(f);
	hall_error err = {{0}, {0}};
	assert_int_equal(hall_render_save_png(f->ren, path, &err), HALL_OK);
	SDL_Surface *s = IMG_Load(path);
	assert_non_null(s);
	assert_int_equal(s->w, W);
	assert_int_equal(s->h, H);
	SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
	const uint8_t *p = c->pixels;
	assert_int_equal(p[0], 200);
	assert_int_equal(p[1], 30);
	SDL_FreeSurface(c);
	SDL_FreeSurface(s);
	hall_test_rmtree(dir);
}

/* A frame of an input or a fade (hall_render_defer_until) never decodes a picture itself:
 * the decoder thread does and a later draw shows it (meanwhile the same picture at another
 * size stands in when there is one); a new text past the deadline waits for a later
 * frame. Without a deadline a draw is whole, waiting for the thread if need be. */
static void deferred_draw_should_leave_decodes_and_late_texts_to_later_frames(void **state)
{
	fx *f = *state;
	char dir[512], path[600], path2[600];
	hall_test_tmpdir(dir, sizeof(dir), "defer");
	snprintf(path, sizeof(path), "%s/a.png", dir);
	snprintf(path2, sizeof(path2), "%s/b.png", dir);
	write_halves_png(path, BLUE);  /* red left half, blue right half */
	write_halves_png(path2, BLUE);
	hall_rect label = {10, 200, 400, 40};
	hall_dl_clear(f->dl);
	hall_dl_box(f->dl, (hall_rect){0, 0, W, H}, BG);
	hall_dl_image(f->dl, (hall_rect){0, 0, 200, 100}, path, 0);
	hall_dl_text(f->dl, label, "Later 나중에 後で", 28, HALL_LANG_KO, BLACK, BG);

	/* the input's frame, out of time: neither the picture nor the text is made in it */
	unsigned long before = hall_render_textures_created(f->render);
	hall_render_defer_until(f->render, 1); /* a performance counter value long past */
	draw(f);
	assert_true(hall_render_incomplete(f->render));
	assert_int_equal(hall_render_textures_created(f->render), before);
	assert_true(same(px(f, 50, 50), BG));
	assert_int_equal(ink(f, label), 0);

	/* the fade's next frames, with time: the text at once, the picture once decoded */
	hall_render_defer_until(f->render, SDL_GetPerformanceCounter() + 60 * SDL_GetPerformanceFrequency());
	for (int i = 0; i < 1000 && hall_render_incomplete(f->render); i++) {
		SDL_Delay(5);
		draw(f);
	}
	assert_false(hall_render_incomplete(f->render));
	assert_true(same(px(f, 50, 50), RED));
	assert_true(same(px(f, 150, 50), BLUE));
	assert_true(ink(f, label) > 0);

	/* the same picture at a new size stands in, scaled, while the thread decodes it */
	hall_dl_image(f->dl, (hall_rect){300, 0, 100, 50}, path, 0);
	hall_render_defer_until(f->render, 1);
	draw(f);
	assert_true(hall_render_incomplete(f->render));
	assert_true(same(px(f, 320, 25), RED));
	assert_true(same(px(f, 380, 25), BLUE));

	/* a whole draw (a steady frame, a shot) waits for what the thread is decoding */
	hall_dl_clear(f->dl);
	hall_dl_image(f->dl, (hall_rect){0, 0, 200, 100}, path2, 0);
	hall_render_defer_until(f->render, 1);
	draw(f);
	assert_true(same(px(f, 50, 50), BG));
	hall_render_defer_until(f->render, 0);
	draw(f);
	assert_false(hall_render_incomplete(f->render));
	assert_true(same(px(f, 50, 50), RED));
	assert_true(same(px(f, 150, 50), BLUE));
	hall_test_rmtree(dir);
}

/* The layout measures every string of a screen on every build: a few thousand sizes (the
 * screen on show and those one tap away being warmed) must stay cached. Direct-mapped,
 * about a fifth of them evicted each other and were measured again. */
static void measurements_of_a_few_thousand_strings_should_stay_cached(void **state)
{
	fx *f = *state;
	char s[32];
	int w, h;
	enum { N = 4000 };
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "cache %d", i);
		assert_int_equal(hall_ttf_measure(f->text, s, strlen(s), 20, HALL_LANG_EN, 0, &w, &h), 0);
	}
	hall_ttf_cost c0, c1;
	hall_ttf_get_cost(f->text, &c0);
	for (int i = 0; i < N; i++) {
		snprintf(s, sizeof(s), "cache %d", i);
		assert_int_equal(hall_ttf_measure(f->text, s, strlen(s), 20, HALL_LANG_EN, 0, &w, &h), 0);
	}
	hall_ttf_get_cost(f->text, &c1);
	assert_true(c1.measures - c0.measures < N / 50); /* direct-mapped: about 850 */
}

/* A large translucent box (a fade's veil) blended straight into the software renderer's
 * surface (hall_render_set_direct) gives the very pixels SDL's blend gives, in RGB888 and
 * ARGB8888, at every opacity, over boxes, text and a clipped edge. */
static void direct_blend_should_match_sdl_pixel_for_pixel(void **state)
{
	(void)state;
	hall_error err = {{0}, {0}};
	Uint32 formats[2] = {SDL_PIXELFORMAT_RGB888, SDL_PIXELFORMAT_ARGB8888};
	for (int f = 0; f < 2; f++) {
		SDL_Surface *s[2];
		SDL_Renderer *ren[2];
		hall_ttf *text[2];
		hall_render *render[2];
		for (int i = 0; i < 2; i++) {
			s[i] = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, formats[f]);
			assert_non_null(s[i]);
			ren[i] = SDL_CreateSoftwareRenderer(s[i]);
			assert_non_null(ren[i]);
			assert_int_equal(hall_ttf_create(ren[i], NULL, NULL, &text[i], &err), HALL_OK);
			assert_int_equal(hall_render_create(ren[i], text[i], &render[i], &err), HALL_OK);
		}
		hall_render_set_direct(render[1], NULL, s[1]);
		hall_dl *dl = hall_dl_create();
		for (int a = 1; a < 255; a += 11) {
			hall_dl_clear(dl);
			hall_dl_box(dl, (hall_rect){0, 0, W, H}, (hall_rgba){(uint8_t)(a * 3), 90, (uint8_t)(255 - a), 255});
			hall_dl_box(dl, (hall_rect){40, 40, 200, 120}, RED);
			hall_dl_box(dl, (hall_rect){300, 60, 200, 200}, (hall_rgba){20, 200, 90, 128});
			hall_dl_text(dl, (hall_rect){20, 250, 400, 40}, "Veil 베일 ヴェール", 28, HALL_LANG_JA, BLACK, BG);
			hall_dl_box(dl, (hall_rect){-10, 30, W + 20, H - 60}, (hall_rgba){(uint8_t)a, 40, 220, (uint8_t)a});
			for (int i = 0; i < 2; i++) {
				hall_render_draw(render[i], dl, BG);
				SDL_RenderPresent(ren[i]);
			}
			assert_memory_equal(s[0]->pixels, s[1]->pixels, (size_t)s[0]->pitch * (size_t)H);
		}
		hall_dl_destroy(dl);
		for (int i = 0; i < 2; i++) {
			hall_render_destroy(render[i]);
			hall_ttf_destroy(text[i]);
			SDL_DestroyRenderer(ren[i]);
			SDL_FreeSurface(s[i]);
		}
	}
}

/* Opening a font took an input's whole delay after a language change: a deferring draw
 * opens none when less than 3 ms are left before its deadline, and a later frame does. */
static void deferring_text_should_not_open_a_font_late(void **state)
{
	fx *f = *state;
	hall_error err = {{0}, {0}};
	hall_ttf *t = NULL;
	int w = 0, h = 0;
	assert_int_equal(hall_ttf_create(f->ren, NULL, NULL, &t, &err), HALL_OK); /* no font open yet */
	unsigned long deferred = hall_ttf_deferred(t);
	hall_ttf_defer_until(t, SDL_GetPerformanceCounter() + SDL_GetPerformanceFrequency() / 1000); /* 1 ms left */
	assert_null(hall_ttf_texture(t, "Later", 24, HALL_LANG_EN, 0, BLACK, &w, &h));
	assert_int_equal(hall_ttf_deferred(t), deferred + 1);
	hall_ttf_defer_until(t, SDL_GetPerformanceCounter() + 60 * SDL_GetPerformanceFrequency());
	assert_non_null(hall_ttf_texture(t, "Later", 24, HALL_LANG_EN, 0, BLACK, &w, &h));
	hall_ttf_defer_until(t, 0);
	hall_ttf_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(box_should_fill_its_rect_with_border_and_round_corners),
		cmocka_unit_test(translucent_box_should_blend_with_what_is_below),
		cmocka_unit_test(text_should_draw_pixels_in_every_language),
		cmocka_unit_test(text_should_use_the_face_of_its_language),
		cmocka_unit_test(steady_frames_should_create_no_textures),
		cmocka_unit_test(measure_should_match_the_drawn_width),
		cmocka_unit_test(one_font_should_serve_every_size),
		cmocka_unit_test(polygon_should_fill_a_concave_shape),
		cmocka_unit_test(thick_line_should_cover_its_width),
		cmocka_unit_test(ring_box_should_draw_only_its_border),
		cmocka_unit_test(image_should_fit_or_fill_and_missing_files_draw_a_placeholder),
		cmocka_unit_test(warmed_items_should_draw_without_making_textures),
		cmocka_unit_test(warming_should_not_evict_a_drawn_image),
		cmocka_unit_test(translucent_thick_line_should_blend),
		cmocka_unit_test(save_png_should_write_a_readable_file_of_the_screen),
		cmocka_unit_test(deferred_draw_should_leave_decodes_and_late_texts_to_later_frames),
		cmocka_unit_test(measurements_of_a_few_thousand_strings_should_stay_cached),
		cmocka_unit_test(direct_blend_should_match_sdl_pixel_for_pixel),
		cmocka_unit_test(deferring_text_should_not_open_a_font_late),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
