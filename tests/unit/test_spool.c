/* test_spool.c: the durable event spool (core/src/spool.c). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "fixtures.h"
#include "hall/spool.h"

#define MiB (1024u * 1024u)

typedef struct collected {
	int64_t seqs[4096];
	char payloads[4096][128];
	size_t n;
} collected;

static int collect(void *ctx, int64_t seq, const void *data, size_t len)
{
	collected *c = ctx;
	if (c->n >= 4096)
		return 1;
	c->seqs[c->n] = seq;
	snprintf(c->payloads[c->n], sizeof c->payloads[c->n], "%.*s", (int)len, (const char *)data);
	c->n++;
	return 0;
}

static void event_for(char *out, size_t len, int64_t seq)
{
	snprintf(out, len, "{\"kiosk\":\"k1\",\"seq\":%" PRId64 ",\"type\":\"tap\"}", seq);
}

/* Append one event whose payload names the seq it will get. */
static int count_records(void *ctx, int64_t seq, const void *data, size_t len)
{
	(void)seq;
	(void)data;
	(void)len;
	(*(size_t *)ctx)++;
	return 0;
}

static int64_t append_event(hall_spool *sp)
{
	char buf[128];
	int64_t seq = 0;
	hall_error err = {0};
	event_for(buf, sizeof buf, hall_spool_next_seq(sp));
	assert_int_equal(hall_spool_append(sp, buf, strlen(buf), &seq, &err), HALL_OK);
	return seq;
}

static hall_spool *open_ok(const char *dir, uint64_t max)
{
	hall_spool *sp = NULL;
	hall_error err = {0};
	hall_err e = hall_spool_open(dir, max, &sp, &err);
	if (e != HALL_OK)
		fail_msg("open %s: %s: %s", dir, err.path, err.msg);
	return sp;
}

static collected *read_all_records(hall_spool *sp)
{
	collected *c = calloc(1, sizeof *c);
	hall_error err = {0};
	assert_non_null(c);
	assert_int_equal(hall_spool_read(sp, 0, 0, 0, collect, c, NULL, &err), HALL_OK);
	return c;
}

/* Every record's payload must name its own seq, and seqs must run first..first+n-1. */
static void assert_contiguous(const collected *c, int64_t first)
{
	size_t i;
	for (i = 0; i < c->n; i++) {
		char want[128];
		assert_int_equal(c->seqs[i], first + (int64_t)i);
		event_for(want, sizeof want, c->seqs[i]);
		assert_string_equal(c->payloads[i], want);
	}
}

/* What the spool gives back now: n records, seqs first..first+n-1, each naming its seq. */
static void assert_records(hall_spool *sp, size_t n, int64_t first)
{
	collected *c = read_all_records(sp);
	assert_int_equal(c->n, n);
	assert_contiguous(c, first);
	free(c);
}

/* Corrupt a written segment as a failing disk would: flip the bits of mask in the byte
 * at off. */
static void flip_bits(const char *path, off_t off, unsigned char mask)
{
	unsigned char byte;
	int fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, off), 1);
	byte ^= mask;
	assert_int_equal(pwrite(fd, &byte, 1, off), 1);
	close(fd);
}

static int count_segments(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "seg-", 4) == 0)
			n++;
	closedir(d);
	return n;
}

static void seg_file(char *out, size_t len, const char *dir, int64_t first)
{
	snprintf(out, len, "%s/seg-%020" PRId64 ".log", dir, first);
}

static void copy_fixture_dir(const char *fixture, const char *dst)
{
	char src[1024], cmd[3000];
	hall_test_fixture(src, sizeof src, fixture);
	snprintf(cmd, sizeof cmd, "cp -a '%s'/. '%s'/", src, dst);
	assert_int_equal(system(cmd), 0);
}

static void crc32_should_match_the_standard_check_value(void **state)
{
	(void)state;
	assert_int_equal(hall_spool_crc32(0, "123456789", 9), 0xCBF43926u);
}

