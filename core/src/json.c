/* json.c: typed, path-reporting reads of cJSON trees. Every parser in the project goes
 * through these so that errors read `exhibits[2].title.ko: expected string`. */
#include "hall/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hall_json_path_key(char *out, size_t len, const char *path, const char *key)
{
	if (!path || !*path)
		snprintf(out, len, "%s", key);
	else
		snprintf(out, len, "%s.%s", path, key);
}

void hall_json_path_index(char *out, size_t len, const char *path, int index)
{
	snprintf(out, len, "%s[%d]", path ? path : "", index);
}

const char *hall_json_type_name(const cJSON *v)
{
	if (!v)
		return "nothing";
	if (cJSON_IsString(v))
		return "a string";
	if (cJSON_IsNumber(v))
		return "a number";
	if (cJSON_IsBool(v))
		return "a boolean";
	if (cJSON_IsNull(v))
		return "null";
	if (cJSON_IsArray(v))
		return "an array";
	if (cJSON_IsObject(v))
		return "an object";
	return "an unknown value";
}

hall_err hall_json_parse(const char *buf, size_t len, size_t max_len, cJSON **out, hall_error *err)
{
	*out = NULL;
	if (!buf || len == 0)
		return hall_error_set(err, HALL_ERR_INVALID, "", "empty input, expected JSON");
	if (len > max_len)
		return hall_error_set(err, HALL_ERR_TOO_BIG, "", "input is %zu bytes, more than the limit of %zu", len,
		                      max_len);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		size_t off = end && end >= buf ? (size_t)(end - buf) : 0;
		return hall_error_set(err, HALL_ERR_INVALID, "", "malformed JSON near byte %zu", off);
	}
	/* Trailing bytes other than white space (or a final NUL) mean the input was not one
	 * JSON value: refuse rather than silently ignore them. */
	size_t off = (size_t)(end - buf);
	for (; off < len; off++) {
		char c = buf[off];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && !(c == '\0' && off == len - 1)) {
			cJSON_Delete(root);
			return hall_error_set(err, HALL_ERR_INVALID, "", "unexpected data after the JSON value at byte %zu",
			                      off);
		}
	}
	*out = root;
	return HALL_OK;
}

hall_err hall_json_expect_object(const cJSON *obj, const char *path, hall_error *err)
{
	if (!cJSON_IsObject(obj))
		return hall_error_set(err, HALL_ERR_INVALID, path && *path ? path : "(root)", "expected an object, got %s",
		                      hall_json_type_name(obj));
	return HALL_OK;
}

static const cJSON *field(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static int absent(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

static hall_err read_string(const cJSON *v, const char *p, size_t max_len, const char **out, hall_error *err)
{
	if (!cJSON_IsString(v) || !v->valuestring)
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected a string, got %s", hall_json_type_name(v));
	size_t n = strlen(v->valuestring);
	if (n > max_len)
		return hall_error_set(err, HALL_ERR_INVALID, p, "string of %zu bytes is longer than the limit of %zu", n,
		                      max_len);
	*out = v->valuestring;
	return HALL_OK;
}

static hall_err read_int(const cJSON *v, const char *p, int64_t min, int64_t max, int64_t *out, hall_error *err)
{
	if (!cJSON_IsNumber(v))
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected an integer, got %s", hall_json_type_name(v));
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d))
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected an integer, got %g", d);
	if (d < (double)min || d > (double)max || d >= 0x1p63) /* (double)INT64_MAX is 2^63: out of int64 */
		return hall_error_set(err, HALL_ERR_INVALID, p, "%.0f is out of range %lld..%lld", d, (long long)min,
		                      (long long)max);
	*out = (int64_t)d;
	return HALL_OK;
}

static hall_err read_double(const cJSON *v, const char *p, double min, double max, double *out, hall_error *err)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected a number, got %s", hall_json_type_name(v));
	if (v->valuedouble < min || v->valuedouble > max)
		return hall_error_set(err, HALL_ERR_INVALID, p, "%g is out of range %g..%g", v->valuedouble, min, max);
	*out = v->valuedouble;
	return HALL_OK;
}

static hall_err read_bool(const cJSON *v, const char *p, bool *out, hall_error *err)
{
	if (!cJSON_IsBool(v))
		return hall_error_set(err, HALL_ERR_INVALID, p, "expected true or false, got %s", hall_json_type_name(v));
	*out = cJSON_IsTrue(v);
	return HALL_OK;
}

/* The readers leave err->path empty; the field's path is written only when a read failed,
 * so a good document costs no path formatting (parsers read every field through here). */
static hall_err at_field(hall_err rc, hall_error *err, const char *path, const char *key)
{
	if (rc != HALL_OK && err)
		hall_json_path_key(err->path, sizeof err->path, path, key);
	return rc;
}

