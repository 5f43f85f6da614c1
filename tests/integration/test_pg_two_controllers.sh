#!/usr/bin/env bash
# Two `hall-controller serve` on one PostgreSQL (issue 13): both ingest (the (kiosk, seq)
# key counts each event once) and answer the kiosk; exactly one leads (writes the daily
# report, keeps retention, runs alerts). kill -9 the leader in the middle of a stream of
# taps: the other goes on, takes the lead within 10 s, the day's report is written once
# in all, and the database holds seq 1..N of the kiosk, each once, with events_stored = N.
# Both hear the kiosk's ack of a command: it is stored once. The leader's daily backup
# (pg_dump held back by a wrapper on its PATH) runs meanwhile, and that serve still answers
# the kiosk's hello and logs its ack; then the backup's result is logged and recorded.
# The closing time is 00:00, so the report of the day is due at once: whoever leads writes
# it at its first housekeeping, and the one that takes over must not write it again.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init pg-two
K=pg-two-k
read -r PGPORT PGDIR < <("$src/tests/support/start-postgres.sh") || fail "no PostgreSQL"
trap 'faults_cleanup; "$src/tests/support/start-postgres.sh" stop "$PGDIR"' EXIT
URI="postgresql://hall@127.0.0.1:$PGPORT/hall"
sql() { psql -Atq "$URI" -c "$1"; }

faults_controller_config "$work/controller.json"
python3 - "$work/controller.json" "$work" "$URI" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c.update(data_dir=sys.argv[2] + "/ctl", database=sys.argv[3], reports_dir=sys.argv[2] + "/reports",
         closing_time="00:00")
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
faults_kiosk_config "$work/kiosk.json"

start_serve() { # ID [DIR first on PATH]: sets SPID
	PATH="${2:+$2:}$PATH" "$bin/hall-controller" serve --config "$work/controller.json" --broker "127.0.0.1:$PORT" \
		--id "$1" 2>> "$work/$1.log" &
	SPID=$!
	FAULTS_PIDS+=("$SPID")
}
# ctl-a's pg_dump waits until the test lets it go: its daily backup (at its first
# housekeeping, as the leader) runs all the while the kiosk says hello and acks below,
# which ctl-a must answer and log: the backup is a child process, serve's loop goes on.
mkdir -p "$work/slowbin"
cat > "$work/slowbin/pg_dump" <<WRAPPER
#!/bin/sh
: > "$work/dump-started"
i=0
while [ ! -e "$work/dump-go" ] && [ \$i -lt 900 ]; do sleep 0.1; i=\$((i + 1)); done
exec $(command -v pg_dump) "\$@"
WRAPPER
chmod +x "$work/slowbin/pg_dump"
start_serve ctl-a "$work/slowbin"
APID=$SPID
faults_wait 30 "ctl-a leads" grep -q 'leading:' "$work/ctl-a.log"
start_serve ctl-b
BPID2=$SPID
faults_wait 30 "ctl-b stands by" grep -q 'standing by:' "$work/ctl-b.log"
faults_wait 30 "ctl-b connected" grep -q 'connected to' "$work/ctl-b.log"
grep -q 'leading:' "$work/ctl-b.log" && fail "both controllers lead"
faults_wait 30 "the day's report written by the leader" grep -q 'wrote the report of' "$work/ctl-a.log"
faults_wait 30 "ctl-a's daily backup running pg_dump" test -e "$work/dump-started"

faults_tap_script "$work/run.script" 110 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run.script" kiosk
# Both serves hear every ack of the kiosk: it is stored once (acks_once), so push progress
# and history see one answer per kiosk. Checked once both have logged it.
heard() { grep -q "$1" "$work/ctl-a.log" && grep -q "$1" "$work/ctl-b.log"; }
faults_wait 30 "both controllers heard the kiosk's hello" heard "hello from $K"
"$bin/hall-controller" command identify --to "kiosk:$K" --config "$work/controller.json" --broker "127.0.0.1:$PORT" \
	> "$work/command.out" 2>&1 || fail "command identify: $(cat "$work/command.out")"
