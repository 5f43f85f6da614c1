/* tz.c: time zones from the system's TZif files (RFC 8536), without touching TZ.
 *
 * A zone is its list of transitions (instant -> local time type), its types (offset),
 * and the footer: a POSIX TZ string ("KST-9", "EST5EDT,M3.2.0,M11.1.0") that gives the
 * offset after the last listed transition, so far-future dates work with "slim" files.
 * Loaded zones are immutable and live until exit; the registry's lock covers only
 * finding or adding one. */
#include "hall/tz.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_NAME_MAX 64
#define TZ_CACHE_MAX 64
#define TZ_FILE_MAX (512 * 1024)

typedef struct tz_rule {
	char kind; /* 'J': Julian day 1..365 without Feb 29; 'D': day 0..365; 'M': month.week.weekday */
	int a, b, c;
	int32_t time; /* seconds after local midnight (may be negative or past 24 h) */
} tz_rule;

struct hall_tz {
	char name[TZ_NAME_MAX + 1];
	int32_t ntrans;
	int64_t *trans;
	uint8_t *trans_type;
	int32_t ntypes;
	int32_t *type_off;
	bool has_footer, has_dst;
	int32_t std_off, dst_off; /* seconds east of UTC */
	tz_rule start, end;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static hall_tz *registry[TZ_CACHE_MAX];
static size_t n_registry;

/* ------------------------------------------------------------ calendar */

int64_t hall_days_from_civil(int64_t y, int m, int d)
{
	/* Months outside 1..12 roll into the neighbouring years, as mktime does. */
	int64_t mm = m - 1;
	y += mm >= 0 ? mm / 12 : -((11 - mm) / 12);
	m = (int)(mm - (mm >= 0 ? mm / 12 : -((11 - mm) / 12)) * 12) + 1;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void hall_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ------------------------------------------------------- POSIX TZ footer */

static const char *parse_zone_abbr(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e ? e + 1 : NULL;
	}
	const char *p = s;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]h[:mm[:ss]] with h up to max_h; the value in seconds, sign applied. */
static const char *parse_hms(const char *s, int max_h, int32_t *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	int part[3] = {0, 0, 0};
	for (int i = 0; i < 3; i++) {
		if (i > 0) {
			if (*s != ':')
				break;
			s++;
		}
		if (*s < '0' || *s > '9')
			return NULL;
		int v = 0;
		while (*s >= '0' && *s <= '9' && v <= 1000)
			v = v * 10 + (*s++ - '0');
		part[i] = v;
	}
	if (part[0] > max_h || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return s;
}

static const char *parse_int(const char *s, int lo, int hi, int *out)
{
	if (*s < '0' || *s > '9')
		return NULL;
	int v = 0;
	while (*s >= '0' && *s <= '9' && v <= hi)
		v = v * 10 + (*s++ - '0');
	if (v < lo || v > hi)
		return NULL;
	*out = v;
	return s;
}

static const char *parse_rule(const char *s, tz_rule *r)
{
	memset(r, 0, sizeof *r);
	r->time = 2 * 3600;
	if (*s == 'M') {
		r->kind = 'M';
		if (!(s = parse_int(s + 1, 1, 12, &r->a)) || *s != '.' || !(s = parse_int(s + 1, 1, 5, &r->b)) ||
		    *s != '.' || !(s = parse_int(s + 1, 0, 6, &r->c)))
			return NULL;
	} else if (*s == 'J') {
		r->kind = 'J';
		if (!(s = parse_int(s + 1, 1, 365, &r->a)))
			return NULL;
	} else {
		r->kind = 'D';
		if (!(s = parse_int(s, 0, 365, &r->a)))
			return NULL;
	}
	if (*s == '/')
		s = parse_hms(s + 1, 167, &r->time);
	return s;
}

/* "STDoff[DST[off][,start[/time],end[/time]]]"; POSIX offsets count west, ours east. */
static bool parse_footer(hall_tz *z, const char *s)
{
	int32_t west;
	if (!(s = parse_zone_abbr(s)) || !(s = parse_hms(s, 24, &west)))
		return false;
	z->std_off = -west;
	z->has_footer = true;
	if (*s == '\0')
		return true;
	if (!(s = parse_zone_abbr(s)))
		return false;
	z->dst_off = z->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = parse_hms(s, 24, &west)))
			return false;
		z->dst_off = -west;
	}
	z->has_dst = true;
	if (*s == '\0') /* POSIX leaves the default rule to the implementation; US rules as glibc */
		return parse_rule("M3.2.0", &z->start) && parse_rule("M11.1.0", &z->end);
	if (*s != ',' || !(s = parse_rule(s + 1, &z->start)) || *s != ',' || !(s = parse_rule(s + 1, &z->end)))
		return false;
	return *s == '\0';
}

