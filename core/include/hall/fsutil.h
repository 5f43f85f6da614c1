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
/* Open dir/name for reading only when it is a regular file inside dir (a content pack's
 * files): the last component is opened O_NOFOLLOW | O_NONBLOCK (a symbolic link is
 * refused; a FIFO or a device opens without waiting and is refused by fstat before
 * anything is read), and its real path must lie under dir's (a linked folder on the way
 * cannot lead out). A refusal is HALL_ERR_INVALID with err->msg "NAME: refused: WHY",
 * naming the file and nothing of where a link leads or what it holds; a missing file
 * HALL_ERR_NOT_FOUND. *fd (blocking again) is the caller's to close. */
hall_err hall_fs_open_inside(const char *dir, const char *name, int *fd, hall_error *err);
/* hall_fs_read_file of a file that hall_fs_open_inside accepts. */
hall_err hall_fs_read_inside(const char *dir, const char *name, size_t max_len, char **data, size_t *len,
                             hall_error *err);
/* mkdir -p with mode 0755. */
hall_err hall_fs_mkdirs(const char *path, hall_error *err);
int hall_fs_exists(const char *path);
/* fsync the directory holding `path` (after a rename or create). */
hall_err hall_fs_sync_dir_of(const char *path, hall_error *err);
/* Join a and b with one '/'; returns 0 when it fit in out. */
int hall_fs_join(char *out, size_t len, const char *a, const char *b);

#endif
