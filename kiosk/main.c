/* main.c: hall-kiosk. Owns SDL and the main loop, and glues the app (kiosk/app.h: what
 * is shown) to the link (kiosk/link.h: MQTT, spool, content) and to the platform layer
 * (render_sdl, text_sdl, gesture, script).
 *
 * One frame: drain the link's updates, read input (touch -> gestures, keys), run one due
 * script action, tick the app, build the display list, and draw it only when it differs
 * from the one on screen; then the link's per-frame work (spool fsync, batches). Before
 * sleeping, an idle kiosk warms the caches with the screens one tap away (warm_step);
 * then it sleeps in SDL_WaitEventTimeout until input, a wake from the link's network
 * thread, or the next timer. */
#include <SDL.h>
#include <SDL_image.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "displaylist.h"
#include "frame_health.h"
#include "gesture.h"
#include "hall/clock.h"
#include "hall/config.h"
#include "hall/fsutil.h"
#include "hall/log.h"
#include "hall/protocol.h"
#include "hall/schedule.h"
#include "link.h"
#include "memtune.h"
#include "render_sdl.h"
#include "script.h"
#include "audio_sdl.h"
#include "text_sdl.h"

#define IDLE_WAIT_MS 200      /* longest sleep: the app's timers (countdowns) tick this often */
#define ANIM_WAIT_MS 16       /* after a changed frame: the screen may be animating */
#define SCHEDULE_EVAL_MS 30000
#define QUIT_FLUSH_MS 5000
#define STATUS_EVERY_MS 5000   /* the frame rate the status carries is measured over this long */
#define IDENTIFY_MS 10000     /* issue #4: the id shows for 10 s */
#define STATS_MAX 100000
#define WARM_POINTS 128       /* screens one tap away warmed per screen shown */
#define WARM_SLICE_MS 12      /* longest warming slice while idle (one decode may run over) */
#define WARM_MIN_IDLE_MS 3    /* warm only when at least this long is left before the next due */
#define WARM_TRIES 8          /* slices one preview may take before it is warmed as far as it got */
/* kperf2: cold work (new texts) the frame of an input and a fade's frames may do,
 * counted from the frame's start: the frame of an input shows it at once (issue #12:
 * input-to-present p99 <= 8 ms), the next frames make the rest (render_sdl.h,
 * hall_render_defer_until). */
#define COLD_INPUT_US 2500
#define COLD_FADE_US 7000

/* Pointer ids for the gesture recogniser that no finger uses. */
#define MOUSE_POINTER INT64_MIN
#define SCRIPT_POINTER (INT64_MIN + 1)

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

typedef struct stats {
	int enabled;
	double slow_ms;         /* HALL_STATS_SLOW_MS: log every frame slower than this (0 = off) */
	double *frame_ms;       /* build + draw + present of drawn frames */
	double *build_ms;       /* tick + build of the same frames */
	size_t nframes;
	double *steady_ms;      /* frames equal to the one before (nothing moves) */
	size_t nsteady;
	double *anim_ms;        /* frames of a screen change's fade or a slide's cross-fade */
	size_t nanim;
	double *latency_ms;     /* input event timestamp -> return of SDL_RenderPresent */
	size_t nlat;
	double first_frame_ms;  /* process start -> first present */
	unsigned long steady_frames, steady_textures;
	/* The same in CPU time of the main thread (CLOCK_THREAD_CPUTIME_ID): what the kiosk
	 * spent itself, which other processes on a shared machine stretch much less than the
	 * wall-clock figures. Indexed as their wall-clock twins. */
	double *frame_cpu, *steady_cpu, *anim_cpu, *latency_cpu;
	double input_cpu_ms;    /* thread CPU when the oldest unpresented input was taken */
	hall_render_cost input_cost; /* cold work done before that input (HALL_STATS_SLOW_MS log) */
} stats;

/* Warming while idle: the screens one tap away from the one on show are built off-screen
 * (hall_app_preview_tap) and their text and images made into textures, so the tap that
 * shows one draws from warm caches. Work is cut into slices of WARM_SLICE_MS that stop
 * as soon as an event is waiting; a layout that runs out of time is finished with
 * estimated sizes, thrown away and redone in the next slice (the sizes measured so far
 * stay cached). */
typedef struct warmer {
	hall_dl *dl;          /* the preview being warmed */
	int xy[2 * WARM_POINTS];
	size_t npoints, next; /* next point to try */
	size_t item;          /* next item of dl to warm */
	int have_points, have_dl;
	int active;           /* inside a warming slice: measure keeps to the deadline */
	int short_measure;    /* a measurement was estimated: the preview is not usable */
	int tries;            /* slices the preview at `next` has run out of time in */
	Uint64 deadline;      /* performance counter */
} warmer;

typedef struct kiosk {
	hall_kiosk_config cfg;
	int headless;
	const char *shots_dir;
	SDL_Window *win;
	SDL_Renderer *ren;
	hall_ttf *ttf;
	hall_render *render;
	hall_audio_sdl *audio;   /* NULL when voice cannot work here (audio_sdl.h) */
	hall_app *app;
	hall_link *link;
	hall_gesture *gesture;
	hall_dl *dl[2];
	int cur;                 /* dl[cur] is on screen */
	int have_frame, force_redraw;
	Uint32 wake_type;
	atomic_int wake_pending;
	hall_script *script;
	hall_script_player player;
	int quit, exit_code, quit_flush;
	const char *quit_why;    /* HALL_APP_END_*: why a running session ends at quit */
	/* content held back while a visitor session runs */
	hall_content *pending;
	char pending_dir[HALL_LINK_PATH_MAX];
	int64_t pending_version, pending_since;
	int content_shown;            /* content from the controller shown since start */
	/* a script's wait-content: the player is held until content is shown or this time */
	int64_t script_hold_until;
	const hall_script_action *script_hold;
	/* design2: a script's find-id or pages, walking a view's pages over several frames */
	const hall_script_action *walk;
	int walk_n, walk_back, walk_shoot;
	int64_t walk_due;
	char walk_shot[HALL_SCRIPT_ARG_MAX + 16];
	int pending_deferred_logged;
	hall_schedule *schedule;
	int64_t next_schedule_eval;
	int open_state;          /* -1 unknown, else last value given to the app */
	char shot_cmd[HALL_ID_MAX + 1];
	Uint32 input_ts;         /* oldest input not yet presented (SDL ticks), 0 = none */
	int64_t last_status;
	unsigned frames_since_status;
	/* console helper: the status's render health (frame_p99_ms, frame_health.h); the next
	 * drawn frame applies new content or a notice (left out of it) */
	hall_frame_health health;
	int frame_loading;
	stats st;
	Uint64 t_start;
	warmer warm;
	int finishing;           /* kperf2: the last draw left work to this one (not steady) */
} kiosk;

/* ---------------------------------------------------------------- app callbacks */

static int cb_measure(void *ctx, const char *utf8, size_t len, int font_px, hall_lang lang, int bold, int *w, int *h)
{
	kiosk *k = ctx;
	if (k->warm.active && SDL_GetPerformanceCounter() > k->warm.deadline &&
	    !hall_ttf_measure_cached(k->ttf, utf8, len, font_px, lang, bold)) {
		/* out of time while warming: a rough size finishes the layout quickly; the
		 * preview is thrown away (warm_step) */
		k->warm.short_measure = 1;
		*w = (int)len * font_px / 2;
		*h = font_px;
		return 0;
	}
	return hall_ttf_measure(k->ttf, utf8, len, font_px, lang, bold, w, h);
}

static void cb_emit(void *ctx, const hall_app_event *ev)
{
	kiosk *k = ctx;
	hall_link_event le = {
		.type = hall_app_event_type_name(ev->type),
		.exhibit = ev->exhibit ? ev->exhibit : "",
		.target = ev->target ? ev->target : "",
		.session = (int64_t)ev->session, /* the link puts the session's lifelong id on the wire */
		.lang = hall_lang_code(ev->lang),
		/* a session's length, or a view's (docs/protocol.md: dwell_ms) */
		.dwell_ms = ev->type == HALL_APP_EV_SESSION_END || ev->type == HALL_APP_EV_VIEW ? ev->dwell_ms : -1,
		.poll = ev->poll && ev->poll[0] ? ev->poll : NULL,
	};
	hall_error err = {{0}, {0}};
	hall_err rc = hall_link_record(k->link, &le, NULL, &err);
	if (rc != HALL_OK) {
		char buf[512];
		/* FULL and IO: the spool counted it and logs the count (not one line per tap) */
		hall_log(rc == HALL_ERR_FULL || rc == HALL_ERR_IO ? HALL_LOG_DEBUG : HALL_LOG_WARN, "event %s not recorded: %s",
		         le.type, hall_error_format(&err, buf, sizeof(buf)));
	}
}

