//===- Quantize.cpp - materialise the quantized integer graph -------------===//
//
// Walks the calibrated float TOSA graph in order and builds its integer
// counterpart next to it: every float value that an integer op consumes gets
// a quantized twin (an i8 tensor plus #mpq.qparams). Afterwards each float
// value with a twin is replaced by a dequantize of it, which leaves the float
// ops that were quantized dead; they and their float weights are erased. Ops
// without an integer form keep running in float on dequantized values.
// The per-layer work (scales, rounding, bias correction) is
// mpq::quantizeLayer (mpq/Quant/LayerQuantizer.h); this file only rewrites.
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Batching.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Quant/LayerQuantizer.h"
#include "mpq/Quant/Quantizer.h"
#include "mpq/Transforms/CalibrationData.h"
#include "mpq/Transforms/LayerData.h"
#include "mpq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace mpq {
#define GEN_PASS_DEF_MPQQUANTIZEPASS
#include "mpq/Transforms/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;

namespace {

/// The quantized twin of a float value.
struct QValue {
  Value value;
  QuantParamsAttr params;
};

/// A quantized layer's weights: their SSA value and parameters, and what
/// quantizeLayer returned (codes, corrected bias).
struct QWeight : QValue {
  LayerQuantResult result;
};

/// Widths chosen for one op: from its #mpq.precision or the pass options.
struct Widths {
  unsigned weightBits, actBits;
  DenseI32ArrayAttr channelBits;
};

class QuantizeImpl {
public:
  QuantizeImpl(func::FuncOp fn, unsigned weightBits, unsigned actBits,
               const LayerQuantOptions &options, const Tensor *calibData)
      : fn(fn), b(fn.getContext()), defaultWeightBits(weightBits),
        defaultActBits(actBits), options(options), calibData(calibData) {}

  LogicalResult run();

private:
  // --- parameters ----------------------------------------------------------
  Widths widthsOf(Operation *op);
  CalibrationAttr calibOf(Value v);
  FailureOr<QuantParamsAttr> actParams(Value v, unsigned bits, Location loc);
  QuantParamsAttr makeParams(unsigned bits, bool narrow, ArrayRef<double> s,
                             ArrayRef<int64_t> zp, int64_t axis,
                             DenseI32ArrayAttr channelBits = {});

  // --- twins ---------------------------------------------------------------
  FailureOr<QValue> twin(Value v, unsigned bits, Location loc);
  bool hasTwin(Value v) { return twins.count(v); }
  RankedTensorType intType(Value floatValue, Type elt) {
    auto t = cast<RankedTensorType>(floatValue.getType());
    return RankedTensorType::get(t.getShape(), elt);
  }

  // --- weights -------------------------------------------------------------
  /// Quantizes `layer`'s weights with mpq::quantizeLayer (measuring its
  /// input `x` on the calibration data first when the rounding needs it)
  /// and materialises the codes at the builder's insertion point.
  FailureOr<QWeight> quantizeWeights(const LayerData &layer,
                                     const Widths &widths, const QValue &x);
  /// Runs the function on the calibration data and accumulates the patches
  /// of `layer`'s quantized input `x` (and, when `sampleEvery` > 0, samples
  /// of float and quantized patch pairs).
  FailureOr<LayerInputStats> measureInput(const LayerData &layer,
                                          const QValue &x,
                                          int64_t sampleEvery);
  Value biasConst(Location loc, ArrayRef<float> bias, QuantParamsAttr in,
                  QuantParamsAttr w);
  LogicalResult checkAccumulator(Operation *op, QuantParamsAttr in,
                                 QuantParamsAttr w, int64_t depth,
                                 ArrayRef<int8_t> codes);

