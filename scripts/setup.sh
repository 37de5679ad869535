#!/usr/bin/env bash
# Installs what mpq needs on a fresh Debian 12 machine (only what is missing),
# then configures and builds into ./build. Safe to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  # compiler infrastructure (LLVM/MLIR 22, pinned: the image also has 14)
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  cmake ninja-build
  # ONNX import, reference executor, unit tests
  libonnx-dev libprotobuf-dev protobuf-compiler libeigen3-dev libgtest-dev
  # running AArch64 and RISC-V code without the hardware (qemu-user has
  # qemu-aarch64 and qemu-riscv64; cross C libraries)
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
  # sanitizer and libFuzzer runtimes (scripts/sanitize.sh, scripts/fuzz.sh)
  libclang-rt-22-dev
  # data and conformance suites from outside the project
  libonnx-testdata dataset-fashion-mnist
  # scripts (Debian's interpreter, /usr/bin/python3)
  python3-numpy python3-onnx
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# ONNX Runtime comes from npm; use the machine's node/npm if it has them
# (they need not be Debian's), else Debian's.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -f /usr/lib/llvm-22/lib/cmake/mlir/MLIRConfig.cmake ]; then
  echo "setup: MLIR 22 not found at /usr/lib/llvm-22 (apt-get install libmlir-22-dev mlir-22-tools)" >&2
  exit 1
fi

# ONNX Runtime, the independent float reference for tests (CPU build, no
# download at install time).
if [ ! -d build/ort/node_modules/onnxruntime-node ] && command -v npm >/dev/null; then
  echo "setup: npm install onnxruntime-node" >&2
  mkdir -p build/ort
  (cd build/ort && npm install --ignore-scripts --no-audit --no-fund --silent onnxruntime-node >&2) ||
    echo "setup: warning: onnxruntime-node could not be installed; the ort-compare test will fail" >&2
fi

if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_ENABLE_LLD=ON >&2
fi
ninja -C build -j2 >&2
