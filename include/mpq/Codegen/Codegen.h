//===- Codegen.h - quantized module to object and header --------*- C++ -*-===//

#ifndef MPQ_CODEGEN_CODEGEN_H
#define MPQ_CODEGEN_CODEGEN_H

#include "mpq/Target/TargetDescription.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace mpq {

/// What generateArtifacts wrote, for reports.
struct ArtifactInfo {
  std::string gemm;
  int64_t workspaceBytes = 0;
  int64_t objectBytes = 0;
};

/// Lowers a copy of the quantized module `quantized` for `target` with the
/// backend of its arch (--lower-to-neon, --lower-to-rvv; Backends.h) and writes `dir`/model.o and `dir`/model.h (C symbols
/// prefixed with `name`); with `asmPath` non-empty also the assembly.
/// Errors are emitted as diagnostics; nothing is written on failure.
mlir::FailureOr<ArtifactInfo>
generateArtifacts(mlir::ModuleOp quantized, const TargetDescription &target,
                  llvm::StringRef targetsDir, llvm::StringRef name,
                  llvm::StringRef dir, llvm::StringRef asmPath = "");

/// Runs the kernel lowering of --lower-to-neon (no LLVM, nothing written) on
/// a copy of `quantized`: whether code generation supports every op of the
/// module. Refusals are emitted at the op. mpq-compile runs it on a
/// quantization of one sample before calibrating on all of them.
mlir::LogicalResult checkCodegen(mlir::ModuleOp quantized,
                                 const TargetDescription &target,
                                 llvm::StringRef targetsDir);

} // namespace mpq

#endif // MPQ_CODEGEN_CODEGEN_H
