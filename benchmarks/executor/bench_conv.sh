#!/usr/bin/env bash
# Times the reference executor on the bundled Fashion-MNIST CNNs over 10,000
# images: import each ONNX model, run mpq-run with 1 thread and with all
# hardware threads, print wall time, images/s and the per-op profile.
#
# Usage: benchmarks/executor/bench_conv.sh [BUILD_DIR] [MODELS...]
#   BUILD_DIR defaults to ./build; MODELS to plain_cnn res_cnn dw_cnn.
# Uses the real 10k test set when Debian's dataset-fashion-mnist is
# installed, otherwise the 256 bundled test images repeated to 10,000.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
shift || true
models=("$@")
((${#models[@]})) || models=(plain_cnn res_cnn dw_cnn)
bin=$build/bin
out=$build/bench/executor
mkdir -p "$out"

images=$out/t10k_images.npy
labels=$out/t10k_labels.npy
if [ ! -f "$images" ]; then
  if [ -d /usr/share/datasets/fashion-mnist ]; then
    /usr/bin/python3 examples/export_fashion_mnist_npy.py "$out" >/dev/null
  else
    /usr/bin/python3 - "$out" <<'PY'
import sys, numpy as np
x = np.load("examples/data/test_images_256.npy")
y = np.load("examples/data/test_labels_256.npy")
reps = -(-10000 // len(x))
np.save(sys.argv[1] + "/t10k_images.npy", np.tile(x, (reps, 1, 1, 1))[:10000])
np.save(sys.argv[1] + "/t10k_labels.npy", np.tile(y, reps)[:10000])
PY
  fi
fi

threads=$(nproc)
echo "host: $(nproc) hardware threads, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
for m in "${models[@]}"; do
  "$bin/mpq-translate" --import-onnx "examples/models/$m.onnx" -o "$out/$m.mlir"
  for t in 1 "$threads"; do
    start=$(date +%s.%N)
    acc=$("$bin/mpq-run" "$out/$m.mlir" -i "$images" --labels "$labels" \
      --num-threads "$t" --profile 2>"$out/$m.t$t.profile")
    end=$(date +%s.%N)
    /usr/bin/python3 -c "import sys; s = float(sys.argv[2]) - float(sys.argv[1]); print('%-10s threads=%-2s %6.2f s  %7.0f images/s  %s' % (sys.argv[3], sys.argv[4], s, 10000 / s, sys.argv[5]))" \
      "$start" "$end" "$m" "$t" "$acc"
  done
  grep -v 'samples$' "$out/$m.t$threads.profile" | sed 's/^/    /'
done
