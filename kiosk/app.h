/* kiosk/app.h: the kiosk's application logic, with no SDL in it.
 *
 * The app is a UI state machine (attract loop, visitor session, exhibits, staff exit)
 * that builds a display list (kiosk/displaylist.h) for every frame and takes input as
 * taps, drags, pinches, long presses and keys in viewport pixels. The platform layer
 * (main.c, *_sdl.c) draws the list, turns SDL input into these calls and provides the
 * callbacks below; the link layer feeds what the network delivers through the setters.
 *
 * Threading: every function must be called from the one main thread.
 *
 * Time: every call that can change state takes now_ms (monotonic or wall ms, but the same
 * clock for all calls of one app). The app never reads a clock itself, so tests drive
 * timeouts by passing values; nothing sleeps.
 *
 * HIT ids the app draws (stable: scripts, tests and usage reports use them):
 *  every screen: "home", "back", "language", "accessibility", "call-staff" (the bar);
 *  attract: "start", "exhibit-<id>" (the exhibit the schedule features), "lang-<code>", "slide-pause",
 *    "attract-image", "attract-picture" (low position: the picture above the band, a region);
 *    when the poster cannot fit (paged fallback) also "mode-*", "slide-prev", "slide-next"; home: "exhibit-<id>"; dialogs: "lang-<code>", "mode-*",
 *    "mode-reduced-motion" (accessibility dialog), "volume-up/-down", "rate-up/-down", "speech-pause", "speech-replay", "dialog-close",
 *    "more-time", "finish", "pin-0".."pin-9", "pin-delete", "pin-cancel", "pin-ok";
 *  info notice banner: "notice"; any overflowing page: "page-prev", "page-next";
 *  exhibits: see kiosk/exhibits/exhibits.h.
 * Every HIT also carries its typed action (kiosk/action.h), which is what input acts on;
 * the ids name the controls. The display list's HIT items carry the keypad focus order (reading order) and
 * `focused`; a ring (a BOX with fill alpha 0 and a border) is drawn around the focused one.
 *
 * Ownership: hall_app_create borrows cfg (copies what it needs) and copies *cb.
 * hall_app_set_content takes ownership of the content (freed with hall_content_destroy on
 * the next set_content or on destroy). Strings passed to setters are copied. Strings
 * inside a hall_app_event are borrowed for the duration of the emit callback only. */
#ifndef HALL_KIOSK_APP_H
#define HALL_KIOSK_APP_H

#include <stddef.h>
#include <stdint.h>

#include "hall/config.h"
#include "hall/content.h"
#include "hall/err.h"
#include "hall/lang.h"
#include "hall/schedule.h"
#include "displaylist.h"

typedef struct hall_app hall_app;

/* Event types, named as on the wire (docs/protocol.md "events"). */
typedef enum hall_app_event_type {
	HALL_APP_EV_TAP,
	HALL_APP_EV_SESSION_START,
	HALL_APP_EV_SESSION_END,
	HALL_APP_EV_VIEW,
	HALL_APP_EV_LANGUAGE,
	HALL_APP_EV_MODE,
	HALL_APP_EV_VOTE,
	HALL_APP_EV_HELP
} hall_app_event_type;

/* The wire name of a type ("tap", "session_start", ...); "?" when out of range. */
const char *hall_app_event_type_name(hall_app_event_type t);

