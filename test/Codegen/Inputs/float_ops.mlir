// Every float op code generation runs, on a float input with NaN, infinities,
// signed zeros and ties (float-ops.test): maximum/minimum with a constant,
// comparisons and select (LeakyRelu as the importer writes it), pad, clamp,
// sigmoid, log, abs, negate, floor, ceil, rsqrt, reduce_min, pow with exponent
// 0.5 (ONNX Sqrt), max and average pooling on floats (windows of 4, 6 and 9
// inputs, NaN in a window), and a pad on codes.
#p = #mpq.qparams<bits = 8, is_signed = true, scale = [0.05], zero_point = [3]>
func.func @main(%x: tensor<?x4x8xf32>) -> tensor<?x4x111xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %lo = "tosa.const"() <{values = dense<-1.5> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %hi = "tosa.const"() <{values = dense<[[[2.0, 1.0, 0.0, -0.0, 3.0, -3.0, 0.5, 1.0e30]]]> : tensor<1x1x8xf32>}> : () -> tensor<1x1x8xf32>
  %zero = "tosa.const"() <{values = dense<0.0> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %alpha = "tosa.const"() <{values = dense<0.1> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %mx = tosa.maximum %x, %lo : (tensor<?x4x8xf32>, tensor<1x1x1xf32>) -> tensor<?x4x8xf32>
  %mn = tosa.minimum %mx, %hi : (tensor<?x4x8xf32>, tensor<1x1x8xf32>) -> tensor<?x4x8xf32>
  // LeakyRelu: x >= 0 ? x : 0.1 * x
  %ge = tosa.greater_equal %x, %zero : (tensor<?x4x8xf32>, tensor<1x1x1xf32>) -> tensor<?x4x8xi1>
  %sc = tosa.mul %x, %alpha, %shift : (tensor<?x4x8xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<?x4x8xf32>
  %lr = tosa.select %ge, %x, %sc : (tensor<?x4x8xi1>, tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %gt = tosa.greater %x, %hi : (tensor<?x4x8xf32>, tensor<1x1x8xf32>) -> tensor<?x4x8xi1>
  %eq = tosa.equal %x, %hi : (tensor<?x4x8xf32>, tensor<1x1x8xf32>) -> tensor<?x4x8xi1>
  %s1 = tosa.select %gt, %mn, %lr : (tensor<?x4x8xi1>, tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %s2 = tosa.select %eq, %hi, %s1 : (tensor<?x4x8xi1>, tensor<1x1x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %cl = tosa.clamp %x {max_val = 2.5 : f32, min_val = -0.0 : f32} : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %sg = tosa.sigmoid %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %ab = tosa.abs %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %nzp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %ng = tosa.negate %x, %nzp, %nzp : (tensor<?x4x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x8xf32>
  %fl = tosa.floor %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %ce = tosa.ceil %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %rs = tosa.rsqrt %ab : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %rmin = tosa.reduce_min %x {axis = 2 : i32} : (tensor<?x4x8xf32>) -> tensor<?x4x1xf32>
  %padding = tosa.const_shape {values = dense<[0, 0, 0, 0, 1, 2]> : tensor<6xindex>} : () -> !tosa.shape<6>
  %pv = "tosa.const"() <{values = dense<-7.25> : tensor<1xf32>}> : () -> tensor<1xf32>
  %pd = tosa.pad %x, %padding, %pv : (tensor<?x4x8xf32>, !tosa.shape<6>, tensor<1xf32>) -> tensor<?x4x11xf32>
  %q = mpq.quantize %x {params = #p} : tensor<?x4x8xf32> -> tensor<?x4x8xi8>
  %qpadding = tosa.const_shape {values = dense<[0, 0, 0, 0, 1, 0]> : tensor<6xindex>} : () -> !tosa.shape<6>
  %qv = "tosa.const"() <{values = dense<3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %qp = tosa.pad %q, %qpadding, %qv : (tensor<?x4x8xi8>, !tosa.shape<6>, tensor<1xi8>) -> tensor<?x4x9xi8>
  %d = mpq.dequantize %qp {params = #p} : tensor<?x4x9xi8> -> tensor<?x4x9xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %sq = tosa.pow %x, %half : (tensor<?x4x8xf32>, tensor<1x1x1xf32>) -> tensor<?x4x8xf32>
  %nhwc = tosa.const_shape {values = dense<[-1, 4, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %x4 = tosa.reshape %x, %nhwc : (tensor<?x4x8xf32>, !tosa.shape<4>) -> tensor<?x4x4x2xf32>
  %mp = tosa.max_pool2d %x4 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<?x4x4x2xf32>) -> tensor<?x2x2x2xf32>
  %fzp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %ap = tosa.avg_pool2d %x4, %fzp, %fzp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<?x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x2xf32>
  %s42 = tosa.const_shape {values = dense<[-1, 4, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %mp3 = tosa.reshape %mp, %s42 : (tensor<?x2x2x2xf32>, !tosa.shape<3>) -> tensor<?x4x2xf32>
  %s48 = tosa.const_shape {values = dense<[-1, 4, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %ap3 = tosa.reshape %ap, %s48 : (tensor<?x4x4x2xf32>, !tosa.shape<3>) -> tensor<?x4x8xf32>
  %lg = tosa.log %x : (tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  %all = tosa.concat %s2, %cl, %sg, %ab, %ng, %fl, %ce, %rs, %rmin, %pd, %d, %sq, %mp3, %ap3, %lg {axis = 2 : i32} : (tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>, tensor<?x4x1xf32>, tensor<?x4x11xf32>, tensor<?x4x9xf32>, tensor<?x4x8xf32>, tensor<?x4x2xf32>, tensor<?x4x8xf32>, tensor<?x4x8xf32>) -> tensor<?x4x111xf32>
  return %all : tensor<?x4x111xf32>
}
