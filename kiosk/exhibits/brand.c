/* brand.c: "Seoul, my soul": the slogan, the story of how it was chosen, both rounds of
 * the vote as bar charts drawn from the content's numbers, and the brand's slides.
 *
 * The exhibit is a row of slides: [slogan + story] [round 1] ... [round n] [slide 1] ...
 * moved by "prev"/"next" only (nothing advances by itself). A slide too long for the
 * screen (large text) is split into pages, and prev/next walk through those pages too,
 * so the visitor has one pair of controls. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "exhibits.h"
#include "hall/log.h"

typedef struct brand_ctx {
	const hall_exhibit_ctx *c;
	const hall_brand *b;
	int slide;
} brand_ctx;

static int slide_count(const hall_brand *b)
{
	return 1 + (int)b->n_rounds + (int)b->n_slides;
}

static void round_flow(hall_ui_flow *f, const hall_vote_round *rd, int index)
{
	hall_ui *ui = f->ui;
	hall_lang l;
	const char *title = exhibits__text(ui, &rd->title, &l);
	hall_ui_flow_text(f, title, l, 1, ui->th->text, ui->th->bg);
	const char *period = exhibits__text(ui, &rd->period, &l);
	hall_ui_flow_text(f, period, l, 0, ui->th->text, ui->th->bg);
	char num[64], total[160];
	hall_ui_format_number(num, sizeof(num), (double)rd->total_votes, 0);
	hall_ui_fill(total, sizeof(total), hall_ui_string(HALL_STR_TOTAL_VOTES, ui->lang), num, NULL);

	exhibits_bar bars[HALL_CONTENT_ROUND_OPTIONS_MAX];
	int n = rd->n_options < HALL_CONTENT_ROUND_OPTIONS_MAX ? (int)rd->n_options : (int)HALL_CONTENT_ROUND_OPTIONS_MAX;
	int64_t best = -1;
	for (int i = 0; i < n; i++)
		if (rd->options[i].votes > best)
			best = rd->options[i].votes;
	char alt[1200];
	size_t ao = (size_t)snprintf(alt, sizeof(alt), "%s. %s.", title, period);
	for (int i = 0; i < n; i++) {
		const hall_vote_option *o = &rd->options[i];
		exhibits_bar *b = &bars[i];
		memset(b, 0, sizeof(*b));
		b->label = exhibits__text(ui, &o->label, &b->label_lang);
		b->value = (double)o->votes;
		double pct = o->percent;
		if (pct <= 0 && rd->total_votes > 0)
			pct = 100.0 * (double)o->votes / (double)rd->total_votes;
		char v[64], p[32];
		hall_ui_format_number(v, sizeof(v), (double)o->votes, 0);
		hall_ui_format_number(p, sizeof(p), pct, 1);
		hall_ui_fill(b->value_text, sizeof(b->value_text),
		             hall_ui_string(o->votes == 1 ? HALL_STR_VOTE_ONE_OF_TOTAL : HALL_STR_VOTES_OF_TOTAL, ui->lang), v,
		             p);
		b->highlight = o->votes == best;
		b->mark = hall_ui_string(HALL_STR_MOST_VOTES, ui->lang);
		if (ao < sizeof(alt))
			ao += (size_t)snprintf(alt + ao, sizeof(alt) - ao, " %s: %s%s%s.", b->label, b->value_text,
			                       b->highlight ? ". " : "", b->highlight ? b->mark : "");
	}
	char id[32];
	snprintf(id, sizeof(id), "chart-round-%d", index + 1);
	/* The chart's heading is the total; the round's title is the slide's heading. */
	exhibits__bar_chart(f, id, total, ui->lang, alt, bars, n);
}

/* A picture in rect pr of the page being drawn (exhibits__image draws into a flow: one
 * whose only block is pr). */