static int64_t rule_day(int64_t year, const tz_rule *r)
{
	int64_t jan1 = hall_days_from_civil(year, 1, 1);
	if (r->kind == 'J')
		return jan1 + r->a - 1 + (is_leap(year) && r->a >= 60);
	if (r->kind == 'D')
		return jan1 + r->a;
	int64_t first = hall_days_from_civil(year, r->a, 1);
	int64_t next = hall_days_from_civil(year, r->a + 1, 1);
	int64_t wd_first = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
	int64_t day = first + (r->c - wd_first + 7) % 7 + (int64_t)(r->b - 1) * 7;
	while (day >= next)
		day -= 7;
	return day;
}

static int32_t footer_offset(const hall_tz *z, int64_t t)
{
	if (!z->has_dst)
		return z->std_off;
	int64_t y;
	int m, d;
	hall_civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
	int64_t start = rule_day(y, &z->start) * 86400 + z->start.time - z->std_off;
	int64_t end = rule_day(y, &z->end) * 86400 + z->end.time - z->dst_off;
	bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return dst ? z->dst_off : z->std_off;
}

/* ------------------------------------------------------------- TZif file */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static bool read_header(const unsigned char *p, size_t n, char *version, tzif_counts *c)
{
	if (n < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	*version = (char)p[4];
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	return c->time <= 100000 && c->type >= 1 && c->type <= 256 && c->chars <= 65536 && c->leap <= 10000 &&
	       c->isut <= c->type && c->isstd <= c->type;
}

static size_t block_size(const tzif_counts *c, size_t time_size)
{
	return c->time * time_size + c->time + c->type * 6 + c->chars + c->leap * (time_size + 4) + c->isstd + c->isut;
}

static bool parse_tzif(hall_tz *z, const unsigned char *buf, size_t n)
{
	char version;
	tzif_counts c;
	if (!read_header(buf, n, &version, &c))
		return false;
	size_t time_size = 4;
	const unsigned char *p = buf + 44;
	if (version >= '2') { /* skip the 32-bit block; the 64-bit one follows with its own header */
		size_t skip = 44 + block_size(&c, 4);
		if (skip > n || !read_header(buf + skip, n - skip, &version, &c))
			return false;
		p = buf + skip + 44;
		time_size = 8;
	}
	const unsigned char *end = buf + n;
	if ((size_t)(end - p) < block_size(&c, time_size))
		return false;
	z->ntrans = (int32_t)c.time;
	z->ntypes = (int32_t)c.type;
	z->trans = calloc(c.time ? c.time : 1, sizeof *z->trans);
	z->trans_type = calloc(c.time ? c.time : 1, 1);
	z->type_off = calloc(c.type, sizeof *z->type_off);
	if (!z->trans || !z->trans_type || !z->type_off)
		return false;
	for (uint32_t i = 0; i < c.time; i++, p += time_size)
		z->trans[i] = time_size == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
	for (uint32_t i = 0; i < c.time; i++) {
		if (p[i] >= c.type)
			return false;
		z->trans_type[i] = p[i];
	}
	p += c.time;
	for (uint32_t i = 0; i < c.type; i++, p += 6) {
		int32_t off = (int32_t)be32(p);
		if (off < -25 * 3600 || off > 26 * 3600)
			return false;
		z->type_off[i] = off;
	}
	p += c.chars + c.leap * (time_size + 4) + c.isstd + c.isut;
	if (time_size == 8 && p < end && *p == '\n') { /* footer: "\n<POSIX TZ>\n", may be empty */
		const unsigned char *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		if (!nl || nl - p - 1 > 128)
			return false;
		char tz[130];
		memcpy(tz, p + 1, (size_t)(nl - p - 1));
		tz[nl - p - 1] = '\0';
		if (tz[0] && !parse_footer(z, tz))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------ registry */

static bool valid_name(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > TZ_NAME_MAX || name[0] == '/' || strstr(name, "..") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '+'))
			return false;
	}
	return true;
}

