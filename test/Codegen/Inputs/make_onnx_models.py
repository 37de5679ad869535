#!/usr/bin/python3
"""Writes small ONNX models that exercise code generation of float islands
and constants, and calibration data for them.

Usage: make_onnx_models.py OUTDIR
Writes OUTDIR/<name>.onnx for every model below and OUTDIR/x.npy (16
samples of [3, 8, 8], seeded), OUTDIR/x1.npy (its first sample) and
OUTDIR/labels.npy (16 class ids in 0..4); OUTDIR/xm.npy (8 samples of [4, 8])
for matmul_act and erf_act; OUTDIR/xa.npy (8 samples of [6, 8]) for
attention.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(7)


def weights(*shape):
    return (RNG.normal(size=shape) * 0.3).astype(np.float32)


def scalar(v):
    return np.array(v, np.float32)


def save(out, name, nodes, inits, inputs, outputs, opset=13):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
         for n, s in inputs],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
         for n, s in outputs],
        [numpy_helper.from_array(v, k) for k, v in inits.items()])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, name + ".onnx"))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    conv = helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1])
    base = {"w": weights(8, 3, 3, 3), "b": weights(8)}

    # Hard-swish as exporters write it: c * clip(c + 3, 0, 6) * (1/6), a
    # float island whose operands are constants.
    save(out, "hswish", [
        conv,
        helper.make_node("Add", ["c", "three"], ["a"]),
        helper.make_node("Clip", ["a", "zero", "six"], ["r"]),
        helper.make_node("Mul", ["c", "r"], ["m"]),
        helper.make_node("Mul", ["m", "sixth"], ["hs"]),
        helper.make_node("Conv", ["hs", "w2"], ["y"]),
    ], dict(base, three=scalar(3), zero=scalar(0), six=scalar(6),
            sixth=scalar(1 / 6), w2=weights(4, 8, 1, 1)),
        [("x", ["N", 3, 8, 8])], [("y", ["N", 4, 8, 8])])

    # A Concat with a constant operand (static batch 1, as exported).
    save(out, "concat_const", [
        conv,
        helper.make_node("Concat", ["c", "k"], ["cat"], axis=1),
        helper.make_node("Conv", ["cat", "w3"], ["y"]),
    ], dict(base, k=weights(1, 2, 8, 8), w3=weights(4, 10, 1, 1)),
        [("x", [1, 3, 8, 8])], [("y", [1, 4, 8, 8])])

    # A classifier exported with a static batch of 1 (calibration, GPTQ and
    # top-1 then run the samples one at a time).
    save(out, "batch1_classifier", [
        conv,
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("GlobalAveragePool", ["r"], ["p"]),
        helper.make_node("Flatten", ["p"], ["f"]),
        helper.make_node("Gemm", ["f", "wf", "bf"], ["y"], transB=1),
    ], dict(base, wf=weights(5, 8), bf=weights(5)),
        [("x", [1, 3, 8, 8])], [("y", [1, 5])])

    # A product of two activations: a float tosa.matmul, which code
    # generation refuses (mpq-compile finds it before calibrating).
    save(out, "matmul_act", [
        helper.make_node("Transpose", ["x"], ["xt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["x", "xt"], ["y"]),
    ], {}, [("x", ["N", 4, 8])], [("y", ["N", 4, 4])])
    np.save(os.path.join(out, "xm.npy"),
            RNG.normal(size=(8, 4, 8)).astype(np.float32))

    x = RNG.normal(size=(16, 3, 8, 8)).astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "x1.npy"), x[:1])
    np.save(os.path.join(out, "labels.npy"),
            RNG.integers(0, 5, size=16).astype(np.int64))

    # The models below draw from their own generator, so the ones above
    # keep their weights and data.
    rng = np.random.default_rng(11)

    def w2(*shape):
        return (rng.normal(size=shape) * 0.3).astype(np.float32)

    # Erf (as in GELU) after a linear layer stays float and has no float
    # kernel: code generation refuses it.
    save(out, "erf_act", [helper.make_node("MatMul", ["x", "we"], ["m"]),
                          helper.make_node("Erf", ["m"], ["y"])],
         {"we": w2(8, 8)}, [("x", ["N", 4, 8])], [("y", ["N", 4, 8])])

    # One self-attention head as PyTorch exports it: linear layers are
    # MatMul [N, 6, 8] x [8, 8] + bias (quantized as fully connected layers
    # over the rows), Q K^T and softmax(.) V are products of two
    # activations (float islands).
    def linear(name, src, k, n):
        return ([helper.make_node("MatMul", [src, name + "_w"], [name + "_m"]),
                 helper.make_node("Add", [name + "_m", name + "_b"], [name])],
                {name + "_w": w2(k, n), name + "_b": w2(n)})
    nodes, inits = [], {}
    for name in ("q", "k", "v"):
        n_, i_ = linear(name, "x", 8, 8)
        nodes += n_
        inits.update(i_)
    nodes += [
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["s"]),
        helper.make_node("Mul", ["s", "scale"], ["ss"]),
        helper.make_node("Softmax", ["ss"], ["p"], axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["att"]),
    ]
    n_, i_ = linear("y", "att", 8, 4)
    nodes += n_
    inits.update(i_)
    inits["scale"] = scalar(1 / np.sqrt(8))
    save(out, "attention", nodes, inits, [("x", ["N", 6, 8])],
         [("y", ["N", 6, 4])])
    np.save(os.path.join(out, "xa.npy"),
            rng.normal(size=(8, 6, 8)).astype(np.float32))


if __name__ == "__main__":
    main()
