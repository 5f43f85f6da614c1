/* exhibits.c: dispatch by kind, and the blocks every exhibit shares (charts drawn from
 * numbers, images with their spoken description, figures). */
#include "exhibits.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "hall/control_ids.h"
#include "hall/log.h"

void hall_exhibit_state_reset(hall_exhibit_state *st)
{
	memset(st, 0, sizeof(*st));
	st->slide = 0;
	st->district = -1;
	st->choice = -1;
}

const char *exhibits__text(const hall_ui *ui, const hall_text *t, hall_lang *shown)
{
	hall_lang l = ui->lang;
	if (!t) {
		if (shown)
			*shown = l;
		return "";
	}
	const char *s = hall_text_get_lang(t, ui->lang, &l);
	if (shown)
		*shown = l;
	return s ? s : "";
}

void hall_exhibit_build(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	if (!c || !c->ex || !st)
		return;
	switch (c->ex->kind) {
	case HALL_EXHIBIT_BRAND:
		exhibits__build_brand(c, st);
		return;
	case HALL_EXHIBIT_POLICY:
		exhibits__build_policy(c, st);
		return;
	case HALL_EXHIBIT_CITY_MODEL:
		exhibits__build_city(c, st);
		return;
	case HALL_EXHIBIT_POLL:
		exhibits__build_poll(c, st);
		return;
	}
	/* The parser refuses unknown kinds; a corrupt value still gets a safe screen. */
	hall_ui *ui = c->ui;
	hall_ui_text_box(ui, c->area, hall_ui_string(HALL_STR_CONTENT_ERROR, ui->lang), ui->font_px, ui->lang, 0,
	                 ui->th->text, ui->th->bg, 0);
}

hall_exhibit_result hall_exhibit_activate(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act,
                                          int *voted_option)
{
	if (!c || !c->ex || !st)
		return HALL_EXHIBIT_NONE;
	/* The pager of a paged view (hall_ui_paged) is the same for every kind. */
	if (act.kind == HALL_ACT_PAGE) {
		int to = st->page + (act.arg > 0 ? 1 : -1);
		if (to < 0 || to >= st->pages)
			return HALL_EXHIBIT_NONE;
		st->page = to;
		return HALL_EXHIBIT_CHANGED;
	}
	switch (c->ex->kind) {
	case HALL_EXHIBIT_BRAND:
		return exhibits__activate_brand(c, st, act);
	case HALL_EXHIBIT_POLICY:
		return exhibits__activate_policy(c, st, act);
	case HALL_EXHIBIT_CITY_MODEL:
		return exhibits__activate_city(c, st, act);
	case HALL_EXHIBIT_POLL:
		return exhibits__activate_poll(c, st, act, voted_option);
	}
	return HALL_EXHIBIT_NONE;
}

int hall_exhibit_back(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	if (!c || !c->ex || !st)
		return 0;
	switch (c->ex->kind) {
	case HALL_EXHIBIT_BRAND:
		return 0;
	case HALL_EXHIBIT_POLICY:
		if (st->slide > 0) {
			/* Back to the list page the item was opened from, not to its start. */
			st->slide = 0;
			st->page = st->list_page;
			return 1;
		}
		return 0;
	case HALL_EXHIBIT_CITY_MODEL:
		if (st->district >= 0 || st->list) {
			st->district = -1;
			st->list = 0;
			st->page = 0;
			return 1;
		}
		return 0;
	case HALL_EXHIBIT_POLL:
		if (st->show_results && !st->voted) {
			st->show_results = 0;
			return 1;
		}
		return 0;
	}
	return 0;
}

void hall_exhibit_page_id(const hall_exhibit *ex, const hall_exhibit_state *st, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	buf[0] = '\0';
	if (!ex || !st)
		return;
	switch (ex->kind) {
	case HALL_EXHIBIT_BRAND:
		snprintf(buf, len, "slide-%d", st->slide + 1);
		return;
	case HALL_EXHIBIT_POLICY: {
		const hall_policy *p = &ex->u.policy;
		int item = st->slide - 1;
		if (item >= 0 && (size_t)item < p->n_cards)
			snprintf(buf, len, HALL_CONTROL_CARD "%s", p->cards[item].id);
		else if (item >= 0 && (size_t)item < p->n_cards + p->n_charts)
			snprintf(buf, len, HALL_CONTROL_CHART "%s", p->charts[(size_t)item - p->n_cards].id);
		return;
	}
	case HALL_EXHIBIT_CITY_MODEL:
		if (st->district >= 0 && (size_t)st->district < ex->u.city.n_districts)
			snprintf(buf, len, HALL_CONTROL_DISTRICT "%s", ex->u.city.districts[st->district].id);
		else if (st->list)
			snprintf(buf, len, "districts");
		return;
	case HALL_EXHIBIT_POLL:
		if (st->show_results)
			snprintf(buf, len, "thanks");
		return;
	}
}

static size_t check_text(const char *where, const char *field, const hall_text *t, int required)
{
	size_t n = 0;
	if (required && !hall_text_present(t)) {
		hall_error_log("content: %s.%s: missing in every language; the screen shows a gap", where, field);
		n++;
	}
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		if (t->s[l] && strlen(t->s[l]) > HALL_UI_TEXT_MAX) {
			hall_error_log("content: %s.%s.%s: %zu bytes, only the first %u are shown", where, field,
			               hall_lang_code((hall_lang)l), strlen(t->s[l]), (unsigned)HALL_UI_TEXT_MAX);
			n++;
		}
	}
	return n;
}