  // --- fusion --------------------------------------------------------------
  /// If `v`'s only user is a float Relu/Clip, returns it (it is fused).
  tosa::ClampOp fusableClamp(Value v);
  void clampCodes(tosa::ClampOp clamp, QuantParamsAttr out,
                  std::optional<int64_t> &lo, std::optional<int64_t> &hi);
  /// The clamp_min/clamp_max attributes of a fused `clamp` (null where the
  /// output range already implies the bound).
  std::pair<IntegerAttr, IntegerAttr> clampAttrs(tosa::ClampOp clamp,
                                                 QuantParamsAttr out) {
    std::optional<int64_t> lo, hi;
    clampCodes(clamp, out, lo, hi);
    return {lo ? b.getI64IntegerAttr(*lo) : IntegerAttr(),
            hi ? b.getI64IntegerAttr(*hi) : IntegerAttr()};
  }

  // --- op rewrites ---------------------------------------------------------
  LogicalResult quantizeConv(Operation *op);
  LogicalResult quantizeFullyConnected(tosa::MatMulOp op);
  LogicalResult quantizeAdd(tosa::AddOp op);
  LogicalResult quantizeAvgPool(tosa::AvgPool2dOp op);
  LogicalResult quantizeConcat(tosa::ConcatOp op);
  /// Max pooling, transposes, reshapes, slices and clamps act on codes
  /// directly.
  LogicalResult quantizeCodeOp(Operation *op);
  /// `codes` reshaped to `shape` (at most one dynamic dimension) at the
  /// builder's insertion point.
  Value reshapeCodes(Value codes, ArrayRef<int64_t> shape, Location loc);
  /// A copy of `op` (at the builder's insertion point) reading `codes` as
  /// its first operand and producing `resultType`, without mpq.* attributes.
  Operation *cloneOnCodes(Operation *op, Value codes, Type resultType);

