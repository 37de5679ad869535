// RUN: mpq-opt %s | mpq-opt | FileCheck %s

// Every known mpq.* attribute, where it belongs, is accepted and round-trips.

// CHECK: module attributes {mpq.codegen = {name = "m"}, mpq.target = "cortex-a76"}
module attributes {mpq.codegen = {name = "m"}, mpq.target = "cortex-a76"} {
  // CHECK-LABEL: func.func @known_attributes
  // CHECK-SAME: mpq.name = "input"
  // CHECK-SAME: mpq.name = "output"
  func.func @known_attributes(%x: tensor<1x4xf32> {mpq.name = "input"}) -> (tensor<1x4xf32> {mpq.name = "output"}) {
    // CHECK: tosa.clamp
    // CHECK-SAME: mpq.mean_patch = dense<1.000000e+00> : tensor<4xf32>
    // CHECK-SAME: mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>
    %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, mpq.mean_patch = dense<1.0> : tensor<4xf32>, mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %0 : tensor<1x4xf32>
  }
}
