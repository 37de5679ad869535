// tosa.reshape with an inferred (-1) dimension on a dynamic batch.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(2, 2, 3))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<2x6xf32>
// CHECK-NEXT: 0 1 2 3 4 5
// CHECK-NEXT: 6 7 8 9 10 11
// CHECK-NEXT: output 1: tensor<3x4xf32>
// CHECK-NEXT: 0 1 2 3
// CHECK-NEXT: 4 5 6 7
// CHECK-NEXT: 8 9 10 11
func.func @main(%x: tensor<?x2x3xf32>) -> (tensor<?x6xf32>, tensor<3x?xf32>) {
  %s0 = tosa.const_shape {values = dense<[-1, 6]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.reshape %x, %s0 : (tensor<?x2x3xf32>, !tosa.shape<2>) -> tensor<?x6xf32>
  %s1 = tosa.const_shape {values = dense<[3, -1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %x, %s1 : (tensor<?x2x3xf32>, !tosa.shape<2>) -> tensor<3x?xf32>
  return %0, %1 : tensor<?x6xf32>, tensor<3x?xf32>
}
