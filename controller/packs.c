/* packs.c: the content-addressed pack store (see packs.h). */
#include "packs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "hall/fsutil.h"
#include "hall/sha256.h"

int hall_packs_object_path(char *out, size_t len, const char *data_dir, const char *sha256)
{
	if (!hall_sha256_is_hex(sha256))
		return -1;
	int n = snprintf(out, len, "%s/packs/objects/%s", data_dir, sha256);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Write `data` as object `sha256` unless an object of that name already exists (it then
 * holds the same bytes: it was verified when written). The caller checked the hash. */
static hall_err put_object(const char *data_dir, const char *sha256, const void *data, size_t len, hall_error *err)
{
	char path[1024];
	if (hall_packs_object_path(path, sizeof path, data_dir, sha256) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, data_dir, "pack store path too long");
	if (hall_fs_exists(path))
		return HALL_OK;
	return hall_fs_write_atomic(path, data, len, err);
}

hall_err hall_packs_store_dir(const char *data_dir, const char *dir, const hall_content *content, char ref[65],
                              hall_error *err)
{
	char objects[1024], path[1024];
	char *data = NULL;
	size_t len = 0;
	hall_err rc;
	if (snprintf(objects, sizeof objects, "%s/packs/objects", data_dir) >= (int)sizeof objects)
		return hall_error_set(err, HALL_ERR_INVALID, data_dir, "path too long");
	rc = hall_fs_mkdirs(objects, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < content->n_assets; i++) {
		const hall_asset *a = &content->assets[i];
		char hex[65];
		if (hall_fs_join(path, sizeof path, dir, a->name) != 0)
			return hall_error_set(err, HALL_ERR_INVALID, dir, "path too long");
		/* Only regular files inside the pack folder (hall_fs_open_inside), as validate read. */
		rc = hall_fs_read_inside(dir, a->name, HALL_CONTENT_ASSET_SIZE_MAX, &data, &len, err);
		if (rc)
			goto fail;
		/* Check again what validate checked: the file may have changed since. */
		hall_sha256_hex(data, len, hex);
		if (strcmp(hex, a->sha256) != 0 || len != a->size) {
			rc = hall_error_set(err, HALL_ERR_INVALID, path, "changed since it was checked (sha256 %s, %zu bytes)",
			                    hex, len);
			goto fail;
		}
		rc = put_object(data_dir, hex, data, len, err);
		if (rc)
			goto fail;
		free(data);
		data = NULL;
	}
	if (hall_fs_join(path, sizeof path, dir, "manifest.json") != 0)
		return hall_error_set(err, HALL_ERR_INVALID, dir, "path too long");
	rc = hall_fs_read_inside(dir, "manifest.json", HALL_CONTENT_MANIFEST_MAX, &data, &len, err);
	if (rc)
		goto fail;
	hall_sha256_hex(data, len, ref);
	rc = put_object(data_dir, ref, data, len, err);
fail:
	free(data);
	return rc;
}

hall_err hall_packs_read_object(const char *data_dir, const char *sha256, size_t max_len, char **data,
                                size_t *len, hall_error *err)
{
	char path[1024];
	if (hall_packs_object_path(path, sizeof path, data_dir, sha256) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, sha256, "not a sha256 or path too long");
	return hall_fs_read_file(path, max_len, data, len, err);
}

hall_err hall_packs_read_chunk(const char *data_dir, const char *sha256, int64_t offset, void *buf, size_t want,
                               size_t *got, int64_t *size, hall_error *err)
{
	char path[1024];
	hall_err rc = HALL_OK;
	if (hall_packs_object_path(path, sizeof path, data_dir, sha256) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, sha256, "not a sha256 or path too long");
	FILE *f = fopen(path, "rb");
	if (!f)
		return hall_error_set(err, errno == ENOENT ? HALL_ERR_NOT_FOUND : HALL_ERR_IO, path, "%s", strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, path, "%s", strerror(errno));
		goto done;
	}
	*size = (int64_t)st.st_size;
	if (offset < 0 || offset > *size) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "offset", "%lld is past the end (%lld bytes)", (long long)offset,
		                    (long long)*size);
		goto done;
	}
	if (fseeko(f, (off_t)offset, SEEK_SET) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, path, "%s", strerror(errno));
		goto done;
	}
	*got = fread(buf, 1, want, f);
	if (*got < want && ferror(f))
		rc = hall_error_set(err, HALL_ERR_IO, path, "read failed");
done:
	fclose(f);
	return rc;
}
