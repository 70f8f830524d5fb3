#!/usr/bin/env bash
# Installs the npm packages of the AWS test peers (tests/aws/node) exactly as the
# lock file pins them, only when they are missing or the lock file changed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="$root/tests/aws/node"
stamp="$dir/node_modules/.package-lock.json"
if [[ -f "$stamp" && "$stamp" -nt "$dir/package-lock.json" ]]; then exit 0; fi
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
