// RUN: mpq-opt %s -split-input-file -verify-diagnostics

// Every diagnostic of the mpq dialect, one case each.

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{bit-width must be 2..8, 16 or 32, got 9}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 9, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{narrow range applies to signed values only}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = false, narrow = true, scale = [0.1], zero_point = [0]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{needs at least one scale}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [], zero_point = []>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{needs one zero point per scale (2), got 1}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.2], zero_point = [0], axis = 0>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{axis must be -1 (per tensor) or a dimension, got -2}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0], axis = -2>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{per-tensor parameters need exactly one scale, got 2}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.2], zero_point = [0, 0]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{scales must be positive and finite, got -1.000000e-01}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [-0.1], zero_point = [0]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{zero point -8 outside the 4-bit range [-7, 7]}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1], zero_point = [-8]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{per-channel bit-widths need a channel axis}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0], channel_bits = [4]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{needs one channel bit-width per scale (2), got 1}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0, channel_bits = [4]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{channel bit-width 8 must be in 2..4}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 4, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0, channel_bits = [4, 8]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{zero point 200 of channel 0 outside its 4-bit range}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = false, scale = [0.1, 0.1], zero_point = [200, 0], axis = 0, channel_bits = [4, 8]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{packed values must be 2..8 bits, got 1}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 1, container = 2>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{container must be 2, 4 or 8 bits, got 3}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 3, container = 3>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{5-bit values do not fit a 4-bit container}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 5, container = 4>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{panel must be [rows, depth], got 1 entries}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4, panel = [4]>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{panel sizes must be positive}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4, panel = [0, 4]>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{weight bit-width must be 2..8, got 1}}
  %y = tosa.abs %x {mpq.precision = #mpq.precision<weight_bits = 1, act_bits = 8>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{activation bit-width must be 2..8, got 16}}
  %y = tosa.abs %x {mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 16>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{channel bit-width 8 must be in 2..4}}
  %y = tosa.abs %x {mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8, channel_bits = [8]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{multipoint terms must be 1..8, got 0}}
  %y = tosa.abs %x {mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8, points = 0>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{'mpq.quantize' op result holds 16-bit values in 'i8', which is too narrow}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 16, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{'mpq.quantize' op result quantization axis 2 is not a dimension of 'tensor<2x3xi8>'}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0], axis = 2>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%x: tensor<2x3xf32>) -> tensor<2x3xi8> {
  // expected-error@+1 {{'mpq.quantize' op result has 3 scales but dimension 0 has size 2}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1, 0.1], zero_point = [0, 0, 0], axis = 0>} : tensor<2x3xf32> -> tensor<2x3xi8>
  return %q : tensor<2x3xi8>
}

// -----

func.func @f(%a: tensor<2x2xi32>) -> tensor<2x2xi8> {
  // expected-error@+1 {{'mpq.requantize' op input and result are quantized along different axes}}
  %r = mpq.requantize %a {input_params = #mpq.qparams<bits = 32, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 1>} : tensor<2x2xi32> -> tensor<2x2xi8>
  return %r : tensor<2x2xi8>
}

// -----

func.func @f() -> tensor<?xi8> {
  // expected-error@+1 {{'mpq.packed_constant' op result must have a static shape, got 'tensor<?xi8>'}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<0> : tensor<1xi8>, is_signed = true} : tensor<?xi8>
  return %w : tensor<?xi8>
}

// -----

func.func @f() -> tensor<2xi8> {
  // expected-error@+1 {{'mpq.packed_constant' op packed data must be i8 bytes, got 'i16'}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<0> : tensor<1xi16>, is_signed = true} : tensor<2xi8>
  return %w : tensor<2xi8>
}

// -----

func.func @f() -> tensor<2x2xi8> {
  // expected-error@+1 {{'mpq.packed_constant' op packed data has 3 bytes, but 'tensor<2x2xi8>' with #mpq.packing<bits = 4, container = 4> needs 2}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<0> : tensor<3xi8>, is_signed = true} : tensor<2x2xi8>
  return %w : tensor<2x2xi8>
}

// -----

func.func @f() -> tensor<4xi8> {
  // expected-error@+1 {{'mpq.packed_constant' op element 2 holds 4, outside the 3-bit range}}
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 3, container = 4>, data = dense<[0, 4]> : tensor<2xi8>, is_signed = true} : tensor<4xi8>
  return %w : tensor<4xi8>
}

