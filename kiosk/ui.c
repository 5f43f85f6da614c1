/* ui.c: frame context, sizes from millimetres, themes, text wrapping, buttons, flows.
 * See ui.h for the size assumptions. */
#include "ui.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "hall/log.h"
#include "textlayout.h"

static double screen_ppmm(const hall_ui_screen *s)
{
	double x = s->width_mm > 0 ? s->width_px / s->width_mm : 1.0;
	double y = s->height_mm > 0 ? s->height_px / s->height_mm : 1.0;
	return x < y ? x : y;
}

int hall_ui_row_of_floor_mm(const hall_ui_screen *s, double floor_mm)
{
	double ppy = s->height_mm > 0 ? s->height_px / s->height_mm : 1.0;
	return (int)floor(s->height_px - (floor_mm - s->bottom_mm) * ppy);
}

double hall_ui_low_top_mm(const hall_ui_screen *s)
{
	return s->low_top_mm > 0 ? s->low_top_mm : 1000.0;
}

int hall_ui_reach_band(const hall_ui_screen *s, int min_h, hall_rect *out)
{
	/* Top row: the first whole row at or below the band's top (1,000 mm by default, so a
	 * seated visitor reads it too); bottom: rows above 400 mm. */
	int top = hall_ui_row_of_floor_mm(s, hall_ui_low_top_mm(s)) + 1;
	int bottom = hall_ui_row_of_floor_mm(s, 400.0);
	if (top < 0)
		top = 0;
	if (bottom > s->height_px)
		bottom = s->height_px;
	if (bottom - top < min_h)
		return -1;
	*out = (hall_rect){0, top, s->width_px, bottom - top};
	return 0;
}

/* Set up ui at `halves` (0: the mode's own size factor, see below). */
static void ui_init(hall_ui *ui, hall_dl *dl, const hall_ui_screen *screen, unsigned modes, hall_lang lang,
                    hall_ui_measure_fn measure, void *measure_ctx, const char *focus_id, int halves)
{
	memset(ui, 0, sizeof(*ui));
	ui->dl = dl;
	ui->screen = *screen;
	ui->modes = modes;
	ui->lang = (unsigned)lang < HALL_LANG_COUNT ? lang : HALL_LANG_KO;
	ui->th = hall_ui_theme_get((modes & HALL_APP_MODE_HIGH_CONTRAST) != 0);
	ui->measure = measure;
	ui->measure_ctx = measure_ctx;
	ui->focus_id = focus_id;
	ui->ppmm = screen_ppmm(screen);
	ui->scale = (modes & HALL_APP_MODE_LARGE_TEXT) ? 2 : 1;

	/* Size factor in halves: 2 normally, 4 (200 %) in large text; 3 (150 %) in large
	 * text when low position leaves a band too short for six rows of 200 % targets (a
	 * small screen mounted high): a page must hold a heading, a row and its pager. */
	int shorter = screen->width_px < screen->height_px ? screen->width_px : screen->height_px;
	hall_theme_metrics m1;
	hall_theme_metrics_get(&m1, ui->ppmm, shorter, 2);
	if (halves <= 0) {
		halves = 2 * ui->scale;
		hall_rect band0;
		if (ui->scale > 1 && (modes & HALL_APP_MODE_LOW_POSITION) && hall_ui_reach_band(screen, 0, &band0) == 0 &&
		    band0.h < 6 * 2 * m1.target_px)
			halves = 3;
	}
	ui->halves = halves;
	hall_theme_metrics_get(&ui->m, ui->ppmm, shorter, halves);
	ui->font_px = ui->m.body_px;
	ui->title_px = ui->m.title_px;
	ui->figure_px = ui->m.figure_px;
	ui->display_px = ui->m.display_px;
	int w, h;
	hall_ui_measure_text(ui, "Ag", 2, ui->font_px, ui->lang, 0, &w, &h);
	ui->line_h = h;
	hall_ui_measure_text(ui, "Ag", 2, ui->title_px, ui->lang, 1, &w, &h);
	ui->title_line_h = h;
	/* Line heights scale with the size: the larger sizes are derived, not measured, so a
	 * frame that shows no key figure or headline opens no font at their sizes. */
	ui->figure_line_h = (int)ceil((double)ui->title_line_h * ui->figure_px / ui->title_px);
	ui->display_line_h = (int)ceil((double)ui->title_line_h * ui->display_px / ui->title_px);
	ui->target_px = ui->m.target_px;
	ui->gap_px = ui->m.gap_px;
	ui->pad_px = ui->m.pad_px;
	ui->hpad_px = ui->pad_px;

	ui->view = (hall_rect){0, 0, screen->width_px, screen->height_px};
	if (modes & HALL_APP_MODE_LOW_POSITION) {
		hall_rect band;
		if (hall_ui_reach_band(screen, ui->target_px * 4, &band) == 0)
			ui->view = band;
		/* else: the screen is mounted so that less than four rows of targets lie in the
		 * band; the whole screen is used and the a11y check reports it. */
	}
	/* The controls around the content (the bar, a pager's row, the brand's slide row) in
	 * large text on a screen too short for them at 200 %: a small screen (a 32-inch one
	 * holds only about seven lines of 200 % text, 26 mm letters) would give them half
	 * its height and leave three lines a page for the content. They keep a size step
	 * down (150 %, still twice the law's letters there), or the law's size when low
	 * position leaves a band shorter than six targets. */
	ui->chrome_halves = halves;
	if (ui->scale > 1 && (modes & HALL_APP_MODE_LOW_POSITION) && ui->view.h < 6 * ui->target_px)
		ui->chrome_halves = 2;
	else if (ui->scale > 1 && halves > 3 && ui->view.h < 9 * ui->line_h)
		ui->chrome_halves = 3;
}

