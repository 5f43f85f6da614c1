/* spool.c: the kiosk's durable event spool (see hall/spool.h for the contract).
 *
 * Layout. Records live in segment files named after the seq of their first record; inside
 * one segment the seqs are consecutive, so a record's seq is `first + index` and the
 * in-memory index holds only offsets. Between segments there may be a gap: only after
 * recovery cut off a corrupt record (those seqs are lost, logged, and never issued again),
 * after which the next append starts a new segment.
 *
 * Why segments: confirming deletes whole files (no rewriting), and an append is one
 * write() to the end of one file. The bound counts segment bytes on disk, including
 * confirmed records in a partly confirmed segment; a segment holds at most seg_bytes
 * (1/16 of max_bytes, 4 KiB..4 MiB) so that overhead stays small.
 *
 * Why the state file: once every record is confirmed and its files deleted, nothing else
 * would remember how far the seqs went. It is rewritten atomically on every confirm and
 * after a recovery that cut records, and remembers only seqs that may have been published
 * (see write_state).
 *
 * What may be published: only whole records that were fsynced. hall_spool_read hands out
 * nothing above `durable`, which only hall_spool_sync (after fdatasync) and recovery
 * (after it fsynced or cut every segment) move. So a record torn by a power cut was never
 * sent, and recovery gives its seq to the next event; a record that was whole on disk but
 * is damaged later may have been sent, and its seq is never issued again. */
#define _GNU_SOURCE /* fallocate(2) with FALLOC_FL_KEEP_SIZE: reserving without growing the file */
#include "hall/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hall/fsutil.h"
#include "hall/log.h"

#define REC_MAGIC 0x4c4f4f53u /* "SOOL" little-endian: "SOOL" reads as spool-ish in a hexdump */
#define HDR HALL_SPOOL_RECORD_OVERHEAD
#define SEG_MIN (4u * 1024u)
#define SEG_MAX (4u * 1024u * 1024u)
#define SEG_FILE_MAX ((uint64_t)SEG_MAX + HALL_SPOOL_MAX_RECORD + HDR)
#define STATE_NAME "state"
#define STATE_MAX 4096
/* Space reserved ahead of the tail segment's end, in steps (fallocate, KEEP_SIZE): records
 * written into it need no new blocks, so a disk filled by somebody else still takes this
 * much of events. At most a quarter of seg_bytes. The next segment is reserved the same
 * way (SPARE_NAME) once the tail is half full, so the runway does not end at a segment's
 * end, and the tail is kept when everything in it is confirmed (deleting it would give
 * its reservation back). */
#define RESERVE_STEP (256u * 1024u)
#define SPARE_NAME "spare"
/* A file kept only to be deleted when the state cannot be written for want of space: the
 * state (confirms, the unrecorded count) must still go to disk then. */
#define RESERVE_NAME "reserve"
#define RESERVE_BYTES (16u * 1024u)
#define HOLD_DEFAULT (1024u * 1024u)

typedef struct seg {
	int64_t first;   /* seq of its first record (from the file name) */
	uint64_t size;   /* bytes in the file */
	uint64_t reserved; /* allocated up to here (fallocate KEEP_SIZE); tail segment only */
	uint32_t *offs;  /* offset of each record */
	size_t n, cap;
} seg;

struct hall_spool {
	char *dir;
	uint64_t max_bytes, seg_bytes, bytes;
	seg *segs;
	size_t nsegs, capsegs;
	int tail_fd;         /* open on segs[nsegs-1], or -1 */
	int64_t confirmed;   /* everything <= is gone */
	int64_t seq_max;     /* highest seq issued */
	int64_t durable;     /* highest seq fsynced */
	bool dirty;          /* appended since the last sync */
	bool dir_dirty;      /* a segment was created since the last sync */
	bool warned;         /* the 80 % warning was logged */
	bool reserve_warned; /* "cannot reserve" was logged (again after it worked) */
	bool spare_ok;       /* SPARE_NAME holds a reserved, empty next segment */
	/* Records that got their seq but could not be written yet (disk full, or the spool at
	 * its bound): written in order, before anything newer, as soon as writing works. */
	struct held_rec *hold;
	size_t hold_n, hold_cap;
	uint64_t hold_bytes, hold_max;
	int64_t unrecorded;       /* events refused for good, ever (persisted in the state) */
	int64_t state_unrecorded; /* what the state file says: unrecorded + hold_n at its write */
	char last_error[256];     /* why writing fails now; "" when it works */
	char fail_why[200];       /* the failure that started the hold */
};

typedef struct held_rec {
	void *data;
	size_t len;
} held_rec;

/* Highest seq written to disk (the held ones come after it). */
static int64_t disk_max(const hall_spool *sp)
{
	return sp->seq_max - (int64_t)sp->hold_n;
}

/* ---- CRC-32 (IEEE, reflected, as zlib) ---- */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	uint32_t i, k;
	for (i = 0; i < 256; i++) {
		uint32_t c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t hall_spool_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xffu] ^ (crc >> 8);
	return ~crc;
}

/* ---- little-endian fields ---- */

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* CRC over len, seq and payload: a record moved to another seq, or with a torn length,
 * does not validate. */
static uint32_t rec_crc(const unsigned char *hdr, const void *payload, size_t len)
{
	uint32_t c = hall_spool_crc32(0, hdr + 4, 12);
	return hall_spool_crc32(c, payload, len);
}

/* Header at p (HDR bytes) followed by `avail` more bytes: the record's payload length when
 * it is whole and valid for `seq` (seq < 0: any seq, reported in *seq_out), else -1. */
static long rec_check(const unsigned char *p, size_t avail, int64_t seq, int64_t *seq_out)
{
	uint32_t len = get32(p + 4);
	uint64_t s = get64(p + 8);
	if (get32(p) != REC_MAGIC || len == 0 || len > HALL_SPOOL_MAX_RECORD || len > avail)
		return -1;
	if (s > (uint64_t)INT64_MAX || (seq >= 0 && (int64_t)s != seq))
		return -1;
	if (rec_crc(p, p + HDR, len) != get32(p + 16))
		return -1;
	if (seq_out)
		*seq_out = (int64_t)s;
	return (long)len;
}

/* ---- helpers ---- */

