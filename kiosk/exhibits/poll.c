/* poll.c: a question with 2 to 6 options; one vote per visitor session (choose, then
 * "vote", so a stray touch casts nothing); then a thank-you view with the tallies: live
 * from the controller when it has sent any, else this kiosk's own count, said in words. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "exhibits.h"
#include "hall/log.h"

typedef struct poll_ctx {
	const hall_exhibit_ctx *c;
	const hall_poll *p;
	const hall_exhibit_state *st;
} poll_ctx;

static size_t option_count(const hall_poll *p)
{
	return p->options ? (p->n_options < 6 ? p->n_options : 6) : 0;
}

/* What an option's button shows: its label, marked "✓" when chosen. */
static void option_shown(const hall_ui *ui, const hall_poll_option *o, int chosen, char *buf, size_t len,
                         hall_lang *l)
{
	const char *label = exhibits__text(ui, &o->label, l);
	snprintf(buf, len, "%s%s", chosen ? "✓ " : "", label[0] ? label : "?");
}

/* What the chosen option's card says besides its outline and check mark: "✓ Selected"
 * (the string starts a line here, so its first letter is a capital). */
static void chosen_word(const hall_ui *ui, char *buf, size_t len)
{
	snprintf(buf, len, "✓ %s", hall_ui_string(HALL_STR_SELECTED, ui->lang));
	if (buf[4] >= 'a' && buf[4] <= 'z') /* after "✓ " (4 bytes) */
		buf[4] = (char)(buf[4] - 'a' + 'A');
}

/* What a visitor hears on an option: its label, whether it is chosen, its picture. */
static void option_spoken(const hall_ui *ui, const hall_poll_option *o, int chosen, char *buf, size_t len)
{
	const char *label = exhibits__text(ui, &o->label, NULL);
	const char *alt = o->image ? exhibits__text(ui, &o->alt, NULL) : "";
	snprintf(buf, len, "%s%s%s%s%s", label, chosen ? ", " : "", chosen ? hall_ui_string(HALL_STR_SELECTED, ui->lang) : "",
	         alt[0] ? ". " : "", alt);
}

/* Height of the row of options [first, first + count) at column width col_w: its tallest
 * button, chosen or not (so choosing never moves the options about). */
static int option_row_h(void *ctx, size_t first, size_t count, int col_w)
{
	const poll_ctx *pc = ctx;
	const hall_ui *ui = pc->c->ui;
	int row_h = 0;
	for (size_t i = first; i < first + count; i++) {
		for (int chosen = 0; chosen <= 1; chosen++) {
			char shown[600];
			hall_lang l;
			option_shown(ui, &pc->p->options[i], chosen, shown, sizeof(shown), &l);
			int w, h;
			hall_ui_button_size(ui, shown, l, col_w, &w, &h);
			if (h > row_h)
				row_h = h;
		}
	}
	return row_h;
}

/* The options as picture cards that fill the page (issue #12: exhibits that draw people
 * in): a grid of `cols` columns, every card the same size, its picture over its label
 * (title size) and a line that says "✓ Selected" on the chosen one. */
typedef struct card_grid {
	int cols, rows;
	int col_w, card_h;
	int pic_h;      /* the picture's height inside the card's outline */
	int label_h;    /* the label's lines */
	int label_px, label_lh; /* its type size (the title's, else the body's) and line height */
	int score;      /* the picture's area that reads as a picture (at most 3:2 upright) */
} card_grid;

/* The outline of a chosen card: twice a selected button's, so the choice shows from afar. */
static int card_border(const hall_ui *ui, int chosen)
{
	return chosen ? 2 * ui->m.border_bold_px : ui->m.border_px;
}

/* Plan `cols` columns of cards into `h` px (the vote button excluded), labels at the
 * type size px: 0 when a card's picture would be too small to read or a label would need
 * more than 4 lines. */
