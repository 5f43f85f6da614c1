/* store_pg_db.c: the PostgreSQL database as a whole (store.h, "the database itself"):
 * its check, a backup with pg_dump and a restore with pg_restore (Debian's
 * postgresql-client, the server's own tools: a backup another PostgreSQL tool can read,
 * and no dump format of our own making).
 *
 * The tools get the store's connection settings (PQconninfo: host, port, user, database,
 * password, sslmode, options, ...) through their PG* environment variables, never on
 * their command line, so a password never shows in `ps`. A backup holds the hall's
 * tables of the connection's schema (their definitions, data and sequences), not the
 * schema itself, so it restores over a schema that exists (public, as a rule). */
#define _GNU_SOURCE /* pipe2 */
#include "store_pg_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hall/fsutil.h"
#include "store_internal.h"

extern char **environ;

static const char *const TABLES[] = {PG_HALL_TABLES};
#define N_TABLES (sizeof TABLES / sizeof TABLES[0])

/* ---------------------------------------------------------------- running the tools */

/* environ without the variables libpq reads, plus one NAME=value for every connection
 * setting of c that has one: a NULL-terminated array to free with free_env. */
static char **tool_env(PGconn *c)
{
	PQconninfoOption *opts = PQconninfo(c);
	size_t n_env = 0, n_opt = 0, k = 0;
	while (environ[n_env])
		n_env++;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		n_opt++;
	char **env = calloc(n_env + n_opt + 1, sizeof *env);
	if (!env) {
		PQconninfoFree(opts);
		return NULL;
	}
	for (size_t i = 0; i < n_env; i++)
		if (strncmp(environ[i], "PG", 2) != 0)
			env[k++] = strdup(environ[i]);
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (!o->envvar || !o->val || !o->val[0])
			continue;
		size_t len = strlen(o->envvar) + strlen(o->val) + 2;
		char *v = malloc(len);
		if (v)
			snprintf(v, len, "%s=%s", o->envvar, o->val);
		env[k++] = v;
	}
	PQconninfoFree(opts);
	for (size_t i = 0; i < k; i++)
		if (!env[i]) { /* out of memory somewhere: a partial environment would be wrong */
			for (size_t j = 0; j < k; j++)
				free(env[j]);
			free(env);
			return NULL;
		}
	return env;
}

static void free_env(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* Run first (and, when second is not NULL, `first | second`) with env, stdout of the
 * last to /dev/null unless out_fd >= 0, and their standard error read into errline
 * (its first line). 0 when every program exited 0. */
static int run_tools(char *const *first, char *const *second, char **env, int out_fd, char *errline, size_t len)
{
	int errp[2], mid[2] = {-1, -1}, rc = -1;
	pid_t pids[2] = {-1, -1};
	posix_spawn_file_actions_t fa[2];
	errline[0] = '\0';
	if (pipe2(errp, O_CLOEXEC) != 0 || (second && pipe2(mid, O_CLOEXEC) != 0)) {
		snprintf(errline, len, "pipe: %s", strerror(errno));
		return -1;
	}
	int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < (second ? 2 : 1); i++) {
		char *const *argv = i == 0 ? first : second;
		bool last = second ? i == 1 : true;
		posix_spawn_file_actions_init(&fa[i]);
		posix_spawn_file_actions_adddup2(&fa[i], i == 1 ? mid[0] : null_fd, 0);
		posix_spawn_file_actions_adddup2(&fa[i], !last ? mid[1] : out_fd >= 0 ? out_fd : null_fd, 1);
		posix_spawn_file_actions_adddup2(&fa[i], errp[1], 2);
		if (posix_spawnp(&pids[i], argv[0], &fa[i], NULL, argv, env) != 0) {
			snprintf(errline, len, "cannot run %s (install postgresql-client)", argv[0]);
			pids[i] = -1;
		}
		posix_spawn_file_actions_destroy(&fa[i]);
	}
	close(errp[1]);
	if (mid[0] >= 0) {
		close(mid[0]);
		close(mid[1]);
	}
	if (null_fd >= 0)
		close(null_fd);
	/* Read to the end (a tool that writes much to stderr must not block), keep line one. */
	char buf[512];
	size_t have = strlen(errline);
	ssize_t got;
	while ((got = read(errp[0], buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR))
		for (ssize_t i = 0; i < got && have + 1 < len; i++) {
			if (buf[i] == '\n' && have > 0) {
				have = len; /* first line complete */
				break;
			}
			if (buf[i] != '\n')
				errline[have++] = buf[i], errline[have] = '\0';
		}
	close(errp[0]);
	rc = pids[0] > 0 && (!second || pids[1] > 0) ? 0 : -1;
	for (int i = 0; i < 2; i++) {
		int status = 0;
		if (pids[i] > 0 && (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status)))
			rc = -1;
	}
	if (rc && !errline[0])
		snprintf(errline, len, "%s failed", first[0]);
	return rc;
}

