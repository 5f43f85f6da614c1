/* store_users.c: console accounts in SQLite (see store_users.h); on PostgreSQL the table's
 * reads and writes go to store_users_pg.c (pg: the lines marked so). */
#include "store_users.h"
#include "store.h"          /* pg: hall_store_is_uri */
#include "store_users_pg.h" /* pg */

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hall/clock.h"

/* OWASP's Argon2id floor (m=12 MiB, t=3, p=1): libsodium's INTERACTIVE limits take 64 MiB
 * per hash, more than the console's whole memory budget (BENCHMARKS.md). */
#define PW_OPSLIMIT 3ULL
#define PW_MEMLIMIT (12u * 1024u * 1024u)

struct hall_users {
	sqlite3 *db;
	users_pg *pg; /* pg: set when the database is a postgresql:// URI (db is NULL then) */
};

static const char *const ROLE_NAMES[] = {"", "viewer", "operator", "editor", "admin"};

const char *hall_role_name(hall_role r)
{
	return (unsigned)r < sizeof ROLE_NAMES / sizeof ROLE_NAMES[0] ? ROLE_NAMES[r] : "";
}

int hall_role_from_name(const char *name, hall_role *out)
{
	for (int i = HALL_ROLE_VIEWER; name && i <= HALL_ROLE_ADMIN; i++)
		if (strcmp(name, ROLE_NAMES[i]) == 0) {
			*out = (hall_role)i;
			return 0;
		}
	return -1;
}

bool hall_user_name_is_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > HALL_USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

static hall_err db_fail(hall_users *u, hall_error *err, const char *what)
{
	return hall_error_set(err, HALL_ERR_DB, "console_users", "%s: %s", what, sqlite3_errmsg(u->db));
}

