#!/usr/bin/env bash
# Sets up, builds and runs every test: lit (IR, importer, executor), unit
# tests, ONNX's node conformance suite and the ONNX Runtime comparison.
# Closes with ctest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure
