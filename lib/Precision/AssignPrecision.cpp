//===- AssignPrecision.cpp - --assign-precision ---------------------------===//
//
// Chooses a (weight, activation) width for every quantizable layer under a
// budget and attaches #mpq.precision. The strategies differ only in the
// objective they hand to the solvers of Solver.h; every loss they measure
// comes from a LossEvaluator (docs/precision.md).
//
//===----------------------------------------------------------------------===//

#include "mpq/Precision/Passes.h"
#include "mpq/Dialect/MPQ/IR/MPQInterfaces.h"
#include "mpq/Executor/Npy.h"
#include "mpq/Precision/Budget.h"
#include "mpq/Precision/LossEvaluator.h"
#include "mpq/Precision/Solver.h"
#include "mpq/Target/TargetDescription.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace mpq {
#define GEN_PASS_DEF_ASSIGNPRECISIONPASS
#include "mpq/Precision/Passes.h.inc"
} // namespace mpq

using namespace mlir;
using namespace mpq;
using namespace mpq::precision;

namespace {

/// One candidate of one layer.
struct Choice {
  unsigned weightBits, actBits;
};

/// Reports progress on stderr at most once a second.
class Progress {
public:
  explicit Progress(StringRef what) : what(what.str()) {}
  void update(uint64_t done, uint64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done != total &&
        std::chrono::duration<double>(now - last).count() < 1.0)
      return;
    last = now;
    llvm::errs() << "assign-precision: " << what << ": " << done << "/"
                 << total << "\n";
  }

private:
  std::string what;
  std::chrono::steady_clock::time_point last{};
};

std::string layerName(Operation *op, unsigned index) {
  if (auto n = dyn_cast<NameLoc>(op->getLoc()))
    return n.getName().str();
  return "layer" + std::to_string(index);
}

struct AssignPrecisionPass
    : public mpq::impl::AssignPrecisionPassBase<AssignPrecisionPass> {
  using AssignPrecisionPassBase::AssignPrecisionPassBase;

  void runOnOperation() override;

private:
  /// Builds the problem's resources; fails on a bad budget or cost.
  LogicalResult addResources(Problem &p, Location loc);
  /// Loads data/labels and creates the evaluator.
  FailureOr<std::unique_ptr<FakeQuantEvaluator>> makeEvaluator(bool needLabels);

  LogicalResult runUniform(Problem &p, std::vector<unsigned> &layout);
  LogicalResult runHawq(Problem &p, FakeQuantEvaluator &e);
  LogicalResult runLossAware(Problem &p, FakeQuantEvaluator &e,
                             std::vector<unsigned> &layout);
  LogicalResult runClado(Problem &p, FakeQuantEvaluator &e);
  /// Solves `p`, warns on a time-out; fails with the infeasibility reason.
  FailureOr<Result> solve(const Problem &p, unsigned k);
  /// Overrides quantizing every layer as `layout` says.
  std::vector<LayerOverride> overridesOf(ArrayRef<unsigned> layout) const;

  func::FuncOp fn;
  SmallVector<QuantizableLayerOpInterface> layers;
  std::vector<std::vector<Choice>> choices;
  std::vector<LayerCounts> counts;
  std::optional<TargetDescription> targetDesc;
  /// Statistics for the report (mpq.search).
  SmallVector<NamedAttribute> stats;
};

LogicalResult AssignPrecisionPass::addResources(Problem &p, Location loc) {
  if (std::string(budget).empty())
    return success();
  llvm::Expected<std::vector<Limit>> limits = parseBudget(budget);
  if (!limits)
    return emitError(loc) << llvm::toString(limits.takeError());
  CostModel model(targetDesc ? &*targetDesc : nullptr);
  int64_t total = 0;
  for (const LayerCounts &c : counts)
    total += c.numWeights;
  for (const Limit &lim : *limits) {
    Problem::Resource r;
    r.name = getResourceName(lim.resource).str();
    r.limit = lim.value;
    for (unsigned l = 0; l < layers.size(); ++l)
      for (const Choice &c : choices[l]) {
        llvm::Expected<double> cost = model.cost(lim.resource, counts[l],
                                           c.weightBits, c.actBits, total);
        if (!cost)
          return emitError(loc) << llvm::toString(cost.takeError());
        r.cost.push_back(*cost);
      }
    p.resources.push_back(std::move(r));
  }
  return success();
}

