/* pack_cli.c: `hall-controller pack new DIR` and `pack update DIR`: the authoring step
 * that writes each asset's sha256 and size into manifest.json, so nobody types a hash by
 * hand (docs/content.md). Both write the manifest atomically (temp file, fsync, rename)
 * and then validate the pack, printing every problem. */
#include "pack_cli.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/content.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/sha256.h"
#include "push.h"

/* "image/png", "image/jpeg" from the first bytes; NULL for anything else. */
static const char *image_type(const char *path)
{
	unsigned char head[8] = {0};
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(head, 1, sizeof head, f) : 0;
	if (f)
		fclose(f);
	if (n >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
		return "image/jpeg";
	return NULL;
}

/* Set sha256, size and (when missing) type of one asset entry from DIR/name; one line on
 * stderr and -1 when the file is missing or not a PNG or JPEG. */
static int fill_asset(const char *dir, cJSON *a, size_t i)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(a, "name");
	char path[4096], hex[65];
	size_t size = 0;
	hall_error err = {0};
	if (!cJSON_IsString(name) || !name->valuestring[0] || strstr(name->valuestring, "..") ||
	    name->valuestring[0] == '/') {
		fprintf(stderr, "error: assets[%zu].name: expected a file name in the pack folder\n", i);
		return -1;
	}
	if (hall_fs_join(path, sizeof path, dir, name->valuestring) != 0 ||
	    hall_sha256_file(path, hex, &size, &err) != HALL_OK) {
		fprintf(stderr, "error: assets[%zu]: %s: %s\n", i, name->valuestring, err.msg[0] ? err.msg : "path too long");
		return -1;
	}
	const char *type = image_type(path);
	if (!type) {
		fprintf(stderr, "error: assets[%zu]: %s is not a PNG or JPEG image\n", i, name->valuestring);
		return -1;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(a, "sha256");
	cJSON_DeleteItemFromObjectCaseSensitive(a, "size");
	cJSON_AddStringToObject(a, "sha256", hex);
	cJSON_AddNumberToObject(a, "size", (double)size);
	if (!cJSON_HasObjectItem(a, "type"))
		cJSON_AddStringToObject(a, "type", type);
	return 0;
}

/* Write the manifest and validate the pack (every problem printed). 0 when it is valid. */
static int write_and_check(const char *dir, const char *manifest, cJSON *root)
{
	hall_error err = {0};
	char *text = cJSON_Print(root);
	hall_content *c = NULL;
	if (!text || hall_fs_write_atomic(manifest, text, strlen(text), &err) != HALL_OK) {
		fprintf(stderr, "hall-controller pack: %s: %s\n", manifest, text ? err.msg : "out of memory");
		free(text);
		return 1;
	}
	free(text);
	if (hall_content_load_dir(dir, hall_cli_print_issue, NULL, &c, &err) != HALL_OK) {
		fprintf(stderr, "%s: written, but the pack is not valid yet (above; docs/content.md)\n", manifest);
		return 1;
	}
	printf("%s: written; the pack is valid: %zu exhibits, %zu assets, %zu warnings\n", manifest, c->n_exhibits,
	       c->n_assets, c->n_warnings);
	hall_content_destroy(c);
	return 0;
}

static int pack_update(const char *dir)
{
	char manifest[4096];
	char *data = NULL;
	size_t len = 0;
	hall_error err = {0};
	cJSON *root = NULL;
	int bad = 0, code = 1;
	if (hall_fs_join(manifest, sizeof manifest, dir, "manifest.json") != 0 ||
	    hall_fs_read_file(manifest, HALL_CONTENT_MANIFEST_MAX, &data, &len, &err) != HALL_OK ||
	    hall_json_parse(data, len, HALL_CONTENT_MANIFEST_MAX, &root, &err) != HALL_OK) {
		fprintf(stderr, "hall-controller pack update: %s/manifest.json: %s%s%s\n", dir, err.path,
		        err.path[0] ? ": " : "", err.msg);
		goto done;
	}
	cJSON *assets = cJSON_GetObjectItemCaseSensitive(root, "assets");
	if (!cJSON_IsArray(assets)) {
		fprintf(stderr, "hall-controller pack update: %s: assets: expected an array\n", manifest);
		goto done;
	}
	size_t i = 0;
	cJSON *a;
	cJSON_ArrayForEach(a, assets)
	bad += fill_asset(dir, a, i++) != 0;
	if (bad) {
		fprintf(stderr, "hall-controller pack update: %s: %d asset%s wrong: manifest not written\n", manifest, bad,
		        bad == 1 ? "" : "s");
		goto done;
	}
	printf("%s: sha256 and size of %zu assets written\n", manifest, i);
	code = write_and_check(dir, manifest, root);
done:
	cJSON_Delete(root);
	free(data);
	return code;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A new pack: every PNG and JPEG of DIR as an asset (by name), the first one on the
 * attract loop, titles to fill in, no exhibit yet. */
static int pack_new(const char *dir)
{
	char manifest[4096], id[65];
	hall_error err = {0};
	char *names[512];
	size_t n = 0;
	if (hall_fs_mkdirs(dir, &err) != HALL_OK || hall_fs_join(manifest, sizeof manifest, dir, "manifest.json") != 0) {
		fprintf(stderr, "hall-controller pack new: %s: %s\n", dir, err.msg[0] ? err.msg : "path too long");
		return 1;
	}
	if (hall_fs_exists(manifest)) {
		fprintf(stderr, "hall-controller pack new: %s exists already (pack update %s writes its hashes)\n", manifest,
		        dir);
		return 1;
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL && n < sizeof names / sizeof names[0]) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] != '.' && l > 4 &&
		    (strcasecmp(e->d_name + l - 4, ".png") == 0 || strcasecmp(e->d_name + l - 4, ".jpg") == 0 ||
		     (l > 5 && strcasecmp(e->d_name + l - 5, ".jpeg") == 0)))
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	/* The id from the folder's name, in the id alphabet. */
	const char *base = strrchr(dir, '/') && strrchr(dir, '/')[1] ? strrchr(dir, '/') + 1 : dir;
	size_t k = 0;
	for (const char *p = base; *p && k < 64; p++)
		id[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
	id[k] = '\0';
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "id", k ? id : "new-pack");
	cJSON *title = cJSON_AddObjectToObject(root, "title");
	cJSON_AddStringToObject(title, "ko", "새 콘텐츠");
	cJSON_AddStringToObject(title, "en", "New content");
	cJSON *langs = cJSON_AddArrayToObject(root, "languages");
	cJSON_AddItemToArray(langs, cJSON_CreateString("ko"));
	cJSON_AddItemToArray(langs, cJSON_CreateString("en"));
	cJSON *assets = cJSON_AddArrayToObject(root, "assets");
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "name", names[i]);
		cJSON_AddItemToArray(assets, a);
		bad += fill_asset(dir, a, i) != 0;
	}
	if (n) {
		cJSON *slides = cJSON_AddArrayToObject(cJSON_AddObjectToObject(root, "attract"), "slides");
		cJSON *s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "image", names[0]);
		cJSON_AddItemToObject(s, "caption", cJSON_Duplicate(title, true));
		cJSON_AddItemToArray(slides, s);
	}
	cJSON_AddArrayToObject(root, "exhibits");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	int code = 1;
	if (bad)
		fprintf(stderr, "hall-controller pack new: %d image%s of %s unusable: nothing written\n", bad,
		        bad == 1 ? "" : "s", dir);
	else {
		printf("%s: %zu image%s listed with sha256 and size; add the exhibits (docs/content.md), then "
		       "hall-controller pack update %s\n",
		       manifest, n, n == 1 ? "" : "s", dir);
		write_and_check(dir, manifest, root);
		code = 0; /* written: a new pack is not valid until it has exhibits */
	}
	cJSON_Delete(root);
	return code;
}

int hall_pack_cli(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "new") != 0 && strcmp(argv[1], "update") != 0) || argv[2][0] == '-') {
		fprintf(stderr, "hall-controller pack: expected \"pack new DIR\" or \"pack update DIR\"\n");
		return 2;
	}
	return strcmp(argv[1], "new") == 0 ? pack_new(argv[2]) : pack_update(argv[2]);
}
