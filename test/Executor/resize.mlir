// tosa.resize (TOSA 1.0 float semantics): nearest with the offset the
// importer uses for ONNX's asymmetric/floor upsampling, and bilinear with
// the half-pixel offset; tosa.reverse; tosa.transpose_conv2d.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([1, 2, 3, 4], np.float32).reshape(1, 2, 2, 1))"
// RUN: mpq-run %s -i %t.x.npy --print | FileCheck %s

// Nearest, 2x, floor: every input pixel becomes a 2x2 block.
// CHECK-LABEL: output 0: tensor<1x4x4x1xf32>
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 2
// CHECK-NEXT: 2
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 2
// CHECK-NEXT: 2
// CHECK-NEXT: 3
// CHECK-NEXT: 3
// CHECK-NEXT: 4
// CHECK-NEXT: 4
// CHECK-NEXT: 3
// CHECK-NEXT: 3
// CHECK-NEXT: 4
// CHECK-NEXT: 4
// Bilinear, 2x, half-pixel: samples at -0.25, 0.25, 0.75, 1.25 (clamped).
// CHECK-NEXT: output 1: tensor<1x4x4x1xf32>
// CHECK-NEXT: 1
// CHECK-NEXT: 1.25
// CHECK-NEXT: 1.75
// CHECK-NEXT: 2
// CHECK-NEXT: 1.5
// CHECK-NEXT: 1.75
// CHECK-NEXT: 2.25
// CHECK-NEXT: 2.5
// CHECK-NEXT: 2.5
// CHECK-NEXT: 2.75
// CHECK-NEXT: 3.25
// CHECK-NEXT: 3.5
// CHECK-NEXT: 3
// CHECK-NEXT: 3.25
// CHECK-NEXT: 3.75
// CHECK-NEXT: 4
// Reverse along W.
// CHECK-NEXT: output 2: tensor<1x2x2x1xf32>
// CHECK-NEXT: 2
// CHECK-NEXT: 1
// CHECK-NEXT: 4
// CHECK-NEXT: 3
// Transposed convolution, stride 2: each input scales the 2x2 kernel
// [[1, 2], [3, 4]] into its own block; bias 0.5.
// CHECK-NEXT: output 3: tensor<1x4x4x1xf32>
// CHECK-NEXT: 1.5
// CHECK-NEXT: 2.5
// CHECK-NEXT: 2.5
// CHECK-NEXT: 4.5
// CHECK-NEXT: 3.5
// CHECK-NEXT: 4.5
// CHECK-NEXT: 6.5
// CHECK-NEXT: 8.5
// CHECK-NEXT: 3.5
// CHECK-NEXT: 6.5
// CHECK-NEXT: 4.5
// CHECK-NEXT: 8.5
// CHECK-NEXT: 9.5
// CHECK-NEXT: 12.5
// CHECK-NEXT: 12.5
// CHECK-NEXT: 16.5
func.func @main(%x: tensor<1x2x2x1xf32>) -> (tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x2x2x1xf32>, tensor<1x4x4x1xf32>) {
  %scale = tosa.const_shape {values = dense<[4, 2, 4, 2]> : tensor<4xindex>} : () -> !tosa.shape<4>
  %off0 = tosa.const_shape {values = dense<[-2, -2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %bor0 = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %0 = tosa.resize %x, %scale, %off0, %bor0 {mode = NEAREST_NEIGHBOR} : (tensor<1x2x2x1xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4x4x1xf32>
  %off1 = tosa.const_shape {values = dense<[-1, -1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %bor1 = tosa.const_shape {values = dense<[1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.resize %x, %scale, %off1, %bor1 {mode = BILINEAR} : (tensor<1x2x2x1xf32>, !tosa.shape<4>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x4x4x1xf32>
  %2 = tosa.reverse %x {axis = 2 : i32} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %w = "tosa.const"() {values = dense<[[[[1.0], [2.0]], [[3.0], [4.0]]]]> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() {values = dense<[0.5]> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<[0.0]> : tensor<1xf32>} : () -> tensor<1xf32>
  %3 = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x1xf32>
  return %0, %1, %2, %3 : tensor<1x4x4x1xf32>, tensor<1x4x4x1xf32>, tensor<1x2x2x1xf32>, tensor<1x4x4x1xf32>
}
