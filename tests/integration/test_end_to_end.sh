#!/usr/bin/env bash
# The foundation's thin path, with the real programs and a real broker on loopback:
# serve + headless kiosk with a script; push the default pack; the kiosk shows it (the
# screenshot is not blank); a tap becomes exactly one row in SQLite; the same event
# published again with mosquitto_pub still counts once; the report counts the tap.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-e2e-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -25 "$f" >&2; done; exit 1; }

read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
pids+=("$BPID")
B="--broker 127.0.0.1:$PORT"
cd "$src"

# Record every event the kiosk publishes, to publish one again later.
mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t 'hall/v1/kiosk/+/events' > "$work/events.wire" & pids+=($!)

"$bin/hall-controller" serve --create --config config/controller.json $B --data "$work/ctl" 2> "$work/serve.log" & pids+=($!)

cat > "$work/tour.script" <<'SCRIPT'
# wait for the pushed content (a visit started before it arrives would defer it, and a
# loaded machine can take seconds to push), start a visit, look, tap the language control, quit
wait-content 60000
tap-id start
wait 700
shot home
dump home
tap-id language
wait 500
shot after-tap
quit
SCRIPT
"$bin/hall-kiosk" --config config/kiosk.json $B --id e2e-kiosk --data "$work/kiosk" --headless \
  --script "$work/tour.script" --shots "$work/shots" > "$work/kiosk.out" 2> "$work/kiosk.log" & kiosk=$!
pids+=($kiosk)
# push only once serve knows the kiosk (a loaded machine can take seconds to connect it)
for _ in $(seq 1 200); do grep -q "hello from e2e-kiosk" "$work/serve.log" && break; sleep 0.1; done
"$bin/hall-controller" push assets/default --to all --yes --config config/controller.json $B --data "$work/ctl" \
  > "$work/push.out" 2> "$work/push.log" || fail "push exited $?: $(cat "$work/push.out")"
grep -q "e2e-kiosk" "$work/push.out" || fail "push did not report the kiosk: $(cat "$work/push.out")"
grep -qi "applied" "$work/push.out" || fail "the kiosk did not apply the pack: $(cat "$work/push.out")"

for _ in $(seq 1 300); do kill -0 "$kiosk" 2>/dev/null || break; sleep 0.1; done
wait "$kiosk" || fail "kiosk exited with $?"
[ -s "$work/shots/home.png" ] || fail "no screenshot"
grep -q "home.png" "$work/kiosk.out" || fail "kiosk did not print where the screenshot is"
read -r w h colours drawn < <("$bin/hall-pngstat" "$work/shots/home.png")
[ "$w" = 1920 ] && [ "$h" = 1080 ] || fail "screenshot is ${w}x${h}, expected 1920x1080"
python3 -c "import sys; sys.exit(0 if $colours > 50 and $drawn > 0.02 else 1)" \
  || fail "screenshot looks blank: $colours colours, $drawn drawn"

db="$work/ctl/controller.db"
count_taps() {
  python3 - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=5)
print(con.execute("select count(*) from events where kiosk='e2e-kiosk' and type='tap' and target='language'").fetchone()[0])
PY
}
n=0
for _ in $(seq 1 30); do n=$(count_taps); [ "$n" -ge 1 ] && break; sleep 0.2; done
[ "$n" = 1 ] || fail "the tap on 'language' is stored $n times, expected once"

# Publish the very same event again: still one row.
line=$(grep -m1 '"target":"language"' "$work/events.wire") || fail "the tap never crossed the broker"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t hall/v1/kiosk/e2e-kiosk/events -m "$line"
sleep 1.5
n=$(count_taps)
[ "$n" = 1 ] || fail "after publishing the event again it is stored $n times"

day=$(python3 -c "import json,sys,datetime; e=json.loads(sys.argv[1]); e=e['events'][0] if 'events' in e else e; print(datetime.datetime.utcfromtimestamp(e['ts']/1000+9*3600).strftime('%Y-%m-%d'))" "$line")
"$bin/hall-controller" report --date "$day" --format json --config config/controller.json --data "$work/ctl" > "$work/report.json" \
  || fail "report failed"
python3 - "$work/report.json" <<'PY' || fail "report does not count the tap: $(cat "$work/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
k = [k for k in r["kiosks"] if k["id"] == "e2e-kiosk"][0]
items = [i for i in r["items"] if i["target"] == "language"]
assert items and items[0]["taps"] == 1, items
assert k["missing"] == 0 and k["events"] >= 1, k
PY
echo "end to end: ok"
