/* content.c: content pack manifests (docs/content.md) into an owned tree of C structs.
 *
 * The parser does not stop at the first error: staff fix a pack faster when
 * `hall-controller validate` lists every problem at once. Each field is checked on its
 * own; a bad field is reported and skipped, and the walk goes on. Only the first error is
 * kept in the caller's hall_error (it becomes the kiosk's rejection reason).
 *
 * Memory: everything in the tree comes from one arena owned by the hall_content, so
 * hall_content_destroy is one walk over a few chunks and no partially built tree can
 * leak on an error path. */
#include "hall/content.h"

#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/sha256.h"
#include "hall/topics.h"

/* ---- arena ------------------------------------------------------------------------- */

typedef struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
} arena_chunk;

struct hall_content_arena {
	arena_chunk *head;
};

#define ARENA_CHUNK_MIN ((size_t)16 * 1024)

/* Zeroed memory for n objects of `size` bytes, or NULL on overflow / out of memory. */
static void *arena_alloc(hall_content_arena *a, size_t n, size_t size)
{
	if (n == 0 || size == 0)
		n = size = 1;
	if (n > SIZE_MAX / size)
		return NULL;
	size_t want = n * size;
	const size_t align = alignof(max_align_t);
	if (want > SIZE_MAX - align)
		return NULL;
	want = (want + align - 1) / align * align;
	arena_chunk *c = a->head;
	if (!c || c->cap - c->used < want) {
		size_t cap = want > ARENA_CHUNK_MIN ? want : ARENA_CHUNK_MIN;
		c = calloc(1, sizeof *c + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += want;
	return p;
}

static void arena_free(hall_content_arena *a)
{
	if (!a)
		return;
	arena_chunk *c = a->head;
	while (c) {
		arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}

/* ---- parse context ----------------------------------------------------------------- */

typedef struct ctx {
	hall_content *c;
	hall_issue_fn report;
	void *user;
	hall_error *err;       /* caller's; receives the first error */
	size_t n_errors;
	bool nomem;
	hall_issue *warnings;  /* malloc'd while parsing, copied into the arena at the end */
	size_t n_warnings, cap_warnings;
	size_t n_reported;     /* errors and warnings passed on, at most MAX_REPORTED */
	bool lang_wanted[HALL_LANG_COUNT];
	/* The viewbox of the city model being parsed; points are checked against it when valid. */
	bool viewbox_ok;
	double vw, vh;
} ctx;

#define MAX_REPORTED 500
/* No object of the format has more than ten fields; more is refused before the
 * (quadratic) duplicate check so a 1 MiB object of keys cannot stall a kiosk. */
#define MAX_FIELDS 64

typedef char path_t[sizeof(((hall_error *)0)->path)];

static void vproblem(ctx *x, hall_issue_severity sev, const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void vproblem(ctx *x, hall_issue_severity sev, const char *path, const char *fmt, va_list ap)
{
	hall_issue is;
	is.severity = sev;
	snprintf(is.path, sizeof is.path, "%s", path ? path : "");
	vsnprintf(is.msg, sizeof is.msg, fmt, ap);
	/* A hostile or broken manifest can hold many thousands of problems; listing the first
	 * few hundred is enough to act on and keeps `validate` output and memory bounded. */
	if (x->n_reported >= MAX_REPORTED) {
		if (sev == HALL_ISSUE_ERROR)
			x->n_errors++;
		return;
	}
	if (++x->n_reported == MAX_REPORTED) {
		is.severity = sev = HALL_ISSUE_ERROR;
		snprintf(is.path, sizeof is.path, "%s", "");
		snprintf(is.msg, sizeof is.msg, "more than %d problems; the rest are not listed", MAX_REPORTED - 1);
	}
	if (sev == HALL_ISSUE_ERROR) {
		if (x->n_errors == 0)
			hall_error_set(x->err, HALL_ERR_INVALID, is.path, "%s", is.msg);
		x->n_errors++;
	} else {
		if (x->n_warnings == x->cap_warnings) {
			size_t cap = x->cap_warnings ? x->cap_warnings * 2 : 16;
			hall_issue *nw = realloc(x->warnings, cap * sizeof *nw);
			if (!nw) {
				x->nomem = true;
			} else {
				x->warnings = nw;
				x->cap_warnings = cap;
			}
		}
		if (x->n_warnings < x->cap_warnings)
			x->warnings[x->n_warnings++] = is;
	}
	if (x->report)
		x->report(x->user, &is);
}

static void error_at(ctx *x, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void error_at(ctx *x, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(x, HALL_ISSUE_ERROR, path, fmt, ap);
	va_end(ap);
}

static void warn_at(ctx *x, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn_at(ctx *x, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(x, HALL_ISSUE_WARNING, path, fmt, ap);
	va_end(ap);
}

/* Report a hall_json_* failure as a parse error; true when rc is HALL_OK. */
static bool json_ok(ctx *x, hall_err rc, const hall_error *e)
{
	if (rc == HALL_OK)
		return true;
	error_at(x, e->path, "%s", e->msg);
	return false;
}

static void *alloc(ctx *x, size_t n, size_t size)
{
	void *p = arena_alloc(x->c->arena, n, size);
	if (!p)
		x->nomem = true;
	return p;
}

static const char *dup_str(ctx *x, const char *s)
{
	size_t n = strlen(s);
	char *p = alloc(x, n + 1, 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}


static const cJSON *field(const cJSON *o, const char *key)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static bool is_absent(const cJSON *v)
{
	return v == NULL || cJSON_IsNull(v);
}

/* Unknown fields are ignored so that a newer pack still loads on an older kiosk, but each
 * one is a warning so that a misspelt optional field does not vanish silently. Duplicate
 * keys are an error: cJSON would silently pick the first. */
static void check_keys(ctx *x, const cJSON *o, const char *path, const char *const *allowed)
{
	if (!cJSON_IsObject(o))
		return;
	int n = cJSON_GetArraySize(o);
	if (n > MAX_FIELDS) {
		error_at(x, path[0] ? path : "(root)", "an object of %d fields, more than the format has (%d)", n, MAX_FIELDS);
		return;
	}
	for (const cJSON *ch = o->child; ch; ch = ch->next) {
		path_t p;
		const char *key = ch->string ? ch->string : "";
		hall_json_path_key(p, sizeof p, path, key);
		for (const cJSON *prev = o->child; prev != ch; prev = prev->next) {
			if (prev->string && strcmp(prev->string, key) == 0) {
				error_at(x, p, "field given twice");
				break;
			}
		}
		bool known = false;
		for (size_t i = 0; allowed[i]; i++) {
			if (strcmp(allowed[i], key) == 0) {
				known = true;
				break;
			}
		}
		if (!known)
			warn_at(x, p, "unknown field (ignored)");
	}
}

/* ---- scalar fields ----------------------------------------------------------------- */

static bool utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1fu;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0fu;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07u;
		} else {
			return false;
		}
		if (n - i < len)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

/* A string field. `required` false: absent or null leaves *out NULL and is fine. */
static bool get_string(ctx *x, const cJSON *o, const char *path, const char *key, size_t max, bool required,
                       const char **out)
{
	hall_error e;
	*out = NULL;
	hall_err rc = required ? hall_json_get_string(o, path, key, max, out, &e)
	                       : hall_json_opt_string(o, path, key, max, out, &e);
	return json_ok(x, rc, &e);
}

/* An id field (docs/content.md: 1 to 64 of a-z 0-9 - _), copied into the arena. */
static bool get_id(ctx *x, const cJSON *o, const char *path, const char *key, const char **out)
{
	const char *s = NULL;
	*out = NULL;
	if (!get_string(x, o, path, key, 1000, true, &s))
		return false;
	if (!hall_id_is_valid(s)) {
		path_t p;
		hall_json_path_key(p, sizeof p, path, key);
		error_at(x, p, "\"%.80s\" is not a valid id (1 to 64 of a-z, 0-9, '-', '_')", s);
		return false;
	}
	*out = dup_str(x, s);
	return *out != NULL;
}

/* A non-negative finite number (docs/content.md "number"). */
static bool get_number(ctx *x, const cJSON *o, const char *path, const char *key, double max, bool required,
                       double *out)
{
	hall_error e;
	const cJSON *v = field(o, key);
	if (!required && is_absent(v))
		return true;
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble < 0) {
		path_t p;
		hall_json_path_key(p, sizeof p, path, key);
		error_at(x, p, "%g is negative, expected a number >= 0", v->valuedouble);
		return false;
	}
	return json_ok(x, hall_json_get_double(o, path, key, 0.0, max, out, &e), &e);
}

/* A whole count: 0 .. 2^53 (exact in a double, so JSON round trips keep it). */
static bool get_count(ctx *x, const cJSON *o, const char *path, const char *key, int64_t *out)
{
	hall_error e;
	const cJSON *v = field(o, key);
	if (cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble < 0) {
		path_t p;
		hall_json_path_key(p, sizeof p, path, key);
		error_at(x, p, "%g is negative, expected a whole number >= 0", v->valuedouble);
		return false;
	}
	return json_ok(x, hall_json_get_int(o, path, key, 0, (int64_t)1 << 53, out, &e), &e);
}

/* An array field with a count in [min, max]. Absent and not required: *n = 0, fine.
 * Returns the array (NULL when absent or bad). */
static const cJSON *get_list(ctx *x, const cJSON *o, const char *path, const char *key, bool required, size_t min,
                             size_t max, const char *what, size_t *n)
{
	path_t p;
	hall_json_path_key(p, sizeof p, path, key);
	*n = 0;
	const cJSON *v = field(o, key);
	if (is_absent(v)) {
		if (required)
			error_at(x, p, "missing (expected an array of %s)", what);
		return NULL;
	}
	if (!cJSON_IsArray(v)) {
		error_at(x, p, "expected an array of %s, got %s", what, hall_json_type_name(v));
		return NULL;
	}
	size_t count = (size_t)cJSON_GetArraySize(v);
	if (count < min || count > max) {
		if (min == max)
			error_at(x, p, "%zu %s, expected %zu", count, what, min);
		else if (count == 0)
			error_at(x, p, "is empty, expected %zu to %zu %s", min, max, what);
		else
			error_at(x, p, "%zu %s, expected %zu to %zu", count, what, min, max);
		return NULL;
	}
	*n = count;
	return v;
}

/* An optional/required object field; NULL when absent or wrong (reported). */
static const cJSON *get_object(ctx *x, const cJSON *o, const char *path, const char *key, bool required)
{
	path_t p;
	hall_json_path_key(p, sizeof p, path, key);
	const cJSON *v = field(o, key);
	if (is_absent(v)) {
		if (required)
			error_at(x, p, "missing (expected an object)");
		return NULL;
	}
	if (!cJSON_IsObject(v)) {
		error_at(x, p, "expected an object, got %s", hall_json_type_name(v));
		return NULL;
	}
	return v;
}

/* ---- localized text ---------------------------------------------------------------- */

/* A localized text: {"ko": "...", "en": "..."}. Errors for unknown codes, non-strings,
 * oversize or invalid UTF-8; warnings for each of the pack's languages it lacks. */
static bool get_text(ctx *x, const cJSON *o, const char *path, const char *key, bool required, hall_text *out)
{
	path_t p;
	hall_json_path_key(p, sizeof p, path, key);
	memset(out, 0, sizeof *out);
	const cJSON *v = field(o, key);
	if (is_absent(v)) {
		if (required)
			error_at(x, p, "missing (expected a localized text, e.g. {\"ko\": \"...\", \"en\": \"...\"})");
		return !required;
	}
	if (!cJSON_IsObject(v)) {
		error_at(x, p, "expected a localized text (an object of language code to string), got %s", hall_json_type_name(v));
		return false;
	}
	bool ok = true;
	bool seen[HALL_LANG_COUNT] = {false};
	if (cJSON_GetArraySize(v) > MAX_FIELDS) {
		error_at(x, p, "a localized text of %d entries; there are %d languages", cJSON_GetArraySize(v),
		         HALL_LANG_COUNT);
		return false;
	}
	for (const cJSON *ch = v->child; ch; ch = ch->next) {
		path_t lp;
		const char *code = ch->string ? ch->string : "";
		hall_json_path_key(lp, sizeof lp, p, code);
		hall_lang lang;
		if (hall_lang_from_code(code, &lang) != 0) {
			error_at(x, lp, "unknown language \"%.40s\" (expected ko, en, zh-Hans, zh-Hant or ja)", code);
			ok = false;
			continue;
		}
		if (seen[lang]) {
			error_at(x, lp, "language given twice");
			ok = false;
			continue;
		}
		seen[lang] = true;
		if (!cJSON_IsString(ch) || !ch->valuestring) {
			error_at(x, lp, "expected a string, got %s", hall_json_type_name(ch));
			ok = false;
			continue;
		}
		size_t n = strlen(ch->valuestring);
		if (n > HALL_CONTENT_TEXT_MAX) {
			error_at(x, lp, "text is %zu bytes, the limit is %u", n, HALL_CONTENT_TEXT_MAX);
			ok = false;
			continue;
		}
		if (!utf8_valid((const unsigned char *)ch->valuestring, n)) {
			error_at(x, lp, "text is not valid UTF-8");
			ok = false;
			continue;
		}
		if (n > 0)
			out->s[lang] = dup_str(x, ch->valuestring);
	}
	if (ok && !hall_text_present(out)) {
		error_at(x, p, "no text in any language");
		return false;
	}
	for (int l = 0; l < HALL_LANG_COUNT; l++) {
		if (x->lang_wanted[l] && !out->s[l] && !(seen[l] && !ok))
			warn_at(x, p, "missing %s", hall_lang_code((hall_lang)l));
	}
	return ok;
}

/* ---- assets and images ------------------------------------------------------------- */

static bool asset_name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > HALL_CONTENT_ASSET_NAME_MAX || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
		          ch == '_' || ch == '-';
		if (!ok)
			return false;
	}
	return true;
}

static void parse_assets(ctx *x, const cJSON *root)
{
	static const char *const keys[] = {"name", "sha256", "size", "type", NULL};
	size_t n;
	const cJSON *arr = get_list(x, root, "", "assets", true, 0, HALL_CONTENT_ASSETS_MAX, "assets", &n);
	if (!arr || n == 0)
		return;
	hall_asset *assets = alloc(x, n, sizeof *assets);
	if (!assets)
		return;
	size_t i = 0;
	for (const cJSON *a = arr->child; a && i < n; a = a->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, "assets", (int)i);
		hall_asset *as = &assets[i];
		if (!cJSON_IsObject(a)) {
			error_at(x, p, "expected an object, got %s", hall_json_type_name(a));
			continue;
		}
		check_keys(x, a, p, keys);
		const char *s = NULL;
		path_t fp;
		hall_json_path_key(fp, sizeof fp, p, "name");
		if (get_string(x, a, p, "name", 1000, true, &s)) {
			if (!asset_name_valid(s)) {
				error_at(x, fp,
				         "\"%.80s\" is not a valid file name (1 to 128 of A-Z a-z 0-9 . _ -, not starting with '.')", s);
			} else {
				for (size_t k = 0; k < i; k++) {
					if (assets[k].name && strcmp(assets[k].name, s) == 0) {
						error_at(x, fp, "\"%s\" is listed twice (also assets[%zu])", s, k);
						break;
					}
				}
				/* A duplicate keeps its name so references to it do not add a second error. */
				as->name = dup_str(x, s);
			}
		}
		hall_json_path_key(fp, sizeof fp, p, "sha256");
		if (get_string(x, a, p, "sha256", 1000, true, &s)) {
			if (!hall_sha256_is_hex(s))
				error_at(x, fp, "expected 64 lowercase hex digits (the output of sha256sum)");
			else
				memcpy(as->sha256, s, 65);
		}
		int64_t size = 0;
		hall_error e;
		const cJSON *sv = field(a, "size");
		hall_json_path_key(fp, sizeof fp, p, "size");
		if (cJSON_IsNumber(sv) && isfinite(sv->valuedouble) &&
		    (sv->valuedouble < 1 || sv->valuedouble > (double)HALL_CONTENT_ASSET_SIZE_MAX) &&
		    sv->valuedouble == floor(sv->valuedouble))
			error_at(x, fp, "%.0f bytes, expected 1 to %u", sv->valuedouble, HALL_CONTENT_ASSET_SIZE_MAX);
		else if (json_ok(x, hall_json_get_int(a, p, "size", 1, HALL_CONTENT_ASSET_SIZE_MAX, &size, &e), &e))
			as->size = (uint64_t)size;
		hall_json_path_key(fp, sizeof fp, p, "type");
		if (get_string(x, a, p, "type", 1000, true, &s)) {
			if (strcmp(s, "image/png") == 0)
				as->type = HALL_ASSET_PNG;
			else if (strcmp(s, "image/jpeg") == 0)
				as->type = HALL_ASSET_JPEG;
			else
				error_at(x, fp, "unknown type \"%.40s\" (expected image/png or image/jpeg)", s);
		}
	}
	x->c->assets = assets;
	x->c->n_assets = n;
}

/* An image reference: must name an entry of "assets". */
static bool get_image(ctx *x, const cJSON *o, const char *path, const char *key, bool required,
                      const hall_asset **out)
{
	const char *s = NULL;
	*out = NULL;
	if (!get_string(x, o, path, key, 1000, required, &s))
		return false;
	if (!s)
		return true; /* optional and absent */
	const hall_asset *a = hall_content_find_asset(x->c, s);
	if (!a) {
		path_t p;
		hall_json_path_key(p, sizeof p, path, key);
		error_at(x, p, "names \"%.80s\", which is not in \"assets\"", s);
		return false;
	}
	*out = a;
	return true;
}

static void parse_slides(ctx *x, const cJSON *o, const char *path, const char *key, bool alt_required, bool required,
                         const hall_slide **out, size_t *n_out)
{
	static const char *const keys[] = {"image", "caption", "alt", NULL};
	size_t n;
	path_t lp;
	hall_json_path_key(lp, sizeof lp, path, key);
	*out = NULL;
	*n_out = 0;
	const cJSON *arr = get_list(x, o, path, key, required, 0, HALL_CONTENT_SLIDES_MAX, "slides", &n);
	if (!arr || n == 0)
		return;
	hall_slide *sl = alloc(x, n, sizeof *sl);
	if (!sl)
		return;
	size_t i = 0;
	for (const cJSON *s = arr->child; s && i < n; s = s->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, lp, (int)i);
		if (!cJSON_IsObject(s)) {
			error_at(x, p, "expected an object, got %s", hall_json_type_name(s));
			continue;
		}
		check_keys(x, s, p, keys);
		get_image(x, s, p, "image", true, &sl[i].image);
		get_text(x, s, p, "caption", true, &sl[i].caption);
		get_text(x, s, p, "alt", alt_required, &sl[i].alt);
	}
	*out = sl;
	*n_out = n;
}

/* ---- shared pieces ----------------------------------------------------------------- */

static void check_unique_id(ctx *x, const char *path, const char *id, const char *const *prev_ids, size_t n_prev,
                            const char *list)
{
	if (!id)
		return;
	for (size_t k = 0; k < n_prev; k++) {
		if (prev_ids[k] && strcmp(prev_ids[k], id) == 0) {
			error_at(x, path, "\"%s\" is used twice in %s (also [%zu])", id, list, k);
			return;
		}
	}
}

static void parse_figures(ctx *x, const cJSON *o, const char *path, const char *key, size_t max,
                          const hall_figure **out, size_t *n_out)
{
	static const char *const keys[] = {"label", "value", "unit", NULL};
	size_t n;
	path_t lp;
	hall_json_path_key(lp, sizeof lp, path, key);
	*out = NULL;
	*n_out = 0;
	const cJSON *arr = get_list(x, o, path, key, false, 0, max, key, &n);
	if (!arr || n == 0)
		return;
	hall_figure *f = alloc(x, n, sizeof *f);
	if (!f)
		return;
	size_t i = 0;
	for (const cJSON *it = arr->child; it && i < n; it = it->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, lp, (int)i);
		if (!cJSON_IsObject(it)) {
			error_at(x, p, "expected an object, got %s", hall_json_type_name(it));
			continue;
		}
		check_keys(x, it, p, keys);
		get_text(x, it, p, "label", true, &f[i].label);
		get_number(x, it, p, "value", DBL_MAX, true, &f[i].value);
		get_text(x, it, p, "unit", false, &f[i].unit);
	}
	*out = f;
	*n_out = n;
}

