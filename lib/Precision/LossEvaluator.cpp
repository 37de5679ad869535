//===- LossEvaluator.cpp - loss of a model with some layers quantized -----===//

#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Quant/Quantizer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mpq;
using namespace mpq::precision;

LossEvaluator::~LossEvaluator() = default;

FakeQuantEvaluator::FakeQuantEvaluator(ModuleOp module, func::FuncOp entry,
                                       Tensor samples,
                                       std::optional<Tensor> labels,
                                       LossKind kind, int64_t batchSize)
    : module(module), entryName(entry.getName().str()),
      samples(std::move(samples)), labels(std::move(labels)), kind(kind),
      batchSize(std::max<int64_t>(1, batchSize)) {}

FailureOr<std::unique_ptr<FakeQuantEvaluator>>
FakeQuantEvaluator::create(ModuleOp module, func::FuncOp entry,
                           Tensor samples, std::optional<Tensor> labels,
                           LossKind kind, int64_t batchSize) {
  std::unique_ptr<FakeQuantEvaluator> e(new FakeQuantEvaluator(
      module, entry, std::move(samples), std::move(labels), kind, batchSize));
  if (failed(e->init()))
    return failure();
  return e;
}

LogicalResult FakeQuantEvaluator::init() {
  func::FuncOp fn = module.lookupSymbol<func::FuncOp>(entryName);
  for (QuantizableLayerOpInterface layer : getQuantizableLayers(fn)) {
    auto c = layer.getLayerWeight().getDefiningOp<tosa::ConstOp>();
    auto attr = cast<DenseElementsAttr>(c.getValues());
    weights.emplace_back(attr.getValues<float>().begin(),
                         attr.getValues<float>().end());
    weightTypes.push_back(cast<RankedTensorType>(attr.getType()));
    int64_t n = weights.back().size();
    int64_t channels = layer.getNumOutputChannels();
    std::vector<int64_t> ch(n);
    // conv2d: [O, KH, KW, I], the channel is the leading index; depthwise
    // [KH, KW, C, M] and matmul [1, K, N]: the trailing (C*M or N).
    bool leading = isa<tosa::Conv2DOp>(layer.getOperation());
    for (int64_t i = 0; i < n; ++i)
      ch[i] = leading ? i / (n / channels) : i % channels;
    channelOf.push_back(std::move(ch));
    numChannels.push_back(channels);
  }
  if (kind == LossKind::CrossEntropy &&
      (!labels || labels->getNumElements() != samples.getDimSize(0)))
    return module.emitError()
           << "cross-entropy needs one label per sample: "
           << samples.getDimSize(0) << " samples, "
           << (labels ? labels->getNumElements() : 0) << " labels";
  FailureOr<double> ref = run(module, /*reference=*/true);
  if (failed(ref))
    return failure();
  floatLoss = *ref;
  return success();
}

FailureOr<double> FakeQuantEvaluator::run(ModuleOp m, bool reference) {
  Executor exec(m);
  FailureOr<func::FuncOp> fn = exec.lookupFunction(entryName);
  if (failed(fn))
    return failure();
  int64_t n = samples.getDimSize(0);
  double loss = 0;
  int64_t correct = 0;
  if (reference)
    referenceProbs.clear();
  for (int64_t begin = 0; begin < n; begin += batchSize) {
    int64_t end = std::min(n, begin + batchSize);
    FailureOr<SmallVector<Tensor>> out =
        exec.run(*fn, {samples.sliceDim0(begin, end)});
    if (failed(out))
      return failure();
    if (out->empty() || (*out)[0].getKind() != ElementKind::F32 ||
        (*out)[0].getRank() < 1)
      return module.emitError() << "the loss needs a float output 0";
    const Tensor &logits = (*out)[0];
    int64_t classes = logits.getShape().back();
    int64_t rows = logits.getNumElements() / std::max<int64_t>(1, classes);
    if (rows != end - begin)
      return module.emitError()
             << "output 0 (" << logits.getTypeString() << ") must have one "
             << "row per sample";
    ArrayRef<float> v = logits.getValues<float>();
    for (int64_t r = 0; r < rows; ++r) {
      const float *row = v.data() + r * classes;
      double mx = *std::max_element(row, row + classes);
      double sum = 0;
      for (int64_t k = 0; k < classes; ++k)
        sum += std::exp(double(row[k]) - mx);
      double logZ = mx + std::log(sum);
      int64_t arg = std::max_element(row, row + classes) - row;
      int64_t sample = begin + r;
      if (labels)
        correct += arg == labels->getAsInt64(sample);
      if (kind == LossKind::CrossEntropy) {
        int64_t y = labels->getAsInt64(sample);
        if (y < 0 || y >= classes)
          return module.emitError() << "label " << y << " of sample "
                                    << sample << " is not a class of output "
                                    << "0 (" << classes << " classes)";
        loss += logZ - double(row[y]);
      } else if (reference) {
        for (int64_t k = 0; k < classes; ++k)
          referenceProbs.push_back(std::exp(double(row[k]) - logZ));
      } else {
        // KL(p || q) = sum p (log p - log q).
        for (int64_t k = 0; k < classes; ++k) {
          double p = referenceProbs[sample * classes + k];
          if (p > 0)
            loss += p * (std::log(p) - (double(row[k]) - logZ));
        }
      }
    }
  }
  lastAccuracy = labels ? double(correct) / double(n) : std::nan("");
  return loss / double(n);
}

