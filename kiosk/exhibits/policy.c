/* policy.c: the office's work as cards that open detail pages (title, text, image, key
 * figures), and charts (bar, donut) drawn from the content's numbers.
 *
 * State: st->slide = 0 on the list; 1..n_cards an open card (index + 1); then the charts.
 * Every view is a flow split into pages ("page-prev"/"page-next") when it overflows. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "exhibits.h"
#include "hall/control_ids.h"
#include "hall/log.h"

typedef struct policy_ctx {
	const hall_exhibit_ctx *c;
	const hall_policy *p;
	int item;
} policy_ctx;

static const hall_text *item_title(const hall_policy *p, size_t k)
{
	return k < p->n_cards ? &p->cards[k].title : &p->charts[k - p->n_cards].title;
}

/* ---- the list: picture cards (issue #12: "every policy card has a picture"; the list
 * was ten outlined text buttons over an empty screen) ----
 * Every item is a picture tile in the theme's tile style (as home's): its picture (a
 * card's own; a chart's drawn from its numbers) and a caption band with its title at the
 * title size (the body size, bold, in large text, which is already twice the body).
 * The cards fill the screen: rows share the room under the intro. */

#define LIST_COLS_MAX 5
/* The caption's padding above and below its lines: half the side padding, as a button's
 * label has (the line height already holds the letters' leading). */
#define LIST_VPAD(ui) ((ui)->pad_px / 4)

/* How the cards of `cols` columns are laid out: the picture over the caption, or (side)
 * left of it, a quarter of the card wide, so that in large text a picture costs no
 * height. */
typedef struct list_shape {
	int cols, side;
	int gap;                 /* between cards */
	int col_w, pic_w, inner; /* inner: the caption's text width */
	int title_px, title_lh;
} list_shape;

static list_shape list_shape_of(const hall_ui *ui, int area_w, int cols, int side, int small)
{
	list_shape s;
	s.cols = cols;
	s.side = side;
	/* Cards keep the grid's gap of the normal size (3 mm and 12 px at least) in large
	 * text too: it is room between targets, not text, and the doubled gap cost the
	 * 32-inch screen a page of cards. */
	s.gap = ui->gap_px * 2 / (ui->halves > 2 ? ui->halves : 2);
	s.col_w = cols > 0 ? (area_w - (cols - 1) * s.gap) / cols : area_w;
	/* Beside the caption the picture takes a quarter of the card; in large text it is a
	 * thumbnail a target wide, so the title keeps the width its lines need. */
	int quarter = s.col_w / 4;
	s.pic_w = !side ? s.col_w : ui->scale > 1 && ui->target_px < quarter ? ui->target_px : quarter;
	s.inner = (side ? s.col_w - s.pic_w : s.col_w) - 2 * ui->pad_px;
	s.title_px = ui->scale > 1 || small ? ui->font_px : ui->title_px;
	s.title_lh = ui->scale > 1 || small ? ui->line_h : ui->title_line_h;
	return s;
}

/* The item's picture: a card's image (NULL when it has none or it cannot be read). */
static const hall_asset *list_picture(const policy_ctx *pc, size_t k)
{
	char path[8];
	if (k >= pc->p->n_cards || !pc->p->cards[k].image)
		return NULL;
	/* (asset_path writes a path; only whether it is there matters here) */
	return exhibits__asset_path(pc->c, pc->p->cards[k].image, path, sizeof(path)) ? pc->p->cards[k].image : NULL;
}

static int list_has_picture(const policy_ctx *pc, size_t k)
{
	return k >= pc->p->n_cards ? pc->p->charts[k - pc->p->n_cards].n_series > 0 : list_picture(pc, k) != NULL;
}

/* The caption band's height: the whole title (never cut) and padding. */
static int list_caption_h(const policy_ctx *pc, const list_shape *s, size_t k)
{
	const hall_ui *ui = pc->c->ui;
	hall_lang tl;
	const char *t = exhibits__text(ui, item_title(pc->p, k), &tl);
	int lines = hall_ui_count_lines(ui, t[0] ? t : "?", s->title_px, tl, 1, s->inner, 40);
	return (lines < 1 ? 1 : lines) * s->title_lh + 2 * LIST_VPAD(ui);
}