FailureOr<std::unique_ptr<FakeQuantEvaluator>>
AssignPrecisionPass::makeEvaluator(bool needLabels) {
  Location loc = fn.getLoc();
  if (granularity != "per-channel" && granularity != "per-tensor")
    return emitError(loc) << "granularity must be per-channel or per-tensor, "
                             "got '"
                          << std::string(granularity) << "'";
  if (weightMethod != "mmse" && weightMethod != "maxabs")
    return emitError(loc) << "weight-method must be mmse or maxabs, got '"
                          << std::string(weightMethod) << "'";
  if (weightObjective != "output" && weightObjective != "weight")
    return emitError(loc) << "weight-objective must be output or weight, "
                             "got '"
                          << std::string(weightObjective) << "'";
  if (std::string(data).empty())
    return emitError(loc) << "strategy needs sensitivity samples: "
                             "--assign-precision=\"... data=FILE.npy\"";
  if (needLabels && std::string(labels).empty())
    return emitError(loc) << "strategy=loss-aware needs labels "
                             "(labels=FILE.npy): its signed loss change is "
                             "only meaningful for the task loss";
  if (sensSamples < 1)
    return emitError(loc) << "sens-samples must be positive, got "
                          << int64_t(sensSamples);
  llvm::Expected<Tensor> x = readNpyFile(data);
  if (!x)
    return emitError(loc) << "sensitivity data: "
                          << llvm::toString(x.takeError());
  if (x->getKind() != ElementKind::F32 || x->getRank() < 1 ||
      x->getShape()[0] < 1)
    return emitError(loc) << "sensitivity data " << std::string(data)
                          << " must be a float32 array with at least one "
                             "sample, got "
                          << x->getTypeString();
  int64_t n = std::min<int64_t>(sensSamples, x->getShape()[0]);
  Tensor samples = x->sliceDim0(0, n);
  std::optional<Tensor> y;
  if (!std::string(labels).empty()) {
    llvm::Expected<Tensor> t = readNpyFile(labels);
    if (!t)
      return emitError(loc) << "labels: " << llvm::toString(t.takeError());
    if (t->getKind() == ElementKind::F32 || t->getRank() != 1 ||
        t->getShape()[0] < n)
      return emitError(loc) << "labels " << std::string(labels)
                            << " must be a 1-D integer array with at least "
                            << n << " entries, got " << t->getTypeString();
    y = t->sliceDim0(0, n);
  }
  LossKind kind = y ? LossKind::CrossEntropy : LossKind::KL;
  if (fn.getNumArguments() != 1)
    return fn.emitError() << "assign-precision feeds one input tensor, but @"
                          << fn.getName() << " takes "
                          << fn.getNumArguments();
  llvm::errs() << "assign-precision: " << n << " sensitivity samples, loss "
               << (y ? "cross-entropy" : "KL(float || quantized)") << "\n";
  LayerQuantOptions q;
  q.perChannel = granularity == "per-channel";
  q.mmse = weightMethod == "mmse";
  q.outputObjective = weightObjective == "output";
  q.biasCorrection = biasCorrection;
  q.rounding = rounding;
  return FakeQuantEvaluator::create(getOperation(), fn, std::move(samples),
                                    std::move(y), kind, batchSize, q);
}

std::vector<LayerOverride>
AssignPrecisionPass::overridesOf(ArrayRef<unsigned> layout) const {
  std::vector<LayerOverride> o;
  for (unsigned l = 0; l < layout.size(); ++l) {
    const Choice &c = choices[l][layout[l]];
    o.push_back({l, c.weightBits, c.actBits, false});
  }
  return o;
}