faults_wait 30 "both controllers heard the kiosk's ack" heard "kiosk $K: command c-[0-9]* done"
acks=$(sql "SELECT count(*) FROM acks WHERE kiosk='$K' AND kind='command'")
[ "$acks" = 1 ] || fail "the kiosk's one ack is $acks rows (each serve stored it?)"
grep -q 'daily backup written' "$work/ctl-a.log" && fail "the backup was not running while ctl-a answered (test proves nothing)"
: > "$work/dump-go"
faults_wait 30 "ctl-a's daily backup written once pg_dump goes on" grep -q 'daily backup written to' "$work/ctl-a.log"
sql "SELECT value FROM meta WHERE key='last_backup'" | grep -q ' ok .*controller-.*\.dump$' ||
	fail "the backup's result is not recorded: $(sql "SELECT value FROM meta WHERE key='last_backup'")"
have_some() { [ "$(sql "SELECT count(*) FROM events WHERE kiosk='$K'")" -ge 20 ]; }
faults_wait 60 "20 events of $K stored" have_some
killed_ms=$(date +%s%3N)
faults_stop "$APID" KILL
C=$(sql "SELECT count(*) FROM events WHERE kiosk='$K'")
echo "leader killed with $C events of $K stored"
faults_wait 10 "ctl-b takes the lead within 10 s of the leader's death" grep -q 'leading:' "$work/ctl-b.log"
# issue 13 asks for 10 s; measured from the kill to ctl-b's `leading:` line (its log's ms)
took=$(grep -m1 'leading:' "$work/ctl-b.log" | python3 -c 'import datetime, sys
t = datetime.datetime.strptime(sys.stdin.read()[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
print(round(t.timestamp() * 1000) - int(sys.argv[1]))' "$killed_ms")
echo "ctl-b took the lead $took ms after the kill -9 of ctl-a"
[ "$took" -le 10000 ] || fail "the lead passed $took ms after the leader's death (issue 13: within 10 s)"

drained() {
	local done="$work/shots-$K/taps-done.json" conf smax n
	[ -e "$done" ] || return 1
	python3 -c 'import os, sys, time; sys.exit(0 if time.time() - os.stat(sys.argv[1]).st_mtime >= 4.5 else 1)' "$done" || return 1
	read -r conf smax < <(python3 "$CHECK" spool-state "$work/kiosk-$K/spool") || return 1
	n=$(sql "SELECT count(*) FROM events WHERE kiosk='$K'")
	[ "$conf" = "$smax" ] && [ "$n" = "$smax" ]
}
faults_wait 90 "the stream ended and the spool drained into ctl-b" drained
kill -0 "$KPID" 2>/dev/null || fail "the kiosk died"
faults_stop "$KPID" TERM
N=$(python3 "$CHECK" final-status "$WIRE" "$K")
[ "$N" -gt "$C" ] || fail "no event was stored after the leader's death (N=$N, $C before)"
read -r n lo hi < <(sql "SELECT count(*), min(seq), max(seq) FROM events WHERE kiosk='$K'" | tr '|' ' ')
[ "$n" = "$N" ] && [ "$lo" = 1 ] && [ "$hi" = "$N" ] || fail "database holds $n events of $K, seq $lo..$hi; the kiosk issued $N"
stored=$(sql "SELECT value FROM counters WHERE name='events_stored'")
[ "$stored" = "$N" ] || fail "events_stored is $stored, expected $N (an event counted twice?)"
reports=$(cat "$work/ctl-a.log" "$work/ctl-b.log" | grep -c 'wrote the report of' || true)
[ "$reports" = 1 ] || fail "the day's report was written $reports times"
kill -0 "$BPID2" 2>/dev/null || fail "ctl-b died"
echo "two controllers, leader killed: ok (N=$N, $C stored at the kill, report written once)"