hall_err hall_json_get_string(const cJSON *obj, const char *path, const char *key, size_t max_len, const char **out,
                              hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!v)
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "", "missing (expected a string)"), err, path, key);
	return at_field(read_string(v, NULL, max_len, out, err), err, path, key);
}

hall_err hall_json_get_int(const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
                           int64_t *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!v)
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "", "missing (expected an integer)"), err, path, key);
	return at_field(read_int(v, NULL, min, max, out, err), err, path, key);
}

hall_err hall_json_get_double(const cJSON *obj, const char *path, const char *key, double min, double max,
                              double *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!v)
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "", "missing (expected a number)"), err, path, key);
	return at_field(read_double(v, NULL, min, max, out, err), err, path, key);
}

hall_err hall_json_get_bool(const cJSON *obj, const char *path, const char *key, bool *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!v)
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "", "missing (expected true or false)"), err, path, key);
	return at_field(read_bool(v, NULL, out, err), err, path, key);
}

hall_err hall_json_get_object(const cJSON *obj, const char *path, const char *key, const cJSON **out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!cJSON_IsObject(v))
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "",
		                               v ? "expected an object, got %s" : "missing (expected %s)",
		                               v ? hall_json_type_name(v) : "an object"),
		                err, path, key);
	*out = v;
	return HALL_OK;
}

hall_err hall_json_get_array(const cJSON *obj, const char *path, const char *key, const cJSON **out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (!cJSON_IsArray(v))
		return at_field(hall_error_set(err, HALL_ERR_INVALID, "",
		                               v ? "expected an array, got %s" : "missing (expected %s)",
		                               v ? hall_json_type_name(v) : "an array"),
		                err, path, key);
	*out = v;
	return HALL_OK;
}

hall_err hall_json_opt_string(const cJSON *obj, const char *path, const char *key, size_t max_len, const char **out,
                              hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (absent(v))
		return HALL_OK;
	return at_field(read_string(v, NULL, max_len, out, err), err, path, key);
}

hall_err hall_json_opt_int(const cJSON *obj, const char *path, const char *key, int64_t min, int64_t max,
                           int64_t *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (absent(v))
		return HALL_OK;
	return at_field(read_int(v, NULL, min, max, out, err), err, path, key);
}

hall_err hall_json_opt_double(const cJSON *obj, const char *path, const char *key, double min, double max,
                              double *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (absent(v))
		return HALL_OK;
	return at_field(read_double(v, NULL, min, max, out, err), err, path, key);
}

hall_err hall_json_opt_bool(const cJSON *obj, const char *path, const char *key, bool *out, hall_error *err)
{
	const cJSON *v = field(obj, key);
	if (absent(v))
		return HALL_OK;
	return at_field(read_bool(v, NULL, out, err), err, path, key);
}

/* Turn every finite number of the tree into raw text that reads back to the same value.
 * cJSON prints with "%1.15g" and keeps that when it reads back within a relative epsilon,
 * so 9007199254740991 would go out as 9007199254740990 (issue 10: a version written to
 * link-state.json came back one lower); seqs, versions and timestamps must not move.
 * Integers below 2^53 (every integer the project writes) print as integers, other
 * numbers with the fewest digits that read back to the same double. -1 on out-of-memory. */
static int exact_numbers(cJSON *item)
{
	for (; item; item = item->next) {
		if (cJSON_IsNumber(item) && isfinite(item->valuedouble)) {
			char num[40];
			double d = item->valuedouble;
			if (d == floor(d) && fabs(d) < 0x1p53) {
				snprintf(num, sizeof num, "%.0f", d);
			} else {
				/* the shortest of 15..17 digits that reads back exactly: 0.1 stays "0.1" */
				for (int prec = 15; prec <= 17; prec++) {
					snprintf(num, sizeof num, "%.*g", prec, d);
					if (strtod(num, NULL) == d)
						break;
				}
			}
			size_t n = strlen(num) + 1;
			char *text = malloc(n); /* freed by cJSON_Delete, like any valuestring */
			if (!text)
				return -1;
			memcpy(text, num, n);
			item->type = cJSON_Raw;
			item->valuestring = text;
		} else if (item->child && exact_numbers(item->child) != 0) {
			return -1;
		}
	}
	return 0;
}

cJSON *hall_json_add_int(cJSON *obj, const char *key, int64_t v)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)v);
	return cJSON_AddRawToObject(obj, key, num);
}

char *hall_json_print(const cJSON *obj, size_t *len)
{
	char *s = NULL;
	/* A copy, so that the caller's tree keeps its numbers (its readers use valuedouble). */
	cJSON *copy = cJSON_Duplicate(obj, 1);
	if (copy && exact_numbers(copy) == 0)
		s = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	if (s && len)
		*len = strlen(s);
	return s;
}
