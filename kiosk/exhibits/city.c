/* city.c: the touchable model of Seoul: the districts and the Han river as polygons from
 * the content, zoom (buttons and pinch), pan (buttons and drag), and a panel per district.
 *
 * Touch: the map is one REGION hit ("map"); a tap on it is resolved here by
 * point-in-polygon in model coordinates, so districts of any shape and size work. Every
 * gesture has a one-tap alternative (zoom and pan buttons), and the "districts" list
 * reaches every district by keypad or by one tap, however small it is on the map.
 *
 * Geometry: model (viewbox w x h, y down) -> screen: the map fits the map rect at zoom 1;
 * (pan_x, pan_y) is the model point at the rect's centre. Polygons are clipped to the
 * map rect (Sutherland-Hodgman) and the river to it (Liang-Barsky), so a zoomed map never
 * draws over the panel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "exhibits.h"
#include "hall/control_ids.h"
#include "hall/log.h"

typedef struct map_view {
	hall_rect map;      /* map rect on screen */
	hall_rect side;     /* controls and panel */
	int panel_page;     /* the panel is its own page (large text, narrow screens) */
	double scale;       /* px per model unit */
	double zoom;
	double cx, cy;      /* model point at the map's centre */
} map_view;

static double zoom_min(const hall_city_model *m)
{
	return m->zoom_min > 0 ? m->zoom_min : 1.0;
}

static double zoom_max(const hall_city_model *m)
{
	return m->zoom_max >= zoom_min(m) ? m->zoom_max : zoom_min(m);
}

static double zoom_step(const hall_city_model *m)
{
	return m->zoom_step > 0 ? m->zoom_step : 0.5;
}

/* Keep zoom in range and the centre inside the model. */
static void normalise(const hall_city_model *m, hall_exhibit_state *st)
{
	if (st->zoom <= 0 || !isfinite(st->zoom)) {
		st->zoom = zoom_min(m);
		st->pan_x = m->w / 2;
		st->pan_y = m->h / 2;
	}
	if (st->zoom < zoom_min(m))
		st->zoom = zoom_min(m);
	if (st->zoom > zoom_max(m))
		st->zoom = zoom_max(m);
	if (!isfinite(st->pan_x) || st->pan_x < 0)
		st->pan_x = 0;
	if (st->pan_x > m->w)
		st->pan_x = m->w;
	if (!isfinite(st->pan_y) || st->pan_y < 0)
		st->pan_y = 0;
	if (st->pan_y > m->h)
		st->pan_y = m->h;
}

static void layout(const hall_exhibit_ctx *c, const hall_exhibit_state *st, map_view *v)
{
	const hall_ui *ui = c->ui;
	const hall_city_model *m = &c->ex->u.city;
	hall_rect a = c->area;
	v->panel_page = ui->scale > 1 || a.w < ui->font_px * 24;
	if (a.w > a.h * 6 / 5) {
		/* Large text needs a wider column for its controls. */
		int mw = a.w * (ui->scale > 1 ? 45 : 60) / 100;
		v->map = (hall_rect){a.x, a.y, mw, a.h};
		v->side = (hall_rect){a.x + mw + ui->gap_px, a.y, a.w - mw - ui->gap_px, a.h};
	} else {
		int mh = a.h * 50 / 100;
		v->map = (hall_rect){a.x, a.y, a.w, mh};
		v->side = (hall_rect){a.x, a.y + mh + ui->gap_px, a.w, a.h - mh - ui->gap_px};
	}
	double sx = m->w > 0 ? v->map.w / m->w : 1, sy = m->h > 0 ? v->map.h / m->h : 1;
	v->zoom = st->zoom > 0 ? st->zoom : zoom_min(m);
	v->scale = (sx < sy ? sx : sy) * v->zoom;
	v->cx = st->zoom > 0 ? st->pan_x : m->w / 2;
	v->cy = st->zoom > 0 ? st->pan_y : m->h / 2;
}

static void to_screen(const map_view *v, double x, double y, double *sx, double *sy)
{
	*sx = v->map.x + v->map.w / 2.0 + (x - v->cx) * v->scale;
	*sy = v->map.y + v->map.h / 2.0 + (y - v->cy) * v->scale;
}

static void to_model(const map_view *v, int sx, int sy, double *x, double *y)
{
	*x = v->cx + (sx - (v->map.x + v->map.w / 2.0)) / v->scale;
	*y = v->cy + (sy - (v->map.y + v->map.h / 2.0)) / v->scale;
}

