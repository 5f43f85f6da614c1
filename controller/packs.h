/* controller/packs.h: the content-addressed pack store under <data_dir>/packs
 * (DESIGN.md decision 3), shared by `push` (writes) and `serve` (answers fetches).
 *
 * Layout: <data_dir>/packs/objects/<sha256> holds every asset file and every pushed
 * manifest, named by the SHA-256 of its bytes. A pack is named ("ref") by the sha256 of
 * its manifest.json as written by the author. Objects are written atomically
 * (hall_fs_write_atomic) and verified before they are named, so a reader never sees a
 * partial or wrong object; storing the same bytes twice is a no-op.
 *
 * Ownership: buffers returned through char ** are malloc'd; the caller frees them. */
#ifndef HALL_CTL_PACKS_H
#define HALL_CTL_PACKS_H

#include <stddef.h>
#include <stdint.h>
#include "hall/content.h"
#include "hall/err.h"

/* "<data_dir>/packs/objects/<sha256>" into out; 0 when it fit and sha256 is 64 hex. */
int hall_packs_object_path(char *out, size_t len, const char *data_dir, const char *sha256);

/* Store the pack in folder `dir` (already validated: `content` is its parsed manifest):
 * every asset (re-checked against its sha256 and size while copied) and manifest.json.
 * ref (65 bytes) gets the manifest's sha256. */
hall_err hall_packs_store_dir(const char *data_dir, const char *dir, const hall_content *content, char ref[65],
                              hall_error *err);

/* Read a stored object whole (at most max_len bytes); *data malloc'd, NUL after the end. */
hall_err hall_packs_read_object(const char *data_dir, const char *sha256, size_t max_len, char **data,
                                size_t *len, hall_error *err);

/* Read `want` bytes at `offset` of an object into buf (*got = bytes read, less at the
 * end). *size gets the object's total size. HALL_ERR_NOT_FOUND when absent. */
hall_err hall_packs_read_chunk(const char *data_dir, const char *sha256, int64_t offset, void *buf, size_t want,
                               size_t *got, int64_t *size, hall_error *err);

#endif
