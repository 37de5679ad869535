// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs" --split-input-file | FileCheck %s
// RUN: mpq-opt %s --mpq-quantize="weight-bits=4 granularity=per-tensor" --split-input-file | FileCheck %s --check-prefix=W4
// RUN: mpq-opt %s --mpq-quantize="bias-correction=false" --split-input-file | FileCheck %s --check-prefix=NOBC

#in = #mpq.calibration<method = "minmax", range = [-1.0, 3.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]>
#relu = #mpq.calibration<method = "minmax", range = [0.0, 2.55], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [2.55, 2.55, 2.55, 2.55, 2.55, 2.55, 2.55]>
#conv = #mpq.calibration<method = "minmax", range = [-2.0, 2.55], non_negative = false, lo = [-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0], hi = [2.55, 2.55, 2.55, 2.55, 2.55, 2.55, 2.55]>
#out = #mpq.calibration<method = "minmax", range = [-4.0, 4.0], non_negative = false, lo = [-4.0, -4.0, -4.0, -4.0, -4.0, -4.0, -4.0], hi = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]>

// Conv + Relu + MaxPool + FC: the Relu fuses into the conv's clamp, the pool
// runs on codes, the importer's Gemm chain becomes one fully_connected, and
// only the graph input and output cross between float and integer. The
// Relu needs no clamp: its calibrated range starts at 0, the lowest code.
// CHECK-LABEL: func.func @cnn
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4x4x1xf32>
// CHECK:         %[[Q:.*]] = mpq.quantize %[[X]] {params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.015686274509803921], zero_point = [-64]>}
// CHECK-DAG:     %[[W:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<2x3x3x1xi8>}>
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<{{.*}}> : tensor<2xi32>}>
// CHECK:         %[[C:.*]] = mpq.conv2d %[[Q]], %[[W]], %[[B]] {dilation
// CHECK-SAME:      output_params = #mpq.qparams<bits = 8, is_signed = true, scale = [0.0099999999999999984], zero_point = [-128]>
// CHECK-SAME:      weight_params = #mpq.qparams<bits = 8, is_signed = true, narrow = true, scale = [{{.*}}, {{.*}}], zero_point = [0, 0], axis = 0>
// CHECK-SAME:      -> tensor<?x4x4x2xi8>
// CHECK:         %[[P:.*]] = tosa.max_pool2d %[[C]] {{.*}} -> tensor<?x2x2x2xi8>
// CHECK:         %[[F:.*]] = tosa.reshape %[[P]]
// CHECK:         %[[Y:.*]] = mpq.fully_connected %[[F]], %{{.*}}, %{{.*}} {input_params
// CHECK-SAME:      -> tensor<?x3xi8>
// CHECK:         %[[D:.*]] = mpq.dequantize %[[Y]]
// CHECK-NOT:     tosa.conv2d
// CHECK-NOT:     tosa.matmul
// CHECK:         return %[[D]]

