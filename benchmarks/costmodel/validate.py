#!/usr/bin/python3
"""Validates the cycle cost model against instruction counts under qemu.

For each bundled model (examples/models/*.onnx) and target (cortex-a53,
cortex-a76):

1. The compiler's own estimate, per layer and weight width: the model is
   imported (mpq-translate --import-onnx), calibrated once (mpq-opt
   --mpq-calibrate), and `--assign-precision="strategy=uniform
   weight-bits=W target=T"` is run for W in 2, 4, 8; its report
   (mpq.search.layers) gives each layer's estimated cycles at W on T. The
   predicted cycles of a layout are the sum over its layers, so the script
   adds numbers and computes none.
2. N random layouts (each layer's weight width drawn uniformly from
   --widths, activations 8 bits, fixed seed) are written as #mpq.precision
   on every layer, quantized (mpq-opt --mpq-quantize, nearest rounding),
   compiled (mpq-codegen --target T), linked with examples/deploy/main.c and
   run under qemu-aarch64 -cpu T with the instruction-counting plugin on 1
   and on 3 test images: instructions per inference = (count(3) - count(1))
   / 2.
3. Spearman's rank correlation between predicted cycles and counted
   instructions over the N layouts, per model and target; also for the
   compute term alone (MACs / per-width rate, no memory traffic), which is
   what instruction counts can see.

Writes benchmarks/out/costmodel.json and benchmarks/out/costmodel.md.
Usage: benchmarks/costmodel/validate.py [--build build] [--layouts 20]
       [--models plain_cnn,res_cnn,dw_cnn] [--targets cortex-a53,cortex-a76]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLANG = "/usr/lib/llvm-22/bin/clang"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}\n{r.stderr[-2000:]}")
    return r


def ranks(xs):
    """Ranks 1..n, ties get their mean rank."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    r = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = np.array(ranks(a)), np.array(ranks(b))
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


LAYER_RE = re.compile(r"\{([^{}]*name = \"[^\"]*\"[^{}]*)\}")


def parse_layers(text):
    """The per-layer dictionaries of mpq.search in printed MLIR."""
    m = re.search(r"mpq\.search = \{.*?layers = \[(.*?)\]", text, re.S)
    out = []
    for d in LAYER_RE.finditer(m.group(1)):
        entry = {}
        for key, val in re.findall(r"(\w+) = (\"[^\"]*\"|[-+.\w]+)", d.group(1)):
            if val.startswith('"'):
                entry[key] = val.strip('"')
            elif val in ("true", "false"):
                entry[key] = val == "true"
            else:
                entry[key] = float(val)
        out.append(entry)
    return out


PREC_RE = re.compile(r"#mpq\.precision<weight_bits = 8, act_bits = 8>")


def with_layout(template, layout):
    """`template` (every layer at W8A8) with the i-th layer at layout[i]."""
    it = iter(layout)
    text = PREC_RE.sub(
        lambda m: f"#mpq.precision<weight_bits = {next(it)}, act_bits = 8>",
        template)
    return text


