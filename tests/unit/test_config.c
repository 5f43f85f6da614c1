/* test_config.c: the kiosk and controller configs: shipped files, defaults, every field,
 * one-line errors that name file and field, and the shared command-line options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "hall/config.h"
#include "hall/fsutil.h"

static char *fixture(const char *name, size_t *len)
{
	char rel[256];
	snprintf(rel, sizeof rel, "config/%s", name);
	return hall_test_read_fixture(rel, len);
}

static const char *formatted(const hall_error *err)
{
	static char buf[512];
	return hall_error_format(err, buf, sizeof buf);
}

/* A bad config file was refused as invalid with exactly the one line expected. */
static void assert_refused_as(const char *file, hall_err rc, const hall_error *err, const char *expected)
{
	if (rc != HALL_ERR_INVALID)
		fail_msg("%s: accepted (rc %d)", file, rc);
	if (strcmp(formatted(err), expected) != 0)
		fail_msg("%s:\n  got      %s\n  expected %s", file, formatted(err), expected);
	assert_null(strchr(formatted(err), '\n'));
}

/* ------------------------------------------------------------------ kiosk */

static void shipped_kiosk_config_should_hold_exactly_the_defaults(void **state)
{
	(void)state;
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.config = HALL_SOURCE_DIR "/config/kiosk.json";
	hall_kiosk_config loaded, expected;
	hall_error err = {0};
	assert_int_equal(hall_kiosk_config_load(&args, &loaded, &err), HALL_OK);

	hall_kiosk_config_defaults(&expected);
	snprintf(expected.id, sizeof expected.id, "kiosk-01");
	assert_int_equal(hall_kiosk_config_finish(&expected, &err), HALL_OK);
	/* the two differ only in where they came from. The shipped file leaves data_dir out
	 * on purpose, so that `--id kiosk-02` alone gives that kiosk its own var/kiosk-02. */
	assert_false(loaded.data_dir_set);
	assert_true(loaded.staff_pin_set); /* the shipped file writes the default PIN out */
	loaded.staff_pin_set = false;
	assert_string_equal(loaded.source, args.config);
	memcpy(loaded.source, expected.source, sizeof loaded.source);
	assert_memory_equal(&loaded, &expected, sizeof loaded);

	/* and the defaults are the documented ones */
	assert_string_equal(loaded.broker.host, "127.0.0.1");
	assert_int_equal(loaded.broker.port, 1883);
	assert_string_equal(loaded.broker.username, "kiosk-01"); /* null -> the id */
	assert_false(loaded.broker.has_password);
	assert_string_equal(loaded.topic_prefix, "hall/v1");
	assert_true(loaded.retain);
	assert_string_equal(loaded.data_dir, "var/kiosk-01");
	assert_string_equal(loaded.time_zone, "Asia/Seoul");
	assert_true(loaded.screen.width_mm == 1210.0);
	assert_true(loaded.screen.bottom_mm == 540.0);
	assert_int_equal(loaded.session.more_time_s, 20);
	assert_int_equal(loaded.session.max_extensions, 10);
	assert_int_equal(loaded.spool.max_bytes, 67108864);
	assert_int_equal(loaded.spool.window, 500);
	assert_int_equal(loaded.log_level, HALL_LOG_INFO);
}

static void minimal_kiosk_config_should_take_data_dir_and_username_from_the_id(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("kiosk_minimal.json", &n);
	hall_kiosk_config cfg;
	hall_kiosk_config_defaults(&cfg);
	assert_int_equal(hall_kiosk_config_parse(buf, n, "kiosk_minimal.json", &cfg, NULL), HALL_OK);
	assert_int_equal(hall_kiosk_config_finish(&cfg, NULL), HALL_OK);
	assert_string_equal(cfg.id, "kiosk-07");
	assert_string_equal(cfg.data_dir, "var/kiosk-07");
	assert_string_equal(cfg.broker.username, "kiosk-07");
	assert_string_equal(cfg.group, "lobby");
	assert_string_equal(cfg.fonts.regular, "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
	free(buf);
}

static void custom_kiosk_config_should_read_every_field(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("kiosk_custom.json", &n);
	hall_kiosk_config cfg;
	hall_error err = {0};
	hall_kiosk_config_defaults(&cfg);
	assert_int_equal(hall_kiosk_config_parse(buf, n, "custom", &cfg, &err), HALL_OK);
	assert_int_equal(hall_kiosk_config_finish(&cfg, &err), HALL_OK);
	assert_string_equal(cfg.id, "policy-03");
	assert_string_equal(cfg.group, "policy_hall");
	assert_string_equal(cfg.broker.host, "broker.hall.local");
	assert_int_equal(cfg.broker.port, 8883);
	assert_string_equal(cfg.broker.username, "policy-03");
	assert_true(cfg.broker.has_password);
	assert_string_equal(cfg.broker.password, "s3cret");
	assert_int_equal(cfg.broker.keepalive_s, 15);
	assert_string_equal(cfg.topic_prefix, "seoul/hall/v1");
	assert_false(cfg.retain);
	assert_string_equal(cfg.data_dir, "/var/lib/hall/policy-03");
	assert_string_equal(cfg.default_content, "/opt/hall/assets/default");
	assert_string_equal(cfg.time_zone, "UTC");
	assert_int_equal(cfg.screen.width_px, 1080);
	assert_int_equal(cfg.screen.height_px, 1920);
	assert_true(cfg.screen.width_mm == 680.0);
	assert_true(cfg.screen.height_mm == 1210.0);
	assert_true(cfg.screen.bottom_mm == 300.5);
	assert_false(cfg.screen.fullscreen);
	assert_int_equal(cfg.session.idle_timeout_s, 90);
	assert_int_equal(cfg.session.more_time_s, 30);
	assert_int_equal(cfg.session.max_extensions, 12);
	assert_int_equal(cfg.session.apply_wait_s, 0);
	assert_string_equal(cfg.broker.cafile, "/etc/hall/ca.crt");
	assert_string_equal(cfg.controller_key, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	assert_memory_equal(cfg.staff_pin_hash, "$argon2id$v=19$", 15);
	assert_false(cfg.staff_pin_set);
	assert_string_equal(cfg.fonts.regular, "fonts/Regular.ttc"); /* relative: kept as written */
	assert_string_equal(cfg.fonts.bold, "fonts/Bold.ttc");
	assert_false(cfg.voice.enabled);
	assert_int_equal(cfg.voice.volume, 40);
	assert_int_equal(cfg.voice.rate, 120);
	assert_int_equal(cfg.spool.max_bytes, 1048576);
	assert_int_equal(cfg.spool.batch_max, 1000);
	assert_int_equal(cfg.spool.batch_ms, 0);
	assert_int_equal(cfg.spool.resend_ms, 100);
	assert_int_equal(cfg.spool.window, 10000);
	assert_int_equal(cfg.log_level, HALL_LOG_DEBUG);
	free(buf);
}

static const struct {
	const char *file;
	const char *expected; /* the whole one-line error, with source "config/kiosk.json" */
} BAD_KIOSK[] = {
	{"kiosk_bad_width.json", "config/kiosk.json: screen.width_mm: expected number 50..5000"},
	{"kiosk_width_string.json", "config/kiosk.json: screen.width_mm: expected number 50..5000"},
	{"kiosk_unknown_key.json", "config/kiosk.json: screne: unknown field (misspelt?)"},
	{"kiosk_unknown_nested_key.json", "config/kiosk.json: screen.widht_mm: unknown field (misspelt?)"},
	{"kiosk_bad_id.json", "config/kiosk.json: id: expected an id: 1 to 64 of a-z 0-9 - _"},
	{"kiosk_bad_tz.json",
	 "config/kiosk.json: time_zone: unknown time zone \"Asia/Busan\" (expected an IANA name like \"Asia/Seoul\")"},
	{"kiosk_more_time_short.json", "config/kiosk.json: session.more_time_s: expected integer 20..600"},
	{"kiosk_bad_port.json", "config/kiosk.json: broker.port: expected integer 1..65535"},
	{"kiosk_huge_value.json", "config/kiosk.json: spool.max_bytes: expected integer 1048576..68719476736"},
	{"kiosk_bad_pin.json", "config/kiosk.json: staff_pin: expected 4 to 16 digits"},
	{"kiosk_bad_prefix.json",
	 "config/kiosk.json: topic_prefix: expected topic levels like \"hall/v1\" (no wildcards, no empty level)"},
	{"kiosk_bad_log_level.json", "config/kiosk.json: log_level: expected \"debug\", \"info\", \"warn\" or \"error\""},
	{"kiosk_retain_string.json", "config/kiosk.json: retain: expected true or false"},
	{"kiosk_array.json", "config/kiosk.json: (root): expected a JSON object"},
};

static void bad_kiosk_configs_should_fail_with_one_line_naming_the_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof BAD_KIOSK / sizeof BAD_KIOSK[0]; i++) {
		size_t n;
		char *buf = fixture(BAD_KIOSK[i].file, &n);
		hall_kiosk_config cfg;
		hall_error err = {0};
		hall_kiosk_config_defaults(&cfg);
		hall_err rc = hall_kiosk_config_parse(buf, n, "config/kiosk.json", &cfg, &err);
		assert_refused_as(BAD_KIOSK[i].file, rc, &err, BAD_KIOSK[i].expected);
		free(buf);
	}
}

