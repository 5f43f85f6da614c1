/* kiosk/content_store.c: content packs on disk, assets by hash (see content_store.h). */
#include "content_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/log.h"
#include "hall/schedule.h"
#include "hall/sha256.h"

struct hall_cstore {
	char dir[HALL_CSTORE_PATH_MAX];
	char blobs[HALL_CSTORE_PATH_MAX];
	char packs[HALL_CSTORE_PATH_MAX];
};

struct hall_cstore_blob {
	hall_cstore *cs;
	char sha256[65];
	char part[HALL_CSTORE_PATH_MAX];
	char final[HALL_CSTORE_PATH_MAX];
	int fd;
	uint64_t size;
	/* Byte ranges held, sorted and disjoint: [start, end). */
	struct range { uint64_t start, end; } *ranges;
	size_t n_ranges, cap_ranges;
	/* While pieces come in order from 0 the hash is computed as they arrive; otherwise
	 * finish() hashes the file. */
	hall_sha256 hash;
	uint64_t hashed;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* A pack key is "<scope parts>.v<version>": printable, no '/', not "." or "..". */
static bool key_is_valid(const char *key)
{
	size_t n = strlen(key);
	if (n == 0 || n >= HALL_CSTORE_KEY_MAX || key[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Remove a flat directory (files only, as packs are) and the directory itself. */
static int remove_flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *de;
	char path[HALL_CSTORE_PATH_MAX];
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (hall_fs_join(path, sizeof path, dir, de->d_name) == 0)
			unlink(path);
	}
	closedir(d);
	return rmdir(dir);
}

hall_err hall_cstore_open(const char *dir, hall_cstore **out, hall_error *err)
{
	hall_err rc = HALL_OK;
	hall_cstore *cs = calloc(1, sizeof *cs);
	DIR *d = NULL;
	*out = NULL;
	if (!cs)
		return hall_error_set(err, HALL_ERR_NOMEM, dir, "out of memory");
	if (snprintf(cs->dir, sizeof cs->dir, "%s", dir) >= (int)sizeof cs->dir ||
	    hall_fs_join(cs->blobs, sizeof cs->blobs, dir, "blobs") != 0 ||
	    hall_fs_join(cs->packs, sizeof cs->packs, dir, "packs") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, dir, "path too long");
		goto fail;
	}
	if ((rc = hall_fs_mkdirs(cs->blobs, err)) != HALL_OK || (rc = hall_fs_mkdirs(cs->packs, err)) != HALL_OK)
		goto fail;
	/* Leftovers of a write that a crash or power cut interrupted. */
	d = opendir(cs->blobs);
	if (d) {
		struct dirent *de;
		char path[HALL_CSTORE_PATH_MAX];
		while ((de = readdir(d)) != NULL)
			if (ends_with(de->d_name, ".part") && hall_fs_join(path, sizeof path, cs->blobs, de->d_name) == 0)
				unlink(path);
		closedir(d);
	}
	d = opendir(cs->packs);
	if (d) {
		struct dirent *de;
		char path[HALL_CSTORE_PATH_MAX];
		while ((de = readdir(d)) != NULL)
			if (ends_with(de->d_name, ".tmp") && hall_fs_join(path, sizeof path, cs->packs, de->d_name) == 0)
				remove_flat_dir(path);
		closedir(d);
	}
	*out = cs;
	return HALL_OK;
fail:
	free(cs);
	return rc;
}

void hall_cstore_close(hall_cstore *cs)
{
	free(cs);
}

/* ---- manifests ----------------------------------------------------------------------- */

hall_err hall_cstore_parse_manifest(const char *buf, size_t len, hall_cstore_manifest *out, hall_error *err)
{
	hall_err rc;
	memset(out, 0, sizeof *out);
	rc = hall_content_parse(buf, len, NULL, NULL, &out->content, err);
	if (rc != HALL_OK)
		return rc;
	const hall_content *c = out->content;
	if (c->n_assets > 0) {
		out->assets = calloc(c->n_assets, sizeof *out->assets);
		if (!out->assets) {
			rc = hall_error_set(err, HALL_ERR_NOMEM, "assets", "out of memory");
			goto fail;
		}
	}
	for (size_t i = 0; i < c->n_assets; i++) {
		hall_cstore_asset *a = &out->assets[i];
		snprintf(a->name, sizeof a->name, "%s", c->assets[i].name);
		memcpy(a->sha256, c->assets[i].sha256, sizeof a->sha256);
		a->size = c->assets[i].size;
		out->total_bytes += a->size;
	}
	out->n_assets = c->n_assets;
	if (out->total_bytes > (uint64_t)HALL_CSTORE_PACK_MAX_BYTES) {
		rc = hall_error_set(err, HALL_ERR_TOO_BIG, "assets", "oversize pack: assets total %llu bytes, the limit is %lld",
		                    (unsigned long long)out->total_bytes, (long long)HALL_CSTORE_PACK_MAX_BYTES);
		goto fail;
	}
	return HALL_OK;
fail:
	hall_cstore_manifest_free(out);
	return rc;
}

void hall_cstore_manifest_free(hall_cstore_manifest *m)
{
	if (!m)
		return;
	hall_content_destroy(m->content);
	free(m->assets);
	memset(m, 0, sizeof *m);
}

/* ---- blobs --------------------------------------------------------------------------- */

bool hall_cstore_has_blob(const hall_cstore *cs, const char *sha256)
{
	char path[HALL_CSTORE_PATH_MAX];
	if (!hall_sha256_is_hex(sha256) || hall_fs_join(path, sizeof path, cs->blobs, sha256) != 0)
		return false;
	return hall_fs_exists(path) != 0;
}

hall_err hall_cstore_blob_begin(hall_cstore *cs, const char *sha256, uint64_t size, hall_cstore_blob **out,
                                hall_error *err)
{
	hall_cstore_blob *b;
	char name[80];
	*out = NULL;
	if (!hall_sha256_is_hex(sha256))
		return hall_error_set(err, HALL_ERR_INVALID, "sha256", "not 64 lowercase hex digits");
	b = calloc(1, sizeof *b);
	if (!b)
		return hall_error_set(err, HALL_ERR_NOMEM, "", "out of memory");
	b->cs = cs;
	b->size = size;
	memcpy(b->sha256, sha256, 65);
	snprintf(name, sizeof name, "%s.part", sha256);
	if (hall_fs_join(b->part, sizeof b->part, cs->blobs, name) != 0 ||
	    hall_fs_join(b->final, sizeof b->final, cs->blobs, sha256) != 0) {
		free(b);
		return hall_error_set(err, HALL_ERR_INVALID, cs->blobs, "path too long");
	}
	b->fd = open(b->part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (b->fd < 0) {
		hall_err rc = hall_error_set(err, HALL_ERR_IO, b->part, "cannot create: %s", strerror(errno));
		free(b);
		return rc;
	}
	hall_sha256_init(&b->hash);
	*out = b;
	return HALL_OK;
}

/* Add [start, end) to the ranges held, merging neighbours. */
static int add_range(hall_cstore_blob *b, uint64_t start, uint64_t end)
{
	size_t i = 0;
	while (i < b->n_ranges && b->ranges[i].end < start)
		i++;
	size_t j = i;
	while (j < b->n_ranges && b->ranges[j].start <= end) {
		if (b->ranges[j].start < start)
			start = b->ranges[j].start;
		if (b->ranges[j].end > end)
			end = b->ranges[j].end;
		j++;
	}
	if (j == i) { /* no overlap: insert at i */
		if (b->n_ranges == b->cap_ranges) {
			size_t cap = b->cap_ranges ? b->cap_ranges * 2 : 8;
			struct range *r = realloc(b->ranges, cap * sizeof *r);
			if (!r)
				return -1;
			b->ranges = r;
			b->cap_ranges = cap;
		}
		memmove(&b->ranges[i + 1], &b->ranges[i], (b->n_ranges - i) * sizeof *b->ranges);
		b->n_ranges++;
	} else if (j > i + 1) { /* ranges i..j-1 become one */
		memmove(&b->ranges[i + 1], &b->ranges[j], (b->n_ranges - j) * sizeof *b->ranges);
		b->n_ranges -= j - i - 1;
	}
	b->ranges[i].start = start;
	b->ranges[i].end = end;
	return 0;
}

hall_err hall_cstore_blob_write_at(hall_cstore_blob *b, uint64_t offset, const void *data, size_t len,
                                   hall_error *err)
{
	const unsigned char *p = data;
	size_t left = len;
	uint64_t at = offset;
	if (offset > b->size || len > b->size - offset)
		return hall_error_set(err, HALL_ERR_TOO_BIG, b->sha256,
		                      "oversize asset: bytes %llu..%llu sent, the manifest says %llu bytes",
		                      (unsigned long long)offset, (unsigned long long)(offset + len),
		                      (unsigned long long)b->size);
	while (left > 0) {
		ssize_t n = pwrite(b->fd, p, left, (off_t)at);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return hall_error_set(err, HALL_ERR_IO, b->part, "write failed: %s", strerror(errno));
		}
		p += n;
		at += (uint64_t)n;
		left -= (size_t)n;
	}
	if (offset <= b->hashed && offset + len > b->hashed) {
		size_t skip = (size_t)(b->hashed - offset);
		hall_sha256_update(&b->hash, (const unsigned char *)data + skip, len - skip);
		b->hashed = offset + len;
	}
	if (len > 0 && add_range(b, offset, offset + len) != 0)
		return hall_error_set(err, HALL_ERR_NOMEM, b->sha256, "out of memory");
	return HALL_OK;
}

uint64_t hall_cstore_blob_received(const hall_cstore_blob *b)
{
	uint64_t n = 0;
	for (size_t i = 0; i < b->n_ranges; i++)
		n += b->ranges[i].end - b->ranges[i].start;
	return n;
}

uint64_t hall_cstore_blob_next_missing(const hall_cstore_blob *b)
{
	if (b->n_ranges == 0 || b->ranges[0].start > 0)
		return 0;
	return b->ranges[0].end;
}

bool hall_cstore_blob_complete(const hall_cstore_blob *b)
{
	return hall_cstore_blob_next_missing(b) >= b->size;
}

void hall_cstore_blob_abort(hall_cstore_blob *b)
{
	if (!b)
		return;
	if (b->fd >= 0)
		close(b->fd);
	unlink(b->part);
	free(b->ranges);
	free(b);
}

hall_err hall_cstore_blob_finish(hall_cstore_blob *b, hall_error *err)
{
	hall_err rc = HALL_OK;
	uint8_t digest[32];
	char hex[65];
	size_t size = 0;
	if (!hall_cstore_blob_complete(b)) {
		rc = hall_error_set(err, HALL_ERR_INVALID, b->sha256, "received %llu of %llu bytes",
		                    (unsigned long long)hall_cstore_blob_received(b), (unsigned long long)b->size);
		goto fail;
	}
	if (fsync(b->fd) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, b->part, "fsync failed: %s", strerror(errno));
		goto fail;
	}
	if (b->hashed == b->size) {
		hall_sha256_final(&b->hash, digest);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	} else if ((rc = hall_sha256_file(b->part, hex, &size, err)) != HALL_OK) {
		goto fail;
	}
	if (strcmp(hex, b->sha256) != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, b->sha256, "wrong hash: received file has sha256 %s", hex);
		goto fail;
	}
	close(b->fd);
	b->fd = -1;
	if (rename(b->part, b->final) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, b->final, "rename failed: %s", strerror(errno));
		goto fail;
	}
	rc = hall_fs_sync_dir_of(b->final, err);
	free(b->ranges);
	free(b);
	return rc;