// -----

func.func @f() -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op needs at least one term}}
  %w = "mpq.multipoint_weight"() {params = []} : () -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%q: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op needs one quantization parameter per term (2), got 1}}
  %w = mpq.multipoint_weight %q, %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>]} : tensor<2x4xi8>, tensor<2x4xi8> -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%q: tensor<2x3xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op term 0 has type 'tensor<2x3xi8>', but the result has shape of 'tensor<2x4xf32>'}}
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>]} : tensor<2x3xi8> -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%q: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op term 0 must be quantized per output channel (axis 0) or per tensor}}
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, scale = [0.1, 0.2, 0.1, 0.1], zero_point = [0, 0, 0, 0], axis = 1>]} : tensor<2x4xi8> -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%q: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op needs one point count per output channel, got 1}}
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>], points = array<i32: 1>} : tensor<2x4xi8> -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%q: tensor<2x4xi8>) -> tensor<2x4xf32> {
  // expected-error@+1 {{'mpq.multipoint_weight' op point count 2 must be in 1..1}}
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>], points = array<i32: 1, 2>} : tensor<2x4xi8> -> tensor<2x4xf32>
  return %w : tensor<2x4xf32>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op input has 1 scales but dimension 1 has size 4}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0], axis = 1, channel_bits = [8]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op input must be quantized per tensor}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1, 0.1, 0.1], zero_point = [0, 0, 0, 0], axis = 1>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op integer weight needs weight_params}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op weight must be quantized per output channel (axis 0) or per tensor}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1, 0.1, 0.1], zero_point = [0, 0, 0, 0], axis = 1>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xf32>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op a float weight must come from mpq.multipoint_weight}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xf32>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %q: tensor<2x4xi8>) -> tensor<1x2xi8> {
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.2], zero_point = [0, 0], axis = 0>]} : tensor<2x4xi8> -> tensor<2x4xf32>
  // expected-error@+1 {{'mpq.fully_connected' op a multipoint weight carries its own parameters; weight_params must be absent}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xf32>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>, %b: tensor<3xi32>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op bias must be [2], got 'tensor<3xi32>'}}
  %y = mpq.fully_connected %x, %w, %b {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>, tensor<3xi32>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op output must be quantized per tensor}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 1>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op clamp [5, 2] must lie within the output range [-128, 127]}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, clamp_min = 5, clamp_max = 2} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op without output_params the result is the int32 accumulator, got 'i8'}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi32> {
  // expected-error@+1 {{'mpq.fully_connected' op clamp needs output_params}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, clamp_min = 0} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @f(%x: tensor<4xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op input must be [N..., K], got 'tensor<4xi8>'}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<8xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op weight must be [M, K], got 'tensor<8xi8>'}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<8xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op result must be [N..., M] of the input's rank, got 'tensor<2xi8>'}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<2xi8>
  return %y : tensor<2xi8>
}

// -----

func.func @f(%x: tensor<1x3x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x5x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op result dimension 1 is 5, input's is 3}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x3x4xi8>, tensor<2x4xi8>) -> tensor<1x5x2xi8>
  return %y : tensor<1x5x2xi8>
}

// -----

func.func @f(%x: tensor<1x5xi8>, %w: tensor<2x4xi8>) -> tensor<1x2xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op input has 5 features, weight has 4}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x5xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// -----

func.func @f(%x: tensor<1x4xi8>, %w: tensor<2x4xi8>) -> tensor<1x3xi8> {
  // expected-error@+1 {{'mpq.fully_connected' op result has 3 features, weight has 2}}
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x3xi8>
  return %y : tensor<1x3xi8>
}

// -----

