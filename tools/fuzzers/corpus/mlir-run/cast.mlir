// tosa.cast: float -> int rounds half to even and saturates to the
// destination range; float -> i1 is "!= 0"; int -> float is exact.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([-200, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 127.4, 300], dtype=np.float32))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<9xi8>
// CHECK-NEXT: -128 -2 -2 0 0 2 2 127 127
// CHECK-NEXT: output 1: tensor<9xi32>
// CHECK-NEXT: -200 -2 -2 0 0 2 2 127 300
// CHECK-NEXT: output 2: tensor<9xi1>
// CHECK-NEXT: 1 1 1 1 1 1 1 1 1
// CHECK-NEXT: output 3: tensor<9xf32>
// CHECK-NEXT: -128 -2 -2 0 0 2 2 127 127
func.func @main(%x: tensor<9xf32>) -> (tensor<9xi8>, tensor<9xi32>, tensor<9xi1>, tensor<9xf32>) {
  %0 = tosa.cast %x : (tensor<9xf32>) -> tensor<9xi8>
  %1 = tosa.cast %x : (tensor<9xf32>) -> tensor<9xi32>
  %2 = tosa.cast %x : (tensor<9xf32>) -> tensor<9xi1>
  %3 = tosa.cast %0 : (tensor<9xi8>) -> tensor<9xf32>
  return %0, %1, %2, %3 : tensor<9xi8>, tensor<9xi32>, tensor<9xi1>, tensor<9xf32>
}
