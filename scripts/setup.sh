#!/usr/bin/env bash
# Installs the build and test dependencies of norotriage on Debian 12.
#
# Idempotent: when every package is already installed it does nothing and
# prints nothing (no apt-get update). Otherwise, as root, it runs
# `apt-get update` once and installs only the missing packages.
set -euo pipefail

PACKAGES=(
  build-essential g++ cmake make pkg-config python3
  libyaml-cpp-dev nlohmann-json3-dev libsimdjson-dev libcli11-dev libfmt-dev
  libsqlitecpp-dev libsqlite3-dev libpqxx-dev
  # `norotriage serve` and the tests' HTTP client: Boost.Beast and Asio, header-only
  libboost-dev
  # the HTTP API's episode tokens: CSPRNG, SHA-256 and constant-time compare from libcrypto
  libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # the PostgreSQL store tests: the server, and pg_virtualenv (a throw-away cluster)
  postgresql postgresql-common
  # tests/chart_svg_test.cc: xmllint, rsvg-convert (SVG -> PNG), pngtopnm (PNG -> PPM)
  libxml2-utils librsvg2-bin netpbm
  # make bench (scripts/bench.sh): HTTP load, the nginx baseline, start-up timing
  wrk nginx hyperfine curl
  # the browser tests (tests/browser/): Debian's Chromium, driven by playwright-core
  chromium
  # make fuzz / the hardening stage: libFuzzer and the sanitizer runtimes for clang
  clang libclang-rt-14-dev
  # the fault tests (tests/fault/): tmpfs and loop-device mounts, mkfs.ext4 and e2fsck
  util-linux e2fsprogs
)

# A package counts as installed only in state "install ok installed"
# (dpkg -s also succeeds for removed packages whose config files remain).
is_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

if ! command -v dpkg >/dev/null 2>&1; then
  echo "setup.sh: dpkg not found; this script supports Debian 12 only." >&2
  echo "setup.sh: install these packages by hand: ${PACKAGES[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! is_installed "$pkg"; then
    missing+=("$pkg")
  fi
done

# Node.js and npm (bench/peer and the ctest rules_engine_export): any install
# will do (the machine may have one from elsewhere), so Debian's packages only
# when the commands are missing.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  for pkg in nodejs npm; do
    is_installed "$pkg" || missing+=("$pkg")
  done
fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: missing packages: ${missing[*]}" >&2
  echo "setup.sh: as root, run:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "setup.sh: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
