#!/usr/bin/env bash
# test_enroll.sh: the enrolled hall (DESIGN.md decision 7) against a real mosquitto run from
# the config `hall-controller init` writes, TLS on a free loopback port:
#   - init makes keys, CA, certificate, configs, database; run again it keeps every key;
#   - anonymous and plain-TCP connections are refused, and so is a wrong CA;
#   - with one kiosk's credentials a client cannot publish under hall/v1/ctl/ or another
#     kiosk's tree, nor read another kiosk's screenshots;
#   - logging in with another client id (another kiosk's, the controller's) is refused and
#     disconnects nobody;
#   - kiosk add refuses bad and existing ids (--rotate replaces the credentials); a removed
#     kiosk is disconnected at once and cannot connect again;
#   - both programs refuse plain MQTT to a broker that is not loopback.
# "Not delivered" is checked without waiting for a timeout: a denied message is followed
# by an allowed sentinel, and the first message the watching session holds must be the
# sentinel.
set -uo pipefail
BIN="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}/hall-controller"
KIOSK="${HALL_BUILD_DIR}/hall-kiosk"
SRC="${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}"
MOSQUITTO=${HALL_MOSQUITTO:-/usr/sbin/mosquitto}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-enroll-XXXXXX")
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0
. "$SRC/tests/support/cli_lib.sh" # expect, check
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$@"; }

cd "$TMP" || exit 1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
D="$TMP/hall"
CFG="$D/controller.json"

# ---- init ---------------------------------------------------------------------------
expect init_should_make_a_hall 0 "mosquitto -c $D/broker/mosquitto.conf" -- "$BIN" init --data "$D" --broker "127.0.0.1:$PORT" --name hall.example
for f in keys/controller-sign.key tls/ca.key tls/server.key controller.json broker/dynamic-security.json; do
	check "init_should_make_${f//\//_}_private" test "$(stat -c %a "$D/$f")" = 600
done
check init_should_make_the_database test -s "$D/controller.db"
check server_cert_should_name_loopback_and_the_given_name \
	bash -c "openssl x509 -in '$D/tls/server.crt' -noout -ext subjectAltName | grep -q 'DNS:localhost, IP Address:127.0.0.1, DNS:hall.example'"