/* [x, y] inside the current viewbox. */
static bool parse_point(ctx *x, const cJSON *v, const char *p, hall_point *out)
{
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsNumber(v->child) ||
	    !cJSON_IsNumber(v->child->next)) {
		error_at(x, p, "expected a point [x, y] of two numbers, got %s", hall_json_type_name(v));
		return false;
	}
	double px = v->child->valuedouble, py = v->child->next->valuedouble;
	if (!isfinite(px) || !isfinite(py) || px < 0 || py < 0) {
		error_at(x, p, "point [%g, %g] must have finite coordinates >= 0", px, py);
		return false;
	}
	if (x->viewbox_ok && (px > x->vw || py > x->vh)) {
		error_at(x, p, "point [%g, %g] is outside the viewbox %g x %g", px, py, x->vw, x->vh);
		return false;
	}
	out->x = px;
	out->y = py;
	return true;
}

static bool parse_points(ctx *x, const cJSON *o, const char *path, const char *key, size_t min, size_t max,
                         const hall_point **out, size_t *n_out)
{
	size_t n;
	path_t lp;
	hall_json_path_key(lp, sizeof lp, path, key);
	*out = NULL;
	*n_out = 0;
	const cJSON *arr = get_list(x, o, path, key, true, min, max, "points", &n);
	if (!arr)
		return false;
	hall_point *pts = alloc(x, n, sizeof *pts);
	if (!pts)
		return false;
	bool ok = true;
	size_t i = 0;
	for (const cJSON *v = arr->child; v && i < n; v = v->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, lp, (int)i);
		if (!parse_point(x, v, p, &pts[i]))
			ok = false;
	}
	*out = pts;
	*n_out = n;
	return ok;
}

