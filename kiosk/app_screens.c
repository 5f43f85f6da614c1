/* app_screens.c: the app's screens as display lists, built from the state alone (see
 * app_internal.h): the attract loop, home, the dialogs, the closed and no-content
 * screens, notices and the bar on every screen. Every control carries its typed action
 * (kiosk/action.h); ids stay as the controls' stable names. */
#include "app_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hall/clock.h"

const char *app__notice_string(const hall_app *app, hall_lang *shown)
{
	static const hall_lang order[] = {HALL_LANG_KO, HALL_LANG_EN, HALL_LANG_ZH_HANS, HALL_LANG_ZH_HANT, HALL_LANG_JA};
	if (app->notice_text[app->lang] && app->notice_text[app->lang][0]) {
		*shown = app->lang;
		return app->notice_text[app->lang];
	}
	for (size_t i = 0; i < 5; i++) {
		if (app->notice_text[order[i]] && app->notice_text[order[i]][0]) {
			*shown = order[i];
			return app->notice_text[order[i]];
		}
	}
	*shown = app->lang;
	return "";
}

/* Buttons of a dialog in a paged flow. */
typedef struct rows_ctx {
	const char *title;
	const char *const *lines; /* text lines before the buttons */
	size_t n_lines;
	const hall_ui_button_spec *buttons;
	size_t n_buttons;
	const hall_ui_button_spec *buttons2; /* a second group, on its own rows */
	size_t n_buttons2;
} rows_ctx;

static void rows_flow(void *ctx, hall_ui_flow *f)
{
	rows_ctx *rc = ctx;
	hall_ui *ui = f->ui;
	if (rc->title)
		hall_ui_flow_text(f, rc->title, ui->lang, 1, ui->th->text, ui->th->bg);
	for (size_t i = 0; i < rc->n_lines; i++)
		hall_ui_flow_text(f, rc->lines[i], ui->lang, 0, ui->th->text, ui->th->bg);
	hall_ui_flow_buttons(f, rc->buttons, rc->n_buttons);
	hall_ui_flow_buttons(f, rc->buttons2, rc->n_buttons2);
}

typedef struct lang_bufs {
	char ids[HALL_LANG_COUNT][32];
	char names[HALL_LANG_COUNT][64];
} lang_bufs;

/* One button per language of the content ("lang-<code>", in its own name and face), the
 * chosen one selected: a pale tint, a thick dark border and a check mark, never the
 * primary action's look. Returns how many (ids and names hold their strings). */
static size_t lang_buttons(const hall_app *app, hall_ui_button_spec *b, lang_bufs *bufs)
{
	size_t n = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		hall_lang l = (hall_lang)i;
		if (app->content && !hall_content_has_language(app->content, l))
			continue;
		snprintf(bufs->ids[n], sizeof(bufs->ids[n]), "lang-%s", hall_lang_code(l));
		snprintf(bufs->names[n], sizeof(bufs->names[n]), "%s%s", l == app->lang ? "✓ " : "",
		         hall_lang_native_name(l));
		b[n] = (hall_ui_button_spec){bufs->ids[n], HALL_ACT(HALL_ACT_SET_LANGUAGE, (int)l), bufs->names[n], l,
		                             NULL, HALL_ROLE_OPTION,
		                             l == app->lang ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
		n++;
	}
	return n;
}

static void mode_label(const hall_ui *ui, char *buf, size_t len, hall_ui_str name, int on)
{
	snprintf(buf, len, "%s%s%s%s", on ? "✓ " : "", hall_ui_string(name, ui->lang), hall_ui_label_sep(ui->lang),
	         hall_ui_string(on ? HALL_STR_ON : HALL_STR_OFF, ui->lang)); /* kiosk-voice: ： in zh/ja */
}

/* The mode toggles as button specs (labels in bufs, spoken labels in spoken). compact
 * (the attract loop's row): the mode's name alone, marked when on, and its state in the
 * spoken label. */
