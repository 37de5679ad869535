// An op without a handler is reported at its location; nothing is written.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.ones((2, 3), np.float32))"
// RUN: rm -f %t.out.npy
// RUN: not mpq-run %s -i %t.x.npy -o %t.out.npy 2>&1 | FileCheck %s
// RUN: not ls %t.out.npy

// CHECK: error-unsupported-op.mlir:[[@LINE+3]]:8: error: mpq-run: unsupported op 'tosa.sin'
func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = tosa.exp %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  %1 = tosa.sin %0 : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
