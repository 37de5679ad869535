// tosa.slice with an explicit size and with size -1 (to the end).

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(12, dtype=np.float32).reshape(3, 4))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<2x2xf32>
// CHECK-NEXT: 5 6
// CHECK-NEXT: 9 10
// CHECK-NEXT: output 1: tensor<3x3xf32>
// CHECK-NEXT: 1 2 3
// CHECK-NEXT: 5 6 7
// CHECK-NEXT: 9 10 11
func.func @main(%x: tensor<?x4xf32>) -> (tensor<2x2xf32>, tensor<?x3xf32>) {
  %start0 = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size0 = tosa.const_shape {values = dense<[2, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.slice %x, %start0, %size0 : (tensor<?x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<2x2xf32>
  %start1 = tosa.const_shape {values = dense<[0, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size1 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.slice %x, %start1, %size1 : (tensor<?x4xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<?x3xf32>
  return %0, %1 : tensor<2x2xf32>, tensor<?x3xf32>
}