/* Least and natural heights of the row of items [i, i + cols): the captions with the
 * picture at its least (a 4:1 strip, a target at least) and at 4:3 (beside the caption:
 * the caption, and half as tall again). */
static void list_row_heights(const policy_ctx *pc, const list_shape *s, size_t n, size_t i, int *least, int *nat)
{
	const hall_ui *ui = pc->c->ui;
	*least = *nat = ui->target_px;
	for (size_t k = i; k < n && k < i + (size_t)s->cols; k++) {
		int cap = list_caption_h(pc, s, k);
		int lo, hi;
		if (s->side) {
			lo = cap;
			/* (a page's rows grow by up to half their height into its spare room, so a
			 * page of thumbnails still fills the screen) */
			hi = cap * 3 / 2 > s->pic_w * 3 / 4 ? cap * 3 / 2 : s->pic_w * 3 / 4;
		} else {
			int pmin = s->col_w / 4 > ui->target_px ? s->col_w / 4 : ui->target_px;
			lo = cap + (list_has_picture(pc, k) ? pmin : 0);
			hi = cap + (list_has_picture(pc, k) ? s->col_w * 3 / 4 : 0);
		}
		*least = lo > *least ? lo : *least;
		*nat = hi > *nat ? hi : *nat;
	}
}

typedef struct list_plan {
	list_shape s;
	int pages, first, cuts;
	size_t rows;
	int row_h[HALL_CONTENT_CARDS_MAX + HALL_CONTENT_CHARTS_MAX];
} list_plan;

static void list_plan_of(const policy_ctx *pc, const hall_ui_flow *f, size_t n, int cols, int side, int small,
                         list_plan *p)
{
	int least[HALL_CONTENT_CARDS_MAX + HALL_CONTENT_CHARTS_MAX], nat[HALL_CONTENT_CARDS_MAX + HALL_CONTENT_CHARTS_MAX];
	p->s = list_shape_of(f->ui, f->area.w, cols, side, small);
	p->rows = (n + (size_t)cols - 1) / (size_t)cols;
	for (size_t r = 0; r < p->rows; r++)
		list_row_heights(pc, &p->s, n, r * (size_t)cols, &least[r], &nat[r]);
	int first_rows;
	exhibits__grid_place(f, p->rows, least, nat, 1, p->s.gap, p->row_h, &p->pages, &first_rows, &p->cuts);
	p->first = first_rows * cols < (int)n ? first_rows * cols : (int)n;
}

/* The best plan: nothing cut, fewest pages, titles at the title size (else the body
 * size, bold: a short screen), most items on the first page, rows of equal length (ten
 * as 5 x 2, not 4 + 4 + 2), then pictures over their captions (larger). */
static int list_plan_better(const list_plan *a, const list_plan *b, size_t n)
{
	if (a->cuts != b->cuts)
		return a->cuts < b->cuts;
	if (a->pages != b->pages)
		return a->pages < b->pages;
	if (a->s.title_px != b->s.title_px)
		return a->s.title_px > b->s.title_px;
	if (a->first != b->first)
		return a->first > b->first;
	int ea = n % (size_t)a->s.cols == 0, eb = n % (size_t)b->s.cols == 0;
	if (ea != eb)
		return ea;
	return !a->s.side && b->s.side;
}

/* A chart's picture, drawn from its own numbers in r: a bar per value on the scale's
 * track (the execution rate where every bar has one, the measure its chart tells), or
 * the shares as columns in the series' colours. */