/* ---------------------------------------------------------------- check */

/* The first column of sql's first row as text (cut to len - 1); "" with no row. */
static hall_err one_text(PGconn *c, const char *sql, int n, const char *const *v, char *out, size_t len,
                         hall_error *err)
{
	PGresult *r = n ? PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0) : PQexec(c, sql);
	out[0] = '\0';
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorMessage(r);
		hall_error_set(err, HALL_ERR_DB, "", "damaged: %.*s", (int)strcspn(m, "\n"), m);
		PQclear(r);
		return HALL_ERR_DB;
	}
	if (PQntuples(r) > 0)
		snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return HALL_OK;
}

static bool is_late_table(const char *t, size_t len)
{
	static const char *const late[] = {PG_LATE_TABLES};
	for (size_t i = 0; i < sizeof late / sizeof late[0]; i++)
		if (strlen(late[i]) == len && strncmp(late[i], t, len) == 0)
			return true;
	return false;
}

/* missing ("a, b, c") split into the tables whose absence is damage and those a newer
 * version adds (PG_LATE_TABLES), each as "a, b". */
static void split_missing(const char *missing, char *damage, size_t damage_len, char *later, size_t later_len)
{
	damage[0] = later[0] = '\0';
	for (const char *t = missing; *t;) {
		size_t n = strcspn(t, ",");
		bool late = is_late_table(t, n);
		char *out = late ? later : damage;
		size_t len = late ? later_len : damage_len, used = strlen(out);
		snprintf(out + used, len - used, "%s%.*s", used ? ", " : "", (int)n, t);
		t += n;
		t += strspn(t, ", ");
	}
}

/* The hall's tables as a text[] literal. */
static void tables_literal(char *out, size_t len)
{
	size_t o = (size_t)snprintf(out, len, "{");
	for (size_t i = 0; i < N_TABLES && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? "," : "", TABLES[i]);
	if (o < len)
		snprintf(out + o, len - o, "}");
}

/* Every btree index of the hall's tables checked by amcheck (bt_index_check: the index's
 * own structure; with heapallindexed also that it holds every row of its table). */
#define AMCHECK_SQL                                                                                             \
	"SELECT count(bt_index_check(i.indexrelid, $2::bool)) FROM pg_index i JOIN pg_class t ON t.oid=i.indrelid" \
	" JOIN pg_class x ON x.oid=i.indexrelid JOIN pg_am a ON a.oid=x.relam WHERE a.amname='btree'"             \
	" AND i.indisvalid AND t.relnamespace=current_schema()::regnamespace AND t.relname=ANY($1::text[])"

/* Events a report would not find: outside the span of their (kiosk, hour). */
#define SPANS_SQL                                                                                         \
	"SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_spans s WHERE s.kiosk=e.kiosk" \
	" AND s.hour=e.ts/3600000 AND e.seq>=s.lo AND e.seq<=s.hi)"
/* events_stored counts every event ever stored; retention only deletes. */
#define COUNTER_SQL                                                                                       \
	"SELECT (SELECT count(*) FROM events) - coalesce((SELECT value FROM counters"                        \
	" WHERE name='" HALL_COUNTER_EVENTS_STORED "'), 0)"

