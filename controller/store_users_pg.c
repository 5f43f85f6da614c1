/* store_users_pg.c: console accounts in PostgreSQL (see store_users_pg.h). */
#include "store_users_pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

#define ARGS_MAX 8

struct users_pg {
	PGconn *c;
};

/* CREATE TABLE IF NOT EXISTS says NOTICE when the table is there: not news. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static hall_err fail(users_pg *p, const PGresult *r, const char *what, hall_error *err)
{
	const char *m = r ? PQresultErrorMessage(r) : "";
	if (!m || !m[0])
		m = PQerrorMessage(p->c);
	return hall_error_set(err, HALL_ERR_DB, "console_users", "%s: %.*s", what, (int)strcspn(m, "\n"), m);
}

/* A connection the server or the network dropped is reset before the next statement. */
static PGresult *exec(users_pg *p, const char *sql, int n, const char *const *v)
{
	if (PQstatus(p->c) != CONNECTION_OK)
		PQreset(p->c);
	return n < 0 ? PQexec(p->c, sql) : PQexecParams(p->c, sql, n, NULL, v, NULL, NULL, 0);
}

hall_err users_pg__open(const char *uri, users_pg **out, hall_error *err)
{
	char where[160];
	users_pg *p = calloc(1, sizeof *p);
	if (!p)
		return hall_error_set(err, HALL_ERR_NOMEM, "console_users", "out of memory");
	hall_store_redact_uri(uri, where, sizeof where);
	static const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const vals[] = {uri, "hall-controller console", NULL}; /* db restore sees it */
	p->c = PQconnectdbParams(keys, vals, 1);
	if (!p->c || PQstatus(p->c) != CONNECTION_OK) {
		const char *m = p->c ? PQerrorMessage(p->c) : "out of memory";
		hall_error_set(err, HALL_ERR_DB, where, "cannot connect to PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
		users_pg__close(p);
		return HALL_ERR_DB;
	}
	PQsetNoticeProcessor(p->c, quiet, NULL);
	/* Under the store's schema lock (store_pg.c), so a console and a serve starting
	 * together do not race on the catalog. */
	PGresult *r = exec(p,
	                   "BEGIN; SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/hall-schema'));"
	                   "CREATE TABLE IF NOT EXISTS console_users(name TEXT COLLATE \"C\" PRIMARY KEY,"
	                   " role TEXT NOT NULL, hash TEXT NOT NULL, created BIGINT NOT NULL, updated BIGINT NOT NULL);"
	                   "CREATE TABLE IF NOT EXISTS console_sessions(token_hash TEXT COLLATE \"C\" PRIMARY KEY,"
	                   " name TEXT COLLATE \"C\" NOT NULL, csrf TEXT NOT NULL, created BIGINT NOT NULL, touched BIGINT NOT NULL,"
	                   " expires BIGINT NOT NULL);"
	                   "CREATE INDEX IF NOT EXISTS console_sessions_name ON console_sessions(name);"
	                   "COMMIT",
	                   -1, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		hall_err rc = fail(p, r, "create table", err);
		PQclear(r);
		users_pg__close(p);
		return rc;
	}
	PQclear(r);
	*out = p;
	return HALL_OK;
}

void users_pg__close(users_pg *p)
{
	if (!p)
		return;
	PQfinish(p->c);
	free(p);
}

hall_err users_pg__run(users_pg *p, const char *sql, const char *types, const void *const *args, int *changes,
                       hall_error *err)
{
	char q[512], num[ARGS_MAX][24];
	const char *v[ARGS_MAX];
	int n = 0;
	size_t len = strlen(sql);
	if (len >= sizeof q)
		return hall_error_set(err, HALL_ERR_INVALID, "console_users", "statement too long");
	for (size_t i = 0; i <= len; i++) /* ?N -> $N: the statements hold no '?' of their own */
		q[i] = sql[i] == '?' ? '$' : sql[i];
	for (; types[n] && n < ARGS_MAX; n++) {
		if (types[n] == 't') {
			v[n] = args[n];
		} else {
			snprintf(num[n], sizeof num[n], "%lld", (long long)*(const int64_t *)args[n]);
			v[n] = num[n];
		}
	}
	PGresult *r = exec(p, q, n, v);
	ExecStatusType st = PQresultStatus(r);
	hall_err rc = HALL_OK;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		rc = state && strcmp(state, "23505") == 0 /* unique_violation */
		         ? hall_error_set(err, HALL_ERR_STALE, "name", "an account of that name exists already")
		         : fail(p, r, "write", err);
	} else if (changes) {
		*changes = atoi(PQcmdTuples(r));
	}
	PQclear(r);
	return rc;
}