static void list_chart_picture(hall_ui *ui, hall_rect r, const hall_chart *ch)
{
	const hall_ui_theme *th = ui->th;
	int n = ch->n_series < HALL_CONTENT_SERIES_MAX ? (int)ch->n_series : (int)HALL_CONTENT_SERIES_MAX;
	hall_dl_box(ui->dl, r, th->surface);
	if (n == 0)
		return;
	int by_secondary = 1;
	double max = 0;
	for (int i = 0; i < n; i++)
		by_secondary &= ch->series[i].has_secondary;
	for (int i = 0; i < n; i++) {
		double v = by_secondary ? ch->series[i].secondary : ch->series[i].value;
		max = v > max ? v : max;
	}
	/* A rate in per cent is read against the whole: its track is 100 %. */
	if (by_secondary && strcmp(exhibits__text(ui, &ch->secondary_unit, NULL), "%") == 0 && max < 100)
		max = 100;
	if (max <= 0)
		return;
	/* (a tenth of the picture's width around the chart: a thumbnail keeps its marks) */
	int pad = r.w / 10 < ui->pad_px ? r.w / 10 : ui->pad_px;
	hall_rect in = {r.x + pad, r.y + pad, r.w - 2 * pad, r.h - 2 * pad};
	if (in.w < n || in.h < n)
		return;
	for (int i = 0; i < n; i++) {
		double v = by_secondary ? ch->series[i].secondary : ch->series[i].value;
		hall_dl_item *b;
		if (ch->type == HALL_CHART_DONUT) { /* shares: columns side by side */
			int slot = in.w / n, w = slot * 2 / 3, h = (int)(in.h * (v > 0 ? v / max : 0) + 0.5);
			h = h < 2 && v > 0 ? 2 : h;
			b = hall_dl_box(ui->dl, (hall_rect){in.x + i * slot + (slot - w) / 2, in.y + in.h - h, w, h},
			                th->series[i % 6]);
		} else { /* a bar a row on its track */
			int slot = in.h / n, h = slot * 2 / 3, w = (int)(in.w * (v > 0 ? v / max : 0) + 0.5);
			int y = in.y + i * slot + (slot - h) / 2;
			w = w < 2 && v > 0 ? 2 : w;
			hall_dl_box(ui->dl, (hall_rect){in.x, y, in.w, h}, th->track);
			b = hall_dl_box(ui->dl, (hall_rect){in.x, y, w, h}, th->series[0]);
		}
		if (b && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST)) {
			b->border = th->text;
			b->border_px = ui->m.stroke_px;
		}
	}
}

/* One card in `tile`: the tile's box (its outline), the picture, the caption band with
 * the title, and the card's target doing `act`. band: the row's caption band under the
 * pictures (its tallest caption), so a row's titles line up and its pictures share one
 * size (one decoded texture a size: bench/kiosk decoded the list's pictures at every
 * caption's height). */
