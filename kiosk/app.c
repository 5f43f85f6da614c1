/* app.c: the kiosk's UI state machine (see app.h).
 *
 * States: the attract loop (no visitor; slides advance by themselves, with pause) and a
 * visitor session (home, exhibits; nothing moves by itself). Dialogs (language,
 * accessibility, more time, staff called, staff PIN) sit over the current screen. A
 * frame is built from the state alone (build_frame); input is hit-tested against a
 * frame built the same way, so what a visitor touches is what the tests check.
 *
 * Sessions: the first touch starts one. After idle_timeout_s without input the visitor
 * is asked "more time?" with the remaining time shown and spoken; after more_time_s more
 * the session ends: language, modes and inputs reset, back to the attract loop. */
#include "app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "a11y.h"
#include "exhibits/exhibits.h"
#include "hall/clock.h"
#include "hall/log.h"
#include "ui.h"

#define ATTRACT_SLIDE_MS 8000
#define MAX_POLL_RESULTS 32
#define PIN_MAX_FAILS 5
#define PIN_LOCK_MS 60000
#define STAFF_CORNER_MM 40.0
#define MAX_SHOW 32 /* a schedule playlist names at most 32 exhibits; content holds at most 32 */

typedef enum screen_kind { SCR_ATTRACT, SCR_HOME, SCR_EXHIBIT } screen_kind;
typedef enum dialog_kind {
	DLG_NONE,
	DLG_LANGUAGE,
	DLG_ACCESS,
	DLG_MORE_TIME,
	DLG_STAFF_CALLED,
	DLG_STAFF_PIN,
	DLG_NOTICE
} dialog_kind;

typedef struct poll_result {
	char poll[HALL_ID_MAX + 1];
	size_t n;
	char ids[6][HALL_ID_MAX + 1];
	int64_t votes[6];
	int64_t total;
	int used;
} poll_result;

typedef struct local_count {
	char poll[HALL_ID_MAX + 1];
	char ids[6][HALL_ID_MAX + 1];
	int64_t votes[6];
	int used;
} local_count;

struct hall_app {
	hall_app_callbacks cb;
	hall_ui_screen screen;
	char kiosk_id[HALL_ID_MAX + 1];
	char tz[64];
	char pin[17];
	int64_t idle_ms, more_ms;
	int max_ext;
	int voice_available;
	int volume_default, rate_default;

	hall_content *content;
	char pack_dir[1024];
	unsigned char *asset_ok;
	hall_exhibit_state *ex_state;

	screen_kind scr;
	dialog_kind dlg;
	int exhibit;
	int home_page, dialog_page, attract_page;
	hall_lang lang, default_lang;
	unsigned modes;

	int in_session;
	uint32_t session_no;
	int64_t session_start, last_input, more_deadline, now;
	int extensions;
	int spoke_ten;

	int attract_slide, attract_paused;
	int64_t attract_next;

	char focus[128];
	int has_focus;

	int view_active;
	char view_exhibit[HALL_ID_MAX + 1];
	char view_target[192];
	int64_t view_since;

	hall_app_speech speech;

	int notice_active;
	hall_app_notice_level notice_level;
	char *notice_text[HALL_LANG_COUNT];
	int64_t notice_until;

	int open;
	int64_t next_open_ms;

	/* What the schedule shows outside a session: `want` is its latest word, `show` what
	 * is in force. They differ only during a session (nothing changes under a visitor).
	 * kind -1: the default (every exhibit, nothing featured). */
	struct show_plan {
		int kind; /* -1 or a hall_show_kind */
		char ids[MAX_SHOW][HALL_ID_MAX + 1];
		size_t n;
	} want, show;
	int feature_turn;     /* which playlist exhibit the attract loop features */
	int64_t feature_next; /* when it moves on (0: start the time at the next tick) */
	int64_t identify_until;

	poll_result results[MAX_POLL_RESULTS];
	local_count local[MAX_POLL_RESULTS];

	char pin_entry[17];
	int pin_msg; /* 0 none, 1 wrong, 2 locked */
	int pin_fails;
	int64_t pin_locked_until;

	hall_dl *scratch;
	/* hall_app_preview_tap: the state saved while a tap is tried */
	struct hall_app *preview_save;
	hall_exhibit_state *preview_ex;
	size_t preview_ex_cap;
	char screen_id[256];
	char heading[512];
};

const char *hall_app_event_type_name(hall_app_event_type t)
{
	switch (t) {
	case HALL_APP_EV_TAP: return "tap";
	case HALL_APP_EV_SESSION_START: return "session_start";
	case HALL_APP_EV_SESSION_END: return "session_end";
	case HALL_APP_EV_VIEW: return "view";
	case HALL_APP_EV_LANGUAGE: return "language";
	case HALL_APP_EV_MODE: return "mode";
	case HALL_APP_EV_VOTE: return "vote";
	case HALL_APP_EV_HELP: return "help";
	}
	return "?";
}

/* ---- small helpers ---- */

static const hall_exhibit *current_exhibit(const hall_app *app)
{
	if (!app->content || app->scr != SCR_EXHIBIT || app->exhibit < 0 ||
	    (size_t)app->exhibit >= app->content->n_exhibits)
		return NULL;
	return &app->content->exhibits[app->exhibit];
}

/* The exhibits of the schedule's exhibit or playlist item in force that the content has,
 * as indexes into the content in the item's order. 0 for the default, an attract item,
 * or an item none of whose exhibits is in the content (then the default applies, as
 * hall_schedule_check_content says). */
static size_t scheduled_exhibits(const hall_app *app, size_t *idx, size_t cap)
{
	const hall_content *c = app->content;
	size_t n = 0;
	if (!c || (app->show.kind != HALL_SHOW_EXHIBIT && app->show.kind != HALL_SHOW_PLAYLIST))
		return 0;
	for (size_t k = 0; k < app->show.n && n < cap; k++)
		for (size_t i = 0; i < c->n_exhibits; i++)
			if (c->exhibits[i].id && strcmp(c->exhibits[i].id, app->show.ids[k]) == 0) {
				idx[n++] = i;
				break;
			}
	return n;
}

/* The exhibits home lists: the scheduled ones, else every exhibit. Returns n. */
static size_t shown_exhibits(const hall_app *app, size_t *idx, size_t cap)
{
	size_t n = scheduled_exhibits(app, idx, cap);
	if (n > 0 || !app->content)
		return n;
	for (size_t i = 0; i < app->content->n_exhibits && n < cap; i++)
		idx[n++] = i;
	return n;
}

/* The exhibit the attract loop features (index into the content), or -1: the one of an
 * exhibit item, or a playlist's exhibits in turn. */
static int featured_exhibit(const hall_app *app)
{
	size_t idx[MAX_SHOW];
	size_t n = scheduled_exhibits(app, idx, MAX_SHOW);
	return n > 0 ? (int)idx[(size_t)app->feature_turn % n] : -1;
}

static void apply_show(hall_app *app)
{
	if (memcmp(&app->show, &app->want, sizeof(app->show)) == 0)
		return;
	app->show = app->want;
	app->feature_turn = 0;
	app->feature_next = 0;
	app->home_page = app->attract_page = 0;
}

static void emit(hall_app *app, hall_app_event_type type, const char *exhibit, const char *target, int64_t dwell,
                 const char *poll)
{
	if (!app->cb.emit)
		return;
	hall_app_event ev = {type, exhibit ? exhibit : "", target ? target : "", app->in_session ? app->session_no : 0,
	                     app->lang, dwell, poll ? poll : ""};
	app->cb.emit(app->cb.ctx, &ev);
}

static void speak(hall_app *app, const char *text)
{
	if (!(app->modes & HALL_APP_MODE_VOICE) || !app->cb.speak || !text || !text[0])
		return;
	app->cb.speak(app->cb.ctx, text, app->lang);
}

static void sound(hall_app *app, hall_app_sound s)
{
	if (app->cb.sound)
		app->cb.sound(app->cb.ctx, s);
}

static void speech_changed(hall_app *app)
{
	app->speech.enabled = (app->modes & HALL_APP_MODE_VOICE) != 0;
	if (app->cb.speech)
		app->cb.speech(app->cb.ctx, &app->speech);
}

static void tally_for(const hall_app *app, const hall_exhibit *ex, hall_poll_tally *t)
{
	memset(t, 0, sizeof(*t));
	if (!ex || ex->kind != HALL_EXHIBIT_POLL || !ex->u.poll.id)
		return;
	const hall_poll *p = &ex->u.poll;
	size_t n = p->n_options < 6 ? p->n_options : 6;
	for (int i = 0; i < MAX_POLL_RESULTS; i++) {
		const poll_result *r = &app->results[i];
		if (!r->used || strcmp(r->poll, p->id) != 0)
			continue;
		t->live = 1;
		t->total = r->total;
		for (size_t k = 0; k < n; k++)
			for (size_t j = 0; j < r->n; j++)
				if (p->options[k].id && strcmp(r->ids[j], p->options[k].id) == 0)
					t->votes[k] = r->votes[j];
		return;
	}
	for (int i = 0; i < MAX_POLL_RESULTS; i++) {
		const local_count *l = &app->local[i];
		if (!l->used || strcmp(l->poll, p->id) != 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			for (size_t j = 0; j < 6; j++)
				if (p->options[k].id && strcmp(l->ids[j], p->options[k].id) == 0)
					t->votes[k] = l->votes[j];
			t->total += t->votes[k];
		}
		return;
	}
}

