// --batch-size splits the batched inputs along dimension 0, runs each chunk
// and concatenates the outputs; progress goes to stderr. Inputs whose
// argument has a static leading dimension (here the weight) are passed whole
// to every chunk. The chunked result equals the one-piece result.

// RUN: %python -c "import numpy as np; r = np.random.default_rng(0); np.save('%t.x.npy', r.uniform(-1, 1, (5, 4)).astype(np.float32)); np.save('%t.w.npy', r.uniform(-1, 1, (4, 3)).astype(np.float32))"
// RUN: mpq-run %s -i %t.x.npy -i %t.w.npy --batch-size 2 -o %t.chunked.npy --print 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.err
// RUN: mpq-run %s -i %t.x.npy -i %t.w.npy --batch-size 0 -o %t.whole.npy
// RUN: %python %S/Inputs/ref.py cmp %t.chunked.npy %t.whole.npy --tol 1e-6

// CHECK: output 0: tensor<5x3xf32>

// PROGRESS:      mpq-run: 2/5 samples
// PROGRESS-NEXT: mpq-run: 4/5 samples
// PROGRESS-NEXT: mpq-run: 5/5 samples
func.func @main(%x: tensor<?x4xf32>, %w: tensor<4x3xf32>) -> tensor<?x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s3 = tosa.const_shape {values = dense<[1, -1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %a = tosa.reshape %x, %s3 : (tensor<?x4xf32>, !tosa.shape<3>) -> tensor<1x?x4xf32>
  %sw = tosa.const_shape {values = dense<[1, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %b = tosa.reshape %w, %sw : (tensor<4x3xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<1x?x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  %s2 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %1 = tosa.reshape %0, %s2 : (tensor<1x?x3xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}
