/* theme.c: the design system's tokens and sizes (see theme.h). */
#include "theme.h"

#include <math.h>

#include "ui.h"

#define RGB(r_, g_, b_) {(uint8_t)(r_), (uint8_t)(g_), (uint8_t)(b_), 255}

/* Normal theme: dark ink on a warm light ground. Contrast (WCAG): text on bg 15.5:1,
 * button text (navy on white) 11.7:1, white on navy 11.7:1, white on dark red 10.4:1. */
static const hall_ui_theme theme_normal = {
	.bg = RGB(0xF4, 0xF1, 0xEA),
	.text = RGB(0x1B, 0x1B, 0x1B),
	.surface = RGB(0xFF, 0xFF, 0xFF),
	.surface_text = RGB(0x1B, 0x1B, 0x1B),
	.border = RGB(0x1B, 0x3A, 0x5C),
	.button = RGB(0xFF, 0xFF, 0xFF),
	.button_text = RGB(0x1B, 0x3A, 0x5C),
	.primary = RGB(0x1B, 0x3A, 0x5C),
	.primary_text = RGB(0xFF, 0xFF, 0xFF),
	/* A chosen option is a pale tint with dark text, a thick dark border and a check
	 * mark: never mistaken for the primary action's solid blue. */
	.selected = RGB(0xDC, 0xE8, 0xF5),
	.selected_text = RGB(0x10, 0x2A, 0x45),
	.inactive = RGB(0xE4, 0xE0, 0xD7),        /* text on it 5.9:1 */
	.inactive_text = RGB(0x55, 0x52, 0x4C),
	.inactive_border = RGB(0x8F, 0x8A, 0x80), /* 3:1 on bg: the box is seen */
	.bar = RGB(0x22, 0x2B, 0x36),
	.bar_text = RGB(0xFF, 0xFF, 0xFF),
	.focus = RGB(0xB3, 0x47, 0x00),
	.focus_halo = RGB(0xFF, 0xFF, 0xFF),
	.notice = RGB(0x1B, 0x3A, 0x5C),
	.notice_text = RGB(0xFF, 0xFF, 0xFF),
	.urgent = RGB(0x7F, 0x1D, 0x1D),
	.urgent_text = RGB(0xFF, 0xFF, 0xFF),
	.land = RGB(0xE2, 0xDA, 0xC8),
	.land_selected = RGB(0x1B, 0x3A, 0x5C),
	.river = RGB(0x3B, 0x6E, 0xA8),
	.map_line = RGB(0x55, 0x4E, 0x40),
	.axis = RGB(0x1B, 0x1B, 0x1B),
	.series = {RGB(0x1B, 0x3A, 0x5C), RGB(0xB3, 0x47, 0x00), RGB(0x5B, 0x6B, 0x2F), RGB(0x6B, 0x2E, 0x8A),
	           RGB(0x0E, 0x6A, 0x80), RGB(0x80, 0x5A, 0x10)},
	/* A headline band on a picture: the brand's deep navy, white letters 15:1. */
	.caption = RGB(0x0B, 0x25, 0x45),
	.caption_text = RGB(0xFF, 0xFF, 0xFF),
	.figure_text = RGB(0x1B, 0x3A, 0x5C),     /* 10.4:1 on the ground */
	.track = RGB(0xE4, 0xE0, 0xD7),
};

/* High contrast: white and yellow on black, every text pair at least 15:1. */
static const hall_ui_theme theme_high = {
	.bg = RGB(0, 0, 0),
	.text = RGB(0xFF, 0xFF, 0xFF),
	.surface = RGB(0, 0, 0),
	.surface_text = RGB(0xFF, 0xFF, 0xFF),
	.border = RGB(0xFF, 0xFF, 0xFF),
	.button = RGB(0, 0, 0),
	.button_text = RGB(0xFF, 0xFF, 0xFF),
	.primary = RGB(0xFF, 0xE6, 0x00),
	.primary_text = RGB(0, 0, 0),
	.selected = RGB(0xFF, 0xFF, 0xFF),
	.selected_text = RGB(0, 0, 0),
	.inactive = RGB(0x1E, 0x1E, 0x1E),        /* text on it 8.9:1 */
	.inactive_text = RGB(0xBD, 0xBD, 0xBD),
	.inactive_border = RGB(0x7A, 0x7A, 0x7A),
	.bar = RGB(0, 0, 0),
	.bar_text = RGB(0xFF, 0xFF, 0xFF),
	.focus = RGB(0x00, 0xE5, 0xFF),
	.focus_halo = RGB(0, 0, 0),
	.notice = RGB(0xFF, 0xFF, 0xFF),
	.notice_text = RGB(0, 0, 0),
	.urgent = RGB(0xFF, 0xE6, 0x00),
	.urgent_text = RGB(0, 0, 0),
	.land = RGB(0x30, 0x30, 0x30),
	.land_selected = RGB(0xFF, 0xE6, 0x00),
	.river = RGB(0x00, 0xB7, 0xFF),
	.map_line = RGB(0xFF, 0xFF, 0xFF),
	.axis = RGB(0xFF, 0xFF, 0xFF),
	.series = {RGB(0xFF, 0xFF, 0xFF), RGB(0xFF, 0xE6, 0x00), RGB(0x00, 0xE5, 0xFF), RGB(0xFF, 0x99, 0xFF),
	           RGB(0x99, 0xFF, 0x99), RGB(0xFF, 0xB3, 0x47)},
	.caption = RGB(0, 0, 0),
	.caption_text = RGB(0xFF, 0xFF, 0xFF),
	.figure_text = RGB(0xFF, 0xE6, 0x00),
	.track = RGB(0x30, 0x30, 0x30),
};

