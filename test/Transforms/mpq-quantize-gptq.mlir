// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[[[1, 1, 1]]], [[[-1, 1, 1]]], [[[1, -1, -1]]], [[[-1, -1, -1]]]], dtype=np.float32))"
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs bias-correction=false" | FileCheck %s --check-prefix=NEAREST
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs bias-correction=false rounding=gptq data=%t.npy" | FileCheck %s --check-prefix=GPTQ
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs rounding=gptq data=%t.npy samples=2" | FileCheck %s --check-prefix=BIAS
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs rounding=auto data=%t.npy" | FileCheck %s --check-prefix=AUTO
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs data=%t.npy" | FileCheck %s --check-prefix=AUTO
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs rounding=nearest" -o %t.nearest.mlir
// RUN: mpq-opt %s --mpq-quantize="weight-method=maxabs" -o %t.auto-nodata.mlir
// RUN: diff %t.nearest.mlir %t.auto-nodata.mlir

// A 1x1 conv whose second and third inputs are always equal, with weights
// [1.0, 0.4047, 0.4047] (codes at scale 1/127: 127, 51.4, 51.4). Rounding to
// nearest gives [127, 51, 51] and loses 0.8/127 of the weight on the shared
// input; GPTQ rounds the second weight down and moves its error onto the
// third, which then rounds up: [127, 51, 52].
// NEAREST: dense<{{\[\[\[\[}}127, 51, 51]]]]> : tensor<1x1x1x3xi8>
// GPTQ: dense<{{\[\[\[\[}}127, 51, 52]]]]> : tensor<1x1x1x3xi8>

// With rounding=gptq, bias correction is empirical: it uses the mean of the
// input as the quantized graph computes it. Over the first two samples the
// quantized input is [0.99608, 0.99608, 0.99608] and [-1.00392, ...]
// (scale 2/255, codes 127 and -128), mean [-0.00392, 0.99608, 0.99608],
// against the float mean [0, 1, 1] (mpq.mean_patch). The bias absorbs
// E[W x] - E[Q(W) x_q] = 0.80945 - 0.80393 = 0.00552, or 89 in accumulator
// units (1/127 * 2/255). The float-mean correction would use (W - Q(W)) E[x]
// = -0.00157 (-26) and miss the shift of the input quantization.
// BIAS: dense<{{\[\[\[\[}}127, 51, 52]]]]> : tensor<1x1x1x3xi8>
// BIAS: dense<89> : tensor<1xi32>

// rounding=auto (the default) measures the output error of {GPTQ, nearest}
// x {with, without bias correction} on the calibration patches and keeps
// GPTQ's codes; here the uncorrected bias measures better (the output
// clips at its calibrated range [-2, 2]). Without data, auto is nearest
// (the two modules above are identical).
// AUTO: dense<{{\[\[\[\[}}127, 51, 52]]]]> : tensor<1x1x1x3xi8>
// AUTO: dense<0> : tensor<1xi32>
#c = #mpq.calibration<method = "minmax", range = [-1.0, 1.0], non_negative = false, lo = [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0, -1.0], hi = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]>
#o = #mpq.calibration<method = "minmax", range = [-2.0, 2.0], non_negative = false, lo = [-2.0, -2.0, -2.0, -2.0, -2.0, -2.0, -2.0], hi = [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]>
func.func @main(%x: tensor<?x1x1x3xf32> {mpq.calib = #c}) -> tensor<?x1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.4047244, 0.4047244]]]]> : tensor<1x1x1x3xf32>}> : () -> tensor<1x1x1x3xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %b, %b {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, mpq.calib = #o, mpq.mean_patch = dense<[0.0, 1.0, 1.0]> : tensor<3xf32>} : (tensor<?x1x1x3xf32>, tensor<1x1x1x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x1x1xf32>
  return %c : tensor<?x1x1x1xf32>
}
