//===- Npy.h - NumPy .npy reader and writer ---------------------*- C++ -*-===//
//
// Reads and writes the NumPy array format (.npy, format versions 1.0, 2.0 and
// 3.0; little-endian; C order).
//
// Read dtypes and the tensor kind they become:
//   <f4  -> F32          <f8  -> F32 (rounded)
//   <i4, <i2, |i1, |u1, |b1 -> I32
//   <i8  -> I64
// Written dtypes: F32 -> <f4, I32 -> <i4, I64 -> <i8.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_EXECUTOR_NPY_H
#define MPQ_EXECUTOR_NPY_H

#include "mpq/Executor/Tensor.h"

#include "llvm/Support/Error.h"

#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace mpq {

/// Parses the contents of a .npy file. `name` is used in error messages.
llvm::Expected<Tensor> parseNpy(llvm::StringRef buffer, llvm::StringRef name);

/// Reads a .npy file. Errors name the file and say what is wrong (missing
/// file, bad magic, Fortran order, unsupported dtype, truncated data, ...).
llvm::Expected<Tensor> readNpyFile(llvm::StringRef path);

/// Serialises `tensor` in .npy format version 1.0.
void writeNpy(const Tensor &tensor, llvm::raw_ostream &os);

/// Writes `tensor` to `path` (overwriting it).
llvm::Error writeNpyFile(const Tensor &tensor, llvm::StringRef path);

} // namespace mpq

#endif // MPQ_EXECUTOR_NPY_H
