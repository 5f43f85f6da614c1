/* controller/store_users_pg.h: the staff console's accounts (store_users.h) when the
 * controller's database is PostgreSQL (a `postgresql://` database setting, DESIGN.md
 * decision 8), so the console, its logins and `hall-controller user` work the same on
 * either backend. store_users.c keeps what does not depend on the database (names,
 * roles, password hashing and checking) and hands its table's reads and writes here.
 *
 * The tables are console_users(name, role, hash, created, updated) and console_sessions,
 * as on SQLite, in the schema of the connection (beside the store's tables). One connection per handle, used
 * by one thread at a time (as store_users.h). Only store_users.c includes this file.
 *
 * Errors: HALL_ERR_DB naming what failed, HALL_ERR_STALE when an insert meets a name
 * that is taken (as store_users.c's SQLite path). */
#ifndef HALL_CTL_STORE_USERS_PG_H
#define HALL_CTL_STORE_USERS_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store_users.h"

typedef struct users_pg users_pg;

/* Connect to uri and make the table when missing. The caller frees with users_pg__close. */
hall_err users_pg__open(const char *uri, users_pg **out, hall_error *err);
void users_pg__close(users_pg *p);
/* One statement of store_users.c, written for SQLite with ?N parameters (they become
 * $N): types as there ("t" text, "i" int64, in order), *changes (may be NULL) the rows
 * it changed. */
hall_err users_pg__run(users_pg *p, const char *sql, const char *types, const void *const *args, int *changes,
                       hall_error *err);
/* Every account by name (cb returns non-zero to stop). */
hall_err users_pg__each(users_pg *p, hall_user_cb cb, void *user, hall_error *err);
/* How many accounts hold the role named role_name ("" = any). */
hall_err users_pg__count(users_pg *p, const char *role_name, int64_t *n, hall_error *err);
/* The account `name` and its password hash (cut to hash_len - 1); *found false when none. */
hall_err users_pg__find(users_pg *p, const char *name, hall_user *out, char *hash, size_t hash_len, bool *found,
                        hall_error *err);

/* The live session whose token hash is key (its account's role joined), as
 * store_users.c's SQLite path reads it; *found false when none. */
hall_err users_pg__session_find(users_pg *p, const char *key, int64_t now_ms, hall_user_session *out, bool *found,
                                hall_error *err);

#endif