fail:
	hall_cstore_blob_abort(b);
	return rc;
}

/* ---- packs --------------------------------------------------------------------------- */

static hall_err copy_file(const char *from, const char *to, hall_error *err)
{
	char *data = NULL;
	size_t len = 0;
	hall_err rc = hall_fs_read_file(from, (size_t)HALL_CONTENT_ASSET_SIZE_MAX, &data, &len, err);
	if (rc == HALL_OK)
		rc = hall_fs_write_atomic(to, data, len, err);
	free(data);
	return rc;
}

/* Size and the first bytes (PNG or JPEG signature, as the manifest's type says). */
static hall_err check_file_quick(const char *path, const hall_asset *a, hall_error *err)
{
	static const unsigned char PNG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const unsigned char JPEG[3] = {0xff, 0xd8, 0xff};
	unsigned char head[8] = {0};
	struct stat st;
	hall_err rc = HALL_OK;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "", "missing asset %s: %s", a->name, strerror(errno));
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != a->size) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s has %lld bytes, the manifest says %llu", a->name,
		                    (long long)st.st_size, (unsigned long long)a->size);
	} else {
		ssize_t n = read(fd, head, sizeof head);
		bool ok = a->type == HALL_ASSET_PNG ? n >= 8 && memcmp(head, PNG, 8) == 0
		                                    : n >= 3 && memcmp(head, JPEG, 3) == 0;
		if (!ok)
			rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s is not a %s image", a->name,
			                    hall_asset_type_mime(a->type));
	}
	close(fd);
	return rc;
}

