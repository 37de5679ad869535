#!/usr/bin/python3
"""The seeds' small-scale claims C1.1-C1.3 (Cheng & Chen) and C4.1-C4.3
(CLADO) of ../shared/papers.md as pass/fail experiments on the bundled
Fashion-MNIST models.

Losses come from the compiler's loss evaluator (--mpq-eval-layouts: the
reference interpreter with fake-quantized layers, outputs not requantized,
the same evaluator --assign-precision searches with), except C1.2, whose
chosen layout is quantized and run bit-exactly in mpq-run. Sensitivity sets
are training images that are not calibration images; "test" figures use the
first --test-samples Fashion-MNIST test images. Sample counts are smaller
than papers.md's where noted (2 shared cores); every figure is in
benchmarks/out/claims.json.

Usage: benchmarks/pareto/claims.py [--build build] [--claims C1.1,...]
           [--sens-samples 512] [--test-samples 2000] [--layouts 64]
"""
import argparse
import importlib.util
import itertools
import json
import os
import re
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "precision_run", os.path.join(HERE, "..", "precision", "run.py"))
prec = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prec)
ROOT = prec.ROOT


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


class Ctx:
    def __init__(self, args):
        self.args = args
        self.work = os.path.join(args.out, "claims")
        os.makedirs(self.work, exist_ok=True)
        self.d = prec.prepare(self.work, args.sens_samples,
                              max(args.test_samples, 10000))
        self.cal = {}
        self.n = 0

    def model(self, m):
        if m not in self.cal:
            self.cal[m] = prec.import_model(self.args.build, self.work, m,
                                            calibrate=True)
        return self.cal[m]

    def evaluate(self, m, layouts, x, y, samples):
        """[(loss, top1)] of each layout (a list of L:W:A[:m] strings, or
        'float') on the first `samples` of x/y."""
        self.n += 1
        lf = os.path.join(self.work, "layouts%d.txt" % self.n)
        of = lf + ".out"
        with open(lf, "w") as f:
            f.write("\n".join(layouts) + "\n")
        prec.run([prec.tool(self.args.build, "mpq-opt"), self.model(m),
                  "--mpq-eval-layouts=data=%s labels=%s samples=%d "
                  "layouts=%s out=%s rounding=%s" % (
                      x, y, samples, lf, of, self.args.rounding),
                  "-o", os.devnull])
        return np.loadtxt(of, ndmin=2)

    def sens(self, m, layouts):
        return self.evaluate(m, layouts, self.d["sens_x"], self.d["sens_y"],
                             self.args.sens_samples)

    def test(self, m, layouts, start=0):
        n = self.args.test_samples
        if start:
            x, y = np.load(self.d["test_x"]), np.load(self.d["test_y"])
            xp = os.path.join(self.work, "test_%d_x.npy" % start)
            yp = os.path.join(self.work, "test_%d_y.npy" % start)
            np.save(xp, x[start:start + n])
            np.save(yp, y[start:start + n])
            return self.evaluate(m, layouts, xp, yp, n)
        return self.evaluate(m, layouts, self.d["test_x"], self.d["test_y"],
                             n)

    def layers(self, m):
        """Number of quantizable layers (from a uniform W8 assignment)."""
        if not hasattr(self, "_layers"):
            self._layers = {}
        if m not in self._layers:
            r = prec.assign(self.args.build, self.model(m),
                            "strategy=uniform weight-bits=8",
                            os.path.join(self.work, m + ".w8.mlir"),
                            self.args.rounding, calibrated=True)
            self._layers[m] = len(r["layout"].split())
        return self._layers[m]


def fmt_layout(bits, a=8):
    return " ".join("%d:%d:%d" % (l, w, a) for l, w in enumerate(bits))