static void append_should_assign_consecutive_seqs_from_one(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 0);
	assert_int_equal(st.first, 1);
	assert_int_equal(hall_spool_next_seq(sp), 1);
	for (i = 1; i <= 10; i++)
		assert_int_equal(append_event(sp), i);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 10);
	assert_int_equal(st.first, 1);
	assert_int_equal(st.count, 10);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void read_should_hand_out_only_synced_records(void **state)
{
	char dir[512];
	hall_spool *sp;
	collected *c;
	hall_spool_stats st;
	hall_error err = {0};
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	append_event(sp);
	append_event(sp);
	c = read_all_records(sp);
	assert_int_equal(c->n, 0); /* not yet fsynced: must not be sent */
	free(c);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.durable, 2);
	append_event(sp);
	assert_records(sp, 2, 1);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void read_should_respect_from_seq_and_batch_limits(void **state)
{
	char dir[512];
	hall_spool *sp;
	collected *c = calloc(1, sizeof *c);
	hall_error err = {0};
	size_t n = 0;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 50; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	assert_int_equal(hall_spool_read(sp, 20, 7, 0, collect, c, &n, &err), HALL_OK);
	assert_int_equal(n, 7);
	assert_int_equal(c->n, 7);
	assert_contiguous(c, 20);
	memset(c, 0, sizeof *c);
	/* Each payload is about 40 bytes: a 100-byte budget takes 2 (the first always fits). */
	assert_int_equal(hall_spool_read(sp, 45, 0, 100, collect, c, &n, &err), HALL_OK);
	assert_int_equal(n, 2);
	assert_contiguous(c, 45);
	memset(c, 0, sizeof *c);
	assert_int_equal(hall_spool_read(sp, 51, 0, 0, collect, c, &n, &err), HALL_OK);
	assert_int_equal(n, 0);
	free(c);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void reopen_should_keep_seq_and_unconfirmed_records(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 30; i++)
		append_event(sp);
	assert_int_equal(hall_spool_confirm(sp, 12, &err), HALL_OK);
	hall_spool_close(sp);

	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 30);
	assert_int_equal(st.confirmed, 12);
	assert_int_equal(st.first, 13);
	assert_int_equal(st.count, 18);
	assert_records(sp, 18, 13);
	assert_int_equal(append_event(sp), 31);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void seq_should_continue_after_everything_was_confirmed_and_deleted(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, HALL_SPOOL_MIN_BYTES * 4);
	for (i = 0; i < 500; i++) /* several segments */
		append_event(sp);
	assert_true(count_segments(dir) > 2);
	assert_int_equal(hall_spool_confirm(sp, 500, &err), HALL_OK);
	/* only the tail is left (it keeps its reserved room for the next events) */
	assert_int_equal(count_segments(dir), 1);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.count, 0);
	assert_int_equal(st.first, 501);
	hall_spool_close(sp);

	sp = open_ok(dir, HALL_SPOOL_MIN_BYTES * 4);
	assert_int_equal(count_segments(dir), 0); /* open drops what is all confirmed */
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.seq_max, 500);
	assert_int_equal(st.first, 501);
	assert_int_equal(append_event(sp), 501);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void confirm_should_delete_only_fully_confirmed_segments(void **state)
{
	char dir[512];
	hall_spool *sp;
	collected *c;
	hall_error err = {0};
	int i, before;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, HALL_SPOOL_MIN_BYTES * 4);
	for (i = 0; i < 400; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	before = count_segments(dir);
	assert_int_equal(hall_spool_confirm(sp, 150, &err), HALL_OK);
	assert_true(count_segments(dir) < before);
	assert_true(count_segments(dir) > 0);
	assert_records(sp, 250, 151);
	/* A confirm below or at the confirmed seq changes nothing. */
	assert_int_equal(hall_spool_confirm(sp, 100, &err), HALL_OK);
	c = read_all_records(sp);
	assert_int_equal(c->n, 250);
	free(c);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void confirm_above_seq_max_should_be_clamped(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	append_event(sp);
	append_event(sp);
	assert_int_equal(hall_spool_confirm(sp, 99, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.confirmed, 2);
	assert_int_equal(append_event(sp), 3);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* Ten records, then the file cut to `keep_of_last` bytes of the tenth (a power cut while
 * it was written); returns the reopened spool. */
static hall_spool *tear_the_tenth_record(const char *dir, size_t keep_of_last)
{
	char path[1024], ev10[128];
	hall_spool *sp = open_ok(dir, MiB);
	struct stat st0;
	int i;
	for (i = 0; i < 10; i++)
		append_event(sp);
	hall_spool_close(sp);
	event_for(ev10, sizeof ev10, 10);
	seg_file(path, sizeof path, dir, 1);
	assert_int_equal(stat(path, &st0), 0);
	assert_int_equal(truncate(path, st0.st_size - (off_t)(HALL_SPOOL_RECORD_OVERHEAD + strlen(ev10) - keep_of_last)), 0);
	return open_ok(dir, MiB);
}

/* Issue #5: seq rises by exactly one per event, across restarts. A record whose header
 * made it but whose body did not was never fsynced whole, so never handed out by
 * hall_spool_read, so never sent: its seq goes to the next event, and the controller sees
 * no gap. */
static void open_should_cut_a_torn_tail_and_reissue_the_seq_its_header_names(void **state)
{
	char dir[512];
	hall_spool *sp;
	collected *c;
	hall_spool_stats st;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = tear_the_tenth_record(dir, HALL_SPOOL_RECORD_OVERHEAD + 5); /* header whole, payload cut */
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 9);
	assert_int_equal(st.count, 9);
	assert_int_equal(st.first, 1);
	assert_records(sp, 9, 1);
	assert_int_equal(hall_spool_next_seq(sp), 10);
	assert_int_equal(append_event(sp), 10);
	hall_spool_close(sp);
	sp = open_ok(dir, MiB);
	c = read_all_records(sp);
	assert_int_equal(c->n, 10);
	assert_contiguous(c, 1); /* 1..10, the new tenth record whole */
	free(c);
	assert_int_equal(append_event(sp), 11);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* The same when only the header's first bytes and a confirm came before the cut: the
 * state file written by the confirm must not remember the unsynced, never sent seq. */
static void a_torn_tail_after_a_confirm_should_still_have_its_seq_reissued(void **state)
{
	char dir[512], path[1024], ev4[128];
	hall_spool *sp;
	hall_error err = {0};
	collected *c;
	struct stat st0;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 3; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	assert_int_equal(append_event(sp), 4); /* appended, not yet fsynced */
	assert_int_equal(hall_spool_confirm(sp, 2, &err), HALL_OK);
	hall_spool_close(sp);
	/* The power cut: record 4 keeps its header and 5 payload bytes. */
	event_for(ev4, sizeof ev4, 4);
	seg_file(path, sizeof path, dir, 1);
	assert_int_equal(stat(path, &st0), 0);
	assert_int_equal(truncate(path, st0.st_size - (off_t)(strlen(ev4) - 5)), 0);

	sp = open_ok(dir, MiB);
	assert_int_equal(hall_spool_next_seq(sp), 4);
	c = read_all_records(sp);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->seqs[0], 3);
	free(c);
	assert_int_equal(append_event(sp), 4);
	hall_spool_close(sp);
	sp = open_ok(dir, MiB);
	assert_records(sp, 2, 3);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* A torn first record of a new segment: the file goes and the seq comes back, in a new
 * file of the same name. */
static void a_torn_first_record_of_a_segment_should_have_its_seq_reissued(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	int64_t k = 0;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, 64 * 1024); /* 4 KiB segments */
	for (i = 0; i < 1000 && count_segments(dir) < 2; i++)
		k = append_event(sp);
	assert_int_equal(count_segments(dir), 2);
	assert_true(k > 1);
	hall_spool_close(sp);
	seg_file(path, sizeof path, dir, k);
	assert_int_equal(truncate(path, HALL_SPOOL_RECORD_OVERHEAD + 5), 0);

	sp = open_ok(dir, 64 * 1024);
	assert_int_equal(count_segments(dir), 1);
	assert_int_equal(hall_spool_next_seq(sp), k);
	assert_int_equal(append_event(sp), k);
	hall_spool_close(sp);
	sp = open_ok(dir, 64 * 1024);
	assert_records(sp, (size_t)k, 1);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* Not torn: the last record is whole on disk but its CRC fails. It was fsynced whole, so
 * it may have been sent before the disk changed it: its seq is lost, never reissued. */
static void a_whole_last_record_failing_its_crc_should_keep_its_seq_skipped(void **state)
{
	char dir[512], path[1024], ev10[128];
	hall_spool *sp;
	hall_spool_stats st;
	struct stat st0;
	int i;
	off_t off;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 10; i++)
		append_event(sp);
	hall_spool_close(sp);
	event_for(ev10, sizeof ev10, 10);
	seg_file(path, sizeof path, dir, 1);
	assert_int_equal(stat(path, &st0), 0);
	off = st0.st_size - 3; /* a payload byte of record 10 */
	flip_bits(path, off, 0x20);

	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 10);
	assert_int_equal(st.count, 9);
	assert_records(sp, 9, 1);
	assert_int_equal(append_event(sp), 11);
	hall_spool_close(sp);
	sp = open_ok(dir, MiB);
	assert_int_equal(hall_spool_next_seq(sp), 12);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_cut_a_torn_header_and_reissue_its_seq(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = tear_the_tenth_record(dir, 10); /* not even the seq made it: it was never issued */
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 9);
	assert_records(sp, 9, 1);
	assert_int_equal(append_event(sp), 10);
	hall_spool_close(sp);
	sp = open_ok(dir, MiB);
	assert_records(sp, 10, 1);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_drop_only_a_corrupt_record_and_keep_the_ones_after_it(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	collected *c;
	hall_spool_stats st;
	int i;
	off_t off;
	char first[128];
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 10; i++)
		append_event(sp);
	hall_spool_close(sp);
	/* Flip one payload byte of record 4 (records 1..9 have equal length). */
	event_for(first, sizeof first, 1);
	off = (off_t)(3 * (HALL_SPOOL_RECORD_OVERHEAD + strlen(first)) + HALL_SPOOL_RECORD_OVERHEAD + 5);
	seg_file(path, sizeof path, dir, 1);
	flip_bits(path, off, 0x20);

	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	/* 1..3 and 5..10 kept; only 4 is lost (logged) and never issued again. */
	assert_int_equal(st.seq_max, 10);
	assert_int_equal(st.count, 9);
	c = read_all_records(sp);
	assert_int_equal(c->n, 9);
	for (i = 0; i < 3; i++)
		assert_int_equal(c->seqs[i], i + 1);
	for (i = 3; i < 9; i++)
		assert_int_equal(c->seqs[i], i + 2);
	free(c);
	assert_int_equal(append_event(sp), 11);
	hall_spool_close(sp);

	/* And after a restart the same, and after everything was confirmed still no reuse. */
	sp = open_ok(dir, MiB);
	c = read_all_records(sp);
	assert_int_equal(c->n, 10);
	assert_int_equal(c->seqs[3], 5);
	assert_int_equal(c->seqs[9], 11);
	free(c);
	{
		hall_error err = {0};
		assert_int_equal(hall_spool_confirm(sp, 11, &err), HALL_OK);
	}
	hall_spool_close(sp);
	sp = open_ok(dir, MiB);
	assert_int_equal(hall_spool_next_seq(sp), 12);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* The move is: write the new segment, then cut the old one. Dying in between leaves both
 * holding records 5..10; the next open must end up with each record once. */
static void a_crash_while_moving_records_should_not_duplicate_them(void **state)
{
	char dir[512], copy[512], cmd[1200], path[1024], ev1[128];
	hall_spool *sp;
	collected *c;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	hall_test_tmpdir(copy, sizeof copy, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 10; i++)
		append_event(sp);
	hall_spool_close(sp);
	event_for(ev1, sizeof ev1, 1);
	seg_file(path, sizeof path, dir, 1);
	flip_bits(path, (off_t)(3 * (HALL_SPOOL_RECORD_OVERHEAD + strlen(ev1)) + 17), 0x40); /* record 4's CRC */
	/* Let a copy do the whole recovery, then put its new segment beside the uncut original. */
	snprintf(cmd, sizeof cmd, "cp -a '%s'/. '%s'/", dir, copy);
	assert_int_equal(system(cmd), 0);
	sp = open_ok(copy, MiB);
	hall_spool_close(sp);
	snprintf(cmd, sizeof cmd, "cp '%s'/seg-00000000000000000005.log '%s'/", copy, dir);
	assert_int_equal(system(cmd), 0);

	sp = open_ok(dir, MiB);
	c = read_all_records(sp);
	assert_int_equal(c->n, 9);
	for (i = 0; i < 3; i++)
		assert_int_equal(c->seqs[i], i + 1);
	for (i = 3; i < 9; i++)
		assert_int_equal(c->seqs[i], i + 2);
	free(c);
	assert_int_equal(append_event(sp), 11);
	hall_spool_close(sp);
	hall_test_rmtree(copy);
	hall_test_rmtree(dir);
}

static void corruption_in_an_early_segment_should_lose_only_that_record(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	collected *c;
	hall_spool_stats st;
	int i;
	char ev1[128];
	off_t off;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	/* 64 KiB bound: 4 KiB segments of about 70 records of 40 bytes. */
	sp = open_ok(dir, 64 * 1024);
	for (i = 0; i < 200; i++)
		append_event(sp);
	hall_spool_close(sp);
	assert_true(count_segments(dir) >= 3);
	/* Break record 5 of the first segment (records 1..9 have equal length). */
	event_for(ev1, sizeof ev1, 1);
	off = (off_t)(4 * (HALL_SPOOL_RECORD_OVERHEAD + strlen(ev1)) + 2); /* its length field */
	seg_file(path, sizeof path, dir, 1);
	flip_bits(path, off, 0x01);

	sp = open_ok(dir, 64 * 1024);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 200);
	c = read_all_records(sp);
	/* 1..4, then 6..200: the rest of the first segment and all later ones. */
	assert_int_equal(c->n, 199);
	assert_int_equal(st.count, c->n);
	for (i = 0; i < 4; i++)
		assert_int_equal(c->seqs[i], i + 1);
	for (i = 4; i < 199; i++)
		assert_int_equal(c->seqs[i], i + 2);
	free(c);
	assert_int_equal(append_event(sp), 201);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_cut_a_huge_garbage_tail_of_a_segment(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	struct stat st0;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 3; i++)
		append_event(sp);
	hall_spool_close(sp);
	seg_file(path, sizeof path, dir, 1);
	assert_int_equal(stat(path, &st0), 0);
	assert_int_equal(truncate(path, 64 * 1024 * 1024), 0); /* 64 MiB of zeros (sparse) */
	sp = open_ok(dir, MiB);
	assert_records(sp, 3, 1);
	hall_spool_close(sp);
	{
		struct stat st1;
		assert_int_equal(stat(path, &st1), 0);
		assert_int_equal(st1.st_size, st0.st_size);
	}
	hall_test_rmtree(dir);
}

static void append_should_refuse_with_full_at_the_bound_and_keep_what_it_holds(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	char buf[1000];
	int64_t seq = 0;
	int appended = 0, i;
	hall_err e = HALL_OK;
	collected *c;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, HALL_SPOOL_MIN_BYTES);
	hall_spool_set_hold(sp, 0); /* nothing held in memory: the bound refuses at once */
	memset(buf, 'x', sizeof buf);
	for (i = 0; i < 100; i++) {
		e = hall_spool_append(sp, buf, sizeof buf, &seq, &err);
		if (e != HALL_OK)
			break;
		appended++;
	}
	assert_int_equal(e, HALL_ERR_FULL);
	assert_true(appended > 10);
	hall_spool_get_stats(sp, &st);
	assert_true(st.bytes <= st.max_bytes);
	assert_int_equal(st.seq_max, appended);
	assert_int_equal(hall_spool_next_seq(sp), appended + 1); /* a refusal uses no seq */
	assert_int_equal(st.unrecorded, 1);                      /* and is counted */
	assert_non_null(strstr(hall_spool_last_error(sp), "events not recorded: spool full"));
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	c = read_all_records(sp);
	assert_int_equal(c->n, (size_t)appended);
	free(c);
	/* Confirming frees room again. */
	assert_int_equal(hall_spool_confirm(sp, appended, &err), HALL_OK);
	assert_int_equal(hall_spool_append(sp, buf, sizeof buf, &seq, &err), HALL_OK);
	assert_int_equal(seq, appended + 1);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void append_should_reject_empty_and_oversized_payloads(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_error err = {0};
	char *big = calloc(1, HALL_SPOOL_MAX_RECORD + 1);
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, 4 * MiB);
	assert_int_equal(hall_spool_append(sp, "", 0, NULL, &err), HALL_ERR_TOO_BIG);
	assert_int_equal(hall_spool_append(sp, big, HALL_SPOOL_MAX_RECORD + 1, NULL, &err), HALL_ERR_TOO_BIG);
	assert_int_equal(hall_spool_next_seq(sp), 1);
	free(big);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void records_larger_than_a_segment_should_each_get_their_own(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_error err = {0};
	char *big = malloc(6000);
	int64_t seq = 0;
	size_t n = 0;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	/* max 64 KiB: segments of 4 KiB, records of 6000 bytes. */
	sp = open_ok(dir, 64 * 1024);
	memset(big, 'b', 6000);
	assert_int_equal(hall_spool_append(sp, big, 6000, &seq, &err), HALL_OK);
	assert_int_equal(hall_spool_append(sp, big, 6000, &seq, &err), HALL_OK);
	assert_int_equal(seq, 2);
	append_event(sp);
	assert_int_equal(count_segments(dir), 3);
	hall_spool_close(sp);
	sp = open_ok(dir, 64 * 1024);
	assert_int_equal(hall_spool_read(sp, 0, 0, 0, count_records, &n, NULL, &err), HALL_OK);
	assert_int_equal(n, 3);
	assert_int_equal(append_event(sp), 4);
	free(big);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* A full disk, simulated with the file size limit: the failed append leaves nothing behind
 * and uses no seq; once there is room again the same seq is issued. */
static void append_should_remove_a_partial_record_when_the_disk_is_full(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_error err = {0};
	struct rlimit old, lim;
	char buf[300];
	int64_t seq = 0;
	hall_err e = HALL_OK;
	int i, ok = 0;
	collected *c;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, 64 * 1024);
	hall_spool_set_hold(sp, 0);
	memset(buf, 'f', sizeof buf);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 1000; /* mid-way through the 4th record of 320 bytes */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (i = 0; i < 10; i++) {
		e = hall_spool_append(sp, buf, sizeof buf, &seq, &err);
		if (e != HALL_OK)
			break;
		ok++;
	}
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(e, HALL_ERR_IO);
	assert_int_equal(ok, 3);
	assert_int_equal(hall_spool_next_seq(sp), 4);
	/* Room again: the next append gets seq 4, in the same segment, after whole records. */
	event_for(buf, sizeof buf, 4);
	assert_int_equal(hall_spool_append(sp, buf, strlen(buf), &seq, &err), HALL_OK);
	assert_int_equal(seq, 4);
	hall_spool_close(sp);
	sp = open_ok(dir, 64 * 1024);
	c = read_all_records(sp);
	assert_int_equal(c->n, 4);
	assert_int_equal(c->seqs[3], 4);
	assert_string_equal(c->payloads[3], buf);
	free(c);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void read_should_fail_when_a_record_changed_on_disk_after_open(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	hall_error err = {0};
	collected *c = calloc(1, sizeof *c);
	unsigned char byte = 'Z';
	int fd;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	append_event(sp);
	append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	seg_file(path, sizeof path, dir, 1);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &byte, 1, HALL_SPOOL_RECORD_OVERHEAD + 3), 1);
	close(fd);
	assert_int_equal(hall_spool_read(sp, 0, 0, 0, collect, c, NULL, &err), HALL_ERR_IO);
	assert_int_equal(c->n, 0);
	assert_non_null(strstr(err.msg, "seq 1"));
	free(c);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* Run fn with stderr going to a file; return what it wrote (caller frees). */
static char *capture_stderr(void (*fn)(const char *dir), const char *dir)
{
	char path[600];
	int saved, fd;
	FILE *f;
	char *buf = calloc(1, 65536);
	size_t n;
	snprintf(path, sizeof path, "%s.stderr", dir);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	fn(dir);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	return buf;
}

static void fill_to_the_bound(const char *dir)
{
	hall_spool *sp = open_ok(dir, HALL_SPOOL_MIN_BYTES);
	hall_error err = {0};
	char buf[500];
	int i;
	memset(buf, 'w', sizeof buf);
	for (i = 0; i < 100; i++)
		if (hall_spool_append(sp, buf, sizeof buf, NULL, &err) != HALL_OK)
			break;
	hall_spool_close(sp);
}

/* 25 records of 520 bytes on disk: 13,000 of 16,384 bytes, just under 80 %. */
static void fill_below_80_percent(const char *dir)
{
	hall_spool *sp = open_ok(dir, HALL_SPOOL_MIN_BYTES);
	hall_error err = {0};
	char buf[500];
	int i;
	memset(buf, 'w', sizeof buf);
	for (i = 0; i < 25; i++)
		assert_int_equal(hall_spool_append(sp, buf, sizeof buf, NULL, &err), HALL_OK);
	hall_spool_close(sp);
}

static void filling_the_spool_should_warn_at_80_percent(void **state)
{
	char dir[512];
	char *out;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	out = capture_stderr(fill_below_80_percent, dir);
	if (strstr(out, "% full ("))
		fail_msg("warned below 80%%: %s", out);
	free(out);
	hall_test_rmtree(dir);
	hall_test_tmpdir(dir, sizeof dir, "spool");
	out = capture_stderr(fill_to_the_bound, dir);
	if (!strstr(out, "warn: spool: ") || !strstr(out, "% full ("))
		fail_msg("no fill warning in: %s", out);
	free(out);
	hall_test_rmtree(dir);
}

static void confirm_should_change_nothing_when_the_state_cannot_be_written(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	struct rlimit old, lim;
	hall_err e;
	collected *c;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 5; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8; /* the state file needs more */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	e = hall_spool_confirm(sp, 3, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(e, HALL_ERR_IO);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.confirmed, 0);
	assert_int_equal(st.first, 1);
	c = read_all_records(sp);
	assert_int_equal(c->n, 5);
	free(c);
	assert_int_equal(hall_spool_confirm(sp, 3, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.first, 4);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}


/* Writing fails (the file size limit stands in for a full disk): events keep their seqs in
 * memory, in order, and reach the disk when there is room again; none is handed out before
 * it is on disk. */
static void held_events_should_be_written_in_order_when_writing_works_again(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	struct rlimit old, lim;
	collected *c;
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, 64 * 1024);
	for (i = 0; i < 3; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 200; /* the segment is past it: every write fails */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (i = 0; i < 20; i++)
		assert_int_equal(append_event(sp), 4 + i);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK); /* nothing to make durable yet */
	hall_spool_get_stats(sp, &st);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(st.held, 20);
	assert_int_equal(st.seq_max, 23);
	assert_int_equal(st.durable, 3);
	assert_int_equal(st.count, 23);
	assert_int_equal(st.unrecorded, 0);
	assert_non_null(strstr(hall_spool_last_error(sp), "events held in memory"));
	c = read_all_records(sp);
	assert_int_equal(c->n, 3); /* held ones are not handed out */
	free(c);
	/* a confirm of what was never written is clamped to what was */
	assert_int_equal(hall_spool_confirm(sp, 10, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.confirmed, 3);
	/* room again: the next sync writes them, in seq order, before anything newer */
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	assert_int_equal(append_event(sp), 24);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.held, 0);
	assert_int_equal(st.durable, 24);
	assert_string_equal(hall_spool_last_error(sp), "");
	assert_records(sp, 21, 4);
	hall_spool_close(sp);
	/* and after a restart: seqs 4..24 on disk once each, no count of losses */
	sp = open_ok(dir, 64 * 1024);
	assert_records(sp, 21, 4);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.unrecorded, 0);
	assert_int_equal(append_event(sp), 25);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* Beyond the hold's bound an event is refused and counted; the count survives restarts, and
 * events still held when the spool closes are counted too (their seqs are issued again). */
static void events_beyond_the_hold_should_be_counted_for_good(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	struct rlimit old, lim;
	char buf[128];
	int64_t seq = 0;
	int i, refused = 0;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, 64 * 1024);
	hall_spool_set_hold(sp, 400); /* about ten events of ~40 bytes */
	memset(buf, 'p', 100);
	assert_int_equal(hall_spool_append(sp, buf, 100, &seq, &err), HALL_OK);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 110; /* below the segment's 120 bytes, above the state file's */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (i = 0; i < 30; i++) {
		event_for(buf, sizeof buf, hall_spool_next_seq(sp));
		hall_err e = hall_spool_append(sp, buf, strlen(buf), &seq, &err);
		if (e != HALL_OK) {
			assert_int_equal(e, HALL_ERR_IO);
			refused++;
		}
	}
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK); /* the count goes to the state */
	hall_spool_get_stats(sp, &st);
	assert_true(refused > 10);
	assert_int_equal(st.unrecorded, refused);
	assert_int_equal((int)st.held + refused, 30);
	assert_int_equal(st.seq_max, 1 + (int64_t)st.held);
	assert_non_null(strstr(hall_spool_last_error(sp), "events not recorded"));
	size_t held = st.held;
	/* closing while writing still fails: the held ones are lost, and counted */
	hall_spool_close(sp);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	sp = open_ok(dir, 64 * 1024);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.unrecorded, refused + (int)held);
	assert_int_equal(st.seq_max, 1);
	assert_int_equal(append_event(sp), 2); /* never published: issued again, no gap */
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* A real full file system: a 512 KiB tmpfs (needs root and mount; skipped elsewhere) that
 * another file fills while the spool runs. Events are kept in the space reserved ahead or
 * in memory, and every one is on disk, once, in order, when the space comes back. */