static void malformed_kiosk_json_should_fail_naming_the_file(void **state)
{
	(void)state;
	static const char *const files[] = {"kiosk_malformed.json", "kiosk_trailing.json"};
	for (size_t i = 0; i < 2; i++) {
		size_t n;
		char *buf = fixture(files[i], &n);
		hall_kiosk_config cfg;
		hall_error err = {0};
		hall_kiosk_config_defaults(&cfg);
		assert_int_equal(hall_kiosk_config_parse(buf, n, "config/kiosk.json", &cfg, &err), HALL_ERR_INVALID);
		assert_string_equal(err.path, "config/kiosk.json");
		assert_true(strstr(err.msg, "JSON") || strstr(err.msg, "after"));
		free(buf);
	}
}

static void kiosk_config_without_id_should_fail_unless_given_on_the_command_line(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "cfg");
	hall_fs_join(path, sizeof path, dir, "kiosk.json");
	size_t n;
	char *buf = fixture("kiosk_no_id.json", &n);
	assert_int_equal(hall_fs_write_atomic(path, buf, n, NULL), HALL_OK);
	free(buf);

	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.config = path;
	hall_kiosk_config cfg;
	hall_error err = {0};
	assert_int_equal(hall_kiosk_config_load(&args, &cfg, &err), HALL_ERR_INVALID);
	char expected[700];
	snprintf(expected, sizeof expected, "%s: id: missing (give \"id\" in the file or --id)", path);
	assert_string_equal(formatted(&err), expected);

	args.id = "lobby-09";
	args.data_dir = NULL;
	assert_int_equal(hall_kiosk_config_load(&args, &cfg, &err), HALL_OK);
	assert_string_equal(cfg.id, "lobby-09");
	assert_string_equal(cfg.data_dir, "var/lobby-09");
	assert_string_equal(cfg.broker.username, "lobby-09");

	args.data_dir = "/tmp/elsewhere";
	assert_int_equal(hall_kiosk_config_load(&args, &cfg, &err), HALL_OK);
	assert_string_equal(cfg.data_dir, "/tmp/elsewhere");
	hall_test_rmtree(dir);
}

static void loading_a_missing_file_should_name_it(void **state)
{
	(void)state;
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.config = "/nonexistent/dir/kiosk.json";
	hall_kiosk_config cfg;
	hall_error err = {0};
	assert_int_equal(hall_kiosk_config_load(&args, &cfg, &err), HALL_ERR_NOT_FOUND);
	assert_non_null(strstr(formatted(&err), "/nonexistent/dir/kiosk.json"));
	hall_controller_config ccfg;
	assert_int_equal(hall_controller_config_load(&args, &ccfg, &err), HALL_ERR_NOT_FOUND);
	assert_null(ccfg.kiosks);
}

static void a_config_file_over_256_KiB_should_be_refused(void **state)
{
	(void)state;
	char dir[512], path[600];
	hall_test_tmpdir(dir, sizeof dir, "cfg");
	hall_fs_join(path, sizeof path, dir, "big.json");
	size_t n = HALL_CONFIG_FILE_MAX + 10;
	char *buf = malloc(n);
	assert_non_null(buf);
	memset(buf, ' ', n);
	memcpy(buf, "{\"id\":\"k1\"}", 11);
	assert_int_equal(hall_fs_write_atomic(path, buf, n, NULL), HALL_OK);
	free(buf);
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.config = path;
	hall_kiosk_config cfg;
	hall_error err = {0};
	assert_int_equal(hall_kiosk_config_load(&args, &cfg, &err), HALL_ERR_TOO_BIG);
	hall_test_rmtree(dir);
}

