#!/usr/bin/env bash
# tests/support/start-postgres.sh            start a private PostgreSQL, print "PORT DIR"
# tests/support/start-postgres.sh stop DIR   stop it and remove DIR
#
# A real PostgreSQL (Debian's, /usr/lib/postgresql/*/bin) in a fresh folder under
# $TMPDIR, listening on 127.0.0.1 only (never another address) on a free port, with a
# superuser "hall" trusted on loopback and a database "hall":
#   read -r PGPORT PGDIR < <(tests/support/start-postgres.sh)
#   trap 'tests/support/start-postgres.sh stop "$PGDIR"' EXIT
#   URI=postgresql://hall@127.0.0.1:$PGPORT/hall
# PostgreSQL refuses to run as root: as root, initdb and the server run as the
# "postgres" user Debian's package makes (runuser), which owns DIR.
# fsync is off: a test's database need not survive a power cut, and fsync on a loaded
# CI machine costs seconds per test. HALL_PG_FSYNC=on keeps it on (benchmarks, where
# PostgreSQL must pay for durability as SQLite's synchronous=FULL does).
# initdb is the slow part (about 1 s idle, 10 s on a loaded 2-core machine): its result is
# kept once in $HALL_BUILD_DIR/pg-template (when set) and copied for the next start.
# Exits non-zero (log on stderr) when the server does not accept connections within 30 s.
set -euo pipefail

BIN=${HALL_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -x "$BIN/initdb" ] || { echo "start-postgres.sh: no PostgreSQL server (install postgresql)" >&2; exit 1; }

as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
	DIR=$2
	[ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
	rm -rf "$DIR"
	exit 0
fi

DIR=$(mktemp -d "${TMPDIR:-/tmp}/hall-pg-XXXXXX")
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && chown postgres "$DIR"

TEMPLATE=${HALL_BUILD_DIR:+$HALL_BUILD_DIR/pg-template}
if [ -n "$TEMPLATE" ] && [ -f "$TEMPLATE/PG_VERSION" ]; then
	cp -a "$TEMPLATE" "$DIR/data"
else
	as_owner "$BIN/initdb" -D "$DIR/data" -A trust -U hall -E UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 || {
		cat "$DIR/initdb.log" >&2
		rm -rf "$DIR"
		exit 1
	}
	if [ -n "$TEMPLATE" ] && [ ! -e "$TEMPLATE" ]; then
		# copied under another name first, so a concurrent start never copies half of it
		cp -a "$DIR/data" "$TEMPLATE.$$" && mv -T "$TEMPLATE.$$" "$TEMPLATE" 2>/dev/null || rm -rf "$TEMPLATE.$$"
	fi
fi

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

for attempt in 1 2 3; do
	PORT=$(free_port)
	if as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
		-o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=${HALL_PG_FSYNC:-off} -c full_page_writes=${HALL_PG_FSYNC:-off} \
		    -c shared_buffers=16MB -c max_connections=40" start >/dev/null 2>&1; then
		"$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U hall -d postgres -c "CREATE DATABASE hall" >/dev/null
		echo "$PORT $DIR"
		exit 0
	fi
done
echo "start-postgres.sh: PostgreSQL did not start" >&2
cat "$DIR/server.log" >&2 2>/dev/null || true
rm -rf "$DIR"
exit 1
