/* hall/spool.h: the kiosk's durable event spool (DESIGN.md decision 2).
 *
 * Every event gets a seq that rises by exactly one, across restarts, and also after every
 * event was confirmed and the files were removed. An event stays in the spool until the
 * controller confirms it (hall_spool_confirm); unconfirmed events are read back in seq order
 * for resending (hall_spool_read).
 *
 * Durability, and what the kiosk must do:
 *   - hall_spool_append() write()s the whole record before it returns, so the record
 *     survives the process being killed (kill -9, crash) at any moment after that.
 *   - hall_spool_sync() fsyncs what was appended since the last call; the kiosk calls it
 *     once per frame when it appended something ("on disk before the next frame, fsync in
 *     batches"). After it returns, the records survive a power cut.
 *   - hall_spool_read() only hands out records that hall_spool_sync() made durable. So an
 *     event is never published before it is on disk, and a seq that the controller may
 *     have seen is never issued a second time, not even after a power cut.
 *
 * On disk (directory `dir`, created if missing): segment files `seg-<first seq, 20 digits>.log`
 * holding records [magic u32][payload len u32][seq u64][crc32 u32][payload], little-endian,
 * CRC-32 (IEEE) over len, seq and payload; and `state`, written with hall_fs_write_atomic,
 * holding the confirmed seq and the highest seq that may have been published (made durable
 * or confirmed) as far as known at the last confirm or recovery. hall_spool_open() checks
 * every record. A torn tail (power cut during an unsynced write: the last record's header
 * or a part of it made it, its body did not) is cut off with a warning; it holds only
 * records hall_spool_read never handed out, so its seq is given to the next event again
 * (seq rises by exactly one per event, with no gap). A corrupt record (bad magic, length,
 * CRC or seq; also a whole last record whose CRC fails) is cut out with an error log
 * naming the file, offset and the seqs lost; the records after it that still validate are
 * moved to a segment file of their own, so only the damaged ones are lost. No seq named by a
 * damaged record's header or seen in any valid record is ever issued again: a loss shows
 * as a gap at the controller, never as a silently repeated seq.
 *
 * Bound: the segment files together never exceed max_bytes. At 80 % a warning is logged
 * (once, again after the spool went below 70 %).
 *
 * When an event cannot be written (the bound is reached, or the disk is full: DESIGN.md
 * decision 9), it is not lost at once: it gets its seq and is held in memory, and so is
 * every event after it, up to a bound (hall_spool_set_hold, 1 MiB by default); they are
 * written in seq order, before anything newer, as soon as writing works again (at the
 * next append, sync or confirm). Held records are not durable and are never handed out
 * by hall_spool_read. An event that finds the hold at its bound is refused (HALL_ERR_FULL
 * or HALL_ERR_IO, no seq used) and counted in `unrecorded`, which the state file keeps
 * for the spool's whole life. Held records count there too until they are written: a
 * process that dies holding them loses them (their seqs, never published, are issued
 * again), and the count is their trace. hall_spool_last_error() says why writing fails
 * until it works again. Nothing is ever dropped silently.
 *
 * Space is reserved ahead: the tail segment's blocks are allocated (fallocate, KEEP_SIZE)
 * up to 256 KiB (at most a segment) beyond its end, in steps, so a disk that another
 * program fills still takes that much of events; and a 16 KiB file `reserve` is deleted
 * to make room when the state cannot be written for want of space (confirms and the
 * count must reach the disk), and made again once writing works.
 *
 * Threads: a spool belongs to one thread (the kiosk's main thread); no locking inside.
 * Ownership: hall_spool_open() gives a spool the caller closes with hall_spool_close().
 * Payloads are copied in; hall_spool_read() lends each payload to the callback until it
 * returns. */
#ifndef HALL_SPOOL_H
#define HALL_SPOOL_H

#include <stddef.h>
#include <stdint.h>
#include "hall/err.h"

typedef struct hall_spool hall_spool;

/* Largest payload one record holds (a batch of events is split by the caller long before). */
#define HALL_SPOOL_MAX_RECORD (1024u * 1024u)
/* Smallest max_bytes accepted. */
#define HALL_SPOOL_MIN_BYTES (16u * 1024u)
/* Bytes a record takes on disk besides its payload. */
#define HALL_SPOOL_RECORD_OVERHEAD 20u

typedef struct hall_spool_stats {
	int64_t seq_max;       /* highest seq issued (0 = none ever) */
	int64_t confirmed;     /* highest seq confirmed (everything <= it is gone) */
	int64_t first;         /* lowest unconfirmed seq held; seq_max + 1 when none (protocol's spool_first) */
	int64_t durable;       /* highest seq made durable by hall_spool_sync (<= seq_max) */
	uint64_t count;        /* unconfirmed records held */
	uint64_t bytes;        /* bytes of segment files on disk (what max_bytes bounds) */
	uint64_t max_bytes;
	size_t held;           /* records held in memory, not yet written (included in count) */
	int64_t unrecorded;    /* events refused for good over the spool's whole life (persisted) */
} hall_spool_stats;

