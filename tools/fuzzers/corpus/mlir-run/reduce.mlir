// Reductions keep the reduced axis with size 1; checked against NumPy and
// by the printed shapes.

// RUN: %python %S/Inputs/ref.py gen reduce %t
// RUN: mpq-run %s -i %t.in0.npy -o %t.sum.npy -o %t.max.npy -o %t.min.npy -o %t.prod.npy --print | FileCheck %s
// RUN: %python %S/Inputs/ref.py cmp %t.sum.npy %t.expected0.npy
// RUN: %python %S/Inputs/ref.py cmp %t.max.npy %t.expected1.npy
// RUN: %python %S/Inputs/ref.py cmp %t.min.npy %t.expected2.npy
// RUN: %python %S/Inputs/ref.py cmp %t.prod.npy %t.expected3.npy

// CHECK: output 0: tensor<2x1x4xf32>
// CHECK: output 1: tensor<2x1x4xf32>
// CHECK: output 2: tensor<2x3x1xf32>
// CHECK: output 3: tensor<1x3x4xf32>
func.func @main(%x: tensor<2x3x4xf32>) -> (tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x3x1xf32>, tensor<1x3x4xf32>) {
  %0 = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %1 = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %2 = tosa.reduce_min %x {axis = 2 : i32} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %3 = tosa.reduce_product %x {axis = 0 : i32} : (tensor<2x3x4xf32>) -> tensor<1x3x4xf32>
  return %0, %1, %2, %3 : tensor<2x1x4xf32>, tensor<2x1x4xf32>, tensor<2x3x1xf32>, tensor<1x3x4xf32>
}
