#!/usr/bin/env bash
# RISC-V demo: compiles the bundled plain_cnn at W4A8 for rv64gcv (the
# VLEN-agnostic RVV kernel), links it into examples/deploy, runs the one
# object under qemu-riscv64 at VLEN 128, 256 and 512 on the 256 bundled test
# images and compares the outputs with the reference executor (mpq-run) bit
# for bit. Needs a build (scripts/demo.sh makes one) and qemu-user with the
# riscv64 cross C library (scripts/setup.sh installs them).
# Usage: scripts/demo-rvv.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${1:-$ROOT/build}" && pwd)/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DATA=$ROOT/examples/data
"$BIN/mpq-compile" "$ROOT/examples/models/plain_cnn.onnx" -o "$WORK/art" \
  --calib "$DATA/calib_images_512.npy" --samples 128 --weight-bits 4 \
  --target rv64gcv
/usr/bin/python3 "$ROOT/test/Codegen/Inputs/run_e2e.py" --arch riscv64 \
  --bin "$BIN" --src "$ROOT" --work "$WORK/run" --targets rv64gcv \
  --compiled "$WORK/art" --model "$WORK/art/model.mlir" \
  --input "$DATA/test_images_256.npy" --name plain_cnn-w4