static void zone_free(hall_tz *z)
{
	if (z) {
		free(z->trans);
		free(z->trans_type);
		free(z->type_off);
		free(z);
	}
}

static hall_tz *zone_load(const char *name)
{
	hall_tz *z = calloc(1, sizeof *z);
	if (!z)
		return NULL;
	snprintf(z->name, sizeof z->name, "%s", name);
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(TZ_FILE_MAX);
	size_t n = 0;
	if (f && buf)
		n = fread(buf, 1, TZ_FILE_MAX, f);
	bool ok = f && buf && n > 0 && n < TZ_FILE_MAX && parse_tzif(z, buf, n);
	if (f)
		fclose(f);
	free(buf);
	if (!ok && strcmp(name, "UTC") == 0) { /* UTC needs no database */
		zone_free(z);
		z = calloc(1, sizeof *z);
		if (!z)
			return NULL;
		snprintf(z->name, sizeof z->name, "UTC");
		z->has_footer = true;
		return z;
	}
	if (!ok) {
		zone_free(z);
		return NULL;
	}
	return z;
}

const hall_tz *hall_tz_get(const char *name)
{
	if (!name || !valid_name(name))
		return NULL;
	hall_tz *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < n_registry && !found; i++)
		if (strcmp(registry[i]->name, name) == 0)
			found = registry[i];
	if (!found && n_registry < TZ_CACHE_MAX && (found = zone_load(name)) != NULL)
		registry[n_registry++] = found; /* a hall uses one or two zones; past the bound, refuse */
	pthread_mutex_unlock(&registry_lock);
	return found;
}

bool hall_tz_known(const char *name)
{
	return hall_tz_get(name) != NULL;
}

int32_t hall_tz_offset_at(const hall_tz *z, int64_t utc_s)
{
	if (z->ntrans == 0)
		return z->has_footer ? footer_offset(z, utc_s) : z->type_off[0];
	if (utc_s < z->trans[0])
		return z->type_off[0];
	if (utc_s >= z->trans[z->ntrans - 1] && z->has_footer)
		return footer_offset(z, utc_s);
	int32_t lo = 0, hi = z->ntrans - 1; /* largest i with trans[i] <= utc_s */
	while (lo < hi) {
		int32_t mid = lo + (hi - lo + 1) / 2;
		if (z->trans[mid] <= utc_s)
			lo = mid;
		else
			hi = mid - 1;
	}
	return z->type_off[z->trans_type[lo]];
}

int64_t hall_tz_local_to_utc(const hall_tz *z, int64_t local_s)
{
	/* Offsets change at most once within two days anywhere, so the offsets a day either
	 * side are the only candidates for this wall time. */
	int32_t before = hall_tz_offset_at(z, local_s - 86400 - 26 * 3600);
	int32_t after = hall_tz_offset_at(z, local_s + 86400 + 26 * 3600);
	if (hall_tz_offset_at(z, local_s - before) == before)
		return local_s - before;
	if (hall_tz_offset_at(z, local_s - after) == after)
		return local_s - after;
	return local_s - before; /* in a gap */
}
