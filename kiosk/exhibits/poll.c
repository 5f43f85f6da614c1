/* poll.c: a question with 2 to 6 options; one vote per visitor session (choose, then
 * "vote", so a stray touch casts nothing); then a thank-you view with the tallies: live
 * from the controller when it has sent any, else this kiosk's own count, said in words. */
#include <stdio.h>
#include <string.h>

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

/* The options in rows: one column, or as many (up to 3) as make the measured rows and
 * the vote button below them need fewer pages or put more options on the first page. */
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
			char shown[600], spoken[700];
			/* The choice is marked in words and by a thick border, not by colour alone. */
			option_shown(ui, o, chosen, shown, sizeof(shown), &l);
			const char *label = exhibits__text(ui, &o->label, NULL);
			snprintf(spoken, sizeof(spoken), "%s%s%s", label, chosen ? ", " : "",
			         chosen ? hall_ui_string(HALL_STR_SELECTED, ui->lang) : "");
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
	exhibits_bar bars[6];
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
	hall_ui_flow_text(f, hall_ui_string(t->live ? HALL_STR_RESULTS_LIVE : HALL_STR_RESULTS_LOCAL, ui->lang), ui->lang,
	                  0, ui->th->text, ui->th->bg);
	char alt[1500];
	size_t ao = (size_t)snprintf(alt, sizeof(alt), "%s.", totals);
	for (size_t i = 0; i < n; i++) {
		exhibits_bar *b = &bars[i];
		memset(b, 0, sizeof(*b));
		b->label = exhibits__text(ui, &p->options[i].label, &b->label_lang);
		int64_t v = t->votes[i] > 0 ? t->votes[i] : 0;
		b->value = (double)v;
		/* Shares in whole percents: a large, friendly figure, not "100.0%". */
		char vs[64], ps[32];
		hall_ui_format_number(vs, sizeof(vs), (double)v, 0);
		hall_ui_format_number(ps, sizeof(ps), total > 0 ? 100.0 * (double)v / (double)total : 0.0, 0);
		hall_ui_fill(b->value_text, sizeof(b->value_text),
		             hall_ui_string(v == 1 ? HALL_STR_VOTE_ONE_OF_TOTAL : HALL_STR_VOTES_OF_TOTAL, ui->lang), vs, ps);
		if (pc->st->voted && pc->st->choice == (int)i) {
			b->highlight = 1;
			size_t k = strlen(b->value_text);
			snprintf(b->value_text + k, sizeof(b->value_text) - k, " ✓ %s",
			         hall_ui_string(HALL_STR_YOUR_CHOICE, ui->lang));
		}
		if (ao < sizeof(alt))
			ao += (size_t)snprintf(alt + ao, sizeof(alt) - ao, " %s: %s.", b->label, b->value_text);
	}
	/* The tally under the total: live from the controller, or this kiosk's own. */
	exhibits__bar_chart(f, "results", totals, ui->lang, alt, bars, (int)n);
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
