// tosa.max_pool2d and tosa.avg_pool2d: padding never wins a max and is
// excluded from the average's divisor.

// RUN: %python %S/Inputs/ref.py gen pools %t.a
// RUN: mpq-run %s --entry pools -i %t.a.in0.npy -o %t.a.max.npy -o %t.a.avg.npy
// RUN: %python %S/Inputs/ref.py cmp %t.a.max.npy %t.a.expected0.npy
// RUN: %python %S/Inputs/ref.py cmp %t.a.avg.npy %t.a.expected1.npy

// RUN: %python %S/Inputs/ref.py gen pools_asym %t.b
// RUN: mpq-run %s --entry asym -i %t.b.in0.npy -o %t.b.max.npy -o %t.b.avg.npy
// RUN: %python %S/Inputs/ref.py cmp %t.b.max.npy %t.b.expected0.npy
// RUN: %python %S/Inputs/ref.py cmp %t.b.avg.npy %t.b.expected1.npy

// All-negative input: a max over windows touching the padding is still
// negative; the corner average divides by the one valid element.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', -np.array([1, 2, 3, 4], dtype=np.float32).reshape(1, 2, 2, 1))"
// RUN: mpq-run %s --entry small -i %t.x.npy --print | FileCheck %s
// CHECK:      output 0: tensor<1x2x2x1xf32>
// CHECK-NEXT: -1
// CHECK-NEXT: -1
// CHECK-NEXT: -1
// CHECK-NEXT: -1
// CHECK-NEXT: output 1: tensor<1x2x2x1xf32>
// CHECK-NEXT: -1
// CHECK-NEXT: -1.5
// CHECK-NEXT: -2
// CHECK-NEXT: -2.5

func.func @pools(%x: tensor<?x7x7x3xf32>) -> (tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.max_pool2d %x {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x7x7x3xf32>) -> tensor<?x4x4x3xf32>
  %1 = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<?x7x7x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x3xf32>
  return %0, %1 : tensor<?x4x4x3xf32>, tensor<?x4x4x3xf32>
}

func.func @asym(%x: tensor<?x6x9x2xf32>) -> (tensor<?x3x4x2xf32>, tensor<?x3x4x2xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.max_pool2d %x {kernel = array<i64: 2, 3>, pad = array<i64: 0, 0, 1, 2>, stride = array<i64: 2, 3>} : (tensor<?x6x9x2xf32>) -> tensor<?x3x4x2xf32>
  %1 = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 3>, pad = array<i64: 0, 0, 1, 2>, stride = array<i64: 2, 3>} : (tensor<?x6x9x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x3x4x2xf32>
  return %0, %1 : tensor<?x3x4x2xf32>, tensor<?x3x4x2xf32>
}

func.func @small(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %0, %1 : tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>
}
