// tosa.tile repeats each dimension `multiples` times.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(1, 5, dtype=np.float32).reshape(2, 2))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<4x6xf32>
// CHECK-NEXT: 1 2 1 2 1 2
// CHECK-NEXT: 3 4 3 4 3 4
// CHECK-NEXT: 1 2 1 2 1 2
// CHECK-NEXT: 3 4 3 4 3 4
func.func @main(%x: tensor<2x2xf32>) -> tensor<4x6xf32> {
  %m = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.tile %x, %m : (tensor<2x2xf32>, !tosa.shape<2>) -> tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}
