/* app_input.c: input (see app_internal.h): taps, drags, pinches, long presses and keys
 * are hit-tested against a frame built as the visitor sees it, and the control's typed
 * action (kiosk/action.h) says what happens; the previews of a tap for warming caches. */
#include "app_internal.h"

#include "hall/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/log.h"

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
	app__speech_changed(app);
	/* The new level, in the new voice (tour2: "+" or PageUp said nothing, so a visitor
	 * who cannot see the screen did not know whether the key did anything, or reached the
	 * end). Not kept: "more time?" resumes the reading, not the level. */
	int vol = key == HALL_APP_KEY_VOLUME_UP || key == HALL_APP_KEY_VOLUME_DOWN;
	if (key != HALL_APP_KEY_SPEECH_PAUSE && (app->modes & HALL_APP_MODE_VOICE)) {
		char num[8], line[96];
		snprintf(num, sizeof(num), "%d", vol ? app->speech.volume_pct : app->speech.rate_pct);
		hall_ui_fill(line, sizeof(line), hall_ui_string(vol ? HALL_STR_VOLUME_LEVEL : HALL_STR_RATE_LEVEL, app->lang),
		             num, NULL);
		app__say(app, line, app->lang);
	}
}

static void replay(hall_app *app, int64_t now);
static void speak_screen(hall_app *app);
static void say_welcome_from(hall_app *app, hall_ui_str first, int with_languages);
static void read_page(hall_app *app);
static size_t screen_text(const hall_app *app, int page, char *all, size_t cap);

/* A key of the staff PIN keypad (every other control cancels nothing and is ignored). */
static void pin_key(hall_app *app, hall_act act, int64_t now)
{
	if (act.kind == HALL_ACT_PIN_CANCEL || act.kind == HALL_ACT_BACK || act.kind == HALL_ACT_HOME) {
		app->dlg = DLG_NONE;
		app->pin_entry[0] = '\0';
		app->pin_msg = 0;
		return;
	}
	if (!app->pin_guard || hall_staff_pin_locked_until(app->pin_guard, now, hall_clock_now_ms())) {
		app->pin_msg = 2;
		return;
	}
	size_t len = strlen(app->pin_entry);
	if (act.kind == HALL_ACT_PIN_DIGIT && act.arg >= 0 && act.arg <= 9) {
		if (len + 1 < sizeof(app->pin_entry)) {
			app->pin_entry[len] = (char)('0' + act.arg);
			app->pin_entry[len + 1] = '\0';
		}
		app->pin_msg = 0;
	} else if (act.kind == HALL_ACT_PIN_DELETE) {
		if (len > 0)
			app->pin_entry[len - 1] = '\0';
	} else if (act.kind == HALL_ACT_PIN_OK) {
		hall_pin_result r = hall_staff_pin_check(app->pin_guard, app->pin_entry, now, hall_clock_now_ms());
		app->pin_entry[0] = '\0';
		if (r == HALL_PIN_OK) {
			app->pin_msg = 0;
			app->dlg = DLG_NONE;
			app__sound(app, HALL_APP_SOUND_DONE);
			hall_info("app: staff PIN accepted, leaving the kiosk");
			if (app->cb.staff_exit)
				app->cb.staff_exit(app->cb.ctx);
		} else {
			app->pin_msg = r == HALL_PIN_LOCKED || hall_staff_pin_locked_until(app->pin_guard, now, hall_clock_now_ms())
			                   ? 2
			                   : 1;
			app__sound(app, HALL_APP_SOUND_WARNING);
		}
	}
}

/* The first touch on the attract loop starts the visit on the home screen (issue #3),
 * whatever it touched: a slide, its controls, "start", the bar. A language or a mode is
 * applied first, a featured exhibit opens itself, and the bar's language,
 * accessibility, call-staff and the notice banner open their dialog over home (returns
 * 0 for those: the caller goes on to the bar's handling). Attract is never shown while
 * a session runs. Returns 1 when the action was fully handled. */
static int activate_on_attract(hall_app *app, hall_act act)
{
	hall_action k = act.kind;
	if (k == HALL_ACT_SET_LANGUAGE && act.arg >= 0 && act.arg < HALL_LANG_COUNT)
		app__set_language(app, (hall_lang)act.arg);
	else if (k == HALL_ACT_TOGGLE_MODE)
		app__set_mode(app, (unsigned)act.arg);
	if (k == HALL_ACT_OPEN_EXHIBIT && act.arg >= 0 && (size_t)act.arg < app->content->n_exhibits) {
		app__enter_exhibit(app, (size_t)act.arg);
		return 1;
	}
	app__go_home(app);
	return !(k == HALL_ACT_LANGUAGE_MENU || k == HALL_ACT_ACCESS_MENU || k == HALL_ACT_CALL_STAFF ||
	         k == HALL_ACT_NOTICE);
}

/* "back": close a dialog, step back inside an exhibit, or from an exhibit's top to home.
 * Home is the root of a visit: back stays there. (Going back to the welcome screen would
 * show the attract loop under a running session; a visit ends by "finish" or by walking
 * away, which resets language and modes.) */
static int take_more_time(hall_app *app)
{
	if (app->dlg != DLG_MORE_TIME || app->extensions >= app->max_ext)
		return 0;
	app->extensions++;
	app->dlg = DLG_NONE;
	if (app->resume_said && app->cb.speak && (app->modes & HALL_APP_MODE_VOICE)) {
		/* Resume what the prompt interrupted, in the language it was said in. */
		app__say(app, app->said, app->said_lang);
		app->resumed = 1;
	}
	app->resume_said = 0;
	return 1;
}