size_t hall_exhibit_validate(const hall_content *content, const unsigned char *asset_ok)
{
	if (!content)
		return 0;
	size_t n = 0;
	char where[128];
	for (size_t a = 0; a < content->n_assets; a++) {
		if (asset_ok && !asset_ok[a]) {
			hall_error_log("content: assets[%zu] (%s): cannot be read; its description is shown instead", a,
			               content->assets[a].name ? content->assets[a].name : "?");
			n++;
		}
	}
	for (size_t i = 0; i < content->n_exhibits; i++) {
		const hall_exhibit *ex = &content->exhibits[i];
		snprintf(where, sizeof(where), "exhibits[%zu]", i);
		n += check_text(where, "title", &ex->title, 1);
		n += check_text(where, "summary", &ex->summary, 1);
		switch (ex->kind) {
		case HALL_EXHIBIT_BRAND:
			n += check_text(where, "slogan", &ex->u.brand.slogan, 1);
			n += check_text(where, "story", &ex->u.brand.story, 1);
			for (size_t r = 0; r < ex->u.brand.n_rounds; r++) {
				if (ex->u.brand.rounds[r].n_options == 0) {
					hall_error_log("content: %s.rounds[%zu]: no options; the chart is empty", where, r);
					n++;
				}
			}
			break;
		case HALL_EXHIBIT_POLICY:
			if (ex->u.policy.n_cards + ex->u.policy.n_charts == 0) {
				hall_error_log("content: %s: no cards and no charts", where);
				n++;
			}
			for (size_t c = 0; c < ex->u.policy.n_cards; c++)
				n += check_text(where, "cards[].text", &ex->u.policy.cards[c].text, 1);
			for (size_t c = 0; c < ex->u.policy.n_charts; c++) {
				double total = 0;
				for (size_t k = 0; k < ex->u.policy.charts[c].n_series; k++)
					total += ex->u.policy.charts[c].series[k].value;
				if (ex->u.policy.charts[c].n_series == 0 || total <= 0) {
					hall_error_log("content: %s.charts[%zu]: no values to draw", where, c);
					n++;
				}
			}
			break;
		case HALL_EXHIBIT_CITY_MODEL:
			if (ex->u.city.n_districts == 0 || ex->u.city.w <= 0 || ex->u.city.h <= 0) {
				hall_error_log("content: %s: no districts or an empty viewbox; the map is not shown", where);
				n++;
			}
			for (size_t d = 0; d < ex->u.city.n_districts; d++) {
				if (ex->u.city.districts[d].n_points < 3 || !ex->u.city.districts[d].points) {
					hall_error_log("content: %s.districts[%zu]: %zu points, a polygon needs 3; not drawn", where, d,
					               ex->u.city.districts[d].n_points);
					n++;
				}
			}
			break;
		case HALL_EXHIBIT_POLL:
			if (ex->u.poll.n_options < HALL_CONTENT_POLL_OPTIONS_MIN || !ex->u.poll.options) {
				hall_error_log("content: %s.poll.options: %zu options, a poll needs 2 to 6; voting is off", where,
				               ex->u.poll.n_options);
				n++;
			}
			break;
		default:
			hall_error_log("content: %s.kind: unknown kind %d; a placeholder is shown", where, (int)ex->kind);
			n++;
			break;
		}
	}
	return n;
}

void exhibits__title(hall_ui_flow *f, const hall_text *t)
{
	hall_lang l;
	const char *s = exhibits__text(f->ui, t, &l);
	if (s[0])
		hall_ui_flow_text(f, s, l, 1, f->ui->th->text, f->ui->th->bg);
}

int exhibits__grid_col_w(const hall_ui *ui, int w, int cols)
{
	return cols > 0 ? (w - (cols - 1) * ui->gap_px) / cols : w;
}

void exhibits__grid_plan(const hall_ui_flow *f, size_t n, int cols, int tail_h, exhibits_row_h_fn row_h, void *ctx,
                         int *pages, int *first, int *cuts)
{
	const hall_ui *ui = f->ui;
	int col_w = exhibits__grid_col_w(ui, f->area.w, cols);
	int page = f->page, y = f->y, used = f->used, bottom = f->area.y + f->area.h;
	*first = 0;
	*cuts = 0;
	/* The rows, then the tail block (i == n) when there is one. */
	for (size_t i = 0; i < n || (i == n && tail_h > 0); i += (size_t)cols) {
		int h = i < n ? row_h(ctx, i, n - i < (size_t)cols ? n - i : (size_t)cols, col_w) : tail_h;
		if (h > f->area.h) {
			h = f->area.h;
			*cuts += i < n;
		}
		int g = used ? ui->gap_px : 0;
		if (used && y + g + h > bottom) {
			page++;
			y = f->area.y;
			g = 0;
		}
		y += g + h;
		used = 1;
		if (page == f->page && i < n)
			*first += (int)(n - i < (size_t)cols ? n - i : (size_t)cols);
		if (i >= n)
			break;
	}
	*pages = page - f->page + 1;
}

int exhibits__grid_cols(const hall_ui_flow *f, size_t n, int pref, int tail_h, exhibits_row_h_fn row_h, void *ctx)
{
	const hall_ui *ui = f->ui;
	int cols = pref < 1 ? 1 : pref > 3 ? 3 : pref;
	int best_pages, best_first, best_cuts;
	exhibits__grid_plan(f, n, cols, tail_h, row_h, ctx, &best_pages, &best_first, &best_cuts);
	for (int c = 1; c <= 3; c++) {
		if (c == cols || (size_t)c > n || exhibits__grid_col_w(ui, f->area.w, c) < 2 * ui->target_px)
			continue;
		int pages, first, cuts;
		exhibits__grid_plan(f, n, c, tail_h, row_h, ctx, &pages, &first, &cuts);
		/* Nothing cut first (a row taller than a page would lose its words), then fewer
		 * pages, then more on the first page. */
		if (cuts < best_cuts || (cuts == best_cuts && (pages < best_pages || (pages == best_pages && first > best_first)))) {
			cols = c;
			best_pages = pages;
			best_first = first;
			best_cuts = cuts;
		}
	}
	return cols;
}

