/* kiosk/staff_pin.h: the staff PIN that lets staff leave the kiosk (no SDL).
 *
 * The PIN is checked against the config's staff_pin_hash (Argon2id, crypto_pwhash_str as
 * `hall-controller kiosk add` writes it; crypto_pwhash_str_verify) or, in the development
 * profile only, its plain staff_pin. Wrong PINs lock the keypad, longer with each failure:
 * the first HALL_PIN_FREE_FAILS in a row are free, the next one locks for
 * HALL_PIN_LOCK_FIRST_MS, and every further wrong PIN after a lock doubles it, up to
 * HALL_PIN_LOCK_MAX_MS. The count and the end of the lock are kept in
 * <data_dir>/staff-pin.json (written atomically after every failure and after the right
 * PIN), so a restart (or pulling the plug) does not give an attacker new tries. The lock's
 * end is stored in UTC ms; inside the process it runs on the caller's monotonic clock.
 *
 * Threads: main thread only. Ownership: hall_staff_pin_create / _destroy. A verify costs
 * one Argon2id hash (tens of ms and the hash's memory): only on the staff keypad's OK. */
#ifndef HALL_KIOSK_STAFF_PIN_H
#define HALL_KIOSK_STAFF_PIN_H

#include <stdint.h>

#define HALL_PIN_FREE_FAILS 4
#define HALL_PIN_LOCK_FIRST_MS 60000
#define HALL_PIN_LOCK_MAX_MS (60 * 60000)

typedef struct hall_staff_pin hall_staff_pin;

typedef enum hall_pin_result { HALL_PIN_OK, HALL_PIN_WRONG, HALL_PIN_LOCKED } hall_pin_result;

/* data_dir: where staff-pin.json lives ("" = nowhere: the lock lasts for the process only).
 * hash: staff_pin_hash ("" = none); plain: staff_pin, used only when hash is "". Reads
 * the saved state (a damaged file counts as one lock of the longest kind: the safe side).
 * NULL only when out of memory. */
hall_staff_pin *hall_staff_pin_create(const char *data_dir, const char *hash, const char *plain);
void hall_staff_pin_destroy(hall_staff_pin *p);

/* Check an entry: LOCKED (not checked, not counted) while a lock runs, else OK (the count
 * goes back to 0) or WRONG (counted, maybe locking). now_mono: the caller's clock; now_utc:
 * hall_clock_now_ms(). */
hall_pin_result hall_staff_pin_check(hall_staff_pin *p, const char *entry, int64_t now_mono, int64_t now_utc);

/* The monotonic ms the running lock ends (0 = none). */
int64_t hall_staff_pin_locked_until(hall_staff_pin *p, int64_t now_mono, int64_t now_utc);

/* Wrong PINs in a row so far (for logs and tests). */
int hall_staff_pin_fails(const hall_staff_pin *p);

#endif