FailureOr<Result> AssignPrecisionPass::solve(const Problem &p, unsigned k) {
  SolveOptions opts;
  opts.topK = k;
  opts.timeLimitSeconds = timeLimit;
  opts.progress = [](uint64_t nodes, double best) {
    llvm::errs() << "assign-precision: branch and bound: " << nodes
                 << " nodes, best " << best << "\n";
  };
  Result r = solveByBranchAndBound(p, opts);
  if (r.layouts.empty()) {
    if (!r.optimal)
      return emitError(fn.getLoc())
             << "the solver found no layout within time-limit="
             << double(timeLimit) << " s";
    return emitError(fn.getLoc())
           << "no layout meets the budget '" << std::string(budget)
           << "': " << explainInfeasible(p);
  }
  if (!r.optimal)
    emitWarning(fn.getLoc())
        << "solver stopped at time-limit=" << double(timeLimit)
        << " s after " << r.nodes
        << " nodes; the layout used is the best found, not proven optimal";
  stats.push_back(NamedAttribute(
      StringAttr::get(&getContext(), "solver_optimal"),
      BoolAttr::get(&getContext(), r.optimal)));
  return r;
}

LogicalResult AssignPrecisionPass::runUniform(Problem &p,
                                              std::vector<unsigned> &layout) {
  // Candidates from the most to the least precise: (w, a) pairs ordered by
  // weight width, then activation width.
  std::vector<Choice> all = choices[0];
  for (auto &cs : choices)
    if (cs.size() > all.size())
      all = cs;
  llvm::sort(all, [](Choice a, Choice b) {
    return std::tie(a.weightBits, a.actBits) >
           std::tie(b.weightBits, b.actBits);
  });
  for (const Choice &c : all) {
    std::vector<unsigned> l(layers.size());
    for (unsigned i = 0; i < layers.size(); ++i) {
      // Pinned layers have one choice.
      l[i] = 0;
      for (unsigned j = 0; j < choices[i].size(); ++j)
        if (choices[i][j].weightBits == c.weightBits &&
            choices[i][j].actBits == c.actBits)
          l[i] = j;
    }
    if (p.feasible(l)) {
      layout = l;
      return success();
    }
  }
  std::string why = explainInfeasible(p);
  if (why.find("together") != std::string::npos)
    why = "no uniform width meets the budget (a mixed layout might: try "
          "another strategy)";
  return emitError(fn.getLoc())
         << "no layout meets the budget '" << std::string(budget)
         << "': " << why;
}

LogicalResult AssignPrecisionPass::runHawq(Problem &p, FakeQuantEvaluator &e) {
  // Tr(H_l) by Hutchinson: E_v[v^T H v] with Rademacher v, each v^T H v by
  // the central second difference [L(w+hv) + L(w-hv) - 2L(w)] / h^2.
  double l0 = e.getFloatLoss();
  Progress progress("hawq probes");
  uint64_t total = uint64_t(layers.size()) * probes, done = 0;
  for (unsigned l = 0; l < layers.size(); ++l) {
    double trace = 0;
    int64_t n = counts[l].numWeights;
    // Step: 1% of the layer's weight RMS, large enough to stay above f32
    // rounding in the loss, small enough for the quadratic model.
    double h = 0.01 * e.getWeightRMS(l);
    if (h <= 0)
      continue;
    for (unsigned k = 0; k < probes; ++k) {
      uint64_t seed = 0x9e3779b97f4a7c15ull * (l + 1) + k;
      FailureOr<double> plus = e.evaluateWeightProbe(l, seed, h);
      FailureOr<double> minus = e.evaluateWeightProbe(l, seed, -h);
      if (failed(plus) || failed(minus))
        return failure();
      trace += (*plus + *minus - 2 * l0) / (h * h);
      progress.update(++done, total);
    }
    trace /= std::max(1u, unsigned(probes));
    // Expected loss change of noise with |dW|^2: trace/n * |dW|^2 / 2.
    unsigned off = p.offset(l);
    for (unsigned j = 0; j < choices[l].size(); ++j)
      p.linear[off + j] = 0.5 * trace / double(n) *
                          e.weightErrorSq(l, choices[l][j].weightBits,
                                          choices[l][j].actBits);
  }
  return success();
}

