// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 1, 1, 3), np.float32)); np.save('%t.i.npy', np.zeros((2, 3), np.int64))"
// RUN: mpq-opt %s --mpq-quantize="rounding=gptq data=%t.npy" --split-input-file --verify-diagnostics
// RUN: not mpq-opt %s --mpq-quantize="rounding=up" --split-input-file 2>&1 | FileCheck %s --check-prefix=ROUNDING
// RUN: not mpq-opt %s --mpq-quantize="rounding=gptq" --split-input-file 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not mpq-opt %s --mpq-quantize="rounding=gptq data=%t.missing.npy" --split-input-file 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mpq-opt %s --mpq-quantize="rounding=gptq data=%t.i.npy" --split-input-file 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not mpq-opt %s --mpq-quantize="rounding=gptq data=%t.npy samples=0" --split-input-file 2>&1 | FileCheck %s --check-prefix=SAMPLES

// ROUNDING: for the --rounding option: Cannot find option named 'up'!
// NODATA: error: rounding=gptq needs the calibration data: --mpq-quantize="rounding=gptq data=FILE.npy"
// MISSING: error: calibration data: {{.*}}missing.npy
// DTYPE: error: calibration data: {{.*}}.i.npy must be a float32 array [samples, ...] with at least one sample, got
// SAMPLES: error: samples must be positive, got 0

// The calibration samples feed the function's one argument.
// expected-error@+1 {{rounding=gptq feeds one input tensor, but @two takes 2}}
func.func @two(%x: tensor<?x1x1x3xf32>, %y: tensor<?x1x1x3xf32>) -> tensor<?x1x1x3xf32> {
  return %x : tensor<?x1x1x3xf32>
}

// -----

// Samples [1, 1, 3] do not fit a [?, 2, 2, 3] input.
// expected-error@+1 {{mpq-run: input #0}}
func.func @shape(%x: tensor<?x2x2x3xf32>) -> tensor<?x2x2x3xf32> {
  return %x : tensor<?x2x2x3xf32>
}
