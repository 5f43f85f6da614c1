#!/usr/bin/env bash
# tests/support/start-rabbitmq.sh N [BASE_CONF]   start an N-node RabbitMQ cluster, print DIR
# tests/support/start-rabbitmq.sh kill DIR I       kill -9 node I (1..N), as a machine dies
# tests/support/start-rabbitmq.sh stop DIR         stop everything it started, remove DIR
# tests/support/start-rabbitmq.sh halt DIR I       stop node I gracefully (rabbitmqctl stop)
# tests/support/start-rabbitmq.sh start DIR I      start node I again (its own name, ports,
#                                                  data) and wait until it takes MQTT; prints
#                                                  the ms that took
#
# Real RabbitMQ (Debian's rabbitmq-server, /usr/lib/rabbitmq/bin) with its MQTT plugin, on
# 127.0.0.1 only, never the system's node or ports:
#   - each node has its own name (hallt-<letter>-<pid>@localhost), its own free ports
#     (AMQP, MQTT, MQTT over TLS when BASE_CONF has ssl_options, Erlang distribution) and
#     its own data, log and config under DIR/<letter>/;
#   - one epmd of its own on 127.0.0.1 and a free port (ERL_EPMD_PORT), started here so
#     that it can be stopped by its pid, and one Erlang cookie in DIR/home (HOME);
#   - nodes 2..N join node 1 as they first boot (peer discovery classic_config), which
#     start once node 1 runs; the start checks that node 1 sees all N running.
# BASE_CONF (e.g. what `hall-controller init --broker-kind rabbitmq` wrote) is copied into
# every node's rabbitmq.conf without its listener lines, which this script sets per node.
# Without it the nodes take anonymous MQTT (a test's own profile).
#
# DIR/env is a shell file to source: it exports HOME, ERL_EPMD_PORT and RMQ_NODES,
# RMQ_MQTT, RMQ_MQTTS (space-separated, node order) and defines rmqctl I ARGS... (rabbitmqctl
# against node I). DIR/boot_ms holds how long node 1 took to boot, DIR/cluster_ms the
# whole start, in ms.
#   DIR=$(tests/support/start-rabbitmq.sh 3 "$D/broker/rabbitmq.conf")
#   trap 'tests/support/start-rabbitmq.sh stop "$DIR"' EXIT
#   . "$DIR/env"; set -- $RMQ_MQTTS   # $1 $2 $3: each node's MQTT TLS port
# Every wait is bounded (HALL_RMQ_BOOT_S, 150 s by default, for a node to boot: a bound, not a
# duration; one boots in 18 s on a quiet machine and took 50-90 s at load 9-16); on failure the nodes' logs go to stderr, everything is stopped and it exits 1.
set -euo pipefail

RMQ_BIN=${HALL_RMQ_BIN:-/usr/lib/rabbitmq/bin}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOOT_S=${HALL_RMQ_BOOT_S:-150}

# A process that exited but was not reaped yet (its parent, this script, may be gone)
# counts as dead.
alive() { ps -o stat= -p "$1" 2>/dev/null | grep -qv Z; }

# Kill the pid in FILE (if alive) with SIG, then wait for it up to 10 s.
kill_pidfile() {
	local file=$1 sig=$2 pid i
	[ -s "$file" ] || return 0
	pid=$(cat "$file")
	kill "-$sig" "$pid" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		alive "$pid" || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

stop_all() {
	local dir=$1 n
	[ -d "$dir" ] || return 0
	# The nodes first (their beam, then the wrapper shell), epmd last: a node that
	# outlives its epmd would just be left running.
	for n in "$dir"/?/; do
		[ -d "$n" ] || continue
		kill_pidfile "$n/beam.pid" KILL
		kill_pidfile "$n/wrapper.pid" KILL
	done
	# A node whose pid file was not written yet, or whose wrapper lost it: every beam of
	# this cluster runs with HOME=DIR/home, which no other program has.
	for n in $(pgrep -f -- "-home $dir/home " || true); do
		kill -9 "$n" 2>/dev/null || true
	done
	kill_pidfile "$dir/epmd.pid" TERM
	rm -rf "$dir"
}

case "${1:-}" in
stop)
	stop_all "$2"
	exit 0
	;;
kill)
	kill_pidfile "$2/$(printf "\\x$(printf %x $((96 + $3)))")/beam.pid" KILL
	exit 0
	;;
