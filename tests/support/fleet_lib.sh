# shellcheck shell=bash
# tests/support/fleet_lib.sh: sourced by shell tests that run serve and headless kiosks
# (test_controller_truth.sh, test_kiosk_watchdog.sh).
#
# After `fleet_init NAME`: $src $bin, $work (a temp dir, removed on exit unless KEEP=1),
# $PORT $BPID $BDIR (a real mosquitto on loopback), pids+=(...) for every process started
# (all stopped on exit, stopped ones continued first), fail MESSAGE (the tails of
# $work/*.log and *.out, exit 1), wait_for SECONDS WHAT COMMAND... (bounded by the clock),
# and $work/controller.json, $work/kiosk.json (the shipped configs, on_alert off, voice off).
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
export SDL_VIDEODRIVER=offscreen
pids=()

fleet_cleanup() {
  local p
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work" "${BDIR:-}"
}

fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$work"/*.log "$work"/*.out "$work"/*.txt; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -15 "$f" >&2; }
  done
  exit 1
}

wait_for() {
  local secs=$1 what=$2
  shift 2
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || fail "waited ${secs}s for: $what"
    sleep 0.2
  done
}

fleet_init() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/hall-$1-XXXXXX")
  trap fleet_cleanup EXIT
  cd "$src"
  read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
  pids+=("$BPID")
  python3 - "$work" <<'PY'
import json, os, sys
w = sys.argv[1]
c = json.load(open("config/controller.json"))
c["on_alert"] = None
json.dump(c, open(f"{w}/controller.json", "w"))
k = json.load(open("config/kiosk.json"))
k["default_content"] = os.path.abspath(k["default_content"])
k["voice"]["enabled"] = False
json.dump(k, open(f"{w}/kiosk.json", "w"))
PY
}
