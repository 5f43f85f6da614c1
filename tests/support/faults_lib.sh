# shellcheck shell=bash
# tests/support/faults_lib.sh: sourced by tests/integration/test_faults_*.sh.
#
# The fault tests drive the real programs ($HALL_BUILD_DIR/hall-kiosk, hall-controller) and
# a real mosquitto on 127.0.0.1 (tests/support/start-broker.sh), inject one fault (kill -9,
# broker down, replayed or malformed messages) and then check DESIGN.md decision 2 exactly
# with tests/support/faults_check.py.
#
# After `faults_init NAME`: $src $bin $work (a temp dir removed on exit unless KEEP=1),
# $PORT, $BPID, $BDIR, $CHECK (the python helper), $WIRE (everything under hall/v1/#,
# captured by mosquitto_sub -v). Every process started here is killed by the EXIT trap, the
# broker's dir is removed too. Every wait is bounded (faults_wait).

set -euo pipefail
# A command that ends a test through set -e says which line it was: a clean-clone CI run
# lost test_rabbitmq_cluster without a word when `push` exited 1 under load.
trap 'echo "FAIL: ${BASH_SOURCE[0]##*/} line $LINENO: \"$BASH_COMMAND\" exited $?" >&2' ERR
src=${HALL_SOURCE_DIR:?HALL_SOURCE_DIR must name the source tree}
bin=${HALL_BUILD_DIR:?HALL_BUILD_DIR must name the build tree}
CHECK="$src/tests/support/faults_check.py"
export SDL_VIDEODRIVER=${SDL_VIDEODRIVER:-offscreen}
FAULTS_PIDS=()
BPID=""
BDIR=""
SUBPID=""

faults_cleanup() {
	local p
	for p in "${FAULTS_PIDS[@]}" $SUBPID $BPID; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${FAULTS_PIDS[@]}" $SUBPID $BPID; do wait "$p" 2>/dev/null || true; done
	if [ -n "${KEEP:-}" ]; then
		echo "kept $work (broker $BDIR)" >&2
	else
		rm -rf "$work"
		[ -z "$BDIR" ] || rm -rf "$BDIR"
	fi
}

