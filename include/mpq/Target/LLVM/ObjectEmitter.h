//===- ObjectEmitter.h - LLVM IR, objects and C headers ---------*- C++ -*-===//
//
// The last step of code generation: an LLVM-dialect module produced by
// --lower-to-neon becomes LLVM IR, is optimised for the target CPU and
// features (O3), and is written as an ELF object; the C header declares the
// generated entry point and the sizes recorded in `mpq.codegen`.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_TARGET_LLVM_OBJECTEMITTER_H
#define MPQ_TARGET_LLVM_OBJECTEMITTER_H

#include "mpq/Target/TargetDescription.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/raw_ostream.h"

namespace mpq {

/// Registers the LLVM IR translations the emitter needs (builtin, llvm,
/// arm_neon).
void registerCodegenTranslations(mlir::DialectRegistry &registry);

/// Which file to write.
enum class CodegenFileKind { Object, Assembly, LLVMIR };

/// Translates `module` (LLVM dialect) for `target` and writes it. Errors are
/// emitted on the module.
mlir::LogicalResult emitCodegenFile(mlir::ModuleOp module,
                                    const TargetDescription &target,
                                    CodegenFileKind kind,
                                    llvm::raw_pwrite_stream &os);

/// Writes the C header of a module lowered by --lower-to-neon.
mlir::LogicalResult emitCHeader(mlir::ModuleOp module, llvm::raw_ostream &os);

} // namespace mpq

#endif // MPQ_TARGET_LLVM_OBJECTEMITTER_H
