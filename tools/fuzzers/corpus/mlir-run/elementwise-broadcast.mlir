// Binary elementwise ops with TOSA broadcasting ([2,1,3] with [1,4,3]) against
// NumPy.

// RUN: %python %S/Inputs/ref.py gen broadcast %t
// RUN: mpq-run %s -i %t.in0.npy -i %t.in1.npy -i %t.in2.npy -o %t.add.npy -o %t.sub.npy -o %t.mul.npy -o %t.max.npy -o %t.min.npy -o %t.pow.npy
// RUN: %python %S/Inputs/ref.py cmp %t.add.npy %t.expected0.npy
// RUN: %python %S/Inputs/ref.py cmp %t.sub.npy %t.expected1.npy
// RUN: %python %S/Inputs/ref.py cmp %t.mul.npy %t.expected2.npy
// RUN: %python %S/Inputs/ref.py cmp %t.max.npy %t.expected3.npy
// RUN: %python %S/Inputs/ref.py cmp %t.min.npy %t.expected4.npy
// RUN: %python %S/Inputs/ref.py cmp %t.pow.npy %t.expected5.npy

func.func @main(%a: tensor<2x1x3xf32>, %b: tensor<1x4x3xf32>, %c: tensor<2x4x1xf32>)
    -> (tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %0 = tosa.add %a, %b : (tensor<2x1x3xf32>, tensor<1x4x3xf32>) -> tensor<2x4x3xf32>
  %1 = tosa.sub %a, %b : (tensor<2x1x3xf32>, tensor<1x4x3xf32>) -> tensor<2x4x3xf32>
  %2 = tosa.mul %a, %b, %shift : (tensor<2x1x3xf32>, tensor<1x4x3xf32>, tensor<1xi8>) -> tensor<2x4x3xf32>
  %3 = tosa.maximum %a, %b : (tensor<2x1x3xf32>, tensor<1x4x3xf32>) -> tensor<2x4x3xf32>
  %4 = tosa.minimum %a, %b : (tensor<2x1x3xf32>, tensor<1x4x3xf32>) -> tensor<2x4x3xf32>
  %5 = tosa.pow %c, %b : (tensor<2x4x1xf32>, tensor<1x4x3xf32>) -> tensor<2x4x3xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x4x3xf32>
}
