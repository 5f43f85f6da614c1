/* fuzz_spool.c: hall_spool_open must survive any bytes in a segment file (a torn write, a
 * bad disk, a person's cp) and leave a spool whose invariants hold: records read back in
 * rising seq order, the counts agree, and the next seq is above everything seen.
 *
 * Input: byte 0 picks the segment's file name (first seq 1 or 5) and whether a state file
 * "confirmed 2 / seq_max 3" sits beside it; the rest is the segment file's contents. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hall/log.h"
#include "hall/spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct check {
	int64_t last;
	uint64_t n;
} check;

static int on_record(void *ctx, int64_t seq, const void *p, size_t len)
{
	check *c = ctx;
	(void)p;
	if (seq <= c->last || len == 0 || len > HALL_SPOOL_MAX_RECORD)
		abort();
	c->last = seq;
	c->n++;
	return 0;
}

static char dir[256];

static void write_file(const char *name, const void *p, size_t len)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (len && fwrite(p, 1, len, f) != len)
		abort();
	fclose(f);
}

/* Remove every file in dir (recovery may create segments named after any seq). */
static void clear_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];
	if (!d)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
}

static void remove_dir(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz_spool: cannot remove %s\n", dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hall_spool *sp = NULL;
	hall_spool_stats st;
	hall_error err = {0};
	check c = { 0, 0 };
	int64_t seq = 0;
	uint8_t mode;

	if (!dir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/hall-fuzzspool-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
		hall_log_set_level(HALL_LOG_ERROR); /* corrupt input is the point: keep the replay quiet */
	}
	if (size == 0)
		return 0;
	mode = data[0];
	clear_dir();
	write_file((mode & 1) ? "seg-00000000000000000005.log" : "seg-00000000000000000001.log", data + 1, size - 1);
	if (mode & 2) {
		const char *state = "hall-spool 1\nconfirmed 2\nseq_max 3\n";
		write_file("state", state, strlen(state));
	}
	if (hall_spool_open(dir, 1024 * 1024, &sp, &err) != HALL_OK)
		return 0; /* refusing is allowed; crashing is not */
	hall_spool_get_stats(sp, &st);
	if (hall_spool_read(sp, 0, 0, 0, on_record, &c, NULL, &err) != HALL_OK)
		abort(); /* open validated every record it kept */
	if (c.n != st.count || (c.n && c.last > st.seq_max) || st.first > st.seq_max + 1)
		abort();
	if (hall_spool_append(sp, "x", 1, &seq, &err) == HALL_OK && seq != st.seq_max + 1)
		abort();
	hall_spool_close(sp);
	return 0;
}