static void cb_speak(void *ctx, const char *utf8, hall_lang lang)
{
	kiosk *k = ctx;
	hall_debug("speak (%s): %s", hall_lang_code(lang), utf8);
	hall_audio_sdl_speak(k->audio, utf8, lang);
}

static void cb_speech(void *ctx, const hall_app_speech *settings)
{
	kiosk *k = ctx;
	hall_audio_sdl_speech(k->audio, settings);
}

static void cb_sound(void *ctx, hall_app_sound s)
{
	kiosk *k = ctx;
	hall_audio_sdl_sound(k->audio, s);
}

/* The call is queued in the link until the controller acknowledges it (a HALL_LINK_HELP
 * update says how it ended): the screen says "calling staff…" meanwhile. */
static int64_t cb_help(void *ctx, const char *exhibit, uint32_t session)
{
	kiosk *k = ctx;
	hall_error err = {{0}, {0}};
	int64_t call = 0;
	if (hall_link_help(k->link, exhibit ? exhibit : "", (int64_t)session, &call, &err) != HALL_OK) {
		char buf[512];
		hall_warn("call-staff not queued: %s", hall_error_format(&err, buf, sizeof(buf)));
	}
	return call;
}

static void cb_staff_exit(void *ctx)
{
	kiosk *k = ctx;
	hall_info("staff exit");
	k->quit = 1;
	k->quit_why = HALL_APP_END_STAFF_EXIT;
	k->exit_code = 0;
}

/* Called on libmosquitto's thread: only pushes one wake event (coalesced). */
static void link_wake(void *ctx)
{
	kiosk *k = ctx;
	if (atomic_exchange(&k->wake_pending, 1))
		return;
	SDL_Event e;
	SDL_zero(e);
	e.type = k->wake_type;
	if (SDL_PushEvent(&e) < 0)
		atomic_store(&k->wake_pending, 0);
}

/* ---------------------------------------------------------------- link updates */

static void apply_pending_content(kiosk *k, int64_t now, int force)
{
	if (!k->pending)
		return;
	int64_t wait_ms = (int64_t)k->cfg.session.apply_wait_s * 1000;
	if (!force && hall_app_in_session(k->app) && now - k->pending_since < wait_ms) {
		if (!k->pending_deferred_logged) {
			hall_link_content_deferred(k->link, k->pending_version);
			k->pending_deferred_logged = 1;
		}
		return;
	}
	hall_app_set_content(k->app, k->pending, k->pending_dir);
	k->pending = NULL;
	k->frame_loading = 1; /* console helper: its first frame loads, it is no stutter */
	hall_link_content_applied(k->link, k->pending_version);
	if (k->pending_version > 0) /* not the built-in pack (version 0) */
		k->content_shown = 1;
	hall_info("content version %lld from %s shown", (long long)k->pending_version, k->pending_dir);
	k->next_schedule_eval = 0; /* the schedule may name exhibits of the new content */
}

/* Every SCHEDULE_EVAL_MS (and at once after new content or a new schedule): open or
 * closed, and which exhibits the active item shows (the app keeps a running session as
 * it is and applies the item when the session ends). */
static void eval_schedule(kiosk *k, int64_t now)
{
	if (now < k->next_schedule_eval)
		return;
	k->next_schedule_eval = now + SCHEDULE_EVAL_MS;
	hall_error err = {{0}, {0}};
	if (hall_app_follow_schedule(k->app, k->schedule, k->cfg.time_zone, hall_clock_now_ms(), &err) != HALL_OK) {
		char buf[512];
		hall_warn("schedule: %s (staying open)", hall_error_format(&err, buf, sizeof(buf)));
	}
	int open = hall_app_is_open(k->app);
	if (open != k->open_state) {
		k->open_state = open;
		hall_info("schedule: %s", open ? "open" : "closed");
	}
}

static void handle_command(kiosk *k, hall_link_update *u, int64_t now)
{
	hall_error err = {{0}, {0}};
	char buf[512];
	switch (u->cmd) {
	case HALL_LINK_CMD_SCREENSHOT:
		snprintf(k->shot_cmd, sizeof(k->shot_cmd), "%s", u->cmd_id);
		k->force_redraw = 1;
		break;
	case HALL_LINK_CMD_RELOAD:
		if (hall_link_reload(k->link, &err) == HALL_OK)
			hall_link_command_result(k->link, u->cmd_id, true, "");
		else
			hall_link_command_result(k->link, u->cmd_id, false, hall_error_format(&err, buf, sizeof(buf)));
		break;
	case HALL_LINK_CMD_SHOW:
		if (hall_app_show(k->app, u->cmd_exhibit, now) == 0)
			hall_link_command_result(k->link, u->cmd_id, true, "");
		else
			hall_link_command_result(k->link, u->cmd_id, false, "no such exhibit in the content shown");
		break;
	case HALL_LINK_CMD_IDENTIFY:
		hall_app_identify(k->app, now + IDENTIFY_MS);
		hall_link_command_result(k->link, u->cmd_id, true, "");
		break;
	}
}

static void handle_update(kiosk *k, hall_link_update *u, int64_t now)
{
	switch (u->kind) {
	case HALL_LINK_NONE:
		break;
	case HALL_LINK_CONTENT:
		if (k->pending) /* a newer one replaces one not yet shown */
			hall_content_destroy(k->pending);
		k->pending = u->content;
		u->content = NULL;
		snprintf(k->pending_dir, sizeof(k->pending_dir), "%s", u->pack_dir);
		k->pending_version = u->version;
		k->pending_since = now;
		k->pending_deferred_logged = 0;
		break;
	case HALL_LINK_SCHEDULE:
		if (k->schedule)
			hall_schedule_destroy(k->schedule);
		k->schedule = u->cleared ? NULL : u->schedule;
		if (!u->cleared)
			u->schedule = NULL;
		k->next_schedule_eval = 0;
		break;
	case HALL_LINK_NOTICE:
		if (u->cleared) {
			hall_app_clear_notice(k->app);
		} else {
			const char *text[HALL_LANG_COUNT];
			for (int i = 0; i < HALL_LANG_COUNT; i++)
				text[i] = u->notice_text[i][0] ? u->notice_text[i] : NULL;
			/* the link speaks UTC; the app runs on the monotonic clock */
			int64_t until = u->notice_until_ms > 0 ? u->notice_until_ms - hall_clock_now_ms() + now : 0;
			if (u->notice_until_ms > 0 && until <= 0)
				until = 1; /* already over: expires at once */
			hall_app_set_notice(k->app,
			                    u->notice_level == HALL_LINK_NOTICE_URGENT ? HALL_APP_NOTICE_URGENT
			                                                               : HALL_APP_NOTICE_INFO,
			                    text, until);
		}
		k->frame_loading = 1; /* console helper: the frame that lays the notice out */
		break;
	case HALL_LINK_COMMAND:
		handle_command(k, u, now);
		break;
	case HALL_LINK_POLL_RESULTS: {
		const char *ids[HALL_LINK_POLL_OPTIONS_MAX];
		int64_t votes[HALL_LINK_POLL_OPTIONS_MAX];
		int n = u->poll_noptions < HALL_LINK_POLL_OPTIONS_MAX ? u->poll_noptions : HALL_LINK_POLL_OPTIONS_MAX;
		for (int i = 0; i < n; i++) {
			ids[i] = u->poll_options[i].id;
			votes[i] = u->poll_options[i].votes;
		}
		hall_app_set_poll_results(k->app, u->poll_id, ids, votes, (size_t)(n > 0 ? n : 0), u->poll_total);
		break;
	}
	case HALL_LINK_CONNECTION:
		hall_info("broker %s", u->online ? "connected" : "disconnected");
		break;
	case HALL_LINK_HELP:
		hall_app_help_result(k->app, u->help_call, u->help_delivered, now);
		break;
	}
}

