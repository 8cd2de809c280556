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
#                answering the same body, loopback only; then GET
#                /v1/openapi.json on both (the HTTP layer alone); then GET
#                /healthz while HTTP_IDLE idle connections are held open
#                (bench/http/run.sh)
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
#   BENCH_HTTP_IDLE     idle connections held open during the /healthz run (10000)
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
HTTP_IDLE="${BENCH_HTTP_IDLE:-10000}"
# A partial run (BENCH_ONLY) writes no report unless BENCH_DOC names one.
if [ -n "${BENCH_ONLY:-}" ]; then DOC="${BENCH_DOC:--}"; else DOC="${BENCH_DOC:-docs/performance.md}"; fi
OUT="$BUILD_DIR/bench"
BIN="$BUILD_DIR/norotriage"
REQUEST_FILE="examples/back-pain-day1.json"   # the fixed request of http and start-up

want() { [[ " $ONLY " == *" $1 "* ]]; }
say() { printf '\n== %s\n' "$*" >&2; }
skip() { printf '%s\n' "$2" > "$OUT/$1.skipped"; echo "bench: $1 not run: $2" >&2; }

mkdir -p "$OUT"
rm -f "$OUT"/*.skipped "$OUT"/*.txt "$OUT"/*.json
cmake --build "$BUILD_DIR" -j"$(nproc)" --target norotriage norotriage_bench norotriage_gen norotriage_parse_only >&2

# The machine and the build, for the report.
{
  commit="unknown"
  # Read the files: no git needed. In a linked worktree .git is a file
  # ("gitdir: DIR"): HEAD is in DIR, the refs in the common directory.
  git_dir=.git common_dir=.git
  if [ -f .git ]; then
    git_dir="$(sed -n 's/^gitdir: //p' .git)"
    common_dir="$git_dir"
    [ -f "$git_dir/commondir" ] && common_dir="$git_dir/$(cat "$git_dir/commondir")"
  fi
  if [ -f "$git_dir/HEAD" ]; then
    head_ref="$(cat "$git_dir/HEAD")"
    if [[ "$head_ref" == ref:* ]]; then
      ref="${head_ref#ref: }"
      if [ -f "$common_dir/$ref" ]; then commit="$(cat "$common_dir/$ref")"
      elif [ -f "$common_dir/packed-refs" ]; then commit="$(awk -v r="$ref" '$2 == r {print $1}' "$common_dir/packed-refs")"; fi
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

# 4. HTTP: norotriage serve against nginx, same machine, same run (bench/http/run.sh).
if want http; then
  say "http: wrk, ${HTTP_SECONDS}s each, 2 threads, 64 connections; $HTTP_IDLE idle connections"
  if ! "$BIN" serve --help > /dev/null 2>&1; then
    skip http "'norotriage serve' does not exist in this build"
  elif ! command -v wrk > /dev/null || ! command -v nginx > /dev/null; then
    skip http "wrk or nginx is not installed (scripts/setup.sh installs them)"
  else
    bash bench/http/run.sh --bin "$BIN" --out "$OUT" --request "$REQUEST_FILE" \
      --seconds "$HTTP_SECONDS" --idle "$HTTP_IDLE"
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