static int card_grid_plan(const poll_ctx *pc, int w, int h, size_t n, int cols, int title, card_grid *g)
{
	const hall_ui *ui = pc->c->ui;
	memset(g, 0, sizeof(*g));
	g->label_px = title ? ui->title_px : ui->font_px;
	g->label_lh = title ? ui->title_line_h : ui->line_h;
	g->cols = cols;
	g->rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	g->col_w = exhibits__grid_col_w(ui, w, cols);
	int b = card_border(ui, 1);
	int inner = g->col_w - 2 * b - 2 * ui->pad_px;
	if (inner < 2 * ui->target_px)
		return 0;
	/* The labels' lines in every language, not only the one shown: the cards, and so
	 * their pictures, keep one size whatever the language, and a picture is decoded and
	 * scaled once for a screen, not again for each language (the kiosk's peak memory is
	 * its picture cache). */
	int lines = 1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < HALL_LANG_COUNT; k++) {
			hall_lang l;
			const char *label = hall_text_get_lang(&pc->p->options[i].label, (hall_lang)k, &l);
			int ll = hall_ui_count_lines(ui, label && label[0] ? label : "?", g->label_px, l, 1, inner, 5);
			lines = ll > lines ? ll : lines;
		}
	}
	if (lines > 4)
		return 0;
	g->label_h = lines * g->label_lh;
	g->card_h = (h - (g->rows - 1) * ui->gap_px) / g->rows;
	/* outline, picture, label, the "✓ Selected" line, padding, outline */
	g->pic_h = g->card_h - 2 * b - g->label_h - ui->line_h - 2 * ui->pad_px;
	int pic_w = g->col_w - 2 * b;
	int least = pic_w / 3 > ui->target_px ? pic_w / 3 : ui->target_px;
	if (g->pic_h < least)
		return 0;
	int seen = g->pic_h < pic_w * 3 / 2 ? g->pic_h : pic_w * 3 / 2;
	g->score = pic_w / 4 * (seen / 4);
	return 1;
}

/* The best grid for the pictures that holds every card and the vote button on this page:
 * 0 when none does (large text on a small screen: the options then go as rows). */
static int card_grid_choose(const poll_ctx *pc, const hall_ui_flow *f, size_t n, int vote_h, card_grid *best)
{
	const hall_ui *ui = f->ui;
	int h = f->area.y + f->area.h - f->y - (f->used ? ui->gap_px : 0) - ui->gap_px - vote_h;
	int have = 0;
	/* Labels at the title size where some grid holds them, else at the body size. */
	for (int title = 1; title >= 0 && !have; title--) {
		for (int cols = 1; cols <= (int)n && cols <= (int)HALL_CONTENT_POLL_OPTIONS_MAX; cols++) {
			card_grid g;
			if (card_grid_plan(pc, f->area.w, h, n, cols, title, &g) && (!have || g.score > best->score)) {
				*best = g;
				have = 1;
			}
		}
	}
	return have;
}

/* One option's card in r: the outline (thick and dark when chosen), the picture (a
 * check mark on it when chosen; the card's colour where the picture is missing), the
 * label and, when chosen, "✓ Selected" in words: never colour alone. */
static void option_card(const poll_ctx *pc, const card_grid *g, hall_rect r, size_t k)
{
	hall_ui *ui = pc->c->ui;
	const hall_ui_theme *th = ui->th;
	const hall_poll_option *o = &pc->p->options[k];
	int chosen = pc->st->choice == (int)k;
	hall_theme_style st = hall_theme_style_of(th, &ui->m, HALL_COMP_CARD);
	if (chosen) {
		st.fill = th->caption;
		st.text = th->caption_text;
		st.border = (ui->modes & HALL_APP_MODE_HIGH_CONTRAST) ? th->primary : th->text;
	}
	int b = card_border(ui, chosen);
	st.border_px = b;
	hall_theme_box(ui->dl, r, &st);
	/* The picture keeps its place whatever the outline's width: choosing moves nothing. */
	int bb = card_border(ui, 1);
	hall_rect pic = {r.x + bb, r.y + bb, r.w - 2 * bb, g->pic_h};
	char path[1024];
	if (o->image && exhibits__asset_path(pc->c, o->image, path, sizeof(path)))
		hall_dl_image(ui->dl, pic, path, 1);
	if (chosen) {
		/* A check mark in a disc at the picture's corner. */
		int d = ui->title_line_h + ui->pad_px;
		hall_dl_item *disc = hall_dl_box(ui->dl, (hall_rect){pic.x + ui->pad_px, pic.y + ui->pad_px, d, d}, th->caption);
		if (disc) {
			disc->border = th->caption_text;
			disc->border_px = ui->m.border_px;
			disc->radius_px = d / 2;
		}
		int cw, chh;
		hall_ui_measure_text(ui, "✓", strlen("✓"), ui->title_px, ui->lang, 1, &cw, &chh);
		hall_ui_text(ui, pic.x + ui->pad_px + (d - cw) / 2, pic.y + ui->pad_px + (d - ui->title_line_h) / 2, "✓",
		             ui->title_px, ui->lang, 1, th->caption_text, th->caption);
	}
	hall_lang l;
	const char *label = exhibits__text(ui, &o->label, &l);
	int ty = pic.y + pic.h + ui->pad_px;
	hall_ui_text_box(ui, (hall_rect){r.x + bb + ui->pad_px, ty, r.w - 2 * bb - 2 * ui->pad_px, g->label_h},
	                 label[0] ? label : "?", g->label_px, l, 1, st.text, st.fill, 1);
	if (chosen) {
		char word[80];
		chosen_word(ui, word, sizeof(word));
		hall_ui_text_box(ui, (hall_rect){r.x + bb + ui->pad_px, ty + g->label_h, r.w - 2 * bb - 2 * ui->pad_px, ui->line_h},
		                 word, ui->font_px, ui->lang, 1, st.text, st.fill, 1);
	}
	char id[96], spoken[1400];
	snprintf(id, sizeof(id), "option-%s", o->id ? o->id : "?");
	option_spoken(ui, o, chosen, spoken, sizeof(spoken));
	hall_ui_hit(ui, r, id, HALL_ACT(HALL_ACT_POLL_OPTION, (int)k), HALL_ROLE_OPTION, spoken);
}

