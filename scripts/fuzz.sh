#!/usr/bin/env bash
# Long libFuzzer runs of the three harnesses (not part of CI):
#
#   scripts/fuzz.sh [RUNS] [SECONDS]     (defaults 1000000 runs, 3600 s each)
#
# Builds build-sanitize/ via scripts/sanitize.sh's configuration if needed,
# then fuzzes each harness until RUNS executions or SECONDS, whichever comes
# first, from tools/fuzzers/corpus/<harness> (new coverage goes to
# build-sanitize/fuzz-corpus/<harness>, crashes to build-sanitize/crashes/).
# Prints each harness's executions and crashes; docs/hardening.md records
# the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000000}
SECS=${2:-3600}
BUILD=${BUILD:-build-sanitize}
if [ ! -x "$BUILD/bin/mpq-fuzz-npy" ]; then
  scripts/sanitize.sh "$BUILD" >/dev/null || true
fi
export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=0:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$BUILD/crashes"
for h in npy onnx mlir-run; do
  work="$BUILD/fuzz-corpus/$h"
  mkdir -p "$work"
  log="$BUILD/fuzz-$h-long.log"
  start=$(date +%s)
  "$BUILD/bin/mpq-fuzz-$h" -runs="$RUNS" -max_total_time="$SECS" \
    -rss_limit_mb=4096 -timeout=25 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$BUILD/crashes/$h-" "$work" "tools/fuzzers/corpus/$h" \
    >"$log" 2>&1 && rc=0 || rc=$?
  end=$(date +%s)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  crashes=$(ls "$BUILD/crashes" | grep -c "^$h-" || true)
  echo "fuzz: mpq-fuzz-$h: $runs executions in $((end - start)) s, exit $rc, $crashes crash/timeout/oom files"
done
