#!/usr/bin/env bash
# tests/support/start-broker.sh [EXTRA_CONFIG_LINE ...]
#
# Starts a real mosquitto on a free port of 127.0.0.1 (never any other address) and prints
# one line "PORT PID CONFDIR". Each argument is appended to the config as one line, e.g.
#   read -r PORT PID CONFDIR < <(tests/support/start-broker.sh "retain_available false")
#   trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$CONFDIR"' EXIT
# The broker logs to $CONFDIR/mosquitto.log; to restart it on the same port run
#   mosquitto -c "$CONFDIR/mosquitto.conf" &
# Exits non-zero (with the log on stderr) when the broker does not accept TCP within 5 s.
set -euo pipefail

MOSQUITTO=${HALL_MOSQUITTO:-/usr/sbin/mosquitto}
CONFDIR=$(mktemp -d "${TMPDIR:-/tmp}/hall-broker-XXXXXX")

free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
	else
		# Try random high ports until one refuses a connection (nobody listens there).
		local p i
		for i in $(seq 1 50); do
			p=$((20000 + RANDOM % 40000))
			if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
		done
		return 1
	fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for attempt in 1 2 3; do
	PORT=$(free_port)
	{
		echo "listener $PORT 127.0.0.1"
		echo "allow_anonymous true"
		echo "persistence false"
		echo "persistence_location $CONFDIR/"
		echo "log_dest file $CONFDIR/mosquitto.log"
		echo "log_type all"
		[ "$(id -u)" = 0 ] && echo "user root"
		for line in "$@"; do echo "$line"; done
	} >"$CONFDIR/mosquitto.conf"
	"$MOSQUITTO" -c "$CONFDIR/mosquitto.conf" </dev/null >/dev/null 2>>"$CONFDIR/stderr.log" &
	PID=$!
	for i in $(seq 1 100); do
		if port_open "$PORT"; then
			echo "$PORT $PID $CONFDIR"
			exit 0
		fi
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$PID" 2>/dev/null || true
	wait "$PID" 2>/dev/null || true
done
echo "start-broker.sh: mosquitto did not start" >&2
cat "$CONFDIR/mosquitto.log" "$CONFDIR/stderr.log" >&2 2>/dev/null || true
rm -rf "$CONFDIR"
exit 1
