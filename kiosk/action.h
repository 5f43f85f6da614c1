/* kiosk/action.h: what a touchable control does, as a type and an argument.
 *
 * Every HIT in a display list carries a hall_act: the builder that draws a control says
 * what it does (lvgl's events with user data; microui's widgets that return their own
 * result), and the app and the exhibits switch on the kind instead of parsing the id.
 * The id stays on the HIT as the control's stable name: scripts (tap-id), tests, focus,
 * `dump` and the usage reports (tap targets, titles of "card-", "chart-", "district-"
 * rows) read it, so ids are never renamed for the action's sake.
 *
 * A hall_act is a plain value: no ownership. */
#ifndef HALL_KIOSK_ACTION_H
#define HALL_KIOSK_ACTION_H

typedef enum hall_action {
	HALL_ACT_NONE = 0,      /* a region that only speaks (a picture, a chart) */
	/* the bar, on every screen */
	HALL_ACT_HOME,
	HALL_ACT_BACK,
	HALL_ACT_LANGUAGE_MENU,
	HALL_ACT_ACCESS_MENU,
	HALL_ACT_CALL_STAFF,
	HALL_ACT_NOTICE,        /* the info banner: show the whole notice */
	/* attract, home and the dialogs */
	HALL_ACT_START,
	HALL_ACT_OPEN_EXHIBIT,  /* arg: index of the exhibit in the content */
	HALL_ACT_SET_LANGUAGE,  /* arg: hall_lang */
	HALL_ACT_TOGGLE_MODE,   /* arg: one HALL_APP_MODE_* bit */
	HALL_ACT_SLIDE_PREV,    /* attract slides */
	HALL_ACT_SLIDE_PAUSE,
	HALL_ACT_SLIDE_NEXT,
	HALL_ACT_SPEECH,        /* arg: the hall_app_key_code it stands for (volume, rate,
	                         * pause, replay) */
	HALL_ACT_DIALOG_CLOSE,
	HALL_ACT_MORE_TIME,
	HALL_ACT_FINISH,
	HALL_ACT_PIN_DIGIT,     /* arg: 0..9 */
	HALL_ACT_PIN_DELETE,
	HALL_ACT_PIN_CANCEL,
	HALL_ACT_PIN_OK,
	HALL_ACT_PAGE,          /* arg: -1 previous page, +1 next page */
	/* exhibits */
	HALL_ACT_BRAND_STEP,    /* arg: -1 previous, +1 next (page, then slide) */
	HALL_ACT_OPEN_CARD,     /* arg: index into the policy's cards */
	HALL_ACT_OPEN_CHART,    /* arg: index into the policy's charts */
	HALL_ACT_MAP,           /* the city map region: a tap is resolved by point */
	HALL_ACT_ZOOM,          /* arg: +1 in, -1 out */
	HALL_ACT_PAN,           /* arg: hall_pan_dir */
	HALL_ACT_DISTRICT_LIST,
	HALL_ACT_SHOW_MAP,
	HALL_ACT_DISTRICT,      /* arg: index into the city model's districts */
	HALL_ACT_POLL_OPTION,   /* arg: index into the poll's options */
	HALL_ACT_VOTE
} hall_action;

typedef enum hall_pan_dir { HALL_PAN_LEFT, HALL_PAN_RIGHT, HALL_PAN_UP, HALL_PAN_DOWN } hall_pan_dir;

typedef struct hall_act {
	hall_action kind;
	int arg;
} hall_act;

/* A compound literal: HALL_ACT(HALL_ACT_PAGE, 1). */
#define HALL_ACT(kind, arg) ((hall_act){(kind), (arg)})
#define HALL_ACT_0(kind) ((hall_act){(kind), 0})

#endif
