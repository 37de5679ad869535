//===- Backends.h - code generation backends by target arch -----*- C++ -*-===//
//
// The registry that maps a target description's `arch` to the pass that
// lowers a quantized module for it (--lower-to-neon for aarch64,
// --lower-to-rvv for riscv64). lib/Codegen and the tools pick the backend
// here instead of naming an ISA.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_CONVERSION_BACKENDS_H
#define MPQ_CONVERSION_BACKENDS_H

#include "mlir/Pass/Pass.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

namespace mpq {

struct BackendOptions {
  std::string target;
  std::string targetsDir;
  /// A target description file; when set it is used instead of `target`.
  std::string targetFile;
  std::string symbolPrefix = "model";
  std::string entry = "main";
  bool toLLVM = true;
};

struct Backend {
  /// Target arch it serves (TargetDescription::arch).
  llvm::StringRef arch;
  /// Its pass argument (e.g. "lower-to-neon").
  llvm::StringRef passArgument;
  std::unique_ptr<mlir::Pass> (*create)(const BackendOptions &);
};

/// Every registered backend.
llvm::ArrayRef<Backend> backends();

/// The backend for `arch`, or null.
const Backend *lookupBackend(llvm::StringRef arch);

} // namespace mpq

#endif // MPQ_CONVERSION_BACKENDS_H
