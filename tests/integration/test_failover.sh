#!/usr/bin/env bash
# Broker failover (issue 13 item 1, docs/protocol.md "Broker failover"): serve and a kiosk
# both list two brokers [A,B] (--broker A,B). A and B are two independent mosquittos: they
# share no messages, so what this shows is what holds for them: everybody starts on A, A is
# killed (kill -9) in the middle of a stream of taps, and then
#  - serve and the kiosk each reach B within a bound, and each logs the one line that says
#    where it went;
#  - on B everything the reconnect path does happens again: serve's online status and its
#    roll-call, the kiosk's hello (answered by serve), and the kiosk's status names B;
#  - a push made after the move (by a staff command that also lists [A,B]) reaches the
#    kiosk and is applied;
#  - the events tapped while the kiosk had no broker are stored, every event exactly once
#    (the kiosk resends what is unconfirmed after it reconnects).
# And first: bad --broker lists are one line naming the entry, exit code 2, in both programs.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"

faults_init failover

# ---- bad lists: refused before anything starts ---------------------------------------------
expect_refusal() { # WHAT EXPECTED-TEXT COMMAND...
	local what=$1 text=$2 out code=0
	shift 2
	out=$("$@" 2>&1 >/dev/null) || code=$?
	[ "$code" = 2 ] || fail "$what: exit code $code, expected 2 ($out)"
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "$what: expected one line, got: $out"
	grep -qF -- "$text" <<<"$out" || fail "$what: expected \"$text\" in: $out"
}
expect_refusal "kiosk, empty entry" '--broker: entry 2 "": empty' \
	"$bin/hall-kiosk" --config "$src/config/kiosk.json" --headless --broker 127.0.0.1:1884,,127.0.0.1:1885
expect_refusal "kiosk, no port in a list" '--broker: entry 2 "127.0.0.1": no port' \
	"$bin/hall-kiosk" --config "$src/config/kiosk.json" --headless --broker 127.0.0.1:1884,127.0.0.1
expect_refusal "serve, port out of range" '--broker: entry 1 "127.0.0.1:65536": port out of range' \
	"$bin/hall-controller" serve --config "$src/config/controller.json" --broker 127.0.0.1:65536,127.0.0.1:1885
expect_refusal "push, too many" '--broker: more than 8 brokers' \
	"$bin/hall-controller" push "$src/assets/default" --to all --yes --config "$src/config/controller.json" \
	--broker a:1,a:2,a:3,a:4,a:5,a:6,a:7,a:8,a:9

# ---- two brokers -----------------------------------------------------------------------------

read -r PORT_B BPID_B BDIR_B < <("$src/tests/support/start-broker.sh") || fail "no second broker"
FAULTS_PIDS+=("$BPID_B")
trap 'faults_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$BDIR_B"' EXIT
A="127.0.0.1:$PORT"
B="127.0.0.1:$PORT_B"
LIST="$A,$B"
WIRE_B="$work/wire-b.txt"
mosquitto_sub -h 127.0.0.1 -p "$PORT_B" -q 1 -v -t 'hall/v1/#' >> "$WIRE_B" 2>> "$work/sub-b.log" &
FAULTS_PIDS+=("$!")

K=fo-k
DB="$work/ctl/controller.db"
faults_controller_config "$work/controller.json"
faults_kiosk_config "$work/kiosk.json"
# An update is applied at once, even in the middle of the visit the tap stream is.
python3 - "$work/kiosk.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["session"]["apply_wait_s"] = 0
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
"$bin/hall-controller" serve --create --config "$work/controller.json" --broker "$LIST" --data "$work/ctl" \
	2>> "$work/serve.log" &
CPID=$!
FAULTS_PIDS+=("$CPID")
faults_wait 20 "serve online on A" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE"

# About 15 s of taps (2 events every 80 ms): before, during and after the move.
faults_tap_script "$work/run.script" 100 40
rm -rf "$work/shots-$K"
"$bin/hall-kiosk" --config "$work/kiosk.json" --broker "$LIST" --id "$K" --data "$work/kiosk-$K" --headless \
	--script "$work/run.script" --shots "$work/shots-$K" > /dev/null 2>> "$work/kiosk.log" &
