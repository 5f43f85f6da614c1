#!/usr/bin/env bash
# A 3-node RabbitMQ cluster (issue 13's test; DESIGN.md decision 8), real nodes on loopback
# from tests/support/start-rabbitmq.sh: serve on node A (--broker A,B,C), one kiosk on each
# node (k-a: A,B,C; k-b: B,C,A; k-c: C,A,B), so kiosks sit on B and C and one on A:
#  - across nodes: a push is applied by all three, serve answers each hello (and names the
#    node it heard it through), a notice and a command reach kiosks on other nodes;
#  - node A is killed (kill -9) in the middle of every kiosk's stream of taps: serve reaches
#    another node within 10 s, k-a moves to a live node, and every event of every kiosk is
#    stored exactly once (resent duplicates counted once), the report counting each kiosk's
#    events with 0 missing.
# The development profile (plain MQTT on loopback); each program logs in as the nodes' own
# loopback user (RabbitMQ refuses a username without a password). Enrollment and TLS on
# RabbitMQ are test_enroll_rabbitmq.sh's.
#
# Both programs run with broker.kind "rabbitmq", so they subscribe at QoS 0 (hall/mqtt.h
# subscribe_qos0): RabbitMQ 3.10's MQTT plugin keeps a QoS 1 subscription (clean session
# too) in a durable queue mqtt-subscription-<client id>qos1 homed on the client's node, and
# after node A died node B closed serve's and k-a's connections 10-50 ms after each CONNACK
# for as long as we watched (2 of 2 runs before the change, "home node ... of durable
# queue ... is down or inaccessible"). A QoS 0 subscription's queue is transient and goes
# with its node.
#
# Suite time and load (tests/CMakeLists.txt): it holds ctest's cpu lock, and it runs in the
# Debug pass only (a sanitizer build does not register it). Its waits are bounds, not
# durations, sized for a machine 3x slower than a quiet CI run: 150 s for a stream to end and
# drain (k-a's outlasted a 60 s bound once under ctest -j4 beside the ASan suite), 60-150 s
# for the rest. The one timed check is the issue's: serve on a live node within 10 s of A's
# death, read from serve's own log (when it lost A, when it was connected again), not from
# this script's polling. The kiosks' taps start once the push, notice and command are done
# (wait-file go), and the last part waits for the kill (wait-file killed): A dies in the
# middle of every stream however long the steps before it took.
. "${HALL_SOURCE_DIR:?}/tests/support/faults_lib.sh"
faults_init rmq-cluster
T_START=$SECONDS
at() { echo "[$((SECONDS - T_START)) s] $*"; }
RMQ=""
trap 'faults_cleanup; [ -n "$RMQ" ] && "$src/tests/support/start-rabbitmq.sh" stop "$RMQ"' EXIT
RMQ=$("$src/tests/support/start-rabbitmq.sh" 3) || { RMQ=""; fail "no RabbitMQ cluster"; }
. "$RMQ/env"
read -r PA PB PC <<<"$RMQ_MQTT"
A="127.0.0.1:$PA" B="127.0.0.1:$PB" C="127.0.0.1:$PC"
at "cluster up: nodes booted in $(cat "$RMQ/boot_ms") ms, joined in $(cat "$RMQ/cluster_ms") ms"
rmqlogs() { for f in "$RMQ"/?/log/hallt-*.log; do echo "--- $f" >&2; tail -n 15 "$f" >&2; done; }

# Everything under hall/v1/ as node C sees it (C outlives A): the check's wire.
WIRE_C="$work/wire-c.txt"
mosquitto_sub -h 127.0.0.1 -p "$PC" -u guest -P guest -i wire-c -q 1 -v -t 'hall/v1/#' >>"$WIRE_C" 2>>"$work/sub-c.log" &
FAULTS_PIDS+=("$!")

