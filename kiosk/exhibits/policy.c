/* policy.c: the office's work as cards that open detail pages (title, text, image, key
 * figures), and charts (bar, donut) drawn from the content's numbers.
 *
 * State: st->slide = 0 on the list; 1..n_cards an open card (index + 1); then the charts.
 * Every view is a flow split into pages ("page-prev"/"page-next") when it overflows. */
#include <stdio.h>
#include <string.h>

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

/* Height of the row of items [i, i + cols) at column width col_w: its tallest button. */
static int list_row_h(const hall_ui *ui, const hall_policy *p, size_t n, size_t i, int cols, int col_w)
{
	int row_h = 0;
	for (size_t k = i; k < n && k < i + (size_t)cols; k++) {
		hall_lang tl;
		const char *s = exhibits__text(ui, item_title(p, k), &tl);
		int w, h;
		hall_ui_button_size(ui, s[0] ? s : "?", tl, col_w, &w, &h);
		if (h > row_h)
			row_h = h;
	}
	return row_h;
}

/* exhibits_row_h_fn over the policy list: ctx is the policy_ctx. */
static int list_row_h_cb(void *ctx, size_t first, size_t count, int col_w)
{
	const policy_ctx *pc = ctx;
	size_t n = pc->p->n_cards + pc->p->n_charts;
	return list_row_h(pc->c->ui, pc->p, n, first, (int)count, col_w);
}

/* Tiles in rows: as many columns as fit at ~13 em each (fewer in large text), or
 * another count (1 to 3) when its measured rows need fewer pages or put more items on
 * the first page, so a page holds what it really can. */
static void list_flow(void *ctx, hall_ui_flow *f)
{
	policy_ctx *pc = ctx;
	hall_ui *ui = f->ui;
	const hall_exhibit *ex = pc->c->ex;
	exhibits__title(f, &ex->title);
	hall_lang l;
	const char *summary = exhibits__text(ui, &ex->summary, &l);
	hall_ui_flow_text(f, summary, l, 0, ui->th->text, ui->th->bg);

	size_t n = pc->p->n_cards + pc->p->n_charts;
	int cols = f->area.w / (ui->font_px * 13);
	if (cols < 1)
		cols = 1;
	if (cols > 3)
		cols = 3;
	cols = exhibits__grid_cols(f, n, cols, 0, list_row_h_cb, pc);
	int col_w = exhibits__grid_col_w(ui, f->area.w, cols);
	for (size_t i = 0; i < n; i += (size_t)cols) {
		int row_h = list_row_h(ui, pc->p, n, i, cols, col_w);
		hall_rect r;
		if (!hall_ui_flow_take(f, row_h, ui->gap_px, &r))
			continue;
		for (size_t k = i; k < n && k < i + (size_t)cols; k++) {
			char id[96];
			const hall_text *t = item_title(pc->p, k);
			hall_act act;
			if (k < pc->p->n_cards) {
				snprintf(id, sizeof(id), HALL_CONTROL_CARD "%s", pc->p->cards[k].id);
				act = HALL_ACT(HALL_ACT_OPEN_CARD, (int)k);
			} else {
				snprintf(id, sizeof(id), HALL_CONTROL_CHART "%s", pc->p->charts[k - pc->p->n_cards].id);
				act = HALL_ACT(HALL_ACT_OPEN_CHART, (int)(k - pc->p->n_cards));
			}
			hall_lang tl;
			const char *s = exhibits__text(ui, t, &tl);
			int x = r.x + (int)(k - i) * (col_w + ui->gap_px);
			hall_ui_button(ui, (hall_rect){x, r.y, col_w, r.h}, id, act, HALL_ROLE_LINK, s[0] ? s : "?", tl, NULL,
			               HALL_UI_BUTTON);
		}
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
 * Only when all of it fits the rest of the page (normal text on a wide screen); returns
 * 0, taking nothing from the flow, otherwise (the picture, text and figures then follow
 * one another down the flow's pages). */
static int card_beside(policy_ctx *pc, hall_ui_flow *f, const hall_card *card, const char *text, hall_lang l)
{
	hall_ui *ui = f->ui;
	int gap = ui->gap_px;
	int col_w = ui->m.measure_px < f->area.w * 6 / 10 ? ui->m.measure_px : f->area.w * 6 / 10;
	int pic_w = f->area.w - col_w - 2 * gap;
	if (ui->scale > 1 || pic_w < f->area.w / 4)
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
