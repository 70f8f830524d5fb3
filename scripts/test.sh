#!/usr/bin/env bash
# Installs what is missing, then builds and runs every test:
#   1. the whole suite on an optimised build: unit, HTTP, concurrency, AWS, and the PostgreSQL
#      tests against a private PostgreSQL 15 that CTest starts and stops itself; and the
#      Debian package, built from that tree and checked (lintian included);
#   2. the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (the http
#      suite once, on the in-memory server);
#   3. the unit, concurrency and PostgreSQL suites under ThreadSanitizer;
#   4. every libFuzzer harness for 15 s over its seeds (clang-15, ASan+UBSan), two at a time.
# Build trees live in build-test, build-asan, build-tsan and build-fuzz; ccache makes reruns
# cheap.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh --test
scripts/install-node-deps.sh

jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1
# Let ccache reuse objects across checkouts in other folders (a CI clone, say): paths
# are hashed relative to the repository, and the working directory is not hashed.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1

# build_and_test DIR TYPE LABELS [TARGET...]: no targets builds everything.
build_and_test() {
  local dir=$1 type=$2 label=$3
  shift 3
  local targets=()
  [[ $# -gt 0 ]] && targets=(--target "$@")
  echo "=== ${type} build (${dir}), tests: ${label}"
  local started=$SECONDS
  # The optimised tree keeps line tables only: enough for a backtrace, and full debug
  # information would cost a fifth of its compile time.
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
  cmake --build "$dir" -j "$jobs" "${targets[@]}"
  local built=$SECONDS
  ctest --test-dir "$dir" -j "$jobs" --timeout 300 -L "$label"
  echo "=== ${type}: built in $((built - started)) s, tested in $((SECONDS - built)) s"
}

build_and_test build-test RelWithDebInfo 'unit|http|concurrency|pg|aws|package'
# Under ASan+UBSan every suite runs once: http-pg (the http suite again with the server on
# PostgreSQL) adds no code of its own that the pg suites do not already run, and would cost
# a third of this stage.
build_and_test build-asan Asan '^(unit|http|concurrency|pg|aws)$'
# ThreadSanitizer: the suites where threads meet (the server under many clients, the
# pool shared by several event loops). It cannot map its shadow memory under the
# kernel's full address-space randomisation; running without it is the usual remedy.
tsan_run=()
if setarch "$(uname -m)" -R true 2>/dev/null; then tsan_run=(setarch "$(uname -m)" -R); fi
"${tsan_run[@]}" bash -c "$(declare -f build_and_test); jobs=$jobs; build_and_test build-tsan Tsan '^(concurrency|unit|pg)\$' gateway-api unit_tests concurrency_tests pg_tests"
# The fuzzing harnesses: a short run of each, failing on any finding (scripts/fuzz.sh prints
# the reproducer); long runs are the same script with a larger --seconds.
echo "=== fuzz build (build-fuzz), harnesses: all, 15 s each"
scripts/fuzz.sh --seconds 15 --jobs "$jobs"
echo "All test suites passed."