guest() { # FILE: log in as the nodes' loopback user
	python3 - "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["broker"]["username"] = "guest"
c["broker"]["password"] = "guest"
c["broker"]["kind"] = "rabbitmq"
c.setdefault("session", {})["apply_wait_s"] = 0
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
}
faults_controller_config "$work/controller.json"
python3 - "$work/controller.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["broker"]["username"] = "guest"
c["broker"]["password"] = "guest"
c["broker"]["kind"] = "rabbitmq"
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
faults_kiosk_config "$work/kiosk.json"
guest "$work/kiosk.json"
CTL=(--config "$work/controller.json" --data "$work/ctl")

"$bin/hall-controller" serve --create "${CTL[@]}" --broker "$A,$B,$C" 2>>"$work/serve.log" &
CPID=$!
FAULTS_PIDS+=("$CPID")
faults_wait 90 "serve online (seen on node C)" grep -q 'hall/v1/ctl/controller/status {"online":true' "$WIRE_C"
grep -q "connected to $A" "$work/serve.log" || fail "serve is not on node A"

# Each kiosk's stream of taps (two every 80 ms and a frame or two each: 100-300 ms a
# round here) starts when the test writes the file `go` into its shots folder (after the
# push, the notice and the command): 60 rounds, during which the test kills A as soon as
# 20 events of each kiosk are stored (about 5 rounds), then 60 more once the test has
# written `killed` (at once, unless those first rounds ended before the kill on a slow
# machine), so events always go through a live node after A's death, k-a's while it moves.
KIOSKS="k-a k-b k-c"
declare -A LIST=([k-a]="$A,$B,$C" [k-b]="$B,$C,$A" [k-c]="$C,$A,$B")
taps() { # ROUNDS
	local _
	for _ in $(seq 1 "$1"); do
		echo "tap-id exhibit-brand"
		echo "wait 40"
		echo "tap-id home"
		echo "wait 40"
	done
}
{
	echo "wait-file go 600000"
	echo "tap-id start"
	taps 60
	echo "wait-file killed 600000"
	taps 60
	echo "dump taps-done"
	echo "wait 600000"
} >"$work/run.script"
for k in $KIOSKS; do
	"$bin/hall-kiosk" --config "$work/kiosk.json" --broker "${LIST[$k]}" --id "$k" --data "$work/kiosk-$k" --headless \
		--script "$work/run.script" --shots "$work/shots-$k" >/dev/null 2>>"$work/kiosk-$k.log" &
	FAULTS_PIDS+=("$!")
done
for k in $KIOSKS; do
	node=${LIST[$k]%%,*}
	heard() { grep -q "hello from $1 .*broker $2" "$work/serve.log"; }
	faults_wait 90 "serve answering $k's hello through its node $node" heard "$k" "$node"
done
at "serve answered the three kiosks' hellos"

# ---- across nodes: push, notice, command ------------------------------------------------
# push waits 10 s for the acks and exits 1 when a kiosk has not answered by then; three
# kiosks fetching the pack on a loaded machine can take longer (a clean-clone CI run under
# load: push exited 1 and set -e ended the test without a word). So push's exit status is
# kept, its output must say the pack was published, and each kiosk's applied ack is then
# awaited in serve's log (which hears them all).
push_rc=0
"$bin/hall-controller" push "$src/assets/default" --to all --yes "${CTL[@]}" --broker "$B,$C,$A" \
	>"$work/push.out" 2>"$work/push.log" || push_rc=$?
grep -q "pushed content version 1 to all" "$work/push.out" ||
	fail "push exited $push_rc without publishing: $(cat "$work/push.out" "$work/push.log")"
[ "$push_rc" -le 1 ] || fail "push exited $push_rc: $(cat "$work/push.out" "$work/push.log")"
for k in $KIOSKS; do
	faults_wait 150 "$k applying the push" grep -q "kiosk $k: content 1 applied" "$work/serve.log"
done
at "push applied by the three kiosks"
"$bin/hall-controller" notice "점검 중입니다" --to all --yes "${CTL[@]}" --broker "$C,$A,$B" >"$work/notice.out" 2>&1 ||
	fail "notice exited $?: $(cat "$work/notice.out")"