# fail MESSAGE: report, show the tail of every log, exit 1.
fail() {
	echo "FAIL: $*" >&2
	local f
	for f in "$work"/*.log "$BDIR/mosquitto.log"; do
		[ -f "$f" ] || continue
		echo "--- $f (last 30 lines)" >&2
		tail -30 "$f" >&2
	done
	exit 1
}

faults_init() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/hall-$1-XXXXXX")
	WIRE="$work/wire.txt"
	: > "$WIRE"
	trap faults_cleanup EXIT
	cd "$src"
	read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh") || fail "no broker"
	faults_start_sub
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# faults_wait SECONDS DESCRIPTION COMMAND...: run COMMAND every 0.2 s until it succeeds;
# fail naming DESCRIPTION after SECONDS.
# Bounded by the clock, not by a count of tries: on a loaded machine one try (a python
# check) can take a second, and a count of 5 per second would stretch a 50 s wait past
# ctest's timeout without saying what was awaited.
faults_wait() {
	local secs=$1 what=$2
	shift 2
	local deadline=$((SECONDS + secs))
	while :; do
		if "$@" >/dev/null 2>&1; then return 0; fi
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.2
	done
	fail "waited ${secs}s for: $what"
}

# (Re)start the wire capture and wait until it is subscribed: a marker it must see.
faults_start_sub() {
	mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -v -t 'hall/v1/#' >> "$WIRE" 2>> "$work/sub.log" &
	SUBPID=$!
	local m="marker-$RANDOM$RANDOM"
	for _ in $(seq 1 50); do
		mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t hall/v1/test/marker -m "$m" 2>/dev/null || true
		if grep -q "$m" "$WIRE"; then return 0; fi
		sleep 0.1
	done
	fail "mosquitto_sub did not subscribe"
}

faults_stop_sub() {
	[ -n "$SUBPID" ] || return 0
	kill "$SUBPID" 2>/dev/null || true
	wait "$SUBPID" 2>/dev/null || true
	SUBPID=""
}

# Kill the broker (SIGKILL: a crash, its in-memory sessions and queues are gone).
faults_broker_kill() {
	kill -9 "$BPID" 2>/dev/null || true
	wait "$BPID" 2>/dev/null || true
	BPID=""
	faults_stop_sub
}

# Start it again on the same port with the same config.
faults_broker_start() {
	local attempt
	for attempt in 1 2 3 4 5; do
		mosquitto -c "$BDIR/mosquitto.conf" </dev/null >/dev/null 2>> "$work/broker-restart.log" &
		BPID=$!
		for _ in $(seq 1 50); do
			if port_open "$PORT"; then faults_start_sub; return 0; fi
			kill -0 "$BPID" 2>/dev/null || break
			sleep 0.1
		done
		# The old socket may linger a moment: try again (attempt $attempt of 5 failed).
		echo "mosquitto restart attempt $attempt failed" >> "$work/broker-restart.log"
		kill -9 "$BPID" 2>/dev/null || true
		wait "$BPID" 2>/dev/null || true
		sleep 0.5
	done
	fail "mosquitto did not start again on port $PORT"
}

# faults_controller_config OUT [BATCH_MS]: config/controller.json with the ingest batch
# window set (the default when not given).
faults_controller_config() {
	python3 - "$src/config/controller.json" "$1" "${2:-}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
if sys.argv[3]:
    c["ingest"]["batch_ms"] = int(sys.argv[3])
c["on_alert"] = None
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
}

# faults_kiosk_config OUT [BATCH_MS]: config/kiosk.json with an absolute default content
# path and the spool's batch window set (the default when not given).
faults_kiosk_config() {
	python3 - "$src/config/kiosk.json" "$1" "$src" "${2:-}" <<'PY'
import json, os, sys
c = json.load(open(sys.argv[1]))
c["default_content"] = os.path.join(sys.argv[3], c["default_content"])
c["voice"]["enabled"] = False
if sys.argv[4]:
    c["spool"]["batch_ms"] = int(sys.argv[4])
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
}

# faults_start_controller CONFIG LOGNAME: sets CPID.
faults_start_controller() {
	"$bin/hall-controller" serve --create --config "$1" --broker "127.0.0.1:$PORT" --data "$work/ctl" 2>> "$work/$2.log" &
	CPID=$!
	FAULTS_PIDS+=("$CPID")
}

# faults_tap_script OUT ROUNDS WAIT_MS: start a visit, then ROUNDS times open the brand
# exhibit and go home (each a tap event, and a view), WAIT_MS after each tap; then dump
# "taps-done" (the test's sign that the stream ended) and idle without quitting, well
# below the session's idle timeout (no session_end) until the test stops the kiosk.
faults_tap_script() {
	{
		echo "wait 300"
		echo "tap-id start"
		echo "wait 300"
		for _ in $(seq 1 "$2"); do
			echo "tap-id exhibit-brand"
			echo "wait $3"
			echo "tap-id home"
			echo "wait $3"
		done
		echo "dump taps-done"
		echo "wait 600000"
	} > "$1"
}

# faults_start_kiosk CONFIG ID SCRIPT LOGNAME: sets KPID; the data dir is $work/kiosk-ID,
# its shots dir $work/shots-ID (wiped first, so taps-done.json is this run's).
faults_start_kiosk() {
	rm -rf "$work/shots-$2"
	"$bin/hall-kiosk" --config "$1" --broker "127.0.0.1:$PORT" --id "$2" --data "$work/kiosk-$2" --headless \
		--script "$3" --shots "$work/shots-$2" > /dev/null 2>> "$work/$4.log" &
	KPID=$!
	FAULTS_PIDS+=("$KPID")
}

# faults_stop PID SIGNAL: signal it and wait (at most 15 s) until it is gone.
faults_stop() {
	kill "-$2" "$1" 2>/dev/null || true
	for _ in $(seq 1 150); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$1" 2>/dev/null && fail "pid $1 still running 15 s after SIG$2"
	wait "$1" 2>/dev/null || true
}

db_count() { python3 "$CHECK" count "$work/ctl/controller.db" "$1"; }

# The waits for a stream to end and drain are bounded at 150 s: a bound, not a duration
# (a passing run waits as long as the stream takes, seconds on CI), but under load a
# kiosk's scripted stream of a few hundred taps alone took over 50 s, failing tests that
# had nothing wrong.
#
# faults_drained KIOSK SETTLE_S: the kiosk's stream ended (its taps-done dump exists) at
# least SETTLE_S seconds ago, the spool's state says every issued seq is confirmed, and the
# database holds that many rows. The spool writes its state on each confirm, so right after
# the last events it may still show the previous confirm with seq_max == confirmed; SETTLE_S
# must exceed the kiosk's batch window plus the controller's ingest window, so that the
# confirm of the last events has arrived.
faults_drained() {
	local done="$work/shots-$1/taps-done.json"
	[ -e "$done" ] || return 1
	python3 -c 'import os, sys, time; sys.exit(0 if time.time() - os.stat(sys.argv[1]).st_mtime >= float(sys.argv[2]) else 1)' \
		"$done" "$2" || return 1
	python3 "$CHECK" drained "$work/ctl/controller.db" "$1" "$work/kiosk-$1/spool"
}
