// tosa.depthwise_conv2d against NumPy: multiplier 1 with padding, multiplier
// 2 with stride (output channel c * M + m), and dilation with asymmetric
// padding and stride.

// RUN: %python %S/Inputs/ref.py gen depthwise_m1 %t.a
// RUN: mpq-run %s --entry m1 -i %t.a.in0.npy -i %t.a.in1.npy -i %t.a.in2.npy -o %t.a.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.a.out.npy %t.a.expected0.npy

// RUN: %python %S/Inputs/ref.py gen depthwise_m2 %t.b
// RUN: mpq-run %s --entry m2 -i %t.b.in0.npy -i %t.b.in1.npy -i %t.b.in2.npy -o %t.b.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.b.out.npy %t.b.expected0.npy

// RUN: %python %S/Inputs/ref.py gen depthwise_dil %t.c
// RUN: mpq-run %s --entry dilated -i %t.c.in0.npy -i %t.c.in1.npy -i %t.c.in2.npy -o %t.c.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.c.out.npy %t.c.expected0.npy

// A hand-checked case: channel 0 times 1, channel 1 times 2 and 3 (M = 2).
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[[[1, 10]]]], dtype=np.float32))"
// RUN: mpq-run %s --entry tiny -i %t.x.npy --print | FileCheck %s
// CHECK:      output 0: tensor<1x1x1x4xf32>
// CHECK-NEXT: 1 0 20 30

func.func @m1(%x: tensor<?x8x8x4xf32>, %w: tensor<3x3x4x1xf32>, %b: tensor<4xf32>) -> tensor<?x8x8x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<?x8x8x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x8x8x4xf32>
  return %0 : tensor<?x8x8x4xf32>
}

func.func @m2(%x: tensor<?x9x9x3xf32>, %w: tensor<3x3x3x2xf32>, %b: tensor<6xf32>) -> tensor<?x5x5x6xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x9x9x3xf32>, tensor<3x3x3x2xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x5x5x6xf32>
  return %0 : tensor<?x5x5x6xf32>
}

func.func @dilated(%x: tensor<?x10x7x5xf32>, %w: tensor<2x3x5x1xf32>, %b: tensor<5xf32>) -> tensor<?x9x3x5xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 2, 2>, pad = array<i64: 0, 1, 2, 2>, stride = array<i64: 1, 3>} : (tensor<?x10x7x5xf32>, tensor<2x3x5x1xf32>, tensor<5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x9x3x5xf32>
  return %0 : tensor<?x9x3x5xf32>
}

func.func @tiny(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x4xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, 0.0], [2.0, 3.0]]]]> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
  return %0 : tensor<1x1x1x4xf32>
}