check server_cert_should_come_from_the_hall_ca openssl verify -CAfile "$D/tls/ca.crt" "$D/tls/server.crt"
SUMS=$(cat "$D"/keys/* "$D"/tls/*.key "$D"/tls/*.crt | sha256sum)
expect init_again_should_keep_every_key 0 "(kept)" -- "$BIN" init --data "$D"
check init_again_should_change_no_key test "$(cat "$D"/keys/* "$D"/tls/*.key "$D"/tls/*.crt | sha256sum)" = "$SUMS"
check broker_conf_should_have_no_plain_listener_and_no_anonymous bash -c \
	"[ \$(grep -c '^listener' '$D/broker/mosquitto.conf') = 1 ] && grep -q '^allow_anonymous false' '$D/broker/mosquitto.conf' && grep -q '^certfile' '$D/broker/mosquitto.conf'"
# A list of brokers (the nodes of a cluster, issue 13): this machine's broker listens on the
# first, the certificate names every node, and the configs hold the whole list (broker.hosts):
# kiosk add below writes it into each kiosk's config too.
expect init_with_a_broker_list_should_make_a_hall 0 "(new)" -- \
	"$BIN" init --data "$TMP/h3" --broker "127.0.0.1:$PORT,mq2.hall.example:8884,[::1]:8885" --name hall.example
check init_with_a_list_should_write_every_broker_into_the_config \
	test "$(json "$TMP/h3/controller.json" "['broker'].get('hosts')")" = "['127.0.0.1:$PORT', 'mq2.hall.example:8884', '[::1]:8885']"
check init_with_a_list_should_listen_on_the_first grep -q "^listener $PORT 127.0.0.1\$" "$TMP/h3/broker/mosquitto.conf"
check init_with_a_list_should_name_every_node_in_the_certificate \
	bash -c "openssl x509 -in '$TMP/h3/tls/server.crt' -noout -ext subjectAltName | grep -q 'DNS:hall.example, DNS:mq2.hall.example'"
# The hall below, run again with a list: its two entries reach the same broker here.
expect init_again_with_a_list_should_update_the_config 0 "updated" -- "$BIN" init --data "$D" --broker "127.0.0.1:$PORT,localhost:$PORT"
check init_again_with_a_list_should_leave_no_single_host test "$(json "$CFG" "['broker'].get('host')")" = None
echo garbage >"$TMP/bad.key"
expect a_malformed_signing_key_should_be_a_config_error 2 "malformed signing key" -- \
	bash -c "mkdir -p '$TMP/h2/keys' && cp '$TMP/bad.key' '$TMP/h2/keys/controller-sign.key' && '$BIN' init --data '$TMP/h2'"

# The staff console listens on a free port, not 8080 (tests run side by side).
CPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
sed -i "s#\"listen\":[^,]*#\"listen\": \"127.0.0.1:$CPORT\"#" "$CFG"

# ---- the broker, as init wrote it ------------------------------------------------------
"$MOSQUITTO" -c "$D/broker/mosquitto.conf" >"$TMP/broker.log" 2>&1 &
PIDS+=($!)
PC=$(json "$CFG" "['broker']['password']")
T=(-h 127.0.0.1 -p "$PORT" --cafile "$D/tls/ca.crt" -q 1)
# Probe with a whole MQTT login: a bare TCP connect makes mosquitto log a TLS error.
up() { mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-probe -E -t hall/v1/ctl/controller/status 2>/dev/null; }
for _ in $(seq 1 100); do up && break; sleep 0.05; done
up || { cat "$TMP/broker.log"; echo "FAIL the generated mosquitto.conf did not start a broker"; exit 1; }
check broker_should_start_without_error_lines bash -c "! grep -qi error \"$TMP/broker.log\""

expect kiosk_add_should_enroll 0 "staff PIN for k1:" -- "$BIN" kiosk add k1 --group lobby --out "$TMP/k1.json" --config "$CFG"
expect kiosk_add_second 0 "enrolled in group policy" -- "$BIN" kiosk add k2 --group policy --out "$TMP/k2.json" --config "$CFG"
expect kiosk_add_should_refuse_an_enrolled_id 1 "k1 is already enrolled" -- "$BIN" kiosk add k1 --group lobby --out "$TMP/x.json" --config "$CFG"
expect kiosk_add_should_refuse_a_bad_id 2 "not a kiosk id" -- "$BIN" kiosk add K1! --group lobby --out "$TMP/x.json" --config "$CFG"
expect kiosk_add_should_refuse_a_long_id 2 "not a kiosk id" -- "$BIN" kiosk add "$(printf 'a%.0s' $(seq 1 65))" --group lobby --out "$TMP/x.json" --config "$CFG"
expect kiosk_add_should_refuse_the_controllers_id 2 "reserved" -- "$BIN" kiosk add hall-controller-push-1 --group lobby --out "$TMP/x.json" --config "$CFG"
expect kiosk_add_without_out_should_be_usage 2 "usage: kiosk add" -- "$BIN" kiosk add k9 --group lobby --config "$CFG"
check kiosk_config_should_be_private test "$(stat -c %a "$TMP/k1.json")" = 600
check kiosk_config_should_pin_the_controller_key test "$(json "$TMP/k1.json" "['controller_key']")" = "$(cat "$D/keys/controller-sign.pub")"
check kiosk_config_should_hold_a_pin_hash bash -c "grep -q '\"staff_pin_hash\":[[:space:]]*\"\$argon2id\\$' '$TMP/k1.json'"
check kiosk_config_should_list_every_broker test "$(json "$TMP/k1.json" "['broker']['hosts']")" = "['127.0.0.1:$PORT', 'localhost:$PORT']"
check controller_should_know_the_kiosks test "$(json "$CFG" "['kiosks']")" = "['k1', 'k2']"
expect kiosk_list_should_show_both 0 "k2                       policy           enrolled" -- "$BIN" kiosk list --config "$CFG"

P1=$(json "$TMP/k1.json" "['broker']['password']")
P2=$(json "$TMP/k2.json" "['broker']['password']")

# ---- who may connect -----------------------------------------------------------------
expect anonymous_should_be_refused 5 "not authorised" -- mosquitto_pub "${T[@]}" -i anon -t hall/v1/kiosk/k1/x -m x
expect plain_tcp_should_be_refused 7 "" -- timeout 10 mosquitto_pub -h 127.0.0.1 -p "$PORT" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k1/x -m x
expect a_wrong_password_should_be_refused 5 "not authorised" -- mosquitto_pub "${T[@]}" -u k1 -P wrong -i k1 -t hall/v1/kiosk/k1/x -m x
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$TMP/other.key" -out "$TMP/other.crt" \
	-days 2 -subj /CN=other >/dev/null 2>&1
sed "s#\"cafile\":[^,]*#\"cafile\": \"$TMP/other.crt\"#" "$CFG" >"$TMP/wrong-ca.json"
expect a_broker_cert_from_another_ca_should_fail_in_one_line 1 "TLS failed" -- "$BIN" kiosk list --config "$TMP/wrong-ca.json"
sed "s#\"password\":[^,]*#\"password\": \"nope\"#" "$CFG" >"$TMP/wrong-pw.json"
expect refused_credentials_should_fail_in_one_line 1 "refused the credentials" -- "$BIN" kiosk list --config "$TMP/wrong-pw.json"

# ---- what k1 may publish and read -----------------------------------------------------
# The controller's persistent session watches everything under the prefix.
mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-watch -c -E -t 'hall/v1/#'
sentinel_first() { # NAME: the first message the watcher holds is the sentinel
	local got
	mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k1/sentinel -m "sentinel-$1"
	got=$(mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-watch -c -C 1 -W 10 -v -t 'hall/v1/#')
	check "$1" test "$got" = "hall/v1/kiosk/k1/sentinel sentinel-$1"
}
mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/ctl/kiosk/k1/command -m '{"forged":1}'
sentinel_first a_kiosk_should_not_publish_a_command
mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/ctl/all/content -m '{"forged":1}'
sentinel_first a_kiosk_should_not_publish_content_to_all
mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/ctl/kiosk/k2/confirm -m '{"seq":9007199254740989}'
sentinel_first a_kiosk_should_not_publish_a_confirm
mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k2/events -m '{"forged":1}'
sentinel_first a_kiosk_should_not_publish_in_another_kiosks_tree
expect a_kiosk_should_not_read_another_kiosks_screenshots 0 "denied" -- \
	mosquitto_sub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k2/shot -C 1 -W 3
expect a_kiosk_should_not_read_its_own_screenshots_topic_either 0 "denied" -- \
	mosquitto_sub "${T[@]}" -u k1 -P "$P1" -i k1 -t 'hall/v1/kiosk/#' -C 1 -W 3
# ... and reads what is addressed to it
mosquitto_sub "${T[@]}" -u k1 -P "$P1" -i k1 -c -E -t hall/v1/ctl/kiosk/k1/command -t hall/v1/ctl/group/lobby/notice
mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/ctl/kiosk/k1/command -m cmd
got=$(mosquitto_sub "${T[@]}" -u k1 -P "$P1" -i k1 -c -C 1 -W 10 -v -t hall/v1/ctl/kiosk/k1/command)
check a_kiosk_should_read_its_own_commands test "$got" = "hall/v1/ctl/kiosk/k1/command cmd"

# ---- nobody is knocked off -----------------------------------------------------------
mosquitto_sub "${T[@]}" -u k2 -P "$P2" -i k2 -t hall/v1/ctl/kiosk/k2/command -C 1 -W 20 >"$TMP/k2.out" 2>&1 &
K2SUB=$!
mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller -t hall/v1/kiosk/k2/hello -C 1 -W 20 >"$TMP/ctl.out" 2>&1 &
CTLSUB=$!
PIDS+=("$K2SUB" "$CTLSUB")
sleep 1
expect k1_should_not_log_in_as_k2 5 "not authorised" -- mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k2 -t hall/v1/kiosk/k1/x -m x
expect k1_should_not_log_in_as_the_controller 5 "not authorised" -- mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i hall-controller -t hall/v1/kiosk/k1/x -m x
mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/ctl/kiosk/k2/command -m still-here
mosquitto_pub "${T[@]}" -u k2 -P "$P2" -i k2-pub -t hall/v1/kiosk/k2/hello -m hi 2>/dev/null # refused: bound to k2
mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/kiosk/k2/hello -m hi
wait "$K2SUB"; wait "$CTLSUB"
check k2s_session_should_survive test "$(cat "$TMP/k2.out")" = "still-here"
check the_controllers_session_should_survive test "$(cat "$TMP/ctl.out")" = "hi"

# ---- serve sees a kiosk enrolled while it runs ------------------------------------------
"$BIN" serve --config "$CFG" 2>"$TMP/serve.log" &
SERVE=$!
PIDS+=("$SERVE")
expect kiosk_add_while_serve_runs 0 "staff PIN for k3:" -- "$BIN" kiosk add k3 --group lobby --out "$TMP/k3.json" --config "$CFG"
P3=$(json "$TMP/k3.json" "['broker']['password']")
for _ in $(seq 1 50); do
	mosquitto_sub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-w2 -t hall/v1/ctl/controller/status -C 1 -W 1 2>/dev/null |
		grep -q '"online":true' && break
done
# k3 listens for its confirm (one connection: its account logs in as client id k3 only);
# the event is published with the controller's account, which serve takes as k3's.
mosquitto_sub "${T[@]}" -u k3 -P "$P3" -i k3 -C 1 -W 15 -t hall/v1/ctl/kiosk/k3/confirm >"$TMP/k3.confirm" 2>&1 &
K3SUB=$!
PIDS+=("$K3SUB")
sleep 0.5
mosquitto_pub "${T[@]}" -u hall-controller -P "$PC" -i hall-controller-t -t hall/v1/kiosk/k3/events -m \
	'{"kiosk":"k3","events":[{"seq":1,"ts":1764057601234,"type":"view","exhibit":"brand","target":"p1","session":1,"lang":"ko","dwell_ms":1200}]}'
wait "$K3SUB"
got=$(cat "$TMP/k3.confirm")
check serve_should_take_events_of_a_kiosk_enrolled_while_it_runs grep -q '"seq":1' <<<"$got"
check serve_should_not_reject_it bash -c "! grep -q 'not in the config' '$TMP/serve.log'"
[ -n "${HALL_DEBUG:-}" ] && cat "$TMP/serve.log"
kill "$SERVE"; wait "$SERVE" 2>/dev/null

# ---- rotate and remove ---------------------------------------------------------------
expect kiosk_add_rotate_should_replace_credentials 0 "with new credentials" -- "$BIN" kiosk add k1 --group lobby --out "$TMP/k1.json" --config "$CFG" --rotate
expect old_password_should_be_refused_after_rotate 5 "not authorised" -- mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k1/x -m x
P1=$(json "$TMP/k1.json" "['broker']['password']")
expect new_password_should_work 0 "" -- mosquitto_pub "${T[@]}" -u k1 -P "$P1" -i k1 -t hall/v1/kiosk/k1/x -m x
mosquitto_sub "${T[@]}" -u k2 -P "$P2" -i k2 -t hall/v1/ctl/kiosk/k2/command -W 20 >"$TMP/k2b.out" 2>&1 &
K2SUB=$!
PIDS+=("$K2SUB")
sleep 1
expect kiosk_remove_should_revoke 0 "k2 removed" -- "$BIN" kiosk remove k2 --config "$CFG"
T0=$(date +%s)
wait "$K2SUB"
check a_removed_kiosk_should_be_disconnected_at_once test $(($(date +%s) - T0)) -lt 10
expect a_removed_kiosk_should_not_connect 5 "not authorised" -- mosquitto_pub "${T[@]}" -u k2 -P "$P2" -i k2 -t hall/v1/kiosk/k2/x -m x
check a_removed_kiosk_should_leave_the_known_list test "$(json "$CFG" "['kiosks']")" = "['k1', 'k3']"
expect removing_it_again_should_be_refused 1 "not enrolled" -- "$BIN" kiosk remove k2 --config "$CFG"

# ---- the loopback rule, both programs --------------------------------------------------
expect controller_should_refuse_plain_mqtt_to_a_lan_broker 2 "not a loopback address" -- \
	"$BIN" status --config "$SRC/config/controller.json" --broker 10.1.2.3:1883 --data "$TMP/x"
expect controller_init_config_should_still_refuse_a_lan_broker_without_tls 2 "cafile (TLS) is missing" -- \
	bash -c "sed 's#\"cafile\":[^,]*#\"cafile\": null#' '$CFG' > '$TMP/notls.json' && '$BIN' status --config '$TMP/notls.json' --broker 10.1.2.3"
if [ -x "$KIOSK" ]; then
	expect kiosk_should_refuse_plain_mqtt_to_a_lan_broker 2 "not a loopback address" -- \
		"$KIOSK" --config "$SRC/config/kiosk.json" --broker 10.1.2.3:1883 --headless --data "$TMP/kx"
fi

[ "$fails" = 0 ] || { echo "$fails failed"; sed 's/^/    broker: /' "$TMP/broker.log" | tail -30; exit 1; }
echo "all ok"
