/* controller/console_priv.h: what the console's files share (console_http.c: the server,
 * sessions and files; console_api.c: the JSON API; console_fleet.c: the fleet as JSON and
 * its live stream; console_jobs.c: actions run through the command line's functions).
 * Names: console__fn. */
#ifndef HALL_CTL_CONSOLE_PRIV_H
#define HALL_CTL_CONSOLE_PRIV_H

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "hall/content.h"
#include "hall/protocol.h"
#include "store.h"
#include "store_users.h"

#define CONSOLE_IDLE_MS (30 * 60 * 1000)      /* a session unused this long is gone */
#define CONSOLE_TOKEN_HEX HALL_SESSION_TOKEN_HEX /* 32 random bytes */
#define CONSOLE_BODY_MAX (256 * 1024)
#define CONSOLE_UPLOAD_MAX (16 * 1024 * 1024)   /* one file of a pack */
#define CONSOLE_ZIP_MAX (32 * 1024 * 1024)      /* a pack as one zip, as sent */
#define CONSOLE_ZIP_UNPACKED_MAX (64 * 1024 * 1024) /* and unpacked */
#define CONSOLE_FAILS_MAX 128
#define CONSOLE_JOBS_MAX 64
#define CONSOLE_UPLOAD_ID_HEX 16                /* an upload's id: 8 random bytes, hex */
#define CONSOLE_UPLOAD_MAX_AGE_MS (24LL * 3600 * 1000) /* an upload kept longer is removed */

typedef struct console_session {
	char token[CONSOLE_TOKEN_HEX + 1];
	char csrf[CONSOLE_TOKEN_HEX + 1];
	char user[HALL_USER_NAME_MAX + 1];
	hall_role role;
	int64_t last_used;                         /* UTC ms */
} console_session;

/* Failed logins per name and per client address: each failure doubles the wait before the
 * next attempt is checked (0.5 s, 1 s, 2 s ... 8 s), so guessing stays slow. */
typedef struct console_fail {
	char key[80];                              /* "u:<name>" or "a:<address>" */
	int count;
	int64_t last;                              /* monotonic ms */
} console_fail;

/* An action the console started (notice, command, push, ...) on a thread of its own. */
typedef struct console_job {
	int64_t id;
	char kind[16];                             /* "content", "notice", "command", ... */
	char scope[HALL_SCOPE_BUF];
	char user[HALL_USER_NAME_MAX + 1];
	int64_t started;                           /* UTC ms */
	bool done;
	int code;                                  /* the command line's exit code when done */
	char reason[600];                          /* failed or refused: why (action.h's reason) */
	char upload[CONSOLE_UPLOAD_ID_HEX + 1];    /* the upload it uses ("" = none) */
} console_job;

/* What a job does: one of action.h's actions (the command line's own), or a preview. */
typedef enum console_act {
	CONSOLE_ACT_PUSH,          /* path: the pack folder */
	CONSOLE_ACT_CLEAR,
	CONSOLE_ACT_ROLLBACK,
	CONSOLE_ACT_NOTICE,        /* notice */
	CONSOLE_ACT_NOTICE_CLEAR,
	CONSOLE_ACT_SCHEDULE,      /* buf, len: the schedule JSON; path: its name in messages */
	CONSOLE_ACT_COMMAND,       /* cmd, exhibit, ttl_s */
	CONSOLE_ACT_PREVIEW        /* path: the pack folder; out: where the PNGs go; buf: a notice's file or NULL */
} console_act;

typedef struct console_action {
	console_act kind;
	hall_scope scope;
	int timeout_s;                             /* wait for the kiosks' answers */
	char path[HALL_CONFIG_PATH_MAX + 64];
	char out[HALL_CONFIG_PATH_MAX + 64];
	hall_notice notice;
	char *buf;                                 /* malloc'd, freed with the action */
	size_t len;
	hall_command_cmd cmd;
	char exhibit[HALL_PROTO_STR_MAX + 1];
	int64_t ttl_s;
	char upload[CONSOLE_UPLOAD_ID_HEX + 1];    /* push, preview: the upload's id */
} console_action;
void console__action_free(console_action *a);

typedef struct console_desired console_desired; /* console_fleet.c */

typedef struct console_gz_asset {
	char *data;                                /* NULL: sent as it is */
	size_t len;
} console_gz_asset;

struct hall_console {
	const hall_controller_config *cfg;
	struct MHD_Daemon *daemon;
	bool tls;
	char *cert_pem, *key_pem;
	char db_path[HALL_CONFIG_PATH_MAX + 32];
	pthread_mutex_t lock;                      /* guards everything below */
	hall_store *store;                         /* read-only */
	hall_users *users;
	console_fail fails[CONSOLE_FAILS_MAX];
	console_job jobs[CONSOLE_JOBS_MAX];
	int64_t next_job;
	int running_jobs;
	pthread_cond_t jobs_cv;
	volatile int stopping;
	int64_t last_sweep;                        /* monotonic ms of the last uploads sweep */
	console_gz_asset *gz_assets;               /* hall_console_assets' gzip, same order; written at start */
	console_desired *desired;                  /* what is pushed where, kept between fleet builds */
};

