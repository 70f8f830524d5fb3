#!/usr/bin/env bash
# Quick start: install what is missing, build Release, and run the server on the
# in-memory default at 127.0.0.1:8000 (override with HOST, PORT and the other variables).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-release --target gateway-api
exec build-release/gateway-api serve