/* ---- exhibits ---------------------------------------------------------------------- */

static void parse_brand(ctx *x, const cJSON *o, const char *path, hall_brand *b)
{
	static const char *const round_keys[] = {"title", "period", "total_votes", "options", NULL};
	static const char *const opt_keys[] = {"label", "votes", "percent", NULL};
	get_text(x, o, path, "slogan", true, &b->slogan);
	get_text(x, o, path, "story", true, &b->story);
	size_t n;
	path_t rp;
	hall_json_path_key(rp, sizeof rp, path, "rounds");
	const cJSON *arr = get_list(x, o, path, "rounds", true, 0, HALL_CONTENT_ROUNDS_MAX, "rounds", &n);
	if (arr && n > 0) {
		hall_vote_round *rounds = alloc(x, n, sizeof *rounds);
		size_t i = 0;
		for (const cJSON *r = arr->child; rounds && r && i < n; r = r->next, i++) {
			path_t p;
			hall_json_path_index(p, sizeof p, rp, (int)i);
			if (!cJSON_IsObject(r)) {
				error_at(x, p, "expected an object, got %s", hall_json_type_name(r));
				continue;
			}
			check_keys(x, r, p, round_keys);
			hall_vote_round *rd = &rounds[i];
			get_text(x, r, p, "title", true, &rd->title);
			get_text(x, r, p, "period", true, &rd->period);
			bool total_ok = get_count(x, r, p, "total_votes", &rd->total_votes);
			size_t no;
			path_t op;
			hall_json_path_key(op, sizeof op, p, "options");
			const cJSON *oa =
				get_list(x, r, p, "options", true, 1, HALL_CONTENT_ROUND_OPTIONS_MAX, "options", &no);
			if (!oa)
				continue;
			hall_vote_option *opts = alloc(x, no, sizeof *opts);
			if (!opts)
				continue;
			int64_t sum = 0;
			bool sum_ok = true;
			size_t k = 0;
			for (const cJSON *ov = oa->child; ov && k < no; ov = ov->next, k++) {
				path_t pp;
				hall_json_path_index(pp, sizeof pp, op, (int)k);
				if (!cJSON_IsObject(ov)) {
					error_at(x, pp, "expected an object, got %s", hall_json_type_name(ov));
					sum_ok = false;
					continue;
				}
				check_keys(x, ov, pp, opt_keys);
				get_text(x, ov, pp, "label", true, &opts[k].label);
				if (get_count(x, ov, pp, "votes", &opts[k].votes))
					sum += opts[k].votes;
				else
					sum_ok = false;
				get_number(x, ov, pp, "percent", 100.0, true, &opts[k].percent);
			}
			if (total_ok && sum_ok && sum > rd->total_votes)
				error_at(x, op, "the options' votes add up to %lld, more than total_votes %lld", (long long)sum,
				         (long long)rd->total_votes);
			rd->options = opts;
			rd->n_options = no;
		}
		b->rounds = rounds;
		b->n_rounds = rounds ? n : 0;
	}
	parse_slides(x, o, path, "slides", true, true, &b->slides, &b->n_slides);
}

