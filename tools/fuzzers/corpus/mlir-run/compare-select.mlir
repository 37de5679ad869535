// tosa.greater / greater_equal / equal produce i1; tosa.select picks by an
// i1 predicate with broadcasting.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, 2, 3], [3, 2, 1]], dtype=np.float32))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// CHECK:      output 0: tensor<2x3xi1>
// CHECK-NEXT: 0 0 1
// CHECK-NEXT: 1 0 0
// CHECK-NEXT: output 1: tensor<2x3xi1>
// CHECK-NEXT: 0 1 1
// CHECK-NEXT: 1 1 0
// CHECK-NEXT: output 2: tensor<2x3xi1>
// CHECK-NEXT: 0 1 0
// CHECK-NEXT: 0 1 0
// CHECK-NEXT: output 3: tensor<2x3xf32>
// CHECK-NEXT: -1 -1 3
// CHECK-NEXT: 3 -1 -1
func.func @main(%x: tensor<2x3xf32>) -> (tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xf32>) {
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %neg = "tosa.const"() {values = dense<-1.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %0 = tosa.greater %x, %two : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xi1>
  %1 = tosa.greater_equal %x, %two : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xi1>
  %2 = tosa.equal %x, %two : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xi1>
  %3 = tosa.select %0, %x, %neg : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xi1>, tensor<2x3xf32>
}
