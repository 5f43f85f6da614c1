#!/usr/bin/env bash
# No lock-out (DESIGN.md decision 7, issue 9 item 4), real programs on a real mosquitto:
# serve signs with its key; kiosk k1 is enrolled (controller_key), kiosk k2 runs the
# development profile. After forged versions (9007199254740991 unsigned to both, and one
# within the development bound that k2 takes) and after serve is restarted on a database
# restored from an older backup (while both kiosks hold versions hidden by a more specific
# scope, above anything they show), a push still reaches every kiosk and is shown.
set -euo pipefail
src=${HALL_SOURCE_DIR:?}
bin=${HALL_BUILD_DIR:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/hall-lockout-XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log "$work"/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }
cd "$src"
. "$src/tests/support/trust_lib.sh"

read -r PORT BPID BDIR < <("$src/tests/support/start-broker.sh")
pids+=("$BPID")
B="--broker 127.0.0.1:$PORT"
hall_keygen "$work" ctl
hall_controller_config "$work/controller.json" "$work/ctl.key"
hall_kiosk_config "$work/k1.json" "$(cat "$work/ctl.pub")"
hall_kiosk_config "$work/k2.json" ""
C="--config $work/controller.json --data $work/ctl"
db="$work/ctl/controller.db"

start_serve() {
  "$bin/hall-controller" serve --create $C $B 2>> "$work/serve.log" & serve=$!
  pids+=($serve)
}
# Bounded wait until a query on the controller's database returns a true first column.
wait_db() { # what sql
  python3 - "$db" "$2" <<'PY' || fail "$1"
import sqlite3, sys, time
deadline = time.time() + 30
while time.time() < deadline:
    try:
        con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=5)
        row = con.execute(sys.argv[2]).fetchone()
        con.close()
        if row and row[0]:
            sys.exit(0)
    except sqlite3.Error:
        pass
    time.sleep(0.2)
sys.exit(1)
PY
}
# notice TEXT TARGET: both kiosks (or the one targeted) must answer applied; prints the version.
notice() {
  local out="$work/notice.$RANDOM.out"
  local yes=()
  [ "$2" = all ] && yes=(--yes)
  "$bin/hall-controller" notice "$1" --to "$2" "${yes[@]}" $C $B > "$out" 2>> "$work/staff.log" || fail "notice $1 --to $2: $(cat "$out")"
  grep -o 'version [0-9]*' "$out" | head -1 | awk '{print $2}'
  cat "$out" >> "$work/notices.out"
}
applied() { # version kiosk
  wait_db "kiosk $2 did not apply notice version $1" \
    "select count(*) from acks where kiosk='$2' and kind='notice' and version=$1 and result='applied'"
}

start_serve
for k in k1 k2; do
  "$bin/hall-kiosk" --config "$work/$k.json" $B --id $k --data "$work/$k" --headless > "$work/$k.out" 2> "$work/$k.log" &
  pids+=($!)
done
wait_db "the kiosks never said hello" "select count(*) = 2 from kiosks where online = 1"

# 1. The database as a backup now (SQLite's backup API: consistent while serve runs).
python3 - "$db" "$work/backup.db" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close(); src.close()
PY
# 2. Overrides for each kiosk.
v1=$(notice "k1 only" kiosk:k1); applied "$v1" k1
v2=$(notice "k2 only" kiosk:k2); applied "$v2" k2

# 3. Forged versions. Unsigned at the limit: k1 refuses it unsigned, k2 beyond the bound.
big=9007199254740991
for k in k1 k2; do
  mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/ctl/kiosk/$k/notice" \
    -m "{\"scope\":\"kiosk:$k\",\"version\":$big,\"cleared\":false,\"notice\":{\"level\":\"urgent\",\"text\":{\"ko\":\"해킹됨\"}}}"
done
wait_db "k1 did not refuse the unsigned forged version" \
  "select count(*) from acks where kiosk='k1' and kind='notice' and version=$big and result='rejected' and reason like 'unsigned%'"
wait_db "k2 did not refuse the forged version beyond the bound" \
  "select count(*) from acks where kiosk='k2' and kind='notice' and version=$big and result='rejected' and reason like '%only a signed message%'"
# Within the development bound k2 takes it (anybody on a loopback broker may): the
# controller's counter must follow it, or staff could not take k2 back.
forged=$((v2 + 500000))
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/ctl/kiosk/k2/notice" \
  -m "{\"scope\":\"kiosk:k2\",\"version\":$forged,\"cleared\":false,\"notice\":{\"level\":\"urgent\",\"text\":{\"ko\":\"해킹됨\"}}}"
applied "$forged" k2
v4=$(notice "staff again" kiosk:k2); applied "$v4" k2
[ "$v4" -gt "$forged" ] || fail "the counter did not follow the forged version ($v4 <= $forged)"
v5=$(notice "staff k1" kiosk:k1); applied "$v5" k1
# A notice for all last: the highest version, held by both kiosks but hidden under their own.
v3=$(notice "everyone" all); applied "$v3" k1; applied "$v3" k2

# 4. Restore the old backup (from before every notice above) and restart serve on it.
kill "$serve"; wait "$serve" 2>/dev/null || true
rm -f "$db" "$db-wal" "$db-shm"
cp "$work/backup.db" "$db"
start_serve
# Both kiosks hold 'everyone' ($v3) for all, hidden under their own notices (they show
# $v5 and $v4): a push to all must get a version above it and be applied by both (at $v3
# they would take it for the message they hold and keep showing the old text).
wait_db "the version counter did not follow what the kiosks hold" \
  "select cast(value as integer) >= $v3 from meta where key='version'"
v6=$(notice "after restore" all)
[ "$v6" -gt "$v3" ] || fail "a push after the restore got version $v6, not above $v3 held by both kiosks"
applied "$v6" k1
applied "$v6" k2
# Clearing each kiosk's own notice shows the one for all: every screen is back in staff hands.
for k in k1 k2; do
  "$bin/hall-controller" notice --clear --to kiosk:$k $C $B > "$work/clear-$k.out" 2>> "$work/staff.log" ||
    fail "notice --clear --to kiosk:$k: $(cat "$work/clear-$k.out")"
  grep -q "applied" "$work/clear-$k.out" || fail "clear not applied on $k: $(cat "$work/clear-$k.out")"
done
echo "no lock-out: ok"