#define MODE_MAX 5 /* kiosk helper: + reduced motion (dialog only) */
static size_t mode_buttons(const hall_app *app, const hall_ui *ui, hall_ui_button_spec *b, char bufs[MODE_MAX][160],
                           char spoken[MODE_MAX][160], int compact)
{
	static const struct {
		const char *id;
		hall_ui_str name;
		unsigned bit;
	} modes[] = {{"mode-large-text", HALL_STR_LARGE_TEXT, HALL_APP_MODE_LARGE_TEXT},
	             {"mode-high-contrast", HALL_STR_HIGH_CONTRAST, HALL_APP_MODE_HIGH_CONTRAST},
	             {"mode-low-position", HALL_STR_LOW_POSITION, HALL_APP_MODE_LOW_POSITION},
	             {"mode-voice", HALL_STR_VOICE, HALL_APP_MODE_VOICE},
	             /* kiosk helper: in the dialog only (the attract row stays compact) */
	             {"mode-reduced-motion", HALL_STR_REDUCED_MOTION, HALL_APP_MODE_REDUCED_MOTION}};
	size_t n = 0;
	for (size_t i = 0; i < MODE_MAX; i++) {
		if ((modes[i].bit == HALL_APP_MODE_VOICE && !app->voice_available) ||
		    (modes[i].bit == HALL_APP_MODE_REDUCED_MOTION && compact))
			continue;
		int on = (app->modes & modes[i].bit) != 0;
		mode_label(ui, spoken[n], sizeof(spoken[n]), modes[i].name, on);
		if (compact)
			snprintf(bufs[n], sizeof(bufs[n]), "%s%s", on ? "✓ " : "", hall_ui_string(modes[i].name, ui->lang));
		else
			snprintf(bufs[n], sizeof(bufs[n]), "%s", spoken[n]);
		b[n] = (hall_ui_button_spec){modes[i].id, HALL_ACT(HALL_ACT_TOGGLE_MODE, (int)modes[i].bit), bufs[n], ui->lang,
		                             compact ? spoken[n] : NULL, HALL_ROLE_TOGGLE,
		                             on ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
		n++;
	}
	return n;
}

/* ---- cards: the language and accessibility dialogs (issue #12 Build 11) ----
 * Each choice is a large card that fills its share of the screen: its name large, one
 * plain line under it (a language's in that language), and, for a setting, a switch and
 * its state in words. The chosen language is marked as chosen (a pale tint, a thick dark
 * outline and a check), never painted like the primary action. The cards share the
 * content area in a grid of rows, each row a block of the page's flow, so in large text
 * on a small screen they page instead of shrinking below the law's sizes. */
typedef struct card_spec {
	const char *id;
	hall_act act;
	hall_dl_role role;
	const char *name;   /* drawn large and bold */
	hall_lang name_lang;
	const char *line;   /* one plain line (wraps) */
	hall_lang line_lang;
	int sw;             /* -1: no switch; 0: a switch that is off; 1: on */
	const char *state;  /* the switch's state in words, beside it */
	int selected;       /* chosen: tint, thick outline */
	const char *spoken; /* the HIT's label */
} card_spec;

#define CARD_MAX 8
typedef struct card_grid {
	int cols, col_w, inner;
	int side;          /* one wide column: a switch beside the name, not under it */
	int name_px, name_lh;
	int nat[CARD_MAX]; /* natural height of each row */
	int rows;
	int total;         /* the rows and the gaps between them */
} card_grid;

/* The switch of a setting: a pill a title line tall and two of its heights wide, the
 * knob at the right when on. */
static void card_switch_size(const hall_ui *ui, int *w, int *h)
{
	*h = ui->title_line_h;
	*w = 2 * ui->title_line_h;
}

/* Width of a switch with its state's words beside it (the longer of on and off). */
static int card_switch_row_w(const hall_ui *ui)
{
	int sw, sh, w1, w2, h;
	card_switch_size(ui, &sw, &sh);
	const char *on = hall_ui_string(HALL_STR_ON, ui->lang), *off = hall_ui_string(HALL_STR_OFF, ui->lang);
	hall_ui_measure_text(ui, on, strlen(on), ui->font_px, ui->lang, 1, &w1, &h);
	hall_ui_measure_text(ui, off, strlen(off), ui->font_px, ui->lang, 1, &w2, &h);
	return sw + ui->gap_px + (w1 > w2 ? w1 : w2);
}

/* The width the name may take: beside a switch (side), what the switch leaves. */
static int card_name_w(const hall_ui *ui, const card_spec *c, int inner, int side)
{
	return side && c->sw >= 0 ? inner - card_switch_row_w(ui) - ui->gap_px : inner;
}

/* A line in another language than the visitor's is drawn bold, as that language's name
 * above it: the language dialog then needs one weight of each language's face (five
 * bold, and the visitor's regular: kiosk/text_sdl.c keeps six open). With both weights of
 * five faces on one screen the six fonts turned over and were reopened 650 times in the
 * bench tour (bench/kiosk, BENCHMARKS.md). */
static int card_line_bold(const hall_ui *ui, const card_spec *c)
{
	return c->line_lang != ui->lang;
}

static int card_height(const hall_ui *ui, const card_spec *c, int inner, int name_px, int name_lh, int side)
{
	int sw, sh;
	card_switch_size(ui, &sw, &sh);
	int row_h = sh > ui->line_h ? sh : ui->line_h;
	int name_h = hall_ui_count_lines(ui, c->name, name_px, c->name_lang, 1, card_name_w(ui, c, inner, side), 8) * name_lh;
	int h = 2 * ui->pad_px + (side && c->sw >= 0 && row_h > name_h ? row_h : name_h);
	if (c->line && c->line[0])
		h += ui->gap_px / 2 + hall_ui_count_lines(ui, c->line, ui->font_px, c->line_lang, card_line_bold(ui, c), inner, 12) *
		             ui->line_h;
	if (c->sw >= 0 && !side)
		h += ui->gap_px + row_h;
	return h > ui->target_px ? h : ui->target_px;
}

/* The grid for `cols` columns: the largest name size (display, key figure, title, body,
 * from `first_size` down) at which every name takes at most max_name_lines lines. Returns
 * 0 when the columns are too narrow for even the body size. */
static int card_plan(const hall_ui *ui, const card_spec *c, size_t n, int area_w, int cols, int first_size,
                     int max_name_lines, card_grid *g)
{
	const int px[4] = {ui->display_px, ui->figure_px, ui->title_px, ui->font_px};
	const int lh[4] = {ui->display_line_h, ui->figure_line_h, ui->title_line_h, ui->line_h};
	memset(g, 0, sizeof(*g));
	g->cols = cols;
	g->col_w = (area_w - (cols - 1) * ui->gap_px) / cols;
	g->inner = g->col_w - 2 * ui->pad_px;
	g->side = cols == 1;
	if (g->col_w < 2 * ui->target_px || card_name_w(ui, c, g->inner, g->side) < ui->target_px)
		return 0;
	int k = first_size;
	for (; k < 4; k++) {
		int ok = 1;
		for (size_t i = 0; i < n && ok; i++) {
			int w, h;
			hall_ui_measure_text(ui, c[i].name, strlen(c[i].name), px[k], c[i].name_lang, 1, &w, &h);
			/* One word (a language's name) never breaks inside itself. */
			int nw = card_name_w(ui, &c[i], g->inner, g->side);
			ok = max_name_lines == 1 ? w <= nw
			                         : hall_ui_count_lines(ui, c[i].name, px[k], c[i].name_lang, 1, nw,
			                                               max_name_lines + 1) <= max_name_lines;
		}
		if (ok)
			break;
	}
	if (k == 4)
		return 0;
	g->name_px = px[k];
	g->name_lh = lh[k];
	g->rows = (int)((n + (size_t)cols - 1) / (size_t)cols);
	for (int r = 0; r < g->rows && r < CARD_MAX; r++) {
		for (size_t i = (size_t)r * (size_t)cols; i < n && i < (size_t)(r + 1) * (size_t)cols; i++) {
			int h = card_height(ui, &c[i], g->inner, g->name_px, g->name_lh, g->side);
			g->nat[r] = h > g->nat[r] ? h : g->nat[r];
		}
		g->total += (r ? ui->gap_px : 0) + g->nat[r];
	}
	return 1;
}

/* The grid that suits `room` (w x h, on a page of page_h): everything on one page first,
 * then every row within a page (a row taller than a page would be cut), then fewer
 * pages, then the larger name size, then cards closest to a card's proportions (3:2) once the rows fill the
 * room. */
static int card_choose(const hall_ui *ui, const card_spec *c, size_t n, int room_w, int room_h, int page_h,
                       int first_size, int max_name_lines, card_grid *best, int *best_rows_fit)
{
	int found = 0;
	double best_score = 0;
	for (int cols = 1; cols <= 4 && (size_t)cols <= n; cols++) {
		for (int size = first_size; size < 4; size++) {
			card_grid g;
			memset(&g, 0, sizeof(g));
			if (!card_plan(ui, c, n, room_w, cols, size, max_name_lines, &g))
				continue;
			int fits = g.total <= room_h, rows_fit = 1;
			for (int r = 0; r < g.rows; r++)
				rows_fit = rows_fit && g.nat[r] <= (r ? page_h : room_h);
			/* Pages as the flow will place the rows: fewer pages before larger names. */
			int pages = 1, y = 0, left = room_h;
			for (int r = 0; r < g.rows; r++) {
				int need = (y ? ui->gap_px : 0) + g.nat[r];
				if (y && need > left - y) {
					pages++;
					left = page_h;
					y = 0;
					need = g.nat[r];
				}
				y += need;
			}
			int row_h = fits ? (room_h - (g.rows - 1) * ui->gap_px) / g.rows : g.nat[0];
			double aspect = row_h > 0 ? (double)g.col_w / row_h : 10.0;
			double score = (fits ? 1000.0 : 0.0) + (rows_fit ? 500.0 : 0.0) - 50.0 * pages + 10.0 * g.name_px / ui->font_px -
			               fabs(log(aspect / 1.5));
			if (!found || score > best_score) {
				*best = g;
				*best_rows_fit = rows_fit;
				best_score = score;
				found = 1;
			}
		}
	}
	return found;
}

static void card_draw(hall_ui *ui, hall_rect r, const card_spec *c, const card_grid *g)
{
	const hall_ui_theme *th = ui->th;
	hall_theme_style st = hall_theme_style_of(th, &ui->m, HALL_COMP_CARD);
	hall_rgba fg = st.text;
	if (c->selected) {
		/* As a selected button (ui.c): the tint, the thick outline in the text's colour
		 * (the primary's yellow in high contrast), never the primary action's fill. */
		st.fill = th->selected;
		fg = th->selected_text;
		st.border = (ui->modes & HALL_APP_MODE_HIGH_CONTRAST) ? th->primary : th->text;
		st.border_px = ui->m.border_bold_px;
	}
	hall_theme_box(ui->dl, r, &st);
	int inner = g->inner;
	int h = card_height(ui, c, inner, g->name_px, g->name_lh, g->side) - 2 * ui->pad_px;
	int x = r.x + ui->pad_px;
	int y = r.y + (r.h - h) / 2;
	int sw, sh;
	card_switch_size(ui, &sw, &sh);
	int row_h = sh > ui->line_h ? sh : ui->line_h;
	int name_w = card_name_w(ui, c, inner, g->side);
	int name_h = hall_ui_text_box(ui, (hall_rect){x, y, name_w, 8 * g->name_lh}, c->name, g->name_px, c->name_lang, 1,
	                              fg, st.fill, 0);
	/* The switch under the text, or (one wide column) beside the name, at the right. */
	int sx = x, sy = y + h - row_h;
	if (g->side && c->sw >= 0) {
		sx = x + inner - card_switch_row_w(ui);
		sy = y + ((name_h > row_h ? name_h : row_h) - row_h) / 2;
		name_h = name_h > row_h ? name_h : row_h;
	}
	y += name_h;
	if (c->line && c->line[0]) {
		y += ui->gap_px / 2;
		hall_ui_text_box(ui, (hall_rect){x, y, inner, 12 * ui->line_h}, c->line, ui->font_px, c->line_lang, card_line_bold(ui, c), fg,
		                 st.fill, 0);
	}
	if (c->sw >= 0) {
		/* The switch: on, a solid pill of the primary colour with the knob at the right;
		 * off, an outlined pill with the knob at the left. The words beside it say the
		 * same, so the state never rests on the knob's place or on colour. */
		hall_rect track = {sx, sy + (row_h - sh) / 2, sw, sh};
		hall_dl_item *t = hall_dl_box(ui->dl, track, c->sw ? th->primary : st.fill);
		if (t) {
			t->border = c->sw ? th->primary : th->border;
			t->border_px = ui->m.border_px;
			t->radius_px = sh / 2;
		}
		int kd = sh - 4 * ui->m.border_px;
		hall_rect knob = {c->sw ? track.x + track.w - 2 * ui->m.border_px - kd : track.x + 2 * ui->m.border_px,
		                  track.y + 2 * ui->m.border_px, kd, kd};
		hall_dl_item *k = hall_dl_box(ui->dl, knob, c->sw ? th->primary_text : th->border);
		if (k)
			k->radius_px = kd / 2;
		if (c->state)
			hall_ui_text(ui, track.x + sw + ui->gap_px, sy + (row_h - ui->line_h) / 2, c->state, ui->font_px, ui->lang,
			             1, fg, st.fill);
	}
	hall_ui_hit(ui, r, c->id, c->act, c->role, c->spoken ? c->spoken : c->name);
}

/* A dialog of cards: its title, the cards, then `after` (more controls). Its Close
 * button stays at the foot of the dialog at its own width, on every page (the bar's Back
 * closes it as well): cards_dialog. */
typedef struct cards_ctx {
	const char *title;
	const card_spec *cards;
	size_t n;
	int first_size, max_name_lines;
	const char *const *lines; /* text before the `after` buttons */
	size_t n_lines;
	const hall_ui_button_spec *after;
	size_t n_after;
} cards_ctx;

static void cards_flow(void *ctx, hall_ui_flow *f)
{
	cards_ctx *cc = ctx;
	hall_ui *ui = f->ui;
	/* What follows the cards, measured first: the cards take the rest of the page. */
	int after_h = 0;
	for (size_t i = 0; i < cc->n_lines; i++)
		after_h += ui->gap_px / 2 +
		           hall_ui_count_lines(ui, cc->lines[i], ui->font_px, ui->lang, 0, f->area.w, 12) * ui->line_h;
	if (cc->n_after)
		after_h += ui->gap_px + hall_ui_button_rows(ui, (hall_rect){f->area.x, 0, f->area.w, f->area.h}, cc->after,
		                                            cc->n_after, 0);
	/* The title at the title size, or at the body size (bold) as other parts of a small
	 * screen in large text do. */
	int title_h[2] = {0, 0};
	if (cc->title) {
		title_h[0] = hall_ui_count_lines(ui, cc->title, ui->title_px, ui->lang, 1, f->area.w, 8) * ui->title_line_h +
		             ui->gap_px / 2;
		title_h[1] =
			hall_ui_count_lines(ui, cc->title, ui->font_px, ui->lang, 1, f->area.w, 8) * ui->line_h + ui->gap_px / 2;
	}
	int room_h = f->area.y + f->area.h - f->y - ui->gap_px - after_h;
	/* A screen too short for a card under the title (large text on a small screen): the
	 * title at the body size; shorter still, the title alone heads the first page and
	 * the cards follow on the next ones (it is never dropped: issue #12 item 7); shorter
	 * still, the cards keep their names and switches and say what they do in their
	 * spoken labels. */
	card_spec spare[CARD_MAX];
	const card_spec *cards = cc->cards;
	card_grid g;
	memset(&g, 0, sizeof(g));
	int ok = 0, step = -1;
	while (!ok && step < 3) {
		step++;
		if (step == 3) {
			for (size_t i = 0; i < cc->n && i < CARD_MAX; i++) {
				spare[i] = cc->cards[i];
				spare[i].line = NULL;
			}
			cards = spare;
		}
		if (!card_choose(ui, cards, cc->n, f->area.w, room_h - (step < 2 ? title_h[step] : 0), f->area.h,
		                 cc->first_size, cc->max_name_lines, &g, &ok))
			return;
	}
	if (step == 1 && cc->title) {
		hall_rect r;
		if (hall_ui_flow_take(f, title_h[1] - ui->gap_px / 2, ui->gap_px / 2, &r))
			hall_ui_text_box(ui, r, cc->title, ui->font_px, ui->lang, 1, ui->th->text, ui->th->bg, 0);
	} else {
		hall_ui_flow_text(f, cc->title, ui->lang, 1, ui->th->text, ui->th->bg);
	}
	hall_ui_set_heading(ui, cc->title);
	room_h = f->area.y + f->area.h - f->y - ui->gap_px - after_h;
	/* On one page the rows share the room; else each row is as tall as its cards. */
	int stretch = g.total <= room_h ? (room_h - g.total) / g.rows : 0;
	for (int r = 0; r < g.rows; r++) {
		hall_rect row;
		if (!hall_ui_flow_take(f, g.nat[r] + stretch, ui->gap_px, &row))
			continue;
		/* A last row with fewer cards is centred (five languages: three over two). */
		size_t r0 = (size_t)r * (size_t)g.cols, r1 = r0 + (size_t)g.cols < cc->n ? r0 + (size_t)g.cols : cc->n;
		int x0 = row.x + ((int)((size_t)g.cols - (r1 - r0)) * (g.col_w + ui->gap_px)) / 2;
		for (size_t i = r0; i < r1; i++) {
			hall_rect card = {x0 + (int)(i - r0) * (g.col_w + ui->gap_px), row.y, g.col_w, row.h};
			card_draw(ui, card, &cards[i], &g);
		}
	}
	for (size_t i = 0; i < cc->n_lines; i++)
		hall_ui_flow_text(f, cc->lines[i], ui->lang, 0, ui->th->text, ui->th->bg);
	hall_ui_flow_buttons(f, cc->after, cc->n_after);
}

/* The cards' pages with a Close button in the page row (at the foot, right, on a single
 * page): on every page, after the page's controls in the keypad order as on screen. */
static void cards_dialog(hall_app *app, frame *fr, cards_ctx *cc, hall_ui_button_style close_style)
{
	hall_ui *ui = &fr->ui;
	hall_ui_button_spec close = {"dialog-close", HALL_ACT_0(HALL_ACT_DIALOG_CLOSE),
	                             hall_ui_string(HALL_STR_CLOSE, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON,
	                             close_style};
	hall_ui_paged_with(ui, fr->content, &app->dialog_page, cards_flow, cc, &close);
}

static void build_dialog_language(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	card_spec c[HALL_LANG_COUNT];
	char ids[HALL_LANG_COUNT][32], names[HALL_LANG_COUNT][64], lines[HALL_LANG_COUNT][128],
		spoken[HALL_LANG_COUNT][256];
	size_t n = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		hall_lang l = (hall_lang)i;
		if (app->content && !hall_content_has_language(app->content, l))
			continue;
		int cur = l == app->lang;
		snprintf(ids[n], sizeof(ids[n]), "lang-%s", hall_lang_code(l));
		snprintf(names[n], sizeof(names[n]), "%s%s", cur ? "✓ " : "", hall_lang_native_name(l));
		/* Each card speaks its own language: a visitor finds theirs without reading the
		 * current one. */
		snprintf(lines[n], sizeof(lines[n]), "%s",
		         hall_ui_string(cur ? HALL_STR_CURRENT_LANGUAGE : HALL_STR_USE_LANGUAGE, l));
		snprintf(spoken[n], sizeof(spoken[n]), "%s. %s", names[n], lines[n]);
		c[n] = (card_spec){ids[n], HALL_ACT(HALL_ACT_SET_LANGUAGE, i), HALL_ROLE_OPTION, names[n], l, lines[n], l, -1,
		                   NULL, cur, spoken[n]};
		n++;
	}
	cards_ctx cc = {hall_ui_string(HALL_STR_CHOOSE_LANGUAGE, ui->lang), c, n, 0, 1, NULL, 0, NULL, 0};
	cards_dialog(app, fr, &cc, HALL_UI_BUTTON);
}

static void build_dialog_access(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	static const struct {
		const char *id;
		hall_ui_str name, desc;
		unsigned bit;
	} modes[] = {{"mode-large-text", HALL_STR_LARGE_TEXT, HALL_STR_LARGE_TEXT_DESC, HALL_APP_MODE_LARGE_TEXT},
	             {"mode-high-contrast", HALL_STR_HIGH_CONTRAST, HALL_STR_HIGH_CONTRAST_DESC,
	              HALL_APP_MODE_HIGH_CONTRAST},
	             {"mode-low-position", HALL_STR_LOW_POSITION, HALL_STR_LOW_POSITION_DESC, HALL_APP_MODE_LOW_POSITION},
	             {"mode-voice", HALL_STR_VOICE, HALL_STR_VOICE_DESC, HALL_APP_MODE_VOICE},
	             {"mode-reduced-motion", HALL_STR_REDUCED_MOTION, HALL_STR_REDUCED_MOTION_DESC,
	              HALL_APP_MODE_REDUCED_MOTION}};
	card_spec c[MODE_MAX];
	char spoken[MODE_MAX][600];
	size_t n = 0;
	for (size_t i = 0; i < MODE_MAX; i++) {
		if (modes[i].bit == HALL_APP_MODE_VOICE && !app->voice_available)
			continue;
		int on = (app->modes & modes[i].bit) != 0;
		const char *desc = hall_ui_string(modes[i].desc, ui->lang);
		char state[160];
		mode_label(ui, state, sizeof(state), modes[i].name, on);
		/* The setting, its state and what it does: "Large text: off. Shows all text twice
		 * as large." */
		snprintf(spoken[n], sizeof(spoken[n]), "%s. %s", state, desc);
		c[n] = (card_spec){modes[i].id, HALL_ACT(HALL_ACT_TOGGLE_MODE, (int)modes[i].bit), HALL_ROLE_TOGGLE,
		                   hall_ui_string(modes[i].name, ui->lang), ui->lang, desc, ui->lang, on,
		                   hall_ui_string(on ? HALL_STR_ON : HALL_STR_OFF, ui->lang), 0, spoken[n]};
		n++;
	}
	/* With the voice on: its level lines and controls under the cards. */
	hall_ui_button_spec v[6];
	size_t nv = 0;
	char vol[64], rate[64], num[16];
	const char *lines[2];
	size_t nl = 0;
	if (app->voice_available && (app->modes & HALL_APP_MODE_VOICE)) {
		snprintf(num, sizeof(num), "%d", app->speech.volume_pct);
		hall_ui_fill(vol, sizeof(vol), hall_ui_string(HALL_STR_VOLUME_LEVEL, ui->lang), num, NULL);
		snprintf(num, sizeof(num), "%d", app->speech.rate_pct);
		hall_ui_fill(rate, sizeof(rate), hall_ui_string(HALL_STR_RATE_LEVEL, ui->lang), num, NULL);
		lines[nl++] = vol;
		lines[nl++] = rate;
		static const struct {
			const char *id;
			hall_app_key_code key;
			hall_ui_str text;
		} sp[] = {{"volume-down", HALL_APP_KEY_VOLUME_DOWN, HALL_STR_VOLUME_DOWN},
		          {"volume-up", HALL_APP_KEY_VOLUME_UP, HALL_STR_VOLUME_UP},
		          {"rate-down", HALL_APP_KEY_RATE_DOWN, HALL_STR_RATE_DOWN},
		          {"rate-up", HALL_APP_KEY_RATE_UP, HALL_STR_RATE_UP},
		          {"speech-pause", HALL_APP_KEY_SPEECH_PAUSE, HALL_STR_PAUSE},
		          {"speech-replay", HALL_APP_KEY_SPEECH_REPLAY, HALL_STR_REPLAY}};
		for (size_t i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
			hall_ui_str t = sp[i].key == HALL_APP_KEY_SPEECH_PAUSE && app->speech.paused ? HALL_STR_PLAY : sp[i].text;
			v[nv++] = (hall_ui_button_spec){sp[i].id, HALL_ACT(HALL_ACT_SPEECH, sp[i].key), hall_ui_string(t, ui->lang),
			                                ui->lang, NULL,
			                                sp[i].key == HALL_APP_KEY_SPEECH_PAUSE ? HALL_ROLE_TOGGLE : HALL_ROLE_BUTTON,
			                                HALL_UI_BUTTON};
		}
	}
	cards_ctx cc = {hall_ui_string(HALL_STR_ACCESS_TITLE, ui->lang), c, n, 1, 2, lines, nl, v, nv};
	cards_dialog(app, fr, &cc, HALL_UI_BUTTON_PRIMARY);
}

/* ---- a centred dialog: "calling staff…", "more time?" ----
 * A panel in the middle of the content area: the message large (the key-figure size,
 * or the title or body size when that would not fit), a countdown's number larger still,
 * what happens next in a line or two, and its buttons centred at their own widths. When
 * the panel cannot hold it all (large text on a small screen), the same words page in the
 * content area as any dialog does, never cut. */
typedef struct centred_dialog {
	const char *heading;
	const char *figure; /* a large number (seconds left), or NULL */
	const char *const *lines;
	size_t n_lines;
	const hall_ui_button_spec *buttons;
	size_t n_buttons;
	int bare; /* no panel: the words on the screen's own ground (the dimmed closed screen) */
} centred_dialog;

/* Height of the dialog's inside at heading size k (0 key figure, 1 title, 2 body) in
 * width `inner`; buttons in one centred row when they fit it (*row_w), else rows. */
static int centred_height(hall_ui *ui, const centred_dialog *d, int k, int inner, int *hpx, int *hlh,
                          int *row_w, int *buttons_h)
{
	const int px[3] = {ui->figure_px, ui->title_px, ui->font_px};
	const int lh[3] = {ui->figure_line_h, ui->title_line_h, ui->line_h};
	*hpx = px[k];
	*hlh = lh[k];
	int h = hall_ui_count_lines(ui, d->heading, px[k], ui->lang, 1, inner, 12) * lh[k];
	if (d->figure)
		h += ui->gap_px + ui->display_line_h;
	for (size_t i = 0; i < d->n_lines; i++)
		h += ui->gap_px + hall_ui_count_lines(ui, d->lines[i], ui->font_px, ui->lang, 0, inner, 12) * ui->line_h;
	*row_w = 0;
	int bh = 0;
	for (size_t i = 0; i < d->n_buttons; i++) {
		int w, hb;
		hall_ui_button_size(ui, d->buttons[i].text, d->buttons[i].lang, inner, &w, &hb);
		if (w < 3 * ui->target_px)
			w = 3 * ui->target_px;
		*row_w += (i ? ui->gap_px : 0) + w;
		bh = hb > bh ? hb : bh;
	}
	if (*row_w > inner) {
		*row_w = 0;
		bh = hall_ui_button_rows(ui, (hall_rect){0, 0, inner, 1 << 20}, d->buttons, d->n_buttons, 0);
	}
	*buttons_h = bh;
	return h + 2 * ui->gap_px + bh;
}

/* Draws the dialog centred in `area`; returns 0 (drawing nothing) when it does not fit. */
static int centred_dialog_draw(hall_ui *ui, hall_rect area, const centred_dialog *d)
{
	hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_DIALOG);
	if (d->bare) {
		st.fill = ui->th->bg;
		st.text = ui->th->text;
	}
	/* Room around the message (a dialog, not a box); on a short page (large text on a
	 * small screen) the panel's own padding before the paged fallback. */
	int pad = 0, inner = 0, w = 0, hpx = 0, hlh = 0, row_w = 0, bh = 0, h = 0, k = 3;
	for (int tight = 0; tight < 2 && k == 3; tight++) {
		pad = (tight ? st.pad_px : 2 * st.pad_px) + st.border_px;
		/* The message on one line at the largest size that allows it (the panel widens
		 * to it); else in a column of the theme's measure at the title size, then the
		 * body's. */
		int inner_max = area.w - 2 * pad;
		inner = ui->m.measure_px < inner_max ? ui->m.measure_px : inner_max;
		const int px[2] = {ui->figure_px, ui->title_px};
		k = 1;
		for (int i = 0; i < 2; i++) {
			int hw, hh;
			hall_ui_measure_text(ui, d->heading, strlen(d->heading), px[i], ui->lang, 1, &hw, &hh);
			if (hw <= inner_max) {
				k = i;
				inner = hw > inner ? hw : inner;
				break;
			}
		}
		w = inner + 2 * pad;
		for (; k < 3; k++) {
			h = centred_height(ui, d, k, inner, &hpx, &hlh, &row_w, &bh) + 2 * pad;
			if (h <= area.h)
				break;
		}
	}
	if (k == 3)
		return 0;
	hall_rect panel = {area.x + (area.w - w) / 2, area.y + (area.h - h) / 2, w, h};
	if (!d->bare)
		hall_theme_box(ui->dl, panel, &st);
	int x = panel.x + pad, y = panel.y + pad;
	y += hall_ui_text_box(ui, (hall_rect){x, y, inner, 12 * hlh}, d->heading, hpx, ui->lang, 1, st.text, st.fill, 1);
	hall_ui_set_heading(ui, d->heading);
	if (d->figure) {
		int fw, fh;
		y += ui->gap_px;
		hall_ui_measure_text(ui, d->figure, strlen(d->figure), ui->display_px, ui->lang, 1, &fw, &fh);
		hall_dl_item *it = hall_ui_text(ui, x + (inner - fw) / 2, y, d->figure, ui->display_px, ui->lang, 1,
		                                ui->th->figure_text, st.fill);
		(void)it;
		y += ui->display_line_h;
	}
	for (size_t i = 0; i < d->n_lines; i++) {
		y += ui->gap_px;
		y += hall_ui_text_box(ui, (hall_rect){x, y, inner, 12 * ui->line_h}, d->lines[i], ui->font_px, ui->lang, 0,
		                      st.text, st.fill, 1);
	}
	y += 2 * ui->gap_px;
	if (row_w > 0) {
		int bx = x + (inner - row_w) / 2;
		for (size_t i = 0; i < d->n_buttons; i++) {
			int bw, hb;
			hall_ui_button_size(ui, d->buttons[i].text, d->buttons[i].lang, inner, &bw, &hb);
			if (bw < 3 * ui->target_px)
				bw = 3 * ui->target_px;
			hall_ui_button(ui, (hall_rect){bx, y, bw, bh}, d->buttons[i].id, d->buttons[i].act, d->buttons[i].role,
			               d->buttons[i].text, d->buttons[i].lang, d->buttons[i].spoken, d->buttons[i].style);
			bx += bw + ui->gap_px;
		}
	} else {
		hall_ui_button_rows(ui, (hall_rect){x, y, inner, bh}, d->buttons, d->n_buttons, 1);
	}
	return 1;
}

