/* kiosk/script.h: the --script format (docs/script.md) and a player that hands out its
 * actions at their times. No SDL here: main.c carries the actions out.
 *
 * One action per line; '#' starts a comment (to the end of the line); blank lines are
 * skipped; words are separated by spaces or tabs:
 *   wait MS        pause MS milliseconds (0..3600000) before the next action
 *   tap X Y        tap at viewport pixel (X, Y), integers >= 0
 *   tap-id ID      tap the centre of the control (HIT item) with that id
 *   key NAME       press a key, named as SDL names keys ("Down", "Return", "Keypad Enter")
 *   shot NAME      save the screen as NAME.png under --shots
 *   dump NAME      save the screen's controls as NAME.json under --shots
 *   quit           flush the event spool (up to 5 s) and exit 0
 *   wait-content MS   hold the script until the kiosk shows content the controller sent
 *                  (tests push while a script runs), at most MS ms (then an error line)
 *   wait-file NAME MS  hold the script until a file NAME exists in the --shots folder (a
 *                  test writes it when what it waited for happened), at most MS ms (then
 *                  an error line)
 *   find-id ID     turn the view's pages ("page-prev" back to the first, then
 *                  "page-next") until the control ID is on screen (an error line when
 *                  it is on none)
 *   pages NAME ID  shoot the screen as NAME-1.png, tap ID, shoot NAME-2.png, ... while ID
 *                  is on screen (at most 60 shots): every page of a view
 *   notice NAME    show the notice in the file NAME of the --shots folder, as if the
 *                  controller had sent it ({"level":"info|urgent","text":{LANG:TEXT}});
 *                  `notice off` takes it down (the console's notice preview)
 * NAME: 1..64 of A-Z a-z 0-9 . _ -, not starting with '.'. ID: 1..127 bytes, no spaces.
 * Errors name the source and line: "tour.txt:3: tap: expected X and Y as integers >= 0".
 *
 * Ownership: hall_script_parse/load return a script freed by hall_script_free; the
 * player borrows the script. */
#ifndef HALL_KIOSK_SCRIPT_H
#define HALL_KIOSK_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "hall/err.h"

#define HALL_SCRIPT_ARG_MAX 128
#define HALL_SCRIPT_WAIT_MAX 3600000
#define HALL_SCRIPT_FILE_MAX (1024u * 1024u)

typedef enum hall_script_op {
	HALL_SCRIPT_WAIT,
	HALL_SCRIPT_TAP,
	HALL_SCRIPT_TAP_ID,
	HALL_SCRIPT_KEY,
	HALL_SCRIPT_SHOT,
	HALL_SCRIPT_DUMP,
	HALL_SCRIPT_QUIT,
	HALL_SCRIPT_WAIT_CONTENT,
	HALL_SCRIPT_WAIT_FILE,
	HALL_SCRIPT_FIND_ID,
	HALL_SCRIPT_PAGES,
	HALL_SCRIPT_NOTICE               /* arg: the file's NAME, "" = take the notice down */
} hall_script_op;

typedef struct hall_script_action {
	hall_script_op op;
	int line;                        /* 1-based line in the source */
	int64_t ms;                      /* WAIT, WAIT_CONTENT, WAIT_FILE */
	int x, y;                        /* TAP */
	char arg[HALL_SCRIPT_ARG_MAX];   /* TAP_ID/FIND_ID id, KEY name, SHOT/DUMP/WAIT_FILE/PAGES name */
	char arg2[HALL_SCRIPT_ARG_MAX];  /* PAGES: the id of the control that turns the page */
} hall_script_action;

typedef struct hall_script {
	hall_script_action *actions;
	size_t n;
	char source[256];                /* file name, for messages */
} hall_script;

/* "wait", "tap", ... */
const char *hall_script_op_name(hall_script_op op);

/* Parse len bytes; `source` names the text in errors ("tour.txt"). On failure err->path
 * is "source:line" and err->msg the reason; *out is NULL. */
hall_err hall_script_parse(const char *buf, size_t len, const char *source, hall_script **out, hall_error *err);
/* Read and parse a file (at most HALL_SCRIPT_FILE_MAX bytes). */
hall_err hall_script_load(const char *path, hall_script **out, hall_error *err);
void hall_script_free(hall_script *s);

/* Plays a script: waits are handled inside; every other action comes out of
 * hall_script_player_next once it is due. A wait counts from when the player reached it
 * (the previous action has been handed out), so a slow frame delays, never skips. */
typedef struct hall_script_player {
	const hall_script *script;
	size_t next;      /* index of the next action */
	int64_t due_ms;   /* the next action may not run before this */
} hall_script_player;

void hall_script_player_init(hall_script_player *p, const hall_script *s, int64_t now_ms);
/* The next due action (not WAIT), or NULL when none is due yet or the script is over. */
const hall_script_action *hall_script_player_next(hall_script_player *p, int64_t now_ms);
/* 1 when every action has been handed out. */
int hall_script_player_done(const hall_script_player *p);
/* When the next action is due (INT64_MAX when done): the loop may sleep until then. */
int64_t hall_script_player_due(const hall_script_player *p);

#endif
