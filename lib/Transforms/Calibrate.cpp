//===- Calibrate.cpp - record activation statistics -----------------------===//
//
// Runs the reference executor over calibration samples, watching every float
// value the entry function computes: a first pass records each value's range,
// a second (for percentile and MMSE) fills a histogram over that range. The
// result is a #mpq.calibration attribute per value, holding a clip range for
// every bit-width 2..8.
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQAttrs.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Executor/Batching.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Quant/Quantizer.h"
#include "mpq/Transforms/CalibrationData.h"
#include "mpq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <memory>

namespace mpq {
#define GEN_PASS_DEF_MPQCALIBRATEPASS
#include "mpq/Transforms/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

struct ValueStats {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::unique_ptr<Histogram> hist;
};

/// Running sum of the input of a layer that quantization will give integer
/// weights: over samples (conv, NHWC -> [H, W, C]) or rows (FC, R rows of
/// `rowSize` = K values -> [K]).
struct InputSum {
  std::vector<double> sum, sumSq;
  int64_t count = 0;
  int64_t rowSize = 0; // 0: one row per sample
  void add(const Tensor &t) {
    int64_t rows = rowSize ? t.getNumElements() / rowSize : t.getDimSize(0);
    if (!rows)
      return;
    int64_t per = t.getNumElements() / rows;
    if (sum.empty()) {
      sum.assign(per, 0.0);
      sumSq.assign(per, 0.0);
    }
    const float *x = t.getData<float>();
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t i = 0; i < per; ++i) {
        double v = x[r * per + i];
        sum[i] += v;
        sumSq[i] += v * v;
      }
    count += rows;
  }
};

/// The input of a layer whose bias can absorb E[(W - Q(W)) x]: a conv's
/// activation, or the input of the importer's FC chain (reshape -> matmul
/// with a constant right operand), as QuantizableLayerOpInterface says.
static Value meanPatchInput(Operation *op) {
  auto layer = dyn_cast<QuantizableLayerOpInterface>(op);
  if (!layer || !layer.isQuantizableLayer())
    return {};
  return layer.getLayerInput();
}

/// E[x] over every window position of a conv, as a [KH*KW*C] patch, from
/// the mean input image [H, W, C] (padding contributes zeros).
static SmallVector<float> convMeanPatch(Operation *op, ArrayRef<double> mean,
                                        ArrayRef<int64_t> inShape) {
  int64_t h = inShape[1], w = inShape[2], c = inShape[3];
  auto wType = cast<ShapedType>(op->getOperand(1).getType());
  bool dw = isa<tosa::DepthwiseConv2DOp>(op);
  int64_t kh = dw ? wType.getDimSize(0) : wType.getDimSize(1);
  int64_t kw = dw ? wType.getDimSize(1) : wType.getDimSize(2);
  auto out = cast<ShapedType>(op->getResult(0).getType());
  int64_t oh = out.getDimSize(1), ow = out.getDimSize(2);
  auto pad = op->getAttrOfType<DenseI64ArrayAttr>("pad").asArrayRef();
  auto stride = op->getAttrOfType<DenseI64ArrayAttr>("stride").asArrayRef();
  auto dil = op->getAttrOfType<DenseI64ArrayAttr>("dilation").asArrayRef();
  SmallVector<float> patch(kh * kw * c, 0.0f);
  for (int64_t ky = 0; ky < kh; ++ky)
    for (int64_t kx = 0; kx < kw; ++kx)
      for (int64_t ch = 0; ch < c; ++ch) {
        double acc = 0.0;
        for (int64_t y = 0; y < oh; ++y) {
          int64_t iy = y * stride[0] - pad[0] + ky * dil[0];
          if (iy < 0 || iy >= h)
            continue;
          for (int64_t x = 0; x < ow; ++x) {
            int64_t ix = x * stride[1] - pad[2] + kx * dil[1];
            if (ix >= 0 && ix < w)
              acc += mean[(iy * w + ix) * c + ch];
          }
        }
        patch[(ky * kw + kx) * c + ch] = float(acc / double(oh * ow));
      }
  return patch;
}

