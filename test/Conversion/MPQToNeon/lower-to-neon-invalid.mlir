// RUN: mpq-opt %s --split-input-file --verify-diagnostics --lower-to-neon=target=cortex-a76

// Ops without an integer kernel are refused at the op.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  // expected-error@+1 {{'tosa.tanh' op is not supported by code generation}}
  %y = tosa.tanh %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// A float (never quantized) module is refused at its first op, not deep in
// the lowering (issue 11, class 10).
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'tosa.tanh' op is not quantized: the module has no mpq.quantize, and code generation needs a quantized module (mpq-compile, or --mpq-calibrate then --mpq-quantize)}}
  %y = tosa.tanh %x : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Each output buffer is written once: the same tensor cannot be two outputs.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  %y = tosa.abs %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  // expected-error@+1 {{code generation needs distinct tensors for the outputs; result #1 repeats an earlier one}}
  return %y, %y : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// A float layer left in a module that has quantize ops is refused too.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x3x3x1xf32>) -> tensor<1x2x2x1xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x3x3x1xf32> -> tensor<1x3x3x1xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x3x3x1xi8> -> tensor<1x3x3x1xf32>
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error@+1 {{'tosa.conv2d' op is a float layer left in a quantized module: code generation has no float kernel for it (float islands take elementwise ops, reductions, pooling and matmul; see docs/codegen.md)}}
  %0 = tosa.conv2d %d, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x3x3x1xf32>, tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %0 : tensor<1x2x2x1xf32>
}

// -----