static void list_card(policy_ctx *pc, const list_shape *s, hall_rect tile, size_t k, int band)
{
	hall_ui *ui = pc->c->ui;
	const hall_policy *p = pc->p;
	hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_TILE);
	hall_theme_box(ui->dl, tile, &st);
	int b = st.border_px;
	int cap = list_caption_h(pc, s, k);
	if (cap > tile.h)
		cap = tile.h;
	band = band < cap ? cap : band > tile.h ? tile.h : band;
	hall_rect pic = s->side ? (hall_rect){tile.x + b, tile.y + b, s->pic_w - b, tile.h - 2 * b}
	                        : (hall_rect){tile.x + b, tile.y + b, tile.w - 2 * b, tile.h - band - b};
	/* A picture beside a short caption is no wider than twice its height: a strip
	 * flatter than that crops its subject away (the caption keeps its place). */
	if (s->side && pic.w > 2 * pic.h)
		pic.w = 2 * pic.h;
	int has_pic = list_has_picture(pc, k) && pic.w >= ui->target_px / 2 && pic.h >= ui->target_px / 2;
	if (has_pic && k < p->n_cards) {
		char path[1024];
		if (exhibits__asset_path(pc->c, list_picture(pc, k), path, sizeof(path)))
			hall_dl_image(ui->dl, pic, path, 1);
	} else if (has_pic) {
		list_chart_picture(ui, pic, &p->charts[k - p->n_cards]);
	}
	/* The caption: under the picture, beside it (in the middle of the card's height), or
	 * the whole card when there is no picture. */
	int tx = tile.x + ui->pad_px, tw = s->inner;
	int vpad = LIST_VPAD(ui);
	int ty = tile.y + tile.h - band + vpad;
	if (s->side && has_pic) { /* (next to the picture as drawn: wider never wraps more) */
		tx = pic.x + pic.w + ui->pad_px;
		tw = tile.x + tile.w - ui->pad_px - tx;
		ty = tile.y + (tile.h - cap) / 2 + vpad;
	} else if (!has_pic) {
		ty = tile.y + (tile.h - cap) / 2 + vpad;
		tw = tile.w - 2 * ui->pad_px;
	}
	hall_lang tl;
	const char *t = exhibits__text(ui, item_title(p, k), &tl);
	hall_ui_text_box(ui, (hall_rect){tx, ty, tw, cap - 2 * vpad}, t[0] ? t : "?", s->title_px, tl, 1, st.text,
	                 st.fill, 0);
	char id[96];
	hall_act act;
	if (k < p->n_cards) {
		snprintf(id, sizeof(id), HALL_CONTROL_CARD "%s", p->cards[k].id);
		act = HALL_ACT(HALL_ACT_OPEN_CARD, (int)k);
	} else {
		snprintf(id, sizeof(id), HALL_CONTROL_CHART "%s", p->charts[k - p->n_cards].id);
		act = HALL_ACT(HALL_ACT_OPEN_CHART, (int)(k - p->n_cards));
	}
	hall_ui_hit(ui, tile, id, act, HALL_ROLE_LINK, t[0] ? t : "?");
}

/* The list: the intro, then the cards in rows that fill the page. */
static void list_flow(void *ctx, hall_ui_flow *f)
{
	policy_ctx *pc = ctx;
	hall_ui *ui = f->ui;
	const hall_exhibit *ex = pc->c->ex;
	hall_lang l, hl;
	const char *summary = exhibits__text(ui, &ex->summary, &l);
	const char *title = exhibits__text(ui, &ex->title, &hl);
	/* The intro: the exhibit's title as a heading and its summary, whole and together on
	 * the first page. The heading is drawn at the body size (bold) when the title size
	 * would take it more lines or would not fit a page with the summary; when even so it
	 * does not (large text on a short screen), the summary goes on after it on the next
	 * page: nothing is lost in large text (it was spoken only, and never drawn). */
	int col = hall_ui_column_w(ui->font_px, f->area.w);
	int sum_h = summary[0] ? hall_ui_count_lines(ui, summary, ui->font_px, l, 0, col, 200) * ui->line_h + ui->gap_px / 2
	                       : 0;
	int big = hall_ui_count_lines(ui, title, ui->title_px, hl, 1, f->area.w, 20);
	int small = hall_ui_count_lines(ui, title, ui->font_px, hl, 1, f->area.w, 20);
	int small_head = big > small || big * ui->title_line_h + sum_h > f->area.h;
	if (title[0]) {
		hall_ui saved = *ui;
		if (small_head) {
			ui->title_px = ui->font_px;
			ui->title_line_h = ui->line_h;
		}
		hall_ui_flow_text(f, title, hl, 1, ui->th->text, ui->th->bg);
		ui->title_px = saved.title_px;
		ui->title_line_h = saved.title_line_h;
	}
	hall_ui_flow_text(f, summary, l, 0, ui->th->text, ui->th->bg);

	size_t n = pc->p->n_cards + pc->p->n_charts;
	list_plan best, cand;
	list_plan_of(pc, f, n, 1, 0, 0, &best);
	for (int cols = 1; cols <= LIST_COLS_MAX && (size_t)cols <= n; cols++) {
		for (int v = 0; v < 4; v++) {
			int side = v & 1, body_title = v >> 1;
			if (side && (cols > 2 || f->area.w <= f->area.h))
				continue;
			if (exhibits__grid_col_w(ui, f->area.w, cols) < 3 * ui->target_px || (body_title && ui->scale > 1))
				continue;
			list_plan_of(pc, f, n, cols, side, body_title, &cand);
			if (list_plan_better(&cand, &best, n))
				best = cand;
		}
	}
	for (size_t r = 0, i = 0; r < best.rows; r++, i += (size_t)best.s.cols) {
		hall_rect row;
		if (!hall_ui_flow_take(f, best.row_h[r], best.s.gap, &row))
			continue;
		int band = 0;
		for (size_t k = i; k < n && k < i + (size_t)best.s.cols; k++) {
			int cap = list_caption_h(pc, &best.s, k);
			band = cap > band ? cap : band;
		}
		for (size_t k = i; k < n && k < i + (size_t)best.s.cols; k++)
			list_card(pc, &best.s,
			          (hall_rect){row.x + (int)(k - i) * (best.s.col_w + best.s.gap), row.y, best.s.col_w, row.h}, k,
			          band);
	}
}