static void parse_policy(ctx *x, const cJSON *o, const char *path, hall_policy *pol)
{
	static const char *const card_keys[] = {"id", "title", "text", "image", "alt", "figures", NULL};
	static const char *const chart_keys[] = {"id",     "type", "title",           "unit",
	                                         "series", "alt",  "secondary_label", "secondary_unit", NULL};
	static const char *const series_keys[] = {"label", "value", "secondary", NULL};
	size_t n_cards = 0, n_charts = 0;
	path_t lp;
	hall_json_path_key(lp, sizeof lp, path, "cards");
	const cJSON *arr = get_list(x, o, path, "cards", true, 0, HALL_CONTENT_CARDS_MAX, "cards", &n_cards);
	bool cards_ok = arr != NULL;
	if (arr && n_cards > 0) {
		hall_card *cards = alloc(x, n_cards, sizeof *cards);
		const char **ids = alloc(x, n_cards, sizeof *ids);
		size_t i = 0;
		for (const cJSON *cv = arr->child; cards && ids && cv && i < n_cards; cv = cv->next, i++) {
			path_t p;
			hall_json_path_index(p, sizeof p, lp, (int)i);
			if (!cJSON_IsObject(cv)) {
				error_at(x, p, "expected an object, got %s", hall_json_type_name(cv));
				continue;
			}
			check_keys(x, cv, p, card_keys);
			hall_card *cd = &cards[i];
			if (get_id(x, cv, p, "id", &cd->id)) {
				path_t ip;
				hall_json_path_key(ip, sizeof ip, p, "id");
				check_unique_id(x, ip, cd->id, ids, i, "cards");
				ids[i] = cd->id;
			}
			get_text(x, cv, p, "title", true, &cd->title);
			get_text(x, cv, p, "text", true, &cd->text);
			get_image(x, cv, p, "image", false, &cd->image);
			/* Every picture on a kiosk must be describable by voice: alt is required with an image. */
			bool has_image_field = !is_absent(field(cv, "image"));
			get_text(x, cv, p, "alt", has_image_field, &cd->alt);
			parse_figures(x, cv, p, "figures", HALL_CONTENT_FIGURES_MAX, &cd->figures, &cd->n_figures);
		}
		pol->cards = cards;
		pol->n_cards = cards ? n_cards : 0;
	}
	hall_json_path_key(lp, sizeof lp, path, "charts");
	arr = get_list(x, o, path, "charts", true, 0, HALL_CONTENT_CHARTS_MAX, "charts", &n_charts);
	bool charts_ok = arr != NULL;
	if (arr && n_charts > 0) {
		hall_chart *charts = alloc(x, n_charts, sizeof *charts);
		const char **ids = alloc(x, n_charts, sizeof *ids);
		size_t i = 0;
		for (const cJSON *cv = arr->child; charts && ids && cv && i < n_charts; cv = cv->next, i++) {
			path_t p;
			hall_json_path_index(p, sizeof p, lp, (int)i);
			if (!cJSON_IsObject(cv)) {
				error_at(x, p, "expected an object, got %s", hall_json_type_name(cv));
				continue;
			}
			check_keys(x, cv, p, chart_keys);
			hall_chart *ch = &charts[i];
			if (get_id(x, cv, p, "id", &ch->id)) {
				path_t ip;
				hall_json_path_key(ip, sizeof ip, p, "id");
				check_unique_id(x, ip, ch->id, ids, i, "charts");
				ids[i] = ch->id;
			}
			const char *type = NULL;
			if (get_string(x, cv, p, "type", 1000, true, &type)) {
				if (strcmp(type, "bar") == 0) {
					ch->type = HALL_CHART_BAR;
				} else if (strcmp(type, "donut") == 0) {
					ch->type = HALL_CHART_DONUT;
				} else {
					path_t tp;
					hall_json_path_key(tp, sizeof tp, p, "type");
					error_at(x, tp, "unknown chart type \"%.40s\" (expected bar or donut)", type);
					type = NULL;
				}
			}
			get_text(x, cv, p, "title", true, &ch->title);
			get_text(x, cv, p, "unit", false, &ch->unit);
			get_text(x, cv, p, "alt", true, &ch->alt);
			get_text(x, cv, p, "secondary_label", false, &ch->secondary_label);
			get_text(x, cv, p, "secondary_unit", false, &ch->secondary_unit);
			size_t ns;
			path_t sp;
			hall_json_path_key(sp, sizeof sp, p, "series");
			const cJSON *sa = get_list(x, cv, p, "series", true, 1, HALL_CONTENT_SERIES_MAX, "series entries", &ns);
			if (!sa)
				continue;
			hall_series *ser = alloc(x, ns, sizeof *ser);
			if (!ser)
				continue;
			double total = 0;
			bool values_ok = true;
			size_t k = 0;
			for (const cJSON *sv = sa->child; sv && k < ns; sv = sv->next, k++) {
				path_t pp;
				hall_json_path_index(pp, sizeof pp, sp, (int)k);
				if (!cJSON_IsObject(sv)) {
					error_at(x, pp, "expected an object, got %s", hall_json_type_name(sv));
					values_ok = false;
					continue;
				}
				check_keys(x, sv, pp, series_keys);
				get_text(x, sv, pp, "label", true, &ser[k].label);
				if (get_number(x, sv, pp, "value", DBL_MAX, true, &ser[k].value))
					total += ser[k].value;
				else
					values_ok = false;
				if (!is_absent(field(sv, "secondary")) &&
				    get_number(x, sv, pp, "secondary", DBL_MAX, true, &ser[k].secondary))
					ser[k].has_secondary = true;
			}
			if (type && ch->type == HALL_CHART_DONUT && values_ok && !(total > 0) )
				error_at(x, sp, "a donut chart needs values that add up to more than 0");
			if (values_ok && !isfinite(total))
				error_at(x, sp, "the values add up to more than a number can hold");
			ch->series = ser;
			ch->n_series = ns;
		}
		pol->charts = charts;
		pol->n_charts = charts ? n_charts : 0;
	}
	if (cards_ok && charts_ok && n_cards == 0 && n_charts == 0)
		error_at(x, path, "a policy exhibit needs at least one card or chart");
}

static double polygon_area2(const hall_point *p, size_t n)
{
	double a = 0;
	for (size_t i = 0; i < n; i++) {
		const hall_point *q = &p[(i + 1) % n];
		a += p[i].x * q->y - q->x * p[i].y;
	}
	return a;
}

static hall_point polygon_centroid(const hall_point *p, size_t n)
{
	double a2 = polygon_area2(p, n), cx = 0, cy = 0;
	for (size_t i = 0; i < n; i++) {
		const hall_point *q = &p[(i + 1) % n];
		double cross = p[i].x * q->y - q->x * p[i].y;
		cx += (p[i].x + q->x) * cross;
		cy += (p[i].y + q->y) * cross;
	}
	hall_point c = {cx / (3.0 * a2), cy / (3.0 * a2)};
	return c;
}