// A 32-bit quantize is valid IR but has no kernel: refused at the op before
// code generation (it used to fail inside, on a memref.store).
#p32 = #mpq.qparams<bits = 32, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'mpq.quantize' op has 32-bit parameters on 'tensor<1x4xi32>': code generation needs codes of 8 bits or fewer in i8}}
  %q = mpq.quantize %x {params = #p32} : tensor<1x4xf32> -> tensor<1x4xi32>
  %d = mpq.dequantize %q {params = #p32} : tensor<1x4xi32> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

#p16 = #mpq.qparams<bits = 16, is_signed = true, scale = [0.05], zero_point = [0]>
#p8 = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p8} : tensor<1x4xf32> -> tensor<1x4xi8>
  %w = "tosa.const"() <{values = dense<1> : tensor<1x4xi16>}> : () -> tensor<1x4xi16>
  // expected-error@+1 {{'mpq.dequantize' op has 16-bit parameters on 'tensor<1x4xi16>': code generation needs codes of 8 bits or fewer in i8}}
  %d = mpq.dequantize %w {params = #p16} : tensor<1x4xi16> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{code generation needs at least one input and one output}}
func.func @main() -> tensor<1x4xf32> {
  %c = "tosa.const"() <{values = dense<1.0> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  return %c : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{code generation needs float32 inputs and outputs}}
func.func @main(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
  return %x : tensor<1x4xi8>
}

// -----

// The fill value of a pad must be a constant.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>, %v: tensor<1xf32>) -> tensor<1x6xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  %p = tosa.const_shape {values = dense<[0, 0, 1, 1]> : tensor<4xindex>} : () -> !tosa.shape<4>
  // expected-error@+1 {{code generation pads i8 codes or float32 values with a constant pad_const}}
  %y = tosa.pad %d, %p, %v : (tensor<1x4xf32>, !tosa.shape<4>, tensor<1xf32>) -> tensor<1x6xf32>
  return %y : tensor<1x6xf32>
}

// -----

func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{code generation needs the result to be computed by the function}}
  return %x : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{code generation needs static shapes except the batch dimension}}
func.func @main(%x: tensor<1x?xf32>) -> tensor<1x?xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x?xf32> -> tensor<1x?xi8>
  %d = mpq.dequantize %q {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x?xi8> -> tensor<1x?xf32>
  return %d : tensor<1x?xf32>
}

// -----

func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  // expected-error@+1 {{code generation needs per-tensor quantize parameters}}
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05, 0.1], zero_point = [0, 0], axis = 1>} : tensor<1x2xf32> -> tensor<1x2xi8>
  %d = mpq.dequantize %q {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x2xi8> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x2x2x4xf32> -> tensor<1x2x2x4xi8>
  %r = "tosa.const"() <{values = dense<1> : tensor<1x1x1x4xi8>}> : () -> tensor<1x1x1x4xi8>
  // expected-error@+1 {{code generation adds tensors of equal shape only (no broadcasting)}}
  %s = mpq.add %q, %r {lhs_params = #p, rhs_params = #p, output_params = #p} : (tensor<1x2x2x4xi8>, tensor<1x1x1x4xi8>) -> tensor<1x2x2x4xi8>
  %d = mpq.dequantize %s {params = #p} : tensor<1x2x2x4xi8> -> tensor<1x2x2x4xf32>
  return %d : tensor<1x2x2x4xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
#w = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x2x2x4xf32> -> tensor<1x2x2x4xi8>
  %w = "tosa.const"() <{values = dense<1> : tensor<4x1x1x2xi8>}> : () -> tensor<4x1x1x2xi8>
  // expected-error@+1 {{code generation supports groups = 1 and depthwise convolution (groups = channels = outputs), not groups = 2}}
  %c = mpq.conv2d %q, %w {input_params = #p, weight_params = #w, output_params = #p, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2} : (tensor<1x2x2x4xi8>, tensor<4x1x1x2xi8>) -> tensor<1x2x2x4xi8>
  %d = mpq.dequantize %c {params = #p} : tensor<1x2x2x4xi8> -> tensor<1x2x2x4xf32>
  return %d : tensor<1x2x2x4xf32>
}

// -----

#u = #mpq.qparams<bits = 8, is_signed = false, scale = [0.05], zero_point = [0]>
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
#w = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #u} : tensor<1x16xf32> -> tensor<1x16xi8>
  %w = "tosa.const"() <{values = dense<1> : tensor<4x16xi8>}> : () -> tensor<4x16xi8>
  // expected-error@+1 {{code generation needs signed activation codes}}
  %y = mpq.fully_connected %q, %w {input_params = #u, weight_params = #w, output_params = #p} : (tensor<1x16xi8>, tensor<4x16xi8>) -> tensor<1x4xi8>
  %d = mpq.dequantize %y {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
#w = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [100]>
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %w = "tosa.const"() <{values = dense<-100> : tensor<4x16xi8>}> : () -> tensor<4x16xi8>
  // expected-error@+1 {{weight codes minus their zero point must fit in int8 for code generation}}
  %y = mpq.fully_connected %q, %w {input_params = #p, weight_params = #w, output_params = #p} : (tensor<1x16xi8>, tensor<4x16xi8>) -> tensor<1x4xi8>
  %d = mpq.dequantize %y {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
#w = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x16xf32> -> tensor<1x16xi8>
  %c = "tosa.const"() <{values = dense<1> : tensor<16x16xi8>}> : () -> tensor<16x16xi8>
  %s = tosa.const_shape {values = dense<[16, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %w = tosa.reshape %c, %s : (tensor<16x16xi8>, !tosa.shape<2>) -> tensor<16x16xi8>
  // expected-error@+1 {{code generation needs constant i8 weights (tosa.const or mpq.packed_constant)}}
  %y = mpq.fully_connected %q, %w {input_params = #p, weight_params = #w, output_params = #p} : (tensor<1x16xi8>, tensor<16x16xi8>) -> tensor<1x16xi8>
  %d = mpq.dequantize %y {params = #p} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
#w = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x2x2x4xf32> -> tensor<1x2x2x4xi8>
  %a = "tosa.const"() <{values = dense<1> : tensor<4x1x1x1xi8>}> : () -> tensor<4x1x1x1xi8>
  %mw = mpq.multipoint_weight %a, %a {params = [#w, #w]} : tensor<4x1x1x1xi8>, tensor<4x1x1x1xi8> -> tensor<4x1x1x1xf32>
  // expected-error@+1 {{code generation does not support multipoint weights on depthwise convolution yet}}
  %c = mpq.conv2d %q, %mw {input_params = #p, output_params = #p, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 4} : (tensor<1x2x2x4xi8>, tensor<4x1x1x1xf32>) -> tensor<1x2x2x4xi8>
  %d = mpq.dequantize %c {params = #p} : tensor<1x2x2x4xi8> -> tensor<1x2x2x4xf32>
  return %d : tensor<1x2x2x4xf32>
}

// -----

#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  // expected-error@+1 {{code generation needs per-tensor input parameters}}
  %r = mpq.requantize %q {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05, 0.05, 0.05, 0.05], zero_point = [0, 0, 0, 0], axis = 1>, output_params = #p} : tensor<1x4xi8> -> tensor<1x4xi8>
  %d = mpq.dequantize %r {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

// A float matmul runs in a float island only in a quantized module; in a
// module that was never quantized it is refused as such.
func.func @main(%x: tensor<1x2x4xf32>, %z: tensor<1x4x3xf32>) -> tensor<1x2x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error@+1 {{'tosa.matmul' op is not quantized: code generation needs a quantized module}}
  %y = tosa.matmul %x, %z, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// Pow is generated only for the exponent ONNX Sqrt is imported with.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %three = "tosa.const"() <{values = dense<3.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  // expected-error@+1 {{'tosa.pow' op code generation computes pow only with a constant exponent of 0.5 (a square root, as ONNX Sqrt is imported)}}
  %y = tosa.pow %d, %three : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// ... and a computed exponent is refused the same way.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  // expected-error@+1 {{'tosa.pow' op code generation computes pow only with a constant exponent of 0.5}}
  %y = tosa.pow %d, %d : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// The base of pow must not be broadcast.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x1xf32>) -> tensor<1x4xf32> {
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
  %q = mpq.quantize %x {params = #p} : tensor<1x1xf32> -> tensor<1x1xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x1xi8> -> tensor<1x1xf32>
  // expected-error@+1 {{'tosa.pow' op code generation needs the base of pow to have the result's shape}}
  %y = tosa.pow %d, %half : (tensor<1x1xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Max pooling on anything but i8 codes or float32 values is refused.
func.func @main(%x: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x4x4x2xf32> -> tensor<1x4x4x2xi8>
  %i = "tosa.const"() <{values = dense<1> : tensor<1x4x4x2xi32>}> : () -> tensor<1x4x4x2xi32>
  // expected-error@+1 {{'tosa.max_pool2d' op code generation max-pools i8 codes only}}
  %m = tosa.max_pool2d %i {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xi32>) -> tensor<1x2x2x2xi32>
  %f = tosa.cast %m : (tensor<1x2x2x2xi32>) -> tensor<1x2x2x2xf32>
  return %f : tensor<1x2x2x2xf32>
}
