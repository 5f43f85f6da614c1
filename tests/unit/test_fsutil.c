/* test_fsutil.c: atomic writes keep the old file when anything fails; reads name the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "hall/fsutil.h"

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	hall_error err = {0};
	if (hall_fs_read_file(path, 1u << 20, &data, len, &err) != HALL_OK)
		fail_msg("read %s: %s", path, err.msg);
	return data;
}

/* Files in dir other than "." and ".." (leftover temp files show up here). */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void write_atomic_should_create_and_replace_a_file(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "a.json");
	assert_int_equal(hall_fs_write_atomic(path, "old", 3, NULL), HALL_OK);
	assert_int_equal(hall_fs_write_atomic(path, "new contents", 12, NULL), HALL_OK);
	size_t len = 0;
	char *data = slurp(path, &len);
	assert_int_equal(len, 12);
	assert_string_equal(data, "new contents");
	free(data);
	/* an empty file is a valid content too */
	assert_int_equal(hall_fs_write_atomic(path, "", 0, NULL), HALL_OK);
	data = slurp(path, &len);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
	assert_int_equal(count_entries(dir), 1); /* no temp file left behind */
	hall_test_rmtree(dir);
}

static void write_atomic_should_keep_the_old_file_when_the_temp_file_cannot_be_created(void **state)
{
	(void)state;
	char dir[512], path[600], tmp[700];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "a.json");
	assert_int_equal(hall_fs_write_atomic(path, "old", 3, NULL), HALL_OK);
	/* A directory where the temp file would go: the open fails like it does in a
	 * read-only directory, and this works when the test runs as root too. */
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	assert_int_equal(mkdir(tmp, 0755), 0);
	hall_error err = {0};
	assert_int_equal(hall_fs_write_atomic(path, "new", 3, &err), HALL_ERR_IO);
	assert_string_equal(err.path, path);
	size_t len = 0;
	char *data = slurp(path, &len);
	assert_string_equal(data, "old");
	free(data);
	rmdir(tmp);
	hall_test_rmtree(dir);
}

/* The write attempt of the read-only test: 0 when it failed cleanly and kept "old". */
static int try_write_read_only(const char *path)
{
	hall_error err = {0};
	if (hall_fs_write_atomic(path, "new", 3, &err) != HALL_ERR_IO)
		return 1;
	char *data = NULL;
	size_t len = 0;
	if (hall_fs_read_file(path, 100, &data, &len, &err) != HALL_OK)
		return 2;
	int same = len == 3 && memcmp(data, "old", 3) == 0;
	free(data);
	return same ? 0 : 3;
}

static void write_atomic_should_keep_the_old_file_in_a_read_only_directory(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "a.json");
	assert_int_equal(hall_fs_write_atomic(path, "old", 3, NULL), HALL_OK);
	assert_int_equal(chmod(dir, 0555), 0);
	int result;
	if (geteuid() != 0) {
		result = try_write_read_only(path);
	} else {
		/* root ignores permissions: try as the unprivileged user "nobody" in a child */
		const uid_t nobody = 65534;
		assert_int_equal(chown(dir, nobody, nobody), 0);
		assert_int_equal(chown(path, nobody, nobody), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(nobody) != 0 || setuid(nobody) != 0)
				_exit(10);
			_exit(try_write_read_only(path));
		}
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		result = WEXITSTATUS(status);
	}
	chmod(dir, 0755);
	assert_int_equal(result, 0);
	hall_test_rmtree(dir);
}

static void write_atomic_should_keep_the_old_file_when_a_write_fails_midway(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "a.json");
	assert_int_equal(hall_fs_write_atomic(path, "old", 3, NULL), HALL_OK);
	/* A file size limit makes write() fail with EFBIG part way, as a full disk would. */
	struct rlimit saved, small;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	small = saved;
	small.rlim_cur = 4096;
	void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	char *big = malloc(100000);
	assert_non_null(big);
	memset(big, 'x', 100000);
	hall_error err = {0};
	hall_err rc = hall_fs_write_atomic(path, big, 100000, &err);
	setrlimit(RLIMIT_FSIZE, &saved);
	signal(SIGXFSZ, old_handler);
	free(big);
	assert_int_equal(rc, HALL_ERR_IO);
	assert_non_null(strstr(err.msg, "old file is kept"));
	size_t len = 0;
	char *data = slurp(path, &len);
	assert_string_equal(data, "old");
	free(data);
	assert_int_equal(count_entries(dir), 1); /* the partial temp file was removed */
	hall_test_rmtree(dir);
}

static void write_atomic_into_a_missing_directory_should_fail_naming_the_path(void **state)
{
	(void)state;
	hall_error err = {0};
	assert_int_equal(hall_fs_write_atomic("/nonexistent-hall-dir/x.json", "a", 1, &err), HALL_ERR_IO);
	assert_string_equal(err.path, "/nonexistent-hall-dir/x.json");
}

