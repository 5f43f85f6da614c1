/* kiosk/memtune.h: the kiosk process's malloc settings (glibc), one place for hall-kiosk
 * and for bench/propagation's simulated kiosks, which must allocate as a kiosk does. */
#ifndef HALL_KIOSK_MEMTUNE_H
#define HALL_KIOSK_MEMTUNE_H

/* Call once at start, before threads. A no-op where mallopt is not glibc's. */
void hall_kiosk_tune_malloc(void);

#endif
