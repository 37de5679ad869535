// mpq-run writes its outputs as a set (issue 11, class 8): when one output
// cannot be written none is, and no temporary file is left; one path named
// twice is refused.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.ones((2, 3), np.float32))"
// RUN: not mpq-run %s -i %t/x.npy -o %t/a.npy -o %t/missing-dir/b.npy 2>&1 | FileCheck %s --check-prefix=DIR
// DIR: error: {{.*}}missing-dir/b.npy: cannot create a temporary file
// RUN: ls %t | FileCheck %s --check-prefix=NOTHING --implicit-check-not=a.npy --implicit-check-not=tmp
// NOTHING: x.npy
// RUN: not mpq-run %s -i %t/x.npy -o %t/a.npy -o %t/./a.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: error: -o {{.*}}a.npy is given twice
// RUN: ls %t | FileCheck %s --check-prefix=NOTHING --implicit-check-not=a.npy --implicit-check-not=tmp
// RUN: mpq-run %s -i %t/x.npy -o %t/a.npy -o %t/b.npy
// RUN: ls %t | FileCheck %s --check-prefix=BOTH --implicit-check-not=tmp
// BOTH: a.npy
// BOTH-NEXT: b.npy

func.func @main(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xf32>) {
  %r = tosa.clamp %x {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %x, %r : tensor<?x3xf32>, tensor<?x3xf32>
}