/* The vote button: the primary action, as wide as a card and at the title size once an
 * option is chosen; muted (and no target) before. */
static void vote_button(hall_ui *ui, hall_rect r, int chosen)
{
	const hall_ui_theme *th = ui->th;
	const char *vote = hall_ui_string(HALL_STR_VOTE, ui->lang);
	hall_dl_item *b = hall_dl_box(ui->dl, r, chosen ? th->primary : th->inactive);
	if (b) {
		b->border = chosen ? th->primary_text : th->inactive_border;
		b->border_px = chosen ? ui->m.border_px : ui->m.border_thin_px;
		b->radius_px = ui->m.radius_px;
	}
	int lines = hall_ui_count_lines(ui, vote, ui->title_px, ui->lang, chosen, r.w - 2 * ui->hpad_px, 3);
	lines = lines < 1 ? 1 : lines;
	hall_ui_text_box(ui, (hall_rect){r.x + ui->hpad_px, r.y + (r.h - lines * ui->title_line_h) / 2, r.w - 2 * ui->hpad_px,
	                                 lines * ui->title_line_h},
	                 vote, ui->title_px, ui->lang, chosen, chosen ? th->primary_text : th->inactive_text,
	                 chosen ? th->primary : th->inactive, 1);
	if (chosen)
		hall_ui_hit(ui, r, "vote", HALL_ACT_0(HALL_ACT_VOTE), HALL_ROLE_BUTTON, vote);
}

/* The options as rows of buttons: one column, or as many (up to 3) as make the measured
 * rows and the vote button below them need fewer pages or put more options on the first
 * page. For when the cards do not fit a page (large text on a small screen). */
static void option_rows(poll_ctx *pc, hall_ui_flow *f, size_t n)
{
	hall_ui *ui = f->ui;
	const hall_poll *p = pc->p;
	const char *vote = hall_ui_string(HALL_STR_VOTE, ui->lang);
	int vote_w, vote_h;
	hall_ui_button_size(ui, vote, ui->lang, f->area.w, &vote_w, &vote_h);
	int cols = exhibits__grid_cols(f, n, 1, vote_h, option_row_h, pc);
	int col_w = exhibits__grid_col_w(ui, f->area.w, cols);
	for (size_t i = 0; i < n; i += (size_t)cols) {
		size_t count = n - i < (size_t)cols ? n - i : (size_t)cols;
		hall_rect r;
		if (!hall_ui_flow_take(f, option_row_h(pc, i, count, col_w), ui->gap_px, &r))
			continue;
		for (size_t k = i; k < i + count; k++) {
			const hall_poll_option *o = &p->options[k];
			int chosen = pc->st->choice == (int)k;
			char shown[600], spoken[1400];
			hall_lang l;
			/* The choice is marked in words and by a thick border, not by colour alone. */
			option_shown(ui, o, chosen, shown, sizeof(shown), &l);
			option_spoken(ui, o, chosen, spoken, sizeof(spoken));
			char id[96];
			snprintf(id, sizeof(id), "option-%s", o->id ? o->id : "?");
			int x = r.x + (int)(k - i) * (col_w + ui->gap_px);
			hall_ui_button(ui, (hall_rect){x, r.y, col_w, r.h}, id, HALL_ACT(HALL_ACT_POLL_OPTION, (int)k),
			               HALL_ROLE_OPTION, shown, l, spoken,
			               chosen ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON);
		}
	}
	hall_rect r;
	if (hall_ui_flow_take(f, vote_h, ui->gap_px, &r)) {
		int bw = vote_w * 2 < r.w ? vote_w * 2 : r.w;
		hall_ui_button(ui, (hall_rect){r.x + r.w - bw, r.y, bw, r.h}, "vote", HALL_ACT_0(HALL_ACT_VOTE),
		               HALL_ROLE_BUTTON, vote, ui->lang, NULL,
		               pc->st->choice >= 0 ? HALL_UI_BUTTON_PRIMARY : HALL_UI_BUTTON_DISABLED);
	}
}

/* The question, then the options as picture cards filling the page with the vote button
 * under them, or (when the cards do not fit one page) as rows of buttons. */