std::vector<float> FakeQuantEvaluator::fakeQuant(unsigned layer,
                                                 unsigned bits) {
  auto key = std::make_pair(layer, bits);
  auto it = fqCache.find(key);
  if (it != fqCache.end())
    return it->second;
  const std::vector<float> &w = weights[layer];
  std::vector<std::vector<float>> rows(numChannels[layer]);
  for (size_t i = 0; i < w.size(); ++i)
    rows[channelOf[layer][i]].push_back(w[i]);
  std::vector<AffineQuant> q(rows.size());
  QuantRange range = QuantRange::get(bits, /*isSigned=*/true, /*narrow=*/true);
  for (size_t c = 0; c < rows.size(); ++c)
    q[c] = mmseQuant(rows[c], range);
  std::vector<float> out(w.size());
  for (size_t i = 0; i < w.size(); ++i)
    out[i] = float(q[channelOf[layer][i]].snap(w[i]));
  fqCache[key] = out;
  return out;
}

double FakeQuantEvaluator::weightErrorSq(unsigned layer, unsigned bits) {
  std::vector<float> q = fakeQuant(layer, bits);
  double s = 0;
  for (size_t i = 0; i < q.size(); ++i)
    s += double(q[i] - weights[layer][i]) * double(q[i] - weights[layer][i]);
  return s;
}

DenseElementsAttr FakeQuantEvaluator::quantizedWeights(unsigned layer,
                                                       unsigned bits,
                                                       bool mirror) {
  auto key = std::make_tuple(layer, bits, mirror);
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  std::vector<float> q = fakeQuant(layer, bits);
  if (mirror)
    for (size_t i = 0; i < q.size(); ++i)
      q[i] = 2.0f * weights[layer][i] - q[i];
  auto attr = DenseElementsAttr::get(weightTypes[layer], ArrayRef<float>(q));
  cache[key] = attr;
  return attr;
}

FailureOr<double> FakeQuantEvaluator::evaluate(
    ArrayRef<LayerOverride> overrides) {
  return evaluateWith(overrides, {});
}

FailureOr<double> FakeQuantEvaluator::evaluateWith(
    ArrayRef<LayerOverride> overrides,
    const std::map<unsigned, DenseElementsAttr> &replaced) {
  ++numEvaluations;
  OwningOpRef<ModuleOp> clone(module.clone());
  func::FuncOp fn = clone->lookupSymbol<func::FuncOp>(entryName);
  SmallVector<QuantizableLayerOpInterface> layers = getQuantizableLayers(fn);
  OpBuilder b(clone->getContext());
  auto setWeight = [&](QuantizableLayerOpInterface layer,
                       DenseElementsAttr values) {
    Operation *op = layer.getOperation();
    b.setInsertionPoint(op);
    auto c = tosa::ConstOp::create(b, op->getLoc(), values.getType(), values);
    // The weight constant may be shared: replace only this layer's use.
    Value old = layer.getLayerWeight();
    op->replaceUsesOfWith(old, c);
  };
  for (auto &[idx, values] : replaced)
    setWeight(layers[idx], values);
  for (const LayerOverride &o : overrides) {
    if (o.layer >= layers.size())
      return module.emitError() << "layer " << o.layer << " does not exist ("
                                << layers.size() << " layers)";
    QuantizableLayerOpInterface layer = layers[o.layer];
    Operation *op = layer.getOperation();
    if (o.weightBits)
      setWeight(layer, quantizedWeights(o.layer, o.weightBits, o.mirror));
    if (!o.actBits)
      continue;
    Value x = layer.getLayerInput();
    CalibrationAttr calib = getCalibration(x);
    if (!calib)
      return op->emitError() << "the input of this layer has no calibration "
                                "statistics (mpq.calib); run --mpq-calibrate "
                                "first";
    AffineQuant q = rangeQuant(calib.getLoFor(o.actBits),
                               calib.getHiFor(o.actBits),
                               QuantRange::get(o.actBits, true, false),
                               /*symmetric=*/false);
    auto params = QuantParamsAttr::get(
        b.getContext(), o.actBits, /*is_signed=*/true, /*narrow=*/false,
        b.getDenseF64ArrayAttr({q.scale}),
        b.getDenseI64ArrayAttr({q.zeroPoint}), -1, DenseI32ArrayAttr());
    // The op that reads x: the layer itself, or the reshape in front of a
    // fully connected layer.
    Operation *reader = op;
    if (!llvm::is_contained(op->getOperands(), x))
      reader = op->getOperand(0).getDefiningOp();
    b.setInsertionPoint(reader);
    auto xt = cast<RankedTensorType>(x.getType());
    Value codes = QuantizeOp::create(
        b, op->getLoc(), RankedTensorType::get(xt.getShape(), b.getI8Type()),
        x, params);
    Value fq = DequantizeOp::create(b, op->getLoc(), xt, codes, params);
    if (o.mirror) {
      // x - (fq - x) = 2x - fq.
      Value twice = tosa::AddOp::create(b, op->getLoc(), xt, x, x);
      fq = tosa::SubOp::create(b, op->getLoc(), xt, twice, fq);
    }
    reader->replaceUsesOfWith(x, fq);
  }
  return run(*clone, /*reference=*/false);
}

FailureOr<double> FakeQuantEvaluator::evaluateWeightProbe(unsigned layer,
                                                          uint64_t seed,
                                                          double h) {
  std::mt19937_64 rng(seed);
  std::vector<float> w = weights[layer];
  for (float &x : w)
    x += float((rng() & 1) ? h : -h);
  auto attr = DenseElementsAttr::get(weightTypes[layer], ArrayRef<float>(w));
  return evaluateWith({}, {{layer, attr}});
}

double FakeQuantEvaluator::getWeightRMS(unsigned layer) const {
  double s = 0;
  for (float w : weights[layer])
    s += double(w) * w;
  return weights[layer].empty() ? 0.0
                                : std::sqrt(s / double(weights[layer].size()));
}