  func::FuncOp fn;
  OpBuilder b;
  unsigned defaultWeightBits, defaultActBits;
  LayerQuantOptions options;
  /// Calibration samples for measured rounding (GPTQ, auto); null: round to
  /// nearest.
  const Tensor *calibData;
  llvm::DenseMap<Value, QValue> twins;
  llvm::SmallPtrSet<Operation *, 16> fused;
  /// The mpq.quantize ops this pass created: they keep reading the float
  /// value when its other users switch to the dequantized twin.
  llvm::SmallPtrSet<Operation *, 16> quantizers;
};

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

Widths QuantizeImpl::widthsOf(Operation *op) {
  if (PrecisionAttr p = getPrecision(op))
    return {p.getWeightBits(), p.getActBits(), p.getChannelBits()};
  return {defaultWeightBits, defaultActBits, {}};
}

CalibrationAttr QuantizeImpl::calibOf(Value v) { return getCalibration(v); }

QuantParamsAttr QuantizeImpl::makeParams(unsigned bits, bool narrow,
                                         ArrayRef<double> s,
                                         ArrayRef<int64_t> zp, int64_t axis,
                                         DenseI32ArrayAttr channelBits) {
  return QuantParamsAttr::get(b.getContext(), bits, /*is_signed=*/true,
                              narrow, b.getDenseF64ArrayAttr(s),
                              b.getDenseI64ArrayAttr(zp), axis, channelBits);
}

FailureOr<QuantParamsAttr> QuantizeImpl::actParams(Value v, unsigned bits,
                                                   Location loc) {
  CalibrationAttr c = calibOf(v);
  if (!c)
    return emitError(loc) << "this value has no calibration statistics "
                             "(mpq.calib); run --mpq-calibrate first";
  // Signed codes with a zero point; a non-negative tensor gets zp = qmin and
  // so the whole code range, as an unsigned quantizer would.
  AffineQuant q = rangeQuant(c.getLoFor(bits), c.getHiFor(bits),
                             QuantRange::get(bits, true, false),
                             /*symmetric=*/false);
  return makeParams(bits, false, {q.scale}, {q.zeroPoint}, -1);
}

//===----------------------------------------------------------------------===//
// Twins
//===----------------------------------------------------------------------===//

FailureOr<QValue> QuantizeImpl::twin(Value v, unsigned bits, Location loc) {
  auto it = twins.find(v);
  if (it != twins.end()) {
    if (it->second.params.getBits() == bits)
      return it->second;
    // A consumer at another width: requantize next to the twin.
    FailureOr<QuantParamsAttr> p = actParams(v, bits, loc);
    if (failed(p))
      return failure();
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(it->second.value);
    Value r = RequantizeOp::create(b, loc, it->second.value.getType(),
                                   it->second.value, it->second.params, *p);
    return QValue{r, *p};
  }
  if (v.getDefiningOp<tosa::ConstOp>())
    return emitError(loc) << "constant operands are not quantized here";
  FailureOr<QuantParamsAttr> p = actParams(v, bits, loc);
  if (failed(p))
    return failure();
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointAfterValue(v);
  Value q = QuantizeOp::create(b, v.getLoc(), intType(v, b.getI8Type()), v,
                               *p);
  quantizers.insert(q.getDefiningOp());
  QValue t{q, *p};
  twins[v] = t;
  return t;
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

FailureOr<QWeight> QuantizeImpl::quantizeWeights(const LayerData &layer,
                                                const Widths &widths,
                                                const QValue &x) {
  Operation *op = layer.op;
  Location loc = op->getLoc();
  int64_t o = layer.rows;
  if (widths.channelBits && int64_t(widths.channelBits.size()) != o)
    return emitError(loc) << "precision gives " << widths.channelBits.size()
                          << " channel bit-widths for " << o << " channels";
  std::optional<LayerInputStats> stats;
  if (calibData && options.rounding != WeightRounding::Nearest) {
    // GPTQ needs the moments of the quantized input; auto also samples
    // (float, quantized) patch pairs to measure each candidate's output
    // error.
    int64_t sampleEvery = 0;
    if (options.rounding == WeightRounding::Auto) {
      int64_t total = calibData->getDimSize(0) * layer.patchesPerSample();
      sampleEvery = std::max<int64_t>(
          1, (total + kErrorPatches - 1) / kErrorPatches);
    }
    FailureOr<LayerInputStats> s = measureInput(layer, x, sampleEvery);
    if (failed(s))
      return failure();
    stats = std::move(*s);
  }
  ArrayRef<int32_t> channelBits;
  if (widths.channelBits)
    channelBits = widths.channelBits.asArrayRef();
  LayerQuantProblem problem =
      makeLayerProblem(layer, widths.weightBits, widths.actBits, channelBits,
                       options, stats ? &*stats : nullptr);
  LayerQuantResult r = quantizeLayer(problem);
  bool byChannel = options.perChannel || widths.channelBits;
  unsigned bits = widths.weightBits;
  SmallVector<int64_t> zps(r.scales.size(), 0);
  QuantParamsAttr p = makeParams(bits, true, r.scales, zps, byChannel ? 0 : -1,
                                 widths.channelBits);
  auto type = RankedTensorType::get(layer.shape, b.getI8Type());
  Value v;
  if (bits >= 5) {
    v = tosa::ConstOp::create(
        b, loc, type,
        DenseElementsAttr::get(type, ArrayRef<int8_t>(r.codes)));
  } else {
    PackingAttr packing =
        PackingAttr::get(b.getContext(), bits, bits <= 2 ? 2 : 4, {});
    SmallVector<int8_t> bytes = packing.pack(r.codes, layer.shape);
    auto bytesType =
        RankedTensorType::get({int64_t(bytes.size())}, b.getI8Type());
    v = PackedConstantOp::create(
        b, loc, type, packing,
        DenseIntElementsAttr::get(bytesType, ArrayRef<int8_t>(bytes)),
        b.getBoolAttr(true));
  }
  QWeight result;
  result.value = v;
  result.params = p;
  result.result = std::move(r);
  return result;
}

Value QuantizeImpl::biasConst(Location loc, ArrayRef<float> bias,
                              QuantParamsAttr in, QuantParamsAttr w) {
  SmallVector<int32_t> q;
  for (size_t c = 0; c < bias.size(); ++c)
    q.push_back(quantizeBias(bias[c], in.getScale()[0],
                             w.getScale()[w.isPerAxis() ? c : 0]));
  auto type = RankedTensorType::get({int64_t(q.size())}, b.getI32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, ArrayRef(q)));
}

FailureOr<LayerInputStats> QuantizeImpl::measureInput(const LayerData &layer,
                                                      const QValue &x,
                                                      int64_t sampleEvery) {
  Operation *op = layer.op;
  PatchAccumulator acc(layer.geometry, sampleEvery);
  double scale = x.params.getScale()[0];
  int64_t zp = x.params.getZeroPoint()[0];
  // The chunk's quantized input and, for sampling, its float input.
  std::optional<Tensor> codes, floats;
  bool fits = true;
  auto observe = [&](Value v, const Tensor &t) {
    if (v == x.value && t.getKind() == ElementKind::I32)
      codes = t;
    else if (sampleEvery > 0 && v == layer.input &&
             t.getKind() == ElementKind::F32)
      floats = t;
  };
  {
    // The function now holds the float graph and the integer ops built so
    // far; running it computes this layer's input through the quantized
    // layers before it, and its float input through the float ones.
    Executor exec(fn->getParentOfType<ModuleOp>());
    exec.setObserver(observe);
    // Nothing after this layer's inputs matters: stop there.
    exec.setStopCondition(
        [&] { return codes && (sampleEvery == 0 || floats); });
    int64_t n = calibData->getDimSize(0);
    int64_t batch = samplesPerRun(fn, 128); // 1 for a batch-1 model
    for (int64_t begin = 0; begin < n; begin += batch) {
      Tensor chunk = calibData->sliceDim0(begin, std::min(n, begin + batch));
      codes.reset();
      floats.reset();
      if (failed(exec.run(fn, {chunk})))
        return op->emitError() << "could not run the partly quantized "
                                  "function on the calibration data";
      if (!codes)
        continue;
      const float *f = floats && floats->getNumElements() ==
                                     codes->getNumElements()
                           ? floats->getData<float>()
                           : nullptr;
      fits &= acc.add(codes->getData<int32_t>(), scale, zp, f,
                      codes->getShape());
    }
  }
  LayerInputStats stats = acc.finish();
  if (!stats.count)
    return op->emitError() << "the calibration run never computed this "
                              "layer's quantized input";
  (void)fits;
  return stats;
}

LogicalResult QuantizeImpl::checkAccumulator(Operation *op,
                                             QuantParamsAttr in,
                                             QuantParamsAttr w, int64_t depth,
                                             ArrayRef<int8_t> codes) {
  int64_t xmax = std::max(in.getQMax() - in.getZeroPoint()[0],
                          in.getZeroPoint()[0] - in.getQMin());
  int64_t wmax = 0;
  for (int8_t c : codes)
    wmax = std::max<int64_t>(wmax, std::abs(int64_t(c)));
  if (double(depth) * double(xmax) * double(wmax) > 2147483647.0)
    return op->emitError() << "int32 accumulator could overflow: " << depth
                           << " products of up to " << xmax << " x " << wmax;
  return success();
}

//===----------------------------------------------------------------------===//
// Fusion
//===----------------------------------------------------------------------===//

tosa::ClampOp QuantizeImpl::fusableClamp(Value v) {
  if (!v.hasOneUse())
    return {};
  auto clamp = dyn_cast<tosa::ClampOp>(*v.getUsers().begin());
  if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()))
    return {};
  return clamp;
}