/* Make room for one more element in *v (n used of *cap, elem bytes each): doubles, from
 * `first`. -1 on out-of-memory (*v unchanged). */
static int grow(void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
	void **pv = v;
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : first;
	void *nv = realloc(*pv, c * elem);
	if (!nv)
		return -1;
	*pv = nv;
	*cap = c;
	return 0;
}

static void seg_path(const hall_spool *sp, char *out, size_t len, int64_t first)
{
	snprintf(out, len, "%s/seg-%020" PRId64 ".log", sp->dir, first);
}

static int64_t seg_last(const seg *g)
{
	return g->first + (int64_t)g->n - 1;
}

static hall_err seg_push_off(seg *g, uint64_t off)
{
	if (grow(&g->offs, g->n, &g->cap, sizeof *g->offs, 64) != 0)
		return HALL_ERR_NOMEM;
	g->offs[g->n++] = (uint32_t)off;
	return HALL_OK;
}

static hall_err write_all(int fd, const void *buf, size_t len, uint64_t off)
{
	const unsigned char *p = buf;
	while (len > 0) {
		ssize_t w = pwrite(fd, p, len, (off_t)off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return HALL_ERR_IO;
		}
		p += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return HALL_OK;
}

static hall_err read_all(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	while (len > 0) {
		ssize_t r = pread(fd, p, len, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return HALL_ERR_IO;
		p += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return HALL_OK;
}

static hall_err sync_dir(hall_spool *sp, hall_error *err)
{
	int fd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc, e;
	if (fd < 0)
		return hall_error_set(err, HALL_ERR_IO, sp->dir, "cannot open the spool directory: %s", strerror(errno));
	rc = fsync(fd);
	e = errno;
	close(fd);
	if (rc != 0 && e != EINVAL)
		return hall_error_set(err, HALL_ERR_IO, sp->dir, "fsync of the spool directory failed: %s", strerror(e));
	return HALL_OK;
}

/* The state's seq_max is the highest seq that may have been published: the durable one
 * (hall_spool_read hands out nothing above it), or the confirmed one when that is higher.
 * Not sp->seq_max: a record appended but not yet fsynced may still be lost in a power
 * cut, and its seq, never sent, must then be issued again. */
static hall_err write_state(hall_spool *sp, hall_error *err)
{
	char path[4096], rpath[4096], buf[160];
	int64_t published = sp->durable > sp->confirmed ? sp->durable : sp->confirmed;
	/* Held records count as unrecorded here: if the process dies before they are written,
	 * they are lost (never published: their seqs are issued again), and this count is
	 * their only trace. Once they are written, the next state write lowers it. */
	int64_t unrec = sp->unrecorded + (int64_t)sp->hold_n;
	int n = snprintf(buf, sizeof buf, "hall-spool 1\nconfirmed %" PRId64 "\nseq_max %" PRId64 "\n", sp->confirmed,
	                 published);
	/* The line only when there is something to say: an older kiosk reads the file then. */
	if (unrec > 0)
		n += snprintf(buf + n, sizeof buf - (size_t)n, "unrecorded %" PRId64 "\n", unrec);
	hall_fs_join(path, sizeof path, sp->dir, STATE_NAME);
	hall_err e = hall_fs_write_atomic(path, buf, (size_t)n, err);
	hall_fs_join(rpath, sizeof rpath, sp->dir, RESERVE_NAME);
	if (e == HALL_ERR_IO && unlink(rpath) == 0) {
		hall_warn("spool: %s: no room to write the state: the %u bytes kept in reserve for it are used", path,
		          RESERVE_BYTES);
		e = hall_fs_write_atomic(path, buf, (size_t)n, err);
	}
	if (e == HALL_OK)
		sp->state_unrecorded = unrec;
	return e;
}

/* Keep RESERVE_NAME in place (see write_state); quiet when there is no room for it yet. */
static void keep_reserve(hall_spool *sp)
{
	char path[4096];
	struct stat st;
	hall_fs_join(path, sizeof path, sp->dir, RESERVE_NAME);
	if (stat(path, &st) == 0 && (uint64_t)st.st_size >= RESERVE_BYTES)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	int rc = posix_fallocate(fd, 0, RESERVE_BYTES);
	if (rc == EOPNOTSUPP || rc == EINVAL) {
		/* a file system without fallocate: real bytes do the same */
		static const char zero[4096];
		rc = 0;
		for (uint64_t off = 0; off < RESERVE_BYTES && rc == 0; off += sizeof zero)
			rc = write_all(fd, zero, sizeof zero, off) == HALL_OK ? 0 : errno;
	}
	if (rc == 0)
		rc = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	if (rc != 0)
		unlink(path); /* no room: a partial reserve would only mislead */
}

static int parse_field(const char **p, const char *name, int64_t *out)
{
	size_t nl = strlen(name);
	char *end;
	long long v;
	if (strncmp(*p, name, nl) != 0 || (*p)[nl] != ' ')
		return -1;
	errno = 0;
	v = strtoll(*p + nl + 1, &end, 10);
	if (errno || end == *p + nl + 1 || *end != '\n' || v < 0)
		return -1;
	*out = v;
	*p = end + 1;
	return 0;
}

/* Read the state file: 1 when read, 0 when absent, -1 when unreadable or malformed. */
static int read_state(hall_spool *sp, int64_t *confirmed, int64_t *seq_max, int64_t *unrecorded)
{
	char path[4096];
	char *data = NULL;
	size_t len = 0;
	hall_error e = {0};
	const char *p;
	int r = -1;
	hall_fs_join(path, sizeof path, sp->dir, STATE_NAME);
	if (!hall_fs_exists(path))
		return 0;
	if (hall_fs_read_file(path, STATE_MAX, &data, &len, &e) != HALL_OK)
		goto done;
	p = data;
	if (strncmp(p, "hall-spool 1\n", 13) != 0)
		goto done;
	p += 13;
	if (parse_field(&p, "confirmed", confirmed) != 0 || parse_field(&p, "seq_max", seq_max) != 0 ||
	    *confirmed > *seq_max || (*p != '\0' && parse_field(&p, "unrecorded", unrecorded) != 0) || *p != '\0')
		goto done;
	r = 1;
done:
	if (r < 0)
		hall_error_log("spool: %s is unreadable or malformed%s%s; recovering from the segment files", path,
		               e.msg[0] ? ": " : "", e.msg);
	free(data);
	return r;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Seqs of the segment files in dir, sorted; also removes stale state temp files. */
static hall_err list_segments(hall_spool *sp, int64_t **out, size_t *n_out, hall_error *err)
{
	DIR *d = opendir(sp->dir);
	struct dirent *de;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	hall_err e = HALL_OK;

	*out = NULL;
	*n_out = 0;
	if (!d)
		return hall_error_set(err, HALL_ERR_IO, sp->dir, "cannot read the spool directory: %s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		char *end;
		long long first;
		if (strncmp(name, STATE_NAME ".tmp.", sizeof STATE_NAME ".tmp." - 1) == 0) {
			char path[4096];
			hall_fs_join(path, sizeof path, sp->dir, name);
			unlink(path); /* a state write cut short; the state file itself is intact */
			continue;
		}
		if (strlen(name) != 28 || strncmp(name, "seg-", 4) != 0 || strcmp(name + 24, ".log") != 0)
			continue;
		errno = 0;
		first = strtoll(name + 4, &end, 10);
		if (errno || end != name + 24 || first < 1)
			continue;
		if (n == cap) {
			size_t c = cap ? cap * 2 : 16;
			int64_t *nv = realloc(v, c * sizeof *nv);
			if (!nv) {
				e = hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
				goto done;
			}
			v = nv;
			cap = c;
		}
		v[n++] = first;
	}
	if (n > 1)
		qsort(v, n, sizeof *v, cmp_i64);
	*out = v;
	*n_out = n;
	v = NULL;
done:
	closedir(d);
	free(v);
	return e;
}

static void seg_free(seg *g)
{
	free(g->offs);
	memset(g, 0, sizeof *g);
}

static void close_tail(hall_spool *sp)
{
	if (sp->tail_fd >= 0)
		close(sp->tail_fd);
	sp->tail_fd = -1;
}

/* Remove segment i from the array (the caller deleted or will delete the file). */
static void drop_seg(hall_spool *sp, size_t i)
{
	if (i == sp->nsegs - 1)
		close_tail(sp);
	sp->bytes -= sp->segs[i].size;
	seg_free(&sp->segs[i]);
	memmove(&sp->segs[i], &sp->segs[i + 1], (sp->nsegs - i - 1) * sizeof *sp->segs);
	sp->nsegs--;
}

static hall_err push_seg(hall_spool *sp, seg *g, const char *path, hall_error *err)
{
	if (grow(&sp->segs, sp->nsegs, &sp->capsegs, sizeof *sp->segs, 16) != 0)
		return hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
	sp->segs[sp->nsegs++] = *g;
	sp->bytes += g->size;
	memset(g, 0, sizeof *g);
	return HALL_OK;
}

/* Load one segment file: index its valid records and cut off a torn or corrupt tail.
 *
 * After a corrupt record (the disk changed bytes: not a torn write, since whole records
 * follow it) the records behind it that still validate are moved to a segment file of
 * their own, named after their first seq, and loaded in turn; only the corrupt records
 * are lost. The new file is written (atomically) before the old one is cut, so a crash in
 * between repeats the same steps at the next open. *max_seen is raised to the highest seq
 * seen in any valid record behind the cut: those seqs were issued and may have been sent,
 * so they are never issued again. next_first bounds what may be moved (the next segment). */
static hall_err load_segment(hall_spool *sp, int64_t first, int64_t next_first, int depth, int64_t *max_seen,
                             bool *cut, hall_error *err)
{
	char path[4096];
	unsigned char *buf = NULL;
	struct stat st;
	uint64_t off = 0, size, p, move_at = 0;
	int64_t move_seq = 0;
	int fd = -1;
	hall_err e = HALL_OK;
	seg g;

	memset(&g, 0, sizeof g);
	g.first = first;
	seg_path(sp, path, sizeof path, first);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		e = hall_error_set(err, HALL_ERR_IO, path, "cannot open spool segment: %s", strerror(errno));
		goto done;
	}
	size = (uint64_t)st.st_size;
	/* No segment we write is larger (seg_bytes plus one record); anything beyond is not
	 * ours and is cut off below like any other garbage, without reading it all in. */
	if (size > SEG_FILE_MAX)
		size = SEG_FILE_MAX;
	if (size > 0) {
		buf = malloc(size);
		if (!buf) {
			e = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory reading %" PRIu64 " bytes", size);
			goto done;
		}
		if (read_all(fd, buf, size, 0) != HALL_OK) {
			e = hall_error_set(err, HALL_ERR_IO, path, "cannot read spool segment: %s", strerror(errno));
			goto done;
		}
	}
	while (off + HDR <= size) {
		long len = rec_check(buf + off, size - off - HDR, first + (int64_t)g.n, NULL);
		if (len < 0)
			break;
		if (seg_push_off(&g, off) != HALL_OK) {
			e = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
			goto done;
		}
		off += HDR + (uint64_t)len;
	}
	if (off < (uint64_t)st.st_size) {
		int64_t lost_hi = seg_last(&g), sq;
		bool torn = false;
		/* A bad record whose header still names the next seq: that seq was being issued.
		 * - Torn: its header is whole but its body runs past the end of the file (a power
		 *   cut during a write that was never fsynced). hall_spool_read hands out only
		 *   records up to `durable`, i.e. ones hall_spool_sync (or this recovery) fdatasync'd
		 *   whole, and a record that was fsynced whole is never shortened afterwards; so
		 *   this one was never published and its seq is issued again (seq rises by exactly
		 *   one per event). Decided only when nothing valid follows it (checked below).
		 * - Whole but failing its CRC (or any other damage): the disk changed it after it
		 *   may have been sent, so the seq is skipped: a gap is visible to the controller,
		 *   a reused seq would be dropped there as a repeat without a word. */
		if (off + HDR <= size && get32(buf + off) == REC_MAGIC && get64(buf + off + 8) == (uint64_t)(seg_last(&g) + 1)) {
			uint32_t tlen = get32(buf + off + 4);
			lost_hi = seg_last(&g) + 1;
			/* Only in the last segment file: behind it no later seq exists yet. */
			torn = next_first == INT64_MAX && tlen > 0 && tlen <= HALL_SPOOL_MAX_RECORD &&
			       off + HDR + tlen > (uint64_t)st.st_size;
		}
		for (p = off + 1; p + HDR <= size; p++) {
			if (get32(buf + p) != REC_MAGIC || rec_check(buf + p, size - p - HDR, -1, &sq) < 0)
				continue;
			torn = false; /* a valid record behind it: its length was damaged, not torn */
			if (sq > lost_hi)
				lost_hi = sq;
			if (!move_at && sq > seg_last(&g) && sq < next_first)
				move_at = p, move_seq = sq;
		}
		if (torn)
			lost_hi = seg_last(&g); /* never published: its seq is issued again */
		if (!move_at) {
			/* Records of the next segment file may be copies of ours (a move cut short). */
			int64_t hi = lost_hi < next_first ? lost_hi : next_first - 1;
			if (hi > seg_last(&g))
				hall_warn("spool: %s: damaged or torn record of seq %" PRId64 " at offset %" PRIu64
				          " cut off (%" PRIu64 " bytes); seqs up to %" PRId64 " will not be reused",
				          path, seg_last(&g) + 1, off, (uint64_t)st.st_size - off, hi);
			else
				hall_warn("spool: %s: torn record at offset %" PRIu64 " (%" PRIu64
				          " bytes, never fully written, never sent) cut off; last whole seq %" PRId64
				          ", the next event gets seq %" PRId64 " again",
				          path, off, (uint64_t)st.st_size - off, seg_last(&g), seg_last(&g) + 1);
		} else if (depth < 64) {
			char npath[4096];
			seg_path(sp, npath, sizeof npath, move_seq);
			hall_error_log("spool: %s: corrupt record at offset %" PRIu64 "; seqs %" PRId64 "..%" PRId64
			               " are lost, the records from %" PRId64 " on are kept in %s",
			               path, off, seg_last(&g) + 1, move_seq - 1, move_seq, npath);
			e = hall_fs_write_atomic(npath, buf + move_at, (size_t)(size - move_at), err);
			if (e != HALL_OK)
				goto done;
		} else {
			move_at = 0;
			hall_error_log("spool: %s: corrupt record at offset %" PRIu64 "; seqs %" PRId64 "..%" PRId64
			               " are lost and will not be reused",
			               path, off, seg_last(&g) + 1, lost_hi < next_first ? lost_hi : next_first - 1);
		}
		if (lost_hi > *max_seen)
			*max_seen = lost_hi;
		if (ftruncate(fd, (off_t)off) != 0 || fsync(fd) != 0) {
			e = hall_error_set(err, HALL_ERR_IO, path, "cannot cut off the torn tail: %s", strerror(errno));
			goto done;
		}
		*cut = true;
		size = off;
	} else if (size > 0 && fdatasync(fd) != 0) {
		/* What a killed process wrote is in the page cache: make it durable now, so that
		 * hall_spool_read may hand it out. */
		e = hall_error_set(err, HALL_ERR_IO, path, "fsync failed: %s", strerror(errno));
		goto done;
	}
	if (g.n == 0) {
		unlink(path); /* created, but its first record never made it */
		*cut = true;
	} else {
		g.size = size;
		e = push_seg(sp, &g, path, err);
		if (e != HALL_OK)
			goto done;
	}
	if (move_at) {
		close(fd);
		fd = -1;
		free(buf);
		buf = NULL;
		e = load_segment(sp, move_seq, next_first, depth + 1, max_seen, cut, err);
	}
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	seg_free(&g);
	return e;
}

static void check_fill(hall_spool *sp)
{
	if (!sp->warned && sp->bytes * 5 >= sp->max_bytes * 4) {
		sp->warned = true;
		hall_warn("spool: %s is %" PRIu64 "%% full (%" PRIu64 " of %" PRIu64
		          " bytes): events are not being confirmed by the controller; at 100%% new events are refused",
		          sp->dir, sp->bytes * 100 / sp->max_bytes, sp->bytes, sp->max_bytes);
	} else if (sp->warned && sp->bytes * 10 < sp->max_bytes * 7) {
		sp->warned = false;
	}
}

/* ---- public API ---- */

hall_err hall_spool_open(const char *dir, uint64_t max_bytes, hall_spool **out, hall_error *err)
{
	hall_spool *sp = NULL;
	int64_t *firsts = NULL;
	size_t nfirsts = 0, i;
	int64_t st_confirmed = 0, st_seq_max = 0, max_seen = 0;
	bool cut = false, rewrite = false;
	int sr;
	hall_err e;

	*out = NULL;
	if (max_bytes < HALL_SPOOL_MIN_BYTES)
		return hall_error_set(err, HALL_ERR_INVALID, dir, "spool size %" PRIu64 " is below the minimum of %u bytes",
		                      max_bytes, HALL_SPOOL_MIN_BYTES);
	e = hall_fs_mkdirs(dir, err);
	if (e != HALL_OK)
		return e;
	sp = calloc(1, sizeof *sp);
	if (!sp || !(sp->dir = strdup(dir))) {
		e = hall_error_set(err, HALL_ERR_NOMEM, dir, "out of memory");
		goto fail;
	}
	sp->tail_fd = -1;
	sp->max_bytes = max_bytes;
	sp->seg_bytes = max_bytes / 16;
	if (sp->seg_bytes < SEG_MIN)
		sp->seg_bytes = SEG_MIN;
	if (sp->seg_bytes > SEG_MAX)
		sp->seg_bytes = SEG_MAX;

	sr = read_state(sp, &st_confirmed, &st_seq_max, &sp->unrecorded);
	sp->state_unrecorded = sp->unrecorded;
	sp->hold_max = HOLD_DEFAULT;
	e = list_segments(sp, &firsts, &nfirsts, err);
	if (e != HALL_OK)
		goto fail;
	if (sr < 0) {
		/* Without the state we cannot know what was confirmed: keep everything on disk
		 * (resending a confirmed event is harmless, the controller counts it once). */
		st_confirmed = nfirsts ? firsts[0] - 1 : 0;
		st_seq_max = st_confirmed;
		rewrite = true;
	}
	for (i = 0; i < nfirsts; i++) {
		char path[4096];
		if (sp->nsegs && firsts[i] == sp->segs[sp->nsegs - 1].first)
			continue; /* made just now by moving records out of a corrupt segment */
		if (sp->nsegs && firsts[i] <= seg_last(&sp->segs[sp->nsegs - 1])) {
			seg_path(sp, path, sizeof path, firsts[i]);
			/* Cannot happen unless a person copied files in: seqs in a segment are checked
			 * against its name. Keep the file for that person to look at. */
			hall_error_log("spool: %s overlaps the segment before it; its records are ignored", path);
			continue;
		}
		e = load_segment(sp, firsts[i], i + 1 < nfirsts ? firsts[i + 1] : INT64_MAX, 0, &max_seen, &cut, err);
		if (e != HALL_OK)
			goto fail;
	}
	sp->confirmed = st_confirmed;
	sp->seq_max = st_seq_max > st_confirmed ? st_seq_max : st_confirmed;
	if (max_seen > sp->seq_max)
		sp->seq_max = max_seen;
	if (sp->nsegs && seg_last(&sp->segs[sp->nsegs - 1]) > sp->seq_max)
		sp->seq_max = seg_last(&sp->segs[sp->nsegs - 1]);
	if (cut)
		rewrite = true;
	/* Everything left on disk was fsynced by load_segment (and seqs of damaged records
	 * count as published): the state written below records all of it. */
	sp->durable = sp->seq_max;
	/* Whole segments already confirmed: a confirm that died between writing the state and
	 * deleting them. */
	while (sp->nsegs && seg_last(&sp->segs[0]) <= sp->confirmed) {
		char path[4096];
		seg_path(sp, path, sizeof path, sp->segs[0].first);
		unlink(path);
		drop_seg(sp, 0);
	}
	if (rewrite) {
		e = write_state(sp, err);
		if (e != HALL_OK)
			goto fail;
	}
	e = sync_dir(sp, err);
	if (e != HALL_OK)
		goto fail;
	keep_reserve(sp);
	{
		char spare[4096];
		hall_fs_join(spare, sizeof spare, sp->dir, SPARE_NAME);
		unlink(spare); /* made again when needed; its reservation may be gone anyway */
	}
	check_fill(sp);
	hall_info("spool: %s: seq_max %" PRId64 ", confirmed %" PRId64 ", %" PRIu64 " bytes in %zu segments", dir,
	          sp->seq_max, sp->confirmed, sp->bytes, sp->nsegs);
	free(firsts);
	*out = sp;
	return HALL_OK;
fail:
	free(firsts);
	hall_spool_close(sp);
	return e;
}

void hall_spool_close(hall_spool *sp)
{
	size_t i;
	if (!sp)
		return;
	if (sp->dirty || sp->dir_dirty || sp->hold_n) {
		hall_error e = {0};
		if (hall_spool_sync(sp, &e) != HALL_OK)
			hall_error_log("spool: %s", e.msg);
	}
	if (sp->hold_n) {
		/* Still no room: these are lost. Never published, so their seqs are issued again
		 * after the next open; the count is what remains of them. */
		hall_error e = {0};
		hall_error_log("spool: %s: %zu events held in memory could not be written before the spool closed: "
		               "counted as not recorded",
		               sp->dir, sp->hold_n);
		sp->unrecorded += (int64_t)sp->hold_n;
		sp->seq_max = disk_max(sp);
		for (i = 0; i < sp->hold_n; i++)
			free(sp->hold[i].data);
		sp->hold_n = 0;
		if (sp->unrecorded != sp->state_unrecorded && write_state(sp, &e) != HALL_OK)
			hall_error_log("spool: %s", e.msg);
	}
	free(sp->hold);
	close_tail(sp);
	for (i = 0; i < sp->nsegs; i++)
		seg_free(&sp->segs[i]);
	free(sp->segs);
	free(sp->dir);
	free(sp);
}

int64_t hall_spool_next_seq(const hall_spool *sp)
{
	return sp->seq_max + 1;
}

static uint64_t reserve_step(const hall_spool *sp)
{
	return sp->seg_bytes / 4 < RESERVE_STEP ? sp->seg_bytes / 4 : RESERVE_STEP;
}

/* Once the tail is half full, reserve the next segment's first step in SPARE_NAME. */
static void keep_spare(hall_spool *sp, const seg *t)
{
	char path[4096];
	if (sp->spare_ok || t->size < sp->seg_bytes / 2)
		return;
	hall_fs_join(path, sizeof path, sp->dir, SPARE_NAME);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)reserve_step(sp)) == 0)
		sp->spare_ok = true;
	close(fd);
	if (!sp->spare_ok)
		unlink(path); /* no room now: tried again after the next record */
	else
		sp->dir_dirty = true;
}

