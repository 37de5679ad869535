// RUN: mpq-opt %s --split-input-file --verify-diagnostics --lower-to-neon=target=cortex-a76

// Hardening (docs/hardening.md, classes 1 and 4): the workspace plan refuses
// buffers and workspaces beyond 2^40 bytes, at the op that crosses the limit.

// Two live i8 buffers of 6e11 bytes each: each fits the single-tensor limit,
// together they exceed the workspace limit.
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4xf32> -> tensor<1x4xi8>
  %m = tosa.const_shape {values = dense<[1, 150000000000]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %t = tosa.tile %q, %m : (tensor<1x4xi8>, !tosa.shape<2>) -> tensor<1x600000000000xi8>
  // expected-error@+1 {{'mpq.requantize' op code generation: the workspace would need 1200000000016 bytes at this op, more than the limit of 2^40 bytes}}
  %r = mpq.requantize %t {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x600000000000xi8> -> tensor<1x600000000000xi8>
  %s = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %z = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = tosa.slice %r, %s, %z : (tensor<1x600000000000xi8>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4xi8>
  %y = mpq.dequantize %c {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// A TOSA op on codes whose result is beyond the single-tensor limit (the
// mpq verifiers do not see TOSA ops).
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4xf32> -> tensor<1x4xi8>
  %m = tosa.const_shape {values = dense<[1, 549755813888]> : tensor<2xindex>} : () -> !tosa.shape<2>
  // expected-error@+1 {{'tosa.tile' op code generation: shape 1x2199023255552 (1-byte elements) needs 2199023255552 bytes, more than the single-tensor limit of 2^40 bytes}}
  %t = tosa.tile %q, %m : (tensor<1x4xi8>, !tosa.shape<2>) -> tensor<1x2199023255552xi8>
  %s = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %z = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %c = tosa.slice %t, %s, %z : (tensor<1x2199023255552xi8>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4xi8>
  %y = mpq.dequantize %c {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : tensor<1x4xi8> -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