def count_insns(plugin, cpu, app, images, work):
    out = os.path.join(work, "count.txt")
    y = os.path.join(work, "y.npy")
    run(["qemu-aarch64", "-cpu", cpu, "-plugin", f"{plugin},out={out}",
         app, images, y])
    return int(re.search(r"insns: (\d+)", open(out).read()).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--layouts", type=int, default=20)
    ap.add_argument("--models", default="plain_cnn,res_cnn,dw_cnn")
    ap.add_argument("--targets", default="cortex-a53,cortex-a76")
    ap.add_argument("--widths", default="2,4,8")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    a = ap.parse_args()
    bindir = os.path.join(a.build, "bin")
    plugin = os.path.join(a.build, "lib", "libmpq-qemu-insn-count.so")
    widths = [int(w) for w in a.widths.split(",")]
    targets = a.targets.split(",")
    data = os.path.join(ROOT, "examples", "data")
    work = tempfile.mkdtemp(prefix="mpq-costmodel-")
    calib = os.path.join(work, "calib.npy")
    np.save(calib, np.load(os.path.join(data, "calib_images_512.npy"))[:128])
    imgs = np.load(os.path.join(data, "test_images_256.npy"))
    im1, im3 = os.path.join(work, "x1.npy"), os.path.join(work, "x3.npy")
    np.save(im1, imgs[:1])
    np.save(im3, imgs[:3])
    rows, summary = [], []
    for model in a.models.split(","):
        mw = os.path.join(work, model)
        os.makedirs(mw)
        flt = os.path.join(mw, "float.mlir")
        run([os.path.join(bindir, "mpq-translate"), "--import-onnx",
             os.path.join(ROOT, "examples", "models", model + ".onnx"),
             "-o", flt])
        cal = os.path.join(mw, "calib.mlir")
        run([os.path.join(bindir, "mpq-opt"), flt,
             f"--mpq-calibrate=data={calib}", "-o", cal])
        # Per-layer estimates at each width on each target.
        est = {}
        template = None
        for t in targets:
            for w in widths:
                r = run([os.path.join(bindir, "mpq-opt"), cal,
                         f"--assign-precision=strategy=uniform weight-bits={w} "
                         f"target={t}"])
                layers = parse_layers(r.stdout)
                est[(t, w)] = layers
                if w == 8 and template is None:
                    template = r.stdout
        names = [l["name"] for l in est[(targets[0], 8)]]
        L = len(names)
        if len(PREC_RE.findall(template)) != L:
            raise RuntimeError(f"{model}: {L} layers in the report but "
                               f"{len(PREC_RE.findall(template))} "
                               "#mpq.precision attributes")
        rng = random.Random(f"{a.seed}-{model}")
        layouts = [[rng.choice(widths) for _ in range(L)]
                   for _ in range(a.layouts)]
        log(f"{model}: {L} layers, {a.layouts} layouts")
        for i, layout in enumerate(layouts):
            lw = os.path.join(mw, f"layout{i}")
            os.makedirs(lw)
            src = os.path.join(lw, "layout.mlir")
            open(src, "w").write(with_layout(template, layout))
            q = os.path.join(lw, "q.mlir")
            run([os.path.join(bindir, "mpq-opt"), src,
                 "--mpq-quantize=rounding=nearest", "-o", q])
            for t in targets:
                d = os.path.join(lw, t)
                run([os.path.join(bindir, "mpq-codegen"), q, "--target", t,
                     "-o", d])
                app = os.path.join(d, "app")
                run([CLANG, "--target=aarch64-linux-gnu", "-O2", "-static",
                     "--gcc-toolchain=/usr", "-fuse-ld=lld", "-I" + d,
                     os.path.join(ROOT, "examples", "deploy", "main.c"),
                     os.path.join(d, "model.o"), "-o", app])
                c1 = count_insns(plugin, t, app, im1, d)
                c3 = count_insns(plugin, t, app, im3, d)
                per = (c3 - c1) / 2
                pred = sum(est[(t, w)][l]["cycles"]
                           for l, w in enumerate(layout))
                comp = sum(est[(t, w)][l]["compute_cycles"]
                           for l, w in enumerate(layout))
                rows.append({"model": model, "target": t, "layout": layout,
                             "predicted_cycles": pred,
                             "predicted_compute_cycles": comp,
                             "insns_per_inference": per})
                log(f"  {i:2} {t:10} {''.join(map(str, layout))} "
                    f"pred {pred:12.0f} compute {comp:12.0f} insns {per:10.0f}")
        for t in targets:
            rs = [r for r in rows if r["model"] == model and r["target"] == t]
            ins = [r["insns_per_inference"] for r in rs]
            summary.append({
                "model": model, "target": t, "layers": L,
                "layouts": len(rs),
                "spearman": spearman([r["predicted_cycles"] for r in rs], ins),
                "spearman_compute": spearman(
                    [r["predicted_compute_cycles"] for r in rs], ins),
                "insns_min": min(ins), "insns_max": max(ins),
                "pred_min": min(r["predicted_cycles"] for r in rs),
                "pred_max": max(r["predicted_cycles"] for r in rs)})
            s = summary[-1]
            log(f"{model} {t}: Spearman {s['spearman']:.3f} "
                f"(compute term alone {s['spearman_compute']:.3f})")
    os.makedirs(a.out, exist_ok=True)
    json.dump({"rows": rows, "summary": summary, "widths": widths,
               "seed": a.seed},
              open(os.path.join(a.out, "costmodel.json"), "w"), indent=1)
    md = ["| model | target | layers | layouts | Spearman (cycles) | "
          "Spearman (compute term) | instructions/inference | predicted cycles |",
          "|---|---|---|---|---|---|---|---|"]
    for s in summary:
        md.append(f"| {s['model']} | {s['target']} | {s['layers']} | "
                  f"{s['layouts']} | {s['spearman']:.3f} | "
                  f"{s['spearman_compute']:.3f} | "
                  f"{s['insns_min']:.0f}-{s['insns_max']:.0f} | "
                  f"{s['pred_min']:.0f}-{s['pred_max']:.0f} |")
    open(os.path.join(a.out, "costmodel.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
