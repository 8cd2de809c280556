#!/usr/bin/env bash
# The hardening stage of `make test` (issue 7): what the project must survive,
# each step printing its figures for the CI log.
#
#   scripts/hardening.sh BUILD_DIR [STEP...]
#
# Steps, in order (all when none is named):
#   properties  the seeded safety properties over generated requests and
#               interviews, with their case counts (norotriage_tests)
#   malformed   the malformed-input corpus through the library, CLI, batch
#               and HTTP (norotriage_tests, Malformed*)
#   faults      ctest -L hardening: the 2-minute load test, SIGKILL during
#               check-ins, read-only and full disks, PostgreSQL restarts
#   asan        the whole suite built with clang, ASan+LSan+UBSan (scripts/sanitize.sh)
#   fuzz        every libFuzzer target for FUZZ_SECONDS (default 60) each
#               (scripts/fuzz.sh), from the asan step's build
#   tsan        the batch, server and fault tests built with TSan
#
# Runs every step even when one fails, then exits 1 if any did.
set -uo pipefail
cd "$(dirname "$0")/.."

build=${1:?usage: $0 BUILD_DIR [STEP...]}
shift
steps=("$@")
[ "${#steps[@]}" -eq 0 ] && steps=(properties malformed faults asan fuzz tsan)

failed=()
run_step() {
  local name=$1
  shift
  local start
  start=$(date +%s)
  echo "=== hardening: $name"
  if "$@"; then
    echo "=== hardening: $name passed in $(( $(date +%s) - start )) s"
  else
    echo "=== hardening: $name FAILED after $(( $(date +%s) - start )) s"
    failed+=("$name")
  fi
}

tests="$build/norotriage_tests"
for step in "${steps[@]}"; do
  case $step in
    properties)
      run_step properties "$tests" --gtest_brief=1 \
        --gtest_filter='SafetyPropertyTest.*:InterviewPropertyTest.*:ConditionTest.AgreesWithReferenceEvaluator' ;;
    malformed)
      run_step malformed "$tests" --gtest_brief=1 --gtest_filter='Malformed*' ;;
    faults)
      run_step faults ctest --test-dir "$build" -L hardening -V --timeout 900 ;;
    fuzz)
      run_step fuzz env FUZZ_BUILD_DIR=build-asan bash scripts/fuzz.sh ;;
    asan)
      run_step asan bash scripts/sanitize.sh asan ;;
    tsan)
      run_step tsan bash scripts/sanitize.sh tsan ;;
    *)
      echo "hardening: unknown step '$step'" >&2
      exit 2 ;;
  esac
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "hardening: FAILED: ${failed[*]}"
  exit 1
fi
echo "hardening: all steps passed (${steps[*]})"
