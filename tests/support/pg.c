/* tests/support/pg.c: see pg.h. */
#include "pg.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void script(char *out, size_t len)
{
	snprintf(out, len, "%s/tests/support/start-postgres.sh", HALL_SOURCE_DIR);
}

int hall_test_pg_start(hall_test_pg *pg)
{
	char path[1024], cmd[1200];
	memset(pg, 0, sizeof *pg);
	script(path, sizeof path);
	snprintf(cmd, sizeof cmd, "bash '%s'", path);
	FILE *f = popen(cmd, "r");
	if (!f)
		return -1;
	int got = fscanf(f, "%d %511s", &pg->port, pg->dir);
	int rc = pclose(f);
	if (got != 2 || rc != 0) {
		fprintf(stderr, "hall_test_pg_start: start-postgres.sh failed\n");
		return -1;
	}
	snprintf(pg->uri, sizeof pg->uri, "postgresql://hall@127.0.0.1:%d/hall", pg->port);
	return 0;
}

void hall_test_pg_stop(hall_test_pg *pg)
{
	char path[1024], cmd[1700];
	if (!pg->dir[0])
		return;
	script(path, sizeof path);
	snprintf(cmd, sizeof cmd, "bash '%s' stop '%s'", path, pg->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "hall_test_pg_stop: could not stop %s\n", pg->dir);
	pg->dir[0] = '\0';
}

static int run(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
		if (rc)
			fprintf(stderr, "pg: %s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else {
		fprintf(stderr, "pg: %s", PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

int hall_test_pg_fresh(const hall_test_pg *pg, const char *name, char *out, size_t len)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SET client_min_messages=warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
	         name, name);
	if (run(pg->uri, sql) != 0)
		return -1;
	snprintf(out, len, "%s?options=-csearch_path%%3D%s", pg->uri, name);
	return 0;
}

int64_t hall_test_pg_value(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	int64_t v = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	PQfinish(c);
	return v;
}
