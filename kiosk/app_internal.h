/* kiosk/app_internal.h: what the app's modules share (not part of app.h).
 *
 * The app is split by job, as mosquitto splits send_*.c / handle_*.c around
 * mosquitto_internal.h:
 *  - app.c          session state: sessions, time, views, what the network delivers,
 *                   the current exhibit and what the schedule shows;
 *  - app_screens.c  building a frame (attract, home, dialogs, closed, the bar) from the
 *                   state alone, and the screen id;
 *  - app_input.c    input: taps, gestures, the keypad and the typed action of every
 *                   control (kiosk/action.h), and the previews of a tap.
 * Everything here runs on the main thread. */
#ifndef HALL_KIOSK_APP_INTERNAL_H
#define HALL_KIOSK_APP_INTERNAL_H

#include <stdint.h>

#include "app.h"
#include "staff_pin.h"
#include "exhibits/exhibits.h"
#include "ui.h"

#define ATTRACT_SLIDE_MS HALL_MOTION_SLIDE_MS
#define MAX_POLL_RESULTS 32
#define STAFF_CORNER_MM 40.0
#define SAY_MAX 8192 /* bytes of a text for the voice (voice.h: 8192 at most are spoken) */
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
	/* Motion (kiosk/theme.h): the slide faded from and since when; the screen on show
	 * and since when (a new one fades in); the config's reduced motion. */
	int attract_prev;
	int64_t attract_changed;
	char shown_screen[256];
	int64_t screen_changed;
	int reduced_motion;

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
	hall_staff_pin *pin_guard; /* the PIN check and its lockout (staff_pin.h), owned */

	hall_dl *scratch;
	/* hall_app_preview_tap: the state saved while a tap is tried */
	struct hall_app *preview_save;
	hall_exhibit_state *preview_ex;
	size_t preview_ex_cap;
	char screen_id[256];
	char heading[512];

	/* Focus and dialogs: the dialog the keypad focus was last moved for, and the focus
	 * before it opened (given back when it closes). */
	dialog_kind focus_dlg;
	char focus_saved[128];
	int has_focus_saved;
	/* The last thing spoken in voice mode, resumed after "more time?" interrupted it. */
	char said[4096]; /* a whole screen read aloud (speak_screen) fits */
	hall_lang said_lang;
	int resume_said;
	int resumed; /* this input resumed it: the heading is not read over it */
	int welcomed; /* the keypad welcome was spoken on this attract loop */
	int lang_keys; /* the star key started the visit: the next key, a number, picks a
	                * language as on the attract loop (app_input.c) */
	/* The visitor's call for staff (issue 12): its number from the help callback and
	 * where it is. Only a call the controller acknowledged is told as made. */
	char *say_buf;   /* SAY_MAX bytes: a text with its pronunciations applied, owned */
	/* What one input (a key, a tap, a tick...) says, spoken once when it is handled
	 * (app__batch_end): speech replaces what is being spoken, so two texts said by one
	 * input cut each other ("Voice guide: on" was cut by the heading after it at once).
	 * The raw texts, parts joined by a space, a language switch (HALL_APP_SPEAK_LANG)
	 * where the language changes; a part equal to the one before is said once. */
	char *batch;       /* SAY_MAX bytes, owned */
	size_t batch_len;  /* bytes in batch */
	size_t batch_last; /* where the last part starts */
	hall_lang batch_lang, batch_cur; /* the first part's language; the language at the end */
	int batch_depth;   /* nested inputs (a long press that is a tap) */
	int batch_kept;    /* guidance was said: the batch from its first part becomes `said`
	                    * (resumed after "more time?"; what came before it, "Voice guide:
	                    * on", is an announcement, not the reading) */
	size_t batch_kept_from;   /* where that first kept part starts in batch */
	hall_lang batch_kept_lang; /* and its language */
	int64_t help_call;
	enum { HELP_NONE, HELP_CALLING, HELP_CALLED, HELP_UNREACHED } help_state;
};