void QuantizeImpl::clampCodes(tosa::ClampOp clamp, QuantParamsAttr out,
                              std::optional<int64_t> &lo,
                              std::optional<int64_t> &hi) {
  if (!clamp)
    return;
  float inv = float(1.0 / out.getScale()[0]);
  int32_t zp = int32_t(out.getZeroPoint()[0]);
  auto code = [&](float x) {
    return int64_t(quantizeFloat(x, inv, zp, int32_t(out.getQMin()),
                                 int32_t(out.getQMax())));
  };
  int64_t l = code(cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble());
  int64_t h = code(cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble());
  if (l > out.getQMin())
    lo = l;
  if (h < out.getQMax())
    hi = h;
}

//===----------------------------------------------------------------------===//
// Op rewrites
//===----------------------------------------------------------------------===//

LogicalResult QuantizeImpl::quantizeConv(Operation *op) {
  std::optional<LayerData> layer = readLayer(op);
  if (!layer)
    return success(); // not constant: stays float
  Widths widths = widthsOf(op);
  Location loc = op->getLoc();
  FailureOr<QValue> x = twin(layer->input, widths.actBits, loc);
  if (failed(x))
    return failure();
  tosa::ClampOp clamp = layer->clamp;
  Value out = layer->quantizedOutput();
  FailureOr<QuantParamsAttr> outP = actParams(out, widths.actBits, loc);
  if (failed(outP))
    return failure();
  b.setInsertionPoint(op);
  FailureOr<QWeight> qw = quantizeWeights(*layer, widths, *x);
  if (failed(qw))
    return failure();
  if (failed(checkAccumulator(op, x->params, qw->params, layer->k,
                              qw->result.codes)))
    return failure();
  Value qb = biasConst(loc, qw->result.bias, x->params, qw->params);
  auto [lo, hi] = clampAttrs(clamp, *outP);
  auto get = [&](StringRef name) {
    return op->getAttrOfType<DenseI64ArrayAttr>(name);
  };
  Value conv = Conv2DOp::create(
      b, loc, intType(out, b.getI8Type()), x->value, qw->value, qb, x->params,
      qw->params, *outP, get("pad"), get("stride"), get("dilation"),
      b.getI64IntegerAttr(layer->groups), lo, hi);
  twins[out] = {conv, *outP};
  if (clamp)
    fused.insert(clamp);
  return success();
}

