// RUN: %python %S/Inputs/make_data.py %t
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:3 data=%t.x.npy" --mpq-quantize="data=%t.x.npy" -o %t.q.mlir 2>/dev/null
// RUN: FileCheck %s < %t.q.mlir
// RUN: mpq-run %t.q.mlir -i %t.x.npy --labels %t.y.npy | FileCheck %s --check-prefix=EXEC
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:3 data=%t.x.npy rounding=nearest bias-correction=false" --mpq-quantize="data=%t.x.npy rounding=nearest bias-correction=false" 2>/dev/null | FileCheck %s
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --assign-precision="strategy=clado data=%t.x.npy rounding=up" 2>&1 | FileCheck %s --check-prefix=ROUNDING

// The search measures each layer with the quantizer --mpq-quantize runs
// (mpq::quantizeLayer, rounding=auto by default, or as given); the module
// it produces runs in mpq-run.
// CHECK: mpq.conv2d {{.*}}weight_params = #mpq.qparams<bits = [[CB:[2-8]]],
// CHECK: mpq.fully_connected {{.*}}weight_params = #mpq.qparams<bits = [[FB:[2-8]]],
// EXEC: top-1:
// ROUNDING: for the --rounding option: Cannot find option named 'up'!