static void build_centred(hall_app *app, frame *fr, const centred_dialog *d)
{
	if (centred_dialog_draw(&fr->ui, fr->content, d))
		return;
	/* Short of room, the large number goes first: the sentence under it says it too;
	 * then (large text on a small screen) the panel takes the size step down the bar
	 * and the pager take (ui.h hall_ui_chrome_begin) before its words page. */
	centred_dialog plain = *d;
	plain.figure = NULL;
	if (d->figure && centred_dialog_draw(&fr->ui, fr->content, &plain))
		return;
	hall_ui *ui = &fr->ui;
	if (ui->chrome_halves < ui->halves) {
		hall_ui tmp;
		hall_ui *cu = hall_ui_chrome_begin(ui, &tmp);
		int drawn = centred_dialog_draw(cu, fr->content, &plain);
		hall_ui_chrome_end(ui, cu);
		if (drawn) {
			hall_ui_set_heading(ui, d->heading);
			return;
		}
	}
	rows_ctx rc = {d->heading, d->lines, d->n_lines, d->buttons, d->n_buttons, NULL, 0};
	hall_ui_paged(&fr->ui, fr->content, &app->dialog_page, rows_flow, &rc);
}

static void build_dialog_more_time(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	char secs[16], left[256];
	snprintf(secs, sizeof(secs), "%d", app__remaining_s(app));
	hall_ui_fill(left, sizeof(left), hall_ui_string(HALL_STR_MORE_TIME_LEFT, ui->lang), secs, NULL);
	const char *lines[] = {left};
	hall_ui_button_spec b[2];
	size_t n = 0;
	if (app->extensions < app->max_ext)
		b[n++] = (hall_ui_button_spec){"more-time", HALL_ACT_0(HALL_ACT_MORE_TIME),
		                               hall_ui_string(HALL_STR_MORE_TIME, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON,
		                               HALL_UI_BUTTON_PRIMARY};
	b[n++] = (hall_ui_button_spec){"finish", HALL_ACT_0(HALL_ACT_FINISH), hall_ui_string(HALL_STR_FINISH, ui->lang),
	                               ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	/* The seconds left as a large number over the sentence that says them. */
	centred_dialog d = {hall_ui_string(HALL_STR_MORE_TIME_Q, ui->lang), secs, lines, 1, b, n, 0};
	build_centred(app, fr, &d);
}

static void build_dialog_staff_called(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	hall_ui_button_spec ok = {"dialog-close", HALL_ACT_0(HALL_ACT_DIALOG_CLOSE), hall_ui_string(HALL_STR_OK, ui->lang),
	                          ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY};
	/* kiosk-voice: calling / called / ask at the desk; then what happens next (asking at
	 * the desk is itself the next step). */
	const char *next = app->help_state == HELP_CALLED    ? hall_ui_string(HALL_STR_CALLED_NEXT, ui->lang)
	                   : app->help_state == HELP_CALLING ? hall_ui_string(HALL_STR_CALLING_NEXT, ui->lang)
	                                                     : NULL;
	const char *lines[1] = {next};
	centred_dialog d = {app__help_text(app), NULL, lines, next ? 1 : 0, &ok, 1, 0};
	build_centred(app, fr, &d);
}

static void build_dialog_pin(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	char dots[3 * 17 + 1] = "";
	size_t len = strlen(app->pin_entry);
	for (size_t i = 0; i < len; i++)
		strcat(dots, "●");
	const char *lines[2];
	size_t nl = 0;
	lines[nl++] = len ? dots : "-";
	if (app->pin_msg == 1)
		lines[nl++] = hall_ui_string(HALL_STR_PIN_WRONG, ui->lang);
	else if (app->pin_msg == 2)
		lines[nl++] = hall_ui_string(HALL_STR_PIN_LOCKED, ui->lang);
	static const char *const digit_ids[10] = {"pin-0", "pin-1", "pin-2", "pin-3", "pin-4",
	                                          "pin-5", "pin-6", "pin-7", "pin-8", "pin-9"};
	static const char *const digit_text[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
	hall_ui_button_spec b[14];
	size_t n = 0;
	static const int order[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
	for (size_t i = 0; i < 10; i++)
		b[n++] = (hall_ui_button_spec){digit_ids[order[i]], HALL_ACT(HALL_ACT_PIN_DIGIT, order[i]), digit_text[order[i]],
		                               ui->lang, NULL, HALL_ROLE_BUTTON,
		                               HALL_UI_BUTTON};
	hall_ui_button_spec c[3] = {
		{"pin-delete", HALL_ACT_0(HALL_ACT_PIN_DELETE), hall_ui_string(HALL_STR_DELETE, ui->lang), ui->lang, NULL,
		 HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"pin-cancel", HALL_ACT_0(HALL_ACT_PIN_CANCEL), hall_ui_string(HALL_STR_CANCEL, ui->lang), ui->lang, NULL,
		 HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"pin-ok", HALL_ACT_0(HALL_ACT_PIN_OK), hall_ui_string(HALL_STR_OK, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON,
		 HALL_UI_BUTTON_PRIMARY},
	};
	rows_ctx rc = {hall_ui_string(HALL_STR_STAFF_PIN, ui->lang), lines, nl, b, n, c, 3};
	hall_ui_paged(ui, fr->content, &app->dialog_page, rows_flow, &rc);
}

/* Attract: pack title, the current slide with its caption, and the first choices
 * (start, language, accessible modes, slide controls). */
typedef struct attract_ctx {
	hall_app *app;
	frame *fr;
} attract_ctx;

static void attract_flow(void *ctx, hall_ui_flow *f)
{
	attract_ctx *ac = ctx;
	hall_app *app = ac->app;
	hall_ui *ui = f->ui;
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, ui, f->area, NULL, &tally, &ec);

	hall_lang l = ui->lang;
	const char *title = app->content ? hall_text_get_lang(&app->content->title, ui->lang, &l) : "";
	if (title && title[0])
		hall_ui_flow_text(f, title, l, 1, ui->th->text, ui->th->bg);

	/* Controls first in size, so the slide image gets what is left. */
	hall_ui_button_spec start = {"start", HALL_ACT_0(HALL_ACT_START), hall_ui_string(HALL_STR_START, ui->lang), ui->lang,
	                             hall_ui_string(HALL_STR_TOUCH_TO_START, ui->lang), HALL_ROLE_BUTTON,
	                             HALL_UI_BUTTON_PRIMARY};
	hall_ui_button_spec langs[HALL_LANG_COUNT];
	lang_bufs lbufs;
	size_t nl = lang_buttons(app, langs, &lbufs);
	hall_ui_button_spec modes[MODE_MAX];
	char bufs[MODE_MAX][160], spoken[MODE_MAX][160];
	size_t nm = mode_buttons(app, ui, modes, bufs, spoken, 1);
	size_t n_slides = app->content ? app->content->n_attract : 0;
	hall_ui_button_spec slide_b[3] = {
		{"slide-prev", HALL_ACT_0(HALL_ACT_SLIDE_PREV), hall_ui_string(HALL_STR_PREV, ui->lang), ui->lang, NULL,
		 HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"slide-pause", HALL_ACT_0(HALL_ACT_SLIDE_PAUSE),
		 hall_ui_string(app->attract_paused ? HALL_STR_PLAY : HALL_STR_PAUSE, ui->lang), ui->lang,
		 NULL, HALL_ROLE_TOGGLE, HALL_UI_BUTTON},
		{"slide-next", HALL_ACT_0(HALL_ACT_SLIDE_NEXT), hall_ui_string(HALL_STR_NEXT, ui->lang), ui->lang, NULL,
		 HALL_ROLE_BUTTON, HALL_UI_BUTTON},
	};
	/* The exhibit the schedule features (one exhibit, or a playlist's in turn): touching
	 * it opens it straight away. */
	hall_ui_button_spec feat;
	memset(&feat, 0, sizeof(feat));
	char feat_id[96], feat_text[600];
	size_t nf = 0;
	int fi = app->content ? app__featured_exhibit(app) : -1;
	if (fi >= 0) {
		const hall_exhibit *fe = &app->content->exhibits[fi];
		hall_lang tl;
		const char *t = hall_text_get_lang(&fe->title, ui->lang, &tl);
		snprintf(feat_id, sizeof(feat_id), "exhibit-%s", fe->id ? fe->id : "?");
		/* The label in the title's language: "Now showing" in another script would be
		 * drawn in the wrong face only for the title part, so both follow the title. */
		snprintf(feat_text, sizeof(feat_text), "%s%s%s", hall_ui_string(HALL_STR_NOW_SHOWING, tl),
		         hall_ui_label_sep(tl), t ? t : ""); /* kiosk-voice: ： in zh/ja */
		feat = (hall_ui_button_spec){feat_id, HALL_ACT(HALL_ACT_OPEN_EXHIBIT, fi), feat_text, tl, NULL, HALL_ROLE_LINK,
		                             HALL_UI_BUTTON};
		nf = 1;
	}
	hall_rect probe = {f->area.x, 0, f->area.w, f->area.h};
	int controls_h = (nf ? hall_ui_button_rows(ui, probe, &feat, 1, 0) + ui->gap_px : 0) +
	                 hall_ui_button_rows(ui, probe, &start, 1, 0) + hall_ui_button_rows(ui, probe, langs, nl, 0) +
	                 hall_ui_button_rows(ui, probe, modes, nm, 0) +
	                 (n_slides > 1 ? hall_ui_button_rows(ui, probe, slide_b, 3, 0) : 0) + 4 * ui->gap_px;

	/* Large text: the mode toggles come first, right under the title, and the slide
	 * picture is left out, so a visitor who turned large text on finds the toggle to
	 * turn it off on the first page; the caption follows the first choices. */
	int large = ui->scale > 1;
	if (large)
		hall_ui_flow_buttons(f, modes, nm);
	if (n_slides > 0 && large) {
		hall_ui_flow_buttons(f, &start, 1);
		hall_ui_flow_buttons(f, langs, nl);
		const hall_slide *s = &app->content->attract[app->attract_slide % (int)n_slides];
		hall_lang cl;
		const char *cap = hall_text_get_lang(&s->caption, ui->lang, &cl);
		hall_ui_flow_text(f, cap, cl, 0, ui->th->text, ui->th->bg);
		hall_ui_flow_buttons(f, &feat, nf);
		hall_ui_flow_buttons(f, slide_b, n_slides > 1 ? 3 : 0);
		return;
	}
	if (n_slides > 0) {
		const hall_slide *s = &app->content->attract[app->attract_slide % (int)n_slides];
		hall_lang cl, al;
		const char *cap = hall_text_get_lang(&s->caption, ui->lang, &cl);
		const char *alt = hall_text_get_lang(&s->alt, ui->lang, &al);
		int cap_lines = hall_ui_count_lines(ui, cap, ui->font_px, cl, 0, hall_ui_column_w(ui->font_px, f->area.w), 4);
		int used = f->y - f->area.y;
		int img_h = f->area.h - used - controls_h - cap_lines * ui->line_h - 2 * ui->gap_px;
		if (img_h >= f->area.h / 5)
			exhibits__image(&ec, f, "attract-image", s->image, alt && alt[0] ? alt : cap, alt && alt[0] ? al : cl,
			                img_h);
		hall_ui_flow_text(f, cap, cl, 0, ui->th->text, ui->th->bg);
	}
	const struct {
		const hall_ui_button_spec *b;
		size_t n;
	} groups[] = {{&feat, nf}, {&start, 1}, {langs, nl}, {modes, large ? 0 : nm}, {slide_b, n_slides > 1 ? 3 : 0}};
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		hall_ui_flow_buttons(f, groups[g].b, groups[g].n);
}

/* The attract loop as a poster (issue #12 Build 2): the slide's picture (cross-fading
 * from the last one in HALL_MOTION_FADE_MS), its caption as a large headline on an opaque
 * panel (its contrast never depends on the picture), "touch anywhere to start" in the
 * content's languages in turn (one every HALL_MOTION_CYCLE_MS: far below 3 changes a
 * second), and one compact row of a few large choices under both: start, the languages
 * (each in its own name: a visitor finds theirs without reading Korean) and pause. The
 * accessible modes are the bar's Accessibility, one touch away on every screen.
 *
 * Where the caption goes: beside the picture on a landscape screen (the picture keeps a
 * picture's proportions and the caption never covers its subject), under it otherwise;
 * in low position the picture fills the screen above the reach band and the caption,
 * the prompt and the row lie inside the band (issue #12 Build 8). The headline takes the
 * largest size of the scale (display, key figure, title, body) that fits. The whole
 * picture and caption are one target that starts the visit. Returns 0, drawing nothing,
 * when the screen cannot hold it: the paged layout is used then. */
typedef struct poster_text {
	int hpx, hlh, hl;   /* headline font px, line height, lines */
	int ppx, plh, pl;   /* prompt font px, line height, lines (of its longest language) */
	int h;              /* the whole block: headline, gap, prompt */
} poster_text;

/* The largest headline size whose block fits `inner` x `max_h` in at most max_lines
 * lines; 0 when even the body size does not. */
static int poster_fit(const hall_ui *ui, const hall_content *c, const char *cap, hall_lang cl, int inner, int max_h,
                      int max_lines, poster_text *t)
{
	const int px[4] = {ui->display_px, ui->figure_px, ui->title_px, ui->font_px};
	const int lh[4] = {ui->display_line_h, ui->figure_line_h, ui->title_line_h, ui->line_h};
	for (int k = 0; k < 4; k++) {
		t->hpx = px[k];
		t->hlh = lh[k];
		t->hl = hall_ui_count_lines(ui, cap, px[k], cl, 1, inner, 12);
		/* The prompt one step under the headline, at least the body size. */
		t->ppx = k < 3 ? px[k + 1 < 2 ? 2 : k + 1] : ui->font_px;
		t->plh = k < 3 ? lh[k + 1 < 2 ? 2 : k + 1] : ui->line_h;
		t->pl = 1;
		for (size_t i = 0; i < c->n_languages; i++) {
			int l2 = hall_ui_count_lines(ui, hall_ui_string(HALL_STR_TOUCH_TO_START, c->languages[i]), t->ppx,
			                             c->languages[i], 0, inner, 6);
			t->pl = l2 > t->pl ? l2 : t->pl;
		}
		t->h = t->hl * t->hlh + ui->gap_px + t->pl * t->plh;
		if (t->hl <= max_lines && t->h <= max_h)
			return 1;
	}
	return 0;
}

static int attract_poster(hall_app *app, frame *fr, int64_t now)
{
	hall_ui *ui = &fr->ui;
	const hall_content *c = app->content;
	size_t n_slides = c ? c->n_attract : 0;
	if (n_slides == 0)
		return 0;
	hall_rect area = fr->content;
	int m = ui->gap_px;
	hall_ui_button_spec b[3 + HALL_LANG_COUNT];
	size_t n = 0;
	char feat_id[96], feat_text[600];
	int fi = app__featured_exhibit(app);
	if (fi >= 0) {
		const hall_exhibit *fe = &c->exhibits[fi];
		hall_lang tl;
		const char *t = hall_text_get_lang(&fe->title, ui->lang, &tl);
		snprintf(feat_id, sizeof(feat_id), "exhibit-%s", fe->id ? fe->id : "?");
		snprintf(feat_text, sizeof(feat_text), "%s%s%s", hall_ui_string(HALL_STR_NOW_SHOWING, tl),
		         hall_ui_label_sep(tl), t ? t : "");
		b[n++] = (hall_ui_button_spec){feat_id, HALL_ACT(HALL_ACT_OPEN_EXHIBIT, fi), feat_text, tl, NULL,
		                               HALL_ROLE_LINK, HALL_UI_BUTTON};
	}
	b[n++] = (hall_ui_button_spec){"start", HALL_ACT_0(HALL_ACT_START), hall_ui_string(HALL_STR_START, ui->lang),
	                               ui->lang, hall_ui_string(HALL_STR_TOUCH_TO_START, ui->lang), HALL_ROLE_BUTTON,
	                               HALL_UI_BUTTON_PRIMARY};
	lang_bufs lbufs;
	n += lang_buttons(app, b + n, &lbufs);
	if (n_slides > 1)
		b[n++] = (hall_ui_button_spec){"slide-pause", HALL_ACT_0(HALL_ACT_SLIDE_PAUSE),
		                               hall_ui_string(app->attract_paused ? HALL_STR_PLAY : HALL_STR_PAUSE, ui->lang),
		                               ui->lang, NULL, HALL_ROLE_TOGGLE, HALL_UI_BUTTON};
	/* Large controls: a row half a target taller than the least, when it stays one row. */
	int rows_h = hall_ui_button_rows(ui, (hall_rect){area.x, 0, area.w, area.h}, b, n, 0);
	int row_top = area.y + area.h - rows_h;

	int k = app->attract_slide % (int)n_slides;
	const hall_slide *s = &c->attract[k];
	hall_lang cl, al;
	const char *cap = hall_text_get_lang(&s->caption, ui->lang, &cl);
	const char *alt = hall_text_get_lang(&s->alt, ui->lang, &al);
	if (!cap)
		cap = "";
	/* The prompt's language: the content's languages in turn, the visitor's own while
	 * nothing may move. */
	hall_lang pl = ui->lang;
	if (!app__reduced_motion(app) && c->n_languages > 1)
		pl = c->languages[(size_t)((now / HALL_MOTION_CYCLE_MS) % (int64_t)c->n_languages)];
	const char *prompt = hall_ui_string(HALL_STR_TOUCH_TO_START, pl);

	int low = (ui->modes & HALL_APP_MODE_LOW_POSITION) != 0;
	int pad = 2 * ui->pad_px;
	hall_rect pic, panel;
	poster_text t;
	if (low) {
		/* Above the reach band only the picture; caption and prompt in the band. */
		pic = (hall_rect){0, 0, ui->screen.width_px, ui->view.y};
		panel = (hall_rect){area.x, area.y, area.w, row_top - m - area.y};
		if (pic.h < ui->target_px)
			pic.h = 0;
		if (panel.h < 2 * pad || !poster_fit(ui, c, cap, cl, panel.w - 2 * pad, panel.h - 2 * pad, 4, &t))
			return 0;
	} else {
		int top_free = area.y == ui->view.y + m; /* no banner above: bleed to the top */
		int top = top_free ? ui->view.y : area.y;
		int avail_h = row_top - m - top;
		int side = area.w > area.h;
		if (side) {
			/* The picture on the left three fifths, the caption panel on the right. */
			int panel_w = area.w * 2 / 5;
			panel = (hall_rect){area.x + area.w - panel_w, top, panel_w + (ui->view.x + ui->view.w - area.x - area.w),
			                    avail_h};
			pic = (hall_rect){ui->view.x, top, panel.x - ui->view.x, avail_h};
			side = poster_fit(ui, c, cap, cl, panel_w - 2 * pad, avail_h - 2 * pad, 6, &t);
		}
		if (!side) {
			/* The caption under the picture, as tall as its text. */
			if (!poster_fit(ui, c, cap, cl, area.w - 2 * pad, avail_h / 2 - 2 * pad, 3, &t))
				return 0;
			int band_h = t.h + 2 * pad;
			panel = (hall_rect){area.x, row_top - m - band_h, area.w, band_h};
			pic = (hall_rect){ui->view.x, top, ui->view.w, panel.y - top};
		}
	}

	/* The picture, fading in over the last one. */
	double e = app__reduced_motion(app) || app->attract_changed == 0
	               ? 1.0
	               : hall_theme_ease(now - app->attract_changed, HALL_MOTION_FADE_MS);
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, ui, area, NULL, &tally, &ec);
	char path[1024];
	const hall_slide *ps = &c->attract[app->attract_prev % (int)n_slides];
	/* Above the reach band the strip is far wider than a picture: the whole picture is
	 * shown (fitted), so its subject is never cropped away. */
	int fill = !low;
	if (pic.h > 0) {
		if (e < 1.0 && ps != s && exhibits__asset_path(&ec, ps->image, path, sizeof(path)))
			hall_dl_image(ui->dl, pic, path, fill);
		if (exhibits__asset_path(&ec, s->image, path, sizeof(path))) {
			hall_dl_item *im = hall_dl_image(ui->dl, pic, path, fill);
			if (im)
				im->color.a = (uint8_t)(e * 255.0 + 0.5);
		} else {
			hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_TILE);
			hall_dl_box(ui->dl, pic, st.fill);
		}
	}
	char label[1400];
	snprintf(label, sizeof(label), "%s. %s: %s", hall_ui_string(HALL_STR_TOUCH_TO_START, ui->lang),
	         hall_ui_string(HALL_STR_IMAGE, ui->lang), alt && alt[0] ? alt : cap);
	/* Picture and caption are one target: touch anywhere. In low position only the
	 * caption panel is (a target above the band would be out of reach), and the picture
	 * is described by a region. */
	hall_rect hit = panel;
	if (!low) {
		int x0 = pic.x < panel.x ? pic.x : panel.x, y0 = pic.y < panel.y ? pic.y : panel.y;
		int x1 = panel.x + panel.w > pic.x + pic.w ? panel.x + panel.w : pic.x + pic.w;
		int y1 = panel.y + panel.h > pic.y + pic.h ? panel.y + panel.h : pic.y + pic.h;
		hit = (hall_rect){x0, y0, x1 - x0, y1 - y0};
	} else if (pic.h > 0) {
		hall_ui_hit(ui, pic, "attract-picture", HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION,
		            alt && alt[0] ? alt : cap);
	}
	hall_ui_hit(ui, hit, "attract-image", HALL_ACT_0(HALL_ACT_START), HALL_ROLE_BUTTON, label);

	/* The caption panel: headline and prompt in the middle of its height. */
	hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_TILE);
	st.border_px = 0;
	hall_theme_box(ui->dl, panel, &st);
	int inner = panel.w - 2 * pad - (low ? 0 : (panel.x + panel.w) - (area.x + area.w));
	int x = panel.x + pad;
	int y = panel.y + (panel.h - t.h) / 2;
	hall_ui_text_box(ui, (hall_rect){x, y, inner, t.hl * t.hlh}, cap, t.hpx, cl, 1, st.text, st.fill, 0);
	hall_ui_text_box(ui, (hall_rect){x, y + t.hl * t.hlh + m, inner, t.pl * t.plh}, prompt, t.ppx, pl, 0, st.text,
	                 st.fill, 0);
	hall_ui_set_heading(ui, cap);

	hall_ui_button_rows(ui, (hall_rect){area.x, row_top, area.w, rows_h}, b, n, 1);
	return 1;
}

/* Home: one tile per exhibit with its title and summary. */
typedef struct home_ctx {
	hall_app *app;
	int stepped; /* laid out at the size of the controls around the content */
} home_ctx;

/* The caption band of a home tile: the title (title size, up to 3 lines) over the whole
 * summary (nothing on home is cut: rows page instead), with padding. */
static int tile_text_h(const hall_ui *ui, const hall_exhibit *ex, int inner, int small_title)
{
	hall_lang tl, sl;
	const char *t = hall_text_get_lang(&ex->title, ui->lang, &tl);
	const char *s = hall_text_get_lang(&ex->summary, ui->lang, &sl);
	int tpx = small_title ? ui->font_px : ui->title_px, tlh = small_title ? ui->line_h : ui->title_line_h;
	return hall_ui_count_lines(ui, t, tpx, tl, 1, inner, 40) * tlh +
	       hall_ui_count_lines(ui, s, ui->font_px, sl, 0, inner, 40) * ui->line_h + 2 * ui->pad_px;
}

/* How a home tile is laid out for `cols` columns of width col_w: picture over caption,
 * or (one wide column: large text on a landscape screen) picture beside the caption, so
 * the picture keeps a picture's proportions instead of a thin strip whose crop loses its
 * subject. Sets the caption's inner width and the picture's width (side) or least height
 * (over: the picture never gets flatter than 5:1). */
typedef struct tile_shape {
	int side;   /* the picture left of the caption */
	int pic_w;  /* side: the picture's width */
	int inner;  /* the caption's text width */
	int pic_min_h;
	int small_title; /* the title at the body size (bold) */
} tile_shape;

/* variant 0: the picture as above; 1: beside the caption, a narrower picture (a quarter
 * of the tile) for a wider caption; 2: beside it, a sixth of the tile (still no strip:
 * at most three times as tall as wide on a page); 3: the same with the title at the body
 * size (bold); 4 (HOME_NO_PICTURE): no picture, when the caption alone needs the whole
 * page (a banner over large text): the title at the body size too. Text is never cut for
 * a picture. */
#define HOME_SHAPE_VARIANTS 5
#define HOME_NO_PICTURE (HOME_SHAPE_VARIANTS - 1)
static tile_shape home_tile_shape(const hall_ui *ui, const hall_rect *area, int cols, int col_w, int variant)
{
	tile_shape t;
	t.side = cols == 1 && area->w > area->h && col_w >= 6 * ui->target_px;
	t.small_title = variant >= 3;
	if (variant == HOME_NO_PICTURE) {
		t.pic_w = t.pic_min_h = 0;
		t.inner = col_w - 2 * ui->pad_px;
		return t;
	}
	if (t.side) {
		t.pic_w = variant >= 2 ? col_w / 6 : variant == 1 ? col_w / 4 : col_w * 2 / 5;
		t.inner = col_w - t.pic_w - 2 * ui->pad_px;
		t.pic_min_h = t.pic_w / 3;
	} else {
		t.pic_w = col_w;
		t.inner = col_w - 2 * ui->pad_px;
		t.pic_min_h = col_w / 5;
	}
	if (t.pic_min_h < ui->target_px)
		t.pic_min_h = ui->target_px;
	return t;
}

/* Tile heights of row [i, i + cols): natural (the caption band and a picture half the
 * page tall; beside the caption, the page) and least (the caption band and the
 * picture at its least: home keeps its pictures in every mode). */
static void home_row_heights(const hall_app *app, const hall_ui *ui, const size_t *shown, size_t n_shown, size_t i,
                             int cols, const tile_shape *t, int page_h, int *nat, int *least)
{
	const hall_content *c = app->content;
	*nat = *least = ui->target_px;
	for (size_t k = i; k < n_shown && k < i + (size_t)cols; k++) {
		int h = tile_text_h(ui, &c->exhibits[shown[k]], t->inner, t->small_title);
		/* Beside the caption the picture takes the row's height: never more than a page. */
		int pmin = t->pic_min_h < page_h ? t->pic_min_h : page_h;
		int lo = t->side ? (h > pmin ? h : pmin) : h + t->pic_min_h;
		int hi = t->side ? page_h : h + page_h / 2;
		if (lo > *least)
			*least = lo;
		if (hi > *nat)
			*nat = hi;
	}
}

/* A home layout: columns and the height of every row. */
typedef struct home_plan {
	int cols, pages, first; /* first: tiles on the first page */
	int cuts;               /* rows taller than a page (their text would be cut) */
	int variant;            /* home_tile_shape's */
	int row_h[HALL_CONTENT_EXHIBITS_MAX];
} home_plan;

/* Plan `cols` columns from the flow's position (after the title): rows are as tall as
 * their text wants, but when that would push rows to another page they give up summary
 * lines (down to the title alone) so that as many rows as the page really holds share
 * it. Counts pages as hall_ui_flow_take would place the rows. */
static void home_plan_cols(const hall_app *app, const hall_ui_flow *f, const size_t *shown, size_t n_shown, int cols,
                           home_plan *p)
{
	const hall_ui *ui = f->ui;
	int gap = ui->gap_px;
	int col_w = (f->area.w - (cols - 1) * gap) / cols;
	size_t rows = (n_shown + (size_t)cols - 1) / (size_t)cols;
	int nat[HALL_CONTENT_EXHIBITS_MAX], least[HALL_CONTENT_EXHIBITS_MAX];
	/* The first shape whose rows each fit a page: the picture gives way before the text. */
	for (int v = 0; v < HOME_SHAPE_VARIANTS; v++) {
		tile_shape t = home_tile_shape(ui, &f->area, cols, col_w, v);
		if (v > 0 && v < HOME_NO_PICTURE && !t.side)
			continue;
		for (size_t r = 0; r < rows; r++)
			home_row_heights(app, ui, shown, n_shown, r * (size_t)cols, cols, &t, f->area.h, &nat[r], &least[r]);
		memset(p, 0, sizeof(*p));
		p->variant = v;
		for (size_t r = 0; r < rows; r++)
			if (least[r] > f->area.h)
				p->cuts++;
		if (p->cuts == 0)
			break;
	}
	for (size_t r = 0; r < rows; r++) {
		if (least[r] > f->area.h)
			least[r] = f->area.h;
		if (nat[r] > f->area.h)
			nat[r] = f->area.h;
	}
	p->cols = cols;
	int page = f->page, y = f->y, used = f->used;
	int bottom = f->area.y + f->area.h;
	size_t r = 0;
	while (r < rows) {
		/* The rows from r on that fit on this page at their least height. */
		int room = bottom - y, need = 0;
		size_t k = 0;
		while (r + k < rows) {
			int g = (used || k > 0) ? gap : 0;
			if (need + g + least[r + k] > room)
				break;
			need += g + least[r + k];
			k++;
		}
		if (k == 0) {
			if (!used) { /* taller than a page: it gets the page */
				k = 1;
				need = least[r];
			} else {
				page++;
				y = f->area.y;
				used = 0;
				continue;
			}
		}
		/* Share what is left among them, each up to its natural height. */
		int spare = room - need;
		for (size_t j = 0; j < k; j++) {
			int want = nat[r + j] - least[r + j];
			int share = spare / (int)(k - j);
			int add = want < share ? want : share;
			p->row_h[r + j] = least[r + j] + add;
			spare -= add;
		}
		for (size_t j = 0; j < k; j++) {
			y += ((used || j > 0) ? gap : 0) + p->row_h[r + j];
			if (page == f->page)
				p->first += (int)((r + j + 1) * (size_t)cols <= n_shown ? (size_t)cols
				                                                          : n_shown - (r + j) * (size_t)cols);
		}
		used = 1;
		r += k;
		if (r < rows) {
			page++;
			y = f->area.y;
			used = 0;
		}
	}
	p->pages = page - f->page + 1;
}

/* Home when even one tile's caption (title and whole summary) is taller than a page
 * (large text on a small screen: about five lines of 200 % text a page): each exhibit
 * is a tile of its picture and title, and its summary follows under the tile as a
 * paragraph of the page's flow, so it reflows onto the next page instead of being cut
 * (issue #12 Build 7: nothing is lost). */
static void home_list(hall_app *app, hall_ui_flow *f, const size_t *shown, size_t n_shown)
{
	hall_ui *ui = f->ui;
	const hall_content *c = app->content;
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, ui, f->area, NULL, &tally, &ec);
	hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_TILE);
	/* Beside the title on a wide area (a picture's proportions, never a strip), over it
	 * on a narrow one. */
	int side = f->area.w >= 6 * ui->target_px && f->area.w > f->area.h;
	int pic_w = side ? f->area.w * 2 / 5 : f->area.w;
	int inner = (side ? f->area.w - pic_w : f->area.w) - 2 * ui->pad_px;
	for (size_t k = 0; k < n_shown; k++) {
		const hall_exhibit *ex = &c->exhibits[shown[k]];
		hall_lang tl, sl;
		const char *t = hall_text_get_lang(&ex->title, ui->lang, &tl);
		const char *s = hall_text_get_lang(&ex->summary, ui->lang, &sl);
		int tpx = ui->title_px, tlh = ui->title_line_h;
		int lines = hall_ui_count_lines(ui, t, tpx, tl, 1, inner, 40);
		if (lines * tlh + 2 * ui->pad_px > f->area.h) { /* the title at the body size then */
			tpx = ui->font_px;
			tlh = ui->line_h;
			lines = hall_ui_count_lines(ui, t, tpx, tl, 1, inner, 40);
		}
		int text_h = lines * tlh + 2 * ui->pad_px;
		const hall_asset *picture = exhibits__tile_picture(ex);
		int pic_h = 0;
		if (picture)
			pic_h = side ? pic_w * 9 / 16 : pic_w * 9 / 16;
		int h = side ? (text_h > pic_h ? text_h : pic_h) : text_h + pic_h;
		if (h > f->area.h) { /* the picture gives way to the title, never the other way */
			pic_h = side ? f->area.h : f->area.h - text_h;
			h = f->area.h;
		}
		if (!side && pic_h < ui->target_px) {
			h -= pic_h;
			pic_h = 0;
		}
		if (h < ui->target_px)
			h = ui->target_px;
		/* The tile keeps the first lines of its summary on its page. */
		int sl_n = s && s[0] ? hall_ui_count_lines(ui, s, ui->font_px, sl, 0, hall_ui_column_w(ui->font_px, f->area.w), 2)
		                     : 0;
		if (f->used && f->y + ui->gap_px + h + ui->gap_px / 2 + sl_n * ui->line_h > f->area.y + f->area.h)
			hall_ui_flow_break(f);
		hall_rect tile;
		if (hall_ui_flow_take(f, h, ui->gap_px, &tile)) {
			hall_theme_box(ui->dl, tile, &st);
			hall_rect pic = side ? (hall_rect){tile.x + st.border_px, tile.y + st.border_px, pic_w - st.border_px,
			                                   tile.h - 2 * st.border_px}
			                     : (hall_rect){tile.x + st.border_px, tile.y + st.border_px, tile.w - 2 * st.border_px,
			                                   pic_h - st.border_px};
			char path[1024];
			if (pic_h > 0 && pic.h >= ui->target_px &&
			    exhibits__asset_path(&ec, picture, path, sizeof(path)))
				hall_dl_image(ui->dl, pic, path, 1);
			int tx = side ? tile.x + pic_w + ui->pad_px : tile.x + ui->pad_px;
			int ty = side ? tile.y + (tile.h - text_h) / 2 + ui->pad_px : tile.y + pic_h + ui->pad_px;
			hall_ui_text_box(ui, (hall_rect){tx, ty, inner, lines * tlh}, t, tpx, tl, 1, st.text, st.fill, 0);
			char id[96], label[1400];
			hall_lang al;
			const char *alt = ex->image ? hall_text_get_lang(&ex->alt, ui->lang, &al) : NULL;
			snprintf(id, sizeof(id), "exhibit-%s", ex->id ? ex->id : "?");
			snprintf(label, sizeof(label), "%s. %s%s%s", t, s ? s : "", alt && alt[0] ? " " : "", alt ? alt : "");
			hall_ui_hit(ui, tile, id, HALL_ACT(HALL_ACT_OPEN_EXHIBIT, (int)shown[k]), HALL_ROLE_LINK, label);
		}
		if (s && s[0])
			hall_ui_flow_text(f, s, sl, 0, ui->th->text, ui->th->bg);
	}
}

