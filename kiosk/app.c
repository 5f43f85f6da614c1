/* app.c: the kiosk's session state (see app.h and app_internal.h).
 *
 * States: the attract loop (no visitor; slides advance by themselves, with pause) and a
 * visitor session (home, exhibits; nothing moves by itself). Dialogs (language,
 * accessibility, more time, staff called, staff PIN) sit over the current screen. A
 * frame is built from the state alone (app_screens.c); input is hit-tested against a
 * frame built the same way (app_input.c), so what a visitor touches is what the tests
 * check.
 *
 * Sessions: the first touch starts one. After idle_timeout_s without input the visitor
 * is asked "more time?" with the remaining time shown and spoken; after more_time_s more
 * the session ends: language, modes and inputs reset, back to the attract loop. */
#include "app_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/log.h"

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

const hall_exhibit *app__current_exhibit(const hall_app *app)
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
size_t app__scheduled_exhibits(const hall_app *app, size_t *idx, size_t cap)
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
size_t app__shown_exhibits(const hall_app *app, size_t *idx, size_t cap)
{
	size_t n = app__scheduled_exhibits(app, idx, cap);
	if (n > 0 || !app->content)
		return n;
	for (size_t i = 0; i < app->content->n_exhibits && n < cap; i++)
		idx[n++] = i;
	return n;
}

/* The exhibit the attract loop features (index into the content), or -1: the one of an
 * exhibit item, or a playlist's exhibits in turn. */
int app__featured_exhibit(const hall_app *app)
{
	size_t idx[MAX_SHOW];
	size_t n = app__scheduled_exhibits(app, idx, MAX_SHOW);
	return n > 0 ? (int)idx[(size_t)app->feature_turn % n] : -1;
}

void app__apply_show(hall_app *app)
{
	if (memcmp(&app->show, &app->want, sizeof(app->show)) == 0)
		return;
	app->show = app->want;
	app->feature_turn = 0;
	app->feature_next = 0;
	app->home_page = app->attract_page = 0;
}

void app__emit(hall_app *app, hall_app_event_type type, const char *exhibit, const char *target, int64_t dwell,
                 const char *poll)
{
	if (!app->cb.emit)
		return;
	hall_app_event ev = {type, exhibit ? exhibit : "", target ? target : "", app->in_session ? app->session_no : 0,
	                     app->lang, dwell, poll ? poll : ""};
	app->cb.emit(app->cb.ctx, &ev);
}

/* Hand text in lang to the speak callback now, with the content's pronunciation list
 * applied. */
static void speak_now(hall_app *app, const char *text, hall_lang lang)
{
	/* Brand names read as words (issue 12): the content's pronunciation list for the
	 * language spoken, applied to everything the voice says; in a text that switches
	 * language (HALL_APP_SPEAK_LANG + code + space, app.h) each part by its own. */
	if (!strchr(text, HALL_APP_SPEAK_LANG)) {
		app->cb.speak(app->cb.ctx, hall_content_pronounce(app->content, lang, text, app->say_buf, SAY_MAX), lang);
		return;
	}
	char part[SAY_MAX];
	size_t o = 0;
	hall_lang l = lang;
	for (const char *s = text; *s && o + 1 < SAY_MAX;) {
		const char *mark = strchr(s, HALL_APP_SPEAK_LANG);
		size_t n = mark ? (size_t)(mark - s) : strlen(s);
		snprintf(part, sizeof(part), "%.*s", (int)n, s);
		hall_content_pronounce(app->content, l, part, app->say_buf + o, SAY_MAX - o);
		o += strlen(app->say_buf + o);
		if (!mark)
			break;
		hall_lang next;
		size_t k = hall_app_speak_switch(mark + 1, &next);
		if (k && o + k + 2 < SAY_MAX) {
			l = next;
			memcpy(app->say_buf + o, mark, k + 1); /* the marker, as it was */
			o += k + 1;
			app->say_buf[o] = '\0';
			s = mark + 1 + k;
			continue;
		}
		s = mark + 1; /* not a switch: the byte is dropped */
	}
	app->cb.speak(app->cb.ctx, app->say_buf, lang);
}

/* The language in force at the end of text said in lang (its last switch, if any). */
static hall_lang lang_at_end(const char *text, hall_lang lang)
{
	for (const char *m = strchr(text, HALL_APP_SPEAK_LANG); m; m = strchr(m + 1, HALL_APP_SPEAK_LANG)) {
		hall_lang next;
		if (hall_app_speak_switch(m + 1, &next))
			lang = next;
	}
	return lang;
}