void hall_ui_init(hall_ui *ui, hall_dl *dl, const hall_ui_screen *screen, unsigned modes, hall_lang lang,
                  hall_ui_measure_fn measure, void *measure_ctx, const char *focus_id)
{
	ui_init(ui, dl, screen, modes, lang, measure, measure_ctx, focus_id, 0);
}

hall_ui *hall_ui_chrome_begin(hall_ui *ui, hall_ui *tmp)
{
	if (ui->chrome_halves == ui->halves)
		return ui;
	ui_init(tmp, ui->dl, &ui->screen, ui->modes, ui->lang, ui->measure, ui->measure_ctx, ui->focus_id,
	        ui->chrome_halves);
	tmp->th = ui->th;
	tmp->view = ui->view;
	tmp->next_focus = ui->next_focus;
	tmp->chrome_halves = tmp->halves;
	return tmp;
}

void hall_ui_chrome_end(hall_ui *ui, hall_ui *chrome)
{
	if (chrome == ui)
		return;
	ui->next_focus = chrome->next_focus;
	if (chrome->focus_found) {
		ui->focus_found = 1;
		ui->focus_rect = chrome->focus_rect;
	}
}

int hall_ui_mm_to_px(const hall_ui *ui, double mm)
{
	return (int)lround(mm * ui->ppmm);
}

double hall_ui_px_to_mm(const hall_ui *ui, int px)
{
	return ui->ppmm > 0 ? px / ui->ppmm : 0.0;
}

/* ---- text ---- */

/* Decode one UTF-8 character at s[i] (i < len); returns its length (1 for a bad byte)
 * and the code point (U+FFFD for a bad byte). */
