#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/, clang-15 with ASan+UBSan) in build-fuzz and runs
# each for a fixed time over its checked-in seeds:
#   scripts/fuzz.sh [--seconds N] [--jobs J] [harness...]
# N seconds per harness (default 60), J harnesses at once (default 1), every harness when
# none is named. New inputs go to a scratch corpus that is deleted afterwards; the seeds in
# fuzz/corpus/<harness>/ are only read. Exits non-zero when any harness finds a crash, a
# leak, a timeout, a memory blow-up or a sanitizer report, and prints where the
# reproducer is: build-fuzz/fuzz-findings/<harness>/. Replay one with
#   build-fuzz/fuzzers/<harness> <reproducer>
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

seconds=60
jobs=1
harnesses=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
if ! [[ $seconds =~ ^[1-9][0-9]*$ && $jobs =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: --seconds and --jobs take a positive whole number" >&2
  exit 2
fi
if [[ ${#harnesses[@]} -eq 0 ]]; then
  for seeds in fuzz/corpus/*/; do harnesses+=("$(basename "$seeds")"); done
fi
for harness in "${harnesses[@]}"; do
  if [[ ! -f fuzz/${harness}_fuzzer.cpp || ! -d fuzz/corpus/$harness ]]; then
    echo "fuzz.sh: no harness '$harness' (fuzz/${harness}_fuzzer.cpp and fuzz/corpus/$harness/)" >&2
    exit 2
  fi
done

export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
build="build-fuzz"
started=$SECONDS
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-15 -DCMAKE_BUILD_TYPE=Fuzz \
  -DGATEWAY_BUILD_FUZZERS=ON -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${harnesses[@]/#/fuzz_}"
built=$SECONDS

findings="$root/$build/fuzz-findings"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# run_harness NAME: one libFuzzer run; its log ends up in the scratch directory.
run_harness() {
  local harness=$1
  local dict=()
  case $harness in
    http_request) dict=(-dict=fuzz/http.dict) ;;
    json_body|merge_patch|rds_secret) dict=(-dict=fuzz/json.dict) ;;
  esac
  mkdir -p "$scratch/$harness" "$findings/$harness"
  # The scratch corpus comes first: libFuzzer writes new inputs into the first directory.
  "$build/fuzzers/$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/$harness/" "${dict[@]}" \
    "$scratch/$harness" "fuzz/corpus/$harness" >"$scratch/$harness.log" 2>&1
}

failed=()
running=0
for harness in "${harnesses[@]}"; do
  if [[ $running -ge $jobs ]]; then wait -n || true; running=$((running - 1)); fi
  ( if run_harness "$harness"; then touch "$scratch/$harness.passed"; fi ) &
  running=$((running + 1))
done
wait

for harness in "${harnesses[@]}"; do
  log="$scratch/$harness.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [[ -f "$scratch/$harness.passed" ]]; then
    echo "fuzz: $harness: ${runs:-?} runs in ${seconds} s, nothing found"
  else
    failed+=("$harness")
    echo "fuzz: $harness FAILED; the end of its log:"
    tail -n 40 "$log" | sed 's/^/    /'
    reproducer=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    if [[ -n $reproducer ]]; then
      echo "fuzz: $harness: reproducer $reproducer; replay: $build/fuzzers/$harness $reproducer"
    fi
  fi
done
echo "=== fuzz: built in $((built - started)) s, fuzzed in $((SECONDS - built)) s"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in: ${failed[*]}" >&2
  exit 1
fi
