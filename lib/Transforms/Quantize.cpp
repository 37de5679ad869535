//===- Quantize.cpp - materialise the quantized integer graph -------------===//
//
// Walks the calibrated float TOSA graph in order and builds its integer
// counterpart next to it: every float value that an integer op consumes gets
// a quantized twin (an i8 tensor plus #mpq.qparams). Afterwards each float
// value with a twin is replaced by a dequantize of it, which leaves the float
// ops that were quantized dead; they and their float weights are erased. Ops
// without an integer form keep running in float on dequantized values.
//
//===----------------------------------------------------------------------===//

#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Batching.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Quant/Quantizer.h"
#include "mpq/Transforms/CalibrationData.h"
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

/// A quantized weight: its SSA value, parameters and codes (row-major).
struct QWeight : QValue {
  SmallVector<int8_t> codes;
};

/// Statistics of a layer's quantized input, measured on calibration data
/// with every earlier layer already quantized: per group of a grouped conv,
/// H = E[p p^T] and E[p] over the input patches p ([KH*KW*Cg], or [K] for a
/// fully connected layer).
struct InputMoments {
  int64_t k = 0;
  SmallVector<std::vector<double>> h, mean;
};

/// Where a layer's input patches come from.
struct PatchGeometry {
  bool conv = false;
  int64_t kh = 1, kw = 1, cg = 0, groups = 1;
  int64_t pad[4] = {0, 0, 0, 0}, stride[2] = {1, 1}, dil[2] = {1, 1};
};

/// Widths chosen for one op: from its #mpq.precision or the pass options.
struct Widths {
  unsigned weightBits, actBits;
  DenseI32ArrayAttr channelBits;
};

class QuantizeImpl {
public:
  QuantizeImpl(func::FuncOp fn, unsigned weightBits, unsigned actBits,
               bool perChannel, bool mmse, bool outputObjective,
               bool biasCorrection, const Tensor *calibData)
      : fn(fn), b(fn.getContext()), defaultWeightBits(weightBits),
        defaultActBits(actBits), perChannel(perChannel), mmse(mmse),
        outputObjective(outputObjective), biasCorrection(biasCorrection),
        calibData(calibData) {}

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
  /// Quantizes `w` laid out [O, K...] per output channel (or per tensor);
  /// returns the codes' SSA value and their parameters.
  FailureOr<QWeight> quantizeWeights(Operation *op, ArrayRef<float> w,
                                    ArrayRef<int64_t> shape,
                                    const Widths &widths, int64_t groups,
                                    const InputMoments *moments);
  /// Runs the function on the calibration data and measures the moments of
  /// the patches `geometry` cuts from `codes` (the quantized input of
  /// `op`, dequantized with `params`).
  FailureOr<InputMoments> measureInput(Operation *op, Value codes,
                                       QuantParamsAttr params,
                                       const PatchGeometry &geometry);
  /// Per-element importance E[x^2] of row `row` of a [O, K] weight with
  /// `groups` groups, from the op's mpq.mean_sq_patch; empty if unknown.
  SmallVector<float> importanceOf(Operation *op, int64_t row, int64_t o,
                                  int64_t k, int64_t cg, int64_t groups);
  Value biasConst(Location loc, ArrayRef<float> bias, QuantParamsAttr in,
                  QuantParamsAttr w);
  /// Bias correction: bias[o] += sum_k (W - Q(W))[o, k] * E[x][k], with
  /// E[x] from the op's mpq.mean_patch ([spatial * channels]); `groups`
  /// splits the channels as in a grouped conv. Given `moments` of the
  /// quantized input, Q(W) multiplies their mean E[x_q] instead.
  void correctBias(Operation *op, MutableArrayRef<float> bias,
                   ArrayRef<float> w, const QWeight &qw, int64_t groups,
                   const InputMoments *moments);
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
  /// A copy of `op` (at the builder's insertion point) reading `codes` as
  /// its first operand and producing `resultType`, without mpq.* attributes.
  Operation *cloneOnCodes(Operation *op, Value codes, Type resultType);

