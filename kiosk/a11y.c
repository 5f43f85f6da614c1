/* a11y.c: accessibility checks computed from a display list (see a11y.h). */
#include "a11y.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hall_a11y_rules_default(hall_a11y_rules *r, int high_contrast, int low_position)
{
	memset(r, 0, sizeof(*r));
	r->min_letter_mm = 12.0;
	r->min_target_mm = 12.0;
	r->min_target_area_mm2 = 150.0;
	r->min_target_px_1080 = 80.0;
	r->min_gap_mm = 2.5;
	r->min_contrast = high_contrast ? 7.0 : 4.5;
	r->check_reach = low_position != 0;
	r->reach_min_mm = 400.0;
	r->reach_max_mm = 1220.0;
	r->check_focus = 1;
	r->check_text_overlap = 1;
	r->min_outline_contrast = 3.0;
	r->min_focus_mm = 1.0;
	r->measure_min = 45;
	r->measure_max = 75;
	r->measure_min_cjk = 20;
	r->measure_max_cjk = 40;
	r->min_margin_mm = 2.5; /* design2: text never runs to the screen's edge */
}

const char *hall_a11y_rule_name(hall_a11y_rule rule)
{
	switch (rule) {
	case HALL_A11Y_LETTER: return "letter";
	case HALL_A11Y_CONTRAST: return "contrast";
	case HALL_A11Y_COLOUR: return "colour";
	case HALL_A11Y_TARGET: return "target";
	case HALL_A11Y_SPACING: return "spacing";
	case HALL_A11Y_REACH: return "reach";
	case HALL_A11Y_OFFSCREEN: return "offscreen";
	case HALL_A11Y_LABEL: return "label";
	case HALL_A11Y_FOCUS: return "focus";
	case HALL_A11Y_ALT: return "alt";
	case HALL_A11Y_OVERLAP: return "overlap";
	case HALL_A11Y_OUTLINE: return "outline";
	case HALL_A11Y_CUT: return "cut";
	case HALL_A11Y_MEASURE: return "measure";
	case HALL_A11Y_MARGIN: return "margin"; /* design2 */
	case HALL_A11Y_ACTION: return "action";
	}
	return "?";
}