LogicalResult QuantizeImpl::quantizeFullyConnected(tosa::MatMulOp op) {
  std::optional<LayerData> layer = readLayer(op);
  if (!layer)
    return success();
  int64_t k = layer->k;
  Widths widths = widthsOf(op);
  Location loc = op.getLoc();
  FailureOr<QValue> x = twin(layer->input, widths.actBits, loc);
  if (failed(x))
    return failure();
  // mpq.fully_connected reads [N..., K]: the codes as they are when their
  // last axis is K (a linear layer over it), else flattened to [N, K] (a
  // Gemm after Flatten) or [N, R, K] (R rows per index of the first
  // dimension). The first dimension stays the (possibly dynamic) batch.
  auto xType = cast<RankedTensorType>(layer->input.getType());
  if (xType.getShape().back() != k) {
    SmallVector<int64_t> rowsShape = {xType.getDimSize(0)};
    if (layer->rowsPerSample != 1)
      rowsShape.push_back(layer->rowsPerSample);
    rowsShape.push_back(k);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(x->value);
    x->value = reshapeCodes(x->value, rowsShape, loc);
  }
  SmallVector<int64_t> yShape(
      cast<RankedTensorType>(x->value.getType()).getShape().drop_back());
  yShape.push_back(layer->rows);
  tosa::ClampOp clamp = layer->clamp;
  Value out = layer->quantizedOutput();
  FailureOr<QuantParamsAttr> outP = actParams(out, widths.actBits, loc);
  if (failed(outP))
    return failure();
  b.setInsertionPoint(layer->chain.empty() ? op.getOperation()
                                            : layer->chain.back());
  FailureOr<QWeight> qw = quantizeWeights(*layer, widths, *x);
  if (failed(qw))
    return failure();
  if (failed(checkAccumulator(op, x->params, qw->params, k,
                              qw->result.codes)))
    return failure();
  Value qb = biasConst(loc, qw->result.bias, x->params, qw->params);
  auto [lo, hi] = clampAttrs(clamp, *outP);
  auto yType = RankedTensorType::get(yShape, b.getI8Type());
  Value fc = FullyConnectedOp::create(b, loc, yType, x->value, qw->value, qb,
                                      x->params, qw->params, *outP, lo, hi);
  // Back to the layer's output shape ([B..., M, N] for a linear layer over
  // the last axis).
  auto outType = cast<RankedTensorType>(intType(out, b.getI8Type()));
  if (outType != yType)
    fc = reshapeCodes(fc, outType.getShape(), loc);
  twins[out] = {fc, *outP};
  for (Operation *c : layer->chain)
    fused.insert(c);
  if (clamp)
    fused.insert(clamp);
  return success();
}

