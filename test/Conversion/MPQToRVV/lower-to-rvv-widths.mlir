// RUN: mpq-opt %s --verify-diagnostics --lower-to-rvv="target=rv-w8-only targets-dir=%S/../../Codegen/Inputs/targets"

// Widths the target description does not list are refused at the op.
func.func @main(%x: tensor<1x32xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x32xf32> -> tensor<1x32xi8>
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<33> : tensor<256xi8>, is_signed = true} : tensor<16x32xi8>
  // expected-error@+1 {{target 'rv-w8-only' cannot run 4-bit weights (see weight_bits in rv-w8-only.yaml)}}
  %y = mpq.fully_connected %q, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>, weight_params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<1x32xi8>, tensor<16x32xi8>) -> tensor<1x16xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}
