#!/usr/bin/env bash
# Builds the tools with AddressSanitizer + UndefinedBehaviorSanitizer (and
# the libFuzzer harnesses) in build-sanitize/, then runs the negative lit
# tests (bad input must get an error, never a crash) and every fuzz corpus
# input once. Any sanitizer report fails the run. docs/hardening.md.
#
#   scripts/sanitize.sh [BUILD_DIR]      (default build-sanitize)
#
# Debian's LLVM/MLIR libraries are not instrumented: allow_user_poisoning=0
# keeps the poisoning calls compiled into our code from LLVM headers from
# reporting false overflows in the uninstrumented ones.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-sanitize}
J=${J:-2}

if [ ! -f "$BUILD/build.ninja" ]; then
  launcher=()
  command -v ccache >/dev/null &&
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -G Ninja -S . -B "$BUILD" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_ENABLE_LLD=ON -DMPQ_SANITIZE=ON -DMPQ_ENABLE_FUZZERS=ON \
    "${launcher[@]}" >&2
fi
ninja -C "$BUILD" -j"$J" mpq-opt mpq-translate mpq-run mpq-compile \
  mpq-codegen mpq-qemu-insn-count mpq-fuzz-npy mpq-fuzz-onnx mpq-fuzz-mlir-run >&2

# A report aborts (a signal), so lit's `not` cannot mistake it for the
# expected exit code 1.
export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=0:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer

# Negative tests: files that feed bad input (errors, invalid IR, hardening).
mapfile -t tests < <(cd test && grep -rlE '^(//|;) RUN: (not |.*\| *not )' \
  --include='*.mlir' --include='*.test' . | sort)
echo "sanitize: ${#tests[@]} negative lit test files" >&2
status=0
/usr/lib/llvm-22/bin/lit -sv "${tests[@]/#/$BUILD/test/}" || status=1

# Every corpus input once (libFuzzer runs the files given and exits).
for h in npy onnx mlir-run; do
  n=$(ls tools/fuzzers/corpus/$h | wc -l)
  echo "sanitize: mpq-fuzz-$h on $n corpus inputs" >&2
  "$BUILD/bin/mpq-fuzz-$h" -rss_limit_mb=4096 tools/fuzzers/corpus/$h/* \
    >"$BUILD/fuzz-$h.log" 2>&1 || { status=1; tail -40 "$BUILD/fuzz-$h.log" >&2; }
done
if [ $status -eq 0 ]; then
  echo "sanitize: passed (no sanitizer report)"
else
  echo "sanitize: FAILED" >&2
fi
exit $status