/* Even-odd point-in-polygon. */
static int inside_polygon(const hall_point *p, size_t n, double x, double y)
{
	int in = 0;
	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		if (((p[i].y > y) != (p[j].y > y)) &&
		    (x < (p[j].x - p[i].x) * (y - p[i].y) / (p[j].y - p[i].y) + p[i].x))
			in = !in;
	}
	return in;
}

/* Clip polygon (in, n points as x,y doubles) against one edge; returns the count out. */
static size_t clip_edge(const double *in, size_t n, double *out, int edge, double lim)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const double *a = &in[2 * i], *b = &in[2 * ((i + 1) % n)];
		double av = edge < 2 ? a[0] : a[1], bv = edge < 2 ? b[0] : b[1];
		int ain = (edge % 2 == 0) ? av >= lim : av <= lim;
		int bin = (edge % 2 == 0) ? bv >= lim : bv <= lim;
		if (ain) {
			out[2 * o] = a[0];
			out[2 * o + 1] = a[1];
			o++;
		}
		if (ain != bin && bv != av) {
			double t = (lim - av) / (bv - av);
			out[2 * o] = a[0] + t * (b[0] - a[0]);
			out[2 * o + 1] = a[1] + t * (b[1] - a[1]);
			o++;
		}
	}
	return o;
}

/* Liang-Barsky: clip segment to rect; returns 0 when nothing is left. */
static int clip_line(hall_rect r, double *x0, double *y0, double *x1, double *y1)
{
	double t0 = 0, t1 = 1, dx = *x1 - *x0, dy = *y1 - *y0;
	double p[4] = {-dx, dx, -dy, dy};
	double q[4] = {*x0 - r.x, r.x + r.w - *x0, *y0 - r.y, r.y + r.h - *y0};
	for (int i = 0; i < 4; i++) {
		if (p[i] == 0) {
			if (q[i] < 0)
				return 0;
			continue;
		}
		double t = q[i] / p[i];
		if (p[i] < 0) {
			if (t > t1)
				return 0;
			if (t > t0)
				t0 = t;
		} else {
			if (t < t0)
				return 0;
			if (t < t1)
				t1 = t;
		}
	}
	double nx0 = *x0 + t0 * dx, ny0 = *y0 + t0 * dy, nx1 = *x0 + t1 * dx, ny1 = *y0 + t1 * dy;
	*x0 = nx0;
	*y0 = ny0;
	*x1 = nx1;
	*y1 = ny1;
	return 1;
}