# --- C1.1 ------------------------------------------------------------------
def c11(ctx, models=("plain_cnn", "res_cnn")):
    res = {}
    for m in models:
        L = ctx.layers(m)
        lay = ["float"]
        for b in (4, 6):
            for l in range(L):
                lay += ["%d:0:%d" % (l, b), "%d:0:%d:m" % (l, b),
                        "%d:%d:0" % (l, b), "%d:%d:0:m" % (l, b)]
        v = ctx.sens(m, lay)[:, 0]
        l0, v = v[0], v[1:].reshape(2, L, 4)
        per = {}
        for i, b in enumerate((4, 6)):
            t1x = (v[i, :, 0] - v[i, :, 1]) / 2
            t1w = (v[i, :, 2] - v[i, :, 3]) / 2
            dx, dw = v[i, :, 0] - l0, v[i, :, 2] - l0
            ratio = np.abs(t1w) / np.maximum(np.abs(t1x), 1e-30)
            per[b] = {"T1_x": t1x.tolist(), "T1_w": t1w.tolist(),
                      "dL_x": dx.tolist(), "dL_w": dw.tolist(),
                      "median_ratio": float(np.median(ratio)),
                      "sum_abs_dL_x": float(np.abs(dx).sum()),
                      "sum_abs_dL_w": float(np.abs(dw).sum())}
            per[b]["pass"] = bool(per[b]["median_ratio"] < 0.5 and
                                  per[b]["sum_abs_dL_x"] >
                                  per[b]["sum_abs_dL_w"])
        res[m] = per
        log("C1.1 %s: %s" % (m, {b: (round(p["median_ratio"], 3),
                                     p["pass"]) for b, p in per.items()}))
    ok = all(p["pass"] for r in res.values() for p in r.values())
    return {"pass": ok, "models": res}


# --- C1.2 ------------------------------------------------------------------
def c12(ctx, models=("plain_cnn", "res_cnn")):
    a = ctx.args
    res = {}
    for m in models:
        cal = ctx.model(m)
        tmp = os.path.join(ctx.work, m + ".w8a8.mlir")
        p = prec.run([prec.tool(a.build, "mpq-opt"), cal,
                      "--assign-precision=strategy=uniform weight-bits=8 "
                      "act-bits=8", "-o", tmp])
        bops = float(re.search(r"([0-9.e+]+) BOPs", p.stderr).group(1))
        # MAC-weighted average activation bits <= 6 with 8-bit weights.
        limit = bops * 6 / 8 / 1e9
        q = os.path.join(ctx.work, m + ".c12.mlir")
        r = prec.search(a.build, cal, "strategy=loss-aware budget=bops:%.9g "
                        "weight-bits=8 act-bits=4,6,8 data=%s labels=%s "
                        "sens-samples=%d" % (limit, ctx.d["sens_x"],
                                             ctx.d["sens_y"],
                                             a.sens_samples),
                        q, a.rounding, calibrated=True)
        fl = prec.import_model(a.build, ctx.work, m)
        y = np.load(ctx.d["test_y"])
        ce = {}
        for name, mod in (("float", fl), ("quant", q)):
            lg = os.path.join(ctx.work, "%s.c12.%s.logits.npy" % (m, name))
            prec.top1(a.build, mod, ctx.d["test_x"], ctx.d["test_y"], lg)
            ce[name] = prec.cross_entropy(np.load(lg), y)
        diff = ce["quant"] - ce["float"]
        rng = np.random.default_rng(0)
        boot = [diff[rng.integers(0, len(diff), len(diff))].mean()
                for _ in range(2000)]
        lo, hi = np.percentile(boot, [2.5, 97.5])
        res[m] = {"layout": r["layout"], "bops_limit_G": limit,
                  "test_dCE": float(diff.mean()), "ci95": [float(lo),
                                                           float(hi)],
                  "sens_dL": r.get("sens_loss", 0) - r.get("sens_float_loss",
                                                           0),
                  "test_samples": int(len(y)),
                  "pass": bool(diff.mean() < 0 and hi < 0)}
        log("C1.2 %s: %s" % (m, res[m]))
    return {"pass": any(r["pass"] for r in res.values()), "models": res}


# --- C1.3 ------------------------------------------------------------------
def c13(ctx, models=("plain_cnn", "res_cnn")):
    res = {}
    for m in models:
        L = ctx.layers(m)
        rng = np.random.default_rng(3)
        lays = ["float"] + [" ".join("%d:8:%d" % (l, rng.choice([3, 4, 6, 8]))
                                     for l in range(L))
                            for _ in range(ctx.args.layouts)]
        v = ctx.test(m, lays)
        dl = v[1:, 0] - v[0, 0]
        res[m] = {"std_dL": float(dl.std(ddof=1)), "min_dL": float(dl.min()),
                  "mean_dL": float(dl.mean()), "float_top1": float(v[0, 1])}
        log("C1.3 %s: %s" % (m, res[m]))
    p, r = res["plain_cnn"], res["res_cnn"]
    return {"pass": bool(r["std_dL"] < p["std_dL"] and
                         abs(r["min_dL"]) < abs(p["min_dL"])),
            "models": res}


# --- C4.x ------------------------------------------------------------------
WIDTHS = (2, 4, 8)


