// Malformed per-width kernel rates and clocks in a target file are refused
// with the file, line and column of the offending value.
// RUN: mpq-opt %s -verify-diagnostics --assign-precision="target=rates-missing-w2 targets-dir=%S/Inputs/targets"
// RUN: not mpq-opt %s --assign-precision="target=rates-zero targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not mpq-opt %s --assign-precision="target=rates-above-peak targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=PEAK
// RUN: not mpq-opt %s --assign-precision="target=rates-unknown-width targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not mpq-opt %s --assign-precision="target=rates-not-number targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=NUMBER
// RUN: not mpq-opt %s --assign-precision="target=rates-not-map targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=MAP
// RUN: not mpq-opt %s --assign-precision="target=clock-zero targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=CLOCK

// ZERO: rates-zero.yaml:10:71: error: measured_macs_per_cycle: w8, w4 and w2 must be positive
// PEAK: rates-above-peak.yaml:10:7: error: measured_macs_per_cycle of int8-smlal exceeds its peak macs_per_cycle
// UNKNOWN: rates-unknown-width.yaml:10:98: error: unknown key 'w3'
// NUMBER: rates-not-number.yaml:10:84: error: invalid floating point number
// MAP: rates-not-map.yaml:10:70: error: not a mapping
// CLOCK: clock-zero.yaml:1:1: error: clock_ghz must be a frequency in GHz, 0 < f <= 10

// expected-error@+1 {{missing required key 'w2'}}
func.func @main(%x: tensor<?x8xf32>) -> tensor<?x3xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %s2 = tosa.const_shape {values = dense<[1, -1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %x, %s2 : (tensor<?x8xf32>, !tosa.shape<3>) -> tensor<1x?x8xf32>
  %fw = "tosa.const"() <{values = dense<0.25> : tensor<1x8x3xf32>}> : () -> tensor<1x8x3xf32>
  %m = tosa.matmul %f3, %fw, %zp, %zp : (tensor<1x?x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32> loc("fc")
  %s3 = tosa.const_shape {values = dense<[-1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %y = tosa.reshape %m, %s3 : (tensor<1x?x3xf32>, !tosa.shape<2>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