/* Row i of "SELECT name, role, created, updated ..." as store_users.c reads it. */
static void fill_user(const PGresult *r, int i, hall_user *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", PQgetvalue(r, i, 0));
	if (hall_role_from_name(PQgetvalue(r, i, 1), &out->role) != 0)
		out->role = HALL_ROLE_NONE; /* an unknown role grants nothing */
	out->created = strtoll(PQgetvalue(r, i, 2), NULL, 10);
	out->updated = strtoll(PQgetvalue(r, i, 3), NULL, 10);
}

/* sql with one text parameter (NULL: none) into *out (the caller PQclears). */
static hall_err query(users_pg *p, const char *sql, const char *arg, PGresult **out, hall_error *err)
{
	PGresult *r = exec(p, sql, arg ? 1 : 0, &arg);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hall_err rc = fail(p, r, "read", err);
		PQclear(r);
		return rc;
	}
	*out = r;
	return HALL_OK;
}

hall_err users_pg__each(users_pg *p, hall_user_cb cb, void *user, hall_error *err)
{
	PGresult *r = NULL;
	hall_err rc = query(p, "SELECT name, role, created, updated FROM console_users ORDER BY name", NULL, &r, err);
	for (int i = 0; !rc && i < PQntuples(r); i++) {
		hall_user row;
		fill_user(r, i, &row);
		if (cb(user, &row))
			break;
	}
	PQclear(r);
	return rc;
}

hall_err users_pg__count(users_pg *p, const char *role_name, int64_t *n, hall_error *err)
{
	PGresult *r = NULL;
	*n = 0;
	hall_err rc = query(p, "SELECT count(*) FROM console_users WHERE $1::text='' OR role=$1", role_name, &r, err);
	if (!rc && PQntuples(r) == 1)
		*n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return rc;
}

hall_err users_pg__session_find(users_pg *p, const char *key, int64_t now_ms, hall_user_session *out, bool *found,
                                hall_error *err)
{
	char now[24];
	const char *v[2] = {key, now};
	snprintf(now, sizeof now, "%lld", (long long)now_ms);
	*found = false;
	PGresult *r = exec(p,
	                   "SELECT s.name, u.role, s.csrf, s.expires, s.touched FROM console_sessions s"
	                   " JOIN console_users u ON u.name = s.name WHERE s.token_hash = $1 AND s.expires >= $2::bigint",
	                   2, v);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hall_err rc = fail(p, r, "read", err);
		PQclear(r);
		return rc;
	}
	if (PQntuples(r) == 1) {
		snprintf(out->user, sizeof out->user, "%s", PQgetvalue(r, 0, 0));
		if (hall_role_from_name(PQgetvalue(r, 0, 1), &out->role) != 0)
			out->role = HALL_ROLE_NONE;
		snprintf(out->csrf, sizeof out->csrf, "%s", PQgetvalue(r, 0, 2));
		out->expires = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
		out->touched = strtoll(PQgetvalue(r, 0, 4), NULL, 10);
		*found = true;
	}
	PQclear(r);
	return HALL_OK;
}

hall_err users_pg__find(users_pg *p, const char *name, hall_user *out, char *hash, size_t hash_len, bool *found,
                        hall_error *err)
{
	PGresult *r = NULL;
	*found = false;
	hall_err rc =
		query(p, "SELECT name, role, created, updated, hash FROM console_users WHERE name=$1", name, &r, err);
	if (!rc && PQntuples(r) == 1) {
		fill_user(r, 0, out);
		snprintf(hash, hash_len, "%s", PQgetvalue(r, 0, 4));
		*found = true;
	}
	PQclear(r);
	return rc;
}
