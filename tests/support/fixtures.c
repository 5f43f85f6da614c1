#include "fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/fsutil.h"

const char *hall_test_fixture(char *out, size_t len, const char *rel)
{
	snprintf(out, len, "%s/tests/fixtures/%s", HALL_SOURCE_DIR, rel);
	return out;
}

char *hall_test_read_fixture(const char *rel, size_t *len)
{
	char path[1024];
	char *data = NULL;
	size_t n = 0;
	hall_error err = {0};
	hall_test_fixture(path, sizeof path, rel);
	if (hall_fs_read_file(path, 64u << 20, &data, &n, &err) != HALL_OK) {
		fprintf(stderr, "fixture %s: %s\n", path, err.msg);
		abort();
	}
	if (len)
		*len = n;
	return data;
}

const char *hall_test_tmpdir(char *out, size_t len, const char *tag)
{
	const char *base = getenv("TMPDIR");
	snprintf(out, len, "%s/hall-%s-XXXXXX", base && *base ? base : "/tmp", tag);
	if (!mkdtemp(out)) {
		perror("mkdtemp");
		abort();
	}
	return out;
}

void hall_test_rmtree(const char *dir)
{
	char cmd[1200];
	if (!dir || !*dir || strstr(dir, "hall-") == NULL)
		return; /* only ever remove what hall_test_tmpdir made */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}
