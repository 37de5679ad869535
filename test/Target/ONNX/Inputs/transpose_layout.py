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
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from run_against import count_mismatches, import_and_run


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
    got = import_and_run(model, x, args.bin, args.work)
    bad = count_mismatches(refs, got)
    print(f"transpose of a conv output: {len(refs) - bad}/{len(refs)} "
          "permutations match NumPy")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