/* Open (or create) the spool in `dir` and recover its state, cutting off a torn tail (see
 * above). max_bytes >= HALL_SPOOL_MIN_BYTES. HALL_ERR_IO with the path and reason when the
 * directory cannot be used; HALL_ERR_INVALID for a bad max_bytes. A spool already over
 * max_bytes (the bound was lowered) opens, and refuses appends until confirms free room. */
hall_err hall_spool_open(const char *dir, uint64_t max_bytes, hall_spool **out, hall_error *err);
/* Close the files and free the spool (fsyncs first, as hall_spool_sync does). NULL is fine. */
void hall_spool_close(hall_spool *sp);

/* The seq the next append will receive (seq_max + 1). Lets the caller build the event JSON
 * with its seq before appending it; the spool is single-threaded, so nothing can take that
 * seq in between. */
int64_t hall_spool_next_seq(const hall_spool *sp);

/* Append one record; on success *seq (optional) is the seq it got, always
 * hall_spool_next_seq() as it was before the call: the record is written, or held in
 * memory when writing fails (see above). HALL_ERR_FULL (at the bound) or HALL_ERR_IO (the
 * write failed) when it could be neither: the event is counted as unrecorded and its seq
 * is not used. HALL_ERR_TOO_BIG for len > HALL_SPOOL_MAX_RECORD or len == 0. */
hall_err hall_spool_append(hall_spool *sp, const void *data, size_t len, int64_t *seq, hall_error *err);

/* Append a record whose payload is built for its seq: build(ctx, seq, &data, &len) returns
 * 0 and a malloc'd payload that the spool frees, or non-zero to cancel (HALL_ERR_INVALID,
 * nothing written, no seq used). */
typedef int (*hall_spool_build_fn)(void *ctx, int64_t seq, void **data, size_t *len);
hall_err hall_spool_append_build(hall_spool *sp, hall_spool_build_fn build, void *ctx, int64_t *seq,
                                 hall_error *err);

/* Write held records when writing works again, then fsync what was appended since the
 * last call (segment files and, after a new segment was made, the directory), and persist
 * the unrecorded count when it changed. Cheap when nothing was appended or held: a caller
 * holding records (stats.held) calls it now and then even without new events. */
hall_err hall_spool_sync(hall_spool *sp, hall_error *err);

/* Drop every record with seq <= `seq`: whole segments are deleted, the confirmed seq is
 * persisted atomically first. A seq at or below the confirmed one is a no-op; a seq above
 * seq_max is clamped to seq_max (logged: the controller confirmed what was never issued). */
hall_err hall_spool_confirm(hall_spool *sp, int64_t seq, hall_error *err);

/* The controller already holds this kiosk's events up to `seq`, above seq_max: the spool
 * was lost (a wiped data directory) and the seq started again at 1. Moves the counter so
 * the next append gets seq + 1, and gives every unconfirmed record (whose seq would
 * repeat a stored one and be counted as a repeat) a new seq above `seq`, in the same
 * order: rebuild(ctx, payload, len, new_seq, &data, &data_len) returns 0 and a malloc'd
 * payload for the new seq (the spool frees it), non-zero to drop that record (logged).
 * The new state is persisted before it returns. *moved (optional) counts the records
 * renumbered. No-op when seq <= seq_max. A crash inside the call may lose the records
 * being moved (they would have been counted as repeats anyway), never renumber twice. */
typedef int (*hall_spool_rebuild_fn)(void *ctx, const void *data, size_t len, int64_t new_seq, void **out,
                                     size_t *out_len);
hall_err hall_spool_skip_past(hall_spool *sp, int64_t seq, hall_spool_rebuild_fn rebuild, void *ctx,
                              size_t *moved, hall_error *err);

/* Read durable unconfirmed records with seq >= from_seq in seq order, at most max_records
 * of them and, after the first, at most max_bytes payload bytes in all (0 = no limit for
 * either). cb returns 0 to go on, non-zero to stop early. *n_read (optional) counts the
 * records handed to cb. A record whose CRC no longer matches (the disk changed under us)
 * stops the read with HALL_ERR_IO. */
typedef int (*hall_spool_read_fn)(void *ctx, int64_t seq, const void *data, size_t len);
hall_err hall_spool_read(hall_spool *sp, int64_t from_seq, size_t max_records, size_t max_bytes,
                         hall_spool_read_fn cb, void *ctx, size_t *n_read, hall_error *err);

void hall_spool_get_stats(const hall_spool *sp, hall_spool_stats *out);

/* Why writing fails now (one line, with the path or the reason), "" while it works.
 * Borrowed until the next call on sp. */
const char *hall_spool_last_error(const hall_spool *sp);

/* At most max_bytes of payload held in memory while writing fails (default 1 MiB). */
void hall_spool_set_hold(hall_spool *sp, uint64_t max_bytes);

/* CRC-32 (IEEE 802.3, as zlib's crc32), exposed for tests and tools. */
uint32_t hall_spool_crc32(uint32_t crc, const void *data, size_t len);

#endif
