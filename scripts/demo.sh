#!/usr/bin/env bash
# The main job on the bundled examples: import each Fashion-MNIST CNN from
# ONNX, run it in float, compile it to W8A8 and W4A8 integer modules and
# AArch64 objects with mpq-compile --target cortex-a76 (calibrated on 512
# bundled training images), run the modules bit-exact in mpq-run and the
# objects, linked into examples/deploy, under qemu-aarch64, and print top-1
# accuracy on the 256 bundled test images, the model size of each precision
# and whether the generated code matches the reference bit for bit.
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
# The AArch64 artifacts run under qemu-aarch64 (no ARM hardware here).
app_top1() {  # DIR: link model.o with the deploy example, run, top-1 + exactness
  /usr/lib/llvm-22/bin/clang --target=aarch64-linux-gnu -O2 -static \
    --gcc-toolchain=/usr -fuse-ld=lld -I"$1" examples/deploy/main.c "$1/model.o" -o "$1/app"
  qemu-aarch64 -cpu cortex-a76 "$1/app" $images "$1/y_aarch64.npy"
  build/bin/mpq-run "$1/model.mlir" -i $images -o "$1/y_ref.npy" >/dev/null
  /usr/bin/python3 -c "
import numpy as np, sys
a, r, l = (np.load(f) for f in sys.argv[1:4])
print('%.2f%% %s' % (100 * (a.argmax(1) == l).mean(),
      'yes' if (a.view(np.uint32) == r.view(np.uint32)).all() else 'NO'))" \
    "$1/y_aarch64.npy" "$1/y_ref.npy" $labels
}
printf '\n%-10s %-6s %9s %12s %12s %10s\n' model config top-1 "size (B)" "A76 top-1" "bit-exact"
for m in plain_cnn res_cnn dw_cnn; do
  build/bin/mpq-translate --import-onnx examples/models/$m.onnx -o $out/$m.float.mlir
  for wb in 8 4; do
    build/bin/mpq-compile examples/models/$m.onnx -o $out/$m.w${wb}a8 \
      --calib $calib --weight-bits $wb --act-bits 8 --target cortex-a76 2>/dev/null
  done
  printf '%-10s %-6s %9s %12s\n' $m float "$(top1 $out/$m.float.mlir)" \
    "$(size $out/$m.w8a8/report.json float_model_size_bytes)"
  for wb in 8 4; do
    read -r a76 exact <<<"$(app_top1 $out/$m.w${wb}a8)"
    printf '%-10s %-6s %9s %12s %12s %10s\n' $m W${wb}A8 "$(top1 $out/$m.w${wb}a8/model.mlir)" \
      "$(size $out/$m.w${wb}a8/report.json model_size_bytes)" "$a76" "$exact"
  done
done
echo "Modules, reports and AArch64 objects (model.o, model.h) are in $out/."
