/* tests/support/fixtures.h: paths and temporary folders for tests. */
#ifndef HALL_TEST_FIXTURES_H
#define HALL_TEST_FIXTURES_H

#include <stddef.h>

/* HALL_SOURCE_DIR "/tests/fixtures/" rel into out. */
const char *hall_test_fixture(char *out, size_t len, const char *rel);
/* Read a fixture whole (malloc'd, NUL-terminated; caller frees); aborts the test on failure. */
char *hall_test_read_fixture(const char *rel, size_t *len);
/* A fresh empty directory under $TMPDIR (or /tmp), removed by hall_test_rmtree. */
const char *hall_test_tmpdir(char *out, size_t len, const char *tag);
void hall_test_rmtree(const char *dir);

#endif
