// RUN: mpq-opt %s -split-input-file -verify-diagnostics --assign-precision="budget=avg-weight-bits:1"
// RUN: not mpq-opt %s --assign-precision="budget=size:abc" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not mpq-opt %s --assign-precision="budget=latency-us:10" 2>&1 | FileCheck %s --check-prefix=LATENCY
// RUN: not mpq-opt %s --assign-precision="budget=latency-us:10 target=no-clock targets-dir=%S/Inputs/targets" 2>&1 | FileCheck %s --check-prefix=CLOCK
// RUN: not mpq-opt %s --assign-precision="budget=latency-us:fast" 2>&1 | FileCheck %s --check-prefix=LATENCY-SYNTAX
// RUN: not mpq-opt %s --assign-precision="strategy=loss-aware budget=avg-weight-bits:4 data=x.npy" 2>&1 | FileCheck %s --check-prefix=LABELS
// RUN: not mpq-opt %s --assign-precision="strategy=clado budget=avg-weight-bits:4" 2>&1 | FileCheck %s --check-prefix=DATA
// RUN: not mpq-opt %s --assign-precision="target=cortex-a53 act-bits=4" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not mpq-opt %s --assign-precision="weight-bits=2,9" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not mpq-opt %s --assign-precision="exclude=conv9" 2>&1 | FileCheck %s --check-prefix=EXCLUDE
// RUN: not mpq-opt %s --assign-precision="strategy=greedy" 2>&1 | FileCheck %s --check-prefix=STRATEGY
// RUN: not mpq-opt %s --assign-precision="budget=cycles:1000" 2>&1 | FileCheck %s --check-prefix=CYCLES
// RUN: not mpq-opt %s --assign-precision="strategy=clado data=%s granularity=per-row" 2>&1 | FileCheck %s --check-prefix=GRANULARITY
// RUN: not mpq-opt %s --assign-precision="strategy=clado data=%s weight-method=lsq" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not mpq-opt %s --assign-precision="strategy=clado data=%s weight-objective=loss" 2>&1 | FileCheck %s --check-prefix=OBJECTIVE

// Every refusal of --assign-precision, at the entry function.

// SYNTAX: error: bad budget item 'size:abc': not a size; expected size:<n>[B|KB|KiB|MB|MiB], size-kb:<n>, avg-weight-bits:<b>, bops:<G>, cycles:<n>[K|M|G] or latency-us:<t>, separated by commas
// LATENCY: error: a latency budget needs a target (target=)
// LABELS: error: strategy=loss-aware needs labels
// DATA: error: strategy needs sensitivity samples
// TARGET: error: target 'cortex-a53' cannot run 4-bit activations
// WIDTH: error: weight-bits must be 2..8, got 9
// EXCLUDE: error: exclude: no layer named 'conv9'; layers are first, last, fc
// STRATEGY: Cannot find option named 'greedy'
// CLOCK: error: a latency budget needs the clock of target 'no-clock' (clock_ghz in its file)
// LATENCY-SYNTAX: error: bad budget item 'latency-us:fast': not a number
// CYCLES: error: a cycle budget needs a target (target=)
// GRANULARITY: error: granularity must be per-channel or per-tensor, got 'per-row'
// METHOD: error: weight-method must be mmse or maxabs, got 'lsq'
// OBJECTIVE: error: weight-objective must be output or weight, got 'loss'

// expected-error@+1 {{no layout meets the budget 'avg-weight-bits:1': average weight bits limit 1.00 is below the smallest achievable value 2.00}}
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