/* Make sure the last segment can take a record of rec_len bytes for seq `next`. */
static hall_err prepare_tail(hall_spool *sp, int64_t next, uint64_t rec_len, hall_error *err)
{
	char path[4096];
	seg *t = sp->nsegs ? &sp->segs[sp->nsegs - 1] : NULL;
	int fd;
	seg g;

	/* An empty tail takes any record, also one bigger than seg_bytes: a segment's name is
	 * its first seq, so there must never be two segments for the same seq. */
	if (t && seg_last(t) + 1 == next && (t->size + rec_len <= sp->seg_bytes || t->n == 0)) {
		if (sp->tail_fd < 0) {
			seg_path(sp, path, sizeof path, t->first);
			sp->tail_fd = open(path, O_RDWR | O_CLOEXEC);
			if (sp->tail_fd < 0)
				return hall_error_set(err, HALL_ERR_IO, path, "cannot open spool segment: %s", strerror(errno));
		}
		return HALL_OK;
	}
	/* A new segment. The old one is fsynced now so that sync() only has one file to do. */
	if (sp->tail_fd >= 0 && sp->dirty && fdatasync(sp->tail_fd) != 0) {
		seg_path(sp, path, sizeof path, t ? t->first : 0);
		return hall_error_set(err, HALL_ERR_IO, path, "fsync failed: %s", strerror(errno));
	}
	if (grow(&sp->segs, sp->nsegs, &sp->capsegs, sizeof *sp->segs, 16) != 0)
		return hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
	seg_path(sp, path, sizeof path, next);
	memset(&g, 0, sizeof g);
	g.first = next;
	/* The spare (empty, its blocks reserved) becomes the segment; renaming needs no space.
	 * It replaces, like O_TRUNC below, what a file of this name can only be: an empty
	 * leftover or one whose only record was torn (open removes those; a seq is reused only
	 * after such a torn, never published record), never records we hold. */
	fd = -1;
	if (sp->spare_ok) {
		char spare[4096];
		sp->spare_ok = false;
		hall_fs_join(spare, sizeof spare, sp->dir, SPARE_NAME);
		if (rename(spare, path) == 0 && (fd = open(path, O_RDWR | O_CLOEXEC)) >= 0)
			g.reserved = reserve_step(sp);
	}
	if (fd < 0)
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return hall_error_set(err, HALL_ERR_IO, path, "cannot create spool segment: %s", strerror(errno));
	close_tail(sp);
	sp->segs[sp->nsegs++] = g;
	sp->tail_fd = fd;
	sp->dir_dirty = true;
	return HALL_OK;
}