Value QuantizeImpl::reshapeCodes(Value codes, ArrayRef<int64_t> shape,
                                 Location loc) {
  auto elt = cast<RankedTensorType>(codes.getType()).getElementType();
  SmallVector<int64_t> target(shape);
  for (int64_t &d : target)
    if (ShapedType::isDynamic(d))
      d = -1;
  auto shapeOp = tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), target.size()),
      DenseIntElementsAttr::get(
          RankedTensorType::get({int64_t(target.size())}, b.getIndexType()),
          target));
  return tosa::ReshapeOp::create(b, loc, RankedTensorType::get(shape, elt),
                                 codes, shapeOp);
}

LogicalResult QuantizeImpl::quantizeAdd(tosa::AddOp op) {
  Value l = op.getInput1(), r = op.getInput2();
  if (l.getDefiningOp<tosa::ConstOp>() || r.getDefiningOp<tosa::ConstOp>())
    return success();
  if (!calibOf(l) && !hasTwin(l))
    return success();
  if (!calibOf(r) && !hasTwin(r))
    return success();
  unsigned bits = widthsOf(op).actBits;
  Location loc = op.getLoc();
  FailureOr<QValue> ql = twin(l, bits, loc), qr = twin(r, bits, loc);
  if (failed(ql) || failed(qr))
    return failure();
  tosa::ClampOp clamp = fusableClamp(op.getResult());
  Value out = clamp ? Value(clamp.getResult()) : Value(op.getResult());
  FailureOr<QuantParamsAttr> outP = actParams(out, bits, loc);
  if (failed(outP))
    return failure();
  auto [lo, hi] = clampAttrs(clamp, *outP);
  b.setInsertionPoint(clamp ? clamp.getOperation() : op.getOperation());
  Value add = AddOp::create(b, loc, intType(out, b.getI8Type()), ql->value,
                            qr->value, ql->params, qr->params, *outP, lo, hi);
  twins[out] = {add, *outP};
  if (clamp)
    fused.insert(clamp);
  return success();
}

LogicalResult QuantizeImpl::quantizeAvgPool(tosa::AvgPool2dOp op) {
  if (!hasTwin(op.getInput()))
    return success();
  QValue x = twins[op.getInput()];
  // The pool requantizes anyway, so a precision decision sets its output
  // width directly.
  unsigned bits = op->hasAttr("mpq.precision") ? widthsOf(op).actBits
                                                 : x.params.getBits();
  FailureOr<QuantParamsAttr> outP = actParams(op.getResult(), bits, op.getLoc());
  if (failed(outP))
    return failure();
  b.setInsertionPoint(op);
  Value pool = AvgPool2dOp::create(
      b, op.getLoc(), intType(op.getResult(), b.getI8Type()), x.value,
      op.getKernelAttr(), op.getStrideAttr(), op.getPadAttr(), x.params,
      *outP);
  twins[op.getResult()] = {pool, *outP};
  return success();
}

LogicalResult QuantizeImpl::quantizeConcat(tosa::ConcatOp op) {
  if (!llvm::all_of(op.getInput1(), [&](Value v) { return hasTwin(v); }))
    return success();
  unsigned bits = twins[op.getInput1()[0]].params.getBits();
  FailureOr<QuantParamsAttr> outP =
      actParams(op.getResult(), bits, op.getLoc());
  if (failed(outP))
    return failure();
  b.setInsertionPoint(op);
  SmallVector<Value> ins;
  for (Value v : op.getInput1()) {
    QValue t = twins[v];
    if (t.params != *outP)
      ins.push_back(RequantizeOp::create(b, op.getLoc(), t.value.getType(),
                                         t.value, t.params, *outP));
    else
      ins.push_back(t.value);
  }
  Value cat = tosa::ConcatOp::create(
      b, op.getLoc(), intType(op.getResult(), b.getI8Type()), ins,
      op.getAxisAttr());
  twins[op.getResult()] = {cat, *outP};
  return success();
}

Operation *QuantizeImpl::cloneOnCodes(Operation *op, Value codes,
                                      Type resultType) {
  SmallVector<Value> operands(op->getOperands());
  operands[0] = codes;
  SmallVector<NamedAttribute> attrs;
  for (NamedAttribute a : op->getAttrs())
    if (!a.getName().strref().starts_with("mpq."))
      attrs.push_back(a);
  OperationState st(op->getLoc(), op->getName().getStringRef(), operands,
                    TypeRange{resultType}, attrs);
  return b.create(st);
}

