/* test_staff_pin.c: the staff PIN (kiosk/staff_pin.h): Argon2id hash from the config, a
 * lockout that grows with each wrong PIN and survives a restart on the same data folder. */
/* links: hallkiosk */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "hall/fsutil.h"
#include "staff_pin.h"

/* crypto_pwhash_str of "4321" (Argon2id), as hall-controller kiosk add stores it. */
#define HASH_4321 "$argon2id$v=19$m=65536,t=2,p=1$l9cn+nwigLg4P4yrB9/SOA$fCCqsRZUk4eQOzkls34Jfp1VYMZD4mLXl+5UyFE4aOg"
#define T0 INT64_C(1796600000000) /* UTC ms */

typedef struct fx {
	char dir[512];
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	hall_test_tmpdir(f->dir, sizeof f->dir, "pin");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	hall_test_rmtree(f->dir);
	free(f);
	return 0;
}

static void hash_should_accept_the_pin_and_refuse_others(void **state)
{
	fx *f = *state;
	hall_staff_pin *p = hall_staff_pin_create(f->dir, HASH_4321, "");
	assert_non_null(p);
	assert_int_equal(hall_staff_pin_check(p, "1234", 1000, T0), HALL_PIN_WRONG);
	assert_int_equal(hall_staff_pin_check(p, "4321", 2000, T0), HALL_PIN_OK);
	assert_int_equal(hall_staff_pin_fails(p), 0);
	/* With a hash, the development profile's plain PIN is not a way in. */
	hall_staff_pin_destroy(p);
	p = hall_staff_pin_create(f->dir, HASH_4321, "2580");
	assert_int_equal(hall_staff_pin_check(p, "2580", 3000, T0), HALL_PIN_WRONG);
	hall_staff_pin_destroy(p);
}

static void lockout_should_survive_a_restart_and_grow(void **state)
{
	fx *f = *state;
	hall_staff_pin *p = hall_staff_pin_create(f->dir, HASH_4321, "");
	int64_t mono = 5000;
	for (int i = 0; i < HALL_PIN_FREE_FAILS + 1; i++)
		assert_int_equal(hall_staff_pin_check(p, "0000", mono, T0), HALL_PIN_WRONG);
	assert_int_equal(hall_staff_pin_check(p, "4321", mono, T0), HALL_PIN_LOCKED);
	hall_staff_pin_destroy(p);

	/* Restart 10 s later (a new process: its monotonic clock starts anew): still locked,
	 * for what is left of the minute, even for the right PIN. */
	p = hall_staff_pin_create(f->dir, HASH_4321, "");
	assert_int_equal(hall_staff_pin_check(p, "4321", 100, T0 + 10000), HALL_PIN_LOCKED);
	assert_int_equal(hall_staff_pin_locked_until(p, 100, T0 + 10000), 100 + HALL_PIN_LOCK_FIRST_MS - 10000);
	assert_int_equal(hall_staff_pin_fails(p), HALL_PIN_FREE_FAILS + 1);
	/* After the lock: one more wrong PIN locks twice as long. */
	int64_t after = 100 + HALL_PIN_LOCK_FIRST_MS;
	assert_int_equal(hall_staff_pin_check(p, "0000", after, T0 + 70000), HALL_PIN_WRONG);
	assert_int_equal(hall_staff_pin_locked_until(p, after, T0 + 70000), after + 2 * HALL_PIN_LOCK_FIRST_MS);
	hall_staff_pin_destroy(p);

	/* Restarted again: the doubled lock holds; once over, the right PIN opens and resets. */
	p = hall_staff_pin_create(f->dir, HASH_4321, "");
	assert_int_equal(hall_staff_pin_check(p, "4321", 50, T0 + 80000), HALL_PIN_LOCKED);
	assert_int_equal(hall_staff_pin_check(p, "4321", 50 + 2 * HALL_PIN_LOCK_FIRST_MS, T0 + 80000 + 2 * HALL_PIN_LOCK_FIRST_MS),
	                 HALL_PIN_OK);
	hall_staff_pin_destroy(p);
	p = hall_staff_pin_create(f->dir, HASH_4321, "");
	assert_int_equal(hall_staff_pin_fails(p), 0);
	assert_int_equal(hall_staff_pin_locked_until(p, 10, T0 + 500000), 0);
	hall_staff_pin_destroy(p);
}

static void damaged_state_file_should_lock_rather_than_reset(void **state)
{
	fx *f = *state;
	char path[700];
	hall_error err = {0};
	snprintf(path, sizeof path, "%s/staff-pin.json", f->dir);
	assert_int_equal(hall_fs_write_atomic(path, "{\"fails\":", 9, &err), HALL_OK);
	hall_staff_pin *p = hall_staff_pin_create(f->dir, HASH_4321, "");
	assert_int_equal(hall_staff_pin_check(p, "4321", 10, T0), HALL_PIN_LOCKED);
	hall_staff_pin_destroy(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hash_should_accept_the_pin_and_refuse_others, setup, teardown),
		cmocka_unit_test_setup_teardown(lockout_should_survive_a_restart_and_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_state_file_should_lock_rather_than_reset, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
