// Unreadable .npy inputs: missing file, bad magic, Fortran order,
// unsupported dtype, truncated data.

// RUN: rm -f %t.missing.npy
// RUN: not mpq-run %s -i %t.missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python -c "open('%t.magic.npy', 'wb').write(b'PK\x03\x04 not numpy')"
// RUN: not mpq-run %s -i %t.magic.npy 2>&1 | FileCheck %s --check-prefix=MAGIC
// RUN: %python -c "import numpy as np; np.save('%t.fortran.npy', np.asfortranarray(np.ones((2, 3), np.float32)))"
// RUN: not mpq-run %s -i %t.fortran.npy 2>&1 | FileCheck %s --check-prefix=FORTRAN
// RUN: %python -c "import numpy as np; np.save('%t.dtype.npy', np.ones((2, 3), np.complex64))"
// RUN: not mpq-run %s -i %t.dtype.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: %python -c "import numpy as np; np.save('%t.full.npy', np.ones((2, 3), np.float32)); d = open('%t.full.npy', 'rb').read(); open('%t.short.npy', 'wb').write(d[:-5])"
// RUN: not mpq-run %s -i %t.short.npy 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: not mpq-run %s -i %t.full.npy --labels %t.missing.npy 2>&1 | FileCheck %s --check-prefix=MISSING

// MISSING: mpq-run: error: {{.*}}missing.npy: cannot open .npy file: No such file or directory
// MAGIC:   mpq-run: error: {{.*}}magic.npy: not a .npy file (bad magic
// FORTRAN: mpq-run: error: {{.*}}fortran.npy: Fortran-order arrays are not supported
// DTYPE:   mpq-run: error: {{.*}}dtype.npy: unsupported dtype '<c8'
// SHORT:   mpq-run: error: {{.*}}short.npy: truncated data: shape (2x3) of '<f4' needs 24 bytes, found 19

func.func @main(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}