static void drain_link(kiosk *k, int64_t now)
{
	hall_link_update u;
	/* bounded: a flood of updates cannot starve input and drawing */
	for (int i = 0; i < 64; i++) {
		memset(&u, 0, sizeof(u));
		if (!hall_link_poll(k->link, now, &u))
			break;
		handle_update(k, &u, now);
		hall_link_update_clear(&u);
	}
}

/* ---------------------------------------------------------------- input */

static int map_key(SDL_Keycode key, Uint16 mod, hall_app_key_code *out)
{
	switch (key) {
	case SDLK_UP: *out = HALL_APP_KEY_UP; return 0;
	case SDLK_DOWN: *out = HALL_APP_KEY_DOWN; return 0;
	case SDLK_LEFT: *out = HALL_APP_KEY_LEFT; return 0;
	case SDLK_RIGHT: *out = HALL_APP_KEY_RIGHT; return 0;
	case SDLK_TAB: *out = (mod & KMOD_SHIFT) ? HALL_APP_KEY_SHIFT_TAB : HALL_APP_KEY_TAB; return 0;
	case SDLK_RETURN:
	case SDLK_KP_ENTER:
	case SDLK_SPACE: *out = HALL_APP_KEY_ENTER; return 0;
	case SDLK_ESCAPE:
	case SDLK_BACKSPACE:
	case SDLK_AC_BACK: *out = HALL_APP_KEY_ESCAPE; return 0;
	case SDLK_HOME:
	case SDLK_AC_HOME: *out = HALL_APP_KEY_HOME; return 0;
	case SDLK_PLUS:
	case SDLK_EQUALS:
	case SDLK_KP_PLUS:
	case SDLK_VOLUMEUP: *out = HALL_APP_KEY_VOLUME_UP; return 0;
	case SDLK_MINUS:
	case SDLK_KP_MINUS:
	case SDLK_VOLUMEDOWN: *out = HALL_APP_KEY_VOLUME_DOWN; return 0;
	case SDLK_AUDIOPLAY:
	case SDLK_PAUSE:
	case SDLK_F6: *out = HALL_APP_KEY_SPEECH_PAUSE; return 0;
	case SDLK_F5: *out = HALL_APP_KEY_SPEECH_REPLAY; return 0;
	case SDLK_PAGEUP: *out = HALL_APP_KEY_RATE_UP; return 0;
	case SDLK_PAGEDOWN: *out = HALL_APP_KEY_RATE_DOWN; return 0;
	case SDLK_F2:
	case SDLK_KP_MULTIPLY:
	case SDLK_ASTERISK: *out = HALL_APP_KEY_VOICE_TOGGLE; return 0;
	default: break;
	}
	if (key >= SDLK_0 && key <= SDLK_9) {
		*out = (hall_app_key_code)(HALL_APP_KEY_0 + (key - SDLK_0));
		return 0;
	}
	if (key >= SDLK_KP_1 && key <= SDLK_KP_9) {
		*out = (hall_app_key_code)(HALL_APP_KEY_1 + (key - SDLK_KP_1));
		return 0;
	}
	if (key == SDLK_KP_0) {
		*out = HALL_APP_KEY_0;
		return 0;
	}
	return -1;
}

static double thread_cpu_ms(void)
{
	struct timespec t;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0)
		return 0;
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

static void note_input(kiosk *k, Uint32 ts)
{
	if (!k->input_ts) {
		k->input_ts = ts ? ts : 1;
		if (k->st.enabled) {
			k->st.input_cpu_ms = thread_cpu_ms();
			hall_render_get_cost(k->render, &k->st.input_cost);
		}
	}
}

static void finger_to_logical(kiosk *k, float fx, float fy, int *x, int *y)
{
	int ww = 0, wh = 0;
	float lx = 0, ly = 0;
	SDL_GetWindowSize(k->win, &ww, &wh);
	SDL_RenderWindowToLogical(k->ren, (int)(fx * (float)ww), (int)(fy * (float)wh), &lx, &ly);
	*x = (int)lx;
	*y = (int)ly;
}

static void handle_event(kiosk *k, const SDL_Event *e, int64_t now)
{
	int x, y;
	hall_app_key_code key;
	if (e->type == k->wake_type) {
		atomic_store(&k->wake_pending, 0);
		return;
	}
	switch (e->type) {
	case SDL_FINGERDOWN:
		finger_to_logical(k, e->tfinger.x, e->tfinger.y, &x, &y);
		hall_gesture_down(k->gesture, (int64_t)e->tfinger.fingerId, x, y, now);
		note_input(k, e->tfinger.timestamp);
		break;
	case SDL_FINGERMOTION:
		finger_to_logical(k, e->tfinger.x, e->tfinger.y, &x, &y);
		hall_gesture_move(k->gesture, (int64_t)e->tfinger.fingerId, x, y, now);
		note_input(k, e->tfinger.timestamp);
		break;
	case SDL_FINGERUP:
		finger_to_logical(k, e->tfinger.x, e->tfinger.y, &x, &y);
		hall_gesture_up(k->gesture, (int64_t)e->tfinger.fingerId, x, y, now);
		note_input(k, e->tfinger.timestamp);
		break;
	case SDL_MOUSEBUTTONDOWN:
	case SDL_MOUSEBUTTONUP:
		/* touch already arrived as finger events: one tap is one action */
		if (e->button.which == SDL_TOUCH_MOUSEID || e->button.button != SDL_BUTTON_LEFT)
			break;
		if (e->type == SDL_MOUSEBUTTONDOWN)
			hall_gesture_down(k->gesture, MOUSE_POINTER, e->button.x, e->button.y, now);
		else
			hall_gesture_up(k->gesture, MOUSE_POINTER, e->button.x, e->button.y, now);
		note_input(k, e->button.timestamp);
		break;
	case SDL_MOUSEMOTION:
		if (e->motion.which == SDL_TOUCH_MOUSEID || !(e->motion.state & SDL_BUTTON_LMASK))
			break;
		hall_gesture_move(k->gesture, MOUSE_POINTER, e->motion.x, e->motion.y, now);
		note_input(k, e->motion.timestamp);
		break;
	case SDL_KEYDOWN:
		/* no key quits: visitors cannot leave the kiosk */
		if (e->key.repeat && e->key.keysym.sym != SDLK_UP && e->key.keysym.sym != SDLK_DOWN &&
		    e->key.keysym.sym != SDLK_LEFT && e->key.keysym.sym != SDLK_RIGHT)
			break;
		if (map_key(e->key.keysym.sym, e->key.keysym.mod, &key) == 0) {
			hall_app_key(k->app, key, now);
			note_input(k, e->key.timestamp);
		}
		break;
	case SDL_WINDOWEVENT:
		if (e->window.event == SDL_WINDOWEVENT_FOCUS_LOST)
			hall_gesture_cancel(k->gesture);
		k->force_redraw = 1;
		break;
	case SDL_RENDER_TARGETS_RESET:
	case SDL_RENDER_DEVICE_RESET:
		k->force_redraw = 1;
		break;
	case SDL_QUIT:
		/* a window manager's close: ignored (SIGTERM is how the system stops us) */
		hall_debug("SDL_QUIT ignored");
		break;
	default:
		break;
	}
}

static void drain_gestures(kiosk *k, int64_t now)
{
	hall_gesture_event ev;
	hall_gesture_tick(k->gesture, now);
	while (hall_gesture_poll(k->gesture, &ev)) {
		switch (ev.kind) {
		case HALL_GESTURE_TAP: hall_app_tap(k->app, ev.x, ev.y, now); break;
		case HALL_GESTURE_DRAG: hall_app_drag(k->app, ev.x, ev.y, ev.dx, ev.dy, now); break;
		case HALL_GESTURE_PINCH: hall_app_pinch(k->app, ev.x, ev.y, ev.scale, now); break;
		case HALL_GESTURE_LONG_PRESS: hall_app_long_press(k->app, ev.x, ev.y, now); break;
		}
	}
}

/* ---------------------------------------------------------------- script */