/* ------------------------------------------------------------------ controller */

static void shipped_controller_config_should_hold_exactly_the_defaults(void **state)
{
	(void)state;
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.config = HALL_SOURCE_DIR "/config/controller.json";
	hall_controller_config loaded, expected;
	hall_error err = {0};
	assert_int_equal(hall_controller_config_load(&args, &loaded, &err), HALL_OK);
	hall_controller_config_defaults(&expected);
	assert_true(loaded.reports_dir_set);
	loaded.reports_dir_set = false;
	memcpy(loaded.source, expected.source, sizeof loaded.source);
	assert_memory_equal(&loaded, &expected, sizeof loaded);
	assert_string_equal(loaded.broker.username, "controller");
	assert_int_equal(loaded.closing_hour, 21);
	assert_int_equal(loaded.closing_minute, 0);
	assert_int_equal(loaded.report_lang, HALL_LANG_KO);
	assert_int_equal(loaded.n_kiosks, 0);
	assert_true(hall_controller_config_allows(&loaded, "any-kiosk"));
	assert_string_equal(loaded.on_alert, "");
	hall_controller_config_free(&loaded);
	hall_controller_config_free(&expected);
}

static void custom_controller_config_should_read_every_field(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("controller_custom.json", &n);
	hall_controller_config cfg;
	hall_error err = {0};
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(buf, n, "custom", &cfg, &err), HALL_OK);
	assert_string_equal(cfg.broker.host, "10.0.0.5");
	assert_int_equal(cfg.broker.port, 1884);
	assert_string_equal(cfg.broker.username, ""); /* null: connect without a username */
	assert_int_equal(cfg.broker.keepalive_s, 60);
	assert_false(cfg.retain);
	assert_string_equal(cfg.data_dir, "/srv/hall");
	assert_string_equal(cfg.time_zone, "Asia/Tokyo");
	assert_string_equal(cfg.closing_time, "18:30");
	assert_int_equal(cfg.closing_hour, 18);
	assert_int_equal(cfg.closing_minute, 30);
	assert_string_equal(cfg.reports_dir, "/srv/hall/out");
	assert_int_equal(cfg.report_lang, HALL_LANG_EN);
	assert_int_equal(cfg.n_kiosks, 3);
	assert_string_equal(cfg.kiosks[2], "policy-01");
	assert_true(hall_controller_config_allows(&cfg, "lobby-02"));
	assert_false(hall_controller_config_allows(&cfg, "lobby-03"));
	assert_false(hall_controller_config_allows(&cfg, NULL));
	assert_string_equal(cfg.on_alert, "/usr/local/bin/hall-alert");
	assert_int_equal(cfg.raw_retention_days, 365);
	assert_int_equal(cfg.ingest.batch_ms, 50);
	assert_int_equal(cfg.ingest.batch_max, 5000);
	assert_int_equal(cfg.log_level, HALL_LOG_WARN);
	/* --data does not move a reports_dir the file set */
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.data_dir = "/data";
	assert_int_equal(hall_controller_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_string_equal(cfg.reports_dir, "/srv/hall/out");
	hall_controller_config_free(&cfg);
	hall_controller_config_free(&cfg);
	free(buf);
}

static const struct {
	const char *file;
	const char *expected;
} BAD_CONTROLLER[] = {
	{"controller_bad_closing.json", "c.json: closing_time: expected \"HH:MM\" (00:00..23:59)"},
	{"controller_short_closing.json", "c.json: closing_time: expected \"HH:MM\" (00:00..23:59)"},
	{"controller_bad_kiosks.json", "c.json: kiosks[1]: expected an id: 1 to 64 of a-z 0-9 - _"},
	{"controller_kiosks_string.json", "c.json: kiosks: expected an array of kiosk ids (empty = any kiosk)"},
	{"controller_bad_lang.json", "c.json: report_lang: expected \"ko\", \"en\", \"zh-Hans\", \"zh-Hant\" or \"ja\", got \"de\""},
	{"controller_bad_ingest.json", "c.json: ingest.batch_ms: expected integer 0..60000"},
	{"controller_bad_on_alert.json", "c.json: on_alert: expected null or a string of at most 511 bytes"},
};

static void bad_controller_configs_should_fail_with_one_line_naming_the_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof BAD_CONTROLLER / sizeof BAD_CONTROLLER[0]; i++) {
		size_t n;
		char *buf = fixture(BAD_CONTROLLER[i].file, &n);
		hall_controller_config cfg;
		hall_error err = {0};
		hall_controller_config_defaults(&cfg);
		hall_err rc = hall_controller_config_parse(buf, n, "c.json", &cfg, &err);
		assert_refused_as(BAD_CONTROLLER[i].file, rc, &err, BAD_CONTROLLER[i].expected);
		hall_controller_config_free(&cfg);
		free(buf);
	}
}

/* The controller's id (its MQTT client id): "hall-controller" by default, the file's "id",
 * then --id; a bad one is one line naming the field. */