KPID=$!
FAULTS_PIDS+=("$KPID")
have_some() { [ "$(db_count "$K")" -ge 20 ]; }
faults_wait 30 "20 events of $K stored through A" have_some
grep -q "^hall/v1/kiosk/$K/status .*\"broker\":\"$A\"" "$WIRE" || fail "the kiosk's status on A does not name A"

# ---- A dies ---------------------------------------------------------------------------------
faults_broker_kill
t0=$SECONDS
C0=$(db_count "$K")
echo "broker A ($A) killed with $C0 events stored"
moved() { grep -qF "broker $A unreachable (" "$work/$1.log" && grep -qF "now connected to $B" "$work/$1.log"; }
faults_wait 20 "serve on B, saying so in one line" moved serve
faults_wait 20 "the kiosk on B, saying so in one line" moved kiosk
echo "both on B $((SECONDS - t0)) s after A died (test at ${SECONDS} s)"
grep -F "now connected to $B" "$work/serve.log" "$work/kiosk.log" | sed 's/^/  /'

# What a reconnect does, done on B: serve's online status and roll-call, the kiosk's hello
# (which serve answers: it heard it on B) and a status that names B.
faults_wait 10 "serve's online status on B" grep -q '^hall/v1/ctl/controller/status {"online":true' "$WIRE_B"
faults_wait 10 "serve's roll-call on B" grep -q '^hall/v1/ctl/all/rollcall ' "$WIRE_B"
faults_wait 15 "the kiosk's hello on B" grep -q "^hall/v1/kiosk/$K/hello .*\"broker\":\"$B\"" "$WIRE_B"
heard_on_b() { grep -q "hello from $K .*broker $B" "$work/serve.log"; }
faults_wait 15 "serve answering the kiosk's hello on B" heard_on_b
faults_wait 15 "the kiosk's status naming B" grep -q "^hall/v1/kiosk/$K/status .*\"broker\":\"$B\"" "$WIRE_B"

# ---- a push after the move reaches the kiosk ---------------------------------------------
"$bin/hall-controller" push "$src/assets/default" --to all --yes --config "$work/controller.json" --broker "$LIST" \
	--data "$work/ctl" > "$work/push.out" 2> "$work/push.log" || fail "push exited $?: $(cat "$work/push.out")"
grep -q "$K.*applied" "$work/push.out" || fail "the kiosk did not apply the push made after the move: $(cat "$work/push.out")"
grep -q "^hall/v1/kiosk/$K/ack .*\"applied\"" "$WIRE_B" || fail "no applied ack from the kiosk on B"
# serve's heartbeat (every 5 s) tells `status` which broker it is on.
ctl_status() { "$bin/hall-controller" status "$@" --config "$work/controller.json" --data "$work/ctl" 2>&1; }
# and the kiosk's own hello and status which one it is on (stored per kiosk).
kiosk_on_b() { ctl_status --json | python3 -c 'import json, sys
d = json.load(sys.stdin); k = [k for k in d["kiosks"] if k["id"] == sys.argv[1]]
sys.exit(0 if k and k[0]["broker"] == sys.argv[2] else 1)' "$K" "$B"; }
on_b() { ctl_status | grep -qF "serve is running, connected to the broker at $B" &&
	ctl_status | grep -qF "on the broker at $B" && ctl_status --json | grep -qF "\"broker\":\"$B\"" && kiosk_on_b; }
faults_wait 15 "status naming serve's broker B and the kiosk's" on_b

# ---- every event once, the outage's included ------------------------------------------------
drained() { faults_drained "$K" 1.5; }
faults_wait 60 "the stream ended and the spool drained" drained
faults_stop "$KPID" TERM
cat "$WIRE" "$WIRE_B" > "$work/wire-all.txt"
N=$(python3 "$CHECK" final-status "$WIRE_B" "$K")
[ "$N" -gt "$C0" ] || fail "no event after A died (seq_max $N, $C0 stored before): the test proves nothing"
python3 "$CHECK" verify "$DB" "$K" "$N" "$work/wire-all.txt" || fail "events lost or doubled across the failover"
stored=$(python3 "$CHECK" counter "$DB" events_stored)
[ "$stored" = "$N" ] || fail "counter events_stored is $stored, expected $N"
kill -0 "$CPID" 2>/dev/null || fail "serve died"
echo "failover A -> B: ok (N=$N events, $C0 stored before A died)"
