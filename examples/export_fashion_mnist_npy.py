#!/usr/bin/python3
"""Write the full Fashion-MNIST test set (10k) as normalised .npy files.

Usage:
    /usr/bin/python3 examples/export_fashion_mnist_npy.py OUT_DIR [--split t10k|train]

Writes OUT_DIR/<split>_images.npy (float32 [N,1,28,28], normalised as
((x/255) - 0.2860) / 0.3530, see fmnist.py) and OUT_DIR/<split>_labels.npy
(int64 [N]). Intended for benchmarks; the outputs are not committed.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import fmnist  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir", help="output directory (created if missing)")
    ap.add_argument("--split", default="t10k", choices=["t10k", "train"])
    ap.add_argument("--data-dir", default=fmnist.DATA_DIR)
    args = ap.parse_args()

    images, labels = fmnist.load(args.split, args.data_dir)
    os.makedirs(args.out_dir, exist_ok=True)
    img_path = os.path.join(args.out_dir, "%s_images.npy" % args.split)
    lbl_path = os.path.join(args.out_dir, "%s_labels.npy" % args.split)
    np.save(img_path, images)
    np.save(lbl_path, labels)
    print("wrote %s %s %s" % (img_path, images.shape, images.dtype))
    print("wrote %s %s %s" % (lbl_path, labels.shape, labels.dtype))


if __name__ == "__main__":
    main()
