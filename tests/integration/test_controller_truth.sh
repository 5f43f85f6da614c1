#!/usr/bin/env bash
# Issue 11, what staff saw, with the real programs (mosquitto on loopback, serve, two
# headless kiosks k1 and k2 in group lobby):
#  - push to all printed "applied" for a kiosk whose own override hides it: now "stored,
#    not shown: the kiosk:k1 override ... hides it", and status shows what it shows;
#  - after a clear, status showed the clear's version as content: never now;
#  - typos succeeded (--to kiosk:nobody-99, --to group:nosuch, command to nobody): exit 2
#    listing the known ones; push --clear --to all ran with no confirmation: needs --yes;
#  - history had minutes and no outcome: seconds, the person, ok/failed/refused and why;
#  - commands went to one kiosk only: --to group:NAME; status --json; schedule show,
#    validate, clear;
#  - a kiosk that stopped while the hall was closed raised nothing when it opened;
#  - with serve stopped, status showed a stopped kiosk as online with no word of it.
. "${HALL_SOURCE_DIR:?}/tests/support/fleet_lib.sh"
fleet_init truth
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
json.dump({"opening_hours": {d: [["00:00", "23:59"]] for d in days}}, open(f"{w}/open.json", "w"))
json.dump({"opening_hours": {d: [] for d in days}}, open(f"{w}/closed.json", "w"))
json.dump({"opening_hours": {"mon": [["25:00", "18:00"]]}}, open(f"{w}/bad.json", "w"))
PY
# (temp paths have no spaces: B is split on purpose, and exported with ctl for wait_for)
export B="--broker 127.0.0.1:$PORT --config $work/controller.json --data $work/ctl" bin
ctl() { "$bin/hall-controller" "$@" $B; }
kiosk_content() { ctl status --json | python3 -c "import json,sys; d=json.load(sys.stdin); print([k['content_version'] for k in d['kiosks'] if k['id']==sys.argv[1]][0])" "$1"; }
export -f ctl kiosk_content
start_serve() { "$bin/hall-controller" serve --create $B 2>> "$work/serve.log" & SERVE=$!; pids+=($SERVE); }
start_serve
start_kiosk() {
  "$bin/hall-kiosk" --config "$work/kiosk.json" --broker "127.0.0.1:$PORT" --id "$1" --data "$work/$1" --headless \
    > "$work/$1.out" 2> "$work/$1.log" &
  pids+=($!)
  eval "PID_$1=$!"
}
start_kiosk k1
start_kiosk k2
wait_for 60 "hellos of k1 and k2" bash -c "grep -q 'hello from k1' '$work/serve.log' && grep -q 'hello from k2' '$work/serve.log'"
me=$(id -un 2>/dev/null || echo "uid-$(id -u)")

# ---- typos are refused, naming the known kiosks and groups (exit 2) ---------------------
set +e
out=$(ctl push tests/fixtures/controller/pack-good --to kiosk:nobody-99 2>&1); rc=$?
[ $rc = 2 ] && grep -q "kiosk:nobody-99: no such kiosk (known: k1, k2" <<<"$out" || fail "push to kiosk:nobody-99: exit $rc: $out"
out=$(ctl push tests/fixtures/controller/pack-good --to group:nosuch 2>&1); rc=$?
[ $rc = 2 ] && grep -q "group:nosuch: no such group (known: lobby" <<<"$out" || fail "push to group:nosuch: exit $rc: $out"
out=$(ctl command identify --to kiosk:nobody-99 2>&1); rc=$?
[ $rc = 2 ] && grep -q "no such kiosk" <<<"$out" || fail "command to kiosk:nobody-99: exit $rc: $out"
# An action on all without a terminal needs --yes: nothing published.
out=$(ctl push --clear --to all < /dev/null 2>&1); rc=$?
[ $rc = 2 ] && grep -q "not confirmed (--yes)" <<<"$out" || fail "push --clear --to all without --yes: exit $rc: $out"
set -e

# ---- applied only when shown: a kiosk override hides a push to all ----------------------
ctl push tests/fixtures/controller/pack-good --to kiosk:k1 > "$work/p1.out" 2>&1 || fail "push to kiosk:k1"
v1=$(grep -o 'version [0-9]*' "$work/p1.out" | head -1 | awk '{print $2}')
grep -q "k1 *applied" "$work/p1.out" || fail "k1 did not apply its own pack: $(cat "$work/p1.out")"
ctl push tests/fixtures/controller/pack-v2 --to all --yes > "$work/p2.out" 2>&1 || fail "push to all: $(cat "$work/p2.out")"
v2=$(grep -o 'version [0-9]*' "$work/p2.out" | head -1 | awk '{print $2}')
grep -q "k1 *stored, not shown: the kiosk:k1 override (version $v1) hides it" "$work/p2.out" \
  || fail "push to all should say k1 keeps it hidden by its override: $(cat "$work/p2.out")"
grep -q "k2 *applied" "$work/p2.out" || fail "k2 should apply the push to all: $(cat "$work/p2.out")"
wait_for 10 "k1 shown as on v$v1 and k2 on v$v2" bash -c "[ \$(kiosk_content k1) = $v1 ] && [ \$(kiosk_content k2) = $v2 ]"