static void count_local_vote(hall_app *app, const hall_poll *p, int option)
{
	local_count *slot = NULL;
	for (int i = 0; i < MAX_POLL_RESULTS && !slot; i++)
		if (app->local[i].used && strcmp(app->local[i].poll, p->id) == 0)
			slot = &app->local[i];
	for (int i = 0; i < MAX_POLL_RESULTS && !slot; i++) {
		if (!app->local[i].used) {
			slot = &app->local[i];
			memset(slot, 0, sizeof(*slot));
			slot->used = 1;
			snprintf(slot->poll, sizeof(slot->poll), "%s", p->id);
		}
	}
	if (!slot) {
		hall_warn("app: no room to count votes of poll %s on this kiosk", p->id);
		return;
	}
	const char *oid = p->options[option].id ? p->options[option].id : "";
	for (int j = 0; j < 6; j++) {
		if (strcmp(slot->ids[j], oid) == 0 && slot->ids[j][0]) {
			slot->votes[j]++;
			return;
		}
	}
	for (int j = 0; j < 6; j++) {
		if (!slot->ids[j][0]) {
			snprintf(slot->ids[j], sizeof(slot->ids[j]), "%s", oid);
			slot->votes[j] = 1;
			return;
		}
	}
}

static void exhibit_ctx(hall_app *app, hall_ui *ui, hall_rect area, const hall_exhibit *ex, hall_poll_tally *tally,
                        hall_exhibit_ctx *c)
{
	tally_for(app, ex, tally);
	c->ui = ui;
	c->content = app->content;
	c->pack_dir = app->pack_dir;
	c->ex = ex;
	c->area = area;
	c->tally = tally;
	c->asset_ok = app->asset_ok;
}

/* ---- frame ---- */

typedef struct frame {
	hall_ui ui;
	hall_rect content;   /* where the current screen draws */
	hall_rect exhibit_area;
	int exhibit_drawn;
	hall_ui_theme dim; /* the closed screen's colours (ui.th points here then) */
} frame;

static int is_closed(const hall_app *app)
{
	return !app->open;
}

static int urgent_notice(const hall_app *app)
{
	return app->notice_active && app->notice_level == HALL_APP_NOTICE_URGENT;
}

static const char *notice_string(const hall_app *app, hall_lang *shown)
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

