#!/usr/bin/env bash
# Installs the Debian packages the build needs (with --package, also what building the
# Debian package needs; with --test, also what the test suite needs, the package's test
# included), touching apt only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libspdlog-dev libfmt-dev libpq-dev libcurl4-openssl-dev libsqlite3-dev
)
# CPack's DEB generator finds the dependencies with dpkg-shlibdeps (dpkg-dev), which it
# runs on the files that file(1) says are ELF.
package_packages=(dpkg-dev file)
if [[ "${1:-}" == "--package" ]]; then
  packages+=("${package_packages[@]}")
fi
if [[ "${1:-}" == "--test" ]]; then
  packages+=(libgtest-dev curl postgresql-15 openssl prometheus clang-15 libfuzzer-15-dev
    "${package_packages[@]}" lintian)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# The AWS tests run Node scripts: any Node.js with npm will do (one installed from another
# source ships its own npm, which Debian's npm package would conflict with).
if [[ "${1:-}" == "--test" ]] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