static const char *role_name(hall_dl_role r)
{
	switch (r) {
	case HALL_ROLE_BUTTON: return "button";
	case HALL_ROLE_LINK: return "link";
	case HALL_ROLE_OPTION: return "option";
	case HALL_ROLE_REGION: return "region";
	case HALL_ROLE_TOGGLE: return "toggle";
	}
	return "?";
}

static int cmp_focus(const void *a, const void *b)
{
	const hall_dl_item *x = *(const hall_dl_item *const *)a, *y = *(const hall_dl_item *const *)b;
	if (x->focus_order != y->focus_order)
		return x->focus_order < y->focus_order ? -1 : 1;
	return x < y ? -1 : x > y; /* stable: items of one chunk keep list order */
}

static cJSON *rect_json(hall_rect r)
{
	cJSON *o = cJSON_CreateObject();
	if (o) {
		cJSON_AddNumberToObject(o, "x", r.x);
		cJSON_AddNumberToObject(o, "y", r.y);
		cJSON_AddNumberToObject(o, "w", r.w);
		cJSON_AddNumberToObject(o, "h", r.h);
	}
	return o;
}

/* {"screen","language","controls":[{id,role,label,rect}],"focus_order":[ids],"focused","texts":[...]} */
static hall_err dump_json(kiosk *k, const hall_dl *dl, const char *path, hall_error *err)
{
	hall_err rc = HALL_OK;
	const hall_dl_item **hits = NULL;
	char *text = NULL;
	size_t nh = 0, n = hall_dl_count(dl);
	cJSON *root = cJSON_CreateObject();
	cJSON *controls = cJSON_CreateArray(), *order = cJSON_CreateArray();
	hits = calloc(n ? n : 1, sizeof(*hits));
	if (!root || !controls || !order || !hits) {
		cJSON_Delete(controls);
		cJSON_Delete(order);
		rc = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
		goto done;
	}
	cJSON_AddStringToObject(root, "screen", hall_app_screen_id(k->app));
	cJSON_AddStringToObject(root, "language", hall_lang_code(hall_app_language(k->app)));
	cJSON_AddItemToObject(root, "controls", controls);
	cJSON_AddItemToObject(root, "focus_order", order);
	const char *focused = NULL;
	for (size_t i = 0; i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind != HALL_DL_HIT)
			continue;
		hits[nh++] = it;
		if (it->focused)
			focused = it->id;
		cJSON *c = cJSON_CreateObject();
		if (!c)
			continue;
		cJSON_AddStringToObject(c, "id", it->id ? it->id : "");
		cJSON_AddStringToObject(c, "role", role_name(it->role));
		cJSON_AddStringToObject(c, "label", it->label ? it->label : "");
		cJSON_AddItemToObject(c, "rect", rect_json(it->rect));
		cJSON_AddItemToArray(controls, c);
	}
	qsort(hits, nh, sizeof(*hits), cmp_focus);
	for (size_t i = 0; i < nh; i++)
		cJSON_AddItemToArray(order, cJSON_CreateString(hits[i]->id ? hits[i]->id : ""));
	if (focused)
		cJSON_AddStringToObject(root, "focused", focused);
	else
		cJSON_AddNullToObject(root, "focused");
	/* What the screen says, so a test of the real program can read it (issue 12). */
	cJSON *texts = cJSON_AddArrayToObject(root, "texts");
	for (size_t i = 0; texts && i < n; i++) {
		const hall_dl_item *it = hall_dl_at(dl, i);
		if (it->kind == HALL_DL_TEXT && it->text && it->text[0])
			cJSON_AddItemToArray(texts, cJSON_CreateString(it->text));
	}
	text = cJSON_Print(root);
	if (!text) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
		goto done;
	}
	rc = hall_fs_write_atomic(path, text, strlen(text), err);
done:
	free(text);
	free(hits);
	cJSON_Delete(root);
	return rc;
}

static void shots_path(kiosk *k, const char *name, const char *ext, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.%s", k->shots_dir ? k->shots_dir : ".", name, ext);
}

/* console4: a script's `notice NAME` (the console's notice preview): the notice in the
 * file NAME of the --shots folder, shown as one the controller sent; "" takes it down. */
static void script_notice(kiosk *k, const hall_script_action *a)
{
	char path[HALL_CONFIG_PATH_MAX + HALL_SCRIPT_ARG_MAX + 2];
	char *buf = NULL;
	size_t len = 0;
	const char *text[HALL_LANG_COUNT] = {0};
	k->frame_loading = 1; /* as for a notice from the controller: not a render-health frame */
	if (!a->arg[0]) {
		hall_app_clear_notice(k->app);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", k->shots_dir ? k->shots_dir : ".", a->arg);
	cJSON *o = hall_fs_read_file(path, 64 * 1024, &buf, &len, NULL) == HALL_OK ? cJSON_ParseWithLength(buf, len) : NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(o, "level");
	int any = 0;
	for (int i = 0; i < HALL_LANG_COUNT; i++) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(t, hall_lang_code((hall_lang)i));
		if (cJSON_IsString(s) && s->valuestring[0]) {
			text[i] = s->valuestring;
			any = 1;
		}
	}
	if (any)
		hall_app_set_notice(k->app,
		                    cJSON_IsString(lv) && strcmp(lv->valuestring, "urgent") == 0 ? HALL_APP_NOTICE_URGENT
		                                                                                 : HALL_APP_NOTICE_INFO,
		                    text, 0);
	else
		hall_error_log("%s:%d: notice %s: cannot read a notice with text from %s", k->script->source, a->line, a->arg,
		               path);
	cJSON_Delete(o);
	free(buf);
}

/* Runs one script action; SHOT and DUMP only set flags, carried out after drawing. */
static void run_action(kiosk *k, const hall_script_action *a, int64_t now, const char **shot, const char **dump)
{
	const hall_dl_item *it;
	SDL_Keycode kc;
	hall_app_key_code key;
	switch (a->op) {
	case HALL_SCRIPT_WAIT:
		break;
	case HALL_SCRIPT_TAP:
		hall_gesture_down(k->gesture, SCRIPT_POINTER, a->x, a->y, now);
		hall_gesture_up(k->gesture, SCRIPT_POINTER, a->x, a->y, now);
		note_input(k, SDL_GetTicks());
		break;
	case HALL_SCRIPT_TAP_ID:
		it = k->have_frame ? hall_dl_find(k->dl[k->cur], a->arg) : NULL;
		if (!it) {
			hall_error_log("%s:%d: tap-id %s: no control with that id on screen %s", k->script->source, a->line,
			               a->arg, hall_app_screen_id(k->app));
			break;
		}
		hall_gesture_down(k->gesture, SCRIPT_POINTER, it->rect.x + it->rect.w / 2, it->rect.y + it->rect.h / 2, now);
		hall_gesture_up(k->gesture, SCRIPT_POINTER, it->rect.x + it->rect.w / 2, it->rect.y + it->rect.h / 2, now);
		note_input(k, SDL_GetTicks());
		break;
	case HALL_SCRIPT_KEY: {
		const char *name = a->arg;
		Uint16 mod = 0;
		if (strncmp(name, "Shift+", 6) == 0) {
			mod = KMOD_LSHIFT;
			name += 6;
		}
		kc = SDL_GetKeyFromName(name);
		if (kc == SDLK_UNKNOWN || map_key(kc, mod, &key) != 0) {
			hall_error_log("%s:%d: key %s: not a key the kiosk uses", k->script->source, a->line, a->arg);
			break;
		}
		hall_app_key(k->app, key, now);
		note_input(k, SDL_GetTicks());
		break;
	}
	case HALL_SCRIPT_SHOT:
		*shot = a->arg;
		break;
	case HALL_SCRIPT_DUMP:
		*dump = a->arg;
		break;
	case HALL_SCRIPT_WAIT_CONTENT:
	case HALL_SCRIPT_WAIT_FILE:
		k->script_hold = a;
		k->script_hold_until = now + a->ms;
		break;
	case HALL_SCRIPT_FIND_ID: /* design2: carried out by script_walk, frame by frame */
	case HALL_SCRIPT_PAGES:
		k->walk = a;
		k->walk_n = 0;
		k->walk_back = a->op == HALL_SCRIPT_FIND_ID;
		k->walk_shoot = 1;
		k->walk_due = now;
		break;
	case HALL_SCRIPT_NOTICE:
		script_notice(k, a);
		break;
	case HALL_SCRIPT_QUIT:
		k->quit = 1;
		k->quit_flush = 1;
		k->quit_why = HALL_APP_END_QUIT;
		k->exit_code = 0;
		break;
	}
}

