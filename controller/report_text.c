/* report_text.c: the report as plain text for a terminal or an e-mail. Columns are
 * measured in display cells (Hangul, kana and Han characters take two), so numbers line
 * up under headings in every language. */
#include "report_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* s left-aligned in `width` cells (right-aligned when `right`); wider text is kept whole. */
static void put_cell(hall_strbuf *b, const char *s, size_t width, bool right)
{
	size_t w = report__cells(s);
	if (!right)
		hall_strbuf_puts(b, s);
	for (; w < width; w++)
		hall_strbuf_puts(b, " ");
	if (right)
		hall_strbuf_puts(b, s);
}

/* ------------------------------------------------------------------ tables */

#define TT_COLS 12

/* A table whose columns are as wide as their widest cell: cells are kept until it is
 * printed. A row may carry lines printed under it (`under`, indented by the caller). */
typedef struct ttable {
	size_t cols;
	const char *head[TT_COLS];
	bool right[TT_COLS];
	char **cells; /* row-major */
	char **under; /* one per row, may be NULL */
	size_t n_cells, cap_cells, n_rows, cap_rows;
	bool oom;
} ttable;

static void tt_init(ttable *t, hall_lang lang, const report_label *heads, const bool *right, size_t cols)
{
	memset(t, 0, sizeof *t);
	t->cols = cols < TT_COLS ? cols : TT_COLS;
	for (size_t i = 0; i < t->cols; i++) {
		t->head[i] = report__label(lang, heads[i]);
		t->right[i] = right[i];
	}
}

static void *grow(void *arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return arr;
	size_t nc = *cap ? *cap * 2 : 32;
	while (nc < need)
		nc *= 2;
	void *na = realloc(arr, nc * size);
	if (na)
		*cap = nc;
	return na;
}

static void tt_cell(ttable *t, const char *s)
{
	char **nc = grow(t->cells, &t->cap_cells, t->n_cells + 1, sizeof *t->cells);
	char *copy = strdup(s);
	if (!nc || !copy) {
		free(copy);
		t->oom = true;
		return;
	}
	t->cells = nc;
	t->cells[t->n_cells++] = copy;
	if (t->n_cells % t->cols == 0) {
		char **nu = grow(t->under, &t->cap_rows, t->n_rows + 1, sizeof *t->under);
		if (!nu) {
			t->oom = true;
			return;
		}
		t->under = nu;
		t->under[t->n_rows++] = NULL;
	}
}

static void tt_num(ttable *t, int64_t v)
{
	char s[24];
	snprintf(s, sizeof s, "%lld", (long long)v);
	tt_cell(t, s);
}

/* Lines under the last complete row (taken: freed with the table). */
static void tt_under(ttable *t, hall_strbuf *lines)
{
	char *s = hall_strbuf_take(lines, NULL);
	if (!s || !t->n_rows || t->under[t->n_rows - 1]) {
		free(s);
		return;
	}
	t->under[t->n_rows - 1] = s;
}

static void tt_print(hall_strbuf *b, ttable *t)
{
	size_t w[TT_COLS];
	for (size_t c = 0; c < t->cols; c++)
		w[c] = report__cells(t->head[c]);
	for (size_t i = 0; !t->oom && i < t->n_rows * t->cols; i++) {
		size_t n = report__cells(t->cells[i]);
		if (n > w[i % t->cols])
			w[i % t->cols] = n;
	}
	for (size_t r = 0; !t->oom && r <= t->n_rows; r++) {
		for (size_t c = 0; c < t->cols; c++) {
			const char *s = r == 0 ? t->head[c] : t->cells[(r - 1) * t->cols + c];
			bool last = c + 1 == t->cols;
			hall_strbuf_puts(b, c ? "  " : "");
			put_cell(b, s, last && !t->right[c] ? 0 : w[c], t->right[c]);
		}
		hall_strbuf_puts(b, "\n");
		if (r && t->under[r - 1])
			hall_strbuf_puts(b, t->under[r - 1]);
	}
	if (t->oom)
		hall_strbuf_puts(b, "(out of memory)\n");
	for (size_t i = 0; i < t->n_cells; i++)
		free(t->cells[i]);
	for (size_t i = 0; i < t->n_rows; i++)
		free(t->under[i]);
	free(t->cells);
	free(t->under);
}

/* ------------------------------------------------------------------ sections */

