// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[1.0, 2.0], [3.0, 6.0]]], dtype=np.float32))"
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=minmax" | FileCheck %s

// A linear layer over the last axis of [1, 2, 2]: every row of K = 2 values
// is a patch, so E[x] = [(1+3)/2, (2+6)/2] = [2, 4] and E[x^2] = [5, 20].
// CHECK-LABEL: func.func @main
// CHECK: tosa.matmul {{.*}}mpq.mean_patch = dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>, mpq.mean_sq_patch = dense<[5.000000e+00, 2.000000e+01]> : tensor<2xf32>
func.func @main(%x: tensor<1x2x2xf32>) -> tensor<1x2x3xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x2x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %m : tensor<1x2x3xf32>
}