/* Whether what the holding wait-content or wait-file waits for has happened. wait-file
 * looks at most every IDLE_WAIT_MS: the main loop wakes that often while held. */
static int hold_met(const kiosk *k)
{
	char path[1024];
	if (k->script_hold->op != HALL_SCRIPT_WAIT_FILE)
		return k->content_shown;
	snprintf(path, sizeof path, "%s/%s", k->shots_dir ? k->shots_dir : ".", k->script_hold->arg);
	return access(path, F_OK) == 0;
}

/* 1 while a wait-content or wait-file holds the script: until content from the controller
 * is shown (the file exists), or its time runs out (then an error line names the script
 * line, and the script goes on). */
static int script_held(kiosk *k, int64_t now)
{
	if (!k->script_hold)
		return 0;
	int met = hold_met(k);
	if (!met && now < k->script_hold_until)
		return 1;
	if (!met && k->script_hold->op == HALL_SCRIPT_WAIT_FILE)
		hall_error_log("%s:%d: wait-file: no file %s within %lld ms", k->script->source, k->script_hold->line,
		               k->script_hold->arg, (long long)k->script_hold->ms);
	else if (!met)
		hall_error_log("%s:%d: wait-content: no content from the controller within %lld ms", k->script->source,
		               k->script_hold->line, (long long)k->script_hold->ms);
	k->script_hold = NULL;
	return 0;
}

/* design2: tap a control of the current frame; 0 when it is not on screen. */
static int walk_tap(kiosk *k, const char *id, int64_t now)
{
	const hall_dl_item *it = k->have_frame ? hall_dl_find(k->dl[k->cur], id) : NULL;
	if (!it)
		return 0;
	hall_gesture_down(k->gesture, SCRIPT_POINTER, it->rect.x + it->rect.w / 2, it->rect.y + it->rect.h / 2, now);
	hall_gesture_up(k->gesture, SCRIPT_POINTER, it->rect.x + it->rect.w / 2, it->rect.y + it->rect.h / 2, now);
	note_input(k, SDL_GetTicks());
	return 1;
}

/* design2: 1 while a find-id or pages walks a view (the script waits): one page turn
 * per step, each step on a frame drawn after the last turn took effect. pages shoots
 * NAME-<n> (sets *shot) and turns with its control while that is on screen; find-id
 * turns back to the first page, then forward until its control is on screen. At most
 * 60 turns each way. */
static int script_walk(kiosk *k, int64_t now, const char **shot)
{
	const hall_script_action *a = k->walk;
	if (!a)
		return 0;
	if (now < k->walk_due)
		return 1;
	if (a->op == HALL_SCRIPT_PAGES) {
		if (k->walk_shoot) {
			snprintf(k->walk_shot, sizeof(k->walk_shot), "%s-%d", a->arg, ++k->walk_n);
			*shot = k->walk_shot;
			k->walk_shoot = 0;
			return 1;
		}
		/* the turned page (a new slide fades in over HALL_MOTION_SCREEN_MS) settles first */
		if (k->walk_n < 60 && walk_tap(k, a->arg2, now)) {
			k->walk_shoot = 1;
			k->walk_due = now + 300;
			return 1;
		}
	} else {
		if (k->walk_back && k->walk_n < 60 && walk_tap(k, "page-prev", now)) {
			k->walk_n++;
			k->walk_due = now + 50;
			return 1;
		}
		if (k->walk_back) {
			k->walk_back = 0;
			k->walk_n = 0;
		}
		int here = k->have_frame && hall_dl_find(k->dl[k->cur], a->arg);
		if (!here && k->walk_n < 60 && walk_tap(k, "page-next", now)) {
			k->walk_n++;
			k->walk_due = now + 50;
			return 1;
		}
		if (!here)
			hall_error_log("%s:%d: find-id %s: no control with that id on any page of screen %s", k->script->source,
			               a->line, a->arg, hall_app_screen_id(k->app));
	}
	k->walk = NULL;
	return 0;
}

/* ---------------------------------------------------------------- stats (--stats, for bench/) */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(double), cmp_double);
	size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void print_stats(kiosk *k)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	hall_render_cost cost;
	hall_render_get_cost(k->render, &cost);
	printf("{\"frames\": %zu, \"frame_ms_p50\": %.2f, \"frame_ms_p99\": %.2f, \"build_ms_p50\": %.2f, "
	       "\"build_ms_p99\": %.2f, \"inputs\": %zu, "
	       "\"input_to_present_ms_p99\": %.2f, \"first_frame_ms\": %.1f, \"peak_rss_kb\": %ld, "
	       "\"steady_frames\": %lu, \"textures_per_steady_frame\": %.3f, \"steady_ms_p99\": %.2f, "
	       "\"transition_frames\": %zu, \"transition_ms_p99\": %.2f, \"frame_cpu_ms_p99\": %.2f, "
	       "\"steady_cpu_ms_p99\": %.2f, \"transition_cpu_ms_p99\": %.2f, \"input_cpu_ms_p99\": %.2f, "
	       "\"cpu_s\": %.2f, \"images_decoded\": %lu, \"fonts_opened\": %lu, \"texts_rasterised\": %lu, "
	       "\"strings_measured\": %lu}\n",
	       k->st.nframes, pct(k->st.frame_ms, k->st.nframes, 50), pct(k->st.frame_ms, k->st.nframes, 99),
	       pct(k->st.build_ms, k->st.nframes, 50), pct(k->st.build_ms, k->st.nframes, 99),
	       k->st.nlat, pct(k->st.latency_ms, k->st.nlat, 99), k->st.first_frame_ms, ru.ru_maxrss,
	       k->st.steady_frames,
	       k->st.steady_frames ? (double)k->st.steady_textures / (double)k->st.steady_frames : 0.0,
	       pct(k->st.steady_ms, k->st.nsteady, 99), k->st.nanim, pct(k->st.anim_ms, k->st.nanim, 99),
	       pct(k->st.frame_cpu, k->st.nframes, 99), pct(k->st.steady_cpu, k->st.nsteady, 99),
	       pct(k->st.anim_cpu, k->st.nanim, 99), pct(k->st.latency_cpu, k->st.nlat, 99),
	       (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	       cost.images, cost.text.font_opens, cost.text.texts, cost.text.measures);
	fflush(stdout);
}

/* ---------------------------------------------------------------- frame */

static double ms_since(Uint64 t0)
{
	return (double)(SDL_GetPerformanceCounter() - t0) * 1000.0 / (double)SDL_GetPerformanceFrequency();
}

/* The screen on show changed: warm what is one tap from it. */
static void warm_restart(kiosk *k)
{
	k->warm.have_points = 0;
	k->warm.have_dl = 0;
	k->warm.tries = 0;
}

