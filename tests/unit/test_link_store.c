/* test_link_store.c: the kiosk's content store (kiosk/content_store.c): blobs received in
 * pieces and verified by hash, packs staged atomically, garbage collection. No broker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "content_store.h"
#include "fixtures.h"
#include "hall/fsutil.h"
#include "hall/sha256.h"

typedef struct fx {
	char dir[256];
	char store_dir[512];
	hall_cstore *cs;
	unsigned char *png;
	size_t png_len;
	char sha[65];
	char *manifest;
	size_t manifest_len;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	hall_error err = {0};
	assert_non_null(f);
	hall_test_tmpdir(f->dir, sizeof f->dir, "link-store");
	assert_int_equal(hall_fs_join(f->store_dir, sizeof f->store_dir, f->dir, "content"), 0);
	assert_int_equal(hall_cstore_open(f->store_dir, &f->cs, &err), HALL_OK);
	f->png = (unsigned char *)hall_test_read_fixture("link/default/mark.png", &f->png_len);
	hall_sha256_hex(f->png, f->png_len, f->sha);
	f->manifest = hall_test_read_fixture("link/default/manifest.json", &f->manifest_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hall_cstore_close(f->cs);
	hall_test_rmtree(f->dir);
	free(f->png);
	free(f->manifest);
	free(f);
	return 0;
}

static void blob_path(const fx *f, char *out, size_t len)
{
	snprintf(out, len, "%s/blobs/%s", f->store_dir, f->sha);
}

static void blob_received_out_of_order_should_verify_and_appear(void **state)
{
	fx *f = *state;
	hall_cstore_blob *b = NULL;
	hall_error err = {0};
	size_t half = f->png_len / 2;
	assert_false(hall_cstore_has_blob(f->cs, f->sha));
	assert_int_equal(hall_cstore_blob_begin(f->cs, f->sha, f->png_len, &b, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_write_at(b, half, f->png + half, f->png_len - half, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_next_missing(b), 0);
	assert_false(hall_cstore_blob_complete(b));
	assert_int_equal(hall_cstore_blob_write_at(b, 0, f->png, half + 3, &err), HALL_OK); /* overlaps */
	assert_int_equal(hall_cstore_blob_received(b), f->png_len);
	assert_true(hall_cstore_blob_complete(b));
	assert_int_equal(hall_cstore_blob_finish(b, &err), HALL_OK);
	assert_true(hall_cstore_has_blob(f->cs, f->sha));
	char path[700], hex[65];
	size_t size = 0;
	blob_path(f, path, sizeof path);
	assert_int_equal(hall_sha256_file(path, hex, &size, &err), HALL_OK);
	assert_string_equal(hex, f->sha);
}