"$bin/hall-controller" command identify --to kiosk:k-c "${CTL[@]}" --broker "$B,$C,$A" >"$work/command.out" 2>&1 ||
	fail "command exited $?: $(cat "$work/command.out")"
for k in $KIOSKS; do
	faults_wait 60 "$k's ack of the notice" grep -q "^hall/v1/kiosk/$k/ack .*\"kind\":\"notice\".*\"applied\"" "$WIRE_C"
done
faults_wait 60 "k-c's ack of the command" grep -q '^hall/v1/kiosk/k-c/ack .*"kind":"command".*"done"' "$WIRE_C"
at "notice and command acked across nodes"
for k in $KIOSKS; do : >"$work/shots-$k/go"; done

# ---- measured while everything runs (docs/operations.md) ---------------------------------
mem=""
for L in a b c; do mem="$mem $L $(($(ps -o rss= -p "$(cat "$RMQ/$L/beam.pid")") / 1024)) MB"; done
echo "memory (resident) per node with serve, 3 kiosks and the wire watcher:$mem"

# ---- node A dies in the middle of the streams --------------------------------------------
have_some() { [ "$(db_count k-a)" -ge 20 ] && [ "$(db_count k-b)" -ge 20 ] && [ "$(db_count k-c)" -ge 20 ]; }
faults_wait 150 "20 events of each kiosk stored" have_some
declare -A C0
for k in $KIOSKS; do C0[$k]=$(db_count "$k"); done
KILL_MS=$(date +%s%3N)
rmqkill 1
for k in $KIOSKS; do : >"$work/shots-$k/killed"; done
t0=$SECONDS
at "node A killed with ${C0[k-a]}/${C0[k-b]}/${C0[k-c]} events stored"
moved() { grep -qF "broker $A unreachable (" "$work/$1.log" && grep -qE "now connected to ($B|$C)" "$work/$1.log"; }
faults_wait 60 "serve on a live node" moved serve
# The issue's 10 s, from serve's own log: when it lost A (its socket was reset at the kill)
# to when a live node took it.
python3 - "$work/serve.log" "$A" "$B" "$C" <<'PY' || fail "serve was not on a live node within 10 s of A's death"
import datetime, re, sys
lost = back = None
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"(\S+Z) ", line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ")
    if lost is None and "lost the connection to " + sys.argv[2] in line:
        lost = t
    elif lost is not None and re.search("now connected to (%s|%s)" % (re.escape(sys.argv[3]), re.escape(sys.argv[4])), line):
        back = t
        break
if lost is None or back is None:
    sys.exit("serve's log lacks %s" % ("its loss of A" if lost is None else "its move to a live node"))
gap = (back - lost).total_seconds()
print("serve: lost node A at %s, on a live node %.1f s later" % (lost.strftime("%H:%M:%S.%f")[:-3], gap))
sys.exit(0 if gap <= 10 else 1)
PY
faults_wait 90 "k-a on a live node" moved kiosk-k-a
at "k-a on a live node $((SECONDS - t0)) s after A died"
grep -hE "now connected to" "$work/serve.log" "$work/kiosk-k-a.log" | tail -n 2 | sed 's/^/  /'
faults_wait 60 "serve's roll-call after its move" bash -c "[ \$(grep -c '^hall/v1/ctl/all/rollcall ' '$WIRE_C') -ge 2 ]"

# ---- every event once --------------------------------------------------------------------
for k in $KIOSKS; do
	drained() { faults_drained "$1" 1.5; }
	faults_wait 150 "$k's stream ended and its spool drained" drained "$k"
done
at "every stream ended and drained"
for k in $KIOSKS; do
	N=$(python3 "$CHECK" wire-max "$WIRE_C" "$k")
	[ "$N" -gt "${C0[$k]}" ] || fail "$k: no event after A died"
	python3 "$CHECK" verify "$work/ctl/controller.db" "$k" "$N" "$WIRE_C" || { rmqlogs; fail "$k: events lost or doubled"; }
