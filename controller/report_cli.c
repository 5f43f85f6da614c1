/* report_cli.c: the report as staff get it: rendering in a format and a language
 * (hall_report_render picks the writer in one place), the day's files the daemon writes
 * at closing time, and `hall-controller report`. */
#include "report_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"
#include "hall/fsutil.h"
#include "hall/json.h"
#include "hall/log.h"

hall_err hall_report_render(const hall_report *r, hall_report_format fmt, hall_lang lang, char **out, size_t *len,
                            hall_error *err)
{
	*out = NULL;
	if ((unsigned)lang >= HALL_LANG_COUNT)
		return hall_error_set(err, HALL_ERR_INVALID, "lang", "not one of the hall's languages");
	if (fmt == HALL_REPORT_JSON) {
		*out = report__write_json(r, lang, len);
		return *out ? HALL_OK : hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
	}
	hall_strbuf b;
	hall_strbuf_init(&b);
	switch (fmt) {
	case HALL_REPORT_TEXT: report__write_text(r, lang, &b); break;
	case HALL_REPORT_CSV: report__write_csv(r, lang, &b); break;
	case HALL_REPORT_HTML: report__write_html(r, lang, &b); break;
	case HALL_REPORT_JSON: break;
	}
	*out = hall_strbuf_take(&b, len);
	return *out ? HALL_OK : hall_error_set(err, HALL_ERR_NOMEM, "report", "out of memory");
}

hall_schedule *hall_report_load_opening(hall_store *store)
{
	hall_store_desired d;
	memset(&d, 0, sizeof d);
	if (hall_store_get_desired(store, "schedule", "all", &d, NULL) != HALL_OK)
		return NULL;
	hall_schedule *sch = NULL;
	cJSON *env = NULL;
	hall_error e = {0};
	if (!d.cleared && d.payload && hall_json_parse(d.payload, d.payload_len, 4u << 20, &env, &e) == HALL_OK) {
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(env, "schedule");
		char *s = inner ? cJSON_PrintUnformatted(inner) : NULL;
		if (s && hall_schedule_parse(s, strlen(s), &sch, &e) != HALL_OK)
			hall_warn("report: the stored schedule does not parse (%s: %s); counting whole days", e.path, e.msg);
		free(s);
	}
	cJSON_Delete(env);
	hall_store_desired_free(&d);
	return sch;
}

void hall_report_options_from_config(hall_report_options *opt, const hall_controller_config *cfg, const char *from,
                                     const char *to)
{
	memset(opt, 0, sizeof *opt);
	snprintf(opt->from_day, sizeof opt->from_day, "%.10s", from);
	snprintf(opt->to_day, sizeof opt->to_day, "%.10s", to);
	opt->tz = cfg->time_zone;
	opt->raw_retention_days = cfg->raw_retention_days;
	opt->expected = (const char (*)[HALL_ID_MAX + 1])cfg->kiosks;
	opt->n_expected = cfg->n_kiosks;
	opt->data_dir = cfg->data_dir;
}

hall_err hall_report_write_day(hall_store *store, const hall_controller_config *cfg, const char *day, hall_error *err)
{
	hall_report_options opt;
	hall_report_options_from_config(&opt, cfg, day, day);
	hall_schedule *sch = hall_report_load_opening(store);
	opt.opening = sch;
	hall_report *r = NULL;
	hall_err rc = hall_report_build(store, &opt, &r, err);
	if (rc != HALL_OK)
		goto out;
	rc = hall_fs_mkdirs(cfg->reports_dir, err);
	if (rc != HALL_OK)
		goto out;
	static const struct {
		hall_report_format f;
		const char *ext;
	} outs[] = {{HALL_REPORT_HTML, "html"}, {HALL_REPORT_CSV, "csv"}, {HALL_REPORT_JSON, "json"}};
	for (size_t i = 0; i < 3; i++) {
		char *data = NULL;
		size_t len = 0;
		char name[64], path[4200];
		rc = hall_report_render(r, outs[i].f, cfg->report_lang, &data, &len, err);
		if (rc != HALL_OK)
			goto out;
		snprintf(name, sizeof name, "report-%s.%s", day, outs[i].ext);
		hall_fs_join(path, sizeof path, cfg->reports_dir, name);
		rc = hall_fs_write_atomic(path, data, len, err);
		free(data);
		if (rc != HALL_OK)
			goto out;
		hall_info("report: wrote %s", path);
	}
out:
	hall_report_destroy(r);
	hall_schedule_destroy(sch);
	return rc;
}

static void today_local(const char *tz, char *out, size_t len)
{
	hall_civil c;
	if (hall_clock_to_civil(hall_clock_now_ms(), tz, &c) == 0)
		snprintf(out, len, "%04d-%02d-%02d", c.year, c.month, c.day);
	else
		snprintf(out, len, "1970-01-01");
}

int hall_report_cli(hall_store *store, const hall_controller_config *cfg, int argc, char **argv)
{
	const char *date = NULL, *from = NULL, *to = NULL, *format = "text", *outp = NULL, *langs = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--date")     ? &date
		                    : !strcmp(a, "--from")   ? &from
		                    : !strcmp(a, "--to")     ? &to
		                    : !strcmp(a, "--format") ? &format
		                    : !strcmp(a, "--out")    ? &outp
		                    : !strcmp(a, "--lang")   ? &langs
		                                             : NULL;
		if (!slot) {
			fprintf(stderr, "hall-controller report: unknown option %s\n", a);
			return 2;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "hall-controller report: %s needs a value\n", a);
			return 2;
		}
		*slot = argv[++i];
	}
	hall_report_format fmt;
	if (hall_report_format_from_name(format, &fmt) != 0) {
		fprintf(stderr, "hall-controller report: --format: expected text, csv, json or html, got \"%s\"\n", format);
		return 2;
	}
	hall_lang lang = cfg->report_lang; /* the config's report_lang, checked when it was read */
	if (langs && hall_lang_from_code(langs, &lang) != 0) {
		fprintf(stderr, "hall-controller report: --lang: expected ko, en, ja, zh-Hans or zh-Hant, got \"%s\"\n",
		        langs);
		return 2;
	}
	char today[32];
	today_local(cfg->time_zone, today, sizeof today);
	const char *dates[][2] = {{"--date", date}, {"--from", from}, {"--to", to}};
	for (size_t i = 0; i < 3; i++) {
		int y, m, d;
		if (dates[i][1] && hall_clock_parse_date(dates[i][1], &y, &m, &d) != 0) {
			fprintf(stderr, "hall-controller report: %s: expected a date YYYY-MM-DD, got \"%s\"\n", dates[i][0],
			        dates[i][1]);
			return 2;
		}
	}
	if (date && (from || to)) {
		fprintf(stderr, "hall-controller report: give --date, or --from and --to, not both\n");
		return 2;
	}
	const char *first = date ? date : from ? from : today;
	hall_report_options opt;
	hall_report_options_from_config(&opt, cfg, first, date ? date : to ? to : first);
	hall_schedule *sch = hall_report_load_opening(store);
	opt.opening = sch;
	hall_report *r = NULL;
	hall_error err = {0};
	char *data = NULL;
	size_t len = 0;
	int code = 1;
	hall_err rc = hall_report_build(store, &opt, &r, &err);
	if (rc == HALL_OK)
		rc = hall_report_render(r, fmt, lang, &data, &len, &err);
	if (rc != HALL_OK) {
		fprintf(stderr, "hall-controller report: %s%s%s\n", err.path, err.path[0] ? ": " : "", err.msg);
		code = rc == HALL_ERR_INVALID ? 2 : 1;
		goto out;
	}
	if (outp) {
		if (hall_fs_write_atomic(outp, data, len, &err) != HALL_OK) {
			fprintf(stderr, "hall-controller report: %s: %s\n", err.path, err.msg);
			goto out;
		}
		fprintf(stderr, "report written to %s (%s)\n", outp, hall_report_is_complete(r) ? "complete" : "INCOMPLETE");
	} else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		fprintf(stderr, "hall-controller report: cannot write to standard output: %s\n", strerror(errno));
		goto out;
	}
	code = 0;
out:
	free(data);
	hall_report_destroy(r);
	hall_schedule_destroy(sch);
	return code;
}