static size_t utf8_next(const char *s, size_t len, size_t i, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[i];
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (n == 0 || i + n > len) {
		*cp = 0xFFFD;
		return 1;
	}
	unsigned v = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
	for (size_t k = 1; k < n; k++) {
		if ((u[i + k] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (u[i + k] & 0x3F);
	}
	*cp = v;
	return n;
}

int hall_ui_model_measure(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
                          int *h)
{
	(void)ctx;
	(void)lang;
	double width = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		i += utf8_next(utf8, len, i, &cp);
		width += cp < 0x80 ? 0.55 : 1.0;
	}
	if (bold)
		width *= 1.05;
	*w = (int)ceil(width * font_px);
	*h = (int)ceil(font_px * 1.45);
	return 0;
}

void hall_ui_measure_text(const hall_ui *ui, const char *s, size_t len, int px, hall_lang lang, int bold, int *w,
                          int *h)
{
	if (ui->measure && ui->measure(ui->measure_ctx, s, len, px, lang, bold, w, h) == 0 && *w >= 0 && *h > 0)
		return;
	hall_ui_model_measure(NULL, s, len, px, lang, bold, w, h);
}

static int measure_adapter(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
                           int *h)
{
	hall_ui_measure_text(ctx, utf8, len, font_px, lang, bold, w, h);
	return 0;
}

/* A hard line break (UAX #14 classes BK, CR, LF, NL) anywhere in s[0..len)? */
static int has_hard_break(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || c == '\r' || c == '\v' || c == '\f')
			return 1;
		if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0x85)
			return 1; /* U+0085 NEL */
		if (c == 0xE2 && i + 2 < len && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
			return 1; /* U+2028, U+2029 */
	}
	return 0;
}

/* Lines of s[0..len) at `width`, through ICU's line breaking (kiosk/textlayout.h: UAX #14,
 * Korean keep-all, East Asian punctuation rules): there are no break rules of our own.
 * At most cap lines; when the text needs more, the last one is cut with an ellipsis
 * (lines[cap-1].ellipsis). Returns the number of lines.
 * When ICU itself fails (no memory, no break data), the error is logged and the text is
 * cut wherever the width ends, character by character: a visitor then still sees every
 * word, if broken at odd places, instead of nothing. */
static size_t layout_lines(const hall_ui *ui, const char *s, size_t len, int px, hall_lang lang, int bold, int width,
                           hall_tl_line *lines, size_t cap)
{
	if (!s || len == 0 || cap == 0)
		return 0;
	if (width < 1)
		width = 1;
	/* Most texts on a kiosk (buttons, headings) fit one line: no need for ICU. A line
	 * that fits has no break to choose, so the result is the one ICU would give. */
	if (len < 512 && !has_hard_break(s, len)) {
		int w, h;
		hall_ui_measure_text(ui, s, len, px, lang, bold, &w, &h);
		if (w <= width) {
			size_t start = 0, end = len;
			while (start < end && s[start] == ' ')
				start++;
			while (end > start && s[end - 1] == ' ')
				end--;
			lines[0] = (hall_tl_line){start, end - start, w, 0, 0};
			return 1;
		}
	}
	hall_tl_opts o = {width, 0, px, lang, bold, HALL_TL_LEFT};
	size_t n = 0;
	hall_error err = {{0}, {0}};
	if (hall_tl_layout(s, len, &o, measure_adapter, (void *)ui, lines, cap, &n, NULL, &err) == HALL_OK)
		return n;
	char buf[512];
	hall_error_log("text layout: %s (text cut at the width instead)", hall_error_format(&err, buf, sizeof(buf)));
	n = 0;
	size_t off = 0;
	while (off < len && n < cap) {
		size_t end = off, w_end = 0;
		int lw = 0;
		while (end < len) {
			unsigned cp;
			size_t next = end + utf8_next(s, len, end, &cp);
			int w, h;
			hall_ui_measure_text(ui, s + off, next - off, px, lang, bold, &w, &h);
			if (w > width && end > off)
				break;
			end = next;
			lw = w;
			w_end = end;
		}
		lines[n++] = (hall_tl_line){off, w_end - off, lw, 0, 0};
		off = w_end;
	}
	return n;
}

int hall_ui_count_lines(const hall_ui *ui, const char *s, int px, hall_lang lang, int bold, int width, int max_lines)
{
	if (!s || max_lines <= 0)
		return 0;
	size_t len = strlen(s);
	if (len > HALL_UI_TEXT_MAX)
		len = HALL_UI_TEXT_MAX;
	hall_tl_line lines[64];
	size_t cap = (size_t)max_lines < 64 ? (size_t)max_lines : 64;
	return (int)layout_lines(ui, s, len, px, lang, bold, width, lines, cap);
}