static void parse_city(ctx *x, const cJSON *o, const char *path, hall_city_model *m)
{
	static const char *const vb_keys[] = {"w", "h", NULL};
	static const char *const river_keys[] = {"name", "points", NULL};
	static const char *const d_keys[] = {"id", "name", "points", "label", "panel", "facts", NULL};
	static const char *const zoom_keys[] = {"min", "max", "step", NULL};
	x->viewbox_ok = false;
	path_t p;
	hall_json_path_key(p, sizeof p, path, "viewbox");
	const cJSON *vb = get_object(x, o, path, "viewbox", true);
	if (vb) {
		check_keys(x, vb, p, vb_keys);
		bool ok_w = get_number(x, vb, p, "w", HALL_CONTENT_VIEWBOX_MAX, true, &m->w);
		bool ok_h = get_number(x, vb, p, "h", HALL_CONTENT_VIEWBOX_MAX, true, &m->h);
		if (ok_w && !(m->w > 0)) {
			path_t wp;
			hall_json_path_key(wp, sizeof wp, p, "w");
			error_at(x, wp, "must be above 0");
			ok_w = false;
		}
		if (ok_h && !(m->h > 0)) {
			path_t hp;
			hall_json_path_key(hp, sizeof hp, p, "h");
			error_at(x, hp, "must be above 0");
			ok_h = false;
		}
		x->viewbox_ok = ok_w && ok_h;
		x->vw = m->w;
		x->vh = m->h;
	}
	hall_json_path_key(p, sizeof p, path, "river");
	const cJSON *rv = get_object(x, o, path, "river", false);
	if (rv) {
		check_keys(x, rv, p, river_keys);
		get_text(x, rv, p, "name", true, &m->river_name);
		if (parse_points(x, rv, p, "points", 2, HALL_CONTENT_RIVER_MAX, &m->river, &m->n_river))
			m->has_river = true;
	}
	size_t n;
	hall_json_path_key(p, sizeof p, path, "districts");
	const cJSON *arr = get_list(x, o, path, "districts", true, 1, HALL_CONTENT_DISTRICTS_MAX, "districts", &n);
	if (arr) {
		hall_district *ds = alloc(x, n, sizeof *ds);
		const char **ids = alloc(x, n, sizeof *ids);
		size_t i = 0;
		for (const cJSON *dv = arr->child; ds && ids && dv && i < n; dv = dv->next, i++) {
			path_t dp;
			hall_json_path_index(dp, sizeof dp, p, (int)i);
			if (!cJSON_IsObject(dv)) {
				error_at(x, dp, "expected an object, got %s", hall_json_type_name(dv));
				continue;
			}
			check_keys(x, dv, dp, d_keys);
			hall_district *d = &ds[i];
			if (get_id(x, dv, dp, "id", &d->id)) {
				path_t ip;
				hall_json_path_key(ip, sizeof ip, dp, "id");
				check_unique_id(x, ip, d->id, ids, i, "districts");
				ids[i] = d->id;
			}
			get_text(x, dv, dp, "name", true, &d->name);
			get_text(x, dv, dp, "panel", true, &d->panel);
			path_t pp;
			hall_json_path_key(pp, sizeof pp, dp, "points");
			const cJSON *pts = field(dv, "points");
			if (cJSON_IsArray(pts) && cJSON_GetArraySize(pts) < 3) {
				error_at(x, pp, "a district polygon needs at least 3 points, got %d", cJSON_GetArraySize(pts));
			} else if (parse_points(x, dv, dp, "points", 3, HALL_CONTENT_POLYGON_MAX, &d->points, &d->n_points)) {
				double a2 = polygon_area2(d->points, d->n_points);
				if (!(fabs(a2) > 0))
					error_at(x, pp, "the polygon has no area (all points on one line)");
				else
					d->label = polygon_centroid(d->points, d->n_points);
			}
			const cJSON *lv = field(dv, "label");
			if (!is_absent(lv)) {
				path_t lp;
				hall_json_path_key(lp, sizeof lp, dp, "label");
				parse_point(x, lv, lp, &d->label);
			}
			parse_figures(x, dv, dp, "facts", HALL_CONTENT_FACTS_MAX, &d->facts, &d->n_facts);
		}
		m->districts = ds;
		m->n_districts = ds ? n : 0;
	}
	m->zoom_min = 1.0;
	m->zoom_max = 4.0;
	m->zoom_step = 0.5;
	hall_json_path_key(p, sizeof p, path, "zoom");
	const cJSON *zv = get_object(x, o, path, "zoom", false);
	if (zv) {
		check_keys(x, zv, p, zoom_keys);
		bool a = get_number(x, zv, p, "min", HALL_CONTENT_ZOOM_MAX, true, &m->zoom_min);
		bool b = get_number(x, zv, p, "max", HALL_CONTENT_ZOOM_MAX, true, &m->zoom_max);
		bool c = get_number(x, zv, p, "step", HALL_CONTENT_ZOOM_MAX, true, &m->zoom_step);
		if (a && !(m->zoom_min > 0))
			error_at(x, p, "min must be above 0");
		else if (a && b && m->zoom_max < m->zoom_min)
			error_at(x, p, "max %g is below min %g", m->zoom_max, m->zoom_min);
		if (c && !(m->zoom_step > 0))
			error_at(x, p, "step must be above 0");
	}
	x->viewbox_ok = false;
}

static void parse_poll(ctx *x, const cJSON *o, const char *path, hall_poll *poll)
{
	static const char *const poll_keys[] = {"id", "question", "options", "show_results", NULL};
	static const char *const opt_keys[] = {"id", "label", "image", "alt", NULL};
	path_t p;
	hall_json_path_key(p, sizeof p, path, "poll");
	const cJSON *pv = get_object(x, o, path, "poll", true);
	if (!pv)
		return;
	check_keys(x, pv, p, poll_keys);
	get_id(x, pv, p, "id", &poll->id);
	get_text(x, pv, p, "question", true, &poll->question);
	poll->show_results = true;
	hall_error e;
	json_ok(x, hall_json_opt_bool(pv, p, "show_results", &poll->show_results, &e), &e);
	size_t n;
	path_t op;
	hall_json_path_key(op, sizeof op, p, "options");
	const cJSON *oa = field(pv, "options");
	if (cJSON_IsArray(oa)) {
		int count = cJSON_GetArraySize(oa);
		if (count < (int)HALL_CONTENT_POLL_OPTIONS_MIN || count > (int)HALL_CONTENT_POLL_OPTIONS_MAX) {
			error_at(x, op, "%d option%s, a poll has %u to %u", count, count == 1 ? "" : "s", HALL_CONTENT_POLL_OPTIONS_MIN,
			         HALL_CONTENT_POLL_OPTIONS_MAX);
			return;
		}
	}
	const cJSON *arr = get_list(x, pv, p, "options", true, HALL_CONTENT_POLL_OPTIONS_MIN,
	                            HALL_CONTENT_POLL_OPTIONS_MAX, "options", &n);
	if (!arr)
		return;
	hall_poll_option *opts = alloc(x, n, sizeof *opts);
	const char **ids = alloc(x, n, sizeof *ids);
	if (!opts || !ids)
		return;
	size_t i = 0;
	for (const cJSON *ov = arr->child; ov && i < n; ov = ov->next, i++) {
		path_t pp;
		hall_json_path_index(pp, sizeof pp, op, (int)i);
		if (!cJSON_IsObject(ov)) {
			error_at(x, pp, "expected an object, got %s", hall_json_type_name(ov));
			continue;
		}
		check_keys(x, ov, pp, opt_keys);
		if (get_id(x, ov, pp, "id", &opts[i].id)) {
			path_t ip;
			hall_json_path_key(ip, sizeof ip, pp, "id");
			check_unique_id(x, ip, opts[i].id, ids, i, "the poll's options");
			ids[i] = opts[i].id;
		}
		get_text(x, ov, pp, "label", true, &opts[i].label);
		/* The option's card picture; spoken by its alt, required with it as for cards. */
		get_image(x, ov, pp, "image", false, &opts[i].image);
		get_text(x, ov, pp, "alt", !is_absent(field(ov, "image")), &opts[i].alt);
	}
	poll->options = opts;
	poll->n_options = n;
}

static const char *const kind_names[] = {"brand", "policy", "city-model", "poll"};

const char *hall_exhibit_kind_name(hall_exhibit_kind kind)
{
	return (unsigned)kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[kind] : "?";
}