static double channel(uint8_t v)
{
	double c = v / 255.0;
	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double hall_a11y_luminance(hall_rgba c)
{
	return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
}

double hall_a11y_contrast(hall_rgba a, hall_rgba b)
{
	double la = hall_a11y_luminance(a), lb = hall_a11y_luminance(b);
	double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
	return (hi + 0.05) / (lo + 0.05);
}

/* Hue in degrees (0..360), saturation and value of an sRGB colour. */
static void hsv(hall_rgba c, double *h, double *s, double *v)
{
	double r = c.r / 255.0, g = c.g / 255.0, b = c.b / 255.0;
	double mx = fmax(r, fmax(g, b)), mn = fmin(r, fmin(g, b)), d = mx - mn;
	*v = mx;
	*s = mx > 0 ? d / mx : 0;
	if (d <= 0) {
		*h = 0;
		return;
	}
	double hh;
	if (mx == r)
		hh = fmod((g - b) / d, 6.0);
	else if (mx == g)
		hh = (b - r) / d + 2.0;
	else
		hh = (r - g) / d + 4.0;
	hh *= 60.0;
	if (hh < 0)
		hh += 360.0;
	*h = hh;
}

typedef enum { HUE_NONE, HUE_RED, HUE_GREEN, HUE_YELLOW, HUE_BLUE } hue_class;

/* A colour counts as a hue when it is saturated and bright enough to read as one. */
static hue_class classify(hall_rgba c)
{
	double h, s, v;
	hsv(c, &h, &s, &v);
	if (s < 0.35 || v < 0.25)
		return HUE_NONE;
	if (h >= 340 || h < 20)
		return HUE_RED;
	if (h >= 45 && h < 70)
		return HUE_YELLOW;
	if (h >= 80 && h < 165)
		return HUE_GREEN;
	if (h >= 195 && h < 260)
		return HUE_BLUE;
	return HUE_NONE;
}

int hall_a11y_forbidden_pair(hall_rgba fg, hall_rgba bg)
{
	hue_class a = classify(fg), b = classify(bg);
	return (a == HUE_RED && b == HUE_GREEN) || (a == HUE_GREEN && b == HUE_RED) ||
	       (a == HUE_YELLOW && b == HUE_BLUE) || (a == HUE_BLUE && b == HUE_YELLOW);
}

double hall_a11y_letter_ratio(const char *utf8)
{
	if (!utf8)
		return HALL_UI_LATIN_LETTER_RATIO;
	const unsigned char *u = (const unsigned char *)utf8;
	int cjk = 0;
	for (size_t i = 0; u[i];) {
		unsigned c = u[i];
		if (c < 0x80) {
			if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
				return HALL_UI_LATIN_LETTER_RATIO;
			i++;
			continue;
		}
		size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
		unsigned cp = n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
		for (size_t k = 1; k < n && u[i + k]; k++)
			cp = (cp << 6) | (u[i + k] & 0x3Fu);
		if ((cp >= 0x3040 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF))
			cjk = 1;
		else if (cp >= 0x00C0 && cp < 0x2000)
			return HALL_UI_LATIN_LETTER_RATIO; /* accented Latin, Greek, Cyrillic */
		for (size_t k = 0; k < n && u[i]; k++)
			i++;
	}
	return cjk ? HALL_UI_CJK_LETTER_RATIO : HALL_UI_LATIN_LETTER_RATIO;
}

double hall_a11y_letter_mm(const char *utf8, int font_px, double px_per_mm)
{
	return px_per_mm > 0 ? hall_a11y_letter_ratio(utf8) * font_px / px_per_mm : 0.0;
}

static double ppmm_x(const hall_ui_screen *s)
{
	return s->width_mm > 0 ? s->width_px / s->width_mm : 1.0;
}

static double ppmm_y(const hall_ui_screen *s)
{
	return s->height_mm > 0 ? s->height_px / s->height_mm : 1.0;
}

double hall_a11y_floor_mm(const hall_ui_screen *s, int y)
{
	return s->bottom_mm + (s->height_px - y) / ppmm_y(s);
}

typedef struct checker {
	const hall_ui_screen *screen;
	const hall_a11y_rules *rules;
	hall_a11y_report_fn report;
	void *user;
	size_t count;
} checker;

static void problem(checker *c, hall_a11y_rule rule, size_t item, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(checker *c, hall_a11y_rule rule, size_t item, const char *fmt, ...)
{
	hall_a11y_problem p;
	p.rule = rule;
	p.item = item;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p.msg, sizeof(p.msg), fmt, ap);
	va_end(ap);
	c->count++;
	if (c->report)
		c->report(c->user, &p);
}

static int onscreen(const hall_ui_screen *s, hall_rect r)
{
	return r.x >= 0 && r.y >= 0 && r.x + r.w <= s->width_px && r.y + r.h <= s->height_px;
}

static int overlaps(hall_rect a, hall_rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int contains(hall_rect outer, hall_rect in)
{
	return in.x >= outer.x && in.y >= outer.y && in.x + in.w <= outer.x + outer.w &&
	       in.y + in.h <= outer.y + outer.h;
}

static void check_reach(checker *c, size_t i, const hall_dl_item *it, const char *what)
{
	double top = hall_a11y_floor_mm(c->screen, it->rect.y);
	double bottom = hall_a11y_floor_mm(c->screen, it->rect.y + it->rect.h);
	/* The screen's low band (config screen.low_top_mm) when it is lower than the rule's. */
	double max = hall_ui_low_top_mm(c->screen);
	if (max > c->rules->reach_max_mm)
		max = c->rules->reach_max_mm;
	if (top > max + 0.5 || bottom < c->rules->reach_min_mm - 0.5)
		problem(c, HALL_A11Y_REACH, i, "%s \"%.40s\" spans %.0f..%.0f mm above the floor, outside %.0f..%.0f mm",
		        what, it->kind == HALL_DL_TEXT ? it->text : it->id, bottom, top, c->rules->reach_min_mm, max);
}

static void check_text(checker *c, size_t i, const hall_dl_item *it)
{
	const hall_a11y_rules *r = c->rules;
	if (!it->text || !it->text[0])
		return;
	double ppmm = fmin(ppmm_x(c->screen), ppmm_y(c->screen));
	double mm = hall_a11y_letter_mm(it->text, it->font_px, ppmm);
	if (mm + 1e-9 < r->min_letter_mm)
		problem(c, HALL_A11Y_LETTER, i, "text \"%.40s\": letters %.1f mm tall (font %d px), need %.1f mm", it->text,
		        mm, it->font_px, r->min_letter_mm);
	double cr = hall_a11y_contrast(it->color, it->bg);
	if (cr + 1e-9 < r->min_contrast)
		problem(c, HALL_A11Y_CONTRAST, i, "text \"%.40s\": contrast %.2f:1, need %.1f:1", it->text, cr,
		        r->min_contrast);
	if (hall_a11y_forbidden_pair(it->color, it->bg))
		problem(c, HALL_A11Y_COLOUR, i, "text \"%.40s\": forbidden colour pair (red/green or yellow/blue)",
		        it->text);
	if (!onscreen(c->screen, it->rect))
		problem(c, HALL_A11Y_OFFSCREEN, i, "text \"%.40s\" at %d,%d %dx%d leaves the screen", it->text, it->rect.x,
		        it->rect.y, it->rect.w, it->rect.h);
	else if (r->min_margin_mm > 0) { /* design2: the layout grid's margin at the sides */
		double m = r->min_margin_mm * ppmm_x(c->screen);
		if (it->rect.x + 1e-9 < m || it->rect.x + it->rect.w > c->screen->width_px - m + 1e-9)
			problem(c, HALL_A11Y_MARGIN, i, "text \"%.40s\" at x %d..%d leaves less than %.1f mm to the screen's "
			        "side", it->text, it->rect.x, it->rect.x + it->rect.w, r->min_margin_mm);
	}
	if (r->check_reach)
		check_reach(c, i, it, "text");
}

/* Text cut with "…" loses what follows, unless it sits on a button that shows the whole
 * text (the info banner opens the notice) and whose label says it all. */
static void check_cut(checker *c, const hall_dl *dl, size_t i, const hall_dl_item *it)
{
	size_t len = strlen(it->text);
	if (it->ellipsis_intended || len < 3 || strcmp(it->text + len - 3, "\xE2\x80\xA6") != 0)
		return;
	char shown[256];
	snprintf(shown, sizeof(shown), "%.*s", (int)(len - 3 < 255 ? len - 3 : 255), it->text);
	for (size_t k = i + 1; k < hall_dl_count(dl); k++) {
		const hall_dl_item *h = hall_dl_at(dl, k);
		if (h->kind == HALL_DL_HIT && h->role == HALL_ROLE_BUTTON && contains(h->rect, it->rect) && h->label &&
		    strstr(h->label, shown))
			return;
	}
	problem(c, HALL_A11Y_CUT, i, "text \"%.40s\" is cut with an ellipsis: the rest cannot be read", it->text);
}

/* Width of a line in character units: a full-width (Hangul, Han, kana) character counts
 * two, anything else one; *wide counts the full-width ones. */
static int line_units(const char *utf8, int *wide)
{
	const unsigned char *u = (const unsigned char *)utf8;
	int units = 0;
	for (size_t i = 0; u[i];) {
		unsigned c = u[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
		unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
		for (size_t k = 1; k < n && u[i + k]; k++)
			cp = (cp << 6) | (u[i + k] & 0x3Fu);
		int is_wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
		           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60);
		units += is_wide ? 2 : 1;
		*wide += is_wide;
		for (size_t k = 0; k < n && u[i]; k++)
			i++;
	}
	return units;
}

/* Paragraphs of body text (regular weight, three lines or more: consecutive TEXT items at
 * the same x and size, each one line below the last): their longest line is the column's
 * width in characters, which must lie within the measure. */
static void check_measure(checker *c, const hall_dl *dl)
{
	size_t n = hall_dl_count(dl);
	for (size_t i = 0; i < n;) {
		const hall_dl_item *a = hall_dl_at(dl, i);
		if (a->kind != HALL_DL_TEXT || a->bold || !a->text[0]) {
			i++;
			continue;
		}
		size_t j = i + 1;
		int wide = 0, units = 0;
		int widest = line_units(a->text, &wide);
		units = widest;
		const hall_dl_item *prev = a;
		while (j < n) {
			const hall_dl_item *b = hall_dl_at(dl, j);
			if (b->kind != HALL_DL_TEXT || b->bold || b->rect.x != a->rect.x || b->font_px != a->font_px ||
			    b->rect.y <= prev->rect.y || b->rect.y - prev->rect.y > 2 * a->font_px)
				break;
			int u = line_units(b->text, &wide);
			units += u;
			widest = u > widest ? u : widest;
			prev = b;
			j++;
		}
		/* Mostly full-width: counted in full-width characters against the CJK limits. */
		int cjk = 4 * wide > units;
		int chars = cjk ? (widest + 1) / 2 : widest;
		int lo = cjk ? c->rules->measure_min_cjk : c->rules->measure_min;
		int hi = cjk ? c->rules->measure_max_cjk : c->rules->measure_max;
		if (c->rules->measure_min == 0)
			lo = 0;
		if (j - i >= 3 && (chars > hi || chars < lo))
			problem(c, HALL_A11Y_MEASURE, i, "paragraph \"%.30s\" runs in a column of %d %scharacters, need %d to %d",
			        a->text, chars, cjk ? "full-width " : "", lo, hi);
		i = j;
	}
}

static void check_hit(checker *c, size_t i, const hall_dl_item *it)
{
	const hall_a11y_rules *r = c->rules;
	double px_x = ppmm_x(c->screen), px_y = ppmm_y(c->screen);
	double w_mm = it->rect.w / px_x, h_mm = it->rect.h / px_y;
	int shorter = c->screen->width_px < c->screen->height_px ? c->screen->width_px : c->screen->height_px;
	double min_px = r->min_target_px_1080 * shorter / 1080.0;
	if (w_mm + 1e-9 < r->min_target_mm || h_mm + 1e-9 < r->min_target_mm)
		problem(c, HALL_A11Y_TARGET, i, "target \"%s\" is %.1f x %.1f mm, need %.1f mm a side", it->id, w_mm, h_mm,
		        r->min_target_mm);
	if (w_mm * h_mm + 1e-9 < r->min_target_area_mm2)
		problem(c, HALL_A11Y_TARGET, i, "target \"%s\" is %.0f mm^2, need %.0f", it->id, w_mm * h_mm,
		        r->min_target_area_mm2);
	if (it->rect.w + 1e-9 < min_px || it->rect.h + 1e-9 < min_px)
		problem(c, HALL_A11Y_TARGET, i, "target \"%s\" is %d x %d px, need %.0f px a side", it->id, it->rect.w,
		        it->rect.h, min_px);
	if (!it->id || !it->id[0] || !it->label || !it->label[0])
		problem(c, HALL_A11Y_LABEL, i, "target at %d,%d has no id or no label", it->rect.x, it->rect.y);
	if (!onscreen(c->screen, it->rect))
		problem(c, HALL_A11Y_OFFSCREEN, i, "target \"%s\" leaves the screen", it->id);
	/* What a control does is its typed action: one without is a button that does
	 * nothing. A region may only describe (a picture, a chart). */
	if (it->role != HALL_ROLE_REGION && it->act.kind == HALL_ACT_NONE)
		problem(c, HALL_A11Y_ACTION, i, "control \"%s\" (%s) has no action: it would do nothing", it->id ? it->id : "",
		        it->label ? it->label : "");
	/* A region that only describes a picture operates nothing: above the reach band
	 * pictures are allowed (issue #12 Build 8: "above it, only pictures"). */
	if (r->check_reach && !(it->role == HALL_ROLE_REGION && it->act.kind == HALL_ACT_NONE))
		check_reach(c, i, it, "target");
}

static int same_rect(hall_rect a, hall_rect b)
{
	return a.x == b.x && a.y == b.y && a.w == b.w && a.h == b.h;
}

/* Non-text contrast of the control HIT i: its body is the last opaque-or-bordered BOX
 * drawn before it with the same rect, its surroundings the last opaque BOX drawn before
 * that body which holds it. The edge is seen when the border or the fill reaches the bar
 * against the surroundings. Regions (pictures, charts, the map) have no edge to see. */
static void check_outline(checker *c, const hall_dl *dl, size_t i, const hall_dl_item *hit)
{
	if (hit->role == HALL_ROLE_REGION || c->rules->min_outline_contrast <= 0)
		return;
	size_t body = i;
	for (size_t k = i; k-- > 0;) {
		const hall_dl_item *b = hall_dl_at(dl, k);
		if (b->kind == HALL_DL_BOX && same_rect(b->rect, hit->rect) && (b->color.a > 0 || b->border.a > 0)) {
			body = k;
			break;
		}
	}
	if (body == i)
		return;
	const hall_dl_item *b = hall_dl_at(dl, body);
	for (size_t k = body; k-- > 0;) {
		const hall_dl_item *s = hall_dl_at(dl, k);
		if (s->kind != HALL_DL_BOX || s->color.a != 255 || !contains(s->rect, b->rect) || same_rect(s->rect, b->rect))
			continue;
		double fill = b->color.a == 255 ? hall_a11y_contrast(b->color, s->color) : 1.0;
		double edge = b->border.a > 0 && b->border_px > 0 ? hall_a11y_contrast(b->border, s->color) : 1.0;
		double best = fill > edge ? fill : edge;
		if (best + 1e-9 < c->rules->min_outline_contrast)
			problem(c, HALL_A11Y_OUTLINE, i, "control \"%s\": edge %.2f:1 against its surroundings, need %.1f:1",
			        hit->id, best, c->rules->min_outline_contrast);
		return;
	}
}

/* The focused control i must show it (issue 12: a low-vision visitor follows the keypad
 * by the ring, dialogs included): a ring drawn after it (a box with a border and no
 * fill around its rect) with a band at least min_focus_mm thick that reaches
 * min_outline_contrast against what surrounds the ring (the last opaque box drawn
 * before the rings that holds it), or against the control's own fill (a ring drawn
 * tight inside it). */
static void check_focus_ring(checker *c, const hall_dl *dl, size_t i, const hall_dl_item *hit)
{
	const hall_a11y_rules *r = c->rules;
	double ppmm = ppmm_x(c->screen) < ppmm_y(c->screen) ? ppmm_x(c->screen) : ppmm_y(c->screen);
	size_t n = hall_dl_count(dl), first = n;
	double best = 0, best_mm = 0;
	int rings = 0;
	for (size_t k = i + 1; k < n; k++) {
		const hall_dl_item *b = hall_dl_at(dl, k);
		if (b->kind != HALL_DL_BOX || b->color.a != 0 || b->border.a == 0 || b->border_px <= 0 ||
		    !contains(b->rect, hit->rect))
			continue;
		if (first == n)
			first = k;
		rings++;
		double mm = b->border_px / ppmm;
		if (mm + 1e-9 < r->min_focus_mm)
			continue;
		for (size_t q = first; q-- > 0;) {
			const hall_dl_item *s = hall_dl_at(dl, q);
			if (s->kind != HALL_DL_BOX || s->color.a != 255 || !contains(s->rect, b->rect))
				continue;
			double cr = hall_a11y_contrast(b->border, s->color);
			if (cr > best) {
				best = cr;
				best_mm = mm;
			}
			break;
		}
	}
	if (!rings)
		problem(c, HALL_A11Y_FOCUS, i, "focused control \"%s\" shows no focus ring", hit->id);
	else if (best + 1e-9 < r->min_outline_contrast)
		problem(c, HALL_A11Y_FOCUS, i,
		        "focused control \"%s\": no ring band of %.1f mm or more reaches %.1f:1 against its "
		        "surroundings (best %.2f:1, %.1f mm)",
		        hit->id, r->min_focus_mm, r->min_outline_contrast, best, best_mm);
}

typedef struct hit_ref {
	size_t index;
	const hall_dl_item *it;
} hit_ref;

static int by_focus(const void *a, const void *b)
{
	const hit_ref *x = a, *y = b;
	return (x->it->focus_order > y->it->focus_order) - (x->it->focus_order < y->it->focus_order);
}

size_t hall_a11y_check(const hall_dl *dl, const hall_ui_screen *screen, const hall_a11y_rules *rules,
                       hall_a11y_report_fn report, void *user)
{
	checker c = {screen, rules, report, user, 0};
	size_t n = hall_dl_count(dl);
	hit_ref *hits = calloc(n ? n : 1, sizeof(*hits));
	size_t nh = 0;
	if (!hits) {
		problem(&c, HALL_A11Y_LABEL, 0, "out of memory while checking");
		return c.count;
	}
	for (size_t i = 0; i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		switch (it->kind) {
		case HALL_DL_TEXT:
			check_text(&c, i, it);
			if (rules->check_cut)
				check_cut(&c, dl, i, it);
			break;
		case HALL_DL_HIT:
			check_hit(&c, i, it);
			check_outline(&c, dl, i, it);
			hits[nh++] = (hit_ref){i, it};
			break;
		case HALL_DL_BOX:
		case HALL_DL_IMAGE:
		case HALL_DL_LINE:
		case HALL_DL_POLYGON:
			break;
		}
	}

	if (rules->check_measure)
		check_measure(&c, dl);

	/* Spacing and unique ids between every pair of targets. */
	double gap_x = rules->min_gap_mm * (screen->width_mm > 0 ? screen->width_px / screen->width_mm : 1.0);
	double gap_y = rules->min_gap_mm * (screen->height_mm > 0 ? screen->height_px / screen->height_mm : 1.0);
	for (size_t a = 0; a < nh; a++) {
		for (size_t b = a + 1; b < nh; b++) {
			hall_rect ra = hits[a].it->rect, rb = hits[b].it->rect;
			if (strcmp(hits[a].it->id, hits[b].it->id) == 0)
				problem(&c, HALL_A11Y_LABEL, hits[b].index, "target id \"%s\" appears twice", hits[b].it->id);
			int dx = rb.x >= ra.x + ra.w ? rb.x - (ra.x + ra.w) : ra.x >= rb.x + rb.w ? ra.x - (rb.x + rb.w) : -1;
			int dy = rb.y >= ra.y + ra.h ? rb.y - (ra.y + ra.h) : ra.y >= rb.y + rb.h ? ra.y - (rb.y + rb.h) : -1;
			if (dx + 1e-9 >= gap_x || dy + 1e-9 >= gap_y)
				continue;
			if (dx < 0 && dy < 0)
				problem(&c, HALL_A11Y_SPACING, hits[b].index, "targets \"%s\" and \"%s\" overlap", hits[a].it->id,
				        hits[b].it->id);
			else
				problem(&c, HALL_A11Y_SPACING, hits[b].index, "targets \"%s\" and \"%s\" are %.1f mm apart, need %.1f",
				        hits[a].it->id, hits[b].it->id,
				        (dx > dy ? dx : dy) / (dx > dy ? gap_x : gap_y) * rules->min_gap_mm, rules->min_gap_mm);
		}
	}

	/* Focus order: 1..n without gaps or duplicates, and a reading order: the next
	 * control is never wholly above the previous one unless it starts a new column to
	 * the right. */
	if (rules->check_focus && nh > 0) {
		qsort(hits, nh, sizeof(*hits), by_focus);
		int focused = 0;
		for (size_t k = 0; k < nh; k++) {
			if (hits[k].it->focus_order != (int)k + 1) {
				problem(&c, HALL_A11Y_FOCUS, hits[k].index, "target \"%s\" has focus order %d, expected %zu",
				        hits[k].it->id, hits[k].it->focus_order, k + 1);
				break;
			}
			if (hits[k].it->focused) {
				focused++;
				check_focus_ring(&c, dl, hits[k].index, hits[k].it);
			}
			if (k > 0) {
				hall_rect p = hits[k - 1].it->rect, q = hits[k].it->rect;
				if (q.y + q.h <= p.y && q.x < p.x + p.w)
					problem(&c, HALL_A11Y_FOCUS, hits[k].index,
					        "focus goes up from \"%s\" to \"%s\" against the reading order", hits[k - 1].it->id,
					        hits[k].it->id);
			}
		}
		if (focused > 1)
			problem(&c, HALL_A11Y_FOCUS, 0, "%d targets are marked focused", focused);
	}

	/* Images and polygons need a labelled HIT around them (their spoken description). */
	for (size_t i = 0; i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind != HALL_DL_IMAGE && it->kind != HALL_DL_POLYGON)
			continue;
		hall_rect r = it->rect;
		if (it->kind == HALL_DL_POLYGON && it->npoints > 0 && it->points) {
			int x0 = it->points[0], y0 = it->points[1], x1 = x0, y1 = y0;
			for (int k = 1; k < it->npoints; k++) {
				int x = it->points[2 * k], y = it->points[2 * k + 1];
				x0 = x < x0 ? x : x0;
				y0 = y < y0 ? y : y0;
				x1 = x > x1 ? x : x1;
				y1 = y > y1 ? y : y1;
			}
			r = (hall_rect){x0, y0, x1 - x0, y1 - y0};
		}
		int ok = 0;
		for (size_t k = 0; k < n && !ok; k++) {
			const hall_dl_item *h = hall_dl_at(dl, k);
			if (h->kind == HALL_DL_HIT && h->label && h->label[0]) {
				hall_rect hr = h->rect;
				/* A polygon of a zoomed map may reach past its region: the visible
				 * part must lie in it, so clip to the region's rows and columns. */
				hall_rect clip = r;
				if (it->kind == HALL_DL_POLYGON && overlaps(hr, r)) {
					int cx0 = clip.x > hr.x ? clip.x : hr.x, cy0 = clip.y > hr.y ? clip.y : hr.y;
					int cx1 = clip.x + clip.w < hr.x + hr.w ? clip.x + clip.w : hr.x + hr.w;
					int cy1 = clip.y + clip.h < hr.y + hr.h ? clip.y + clip.h : hr.y + hr.h;
					clip = (hall_rect){cx0, cy0, cx1 - cx0, cy1 - cy0};
				}
				ok = contains(hr, clip);
			}
		}
		if (!ok)
			problem(&c, HALL_A11Y_ALT, i, "%s at %d,%d %dx%d has no labelled target describing it",
			        it->kind == HALL_DL_IMAGE ? "image" : "polygon", r.x, r.y, r.w, r.h);
	}

	if (rules->check_text_overlap) {
		for (size_t a = 0; a < n; a++) {
			const hall_dl_item *x = hall_dl_at(dl, a);
			if (x->kind != HALL_DL_TEXT || !x->text[0])
				continue;
			for (size_t b = a + 1; b < n; b++) {
				const hall_dl_item *y = hall_dl_at(dl, b);
				if (y->kind == HALL_DL_TEXT && y->text[0] && overlaps(x->rect, y->rect))
					problem(&c, HALL_A11Y_OVERLAP, b, "text \"%.30s\" overlaps \"%.30s\"", y->text, x->text);
			}
		}
	}
	free(hits);
	return c.count;
}
