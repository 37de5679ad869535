// Calibration policy (docs/hardening.md): samples holding NaN or Inf are
// skipped with a warning and a count, nothing finite left is an error, and
// degenerate data (every value equal, every sample identical) is flagged.
// RUN: %python -c "import numpy as np; a = np.array([[-1.0, 0.5, 2.0, 4.0], [0.0, np.nan, 1.0, 3.0], [0.0, -2.0, np.inf, 3.0], [0.0, -2.0, -np.inf, 3.0], [0.5, 0.5, 1.0, 3.0]], dtype=np.float32); np.save('%t.mixed.npy', a); np.save('%t.nan.npy', a[1:4]); np.save('%t.zero.npy', np.zeros((3, 4), np.float32)); np.save('%t.same.npy', np.tile(a[:1], (3, 1)))"
// RUN: mpq-opt %s --mpq-calibrate="data=%t.mixed.npy method=minmax" 2>%t.log | FileCheck %s --check-prefix=MIXED
// RUN: FileCheck %s --check-prefix=SKIP < %t.log
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.nan.npy" 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.nan.npy samples=1" 2>&1 | FileCheck %s --check-prefix=NONE1
// RUN: mpq-opt %s --mpq-calibrate="data=%t.mixed.npy samples=1" 2>&1 >/dev/null | FileCheck %s --check-prefix=FIRST --allow-empty
// RUN: mpq-opt %s --mpq-calibrate="data=%t.zero.npy" 2>&1 >/dev/null | FileCheck %s --check-prefix=ZERO
// RUN: mpq-opt %s --mpq-calibrate="data=%t.same.npy" 2>&1 >/dev/null | FileCheck %s --check-prefix=SAME
// GPTQ rounding reads the data through the same policy.
// RUN: not mpq-opt %s --mpq-quantize="rounding=gptq data=%t.nan.npy" 2>&1 | FileCheck %s --check-prefix=NONE

// The range comes from the two finite samples only (rows 0 and 4).
// MIXED-LABEL: func.func @main
// MIXED-SAME:    range = [-1.000000e+00, 4.000000e+00]
// MIXED:         tosa.clamp {{.*}}range = [0.000000e+00, 8.000000e+00]
// SKIP: warning: calibration data {{.*}}mixed.npy: skipped 3 of 5 samples containing NaN or Inf; calibrating on the 2 finite ones
// SKIP-NOT: degenerate

// NONE: error: calibration data: {{.*}}nan.npy: every one of the 3 calibration samples used contains NaN or Inf; nothing finite is left to calibrate on
// NONE1: error: calibration data: {{.*}}nan.npy: every one of the 1 calibration samples used contains NaN or Inf

// FIRST-NOT: warning

// ZERO: warning: calibration data {{.*}}zero.npy is degenerate (every value is 0): activation ranges measured on it will not represent real inputs
// SAME: warning: calibration data {{.*}}same.npy is degenerate (all 3 samples are identical)

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %x, %two, %shift : (tensor<?x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<?x4xf32>
  %r = tosa.clamp %m {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