static void home_flow(void *ctx, hall_ui_flow *f)
{
	home_ctx *hc = ctx;
	hall_app *app = hc->app;
	hall_ui *ui = f->ui;
	const hall_content *c = app->content;
	hall_lang l;
	const char *title = hall_text_get_lang(&c->title, ui->lang, &l);
	/* In large text the hall's name would take the room of a tile's caption (a page
	 * with the name and no tile): it is spoken, and every tile names its exhibit. */
	int title_h = hall_ui_count_lines(ui, title, ui->title_px, l, 1, f->area.w, 4) * ui->title_line_h;
	/* ... and where it would leave no room for a row of tiles under it (a short band):
	 * never a page with the name alone. */
	if (ui->scale > 1 || title_h + ui->gap_px + 3 * ui->target_px > f->area.h)
		hall_ui_set_heading(ui, title);
	else
		hall_ui_flow_text(f, title, l, 1, ui->th->text, ui->th->bg);
	/* Only the exhibits the schedule shows (all by default), in its order. */
	size_t shown[HALL_CONTENT_EXHIBITS_MAX];
	size_t n_shown = app__shown_exhibits(app, shown, HALL_CONTENT_EXHIBITS_MAX);
	if (n_shown == 0)
		return;
	/* Columns: ~14 em each by default (at most 3); another count (1 to 3) when its
	 * measured rows need fewer pages or put more tiles on the first one. */
	int pref = f->area.w / (ui->font_px * 14);
	if (pref < 1)
		pref = 1;
	if (pref > 3)
		pref = 3;
	home_plan best, cand;
	home_plan_cols(app, f, shown, n_shown, pref, &best);
	for (int cols = 1; cols <= 3; cols++) {
		if (cols == pref || (size_t)cols > n_shown)
			continue;
		if ((f->area.w - (cols - 1) * ui->gap_px) / cols < 2 * ui->target_px)
			continue;
		home_plan_cols(app, f, shown, n_shown, cols, &cand);
		/* Fewer cut tiles, tiles with pictures, fewer pages, more tiles on the first page;
		 * then even rows (four exhibits as 2 x 2, not 3 + 1). */
		int even = cand.cols > 1 && n_shown % (size_t)cand.cols == 0;
		int best_even = best.cols > 1 && n_shown % (size_t)best.cols == 0;
		int pics = cand.variant < HOME_NO_PICTURE, best_pics = best.variant < HOME_NO_PICTURE; /* tiles keep their pictures */
		if (cand.cuts < best.cuts || (cand.cuts == best.cuts && pics > best_pics) ||
		    (cand.cuts == best.cuts && pics == best_pics && cand.pages < best.pages) ||
		    (cand.cuts == best.cuts && pics == best_pics && cand.pages == best.pages && cand.first > best.first) ||
		    (cand.cuts == best.cuts && pics == best_pics && cand.pages == best.pages && cand.first == best.first &&
		     even && !best_even))
			best = cand;
	}
	if ((best.cuts > 0 || best.variant == HOME_NO_PICTURE) && !hc->stepped && ui->chrome_halves < ui->halves) {
		/* Large text on a screen too short for a tile's caption at 200 % (a 32-inch
		 * one: about five lines a page; the seen result was each picture on one page
		 * and its summary alone on the next, eight pages), or for it beside a
		 * picture: the tiles are the controls of home, so they take the size step down
		 * the bar and the pager take (ui.h hall_ui_chrome_begin: 150 %, letters still
		 * half again the law's; the law's own size in the short band low position
		 * leaves there), and each exhibit keeps its picture, title and whole summary
		 * together on one page. */
		hall_ui tmp;
		hall_ui *cu = hall_ui_chrome_begin(ui, &tmp);
		hc->stepped = 1;
		f->ui = cu;
		home_flow(ctx, f);
		f->ui = ui;
		hc->stepped = 0;
		hall_ui_chrome_end(ui, cu);
		if (cu != ui && !ui->heading[0])
			memcpy(ui->heading, cu->heading, sizeof(ui->heading));
		return;
	}
	if (best.cuts > 0) {
		home_list(app, f, shown, n_shown);
		return;
	}
	int cols = best.cols;
	/* One page: the tiles fill the screen (the rows share what is left below them). */
	size_t nrows = (n_shown + (size_t)cols - 1) / (size_t)cols;
	if (best.pages == 1 && nrows > 0) {
		int used = 0;
		for (size_t r = 0; r < nrows; r++)
			used += best.row_h[r] + ui->gap_px;
		int spare = f->area.y + f->area.h - f->y - used;
		for (size_t r = 0; r < nrows && spare > 0; r++)
			best.row_h[r] += spare / (int)nrows;
	}
	int col_w = (f->area.w - (cols - 1) * ui->gap_px) / cols;
	tile_shape shape = home_tile_shape(ui, &f->area, cols, col_w, best.variant);
	int inner = shape.inner;
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, ui, f->area, NULL, &tally, &ec);
	hall_theme_style st = hall_theme_style_of(ui->th, &ui->m, HALL_COMP_TILE);
	for (size_t i = 0, row = 0; i < n_shown; i += (size_t)cols, row++) {
		int row_h = best.row_h[row];
		hall_rect r;
		if (!hall_ui_flow_take(f, row_h, ui->gap_px, &r))
			continue;
		/* The caption bands of a row share one height, so the titles line up; beside
		 * the picture the caption has the tile's height. */
		int band_h = 0;
		for (size_t k = i; k < n_shown && k < i + (size_t)cols; k++) {
			int h = tile_text_h(ui, &c->exhibits[shown[k]], inner, shape.small_title);
			band_h = h > band_h ? h : band_h;
		}
		if (shape.side || band_h > r.h)
			band_h = r.h;
		for (size_t k = i; k < n_shown && k < i + (size_t)cols; k++) {
			const hall_exhibit *ex = &c->exhibits[shown[k]];
			hall_lang tl, sl;
			const char *t = hall_text_get_lang(&ex->title, ui->lang, &tl);
			const char *s = hall_text_get_lang(&ex->summary, ui->lang, &sl);
			hall_rect tile = {r.x + (int)(k - i) * (col_w + ui->gap_px), r.y, col_w, r.h};
			/* A picture tile (issue #12 Build 3): the exhibit's picture fills the top (or
			 * the left), the caption band under (beside) it carries the title and the
			 * whole summary. The tile's box is its outline (3:1 on the ground) and the
			 * band's ground. */
			hall_theme_box(ui->dl, tile, &st);
			hall_rect pic = {tile.x + st.border_px, tile.y + st.border_px, tile.w - 2 * st.border_px,
			                 tile.h - band_h - st.border_px};
			int tx = tile.x + ui->pad_px;
			if (shape.side) {
				pic = (hall_rect){tile.x + st.border_px, tile.y + st.border_px, shape.pic_w - st.border_px,
				                  tile.h - 2 * st.border_px};
				tx = tile.x + shape.pic_w + ui->pad_px;
			}
			char path[1024];
			if (pic.h >= ui->target_px && pic.w >= ui->target_px && exhibits__asset_path(&ec, exhibits__tile_picture(ex), path, sizeof(path)))
				hall_dl_image(ui->dl, pic, path, 1);
			int text_h = tile_text_h(ui, ex, inner, shape.small_title);
			/* Beside the picture the caption sits in the middle of the tile's height. */
			int ty = shape.side ? tile.y + (tile.h - (text_h < tile.h ? text_h : tile.h)) / 2 + ui->pad_px
			                    : tile.y + tile.h - band_h + ui->pad_px;
			int band = shape.side ? (text_h < tile.h ? text_h : tile.h) : band_h;
			/* Only a tile taller than a whole page (large text on a small screen) is
			 * short of room: its text is then cut where the page ends, the title at
			 * the body size when even one title line does not fit. */
			int room = band - 2 * ui->pad_px;
			int tpx = ui->title_px, tlh = ui->title_line_h;
			if (room < tlh || shape.small_title) {
				tpx = ui->font_px;
				tlh = ui->line_h;
			}
			int th = hall_ui_count_lines(ui, t, tpx, tl, 1, inner, 40) * tlh;
			if (th > room)
				th = room > 0 ? room - room % tlh : 0;
			if (th >= tlh)
				hall_ui_text_box(ui, (hall_rect){tx, ty, inner, th}, t, tpx, tl, 1, st.text, st.fill, 0);
			int sh = band - 2 * ui->pad_px - th;
			if (sh >= ui->line_h)
				hall_ui_text_box(ui, (hall_rect){tx, ty + th, inner, sh}, s, ui->font_px, sl, 0, st.text, st.fill,
				                 0);
			char id[96], label[1400];
			hall_lang al;
			const char *alt = ex->image ? hall_text_get_lang(&ex->alt, ui->lang, &al) : NULL;
			snprintf(id, sizeof(id), "exhibit-%s", ex->id ? ex->id : "?");
			snprintf(label, sizeof(label), "%s. %s%s%s", t, s, alt && alt[0] ? " " : "", alt ? alt : "");
			hall_ui_hit(ui, tile, id, HALL_ACT(HALL_ACT_OPEN_EXHIBIT, (int)shown[k]), HALL_ROLE_LINK, label);
		}
	}
}

typedef struct text_ctx {
	const char *title;
	hall_lang title_lang;
	const char *text;
	hall_lang text_lang;
} text_ctx;

static void text_flow(void *ctx, hall_ui_flow *f)
{
	text_ctx *tc = ctx;
	hall_ui *ui = f->ui;
	if (tc->title)
		hall_ui_flow_text(f, tc->title, tc->title_lang, 1, ui->th->text, ui->th->bg);
	if (tc->text)
		hall_ui_flow_text(f, tc->text, tc->text_lang, 0, ui->th->text, ui->th->bg);
}

/* The whole info notice, with a way back. */
static void notice_flow(void *ctx, hall_ui_flow *f)
{
	text_flow(ctx, f);
	hall_ui_button_spec close = {"dialog-close", HALL_ACT_0(HALL_ACT_DIALOG_CLOSE),
	                             hall_ui_string(HALL_STR_CLOSE, f->ui->lang), f->ui->lang, NULL,
	                             HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY};
	hall_ui_flow_buttons(f, &close, 1);
}

static void build_closed(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	char when[64] = "", line[256] = "";
	if (app->next_open_ms > 0) {
		hall_civil cv;
		if (hall_clock_to_civil(app->next_open_ms, app->tz, &cv) == 0) {
			/* As the visitor reads a date in their language (issue #12 Build 11: it was
			 * "2026-12-08 10:00" in all five). */
			if (hall_ui_opening_time(ui->lang, &cv, when, sizeof(when)))
				hall_ui_fill(line, sizeof(line), hall_ui_string(HALL_STR_NEXT_OPENING, ui->lang), when, NULL);
		}
	}
	/* What a passer-by sees all night: the message large in the middle of the screen and
	 * the next opening under it, as the other centred dialogs (it was two small lines at
	 * the top left of an empty screen), light on the dimmed ground with no bright panel;
	 * paged like them when large text leaves no room. */
	const char *lines[1] = {line};
	centred_dialog d = {hall_ui_string(HALL_STR_CLOSED, ui->lang), NULL, lines, line[0] ? 1 : 0, NULL, 0, 1};
	build_centred(app, fr, &d);
}

