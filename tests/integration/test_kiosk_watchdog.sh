#!/usr/bin/env bash
# Issue 11: "a frozen kiosk would stay online". The kiosk speaks systemd's notify protocol
# (config/systemd/hall-kiosk@.service: Type=notify, WatchdogSec): READY=1 once its content
# is on screen, WATCHDOG=1 from its frame loop at half the interval. Here a datagram
# socket stands in for systemd (NOTIFY_SOCKET, WATCHDOG_USEC=1 s): the pings come while
# the loop runs and stop when it is frozen (SIGSTOP), which is when systemd kills it. The
# kiosk started again after such a kill says "restarted after an unclean stop" and serve
# raises an alert; a clean stop and start raises none.
. "${HALL_SOURCE_DIR:?}/tests/support/fleet_lib.sh"
fleet_init wd
# systemd's side of the notify protocol: every datagram, one line.
python3 -u - "$work/notify.sock" > "$work/notify.txt" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    print(s.recv(4096).decode(errors="replace").replace("\n", " "), flush=True)
PY
pids+=($!)
wait_for 10 "the notify socket" test -S "$work/notify.sock"
export B="--broker 127.0.0.1:$PORT --config $work/controller.json --data $work/ctl" bin
ctl() { "$bin/hall-controller" "$@" $B; }
export -f ctl
"$bin/hall-controller" serve --create $B 2> "$work/serve.log" & pids+=($!)
start_kiosk() {
  NOTIFY_SOCKET="$work/notify.sock" WATCHDOG_USEC=1000000 "$bin/hall-kiosk" --config "$work/kiosk.json" \
    --broker "127.0.0.1:$PORT" --id wd1 --data "$work/wd1" --headless >> "$work/kiosk.out" 2>> "$work/kiosk.log" &
  KIOSK=$!
  pids+=($KIOSK)
}
pings() { grep -c "WATCHDOG=1" "$work/notify.txt" || true; }

start_kiosk
wait_for 30 "READY=1" grep -q "READY=1" "$work/notify.txt"
n0=$(pings)
wait_for 20 "three watchdog pings" bash -c "[ \$(grep -c WATCHDOG=1 '$work/notify.txt') -ge $((n0 + 3)) ]"
wait_for 30 "wd1 in status" bash -c "ctl status | grep -q '^wd1 .*online'"

# A clean stop and start: no restart reported.
kill "$KIOSK"; wait "$KIOSK" || fail "the kiosk did not stop cleanly on SIGTERM"
grep -q "STOPPING=1" "$work/notify.txt" || fail "no STOPPING=1 on a clean stop"
start_kiosk
wait_for 30 "READY=1 after the clean restart" bash -c "[ \$(grep -c READY=1 '$work/notify.txt') -ge 2 ]"
wait_for 30 "wd1 online again" bash -c "ctl status | grep -q '^wd1 .*online'"
sleep 1
ctl status | grep -q "restarted after an unclean stop" && fail "a clean stop was reported as unclean"

# Frozen: the pings stop (systemd would now kill it: SIGABRT, then SIGKILL).
kill -STOP "$KIOSK"
sleep 0.5
n1=$(pings)
sleep 2.5
[ "$(pings)" = "$n1" ] || fail "a frozen kiosk still fed the watchdog"
kill -9 "$KIOSK"; wait "$KIOSK" 2>/dev/null || true
# Restarted (Restart=always): it says so, and serve raises the alert.
start_kiosk
wait_for 30 "the restart reported in status" bash -c "ctl status | grep -q 'ALERT: restarted after an unclean stop'"
grep -q 'alert restarted: kiosk wd1' "$work/serve.log" || fail "serve did not log the restart alert"
echo "all passed"
