#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. the whole suite on an optimised build with assertions (unit, HTTP, concurrency);
#   2. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. the concurrency suite and the store tests under ThreadSanitizer.
# Build trees live in build-test, build-asan and build-tsan; ccache makes reruns cheap.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test

jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

build_and_test() {
  local dir=$1 type=$2 label=$3
  echo "=== ${type} build (${dir}), tests: ${label}"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" >/dev/null
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -j "$jobs" --timeout 300 -L "$label"
}

build_and_test build-test RelWithDebInfo 'unit|http|concurrency'
build_and_test build-asan Asan 'unit|http|concurrency'
# ThreadSanitizer cannot map its shadow memory under the kernel's full address-space
# randomisation; running without randomisation is the documented remedy.
if setarch "$(uname -m)" -R true 2>/dev/null; then
  setarch "$(uname -m)" -R bash -c "$(declare -f build_and_test); jobs=$jobs; build_and_test build-tsan Tsan 'concurrency|unit'"
else
  build_and_test build-tsan Tsan 'concurrency|unit'
fi
echo "All test suites passed."