static void text_head(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char when[32], med[32], p90[32];
	hall_strbuf_printf(b, "%s\n%s: %s .. %s (%s %s)\n", report__label(lang, L_TITLE), report__label(lang, L_PERIOD),
	                   r->from_day, r->to_day, report__label(lang, L_TZ), r->tz);
	report__local(r, when, sizeof when, r->generated_ms);
	hall_strbuf_printf(b, "%s: %s\n** ", report__label(lang, L_GENERATED), when);
	report__completeness(r, lang, b);
	hall_strbuf_printf(b, " **\n\n== %s\n", report__label(lang, L_INTERACTIONS));
	report__dwell_one(&r->dwell, 0, med, sizeof med);
	report__dwell_one(&r->dwell, 1, p90, sizeof p90);
	/* labels padded by display cells, so values line up */
	const struct {
		report_label l;
		const char *s;
		int64_t n;
	} v[] = {{L_SESSIONS, NULL, r->sessions}, {L_TAPS, NULL, r->taps},   {L_VIEWS, NULL, r->views},
	         {L_DWELL_MEDIAN, med, 0},        {L_DWELL_P90, p90, 0},     {L_VOTES, NULL, r->votes},
	         {L_HELP, NULL, r->help},         {L_REJECTED, NULL, r->rejected_total}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		put_cell(b, report__label(lang, v[i].l), 28, false);
		if (v[i].s)
			hall_strbuf_printf(b, " %s\n", v[i].s);
		else
			hall_strbuf_printf(b, " %lld\n", (long long)v[i].n);
	}
	hall_strbuf_puts(b, "\n");
	if (r->events == 0)
		hall_strbuf_printf(b, "%s\n\n", report__label(lang, L_NO_DATA));
}

/* Per kiosk: what it should have sent, what arrived, what is missing, then under each
 * row what the figures alone do not say (never seen, events lost, versions, outages). */
static void text_kiosks(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	static const report_label heads[] = {L_KIOSK, L_EXPECTED, L_RECEIVED, L_MISSING, L_SEQ_MIN, L_SEQ_MAX,
	                                     L_SESSIONS, L_TAPS, L_UPTIME, L_DWELL};
	static const bool right[] = {false, true, true, true, true, true, true, true, true, false};
	ttable t;
	tt_init(&t, lang, heads, right, sizeof heads / sizeof heads[0]);
	hall_strbuf_printf(b, "== %s\n", report__label(lang, L_KIOSKS));
	for (size_t i = 0; i < r->n_kiosks; i++) {
		const hall_report_kiosk *k = &r->kiosks[i];
		char x[64], d1[32], d2[32];
		tt_cell(&t, k->id);
		tt_num(&t, k->events_expected);
		tt_num(&t, k->events);
		tt_num(&t, k->missing);
		if (k->has_seq) {
			tt_num(&t, k->seq_min);
			tt_num(&t, k->seq_max);
		} else {
			tt_cell(&t, "-");
			tt_cell(&t, "-");
		}
		tt_num(&t, k->sessions);
		tt_num(&t, k->taps);
		report__uptime(k, x, sizeof x);
		tt_cell(&t, x);
		report__dwell(&k->dwell, x, sizeof x);
		tt_cell(&t, x);
		hall_strbuf u;
		hall_strbuf_init(&u);
		if (k->never_seen)
			hall_strbuf_printf(&u, "    ! %s\n", report__label(lang, L_NEVER_SEEN));
		if (k->unrecorded)
			hall_strbuf_printf(&u, "    ! %s: %lld\n", report__label(lang, L_UNRECORDED), (long long)k->unrecorded);
		hall_strbuf_printf(&u, "    %s: ", report__label(lang, L_SHOWN));
		report__shown(r, k, lang, &u);
		hall_strbuf_puts(&u, "\n");
		for (size_t j = 0; j < k->n_outages; j++) {
			report__local(r, d1, sizeof d1, k->outages[j].from);
			report__local(r, d2, sizeof d2, k->outages[j].to);
			report__duration(x, sizeof x, k->outages[j].to - k->outages[j].from);
			hall_strbuf_printf(&u, "    %s: %s .. %s (%s)\n", report__label(lang, L_OUTAGES), d1, d2, x);
		}
		tt_under(&t, &u);
	}
	tt_print(b, &t);
}

