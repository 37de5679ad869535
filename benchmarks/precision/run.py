#!/usr/bin/python3
"""Size against top-1 of --assign-precision on a bundled Fashion-MNIST model.

For each model: import the ONNX file, calibrate on the 512 bundled training
images (examples/data/calib_images_512.npy), then
  - uniform W{2,3,4,6,8}A8, and
  - --assign-precision strategy=S at each average-weight-bits budget,
quantize (--mpq-quantize with the same rounding the search measured,
default auto, on the calibration images; per-channel MMSE clipping, bias
correction; the same for every row) and measure top-1 on the Fashion-MNIST
test images with mpq-run (bit-exact integer semantics). The sensitivity set
of the search is drawn from the TRAINING images that are not calibration
images (seed 11), never from the test set.

Writes benchmarks/out/precision.json and benchmarks/out/precision.md.

The helpers (data splits, import, search + quantize, mpq-run) are shared
with benchmarks/pareto/run.py and benchmarks/pareto/claims.py.

Usage: benchmarks/precision/run.py [--build build] [--models plain_cnn]
           [--strategies clado] [--budgets 2.5,3,4] [--sens-samples 256]
           [--test-samples 10000] [--rounding auto]
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
SENS_SEED = 11


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), p.stderr[-4000:]))
    return p


def tool(build, name):
    return os.path.join(build, "bin", name)


def top1(build, module, x, y, logits=None):
    """Top-1 (0..1) of `module` in mpq-run; also writes the logits (output
    0) to `logits` if given."""
    cmd = [tool(build, "mpq-run"), module, "-i", x, "--labels", y]
    if logits:
        cmd += ["-o", logits]
    out = run(cmd).stdout
    return float(re.search(r"top-1: ([0-9.]+)", out).group(1))


def cross_entropy(logits, labels):
    """Per-sample cross-entropy of softmax(logits) against labels."""
    z = logits.astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1))
    return lse - z[np.arange(len(labels)), labels]


def training_pool(exclude=()):
    """Training images and labels, and the indices of those that are not
    calibration images and not in `exclude`."""
    x, y = fmnist.load("train")
    seen = {a.tobytes() for a in np.load(CALIB)}
    drop = set(int(i) for i in exclude)
    keep = np.array([i for i in range(len(x))
                     if i not in drop and x[i].tobytes() not in seen])
    return x, y, keep


def prepare(work, sens_samples, test_samples, heldout_samples=0,
            sens_seed=SENS_SEED):
    """Writes the data splits under `work` and returns their paths:
    sens_x/sens_y (training images that are not calibration images, seed
    `sens_seed`), heldout_x/heldout_y (further training images outside both,
    seed sens_seed + 1; only if heldout_samples > 0), test_x/test_y (the
    first `test_samples` test images)."""
    os.makedirs(work, exist_ok=True)
    paths = {}
    x, y, keep = training_pool()
    sel = np.random.default_rng(sens_seed).choice(keep, sens_samples,
                                                  replace=False)
    for name, idx in [("sens", sel)]:
        paths[name + "_x"] = os.path.join(work, name + "_x.npy")
        paths[name + "_y"] = os.path.join(work, name + "_y.npy")
        np.save(paths[name + "_x"], x[idx])
        np.save(paths[name + "_y"], y[idx].astype(np.int64))
    if heldout_samples:
        rest = np.setdiff1d(keep, sel)
        hsel = np.random.default_rng(sens_seed + 1).choice(
            rest, heldout_samples, replace=False)
        paths["heldout_x"] = os.path.join(work, "heldout_x.npy")
        paths["heldout_y"] = os.path.join(work, "heldout_y.npy")
        np.save(paths["heldout_x"], x[hsel])
        np.save(paths["heldout_y"], y[hsel].astype(np.int64))
    xt, yt = fmnist.load("t10k")
    paths["test_x"] = os.path.join(work, "test_x.npy")
    paths["test_y"] = os.path.join(work, "test_y.npy")
    np.save(paths["test_x"], xt[:test_samples])
    np.save(paths["test_y"], yt[:test_samples].astype(np.int64))
    return paths


def import_model(build, work, model, calibrate=False):
    """Imports examples/models/MODEL.onnx to WORK/MODEL.mlir; with
    `calibrate`, also folds the flatten transpose and calibrates on the
    bundled calibration images (WORK/MODEL.calib.mlir, returned)."""
    fl = os.path.join(work, model + ".mlir")
    run([tool(build, "mpq-translate"), "--import-onnx",
         os.path.join(ROOT, "examples", "models", model + ".onnx"),
         "-o", fl])
    if not calibrate:
        return fl
    cal = os.path.join(work, model + ".calib.mlir")
    run([tool(build, "mpq-opt"), fl, "--mpq-fold-flatten-transpose",
         "--mpq-calibrate=data=%s" % CALIB, "-o", cal])
    return cal


def assign(build, module, spec, out, rounding="auto", calibrated=False):
    """--assign-precision=SPEC (measuring with `rounding`) on `module`,
    written to `out` with #mpq.precision on every layer. `module` is a float
    import, or already calibrated if `calibrated`. Returns the search's
    figures parsed from its stderr and report (mpq.search)."""
    cmd = [tool(build, "mpq-opt"), module]
    if not calibrated:
        cmd += ["--mpq-fold-flatten-transpose",
                "--mpq-calibrate=data=%s" % CALIB]
    t0 = time.time()
    p = run(cmd + ["--assign-precision=%s rounding=%s" % (spec, rounding),
                   "-o", out])
    wall = time.time() - t0
    size = re.search(r"size ([0-9.]+) bytes, average weight bits "
                     r"([0-9.]+)", p.stderr)
    layout = re.findall(r"assign-precision: (\S+): (W\dA\d)", p.stderr)
    r = {
        "size_bytes": float(size.group(1)),
        "avg_weight_bits": float(size.group(2)),
        "layout": " ".join(w for _, w in layout),
        "search_seconds": round(wall, 1),
    }
    loss = re.search(r"assign-precision: loss ([-0-9.e+naninf]+) \(float "
                     r"([-0-9.e+]+)\), ([0-9]+) evaluations", p.stderr)
    if loss:
        r["sens_loss"] = float(loss.group(1))
        r["sens_float_loss"] = float(loss.group(2))
        r["evaluations"] = int(loss.group(3))
    with open(out) as f:
        head = f.read(200000)
    for key in ("predicted_latency_us", "predicted_cycles",
                "cross_term_ratio", "lambda_min_before_psd"):
        m = re.search(key + r" = ([-0-9.e+]+)", head)
        if m:
            r[key] = float(m.group(1))
    return r


def quantize(build, module, out, rounding="auto"):
    """--mpq-quantize with `rounding` on the calibration images (what
    mpq-compile does) on a module with #mpq.precision; returns seconds."""
    t0 = time.time()
    run([tool(build, "mpq-opt"), module,
         "--mpq-quantize=data=%s rounding=%s" % (CALIB, rounding), "-o",
         out])
    return round(time.time() - t0, 1)


