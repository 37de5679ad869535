// A conv (2 filters of 3x3x1) -> relu -> 2x2 max pool -> flatten -> fully
// connected (8 -> 3) network, the shape the ONNX importer produces. Used by
// the --assign-precision tests.
func.func @main(%x: tensor<?x4x4x1xf32>) -> tensor<?x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5], [0.1], [0.2]], [[-0.5], [0.3], [0.4]], [[0.6], [0.7], [-0.8]]], [[[0.9], [-0.1], [0.2]], [[0.3], [0.4], [-0.5]], [[0.6], [-0.7], [0.8]]]]> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<[0.1, -0.2]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<?x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x2xf32> loc("conv1")
  %r = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<?x4x4x2xf32>) -> tensor<?x2x2x2xf32>
  %s1 = tosa.const_shape {values = dense<[-1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %p, %s1 : (tensor<?x2x2x2xf32>, !tosa.shape<2>) -> tensor<?x8xf32>
  %s2 = tosa.const_shape {values = dense<[1, -1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s2 : (tensor<?x8xf32>, !tosa.shape<3>) -> tensor<1x?x8xf32>
  %fw = "tosa.const"() <{values = dense<[[[0.3, -0.2, 0.1], [0.25, 0.5, -0.4], [-0.6, 0.05, 0.2], [0.15, -0.35, 0.45], [0.7, 0.1, -0.3], [-0.2, 0.6, 0.05], [0.1, -0.15, 0.55], [-0.45, 0.3, 0.2]]]> : tensor<1x8x3xf32>}> : () -> tensor<1x8x3xf32>
  %m = tosa.matmul %f3, %fw, %zp, %zp : (tensor<1x?x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32> loc("fc")
  %s3 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y2 = tosa.reshape %m, %s3 : (tensor<1x?x3xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  %fb = "tosa.const"() <{values = dense<[[0.5, -0.5, 0.0]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %y = tosa.add %y2, %fb : (tensor<?x3xf32>, tensor<1x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
