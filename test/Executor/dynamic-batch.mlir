// A function with a dynamic batch runs on any batch size; result shapes come
// from the actual inputs.

// RUN: %python -c "import numpy as np; np.save('%t.1.npy', np.ones((1, 2, 2, 1), np.float32))"
// RUN: %python -c "import numpy as np; np.save('%t.3.npy', np.arange(12, dtype=np.float32).reshape(3, 2, 2, 1))"
// RUN: mpq-run %s -i %t.1.npy --print | FileCheck %s --check-prefix=ONE
// RUN: mpq-run %s -i %t.3.npy --print | FileCheck %s --check-prefix=THREE

// ONE:      output 0: tensor<1x1xf32>
// ONE-NEXT: 4

// THREE:      output 0: tensor<3x1xf32>
// THREE-NEXT: 6
// THREE-NEXT: 22
// THREE-NEXT: 38
func.func @main(%x: tensor<?x2x2x1xf32>) -> tensor<?x1xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x1x1x1xf32>
  %s = tosa.const_shape {values = dense<[-1, 1]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %0, %s : (tensor<?x1x1x1xf32>, !tosa.shape<2>) -> tensor<?x1xf32>
  %four = "tosa.const"() {values = dense<4.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %2 = tosa.mul %1, %four, %shift : (tensor<?x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<?x1xf32>
  return %2 : tensor<?x1xf32>
}
