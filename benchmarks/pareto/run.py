#!/usr/bin/python3
"""Top-1 against model size of every --assign-precision strategy on the
bundled Fashion-MNIST models (issue 8, section 5).

For each model (examples/models/M.onnx) and strategy (uniform, hawq,
loss-aware, clado) and each average-weight-bits budget (A8, candidate weight
widths 2,3,4,6,8): search, quantize with the same rounding the search
measured (default auto, on the 512 bundled calibration images), and run the
quantized module in mpq-run (bit-exact integer semantics) on
  - the Fashion-MNIST test images (top-1, cross-entropy), and
  - held-out TRAINING images that are neither calibration nor sensitivity
    images (top-1, cross-entropy; what defaults are chosen on).
The sensitivity set is training images that are not calibration images
(benchmarks/precision/run.py's split, seed 11), never the test set.
Plus one latency budget per model on cortex-a53 and cortex-a76:
avg-weight-bits:4 together with latency-us:T, T the predicted cortex-a53
latency of uniform W4A8.

Every finished row is cached under OUT/pareto/rows/ (rerunning skips it;
--fresh recomputes), so a long run can be interrupted and resumed and its
partial results plotted.

Writes benchmarks/out/pareto.json, pareto.md and pareto.png.

Usage: benchmarks/pareto/run.py [--build build]
           [--models plain_cnn,res_cnn,dw_cnn]
           [--strategies uniform,hawq,loss-aware,clado]
           [--budgets 2.5,3,3.5,4,6] [--latency-strategies uniform,clado]
           [--sens-samples 1024] [--heldout-samples 5000]
           [--test-samples 10000] [--rounding auto] [--report-only]
"""
import argparse
import importlib.util
import json
import os
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def load_precision():
    """benchmarks/precision/run.py as a module (its helpers are shared)."""
    spec = importlib.util.spec_from_file_location(
        "precision_run", os.path.join(HERE, "..", "precision", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


prec = load_precision()

ROOT = prec.ROOT
MODELS = ["plain_cnn", "res_cnn", "dw_cnn"]
STRATEGIES = ["uniform", "hawq", "loss-aware", "clado"]
TARGETS = ["cortex-a53", "cortex-a76"]


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


def measure(args, d, module, stem):
    """Top-1 and mean cross-entropy of `module` on the test and held-out
    images (mpq-run); logits kept under the work directory."""
    r = {}
    for split in ("test", "heldout"):
        logits = stem + "." + split + ".logits.npy"
        r[split + "_top1"] = prec.top1(args.build, module, d[split + "_x"],
                                       d[split + "_y"], logits)
        ce = prec.cross_entropy(np.load(logits), np.load(d[split + "_y"]))
        r[split + "_ce"] = float(ce.mean())
    return r


def cached(args, key, compute, search=True):
    """The row `key` from the cache, or compute() stored there. The cache
    entry is valid for the same data sizes and rounding (and, for a
    search, the same sensitivity samples and loss)."""
    path = os.path.join(args.work, "rows", key.replace("/", "_") + ".json")
    tag = {"heldout_samples": args.heldout_samples,
           "test_samples": args.test_samples, "rounding": args.rounding}
    if search:
        tag.update(sens_samples=args.sens_samples, sens_loss=args.sens_loss)
    if os.path.exists(path) and not args.fresh:
        with open(path) as f:
            row = json.load(f)
        if row.get("tag") == tag:
            return row
    if args.report_only:
        return None
    row = compute()
    row["tag"] = tag
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(row, f, indent=1)
    return row


def num_weights(args, cal):
    """Total weight count, from uniform W8 (size in bytes = weights)."""
    r = prec.search(args.build, cal, "strategy=uniform budget=avg-weight-bits:8"
                    " weight-bits=8", os.path.join(args.work, "w8.tmp.mlir"),
                    args.rounding, calibrated=True)
    return int(r["size_bytes"])


def run_model(args, d, model, rows):
    log("%s: import and calibrate" % model)
    fl = prec.import_model(args.build, args.work, model)
    cal = prec.import_model(args.build, args.work, model, calibrate=True)

    def float_row():
        r = {"model": model, "strategy": "float", "budget": "",
             "avg_weight_bits": 32.0, "layout": "float"}
        r.update(measure(args, d, fl, os.path.join(args.work, model +
                                                   ".float")))
        r["num_weights"] = num_weights(args, cal)
        return r
    fr = cached(args, model + "-float", float_row)
    if fr is None:
        return
    rows.append(fr)
    log("%s: float test top-1 %.4f, held-out CE %.4f" %
        (model, fr["test_top1"], fr["heldout_ce"]))

    def measured(model, layout, assigned):
        """Quantize `assigned` and measure it, once per distinct layout."""
        key = "%s-layout-%s" % (model, layout.replace(" ", "_"))

        def compute():
            q = os.path.join(args.work, key + ".mlir")
            r = {"quantize_seconds": prec.quantize(args.build, assigned, q,
                                                   args.rounding)}
            r.update(measure(args, d, q, os.path.join(args.work, key)))
            os.remove(q)  # large; the layout is in the row
            return r
        r = cached(args, key, compute, search=False)
        return {k: v for k, v in r.items() if k != "tag"}

    def one(strategy, budget, extra="", target=None):
        key = "%s-%s-%s" % (model, strategy, budget.replace(":", "").
                            replace(",", "+"))
        if target:
            key += "-" + target
            extra += " target=" + target

        def compute():
            log("%s: %s %s: searching" % (model, strategy, budget))
            a = os.path.join(args.work, key + ".assigned.mlir")
            data = ""
            if strategy != "uniform":
                data = " data=%s sens-samples=%d" % (d["sens_x"],
                                                     args.sens_samples)
                if strategy == "loss-aware" or args.sens_loss == "ce":
                    data += " labels=%s" % d["sens_y"]
            spec = ("strategy=%s budget=%s weight-bits=2,3,4,6,8 act-bits=8"
                    "%s%s" % (strategy, budget, data, extra))
            r = {"model": model, "strategy": strategy, "budget": budget}
            r.update(prec.assign(args.build, cal, spec, a, args.rounding,
                                 calibrated=True))
            r.update(measured(model, r["layout"], a))
            os.remove(a)
            return r
        r = cached(args, key, compute)
        if r is None:
            return None
        r["float_top1"] = fr["test_top1"]
        rows.append(r)
        log("%s: %s %s: %s, %.3f bits, test top-1 %.4f (float %.4f), "
            "held-out CE %+.4f vs float, search %.0f s" %
            (model, strategy, budget, r["layout"], r["avg_weight_bits"],
             r["test_top1"], fr["test_top1"],
             r["heldout_ce"] - fr["heldout_ce"], r["search_seconds"]))
        return r

    for b in args.budgets.split(","):
        for s in args.strategies.split(","):
            one(s, "avg-weight-bits:%s" % b)
    if not args.latency_strategies:
        return
    # One latency budget: 4 average weight bits and at most the cortex-a53
    # latency of uniform W4A8; the same limit on both targets.
    lat = cached(args, model + "-latency-limit", lambda: {
        "model": model, "strategy": "latency-limit",
        **prec.search(args.build, cal, "strategy=uniform budget="
                      "avg-weight-bits:4 weight-bits=4 target=cortex-a53",
                      os.path.join(args.work, "w4.tmp.mlir"), args.rounding,
                      calibrated=True)})
    if lat is None:
        return
    limit = "%.1f" % (lat["predicted_latency_us"] * 1.0001)
    for s in args.latency_strategies.split(","):
        for t in TARGETS:
            r = one(s, "avg-weight-bits:4,latency-us:%s" % limit, target=t)
            if r is not None:
                r["target"] = t
                r["strategy"] = s
                r["latency_limit_us"] = float(limit)


def write_report(args, rows):
    out = args.out
    with open(os.path.join(out, "pareto.json"), "w") as f:
        json.dump({"settings": {k: getattr(args, k) for k in (
            "models", "strategies", "budgets", "latency_strategies",
            "sens_samples", "heldout_samples", "test_samples", "rounding",
            "sens_loss")},
            "rows": rows, "targets": targets(rows)}, f, indent=1)
    floats = {r["model"]: r for r in rows if r["strategy"] == "float"}
    lines = ["| model | strategy | budget | avg weight bits | size (bytes) | "
             "layout | test top-1 (Δ pt) | held-out CE (Δ vs float) | "
             "search (s) |", "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        f = floats[r["model"]]
        if r["strategy"] == "float":
            lines.append("| %s | float | | 32 | %d | | %.2f | %.4f | |" % (
                r["model"], 4 * r["num_weights"], 100 * r["test_top1"],
                r["heldout_ce"]))
            continue
        budget = r["budget"] + (" on " + r["target"] if "target" in r
                                else "")
        if "predicted_latency_us" in r:
            budget += " (predicted %.1f us)" % r["predicted_latency_us"]
        lines.append("| %s | %s | %s | %.3f | %.0f | %s | %.2f (%+.2f) | "
                     "%.4f (%+.4f) | %.0f |" % (
                         r["model"], r["strategy"], budget,
                         r["avg_weight_bits"], r["size_bytes"],
                         r["layout"].replace("A8", ""),
                         100 * r["test_top1"],
                         100 * (r["test_top1"] - f["test_top1"]),
                         r["heldout_ce"], r["heldout_ce"] - f["heldout_ce"],
                         r["search_seconds"]))
    lines.append("")
    lines.append("| target | model | Δ pt or figure | limit | met |")
    lines.append("|---|---|---|---|---|")
    for t in targets(rows):
        lines.append("| %s | %s | %s | %s | %s |" % (
            t["target"], t["model"], t["value"], t["limit"],
            {True: "**met**", False: "**not met**", None: "not run"}[
                t["met"]]))
    with open(os.path.join(out, "pareto.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    plot(args, rows, floats)


def find(rows, model, strategy, budget):
    for r in rows:
        if (r["model"] == model and r["strategy"] == strategy and
                r.get("budget") == budget and "target" not in r):
            return r
    return None


def targets(rows):
    """Issue 8 section 5's accuracy targets, checked on the rows present."""
    res = []
    floats = {r["model"]: r for r in rows if r["strategy"] == "float"}
    for model, f in floats.items():
        def delta(strategy, b):
            r = find(rows, model, strategy, "avg-weight-bits:%s" % b)
            return None if r is None else 100 * (r["test_top1"] -
                                                 f["test_top1"])
        for b, lim in [("4", -0.2), ("3", -0.8 if model == "dw_cnn" else -0.3),
                       ("2.5", -1.5)]:
            v = delta("clado", b)
            res.append({"target": "clado at %s bits, Δ vs float" % b,
                        "model": model, "limit": ">= %.1f" % lim,
                        "value": "n/a" if v is None else "%+.2f" % v,
                        "met": None if v is None else v >= lim - 1e-9})
        c, u = delta("clado", "3"), delta("uniform", "3")
        res.append({"target": "clado at 3 bits vs uniform W3A8",
                    "model": model, "limit": ">= uniform",
                    "value": "n/a" if c is None or u is None else
                    "%+.2f vs %+.2f" % (c, u),
                    "met": None if c is None or u is None else c >= u})
        la = [r for r in rows if r["model"] == model and
              r["strategy"] == "loss-aware"]
        best = min(la, key=lambda r: r["heldout_ce"]) if la else None
        res.append({"target": "loss-aware: held-out CE below float",
                    "model": model, "limit": "< 0",
                    "value": "n/a" if best is None else "%+.4f (%s)" % (
                        best["heldout_ce"] - f["heldout_ce"],
                        best["budget"]),
                    "met": None if best is None else
                    best["heldout_ce"] < f["heldout_ce"]})
    return res


def plot(args, rows, floats):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    models = [m for m in args.models.split(",") if m in floats]
    if not models:
        return
    fig, axes = plt.subplots(1, len(models), figsize=(5.2 * len(models), 4.2),
                             squeeze=False)
    styles = {"uniform": ("tab:gray", "s"), "hawq": ("tab:orange", "^"),
              "loss-aware": ("tab:green", "D"), "clado": ("tab:blue", "o")}
    for ax, model in zip(axes[0], models):
        f = floats[model]
        n = f["num_weights"]
        ax.axhline(100 * f["test_top1"], color="k", ls="--", lw=1,
                   label="float (%.2f)" % (100 * f["test_top1"]))
        for s, (color, marker) in styles.items():
            pts = sorted((r["avg_weight_bits"] * n / 8000,
                          100 * r["test_top1"]) for r in rows
                         if r["model"] == model and r["strategy"] == s and
                         "target" not in r)
            if pts:
                ax.plot(*zip(*pts), color=color, marker=marker, label=s)
            for r in rows:
                if (r["model"] == model and r["strategy"] == s and
                        "target" in r):
                    ax.scatter([r["avg_weight_bits"] * n / 8000],
                               [100 * r["test_top1"]], color=color,
                               marker="*" if r["target"] == "cortex-a53"
                               else "P", s=90, zorder=5)
        lo = min([100 * r["test_top1"] for r in rows
                  if r["model"] == model and r["strategy"] != "float"] +
                 [100 * f["test_top1"] - 2])
        ax.set_ylim(max(lo - 0.5, 100 * f["test_top1"] - 6),
                    100 * f["test_top1"] + 0.6)
        ax.set_title("%s (%d weights)" % (model, n))
        ax.set_xlabel("weight size at nominal widths (kB)")
        ax.set_ylabel("top-1 on 10k test images (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    fig.suptitle("--assign-precision, A8, budgets %s average weight bits "
                 "(stars: + latency limit on cortex-a53, plus: cortex-a76)"
                 % args.budgets, fontsize=9)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "pareto.png"), dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--strategies", default=",".join(STRATEGIES))
    ap.add_argument("--budgets", default="2.5,3,3.5,4,6")
    ap.add_argument("--latency-strategies", default="uniform,clado",
                    help="strategies run with the latency budget ('' none)")
    ap.add_argument("--sens-samples", type=int, default=1024)
    ap.add_argument("--heldout-samples", type=int, default=5000)
    ap.add_argument("--test-samples", type=int, default=10000)
    ap.add_argument("--sens-loss", default="ce", choices=["ce", "kl"],
                    help="hawq/clado sensitivity loss: cross-entropy "
                    "against the labels, or KL(float || quantized) "
                    "(loss-aware always uses cross-entropy)")
    ap.add_argument("--rounding", default="auto",
                    choices=["auto", "nearest", "gptq"])
    ap.add_argument("--fresh", action="store_true",
                    help="recompute cached rows")
    ap.add_argument("--report-only", action="store_true",
                    help="only write the report from cached rows")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    args = ap.parse_args()
    args.work = os.path.join(args.out, "pareto")
    os.makedirs(args.work, exist_ok=True)
    d = prec.prepare(args.work, args.sens_samples, args.test_samples,
                     args.heldout_samples)
    rows = []
    t0 = time.time()
    for model in args.models.split(","):
        run_model(args, d, model, rows)
        write_report(args, rows)
    log("done in %.0f s; wrote %s/pareto.{json,md,png}" % (time.time() - t0,
                                                          args.out))


if __name__ == "__main__":
    main()