static void chart_flow(hall_ui_flow *f, const hall_chart *ch)
{
	hall_ui *ui = f->ui;
	hall_lang tl, al;
	const char *title = exhibits__text(ui, &ch->title, &tl);
	const char *alt = exhibits__text(ui, &ch->alt, &al);
	exhibits_bar bars[HALL_CONTENT_SERIES_MAX];
	int n = ch->n_series < HALL_CONTENT_SERIES_MAX ? (int)ch->n_series : (int)HALL_CONTENT_SERIES_MAX;
	double total = 0;
	for (int i = 0; i < n; i++)
		total += ch->series[i].value;
	const char *sec_label = exhibits__text(ui, &ch->secondary_label, NULL);
	/* A chart whose every bar has a second measure (budget and execution rate) tells the
	 * second one's story: the bars are drawn by it and it is read first, the first value
	 * labels the bar (issue #12: the budget was drawn while the story is the rate). */
	int by_secondary = ch->type != HALL_CHART_DONUT && n > 0;
	for (int i = 0; i < n; i++)
		by_secondary &= ch->series[i].has_secondary;
	for (int i = 0; i < n; i++) {
		const hall_series *s = &ch->series[i];
		exhibits_bar *b = &bars[i];
		memset(b, 0, sizeof(*b));
		b->label = exhibits__text(ui, &s->label, &b->label_lang);
		b->value = s->value;
		char v[160];
		exhibits__value_unit(ui, v, sizeof(v), s->value, &ch->unit);
		if (ch->type == HALL_CHART_DONUT && total > 0) {
			char p[32];
			hall_ui_format_number(p, sizeof(p), 100.0 * s->value / total, 1);
			snprintf(b->value_text, sizeof(b->value_text), "%s (%s%%)", v, p);
		} else if (s->has_secondary) {
			char sv[160];
			exhibits__value_unit(ui, sv, sizeof(sv), s->secondary, &ch->secondary_unit);
			/* Chinese takes its full-width comma, Japanese its 、, neither spaces */
			const char *comma = ui->lang == HALL_LANG_JA ? "\xE3\x80\x81"
			                    : ui->lang == HALL_LANG_ZH_HANS || ui->lang == HALL_LANG_ZH_HANT ? "\xEF\xBC\x8C"
			                                                                                    : ", ";
			const char *gap = strcmp(comma, ", ") == 0 && sec_label[0] ? " " : "";
			if (by_secondary) {
				b->value = s->secondary;
				snprintf(b->value_text, sizeof(b->value_text), "%s%s%s%s%s", sec_label, gap, sv, comma, v);
			} else {
				snprintf(b->value_text, sizeof(b->value_text), "%s%s%s%s%s", v, comma, sec_label, gap, sv);
			}
		} else {
			snprintf(b->value_text, sizeof(b->value_text), "%s", v);
		}
	}
	if (n == 0) {
		hall_ui_flow_text(f, title, tl, 1, ui->th->text, ui->th->bg);
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_CONTENT_ERROR, ui->lang), ui->lang, 0, ui->th->text,
		                  ui->th->bg);
		return;
	}
	/* The spoken summary carries every number, not just the author's sentence. */
	char spoken[2000];
	size_t o = (size_t)snprintf(spoken, sizeof(spoken), "%s", alt);
	for (int i = 0; i < n && o < sizeof(spoken); i++)
		o += (size_t)snprintf(spoken + o, sizeof(spoken) - o, " %s: %s.", bars[i].label, bars[i].value_text);
	/* A donut only while every slice is wide enough to carry its number; a thin slice
	 * would go unlabelled, so such a chart is drawn as bars (issue #12 Build 5). */
	int donut = ch->type == HALL_CHART_DONUT && total > 0;
	for (int i = 0; donut && i < n; i++)
		donut = bars[i].value / total >= HALL_THEME_DONUT_MIN_SHARE;
	if (donut)
		exhibits__donut_chart(f, "detail-chart", title, tl, spoken, bars, n);
	else
		exhibits__bar_chart(f, "detail-chart", title, tl, spoken, bars, n);
	hall_ui_set_heading(ui, title);
}

