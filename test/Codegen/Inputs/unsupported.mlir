// A float op between dequantize and quantize that code generation refuses
// (tanh has no libm-free definition shared with the executor yet).
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #p} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #p} : tensor<1x4xi8> -> tensor<1x4xf32>
  %y = tosa.tanh %d : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
