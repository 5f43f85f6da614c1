#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test with
# ctest, twice: a Debug build, then the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer. Also checks that a Release build is warning-free.
#
# Suite time (the whole run must stay well under 15 minutes on CI's 2 cores):
#  - Most integration tests wait on brokers, timers and outages rather than compute, so
#    ctest runs HALL_TEST_JOBS tests at a time (default: twice the cores, when the machine
#    is not already busy); the tests that keep a core busy carry RESOURCE_LOCK cpu in
#    tests/CMakeLists.txt and never run together, and COST there makes ctest start the
#    longest first in a fresh clone.
#  - The Release and the ASan builds compile at the lowest priority (nice 19) while the
#    tests of the build before them run: they take only the CPU the tests leave idle,
#    so the tests' timing is what it would be without them. Their output is kept in
#    BUILD/build.log and shown when they finish; a warning still fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
# Twice as many tests as cores only on a machine with idle CPU: where other work already
# keeps every core busy (the 1-minute load average, taken before this run starts anything
# of its own), the tests' bounded waits need the CPU more than the run needs the overlap.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
if awk -v l="$load" -v c="$jobs" 'BEGIN { exit !(l < c) }'; then
  test_jobs=${HALL_TEST_JOBS:-$((2 * jobs))}
else
  test_jobs=${HALL_TEST_JOBS:-$jobs}
  echo "test.sh: load average $load on $jobs cores: ctest -j$test_jobs (HALL_TEST_JOBS overrides)"
fi

build() { # dir, cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

# bg_build DIR ARGS...: build() at nice 19 in the background, in a process group of its
# own (setsid: the EXIT trap stops the whole build when the run ends early), its output
# to DIR/build.log; sets BG.
BG=""
bg_build() {
  local dir=$1
  mkdir -p "$dir"
  setsid nice -n 19 bash -c "set -euo pipefail; jobs=$jobs; $(declare -f build); build \"\$@\"" build "$@" \
    > "$dir/build.log" 2>&1 < /dev/null &
  BG=$!
}
# bg_wait WHAT DIR: wait for the background build, show its output; fail as it failed.
bg_wait() {
  local rc=0
  wait "$BG" || rc=$?
  BG=""
  echo "== $1 (built in the background)"
  cat "$2/build.log"
  [ "$rc" = 0 ] || { echo "test.sh: the $1 failed (exit $rc)" >&2; exit "$rc"; }
}
trap '[ -z "$BG" ] || kill -- "-$BG" 2>/dev/null || true' EXIT

echo "== Debug build"
build build -DCMAKE_BUILD_TYPE=Debug

bg_build build-asan -DCMAKE_BUILD_TYPE=Debug -DHALL_SANITIZE=ON
echo "== Debug tests (ctest -j$test_jobs)"
ctest --test-dir build --output-on-failure -j"$test_jobs" --timeout 400
bg_wait "ASan/UBSan build" build-asan

bg_build build-release -DCMAKE_BUILD_TYPE=Release
echo "== ASan/UBSan tests (ctest -j$test_jobs)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$test_jobs" --timeout 600
bg_wait "Release build (warnings are errors)" build-release