/* Allocate the tail segment's blocks ahead of its end, RESERVE_STEP at a time, so that
 * a disk that somebody else fills still takes that much of events (see RESERVE_STEP).
 * Failing is not an error: the write itself decides. Logged once until it works again. */
static void reserve_ahead(hall_spool *sp, seg *t, uint64_t rec_len)
{
	uint64_t step = reserve_step(sp);
	if (t->size + rec_len + step / 2 <= t->reserved)
		return;
	if (fallocate(sp->tail_fd, FALLOC_FL_KEEP_SIZE, (off_t)t->size, (off_t)(rec_len + step)) == 0) {
		t->reserved = t->size + rec_len + step;
		sp->reserve_warned = false;
	} else if (errno == EOPNOTSUPP || errno == ENOSYS) {
		t->reserved = UINT64_MAX; /* a file system without it: nothing to reserve */
	} else if (!sp->reserve_warned) {
		sp->reserve_warned = true;
		hall_warn("spool: %s: cannot reserve %" PRIu64 " bytes ahead: %s", sp->dir, rec_len + step,
		          strerror(errno));
	}
}

/* Write one record of seq `next` (seg_last(tail) + 1, or a new segment) to disk. Nothing
 * of sp's seq counters moves here; the caller's. HALL_ERR_FULL at the bound, HALL_ERR_IO
 * when the write failed (the partial record is cut off again). */