/* Low position (issue #12 Build 8): above the reach band only pictures, so the band
 * keeps the controls and the words and the strip above it shows the view's picture large
 * (fitted whole, never cropped), described by a region; the flow then leaves the picture
 * out. Drawn before the content, so its region comes first in the focus order as it does
 * on screen. Nothing when the strip is shorter than two targets or the picture cannot be
 * read (its description would be text above the band). */
static void above_band_picture(hall_app *app, hall_ui *ui, const hall_asset *pic, const hall_text *alt,
                               const char *id)
{
	if (!(ui->modes & HALL_APP_MODE_LOW_POSITION) || !pic || ui->view.y < 2 * ui->target_px)
		return;
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, ui, ui->view, NULL, &tally, &ec);
	char path[1024];
	if (!exhibits__asset_path(&ec, pic, path, sizeof(path)))
		return;
	int m = ui->gap_px;
	hall_rect r = {ui->view.x + m, m, ui->view.w - 2 * m, ui->view.y - 2 * m};
	hall_dl_image(ui->dl, r, path, 0);
	hall_lang al;
	const char *a = alt ? hall_text_get_lang(alt, ui->lang, &al) : NULL;
	char label[1200];
	snprintf(label, sizeof(label), "%s: %s", hall_ui_string(HALL_STR_IMAGE, ui->lang), a ? a : "");
	hall_ui_hit(ui, r, id, HALL_ACT_0(HALL_ACT_NONE), HALL_ROLE_REGION, label);
	ui->above_asset = pic;
}

