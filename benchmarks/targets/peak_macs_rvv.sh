#!/usr/bin/env bash
# Peak int8 MACs/cycle of the RVV 1.0 widening multiply-accumulate mpq's RISC-V
# kernel is built from, from LLVM 22's SpacemiT X60 scheduling model
# (llvm-mca; VLEN 256 in the model): 32 vwmacc.vx per iteration (8
# accumulators), steady-state throughput, for the vector lengths the
# generated code uses. Fills `macs_per_cycle` of targets/rv64gcv.yaml
# (16 lanes at LMUL 1, i.e. VLEN 128) and targets/spacemit-x60.yaml
# (VLMAX at LMUL 1, 32 lanes).
# Usage: benchmarks/targets/peak_macs_rvv.sh
set -euo pipefail
MCA=/usr/lib/llvm-22/bin/llvm-mca
# label | vsetvli line | lanes
CONFIGS=(
  "16 lanes, e8 m1|vsetivli zero, 16, e8, m1, ta, ma|16"
  "16 lanes, e8 mf2|vsetivli zero, 16, e8, mf2, ta, ma|16"
  "32 lanes (VLMAX), e8 m1|vsetvli zero, zero, e8, m1, ta, ma|32"
)
printf '%-26s %8s %12s\n' config cycles/insn MACs/cycle
for c in "${CONFIGS[@]}"; do
  IFS='|' read -r label vset lanes <<<"$c"
  asm=$(printf '%s\n' "$vset"; for r in 1 2 3 4; do for i in 0 1 2 3 4 5 6 7; do
          printf '  vwmacc.vx v%d, a%d, v%d\n' $((8 + 2 * i)) "$i" "$r"; done; done)
  out=$(printf '%s\n' "$asm" | $MCA -mtriple=riscv64 -mcpu=spacemit-x60 -iterations=1000 2>/dev/null)
  cycles=$(awk '/^Total Cycles:/ {print $3}' <<<"$out")
  # one vsetvli per 32 vwmacc; cycles are per vwmacc
  printf '%-26s %8.2f %12.1f\n' "$label" "$(awk -v c="$cycles" 'BEGIN {print c/32000}')" \
    "$(awk -v c="$cycles" -v l="$lanes" 'BEGIN {print 32000*l/c}')"
done