static int go_back(hall_app *app, const hall_exhibit *ex, int64_t now)
{
	if (app->dlg == DLG_MORE_TIME) /* back to what the visitor was doing: more time */
		return take_more_time(app);
	if (app->dlg != DLG_NONE) {
		app->dlg = DLG_NONE;
		return 1;
	}
	if (app->scr == SCR_EXHIBIT && ex) {
		hall_exhibit_ctx ec;
		hall_poll_tally tally;
		frame fr;
		app__build_frame(app, now, app->scratch, &fr);
		app__exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
		if (!hall_exhibit_back(&ec, &app->ex_state[app->exhibit])) {
			/* Home again, the keypad focus on the exhibit just left, so a keypad visitor
			 * goes on from there (it was lost: Tab started over at the first tile). */
			if (app->has_focus || (app->modes & HALL_APP_MODE_VOICE)) {
				snprintf(app->focus, sizeof(app->focus), "exhibit-%s", ex->id ? ex->id : "");
				app->has_focus = 1;
			}
			app__go_home(app);
		}
		return 1;
	}
	return 0;
}

/* Call staff (issue 12): the dialog says "calling staff…" until the controller has the
 * call (hall_app_help_result). Pressing again while a call is on its way shows it again;
 * it is not a second call. */
static int call_staff(hall_app *app, const hall_exhibit *ex)
{
	if (app->dlg == DLG_STAFF_CALLED && app->help_state == HELP_CALLING)
		app->screen_changed = app->now; /* dialogs: pressed again, its dialog fades in again */
	app->dlg = DLG_STAFF_CALLED;
	app->dialog_page = 0;
	if (app->help_state != HELP_CALLING) {
		app__emit(app, HALL_APP_EV_HELP, ex ? ex->id : "", "call-staff", 0, NULL);
		app->help_call =
			app->cb.help ? app->cb.help(app->cb.ctx, ex ? ex->id : "", app->in_session ? app->session_no : 0) : 0;
		app->help_state = app->help_call > 0 ? HELP_CALLING : HELP_UNREACHED;
		if (app->help_state == HELP_UNREACHED)
			app__sound(app, HALL_APP_SOUND_WARNING);
	}
	app__speak(app, app__help_text(app));
	return 1;
}

/* A control of the exhibit on screen. */
static int activate_exhibit(hall_app *app, const hall_exhibit *ex, hall_act act, int64_t now)
{
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	app__exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
	int option = -1;
	hall_exhibit_result r = hall_exhibit_activate(&ec, &app->ex_state[app->exhibit], act, &option);
	if (r == HALL_EXHIBIT_VOTED && ex->kind == HALL_EXHIBIT_POLL && option >= 0 &&
	    (size_t)option < ex->u.poll.n_options) {
		app__count_local_vote(app, &ex->u.poll, option);
		app__emit(app, HALL_APP_EV_VOTE, ex->id, ex->u.poll.options[option].id, 0, ex->u.poll.id);
		app__sound(app, HALL_APP_SOUND_DONE);
		app__speak(app, hall_ui_string(HALL_STR_THANK_YOU, app->lang));
	}
	return r != HALL_EXHIBIT_NONE;
}

/* The visitor activated a control doing `act` whose HIT id is `id` (tap or enter; the id
 * is what the TAP event reports). Returns 1 when something changed. */
