// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.zeros((1, 4), np.int32)); np.save('%t.q.npy', np.zeros((2, 4), np.int32))"
// RUN: not mpq-run %s --entry=terms_from_arguments -i %t.x.npy -i %t.q.npy 2>&1 | FileCheck %s --check-prefix=ARGS
// RUN: not mpq-run %s --entry=no_output_params -i %t.x.npy 2>&1 | FileCheck %s --check-prefix=ACC

// Multipoint terms are read from their constant definitions.
// ARGS: error: mpq-run: multipoint terms must be constants (mpq.packed_constant or tosa.const)
func.func @terms_from_arguments(%x: tensor<1x4xi8>, %q: tensor<2x4xi8>) -> tensor<1x2xi8> {
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0>]} : tensor<2x4xi8> -> tensor<2x4xf32>
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xf32>) -> tensor<1x2xi8>
  return %y : tensor<1x2xi8>
}

// Without output parameters there is no single accumulator to return.
// ACC: error: mpq-run: a multipoint weight needs output_params
func.func @no_output_params(%x: tensor<1x4xi8>) -> tensor<1x2xi32> {
  %q = "tosa.const"() <{values = dense<1> : tensor<2x4xi8>}> : () -> tensor<2x4xi8>
  %w = mpq.multipoint_weight %q {params = [#mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1, 0.1], zero_point = [0, 0], axis = 0>]} : tensor<2x4xi8> -> tensor<2x4xf32>
  %y = mpq.fully_connected %x, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.1], zero_point = [0]>} : (tensor<1x4xi8>, tensor<2x4xf32>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}
