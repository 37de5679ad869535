// RUN: %python %S/Inputs/make_data.py %t
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=uniform budget=avg-weight-bits:4 weight-bits=2,4,8" 2>/dev/null | FileCheck %s --check-prefix=UNIFORM
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=uniform" 2>/dev/null | FileCheck %s --check-prefix=MAX
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=size:1MB data=%t.x.npy" 2>/dev/null | FileCheck %s --check-prefix=MAX
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:2 data=%t.x.npy" 2>/dev/null | FileCheck %s --check-prefix=MIN
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:5 data=%t.x.npy" 2>%t.clado.log | FileCheck %s --check-prefix=CLADO
// RUN: FileCheck %s --check-prefix=PROGRESS < %t.clado.log
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:5 weight-bits=2,4,8 exclude=first data=%t.x.npy" 2>/dev/null | FileCheck %s --check-prefix=PINNED
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=hawq budget=avg-weight-bits:5 weight-bits=2,4,8 data=%t.x.npy labels=%t.y.npy probes=4" 2>/dev/null | FileCheck %s --check-prefix=HAWQ
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=loss-aware budget=avg-weight-bits:5 weight-bits=2,4,8 data=%t.x.npy labels=%t.y.npy" 2>%t.la.log | FileCheck %s --check-prefix=LOSSAWARE
// RUN: FileCheck %s --check-prefix=LOSSAWARE-LOG < %t.la.log
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=avg-weight-bits:5 data=%t.x.npy" --mpq-quantize -o %t.q.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=QUANT < %t.q.mlir
// RUN: mpq-run %t.q.mlir -i %t.x.npy --labels %t.y.npy | FileCheck %s --check-prefix=EXEC

// The tiny CNN has two layers: conv1 (18 weights) and fc (24 weights).

// The highest uniform width within 4 average bits, from {2, 4, 8}.
// UNIFORM: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>
// UNIFORM: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>

// No budget, or an unlimited one: every layer at the highest widths.
// MAX: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 8>
// MAX: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 8>

// The smallest achievable budget: every layer at the lowest width.
// MIN: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>
// MIN: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>

// 5 average bits over {2,3,4,6,8}: 18*6 + 24*4 = 204 <= 210 bits; CLADO
// spends the extra bits on the conv (measured KL against the float model).
// CLADO: module attributes {mpq.search = {
// CLADO-SAME: budget = "avg-weight-bits:5"
// CLADO-SAME: evaluations = 36
// CLADO-SAME: solver_optimal = true
// CLADO-SAME: strategy = "clado"
// CLADO: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 6, act_bits = 8>
// CLADO: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>

// PROGRESS: assign-precision: 64 sensitivity samples, loss KL(float || quantized)
// PROGRESS: assign-precision: clado loss changes: 35/35
// PROGRESS: assign-precision: conv1: W6A8
// PROGRESS: assign-precision: fc: W4A8

// exclude=first pins conv1 at W8, leaving 210 - 144 = 66 bits for 24
// weights: fc gets W2.
// PINNED: name = "conv1", pinned = true
// PINNED: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 8>
// PINNED: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>

// HAWQ: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = [[HC:[248]]], act_bits = 8>
// HAWQ: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = [[HF:[248]]], act_bits = 8>

// LOSSAWARE: lower_than_float =
// LOSSAWARE: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>
// LOSSAWARE: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>
// LOSSAWARE-LOG: assign-precision: loss-aware central differences: 6/6
// LOSSAWARE-LOG: assign-precision: loss-aware top-K check: 5/5

// --mpq-quantize honours the choice, and the result runs.
// QUANT: mpq.conv2d {{.*}}weight_params = #mpq.qparams<bits = 6,
// QUANT: mpq.fully_connected {{.*}}weight_params = #mpq.qparams<bits = 4,
// EXEC: top-1:
