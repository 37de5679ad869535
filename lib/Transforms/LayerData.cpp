//===- LayerData.cpp - a float layer as quantizeLayer sees it -------------===//

#include "mpq/Transforms/LayerData.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Quant/Quantizer.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mpq;

static std::optional<SmallVector<float>> constData(Value v) {
  auto c = v.getDefiningOp<tosa::ConstOp>();
  if (!c)
    return std::nullopt;
  auto attr = dyn_cast<DenseElementsAttr>(c.getValues());
  if (!attr || !attr.getElementType().isF32())
    return std::nullopt;
  return SmallVector<float>(attr.getValues<float>());
}

/// If `v`'s only user is a float Relu/Clip, returns it (it is fused).
static tosa::ClampOp fusableClamp(Value v) {
  if (!v.hasOneUse())
    return {};
  auto clamp = dyn_cast<tosa::ClampOp>(*v.getUsers().begin());
  if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()))
    return {};
  return clamp;
}

/// Per group [groups * k] values of a calibration attribute laid out
/// [spatial * channels]; empty if absent or stale.
static SmallVector<float> perGroup(Operation *op, StringRef name, int64_t k,
                                   int64_t cg, int64_t groups) {
  auto attr = op->getAttrOfType<DenseElementsAttr>(name);
  int64_t channels = cg * groups;
  if (!attr || attr.getNumElements() != (k / cg) * channels)
    return {};
  auto values = attr.getValues<float>();
  SmallVector<float> out(groups * k);
  for (int64_t g = 0; g < groups; ++g)
    for (int64_t i = 0; i < k; ++i)
      out[g * k + i] = values[(i / cg) * channels + g * cg + i % cg];
  return out;
}

static std::optional<LayerData> readConv(Operation *op) {
  bool depthwise = isa<tosa::DepthwiseConv2DOp>(op);
  std::optional<SmallVector<float>> w = constData(op->getOperand(1));
  std::optional<SmallVector<float>> bias = constData(op->getOperand(2));
  if (!w || !bias)
    return std::nullopt;
  LayerData l;
  l.op = op;
  auto wType = cast<RankedTensorType>(op->getOperand(1).getType());
  l.shape.assign(wType.getShape().begin(), wType.getShape().end());
  if (depthwise) {
    // [KH, KW, C, M] -> [C*M, KH, KW, 1], groups = C.
    int64_t kh = l.shape[0], kw = l.shape[1], c = l.shape[2], m = l.shape[3];
    l.weights.resize(w->size());
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t mm = 0; mm < m; ++mm)
            l.weights[((ci * m + mm) * kh + y) * kw + x] =
                (*w)[((y * kw + x) * c + ci) * m + mm];
    l.shape = {c * m, kh, kw, 1};
    l.groups = c;
  } else {
    l.weights = std::move(*w);
  }
  l.rows = l.shape[0];
  l.k = int64_t(l.weights.size()) / l.rows;
  if (int64_t(bias->size()) != l.rows)
    bias->assign(l.rows, bias->size() == 1 ? (*bias)[0] : 0.0f);
  l.bias = std::move(*bias);
  PatchGeometry &geo = l.geometry;
  geo.conv = true;
  geo.kh = l.shape[1];
  geo.kw = l.shape[2];
  geo.cg = l.shape[3];
  geo.groups = l.groups;
  auto get = [&](StringRef name) {
    return op->getAttrOfType<DenseI64ArrayAttr>(name).asArrayRef();
  };
  llvm::copy(get("pad"), geo.pad);
  llvm::copy(get("stride"), geo.stride);
  llvm::copy(get("dilation"), geo.dil);
  l.input = op->getOperand(0);
  l.output = op->getResult(0);
  l.clamp = fusableClamp(l.output);
  l.importance = perGroup(op, attr::kMeanSqPatch, l.k, geo.cg, l.groups);
  l.floatMean = perGroup(op, attr::kMeanPatch, l.k, geo.cg, l.groups);
  return l;
}