struct MPQCalibratePass
    : public mpq::impl::MPQCalibratePassBase<MPQCalibratePass> {
  using MPQCalibratePassBase::MPQCalibratePassBase;

  void runOnOperation() override;

  /// Runs `fn` over the first `n` samples in batches, calling `observe` on
  /// every float value computed. Prints progress as `what`.
  LogicalResult sweep(Executor &exec, func::FuncOp fn, const Tensor &data,
                      int64_t n, StringRef what,
                      const ValueObserver &observe);
};

LogicalResult MPQCalibratePass::sweep(Executor &exec, func::FuncOp fn,
                                      const Tensor &data, int64_t n,
                                      StringRef what,
                                      const ValueObserver &observe) {
  exec.setObserver(observe);
  // A model exported with batch 1 runs its samples one at a time.
  int64_t report = std::max<int64_t>(1, batchSize);
  int64_t batch = samplesPerRun(fn, report);
  for (int64_t begin = 0; begin < n; begin += batch) {
    int64_t end = std::min(n, begin + batch);
    Tensor chunk = data.sliceDim0(begin, end);
    if (failed(exec.run(fn, {chunk}))) {
      exec.setObserver(nullptr);
      return failure();
    }
    if (end == n || end % report == 0)
      llvm::errs() << "mpq-calibrate: " << what << ": " << end << "/" << n
                   << " samples\n";
  }
  exec.setObserver(nullptr);
  return success();
}