LogicalResult AssignPrecisionPass::runLossAware(Problem &p,
                                                FakeQuantEvaluator &e,
                                                std::vector<unsigned> &layout) {
  // c_l(b) = [L(x + eps) - L(x - eps)] / 2 with eps = Q_b(.) - (.) on the
  // layer's input and weights: the signed first-order loss change.
  uint64_t total = p.numTotalOptions(), done = 0;
  Progress progress("loss-aware central differences");
  for (unsigned l = 0, g = 0; l < layers.size(); ++l)
    for (const Choice &c : choices[l]) {
      FailureOr<double> plus =
          e.evaluate({{l, c.weightBits, c.actBits, false}});
      FailureOr<double> minus =
          e.evaluate({{l, c.weightBits, c.actBits, true}});
      if (failed(plus) || failed(minus))
        return failure();
      p.linear[g++] = 0.5 * (*plus - *minus);
      progress.update(++done, total);
    }
  FailureOr<Result> r = solve(p, std::max(1u, unsigned(topK)));
  if (failed(r))
    return failure();
  // Measure the K best predicted layouts; keep the lowest measured loss.
  double best = std::numeric_limits<double>::infinity();
  double bestPredicted = 0;
  Progress check("loss-aware top-K check");
  for (size_t i = 0; i < r->layouts.size(); ++i) {
    FailureOr<double> loss = e.evaluate(overridesOf(r->layouts[i].choice));
    if (failed(loss))
      return failure();
    if (*loss < best) {
      best = *loss;
      layout = r->layouts[i].choice;
      bestPredicted = r->layouts[i].objective;
    }
    check.update(i + 1, r->layouts.size());
  }
  bool lower = best < e.getFloatLoss();
  llvm::errs() << "assign-precision: loss-aware: "
               << (lower ? "found a layout with lower loss than float"
                         : "no lower-loss layout found")
               << " on the sensitivity samples (" << best << " vs float "
               << e.getFloatLoss() << ")\n";
  Builder b(&getContext());
  stats.push_back(b.getNamedAttr("predicted_loss_change",
                                 b.getF64FloatAttr(bestPredicted)));
  stats.push_back(b.getNamedAttr("lower_than_float", b.getBoolAttr(lower)));
  return success();
}

LogicalResult AssignPrecisionPass::runClado(Problem &p, FakeQuantEvaluator &e) {
  unsigned n = p.numTotalOptions();
  double l0 = e.getFloatLoss();
  std::vector<unsigned> layerOf(n);
  std::vector<Choice> choiceOf(n);
  for (unsigned l = 0, g = 0; l < layers.size(); ++l)
    for (const Choice &c : choices[l]) {
      layerOf[g] = l;
      choiceOf[g++] = c;
    }
  auto over = [&](unsigned g) {
    return LayerOverride{layerOf[g], choiceOf[g].weightBits,
                         choiceOf[g].actBits, false};
  };
  std::vector<double> single(n), omega(size_t(n) * n, 0.0);
  // Every single option, then every pair of options of different layers:
  // one batch, so that the evaluator runs them on all workers and starts
  // the pair (i, j) from the values of the single i at j's layer.
  std::vector<std::vector<LayerOverride>> sets;
  for (unsigned g = 0; g < n; ++g)
    sets.push_back({over(g)});
  std::vector<std::pair<unsigned, unsigned>> pairs;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = i + 1; j < n; ++j)
      if (layerOf[i] != layerOf[j]) {
        pairs.push_back({i, j});
        sets.push_back({over(i), over(j)});
      }
  Progress progress("clado loss changes");
  FailureOr<std::vector<double>> losses =
      e.evaluateBatch(sets, [&](uint64_t done, uint64_t total) {
        progress.update(done, total);
      });
  if (failed(losses))
    return failure();
  for (unsigned g = 0; g < n; ++g) {
    single[g] = (*losses)[g] - l0;
    omega[size_t(g) * n + g] = 2 * single[g];
  }
  for (auto [k, ij] : llvm::enumerate(pairs)) {
    auto [i, j] = ij;
    double v = ((*losses)[n + k] - l0) - single[i] - single[j];
    omega[size_t(i) * n + j] = omega[size_t(j) * n + i] = v;
  }
  double offDiag = 0, diag = 0;
  for (unsigned i = 0; i < n; ++i)
    for (unsigned j = 0; j < n; ++j)
      (i == j ? diag : offDiag) += std::fabs(omega[size_t(i) * n + j]);
  Builder b(&getContext());
  stats.push_back(b.getNamedAttr(
      "cross_term_ratio", b.getF64FloatAttr(diag > 0 ? offDiag / diag : 0)));
  if (psd) {
    double lmin = projectToPSD(omega, n);
    stats.push_back(
        b.getNamedAttr("lambda_min_before_psd", b.getF64FloatAttr(lmin)));
  }
  p.quad = omega;
  for (unsigned g = 0; g < n; ++g)
    p.linear[g] = 0.5 * omega[size_t(g) * n + g];
  return success();
}

