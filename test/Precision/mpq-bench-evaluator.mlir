// RUN: %python %S/Inputs/make_data.py %t
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --mpq-bench-evaluator="data=%t.x.npy seconds=0.01" -o /dev/null 2>&1 | FileCheck %s
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-bench-evaluator="data=%t.missing.npy" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-bench-evaluator="data=%t.x.npy samples=0" 2>&1 | FileCheck %s --check-prefix=SAMPLES
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-bench-evaluator="data=%t.x.npy entry=other" 2>&1 | FileCheck %s --check-prefix=ENTRY

// Evaluations per second of the loss evaluator: a change to the first layer
// re-runs the whole network, one to the last layer only its end.
// CHECK: mpq-bench-evaluator: 64 samples, 2 layers, setup {{[0-9.]+}} s; first layer changed (whole network): {{[0-9.]+}} evals/s ({{[0-9]+}}); last layer changed: {{[0-9.]+}} evals/s ({{[0-9]+}}); ratio {{[0-9.]+}}
// MISSING: error: data: {{.*}}missing.npy
// SAMPLES: error: samples must be positive, got 0
// ENTRY: error: no function @other
