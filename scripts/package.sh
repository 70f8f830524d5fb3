#!/usr/bin/env bash
# Builds the Debian package: installs what is missing, builds the server (Release, without
# the tests) in build-release, and packs it with CPack into
# build-release/package/gateway-api_<version>_<architecture>.deb.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

scripts/install-deps.sh --package
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-release --target gateway-api
cpack --config build-release/CPackConfig.cmake -B build-release/package
