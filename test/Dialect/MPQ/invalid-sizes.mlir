// RUN: mpq-opt %s -split-input-file -verify-diagnostics

// Hardening (docs/hardening.md, classes 1, 2 and 4): shapes and attributes
// whose size arithmetic overflows or exceeds the single-tensor limit, and
// per-axis parameters on a dimension without a static extent.

// Per-axis parameters along a dynamic dimension: quantize.
func.func @f(%x: tensor<?x3xf32>) -> tensor<?x3xi8> {
  // expected-error@+1 {{'mpq.quantize' op result is quantized along axis 0, which must have a static extent in 'tensor<?x3xi8>'}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>} : tensor<?x3xf32> -> tensor<?x3xi8>
  return %q : tensor<?x3xi8>
}

// -----

// Per-axis parameters along a dynamic dimension: dequantize.
func.func @f(%x: tensor<2x?xi8>) -> tensor<2x?xf32> {
  // expected-error@+1 {{'mpq.dequantize' op input is quantized along axis 1, which must have a static extent in 'tensor<2x?xi8>'}}
  %d = mpq.dequantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 1>} : tensor<2x?xi8> -> tensor<2x?xf32>
  return %d : tensor<2x?xf32>
}

// -----

// Per-axis parameters along a dynamic dimension: requantize.
func.func @f(%a: tensor<?x2xi32>) -> tensor<?x2xi8> {
  // expected-error@+1 {{'mpq.requantize' op input is quantized along axis 0, which must have a static extent in 'tensor<?x2xi32>'}}
  %r = mpq.requantize %a {input_params = #mpq.qparams<bits = 32, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<?x2xi32> -> tensor<?x2xi8>
  return %r : tensor<?x2xi8>
}

// -----

// A tensor type whose element count overflows int64.
func.func @f(%x: tensor<4611686018427387904x4xf32>) -> tensor<4611686018427387904x4xi8> {
  // expected-error@+1 {{'mpq.quantize' op operand #0 of type 'tensor<4611686018427387904x4xf32>': shape 4611686018427387904x4 (element type size 4 bytes) overflows 64-bit size arithmetic}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<4611686018427387904x4xf32> -> tensor<4611686018427387904x4xi8>
  return %q : tensor<4611686018427387904x4xi8>
}

// -----

// A tensor type beyond the single-tensor limit (2^40 bytes), dynamic batch.
func.func @f(%x: tensor<?x1099511627776xi8>) -> tensor<?x1099511627776xf32> {
  // expected-error@+1 {{'mpq.dequantize' op result #0 of type 'tensor<?x1099511627776xf32>': shape 1x1099511627776 (element type size 4 bytes) needs 4398046511104 bytes, more than the single-tensor limit of 2^40 bytes}}
  %d = mpq.dequantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<?x1099511627776xi8> -> tensor<?x1099511627776xf32>
  return %d : tensor<?x1099511627776xf32>
}

// -----

// Packed constant whose logical shape is beyond the limit.
func.func @f() -> tensor<2199023255552x1xi8> {
  // expected-error@+1 {{'mpq.packed_constant' op result #0 of type 'tensor<2199023255552x1xi8>': shape 2199023255552x1 (element type size 1 bytes) needs 2199023255552 bytes, more than the single-tensor limit of 2^40 bytes}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2199023255552x1xi8>
  return %w : tensor<2199023255552x1xi8>
}

// -----

// Panel sizes are bounded so that padded packed sizes cannot overflow.
func.func @f() -> tensor<2x2xi8> {
  // expected-error@+1 {{panel sizes must be at most 65536, got [4611686018427387904, 4]}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4, panel = [4611686018427387904, 4]>, data = dense<0> : tensor<2xi8>, is_signed = true} : tensor<2x2xi8>
  return %w : tensor<2x2xi8>
}

// -----

// Conv pads whose sum overflows int64.
func.func @f(%x: tensor<1x4x4x1xi8>, %w: tensor<1x1x1x1xi8>) -> tensor<1x4x4x1xi8> {
  // expected-error@+1 {{'mpq.conv2d' op pads and dilation of spatial dimension 1 overflow 64-bit size arithmetic}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 9223372036854775807, 9223372036854775807>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1xi8>, tensor<1x1x1x1xi8>) -> tensor<1x4x4x1xi8>
  return %y : tensor<1x4x4x1xi8>
}

// -----

// Conv dilation whose reach overflows int64.
func.func @f(%x: tensor<1x4x4x1xi8>, %w: tensor<1x3x1x1xi8>) -> tensor<1x4x4x1xi8> {
  // expected-error@+1 {{'mpq.conv2d' op pads and dilation of spatial dimension 0 overflow 64-bit size arithmetic}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 4611686018427387904, 1>} : (tensor<1x4x4x1xi8>, tensor<1x3x1x1xi8>) -> tensor<1x4x4x1xi8>
  return %y : tensor<1x4x4x1xi8>
}

// -----

// Average-pool kernel and pads whose sum overflows int64.
func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x1x1x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op kernel and pads of spatial dimension 0 overflow 64-bit size arithmetic}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 9223372036854775807, 1>, stride = array<i64: 1, 1>, pad = array<i64: 9223372036854775806, 9223372036854775806, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x1x1x2xi8>
  return %y : tensor<1x1x1x2xi8>
}
