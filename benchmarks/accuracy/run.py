#!/usr/bin/python3
"""Accuracy of uniform quantization on the bundled Fashion-MNIST models.

For each model in examples/models: float top-1 on the 10,000 test images,
then mpq-compile at W8A8, W6A8, W4A8, W3A8, W2A8 and W8A4, each with
{minmax, mmse} clipping and {per-tensor, per-channel} weight scales,
calibrated on the 512 bundled training images, run in mpq-run (bit-exact
integer semantics); weights rounded by GPTQ (the default), plus ablations
with round-to-nearest and without bias correction. Writes benchmarks/out/accuracy.json, a Markdown table
(benchmarks/out/accuracy.md) and a plot (benchmarks/out/accuracy.png).

Usage: benchmarks/accuracy/run.py [--build build] [--models a,b] [--quick]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIGS = [(8, 8), (6, 8), (4, 8), (3, 8), (2, 8), (8, 4)]
METHODS = ["minmax", "mmse"]
GRANULARITIES = ["per-tensor", "per-channel"]
# Bias correction and GPTQ rounding are on by default; these runs measure
# each switched off (mmse, per-channel).
ABLATION = [(8, 8), (4, 8), (3, 8), (2, 8)]


def top1(bindir, mlir, images, labels):
    out = subprocess.run([os.path.join(bindir, "mpq-run"), mlir, "-i", images,
                          "--labels", labels], check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"top-1: ([0-9.]+)", out)
    return float(m.group(1))


def plot(results, models, out):
    """Top-1 against weight bits at A8 (lines) and W8A4 (separate markers)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing (apt-get install python3-matplotlib); "
              "no plot", file=sys.stderr)
        return
    a8 = [(w, x) for (w, x) in CONFIGS if x == 8]
    xs = [f"W{w}A8" for (w, _) in a8] + ["W8A4"]
    fig, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 4),
                             sharey=True)
    if len(models) == 1:
        axes = [axes]
    for ax, n in zip(axes, models):
        for m in METHODS:
            for g in GRANULARITIES:
                by = {(q["weight_bits"], q["act_bits"]): q["top1"] * 100
                      for q in results[n]["quantized"]
                      if q["method"] == m and q["granularity"] == g
                      and q["bias_correction"]
                      and q.get("rounding", "gptq") == "gptq"}
                if not all(c in by for c in a8):
                    continue
                line, = ax.plot(xs[:-1], [by[c] for c in a8], marker="o",
                                label=f"{m}, {g}")
                if (8, 4) in by:
                    ax.plot([xs[-1]], [by[(8, 4)]], marker="s", ls="none",
                            color=line.get_color())
        ax.axhline(results[n]["float"] * 100, color="k", ls="--", lw=1,
                   label="float")
        ax.axvline(len(a8) - 0.5, color="gray", lw=0.5)
        ax.set_title(n)
        ax.set_xlabel("weights / activations (W8A4: squares)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("top-1 on 10k Fashion-MNIST test images (%)")
    axes[-1].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "accuracy.png"), dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default="plain_cnn,res_cnn,dw_cnn")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    ap.add_argument("--replot", action="store_true",
                    help="only redraw accuracy.png from accuracy.json")
    ap.add_argument("--quick", action="store_true",
                    help="only W8A8 and W4A8 with mmse/per-channel")
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    os.makedirs(a.out, exist_ok=True)
    if a.replot:
        with open(os.path.join(a.out, "accuracy.json")) as f:
            results = json.load(f)
        plot(results, [m for m in results if not m.startswith("_")], a.out)
        return
    data = os.path.join(a.out, "data")
    images = os.path.join(data, "t10k_images.npy")
    labels = os.path.join(data, "t10k_labels.npy")
    if not os.path.exists(labels):
        subprocess.run(["/usr/bin/python3",
                        os.path.join(ROOT, "examples", "export_fashion_mnist_npy.py"),
                        data], check=True)
    calib = os.path.join(ROOT, "examples", "data", "calib_images_512.npy")
    runs = [(w, x, m, g, True, "gptq") for (w, x) in CONFIGS for m in METHODS
            for g in GRANULARITIES]
    runs += [(w, x, "mmse", "per-channel", True, "nearest")
             for (w, x) in ABLATION]
    runs += [(w, x, "mmse", "per-channel", False, "gptq")
             for (w, x) in ABLATION]
    if a.quick:
        runs = [(8, 8, "mmse", "per-channel", True, "gptq"),
                (4, 8, "mmse", "per-channel", True, "gptq")]
    results = {}
    t0 = time.time()
    models = a.models.split(",")
    total = len(models) * (len(runs) + 1)
    done = 0
    for name in models:
        onnx = os.path.join(ROOT, "examples", "models", name + ".onnx")
        work = os.path.join(a.out, "work", name)
        os.makedirs(work, exist_ok=True)
        fmlir = os.path.join(work, "float.mlir")
        subprocess.run([os.path.join(bindir, "mpq-translate"), "--import-onnx",
                        onnx, "-o", fmlir], check=True)
        entry = {"float": top1(bindir, fmlir, images, labels), "quantized": []}
        done += 1
        print(f"[{done}/{total}] {name} float: {entry['float']:.4f}",
              file=sys.stderr)
        for (w, x, m, g, bc, rnd) in runs:
            od = os.path.join(work, f"w{w}a{x}-{m}-{g}-{rnd}" +
                              ("" if bc else "-nobc"))
            subprocess.run([os.path.join(bindir, "mpq-compile"), onnx, "-o", od,
                            "--calib", calib, "--weight-bits", str(w),
                            "--act-bits", str(x), "--method", m,
                            "--granularity", g, "--rounding", rnd,
                            f"--bias-correction={'true' if bc else 'false'}"],
                           check=True, capture_output=True)
            with open(os.path.join(od, "report.json")) as f:
                rep = json.load(f)
            acc = top1(bindir, os.path.join(od, "model.mlir"), images, labels)
            entry["quantized"].append({
                "weight_bits": w, "act_bits": x, "method": m,
                "granularity": g, "bias_correction": bc, "rounding": rnd,
                "top1": acc,
                "compile_seconds": round(rep["compile_seconds"], 2),
                "delta_pt": round(100 * (acc - entry["float"]), 2),
                "size_bytes": rep["model_size_bytes"],
                "bops": rep["bops_per_sample"]})
            done += 1
            print(f"[{done}/{total}] {name} W{w}A{x} {m} {g} {rnd}"
                  f"{'' if bc else ' no-bias-correction'}: {acc:.4f} "
                  f"({100 * (acc - entry['float']):+.2f} pt)", file=sys.stderr)
        entry["float_size_bytes"] = rep["float_model_size_bytes"]
        results[name] = entry
    results["_meta"] = {"seconds": round(time.time() - t0, 1),
                        "date": time.strftime("%Y-%m-%d"),
                        "test_images": 10000, "calibration_images": 512,
                        "command": "benchmarks/accuracy/run.py" +
                        (" --quick" if a.quick else "")}
    with open(os.path.join(a.out, "accuracy.json"), "w") as f:
        json.dump(results, f, indent=1)

    # Markdown table: one row per (config, method, granularity).
    lines = ["| config | clipping | weights | rounding | bias corr. | " +
             " | ".join(f"{n} top-1 (Δ pt)" for n in models) + " |",
             "|---|---|---|---|---|" + "---|" * len(models)]
    lines.append("| float | | | | | " + " | ".join(
        f"{100 * results[n]['float']:.2f}" for n in models) + " |")
    for i, (w, x, m, g, bc, rnd) in enumerate(runs):
        cells = []
        for n in models:
            q = results[n]["quantized"][i]
            cells.append(f"{100 * q['top1']:.2f} ({q['delta_pt']:+.2f})")
        lines.append(f"| W{w}A{x} | {m} | {g} | {rnd} | "
                     f"{'on' if bc else 'off'} | " +
                     " | ".join(cells) + " |")
    lines.append("")
    lines.append("| model | float size (bytes) | W8 size | W4 size | W2 size |")
    lines.append("|---|---|---|---|---|")
    for n in models:
        sizes = {q["weight_bits"]: q["size_bytes"] for q in results[n]["quantized"]
                 if q["granularity"] == "per-channel"}
        lines.append(f"| {n} | {results[n]['float_size_bytes']} | {sizes[8]} | "
                     f"{sizes[4]} | {sizes[2]} |")
    lines.append("")
    lines.append("| model | W4A8 compile, gptq (s) | W4A8 compile, nearest (s) |")
    lines.append("|---|---|---|")
    for n in models:
        t = {q["rounding"]: q["compile_seconds"] for q in results[n]["quantized"]
             if (q["weight_bits"], q["act_bits"]) == (4, 8) and q["method"] == "mmse"
             and q["granularity"] == "per-channel" and q["bias_correction"]}
        lines.append(f"| {n} | {t.get('gptq', '')} | {t.get('nearest', '')} |")
    with open(os.path.join(a.out, "accuracy.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))

    plot(results, models, a.out)

if __name__ == "__main__":
    main()
