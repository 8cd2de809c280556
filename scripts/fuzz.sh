#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in build-fuzz/ and runs
# each for FUZZ_SECONDS (default 60) from its seed corpus and dictionary
# (FUZZ_TARGETS="http request" runs only those). Prints one line per target:
# seconds, executions, executions/s, coverage (libFuzzer's cov:).
# A crash fails the script; its input is left in build-fuzz/findings/<target>/:
# copy it to fuzz/regressions/<target>/ and tests/fuzz_regression_test.cc
# replays it for good.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
build=${FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DNOROTRIAGE_FUZZ=ON -DNOROTRIAGE_BUILD_TESTS=OFF -DNOROTRIAGE_BUILD_BENCH=OFF >/dev/null
fi
targets=(${FUZZ_TARGETS:-request interview batch condition kb_image kb_file http})
cmake --build "$build" -j"$(nproc)" --target $(printf '%s_fuzzer ' "${targets[@]}") >/dev/null
status=0
for t in "${targets[@]}"; do
  dict=fuzz/request.dict
  case $t in condition|kb_file) dict=fuzz/rules.dict ;; http) dict=fuzz/http.dict ;; kb_image) dict= ;; esac
  work="$build/work/$t"; findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/$t.log"
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
        -artifact_prefix="$findings/")
  [ -n "$dict" ] && args+=(-dict="$dict")
  if "$build/${t}_fuzzer" "${args[@]}" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    rate=$(grep -m1 -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || echo '?')
    echo "fuzz $t: ${seconds}s, $runs executions, $rate exec/s, cov $cov, no crash"
  else
    echo "fuzz $t: FAILED (see $log; input in $findings/)"
    tail -n 30 "$log"
    status=1
  fi
done
exit $status