static int pack_path(const hall_cstore *cs, const char *key, const char *suffix, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/%s%s", cs->packs, key, suffix);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

hall_err hall_cstore_stage_pack(hall_cstore *cs, const char *key, const char *manifest, size_t len,
                                hall_content **out, char *pack_dir, hall_error *err)
{
	hall_err rc = HALL_OK;
	hall_cstore_manifest m = {0};
	char tmp[HALL_CSTORE_PATH_MAX], final[HALL_CSTORE_PATH_MAX], path[HALL_CSTORE_PATH_MAX];
	char blob[HALL_CSTORE_PATH_MAX], field[64];
	hall_content *content = NULL;
	bool made_tmp = false;

	*out = NULL;
	if (!key_is_valid(key) || pack_path(cs, key, ".tmp", tmp, sizeof tmp) != 0 ||
	    pack_path(cs, key, "", final, sizeof final) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, key, "bad pack key");
	if ((rc = hall_cstore_parse_manifest(manifest, len, &m, err)) != HALL_OK)
		return rc;
	remove_flat_dir(tmp);
	if (mkdir(tmp, 0755) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, tmp, "cannot create: %s", strerror(errno));
		goto done;
	}
	made_tmp = true;
	if (hall_fs_join(path, sizeof path, tmp, "manifest.json") != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, tmp, "path too long");
		goto done;
	}
	if ((rc = hall_fs_write_atomic(path, manifest, len, err)) != HALL_OK)
		goto done;
	for (size_t i = 0; i < m.n_assets; i++) {
		const hall_cstore_asset *a = &m.assets[i];
		snprintf(field, sizeof field, "assets[%zu]", i);
		if (hall_fs_join(blob, sizeof blob, cs->blobs, a->sha256) != 0 ||
		    hall_fs_join(path, sizeof path, tmp, a->name) != 0) {
			rc = hall_error_set(err, HALL_ERR_INVALID, field, "path too long");
			goto done;
		}
		if (!hall_fs_exists(blob)) {
			rc = hall_error_set(err, HALL_ERR_NOT_FOUND, field, "missing asset %s (sha256 %s)", a->name, a->sha256);
			goto done;
		}
		if (link(blob, path) != 0 && errno != EEXIST) {
			/* Hard links fail across file systems or on some; a copy is as good. */
			if ((rc = copy_file(blob, path, err)) != HALL_OK)
				goto done;
		}
	}
	if ((rc = hall_fs_sync_dir_of(path, err)) != HALL_OK)
		goto done;
	/* Every file is a verified blob (its name is its sha256, checked when it was received
	 * or stored), so what is left to check is its size and image signature; hashing the
	 * whole pack again here would double the work on a slow kiosk. Packs loaded later
	 * (at boot) go through hall_content_load_dir, which hashes everything. */
	for (size_t i = 0; i < m.n_assets; i++) {
		snprintf(field, sizeof field, "assets[%zu]", i);
		if (hall_fs_join(path, sizeof path, tmp, m.assets[i].name) != 0 ||
		    (rc = check_file_quick(path, &m.content->assets[i], err)) != HALL_OK) {
			if (rc == HALL_OK)
				rc = HALL_ERR_INVALID;
			if (err)
				snprintf(err->path, sizeof err->path, "%s", field);
			goto done;
		}
	}
	content = m.content;
	m.content = NULL;
	remove_flat_dir(final);
	if (rename(tmp, final) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, final, "rename failed: %s", strerror(errno));
		goto done;
	}
	made_tmp = false;
	if ((rc = hall_fs_sync_dir_of(final, err)) != HALL_OK)
		goto done;
	snprintf(pack_dir, HALL_CSTORE_PATH_MAX, "%s", final);
	*out = content;
	content = NULL;