void exhibits__grid_place(const hall_ui_flow *f, size_t rows, const int *least, const int *nat, int fill, int gap,
                          int *row_h, int *pages, int *first_rows, int *cuts)
{
	int bottom = f->area.y + f->area.h;
	int page = f->page, y = f->y, used = f->used;
	*first_rows = *cuts = 0;
	for (size_t r = 0; r < rows; r++)
		*cuts += least[r] > f->area.h;
	size_t r = 0;
	while (r < rows) {
		/* The rows from r on that fit on this page at their least height. */
		int room = bottom - y, need = 0;
		size_t k = 0;
		while (r + k < rows) {
			int h = least[r + k] < f->area.h ? least[r + k] : f->area.h;
			int g = (used || k > 0) ? gap : 0;
			if (need + g + h > room)
				break;
			need += g + h;
			k++;
		}
		if (k == 0) { /* (a row is never taller than a page: cut to one, counted below) */
			page++;
			y = f->area.y;
			used = 0;
			continue;
		}
		/* Share what is left among them, each up to its natural height (all of it when
		 * `fill` and the whole grid is on this page: the grid fills the screen). */
		int spare = room - need;
		int all = fill && r == 0 && k == rows;
		for (size_t j = 0; j < k; j++) {
			int lo = least[r + j] < f->area.h ? least[r + j] : f->area.h;
			int want = all ? spare : nat[r + j] - lo;
			int share = spare / (int)(k - j);
			int add = want < share ? want : share;
			if (add < 0)
				add = 0;
			row_h[r + j] = lo + add;
			spare -= add;
		}
		if (page == f->page)
			*first_rows += (int)k;
		used = 1;
		r += k;
		if (r < rows) {
			page++;
			y = f->area.y;
			used = 0;
		}
	}
	*pages = page - f->page + 1;
}

void exhibits__value_unit(const hall_ui *ui, char *buf, size_t len, double value, const hall_text *unit)
{
	char num[64];
	double r = round(value);
	hall_ui_format_number(num, sizeof(num), value, fabs(value - r) < 1e-9 ? 0 : 1);
	const char *u = unit ? exhibits__text(ui, unit, NULL) : "";
	if (!u[0])
		snprintf(buf, len, "%s", num);
	else if (strcmp(u, "%") == 0)
		snprintf(buf, len, "%s%%", num);
	else if ((unsigned char)u[0] >= 0x80) /* Korean, Chinese, Japanese units and counters
	                                       * follow the number closely: 6개 구, 6个区, 6区 */
		snprintf(buf, len, "%s%s", num, u);
	else
		snprintf(buf, len, "%s %s", num, u);
}

/* A key figure's number at the key-figure size (2x the body), or the title size when
 * it would not fit the width. */
static int figure_px(const hall_ui *ui, const char *v, hall_lang l, int w, int max_h, int *lh)
{
	/* The largest of the key-figure, title and body sizes whose number fits w and max_h;
	 * *lh: its measured height, so the number's block holds it. */
	const int sizes[] = {ui->figure_px, ui->title_px, ui->font_px};
	int vw = 0, vh = 0;
	for (size_t i = 0; i < 3; i++) {
		hall_ui_measure_text(ui, v, strlen(v), sizes[i], l, 1, &vw, &vh);
		if ((vw <= w && vh <= max_h) || i == 2) {
			*lh = vh;
			return sizes[i];
		}
	}
	*lh = vh;
	return ui->font_px;
}

void exhibits__figures(hall_ui_flow *f, const hall_figure *figs, size_t n)
{
	hall_ui *ui = f->ui;
	for (size_t i = 0; i < n && figs; i++) {
		hall_lang l;
		const char *label = exhibits__text(ui, &figs[i].label, &l);
		char v[160];
		exhibits__value_unit(ui, v, sizeof(v), figs[i].value, &figs[i].unit);
		int lh, px = figure_px(ui, v, l, f->area.w, f->area.h / 2, &lh);
		hall_rect r;
		/* The number keeps at least the first lines of its label on its page (a number
		 * at a page's foot with its meaning on the next reads as nothing). */
		int ll = hall_ui_count_lines(ui, label, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 2);
		if (f->used && f->y + ui->gap_px + lh + ui->gap_px / 2 + ll * ui->line_h > f->area.y + f->area.h)
			hall_ui_flow_break(f);
		/* The number large, its label under it (issue #12 Build 4). */
		if (hall_ui_flow_take(f, lh, ui->gap_px, &r))
			hall_ui_text_box(ui, r, v, px, l, 1, ui->th->figure_text, ui->th->bg, 0);
		hall_ui_flow_text(f, label, l, 0, ui->th->text, ui->th->bg);
	}
}

/* One key figure in a column of width col, laid out once for both measuring and drawing
 * (exhibits__figure_row_h and exhibits__figure_row must agree on its height). */
typedef struct figure_cell {
	char value[160];   /* the number with its unit */
	const char *label;
	hall_lang lang;
	int px;            /* the number's type size */
	int value_h;       /* the number's height: a number too wide even at body size wraps, never cut */
} figure_cell;

static void figure_cell_layout(const hall_ui *ui, const hall_figure *fig, int col, figure_cell *c)
{
	c->label = exhibits__text(ui, &fig->label, &c->lang);
	exhibits__value_unit(ui, c->value, sizeof(c->value), fig->value, &fig->unit);
	int lh;
	c->px = figure_px(ui, c->value, c->lang, col, INT_MAX, &lh);
	int vl = hall_ui_count_lines(ui, c->value, c->px, c->lang, 1, col, 8);
	c->value_h = (vl > 0 ? vl : 1) * lh;
}

/* Key figures side by side in columns of width w / n: the height they need. */
int exhibits__figure_row_h(const hall_ui *ui, int w, const hall_figure *figs, size_t n)
{
	if (n == 0 || !figs)
		return 0;
	int col = (w - (int)(n - 1) * ui->gap_px) / (int)n, h = 0;
	for (size_t i = 0; i < n; i++) {
		figure_cell c;
		figure_cell_layout(ui, &figs[i], col, &c);
		int need = c.value_h + hall_ui_count_lines(ui, c.label, ui->font_px, c.lang, 0, col, 8) * ui->line_h;
		h = need > h ? need : h;
	}
	return h;
}

void exhibits__figure_row(hall_ui *ui, hall_rect r, const hall_figure *figs, size_t n)
{
	if (n == 0 || !figs)
		return;
	int col = (r.w - (int)(n - 1) * ui->gap_px) / (int)n;
	for (size_t i = 0; i < n; i++) {
		figure_cell c;
		figure_cell_layout(ui, &figs[i], col, &c);
		int x = r.x + (int)i * (col + ui->gap_px);
		hall_ui_text_box(ui, (hall_rect){x, r.y, col, c.value_h}, c.value, c.px, c.lang, 1, ui->th->figure_text,
		                 ui->th->bg, 0);
		hall_ui_text_box(ui, (hall_rect){x, r.y + c.value_h, col, r.h - c.value_h}, c.label, ui->font_px, c.lang, 0,
		                 ui->th->text, ui->th->bg, 0);
	}
}