static void controller_id_should_come_from_the_file_then_from_id(void **state)
{
	(void)state;
	size_t n;
	char *buf = fixture("controller_with_id.json", &n); /* {"id":"controller"} */
	hall_controller_config cfg;
	hall_error err = {0};
	hall_controller_config_defaults(&cfg);
	assert_string_equal(cfg.id, "hall-controller");
	assert_int_equal(hall_controller_config_parse(buf, n, "c.json", &cfg, &err), HALL_OK);
	assert_string_equal(cfg.id, "controller");
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.id = "ctl-b_2";
	assert_int_equal(hall_controller_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_string_equal(cfg.id, "ctl-b_2");
	args.id = "Not An Id";
	assert_int_equal(hall_controller_config_apply_args(&cfg, &args, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "--id");
	assert_string_equal(formatted(&err), "--id: \"Not An Id\" is not an id: expected 1 to 64 of a-z 0-9 - _");
	assert_string_equal(cfg.id, "ctl-b_2");
	hall_controller_config_free(&cfg);
	free(buf);
	static const char *const bad[] = {"{\"id\":\"Not An Id\"}", "{\"id\":\"\"}", "{\"id\":7}",
	                                  "{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hall_controller_config_defaults(&cfg);
		if (hall_controller_config_parse(bad[i], strlen(bad[i]), "c.json", &cfg, &err) != HALL_ERR_INVALID)
			fail_msg("%s accepted", bad[i]);
		assert_string_equal(formatted(&err), "c.json: id: expected an id: 1 to 64 of a-z 0-9 - _");
		hall_controller_config_free(&cfg);
	}
	/* A kiosk's config is still no controller config. */
	static const char kiosk_cfg[] = "{\"id\":\"kiosk-07\",\"group\":\"lobby\"}";
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(kiosk_cfg, strlen(kiosk_cfg), "c.json", &cfg, &err), HALL_ERR_INVALID);
	assert_string_equal(formatted(&err), "c.json: group: unknown field (misspelt?)");
	hall_controller_config_free(&cfg);
}

static void controller_should_move_reports_with_data(void **state)
{
	(void)state;
	hall_controller_config cfg;
	hall_controller_config_defaults(&cfg);
	hall_config_args args;
	memset(&args, 0, sizeof args);
	hall_error err = {0};
	args.data_dir = "/data/ctl";
	args.broker = "broker.local:1999";
	snprintf(args.broker_host, sizeof args.broker_host, "broker.local");
	args.broker_port = 1999;
	assert_int_equal(hall_controller_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_string_equal(cfg.data_dir, "/data/ctl");
	assert_string_equal(cfg.reports_dir, "/data/ctl/reports");
	assert_string_equal(cfg.broker.host, "broker.local");
	assert_int_equal(cfg.broker.port, 1999);
	hall_controller_config_free(&cfg);
}

/* The data setting may name a PostgreSQL database: the store goes there, the files
 * (packs, reports, keys) stay in the default folder; "database" says it outright. */
static void controller_data_should_take_a_postgresql_uri_as_the_database(void **state)
{
	(void)state;
	hall_controller_config cfg;
	hall_error err = {0};
	hall_config_args args;
	memset(&args, 0, sizeof args);
	static const char file[] = "{\"data_dir\":\"postgresql://ctl@db.hall/hall\"}";
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(file, strlen(file), "c.json", &cfg, &err), HALL_OK);
	assert_string_equal(cfg.database, "postgresql://ctl@db.hall/hall");
	assert_string_equal(cfg.data_dir, "var/controller");
	args.data_dir = "postgres://other@127.0.0.1:5433/h";
	assert_int_equal(hall_controller_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_string_equal(cfg.database, "postgres://other@127.0.0.1:5433/h");
	assert_string_equal(cfg.data_dir, "var/controller");
	hall_controller_config_free(&cfg);

	static const char named[] = "{\"data_dir\":\"/srv/hall\",\"database\":\"postgresql://ctl@db.hall/hall\"}";
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(named, strlen(named), "c.json", &cfg, &err), HALL_OK);
	assert_string_equal(cfg.database, "postgresql://ctl@db.hall/hall");
	assert_string_equal(cfg.data_dir, "/srv/hall");
	hall_controller_config_free(&cfg);

	static const char bad[] = "{\"database\":\"/srv/hall/controller.db\"}";
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(bad, strlen(bad), "c.json", &cfg, &err), HALL_ERR_INVALID);
	assert_string_equal(formatted(&err), "c.json: database: expected null or a \"postgresql://...\" URI");
	hall_controller_config_free(&cfg);
}

static void controller_broker_admin_should_name_mosquitto_or_rabbitmq_and_its_nodes(void **state)
{
	(void)state;
	hall_controller_config cfg;
	hall_error err = {0};
	hall_controller_config_defaults(&cfg);
	assert_int_equal(cfg.broker_admin.kind, HALL_BROKER_MOSQUITTO);
	static const char good[] = "{\"broker_admin\":{\"kind\":\"rabbitmq\",\"nodes\":[\"rabbit@mq1\",\"rabbit@mq2.hall\"]}}";
	assert_int_equal(hall_controller_config_parse(good, strlen(good), "c.json", &cfg, &err), HALL_OK);
	assert_int_equal(cfg.broker_admin.kind, HALL_BROKER_RABBITMQ);
	assert_string_equal(cfg.broker_admin.vhost, "hall");
	assert_string_equal(cfg.broker_admin.rabbitmqctl, "rabbitmqctl");
	assert_int_equal(cfg.broker_admin.n_nodes, 2);
	assert_string_equal(cfg.broker_admin.nodes[1], "rabbit@mq2.hall");
	hall_controller_config_free(&cfg);
	static const struct {
		const char *json, *msg;
	} bad[] = {
		{"{\"broker_admin\":{\"kind\":\"kafka\"}}", "c.json: broker_admin.kind: expected \"mosquitto\" or \"rabbitmq\""},
		{"{\"broker_admin\":{\"kind\":\"rabbitmq\",\"nodes\":[\"mq1\"]}}",
		 "c.json: broker_admin.nodes[0]: expected a RabbitMQ node name (NAME@HOST, at most 255 bytes)"},
		{"{\"broker_admin\":{\"kind\":\"rabbitmq\",\"vhost\":\"\"}}", "c.json: broker_admin.vhost: expected a non-empty string"},
		{"{\"broker_admin\":{\"kind\":\"rabbitmq\",\"node\":[]}}", "c.json: broker_admin.node: unknown field (misspelt?)"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hall_controller_config_defaults(&cfg);
		assert_int_equal(hall_controller_config_parse(bad[i].json, strlen(bad[i].json), "c.json", &cfg, &err),
		                 HALL_ERR_INVALID);
		assert_string_equal(formatted(&err), bad[i].msg);
		hall_controller_config_free(&cfg);
	}
}

/* broker.kind says how to subscribe (hall/mqtt.h subscribe_qos0); the controller's follows
 * broker_admin.kind unless its broker object names one. */
static void broker_kind_should_default_to_mosquitto_and_follow_broker_admin(void **state)
{
	(void)state;
	hall_controller_config cfg;
	hall_kiosk_config k;
	hall_error err = {0};
	static const struct {
		const char *json;
		hall_broker_kind kind;
	} ctl[] = {
		{"{}", HALL_BROKER_MOSQUITTO},
		{"{\"broker_admin\":{\"kind\":\"rabbitmq\"}}", HALL_BROKER_RABBITMQ},
		{"{\"broker\":{\"kind\":\"rabbitmq\"}}", HALL_BROKER_RABBITMQ},
		{"{\"broker\":{\"kind\":\"mosquitto\"},\"broker_admin\":{\"kind\":\"rabbitmq\"}}", HALL_BROKER_MOSQUITTO},
	};
	for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
		hall_controller_config_defaults(&cfg);
		assert_int_equal(hall_controller_config_parse(ctl[i].json, strlen(ctl[i].json), "c.json", &cfg, &err), HALL_OK);
		assert_int_equal(cfg.broker.kind, ctl[i].kind);
		hall_controller_config_free(&cfg);
	}
	static const char kiosk[] = "{\"id\":\"k1\",\"broker\":{\"kind\":\"rabbitmq\"}}";
	hall_kiosk_config_defaults(&k);
	assert_int_equal(k.broker.kind, HALL_BROKER_MOSQUITTO);
	assert_int_equal(hall_kiosk_config_parse(kiosk, strlen(kiosk), "k.json", &k, &err), HALL_OK);
	assert_int_equal(k.broker.kind, HALL_BROKER_RABBITMQ);
	static const char bad[] = "{\"id\":\"k1\",\"broker\":{\"kind\":\"kafka\"}}";
	hall_kiosk_config_defaults(&k);
	assert_int_equal(hall_kiosk_config_parse(bad, strlen(bad), "k.json", &k, &err), HALL_ERR_INVALID);
	assert_string_equal(formatted(&err), "k.json: broker.kind: expected \"mosquitto\" or \"rabbitmq\"");
}