void AssignPrecisionPass::runOnOperation() {
  ModuleOp module = getOperation();
  Location loc = module.getLoc();
  auto started = std::chrono::steady_clock::now();
  Builder b(&getContext());

  fn = module.lookupSymbol<func::FuncOp>(entry);
  if (!fn || fn.isExternal()) {
    emitError(loc) << "no function @" << std::string(entry)
                   << " with a body to assign precision to";
    return signalPassFailure();
  }
  // Errors point at the entry function.
  loc = fn.getLoc();

  // --- options -------------------------------------------------------------
  std::vector<unsigned> wBits(weightBits.begin(), weightBits.end());
  std::vector<unsigned> aBits(actBits.begin(), actBits.end());
  if (wBits.empty())
    wBits = {2, 3, 4, 6, 8};
  if (aBits.empty())
    aBits = {8};
  for (auto [name, list] : {std::make_pair("weight-bits", &wBits),
                            std::make_pair("act-bits", &aBits)}) {
    llvm::sort(*list);
    for (unsigned i = 0; i < list->size(); ++i) {
      if ((*list)[i] < 2 || (*list)[i] > 8) {
        emitError(loc) << name << " must be 2..8, got " << (*list)[i];
        return signalPassFailure();
      }
      if (i && (*list)[i] == (*list)[i - 1]) {
        emitError(loc) << name << " lists " << (*list)[i] << " twice";
        return signalPassFailure();
      }
    }
  }
  if (!std::string(target).empty()) {
    std::string dir = std::string(targetsDir).empty()
                          ? std::string(MPQ_TARGETS_DIR)
                          : std::string(targetsDir);
    llvm::Expected<TargetDescription> t = lookupTarget(target, dir);
    if (!t) {
      emitError(loc) << llvm::toString(t.takeError());
      return signalPassFailure();
    }
    targetDesc = std::move(*t);
    for (unsigned w : wBits)
      if (!targetDesc->supportsWeightBits(w)) {
        emitError(loc) << "target '" << targetDesc->name << "' cannot run "
                       << w << "-bit weights";
        return signalPassFailure();
      }
    for (unsigned a : aBits)
      if (!targetDesc->supportsActBits(a)) {
        emitError(loc) << "target '" << targetDesc->name << "' cannot run "
                       << a << "-bit activations";
        return signalPassFailure();
      }
  }
  layers = getQuantizableLayers(fn);
  if (layers.empty()) {
    emitWarning(fn.getLoc()) << "no quantizable layer; nothing to assign";
    return;
  }

  // --- candidates per layer ------------------------------------------------
  unsigned L = layers.size();
  std::vector<bool> pinned(L, false);
  for (const std::string &ex : exclude) {
    if (ex == "first") {
      pinned[0] = true;
      continue;
    }
    if (ex == "last") {
      pinned[L - 1] = true;
      continue;
    }
    bool found = false;
    for (unsigned l = 0; l < L; ++l)
      if (layerName(layers[l], l) == ex)
        pinned[l] = found = true;
    if (!found) {
      InFlightDiagnostic d = emitError(loc)
                             << "exclude: no layer named '" << ex
                             << "'; layers are first, last,";
      for (unsigned l = 0; l < L; ++l)
        d << " " << layerName(layers[l], l);
      return signalPassFailure();
    }
  }
  choices.assign(L, {});
  counts.assign(L, {});
  Problem p;
  for (unsigned l = 0; l < L; ++l) {
    if (pinned[l]) {
      choices[l] = {{wBits.back(), aBits.back()}};
    } else {
      for (unsigned w : wBits)
        for (unsigned a : aBits)
          choices[l].push_back({w, a});
    }
    counts[l] = {layers[l].getNumWeights(), layers[l].getMACsPerSample()};
    p.numOptions.push_back(choices[l].size());
  }
  p.linear.assign(p.numTotalOptions(), 0.0);
  if (failed(addResources(p, loc)))
    return signalPassFailure();
  // A budget no layout can meet is refused before any evaluation.
  for (unsigned k = 0; k < p.resources.size(); ++k)
    if (p.minCost(k) > p.resources[k].limit * (1 + 1e-9)) {
      emitError(loc) << "no layout meets the budget '" << std::string(budget)
                     << "': " << explainInfeasible(p);
      return signalPassFailure();
    }

  // --- search --------------------------------------------------------------
  std::vector<unsigned> layout(L);
  for (unsigned l = 0; l < L; ++l)
    layout[l] = choices[l].size() - 1; // the highest widths
  bool searched = !p.resources.empty();
  std::unique_ptr<FakeQuantEvaluator> evaluator;
  Strategy s = strategy;
  bool needsData = s != Strategy::Uniform;
  if (needsData || !std::string(data).empty()) {
    FailureOr<std::unique_ptr<FakeQuantEvaluator>> e =
        makeEvaluator(s == Strategy::LossAware);
    if (failed(e))
      return signalPassFailure();
    evaluator = std::move(*e);
  }
  if (!searched) {
    llvm::errs() << "assign-precision: no budget: every layer at the "
                    "highest widths\n";
  } else if (s == Strategy::Uniform) {
    if (failed(runUniform(p, layout)))
      return signalPassFailure();
  } else if (s == Strategy::LossAware) {
    if (failed(runLossAware(p, *evaluator, layout)))
      return signalPassFailure();
  } else {
    if (failed(s == Strategy::Hawq ? runHawq(p, *evaluator)
                                   : runClado(p, *evaluator)))
      return signalPassFailure();
    FailureOr<Result> r = solve(p, 1);
    if (failed(r))
      return signalPassFailure();
    layout = r->layouts[0].choice;
    stats.push_back(b.getNamedAttr(
        s == Strategy::Clado ? "predicted_loss_change" : "predicted_hawq",
        b.getF64FloatAttr(r->layouts[0].objective)));
  }

  // --- result --------------------------------------------------------------
  CostModel model(targetDesc ? &*targetDesc : nullptr);
  double bytes = 0, bops = 0, bits = 0, cycles = 0;
  int64_t totalWeights = 0;
  SmallVector<Attribute> perLayer;
  for (unsigned l = 0; l < L; ++l) {
    const Choice &c = choices[l][layout[l]];
    setPrecision(layers[l], PrecisionAttr::get(&getContext(), c.weightBits,
                                               c.actBits, DenseI32ArrayAttr(),
                                               1));
    bytes += model.sizeBytes(counts[l], c.weightBits);
    bops += model.bops(counts[l], c.weightBits, c.actBits);
    bits += double(counts[l].numWeights) * c.weightBits;
    totalWeights += counts[l].numWeights;
    SmallVector<NamedAttribute> entry{
        b.getNamedAttr("name", b.getStringAttr(layerName(layers[l], l))),
        b.getNamedAttr("weight_bits", b.getI64IntegerAttr(c.weightBits)),
        b.getNamedAttr("act_bits", b.getI64IntegerAttr(c.actBits)),
        b.getNamedAttr("pinned", b.getBoolAttr(pinned[l])),
        b.getNamedAttr("macs", b.getI64IntegerAttr(counts[l].macs)),
        b.getNamedAttr("weights", b.getI64IntegerAttr(counts[l].numWeights))};
    if (targetDesc) {
      llvm::Expected<double> cy =
          model.cycles(counts[l], c.weightBits, c.actBits);
      if (cy) {
        cycles += *cy;
        // The layer's estimate and its two roofline terms.
        entry.push_back(b.getNamedAttr("cycles", b.getF64FloatAttr(*cy)));
        entry.push_back(b.getNamedAttr(
            "compute_cycles",
            b.getF64FloatAttr(model.computeCycles(counts[l], c.weightBits))));
        entry.push_back(b.getNamedAttr(
            "memory_cycles",
            b.getF64FloatAttr(model.memoryCycles(counts[l], c.weightBits))));
      } else {
        llvm::consumeError(cy.takeError());
      }
    }
    perLayer.push_back(b.getDictionaryAttr(entry));
    llvm::errs() << "assign-precision: " << layerName(layers[l], l) << ": W"
                 << c.weightBits << "A" << c.actBits
                 << (pinned[l] ? " (pinned)" : "") << "\n";
  }
  static const char *names[] = {"uniform", "hawq", "loss-aware", "clado"};
  stats.push_back(
      b.getNamedAttr("strategy", b.getStringAttr(names[unsigned(s)])));
  stats.push_back(b.getNamedAttr("budget", b.getStringAttr(budget)));
  stats.push_back(b.getNamedAttr("layers", b.getArrayAttr(perLayer)));
  stats.push_back(
      b.getNamedAttr("predicted_size_bytes", b.getF64FloatAttr(bytes)));
  stats.push_back(b.getNamedAttr("predicted_bops", b.getF64FloatAttr(bops)));
  stats.push_back(b.getNamedAttr(
      "avg_weight_bits",
      b.getF64FloatAttr(totalWeights ? bits / double(totalWeights) : 0)));
  if (targetDesc)
    stats.push_back(
        b.getNamedAttr("predicted_cycles", b.getF64FloatAttr(cycles)));
  if (targetDesc && targetDesc->clockGHz > 0)
    stats.push_back(b.getNamedAttr(
        "predicted_latency_us",
        b.getF64FloatAttr(cycles / (targetDesc->clockGHz * 1e3))));
  if (evaluator) {
    FailureOr<double> loss = evaluator->evaluate(overridesOf(layout));
    if (failed(loss))
      return signalPassFailure();
    stats.push_back(b.getNamedAttr("float_loss",
                                   b.getF64FloatAttr(evaluator->getFloatLoss())));
    stats.push_back(
        b.getNamedAttr("measured_loss", b.getF64FloatAttr(*loss)));
    stats.push_back(b.getNamedAttr(
        "evaluations",
        b.getI64IntegerAttr(int64_t(evaluator->getNumEvaluations()))));
    llvm::errs() << "assign-precision: loss " << *loss << " (float "
                 << evaluator->getFloatLoss() << "), "
                 << evaluator->getNumEvaluations() << " evaluations\n";
  }
  double wall = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  stats.push_back(b.getNamedAttr("wall_seconds", b.getF64FloatAttr(wall)));
  llvm::errs() << llvm::formatv("assign-precision: size {0} bytes, average "
                                "weight bits {1:f3}, {2:e} BOPs, {3:f1} s\n",
                                bytes, totalWeights ? bits / totalWeights : 0,
                                bops, wall);
  module->setAttr(attr::kSearch, b.getDictionaryAttr(stats));
}

} // namespace
