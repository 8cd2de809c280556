#!/usr/bin/env bash
# The browser tests (ctest: browser_e2e): the web page in Debian's Chromium,
# driven by playwright-core, against the real binary (NOROTRIAGE_BINARY).
#
# Installs tests/browser/node_modules with `npm ci` (from package-lock.json,
# the npm registry only) when it is missing or was installed from another
# lock file; playwright-core never downloads a browser. Then runs every
# *.test.js here with node's own test runner.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ -z "${NOROTRIAGE_BINARY:-}" ]; then
  echo "browser_e2e: NOROTRIAGE_BINARY is not set (the path of the norotriage binary)" >&2
  exit 1
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "browser_e2e: '$tool' not found; install Node.js and npm (scripts/setup.sh)" >&2
    exit 1
  fi
done
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser_e2e: $chromium not found; install the Debian package chromium (scripts/setup.sh)" >&2
  exit 1
fi

stamp="$here/node_modules/.norotriage-lock-sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "browser_e2e: npm ci --prefix tests/browser"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix "$here" --legacy-peer-deps \
    --no-audit --no-fund --loglevel=error </dev/null
  echo "$want" > "$stamp"
fi

cd "$here"
exec node --test </dev/null
