// Unary elementwise ops against NumPy: clamp, sigmoid, tanh, exp, log,
// reciprocal, negate, abs, floor, ceil, rsqrt, erf.

// RUN: %python %S/Inputs/ref.py gen unary %t
// RUN: mpq-run %s -i %t.in0.npy -i %t.in1.npy -o %t.0.npy -o %t.1.npy -o %t.2.npy -o %t.3.npy -o %t.4.npy -o %t.5.npy -o %t.6.npy -o %t.7.npy -o %t.8.npy -o %t.9.npy -o %t.10.npy -o %t.11.npy
// RUN: %python %S/Inputs/ref.py cmp %t.0.npy %t.expected0.npy
// RUN: %python %S/Inputs/ref.py cmp %t.1.npy %t.expected1.npy
// RUN: %python %S/Inputs/ref.py cmp %t.2.npy %t.expected2.npy
// RUN: %python %S/Inputs/ref.py cmp %t.3.npy %t.expected3.npy
// RUN: %python %S/Inputs/ref.py cmp %t.4.npy %t.expected4.npy
// RUN: %python %S/Inputs/ref.py cmp %t.5.npy %t.expected5.npy
// RUN: %python %S/Inputs/ref.py cmp %t.6.npy %t.expected6.npy
// RUN: %python %S/Inputs/ref.py cmp %t.7.npy %t.expected7.npy
// RUN: %python %S/Inputs/ref.py cmp %t.8.npy %t.expected8.npy
// RUN: %python %S/Inputs/ref.py cmp %t.9.npy %t.expected9.npy
// RUN: %python %S/Inputs/ref.py cmp %t.10.npy %t.expected10.npy
// RUN: %python %S/Inputs/ref.py cmp %t.11.npy %t.expected11.npy

!t = tensor<3x5xf32>
func.func @main(%x: !t, %p: !t) -> (!t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.clamp %x {min_val = -1.0 : f32, max_val = 0.5 : f32} : (!t) -> !t
  %1 = tosa.sigmoid %x : (!t) -> !t
  %2 = tosa.tanh %x : (!t) -> !t
  %3 = tosa.exp %x : (!t) -> !t
  %4 = tosa.log %p : (!t) -> !t
  %5 = tosa.reciprocal %p : (!t) -> !t
  %6 = tosa.negate %x, %zp, %zp : (!t, tensor<1xf32>, tensor<1xf32>) -> !t
  %7 = tosa.abs %x : (!t) -> !t
  %8 = tosa.floor %x : (!t) -> !t
  %9 = tosa.ceil %x : (!t) -> !t
  %10 = tosa.rsqrt %p : (!t) -> !t
  %11 = tosa.erf %x : (!t) -> !t
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t, !t
}