static void parse_exhibits(ctx *x, const cJSON *root)
{
	static const char *const brand_keys[] = {"id",    "kind",  "title", "summary", "image", "alt",
	                                         "slogan", "story", "rounds", "slides", NULL};
	static const char *const policy_keys[] = {"id", "kind", "title", "summary", "image", "alt", "cards", "charts", NULL};
	static const char *const city_keys[] = {"id",      "kind",  "title",     "summary", "image", "alt", "viewbox",
	                                        "river",   "districts", "zoom",  NULL};
	static const char *const poll_keys[] = {"id", "kind", "title", "summary", "image", "alt", "poll", NULL};
	size_t n;
	const cJSON *arr = get_list(x, root, "", "exhibits", true, 1, HALL_CONTENT_EXHIBITS_MAX, "exhibits", &n);
	if (!arr)
		return;
	hall_exhibit *ex = alloc(x, n, sizeof *ex);
	const char **ids = alloc(x, n, sizeof *ids);
	if (!ex || !ids)
		return;
	size_t i = 0;
	for (const cJSON *ev = arr->child; ev && i < n; ev = ev->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, "exhibits", (int)i);
		hall_exhibit *e = &ex[i];
		if (!cJSON_IsObject(ev)) {
			error_at(x, p, "expected an object, got %s", hall_json_type_name(ev));
			continue;
		}
		if (get_id(x, ev, p, "id", &e->id)) {
			path_t ip;
			hall_json_path_key(ip, sizeof ip, p, "id");
			check_unique_id(x, ip, e->id, ids, i, "exhibits");
			ids[i] = e->id;
		}
		const char *kind = NULL;
		int k = -1;
		if (get_string(x, ev, p, "kind", 1000, true, &kind)) {
			for (int j = 0; j < 4; j++) {
				if (strcmp(kind, kind_names[j]) == 0)
					k = j;
			}
			if (k < 0) {
				path_t kp;
				hall_json_path_key(kp, sizeof kp, p, "kind");
				error_at(x, kp, "unknown kind \"%.40s\" (expected brand, policy, city-model or poll)", kind);
			}
		}
		get_text(x, ev, p, "title", true, &e->title);
		get_text(x, ev, p, "summary", true, &e->summary);
		/* The home tile's picture; like every picture, described for voice. */
		get_image(x, ev, p, "image", false, &e->image);
		get_text(x, ev, p, "alt", !is_absent(field(ev, "image")), &e->alt);
		if (k < 0)
			continue; /* the kind's fields cannot be judged; its error says enough */
		e->kind = (hall_exhibit_kind)k;
		switch (e->kind) {
		case HALL_EXHIBIT_BRAND:
			check_keys(x, ev, p, brand_keys);
			parse_brand(x, ev, p, &e->u.brand);
			break;
		case HALL_EXHIBIT_POLICY:
			check_keys(x, ev, p, policy_keys);
			parse_policy(x, ev, p, &e->u.policy);
			break;
		case HALL_EXHIBIT_CITY_MODEL:
			check_keys(x, ev, p, city_keys);
			parse_city(x, ev, p, &e->u.city);
			break;
		case HALL_EXHIBIT_POLL:
			check_keys(x, ev, p, poll_keys);
			parse_poll(x, ev, p, &e->u.poll);
			break;
		}
	}
	x->c->exhibits = ex;
	x->c->n_exhibits = n;
	/* The controller tallies votes by poll id across every kiosk, so two polls sharing
	 * an id would mix their counts. */
	for (size_t a = 0; a < n; a++) {
		if (ex[a].kind != HALL_EXHIBIT_POLL || !ex[a].u.poll.id || !ex[a].id)
			continue;
		for (size_t b = 0; b < a; b++) {
			if (ex[b].kind == HALL_EXHIBIT_POLL && ex[b].u.poll.id && ex[b].id &&
			    strcmp(ex[a].u.poll.id, ex[b].u.poll.id) == 0) {
				path_t pp;
				snprintf(pp, sizeof pp, "exhibits[%zu].poll.id", a);
				error_at(x, pp, "poll id \"%s\" is also used by exhibits[%zu]", ex[a].u.poll.id, b);
				break;
			}
		}
	}
}

static void parse_languages(ctx *x, const cJSON *root)
{
	size_t n;
	const cJSON *arr = get_list(x, root, "", "languages", true, 1, HALL_LANG_COUNT, "language codes", &n);
	if (!arr)
		return;
	size_t i = 0, kept = 0;
	for (const cJSON *v = arr->child; v && i < n; v = v->next, i++) {
		path_t p;
		hall_json_path_index(p, sizeof p, "languages", (int)i);
		hall_lang l;
		if (!cJSON_IsString(v) || hall_lang_from_code(v->valuestring, &l) != 0) {
			error_at(x, p, "expected one of \"ko\", \"en\", \"zh-Hans\", \"zh-Hant\", \"ja\", got %s%.40s%s",
			         cJSON_IsString(v) ? "\"" : hall_json_type_name(v), cJSON_IsString(v) ? v->valuestring : "",
			         cJSON_IsString(v) ? "\"" : "");
			continue;
		}
		if (x->lang_wanted[l]) {
			error_at(x, p, "\"%s\" is listed twice", v->valuestring);
			continue;
		}
		x->lang_wanted[l] = true;
		x->c->languages[kept++] = l;
	}
	x->c->n_languages = kept;
}

static void parse_signature(ctx *x, const cJSON *root)
{
	static const char *const keys[] = {"alg", "key", "sig", NULL};
	const cJSON *sv = get_object(x, root, "", "signature", false);
	if (!sv)
		return;
	check_keys(x, sv, "signature", keys);
	const char *alg = NULL, *key = NULL, *sig = NULL;
	bool ok = get_string(x, sv, "signature", "alg", 256, true, &alg);
	if (ok && strcmp(alg, "ed25519") != 0) {
		error_at(x, "signature.alg", "unknown algorithm \"%.40s\" (expected ed25519)", alg);
		ok = false;
	}
	ok = get_string(x, sv, "signature", "key", 256, true, &key) && ok;
	ok = get_string(x, sv, "signature", "sig", 256, true, &sig) && ok;
	if (!ok)
		return;
	x->c->signature.present = true;
	x->c->signature.alg = dup_str(x, alg);
	x->c->signature.key = dup_str(x, key);
	x->c->signature.sig = dup_str(x, sig);
}

static void parse_attract(ctx *x, const cJSON *root)
{
	static const char *const keys[] = {"slides", NULL};
	const cJSON *av = get_object(x, root, "", "attract", false);
	if (!av)
		return;
	check_keys(x, av, "attract", keys);
	parse_slides(x, av, "attract", "slides", false, false, &x->c->attract, &x->c->n_attract);
}

/* "pronunciations": {"ja": [{"text": "Seoul, my soul", "say": "ソウル・マイ・ソウル"}, …], …} */
static void parse_pronunciation_list(ctx *x, const cJSON *list, const char *p, hall_lang l)
{
	static const char *const keys[] = {"text", "say", NULL};
	int n = cJSON_GetArraySize(list);
	if ((unsigned)n > HALL_CONTENT_PRONUNCIATIONS_MAX) {
		error_at(x, p, "%d entries, the limit is %u", n, HALL_CONTENT_PRONUNCIATIONS_MAX);
		return;
	}
	hall_pronunciation *arr = n ? alloc(x, (size_t)n, sizeof *arr) : NULL;
	size_t k = 0;
	int i = 0;
	for (const cJSON *e = list->child; e && (arr || !n); e = e->next, i++) {
		path_t ep;
		hall_json_path_index(ep, sizeof ep, p, i);
		if (!cJSON_IsObject(e)) {
			error_at(x, ep, "expected {\"text\": ..., \"say\": ...}, got %s", hall_json_type_name(e));
			continue;
		}
		check_keys(x, e, ep, keys);
		const char *t = NULL, *say = NULL;
		bool ok = get_string(x, e, ep, "text", HALL_CONTENT_PRON_TEXT_MAX, true, &t);
		ok = get_string(x, e, ep, "say", HALL_CONTENT_PRON_SAY_MAX, true, &say) && ok;
		if (ok && !t[0]) {
			error_at(x, ep, "text is empty");
			ok = false;
		}
		if (ok && (!utf8_valid((const unsigned char *)t, strlen(t)) ||
		           !utf8_valid((const unsigned char *)say, strlen(say)))) {
			error_at(x, ep, "not valid UTF-8");
			ok = false;
		}
		if (!ok)
			continue;
		arr[k].text = dup_str(x, t);
		arr[k].say = dup_str(x, say);
		k++;
	}
	x->c->pronunciations[l] = arr;
	x->c->n_pronunciations[l] = k;
}

