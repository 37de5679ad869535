

// A float softmax after the dequantized logits: exp is mpq::expFloat
// (range reduction, polynomial, two power-of-two multiplies), reductions run
// in order along the axis.
// SDOT-LABEL: func.func @model_run
// SDOT: scf.for {{.*}} iter_args({{.*}}) -> (f32)
// SDOT: arith.cmpf ogt
// SDOT: math.roundeven
// SDOT: arith.bitcast {{.*}} : i32 to f32
// SDOT: arith.divf
// SMMLA-LABEL: func.func @model_run
// SMULL-LABEL: func.func @model_run
// LLVM-LABEL: llvm.func @net_run
// LLVM: llvm.intr.roundeven
func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %q = mpq.quantize %x {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x4xf32> -> tensor<1x4xi8>
  %d = mpq.dequantize %q {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [0]>} : tensor<1x4xi8> -> tensor<1x4xf32>
  %mx = tosa.reduce_max %d {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  %sh = tosa.sub %d, %mx : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %ex = tosa.exp %sh : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %sm = tosa.reduce_sum %ex {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32>
  %rc = tosa.reciprocal %sm : (tensor<1x1xf32>) -> tensor<1x1xf32>
  %zs = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %pr = tosa.mul %ex, %rc, %zs : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  return %pr : tensor<1x4xf32>
}
