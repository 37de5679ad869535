// Inputs are checked against the signature: count, element type, rank and
// static dimensions (a dynamic dimension matches anything).

// RUN: %python -c "import numpy as np; np.save('%t.ok.npy', np.ones((2, 3), np.float32)); np.save('%t.dim.npy', np.ones((2, 4), np.float32)); np.save('%t.rank.npy', np.ones((6,), np.float32)); np.save('%t.int.npy', np.ones((2, 3), np.int64))"
// RUN: rm -f %t.out.npy
// RUN: not mpq-run %s -o %t.out.npy 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not mpq-run %s -i %t.ok.npy -i %t.ok.npy -o %t.out.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not mpq-run %s -i %t.dim.npy -o %t.out.npy 2>&1 | FileCheck %s --check-prefix=DIM
// RUN: not mpq-run %s -i %t.rank.npy -o %t.out.npy 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not mpq-run %s -i %t.int.npy -o %t.out.npy 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not ls %t.out.npy
// RUN: not mpq-run %s -i %t.ok.npy -o %t.a.npy -o %t.b.npy 2>&1 | FileCheck %s --check-prefix=OUTS

// NONE:  error-inputs.mlir:[[@LINE+7]]:1: error: mpq-run: @main takes 1 input(s) but 0 were given
// COUNT: error-inputs.mlir:[[@LINE+6]]:1: error: mpq-run: @main takes 1 input(s) but 2 were given
// DIM:   error: mpq-run: input #0 ('x') of @main has shape 2x4 but tensor<?x3xf32> needs dimension 1 to be 3
// RANK:  error: mpq-run: input #0 ('x') of @main has shape 6 (rank 1) but tensor<?x3xf32> has rank 2
// TYPE:  error: mpq-run: input #0 ('x') of @main has element type i64 but tensor<?x3xf32> needs f32
// OUTS:  error: 2 output files given but @main has 1 result(s)

func.func @main(%x: tensor<?x3xf32> {mpq.name = "x"}) -> tensor<?x3xf32> {
  %0 = tosa.abs %x : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %0 : tensor<?x3xf32>
}