/* Length of s capped at HALL_UI_TEXT_MAX on a character boundary; logs once per cut. */
static size_t capped_len(const char *s)
{
	size_t len = strlen(s);
	if (len <= HALL_UI_TEXT_MAX)
		return len;
	size_t n = HALL_UI_TEXT_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* 1 when s ends with "…" (U+2026). */
static int ends_with_ellipsis(const char *s)
{
	size_t n = strlen(s);
	return n >= 3 && memcmp(s + n - 3, "\xE2\x80\xA6", 3) == 0;
}

hall_dl_item *hall_ui_text(hall_ui *ui, int x, int y, const char *s, int px, hall_lang lang, int bold,
                           hall_rgba color, hall_rgba bg)
{
	int w, h;
	size_t len = strlen(s);
	hall_ui_measure_text(ui, s, len, px, lang, bold, &w, &h);
	hall_dl_item *it = hall_dl_text(ui->dl, (hall_rect){x, y, w, h}, s, px, lang, color, bg);
	if (it) {
		it->bold = bold;
		it->ellipsis_intended = ends_with_ellipsis(s); /* one line, never cut */
	}
	return it;
}

int hall_ui_text_box(hall_ui *ui, hall_rect r, const char *s, int px, hall_lang lang, int bold, hall_rgba color,
                     hall_rgba bg, int centered)
{
	if (!s)
		s = "";
	size_t len = capped_len(s);
	int w0, lh;
	hall_ui_measure_text(ui, "Ag", 2, px, lang, bold, &w0, &lh);
	int max_lines = lh > 0 ? r.h / lh : 0;
	if (max_lines < 1)
		max_lines = 1;
	hall_tl_line lines[64];
	size_t cap = (size_t)max_lines < 64 ? (size_t)max_lines : 64;
	size_t n = layout_lines(ui, s, len, px, lang, bold, r.w, lines, cap);
	int y = r.y;
	for (size_t i = 0; i < n; i++) {
		char buf[1100];
		hall_tl_line_text(s, &lines[i], buf, sizeof(buf));
		int w, h;
		hall_ui_measure_text(ui, buf, strlen(buf), px, lang, bold, &w, &h);
		int x = centered ? r.x + (r.w - w) / 2 : r.x;
		hall_dl_item *it = hall_dl_text(ui->dl, (hall_rect){x, y, w, h}, buf, px, lang, color, bg);
		if (it) {
			it->bold = bold;
			/* The text's own "…" on its last line, not one the layout added. */
			it->ellipsis_intended = !lines[i].ellipsis && ends_with_ellipsis(buf);
		}
		y += lh;
	}
	return y - r.y;
}

void hall_ui_set_heading(hall_ui *ui, const char *s)
{
	if (ui->heading[0] || !s)
		return;
	snprintf(ui->heading, sizeof(ui->heading), "%s", s);
}

/* ---- hits and buttons ---- */

hall_dl_item *hall_ui_hit(hall_ui *ui, hall_rect r, const char *id, hall_act act, hall_dl_role role,
                          const char *label)
{
	hall_dl_item *it = hall_dl_hit(ui->dl, r, id, role, label);
	if (!it)
		return NULL;
	it->act = act;
	it->focus_order = ++ui->next_focus;
	if (ui->focus_id && id && strcmp(ui->focus_id, id) == 0) {
		it->focused = 1;
		ui->focus_found = 1;
		ui->focus_rect = r;
	}
	return it;
}

void hall_ui_button_size(const hall_ui *ui, const char *text, hall_lang lang, int max_w, int *w, int *h)
{
	int tw, th;
	hall_ui_measure_text(ui, text, strlen(text), ui->font_px, lang, 1, &tw, &th);
	int bw = tw + 2 * ui->hpad_px;
	int lines = 1;
	if (bw > max_w) {
		bw = max_w;
		lines = hall_ui_count_lines(ui, text, ui->font_px, lang, 1, max_w - 2 * ui->hpad_px, 8);
		if (lines < 1)
			lines = 1;
	}
	int bh = lines * ui->line_h + 2 * ui->pad_px / 2;
	if (bw < ui->target_px)
		bw = ui->target_px;
	if (bh < ui->target_px)
		bh = ui->target_px;
	*w = bw;
	*h = bh;
}

void hall_ui_button(hall_ui *ui, hall_rect r, const char *id, hall_act act, hall_dl_role role, const char *text,
                    hall_lang text_lang, const char *spoken, hall_ui_button_style style)
{
	const hall_ui_theme *th = ui->th;
	hall_rgba fill = th->button, fg = th->button_text;
	int border = ui->m.border_px;
	if (style == HALL_UI_BUTTON_PRIMARY) {
		fill = th->primary;
		fg = th->primary_text;
	} else if (style == HALL_UI_BUTTON_SELECTED) {
		fill = th->selected;
		fg = th->selected_text;
		border = ui->m.border_bold_px;
	} else if (style == HALL_UI_BUTTON_DISABLED) {
		/* Not colour alone: a muted fill, a thin border and regular-weight text set a
		 * disabled control apart from both a live button and plain text. */
		fill = th->inactive;
		fg = th->inactive_text;
		border = ui->m.border_thin_px;
	}
	int bold = style != HALL_UI_BUTTON_DISABLED;
	hall_dl_item *b = hall_dl_box(ui->dl, r, fill);
	if (b) {
		/* The primary action's ring is its label colour: its fill shows its edge on the
		 * light ground, the ring on the dark bar (non-text contrast 3:1 on both). */
		b->border = style == HALL_UI_BUTTON_SELECTED   ? th->text
		            : style == HALL_UI_BUTTON_DISABLED ? th->inactive_border
		            : style == HALL_UI_BUTTON_PRIMARY  ? th->primary_text
		                                               : th->border;
		if (style == HALL_UI_BUTTON_SELECTED && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST))
			b->border = th->primary;
		b->border_px = border;
		b->radius_px = ui->m.radius_px;
	}
	hall_rect tr = {r.x + ui->hpad_px, r.y, r.w - 2 * ui->hpad_px, r.h};
	int lines = hall_ui_count_lines(ui, text, ui->font_px, text_lang, bold, tr.w, 8);
	if (lines < 1)
		lines = 1;
	int th_px = lines * ui->line_h;
	if (th_px > r.h)
		th_px = r.h - r.h % (ui->line_h > 0 ? ui->line_h : 1);
	tr.y = r.y + (r.h - th_px) / 2;
	tr.h = th_px > 0 ? th_px : ui->line_h;
	hall_ui_text_box(ui, tr, text, ui->font_px, text_lang, bold, fg, fill, 1);
	if (style != HALL_UI_BUTTON_DISABLED)
		hall_ui_hit(ui, r, id, act, role, spoken ? spoken : text);
}