/* A REGION hit over a block whose height may be short of a target: grown to the target
 * size inside the block's column. */
static void region(hall_ui *ui, hall_rect r, const char *id, const char *label)
{
	if (r.h < ui->target_px)
		r.h = ui->target_px;
	if (r.w < ui->target_px)
		r.w = ui->target_px;
	hall_ui_hit(ui, r, id, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
}

/* ---- bar charts (issue #12 Build 5: read at a glance, from a few metres) ---- */

#define CHART_ROWS_MAX 24
#define CHART_LABEL_MAX 600

/* A row's label as shown: the leading row's mark in words on a line of its own under it
 * ("✓ Most votes"), so the winner is never told by colour alone. */
static void row_label(const exhibits_bar *b, char *buf, size_t len)
{
	if (b->highlight && b->mark && b->mark[0])
		snprintf(buf, len, "%s\n\xE2\x9C\x93 %s", b->label, b->mark);
	else
		snprintf(buf, len, "%s", b->label);
}

/* What a row's region says: "label: figures", and the mark. */
static void row_spoken(const exhibits_bar *b, char *buf, size_t len)
{
	if (b->highlight && b->mark && b->mark[0])
		snprintf(buf, len, "%s: %s. %s", b->label, b->value_text, b->mark);
	else
		snprintf(buf, len, "%s: %s", b->label, b->value_text);
}

/* The chart's heading, `lines` lines of px type centred in a block h high, and a region
 * over it that speaks the summary. */
static void chart_heading(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang, const char *alt,
                          int h, int px, int lh, int lines)
{
	hall_ui *ui = f->ui;
	hall_rect r;
	if (!hall_ui_flow_take(f, h, ui->gap_px, &r))
		return;
	hall_ui_text_box(ui, (hall_rect){r.x, r.y + (r.h - lines * lh) / 2, r.w, lines * lh}, title, px, title_lang, 1,
	                 ui->th->text, ui->th->bg, 0);
	char label[1200];
	snprintf(label, sizeof(label), "%s. %s", title, alt && alt[0] ? alt : "");
	region(ui, r, id, label);
}

static double bars_max(const exhibits_bar *bars, int n)
{
	double max = 0;
	for (int i = 0; i < n; i++)
		if (bars[i].value > max)
			max = bars[i].value;
	return max;
}

/* The chart at the body size, each row a label over a bar a line thick with its figures
 * beside it (or under it): what a page holds when the large layout does not fit (large
 * text on a small screen, the low-position band); rows page as any block. */
static void bar_chart_compact(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang,
                              const char *alt, const exhibits_bar *bars, const char (*shown)[CHART_LABEL_MAX], int n)
{
	hall_ui *ui = f->ui;
	const hall_ui_theme *th = ui->th;
	char label[1200];
	/* Heading block: the chart's title, and a region that speaks the summary. */
	int tl = hall_ui_count_lines(ui, title, ui->font_px, title_lang, 1, f->area.w, 4);
	int th_h = (tl < 1 ? 1 : tl) * ui->line_h;
	if (th_h < ui->target_px)
		th_h = ui->target_px;
	hall_rect r;
	chart_heading(f, id, title, title_lang, alt, th_h, ui->font_px, ui->line_h, tl < 1 ? 1 : tl);
	double max = bars_max(bars, n);
	/* One scale for every row: the bars share one length for the largest value, leaving
	 * room for the widest figures beside them (a row's own room would give each bar its
	 * own scale: bars of different charts in one). */
	int widest = 0;
	for (int i = 0; i < n; i++) {
		int vw, vh;
		hall_ui_measure_text(ui, bars[i].value_text, strlen(bars[i].value_text), ui->font_px, ui->lang,
		                     bars[i].highlight, &vw, &vh);
		if (vw <= f->area.w * 6 / 10 && vw > widest)
			widest = vw;
	}
	int scale_w = widest > 0 ? f->area.w - widest - ui->gap_px : f->area.w;
	for (int i = 0; i < n; i++) {
		const exhibits_bar *b = &bars[i];
		/* Row: the label (wrapped), then the bar with its figures beside it. */
		int ll = hall_ui_count_lines(ui, shown[i], ui->font_px, b->label_lang, b->highlight, f->area.w, 3);
		if (ll < 1)
			ll = 1;
		int vw, vh;
		hall_ui_measure_text(ui, b->value_text, strlen(b->value_text), ui->font_px, ui->lang, b->highlight, &vw, &vh);
		/* The figures go beside the bar when they take at most 60% of the width, else
		 * on their own lines under it (wrapped). */
		int value_own_line = vw > f->area.w * 6 / 10;
		int vl = value_own_line ? hall_ui_count_lines(ui, b->value_text, ui->font_px, ui->lang, b->highlight,
		                                              f->area.w, 3)
		                        : 0;
		/* A row never exceeds a page: long labels give up lines (with "…"). */
		while (ll > 1 && (ll + 1 + vl) * ui->line_h > f->area.h)
			ll--;
		/* Still taller than a page (large text on a small screen): the figures follow
		 * as a paragraph of their own, so they may go to the next page whole. */
		int split = (ll + 1 + vl) * ui->line_h > f->area.h;
		int h = (ll + 1 + (split ? 0 : vl)) * ui->line_h;
		if (h < ui->target_px)
			h = ui->target_px;
		if (!hall_ui_flow_take(f, h, ui->gap_px, &r)) {
			if (split)
				hall_ui_flow_text(f, b->value_text, ui->lang, 0, th->text, th->bg);
			continue;
		}
		hall_ui_text_box(ui, (hall_rect){r.x, r.y, r.w, ll * ui->line_h}, shown[i], ui->font_px, b->label_lang,
		                 b->highlight, th->text, th->bg, 0);
		int y = r.y + ll * ui->line_h;
		int bar_max = scale_w < r.w ? scale_w : r.w;
		if (bar_max < 0)
			bar_max = 0;
		int bw = max > 0 ? (int)lround(bar_max * (b->value / max)) : 0;
		if (bw < 2 && b->value > 0)
			bw = 2;
		/* The track (the whole scale) under the bar, so a short bar still reads as a
		 * share of something and the chart fills its width; the figures at the bar's end
		 * interrupt it (never half on the track, half off). */
		int bh = ui->line_h;
		int tx = r.x + bw + ui->gap_px;
		if (value_own_line)
			hall_dl_box(ui->dl, (hall_rect){r.x, y, bar_max, bh}, th->track);
		else if (tx + vw + ui->gap_px + bar_max / 4 <= r.x + bar_max) /* enough of the scale left to read as one, not a sliver */
			hall_dl_box(ui->dl, (hall_rect){tx + vw + ui->gap_px, y, r.x + bar_max - (tx + vw + ui->gap_px), bh},
			            th->track);
		hall_dl_item *bx = hall_dl_box(ui->dl, (hall_rect){r.x, y, bw, bh},
		                               b->highlight ? th->series[1] : th->series[0]);
		if (bx && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST)) {
			bx->border = th->text;
			bx->border_px = ui->m.stroke_px;
		}
		if (value_own_line && !split)
			hall_ui_text_box(ui, (hall_rect){r.x, y + ui->line_h, r.w, vl * ui->line_h}, b->value_text, ui->font_px,
			                 ui->lang, b->highlight, th->text, th->bg, 0);
		else if (!value_own_line)
			hall_ui_text(ui, tx, y, b->value_text, ui->font_px, ui->lang, b->highlight, th->text, th->bg);
		char rid[96];
		snprintf(rid, sizeof(rid), "%s-%d", id, i + 1);
		row_spoken(b, label, sizeof(label));
		region(ui, r, rid, label);
		if (split)
			hall_ui_flow_text(f, b->value_text, ui->lang, 0, th->text, th->bg);
	}
}

