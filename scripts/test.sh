#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every test with
# ctest, twice: a Debug build, then the same suite under AddressSanitizer and
# UndefinedBehaviorSanitizer. Also checks that a Release build is warning-free.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

build() { # dir, cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
}

echo "== Release build (warnings are errors)"
build build-release -DCMAKE_BUILD_TYPE=Release

echo "== Debug build and tests"
build build -DCMAKE_BUILD_TYPE=Debug
ctest --test-dir build --output-on-failure -j"$jobs" --timeout 400

echo "== ASan/UBSan build and tests"
build build-asan -DCMAKE_BUILD_TYPE=Debug -DHALL_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600
