/* memtune.c: see memtune.h. Two kinds of short-lived buffers pass through a kiosk:
 * pixel buffers (decoded images, rasterised text: 100 KB to 8 MB) and asset chunks
 * (64 KiB each, a copy per chunk from the MQTT thread's queue). */
#include "memtune.h"

#include <malloc.h>

void hall_kiosk_tune_malloc(void)
{
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD) && defined(M_TOP_PAD)
	/* Pixel buffers always come from mmap and go back on free: with glibc's adaptive
	 * threshold they moved into the heap after the first free and stayed resident
	 * (about 30 MB; BENCHMARKS.md, kiosk tour). */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* Fixing the mmap threshold also fixes the trim threshold at 128 KiB, so the heap
	 * shrank after nearly every freed chunk and the next chunk faulted its pages in again
	 * (a fault per 4 KiB). Keeping up to 2 MiB free at the heap's top, and growing it by
	 * 512 KiB at a time, lets a stream of chunks reuse the same pages: bench/propagation,
	 * N=200, p99 0.67-0.93 s against 0.88-1.17 s (BENCHMARKS.md). */
	mallopt(M_TRIM_THRESHOLD, 2 * 1024 * 1024);
	mallopt(M_TOP_PAD, 512 * 1024);
#endif
}
