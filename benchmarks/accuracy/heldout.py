#!/usr/bin/python3
"""Held-out selection set: 10,000 Fashion-MNIST training images that are not
in examples/data/calib_images_512.npy (seed 7), for choosing quantization
methods without looking at the test set.

Usage: benchmarks/accuracy/heldout.py OUT_DIR
Writes OUT_DIR/val_images.npy and OUT_DIR/val_labels.npy; then e.g.
  build/bin/mpq-compile examples/models/dw_cnn.onnx -o /tmp/dw4 \\
      --calib examples/data/calib_images_512.npy --weight-bits 4
  build/bin/mpq-run /tmp/dw4/model.mlir -i OUT_DIR/val_images.npy \\
      --labels OUT_DIR/val_labels.npy
"""
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import numpy as np  # noqa: E402

import fmnist  # noqa: E402


def main():
    out = sys.argv[1]
    x, y = fmnist.load("train")
    calib = np.load(os.path.join(ROOT, "examples", "data",
                                 "calib_images_512.npy"))
    seen = {a.tobytes() for a in calib}
    keep = np.array([i for i in range(len(x)) if x[i].tobytes() not in seen])
    sel = np.sort(np.random.default_rng(7).choice(keep, 10000, replace=False))
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "val_images.npy"), x[sel])
    np.save(os.path.join(out, "val_labels.npy"), y[sel])
    print("wrote %d held-out images (%d calibration images excluded)"
          % (len(sel), len(x) - len(keep)))


if __name__ == "__main__":
    main()