static int activate(hall_app *app, hall_act act, const char *id, int64_t now)
{
	if (app->dlg == DLG_STAFF_PIN) {
		app->last_input = now;
		/* The bar's language, accessibility and call staff work here as on every screen
		 * (issue 12 Build 11; they did nothing over the PIN keypad, which a visitor may
		 * open by holding a corner): they cancel the PIN entry and act. */
		hall_action k = act.kind;
		if (k != HALL_ACT_LANGUAGE_MENU && k != HALL_ACT_ACCESS_MENU && k != HALL_ACT_CALL_STAFF &&
		    k != HALL_ACT_NOTICE) {
			/* PIN digits are never reported. */
			pin_key(app, act, now);
			return 1;
		}
		pin_key(app, HALL_ACT_0(HALL_ACT_PIN_CANCEL), now);
	}
	const hall_exhibit *ex = app__current_exhibit(app);
	int attract = app__on_attract(app);
	if (attract && act.kind == HALL_ACT_PAGE) {
		/* Turning the welcome screen's pages is looking, not a visit yet: the controls
		 * on its other pages must stay reachable without leaving it. */
		app->attract_page += act.arg > 0 ? 1 : -1;
		return 1;
	}
	if (!app->in_session && app->open && !app__urgent_notice(app) && app->content)
		app__start_session(app, now);
	app->last_input = now;
	app__emit(app, HALL_APP_EV_TAP, ex ? ex->id : "", id, 0, NULL);
	app__sound(app, HALL_APP_SOUND_TAP);

	if (attract) {
		if (activate_on_attract(app, act))
			return 1;
		ex = NULL; /* on to the bar's handling below, over home */
	}

	switch (act.kind) {
	/* The persistent bar. */
	case HALL_ACT_HOME:
		if (app__at_home_start(app)) {
			/* dialogs: pressed where the visitor already is, Home says so (voice) and
			 * the screen fades in again, a visible answer to the press. */
			app__go_home(app);
			app__speak(app, hall_ui_string(HALL_STR_HOME_HERE, app->lang));
			app->screen_changed = now;
		} else if (app->open && app->content && !app__urgent_notice(app)) {
			app__go_home(app);
		} else if (app->dlg != DLG_NONE) {
			app->dlg = DLG_NONE;
		} else {
			/* The closed, no-content and urgent screens are all there is: home is their
			 * start, the first page, read again in voice mode. */
			app->dialog_page = 0;
			if (app->modes & HALL_APP_MODE_VOICE) {
				frame fr;
				app__build_frame(app, now, app->scratch, &fr);
				speak_screen(app);
			}
		}
		return 1;
	case HALL_ACT_BACK:
		return go_back(app, ex, now);
	/* The bar's language and accessibility open their dialog, and close it when it is
	 * the one open (a menu button's toggle: pressed on its own dialog it did nothing,
	 * issue 12 Build 11). */
	case HALL_ACT_LANGUAGE_MENU:
		app->dlg = app->dlg == DLG_LANGUAGE ? DLG_NONE : DLG_LANGUAGE;
		app->dialog_page = 0;
		return 1;
	case HALL_ACT_ACCESS_MENU:
		app->dlg = app->dlg == DLG_ACCESS ? DLG_NONE : DLG_ACCESS;
		app->dialog_page = 0;
		return 1;
	case HALL_ACT_CALL_STAFF:
		return call_staff(app, ex);
	case HALL_ACT_NOTICE:
		app->dlg = DLG_NOTICE;
		app->dialog_page = 0;
		return 1;
	case HALL_ACT_DIALOG_CLOSE:
		app->dlg = DLG_NONE;
		return 1;
	case HALL_ACT_SET_LANGUAGE:
		if (act.arg >= 0 && act.arg < HALL_LANG_COUNT) {
			app__set_language(app, (hall_lang)act.arg);
			if (app->dlg == DLG_LANGUAGE)
				app->dlg = DLG_NONE;
		}
		return 1;
	case HALL_ACT_TOGGLE_MODE:
		if (!act.arg)
			return 0;
		app__set_mode(app, (unsigned)act.arg);
		return 1;
	case HALL_ACT_SPEECH:
		if (act.arg == HALL_APP_KEY_SPEECH_REPLAY)
			replay(app, now);
		else
			speech_key(app, (hall_app_key_code)act.arg);
		return 1;
	case HALL_ACT_MORE_TIME:
		return take_more_time(app);
	case HALL_ACT_FINISH:
		if (app->dlg != DLG_MORE_TIME)
			return 0;
		app__end_session(app, now, HALL_APP_END_FINISH);
		return 1;
	case HALL_ACT_PAGE: {
		int d = act.arg > 0 ? 1 : -1;
		if (app->dlg != DLG_NONE || app__urgent_notice(app) || app__is_closed(app) || !app->content) {
			/* Pages of a dialog, a notice, the closed or no-content screen. */
			app->dialog_page += d;
			return 1;
		}
		if (app->scr == SCR_HOME) {
			app->home_page += d;
			return 1;
		}
		if (app->scr == SCR_ATTRACT) {
			app->attract_page += d;
			return 1;
		}
		break; /* an exhibit's pages */
	}
	case HALL_ACT_OPEN_EXHIBIT:
		if (app->dlg != DLG_NONE || (app->scr != SCR_HOME && app->scr != SCR_ATTRACT) || !app->content ||
		    act.arg < 0 || (size_t)act.arg >= app->content->n_exhibits)
			return 0;
		app__enter_exhibit(app, (size_t)act.arg);
		return 1;
	case HALL_ACT_NONE:
	case HALL_ACT_START:
	case HALL_ACT_SLIDE_PREV:
	case HALL_ACT_SLIDE_PAUSE:
	case HALL_ACT_SLIDE_NEXT:
	case HALL_ACT_PIN_DIGIT:
	case HALL_ACT_PIN_DELETE:
	case HALL_ACT_PIN_CANCEL:
	case HALL_ACT_PIN_OK:
	case HALL_ACT_BRAND_STEP:
	case HALL_ACT_OPEN_CARD:
	case HALL_ACT_OPEN_CHART:
	case HALL_ACT_MAP:
	case HALL_ACT_ZOOM:
	case HALL_ACT_PAN:
	case HALL_ACT_DISTRICT_LIST:
	case HALL_ACT_SHOW_MAP:
	case HALL_ACT_DISTRICT:
	case HALL_ACT_POLL_OPTION:
	case HALL_ACT_VOTE:
		break;
	}
	/* What is left belongs to the exhibit on screen, with no dialog over it. */
	if (app->dlg != DLG_NONE || app->scr != SCR_EXHIBIT || !ex)
		return 0;
	return activate_exhibit(app, ex, act, now);
}

static void say_label(hall_app *app, const hall_dl_item *it, int kept);

/* In voice mode, a control the visitor activated that left the screen as it was (a poll
 * option chosen, a mode toggled, a page turned) is read again with its new state ("…,
 * selected"), unless the input said something already: the visitor heard nothing but a
 * tap sound before. */