static char tmpfs_base[512];

/* Unmounted even when an assertion left the test midway. */
static int unmount_tmpfs(void **state)
{
	char cmd[1200];
	(void)state;
	if (!tmpfs_base[0])
		return 0;
	snprintf(cmd, sizeof cmd, "umount '%s/mnt' 2>/dev/null", tmpfs_base);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot unmount %s/mnt\n", tmpfs_base);
	hall_test_rmtree(tmpfs_base);
	tmpfs_base[0] = '\0';
	return 0;
}

static void a_full_tmpfs_should_lose_no_event_and_say_why(void **state)
{
	char *base = tmpfs_base, mnt[600], cmd[1400], filler[700], spool_dir[700];
	hall_spool *sp;
	hall_spool_stats st;
	hall_error err = {0};
	int i, fd;
	(void)state;
	/* CI and the README's test command run as root: a real full file system is part of
	 * what this test checks, so not being able to make one is a failure, not a skip. */
	if (geteuid() != 0)
		fail_msg("needs root to mount a 512 KiB tmpfs (run the tests as root)");
	hall_test_tmpdir(base, sizeof tmpfs_base, "spool-tmpfs");
	snprintf(mnt, sizeof mnt, "%s/mnt", base);
	assert_int_equal(mkdir(mnt, 0700), 0);
	snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=512k tmpfs '%s' 2>/dev/null", mnt);
	if (system(cmd) != 0) {
		hall_test_rmtree(base);
		base[0] = '\0';
		fail_msg("could not mount a tmpfs on %s", mnt);
	}
	snprintf(spool_dir, sizeof spool_dir, "%s/spool", mnt);
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	sp = open_ok(spool_dir, MiB); /* the bound is above the disk: the disk is what fails */
	for (i = 0; i < 10; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	/* all confirmed, as on a kiosk whose controller keeps up: the reservation must stay */
	assert_int_equal(hall_spool_confirm(sp, 10, &err), HALL_OK);
	/* somebody else takes every free byte */
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	{
		static char chunk[4096];
		while (write(fd, chunk, sizeof chunk) > 0)
			;
		assert_int_equal(errno, ENOSPC);
	}
	close(fd);
	/* 4000 events of ~40 bytes: more than the reserve ahead holds */
	for (i = 0; i < 4000; i++)
		append_event(sp);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 4010);
	assert_true(st.held > 0);         /* the disk is full: some wait in memory */
	assert_true(st.durable > 100);    /* the reserve took some */
	assert_int_equal(st.unrecorded, 0);
	assert_non_null(strstr(hall_spool_last_error(sp), "No space left on device"));
	/* a confirm still works on the full disk (the state's reserve) and frees room */
	assert_int_equal(hall_spool_confirm(sp, 20, &err), HALL_OK);
	/* the space comes back */
	assert_int_equal(unlink(filler), 0);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.held, 0);
	assert_int_equal(st.durable, 4010);
	assert_string_equal(hall_spool_last_error(sp), "");
	hall_spool_close(sp);
	sp = open_ok(spool_dir, MiB);
	assert_records(sp, 3990, 21);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.unrecorded, 0);
	hall_spool_close(sp);
}

