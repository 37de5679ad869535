#!/usr/bin/python3
"""Runs ONNX's own backend tests (Debian's libonnx-testdata: the `node`
operator tests and the `pytorch-converted`, `pytorch-operator` and `simple`
model suites) through mpq-translate --import-onnx and mpq-run, and compares
with the expected outputs.

Every node test whose ops are all in mpq's supported set is run. Weights,
shapes and other parameter inputs of the test graphs are frozen into
initializers first (mpq compiles a network with constant weights, as any
deployment compiler does); data inputs stay runtime inputs. A test that fails
must be listed with its reason in expected-failures.txt beside this script;
a listed test that passes is an error too, so the list stays honest.

Usage: run_onnx_node_tests.py --bin BUILD/bin [--data DIR] [--suites a,b]
                              [--only PATTERN]
Prints one line per test and closes with 'N passed, N failed'.
"""
import argparse
import fnmatch
import os
import concurrent.futures
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

SUPPORTED = {
    "Conv", "Gemm", "MatMul", "Relu", "Clip", "LeakyRelu", "Sigmoid",
    "HardSwish", "HardSigmoid", "Add", "Sub", "Mul", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Flatten", "Reshape", "Transpose", "Concat",
    "Softmax", "BatchNormalization", "Constant", "Identity", "Dropout", "Pad",
    # Added for exported real-world models (issue 10).
    "Div", "Pow", "Sqrt", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum",
    "ReduceProd", "Log", "Exp", "Neg", "Max", "Min", "Sum", "Mean", "Tanh",
    "Erf", "Abs", "Floor", "Ceil", "Reciprocal", "Softplus", "Squeeze",
    "Unsqueeze", "Slice", "Split", "Gather", "Cast", "Resize", "Upsample",
    "ConvTranspose", "Shape", "Size", "ConstantOfShape", "Expand", "Equal",
    "Where", "If", "Range",
}
# Ops whose every input is data; for the others only input 0 is data and the
# rest (weights, shapes, pads, clip bounds, BN statistics) are frozen.
ALL_DATA = {"Add", "Sub", "Mul", "MatMul", "Concat", "Gemm", "Div", "Pow",
            "Max", "Min", "Sum", "Mean"}

RTOL, ATOL = 1e-4, 1e-5


def load_tensor(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def data_inputs(model):
    """Names of graph inputs that stay runtime inputs."""
    keep = set()
    for node in model.graph.node:
        for k, name in enumerate(node.input):
            if node.op_type in ALL_DATA or k == 0:
                keep.add(name)
    return keep


def run_test(test_dir, bindir, tmp):
    model = onnx.load(os.path.join(test_dir, "model.onnx"))
    ops = {n.op_type for n in model.graph.node}
    if not ops <= SUPPORTED:
        return None, "ops not supported: " + ",".join(sorted(ops - SUPPORTED))
    for i in list(model.graph.input) + list(model.graph.output):
        if not i.type.HasField("tensor_type"):
            return False, f"'{i.name}' is not a tensor (sequence/optional)"
    inits = {i.name for i in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in inits]
    keep = data_inputs(model)
    sets = sorted(d for d in os.listdir(test_dir) if d.startswith("test_data_set"))
    for ds in sets:
        dsdir = os.path.join(test_dir, ds)
        vals = [load_tensor(os.path.join(dsdir, f"input_{k}.pb"))
                for k in range(len(inputs))]
        m = onnx.ModelProto()
        m.CopyFrom(model)
        runtime = []
        for info, v in zip(inputs, vals):
            if info.name in keep:
                runtime.append(v)
                continue
            m.graph.initializer.append(numpy_helper.from_array(v, info.name))
        mpath = os.path.join(tmp, "model.onnx")
        onnx.save(m, mpath)
        mlir = os.path.join(tmp, "model.mlir")
        p = subprocess.run([os.path.join(bindir, "mpq-translate"),
                            "--import-onnx", mpath, "-o", mlir],
                           capture_output=True, text=True)
        if p.returncode != 0:
            return False, "import: " + p.stderr.strip().splitlines()[-1]
        # Inputs of a node test need not share a batch dimension.
        args = [os.path.join(bindir, "mpq-run"), mlir, "--batch-size", "0"]
        for k, v in enumerate(runtime):
            ip = os.path.join(tmp, f"in{k}.npy")
            np.save(ip, v)
            args += ["-i", ip]
        nout = len(model.graph.output)
        outs = [os.path.join(tmp, f"out{k}.npy") for k in range(nout)]
        for o in outs:
            args += ["-o", o]
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode != 0:
            msg = (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])
            return False, "run: " + msg[-1]
        for k, o in enumerate(outs):
            want = load_tensor(os.path.join(dsdir, f"output_{k}.pb"))
            got = np.load(o)
            if got.shape != want.shape:
                return False, f"{ds} output {k}: shape {got.shape} != {want.shape}"
            if not np.allclose(got, want.astype(got.dtype), rtol=RTOL, atol=ATOL,
                               equal_nan=True):
                err = np.max(np.abs(got.astype(np.float64) - want))
                return False, f"{ds} output {k}: max abs error {err:.3g}"
    return True, f"{len(sets)} data set(s)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    ap.add_argument("--suites",
                    default="node,pytorch-converted,pytorch-operator,simple")
    ap.add_argument("--only", default="*")
    ap.add_argument("--expected",
                    default=os.path.join(os.path.dirname(__file__),
                                         "expected-failures.txt"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if not os.path.isdir(a.data):
        print(f"error: {a.data} not found (apt-get install libonnx-testdata)")
        sys.exit(2)
    expected = {}
    with open(a.expected) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition(" ")
                expected[name] = reason.strip()
    passed = failed = xfail = skipped = 0
    bad = []
    tests = []
    for suite in a.suites.split(","):
        d = os.path.join(a.data, suite)
        if not os.path.isdir(d):
            print(f"error: suite {d} not found")
            sys.exit(2)
        tests += [(f"{suite}/{t}", os.path.join(d, t)) for t in sorted(os.listdir(d))
                  if os.path.exists(os.path.join(d, t, "model.onnx"))]
    tests = [(t, path) for t, path in tests if fnmatch.fnmatch(t, a.only)]

    def one(tmp, path):
        try:
            return run_test(path, a.bin, tempfile.mkdtemp(dir=tmp))
        except Exception as e:  # a test file this script cannot read
            return False, f"harness: {type(e).__name__}: {e}"

    # Each test spawns mpq-translate and mpq-run: run them on every core,
    # report in a fixed order.
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        results = pool.map(lambda tp: one(tmp, tp[1]), tests)
        for (t, path), (ok, msg) in zip(tests, results):
            if ok is None:
                skipped += 1
                continue
            if ok and t not in expected:
                passed += 1
                print(f"PASS  {t}: {msg}")
            elif ok:
                failed += 1
                bad.append(t)
                print(f"XPASS {t}: listed as failing ({expected[t]}) but passes")
            elif t in expected:
                xfail += 1
                print(f"XFAIL {t}: {msg}  [{expected[t]}]")
            else:
                failed += 1
                bad.append(t)
                print(f"FAIL  {t}: {msg}")
    print(f"\n{passed} conformance tests pass, {xfail} expected failures "
          f"(listed with reasons), {skipped} tests use unsupported ops")
    if bad:
        print("unexpected: " + " ".join(bad))
    print(f"{passed} passed, {failed} failed, {xfail} expected failures")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