/* One usage event. The link adds kiosk id, seq and ts. Strings are never NULL ("" when
 * not applicable) and are borrowed until emit returns.
 *  - exhibit: exhibit id on screen ("" on attract/home).
 *  - target: TAP: the HIT id tapped; VIEW: the page viewed ("home", "brand",
 *    "brand/slide-2", "policy/budget", "city-model/district-jongno", "poll/thanks");
 *    LANGUAGE: the language code chosen; MODE: "<mode>:on" or "<mode>:off" with mode one
 *    of large-text, high-contrast, low-position, voice, reduced-motion; VOTE: the option id;
 *    SESSION_END: why the session ended, one of HALL_APP_END_*.
 *  - session: visitor session number on this kiosk since boot (0 = attract loop); the
 *    link puts the session's lifelong id on the wire instead (link_events.c).
 *  - dwell_ms: SESSION_END: length of the session; VIEW: how long the view lasted (a
 *    VIEW is emitted when the visitor leaves a view, and for the last view when the
 *    session ends; views of the attract loop are not reported); 0 elsewhere.
 *  - poll: VOTE: the poll id; "" elsewhere. */
typedef struct hall_app_event {
	hall_app_event_type type;
	const char *exhibit;
	const char *target;
	uint32_t session;
	hall_lang lang;
	int64_t dwell_ms;
	const char *poll;
} hall_app_event;

/* Why a session ended: the target of its SESSION_END (docs/protocol.md "events"). */
#define HALL_APP_END_TIMEOUT "timeout"       /* no input: "more time?" ran out */
#define HALL_APP_END_FINISH "finish"         /* the visitor chose "finish" */
#define HALL_APP_END_CLOSED "closed"         /* the schedule closed the hall */
#define HALL_APP_END_CONTENT "content"       /* new content replaced the one in use */
#define HALL_APP_END_QUIT "quit"             /* a script's quit */
#define HALL_APP_END_STOP "stop"             /* the program was stopped (SIGTERM, SIGINT) */
#define HALL_APP_END_STAFF_EXIT "staff-exit" /* staff left to the desktop with the PIN */

/* Sounds the platform plays (DESIGN.md: "a sound when an input completes"). */
typedef enum hall_app_sound {
	HALL_APP_SOUND_TAP,      /* a control was activated */
	HALL_APP_SOUND_DONE,     /* a vote or a PIN was accepted */
	HALL_APP_SOUND_WARNING   /* "more time?" appeared; a wrong PIN */
} hall_app_sound;

/* Speech settings, sent whenever they change. */
typedef struct hall_app_speech {
	int enabled;      /* voice guidance on */
	int volume_pct;   /* 0..100: the visitor's share of the configured level (config
	                   * voice.volume, the cap); 100 = the configured level, the start */
	int rate_pct;     /* 50..200, 100 = normal */
	int paused;       /* 1: pause what is being spoken; 0: resume */
} hall_app_speech;

/* The byte that switches the language of a text handed to `speak`: "\x1e" "en" " " …
 * (ASCII record separator). Only a known code followed by a space switches; anything else
 * after it is read as text in the language in force. */
#define HALL_APP_SPEAK_LANG '\x1e'

/* At p, just after a HALL_APP_SPEAK_LANG byte of a NUL-terminated text: the length of
 * "code " when it names a language (that language into *out), else 0 (not a switch). */
static inline size_t hall_app_speak_switch(const char *p, hall_lang *out)
{
	char code[16];
	size_t n = 0;
	while (p[n] && p[n] != ' ' && n + 1 < sizeof(code)) {
		code[n] = p[n];
		n++;
	}
	code[n] = '\0';
	return p[n] == ' ' && hall_lang_from_code(code, out) == 0 ? n + 1 : 0;
}

/* Platform services. ctx is passed back unchanged. Any callback may be NULL except
 * measure (then a simple width model is used, meant for tests only). */
