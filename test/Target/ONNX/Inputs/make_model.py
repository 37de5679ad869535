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
    # --- exported-model idioms (shape arithmetic, If, the added ops)
    if name == "shape_folding":
        # Flatten written as Shape->Gather->Unsqueeze->Concat->Reshape, and an
        # If on the channel count: constants once x's shape is given.
        i64 = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)
        then_g = helper.make_graph(
            [helper.make_node("Relu", ["x"], ["t"], name="then_relu")],
            "then", [], [vi("t", None)])
        else_g = helper.make_graph(
            [helper.make_node("Sigmoid", ["x"], ["e"], name="else_sig")],
            "else", [], [vi("e", None)])
        return model([
            helper.make_node("Shape", ["x"], ["s"], name="shape"),
            helper.make_node("Gather", ["s", "zero"], ["b"], name="gather",
                             axis=0),
            helper.make_node("Unsqueeze", ["b", "ax0"], ["bu"], name="unsq"),
            helper.make_node("Concat", ["bu", "minus1"], ["tgt"], name="cat",
                             axis=0),
            helper.make_node("Reshape", ["x", "tgt"], ["y"], name="reshape"),
            helper.make_node("Gather", ["s", "one"], ["ch"], name="gather_c",
                             axis=0),
            helper.make_node("Equal", ["ch", "three"], ["cond"], name="eq"),
            helper.make_node("If", ["cond"], ["z"], name="if",
                             then_branch=then_g, else_branch=else_g),
        ], [vi("x", ["N", 3, "H", "W"])], [vi("y", None), vi("z", None)],
            [i64("zero", 0), i64("one", 1), i64("ax0", [0]),
             i64("minus1", [-1]), i64("three", 3)])
    if name == "elementwise_ops":
        # LayerNorm written out (ReduceMean, Sub, Pow, Sqrt, Div) and a clamp
        # through Max/Min with scalar constants.
        c = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
        return model([
            helper.make_node("ReduceMean", ["x"], ["m"], name="mean",
                             axes=[-1]),
            helper.make_node("Sub", ["x", "m"], ["d"], name="sub"),
            helper.make_node("Pow", ["d", "two"], ["d2"], name="pow"),
            helper.make_node("ReduceMean", ["d2"], ["v"], name="var",
                             axes=[-1]),
            helper.make_node("Add", ["v", "eps"], ["ve"], name="add"),
            helper.make_node("Sqrt", ["ve"], ["sd"], name="sqrt"),
            helper.make_node("Div", ["d", "sd"], ["n"], name="div"),
            helper.make_node("Div", ["n", "six"], ["n6"], name="div6"),
            helper.make_node("Max", ["n6", "zero"], ["lo"], name="max"),
            helper.make_node("Min", ["lo", "one"], ["y"], name="min"),
            helper.make_node("Neg", ["y"], ["z"], name="neg"),
        ], [vi("x", [2, 8])], [vi("z", [2, 8])],
            [c("two", 2.0), c("eps", 1e-5), c("six", 6.0), c("zero", 0.0),
             c("one", 1.0)])
    if name == "resize_convtranspose":
        c = lambda n, v: numpy_helper.from_array(np.array(v, np.float32), n)
        return model([
            helper.make_node("Resize", ["x", "", "sc"], ["r"], name="up",
                             mode="nearest",
                             coordinate_transformation_mode="asymmetric",
                             nearest_mode="floor"),
            helper.make_node("Resize", ["x", "", "sc"], ["l"], name="bil",
                             mode="linear",
                             coordinate_transformation_mode="half_pixel"),
            helper.make_node("ConvTranspose", ["x", "w"], ["t"], name="deconv",
                             strides=[2, 2]),
            helper.make_node("Pad", ["x", "pads"], ["p"], name="reflect",
                             mode="reflect"),
        ], [vi("x", [1, 2, 4, 4])],
            [vi("r", None), vi("l", None), vi("t", None), vi("p", None)],
            [c("sc", [1, 1, 2, 2]), t("w", [2, 3, 2, 2]),
             numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1],
                                              np.int64), "pads")])
    if name == "data_movement":
        i64 = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)
        return model([
            helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["s"],
                             name="slice"),
            helper.make_node("Split", ["x", "sizes"], ["a", "b"],
                             name="split", axis=1),
            helper.make_node("Gather", ["x", "idx"], ["g"], name="gather",
                             axis=1),
            helper.make_node("Squeeze", ["g", "ax1"], ["q"], name="squeeze"),
            helper.make_node("Conv", ["x", "w1"], ["c"], name="conv1d",
                             pads=[1, 1]),
        ], [vi("x", [1, 4, 6])],
            [vi("s", None), vi("a", None), vi("b", None), vi("q", None),
             vi("c", None)],
            [i64("st", [0]), i64("en", [6]), i64("ax", [2]), i64("sp", [2]),
             i64("sizes", [1, 3]), i64("idx", [2]), i64("ax1", [1]),
             t("w1", [5, 4, 3])])
    if name == "lstm":
        return model([helper.make_node("LSTM", ["x", "w", "r"], ["y"],
                                       name="lstm", hidden_size=2)],
                     [vi("x", [1, 1, 2])], [vi("y", None)],
                     [t("w", [1, 8, 2]), t("r", [1, 8, 2])])
    if name == "if_dynamic":
        g = helper.make_graph(
            [helper.make_node("Relu", ["x"], ["t"], name="relu")],
            "b", [], [vi("t", None)])
        return model([helper.make_node("If", ["c"], ["y"], name="if",
                                       then_branch=g, else_branch=g)],
                     [vi("x", [1, 2]), vi("c", [1])], [vi("y", None)])
    if name == "shape_symbolic":
        return model([
            helper.make_node("Shape", ["x"], ["s"], name="shape"),
            helper.make_node("Reshape", ["x", "s"], ["y"], name="reshape"),
        ], [vi("x", ["N", 4])], [vi("y", ["N", 4])])
    if name == "resize_cubic":
        return model([
            helper.make_node("Resize", ["x", "", "sc"], ["y"], name="cubic",
                             mode="cubic"),
        ], [vi("x", [1, 1, 2, 2])], [vi("y", None)],
            [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32),
                                     "sc")])
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
        return model([helper.make_node("Hardmax", ["x"], ["y"], name="hm1")],
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
