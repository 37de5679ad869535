// tosa.matmul [N,H,C] x [N,C,W] against NumPy, a hand-checked case, and a
// tall batch-1 product (split over rows between threads).

// RUN: %python %S/Inputs/ref.py gen matmul %t.a
// RUN: mpq-run %s --entry batched -i %t.a.in0.npy -i %t.a.in1.npy -o %t.a.out.npy
// RUN: %python %S/Inputs/ref.py cmp %t.a.out.npy %t.a.expected0.npy

// RUN: %python %S/Inputs/ref.py gen matmul_large %t.b
// RUN: mpq-run %s --entry tall -i %t.b.in0.npy -i %t.b.in1.npy -o %t.b.out.npy --num-threads 2
// RUN: %python %S/Inputs/ref.py cmp %t.b.out.npy %t.b.expected0.npy

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[[1, 2], [3, 4]]], dtype=np.float32))"
// RUN: mpq-run %s --entry small -i %t.x.npy --print | FileCheck %s
// [[1,2],[3,4]] x [[1,0,1],[0,1,1]]
// CHECK:      output 0: tensor<1x2x3xf32>
// CHECK-NEXT: 1 2 3
// CHECK-NEXT: 3 4 7

func.func @batched(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

func.func @tall(%a: tensor<1x?x70xf32>, %b: tensor<1x70x33xf32>) -> tensor<1x?x33xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x?x70xf32>, tensor<1x70x33xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x33xf32>
  return %0 : tensor<1x?x33xf32>
}

func.func @small(%a: tensor<1x2x2xf32>) -> tensor<1x2x3xf32> {
  %b = "tosa.const"() {values = dense<[[[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x2x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %0 : tensor<1x2x3xf32>
}