int hall_ui_button_rows(hall_ui *ui, hall_rect area, const hall_ui_button_spec *b, size_t n, int draw)
{
	int x = area.x, y = area.y, row_h = 0;
	int used = 0;
	/* Buttons of one row share the row's height; measure a row, then draw it. */
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		int wsum = 0;
		row_h = 0;
		int ws[64];
		while (j < n && j - i < 64) {
			int w, h;
			hall_ui_button_size(ui, b[j].text, b[j].lang, area.w, &w, &h);
			int need = wsum + (j > i ? ui->gap_px : 0) + w;
			if (j > i && need > area.w)
				break;
			ws[j - i] = w;
			wsum = need;
			if (h > row_h)
				row_h = h;
			j++;
		}
		/* Spread the row's spare width over its buttons so rows look even. */
		int spare = area.w - wsum;
		int count = (int)(j - i);
		if (draw) {
			x = area.x;
			for (size_t k = i; k < j; k++) {
				int w = ws[k - i] + (spare > 0 ? spare / count : 0);
				hall_ui_button(ui, (hall_rect){x, y, w, row_h}, b[k].id, b[k].act, b[k].role, b[k].text, b[k].lang,
				               b[k].spoken, b[k].style);
				x += w + ui->gap_px;
			}
		}
		y += row_h + ui->gap_px;
		used = y - area.y - ui->gap_px;
		i = j;
	}
	return used;
}

/* ---- flow ---- */

void hall_ui_flow_begin(hall_ui_flow *f, hall_ui *ui, hall_rect area, int show)
{
	f->ui = ui;
	f->area = area;
	f->y = area.y;
	f->page = 0;
	f->show = show;
	f->used = 0;
}

int hall_ui_flow_take(hall_ui_flow *f, int h, int gap, hall_rect *out)
{
	if (h > f->area.h)
		h = f->area.h;
	if (!f->used)
		gap = 0;
	if (f->used && f->y + gap + h > f->area.y + f->area.h) {
		f->page++;
		f->y = f->area.y;
		f->used = 0;
		gap = 0;
	}
	hall_rect r = {f->area.x, f->y + gap, f->area.w, h};
	f->y = r.y + h;
	f->used = 1;
	if (out)
		*out = r;
	return f->page == f->show;
}

void hall_ui_flow_break(hall_ui_flow *f)
{
	if (!f->used)
		return;
	f->page++;
	f->y = f->area.y;
	f->used = 0;
}

void hall_ui_flow_keep(hall_ui_flow *f, int h)
{
	if (f->used && f->y + f->ui->gap_px + h > f->area.y + f->area.h && h <= f->area.h)
		hall_ui_flow_break(f);
}

int hall_ui_column_w(int px, int area_w)
{
	return HALL_THEME_MEASURE_EM * px < area_w ? HALL_THEME_MEASURE_EM * px : area_w;
}

void hall_ui_flow_text(hall_ui_flow *f, const char *text, hall_lang lang, int heading, hall_rgba color,
                       hall_rgba bg)
{
	if (!text || !text[0])
		return;
	hall_ui *ui = f->ui;
	size_t len = capped_len(text);
	int px = heading ? ui->title_px : ui->font_px;
	int lh = heading ? ui->title_line_h : ui->line_h;
	/* 8,000 bytes make at most ~1,000 lines even one short word a line. */
	enum { CAP = 1024 };
	hall_tl_line *lines = malloc(CAP * sizeof(*lines));
	if (!lines)
		return;
	/* Body text runs in a column of the theme's measure (45 to 75 characters, issue #12
	 * Build 1), never across a whole wide screen; headings take the width. */
	int width = heading ? f->area.w : hall_ui_column_w(px, f->area.w);
	size_t n = layout_lines(ui, text, len, px, lang, heading, width, lines, CAP);
	for (size_t i = 0; i < n; i++) {
		hall_rect r;
		if (hall_ui_flow_take(f, lh, i == 0 ? ui->gap_px / 2 : 0, &r) && lines[i].len > 0) {
			char buf[1100];
			hall_tl_line_text(text, &lines[i], buf, sizeof(buf));
			hall_ui_text(ui, r.x, r.y, buf, px, lang, heading, color, bg);
		}
	}
	free(lines);
	if (heading && f->page == f->show)
		hall_ui_set_heading(ui, text);
}

void hall_ui_flow_buttons(hall_ui_flow *f, const hall_ui_button_spec *b, size_t n)
{
	hall_ui *ui = f->ui;
	hall_rect probe = {f->area.x, 0, f->area.w, f->area.h};
	size_t i = 0;
	while (i < n) {
		/* The longest run of buttons that still fits one row. */
		size_t j = i + 1;
		int h1 = hall_ui_button_rows(ui, probe, b + i, 1, 0);
		while (j < n && hall_ui_button_rows(ui, probe, b + i, j - i + 1, 0) <= h1)
			j++;
		hall_rect r;
		if (hall_ui_flow_take(f, h1, ui->gap_px, &r))
			hall_ui_button_rows(ui, r, b + i, j - i, 1);
		i = j;
	}
}

