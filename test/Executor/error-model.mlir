// Problems with the model: a missing model file, a missing entry function,
// and a file that does not parse.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.ones((2, 3), np.float32))"
// RUN: not mpq-run %t.does-not-exist.mlir -i %t.x.npy 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not mpq-run %s --entry forward -i %t.x.npy 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: %python -c "open('%t.bad.mlir', 'w').write('func.func @main(%%x: tensor<2xf32>) -> tensor<2xf32> {\n  return %%y : tensor<2xf32>\n}\n')"
// RUN: not mpq-run %t.bad.mlir -i %t.x.npy 2>&1 | FileCheck %s --check-prefix=PARSE

// NOFILE: mpq-run: error: {{.*}}does-not-exist.mlir: cannot open input file
// ENTRY:  error: mpq-run: no function named 'forward' in the module (it has @main)
// PARSE:  bad.mlir:2:10: error: use of undeclared SSA value name

func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}