static void image_in(const hall_exhibit_ctx *c, const hall_ui_flow *f, hall_rect pr, const char *id,
                     const hall_asset *image, const char *alt, hall_lang al)
{
	hall_ui_flow fp = *f;
	fp.area = pr;
	fp.y = pr.y;
	fp.used = 0;
	fp.page = fp.show;
	exhibits__image(c, &fp, id, image, alt, al, pr.h);
}

/* The story in its column with the picture beside it (issue #12 Build 4: a picture
 * beside a text column), when both fit the rest of the first page: a wide screen at the
 * normal size. Returns 0, taking nothing, otherwise. */
static int story_beside(const hall_exhibit_ctx *c, hall_ui_flow *f, const char *story, hall_lang l,
                        const hall_slide *sl, const char *alt, hall_lang al)
{
	hall_ui *ui = f->ui;
	int gap = ui->gap_px;
	int col_w = ui->m.measure_px < f->area.w * 6 / 10 ? ui->m.measure_px : f->area.w * 6 / 10;
	int pic_w = f->area.w - col_w - 2 * gap;
	/* (a tall page has the picture above the story at the full width instead) */
	if (ui->scale > 1 || f->page != 0 || pic_w < f->area.w / 4 || ui->above_asset == sl->image ||
	    f->area.h > f->area.w)
		return 0;
	int text_h = hall_ui_count_lines(ui, story, ui->font_px, l, 0, col_w, 200) * ui->line_h;
	int room = f->area.y + f->area.h - f->y - gap;
	if (text_h > room)
		return 0;
	hall_rect r;
	if (!hall_ui_flow_take(f, text_h > pic_w * 3 / 4 ? text_h : (pic_w * 3 / 4 < room ? pic_w * 3 / 4 : room), gap,
	                       &r))
		return 1;
	hall_ui_text_box(ui, (hall_rect){r.x, r.y, col_w, text_h}, story, ui->font_px, l, 0, ui->th->text, ui->th->bg, 0);
	/* The picture as tall as the column or 3:4 of its width, whichever is less. */
	int ph = pic_w * 3 / 4 < r.h ? pic_w * 3 / 4 : r.h;
	image_in(c, f, (hall_rect){r.x + col_w + 2 * gap, r.y, pic_w, ph}, "slogan-image", sl->image, alt, al);
	return 1;
}

/* A picture slide as a passer-by reads it (issue #12 Build 2 and 4): the picture large
 * and its caption as a headline, beside it on a wide page, under it on a tall one, at
 * the largest of the display, key-figure and title sizes that holds the whole caption
 * on the page with the picture at least half the page's height. The frame is 3:2, the
 * shape of the project's pictures (another shape fits inside it). In low position the
 * picture is above the reach band (ui->above_asset) and the caption has the page. Returns
 * 0, taking nothing, when no size holds it (large text on a small screen): the slide is
 * then drawn as before, the caption in body text under the picture. */
