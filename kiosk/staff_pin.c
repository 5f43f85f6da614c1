/* staff_pin.c: staff PIN check with a lockout that grows and survives restarts (staff_pin.h). */
#include "staff_pin.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"

#define STATE_FILE "staff-pin.json"
#define STATE_MAX 4096

struct hall_staff_pin {
	char dir[1024];
	char path[1100];          /* "" = not kept */
	char hash[256];
	char plain[17];
	int fails;
	int64_t until_utc;        /* as saved; 0 = no lock */
	int64_t until_mono;       /* 0 = not yet converted (or no lock) */
	bool converted;
};

static void save(hall_staff_pin *p)
{
	char buf[128];
	hall_error err = {0};
	if (!p->path[0])
		return;
	int n = snprintf(buf, sizeof buf, "{\"fails\":%d,\"locked_until\":%lld}\n", p->fails, (long long)p->until_utc);
	/* The data folder may not exist yet (a first start, the link not yet up). */
	if (hall_fs_mkdirs(p->dir, &err) != HALL_OK || hall_fs_write_atomic(p->path, buf, (size_t)n, &err) != HALL_OK)
		hall_error_log("staff PIN: cannot keep the lockout in %s: %s", p->path, err.msg);
}

static void load(hall_staff_pin *p)
{
	char *text = NULL;
	size_t len = 0;
	cJSON *root = NULL;
	hall_error err = {0};
	int64_t fails = 0, until = 0;
	if (!p->path[0] || !hall_fs_exists(p->path))
		return;
	if (hall_fs_read_file(p->path, STATE_MAX, &text, &len, &err) != HALL_OK ||
	    hall_json_parse(text, len, STATE_MAX, &root, &err) != HALL_OK ||
	    hall_json_get_int(root, "", "fails", 0, 1000000, &fails, &err) != HALL_OK ||
	    hall_json_get_int(root, "", "locked_until", 0, INT64_C(1) << 53, &until, &err) != HALL_OK) {
		/* Deleting or damaging the file must not reset the count: assume the worst. */
		hall_warn("staff PIN: %s unreadable (%s: %s): keypad locked as after many wrong PINs", p->path, err.path,
		          err.msg);
		p->fails = 64;
		p->until_utc = -1; /* converted at the first check: a full lock from then */
	} else {
		p->fails = (int)fails;
		p->until_utc = until;
	}
	cJSON_Delete(root);
	free(text);
}

hall_staff_pin *hall_staff_pin_create(const char *data_dir, const char *hash, const char *plain)
{
	hall_staff_pin *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	/* crypto_pwhash needs libsodium set up; without randomness it still verifies. */
	int r = sodium_init();
	(void)r;
	if (data_dir && data_dir[0] && (snprintf(p->dir, sizeof p->dir, "%s", data_dir) >= (int)sizeof p->dir ||
	                                 hall_fs_join(p->path, sizeof p->path, data_dir, STATE_FILE) != 0))
		p->path[0] = '\0';
	snprintf(p->hash, sizeof p->hash, "%s", hash ? hash : "");
	snprintf(p->plain, sizeof p->plain, "%s", plain ? plain : "");
	load(p);
	return p;
}

void hall_staff_pin_destroy(hall_staff_pin *p)
{
	if (!p)
		return;
	sodium_memzero(p, sizeof *p);
	free(p);
}

static int64_t lock_ms(int fails)
{
	int over = fails - HALL_PIN_FREE_FAILS - 1; /* 0 at the first lock */
	int64_t ms = HALL_PIN_LOCK_FIRST_MS;
	for (int i = 0; i < over && ms < HALL_PIN_LOCK_MAX_MS; i++)
		ms *= 2;
	return ms < HALL_PIN_LOCK_MAX_MS ? ms : HALL_PIN_LOCK_MAX_MS;
}

int64_t hall_staff_pin_locked_until(hall_staff_pin *p, int64_t now_mono, int64_t now_utc)
{
	if (!p->converted) {
		/* A lock saved by an earlier run: what is left of it, on this run's clock. */
		p->converted = true;
		if (p->until_utc < 0)
			p->until_mono = now_mono + HALL_PIN_LOCK_MAX_MS;
		else if (p->until_utc > now_utc)
			p->until_mono = now_mono + (p->until_utc - now_utc > HALL_PIN_LOCK_MAX_MS ? HALL_PIN_LOCK_MAX_MS
			                                                                         : p->until_utc - now_utc);
	}
	return p->until_mono > now_mono ? p->until_mono : 0;
}

int hall_staff_pin_fails(const hall_staff_pin *p)
{
	return p->fails;
}

static bool matches(const hall_staff_pin *p, const char *entry)
{
	size_t n = strlen(entry);
	if (n == 0)
		return false;
	if (p->hash[0])
		return crypto_pwhash_str_verify(p->hash, entry, n) == 0;
	size_t m = strlen(p->plain);
	return m > 0 && m == n && sodium_memcmp(p->plain, entry, n) == 0;
}

hall_pin_result hall_staff_pin_check(hall_staff_pin *p, const char *entry, int64_t now_mono, int64_t now_utc)
{
	if (hall_staff_pin_locked_until(p, now_mono, now_utc))
		return HALL_PIN_LOCKED;
	if (matches(p, entry)) {
		if (p->fails != 0 || p->until_utc != 0) {
			p->fails = 0;
			p->until_utc = 0;
			save(p);
		}
		return HALL_PIN_OK;
	}
	p->fails++;
	if (p->fails > HALL_PIN_FREE_FAILS) {
		int64_t ms = lock_ms(p->fails);
		p->until_mono = now_mono + ms;
		p->until_utc = now_utc + ms;
		hall_warn("staff PIN: %d wrong in a row; keypad locked for %lld s", p->fails, (long long)(ms / 1000));
	}
	save(p);
	return HALL_PIN_WRONG;
}
