#!/usr/bin/env bash
# Fault: kill -9 `hall-controller serve` while it holds a batch of received but uncommitted
# events, restart it on the same --data a few seconds later.
# Expected (DESIGN.md decision 2): the kiosk never dropped what was not confirmed, resends
# it when the controller's status turns online again (or on its resend timer), and in the
# end the database holds seq 1..N of the kiosk, each once (N = the kiosk's final seq_max);
# confirms never went above what was committed.
#
# serve commits as soon as no message is left queued, so to make the kill land while
# events are received and not yet committed, another process holds the database's write
# lock for 4 s (below serve's 5 s busy timeout: its commit waits); the kill waits until the
# wire shows such events.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init faults-ckill
K=fk-ckill
DB="$work/ctl/controller.db"
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json"
faults_start_controller "$work/controller.json" serve1
faults_wait 10 "controller online" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

faults_tap_script "$work/run.script" 110 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run.script" kiosk
have_some() { [ "$(db_count "$K")" -ge 20 ]; }
faults_wait 30 "20 events of $K stored" have_some
python3 - "$DB" > "$work/lock.out" 2> "$work/lock.log" <<'PY' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(4)
con.execute("ROLLBACK")
PY
LPID=$!
FAULTS_PIDS+=("$LPID")
# Bounded generously: the lock holder is a python3 that must start, then win the write
# lock between serve's commits; with tests running side by side (ctest -j4 on 2 cores)
# that took over 15 s once. The wait is not part of what is measured.
faults_wait 40 "the database locked" grep -q locked "$work/lock.out"
# Now wait for a moment where events crossed the broker but are not committed yet.
pending() { [ "$(python3 "$CHECK" wire-max "$WIRE" "$K")" -gt $(($(python3 "$CHECK" maxseq "$DB" "$K") + 5)) ]; }
# On a loaded machine the lock can pass before such a moment comes: then the kill lands
# anyway and the note below says so (the checks after the restart still hold).
deadline=$((SECONDS + 15))
while ! pending && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
faults_stop "$CPID" KILL
for _ in $(seq 1 60); do kill -0 "$LPID" 2>/dev/null || break; sleep 0.2; done
wait "$LPID" || fail "the lock holder failed: $(cat "$work/lock.log")"
W=$(python3 "$CHECK" wire-max "$WIRE" "$K")
D=$(python3 "$CHECK" maxseq "$DB" "$K")
C=$(db_count "$K")
CONF=$(python3 "$CHECK" confirms "$WIRE" "$K" | tail -1)
echo "controller killed: seq $W crossed the wire, $C stored (max $D), last confirm $CONF"
[ "$C" = "$D" ] || fail "after the kill the database holds $C events of $K with max seq $D: a gap was committed"
[ "$CONF" -le "$D" ] || fail "the controller confirmed seq $CONF but only committed up to $D: the kiosk may drop events never stored"
[ "$W" -gt "$D" ] || echo "note: the kill did not catch uncommitted events (wire $W, stored $D)"

sleep 3 # the kiosk keeps producing while no controller runs
kill -0 "$KPID" 2>/dev/null || fail "the kiosk died while the controller was down"
faults_start_controller "$work/controller.json" serve2
faults_wait 10 "controller online again" grep -q 'connected to' "$work/serve2.log"

drained() { faults_drained "$K" 4.5; }
faults_wait 150 "the stream ended and the spool drained into the restarted controller" drained
faults_stop "$KPID" TERM
N=$(python3 "$CHECK" final-status "$WIRE" "$K")
read -r conf smax < <(python3 "$CHECK" spool-state "$work/kiosk-$K/spool")
[ "$smax" = "$N" ] && [ "$conf" = "$N" ] || fail "final status says seq_max $N, the spool's state confirmed $conf seq_max $smax"
[ "$N" -gt "$W" ] || fail "no event was issued after the controller came back (N=$N)"
python3 "$CHECK" verify "$DB" "$K" "$N" "$WIRE" || fail "events lost or doubled across the controller's kill"
[ "$(python3 "$CHECK" counter "$DB" events_stored)" = "$N" ] ||
	fail "counter events_stored is $(python3 "$CHECK" counter "$DB" events_stored), expected $N"
kill -0 "$CPID" 2>/dev/null || fail "the restarted controller died"
echo "controller kill -9: ok (N=$N; killed with seq $W on the wire and $D committed)"