typedef struct frame {
	hall_ui ui;
	hall_rect content;   /* where the current screen draws */
	hall_rect exhibit_area;
	int exhibit_drawn;
	hall_ui_theme dim; /* the closed screen's colours (ui.th points here then) */
} frame;

/* ---- shared inside the app (module__fn: not part of app.h) ---- */

/* app.c: session state, the current exhibit and what the schedule shows */
const hall_exhibit *app__current_exhibit(const hall_app *app);
size_t app__scheduled_exhibits(const hall_app *app, size_t *idx, size_t cap);
size_t app__shown_exhibits(const hall_app *app, size_t *idx, size_t cap);
int app__featured_exhibit(const hall_app *app);
void app__apply_show(hall_app *app);
/* Callbacks, each skipped when the platform gave none (speak: only in voice mode). */
void app__emit(hall_app *app, hall_app_event_type type, const char *exhibit, const char *target, int64_t dwell,
               const char *poll);
void app__speak(hall_app *app, const char *text);
/* Speak text in lang through the speak callback (when given) with the content's
 * pronunciation list applied: every text for the voice goes through here. */
void app__say(hall_app *app, const char *text, hall_lang lang);
/* app__say, and it is what is being read: "more time?" interrupts it and taking more time
 * reads it again (with the rest of what the same input said). */
void app__say_kept(hall_app *app, const char *text, hall_lang lang);
/* Around the handling of one input: what it says is spoken once, at the outermost end. */
void app__batch_begin(hall_app *app);
void app__batch_end(hall_app *app);
void app__sound(hall_app *app, hall_app_sound s);
void app__speech_changed(hall_app *app);
void app__tally_for(const hall_app *app, const hall_exhibit *ex, hall_poll_tally *t);
void app__count_local_vote(hall_app *app, const hall_poll *p, int option);
void app__exhibit_ctx(hall_app *app, hall_ui *ui, hall_rect area, const hall_exhibit *ex, hall_poll_tally *tally,
                      hall_exhibit_ctx *c);
int app__is_closed(const hall_app *app);
/* What the call-staff dialog says: calling, called, or ask at the desk. */
const char *app__help_text(const hall_app *app);
int app__urgent_notice(const hall_app *app);
/* Seconds left on the "more time?" prompt, rounded up. */
int app__remaining_s(const hall_app *app);
void app__note_view(hall_app *app, int64_t now);
void app__reset_exhibit_states(hall_app *app, int keep_votes);
void app__start_session(hall_app *app, int64_t now);
void app__end_session(hall_app *app, int64_t now, const char *why);
void app__set_mode(hall_app *app, unsigned bit);
void app__set_language(hall_app *app, hall_lang l);
void app__enter_exhibit(hall_app *app, size_t i);
void app__go_home(hall_app *app);
/* Nothing moves by itself: the config's screen.reduced_motion. */
int app__reduced_motion(const hall_app *app);
/* The attract loop is on screen, with nothing over it, and a touch would start a visit. */
int app__on_attract(const hall_app *app);

/* app_screens.c: building a frame from the state alone */
const char *app__notice_string(const hall_app *app, hall_lang *shown);
void app__build_frame(hall_app *app, int64_t now, hall_dl *dl, frame *fr);
void app__base_view(const hall_app *app, char *exhibit, size_t elen, char *target, size_t tlen);
/* dialogs: home's first page with nothing over it (Home there is the current place). */
int app__at_home_start(const hall_app *app);

/* app_input.c: what a control does */
void app__after_input(hall_app *app, int64_t now, const char *before);
/* Move the keypad focus into a dialog that opened (its first control) and give it back
 * where it was when the dialog closes. Only for a visitor using the keypad or voice: a
 * touch does not draw a ring. Call after anything that may open or close a dialog. */
void app__follow_dialog(hall_app *app, int64_t now);

#endif