static void read_of_a_missing_file_should_name_it(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "missing.json");
	char *data = (char *)1;
	size_t len = 99;
	hall_error err = {0};
	assert_int_equal(hall_fs_read_file(path, 100, &data, &len, &err), HALL_ERR_NOT_FOUND);
	assert_null(data);
	assert_int_equal(len, 0);
	char line[1024];
	assert_non_null(strstr(hall_error_format(&err, line, sizeof line), path));
	/* a directory is not a file */
	assert_int_equal(hall_fs_read_file(dir, 100, &data, &len, &err), HALL_ERR_IO);
	assert_string_equal(err.path, dir);
	hall_test_rmtree(dir);
}

static void read_should_refuse_files_over_the_limit_and_accept_exactly_it(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	hall_fs_join(path, sizeof path, dir, "f");
	assert_int_equal(hall_fs_write_atomic(path, "0123456789", 10, NULL), HALL_OK);
	char *data = NULL;
	size_t len = 0;
	hall_error err = {0};
	assert_int_equal(hall_fs_read_file(path, 9, &data, &len, &err), HALL_ERR_TOO_BIG);
	assert_null(data);
	assert_int_equal(hall_fs_read_file(path, 10, &data, &len, &err), HALL_OK);
	assert_int_equal(len, 10);
	assert_int_equal(data[10], '\0');
	free(data);
	/* len may be NULL */
	assert_int_equal(hall_fs_read_file(path, 10, &data, NULL, &err), HALL_OK);
	free(data);
	hall_test_rmtree(dir);
}

static void read_should_handle_files_whose_size_stat_does_not_know(void **state)
{
	(void)state;
	/* /proc files report size 0 but have content: the read must grow its buffer */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(hall_fs_read_file("/proc/self/status", 1u << 20, &data, &len, NULL), HALL_OK);
	assert_true(len > 0);
	assert_int_equal(strlen(data), len);
	free(data);
	assert_int_equal(hall_fs_read_file("/proc/self/status", 10, &data, &len, NULL), HALL_ERR_TOO_BIG);
	assert_null(data);
}

static void mkdirs_should_create_nested_directories_and_refuse_a_file_in_the_way(void **state)
{
	(void)state;
	char dir[512], path[600], file[600];
	hall_test_tmpdir(dir, sizeof dir, "fs");
	snprintf(path, sizeof path, "%s/a/b/c", dir);
	assert_int_equal(hall_fs_mkdirs(path, NULL), HALL_OK);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hall_fs_mkdirs(path, NULL), HALL_OK); /* again: fine */
	snprintf(file, sizeof file, "%s/a/file", dir);
	assert_int_equal(hall_fs_write_atomic(file, "x", 1, NULL), HALL_OK);
	hall_error err = {0};
	assert_int_equal(hall_fs_mkdirs(file, &err), HALL_ERR_IO);
	snprintf(path, sizeof path, "%s/a/file/sub", dir);
	assert_int_equal(hall_fs_mkdirs(path, &err), HALL_ERR_IO);
	assert_true(hall_fs_exists(file));
	assert_false(hall_fs_exists(path));
	assert_false(hall_fs_exists(NULL));
	assert_int_equal(hall_fs_sync_dir_of(file, NULL), HALL_OK);
	hall_test_rmtree(dir);
}

static void join_should_add_one_slash_and_report_overflow(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(hall_fs_join(out, sizeof out, "a", "b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(hall_fs_join(out, sizeof out, "a/", "b"), 0);
	assert_string_equal(out, "a/b");
	assert_int_equal(hall_fs_join(out, sizeof out, "0123456789", "abcdef"), -1);
	assert_int_equal(hall_fs_join(out, sizeof out, "0123456789", "abcd"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(write_atomic_should_create_and_replace_a_file),
		cmocka_unit_test(write_atomic_should_keep_the_old_file_when_the_temp_file_cannot_be_created),
		cmocka_unit_test(write_atomic_should_keep_the_old_file_in_a_read_only_directory),
		cmocka_unit_test(write_atomic_should_keep_the_old_file_when_a_write_fails_midway),
		cmocka_unit_test(write_atomic_into_a_missing_directory_should_fail_naming_the_path),
		cmocka_unit_test(read_of_a_missing_file_should_name_it),
		cmocka_unit_test(read_should_refuse_files_over_the_limit_and_accept_exactly_it),
		cmocka_unit_test(read_should_handle_files_whose_size_stat_does_not_know),
		cmocka_unit_test(mkdirs_should_create_nested_directories_and_refuse_a_file_in_the_way),
		cmocka_unit_test(join_should_add_one_slash_and_report_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