static void read_new_state(hall_app *app, hall_act act, const char *id, const char *before, int64_t now)
{
	if (!(app->modes & HALL_APP_MODE_VOICE) || app->batch_len > 0 || strcmp(before, hall_app_screen_id(app)) != 0)
		return;
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *it = hall_dl_find(app->scratch, id);
	if (it)
		say_label(app, it, 1);
	int map = act.kind == HALL_ACT_ZOOM || act.kind == HALL_ACT_PAN;
	if (act.kind != HALL_ACT_PAGE && act.kind != HALL_ACT_BRAND_STEP && !map)
		return;
	if (app->scr == SCR_EXHIBIT && app->dlg == DLG_NONE) {
		/* An exhibit's page turned: its text (a card's text runs over pages in large
		 * text; the visitor heard "Next (2 / 3)" and the page's first control; the
		 * brand's "next" inside a slide of three pages said "Next" alone: its story was
		 * never heard in large text). The map zoomed or moved: the same, which holds
		 * its zoom level (zooming in said "Zoom in" again; zooming out to 1x, where the
		 * button is disabled, said nothing). */
		char all[4096];
		if (screen_text(app, 1, all, sizeof(all))) {
			app__say_kept(app, all, app->lang);
			return;
		}
	}
	if (map)
		return;
	/* A page turned ("Next (3 / 4)"): then what the new page begins with, its first
	 * control in focus order (large text shows one home tile a page: the visitor heard
	 * only page numbers). */
	const hall_dl_item *first = NULL;
	for (size_t i = 0; i < hall_dl_count(app->scratch); i++) {
		const hall_dl_item *h = hall_dl_at(app->scratch, i);
		if (h->kind == HALL_DL_HIT && h->act.kind != HALL_ACT_PAGE && (!first || h->focus_order < first->focus_order))
			first = h;
	}
	if (first && first->act.kind != HALL_ACT_HOME && first->act.kind != HALL_ACT_BACK &&
	    first->act.kind != HALL_ACT_LANGUAGE_MENU && first->act.kind != HALL_ACT_ACCESS_MENU &&
	    first->act.kind != HALL_ACT_CALL_STAFF)
		say_label(app, first, 1);
}

/* After input: report views, speak the new screen's heading in voice mode. */
void app__after_input(hall_app *app, int64_t now, const char *before)
{
	app__note_view(app, now);
	int resumed = app->resumed;
	app->resumed = 0;
	if (!resumed && (app->modes & HALL_APP_MODE_VOICE) && strcmp(before, hall_app_screen_id(app)) != 0) {
		frame fr;
		app__build_frame(app, now, app->scratch, &fr);
		/* The closed screen is short and is all there is to know: read it whole, in the
		 * language just chosen. Elsewhere the heading, then the keypad reads on. */
		if (app__is_closed(app) && app->dlg == DLG_NONE)
			speak_screen(app);
		else if (app->scr == SCR_EXHIBIT && app->dlg == DLG_NONE && !app__urgent_notice(app))
			read_page(app);
		else
			app__speak(app, app->heading);
	}
	/* After the heading: a dialog that opened reads its focused control next. */
	app__follow_dialog(app, now);
}

static int tap_input(hall_app *app, int x, int y, int64_t now)
{
	app->now = now;
	app->lang_keys = 0;
	char before[256];
	snprintf(before, sizeof(before), "%s", hall_app_screen_id(app));
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *hit = hall_dl_hit_test(app->scratch, x, y);
	int changed = 0;
	if (hit && hit->id && hit->id[0]) {
		char id[128];
		snprintf(id, sizeof(id), "%s", hit->id);
		hall_act act = hit->act;
		const hall_exhibit *ex = app__current_exhibit(app);
		if (act.kind == HALL_ACT_MAP && ex) {
			hall_exhibit_ctx ec;
			hall_poll_tally tally;
			app__exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
			app->last_input = now;
			app__emit(app, HALL_APP_EV_TAP, ex->id, id, 0, NULL);
			changed = hall_exhibit_tap_map(&ec, &app->ex_state[app->exhibit], x, y) != HALL_EXHIBIT_NONE;
			if (changed)
				app__sound(app, HALL_APP_SOUND_TAP);
		} else {
			changed = activate(app, act, id, now);
			if (changed)
				read_new_state(app, act, id, before, now);
		}
	} else if (app->scr == SCR_ATTRACT && app->dlg == DLG_NONE && !app->in_session && app->content && app->open &&
	           !app__urgent_notice(app)) {
		/* The first touch anywhere starts a session on the home screen. */
		app__start_session(app, now);
		app__go_home(app);
		changed = 1;
	} else if (app->in_session && app->dlg != DLG_MORE_TIME) {
		app->last_input = now;
	}
	app__after_input(app, now, before);
	return changed;
}

