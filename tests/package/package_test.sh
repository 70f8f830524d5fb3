#!/usr/bin/env bash
# Builds the Debian package from a built tree and checks it the way an operator would
# meet it: its metadata and contents (dpkg-deb), Debian's own checker (lintian: no
# errors), the systemd unit (systemd-analyze, when this machine has it), and the server
# run from the package's files extracted into a temporary root.
#
# Usage: package_test.sh CPACK CPACK_CONFIG
#   CPACK         the cpack program
#   CPACK_CONFIG  the build tree's CPackConfig.cmake (the tree must be built)
set -euo pipefail

cpack=$1
cpack_config=$2

work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# --- Build ---------------------------------------------------------------------------
if ! "$cpack" --config "$cpack_config" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack could not build the package"
fi
debs=("$work"/out/*.deb)
[[ ${#debs[@]} -eq 1 && -f ${debs[0]} ]] || fail "expected one .deb, found: ${debs[*]}"
deb=${debs[0]}
echo "built $(basename "$deb")"

# --- Metadata ------------------------------------------------------------------------
field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == gateway-api ]] || fail "Package is '$(field Package)'"
[[ $(field Architecture) == "$(dpkg --print-architecture)" ]] ||
  fail "Architecture is '$(field Architecture)'"
for name in Version Maintainer Section Priority Description; do
  [[ -n $(field "$name") ]] || fail "the control file has no $name"
done
depends=$(field Depends)
echo "Depends: $depends"
# The package names Depends lists ("libspdlog1.10-fmt9 (>= 1.10)" counts as libspdlog1.10).
declare -A depended=()
IFS=',' read -ra depends_entries <<<"$depends"
for entry in "${depends_entries[@]}"; do
  entry=${entry# }
  depended[${entry%% *}]=1
done
depends_on() {
  local name
  for name in "${!depended[@]}"; do
    [[ $name == "$1" || $name == "$1"-* ]] && return 0
  done
  return 1
}
# What dpkg-shlibdeps must have found from the binary's libraries, with the minimum
# versions it derives from their symbols; and procps, for the unit's /bin/kill.
for package in libc6 libstdc++6 libgcc-s1 libpq5 libssl3 libcurl4 libsqlite3-0 libspdlog1.10 \
  libfmt9 libboost-json1.81.0 libboost-url1.81.0 procps; do
  depends_on "$package" || fail "Depends lacks $package"
done
[[ $depends == *"libc6 (>= "* ]] || fail "Depends has no versions: dpkg-shlibdeps did not run"
[[ $(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles) == /etc/default/gateway-api ]] ||
  fail "/etc/default/gateway-api is not the one conffile"

# --- Contents: exactly these files, nothing of the tests ------------------------------
expected_files="./etc/default/gateway-api
./lib/systemd/system/gateway-api.service
./usr/bin/gateway-api
./usr/share/doc/gateway-api/changelog.gz
./usr/share/doc/gateway-api/copyright
./usr/share/man/man1/gateway-api.1.gz"
actual_files=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort)
if [[ $actual_files != "$expected_files" ]]; then
  diff <(echo "$expected_files") <(echo "$actual_files") >&2 || true
  fail "unexpected package contents (- expected, + found)"
fi

# --- lintian -------------------------------------------------------------------------
# Every tag is shown (info included); an error fails the test, and so does lintian
# failing to run at all.
command -v lintian >/dev/null || fail "lintian is not installed"
lintian_started=$SECONDS
lintian_status=0
lintian --display-info --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1 || lintian_status=$?
lintian_output=$(grep -v '^running with root privileges' "$work/lintian.log" || true)
echo "lintian ($((SECONDS - lintian_started)) s, exit status $lintian_status):"
echo "${lintian_output:-(no tags)}"
if grep -q '^E:' <<<"$lintian_output"; then fail "lintian reports errors"; fi
[[ $lintian_status -eq 0 ]] || fail "lintian failed"

# --- The extracted package: unit, settings, binary ---------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"
unit=$root/lib/systemd/system/gateway-api.service
defaults=$root/etc/default/gateway-api

# shellcheck disable=SC2016 # $MAINPID is for systemd to expand, not this script
for line in 'ExecStart=/usr/bin/gateway-api serve' 'ExecReload=/bin/kill -HUP $MAINPID' \
  'EnvironmentFile=-/etc/default/gateway-api' 'DynamicUser=yes' 'StateDirectory=gateway-api' \
  'Environment=DATA_DIR=/var/lib/gateway-api' 'NoNewPrivileges=yes' 'ProtectSystem=strict' \
  'PrivateTmp=yes' 'WantedBy=multi-user.target'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
# The stop timeout must leave room for the drain: compare with the SHUTDOWN_TIMEOUT
# default the settings file documents.
stop_timeout=$(sed -n 's/^TimeoutStopSec=\([0-9]\+\)$/\1/p' "$unit")
shutdown_timeout=$(sed -n 's/^#SHUTDOWN_TIMEOUT=\([0-9]\+\)$/\1/p' "$defaults")
[[ -n $stop_timeout && -n $shutdown_timeout ]] ||
  fail "no TimeoutStopSec in the unit or no SHUTDOWN_TIMEOUT in the settings file"
((stop_timeout > shutdown_timeout)) ||
  fail "TimeoutStopSec=$stop_timeout is not above SHUTDOWN_TIMEOUT=$shutdown_timeout"
# The settings file only documents: every setting in it is commented out.
if grep -v -e '^#' -e '^$' "$defaults"; then fail "the settings file sets something"; fi

if command -v systemd-analyze >/dev/null; then
  # The same unit, started from the extracted binary (verify checks that it exists).
  mkdir "$work/verify"
  sed "s|^ExecStart=/usr/bin/gateway-api|ExecStart=$root/usr/bin/gateway-api|" "$unit" \
    >"$work/verify/gateway-api.service"
  verify_output=$(systemd-analyze verify --man=no "$work/verify/gateway-api.service" 2>&1) ||
    fail "systemd-analyze verify failed: $verify_output"
  [[ -z $verify_output ]] || fail "systemd-analyze verify complains: $verify_output"
  echo "systemd-analyze verify: clean"
else
  echo "systemd-analyze not installed: unit verification skipped"
fi

binary=$root/usr/bin/gateway-api
if ldd "$binary" | grep 'not found'; then fail "the binary misses libraries"; fi
version_output=$("$binary" --version)
[[ $version_output == "gateway-api $(field Version)" ]] ||
  fail "--version says '$version_output', the package is $(field Version)"

# --- The extracted server serves, then stops cleanly on SIGTERM ---------------------
# A clean environment: no database, a free port on loopback, the data directory as the
# unit would give it. Its output comes through a FIFO, read line by line until it says
# where it listens.
mkfifo "$work/server.out"
env -i PATH=/usr/bin:/bin HOME="$work" HOST=127.0.0.1 PORT=0 WORKERS=1 DATA_DIR="$work/state" \
  "$binary" serve >"$work/server.out" 2>&1 &
server_pid=$!
exec {server_out}<"$work/server.out"
port=
while IFS= read -r -t 60 -u "$server_out" line; do
  echo "server: $line"
  if [[ $line =~ listening\ on\ http://127\.0\.0\.1:([0-9]+) ]]; then
    port=${BASH_REMATCH[1]}
    break
  fi
done
[[ -n $port ]] || fail "the server did not say where it listens"

live_status=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/live")
[[ $live_status == 200 ]] || fail "/health/live answered $live_status"
create_status=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/apis" \
  -H 'Content-Type: application/json' \
  -d '{"name":"billing","base_path":"/billing","upstream_url":"http://127.0.0.1:9000"}')
[[ $create_status == 201 ]] || fail "POST /apis answered $create_status"

kill -TERM "$server_pid"
while IFS= read -r -u "$server_out" line; do echo "server: $line"; done
exec {server_out}<&-
exit_status=0
wait "$server_pid" || exit_status=$?
server_pid=
[[ $exit_status -eq 0 ]] || fail "the server exited with $exit_status after SIGTERM"
[[ -f $work/state/state.sqlite3 ]] || fail "the server kept nothing in DATA_DIR"
echo "package test passed"
