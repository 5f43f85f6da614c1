#!/usr/bin/env bash
# The staff console on PostgreSQL (issue 13: "the console reads the same from either";
# docs/console.md): with a `database` URI, `hall-controller user add` keeps the account
# (Argon2id hash) in PostgreSQL, serve's console logs it in through /api/v1/login (cookie
# and CSRF token), lists the fleet from PostgreSQL through /api/v1/kiosks, refuses a
# change without the CSRF token, and the history (in PostgreSQL) names the person; serve's
# daily backup is a pg_dump archive.
# No broker: the console and the store do not need one (serve keeps retrying it).
set -uo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
. "$src/tests/support/cli_lib.sh" # expect, check
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-pg-console-XXXXXX")
pids=()
PGDIR=
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$PGDIR" ] && "$src/tests/support/start-postgres.sh" stop "$PGDIR"
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fails=0
read -r PGPORT PGDIR < <("$src/tests/support/start-postgres.sh") || { echo "FAIL no PostgreSQL"; exit 1; }
URI="postgresql://hall@127.0.0.1:$PGPORT/hall"
sql() { psql -Atq "$URI" -c "$1"; }
HTTP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '{"time_zone":"Asia/Seoul","data_dir":"%s","database":"%s"}\n' "$work/ctl" "$URI" > "$work/controller.json"
C=(--config "$work/controller.json")
U="http://127.0.0.1:$HTTP/api/v1"

expect "user add keeps the account in PostgreSQL" 0 "added kim as admin" \
  -- bash -c "echo 'kim-pass-1234' | '$bin/hall-controller' user add kim --role admin ${C[*]}"
expect "a taken name is refused on PostgreSQL too" 1 "exists already" \
  -- bash -c "echo 'kim-pass-5678' | '$bin/hall-controller' user add kim --role viewer ${C[*]}"
check "the password is kept as an Argon2id hash" [ "$(sql "SELECT hash LIKE '\$argon2id\$%' FROM console_users WHERE name='kim'")" = t ]
check "no SQLite database was made" [ ! -e "$work/ctl/controller.db" ]
sql "INSERT INTO kiosks(id, grp, online, first_seen, last_seen) VALUES ('pg-k1', 'lobby', 1, 1, 1)"

"$bin/hall-controller" serve --console "127.0.0.1:$HTTP" --broker 127.0.0.1:1 "${C[@]}" > "$work/serve.out" 2> "$work/serve.log" &
pids+=($!)
for _ in $(seq 1 100); do curl -s -o /dev/null "$U/me" && break; sleep 0.1; done
code() { curl -s -o "$work/body" -w '%{http_code}' "$@"; }
CSRF=$(curl -s -c "$work/jar" -H 'Content-Type: application/json' -d '{"user":"kim","password":"kim-pass-1234"}' "$U/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin).get("csrf",""))' 2>/dev/null)
check "login through the console gives a CSRF token" [ ${#CSRF} = 64 ]
check "a wrong password gets 401" \
  [ "$(code -H 'Content-Type: application/json' -d '{"user":"kim","password":"wrong-wrong"}' "$U/login")" = 401 ]
check "the fleet is read from PostgreSQL" bash -c "[ \"\$(curl -s -o '$work/kiosks' -w '%{http_code}' -b '$work/jar' '$U/kiosks')\" = 200 ] && grep -q '\"id\":\"pg-k1\"' '$work/kiosks'"
check "a change without the CSRF token is refused" \
  [ "$(code -b "$work/jar" -H 'Content-Type: application/json' -d '{"to":"all","text":{"en":"x"}}' "$U/notices")" = 403 ]
check "the history in PostgreSQL names the person" \
  [ "$(sql "SELECT count(*) FROM history WHERE \"user\"='kim' AND action='login'")" -ge 1 ]
check "the refusal is recorded under the person" \
  [ "$(sql "SELECT count(*) FROM history WHERE \"user\"='kim' AND outcome='refused'")" -ge 1 ]
check "serve did not refuse the console" bash -c "! grep -q 'not supported' '$work/serve.log'"
for _ in $(seq 1 50); do ls "$work/ctl/backups/"controller-*.dump > /dev/null 2>&1 && break; sleep 0.2; done
check "serve's daily backup of PostgreSQL is a pg_dump archive" \
  bash -c "pg_restore --list '$work'/ctl/backups/controller-*.dump | grep -q 'TABLE DATA public events'"
[ $fails = 0 ] || { tail -20 "$work/serve.log" >&2; exit 1; }
echo "console on PostgreSQL: ok"
