/* controller/store_users.h: the staff console's personal accounts (DESIGN.md decision 10).
 *
 * Accounts live in the controller's database (DATA/controller.db, table console_users)
 * through a connection of their own, so the console's threads never share serve's
 * hall_store. A password is kept only as its Argon2id hash (libsodium's crypto_pwhash_str,
 * t=3, m=12 MiB: OWASP's minimum for Argon2id, small enough that a login does not double
 * serve's memory).
 *
 * Roles are ordered: each one may do everything the ones below it may.
 *   viewer   fleet, reports, history
 *   operator + notices, commands, help calls and alerts
 *   editor   + content, schedules, rollback, clearing overrides
 *   admin    + accounts
 *
 * Console sessions live there too (table console_sessions), so a restart of serve signs
 * nobody out: the row keeps only the SHA-256 of the session token (a copy of the
 * database lets nobody in), the account, the CSRF token and when the session ends. A
 * session is its account's: removing the account or changing its role ends its sessions,
 * and a session whose account is gone is no session. The SQL is plain (no SQLite-only
 * syntax), so a PostgreSQL backend takes the same statements.
 *
 * Ownership: hall_users_open hands back a handle the caller frees with hall_users_close.
 * Threads: one handle is used by one thread at a time (the caller serialises).
 * Errors: HALL_ERR_INVALID (bad name, role or password, naming which), HALL_ERR_NOT_FOUND
 * (no such account), HALL_ERR_STALE (the account exists already), HALL_ERR_DB. */
#ifndef HALL_CTL_STORE_USERS_H
#define HALL_CTL_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"

typedef enum hall_role {
	HALL_ROLE_NONE = 0,
	HALL_ROLE_VIEWER,
	HALL_ROLE_OPERATOR,
	HALL_ROLE_EDITOR,
	HALL_ROLE_ADMIN
} hall_role;

#define HALL_USER_NAME_MAX 32      /* a-z 0-9 . _ - , starting with a letter or digit */
#define HALL_USER_PASSWORD_MIN 8
#define HALL_USER_PASSWORD_MAX 256

/* "viewer" .. "admin"; "" for HALL_ROLE_NONE. */
const char *hall_role_name(hall_role r);
/* -1 when the name is not a role. */
int hall_role_from_name(const char *name, hall_role *out);
bool hall_user_name_is_valid(const char *name);

typedef struct hall_user {
	char name[HALL_USER_NAME_MAX + 1];
	hall_role role;
	int64_t created;   /* UTC ms */
	int64_t updated;   /* UTC ms: last change of role or password */
} hall_user;

typedef struct hall_users hall_users;
typedef int (*hall_user_cb)(void *user, const hall_user *u);

/* Open db_path (created when missing) and its accounts table. */
hall_err hall_users_open(const char *db_path, hall_users **out, hall_error *err);
void hall_users_close(hall_users *u);

/* Add an account; HALL_ERR_STALE when the name is taken. */
hall_err hall_users_add(hall_users *u, const char *name, hall_role role, const char *password, hall_error *err);
hall_err hall_users_remove(hall_users *u, const char *name, hall_error *err);
hall_err hall_users_set_password(hall_users *u, const char *name, const char *password, hall_error *err);
hall_err hall_users_set_role(hall_users *u, const char *name, hall_role role, hall_error *err);
/* Every account, by name. */
hall_err hall_users_each(hall_users *u, hall_user_cb cb, void *user, hall_error *err);
/* How many accounts hold `role` (HALL_ROLE_NONE = any). */
hall_err hall_users_count(hall_users *u, hall_role role, int64_t *n, hall_error *err);
/* Check a password: HALL_OK and *out filled when it matches; HALL_ERR_NOT_FOUND for a
 * wrong name or password alike (the caller must not tell them apart to the client). A
 * wrong name costs a hash too, so timing does not tell which names exist. */
hall_err hall_users_check(hall_users *u, const char *name, const char *password, hall_user *out, hall_error *err);

/* ---------------------------------------------------------------- sessions */

#define HALL_SESSION_TOKEN_HEX 64  /* 32 random bytes, hex: the cookie and the CSRF token */

typedef struct hall_user_session {
	char user[HALL_USER_NAME_MAX + 1];
	hall_role role;            /* the account's role now */
	char csrf[HALL_SESSION_TOKEN_HEX + 1];
	int64_t expires;           /* UTC ms: unused until then, it ends */
	int64_t touched;           /* UTC ms of the last hall_users_session_touch (or the start) */
} hall_user_session;

/* Keep a new session: token and csrf are HALL_SESSION_TOKEN_HEX hex characters. Sessions
 * that ended before now_ms are deleted on the way. */
hall_err hall_users_session_add(hall_users *u, const char *token, const char *user, const char *csrf,
                                int64_t now_ms, int64_t expires, hall_error *err);
/* The session of token: HALL_OK with *out, HALL_ERR_NOT_FOUND when there is none, it
 * ended before now_ms or its account is gone (or has no role). */
hall_err hall_users_session_get(hall_users *u, const char *token, int64_t now_ms, hall_user_session *out,
                                hall_error *err);
/* The session was used at now_ms: it ends at expires now. */
hall_err hall_users_session_touch(hall_users *u, const char *token, int64_t now_ms, int64_t expires,
                                  hall_error *err);
/* End one session (logout), or every session of an account. Ending none is not an error. */
hall_err hall_users_session_remove(hall_users *u, const char *token, hall_error *err);
hall_err hall_users_session_remove_user(hall_users *u, const char *user, hall_error *err);

#endif