static void question_flow(void *ctx, hall_ui_flow *f)
{
	poll_ctx *pc = ctx;
	hall_ui *ui = f->ui;
	const hall_poll *p = pc->p;
	exhibits__title(f, &pc->c->ex->title);
	hall_lang l;
	const char *question = exhibits__text(ui, &p->question, &l); /* sets l before it is passed */
	hall_ui_flow_text(f, question, l, 0, ui->th->text, ui->th->bg);
	size_t n = option_count(p);
	if (n < HALL_CONTENT_POLL_OPTIONS_MIN) {
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_CONTENT_ERROR, ui->lang), ui->lang, 0, ui->th->text,
		                  ui->th->bg);
		return;
	}
	hall_ui_flow_text(f, hall_ui_string(HALL_STR_CHOOSE_OPTION, ui->lang), ui->lang, 0, ui->th->text, ui->th->bg);
	int vote_h = ui->title_line_h + 2 * ui->pad_px;
	vote_h = vote_h > ui->target_px ? vote_h : ui->target_px;
	card_grid g;
	if (!card_grid_choose(pc, f, n, vote_h, &g)) {
		option_rows(pc, f, n);
		return;
	}
	for (size_t i = 0; i < n; i += (size_t)g.cols) {
		size_t count = n - i < (size_t)g.cols ? n - i : (size_t)g.cols;
		hall_rect r;
		if (!hall_ui_flow_take(f, g.card_h, ui->gap_px, &r))
			continue;
		/* A last row with fewer cards is centred under the others. */
		int x0 = r.x + (int)((size_t)g.cols - count) * (g.col_w + ui->gap_px) / 2;
		for (size_t k = i; k < i + count; k++)
			option_card(pc, &g, (hall_rect){x0 + (int)(k - i) * (g.col_w + ui->gap_px), r.y, g.col_w, r.h}, k);
	}
	hall_rect r;
	if (hall_ui_flow_take(f, vote_h, ui->gap_px, &r)) {
		int bw = g.col_w > r.w / 3 ? g.col_w : r.w / 3;
		vote_button(ui, (hall_rect){r.x + r.w - bw, r.y, bw, r.h}, pc->st->choice >= 0);
	}
}

/* One option of the tally, large and friendly (issue #12 Build 5): its label at the
 * title size, then a bar a key figure thick on a track that shows the whole scale, and at
 * the bar's end the share as a key figure with the count beside it. The visitor's choice
 * is marked in words and bold, not by colour alone. */
typedef struct tally_row {
	const char *label;
	hall_lang label_lang;
	char share[40];   /* "63%" */
	char count[240];  /* "1 vote", "12 votes ✓ your choice" */
	char spoken[320]; /* "12 votes (63%) ✓ your choice" */
	char figures[300]; /* line layout: "63%  12 votes" */
	char marked[700];  /* line layout: the label, "✓ your choice" after it on the visitor's */
	double value;
	int mine;
} tally_row;

/* A layout of the tally: label beside the bar (side) or over it, at the title and key
 * figure sizes or (compact) the body size; or (line) the label with its figures on one
 * line over a bar half a line thick, the most rows a page holds (large text on a short
 * screen: about three rows a page where the others held one). */
typedef struct tally_geom {
	int side, line, lpx, llh, spx, bh;
	int label_w;      /* side: the label column */
	int share_w, count_w, count_below, bar_x, bar_max;
	double max;
	int row_h[6], ll[6];
	int fig_below[6]; /* line: the row's figures on a line of their own under the label */
	int below_lines;  /* count_below: lines of the longest count under its bar */
	int total_h;      /* all rows with their gaps */
	int tallest;
} tally_geom;

/* The line layout: the label on the left, the row's figures (share and count) at the
 * right end of its first line, or on a line of their own under it when that makes fewer
 * lines; the bar under them across the whole width, at least a quarter of a line thick
 * (13 mm in large text), so a short page holds two or three rows. */