static void parse_pronunciations(ctx *x, const cJSON *root)
{
	const cJSON *pv = get_object(x, root, "", "pronunciations", false);
	bool seen[HALL_LANG_COUNT] = {false};
	if (!pv)
		return;
	for (const cJSON *ch = pv->child; ch; ch = ch->next) {
		path_t p;
		hall_lang l;
		const char *code = ch->string ? ch->string : "";
		hall_json_path_key(p, sizeof p, "pronunciations", code);
		if (hall_lang_from_code(code, &l) != 0) {
			error_at(x, p, "unknown language \"%.40s\" (expected ko, en, zh-Hans, zh-Hant or ja)", code);
		} else if (seen[l]) {
			error_at(x, p, "language given twice");
		} else if (!cJSON_IsArray(ch)) {
			error_at(x, p, "expected an array of {\"text\", \"say\"}, got %s", hall_json_type_name(ch));
		} else {
			seen[l] = true;
			parse_pronunciation_list(x, ch, p, l);
		}
	}
}

/* Length of the entry's text matched at s (ASCII letters in any case), or 0. */
static size_t pron_match(const char *s, const char *text)
{
	size_t i = 0;
	for (; text[i]; i++) {
		unsigned char a = (unsigned char)s[i], b = (unsigned char)text[i];
		if (!a)
			return 0;
		if (a != b && !(a < 0x80 && b < 0x80 && isalpha(a) && tolower(a) == tolower(b)))
			return 0;
	}
	return i;
}

static bool latin_letter(unsigned char c)
{
	return c < 0x80 && isalnum(c);
}

const char *hall_content_pronounce(const hall_content *c, hall_lang lang, const char *utf8, char *out,
                                   size_t out_len)
{
	size_t o = 0;
	if (!out || out_len == 0)
		return out;
	out[0] = '\0';
	if (!utf8)
		return out;
	const hall_pronunciation *pr = c && (unsigned)lang < HALL_LANG_COUNT ? c->pronunciations[lang] : NULL;
	size_t npr = pr ? c->n_pronunciations[lang] : 0;
	for (size_t i = 0; utf8[i];) {
		size_t best = 0, bi = 0;
		/* An entry starts a word (or follows a non-Latin character): "Seoul" in "Seoulite" is
		 * left alone. */
		bool at_word = i == 0 || !latin_letter((unsigned char)utf8[i - 1]);
		for (size_t k = 0; at_word && k < npr; k++) {
			size_t m = pron_match(utf8 + i, pr[k].text);
			if (m > best && !(latin_letter((unsigned char)utf8[i + m - 1]) && latin_letter((unsigned char)utf8[i + m]))) {
				best = m;
				bi = k;
			}
		}
		const char *src = best ? pr[bi].say : utf8 + i;
		size_t n = best ? strlen(src) : 1;
		while (!best && ((unsigned char)utf8[i + n] & 0xC0) == 0x80)
			n++; /* one whole character */
		if (o + n >= out_len)
			break; /* cut at a character (or a whole replacement) boundary */
		memcpy(out + o, src, n);
		o += n;
		i += best ? best : n;
	}
	out[o] = '\0';
	return out;
}

/* The walk over an already parsed manifest tree; x->err and x->report are set. */
static hall_err parse_root(ctx *x, const cJSON *root, hall_content **out)
{
	static const char *const root_keys[] = {"id",        "title",   "languages",      "assets", "exhibits",
	                                        "attract",   "signature", "version", "pronunciations", NULL};
	hall_error je;
	hall_err rc;
	if (!cJSON_IsObject(root)) {
		error_at(x, "", "the manifest must be a JSON object, got %s", hall_json_type_name(root));
		return HALL_ERR_INVALID;
	}
	x->c = calloc(1, sizeof *x->c);
	if (!x->c || !(x->c->arena = calloc(1, sizeof *x->c->arena))) {
		rc = hall_error_set(x->err, HALL_ERR_NOMEM, "", "out of memory");
		goto done;
	}
	check_keys(x, root, "", root_keys);
	/* Languages first: the missing-translation warnings of every text depend on them. */
	parse_languages(x, root);
	get_id(x, root, "", "id", &x->c->id);
	get_text(x, root, "", "title", true, &x->c->title);
	json_ok(x, hall_json_opt_int(root, "", "version", 0, INT64_MAX / 2, &x->c->version, &je), &je);
	parse_signature(x, root);
	parse_assets(x, root);
	parse_attract(x, root);
	parse_exhibits(x, root);
	parse_pronunciations(x, root);
	if (x->nomem) {
		rc = hall_error_set(x->err, HALL_ERR_NOMEM, "", "out of memory while reading the manifest");
		goto done;
	}
	if (x->n_errors > 0) {
		rc = HALL_ERR_INVALID;
		goto done;
	}
	if (x->n_warnings > 0) {
		hall_issue *w = arena_alloc(x->c->arena, x->n_warnings, sizeof *w);
		if (!w) {
			rc = hall_error_set(x->err, HALL_ERR_NOMEM, "", "out of memory");
			goto done;
		}
		memcpy(w, x->warnings, x->n_warnings * sizeof *w);
		x->c->warnings = w;
		x->c->n_warnings = x->n_warnings;
	}
	*out = x->c;
	x->c = NULL;
	rc = HALL_OK;
done:
	hall_content_destroy(x->c);
	x->c = NULL;
	return rc;
}

hall_err hall_content_from_json(const cJSON *manifest, hall_issue_fn report, void *user, hall_content **out,
                                hall_error *err)
{
	ctx x;
	memset(&x, 0, sizeof x);
	x.report = report;
	x.user = user;
	x.err = err;
	*out = NULL;
	hall_err rc = parse_root(&x, manifest, out);
	free(x.warnings);
	return rc;
}

hall_err hall_content_parse(const char *buf, size_t len, hall_issue_fn report, void *user, hall_content **out,
                            hall_error *err)
{
	cJSON *root = NULL;
	hall_error je;
	*out = NULL;
	hall_err rc = hall_json_parse(buf, len, HALL_CONTENT_MANIFEST_MAX, &root, &je);
	if (rc != HALL_OK) {
		ctx x;
		memset(&x, 0, sizeof x);
		x.report = report;
		x.user = user;
		x.err = err;
		error_at(&x, je.path, "%s", je.msg);
		return rc;
	}
	rc = hall_content_from_json(root, report, user, out, err);
	cJSON_Delete(root);
	return rc;
}

void hall_content_destroy(hall_content *content)
{
	if (!content)
		return;
	arena_free(content->arena);
	free(content);
}

/* ---- lookups ----------------------------------------------------------------------- */

const char *hall_text_get_lang(const hall_text *text, hall_lang lang, hall_lang *shown)
{
	static const hall_lang order[] = {HALL_LANG_KO, HALL_LANG_EN, HALL_LANG_ZH_HANS, HALL_LANG_ZH_HANT, HALL_LANG_JA};
	if (shown)
		*shown = lang;
	if (!text)
		return "";
	if ((unsigned)lang < HALL_LANG_COUNT && text->s[lang])
		return text->s[lang];
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (text->s[order[i]]) {
			if (shown)
				*shown = order[i];
			return text->s[order[i]];
		}
	}
	return "";
}

const char *hall_text_get(const hall_text *text, hall_lang lang)
{
	return hall_text_get_lang(text, lang, NULL);
}

bool hall_text_present(const hall_text *text)
{
	for (int l = 0; text && l < HALL_LANG_COUNT; l++) {
		if (text->s[l])
			return true;
	}
	return false;
}

const char *hall_asset_type_mime(hall_asset_type type)
{
	switch (type) {
	case HALL_ASSET_PNG: return "image/png";
	case HALL_ASSET_JPEG: return "image/jpeg";
	}
	return "?";
}

const hall_exhibit *hall_content_find_exhibit(const hall_content *content, const char *id)
{
	for (size_t i = 0; content && id && i < content->n_exhibits; i++) {
		if (content->exhibits[i].id && strcmp(content->exhibits[i].id, id) == 0)
			return &content->exhibits[i];
	}
	return NULL;
}

const hall_asset *hall_content_find_asset(const hall_content *content, const char *name)
{
	for (size_t i = 0; content && name && i < content->n_assets; i++) {
		if (content->assets[i].name && strcmp(content->assets[i].name, name) == 0)
			return &content->assets[i];
	}
	return NULL;
}

const hall_exhibit *hall_content_find_poll(const hall_content *content, const char *poll_id)
{
	for (size_t i = 0; content && poll_id && i < content->n_exhibits; i++) {
		const hall_exhibit *e = &content->exhibits[i];
		if (e->kind == HALL_EXHIBIT_POLL && e->u.poll.id && strcmp(e->u.poll.id, poll_id) == 0)
			return e;
	}
	return NULL;
}