static hall_err write_record(hall_spool *sp, int64_t next, const void *data, size_t len, hall_error *err)
{
	uint64_t rec_len = HDR + (uint64_t)len;
	unsigned char *rec = NULL;
	seg *t;
	hall_err e;

	if (sp->bytes + rec_len > sp->max_bytes)
		return hall_error_set(err, HALL_ERR_FULL, sp->dir,
		                      "spool full (%" PRIu64 " of %" PRIu64 " bytes, first unconfirmed seq %" PRId64 ")",
		                      sp->bytes, sp->max_bytes, sp->confirmed + 1);
	e = prepare_tail(sp, next, rec_len, err);
	if (e != HALL_OK)
		return e;
	t = &sp->segs[sp->nsegs - 1];
	reserve_ahead(sp, t, rec_len);
	rec = malloc(rec_len);
	if (!rec)
		return hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
	put32(rec, REC_MAGIC);
	put32(rec + 4, (uint32_t)len);
	put64(rec + 8, (uint64_t)next);
	memcpy(rec + HDR, data, len);
	put32(rec + 16, rec_crc(rec, rec + HDR, len));
	/* One write of the whole record: once it returns, the page cache has it and a killed
	 * process cannot tear it. */
	if (write_all(sp->tail_fd, rec, rec_len, t->size) != HALL_OK || seg_push_off(t, t->size) != HALL_OK) {
		char path[4096];
		int saved = errno;
		seg_path(sp, path, sizeof path, t->first);
		if (ftruncate(sp->tail_fd, (off_t)t->size) != 0)
			hall_error_log("spool: %s: cannot remove a partial record: %s", path, strerror(errno));
		t->reserved = 0; /* ftruncate may have dropped the reservation */
		e = hall_error_set(err, HALL_ERR_IO, path, "cannot write event seq %" PRId64 ": %s", next, strerror(saved));
		goto done;
	}
	t->size += rec_len;
	sp->bytes += rec_len;
	sp->dirty = true;
	check_fill(sp);
	keep_spare(sp, t);
done:
	free(rec);
	return e;
}

