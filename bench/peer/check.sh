#!/usr/bin/env bash
# Runs npm json-rules-engine on norotriage's exported flag rules and checks it
# agrees with `norotriage batch --compact` on every request (bench/peer/run.js).
#
#   bench/peer/check.sh --norotriage BIN --work DIR (--requests FILE | --gen BIN) [--count N]
#                       [--warmup N] [--json OUT.json]
#
# --requests FILE  use the first N lines of FILE; --gen BIN generates N requests
#                  with norotriage_gen (seed 7) instead. N defaults to 20000.
# --work DIR       scratch directory: the npm packages (installed there with
#                  `npm ci` from bench/peer/package-lock.json, again only when
#                  the lock changes), the exported rules, requests and results.
# Exit status: 0 when they agree on every request; 1 on any difference or error.
# Used by ctest (rules_engine_export, a small sample) and scripts/bench.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
norotriage="" work="" requests="" gen="" count=20000 warmup=1000 json=""
while [ $# -gt 0 ]; do
  case "$1" in
    --norotriage) norotriage="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --requests) requests="$2"; shift 2 ;;
    --gen) gen="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --json) json="$2"; shift 2 ;;
    *) echo "check.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
if [ -z "$norotriage" ] || [ -z "$work" ] || { [ -z "$requests" ] && [ -z "$gen" ]; }; then
  echo "usage: check.sh --norotriage BIN --work DIR (--requests FILE | --gen BIN) [--count N] [--warmup N] [--json OUT]" >&2
  exit 64
fi
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check.sh: '$tool' not found; install Node.js and npm (scripts/setup.sh)" >&2
    exit 1
  fi
done

mkdir -p "$work"
# The packages, installed once per lock file.
if ! cmp -s "$here/package-lock.json" "$work/package-lock.json" || [ ! -d "$work/node_modules/json-rules-engine" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
cp "$here/run.js" "$work/run.js"

if [ -n "$gen" ]; then
  "$gen" --count "$count" --seed 7 -o "$work/requests.jsonl" 2>/dev/null
else
  head -n "$count" "$requests" > "$work/requests.jsonl"
fi
"$norotriage" kb export --format json-rules-engine -o "$work/rules.json"
# Exit 65 would mean a rejected line; run.js reports that line, so go on.
"$norotriage" batch --compact "$work/requests.jsonl" -o "$work/compact.jsonl" 2>/dev/null || [ $? -eq 65 ]

args=(--rules "$work/rules.json" --requests "$work/requests.jsonl" --expect "$work/compact.jsonl"
      --limit "$count" --warmup "$warmup")
[ -n "$json" ] && args+=(--json "$json")
node "$work/run.js" "${args[@]}"