LogicalResult QuantizeImpl::quantizeCodeOp(Operation *op) {
  Value in = op->getOperand(0);
  if (!hasTwin(in))
    return success();
  QValue x = twins[in];
  b.setInsertionPoint(op);
  Type t = intType(op->getResult(0), b.getI8Type());
  Operation *q;
  if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
    std::optional<int64_t> lo, hi;
    clampCodes(clamp, x.params, lo, hi);
    auto i8 = b.getIntegerType(8);
    q = tosa::ClampOp::create(
        b, op->getLoc(), t, x.value,
        b.getIntegerAttr(i8, lo.value_or(x.params.getQMin())),
        b.getIntegerAttr(i8, hi.value_or(x.params.getQMax())),
        clamp.getNanModeAttr());
  } else {
    q = cloneOnCodes(op, x.value, t);
  }
  twins[op->getResult(0)] = {q->getResult(0), x.params};
  return success();
}

LogicalResult QuantizeImpl::run() {
  SmallVector<Operation *> ops;
  for (Operation &op : fn.getBody().front())
    ops.push_back(&op);
  for (Operation *op : ops) {
    if (fused.contains(op))
      continue;
    LogicalResult r =
        TypeSwitch<Operation *, LogicalResult>(op)
            .Case<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(
                [&](Operation *o) { return quantizeConv(o); })
            .Case<tosa::MatMulOp>(
                [&](auto o) { return quantizeFullyConnected(o); })
            .Case<tosa::AddOp>([&](auto o) { return quantizeAdd(o); })
            .Case<tosa::AvgPool2dOp>([&](auto o) { return quantizeAvgPool(o); })
            .Case<tosa::ConcatOp>([&](auto o) { return quantizeConcat(o); })
            .Case<tosa::MaxPool2dOp, tosa::TransposeOp, tosa::ReshapeOp,
                  tosa::SliceOp,
                  tosa::ClampOp>([&](Operation *o) {
              if (auto t = dyn_cast<RankedTensorType>(o->getResult(0).getType());
                  !t || !t.getElementType().isF32())
                return success();
              if (hasTwin(o->getOperand(0)) &&
                  twins[o->getOperand(0)].params.isPerAxis())
                return success();
              return quantizeCodeOp(o);
            })
            .Default([](Operation *) { return success(); });
    if (failed(r))
      return failure();
  }
  // Every float value with a twin now reads its dequantized twin; the float
  // ops that were quantized become dead.
  for (auto &[v, t] : twins) {
    if (v.use_empty())
      continue;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(t.value);
    Value d = DequantizeOp::create(b, t.value.getLoc(), v.getType(), t.value,
                                   t.params);
    v.replaceUsesWithIf(d, [&](OpOperand &use) {
      return use.getOwner() != d.getDefiningOp() &&
             !quantizers.contains(use.getOwner());
    });
  }
  // Erase what no longer has users, last to first.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op :
         llvm::make_early_inc_range(llvm::reverse(fn.getBody().front()))) {
      if (op.hasTrait<OpTrait::IsTerminator>() || !op.use_empty() ||
          !isMemoryEffectFree(&op))
        continue;
      op.erase();
      changed = true;
    }
  }
  // Quantize before layout ops (per-tensor parameters commute with them):
  // quantize(transpose(x)) -> transpose(quantize(x)), so even the input's
  // NCHW -> NHWC transpose runs on codes.
  for (Operation &op : llvm::make_early_inc_range(fn.getBody().front())) {
    auto q = dyn_cast<QuantizeOp>(op);
    Operation *layout = q ? q.getInput().getDefiningOp() : nullptr;
    if (!layout || !isa<tosa::TransposeOp, tosa::ReshapeOp>(layout) ||
        !layout->hasOneUse() || q.getParams().isPerAxis())
      continue;
    Value src = layout->getOperand(0);
    b.setInsertionPoint(layout);
    Value qs = QuantizeOp::create(b, q.getLoc(), intType(src, b.getI8Type()),
                                  src, q.getParams());
    Operation *moved = cloneOnCodes(layout, qs, q.getType());
    q.replaceAllUsesWith(moved->getResult(0));
    q.erase();
    layout->erase();
  }
  // Dequantize-quantize pairs with identical parameters cancel.
  for (Operation &op :
       llvm::make_early_inc_range(fn.getBody().front())) {
    auto q = dyn_cast<QuantizeOp>(op);
    if (!q)
      continue;
    auto d = q.getInput().getDefiningOp<DequantizeOp>();
    if (d && d.getParams() == q.getParams() &&
        d.getInput().getType() == q.getType()) {
      q.replaceAllUsesWith(d.getInput());
      q.erase();
    }
  }
  return success();
}