static void tally_measure_line(const hall_ui_flow *f, const tally_row *rows, int n, tally_geom *g)
{
	const hall_ui *ui = f->ui;
	memset(g, 0, sizeof(*g));
	g->line = 1;
	g->lpx = g->spx = ui->font_px;
	g->llh = ui->line_h;
	/* At least a quarter of a line; thicker where a one-line row is that tall anyway (each
	 * row is a region at least a target tall). */
	g->bh = ui->line_h / 4;
	if (g->bh < ui->target_px - ui->line_h - ui->gap_px / 4)
		g->bh = ui->target_px - ui->line_h - ui->gap_px / 4;
	g->label_w = f->area.w;
	/* One scale for every bar; the figures end a gap of the grid before the area's edge,
	 * as every text does. */
	g->bar_max = f->area.w - ui->gap_px;
	for (int i = 0; i < n; i++)
		g->max = rows[i].value > g->max ? rows[i].value : g->max;
	for (int i = 0; i < n; i++) {
		int w, h;
		hall_ui_measure_text(ui, rows[i].figures, strlen(rows[i].figures), ui->font_px, ui->lang, 1, &w, &h);
		int beside_w = f->area.w - w - 2 * ui->gap_px;
		int beside = beside_w >= f->area.w / 3
		                 ? hall_ui_count_lines(ui, rows[i].marked, ui->font_px, rows[i].label_lang, rows[i].mine, beside_w, 6)
		                 : 99;
		int below = hall_ui_count_lines(ui, rows[i].marked, ui->font_px, rows[i].label_lang, rows[i].mine, f->area.w, 6);
		below = below < 1 ? 1 : below;
		g->fig_below[i] = below + 1 < beside;
		g->ll[i] = g->fig_below[i] ? below : beside < 1 ? 1 : beside;
		g->row_h[i] = (g->ll[i] + g->fig_below[i]) * ui->line_h + ui->gap_px / 4 + g->bh;
		if (g->row_h[i] < ui->target_px) /* each row is a region a visitor can touch to hear it */
			g->row_h[i] = ui->target_px;
		g->total_h += g->row_h[i] + (i ? ui->gap_px : 0);
		g->tallest = g->row_h[i] > g->tallest ? g->row_h[i] : g->tallest;
	}
}

/* One row of the line layout in r (ll: the label's lines; below: the figures under it). */
static void tally_line_row(hall_ui *ui, const tally_geom *g, hall_rect r, const tally_row *t, int ll, int below)
{
	const hall_ui_theme *th = ui->th;
	int w, h;
	hall_ui_measure_text(ui, t->figures, strlen(t->figures), ui->font_px, ui->lang, 1, &w, &h);
	int lw = below ? r.w : r.w - w - 2 * ui->gap_px;
	hall_ui_text_box(ui, (hall_rect){r.x, r.y, lw, ll * ui->line_h}, t->marked, ui->font_px, t->label_lang, t->mine,
	                 th->text, th->bg, 0);
	int fy = below ? r.y + ll * ui->line_h : r.y;
	hall_ui_text(ui, r.x + r.w - ui->gap_px - w, fy, t->figures, ui->font_px, ui->lang, 1, th->figure_text, th->bg);
	int y = r.y + (ll + below) * ui->line_h + ui->gap_px / 4;
	int bw = g->max > 0 ? (int)lround(g->bar_max * (t->value / g->max)) : 0;
	if (bw < 2 && t->value > 0)
		bw = 2;
	hall_dl_box(ui->dl, (hall_rect){r.x, y, g->bar_max, g->bh}, th->track);
	hall_dl_item *bx = hall_dl_box(ui->dl, (hall_rect){r.x, y, bw, g->bh}, t->mine ? th->series[1] : th->series[0]);
	if (bx && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST)) {
		bx->border = th->text;
		bx->border_px = ui->m.stroke_px;
	}
}

static void tally_measure(const hall_ui_flow *f, const tally_row *rows, int n, int side, int compact, tally_geom *g)
{
	const hall_ui *ui = f->ui;
	memset(g, 0, sizeof(*g));
	g->side = side;
	g->lpx = compact ? ui->font_px : ui->title_px;
	g->llh = compact ? ui->line_h : ui->title_line_h;
	g->spx = compact ? ui->font_px : ui->figure_px;
	g->bh = compact ? ui->line_h : ui->figure_line_h;
	for (int i = 0; i < n; i++) {
		if (rows[i].value > g->max)
			g->max = rows[i].value;
		int w, h;
		hall_ui_measure_text(ui, rows[i].share, strlen(rows[i].share), g->spx, ui->lang, 1, &w, &h);
		g->share_w = w > g->share_w ? w : g->share_w;
		hall_ui_measure_text(ui, rows[i].count, strlen(rows[i].count), ui->font_px, ui->lang, rows[i].mine, &w, &h);
		g->count_w = w > g->count_w ? w : g->count_w;
		if (side) {
			hall_ui_measure_text(ui, rows[i].label, strlen(rows[i].label), g->lpx, rows[i].label_lang, 1, &w, &h);
			g->label_w = w > g->label_w ? w : g->label_w;
		}
	}
	/* Beside the bar: labels in a column of at most a third of the width. */
	if (side && g->label_w > f->area.w / 3)
		g->label_w = f->area.w / 3;
	int left = side ? g->label_w + ui->gap_px : 0;
	/* The figures beside the bar's end while they leave the bar half the width; else the
	 * count goes under the bar, wrapped to the bar's column. The last figure keeps a
	 * gap of the grid to the area's edge, as every text does (no text at the screen's
	 * side). */
	g->count_below = g->share_w + g->count_w + 4 * ui->gap_px > (f->area.w - left) / 2;
	g->bar_x = left;
	g->bar_max = f->area.w - left - g->share_w - 2 * ui->gap_px - (g->count_below ? 0 : g->count_w + ui->gap_px);
	g->below_lines = 0;
	for (int i = 0; g->count_below && i < n; i++) {
		int cl = hall_ui_count_lines(ui, rows[i].count, ui->font_px, ui->lang, rows[i].mine,
		                             f->area.w - left - ui->gap_px, 4);
		g->below_lines = cl > g->below_lines ? cl : g->below_lines;
	}
	int below = g->below_lines * ui->line_h;
	for (int i = 0; i < n; i++) {
		int w = side ? g->label_w : f->area.w;
		g->ll[i] = hall_ui_count_lines(ui, rows[i].label, g->lpx, rows[i].label_lang, rows[i].mine, w, 6);
		int lh = g->ll[i] * g->llh;
		g->row_h[i] = side ? (lh > g->bh + below ? lh : g->bh + below) : lh + g->bh + below;
		if (g->row_h[i] < ui->target_px) /* each row is a region a visitor can touch to hear it */
			g->row_h[i] = ui->target_px;
		g->total_h += g->row_h[i] + (i ? ui->gap_px : 0);
		g->tallest = g->row_h[i] > g->tallest ? g->row_h[i] : g->tallest;
	}
}

