//===- LayerData.h - a float layer as quantizeLayer sees it -----*- C++ -*-===//
//
// The bridge between the IR and mpq::quantizeLayer (mpq/Quant/
// LayerQuantizer.h): reads a conv, depthwise conv or fully connected layer
// (mpq::matchFullyConnected) into [rows, k] weights,
// bias, patch geometry and calibration statistics, and builds the
// LayerQuantProblem. --mpq-quantize and the precision search's loss
// evaluator both go through here, so they quantize a layer identically.
//
//===----------------------------------------------------------------------===//

#ifndef MPQ_TRANSFORMS_LAYERDATA_H
#define MPQ_TRANSFORMS_LAYERDATA_H

#include "mpq/Quant/LayerQuantizer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mpq {

/// Settings of the layer quantizer (the --mpq-quantize options).
struct LayerQuantOptions {
  bool perChannel = true;
  /// MMSE clipping (else max-abs).
  bool mmse = true;
  /// MMSE weighted by E[x^2] of each input (mpq.mean_sq_patch).
  bool outputObjective = false;
  bool biasCorrection = true;
  WeightRounding rounding = WeightRounding::Auto;
};

/// A layer read from the IR.
struct LayerData {
  mlir::Operation *op = nullptr;
  /// [rows, k] float weights (conv: OHWI rows, depthwise [C*M, KH, KW, 1],
  /// fully connected: [N, K]) and the shape of the codes tensor.
  llvm::SmallVector<float> weights;
  llvm::SmallVector<int64_t> shape;
  int64_t rows = 0, k = 0, groups = 1;
  /// [rows] float bias (zeros if the layer has none).
  llvm::SmallVector<float> bias;
  PatchGeometry geometry;
  /// Per group [groups * k] E[x^2] and E[x] of the float input patch from
  /// --mpq-calibrate (mpq.mean_sq_patch, mpq.mean_patch); empty if absent or
  /// stale.
  llvm::SmallVector<float> importance, floatMean;
  /// The float input (for a fully connected layer, before its reshape).
  mlir::Value input;
  /// The float output after the bias (before a fused clamp).
  mlir::Value output;
  /// A Relu/Clip that is the only user of `output` (fused), or null.
  mutable mlir::tosa::ClampOp clamp;
  /// Fully connected: the output reshape and the bias add, if any.
  llvm::SmallVector<mlir::Operation *> chain;
  /// Fully connected: input rows per sample (mpq::FullyConnectedForm).
  int64_t rowsPerSample = 1;

  /// The value the quantized layer's output codes stand for.
  mlir::Value quantizedOutput() const {
    return clamp ? mlir::Value(clamp.getResult()) : output;
  }
  /// Weights [rows, k] back in the layout of the layer's weight operand.
  llvm::SmallVector<float> toWeightLayout(llvm::ArrayRef<float> rowsK) const;
  /// Patches per sample (output pixels of a conv, input rows of a fully
  /// connected layer).
  int64_t patchesPerSample() const;
};

/// Reads `op` (tosa.conv2d, tosa.depthwise_conv2d, or tosa.matmul in a
/// fully connected form, mpq::matchFullyConnected) with constant f32 weights; nullopt if it is not
/// such a layer (it then stays float).
std::optional<LayerData> readLayer(mlir::Operation *op);

/// The problem quantizeLayer solves for `layer` at `weightBits` (or
/// `channelBits` per row) with its input and output at `actBits`; `stats`
/// are its measured input statistics or null. The result points into
/// `layer` and `channelBits`.
LayerQuantProblem makeLayerProblem(const LayerData &layer, unsigned weightBits,
                                   unsigned actBits,
                                   llvm::ArrayRef<int32_t> channelBits,
                                   const LayerQuantOptions &options,
                                   const LayerInputStats *stats);

/// Patches sampled for the output error per layer (about).
inline constexpr int64_t kErrorPatches = 4096;

} // namespace mpq

#endif // MPQ_TRANSFORMS_LAYERDATA_H