struct MPQQuantizePass : public mpq::impl::MPQQuantizePassBase<MPQQuantizePass> {
  using MPQQuantizePassBase::MPQQuantizePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (weightBits < 2 || weightBits > 8 || actBits < 2 || actBits > 8) {
      module.emitError() << "weight-bits and act-bits must be 2..8, got "
                         << unsigned(weightBits) << " and " << unsigned(actBits);
      return signalPassFailure();
    }
    if (granularity != "per-channel" && granularity != "per-tensor") {
      module.emitError() << "granularity must be per-channel or per-tensor, "
                            "got '"
                         << std::string(granularity) << "'";
      return signalPassFailure();
    }
    if (weightObjective != "output" && weightObjective != "weight") {
      module.emitError() << "weight-objective must be output or weight, got '"
                         << std::string(weightObjective) << "'";
      return signalPassFailure();
    }
    if (weightMethod != "mmse" && weightMethod != "maxabs") {
      module.emitError() << "weight-method must be mmse or maxabs, got '"
                         << std::string(weightMethod) << "'";
      return signalPassFailure();
    }
    // GPTQ needs the data; auto measures with it when given and otherwise
    // rounds to nearest.
    std::optional<Tensor> calib;
    bool gptq = rounding == WeightRounding::GPTQ;
    if (gptq && std::string(data).empty()) {
      module.emitError() << "rounding=gptq needs the calibration data: "
                            "--mpq-quantize=\"rounding=gptq data=FILE.npy\"";
      return signalPassFailure();
    }
    if (rounding != WeightRounding::Nearest && !std::string(data).empty()) {
      if (samples < 1) {
        module.emitError() << "samples must be positive, got "
                           << int64_t(samples);
        return signalPassFailure();
      }
      // The samples --mpq-calibrate used: non-finite ones skipped (it warned
      // about them), nothing finite left is an error.
      llvm::Expected<CalibrationData> loaded =
          loadCalibrationData(data, int64_t(samples));
      if (!loaded) {
        module.emitError() << "calibration data: "
                           << llvm::toString(loaded.takeError());
        return signalPassFailure();
      }
      calib = std::move(loaded->samples);
    }
    for (auto fn : module.getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      if (!fn.getBody().hasOneBlock()) {
        fn.emitError("mpq-quantize expects single-block functions");
        return signalPassFailure();
      }
      if (calib) {
        if (fn.getNumArguments() != 1) {
          fn.emitError() << "rounding=" << (gptq ? "gptq" : "auto")
                         << " feeds one input tensor, but @"
                         << fn.getName() << " takes "
                         << fn.getNumArguments();
          return signalPassFailure();
        }
        Executor check(module);
        if (failed(check.verifyInputs(fn, {calib->sliceDim0(0, 1)})))
          return signalPassFailure();
      }
      LayerQuantOptions opts;
      opts.perChannel = granularity == "per-channel";
      opts.mmse = weightMethod == "mmse";
      opts.outputObjective = weightObjective == "output";
      opts.biasCorrection = biasCorrection;
      opts.rounding = rounding;
      QuantizeImpl impl(fn, weightBits, actBits, opts,
                        calib ? &*calib : nullptr);
      if (failed(impl.run()))
        return signalPassFailure();
    }
  }
};

} // namespace