done
kill -0 "$CPID" 2>/dev/null || fail "serve died"
day=$(TZ=Asia/Seoul date +%Y-%m-%d)
"$bin/hall-controller" report --date "$day" --format json "${CTL[@]}" >"$work/report.json" 2>"$work/report.log" ||
	fail "report failed"
python3 - "$work/report.json" "$work/ctl/controller.db" $KIOSKS <<'PY' || fail "the report does not count every event once"
import json, sqlite3, sys
r = json.load(open(sys.argv[1]))
con = sqlite3.connect(sys.argv[2])
for k in sys.argv[3:]:
    row = [x for x in r["kiosks"] if x["id"] == k][0]
    n = con.execute("select count(*) from events where kiosk=?", (k,)).fetchone()[0]
    assert row["missing"] == 0, row
    assert row["events"] == n, (row, n)
    print("report: %s %d events, 0 missing" % (k, n))
PY
# Node death to serve's first stored event that was tapped after it (so it came through a
# live node), from the store's own receive times. The death is when serve saw its
# connection to A drop (a killed process's sockets are reset at once): the kill command
# itself lands some 100 ms after $KILL_MS on a loaded machine.
python3 - "$work/ctl/controller.db" "$KILL_MS" "$work/serve.log" "$A" <<'PY'
import datetime, re, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
kill = int(sys.argv[2])
for line in open(sys.argv[3], errors="replace"):
    m = re.match(r"(\S+Z) .*lost the connection to " + re.escape(sys.argv[4]), line)
    if m:
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
        kill = int(t.timestamp() * 1000)
        break
r = con.execute("select min(received) from events where ts > ?", (kill,)).fetchone()[0]
before = con.execute("select max(received) from events where received <= ?", (kill,)).fetchone()[0]
print("node A's death to the first stored event tapped after it: %d ms (last store before the death: %d ms before it)"
      % (r - kill, kill - before))
PY
at "3-node cluster, node A killed: ok ($((SECONDS - T_START)) s in all)"

# ---- HALL_RMQ_RESTARTS=1: restart one node at a time and time each node's MQTT gap --------
# (manual measurement for docs/operations.md; serve keeps running through it)
if [ "${HALL_RMQ_RESTARTS:-0}" = 1 ]; then
	leader=$(rmqctl 2 eval 'element(3, ra:members({mqtt_node, node()})).' 2>&1 | tr -d '\n')
	echo "client-id tracking (Raft) leader after A's death: $leader"
	ms=$(rmqstart 1) || fail "node A did not start again"
	echo "node A (killed) started again: MQTT after $ms ms"
	for i in 2 3; do
		L=$(printf "\\x$(printf %x $((96 + i)))")
		leader=$(rmqctl 1 eval 'element(3, ra:members({mqtt_node, node()})).' 2>&1 | tr -d '\n')
		h0=$(date +%s%3N)
		rmqhalt "$i"
		ms=$(rmqstart "$i") || fail "node $L did not start again"
		echo "node $L halted and started (client-id tracking leader before: $leader): MQTT $ms ms after its start, $(($(date +%s%3N) - h0)) ms after the halt"
		running=$(rmqctl 1 eval 'length(rabbit_nodes:all_running()).' 2>&1)
		members=$(rmqctl "$i" eval 'element(2, ra:members({mqtt_node, node()})).' 2>&1 | tr -d '\n')
		echo "  running nodes: $running; tracking members seen by $L: $members"
	done
	grep -h "now connected to\|lost the connection" "$work/serve.log" | tail -n 6 | sed 's/^/  serve: /'
	kill -0 "$CPID" 2>/dev/null || fail "serve died during the restarts"
	mosquitto_pub -h 127.0.0.1 -p "$PA" -u guest -P guest -i after-restarts -q 1 -t hall/v1/test/after -m x ||
		fail "node A takes no MQTT after the restarts"
	echo "restarts: ok ($((SECONDS - T_START)) s in all)"
fi
