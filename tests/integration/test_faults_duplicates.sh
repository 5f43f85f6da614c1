#!/usr/bin/env bash
# Faults on the wire: replayed and malformed events.
# Expected (DESIGN.md decision 2, docs/protocol.md "events"):
#  - every events message a real kiosk sent, published again by mosquitto_pub (as captured,
#    and each event once more on its own, in reverse order), is counted once: the
#    database still holds seq 1..N, events_stored stays N, events_duplicate grows by exactly
#    the number of copies, and the controller confirms N again;
#  - malformed messages (not JSON, trailing bytes, not an object, wrong types, seq 0,
#    negative seq, unknown type, ts out of range, a kiosk other than the topic's, a batch of
#    another kiosk, over 1 MiB) are counted as rejected (messages_rejected +1, and
#    events_rejected +1 on an events topic) and never stored; inside a batch a bad event is
#    rejected alone (events_rejected +1) and its good neighbours are stored;
#  - the daemon keeps running: a valid event sent afterwards is stored and confirmed.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init faults-dup
K=fk-dup
J=fk-inject
DB="$work/ctl/controller.db"
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json"
faults_start_controller "$work/controller.json" serve
faults_wait 10 "controller online" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

# 1. A real kiosk sends a short stream, everything confirmed.
faults_tap_script "$work/run.script" 12 40
faults_start_kiosk "$work/kiosk.json" "$K" "$work/run.script" kiosk
drained() { faults_drained "$K" 1.5; }
faults_wait 150 "the stream ended and the spool drained" drained
faults_stop "$KPID" TERM
N=$(python3 "$CHECK" final-status "$WIRE" "$K")
python3 "$CHECK" verify "$DB" "$K" "$N" "$WIRE" >/dev/null || fail "the plain run already lost or doubled events"
ctr() { python3 "$CHECK" counter "$DB" "$1"; }
stored0=$(ctr events_stored) dup0=$(ctr events_duplicate) rejev0=$(ctr events_rejected) rejmsg0=$(ctr messages_rejected)
[ "$stored0" = "$N" ] || fail "events_stored $stored0 after a clean run of $N events"
echo "clean run: N=$N stored=$stored0 duplicate=$dup0 rejected events=$rejev0 messages=$rejmsg0"

# 2. Replay: every events message as captured, then every event alone, newest first.
copies=$(python3 - "$WIRE" "$K" "$work/replay.txt" <<'PY'
import json, sys
wire, k, out = sys.argv[1:4]
topic = "hall/v1/kiosk/%s/events" % k
msgs, singles, copies = [], [], 0
for line in open(wire):
    t, _, p = line.rstrip("\n").partition(" ")
    if t != topic:
        continue
    msgs.append(p)
    m = json.loads(p)
    evs = m["events"] if "events" in m else [m]
    copies += len(evs)
    for e in evs:
        singles.append(json.dumps(dict(e, kiosk=k), separators=(",", ":")))
singles.reverse()
open(out, "w").write("\n".join(msgs + singles) + "\n")
print(copies + len(singles))
PY
)
echo "replaying $(wc -l < "$work/replay.txt") messages holding $copies event copies"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$K/events" -l < "$work/replay.txt"
want_dup=$((dup0 + copies))
dup_done() { [ "$(ctr events_duplicate)" -ge "$want_dup" ]; }
faults_wait 20 "events_duplicate to reach $want_dup" dup_done
sleep 1 # anything counted twice would show now
[ "$(ctr events_duplicate)" = "$want_dup" ] || fail "events_duplicate is $(ctr events_duplicate), expected $want_dup"
[ "$(ctr events_stored)" = "$N" ] || fail "events_stored is $(ctr events_stored) after the replay, expected $N"
[ "$(ctr events_rejected)" = "$rejev0" ] || fail "the replay rejected $(($(ctr events_rejected) - rejev0)) valid events"
python3 "$CHECK" verify "$DB" "$K" "$N" "$WIRE" || fail "the replay changed what is stored"
[ "$(python3 "$CHECK" confirms "$WIRE" "$K" | tail -1)" = "$N" ] || fail "after the replay the confirm is not $N"

cp "$WIRE" "$work/wire-clean.txt" # the checks below must not read the malformed events as sent by $K

