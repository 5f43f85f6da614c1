/* bench_report: time to build and render the report of one day of N events (default
 * 1,000,000 from 50 kiosks), the facility team's morning report at a busy hall.
 *
 *   build/bench/bench_report [EVENTS] [DB_DIR]
 *
 * Fills a fresh SQLite store through the same hall_store_insert_events the daemon uses
 * (batches of 1000), then times hall_report_build and each format's rendering, and prints
 * the peak RSS. Target: build + render <= 1 s for 1,000,000 events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "hall/clock.h"
#include "report.h"
#include "store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 1000000;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	if (total < 1000 || total > 50000000) {
		fprintf(stderr, "usage: bench_report [EVENTS 1000..50000000] [DB_DIR]\n");
		return 2;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/bench-report-%ld.db", dir, (long)getpid());
	/* HALL_BENCH_DB=FILE reuses a kept database and only times the report */
	int reuse = getenv("HALL_BENCH_DB") != NULL;
	if (reuse)
		snprintf(path, sizeof path, "%s", getenv("HALL_BENCH_DB"));
	hall_store *s = NULL;
	hall_error err = {0};
	if (hall_store_open_sqlite(path, &s, &err) != HALL_OK) {
		fprintf(stderr, "%s: %s\n", err.path, err.msg);
		return 1;
	}
	hall_civil day = {.year = 2026, .month = 11, .day = 24, .hour = 10};
	int64_t open_ms = 0;
	hall_clock_from_civil(&day, "Asia/Seoul", &open_ms);
	const int kiosks = 50;
	static const char *types[] = {"tap", "tap", "tap", "view", "view", "session_start", "session_end", "language",
	                              "mode", "vote"};
	static const char *exhibits[] = {"brand", "policy", "city-model", "poll"};
	hall_event *batch = calloc(1000, sizeof *batch);
	long per_kiosk = total / kiosks;
	double t0 = now_s();
	long made = 0;
	for (int k = 0; k < kiosks && !reuse; k++) {
		for (long i = 0; i < per_kiosk;) {
			size_t n = 0;
			for (; n < 1000 && i < per_kiosk; n++, i++) {
				hall_event *e = &batch[n];
				memset(e, 0, sizeof *e);
				snprintf(e->kiosk, sizeof e->kiosk, "kiosk-%02d", k);
				e->seq = i + 1;
				/* spread over 11 opening hours */
				e->ts = open_ms + (int64_t)((double)i / (double)per_kiosk * 11.0 * 3600000.0);
				hall_event_type_from_name(types[i % 10], &e->type);
				snprintf(e->exhibit, sizeof e->exhibit, "%s", exhibits[(i / 10) % 4]);
				snprintf(e->target, sizeof e->target, "control-%ld", i % 37);
				e->session = i / 20 + 1;
				e->dwell_ms = e->type == HALL_EVENT_SESSION_END ? 30000 + (i % 1000) * 100 : -1;
				snprintf(e->lang, sizeof e->lang, "%s", (i % 5) == 0 ? "en" : "ko");
				if (e->type == HALL_EVENT_VOTE)
					snprintf(e->poll, sizeof e->poll, "brand-vote");
			}
			if (hall_store_insert_events(s, batch, n, NULL, &err) != HALL_OK) {
				fprintf(stderr, "insert: %s: %s\n", err.path, err.msg);
				return 1;
			}
			made += (long)n;
		}
	}
	double t1 = now_s();
	printf("filled %ld events from %d kiosks in %.2f s (%.0f events/s through insert_events)\n", made, kiosks,
	       t1 - t0, (double)made / (t1 - t0));

	hall_report_options opt;
	memset(&opt, 0, sizeof opt);
	snprintf(opt.from_day, sizeof opt.from_day, "2026-11-24");
	snprintf(opt.to_day, sizeof opt.to_day, "2026-11-24");
	opt.tz = "Asia/Seoul";
	double best_build = 1e9;
	hall_report *r = NULL;
	for (int rep = 0; rep < 3; rep++) {
		hall_report_destroy(r);
		r = NULL;
		double a = now_s();
		if (hall_report_build(s, &opt, &r, &err) != HALL_OK) {
			fprintf(stderr, "report: %s: %s\n", err.path, err.msg);
			return 1;
		}
		double b = now_s();
		if (b - a < best_build)
			best_build = b - a;
	}
	printf("report build (best of 3): %.3f s\n", best_build);
	static const char *names[] = {"text", "csv", "json", "html"};
	for (int f = 0; f < 4; f++) {
		char *out = NULL;
		size_t len = 0;
		double a = now_s();
		hall_report_render(r, (hall_report_format)f, HALL_LANG_KO, &out, &len, &err);
		printf("render %-4s: %.4f s, %zu bytes\n", names[f], now_s() - a, len);
		free(out);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS: %.1f MB\n", (double)ru.ru_maxrss / 1024.0);
	hall_report_destroy(r);
	hall_store_close(s);
	free(batch);
	if (getenv("HALL_BENCH_KEEP_DB")) {
		printf("kept %s\n", path);
		return 0;
	}
	unlink(path);
	char side[1100];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}
