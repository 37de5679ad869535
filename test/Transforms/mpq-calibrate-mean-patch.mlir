// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[[1.0], [2.0]]], [[[3.0], [6.0]]]], dtype=np.float32))"
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=minmax" | FileCheck %s

// Layers with constant weights get E[x] over samples and window positions
// for bias correction. 1x1 conv: the mean of all inputs, (1+2+3+6)/4 = 3.
// 1x2 conv with one column of end padding: position 0 sees (x0, x1), position
// 1 sees (x1, 0), so E[patch] = [(2+4)/2, (4+0)/2] = [3, 2].
// E[x^2] the same way: (1+4+9+36)/4 = 12.5, and [(5+20)/2, (20+0)/2].
// CHECK-LABEL: func.func @main
// CHECK: tosa.conv2d {{.*}}mpq.mean_patch = dense<3.000000e+00> : tensor<1xf32>, mpq.mean_sq_patch = dense<1.250000e+01> : tensor<1xf32>
// CHECK: tosa.conv2d {{.*}}mpq.mean_patch = dense<[3.000000e+00, 2.000000e+00]> : tensor<2xf32>, mpq.mean_sq_patch = dense<[1.250000e+01, 1.000000e+01]> : tensor<2xf32>
func.func @main(%x: tensor<?x1x2x1xf32>) -> (tensor<?x1x2x1xf32>, tensor<?x1x2x1xf32>) {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %w2 = "tosa.const"() <{values = dense<1.0> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x1x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x2x1xf32>
  %d = tosa.conv2d %x, %w2, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 1>, stride = array<i64: 1, 1>} : (tensor<?x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x2x1xf32>
  return %c, %d : tensor<?x1x2x1xf32>, tensor<?x1x2x1xf32>
}
