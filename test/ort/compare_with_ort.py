#!/usr/bin/python3
"""Compares mpq-run's float outputs with ONNX Runtime's on the bundled
example models and test images. Fails if any element differs by more than
1e-4 (absolute, or relative for large values).

Usage: compare_with_ort.py --bin BUILD/bin --ort-modules DIR/node_modules
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

TOL = 1e-4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--ort-modules", required=True)
    ap.add_argument("--examples", default=os.path.join(
        os.path.dirname(__file__), "..", "..", "examples"))
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    models = sorted(glob.glob(os.path.join(a.examples, "models", "*.onnx")))
    images = os.path.join(a.examples, "data", "test_images_256.npy")
    if not models or not os.path.exists(images):
        print("error: no bundled models or test images under " + a.examples)
        sys.exit(2)
    env = dict(os.environ, NODE_PATH=a.ort_modules)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for m in models:
            name = os.path.splitext(os.path.basename(m))[0]
            mlir = os.path.join(tmp, name + ".mlir")
            ours = os.path.join(tmp, name + ".mpq.npy")
            subprocess.run([os.path.join(a.bin, "mpq-translate"),
                            "--import-onnx", m, "-o", mlir], check=True)
            subprocess.run([os.path.join(a.bin, "mpq-run"), mlir, "-i",
                            images, "-o", ours], check=True)
            subprocess.run(["node", os.path.join(here, "run_ort.js"), m,
                            tmp, images], check=True, env=env)
            x, y = np.load(ours), np.load(os.path.join(tmp, "out0.npy"))
            err = np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y)))
            ok = x.shape == y.shape and err <= TOL
            agree = np.mean(np.argmax(x, -1) == np.argmax(y, -1))
            print(f"{'PASS' if ok else 'FAIL'} {name}: {x.shape[0]} images, "
                  f"max error {err:.2e} (tolerance {TOL}), "
                  f"top-1 agreement {agree:.4f}")
            passed += ok
            failed += not ok
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
