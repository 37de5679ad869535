// RUN: mpq-opt %s | mpq-opt | FileCheck %s
// RUN: mpq-opt %s --mlir-print-op-generic | mpq-opt | FileCheck %s

// Per-tensor quantize and dequantize keep their parameters.
// CHECK-LABEL: func.func @quantize_roundtrip
func.func @quantize_roundtrip(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // CHECK: %[[Q:.*]] = mpq.quantize %{{.*}} {params = #mpq.qparams<bits = 8, is_signed = true, scale = [5.000000e-02], zero_point = [-3]>} : tensor<1x4xf32> -> tensor<1x4xi8>
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>} : tensor<1x4xf32> -> tensor<1x4xi8>
  // CHECK: mpq.dequantize %[[Q]]
  %y = mpq.dequantize %q {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// Per-channel parameters with per-channel bit-widths (class-based).
// CHECK-LABEL: func.func @per_channel_bits
func.func @per_channel_bits(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // CHECK: narrow = true, scale = [1.000000e-01, 2.000000e-01], zero_point = [0, 0], axis = 0, channel_bits = [4, 2]
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0, channel_bits = [4, 2]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// Requantize an int32 accumulator to 8 bits.
// CHECK-LABEL: func.func @requantize
func.func @requantize(%a: tensor<1x16xi32>) -> tensor<1x16xi8> {
  // CHECK: mpq.requantize %{{.*}} {input_params = #mpq.qparams<bits = 32
  // CHECK-SAME: output_params = #mpq.qparams<bits = 8
  %r = mpq.requantize %a {input_params = #mpq.qparams<bits = 32, is_signed = true, scale = [0.001], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-128]>} : tensor<1x16xi32> -> tensor<1x16xi8>
  return %r : tensor<1x16xi8>
}

// A 4-bit packed weight: 8 values in 4 bytes, and a panel-tiled 2-bit one.
// CHECK-LABEL: func.func @packed
func.func @packed() -> (tensor<2x1x1x4xi8>, tensor<3x5xi8>) {
  // CHECK: mpq.packed_constant {data = dense<[33, -1, 7, 0]> : tensor<4xi8>, is_signed = true, layout = #mpq.packing<bits = 4, container = 4>} : tensor<2x1x1x4xi8>
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<[33, -1, 7, 0]> : tensor<4xi8>, is_signed = true} : tensor<2x1x1x4xi8>
  // CHECK: #mpq.packing<bits = 2, container = 2, panel = [4, 4]>
  %p = mpq.packed_constant {layout = #mpq.packing<bits = 2, container = 2, panel = [4, 4]>, data = dense<0> : tensor<8xi8>, is_signed = false} : tensor<3x5xi8>
  return %w, %p : tensor<2x1x1x4xi8>, tensor<3x5xi8>
}

// A conv with a 3-bit packed weight (stored in 4-bit fields), fused clamp.
// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<1x5x5x2xi8>, %b: tensor<3xi32>) -> tensor<1x5x5x3xi8> {
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 3, container = 4>, data = dense<0> : tensor<27xi8>, is_signed = true} : tensor<3x3x3x2xi8>
  // CHECK: mpq.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_min = -128 : i64, dilation = array<i64: 1, 1>
  // CHECK-SAME: pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>
  %y = mpq.conv2d %x, %w, %b {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.02], zero_point = [0]>, weight_params = #mpq.qparams<bits = 3, is_signed = true, narrow = true, scale = [0.1, 0.1, 0.2], zero_point = [0, 0, 0], axis = 0>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-128]>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1, clamp_min = -128} : (tensor<1x5x5x2xi8>, tensor<3x3x3x2xi8>, tensor<3xi32>) -> tensor<1x5x5x3xi8>
  return %y : tensor<1x5x5x3xi8>
}

// Depthwise (groups = channels) with a raw int32 accumulator result.
// CHECK-LABEL: func.func @depthwise_acc
func.func @depthwise_acc(%x: tensor<?x8x8x4xi8>, %w: tensor<4x3x3x1xi8>) -> tensor<?x4x4x4xi32> {
  // CHECK: mpq.conv2d %{{.*}}, %{{.*}} {dilation
  // CHECK-SAME: groups = 4 : i64
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.02], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>, groups = 4} : (tensor<?x8x8x4xi8>, tensor<4x3x3x1xi8>) -> tensor<?x4x4x4xi32>
  return %y : tensor<?x4x4x4xi32>
}

// A two-term multipoint weight feeding a fully-connected layer.
// CHECK-LABEL: func.func @multipoint_fc
func.func @multipoint_fc(%x: tensor<1x4xi8>, %q0: tensor<2x4xi8>, %q1: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // CHECK: %[[W:.*]] = mpq.multipoint_weight %{{.*}}, %{{.*}} {params = [#mpq.qparams
  // CHECK-SAME: points = array<i32: 2, 1>
  %w = mpq.multipoint_weight %q0, %q1 {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>, #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.01, 0.02], zero_point = [0, 0], axis = 0>], points = array<i32: 2, 1>} : tensor<2x4xi8>, tensor<2x4xi8> -> tensor<2x4xf32>
  // CHECK: mpq.fully_connected %{{.*}}, %[[W]]
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.02], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xf32>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// A fully connected layer over the last axis of [?, 3, 4]: three rows per
// index of the batch.
// CHECK-LABEL: func.func @fc_rows
// CHECK: mpq.fully_connected %{{.*}}, %{{.*}} {{.*}} : (tensor<?x3x4xi8>, tensor<2x4xi8>) -> tensor<?x3x2xi8>
func.func @fc_rows(%x: tensor<?x3x4xi8>, %w: tensor<2x4xi8>) -> tensor<?x3x2xi8> {
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.02], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : (tensor<?x3x4xi8>, tensor<2x4xi8>) -> tensor<?x3x2xi8>
  return %y : tensor<?x3x2xi8>
}

// A precision decision attached to a float op.
// CHECK-LABEL: func.func @precision
func.func @precision(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8, channel_bits = [4, 2], points = 2>
  %y = tosa.abs %x {mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8, channel_bits = [4, 2], points = 2>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// Residual add with a fused Relu, and quantized average pooling.
// CHECK-LABEL: func.func @add_and_pool
func.func @add_and_pool(%a: tensor<1x7x7x8xi8>, %b: tensor<1x7x7x8xi8>) -> tensor<1x1x1x8xi8> {
  // CHECK: %[[S:.*]] = mpq.add %{{.*}}, %{{.*}} {clamp_min = -128 : i64, lhs_params
  %s = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-3]>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, clamp_min = -128} : (tensor<1x7x7x8xi8>, tensor<1x7x7x8xi8>) -> tensor<1x7x7x8xi8>
  // CHECK: mpq.avg_pool2d %[[S]] {input_params
  // CHECK-SAME: kernel = array<i64: 7, 7>
  %p = mpq.avg_pool2d %s {kernel = array<i64: 7, 7>, stride = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [-128]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [-128]>} : tensor<1x7x7x8xi8> -> tensor<1x1x1x8xi8>
  return %p : tensor<1x1x1x8xi8>
}

// Calibration statistics on the op that produces an activation.
// CHECK-LABEL: func.func @calibration
func.func @calibration(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: mpq.calib = #mpq.calibration<method = "mmse", range = [-1.000000e+00, 2.000000e+00], non_negative = false, lo = [-5.000000e-01
  %y = tosa.abs %x {mpq.calib = #mpq.calibration<method = "mmse", range = [-1.0, 2.0], non_negative = false, lo = [-0.5, -0.6, -0.7, -0.8, -0.9, -1.0, -1.0], hi = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.0]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// Scales print exactly, so a printed module computes what the in-memory one
// did (code generated by mpq-compile from memory must match mpq-run on the
// printed model.mlir bit for bit).
// CHECK-LABEL: func.func @exact_scale
func.func @exact_scale(%x: tensor<1x4xf32>) -> tensor<1x4xi8> {
  // CHECK: scale = [0.12345678901234, 3.000000e-01, 1.000000e-01, 1.000000e-01]
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.12345678901234, 0.3, 0.1, 0.1], zero_point = [0, 0, 0, 0], axis = 1>} : tensor<1x4xf32> -> tensor<1x4xi8>
  return %q : tensor<1x4xi8>
}
