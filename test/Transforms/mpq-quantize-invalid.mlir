// RUN: mpq-opt %s --mpq-quantize --split-input-file --verify-diagnostics
// RUN: not mpq-opt %s --mpq-quantize="weight-bits=9" --split-input-file 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not mpq-opt %s --mpq-quantize="granularity=per-row" --split-input-file 2>&1 | FileCheck %s --check-prefix=GRAN
// RUN: not mpq-opt %s --mpq-quantize="weight-method=kl" --split-input-file 2>&1 | FileCheck %s --check-prefix=METHOD

// BITS: error: weight-bits and act-bits must be 2..8, got 9 and 8
// GRAN: error: granularity must be per-channel or per-tensor, got 'per-row'
// METHOD: error: weight-method must be mmse or maxabs, got 'kl'

// A conv whose input was never calibrated.
func.func @uncalibrated(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{this value has no calibration statistics (mpq.calib); run --mpq-calibrate first}}
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %c : tensor<1x4x4x1xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// A precision decision with the wrong number of channel widths.
func.func @channel_bits(%x: tensor<1x4x4x1xf32> {mpq.calib = #c}) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{precision gives 3 channel bit-widths for 2 channels}}
  %c = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #c, mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8, channel_bits = [4, 2, 2]>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %c : tensor<1x4x4x2xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// 8-bit x 8-bit products over a depth of 200000 could overflow int32.
func.func @overflow(%x: tensor<1x200000xf32> {mpq.calib = #c}) -> tensor<1x1xf32> {
  %s = tosa.const_shape {values = dense<[1, 1, 200000]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s : (tensor<1x200000xf32>, !tosa.shape<3>) -> tensor<1x1x200000xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x200000x1xf32>}> : () -> tensor<1x200000x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{int32 accumulator could overflow: 200000 products of up to 128 x 127}}
  %m = tosa.matmul %x3, %w, %z, %z : (tensor<1x1x200000xf32>, tensor<1x200000x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %s2 = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %m, %s2 {mpq.calib = #c} : (tensor<1x1x1xf32>, !tosa.shape<2>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// A linear layer over the last axis of a 3-D input gets the same checks as
// a Gemm: here its output was never calibrated.
func.func @linear_3d_uncalibrated_output(%x: tensor<1x4x2xf32> {mpq.calib = #c}) -> tensor<1x4x3xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{this value has no calibration statistics (mpq.calib); run --mpq-calibrate first}}
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  return %m : tensor<1x4x3xf32>
}

// -----

// expected-error@+1 {{mpq-quantize expects single-block functions}}
func.func @two_blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
^bb1:
  return %x : tensor<4xf32>
}

// -----

// A conv whose activation is itself a constant has nothing to calibrate.
func.func @constant_input() -> tensor<1x2x2x1xf32> {
  %x = "tosa.const"() <{values = dense<1.0> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{constant operands are not quantized here}}
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}
