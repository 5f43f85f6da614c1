/* console_zip.c: a content pack uploaded to the console as one zip (libzip), unpacked into
 * the upload's folder only as plain files under safe relative paths.
 *
 * A zip is somebody else's file: an entry may name an absolute path, climb out with "..",
 * be a symbolic link, or claim a small size and inflate to gigabytes. Every entry is
 * checked before a byte of it is written, each problem is reported (all of them, not
 * the first), and sizes are bounded twice: by what the zip declares and by what is read
 * (at most the declared size plus one byte is ever inflated). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "console_priv.h"
#include "hall/fsutil.h"

#define ZIP_ENTRIES_MAX 2000

bool console__pack_path_ok(const char *p)
{
	int depth = 0;
	if (!*p || strlen(p) > 200)
		return false;
	for (const char *s = p; *s;) {
		size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') || ++depth > 4)
			return false;
		s += n;
		if (*s == '/')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

static void issue(hall_issue_fn report, void *user, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void issue(hall_issue_fn report, void *user, const char *path, const char *fmt, ...)
{
	hall_issue i = {.severity = HALL_ISSUE_ERROR};
	va_list ap;
	snprintf(i.path, sizeof i.path, "%.*s", (int)sizeof i.path - 1, path);
	va_start(ap, fmt);
	vsnprintf(i.msg, sizeof i.msg, fmt, ap);
	va_end(ap);
	report(user, &i);
}

/* The folder every entry sits in ("pack/") when the zip was made of a folder rather than
 * of its files: stripped, so manifest.json lands at the top. "" when none. */
static void common_folder(zip_t *za, zip_int64_t n, char *out, size_t len)
{
	out[0] = '\0';
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		const char *slash = name ? strchr(name, '/') : NULL;
		if (!slash || (size_t)(slash - name) + 2 > len) {
			out[0] = '\0';
			return;
		}
		if (i == 0)
			snprintf(out, len, "%.*s", (int)(slash - name + 1), name);
		else if (strncmp(name, out, strlen(out)) != 0) {
			out[0] = '\0';
			return;
		}
	}
}

/* Is the entry refused by its kind (a link, a device)? Its reason, or NULL. */
static const char *bad_kind(zip_t *za, zip_uint64_t i)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) != 0 || opsys != ZIP_OPSYS_UNIX)
		return NULL; /* DOS attributes say nothing of links */
	mode_t mode = (mode_t)(attr >> 16);
	if (S_ISLNK(mode))
		return "a symbolic link: refused (a pack holds plain files only)";
	if ((mode & S_IFMT) && !S_ISREG(mode) && !S_ISDIR(mode))
		return "not a plain file: refused";
	return NULL;
}

/* One entry, checked and (when fine) written: 0, or -1 with the problem reported. */
static int unpack_entry(zip_t *za, zip_uint64_t i, const char *strip, const char *dir, size_t *total,
                        hall_issue_fn report, void *user)
{
	zip_stat_t st;
	char path[HALL_CONFIG_PATH_MAX + 300];
	if (zip_stat_index(za, i, ZIP_FL_ENC_GUESS, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
		issue(report, user, "zip", "entry %llu: unreadable", (unsigned long long)i);
		return -1;
	}
	const char *name = st.name, *why = bad_kind(za, i);
	if (why) {
		issue(report, user, name, "%s", why);
		return -1;
	}
	if (name[0] == '/' || strchr(name, '\\') || strstr(name, "..")) {
		issue(report, user, name, "%s",
		      name[0] == '/' ? "an absolute path: refused" : "a path that may climb out of the pack: refused");
		return -1;
	}
	const char *rel = name + strlen(strip);
	size_t n = strlen(rel);
	if (n == 0 || rel[n - 1] == '/')
		return 0; /* a folder: made when its files are written */
	if (!console__pack_path_ok(rel)) {
		issue(report, user, name, "%s", "a file name of a-z A-Z 0-9 . _ - (at most 4 folders deep): refused");
		return -1;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		issue(report, user, name, "%s", "encrypted: refused");
		return -1;
	}
	if (!(st.valid & ZIP_STAT_SIZE) || st.size > CONSOLE_UPLOAD_MAX) {
		issue(report, user, name, "over %d MiB unpacked: refused", CONSOLE_UPLOAD_MAX / (1024 * 1024));
		return -1;
	}
	*total += (size_t)st.size;
	if (*total > CONSOLE_ZIP_UNPACKED_MAX) {
		issue(report, user, name, "the pack is over %d MiB unpacked: refused from here on",
		      CONSOLE_ZIP_UNPACKED_MAX / (1024 * 1024));
		return -1;
	}
	char *data = malloc((size_t)st.size + 1);
	zip_file_t *zf = data ? zip_fopen_index(za, i, 0) : NULL;
	zip_int64_t got = zf ? zip_fread(zf, data, st.size + 1) : -1;
	if (zf)
		zip_fclose(zf);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		free(data);
		issue(report, user, name, "%s", "damaged (its size or data do not match the zip's directory)");
		return -1;
	}
	hall_error err = {0};
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	hall_err rc = hall_fs_mkdirs(path, &err);
	*slash = '/';
	if (rc == HALL_OK)
		rc = hall_fs_write_atomic(path, data, (size_t)got, &err);
	free(data);
	if (rc != HALL_OK) {
		issue(report, user, name, "cannot be written: %s", err.msg);
		return -1;
	}
	return 0;
}

int console__unzip(const char *buf, size_t len, const char *dir, hall_issue_fn report, void *user)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
	if (!za) {
		issue(report, user, "zip", "not a zip file that can be read: %s", zip_error_strerror(&ze));
		if (src)
			zip_source_free(src);
		zip_error_fini(&ze);
		return 1;
	}
	zip_error_fini(&ze);
	int problems = 0;
	zip_int64_t n = zip_get_num_entries(za, 0);
	if (n <= 0 || n > ZIP_ENTRIES_MAX) {
		if (n <= 0)
			issue(report, user, "zip", "empty: no files");
		else
			issue(report, user, "zip", "%lld files: at most %d", (long long)n, ZIP_ENTRIES_MAX);
		zip_discard(za);
		return 1;
	}
	char strip[128];
	common_folder(za, n, strip, sizeof strip);
	size_t total = 0;
	for (zip_int64_t i = 0; i < n; i++)
		problems += unpack_entry(za, (zip_uint64_t)i, strip, dir, &total, report, user) != 0;
	zip_discard(za); /* the buffer is the caller's: zip_source_buffer_create(..., 0) */
	return problems;
}
