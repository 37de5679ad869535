//===- LossEvaluator.cpp - loss of a model with some layers quantized -----===//

#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Quant/IntegerSemantics.h"
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
                                       LossKind kind, int64_t batchSize,
                                       const LayerQuantOptions &quantOptions)
    : module(module), entryName(entry.getName().str()),
      samples(std::move(samples)), labels(std::move(labels)), kind(kind),
      batchSize(std::max<int64_t>(1, batchSize)), quantOptions(quantOptions) {}

FailureOr<std::unique_ptr<FakeQuantEvaluator>>
FakeQuantEvaluator::create(ModuleOp module, func::FuncOp entry,
                           Tensor samples, std::optional<Tensor> labels,
                           LossKind kind, int64_t batchSize,
                           const LayerQuantOptions &quantOptions) {
  std::unique_ptr<FakeQuantEvaluator> e(
      new FakeQuantEvaluator(module, entry, std::move(samples),
                             std::move(labels), kind, batchSize, quantOptions));
  if (failed(e->init()))
    return failure();
  return e;
}

LogicalResult FakeQuantEvaluator::init() {
  func::FuncOp fn = module.lookupSymbol<func::FuncOp>(entryName);
  for (QuantizableLayerOpInterface layer : getQuantizableLayers(fn)) {
    std::optional<LayerData> data = readLayer(layer.getOperation());
    if (!data)
      return layer->emitError() << "the layer quantizer cannot read this "
                                   "layer";
    auto c = layer.getLayerWeight().getDefiningOp<tosa::ConstOp>();
    auto attr = cast<DenseElementsAttr>(c.getValues());
    weights.emplace_back(attr.getValues<float>().begin(),
                         attr.getValues<float>().end());
    weightTypes.push_back(cast<RankedTensorType>(attr.getType()));
    layerData.push_back(std::move(*data));
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

FailureOr<const std::vector<LayerInputStats> *>
FakeQuantEvaluator::inputStats(unsigned actBits) {
  auto it = statsCache.find(actBits);
  if (it != statsCache.end())
    return &it->second;
  // Every layer's input quantized at actBits as the evaluator does
  // (mpq.quantize at the calibrated range), patches sampled as
  // --mpq-quantize samples them.
  struct Input {
    unsigned layer;
    double scale;
    int64_t zp;
    QuantRange range;
    PatchAccumulator acc;
  };
  std::vector<Input> inputs;
  llvm::DenseMap<Value, SmallVector<unsigned>> readers;
  int64_t n = samples.getDimSize(0);
  for (unsigned l = 0; l < layerData.size(); ++l) {
    const LayerData &d = layerData[l];
    CalibrationAttr calib = getCalibration(d.input);
    if (!calib)
      return d.op->emitError() << "the input of this layer has no "
                                  "calibration statistics (mpq.calib); run "
                                  "--mpq-calibrate first";
    QuantRange r = QuantRange::get(actBits, true, false);
    AffineQuant q = rangeQuant(calib.getLoFor(actBits),
                               calib.getHiFor(actBits), r, false);
    int64_t total = n * d.patchesPerSample();
    int64_t every = quantOptions.rounding == WeightRounding::Auto
                        ? std::max<int64_t>(1, (total + kErrorPatches - 1) /
                                                   kErrorPatches)
                        : 0;
    inputs.push_back({l, q.scale, q.zeroPoint, r,
                      PatchAccumulator(d.geometry, every)});
    readers[d.input].push_back(inputs.size() - 1);
  }
  std::vector<int32_t> codes;
  Executor exec(module);
  exec.setObserver([&](Value v, const Tensor &t) {
    auto it = readers.find(v);
    if (it == readers.end() || t.getKind() != ElementKind::F32)
      return;
    const float *x = t.getData<float>();
    for (unsigned i : it->second) {
      Input &in = inputs[i];
      float inv = float(1.0 / in.scale);
      codes.resize(t.getNumElements());
      for (int64_t j = 0; j < t.getNumElements(); ++j)
        codes[j] = quantizeFloat(x[j], inv, int32_t(in.zp),
                                 int32_t(in.range.qmin),
                                 int32_t(in.range.qmax));
      SmallVector<int64_t> shape(t.getShape());
      if (!layerData[in.layer].geometry.conv && shape.size() != 2) {
        // A fully connected layer reads its input flattened to [M, K].
        int64_t m = shape[0];
        shape = {m, t.getNumElements() / std::max<int64_t>(1, m)};
      }
      in.acc.add(codes.data(), in.scale, in.zp, x, shape);
    }
  });
  FailureOr<func::FuncOp> fn = exec.lookupFunction(entryName);
  if (failed(fn))
    return failure();
  for (int64_t begin = 0; begin < n; begin += batchSize)
    if (failed(exec.run(*fn, {samples.sliceDim0(
                                 begin, std::min(n, begin + batchSize))})))
      return failure();
  std::vector<LayerInputStats> stats;
  for (Input &in : inputs)
    stats.push_back(in.acc.finish());
  return &(statsCache[actBits] = std::move(stats));
}

FailureOr<const LayerQuantResult *>
FakeQuantEvaluator::quantizedLayer(unsigned layer, unsigned bits,
                                   unsigned actBits) {
  auto key = std::make_tuple(layer, bits, actBits);
  auto it = quantized.find(key);
  if (it != quantized.end())
    return &it->second;
  const LayerInputStats *stats = nullptr;
  if (quantOptions.rounding != WeightRounding::Nearest) {
    FailureOr<const std::vector<LayerInputStats> *> all = inputStats(actBits);
    if (failed(all))
      return failure();
    stats = &(**all)[layer];
  }
  LayerQuantProblem p = makeLayerProblem(layerData[layer], bits, actBits, {},
                                         quantOptions, stats);
  return &(quantized[key] = quantizeLayer(p));
}

FailureOr<const FakeQuantEvaluator::FakeQuantLayer *>
FakeQuantEvaluator::fakeQuant(unsigned layer, unsigned bits, unsigned actBits,
                              bool mirror) {
  auto key = std::make_tuple(layer, bits, actBits, mirror);
  auto it = fqCache.find(key);
  if (it != fqCache.end())
    return &it->second;
  FailureOr<const LayerQuantResult *> q = quantizedLayer(layer, bits, actBits);
  if (failed(q))
    return failure();
  const LayerData &d = layerData[layer];
  std::vector<float> rows(d.weights.size());
  for (int64_t r = 0; r < d.rows; ++r)
    for (int64_t i = 0; i < d.k; ++i)
      rows[r * d.k + i] =
          float((*q)->scaleOf(r) * double((*q)->codes[r * d.k + i]));
  FakeQuantLayer f;
  SmallVector<float> w = d.toWeightLayout(rows);
  f.weights.assign(w.begin(), w.end());
  if ((*q)->biasCorrected)
    f.bias = (*q)->bias;
  if (mirror) {
    for (size_t i = 0; i < f.weights.size(); ++i)
      f.weights[i] = 2.0f * weights[layer][i] - f.weights[i];
    for (size_t i = 0; i < f.bias.size(); ++i)
      f.bias[i] = 2.0f * d.bias[i] - f.bias[i];
  }
  return &(fqCache[key] = std::move(f));
}

double FakeQuantEvaluator::weightErrorSq(unsigned layer, unsigned bits,
                                         unsigned actBits) {
  FailureOr<const FakeQuantLayer *> q = fakeQuant(layer, bits, actBits, false);
  if (failed(q))
    return 0;
  const std::vector<float> &w = (*q)->weights;
  double s = 0;
  for (size_t i = 0; i < w.size(); ++i)
    s += double(w[i] - weights[layer][i]) * double(w[i] - weights[layer][i]);
  return s;
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
  // A corrected bias replaces the layer's bias constant (a fully connected
  // layer without a bias add gets one).
  auto setBias = [&](unsigned idx, QuantizableLayerOpInterface layer,
                     ArrayRef<float> bias) {
    Operation *op = layer.getOperation();
    auto type = RankedTensorType::get({int64_t(bias.size())},
                                      b.getF32Type());
    if (Value old = layer.getLayerBias()) {
      auto oldType = cast<RankedTensorType>(old.getType());
      if (oldType.getNumElements() == int64_t(bias.size()))
        type = RankedTensorType::get(oldType.getShape(), b.getF32Type());
      else if (oldType.getRank() == 2)
        type = RankedTensorType::get({1, int64_t(bias.size())},
                                     b.getF32Type());
      Operation *user = isa<tosa::MatMulOp>(op)
                            ? layer.getLayerOutput().getDefiningOp()
                            : op;
      b.setInsertionPoint(user);
      auto c = tosa::ConstOp::create(
          b, op->getLoc(), type, DenseElementsAttr::get(type, bias));
      user->replaceUsesOfWith(old, c);
      return;
    }
    Value out = layer.getLayerOutput();
    b.setInsertionPointAfterValue(out);
    auto outType = cast<RankedTensorType>(out.getType());
    type = RankedTensorType::get({1, int64_t(bias.size())}, b.getF32Type());
    auto c = tosa::ConstOp::create(b, op->getLoc(), type,
                                   DenseElementsAttr::get(type, bias));
    auto add = tosa::AddOp::create(b, op->getLoc(), outType, out, c);
    out.replaceAllUsesExcept(add, add);
    (void)idx;
  };
  for (auto &[idx, values] : replaced)
    setWeight(layers[idx], values);
  for (const LayerOverride &o : overrides) {
    if (o.layer >= layers.size())
      return module.emitError() << "layer " << o.layer << " does not exist ("
                                << layers.size() << " layers)";
    QuantizableLayerOpInterface layer = layers[o.layer];
    Operation *op = layer.getOperation();
    if (o.weightBits) {
      FailureOr<const FakeQuantLayer *> fq =
          fakeQuant(o.layer, o.weightBits, o.actBits ? o.actBits : 8,
                    o.mirror);
      if (failed(fq))
        return failure();
      setWeight(layer, DenseElementsAttr::get(weightTypes[o.layer],
                                              ArrayRef<float>((*fq)->weights)));
      if (!(*fq)->bias.empty())
        setBias(o.layer, layer, (*fq)->bias);
    }
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