/* Write held records, oldest first, until one fails (it stays held, with the rest). */
static void flush_hold(hall_spool *sp)
{
	size_t done = 0;
	hall_error e = {0};
	while (done < sp->hold_n) {
		held_rec *h = &sp->hold[done];
		if (write_record(sp, disk_max(sp) + 1 + (int64_t)done, h->data, h->len, &e) != HALL_OK)
			break;
		sp->hold_bytes -= h->len;
		free(h->data);
		done++;
	}
	if (done == 0)
		return;
	memmove(sp->hold, sp->hold + done, (sp->hold_n - done) * sizeof *sp->hold);
	sp->hold_n -= done;
	if (sp->hold_n == 0) {
		hall_info("spool: %s: writing works again; the events held in memory are on disk, seq up to %" PRId64,
		          sp->dir, sp->seq_max);
		sp->last_error[0] = '\0';
		keep_reserve(sp);
	}
}

/* Keep a record that could not be written (why: e) in memory, under its seq; or, with the
 * hold at its bound, refuse it for good and count it. */
static hall_err hold_record(hall_spool *sp, const void *data, size_t len, hall_err code, const hall_error *why,
                            int64_t *seq, hall_error *err)
{
	int64_t next = sp->seq_max + 1;
	if (sp->hold_bytes + len > sp->hold_max) {
		sp->unrecorded++;
		/* the count travels on its own (stats.unrecorded): the text stays the same */
		snprintf(sp->last_error, sizeof sp->last_error, "events not recorded: %.200s", why->msg);
		if (sp->unrecorded == 1 || sp->unrecorded % 100 == 0)
			hall_error_log("spool: %s: %" PRId64 " %s (%zu events held in memory, %" PRIu64 " bytes, the bound)",
			               sp->dir, sp->unrecorded, sp->last_error, sp->hold_n, sp->hold_bytes);
		return hall_error_set(err, code == HALL_ERR_FULL ? HALL_ERR_FULL : HALL_ERR_IO, sp->dir,
		                      "event not recorded (%" PRId64 " so far): %s", sp->unrecorded, why->msg);
	}
	if (grow(&sp->hold, sp->hold_n, &sp->hold_cap, sizeof *sp->hold, 64) != 0)
		return hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
	void *copy = malloc(len);
	if (!copy)
		return hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
	memcpy(copy, data, len);
	sp->hold[sp->hold_n].data = copy;
	sp->hold[sp->hold_n].len = len;
	sp->hold_n++;
	sp->hold_bytes += len;
	sp->seq_max = next;
	if (sp->hold_n == 1) {
		snprintf(sp->fail_why, sizeof sp->fail_why, "%.190s", why->msg);
		snprintf(sp->last_error, sizeof sp->last_error, "events held in memory: %.200s", why->msg);
		hall_error_log("spool: %s: %s; holding events in memory (up to %" PRIu64
		               " bytes) until writing works again",
		               sp->dir, why->msg, sp->hold_max);
	}
	if (seq)
		*seq = next;
	return HALL_OK;
}

