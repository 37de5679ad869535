// tosa.conv2d: a hand-checked case, then NumPy references for padding,
// stride and dilation, the direct 1x1 path (with a broadcast [1] bias) and a
// batch-1 convolution large enough to be split over output rows.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1))"
// RUN: mpq-run %s --entry small -i %t.x.npy --print | FileCheck %s

// RUN: %python %S/Inputs/ref.py gen conv_pad_stride_dil %t.a
// RUN: mpq-run %s --entry pad_stride_dil -i %t.a.in0.npy -i %t.a.in1.npy -i %t.a.in2.npy -o %t.a.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.a.out.npy %t.a.expected0.npy

// RUN: %python %S/Inputs/ref.py gen conv_stride_dil_odd %t.b
// RUN: mpq-run %s --entry stride_dil_odd -i %t.b.in0.npy -i %t.b.in1.npy -i %t.b.in2.npy -o %t.b.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.b.out.npy %t.b.expected0.npy

// RUN: %python %S/Inputs/ref.py gen conv_1x1 %t.c
// RUN: mpq-run %s --entry one_by_one -i %t.c.in0.npy -i %t.c.in1.npy -i %t.c.in2.npy -o %t.c.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.c.out.npy %t.c.expected0.npy

// RUN: %python %S/Inputs/ref.py gen conv_batch1 %t.d
// RUN: mpq-run %s --entry batch1 -i %t.d.in0.npy -i %t.d.in1.npy -i %t.d.in2.npy -o %t.d.out.npy --num-threads 2
// RUN: %python %S/Inputs/ref.py cmp %t.d.out.npy %t.d.expected0.npy

// 2x2 all-ones kernel, bias 0.5, over 1..9: window sums + 0.5.
// CHECK:      output 0: tensor<1x2x2x1xf32>
// CHECK-NEXT: 12.5
// CHECK-NEXT: 16.5
// CHECK-NEXT: 24.5
// CHECK-NEXT: 28.5
func.func @small(%x: tensor<1x3x3x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %0 : tensor<1x2x2x1xf32>
}

func.func @pad_stride_dil(%x: tensor<?x9x10x3xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<?x5x7x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 2>, pad = array<i64: 1, 1, 0, 1>, stride = array<i64: 2, 1>} : (tensor<?x9x10x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x5x7x4xf32>
  return %0 : tensor<?x5x7x4xf32>
}

func.func @stride_dil_odd(%x: tensor<?x17x17x5xf32>, %w: tensor<6x3x3x5xf32>, %b: tensor<6xf32>) -> tensor<?x6x8x6xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 2>, pad = array<i64: 0, 1, 2, 0>, stride = array<i64: 3, 2>} : (tensor<?x17x17x5xf32>, tensor<6x3x3x5xf32>, tensor<6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x6x8x6xf32>
  return %0 : tensor<?x6x8x6xf32>
}

func.func @one_by_one(%x: tensor<?x5x6x8xf32>, %w: tensor<3x1x1x8xf32>, %b: tensor<1xf32>) -> tensor<?x5x6x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x5x6x8xf32>, tensor<3x1x1x8xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x5x6x3xf32>
  return %0 : tensor<?x5x6x3xf32>
}

func.func @batch1(%x: tensor<1x32x32x8xf32>, %w: tensor<16x5x5x8xf32>, %b: tensor<16xf32>) -> tensor<1x32x32x16xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x32x32x8xf32>, tensor<16x5x5x8xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x32x32x16xf32>
  return %0 : tensor<1x32x32x16xf32>
}