const hall_ui_theme *hall_ui_theme_get(int high_contrast)
{
	return high_contrast ? &theme_high : &theme_normal;
}


double hall_theme_ease(int64_t elapsed_ms, int duration_ms)
{
	if (duration_ms <= 0 || elapsed_ms >= duration_ms)
		return 1.0;
	if (elapsed_ms <= 0)
		return 0.0;
	double t = 1.0 - (double)elapsed_ms / duration_ms;
	return 1.0 - t * t * t;
}

static int iceil(double v)
{
	return (int)ceil(v - 1e-9);
}

void hall_theme_metrics_get(hall_theme_metrics *m, double ppmm, int shorter_px, int halves)
{
	/* Sizes of the law (kiosk/ui.h): 12.5 mm letters at the Latin cap-height ratio,
	 * targets 12.5 mm and at least 80 px at 1080 p, gaps 3 mm and at least 12 px. */
	int base = iceil(HALL_UI_LETTER_MM * ppmm / HALL_UI_LATIN_LETTER_RATIO);
	m->body_px = base * halves / 2;
	m->title_px = iceil(base * HALL_THEME_TITLE_RATIO) * halves / 2;
	m->figure_px = iceil(base * HALL_THEME_FIGURE_RATIO) * halves / 2;
	m->display_px = iceil(base * HALL_THEME_DISPLAY_RATIO) * halves / 2;
	int t_mm = iceil(HALL_UI_TARGET_MM * ppmm);
	int t_1080 = iceil(80.0 * shorter_px / 1080.0);
	m->target_px = (t_mm > t_1080 ? t_mm : t_1080) * halves / 2;
	int g = iceil(HALL_UI_GAP_MM * ppmm);
	m->gap_px = (g > 12 ? g : 12) * halves / 2;
	m->pad_px = iceil(m->body_px * 0.45);
	/* Strokes follow the size factor in whole steps (1x normally, 2x in large text). */
	int s = halves > 2 ? 2 : 1;
	m->radius_px = 10 * s;
	m->border_px = 3 * s;
	m->border_thin_px = 1 * s;
	m->border_bold_px = 7 * s;
	m->stroke_px = 2 * s;
	m->stroke_bold_px = 5 * s;
	/* The ring reaches 6 px x s outside the target (half the minimum gap) and 3 px x s
	 * into it, over the target's own border, never over its label. */
	m->focus_out_px = 6 * s;
	m->focus_band_px = 5 * s;
	m->halo_out_px = 1 * s;
	m->halo_band_px = 4 * s;
	m->measure_px = m->body_px * HALL_THEME_MEASURE_EM;
}

hall_theme_style hall_theme_style_of(const hall_ui_theme *th, const hall_theme_metrics *m, hall_theme_component c)
{
	hall_theme_style s = {th->surface, th->surface_text, th->border, m->border_px, m->radius_px, m->pad_px};
	switch (c) {
	case HALL_COMP_TILE:
		/* The picture fills the tile; the caption band carries the text. */
		s.fill = th->caption;
		s.text = th->caption_text;
		break;
	case HALL_COMP_CARD:
		break;
	case HALL_COMP_FIGURE:
		s.fill = th->bg;
		s.text = th->figure_text;
		s.border = th->border;
		s.border_px = 0;
		break;
	case HALL_COMP_CHART:
		s.fill = th->bg;
		s.text = th->text;
		s.border_px = 0;
		s.radius_px = 0;
		break;
	case HALL_COMP_DIALOG:
		s.border_px = m->border_px;
		s.pad_px = m->gap_px * 2;
		break;
	case HALL_COMP_BAR:
		s.fill = th->bar;
		s.text = th->bar_text;
		s.border_px = 0;
		s.radius_px = 0;
		break;
	case HALL_COMP_NOTICE:
		s.fill = th->notice;
		s.text = th->notice_text;
		s.border_px = 0;
		break;
	case HALL_COMP_URGENT:
		s.fill = th->urgent;
		s.text = th->urgent_text;
		s.border = th->urgent_text;
		s.border_px = m->border_bold_px;
		s.pad_px = m->gap_px * 2;
		break;
	case HALL_COMP_PICTURE:
		s.border_px = m->border_thin_px * 2;
		s.radius_px = 0;
		break;
	}
	return s;
}

hall_dl_item *hall_theme_box(hall_dl *dl, hall_rect r, const hall_theme_style *s)
{
	hall_dl_item *b = hall_dl_box(dl, r, s->fill);
	if (b && s->border_px > 0) {
		b->border = s->border;
		b->border_px = s->border_px;
	}
	if (b)
		b->radius_px = s->radius_px;
	return b;
}
