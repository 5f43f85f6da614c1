/* replay_main.c: run a fuzz target's LLVMFuzzerTestOneInput over every file of a corpus
 * directory, so that ctest replays the seeds (and every crash once added to them) in a
 * normal build, with ASan/UBSan when HALL_SANITIZE is on.
 *
 * usage: fuzz_<name> DIR
 * Exit 0 when every file ran; 1 when DIR is missing, unreadable or holds no file (a lost
 * corpus must fail the test, not pass it by running nothing). A finding aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger inputs are not replayed: the targets' own limits are far below this. */
#define REPLAY_MAX_BYTES (64u << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > REPLAY_MAX_BYTES) {
		fprintf(stderr, "replay: %s: cannot stat or larger than %u bytes\n", path, REPLAY_MAX_BYTES);
		fclose(f);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	/* An exact-size heap buffer, so ASan sees any read past the input. */
	uint8_t *data = malloc(size ? size : 1);
	if (!data) {
		fclose(f);
		return -1;
	}
	size_t got = size ? fread(data, 1, size, f) : 0;
	fclose(f);
	if (got != size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		free(data);
		return -1;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int is_regular(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argc > 0 ? argv[0] : "replay");
		return 1;
	}
	struct dirent **names = NULL;
	int n = scandir(argv[1], &names, is_regular, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: cannot read corpus directory %s\n", argv[1]);
		return 1;
	}
	int ran = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		int len = snprintf(path, sizeof path, "%s/%s", argv[1], names[i]->d_name);
		if (len > 0 && (size_t)len < sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) == 0)
				ran++;
			else
				failed++;
		}
		free(names[i]);
	}
	free(names);
	if (ran == 0) {
		fprintf(stderr, "replay: no corpus files in %s\n", argv[1]);
		return 1;
	}
	printf("replay: %d inputs from %s\n", ran, argv[1]);
	return failed ? 1 : 0;
}