typedef struct hall_app_callbacks {
	void *ctx;
	/* Size in px of utf8[0..len) set in one line at font_px in lang's face; returns 0
	 * on success (w, h set), nonzero on failure. */
	int (*measure)(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w,
	               int *h);
	/* A usage event (see hall_app_event). */
	void (*emit)(void *ctx, const hall_app_event *ev);
	/* Speak utf8 in lang now, replacing what is being spoken. Called while voice guidance
	 * is on, and for "replay", the keypad welcome, "more time?" and turning guidance
	 * off; at most once per input (a key, a tap, a tick, a help result): what one input
	 * says is joined into one text, so nothing it says cuts the rest. utf8 may switch
	 * language part-way: at
	 * HALL_APP_SPEAK_LANG (below) followed by a language code and one space, what follows
	 * is in that language (the keypad welcome ends with a line in each other language). */
	void (*speak)(void *ctx, const char *utf8, hall_lang lang);
	/* A visitor pressed call-staff on `exhibit` ("" when none) during visitor session
	 * `session` (as in hall_app_event.session: 0 = the attract loop). Returns the call's
	 * number (>= 1) when it is on its way: the screen says "calling staff…" until
	 * hall_app_help_result says how it ended; 0 when no call can be made (the screen says
	 * to ask at the desk at once, as it does when help is NULL). */
	int64_t (*help)(void *ctx, const char *exhibit, uint32_t session);
	/* Staff entered the right PIN: the program should exit to the desktop/maintenance. */
	void (*staff_exit)(void *ctx);
	/* Optional: speech settings changed. */
	void (*speech)(void *ctx, const hall_app_speech *settings);
	/* Optional: play a short sound. */
	void (*sound)(void *ctx, hall_app_sound s);
} hall_app_callbacks;

/* Keys the platform maps from a keyboard or an accessible keypad. Digits are
 * consecutive (HALL_APP_KEY_0 + n). */
typedef enum hall_app_key_code {
	HALL_APP_KEY_UP,
	HALL_APP_KEY_DOWN,
	HALL_APP_KEY_LEFT,
	HALL_APP_KEY_RIGHT,
	HALL_APP_KEY_TAB,
	HALL_APP_KEY_SHIFT_TAB,
	HALL_APP_KEY_ENTER,
	HALL_APP_KEY_ESCAPE,    /* back (or close a dialog) */
	HALL_APP_KEY_HOME,      /* home: end the page, back to the home screen */
	HALL_APP_KEY_0,
	HALL_APP_KEY_1,
	HALL_APP_KEY_2,
	HALL_APP_KEY_3,
	HALL_APP_KEY_4,
	HALL_APP_KEY_5,
	HALL_APP_KEY_6,
	HALL_APP_KEY_7,
	HALL_APP_KEY_8,
	HALL_APP_KEY_9,
	HALL_APP_KEY_VOLUME_UP,
	HALL_APP_KEY_VOLUME_DOWN,
	HALL_APP_KEY_SPEECH_PAUSE,   /* toggles pause/resume */
	HALL_APP_KEY_SPEECH_REPLAY,  /* speak the focused control (and the screen's text) again */
	HALL_APP_KEY_RATE_UP,
	HALL_APP_KEY_RATE_DOWN,
	HALL_APP_KEY_VOICE_TOGGLE    /* voice guidance on/off */
} hall_app_key_code;

/* Accessible modes, a bit set. */
enum {
	HALL_APP_MODE_LARGE_TEXT = 1 << 0,    /* whole screen at 200%, reflowed */
	HALL_APP_MODE_HIGH_CONTRAST = 1 << 1, /* 7:1 contrast for every text */
	HALL_APP_MODE_LOW_POSITION = 1 << 2,  /* everything operable/readable 400..1220 mm */
	HALL_APP_MODE_VOICE = 1 << 3,         /* voice guidance */
	HALL_APP_MODE_REDUCED_MOTION = 1 << 4 /* nothing moves by itself (no fades, no turning
	                                       * languages), as config screen.reduced_motion; a
	                                       * toggle in the accessibility dialog only */
};

/* A new app on the attract screen, no content (it shows a safe "no content" screen
 * until hall_app_set_content). cfg is read now and not kept. Returns NULL on
 * out-of-memory or when cfg/cb are NULL. */
hall_app *hall_app_create(const hall_kiosk_config *cfg, const hall_app_callbacks *cb);
/* Frees the app and the content it owns. NULL is allowed. */
void hall_app_destroy(hall_app *app);

