// --labels prints the top-1 accuracy of output 0 (argmax over its last
// dimension); int64 and int32 labels are accepted, also with chunking.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[0.1, 0.9, 0], [2, 1, 0], [0, 0, 5], [1, 3, 2]], np.float32)); np.save('%t.y64.npy', np.array([1, 0, 1, 1], np.int64)); np.save('%t.y32.npy', np.array([1, 0, 2, 1], np.int32))"
// RUN: mpq-run %s -i %t.x.npy --labels %t.y64.npy | FileCheck %s --check-prefix=I64
// RUN: mpq-run %s -i %t.x.npy --labels %t.y32.npy --batch-size 3 2>/dev/null | FileCheck %s --check-prefix=I32
// RUN: %python -c "import numpy as np; np.save('%t.short.npy', np.array([1, 0], np.int64))"
// RUN: not mpq-run %s -i %t.x.npy --labels %t.short.npy 2>&1 | FileCheck %s --check-prefix=COUNT

// I64: top-1: 0.7500 (3/4)
// I32: top-1: 1.0000 (4/4)
// COUNT: error: --labels: {{.*}}short.npy has 2 labels but output 0 (4x3xf32) has 4 rows
func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = tosa.identity %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