func.func @f(%x: tensor<1x4x4xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op input must be NHWC (rank 4), got 'tensor<1x4x4xi8>'}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op weight must be OHWI (rank 4), got 'tensor<2x3xi8>'}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op result must be NHWC (rank 4), got 'tensor<4x4x2xi8>'}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<4x4x2xi8>
  return %y : tensor<4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op pad must be [top, bottom, left, right]}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op stride and dilation need two entries each}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op pads must be non-negative}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, -1, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op strides and dilations must be positive}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op groups must be positive, got 0}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 0} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x1xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op 3 input channels do not split into 2 groups}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2} : (tensor<1x4x4x3xi8>, tensor<2x1x1x1xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x4xi8>, %w: tensor<2x1x1x4xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op weight has 4 input channels per group, expected 2}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2} : (tensor<1x4x4x4xi8>, tensor<2x1x1x4xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x4xi8>, %w: tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8> {
  // expected-error@+1 {{'mpq.conv2d' op 3 output channels do not split into 2 groups}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2} : (tensor<1x4x4x4xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8>
  return %y : tensor<1x4x4x3xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x1x1x3xi8>) -> tensor<1x4x4x5xi8> {
  // expected-error@+1 {{'mpq.conv2d' op result has 5 channels, weight has 2}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x1x1x3xi8>) -> tensor<1x4x4x5xi8>
  return %y : tensor<1x4x4x5xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x3xi8>, %w: tensor<2x3x3x3xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.conv2d' op result spatial dimension 0 is 4, expected 2}}
  %y = mpq.conv2d %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x3xi8>, tensor<2x3x3x3xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}


// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{unknown calibration method 'kl' (minmax, percentile or mmse)}}
  %y = tosa.abs %x {mpq.calib = #mpq.calibration<method = "kl", range = [0.0, 1.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{range must be [min, max] with min <= max}}
  %y = tosa.abs %x {mpq.calib = #mpq.calibration<method = "mmse", range = [2.0, 1.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{needs one clip range per bit-width 2..8 (7 each)}}
  %y = tosa.abs %x {mpq.calib = #mpq.calibration<method = "mmse", range = [0.0, 1.0], non_negative = true, lo = [0.0], hi = [1.0]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error@+1 {{clip range 8-bit is empty}}
  %y = tosa.abs %x {mpq.calib = #mpq.calibration<method = "mmse", range = [0.0, 1.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>} : (tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @f(%a: tensor<1x4x4x2xi8>, %b: tensor<4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.add' op operands and result must have equal ranks}}
  %y = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4x4x2xi8>, tensor<4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%a: tensor<1x4x4x2xi8>, %b: tensor<1x4x3x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.add' op operand dimensions 2 (4 and 3) do not broadcast}}
  %y = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4x4x2xi8>, tensor<1x4x3x2xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%a: tensor<1x4x4x2xi8>, %b: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.add' op lhs must be quantized per tensor}}
  %y = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 3>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%a: tensor<1x4x4x2xi8>, %b: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.add' op result holds 32-bit values in 'i8', which is too narrow}}
  %y = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 32, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%a: tensor<1x4x4x2xi8>, %b: tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8> {
  // expected-error@+1 {{'mpq.add' op clamp [-128, 200] must lie within the output range [-128, 127]}}
  %y = mpq.add %a, %b {lhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, rhs_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, clamp_max = 200} : (tensor<1x4x4x2xi8>, tensor<1x4x4x2xi8>) -> tensor<1x4x4x2xi8>
  return %y : tensor<1x4x4x2xi8>
}

// -----

func.func @f(%x: tensor<4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op input and result must be NHWC (rank 4)}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op kernel and stride need two entries, pad four}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op kernel and stride must be positive, pads non-negative}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 0, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x3x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op padding must be smaller than the kernel}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 2, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x3x2x2xi8>
  return %y : tensor<1x3x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x3x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op result spatial dimension 0 is 3, expected 2}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x3x2x2xi8>
  return %y : tensor<1x3x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op input and result must be quantized per tensor}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 3>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}

// -----

func.func @f(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  // expected-error@+1 {{'mpq.avg_pool2d' op result holds 16-bit values in 'i8', which is too narrow}}
  %y = mpq.avg_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 16, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4x4x2xi8> -> tensor<1x2x2x2xi8>
  return %y : tensor<1x2x2x2xi8>
}
