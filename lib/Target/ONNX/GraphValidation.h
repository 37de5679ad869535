//===- GraphValidation.h - ONNX graph checks before import ------*- C++ -*-===//
//
// Structural checks of an onnx.ModelProto that the importer runs before it
// builds any IR: unique names, graph inputs versus initializers, dimensions,
// tensor sizes and the opset range. The rules are in docs/hardening.md
// (class 9).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_LIB_TARGET_ONNX_GRAPHVALIDATION_H
#define MPQ_LIB_TARGET_ONNX_GRAPHVALIDATION_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <onnx/onnx_pb.h>

namespace mpq {

/// Lowest and highest default-domain opset the importer accepts.
inline constexpr int64_t kMinONNXOpset = 1;
inline constexpr int64_t kMaxONNXOpset = 21;

/// Checks `model`'s graph; on the first problem emits an error naming the
/// node or tensor (at a NameLoc of the node, inside `fileLoc`) and fails.
mlir::LogicalResult validateONNXGraph(const onnx::ModelProto &model,
                                      mlir::Location fileLoc);

} // namespace mpq

#endif // MPQ_LIB_TARGET_ONNX_GRAPHVALIDATION_H