void app__say(hall_app *app, const char *text, hall_lang lang)
{
	if (!app->cb.speak || !text || !text[0])
		return;
	if (app->batch_depth == 0) {
		speak_now(app, text, lang);
		return;
	}
	size_t n = strlen(text), o = app->batch_len;
	if (o > 0 && strcmp(app->batch + app->batch_last, text) == 0)
		return; /* said by this input already (the thank-you, then the page's heading) */
	char sw[24] = "";
	if (o > 0 && lang != app->batch_cur)
		snprintf(sw, sizeof(sw), "%c%s ", HALL_APP_SPEAK_LANG, hall_lang_code(lang));
	size_t add = (o > 0 ? 1 : 0) + strlen(sw) + n;
	if (o + add + 1 > SAY_MAX) {
		hall_warn("app: %zu bytes more to say in one input do not fit; the rest is not spoken", n);
		return;
	}
	if (o > 0)
		app->batch[o++] = ' ';
	else
		app->batch_lang = lang;
	memcpy(app->batch + o, sw, strlen(sw));
	o += strlen(sw);
	app->batch_last = o;
	memcpy(app->batch + o, text, n + 1);
	app->batch_len = o + n;
	app->batch_cur = lang_at_end(text, lang);
}

void app__say_kept(hall_app *app, const char *text, hall_lang lang)
{
	if (!app->cb.speak || !text || !text[0])
		return;
	size_t len = app->batch_len;
	app__say(app, text, lang);
	if (app->batch_depth > 0) {
		if (!app->batch_kept && app->batch_len > len) {
			app->batch_kept = 1;
			app->batch_kept_from = app->batch_last;
			app->batch_kept_lang = lang;
		}
	} else if (text != app->said && app->dlg != DLG_MORE_TIME) {
		snprintf(app->said, sizeof(app->said), "%s", text);
		app->said_lang = lang;
	}
}

void app__batch_begin(hall_app *app)
{
	if (app->batch_depth++ == 0) {
		app->batch_len = app->batch_last = 0;
		app->batch[0] = '\0';
		app->batch_kept = 0;
	}
}

void app__batch_end(hall_app *app)
{
	if (app->batch_depth <= 0 || --app->batch_depth > 0)
		return;
	if (app->batch_len == 0 || !app->cb.speak)
		return;
	/* tour2 (issue 12 Build 9): what is read while "more time?" is open (its button, read
	 * again by F5 or Tab) is not the reading it interrupted, which taking more time
	 * resumes; it took its place, and more time read "More time" back. */
	if (app->batch_kept && app->dlg != DLG_MORE_TIME) {
		snprintf(app->said, sizeof(app->said), "%s", app->batch + app->batch_kept_from);
		app->said_lang = app->batch_kept_lang;
	}
	speak_now(app, app->batch, app->batch_lang);
	app->batch_len = app->batch_last = 0;
	app->batch[0] = '\0';
}

void app__speak(hall_app *app, const char *text)
{
	if (!(app->modes & HALL_APP_MODE_VOICE) || !app->cb.speak || !text || !text[0])
		return;
	app__say_kept(app, text, app->lang);
}

void app__sound(hall_app *app, hall_app_sound s)
{
	if (app->cb.sound)
		app->cb.sound(app->cb.ctx, s);
}

void app__speech_changed(hall_app *app)
{
	app->speech.enabled = (app->modes & HALL_APP_MODE_VOICE) != 0;
	if (app->cb.speech)
		app->cb.speech(app->cb.ctx, &app->speech);
}

void app__tally_for(const hall_app *app, const hall_exhibit *ex, hall_poll_tally *t)
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

void app__count_local_vote(hall_app *app, const hall_poll *p, int option)
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

void app__exhibit_ctx(hall_app *app, hall_ui *ui, hall_rect area, const hall_exhibit *ex, hall_poll_tally *tally,
                        hall_exhibit_ctx *c)
{
	app__tally_for(app, ex, tally);
	c->ui = ui;
	c->content = app->content;
	c->pack_dir = app->pack_dir;
	c->ex = ex;
	c->area = area;
	c->tally = tally;
	c->asset_ok = app->asset_ok;
}

int app__is_closed(const hall_app *app)
{
	return !app->open;
}

int app__urgent_notice(const hall_app *app)
{
	return app->notice_active && app->notice_level == HALL_APP_NOTICE_URGENT;
}

int app__remaining_s(const hall_app *app)
{
	int64_t left = app->more_deadline - app->now;
	if (left < 0)
		left = 0;
	return (int)((left + 999) / 1000);
}

/* Report the end of the current view when the visitor moved on (VIEW with its dwell),
 * and speak the new screen's heading in voice mode. */
