// tosa.transpose: NCHW -> NHWC as the importer emits it, and a 2-D swap.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<1x2x3x2xf32>
// CHECK-NEXT: 0 6
// CHECK-NEXT: 1 7
// CHECK-NEXT: 2 8
// CHECK-NEXT: 3 9
// CHECK-NEXT: 4 10
// CHECK-NEXT: 5 11
// CHECK-NEXT: output 1: tensor<3x4xf32>
// CHECK-NEXT: 0 3 6 9
// CHECK-NEXT: 1 4 7 10
// CHECK-NEXT: 2 5 8 11
func.func @main(%x: tensor<?x2x2x3xf32>) -> (tensor<?x2x3x2xf32>, tensor<3x4xf32>) {
  %0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<?x2x2x3xf32>) -> tensor<?x2x3x2xf32>
  %s = tosa.const_shape {values = dense<[4, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %x, %s : (tensor<?x2x2x3xf32>, !tosa.shape<2>) -> tensor<4x3xf32>
  %2 = tosa.transpose %1 {perms = array<i32: 1, 0>} : (tensor<4x3xf32>) -> tensor<3x4xf32>
  return %0, %2 : tensor<?x2x3x2xf32>, tensor<3x4xf32>
}