/* Build, and draw when changed (or asked to); returns 1 when a frame was presented. */
static int frame(kiosk *k, int64_t now, const char *shot, const char *dump)
{
	Uint64 t0 = SDL_GetPerformanceCounter();
	double cpu0 = k->st.enabled ? thread_cpu_ms() : 0;
	/* tour (issue 12 Build 9): a reading in progress is not idle time */
	hall_app_speaking(k->app, hall_voice_busy(hall_audio_sdl_voice(k->audio)), now);
	hall_app_tick(k->app, now);
	hall_dl *next = k->dl[k->cur ^ 1];
	hall_app_build(k->app, now, next);
	double build_ms = ms_since(t0);
	int same = k->have_frame && hall_dl_equal(next, k->dl[k->cur]);
	int draw = !same || k->force_redraw || shot || k->shot_cmd[0] || k->st.enabled;
	if (!same)
		warm_restart(k);
	k->cur ^= 1; /* the new list is current either way (equal when same) */
	k->have_frame = 1;
	hall_error err = {{0}, {0}};
	char buf[600], path[1024];
	if (dump) {
		shots_path(k, dump, "json", path, sizeof(path));
		if (dump_json(k, k->dl[k->cur], path, &err) == HALL_OK) {
			printf("%s\n", path);
			fflush(stdout);
		} else {
			hall_error_log("dump: %s", hall_error_format(&err, buf, sizeof(buf)));
		}
	}
	if (!draw)
		return 0;
	k->force_redraw = 0;
	int shooting = shot != NULL || k->shot_cmd[0]; /* console helper: its PNG is no drawing time */
	unsigned long tex_before = hall_render_textures_created(k->render);
	/* kperf2: the frame of an input and a fade's frames spread their cold work over the
	 * next frames (a page turned without a fade draws a new picture a frame or two late);
	 * a shot is drawn whole */
	int finishing = k->finishing;
	if (!shooting && (k->input_ts || hall_app_animating(k->app, now)))
		hall_render_defer_until(k->render, t0 + SDL_GetPerformanceFrequency() *
		                                             (Uint64)(k->input_ts ? COLD_INPUT_US : COLD_FADE_US) / 1000000);
	hall_render_draw(k->render, k->dl[k->cur], (hall_rgba){0, 0, 0, 255});
	hall_render_defer_until(k->render, 0);
	k->finishing = hall_render_incomplete(k->render);
	if (k->finishing)
		k->force_redraw = 1; /* kperf2: the next pass draws the rest */
	if (shot) {
		shots_path(k, shot, "png", path, sizeof(path));
		if (hall_render_save_png(k->ren, path, &err) == HALL_OK) {
			printf("%s\n", path);
			fflush(stdout);
		} else {
			hall_error_log("shot: %s", hall_error_format(&err, buf, sizeof(buf)));
		}
	}
	if (k->shot_cmd[0]) {
		unsigned char *png = NULL;
		size_t len = 0;
		if (hall_render_png(k->ren, &png, &len, &err) == HALL_OK)
			hall_link_publish_shot(k->link, k->shot_cmd, png, len, &err);
		else
			hall_link_command_result(k->link, k->shot_cmd, false, hall_error_format(&err, buf, sizeof(buf)));
		free(png);
		k->shot_cmd[0] = '\0';
	}
	SDL_RenderPresent(k->ren);
	k->frames_since_status++;
	if (!shooting && !k->st.enabled) /* console helper */
		hall_frame_health_add(&k->health, ms_since(t0), k->frame_loading);
	k->frame_loading = 0;
	if (k->st.enabled) {
		if (k->st.nframes == 0)
			k->st.first_frame_ms = ms_since(k->t_start);
		double cpu1 = thread_cpu_ms();
		if (k->st.nframes < STATS_MAX) {
			k->st.build_ms[k->st.nframes] = build_ms;
			k->st.frame_cpu[k->st.nframes] = cpu1 - cpu0;
			k->st.frame_ms[k->st.nframes++] = ms_since(t0);
			if (same && !finishing) {
				k->st.steady_cpu[k->st.nsteady] = cpu1 - cpu0;
				k->st.steady_ms[k->st.nsteady++] = k->st.frame_ms[k->st.nframes - 1];
			} else if (hall_app_animating(k->app, now)) {
				k->st.anim_cpu[k->st.nanim] = cpu1 - cpu0;
				k->st.anim_ms[k->st.nanim++] = k->st.frame_ms[k->st.nframes - 1];
			}
			if (k->st.slow_ms > 0 && k->st.frame_ms[k->st.nframes - 1] > k->st.slow_ms)
				hall_info("stats: frame %zu took %.2f ms (build %.2f ms, %.2f ms CPU) on %s",
				         k->st.nframes - 1, k->st.frame_ms[k->st.nframes - 1], build_ms, cpu1 - cpu0,
				         hall_app_screen_id(k->app));
		}
		if (k->input_ts && k->st.nlat < STATS_MAX) {
			k->st.latency_cpu[k->st.nlat] = cpu1 - k->st.input_cpu_ms;
			k->st.latency_ms[k->st.nlat++] = (double)(SDL_GetTicks() - k->input_ts);
			if (k->st.slow_ms > 0 && k->st.latency_ms[k->st.nlat - 1] > k->st.slow_ms) {
				hall_render_cost c, *c0 = &k->st.input_cost;
				hall_render_get_cost(k->render, &c);
				hall_info("stats: input %zu shown after %.0f ms (%.1f ms CPU) on %s: %lu images %.1f ms, %lu fonts "
				          "opened %.1f ms, %lu measured %.1f ms, %lu texts %.1f ms",
				          k->st.nlat - 1, k->st.latency_ms[k->st.nlat - 1], k->st.latency_cpu[k->st.nlat - 1],
				          hall_app_screen_id(k->app), c.images - c0->images, c.image_ms - c0->image_ms,
				          c.text.font_opens - c0->text.font_opens, c.text.font_open_ms - c0->text.font_open_ms,
				          c.text.measures - c0->text.measures, c.text.measure_ms - c0->text.measure_ms,
				          c.text.texts - c0->text.texts, c.text.text_ms - c0->text.text_ms);
			}
		}
		if (same && !finishing) {
			k->st.steady_frames++;
			k->st.steady_textures += hall_render_textures_created(k->render) - tex_before;
		}
	}
	k->input_ts = 0;
	return 1;
}

/* ---------------------------------------------------------------- warming */

static int event_waiting(void)
{
	SDL_PumpEvents();
	return SDL_HasEvents(SDL_FIRSTEVENT, SDL_LASTEVENT);
}

/* One slice of warming, at most budget_ms (plus one step that may run over: a layout's
 * last measurement, one text rasterised, one image decoded). */
static void warm_step(kiosk *k, int64_t now, int budget_ms)
{
	warmer *w = &k->warm;
	if (!w->dl || !k->have_frame)
		return;
	w->deadline = SDL_GetPerformanceCounter() + SDL_GetPerformanceFrequency() * (Uint64)budget_ms / 1000;
	if (!w->have_points) {
		w->npoints = hall_app_preview_points(k->app, now, w->xy, WARM_POINTS);
		w->next = 0;
		w->have_dl = 0;
		w->have_points = 1;
	}
	while (SDL_GetPerformanceCounter() < w->deadline && !event_waiting()) {
		if (!w->have_dl) {
			if (w->next >= w->npoints)
				return;
			w->active = 1;
			w->short_measure = 0;
			int rc = hall_app_preview_tap(k->app, w->xy[2 * w->next], w->xy[2 * w->next + 1], now, w->dl);
			w->active = 0;
			if (rc != 0) {
				w->next++;
				w->tries = 0;
				continue;
			}
			/* the sizes measured stay cached: the next slice gets further (bounded: sizes
			 * that keep evicting each other from the cache must not warm forever) */
			if (w->short_measure && ++w->tries < WARM_TRIES)
				return;
			w->tries = 0;
			w->have_dl = 1;
			w->item = 0;
		}
		size_t n = hall_dl_count(w->dl);
		while (w->item < n && SDL_GetPerformanceCounter() < w->deadline)
			hall_render_warm(k->render, hall_dl_at(w->dl, w->item++));
		if (w->item >= n) {
			w->have_dl = 0;
			w->next++;
		}
	}
}

/* ---- systemd: readiness, the watchdog, and a restart after an unclean stop ----------- */

/* The unit's watchdog (WatchdogSec, config/systemd/hall-kiosk@.service): the frame loop
 * says it is alive at half the interval, so a frozen loop (a screen that no longer
 * changes or takes input) is killed and restarted by systemd. Nothing without systemd
 * (no NOTIFY_SOCKET / WATCHDOG_USEC): sd_notify and sd_watchdog_enabled do nothing then. */
static int64_t g_watchdog_ms;   /* the ping interval; 0 = no watchdog */
static int64_t g_watchdog_last; /* mono ms of the last ping */

static void watchdog_init(void)
{
	uint64_t usec = 0;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000)
		g_watchdog_ms = (int64_t)(usec / 2000); /* half the interval, in ms */
}

static void watchdog_feed(int64_t now)
{
	if (g_watchdog_ms && now - g_watchdog_last >= g_watchdog_ms) {
		sd_notify(0, "WATCHDOG=1");
		g_watchdog_last = now;
	}
}

