#!/usr/bin/env bash
# Issue 10, item 1: a visitor session's id is unique for the kiosk's whole life.
# A kiosk run three times on the same --data, one visitor session with one vote each time
# (the second run is killed with kill -9 after its vote was stored, the others quit), gives
# the controller 3 votes and 3 sessions: in its votes table, in its events, and in the
# day's report. Every event of a session carries the seq of that session's session_start.
# A fourth run on a wiped data folder (its seqs renumbered past the controller's) adds a
# fourth. (Before: each start numbered sessions from 1 again, so the controller, which
# keys votes by (kiosk, session, poll), stored one vote and counted one session.)
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init sessions
K=sess-restart
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json" 100
faults_start_controller "$work/controller.json" serve
faults_wait 10 "controller online" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

q() { python3 - "$work/ctl/controller.db" "$K" "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=5)
print(con.execute(sys.argv[3], (sys.argv[2],)).fetchone()[0])
PY
}
votes() { q "select count(*) from votes where kiosk=?"; }
vote_events() { q "select count(*) from events where kiosk=? and type='vote'"; }

# One visit: open the poll on the default pack, pick an option, vote; then either quit
# (a session_end, spool confirmed) or idle until the test kills the kiosk.
visit_script() {
	{
		echo "wait 500"
		echo "tap-id start"
		echo "wait 300"
		echo "tap-id exhibit-vote"
		echo "wait 300"
		echo "tap-id option-river"
		echo "wait 200"
		echo "tap-id vote"
		echo "wait 500"
		if [ "$2" = quit ]; then echo "quit"; else echo "dump voted"; echo "wait 600000"; fi
	} > "$1"
}

for run in 1 2 3; do
	mode=quit
	[ "$run" = 2 ] && mode=kill
	visit_script "$work/run$run.script" "$mode"
	faults_start_kiosk "$work/kiosk.json" "$K" "$work/run$run.script" "kiosk$run"
	has_votes() { [ "$(vote_events)" -ge "$run" ]; }
	faults_wait 40 "vote event $run of $K stored" has_votes
	if [ "$mode" = quit ]; then
		for _ in $(seq 1 200); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$KPID" 2>/dev/null && fail "run $run did not quit"
		wait "$KPID" || fail "run $run exited with $?"
	else
		faults_stop "$KPID" KILL
	fi
	grep -E "run$run\.script:[0-9]+: " "$work/kiosk$run.log" && fail "run $run: the script missed a control"
	echo "run $run ($mode): $(vote_events) vote events, $(votes) votes stored"
done

# Let anything still in flight land.
sleep 1
[ "$(vote_events)" = 3 ] || fail "$(vote_events) vote events stored, expected 3"
[ "$(votes)" = 3 ] || fail "$(votes) votes counted by the controller, expected 3 (sessions merged across restarts)"

# Run 4: the kiosk's data folder is wiped and it votes while the controller is away, so
# its seqs (and its session's id) start again at 1; the controller's confirm then moves
# them past what it holds (docs/protocol.md, confirm), and the session must move with them
# (its vote, and the session_end the kiosk sends when stopped mid-session).
faults_stop "$CPID" TERM
rm -rf "$work/kiosk-$K"
visit_script "$work/run4.script" kill
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run4.script" kiosk4
faults_wait 40 "run 4 voted" test -e "$work/shots-$K/voted.json"
faults_start_controller "$work/controller.json" serve2
has_4() { [ "$(vote_events)" -ge 4 ]; }
faults_wait 40 "vote event 4 of $K stored" has_4
faults_stop "$KPID" TERM
has_end() { [ "$(q "select count(*) from events where kiosk=? and type='session_end' and target='stop'")" -ge 1 ]; }
faults_wait 20 "run 4's session_end" has_end
grep -q "new events are numbered from" "$work/kiosk4.log" || fail "run 4 never moved its seqs past the controller's"
[ "$(votes)" = 4 ] || fail "$(votes) votes counted after the wiped run, expected 4"

python3 - "$work/ctl/controller.db" "$K" <<'PY' || fail "session ids are not the seqs of their session_start"
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
k = sys.argv[2]
starts = {seq: s for seq, s in con.execute(
    "select seq, session from events where kiosk=? and type='session_start'", (k,))}
assert len(starts) == 4, f"{len(starts)} session_start events, expected 4: {starts}"
for seq, s in starts.items():
    assert s == seq, f"session_start seq {seq} carries session {s}"
# every event inside a session names one of those starts; votes carry theirs
for seq, typ, s in con.execute("select seq, type, session from events where kiosk=? and session > 0", (k,)):
    assert s in starts and s <= seq, f"{typ} seq {seq} names session {s}, not a session_start"
vs = [s for (s,) in con.execute("select session from votes where kiosk=?", (k,))]
assert sorted(vs) == sorted(starts), f"votes' sessions {vs} != session starts {sorted(starts)}"
print("sessions", sorted(starts))
PY

day=$(TZ=Asia/Seoul date +%F)
"$bin/hall-controller" report --date "$day" --format json --config "$work/controller.json" --data "$work/ctl" \
	> "$work/report.json" 2> "$work/report.log" || fail "report failed"
python3 - "$work/report.json" "$K" <<'PY' || fail "the report does not count 4 sessions and 4 votes"
import json, sys
r = json.load(open(sys.argv[1]))
k = [x for x in r["kiosks"] if x["id"] == sys.argv[2]][0]
assert k["sessions"] == 4, k
assert r["totals"]["votes"] == 4, r["totals"]
PY
faults_stop "$CPID" TERM
echo "sessions across restarts: ok (3 runs, one kill -9, one on a wiped data folder: 4 sessions, 4 votes)"
