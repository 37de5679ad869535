// RUN: mpq-opt %s --mpq-quantize="weight-bits=2 bias-correction=false" | FileCheck %s --check-prefix=WEIGHT
// RUN: mpq-opt %s --mpq-quantize="weight-bits=2 bias-correction=false weight-objective=output" | FileCheck %s --check-prefix=OUTPUT
// RUN: not mpq-opt %s --mpq-quantize="weight-objective=loss" 2>&1 | FileCheck %s --check-prefix=BAD

// Weights [1.0, 0.3, 0.2, 0.1] at 2 bits (codes -1, 0, 1). Minimising the
// weight error keeps the 1.0 (scale near 1); the first input is always zero
// (E[x^2] = [0, 1, 1, 1]), so minimising the output error spends the codes
// on the other three (scale near 0.25).
// WEIGHT: weight_params = #mpq.qparams<bits = 2, is_signed = true, narrow = true, scale = [{{(9|1\.0)[0-9.]*e-01|1\.[0-9]*e\+00}}]
// OUTPUT: weight_params = #mpq.qparams<bits = 2, is_signed = true, narrow = true, scale = [{{0\.2[0-9]*}}]
// BAD: error: weight-objective must be output or weight, got 'loss'

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>
func.func @objective(%x: tensor<1x2x2x4xf32> {mpq.calib = #c}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.3, 0.2, 0.1]]]]> : tensor<1x1x1x4xf32>}> : () -> tensor<1x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #c, mpq.mean_sq_patch = dense<[0.0, 1.0, 1.0, 1.0]> : tensor<4xf32>} : (tensor<1x2x2x4xf32>, tensor<1x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}
