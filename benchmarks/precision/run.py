#!/usr/bin/python3
"""Size against top-1 of --assign-precision on a bundled Fashion-MNIST model.

For each model: import the ONNX file, calibrate on the 512 bundled training
images (examples/data/calib_images_512.npy), then
  - uniform W{2,3,4,6,8}A8, and
  - --assign-precision strategy=S at each average-weight-bits budget,
quantize (--mpq-quantize defaults: per-channel MMSE, round to nearest, bias
correction; the same for every row) and measure top-1 on the Fashion-MNIST
test images with mpq-run (bit-exact integer semantics). The sensitivity set
of the search is drawn from the TRAINING images that are not calibration
images (seed 11), never from the test set.

Writes benchmarks/out/precision.json and benchmarks/out/precision.md.

Usage: benchmarks/precision/run.py [--build build] [--models plain_cnn]
           [--strategies clado] [--budgets 2.5,3,4] [--sens-samples 256]
           [--test-samples 10000]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import numpy as np  # noqa: E402

import fmnist  # noqa: E402

CALIB = os.path.join(ROOT, "examples", "data", "calib_images_512.npy")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-4000:]))
    return p


def top1(build, module, x, y):
    out = run([os.path.join(build, "bin", "mpq-run"), module, "-i", x,
               "--labels", y]).stdout
    m = re.search(r"top-1: ([0-9.]+)", out)
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="plain_cnn")
    ap.add_argument("--strategies", default="clado")
    ap.add_argument("--budgets", default="2.5,3,4")
    ap.add_argument("--sens-samples", type=int, default=256)
    ap.add_argument("--test-samples", type=int, default=10000)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(args.out, "precision")
    os.makedirs(work, exist_ok=True)

    # Sensitivity set: training images that are not calibration images.
    x, y = fmnist.load("train")
    seen = {a.tobytes() for a in np.load(CALIB)}
    keep = np.array([i for i in range(len(x)) if x[i].tobytes() not in seen])
    sel = np.random.default_rng(11).choice(keep, args.sens_samples,
                                           replace=False)
    sens_x, sens_y = (os.path.join(work, "sens_x.npy"),
                      os.path.join(work, "sens_y.npy"))
    np.save(sens_x, x[sel])
    np.save(sens_y, y[sel].astype(np.int64))
    xt, yt = fmnist.load("t10k")
    test_x, test_y = (os.path.join(work, "test_x.npy"),
                      os.path.join(work, "test_y.npy"))
    np.save(test_x, xt[:args.test_samples])
    np.save(test_y, yt[:args.test_samples].astype(np.int64))

    opt = os.path.join(args.build, "bin", "mpq-opt")
    rows = []
    for model in args.models.split(","):
        fl = os.path.join(work, model + ".mlir")
        run([os.path.join(args.build, "bin", "mpq-translate"),
             "--import-onnx", os.path.join(ROOT, "examples", "models",
                                           model + ".onnx"), "-o", fl])
        float_top1 = top1(args.build, fl, test_x, test_y)
        configs = [("uniform", "avg-weight-bits:%d" % b, str(b))
                   for b in (8, 6, 4, 3, 2)]
        configs += [(s, "avg-weight-bits:%s" % b, "2,3,4,6,8")
                    for s in args.strategies.split(",")
                    for b in args.budgets.split(",")]
        for strategy, budget, widths in configs:
            q = os.path.join(work, "%s-%s-%s.mlir" % (model, strategy,
                                                      budget.split(":")[1]))
            assign = ("strategy=%s budget=%s weight-bits=%s data=%s "
                      "labels=%s" % (strategy, budget, widths, sens_x,
                                     sens_y))
            t0 = time.time()
            p = run([opt, fl, "--mpq-fold-flatten-transpose",
                     "--mpq-calibrate=data=%s" % CALIB,
                     "--assign-precision=%s" % assign, "--mpq-quantize",
                     "-o", q])
            wall = time.time() - t0
            size = re.search(r"size ([0-9.]+) bytes, average weight bits "
                             r"([0-9.]+)", p.stderr)
            layout = re.findall(r"assign-precision: (\S+): (W\dA\d)",
                                p.stderr)
            row = {
                "model": model, "strategy": strategy, "budget": budget,
                "size_bytes": float(size.group(1)),
                "avg_weight_bits": float(size.group(2)),
                "layout": " ".join(w for _, w in layout),
                "top1": top1(args.build, q, test_x, test_y),
                "float_top1": float_top1,
                "search_seconds": round(wall, 1),
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    with open(os.path.join(args.out, "precision.json"), "w") as f:
        json.dump(rows, f, indent=1)
    with open(os.path.join(args.out, "precision.md"), "w") as f:
        f.write("| model | strategy | budget | avg weight bits | size (bytes)"
                " | layout | top-1 | float top-1 | wall (s) |\n")
        f.write("|---|---|---|---|---|---|---|---|---|\n")
        for r in rows:
            f.write("| %s | %s | %s | %.3f | %.0f | %s | %.4f | %.4f | %.0f |"
                    "\n" % (r["model"], r["strategy"], r["budget"],
                            r["avg_weight_bits"], r["size_bytes"],
                            r["layout"], r["top1"], r["float_top1"],
                            r["search_seconds"]))


if __name__ == "__main__":
    main()
