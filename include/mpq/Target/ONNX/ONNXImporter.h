//===- ONNXImporter.h - ONNX to MLIR import ---------------------*- C++ -*-===//
//
// Imports an ONNX model into a func.func of TOSA ops (NHWC internally, the
// ONNX signature's NCHW at the function boundary).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_TARGET_ONNX_ONNXIMPORTER_H
#define MPQ_TARGET_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

#include <map>
#include <string>

namespace mpq {

struct ONNXImportOptions {
  /// Name of the generated function.
  std::string entryName = "main";
  /// Fold BatchNormalization into a preceding Conv or Gemm where possible.
  bool foldBatchNorm = true;
  /// Shapes the user gives for graph inputs (`--input-shape NAME=1x3x48x192`),
  /// replacing the symbolic dimensions the model declares; a dimension of
  /// ShapedType::kDynamic stays symbolic.
  std::map<std::string, llvm::SmallVector<int64_t>> inputShapes;
};

/// Parses one `NAME=D0xD1x...` specification (`?` keeps a dimension
/// symbolic) into `options.inputShapes`. On failure `err` says why.
llvm::LogicalResult parseInputShape(llvm::StringRef spec,
                                    ONNXImportOptions &options,
                                    std::string &err);

/// Parses `bytes` as a serialized onnx.ModelProto and builds a module. On
/// failure, diagnostics naming the node and op are emitted on `context` and
/// a null module is returned. `fileName` is used for locations.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::StringRef bytes, llvm::StringRef fileName,
                mlir::MLIRContext *context,
                const ONNXImportOptions &options = {});

/// Registers `--import-onnx` with mlir-translate's registry.
void registerONNXImportTranslation();

} // namespace mpq

#endif // MPQ_TARGET_ONNX_ONNXIMPORTER_H
