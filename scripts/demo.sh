#!/usr/bin/env bash
# The main job on the bundled examples: import each Fashion-MNIST CNN from
# ONNX, run it in float, compile it to W8A8 and W4A8 integer modules with
# mpq-compile (calibrated on 512 bundled training images), run those bit-exact
# in mpq-run, and print top-1 accuracy on the 256 bundled test images with
# the model size of each precision.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out=build/demo
mkdir -p "$out"
images=examples/data/test_images_256.npy
labels=examples/data/test_labels_256.npy
calib=examples/data/calib_images_512.npy
top1() { build/bin/mpq-run "$1" -i $images --labels $labels | sed -n 's/^top-1: \([0-9.]*\).*/\1/p'; }
size() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }
printf '\n%-10s %-6s %9s %12s\n' model config top-1 "size (B)"
for m in plain_cnn res_cnn dw_cnn; do
  build/bin/mpq-translate --import-onnx examples/models/$m.onnx -o $out/$m.float.mlir
  for wb in 8 4; do
    build/bin/mpq-compile examples/models/$m.onnx -o $out/$m.w${wb}a8 \
      --calib $calib --weight-bits $wb --act-bits 8 2>/dev/null
  done
  printf '%-10s %-6s %9s %12s\n' $m float "$(top1 $out/$m.float.mlir)" \
    "$(size $out/$m.w8a8/report.json float_model_size_bytes)"
  for wb in 8 4; do
    printf '%-10s %-6s %9s %12s\n' $m W${wb}A8 "$(top1 $out/$m.w${wb}a8/model.mlir)" \
      "$(size $out/$m.w${wb}a8/report.json model_size_bytes)"
  done
done
echo "Modules and reports are in $out/ (model.mlir runs with build/bin/mpq-run)."