// W4-LABEL: func.func @cnn
// W4:         mpq.packed_constant {data = dense<{{.*}}> : tensor<9xi8>, is_signed = true, layout = #mpq.packing<bits = 4, container = 4>} : tensor<2x3x3x1xi8>
// W4:         mpq.conv2d {{.*}}weight_params = #mpq.qparams<bits = 4, is_signed = true, narrow = true, scale = [{{[^,]*}}], zero_point = [0]>
func.func @cnn(%x: tensor<?x4x4x1xf32> {mpq.calib = #in}) -> tensor<?x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5]], [[-0.25]], [[0.125]]], [[[1.0]], [[0.0]], [[-1.0]]], [[[0.75]], [[0.2]], [[-0.3]]]]> : tensor<3x3x1x1xf32>}> : () -> tensor<3x3x1x1xf32>
  %w2 = "tosa.const"() <{values = dense<[[[[0.5], [0.1], [0.2]], [[-0.5], [0.3], [0.4]], [[0.6], [0.7], [-0.8]]], [[[0.9], [-0.1], [0.2]], [[0.3], [0.4], [-0.5]], [[0.6], [-0.7], [0.8]]]]> : tensor<2x3x3x1xf32>}> : () -> tensor<2x3x3x1xf32>
  %b = "tosa.const"() <{values = dense<[0.1, -0.2]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, mpq.calib = #conv} : (tensor<?x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x2xf32>
  %r = tosa.clamp %c {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32, mpq.calib = #relu} : (tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>, mpq.calib = #relu} : (tensor<?x4x4x2xf32>) -> tensor<?x2x2x2xf32>
  %s1 = tosa.const_shape {values = dense<[-1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %p, %s1 {mpq.calib = #relu} : (tensor<?x2x2x2xf32>, !tosa.shape<2>) -> tensor<?x8xf32>
  %s2 = tosa.const_shape {values = dense<[1, -1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s2 : (tensor<?x8xf32>, !tosa.shape<3>) -> tensor<1x?x8xf32>
  %fw = "tosa.const"() <{values = dense<0.25> : tensor<1x8x3xf32>}> : () -> tensor<1x8x3xf32>
  %m = tosa.matmul %f3, %fw, %zp, %zp : (tensor<1x?x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  %s3 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y2 = tosa.reshape %m, %s3 : (tensor<1x?x3xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  %fb = "tosa.const"() <{values = dense<[[0.5, -0.5, 0.0]]> : tensor<1x3xf32>}> : () -> tensor<1x3xf32>
  %y = tosa.add %y2, %fb {mpq.calib = #out} : (tensor<?x3xf32>, tensor<1x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

#a = #mpq.calibration<method = "minmax", range = [0.0, 2.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]>
#s = #mpq.calibration<method = "minmax", range = [0.0, 4.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]>
#g = #mpq.calibration<method = "minmax", range = [0.0, 3.0], non_negative = true, lo = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], hi = [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]>

// A residual add of two activations becomes mpq.add with the Relu fused;
// global average pooling becomes mpq.avg_pool2d; a per-op #mpq.precision
// asks for 4-bit activations, which the pool's own requantization gives.
// CHECK-LABEL: func.func @residual
// CHECK-DAG:     %[[QA:.*]] = mpq.quantize %arg0 {params = #mpq.qparams<bits = 8
// CHECK-DAG:     %[[QB:.*]] = mpq.quantize %arg1 {params = #mpq.qparams<bits = 8
// CHECK:         %[[S:.*]] = mpq.add %[[QA]], %[[QB]] {lhs_params
// CHECK:         mpq.avg_pool2d %[[S]] {{.*}}output_params = #mpq.qparams<bits = 4
func.func @residual(%a: tensor<1x4x4x2xf32> {mpq.calib = #a}, %b: tensor<1x4x4x2xf32> {mpq.calib = #a}) -> tensor<1x1x1x2xf32> {
  %s = tosa.add %a, %b {mpq.calib = #s} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %s {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32, mpq.calib = #s} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %g = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #g, mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 4>} : (tensor<1x4x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  return %g : tensor<1x1x1x2xf32>
}

// -----

#x = #mpq.calibration<method = "minmax", range = [-8.0, 8.0], non_negative = false, lo = [-8.0, -8.0, -8.0, -8.0, -8.0, -8.0, -8.0], hi = [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0]>

// A clamp the calibrated range does not already imply (Relu6 after an add
// calibrated to [-8, 8]) becomes clamp codes on the add. A Sigmoid has no
// integer form and stays float on the dequantized value.
// CHECK-LABEL: func.func @relu6_and_float_fallback
// CHECK:         %[[S:.*]] = mpq.add %{{.*}}, %{{.*}} {clamp_max = 96 : i64, clamp_min = 0 : i64
// CHECK:         %[[D:.*]] = mpq.dequantize %[[S]]
// CHECK:         %[[G:.*]] = tosa.sigmoid %[[D]] : (tensor<4xf32>) -> tensor<4xf32>
// CHECK:         return %[[G]]
func.func @relu6_and_float_fallback(%x: tensor<4xf32> {mpq.calib = #x}, %y: tensor<4xf32> {mpq.calib = #x}) -> tensor<4xf32> {
  %a = tosa.add %x, %y {mpq.calib = #x} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c = tosa.clamp %a {max_val = 6.0 : f32, min_val = 0.0 : f32, mpq.calib = #x} : (tensor<4xf32>) -> tensor<4xf32>
  %s = tosa.sigmoid %c : (tensor<4xf32>) -> tensor<4xf32>
  return %s : tensor<4xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// The input's NCHW -> NHWC transpose moves after the quantize, so it runs on
// codes and the graph is integer from its first op.
// CHECK-LABEL: func.func @quantize_before_transpose
// CHECK-NEXT:    %[[Q:.*]] = mpq.quantize %arg0 {{.*}} : tensor<1x2x3x3xf32> -> tensor<1x2x3x3xi8>
// CHECK-NEXT:    %[[T:.*]] = tosa.transpose %[[Q]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x3xi8>) -> tensor<1x3x3x2xi8>
// CHECK:         mpq.conv2d %[[T]]
func.func @quantize_before_transpose(%x: tensor<1x2x3x3xf32> {mpq.calib = #c}) -> tensor<1x3x3x1xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>, mpq.calib = #c} : (tensor<1x2x3x3xf32>) -> tensor<1x3x3x2xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %t, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #c} : (tensor<1x3x3x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x1xf32>
  return %c : tensor<1x3x3x1xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// Bias correction: at 4 bits (max-abs, scale 0.3/7) the weight 0.1 becomes
// 2 * 0.3/7, an error of 1/70; with E[x] = [0, 2] the bias gains 2/70, which
// is 85 in accumulator units (s_x * s_w = 2/255 * 0.3/7).
// CHECK-LABEL: func.func @bias_correction
// CHECK:         "tosa.const"() <{values = dense<85> : tensor<1xi32>}>
// NOBC-LABEL:  func.func @bias_correction
// NOBC:          "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
func.func @bias_correction(%x: tensor<1x2x2x2xf32> {mpq.calib = #c}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.3, 0.1]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #c, mpq.mean_patch = dense<[0.0, 2.0]> : tensor<2xf32>, mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>} : (tensor<1x2x2x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %c : tensor<1x2x2x1xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// An FC whose input reshape was merged with the Flatten (as TOSA's folder
// does after --mpq-fold-flatten-transpose): the 4-D codes are flattened.
// CHECK-LABEL: func.func @fc_from_4d
// CHECK:         %[[Q:.*]] = mpq.quantize %arg0
// CHECK:         %[[F:.*]] = tosa.reshape %[[Q]], %{{.*}} : (tensor<1x2x2x2xi8>, !tosa.shape<2>) -> tensor<1x8xi8>
// CHECK:         mpq.fully_connected %[[F]]
// CHECK-NOT:     tosa.matmul
func.func @fc_from_4d(%x: tensor<1x2x2x2xf32> {mpq.calib = #c}) -> tensor<1x3xf32> {
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<1x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x8x3xf32>}> : () -> tensor<1x8x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x3, %w, %z, %z : (tensor<1x1x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32>
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %m, %s2 {mpq.calib = #c} : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// A linear layer over the last axis of [1, 4, 2] (ONNX MatMul with constant
// [K, N] weights and a bias [N], as imported: no reshapes left): one
// fully_connected over the 4 rows, on the codes as they are, with the bias
// add fused.
// CHECK-LABEL: func.func @linear_3d
// CHECK:         %[[Q:.*]] = mpq.quantize %arg0
// CHECK-DAG:     %[[B:.*]] = "tosa.const"() <{values = dense<[{{.*}}]> : tensor<3xi32>}>
// CHECK:         %[[Y:.*]] = mpq.fully_connected %[[Q]], %{{.*}}, %[[B]] {{.*}} : (tensor<1x4x2xi8>, tensor<3x2xi8>, tensor<3xi32>) -> tensor<1x4x3xi8>
// CHECK:         %[[D:.*]] = mpq.dequantize %[[Y]]
// CHECK-NOT:     tosa.matmul
// CHECK-NOT:     tosa.add
// CHECK:         return %[[D]]
func.func @linear_3d(%x: tensor<1x4x2xf32> {mpq.calib = #c}) -> tensor<1x4x3xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.5, -0.25, 1.0], [0.125, 0.75, -1.0]]]> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  %b = "tosa.const"() <{values = dense<[[[0.1, -0.2, 0.3]]]> : tensor<1x1x3xf32>}> : () -> tensor<1x1x3xf32>
  %y = tosa.add %m, %b {mpq.calib = #c} : (tensor<1x4x3xf32>, tensor<1x1x3xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// The same over [?, 1, 4, 2] with the importer's reshapes around the
// matmul (a dynamic batch): the first dimension stays the batch, so code
// generation (one sample per call) sees the 4 rows of a sample.
// CHECK-LABEL: func.func @linear_4d_dynamic
// CHECK:         %[[Q:.*]] = mpq.quantize %arg0
// CHECK:         %[[Y:.*]] = mpq.fully_connected %[[Q]], {{.*}} -> tensor<?x1x4x3xi8>
// CHECK:         mpq.dequantize %[[Y]]
// CHECK-NOT:     tosa.matmul
func.func @linear_4d_dynamic(%x: tensor<?x1x4x2xf32> {mpq.calib = #c}) -> tensor<?x1x4x3xf32> {
  %s3 = tosa.const_shape {values = dense<[1, -1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<?x1x4x2xf32>, !tosa.shape<3>) -> tensor<1x?x2xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x3, %w, %z, %z : (tensor<1x?x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  %s4 = tosa.const_shape {values = dense<[-1, 1, 4, 3]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %y = tosa.reshape %m, %s4 {mpq.calib = #c} : (tensor<1x?x3xf32>, !tosa.shape<4>) -> tensor<?x1x4x3xf32>
  return %y : tensor<?x1x4x3xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// Rows of K = 4 from [?, 2, 2, 2]: two rows per sample, the codes as
// [?, 2, 4] and the result reshaped to the matmul's users' [?, 2, 3].
// CHECK-LABEL: func.func @linear_rows_per_sample
// CHECK:         %[[F:.*]] = tosa.reshape %{{.*}} : (tensor<?x2x2x2xi8>, !tosa.shape<3>) -> tensor<?x2x4xi8>
// CHECK:         %[[Y:.*]] = mpq.fully_connected %[[F]], {{.*}} -> tensor<?x2x3xi8>
// CHECK:         mpq.dequantize %[[Y]]
func.func @linear_rows_per_sample(%x: tensor<?x2x2x2xf32> {mpq.calib = #c}) -> tensor<?x2x3xf32> {
  %s3 = tosa.const_shape {values = dense<[1, -1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %s3 : (tensor<?x2x2x2xf32>, !tosa.shape<3>) -> tensor<1x?x4xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x4x3xf32>}> : () -> tensor<1x4x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x3, %w, %z, %z : (tensor<1x?x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  %s4 = tosa.const_shape {values = dense<[-1, 2, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %y = tosa.reshape %m, %s4 {mpq.calib = #c} : (tensor<1x?x3xf32>, !tosa.shape<3>) -> tensor<?x2x3xf32>
  return %y : tensor<?x2x3xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// A constant added along another axis ([4, 1] against [1, 4, 3]) is not a
// bias: the layer ends at the matmul and the add stays float.
// CHECK-LABEL: func.func @linear_3d_not_bias
// CHECK:         mpq.fully_connected {{.*}} -> tensor<1x4x3xi8>
// CHECK:         tosa.add
func.func @linear_3d_not_bias(%x: tensor<1x4x2xf32> {mpq.calib = #c}) -> tensor<1x4x3xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x2x3xf32>}> : () -> tensor<1x2x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %z, %z {mpq.calib = #c} : (tensor<1x4x2xf32>, tensor<1x2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x3xf32>
  %b = "tosa.const"() <{values = dense<[[[0.1], [0.2], [0.3], [0.4]]]> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %y = tosa.add %m, %b {mpq.calib = #c} : (tensor<1x4x3xf32>, tensor<1x4x1xf32>) -> tensor<1x4x3xf32>
  return %y : tensor<1x4x3xf32>
}

// -----

#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>

// The importer's crop before a strided conv (tosa.slice) runs on codes.
// CHECK-LABEL: func.func @slice_on_codes
// CHECK:         %[[S:.*]] = mpq.add
// CHECK:         %[[C:.*]] = tosa.slice %[[S]], {{.*}} -> tensor<1x3x3x2xi8>
// CHECK:         mpq.dequantize %[[C]]
func.func @slice_on_codes(%x: tensor<1x4x4x2xf32> {mpq.calib = #c}, %y: tensor<1x4x4x2xf32> {mpq.calib = #c}) -> tensor<1x3x3x2xf32> {
  %a = tosa.add %x, %y {mpq.calib = #c} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %start = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4>
  %size = tosa.const_shape {values = dense<[1, 3, 3, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %s = tosa.slice %a, %start, %size {mpq.calib = #c} : (tensor<1x4x4x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x3x3x2xf32>
  return %s : tensor<1x3x3x2xf32>
}
