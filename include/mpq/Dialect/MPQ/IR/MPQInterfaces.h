//===- MPQInterfaces.h - quantizable layers, mpq.* attributes ---*- C++ -*-===//
//
// The QuantizableLayerOpInterface (MPQInterfaces.td), its external models
// on TOSA ops, and accessors for the discardable `mpq.*` attributes that
// passes attach to float ops and function arguments. The dialect verifies
// each of these names (MPQDialect::verifyOperationAttribute).
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_DIALECT_MPQ_IR_MPQINTERFACES_H
#define MPQ_DIALECT_MPQ_IR_MPQINTERFACES_H

#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/OpDefinition.h"

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h.inc"

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mpq {

/// Attaches QuantizableLayerOpInterface to tosa.conv2d,
/// tosa.depthwise_conv2d and tosa.matmul.
void registerQuantizableLayerExternalModels(mlir::DialectRegistry &registry);

/// A tosa.matmul that mpq quantizes as a fully connected layer: the
/// importer's Gemm and MatMul with a constant right operand,
///   [x -> reshape ->] matmul([1, R, K], const [1, K, N])
///   [-> reshape] [-> add a constant bias [.., 1, N]],
/// where x holds R rows of K values in row-major order: [M, ...] flattened
/// (a Gemm after Flatten) or [B..., M, K] (a linear layer over the last
/// axis), at most one dimension dynamic (the first, if x's). The layer is
/// y[r, :] = W x[r, :] + b over the R rows.
struct FullyConnectedForm {
  /// The float input x and the reshape to [1, R, K] (null if x is the
  /// matmul's operand itself).
  mlir::Value input;
  mlir::tosa::ReshapeOp inputReshape;
  /// The reshape after the matmul (null if none) and the bias add (null
  /// if none), fused into the layer; `output` is the last of matmul,
  /// reshape and add, `bias` the add's constant operand.
  mlir::tosa::ReshapeOp outputReshape;
  mlir::tosa::AddOp biasAdd;
  mlir::Value bias, output;
  int64_t k = 0, n = 0;
  /// Rows of K per index of x's first dimension (1 for a Gemm).
  int64_t rowsPerSample = 1;
};

/// `op` as a fully connected layer, or nullopt (not a tosa.matmul, weights
/// not constant, or not one of the forms above).
std::optional<FullyConnectedForm> matchFullyConnected(mlir::Operation *op);

/// The quantizable layers of `fn`, in program order.
llvm::SmallVector<QuantizableLayerOpInterface>
getQuantizableLayers(mlir::func::FuncOp fn);

/// Names of the discardable attributes (see docs/design.md).
namespace attr {
/// #mpq.precision on a float op: the widths quantization gives it.
inline constexpr llvm::StringLiteral kPrecision = "mpq.precision";
/// #mpq.calibration on a float op or function argument.
inline constexpr llvm::StringLiteral kCalib = "mpq.calib";
/// f32 tensors E[x] and E[x^2] of a layer's input patch.
inline constexpr llvm::StringLiteral kMeanPatch = "mpq.mean_patch";
inline constexpr llvm::StringLiteral kMeanSqPatch = "mpq.mean_sq_patch";
/// String name of a function argument or result (from ONNX).
inline constexpr llvm::StringLiteral kName = "mpq.name";
/// Module attributes written by code generation.
inline constexpr llvm::StringLiteral kCodegen = "mpq.codegen";
inline constexpr llvm::StringLiteral kTarget = "mpq.target";
/// Module dictionary: what --assign-precision chose and measured (the
/// report of mpq-compile reads it).
inline constexpr llvm::StringLiteral kSearch = "mpq.search";
} // namespace attr

/// The #mpq.precision of `op`, or null.
PrecisionAttr getPrecision(mlir::Operation *op);
void setPrecision(mlir::Operation *op, PrecisionAttr precision);
/// The #mpq.calibration of a value (on its defining op, or on the function
/// argument), or null.
CalibrationAttr getCalibration(mlir::Value v);

} // namespace mpq

#endif // MPQ_DIALECT_MPQ_IR_MPQINTERFACES_H