done:
	if (made_tmp)
		remove_flat_dir(tmp);
	hall_content_destroy(content);
	hall_cstore_manifest_free(&m);
	return rc;
}

bool hall_cstore_has_pack(const hall_cstore *cs, const char *key)
{
	char dir[HALL_CSTORE_PATH_MAX];
	if (!key_is_valid(key) || pack_path(cs, key, "/manifest.json", dir, sizeof dir) != 0)
		return false;
	return hall_fs_exists(dir) != 0;
}

hall_err hall_cstore_load_pack(hall_cstore *cs, const char *key, hall_content **out, char *pack_dir,
                               hall_error *err)
{
	char dir[HALL_CSTORE_PATH_MAX];
	hall_err rc;
	*out = NULL;
	if (!key_is_valid(key) || pack_path(cs, key, "", dir, sizeof dir) != 0)
		return hall_error_set(err, HALL_ERR_INVALID, key, "bad pack key");
	if (!hall_cstore_has_pack(cs, key))
		return hall_error_set(err, HALL_ERR_NOT_FOUND, dir, "no such pack");
	rc = hall_content_load_dir(dir, NULL, NULL, out, err);
	if (rc == HALL_OK)
		snprintf(pack_dir, HALL_CSTORE_PATH_MAX, "%s", dir);
	return rc;
}

