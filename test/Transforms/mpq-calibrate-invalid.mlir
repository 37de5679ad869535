// RUN: %python -c "import numpy as np; np.save('%t.npy', np.zeros((2, 4), dtype=np.float32)); np.save('%t.int.npy', np.zeros((2, 4), dtype=np.int64)); np.save('%t.bad.npy', np.zeros((2, 5), dtype=np.float32))"
// RUN: not mpq-opt %s --mpq-calibrate 2>&1 | FileCheck %s --check-prefix=NODATA
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.npy method=kl" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.npy samples=0" 2>&1 | FileCheck %s --check-prefix=SAMPLES
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.int.npy" 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.bad.npy" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.npy entry=nope" 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.npy method=percentile percentile=40" 2>&1 | FileCheck %s --check-prefix=PCT
// RUN: not mpq-opt %s --mpq-calibrate="data=%t.npy entry=two" 2>&1 | FileCheck %s --check-prefix=TWO

// NODATA: error: mpq-calibrate needs calibration data: --mpq-calibrate="data=FILE.npy"
// METHOD: error: unknown calibration method 'kl' (minmax, percentile or mmse)
// SAMPLES: error: samples must be positive, got 0
// MISSING: error: calibration data: {{.*}}missing.npy
// DTYPE: error: calibration data: {{.*}}int.npy must be a float32 array [samples, ...] with at least one sample
// SHAPE: error: {{.*}}has shape 1x5 but tensor<?x4xf32> needs dimension 1 to be 4
// ENTRY: error: {{.*}}nope
// PCT: error: percentile must be in (50, 100], got 4.000000e+01
// TWO: error: calibration feeds one input tensor, but @two takes 2

func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %r = tosa.clamp %x {max_val = 1.0 : f32, min_val = 0.0 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}

func.func @two(%x: tensor<?x4xf32>, %y: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
