/* hall/fsutil.h: files written so that a power cut leaves the old or the new one.
 *
 * hall_fs_write_atomic writes `path.tmp`, fsyncs it, renames it over `path` and
 * fsyncs the directory. A full disk or any other failure leaves `path` as it was
 * and returns HALL_ERR_IO with the reason in err->msg. */
#ifndef HALL_FSUTIL_H
#define HALL_FSUTIL_H

#include <stddef.h>
#include "hall/err.h"

hall_err hall_fs_write_atomic(const char *path, const void *data, size_t len, hall_error *err);
/* The same with the file's mode (0600 for a secret: it never exists with a wider one). */
hall_err hall_fs_write_atomic_mode(const char *path, const void *data, size_t len, unsigned int mode, hall_error *err);
/* Read a whole file (at most max_len bytes) into a malloc'd buffer with a NUL after
 * the last byte (not counted in *len). The caller frees *data. */
hall_err hall_fs_read_file(const char *path, size_t max_len, char **data, size_t *len, hall_error *err);
/* mkdir -p with mode 0755. */
hall_err hall_fs_mkdirs(const char *path, hall_error *err);
int hall_fs_exists(const char *path);
/* fsync the directory holding `path` (after a rename or create). */
hall_err hall_fs_sync_dir_of(const char *path, hall_error *err);
/* Join a and b with one '/'; returns 0 when it fit in out. */
int hall_fs_join(char *out, size_t len, const char *a, const char *b);

#endif