static void blob_with_wrong_bytes_should_be_refused_and_leave_nothing(void **state)
{
	fx *f = *state;
	hall_cstore_blob *b = NULL;
	hall_error err = {0};
	unsigned char *bad = malloc(f->png_len);
	assert_non_null(bad);
	memcpy(bad, f->png, f->png_len);
	bad[f->png_len - 1] ^= 1;
	assert_int_equal(hall_cstore_blob_begin(f->cs, f->sha, f->png_len, &b, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_write_at(b, 0, bad, f->png_len, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_finish(b, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(err.msg, "wrong hash"));
	assert_false(hall_cstore_has_blob(f->cs, f->sha));
	char part[700];
	snprintf(part, sizeof part, "%s/blobs/%s.part", f->store_dir, f->sha);
	assert_false(hall_fs_exists(part));
	free(bad);
}

static void blob_should_refuse_bytes_beyond_its_size(void **state)
{
	fx *f = *state;
	hall_cstore_blob *b = NULL;
	hall_error err = {0};
	assert_int_equal(hall_cstore_blob_begin(f->cs, f->sha, 10, &b, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_write_at(b, 5, f->png, 6, &err), HALL_ERR_TOO_BIG);
	assert_non_null(strstr(err.msg, "oversize"));
	/* An incomplete blob does not finish. */
	assert_int_equal(hall_cstore_blob_write_at(b, 0, f->png, 5, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_finish(b, &err), HALL_ERR_INVALID);
}

static void store_blob(fx *f)
{
	hall_cstore_blob *b = NULL;
	hall_error err = {0};
	assert_int_equal(hall_cstore_blob_begin(f->cs, f->sha, f->png_len, &b, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_write_at(b, 0, f->png, f->png_len, &err), HALL_OK);
	assert_int_equal(hall_cstore_blob_finish(b, &err), HALL_OK);
}

static void stage_should_refuse_a_pack_whose_blob_is_missing(void **state)
{
	fx *f = *state;
	hall_content *c = NULL;
	char dir[HALL_CSTORE_PATH_MAX];
	hall_error err = {0};
	assert_int_equal(hall_cstore_stage_pack(f->cs, "all.v1", f->manifest, f->manifest_len, &c, dir, &err),
	                 HALL_ERR_NOT_FOUND);
	assert_null(c);
	assert_string_equal(err.path, "assets[0]");
	assert_false(hall_cstore_has_pack(f->cs, "all.v1"));
}

static void staged_pack_should_load_again_and_survive_gc_only_when_kept(void **state)
{
	fx *f = *state;
	hall_content *c = NULL;
	char dir[HALL_CSTORE_PATH_MAX];
	hall_error err = {0};
	store_blob(f);
	assert_int_equal(hall_cstore_stage_pack(f->cs, "all.v1", f->manifest, f->manifest_len, &c, dir, &err), HALL_OK);
	assert_non_null(c);
	hall_cstore_content_destroy(c);
	assert_int_equal(hall_cstore_stage_pack(f->cs, "group.lobby.v2", f->manifest, f->manifest_len, &c, dir, &err),
	                 HALL_OK);
	hall_cstore_content_destroy(c);
	char polls[4][65];
	assert_int_equal(hall_cstore_load_pack(f->cs, "all.v1", &c, dir, &err), HALL_OK);
	assert_int_equal(hall_cstore_content_polls(c, polls, 4), 1);
	assert_string_equal(polls[0], "brand-vote");
	hall_cstore_content_destroy(c);

	const char *keep[] = {"group.lobby.v2"};
	hall_cstore_gc(f->cs, keep, 1);
	assert_false(hall_cstore_has_pack(f->cs, "all.v1"));
	assert_true(hall_cstore_has_pack(f->cs, "group.lobby.v2"));
	assert_true(hall_cstore_has_blob(f->cs, f->sha)); /* still used by the kept pack */
	hall_cstore_gc(f->cs, NULL, 0);
	assert_false(hall_cstore_has_pack(f->cs, "group.lobby.v2"));
	assert_false(hall_cstore_has_blob(f->cs, f->sha));
}

static void keys_that_could_escape_the_store_should_be_refused(void **state)
{
	fx *f = *state;
	hall_content *c = NULL;
	char dir[HALL_CSTORE_PATH_MAX];
	hall_error err = {0};
	store_blob(f);
	assert_int_equal(hall_cstore_stage_pack(f->cs, "../evil", f->manifest, f->manifest_len, &c, dir, &err),
	                 HALL_ERR_INVALID);
	assert_int_equal(hall_cstore_load_pack(f->cs, "a/b", &c, dir, &err), HALL_ERR_INVALID);
	assert_null(c);
}

static void open_should_remove_leftovers_of_an_interrupted_write(void **state)
{
	fx *f = *state;
	char part[700], tmp[700];
	hall_error err = {0};
	snprintf(part, sizeof part, "%s/blobs/%s.part", f->store_dir, f->sha);
	snprintf(tmp, sizeof tmp, "%s/packs/all.v3.tmp", f->store_dir);
	assert_int_equal(hall_fs_write_atomic(part, "x", 1, &err), HALL_OK);
	assert_int_equal(hall_fs_mkdirs(tmp, &err), HALL_OK);
	hall_cstore_close(f->cs);
	assert_int_equal(hall_cstore_open(f->store_dir, &f->cs, &err), HALL_OK);
	assert_false(hall_fs_exists(part));
	assert_false(hall_fs_exists(tmp));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blob_received_out_of_order_should_verify_and_appear, setup, teardown),
		cmocka_unit_test_setup_teardown(blob_with_wrong_bytes_should_be_refused_and_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(blob_should_refuse_bytes_beyond_its_size, setup, teardown),
		cmocka_unit_test_setup_teardown(stage_should_refuse_a_pack_whose_blob_is_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(staged_pack_should_load_again_and_survive_gc_only_when_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(keys_that_could_escape_the_store_should_be_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(open_should_remove_leftovers_of_an_interrupted_write, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