/* The tally, large and friendly (issue #12 Build 5): every option's label, a bar a key
 * figure thick on a track that shows the whole scale, and at the bar's end the share as
 * a key figure with the count beside it. The visitor's choice is marked in words and
 * bold, not by colour alone. The layout is the first that holds every option on the page
 * (labels beside the bars, then over them, then both at the body size); when none does,
 * the body size pages. Under the bars: the total and whose numbers these are, one
 * region that speaks the whole tally (after the bars, so a short page, large text in low
 * position, starts with bars rather than notes), then the question when it could not
 * stand under the thanks (q_after, else NULL). */
static void tally_chart(hall_ui_flow *f, const char *totals, const char *whose, const char *q_after, hall_lang q_lang,
                        const char *alt, const tally_row *rows, int n)
{
	hall_ui *ui = f->ui;
	const hall_ui_theme *th = ui->th;
	int col = hall_ui_column_w(ui->font_px, f->area.w);
	int tl = hall_ui_count_lines(ui, totals, ui->title_px, ui->lang, 1, col, 4);
	int wl = hall_ui_count_lines(ui, whose, ui->font_px, ui->lang, 0, col, 8);
	tl = tl < 1 ? 1 : tl;
	int foot_h = (tl * ui->title_line_h < ui->target_px ? ui->target_px : tl * ui->title_line_h) + wl * ui->line_h;
	hall_rect r;
	char label[1600];
	int room = f->area.y + f->area.h - f->y - ui->gap_px;
	static const int tries[5][2] = {{1, 0}, {0, 0}, {1, 1}, {0, 1}, {0, 2}}; /* {side, compact (2: line)} */
	/* When none holds the whole tally on the page, the one that needs the least height
	 * (the fewest pages). */
	tally_geom g, best;
	int have = 0, fits = 0;
	for (int k = 0; k < 5 && !fits; k++) {
		if (tries[k][1] == 2)
			tally_measure_line(f, rows, n, &g);
		else
			tally_measure(f, rows, n, tries[k][0], tries[k][1], &g);
		/* Beside the bars only while the labels keep a column of their own words. */
		if (g.side && (g.label_w < 3 * ui->target_px || g.bar_max < f->area.w / 4))
			continue;
		fits = g.total_h + ui->gap_px + foot_h <= room && g.tallest <= f->area.h;
		if (fits || !have || g.total_h < best.total_h)
			best = g;
		have = 1;
	}
	if (have)
		g = best;
	int below = g.below_lines * ui->line_h;
	for (int i = 0; i < n; i++) {
		const tally_row *t = &rows[i];
		int ll = g.ll[i];
		int h = g.row_h[i];
		/* Never taller than a page: a label that long gives up lines (with "…"). */
		if (h > f->area.h && g.line) {
			int fit = (f->area.h - g.bh - ui->gap_px / 4) / g.llh - g.fig_below[i];
			ll = fit > 1 ? fit : 1;
			h = (ll + g.fig_below[i]) * g.llh + ui->gap_px / 4 + g.bh;
		} else if (h > f->area.h) {
			int fit = (f->area.h - (g.side ? 0 : g.bh + below)) / g.llh;
			ll = fit > 1 ? fit : 1;
			h = g.side ? f->area.h : ll * g.llh + g.bh + below;
		}
		if (!hall_ui_flow_take(f, h, ui->gap_px, &r))
			continue;
		char rid[96];
		snprintf(rid, sizeof(rid), "results-%d", i + 1);
		if (g.line) {
			tally_line_row(ui, &g, r, t, ll, g.fig_below[i]);
			snprintf(label, sizeof(label), "%s: %s", t->label, t->spoken);
			hall_ui_hit(ui, r, rid, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
			continue;
		}
		int lw = g.side ? g.label_w : r.w;
		int ly = g.side ? r.y + (h - ll * g.llh) / 2 : r.y;
		hall_ui_text_box(ui, (hall_rect){r.x, ly, lw, ll * g.llh}, t->label, g.lpx, t->label_lang, t->mine, th->text,
		                 th->bg, 0);
		int y = g.side ? r.y + (h - g.bh - below) / 2 : r.y + ll * g.llh;
		int x0 = r.x + g.bar_x;
		int bw = g.max > 0 ? (int)lround(g.bar_max * (t->value / g.max)) : 0;
		if (bw < 2 && t->value > 0)
			bw = 2;
		hall_dl_box(ui->dl, (hall_rect){x0, y, g.bar_max, g.bh}, th->track);
		hall_dl_item *bx = hall_dl_box(ui->dl, (hall_rect){x0, y, bw, g.bh}, t->mine ? th->series[1] : th->series[0]);
		if (bx && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST)) {
			bx->border = th->text;
			bx->border_px = ui->m.stroke_px;
		}
		/* The share right of the track, the count after it (or under the bar). */
		int x = x0 + g.bar_max + ui->gap_px;
		hall_ui_text(ui, x, y, t->share, g.spx, ui->lang, 1, th->figure_text, th->bg);
		if (g.count_below)
			hall_ui_text_box(ui, (hall_rect){x0, y + g.bh, r.x + r.w - ui->gap_px - x0, below}, t->count, ui->font_px,
			                 ui->lang, t->mine, th->text, th->bg, 0);
		else
			hall_ui_text(ui, x + g.share_w + ui->gap_px, y + (g.bh - ui->line_h) / 2, t->count, ui->font_px,
			             ui->lang, t->mine, th->text, th->bg);
		snprintf(label, sizeof(label), "%s: %s", t->label, t->spoken);
		hall_ui_hit(ui, r, rid, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
	}
	/* The total (a region speaking the whole tally), then whose numbers these are, which
	 * flows on (the total keeps its first lines). */
	int total_h = tl * ui->title_line_h < ui->target_px ? ui->target_px : tl * ui->title_line_h;
	hall_ui_flow_keep(f, total_h + ui->gap_px + wl * ui->line_h);
	if (hall_ui_flow_take(f, total_h, ui->gap_px, &r)) {
		hall_ui_text_box(ui, (hall_rect){r.x, r.y + (r.h - tl * ui->title_line_h) / 2, col, tl * ui->title_line_h},
		                 totals, ui->title_px, ui->lang, 1, th->text, th->bg, 0);
		snprintf(label, sizeof(label), "%s", alt);
		hall_ui_hit(ui, r, "results", HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
	}
	/* Whose numbers these are, whole on one page: half of it on the next reads as
	 * something else. */
	hall_ui_flow_keep(f, wl * ui->line_h);
	hall_ui_flow_text(f, whose, ui->lang, 0, th->text, th->bg);
	/* The question again, whole: under the note where the page has room for it, else on
	 * the next page (it was dropped there; nothing is lost in large text: issue #12
	 * item 7). */
	if (q_after) {
		hall_ui_flow_keep(f, hall_ui_count_lines(ui, q_after, ui->font_px, q_lang, 0, col, 8) * ui->line_h);
		hall_ui_flow_text(f, q_after, q_lang, 0, th->text, th->bg);
	}
}

static void results_flow(void *ctx, hall_ui_flow *f)
{
	poll_ctx *pc = ctx;
	hall_ui *ui = f->ui;
	const hall_poll *p = pc->p;
	hall_lang l;
	if (pc->st->voted && pc->st->show_results == 1)
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_THANK_YOU, ui->lang), ui->lang, 1, ui->th->text, ui->th->bg);
	else
		hall_ui_flow_text(f, hall_ui_string(HALL_STR_ALREADY_VOTED, ui->lang), ui->lang, 1, ui->th->text,
		                  ui->th->bg);
	const char *q = exhibits__text(ui, &p->question, &l);
	/* The question under the thanks, unless it would push the first bar off the first
	 * page (large text on a short screen): it then closes the tally with its total. */
	int ql = hall_ui_count_lines(ui, q, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 8);
	int q_last = p->show_results && f->page == 0 &&
	             f->y + ui->gap_px + ql * ui->line_h + 2 * ui->gap_px + 2 * ui->target_px > f->area.y + f->area.h;
	if (!q_last)
		hall_ui_flow_text(f, q, l, 0, ui->th->text, ui->th->bg);
	if (!p->show_results)
		return;
	const hall_poll_tally *t = pc->c->tally;
	hall_poll_tally none;
	if (!t) {
		memset(&none, 0, sizeof(none));
		t = &none;
	}
	size_t n = option_count(p);
	tally_row rows[6];
	int64_t total = t->total;
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += t->votes[i] > 0 ? t->votes[i] : 0;
	if (total < sum)
		total = sum;
	char num[64], totals[160];
	hall_ui_format_number(num, sizeof(num), (double)total, 0);
	hall_ui_fill(totals, sizeof(totals), hall_ui_string(HALL_STR_TOTAL_VOTES, ui->lang), num, NULL);
	/* Whose numbers these are, in plain words (issue #12 Build 5): no technical note. */
	const char *whose = hall_ui_string(t->live ? HALL_STR_RESULTS_LIVE : HALL_STR_RESULTS_LOCAL, ui->lang);
	char alt[1600];
	size_t ao = (size_t)snprintf(alt, sizeof(alt), "%s. %s%s%s", totals, whose, q_last ? " " : "", q_last ? q : "");
	for (size_t i = 0; i < n; i++) {
		tally_row *r = &rows[i];
		memset(r, 0, sizeof(*r));
		r->label = exhibits__text(ui, &p->options[i].label, &r->label_lang);
		int64_t v = t->votes[i] > 0 ? t->votes[i] : 0;
		r->value = (double)v;
		r->mine = pc->st->voted && pc->st->choice == (int)i;
		/* Shares in whole percents: a large, friendly figure, not "100.0%". */
		char vs[64], ps[32];
		hall_ui_format_number(vs, sizeof(vs), (double)v, 0);
		hall_ui_format_number(ps, sizeof(ps), total > 0 ? 100.0 * (double)v / (double)total : 0.0, 0);
		snprintf(r->share, sizeof(r->share), "%s%%", ps);
		/* The count alone: the string's "{1} votes ({2}%)" without its share. */
		char both[160];
		hall_ui_fill(both, sizeof(both),
		             hall_ui_string(v == 1 ? HALL_STR_VOTE_ONE_OF_TOTAL : HALL_STR_VOTES_OF_TOTAL, ui->lang), vs, ps);
		snprintf(r->spoken, sizeof(r->spoken), "%s%s%s", both, r->mine ? " ✓ " : "",
		         r->mine ? hall_ui_string(HALL_STR_YOUR_CHOICE, ui->lang) : "");
		char *open = strstr(both, " (");
		if (!open)
			open = strstr(both, "（");
		if (!open)
			open = strstr(both, "(");
		if (open)
			*open = '\0';
		snprintf(r->count, sizeof(r->count), "%s%s%s", both, r->mine ? " ✓ " : "",
		         r->mine ? hall_ui_string(HALL_STR_YOUR_CHOICE, ui->lang) : "");
		/* The line layout: the mark after the label, the figures short enough to share
		 * its line. */
		char share[sizeof(r->share)];
		memcpy(share, r->share, sizeof(share));
		snprintf(r->figures, sizeof(r->figures), "%s  %s", share, both);
		snprintf(r->marked, sizeof(r->marked), "%s%s%s", r->label, r->mine ? " ✓ " : "",
		         r->mine ? hall_ui_string(HALL_STR_YOUR_CHOICE, ui->lang) : "");
		if (ao < sizeof(alt))
			ao += (size_t)snprintf(alt + ao, sizeof(alt) - ao, " %s: %s.", r->label, r->spoken);
	}
	/* The tally, then its total and whose numbers these are. */
	tally_chart(f, totals, whose, q_last ? q : NULL, l, alt, rows, (int)n);
}

