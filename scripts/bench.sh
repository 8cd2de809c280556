#!/usr/bin/env bash
# The benchmarks of norotriage in one run (`make bench`), written up in
# docs/performance.md (bench/report.py) with the machine, compiler, commit and
# date. Raw results stay in BUILD_DIR/bench/.
#
#   scripts/bench.sh [BUILD_DIR]          (default: build)
#
#   1. engine    Google Benchmark (build/norotriage_bench), evaluations/s per core
#   2. batch     `norotriage batch` on BENCH_LINES generated requests (norotriage_gen,
#                seed 1): 1 and 2 threads, full and --compact; and the parse-only
#                limit (norotriage_parse_only)
#   3. peer      npm json-rules-engine on the exported flag rules, on the first
#                BENCH_PEER_LINES of the same file, checked line by line (bench/peer)
#   4. http      wrk on POST /v1/assess of `norotriage serve`, and on nginx
#                answering the same body (bench/http), loopback only; then
#                GET /v1/openapi.json on both (the HTTP layer alone)
#   5. start-up  hyperfine on `norotriage assess FILE`
#
# Environment (all optional):
#   BENCH_ARGS          extra Google Benchmark flags, e.g. --benchmark_filter=Evaluate
#   BENCH_ONLY          space-separated subset of: engine batch peer http startup
#   BENCH_REPEAT        runs of each parse-only and batch --compact measurement; the best is reported (3)
#   BENCH_FULL_REPEAT   runs of each full-result batch measurement (1)
#   BENCH_LINES         generated requests (1000000)
#   BENCH_PEER_LINES    requests run through json-rules-engine (20000)
#   BENCH_HTTP_SECONDS  length of each wrk run (10)
#   BENCH_DOC           the report to write (docs/performance.md; none when BENCH_ONLY is set); "-": none
#
# Exits non-zero when a benchmark fails to run or json-rules-engine disagrees
# with norotriage. Missing targets are not failures: they are reported.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BUILD_DIR="${1:-build}"
ONLY="${BENCH_ONLY:-engine batch peer http startup}"
REPEAT="${BENCH_REPEAT:-3}"
FULL_REPEAT="${BENCH_FULL_REPEAT:-1}"
LINES="${BENCH_LINES:-1000000}"
PEER_LINES="${BENCH_PEER_LINES:-20000}"
HTTP_SECONDS="${BENCH_HTTP_SECONDS:-10}"
# A partial run (BENCH_ONLY) writes no report unless BENCH_DOC names one.
if [ -n "${BENCH_ONLY:-}" ]; then DOC="${BENCH_DOC:--}"; else DOC="${BENCH_DOC:-docs/performance.md}"; fi
OUT="$BUILD_DIR/bench"
BIN="$BUILD_DIR/norotriage"
REQUEST_FILE="examples/back-pain-day1.json"   # the fixed request of http and start-up

want() { [[ " $ONLY " == *" $1 "* ]]; }
say() { printf '\n== %s\n' "$*" >&2; }
skip() { printf '%s\n' "$2" > "$OUT/$1.skipped"; echo "bench: $1 not run: $2" >&2; }

# Processes this script started, stopped by id on exit.
PIDS=()
TMP="$(mktemp -d /tmp/norotriage-bench.XXXXXX)"
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$OUT"
rm -f "$OUT"/*.skipped "$OUT"/*.txt "$OUT"/*.json
cmake --build "$BUILD_DIR" -j"$(nproc)" --target norotriage norotriage_bench norotriage_gen norotriage_parse_only >&2

# The machine and the build, for the report.
{
  commit="unknown"
  if [ -f .git/HEAD ]; then  # read the files: no git needed
    head_ref="$(cat .git/HEAD)"
    if [[ "$head_ref" == ref:* ]]; then
      ref="${head_ref#ref: }"
      if [ -f ".git/$ref" ]; then commit="$(cat ".git/$ref")"
      elif [ -f .git/packed-refs ]; then commit="$(awk -v r="$ref" '$2 == r {print $1}' .git/packed-refs)"; fi
    else
      commit="$head_ref"
    fi
  fi
  cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
  python3 - "$commit" "${cxx:-c++}" "$build_type" <<'EOF'
import json, os, platform, subprocess, sys, datetime
commit, cxx, build_type = sys.argv[1:4]
cpu, flags = "unknown", ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name") and cpu == "unknown":
        cpu = line.split(":", 1)[1].strip()
    if line.startswith("flags") and not flags:
        flags = line.split(":", 1)[1].split()
extras = [x for x, f in (("AVX-512", "avx512f"), ("AVX2", "avx2")) if f in flags][:1]
if "hypervisor" in flags:
    extras.append("virtual machine")
if extras:
    cpu += " (" + ", ".join(extras) + ")"
try:
    compiler = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
except Exception:
    compiler = cxx
json.dump({"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "commit": commit or "unknown", "nproc": os.cpu_count(), "cpu": cpu,
           "kernel": platform.release(), "compiler": compiler, "build_type": build_type,
           "load_before": open("/proc/loadavg").read().split()[:3]},
          sys.stdout)
EOF
} > "$OUT/meta.json"

# 1. Engine: Google Benchmark, single-threaded, so items/s is per core; the
#    report takes the best of the 5 repetitions, like the best of the batch runs.
if want engine; then
  say "engine (Google Benchmark)"
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of flags
  "$BUILD_DIR/norotriage_bench" --benchmark_repetitions=5 --benchmark_display_aggregates_only=true \
    --benchmark_out="$OUT/engine.json" --benchmark_out_format=json ${BENCH_ARGS:-}
fi

# The generated requests (deterministic: regenerated only when the generator is newer).
REQUESTS="$OUT/requests-$LINES-seed1.jsonl"
if want batch || want peer; then
  if [ ! -s "$REQUESTS" ] || [ "$BUILD_DIR/norotriage_gen" -nt "$REQUESTS" ]; then
    say "generating $LINES requests"
    "$BUILD_DIR/norotriage_gen" --count "$LINES" --seed 1 -o "$REQUESTS.tmp"
    mv "$REQUESTS.tmp" "$REQUESTS"
  fi
  cat "$REQUESTS" > /dev/null  # into the page cache before anything is timed
fi

# 2. Batch, and the parse-only limit; each REPEAT times.
if want batch; then
  say "batch on $(wc -l < "$REQUESTS") requests ($(du -h "$REQUESTS" | cut -f1)), best of $REPEAT"
  # Full results are ~15 KB a line (a minute or more per run): FULL_REPEAT runs.
  for r in $(seq "$REPEAT"); do
    "$BUILD_DIR/norotriage_parse_only" "$REQUESTS" > "$OUT/parse-only-$r.txt"
    cat "$OUT/parse-only-$r.txt" >&2
    for mode in compact full; do
      [ "$mode" = full ] && [ "$r" -gt "$FULL_REPEAT" ] && continue
      for threads in 1 2; do
        flags=(--threads "$threads")
        [ "$mode" = compact ] && flags+=(--compact)
        "$BIN" batch "$REQUESTS" -o /dev/null "${flags[@]}" 2> "$OUT/batch-$mode-t$threads-$r.txt"
        cat "$OUT/batch-$mode-t$threads-$r.txt" >&2
      done
    done
  done
fi

# 3. The peer: json-rules-engine on the same requests, checked on every line.
if want peer; then
  say "peer: json-rules-engine on $PEER_LINES requests"
  bash bench/peer/check.sh --norotriage "$BIN" --requests "$REQUESTS" --count "$PEER_LINES" \
    --work "$OUT/peer" --json "$OUT/peer.json" | tee "$OUT/peer.txt" >&2
fi

# A free loopback port (there is a small race until the server binds it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# 4. HTTP: norotriage serve against nginx, same machine, same run.
if want http; then
  say "http: wrk, ${HTTP_SECONDS}s each, 2 threads, 64 connections"
  if ! "$BIN" serve --help > /dev/null 2>&1; then
    skip http "'norotriage serve' does not exist in this build"
  elif ! command -v wrk > /dev/null || ! command -v nginx > /dev/null; then
    skip http "wrk or nginx is not installed (scripts/setup.sh installs them)"
  else
    # norotriage: one worker thread per connection, so as many as wrk opens.
    : > "$TMP/serve.out"
    "$BIN" serve --host 127.0.0.1 --port 0 --threads 64 --db "$TMP/episodes.db" \
      > "$TMP/serve.out" 2> /dev/null &
    PIDS+=($!)
    url=""
    for _ in $(seq 100); do
      url="$(sed -n 's/^norotriage listening on \(http:[^ ]*\).*/\1/p' "$TMP/serve.out" || true)"
      [ -n "$url" ] && break
      sleep 0.1
    done
    [ -n "$url" ] || { echo "bench: norotriage serve did not start" >&2; exit 1; }
    url="${url%/}/v1/assess"
    # nginx answers with norotriage's own answer to the same request.
    mkdir -p "$TMP/nginx/html"
    chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/html"
    code="$(curl -s -o "$TMP/nginx/html/assess.json" -w '%{http_code}' -X POST \
      -H 'Content-Type: application/json' --data-binary "@$REQUEST_FILE" "$url")"
    [ "$code" = 200 ] || { echo "bench: POST $url answered $code" >&2; exit 1; }
    # The HTTP layer alone: a fixed document both servers send as it is.
    doc_url="${url%/v1/assess}/v1/openapi.json"
    curl -sf -o "$TMP/nginx/html/openapi.json" "$doc_url"
    chmod 644 "$TMP/nginx/html/assess.json" "$TMP/nginx/html/openapi.json"
    port="$(free_port)"
    sed -e "s|@PREFIX@|$TMP/nginx|g" -e "s|@PORT@|$port|g" bench/http/nginx.conf > "$TMP/nginx/nginx.conf"
    nginx -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
    PIDS+=($!)
    nginx_url="http://127.0.0.1:$port/v1/assess"
    for _ in $(seq 100); do
      curl -s -o /dev/null -X POST --data-binary "@$REQUEST_FILE" "$nginx_url" && break
      sleep 0.1
    done
    wc -c < "$TMP/nginx/html/assess.json" > "$OUT/http-body-bytes.txt"
    wc -c < "$TMP/nginx/html/openapi.json" > "$OUT/http-doc-bytes.txt"
    # POST /v1/assess (the product), then GET of the fixed document (the HTTP
    # layer alone: no assessment), each on norotriage and on nginx.
    for run in norotriage nginx norotriage-doc nginx-doc; do
      case "$run" in
        norotriage) u="$url" body="$REQUEST_FILE" ;;
        nginx) u="$nginx_url" body="$REQUEST_FILE" ;;
        norotriage-doc) u="$doc_url" body="" ;;
        nginx-doc) u="http://127.0.0.1:$port/v1/openapi.json" body="" ;;
      esac
      BODY="$body" wrk -t2 -c64 -d"${HTTP_SECONDS}s" --latency -s bench/http/post.lua "$u" \
        > "$OUT/http-$run.txt"
      tail -n 1 "$OUT/http-$run.txt" > "$OUT/http-$run.json"
      grep -E 'Requests/sec|Latency  ' "$OUT/http-$run.txt" | sed "s/^/$run: /" >&2
    done
  fi
fi

# 5. Start-up: one whole `norotriage assess FILE`, process start to exit.
if want startup; then
  say "start-up: hyperfine"
  if ! command -v hyperfine > /dev/null; then
    skip startup "hyperfine is not installed (scripts/setup.sh installs it)"
  else
    hyperfine -N --warmup 10 --runs 200 --export-json "$OUT/startup.json" \
      "$BIN assess $REQUEST_FILE" >&2
  fi
fi

python3 - "$OUT/meta.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["load_after"] = open("/proc/loadavg").read().split()[:3]
json.dump(m, open(sys.argv[1], "w"))
EOF

if [ "$DOC" != "-" ]; then
  python3 bench/report.py --dir "$OUT" --doc "$DOC" --lines "$LINES" --repeat "$REPEAT" \
    --full-repeat "$FULL_REPEAT"
  echo "bench: wrote $DOC" >&2
fi
