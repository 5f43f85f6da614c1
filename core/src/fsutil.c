/* fsutil.c: whole-file reads and crash-safe writes (tmp + fsync + rename + dir fsync),
 * so a power cut leaves the old file or the new one, never a torn one. */
#include "hall/fsutil.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int hall_fs_join(char *out, size_t len, const char *a, const char *b)
{
	size_t al = strlen(a);
	int n = snprintf(out, len, "%s%s%s", a, (al && a[al - 1] == '/') ? "" : "/", b);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

int hall_fs_exists(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0;
}

hall_err hall_fs_sync_dir_of(const char *path, hall_error *err)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return hall_error_set(err, HALL_ERR_IO, dir, "cannot open directory: %s", strerror(errno));
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	if (rc != 0 && e != EINVAL) /* some filesystems cannot fsync a directory */
		return hall_error_set(err, HALL_ERR_IO, dir, "fsync failed: %s", strerror(e));
	return HALL_OK;
}

hall_err hall_fs_write_atomic(const char *path, const void *data, size_t len, hall_error *err)
{
	return hall_fs_write_atomic_mode(path, data, len, 0644, err);
}

hall_err hall_fs_write_atomic_mode(const char *path, const void *data, size_t len, unsigned int mode, hall_error *err)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return hall_error_set(err, HALL_ERR_INVALID, path, "path too long");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
	if (fd < 0)
		return hall_error_set(err, HALL_ERR_IO, path, "cannot create %s: %s", tmp, strerror(errno));
	/* The mode from the start (never a readable moment for a secret), and exactly it
	 * whatever the umask, since the file's readers depend on it. */
	if (fchmod(fd, (mode_t)mode) != 0)
		goto fail;
	const char *p = data;
	size_t left = len;
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	return hall_fs_sync_dir_of(path, err);
fail:;
	int e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return hall_error_set(err, HALL_ERR_IO, path, "write failed: %s (the old file is kept)", strerror(e));
}

/* The whole of an open file (closed in every case); path names it in errors. */
static hall_err read_fd(int fd, const char *path, size_t max_len, char **data, size_t *len, hall_error *err)
{
	struct stat st;
	char *buf = NULL;
	size_t size = 0, cap;
	hall_err rc = HALL_OK;
	if (fstat(fd, &st) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, path, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = hall_error_set(err, HALL_ERR_IO, path, "is a directory, expected a file");
		goto out;
	}
	if ((size_t)st.st_size > max_len) {
		rc = hall_error_set(err, HALL_ERR_TOO_BIG, path, "file is %lld bytes, more than the limit of %zu",
		                    (long long)st.st_size, max_len);
		goto out;
	}
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
		goto out;
	}
	for (;;) {
		if (size + 1 >= cap) {
			if (cap > max_len + 1) {
				rc = hall_error_set(err, HALL_ERR_TOO_BIG, path, "file grew beyond the limit of %zu bytes", max_len);
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + size, cap - 1 - size);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = hall_error_set(err, HALL_ERR_IO, path, "read failed: %s", strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		size += (size_t)r;
	}
	if (size > max_len) {
		rc = hall_error_set(err, HALL_ERR_TOO_BIG, path, "file is larger than the limit of %zu bytes", max_len);
		goto out;
	}
	buf[size] = '\0';
	*data = buf;
	buf = NULL;
	if (len)
		*len = size;
out:
	free(buf);
	close(fd);
	return rc;
}

hall_err hall_fs_read_file(const char *path, size_t max_len, char **data, size_t *len, hall_error *err)
{
	*data = NULL;
	if (len)
		*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hall_error_set(err, errno == ENOENT ? HALL_ERR_NOT_FOUND : HALL_ERR_IO, path, "cannot open: %s",
		                      strerror(errno));
	return read_fd(fd, path, max_len, data, len, err);
}

/* What a file that is not regular is, for people. */
static const char *kind_of(mode_t m)
{
	return S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) || S_ISBLK(m) ? "a device" : S_ISSOCK(m) ? "a socket"
	       : S_ISDIR(m)                                      ? "a folder"
	                                                         : "not a regular file";
}

hall_err hall_fs_open_inside(const char *dir, const char *name, int *fd, hall_error *err)
{
	char path[4096], real_dir[PATH_MAX], real[PATH_MAX];
	*fd = -1;
	if (hall_fs_join(path, sizeof path, dir, name) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, "", "%s: the path is too long", name);
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (push hung on one for good). */
	int f = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (f < 0) {
		int e = errno;
		if (e == ELOOP)
			return hall_error_set(err, HALL_ERR_INVALID, "",
			                      "%s: refused: a symbolic link (only regular files inside the pack folder are read)",
			                      name);
		return hall_error_set(err, e == ENOENT ? HALL_ERR_NOT_FOUND : HALL_ERR_IO, "",
		                      e == ENOENT ? "file %s is missing" : "%s: cannot open: %s", name, strerror(e));
	}
	struct stat st;
	hall_err rc = HALL_OK;
	if (fstat(f, &st) != 0)
		rc = hall_error_set(err, HALL_ERR_IO, "", "%s: cannot stat: %s", name, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = hall_error_set(err, HALL_ERR_INVALID, "",
		                    "%s: refused: %s (only regular files inside the pack folder are read)", name,
		                    kind_of(st.st_mode));
	/* A linked folder on the way ("sub/x.png" with sub -> /etc) leads out too: the file's
	 * real path must lie under the folder's. Said without naming where it leads. */
	else if (!realpath(dir, real_dir) || !realpath(path, real))
		rc = hall_error_set(err, HALL_ERR_IO, "", "%s: cannot resolve its path: %s", name, strerror(errno));
	else if (strncmp(real, real_dir, strlen(real_dir)) != 0 ||
	         (real[strlen(real_dir)] != '/' && strcmp(real_dir, "/") != 0))
		rc = hall_error_set(err, HALL_ERR_INVALID, "",
		                    "%s: refused: it lies outside the pack folder (only regular files inside it are read)",
		                    name);
	else if (fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK) != 0)
		rc = hall_error_set(err, HALL_ERR_IO, "", "%s: %s", name, strerror(errno));
	if (rc) {
		close(f);
		return rc;
	}
	*fd = f;
	return HALL_OK;
}

hall_err hall_fs_read_inside(const char *dir, const char *name, size_t max_len, char **data, size_t *len,
                             hall_error *err)
{
	int fd = -1;
	*data = NULL;
	if (len)
		*len = 0;
	hall_err rc = hall_fs_open_inside(dir, name, &fd, err);
	return rc ? rc : read_fd(fd, name, max_len, data, len, err);
}

hall_err hall_fs_mkdirs(const char *path, hall_error *err)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s", path);
	if (n <= 0 || (size_t)n >= sizeof tmp)
		return hall_error_set(err, HALL_ERR_INVALID, path, "bad directory path");
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			return hall_error_set(err, HALL_ERR_IO, tmp, "cannot create directory: %s", strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		return hall_error_set(err, HALL_ERR_IO, tmp, "cannot create directory: %s", strerror(errno));
	struct stat st;
	if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode))
		return hall_error_set(err, HALL_ERR_IO, tmp, "exists and is not a directory");
	return HALL_OK;
}
