"""Shared by the import tests that build an ONNX model in Python and check
mpq-run's outputs against a NumPy reference: save, import, run with every
output, compare."""
import os
import subprocess

import numpy as np
import onnx


def import_and_run(model, x, bindir, work):
    """Saves `model` and its input `x` under `work`, imports it with
    mpq-translate and runs it in mpq-run; returns every output, in graph
    order."""
    path = os.path.join(work, "model.onnx")
    onnx.save(model, path)
    mlir = os.path.join(work, "model.mlir")
    subprocess.run([os.path.join(bindir, "mpq-translate"), "--import-onnx",
                    path, "-o", mlir], check=True)
    xin = os.path.join(work, "x.npy")
    np.save(xin, x)
    outs = [os.path.join(work, f"y{i}.npy")
            for i in range(len(model.graph.output))]
    cmd = [os.path.join(bindir, "mpq-run"), mlir, "-i", xin]
    for o in outs:
        cmd += ["-o", o]
    subprocess.run(cmd, check=True)
    return [np.load(o) for o in outs]


def count_mismatches(refs, got, rtol=1e-5, atol=1e-5):
    """Prints one line per output of `got` whose shape or values differ from
    its (name, reference) in `refs`; returns how many do."""
    bad = 0
    for (name, ref), g in zip(refs, got):
        if g.shape != ref.shape:
            print(f"{name}: shape {list(g.shape)}, reference "
                  f"{list(ref.shape)}")
            bad += 1
        elif not np.allclose(g, ref, rtol=rtol, atol=atol):
            print(f"{name}: values differ (max error "
                  f"{np.abs(g - ref).max():.3g})")
            bad += 1
    return bad
