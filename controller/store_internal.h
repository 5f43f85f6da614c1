/* controller/store_internal.h: rules every backend of controller/store.h applies the
 * same way, kept once here (store.c) so that SQLite and PostgreSQL cannot drift apart.
 * Only backends include it; callers use store.h.
 *
 * Names: store__ (internals shared across the store's files, as mosquitto's module__fn). */
#ifndef HALL_CTL_STORE_INTERNAL_H
#define HALL_CTL_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The highest version a kiosk says it holds, for any kind and scope: the versions of
 * what it shows and version_max (also what it stores behind an override). */
int64_t store__held_version(int64_t content, int64_t schedule, int64_t notice, int64_t version_max);

/* No lock-out (DESIGN.md decision 7): what the version counter should be raised to when
 * `kiosk` holds `held` and the counter stands at `counter`. A kiosk holding a version
 * above the counter (a database restored from a backup) would refuse the next pushes as
 * older, so the counter follows it; but only by HALL_PROTO_VERSION_STEP_MAX at most: a
 * version far beyond anything this database issued (stolen credentials, or a forgery a
 * development-profile kiosk took in) is not followed, and logged, so it cannot push the
 * counter to its limit and stop every push to every kiosk. 0: leave the counter. */
int64_t store__version_to_follow(const char *kiosk, int64_t held, int64_t counter);

/* Backups (both backends write theirs as out_path.tmp first): fsync a written file; and
 * the last step, after rc of the steps before: when HALL_OK, rename tmp over out_path and
 * sync its folder (err->path cleared on success); else, or when that fails, tmp is
 * removed. Returns rc or the rename's error. */
hall_err store__fsync_path(const char *path, hall_error *err);
hall_err store__put_backup(const char *tmp, const char *out_path, hall_err rc, hall_error *err);

#endif