/* One request, as the API sees it. */
typedef struct console_req {
	hall_console *c;
	const char *method;
	const char *path;                          /* after "/api/v1" */
	const char *body;
	size_t body_len;
	const char *csrf_header;                   /* X-CSRF-Token or NULL */
	const char *content_type;
	char addr[64];                             /* client address */
	bool authed;
	bool gzip;                                 /* the client accepts gzip */
	console_session sess;                      /* a copy, when authed */
	struct MHD_Connection *conn;
} console_req;

typedef struct console_resp {
	unsigned status;
	const char *type;                          /* Content-Type */
	char *body;                                /* malloc'd, or NULL */
	size_t len;
	char cookie[320];                          /* Set-Cookie value or "" */
	char disposition[160];                     /* Content-Disposition or "" */
	unsigned retry_after;                      /* seconds, 0 = none */
	struct MHD_Response *stream;               /* set instead of body for SSE */
	bool gzipped;                              /* stream: it sends gzip itself */
} console_resp;

/* Responses. */
void console__json(console_resp *r, unsigned status, cJSON *doc);   /* takes doc */
void console__error(console_resp *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* console4: an error with a stable code ("notice.text_empty") and its arguments (args:
 * taken, NULL = none; console__args("lang", "en", "max", "500", NULL)) that the page
 * words in Korean or English; the English message stays. console__error's code is its field. */
void console__error_code(console_resp *r, unsigned status, const char *field, const char *code, cJSON *args,
                         const char *fmt, ...) __attribute__((format(printf, 6, 7)));
cJSON *console__args(const char *key, ...) __attribute__((sentinel));
const char *console__query(const console_req *q, const char *key);

/* Sessions, kept in the database (store_users.h; lock held by the caller for none of
 * these: they take it). console__login: 0, or -1 when the session could not be stored. */
int console__login(hall_console *c, const char *user, hall_role role, console_session *out);
void console__logout(hall_console *c, const char *token);
/* Wait (sleeping, lock not held) as long as earlier failures of this name or address
 * ask, then report whether the password matched and count a failure when not. */
hall_err console__check_login(hall_console *c, const char *addr, const char *name, const char *password,
                              hall_user *out, unsigned *waited_ms);
void console__drop_user_sessions(hall_console *c, const char *user);

/* The API: fills r from q. */
void console__api(console_req *q, console_resp *r);

/* Record one console action in the history (a refused attempt too) under the person. */
void console__history(hall_console *c, const char *user, const char *action, const char *kind, const char *target,
                      const char *detail, const char *outcome, const char *reason);

/* Uploads (console_zip.c). A file path inside a pack: segments of [A-Za-z0-9._-], none
 * "." or "..", at most 4 deep. */
bool console__pack_path_ok(const char *path);
/* Unpack a zip (buf, len: borrowed) into dir: every entry checked first (absolute paths,
 * "..", links, devices, encryption, 16 MiB a file, 64 MiB in all, 2000 entries) and each
 * problem reported as an error; the good entries are written. Returns the problems. */
int console__unzip(const char *buf, size_t len, const char *dir, hall_issue_fn report, void *user);

/* Uploads kept only while they may be used (console_uploads.c). */
bool console__upload_id_ok(const char *id);
/* Everything of the upload (its files, preview and marks): the page discarded it. */
int console__upload_discard(hall_console *c, const char *id);
/* A job that used the upload ended (pushed: a push stored and published it): the pack's
 * files go once it was pushed and no other job uses them. */
void console__upload_job_done(hall_console *c, const char *id, bool pushed);
/* Remove uploads older than CONSOLE_UPLOAD_MAX_AGE_MS that no job uses (force: now, else
 * at most once a minute). */
void console__uploads_sweep(hall_console *c, bool force);

/* gzip (console_gzip.c). Whether an Accept-Encoding value allows gzip; one whole gzip
 * member of in (0, or -1 out of memory); a deflate stream whose every console__gz_flush
 * returns the gzip bytes of in up to a Z_SYNC_FLUSH (all a reader needs to decode them). */
typedef struct console_gz console_gz;
bool console__accepts_gzip(const char *accept_encoding);
int console__gzip(const void *in, size_t len, char **out, size_t *out_len);
console_gz *console__gz_new(void);
int console__gz_flush(console_gz *g, const void *in, size_t len, char **out, size_t *out_len);
void console__gz_free(console_gz *g);
/* JSON and text answers from this size on go gzipped to a client that accepts it. */
#define CONSOLE_GZIP_MIN 1024

/* Fleet. */
/* The fleet's rows (every kiosk, or only_id's) as a JSON array (the caller deletes it);
 * NULL when the store failed or out of memory. Takes the lock. */
cJSON *console__fleet_json(hall_console *c, const char *only_id);
/* What console__fleet_json keeps between builds (lock not needed: the console stopped). */
void console__fleet_free(hall_console *c);
void console__fleet_stream(console_req *q, console_resp *r);

/* Jobs: run the action (taken: freed when done, or at once when it cannot start) on a
 * thread of its own as `user`; returns the job id, 0 when too many run. */
int64_t console__job_start(hall_console *c, const char *user, const char *kind, const char *scope,
                           console_action *action);
cJSON *console__job_json(hall_console *c, int64_t id);
void console__jobs_wait(hall_console *c);

#endif
