#!/usr/bin/env bash
# The main job on a bundled example: import the Fashion-MNIST CNN from ONNX,
# run it in the reference executor on the bundled test images and print its
# top-1 accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out=build/demo
mkdir -p "$out"
for m in plain_cnn res_cnn dw_cnn; do
  build/bin/mpq-translate --import-onnx examples/models/$m.onnx -o $out/$m.mlir
  printf '%-10s float  ' "$m"
  build/bin/mpq-run $out/$m.mlir -i examples/data/test_images_256.npy \
    -o $out/$m.logits.npy --labels examples/data/test_labels_256.npy
done
echo "IR and logits are in $out/"