/* The large layout of a bar chart: its heading, then a row per value, each a label
 * (beside the bar or over it), a bar as thick as its figures or thicker, and the figures
 * at the bar's end. */
typedef struct chart_geom {
	int hpx, hlh, hl;       /* the heading: size, line height, lines */
	int lpx, llh, vpx, vlh; /* labels and figures: size and line height */
	int side;               /* labels in a column beside the bars, else over them */
	int label_w, bar_x, bar_max, bh, row_gap;
	int ll[CHART_ROWS_MAX];
	int head_h, rows_h;     /* the heading's block; every row with the gaps between */
} chart_geom;

/* A row: its label beside a bar (the taller of the two) or over it; a target high at
 * least (each row is a region a visitor can touch to hear it). */
static int chart_row_h(const hall_ui *ui, const chart_geom *g, int i)
{
	int rh = g->side ? (g->ll[i] * g->llh > g->bh ? g->ll[i] * g->llh : g->bh) : g->ll[i] * g->llh + g->bh;
	return rh < ui->target_px ? ui->target_px : rh;
}

static int chart_rows_h(const hall_ui *ui, const chart_geom *g, int n)
{
	int h = 0;
	for (int i = 0; i < n; i++)
		h += chart_row_h(ui, g, i) + (i ? g->row_gap : 0);
	return h;
}

/* Lay out at labels (lpx, llh) and figures (vpx, vlh), side by side or not; 0 when the
 * figures or the labels leave the bars less than a quarter of the width. */
static int chart_measure(const hall_ui_flow *f, const char *title, hall_lang title_lang, const exhibits_bar *bars,
                         const char (*shown)[CHART_LABEL_MAX], int n, int lpx, int llh, int vpx, int vlh, int side,
                         chart_geom *g)
{
	const hall_ui *ui = f->ui;
	int w = f->area.w;
	memset(g, 0, sizeof(*g));
	g->lpx = lpx;
	g->llh = llh;
	g->vpx = vpx;
	g->vlh = vlh;
	g->side = side;
	g->bh = vlh;
	g->row_gap = ui->gap_px;
	/* The heading (the brand's total) a key figure when it holds one line, else at the
	 * title size. */
	int tw, th;
	hall_ui_measure_text(ui, title, strlen(title), ui->figure_px, title_lang, 1, &tw, &th);
	if (tw <= w && vpx >= ui->figure_px) {
		g->hpx = ui->figure_px;
		g->hlh = ui->figure_line_h;
		g->hl = 1;
	} else {
		g->hpx = ui->title_px;
		g->hlh = ui->title_line_h;
		g->hl = hall_ui_count_lines(ui, title, ui->title_px, title_lang, 1, w, 3);
		if (g->hl < 1)
			g->hl = 1;
	}
	g->head_h = g->hl * g->hlh < ui->target_px ? ui->target_px : g->hl * g->hlh;
	int widest = 0;
	for (int i = 0; i < n; i++) {
		int vw, vh;
		hall_ui_measure_text(ui, bars[i].value_text, strlen(bars[i].value_text), vpx, ui->lang, 1, &vw, &vh);
		widest = vw > widest ? vw : widest;
		if (side) {
			/* each line of the shown label (the mark is the second) */
			const char *nl = strchr(shown[i], '\n');
			size_t len = nl ? (size_t)(nl - shown[i]) : strlen(shown[i]);
			int lw, lh;
			hall_ui_measure_text(ui, shown[i], len, lpx, bars[i].label_lang, bars[i].highlight, &lw, &lh);
			g->label_w = lw > g->label_w ? lw : g->label_w;
			if (nl) {
				hall_ui_measure_text(ui, nl + 1, strlen(nl + 1), lpx, bars[i].label_lang, 1, &lw, &lh);
				g->label_w = lw > g->label_w ? lw : g->label_w;
			}
		}
	}
	if (side && g->label_w > w / 3)
		g->label_w = w / 3;
	g->bar_x = side ? g->label_w + ui->gap_px : 0;
	/* The figures after the bar's end and a gap of the grid to the area's edge. */
	g->bar_max = w - g->bar_x - widest - 2 * ui->gap_px;
	if (g->bar_max < w / 4)
		return 0;
	for (int i = 0; i < n; i++) {
		g->ll[i] = hall_ui_count_lines(ui, shown[i], lpx, bars[i].label_lang, bars[i].highlight,
		                               side ? g->label_w : w, 5);
		if (g->ll[i] < 1)
			g->ll[i] = 1;
		/* Beside the bars a label keeps its lines whole (a name broken in a narrow column
		 * reads, and is read aloud, as two); over them it may wrap, up to 3 lines. */
		if (g->ll[i] > (side ? 1 + (strchr(shown[i], '\n') != NULL) : 3))
			return 0;
	}
	g->rows_h = chart_rows_h(ui, g, n);
	return 1;
}