static int picture_slide(const hall_exhibit_ctx *c, hall_ui_flow *f, const hall_slide *sl, const char *cap,
                         hall_lang l, const char *alt, hall_lang al)
{
	hall_ui *ui = f->ui;
	hall_rect a = f->area;
	int gap = ui->gap_px;
	int room = a.y + a.h - f->y;
	int no_pic = ui->above_asset == sl->image;
	const int px[3] = {ui->display_px, ui->figure_px, ui->title_px};
	const int lh[3] = {ui->display_line_h, ui->figure_line_h, ui->title_line_h};
	for (int beside = a.w > a.h && !no_pic; beside >= 0; beside--) {
		/* Beside: the picture takes up to 60 % of the width; under: the full width. */
		int pic_w = beside ? a.w * 6 / 10 : a.w;
		int pic_h = pic_w * 2 / 3;
		if (pic_h > room)
			pic_h = room, pic_w = beside ? pic_h * 3 / 2 : a.w;
		int col_w = beside ? a.w - pic_w - 2 * gap : a.w;
		for (int k = 0; k < 3; k++) {
			int lines = hall_ui_count_lines(ui, cap, px[k], l, 1, col_w, 40);
			int cap_h = (lines < 1 ? 1 : lines) * lh[k];
			int ph = no_pic ? 0 : beside ? pic_h : room - cap_h - gap;
			if (!beside && ph > pic_h)
				ph = pic_h;
			/* the picture at least half the page, or as large as its frame gets */
			if (cap_h > room || (!no_pic && ph < (pic_h < room / 2 ? pic_h : room / 2)))
				continue;
			hall_rect r;
			if (!hall_ui_flow_take(f, room, gap, &r))
				return 1;
			hall_rect cr;
			if (beside) {
				image_in(c, f, (hall_rect){r.x, r.y + (r.h - ph) / 2, pic_w, ph}, "slide-image", sl->image, alt, al);
				cr = (hall_rect){r.x + pic_w + 2 * gap, r.y + (r.h - cap_h) / 2, col_w, cap_h};
			} else {
				/* picture and caption as one block in the middle of the page */
				int y = r.y + (r.h - (no_pic ? cap_h : ph + gap + cap_h)) / 2;
				if (!no_pic)
					image_in(c, f, (hall_rect){r.x, y, r.w, ph}, "slide-image", sl->image, alt, al);
				cr = (hall_rect){r.x, y + (no_pic ? 0 : ph + gap), col_w, cap_h};
			}
			hall_ui_text_box(ui, cr, cap, px[k], l, 1, ui->th->text, ui->th->bg, 0);
			return 1;
		}
	}
	return 0;
}

static void brand_flow(void *ctx, hall_ui_flow *f)
{
	brand_ctx *bc = ctx;
	hall_ui *ui = f->ui;
	const hall_brand *b = bc->b;
	hall_lang l;
	if (bc->slide == 0) {
		const char *slogan = exhibits__text(ui, &b->slogan, &l);
		hall_ui_flow_text(f, slogan, l, 1, ui->th->text, ui->th->bg);
		const char *story = exhibits__text(ui, &b->story, &l);
		/* The slogan's picture (the first slide's image) between the slogan and the story,
		 * given the room the story leaves on the page: the first thing a visitor sees is
		 * the brand itself, not a block of text over an empty screen. When the story would
		 * leave it less than a third of the page (large text), the picture has the first
		 * page to itself, as large as the page holds, and the story follows on the next
		 * pages at the full column (a picture the size of a stamp over three lines of a
		 * story that pages on helps nobody). In low position the picture is above the
		 * reach band (ui->above_asset) and the story starts under the slogan. */
		if (b->n_slides > 0 && b->slides[0].image && ui->above_asset != b->slides[0].image) {
			const hall_slide *sl = &b->slides[0];
			hall_lang al;
			const char *alt = exhibits__text(ui, &sl->alt, &al);
			if (story_beside(bc->c, f, story, l, sl, alt[0] ? alt : slogan, alt[0] ? al : l))
				return;
			int story_h = hall_ui_count_lines(ui, story, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 64) * ui->line_h;
			int used = f->y - f->area.y;
			int img_h = f->area.h - used - story_h - 2 * ui->gap_px;
			int own_page = img_h < f->area.h / 3;
			if (own_page)
				img_h = f->area.h - used - ui->gap_px;
			else if (f->area.h > f->area.w && img_h > f->area.h * 4 / 10)
				img_h = f->area.h * 4 / 10; /* a tall page: the story right under the picture */
			exhibits__image(bc->c, f, "slogan-image", sl->image, alt[0] ? alt : slogan, alt[0] ? al : l, img_h);
			if (own_page)
				hall_ui_flow_break(f);
		}
		hall_ui_flow_text(f, story, l, 0, ui->th->text, ui->th->bg);
		return;
	}
	int r = bc->slide - 1;
	if (r < (int)b->n_rounds) {
		round_flow(f, &b->rounds[r], r);
		return;
	}
	int s = r - (int)b->n_rounds;
	if (s < (int)b->n_slides) {
		const hall_slide *sl = &b->slides[s];
		hall_lang al;
		const char *alt = exhibits__text(ui, &sl->alt, &al);
		const char *cap = exhibits__text(ui, &sl->caption, &l);
		hall_ui_set_heading(ui, cap);
		if (picture_slide(bc->c, f, sl, cap, l, alt[0] ? alt : cap, alt[0] ? al : l))
			return;
		int lines = hall_ui_count_lines(ui, cap, ui->font_px, l, 0, hall_ui_column_w(ui->font_px, f->area.w), 6);
		int img_h = f->area.h - lines * ui->line_h - ui->gap_px;
		if (img_h < f->area.h / 3)
			img_h = f->area.h / 3;
		exhibits__image(bc->c, f, "slide-image", sl->image, alt[0] ? alt : cap, alt[0] ? al : l, img_h);
		hall_ui_flow_text(f, cap, l, 0, ui->th->text, ui->th->bg);
	}
}