def omega(ctx, m, L, evaluate):
    """Measured CLADO matrix over options (layer, width in WIDTHS)."""
    opts = [(l, w) for l in range(L) for w in WIDTHS]
    n = len(opts)
    lay = ["float"] + ["%d:%d:8" % o for o in opts]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)
             if opts[i][0] != opts[j][0]]
    lay += ["%d:%d:8 %d:%d:8" % (opts[i] + opts[j]) for i, j in pairs]
    v = evaluate(m, lay)[:, 0]
    l0, single = v[0], v[1:n + 1] - v[0]
    om = np.diag(2 * single)
    for (i, j), lij in zip(pairs, v[n + 1:]):
        om[i, j] = om[j, i] = (lij - l0) - single[i] - single[j]
    return opts, om


def psd(om):
    w, V = np.linalg.eigh((om + om.T) / 2)
    return (V * np.maximum(w, 0)) @ V.T, float(w.min())


def onehot(opts, bits):
    x = np.zeros(len(opts))
    for l, w in enumerate(bits):
        x[opts.index((l, w))] = 1
    return x


def solve(opts, C, L, weights, budget, naive=False):
    """Exact enumeration: min 1/2 x'Cx (naive: diagonal only) under the
    average-weight-bits budget."""
    best, arg = None, None
    tot = sum(weights)
    for bits in itertools.product(WIDTHS, repeat=L):
        if sum(w * b for w, b in zip(weights, bits)) > budget * tot + 1e-6:
            continue
        x = onehot(opts, bits)
        obj = 0.5 * (x @ np.diag(np.diag(C)) @ x if naive else x @ C @ x)
        if best is None or obj < best:
            best, arg = obj, bits
    return arg


def layer_weights(ctx, m, L):
    """Weights per layer from the search report of uniform W8."""
    tmp = os.path.join(ctx.work, m + ".w8.mlir")
    prec.run([prec.tool(ctx.args.build, "mpq-opt"), ctx.model(m),
              "--assign-precision=strategy=uniform weight-bits=8",
              "-o", tmp])
    head = open(tmp).read(200000)
    w = [int(x) for x in re.findall(r"weights = ([0-9]+)", head)]
    return w[:L]


