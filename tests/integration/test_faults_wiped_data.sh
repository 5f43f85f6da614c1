#!/usr/bin/env bash
# Fault: a kiosk's --data directory is wiped between two runs (a reinstalled or reimaged
# kiosk keeping its id). Its spool starts again at seq 1, below the seqs the controller
# already stores for it.
# Expected: the controller's confirm (the highest seq stored) tells the kiosk; it moves its
# seq past that before issuing more, so every event of both runs is stored, once; the
# controller marks the kiosk with a "spool lost" alert (status).
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init faults-wiped
K=fk-wiped
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json"
faults_start_controller "$work/controller.json" serve
faults_wait 10 "controller online" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

# Run 1: a stream that drains into the controller.
faults_tap_script "$work/run1.script" 20 30
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run1.script" kiosk1
drained() { faults_drained "$K" 2.5; }
faults_wait 150 "run 1 drained into the controller" drained
faults_stop "$KPID" TERM
N1=$(db_count "$K")
echo "run 1: $N1 events stored"
[ "$N1" -ge 20 ] || fail "run 1 stored only $N1 events"

# The data directory goes; run 2 is shorter than run 1, so all of its seqs from 1 on
# would repeat stored ones.
rm -rf "$work/kiosk-$K"
faults_tap_script "$work/run2.script" 5 30
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run2.script" kiosk2
faults_wait 150 "run 2 drained into the controller" drained
# The controller marked the kiosk (checked while it runs: going offline raises an
# offline alert in the same slot).
alert=$(python3 - "$work/ctl/controller.db" "$K" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
row = con.execute("SELECT alert, alert_reason FROM kiosks WHERE id=?", (sys.argv[2],)).fetchone()
print("%d %s" % (row[0], row[1]) if row else "none")
PY
)
echo "alert: $alert"
case "$alert" in "1 spool lost"*) ;; *) fail "no spool-lost alert for $K (got: $alert)" ;; esac
"$bin/hall-controller" status --config "$work/controller.json" --broker "127.0.0.1:$PORT" --data "$work/ctl" \
	> "$work/status.txt" 2>> "$work/status.log" || true
grep -q "spool lost" "$work/status.txt" || fail "status does not show the alert: $(cat "$work/status.txt")"
faults_stop "$KPID" TERM
read -r conf smax < <(python3 "$CHECK" spool-state "$work/kiosk-$K/spool")
N=$(db_count "$K")
MAXSEQ=$(python3 "$CHECK" maxseq "$work/ctl/controller.db" "$K")
echo "run 2: spool confirmed $conf seq_max $smax; stored $N, highest seq $MAXSEQ"
[ "$smax" -gt "$N1" ] || fail "run 2's seq_max $smax is not above run 1's $N1: its events repeat stored seqs"
[ "$N" = "$smax" ] || fail "stored $N events, but the kiosk issued seqs up to $smax"
[ "$MAXSEQ" = "$smax" ] || fail "highest stored seq $MAXSEQ, kiosk seq_max $smax"
[ "$((N - N1))" -ge 5 ] || fail "run 2 added only $((N - N1)) events"
grep -q "was the data directory wiped" "$work/kiosk2.log" || fail "the kiosk did not say why its seq moved"
[ "$(grep -c "was the data directory wiped" "$work/kiosk2.log")" = 1 ] || fail "the kiosk said it more than once"

kill -0 "$CPID" 2>/dev/null || fail "the controller died"
echo "wiped data dir: ok (run 1 $N1 events, run 2 $((N - N1)) more, all stored)"