/* Replace the content. Ownership of `content` passes to the app (NULL shows the "no
 * content" screen). pack_dir is copied: image paths in the content are relative to it.
 * A running session is ended first (the link should defer while hall_app_in_session). */
void hall_app_set_content(hall_app *app, hall_content *content, const char *pack_dir);

/* 1 while a visitor session runs (from the first touch until the session ends) or the
 * staff PIN keypad is open: the link then defers a content switch. */
int hall_app_in_session(const hall_app *app);

/* End a running visitor session now because the program stops: the last view and a
 * SESSION_END with its dwell and target `why` (HALL_APP_END_QUIT, _STOP, _STAFF_EXIT;
 * NULL or "" is _STOP) are emitted, and the app is back on the attract loop. Call it
 * before the program waits for its events to be confirmed. Returns 1 when a session was
 * running (the events were emitted), else 0 (nothing is emitted). */
int hall_app_end_session(hall_app *app, const char *why, int64_t now_ms);

/* The platform's voice is speaking now (1) or silent (0): call once per frame before
 * hall_app_tick. While guidance reads to a visitor (voice mode, not paused) the session
 * is not idle: "more time?" comes idle_timeout_s after the reading ended, instead of
 * cutting a reading longer than that (a screen read whole can run past a minute; taking
 * more time read it again from its start, to be cut again). */
void hall_app_speaking(hall_app *app, int speaking, int64_t now_ms);

/* Advance time: idle warnings, session end, attract slides, notice expiry. Call once
 * per frame (and before build). */
void hall_app_tick(hall_app *app, int64_t now_ms);

/* Clear `out` and build the current screen into it. Pointers in `out` stay valid until
 * the next clear; the app keeps no pointers into `out`. */
void hall_app_build(hall_app *app, int64_t now_ms, hall_dl *out);

/* Input, in viewport px. Each returns 1 when it changed what is shown (redraw), else 0. */
int hall_app_tap(hall_app *app, int x, int y, int64_t now_ms);
/* One drag step: (x, y) is the pointer now, (dx, dy) the movement since the last step. */
int hall_app_drag(hall_app *app, int x, int y, int dx, int dy, int64_t now_ms);
/* One pinch step: `scale` is the factor since the last step (1.1 = 10% bigger) around (cx, cy). */
int hall_app_pinch(hall_app *app, int cx, int cy, double scale, int64_t now_ms);
/* A press held still for ~1 s (the platform decides the duration). */
int hall_app_long_press(hall_app *app, int x, int y, int64_t now_ms);
int hall_app_key(hall_app *app, hall_app_key_code key, int64_t now_ms);

/* "attract", "home", "exhibit:<id>", "exhibit:<id>/<page>" (e.g. "exhibit:brand/slide-2",
 * "exhibit:policy/card-3", "exhibit:city-model/district-jongno", "exhibit:poll/thanks"),
 * "more-time", "staff-pin", "closed", "no-content". Borrowed until the next call. */
const char *hall_app_screen_id(hall_app *app);
hall_lang hall_app_language(const hall_app *app);
/* 1 while a screen change fades in or the attract slides cross-fade (kiosk/theme.h
 * motion), as of the last build at now_ms: the frames then change by themselves. */
int hall_app_animating(const hall_app *app, int64_t now_ms);
/* HALL_APP_MODE_* bits in force now. */
unsigned hall_app_modes(const hall_app *app);

/* ---- what the network delivers (all strings copied) ---- */

/* Live tallies from the controller for poll `poll_id`: n options, ids[i] with votes[i],
 * total. Replaces earlier results for that poll; results for another poll are kept
 * only if that poll is in the content. */
void hall_app_set_poll_results(hall_app *app, const char *poll_id, const char *const *option_ids,
                               const int64_t *votes, size_t n, int64_t total);