/* ------------------------------------------------------------------ trust (DESIGN.md 7) */

static hall_err kiosk_from(const char *json, hall_kiosk_config *cfg, hall_error *err)
{
	hall_kiosk_config_defaults(cfg);
	hall_err rc = hall_kiosk_config_parse(json, strlen(json), "k.json", cfg, err);
	return rc == HALL_OK ? hall_kiosk_config_finish(cfg, err) : rc;
}

#define KEY "\"controller_key\":\"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\""
#define HASH "\"staff_pin_hash\":\"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\""
#define TLS_BROKER "\"broker\":{\"host\":\"10.0.0.5\",\"port\":8883,\"password\":\"pw\",\"cafile\":\"ca.crt\"}"

/* A kiosk config that must be refused with exactly this one line. */
typedef struct bad_kiosk_case {
	const char *json;
	const char *expected;
} bad_kiosk_case;

static void expect_kiosk_refusals(const bad_kiosk_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hall_kiosk_config cfg;
		hall_error err = {0};
		if (kiosk_from(cases[i].json, &cfg, &err) != HALL_ERR_INVALID)
			fail_msg("case %zu accepted", i);
		if (strcmp(formatted(&err), cases[i].expected) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, formatted(&err), cases[i].expected);
	}
}

static const bad_kiosk_case BAD_TRUST_KIOSK[] = {
	{"{\"id\":\"k1\",\"controller_key\":\"AAAA\"," HASH "}",
	 "k.json: controller_key: expected the base64 of a 32-byte ed25519 public key (44 characters)"},
	{"{\"id\":\"k1\",\"controller_key\":\"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR!=\"," HASH "}",
	 "k.json: controller_key: expected the base64 of a 32-byte ed25519 public key (44 characters)"},
	{"{\"id\":\"k1\",\"staff_pin_hash\":\"2580\"}",
	 "k.json: staff_pin_hash: expected a crypto_pwhash_str hash starting \"$argon2id$\""},
	{"{\"id\":\"k1\"," KEY "}",
	 "k.json: staff_pin_hash: missing: a kiosk with controller_key needs its PIN as a hash (hall-controller kiosk add "
	 "writes it)"},
	{"{\"id\":\"k1\",\"staff_pin\":\"2580\"," KEY "," HASH "}",
	 "k.json: staff_pin: a plain PIN is for the development profile only; this kiosk has controller_key (use "
	 "staff_pin_hash)"},
	/* the transport rule: a LAN broker needs TLS and a password */
	{"{\"id\":\"k1\"," KEY "," HASH ",\"broker\":{\"host\":\"10.0.0.5\",\"password\":\"pw\"}}",
	 "k.json: broker: 10.0.0.5 is not a loopback address, so TLS and credentials are required: cafile (TLS) is "
	 "missing"},
	{"{\"id\":\"k1\"," KEY "," HASH ",\"broker\":{\"host\":\"hall-broker\",\"cafile\":\"ca.crt\"}}",
	 "k.json: broker: hall-broker is not a loopback address, so TLS and credentials are required: password is "
	 "missing"},
	/* and a development-profile kiosk (no controller_key) stays on loopback */
	{"{\"id\":\"k1\"," TLS_BROKER "}",
	 "k.json: controller_key: missing: without it the kiosk runs the development profile, which is for a loopback "
	 "broker only (broker.host is 10.0.0.5)"},
};

static void kiosk_trust_fields_should_be_refused_in_one_line_when_wrong_or_missing(void **state)
{
	(void)state;
	expect_kiosk_refusals(BAD_TRUST_KIOSK, sizeof BAD_TRUST_KIOSK / sizeof BAD_TRUST_KIOSK[0]);
}

static void an_enrolled_kiosk_should_reach_a_lan_broker_over_tls_only(void **state)
{
	(void)state;
	hall_kiosk_config cfg;
	hall_error err = {0};
	assert_int_equal(kiosk_from("{\"id\":\"k1\"," KEY "," HASH "," TLS_BROKER "}", &cfg, &err), HALL_OK);
	assert_string_equal(cfg.broker.cafile, "ca.crt");
	assert_string_equal(cfg.broker.username, "k1");
	/* --broker to a LAN address does not lift the rule from a loopback config */
	hall_config_args args;
	memset(&args, 0, sizeof args);
	args.broker = "10.1.1.1:1883";
	snprintf(args.broker_host, sizeof args.broker_host, "10.1.1.1");
	args.broker_port = 1883;
	hall_kiosk_config_defaults(&cfg);
	snprintf(cfg.id, sizeof cfg.id, "k1");
	assert_int_equal(hall_kiosk_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_int_equal(hall_kiosk_config_finish(&cfg, &err), HALL_ERR_INVALID);
	assert_non_null(strstr(formatted(&err), "(config): broker: 10.1.1.1 is not a loopback address"));
	/* loopback keeps working plain and anonymous: the shipped files */
	assert_int_equal(kiosk_from("{\"id\":\"k1\",\"broker\":{\"host\":\"::1\"}}", &cfg, &err), HALL_OK);
	assert_int_equal(kiosk_from("{\"id\":\"k1\",\"broker\":{\"host\":\"localhost\"}}", &cfg, &err), HALL_OK);
}

static void loopback_should_mean_127_slash_8_and_colon_colon_1_only(void **state)
{
	(void)state;
	assert_true(hall_config_host_is_loopback("127.0.0.1"));
	assert_true(hall_config_host_is_loopback("127.255.0.9"));
	assert_true(hall_config_host_is_loopback("::1"));
	assert_true(hall_config_host_is_loopback("localhost"));
	assert_false(hall_config_host_is_loopback("128.0.0.1"));
	assert_false(hall_config_host_is_loopback("127.0.0.1.example.org"));
	assert_false(hall_config_host_is_loopback("localhost.localdomain.evil"));
	assert_false(hall_config_host_is_loopback("::ffff:10.0.0.1"));
	assert_false(hall_config_host_is_loopback("0.0.0.0"));
	assert_false(hall_config_host_is_loopback(""));
}

static void controller_trust_fields_should_parse_and_a_lan_broker_needs_tls(void **state)
{
	(void)state;
	static const char good[] =
		"{\"broker\":{\"host\":\"hall.example\",\"port\":8883,\"username\":\"hall-controller\",\"password\":\"pw\","
		"\"cafile\":\"/d/tls/ca.crt\"},\"signing_key\":\"/d/keys/controller-sign.key\","
		"\"console\":{\"listen\":\"0.0.0.0:8443\",\"cert\":\"/d/tls/server.crt\",\"key\":\"/d/tls/server.key\"}}";
	hall_controller_config cfg;
	hall_error err = {0};
	hall_controller_config_defaults(&cfg);
	assert_string_equal(cfg.console.listen, "127.0.0.1:8080");
	assert_string_equal(cfg.signing_key, "");
	assert_int_equal(hall_controller_config_parse(good, strlen(good), "c.json", &cfg, &err), HALL_OK);
	assert_int_equal(hall_controller_config_finish(&cfg, &err), HALL_OK);
	assert_string_equal(cfg.signing_key, "/d/keys/controller-sign.key");
	assert_string_equal(cfg.console.host, "0.0.0.0");
	assert_int_equal(cfg.console.port, 8443);
	assert_string_equal(cfg.console.key, "/d/tls/server.key");
	hall_controller_config_free(&cfg);

	static const struct {
		const char *json;
		const char *expected;
	} bad[] = {
		{"{\"console\":{\"listen\":\"0.0.0.0:8080\"}}",
		 "c.json: console.listen: 0.0.0.0 is not loopback: plain HTTP is for loopback only (set console.cert and "
		 "console.key)"},
		{"{\"console\":{\"cert\":\"a.crt\"}}", "c.json: console.key: expected cert and key together (or both null)"},
		{"{\"console\":{\"listen\":\"8080\"}}", "c.json: console.listen: expected HOST:PORT (port 1..65535)"},
		{"{\"signing_key\":5}", "c.json: signing_key: expected null or a string of at most 511 bytes"},
		{"{\"broker\":{\"host\":\"10.0.0.5\",\"username\":null,\"cafile\":\"ca.crt\"}}",
		 "c.json: broker: 10.0.0.5 is not a loopback address, so TLS and credentials are required: username is "
		 "missing"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hall_controller_config_defaults(&cfg);
		hall_err rc = hall_controller_config_parse(bad[i].json, strlen(bad[i].json), "c.json", &cfg, &err);
		if (rc == HALL_OK)
			rc = hall_controller_config_finish(&cfg, &err);
		if (rc != HALL_ERR_INVALID)
			fail_msg("case %zu accepted", i);
		if (strcmp(formatted(&err), bad[i].expected) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, formatted(&err), bad[i].expected);
		hall_controller_config_free(&cfg);
	}
}

static void key_decode_should_take_exactly_32_bytes_of_base64(void **state)
{
	(void)state;
	unsigned char k[32];
	assert_true(hall_config_key_decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", k));
	assert_int_equal(k[0], 0xd7);
	assert_false(hall_config_key_decode("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", k));
	assert_false(hall_config_key_decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=", k));
	assert_false(hall_config_key_decode("", k));
	assert_false(hall_config_key_decode(NULL, k));
}

/* ------------------------------------------------------------------ command line */

static void parse_args_should_take_known_options_and_leave_the_rest_in_order(void **state)
{
	(void)state;
	char *argv[] = {"hall-kiosk", "--config", "my.json", "--verbose", "--broker=10.1.2.3:1884", "run",
	                "--id",       "lobby-02", "--data", "/d",       "--", "--id", "x", NULL};
	int argc = 13;
	hall_config_args a;
	hall_error err = {0};
	assert_int_equal(hall_config_parse_args(&argc, argv, &a, &err), HALL_OK);
	assert_string_equal(a.config, "my.json");
	assert_string_equal(a.broker, "10.1.2.3:1884");
	assert_string_equal(a.broker_host, "10.1.2.3");
	assert_int_equal(a.broker_port, 1884);
	assert_string_equal(a.id, "lobby-02");
	assert_string_equal(a.data_dir, "/d");
	assert_int_equal(argc, 6);
	assert_string_equal(argv[0], "hall-kiosk");
	assert_string_equal(argv[1], "--verbose");
	assert_string_equal(argv[2], "run");
	assert_string_equal(argv[3], "--");
	assert_string_equal(argv[4], "--id"); /* after "--": not ours */
	assert_string_equal(argv[5], "x");
	assert_null(argv[6]);

	hall_kiosk_config cfg;
	hall_kiosk_config_defaults(&cfg);
	assert_int_equal(hall_kiosk_config_apply_args(&cfg, &a, &err), HALL_OK);
	assert_string_equal(cfg.broker.host, "10.1.2.3");
	assert_int_equal(cfg.broker.port, 1884);
	assert_string_equal(cfg.id, "lobby-02");
	assert_string_equal(cfg.data_dir, "/d");
}

static void parse_args_should_refuse_bad_values(void **state)
{
	(void)state;
	static const struct {
		const char *opt, *value, *path;
	} bad[] = {
		{"--broker", "host:0", "--broker"},      {"--broker", "host:65536", "--broker"},
		{"--broker", ":1883", "--broker"},       {"--broker", "host:12ab", "--broker"},
		{"--broker", "::1:1883", "--broker"},    {"--broker", "[::1", "--broker"},
		{"--id", "Not An Id", "--id"},           {"--config", "", "--config"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = {"prog", (char *)bad[i].opt, (char *)bad[i].value, NULL};
		int argc = 3;
		hall_config_args a;
		hall_error err = {0};
		if (hall_config_parse_args(&argc, argv, &a, &err) != HALL_ERR_INVALID)
			fail_msg("%s %s accepted", bad[i].opt, bad[i].value);
		assert_string_equal(err.path, bad[i].path);
	}
	char *argv[] = {"prog", "--data", NULL};
	int argc = 2;
	hall_config_args a;
	hall_error err = {0};
	assert_int_equal(hall_config_parse_args(&argc, argv, &a, &err), HALL_ERR_INVALID);
	assert_string_equal(err.path, "--data");
	assert_non_null(strstr(err.msg, "missing"));
}

static void broker_override_should_accept_ipv6_and_a_bare_host(void **state)
{
	(void)state;
	char *argv[] = {"prog", "--broker", "[::1]:1885", NULL};
	int argc = 3;
	hall_config_args a;
	assert_int_equal(hall_config_parse_args(&argc, argv, &a, NULL), HALL_OK);
	assert_string_equal(a.broker_host, "::1");
	assert_int_equal(a.broker_port, 1885);
	assert_int_equal(argc, 1);

	char *argv2[] = {"prog", "--broker=hall-broker", NULL};
	argc = 2;
	assert_int_equal(hall_config_parse_args(&argc, argv2, &a, NULL), HALL_OK);
	hall_kiosk_config cfg;
	hall_kiosk_config_defaults(&cfg);
	cfg.broker.port = 1999;
	assert_int_equal(hall_kiosk_config_apply_args(&cfg, &a, NULL), HALL_OK);
	assert_string_equal(cfg.broker.host, "hall-broker");
	assert_int_equal(cfg.broker.port, 1999); /* a bare host keeps the configured port */
}

/* ------------------------------------------------------------------ broker lists */

static void broker_hosts_should_give_the_list_and_its_first_entry(void **state)
{
	(void)state;
	hall_kiosk_config cfg;
	hall_error err = {0};
	assert_int_equal(kiosk_from("{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:1884\",\"[::1]:1885\","
	                            "\"localhost:1886\"]}}",
	                            &cfg, &err),
	                 HALL_OK);
	assert_int_equal(cfg.broker.n_hosts, 3);
	assert_string_equal(cfg.broker.host, "127.0.0.1"); /* host/port mirror the first entry */
	assert_int_equal(cfg.broker.port, 1884);
	assert_string_equal(cfg.broker.hosts[1].host, "::1");
	assert_int_equal(cfg.broker.hosts[1].port, 1885);
	hall_mqtt_addr a[HALL_BROKER_HOSTS_MAX];
	assert_int_equal(hall_broker_config_addrs(&cfg.broker, a), 3);
	assert_string_equal(a[2].host, "localhost");
	assert_int_equal(a[2].port, 1886);
	char name[HALL_MQTT_ADDR_MAX];
	hall_broker_addr_format(&cfg.broker.hosts[1], name, sizeof name);
	assert_string_equal(name, "[::1]:1885");

	/* host/port alone stay a list of one */
	assert_int_equal(kiosk_from("{\"id\":\"k1\",\"broker\":{\"host\":\"localhost\",\"port\":1999}}", &cfg, &err),
	                 HALL_OK);
	assert_int_equal(hall_broker_config_addrs(&cfg.broker, a), 1);
	assert_string_equal(a[0].host, "localhost");
	assert_int_equal(a[0].port, 1999);

	/* --broker replaces the file's list as a whole */
	char *argv[] = {"prog", "--broker", "127.0.0.1:2001,127.0.0.2:2002", NULL};
	int argc = 3;
	hall_config_args args;
	assert_int_equal(hall_config_parse_args(&argc, argv, &args, &err), HALL_OK);
	assert_int_equal(args.n_brokers, 2);
	assert_string_equal(args.broker_host, "127.0.0.1");
	assert_int_equal(args.broker_port, 2001);
	assert_int_equal(hall_kiosk_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_int_equal(hall_broker_config_addrs(&cfg.broker, a), 2);
	assert_string_equal(a[1].host, "127.0.0.2");
	assert_int_equal(a[1].port, 2002);
	assert_string_equal(cfg.broker.host, "127.0.0.1");
	assert_int_equal(cfg.broker.port, 2001);
	/* and a single --broker over a file's list leaves a list of one */
	char *argv1[] = {"prog", "--broker", "127.0.0.9:2009", NULL};
	argc = 3;
	assert_int_equal(hall_config_parse_args(&argc, argv1, &args, &err), HALL_OK);
	assert_int_equal(hall_kiosk_config_apply_args(&cfg, &args, &err), HALL_OK);
	assert_int_equal(hall_broker_config_addrs(&cfg.broker, a), 1);
	assert_string_equal(a[0].host, "127.0.0.9");
	assert_int_equal(a[0].port, 2009);
}

static const bad_kiosk_case BAD_BROKER_LISTS[] = {
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:1884\",\"127.0.0.1\"]}}",
	 "k.json: broker.hosts[1]: \"127.0.0.1\": no port (expected HOST:PORT)"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:0\"]}}",
	 "k.json: broker.hosts[0]: \"127.0.0.1:0\": port out of range (expected 1..65535)"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:65536\"]}}",
	 "k.json: broker.hosts[0]: \"127.0.0.1:65536\": port out of range (expected 1..65535)"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:1\",\"\"]}}", "k.json: broker.hosts[1]: \"\": empty"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"::1:1883\"]}}",
	 "k.json: broker.hosts[0]: \"::1:1883\": expected HOST:PORT ([v6addr]:PORT for IPv6), port 1..65535"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:1\",\"127.0.0.1:1\"]}}",
	 "k.json: broker.hosts[1]: \"127.0.0.1:1\": listed twice"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[1883]}}", "k.json: broker.hosts[0]: expected a \"HOST:PORT\" string"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[]}}",
	 "k.json: broker.hosts: expected an array of 1 to 8 \"HOST:PORT\" strings"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":\"127.0.0.1:1883\"}}",
	 "k.json: broker.hosts: expected an array of 1 to 8 \"HOST:PORT\" strings"},
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"a:1\",\"a:2\",\"a:3\",\"a:4\",\"a:5\",\"a:6\",\"a:7\",\"a:8\",\"a:9\"]}}",
	 "k.json: broker.hosts: 9 brokers: at most 8"},
	{"{\"id\":\"k1\",\"broker\":{\"host\":\"127.0.0.1\",\"hosts\":[\"127.0.0.1:1884\"]}}",
	 "k.json: broker.host: give broker.hosts or broker.host/broker.port, not both"},
	{"{\"id\":\"k1\",\"broker\":{\"port\":1883,\"hosts\":[\"127.0.0.1:1884\"]}}",
	 "k.json: broker.port: give broker.hosts or broker.host/broker.port, not both"},
	/* every broker of the list is held to the transport rule, not just the first */
	{"{\"id\":\"k1\",\"broker\":{\"hosts\":[\"127.0.0.1:1884\",\"10.0.0.6:8883\"],\"cafile\":\"ca.crt\","
	 "\"password\":\"pw\"}}",
	 "k.json: controller_key: missing: without it the kiosk runs the development profile, which is for a loopback "
	 "broker only (broker.host is 10.0.0.6)"},
	{"{\"id\":\"k1\"," KEY "," HASH ",\"broker\":{\"hosts\":[\"127.0.0.1:1884\",\"10.0.0.6:8883\"],"
	 "\"password\":\"pw\"}}",
	 "k.json: broker: 10.0.0.6 is not a loopback address, so TLS and credentials are required: cafile (TLS) is "
	 "missing"},
};

static void bad_broker_lists_in_a_file_should_name_the_entry(void **state)
{
	(void)state;
	expect_kiosk_refusals(BAD_BROKER_LISTS, sizeof BAD_BROKER_LISTS / sizeof BAD_BROKER_LISTS[0]);
	/* the controller reads the same field */
	hall_controller_config cfg;
	hall_error err = {0};
	const char *json = "{\"broker\":{\"hosts\":[\"127.0.0.1:1884\",\"127.0.0.1:1885\"]}}";
	hall_controller_config_defaults(&cfg);
	assert_int_equal(hall_controller_config_parse(json, strlen(json), "c.json", &cfg, &err), HALL_OK);
	assert_int_equal(cfg.broker.n_hosts, 2);
	assert_int_equal(cfg.broker.hosts[1].port, 1885);
	hall_controller_config_free(&cfg);
}

static void bad_broker_options_should_name_the_entry(void **state)
{
	(void)state;
	static const struct {
		const char *value, *msg;
	} bad[] = {
		{"127.0.0.1:1884,,127.0.0.1:1885", "entry 2 \"\": empty"},
		{"127.0.0.1:1884,", "entry 2 \"\": empty"},
		{",127.0.0.1:1884", "entry 1 \"\": empty"},
		{"127.0.0.1:1884,127.0.0.1", "entry 2 \"127.0.0.1\": no port (expected HOST:PORT)"},
		{"127.0.0.1,127.0.0.1:1884", "entry 1 \"127.0.0.1\": no port (expected HOST:PORT)"},
		{"127.0.0.1:1884,127.0.0.1:70000", "entry 2 \"127.0.0.1:70000\": port out of range (expected 1..65535)"},
		{"127.0.0.1:1884,127.0.0.1:1884", "entry 2 \"127.0.0.1:1884\": listed twice"},
		{"127.0.0.1:1884, 127.0.0.1:1885",
		 "entry 2 \" 127.0.0.1:1885\": expected HOST:PORT without spaces or control characters"},
		{"a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8,a:9", "more than 8 brokers in \"a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8,a:9\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = {"prog", "--broker", (char *)bad[i].value, NULL};
		int argc = 3;
		hall_config_args a;
		hall_error err = {0};
		if (hall_config_parse_args(&argc, argv, &a, &err) != HALL_ERR_INVALID)
			fail_msg("--broker %s accepted", bad[i].value);
		assert_string_equal(err.path, "--broker");
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, err.msg, bad[i].msg);
	}
}