bool hall_content_has_language(const hall_content *content, hall_lang lang)
{
	for (size_t i = 0; content && i < content->n_languages; i++) {
		if (content->languages[i] == lang)
			return true;
	}
	return false;
}

/* ---- the pack folder --------------------------------------------------------------- */

/* The checks of hall_content_check_asset_file on an open file (closed here). */
static hall_err check_asset_fd(int fd, const hall_asset *asset, hall_error *err)
{
	hall_err rc = HALL_OK;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		rc = hall_error_set(err, HALL_ERR_IO, "", "cannot stat %s: %s", asset->name, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "", "%s is not a regular file", asset->name);
		goto out;
	}
	if ((uint64_t)st.st_size != asset->size) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s is %lld bytes, the manifest says %llu", asset->name,
		                    (long long)st.st_size, (unsigned long long)asset->size);
		goto out;
	}
	hall_sha256 h;
	hall_sha256_init(&h);
	unsigned char head[8] = {0};
	size_t head_len = 0;
	unsigned char buf[65536];
	uint64_t total = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = hall_error_set(err, HALL_ERR_IO, "", "cannot read %s: %s", asset->name, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		size_t got = (size_t)r;
		while (head_len < sizeof head && head_len < total + got) {
			head[head_len] = buf[head_len - total];
			head_len++;
		}
		hall_sha256_update(&h, buf, got);
		total += got;
		if (total > asset->size)
			break;
	}
	if (total != asset->size) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s changed size while being read", asset->name);
		goto out;
	}
	uint8_t digest[32];
	hall_sha256_final(&h, digest);
	char hex[65];
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	if (strcmp(hex, asset->sha256) != 0) {
		rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s has sha256 %s, the manifest says %s", asset->name, hex,
		                    asset->sha256);
		goto out;
	}
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	static const unsigned char jpeg_sig[3] = {0xff, 0xd8, 0xff};
	switch (asset->type) {
	case HALL_ASSET_PNG:
		if (head_len < sizeof png_sig || memcmp(head, png_sig, sizeof png_sig) != 0)
			rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s is not a PNG image (type says image/png)",
			                    asset->name);
		break;
	case HALL_ASSET_JPEG:
		if (head_len < sizeof jpeg_sig || memcmp(head, jpeg_sig, sizeof jpeg_sig) != 0)
			rc = hall_error_set(err, HALL_ERR_INVALID, "", "file %s is not a JPEG image (type says image/jpeg)",
			                    asset->name);
		break;
	}
out:
	close(fd);
	return rc;
}

hall_err hall_content_check_asset_file(const char *path, const hall_asset *asset, hall_error *err)
{
	/* O_NONBLOCK: a FIFO must not block the open (fstat then refuses it). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return hall_error_set(err, errno == ENOENT ? HALL_ERR_NOT_FOUND : HALL_ERR_IO, "",
		                      errno == ENOENT ? "file %s is missing" : "cannot open %s: %s", asset->name,
		                      strerror(errno));
	return check_asset_fd(fd, asset, err);
}

hall_err hall_content_check_dir_report(const char *dir, const hall_content *content, hall_issue_fn report,
                                       void *user, hall_error *err)
{
	hall_err first = HALL_OK;
	for (size_t i = 0; i < content->n_assets; i++) {
		const hall_asset *a = &content->assets[i];
		hall_error e;
		int fd = -1;
		if (!a->name)
			continue; /* cannot happen in a parsed pack: a nameless asset is a parse error */
		/* Only regular files inside the pack folder, opened without ever blocking. */
		hall_err rc = hall_fs_open_inside(dir, a->name, &fd, &e);
		if (rc == HALL_OK)
			rc = check_asset_fd(fd, a, &e);
		if (rc == HALL_OK)
			continue;
		hall_issue is;
		is.severity = HALL_ISSUE_ERROR;
		snprintf(is.path, sizeof is.path, "assets[%zu]", i);
		snprintf(is.msg, sizeof is.msg, "%s", e.msg);
		if (report)
			report(user, &is);
		if (first == HALL_OK) {
			first = rc;
			hall_error_set(err, rc, is.path, "%s", is.msg);
		}
	}
	return first;
}

hall_err hall_content_check_dir(const char *dir, const hall_content *content, hall_error *err)
{
	return hall_content_check_dir_report(dir, content, NULL, NULL, err);
}

/* After the manifest failed to parse: its files are still checked, every asset entry
 * that names a file, a sha256 and a size, so one run of validate lists every problem
 * (a wrong hash and a missing file with the manifest's own errors). Entries the parser
 * refused for their own fields are left to its messages. */
static void check_raw_assets(const char *dir, const char *data, size_t len, hall_issue_fn report, void *user)
{
	cJSON *root = NULL;
	if (!report || hall_json_parse(data, len, HALL_CONTENT_MANIFEST_MAX, &root, NULL) != HALL_OK)
		return;
	const cJSON *assets = cJSON_GetObjectItemCaseSensitive(root, "assets");
	size_t i = 0;
	const cJSON *it;
	if (!cJSON_IsArray(assets)) {
		cJSON_Delete(root);
		return;
	}
	cJSON_ArrayForEach(it, assets)
	{
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *sha = cJSON_GetObjectItemCaseSensitive(it, "sha256");
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(it, "size");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
		char path[4096];
		hall_error e;
		hall_asset a;
		memset(&a, 0, sizeof a);
		if (cJSON_IsString(name) && name->valuestring[0] && !strstr(name->valuestring, "..") &&
		    name->valuestring[0] != '/' && cJSON_IsString(sha) && hall_sha256_is_hex(sha->valuestring) &&
		    cJSON_IsNumber(size) && size->valuedouble >= 0 && size->valuedouble < 9007199254740992.0 &&
		    hall_fs_join(path, sizeof path, dir, name->valuestring) == 0) {
			a.name = name->valuestring;
			snprintf(a.sha256, sizeof a.sha256, "%s", sha->valuestring);
			a.size = (uint64_t)size->valuedouble;
			a.type = cJSON_IsString(type) && strcmp(type->valuestring, "image/jpeg") == 0 ? HALL_ASSET_JPEG
			                                                                              : HALL_ASSET_PNG;
			if (hall_content_check_asset_file(path, &a, &e) != HALL_OK) {
				hall_issue is;
				is.severity = HALL_ISSUE_ERROR;
				snprintf(is.path, sizeof is.path, "assets[%zu]", i);
				snprintf(is.msg, sizeof is.msg, "%s", e.msg);
				report(user, &is);
			}
		}
		i++;
	}
	cJSON_Delete(root);
}

hall_err hall_content_load_dir(const char *dir, hall_issue_fn report, void *user, hall_content **out,
                               hall_error *err)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	hall_content *c = NULL;
	hall_error e;
	hall_err rc;
	*out = NULL;
	if (hall_fs_join(path, sizeof path, dir, "manifest.json") != 0) {
		rc = hall_error_set(&e, HALL_ERR_INVALID, "manifest.json", "the folder's path is too long");
		goto report_fail;
	}
	rc = hall_fs_read_inside(dir, "manifest.json", HALL_CONTENT_MANIFEST_MAX, &data, &len, &e);
	if (rc != HALL_OK) {
		/* Name the file the author knows, with the reason the OS gave. */
		char msg[sizeof e.msg];
		snprintf(msg, sizeof msg, "%s", e.msg);
		hall_error_set(&e, rc, "manifest.json", "%s (%s)", msg, path);
		goto report_fail;
	}
	rc = hall_content_parse(data, len, report, user, &c, err);
	if (rc != HALL_OK) {
		check_raw_assets(dir, data, len, report, user);
		goto out;
	}
	rc = hall_content_check_dir_report(dir, c, report, user, err);
	if (rc != HALL_OK) {
		hall_content_destroy(c);
		c = NULL;
		goto out;
	}
	*out = c;
	goto out;
report_fail:
	if (report) {
		hall_issue is;
		is.severity = HALL_ISSUE_ERROR;
		snprintf(is.path, sizeof is.path, "%s", e.path);
		snprintf(is.msg, sizeof is.msg, "%s", e.msg);
		report(user, &is);
	}
	if (err)
		*err = e;
out:
	free(data);
	return rc;
}