static void text_exhibits(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char lb[2 * HALL_STR_BUF + 300], lb2[HALL_STR_BUF + 300], x[64];
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_EXHIBITS));
	if (r->n_exhibits) {
		static const report_label heads[] = {L_EXHIBIT, L_VIEWS, L_TAPS, L_DWELL};
		static const bool right[] = {false, true, true, false};
		ttable t;
		tt_init(&t, lang, heads, right, 4);
		for (size_t i = 0; i < r->n_exhibits; i++) {
			const hall_report_exhibit *e = &r->exhibits[i];
			tt_cell(&t, report__exhibit_label(lb, sizeof lb, e->title, e->id, lang));
			tt_num(&t, e->views);
			tt_num(&t, e->taps);
			report__dwell(&e->dwell, x, sizeof x);
			tt_cell(&t, x);
		}
		tt_print(b, &t);
	}
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_ITEMS));
	size_t n_items = r->n_items < 30 ? r->n_items : 30;
	if (n_items) {
		static const report_label heads[] = {L_EXHIBIT, L_ITEM, L_TAPS, L_VIEWS, L_DWELL};
		static const bool right[] = {false, false, true, true, false};
		ttable t;
		tt_init(&t, lang, heads, right, 5);
		for (size_t i = 0; i < n_items; i++) {
			const hall_report_item *it = &r->items[i];
			tt_cell(&t, report__exhibit_label(lb, sizeof lb, it->exhibit_title, it->exhibit, lang));
			tt_cell(&t, report__with_id(lb2, sizeof lb2, it->title, it->target, lang));
			tt_num(&t, it->taps);
			tt_num(&t, it->views);
			report__dwell(&it->dwell, x, sizeof x);
			tt_cell(&t, x);
		}
		tt_print(b, &t);
	}
}

static void text_rest(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	char lb[2 * HALL_STR_BUF + 300], when[32];
	hall_strbuf_printf(b, "\n== %s (%s / %s)\n", report__label(lang, L_HOURS), report__label(lang, L_SESSIONS),
	                   report__label(lang, L_TAPS));
	for (int h = 0; h < 24; h++)
		if (r->hours_sessions[h] || r->hours_taps[h])
			hall_strbuf_printf(b, "%02d  %6lld %6lld\n", h, (long long)r->hours_sessions[h],
			                   (long long)r->hours_taps[h]);
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_LANGUAGES));
	for (size_t i = 0; i <= HALL_LANG_COUNT; i++)
		if (r->lang_views[i]) {
			put_cell(b, report__lang_name(lang, i), 12, false);
			hall_strbuf_printf(b, " %lld\n", (long long)r->lang_views[i]);
		}
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_MODES));
	for (size_t i = 0; i < r->n_modes; i++) {
		put_cell(b, r->modes[i].name, 20, false);
		hall_strbuf_printf(b, " %lld\n", (long long)r->modes[i].count);
	}
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_POLLS));
	for (size_t i = 0; i < r->n_polls; i++)
		for (size_t j = 0; j < r->polls[i].n_options; j++) {
			const hall_report_option *o = &r->polls[i].options[j];
			put_cell(b, r->polls[i].id, 20, false);
			hall_strbuf_puts(b, " ");
			put_cell(b, report__with_id(lb, sizeof lb, o->title, o->id, lang), 20, false);
			hall_strbuf_printf(b, " %lld\n", (long long)o->votes);
		}
	hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_CONTENT));
	for (size_t i = 0; i < r->n_changes; i++) {
		report__local(r, when, sizeof when, r->changes[i].ts);
		hall_strbuf_printf(b, "%s  v%lld  %s  %s  %s\n", when, (long long)r->changes[i].version,
		                   r->changes[i].action, r->changes[i].target, r->changes[i].user);
	}
	if (r->n_days > 1) {
		hall_strbuf_printf(b, "\n== %s\n", report__label(lang, L_TREND));
		for (size_t i = 0; i < r->n_days; i++)
			hall_strbuf_printf(b, "%s  %s %-6lld %s %lld\n", r->days[i].day, report__label(lang, L_SESSIONS),
			                   (long long)r->days[i].sessions, report__label(lang, L_TAPS),
			                   (long long)r->days[i].taps);
	}
}

void report__write_text(const hall_report *r, hall_lang lang, hall_strbuf *b)
{
	text_head(r, lang, b);
	text_kiosks(r, lang, b);
	text_exhibits(r, lang, b);
	text_rest(r, lang, b);
}