typedef enum hall_app_notice_level { HALL_APP_NOTICE_INFO, HALL_APP_NOTICE_URGENT } hall_app_notice_level;
/* Show a notice: INFO as a banner, URGENT full screen above everything (a language,
 * accessibility or call-staff dialog open closes; one the visitor opens from the bar
 * afterwards shows over it, so the bar works there too). text[lang] may
 * be NULL for a missing language (then Korean, then English, then any is shown).
 * until_ms <= 0: until cleared. Same clock as now_ms. */
void hall_app_set_notice(hall_app *app, hall_app_notice_level level, const char *const text[HALL_LANG_COUNT],
                         int64_t until_ms);
void hall_app_clear_notice(hall_app *app);

/* Schedule state: open = 0 shows the "closed" screen, with the next opening when
 * next_open_ms > 0 (UTC epoch ms, shown in the hall's time zone, Asia/Seoul by default);
 * a running session is ended. */
void hall_app_set_schedule(hall_app *app, int open, int64_t next_open_ms);

/* 1 while the schedule has the hall open (the default), 0 while closed. */
int hall_app_is_open(const hall_app *app);

/* What the schedule shows outside a visitor session: item NULL (or an attract item) is
 * the default (home lists every exhibit); an exhibit item features that exhibit on the
 * attract loop (a button "exhibit-<id>" that opens it) and home lists only it; a playlist
 * item features its exhibits in turn (one per slide time) and home lists only them, in
 * the playlist's order. Exhibits the content lacks are skipped; when none is left, the
 * default applies. During a session nothing changes: the latest item is applied when
 * the session ends. The item is copied. */
void hall_app_set_show(hall_app *app, const hall_schedule_item *item);

/* Evaluate `schedule` (NULL: always open, default item) at UTC epoch ms `utc_ms` in zone
 * tz (see hall_schedule_eval) and apply it: hall_app_set_schedule when open/closed or the
 * next opening changed, and hall_app_set_show with the active item. Call at least once a
 * minute. On an evaluation error the kiosk stays open with the default item and the
 * error is returned (err set). */
hall_err hall_app_follow_schedule(hall_app *app, const hall_schedule *schedule, const char *tz, int64_t utc_ms,
                                  hall_error *err);

/* Help call `call` (as the help callback returned it) reached the controller, which
 * acknowledged it (delivered 1: "staff have been called"), or was given up (0: "please
 * ask at the desk"; the dialog opens again if the visitor closed it). Spoken in voice
 * mode, with the DONE or WARNING sound. A call the app no longer waits for (another call
 * since, or the session ended) is ignored. */
void hall_app_help_result(hall_app *app, int64_t call, int delivered, int64_t now_ms);

/* Command "show": open exhibit `exhibit_id` (starts a session if on attract). Returns
 * 0, or -1 when no such exhibit is in the content (the command then fails). */
int hall_app_show(hall_app *app, const char *exhibit_id, int64_t now_ms);
/* Command "identify": draw the kiosk's id large over every screen until until_ms. */
void hall_app_identify(hall_app *app, int64_t until_ms);

/* ---- previews: the screens one tap away, for warming caches while idle ---- */

/* Points (x, y pairs into xy, at most cap) whose tap may show another screen: the centre
 * of every control on the screen now but the mode toggles (a mode remakes every text
 * of a screen: too much to hold for a rare tap) and, on a city map, each district.
 * Returns how many; 0 while the staff PIN keypad is open (its keys are never tried). */
size_t hall_app_preview_points(hall_app *app, int64_t now_ms, int *xy, size_t cap);

/* Build into `out` the frame a tap at (x, y) would show, and leave the app exactly as it
 * was: no callback but measure is called (no event, sound, speech, help or exit), and
 * every state the tap changed is restored. Returns 0, or -1 while the staff PIN keypad
 * is open or on out-of-memory (out is then untouched). */
int hall_app_preview_tap(hall_app *app, int x, int y, int64_t now_ms, hall_dl *out);

#endif
