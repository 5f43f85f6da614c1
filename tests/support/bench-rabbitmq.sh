#!/usr/bin/env bash
# tests/support/bench-rabbitmq.sh BUILD N [SIZE]   (by hand, never by ctest; BENCHMARKS.md)
#
# The same content push measured on a private 3-node RabbitMQ cluster and on the private
# mosquitto bench_propagation starts itself, one after the other in one run (issue 13's
# benchmark): BUILD/bench/bench_propagation with N kiosks and a pack of one SIZE-byte asset
# (default 1 MiB), the kiosks spread over the three nodes (--broker A,B,C --rabbitmq: QoS 0
# subscriptions, as the hall runs there), logged in as the nodes' loopback user. Prints
# bench_propagation's summary for each, and the peak resident memory of every RabbitMQ
# node during its run (sampled every 0.5 s) next to the nodes' memory before it, and the CPU
# seconds each node and the bench itself (its kiosk workers and played controller) used in
# each run. HALL_BENCH_MOSQUITTO_KIOSKS (default N): the kiosk counts to run on mosquitto
# after the cluster is gone, e.g. "500 1000".
# Every node, epmd and data folder it starts is stopped and removed at the end.
set -euo pipefail
BUILD=${1:?usage: bench-rabbitmq.sh BUILD N [SIZE]}
N=${2:?usage: bench-rabbitmq.sh BUILD N [SIZE]}
SIZE=${3:-1048576}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH="$BUILD/bench/bench_propagation"
[ -x "$BENCH" ] || { echo "bench-rabbitmq.sh: no $BENCH (build the project)" >&2; exit 2; }
RMQ=""
SAMPLER=""
cleanup() {
	[ -n "$SAMPLER" ] && { kill "$SAMPLER" && wait "$SAMPLER"; } 2>/dev/null || true
	[ -z "$RMQ" ] || "$HERE/start-rabbitmq.sh" stop "$RMQ"
}
trap cleanup EXIT
uptime
RMQ=$("$HERE/start-rabbitmq.sh" 3) || { RMQ=""; echo "bench-rabbitmq.sh: no cluster" >&2; exit 1; }
echo "cluster up in $(cat "$RMQ/cluster_ms") ms"
. "$RMQ/env"
read -r PA PB PC <<<"$RMQ_MQTT"
rss_mb() { echo $(($(ps -o rss= -p "$(cat "$RMQ/$1/beam.pid")") / 1024)); }
# CPU seconds (user + system) a node has used since it started.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$(cat "$RMQ/$1/beam.pid")/stat"; }
# bench_propagation under /usr/bin/time: its CPU with its waited children (the kiosk
# workers), and its wall time, on stderr after its summary.
timed() { /usr/bin/time -f "bench CPU (kiosk workers + played controller): user %U s, system %S s, wall %e s, peak RSS of the largest process %M kB" "$@"; }
echo "nodes before: a $(rss_mb a) MB, b $(rss_mb b) MB, c $(rss_mb c) MB"
# Peak RSS per node, written to RMQ/peak-L as the sampler sees it.
(
	declare -A peak=([a]=0 [b]=0 [c]=0)
	while :; do
		for L in a b c; do
			r=$(rss_mb "$L" 2>/dev/null) || continue
			[ "$r" -gt "${peak[$L]}" ] && peak[$L]=$r && echo "$r" >"$RMQ/peak-$L"
		done
		sleep 0.5
	done
) &
SAMPLER=$!
# QoS 0 subscriptions as the hall runs on RabbitMQ, then QoS 1 (as on mosquitto) on the same
# nodes, for comparison (HALL_BENCH_MODES="qos0 qos1" by default).
for mode in ${HALL_BENCH_MODES:-qos0 qos1}; do
	flag=()
	[ "$mode" = qos0 ] && flag=(--rabbitmq)
	echo "== RabbitMQ, 3 nodes, $N kiosks, $SIZE bytes, subscriptions $mode"
	declare -A c0=([a]=$(cpu_s a) [b]=$(cpu_s b) [c]=$(cpu_s c))
	timed "$BENCH" --kiosks "$N" --size "$SIZE" --data /dev/shm --broker "127.0.0.1:$PA,127.0.0.1:$PB,127.0.0.1:$PC" \
		--user guest --password guest --timeout "${HALL_BENCH_TIMEOUT_S:-300}" "${flag[@]}" 2>&1 |
		grep -v ' bench warn: mqtt: lost the connection' || true
	echo "lost connections during the run: see the nodes' logs: $(cat "$RMQ"/?/log/*.log | grep -c 'keepalive timeout') keepalive timeouts so far"
	echo "nodes' peak so far: a $(cat "$RMQ/peak-a") MB, b $(cat "$RMQ/peak-b") MB, c $(cat "$RMQ/peak-c") MB"
	echo "nodes' CPU in this run: a $(awk "BEGIN{print $(cpu_s a) - ${c0[a]}}") s, b $(awk "BEGIN{print $(cpu_s b) - ${c0[b]}}") s, c $(awk "BEGIN{print $(cpu_s c) - ${c0[c]}}") s"
	uptime
done
{ kill "$SAMPLER" && wait "$SAMPLER"; } 2>/dev/null || true # wait says 143: it was killed
SAMPLER=""
"$HERE/start-rabbitmq.sh" stop "$RMQ"
RMQ=""
uptime
for M in ${HALL_BENCH_MOSQUITTO_KIOSKS:-$N}; do
	echo "== mosquitto, $M kiosks, $SIZE bytes"
	timed "$BENCH" --kiosks "$M" --size "$SIZE" --data /dev/shm --timeout "${HALL_BENCH_TIMEOUT_S:-300}"
	uptime
done
