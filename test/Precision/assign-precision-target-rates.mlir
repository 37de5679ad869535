// The same cycle budget gives different layouts on two targets whose
// per-width kernel rates differ (targets/*.yaml measured_macs_per_cycle,
// clock_ghz and memory bandwidth; docs/precision.md "Cost model").
// RUN: %python %S/Inputs/make_data.py %t
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=uniform budget=cycles:200 weight-bits=2,4,8 target=lowbit-slow targets-dir=%S/Inputs/targets" 2>/dev/null | FileCheck %s --check-prefix=SLOW
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=uniform budget=cycles:200 weight-bits=2,4,8 target=lowbit-fast targets-dir=%S/Inputs/targets" 2>/dev/null | FileCheck %s --check-prefix=FAST
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=clado budget=cycles:200 weight-bits=2,4,8 target=lowbit-fast targets-dir=%S/Inputs/targets data=%t.x.npy" 2>/dev/null | FileCheck %s --check-prefix=CLADO

// tiny_cnn: conv1 has 18 weights and 288 MACs per sample, fc 24 and 24.
// lowbit-slow (Armv8.0-like): 8/2/1 MACs/cycle at W8/W4/W2, ample memory:
// W8 costs 39 cycles, W4 156, W2 312, so W8 fits 200 cycles.
// SLOW: predicted_cycles = 3.900000e+01
// SLOW: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 8>
// SLOW: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 8, act_bits = 8>

// lowbit-fast: 8 MACs/cycle at every width but 0.1 bytes per cycle, so the
// weight traffic dominates: W8 420 cycles, W4 210, W2 105.
// FAST: predicted_cycles = 1.050000e+02
// FAST: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>
// FAST: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>

// A mixed layout within the budget: conv1 at W4 (90 cycles) + fc at W2 (60).
// CLADO: predicted_cycles = 1.500000e+02
// CLADO: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 4, act_bits = 8>
// CLADO: tosa.matmul {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>

// A latency budget is cycles at the target's clock_ghz (1 GHz here:
// 0.2 us = 200 cycles), so it picks what the cycle budget picks.
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --assign-precision="strategy=uniform budget=latency-us:0.2 weight-bits=2,4,8 target=lowbit-fast targets-dir=%S/Inputs/targets" 2>/dev/null | FileCheck %s --check-prefix=LATENCY
// LATENCY: predicted_latency_us = 1.050000e-01
// LATENCY: tosa.conv2d {{.*}}mpq.precision = #mpq.precision<weight_bits = 2, act_bits = 8>