static void log_level_names_should_map_to_levels(void **state)
{
	(void)state;
	hall_log_level l;
	assert_int_equal(hall_config_log_level_from_name("error", &l), 0);
	assert_int_equal(l, HALL_LOG_ERROR);
	assert_int_equal(hall_config_log_level_from_name("warn", &l), 0);
	assert_int_equal(l, HALL_LOG_WARN);
	assert_int_equal(hall_config_log_level_from_name("WARN", &l), -1);
	assert_int_equal(hall_config_log_level_from_name(NULL, &l), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_kiosk_config_should_hold_exactly_the_defaults),
		cmocka_unit_test(minimal_kiosk_config_should_take_data_dir_and_username_from_the_id),
		cmocka_unit_test(custom_kiosk_config_should_read_every_field),
		cmocka_unit_test(bad_kiosk_configs_should_fail_with_one_line_naming_the_field),
		cmocka_unit_test(malformed_kiosk_json_should_fail_naming_the_file),
		cmocka_unit_test(kiosk_config_without_id_should_fail_unless_given_on_the_command_line),
		cmocka_unit_test(loading_a_missing_file_should_name_it),
		cmocka_unit_test(a_config_file_over_256_KiB_should_be_refused),
		cmocka_unit_test(shipped_controller_config_should_hold_exactly_the_defaults),
		cmocka_unit_test(custom_controller_config_should_read_every_field),
		cmocka_unit_test(bad_controller_configs_should_fail_with_one_line_naming_the_field),
		cmocka_unit_test(controller_id_should_come_from_the_file_then_from_id),
		cmocka_unit_test(controller_should_move_reports_with_data),
		cmocka_unit_test(controller_data_should_take_a_postgresql_uri_as_the_database),
		cmocka_unit_test(controller_broker_admin_should_name_mosquitto_or_rabbitmq_and_its_nodes),
		cmocka_unit_test(broker_kind_should_default_to_mosquitto_and_follow_broker_admin),
		cmocka_unit_test(parse_args_should_take_known_options_and_leave_the_rest_in_order),
		cmocka_unit_test(parse_args_should_refuse_bad_values),
		cmocka_unit_test(broker_override_should_accept_ipv6_and_a_bare_host),
		cmocka_unit_test(broker_hosts_should_give_the_list_and_its_first_entry),
		cmocka_unit_test(bad_broker_lists_in_a_file_should_name_the_entry),
		cmocka_unit_test(bad_broker_options_should_name_the_entry),
		cmocka_unit_test(log_level_names_should_map_to_levels),
		cmocka_unit_test(kiosk_trust_fields_should_be_refused_in_one_line_when_wrong_or_missing),
		cmocka_unit_test(an_enrolled_kiosk_should_reach_a_lan_broker_over_tls_only),
		cmocka_unit_test(loopback_should_mean_127_slash_8_and_colon_colon_1_only),
		cmocka_unit_test(controller_trust_fields_should_parse_and_a_lan_broker_needs_tls),
		cmocka_unit_test(key_decode_should_take_exactly_32_bytes_of_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
