/* controller/store_pg_internal.h: what the PostgreSQL backend's files share (store_pg.c
 * holds the connection, schema and ops table; store_pg_db.c the database as a whole:
 * its check and backups). Nothing outside the backend includes it.
 *
 * Names: pg__ (the backend's internals shared across its files). */
#ifndef HALL_CTL_STORE_PG_INTERNAL_H
#define HALL_CTL_STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "store.h"

/* The schema this version makes (meta 'schema_version'); a database with a higher one
 * was made by a newer hall-controller. */
#define PG_SCHEMA_VERSION 1
/* The hall's tables (store_pg.c's schema; the console's also made by store_users_pg.c). */
#define PG_HALL_TABLES                                                                                      \
	"events", "event_spans", "votes", "vote_totals", "kiosks", "shown", "status_log", "help", "desired",      \
	"history", "commands", "shots", "acks", "counters", "daily", "meta", "unrecorded_log", "console_users",    \
	"console_sessions"
/* Those of them a later version added to the first schema: a database no newer serve has
 * migrated yet lacks them, which is no damage (the next writer makes them). */
#define PG_LATE_TABLES "unrecorded_log", "console_users", "console_sessions"

/* The store's connection, and its URI without the password (for messages). */
PGconn *pg__conn(hall_store *s);
const char *pg__where(hall_store *s);

/* store_pg_db.c: hall_store_check and hall_store_backup of this backend. */
hall_err pg__check(hall_store *s, bool full, hall_error *err);
hall_err pg__backup(hall_store *s, const char *out_path, hall_error *err);

#endif
