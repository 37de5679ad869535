#!/usr/bin/python3
"""Builds small ONNX models for the importer's lit tests.

Usage: make_model.py NAME OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(0)


def t(name, shape, lo=-1.0, hi=1.0):
    return numpy_helper.from_array(
        rng.uniform(lo, hi, shape).astype(np.float32), name)


def vi(name, shape, ty=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, ty, shape)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def build(name):
    N = "N"
    if name == "cnn":
        # Conv-Relu-MaxPool-Flatten-Gemm with a symbolic batch.
        return model([
            helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv1",
                             pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
            helper.make_node("Relu", ["c"], ["r"], name="relu1"),
            helper.make_node("MaxPool", ["r"], ["p"], name="pool1",
                             kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Flatten", ["p"], ["f"], name="flat"),
            helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc",
                             transB=1),
        ], [vi("x", [N, 1, 8, 8])], [vi("y", [N, 10])],
            [t("w", [4, 1, 3, 3]), t("b", [4]), t("fw", [10, 64]),
             t("fb", [10])])
    if name == "bn_fold":
        return model([
            helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
            helper.make_node("BatchNormalization",
                             ["c", "s", "bb", "m", "v"], ["y"], name="bn"),
        ], [vi("x", [1, 2, 4, 4])], [vi("y", [1, 3, 4, 4])],
            [t("w", [3, 2, 1, 1]), t("s", [3]), t("bb", [3]), t("m", [3]),
             t("v", [3], 0.5, 1.5)])
    if name == "bn_alone":
        return model([
            helper.make_node("BatchNormalization",
                             ["x", "s", "bb", "m", "v"], ["y"], name="bn"),
        ], [vi("x", [1, 3, 4, 4])], [vi("y", [1, 3, 4, 4])],
            [t("s", [3]), t("bb", [3]), t("m", [3]), t("v", [3], 0.5, 1.5)])
    if name == "residual":
        # Add of two NHWC branches stays NHWC; GlobalAveragePool; Softmax.
        return model([
            helper.make_node("Conv", ["x", "w1"], ["a"], name="c1",
                             pads=[1, 1, 1, 1]),
            helper.make_node("Relu", ["a"], ["ar"], name="r1"),
            helper.make_node("Conv", ["ar", "w2"], ["b"], name="c2",
                             pads=[1, 1, 1, 1]),
            helper.make_node("Add", ["b", "ar"], ["s"], name="add"),
            helper.make_node("GlobalAveragePool", ["s"], ["g"], name="gap"),
            helper.make_node("Flatten", ["g"], ["f"], name="flat"),
            helper.make_node("Softmax", ["f"], ["y"], name="sm"),
        ], [vi("x", [N, 4, 6, 6])], [vi("y", [N, 4])],
            [t("w1", [4, 4, 3, 3]), t("w2", [4, 4, 3, 3])])
    if name == "depthwise":
        return model([
            helper.make_node("Conv", ["x", "w"], ["d"], name="dw", group=4,
                             pads=[1, 1, 1, 1], strides=[2, 2]),
            helper.make_node("Conv", ["d", "w2"], ["y"], name="grouped",
                             group=2),
        ], [vi("x", [1, 4, 7, 7])], [vi("y", [1, 6, 4, 4])],
            [t("w", [4, 1, 3, 3]), t("w2", [6, 2, 1, 1])])
    if name == "ceil_pool":
        return model([
            helper.make_node("AveragePool", ["x"], ["y"], name="ap",
                             kernel_shape=[3, 3], strides=[2, 2],
                             ceil_mode=1),
        ], [vi("x", [1, 2, 6, 6])], [vi("y", [1, 2, 3, 3])])
    if name == "ceil_pool_edge":
        # ceil_mode would add a third window, but it would start at 4, in
        # the end padding (input 0..3, no begin padding): it is dropped.
        return model([
            helper.make_node("MaxPool", ["x"], ["y"], name="mp",
                             kernel_shape=[2, 2], strides=[2, 2],
                             pads=[0, 0, 1, 1], ceil_mode=1),
        ], [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 2, 2])])
    # --- malformed or unsupported models
    if name == "unsupported_op":
        return model([helper.make_node("Abs", ["x"], ["y"], name="abs1")],
                     [vi("x", [1, 4])], [vi("y", [1, 4])])
    if name == "int_input":
        return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                     [vi("x", [1, 4], TensorProto.INT64)],
                     [vi("y", [1, 4], TensorProto.INT64)])
    if name == "string_init":
        init = helper.make_tensor("w", TensorProto.STRING, [1], [b"a"])
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [vi("x", [1])], [vi("y", [1])], [init])
    if name == "bad_init_size":
        init = helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0])
        init.dims[:] = [2, 2]
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [vi("x", [2, 2])], [vi("y", [2, 2])], [init])
    if name == "external_data":
        init = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
        del init.float_data[:]
        init.data_location = TensorProto.EXTERNAL
        e = init.external_data.add()
        e.key, e.value = "location", "weights.bin"
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [vi("x", [4])], [vi("y", [4])], [init])
    if name == "missing_input":
        return model([helper.make_node("Add", ["x", "nowhere"], ["y"],
                                       name="add")],
                     [vi("x", [4])], [vi("y", [4])])
    if name == "too_few_inputs":
        # A Reshape that lost its data input (found by fuzzing: it crashed).
        return model([
            helper.make_node("Reshape", ["", "s"], ["y"], name="reshape"),
        ], [vi("x", [1, 4])], [vi("y", [2, 2])],
            [numpy_helper.from_array(np.array([2, 2], np.int64), "s")])
    if name == "gemm_bad_c":
        # C must broadcast to [M, N] (found by fuzzing: an internal error).
        return model([
            helper.make_node("Gemm", ["x", "w", "c"], ["y"], name="fc"),
        ], [vi("x", [1, 3])], [vi("y", [1, 4])],
            [t("w", [3, 4]), t("c", [3, 4])])
    if name == "dynamic_shape":
        return model([
            helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape"),
        ], [vi("x", [1, 4]), vi("s", [2], TensorProto.INT64)],
            [vi("y", [2, 2])])
    if name == "computed_shape":
        return model([
            helper.make_node("Relu", ["s"], ["r"], name="r"),
            helper.make_node("Reshape", ["x", "r"], ["y"], name="reshape"),
        ], [vi("x", [1, 4]), vi("s", [2])], [vi("y", [2, 2])])
    if name == "float_shape":
        return model([
            helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape"),
        ], [vi("x", [1, 4])], [vi("y", [2, 2])], [t("s", [2])])
    if name == "conv3d":
        return model([helper.make_node("Conv", ["x", "w"], ["y"], name="c3")],
                     [vi("x", [1, 1, 3, 3, 3])], [vi("y", [1, 1, 3, 3, 3])],
                     [t("w", [1, 1, 1, 1, 1])])
    if name == "symbolic_spatial":
        return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                     [vi("x", [1, "H", "W"])], [vi("y", [1, "H", "W"])])
    if name == "old_opset":
        return model([helper.make_node("Relu", ["x"], ["y"], name="r")],
                     [vi("x", [1])], [vi("y", [1])], opset=22)
    raise SystemExit("unknown model " + name)


if __name__ == "__main__":
    m = build(sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(m.SerializeToString())