static int map_gesture(hall_app *app, int64_t now, int drag, int dx, int dy, int cx, int cy, double scale)
{
	const hall_exhibit *ex = app__current_exhibit(app);
	if (!ex || ex->kind != HALL_EXHIBIT_CITY_MODEL || app->dlg != DLG_NONE || !app->in_session)
		return 0;
	app->last_input = now;
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	hall_exhibit_ctx ec;
	hall_poll_tally tally;
	app__exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
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
	app__build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *hit = hall_dl_hit_test(app->scratch, x - dx, y - dy);
	if (app->in_session && app->dlg != DLG_MORE_TIME)
		app->last_input = now;
	if (!hit || hit->act.kind != HALL_ACT_MAP)
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

static int long_press_input(hall_app *app, int x, int y, int64_t now)
{
	app->now = now;
	double ppx = app->screen.width_px / app->screen.width_mm, ppy = app->screen.height_px / app->screen.height_mm;
	int cw = (int)(STAFF_CORNER_MM * ppx), ch = (int)(STAFF_CORNER_MM * ppy);
	/* The two top corners: out of a visitor's way (the bar holds the bottom ones). */
	int corner = y < ch && (x < cw || x >= app->screen.width_px - cw);
	if (!corner) {
		/* A long press elsewhere is a tap (one action per touch). */
		return tap_input(app, x, y, now);
	}
	app->dlg = DLG_STAFF_PIN;
	app->dialog_page = 0;
	app->pin_entry[0] = '\0';
	app->pin_msg = app->pin_guard && hall_staff_pin_locked_until(app->pin_guard, now, hall_clock_now_ms()) ? 2 : 0;
	app->last_input = now;
	app__follow_dialog(app, now);
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

void app__follow_dialog(hall_app *app, int64_t now)
{
	if (app->dlg == app->focus_dlg)
		return;
	dialog_kind was = app->focus_dlg;
	app->focus_dlg = app->dlg;
	if (was == DLG_NONE) {
		snprintf(app->focus_saved, sizeof(app->focus_saved), "%s", app->focus);
		app->has_focus_saved = app->has_focus;
	}
	if (app->dlg == DLG_NONE) {
		snprintf(app->focus, sizeof(app->focus), "%s", app->focus_saved);
		app->has_focus = app->has_focus_saved;
		return;
	}
	if (!app->has_focus && !(app->modes & HALL_APP_MODE_VOICE))
		return;
	/* The dialog's first control, read after what opened the dialog said (its heading,
	 * the "more time?" prompt): a visitor who cannot see the screen must know what Enter
	 * does now (the focus moved there in silence, and Enter on "Choose a language" picked
	 * Korean unheard). Not kept as what is being read: "more time?" resumes the reading
	 * it interrupted, not its own button. */
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	const hall_dl_item *first = NULL;
	for (size_t i = 0; i < hall_dl_count(app->scratch); i++) {
		const hall_dl_item *it = hall_dl_at(app->scratch, i);
		if (it->kind == HALL_DL_HIT && it->focus_order == 1)
			first = it;
	}
	if (first) {
		snprintf(app->focus, sizeof(app->focus), "%s", first->id);
		app->has_focus = 1;
		if (app->modes & HALL_APP_MODE_VOICE)
			say_label(app, first, 0);
	}
}

/* The language a control's label is read in: a language choice names itself in its own
 * language ("日本語" is nothing the Korean voice can read), everything else in the
 * visitor's. */
static hall_lang label_lang(const hall_app *app, const hall_dl_item *it)
{
	if (it->act.kind == HALL_ACT_SET_LANGUAGE && it->act.arg >= 0 && it->act.arg < HALL_LANG_COUNT)
		return (hall_lang)it->act.arg;
	return app->lang;
}

/* Read a control's label: in its language (label_lang), without the check mark that
 * shows a chosen language or mode (the voices read "✓" as nothing), and a chosen option
 * so marked is said to be selected, in the visitor's language ("English, selected" was
 * read "English" whether chosen or not). kept: as app__say_kept. */
static void say_label(hall_app *app, const hall_dl_item *it, int kept)
{
	static const char check[] = "\u2713 ";
	const char *l = it->label;
	if (!l || !l[0])
		return;
	int chosen = memcmp(l, check, sizeof(check) - 1) == 0;
	if (chosen)
		l += sizeof(check) - 1;
	void (*say)(hall_app *, const char *, hall_lang) = kept ? app__say_kept : app__say;
	say(app, l, label_lang(app, it));
	if (chosen && it->role == HALL_ROLE_OPTION)
		say(app, hall_ui_string(HALL_STR_SELECTED, app->lang), app->lang);
}

static void focus_on(hall_app *app, const hall_dl_item *it)
{
	snprintf(app->focus, sizeof(app->focus), "%s", it->id);
	app->has_focus = 1;
	if (!(app->modes & HALL_APP_MODE_VOICE))
		return;
	say_label(app, it, 1);
	/* The map says "touch a district", which a keypad visitor cannot do: what Enter
	 * does there (the district list, key_input). */
	if (it->act.kind == HALL_ACT_MAP)
		app__say_kept(app, hall_ui_string(HALL_STR_MAP_BY_KEYPAD, app->lang), app->lang);
}

/* Speak text in lang and keep it as what is being read: "more time?" interrupts it and
 * taking more time reads it again (a replay or a whole screen was not kept, issue 12:
 * the prompt resumed the heading read before instead). */
static void say_kept(hall_app *app, const char *text, hall_lang lang)
{
	app__say_kept(app, text, lang);
}

static void replay(hall_app *app, int64_t now)
{
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	if (app->has_focus) {
		const hall_dl_item *it = hall_dl_find(app->scratch, app->focus);
		if (it && app->cb.speak) {
			say_label(app, it, 1);
			return;
		}
	}
	speak_screen(app);
}

/* 1 when text item t lies on a control the screen reading skips: the bar's (the same on
 * every screen, each read by the keypad; the reading ended with the five of them) and the
 * city map's names (the map's 25 names came before the screen's heading; the district
 * list reads them). By the controls' typed actions. page: every control's text is
 * skipped (the page's own text is read when it opens; the keypad reads its controls),
 * but a region's (a chart's values are the page's text). */
static int skipped_in_reading(const hall_dl *dl, const hall_dl_item *t, int page)
{
	int cx = t->rect.x + t->rect.w / 2, cy = t->rect.y + t->rect.h / 2;
	for (size_t i = 0; i < hall_dl_count(dl); i++) {
		const hall_dl_item *h = hall_dl_at(dl, i);
		if (h->kind != HALL_DL_HIT || cx < h->rect.x || cy < h->rect.y || cx >= h->rect.x + h->rect.w ||
		    cy >= h->rect.y + h->rect.h)
			continue;
		hall_action k = h->act.kind;
		if ((page && h->role != HALL_ROLE_REGION) || k == HALL_ACT_HOME || k == HALL_ACT_BACK || k == HALL_ACT_LANGUAGE_MENU ||
		    k == HALL_ACT_ACCESS_MENU || k == HALL_ACT_CALL_STAFF || k == HALL_ACT_MAP)
			return 1;
	}
	return 0;
}

/* 1 when the text all[0..n) ends with a stop or a pause of its own (its trailing
 * space aside): ". ! ? , : ; )" or their full-width forms, a closing quote. */
static int ends_sentence(const char *all, size_t n)
{
	while (n > 0 && all[n - 1] == ' ')
		n--;
	if (n == 0)
		return 1;
	static const char *const stops[] = {".", "!", "?", ",", ":", ";", "…", "。", "！", "？", "，", "：", "；", "、",
	                                    "”", "」", "』", "’"};
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		size_t k = strlen(stops[i]);
		if (n >= k && memcmp(all + n - k, stops[i], k) == 0)
			return 1;
	}
	return 0;
}

/* all[0..o) (cap bytes) ending in a space, with a stop in place of that space when the
 * text before it has none (ends_sentence): the next block is a new sentence. Returns the
 * new length. */
static size_t pause_after(char *all, size_t o, size_t cap, int cjk)
{
	const char *stop = cjk ? "。" : ". ";
	if (o < 2 || all[o - 1] != ' ' || ends_sentence(all, o) || o + strlen(stop) + 2 >= cap)
		return o;
	memcpy(all + o - 1, stop, strlen(stop) + 1);
	return o - 1 + strlen(stop);
}

/* 1 when a text item of dl lies in r (a chart's region holds its values). */
static int holds_text(const hall_dl *dl, hall_rect r)
{
	for (size_t i = 0; i < hall_dl_count(dl); i++) {
		const hall_dl_item *t = hall_dl_at(dl, i);
		int cx = t->rect.x + t->rect.w / 2, cy = t->rect.y + t->rect.h / 2;
		if (t->kind == HALL_DL_TEXT && t->text[0] && cx >= r.x && cy >= r.y && cx < r.x + r.w && cy < r.y + r.h)
			return 1;
	}
	return 0;
}

/* The text of the frame in app->scratch in order, into all (cap bytes): every item can
 * be spoken, but the bar's and the map's names (skipped_in_reading; page: the text of
 * every control). Lines are joined by a space, but in Chinese and Japanese a line that
 * continues the one above (same left edge, next line down) is joined without one:
 * "9月 23日" paused mid-date. page: a picture's description (a region holding no text)
 * follows the text. Returns the bytes written. */
static size_t screen_text(const hall_app *app, int page, char *all, size_t cap)
{
	size_t o = 0;
	all[0] = '\0';
	int cjk = app->lang == HALL_LANG_JA || app->lang == HALL_LANG_ZH_HANS || app->lang == HALL_LANG_ZH_HANT;
	const hall_dl_item *prev = NULL;
	/* A disabled control's label (the map's "Zoom out" at 1x) is no text of the page. */
	hall_rgba off = hall_ui_theme_get((app->modes & HALL_APP_MODE_HIGH_CONTRAST) != 0)->inactive_text;
	for (size_t i = 0; i < hall_dl_count(app->scratch) && o + 2 < cap; i++) {
		const hall_dl_item *it = hall_dl_at(app->scratch, i);
		if (it->kind != HALL_DL_TEXT || !it->text[0] || skipped_in_reading(app->scratch, it, page))
			continue;
		if (page && memcmp(&it->color, &off, sizeof(off)) == 0)
			continue;
		int cont = prev && it->rect.x == prev->rect.x && it->rect.y > prev->rect.y &&
		           it->rect.y <= prev->rect.y + 2 * prev->rect.h && it->font_px == prev->font_px &&
		           it->bold == prev->bold;
		/* A new block after one that ends without a stop (a heading, a label) is a new
		 * sentence: "關於宣傳企劃官室該部門負責…" ran the heading into the text in one
		 * breath, "Policy hall: Seoul working with its citizens The main work…" too. */
		if (!cont && prev)
			o = pause_after(all, o, cap, cjk);
		/* ... and a Latin line broken after a hyphen goes on without one ("run-" "off."
		 * read "run- off.") */
		if (cont && o > 1 && all[o - 1] == ' ' && (cjk || all[o - 2] == '-'))
			o--;
		o += (size_t)snprintf(all + o, cap - o, "%s ", it->text);
		if (o > cap - 1)
			o = cap - 1;
		prev = it;
	}
	for (size_t i = 0; page && i < hall_dl_count(app->scratch) && o + 2 < cap; i++) {
		const hall_dl_item *h = hall_dl_at(app->scratch, i);
		if (h->kind != HALL_DL_HIT || h->role != HALL_ROLE_REGION || h->act.kind != HALL_ACT_NONE || !h->label ||
		    !h->label[0] || holds_text(app->scratch, h->rect))
			continue;
		o = pause_after(all, o, cap, cjk);
		o += (size_t)snprintf(all + o, cap - o, "%s ", h->label);
		if (o > cap - 1)
			o = cap - 1;
	}
	while (o > 0 && all[o - 1] == ' ')
		all[--o] = '\0';
	return o;
}

/* Read the whole screen (the closed screen, F5 with nothing focused). */
static void speak_screen(hall_app *app)
{
	char all[4096];
	if (app->cb.speak && screen_text(app, 0, all, sizeof(all)))
		say_kept(app, all, app->lang);
}

/* Read an exhibit page that opened (issue 12 Build 9: a keypad visitor heard the heading
 * alone, and the brand story, a policy card's text, a district's description and the
 * poll's question were never read; the keypad reaches only controls): its heading, then
 * its text but the controls' (each read when the keypad reaches it). */
static void read_page(hall_app *app)
{
	char all[4096];
	size_t n = screen_text(app, 1, all, sizeof(all)), h = strlen(app->heading);
	if (!app->cb.speak)
		return;
	/* What this input said already is not said twice: the thank-you for a vote is also
	 * the thank-you page's first line. */
	const char *text = all;
	size_t said = app->batch_len > 0 ? strlen(app->batch + app->batch_last) : 0;
	if (said > 0 && strncmp(text, app->batch + app->batch_last, said) == 0) {
		text += said;
		while (*text == ' ')
			text++;
	}
	if (n >= h && strncmp(all, app->heading, h) == 0) {
		say_kept(app, text, app->lang); /* the heading is the page's first line(s) */
		return;
	}
	app__speak(app, app->heading);
	say_kept(app, text, app->lang);
}

/* The keypad welcome: in the current language, then one line in each other language of
 * the content saying which number key picks it ("For English, press 2."), in one request
 * that switches the voice's language (HALL_APP_SPEAK_LANG), so that a visitor who does
 * not understand the current language hears how to reach their own. The number is the
 * language's place in the content's list, as hall_app_key takes it on the attract loop. */
static void say_welcome(hall_app *app, int with_languages)
{
	say_welcome_from(app, HALL_STR_WELCOME_KEYPAD, with_languages);
}

/* The welcome from its sentence `first` (HALL_STR_WELCOME_LANGUAGES: the language lines
 * alone). */
static void say_welcome_from(hall_app *app, hall_ui_str first, int with_languages)
{
	char all[2048];
	int o = snprintf(all, sizeof(all), "%s", hall_ui_string(first, app->lang));
	if (with_languages && first != HALL_STR_WELCOME_LANGUAGES && o > 0 && (size_t)o < sizeof(all))
		o += snprintf(all + o, sizeof(all) - (size_t)o, " %s", hall_ui_string(HALL_STR_WELCOME_LANGUAGES, app->lang));
	size_t n = with_languages && app->content ? app->content->n_languages : 0;
	for (size_t i = 0; i < n && i < 10 && o > 0 && (size_t)o < sizeof(all); i++) {
		hall_lang l = app->content->languages[i];
		if (l == app->lang)
			continue;
		char num[4], line[256];
		snprintf(num, sizeof(num), "%zu", (i + 1) % 10);
		hall_ui_fill(line, sizeof(line), hall_ui_string(HALL_STR_LANG_BY_NUMBER, l), num, NULL);
		o += snprintf(all + o, sizeof(all) - (size_t)o, " %c%s %s", HALL_APP_SPEAK_LANG, hall_lang_code(l), line);
	}
	app__say(app, all, app->lang);
}

static int key_input(hall_app *app, hall_app_key_code key, int64_t now)
{
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
	/* The key right after the star key started a visit from the attract loop picks a
	 * language if it is a number (VOICE_TOGGLE below); any key ends that. */
	int lang_keys = app->lang_keys && key >= HALL_APP_KEY_0 && key <= HALL_APP_KEY_9 && app->scr == SCR_HOME;
	app->lang_keys = 0;
	/* A visitor who cannot see the screen finds the kiosk by its keypad: the first key
	 * on the attract loop, whichever, is answered with a welcome in the current language
	 * saying how to turn guidance on and choose a language, voice mode or not (the star
	 * key says "guidance on" instead). A key that moves the focus does only that; Enter,
	 * Escape and Home go on to act as well (they started a visit in silence before,
	 * issue 12: the language and guidance controls are on every screen's bar too). */
	int digit = key >= HALL_APP_KEY_0 && key <= HALL_APP_KEY_9;
	if (app__on_attract(app) && !app->welcomed && key != HALL_APP_KEY_VOICE_TOGGLE && app->voice_available &&
	    app->cb.speak) {
		/* A number key picks its language at once, first key or not (it was taken for
		 * the welcome alone: a Japanese visitor pressing 5 heard Korean and stayed on
		 * the welcome screen); the welcome then follows in the language chosen, without
		 * the language lines (below). */
		if (!digit) {
			app->welcomed = 1;
			say_welcome(app, 1);
			if (key != HALL_APP_KEY_ENTER && key != HALL_APP_KEY_ESCAPE && key != HALL_APP_KEY_HOME)
				return 1;
		}
	}

	switch (key) {
	case HALL_APP_KEY_UP:
	case HALL_APP_KEY_DOWN:
	case HALL_APP_KEY_LEFT:
	case HALL_APP_KEY_RIGHT:
	case HALL_APP_KEY_TAB:
	case HALL_APP_KEY_SHIFT_TAB: {
		frame fr;
		app__build_frame(app, now, app->scratch, &fr);
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
		app__build_frame(app, now, app->scratch, &fr);
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
		if (it->act.kind == HALL_ACT_MAP) {
			/* The map by keypad: open the district list (every district by one key). */
			changed = activate(app, HALL_ACT_0(HALL_ACT_DISTRICT_LIST), "districts", now);
		} else {
			hall_act act = it->act;
			changed = activate(app, act, id, now);
			if (changed)
				read_new_state(app, act, id, before, now);
			else if ((app->modes & HALL_APP_MODE_VOICE) && app->batch_len == 0)
				say_label(app, it, 1); /* a picture: Enter said nothing (issue 12 Build 9) */
		}
		break;
	}
	case HALL_APP_KEY_ESCAPE:
		if (app->dlg == DLG_STAFF_PIN) {
			changed = activate(app, HALL_ACT_0(HALL_ACT_PIN_CANCEL), "pin-cancel", now);
		} else {
			changed = activate(app, HALL_ACT_0(HALL_ACT_BACK), "back", now);
			if (!changed && (app->modes & HALL_APP_MODE_VOICE)) {
				/* Nowhere to go back to (home is the root of a visit): where the visitor
				 * is, rather than silence. */
				frame fr;
				app__build_frame(app, now, app->scratch, &fr);
				app__speak(app, app->heading);
			}
		}
		break;
	case HALL_APP_KEY_HOME:
		changed = activate(app, HALL_ACT_0(HALL_ACT_HOME), "home", now);
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
			changed = activate(app, HALL_ACT(HALL_ACT_PIN_DIGIT, d), "", now);
			break;
		}
		if ((app__on_attract(app) || lang_keys) && app->dlg == DLG_NONE && app->content) {
			/* On the attract loop a number key picks the content's n-th language and
			 * starts the visit in it, as its button does: one key, told by the keypad
			 * welcome in each language (docs/script.md). */
			size_t i = d == 0 ? 9 : (size_t)d - 1;
			if (i < app->content->n_languages) {
				hall_lang l = app->content->languages[i];
				char id[32];
				snprintf(id, sizeof(id), "lang-%s", hall_lang_code(l));
				changed = activate(app, HALL_ACT(HALL_ACT_SET_LANGUAGE, (int)l), id, now);
				/* The language's name in its own voice, then how guidance works (or,
				 * guidance on already, where the visitor is, in it). */
				if (app->voice_available)
					app__say(app, hall_lang_native_name(l), l);
				if (app->voice_available && !(app->modes & HALL_APP_MODE_VOICE))
					say_welcome(app, 0);
				else if (lang_keys) {
					frame fr;
					app__build_frame(app, now, app->scratch, &fr);
					app__speak(app, app->heading);
				}
				app->welcomed = 1;
			} else if (!app->welcomed && app->voice_available) {
				app->welcomed = 1;
				say_welcome(app, 1); /* no such language: the welcome says which there are */
			}
			break;
		}
		/* Number keys jump to the n-th control (0 = the 10th). */
		frame fr;
		app__build_frame(app, now, app->scratch, &fr);
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
			if (app__on_attract(app)) {
				/* A mode chosen on the attract loop: as its toggle, a visit on home.
				 * tour2: the star key as the first key skipped the welcome's language
				 * lines, and on home number keys move the focus: a visitor who did not
				 * understand the language heard "Voice guide: on" and the home heading in
				 * it and no way to their own. The lines are said, and the next key, if a
				 * number, still picks its language (lang_keys). */
				app__start_session(app, now);
				app__set_mode(app, HALL_APP_MODE_VOICE);
				app__go_home(app);
				say_welcome_from(app, HALL_STR_WELCOME_LANGUAGES, 1);
				app->welcomed = 1;
				app->lang_keys = 1;
				lang_keys = 1;
			} else {
				app__set_mode(app, HALL_APP_MODE_VOICE);
				/* Where the visitor is, right after "Voice guide: on" (the screen did not
				 * change, so nothing below reads its heading). */
				frame fr;
				app__build_frame(app, now, app->scratch, &fr);
				app__speak(app, app->heading);
			}
			changed = 1;
		}
		break;
	}
	app__after_input(app, now, before);
	return changed;
}