static void open_should_refuse_a_bound_below_the_minimum(void **state)
{
	char dir[512];
	hall_spool *sp = NULL;
	hall_error err = {0};
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	assert_int_equal(hall_spool_open(dir, 100, &sp, &err), HALL_ERR_INVALID);
	assert_null(sp);
	hall_test_rmtree(dir);
}

static int build_event(void *ctx, int64_t seq, void **data, size_t *len)
{
	char buf[128];
	(void)ctx;
	event_for(buf, sizeof buf, seq);
	*data = strdup(buf);
	*len = strlen(buf);
	return *data ? 0 : -1;
}

static int build_nothing(void *ctx, int64_t seq, void **data, size_t *len)
{
	(void)ctx;
	(void)seq;
	(void)data;
	(void)len;
	return -1;
}

static void append_build_should_pass_the_seq_to_the_builder(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_error err = {0};
	int64_t seq = 0;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	append_event(sp);
	assert_int_equal(hall_spool_append_build(sp, build_event, NULL, &seq, &err), HALL_OK);
	assert_int_equal(seq, 2);
	assert_int_equal(hall_spool_append_build(sp, build_nothing, NULL, &seq, &err), HALL_ERR_INVALID);
	assert_int_equal(hall_spool_next_seq(sp), 3);
	assert_int_equal(hall_spool_sync(sp, &err), HALL_OK);
	assert_records(sp, 2, 1);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_keep_records_when_the_state_file_is_corrupt(void **state)
{
	char dir[512], path[1024];
	hall_spool *sp;
	hall_error err = {0};
	int i;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	sp = open_ok(dir, MiB);
	for (i = 0; i < 5; i++)
		append_event(sp);
	assert_int_equal(hall_spool_confirm(sp, 2, &err), HALL_OK);
	hall_spool_close(sp);
	snprintf(path, sizeof path, "%s/state", dir);
	{
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs("garbage\n", f);
		fclose(f);
	}
	sp = open_ok(dir, MiB);
	/* Confirmed state lost: everything still on disk is resent (the controller counts
	 * repeats once); the seq continues after the highest record. */
	assert_records(sp, 5, 1);
	assert_int_equal(append_event(sp), 6);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_read_the_v1_format_fixture(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	collected *c;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	copy_fixture_dir("spool/v1-good", dir);
	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.confirmed, 4);
	assert_int_equal(st.seq_max, 8);
	assert_int_equal(st.first, 5);
	c = read_all_records(sp);
	assert_int_equal(c->n, 4);
	assert_int_equal(c->seqs[0], 5);
	assert_string_equal(c->payloads[0],
	                    "{\"kiosk\":\"lobby-01\",\"seq\":5,\"ts\":1764057600005,\"type\":\"tap\",\"exhibit\":\"brand\",\"target\":\"next\"}");
	assert_int_equal(c->seqs[3], 8);
	free(c);
	assert_int_equal(append_event(sp), 9);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

static void open_should_cut_the_torn_v1_fixture(void **state)
{
	char dir[512];
	hall_spool *sp;
	hall_spool_stats st;
	collected *c;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	copy_fixture_dir("spool/v1-torn", dir);
	sp = open_ok(dir, MiB);
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.seq_max, 3); /* the torn record (seq 4) was never sent: 4 is issued again */
	assert_int_equal(st.first, 1);
	c = read_all_records(sp);
	assert_int_equal(c->n, 3);
	assert_int_equal(c->seqs[2], 3);
	free(c);
	assert_int_equal(append_event(sp), 4);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

/* ---- kill -9 in the middle of appending ---- */

/* The child appends forever, confirming now and then (so segments are deleted while it
 * runs), and reports every seq it got through the pipe after append returned. */
static void child_appender(const char *dir, int report_fd)
{
	hall_spool *sp = NULL;
	hall_error err = {0};
	int64_t n = 0;
	if (hall_spool_open(dir, 256 * 1024, &sp, &err) != HALL_OK)
		_exit(2);
	for (;;) {
		char buf[128];
		int64_t seq = 0;
		event_for(buf, sizeof buf, hall_spool_next_seq(sp));
		if (hall_spool_append(sp, buf, strlen(buf), &seq, &err) != HALL_OK)
			_exit(3);
		if (write(report_fd, &seq, sizeof seq) != (ssize_t)sizeof seq)
			_exit(4);
		if (++n % 64 == 0 && hall_spool_sync(sp, &err) != HALL_OK)
			_exit(5);
		if (n % 300 == 0 && hall_spool_confirm(sp, seq - 100, &err) != HALL_OK)
			_exit(6);
	}
}

static void killed_writer_should_leave_no_gap_no_duplicate_and_continue_the_seq(void **state)
{
	char dir[512];
	int round;
	int64_t last_seen_max = 0;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool");
	for (round = 0; round < 5; round++) {
		int fds[2];
		pid_t pid;
		int64_t got = 0, reported = 0, target = 500 + round * 377;
		int64_t seen = 0;
		time_t until = time(NULL) + 30;
		int status;
		hall_spool *sp;
		hall_spool_stats st;
		collected *c;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			child_appender(dir, fds[1]);
			_exit(0);
		}
		close(fds[1]);
		/* Let it write a round-dependent number of events, then kill it mid-stream. */
		while (seen < target && time(NULL) < until) {
			ssize_t r = read(fds[0], &got, sizeof got);
			if (r != (ssize_t)sizeof got)
				break;
			if (seen == 0)
				assert_int_equal(got, last_seen_max + 1); /* seq continues from last round */
			else
				assert_int_equal(got, reported + 1);
			reported = got;
			seen++;
		}
		kill(pid, SIGKILL);
		while (read(fds[0], &got, sizeof got) == (ssize_t)sizeof got) {
			assert_int_equal(got, reported + 1);
			reported = got;
		}
		close(fds[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_true(seen >= target);

		sp = open_ok(dir, 256 * 1024);
		hall_spool_get_stats(sp, &st);
		/* Every append that returned survived; at most the one in flight is extra. */
		assert_true(st.seq_max >= reported);
		assert_true(st.seq_max <= reported + 1);
		c = read_all_records(sp);
		assert_true(c->n > 0);
		assert_int_equal(c->n, (size_t)(st.seq_max - st.first + 1));
		assert_contiguous(c, st.first);
		assert_int_equal(c->seqs[c->n - 1], st.seq_max);
		free(c);
		last_seen_max = st.seq_max;
		hall_spool_close(sp);
	}
	hall_test_rmtree(dir);
}

/* hall_spool_rebuild_fn for event_for payloads: the same payload under the new seq. */
static int rebuild_for(void *ctx, const void *data, size_t len, int64_t new_seq, void **out, size_t *out_len)
{
	char buf[128];
	(*(size_t *)ctx)++;
	assert_true(len > 0 && memcmp(data, "{\"kiosk\":\"k1\"", 13) == 0);
	event_for(buf, sizeof buf, new_seq);
	*out = strdup(buf);
	*out_len = strlen(buf);
	return *out ? 0 : -1;
}

/* A wiped data directory: the controller confirms seq 500 to a spool that restarted at 1.
 * The seq moves past 500 before anything more is issued, and what was unconfirmed gets
 * new seqs 501.. in order; the jump survives a reopen. */
static void skip_past_should_move_the_seq_and_renumber_what_is_unconfirmed(void **state)
{
	char dir[512];
	hall_error err = {0};
	size_t moved = 0, rebuilt = 0;
	(void)state;
	hall_test_tmpdir(dir, sizeof dir, "spool-skip");
	hall_spool *sp = open_ok(dir, 4 * MiB);
	for (int i = 0; i < 3; i++)
		append_event(sp);
	assert_int_equal(hall_spool_confirm(sp, 1, &err), HALL_OK);
	assert_int_equal(hall_spool_skip_past(sp, 500, rebuild_for, &rebuilt, &moved, &err), HALL_OK);
	assert_int_equal(moved, 2);
	assert_int_equal(rebuilt, 2);
	assert_int_equal(hall_spool_next_seq(sp), 503);
	collected *c = read_all_records(sp);
	assert_int_equal(c->n, 2);
	assert_contiguous(c, 501);
	free(c);
	assert_int_equal(append_event(sp), 503);
	/* below seq_max now: nothing happens */
	assert_int_equal(hall_spool_skip_past(sp, 502, rebuild_for, &rebuilt, &moved, &err), HALL_OK);
	assert_int_equal(moved, 0);
	assert_int_equal(hall_spool_next_seq(sp), 504);
	hall_spool_close(sp);

	sp = open_ok(dir, 4 * MiB);
	assert_int_equal(hall_spool_next_seq(sp), 504);
	assert_records(sp, 3, 501);
	hall_spool_stats st;
	hall_spool_get_stats(sp, &st);
	assert_int_equal(st.confirmed, 500);
	assert_int_equal(st.first, 501);
	/* an empty spool jumps too */
	assert_int_equal(hall_spool_confirm(sp, 503, &err), HALL_OK);
	assert_int_equal(hall_spool_skip_past(sp, 900, rebuild_for, &rebuilt, &moved, &err), HALL_OK);
	assert_int_equal(moved, 0);
	assert_int_equal(hall_spool_next_seq(sp), 901);
	hall_spool_close(sp);
	sp = open_ok(dir, 4 * MiB);
	assert_int_equal(hall_spool_next_seq(sp), 901);
	hall_spool_close(sp);
	hall_test_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32_should_match_the_standard_check_value),
		cmocka_unit_test(append_should_assign_consecutive_seqs_from_one),
		cmocka_unit_test(read_should_hand_out_only_synced_records),
		cmocka_unit_test(read_should_respect_from_seq_and_batch_limits),
		cmocka_unit_test(reopen_should_keep_seq_and_unconfirmed_records),
		cmocka_unit_test(seq_should_continue_after_everything_was_confirmed_and_deleted),
		cmocka_unit_test(confirm_should_delete_only_fully_confirmed_segments),
		cmocka_unit_test(confirm_above_seq_max_should_be_clamped),
		cmocka_unit_test(open_should_cut_a_torn_tail_and_reissue_the_seq_its_header_names),
		cmocka_unit_test(a_torn_tail_after_a_confirm_should_still_have_its_seq_reissued),
		cmocka_unit_test(a_torn_first_record_of_a_segment_should_have_its_seq_reissued),
		cmocka_unit_test(a_whole_last_record_failing_its_crc_should_keep_its_seq_skipped),
		cmocka_unit_test(open_should_cut_a_torn_header_and_reissue_its_seq),
		cmocka_unit_test(open_should_drop_only_a_corrupt_record_and_keep_the_ones_after_it),
		cmocka_unit_test(a_crash_while_moving_records_should_not_duplicate_them),
		cmocka_unit_test(corruption_in_an_early_segment_should_lose_only_that_record),
		cmocka_unit_test(open_should_cut_a_huge_garbage_tail_of_a_segment),
		cmocka_unit_test(append_should_refuse_with_full_at_the_bound_and_keep_what_it_holds),
		cmocka_unit_test(append_should_reject_empty_and_oversized_payloads),
		cmocka_unit_test(records_larger_than_a_segment_should_each_get_their_own),
		cmocka_unit_test(append_should_remove_a_partial_record_when_the_disk_is_full),
		cmocka_unit_test(read_should_fail_when_a_record_changed_on_disk_after_open),
		cmocka_unit_test(filling_the_spool_should_warn_at_80_percent),
		cmocka_unit_test(confirm_should_change_nothing_when_the_state_cannot_be_written),
		cmocka_unit_test(open_should_refuse_a_bound_below_the_minimum),
		cmocka_unit_test(held_events_should_be_written_in_order_when_writing_works_again),
		cmocka_unit_test(events_beyond_the_hold_should_be_counted_for_good),
		cmocka_unit_test_teardown(a_full_tmpfs_should_lose_no_event_and_say_why, unmount_tmpfs),
		cmocka_unit_test(append_build_should_pass_the_seq_to_the_builder),
		cmocka_unit_test(open_should_keep_records_when_the_state_file_is_corrupt),
		cmocka_unit_test(open_should_read_the_v1_format_fixture),
		cmocka_unit_test(open_should_cut_the_torn_v1_fixture),
		cmocka_unit_test(killed_writer_should_leave_no_gap_no_duplicate_and_continue_the_seq),
		cmocka_unit_test(skip_past_should_move_the_seq_and_renumber_what_is_unconfirmed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
