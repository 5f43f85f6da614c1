#!/usr/bin/env bash
# tests/support/start-broker.sh must start a broker other shell tests can use: it prints
# "PORT PID CONFDIR", the broker accepts a publish and delivers it, extra config lines
# reach the config, and killing PID stops it. Every wait is bounded.
set -euo pipefail
SRC=${HALL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

read -r PORT PID CONFDIR < <("$SRC/tests/support/start-broker.sh" "max_queued_messages 20000")
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$CONFDIR"' EXIT

[[ "$PORT" =~ ^[0-9]+$ ]] || { echo "bad port '$PORT'"; exit 1; }
kill -0 "$PID" || { echo "broker pid $PID not running"; exit 1; }
grep -qx "listener $PORT 127.0.0.1" "$CONFDIR/mosquitto.conf" || { echo "listener line missing"; exit 1; }
grep -qx "max_queued_messages 20000" "$CONFDIR/mosquitto.conf" || { echo "extra line missing"; exit 1; }

# A retained message read back by a subscriber that exits after one message (bounded by -W).
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t hall/v1/test/start -m hello
got=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t hall/v1/test/start -C 1 -W 10)
[ "$got" = hello ] || { echo "expected 'hello', got '$got'"; exit 1; }

# The broker is not our child (start-broker.sh's shell was its parent): a zombie left for
# init to reap still answers kill -0, so look at its state.
alive() { [ -r "/proc/$1/stat" ] && ! awk '{ exit ($3 == "Z") ? 0 : 1 }' "/proc/$1/stat"; }
kill "$PID"
for _ in $(seq 1 100); do alive "$PID" || break; sleep 0.05; done
if alive "$PID"; then echo "broker did not stop on SIGTERM"; exit 1; fi
if mosquitto_pub -h 127.0.0.1 -p "$PORT" -t x -m y 2>/dev/null; then echo "broker still accepts"; exit 1; fi
echo "ok"
