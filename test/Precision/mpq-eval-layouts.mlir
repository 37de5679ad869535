// RUN: %python %S/Inputs/make_data.py %t
// RUN: printf '# comment\nfloat\n0:4:8 1:4:8\n\n0:0:4\n0:0:4:m\n0:8:8 1:8:8\n' > %t.layouts
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --mpq-eval-layouts="data=%t.x.npy labels=%t.y.npy layouts=%t.layouts out=%t.out" -o /dev/null 2>&1 | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s < %t.out
// RUN: mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-calibrate="data=%t.x.npy" --mpq-eval-layouts="data=%t.x.npy layouts=%t.layouts out=%t.kl" -o /dev/null 2>/dev/null
// RUN: FileCheck %s --check-prefix=KL < %t.kl
// RUN: printf '0:4:8 2:4:8\n' > %t.range
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy layouts=%t.range out=%t.o" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: printf '0:4\n' > %t.token
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy layouts=%t.token out=%t.o" 2>&1 | FileCheck %s --check-prefix=TOKEN
// RUN: printf '0:9:8\n' > %t.width
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy layouts=%t.width out=%t.o" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy layouts=%t.missing out=%t.o" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy layouts=%t.layouts" 2>&1 | FileCheck %s --check-prefix=OUT
// RUN: not mpq-opt %S/Inputs/tiny_cnn.mlir --mpq-eval-layouts="data=%t.x.npy samples=0 layouts=%t.layouts out=%t.o" 2>&1 | FileCheck %s --check-prefix=SAMPLES

// One `loss top1` line per layout, in order; comments and blank lines are
// skipped. The float model has the evaluator's float loss; W8A8 on both
// layers is close to it.
// LOG: mpq-eval-layouts: 5/5
// LOG: mpq-eval-layouts: 64 samples, float loss {{[0-9.e+-]+}}
// CHECK: {{[0-9.e+-]+}} {{0\.[0-9]+}}
// CHECK-NEXT: {{[0-9.e+-]+}} {{0\.[0-9]+}}
// CHECK-NEXT: {{[0-9.e+-]+}} {{0\.[0-9]+}}
// CHECK-NEXT: {{[0-9.e+-]+}} {{0\.[0-9]+}}
// CHECK-NEXT: {{[0-9.e+-]+}} {{0\.[0-9]+}}
// CHECK-NOT: {{.}}

// Without labels the loss is KL(float || quantized): 0 for the float model
// up to rounding, and top-1 is not measured.
// KL: {{-?[0-9]\.?[0-9]*(e-[0-9]+)?}} nan
// KL-NEXT: {{[0-9.e+-]+}} nan

// RANGE: error: layouts line 1: layer 2 out of range (2 layers)
// TOKEN: error: layouts line 1: bad token '0:4' (expected L:W:A or L:W:A:m)
// WIDTH: error: layouts line 1: width 9 in '0:9:8' must be 0 (float) or 2..8
// MISSING: error: layouts: cannot read '{{.*}}missing'
// OUT: error: out=FILE is required
// SAMPLES: error: samples must be positive, got 0