static int rects_overlap(hall_rect a, hall_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int rect_inside(hall_rect outer, hall_rect in)
{
	return in.x >= outer.x && in.y >= outer.y && in.x + in.w <= outer.x + outer.w &&
	       in.y + in.h <= outer.y + outer.h;
}

/* A name on the map in a box, unless it would overlap a name already placed. */
static void map_label(hall_ui *ui, const map_view *v, double mx, double my, const hall_text *text, hall_rect *placed,
                      int *nplaced, int maxplaced)
{
	/* the name and its language, resolved before either is used (as two arguments of one
	 * call their order of evaluation was unspecified: the language could be read unset) */
	hall_lang lang;
	const char *name = exhibits__text(ui, text, &lang);
	double sx, sy;
	to_screen(v, mx, my, &sx, &sy);
	int w, h;
	hall_ui_measure_text(ui, name, strlen(name), ui->font_px, lang, 0, &w, &h);
	int inset = ui->m.stroke_px * 2;
	hall_rect box = {(int)lround(sx) - w / 2 - inset, (int)lround(sy) - h / 2, w + 2 * inset, h};
	if (!rect_inside(v->map, box))
		return;
	for (int i = 0; i < *nplaced; i++)
		if (rects_overlap(placed[i], box))
			return;
	if (*nplaced < maxplaced)
		placed[(*nplaced)++] = box;
	hall_dl_item *b = hall_dl_box(ui->dl, box, ui->th->surface);
	if (b) {
		b->border = ui->th->map_line;
		b->border_px = ui->m.border_thin_px;
	}
	/* The text run gets the very rect that was checked (one measurement, not a second
	 * one inside hall_ui_text), so what is drawn is what the later names are kept off. */
	hall_dl_item *t = hall_dl_text(ui->dl, (hall_rect){box.x + inset, box.y, w, h}, name, ui->font_px, lang,
	                               ui->th->surface_text, ui->th->surface);
	if (t)
		t->bold = 0;
}

static void draw_map(const hall_exhibit_ctx *c, const hall_exhibit_state *st, const map_view *v)
{
	hall_ui *ui = c->ui;
	const hall_ui_theme *th = ui->th;
	const hall_city_model *m = &c->ex->u.city;
	hall_dl_item *bg = hall_dl_box(ui->dl, v->map, th->bg);
	if (bg) {
		bg->border = th->border;
		bg->border_px = ui->m.stroke_px;
	}
	size_t maxn = 0;
	for (size_t i = 0; i < m->n_districts; i++)
		if (m->districts[i].n_points > maxn)
			maxn = m->districts[i].n_points;
	size_t cap = 2 * (2 * maxn + 8);
	double *a = malloc(cap * sizeof(double)), *b = malloc(cap * sizeof(double));
	int *pts = malloc(cap * sizeof(int));
	if (!a || !b || !pts) {
		hall_error_log("city %s: out of memory drawing the map", c->ex->id);
		goto done;
	}
	for (size_t i = 0; i < m->n_districts; i++) {
		const hall_district *d = &m->districts[i];
		if (d->n_points < 3 || !d->points)
			continue; /* reported once by hall_exhibit_validate */
		for (size_t k = 0; k < d->n_points; k++)
			to_screen(v, d->points[k].x, d->points[k].y, &a[2 * k], &a[2 * k + 1]);
		size_t n = d->n_points;
		n = clip_edge(a, n, b, 0, v->map.x);
		n = clip_edge(b, n, a, 1, v->map.x + v->map.w);
		n = clip_edge(a, n, b, 2, v->map.y);
		n = clip_edge(b, n, a, 3, v->map.y + v->map.h);
		if (n < 3)
			continue;
		for (size_t k = 0; k < n; k++) {
			pts[2 * k] = (int)lround(a[2 * k]);
			pts[2 * k + 1] = (int)lround(a[2 * k + 1]);
		}
		hall_dl_item *poly =
			hall_dl_polygon(ui->dl, pts, (int)n, (int)i == st->district ? th->land_selected : th->land);
		if (poly) {
			poly->border = th->map_line;
			poly->border_px = (int)i == st->district ? ui->m.stroke_bold_px : ui->m.stroke_px;
		}
	}
	/* Boundaries as lines (clipped), so districts read apart without relying on fill
	 * colours; the selected one is traced thicker. */
	for (size_t i = 0; i < m->n_districts; i++) {
		const hall_district *d = &m->districts[i];
		if (d->n_points < 3 || !d->points)
			continue;
		int w = (int)i == st->district ? ui->m.stroke_bold_px + ui->m.border_thin_px : ui->m.stroke_px;
		for (size_t k = 0; k < d->n_points; k++) {
			double x0, y0, x1, y1;
			to_screen(v, d->points[k].x, d->points[k].y, &x0, &y0);
			to_screen(v, d->points[(k + 1) % d->n_points].x, d->points[(k + 1) % d->n_points].y, &x1, &y1);
			if (clip_line(v->map, &x0, &y0, &x1, &y1))
				hall_dl_line(ui->dl, (int)lround(x0), (int)lround(y0), (int)lround(x1), (int)lround(y1), th->map_line,
				             w);
		}
	}
	if (m->has_river && m->river && m->n_river >= 2) {
		for (size_t k = 0; k + 1 < m->n_river; k++) {
			double x0, y0, x1, y1;
			to_screen(v, m->river[k].x, m->river[k].y, &x0, &y0);
			to_screen(v, m->river[k + 1].x, m->river[k + 1].y, &x1, &y1);
			if (clip_line(v->map, &x0, &y0, &x1, &y1))
				hall_dl_line(ui->dl, (int)lround(x0), (int)lround(y0), (int)lround(x1), (int)lround(y1),
				             th->river, (int)lround(8 * v->zoom) * ui->scale);
		}
	}
	/* Names: the selected district first, then the river, then the others where room. */
	hall_rect placed[HALL_CONTENT_DISTRICTS_MAX + 2];
	int np = 0, maxp = (int)(sizeof(placed) / sizeof(placed[0]));
	if (st->district >= 0 && (size_t)st->district < m->n_districts) {
		const hall_district *d = &m->districts[st->district];
		map_label(ui, v, d->label.x, d->label.y, &d->name, placed, &np, maxp);
	}
	if (m->has_river && m->river && m->n_river >= 2) {
		size_t mid = m->n_river / 2;
		map_label(ui, v, m->river[mid].x, m->river[mid].y, &m->river_name, placed, &np, maxp);
	}
	for (size_t i = 0; i < m->n_districts; i++) {
		if ((int)i == st->district || m->districts[i].n_points < 3)
			continue;
		const hall_district *d = &m->districts[i];
		map_label(ui, v, d->label.x, d->label.y, &d->name, placed, &np, maxp);
	}
done:
	free(a);
	free(b);
	free(pts);
	/* The map's own target: a tap is resolved to a district by point-in-polygon. */
	char label[600];
	snprintf(label, sizeof(label), "%s. %s", exhibits__text(ui, &c->ex->title, NULL),
	         hall_ui_string(HALL_STR_MAP_HINT, ui->lang));
	hall_ui_hit(ui, v->map, "map", HALL_ACT_0(HALL_ACT_MAP), HALL_ROLE_REGION, label);
}

typedef struct city_ctx {
	const hall_exhibit_ctx *c;
	const hall_city_model *m;
	int district;
	int panel_page;                        /* the panel has a page of its own */
	const hall_ui_button_spec *controls;   /* side column of the map view: CONTROL_SLOTS */
	const int *shown;                      /* controls[i] can act now (else its slot is empty) */
	const char *zoom_text;
} city_ctx;

/* The map's controls in fixed slots, two a row under the list's button: a control that
 * cannot act now (zoom out at the smallest zoom, a move at the edge or with nothing to
 * move) is not drawn, its slot stays empty, so the others keep their places as the
 * visitor zooms and moves (issue #12 Build 11: every button works or is not shown). */
enum { CONTROL_SLOTS = 7 };

static void control_slots(hall_ui_flow *f, const hall_ui_button_spec *b, const int *shown)
{
	hall_ui *ui = f->ui;
	int half = (f->area.w - ui->gap_px) / 2;
	/* slot rows: [0] the list, full width; then [1 2] zoom, [3 4] left/right, [5 6] up/down */
	static const int rows[4][2] = {{0, -1}, {1, 2}, {3, 4}, {5, 6}};
	for (int r = 0; r < 4; r++) {
		int wide = rows[r][1] < 0;
		/* A row with nothing to show takes no room: only the moves' rows at the smallest
		 * zoom, under every control shown, so nothing shown moves (a hidden row there
		 * was a blank page of the side column in large text). */
		if (!shown[rows[r][0]] && (wide || !shown[rows[r][1]]))
			continue;
		int w = wide ? f->area.w : half, h = 0;
		for (int k = 0; k < 2 && rows[r][k] >= 0; k++) {
			int bw, bh;
			hall_ui_button_size(ui, b[rows[r][k]].text, b[rows[r][k]].lang, w, &bw, &bh);
			h = bh > h ? bh : h;
		}
		hall_rect rr;
		if (!hall_ui_flow_take(f, h, ui->gap_px, &rr))
			continue;
		for (int k = 0; k < 2 && rows[r][k] >= 0; k++) {
			const hall_ui_button_spec *s = &b[rows[r][k]];
			if (shown[rows[r][k]])
				hall_ui_button(ui, (hall_rect){rr.x + k * (half + ui->gap_px), rr.y, w, h}, s->id, s->act, s->role,
				               s->text, s->lang, s->spoken, s->style);
		}
	}
}

static void panel_flow(void *ctx, hall_ui_flow *f)
{
	city_ctx *cc = ctx;
	hall_ui *ui = f->ui;
	if (cc->district < 0) {
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_MAP_HINT, ui->lang), ui->lang, 0, ui->th->text, ui->th->bg);
		return;
	}
	const hall_district *d = &cc->m->districts[cc->district];
	hall_lang l;
	const char *panel = exhibits__text(ui, &d->panel, &l); /* sets l before it is passed */
	/* The district's name stays with the first lines of its text. */
	hall_lang nl;
	const char *name = exhibits__text(ui, &d->name, &nl);
	int pl = hall_ui_count_lines(ui, panel, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 2);
	hall_ui_flow_keep(f, hall_ui_count_lines(ui, name, ui->title_px, nl, 1, f->area.w, 4) * ui->title_line_h +
	                         ui->gap_px + pl * ui->line_h);
	exhibits__title(f, &d->name);
	hall_ui_flow_text(f, panel, l, 0, ui->th->text, ui->th->bg);
	exhibits__figures(f, d->facts, d->n_facts);
}

/* Beside (or under) the map: the zoom level, the controls, then the panel or a hint. */
static void side_flow(void *ctx, hall_ui_flow *f)
{
	city_ctx *cc = ctx;
	hall_ui *ui = f->ui;
	exhibits__title(f, &cc->c->ex->title);
	hall_ui_flow_text(f, cc->zoom_text, ui->lang, 0, ui->th->text, ui->th->bg);
	control_slots(f, cc->controls, cc->shown);
	if (!cc->panel_page || cc->district < 0)
		panel_flow(ctx, f);
}

/* The list as rows of buttons at the body size, paging: when no card grid holds every
 * district on one page (large text). */
static void list_buttons(city_ctx *cc, hall_ui_flow *f)
{
	hall_ui *ui = f->ui;
	int cols = f->area.w / (ui->font_px * 8);
	if (cols < 1)
		cols = 1;
	if (cols > 5)
		cols = 5;
	int col_w = (f->area.w - (cols - 1) * ui->gap_px) / cols;
	size_t n = cc->m->n_districts;
	for (size_t i = 0; i < n; i += (size_t)cols) {
		int row_h = 0;
		for (size_t k = i; k < n && k < i + (size_t)cols; k++) {
			hall_lang l;
			const char *s = exhibits__text(ui, &cc->m->districts[k].name, &l);
			int w, h;
			hall_ui_button_size(ui, s[0] ? s : "?", l, col_w, &w, &h);
			if (h > row_h)
				row_h = h;
		}
		hall_rect r;
		if (!hall_ui_flow_take(f, row_h, ui->gap_px, &r))
			continue;
		for (size_t k = i; k < n && k < i + (size_t)cols; k++) {
			hall_lang l;
			const hall_district *d = &cc->m->districts[k];
			const char *s = exhibits__text(ui, &d->name, &l);
			char id[96];
			snprintf(id, sizeof(id), HALL_CONTROL_DISTRICT "%s", d->id);
			hall_ui_button(ui, (hall_rect){r.x + (int)(k - i) * (col_w + ui->gap_px), r.y, col_w, row_h}, id,
			               HALL_ACT(HALL_ACT_DISTRICT, (int)k), HALL_ROLE_LINK, s[0] ? s : "?", l, NULL,
			               (int)k == cc->district ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON);
		}
	}
}

/* One district's card: the button component (its fill, outline, focus ring and
 * selected state) with the name at px, lh instead of the body size. */
static void district_card(hall_ui *ui, hall_rect r, const hall_district *d, int k, int selected, int px, int lh)
{
	hall_lang l;
	const char *s = exhibits__text(ui, &d->name, &l);
	char id[96];
	snprintf(id, sizeof(id), HALL_CONTROL_DISTRICT "%s", d->id);
	int fpx = ui->font_px, flh = ui->line_h;
	ui->font_px = px;
	ui->line_h = lh;
	hall_ui_button(ui, r, id, HALL_ACT(HALL_ACT_DISTRICT, k), HALL_ROLE_LINK, s[0] ? s : "?", l, NULL,
	               selected ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON);
	ui->font_px = fpx;
	ui->line_h = flh;
}

/* 1 when every word of a name (up to a space, or a hyphen with it: "Yeongdeungpo-") fits
 * w at px: a name wraps between words, never inside one ("Yeongdeungp / o-gu"). */
static int words_fit(const hall_ui *ui, const char *s, int px, hall_lang l, int w)
{
	while (*s) {
		size_t n = strcspn(s, " -");
		size_t len = n + (s[n] == '-');
		int ww, wh;
		hall_ui_measure_text(ui, s, len, px, l, 1, &ww, &wh);
		if (ww > w)
			return 0;
		s += len;
		while (*s == ' ')
			s++;
	}
	return 1;
}

/* The height of each row of the grid's cards at px in columns of col_w: its tallest name
 * and the padding, a target at least. Returns their sum with the gaps between, or -1
 * when a name needs more than max_lines lines or breaks inside a word. */
static int grid_rows_h(const hall_ui *ui, const hall_city_model *m, int px, int lh, int cols, int col_w, int max_lines,
                       int *row_h)
{
	int sum = 0, n = (int)m->n_districts;
	for (int r0 = 0, r = 0; r0 < n; r0 += cols, r++) {
		int h = 0;
		for (int k = r0; k < n && k < r0 + cols; k++) {
			hall_lang l;
			const char *s = exhibits__text(ui, &m->districts[k].name, &l);
			int lines = hall_ui_count_lines(ui, s[0] ? s : "?", px, l, 1, col_w - 2 * ui->hpad_px, 3);
			if (lines > max_lines || (lines > 1 && !words_fit(ui, s, px, l, col_w - 2 * ui->hpad_px)))
				return -1;
			h = lines * lh > h ? lines * lh : h;
		}
		h += ui->pad_px;
		row_h[r] = h < ui->target_px ? ui->target_px : h;
		sum += row_h[r] + (r ? ui->gap_px : 0);
	}
	return sum;
}

/* The district list (issue #12 Build 7: every district one tap away): a grid of cards
 * that shares the page's room, each name as large as the grid allows (the key-figure or
 * title size on one line, then on two, then the body size), as many columns as hold them;
 * when no grid holds every district on the page (large text), buttons at the body size
 * that page. */
static void list_flow(void *ctx, hall_ui_flow *f)
{
	city_ctx *cc = ctx;
	hall_ui *ui = f->ui;
	const hall_city_model *m = cc->m;
	hall_ui_flow_text(f, hall_ui_string(HALL_STR_DISTRICTS, ui->lang), ui->lang, 1, ui->th->text, ui->th->bg);
	int n = (int)m->n_districts;
	int room = f->area.y + f->area.h - f->y - ui->gap_px;
	int max_cols = f->area.w > f->area.h ? 5 : 3;
	const int px[3] = {ui->figure_px, ui->title_px, ui->font_px};
	const int lh[3] = {ui->figure_line_h, ui->title_line_h, ui->line_h};
	int row_h[HALL_CONTENT_DISTRICTS_MAX];
	/* names on one line at the two large sizes, then on two, then the body size */
	static const int tries[6][2] = {{0, 1}, {1, 1}, {0, 2}, {1, 2}, {2, 1}, {2, 2}}; /* {size, lines} */
	for (int t = 0; t < 6 && n > 0 && n <= (int)HALL_CONTENT_DISTRICTS_MAX; t++) {
		int k = tries[t][0];
		for (int cols = max_cols; cols >= 2; cols--) {
			int col_w = exhibits__grid_col_w(ui, f->area.w, cols);
			int sum = grid_rows_h(ui, m, px[k], lh[k], cols, col_w, tries[t][1], row_h);
			if (sum < 0 || sum > room)
				continue;
			/* the rows share the room left, each as it needs plus an equal part */
			int rows = (n + cols - 1) / cols, extra = (room - sum) / rows;
			for (int r0 = 0, r = 0; r0 < n; r0 += cols, r++) {
				hall_rect rr;
				if (!hall_ui_flow_take(f, row_h[r] + extra, ui->gap_px, &rr))
					continue;
				for (int i = r0; i < n && i < r0 + cols; i++)
					district_card(ui, (hall_rect){rr.x + (i - r0) * (col_w + ui->gap_px), rr.y, col_w, rr.h},
					              &m->districts[i], i, i == cc->district, px[k], lh[k]);
			}
			return;
		}
	}
	list_buttons(cc, f);
}

void exhibits__build_city(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	hall_ui *ui = c->ui;
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	if (st->district >= (int)m->n_districts)
		st->district = -1;
	city_ctx cc = {c, m, st->district, 0, NULL, NULL, NULL};
	hall_lang l;
	const char *title = exhibits__text(ui, &c->ex->title, &l);
	/* tour (issue 12 Build 9): a district chosen is what the voice says on arriving (the
	 * heading, first one wins): it read the exhibit's title over every district. */
	if (st->district >= 0 && !st->list) {
		hall_lang dl;
		hall_ui_set_heading(ui, exhibits__text(ui, &m->districts[st->district].name, &dl));
	}
	if (m->n_districts == 0 || m->w <= 0 || m->h <= 0) {
		hall_ui_text_box(ui, c->area, hall_ui_string(HALL_STR_CONTENT_ERROR, ui->lang), ui->font_px, ui->lang, 0,
		                 ui->th->text, ui->th->bg, 0);
		st->pages = 1;
		return;
	}
	if (st->list) {
		st->pages = hall_ui_paged(ui, c->area, &st->page, list_flow, &cc);
		return;
	}
	map_view v;
	layout(c, st, &v);
	cc.panel_page = v.panel_page;
	if (st->district >= 0 && v.panel_page) {
		/* Large text: the panel is a page of its own, with a way back to the map. */
		int bw, bh;
		const char *map_s = hall_ui_string(HALL_STR_MAP, ui->lang);
		hall_ui_button_size(ui, map_s, ui->lang, c->area.w, &bw, &bh);
		hall_ui_button(ui, (hall_rect){c->area.x, c->area.y, bw, bh}, "show-map", HALL_ACT_0(HALL_ACT_SHOW_MAP),
		               HALL_ROLE_BUTTON, map_s, ui->lang,
		               NULL, HALL_UI_BUTTON);
		hall_rect rest = {c->area.x, c->area.y + bh + ui->gap_px, c->area.w, c->area.h - bh - ui->gap_px};
		st->pages = hall_ui_paged(ui, rest, &st->page, panel_flow, &cc);
		return;
	}
	(void)title;
	draw_map(c, st, &v);

	/* Controls: one-tap alternatives to pinch and drag, and the district list. */
	char zl[64], zs[32];
	hall_ui_format_number(zs, sizeof(zs), st->zoom, fabs(st->zoom - round(st->zoom)) < 1e-9 ? 0 : 1);
	hall_ui_fill(zl, sizeof(zl), hall_ui_string(HALL_STR_ZOOM_LEVEL, ui->lang), zs, NULL);
	int can_in = st->zoom < zoom_max(m) - 1e-9, can_out = st->zoom > zoom_min(m) + 1e-9;
	const hall_lang lg = ui->lang;
	const hall_ui_button_style plain = HALL_UI_BUTTON;
	hall_ui_button_spec controls[CONTROL_SLOTS] = {
		{"districts", HALL_ACT_0(HALL_ACT_DISTRICT_LIST), hall_ui_string(HALL_STR_DISTRICTS, lg), lg, NULL,
		 HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY},
		{"zoom-in", HALL_ACT(HALL_ACT_ZOOM, 1), hall_ui_string(HALL_STR_ZOOM_IN, lg), lg, NULL, HALL_ROLE_BUTTON, plain},
		{"zoom-out", HALL_ACT(HALL_ACT_ZOOM, -1), hall_ui_string(HALL_STR_ZOOM_OUT, lg), lg, NULL, HALL_ROLE_BUTTON,
		 plain},
		{"pan-left", HALL_ACT(HALL_ACT_PAN, HALL_PAN_LEFT), hall_ui_string(HALL_STR_PAN_LEFT, lg), lg, NULL,
		 HALL_ROLE_BUTTON, plain},
		{"pan-right", HALL_ACT(HALL_ACT_PAN, HALL_PAN_RIGHT), hall_ui_string(HALL_STR_PAN_RIGHT, lg), lg, NULL,
		 HALL_ROLE_BUTTON, plain},
		{"pan-up", HALL_ACT(HALL_ACT_PAN, HALL_PAN_UP), hall_ui_string(HALL_STR_PAN_UP, lg), lg, NULL,
		 HALL_ROLE_BUTTON, plain},
		{"pan-down", HALL_ACT(HALL_ACT_PAN, HALL_PAN_DOWN), hall_ui_string(HALL_STR_PAN_DOWN, lg), lg, NULL,
		 HALL_ROLE_BUTTON, plain},
	};
	/* At the smallest zoom the map shows everything: nothing to move. Zoomed in, a move
	 * is there while the view can still go that way. */
	int shown[CONTROL_SLOTS] = {1,
	                            can_in,
	                            can_out,
	                            can_out && st->pan_x > 0,
	                            can_out && st->pan_x < m->w,
	                            can_out && st->pan_y > 0,
	                            can_out && st->pan_y < m->h};
	cc.controls = controls;
	cc.shown = shown;
	cc.zoom_text = zl;
	st->pages = hall_ui_paged(ui, v.side, &st->page, side_flow, &cc);
}

static void pan_by(const hall_exhibit_ctx *c, hall_exhibit_state *st, double fx, double fy)
{
	map_view v;
	layout(c, st, &v);
	st->pan_x += fx * v.map.w / v.scale;
	st->pan_y += fy * v.map.h / v.scale;
	normalise(&c->ex->u.city, st);
}

hall_exhibit_result exhibits__activate_city(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act)
{
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	if (act.kind == HALL_ACT_ZOOM) {
		double old = st->zoom;
		st->zoom += act.arg > 0 ? zoom_step(m) : -zoom_step(m);
		normalise(m, st);
		return st->zoom != old ? HALL_EXHIBIT_CHANGED : HALL_EXHIBIT_NONE;
	}
	if (act.kind == HALL_ACT_PAN && act.arg >= 0 && act.arg <= HALL_PAN_DOWN) {
		static const double dir[4][2] = {{-0.25, 0}, {0.25, 0}, {0, -0.25}, {0, 0.25}}; /* by hall_pan_dir */
		double ox = st->pan_x, oy = st->pan_y;
		pan_by(c, st, dir[act.arg][0], dir[act.arg][1]);
		return ox != st->pan_x || oy != st->pan_y ? HALL_EXHIBIT_CHANGED : HALL_EXHIBIT_NONE;
	}
	if (act.kind == HALL_ACT_DISTRICT_LIST || act.kind == HALL_ACT_SHOW_MAP) {
		if (act.kind == HALL_ACT_SHOW_MAP)
			st->district = -1;
		st->list = act.kind == HALL_ACT_DISTRICT_LIST;
		st->page = 0;
		return HALL_EXHIBIT_CHANGED;
	}
	if (act.kind == HALL_ACT_DISTRICT && act.arg >= 0 && (size_t)act.arg < m->n_districts) {
		size_t i = (size_t)act.arg;
		st->district = (int)i;
		st->list = 0;
		st->page = 0;
		/* Bring the district into view. */
		if (st->zoom > zoom_min(m)) {
			st->pan_x = m->districts[i].label.x;
			st->pan_y = m->districts[i].label.y;
			normalise(m, st);
		}
		return HALL_EXHIBIT_CHANGED;
	}
	return HALL_EXHIBIT_NONE;
}

hall_exhibit_result hall_exhibit_tap_map(const hall_exhibit_ctx *c, hall_exhibit_state *st, int x, int y)
{
	if (!c || !c->ex || c->ex->kind != HALL_EXHIBIT_CITY_MODEL || !st)
		return HALL_EXHIBIT_NONE;
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	map_view v;
	layout(c, st, &v);
	double mx, my;
	to_model(&v, x, y, &mx, &my);
	/* Last drawn is on top: search from the end. */
	for (size_t i = m->n_districts; i-- > 0;) {
		const hall_district *d = &m->districts[i];
		if (d->n_points >= 3 && d->points && inside_polygon(d->points, d->n_points, mx, my)) {
			st->district = (int)i;
			st->page = 0;
			return HALL_EXHIBIT_CHANGED;
		}
	}
	return HALL_EXHIBIT_NONE;
}

size_t hall_exhibit_map_points(const hall_exhibit_ctx *c, hall_exhibit_state *st, int *xy, size_t cap)
{
	if (!c || !c->ex || c->ex->kind != HALL_EXHIBIT_CITY_MODEL || !st || st->list || !xy)
		return 0;
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	map_view v;
	layout(c, st, &v);
	size_t n = 0;
	for (size_t i = 0; i < m->n_districts && n < cap; i++) {
		double sx, sy;
		to_screen(&v, m->districts[i].label.x, m->districts[i].label.y, &sx, &sy);
		int x = (int)lround(sx), y = (int)lround(sy);
		if (x >= v.map.x && x < v.map.x + v.map.w && y >= v.map.y && y < v.map.y + v.map.h) {
			xy[2 * n] = x;
			xy[2 * n + 1] = y;
			n++;
		}
	}
	return n;
}

hall_exhibit_result hall_exhibit_drag(const hall_exhibit_ctx *c, hall_exhibit_state *st, int dx, int dy)
{
	if (!c || !c->ex || c->ex->kind != HALL_EXHIBIT_CITY_MODEL || !st || st->list)
		return HALL_EXHIBIT_NONE;
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	map_view v;
	layout(c, st, &v);
	double ox = st->pan_x, oy = st->pan_y;
	st->pan_x -= dx / v.scale;
	st->pan_y -= dy / v.scale;
	normalise(m, st);
	return ox != st->pan_x || oy != st->pan_y ? HALL_EXHIBIT_CHANGED : HALL_EXHIBIT_NONE;
}

hall_exhibit_result hall_exhibit_pinch(const hall_exhibit_ctx *c, hall_exhibit_state *st, int cx, int cy,
                                       double scale)
{
	if (!c || !c->ex || c->ex->kind != HALL_EXHIBIT_CITY_MODEL || !st || st->list || !(scale > 0) ||
	    !isfinite(scale))
		return HALL_EXHIBIT_NONE;
	const hall_city_model *m = &c->ex->u.city;
	normalise(m, st);
	map_view v;
	layout(c, st, &v);
	/* Keep the model point under the fingers' centre where it is. */
	double px, py;
	to_model(&v, cx, cy, &px, &py);
	double oz = st->zoom;
	st->zoom *= scale;
	normalise(m, st);
	if (st->zoom == oz)
		return HALL_EXHIBIT_NONE;
	double k = oz / st->zoom;
	st->pan_x = px - (px - st->pan_x) * k;
	st->pan_y = py - (py - st->pan_y) * k;
	normalise(m, st);
	return HALL_EXHIBIT_CHANGED;
}
