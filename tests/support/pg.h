/* tests/support/pg.h: a private PostgreSQL for tests (tests/support/start-postgres.sh:
 * 127.0.0.1, a free port, a fresh folder), and a fresh schema per test in it.
 *
 * Ownership: the struct is the caller's; hall_test_pg_stop stops the server and removes
 * its folder (also after a failed start). */
#ifndef HALL_TEST_PG_H
#define HALL_TEST_PG_H

#include <stddef.h>
#include <stdint.h>

typedef struct hall_test_pg {
	int port;
	char dir[512];
	char uri[128]; /* postgresql://hall@127.0.0.1:PORT/hall */
} hall_test_pg;

/* 0 when the server runs; -1 (with the reason on stderr) when it did not start. */
int hall_test_pg_start(hall_test_pg *pg);
void hall_test_pg_stop(hall_test_pg *pg);
/* (Re)make schema `name` empty and write into out the URI of a connection whose
 * search_path is that schema: each test gets its own tables in one server. 0 or -1. */
int hall_test_pg_fresh(const hall_test_pg *pg, const char *name, char *out, size_t len);
/* The integer value of the first column of sql's first row on uri; -1 on any failure. */
int64_t hall_test_pg_value(const char *uri, const char *sql);

#endif