hall_err hall_users_open(const char *db_path, hall_users **out, hall_error *err)
{
	hall_users *u = calloc(1, sizeof *u);
	if (!u)
		return hall_error_set(err, HALL_ERR_NOMEM, db_path, "out of memory");
	if (sodium_init() < 0) {
		free(u);
		return hall_error_set(err, HALL_ERR_INVALID, "libsodium", "cannot initialise");
	}
	if (hall_store_is_uri(db_path)) { /* pg */
		hall_err rc = users_pg__open(db_path, &u->pg, err);
		if (rc == HALL_OK)
			*out = u;
		else
			hall_users_close(u);
		return rc;
	}
	if (sqlite3_open_v2(db_path, &u->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		hall_error_set(err, HALL_ERR_DB, db_path, "cannot open database: %s",
		               u->db ? sqlite3_errmsg(u->db) : "out of memory");
		hall_users_close(u);
		return HALL_ERR_DB;
	}
	sqlite3_busy_timeout(u->db, 5000);
	if (sqlite3_exec(u->db,
	                 "PRAGMA journal_mode=WAL;"
	                 "CREATE TABLE IF NOT EXISTS console_users(name TEXT PRIMARY KEY, role TEXT NOT NULL,"
	                 " hash TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);"
	                 "CREATE TABLE IF NOT EXISTS console_sessions(token_hash TEXT PRIMARY KEY, name TEXT NOT NULL,"
	                 " csrf TEXT NOT NULL, created INTEGER NOT NULL, touched INTEGER NOT NULL,"
	                 " expires INTEGER NOT NULL);"
	                 "CREATE INDEX IF NOT EXISTS console_sessions_name ON console_sessions(name)",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		hall_err rc = db_fail(u, err, "create table");
		hall_users_close(u);
		return rc;
	}
	*out = u;
	return HALL_OK;
}

void hall_users_close(hall_users *u)
{
	if (!u)
		return;
	sqlite3_close(u->db);
	users_pg__close(u->pg); /* pg */
	free(u);
}

static hall_err check_password(const char *password, hall_error *err)
{
	size_t n = password ? strlen(password) : 0;
	if (n < HALL_USER_PASSWORD_MIN || n > HALL_USER_PASSWORD_MAX)
		return hall_error_set(err, HALL_ERR_INVALID, "password", "expected %d to %d bytes", HALL_USER_PASSWORD_MIN,
		                      HALL_USER_PASSWORD_MAX);
	return HALL_OK;
}

static hall_err hash_password(const char *password, char out[crypto_pwhash_STRBYTES], hall_error *err)
{
	if (crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT) != 0)
		return hall_error_set(err, HALL_ERR_NOMEM, "password", "cannot hash (out of memory)");
	return HALL_OK;
}

/* Run one statement with text/integer binds: "t" text, "i" int64, in order. *changes gets
 * the rows changed. */
static hall_err run(hall_users *u, const char *sql, const char *types, const void *const *args, int *changes,
                    hall_error *err)
{
	sqlite3_stmt *st = NULL;
	if (u->pg) /* pg */
		return users_pg__run(u->pg, sql, types, args, changes, err);
	if (sqlite3_prepare_v2(u->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(u, err, "prepare");
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't')
			sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(st, i + 1, *(const int64_t *)args[i]);
	}
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return hall_error_set(err, HALL_ERR_STALE, "name", "an account of that name exists already");
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(u, err, "write");
	if (changes)
		*changes = sqlite3_changes(u->db);
	return HALL_OK;
}

hall_err hall_users_add(hall_users *u, const char *name, hall_role role, const char *password, hall_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	hall_err rc;
	if (!hall_user_name_is_valid(name))
		return hall_error_set(err, HALL_ERR_INVALID, "name", "expected 1 to %d of a-z 0-9 . _ - (starting a-z 0-9)",
		                      HALL_USER_NAME_MAX);
	if (role < HALL_ROLE_VIEWER || role > HALL_ROLE_ADMIN)
		return hall_error_set(err, HALL_ERR_INVALID, "role", "expected viewer, operator, editor or admin");
	if ((rc = check_password(password, err)) != HALL_OK || (rc = hash_password(password, hash, err)) != HALL_OK)
		return rc;
	int64_t now = hall_clock_now_ms();
	const void *args[] = {name, hall_role_name(role), hash, &now, &now};
	return run(u, "INSERT INTO console_users(name, role, hash, created, updated) VALUES(?1, ?2, ?3, ?4, ?5)", "tttii",
	           args, NULL, err);
}

static hall_err changed_one(int changes, const char *name, hall_error *err)
{
	return changes ? HALL_OK : hall_error_set(err, HALL_ERR_NOT_FOUND, name, "no such account");
}

hall_err hall_users_remove(hall_users *u, const char *name, hall_error *err)
{
	int changes = 0;
	const void *args[] = {name};
	hall_err rc = run(u, "DELETE FROM console_users WHERE name=?1", "t", args, &changes, err);
	if (rc == HALL_OK)
		rc = changed_one(changes, name, err);
	return rc ? rc : hall_users_session_remove_user(u, name, err);
}

hall_err hall_users_set_password(hall_users *u, const char *name, const char *password, hall_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	int changes = 0;
	hall_err rc;
	if ((rc = check_password(password, err)) != HALL_OK || (rc = hash_password(password, hash, err)) != HALL_OK)
		return rc;
	int64_t now = hall_clock_now_ms();
	const void *args[] = {hash, &now, name};
	rc = run(u, "UPDATE console_users SET hash=?1, updated=?2 WHERE name=?3", "tit", args, &changes, err);
	return rc ? rc : changed_one(changes, name, err);
}

hall_err hall_users_set_role(hall_users *u, const char *name, hall_role role, hall_error *err)
{
	int changes = 0;
	if (role < HALL_ROLE_VIEWER || role > HALL_ROLE_ADMIN)
		return hall_error_set(err, HALL_ERR_INVALID, "role", "expected viewer, operator, editor or admin");
	int64_t now = hall_clock_now_ms();
	const void *args[] = {hall_role_name(role), &now, name};
	hall_err rc = run(u, "UPDATE console_users SET role=?1, updated=?2 WHERE name=?3", "tit", args, &changes, err);
	if (rc == HALL_OK)
		rc = changed_one(changes, name, err);
	/* a new role takes effect at the next sign-in */
	return rc ? rc : hall_users_session_remove_user(u, name, err);
}

static void fill_user(sqlite3_stmt *st, hall_user *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 0));
	if (hall_role_from_name((const char *)sqlite3_column_text(st, 1), &out->role) != 0)
		out->role = HALL_ROLE_NONE; /* an unknown role grants nothing */
	out->created = sqlite3_column_int64(st, 2);
	out->updated = sqlite3_column_int64(st, 3);
}