/* The picture above the reach band for what the frame shows: home (the attract loop's
 * picture) or an exhibit (its view's picture); none over dialogs, notices and the
 * closed screen, which replace the content. */
static void screen_picture(hall_app *app, hall_ui *ui)
{
	if (!app->content || app->dlg != DLG_NONE || app__urgent_notice(app) || app__is_closed(app))
		return;
	if (app->scr == SCR_HOME && app->content->n_attract > 0) {
		const hall_slide *sl = &app->content->attract[app->attract_slide % (int)app->content->n_attract];
		above_band_picture(app, ui, sl->image, &sl->alt, "home-picture");
	} else if (app->scr == SCR_EXHIBIT) {
		const hall_exhibit *ex = app__current_exhibit(app);
		const hall_text *alt;
		const char *id;
		const hall_asset *pic = ex ? hall_exhibit_view_picture(ex, &app->ex_state[app->exhibit], &alt, &id) : NULL;
		above_band_picture(app, ui, pic, alt, id);
	}
}

/* Back does something here: closes a dialog (on "more time?" it takes more time), or
 * steps back in an exhibit. On the attract loop, home and the closed, no-content and
 * urgent screens there is nowhere to go back to, so it is not shown (issue #12: every
 * button on the bar works on every screen or is not shown). */
static int back_works(const hall_app *app)
{
	if (app->dlg == DLG_MORE_TIME)
		return app->extensions < app->max_ext;
	if (app->dlg != DLG_NONE)
		return 1;
	return app->scr == SCR_EXHIBIT && app->open && app->content && !app__urgent_notice(app);
}

/* The visitor is at home's start (its first page, nothing over it): Home there is the
 * current place, shown and said as such (issue #12 Build 11: pressed there it did
 * nothing a visitor could see). */
int app__at_home_start(const hall_app *app)
{
	return app->scr == SCR_HOME && app->dlg == DLG_NONE && app->home_page == 0 && app->open && app->content &&
	       !app__urgent_notice(app);
}

/* Bar: home, back (when it works), language, accessibility, call staff; on every screen.
 * Returns its height; draws when draw != 0 with its top at y. */
