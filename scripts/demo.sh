#!/usr/bin/env bash
# The README's main job: on a fresh Debian 12 machine, install what is missing, build,
# start a private mosquitto on a free loopback port, start the controller, start a kiosk,
# push the default content pack to it, and show it.
#
#   bash scripts/demo.sh             a kiosk window where there is a display, else headless
#   bash scripts/demo.sh --headless  always headless: plays scripts/demo.script, writes
#                                    screenshots and prints where they are, then the report
#
# Everything runs under var/demo/ and listens on 127.0.0.1 only. Ctrl-C (or the end of the
# headless run) stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

headless=0
[ "${1:-}" = "--headless" ] && headless=1
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then headless=1; fi

bash scripts/install-deps.sh
echo "== building (build/)"
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

run=$root/var/demo
rm -rf "$run"
mkdir -p "$run/broker" "$run/shots"
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private broker: the shipped config (its queue limits matter, see the file) with the
# listener moved to a free loopback port and the store under var/demo.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The demo's broker is thrown away at the end, so it keeps nothing on disk (run as root,
# mosquitto drops to its own user and could not write under var/ anyway).
grep -vE '^(listener|persistence|persistence_location|autosave_interval|log_dest)( |$)' config/mosquitto.conf > "$run/broker/mosquitto.conf"
{ echo "listener $port 127.0.0.1"; echo "persistence false"; echo "log_dest file $run/broker/mosquitto.log"; } >> "$run/broker/mosquitto.conf"
/usr/sbin/mosquitto -c "$run/broker/mosquitto.conf" & pids+=($!)
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
echo "== broker on 127.0.0.1:$port"

broker="--broker 127.0.0.1:$port"
./build/hall-controller serve --config config/controller.json $broker --data "$run/controller" \
  2> "$run/controller.log" & pids+=($!)
echo "== controller running (log: var/demo/controller.log)"

kiosk_args=(--config config/kiosk.json $broker --data "$run/kiosk-01")
if [ $headless = 1 ]; then
  kiosk_args+=(--headless --script scripts/demo.script --shots "$run/shots")
fi
./build/hall-kiosk "${kiosk_args[@]}" 2> "$run/kiosk.log" & kiosk=$!; pids+=($kiosk)
sleep 1.5
echo "== pushing the default content pack (assets/default) to all kiosks"
./build/hall-controller push assets/default --to all --config config/controller.json $broker --data "$run/controller" || true

if [ $headless = 0 ]; then
  echo "== the kiosk is on screen; Ctrl-C stops everything"
  wait "$kiosk" || true
else
  wait "$kiosk" || { echo "kiosk exited with an error; its log: var/demo/kiosk.log" >&2; tail -20 "$run/kiosk.log" >&2; exit 1; }
  echo "== screenshots:"
  ls -1 "$run"/shots/*.png | sed "s|^$root/||"
fi
sleep 1.2  # let the controller commit and confirm the last events
today=$(TZ=Asia/Seoul date +%F)
./build/hall-controller report --date "$today" --format text --config config/controller.json --data "$run/controller"
./build/hall-controller report --date "$today" --format html --out "$run/report.html" \
  --config config/controller.json --data "$run/controller"
echo "== report: var/demo/report.html"
