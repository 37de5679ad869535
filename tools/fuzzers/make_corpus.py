#!/usr/bin/python3
"""Writes the seed corpora of the libFuzzer harnesses (tools/fuzzers/corpus).

Small, valid inputs of each format, built here from scratch so the corpus is
ours and reproducible; libFuzzer mutates from them. Rerun after changing the
seeds: /usr/bin/python3 tools/fuzzers/make_corpus.py
"""
import io
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")


def write(kind, name, data):
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    with open(os.path.join(OUT, kind, name), "wb") as f:
        f.write(data)


def npy_bytes(a, version=None):
    b = io.BytesIO()
    if version is None:
        np.save(b, a)
    else:
        np.lib.format.write_array(b, a, version=version)
    return b.getvalue()


def npy():
    rng = np.random.default_rng(0)
    write("npy", "f32-2x3", npy_bytes(rng.standard_normal((2, 3)).astype(np.float32)))
    write("npy", "f64-4", npy_bytes(np.arange(4, dtype=np.float64)))
    write("npy", "i64-3", npy_bytes(np.array([1, -2, 3], dtype=np.int64)))
    write("npy", "i32-2x2", npy_bytes(np.array([[1, 2], [3, 4]], dtype=np.int32)))
    write("npy", "u8-5", npy_bytes(np.arange(5, dtype=np.uint8)))
    write("npy", "bool-3", npy_bytes(np.array([True, False, True])))
    write("npy", "scalar", npy_bytes(np.float32(1.5)))
    write("npy", "empty-0x4", npy_bytes(np.zeros((0, 4), np.float32)))
    write("npy", "v2-f32-2", npy_bytes(np.ones(2, np.float32), version=(2, 0)))
    write("npy", "nan-inf", npy_bytes(np.array([np.nan, np.inf, -np.inf], np.float32)))


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "fuzz", inputs, outputs, list(inits))
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    return m.SerializeToString()


def onnx_seeds():
    f = TensorProto.FLOAT
    x4 = helper.make_tensor_value_info("x", f, [1, 2, 4, 4])
    rng = np.random.default_rng(1)
    w = numpy_helper.from_array(rng.standard_normal((3, 2, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(np.zeros(3, np.float32), "b")
    write("onnx", "conv-relu", model(
        [helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"])],
        [x4], [helper.make_tensor_value_info("y", f, [1, 3, 4, 4])], [w, b]))
    write("onnx", "maxpool-flatten-gemm", model(
        [helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
         helper.make_node("Flatten", ["p"], ["fl"]),
         helper.make_node("Gemm", ["fl", "gw", "gb"], ["y"], transB=1)],
        [x4], [helper.make_tensor_value_info("y", f, [1, 5])],
        [numpy_helper.from_array(rng.standard_normal((5, 8)).astype(np.float32), "gw"),
         numpy_helper.from_array(np.ones(5, np.float32), "gb")]))
    x2 = helper.make_tensor_value_info("x", f, [2, 3])
    write("onnx", "add-mul-clip", model(
        [helper.make_node("Add", ["x", "x"], ["a"]),
         helper.make_node("Mul", ["a", "x"], ["m"]),
         helper.make_node("Clip", ["m", "lo", "hi"], ["y"])],
        [x2], [helper.make_tensor_value_info("y", f, [2, 3])],
        [numpy_helper.from_array(np.array(-1, np.float32), "lo"),
         numpy_helper.from_array(np.array(1, np.float32), "hi")]))
    write("onnx", "reshape-transpose-softmax", model(
        [helper.make_node("Reshape", ["x", "s"], ["r"]),
         helper.make_node("Transpose", ["r"], ["t"], perm=[1, 0]),
         helper.make_node("Softmax", ["t"], ["y"], axis=1)],
        [x2], [helper.make_tensor_value_info("y", f, [3, 2])],
        [numpy_helper.from_array(np.array([3, 2], np.int64), "s")]))
    write("onnx", "pad-avgpool", model(
        [helper.make_node("Pad", ["x", "pads"], ["p"], mode="constant"),
         helper.make_node("AveragePool", ["p"], ["y"], kernel_shape=[3, 3])],
        [x4], [helper.make_tensor_value_info("y", f, [1, 2, 4, 4])],
        [numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "pads")]))
    write("onnx", "concat-globalavg", model(
        [helper.make_node("Concat", ["x", "x"], ["c"], axis=1),
         helper.make_node("GlobalAveragePool", ["c"], ["y"])],
        [x4], [helper.make_tensor_value_info("y", f, [1, 4, 1, 1])]))


MLIR = {
    "clamp": """func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = tosa.clamp %x {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
""",
    "mul-add": """func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %x, %two, %shift : (tensor<2x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x4xf32>
  %a = tosa.add %m, %x : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %a : tensor<2x4xf32>
}
""",
    "reshape-transpose": """func.func @main(%x: tensor<2x6xf32>) -> tensor<4x3xf32> {
  %s = tosa.const_shape {values = dense<[3, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %x, %s : (tensor<2x6xf32>, !tosa.shape<2>) -> tensor<3x4xf32>
  %t = tosa.transpose %r {perms = array<i32: 1, 0>} : (tensor<3x4xf32>) -> tensor<4x3xf32>
  return %t : tensor<4x3xf32>
}
""",
    "reduce-max": """func.func @main(%x: tensor<3x5xf32>) -> tensor<3x1xf32> {
  %r = tosa.reduce_max %x {axis = 1 : i32} : (tensor<3x5xf32>) -> tensor<3x1xf32>
  return %r : tensor<3x1xf32>
}
""",
}


def mlir_seeds():
    for name, text in MLIR.items():
        write("mlir-run", name + ".mlir", text.encode())


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    npy()
    onnx_seeds()
    mlir_seeds()
    # Seeds from the repository's own tests and models (ours).
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, "examples/models/dw_cnn.onnx"), "rb") as f:
        write("onnx", "dw_cnn", f.read())
    for name in ("tile", "pad", "concat", "reshape", "transpose", "cast",
                 "slice", "reduce", "compare-select", "unary",
                 "elementwise-broadcast", "conv2d", "depthwise_conv2d",
                 "pool", "matmul", "error-multipoint"):
        with open(os.path.join(root, "test/Executor", name + ".mlir"), "rb") as f:
            write("mlir-run", name + ".mlir", f.read())
    # Quantized modules (mpq dialect): each case of the codegen test.
    with open(os.path.join(root, "test/Conversion/MPQToNeon/lower-to-neon.mlir")) as f:
        for i, case in enumerate(f.read().split("// -----")):
            write("mlir-run", "quantized-%d.mlir" % i, case.encode())
    for kind in sorted(os.listdir(OUT)):
        print(kind, len(os.listdir(os.path.join(OUT, kind))), "files")
