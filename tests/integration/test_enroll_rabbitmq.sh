#!/usr/bin/env bash
# test_enroll_rabbitmq.sh: the enrolled hall on a real RabbitMQ node (issue 13, DESIGN.md
# decisions 7 and 8), run from the files `hall-controller init --broker-kind rabbitmq` wrote,
# MQTT over TLS on free loopback ports (tests/support/start-rabbitmq.sh):
#   - init writes rabbitmq.conf (TLS only, no anonymous access) and the controller's account;
#   - anonymous clients and wrong passwords are refused;
#   - kiosk add makes the kiosk's RabbitMQ user through rabbitmqctl; its config carries the
#     password, and a signed push from serve reaches the real kiosk over TLS;
#   - a kiosk publishing or subscribing outside its tree is refused (RabbitMQ closes the
#     connection) and nothing reaches the controller's topics;
#   - kiosk remove disconnects the running kiosk at once and it cannot connect again.
set -uo pipefail
BIN="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}/hall-controller"
KIOSK="${HALL_BUILD_DIR}/hall-kiosk"
SRC="${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-enroll-rmq-XXXXXX")
PIDS=()
RMQ=""
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$RMQ" ] && "$SRC/tests/support/start-rabbitmq.sh" stop "$RMQ"
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
. "$SRC/tests/support/cli_lib.sh" # expect, check
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$@"; }
logs() { for f in "$TMP"/*.log "$RMQ"/a/log/*.log; do [ -s "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; }
T_START=$(date +%s)

cd "$TMP" || exit 1
D="$TMP/hall"
CFG="$D/controller.json"

# ---- init -----------------------------------------------------------------------------
expect init_should_make_a_rabbitmq_hall 0 "rabbitmq.conf" -- "$BIN" init --data "$D" --broker 127.0.0.1:8883 --broker-kind rabbitmq --name hall.example
C="$D/broker/rabbitmq.conf"
check init_should_write_no_mosquitto_files test ! -e "$D/broker/mosquitto.conf"
check rabbitmq_conf_should_refuse_anonymous grep -q '^mqtt.allow_anonymous = false' "$C"
check rabbitmq_conf_should_have_no_plain_listener bash -c "grep -q '^mqtt.listeners.tcp = none' '$C' && grep -q '^listeners.tcp = none' '$C' && grep -q '^mqtt.listeners.ssl.default = 127.0.0.1:8883' '$C'"
check rabbitmq_conf_should_use_the_halls_tls bash -c "grep -q '^ssl_options.certfile = $D/tls/server.crt' '$C'"
check definitions_should_be_private test "$(stat -c %a "$D/broker/definitions.json")" = 600
check controller_config_should_say_rabbitmq test "$(json "$CFG" "['broker_admin']['kind']")" = rabbitmq
expect init_again_should_keep_the_broker_kind 0 "rabbitmq.conf" -- "$BIN" init --data "$D"

# ---- init --broker A,B,C: one file a node, each listening on its own entry --------------
# (a listener can only be an address of its own machine: one shared file listening on A
# would not start on B or C)
D3="$TMP/hall3"
L3="127.0.0.1:8883,mq2.hall.example:8884,mq3.hall.example:8885"
expect init_with_three_nodes_should_write_a_file_a_node 0 "rabbitmq.nodeN.conf" -- "$BIN" init --data "$D3" --broker "$L3" --broker-kind rabbitmq
listens() { grep -qx "mqtt.listeners.ssl.default = $2" "$D3/broker/$1" && [ "$(grep -c '^mqtt.listeners' "$D3/broker/$1")" = 2 ]; }
check node1_should_listen_on_the_first_entry listens rabbitmq.conf 127.0.0.1:8883
check node2_should_listen_on_the_second_entry listens rabbitmq.node2.conf mq2.hall.example:8884
check node3_should_listen_on_the_third_entry listens rabbitmq.node3.conf mq3.hall.example:8885
settings() { grep -v -e '^#' -e '^mqtt.listeners.ssl.default' "$D3/broker/$1"; }
check node_files_should_differ_only_in_their_listener cmp -s <(settings rabbitmq.conf) <(settings rabbitmq.node3.conf)
check node_files_should_be_private test "$(stat -c %a "$D3/broker/rabbitmq.node2.conf")" = 600
check controller_should_list_the_three_nodes test "$(json "$D3/controller.json" "['broker']['hosts']")" = "['127.0.0.1:8883', 'mq2.hall.example:8884', 'mq3.hall.example:8885']"
expect init_again_should_keep_the_nodes 0 "rabbitmq.nodeN.conf" -- "$BIN" init --data "$D3"
check init_again_should_keep_node3s_listener listens rabbitmq.node3.conf mq3.hall.example:8885
expect init_with_two_nodes_should_drop_the_third 0 "" -- "$BIN" init --data "$D3" --broker "127.0.0.1:8883,mq2.hall.example:8884"
check the_third_nodes_file_should_be_gone test ! -e "$D3/broker/rabbitmq.node3.conf"

# ---- one node, from the config init wrote --------------------------------------------
RMQ=$("$SRC/tests/support/start-rabbitmq.sh" 1 "$C") || { RMQ=""; echo "FAIL no RabbitMQ node"; exit 1; }
. "$RMQ/env"
echo "     (node booted in $(cat "$RMQ/boot_ms") ms)"
PORT=$RMQ_MQTTS
# The node's own ports and name, and the rabbitmqctl that runs as this user (Debian's
# /usr/sbin/rabbitmqctl switches to the user rabbitmq, whose cookie is not this node's).
python3 - "$CFG" "$PORT" "$RMQ_NODES" "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["broker"]["port"] = int(sys.argv[2])
c["broker_admin"]["nodes"] = sys.argv[3].split()
c["broker_admin"]["rabbitmqctl"] = "/usr/lib/rabbitmq/bin/rabbitmqctl"
c["console"]["listen"] = "127.0.0.1:" + sys.argv[4]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
PC=$(json "$CFG" "['broker']['password']")
T=(-h 127.0.0.1 -p "$PORT" --cafile "$D/tls/ca.crt" -q 1)

expect the_controller_should_log_in_over_tls 0 "" -- timeout 30 mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/ctl/all/notice -m x
expect anonymous_should_be_refused 4 "refused" -- timeout 30 mosquitto_pub "${T[@]}" -i anon -t hall/v1/kiosk/k1/x -m x
expect a_wrong_password_should_be_refused 4 "refused" -- timeout 30 mosquitto_pub "${T[@]}" -u hall-controller -P wrong -i hall-controller-t -t hall/v1/kiosk/k1/x -m x

# ---- kiosk add -------------------------------------------------------------------------
expect kiosk_add_should_make_a_rabbitmq_user 0 "staff PIN for k1:" -- "$BIN" kiosk add k1 --group lobby --out "$TMP/k1.json" --config "$CFG"
expect kiosk_add_should_refuse_an_enrolled_id 1 "k1 is already enrolled" -- "$BIN" kiosk add k1 --group lobby --out "$TMP/x.json" --config "$CFG"
expect kiosk_add_should_refuse_guest 2 "reserved" -- "$BIN" kiosk add guest --group lobby --out "$TMP/x.json" --config "$CFG"
P1=$(json "$TMP/k1.json" "['broker']['password']")
check kiosk_config_should_carry_its_password test -n "$P1"
expect kiosk_list_should_show_it 0 "k1                       lobby            enrolled" -- "$BIN" kiosk list --config "$CFG"

# ---- serve, the real kiosk, a signed push over TLS ------------------------------------
"$BIN" serve --config "$CFG" 2>"$TMP/serve.log" &
PIDS+=($!)
printf 'wait 600000\n' >"$TMP/idle.script"
"$KIOSK" --config "$TMP/k1.json" --headless --data "$TMP/k1data" --script "$TMP/idle.script" >"$TMP/k1.out" 2>"$TMP/k1.log" &
KPID=$!
PIDS+=("$KPID")
for _ in $(seq 1 300); do grep -q "hello from k1" "$TMP/serve.log" && break; sleep 0.2; done
check serve_should_hear_the_kiosk_over_rabbitmq grep -q "hello from k1" "$TMP/serve.log"
# broker.kind rabbitmq (the controller's from broker_admin, the kiosk's written by kiosk
# add): both subscribe at QoS 0, so their subscription queues are transient and go with
# their node; a durable mqtt-subscription-<id>qos1 would keep either from logging in on
# another node while this one is down (hall/mqtt.h subscribe_qos0).
rmqctl 1 list_queues -p hall name durable >"$TMP/queues.txt" 2>&1
check the_kiosks_subscriptions_should_be_transient grep -qP '^mqtt-subscription-k1qos0\tfalse$' "$TMP/queues.txt"
check serves_subscriptions_should_be_transient grep -qP '^mqtt-subscription-hall-controllerqos0\tfalse$' "$TMP/queues.txt"
check no_subscription_should_be_durable bash -c "! grep -q 'qos1' '$TMP/queues.txt'"
expect a_signed_push_should_reach_the_kiosk 0 "applied" -- timeout 120 "$BIN" push "$SRC/assets/default" --to all --yes --config "$CFG"
check the_kiosk_should_show_it grep -q "content version 1 from .* shown" "$TMP/k1.log"

# ---- outside its tree ------------------------------------------------------------------
# A watcher with the controller's account: the forged message must never arrive; the
# controller's own sentinel, published after it, must be the first thing it sees.
mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-watch -C 1 -W 30 -v \
	-t hall/v1/ctl/all/notice -t hall/v1/kiosk/k2/events >"$TMP/watch.out" 2>&1 &
WPID=$!
PIDS+=("$WPID")
sleep 1
expect a_forbidden_publish_should_close_the_connection 7 "lost" -- timeout 30 mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1-x -t hall/v1/ctl/all/notice -m forged
expect publishing_in_another_kiosks_tree_should_close_it 7 "lost" -- timeout 30 mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1-x -t hall/v1/kiosk/k2/events -m forged
mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/ctl/all/notice -m sentinel
wait "$WPID"
check nothing_forged_should_arrive test "$(cat "$TMP/watch.out")" = "hall/v1/ctl/all/notice sentinel"

# ---- kiosk remove ----------------------------------------------------------------------
expect kiosk_remove_should_revoke 0 "k1 removed" -- "$BIN" kiosk remove k1 --config "$CFG"
for _ in $(seq 1 100); do grep -q "broker disconnected" "$TMP/k1.log" && break; sleep 0.1; done
check a_removed_kiosk_should_be_disconnected grep -q "broker disconnected" "$TMP/k1.log"
for _ in $(seq 1 100); do grep -q "bad user name or password" "$TMP/k1.log" && break; sleep 0.1; done
check a_removed_kiosk_should_not_connect_again grep -q "bad user name or password" "$TMP/k1.log"
expect its_password_should_be_refused 4 "refused" -- timeout 30 mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k1/x -m x
expect removing_it_again_should_be_refused 1 "not enrolled" -- "$BIN" kiosk remove k1 --config "$CFG"
check a_removed_kiosk_should_leave_the_known_list test "$(json "$CFG" "['kiosks']")" = "[]"

echo "     ($(($(date +%s) - T_START)) s in all)"
[ "$fails" = 0 ] || { echo "$fails failed"; logs; exit 1; }
echo "all ok"