halt | start)
	ND="$2/$(printf "\\x$(printf %x $((96 + $3)))")"
	[ -s "$ND/node.env" ] || { echo "start-rabbitmq.sh: no node $3 in $2" >&2; exit 1; }
	. "$2/env"
	. "$ND/node.env"
	if [ "$1" = halt ]; then
		timeout 120 "$RMQ_BIN/rabbitmqctl" -q -n "$RABBITMQ_NODENAME" stop >/dev/null
		kill_pidfile "$ND/wrapper.pid" KILL
		exit 0
	fi
	T0=$(date +%s%3N)
	"$RMQ_BIN/rabbitmq-server" </dev/null >>"$ND/stdout.log" 2>>"$ND/stderr.log" &
	echo $! >"$ND/wrapper.pid"
	for _ in $(seq 1 $((BOOT_S * 10))); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$NODE_MQTT_PORT") 2>/dev/null; then
			echo $(($(date +%s%3N) - T0))
			exit 0
		fi
		alive "$(cat "$ND/wrapper.pid")" || break
		sleep 0.1
	done
	echo "start-rabbitmq.sh: node $RABBITMQ_NODENAME did not take MQTT within $BOOT_S s" >&2
	exit 1
	;;
esac

N=${1:?usage: start-rabbitmq.sh N [BASE_CONF] | kill DIR I | stop DIR}
BASE=${2:-}
[ -x "$RMQ_BIN/rabbitmq-server" ] || { echo "start-rabbitmq.sh: no RabbitMQ (install rabbitmq-server)" >&2; exit 1; }
[ "$N" -ge 1 ] && [ "$N" -le 9 ] || { echo "start-rabbitmq.sh: N must be 1..9" >&2; exit 1; }
START_MS=$(date +%s%3N)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/hall-rmq-XXXXXX")
fail() {
	echo "start-rabbitmq.sh: $*" >&2
	for log in "$DIR"/?/log/*.log "$DIR"/?/stderr.log; do
		[ -s "$log" ] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
	done
	stop_all "$DIR"
	exit 1
}
trap 'fail "interrupted"' INT TERM

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

export HOME="$DIR/home"
mkdir -p "$HOME"
# One cookie for the nodes and every rabbitmqctl of this cluster; Erlang wants it private.
python3 -c 'import secrets; print(secrets.token_hex(20).upper(), end="")' >"$HOME/.erlang.cookie"
chmod 400 "$HOME/.erlang.cookie"

export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT
for attempt in 1 2 3; do
	ERL_EPMD_PORT=$(free_port)
	epmd -address 127.0.0.1 -port "$ERL_EPMD_PORT" -relaxed_command_check </dev/null >"$DIR/epmd.log" 2>&1 &
	echo $! >"$DIR/epmd.pid"
	for _ in $(seq 1 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$ERL_EPMD_PORT") 2>/dev/null && break 2
		alive "$(cat "$DIR/epmd.pid")" || break
		sleep 0.05
	done
	kill_pidfile "$DIR/epmd.pid" KILL
	[ "$attempt" = 3 ] && fail "epmd did not start"
done

NODES=() MQTT=() MQTTS=()
TLS=0
[ -n "$BASE" ] && grep -q '^ssl_options\.certfile' "$BASE" && TLS=1
letter() { printf "\\x$(printf %x $((96 + $1)))"; } # 1 -> a, 2 -> b, ...
for i in $(seq 1 "$N"); do
	NODES+=("hallt-$(letter "$i")-$$@localhost") MQTT+=("$(free_port)") MQTTS+=("$(free_port)")
done

start_node() { # node-index
	local i=$1 L ND NAME AMQP DIST
	L=$(letter "$i")
	ND="$DIR/$L"
	NAME=${NODES[$((i - 1))]}
	mkdir -p "$ND/mnesia" "$ND/log"
	AMQP=$(free_port) DIST=$(free_port)
	{
		echo "# node $NAME (tests/support/start-rabbitmq.sh)"
		if [ -n "$BASE" ]; then grep -v -E '^[[:space:]]*(mqtt\.)?listeners\.' "$BASE"; fi
		echo "listeners.tcp.1 = 127.0.0.1:$AMQP"
		echo "mqtt.listeners.tcp.1 = 127.0.0.1:${MQTT[$((i - 1))]}"
		[ "$TLS" = 1 ] && echo "mqtt.listeners.ssl.1 = 127.0.0.1:${MQTTS[$((i - 1))]}"
		[ -z "$BASE" ] && echo "mqtt.allow_anonymous = true"
		# Nodes 2..N join node 1 as they first boot. Booted alone first and joined later
		# (rabbitmqctl stop_app, join_cluster, start_app), a node keeps the MQTT plugin's
		# client-id tracking (a Raft cluster) it made alone: with node 1 killed, the other
		# two then closed every MQTT connection right after CONNACK, for good.
		if [ "$i" -gt 1 ]; then
			echo "cluster_formation.peer_discovery_backend = classic_config"
			echo "cluster_formation.classic_config.nodes.1 = ${NODES[0]}"
		fi
		echo "log.file.level = info"
		echo "log.console = false"
	} >"$ND/rabbitmq.conf"
	echo "[rabbitmq_mqtt]." >"$ND/enabled_plugins"
	# The node's environment, kept for `start DIR I` (the same node again).
	cat >"$ND/node.env" <<-EOF
		export RABBITMQ_NODENAME='$NAME' RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$AMQP
		export RABBITMQ_DIST_PORT=$DIST RABBITMQ_MNESIA_BASE='$ND/mnesia' RABBITMQ_LOG_BASE='$ND/log'
		export RABBITMQ_CONFIG_FILE='$ND/rabbitmq.conf' RABBITMQ_ENABLED_PLUGINS_FILE='$ND/enabled_plugins'
		export RABBITMQ_PID_FILE='$ND/beam.pid' RABBITMQ_CONF_ENV_FILE=/dev/null
		export RABBITMQ_ADVANCED_CONFIG_FILE='$ND/advanced.config'
		NODE_MQTT_PORT=${MQTT[$((i - 1))]}
	EOF
	(
		. "$ND/node.env"
		exec "$RMQ_BIN/rabbitmq-server" </dev/null >"$ND/stdout.log" 2>"$ND/stderr.log"
	) &
	echo $! >"$ND/wrapper.pid"
}

ctl() { # node-index args...
	local i=$1
	shift
	timeout 60 "$RMQ_BIN/rabbitmqctl" -q -n "${NODES[$((i - 1))]}" "$@"
}
# Up = its MQTT listener takes TCP: the plugin opens it last, once the node runs (cheaper
# than rabbitmqctl await_startup, which fails at once before the node is registered and
# then checks only every 10 s).
mqtt_up() { # node-index
	local i=$1 L t
	L=$(letter "$i")
	for t in $(seq 1 $((BOOT_S * 10))); do
		if (exec 3<>"/dev/tcp/127.0.0.1/${MQTT[$((i - 1))]}") 2>/dev/null; then
			[ -s "$DIR/$L/beam.pid" ] || fail "node ${NODES[$((i - 1))]} wrote no pid file"
			return 0
		fi
		alive "$(cat "$DIR/$L/wrapper.pid")" || return 1
		sleep 0.1
	done
	return 1
}
# Node 1 first (the others join it as they boot), then the others side by side.
start_node 1
mqtt_up 1 || fail "node ${NODES[0]} did not take MQTT within $BOOT_S s"
echo "$(($(date +%s%3N) - START_MS))" >"$DIR/boot_ms"
for i in $(seq 2 "$N"); do start_node "$i"; done
for i in $(seq 2 "$N"); do
	mqtt_up "$i" || fail "node ${NODES[$((i - 1))]} did not take MQTT within $BOOT_S s"
done
if [ "$N" -gt 1 ]; then
	running=$(ctl 1 eval 'length(rabbit_nodes:all_running()).' 2>&1) || true
	[ "$running" = "$N" ] || fail "the nodes did not form one cluster (node 1 sees ${running:-nothing} running)"
fi

{
	echo "export HOME='$HOME' ERL_EPMD_PORT=$ERL_EPMD_PORT ERL_EPMD_ADDRESS=127.0.0.1"
	echo "RMQ_DIR='$DIR'"
	echo "RMQ_NODES='${NODES[*]}'"
	echo "RMQ_MQTT='${MQTT[*]}'"
	echo "RMQ_MQTTS='${MQTTS[*]}'"
	echo "rmqctl() { local n=(\$RMQ_NODES) i=\$1; shift; timeout 60 '$RMQ_BIN/rabbitmqctl' -q -n \"\${n[\$((i - 1))]}\" \"\$@\"; }"
	echo "rmqkill() { '$HERE/start-rabbitmq.sh' kill '$DIR' \"\$1\"; }"
	echo "rmqhalt() { '$HERE/start-rabbitmq.sh' halt '$DIR' \"\$1\"; }"
	echo "rmqstart() { '$HERE/start-rabbitmq.sh' start '$DIR' \"\$1\"; }"
} >"$DIR/env"
echo "$(($(date +%s%3N) - START_MS))" >"$DIR/cluster_ms"
echo "$DIR"