int hall_ui_flow_pages(const hall_ui_flow *f)
{
	return f->page + 1;
}

/* Height of the page row (previous, next) and the two buttons' widths, at cu's size. */
static int pager_size(const hall_ui *cu, int w, int *wp, int *wn)
{
	const char *prev_s = hall_ui_string(HALL_STR_PREV, cu->lang), *next_s = hall_ui_string(HALL_STR_NEXT, cu->lang);
	int half = (w - cu->gap_px) / 2;
	int hp, hn;
	hall_ui_button_size(cu, next_s, cu->lang, half, wn, &hn);
	hall_ui_button_size(cu, prev_s, cu->lang, w - *wn - cu->gap_px, wp, &hp);
	return hp > hn ? hp : hn;
}

int hall_ui_paged(hall_ui *ui, hall_rect area, int *page, hall_ui_flow_fn fn, void *ctx)
{
	return hall_ui_paged_with(ui, area, page, fn, ctx, NULL);
}

int hall_ui_paged_with(hall_ui *ui, hall_rect area, int *page, hall_ui_flow_fn fn, void *ctx,
                       const hall_ui_button_spec *extra)
{
	/* The page row: "previous" at the left, "next" at the right, each as wide as its
	 * word needs, `extra` left of "next" and "n / N" between them when there is room
	 * (at the size of the controls around the content: hall_ui_chrome_begin). */
	hall_ui cbuf;
	hall_ui *cu = hall_ui_chrome_begin(ui, &cbuf);
	int wp, wn, we = 0, he = 0;
	int nav_h = pager_size(cu, area.w, &wp, &wn);
	int nav_gap = cu->gap_px;
	if (extra) {
		hall_ui_button_size(cu, extra->text, extra->lang, area.w / 3, &we, &he);
		if (we < 3 * cu->target_px)
			we = 3 * cu->target_px;
		nav_h = he > nav_h ? he : nav_h;
	}
	hall_ui_chrome_end(ui, cu);
	hall_ui_flow f;
	hall_rect content = area;
	if (extra) /* a row of its own at the foot even on one page */
		content.h = area.h - nav_h - nav_gap;
	hall_ui_flow_begin(&f, ui, content, -1);
	fn(ctx, &f);
	int pages = hall_ui_flow_pages(&f);
	if (pages > 1 && !extra) {
		content.h = area.h - nav_h - nav_gap;
		hall_ui_flow_begin(&f, ui, content, -1);
		fn(ctx, &f);
		pages = hall_ui_flow_pages(&f);
	}
	if (*page >= pages)
		*page = pages - 1;
	if (*page < 0)
		*page = 0;
	hall_ui_flow_begin(&f, ui, content, *page);
	fn(ctx, &f);
	if (pages > 1 || extra) {
		cu = hall_ui_chrome_begin(ui, &cbuf); /* after the content: its focus order follows */
		const char *prev_s = hall_ui_string(HALL_STR_PREV, cu->lang), *next_s = hall_ui_string(HALL_STR_NEXT, cu->lang);
		int y = area.y + area.h - nav_h;
		char a[16], b[16], lbl[64], spoken_p[160], spoken_n[160];
		snprintf(a, sizeof(a), "%d", *page + 1);
		snprintf(b, sizeof(b), "%d", pages);
		hall_ui_fill(lbl, sizeof(lbl), hall_ui_string(HALL_STR_PAGE_OF, cu->lang), a, b);
		snprintf(spoken_p, sizeof(spoken_p), "%s (%s)", prev_s, lbl);
		snprintf(spoken_n, sizeof(spoken_n), "%s (%s)", next_s, lbl);
		/* A button that would do nothing is not drawn (issue #12 Build 11: every button
		 * works or is not shown): no "previous" on the first page, no "next" on the
		 * last. The others keep their places (previous at the left edge, next at the
		 * right, the counter between), so nothing jumps as the visitor turns pages. */
		if (pages > 1 && *page > 0)
			hall_ui_button(cu, (hall_rect){area.x, y, wp, nav_h}, "page-prev", HALL_ACT(HALL_ACT_PAGE, -1),
			               HALL_ROLE_BUTTON, prev_s, cu->lang, spoken_p, HALL_UI_BUTTON);
		int x_next = area.x + area.w - wn;
		int x_extra = pages > 1 ? x_next - cu->gap_px - we : area.x + area.w - we;
		if (pages > 1) {
			int w, h;
			hall_ui_measure_text(cu, lbl, strlen(lbl), cu->font_px, cu->lang, 0, &w, &h);
			int free_x0 = area.x + wp + cu->gap_px, free_x1 = (extra ? x_extra : x_next) - cu->gap_px;
			if (free_x1 - free_x0 >= w)
				hall_ui_text(cu, free_x0 + (free_x1 - free_x0 - w) / 2, y + (nav_h - h) / 2, lbl, cu->font_px,
				             cu->lang, 0, cu->th->text, cu->th->bg);
		}
		if (extra)
			hall_ui_button(cu, (hall_rect){x_extra, y, we, nav_h}, extra->id, extra->act, extra->role, extra->text,
			               extra->lang, extra->spoken, extra->style);
		if (pages > 1 && *page < pages - 1)
			hall_ui_button(cu, (hall_rect){x_next, y, wn, nav_h}, "page-next", HALL_ACT(HALL_ACT_PAGE, 1),
			               HALL_ROLE_BUTTON, next_s, cu->lang, spoken_n, HALL_UI_BUTTON_PRIMARY);
		hall_ui_chrome_end(ui, cu);
	}
	return pages;
}

