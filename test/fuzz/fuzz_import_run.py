#!/usr/bin/python3
"""Mutation fuzzing of mpq-translate --import-onnx and mpq-run.

Mutates real ONNX files (the bundled models and libonnx-testdata tests of
supported ops): random byte flips and truncations, and structural changes
(attribute values, initializer and input dimensions, deleted inputs). Every
mutant must either import or be refused with exit code 1 and a diagnostic;
what imports is run on the test's inputs and must either run or be refused
the same way. A signal, another exit code, or an "internal error" fails.
Seeded, so a failure reproduces.

Usage: fuzz_import_run.py --bin BUILD/bin [--seed S] [--iterations N]
"""
import argparse
import concurrent.futures
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

OPS = ("conv", "maxpool", "averagepool", "gemm", "matmul", "reshape",
       "transpose", "concat", "softmax", "flatten", "pad", "clip",
       "batchnorm", "globalaverage", "add", "leakyrelu", "hardswish",
       "dropout")
DATA = "/usr/share/libonnx-testdata/data"


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return t


def structural(rng, d):
    """A node test with its non-data inputs frozen, then mutated."""
    m = onnx.load(d + "/model.onnx")
    inits = {i.name for i in m.graph.initializer}
    ins = [i for i in m.graph.input if i.name not in inits]
    ds = d + "/test_data_set_0"
    for k, info in enumerate(ins[1:], start=1):
        pb = f"{ds}/input_{k}.pb"
        if os.path.exists(pb):
            t = load_pb(pb)
            t.name = info.name
            m.graph.initializer.append(t)
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        nodes = list(m.graph.node)
        if r < 0.5 and nodes:
            node = rng.choice(nodes)
            if node.attribute:
                a = rng.choice(node.attribute)
                if a.ints:
                    a.ints[rng.randrange(len(a.ints))] = rng.randint(-4, 9)
                elif a.type == onnx.AttributeProto.INT:
                    a.i = rng.randint(-4, 9)
                elif a.type == onnx.AttributeProto.FLOAT:
                    a.f = rng.choice([0.0, -1.0, 1e30, float("nan")])
            elif node.input:
                del node.input[rng.randrange(len(node.input))]
        elif r < 0.8 and m.graph.initializer:
            t = rng.choice(m.graph.initializer)
            if t.dims:
                t.dims[rng.randrange(len(t.dims))] = rng.randint(0, 9)
        else:
            for vi in list(m.graph.input) + list(m.graph.output):
                dims = vi.type.tensor_type.shape.dim
                if dims and rng.random() < 0.5:
                    dims[rng.randrange(len(dims))].dim_value = rng.randint(0, 9)
    return m.SerializeToString(), m, ds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iterations", type=int, default=120)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    node_dirs = sorted(d for d in glob.glob(DATA + "/node/test_*")
                       if any(os.path.basename(d).startswith("test_" + o)
                              for o in OPS))
    node_dirs += sorted(glob.glob(DATA + "/pytorch-converted/test_*"))
    files = sorted(glob.glob(os.path.join(root, "examples", "models", "*.onnx")))
    translate = os.path.join(a.bin, "mpq-translate")
    run = os.path.join(a.bin, "mpq-run")
    # The cases come from one seeded generator, in order; running them is
    # independent, so it is spread over every core.
    cases = []
    for it in range(a.iterations):
        model, ds = None, None
        if rng.random() < 0.3:
            data = bytearray(open(rng.choice(files + [d + "/model.onnx"
                                                      for d in node_dirs[:20]]),
                                  "rb").read())
            if rng.random() < 0.4:
                data = data[:rng.randrange(1, len(data))]
            else:
                for _ in range(rng.randint(1, 8)):
                    data[rng.randrange(len(data))] = rng.randrange(256)
            blob = bytes(data)
        else:
            blob, model, ds = structural(rng, rng.choice(node_dirs))
        cases.append((it, blob, model, ds))

    def one(tmp, case):
        it, blob, model, ds = case
        work = tempfile.mkdtemp(dir=tmp)
        mpath, mlir = os.path.join(work, "m.onnx"), os.path.join(work, "m.mlir")
        with open(mpath, "wb") as f:
            f.write(blob)
        p = subprocess.run([translate, "--import-onnx", mpath, "-o", mlir],
                           capture_output=True, timeout=120)
        stage = "import"
        if p.returncode == 0 and model is not None:
            args = [run, mlir, "--batch-size", "0"]
            frozen = {t.name for t in model.graph.initializer}
            k = 0
            for info in model.graph.input:
                if info.name in frozen:
                    continue
                pb = f"{ds}/input_{k}.pb"
                if not os.path.exists(pb):
                    break
                ip = os.path.join(work, f"in{k}.npy")
                np.save(ip, numpy_helper.to_array(load_pb(pb)))
                args += ["-i", ip]
                k += 1
            p = subprocess.run(args, capture_output=True, timeout=120)
            stage = "run"
        shutil.rmtree(work, ignore_errors=True)
        return stage, p

    bad = 0
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for (it, blob, _, _), (stage, p) in zip(
                cases, pool.map(lambda c: one(tmp, c), cases)):
            if p.returncode not in (0, 1) or b"internal error" in p.stderr:
                bad += 1
                keep = f"fuzz-failure-seed{a.seed}-it{it}.onnx"
                with open(keep, "wb") as f:
                    f.write(blob)
                print(f"FAIL iteration {it} ({stage}): exit {p.returncode}; "
                      f"kept as {keep}\n{p.stderr.decode(errors='replace')[-600:]}")
    print(f"{a.iterations - bad} passed, {bad} failed")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
