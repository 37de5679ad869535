#!/usr/bin/python3
"""Evaluations per second of the precision search's loss evaluator.

For each bundled model: import, fold, calibrate on the 512 bundled
calibration images, then mpq-opt --mpq-bench-evaluator on 1024 held-out
training images (benchmarks/accuracy/heldout.py): evaluations per second
with the first layer changed (the whole network re-runs) and with the last
layer changed (the suffix engine re-runs only the end of the network, from
cached activations). Writes benchmarks/out/engine.json and engine.md.

Usage: benchmarks/precision/engine.py [--build build] [--models a,b]
       [--samples 1024] [--seconds 5]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="plain_cnn,res_cnn,dw_cnn")
    ap.add_argument("--samples", type=int, default=1024)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    val = os.path.join(a.out, "heldout")
    images = os.path.join(val, "val_images.npy")
    if not os.path.exists(images):
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "benchmarks", "accuracy",
                                     "heldout.py"), val], check=True)
    calib = os.path.join(ROOT, "examples", "data", "calib_images_512.npy")
    results = {}
    for name in a.models.split(","):
        work = os.path.join(a.out, "work-engine")
        os.makedirs(work, exist_ok=True)
        fmlir = os.path.join(work, name + ".mlir")
        subprocess.run([os.path.join(bindir, "mpq-translate"), "--import-onnx",
                        os.path.join(ROOT, "examples", "models",
                                     name + ".onnx"), "-o", fmlir], check=True)
        err = subprocess.run(
            [os.path.join(bindir, "mpq-opt"), fmlir,
             "--mpq-fold-flatten-transpose",
             f"--mpq-calibrate=data={calib}",
             f"--mpq-bench-evaluator=data={images} samples={a.samples} "
             f"seconds={a.seconds}", "-o", os.devnull],
            check=True, capture_output=True, text=True).stderr
        m = re.search(r"mpq-bench-evaluator: (\d+) samples, (\d+) layers, "
                      r"setup ([0-9.]+) s; first layer changed \(whole "
                      r"network\): ([0-9.]+) evals/s \((\d+)\); last layer "
                      r"changed: ([0-9.]+) evals/s \((\d+)\)", err)
        r = {"samples": int(m.group(1)), "layers": int(m.group(2)),
             "setup_seconds": float(m.group(3)),
             "whole_evals_per_s": float(m.group(4)),
             "last_evals_per_s": float(m.group(6))}
        results[name] = r
        print(f"{name}: whole {r['whole_evals_per_s']:.3f}/s, last layer "
              f"{r['last_evals_per_s']:.1f}/s", file=sys.stderr)
    results["_meta"] = {"date": time.strftime("%Y-%m-%d"),
                        "nproc": os.cpu_count(),
                        "command": "benchmarks/precision/engine.py"}
    with open(os.path.join(a.out, "engine.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines = ["| model | layers | samples | whole network (evals/s) | "
             "last layer changed (evals/s) | ratio |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        if name.startswith("_"):
            continue
        lines.append(f"| {name} | {r['layers']} | {r['samples']} | "
                     f"{r['whole_evals_per_s']:.3f} | "
                     f"{r['last_evals_per_s']:.1f} | "
                     f"{r['last_evals_per_s'] / r['whole_evals_per_s']:.0f} |")
    with open(os.path.join(a.out, "engine.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
