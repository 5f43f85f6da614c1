#!/usr/bin/env bash
# No confirm can stop a kiosk recording (issue 10 item 4, DESIGN.md decision 7): a
# development-profile kiosk (the one that takes unsigned confirms) gets forged confirms of
# 9007199254740989 (one seq from the limit) and 2^41 in the middle of a visit, from anybody
# on the broker. It ignores them (logged), goes on recording, and the controller stores
# every event of the visit: seqs 1..seq_max without a gap, none lost.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-confirm-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; exit 1; }
cd "$src"

read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
pids+=("$BPID")
B="--broker 127.0.0.1:$PORT"
K=confirm-kiosk
db="$work/ctl/controller.db"
"$bin/hall-controller" serve --create --config config/controller.json $B --data "$work/ctl" 2> "$work/serve.log" & pids+=($!)

cat > "$work/visit.script" <<'SCRIPT'
wait 2500
tap-id start
wait 300
tap-id exhibit-brand
wait 300
tap-id next
wait 300
tap-id home
# the forged confirms arrive here
wait 6000
tap-id exhibit-policy
wait 300
tap-id back
wait 300
tap-id exhibit-brand
wait 300
tap-id next
wait 300
tap-id home
wait 300
quit
SCRIPT
"$bin/hall-kiosk" --config config/kiosk.json $B --id $K --data "$work/kiosk" --headless \
  --script "$work/visit.script" > "$work/kiosk.out" 2> "$work/kiosk.log" & kiosk=$!
pids+=($kiosk)

count() {
  python3 - "$db" "$K" <<'PY'
import sqlite3, sys
try:
    con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
    print(con.execute("select count(*) from events where kiosk=?", (sys.argv[2],)).fetchone()[0])
except sqlite3.Error:
    print(0)
PY
}
before=0
for _ in $(seq 1 150); do before=$(count); [ "$before" -ge 3 ] && break; sleep 0.2; done
[ "$before" -ge 3 ] || fail "the visit's first events never reached the controller"
for seq in 9007199254740989 2199023255552; do
  mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/ctl/kiosk/$K/confirm" -m "{\"seq\":$seq}"
done

for _ in $(seq 1 400); do kill -0 "$kiosk" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$kiosk" 2>/dev/null; then kill "$kiosk"; fail "the kiosk did not finish its script within 40 s"; fi
wait "$kiosk" || fail "the kiosk exited with $?"
grep -q "ignored an unsigned confirm of seq 9007199254740989" "$work/kiosk.log" ||
  fail "the kiosk did not log the forged confirm it ignored"
grep -q "seq out of range\|not recorded" "$work/kiosk.log" && fail "the kiosk lost events after the forged confirm"
python3 - "$db" "$K" "$before" <<'PY' || fail "the controller does not hold every event of the visit"
import sqlite3, sys, time
db, kiosk, before = sys.argv[1], sys.argv[2], int(sys.argv[3])
deadline = time.time() + 20
while True:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    seqs = [r[0] for r in con.execute("select seq from events where kiosk=? order by seq", (kiosk,))]
    seq_max = con.execute("select seq_max from kiosks where id=?", (kiosk,)).fetchone()[0]
    con.close()
    if (seqs and seqs == list(range(1, seq_max + 1)) and len(seqs) >= before + 5) or time.time() > deadline:
        break
    time.sleep(0.3)
assert seqs == list(range(1, seq_max + 1)), f"seqs {seqs}, seq_max {seq_max}"
assert len(seqs) >= before + 5, f"only {len(seqs)} events, {before} before the forged confirms"
assert seq_max < 1000, seq_max
PY
echo "forged confirm: ok"
