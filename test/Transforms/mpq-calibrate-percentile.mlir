// RUN: %python -c "import numpy as np; np.save('%t.npy', np.arange(-1024, 1025, dtype=np.float32).reshape(1, 2049))"
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=percentile percentile=99" | FileCheck %s --check-prefix=P99
// RUN: mpq-opt %s --mpq-calibrate="data=%t.npy method=percentile percentile=99.9" | FileCheck %s --check-prefix=P999

// The percentile option reaches the clip values of every width, and they
// are the upper edges of the 2048-bin histogram's bins. The input holds the
// integers -1024..1024 once each: the histogram spans [-1024, 1024] in bins
// of width 1 (bin b holds -1024 + b; the last also 1024), so the 99th
// percentile (2028.51 of 2049 samples) ends in bin 2028, upper edge 1005,
// and the 1st (20.49) in bin 20, upper edge -1003. At 99.9 (2046.951 and
// 2.049 samples) the bins are 2046 and 2: 1023 and -1021.
// After the Relu, 1025 zeros and 1..1024 in bins of width 0.5 (v in bin 2v):
// 2028.51 samples are reached at v = 1004 (bin 2008, edge 1004.5), 2046.951
// at v = 1022 (bin 2044, edge 1022.5); the low end of a non-negative value
// is 0.

// P99-LABEL: func.func @main
// P99-SAME:    {mpq.calib = #mpq.calibration<method = "percentile", range = [-1.024000e+03, 1.024000e+03], non_negative = false, lo = [-1.003000e+03, -1.003000e+03, -1.003000e+03, -1.003000e+03, -1.003000e+03, -1.003000e+03, -1.003000e+03], hi = [1.005000e+03, 1.005000e+03, 1.005000e+03, 1.005000e+03, 1.005000e+03, 1.005000e+03, 1.005000e+03]>}
// P99:         tosa.clamp {{.*}}mpq.calib = #mpq.calibration<method = "percentile", range = [0.000000e+00, 1.024000e+03], non_negative = true, lo = [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], hi = [1.004500e+03, 1.004500e+03, 1.004500e+03, 1.004500e+03, 1.004500e+03, 1.004500e+03, 1.004500e+03]>

// P999-LABEL: func.func @main
// P999-SAME:    {mpq.calib = #mpq.calibration<method = "percentile", range = [-1.024000e+03, 1.024000e+03], non_negative = false, lo = [-1.021000e+03, -1.021000e+03, -1.021000e+03, -1.021000e+03, -1.021000e+03, -1.021000e+03, -1.021000e+03], hi = [1.023000e+03, 1.023000e+03, 1.023000e+03, 1.023000e+03, 1.023000e+03, 1.023000e+03, 1.023000e+03]>}
// P999:         tosa.clamp {{.*}}mpq.calib = #mpq.calibration<method = "percentile", range = [0.000000e+00, 1.024000e+03], non_negative = true, lo = [0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], hi = [1.022500e+03, 1.022500e+03, 1.022500e+03, 1.022500e+03, 1.022500e+03, 1.022500e+03, 1.022500e+03]>
func.func @main(%x: tensor<?x2049xf32>) -> tensor<?x2049xf32> {
  %r = tosa.clamp %x {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} : (tensor<?x2049xf32>) -> tensor<?x2049xf32>
  return %r : tensor<?x2049xf32>
}
