#!/usr/bin/python3
"""Imports and runs convolutions and pools with every combination of
zero/non-zero begin and end pads, and compares mpq-run's outputs with a
naive NumPy reference.

One ONNX model holds, for each of the 16 patterns saying which of the four
pads (top, left, bottom, right) is non-zero: a Conv with stride 1, a Conv
with stride 2 (so the end pad also decides whether the last window exists),
a MaxPool, an AveragePool that excludes the padding from the divisor and
one that includes it. The non-zero pads are top 1, left 2, bottom 2,
right 1, so any two pads swapped, or one taken for another, changes the
output size or the values.

Usage: asymmetric_pads.py --bin BUILD/bin --work DIR
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

K = 3
NONZERO = (1, 2, 2, 1)  # top, left, bottom, right when non-zero


def out_size(n, k, s, begin, end):
    return (n + begin + end - k) // s + 1


def windows(x, k, s, pads, fill):
    """x: [N, C, H, W] -> padded windows [N, C, OH, OW, k, k] and a mask of
    real (non-pad) elements."""
    t, l, b, r = pads
    n, c, h, w = x.shape
    xp = np.full((n, c, h + t + b, w + l + r), fill, dtype=np.float64)
    xp[:, :, t:t + h, l:l + w] = x
    mask = np.zeros((h + t + b, w + l + r), dtype=bool)
    mask[t:t + h, l:l + w] = True
    oh, ow = out_size(h, k, s, t, b), out_size(w, k, s, l, r)
    win = np.empty((n, c, oh, ow, k, k))
    m = np.empty((oh, ow, k, k), dtype=bool)
    for i in range(oh):
        for j in range(ow):
            win[:, :, i, j] = xp[:, :, i * s:i * s + k, j * s:j * s + k]
            m[i, j] = mask[i * s:i * s + k, j * s:j * s + k]
    return win, m


def conv_ref(x, w, bias, s, pads):
    win, _ = windows(x, K, s, pads, 0.0)
    return np.einsum("ncijyx,ocyx->noij", win, w) + bias[None, :, None, None]


def pool_ref(x, kind, pads):
    if kind == "max":
        win, _ = windows(x, K, 1, pads, -np.inf)
        return win.max(axis=(4, 5))
    win, m = windows(x, K, 1, pads, 0.0)
    total = win.sum(axis=(4, 5))
    if kind == "avg_include":
        return total / (K * K)
    return total / m.sum(axis=(2, 3))[None, None]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    rng = np.random.default_rng(5)
    N, C, H, W, O = 2, 3, 7, 6, 4
    x = rng.normal(0, 1, (N, C, H, W)).astype(np.float32)
    w = rng.normal(0, 0.5, (O, C, K, K)).astype(np.float32)
    bias = rng.normal(0, 0.5, O).astype(np.float32)

    nodes, outputs, refs = [], [], []
    for mask in itertools.product((0, 1), repeat=4):
        pads = [p if on else 0 for p, on in zip(NONZERO, mask)]
        onnx_pads = [pads[0], pads[1], pads[2], pads[3]]  # t, l, b, r
        tag = "".join(map(str, pads))
        cases = [
            ("conv_s1", helper.make_node(
                "Conv", ["x", "w", "b"], [f"conv_s1_{tag}"],
                kernel_shape=[K, K], pads=onnx_pads),
             conv_ref(x, w, bias, 1, pads)),
            ("conv_s2", helper.make_node(
                "Conv", ["x", "w", "b"], [f"conv_s2_{tag}"],
                kernel_shape=[K, K], pads=onnx_pads, strides=[2, 2]),
             conv_ref(x, w, bias, 2, pads)),
            ("max", helper.make_node(
                "MaxPool", ["x"], [f"max_{tag}"], kernel_shape=[K, K],
                pads=onnx_pads),
             pool_ref(x, "max", pads)),
            ("avg_exclude", helper.make_node(
                "AveragePool", ["x"], [f"avg_exclude_{tag}"],
                kernel_shape=[K, K], pads=onnx_pads),
             pool_ref(x, "avg_exclude", pads)),
            ("avg_include", helper.make_node(
                "AveragePool", ["x"], [f"avg_include_{tag}"],
                kernel_shape=[K, K], pads=onnx_pads, count_include_pad=1),
             pool_ref(x, "avg_include", pads)),
        ]
        for kind, node, ref in cases:
            node.name = node.output[0]
            nodes.append(node)
            outputs.append(helper.make_tensor_value_info(
                node.output[0], TensorProto.FLOAT, list(ref.shape)))
            refs.append((node.output[0], ref))

    graph = helper.make_graph(
        nodes, "asymmetric_pads",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [N, C, H, W])],
        outputs,
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(bias, "b")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    got = import_and_run(model, x, args.bin, args.work)
    bad = count_mismatches(refs, got)
    print(f"asymmetric pads: {len(refs) - bad}/{len(refs)} outputs match "
          "the NumPy reference")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