/* <data_dir>/running exists while the kiosk runs and is removed when it stops cleanly:
 * found at start, the last run ended by the watchdog's kill, a crash or a power cut, and
 * the kiosk says so in its status and hello (last_error), which serve turns into an
 * alert. */
static void running_mark(const hall_kiosk_config *cfg, hall_link *link, char *path, size_t len)
{
	hall_error err = {0};
	char *old = NULL, buf[128], when[48] = "";
	size_t n = 0;
	if (hall_fs_join(path, len, cfg->data_dir, "running") != 0) {
		path[0] = '\0';
		return;
	}
	if (hall_fs_read_file(path, 128, &old, &n, NULL) == HALL_OK) {
		long long started = 0;
		hall_civil c;
		if (sscanf(old, "%*d %lld", &started) == 1 && hall_clock_to_civil(started, cfg->time_zone, &c) == 0)
			snprintf(when, sizeof when, " (that run started %04d-%02d-%02d %02d:%02d:%02d)", c.year, c.month, c.day,
			         c.hour, c.minute, c.second);
		hall_warn("the last run did not stop cleanly%s: killed by the watchdog, crashed or lost power", when);
		char msg[HALL_PROTO_ERROR_MAX + 1];
		snprintf(msg, sizeof msg, "%s: killed by the watchdog, crashed or lost power%s", HALL_PROTO_RESTARTED_ERROR,
		         when);
		hall_link_set_status(link, 0, msg);
		free(old);
	}
	snprintf(buf, sizeof buf, "%ld %lld\n", (long)getpid(), (long long)hall_clock_now_ms());
	if (hall_fs_write_atomic(path, buf, strlen(buf), &err) != HALL_OK)
		hall_warn("cannot write %s: %s", path, err.msg);
}

static void run(kiosk *k)
{
	int64_t now = hall_clock_mono_ms();
	int changed = 1;
	if (k->script)
		hall_script_player_init(&k->player, k->script, now);
	k->last_status = now;
	while (!got_signal && !k->quit) {
		now = hall_clock_mono_ms();
		drain_link(k, now);
		apply_pending_content(k, now, 0);
		eval_schedule(k, now);
		SDL_Event e;
		while (SDL_PollEvent(&e))
			handle_event(k, &e, now);
		const char *shot = NULL, *dump = NULL;
		const hall_script_action *a = k->script && !script_held(k, now) && !script_walk(k, now, &shot)
		                                  ? hall_script_player_next(&k->player, now)
		                                  : NULL; /* design2: script_walk */
		if (a)
			run_action(k, a, now, &shot, &dump);
		drain_gestures(k, now);
		changed = frame(k, now, shot, dump);
		hall_link_frame_end(k->link);
		watchdog_feed(now);
		if (now - k->last_status >= STATUS_EVERY_MS) {
			/* A still screen draws nothing (only changes are drawn): its rate stays the one
			 * last measured while it drew, rather than a 0 that reads as frozen. */
			if (k->frames_since_status > 0)
				hall_link_set_status(k->link,
				                     (double)k->frames_since_status * 1000.0 / (double)(now - k->last_status), NULL);
			double p99; /* console helper: only over enough frames (frame_health.h) */
			if (hall_frame_health_take(&k->health, &p99))
				hall_link_set_frame_p99(k->link, p99);
			k->frames_since_status = 0;
			k->last_status = now;
		}
		if (k->quit)
			break;
		/* sleep until input, a wake from the network thread, or the next timer */
		int64_t due = now + (changed || k->st.enabled ? ANIM_WAIT_MS : IDLE_WAIT_MS);
		int64_t d;
		if (k->script && !hall_script_player_done(&k->player) && (d = hall_script_player_due(&k->player)) < due)
			due = d;
		if (k->script_hold && k->script_hold_until < due)
			due = k->script_hold_until;
		if (k->walk && k->walk_due < due) /* design2 */
			due = k->walk_due;
		if (hall_gesture_pending(k->gesture, &d) && d < due)
			due = d;
		if ((d = hall_link_next_due_ms(k->link)) < due)
			due = d;
		if (k->pending)
			due = now + IDLE_WAIT_MS < due ? now + IDLE_WAIT_MS : due;
		int64_t wait = due - hall_clock_mono_ms();
		if (wait >= WARM_MIN_IDLE_MS) {
			warm_step(k, now, wait - 1 < WARM_SLICE_MS ? (int)wait - 1 : WARM_SLICE_MS);
			wait = due - hall_clock_mono_ms();
		}
		if (wait > 0 && SDL_WaitEventTimeout(&e, (int)(wait > IDLE_WAIT_MS ? IDLE_WAIT_MS : wait)))
			handle_event(k, &e, hall_clock_mono_ms());
	}
	if (got_signal)
		hall_info("signal %d: stopping", (int)got_signal);
	/* A visitor session still running ends here, so that its dwell is reported: its
	 * session_end goes into the spool before the wait for confirms. A stop by signal or by
	 * staff waits for them only when it wrote one and the broker is there; otherwise the
	 * events stay in the spool and go out after the next start. */
	const char *why = got_signal || !k->quit_why ? HALL_APP_END_STOP : k->quit_why;
	int ended = hall_app_end_session(k->app, why, hall_clock_mono_ms());
	if (ended)
		hall_info("stopping: the visitor session running ended (%s)", why);
	if (k->quit_flush || (ended && hall_link_is_online(k->link))) {
		size_t left = hall_link_flush(k->link, QUIT_FLUSH_MS);
		if (left)
			hall_warn("quit: %zu events not yet confirmed stay in the spool", left);
	} else {
		hall_link_frame_end(k->link); /* on disk before the exit */
	}
}

/* ---------------------------------------------------------------- setup */

static void usage(FILE *f)
{
	fprintf(f, "usage: hall-kiosk [--config FILE] [--broker HOST:PORT] [--id ID] [--data DIR]\n"
	           "                  [--headless] [--script FILE] [--shots DIR] [--stats]\n");
}

