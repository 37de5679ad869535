//===- LossEvaluator.cpp - loss of a model with some layers quantized -----===//

#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Dialect/MPQ/IR/MPQOps.h"
#include "mpq/Executor/Executor.h"
#include "mpq/Executor/SuffixEngine.h"
#include "mpq/Quant/IntegerSemantics.h"
#include "mpq/Quant/Quantizer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <atomic>
#include <random>
#include <thread>

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
  // Resume points: where each layer's input is read (the layer, or the
  // reshape in front of a fully connected layer).
  std::vector<Operation *> points;
  for (QuantizableLayerOpInterface layer : getQuantizableLayers(fn)) {
    Operation *op = layer.getOperation();
    Value x = layer.getLayerInput();
    Operation *reader = op;
    if (!llvm::is_contained(op->getOperands(), x))
      reader = op->getOperand(0).getDefiningOp();
    readers.push_back(reader);
    points.push_back(reader);
  }
  FailureOr<std::unique_ptr<SuffixEngine>> e =
      SuffixEngine::create(module, fn, samples, batchSize, points);
  if (failed(e))
    return failure();
  engine = std::move(*e);
  FailureOr<double> ref = run(RunOverrides(), /*reference=*/true);
  if (failed(ref))
    return failure();
  floatLoss = *ref;
  return success();
}

void FakeQuantEvaluator::chunkTerms(int64_t chunk, ArrayRef<Tensor> outs,
                                    bool reference, ChunkTerms &t) {
  int64_t n = samples.getDimSize(0);
  int64_t begin = engine->getChunkBegin(chunk);
  int64_t end = chunk + 1 < engine->getNumChunks()
                    ? engine->getChunkBegin(chunk + 1)
                    : n;
  t.terms.clear();
  t.correct = 0;
  if (outs.empty() || outs[0].getKind() != ElementKind::F32 ||
      outs[0].getRank() < 1) {
    t.error = "the loss needs a float output 0";
    return;
  }
  const Tensor &logits = outs[0];
  int64_t classes = logits.getShape().back();
  int64_t rows = logits.getNumElements() / std::max<int64_t>(1, classes);
  if (rows != end - begin) {
    t.error = "output 0 (" + logits.getTypeString() +
              ") must have one row per sample";
    return;
  }
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
      t.correct += arg == labels->getAsInt64(sample);
    if (kind == LossKind::CrossEntropy) {
      int64_t y = labels->getAsInt64(sample);
      if (y < 0 || y >= classes) {
        t.error = "label " + std::to_string(y) + " of sample " +
                  std::to_string(sample) + " is not a class of output 0 (" +
                  std::to_string(classes) + " classes)";
        return;
      }
      t.terms.push_back(logZ - double(row[y]));
    } else if (reference) {
      for (int64_t k = 0; k < classes; ++k)
        referenceProbs.push_back(std::exp(double(row[k]) - logZ));
    } else {
      // KL(p || q) = sum p (log p - log q).
      for (int64_t k = 0; k < classes; ++k) {
        double p = referenceProbs[sample * classes + k];
        if (p > 0)
          t.terms.push_back(p * (std::log(p) - (double(row[k]) - logZ)));
      }
    }
  }
}

FailureOr<double> FakeQuantEvaluator::reduce(ArrayRef<ChunkTerms> chunks) {
  // One running sum in sample order, whichever thread computed a chunk.
  double loss = 0;
  int64_t correct = 0;
  for (const ChunkTerms &t : chunks) {
    if (!t.error.empty())
      return module.emitError() << t.error;
    for (double x : t.terms)
      loss += x;
    correct += t.correct;
  }
  int64_t n = samples.getDimSize(0);
  lastAccuracy = labels ? double(correct) / double(n) : std::nan("");
  return loss / double(n);
}