hall_err hall_users_each(hall_users *u, hall_user_cb cb, void *user, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	if (u->pg) /* pg */
		return users_pg__each(u->pg, cb, user, err);
	if (sqlite3_prepare_v2(u->db, "SELECT name, role, created, updated FROM console_users ORDER BY name", -1, &st,
	                       NULL) != SQLITE_OK)
		return db_fail(u, err, "prepare");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		hall_user row;
		fill_user(st, &row);
		if (cb(user, &row))
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(u, err, "read");
	return HALL_OK;
}

hall_err hall_users_count(hall_users *u, hall_role role, int64_t *n, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	if (u->pg) /* pg */
		return users_pg__count(u->pg, hall_role_name(role), n, err);
	if (sqlite3_prepare_v2(u->db, "SELECT count(*) FROM console_users WHERE ?1='' OR role=?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(u, err, "prepare");
	sqlite3_bind_text(st, 1, hall_role_name(role), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? HALL_OK : db_fail(u, err, "read");
}

hall_err hall_users_check(hall_users *u, const char *name, const char *password, hall_user *out, hall_error *err)
{
	sqlite3_stmt *st = NULL;
	/* Hashed with the same limits, so a missing name costs what a wrong password costs. */
	static const char DUMMY[] = "$argon2id$v=19$m=12288,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$"
	                            "ZGlmZmVyZW50aGFzaGRpZmZlcmVudGhhc2hkaWZmZXI";
	char hash[crypto_pwhash_STRBYTES] = "";
	bool found = false;
	if (!password)
		password = "";
	if (hall_user_name_is_valid(name) && u->pg) { /* pg */
		hall_err rc = users_pg__find(u->pg, name, out, hash, sizeof hash, &found, err);
		if (rc)
			return rc;
	} else if (hall_user_name_is_valid(name)) {
		if (sqlite3_prepare_v2(u->db, "SELECT name, role, created, updated, hash FROM console_users WHERE name=?1",
		                       -1, &st, NULL) != SQLITE_OK)
			return db_fail(u, err, "prepare");
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			fill_user(st, out);
			snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(st, 4));
			found = true;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return db_fail(u, err, "read");
	}
	if (!found) /* libsodium reads a whole crypto_pwhash_STRBYTES buffer, not the literal */
		snprintf(hash, sizeof hash, "%s", DUMMY);
	int ok = crypto_pwhash_str_verify(hash, password, strlen(password));
	if (!found || ok != 0 || out->role == HALL_ROLE_NONE)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "login", "wrong name or password");
	return HALL_OK;
}

/* ---------------------------------------------------------------- sessions */

/* The row's key: the SHA-256 of the token, hex. A token that is not HALL_SESSION_TOKEN_HEX
 * characters is no token. */
static int token_key(const char *token, char out[crypto_hash_sha256_BYTES * 2 + 1])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	if (!token || strlen(token) != HALL_SESSION_TOKEN_HEX)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)token, HALL_SESSION_TOKEN_HEX);
	sodium_bin2hex(out, crypto_hash_sha256_BYTES * 2 + 1, h, sizeof h);
	return 0;
}