static std::optional<LayerData> readFullyConnected(tosa::MatMulOp op) {
  std::optional<FullyConnectedForm> f = matchFullyConnected(op);
  if (!f)
    return std::nullopt;
  std::optional<SmallVector<float>> bData = constData(op.getB());
  int64_t k = f->k, n = f->n;
  LayerData l;
  l.op = op;
  if (f->outputReshape)
    l.chain.push_back(f->outputReshape);
  l.bias.assign(n, 0.0f);
  if (f->biasAdd) {
    SmallVector<float> c = *constData(f->bias);
    for (int64_t j = 0; j < n; ++j)
      l.bias[j] = c[c.size() == 1 ? 0 : j];
    l.chain.push_back(f->biasAdd);
  }
  l.weights.resize(n * k); // [N, K]
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < n; ++c)
      l.weights[c * k + r] = (*bData)[r * n + c];
  l.shape = {n, k};
  l.rows = n;
  l.k = k;
  l.geometry.cg = k;
  l.rowsPerSample = f->rowsPerSample;
  l.input = f->input;
  l.output = f->output;
  l.clamp = fusableClamp(l.output);
  l.importance = perGroup(op, attr::kMeanSqPatch, k, k, 1);
  l.floatMean = perGroup(op, attr::kMeanPatch, k, k, 1);
  return l;
}

std::optional<LayerData> mpq::readLayer(Operation *op) {
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
    return readConv(op);
  if (auto mm = dyn_cast<tosa::MatMulOp>(op))
    return readFullyConnected(mm);
  return std::nullopt;
}

SmallVector<float> LayerData::toWeightLayout(ArrayRef<float> w) const {
  SmallVector<float> out(w.size());
  if (isa<tosa::Conv2DOp>(op))
    return SmallVector<float>(w);
  if (isa<tosa::DepthwiseConv2DOp>(op)) {
    auto t = cast<RankedTensorType>(op->getOperand(1).getType());
    int64_t kh = t.getDimSize(0), kw = t.getDimSize(1), c = t.getDimSize(2),
            m = t.getDimSize(3);
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t mm = 0; mm < m; ++mm)
            out[((y * kw + x) * c + ci) * m + mm] =
                w[((ci * m + mm) * kh + y) * kw + x];
    return out;
  }
  // [N, K] -> [1, K, N].
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < rows; ++c)
      out[r * rows + c] = w[c * k + r];
  return out;
}

int64_t LayerData::patchesPerSample() const {
  if (!geometry.conv)
    return rowsPerSample;
  auto t = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!t || t.getRank() != 4 || t.isDynamicDim(1) || t.isDynamicDim(2))
    return 1;
  return t.getDimSize(1) * t.getDimSize(2);
}

LayerQuantProblem mpq::makeLayerProblem(const LayerData &l, unsigned weightBits,
                                        unsigned actBits,
                                        ArrayRef<int32_t> channelBits,
                                        const LayerQuantOptions &opts,
                                        const LayerInputStats *stats) {
  LayerQuantProblem p;
  p.weights = l.weights;
  p.rows = l.rows;
  p.groups = l.groups;
  p.bias = l.bias;
  p.weightBits = weightBits;
  p.channelBits = channelBits;
  p.perChannel = opts.perChannel;
  p.mmse = opts.mmse;
  if (opts.outputObjective)
    p.importance = l.importance;
  if (opts.biasCorrection)
    p.floatMean = l.floatMean;
  p.biasCorrection = opts.biasCorrection;
  p.rounding = opts.rounding;
  p.stats = stats;
  if (l.clamp) {
    p.clampLo = cast<FloatAttr>(l.clamp.getMinValAttr()).getValueAsDouble();
    p.clampHi = cast<FloatAttr>(l.clamp.getMaxValAttr()).getValueAsDouble();
  }
  if (CalibrationAttr c = getCalibration(l.quantizedOutput())) {
    QuantRange r = QuantRange::get(actBits, true, false);
    AffineQuant q = rangeQuant(c.getLoFor(actBits), c.getHiFor(actBits), r,
                               /*symmetric=*/false);
    p.outLo = q.scale * double(r.qmin - q.zeroPoint);
    p.outHi = q.scale * double(r.qmax - q.zeroPoint);
  }
  return p;
}
