#!/usr/bin/python3
"""Imports Conv -> Transpose for every permutation of the four axes and
compares mpq-run's outputs with NumPy.

The importer keeps a conv's output in NHWC while ONNX sees NCHW, so a
Transpose of it must map each ONNX axis to the physical one; the axes of
the conv output (2, 4, 5, 6) all differ, so a permutation applied to the
wrong layout changes the shape or the values.

Usage: transpose_layout.py --bin BUILD/bin --work DIR
Prints one line per mismatch and a summary; exits 1 on any mismatch.
"""
import argparse
import itertools
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(7)
    N, C, H, W, O = 2, 3, 5, 6, 4
    x = rng.normal(0, 1, (N, C, H, W)).astype(np.float32)
    w = rng.normal(0, 0.5, (O, C, 1, 1)).astype(np.float32)
    conv = np.einsum("nchw,oc->nohw", x.astype(np.float64),
                     w[:, :, 0, 0].astype(np.float64))

    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[1, 1],
                              name="conv")]
    outputs, refs = [], []
    for perm in itertools.permutations(range(4)):
        name = "t" + "".join(map(str, perm))
        nodes.append(helper.make_node("Transpose", ["c"], [name], perm=perm,
                                      name=name))
        ref = conv.transpose(perm)
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT,
                                                     list(ref.shape)))
        refs.append((name, ref))
    graph = helper.make_graph(
        nodes, "transpose_layout",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N, C, H, W])],
        outputs, [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    path = os.path.join(args.work, "model.onnx")
    onnx.save(model, path)
    mlir = os.path.join(args.work, "model.mlir")
    subprocess.run([os.path.join(args.bin, "mpq-translate"), "--import-onnx",
                    path, "-o", mlir], check=True)
    np.save(os.path.join(args.work, "x.npy"), x)
    outs = [os.path.join(args.work, f"y{i}.npy") for i in range(len(refs))]
    cmd = [os.path.join(args.bin, "mpq-run"), mlir, "-i",
           os.path.join(args.work, "x.npy")]
    for o in outs:
        cmd += ["-o", o]
    subprocess.run(cmd, check=True)

    bad = 0
    for (name, ref), o in zip(refs, outs):
        got = np.load(o)
        if got.shape != ref.shape:
            print(f"{name}: shape {list(got.shape)}, reference "
                  f"{list(ref.shape)}")
            bad += 1
        elif not np.allclose(got, ref, rtol=1e-5, atol=1e-5):
            print(f"{name}: values differ (max error "
                  f"{np.abs(got - ref).max():.3g})")
            bad += 1
    print(f"transpose of a conv output: {len(refs) - bad}/{len(refs)} "
          "permutations match NumPy")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