void exhibits__build_poll(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	const hall_poll *p = &c->ex->u.poll;
	if (st->choice >= (int)option_count(p))
		st->choice = -1;
	if (st->voted && !st->show_results)
		st->show_results = 2; /* came back after voting: "already voted" */
	poll_ctx pc = {c, p, st};
	st->pages = hall_ui_paged(c->ui, c->area, &st->page, st->show_results ? results_flow : question_flow, &pc);
}

hall_exhibit_result exhibits__activate_poll(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act,
                                            int *voted_option)
{
	const hall_poll *p = &c->ex->u.poll;
	size_t n = option_count(p);
	if (st->voted || n < HALL_CONTENT_POLL_OPTIONS_MIN)
		return HALL_EXHIBIT_NONE;
	if (act.kind == HALL_ACT_POLL_OPTION) {
		if (act.arg < 0 || (size_t)act.arg >= n)
			return HALL_EXHIBIT_NONE;
		st->choice = act.arg;
		return HALL_EXHIBIT_CHANGED;
	}
	if (act.kind == HALL_ACT_VOTE && st->choice >= 0 && (size_t)st->choice < n) {
		st->voted = 1;
		st->show_results = 1;
		st->page = 0;
		if (voted_option)
			*voted_option = st->choice;
		return HALL_EXHIBIT_VOTED;
	}
	return HALL_EXHIBIT_NONE;
}