def search(build, module, spec, out, rounding="auto", calibrated=False):
    """assign() then quantize() into `out`."""
    r = assign(build, module, spec, out + ".assigned.mlir", rounding,
               calibrated)
    r["quantize_seconds"] = quantize(build, out + ".assigned.mlir", out,
                                     rounding)
    os.remove(out + ".assigned.mlir")
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="plain_cnn")
    ap.add_argument("--strategies", default="clado")
    ap.add_argument("--budgets", default="2.5,3,4")
    ap.add_argument("--sens-samples", type=int, default=256)
    ap.add_argument("--test-samples", type=int, default=10000)
    ap.add_argument("--rounding", default="auto",
                    choices=["auto", "nearest", "gptq"])
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(args.out, "precision")
    d = prepare(work, args.sens_samples, args.test_samples)

    rows = []
    for model in args.models.split(","):
        fl = import_model(args.build, work, model)
        float_top1 = top1(args.build, fl, d["test_x"], d["test_y"])
        configs = [("uniform", "avg-weight-bits:%d" % b, str(b))
                   for b in (8, 6, 4, 3, 2)]
        configs += [(s, "avg-weight-bits:%s" % b, "2,3,4,6,8")
                    for s in args.strategies.split(",")
                    for b in args.budgets.split(",")]
        for strategy, budget, widths in configs:
            q = os.path.join(work, "%s-%s-%s.mlir" % (model, strategy,
                                                      budget.split(":")[1]))
            assign = ("strategy=%s budget=%s weight-bits=%s data=%s "
                      "labels=%s" % (strategy, budget, widths, d["sens_x"],
                                     d["sens_y"]))
            row = {"model": model, "strategy": strategy, "budget": budget}
            row.update(search(args.build, fl, assign, q, args.rounding))
            row["top1"] = top1(args.build, q, d["test_x"], d["test_y"])
            row["float_top1"] = float_top1
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