hall_err hall_users_session_add(hall_users *u, const char *token, const char *user, const char *csrf,
                                int64_t now_ms, int64_t expires, hall_error *err)
{
	char key[crypto_hash_sha256_BYTES * 2 + 1];
	if (token_key(token, key) != 0 || !csrf || strlen(csrf) != HALL_SESSION_TOKEN_HEX)
		return hall_error_set(err, HALL_ERR_INVALID, "session", "a token is %d hex characters",
		                      HALL_SESSION_TOKEN_HEX);
	const void *gone[] = {&now_ms};
	hall_err rc = run(u, "DELETE FROM console_sessions WHERE expires < ?1", "i", gone, NULL, err);
	const void *args[] = {key, user, csrf, &now_ms, &now_ms, &expires};
	if (rc == HALL_OK)
		rc = run(u,
		         "INSERT INTO console_sessions(token_hash, name, csrf, created, touched, expires)"
		         " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
		         "tttiii", args, NULL, err);
	return rc;
}

hall_err hall_users_session_get(hall_users *u, const char *token, int64_t now_ms, hall_user_session *out,
                                hall_error *err)
{
	char key[crypto_hash_sha256_BYTES * 2 + 1];
	sqlite3_stmt *st = NULL;
	memset(out, 0, sizeof *out);
	if (token_key(token, key) != 0)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "session", "no such session");
	if (u->pg) { /* pg */
		bool found = false;
		hall_err rc = users_pg__session_find(u->pg, key, now_ms, out, &found, err);
		if (rc == HALL_OK && (!found || out->role == HALL_ROLE_NONE))
			rc = hall_error_set(err, HALL_ERR_NOT_FOUND, "session", "no such session");
		return rc;
	}
	if (sqlite3_prepare_v2(u->db,
	                       "SELECT s.name, u.role, s.csrf, s.expires, s.touched FROM console_sessions s"
	                       " JOIN console_users u ON u.name = s.name WHERE s.token_hash = ?1 AND s.expires >= ?2",
	                       -1, &st, NULL) != SQLITE_OK)
		return db_fail(u, err, "prepare");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out->user, sizeof out->user, "%s", (const char *)sqlite3_column_text(st, 0));
		if (hall_role_from_name((const char *)sqlite3_column_text(st, 1), &out->role) != 0)
			out->role = HALL_ROLE_NONE;
		snprintf(out->csrf, sizeof out->csrf, "%s", (const char *)sqlite3_column_text(st, 2));
		out->expires = sqlite3_column_int64(st, 3);
		out->touched = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(u, err, "read");
	if (rc != SQLITE_ROW || out->role == HALL_ROLE_NONE)
		return hall_error_set(err, HALL_ERR_NOT_FOUND, "session", "no such session");
	return HALL_OK;
}

hall_err hall_users_session_touch(hall_users *u, const char *token, int64_t now_ms, int64_t expires,
                                  hall_error *err)
{
	char key[crypto_hash_sha256_BYTES * 2 + 1];
	if (token_key(token, key) != 0)
		return HALL_OK;
	const void *args[] = {key, &now_ms, &expires};
	return run(u, "UPDATE console_sessions SET touched=?2, expires=?3 WHERE token_hash=?1", "tii", args, NULL, err);
}

hall_err hall_users_session_remove(hall_users *u, const char *token, hall_error *err)
{
	char key[crypto_hash_sha256_BYTES * 2 + 1];
	if (token_key(token, key) != 0)
		return HALL_OK;
	const void *args[] = {key};
	return run(u, "DELETE FROM console_sessions WHERE token_hash=?1", "t", args, NULL, err);
}

hall_err hall_users_session_remove_user(hall_users *u, const char *user, hall_error *err)
{
	const void *args[] = {user};
	return run(u, "DELETE FROM console_sessions WHERE name=?1", "t", args, NULL, err);
}