  func::FuncOp fn;
  OpBuilder b;
  unsigned defaultWeightBits, defaultActBits;
  bool perChannel, mmse, outputObjective, biasCorrection;
  /// Calibration samples for GPTQ rounding (null: round to nearest).
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

static FailureOr<SmallVector<float>> constData(Value v) {
  auto c = v.getDefiningOp<tosa::ConstOp>();
  if (!c)
    return failure();
  auto attr = dyn_cast<DenseElementsAttr>(c.getValues());
  if (!attr || !attr.getElementType().isF32())
    return failure();
  return SmallVector<float>(attr.getValues<float>());
}

SmallVector<float> QuantizeImpl::importanceOf(Operation *op, int64_t row,
                                              int64_t o, int64_t k, int64_t cg,
                                              int64_t groups) {
  auto sq = op->getAttrOfType<DenseElementsAttr>("mpq.mean_sq_patch");
  if (!outputObjective || !sq)
    return {};
  int64_t channels = cg * groups, g = row / (o / groups);
  if (sq.getNumElements() != (k / cg) * channels)
    return {};
  auto values = sq.getValues<float>();
  SmallVector<float> d(k);
  for (int64_t i = 0; i < k; ++i)
    d[i] = values[(i / cg) * channels + g * cg + i % cg];
  return d;
}

FailureOr<QWeight> QuantizeImpl::quantizeWeights(Operation *op,
                                                ArrayRef<float> w,
                                                ArrayRef<int64_t> shape,
                                                const Widths &widths,
                                                int64_t groups,
                                                const InputMoments *moments) {
  Location loc = op->getLoc();
  int64_t o = shape[0];
  int64_t k = int64_t(w.size()) / o;
  int64_t cg = shape.back();
  if (widths.channelBits && int64_t(widths.channelBits.size()) != o)
    return emitError(loc) << "precision gives " << widths.channelBits.size()
                          << " channel bit-widths for " << o << " channels";
  bool byChannel = perChannel || widths.channelBits;
  SmallVector<double> scales;
  SmallVector<int8_t> codes(w.size());
  auto quantRow = [&](ArrayRef<float> row, unsigned bits,
                      MutableArrayRef<int8_t> out, ArrayRef<float> d) {
    QuantRange r = QuantRange::get(bits, true, true);
    AffineQuant q = mmse ? weightedMmseQuant(row, d, r) : maxAbsQuant(row, r);
    for (size_t i = 0; i < row.size(); ++i)
      out[i] = int8_t(std::clamp<double>(std::nearbyint(row[i] / q.scale),
                                         double(r.qmin), double(r.qmax)));
    return q.scale;
  };
  if (byChannel) {
    for (int64_t c = 0; c < o; ++c) {
      unsigned bits = widths.channelBits ? unsigned(widths.channelBits[c])
                                         : widths.weightBits;
      scales.push_back(quantRow(w.slice(c * k, k), bits,
                                MutableArrayRef<int8_t>(codes).slice(c * k, k),
                                importanceOf(op, c, o, k, cg, groups)));
    }
  } else {
    SmallVector<float> d;
    for (int64_t c = 0; c < o && d.size() == size_t(c * k); ++c) {
      SmallVector<float> row = importanceOf(op, c, o, k, cg, groups);
      d.append(row.begin(), row.end());
    }
    if (d.size() != w.size())
      d.clear();
    scales.push_back(quantRow(w, widths.weightBits, codes, d));
  }
  if (moments && moments->k == k &&
      int64_t(moments->h.size()) == groups) {
    // GPTQ: keep the scales, re-round each group's rows against the
    // measured input moments.
    int64_t og = o / groups;
    for (int64_t g = 0; g < groups; ++g) {
      SmallVector<double> s;
      SmallVector<QuantRange> ranges;
      for (int64_t r = g * og; r < (g + 1) * og; ++r) {
        s.push_back(scales[byChannel ? r : 0]);
        ranges.push_back(QuantRange::get(
            widths.channelBits ? unsigned(widths.channelBits[r])
                               : widths.weightBits,
            true, true));
      }
      gptqRound(w.slice(g * og * k, og * k), k, moments->h[g], s, ranges,
                MutableArrayRef<int8_t>(codes).slice(g * og * k, og * k));
    }
  }
  unsigned bits = widths.weightBits;
  SmallVector<int64_t> zps(scales.size(), 0);
  QuantParamsAttr p = makeParams(bits, true, scales, zps, byChannel ? 0 : -1,
                                 widths.channelBits);
  auto type = RankedTensorType::get(shape, b.getI8Type());
  Value v;
  if (bits >= 5) {
    v = tosa::ConstOp::create(
        b, loc, type,
        DenseElementsAttr::get(type, ArrayRef<int8_t>(codes)));
  } else {
    PackingAttr layout =
        PackingAttr::get(b.getContext(), bits, bits <= 2 ? 2 : 4, {});
    SmallVector<int8_t> bytes = layout.pack(codes, shape);
    auto bytesType =
        RankedTensorType::get({int64_t(bytes.size())}, b.getI8Type());
    v = PackedConstantOp::create(
        b, loc, type, layout,
        DenseIntElementsAttr::get(bytesType, ArrayRef<int8_t>(bytes)),
        b.getBoolAttr(true));
  }
  QWeight result;
  result.value = v;
  result.params = p;
  result.codes = std::move(codes);
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

void QuantizeImpl::correctBias(Operation *op, MutableArrayRef<float> bias,
                               ArrayRef<float> w, const QWeight &qw,
                               int64_t groups, const InputMoments *moments) {
  auto mean = op->getAttrOfType<DenseElementsAttr>("mpq.mean_patch");
  if (!biasCorrection || !mean)
    return;
  SmallVector<float> m(mean.getValues<float>());
  ArrayRef<int8_t> codes = qw.codes;
  int64_t o = int64_t(bias.size()), k = int64_t(w.size()) / o;
  int64_t og = o / groups;
  auto wType = cast<ShapedType>(qw.value.getType());
  int64_t cg = wType.getDimSize(wType.getRank() - 1);
  int64_t channels = cg * groups;
  if (int64_t(m.size()) != (k / cg) * channels)
    return; // stale statistics: leave the bias alone
  // With measured input moments (rounding=gptq) the correction is
  // empirical: E[W x] - E[Q(W) x_q], with x_q the input as the quantized
  // layers before this one compute it, so it also absorbs their mean shift.
  bool useQ = moments && moments->k == k &&
              int64_t(moments->mean.size()) == groups;
  for (int64_t r = 0; r < o; ++r) {
    double scale = qw.params.getScale()[qw.params.isPerAxis() ? r : 0];
    int64_t g = r / og;
    double delta = 0.0;
    for (int64_t i = 0; i < k; ++i) {
      double mf = double(m[(i / cg) * channels + g * cg + i % cg]);
      double mq = useQ ? moments->mean[g][i] : mf;
      delta += double(w[r * k + i]) * mf -
               scale * double(codes[r * k + i]) * mq;
    }
    bias[r] += float(delta);
  }
}

FailureOr<InputMoments>
QuantizeImpl::measureInput(Operation *op, Value codes, QuantParamsAttr params,
                           const PatchGeometry &geo) {
  InputMoments mom;
  int64_t kk = geo.kh * geo.kw * geo.cg;
  mom.k = kk;
  mom.h.assign(geo.groups, std::vector<double>(kk * kk, 0.0));
  mom.mean.assign(geo.groups, std::vector<double>(kk, 0.0));
  double scale = params.getScale()[0];
  int64_t zp = params.getZeroPoint()[0];
  int64_t count = 0;
  std::vector<double> patch(kk);
  std::vector<int64_t> nz;
  auto addPatch = [&](int64_t g) {
    nz.clear();
    for (int64_t i = 0; i < kk; ++i)
      if (patch[i] != 0.0)
        nz.push_back(i);
    std::vector<double> &h = mom.h[g];
    std::vector<double> &mean = mom.mean[g];
    for (size_t a = 0; a < nz.size(); ++a) {
      double pa = patch[nz[a]];
      mean[nz[a]] += pa;
      double *row = &h[nz[a] * kk];
      for (size_t c = a; c < nz.size(); ++c)
        row[nz[c]] += pa * patch[nz[c]];
    }
  };
  auto observe = [&](Value v, const Tensor &t) {
    if (v != codes || t.getKind() != ElementKind::I32)
      return;
    const int32_t *x = t.getData<int32_t>();
    auto deq = [&](int64_t idx) { return scale * double(x[idx] - zp); };
    if (!geo.conv) {
      int64_t rows = t.getDimSize(0), per = t.getNumElements() / rows;
      if (per != kk)
        return;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t i = 0; i < kk; ++i)
          patch[i] = deq(r * kk + i);
        addPatch(0);
      }
      count += rows;
      return;
    }
    if (t.getRank() != 4)
      return;
    int64_t n = t.getDimSize(0), ih = t.getDimSize(1), iw = t.getDimSize(2),
            c = t.getDimSize(3);
    if (c != geo.cg * geo.groups)
      return;
    int64_t oh = (ih + geo.pad[0] + geo.pad[1] - geo.dil[0] * (geo.kh - 1) -
                  1) / geo.stride[0] + 1;
    int64_t ow = (iw + geo.pad[2] + geo.pad[3] - geo.dil[1] * (geo.kw - 1) -
                  1) / geo.stride[1] + 1;
    for (int64_t s = 0; s < n; ++s)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo)
          for (int64_t g = 0; g < geo.groups; ++g) {
            for (int64_t ky = 0; ky < geo.kh; ++ky)
              for (int64_t kx = 0; kx < geo.kw; ++kx) {
                int64_t iy = y * geo.stride[0] - geo.pad[0] + ky * geo.dil[0];
                int64_t ix = xo * geo.stride[1] - geo.pad[2] + kx * geo.dil[1];
                bool inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
                for (int64_t ci = 0; ci < geo.cg; ++ci)
                  patch[(ky * geo.kw + kx) * geo.cg + ci] =
                      inside ? deq(((s * ih + iy) * iw + ix) * c +
                                   g * geo.cg + ci)
                             : 0.0;
              }
            addPatch(g);
          }
    count += n * oh * ow;
  };
  {
    // The function now holds the float graph and the integer ops built so
    // far; running it computes this layer's input through the quantized
    // layers before it.
    Executor exec(fn->getParentOfType<ModuleOp>());
    exec.setObserver(observe);
    int64_t n = calibData->getDimSize(0);
    int64_t batch = samplesPerRun(fn, 128); // 1 for a batch-1 model
    for (int64_t begin = 0; begin < n; begin += batch) {
      Tensor chunk = calibData->sliceDim0(begin, std::min(n, begin + batch));
      if (failed(exec.run(fn, {chunk})))
        return op->emitError() << "could not run the partly quantized "
                                  "function on the calibration data";
    }
  }
  if (!count)
    return op->emitError() << "the calibration run never computed this "
                              "layer's quantized input";
  for (int64_t g = 0; g < geo.groups; ++g) {
    std::vector<double> &h = mom.h[g];
    for (int64_t i = 0; i < kk; ++i) {
      mom.mean[g][i] /= double(count);
      for (int64_t j = i; j < kk; ++j) {
        h[i * kk + j] /= double(count);
        h[j * kk + i] = h[i * kk + j];
      }
    }
  }
  return mom;
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
  bool depthwise = isa<tosa::DepthwiseConv2DOp>(op);
  Value input = op->getOperand(0);
  FailureOr<SmallVector<float>> w = constData(op->getOperand(1));
  FailureOr<SmallVector<float>> bias = constData(op->getOperand(2));
  if (failed(w) || failed(bias))
    return success(); // not constant: stays float
  auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
  SmallVector<int64_t> shape(wType.getShape());
  int64_t groups = 1;
  SmallVector<float> ohwi;
  if (depthwise) {
    // [KH, KW, C, M] -> [C*M, KH, KW, 1], groups = C.
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    ohwi.resize(w->size());
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t mm = 0; mm < m; ++mm)
            ohwi[((ci * m + mm) * kh + y) * kw + x] =
                (*w)[((y * kw + x) * c + ci) * m + mm];
    shape = {c * m, kh, kw, 1};
    groups = c;
  } else {
    ohwi = std::move(*w);
  }
  if (int64_t(bias->size()) != shape[0])
    bias->assign(shape[0], bias->size() == 1 ? (*bias)[0] : 0.0f);
  Widths widths = widthsOf(op);
  Location loc = op->getLoc();
  FailureOr<QValue> x = twin(input, widths.actBits, loc);
  if (failed(x))
    return failure();
  tosa::ClampOp clamp = fusableClamp(op->getResult(0));
  Value out = clamp ? Value(clamp.getResult()) : op->getResult(0);
  FailureOr<QuantParamsAttr> outP = actParams(out, widths.actBits, loc);
  if (failed(outP))
    return failure();
  std::optional<InputMoments> moments;
  if (calibData) {
    PatchGeometry geo;
    geo.conv = true;
    geo.kh = shape[1];
    geo.kw = shape[2];
    geo.cg = shape[3];
    geo.groups = groups;
    auto get = [&](StringRef name) {
      return op->getAttrOfType<DenseI64ArrayAttr>(name).asArrayRef();
    };
    llvm::copy(get("pad"), geo.pad);
    llvm::copy(get("stride"), geo.stride);
    llvm::copy(get("dilation"), geo.dil);
    FailureOr<InputMoments> m = measureInput(op, x->value, x->params, geo);
    if (failed(m))
      return failure();
    moments = std::move(*m);
  }
  b.setInsertionPoint(op);
  FailureOr<QWeight> qw = quantizeWeights(op, ohwi, shape, widths, groups,
                                          moments ? &*moments : nullptr);
  if (failed(qw))
    return failure();
  if (failed(checkAccumulator(op, x->params, qw->params,
                              shape[1] * shape[2] * shape[3], qw->codes)))
    return failure();
  correctBias(op, *bias, ohwi, *qw, groups, moments ? &*moments : nullptr);
  Value qb = biasConst(loc, *bias, x->params, qw->params);
  auto [lo, hi] = clampAttrs(clamp, *outP);
  auto get = [&](StringRef name) {
    return op->getAttrOfType<DenseI64ArrayAttr>(name);
  };
  Value conv = Conv2DOp::create(
      b, loc, intType(out, b.getI8Type()), x->value, qw->value, qb, x->params,
      qw->params, *outP, get("pad"), get("stride"), get("dilation"),
      b.getI64IntegerAttr(groups), lo, hi);
  twins[out] = {conv, *outP};
  if (clamp)
    fused.insert(clamp);
  return success();
}