void MPQCalibratePass::runOnOperation() {
  ModuleOp module = getOperation();
  Location loc = module.getLoc();
  if (method != "minmax" && method != "percentile" && method != "mmse") {
    emitError(loc) << "unknown calibration method '" << std::string(method)
                   << "' (minmax, percentile or mmse)";
    return signalPassFailure();
  }
  if (samples < 1) {
    emitError(loc) << "samples must be positive, got " << int64_t(samples);
    return signalPassFailure();
  }
  if (!(percentile > 50.0 && percentile <= 100.0)) {
    emitError(loc) << "percentile must be in (50, 100], got "
                   << double(percentile);
    return signalPassFailure();
  }
  if (std::string(data).empty()) {
    emitError(loc) << "mpq-calibrate needs calibration data: "
                      "--mpq-calibrate=\"data=FILE.npy\"";
    return signalPassFailure();
  }
  Executor exec(module);
  FailureOr<func::FuncOp> fn = exec.lookupFunction(entry);
  if (failed(fn))
    return signalPassFailure();
  if (fn->getNumArguments() != 1) {
    fn->emitError() << "calibration feeds one input tensor, but @"
                    << fn->getName() << " takes " << fn->getNumArguments();
    return signalPassFailure();
  }
  // Samples holding NaN or Inf are skipped; nothing finite left is an
  // error (CalibrationData.h).
  llvm::Expected<CalibrationData> calib =
      loadCalibrationData(data, int64_t(samples));
  if (!calib) {
    emitError(loc) << "calibration data: "
                   << llvm::toString(calib.takeError());
    return signalPassFailure();
  }
  for (const std::string &w : calib->warnings(data))
    emitWarning(loc) << w;
  const Tensor *loaded = &calib->samples;
  int64_t n = loaded->getShape()[0];
  Tensor first = loaded->sliceDim0(0, 1);
  if (failed(exec.verifyInputs(*fn, {first})))
    return signalPassFailure();

  // Pass 1: ranges, and the mean inputs of layers with constant weights.
  llvm::MapVector<Value, ValueStats> stats;
  llvm::DenseMap<Value, InputSum> inputSums;
  SmallVector<Operation *> layers;
  fn->walk([&](Operation *op) {
    if (Value in = meanPatchInput(op)) {
      auto t = cast<ShapedType>(in.getType());
      if (t.hasRank() && llvm::all_of(t.getShape().drop_front(), [](int64_t d) {
            return !ShapedType::isDynamic(d);
          })) {
        InputSum &sum = inputSums[in];
        if (std::optional<FullyConnectedForm> fc = matchFullyConnected(op))
          sum.rowSize = fc->k;
        layers.push_back(op);
      }
    }
  });
  auto isFloat = [](const Tensor &t) { return t.getKind() == ElementKind::F32; };
  if (failed(sweep(exec, *fn, *loaded, n, "ranges",
                   [&](Value v, const Tensor &t) {
                     if (!isFloat(t) || !t.getNumElements())
                       return;
                     auto in = inputSums.find(v);
                     if (in != inputSums.end() && t.getRank() >= 1)
                       in->second.add(t);
                     ValueStats &s = stats[v];
                     for (float x : t.getValues<float>()) {
                       if (!std::isfinite(x))
                         continue;
                       s.min = std::min(s.min, double(x));
                       s.max = std::max(s.max, double(x));
                     }
                   })))
    return signalPassFailure();

  // Pass 2: histograms over the observed ranges.
  if (method != "minmax") {
    for (auto &[v, s] : stats)
      if (s.min <= s.max)
        s.hist = std::make_unique<Histogram>(std::min(s.min, 0.0),
                                             std::max(s.max, 0.0), 2048);
    if (failed(sweep(exec, *fn, *loaded, n, "histograms",
                     [&](Value v, const Tensor &t) {
                       auto it = stats.find(v);
                       if (it != stats.end() && it->second.hist)
                         it->second.hist->add(t.getValues<float>());
                     })))
      return signalPassFailure();
  }

  OpBuilder b(module.getContext());
  for (Operation *op : layers) {
    Value in = meanPatchInput(op);
    const InputSum &sum = inputSums[in];
    if (!sum.count)
      continue;
    // E[x] and E[x^2] of every patch element: both are means over samples
    // and window positions, so the same patch arithmetic applies.
    for (auto [name, total] : {std::pair<StringRef, const std::vector<double> *>(
                                   "mpq.mean_patch", &sum.sum),
                               {"mpq.mean_sq_patch", &sum.sumSq}}) {
      SmallVector<double> mean(total->size());
      for (size_t i = 0; i < mean.size(); ++i)
        mean[i] = (*total)[i] / double(sum.count);
      SmallVector<float> patch;
      if (isa<tosa::MatMulOp>(op))
        patch.assign(mean.begin(), mean.end());
      else
        patch = convMeanPatch(op, mean,
                              cast<ShapedType>(in.getType()).getShape());
      auto type =
          RankedTensorType::get({int64_t(patch.size())}, b.getF32Type());
      op->setAttr(name, DenseElementsAttr::get(type, ArrayRef<float>(patch)));
    }
  }
  for (auto &[v, s] : stats) {
    if (!(s.min <= s.max))
      continue; // every element was NaN
    bool nonNegative = s.min >= 0.0;
    SmallVector<double> lo, hi;
    for (unsigned bits = 2; bits <= 8; ++bits) {
      double l = s.min, h = s.max;
      if (method == "percentile") {
        double p = double(percentile) / 100.0;
        h = std::max(0.0, s.hist->percentile(p));
        l = nonNegative ? 0.0 : std::min(0.0, s.hist->percentile(1.0 - p));
      } else if (method == "mmse") {
        AffineQuant q = mmseActivationQuant(
            *s.hist, QuantRange::get(bits, true, false), /*symmetric=*/false);
        l = q.scale * double(q.range.qmin - q.zeroPoint);
        h = q.scale * double(q.range.qmax - q.zeroPoint);
        if (nonNegative)
          l = 0.0;
      }
      lo.push_back(l);
      hi.push_back(h);
    }
    auto attr = CalibrationAttr::get(
        b.getContext(), std::string(method),
        b.getDenseF64ArrayAttr({s.min, s.max}), nonNegative,
        b.getDenseF64ArrayAttr(lo), b.getDenseF64ArrayAttr(hi));
    if (Operation *def = v.getDefiningOp())
      def->setAttr("mpq.calib", attr);
    else
      fn->setArgAttr(cast<BlockArgument>(v).getArgNumber(), "mpq.calib",
                     attr);
  }
}

} // namespace
