#!/bin/bash
# bench/kiosk/run_bench.sh: a scripted visitor tour on a headless kiosk (software
# renderer, 1920x1080, no broker) and the numbers hall-kiosk --stats prints:
# frame time p50/p99 (build + draw + present of every frame), input-to-present latency
# p99 (input taken -> SDL_RenderPresent returned), time to first frame, peak RSS, and
# textures created per steady frame (frames whose display list equals the one before).
#
# usage: bench/kiosk/run_bench.sh [BUILD_DIR] [ROUNDS]
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
rounds=${2:-3}
kiosk="$build/hall-kiosk"
[ -x "$kiosk" ] || { echo "no $kiosk: build first" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Repeat the tour so the steady state dominates the first frames.
: > "$tmp/tour.txt"
# Rounds after the first start on home (the visit goes on), so their `tap-id start` goes.
for round in $(seq "$rounds"); do
	if [ "$round" = 1 ]; then
		grep -v '^quit' "$src/bench/kiosk/tour.txt" >> "$tmp/tour.txt"
	else
		grep -v -e '^quit' -e '^tap-id start$' "$src/bench/kiosk/tour.txt" >> "$tmp/tour.txt"
	fi
done
echo quit >> "$tmp/tour.txt"

cd "$src"
# Port 9 (discard) on loopback: nothing listens, so the kiosk runs offline and the
# numbers do not depend on a broker. quit then waits its 5 s for confirmations.
SDL_VIDEODRIVER=offscreen SDL_AUDIODRIVER=dummy "$kiosk" --config config/kiosk.json --id bench-kiosk --data "$tmp/data" \
	--broker 127.0.0.1:9 --headless --stats --script "$tmp/tour.txt" --shots "$tmp/shots" \
	2> "$tmp/stderr.log" | grep '^{' || { cat "$tmp/stderr.log" >&2; exit 1; }
# A tour step that found nothing measured nothing: the numbers above are not the tour's.
if grep -q "no control with that id" "$tmp/stderr.log"; then
	grep "no control with that id" "$tmp/stderr.log" >&2
	echo "run_bench.sh: the tour tapped controls that are not on screen (above): fix bench/kiosk/tour.txt" >&2
	exit 1
fi
# HALL_BENCH_LOG=FILE keeps the kiosk's stderr (with HALL_STATS_SLOW_MS=N: every slow
# frame and input, with the cold work its frame did).
if [ -n "${HALL_BENCH_LOG:-}" ]; then cp "$tmp/stderr.log" "$HALL_BENCH_LOG"; fi
