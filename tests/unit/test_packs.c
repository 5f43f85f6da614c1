/* test_packs.c: the controller's content-addressed pack store (controller/packs.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/sha256.h"
#include "packs.h"

typedef struct fx {
	char dir[512];
	char data[600];
	char pack[600];
} fx;

/* A copy of tests/fixtures/controller/pack-good in a temp dir (so a test may change it). */
static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char src[1024], dst[1200];
	hall_test_tmpdir(f->dir, sizeof f->dir, "packs");
	snprintf(f->data, sizeof f->data, "%s/data", f->dir);
	snprintf(f->pack, sizeof f->pack, "%s/pack", f->dir);
	if (hall_fs_mkdirs(f->pack, NULL) != HALL_OK)
		return -1;
	const char *files[] = {"manifest.json", "mark.png"};
	for (int i = 0; i < 2; i++) {
		char *buf = NULL;
		size_t len = 0;
		snprintf(src, sizeof src, "controller/pack-good/%s", files[i]);
		buf = hall_test_read_fixture(src, &len);
		snprintf(dst, sizeof dst, "%s/%s", f->pack, files[i]);
		if (hall_fs_write_atomic(dst, buf, len, NULL) != HALL_OK)
			return -1;
		free(buf);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hall_test_rmtree(f->dir);
	free(f);
	return 0;
}

static hall_content *load(const fx *f)
{
	hall_content *c = NULL;
	assert_int_equal(hall_content_load_dir(f->pack, NULL, NULL, &c, NULL), HALL_OK);
	return c;
}

static void store_dir_should_name_the_pack_by_its_manifest_sha256(void **state)
{
	fx *f = *state;
	hall_content *c = load(f);
	char ref[65];
	assert_int_equal(hall_packs_store_dir(f->data, f->pack, c, ref, NULL), HALL_OK);
	char path[800], hex[65];
	size_t size = 0;
	snprintf(path, sizeof path, "%s/manifest.json", f->pack);
	assert_int_equal(hall_sha256_file(path, hex, &size, NULL), HALL_OK);
	assert_string_equal(ref, hex);
	/* The manifest and the asset are objects named by their hashes. */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(hall_packs_read_object(f->data, ref, 1u << 20, &data, &len, NULL), HALL_OK);
	assert_int_equal(len, size);
	free(data);
	assert_int_equal(hall_packs_object_path(path, sizeof path, f->data, c->assets[0].sha256), 0);
	assert_true(hall_fs_exists(path));
	/* Storing again is a no-op with the same name. */
	char again[65];
	assert_int_equal(hall_packs_store_dir(f->data, f->pack, c, again, NULL), HALL_OK);
	assert_string_equal(again, ref);
	hall_content_destroy(c);
}

static void store_dir_should_refuse_a_file_changed_after_validation(void **state)
{
	fx *f = *state;
	hall_content *c = load(f);
	char path[800], ref[65];
	snprintf(path, sizeof path, "%s/mark.png", f->pack);
	assert_int_equal(hall_fs_write_atomic(path, "\x89PNG\r\n\x1a\nchanged", 15, NULL), HALL_OK);
	hall_error err = {0};
	assert_int_equal(hall_packs_store_dir(f->data, f->pack, c, ref, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, path);
	assert_int_equal(hall_packs_object_path(path, sizeof path, f->data, c->assets[0].sha256), 0);
	assert_false(hall_fs_exists(path));
	hall_content_destroy(c);
}

static void read_chunk_should_read_from_an_offset_and_report_the_size(void **state)
{
	fx *f = *state;
	hall_content *c = load(f);
	char ref[65];
	assert_int_equal(hall_packs_store_dir(f->data, f->pack, c, ref, NULL), HALL_OK);
	const hall_asset *a = &c->assets[0];
	unsigned char buf[16];
	size_t got = 0;
	int64_t size = 0;
	assert_int_equal(hall_packs_read_chunk(f->data, a->sha256, 8, buf, sizeof buf, &got, &size, NULL), HALL_OK);
	assert_int_equal(size, (int64_t)a->size);
	assert_int_equal(got, sizeof buf);
	assert_int_equal(hall_packs_read_chunk(f->data, a->sha256, size, buf, sizeof buf, &got, &size, NULL), HALL_OK);
	assert_int_equal(got, 0);
	hall_error err = {0};
	assert_int_equal(hall_packs_read_chunk(f->data, a->sha256, size + 1, buf, sizeof buf, &got, &size, &err),
	                 HALL_ERR_INVALID);
	char missing[65];
	memset(missing, 'a', 64);
	missing[64] = '\0';
	assert_int_equal(hall_packs_read_chunk(f->data, missing, 0, buf, sizeof buf, &got, &size, &err),
	                 HALL_ERR_NOT_FOUND);
	assert_int_equal(hall_packs_read_chunk(f->data, "../../etc/passwd", 0, buf, sizeof buf, &got, &size, &err),
	                 HALL_ERR_INVALID);
	hall_content_destroy(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_dir_should_name_the_pack_by_its_manifest_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(store_dir_should_refuse_a_file_changed_after_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(read_chunk_should_read_from_an_offset_and_report_the_size, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
