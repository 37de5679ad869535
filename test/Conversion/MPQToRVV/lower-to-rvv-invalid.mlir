// RUN: mpq-opt %s --split-input-file --verify-diagnostics --lower-to-rvv="target=cortex-a76"
// RUN: not mpq-opt %s --split-input-file --lower-to-rvv="target=rv64gc-novec targets-dir=%S/../../Codegen/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=NOVEC

// A NEON target given to --lower-to-rvv is refused at the module, and so is
// a riscv64 target without the V extension (no scalar fallback).
// NOVEC: error: lower-to-rvv: target 'rv64gc-novec' lacks the v feature (RVV 1.0)
// expected-error@+1 {{lower-to-rvv: target 'cortex-a76' is aarch64, not riscv64}}
module {
func.func @main(%x: tensor<1x32xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x32xf32> -> tensor<1x32xi8>
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<33> : tensor<256xi8>, is_signed = true} : tensor<16x32xi8>
  %y = mpq.fully_connected %q, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>, weight_params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<1x32xi8>, tensor<16x32xi8>) -> tensor<1x16xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}
}