void exhibits__bar_chart(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang,
                         const char *alt, const exhibits_bar *bars, int n)
{
	hall_ui *ui = f->ui;
	const hall_ui_theme *th = ui->th;
	if (n > CHART_ROWS_MAX)
		n = CHART_ROWS_MAX;
	char shown[CHART_ROWS_MAX][CHART_LABEL_MAX];
	for (int i = 0; i < n; i++)
		row_label(&bars[i], shown[i], sizeof(shown[i]));
	/* The largest layout that holds the whole chart in the room the page has left: the
	 * labels and the figures as key figures, then smaller; labels
	 * beside the bars before over them. When none holds, the body size pages as before. */
	const int sizes[4][4] = {{ui->figure_px, ui->figure_line_h, ui->figure_px, ui->figure_line_h},
	                         {ui->title_px, ui->title_line_h, ui->figure_px, ui->figure_line_h},
	                         {ui->title_px, ui->title_line_h, ui->title_px, ui->title_line_h},
	                         {ui->font_px, ui->line_h, ui->title_px, ui->title_line_h}};
	int room = f->area.y + f->area.h - f->y - (f->used ? ui->gap_px : 0);
	chart_geom g;
	int found = 0;
	for (int k = 0; k < 4 && !found; k++)
		for (int side = 1; side >= 0 && !found; side--)
			found = chart_measure(f, title, title_lang, bars, (const char (*)[CHART_LABEL_MAX])shown, n, sizes[k][0],
			                      sizes[k][1], sizes[k][2], sizes[k][3], side, &g) &&
			        g.head_h + ui->gap_px + g.rows_h <= room;
	if (!found) {
		/* The mark after the label on its line: a line of its own took another page per
		 * chart in large text on the 32-inch screen. */
		for (int i = 0; i < n; i++)
			if (bars[i].highlight && bars[i].mark && bars[i].mark[0])
				snprintf(shown[i], sizeof(shown[i]), "%s \xE2\x9C\x93 %s", bars[i].label, bars[i].mark);
		bar_chart_compact(f, id, title, title_lang, alt, bars, (const char (*)[CHART_LABEL_MAX])shown, n);
		return;
	}
	/* The room left thickens the bars (up to twice their figures' height), then spreads
	 * the rows over the page, so the chart fills its area rather than its top. */
	int spare = room - g.head_h - ui->gap_px - g.rows_h;
	int grow = n > 0 ? spare / n : 0;
	if (grow > g.vlh)
		grow = g.vlh;
	if (grow > 0) {
		g.bh += grow;
		g.rows_h = chart_rows_h(ui, &g, n);
		spare = room - g.head_h - ui->gap_px - g.rows_h;
	}
	if (spare > 0 && n > 0) {
		int more = spare / (n + 1);
		g.row_gap += more < g.vlh ? more : g.vlh;
	}
	char label[1200];
	hall_rect r;
	chart_heading(f, id, title, title_lang, alt, g.head_h, g.hpx, g.hlh, g.hl);
	double max = bars_max(bars, n);
	for (int i = 0; i < n; i++) {
		const exhibits_bar *b = &bars[i];
		int h = chart_row_h(ui, &g, i);
		if (!hall_ui_flow_take(f, h, g.row_gap, &r))
			continue;
		int lh = g.ll[i] * g.llh;
		int ly = g.side ? r.y + (h - lh) / 2 : r.y;
		hall_ui_text_box(ui, (hall_rect){r.x, ly, g.side ? g.label_w : r.w, lh}, shown[i], g.lpx, b->label_lang,
		                 b->highlight, th->text, th->bg, 0);
		int y = g.side ? r.y + (h - g.bh) / 2 : r.y + lh;
		int x0 = r.x + g.bar_x;
		int bw = max > 0 ? (int)lround(g.bar_max * (b->value / max)) : 0;
		if (bw < 2 && b->value > 0)
			bw = 2;
		/* The figures at the bar's end. No track here: bars this thick read as lengths on
		 * one scale by themselves, and a track broken by figures of different widths
		 * drew grey blocks of unrelated lengths (seen in the ja gallery). */
		int tx = x0 + bw + ui->gap_px;
		hall_dl_item *bx = hall_dl_box(ui->dl, (hall_rect){x0, y, bw, g.bh}, b->highlight ? th->series[1] : th->series[0]);
		if (bx && (ui->modes & HALL_APP_MODE_HIGH_CONTRAST)) {
			bx->border = th->text;
			bx->border_px = ui->m.stroke_px;
		}
		hall_ui_text(ui, tx, y + (g.bh - g.vlh) / 2, b->value_text, g.vpx, ui->lang, 1, th->figure_text, th->bg);
		char rid[96];
		snprintf(rid, sizeof(rid), "%s-%d", id, i + 1);
		row_spoken(b, label, sizeof(label));
		region(ui, r, rid, label);
	}
}

/* One convex piece of an annulus between angles a0 and a1 (radians). */
static void annulus_piece(hall_ui *ui, int cx, int cy, double ri, double ro, double a0, double a1, hall_rgba fill)
{
	int pts[8];
	double ca0 = cos(a0), sa0 = sin(a0), ca1 = cos(a1), sa1 = sin(a1);
	pts[0] = cx + (int)lround(ro * ca0);
	pts[1] = cy + (int)lround(ro * sa0);
	pts[2] = cx + (int)lround(ro * ca1);
	pts[3] = cy + (int)lround(ro * sa1);
	pts[4] = cx + (int)lround(ri * ca1);
	pts[5] = cy + (int)lround(ri * sa1);
	pts[6] = cx + (int)lround(ri * ca0);
	pts[7] = cy + (int)lround(ri * sa0);
	hall_dl_polygon(ui->dl, pts, 4, fill);
}