def c4x(ctx, m="plain_cnn"):
    L = ctx.layers(m)
    weights = layer_weights(ctx, m, L)
    log("C4: measuring Omega on %d sensitivity samples" %
        ctx.args.sens_samples)
    opts, om = omega(ctx, m, L, ctx.sens)
    C, lmin = psd(om)
    off = np.abs(om - np.diag(np.diag(om))).sum()
    ratio = float(off / np.abs(np.diag(om)).sum())
    # C4.1: 100 random configurations, predicted vs measured test dL.
    rng = np.random.default_rng(5)
    cfgs = [tuple(int(rng.choice(WIDTHS)) for _ in range(L))
            for _ in range(ctx.args.random_configs)]
    v = ctx.test(m, ["float"] + [fmt_layout(c) for c in cfgs])
    meas = v[1:, 0] - v[0, 0]
    pc = np.array([0.5 * onehot(opts, c) @ C @ onehot(opts, c)
                   for c in cfgs])
    pn = np.array([0.5 * onehot(opts, c) @ np.diag(np.diag(om)) @
                   onehot(opts, c) for c in cfgs])

    def spearman(a, b):
        ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
        return float(np.corrcoef(ra, rb)[0, 1])
    c41 = {"cross_term_ratio": ratio, "rho_clado": spearman(pc, meas),
           "rho_naive": spearman(pn, meas),
           "mae_clado": float(np.abs(pc - meas).mean()),
           "mae_naive": float(np.abs(pn - meas).mean()),
           "configs": len(cfgs)}
    c41["pass"] = bool(ratio >= 0.1 and c41["rho_clado"] > c41["rho_naive"]
                       and c41["mae_clado"] < c41["mae_naive"])
    log("C4.1: %s" % c41)
    # C4.2: 5 budgets, CLADO vs naive decisions, test loss on 5 chunks.
    budgets = [2.5, 2.875, 3.25, 3.625, 4.0]
    sols = [(b, solve(opts, C, L, weights, b),
             solve(opts, om, L, weights, b, naive=True)) for b in budgets]
    lays = ["float"] + [fmt_layout(s) for _, c, n in sols for s in (c, n)]
    chunks = np.array([ctx.test(m, lays, start=k * ctx.args.test_samples)
                       [:, 0] for k in range(5)])  # [5, 1 + 2*budgets]
    rows, wins, worse = [], 0, 0
    for i, (b, c, n) in enumerate(sols):
        dc, dn = chunks[:, 1 + 2 * i], chunks[:, 2 + 2 * i]
        diff = dc - dn
        se = float(diff.std(ddof=1) / np.sqrt(len(diff)))
        rows.append({"budget": b, "clado": list(c), "naive": list(n),
                     "test_loss_clado": float(dc.mean()),
                     "test_loss_naive": float(dn.mean()),
                     "diff": float(diff.mean()), "se": se})
        wins += diff.mean() < 0
        worse += diff.mean() > se
    c42 = {"budgets": rows, "wins": int(wins), "worse_by_1se": int(worse),
           "pass": bool(wins >= 4 and worse == 0)}
    log("C4.2: %s" % c42)
    # C4.3: solver sanity and robustness to the sensitivity set.
    top = solve(opts, C, L, weights, 8.0)
    bottom = solve(opts, C, L, weights, 2.0)
    Cp, _ = psd(om)
    lmin_after = float(np.linalg.eigvalsh(Cp).min())
    # The compiler's branch and bound on the same samples and budget.
    a = os.path.join(ctx.work, m + ".c43.mlir")
    r = prec.assign(ctx.args.build, ctx.model(m), "strategy=clado "
                    "budget=avg-weight-bits:3 weight-bits=2,4,8 data=%s "
                    "labels=%s sens-samples=%d" % (
                        ctx.d["sens_x"], ctx.d["sens_y"],
                        ctx.args.sens_samples), a, ctx.args.rounding,
                    calibrated=True)
    bnb = tuple(int(t[1]) for t in r["layout"].split())
    enum3 = solve(opts, C, L, weights, 3.0)
    # 5 disjoint 256-sample sensitivity sets from the training pool.
    x, y, keep = prec.training_pool()
    sel = np.random.default_rng(21).choice(keep, 5 * 256, replace=False)
    accs, decisions = [], []
    for k in range(5):
        xp = os.path.join(ctx.work, "sens5_%d_x.npy" % k)
        yp = os.path.join(ctx.work, "sens5_%d_y.npy" % k)
        np.save(xp, x[sel[k * 256:(k + 1) * 256]])
        np.save(yp, y[sel[k * 256:(k + 1) * 256]].astype(np.int64))
        _, omk = omega(ctx, m, L, lambda mm, lay: ctx.evaluate(
            mm, lay, xp, yp, 256))
        ck, _ = psd(omk)
        decisions.append(solve(opts, ck, L, weights, 3.0))
    t = ctx.test(m, [fmt_layout(dd) for dd in decisions])
    accs = [float(a_) for a_ in t[:, 1]]
    c43 = {"unlimited": list(top), "minimum": list(bottom),
           "lambda_min_before": lmin, "lambda_min_after": lmin_after,
           "enumeration_3bits": list(enum3), "branch_and_bound_3bits":
           list(bnb), "sens5_decisions": [list(dd) for dd in decisions],
           "sens5_test_top1": accs,
           "sens5_spread_pt": 100 * (max(accs) - min(accs))}
    c43["pass"] = bool(all(b == 8 for b in top) and
                       all(b == 2 for b in bottom) and
                       lmin_after >= -1e-9 and tuple(enum3) == bnb and
                       c43["sens5_spread_pt"] <= 1.0)
    log("C4.3: %s" % c43)
    return {"C4.1": c41, "C4.2": c42, "C4.3": c43,
            "layer_weights": weights}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--claims", default="C1.1,C1.2,C1.3,C4")
    ap.add_argument("--sens-samples", type=int, default=512)
    ap.add_argument("--test-samples", type=int, default=2000)
    ap.add_argument("--layouts", type=int, default=64)
    ap.add_argument("--random-configs", type=int, default=100)
    ap.add_argument("--rounding", default="auto")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out"))
    args = ap.parse_args()
    ctx = Ctx(args)
    path = os.path.join(args.out, "claims.json")
    res = json.load(open(path)) if os.path.exists(path) else {}
    res["settings"] = vars(args)
    for c in args.claims.split(","):
        log("running %s" % c)
        if c == "C1.1":
            res[c] = c11(ctx)
        elif c == "C1.2":
            res[c] = c12(ctx)
        elif c == "C1.3":
            res[c] = c13(ctx)
        elif c == "C4":
            res.update(c4x(ctx))
        res[c if c != "C4" else "C4.3"]["command_settings"] = {
            k: v for k, v in vars(args).items() if k != "out"}
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
    with open(os.path.join(args.out, "claims.md"), "w") as f:
        f.write("| claim | result |\n|---|---|\n")
        for c in ("C1.1", "C1.2", "C1.3", "C4.1", "C4.2", "C4.3"):
            if c in res:
                f.write("| %s | %s |\n" % (c, "PASS" if res[c]["pass"]
                                            else "FAIL"))
    log("wrote %s" % path)


if __name__ == "__main__":
    main()
