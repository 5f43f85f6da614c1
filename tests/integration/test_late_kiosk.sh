#!/usr/bin/env bash
# DESIGN.md decision 1 with the real programs: a kiosk that was off during a push still
# ends on the pushed version, also on a broker with no retained store at all
# (`retain_available false`: what a clustered broker's per-node retained store amounts
# to for a kiosk connected to another node); a command sent while it was offline runs
# when it comes back; a notice sent while it was offline is shown on return.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
cd "$src"
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log "$work"/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

# Each case runs in its own process (own traps, own broker): the script calls itself.
if [ $# -eq 0 ]; then
  bash "$0" "retained store on" ""
  bash "$0" "no retained store" "retain_available false"
  exit 0
fi
name=$1 extra=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-late-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work" "${BDIR:-}"
}
trap cleanup EXIT
if [ -n "$extra" ]; then
  read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh" "$extra")
else
  read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
fi
pids+=("$BPID")
# A broker with no retained store disconnects any client that publishes retained: both
# programs then run with "retain": false (DESIGN.md decision 1), the rest is unchanged.
retain=true
[ -n "$extra" ] && retain=false
python3 - "$retain" "$work" <<'PY'
import json, sys
retain = sys.argv[1] == "true"
for name in ("controller", "kiosk"):
    c = json.load(open(f"config/{name}.json"))
    c["retain"] = retain
    json.dump(c, open(f"{sys.argv[2]}/{name}.json", "w"))
PY
B="--broker 127.0.0.1:$PORT" C="--config $work/controller.json --data $work/ctl"
"$bin/hall-controller" serve --create $C $B 2> "$work/serve.log" & pids+=($!)
sleep 0.5

# While no kiosk exists: push (exits at once), a command and an urgent notice for it.
"$bin/hall-controller" push tests/fixtures/controller/pack-good --to all --yes $C $B > "$work/push.out" 2> "$work/push.log" \
  || fail "$name: push with no kiosk known should exit 0"
"$bin/hall-controller" command identify --to kiosk:late-kiosk --allow-unknown --ttl 600 $C $B > "$work/cmd.out" 2> "$work/cmd.log" || true
"$bin/hall-controller" notice "점검 중입니다" --to kiosk:late-kiosk --allow-unknown --level urgent $C $B > "$work/notice.out" 2> "$work/notice.log" || true

# The kiosk comes online only now. No script: it runs until the controller's database
# shows its answers (bounded: 60 s), so the test does not depend on machine speed.
"$bin/hall-kiosk" --config "$work/kiosk.json" $B --id late-kiosk --data "$work/kiosk" --headless \
  > "$work/kiosk.out" 2> "$work/kiosk.log" & kiosk=$!
pids+=($kiosk)
want=$(grep -o 'version [0-9]*' "$work/push.out" | head -1 | awk '{print $2}')
[ -n "$want" ] || fail "$name: push did not say which version it assigned: $(cat "$work/push.out")"
python3 - "$work/ctl/controller.db" "$want" <<'PY' || fail "$name: the kiosk did not catch up (acks above)"
import sqlite3, sys, time
db, want = sys.argv[1], int(sys.argv[2])
need = {("content", "applied"), ("command", "done"), ("notice", "applied")}
seen = set()
deadline = time.time() + 60
while time.time() < deadline:
    try:
        con = sqlite3.connect(db, timeout=5)
        rows = con.execute("select kind, result, version from acks where kiosk='late-kiosk'").fetchall()
        con.close()
    except sqlite3.Error:
        rows = []
    seen = {(k, r) for k, r, v in rows if k != "content" or v == want}
    if need <= seen:
        sys.exit(0)
    time.sleep(0.3)
print("acks seen:", sorted(seen), file=sys.stderr)
sys.exit(1)
PY
kill "$kiosk"
wait "$kiosk" || fail "$name: the kiosk did not exit cleanly on SIGTERM"
grep -q "version $want" "$work/kiosk.log" || fail "$name: the kiosk log does not mention version $want"
"$bin/hall-controller" history --to kiosk:late-kiosk $C > "$work/history.out" 2>&1 || true
grep -q "identify" "$work/history.out" || fail "$name: the command is not in the history"
echo "$name: ok"
