/* hall/json.h: typed reads of cJSON objects that report a path on failure.
 *
 * Every parser in the project reads fields through these so that an error reads
 * `exhibits[2].title.ko: expected string`. `path` is the path of `obj` itself
 * ("" for the root); field paths are built by appending ".key" or "[i]".
 *
 * Ownership: returned strings point into the cJSON tree (borrowed, valid while the
 * tree lives) unless the function name says _dup, in which case the caller frees. */
#ifndef HALL_JSON_H
#define HALL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "hall/err.h"

/* Parse `len` bytes (not NUL-terminated) into a tree; the caller frees with cJSON_Delete.
 * Rejects empty input, trailing garbage and inputs over `max_len` bytes. */
hall_err hall_json_parse(const char *buf, size_t len, size_t max_len, cJSON **out, hall_error *err);

/* Child path helpers: out = path + "." + key, or path + "[i]". */
void hall_json_path_key(char *out, size_t len, const char *path, const char *key);
void hall_json_path_index(char *out, size_t len, const char *path, int index);

/* Require `obj` to be an object (at `path`). */
hall_err hall_json_expect_object(const cJSON *obj, const char *path, hall_error *err);

/* Required fields. On failure fill err with path.key and the reason. */
hall_err hall_json_get_string(const cJSON *obj, const char *path, const char *key, size_t max_len,
                              const char **out, hall_error *err);
hall_err hall_json_get_int(const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
                           int64_t *out, hall_error *err);
hall_err hall_json_get_double(const cJSON *obj, const char *path, const char *key, double min, double max,
                              double *out, hall_error *err);
hall_err hall_json_get_bool(const cJSON *obj, const char *path, const char *key, bool *out, hall_error *err);
hall_err hall_json_get_object(const cJSON *obj, const char *path, const char *key, const cJSON **out, hall_error *err);
hall_err hall_json_get_array(const cJSON *obj, const char *path, const char *key, const cJSON **out, hall_error *err);

/* Optional fields: absent (or JSON null) leaves *out untouched and returns HALL_OK;
 * present with the wrong type or out of range is an error. */
hall_err hall_json_opt_string(const cJSON *obj, const char *path, const char *key, size_t max_len,
                              const char **out, hall_error *err);
hall_err hall_json_opt_int(const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
                           int64_t *out, hall_error *err);
hall_err hall_json_opt_double(const cJSON *obj, const char *path, const char *key, double min, double max,
                              double *out, hall_error *err);
hall_err hall_json_opt_bool(const cJSON *obj, const char *path, const char *key, bool *out, hall_error *err);

/* "a string", "a number", "an object", ... ("nothing" for NULL): for error messages. */
const char *hall_json_type_name(const cJSON *v);

/* Add an integer that prints exactly, whatever its size: cJSON keeps a number as a double,
 * which rounds integers above 2^53 (a version of 9007199254740993 printed as ...992), so
 * this adds the digits as a raw item. Its readers must not use valuedouble (it is a raw
 * item, not a number, until printed and parsed again). Returns the item, NULL on
 * out-of-memory. */
cJSON *hall_json_add_int(cJSON *obj, const char *key, int64_t v);

/* Serialize without formatting; caller frees with free(). NULL on out-of-memory. */
char *hall_json_print(const cJSON *obj, size_t *len);

#endif
