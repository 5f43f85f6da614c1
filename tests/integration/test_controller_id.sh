#!/usr/bin/env bash
# test_controller_id.sh: `--id ID` (issue #2) after every hall-controller subcommand's name,
# against a real mosquitto on a free loopback port:
#  - every subcommand accepts it (validate, push, rollback, status, history, notice,
#    schedule push, command, report, serve);
#  - a bad id (or a bad "id" in the config) is one line naming it, exit 2, for every
#    subcommand, and nothing is done;
#  - serve connects with the id as its MQTT client id; two serves with different ids on one
#    broker do not take each other's session over, and a staff command given serve's id
#    connects as "<id>-<action>-<pid>", never as serve itself.
# Takeovers are read from the broker's log ("already connected"), not from timing.
set -uo pipefail
BIN="${HALL_BUILD_DIR:?HALL_BUILD_DIR not set}/hall-controller"
SRC="${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}"
FX="$SRC/tests/fixtures/controller"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hall-ctl-id-XXXXXX")
BPID="" CONFDIR="" SA="" SB=""
cleanup() {
	for p in $SA $SB; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$BPID" ] && { kill "$BPID" 2>/dev/null; wait "$BPID" 2>/dev/null; }
	[ -n "$CONFDIR" ] && rm -rf "$CONFDIR"
	rm -rf "$TMP"
}
trap cleanup EXIT
fails=0

. "${HALL_SOURCE_DIR:?HALL_SOURCE_DIR not set}/tests/support/cli_lib.sh" # expect, check

read -r PORT BPID CONFDIR < <("$SRC/tests/support/start-broker.sh") || { echo "FAIL: no broker"; exit 1; }
LOG="$CONFDIR/mosquitto.log"
cd "$TMP" || exit 1
echo '{"time_zone":"Asia/Seoul"}' > c.json
D="$TMP/data"
C=(--config "$TMP/c.json" --broker "127.0.0.1:$PORT" --data "$D")

# Wait (bounded) until the broker logs a connect of client id $1; 0 when it did.
connected() {
	for _ in $(seq 1 200); do
		grep -q "New client connected from .* as $1 " "$LOG" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# ---- a bad id: exit 2, one line naming it, for every subcommand, nothing done ----------
for sub in validate preview push rollback status history notice schedule command report serve; do
	expect "bad_id_should_be_refused_by_$sub" 2 '--id: "Bad Id" is not an id: expected 1 to 64 of a-z 0-9 - _' -- \
		"$BIN" "$sub" --id "Bad Id" "${C[@]}"
done
lines=$("$BIN" serve --id "Bad Id" "${C[@]}" 2>&1 | wc -l)
check bad_id_error_should_be_one_line [ "$lines" = 1 ]
long=$(printf 'a%.0s' $(seq 1 65))
expect id_of_65_characters_should_be_refused 2 "--id:" -- "$BIN" serve --id "$long" "${C[@]}"
expect empty_id_should_be_refused 2 "--id: empty value" -- "$BIN" status --id= "${C[@]}"
echo '{"id":"Not An Id"}' > bad.json
expect bad_config_id_should_be_named 2 "bad.json: id: expected an id: 1 to 64 of a-z 0-9 - _" -- \
	"$BIN" push "$FX/pack-good" --to all --yes --config "$TMP/bad.json" --broker "127.0.0.1:$PORT" --data "$D"
check bad_id_should_publish_nothing [ ! -e "$D" ]
check bad_id_should_not_reach_the_broker bash -c "! grep -q 'New client connected' '$LOG'"

# ---- every subcommand takes a good --id -----------------------------------------------
expect validate_should_take_id 0 "ok: 1 exhibits" -- "$BIN" validate "$FX/pack-good" --id ops-1
expect push_should_take_id 0 "pushed content version" -- "$BIN" push "$FX/pack-good" --to all --yes --id ops-1 "${C[@]}"
check push_should_connect_as_id_push_pid grep -qE "New client connected from .* as ops-1-push-[0-9]+ " "$LOG"
expect second_push_should_take_id 0 "pushed content version" -- "$BIN" push "$FX/pack-v2" --to all --yes "${C[@]}" --id ops-1
expect rollback_should_take_id 0 "rolled back" -- "$BIN" rollback --to all --yes --id ops-1 "${C[@]}"
expect notice_should_take_id 0 "raised notice" -- "$BIN" notice hello --to all --yes --id ops-1 "${C[@]}"
expect schedule_should_take_id 0 "pushed schedule" -- "$BIN" schedule push "$FX/schedule-closed.json" --to all --yes --id ops-1 "${C[@]}"
expect command_should_take_id 0 "queued" -- "$BIN" command identify --to kiosk:k1 --allow-unknown --id ops-1 "${C[@]}"
expect status_should_take_id 0 "" -- "$BIN" status --id ops-1 "${C[@]}"
expect history_should_take_id 0 "kiosk:k1" -- "$BIN" history --id ops-1 "${C[@]}"
expect report_should_take_id 0 "" -- "$BIN" report --date 2026-11-24 --id ops-1 "${C[@]}"
check default_staff_ids_should_be_unchanged_without_id bash -c "! grep -qE ' as hall-controller-push-' '$LOG'"

# ---- serve: its client id; two serves with different ids keep their sessions -----------
"$BIN" serve --id ctl-a "${C[@]}" 2>"$TMP/serve-a.log" &
SA=$!
check serve_should_connect_as_its_id connected ctl-a
"$BIN" serve --create "${C[@]}" --id ctl-b --data "$TMP/data-b" 2>"$TMP/serve-b.log" &
SB=$!
check second_serve_should_connect_as_its_id connected ctl-b
# A staff command given serve's id is a client of its own.
expect push_with_serves_id_should_not_be_serve 0 "pushed content version" -- \
	"$BIN" push "$FX/pack-good" --to all --yes --id ctl-a "${C[@]}"
check staff_command_should_connect_as_id_action_pid grep -qE "New client connected from .* as ctl-a-push-[0-9]+ " "$LOG"
check nobody_should_have_been_taken_over bash -c "! grep -q 'already connected' '$LOG'"
check serve_a_should_have_connected_once [ "$(grep -c "New client connected from .* as ctl-a " "$LOG")" = 1 ]
check serve_b_should_have_connected_once [ "$(grep -c "New client connected from .* as ctl-b " "$LOG")" = 1 ]
check serve_should_log_its_client_id grep -q "as client id ctl-a" "$TMP/serve-a.log"
for p in $SA $SB; do kill "$p" 2>/dev/null; done
rc_a=0 rc_b=0
wait "$SA" || rc_a=$?
wait "$SB" || rc_b=$?
SA="" SB=""
check serves_should_stop_cleanly [ "$rc_a:$rc_b" = 0:0 ]

# ---- the config's "id" is serve's id; --id overrides it --------------------------------
echo '{"time_zone":"Asia/Seoul","id":"ctl-from-file"}' > with-id.json
"$BIN" serve --config "$TMP/with-id.json" --broker "127.0.0.1:$PORT" --data "$D" 2>"$TMP/serve-c.log" &
SA=$!
check config_id_should_be_serves_client_id connected ctl-from-file
kill "$SA" 2>/dev/null; wait "$SA" 2>/dev/null; SA=""

[ "$fails" = 0 ] || { echo "$fails failed"; cat "$LOG" | grep -E "New client|already" | sed 's/^/    /'; exit 1; }
echo "all passed"