hall_err hall_cstore_load_dir(const char *dir, hall_content **out, hall_error *err)
{
	*out = NULL;
	return hall_content_load_dir(dir, NULL, NULL, out, err);
}

void hall_cstore_gc(hall_cstore *cs, const char *const *keep, size_t n_keep)
{
	DIR *d = opendir(cs->packs);
	struct dirent *de;
	char path[HALL_CSTORE_PATH_MAX];
	if (d) {
		while ((de = readdir(d)) != NULL) {
			bool kept = de->d_name[0] == '.';
			for (size_t i = 0; i < n_keep && !kept; i++)
				kept = keep[i] && strcmp(keep[i], de->d_name) == 0;
			if (kept || hall_fs_join(path, sizeof path, cs->packs, de->d_name) != 0)
				continue;
			if (remove_flat_dir(path) != 0)
				hall_warn("content store: cannot remove %s: %s", path, strerror(errno));
			else
				hall_info("content store: removed pack %s", de->d_name);
		}
		closedir(d);
	}
	/* Pack files are hard links to blobs: a blob with one link is used by no pack. */
	d = opendir(cs->blobs);
	if (d) {
		while ((de = readdir(d)) != NULL) {
			struct stat st;
			if (!hall_sha256_is_hex(de->d_name) || hall_fs_join(path, sizeof path, cs->blobs, de->d_name) != 0)
				continue;
			if (stat(path, &st) == 0 && st.st_nlink <= 1)
				unlink(path);
		}
		closedir(d);
	}
}

/* ---- wrappers -------------------------------------------------------------------------- */

void hall_cstore_content_destroy(hall_content *content)
{
	hall_content_destroy(content);
}

size_t hall_cstore_content_polls(const hall_content *content, char (*ids)[65], size_t max)
{
	size_t n = 0;
	if (!content)
		return 0;
	for (size_t i = 0; i < content->n_exhibits && n < max; i++) {
		const hall_exhibit *ex = &content->exhibits[i];
		if (ex->kind == HALL_EXHIBIT_POLL && ex->u.poll.id)
			snprintf(ids[n++], 65, "%s", ex->u.poll.id);
	}
	return n;
}

hall_err hall_cstore_schedule_parse(const char *buf, size_t len, hall_schedule **out, hall_error *err)
{
	return hall_schedule_parse(buf, len, out, err);
}

void hall_cstore_schedule_destroy(hall_schedule *schedule)
{
	hall_schedule_destroy(schedule);
}
