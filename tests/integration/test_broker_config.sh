#!/usr/bin/env bash
# test_broker_config.sh: the shipped broker files work.
#  1. config/mosquitto.conf starts a broker (on a free loopback port instead of 1883).
#  2. config/mosquitto.acl confines a kiosk to its own topics (DESIGN.md decision 7): it
#     publishes only under hall/v1/kiosk/<its id>/ and reads only what is addressed to it,
#     to all kiosks, groups, assets, polls and the controller's status; the controller
#     reads and writes everything.
# "Not delivered" is checked without waiting for a timeout: a denied message is followed
# by an allowed sentinel from the same kind of client, and the first message the
# subscriber's persistent session holds must be the sentinel.
set -euo pipefail

SRC=${HALL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
MOSQUITTO=${HALL_MOSQUITTO:-/usr/sbin/mosquitto}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hall-brokercfg-XXXXXX")
PIDS=()
CONFDIR=""
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
	[ -n "$CONFDIR" ] && rm -rf "$CONFDIR"
	true
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- 1. the shipped mosquitto.conf --------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$WORK/var/mosquitto"
sed "s/^listener 1883 127.0.0.1$/listener $PORT 127.0.0.1/" "$SRC/config/mosquitto.conf" >"$WORK/mosquitto.conf"
grep -q "^listener $PORT 127.0.0.1$" "$WORK/mosquitto.conf" || fail "mosquitto.conf has no 'listener 1883 127.0.0.1' line"
grep -q "^listener" <(grep -v "^listener $PORT" "$WORK/mosquitto.conf") && fail "mosquitto.conf has another listener"
[ "$(id -u)" = 0 ] && echo "user root" >>"$WORK/mosquitto.conf"
(cd "$WORK" && exec "$MOSQUITTO" -c mosquitto.conf </dev/null >"$WORK/shipped.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 100); do port_open "$PORT" && break; sleep 0.05; done
port_open "$PORT" || { cat "$WORK/shipped.log" >&2; fail "the shipped mosquitto.conf did not start a broker"; }
# It takes a retained message and keeps it across a restart (persistence on).
mosquitto_pub -h 127.0.0.1 -p "$PORT" -q 1 -r -t hall/v1/ctl/controller/status -m '{"online":true,"ts":1764057600000}'
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true
[ -s "$WORK/var/mosquitto/mosquitto.db" ] || fail "no persistence file in var/mosquitto/"
(cd "$WORK" && exec "$MOSQUITTO" -c mosquitto.conf </dev/null >>"$WORK/shipped.log" 2>&1) &
PIDS+=($!)
for _ in $(seq 1 100); do port_open "$PORT" && break; sleep 0.05; done
got=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -q 1 -t hall/v1/ctl/controller/status -C 1 -W 10)
[ "$got" = '{"online":true,"ts":1764057600000}' ] || fail "retained status not kept across restart: '$got'"
kill "${PIDS[1]}"; wait "${PIDS[1]}" 2>/dev/null || true
echo "ok: shipped mosquitto.conf starts, listens on loopback, persists"

# ---- 2. the ACL ---------------------------------------------------------------------
read -r PORT BPID CONFDIR < <("$SRC/tests/support/start-broker.sh" "acl_file $SRC/config/mosquitto.acl")
PIDS+=("$BPID")
M=(-h 127.0.0.1 -p "$PORT" -q 1)

# A persistent session subscribed to topics; later "drain" reads what it queued.
subscribe() { local user=$1 cid=$2; shift 2; mosquitto_sub "${M[@]}" -u "$user" -i "$cid" -c -E "$@"; }
drain() { local user=$1 cid=$2 n=$3; shift 3; mosquitto_sub "${M[@]}" -u "$user" -i "$cid" -c -C "$n" -W 10 -v "$@"; }
pub() { local user=$1 topic=$2 msg=$3; if [ -n "$user" ]; then mosquitto_pub "${M[@]}" -u "$user" -t "$topic" -m "$msg"; else mosquitto_pub "${M[@]}" -t "$topic" -m "$msg"; fi; }

# What kiosks publish, seen by the controller.
subscribe controller t-ctl -t 'hall/v1/#'
pub kiosk-01 hall/v1/kiosk/kiosk-02/events forged-by-kiosk-01
pub kiosk-01 hall/v1/ctl/all/notice forged-notice
pub kiosk-01 hall/v1/ctl/kiosk/kiosk-01/confirm forged-confirm
pub "" hall/v1/kiosk/kiosk-01/events anonymous
pub kiosk-01 hall/v1/kiosk/kiosk-01/events own-event
first=$(drain controller t-ctl 1 -t 'hall/v1/#')
[ "$first" = "hall/v1/kiosk/kiosk-01/events own-event" ] || fail "controller saw '$first' before kiosk-01's own event"
echo "ok: a kiosk publishes only under its own kiosk tree; anonymous clients publish nothing"

# What the controller publishes, seen by kiosk-01.
K1_TOPICS=(-t hall/v1/ctl/kiosk/kiosk-02/confirm -t hall/v1/kiosk/kiosk-02/events -t hall/v1/ctl/kiosk/kiosk-01/confirm
	-t hall/v1/ctl/all/content -t hall/v1/ctl/group/lobby/notice
	-t hall/v1/ctl/asset/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
	-t hall/v1/ctl/poll/brand-vote/results -t hall/v1/ctl/controller/status)
subscribe kiosk-01 t-k1 "${K1_TOPICS[@]}"
pub controller hall/v1/ctl/kiosk/kiosk-02/confirm for-kiosk-02
pub kiosk-02 hall/v1/kiosk/kiosk-02/events kiosk-02-event
pub controller hall/v1/ctl/kiosk/kiosk-01/confirm c1
pub controller hall/v1/ctl/all/content c2
pub controller hall/v1/ctl/group/lobby/notice c3
pub controller hall/v1/ctl/asset/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad c4
pub controller hall/v1/ctl/poll/brand-vote/results c5
pub controller hall/v1/ctl/controller/status c6
got=$(drain kiosk-01 t-k1 6 "${K1_TOPICS[@]}" | awk '{print $2}' | tr '\n' ' ')
[ "$got" = "c1 c2 c3 c4 c5 c6 " ] || fail "kiosk-01 read '$got', expected 'c1 c2 c3 c4 c5 c6 '"
echo "ok: a kiosk reads its own, all, group, asset, poll and controller topics, and no other kiosk's"