hall_err hall_spool_append(hall_spool *sp, const void *data, size_t len, int64_t *seq, hall_error *err)
{
	int64_t next = sp->seq_max + 1;
	hall_error why = {0};
	hall_err e = HALL_ERR_IO;

	if (len == 0 || len > HALL_SPOOL_MAX_RECORD)
		return hall_error_set(err, HALL_ERR_TOO_BIG, sp->dir, "event of %zu bytes: expected 1..%u", len,
		                      HALL_SPOOL_MAX_RECORD);
	if (sp->hold_n)
		flush_hold(sp); /* order: what is held goes first */
	if (sp->hold_n == 0) {
		e = write_record(sp, next, data, len, &why);
		if (e == HALL_OK) {
			sp->seq_max = next;
			if (seq)
				*seq = next;
			return HALL_OK;
		}
		if (e != HALL_ERR_FULL && e != HALL_ERR_IO)
			return hall_error_set(err, e, why.path, "%s", why.msg);
	} else {
		hall_error_set(&why, HALL_ERR_IO, sp->dir, "%s", sp->fail_why);
	}
	return hold_record(sp, data, len, e, &why, seq, err);
}

hall_err hall_spool_append_build(hall_spool *sp, hall_spool_build_fn build, void *ctx, int64_t *seq,
                                 hall_error *err)
{
	void *data = NULL;
	size_t len = 0;
	int64_t next = hall_spool_next_seq(sp);
	hall_err e;
	if (build(ctx, next, &data, &len) != 0) {
		free(data);
		return hall_error_set(err, HALL_ERR_INVALID, sp->dir, "building event seq %" PRId64 " failed", next);
	}
	e = hall_spool_append(sp, data, len, seq, err);
	free(data);
	return e;
}

hall_err hall_spool_sync(hall_spool *sp, hall_error *err)
{
	if (sp->hold_n)
		flush_hold(sp);
	if (sp->dirty && sp->tail_fd >= 0) {
		if (fdatasync(sp->tail_fd) != 0) {
			char path[4096];
			seg_path(sp, path, sizeof path, sp->nsegs ? sp->segs[sp->nsegs - 1].first : 0);
			return hall_error_set(err, HALL_ERR_IO, path, "fsync failed: %s", strerror(errno));
		}
	}
	sp->dirty = false;
	if (sp->dir_dirty) {
		hall_err e = sync_dir(sp, err);
		if (e != HALL_OK)
			return e;
		sp->dir_dirty = false;
	}
	sp->durable = disk_max(sp);
	/* The unrecorded count (held records included, see write_state) changed: persist it,
	 * after the records just written are durable, so a crash never loses the count. */
	if (sp->unrecorded + (int64_t)sp->hold_n != sp->state_unrecorded)
		return write_state(sp, err);
	return HALL_OK;
}

hall_err hall_spool_confirm(hall_spool *sp, int64_t seq, hall_error *err)
{
	hall_err e;
	int64_t prev;
	if (seq <= sp->confirmed)
		return HALL_OK;
	if (seq > disk_max(sp)) {
		/* held records were never sent: nobody can have confirmed them */
		hall_warn("spool: %s: confirm of seq %" PRId64 " above the highest written %" PRId64 "; clamped", sp->dir,
		          seq, disk_max(sp));
		seq = disk_max(sp);
		if (seq <= sp->confirmed)
			return HALL_OK;
	}
	/* State first: if we die before the files go, open() deletes them. */
	prev = sp->confirmed;
	sp->confirmed = seq;
	e = write_state(sp, err);
	if (e != HALL_OK) {
		sp->confirmed = prev; /* nothing changed; the controller confirms again later */
		return e;
	}
	/* The tail stays while it has room, confirmed or not: its reserved blocks with it. */
	while (sp->nsegs && seg_last(&sp->segs[0]) <= seq &&
	       !(sp->nsegs == 1 && sp->segs[0].size < sp->seg_bytes)) {
		char path[4096];
		seg_path(sp, path, sizeof path, sp->segs[0].first);
		if (unlink(path) != 0 && errno != ENOENT)
			hall_warn("spool: cannot delete %s: %s (retried at next open)", path, strerror(errno));
		drop_seg(sp, 0);
	}
	if (sp->nsegs == 0) {
		/* Everything is confirmed: nothing left that would need an fsync. */
		sp->dirty = false;
		sp->durable = disk_max(sp);
	}
	check_fill(sp);
	if (sp->hold_n)
		flush_hold(sp); /* room was made: the next sync makes them durable */
	return HALL_OK;
}

