/* kiosk/content_store.h: the kiosk's content packs on disk (DESIGN.md decision 3).
 *
 * Layout under `dir` (the link passes <data_dir>/content):
 *   blobs/<sha256>        every asset received, by hash; written as blobs/<sha256>.part,
 *                         verified (size and sha256), fsynced, then renamed into place, so
 *                         a blob that exists is whole and correct.
 *   packs/<key>/          one staged pack: manifest.json (written atomically) and its asset
 *                         files as hard links to the blobs. A pack directory appears by one
 *                         rename after everything in it was written, fsynced and checked
 *                         with hall_content_load_dir, so an existing pack is complete.
 * Keys name a pack by scope and version ("all.v8", "group.lobby.v9", "kiosk.k-1.v9";
 * '.' is outside the id alphabet so keys cannot collide); the link chooses them.
 *
 * The store only forward-declares hall_content and hall_schedule, and wraps the few
 * calls of content.h / schedule.h the link needs, so link.c can include hall/protocol.h
 * without hall/content.h.
 *
 * Threads: one thread (the kiosk's main thread). Ownership: hall_cstore_open gives a
 * store the caller closes with hall_cstore_close. Contents and schedules handed out are
 * the caller's (hall_cstore_content_destroy / hall_cstore_schedule_destroy). A blob
 * writer from hall_cstore_blob_begin is freed by hall_cstore_blob_finish or _abort. */
#ifndef HALL_KIOSK_CONTENT_STORE_H
#define HALL_KIOSK_CONTENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hall/err.h"

typedef struct hall_content hall_content;
typedef struct hall_schedule hall_schedule;

typedef struct hall_cstore hall_cstore;
typedef struct hall_cstore_blob hall_cstore_blob;

/* Assets of one pack together may not exceed this (a 64 MiB asset limit times a few). */
#define HALL_CSTORE_PACK_MAX_BYTES (INT64_C(512) * 1024 * 1024)
#define HALL_CSTORE_KEY_MAX 96
#define HALL_CSTORE_PATH_MAX 1024

/* What the link needs of a manifest, as plain data. */
typedef struct hall_cstore_asset {
	char name[129];
	char sha256[65];
	uint64_t size;
} hall_cstore_asset;

typedef struct hall_cstore_manifest {
	hall_content *content;     /* OWNED: the parsed manifest */
	hall_cstore_asset *assets; /* OWNED: n_assets entries, in manifest order */
	size_t n_assets;
	uint64_t total_bytes;      /* sum of asset sizes */
} hall_cstore_manifest;

/* Open (creating dir, dir/blobs and dir/packs as needed) and remove leftovers of an
 * interrupted write (*.part blobs, *.tmp packs). HALL_ERR_IO naming the path. */
hall_err hall_cstore_open(const char *dir, hall_cstore **out, hall_error *err);
void hall_cstore_close(hall_cstore *cs);

/* Parse manifest bytes with hall_content_parse. Errors (HALL_ERR_INVALID / TOO_BIG) carry
 * the parser's path and reason ("exhibits[2].kind: unknown kind \"video\" …"); a pack
 * whose assets together exceed HALL_CSTORE_PACK_MAX_BYTES is HALL_ERR_TOO_BIG with path
 * "assets". On success the caller frees *out with hall_cstore_manifest_free. */
hall_err hall_cstore_parse_manifest(const char *buf, size_t len, hall_cstore_manifest *out, hall_error *err);
void hall_cstore_manifest_free(hall_cstore_manifest *m);

/* true when blobs/<sha256> exists (so it is whole and verified). */
bool hall_cstore_has_blob(const hall_cstore *cs, const char *sha256);

/* Receive a blob of `size` bytes, in pieces at any offset and in any order (several kiosks
 * share one asset topic, so a kiosk may join a stream another kiosk asked for halfway
 * through). write_at() refuses bytes beyond `size` (HALL_ERR_TOO_BIG: oversize asset);
 * bytes received twice are simply written again. received() counts distinct bytes held;
 * next_missing() is the lowest offset not yet held (size when complete). finish() checks
 * that every byte is held and the sha256 (HALL_ERR_INVALID: "wrong hash: received file
 * has sha256 …"), then makes the blob durable and visible; the writer is freed whatever
 * the result. abort() drops the partial file. */
hall_err hall_cstore_blob_begin(hall_cstore *cs, const char *sha256, uint64_t size, hall_cstore_blob **out,
                                hall_error *err);
hall_err hall_cstore_blob_write_at(hall_cstore_blob *b, uint64_t offset, const void *data, size_t len,
                                   hall_error *err);
uint64_t hall_cstore_blob_received(const hall_cstore_blob *b);
uint64_t hall_cstore_blob_next_missing(const hall_cstore_blob *b);
bool hall_cstore_blob_complete(const hall_cstore_blob *b);
hall_err hall_cstore_blob_finish(hall_cstore_blob *b, hall_error *err);
void hall_cstore_blob_abort(hall_cstore_blob *b);

/* Stage pack `key` from manifest bytes whose blobs are all present: writes the pack (see
 * above) and checks it: the manifest with hall_content_parse, each file's size and image
 * signature (the bytes were verified by hash when the blob was stored; blobs are named by
 * their sha256). hall_cstore_load_pack, used at boot, re-hashes everything with
 * hall_content_load_dir. On success *out is the content (caller
 * destroys) and pack_dir (HALL_CSTORE_PATH_MAX bytes) its directory. A pack already staged
 * under key is replaced. HALL_ERR_NOT_FOUND (path "assets[i]") when a blob is missing,
 * HALL_ERR_INVALID when the pack does not validate, HALL_ERR_IO. */
hall_err hall_cstore_stage_pack(hall_cstore *cs, const char *key, const char *manifest, size_t len,
                                hall_content **out, char *pack_dir, hall_error *err);

/* Load a staged pack (validating it again). HALL_ERR_NOT_FOUND when it is not there. */
hall_err hall_cstore_load_pack(hall_cstore *cs, const char *key, hall_content **out, char *pack_dir,
                               hall_error *err);
bool hall_cstore_has_pack(const hall_cstore *cs, const char *key);

/* Load any pack directory (cfg default_content) with hall_content_load_dir. */
hall_err hall_cstore_load_dir(const char *dir, hall_content **out, hall_error *err);

/* Remove every pack whose key is not in keep[0..n_keep), then every blob no remaining
 * pack uses (a blob whose only link is its own name). Failures are logged, not returned. */
void hall_cstore_gc(hall_cstore *cs, const char *const *keep, size_t n_keep);

/* Wrappers over content.h / schedule.h for code that cannot include them. */
void hall_cstore_content_destroy(hall_content *content);
/* The poll ids of the content's poll exhibits into ids (at most max); returns the count. */
size_t hall_cstore_content_polls(const hall_content *content, char (*ids)[65], size_t max);
hall_err hall_cstore_schedule_parse(const char *buf, size_t len, hall_schedule **out, hall_error *err);
void hall_cstore_schedule_destroy(hall_schedule *schedule);

#endif