static int bar(hall_app *app, hall_ui *ui, int y, int draw)
{
	const hall_lang l = ui->lang;
	hall_ui_button_spec b[5];
	size_t n = 0;
	/* At home's start Home is marked as the current place: a check, the tint and the
	 * thick outline of a chosen option, and its label says so. */
	int here = app__at_home_start(app);
	char home_text[96], home_spoken[256];
	snprintf(home_text, sizeof(home_text), "%s%s", here ? "✓ " : "", hall_ui_string(HALL_STR_HOME, l));
	snprintf(home_spoken, sizeof(home_spoken), "%s%s%s", hall_ui_string(HALL_STR_HOME, l), here ? ". " : "",
	         here ? hall_ui_string(HALL_STR_HOME_HERE, l) : "");
	b[n++] = (hall_ui_button_spec){"home", HALL_ACT_0(HALL_ACT_HOME), home_text, l, home_spoken, HALL_ROLE_BUTTON,
	                               here ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
	if (back_works(app))
		b[n++] = (hall_ui_button_spec){"back", HALL_ACT_0(HALL_ACT_BACK), hall_ui_string(HALL_STR_BACK, l), l, NULL,
		                               HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	b[n++] = (hall_ui_button_spec){"language", HALL_ACT_0(HALL_ACT_LANGUAGE_MENU), hall_ui_string(HALL_STR_LANGUAGE, l),
	                               l, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	b[n++] = (hall_ui_button_spec){"accessibility", HALL_ACT_0(HALL_ACT_ACCESS_MENU),
	                               hall_ui_string(HALL_STR_ACCESSIBILITY, l), l, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	/* A call on its way, its dialog open: Call staff is marked as pressed (pressing it
	 * again makes no second call: it says the call's state again). */
	int calling = app->dlg == DLG_STAFF_CALLED && app->help_state == HELP_CALLING;
	char call_text[96], call_spoken[400];
	snprintf(call_text, sizeof(call_text), "%s%s", calling ? "✓ " : "", hall_ui_string(HALL_STR_CALL_STAFF, l));
	snprintf(call_spoken, sizeof(call_spoken), "%s%s%s", hall_ui_string(HALL_STR_CALL_STAFF, l), calling ? ". " : "",
	         calling ? app__help_text(app) : "");
	b[n++] = (hall_ui_button_spec){"call-staff", HALL_ACT_0(HALL_ACT_CALL_STAFF), call_text, l, call_spoken,
	                               HALL_ROLE_BUTTON, calling ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON_PRIMARY};
	/* Large text on a short screen or band: the bar a size step down (ui.h
	 * hall_ui_chrome_begin), so it stays one row and the page keeps room for its
	 * content. */
	hall_ui compact;
	hall_ui *bu = hall_ui_chrome_begin(ui, &compact);
	int m = bu->gap_px;
	hall_rect area = {bu->view.x + m, y + m, bu->view.w - 2 * m, bu->view.h};
	/* Tighter label padding, so the bar stays one row wherever the words allow. */
	int saved = bu->hpad_px;
	bu->hpad_px = bu->pad_px / 3 > 6 ? bu->pad_px / 3 : 6;
	int h = hall_ui_button_rows(bu, area, b, n, 0) + 2 * m;
	if (draw) {
		hall_dl_box(bu->dl, (hall_rect){bu->view.x, y, bu->view.w, h}, bu->th->bar);
		hall_ui_button_rows(bu, area, b, n, 1);
	}
	bu->hpad_px = saved;
	hall_ui_chrome_end(ui, bu);
	return h;
}

void app__build_frame(hall_app *app, int64_t now, hall_dl *dl, frame *fr)
{
	hall_dl_clear(dl);
	hall_ui *ui = &fr->ui;
	hall_ui_init(ui, dl, &app->screen, app->modes, app->lang, app->cb.measure, app->cb.ctx,
	             app->has_focus ? app->focus : NULL);
	if (app__is_closed(app) && app->dlg != DLG_STAFF_PIN && !app__urgent_notice(app)) {
		/* Closed (issue #4: "a dimmed closed screen"): the theme's dark ground and light
		 * text, the bar's pair (14:1 in the normal theme, 21:1 in high contrast), so the
		 * screen reads as switched down from across the hall and every text and the
		 * focus ring still pass (the ring is checked against every theme colour). */
		fr->dim = *ui->th;
		fr->dim.bg = ui->th->bar;
		fr->dim.text = ui->th->bar_text;
		ui->th = &fr->dim;
	}
	const hall_ui_theme *th = ui->th;
	hall_dl_box(dl, (hall_rect){0, 0, app->screen.width_px, app->screen.height_px}, th->bg);
	/* The screen on show changed since the last frame: its fade starts now. */
	const char *sid = hall_app_screen_id(app);
	if (strcmp(sid, app->shown_screen) != 0) {
		app->screen_changed = app->shown_screen[0] ? now : 0;
		snprintf(app->shown_screen, sizeof(app->shown_screen), "%s", sid);
	}

	int m = ui->gap_px;
	hall_rect area = {ui->view.x + m, ui->view.y + m, ui->view.w - 2 * m, ui->view.h - 2 * m};
	int bar_h = bar(app, ui, 0, 0);
	area.h -= bar_h;
	screen_picture(app, ui); /* low position: above the band, first in the focus order */

	/* Banners at the top: identify (staff looking for this kiosk), info notice. */
	if (app->identify_until > now) {
		int h = ui->title_line_h + 2 * ui->pad_px;
		hall_dl_box(dl, (hall_rect){area.x, area.y, area.w, h}, th->notice);
		hall_ui_text_box(ui, (hall_rect){area.x + ui->pad_px, area.y + ui->pad_px, area.w - 2 * ui->pad_px,
		                                 ui->title_line_h},
		                 app->kiosk_id, ui->title_px, HALL_LANG_EN, 1, th->notice_text, th->notice, 1);
		area.y += h + m;
		area.h -= h + m;
	}
	if (app->notice_active && app->notice_level == HALL_APP_NOTICE_INFO && app->dlg != DLG_NOTICE) {
		/* A banner of at most two lines (one in large text); touching it shows the whole
		 * notice, so a long one never crowds the screen out. */
		hall_lang nl;
		const char *s = app__notice_string(app, &nl);
		int max_lines = ui->scale > 1 ? 1 : 2;
		int lines = hall_ui_count_lines(ui, s, ui->font_px, nl, 0, area.w - 2 * ui->pad_px, max_lines);
		if (lines < 1)
			lines = 1;
		int h = lines * ui->line_h + ui->pad_px;
		if (h < ui->target_px)
			h = ui->target_px;
		hall_rect br = {area.x, area.y, area.w, h};
		hall_dl_box(dl, br, th->notice);
		hall_ui_text_box(ui, (hall_rect){area.x + ui->pad_px, area.y + (h - lines * ui->line_h) / 2,
		                                 area.w - 2 * ui->pad_px, lines * ui->line_h},
		                 s, ui->font_px, nl, 0, th->notice_text, th->notice, 0);
		char label[600];
		snprintf(label, sizeof(label), "%s: %s", hall_ui_string(HALL_STR_NOTICE, ui->lang), s);
		hall_ui_hit(ui, br, "notice", HALL_ACT_0(HALL_ACT_NOTICE), HALL_ROLE_BUTTON, label);
		area.y += h + m;
		area.h -= h + m;
	}
	fr->content = area;
	fr->exhibit_drawn = 0;

	if (app->dlg == DLG_STAFF_PIN) {
		build_dialog_pin(app, fr);
	} else if (app->dlg == DLG_LANGUAGE) {
		/* The visitor's own requests show over every screen: the closed one too (its
		 * language and voice follow), and (tour, issue 12 Build 11) an urgent notice,
		 * whose bar's language, accessibility and call staff did nothing. */
		build_dialog_language(app, fr);
	} else if (app->dlg == DLG_ACCESS) {
		build_dialog_access(app, fr);
	} else if (app->dlg == DLG_STAFF_CALLED) {
		build_dialog_staff_called(app, fr);
	} else if (app__urgent_notice(app)) { /* tour: below the visitor's dialogs */
		hall_lang nl;
		const char *s = app__notice_string(app, &nl);
		/* A proper notice (issue #12: it was body text on a red field): the urgent panel
		 * with a bold edge, the heading at the key-figure size and the text one step up
		 * the type scale (the title size), in a column of the theme's measure. */
		hall_theme_style st = hall_theme_style_of(th, &ui->m, HALL_COMP_URGENT);
		hall_theme_box(dl, area, &st);
		text_ctx tc = {hall_ui_string(HALL_STR_NOTICE, ui->lang), ui->lang, s, nl};
		/* The urgent colours for the text: a hall_ui with the urgent pair as its theme. */
		hall_ui_theme t2 = *th;
		t2.bg = st.fill;
		t2.text = st.text;
		hall_ui saved = *ui;
		ui->th = &t2;
		if (ui->scale == 1) { /* large text is already twice this size */
			ui->font_px = ui->title_px;
			ui->line_h = ui->title_line_h;
			ui->title_px = ui->figure_px;
			ui->title_line_h = ui->figure_line_h;
		}
		int pad = st.border_px + st.pad_px;
		hall_rect inner = {area.x + pad, area.y + pad, area.w - 2 * pad, area.h - 2 * pad};
		int col = ui->m.measure_px * ui->font_px / saved.font_px;
		if (inner.w > col) {
			inner.x += (inner.w - col) / 2;
			inner.w = col;
		}
		hall_ui_paged(ui, inner, &app->dialog_page, text_flow, &tc);
		/* Back to the frame's sizes, keeping what the notice added (focus, heading). */
		saved.next_focus = ui->next_focus;
		saved.focus_found = ui->focus_found;
		saved.focus_rect = ui->focus_rect;
		memcpy(saved.heading, ui->heading, sizeof(saved.heading));
		*ui = saved;
	} else if (app__is_closed(app)) {
		build_closed(app, fr);
	} else if (!app->content) {
		text_ctx tc = {hall_ui_string(HALL_STR_NO_CONTENT, ui->lang), ui->lang, NULL, ui->lang};
		hall_ui_paged(ui, area, &app->dialog_page, text_flow, &tc);
	} else if (app->dlg == DLG_MORE_TIME) {
		build_dialog_more_time(app, fr);
	} else if (app->dlg == DLG_NOTICE) {
		hall_lang nl;
		const char *s = app__notice_string(app, &nl);
		text_ctx tc = {hall_ui_string(HALL_STR_NOTICE, ui->lang), ui->lang, s, nl};
		hall_ui_paged(ui, area, &app->dialog_page, notice_flow, &tc);
	} else if (app->scr == SCR_ATTRACT) {
		attract_ctx ac = {app, fr};
		if (!attract_poster(app, fr, now))
			hall_ui_paged(ui, area, &app->attract_page, attract_flow, &ac);
	} else if (app->scr == SCR_HOME) {
		home_ctx hc = {app, 0};
		hall_ui_paged(ui, area, &app->home_page, home_flow, &hc);
	} else {
		const hall_exhibit *ex = app__current_exhibit(app);
		if (ex) {
			hall_exhibit_ctx ec;
			hall_poll_tally tally;
			app__exhibit_ctx(app, ui, area, ex, &tally, &ec);
			hall_exhibit_build(&ec, &app->ex_state[app->exhibit]);
			fr->exhibit_area = area;
			fr->exhibit_drawn = 1;
		}
	}
	/* A new screen fades in from the ground in HALL_MOTION_SCREEN_MS (issue #12 Build 6):
	 * a veil of the ground's colour over the content, lighter every frame. It is only
	 * drawn: the new screen's targets are in the list from its first frame, so input is
	 * never held back or swallowed. The attract loop cross-fades its own pictures. */
	if (app->screen_changed && !app__reduced_motion(app) && app->scr != SCR_ATTRACT &&
	    now - app->screen_changed < HALL_MOTION_SCREEN_MS) {
		double e = hall_theme_ease(now - app->screen_changed, HALL_MOTION_SCREEN_MS);
		hall_rgba veil = th->bg;
		veil.a = (uint8_t)((1.0 - e) * HALL_MOTION_VEIL_ALPHA);
		if (veil.a > 0)
			hall_dl_box(dl, fr->content, veil);
	}
	bar(app, ui, ui->view.y + ui->view.h - bar_h, 1);
	hall_ui_finish(ui);
	snprintf(app->heading, sizeof(app->heading), "%s", ui->heading);
}

/* ---- screen ids and views ---- */

void app__base_view(const hall_app *app, char *exhibit, size_t elen, char *target, size_t tlen)
{
	exhibit[0] = '\0';
	target[0] = '\0';
	if (app->scr == SCR_HOME) {
		snprintf(target, tlen, "home");
		return;
	}
	const hall_exhibit *ex = app__current_exhibit(app);
	if (!ex)
		return;
	snprintf(exhibit, elen, "%s", ex->id);
	char page[128];
	hall_exhibit_page_id(ex, &app->ex_state[app->exhibit], page, sizeof(page));
	if (page[0])
		snprintf(target, tlen, "%s/%s", ex->id, page);
	else
		snprintf(target, tlen, "%s", ex->id);
}

const char *hall_app_screen_id(hall_app *app)
{
	if (!app)
		return "";
	if (app->dlg == DLG_STAFF_PIN)
		return "staff-pin";
	/* As build_frame: the visitor's dialogs show over every screen (tour: an urgent
	 * notice too). */
	if (app->dlg == DLG_LANGUAGE)
		return "language";
	if (app->dlg == DLG_ACCESS)
		return "accessibility";
	if (app->dlg == DLG_STAFF_CALLED)
		return "staff-called";
	if (app__urgent_notice(app))
		return "notice";
	if (app__is_closed(app))
		return "closed";
	if (!app->content)
		return "no-content";
	switch (app->dlg) {
	case DLG_MORE_TIME: return "more-time";
	case DLG_STAFF_CALLED: return "staff-called";
	case DLG_LANGUAGE: return "language";
	case DLG_ACCESS: return "accessibility";
	case DLG_NOTICE: return "notice-info";
	case DLG_STAFF_PIN:
	case DLG_NONE: break;
	}
	if (app->scr == SCR_ATTRACT)
		return "attract";
	if (app->scr == SCR_HOME)
		return "home";
	char ex[HALL_ID_MAX + 1], target[192];
	app__base_view(app, ex, sizeof(ex), target, sizeof(target));
	snprintf(app->screen_id, sizeof(app->screen_id), "exhibit:%s", target);
	return app->screen_id;
}

void hall_app_build(hall_app *app, int64_t now, hall_dl *out)
{
	if (!app || !out)
		return;
	app->now = now;
	frame fr;
	app__build_frame(app, now, out, &fr);
}