hall_err hall_spool_read(hall_spool *sp, int64_t from_seq, size_t max_records, size_t max_bytes,
                         hall_spool_read_fn cb, void *ctx, size_t *n_read, hall_error *err)
{
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, total = 0, i;
	int fd = -1;
	hall_err e = HALL_OK;
	bool stop = false;
	int64_t start = from_seq > sp->confirmed + 1 ? from_seq : sp->confirmed + 1;

	for (i = 0; i < sp->nsegs && !stop; i++) {
		seg *g = &sp->segs[i];
		char path[4096];
		int64_t s;
		if (seg_last(g) < start)
			continue;
		if (g->first > sp->durable)
			break;
		seg_path(sp, path, sizeof path, g->first);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			e = hall_error_set(err, HALL_ERR_IO, path, "cannot open spool segment: %s", strerror(errno));
			goto done;
		}
		for (s = start > g->first ? start : g->first; s <= seg_last(g) && s <= sp->durable; s++) {
			size_t idx = (size_t)(s - g->first);
			uint64_t off = g->offs[idx];
			uint64_t end = idx + 1 < g->n ? g->offs[idx + 1] : g->size;
			size_t rec_len = (size_t)(end - off);
			size_t len = rec_len - HDR;
			if (max_records && n >= max_records) {
				stop = true;
				break;
			}
			if (max_bytes && n > 0 && total + len > max_bytes) {
				stop = true;
				break;
			}
			if (rec_len > cap) {
				unsigned char *nb = realloc(buf, rec_len);
				if (!nb) {
					e = hall_error_set(err, HALL_ERR_NOMEM, path, "out of memory");
					goto done;
				}
				buf = nb;
				cap = rec_len;
			}
			if (read_all(fd, buf, rec_len, off) != HALL_OK || rec_check(buf, rec_len - HDR, s, NULL) != (long)len) {
				e = hall_error_set(err, HALL_ERR_IO, path,
				                   "record seq %" PRId64 " at offset %" PRIu64 " no longer reads back intact", s, off);
				goto done;
			}
			n++;
			total += len;
			if (cb(ctx, s, buf + HDR, len) != 0) {
				stop = true;
				break;
			}
		}
		close(fd);
		fd = -1;
	}
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (n_read)
		*n_read = n;
	return e;
}

void hall_spool_get_stats(const hall_spool *sp, hall_spool_stats *out)
{
	size_t i;
	memset(out, 0, sizeof *out);
	out->seq_max = sp->seq_max;
	out->confirmed = sp->confirmed;
	out->durable = sp->durable;
	out->bytes = sp->bytes;
	out->max_bytes = sp->max_bytes;
	out->first = sp->hold_n ? disk_max(sp) + 1 : sp->seq_max + 1;
	out->held = sp->hold_n;
	out->unrecorded = sp->unrecorded;
	out->count = sp->hold_n;
	for (i = 0; i < sp->nsegs; i++) {
		const seg *g = &sp->segs[i];
		int64_t lo = g->first > sp->confirmed ? g->first : sp->confirmed + 1;
		if (seg_last(g) < lo)
			continue;
		if (lo < out->first)
			out->first = lo;
		out->count += (uint64_t)(seg_last(g) - lo + 1);
	}
}

const char *hall_spool_last_error(const hall_spool *sp)
{
	return sp->last_error;
}

void hall_spool_set_hold(hall_spool *sp, uint64_t max_bytes)
{
	sp->hold_max = max_bytes;
}

typedef struct held_set {
	held_rec *v;
	size_t n, cap;
	bool oom;
} held_set;

static int hold_cb(void *ctx, int64_t seq, const void *data, size_t len)
{
	held_set *h = ctx;
	(void)seq;
	if (grow(&h->v, h->n, &h->cap, sizeof *h->v, 64) != 0)
		goto oom;
	h->v[h->n].data = malloc(len);
	if (!h->v[h->n].data)
		goto oom;
	memcpy(h->v[h->n].data, data, len);
	h->v[h->n++].len = len;
	return 0;
oom:
	h->oom = true;
	return 1;
}

hall_err hall_spool_skip_past(hall_spool *sp, int64_t seq, hall_spool_rebuild_fn rebuild, void *ctx,
                              size_t *moved, hall_error *err)
{
	held_set h = {0};
	hall_err e = HALL_OK;
	if (moved)
		*moved = 0;
	if (seq <= sp->seq_max)
		return HALL_OK;
	/* Everything unconfirmed, in memory: read hands out only durable records. */
	e = hall_spool_sync(sp, err);
	if (e == HALL_OK)
		e = hall_spool_read(sp, 0, 0, 0, hold_cb, &h, NULL, err);
	/* and those still held in memory, after them (they come later in seq order) */
	for (size_t i = 0; e == HALL_OK && !h.oom && i < sp->hold_n; i++)
		hold_cb(&h, 0, sp->hold[i].data, sp->hold[i].len);
	if (e == HALL_OK && h.oom)
		e = hall_error_set(err, HALL_ERR_NOMEM, sp->dir, "out of memory");
	if (e != HALL_OK)
		goto done;
	for (size_t i = 0; i < sp->hold_n; i++)
		free(sp->hold[i].data);
	sp->seq_max = disk_max(sp);
	sp->hold_n = 0;
	sp->hold_bytes = 0;
	/* Drop the old records, then jump: confirmed = seq_max = seq, one state write. */
	if (sp->seq_max > sp->confirmed) {
		e = hall_spool_confirm(sp, sp->seq_max, err);
		if (e != HALL_OK)
			goto done;
	}
	int64_t prev_confirmed = sp->confirmed, prev_max = sp->seq_max;
	sp->confirmed = sp->seq_max = seq;
	e = write_state(sp, err);
	if (e != HALL_OK) {
		sp->confirmed = prev_confirmed;
		sp->seq_max = prev_max;
		goto done;
	}
	sp->durable = sp->seq_max;
	hall_warn("spool: %s: seq moved from %" PRId64 " to %" PRId64 " (the controller holds events up to %" PRId64
	          "); %zu unconfirmed events renumbered",
	          sp->dir, prev_max + 1, seq + 1, seq, h.n);
	for (size_t i = 0; i < h.n; i++) {
		void *out = NULL;
		size_t out_len = 0;
		int64_t next = sp->seq_max + 1;
		if (rebuild(ctx, h.v[i].data, h.v[i].len, next, &out, &out_len) != 0) {
			free(out);
			hall_warn("spool: %s: an unconfirmed event could not be renumbered to seq %" PRId64 "; dropped", sp->dir,
			          next);
			continue;
		}
		e = hall_spool_append(sp, out, out_len, NULL, err);
		free(out);
		if (e != HALL_OK)
			goto done;
		if (moved)
			(*moved)++;
	}
	e = hall_spool_sync(sp, err);
done:
	for (size_t i = 0; i < h.n; i++)
		free(h.v[i].data);
	free(h.v);
	return e;
}
