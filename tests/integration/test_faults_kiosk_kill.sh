#!/usr/bin/env bash
# Fault: kill -9 a kiosk in the middle of a stream of events, restart it on the same --data,
# kill -9 it again while it resends, restart it once more.
# Expected (DESIGN.md decision 2): in the end the controller holds seq 1..N of that kiosk,
# each once, where N is the kiosk's final seq_max; the restarted kiosk continues the seqs
# (its first hello says seq_max >= every seq that crossed the wire before the kill, and no
# seq ever names two different events); events that were spooled but not yet confirmed at
# the kill are sent by the restarted kiosk.
#
# The kiosk's batch window is 1000 ms here (default 200) so that at the kill some events
# are certainly spooled and not yet sent.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init faults-kkill
K=fk-kill
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json" 1000
faults_start_controller "$work/controller.json" serve
faults_wait 10 "controller online" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

# Run 1: a long stream (it never reaches its end: the kill comes first).
faults_tap_script "$work/run1.script" 400 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run1.script" kiosk1
have_40() { [ "$(db_count "$K")" -ge 40 ]; }
faults_wait 30 "40 events of $K stored" have_40
kill -0 "$KPID" 2>/dev/null || fail "kiosk run 1 died by itself"
[ ! -e "$work/shots-$K/taps-done.json" ] || fail "run 1 ended its stream before the kill: make it longer"
faults_stop "$KPID" KILL
sleep 1.5 # whatever was in flight lands and commits
W1=$(python3 "$CHECK" wire-max "$WIRE" "$K")
C1=$(db_count "$K")
echo "run 1 killed: highest seq on the wire $W1, stored $C1"

# Run 2, same data dir: killed again right after its hello, while it resends what run 1
# left unsent (a second crash during recovery).
faults_tap_script "$work/run2.script" 400 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run2.script" kiosk2
hello_n() { test "$(python3 "$CHECK" hellos "$WIRE" "$K" | wc -l)" -ge "$1"; }
faults_wait 20 "the restarted kiosk's hello" hello_n 2
read -r S1 F1 < <(python3 "$CHECK" hellos "$WIRE" "$K" | sed -n 2p)
echo "run 2 hello: seq_max $S1 spool_first $F1"
[ "$S1" -ge "$W1" ] || fail "restarted kiosk says seq_max $S1 but seq $W1 already crossed the wire: seqs would be reused"
[ "$F1" -le $((C1 + 1)) ] || fail "restarted kiosk holds from $F1 on, but the controller stored only $C1: seqs $((C1 + 1))..$((F1 - 1)) dropped unconfirmed"
[ "$S1" -gt "$C1" ] || echo "note: every event was stored before the kill (nothing left to resend)"
sleep 0.3
faults_stop "$KPID" KILL
sleep 1.5
W2=$(python3 "$CHECK" wire-max "$WIRE" "$K")
C2=$(db_count "$K")
echo "run 2 killed: highest seq on the wire $W2, stored $C2"

# Run 3: a short stream, then idle.
faults_tap_script "$work/run3.script" 25 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run3.script" kiosk3
faults_wait 20 "the third run's hello" hello_n 3
read -r S2 F2 < <(python3 "$CHECK" hellos "$WIRE" "$K" | sed -n 3p)
echo "run 3 hello: seq_max $S2 spool_first $F2"
[ "$S2" -ge "$W2" ] && [ "$S2" -ge "$S1" ] || fail "run 3 says seq_max $S2, below seq $W2 on the wire or run 2's $S1"
[ "$F2" -le $((C2 + 1)) ] || fail "run 3 holds from $F2 on, but the controller stored only $C2"

drained() { faults_drained "$K" 2.5; }
faults_wait 150 "run 3's stream ended and the spool drained into the controller" drained
faults_stop "$KPID" TERM
N=$(python3 "$CHECK" final-status "$WIRE" "$K")
read -r conf smax < <(python3 "$CHECK" spool-state "$work/kiosk-$K/spool")
[ "$smax" = "$N" ] || fail "final status says seq_max $N, the spool's state $smax"
[ "$conf" = "$N" ] || fail "spool confirmed $conf of $N"
[ "$N" -gt "$S2" ] || fail "run 3 issued no new seq (N=$N, seq_max at its start $S2)"
python3 "$CHECK" verify "$work/ctl/controller.db" "$K" "$N" "$WIRE" || fail "events lost, doubled or reused"
kill -0 "$CPID" 2>/dev/null || fail "the controller died"
echo "kiosk kill -9 twice: ok (N=$N; first kill at seq_max $S1 with $C1 stored, second at $S2 with $C2 stored)"
