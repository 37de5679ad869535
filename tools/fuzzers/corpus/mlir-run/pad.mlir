// tosa.pad: padding laid out [before0, after0, before1, after1], filled with
// pad_const.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(1, 5, dtype=np.float32).reshape(2, 2))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<5x3xf32>
// CHECK-NEXT: -1 -1 -1
// CHECK-NEXT: -1 1 2
// CHECK-NEXT: -1 3 4
// CHECK-NEXT: -1 -1 -1
// CHECK-NEXT: -1 -1 -1
func.func @main(%x: tensor<2x2xf32>) -> tensor<5x3xf32> {
  %p = tosa.const_shape {values = dense<[1, 2, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %c = "tosa.const"() {values = dense<-1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.pad %x, %p, %c : (tensor<2x2xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<5x3xf32>
  return %0 : tensor<5x3xf32>
}