static int init_sdl(kiosk *k, hall_error *err)
{
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
	SDL_SetHint(SDL_HINT_MOUSE_TOUCH_EVENTS, "0");
	SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
	int set_driver = 0;
	/* headless: draw in memory; no GL context behind the window surface (the offscreen
	 * driver would otherwise load EGL, which a headless box does not need) */
	if (k->headless)
		SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
	if (k->headless && !getenv("SDL_VIDEODRIVER")) {
		setenv("SDL_VIDEODRIVER", "offscreen", 1);
		set_driver = 1;
	}
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		if (!set_driver)
			return hall_error_set(err, HALL_ERR_IO, "SDL", "cannot start video: %s", SDL_GetError()), -1;
		setenv("SDL_VIDEODRIVER", "dummy", 1);
		if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0)
			return hall_error_set(err, HALL_ERR_IO, "SDL", "cannot start video (offscreen, dummy): %s",
			                      SDL_GetError()), -1;
	}
	int w = k->cfg.screen.width_px > 0 ? k->cfg.screen.width_px : 1920;
	int h = k->cfg.screen.height_px > 0 ? k->cfg.screen.height_px : 1080;
	Uint32 flags = 0;
	if (!k->headless && k->cfg.screen.fullscreen)
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
	k->win = SDL_CreateWindow("Citizen Hall", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
	if (!k->win)
		return hall_error_set(err, HALL_ERR_IO, "SDL", "cannot open a %dx%d window: %s", w, h, SDL_GetError()), -1;
	if (k->headless) {
		k->ren = SDL_CreateRenderer(k->win, -1, SDL_RENDERER_SOFTWARE);
	} else {
		k->ren = SDL_CreateRenderer(k->win, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
		if (!k->ren) {
			hall_warn("no accelerated renderer (%s): using the software renderer", SDL_GetError());
			k->ren = SDL_CreateRenderer(k->win, -1, SDL_RENDERER_SOFTWARE);
		}
		SDL_ShowCursor(SDL_DISABLE);
	}
	if (!k->ren)
		return hall_error_set(err, HALL_ERR_IO, "SDL", "cannot create a renderer: %s", SDL_GetError()), -1;
	/* the display list is in configured pixels whatever the real output size */
	SDL_RenderSetLogicalSize(k->ren, w, h);
	k->wake_type = SDL_RegisterEvents(1);
	if (k->wake_type == (Uint32)-1)
		return hall_error_set(err, HALL_ERR_IO, "SDL", "no user event left: %s", SDL_GetError()), -1;
	SDL_RendererInfo info;
	if (SDL_GetRendererInfo(k->ren, &info) == 0)
		hall_info("video driver %s, renderer %s, %dx%d", SDL_GetCurrentVideoDriver(), info.name, w, h);
	return 0;
}

int main(int argc, char **argv)
{
	kiosk *k = calloc(1, sizeof(*k));
	hall_error err = {{0}, {0}};
	char buf[1024];
	hall_config_args args;
	const char *script_path = NULL;
	int rc = 1;
	if (!k) {
		fprintf(stderr, "hall-kiosk: out of memory\n");
		return 1;
	}
	hall_kiosk_tune_malloc();
	k->t_start = 0;
	k->open_state = -1;
	hall_log_set_name("kiosk");

	if (hall_config_parse_args(&argc, argv, &args, &err) != HALL_OK) {
		fprintf(stderr, "hall-kiosk: %s\n", hall_error_format(&err, buf, sizeof(buf)));
		free(k);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--headless") == 0) {
			k->headless = 1;
		} else if (strcmp(a, "--stats") == 0) {
			k->st.enabled = 1;
			const char *slow = getenv("HALL_STATS_SLOW_MS");
			k->st.slow_ms = slow ? atof(slow) : 0;
		} else if ((strcmp(a, "--script") == 0 || strcmp(a, "--shots") == 0) && i + 1 < argc) {
			if (a[2] == 's' && a[3] == 'c')
				script_path = argv[++i];
			else
				k->shots_dir = argv[++i];
		} else if (strncmp(a, "--script=", 9) == 0) {
			script_path = a + 9;
		} else if (strncmp(a, "--shots=", 8) == 0) {
			k->shots_dir = a + 8;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			free(k);
			return 0;
		} else {
			fprintf(stderr, "hall-kiosk: %s: unknown option or missing value (see --help)\n", a);
			free(k);
			return 2;
		}
	}
	if (hall_kiosk_config_load(&args, &k->cfg, &err) != HALL_OK) {
		fprintf(stderr, "hall-kiosk: %s\n", hall_error_format(&err, buf, sizeof(buf)));
		free(k);
		return 2;
	}
	hall_log_set_level(k->cfg.log_level);
	if (script_path && hall_script_load(script_path, &k->script, &err) != HALL_OK) {
		fprintf(stderr, "hall-kiosk: %s\n", hall_error_format(&err, buf, sizeof(buf)));
		free(k);
		return 2;
	}
	if (k->shots_dir && hall_fs_mkdirs(k->shots_dir, &err) != HALL_OK) {
		fprintf(stderr, "hall-kiosk: --shots %s\n", hall_error_format(&err, buf, sizeof(buf)));
		hall_script_free(k->script);
		free(k);
		return 2;
	}
	/* Said once the command line is known good (a usage error stays one line). */
	if (!k->cfg.controller_key[0])
		hall_warn("development profile: %s has no controller_key, so unsigned control messages are accepted "
		          "(loopback broker only; hall-controller kiosk add writes an enrolled config)",
		          k->cfg.source[0] ? k->cfg.source : "the config");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (k->st.enabled) {
		k->st.frame_ms = calloc(STATS_MAX, sizeof(double));
		k->st.latency_ms = calloc(STATS_MAX, sizeof(double));
		k->st.build_ms = calloc(STATS_MAX, sizeof(double));
		k->st.steady_ms = calloc(STATS_MAX, sizeof(double));
		k->st.anim_ms = calloc(STATS_MAX, sizeof(double));
		k->st.frame_cpu = calloc(STATS_MAX, sizeof(double));
		k->st.steady_cpu = calloc(STATS_MAX, sizeof(double));
		k->st.anim_cpu = calloc(STATS_MAX, sizeof(double));
		k->st.latency_cpu = calloc(STATS_MAX, sizeof(double));
		if (!k->st.frame_ms || !k->st.latency_ms || !k->st.build_ms || !k->st.steady_ms || !k->st.anim_ms ||
		    !k->st.frame_cpu || !k->st.steady_cpu || !k->st.anim_cpu || !k->st.latency_cpu)
			k->st.enabled = 0;
	}
	if (init_sdl(k, &err) != 0)
		goto fail;
	k->t_start = SDL_GetPerformanceCounter();
	if (hall_ttf_create(k->ren, k->cfg.fonts.regular[0] ? k->cfg.fonts.regular : NULL,
	                    k->cfg.fonts.bold[0] ? k->cfg.fonts.bold : NULL, &k->ttf, &err) != HALL_OK ||
	    hall_render_create(k->ren, k->ttf, &k->render, &err) != HALL_OK)
		goto fail;
	SDL_RendererInfo rinfo; /* kperf2: a fade's veil is blended straight into the window surface */
	if (SDL_GetRendererInfo(k->ren, &rinfo) == 0 && (rinfo.flags & SDL_RENDERER_SOFTWARE))
		hall_render_set_direct(k->render, k->win, NULL);
	k->gesture = hall_gesture_create(NULL);
	k->dl[0] = hall_dl_create();
	k->dl[1] = hall_dl_create();
	k->warm.dl = hall_dl_create();
	if (!k->gesture || !k->dl[0] || !k->dl[1] || !k->warm.dl) {
		hall_error_set(&err, HALL_ERR_NOMEM, "", "out of memory");
		goto fail;
	}
	hall_app_callbacks cb = {
		.ctx = k,
		.measure = cb_measure,
		.emit = cb_emit,
		.speak = cb_speak,
		.help = cb_help,
		.staff_exit = cb_staff_exit,
		.speech = cb_speech,
		.sound = cb_sound,
	};
	k->audio = hall_audio_sdl_open(&k->cfg); /* NULL: runs silent, warned once */
	if (!k->audio)
		k->cfg.voice.enabled = false; /* so the app offers no voice control that cannot speak */
	if (hall_link_create(&k->cfg, link_wake, k, &k->link, &err) != HALL_OK)
		goto fail;
	k->app = hall_app_create(&k->cfg, &cb);
	if (!k->app) {
		hall_error_set(&err, HALL_ERR_NOMEM, "", "cannot create the app");
		goto fail;
	}
	/* the content from disk comes as the first update: show it before the first frame */
	drain_link(k, hall_clock_mono_ms());
	apply_pending_content(k, hall_clock_mono_ms(), 1);
	char running[HALL_CONFIG_PATH_MAX + 16];
	running_mark(&k->cfg, k->link, running, sizeof running);
	if (hall_link_start(k->link, &err) != HALL_OK)
		hall_warn("network: %s (running offline)", hall_error_format(&err, buf, sizeof(buf)));
	watchdog_init();
	sd_notify(0, "READY=1"); /* the content is on screen: systemd counts the unit started */
	run(k);
	sd_notify(0, "STOPPING=1");
	if (running[0])
		unlink(running); /* a clean stop */
	if (k->st.enabled)
		print_stats(k);
	rc = k->exit_code;
	goto done;
fail:
	hall_error_log("%s", hall_error_format(&err, buf, sizeof(buf)));
	rc = 1;
done:
	if (k->pending)
		hall_content_destroy(k->pending);
	if (k->schedule)
		hall_schedule_destroy(k->schedule);
	hall_app_destroy(k->app);
	hall_audio_sdl_close(k->audio);
	hall_link_destroy(k->link);
	hall_gesture_destroy(k->gesture);
	hall_dl_destroy(k->dl[0]);
	hall_dl_destroy(k->dl[1]);
	hall_dl_destroy(k->warm.dl);
	hall_render_destroy(k->render);
	hall_ttf_destroy(k->ttf);
	if (k->ren)
		SDL_DestroyRenderer(k->ren);
	if (k->win)
		SDL_DestroyWindow(k->win);
	SDL_Quit();
	hall_script_free(k->script);
	free(k->st.frame_ms);
	free(k->st.latency_ms);
	free(k->st.build_ms);
	free(k->st.steady_ms);
	free(k->st.anim_ms);
	free(k->st.frame_cpu);
	free(k->st.steady_cpu);
	free(k->st.anim_cpu);
	free(k->st.latency_cpu);
	free(k);
	return rc;
}
