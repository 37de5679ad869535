// RUN: %python -c "import numpy as np; np.save('%t.npy', np.array([[-1.0, 0.5, 2.0, 4.0], [0.0, -2.0, 1.0, 3.0]], dtype=np.float32))"
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=minmax" 2>%t.log | FileCheck %s --check-prefix=MINMAX
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.log
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=mmse samples=1" | FileCheck %s --check-prefix=MMSE
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=percentile percentile=100" | FileCheck %s --check-prefix=PCT

// The argument and every computed float value get statistics; the relu's
// output is flagged non-negative. minmax clips every width at the range.
// MINMAX-LABEL: func.func @main
// MINMAX-SAME:    {mpq.calib = #mpq.calibration<method = "minmax", range = [-2.000000e+00, 4.000000e+00], non_negative = false, lo = [-2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00, -2.000000e+00], hi = [4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00, 4.000000e+00]>}
// MINMAX:         tosa.mul {{.*}}mpq.calib = #mpq.calibration<method = "minmax", range = [-4.000000e+00, 8.000000e+00]
// MINMAX:         tosa.clamp {{.*}}mpq.calib = #mpq.calibration<method = "minmax", range = [0.000000e+00, 8.000000e+00], non_negative = true
// MINMAX-NOT:     tosa.const{{.*}}mpq.calib

// PROGRESS: mpq-calibrate: ranges: 2/2 samples

// samples=1 sees only the first row; MMSE clips 2-bit codes harder than
// 8-bit ones.
// MMSE:         mpq.calib = #mpq.calibration<method = "mmse", range = [-1.000000e+00, 4.000000e+00], non_negative = false, lo = [-{{[0-9.e+-]+}}
// MMSE-NOT:     hi = [4.000000e+00

// PCT:          #mpq.calibration<method = "percentile", range = [-2.000000e+00, 4.000000e+00]
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %two = "tosa.const"() <{values = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %m = tosa.mul %x, %two, %shift : (tensor<?x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<?x4xf32>
  %r = tosa.clamp %m {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %r : tensor<?x4xf32>
}