/* ---- the inputs: what each says is spoken once, when it is handled ---- */

int hall_app_tap(hall_app *app, int x, int y, int64_t now)
{
	if (!app)
		return 0;
	app__batch_begin(app);
	int changed = tap_input(app, x, y, now);
	app__batch_end(app);
	return changed;
}

int hall_app_long_press(hall_app *app, int x, int y, int64_t now)
{
	if (!app)
		return 0;
	app__batch_begin(app);
	int changed = long_press_input(app, x, y, now);
	app__batch_end(app);
	return changed;
}

int hall_app_key(hall_app *app, hall_app_key_code key, int64_t now)
{
	if (!app)
		return 0;
	app__batch_begin(app);
	int changed = key_input(app, key, now);
	app__batch_end(app);
	return changed;
}

/* ---- previews (warming the platform's caches while idle) ---- */

size_t hall_app_preview_points(hall_app *app, int64_t now, int *xy, size_t cap)
{
	if (!app || !xy || app->dlg == DLG_STAFF_PIN)
		return 0;
	frame fr;
	app__build_frame(app, now, app->scratch, &fr);
	size_t n = 0;
	for (size_t i = 0; i < hall_dl_count(app->scratch) && n < cap; i++) {
		const hall_dl_item *it = hall_dl_at(app->scratch, i);
		/* Mode toggles are not tried: each would remake every text of the screen at
		 * another size or colour (tens of MB of textures) for a rare tap. */
		if (it->kind != HALL_DL_HIT || it->act.kind == HALL_ACT_MAP || it->act.kind == HALL_ACT_TOGGLE_MODE)
			continue;
		xy[2 * n] = it->rect.x + it->rect.w / 2;
		xy[2 * n + 1] = it->rect.y + it->rect.h / 2;
		n++;
	}
	const hall_exhibit *ex = app__current_exhibit(app);
	if (ex && fr.exhibit_drawn && app->dlg == DLG_NONE && n < cap) {
		hall_exhibit_ctx ec;
		hall_poll_tally tally;
		app__exhibit_ctx(app, &fr.ui, fr.exhibit_area, ex, &tally, &ec);
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
	app__build_frame(app, now, out, &fr);
	if (ne)
		memcpy(app->ex_state, app->preview_ex, ne * sizeof(*app->ex_state));
	memcpy(app, app->preview_save, sizeof(*app));
	return 0;
}