/* Pages of every slide at this size: *before, those of the slides before bc's; *total,
 * all of them. Counting runs the slides' flows without drawing (flow page -1); the
 * heading the current page set is kept (a flow names its heading when none is set). In
 * low position each slide is counted with the picture it shows above the band (its own
 * view picture, not the current slide's): counted with the current one, the total
 * changed from slide to slide ("5 / 19", then "8 / 20": 32-inch, large text). */
static void brand_pages(const brand_ctx *bc, hall_ui *ui, hall_rect content, int n, int *before, int *total)
{
	char heading[sizeof ui->heading];
	memcpy(heading, ui->heading, sizeof heading);
	const void *above = ui->above_asset;
	*before = *total = 0;
	for (int s = 0; s < n; s++) {
		brand_ctx sc = {bc->c, bc->b, s};
		if (above) {
			hall_exhibit_state vs;
			hall_exhibit_state_reset(&vs);
			vs.slide = s;
			const hall_text *alt;
			const char *pid;
			const hall_asset *pic = hall_exhibit_view_picture(bc->c->ex, &vs, &alt, &pid);
			ui->above_asset = pic ? (const void *)pic : above;
		}
		hall_ui_flow f;
		hall_ui_flow_begin(&f, ui, content, -1);
		brand_flow(&sc, &f);
		int p = hall_ui_flow_pages(&f);
		if (s < bc->slide)
			*before += p;
		*total += p;
	}
	ui->above_asset = above;
	memcpy(ui->heading, heading, sizeof heading);
}

