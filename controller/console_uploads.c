/* console_uploads.c: the console's uploads are kept only while they may still be used.
 * An upload is DATA/uploads/<id>/ (the pack's files) with <id>.shots/ (its preview),
 * <id>.refused (its zip had errors) and <id>.pushed (pushed while its preview still ran)
 * beside it. The folder goes when the pack was pushed and so stored (DATA/packs keeps it),
 * when the page discards it (DELETE /uploads/ID: a check with errors), and everything of
 * an upload goes when it is older than CONSOLE_UPLOAD_MAX_AGE_MS: swept when the console
 * starts and again, at most once a minute, whenever a new upload is made (the only way
 * the folder grows), so DATA/uploads never grows without bound. Nothing is removed while
 * a job (a push or a preview) still uses the upload. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console_priv.h"
#include "hall/clock.h"
#include "hall/log.h"

#define SWEEP_EVERY_MS (60 * 1000)

bool console__upload_id_ok(const char *id)
{
	return id && strlen(id) == CONSOLE_UPLOAD_ID_HEX && strspn(id, "0123456789abcdef") == CONSOLE_UPLOAD_ID_HEX;
}

/* Remove name inside the directory dirfd, a folder with all it holds (no links followed:
 * a symbolic link is removed, never what it points at). Depth is bounded (packs are at
 * most 4 deep, shots 1). */
static void remove_at(int dirfd, const char *name, int depth)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	if (S_ISDIR(st.st_mode) && depth < 8) {
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d && fd >= 0)
			close(fd);
		for (struct dirent *e; d && (e = readdir(d)) != NULL;)
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				remove_at(fd, e->d_name, depth + 1);
		if (d)
			closedir(d);
		if (unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
			hall_warn("console: cannot remove %s: %s", name, strerror(errno));
	} else if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
		hall_warn("console: cannot remove %s: %s", name, strerror(errno));
}

/* Lock held. A job not done yet uses the upload. */
static bool busy_locked(hall_console *c, const char *id)
{
	for (int i = 0; i < CONSOLE_JOBS_MAX; i++)
		if (c->jobs[i].id && !c->jobs[i].done && strcmp(c->jobs[i].upload, id) == 0)
			return true;
	return false;
}

static int open_uploads(hall_console *c)
{
	char dir[HALL_CONFIG_PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/uploads", c->cfg->data_dir);
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Lock held. The upload's entries: the folder always, its preview and marks when `all`. */
static void remove_upload_locked(hall_console *c, int dirfd, const char *id, bool all)
{
	static const char *const sides[] = {"", ".pushed", ".refused", ".shots"};
	for (size_t i = 0; i < (all ? 4u : 2u); i++) {
		char name[CONSOLE_UPLOAD_ID_HEX + 16];
		snprintf(name, sizeof name, "%.16s%s", id, sides[i]);
		remove_at(dirfd, name, 0);
	}
	(void)c;
}

int console__upload_discard(hall_console *c, const char *id)
{
	if (!console__upload_id_ok(id))
		return -1;
	int fd = open_uploads(c);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&c->lock);
	remove_upload_locked(c, fd, id, true);
	pthread_mutex_unlock(&c->lock);
	close(fd);
	return 0;
}

void console__upload_job_done(hall_console *c, const char *id, bool pushed)
{
	if (!console__upload_id_ok(id))
		return;
	int fd = open_uploads(c);
	if (fd < 0)
		return;
	char mark[CONSOLE_UPLOAD_ID_HEX + 16];
	snprintf(mark, sizeof mark, "%.16s.pushed", id);
	pthread_mutex_lock(&c->lock);
	struct stat st;
	bool stored = pushed || fstatat(fd, mark, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (stored && busy_locked(c, id)) {
		/* its preview still reads the files: the preview's end removes them */
		int m = openat(fd, mark, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (m >= 0)
			close(m);
	} else if (stored)
		remove_upload_locked(c, fd, id, false); /* the preview's screens stay until the age bound */
	pthread_mutex_unlock(&c->lock);
	close(fd);
}

void console__uploads_sweep(hall_console *c, bool force)
{
	int64_t now = hall_clock_mono_ms();
	pthread_mutex_lock(&c->lock);
	if (!force && c->last_sweep && now - c->last_sweep < SWEEP_EVERY_MS) {
		pthread_mutex_unlock(&c->lock);
		return;
	}
	c->last_sweep = now;
	pthread_mutex_unlock(&c->lock);
	int fd = open_uploads(c);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	int64_t bound = hall_clock_now_ms() - CONSOLE_UPLOAD_MAX_AGE_MS;
	char old[64][CONSOLE_UPLOAD_ID_HEX + 1];
	size_t n_old = 0;
	/* An upload is as old as the newest of its entries (a preview drawn later keeps it). */
	for (struct dirent *e; (e = readdir(d)) != NULL && n_old < sizeof old / sizeof *old;) {
		char id[CONSOLE_UPLOAD_ID_HEX + 1];
		snprintf(id, sizeof id, "%.*s", CONSOLE_UPLOAD_ID_HEX, e->d_name);
		if (!console__upload_id_ok(id) || (e->d_name[CONSOLE_UPLOAD_ID_HEX] && e->d_name[CONSOLE_UPLOAD_ID_HEX] != '.'))
			continue;
		static const char *const sides[] = {"", ".pushed", ".refused", ".shots"};
		bool fresh = false;
		for (size_t i = 0; i < 4 && !fresh; i++) {
			char name[CONSOLE_UPLOAD_ID_HEX + 16];
			struct stat st;
			snprintf(name, sizeof name, "%.16s%s", id, sides[i]);
			fresh = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			        (int64_t)st.st_mtime * 1000 + st.st_mtim.tv_nsec / 1000000 > bound;
		}
		bool listed = false;
		for (size_t i = 0; i < n_old && !listed; i++)
			listed = strcmp(old[i], id) == 0;
		if (!fresh && !listed)
			snprintf(old[n_old++], sizeof old[0], "%s", id);
	}
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < n_old; i++)
		if (!busy_locked(c, old[i])) {
			remove_upload_locked(c, fd, old[i], true);
			hall_info("console: upload %s was older than %d h: removed", old[i],
			          (int)(CONSOLE_UPLOAD_MAX_AGE_MS / 3600000));
		}
	pthread_mutex_unlock(&c->lock);
	closedir(d);
}