static void build_dialog_language(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	hall_ui_button_spec b[HALL_LANG_COUNT + 1];
	char ids[HALL_LANG_COUNT][32];
	size_t n = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		hall_lang l = (hall_lang)i;
		if (app->content && !hall_content_has_language(app->content, l))
			continue;
		snprintf(ids[n], sizeof(ids[n]), "lang-%s", hall_lang_code(l));
		b[n] = (hall_ui_button_spec){ids[n], hall_lang_native_name(l), l, NULL, HALL_ROLE_OPTION,
		                             l == app->lang ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
		n++;
	}
	hall_ui_button_spec close = {"dialog-close", hall_ui_string(HALL_STR_CLOSE, ui->lang), ui->lang, NULL,
	                             HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	rows_ctx rc = {hall_ui_string(HALL_STR_CHOOSE_LANGUAGE, ui->lang), NULL, 0, b, n, &close, 1};
	hall_ui_paged(ui, fr->content, &app->dialog_page, rows_flow, &rc);
}

static void mode_label(const hall_ui *ui, char *buf, size_t len, hall_ui_str name, int on)
{
	snprintf(buf, len, "%s%s: %s", on ? "✓ " : "", hall_ui_string(name, ui->lang),
	         hall_ui_string(on ? HALL_STR_ON : HALL_STR_OFF, ui->lang));
}

/* The four mode toggles as button specs (labels in bufs). */
static size_t mode_buttons(const hall_app *app, const hall_ui *ui, hall_ui_button_spec *b, char bufs[4][160])
{
	static const struct {
		const char *id;
		hall_ui_str name;
		unsigned bit;
	} modes[] = {{"mode-large-text", HALL_STR_LARGE_TEXT, HALL_APP_MODE_LARGE_TEXT},
	             {"mode-high-contrast", HALL_STR_HIGH_CONTRAST, HALL_APP_MODE_HIGH_CONTRAST},
	             {"mode-low-position", HALL_STR_LOW_POSITION, HALL_APP_MODE_LOW_POSITION},
	             {"mode-voice", HALL_STR_VOICE, HALL_APP_MODE_VOICE}};
	size_t n = 0;
	for (size_t i = 0; i < 4; i++) {
		if (modes[i].bit == HALL_APP_MODE_VOICE && !app->voice_available)
			continue;
		int on = (app->modes & modes[i].bit) != 0;
		mode_label(ui, bufs[n], sizeof(bufs[n]), modes[i].name, on);
		b[n] = (hall_ui_button_spec){modes[i].id, bufs[n], ui->lang, NULL, HALL_ROLE_TOGGLE,
		                             on ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
		n++;
	}
	return n;
}

static void build_dialog_access(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	hall_ui_button_spec b[4];
	char bufs[4][160];
	size_t n = mode_buttons(app, ui, b, bufs);
	hall_ui_button_spec v[7];
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
		v[nv++] = (hall_ui_button_spec){"volume-down", hall_ui_string(HALL_STR_VOLUME_DOWN, ui->lang), ui->lang, NULL,
		                                HALL_ROLE_BUTTON, HALL_UI_BUTTON};
		v[nv++] = (hall_ui_button_spec){"volume-up", hall_ui_string(HALL_STR_VOLUME_UP, ui->lang), ui->lang, NULL,
		                                HALL_ROLE_BUTTON, HALL_UI_BUTTON};
		v[nv++] = (hall_ui_button_spec){"rate-down", hall_ui_string(HALL_STR_RATE_DOWN, ui->lang), ui->lang, NULL,
		                                HALL_ROLE_BUTTON, HALL_UI_BUTTON};
		v[nv++] = (hall_ui_button_spec){"rate-up", hall_ui_string(HALL_STR_RATE_UP, ui->lang), ui->lang, NULL,
		                                HALL_ROLE_BUTTON, HALL_UI_BUTTON};
		v[nv++] = (hall_ui_button_spec){"speech-pause",
		                                hall_ui_string(app->speech.paused ? HALL_STR_PLAY : HALL_STR_PAUSE, ui->lang),
		                                ui->lang, NULL, HALL_ROLE_TOGGLE, HALL_UI_BUTTON};
		v[nv++] = (hall_ui_button_spec){"speech-replay", hall_ui_string(HALL_STR_REPLAY, ui->lang), ui->lang, NULL,
		                                HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	}
	v[nv++] = (hall_ui_button_spec){"dialog-close", hall_ui_string(HALL_STR_CLOSE, ui->lang), ui->lang, NULL,
	                                HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY};
	rows_ctx rc = {hall_ui_string(HALL_STR_ACCESS_TITLE, ui->lang), lines, nl, b, n, v, nv};
	hall_ui_paged(ui, fr->content, &app->dialog_page, rows_flow, &rc);
}

static int remaining_s(const hall_app *app)
{
	int64_t left = app->more_deadline - app->now;
	if (left < 0)
		left = 0;
	return (int)((left + 999) / 1000);
}

static void build_dialog_more_time(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	char secs[16], left[256];
	snprintf(secs, sizeof(secs), "%d", remaining_s(app));
	hall_ui_fill(left, sizeof(left), hall_ui_string(HALL_STR_MORE_TIME_LEFT, ui->lang), secs, NULL);
	const char *lines[] = {left};
	hall_ui_button_spec b[2];
	size_t n = 0;
	if (app->extensions < app->max_ext)
		b[n++] = (hall_ui_button_spec){"more-time", hall_ui_string(HALL_STR_MORE_TIME, ui->lang), ui->lang, NULL,
		                               HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY};
	b[n++] = (hall_ui_button_spec){"finish", hall_ui_string(HALL_STR_FINISH, ui->lang), ui->lang, NULL,
	                               HALL_ROLE_BUTTON, HALL_UI_BUTTON};
	rows_ctx rc = {hall_ui_string(HALL_STR_MORE_TIME_Q, ui->lang), lines, 1, b, n, NULL, 0};
	hall_ui_paged(ui, fr->content, &app->dialog_page, rows_flow, &rc);
}

static void build_dialog_staff_called(hall_app *app, frame *fr)
{
	hall_ui *ui = &fr->ui;
	hall_ui_button_spec ok = {"dialog-close", hall_ui_string(HALL_STR_OK, ui->lang), ui->lang, NULL,
	                          HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY};
	rows_ctx rc = {hall_ui_string(HALL_STR_STAFF_CALLED, ui->lang), NULL, 0, &ok, 1, NULL, 0};
	hall_ui_paged(ui, fr->content, &app->dialog_page, rows_flow, &rc);
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
		b[n++] = (hall_ui_button_spec){digit_ids[order[i]], digit_text[order[i]], ui->lang, NULL, HALL_ROLE_BUTTON,
		                               HALL_UI_BUTTON};
	hall_ui_button_spec c[3] = {
		{"pin-delete", hall_ui_string(HALL_STR_DELETE, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"pin-cancel", hall_ui_string(HALL_STR_CANCEL, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"pin-ok", hall_ui_string(HALL_STR_OK, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON_PRIMARY},
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
	exhibit_ctx(app, ui, f->area, NULL, &tally, &ec);

	hall_lang l = ui->lang;
	const char *title = app->content ? hall_text_get_lang(&app->content->title, ui->lang, &l) : "";
	if (title && title[0])
		hall_ui_flow_text(f, title, l, 1, ui->th->text, ui->th->bg);

	/* Controls first in size, so the slide image gets what is left. */
	hall_ui_button_spec start = {"start", hall_ui_string(HALL_STR_START, ui->lang), ui->lang,
	                             hall_ui_string(HALL_STR_TOUCH_TO_START, ui->lang), HALL_ROLE_BUTTON,
	                             HALL_UI_BUTTON_PRIMARY};
	hall_ui_button_spec langs[HALL_LANG_COUNT];
	char ids[HALL_LANG_COUNT][32];
	size_t nl = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		hall_lang li = (hall_lang)i;
		if (app->content && !hall_content_has_language(app->content, li))
			continue;
		snprintf(ids[nl], sizeof(ids[nl]), "lang-%s", hall_lang_code(li));
		langs[nl] = (hall_ui_button_spec){ids[nl], hall_lang_native_name(li), li, NULL, HALL_ROLE_OPTION,
		                                  li == app->lang ? HALL_UI_BUTTON_SELECTED : HALL_UI_BUTTON};
		nl++;
	}
	hall_ui_button_spec modes[4];
	char bufs[4][160];
	size_t nm = mode_buttons(app, ui, modes, bufs);
	size_t n_slides = app->content ? app->content->n_attract : 0;
	hall_ui_button_spec slide_b[3] = {
		{"slide-prev", hall_ui_string(HALL_STR_PREV, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"slide-pause", hall_ui_string(app->attract_paused ? HALL_STR_PLAY : HALL_STR_PAUSE, ui->lang), ui->lang,
		 NULL, HALL_ROLE_TOGGLE, HALL_UI_BUTTON},
		{"slide-next", hall_ui_string(HALL_STR_NEXT, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
	};
	/* The exhibit the schedule features (one exhibit, or a playlist's in turn): touching
	 * it opens it straight away. */
	hall_ui_button_spec feat;
	memset(&feat, 0, sizeof(feat));
	char feat_id[96], feat_text[600];
	size_t nf = 0;
	int fi = app->content ? featured_exhibit(app) : -1;
	if (fi >= 0) {
		const hall_exhibit *fe = &app->content->exhibits[fi];
		hall_lang tl;
		const char *t = hall_text_get_lang(&fe->title, ui->lang, &tl);
		snprintf(feat_id, sizeof(feat_id), "exhibit-%s", fe->id ? fe->id : "?");
		/* The label in the title's language: "Now showing" in another script would be
		 * drawn in the wrong face only for the title part, so both follow the title. */
		snprintf(feat_text, sizeof(feat_text), "%s: %s", hall_ui_string(HALL_STR_NOW_SHOWING, tl), t ? t : "");
		feat = (hall_ui_button_spec){feat_id, feat_text, tl, NULL, HALL_ROLE_LINK, HALL_UI_BUTTON};
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
		int cap_lines = hall_ui_count_lines(ui, cap, ui->font_px, cl, 0, f->area.w, 4);
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

/* Home: one tile per exhibit with its title and summary. */
typedef struct home_ctx {
	hall_app *app;
} home_ctx;

/* Tile heights of row [i, i + cols): natural (title and summary, up to 3 lines each)
 * and least (the title alone, at least a target). */
static void home_row_heights(const hall_app *app, const hall_ui *ui, const size_t *shown, size_t n_shown, size_t i,
                             int cols, int inner, int *nat, int *least)
{
	const hall_content *c = app->content;
	*nat = *least = ui->target_px;
	for (size_t k = i; k < n_shown && k < i + (size_t)cols; k++) {
		const hall_exhibit *ex = &c->exhibits[shown[k]];
		hall_lang tl, sl;
		const char *t = hall_text_get_lang(&ex->title, ui->lang, &tl);
		const char *s = hall_text_get_lang(&ex->summary, ui->lang, &sl);
		int h = hall_ui_count_lines(ui, t, ui->font_px, tl, 1, inner, 3) * ui->line_h + 2 * ui->pad_px;
		if (h > *least)
			*least = h;
		h += hall_ui_count_lines(ui, s, ui->font_px, sl, 0, inner, 3) * ui->line_h;
		if (h > *nat)
			*nat = h;
	}
}

/* A home layout: columns and the height of every row. */
typedef struct home_plan {
	int cols, pages, first; /* first: tiles on the first page */
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
	int inner = col_w - 2 * ui->pad_px;
	size_t rows = (n_shown + (size_t)cols - 1) / (size_t)cols;
	int nat[HALL_CONTENT_EXHIBITS_MAX], least[HALL_CONTENT_EXHIBITS_MAX];
	for (size_t r = 0; r < rows; r++) {
		home_row_heights(app, ui, shown, n_shown, r * (size_t)cols, cols, inner, &nat[r], &least[r]);
		if (least[r] > f->area.h)
			least[r] = f->area.h;
		if (nat[r] > f->area.h)
			nat[r] = f->area.h;
	}
	memset(p, 0, sizeof(*p));
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

static void home_flow(void *ctx, hall_ui_flow *f)
{
	home_ctx *hc = ctx;
	hall_app *app = hc->app;
	hall_ui *ui = f->ui;
	const hall_content *c = app->content;
	hall_lang l;
	const char *title = hall_text_get_lang(&c->title, ui->lang, &l);
	hall_ui_flow_text(f, title, l, 1, ui->th->text, ui->th->bg);
	/* Only the exhibits the schedule shows (all by default), in its order. */
	size_t shown[HALL_CONTENT_EXHIBITS_MAX];
	size_t n_shown = shown_exhibits(app, shown, HALL_CONTENT_EXHIBITS_MAX);
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
		if (cand.pages < best.pages || (cand.pages == best.pages && cand.first > best.first))
			best = cand;
	}
	int cols = best.cols;
	int col_w = (f->area.w - (cols - 1) * ui->gap_px) / cols;
	int inner = col_w - 2 * ui->pad_px;
	for (size_t i = 0, row = 0; i < n_shown; i += (size_t)cols, row++) {
		int row_h = best.row_h[row];
		hall_rect r;
		if (!hall_ui_flow_take(f, row_h, ui->gap_px, &r))
			continue;
		for (size_t k = i; k < n_shown && k < i + (size_t)cols; k++) {
			const hall_exhibit *ex = &c->exhibits[shown[k]];
			hall_lang tl, sl;
			const char *t = hall_text_get_lang(&ex->title, ui->lang, &tl);
			const char *s = hall_text_get_lang(&ex->summary, ui->lang, &sl);
			hall_rect tile = {r.x + (int)(k - i) * (col_w + ui->gap_px), r.y, col_w, r.h};
			hall_dl_item *b = hall_dl_box(ui->dl, tile, ui->th->surface);
			if (b) {
				b->border = ui->th->border;
				b->border_px = 3 * ui->scale;
				b->radius_px = 10 * ui->scale;
			}
			/* The summary gets the lines the row could spare (cut with "..."); it is
			 * always in the tile's spoken label. */
			int room = tile.h - 2 * ui->pad_px;
			int th = hall_ui_count_lines(ui, t, ui->font_px, tl, 1, inner, 3) * ui->line_h;
			if (th > room)
				th = room - room % ui->line_h;
			hall_ui_text_box(ui, (hall_rect){tile.x + ui->pad_px, tile.y + ui->pad_px, inner, th}, t, ui->font_px,
			                 tl, 1, ui->th->surface_text, ui->th->surface, 0);
			int sum_h = (room - th) - (room - th) % ui->line_h;
			if (sum_h >= ui->line_h)
				hall_ui_text_box(ui, (hall_rect){tile.x + ui->pad_px, tile.y + ui->pad_px + th, inner, sum_h}, s,
				                 ui->font_px, sl, 0, ui->th->surface_text, ui->th->surface, 0);
			char id[96], label[1200];
			snprintf(id, sizeof(id), "exhibit-%s", ex->id ? ex->id : "?");
			snprintf(label, sizeof(label), "%s. %s", t, s);
			hall_ui_hit(ui, tile, id, HALL_ROLE_LINK, label);
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
	hall_ui_button_spec close = {"dialog-close", hall_ui_string(HALL_STR_CLOSE, f->ui->lang), f->ui->lang, NULL,
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
			snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d", cv.year, cv.month, cv.day, cv.hour, cv.minute);
			hall_ui_fill(line, sizeof(line), hall_ui_string(HALL_STR_NEXT_OPENING, ui->lang), when, NULL);
		}
	}
	text_ctx tc = {hall_ui_string(HALL_STR_CLOSED, ui->lang), ui->lang, line[0] ? line : NULL, ui->lang};
	hall_ui_paged(ui, fr->content, &app->dialog_page, text_flow, &tc);
}

/* Bar: home, back, language, accessibility, call staff; on every screen. Returns its
 * height; draws when draw != 0 with its top at y. */
static int bar(hall_app *app, hall_ui *ui, int y, int draw)
{
	(void)app;
	hall_ui_button_spec b[5] = {
		{"home", hall_ui_string(HALL_STR_HOME, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"back", hall_ui_string(HALL_STR_BACK, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"language", hall_ui_string(HALL_STR_LANGUAGE, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON, HALL_UI_BUTTON},
		{"accessibility", hall_ui_string(HALL_STR_ACCESSIBILITY, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON,
		 HALL_UI_BUTTON},
		{"call-staff", hall_ui_string(HALL_STR_CALL_STAFF, ui->lang), ui->lang, NULL, HALL_ROLE_BUTTON,
		 HALL_UI_BUTTON_PRIMARY},
	};
	int m = ui->gap_px;
	hall_rect area = {ui->view.x + m, y + m, ui->view.w - 2 * m, ui->view.h};
	/* Tighter label padding, so the bar stays one row wherever the words allow. */
	int saved = ui->hpad_px;
	ui->hpad_px = ui->pad_px / 3 > 6 ? ui->pad_px / 3 : 6;
	int h = hall_ui_button_rows(ui, area, b, 5, 0) + 2 * m;
	if (draw) {
		hall_dl_box(ui->dl, (hall_rect){ui->view.x, y, ui->view.w, h}, ui->th->bar);
		hall_ui_button_rows(ui, area, b, 5, 1);
	}
	ui->hpad_px = saved;
	return h;
}

static void build_frame(hall_app *app, int64_t now, hall_dl *dl, frame *fr)
{
	hall_dl_clear(dl);
	hall_ui *ui = &fr->ui;
	hall_ui_init(ui, dl, &app->screen, app->modes, app->lang, app->cb.measure, app->cb.ctx,
	             app->has_focus ? app->focus : NULL);
	if (is_closed(app) && app->dlg != DLG_STAFF_PIN && !urgent_notice(app)) {
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

	int m = ui->gap_px;
	hall_rect area = {ui->view.x + m, ui->view.y + m, ui->view.w - 2 * m, ui->view.h - 2 * m};
	int bar_h = bar(app, ui, 0, 0);
	area.h -= bar_h;

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
		const char *s = notice_string(app, &nl);
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
		hall_ui_hit(ui, br, "notice", HALL_ROLE_BUTTON, label);
		area.y += h + m;
		area.h -= h + m;
	}
	fr->content = area;
	fr->exhibit_drawn = 0;

	if (app->dlg == DLG_STAFF_PIN) {
		build_dialog_pin(app, fr);
	} else if (urgent_notice(app)) {
		hall_lang nl;
		const char *s = notice_string(app, &nl);
		hall_dl_box(dl, area, th->urgent);
		text_ctx tc = {hall_ui_string(HALL_STR_NOTICE, ui->lang), ui->lang, s, nl};
		/* The urgent colours for the text: a hall_ui with the urgent pair as its theme. */
		hall_ui_theme t2 = *th;
		t2.bg = th->urgent;
		t2.text = th->urgent_text;
		const hall_ui_theme *saved = ui->th;
		ui->th = &t2;
		hall_ui_paged(ui, area, &app->dialog_page, text_flow, &tc);
		ui->th = saved;
	} else if (is_closed(app)) {
		build_closed(app, fr);
	} else if (!app->content) {
		text_ctx tc = {hall_ui_string(HALL_STR_NO_CONTENT, ui->lang), ui->lang, NULL, ui->lang};
		hall_ui_paged(ui, area, &app->dialog_page, text_flow, &tc);
	} else if (app->dlg == DLG_MORE_TIME) {
		build_dialog_more_time(app, fr);
	} else if (app->dlg == DLG_STAFF_CALLED) {
		build_dialog_staff_called(app, fr);
	} else if (app->dlg == DLG_NOTICE) {
		hall_lang nl;
		const char *s = notice_string(app, &nl);
		text_ctx tc = {hall_ui_string(HALL_STR_NOTICE, ui->lang), ui->lang, s, nl};
		hall_ui_paged(ui, area, &app->dialog_page, notice_flow, &tc);
	} else if (app->dlg == DLG_LANGUAGE) {
		build_dialog_language(app, fr);
	} else if (app->dlg == DLG_ACCESS) {
		build_dialog_access(app, fr);
	} else if (app->scr == SCR_ATTRACT) {
		attract_ctx ac = {app, fr};
		hall_ui_paged(ui, area, &app->attract_page, attract_flow, &ac);
	} else if (app->scr == SCR_HOME) {
		home_ctx hc = {app};
		hall_ui_paged(ui, area, &app->home_page, home_flow, &hc);
	} else {
		const hall_exhibit *ex = current_exhibit(app);
		if (ex) {
			hall_exhibit_ctx ec;
			hall_poll_tally tally;
			exhibit_ctx(app, ui, area, ex, &tally, &ec);
			hall_exhibit_build(&ec, &app->ex_state[app->exhibit]);
			fr->exhibit_area = area;
			fr->exhibit_drawn = 1;
		}
	}
	bar(app, ui, ui->view.y + ui->view.h - bar_h, 1);
	hall_ui_finish(ui);
	snprintf(app->heading, sizeof(app->heading), "%s", ui->heading);
}

/* ---- screen ids and views ---- */

static void base_view(const hall_app *app, char *exhibit, size_t elen, char *target, size_t tlen)
{
	exhibit[0] = '\0';
	target[0] = '\0';
	if (app->scr == SCR_HOME) {
		snprintf(target, tlen, "home");
		return;
	}
	const hall_exhibit *ex = current_exhibit(app);
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
	if (urgent_notice(app))
		return "notice";
	if (is_closed(app))
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
	base_view(app, ex, sizeof(ex), target, sizeof(target));
	snprintf(app->screen_id, sizeof(app->screen_id), "exhibit:%s", target);
	return app->screen_id;
}

/* Report the end of the current view when the visitor moved on (VIEW with its dwell),
 * and speak the new screen's heading in voice mode. */
static void note_view(hall_app *app, int64_t now)
{
	char ex[HALL_ID_MAX + 1], target[192];
	int active = app->in_session && (app->scr == SCR_HOME || app->scr == SCR_EXHIBIT);
	if (active)
		base_view(app, ex, sizeof(ex), target, sizeof(target));
	if (app->view_active && (!active || strcmp(target, app->view_target) != 0)) {
		emit(app, HALL_APP_EV_VIEW, app->view_exhibit, app->view_target, now - app->view_since, NULL);
		app->view_active = 0;
	}
	if (active && !app->view_active) {
		app->view_active = 1;
		snprintf(app->view_exhibit, sizeof(app->view_exhibit), "%s", ex);
		snprintf(app->view_target, sizeof(app->view_target), "%s", target);
		app->view_since = now;
	}
}

/* ---- sessions ---- */

static void reset_exhibit_states(hall_app *app, int keep_votes)
{
	if (!app->content || !app->ex_state)
		return;
	for (size_t i = 0; i < app->content->n_exhibits; i++) {
		int voted = app->ex_state[i].voted, choice = app->ex_state[i].choice;
		hall_exhibit_state_reset(&app->ex_state[i]);
		if (keep_votes && voted) {
			app->ex_state[i].voted = 1;
			app->ex_state[i].choice = choice;
		}
	}
}

static void start_session(hall_app *app, int64_t now)
{
	if (app->in_session)
		return;
	app->in_session = 1;
	app->session_no++;
	app->session_start = now;
	app->last_input = now;
	app->extensions = 0;
	app->spoke_ten = 0;
	reset_exhibit_states(app, 0);
	emit(app, HALL_APP_EV_SESSION_START, "", "", 0, NULL);
}

/* `why` is one of HALL_APP_END_* (app.h): the session_end's target. */
static void end_session(hall_app *app, int64_t now, const char *why)
{
	if (app->in_session) {
		app->scr = SCR_ATTRACT;
		app->dlg = DLG_NONE;
		note_view(app, now); /* the last view's dwell */
		emit(app, HALL_APP_EV_SESSION_END, "", why, now - app->session_start, NULL);
		app->in_session = 0;
	}
	app->scr = SCR_ATTRACT;
	app->dlg = DLG_NONE;
	app->lang = app->default_lang;
	unsigned old = app->modes;
	app->modes = 0;
	app->has_focus = 0;
	app->focus[0] = '\0';
	app->home_page = app->dialog_page = app->attract_page = 0;
	app->attract_paused = 0;
	app->attract_slide = 0;
	app->attract_next = 0; /* the next tick starts the slide's time */
	app->speech.volume_pct = app->volume_default;
	app->speech.rate_pct = 100;
	app->speech.paused = 0;
	apply_show(app); /* what the schedule asked for during the session */
	if (old & HALL_APP_MODE_VOICE)
		speech_changed(app);
	reset_exhibit_states(app, 0);
}

/* ---- create / destroy / content ---- */

hall_app *hall_app_create(const hall_kiosk_config *cfg, const hall_app_callbacks *cb)
{
	if (!cfg || !cb)
		return NULL;
	hall_app *app = calloc(1, sizeof(*app));
	if (!app)
		return NULL;
	app->scratch = hall_dl_create();
	if (!app->scratch) {
		free(app);
		return NULL;
	}
	app->cb = *cb;
	app->screen = (hall_ui_screen){cfg->screen.width_px, cfg->screen.height_px, cfg->screen.width_mm,
	                               cfg->screen.height_mm, cfg->screen.bottom_mm};
	if (app->screen.width_px <= 0 || app->screen.height_px <= 0 || app->screen.width_mm <= 0 ||
	    app->screen.height_mm <= 0) {
		hall_error_log("app: screen size %dx%d px, %.0fx%.0f mm is not usable; using 1920x1080 px, 1210x680 mm",
		               app->screen.width_px, app->screen.height_px, app->screen.width_mm, app->screen.height_mm);
		app->screen = (hall_ui_screen){1920, 1080, 1210, 680, app->screen.bottom_mm};
	}
	snprintf(app->kiosk_id, sizeof(app->kiosk_id), "%s", cfg->id);
	snprintf(app->tz, sizeof(app->tz), "%s", cfg->time_zone[0] ? cfg->time_zone : "Asia/Seoul");
	snprintf(app->pin, sizeof(app->pin), "%s", cfg->staff_pin);
	int idle = cfg->session.idle_timeout_s > 0 ? cfg->session.idle_timeout_s : 60;
	int more = cfg->session.more_time_s >= 20 ? cfg->session.more_time_s : 20;
	app->idle_ms = (int64_t)idle * 1000;
	app->more_ms = (int64_t)more * 1000;
	app->max_ext = cfg->session.max_extensions >= 10 ? cfg->session.max_extensions : 10;
	app->voice_available = cfg->voice.enabled;
	/* volume_pct is a share of the configured level (the voice engine multiplies it by
	 * cfg->voice.volume, the cap), so a visitor starts at 100 %: the configured level. */
	app->volume_default = 100;
	app->speech = (hall_app_speech){0, app->volume_default, 100, 0};
	app->default_lang = HALL_LANG_KO;
	app->lang = app->default_lang;
	app->open = 1;
	app->want.kind = app->show.kind = -1;
	app->exhibit = -1;
	app->scr = SCR_ATTRACT;
	app->attract_next = 0;
	return app;
}

void hall_app_destroy(hall_app *app)
{
	if (!app)
		return;
	hall_content_destroy(app->content);
	free(app->asset_ok);
	free(app->ex_state);
	for (int i = 0; i < HALL_LANG_COUNT; i++)
		free(app->notice_text[i]);
	hall_dl_destroy(app->scratch);
	free(app->preview_save);
	free(app->preview_ex);
	free(app);
}

void hall_app_set_content(hall_app *app, hall_content *content, const char *pack_dir)
{
	if (!app) {
		hall_content_destroy(content);
		return;
	}
	end_session(app, app->now, HALL_APP_END_CONTENT);
	hall_content_destroy(app->content);
	free(app->asset_ok);
	free(app->ex_state);
	app->content = NULL;
	app->asset_ok = NULL;
	app->ex_state = NULL;
	app->exhibit = -1;
	snprintf(app->pack_dir, sizeof(app->pack_dir), "%s", pack_dir ? pack_dir : ".");
	if (!content)
		return;
	size_t ne = content->n_exhibits;
	app->ex_state = calloc(ne ? ne : 1, sizeof(*app->ex_state));
	app->asset_ok = calloc(content->n_assets ? content->n_assets : 1, 1);
	if (!app->ex_state || !app->asset_ok) {
		hall_error_log("app: out of memory taking content %s; showing no content", content->id ? content->id : "?");
		free(app->ex_state);
		free(app->asset_ok);
		app->ex_state = NULL;
		app->asset_ok = NULL;
		hall_content_destroy(content);
		return;
	}
	app->content = content;
	for (size_t i = 0; i < content->n_assets; i++) {
		char path[1400];
		const char *name = content->assets[i].name ? content->assets[i].name : "";
		snprintf(path, sizeof(path), "%s/%s", app->pack_dir, name);
		app->asset_ok[i] = name[0] && access(path, R_OK) == 0;
	}
	hall_exhibit_validate(content, app->asset_ok);
	reset_exhibit_states(app, 0);
	if (!hall_content_has_language(content, app->default_lang) && content->n_languages > 0)
		app->lang = content->languages[0];
}

int hall_app_in_session(const hall_app *app)
{
	return app && (app->in_session || app->dlg == DLG_STAFF_PIN);
}

int hall_app_end_session(hall_app *app, const char *why, int64_t now)
{
	if (!app || !app->in_session)
		return 0;
	app->now = now;
	end_session(app, now, why && why[0] ? why : HALL_APP_END_STOP);
	return 1;
}

hall_lang hall_app_language(const hall_app *app)
{
	return app ? app->lang : HALL_LANG_KO;
}

unsigned hall_app_modes(const hall_app *app)
{
	return app ? app->modes : 0;
}

/* ---- time ---- */

static void speak_more_time(hall_app *app)
{
	char secs[16], left[256], all[512];
	snprintf(secs, sizeof(secs), "%d", remaining_s(app));
	hall_ui_fill(left, sizeof(left), hall_ui_string(HALL_STR_MORE_TIME_LEFT, app->lang), secs, NULL);
	snprintf(all, sizeof(all), "%s %s", hall_ui_string(HALL_STR_MORE_TIME_Q, app->lang), left);
	/* Spoken even without voice mode: a visitor who cannot see the screen must hear
	 * that the session is about to end. */
	if (app->cb.speak)
		app->cb.speak(app->cb.ctx, all, app->lang);
}

void hall_app_tick(hall_app *app, int64_t now)
{
	if (!app)
		return;
	app->now = now;
	if (app->notice_active && app->notice_until > 0 && now >= app->notice_until)
		hall_app_clear_notice(app);
	if (app->dlg == DLG_STAFF_PIN) {
		if (now - app->last_input >= app->idle_ms) {
			app->dlg = DLG_NONE;
			app->pin_entry[0] = '\0';
			app->pin_msg = 0;
		}
		return;
	}
	if (!app->in_session) {
		size_t n = app->content ? app->content->n_attract : 0;
		if (app->attract_next == 0)
			app->attract_next = now + ATTRACT_SLIDE_MS;
		if (app->scr == SCR_ATTRACT && n > 1 && !app->attract_paused && now >= app->attract_next) {
			app->attract_slide = (app->attract_slide + 1) % (int)n;
			app->attract_next = now + ATTRACT_SLIDE_MS;
		}
		/* A playlist's exhibits are featured in turn, at the slides' pace. */
		if (app->feature_next == 0)
			app->feature_next = now + ATTRACT_SLIDE_MS;
		if (app->scr == SCR_ATTRACT && app->show.kind == HALL_SHOW_PLAYLIST && !app->attract_paused &&
		    now >= app->feature_next) {
			app->feature_turn = (app->feature_turn + 1) % MAX_SHOW;
			app->feature_next = now + ATTRACT_SLIDE_MS;
		}
		return;
	}
	if (app->dlg == DLG_MORE_TIME) {
		if (now >= app->more_deadline) {
			end_session(app, now, HALL_APP_END_TIMEOUT);
			return;
		}
		if (!app->spoke_ten && app->more_deadline - now <= 10000) {
			app->spoke_ten = 1;
			speak_more_time(app);
		}
		return;
	}
	if (now - app->last_input >= app->idle_ms) {
		app->dlg = DLG_MORE_TIME;
		app->dialog_page = 0;
		app->more_deadline = now + app->more_ms;
		app->spoke_ten = app->more_ms <= 10000;
		sound(app, HALL_APP_SOUND_WARNING);
		speak_more_time(app);
	}
}

void hall_app_build(hall_app *app, int64_t now, hall_dl *out)
{
	if (!app || !out)
		return;
	app->now = now;
	frame fr;
	build_frame(app, now, out, &fr);
}

/* ---- activation ---- */

static void set_mode(hall_app *app, unsigned bit)
{
	app->modes ^= bit;
	int on = (app->modes & bit) != 0;
	const char *name = bit == HALL_APP_MODE_LARGE_TEXT      ? "large-text"
	                   : bit == HALL_APP_MODE_HIGH_CONTRAST ? "high-contrast"
	                   : bit == HALL_APP_MODE_LOW_POSITION  ? "low-position"
	                                                        : "voice";
	char target[64];
	snprintf(target, sizeof(target), "%s:%s", name, on ? "on" : "off");
	const hall_exhibit *ex = current_exhibit(app);
	emit(app, HALL_APP_EV_MODE, ex ? ex->id : "", target, 0, NULL);
	if (bit == HALL_APP_MODE_VOICE) {
		speech_changed(app);
		if (on && app->cb.speak) {
			char s[256];
			snprintf(s, sizeof(s), "%s: %s", hall_ui_string(HALL_STR_VOICE, app->lang),
			         hall_ui_string(HALL_STR_ON, app->lang));
			app->cb.speak(app->cb.ctx, s, app->lang);
		}
	}
	/* Layout changes with the mode: pages restart. */
	app->home_page = app->dialog_page = app->attract_page = 0;
	if (app->ex_state && app->exhibit >= 0)
		app->ex_state[app->exhibit].page = 0;
}

static void set_language(hall_app *app, hall_lang l)
{
	if (l == app->lang)
		return;
	app->lang = l;
	const hall_exhibit *ex = current_exhibit(app);
	emit(app, HALL_APP_EV_LANGUAGE, ex ? ex->id : "", hall_lang_code(l), 0, NULL);
}

/* Open exhibit i at its start; a poll already voted on in this session opens on its
 * results ("already voted"). */
static void enter_exhibit(hall_app *app, size_t i)
{
	app->scr = SCR_EXHIBIT;
	app->exhibit = (int)i;
	int voted = app->ex_state[i].voted, choice = app->ex_state[i].choice;
	hall_exhibit_state_reset(&app->ex_state[i]);
	if (voted) {
		app->ex_state[i].voted = 1;
		app->ex_state[i].choice = choice;
		app->ex_state[i].show_results = 2;
	}
}

static void go_home(hall_app *app)
{
	app->scr = SCR_HOME;
	app->dlg = DLG_NONE;
	app->home_page = 0;
	app->exhibit = -1;
	/* Home resets the session's inputs (a poll's vote stays cast: one per session). */
	reset_exhibit_states(app, 1);
}

static void speech_key(hall_app *app, hall_app_key_code key)
{
	switch (key) {
	case HALL_APP_KEY_VOLUME_UP:
		app->speech.volume_pct = app->speech.volume_pct + 10 > 100 ? 100 : app->speech.volume_pct + 10;
		break;
	case HALL_APP_KEY_VOLUME_DOWN:
		app->speech.volume_pct = app->speech.volume_pct - 10 < 0 ? 0 : app->speech.volume_pct - 10;
		break;
	case HALL_APP_KEY_RATE_UP:
		app->speech.rate_pct = app->speech.rate_pct + 10 > 200 ? 200 : app->speech.rate_pct + 10;
		break;
	case HALL_APP_KEY_RATE_DOWN:
		app->speech.rate_pct = app->speech.rate_pct - 10 < 50 ? 50 : app->speech.rate_pct - 10;
		break;
	case HALL_APP_KEY_SPEECH_PAUSE:
		app->speech.paused = !app->speech.paused;
		break;
	case HALL_APP_KEY_UP:
	case HALL_APP_KEY_DOWN:
	case HALL_APP_KEY_LEFT:
	case HALL_APP_KEY_RIGHT:
	case HALL_APP_KEY_TAB:
	case HALL_APP_KEY_SHIFT_TAB:
	case HALL_APP_KEY_ENTER:
	case HALL_APP_KEY_ESCAPE:
	case HALL_APP_KEY_HOME:
	case HALL_APP_KEY_0:
	case HALL_APP_KEY_1:
	case HALL_APP_KEY_2:
	case HALL_APP_KEY_3:
	case HALL_APP_KEY_4:
	case HALL_APP_KEY_5:
	case HALL_APP_KEY_6:
	case HALL_APP_KEY_7:
	case HALL_APP_KEY_8:
	case HALL_APP_KEY_9:
	case HALL_APP_KEY_SPEECH_REPLAY:
	case HALL_APP_KEY_VOICE_TOGGLE:
		return;
	}
	speech_changed(app);
}

static void replay(hall_app *app, int64_t now);

static int pin_matches(const char *a, const char *b)
{
	/* Compare every byte whatever the first difference, so timing says nothing. */
	size_t la = strlen(a), lb = strlen(b);
	unsigned diff = (unsigned)(la ^ lb);
	for (size_t i = 0; i < la && i < 17; i++)
		diff |= (unsigned)(unsigned char)a[i] ^ (unsigned)(unsigned char)(i < lb ? b[i] : 0);
	return diff == 0 && la > 0;
}

static void pin_key(hall_app *app, const char *id, int64_t now)
{
	if (strcmp(id, "pin-cancel") == 0 || strcmp(id, "back") == 0 || strcmp(id, "home") == 0) {
		app->dlg = DLG_NONE;
		app->pin_entry[0] = '\0';
		app->pin_msg = 0;
		return;
	}
	if (now < app->pin_locked_until) {
		app->pin_msg = 2;
		return;
	}
	size_t len = strlen(app->pin_entry);
	if (strncmp(id, "pin-", 4) == 0 && id[4] >= '0' && id[4] <= '9' && id[5] == '\0') {
		if (len + 1 < sizeof(app->pin_entry)) {
			app->pin_entry[len] = id[4];
			app->pin_entry[len + 1] = '\0';
		}
		app->pin_msg = 0;
	} else if (strcmp(id, "pin-delete") == 0) {
		if (len > 0)
			app->pin_entry[len - 1] = '\0';
	} else if (strcmp(id, "pin-ok") == 0) {
		if (pin_matches(app->pin_entry, app->pin)) {
			app->pin_entry[0] = '\0';
			app->pin_msg = 0;
			app->pin_fails = 0;
			app->dlg = DLG_NONE;
			sound(app, HALL_APP_SOUND_DONE);
			hall_info("app: staff PIN accepted, leaving the kiosk");
			if (app->cb.staff_exit)
				app->cb.staff_exit(app->cb.ctx);
		} else {
			app->pin_entry[0] = '\0';
			app->pin_msg = 1;
			sound(app, HALL_APP_SOUND_WARNING);
			if (++app->pin_fails >= PIN_MAX_FAILS) {
				app->pin_fails = 0;
				app->pin_locked_until = now + PIN_LOCK_MS;
				app->pin_msg = 2;
				hall_warn("app: %d wrong staff PINs; keypad locked for %d s", PIN_MAX_FAILS, PIN_LOCK_MS / 1000);
			}
		}
	}
}

/* The HALL_APP_MODE_* bit of a mode toggle's name ("large-text", ...), or 0. */
static unsigned mode_bit(const char *m)
{
	return strcmp(m, "large-text") == 0      ? HALL_APP_MODE_LARGE_TEXT
	       : strcmp(m, "high-contrast") == 0 ? HALL_APP_MODE_HIGH_CONTRAST
	       : strcmp(m, "low-position") == 0  ? HALL_APP_MODE_LOW_POSITION
	       : strcmp(m, "voice") == 0         ? HALL_APP_MODE_VOICE
	                                         : 0;
}

/* The attract loop is on screen, with nothing over it, and a touch would start a visit. */
static int on_attract(const hall_app *app)
{
	return app->scr == SCR_ATTRACT && app->dlg == DLG_NONE && !app->in_session && app->open && app->content &&
	       !urgent_notice(app);
}

/* The visitor activated HIT `id` (tap or enter). Returns 1 when something changed. */
static int activate(hall_app *app, const char *id, int64_t now)
{
	if (app->dlg == DLG_STAFF_PIN) {
		/* PIN digits are never reported. */
		app->last_input = now;
		pin_key(app, id, now);
		return 1;
	}
	const hall_exhibit *ex = current_exhibit(app);
	int attract = on_attract(app);
	if (attract && (strcmp(id, "page-prev") == 0 || strcmp(id, "page-next") == 0)) {
		/* Turning the welcome screen's pages is looking, not a visit yet: the controls
		 * on its other pages must stay reachable without leaving it. */
		app->attract_page += id[5] == 'n' ? 1 : -1;
		return 1;
	}
	if (!app->in_session && app->open && !urgent_notice(app) && app->content)
		start_session(app, now);
	app->last_input = now;
	emit(app, HALL_APP_EV_TAP, ex ? ex->id : "", id, 0, NULL);
	sound(app, HALL_APP_SOUND_TAP);

	if (attract) {
		/* The first touch on the attract loop starts the visit on the home screen
		 * (issue #3), whatever it touched: a slide, its controls, "start", the bar. A
		 * language or a mode is applied first, a featured exhibit opens itself, and the
		 * bar's language, accessibility, call-staff and the notice banner open their
		 * dialog over home. Attract is never shown while a session runs. */
		if (strncmp(id, "lang-", 5) == 0 || strncmp(id, "mode-", 5) == 0) {
			if (strncmp(id, "lang-", 5) == 0) {
				hall_lang l;
				if (hall_lang_from_code(id + 5, &l) == 0)
					set_language(app, l);
			} else {
				unsigned bit = mode_bit(id + 5);
				if (bit)
					set_mode(app, bit);
			}
			go_home(app);
			return 1;
		}
		if (strncmp(id, "exhibit-", 8) == 0) {
			for (size_t i = 0; i < app->content->n_exhibits; i++) {
				if (app->content->exhibits[i].id && strcmp(app->content->exhibits[i].id, id + 8) == 0) {
					enter_exhibit(app, i);
					return 1;
				}
			}
		}
		go_home(app);
		if (strcmp(id, "language") != 0 && strcmp(id, "accessibility") != 0 && strcmp(id, "call-staff") != 0 &&
		    strcmp(id, "notice") != 0)
			return 1;
		ex = NULL; /* on to the bar's handling below, over home */
	}

	/* The persistent bar. */
	if (strcmp(id, "home") == 0) {
		if (app->open && app->content && !urgent_notice(app))
			go_home(app);
		else
			app->dlg = DLG_NONE;
		return 1;
	}
	if (strcmp(id, "back") == 0) {
		if (app->dlg != DLG_NONE && app->dlg != DLG_MORE_TIME) {
			app->dlg = DLG_NONE;
			return 1;
		}
		if (app->dlg == DLG_MORE_TIME)
			return 0;
		if (app->scr == SCR_EXHIBIT && ex) {
			hall_exhibit_ctx ec;
			hall_poll_tally tally;
			frame fr;
			build_frame(app, now, app->scratch, &fr);
			exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
			if (!hall_exhibit_back(&ec, &app->ex_state[app->exhibit]))
				go_home(app);
			return 1;
		}
		/* Home is the root of a visit: back stays there. (Going back to the welcome
		 * screen would show the attract loop under a running session; a visit ends by
		 * "finish" or by walking away, which resets language and modes.) */
		return 0;
	}
	if (strcmp(id, "language") == 0) {
		app->dlg = DLG_LANGUAGE;
		app->dialog_page = 0;
		return 1;
	}
	if (strcmp(id, "accessibility") == 0) {
		app->dlg = DLG_ACCESS;
		app->dialog_page = 0;
		return 1;
	}
	if (strcmp(id, "call-staff") == 0) {
		emit(app, HALL_APP_EV_HELP, ex ? ex->id : "", "call-staff", 0, NULL);
		if (app->cb.help)
			app->cb.help(app->cb.ctx, ex ? ex->id : "", app->in_session ? app->session_no : 0);
		app->dlg = DLG_STAFF_CALLED;
		app->dialog_page = 0;
		sound(app, HALL_APP_SOUND_DONE);
		speak(app, hall_ui_string(HALL_STR_STAFF_CALLED, app->lang));
		return 1;
	}
	if (strcmp(id, "notice") == 0) {
		app->dlg = DLG_NOTICE;
		app->dialog_page = 0;
		return 1;
	}
	if (strcmp(id, "dialog-close") == 0) {
		app->dlg = DLG_NONE;
		return 1;
	}
	if (strncmp(id, "lang-", 5) == 0) {
		hall_lang l;
		if (hall_lang_from_code(id + 5, &l) == 0) {
			set_language(app, l);
			if (app->dlg == DLG_LANGUAGE)
				app->dlg = DLG_NONE;
		}
		return 1;
	}
	if (strncmp(id, "mode-", 5) == 0) {
		unsigned bit = mode_bit(id + 5);
		if (bit)
			set_mode(app, bit);
		return bit != 0;
	}
	if (strncmp(id, "volume-", 7) == 0 || strncmp(id, "rate-", 5) == 0 || strncmp(id, "speech-", 7) == 0) {
		hall_app_key_code k = strcmp(id, "volume-up") == 0     ? HALL_APP_KEY_VOLUME_UP
		                      : strcmp(id, "volume-down") == 0 ? HALL_APP_KEY_VOLUME_DOWN
		                      : strcmp(id, "rate-up") == 0     ? HALL_APP_KEY_RATE_UP
		                      : strcmp(id, "rate-down") == 0   ? HALL_APP_KEY_RATE_DOWN
		                      : strcmp(id, "speech-pause") == 0 ? HALL_APP_KEY_SPEECH_PAUSE
		                                                        : HALL_APP_KEY_SPEECH_REPLAY;
		if (k == HALL_APP_KEY_SPEECH_REPLAY)
			replay(app, now);
		else
			speech_key(app, k);
		return 1;
	}
	if ((strcmp(id, "page-prev") == 0 || strcmp(id, "page-next") == 0) &&
	    (app->dlg != DLG_NONE || urgent_notice(app) || is_closed(app) || !app->content)) {
		/* Pages of a dialog, a notice, the closed or no-content screen. */
		app->dialog_page += id[5] == 'n' ? 1 : -1;
		return 1;
	}
	if (app->dlg == DLG_MORE_TIME) {
		if (strcmp(id, "more-time") == 0 && app->extensions < app->max_ext) {
			app->extensions++;
			app->dlg = DLG_NONE;
			return 1;
		}
		if (strcmp(id, "finish") == 0) {
			end_session(app, now, HALL_APP_END_FINISH);
			return 1;
		}
		return 0;
	}
	if (app->dlg != DLG_NONE)
		return 0;
	if (strcmp(id, "page-prev") == 0 || strcmp(id, "page-next") == 0) {
		int d = id[5] == 'n' ? 1 : -1;
		if (app->scr == SCR_HOME) {
			app->home_page += d;
			return 1;
		}
		if (app->scr == SCR_ATTRACT) {
			app->attract_page += d;
			return 1;
		}
	}
	if ((app->scr == SCR_HOME || app->scr == SCR_ATTRACT) && strncmp(id, "exhibit-", 8) == 0 && app->content) {
		for (size_t i = 0; i < app->content->n_exhibits; i++) {
			if (app->content->exhibits[i].id && strcmp(app->content->exhibits[i].id, id + 8) == 0) {
				enter_exhibit(app, i);
				return 1;
			}
		}
		return 0;
	}
	if (app->scr == SCR_ATTRACT)
		return 0; /* a touch that starts a visit was handled above (on_attract) */
	if (app->scr == SCR_EXHIBIT && ex) {
		hall_exhibit_ctx ec;
		hall_poll_tally tally;
		frame fr;
		build_frame(app, now, app->scratch, &fr);
		exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
		int option = -1;
		hall_exhibit_result r = hall_exhibit_activate(&ec, &app->ex_state[app->exhibit], id, &option);
		if (r == HALL_EXHIBIT_VOTED && ex->kind == HALL_EXHIBIT_POLL && option >= 0 &&
		    (size_t)option < ex->u.poll.n_options) {
			count_local_vote(app, &ex->u.poll, option);
			emit(app, HALL_APP_EV_VOTE, ex->id, ex->u.poll.options[option].id, 0, ex->u.poll.id);
			sound(app, HALL_APP_SOUND_DONE);
			speak(app, hall_ui_string(HALL_STR_THANK_YOU, app->lang));
		}
		return r != HALL_EXHIBIT_NONE;
	}
	return 0;
}

/* After input: report views, speak the new screen's heading in voice mode. */
static void after_input(hall_app *app, int64_t now, const char *before)
{
	note_view(app, now);
	if ((app->modes & HALL_APP_MODE_VOICE) && strcmp(before, hall_app_screen_id(app)) != 0) {
		frame fr;
		build_frame(app, now, app->scratch, &fr);
		speak(app, app->heading);
	}
}

int hall_app_tap(hall_app *app, int x, int y, int64_t now)
{
	if (!app)
		return 0;
	app->now = now;
	char before[256];
	snprintf(before, sizeof(before), "%s", hall_app_screen_id(app));
	frame fr;
	build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *hit = hall_dl_hit_test(app->scratch, x, y);
	int changed = 0;
	if (hit && hit->id && hit->id[0]) {
		char id[128];
		snprintf(id, sizeof(id), "%s", hit->id);
		if (strcmp(id, "map") == 0 && current_exhibit(app)) {
			hall_exhibit_ctx ec;
			hall_poll_tally tally;
			const hall_exhibit *ex = current_exhibit(app);
			exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
			app->last_input = now;
			emit(app, HALL_APP_EV_TAP, ex->id, "map", 0, NULL);
			changed = hall_exhibit_tap_map(&ec, &app->ex_state[app->exhibit], x, y) != HALL_EXHIBIT_NONE;
			if (changed)
				sound(app, HALL_APP_SOUND_TAP);
		} else {
			changed = activate(app, id, now);
		}
	} else if (app->scr == SCR_ATTRACT && app->dlg == DLG_NONE && !app->in_session && app->content && app->open &&
	           !urgent_notice(app)) {
		/* The first touch anywhere starts a session on the home screen. */
		start_session(app, now);
		go_home(app);
		changed = 1;
	} else if (app->in_session && app->dlg != DLG_MORE_TIME) {
		app->last_input = now;
	}
	after_input(app, now, before);
	return changed;
}

static int map_gesture(hall_app *app, int64_t now, int drag, int dx, int dy, int cx, int cy, double scale)
{
	const hall_exhibit *ex = current_exhibit(app);
	if (!ex || ex->kind != HALL_EXHIBIT_CITY_MODEL || app->dlg != DLG_NONE || !app->in_session)
		return 0;
	app->last_input = now;
	frame fr;
	build_frame(app, now, app->scratch, &fr);
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
	hall_exhibit_result r = drag ? hall_exhibit_drag(&ec, &app->ex_state[app->exhibit], dx, dy)
	                             : hall_exhibit_pinch(&ec, &app->ex_state[app->exhibit], cx, cy, scale);
	return r != HALL_EXHIBIT_NONE;
}

int hall_app_drag(hall_app *app, int x, int y, int dx, int dy, int64_t now)
{
	if (!app)
		return 0;
	app->now = now;
	/* Only a drag that starts on the map pans it; elsewhere it is just activity. */
	frame fr;
	build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *hit = hall_dl_hit_test(app->scratch, x - dx, y - dy);
	if (app->in_session && app->dlg != DLG_MORE_TIME)
		app->last_input = now;
	if (!hit || strcmp(hit->id, "map") != 0)
		return 0;
	return map_gesture(app, now, 1, dx, dy, 0, 0, 1.0);
}

int hall_app_pinch(hall_app *app, int cx, int cy, double scale, int64_t now)
{
	if (!app)
		return 0;
	app->now = now;
	return map_gesture(app, now, 0, 0, 0, cx, cy, scale);
}

int hall_app_long_press(hall_app *app, int x, int y, int64_t now)
{
	if (!app)
		return 0;
	app->now = now;
	double ppx = app->screen.width_px / app->screen.width_mm, ppy = app->screen.height_px / app->screen.height_mm;
	int cw = (int)(STAFF_CORNER_MM * ppx), ch = (int)(STAFF_CORNER_MM * ppy);
	/* The two top corners: out of a visitor's way (the bar holds the bottom ones). */
	int corner = y < ch && (x < cw || x >= app->screen.width_px - cw);
	if (!corner) {
		/* A long press elsewhere is a tap (one action per touch). */
		return hall_app_tap(app, x, y, now);
	}
	app->dlg = DLG_STAFF_PIN;
	app->dialog_page = 0;
	app->pin_entry[0] = '\0';
	app->pin_msg = now < app->pin_locked_until ? 2 : 0;
	app->last_input = now;
	return 1;
}

/* ---- keypad ---- */

static size_t collect_hits(const hall_dl *dl, const hall_dl_item **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < hall_dl_count(dl) && n < max; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_HIT)
			out[n++] = it;
	}
	/* Appended in focus order already; keep it explicit. */
	for (size_t i = 1; i < n; i++) {
		const hall_dl_item *t = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1]->focus_order > t->focus_order) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = t;
	}
	return n;
}

static void focus_on(hall_app *app, const hall_dl_item *it)
{
	snprintf(app->focus, sizeof(app->focus), "%s", it->id);
	app->has_focus = 1;
	speak(app, it->label);
}

static void replay(hall_app *app, int64_t now)
{
	frame fr;
	build_frame(app, now, app->scratch, &fr);
	if (app->has_focus) {
		const hall_dl_item *it = hall_dl_find(app->scratch, app->focus);
		if (it && app->cb.speak) {
			app->cb.speak(app->cb.ctx, it->label, app->lang);
			return;
		}
	}
	/* No focus: read the screen's text in order (every item can be spoken). */
	char all[4096];
	size_t o = 0;
	all[0] = '\0';
	for (size_t i = 0; i < hall_dl_count(app->scratch) && o + 2 < sizeof(all); i++) {
		const hall_dl_item *it = hall_dl_at(app->scratch, i);
		if (it->kind == HALL_DL_TEXT && it->text[0])
			o += (size_t)snprintf(all + o, sizeof(all) - o, "%s ", it->text);
	}
	if (o > sizeof(all) - 1)
		o = sizeof(all) - 1;
	if (app->cb.speak && all[0])
		app->cb.speak(app->cb.ctx, all, app->lang);
}

int hall_app_key(hall_app *app, hall_app_key_code key, int64_t now)
{
	if (!app)
		return 0;
	app->now = now;
	char before[256];
	snprintf(before, sizeof(before), "%s", hall_app_screen_id(app));
	int changed = 0;
	/* On the attract loop, moving the focus and the speech keys start nothing: a visit
	 * starts when a control is activated (enter, escape, home: as a tap, through
	 * activate), on the home screen like every first touch; the attract loop is never
	 * shown under a running session. */
	if (app->in_session || app->dlg == DLG_STAFF_PIN)
		app->last_input = now;

	switch (key) {
	case HALL_APP_KEY_UP:
	case HALL_APP_KEY_DOWN:
	case HALL_APP_KEY_LEFT:
	case HALL_APP_KEY_RIGHT:
	case HALL_APP_KEY_TAB:
	case HALL_APP_KEY_SHIFT_TAB: {
		frame fr;
		build_frame(app, now, app->scratch, &fr);
		const hall_dl_item *hits[512];
		size_t n = collect_hits(app->scratch, hits, 512);
		if (n == 0)
			break;
		int fwd = key == HALL_APP_KEY_DOWN || key == HALL_APP_KEY_RIGHT || key == HALL_APP_KEY_TAB;
		size_t cur = n;
		for (size_t i = 0; i < n && app->has_focus; i++)
			if (strcmp(hits[i]->id, app->focus) == 0)
				cur = i;
		size_t next;
		if (cur == n)
			next = fwd ? 0 : n - 1;
		else
			next = fwd ? (cur + 1) % n : (cur + n - 1) % n;
		focus_on(app, hits[next]);
		changed = 1;
		break;
	}
	case HALL_APP_KEY_ENTER: {
		frame fr;
		build_frame(app, now, app->scratch, &fr);
		const hall_dl_item *it = app->has_focus ? hall_dl_find(app->scratch, app->focus) : NULL;
		if (!it) {
			const hall_dl_item *hits[1];
			if (collect_hits(app->scratch, hits, 1) == 1)
				focus_on(app, hits[0]);
			changed = 1;
			break;
		}
		char id[128];
		snprintf(id, sizeof(id), "%s", it->id);
		if (strcmp(id, "map") == 0) {
			/* The map by keypad: open the district list (every district by one key). */
			changed = activate(app, "districts", now);
		} else {
			changed = activate(app, id, now);
		}
		break;
	}
	case HALL_APP_KEY_ESCAPE:
		changed = activate(app, app->dlg == DLG_STAFF_PIN ? "pin-cancel" : "back", now);
		break;
	case HALL_APP_KEY_HOME:
		changed = activate(app, "home", now);
		break;
	case HALL_APP_KEY_0:
	case HALL_APP_KEY_1:
	case HALL_APP_KEY_2:
	case HALL_APP_KEY_3:
	case HALL_APP_KEY_4:
	case HALL_APP_KEY_5:
	case HALL_APP_KEY_6:
	case HALL_APP_KEY_7:
	case HALL_APP_KEY_8:
	case HALL_APP_KEY_9: {
		int d = (int)key - (int)HALL_APP_KEY_0;
		if (app->dlg == DLG_STAFF_PIN) {
			char id[8];
			snprintf(id, sizeof(id), "pin-%d", d);
			changed = activate(app, id, now);
			break;
		}
		/* Number keys jump to the n-th control (0 = the 10th). */
		frame fr;
		build_frame(app, now, app->scratch, &fr);
		const hall_dl_item *hits[512];
		size_t n = collect_hits(app->scratch, hits, 512);
		size_t want = d == 0 ? 9 : (size_t)d - 1;
		if (want < n) {
			focus_on(app, hits[want]);
			changed = 1;
		}
		break;
	}
	case HALL_APP_KEY_VOLUME_UP:
	case HALL_APP_KEY_VOLUME_DOWN:
	case HALL_APP_KEY_RATE_UP:
	case HALL_APP_KEY_RATE_DOWN:
	case HALL_APP_KEY_SPEECH_PAUSE:
		speech_key(app, key);
		changed = 1;
		break;
	case HALL_APP_KEY_SPEECH_REPLAY:
		replay(app, now);
		break;
	case HALL_APP_KEY_VOICE_TOGGLE:
		if (app->voice_available) {
			if (on_attract(app)) {
				/* A mode chosen on the attract loop: as its toggle, a visit on home. */
				start_session(app, now);
				set_mode(app, HALL_APP_MODE_VOICE);
				go_home(app);
			} else {
				set_mode(app, HALL_APP_MODE_VOICE);
			}
			changed = 1;
		}
		break;
	}
	after_input(app, now, before);
	return changed;
}

/* ---- what the network delivers ---- */

void hall_app_set_poll_results(hall_app *app, const char *poll_id, const char *const *option_ids,
                               const int64_t *votes, size_t n, int64_t total)
{
	if (!app || !poll_id || (n > 0 && (!option_ids || !votes)))
		return;
	poll_result *slot = NULL;
	for (int i = 0; i < MAX_POLL_RESULTS && !slot; i++)
		if (app->results[i].used && strcmp(app->results[i].poll, poll_id) == 0)
			slot = &app->results[i];
	for (int i = 0; i < MAX_POLL_RESULTS && !slot; i++)
		if (!app->results[i].used)
			slot = &app->results[i];
	if (!slot) {
		/* Full: drop results of a poll the content does not hold. */
		for (int i = 0; i < MAX_POLL_RESULTS && !slot; i++)
			if (!app->content || !hall_content_find_poll(app->content, app->results[i].poll))
				slot = &app->results[i];
	}
	if (!slot) {
		hall_warn("app: no room for results of poll %s", poll_id);
		return;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = 1;
	snprintf(slot->poll, sizeof(slot->poll), "%s", poll_id);
	slot->n = n < 6 ? n : 6;
	if (n > 6)
		hall_warn("app: poll %s results have %zu options; the first 6 are kept", poll_id, n);
	for (size_t i = 0; i < slot->n; i++) {
		snprintf(slot->ids[i], sizeof(slot->ids[i]), "%s", option_ids[i] ? option_ids[i] : "");
		slot->votes[i] = votes[i] > 0 ? votes[i] : 0;
	}
	slot->total = total > 0 ? total : 0;
}

void hall_app_set_notice(hall_app *app, hall_app_notice_level level, const char *const text[HALL_LANG_COUNT],
                         int64_t until_ms)
{
	if (!app)
		return;
	hall_app_clear_notice(app);
	if (!text)
		return;
	int any = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		if (text[i] && text[i][0]) {
			app->notice_text[i] = strdup(text[i]);
			any |= app->notice_text[i] != NULL;
		}
	}
	if (!any) {
		hall_warn("app: a notice with no text in any language is ignored");
		return;
	}
	app->notice_active = 1;
	app->notice_level = level;
	app->notice_until = until_ms;
	app->dialog_page = 0;
}

void hall_app_clear_notice(hall_app *app)
{
	if (!app)
		return;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		free(app->notice_text[i]);
		app->notice_text[i] = NULL;
	}
	app->notice_active = 0;
	if (app->dlg == DLG_NOTICE)
		app->dlg = DLG_NONE;
}

void hall_app_set_schedule(hall_app *app, int open, int64_t next_open_ms)
{
	if (!app)
		return;
	if (!open && app->open)
		end_session(app, app->now, HALL_APP_END_CLOSED);
	app->open = open != 0;
	app->next_open_ms = next_open_ms;
}

int hall_app_is_open(const hall_app *app)
{
	return app ? app->open : 1;
}

void hall_app_set_show(hall_app *app, const hall_schedule_item *item)
{
	if (!app)
		return;
	struct show_plan p;
	memset(&p, 0, sizeof(p));
	p.kind = -1;
	if (item) {
		p.kind = (int)item->show;
		for (size_t i = 0; i < item->n_playlist && p.n < MAX_SHOW; i++)
			snprintf(p.ids[p.n++], sizeof(p.ids[0]), "%s", item->playlist[i]);
	}
	app->want = p;
	if (!app->in_session)
		apply_show(app);
}

hall_err hall_app_follow_schedule(hall_app *app, const hall_schedule *schedule, const char *tz, int64_t utc_ms,
                                  hall_error *err)
{
	if (!app)
		return hall_error_set(err, HALL_ERR_INVALID, "app", "no app");
	int open = 1;
	int64_t next_open = -1;
	const hall_schedule_item *item = NULL;
	hall_err rc = HALL_OK;
	if (schedule) {
		hall_schedule_result res;
		rc = hall_schedule_eval(schedule, utc_ms, tz, &res, err);
		if (rc == HALL_OK) {
			open = res.open;
			next_open = res.next_open_ms;
			item = res.item;
		}
	}
	if (open != app->open || next_open != app->next_open_ms)
		hall_app_set_schedule(app, open, next_open);
	hall_app_set_show(app, item);
	return rc;
}

int hall_app_show(hall_app *app, const char *exhibit_id, int64_t now)
{
	if (!app || !exhibit_id || !app->content)
		return -1;
	for (size_t i = 0; i < app->content->n_exhibits; i++) {
		if (app->content->exhibits[i].id && strcmp(app->content->exhibits[i].id, exhibit_id) == 0) {
			app->now = now;
			char before[256];
			snprintf(before, sizeof(before), "%s", hall_app_screen_id(app));
			if (!app->in_session)
				start_session(app, now);
			app->last_input = now;
			app->scr = SCR_EXHIBIT;
			app->dlg = app->dlg == DLG_STAFF_PIN ? DLG_STAFF_PIN : DLG_NONE;
			enter_exhibit(app, i);
			after_input(app, now, before);
			return 0;
		}
	}
	return -1;
}

void hall_app_identify(hall_app *app, int64_t until_ms)
{
	if (app)
		app->identify_until = until_ms;
}

/* ---- previews (warming the platform's caches while idle) ---- */

size_t hall_app_preview_points(hall_app *app, int64_t now, int *xy, size_t cap)
{
	if (!app || !xy || app->dlg == DLG_STAFF_PIN)
		return 0;
	frame fr;
	build_frame(app, now, app->scratch, &fr);
	size_t n = 0;
	for (size_t i = 0; i < hall_dl_count(app->scratch) && n < cap; i++) {
		const hall_dl_item *it = hall_dl_at(app->scratch, i);
		/* Mode toggles are not tried: each would remake every text of the screen at
		 * another size or colour (tens of MB of textures) for a rare tap. */
		if (it->kind != HALL_DL_HIT || !it->id || strcmp(it->id, "map") == 0 || strncmp(it->id, "mode-", 5) == 0)
			continue;
		xy[2 * n] = it->rect.x + it->rect.w / 2;
		xy[2 * n + 1] = it->rect.y + it->rect.h / 2;
		n++;
	}
	const hall_exhibit *ex = current_exhibit(app);
	if (ex && fr.exhibit_drawn && app->dlg == DLG_NONE && n < cap) {
		hall_exhibit_ctx ec;
		hall_poll_tally tally;
		exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
		n += hall_exhibit_map_points(&ec, &app->ex_state[app->exhibit], xy + 2 * n, cap - n);
	}
	return n;
}

int hall_app_preview_tap(hall_app *app, int x, int y, int64_t now, hall_dl *out)
{
	if (!app || !out || app->dlg == DLG_STAFF_PIN)
		return -1;
	size_t ne = app->content && app->ex_state ? app->content->n_exhibits : 0;
	if (!app->preview_save && !(app->preview_save = malloc(sizeof(*app))))
		return -1;
	if (ne > app->preview_ex_cap) {
		hall_exhibit_state *p = realloc(app->preview_ex, ne * sizeof(*p));
		if (!p)
			return -1;
		app->preview_ex = p;
		app->preview_ex_cap = ne;
	}
	/* Everything a tap changes lives in the struct and ex_state (the content, notices
	 * and buffers it points to are not changed by input), so a copy restores it all. */
	memcpy(app->preview_save, app, sizeof(*app));
	if (ne)
		memcpy(app->preview_ex, app->ex_state, ne * sizeof(*app->ex_state));
	app->cb = (hall_app_callbacks){.ctx = app->cb.ctx, .measure = app->cb.measure};
	hall_app_tap(app, x, y, now);
	frame fr;
	build_frame(app, now, out, &fr);
	if (ne)
		memcpy(app->ex_state, app->preview_ex, ne * sizeof(*app->ex_state));
	memcpy(app, app->preview_save, sizeof(*app));
	return 0;
}
