// RUN: mpq-opt %s --mpq-fold-flatten-transpose --split-input-file | FileCheck %s

// x is NHWC [1, H=1, W=2, C=2]; its NCHW flatten is (c0w0, c0w1, c1w0, c1w1)
// and its NHWC flatten (w0c0, w0c1, w1c0, w1c1). B's rows 0..3 = 10, 20, 30,
// 40 follow NCHW, so in NHWC order they become 10, 30, 20, 40.
// CHECK-LABEL: func.func @fold
// CHECK-NOT:     tosa.transpose
// CHECK:         %[[B:.*]] = "tosa.const"() <{values = dense<{{\[}}{{\[}}[1.000000e+01], [3.000000e+01], [2.000000e+01], [4.000000e+01]]]>
// (TOSA's folder then merges the two reshapes.)
// CHECK:         %[[F3:.*]] = tosa.reshape %arg0
// CHECK:         tosa.matmul %[[F3]], %[[B]]
func.func @fold(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x2x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %t, %s2 : (tensor<1x2x1x2xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %b = "tosa.const"() <{values = dense<[[[10.0], [20.0], [30.0], [40.0]]]> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %f3, %b, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

// The flattened NCHW value is also returned: the transpose must stay.
// CHECK-LABEL: func.func @other_user
// CHECK:         tosa.transpose
func.func @other_user(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x1xf32>, tensor<1x4xf32>) {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x2x1x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %t, %s2 : (tensor<1x2x1x2xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %f3, %b, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y, %f : tensor<1x1x1xf32>, tensor<1x4xf32>
}

// -----

// A different permutation is not the NHWC -> NCHW flatten.
// CHECK-LABEL: func.func @other_perm
// CHECK:         tosa.transpose
func.func @other_perm(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 1, 3, 2>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
  %s2 = tosa.const_shape {values = dense<[1, 4]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %t, %s2 : (tensor<1x1x2x2xf32>, !tosa.shape<2>) -> tensor<1x4xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s3 : (tensor<1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %b = "tosa.const"() <{values = dense<1.0> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %f3, %b, %z, %z : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
