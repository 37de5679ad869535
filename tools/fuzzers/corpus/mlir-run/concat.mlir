// tosa.concat along the inner and the outer axis.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.arange(4, dtype=np.float32).reshape(2, 2))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<2x5xf32>
// CHECK-NEXT: 0 1 7 7 7
// CHECK-NEXT: 2 3 7 7 7
// CHECK-NEXT: output 1: tensor<4x2xf32>
// CHECK-NEXT: 0 1
// CHECK-NEXT: 2 3
// CHECK-NEXT: 0 1
// CHECK-NEXT: 2 3
func.func @main(%x: tensor<?x2xf32>) -> (tensor<?x5xf32>, tensor<?x2xf32>) {
  %c = "tosa.const"() {values = dense<7.0> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %0 = tosa.concat %x, %c {axis = 1 : i32} : (tensor<?x2xf32>, tensor<2x3xf32>) -> tensor<?x5xf32>
  %1 = tosa.concat %x, %x {axis = 0 : i32} : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  return %0, %1 : tensor<?x5xf32>, tensor<?x2xf32>
}