void app__note_view(hall_app *app, int64_t now)
{
	char ex[HALL_ID_MAX + 1], target[192];
	int active = app->in_session && (app->scr == SCR_HOME || app->scr == SCR_EXHIBIT);
	if (active)
		app__base_view(app, ex, sizeof(ex), target, sizeof(target));
	if (app->view_active && (!active || strcmp(target, app->view_target) != 0)) {
		app__emit(app, HALL_APP_EV_VIEW, app->view_exhibit, app->view_target, now - app->view_since, NULL);
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

void app__reset_exhibit_states(hall_app *app, int keep_votes)
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

void app__start_session(hall_app *app, int64_t now)
{
	if (app->in_session)
		return;
	app->in_session = 1;
	app->session_no++;
	app->session_start = now;
	app->last_input = now;
	app->extensions = 0;
	app->spoke_ten = 0;
	app__reset_exhibit_states(app, 0);
	app__emit(app, HALL_APP_EV_SESSION_START, "", "", 0, NULL);
}

/* `why` is one of HALL_APP_END_* (app.h): the session_end's target. */
void app__end_session(hall_app *app, int64_t now, const char *why)
{
	if (app->in_session) {
		app->scr = SCR_ATTRACT;
		app->dlg = DLG_NONE;
		app__note_view(app, now); /* the last view's dwell */
		app__emit(app, HALL_APP_EV_SESSION_END, "", why, now - app->session_start, NULL);
		app->in_session = 0;
	}
	app->scr = SCR_ATTRACT;
	app->dlg = DLG_NONE;
	hall_lang visit_lang = app->lang;
	app->lang = app->default_lang;
	unsigned old = app->modes;
	app->modes = 0;
	app->has_focus = 0;
	app->focus[0] = '\0';
	app->focus_dlg = DLG_NONE;
	app->has_focus_saved = 0;
	app->said[0] = '\0';
	app->resume_said = 0;
	app->welcomed = 0;
	app->help_call = 0; /* the link still delivers it; the next visitor is not told */
	app->help_state = HELP_NONE;
	app->home_page = app->dialog_page = app->attract_page = 0;
	app->attract_paused = 0;
	app->attract_slide = 0;
	app->attract_next = 0; /* the next tick starts the slide's time */
	app->speech.volume_pct = app->volume_default;
	app->speech.rate_pct = 100;
	app->speech.paused = 0;
	app__apply_show(app); /* what the schedule asked for during the session */
	if (old & HALL_APP_MODE_VOICE) {
		app__speech_changed(app);
		/* tour2: a visit with guidance on ended by the visitor ("Finish", or no answer to
		 * "more time?") ended in silence: they are told, in their language (the voice
		 * speaks after guidance is off: voice.h) */
		if (why && (strcmp(why, HALL_APP_END_FINISH) == 0 || strcmp(why, HALL_APP_END_TIMEOUT) == 0))
			app__say(app, hall_ui_string(HALL_STR_GOODBYE, visit_lang), visit_lang);
	}
	app__reset_exhibit_states(app, 0);
}

/* ---- calls for staff ---- */

const char *app__help_text(const hall_app *app)
{
	hall_ui_str id = app->help_state == HELP_CALLED      ? HALL_STR_STAFF_CALLED
	                 : app->help_state == HELP_UNREACHED ? HALL_STR_ASK_AT_DESK
	                                                     : HALL_STR_CALLING_STAFF;
	return hall_ui_string(id, app->lang);
}

void hall_app_help_result(hall_app *app, int64_t call, int delivered, int64_t now)
{
	if (!app || call <= 0 || call != app->help_call || app->help_state != HELP_CALLING)
		return;
	app->now = now;
	app->help_state = delivered ? HELP_CALLED : HELP_UNREACHED;
	app__sound(app, delivered ? HALL_APP_SOUND_DONE : HALL_APP_SOUND_WARNING);
	app__batch_begin(app);
	if (app->dlg != DLG_STAFF_CALLED) {
		/* The visitor closed "calling staff…": that nobody was called they must see
		 * (over nothing but the screen itself); that staff are coming is only told, in
		 * voice mode (a visitor who cannot see the screen heard "calling" and nothing
		 * since). */
		if (!delivered && app->dlg == DLG_NONE && app->in_session) {
			app->dlg = DLG_STAFF_CALLED;
			app->dialog_page = 0;
			app__speak(app, app__help_text(app));
			app__follow_dialog(app, now);
		} else if (delivered && app->in_session) {
			app__speak(app, app__help_text(app));
		}
	} else {
		app__speak(app, app__help_text(app));
	}
	app__batch_end(app);
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
	app->say_buf = malloc(SAY_MAX);
	app->batch = malloc(SAY_MAX);
	if (!app->scratch || !app->say_buf || !app->batch) {
		hall_dl_destroy(app->scratch);
		free(app->say_buf);
		free(app->batch);
		free(app);
		return NULL;
	}
	app->cb = *cb;
	app->screen = (hall_ui_screen){cfg->screen.width_px, cfg->screen.height_px, cfg->screen.width_mm,
	                               cfg->screen.height_mm, cfg->screen.bottom_mm, cfg->screen.low_top_mm};
	if (app->screen.width_px <= 0 || app->screen.height_px <= 0 || app->screen.width_mm <= 0 ||
	    app->screen.height_mm <= 0) {
		hall_error_log("app: screen size %dx%d px, %.0fx%.0f mm is not usable; using 1920x1080 px, 1210x680 mm",
		               app->screen.width_px, app->screen.height_px, app->screen.width_mm, app->screen.height_mm);
		app->screen = (hall_ui_screen){1920, 1080, 1210, 680, app->screen.bottom_mm, app->screen.low_top_mm};
	}
	snprintf(app->kiosk_id, sizeof(app->kiosk_id), "%s", cfg->id);
	snprintf(app->tz, sizeof(app->tz), "%s", cfg->time_zone[0] ? cfg->time_zone : "Asia/Seoul");
	snprintf(app->pin, sizeof(app->pin), "%s", cfg->staff_pin);
	/* The lockout lives beside the spool: a restart gives no new tries. */
	app->pin_guard = hall_staff_pin_create(cfg->data_dir, cfg->staff_pin_hash, cfg->staff_pin);
	int idle = cfg->session.idle_timeout_s > 0 ? cfg->session.idle_timeout_s : 60;
	int more = cfg->session.more_time_s >= 20 ? cfg->session.more_time_s : 20;
	app->idle_ms = (int64_t)idle * 1000;
	app->more_ms = (int64_t)more * 1000;
	app->max_ext = cfg->session.max_extensions >= 10 ? cfg->session.max_extensions : 10;
	app->voice_available = cfg->voice.enabled;
	app->reduced_motion = cfg->screen.reduced_motion;
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
	hall_staff_pin_destroy(app->pin_guard);
	free(app->asset_ok);
	free(app->ex_state);
	for (int i = 0; i < HALL_LANG_COUNT; i++)
		free(app->notice_text[i]);
	hall_dl_destroy(app->scratch);
	free(app->say_buf);
	free(app->batch);
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
	app__end_session(app, app->now, HALL_APP_END_CONTENT);
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
	app__reset_exhibit_states(app, 0);
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
	app__end_session(app, now, why && why[0] ? why : HALL_APP_END_STOP);
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
	snprintf(secs, sizeof(secs), "%d", app__remaining_s(app));
	hall_ui_fill(left, sizeof(left), hall_ui_string(HALL_STR_MORE_TIME_LEFT, app->lang), secs, NULL);
	snprintf(all, sizeof(all), "%s %s", hall_ui_string(HALL_STR_MORE_TIME_Q, app->lang), left);
	/* Spoken even without voice mode: a visitor who cannot see the screen must hear
	 * that the session is about to end, also one who paused the reading and walked
	 * away (a paused voice would hold the prompt back unheard). */
	if (app->cb.speak) {
		if (app->speech.paused) {
			app->speech.paused = 0;
			app__speech_changed(app);
		}
		app__say(app, all, app->lang);
	}
}

void hall_app_speaking(hall_app *app, int speaking, int64_t now)
{
	if (app && speaking && app->in_session && (app->modes & HALL_APP_MODE_VOICE) && !app->speech.paused &&
	    app->dlg != DLG_MORE_TIME && app->dlg != DLG_STAFF_PIN && now > app->last_input)
		app->last_input = now;
}

static void tick(hall_app *app, int64_t now);

void hall_app_tick(hall_app *app, int64_t now)
{
	if (!app)
		return;
	app__batch_begin(app);
	tick(app, now);
	app__batch_end(app);
}

static void tick(hall_app *app, int64_t now)
{
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
			app->attract_prev = app->attract_slide;
			app->attract_changed = now;
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
			app__end_session(app, now, HALL_APP_END_TIMEOUT);
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
		/* The prompt interrupts what was being read; it is read again if the visitor
		 * takes more time. */
		app->resume_said = (app->modes & HALL_APP_MODE_VOICE) && app->said[0];
		app__sound(app, HALL_APP_SOUND_WARNING);
		speak_more_time(app);
		app__follow_dialog(app, now);
	}
}


/* ---- activation ---- */

int app__reduced_motion(const hall_app *app)
{
	return app->reduced_motion || (app->modes & HALL_APP_MODE_REDUCED_MOTION);
}

int hall_app_animating(const hall_app *app, int64_t now)
{
	if (!app || app__reduced_motion(app))
		return 0;
	if (app->scr == SCR_ATTRACT)
		return app->attract_changed && now - app->attract_changed < HALL_MOTION_FADE_MS;
	return app->screen_changed && now - app->screen_changed < HALL_MOTION_SCREEN_MS;
}

void app__set_mode(hall_app *app, unsigned bit)
{
	app->modes ^= bit;
	int on = (app->modes & bit) != 0;
	const char *name = bit == HALL_APP_MODE_LARGE_TEXT      ? "large-text"
	                   : bit == HALL_APP_MODE_HIGH_CONTRAST ? "high-contrast"
	                   : bit == HALL_APP_MODE_LOW_POSITION  ? "low-position"
	                   : bit == HALL_APP_MODE_REDUCED_MOTION ? "reduced-motion"
	                                                        : "voice";
	char target[64];
	snprintf(target, sizeof(target), "%s:%s", name, on ? "on" : "off");
	const hall_exhibit *ex = app__current_exhibit(app);
	app__emit(app, HALL_APP_EV_MODE, ex ? ex->id : "", target, 0, NULL);
	if (bit == HALL_APP_MODE_VOICE) {
		app__speech_changed(app);
		/* Said both ways: a visitor who cannot see the screen learns that the key worked
		 * (off: the last thing the voice says until it is turned on again). */
		if (app->cb.speak) {
			char s[256];
			snprintf(s, sizeof(s), "%s: %s", hall_ui_string(HALL_STR_VOICE, app->lang),
			         hall_ui_string(on ? HALL_STR_ON : HALL_STR_OFF, app->lang));
			app__say(app, s, app->lang);
		}
	}
	/* Layout changes with the mode: pages restart. */
	app->home_page = app->dialog_page = app->attract_page = 0;
	if (app->ex_state && app->exhibit >= 0)
		app->ex_state[app->exhibit].page = 0;
}

void app__set_language(hall_app *app, hall_lang l)
{
	if (l == app->lang)
		return;
	app->lang = l;
	const hall_exhibit *ex = app__current_exhibit(app);
	app__emit(app, HALL_APP_EV_LANGUAGE, ex ? ex->id : "", hall_lang_code(l), 0, NULL);
}

/* Open exhibit i at its start; a poll already voted on in this session opens on its
 * results ("already voted"). */
void app__enter_exhibit(hall_app *app, size_t i)
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

void app__go_home(hall_app *app)
{
	app->scr = SCR_HOME;
	app->dlg = DLG_NONE;
	app->home_page = 0;
	app->exhibit = -1;
	/* Home resets the session's inputs (a poll's vote stays cast: one per session). */
	app__reset_exhibit_states(app, 1);
}

/* The attract loop is on screen, with nothing over it, and a touch would start a visit. */
int app__on_attract(const hall_app *app)
{
	return app->scr == SCR_ATTRACT && app->dlg == DLG_NONE && !app->in_session && app->open && app->content &&
	       !app__urgent_notice(app);
}

/* The visitor activated HIT `id` (tap or enter). Returns 1 when something changed. */
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
	/* An urgent notice goes over everything: a dialog the visitor opens afterwards shows
	 * over it (its bar works), one left open is closed so the notice is seen. */
	if (level == HALL_APP_NOTICE_URGENT &&
	    (app->dlg == DLG_LANGUAGE || app->dlg == DLG_ACCESS || app->dlg == DLG_STAFF_CALLED))
		app->dlg = DLG_NONE;
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
	/* Closing ends a visit; opening again starts the welcome screen afresh (a language
	 * or mode chosen on the closed screen belonged to whoever stood there). */
	if ((!open && app->open) || (open && !app->open && !app->in_session))
		app__end_session(app, app->now, HALL_APP_END_CLOSED);
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
		app__apply_show(app);
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
			app__batch_begin(app);
			char before[256];
			snprintf(before, sizeof(before), "%s", hall_app_screen_id(app));
			if (!app->in_session)
				app__start_session(app, now);
			app->last_input = now;
			app->scr = SCR_EXHIBIT;
			app->dlg = app->dlg == DLG_STAFF_PIN ? DLG_STAFF_PIN : DLG_NONE;
			app__enter_exhibit(app, i);
			app__after_input(app, now, before);
			app__batch_end(app);
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