void exhibits__build_brand(const hall_exhibit_ctx *c, hall_exhibit_state *st)
{
	hall_ui *ui = c->ui;
	const hall_brand *b = &c->ex->u.brand;
	int n = slide_count(b);
	if (st->slide < 0)
		st->slide = 0;
	if (st->slide >= n)
		st->slide = n - 1;

	/* The slide row at the bottom: prev, "n / N", next (at the size of the controls
	 * around the content, ui.h hall_ui_chrome_begin). */
	hall_ui cbuf;
	hall_ui *cu = hall_ui_chrome_begin(ui, &cbuf);
	int nav_h, w;
	hall_ui_button_size(cu, hall_ui_string(HALL_STR_PREV, ui->lang), ui->lang, c->area.w / 3, &w, &nav_h);
	int h2;
	hall_ui_button_size(cu, hall_ui_string(HALL_STR_NEXT, ui->lang), ui->lang, c->area.w / 3, &w, &h2);
	if (h2 > nav_h)
		nav_h = h2;
	hall_rect content = {c->area.x, c->area.y, c->area.w, c->area.h - nav_h - ui->gap_px};

	brand_ctx bc = {c, b, st->slide};
	hall_ui_flow f;
	hall_ui_flow_begin(&f, ui, content, -1);
	brand_flow(&bc, &f);
	st->pages = hall_ui_flow_pages(&f);
	if (st->page >= st->pages)
		st->page = st->pages - 1;
	if (st->page < 0)
		st->page = 0;
	hall_ui_flow_begin(&f, ui, content, st->page);
	brand_flow(&bc, &f);

	cu = hall_ui_chrome_begin(ui, &cbuf); /* after the content: its focus order follows */
	int y = c->area.y + c->area.h - nav_h;
	int third = (c->area.w - 2 * cu->gap_px) / 3;
	int first = st->slide == 0 && st->page == 0;
	int last = st->slide == n - 1 && st->page >= st->pages - 1;
	/* dialogs (issue #12 Build 11, as the pager, ui.c): "previous" on the first page and
	 * "next" on the last would do nothing, so they are not drawn; the others keep their
	 * thirds of the row. */
	if (!first)
		hall_ui_button(cu, (hall_rect){c->area.x, y, third, nav_h}, "prev", HALL_ACT(HALL_ACT_BRAND_STEP, -1),
		               HALL_ROLE_BUTTON, hall_ui_string(HALL_STR_PREV, ui->lang), ui->lang, NULL, HALL_UI_BUTTON);
	/* Position: page p of P over the whole exhibit, in whole numbers (issue #12: "1.2 / 7"
	 * read as a decimal). "next" walks a slide's pages and then the next slide, so the
	 * counter counts what "next" walks: counting slides alone, a large-text story read
	 * "1 / 7" on three pages running (seen in the ja large+contrast+low gallery). Where
	 * every slide fits one page, as in the normal size, pages and slides are the same. */
	int page_no = 0, page_total = 0;
	brand_pages(&bc, ui, content, n, &page_no, &page_total);
	page_no += st->page;
	char a[32], bb[32], pos[96];
	snprintf(a, sizeof(a), "%d", page_no + 1);
	snprintf(bb, sizeof(bb), "%d", page_total);
	hall_ui_fill(pos, sizeof(pos), hall_ui_string(HALL_STR_PAGE_OF, ui->lang), a, bb);
	int tw, th;
	hall_ui_measure_text(cu, pos, strlen(pos), cu->font_px, ui->lang, 0, &tw, &th);
	hall_ui_text(cu, c->area.x + third + cu->gap_px + (third - tw) / 2, y + (nav_h - th) / 2, pos, cu->font_px,
	             ui->lang, 0, ui->th->text, ui->th->bg);
	if (!last)
		hall_ui_button(cu, (hall_rect){c->area.x + 2 * (third + cu->gap_px), y, third, nav_h}, "next",
		               HALL_ACT(HALL_ACT_BRAND_STEP, 1), HALL_ROLE_BUTTON, hall_ui_string(HALL_STR_NEXT, ui->lang),
		               ui->lang, NULL, HALL_UI_BUTTON_PRIMARY);
	hall_ui_chrome_end(ui, cu);
}

hall_exhibit_result exhibits__activate_brand(const hall_exhibit_ctx *c, hall_exhibit_state *st, hall_act act)
{
	int n = slide_count(&c->ex->u.brand);
	int pages = st->pages > 0 ? st->pages : 1;
	if (act.kind != HALL_ACT_BRAND_STEP)
		return HALL_EXHIBIT_NONE;
	if (act.arg > 0) {
		if (st->page < pages - 1) {
			st->page++;
			return HALL_EXHIBIT_CHANGED;
		}
		if (st->slide < n - 1) {
			st->slide++;
			st->page = 0;
			return HALL_EXHIBIT_CHANGED;
		}
		return HALL_EXHIBIT_NONE;
	}
	if (st->page > 0) {
		st->page--;
		return HALL_EXHIBIT_CHANGED;
	}
	if (st->slide > 0) {
		st->slide--;
		st->page = INT_MAX; /* the last page of that slide; build clamps */
		return HALL_EXHIBIT_CHANGED;
	}
	return HALL_EXHIBIT_NONE;
}