/* A story page (issue #12 Build 4): the text in a column of the theme's measure (45 to
 * 75 characters) with the key figures as large numbers under it, the picture beside it.
 * Only when all of it fits the rest of the page (normal text on a wide page); returns
 * 0, taking nothing from the flow, otherwise (the picture, text and figures then follow
 * one another down the flow's pages). */
static int card_beside(policy_ctx *pc, hall_ui_flow *f, const hall_card *card, const char *text, hall_lang l)
{
	hall_ui *ui = f->ui;
	int gap = ui->gap_px;
	int col_w = ui->m.measure_px < f->area.w * 6 / 10 ? ui->m.measure_px : f->area.w * 6 / 10;
	int pic_w = f->area.w - col_w - 2 * gap;
	/* (a tall page puts the picture above the column at its full width instead: beside,
	 * it would be a stamp and the text a strip over an empty screen) */
	if (ui->scale > 1 || pic_w < f->area.w / 4 || f->area.h > f->area.w)
		return 0;
	int text_h = hall_ui_count_lines(ui, text, ui->font_px, l, 0, col_w, 200) * ui->line_h;
	int fig_h = card->n_figures > 0 ? ui->title_line_h + exhibits__figure_row_h(ui, col_w, card->figures, card->n_figures)
	                                : 0;
	int block_h = text_h + (fig_h ? 2 * gap + fig_h : 0);
	int room = f->area.y + f->area.h - f->y - gap;
	if (f->page != 0 || block_h > room)
		return 0;
	hall_rect r;
	if (!hall_ui_flow_take(f, room, gap, &r))
		return 1;
	hall_ui_text_box(ui, (hall_rect){r.x, r.y, col_w, text_h}, text, ui->font_px, l, 0, ui->th->text, ui->th->bg, 0);
	if (fig_h) {
		int y = r.y + text_h + 2 * gap;
		const char *head = hall_ui_string(HALL_STR_FIGURES, ui->lang);
		hall_ui_text(ui, r.x, y, head, ui->title_px, ui->lang, 1, ui->th->text, ui->th->bg);
		exhibits__figure_row(ui, (hall_rect){r.x, y + ui->title_line_h, col_w, fig_h - ui->title_line_h},
		                     card->figures, card->n_figures);
	}
	/* The picture: as tall as the block or 3:4 of its width, whichever is less. */
	hall_rect pic = {r.x + col_w + 2 * gap, r.y, pic_w, pic_w * 3 / 4 < r.h ? pic_w * 3 / 4 : r.h};
	char path[1024], label[1200];
	hall_lang al;
	const char *alt = exhibits__text(ui, &card->alt, &al);
	snprintf(label, sizeof(label), "%s: %s", hall_ui_string(HALL_STR_IMAGE, ui->lang), alt);
	if (exhibits__asset_path(pc->c, card->image, path, sizeof(path))) {
		hall_dl_image(ui->dl, pic, path, 0);
	} else {
		hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_PICTURE);
		hall_theme_box(ui->dl, pic, &st);
		hall_ui_text_box(ui, (hall_rect){pic.x + ui->pad_px, pic.y + ui->pad_px, pic.w - 2 * ui->pad_px,
		                                 pic.h - 2 * ui->pad_px},
		                 alt, ui->font_px, al, 0, st.text, st.fill, 1);
	}
	hall_ui_hit(ui, pic, "detail-image", HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
	return 1;
}

