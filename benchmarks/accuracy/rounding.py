#!/usr/bin/python3
"""Weight rounding modes on held-out training images (never the test set).

For each bundled model and W2/W3/W4/W8 (A8, mmse clipping, per-channel):
  auto     --rounding auto (the default: per layer, the least measured output
           error among {GPTQ, nearest} x {with, without bias correction})
  gptq+bc  --rounding gptq (the default before auto)
  plain    --rounding nearest --bias-correction=false (plain per-channel
           MSE clipping and round-to-nearest)
compiled by mpq-compile on the 512 bundled calibration images, top-1 by
mpq-run on 10,000 held-out Fashion-MNIST training images
(benchmarks/accuracy/heldout.py). Writes benchmarks/out/rounding.json and
benchmarks/out/rounding.md.

Usage: benchmarks/accuracy/rounding.py [--build build] [--models a,b]
       [--bits 2,3,4,8]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODES = [("auto", ["--rounding", "auto"]),
         ("gptq+bc", ["--rounding", "gptq"]),
         ("plain", ["--rounding", "nearest", "--bias-correction=false"])]


def top1(bindir, mlir, images, labels):
    out = subprocess.run([os.path.join(bindir, "mpq-run"), mlir, "-i", images,
                          "--labels", labels], check=True,
                         capture_output=True, text=True).stdout
    return float(re.search(r"top-1: ([0-9.]+)", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="plain_cnn,res_cnn,dw_cnn")
    ap.add_argument("--bits", default="2,3,4,8")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    val = os.path.join(a.out, "heldout")
    images = os.path.join(val, "val_images.npy")
    labels = os.path.join(val, "val_labels.npy")
    if not os.path.exists(labels):
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "benchmarks", "accuracy",
                                     "heldout.py"), val], check=True)
    calib = os.path.join(ROOT, "examples", "data", "calib_images_512.npy")
    models = a.models.split(",")
    bits = [int(b) for b in a.bits.split(",")]
    results = {}
    t0 = time.time()
    for name in models:
        onnx = os.path.join(ROOT, "examples", "models", name + ".onnx")
        work = os.path.join(a.out, "work-rounding", name)
        os.makedirs(work, exist_ok=True)
        fmlir = os.path.join(work, "float.mlir")
        subprocess.run([os.path.join(bindir, "mpq-translate"), "--import-onnx",
                        onnx, "-o", fmlir], check=True)
        entry = {"float": top1(bindir, fmlir, images, labels), "runs": []}
        print(f"{name} float: {entry['float']:.4f}", file=sys.stderr)
        for w in bits:
            for mode, flags in MODES:
                od = os.path.join(work, f"w{w}a8-{mode}")
                start = time.time()
                subprocess.run([os.path.join(bindir, "mpq-compile"), onnx,
                                "-o", od, "--calib", calib, "--weight-bits",
                                str(w), "--act-bits", "8"] + flags,
                               check=True, capture_output=True)
                secs = time.time() - start
                acc = top1(bindir, os.path.join(od, "model.mlir"), images,
                           labels)
                entry["runs"].append({"weight_bits": w, "mode": mode,
                                      "top1": acc,
                                      "compile_seconds": round(secs, 1)})
                print(f"{name} W{w}A8 {mode}: {acc:.4f} "
                      f"({100 * (acc - entry['float']):+.2f} pt, "
                      f"{secs:.0f} s)", file=sys.stderr)
        results[name] = entry
    results["_meta"] = {"seconds": round(time.time() - t0, 1),
                        "date": time.strftime("%Y-%m-%d"),
                        "heldout_images": 10000, "calibration_images": 512,
                        "command": "benchmarks/accuracy/rounding.py"}
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "rounding.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = ["| model | float | " + " | ".join(
        f"W{w}A8 {m}" for w in bits for m, _ in MODES) + " |",
        "|---|---|" + "---|" * (len(bits) * len(MODES))]
    for name in models:
        e = results[name]
        by = {(r["weight_bits"], r["mode"]): r["top1"] for r in e["runs"]}
        lines.append(f"| {name} | {100 * e['float']:.2f} | " + " | ".join(
            f"{100 * by[(w, m)]:.2f}" for w in bits for m, _ in MODES) + " |")
    with open(os.path.join(a.out, "rounding.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
