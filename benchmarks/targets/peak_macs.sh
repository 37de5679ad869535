#!/usr/bin/env bash
# Peak int8 MACs/cycle of the AArch64 instructions mpq's kernels are built
# from, per CPU, from LLVM 22's scheduling models (llvm-mca): a loop of 16
# independent accumulations (no dependency chains), steady-state throughput.
# These numbers fill the `macs_per_cycle` fields of targets/*.yaml.
# Usage: benchmarks/targets/peak_macs.sh
set -euo pipefail
MCA=/usr/lib/llvm-22/bin/llvm-mca
# kind | -mattr | instruction (16 copies, accumulators v0..v15) | MACs each
KERNELS=(
  "int8-sdot|+dotprod|sdot v%d.4s, v16.16b, v17.16b|16"
  "int8-smmla|+i8mm|smmla v%d.4s, v16.16b, v17.16b|32"
  "int8-smlal|+neon|smlal v%d.8h, v16.8b, v17.8b|8"
  "int8-smlal2|+neon|smlal2 v%d.8h, v16.16b, v17.16b|8"
)
CPUS=(cortex-a53 cortex-a55 neoverse-n1 cortex-a76 neoverse-v1 neoverse-n2 cortex-a710)
printf '%-12s %-12s %8s %12s\n' cpu kernel IPC MACs/cycle
for cpu in "${CPUS[@]}"; do
  for k in "${KERNELS[@]}"; do
    IFS='|' read -r kind attr insn macs <<<"$k"
    asm=$(for i in $(seq 0 15); do printf "  $insn\n" "$i"; done)
    out=$(printf '%s\n' "$asm" | $MCA -mtriple=aarch64 -mcpu="$cpu" -mattr="$attr" \
          -iterations=200 2>/dev/null) || { printf '%-12s %-12s %8s\n' "$cpu" "$kind" "n/a"; continue; }
    ipc=$(awk '/^IPC:/ {print $2}' <<<"$out")
    printf '%-12s %-12s %8s %12.1f\n' "$cpu" "$kind" "$ipc" "$(awk -v i="$ipc" -v m="$macs" 'BEGIN {print i*m}')"
  done
done