FailureOr<double> FakeQuantEvaluator::run(const RunOverrides &overrides,
                                          bool reference) {
  if (reference)
    referenceProbs.clear();
  std::vector<ChunkTerms> terms(engine->getNumChunks());
  if (failed(engine->run(overrides, [&](int64_t chunk, ArrayRef<Tensor> outs) {
        chunkTerms(chunk, outs, reference, terms[chunk]);
        return success();
      })))
    return failure();
  return reduce(terms);
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
  f.weightTensor = Tensor::fromValues<float>(weightTypes[layer].getShape(),
                                             ArrayRef<float>(f.weights));
  if (!f.bias.empty()) {
    // The shape of the bias constant it replaces: a per-tensor [1] conv bias
    // becomes [rows], a [1, N] fully connected bias stays [1, N].
    SmallVector<int64_t> shape = {int64_t(f.bias.size())};
    QuantizableLayerOpInterface l =
        cast<QuantizableLayerOpInterface>(d.op);
    if (Value old = l.getLayerBias()) {
      auto t = cast<RankedTensorType>(old.getType());
      if (t.getNumElements() == int64_t(f.bias.size()))
        shape.assign(t.getShape().begin(), t.getShape().end());
      else if (t.getRank() == 2)
        shape = {1, int64_t(f.bias.size())};
    }
    f.biasTensor = Tensor::fromValues<float>(shape, ArrayRef<float>(f.bias));
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

LogicalResult FakeQuantEvaluator::buildOverrides(
    ArrayRef<LayerOverride> overrides,
    const std::map<unsigned, std::vector<float>> &replaced, RunOverrides &ro,
    std::vector<std::unique_ptr<Tensor>> &owned) {
  func::FuncOp fn = module.lookupSymbol<func::FuncOp>(entryName);
  SmallVector<QuantizableLayerOpInterface> layers = getQuantizableLayers(fn);
  auto weightOperand = [&](QuantizableLayerOpInterface layer) {
    Operation *op = layer.getOperation();
    Value w = layer.getLayerWeight();
    for (OpOperand &use : op->getOpOperands())
      if (use.get() == w)
        return &use;
    llvm_unreachable("a layer reads its weight");
  };
  for (auto &[idx, values] : replaced) {
    owned.push_back(std::make_unique<Tensor>(Tensor::fromValues<float>(
        weightTypes[idx].getShape(), ArrayRef<float>(values))));
    ro.operands[weightOperand(layers[idx])] = owned.back().get();
  }
  for (const LayerOverride &o : overrides) {
    if (o.layer >= layers.size())
      return module.emitError() << "layer " << o.layer << " does not exist ("
                                << layers.size() << " layers)";
    QuantizableLayerOpInterface layer = layers[o.layer];
    Operation *op = layer.getOperation();
    if (o.weightBits) {
      FailureOr<const FakeQuantLayer *> fq = fakeQuant(
          o.layer, o.weightBits, o.actBits ? o.actBits : 8, o.mirror);
      if (failed(fq))
        return failure();
      ro.operands[weightOperand(layer)] = &(*fq)->weightTensor;
      if (!(*fq)->bias.empty()) {
        // A corrected bias replaces the layer's bias constant; a fully
        // connected layer without a bias add gets it added to its output.
        if (Value old = layer.getLayerBias()) {
          Operation *user = isa<tosa::MatMulOp>(op)
                                ? layer.getLayerOutput().getDefiningOp()
                                : op;
          for (OpOperand &use : user->getOpOperands())
            if (use.get() == old)
              ro.operands[&use] = &(*fq)->biasTensor;
        } else {
          const std::vector<float> &bias = (*fq)->bias;
          ro.resultTransforms[layer.getLayerOutput()] = [&bias](Tensor &t) {
            float *y = t.getData<float>();
            int64_t n = int64_t(bias.size());
            for (int64_t i = 0; i < t.getNumElements(); ++i)
              y[i] = y[i] + bias[i % n];
          };
        }
      }
    }
    if (!o.actBits)
      continue;
    Value x = layer.getLayerInput();
    CalibrationAttr calib = getCalibration(x);
    if (!calib)
      return op->emitError() << "the input of this layer has no calibration "
                                "statistics (mpq.calib); run --mpq-calibrate "
                                "first";
    QuantRange range = QuantRange::get(o.actBits, true, false);
    AffineQuant q = rangeQuant(calib.getLoFor(o.actBits),
                               calib.getHiFor(o.actBits), range,
                               /*symmetric=*/false);
    // mpq.quantize then mpq.dequantize (and 2x - fq for the mirror), as the
    // executor runs them.
    Operation *reader = readers[o.layer];
    bool mirror = o.mirror;
    auto fakeQuantInput = [q, range, mirror](const Tensor &in) {
      Tensor out = in;
      float inv = float(1.0 / q.scale), scale = float(q.scale);
      int32_t zp = int32_t(q.zeroPoint);
      const float *src = in.getData<float>();
      float *dst = out.getData<float>();
      for (int64_t i = 0, n = in.getNumElements(); i < n; ++i) {
        int32_t c = quantizeFloat(src[i], inv, zp, int32_t(range.qmin),
                                  int32_t(range.qmax));
        float fq = dequantize(c, scale, zp);
        if (mirror) {
          float twice = src[i] + src[i];
          fq = twice - fq;
        }
        dst[i] = fq;
      }
      return out;
    };
    for (OpOperand &use : reader->getOpOperands())
      if (use.get() == x)
        ro.operandTransforms[&use] = fakeQuantInput;
  }
  return success();
}

FailureOr<double> FakeQuantEvaluator::evaluateWith(
    ArrayRef<LayerOverride> overrides,
    const std::map<unsigned, std::vector<float>> &replaced) {
  ++numEvaluations;
  RunOverrides ro;
  // Tensors the overrides point to, alive for this evaluation.
  std::vector<std::unique_ptr<Tensor>> owned;
  if (failed(buildOverrides(overrides, replaced, ro, owned)))
    return failure();
  return run(ro, /*reference=*/false);
}

FailureOr<std::vector<double>>
LossEvaluator::evaluateBatch(ArrayRef<std::vector<LayerOverride>> sets,
                             function_ref<void(uint64_t, uint64_t)> progress) {
  std::vector<double> losses;
  for (const std::vector<LayerOverride> &set : sets) {
    FailureOr<double> l = evaluate(set);
    if (failed(l))
      return failure();
    losses.push_back(*l);
    if (progress)
      progress(losses.size(), sets.size());
  }
  return losses;
}

LogicalResult FakeQuantEvaluator::prepare(
    ArrayRef<std::tuple<unsigned, unsigned, unsigned>> options) {
  // Problems are built here (they read the IR); quantizeLayer runs on one
  // thread per (layer, input width), whose statistics it may extend.
  std::map<std::pair<unsigned, unsigned>,
           std::vector<std::tuple<unsigned, LayerQuantProblem>>>
      work;
  for (auto [layer, bits, act] : options) {
    if (layer >= layerData.size())
      return module.emitError() << "layer " << layer << " does not exist ("
                                << layerData.size() << " layers)";
    if (!bits || quantized.count({layer, bits, act}))
      continue;
    const LayerInputStats *stats = nullptr;
    if (quantOptions.rounding != WeightRounding::Nearest) {
      FailureOr<const std::vector<LayerInputStats> *> all = inputStats(act);
      if (failed(all))
        return failure();
      stats = &(**all)[layer];
    }
    auto &items = work[{layer, act}];
    bool listed = false;
    for (auto &[b, p] : items)
      listed |= b == bits;
    if (!listed)
      items.emplace_back(bits, makeLayerProblem(layerData[layer], bits, act,
                                                {}, quantOptions, stats));
  }
  std::vector<std::pair<std::pair<unsigned, unsigned>,
                        std::vector<std::tuple<unsigned, LayerQuantProblem>> *>>
      groups;
  for (auto &[key, items] : work)
    groups.push_back({key, &items});
  std::vector<std::vector<LayerQuantResult>> results(groups.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t g = next++; g < groups.size(); g = next++)
      for (auto &[bits, p] : *groups[g].second)
        results[g].push_back(quantizeLayer(p));
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < engine->getNumWorkers(); ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
  for (size_t g = 0; g < groups.size(); ++g) {
    auto [layer, act] = groups[g].first;
    for (size_t i = 0; i < results[g].size(); ++i)
      quantized[{layer, std::get<0>((*groups[g].second)[i]), act}] =
          std::move(results[g][i]);
  }
  return success();
}

FailureOr<std::vector<double>> FakeQuantEvaluator::evaluateBatch(
    ArrayRef<std::vector<LayerOverride>> sets,
    function_ref<void(uint64_t, uint64_t)> progress) {
  std::vector<std::tuple<unsigned, unsigned, unsigned>> options;
  for (const std::vector<LayerOverride> &set : sets)
    for (const LayerOverride &o : set)
      options.emplace_back(o.layer, o.weightBits, o.actBits ? o.actBits : 8);
  if (failed(prepare(options)))
    return failure();
  numEvaluations += sets.size();
  // A set's parent: the same set without its last layer (in program
  // order), if it is an earlier set of the batch.
  auto keyOf = [](std::vector<LayerOverride> set) {
    llvm::sort(set, [](const LayerOverride &a, const LayerOverride &b) {
      return std::tie(a.layer, a.weightBits, a.actBits, a.mirror) <
             std::tie(b.layer, b.weightBits, b.actBits, b.mirror);
    });
    std::vector<unsigned> key;
    for (const LayerOverride &o : set)
      key.insert(key.end(), {o.layer, o.weightBits, o.actBits,
                             unsigned(o.mirror)});
    return key;
  };
  std::map<std::vector<unsigned>, size_t> index;
  std::vector<RunOverrides> ros(sets.size());
  std::vector<std::unique_ptr<Tensor>> owned;
  std::vector<SuffixEngine::BatchRun> runs(sets.size());
  for (size_t i = 0; i < sets.size(); ++i) {
    if (failed(buildOverrides(sets[i], {}, ros[i], owned)))
      return failure();
    runs[i].overrides = &ros[i];
    const std::vector<LayerOverride> &set = sets[i];
    if (set.size() >= 2) {
      size_t last = 0;
      for (size_t j = 1; j < set.size(); ++j)
        if (set[j].layer > set[last].layer)
          last = j;
      std::vector<LayerOverride> rest;
      bool unique = true;
      for (size_t j = 0; j < set.size(); ++j) {
        if (j != last)
          rest.push_back(set[j]);
        unique &= j == last || set[j].layer != set[last].layer;
      }
      auto it = index.find(keyOf(rest));
      if (unique && it != index.end()) {
        runs[i].parent = int64_t(it->second);
        runs[i].resumeAt = readers[set[last].layer];
      }
    }
    index.emplace(keyOf(set), i);
  }
  std::vector<std::vector<ChunkTerms>> terms(
      sets.size(), std::vector<ChunkTerms>(engine->getNumChunks()));
  if (failed(engine->runBatch(
          runs,
          [&](size_t run, int64_t chunk, ArrayRef<Tensor> outs) {
            chunkTerms(chunk, outs, /*reference=*/false, terms[run][chunk]);
            return success();
          },
          progress)))
    return failure();
  std::vector<double> losses;
  for (size_t i = 0; i < sets.size(); ++i) {
    FailureOr<double> l = reduce(terms[i]);
    if (failed(l))
      return failure();
    losses.push_back(*l);
  }
  return losses;
}

FailureOr<double> FakeQuantEvaluator::evaluateWeightProbe(unsigned layer,
                                                          uint64_t seed,
                                                          double h) {
  std::mt19937_64 rng(seed);
  std::vector<float> w = weights[layer];
  for (float &x : w)
    x += float((rng() & 1) ? h : -h);
  return evaluateWith({}, {{layer, std::move(w)}});
}

double FakeQuantEvaluator::getWeightRMS(unsigned layer) const {
  double s = 0;
  for (float w : weights[layer])
    s += double(w) * w;
  return weights[layer].empty() ? 0.0
                                : std::sqrt(s / double(weights[layer].size()));
}