LogicalResult QuantizeImpl::quantizeFullyConnected(tosa::MatMulOp op) {
  // The importer's Gemm: reshape [M,K]->[1,M,K]; matmul with a constant
  // [1,K,N]; reshape [1,M,N]->[M,N]; add a constant [1,N] bias.
  auto in3 = op.getA().getDefiningOp<tosa::ReshapeOp>();
  FailureOr<SmallVector<float>> bData = constData(op.getB());
  auto bType = cast<RankedTensorType>(op.getB().getType());
  if (!in3 || failed(bData) || bType.getDimSize(0) != 1 ||
      !op.getResult().hasOneUse())
    return success();
  auto out2 = dyn_cast<tosa::ReshapeOp>(*op.getResult().getUsers().begin());
  // The input is [M, ...] flattened to [1, M, K] (a 2-D Flatten output, or,
  // after reshapes were merged, the activation itself).
  Value xIn = in3.getInput1();
  auto xType = cast<RankedTensorType>(xIn.getType());
  int64_t k = bType.getDimSize(1), n = bType.getDimSize(2);
  int64_t inner = 1;
  for (int64_t d : xType.getShape().drop_front())
    inner = ShapedType::isDynamic(d) || ShapedType::isDynamic(inner)
                ? ShapedType::kDynamic
                : inner * d;
  if (!out2 || xType.getRank() < 2 || inner != k ||
      cast<RankedTensorType>(out2.getType()).getRank() != 2)
    return success();
  Value out = out2.getResult();
  SmallVector<Operation *> chain = {out2};
  SmallVector<float> bias(n, 0.0f);
  if (out.hasOneUse()) {
    if (auto add = dyn_cast<tosa::AddOp>(*out.getUsers().begin())) {
      Value other = add.getInput1() == out ? add.getInput2() : add.getInput1();
      FailureOr<SmallVector<float>> c = constData(other);
      if (succeeded(c) && (c->size() == size_t(n) || c->size() == 1)) {
        for (int64_t j = 0; j < n; ++j)
          bias[j] = (*c)[c->size() == 1 ? 0 : j];
        chain.push_back(add);
        out = add.getResult();
      }
    }
  }
  SmallVector<float> wt(n * k); // [N, K]
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      wt[c * k + r] = (*bData)[r * n + c];
  Widths widths = widthsOf(op);
  Location loc = op.getLoc();
  FailureOr<QValue> x = twin(xIn, widths.actBits, loc);
  if (failed(x))
    return failure();
  if (xType.getRank() != 2) {
    // Flatten the codes to [M, K].
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointAfterValue(x->value);
    int64_t m = xType.getDimSize(0);
    auto flatType = RankedTensorType::get({m, k}, b.getI8Type());
    auto shape = tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), 2),
        DenseIntElementsAttr::get(
            RankedTensorType::get({2}, b.getIndexType()),
            ArrayRef<int64_t>{ShapedType::isDynamic(m) ? -1 : m, k}));
    x->value = tosa::ReshapeOp::create(b, loc, flatType, x->value, shape);
  }
  tosa::ClampOp clamp = fusableClamp(out);
  if (clamp)
    out = clamp.getResult();
  FailureOr<QuantParamsAttr> outP = actParams(out, widths.actBits, loc);
  if (failed(outP))
    return failure();
  std::optional<InputMoments> moments;
  if (calibData) {
    PatchGeometry geo;
    geo.cg = k;
    FailureOr<InputMoments> m = measureInput(op, x->value, x->params, geo);
    if (failed(m))
      return failure();
    moments = std::move(*m);
  }
  b.setInsertionPoint(chain.back());
  FailureOr<QWeight> qw = quantizeWeights(op, wt, {n, k}, widths, 1,
                                          moments ? &*moments : nullptr);
  if (failed(qw))
    return failure();
  if (failed(checkAccumulator(op, x->params, qw->params, k, qw->codes)))
    return failure();
  correctBias(op, bias, wt, *qw, 1, moments ? &*moments : nullptr);
  Value qb = biasConst(loc, bias, x->params, qw->params);
  auto [lo, hi] = clampAttrs(clamp, *outP);
  Value fc = FullyConnectedOp::create(b, loc, intType(out, b.getI8Type()),
                                      x->value, qw->value, qb, x->params,
                                      qw->params, *outP, lo, hi);
  twins[out] = {fc, *outP};
  for (Operation *c : chain)
    fused.insert(c);
  if (clamp)
    fused.insert(clamp);
  return success();
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
    if (rounding != "nearest" && rounding != "gptq") {
      module.emitError() << "rounding must be nearest or gptq, got '"
                         << std::string(rounding) << "'";
      return signalPassFailure();
    }
    std::optional<Tensor> calib;
    if (rounding == "gptq") {
      if (std::string(data).empty()) {
        module.emitError() << "rounding=gptq needs the calibration data: "
                              "--mpq-quantize=\"rounding=gptq data=FILE.npy\"";
        return signalPassFailure();
      }
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
          fn.emitError() << "rounding=gptq feeds one input tensor, but @"
                         << fn.getName() << " takes "
                         << fn.getNumArguments();
          return signalPassFailure();
        }
        Executor check(module);
        if (failed(check.verifyInputs(fn, {calib->sliceDim0(0, 1)})))
          return signalPassFailure();
      }
      QuantizeImpl impl(fn, weightBits, actBits, granularity == "per-channel",
                        weightMethod == "mmse", weightObjective == "output",
                        biasCorrection, calib ? &*calib : nullptr);
      if (failed(impl.run()))
        return signalPassFailure();
    }
  }
};

} // namespace
