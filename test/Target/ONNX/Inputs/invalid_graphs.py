#!/usr/bin/python3
"""Builds structurally invalid ONNX models for validate.test (hardening,
docs/hardening.md class 9). The onnx checker is not run: these graphs are
exactly what it would refuse, or what an exporter bug produces.

Usage: invalid_graphs.py NAME OUT.onnx
"""
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def vi(name, shape, ty=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, ty, shape)


def init(name, shape):
    return numpy_helper.from_array(np.ones(shape, np.float32), name)


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def empty_tensor(name, dims):
    """A float tensor claiming `dims` with no data (helper.make_tensor
    would refuse it)."""
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    return t


def relu(name, x, y):
    return helper.make_node("Relu", [x], [y], name=name)


def build(name):
    x, y = vi("x", ["N", 4]), vi("y", ["N", 4])
    if name == "dup_output":
        return model([relu("r1", "x", "y"), relu("r2", "x", "y")], [x], [y])
    if name == "output_is_input":
        return model([relu("r1", "x", "x")], [x], [x])
    if name == "dup_input":
        return model([relu("r1", "x", "y")], [x, vi("x", ["N", 4])], [y])
    if name == "dup_init":
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [x], [y], [init("w", [4]), init("w", [4])])
    if name == "input_init_shape":
        # 'w' is a graph input with an initializer (a default value, IR >= 4)
        # whose shape differs from the declared one.
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [x, vi("w", [3])], [y], [init("w", [4])])
    if name == "input_init_ok":
        return model([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                     [x, vi("w", [4])], [y], [init("w", [4])])
    if name == "neg_dim":
        return model([relu("r1", "x", "y")], [vi("x", [-3, 4])], [y])
    if name == "opset0":
        return model([relu("r1", "x", "y")], [x], [y], opset=0)
    if name == "opset_neg":
        return model([relu("r1", "x", "y")], [x], [y], opset=-1)
    if name == "init_overflow":
        # Overflowing dims (the element count wraps to 0) and no data.
        w = empty_tensor("w", [4, 4611686018427387904])
        return model([helper.make_node("Gemm", ["x", "w"], ["y"], name="fc")],
                     [x], [y], [w])
    if name == "const_overflow":
        w = empty_tensor("cw", [4, 4611686018427387904])
        return model([helper.make_node("Constant", [], ["w"], name="c",
                                       value=w),
                      helper.make_node("Gemm", ["x", "w"], ["y"], name="fc")],
                     [x], [y])
    if name in ("pad_overflow", "pad_huge"):
        p = 9223372036854775807 if name == "pad_overflow" else 1099511627776
        pads = numpy_helper.from_array(np.array([0, 0, 0, p], np.int64),
                                       "pads")
        return model([helper.make_node("Pad", ["x", "pads"], ["y"],
                                       name="pad")],
                     [vi("x", [1, 4])], [vi("y", [1, None])], [pads])
    if name == "reshape_overflow":
        # 4611686018427387905 * 4 wraps to 4 in int64.
        s = numpy_helper.from_array(
            np.array([4611686018427387905, 4], np.int64), "s")
        return model([helper.make_node("Reshape", ["x", "s"], ["y"],
                                       name="reshape")],
                     [vi("x", [1, 4])], [vi("y", [None, 4])], [s])
    raise SystemExit("unknown model " + name)


if __name__ == "__main__":
    m = build(sys.argv[1])
    with open(sys.argv[2], "wb") as f:
        f.write(m.SerializeToString())
