#!/usr/bin/env bash
# The README's main job: on a fresh Debian 12 machine, install what is missing, build, set
# up a hall (hall-controller init: keys, CA, certificates, accounts), start its TLS broker
# on a free loopback port, enroll a kiosk (hall-controller kiosk add), start the controller
# and the kiosk with its enrolled config, push the default content pack signed with the
# hall's key, and show it.
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
mkdir -p "$run/shots"
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The secure path (DESIGN.md decision 7), on loopback: init makes the hall's signing key,
# CA, broker certificate, accounts and configs; the broker runs from what init wrote (TLS
# only, no anonymous clients, one account per kiosk).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hall=$run/hall
cfg=$hall/controller.json
./build/hall-controller init --data "$hall" --broker "127.0.0.1:$port" > "$run/init.log"
echo "== hall set up in var/demo/hall: signing key, CA, broker certificate and accounts (var/demo/init.log)"
/usr/sbin/mosquitto -c "$hall/broker/mosquitto.conf" 2> "$run/broker.log" & pids+=($!)
ctl_password=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["broker"]["password"])' "$cfg")
up() {  # a whole TLS login (a bare TCP probe would make the broker log a TLS error)
  mosquitto_sub -h 127.0.0.1 -p "$port" --cafile "$hall/tls/ca.crt" -u hall-controller -P "$ctl_password" \
    -i hall-controller-probe -E -t hall/v1/ctl/controller/status 2>/dev/null
}
for _ in $(seq 1 50); do up && break; sleep 0.1; done
echo "== broker on 127.0.0.1:$port (TLS, accounts only; log: var/demo/broker.log)"

echo "== enrolling kiosk-01"
./build/hall-controller kiosk add kiosk-01 --group lobby --out "$run/kiosk-01.json" --config "$cfg" \
  2>> "$run/controller.log"

./build/hall-controller serve --config "$cfg" 2>> "$run/controller.log" & pids+=($!)
echo "== controller running (log: var/demo/controller.log)"

kiosk_args=(--config "$run/kiosk-01.json" --data "$run/kiosk-01")
if [ $headless = 1 ]; then
  kiosk_args+=(--headless --script scripts/demo.script --shots "$run/shots")
fi
./build/hall-kiosk "${kiosk_args[@]}" 2> "$run/kiosk.log" & kiosk=$!; pids+=($kiosk)
sleep 1.5
echo "== pushing the default content pack (assets/default) to all kiosks, signed with the hall's key"
./build/hall-controller push assets/default --to all --yes --config "$cfg" 2>> "$run/controller.log" || true

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
./build/hall-controller report --date "$today" --format text --config "$cfg"
./build/hall-controller report --date "$today" --format html --out "$run/report.html" --config "$cfg"
echo "== report: var/demo/report.html"
