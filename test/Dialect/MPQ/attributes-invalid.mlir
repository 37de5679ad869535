// RUN: mpq-opt %s -split-input-file -verify-diagnostics

// The discardable mpq.* attributes are checked by the dialect.

func.func @precision_wrong_kind(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'mpq.precision' on an op must be a #mpq.precision, got 4 : i32}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, mpq.precision = 4 : i32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{'mpq.precision' belongs on an op, not on a function argument}}
func.func @precision_on_argument(%x: tensor<1x4xf32> {mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>}) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

// -----

func.func @calib_wrong_kind(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'mpq.calib' on an op must be a #mpq.calibration, got "mmse"}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, mpq.calib = "mmse"} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @mean_patch_not_f32(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{'mpq.mean_patch' on an op must be a rank-1 f32 dense tensor on an op}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, mpq.mean_patch = dense<1> : tensor<4xi32>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{'mpq.name' on an argument must be a string on a function argument or result, got 3 : i64}}
func.func @name_not_string(%x: tensor<1x4xf32> {mpq.name = 3}) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{'mpq.target' on an op must be a string on a module}}
module attributes {mpq.target = 3} {
}

// -----

// expected-error@+1 {{'mpq.codegen' on an op must be a dictionary on a module}}
module attributes {mpq.codegen = "x"} {
}

// -----

func.func @unknown_name(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-error@+1 {{unknown mpq attribute 'mpq.precison'}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, mpq.precison = #mpq.precision<weight_bits = 4, act_bits = 8>} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