# 3. Malformed messages. Each line: TOPIC-LEAF KIOSK-OF-TOPIC PAYLOAD; rejected whole.
now=$(python3 -c 'import time; print(int(time.time()*1000))')
ev() { printf '{"kiosk":"%s","seq":%s,"ts":%s,"type":"%s","exhibit":"brand","target":"x"}' "$1" "$2" "$3" "$4"; }
bad=(
	"{\"kiosk\":\"$K\",\"seq\":"                                 # not JSON (cut off)
	"$(ev "$K" 9001 "$now" tap) trailing"                        # trailing bytes
	"[1,2,3]"                                                    # not an object
	"42"
	"{\"kiosk\":\"$K\",\"seq\":\"9002\",\"ts\":$now,\"type\":\"tap\",\"exhibit\":\"brand\",\"target\":\"x\"}" # seq a string
	"{\"kiosk\":\"$K\",\"seq\":9003,\"ts\":\"$now\",\"type\":\"tap\",\"exhibit\":\"brand\",\"target\":\"x\"}" # ts a string
	"{\"kiosk\":\"$K\",\"seq\":9004,\"ts\":$now,\"type\":\"tap\",\"exhibit\":7,\"target\":\"x\"}"              # exhibit a number
	"{\"kiosk\":\"$K\",\"seq\":9005.5,\"ts\":$now,\"type\":\"tap\",\"exhibit\":\"brand\",\"target\":\"x\"}"    # seq not an integer
	"$(ev "$K" 0 "$now" tap)"                                    # seq 0
	"$(ev "$K" -3 "$now" tap)"                                   # negative seq
	"$(ev "$K" 9006 "$now" explode)"                             # unknown type
	"$(ev "$K" 9007 1000 tap)"                                   # ts before 2000
	"$(ev other-kiosk 9008 "$now" tap)"                          # another kiosk on this topic
	"{\"kiosk\":\"other-kiosk\",\"events\":[$(ev other-kiosk 9009 "$now" tap)]}" # a batch of another kiosk
	"{\"kiosk\":\"$K\",\"events\":{\"seq\":9010}}"               # events not an array
	"{\"kiosk\":\"$K\",\"seq\":9011,\"ts\":$now,\"type\":\"vote\",\"exhibit\":\"poll\",\"target\":\"a\"}"     # vote without poll
)
printf '%s\n' "${bad[@]}" > "$work/bad.txt"
nbad=${#bad[@]}
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$K/events" -l < "$work/bad.txt"
# Over 1 MiB: a valid event padded past the limit.
python3 -c "
import json, sys
e = json.loads(sys.argv[1]); e['target'] = 'x'; e['pad'] = 'p' * (1 << 20)
open(sys.argv[2], 'w').write(json.dumps(e))" "$(ev "$K" 9012 "$now" tap)" "$work/big.json"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$K/events" -f "$work/big.json"
nbad=$((nbad + 1))
# A hello that is not JSON: a rejected message, no event.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$J/hello" -m '{"kiosk":'
# A batch of a kiosk never seen before: bad events rejected alone, the good ones stored.
batch="{\"kiosk\":\"$J\",\"events\":[$(ev "$J" 1 "$now" tap),$(ev "$J" 0 "$now" tap),$(ev "$J" 2 "$now" tap),$(ev zzz 3 "$now" tap),$(ev "$J" 4 "$now" sleep)]}"
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$J/events" -m "$batch"
want_msg=$((rejmsg0 + nbad + 1))
want_ev=$((rejev0 + nbad + 3))
rej_done() { [ "$(ctr messages_rejected)" -ge "$want_msg" ] && [ "$(ctr events_rejected)" -ge "$want_ev" ]; }
faults_wait 20 "messages_rejected $want_msg and events_rejected $want_ev (now $(ctr messages_rejected), $(ctr events_rejected))" rej_done
sleep 1
[ "$(ctr messages_rejected)" = "$want_msg" ] || fail "messages_rejected is $(ctr messages_rejected), expected $want_msg"
[ "$(ctr events_rejected)" = "$want_ev" ] || fail "events_rejected is $(ctr events_rejected), expected $want_ev"
[ "$(ctr events_stored)" = "$((N + 2))" ] || fail "events_stored is $(ctr events_stored), expected $N + 2 (the batch's good events)"
python3 "$CHECK" verify "$DB" "$K" "$N" "$work/wire-clean.txt" || fail "a malformed message changed what is stored for $K"
python3 - "$DB" "$K" "$J" "$N" <<'PY' || fail "malformed events were stored"
import sqlite3, sys
db, k, j, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
rows = con.execute("SELECT kiosk, count(*), group_concat(seq) FROM events GROUP BY kiosk ORDER BY kiosk").fetchall()
got = {r[0]: (r[1], sorted(int(s) for s in r[2].split(","))) for r in rows}
want = {k: (n, list(range(1, n + 1))), j: (2, [1, 2])}
assert got == want, "stored per kiosk: %r" % {x: (c, s[:5] + ["..."] if len(s) > 5 else s) for x, (c, s) in got.items()}
PY
kill -0 "$CPID" 2>/dev/null || fail "the controller died on malformed input"

# 4. Still serving: the next valid event of the new kiosk (seq 3 and 4 were rejected, so
#    the gap-free confirm stays at 2 until they come) is stored.
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -t "hall/v1/kiosk/$J/events" -m "$(ev "$J" 3 "$now" view)"
three() { [ "$(db_count "$J")" = 3 ]; }
faults_wait 10 "seq 3 of $J stored after the malformed flood" three
conf3() { [ "$(python3 "$CHECK" confirms "$WIRE" "$J" | tail -1)" = 3 ]; }
faults_wait 10 "confirm 3 for $J" conf3
kill -0 "$CPID" 2>/dev/null || fail "the controller died"
echo "duplicates and malformed events: ok (N=$N, $copies copies counted once, $nbad malformed messages rejected)"
