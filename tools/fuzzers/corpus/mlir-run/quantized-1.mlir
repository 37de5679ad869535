

// 4-bit packed weights stay packed (8 bytes per 16 weights) and are
// unpacked in registers: shift to the top of the byte, mask.
// SDOT-LABEL: func.func @model_run
// SDOT: arith.shli {{.*}} : vector<16xi8>
// SDOT: arith.andi {{.*}} : vector<16xi8>
// SDOT: arm_neon.intr.sdot
// SMMLA-LABEL: func.func @model_run
// SMMLA: arith.shli {{.*}} : vector<16xi8>
// SMMLA: arm_neon.intr.smmla
// SMULL-LABEL: func.func @model_run
// SMULL: arith.shli {{.*}} : vector<16xi8>
// SMULL: arm_neon.intr.smull
// LLVM-LABEL: llvm.func @net_run
func.func @main(%x: tensor<1x32xf32>) -> tensor<1x16xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x32xf32> -> tensor<1x32xi8>
  %w = mpq.packed_constant {layout = #mpq.packing<bits = 4, container = 4>, data = dense<33> : tensor<256xi8>, is_signed = true} : tensor<16x32xi8>
  %y = mpq.fully_connected %q, %w {input_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>, weight_params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [0.1], zero_point = [0]>, output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : (tensor<1x32xi8>, tensor<16x32xi8>) -> tensor<1x16xi8>
  %d = mpq.dequantize %y {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.2], zero_point = [0]>} : tensor<1x16xi8> -> tensor<1x16xf32>
  return %d : tensor<1x16xf32>
}