void hall_ui_finish(hall_ui *ui)
{
	if (!ui->focus_found)
		return;
	/* No single colour reaches 3:1 against both the light ground and the dark bar and
	 * buttons of one theme, so the ring has two bands of contrasting colours: whatever is
	 * next to it, one band stands out. */
	const struct {
		int out, width;
		hall_rgba color;
	} bands[] = {{ui->m.focus_out_px, ui->m.focus_band_px, ui->th->focus},
	             {ui->m.halo_out_px, ui->m.halo_band_px, ui->th->focus_halo}};
	hall_rect r = ui->focus_rect;
	for (size_t i = 0; i < sizeof(bands) / sizeof(bands[0]); i++) {
		int d = bands[i].out;
		hall_dl_item *ring = hall_dl_box(ui->dl, (hall_rect){r.x - d, r.y - d, r.w + 2 * d, r.h + 2 * d},
		                                 (hall_rgba){0, 0, 0, 0});
		if (ring) {
			ring->border = bands[i].color;
			ring->border_px = bands[i].width;
			/* Concentric with the targets' corners (buttons and tiles round by 10 px x
			 * scale), so the halo covers the target's border in the corners too. */
			ring->radius_px = ui->m.radius_px + d;
		}
	}
}

void hall_ui_format_number(char *buf, size_t len, double n, int decimals)
{
	if (!buf || len == 0)
		return;
	if (!isfinite(n)) {
		snprintf(buf, len, "-");
		return;
	}
	char raw[64];
	snprintf(raw, sizeof(raw), "%.*f", decimals < 0 ? 0 : decimals > 3 ? 3 : decimals, n);
	const char *dot = strchr(raw, '.');
	size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw);
	size_t start = raw[0] == '-' ? 1 : 0;
	char out[96];
	size_t o = 0;
	if (start)
		out[o++] = '-';
	for (size_t i = start; i < int_len; i++) {
		out[o++] = raw[i];
		size_t left = int_len - i - 1;
		if (left > 0 && left % 3 == 0)
			out[o++] = ',';
	}
	if (dot) {
		size_t k = strlen(dot);
		memcpy(out + o, dot, k);
		o += k;
	}
	out[o] = '\0';
	snprintf(buf, len, "%s", out);
}