# ---- a clear is not a content version ---------------------------------------------------
ctl push --clear --to all --yes > "$work/p3.out" 2>&1 || fail "push --clear --to all --yes: $(cat "$work/p3.out")"
vc=$(grep -o 'version [0-9]*' "$work/p3.out" | head -1 | awk '{print $2}')
sleep 1
for k in k1 k2; do
  [ "$(kiosk_content $k)" != "$vc" ] || fail "status shows the clear's version $vc as $k's content"
done
[ "$(kiosk_content k1)" = "$v1" ] || fail "k1 should still show its override v$v1, status says $(kiosk_content k1)"

# ---- the report lists only versions a kiosk showed (not v$v2 that k1 kept hidden, not the clear)
today=$(TZ=Asia/Seoul date +%F)
ctl report --date "$today" --format json > "$work/report.json" || fail "report"
python3 - "$work/report.json" "$v1" "$v2" "$vc" <<'PY' || fail "versions shown in the report: $(cat "$work/report.json" | head -c 2000)"
import json, sys
r = json.load(open(sys.argv[1]))
v1, v2, vc = (int(x) for x in sys.argv[2:5])
shown = {k["id"]: [v["version"] for v in k["versions_shown"]] for k in r["kiosks"]}
assert v1 in shown["k1"] and v2 not in shown["k1"] and vc not in shown["k1"], shown
assert v2 in shown["k2"] and vc not in shown["k2"], shown
PY

# ---- commands to a group ----------------------------------------------------------------
ctl command identify --to group:lobby > "$work/cmd.out" 2>&1 || fail "command to group:lobby: $(cat "$work/cmd.out")"
[ "$(grep -c ' done' "$work/cmd.out")" = 2 ] || fail "both kiosks of lobby should answer done: $(cat "$work/cmd.out")"

# ---- schedule validate, show, clear -----------------------------------------------------
set +e
out=$(ctl schedule validate "$work/bad.json" 2>&1); rc=$?
set -e
[ $rc = 1 ] && grep -q 'error: opening_hours.mon\[0\]\[0\]' <<<"$out" || fail "schedule validate of a bad file: exit $rc: $out"
ctl schedule validate "$work/open.json" | grep -q "ok" || fail "schedule validate of a good file"
ctl schedule push "$work/open.json" --to group:lobby > /dev/null 2>&1 || fail "schedule push to group:lobby"
ctl schedule show --to kiosk:k1 > "$work/show.out" 2>&1 || fail "schedule show: $(cat "$work/show.out")"
grep -q "group:lobby applies to kiosk:k1: open" "$work/show.out" || fail "schedule show should say which applies: $(cat "$work/show.out")"
ctl schedule clear --to group:lobby > "$work/sclear.out" 2>&1 || fail "schedule clear: $(cat "$work/sclear.out")"
ctl schedule show --to kiosk:k1 | grep -q "no schedule applies" || fail "schedule show after the clear"

# ---- history: seconds, person, outcome and why, refused attempts included ---------------
ctl history --limit 100 > "$work/history.out"
grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} +$me +push +content +kiosk:nobody-99 .*refused .*no such kiosk" "$work/history.out" \
  || fail "history should list the refused push with seconds, $me and why: $(cat "$work/history.out")"
grep -qE "clear +content +all .*refused .*not confirmed" "$work/history.out" || fail "history lacks the unconfirmed clear"
grep -qE "command +command +kiosk:nobody-99 .*refused" "$work/history.out" || fail "history lacks the refused command"
grep -qE "push +content +all +$v2 +ok" "$work/history.out" || fail "history lacks the push to all as ok"

# ---- a kiosk that is offline when the hall opens raises the alert -----------------------
ctl schedule push "$work/closed.json" --to all --yes > /dev/null 2>&1 || fail "closed schedule"
kill -9 "$PID_k2"
wait_for 30 "k2 offline in status" bash -c "ctl status | grep -q '^k2 .*OFFLINE'"
sleep 6 # a heartbeat passes: the hall is closed, so no alert
ctl status > "$work/st1.out"
grep -q "^k2 .*ALERT" "$work/st1.out" && fail "a kiosk offline while the hall is closed raised an alert: $(cat "$work/st1.out")"
ctl schedule push "$work/open.json" --to all --yes > /dev/null 2>&1 || fail "open schedule"
wait_for 20 "the alert of k2 at opening" bash -c "ctl status | grep -q '^k2 .*ALERT: offline when the hall opened'"

# ---- status --json, and status with serve stopped ----------------------------------------
ctl status --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['serve']['running'] is True, d['serve']
ids = [k['id'] for k in d['kiosks']]
assert ids == ['k1', 'k2'], ids
k1 = d['kiosks'][0]
assert k1['online'] is True and k1['stale'] is False, k1
" || fail "status --json"
kill "$SERVE"; wait "$SERVE" 2>/dev/null || true
ctl status > "$work/st2.out" 2>&1 || fail "status with serve stopped: $(cat "$work/st2.out")"
grep -q "serve is NOT running" "$work/st2.out" || fail "status should say serve is not running: $(cat "$work/st2.out")"
grep -q "^k1 .*online?" "$work/st2.out" || fail "status should mark k1's online state as not live: $(cat "$work/st2.out")"
ctl status --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['serve']['running'] is False and d['serve']['data_age_s'] is not None, d['serve']
assert all(k['stale'] for k in d['kiosks'])
" || fail "status --json with serve stopped"
echo "all passed"
