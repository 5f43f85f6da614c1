#!/usr/bin/env bash
# Roll-call (docs/protocol.md): a kiosk answers ctl/all/rollcall with its hello after a
# random delay below within_ms, and only then (no controller runs here to ask otherwise).
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init rollcall
K=rc-k
faults_kiosk_config "$work/kiosk.json"
printf 'wait 600000\n' > "$work/idle.script"
faults_start_kiosk "$work/kiosk.json" "$K" "$work/idle.script" kiosk
hellos() { grep -c "^hall/v1/kiosk/$K/hello " "$WIRE" || true; }
more_than() { [ "$(hellos)" -gt "$1" ]; }
faults_wait 30 "the kiosk's hello on connect" more_than 0
sleep 1
before=$(hellos)
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t hall/v1/ctl/all/rollcall -m '{"ts":1796600000000,"within_ms":1500}'
faults_wait 15 "a hello answering the roll-call" more_than "$before"
sleep 2
after=$(hellos)
[ "$after" = $((before + 1)) ] || fail "one roll-call got $((after - before)) hellos"
echo "roll-call answered with one hello"