/* One legend row of a donut in r: swatch, "n. label" (ll lines), the figures (vl lines). */
static void legend_row(hall_ui *ui, hall_rect r, const char *id, int i, const exhibits_bar *b, int ll, int vl)
{
	const hall_ui_theme *th = ui->th;
	char line[400], label[1200], rid[96];
	snprintf(line, sizeof(line), "%d. %s", i + 1, b->label);
	/* A swatch beside the number ties the legend to the slice for sighted visitors; the
	 * number does it without colour. */
	int sw = ui->line_h * 6 / 10;
	hall_dl_box(ui->dl, (hall_rect){r.x, r.y + (ui->line_h - sw) / 2, sw, sw}, th->series[i % 6]);
	hall_ui_text_box(ui, (hall_rect){r.x + ui->line_h, r.y, r.w - ui->line_h, ll * ui->line_h}, line, ui->font_px,
	                 b->label_lang, 0, th->text, th->bg, 0);
	hall_ui_text_box(ui, (hall_rect){r.x + ui->line_h, r.y + ll * ui->line_h, r.w - ui->line_h, vl * ui->line_h},
	                 b->value_text, ui->font_px, ui->lang, 1, th->text, th->bg, 0);
	snprintf(rid, sizeof(rid), "%s-%d", id, i + 1);
	snprintf(label, sizeof(label), "%s: %s", line, b->value_text);
	hall_ui_hit(ui, r, rid, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
}

/* Lines of a legend row at width w (label limited to 3, figures to 3). */
static void legend_lines(const hall_ui *ui, const exhibits_bar *b, int i, int w, int max_h, int *ll, int *vl)
{
	char line[400];
	snprintf(line, sizeof(line), "%d. %s", i + 1, b->label);
	*ll = hall_ui_count_lines(ui, line, ui->font_px, b->label_lang, 0, w - ui->line_h, 3);
	if (*ll < 1)
		*ll = 1;
	*vl = hall_ui_count_lines(ui, b->value_text, ui->font_px, ui->lang, 1, w - ui->line_h, 3);
	if (*vl < 1)
		*vl = 1;
	while (*ll > 1 && (*ll + *vl) * ui->line_h > max_h)
		(*ll)--;
}

static int legend_height(const hall_ui *ui, int ll, int vl)
{
	int h = (ll + vl) * ui->line_h;
	return h < ui->target_px ? ui->target_px : h;
}

static void draw_donut(hall_ui *ui, int cx, int cy, double ro, const exhibits_bar *slices, int n, double total)
{
	const hall_ui_theme *th = ui->th;
	double ri = ro * 0.5;
	double a = -M_PI / 2;
	for (int i = 0; i < n; i++) {
		if (slices[i].value <= 0)
			continue;
		double span = 2 * M_PI * slices[i].value / total;
		int pieces = (int)ceil(span / (M_PI / 30));
		for (int k = 0; k < pieces; k++)
			annulus_piece(ui, cx, cy, ri, ro, a + span * k / pieces, a + span * (k + 1) / pieces, th->series[i % 6]);
		a += span;
	}
	/* Numbers on the slices wide enough to hold them. */
	a = -M_PI / 2;
	for (int i = 0; i < n; i++) {
		if (slices[i].value <= 0)
			continue;
		double span = 2 * M_PI * slices[i].value / total;
		double mid = a + span / 2, rm = (ri + ro) / 2;
		char num[16];
		snprintf(num, sizeof(num), "%d", i + 1);
		int w, hh;
		hall_ui_measure_text(ui, num, strlen(num), ui->font_px, ui->lang, 1, &w, &hh);
		int bw = w + ui->pad_px, bh = hh;
		if (span * rm > bw * 1.3 && ro - ri > bh * 1.05) {
			int bx = cx + (int)lround(rm * cos(mid)) - bw / 2;
			int by = cy + (int)lround(rm * sin(mid)) - bh / 2;
			hall_dl_item *box = hall_dl_box(ui->dl, (hall_rect){bx, by, bw, bh}, th->surface);
			if (box) {
				box->border = th->text;
				box->border_px = ui->m.stroke_px;
			}
			hall_ui_text(ui, bx + ui->pad_px / 2, by, num, ui->font_px, ui->lang, 1, th->surface_text, th->surface);
		}
		a += span;
	}
}

void exhibits__donut_chart(hall_ui_flow *f, const char *id, const char *title, hall_lang title_lang,
                           const char *alt, const exhibits_bar *slices, int n)
{
	hall_ui *ui = f->ui;
	const hall_ui_theme *th = ui->th;
	double total = 0;
	for (int i = 0; i < n; i++)
		total += slices[i].value > 0 ? slices[i].value : 0;
	if (n > (int)HALL_CONTENT_SERIES_MAX)
		n = (int)HALL_CONTENT_SERIES_MAX;

	char label[1200];
	int tl = hall_ui_count_lines(ui, title, ui->font_px, title_lang, 1, f->area.w, 4);
	if (tl < 1)
		tl = 1;
	int d = f->area.w < f->area.h * 55 / 100 ? f->area.w : f->area.h * 55 / 100;
	if (d < ui->target_px * 2)
		d = ui->target_px * 2;
	if (tl * ui->line_h + d > f->area.h) {
		tl = 1;
		d = f->area.h - ui->line_h;
	}
	/* The legend goes beside the donut when the screen is wide enough and it fits the
	 * donut's height; else under it, one row per slice. */
	int lw = f->area.w - d - ui->gap_px;
	int lls[HALL_CONTENT_SERIES_MAX], vls[HALL_CONTENT_SERIES_MAX];
	int beside = lw >= f->area.w * 2 / 5;
	if (beside) {
		int sum = 0;
		for (int i = 0; i < n; i++) {
			legend_lines(ui, &slices[i], i, lw, d, &lls[i], &vls[i]);
			sum += legend_height(ui, lls[i], vls[i]) + (i ? ui->gap_px : 0);
		}
		beside = sum <= d;
	}
	int h = tl * ui->line_h + d;
	hall_rect r;
	if (hall_ui_flow_take(f, h, ui->gap_px, &r)) {
		hall_ui_text_box(ui, (hall_rect){r.x, r.y, r.w, tl * ui->line_h}, title, ui->font_px, title_lang, 1,
		                 th->text, th->bg, 0);
		int size = r.h - tl * ui->line_h;
		if (size > r.w)
			size = r.w;
		int cx = beside ? r.x + size / 2 : r.x + r.w / 2, cy = r.y + tl * ui->line_h + size / 2;
		if (total > 0)
			draw_donut(ui, cx, cy, size / 2.0, slices, n, total);
		snprintf(label, sizeof(label), "%s. %s", title, alt && alt[0] ? alt : "");
		hall_rect hr = beside ? (hall_rect){r.x, r.y, size, r.h} : r;
		if (hr.w < ui->target_px)
			hr.w = ui->target_px;
		hall_ui_hit(ui, hr, id, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
		if (beside) {
			int y = r.y + tl * ui->line_h;
			for (int i = 0; i < n; i++) {
				int rh = legend_height(ui, lls[i], vls[i]);
				legend_row(ui, (hall_rect){r.x + size + ui->gap_px, y, lw, rh}, id, i, &slices[i], lls[i], vls[i]);
				y += rh + ui->gap_px;
			}
		}
	}
	if (beside)
		return;
	for (int i = 0; i < n; i++) {
		int ll, vl;
		legend_lines(ui, &slices[i], i, f->area.w, f->area.h, &ll, &vl);
		if (hall_ui_flow_take(f, legend_height(ui, ll, vl), ui->gap_px, &r))
			legend_row(ui, r, id, i, &slices[i], ll, vl);
	}
}

int exhibits__asset_path(const hall_exhibit_ctx *c, const hall_asset *asset, char *buf, size_t len)
{
	int ok = asset != NULL && asset->name != NULL;
	if (ok && c->asset_ok && c->content) {
		ptrdiff_t idx = asset - c->content->assets;
		if (idx >= 0 && (size_t)idx < c->content->n_assets)
			ok = c->asset_ok[idx] != 0;
	}
	if (ok)
		snprintf(buf, len, "%s/%s", c->pack_dir ? c->pack_dir : ".", asset->name);
	return ok;
}

const hall_asset *exhibits__tile_picture(const hall_exhibit *ex)
{
	if (ex->image)
		return ex->image;
	if (ex->kind == HALL_EXHIBIT_BRAND && ex->u.brand.n_slides > 0)
		return ex->u.brand.slides[0].image;
	if (ex->kind == HALL_EXHIBIT_POLICY)
		for (size_t i = 0; i < ex->u.policy.n_cards; i++)
			if (ex->u.policy.cards[i].image)
				return ex->u.policy.cards[i].image;
	return NULL;
}

const hall_asset *hall_exhibit_view_picture(const hall_exhibit *ex, const hall_exhibit_state *st,
                                            const hall_text **alt, const char **id)
{
	*alt = NULL;
	*id = "exhibit-picture";
	if (!ex || !st)
		return NULL;
	if (ex->kind == HALL_EXHIBIT_BRAND) {
		const hall_brand *b = &ex->u.brand;
		int s = st->slide - 1 - (int)b->n_rounds;
		if (st->slide == 0 && b->n_slides > 0 && b->slides[0].image) {
			*alt = &b->slides[0].alt;
			*id = "slogan-image";
			return b->slides[0].image;
		}
		if (s >= 0 && (size_t)s < b->n_slides && b->slides[s].image) {
			*alt = &b->slides[s].alt;
			*id = "slide-image";
			return b->slides[s].image;
		}
	}
	if (ex->kind == HALL_EXHIBIT_POLICY && st->slide > 0 && (size_t)(st->slide - 1) < ex->u.policy.n_cards) {
		const hall_card *card = &ex->u.policy.cards[st->slide - 1];
		if (card->image) {
			*alt = &card->alt;
			*id = "detail-image";
			return card->image;
		}
	}
	if (ex->image) {
		*alt = &ex->alt;
		return ex->image;
	}
	if (ex->kind == HALL_EXHIBIT_BRAND && ex->u.brand.n_slides > 0 && ex->u.brand.slides[0].image) {
		*alt = &ex->u.brand.slides[0].alt;
		return ex->u.brand.slides[0].image;
	}
	if (ex->kind == HALL_EXHIBIT_POLICY)
		for (size_t i = 0; i < ex->u.policy.n_cards; i++)
			if (ex->u.policy.cards[i].image) {
				*alt = &ex->u.policy.cards[i].alt;
				return ex->u.policy.cards[i].image;
			}
	return NULL;
}

void exhibits__image(const hall_exhibit_ctx *c, hall_ui_flow *f, const char *id, const hall_asset *asset,
                     const char *alt, hall_lang alt_lang, int max_h)
{
	hall_ui *ui = f->ui;
	if (asset && ui->above_asset == asset)
		return; /* shown large above the reach band (low position) */
	if (max_h < ui->target_px)
		max_h = ui->target_px;
	hall_rect r;
	if (!hall_ui_flow_take(f, max_h, ui->gap_px, &r))
		return;
	char label[1200];
	snprintf(label, sizeof(label), "%s: %s", hall_ui_string(HALL_STR_IMAGE, ui->lang), alt && alt[0] ? alt : "");
	char path[1024];
	if (exhibits__asset_path(c, asset, path, sizeof(path))) {
		hall_dl_image(ui->dl, r, path, 0);
	} else {
		/* A broken or missing image: a framed box with its description, so the page
		 * stays whole and still says what would be there. */
		hall_dl_item *b = hall_dl_box(ui->dl, r, ui->th->surface);
		if (b) {
			b->border = ui->th->border;
			b->border_px = ui->m.stroke_px;
		}
		hall_ui_text_box(ui, (hall_rect){r.x + ui->pad_px, r.y + ui->pad_px / 2, r.w - 2 * ui->pad_px,
		                                 r.h - ui->pad_px},
		                 alt && alt[0] ? alt : hall_ui_string(HALL_STR_IMAGE, ui->lang), ui->font_px, alt_lang, 0,
		                 ui->th->surface_text, ui->th->surface, 1);
	}
	hall_ui_hit(ui, r, id, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
}