static void detail_flow(void *ctx, hall_ui_flow *f)
{
	policy_ctx *pc = ctx;
	hall_ui *ui = f->ui;
	const hall_policy *p = pc->p;
	if ((size_t)pc->item >= p->n_cards) {
		chart_flow(f, &p->charts[(size_t)pc->item - p->n_cards]);
		return;
	}
	const hall_card *card = &p->cards[pc->item];
	exhibits__title(f, &card->title);
	hall_lang l;
	const char *text = exhibits__text(ui, &card->text, &l);
	if (card->image && ui->above_asset != card->image && card_beside(pc, f, card, text, l))
		return;
	if (card->image && ui->above_asset != card->image) {
		hall_lang al;
		const char *alt = exhibits__text(ui, &card->alt, &al);
		/* When the text would not fit under the picture anyway (large text), the picture
		 * has the rest of the first page and the text starts on the next, at its column:
		 * a picture, not a stamp over two lines (as the brand's story slide). */
		int img_h = f->area.h * 4 / 10;
		int text_h = hall_ui_count_lines(ui, text, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 200) *
		             ui->line_h;
		int used = f->y - f->area.y;
		int own_page = used + img_h + text_h + 2 * ui->gap_px > f->area.h;
		if (own_page)
			img_h = f->area.h - used - ui->gap_px;
		exhibits__image(pc->c, f, "detail-image", card->image, alt, al, img_h);
		if (own_page)
			hall_ui_flow_break(f);
	}
	hall_ui_flow_text(f, text, l, 0, ui->th->text, ui->th->bg);
	if (card->n_figures > 0) {
		/* The heading stays with its first figure (no heading alone at a page's foot). */
		int first_h = ui->title_line_h + ui->gap_px + ui->figure_line_h + ui->line_h + ui->gap_px;
		if (f->used && f->y + first_h > f->area.y + f->area.h)
			hall_ui_flow_break(f);
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_FIGURES, ui->lang), ui->lang, 1, ui->th->text, ui->th->bg);
		exhibits__figures(f, card->figures, card->n_figures);
	}
}

void exhibits__build_policy(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	const hall_policy *p = &c->ex->u.policy;
	size_t n = p->n_cards + p->n_charts;
	if (st->slide > (int)n || st->slide < 0)
		st->slide = 0;
	policy_ctx pc = {c, p, st->slide - 1};
	if (n == 0) {
		hall_ui_text_box(c->ui, c->area, hall_ui_string(HALL_STR_CONTENT_ERROR, c->ui->lang), c->ui->font_px,
		                 c->ui->lang, 0, c->ui->th->text, c->ui->th->bg, 0);
		st->pages = 1;
		return;
	}
	st->pages = hall_ui_paged(c->ui, c->area, &st->page, st->slide == 0 ? list_flow : detail_flow, &pc);
}

hall_exhibit_result exhibits__activate_policy(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act)
{
	const hall_policy *p = &c->ex->u.policy;
	size_t item;
	if (act.kind == HALL_ACT_OPEN_CARD && act.arg >= 0 && (size_t)act.arg < p->n_cards)
		item = (size_t)act.arg;
	else if (act.kind == HALL_ACT_OPEN_CHART && act.arg >= 0 && (size_t)act.arg < p->n_charts)
		item = p->n_cards + (size_t)act.arg;
	else
		return HALL_EXHIBIT_NONE;
	st->list_page = st->slide == 0 ? st->page : st->list_page;
	st->slide = (int)item + 1;
	st->page = 0;
	return HALL_EXHIBIT_CHANGED;
}