hall_err pg__check(hall_store *s, bool full, hall_error *err)
{
	PGconn *c = pg__conn(s);
	char lit[400], v[300], missing[300], damage[300], later[300], indexes[32] = "", what[512];
	const char *args[2] = {lit, full ? "true" : "false"};
	if (PQstatus(c) != CONNECTION_OK)
		PQreset(c);
	tables_literal(lit, sizeof lit);
	hall_err rc = one_text(c, "SELECT value FROM meta WHERE key='schema_version'", 0, NULL, v, sizeof v, err);
	if (rc)
		return rc;
	if (atoi(v) != PG_SCHEMA_VERSION)
		return hall_error_set(err, HALL_ERR_DB, "", "damaged: schema version %s, this hall-controller knows %d%s",
		                      v[0] ? v : "missing", PG_SCHEMA_VERSION,
		                      atoi(v) > PG_SCHEMA_VERSION ? " (made by a newer one)" : "");
	if ((rc = one_text(c, "SELECT string_agg(t, ', ') FROM unnest($1::text[]) t WHERE to_regclass(quote_ident(t)) IS NULL",
	                   1, args, missing, sizeof missing, err)) != HALL_OK)
		return rc;
	split_missing(missing, damage, sizeof damage, later, sizeof later);
	if (damage[0])
		return hall_error_set(err, HALL_ERR_DB, "", "damaged: tables missing: %s", damage);
	if ((rc = one_text(c, "SELECT count(*) FROM pg_extension WHERE extname='amcheck'", 0, NULL, v, sizeof v, err)))
		return rc;
	if (atoi(v) > 0 && (rc = one_text(c, AMCHECK_SQL, 2, args, indexes, sizeof indexes, err)) != HALL_OK)
		return rc;
	if (full) {
		if ((rc = one_text(c, SPANS_SQL, 0, NULL, v, sizeof v, err)) != HALL_OK)
			return rc;
		if (atoll(v) > 0)
			return hall_error_set(err, HALL_ERR_DB, "", "damaged: %s events lie outside their event_spans (reports"
			                      " would miss them)", v);
		if ((rc = one_text(c, COUNTER_SQL, 0, NULL, v, sizeof v, err)) != HALL_OK)
			return rc;
		if (atoll(v) > 0)
			return hall_error_set(err, HALL_ERR_DB, "", "damaged: %s more events than events_stored ever counted", v);
	}
	/* What was checked, for `db check` to say (store.h: err->msg on HALL_OK). */
	char older[360] = "";
	if (later[0])
		snprintf(older, sizeof older, " (not migrated yet: %s come with the next serve)", later);
	snprintf(what, sizeof what, "schema version %d, %zu tables%s%s; %s%s%s", PG_SCHEMA_VERSION, N_TABLES,
	         older, full ? ", every event inside its span, events_stored" : "", indexes[0] ? "amcheck: " : "",
	         indexes[0] ? indexes : "amcheck not installed (CREATE EXTENSION amcheck)",
	         indexes[0] ? (full ? " indexes and their rows verified" : " indexes verified") : "");
	hall_error_set(err, HALL_OK, "", "%s", what);
	return HALL_OK;
}

/* ---------------------------------------------------------------- backup */

static hall_err current_schema(PGconn *c, char *out, size_t len, hall_error *err)
{
	hall_err rc = one_text(c, "SELECT current_schema()", 0, NULL, out, len, err);
	if (!rc && !out[0])
		rc = hall_error_set(err, HALL_ERR_DB, "", "no current schema (search_path)");
	return rc;
}

/* pg_dump in its custom format (one consistent snapshot, taken while serve writes), as
 * out_path.tmp, read back by pg_restore --list (a whole archive), fsynced and renamed. */
hall_err pg__backup(hall_store *s, const char *out_path, hall_error *err)
{
	PGconn *c = pg__conn(s);
	char tmp[HALL_STORE_PATH_MAX + 8], schema[128], file_arg[HALL_STORE_PATH_MAX + 16], table_arg[160],
		line[300];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp)
		return hall_error_set(err, HALL_ERR_INVALID, out_path, "path too long");
	hall_err rc = current_schema(c, schema, sizeof schema, err);
	if (rc)
		return rc;
	snprintf(file_arg, sizeof file_arg, "--file=%s", tmp);
	snprintf(table_arg, sizeof table_arg, "--table=\"%s\".*", schema);
	char *dump[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges", table_arg, file_arg, NULL};
	char *list[] = {"pg_restore", "--list", tmp, NULL};
	char **env = tool_env(c);
	if (!env)
		return hall_error_set(err, HALL_ERR_NOMEM, out_path, "out of memory");
	unlink(tmp);
	if (run_tools(dump, NULL, env, -1, line, sizeof line) != 0)
		rc = hall_error_set(err, HALL_ERR_DB, out_path, "pg_dump: %s", line);
	else if (run_tools(list, NULL, env, -1, line, sizeof line) != 0)
		rc = hall_error_set(err, HALL_ERR_DB, out_path, "the dump does not read back: %s", line);
	free_env(env);
	if (!rc)
		rc = store__fsync_path(tmp, err);
	return store__put_backup(tmp, out_path, rc, err);
}

/* ---------------------------------------------------------------- restore */

/* Other sessions of hall-controller on this database (serve, its lead, its console, a
 * staff command): their names, or "" when none. */
#define OTHERS_SQL                                                                                          \
	"SELECT coalesce(string_agg(DISTINCT application_name, ', '), '') FROM pg_stat_activity"                 \
	" WHERE datname=current_database() AND pid<>pg_backend_pid() AND application_name LIKE 'hall-controller%'"

/* The schema the archive's events come from, from `pg_restore --list` (a line
 * "ID; 0 OID TABLE DATA schema events owner"); "" when the archive holds none. */
static int archive_schema(const char *from, char **env, char *out, size_t len, char *line, size_t line_len)
{
	char path[] = "/tmp/hall-restore-list-XXXXXX";
	int fd = mkstemp(path);
	out[0] = '\0';
	if (fd < 0) {
		snprintf(line, line_len, "temporary file: %s", strerror(errno));
		return -1;
	}
	unlink(path);
	char *list[] = {"pg_restore", "--list", (char *)from, NULL};
	int rc = run_tools(list, NULL, env, fd, line, line_len);
	FILE *f = rc == 0 ? fdopen(fd, "r") : NULL;
	if (f) {
		char row[512], schema[128];
		rewind(f);
		while (!out[0] && fgets(row, sizeof row, f))
			if (sscanf(row, "%*d; %*d %*u TABLE DATA %127s events ", schema) == 1)
				snprintf(out, len, "%s", schema);
		fclose(f);
	} else {
		close(fd);
	}
	return rc;
}

hall_err hall_store_restore_pg(const char *uri, const char *from, hall_error *err)
{
	hall_store *s = NULL;
	char others[200], schema[128], had[128], line[300], drop[700];
	char **env = NULL;
	if (access(from, R_OK) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, from, "no such backup");
	hall_err rc = hall_store_open_pg(uri, &s, err);
	if (rc)
		return rc;
	PGconn *c = pg__conn(s);
	if ((rc = one_text(c, OTHERS_SQL, 0, NULL, others, sizeof others, err)) != HALL_OK)
		goto done;
	if (others[0]) {
		rc = hall_error_set(err, HALL_ERR_STALE, pg__where(s), "%s connected to the database: stop serve first",
		                    others);
		goto done;
	}
	if ((rc = current_schema(c, schema, sizeof schema, err)) != HALL_OK)
		goto done;
	if (!(env = tool_env(c))) {
		rc = hall_error_set(err, HALL_ERR_NOMEM, from, "out of memory");
		goto done;
	}
	if (archive_schema(from, env, had, sizeof had, line, sizeof line) != 0) {
		rc = hall_error_set(err, HALL_ERR_DB, from, "not restored: not a backup (%s)", line);
		goto done;
	}
	if (strcmp(had, schema) != 0) {
		rc = hall_error_set(err, HALL_ERR_DB, from, "not restored: %s", had[0] ? "the backup is of another schema"
		                                                                         : "the backup holds no hall events");
		if (had[0] && err)
			snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg), " (%s, this database uses %s)",
			         had, schema);
		goto done;
	}
	/* One transaction (psql -1): the hall's tables dropped and the backup's made and
	 * filled, or, on any error, nothing changed. */
	size_t o = (size_t)snprintf(drop, sizeof drop, "DROP TABLE IF EXISTS ");
	for (size_t i = 0; i < N_TABLES && o < sizeof drop; i++)
		o += (size_t)snprintf(drop + o, sizeof drop - o, "%s\"%s\".%s", i ? ", " : "", schema, TABLES[i]);
	if (o < sizeof drop)
		snprintf(drop + o, sizeof drop - o, " CASCADE");
	char *restore[] = {"pg_restore", "--no-owner", "--no-privileges", "--file=-", (char *)from, NULL};
	char *psql[] = {"psql", "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-c", drop, "-f", "-", NULL};
	/* The lead for the time of the restore: a serve that connects now stands by. */
	if ((rc = one_text(c, "SELECT pg_try_advisory_lock(hashtext(current_schema() || '/hall-lead'))", 0, NULL, line,
	                   sizeof line, err)) != HALL_OK)
		goto done;
	if (strcmp(line, "t") != 0) {
		rc = hall_error_set(err, HALL_ERR_STALE, pg__where(s), "a serve leads on the database: stop it first");
		goto done;
	}
	if (run_tools(restore, psql, env, -1, line, sizeof line) != 0) {
		rc = hall_error_set(err, HALL_ERR_DB, from, "not restored (the database is as it was): %s", line);
		goto done;
	}
	/* Opened as serve will (columns and tables newer than the backup added), and checked. */
	hall_store_close(s);
	s = NULL;
	if ((rc = hall_store_open_pg(uri, &s, err)) == HALL_OK)
		rc = pg__check(s, true, err);
	if (!rc && err)
		err->msg[0] = '\0';
done:
	free_env(env);
	hall_store_close(s);
	return rc;
}
